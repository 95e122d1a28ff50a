//! `store-postgres`: the backend for a province, chosen by a `postgres://` database URL.
//! Migrations from `migrations/` are embedded and applied at open, recorded in
//! `sokenh_migrations`. Posts, signals and the audit log are partitioned by month (schema 28):
//! a post is stored once through its key in `item_keys`, which also says which month holds it.

use domain::*;
use postgres::{Client, NoTls, Row};
use std::collections::HashMap;
use store::{Backend, NewMember, Result, StoreError, StoredSession, Upsert};

mod conn;
mod listen;
use conn::Conn;
pub use listen::{Change, listen};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_register.sql"),
    include_str!("../migrations/0002_items.sql"),
    include_str!("../migrations/0003_detection.sql"),
    include_str!("../migrations/0004_media.sql"),
    include_str!("../migrations/0005_accounts.sql"),
    include_str!("../migrations/0006_cases.sql"),
    include_str!("../migrations/0007_tokens.sql"),
    include_str!("../migrations/0008_ownership.sql"),
    include_str!("../migrations/0009_detection_state.sql"),
    include_str!("../migrations/0010_sessions.sql"),
    include_str!("../migrations/0011_alert_items.sql"),
    include_str!("../migrations/0012_avatar_turns.sql"),
    include_str!("../migrations/0013_totp.sql"),
    include_str!("../migrations/0014_account_lifecycle.sql"),
    include_str!("../migrations/0015_library.sql"),
    include_str!("../migrations/0016_case_deadlines.sql"),
    include_str!("../migrations/0017_shared_indicators.sql"),
    include_str!("../migrations/0018_share_partners.sql"),
    include_str!("../migrations/0019_tips.sql"),
    include_str!("../migrations/0020_tip_pictures_warnings.sql"),
    include_str!("../migrations/0021_sources.sql"),
    include_str!("../migrations/0022_tenants.sql"),
    include_str!("../migrations/0023_jobs.sql"),
    include_str!("../migrations/0024_deployment_keys.sql"),
    include_str!("../migrations/0025_retention.sql"),
    include_str!("../migrations/0026_notify.sql"),
    include_str!("../migrations/0027_commune_membership.sql"),
    include_str!("../migrations/0028_partitions.sql"),
];

/// The PostgreSQL backend.
pub struct Postgres {
    client: Conn,
}

impl Postgres {
    /// The posts with these source ids, by id. Two short statements rather than one join: the
    /// keys say which month holds each post (schema 28), and the second names their times, so
    /// it is planned over their partitions only — a join over the partitioned `items` was
    /// planned over every month's, each time (1.1 ms against 0.2 ms on the 10 M-post bench).
    fn keyed_items(&mut self, source_ids: &[String]) -> Result<Vec<Item>> {
        if source_ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys = self
            .client
            .query(
                "SELECT item_id, published_at FROM item_keys WHERE source_id = ANY($1)",
                &[&source_ids],
            )
            .map_err(db)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = keys.iter().map(|r| r.get(0)).collect();
        let mut times: Vec<String> = keys.iter().map(|r| r.get(1)).collect();
        times.sort_unstable();
        times.dedup();
        let rows = self
            .client
            .query(
                "SELECT i.id, i.source_id, i.platform, i.community_id, c.url, i.published_at, i.text, i.url, i.author_pseudonym, i.author_handle,
                        i.reactions, i.comments, i.shares, i.views, i.media
                 FROM items i JOIN communities c ON c.id = i.community_id
                 WHERE i.id = ANY($1) AND i.published_at = ANY($2)
                 ORDER BY i.id",
                &[&ids, &times],
            )
            .map_err(db)?;
        rows.iter().map(item_row).collect()
    }
}

const CASE_COLUMNS: &str = "SELECT id, title, category, status, assignee, community_id, alert_ids, outcome, opened_by, opened_at, updated_at, due_at, first_action_at, merged_into FROM cases";

fn case_row(r: &postgres::Row) -> Result<Case> {
    Ok(Case {
        id: r.get(0),
        title: r.get(1),
        category: parse(r.get(2), "category")?,
        status: CaseStatus::parse(r.get(3)).unwrap_or(CaseStatus::Open),
        assignee: r.get(4),
        community: r.get::<_, Option<i64>>(5).map(CommunityId),
        alert_ids: serde_json::from_str(r.get::<_, &str>(6)).unwrap_or_default(),
        outcome: r.get(7),
        opened_by: r.get(8),
        opened_at: r.get(9),
        updated_at: r.get(10),
        due_at: r.get(11),
        first_action_at: r.get(12),
        merged_into: r.get(13),
    })
}

/// A unique key already taken (SQLSTATE 23505) becomes [`StoreError::Conflict`] (what a front end
/// shows as "already exists"); everything else is a database error with the server's message
/// (the driver's own text says only "db error").
fn db(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(d) if *d.code() == postgres::error::SqlState::UNIQUE_VIOLATION => {
            StoreError::Conflict {
                entity: "khoá / key",
                value: d.constraint().unwrap_or(d.message()).to_owned(),
            }
        }
        Some(d) => StoreError::Database(format!("{}: {}", d.code().code(), d.message())),
        None => StoreError::Database(e.to_string()),
    }
}

const ALERT_COLUMNS: &str = "SELECT id, category, severity, score, item_ids, count, first_at, last_at, explanation, status FROM alerts";

fn alert_row(r: &postgres::Row) -> Result<StoredAlert> {
    Ok(StoredAlert {
        id: r.get(0),
        category: parse(r.get(1), "category")?,
        severity: r.get(2),
        score: r.get::<_, f64>(3) as f32,
        item_ids: serde_json::from_str(r.get::<_, &str>(4)).unwrap_or_default(),
        count: r.get::<_, i64>(5) as u64,
        first_at: r.get(6),
        last_at: r.get(7),
        explanation: r.get(8),
        status: r.get(9),
    })
}

/// Without touching the schema: the number of audit events the database at `url` holds, `None`
/// when it has no sokenh tables (what a restore asks before it writes anything).
pub fn audit_events_without_migrating(url: &str) -> Result<Option<u64>> {
    let mut client = Client::connect(url, NoTls).map_err(db)?;
    let exists: bool = client
        .query_one("SELECT to_regclass('audit_events') IS NOT NULL", &[])
        .map_err(db)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let n: i64 = client
        .query_one("SELECT count(*) FROM audit_events", &[])
        .map_err(db)?
        .get(0);
    Ok(Some(n as u64))
}

/// Makes the role the row-level security policies name (`sokenh_commune`, see migration 22)
/// when the cluster lacks it and this login may make roles; says whether it is there now. A
/// dump's policies name it: restoring them into a cluster without it fails.
pub fn ensure_commune_role(url: &str) -> Result<bool> {
    let mut client = Client::connect(url, NoTls).map_err(db)?;
    let there = |c: &mut Client| -> Result<bool> {
        Ok(c.query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune')",
            &[],
        )
        .map_err(db)?
        .get(0))
    };
    if !there(&mut client)? {
        // Refused without CREATEROLE: the caller says what to do.
        let _ = client.batch_execute("CREATE ROLE sokenh_commune NOLOGIN");
    }
    there(&mut client)
}

impl Postgres {
    /// How many statements this connection keeps prepared: each SQL text is prepared once per
    /// connection and then only executed.
    pub fn prepared_statements(&self) -> usize {
        self.client.prepared()
    }
}

