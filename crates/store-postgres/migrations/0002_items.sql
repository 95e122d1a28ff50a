-- Public items (posts, comments, videos) and per-source ingest checkpoints.
CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    source_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities(id),
    published_at TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    author_pseudonym TEXT,
    author_handle TEXT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    media TEXT NOT NULL,
    UNIQUE (platform, source_id)
);
CREATE INDEX items_community_time ON items(community_id, published_at);
CREATE INDEX items_time ON items(published_at);
CREATE TABLE checkpoints (
    source TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
