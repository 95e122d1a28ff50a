-- API tokens: only the SHA-256 of the token is kept (the token is shown once, at creation);
-- each is scoped to a role and, for unit roles, a unit. Revoked tokens stay for the record.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
