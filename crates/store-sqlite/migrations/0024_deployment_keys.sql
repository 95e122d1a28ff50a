-- The deployment's keys, by fingerprint only (never the key): every server of a deployment must
-- hold the same pseudonym key (a server with another key would write other pseudonyms for the
-- same authors and could not open the credentials sealed under the first). The first server to
-- start records its key's fingerprint; a server whose key differs refuses to start.
CREATE TABLE deployment_keys (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
