-- Monthly partitions for the three tables that grow with time: posts (`items`, by the month they
-- were published), their signals (by the month they were recorded) and the audit log (by the
-- month of the event). Each is partitioned by range of its time column — the times are ISO 8601
-- text, so a month's rows are those from '2026-11' up to '2026-12' — into one partition a month
-- (`items_p2026_11`) and a catch-all (`items_p_other`) for a month that has none yet. Reads that
-- name a period (a month's figures, the analytics, a purge's cut-off) read only its partitions.
-- `sokenh_maintain_partitions()` — run at this migration and by the servers' daily job — makes
-- this month's and the next month's partitions ahead and moves every month found in the
-- catch-all into a partition of its own.
--
-- A partitioned table's unique keys must hold its partition key, so the two that did not move
-- with their tables: a post is still stored once by its platform and source id through
-- `item_keys` (the ingest claims the key first; a trigger keeps every other insert — `migrate`
-- — to the same rule; the key also says which month holds the post), and the audit chain's ids stay one after another as the one writer at a
-- time appends them (`Store`'s rule, checked by `audit verify`). The signals' reference to
-- their post is kept by the store, which deletes a post's signals with it.

-- A month's partition of `parent` (by its column `col`), made unless it is there: the rows of
-- that month already in the catch-all move into it first.
CREATE FUNCTION sokenh_month_partition(parent TEXT, col TEXT, month TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
    first DATE := to_date(month || '-01', 'YYYY-MM-DD');
    name TEXT := parent || '_p' || to_char(first, 'YYYY_MM');
    lo TEXT := to_char(first, 'YYYY-MM');
    hi TEXT := to_char(first + interval '1 month', 'YYYY-MM');
BEGIN
    IF to_regclass(quote_ident(name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', name, parent);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *)
                    INSERT INTO %I SELECT * FROM moved',
                   parent || '_p_other', col, lo, col, hi, name);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   parent, name, lo, hi);
    RETURN true;
END $$;

-- This month's and the next month's partitions of each table, and one for every month the
-- catch-all holds; how many were made.
CREATE FUNCTION sokenh_maintain_partitions() RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    t RECORD;
    m TEXT;
    made INTEGER := 0;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('items', 'published_at'), ('signals', 'created_at'),
                                   ('audit_events', 'at')) AS v(parent, col) LOOP
        FOR m IN
            SELECT to_char(now() AT TIME ZONE 'UTC' + interval '7 hours', 'YYYY-MM')
            UNION SELECT to_char(now() AT TIME ZONE 'UTC' + interval '7 hours' + interval '1 month', 'YYYY-MM')
            UNION SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM')
        LOOP
            made := made + sokenh_month_partition(t.parent, t.col, m)::int;
        END LOOP;
        FOR m IN EXECUTE format(
            'SELECT DISTINCT substr(%I, 1, 7) FROM %I WHERE %I ~ ''^[0-9]{4}-(0[1-9]|1[0-2])''',
            t.col, t.parent || '_p_other', t.col)
        LOOP
            made := made + sokenh_month_partition(t.parent, t.col, m)::int;
        END LOOP;
    END LOOP;
    RETURN made;
END $$;

-- Posts.
ALTER TABLE items RENAME TO items_unpartitioned;
ALTER INDEX items_pkey RENAME TO items_unpartitioned_pkey;
ALTER INDEX items_platform_source_id_key RENAME TO items_unpartitioned_key;
ALTER INDEX items_community_time RENAME TO items_unpartitioned_community_time;
ALTER INDEX items_time RENAME TO items_unpartitioned_time;
DROP TRIGGER items_tenant ON items_unpartitioned;
ALTER SEQUENCE items_id_seq OWNED BY NONE;
CREATE TABLE items (
    id BIGINT NOT NULL DEFAULT nextval('items_id_seq'),
    source_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities(id),
    published_at TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    author_pseudonym TEXT,
    author_handle TEXT,
    reactions BIGINT,
    comments BIGINT,
    shares BIGINT,
    views BIGINT,
    media TEXT NOT NULL,
    tenant_id BIGINT,
    PRIMARY KEY (id, published_at)
) PARTITION BY RANGE (published_at);
ALTER SEQUENCE items_id_seq OWNED BY items.id;
CREATE TABLE items_p_other PARTITION OF items DEFAULT;
CREATE INDEX items_community_time ON items (community_id, published_at);
CREATE INDEX items_time ON items (published_at);
-- A post's key, and where it is: its id and its month (so a lookup by source id reads the
-- one partition that holds the post, not every month's). The source id leads the key: the
-- lookups know it and not the platform.
CREATE TABLE item_keys (
    platform TEXT NOT NULL,
    source_id TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (source_id, platform)
);
CREATE INDEX item_keys_item ON item_keys (item_id);
INSERT INTO item_keys SELECT platform, source_id, id, published_at FROM items_unpartitioned;
SELECT sokenh_month_partition('items', 'published_at', m) FROM (
    SELECT DISTINCT substr(published_at, 1, 7) AS m FROM items_unpartitioned
    WHERE published_at ~ '^[0-9]{4}-(0[1-9]|1[0-2])') AS months;
INSERT INTO items (id, source_id, platform, community_id, published_at, text, url,
        author_pseudonym, author_handle, reactions, comments, shares, views, media, tenant_id)
    SELECT id, source_id, platform, community_id, published_at, text, url, author_pseudonym,
        author_handle, reactions, comments, shares, views, media, tenant_id
    FROM items_unpartitioned;
CREATE TRIGGER items_tenant BEFORE INSERT OR UPDATE OF community_id ON items
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_community();
-- Every post inserted holds its key: one the ingest claimed for it, or a new one; a key another
-- post holds is the unique violation the old constraint raised.
CREATE FUNCTION sokenh_item_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_keys (platform, source_id, item_id, published_at)
        VALUES (NEW.platform, NEW.source_id, NEW.id, NEW.published_at) ON CONFLICT DO NOTHING;
    IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM item_keys k WHERE k.platform = NEW.platform
            AND k.source_id = NEW.source_id AND k.item_id = NEW.id) THEN
        RAISE EXCEPTION 'duplicate key value violates unique constraint "item_keys_pkey"'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'item_keys_pkey',
                  DETAIL = format('Key (source_id, platform)=(%s, %s) already exists.',
                                  NEW.source_id, NEW.platform);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER items_key AFTER INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION sokenh_item_key();

