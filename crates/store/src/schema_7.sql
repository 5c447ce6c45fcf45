-- chiso store, migration 7: daily
-- counters, so that any period that is not made of whole months (a date
-- range, a cut period) is a sum of days and months instead of a pass over
-- the raw records (chiso_core::measures::Accumulator::add_days). The same
-- counters as month_measures, by day (days since 1970-01-01, Vietnam time),
-- without the unit counts (reported per month); the late counters by day
-- received and day become late; the procedure use by day (packed.rs).
-- Existing files are filled from the raw records right after this migration.

CREATE TABLE day_measures (
    unit_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    synced INTEGER NOT NULL DEFAULT 0,
    online INTEGER NOT NULL DEFAULT 0,
    fee INTEGER NOT NULL DEFAULT 0,
    paid_online INTEGER NOT NULL DEFAULT 0,
    paper_result INTEGER NOT NULL DEFAULT 0,
    e_result INTEGER NOT NULL DEFAULT 0,
    digitized INTEGER NOT NULL DEFAULT 0,
    reused INTEGER NOT NULL DEFAULT 0,
    personal_store INTEGER NOT NULL DEFAULT 0,
    citizen_data INTEGER NOT NULL DEFAULT 0,
    negative INTEGER NOT NULL DEFAULT 0,
    ended INTEGER NOT NULL DEFAULT 0,
    ended_late INTEGER NOT NULL DEFAULT 0,
    became_late INTEGER NOT NULL DEFAULT 0,
    fb_received INTEGER NOT NULL DEFAULT 0,
    fb_ended INTEGER NOT NULL DEFAULT 0,
    fb_ended_late INTEGER NOT NULL DEFAULT 0,
    fb_became_late INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
) WITHOUT ROWID;

CREATE TABLE late_by_received_day (
    unit_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    received_day INTEGER NOT NULL,
    became_day INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (received_day, became_day, unit_id, kind)
) WITHOUT ROWID;

CREATE TABLE procedure_use_day (
    day INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    uses BLOB NOT NULL,
    PRIMARY KEY (day, unit_id)
) WITHOUT ROWID;
