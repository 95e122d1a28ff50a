-- Signed-in sessions, so that every server process on this database knows them (a sign-out, a
-- password change or reset ends them everywhere) and a restart signs nobody out. Keyed by the
-- SHA-256 of the cookie's id: what is stored cannot be used as a cookie. Times in Unix
-- milliseconds.
CREATE TABLE sessions (
    id_sha256 TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    seen_ms BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
