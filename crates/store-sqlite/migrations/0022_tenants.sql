-- The communes a province database took in (`sokenh migrate`); kept in the embedded store too,
-- so both backends have one schema version. A commune's own SQLite store holds none.
CREATE TABLE tenants (
    code INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    source_head TEXT NOT NULL,
    source_events INTEGER NOT NULL,
    bridge_event INTEGER NOT NULL,
    migrated_by TEXT NOT NULL,
    migrated_at TEXT NOT NULL
);
