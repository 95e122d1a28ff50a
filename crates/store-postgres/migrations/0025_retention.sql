-- Retention: how long each category of data is kept (months; a category without a row is kept
-- for ever), set by an administrator and audited; and the posts a purge took away, in order,
-- so that every search index — whichever server's — deletes them from itself as it catches up.
CREATE TABLE retention (
    category TEXT PRIMARY KEY,
    months INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE purged_items (
    seq BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL,
    purged_at TEXT NOT NULL
);
