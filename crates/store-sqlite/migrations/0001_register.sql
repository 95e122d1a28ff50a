-- The register: units, communities with their size and name history, members, their
-- participations and commitments, and the hash-chained audit log.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES units(id),
    locality_code INTEGER
);
CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    members INTEGER,
    admins TEXT,
    unit TEXT,
    status TEXT NOT NULL,
    classification TEXT NOT NULL,
    official_of TEXT,
    locality TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE size_snapshots (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    at TEXT NOT NULL,
    members INTEGER NOT NULL
);
CREATE INDEX size_snapshots_community ON size_snapshots(community_id);
CREATE TABLE name_history (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    at TEXT NOT NULL,
    old_name TEXT NOT NULL,
    new_name TEXT NOT NULL
);
CREATE INDEX name_history_community ON name_history(community_id);
CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    full_name TEXT NOT NULL,
    position TEXT
);
CREATE TABLE participations (
    member_id INTEGER NOT NULL REFERENCES members(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    role TEXT NOT NULL,
    source TEXT NOT NULL,
    since TEXT,
    recorded TEXT NOT NULL,
    PRIMARY KEY (member_id, community_id)
);
CREATE TABLE commitments (
    member_id INTEGER NOT NULL REFERENCES members(id),
    version TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    PRIMARY KEY (member_id, version)
);
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
