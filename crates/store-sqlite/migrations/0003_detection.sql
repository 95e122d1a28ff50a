-- Detection: signals on items, the fact-check register, URL block/allow lists, and alerts.
CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    category TEXT NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    evidence TEXT NOT NULL,
    detector TEXT NOT NULL,
    ref TEXT NOT NULL,
    version TEXT NOT NULL,
    shadow INTEGER NOT NULL,
    role TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX signals_item ON signals(item_id);
CREATE INDEX signals_category ON signals(category, score);
CREATE TABLE factchecks (
    id TEXT PRIMARY KEY,
    claim TEXT NOT NULL,
    verdict TEXT NOT NULL,
    correction TEXT NOT NULL,
    source_url TEXT NOT NULL,
    date TEXT,
    variants TEXT NOT NULL,
    media_hashes TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE url_lists (
    entry TEXT PRIMARY KEY,
    list TEXT NOT NULL,
    source TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    score REAL NOT NULL,
    item_ids TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    explanation TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
