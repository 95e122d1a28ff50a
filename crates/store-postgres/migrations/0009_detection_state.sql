-- State that every process serving this database must agree on (it was in files of the data
-- dir): the office's shadow-mode choices per rule, known false matches, rule packs, feeds.
CREATE TABLE rule_shadow (
    rule_id TEXT PRIMARY KEY,
    shadow BOOLEAN NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
-- A rule or register reference on an item's folded text raises no more alerts. Keyed by the
-- SHA-256 of both (a post's text can be longer than an index key may be).
CREATE TABLE suppressions (
    key_sha256 TEXT PRIMARY KEY,
    seq BIGSERIAL NOT NULL,
    reference TEXT NOT NULL,
    folded_text TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
-- The office's own rule packs (TOML), by file name; each accepted only if the whole engine
-- builds with it (checked by the caller), each change audited.
CREATE TABLE rule_packs (
    name TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
-- What a feed answered last (conditional GET and the polite interval), per feed URL, so every
-- process polls a feed as one.
CREATE TABLE feed_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    fetched_at BIGINT
);
