-- chiso store, migration 3: processing steps (quá trình xử lý), as the
-- portal's CapNhatTienDoHoSoMC pushes them: kept once per step (the same
-- step sent again changes nothing), possibly before their dossier arrives.
-- A dossier written to `dossiers` has its steps merged in
-- (chiso_core::steps::apply_steps).

CREATE TABLE dossier_steps (
    key TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    status TEXT,
    handler TEXT NOT NULL,
    title TEXT NOT NULL,
    department TEXT NOT NULL,
    content TEXT NOT NULL,
    started_at INTEGER,
    due_at INTEGER
) WITHOUT ROWID;

CREATE INDEX dossier_steps_by_dossier ON dossier_steps(dossier_id, at);
