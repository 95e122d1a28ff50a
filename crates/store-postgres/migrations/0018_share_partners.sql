-- The offices this one exchanges indicators with over TAXII 2.1: where the partner's server is,
-- the token it gave us (sealed with the data dir's key), the API token we gave it and what that
-- token may do on our collection (read, write), its province (TLP:AMBER stays in the province),
-- and the last pull and push with their cursors, counts and error.
CREATE TABLE share_partners (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    province BIGINT NOT NULL,
    url TEXT,
    sealed_token TEXT,
    token_id BIGINT,
    can_read BIGINT NOT NULL,
    can_write BIGINT NOT NULL,
    pull_cursor TEXT,
    push_cursor TEXT,
    last_pull TEXT,
    last_push TEXT,
    last_error TEXT,
    pulled BIGINT NOT NULL DEFAULT 0,
    pushed BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX share_partners_token ON share_partners (token_id);
-- The status of each TAXII POST (what a partner pushed): its id, the partner and the status
-- resource as answered, so the partner can ask for it again.
CREATE TABLE taxii_statuses (
    id TEXT PRIMARY KEY,
    partner_id BIGINT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX shared_indicators_added ON shared_indicators (updated_at, stix_id);
-- Sightings of shared indicators ("seen in N posts at office X"; never the posts): ours, counted
-- from the signals that matched an indicator, and those other offices published; each by its
-- deterministic STIX id (of the indicator and the office that saw it), newest version kept.
CREATE TABLE indicator_sightings (
    stix_id TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL,
    sighted_by TEXT NOT NULL,
    sighted_by_name TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    local BIGINT NOT NULL,
    marking TEXT NOT NULL,
    object TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
