-- Indicators shared between offices as STIX 2.1: each indicator by its STIX id (deterministic,
-- from its kind and canonical value), what it points at, who published it (our own office's
-- identity for the ones confirmed here), its newest version (modified), end, revocation and TLP
-- marking, and the STIX object itself as exported or received. The case it came from is kept
-- here only, never exported. Nothing is deleted: a retraction is a revoked version.
CREATE TABLE shared_indicators (
    stix_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    origin TEXT NOT NULL,
    origin_name TEXT NOT NULL,
    local INTEGER NOT NULL,
    modified TEXT NOT NULL,
    valid_until TEXT,
    revoked INTEGER NOT NULL,
    marking TEXT NOT NULL,
    object TEXT NOT NULL,
    case_ref TEXT,
    updated_at TEXT NOT NULL
);
