-- A second factor for an account (RFC 6238): its secret in base32 once turned on, and the last
-- time step a code was accepted for (each code is good once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
