-- Media of communities: the avatar's PDQ hash (hex, as the reference prints it), its quality and
-- the file's SHA-256; one current avatar per community, replaced when a new one is recorded.
CREATE TABLE community_avatars (
    community_id INTEGER PRIMARY KEY REFERENCES communities(id),
    pdq TEXT NOT NULL,
    quality INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
