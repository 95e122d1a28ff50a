-- The servers on one database learn at once that another changed what their pages show,
-- instead of at their next look (every few seconds): each transaction that appends to the
-- audit log — every change a page shows is audited in its transaction — notifies
-- `sokenh_changed` when it commits, and each statement that ends sessions (a sign-out, a
-- password change) notifies `sokenh_sessions`. PostgreSQL sends one notification per channel
-- and transaction, after the commit, to the servers that LISTEN.
CREATE FUNCTION sokenh_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_ARGV[0], '');
    RETURN NULL;
END $$;
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION sokenh_notify('sokenh_changed');
CREATE TRIGGER sessions_notify AFTER DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION sokenh_notify('sokenh_sessions');
