-- The people's tip line. A group gathers the tips about one thing (the same phone number,
-- account or link, or the same text): an officer answers the group once and every reporter in
-- it sees the answer. A tip is known by the SHA-256 of the code its reporter keeps (the code is
-- the secret); its contact, given only with consent, is purged after the group is answered and
-- the retention period; its sender is kept only as a keyed hash (a flood from one source is
-- counted once).
CREATE TABLE tip_groups (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT,
    decided_by TEXT,
    decided_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE tips (
    id BIGSERIAL PRIMARY KEY,
    code_sha256 TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    link TEXT,
    phone TEXT,
    account TEXT,
    text TEXT NOT NULL,
    contact TEXT,
    consent BIGINT NOT NULL,
    answer TEXT NOT NULL,
    group_id BIGINT NOT NULL REFERENCES tip_groups(id),
    sender TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX tips_group ON tips (group_id);
