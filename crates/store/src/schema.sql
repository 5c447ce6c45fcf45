-- chiso store, migration 1. Instants are Unix seconds (UTC); days are days
-- since 1970-01-01; months are year * 12 + (month - 1).

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_code TEXT,
    kind TEXT NOT NULL,
    valid_from INTEGER,
    valid_to INTEGER,
    successor_code TEXT,
    scored INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE procedures (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT,
    field TEXT NOT NULL DEFAULT '',
    online_level TEXT NOT NULL,
    full_online_eligible INTEGER NOT NULL,
    has_fee INTEGER NOT NULL,
    paper_result INTEGER NOT NULL,
    max_days INTEGER,
    citizen_facing INTEGER NOT NULL,
    decision_date INTEGER,
    legal_effective_date INTEGER,
    published_at INTEGER,
    complete_parts INTEGER NOT NULL,
    citizen_data_connected INTEGER NOT NULL
);

CREATE TABLE holidays (
    day INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE dossiers (
    id TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    channel INTEGER NOT NULL,
    submitted_at INTEGER,
    received_at INTEGER NOT NULL,
    due_at INTEGER,
    finished_at INTEGER,
    returned_at INTEGER,
    status TEXT NOT NULL,
    supplement_requests INTEGER NOT NULL,
    supplement_requested_at INTEGER,
    supplement_days INTEGER NOT NULL,
    synced INTEGER NOT NULL,
    fee_amount INTEGER NOT NULL,
    paid_online INTEGER NOT NULL,
    e_result INTEGER NOT NULL,
    digitized INTEGER NOT NULL,
    reused_data INTEGER NOT NULL,
    vneid_verified INTEGER NOT NULL,
    handler_named INTEGER NOT NULL,
    personal_store_synced INTEGER NOT NULL,
    citizen_data_used INTEGER NOT NULL,
    rating TEXT,
    complaint INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX dossiers_by_unit ON dossiers(unit_id, received_at);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    received_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    handled_at INTEGER,
    published_at INTEGER,
    likes INTEGER NOT NULL,
    dislikes INTEGER NOT NULL,
    repeated INTEGER NOT NULL
);
CREATE INDEX feedback_by_unit ON feedback(unit_id, received_at);

CREATE TABLE unit_counts (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    month INTEGER NOT NULL,
    verified_accounts INTEGER NOT NULL,
    e_certified_copies INTEGER NOT NULL,
    certification_dossiers INTEGER NOT NULL,
    population INTEGER NOT NULL,
    PRIMARY KEY (unit_id, month)
) WITHOUT ROWID;

-- Maintained measures (see chiso_core::measures): additive, rebuilt by `chiso rebuild`.
CREATE TABLE month_measures (
    unit_id INTEGER NOT NULL,
    month INTEGER NOT NULL,
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
    verified_accounts INTEGER NOT NULL DEFAULT 0,
    population INTEGER NOT NULL DEFAULT 0,
    e_certified_copies INTEGER NOT NULL DEFAULT 0,
    certification_dossiers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
) WITHOUT ROWID;

CREATE TABLE late_by_received (
    unit_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    received_month INTEGER NOT NULL,
    became_month INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (received_month, became_month, unit_id, kind)
) WITHOUT ROWID;

-- Per unit and month, the procedures used, with counts, packed (see packed.rs).
CREATE TABLE procedure_use (
    month INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    uses BLOB NOT NULL,
    PRIMARY KEY (month, unit_id)
) WITHOUT ROWID;

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    replaced INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);

-- Rejected records, kept with their reason (nothing read is silently dropped).
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    import_id INTEGER REFERENCES imports(id),
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    column_name TEXT,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
