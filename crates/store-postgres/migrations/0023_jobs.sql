-- Work the servers share out (`store::jobs`): one row for one piece of work, by kind and key;
-- claimed with FOR UPDATE SKIP LOCKED, so two servers never claim the same job.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    run_at TEXT NOT NULL,
    lease_until TEXT,
    worker TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (kind, key)
);
CREATE INDEX jobs_due ON jobs(state, run_at);
