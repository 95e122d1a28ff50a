-- Cases: a finding handled by a person, the alerts merged into it, and its evidence files
-- (kept on disk by SHA-256; this table says who added which file under what name). The case's
-- timeline is its audit events, hence the index on the audit log's entity.
CREATE TABLE cases (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    assignee TEXT,
    community_id BIGINT REFERENCES communities(id),
    alert_ids TEXT NOT NULL,
    outcome TEXT,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE evidence (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (case_id, sha256)
);
CREATE INDEX audit_entity ON audit_events(entity, entity_id);
