-- chiso store, migration 2: the real-time feed. Events are kept as received,
-- one per (dossier, seq); a dossier is the fold of its events
-- (chiso_ingest::events), written to `dossiers` like any imported record.

CREATE TABLE dossier_events (
    dossier_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;
