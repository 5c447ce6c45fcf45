-- chiso store, migration 8: administrative-reform (CCHC) journals
-- (chiso_core::reform): yearly plans, form submissions and yearly results.
-- A journal is a head (its current status and state, as the domain
-- serialises it) and append-only entries (a task's status with its evidence,
-- a submission's revision or workflow step) with who and when. Bodies are
-- the domain's JSON: no rule of the workflow or of the forms is restated here.

CREATE TABLE journals (
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    scope TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, unit, scope)
) WITHOUT ROWID;

CREATE TABLE journal_entries (
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    scope TEXT NOT NULL,
    seq INTEGER NOT NULL,
    part TEXT NOT NULL,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, unit, scope, seq)
) WITHOUT ROWID;

-- Entries are only ever appended.
CREATE TRIGGER journal_entries_append_only_update BEFORE UPDATE ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'journal entries are append-only');
END;
CREATE TRIGGER journal_entries_append_only_delete BEFORE DELETE ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'journal entries are append-only');
END;
