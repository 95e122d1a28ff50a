-- The people's side, second part. A tip's screenshots (kept as files under evidence/ by their
-- SHA-256; their PDQ hash puts a near-duplicate picture in the same group); a group confirmed
-- into a case; a reply sent back in the tip's own channel (Zalo, Telegram); the office's
-- channels that take tips (credentials sealed with the data dir's key); and warnings for the
-- public, drafted from a case or a group, edited and approved by a person.
CREATE TABLE tip_pictures (
    tip_id INTEGER NOT NULL REFERENCES tips(id),
    sha256 TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    pdq TEXT
);
CREATE INDEX tip_pictures_tip ON tip_pictures (tip_id);
ALTER TABLE tip_groups ADD COLUMN case_id INTEGER;
ALTER TABLE tips ADD COLUMN replied_at TEXT;
CREATE TABLE tip_channels (
    platform TEXT PRIMARY KEY,
    credential TEXT NOT NULL,
    secret TEXT NOT NULL,
    api_base TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE warnings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shape TEXT NOT NULL,
    case_id INTEGER,
    group_id INTEGER,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    drafted_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT
);
