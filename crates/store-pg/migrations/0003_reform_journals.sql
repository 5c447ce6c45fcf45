-- chiso on PostgreSQL, migration 3: administrative-reform (CCHC) journals
-- (chiso_core::reform): yearly plans, form submissions and yearly results.
-- A journal is a head (its current status and state, as the domain
-- serialises it) and append-only entries (a task's status with its evidence,
-- a submission's revision or workflow step) with who and when. Bodies are
-- the domain's JSON: no rule of the workflow or of the forms is restated here.

CREATE TABLE journals (
    kind text NOT NULL,
    unit text NOT NULL,
    scope text NOT NULL,
    status text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (kind, unit, scope)
);

CREATE TABLE journal_entries (
    kind text NOT NULL,
    unit text NOT NULL,
    scope text NOT NULL,
    seq integer NOT NULL,
    part text NOT NULL,
    at bigint NOT NULL,
    by text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (kind, unit, scope, seq)
);

-- Entries are only ever appended.
CREATE FUNCTION journal_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal entries are append-only';
END;
$$;
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_entries_append_only();