/// Connects and brings the schema up to date.
pub fn open(url: &str) -> Result<Postgres> {
    let mut client = Client::connect(url, NoTls).map_err(db)?;
    client
        .batch_execute("CREATE TABLE IF NOT EXISTS sokenh_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        .map_err(db)?;
    let current: i32 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM sokenh_migrations",
            &[],
        )
        .map_err(db)?
        .get(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i32 + 1;
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(sql).map_err(|e| StoreError::Migration {
            version: version as u32,
            // The server's words (the driver's own say only "db error").
            message: match e.as_db_error() {
                Some(d) => format!("{}: {}", d.code().code(), d.message()),
                None => e.to_string(),
            },
        })?;
        tx.execute(
            "INSERT INTO sokenh_migrations (version) VALUES ($1)",
            &[&version],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
    }
    Ok(Postgres {
        client: Conn::new(client),
    })
}

/// One cell in COPY's text format: `\N` for NULL; a backslash, tab, newline or carriage
/// return escaped; bytes as bytea's hex input.
fn copy_text(out: &mut Vec<u8>, cell: &store::Cell) {
    match cell {
        store::Cell::Null => out.extend_from_slice(b"\\N"),
        store::Cell::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
        store::Cell::Real(v) => out.extend_from_slice(v.to_string().as_bytes()),
        store::Cell::Text(t) => {
            for b in t.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        store::Cell::Blob(bytes) => {
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                out.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
    }
}

const JOB_COLUMNS: &str = "id, kind, key, state, attempts, run_at, lease_until, worker, last_error, created_at, finished_at";

fn job_row(r: &Row) -> store::Job {
    store::Job {
        id: r.get(0),
        kind: r.get(1),
        key: r.get(2),
        state: r.get(3),
        attempts: r.get(4),
        run_at: r.get(5),
        lease_until: r.get(6),
        worker: r.get(7),
        last_error: r.get(8),
        created_at: r.get(9),
        finished_at: r.get(10),
    }
}

fn parse<T: std::str::FromStr>(s: String, what: &str) -> Result<T> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what}: {s}")))
}

/// A fact-check row as compared on upsert: claim, verdict, correction, source, date, variants, media.
type FactRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

const COMMUNITY_COLUMNS: &str = "id, key, name, url, platform, kind, members, admins, unit, status, classification, official_of, locality, note, tenant_id";

fn community(r: &Row) -> Result<Community> {
    Ok(Community {
        id: CommunityId(r.get(0)),
        key: r.get(1),
        name: r.get(2),
        url: r.get(3),
        platform: parse(r.get(4), "platform")?,
        kind: parse(r.get(5), "kind")?,
        members: r.get::<_, Option<i64>>(6).map(|m| m as u64),
        admins: r.get(7),
        unit: r.get(8),
        status: parse(r.get(9), "status")?,
        classification: parse(r.get(10), "classification")?,
        official_of: r.get(11),
        locality: r.get(12),
        note: r.get(13),
        commune: r.get::<_, Option<i64>>(14).map(UnitId),
    })
}

impl Backend for Postgres {
    fn is_lost(&self) -> bool {
        self.client.is_closed()
    }
    fn tenant_count(&mut self) -> Result<u64> {
        let n: i64 = self
            .client
            .query_one("SELECT count(*) FROM tenants", &[])
            .map_err(db)?
            .get(0);
        Ok(n as u64)
    }

    fn first_tenant(&mut self) -> Result<Option<i64>> {
        Ok(self
            .client
            .query_opt("SELECT unit_id FROM tenants ORDER BY code LIMIT 1", &[])
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    fn tenant_figures(&mut self, since: &str, now: &str) -> Result<Vec<store::TenantFigures>> {
        let mut communes: Vec<store::TenantFigures> = self
            .client
            .query(
                "SELECT code::bigint, name, unit_id FROM tenants ORDER BY name",
                &[],
            )
            .map_err(db)?
            .iter()
            .map(|r| store::TenantFigures {
                code: r.get(0),
                name: r.get(1),
                unit_id: r.get(2),
                ..Default::default()
            })
            .collect();
        // One grouped pass over each table (the posts through their time index), not one
        // count per commune.
        let counts: [(&str, &[&(dyn postgres::types::ToSql + Sync)]); 7] = [
            (
                "SELECT tenant_id, count(*) FROM communities GROUP BY 1",
                &[],
            ),
            ("SELECT tenant_id, count(*) FROM members GROUP BY 1", &[]),
            (
                "SELECT tenant_id, count(DISTINCT member_id) FROM participations GROUP BY 1",
                &[],
            ),
            (
                "SELECT tenant_id, count(DISTINCT member_id) FROM commitments GROUP BY 1",
                &[],
            ),
            (
                "SELECT tenant_id, count(*) FROM items WHERE published_at >= $1 GROUP BY 1",
                &[&since],
            ),
            (
                "SELECT tenant_id, count(*) FROM cases WHERE status <> 'closed' AND merged_into IS NULL GROUP BY 1",
                &[],
            ),
            (
                "SELECT tenant_id, count(*) FROM cases WHERE status <> 'closed' AND merged_into IS NULL AND due_at < $1 GROUP BY 1",
                &[&now],
            ),
        ];
        for (k, (sql, params)) in counts.iter().enumerate() {
            for r in self.client.query(sql, params).map_err(db)? {
                let (Some(tenant), n) = (r.get::<_, Option<i64>>(0), r.get::<_, i64>(1) as u64)
                else {
                    continue;
                };
                if let Some(c) = communes.iter_mut().find(|c| c.unit_id == tenant) {
                    let figure = match k {
                        0 => &mut c.pages,
                        1 => &mut c.members,
                        2 => &mut c.declared,
                        3 => &mut c.signed,
                        4 => &mut c.posts,
                        5 => &mut c.open_cases,
                        _ => &mut c.overdue_cases,
                    };
                    *figure = n;
                }
            }
        }
        Ok(communes)
    }

    fn retention(&mut self) -> Result<Vec<(String, i64, String, String)>> {
        Ok(self
            .client
            .query(
                "SELECT category, months::bigint, set_by, set_at FROM retention ORDER BY category",
                &[],
            )
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    fn set_retention(
        &mut self,
        category: &str,
        months: Option<i64>,
        by: &str,
        at: &str,
    ) -> Result<()> {
        match months {
            Some(m) => self.client.execute(
                "INSERT INTO retention (category, months, set_by, set_at) VALUES ($1, $2::bigint::integer, $3, $4)
                 ON CONFLICT (category) DO UPDATE SET months = EXCLUDED.months, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at",
                &[&category, &m, &by, &at],
            ),
            None => self
                .client
                .execute("DELETE FROM retention WHERE category = $1", &[&category]),
        }
        .map_err(db)?;
        Ok(())
    }

    fn purge_candidates(
        &mut self,
        before: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(i64, String)>> {
        Ok(self
            .client
            .query(
                "SELECT id, source_id FROM items WHERE published_at < $1 AND id > $2
                 AND community_id NOT IN (SELECT community_id FROM cases WHERE community_id IS NOT NULL)
                 ORDER BY id LIMIT $3",
                &[&before, &after, &i64::from(limit)],
            )
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn delete_items(&mut self, items: &[(i64, String)], at: &str) -> Result<(u64, u64)> {
        let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
        let sources: Vec<&str> = items.iter().map(|(_, s)| s.as_str()).collect();
        let signals = self
            .client
            .execute("DELETE FROM signals WHERE item_id = ANY($1)", &[&ids])
            .map_err(db)?;
        let deleted = self
            .client
            .execute(
                "WITH gone AS (DELETE FROM items WHERE id = ANY($1) RETURNING id)
                 INSERT INTO purged_items (item_id, purged_at) SELECT id, $2 FROM gone ORDER BY id",
                &[&ids, &at],
            )
            .map_err(db)?;
        // Their keys go with them (schema 28: the key a post is stored once by), so the same
        // post met again is a new post, as before.
        self.client
            .execute("DELETE FROM item_keys WHERE item_id = ANY($1)", &[&ids])
            .map_err(db)?;
        self.client
            .execute(
                "DELETE FROM alert_items a WHERE a.source_id = ANY($1)
                 AND NOT EXISTS (SELECT 1 FROM item_keys k WHERE k.source_id = a.source_id)",
                &[&sources],
            )
            .map_err(db)?;
        Ok((deleted, signals))
    }

    fn prune_purged(&mut self, before: &str) -> Result<u64> {
        self.client
            .execute(
                "DELETE FROM purged_items WHERE purged_at < $1
                 AND seq < (SELECT MAX(seq) FROM purged_items)",
                &[&before],
            )
            .map_err(db)
    }

    fn first_purged_seq(&mut self) -> Result<Option<i64>> {
        Ok(self
            .client
            .query_one("SELECT MIN(seq) FROM purged_items", &[])
            .map_err(db)?
            .get(0))
    }

    fn purged_after(&mut self, seq: i64, limit: u32) -> Result<Vec<(i64, i64)>> {
        Ok(self
            .client
            .query(
                "SELECT seq, item_id FROM purged_items WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&seq, &i64::from(limit)],
            )
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn record_key(&mut self, name: &str, fingerprint: &str, now: &str) -> Result<(String, bool)> {
        let n = self
            .client
            .execute(
                "INSERT INTO deployment_keys (name, fingerprint, recorded_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                &[&name, &fingerprint, &now],
            )
            .map_err(db)?;
        let kept: String = self
            .client
            .query_one(
                "SELECT fingerprint FROM deployment_keys WHERE name = $1",
                &[&name],
            )
            .map_err(db)?
            .get(0);
        Ok((kept, n == 1))
    }

    fn insert_job(&mut self, kind: &str, key: &str, run_at: &str, now: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO jobs (kind, key, state, run_at, created_at) VALUES ($1, $2, 'queued', $3, $4) ON CONFLICT (kind, key) DO NOTHING",
                &[&kind, &key, &run_at, &now],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn insert_job_alone(&mut self, kind: &str, key: &str, run_at: &str, now: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO jobs (kind, key, state, run_at, created_at)
                 SELECT $1, $2, 'queued', $3, $4
                 WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND state IN ('queued', 'running'))
                 ON CONFLICT (kind, key) DO NOTHING",
                &[&kind, &key, &run_at, &now],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn claim_job(
        &mut self,
        worker: &str,
        now: &str,
        lease_until: &str,
    ) -> Result<Option<store::Job>> {
        // SKIP LOCKED: a job another server is claiming this instant is passed over, not waited for.
        let row = self
            .client
            .query_opt(
                &format!("UPDATE jobs SET state = 'running', worker = $1, lease_until = $3, attempts = attempts + 1
                 WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $2)
                     OR (state = 'running' AND lease_until < $2) ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING {JOB_COLUMNS}"),
                &[&worker, &now, &lease_until],
            )
            .map_err(db)?;
        Ok(row.as_ref().map(job_row))
    }

    fn renew_job(&mut self, id: i64, worker: &str, lease_until: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND worker = $2 AND state = 'running'",
                &[&id, &worker, &lease_until],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn end_job(&mut self, id: i64, worker: &str, end: &store::JobEnd, now: &str) -> Result<bool> {
        let (state, run_at, error) = match end {
            store::JobEnd::Done => ("done", None, None),
            store::JobEnd::Retry { at, error } => {
                ("queued", Some(at.as_str()), Some(error.as_str()))
            }
            store::JobEnd::Failed { error } => ("failed", None, Some(error.as_str())),
        };
        let finished = (state != "queued").then_some(now);
        let n = self
            .client
            .execute(
                "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3, finished_at = $4, lease_until = NULL
                 WHERE id = $5 AND worker = $6 AND state = 'running'",
                &[&state, &run_at, &error, &finished, &id, &worker],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn jobs(&mut self, kind: Option<&str>, limit: usize) -> Result<Vec<store::Job>> {
        Ok(self
            .client
            .query(
                &format!(
                    "SELECT {JOB_COLUMNS} FROM jobs WHERE $2::TEXT IS NULL OR kind = $2
                     ORDER BY id DESC LIMIT $1"
                ),
                &[&(limit as i64), &kind],
            )
            .map_err(db)?
            .iter()
            .map(job_row)
            .collect())
    }

    fn prune_jobs(&mut self, before: &str) -> Result<u64> {
        self.client
            .execute(
                "DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < $1",
                &[&before],
            )
            .map_err(db)
    }

    fn table_names(&mut self) -> Result<Vec<String>> {
        Ok(self
            .client
            .query(
                // Whole tables: a partitioned one counts its partitions' rows (schema 28), so they
                // are not listed apart.
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                   AND c.relname <> 'sokenh_migrations' ORDER BY c.relname",
                &[],
            )
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn count_rows(&mut self, table: &str) -> Result<u64> {
        let n: i64 = self
            .client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .map_err(db)?
            .get(0);
        Ok(n as u64)
    }

    fn read_rows(&mut self, table: &str, after: i64, limit: usize) -> Result<store::RowBatch> {
        let columns: Vec<String> = self
            .client
            .query(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let order = (1..=columns.len())
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let rows = self
            .client
            .query(
                &format!("SELECT row_to_json(x)::text FROM (SELECT * FROM {table} ORDER BY {order} LIMIT $1 OFFSET $2) x"),
                &[&(limit as i64), &after],
            )
            .map_err(db)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(r.get::<_, &str>(0))
                    .map_err(|e| StoreError::Corrupt(format!("{table}: {e}")))?;
            out.push(
                columns
                    .iter()
                    .map(|c| match object.get(c) {
                        None | Some(serde_json::Value::Null) => store::Cell::Null,
                        Some(serde_json::Value::Bool(b)) => store::Cell::Int(i64::from(*b)),
                        Some(serde_json::Value::Number(n)) => n.as_i64().map_or_else(
                            || store::Cell::Real(n.as_f64().unwrap_or(0.0)),
                            store::Cell::Int,
                        ),
                        Some(serde_json::Value::String(t)) => store::Cell::Text(t.clone()),
                        Some(other) => store::Cell::Text(other.to_string()),
                    })
                    .collect(),
            );
        }
        Ok(store::RowBatch {
            columns,
            next: after + out.len() as i64,
            rows: out,
        })
    }

    fn write_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<store::Cell>],
        skip_taken: bool,
    ) -> Result<u64> {
        use std::io::Write;
        // COPY into a temporary table shaped like the target (the server converts the text to
        // each column's type), then one INSERT … SELECT, which runs the target's triggers and
        // may leave out rows whose key is taken.
        let list = columns.join(", ");
        let staging = format!("sokenh_copy_{table}");
        self.client
            .batch_execute(&format!(
                "CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table}) ON COMMIT DROP; TRUNCATE {staging}"
            ))
            .map_err(db)?;
        let mut text = Vec::with_capacity(rows.len() * 64);
        for row in rows {
            for (k, cell) in row.iter().enumerate() {
                if k > 0 {
                    text.push(b'\t');
                }
                copy_text(&mut text, cell);
            }
            text.push(b'\n');
        }
        let mut writer = self
            .client
            .copy_in(&format!("COPY {staging} ({list}) FROM STDIN"))
            .map_err(db)?;
        writer
            .write_all(&text)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        writer.finish().map_err(db)?;
        let conflict = if skip_taken {
            " ON CONFLICT DO NOTHING"
        } else {
            ""
        };
        let written = self
            .client
            .execute(
                &format!("INSERT INTO {table} ({list}) SELECT {list} FROM {staging}{conflict}"),
                &[],
            )
            .map_err(db)?;
        Ok(written)
    }

    fn max_id(&mut self, table: &str) -> Result<i64> {
        let id: i64 = self
            .client
            .query_one(
                &format!("SELECT COALESCE(MAX(id), 0)::bigint FROM {table}"),
                &[],
            )
            .map_err(db)?
            .get(0);
        Ok(id)
    }

    fn ids_written(&mut self, table: &str) -> Result<()> {
        self.client
            .execute(
                &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), COALESCE(MAX(id), 0) > 0) FROM {table}"),
                &[],
            )
            .map_err(db)?;
        Ok(())
    }

    fn backup_into(&mut self, _path: &std::path::Path) -> Result<()> {
        Err(StoreError::Invalid(
            "PostgreSQL được sao lưu bằng pg_dump (sokenh backup làm việc đó) / PostgreSQL is backed up by pg_dump".into(),
        ))
    }

    fn name(&self) -> &'static str {
        "postgres"
    }
    fn begin(&mut self) -> Result<()> {
        // Writers take turns, whichever process or pooled connection they come from: each
        // transaction appends to the one audit chain, whose next link is read inside it.
        self.client
            .batch_execute("BEGIN; SELECT pg_advisory_xact_lock(5736107110)")
            .map_err(db)
    }
    fn commit(&mut self) -> Result<()> {
        self.client.batch_execute("COMMIT").map_err(db)
    }
    fn rollback(&mut self) -> Result<()> {
        self.client.batch_execute("ROLLBACK").map_err(db)
    }
    fn begin_as_commune(&mut self, tenant: i64) -> Result<()> {
        // Read only, so no writer's turn is taken; the role and tenant end with the
        // transaction (LOCAL), whatever becomes of it, before the connection is pooled again.
        self.client
            .batch_execute(&format!(
                "BEGIN READ ONLY; SET LOCAL ROLE sokenh_commune; SET LOCAL sokenh.tenant = '{tenant}'"
            ))
            .map_err(|e| {
                let _ = self.client.batch_execute("ROLLBACK");
                let why = e
                    .as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned());
                StoreError::Database(format!(
                    "không đọc được dưới vai trò của xã (sokenh_commune): {why}; người quản trị cơ sở dữ liệu cần `GRANT sokenh_commune TO` tài khoản của máy chủ / cannot read as a commune (docs/province.md)"
                ))
            })
    }

    fn insert_unit(
        &mut self,
        name: &str,
        parent: Option<UnitId>,
        locality: Option<u32>,
    ) -> Result<UnitId> {
        let row = self
            .client
            .query_one(
                "INSERT INTO units (name, parent_id, locality_code) VALUES ($1, $2, $3) RETURNING id",
                &[&name, &parent.map(|p| p.0), &locality.map(i64::from)],
            )
            .map_err(db)?;
        Ok(UnitId(row.get(0)))
    }

    fn units(&mut self) -> Result<Vec<Unit>> {
        let rows = self
            .client
            .query(
                "SELECT id, name, parent_id, locality_code FROM units ORDER BY id",
                &[],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Unit {
                id: UnitId(r.get(0)),
                name: r.get(1),
                parent: r.get::<_, Option<i64>>(2).map(UnitId),
                locality_code: r.get::<_, Option<i64>>(3).map(|c| c as u32),
            })
            .collect())
    }

    fn insert_community(&mut self, c: &CommunityRecord, now: &str) -> Result<CommunityId> {
        let row = self
            .client
            .query_one(
                "INSERT INTO communities (key, name, url, platform, kind, members, admins, unit, status, classification, official_of, locality, note, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
                &[
                    &c.key, &c.name, &c.url, &c.platform.as_str(), &c.kind.as_str(), &c.members.map(|m| m as i64), &c.admins, &c.unit,
                    &c.status.as_str(), &c.classification.as_str(), &c.official_of, &c.locality, &c.note, &now,
                ],
            )
            .map_err(db)?;
        Ok(CommunityId(row.get(0)))
    }

    fn update_community(&mut self, id: CommunityId, c: &CommunityRecord, now: &str) -> Result<()> {
        self.client
            .execute(
                "UPDATE communities SET name = $2, url = $3, platform = $4, kind = $5, members = $6, admins = $7, unit = $8, status = $9,
                 classification = $10, official_of = $11, locality = $12, note = $13, updated_at = $14 WHERE id = $1",
                &[
                    &id.0, &c.name, &c.url, &c.platform.as_str(), &c.kind.as_str(), &c.members.map(|m| m as i64), &c.admins, &c.unit,
                    &c.status.as_str(), &c.classification.as_str(), &c.official_of, &c.locality, &c.note, &now,
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn communities(&mut self) -> Result<Vec<Community>> {
        let rows = self
            .client
            .query(
                &format!("SELECT {COMMUNITY_COLUMNS} FROM communities ORDER BY id"),
                &[],
            )
            .map_err(db)?;
        rows.iter().map(community).collect()
    }

    fn community(&mut self, id: CommunityId) -> Result<Option<Community>> {
        let rows = self
            .client
            .query(
                &format!("SELECT {COMMUNITY_COLUMNS} FROM communities WHERE id = $1"),
                &[&id.0],
            )
            .map_err(db)?;
        rows.first().map(community).transpose()
    }

    fn insert_snapshot(&mut self, id: CommunityId, at: &str, members: u64) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO size_snapshots (community_id, at, members) VALUES ($1, $2, $3)",
                &[&id.0, &at, &(members as i64)],
            )
            .map_err(db)?;
        Ok(())
    }

    fn snapshots(&mut self, id: CommunityId) -> Result<Vec<SizeSnapshot>> {
        let rows = self
            .client
            .query(
                "SELECT at, members FROM size_snapshots WHERE community_id = $1 ORDER BY id",
                &[&id.0],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| SizeSnapshot {
                community: id,
                at: r.get(0),
                members: r.get::<_, i64>(1) as u64,
            })
            .collect())
    }

    fn insert_name_change(
        &mut self,
        id: CommunityId,
        at: &str,
        old: &str,
        new: &str,
    ) -> Result<()> {
        self.client
            .execute("INSERT INTO name_history (community_id, at, old_name, new_name) VALUES ($1, $2, $3, $4)", &[&id.0, &at, &old, &new])
            .map_err(db)?;
        Ok(())
    }

    fn name_history(&mut self, id: CommunityId) -> Result<Vec<(String, String, String)>> {
        let rows = self.client.query("SELECT at, old_name, new_name FROM name_history WHERE community_id = $1 ORDER BY id", &[&id.0]).map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn insert_member(&mut self, m: &NewMember) -> Result<MemberId> {
        let row = self
            .client
            .query_one("INSERT INTO members (unit_id, full_name, position) VALUES ($1, $2, $3) RETURNING id", &[&m.unit.0, &m.full_name, &m.position])
            .map_err(db)?;
        Ok(MemberId(row.get(0)))
    }

    fn members(&mut self) -> Result<Vec<Member>> {
        let rows = self
            .client
            .query(
                "SELECT id, unit_id, full_name, position FROM members ORDER BY id",
                &[],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Member {
                id: MemberId(r.get(0)),
                unit: UnitId(r.get(1)),
                full_name: r.get(2),
                position: r.get(3),
            })
            .collect())
    }

    fn upsert_participation(&mut self, p: &Participation) -> Result<bool> {
        let existing = self
            .client
            .query_opt("SELECT role, source, since FROM participations WHERE member_id = $1 AND community_id = $2", &[&p.member.0, &p.community.0])
            .map_err(db)?
            .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, Option<String>>(2)));
        if existing.as_ref()
            == Some(&(
                p.role.as_str().to_owned(),
                p.source.as_str().to_owned(),
                p.since.clone(),
            ))
        {
            return Ok(false);
        }
        self.client
            .execute(
                "INSERT INTO participations (member_id, community_id, role, source, since, recorded) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (member_id, community_id) DO UPDATE SET role = excluded.role, source = excluded.source, since = excluded.since, recorded = excluded.recorded",
                &[&p.member.0, &p.community.0, &p.role.as_str(), &p.source.as_str(), &p.since, &p.recorded],
            )
            .map_err(db)?;
        Ok(true)
    }

    fn participations(&mut self) -> Result<Vec<Participation>> {
        let rows = self
            .client
            .query("SELECT member_id, community_id, role, source, since, recorded FROM participations ORDER BY member_id, community_id", &[])
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(Participation {
                    member: MemberId(r.get(0)),
                    community: CommunityId(r.get(1)),
                    role: parse(r.get(2), "role")?,
                    source: parse(r.get(3), "source")?,
                    since: r.get(4),
                    recorded: r.get(5),
                })
            })
            .collect()
    }

    fn set_ownership_decision(
        &mut self,
        member: MemberId,
        community: CommunityId,
        decision: &str,
        by: &str,
        at: &str,
    ) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO ownership_decisions (member_id, community_id, decision, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (member_id, community_id) DO UPDATE SET decision = excluded.decision, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                &[&member.0, &community.0, &decision, &by, &at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn ownership_decisions(&mut self) -> Result<Vec<(MemberId, CommunityId, String)>> {
        let rows = self
            .client
            .query("SELECT member_id, community_id, decision FROM ownership_decisions ORDER BY member_id, community_id", &[])
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| (MemberId(r.get(0)), CommunityId(r.get(1)), r.get(2)))
            .collect())
    }

    fn feed_state(&mut self, url: &str) -> Result<Option<store::FeedState>> {
        let row = self
            .client
            .query_opt(
                "SELECT etag, last_modified, fetched_at FROM feed_state WHERE url = $1",
                &[&url],
            )
            .map_err(db)?;
        Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    fn put_feed_state(&mut self, url: &str, state: &store::FeedState) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO feed_state (url, etag, last_modified, fetched_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                &[&url, &state.0, &state.1, &state.2],
            )
            .map_err(db)?;
        Ok(())
    }

    fn rule_packs(&mut self) -> Result<Vec<(String, String)>> {
        let rows = self
            .client
            .query("SELECT name, text FROM rule_packs ORDER BY name", &[])
            .map_err(db)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn put_rule_pack(&mut self, name: &str, text: &str, by: &str, at: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO rule_packs (name, text, changed_by, changed_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE SET text = excluded.text, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                &[&name, &text, &by, &at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn rule_shadow(&mut self) -> Result<Vec<(String, bool)>> {
        let rows = self
            .client
            .query(
                "SELECT rule_id, shadow FROM rule_shadow ORDER BY rule_id",
                &[],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn set_rule_shadow(&mut self, rule: &str, shadow: bool, by: &str, at: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO rule_shadow (rule_id, shadow, changed_by, changed_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (rule_id) DO UPDATE SET shadow = excluded.shadow, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                &[&rule, &shadow, &by, &at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn suppressions(&mut self) -> Result<Vec<(String, String)>> {
        let rows = self
            .client
            .query(
                "SELECT reference, folded_text FROM suppressions ORDER BY seq",
                &[],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn insert_suppression(
        &mut self,
        key_sha256: &str,
        reference: &str,
        folded_text: &str,
        by: &str,
        at: &str,
    ) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO suppressions (key_sha256, reference, folded_text, added_by, added_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (key_sha256) DO NOTHING",
                &[&key_sha256, &reference, &folded_text, &by, &at],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn insert_commitment(&mut self, c: &Commitment) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO commitments (member_id, version, signed_on) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&c.member.0, &c.version, &c.signed_on],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn indicator(&mut self, stix_id: &str) -> Result<Option<domain::SharedIndicator>> {
        Ok(self
            .client
            .query_opt(
                "SELECT stix_id, kind, value, origin, origin_name, local, modified, valid_until, revoked, marking, object, case_ref, updated_at FROM shared_indicators WHERE stix_id = $1",
                &[&stix_id],
            )
            .map_err(db)?
            .as_ref()
            .map(indicator_row))
    }

    fn put_indicator(&mut self, i: &domain::SharedIndicator, now: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO shared_indicators (stix_id, kind, value, origin, origin_name, local, modified, valid_until, revoked, marking, object, case_ref, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (stix_id) DO UPDATE SET kind = excluded.kind, value = excluded.value, origin = excluded.origin, origin_name = excluded.origin_name, local = excluded.local, modified = excluded.modified, valid_until = excluded.valid_until, revoked = excluded.revoked, marking = excluded.marking, object = excluded.object, case_ref = excluded.case_ref, updated_at = excluded.updated_at",
                &[&i.stix_id, &i.kind, &i.value, &i.origin, &i.origin_name, &i64::from(i.local), &i.modified, &i.valid_until, &i64::from(i.revoked), &i.marking, &i.object, &i.case_ref, &now],
            )
            .map_err(db)?;
        Ok(())
    }

    fn insert_partner(&mut self, p: &domain::SharePartner) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "INSERT INTO share_partners (name, province, url, sealed_token, token_id, can_read, can_write, pulled, pushed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8, $9) RETURNING id",
                &[&p.name, &i64::from(p.province), &p.url, &p.sealed_token, &p.token_id, &i64::from(p.can_read), &i64::from(p.can_write), &p.created_by, &p.created_at],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn update_partner(&mut self, p: &domain::SharePartner) -> Result<()> {
        self.client
            .execute(
                "UPDATE share_partners SET url = $2, sealed_token = $3, token_id = $4, can_read = $5, can_write = $6, pull_cursor = $7, push_cursor = $8, last_pull = $9, last_push = $10, last_error = $11, pulled = $12, pushed = $13 WHERE id = $1",
                &[&p.id, &p.url, &p.sealed_token, &p.token_id, &i64::from(p.can_read), &i64::from(p.can_write), &p.pull_cursor, &p.push_cursor, &p.last_pull, &p.last_push, &p.last_error, &p.pulled, &p.pushed],
            )
            .map_err(db)?;
        Ok(())
    }

    fn partners(&mut self) -> Result<Vec<domain::SharePartner>> {
        Ok(self
            .client
            .query("SELECT id, name, province, url, sealed_token, token_id, can_read, can_write, pull_cursor, push_cursor, last_pull, last_push, last_error, pulled, pushed, created_by, created_at FROM share_partners ORDER BY id", &[])
            .map_err(db)?
            .iter()
            .map(partner_row)
            .collect())
    }

    fn insert_taxii_status(
        &mut self,
        id: &str,
        partner: Option<i64>,
        body: &str,
        at: &str,
    ) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO taxii_statuses (id, partner_id, body, created_at) VALUES ($1, $2, $3, $4)",
                &[&id, &partner, &body, &at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn put_sighting(&mut self, x: &domain::IndicatorSighting, now: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO indicator_sightings (stix_id, indicator_id, sighted_by, sighted_by_name, count, first_seen, last_seen, local, marking, object, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (stix_id) DO UPDATE SET sighted_by_name = excluded.sighted_by_name, count = excluded.count, first_seen = excluded.first_seen, last_seen = excluded.last_seen, marking = excluded.marking, object = excluded.object, updated_at = excluded.updated_at",
                &[&x.stix_id, &x.indicator_id, &x.sighted_by, &x.sighted_by_name, &x.count, &x.first_seen, &x.last_seen, &i64::from(x.local), &x.marking, &x.object, &now],
            )
            .map_err(db)?;
        Ok(())
    }

    fn sightings(&mut self) -> Result<Vec<domain::IndicatorSighting>> {
        Ok(self
            .client
            .query("SELECT stix_id, indicator_id, sighted_by, sighted_by_name, count, first_seen, last_seen, local, marking, object, updated_at FROM indicator_sightings ORDER BY stix_id", &[])
            .map_err(db)?
            .iter()
            .map(|r| domain::IndicatorSighting {
                stix_id: r.get(0),
                indicator_id: r.get(1),
                sighted_by: r.get(2),
                sighted_by_name: r.get(3),
                count: r.get(4),
                first_seen: r.get(5),
                last_seen: r.get(6),
                local: r.get::<_, i64>(7) != 0,
                marking: r.get(8),
                object: r.get(9),
                added: r.get(10),
            })
            .collect())
    }

    fn shared_matches(&mut self) -> Result<Vec<(String, i64, String, String)>> {
        Ok(self
            .client
            .query("SELECT ref, COUNT(DISTINCT item_id), MIN(created_at), MAX(created_at) FROM signals WHERE shadow = 0 AND (ref LIKE 'blocklist:%' OR ref LIKE 'known:%') GROUP BY ref ORDER BY ref", &[])
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    fn tip_group_id(&mut self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .client
            .query_opt("SELECT id FROM tip_groups WHERE key = $1", &[&key])
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    fn insert_tip_group(&mut self, key: &str, kind: &str, now: &str) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "INSERT INTO tip_groups (key, kind, status, created_at) VALUES ($1, $2, 'open', $3) RETURNING id",
                &[&key, &kind, &now],
            )
            .map_err(db)?
            .get(0))
    }

    fn insert_tip(&mut self, t: &domain::Tip) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "INSERT INTO tips (code_sha256, channel, link, phone, account, text, contact, consent, answer, group_id, sender, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[&t.code_sha256, &t.channel, &t.link, &t.phone, &t.account, &t.text, &t.contact, &i64::from(t.consent), &t.answer, &t.group_id, &t.sender, &t.created_at],
            )
            .map_err(db)?
            .get(0))
    }

    fn tip_by_code(&mut self, code_sha256: &str) -> Result<Option<domain::Tip>> {
        Ok(self
            .client
            .query_opt("SELECT id, code_sha256, channel, link, phone, account, text, contact, consent, answer, group_id, sender, created_at FROM tips WHERE code_sha256 = $1", &[&code_sha256])
            .map_err(db)?
            .as_ref()
            .map(tip_row))
    }

    fn tip_groups(&mut self) -> Result<Vec<domain::TipGroup>> {
        Ok(self
            .client
            .query(
                "SELECT g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, COUNT(t.id), COUNT(DISTINCT t.sender), g.case_id FROM tip_groups g LEFT JOIN tips t ON t.group_id = g.id GROUP BY g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, g.case_id ORDER BY COUNT(DISTINCT t.sender) DESC, g.id",
                &[],
            )
            .map_err(db)?
            .iter()
            .map(tip_group_row)
            .collect())
    }

    fn tip_group(&mut self, group: i64) -> Result<Option<domain::TipGroup>> {
        Ok(self
            .client
            .query_opt("SELECT g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, COUNT(t.id), COUNT(DISTINCT t.sender), g.case_id FROM tip_groups g LEFT JOIN tips t ON t.group_id = g.id WHERE g.id = $1 GROUP BY g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, g.case_id", &[&group])
            .map_err(db)?
            .as_ref()
            .map(tip_group_row))
    }

    fn tips_of_group(&mut self, group: i64) -> Result<Vec<domain::Tip>> {
        Ok(self
            .client
            .query("SELECT id, code_sha256, channel, link, phone, account, text, contact, consent, answer, group_id, sender, created_at FROM tips WHERE group_id = $1 ORDER BY id", &[&group])
            .map_err(db)?
            .iter()
            .map(tip_row)
            .collect())
    }

    fn answer_tip_group(
        &mut self,
        group: i64,
        status: &str,
        answer: &str,
        by: &str,
        at: &str,
    ) -> Result<bool> {
        Ok(self
            .client
            .execute(
                "UPDATE tip_groups SET status = $2, answer = $3, decided_by = $4, decided_at = $5 WHERE id = $1",
                &[&group, &status, &answer, &by, &at],
            )
            .map_err(db)?
            == 1)
    }

    fn purge_tip_contacts(&mut self, before: &str) -> Result<u64> {
        self.client.execute("UPDATE tips SET contact = NULL WHERE contact IS NOT NULL AND group_id IN (SELECT id FROM tip_groups WHERE decided_at IS NOT NULL AND decided_at < $1)", &[&before]).map_err(db)
    }

    fn tip_group_keys(&mut self, kind: &str) -> Result<Vec<String>> {
        Ok(self
            .client
            .query(
                "SELECT key FROM tip_groups WHERE kind = $1 ORDER BY id",
                &[&kind],
            )
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn insert_tip_picture(&mut self, p: &domain::TipPicture) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO tip_pictures (tip_id, sha256, media_type, size, pdq) VALUES ($1, $2, $3, $4, $5)",
                &[&p.tip_id, &p.sha256, &p.media_type, &(p.size as i64), &p.pdq],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tip_pictures(&mut self, group: Option<i64>) -> Result<Vec<(i64, domain::TipPicture)>> {
        Ok(self
            .client
            .query("SELECT t.group_id, p.tip_id, p.sha256, p.media_type, p.size, p.pdq FROM tip_pictures p JOIN tips t ON t.id = p.tip_id WHERE ($1::BIGINT IS NULL AND p.pdq IS NOT NULL) OR t.group_id = $1 ORDER BY p.tip_id, p.ctid", &[&group])
            .map_err(db)?
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    domain::TipPicture {
                        tip_id: r.get(1),
                        sha256: r.get(2),
                        media_type: r.get(3),
                        size: r.get::<_, i64>(4) as u64,
                        pdq: r.get(5),
                    },
                )
            })
            .collect())
    }

    fn set_tip_group_case(&mut self, group: i64, case: i64) -> Result<()> {
        self.client
            .execute(
                "UPDATE tip_groups SET case_id = $2 WHERE id = $1",
                &[&group, &case],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tips_to_reply(&mut self, limit: i64) -> Result<Vec<(domain::Tip, String)>> {
        Ok(self
            .client
            .query("SELECT t.id, t.code_sha256, t.channel, t.link, t.phone, t.account, t.text, t.contact, t.consent, t.answer, t.group_id, t.sender, t.created_at, g.answer FROM tips t JOIN tip_groups g ON g.id = t.group_id WHERE g.answer IS NOT NULL AND t.replied_at IS NULL AND t.contact IS NOT NULL AND t.channel IN ('telegram', 'zalo') ORDER BY t.id LIMIT $1", &[&limit])
            .map_err(db)?
            .iter()
            .map(|r| (tip_row(r), r.get(13)))
            .collect())
    }

    fn mark_tip_replied(&mut self, tip: i64, at: &str) -> Result<()> {
        self.client
            .execute(
                "UPDATE tips SET replied_at = $2 WHERE id = $1",
                &[&tip, &at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn put_tip_channel(&mut self, c: &domain::TipChannel) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO tip_channels (platform, credential, secret, api_base, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform) DO UPDATE SET credential = excluded.credential, secret = excluded.secret, api_base = excluded.api_base, added_by = excluded.added_by, added_at = excluded.added_at",
                &[&c.platform, &c.credential, &c.secret, &c.api_base, &c.added_by, &c.added_at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tip_channels(&mut self) -> Result<Vec<domain::TipChannel>> {
        Ok(self
            .client
            .query("SELECT platform, credential, secret, api_base, added_by, added_at FROM tip_channels ORDER BY platform", &[])
            .map_err(db)?
            .iter()
            .map(|r| domain::TipChannel {
                platform: r.get(0),
                credential: r.get(1),
                secret: r.get(2),
                api_base: r.get(3),
                added_by: r.get(4),
                added_at: r.get(5),
            })
            .collect())
    }

    fn put_source(&mut self, s: &domain::Source) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "INSERT INTO sources (platform, channel, credential, api_base, interval_s, quota_used, added_by, added_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7) ON CONFLICT (platform, channel) DO UPDATE SET credential = excluded.credential, api_base = excluded.api_base, interval_s = excluded.interval_s, last_error = NULL RETURNING id",
                &[&s.platform, &s.channel, &s.credential, &s.api_base, &s.interval, &s.added_by, &s.added_at],
            )
            .map_err(db)?
            .get(0))
    }

    fn sources(&mut self) -> Result<Vec<domain::Source>> {
        Ok(self
            .client
            .query("SELECT id, platform, channel, credential, api_base, interval_s, cursor, last_pull, last_success, last_error, quota_day, quota_used, added_by, added_at FROM sources ORDER BY id", &[])
            .map_err(db)?
            .iter()
            .map(|r| domain::Source {
                id: r.get(0),
                platform: r.get(1),
                channel: r.get(2),
                credential: r.get(3),
                api_base: r.get(4),
                interval: r.get(5),
                cursor: r.get(6),
                last_pull: r.get(7),
                last_success: r.get(8),
                last_error: r.get(9),
                quota_day: r.get(10),
                quota_used: r.get(11),
                added_by: r.get(12),
                added_at: r.get(13),
            })
            .collect())
    }

    fn stop_source(&mut self, id: i64) -> Result<bool> {
        Ok(self
            .client
            .execute(
                "UPDATE sources SET interval_s = 0, credential = '' WHERE id = $1",
                &[&id],
            )
            .map_err(db)?
            == 1)
    }

    fn set_source_state(
        &mut self,
        id: i64,
        cursor: &str,
        quota_day: &str,
        quota_used: i64,
        done: Option<(&str, Option<&str>)>,
    ) -> Result<()> {
        match done {
            None => self.client.execute(
                "UPDATE sources SET cursor = $2, quota_day = $3, quota_used = $4 WHERE id = $1",
                &[&id, &cursor, &quota_day, &quota_used],
            ),
            Some((at, None)) => self.client.execute(
                "UPDATE sources SET cursor = $2, quota_day = $3, quota_used = $4, last_pull = $5, last_success = $5, last_error = NULL WHERE id = $1",
                &[&id, &cursor, &quota_day, &quota_used, &at],
            ),
            Some((at, Some(error))) => self.client.execute(
                "UPDATE sources SET cursor = $2, quota_day = $3, quota_used = $4, last_pull = $5, last_error = $6 WHERE id = $1",
                &[&id, &cursor, &quota_day, &quota_used, &at, &error],
            ),
        }
        .map_err(db)?;
        Ok(())
    }

    fn insert_source_items(&mut self, items: &[domain::SourceItem]) -> Result<()> {
        for i in items {
            self.client
                .execute(
                    "INSERT INTO source_items (source_id, item_key, kind, parent, by_channel, published_at, text, url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (source_id, item_key) DO NOTHING",
                    &[
                        &i.source_id,
                        &i.item_key,
                        &i.kind,
                        &i.parent,
                        &i64::from(i.by_channel),
                        &i.published_at,
                        &i.text,
                        &i.url,
                    ],
                )
                .map_err(db)?;
        }
        Ok(())
    }

    fn source_items(&mut self, from: &str, to: &str) -> Result<Vec<domain::SourceItem>> {
        Ok(self
            .client
            .query("SELECT source_id, item_key, kind, parent, by_channel, published_at, text, url FROM source_items WHERE published_at >= $1 AND published_at < $2 ORDER BY published_at", &[&from, &to])
            .map_err(db)?
            .iter()
            .map(|r| domain::SourceItem {
                source_id: r.get(0),
                item_key: r.get(1),
                kind: r.get(2),
                parent: r.get(3),
                by_channel: r.get::<_, i64>(4) != 0,
                published_at: r.get(5),
                text: r.get(6),
                url: r.get(7),
            })
            .collect())
    }

    fn insert_channel_check(&mut self, c: &domain::ChannelCheck) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "INSERT INTO channel_checks (community_id, outcome, seen_name, members, note, sha256, media_type, checked_by, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[&c.community_id, &c.outcome, &c.seen_name, &c.members.map(|m| m as i64), &c.note, &c.sha256, &c.media_type, &c.checked_by, &c.checked_at],
            )
            .map_err(db)?
            .get(0))
    }

    fn latest_channel_checks(&mut self) -> Result<Vec<domain::ChannelCheck>> {
        Ok(self
            .client
            .query("SELECT id, community_id, outcome, seen_name, members, note, sha256, media_type, checked_by, checked_at FROM channel_checks c WHERE id = (SELECT MAX(id) FROM channel_checks d WHERE d.community_id = c.community_id) ORDER BY community_id", &[])
            .map_err(db)?
            .iter()
            .map(|r| domain::ChannelCheck {
                id: r.get(0),
                community_id: r.get(1),
                outcome: r.get(2),
                seen_name: r.get(3),
                members: r.get::<_, Option<i64>>(4).map(|m| m as u64),
                note: r.get(5),
                sha256: r.get(6),
                media_type: r.get(7),
                checked_by: r.get(8),
                checked_at: r.get(9),
            })
            .collect())
    }

    fn insert_warning(&mut self, w: &domain::Warning) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "INSERT INTO warnings (shape, case_id, group_id, title, body, status, drafted_by, created_at, updated_at, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[&w.shape, &w.case_id, &w.group_id, &w.title, &w.body, &w.status, &w.drafted_by, &w.created_at, &w.updated_at, &w.approved_by, &w.approved_at],
            )
            .map_err(db)?
            .get(0))
    }

    fn update_warning(&mut self, w: &domain::Warning) -> Result<bool> {
        Ok(self
            .client
            .execute(
                "UPDATE warnings SET title = $2, body = $3, status = $4, updated_at = $5, approved_by = $6, approved_at = $7, published = $8 WHERE id = $1",
                &[&w.id, &w.title, &w.body, &w.status, &w.updated_at, &w.approved_by, &w.approved_at, &w.published],
            )
            .map_err(db)?
            == 1)
    }

    fn warnings(&mut self) -> Result<Vec<domain::Warning>> {
        Ok(self
            .client
            .query("SELECT id, shape, case_id, group_id, title, body, status, drafted_by, created_at, updated_at, approved_by, approved_at, published FROM warnings ORDER BY id DESC", &[])
            .map_err(db)?
            .iter()
            .map(|r| domain::Warning {
                id: r.get(0),
                shape: r.get(1),
                case_id: r.get(2),
                group_id: r.get(3),
                title: r.get(4),
                body: r.get(5),
                status: r.get(6),
                drafted_by: r.get(7),
                created_at: r.get(8),
                updated_at: r.get(9),
                approved_by: r.get(10),
                approved_at: r.get(11),
                published: r.get(12),
            })
            .collect())
    }

    fn taxii_status(&mut self, id: &str) -> Result<Option<(Option<i64>, String)>> {
        Ok(self
            .client
            .query_opt(
                "SELECT partner_id, body FROM taxii_statuses WHERE id = $1",
                &[&id],
            )
            .map_err(db)?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn indicators(&mut self) -> Result<Vec<domain::SharedIndicator>> {
        Ok(self
            .client
            .query("SELECT stix_id, kind, value, origin, origin_name, local, modified, valid_until, revoked, marking, object, case_ref, updated_at FROM shared_indicators ORDER BY modified, stix_id", &[])
            .map_err(db)?
            .iter()
            .map(indicator_row)
            .collect())
    }

    fn insert_document(&mut self, d: &domain::LibraryDocument, body: &str) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "INSERT INTO library_documents (kind, title, version, effective_on, changes, unit_id, sha256, file_name, media_type, size, body, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                &[&d.kind.as_str(), &d.title, &d.version, &d.effective_on, &d.changes, &d.unit.map(|u| u.0), &d.sha256, &d.file_name, &d.media_type, &(d.size as i64), &body, &d.added_by, &d.added_at],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn documents(&mut self) -> Result<Vec<domain::LibraryDocument>> {
        self.client
            .query("SELECT id, kind, title, version, effective_on, changes, unit_id, sha256, file_name, media_type, size, added_by, added_at FROM library_documents ORDER BY id", &[])
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(domain::LibraryDocument {
                    id: r.get(0),
                    kind: parse(r.get(1), "kind")?,
                    title: r.get(2),
                    version: r.get(3),
                    effective_on: r.get(4),
                    changes: r.get(5),
                    unit: r.get::<_, Option<i64>>(6).map(UnitId),
                    sha256: r.get(7),
                    file_name: r.get(8),
                    media_type: r.get(9),
                    size: r.get::<_, i64>(10) as u64,
                    added_by: r.get(11),
                    added_at: r.get(12),
                })
            })
            .collect()
    }

    fn document_body(&mut self, id: i64) -> Result<Option<String>> {
        Ok(self
            .client
            .query_opt("SELECT body FROM library_documents WHERE id = $1", &[&id])
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    fn commitments(&mut self) -> Result<Vec<Commitment>> {
        let rows = self
            .client
            .query(
                "SELECT member_id, version, signed_on FROM commitments ORDER BY member_id, version",
                &[],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Commitment {
                member: MemberId(r.get(0)),
                version: r.get(1),
                signed_on: r.get(2),
            })
            .collect())
    }

    fn community_id_by_key(&mut self, key: &str) -> Result<Option<CommunityId>> {
        Ok(self
            .client
            .query_opt("SELECT id FROM communities WHERE key = $1", &[&key])
            .map_err(db)?
            .map(|r| CommunityId(r.get(0))))
    }

    fn insert_item(&mut self, community: CommunityId, it: &NewItem) -> Result<Option<i64>> {
        let media =
            serde_json::to_string(&it.media).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let m = |v: Option<u64>| v.map(|x| x as i64);
        let row = self
            .client
            .query_opt(
                // The post's key first (schema 28: the partitioned table cannot hold it): a key
                // taken means the post is stored already, and nothing is inserted.
                "WITH k AS (INSERT INTO item_keys (platform, source_id, item_id, published_at)
                            VALUES ($2, $1, nextval('items_id_seq'), $4) ON CONFLICT DO NOTHING RETURNING item_id)
                 INSERT INTO items (id, source_id, platform, community_id, published_at, text, url, author_pseudonym, author_handle, reactions, comments, shares, views, media)
                 SELECT k.item_id, $1, $2, $3::BIGINT, $4, $5, $6, $7, $8, $9::BIGINT, $10::BIGINT, $11::BIGINT, $12::BIGINT, $13 FROM k RETURNING id",
                &[
                    &it.source_id, &it.platform.as_str(), &community.0, &it.published_at, &it.text, &it.url, &it.author_pseudonym, &it.author_handle,
                    &m(it.metrics.reactions), &m(it.metrics.comments), &m(it.metrics.shares), &m(it.metrics.views), &media,
                ],
            )
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    fn item_count(&mut self) -> Result<u64> {
        Ok(self
            .client
            .query_one("SELECT COUNT(*) FROM items", &[])
            .map_err(db)?
            .get::<_, i64>(0) as u64)
    }

    fn items_after(&mut self, after: i64, limit: u32) -> Result<Vec<Item>> {
        let rows = self
            .client
            .query(
                "SELECT i.id, i.source_id, i.platform, i.community_id, c.url, i.published_at, i.text, i.url, i.author_pseudonym, i.author_handle,
                        i.reactions, i.comments, i.shares, i.views, i.media
                 FROM items i JOIN communities c ON c.id = i.community_id WHERE i.id > $1 ORDER BY i.id LIMIT $2",
                &[&after, &(limit as i64)],
            )
            .map_err(db)?;
        rows.iter().map(item_row).collect()
    }

    fn items_by_source(&mut self, source_id: &str) -> Result<Vec<Item>> {
        self.keyed_items(&[source_id.to_owned()])
    }

    fn community_signals(
        &mut self,
        community: CommunityId,
        limit: u32,
    ) -> Result<Vec<(String, String, StoredSignal)>> {
        let rows = self
            .client
            .query(
                "SELECT i.source_id, i.published_at, g.item_id, g.category, g.score, g.explanation, g.evidence, g.detector, g.ref, g.version, g.shadow, g.role
                 FROM signals g JOIN items i ON i.id = g.item_id
                 WHERE i.community_id = $1 ORDER BY i.published_at DESC, g.id LIMIT $2",
                &[&community.0, &(limit as i64)],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.get(0), r.get(1), signal_row(r, 2)?)))
            .collect()
    }

    fn items_with_signals(
        &mut self,
        source_ids: &[String],
    ) -> Result<Vec<(Item, Vec<StoredSignal>)>> {
        if source_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_source: HashMap<String, Vec<Item>> = HashMap::new();
        for item in self.keyed_items(source_ids)? {
            by_source
                .entry(item.source_id.clone())
                .or_default()
                .push(item);
        }
        let ids: Vec<i64> = by_source.values().flatten().map(|i| i.id).collect();
        let rows = self
            .client
            .query(
                "SELECT item_id, category, score, explanation, evidence, detector, ref, version, shadow, role
                 FROM signals WHERE item_id = ANY($1) ORDER BY score DESC, id",
                &[&ids],
            )
            .map_err(db)?;
        let mut signals: HashMap<i64, Vec<StoredSignal>> = HashMap::new();
        for r in &rows {
            let s = signal_row(r, 0)?;
            signals.entry(s.item_id).or_default().push(s);
        }
        Ok(source_ids
            .iter()
            .flat_map(|id| by_source.get(id).into_iter().flatten())
            .map(|item| {
                (
                    item.clone(),
                    signals.get(&item.id).cloned().unwrap_or_default(),
                )
            })
            .collect())
    }

    fn signals_of(&mut self, item_id: i64) -> Result<Vec<StoredSignal>> {
        let rows = self
            .client
            .query(
                "SELECT item_id, category, score, explanation, evidence, detector, ref, version, shadow, role
                 FROM signals WHERE item_id = $1 ORDER BY score DESC, id",
                &[&item_id],
            )
            .map_err(db)?;
        rows.iter().map(|r| signal_row(r, 0)).collect()
    }

    fn checkpoint(&mut self, source: &str) -> Result<Option<u64>> {
        Ok(self
            .client
            .query_opt(
                "SELECT position FROM checkpoints WHERE source = $1",
                &[&source],
            )
            .map_err(db)?
            .map(|r| r.get::<_, i64>(0) as u64))
    }

    fn set_checkpoint(&mut self, source: &str, position: u64, now: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
                &[&source, &(position as i64), &now],
            )
            .map_err(db)?;
        Ok(())
    }

    fn advance_checkpoint(
        &mut self,
        source: &str,
        after: Option<u64>,
        position: u64,
        now: &str,
    ) -> Result<bool> {
        // The row first (at 0, as no row reads), so that two writers meet on its lock: the
        // second's UPDATE waits for the first's commit, then sees the position it left.
        self.client
            .execute(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES ($1, 0, $2)
                 ON CONFLICT (source) DO NOTHING",
                &[&source, &now],
            )
            .map_err(db)?;
        let moved = match after {
            Some(after) => self.client.execute(
                "UPDATE checkpoints SET position = $2, updated_at = $3
                 WHERE source = $1 AND position = $4",
                &[&source, &(position as i64), &now, &(after as i64)],
            ),
            None => self.client.execute(
                "UPDATE checkpoints SET position = GREATEST(position, $2), updated_at = $3
                 WHERE source = $1",
                &[&source, &(position as i64), &now],
            ),
        }
        .map_err(db)?;
        Ok(moved == 1)
    }

    fn delete_signals(&mut self, item_id: i64) -> Result<()> {
        self.client
            .execute("DELETE FROM signals WHERE item_id = $1", &[&item_id])
            .map_err(db)?;
        Ok(())
    }

    fn insert_signal(&mut self, g: &StoredSignal, now: &str) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO signals (item_id, category, score, explanation, evidence, detector, ref, version, shadow, role, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[&g.item_id, &g.category.as_str(), &(g.score as f64), &g.explanation, &g.evidence, &g.detector, &g.reference, &g.version, &(g.shadow as i64), &g.role, &now],
            )
            .map_err(db)?;
        Ok(())
    }

    fn signals(&mut self, category: Option<Category>) -> Result<Vec<(String, StoredSignal)>> {
        let rows = self
            .client
            .query(
                "SELECT i.source_id, g.item_id, g.category, g.score, g.explanation, g.evidence, g.detector, g.ref, g.version, g.shadow, g.role
                 FROM signals g JOIN items i ON i.id = g.item_id WHERE ($1::TEXT IS NULL OR g.category = $1) ORDER BY g.score DESC, g.id",
                &[&category.map(|c| c.as_str())],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.get(0), signal_row(r, 1)?)))
            .collect()
    }

    fn upsert_factcheck(&mut self, f: &FactCheck, now: &str) -> Result<Upsert> {
        let variants = serde_json::to_string(&f.variants).unwrap_or_default();
        let media = serde_json::to_string(&f.media_hashes).unwrap_or_default();
        let verdict = serde_json::to_value(f.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let old: Option<FactRow> = self
            .client
            .query_opt("SELECT claim, verdict, correction, source_url, date, variants, media_hashes FROM factchecks WHERE id = $1", &[&f.id])
            .map_err(db)?
            .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, String>(2), r.get::<_, String>(3), r.get::<_, Option<String>>(4), r.get::<_, String>(5), r.get::<_, String>(6)));
        let new = (
            f.claim.clone(),
            verdict.clone(),
            f.correction.clone(),
            f.source_url.clone(),
            f.date.clone(),
            variants.clone(),
            media.clone(),
        );
        let outcome = match &old {
            Some(o) if *o == new => return Ok(Upsert::Unchanged),
            Some(_) => Upsert::Updated,
            None => Upsert::Inserted,
        };
        self.client
            .execute(
                "INSERT INTO factchecks (id, claim, verdict, correction, source_url, date, variants, media_hashes, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO UPDATE SET claim = excluded.claim, verdict = excluded.verdict, correction = excluded.correction, source_url = excluded.source_url,
                 date = excluded.date, variants = excluded.variants, media_hashes = excluded.media_hashes, updated_at = excluded.updated_at",
                &[&f.id, &f.claim, &verdict, &f.correction, &f.source_url, &f.date, &variants, &media, &now],
            )
            .map_err(db)?;
        Ok(outcome)
    }

    fn factchecks(&mut self) -> Result<Vec<FactCheck>> {
        let rows = self.client.query("SELECT id, claim, verdict, correction, source_url, date, variants, media_hashes FROM factchecks ORDER BY id", &[]).map_err(db)?;
        rows.iter()
            .map(|r| {
                let verdict: String = r.get(2);
                Ok(FactCheck {
                    id: r.get(0),
                    claim: r.get(1),
                    verdict: serde_json::from_value(serde_json::Value::String(verdict.clone()))
                        .map_err(|_| StoreError::Corrupt(format!("verdict: {verdict}")))?,
                    correction: r.get(3),
                    source_url: r.get(4),
                    date: r.get(5),
                    variants: serde_json::from_str(r.get::<_, &str>(6)).unwrap_or_default(),
                    media_hashes: serde_json::from_str(r.get::<_, &str>(7)).unwrap_or_default(),
                })
            })
            .collect()
    }

    fn upsert_url_entry(
        &mut self,
        entry: &str,
        list: &str,
        source: &str,
        now: &str,
    ) -> Result<Upsert> {
        let old: Option<String> = self
            .client
            .query_opt("SELECT list FROM url_lists WHERE entry = $1", &[&entry])
            .map_err(db)?
            .map(|r| r.get(0));
        let outcome = match old.as_deref() {
            Some(l) if l == list => return Ok(Upsert::Unchanged),
            Some(_) => Upsert::Updated,
            None => Upsert::Inserted,
        };
        self.client
            .execute(
                "INSERT INTO url_lists (entry, list, source, added_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (entry) DO UPDATE SET list = excluded.list, source = excluded.source, added_at = excluded.added_at",
                &[&entry, &list, &source, &now],
            )
            .map_err(db)?;
        Ok(outcome)
    }

    fn upsert_avatar(&mut self, id: CommunityId, avatar: &Avatar, now: &str) -> Result<Upsert> {
        let turned = avatar.turned.join(" ");
        let old: Option<(String, String)> = self
            .client
            .query_opt(
                "SELECT sha256, turned FROM community_avatars WHERE community_id = $1",
                &[&id.0],
            )
            .map_err(db)?
            .map(|r| (r.get(0), r.get(1)));
        let outcome = match old {
            Some((h, t)) if h == avatar.sha256 && t == turned => return Ok(Upsert::Unchanged),
            Some(_) => Upsert::Updated,
            None => Upsert::Inserted,
        };
        self.client
            .execute(
                "INSERT INTO community_avatars (community_id, pdq, quality, sha256, recorded_at, turned) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (community_id) DO UPDATE SET pdq = excluded.pdq, quality = excluded.quality, sha256 = excluded.sha256, recorded_at = excluded.recorded_at, turned = excluded.turned",
                &[&id.0, &avatar.pdq, &i64::from(avatar.quality), &avatar.sha256, &now, &turned],
            )
            .map_err(db)?;
        Ok(outcome)
    }

    fn avatars(&mut self) -> Result<Vec<(CommunityId, Avatar)>> {
        let rows = self
            .client
            .query("SELECT community_id, pdq, quality, sha256, recorded_at, turned FROM community_avatars ORDER BY community_id", &[])
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    CommunityId(r.get(0)),
                    Avatar {
                        pdq: r.get(1),
                        quality: r.get::<_, i64>(2).clamp(0, 100) as u8,
                        sha256: r.get(3),
                        recorded_at: r.get(4),
                        turned: r
                            .get::<_, &str>(5)
                            .split_whitespace()
                            .map(str::to_owned)
                            .collect(),
                    },
                )
            })
            .collect())
    }

    fn item_volume(&mut self, from: &str, to: &str) -> Result<Vec<store::VolumeRow>> {
        let rows = self
            .client
            .query(
                "SELECT substr(published_at, 1, 10) AS d, community_id, platform, COUNT(*),
                        COALESCE(SUM(reactions), 0)::BIGINT, COALESCE(SUM(comments), 0)::BIGINT, COALESCE(SUM(shares), 0)::BIGINT
                 FROM items WHERE published_at >= $1 AND published_at < $2
                 GROUP BY d, community_id, platform ORDER BY d, community_id, platform",
                &[&from, &to],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| store::VolumeRow {
                day: r.get(0),
                community_id: r.get(1),
                platform: r.get(2),
                items: r.get::<_, i64>(3) as u64,
                reactions: r.get::<_, i64>(4).max(0) as u64,
                comments: r.get::<_, i64>(5).max(0) as u64,
                shares: r.get::<_, i64>(6).max(0) as u64,
            })
            .collect())
    }

    fn hourly_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, u64)>> {
        let rows = self
            .client
            .query(
                "SELECT substr(published_at, 1, 13) AS h, COUNT(*) FROM items
                 WHERE published_at >= $1 AND published_at < $2 GROUP BY h ORDER BY h",
                &[&from, &to],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect())
    }

    fn signal_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, u64)>> {
        let rows = self
            .client
            .query(
                "SELECT substr(i.published_at, 1, 10) AS d, s.category, COUNT(DISTINCT s.item_id)
                 FROM signals s JOIN items i ON i.id = s.item_id
                 WHERE s.shadow = 0 AND i.published_at >= $1 AND i.published_at < $2
                 GROUP BY d, s.category ORDER BY d, s.category",
                &[&from, &to],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<_, i64>(2) as u64))
            .collect())
    }

    fn signal_items(
        &mut self,
        from: &str,
        to: &str,
        categories: &[&str],
    ) -> Result<Vec<store::MatchedSignal>> {
        let rows = self
            .client
            .query(
                "SELECT s.category, s.ref, i.community_id, i.published_at, i.source_id
                 FROM signals s JOIN items i ON i.id = s.item_id
                 WHERE s.shadow = 0 AND i.published_at >= $1 AND i.published_at < $2
                 ORDER BY i.published_at, i.id",
                &[&from, &to],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .filter(|r: &store::MatchedSignal| categories.contains(&r.0.as_str()))
            .collect())
    }

    fn for_each_text(&mut self, from: &str, to: &str, f: &mut dyn FnMut(&str, i64)) -> Result<()> {
        let rows = self
            .client
            .query("SELECT text, community_id FROM items WHERE published_at >= $1 AND published_at < $2 ORDER BY id", &[&from, &to])
            .map_err(db)?;
        for r in &rows {
            f(r.get::<_, &str>(0), r.get(1));
        }
        Ok(())
    }

    fn set_alert_status(&mut self, id: i64, status: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE alerts SET status = $1 WHERE id = $2",
                &[&status, &id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn insert_user(&mut self, u: &User, password_hash: &str, now: &str) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "INSERT INTO users (username, password_hash, role, unit_id, member_id, must_change, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[&u.username, &password_hash, &u.role.as_str(), &u.unit.map(|x| x.0), &u.member.map(|x| x.0), &i64::from(u.must_change), &now],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn user_by_name(&mut self, username: &str) -> Result<Option<(User, String)>> {
        let row = self
            .client
            .query_opt(
                &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"),
                &[&username],
            )
            .map_err(db)?;
        Ok(row.map(|r| (user_row(&r), r.get("password_hash"))))
    }

    fn users(&mut self) -> Result<Vec<User>> {
        let rows = self
            .client
            .query(
                &format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"),
                &[],
            )
            .map_err(db)?;
        Ok(rows.iter().map(user_row).collect())
    }

    fn insert_session(&mut self, s: &StoredSession) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO sessions (id_sha256, user_id, csrf, created_ms, seen_ms) VALUES ($1, $2, $3, $4, $5)",
                &[&s.id_sha256, &s.user_id, &s.csrf, &s.created_ms, &s.seen_ms],
            )
            .map_err(db)?;
        Ok(())
    }

    fn session(&mut self, id_sha256: &str) -> Result<Option<(StoredSession, User)>> {
        let row = self
            .client
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf, s.created_ms, s.seen_ms FROM sessions s JOIN users ON users.id = s.user_id WHERE s.id_sha256 = $1 AND users.disabled_at IS NULL"
                ),
                &[&id_sha256],
            )
            .map_err(db)?;
        Ok(row.map(|r| {
            let user = user_row(&r);
            (
                StoredSession {
                    id_sha256: id_sha256.to_owned(),
                    user_id: user.id,
                    csrf: r.get("csrf"),
                    created_ms: r.get("created_ms"),
                    seen_ms: r.get("seen_ms"),
                },
                user,
            )
        }))
    }

    fn touch_session(&mut self, id_sha256: &str, seen_ms: i64) -> Result<()> {
        self.client
            .execute(
                "UPDATE sessions SET seen_ms = $2 WHERE id_sha256 = $1",
                &[&id_sha256, &seen_ms],
            )
            .map_err(db)?;
        Ok(())
    }

    fn delete_session(&mut self, id_sha256: &str) -> Result<()> {
        self.client
            .execute("DELETE FROM sessions WHERE id_sha256 = $1", &[&id_sha256])
            .map_err(db)?;
        Ok(())
    }

    fn delete_user_sessions(&mut self, user_id: i64, keep_sha256: Option<&str>) -> Result<u64> {
        self.client
            .execute(
                "DELETE FROM sessions WHERE user_id = $1 AND id_sha256 IS DISTINCT FROM $2",
                &[&user_id, &keep_sha256],
            )
            .map_err(db)
    }

    fn delete_stale_sessions(&mut self, seen_ms: i64, created_ms: i64) -> Result<u64> {
        self.client
            .execute(
                "DELETE FROM sessions WHERE seen_ms < $1 OR created_ms < $2",
                &[&seen_ms, &created_ms],
            )
            .map_err(db)
    }

    fn totp_secret(&mut self, user: i64) -> Result<Option<String>> {
        Ok(self
            .client
            .query_opt("SELECT totp_secret FROM users WHERE id = $1", &[&user])
            .map_err(db)?
            .and_then(|r| r.get(0)))
    }

    fn set_totp_secret(&mut self, user: i64, secret: Option<&str>) -> Result<()> {
        self.client
            .execute(
                "UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2",
                &[&secret, &user],
            )
            .map_err(db)?;
        Ok(())
    }

    fn use_totp_step(&mut self, user: i64, step: i64) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
                &[&step, &user],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn set_disabled(&mut self, id: i64, at: Option<&str>) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE users SET disabled_at = $1 WHERE id = $2 AND (disabled_at IS NULL) = ($1::text IS NOT NULL)",
                &[&at, &id],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn set_role(&mut self, id: i64, role: Role, unit: Option<UnitId>) -> Result<()> {
        self.client
            .execute(
                "UPDATE users SET role = $1, unit_id = $2, tenant_id = NULL WHERE id = $3",
                &[&role.as_str(), &unit.map(|u| u.0), &id],
            )
            .map_err(db)?;
        Ok(())
    }

    fn set_password(&mut self, id: i64, password_hash: &str, must_change: bool) -> Result<()> {
        self.client
            .execute(
                "UPDATE users SET password_hash = $1, must_change = $2 WHERE id = $3",
                &[&password_hash, &i64::from(must_change), &id],
            )
            .map_err(db)?;
        Ok(())
    }

    fn url_entries(&mut self) -> Result<Vec<(String, String, String)>> {
        let rows = self
            .client
            .query(
                "SELECT entry, list, source FROM url_lists ORDER BY entry",
                &[],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn insert_alert(&mut self, a: &StoredAlert, now: &str) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "INSERT INTO alerts (category, severity, score, item_ids, count, first_at, last_at, explanation, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[&a.category.as_str(), &a.severity, &(a.score as f64), &serde_json::to_string(&a.item_ids).unwrap_or_default(), &(a.count as i64), &a.first_at, &a.last_at, &a.explanation, &a.status, &now],
            )
            .map_err(db)?;
        let id: i64 = row.get(0);
        self.client
            .execute(
                "INSERT INTO alert_items (source_id, alert_id) SELECT DISTINCT unnest($1::text[]), $2::bigint ON CONFLICT DO NOTHING",
                &[&a.item_ids, &id],
            )
            .map_err(db)?;
        Ok(id)
    }

    fn alert_pages(&mut self, after: i64) -> Result<Vec<(i64, i64)>> {
        let rows = self
            .client
            .query(
                "SELECT DISTINCT a.id, i.community_id FROM alerts a
                 CROSS JOIN LATERAL jsonb_array_elements_text(a.item_ids::jsonb) AS j(v)
                 JOIN item_keys k ON k.source_id = j.v
                 JOIN items i ON i.id = k.item_id AND i.published_at = k.published_at
                 WHERE a.id > $1
                 ORDER BY a.id, i.community_id",
                &[&after],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn alerts_of_item(&mut self, source_id: &str) -> Result<Vec<i64>> {
        let rows = self
            .client
            .query(
                "SELECT alert_id FROM alert_items WHERE source_id = $1 ORDER BY alert_id",
                &[&source_id],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn alerts(&mut self) -> Result<Vec<StoredAlert>> {
        let rows = self
            .client
            .query(&format!("{ALERT_COLUMNS} ORDER BY id"), &[])
            .map_err(db)?;
        rows.iter().map(alert_row).collect()
    }

    fn set_item_media(&mut self, id: i64, media: &[MediaRef]) -> Result<bool> {
        let media = serde_json::to_string(media).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(self
            .client
            .execute("UPDATE items SET media = $1 WHERE id = $2", &[&media, &id])
            .map_err(db)?
            == 1)
    }

    fn alerts_with_ids(&mut self, ids: &[i64]) -> Result<Vec<StoredAlert>> {
        let rows = self
            .client
            .query(
                &format!("{ALERT_COLUMNS} WHERE id = ANY($1) ORDER BY id"),
                &[&ids],
            )
            .map_err(db)?;
        rows.iter().map(alert_row).collect()
    }

    fn insert_case(&mut self, c: &Case) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "INSERT INTO cases (title, category, status, assignee, community_id, alert_ids, outcome, opened_by, opened_at, updated_at, due_at, first_action_at, merged_into) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                &[&c.title, &c.category.as_str(), &c.status.as_str(), &c.assignee, &c.community.map(|x| x.0), &serde_json::to_string(&c.alert_ids).unwrap_or_default(), &c.outcome, &c.opened_by, &c.opened_at, &c.updated_at, &c.due_at, &c.first_action_at, &c.merged_into],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn update_case(&mut self, c: &Case) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE cases SET title = $1, category = $2, status = $3, assignee = $4, community_id = $5, alert_ids = $6, outcome = $7, updated_at = $8, due_at = $9, first_action_at = $10, merged_into = $11 WHERE id = $12",
                &[&c.title, &c.category.as_str(), &c.status.as_str(), &c.assignee, &c.community.map(|x| x.0), &serde_json::to_string(&c.alert_ids).unwrap_or_default(), &c.outcome, &c.updated_at, &c.due_at, &c.first_action_at, &c.merged_into, &c.id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn cases(&mut self) -> Result<Vec<Case>> {
        let rows = self
            .client
            .query(&format!("{CASE_COLUMNS} ORDER BY id"), &[])
            .map_err(db)?;
        rows.iter().map(case_row).collect()
    }

    fn case(&mut self, id: i64) -> Result<Option<Case>> {
        let row = self
            .client
            .query_opt(&format!("{CASE_COLUMNS} WHERE id = $1"), &[&id])
            .map_err(db)?;
        row.as_ref().map(case_row).transpose()
    }

    fn case_deadlines(&mut self) -> Result<Vec<(String, String, i64)>> {
        Ok(self
            .client
            .query(
                "SELECT category, severity, hours FROM case_deadlines ORDER BY category, severity",
                &[],
            )
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn set_case_deadline(
        &mut self,
        category: &str,
        severity: &str,
        hours: Option<i64>,
    ) -> Result<()> {
        match hours {
            Some(h) => self.client.execute(
                "INSERT INTO case_deadlines (category, severity, hours) VALUES ($1, $2, $3) ON CONFLICT (category, severity) DO UPDATE SET hours = excluded.hours",
                &[&category, &severity, &h],
            ),
            None => self.client.execute(
                "DELETE FROM case_deadlines WHERE category = $1 AND severity = $2",
                &[&category, &severity],
            ),
        }
        .map_err(db)?;
        Ok(())
    }

    fn insert_evidence(&mut self, e: &Evidence) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO evidence (case_id, sha256, file_name, media_type, size, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[&e.case_id, &e.sha256, &e.file_name, &e.media_type, &(e.size as i64), &e.added_by, &e.added_at],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn evidence(&mut self, case_id: i64) -> Result<Vec<Evidence>> {
        let rows = self
            .client
            .query("SELECT case_id, sha256, file_name, media_type, size, added_by, added_at FROM evidence WHERE case_id = $1 ORDER BY added_at, sha256", &[&case_id])
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| Evidence {
                case_id: r.get(0),
                sha256: r.get(1),
                file_name: r.get(2),
                media_type: r.get(3),
                size: r.get::<_, i64>(4) as u64,
                added_by: r.get(5),
                added_at: r.get(6),
            })
            .collect())
    }

    fn insert_token(&mut self, t: &ApiToken, token_sha256: &str) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "INSERT INTO api_tokens (name, token_sha256, role, unit_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[&t.name, &token_sha256, &t.role.as_str(), &t.unit.map(|u| u.0), &t.created_by, &t.created_at, &t.expires_at],
            )
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn token_by_hash(&mut self, token_sha256: &str) -> Result<Option<ApiToken>> {
        self.client
            .query_opt(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_sha256 = $1"),
                &[&token_sha256],
            )
            .map_err(db)?
            .map(|r| token_row(&r))
            .transpose()
    }

    fn tokens(&mut self) -> Result<Vec<ApiToken>> {
        self.client
            .query(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"),
                &[],
            )
            .map_err(db)?
            .iter()
            .map(token_row)
            .collect()
    }

    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                &[&at, &id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn last_audit(&mut self) -> Result<Option<(i64, String)>> {
        Ok(self
            .client
            .query_opt(
                "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1",
                &[],
            )
            .map_err(db)?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO audit_events (id, at, actor, action, entity, entity_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[&e.id, &e.at, &e.actor, &e.action, &e.entity, &e.entity_id, &e.details, &e.prev_hash, &e.hash],
            )
            .map_err(db)?;
        Ok(())
    }

    fn maintain_partitions(&mut self) -> Result<u64> {
        // Attaching a month takes the catch-all whole for a moment: behind a long read it waits
        // at most this long — and the job is tried again later — rather than keep every
        // request that reads posts waiting behind it.
        self.client
            .batch_execute("SET LOCAL lock_timeout = '5s'")
            .map_err(db)?;
        let made: i32 = self
            .client
            .query_one("SELECT sokenh_maintain_partitions()", &[])
            .map_err(db)?
            .get(0);
        Ok(made as u64)
    }

    fn delete_audit_through(&mut self, through: i64) -> Result<u64> {
        self.client
            .execute("DELETE FROM audit_events WHERE id <= $1", &[&through])
            .map_err(db)
    }

    fn audit_events(&mut self) -> Result<Vec<AuditEvent>> {
        let rows = self
            .client
            .query("SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_events ORDER BY id", &[])
            .map_err(db)?;
        Ok(rows.iter().map(audit_row).collect())
    }

    fn audit_events_of(&mut self, entity: &str, entity_id: &str) -> Result<Vec<AuditEvent>> {
        let rows = self
            .client
            .query("SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY id", &[&entity, &entity_id])
            .map_err(db)?;
        Ok(rows.iter().map(audit_row).collect())
    }
}

/// A signal read from the row's columns `first…`: `item_id, category, score, explanation,
/// evidence, detector, ref, version, shadow, role`.
fn signal_row(r: &postgres::Row, first: usize) -> Result<StoredSignal> {
    let k = |n: usize| first + n;
    Ok(StoredSignal {
        item_id: r.get(k(0)),
        category: parse(r.get(k(1)), "category")?,
        score: r.get::<_, f64>(k(2)) as f32,
        explanation: r.get(k(3)),
        evidence: r.get(k(4)),
        detector: r.get(k(5)),
        reference: r.get(k(6)),
        version: r.get(k(7)),
        shadow: r.get::<_, i64>(k(8)) != 0,
        role: r.get(k(9)),
    })
}

fn item_row(r: &postgres::Row) -> Result<Item> {
    let m = |k: usize| r.get::<_, Option<i64>>(k).map(|x| x as u64);
    Ok(Item {
        id: r.get(0),
        source_id: r.get(1),
        platform: parse(r.get(2), "platform")?,
        community_id: r.get(3),
        community_url: r.get(4),
        published_at: r.get(5),
        text: r.get(6),
        url: r.get(7),
        author_pseudonym: r.get(8),
        author_handle: r.get(9),
        metrics: Metrics {
            reactions: m(10),
            comments: m(11),
            shares: m(12),
            views: m(13),
        },
        media: serde_json::from_str(r.get::<_, &str>(14)).unwrap_or_default(),
    })
}

fn indicator_row(r: &postgres::Row) -> domain::SharedIndicator {
    domain::SharedIndicator {
        stix_id: r.get(0),
        kind: r.get(1),
        value: r.get(2),
        origin: r.get(3),
        origin_name: r.get(4),
        local: r.get::<_, i64>(5) != 0,
        modified: r.get(6),
        valid_until: r.get(7),
        revoked: r.get::<_, i64>(8) != 0,
        marking: r.get(9),
        object: r.get(10),
        case_ref: r.get(11),
        added: r.get(12),
    }
}

fn tip_group_row(r: &postgres::Row) -> domain::TipGroup {
    domain::TipGroup {
        id: r.get(0),
        key: r.get(1),
        kind: r.get(2),
        status: r.get(3),
        answer: r.get(4),
        decided_by: r.get(5),
        decided_at: r.get(6),
        created_at: r.get(7),
        tips: r.get(8),
        senders: r.get(9),
        case_id: r.get(10),
    }
}

fn tip_row(r: &postgres::Row) -> domain::Tip {
    domain::Tip {
        id: r.get(0),
        code_sha256: r.get(1),
        channel: r.get(2),
        link: r.get(3),
        phone: r.get(4),
        account: r.get(5),
        text: r.get(6),
        contact: r.get(7),
        consent: r.get::<_, i64>(8) != 0,
        answer: r.get(9),
        group_id: r.get(10),
        sender: r.get(11),
        created_at: r.get(12),
    }
}

fn partner_row(r: &postgres::Row) -> domain::SharePartner {
    domain::SharePartner {
        id: r.get(0),
        name: r.get(1),
        province: r.get::<_, i64>(2) as u32,
        url: r.get(3),
        sealed_token: r.get(4),
        token_id: r.get(5),
        can_read: r.get::<_, i64>(6) != 0,
        can_write: r.get::<_, i64>(7) != 0,
        pull_cursor: r.get(8),
        push_cursor: r.get(9),
        last_pull: r.get(10),
        last_push: r.get(11),
        last_error: r.get(12),
        pulled: r.get(13),
        pushed: r.get(14),
        created_by: r.get(15),
        created_at: r.get(16),
    }
}

fn token_row(r: &postgres::Row) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0),
        name: r.get(1),
        role: parse(r.get(2), "role")?,
        unit: r.get::<_, Option<i64>>(3).map(UnitId),
        created_by: r.get(4),
        created_at: r.get(5),
        revoked: r.get::<_, Option<String>>(6).is_some(),
        expires_at: r.get(7),
        commune: r.get::<_, Option<i64>>("commune").map(UnitId),
    })
}

fn audit_row(r: &postgres::Row) -> AuditEvent {
    AuditEvent {
        id: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        entity: r.get(4),
        entity_id: r.get(5),
        details: r.get(6),
        prev_hash: r.get(7),
        hash: r.get(8),
    }
}

/// An account's columns as [`user_row`] reads them: the first seven by place, `commune` (the
/// tenant of its unit, else the one `migrate` gave it) by name.
const USER_COLUMNS: &str = "users.id, users.username, users.role, users.unit_id, users.member_id, users.must_change, users.disabled_at, COALESCE((SELECT un.tenant_id FROM units un WHERE un.id = users.unit_id), users.tenant_id) AS commune";

/// A token's columns as [`token_row`] reads them, `commune` (the tenant of its unit) by name.
const TOKEN_COLUMNS: &str = "id, name, role, unit_id, created_by, created_at, revoked_at, expires_at, (SELECT un.tenant_id FROM units un WHERE un.id = api_tokens.unit_id) AS commune";

fn user_row(r: &postgres::Row) -> User {
    let role: String = r.get(2);
    User {
        id: r.get(0),
        username: r.get(1),
        role: Role::parse_word(&role).unwrap_or(Role::Member),
        unit: r.get::<_, Option<i64>>(3).map(UnitId),
        member: r.get::<_, Option<i64>>(4).map(MemberId),
        must_change: r.get::<_, i64>(5) != 0,
        disabled_at: r.get(6),
        commune: r.get::<_, Option<i64>>("commune").map(UnitId),
    }
}
