-- The register: units, communities with their size and name history, members, their
-- participations and commitments, and the hash-chained audit log.
CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    parent_id BIGINT REFERENCES units(id),
    locality_code BIGINT
);
CREATE TABLE communities (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    members BIGINT,
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
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id),
    at TEXT NOT NULL,
    members BIGINT NOT NULL
);
CREATE INDEX size_snapshots_community ON size_snapshots(community_id);
CREATE TABLE name_history (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id),
    at TEXT NOT NULL,
    old_name TEXT NOT NULL,
    new_name TEXT NOT NULL
);
CREATE INDEX name_history_community ON name_history(community_id);
CREATE TABLE members (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    full_name TEXT NOT NULL,
    position TEXT
);
CREATE TABLE participations (
    member_id BIGINT NOT NULL REFERENCES members(id),
    community_id BIGINT NOT NULL REFERENCES communities(id),
    role TEXT NOT NULL,
    source TEXT NOT NULL,
    since TEXT,
    recorded TEXT NOT NULL,
    PRIMARY KEY (member_id, community_id)
);
CREATE TABLE commitments (
    member_id BIGINT NOT NULL REFERENCES members(id),
    version TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    PRIMARY KEY (member_id, version)
);
CREATE TABLE audit_events (
    id BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
