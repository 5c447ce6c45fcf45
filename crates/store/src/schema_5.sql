-- chiso store, migration 5: the end of processing of each dossier, as the
-- core computes it (chiso_core::judge::end_of_processing), so that queries
-- skip dossiers ended before a period without restating the rule in SQL.
-- Existing rows are filled by the store in Rust right after this migration.

ALTER TABLE dossiers ADD COLUMN ended_at INTEGER;
