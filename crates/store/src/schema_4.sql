-- chiso store, migration 4: the national portal's published figures
-- (report_tinh_766_service), one row per unit and period (the period's code,
-- e.g. 2026-10); re-importing a unit and period replaces its row, and
-- `import_id` names the import that gave it. Scores are points as published:
-- the six groups in the portal's column order, and the total; NULL where the
-- portal gave none.

CREATE TABLE published_scores (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    line INTEGER NOT NULL,
    name TEXT NOT NULL,
    ckmb REAL,
    tdgq REAL,
    tttt REAL,
    clgq REAL,
    mdhl REAL,
    mdsh REAL,
    total REAL,
    PRIMARY KEY (period, unit_id)
) WITHOUT ROWID;
