-- chiso store, migration 9:
-- targets as data (chiso_core::targets). One row per unit (NULL for a
-- government goal, which applies to every unit), year and criterion; a
-- re-import replaces it and names its import. The value is a ratio 0–1.

CREATE TABLE IF NOT EXISTS targets (
    unit_id INTEGER REFERENCES units(id),
    year INTEGER NOT NULL,
    criterion TEXT NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL,
    import_id INTEGER
);

CREATE UNIQUE INDEX IF NOT EXISTS targets_key ON targets(coalesce(unit_id, 0), year, criterion);
