-- A province on one database: each commune is a tenant, the subtree of units under its own
-- unit (`tenants.unit_id`, written by `sokenh migrate` before the unit itself). Every row that
-- belongs to a commune carries its tenant, set here by triggers from the row it hangs on (a
-- unit from its parent, a page from its unit, a post from its page, a case from its page…), so
-- no statement of the application has to remember it; province-wide rows keep NULL. Where the
-- row it hangs on says nothing (a post on a page outside the register), the tenant given is
-- kept: `sokenh migrate` gives every row of a commune's store its commune.
-- Row-level security is the second lock: under the role `sokenh_commune`, with the tenant set
-- for the transaction (`SET LOCAL ROLE sokenh_commune; SET LOCAL sokenh.tenant = '…'`), a query
-- that forgets its filter still sees only its commune. The login that owns the tables (the
-- province's server) is not bound by the policies.
CREATE TABLE tenants (
    code INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    source_head TEXT NOT NULL,
    source_events BIGINT NOT NULL,
    bridge_event BIGINT NOT NULL,
    migrated_by TEXT NOT NULL,
    migrated_at TEXT NOT NULL
);

ALTER TABLE units ADD COLUMN tenant_id BIGINT;
ALTER TABLE communities ADD COLUMN tenant_id BIGINT;
ALTER TABLE size_snapshots ADD COLUMN tenant_id BIGINT;
ALTER TABLE name_history ADD COLUMN tenant_id BIGINT;
ALTER TABLE members ADD COLUMN tenant_id BIGINT;
ALTER TABLE participations ADD COLUMN tenant_id BIGINT;
ALTER TABLE commitments ADD COLUMN tenant_id BIGINT;
ALTER TABLE users ADD COLUMN tenant_id BIGINT;
ALTER TABLE items ADD COLUMN tenant_id BIGINT;
ALTER TABLE signals ADD COLUMN tenant_id BIGINT;
ALTER TABLE cases ADD COLUMN tenant_id BIGINT;
ALTER TABLE evidence ADD COLUMN tenant_id BIGINT;

CREATE FUNCTION sokenh_unit_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE(
        (SELECT t.unit_id FROM tenants t WHERE t.unit_id = NEW.id),
        (SELECT u.tenant_id FROM units u WHERE u.id = NEW.parent_id),
        NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER units_tenant BEFORE INSERT OR UPDATE OF parent_id ON units
    FOR EACH ROW EXECUTE FUNCTION sokenh_unit_tenant();

CREATE FUNCTION sokenh_community_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE((SELECT u.tenant_id FROM units u WHERE u.name = NEW.unit), NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER communities_tenant BEFORE INSERT OR UPDATE OF unit ON communities
    FOR EACH ROW EXECUTE FUNCTION sokenh_community_tenant();

CREATE FUNCTION sokenh_tenant_by_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE((SELECT u.tenant_id FROM units u WHERE u.id = NEW.unit_id), NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER members_tenant BEFORE INSERT OR UPDATE OF unit_id ON members
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_unit();
CREATE TRIGGER users_tenant BEFORE INSERT OR UPDATE OF unit_id ON users
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_unit();

CREATE FUNCTION sokenh_tenant_by_community() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE((SELECT c.tenant_id FROM communities c WHERE c.id = NEW.community_id), NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER size_snapshots_tenant BEFORE INSERT ON size_snapshots
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_community();
CREATE TRIGGER name_history_tenant BEFORE INSERT ON name_history
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_community();
CREATE TRIGGER items_tenant BEFORE INSERT OR UPDATE OF community_id ON items
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_community();
CREATE TRIGGER cases_tenant BEFORE INSERT OR UPDATE OF community_id ON cases
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_community();
-- A participation hangs on its member (the commune whose cadre declared it).
CREATE FUNCTION sokenh_tenant_by_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE((SELECT m.tenant_id FROM members m WHERE m.id = NEW.member_id), NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER participations_tenant BEFORE INSERT ON participations
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_member();
CREATE TRIGGER commitments_tenant BEFORE INSERT ON commitments
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_member();

CREATE FUNCTION sokenh_tenant_by_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE((SELECT i.tenant_id FROM items i WHERE i.id = NEW.item_id), NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER signals_tenant BEFORE INSERT ON signals
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_item();

CREATE FUNCTION sokenh_tenant_by_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant_id := COALESCE((SELECT c.tenant_id FROM cases c WHERE c.id = NEW.case_id), NEW.tenant_id);
    RETURN NEW;
END $$;
CREATE TRIGGER evidence_tenant BEFORE INSERT ON evidence
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_case();

-- The role a commune's session takes. Roles belong to the whole cluster: made once, and only
-- where the migrating login may make roles (otherwise the DBA makes it: docs/province.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune') THEN
        BEGIN
            CREATE ROLE sokenh_commune NOLOGIN;
        -- Two databases of one cluster migrated at once both try: the second waits for the
        -- first and finds the role made (unique_violation on the role catalogue).
        EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
            RAISE NOTICE 'role sokenh_commune not made here: %', SQLERRM;
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema()) || ' TO sokenh_commune';
        EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA ' || quote_ident(current_schema()) || ' TO sokenh_commune';
        EXECUTE 'GRANT SELECT ON tenants TO sokenh_commune';
    END IF;
END $$;

-- Each commune-owned table: enabled for row-level security, one policy for the commune role,
-- and only these tables granted to it (the province-wide ones stay closed to a commune's role).
DO $$
DECLARE t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'communities', 'size_snapshots', 'name_history', 'members',
        'participations', 'commitments', 'users', 'items', 'signals', 'cases', 'evidence'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune') THEN
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sokenh_commune', t);
            EXECUTE format('CREATE POLICY commune_only ON %I TO sokenh_commune
                USING (tenant_id = NULLIF(current_setting(''sokenh.tenant'', true), '''')::bigint)
                WITH CHECK (tenant_id = NULLIF(current_setting(''sokenh.tenant'', true), '''')::bigint)', t);
        END IF;
    END LOOP;
END $$;
