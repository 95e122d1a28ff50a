-- Accounts of the web application: Argon2id password hashes (PHC strings), a role from
-- DESIGN.md, and the unit or member record that scopes what the account sees.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    member_id BIGINT REFERENCES members(id),
    must_change BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
