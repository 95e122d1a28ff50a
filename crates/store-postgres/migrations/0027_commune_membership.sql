-- The servers take the role `sokenh_commune` themselves for a commune's account's reads of its
-- people (`Store::as_commune`), so the login they run as must be a member of it. Granted here
-- where that login may grant it (it made the role, or has CREATEROLE); otherwise the DBA runs
-- `GRANT sokenh_commune TO <login>` (docs/province.md), and `sokenh doctor` says it is missing.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune')
       AND NOT pg_has_role(current_user, 'sokenh_commune', 'MEMBER') THEN
        BEGIN
            EXECUTE 'GRANT sokenh_commune TO ' || quote_ident(current_user);
        EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
            RAISE NOTICE 'sokenh_commune not granted to %: %', current_user, SQLERRM;
        END;
    END IF;
END $$;
