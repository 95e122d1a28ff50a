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
