-- The office's own channels read through their platforms' APIs: one row a channel and platform,
-- its credential sealed with the data dir's key, where the last pull stopped (a JSON cursor that
-- never holds a credential), how it went, and the API units used today.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    credential TEXT NOT NULL,
    api_base TEXT NOT NULL,
    interval_s INTEGER NOT NULL,
    cursor TEXT,
    last_pull TEXT,
    last_success TEXT,
    last_error TEXT,
    quota_day TEXT,
    quota_used INTEGER NOT NULL DEFAULT 0,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (platform, channel)
);
-- What each pulled item is to its channel (aggregates only: comments a day, the share answered
-- by the page itself, the most discussed posts): a post or a comment, the post or comment it
-- answers, and whether the channel itself wrote it.
CREATE TABLE source_items (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    item_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    by_channel INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    UNIQUE (source_id, item_key)
);
CREATE INDEX source_items_at ON source_items (source_id, published_at);
-- A warning for the public published on an official page: the platform's id of the post.
ALTER TABLE warnings ADD COLUMN published TEXT;
-- An officer's periodic look at a page no API can check for us: what they saw, a screenshot
-- as evidence (kept under evidence/ by its SHA-256).
CREATE TABLE channel_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    outcome TEXT NOT NULL,
    seen_name TEXT,
    members INTEGER,
    note TEXT NOT NULL,
    sha256 TEXT,
    media_type TEXT,
    checked_by TEXT NOT NULL,
    checked_at TEXT NOT NULL
);
CREATE INDEX channel_checks_community ON channel_checks (community_id, checked_at);
