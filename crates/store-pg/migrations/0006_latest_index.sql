-- chiso PostgreSQL store, migration 6: the data's as-of instant read from
-- indexes. `PgStore::as_of` is the latest instant any record reports
-- (`max(latest_at)` of dossiers and feedback); without an index it read
-- every dossier (2–3 s at 10 million, on every score sheet and page), with
-- one it reads the last entry of each month's partition.
CREATE INDEX IF NOT EXISTS dossiers_latest_at ON dossiers (latest_at);
CREATE INDEX IF NOT EXISTS feedback_latest_at ON feedback (latest_at);
