-- chiso PostgreSQL store, migration 4 ("targets"):
-- targets as data (chiso_core::targets). One row per
-- unit (NULL for a government goal, which applies to every unit), year and
-- criterion; a re-import replaces it and names its import. The value is a
-- ratio 0–1.

CREATE TABLE targets (
    unit_id bigint REFERENCES units(id),
    year integer NOT NULL,
    criterion text NOT NULL,
    value double precision NOT NULL,
    source text NOT NULL,
    import_id bigint
);

CREATE UNIQUE INDEX targets_key ON targets ((coalesce(unit_id, 0)), year, criterion);
