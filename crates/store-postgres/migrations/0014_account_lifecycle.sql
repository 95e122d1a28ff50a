-- An account an administrator disabled (when: it signs in no more and its sessions are ended;
-- enabled again, NULL) and an API token's end (refused after it; NULL: a token made before
-- tokens had an end, which keeps working until revoked).
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