-- Signals.
ALTER TABLE signals RENAME TO signals_unpartitioned;
ALTER INDEX signals_pkey RENAME TO signals_unpartitioned_pkey;
ALTER INDEX signals_item RENAME TO signals_unpartitioned_item;
ALTER INDEX signals_category RENAME TO signals_unpartitioned_category;
DROP TRIGGER signals_tenant ON signals_unpartitioned;
ALTER SEQUENCE signals_id_seq OWNED BY NONE;
CREATE TABLE signals (
    id BIGINT NOT NULL DEFAULT nextval('signals_id_seq'),
    item_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    explanation TEXT NOT NULL,
    evidence TEXT NOT NULL,
    detector TEXT NOT NULL,
    ref TEXT NOT NULL,
    version TEXT NOT NULL,
    shadow BIGINT NOT NULL,
    role TEXT,
    created_at TEXT NOT NULL,
    tenant_id BIGINT,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE signals_id_seq OWNED BY signals.id;
CREATE TABLE signals_p_other PARTITION OF signals DEFAULT;
CREATE INDEX signals_item ON signals (item_id);
CREATE INDEX signals_category ON signals (category, score);
SELECT sokenh_month_partition('signals', 'created_at', m) FROM (
    SELECT DISTINCT substr(created_at, 1, 7) AS m FROM signals_unpartitioned
    WHERE created_at ~ '^[0-9]{4}-(0[1-9]|1[0-2])') AS months;
INSERT INTO signals (id, item_id, category, score, explanation, evidence, detector, ref,
        version, shadow, role, created_at, tenant_id)
    SELECT id, item_id, category, score, explanation, evidence, detector, ref, version, shadow,
        role, created_at, tenant_id
    FROM signals_unpartitioned;
CREATE TRIGGER signals_tenant BEFORE INSERT ON signals
    FOR EACH ROW EXECUTE FUNCTION sokenh_tenant_by_item();
DROP TABLE signals_unpartitioned;
DROP TABLE items_unpartitioned;

-- The audit log.
ALTER TABLE audit_events RENAME TO audit_events_unpartitioned;
ALTER INDEX audit_events_pkey RENAME TO audit_events_unpartitioned_pkey;
ALTER INDEX audit_entity RENAME TO audit_unpartitioned_entity;
DROP TRIGGER audit_events_notify ON audit_events_unpartitioned;
CREATE TABLE audit_events (
    id BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE audit_events_p_other PARTITION OF audit_events DEFAULT;
CREATE INDEX audit_entity ON audit_events (entity, entity_id);
SELECT sokenh_month_partition('audit_events', 'at', m) FROM (
    SELECT DISTINCT substr(at, 1, 7) AS m FROM audit_events_unpartitioned
    WHERE at ~ '^[0-9]{4}-(0[1-9]|1[0-2])') AS months;
INSERT INTO audit_events SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash
    FROM audit_events_unpartitioned;
DROP TABLE audit_events_unpartitioned;
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION sokenh_notify('sokenh_changed');

-- The second lock on the two commune-owned tables made anew (as schema 22 set it).
DO $$
DECLARE t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['items', 'signals'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune') THEN
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sokenh_commune', t);
            EXECUTE format('CREATE POLICY commune_only ON %I TO sokenh_commune
                USING (tenant_id = NULLIF(current_setting(''sokenh.tenant'', true), '''')::bigint)
                WITH CHECK (tenant_id = NULLIF(current_setting(''sokenh.tenant'', true), '''')::bigint)', t);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune') THEN
        EXECUTE 'GRANT SELECT ON item_keys TO sokenh_commune';
    END IF;
END $$;

SELECT sokenh_maintain_partitions();
