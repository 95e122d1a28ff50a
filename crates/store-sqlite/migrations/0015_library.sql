-- The rules library: each version of a document members must know (the directive, the code of
-- conduct they sign, the Ministry's rules, a unit's own rules), its file kept by SHA-256 under
-- DATA/library/ and its text extracted here. A code of conduct's version is what commitments
-- name: the newest in effect is the one members sign.
CREATE TABLE library_documents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    version TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    changes TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    body TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (kind, title, version)
);
