//! `store-sqlite`: the default backend. One SQLite file in the data dir, WAL journal, foreign
//! keys on; migrations from `migrations/` are embedded and applied at open.

use domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;
use store::{Backend, NewMember, Result, StoreError, StoredSession, Upsert};

/// The migrations, in order. A database records the highest applied version in `user_version`.
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

/// The SQLite backend.
pub struct Sqlite {
    conn: Connection,
}

const CASE_COLUMNS: &str = "SELECT id, title, category, status, assignee, community_id, alert_ids, outcome, opened_by, opened_at, updated_at, due_at, first_action_at, merged_into FROM cases";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Case> {
    let status: String = r.get(3)?;
    Ok(Case {
        id: r.get(0)?,
        title: r.get(1)?,
        category: parse(r.get(2)?, "category")?,
        status: CaseStatus::parse(&status).unwrap_or(CaseStatus::Open),
        assignee: r.get(4)?,
        community: r.get::<_, Option<i64>>(5)?.map(CommunityId),
        alert_ids: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
        outcome: r.get(7)?,
        opened_by: r.get(8)?,
        opened_at: r.get(9)?,
        updated_at: r.get(10)?,
        due_at: r.get(11)?,
        first_action_at: r.get(12)?,
        merged_into: r.get(13)?,
    })
}

/// A unique key already taken becomes [`StoreError::Conflict`] (what a front end shows as "already
/// exists"); everything else is a database error with the driver's message.
fn db(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, message) = &e
        && matches!(
            f.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )
    {
        return StoreError::Conflict {
            entity: "khoá / key",
            value: message.clone().unwrap_or_default(),
        };
    }
    StoreError::Database(e.to_string())
}

/// Opens (creating it if needed) the database file and brings its schema up to date.
pub fn open(path: &Path) -> Result<Sqlite> {
    let conn = Connection::open(path).map_err(db)?;
    setup(conn)
}

/// One more connection to a database [`open`] has opened, for a pool: the same, but with a page
/// cache of 16 MB instead of 128 MB (the large one pays for big imports, which run on the first
/// connection; eight connections with 128 MB each took a server to 2 GB of memory under load).
pub fn open_pooled(path: &Path) -> Result<Sqlite> {
    let pooled = open(path)?;
    pooled
        .conn
        .execute_batch("PRAGMA cache_size = -16384;")
        .map_err(db)?;
    Ok(pooled)
}

/// An in-memory database, for tests.
pub fn open_in_memory() -> Result<Sqlite> {
    setup(Connection::open_in_memory().map_err(db)?)
}

fn setup(conn: Connection) -> Result<Sqlite> {
    // A 128 MB page cache: large imports keep inserting into the same indexes, and the default
    // 2 MB cache turns every insert into page reads once the database outgrows it.
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -131072;")
        .map_err(db)?;
    let current: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as u32 + 1;
        conn.execute_batch(&format!(
            "BEGIN; {sql}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .map_err(|e| StoreError::Migration {
            version,
            message: e.to_string(),
        })?;
    }
    Ok(Sqlite { conn })
}

const JOB_COLUMNS: &str = "id, kind, key, state, attempts, run_at, lease_until, worker, last_error, created_at, finished_at";

fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<store::Job> {
    Ok(store::Job {
        id: r.get(0)?,
        kind: r.get(1)?,
        key: r.get(2)?,
        state: r.get(3)?,
        attempts: r.get(4)?,
        run_at: r.get(5)?,
        lease_until: r.get(6)?,
        worker: r.get(7)?,
        last_error: r.get(8)?,
        created_at: r.get(9)?,
        finished_at: r.get(10)?,
    })
}

fn parse<T: std::str::FromStr>(s: String, what: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| {
        rusqlite::Error::InvalidColumnType(0, format!("{what}: {s}"), rusqlite::types::Type::Text)
    })
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

const COMMUNITY_COLUMNS: &str = "id, key, name, url, platform, kind, members, admins, unit, status, classification, official_of, locality, note";

fn community(r: &Row) -> rusqlite::Result<Community> {
    Ok(Community {
        id: CommunityId(r.get(0)?),
        key: r.get(1)?,
        name: r.get(2)?,
        url: r.get(3)?,
        platform: parse(r.get(4)?, "platform")?,
        kind: parse(r.get(5)?, "kind")?,
        members: r.get::<_, Option<i64>>(6)?.map(|m| m as u64),
        admins: r.get(7)?,
        unit: r.get(8)?,
        status: parse(r.get(9)?, "status")?,
        classification: parse(r.get(10)?, "classification")?,
        official_of: r.get(11)?,
        locality: r.get(12)?,
        note: r.get(13)?,
        commune: None,
    })
}

impl Backend for Sqlite {
    fn retention(&mut self) -> Result<Vec<(String, i64, String, String)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT category, months, set_by, set_at FROM retention ORDER BY category",
            )
            .map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn set_retention(
        &mut self,
        category: &str,
        months: Option<i64>,
        by: &str,
        at: &str,
    ) -> Result<()> {
        match months {
            Some(m) => self.conn.execute(
                "INSERT INTO retention (category, months, set_by, set_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (category) DO UPDATE SET months = ?2, set_by = ?3, set_at = ?4",
                params![category, m, by, at],
            ),
            None => self
                .conn
                .execute("DELETE FROM retention WHERE category = ?1", [category]),
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
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT id, source_id FROM items WHERE published_at < ?1 AND id > ?2
                 AND community_id NOT IN (SELECT community_id FROM cases WHERE community_id IS NOT NULL)
                 ORDER BY id LIMIT ?3",
            )
            .map_err(db)?;
        s.query_map(params![before, after, limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn delete_items(&mut self, items: &[(i64, String)], at: &str) -> Result<(u64, u64)> {
        let (mut deleted, mut signals) = (0, 0);
        for (id, source) in items {
            signals += self
                .conn
                .execute("DELETE FROM signals WHERE item_id = ?1", [id])
                .map_err(db)? as u64;
            let n = self
                .conn
                .execute("DELETE FROM items WHERE id = ?1", [id])
                .map_err(db)? as u64;
            if n > 0 {
                self.conn
                    .execute(
                        "INSERT INTO purged_items (item_id, purged_at) VALUES (?1, ?2)",
                        params![id, at],
                    )
                    .map_err(db)?;
            }
            deleted += n;
            self.conn
                .execute(
                    "DELETE FROM alert_items WHERE source_id = ?1
                     AND NOT EXISTS (SELECT 1 FROM items WHERE items.source_id = ?1)",
                    [source],
                )
                .map_err(db)?;
        }
        Ok((deleted, signals))
    }

    fn prune_purged(&mut self, before: &str) -> Result<u64> {
        Ok(self
            .conn
            .execute(
                "DELETE FROM purged_items WHERE purged_at < ?1
                 AND seq < (SELECT MAX(seq) FROM purged_items)",
                [before],
            )
            .map_err(db)? as u64)
    }

    fn first_purged_seq(&mut self) -> Result<Option<i64>> {
        self.conn
            .query_row("SELECT MIN(seq) FROM purged_items", [], |r| r.get(0))
            .map_err(db)
    }

    fn purged_after(&mut self, seq: i64, limit: u32) -> Result<Vec<(i64, i64)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT seq, item_id FROM purged_items WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(db)?;
        s.query_map(params![seq, limit], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn record_key(&mut self, name: &str, fingerprint: &str, now: &str) -> Result<(String, bool)> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO deployment_keys (name, fingerprint, recorded_at) VALUES (?1, ?2, ?3)",
                params![name, fingerprint, now],
            )
            .map_err(db)?;
        let kept: String = self
            .conn
            .query_row(
                "SELECT fingerprint FROM deployment_keys WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .map_err(db)?;
        Ok((kept, n == 1))
    }

    fn insert_job(&mut self, kind: &str, key: &str, run_at: &str, now: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO jobs (kind, key, state, run_at, created_at) VALUES (?1, ?2, 'queued', ?3, ?4)",
                params![kind, key, run_at, now],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn insert_job_alone(&mut self, kind: &str, key: &str, run_at: &str, now: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO jobs (kind, key, state, run_at, created_at)
                 SELECT ?1, ?2, 'queued', ?3, ?4
                 WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ?1 AND state IN ('queued', 'running'))",
                params![kind, key, run_at, now],
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
        // One statement, and SQLite has one writer at a time: no two connections claim one job.
        self.conn
            .query_row(
                &format!("UPDATE jobs SET state = 'running', worker = ?1, lease_until = ?3, attempts = attempts + 1
                 WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= ?2)
                     OR (state = 'running' AND lease_until < ?2) ORDER BY run_at, id LIMIT 1)
                 RETURNING {JOB_COLUMNS}"),
                params![worker, now, lease_until],
                job_row,
            )
            .optional()
            .map_err(db)
    }

    fn renew_job(&mut self, id: i64, worker: &str, lease_until: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND worker = ?2 AND state = 'running'",
                params![id, worker, lease_until],
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
            .conn
            .execute(
                "UPDATE jobs SET state = ?1, run_at = COALESCE(?2, run_at), last_error = ?3, finished_at = ?4, lease_until = NULL
                 WHERE id = ?5 AND worker = ?6 AND state = 'running'",
                params![state, run_at, error, finished, id, worker],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn jobs(&mut self, kind: Option<&str>, limit: usize) -> Result<Vec<store::Job>> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE ?2 IS NULL OR kind = ?2
                 ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(db)?;
        st.query_map(params![limit as i64, kind], job_row)
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)
    }

    fn prune_jobs(&mut self, before: &str) -> Result<u64> {
        self.conn
            .execute(
                "DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < ?1",
                [before],
            )
            .map(|n| n as u64)
            .map_err(db)
    }

    fn table_names(&mut self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .map_err(db)?;
        let names = st
            .query_map([], |r| r.get(0))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(db)?;
        Ok(names)
    }

    fn count_rows(&mut self, table: &str) -> Result<u64> {
        self.conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(db)
    }

    fn read_rows(&mut self, table: &str, after: i64, limit: usize) -> Result<store::RowBatch> {
        let columns: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .map_err(db)?;
            st.query_map([table], |r| r.get(0))
                .map_err(db)?
                .collect::<rusqlite::Result<_>>()
                .map_err(db)?
        };
        // By rowid where the table has one (a position that stays put); a table WITHOUT ROWID
        // (`alert_items`) by its key, counted.
        let has_rowid = self
            .conn
            .prepare(&format!("SELECT rowid FROM {table} LIMIT 0"))
            .is_ok();
        let list = columns.join(", ");
        let sql = if has_rowid {
            format!("SELECT rowid, {list} FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2")
        } else {
            format!(
                "SELECT row_number() OVER (ORDER BY {list}), {list} FROM {table} ORDER BY {list} LIMIT ?2 OFFSET ?1"
            )
        };
        let mut st = self.conn.prepare(&sql).map_err(db)?;
        let n = columns.len();
        let mut next = after;
        let rows = st
            .query_map(rusqlite::params![after, limit as i64], |r| {
                let position: i64 = r.get(0)?;
                let mut row = Vec::with_capacity(n);
                for k in 1..=n {
                    use rusqlite::types::ValueRef;
                    row.push(match r.get_ref(k)? {
                        ValueRef::Null => store::Cell::Null,
                        ValueRef::Integer(v) => store::Cell::Int(v),
                        ValueRef::Real(v) => store::Cell::Real(v),
                        ValueRef::Text(t) => {
                            store::Cell::Text(String::from_utf8_lossy(t).into_owned())
                        }
                        ValueRef::Blob(b) => store::Cell::Blob(b.to_vec()),
                    });
                }
                Ok((position, row))
            })
            .map_err(db)?
            .map(|r| {
                r.map(|(position, row)| {
                    next = next.max(position);
                    row
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        Ok(store::RowBatch {
            columns,
            rows,
            next,
        })
    }

    fn write_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<store::Cell>],
        skip_taken: bool,
    ) -> Result<u64> {
        let marks = vec!["?"; columns.len()].join(", ");
        let or_ignore = if skip_taken { " OR IGNORE" } else { "" };
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "INSERT{or_ignore} INTO {table} ({}) VALUES ({marks})",
                columns.join(", ")
            ))
            .map_err(db)?;
        let mut written = 0;
        for row in rows {
            let values = row.iter().map(|c| match c {
                store::Cell::Null => rusqlite::types::Value::Null,
                store::Cell::Int(v) => rusqlite::types::Value::Integer(*v),
                store::Cell::Real(v) => rusqlite::types::Value::Real(*v),
                store::Cell::Text(t) => rusqlite::types::Value::Text(t.clone()),
                store::Cell::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
            });
            written += st.execute(rusqlite::params_from_iter(values)).map_err(db)? as u64;
        }
        Ok(written)
    }

    fn max_id(&mut self, table: &str) -> Result<i64> {
        self.conn
            .query_row(
                &format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
                [],
                |r| r.get(0),
            )
            .map_err(db)
    }

    fn ids_written(&mut self, _table: &str) -> Result<()> {
        // An INTEGER PRIMARY KEY takes the largest id + 1 by itself.
        Ok(())
    }

    fn backup_into(&mut self, path: &Path) -> Result<()> {
        let mut target = Connection::open(path).map_err(db)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut target).map_err(db)?;
        // Pages in steps, so writers of other connections are not held up for the whole copy;
        // a step that meets a writer waits its turn.
        backup
            .run_to_completion(1024, std::time::Duration::from_millis(5), None)
            .map_err(db)
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn begin(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db)
    }
    fn commit(&mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT").map_err(db)
    }
    fn rollback(&mut self) -> Result<()> {
        self.conn.execute_batch("ROLLBACK").map_err(db)
    }

    fn insert_unit(
        &mut self,
        name: &str,
        parent: Option<UnitId>,
        locality: Option<u32>,
    ) -> Result<UnitId> {
        self.conn
            .prepare_cached(
                "INSERT INTO units (name, parent_id, locality_code) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![name, parent.map(|p| p.0), locality]))
            .map_err(db)?;
        Ok(UnitId(self.conn.last_insert_rowid()))
    }

    fn units(&mut self) -> Result<Vec<Unit>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, name, parent_id, locality_code FROM units ORDER BY id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(Unit {
                id: UnitId(r.get(0)?),
                name: r.get(1)?,
                parent: r.get::<_, Option<i64>>(2)?.map(UnitId),
                locality_code: r.get(3)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn insert_community(&mut self, c: &CommunityRecord, now: &str) -> Result<CommunityId> {
        self.conn
            .prepare_cached(
                "INSERT INTO communities (key, name, url, platform, kind, members, admins, unit, status, classification, official_of, locality, note, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    c.key, c.name, c.url, c.platform.as_str(), c.kind.as_str(), c.members.map(|m| m as i64), c.admins, c.unit,
                    c.status.as_str(), c.classification.as_str(), c.official_of, c.locality, c.note, now
                ])
            })
            .map_err(db)?;
        Ok(CommunityId(self.conn.last_insert_rowid()))
    }

    fn update_community(&mut self, id: CommunityId, c: &CommunityRecord, now: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE communities SET name = ?2, url = ?3, platform = ?4, kind = ?5, members = ?6, admins = ?7, unit = ?8, status = ?9,
                 classification = ?10, official_of = ?11, locality = ?12, note = ?13, updated_at = ?14 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id.0, c.name, c.url, c.platform.as_str(), c.kind.as_str(), c.members.map(|m| m as i64), c.admins, c.unit,
                    c.status.as_str(), c.classification.as_str(), c.official_of, c.locality, c.note, now
                ])
            })
            .map_err(db)?;
        Ok(())
    }

    fn communities(&mut self) -> Result<Vec<Community>> {
        let mut s = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COMMUNITY_COLUMNS} FROM communities ORDER BY id"
            ))
            .map_err(db)?;
        s.query_map([], community)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn community(&mut self, id: CommunityId) -> Result<Option<Community>> {
        let mut s = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COMMUNITY_COLUMNS} FROM communities WHERE id = ?1"
            ))
            .map_err(db)?;
        s.query_row([id.0], community).optional().map_err(db)
    }

    fn insert_snapshot(&mut self, id: CommunityId, at: &str, members: u64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO size_snapshots (community_id, at, members) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![id.0, at, members as i64]))
            .map_err(db)?;
        Ok(())
    }

    fn snapshots(&mut self, id: CommunityId) -> Result<Vec<SizeSnapshot>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT at, members FROM size_snapshots WHERE community_id = ?1 ORDER BY id",
            )
            .map_err(db)?;
        s.query_map([id.0], |r| {
            Ok(SizeSnapshot {
                community: id,
                at: r.get(0)?,
                members: r.get::<_, i64>(1)? as u64,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn insert_name_change(
        &mut self,
        id: CommunityId,
        at: &str,
        old: &str,
        new: &str,
    ) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO name_history (community_id, at, old_name, new_name) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute(params![id.0, at, old, new]))
            .map_err(db)?;
        Ok(())
    }

    fn name_history(&mut self, id: CommunityId) -> Result<Vec<(String, String, String)>> {
        let mut s = self.conn.prepare_cached("SELECT at, old_name, new_name FROM name_history WHERE community_id = ?1 ORDER BY id").map_err(db)?;
        s.query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn insert_member(&mut self, m: &NewMember) -> Result<MemberId> {
        self.conn
            .prepare_cached(
                "INSERT INTO members (unit_id, full_name, position) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![m.unit.0, m.full_name, m.position]))
            .map_err(db)?;
        Ok(MemberId(self.conn.last_insert_rowid()))
    }

    fn members(&mut self) -> Result<Vec<Member>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, unit_id, full_name, position FROM members ORDER BY id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(Member {
                id: MemberId(r.get(0)?),
                unit: UnitId(r.get(1)?),
                full_name: r.get(2)?,
                position: r.get(3)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn upsert_participation(&mut self, p: &Participation) -> Result<bool> {
        let existing: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT role, source, since FROM participations WHERE member_id = ?1 AND community_id = ?2",
                params![p.member.0, p.community.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db)?;
        if existing.as_ref()
            == Some(&(
                p.role.as_str().to_owned(),
                p.source.as_str().to_owned(),
                p.since.clone(),
            ))
        {
            return Ok(false);
        }
        self.conn
            .execute(
                "INSERT INTO participations (member_id, community_id, role, source, since, recorded) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (member_id, community_id) DO UPDATE SET role = excluded.role, source = excluded.source, since = excluded.since, recorded = excluded.recorded",
                params![p.member.0, p.community.0, p.role.as_str(), p.source.as_str(), p.since, p.recorded],
            )
            .map_err(db)?;
        Ok(true)
    }

    fn participations(&mut self) -> Result<Vec<Participation>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT member_id, community_id, role, source, since, recorded FROM participations ORDER BY member_id, community_id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(Participation {
                member: MemberId(r.get(0)?),
                community: CommunityId(r.get(1)?),
                role: parse(r.get(2)?, "role")?,
                source: parse(r.get(3)?, "source")?,
                since: r.get(4)?,
                recorded: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn set_ownership_decision(
        &mut self,
        member: MemberId,
        community: CommunityId,
        decision: &str,
        by: &str,
        at: &str,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO ownership_decisions (member_id, community_id, decision, decided_by, decided_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (member_id, community_id) DO UPDATE SET decision = excluded.decision, decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                params![member.0, community.0, decision, by, at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn ownership_decisions(&mut self) -> Result<Vec<(MemberId, CommunityId, String)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT member_id, community_id, decision FROM ownership_decisions ORDER BY member_id, community_id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok((MemberId(r.get(0)?), CommunityId(r.get(1)?), r.get(2)?))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn feed_state(&mut self, url: &str) -> Result<Option<store::FeedState>> {
        self.conn
            .query_row(
                "SELECT etag, last_modified, fetched_at FROM feed_state WHERE url = ?1",
                params![url],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db)
    }

    fn put_feed_state(&mut self, url: &str, state: &store::FeedState) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO feed_state (url, etag, last_modified, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                params![url, state.0, state.1, state.2],
            )
            .map_err(db)?;
        Ok(())
    }

    fn rule_packs(&mut self) -> Result<Vec<(String, String)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT name, text FROM rule_packs ORDER BY name")
            .map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn put_rule_pack(&mut self, name: &str, text: &str, by: &str, at: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO rule_packs (name, text, changed_by, changed_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET text = excluded.text, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                params![name, text, by, at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn rule_shadow(&mut self) -> Result<Vec<(String, bool)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT rule_id, shadow FROM rule_shadow ORDER BY rule_id")
            .map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn set_rule_shadow(&mut self, rule: &str, shadow: bool, by: &str, at: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO rule_shadow (rule_id, shadow, changed_by, changed_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (rule_id) DO UPDATE SET shadow = excluded.shadow, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                params![rule, shadow as i64, by, at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn suppressions(&mut self) -> Result<Vec<(String, String)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT reference, folded_text FROM suppressions ORDER BY rowid")
            .map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
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
            .conn
            .execute(
                "INSERT INTO suppressions (key_sha256, reference, folded_text, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key_sha256) DO NOTHING",
                params![key_sha256, reference, folded_text, by, at],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn insert_commitment(&mut self, c: &Commitment) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT INTO commitments (member_id, version, signed_on) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![c.member.0, c.version, c.signed_on],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn indicator(&mut self, stix_id: &str) -> Result<Option<domain::SharedIndicator>> {
        self.conn
            .prepare_cached(
                "SELECT stix_id, kind, value, origin, origin_name, local, modified, valid_until, revoked, marking, object, case_ref, updated_at FROM shared_indicators WHERE stix_id = ?1",
            )
            .and_then(|mut st| st.query_row([stix_id], indicator_row).optional())
            .map_err(db)
    }

    fn put_indicator(&mut self, i: &domain::SharedIndicator, now: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO shared_indicators (stix_id, kind, value, origin, origin_name, local, modified, valid_until, revoked, marking, object, case_ref, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (stix_id) DO UPDATE SET kind = excluded.kind, value = excluded.value, origin = excluded.origin, origin_name = excluded.origin_name, local = excluded.local, modified = excluded.modified, valid_until = excluded.valid_until, revoked = excluded.revoked, marking = excluded.marking, object = excluded.object, case_ref = excluded.case_ref, updated_at = excluded.updated_at",
            )
            .and_then(|mut st| st.execute(params![i.stix_id, i.kind, i.value, i.origin, i.origin_name, i64::from(i.local), i.modified, i.valid_until, i64::from(i.revoked), i.marking, i.object, i.case_ref, now]))
            .map_err(db)?;
        Ok(())
    }

    fn insert_partner(&mut self, p: &domain::SharePartner) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO share_partners (name, province, url, sealed_token, token_id, can_read, can_write, pulled, pushed, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8, ?9)",
                params![p.name, i64::from(p.province), p.url, p.sealed_token, p.token_id, i64::from(p.can_read), i64::from(p.can_write), p.created_by, p.created_at],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_partner(&mut self, p: &domain::SharePartner) -> Result<()> {
        self.conn
            .execute(
                "UPDATE share_partners SET url = ?2, sealed_token = ?3, token_id = ?4, can_read = ?5, can_write = ?6, pull_cursor = ?7, push_cursor = ?8, last_pull = ?9, last_push = ?10, last_error = ?11, pulled = ?12, pushed = ?13 WHERE id = ?1",
                params![p.id, p.url, p.sealed_token, p.token_id, i64::from(p.can_read), i64::from(p.can_write), p.pull_cursor, p.push_cursor, p.last_pull, p.last_push, p.last_error, p.pulled, p.pushed],
            )
            .map_err(db)?;
        Ok(())
    }

    fn partners(&mut self) -> Result<Vec<domain::SharePartner>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, name, province, url, sealed_token, token_id, can_read, can_write, pull_cursor, push_cursor, last_pull, last_push, last_error, pulled, pushed, created_by, created_at FROM share_partners ORDER BY id")
            .map_err(db)?;
        s.query_map([], partner_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn insert_taxii_status(
        &mut self,
        id: &str,
        partner: Option<i64>,
        body: &str,
        at: &str,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO taxii_statuses (id, partner_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, partner, body, at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn put_sighting(&mut self, x: &domain::IndicatorSighting, now: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO indicator_sightings (stix_id, indicator_id, sighted_by, sighted_by_name, count, first_seen, last_seen, local, marking, object, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (stix_id) DO UPDATE SET sighted_by_name = excluded.sighted_by_name, count = excluded.count, first_seen = excluded.first_seen, last_seen = excluded.last_seen, marking = excluded.marking, object = excluded.object, updated_at = excluded.updated_at",
            )
            .and_then(|mut st| st.execute(params![x.stix_id, x.indicator_id, x.sighted_by, x.sighted_by_name, x.count, x.first_seen, x.last_seen, i64::from(x.local), x.marking, x.object, now]))
            .map_err(db)?;
        Ok(())
    }

    fn sightings(&mut self) -> Result<Vec<domain::IndicatorSighting>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT stix_id, indicator_id, sighted_by, sighted_by_name, count, first_seen, last_seen, local, marking, object, updated_at FROM indicator_sightings ORDER BY stix_id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(domain::IndicatorSighting {
                stix_id: r.get(0)?,
                indicator_id: r.get(1)?,
                sighted_by: r.get(2)?,
                sighted_by_name: r.get(3)?,
                count: r.get(4)?,
                first_seen: r.get(5)?,
                last_seen: r.get(6)?,
                local: r.get::<_, i64>(7)? != 0,
                marking: r.get(8)?,
                object: r.get(9)?,
                added: r.get(10)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn shared_matches(&mut self) -> Result<Vec<(String, i64, String, String)>> {
        let mut s = self.conn.prepare_cached("SELECT ref, COUNT(DISTINCT item_id), MIN(created_at), MAX(created_at) FROM signals WHERE shadow = 0 AND (ref LIKE 'blocklist:%' OR ref LIKE 'known:%') GROUP BY ref ORDER BY ref").map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn tip_group_id(&mut self, key: &str) -> Result<Option<i64>> {
        self.conn
            .query_row("SELECT id FROM tip_groups WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)
    }

    fn insert_tip_group(&mut self, key: &str, kind: &str, now: &str) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO tip_groups (key, kind, status, created_at) VALUES (?1, ?2, 'open', ?3)",
                params![key, kind, now],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn insert_tip(&mut self, t: &domain::Tip) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO tips (code_sha256, channel, link, phone, account, text, contact, consent, answer, group_id, sender, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![t.code_sha256, t.channel, t.link, t.phone, t.account, t.text, t.contact, i64::from(t.consent), t.answer, t.group_id, t.sender, t.created_at],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn tip_by_code(&mut self, code_sha256: &str) -> Result<Option<domain::Tip>> {
        self.conn
            .query_row(
                "SELECT id, code_sha256, channel, link, phone, account, text, contact, consent, answer, group_id, sender, created_at FROM tips WHERE code_sha256 = ?1",
                [code_sha256],
                tip_row,
            )
            .optional()
            .map_err(db)
    }

    fn tip_groups(&mut self) -> Result<Vec<domain::TipGroup>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, COUNT(t.id), COUNT(DISTINCT t.sender), g.case_id FROM tip_groups g LEFT JOIN tips t ON t.group_id = g.id GROUP BY g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, g.case_id ORDER BY COUNT(DISTINCT t.sender) DESC, g.id")
            .map_err(db)?;
        s.query_map([], tip_group_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn tip_group(&mut self, group: i64) -> Result<Option<domain::TipGroup>> {
        self.conn
            .prepare_cached("SELECT g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, COUNT(t.id), COUNT(DISTINCT t.sender), g.case_id FROM tip_groups g LEFT JOIN tips t ON t.group_id = g.id WHERE g.id = ?1 GROUP BY g.id, g.key, g.kind, g.status, g.answer, g.decided_by, g.decided_at, g.created_at, g.case_id")
            .and_then(|mut s| s.query_row([group], tip_group_row).optional())
            .map_err(db)
    }

    fn tips_of_group(&mut self, group: i64) -> Result<Vec<domain::Tip>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, code_sha256, channel, link, phone, account, text, contact, consent, answer, group_id, sender, created_at FROM tips WHERE group_id = ?1 ORDER BY id")
            .map_err(db)?;
        s.query_map([group], tip_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
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
            .conn
            .execute(
                "UPDATE tip_groups SET status = ?2, answer = ?3, decided_by = ?4, decided_at = ?5 WHERE id = ?1",
                params![group, status, answer, by, at],
            )
            .map_err(db)?
            == 1)
    }

    fn purge_tip_contacts(&mut self, before: &str) -> Result<u64> {
        Ok(self
            .conn
            .execute("UPDATE tips SET contact = NULL WHERE contact IS NOT NULL AND group_id IN (SELECT id FROM tip_groups WHERE decided_at IS NOT NULL AND decided_at < ?1)", [before])
            .map_err(db)? as u64)
    }

    fn tip_group_keys(&mut self, kind: &str) -> Result<Vec<String>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT key FROM tip_groups WHERE kind = ?1 ORDER BY id")
            .map_err(db)?;
        s.query_map([kind], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn insert_tip_picture(&mut self, p: &domain::TipPicture) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO tip_pictures (tip_id, sha256, media_type, size, pdq) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.tip_id, p.sha256, p.media_type, p.size as i64, p.pdq],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tip_pictures(&mut self, group: Option<i64>) -> Result<Vec<(i64, domain::TipPicture)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT t.group_id, p.tip_id, p.sha256, p.media_type, p.size, p.pdq FROM tip_pictures p JOIN tips t ON t.id = p.tip_id WHERE (?1 IS NULL AND p.pdq IS NOT NULL) OR t.group_id = ?1 ORDER BY p.tip_id, p.rowid")
            .map_err(db)?;
        s.query_map([group], |r| {
            Ok((
                r.get(0)?,
                domain::TipPicture {
                    tip_id: r.get(1)?,
                    sha256: r.get(2)?,
                    media_type: r.get(3)?,
                    size: r.get::<_, i64>(4)? as u64,
                    pdq: r.get(5)?,
                },
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn set_tip_group_case(&mut self, group: i64, case: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE tip_groups SET case_id = ?2 WHERE id = ?1",
                params![group, case],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tips_to_reply(&mut self, limit: i64) -> Result<Vec<(domain::Tip, String)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT t.id, t.code_sha256, t.channel, t.link, t.phone, t.account, t.text, t.contact, t.consent, t.answer, t.group_id, t.sender, t.created_at, g.answer FROM tips t JOIN tip_groups g ON g.id = t.group_id WHERE g.answer IS NOT NULL AND t.replied_at IS NULL AND t.contact IS NOT NULL AND t.channel IN ('telegram', 'zalo') ORDER BY t.id LIMIT ?1")
            .map_err(db)?;
        s.query_map([limit], |r| Ok((tip_row(r)?, r.get(13)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn mark_tip_replied(&mut self, tip: i64, at: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE tips SET replied_at = ?2 WHERE id = ?1",
                params![tip, at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn put_tip_channel(&mut self, c: &domain::TipChannel) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO tip_channels (platform, credential, secret, api_base, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (platform) DO UPDATE SET credential = excluded.credential, secret = excluded.secret, api_base = excluded.api_base, added_by = excluded.added_by, added_at = excluded.added_at",
                params![c.platform, c.credential, c.secret, c.api_base, c.added_by, c.added_at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tip_channels(&mut self) -> Result<Vec<domain::TipChannel>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT platform, credential, secret, api_base, added_by, added_at FROM tip_channels ORDER BY platform")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(domain::TipChannel {
                platform: r.get(0)?,
                credential: r.get(1)?,
                secret: r.get(2)?,
                api_base: r.get(3)?,
                added_by: r.get(4)?,
                added_at: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn put_source(&mut self, s: &domain::Source) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO sources (platform, channel, credential, api_base, interval_s, quota_used, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7) ON CONFLICT (platform, channel) DO UPDATE SET credential = excluded.credential, api_base = excluded.api_base, interval_s = excluded.interval_s, last_error = NULL",
                params![s.platform, s.channel, s.credential, s.api_base, s.interval, s.added_by, s.added_at],
            )
            .map_err(db)?;
        self.conn
            .query_row(
                "SELECT id FROM sources WHERE platform = ?1 AND channel = ?2",
                params![s.platform, s.channel],
                |r| r.get(0),
            )
            .map_err(db)
    }

    fn sources(&mut self) -> Result<Vec<domain::Source>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, platform, channel, credential, api_base, interval_s, cursor, last_pull, last_success, last_error, quota_day, quota_used, added_by, added_at FROM sources ORDER BY id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(domain::Source {
                id: r.get(0)?,
                platform: r.get(1)?,
                channel: r.get(2)?,
                credential: r.get(3)?,
                api_base: r.get(4)?,
                interval: r.get(5)?,
                cursor: r.get(6)?,
                last_pull: r.get(7)?,
                last_success: r.get(8)?,
                last_error: r.get(9)?,
                quota_day: r.get(10)?,
                quota_used: r.get(11)?,
                added_by: r.get(12)?,
                added_at: r.get(13)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn stop_source(&mut self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute(
                "UPDATE sources SET interval_s = 0, credential = '' WHERE id = ?1",
                [id],
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
            None => self.conn.execute(
                "UPDATE sources SET cursor = ?2, quota_day = ?3, quota_used = ?4 WHERE id = ?1",
                params![id, cursor, quota_day, quota_used],
            ),
            Some((at, None)) => self.conn.execute(
                "UPDATE sources SET cursor = ?2, quota_day = ?3, quota_used = ?4, last_pull = ?5, last_success = ?5, last_error = NULL WHERE id = ?1",
                params![id, cursor, quota_day, quota_used, at],
            ),
            Some((at, Some(error))) => self.conn.execute(
                "UPDATE sources SET cursor = ?2, quota_day = ?3, quota_used = ?4, last_pull = ?5, last_error = ?6 WHERE id = ?1",
                params![id, cursor, quota_day, quota_used, at, error],
            ),
        }
        .map_err(db)?;
        Ok(())
    }

    fn insert_source_items(&mut self, items: &[domain::SourceItem]) -> Result<()> {
        let mut s = self
            .conn
            .prepare_cached("INSERT INTO source_items (source_id, item_key, kind, parent, by_channel, published_at, text, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (source_id, item_key) DO NOTHING")
            .map_err(db)?;
        for i in items {
            s.execute(params![
                i.source_id,
                i.item_key,
                i.kind,
                i.parent,
                i64::from(i.by_channel),
                i.published_at,
                i.text,
                i.url
            ])
            .map_err(db)?;
        }
        Ok(())
    }

    fn source_items(&mut self, from: &str, to: &str) -> Result<Vec<domain::SourceItem>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT source_id, item_key, kind, parent, by_channel, published_at, text, url FROM source_items WHERE published_at >= ?1 AND published_at < ?2 ORDER BY published_at")
            .map_err(db)?;
        s.query_map([from, to], |r| {
            Ok(domain::SourceItem {
                source_id: r.get(0)?,
                item_key: r.get(1)?,
                kind: r.get(2)?,
                parent: r.get(3)?,
                by_channel: r.get::<_, i64>(4)? != 0,
                published_at: r.get(5)?,
                text: r.get(6)?,
                url: r.get(7)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn insert_channel_check(&mut self, c: &domain::ChannelCheck) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO channel_checks (community_id, outcome, seen_name, members, note, sha256, media_type, checked_by, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![c.community_id, c.outcome, c.seen_name, c.members.map(|m| m as i64), c.note, c.sha256, c.media_type, c.checked_by, c.checked_at],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn latest_channel_checks(&mut self) -> Result<Vec<domain::ChannelCheck>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, community_id, outcome, seen_name, members, note, sha256, media_type, checked_by, checked_at FROM channel_checks c WHERE id = (SELECT MAX(id) FROM channel_checks d WHERE d.community_id = c.community_id) ORDER BY community_id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(domain::ChannelCheck {
                id: r.get(0)?,
                community_id: r.get(1)?,
                outcome: r.get(2)?,
                seen_name: r.get(3)?,
                members: r.get::<_, Option<i64>>(4)?.map(|m| m as u64),
                note: r.get(5)?,
                sha256: r.get(6)?,
                media_type: r.get(7)?,
                checked_by: r.get(8)?,
                checked_at: r.get(9)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn insert_warning(&mut self, w: &domain::Warning) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO warnings (shape, case_id, group_id, title, body, status, drafted_by, created_at, updated_at, approved_by, approved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![w.shape, w.case_id, w.group_id, w.title, w.body, w.status, w.drafted_by, w.created_at, w.updated_at, w.approved_by, w.approved_at],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_warning(&mut self, w: &domain::Warning) -> Result<bool> {
        Ok(self
            .conn
            .execute(
                "UPDATE warnings SET title = ?2, body = ?3, status = ?4, updated_at = ?5, approved_by = ?6, approved_at = ?7, published = ?8 WHERE id = ?1",
                params![w.id, w.title, w.body, w.status, w.updated_at, w.approved_by, w.approved_at, w.published],
            )
            .map_err(db)?
            == 1)
    }

    fn warnings(&mut self) -> Result<Vec<domain::Warning>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, shape, case_id, group_id, title, body, status, drafted_by, created_at, updated_at, approved_by, approved_at, published FROM warnings ORDER BY id DESC")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(domain::Warning {
                id: r.get(0)?,
                shape: r.get(1)?,
                case_id: r.get(2)?,
                group_id: r.get(3)?,
                title: r.get(4)?,
                body: r.get(5)?,
                status: r.get(6)?,
                drafted_by: r.get(7)?,
                created_at: r.get(8)?,
                updated_at: r.get(9)?,
                approved_by: r.get(10)?,
                approved_at: r.get(11)?,
                published: r.get(12)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn taxii_status(&mut self, id: &str) -> Result<Option<(Option<i64>, String)>> {
        self.conn
            .query_row(
                "SELECT partner_id, body FROM taxii_statuses WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db)
    }

    fn indicators(&mut self) -> Result<Vec<domain::SharedIndicator>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT stix_id, kind, value, origin, origin_name, local, modified, valid_until, revoked, marking, object, case_ref, updated_at FROM shared_indicators ORDER BY modified, stix_id")
            .map_err(db)?;
        s.query_map([], indicator_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    /// A version of a library document with its extracted text; returns its id.
    fn insert_document(&mut self, d: &domain::LibraryDocument, body: &str) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO library_documents (kind, title, version, effective_on, changes, unit_id, sha256, file_name, media_type, size, body, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![d.kind.as_str(), d.title, d.version, d.effective_on, d.changes, d.unit.map(|u| u.0), d.sha256, d.file_name, d.media_type, d.size as i64, body, d.added_by, d.added_at],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn documents(&mut self) -> Result<Vec<domain::LibraryDocument>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, kind, title, version, effective_on, changes, unit_id, sha256, file_name, media_type, size, added_by, added_at FROM library_documents ORDER BY id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(domain::LibraryDocument {
                id: r.get(0)?,
                kind: parse(r.get(1)?, "kind")?,
                title: r.get(2)?,
                version: r.get(3)?,
                effective_on: r.get(4)?,
                changes: r.get(5)?,
                unit: r.get::<_, Option<i64>>(6)?.map(UnitId),
                sha256: r.get(7)?,
                file_name: r.get(8)?,
                media_type: r.get(9)?,
                size: r.get::<_, i64>(10)? as u64,
                added_by: r.get(11)?,
                added_at: r.get(12)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn document_body(&mut self, id: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT body FROM library_documents WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }

    fn commitments(&mut self) -> Result<Vec<Commitment>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT member_id, version, signed_on FROM commitments ORDER BY member_id, version",
            )
            .map_err(db)?;
        s.query_map([], |r| {
            Ok(Commitment {
                member: MemberId(r.get(0)?),
                version: r.get(1)?,
                signed_on: r.get(2)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn community_id_by_key(&mut self, key: &str) -> Result<Option<CommunityId>> {
        self.conn
            .prepare_cached("SELECT id FROM communities WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
            .map(|id| id.map(CommunityId))
            .map_err(db)
    }

    fn insert_item(&mut self, community: CommunityId, it: &NewItem) -> Result<Option<i64>> {
        let media =
            serde_json::to_string(&it.media).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO items (source_id, platform, community_id, published_at, text, url, author_pseudonym, author_handle, reactions, comments, shares, views, media)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (platform, source_id) DO NOTHING",
            )
            .and_then(|mut s| {
                let m = |v: Option<u64>| v.map(|x| x as i64);
                s.execute(params![
                    it.source_id, it.platform.as_str(), community.0, it.published_at, it.text, it.url, it.author_pseudonym, it.author_handle,
                    m(it.metrics.reactions), m(it.metrics.comments), m(it.metrics.shares), m(it.metrics.views), media
                ])
            })
            .map_err(db)?;
        Ok((n == 1).then(|| self.conn.last_insert_rowid()))
    }

    fn item_count(&mut self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM items", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(db)
    }

    fn items_after(&mut self, after: i64, limit: u32) -> Result<Vec<Item>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT i.id, i.source_id, i.platform, i.community_id, c.url, i.published_at, i.text, i.url, i.author_pseudonym, i.author_handle,
                        i.reactions, i.comments, i.shares, i.views, i.media
                 FROM items i JOIN communities c ON c.id = i.community_id WHERE i.id > ?1 ORDER BY i.id LIMIT ?2",
            )
            .map_err(db)?;
        s.query_map(params![after, limit], item_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn items_by_source(&mut self, source_id: &str) -> Result<Vec<Item>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT i.id, i.source_id, i.platform, i.community_id, c.url, i.published_at, i.text, i.url, i.author_pseudonym, i.author_handle,
                        i.reactions, i.comments, i.shares, i.views, i.media
                 FROM items i JOIN communities c ON c.id = i.community_id
                 WHERE i.platform IN ('facebook', 'zalo', 'youtube', 'tiktok', 'telegram', 'website', 'other') AND i.source_id = ?1 ORDER BY i.id",
            )
            .map_err(db)?;
        s.query_map([source_id], item_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn community_signals(
        &mut self,
        community: CommunityId,
        limit: u32,
    ) -> Result<Vec<(String, String, StoredSignal)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT i.source_id, i.published_at, g.item_id, g.category, g.score, g.explanation, g.evidence, g.detector, g.ref, g.version, g.shadow, g.role
                 FROM signals g JOIN items i ON i.id = g.item_id
                 WHERE i.community_id = ?1 ORDER BY i.published_at DESC, g.id LIMIT ?2",
            )
            .map_err(db)?;
        s.query_map(params![community.0, limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                StoredSignal {
                    item_id: r.get(2)?,
                    category: parse(r.get(3)?, "category")?,
                    score: r.get::<_, f64>(4)? as f32,
                    explanation: r.get(5)?,
                    evidence: r.get(6)?,
                    detector: r.get(7)?,
                    reference: r.get(8)?,
                    version: r.get(9)?,
                    shadow: r.get(10)?,
                    role: r.get(11)?,
                },
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn signals_of(&mut self, item_id: i64) -> Result<Vec<StoredSignal>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT item_id, category, score, explanation, evidence, detector, ref, version, shadow, role
                 FROM signals WHERE item_id = ?1 ORDER BY score DESC, id",
            )
            .map_err(db)?;
        s.query_map([item_id], |r| {
            Ok(StoredSignal {
                item_id: r.get(0)?,
                category: parse(r.get(1)?, "category")?,
                score: r.get::<_, f64>(2)? as f32,
                explanation: r.get(3)?,
                evidence: r.get(4)?,
                detector: r.get(5)?,
                reference: r.get(6)?,
                version: r.get(7)?,
                shadow: r.get(8)?,
                role: r.get(9)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn checkpoint(&mut self, source: &str) -> Result<Option<u64>> {
        self.conn
            .prepare_cached("SELECT position FROM checkpoints WHERE source = ?1")
            .and_then(|mut s| s.query_row([source], |r| r.get::<_, i64>(0)).optional())
            .map(|p| p.map(|p| p as u64))
            .map_err(db)
    }

    fn set_checkpoint(&mut self, source: &str, position: u64, now: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
            )
            .and_then(|mut s| s.execute(params![source, position as i64, now]))
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
        // Writers are one at a time here (`BEGIN IMMEDIATE`): the row read is the row moved.
        self.conn
            .prepare_cached(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES (?1, 0, ?2)
                 ON CONFLICT (source) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![source, now]))
            .map_err(db)?;
        let moved = match after {
            Some(after) => self
                .conn
                .prepare_cached(
                    "UPDATE checkpoints SET position = ?2, updated_at = ?3
                     WHERE source = ?1 AND position = ?4",
                )
                .and_then(|mut s| s.execute(params![source, position as i64, now, after as i64])),
            None => self
                .conn
                .prepare_cached(
                    "UPDATE checkpoints SET position = MAX(position, ?2), updated_at = ?3
                     WHERE source = ?1",
                )
                .and_then(|mut s| s.execute(params![source, position as i64, now])),
        }
        .map_err(db)?;
        Ok(moved == 1)
    }

    fn delete_signals(&mut self, item_id: i64) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM signals WHERE item_id = ?1")
            .and_then(|mut s| s.execute([item_id]))
            .map_err(db)?;
        Ok(())
    }

    fn insert_signal(&mut self, g: &StoredSignal, now: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO signals (item_id, category, score, explanation, evidence, detector, ref, version, shadow, role, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut s| {
                s.execute(params![g.item_id, g.category.as_str(), g.score as f64, g.explanation, g.evidence, g.detector, g.reference, g.version, g.shadow, g.role, now])
            })
            .map_err(db)?;
        Ok(())
    }

    fn signals(&mut self, category: Option<Category>) -> Result<Vec<(String, StoredSignal)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT i.source_id, g.item_id, g.category, g.score, g.explanation, g.evidence, g.detector, g.ref, g.version, g.shadow, g.role
                 FROM signals g JOIN items i ON i.id = g.item_id WHERE (?1 IS NULL OR g.category = ?1) ORDER BY g.score DESC, g.id",
            )
            .map_err(db)?;
        s.query_map([category.map(|c| c.as_str())], |r| {
            Ok((
                r.get(0)?,
                StoredSignal {
                    item_id: r.get(1)?,
                    category: parse(r.get(2)?, "category")?,
                    score: r.get::<_, f64>(3)? as f32,
                    explanation: r.get(4)?,
                    evidence: r.get(5)?,
                    detector: r.get(6)?,
                    reference: r.get(7)?,
                    version: r.get(8)?,
                    shadow: r.get(9)?,
                    role: r.get(10)?,
                },
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn upsert_factcheck(&mut self, f: &FactCheck, now: &str) -> Result<Upsert> {
        let variants = serde_json::to_string(&f.variants).unwrap_or_default();
        let media = serde_json::to_string(&f.media_hashes).unwrap_or_default();
        let verdict = serde_json::to_value(f.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let old: Option<FactRow> = self
            .conn
            .query_row("SELECT claim, verdict, correction, source_url, date, variants, media_hashes FROM factchecks WHERE id = ?1", [&f.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })
            .optional()
            .map_err(db)?;
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
        self.conn
            .execute(
                "INSERT INTO factchecks (id, claim, verdict, correction, source_url, date, variants, media_hashes, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET claim = excluded.claim, verdict = excluded.verdict, correction = excluded.correction, source_url = excluded.source_url,
                 date = excluded.date, variants = excluded.variants, media_hashes = excluded.media_hashes, updated_at = excluded.updated_at",
                params![f.id, f.claim, verdict, f.correction, f.source_url, f.date, variants, media, now],
            )
            .map_err(db)?;
        Ok(outcome)
    }

    fn factchecks(&mut self) -> Result<Vec<FactCheck>> {
        let mut s = self.conn.prepare_cached("SELECT id, claim, verdict, correction, source_url, date, variants, media_hashes FROM factchecks ORDER BY id").map_err(db)?;
        s.query_map([], |r| {
            let verdict: String = r.get(2)?;
            Ok(FactCheck {
                id: r.get(0)?,
                claim: r.get(1)?,
                verdict: serde_json::from_value(serde_json::Value::String(verdict.clone()))
                    .map_err(|_| {
                        rusqlite::Error::InvalidColumnType(
                            2,
                            format!("verdict: {verdict}"),
                            rusqlite::types::Type::Text,
                        )
                    })?,
                correction: r.get(3)?,
                source_url: r.get(4)?,
                date: r.get(5)?,
                variants: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
                media_hashes: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn upsert_url_entry(
        &mut self,
        entry: &str,
        list: &str,
        source: &str,
        now: &str,
    ) -> Result<Upsert> {
        let old: Option<String> = self
            .conn
            .query_row(
                "SELECT list FROM url_lists WHERE entry = ?1",
                [entry],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        let outcome = match old.as_deref() {
            Some(l) if l == list => return Ok(Upsert::Unchanged),
            Some(_) => Upsert::Updated,
            None => Upsert::Inserted,
        };
        self.conn
            .execute(
                "INSERT INTO url_lists (entry, list, source, added_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (entry) DO UPDATE SET list = excluded.list, source = excluded.source, added_at = excluded.added_at",
                params![entry, list, source, now],
            )
            .map_err(db)?;
        Ok(outcome)
    }

    fn upsert_avatar(&mut self, id: CommunityId, avatar: &Avatar, now: &str) -> Result<Upsert> {
        let turned = avatar.turned.join(" ");
        let old: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT sha256, turned FROM community_avatars WHERE community_id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db)?;
        let outcome = match old {
            Some((h, t)) if h == avatar.sha256 && t == turned => return Ok(Upsert::Unchanged),
            Some(_) => Upsert::Updated,
            None => Upsert::Inserted,
        };
        self.conn
            .execute(
                "INSERT INTO community_avatars (community_id, pdq, quality, sha256, recorded_at, turned) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (community_id) DO UPDATE SET pdq = excluded.pdq, quality = excluded.quality, sha256 = excluded.sha256, recorded_at = excluded.recorded_at, turned = excluded.turned",
                params![id.0, avatar.pdq, i64::from(avatar.quality), avatar.sha256, now, turned],
            )
            .map_err(db)?;
        Ok(outcome)
    }

    fn avatars(&mut self) -> Result<Vec<(CommunityId, Avatar)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT community_id, pdq, quality, sha256, recorded_at, turned FROM community_avatars ORDER BY community_id")
            .map_err(db)?;
        s.query_map([], |r| {
            Ok((
                CommunityId(r.get(0)?),
                Avatar {
                    pdq: r.get(1)?,
                    quality: r.get::<_, i64>(2)?.clamp(0, 100) as u8,
                    sha256: r.get(3)?,
                    recorded_at: r.get(4)?,
                    turned: r
                        .get::<_, String>(5)?
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                },
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn item_volume(&mut self, from: &str, to: &str) -> Result<Vec<store::VolumeRow>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT substr(published_at, 1, 10) AS d, community_id, platform, COUNT(*),
                        COALESCE(SUM(reactions), 0), COALESCE(SUM(comments), 0), COALESCE(SUM(shares), 0)
                 FROM items WHERE published_at >= ?1 AND published_at < ?2
                 GROUP BY d, community_id, platform ORDER BY d, community_id, platform",
            )
            .map_err(db)?;
        s.query_map(params![from, to], |r| {
            Ok(store::VolumeRow {
                day: r.get(0)?,
                community_id: r.get(1)?,
                platform: r.get(2)?,
                items: r.get::<_, i64>(3)? as u64,
                reactions: r.get::<_, i64>(4)?.max(0) as u64,
                comments: r.get::<_, i64>(5)?.max(0) as u64,
                shares: r.get::<_, i64>(6)?.max(0) as u64,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn hourly_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, u64)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT substr(published_at, 1, 13) AS h, COUNT(*) FROM items
                 WHERE published_at >= ?1 AND published_at < ?2 GROUP BY h ORDER BY h",
            )
            .map_err(db)?;
        s.query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn signal_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, u64)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT substr(i.published_at, 1, 10) AS d, s.category, COUNT(DISTINCT s.item_id)
                 FROM signals s JOIN items i ON i.id = s.item_id
                 WHERE s.shadow = 0 AND i.published_at >= ?1 AND i.published_at < ?2
                 GROUP BY d, s.category ORDER BY d, s.category",
            )
            .map_err(db)?;
        s.query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn signal_items(
        &mut self,
        from: &str,
        to: &str,
        categories: &[&str],
    ) -> Result<Vec<store::MatchedSignal>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT s.category, s.ref, i.community_id, i.published_at, i.source_id
                 FROM signals s JOIN items i ON i.id = s.item_id
                 WHERE s.shadow = 0 AND i.published_at >= ?1 AND i.published_at < ?2
                 ORDER BY i.published_at, i.id",
            )
            .map_err(db)?;
        let rows: Vec<store::MatchedSignal> = s
            .query_map(params![from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .filter(|r| categories.contains(&r.0.as_str()))
            .collect())
    }

    fn for_each_text(&mut self, from: &str, to: &str, f: &mut dyn FnMut(&str, i64)) -> Result<()> {
        let mut s = self
            .conn
            .prepare_cached("SELECT text, community_id FROM items WHERE published_at >= ?1 AND published_at < ?2 ORDER BY id")
            .map_err(db)?;
        let mut rows = s.query(params![from, to]).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let text = r
                .get_ref(0)
                .map_err(db)?
                .as_str()
                .map_err(|e| db(e.into()))?;
            f(text, r.get(1).map_err(db)?);
        }
        Ok(())
    }

    fn set_alert_status(&mut self, id: i64, status: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE alerts SET status = ?1 WHERE id = ?2",
                params![status, id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn insert_user(&mut self, u: &User, password_hash: &str, now: &str) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO users (username, password_hash, role, unit_id, member_id, must_change, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![u.username, password_hash, u.role.as_str(), u.unit.map(|x| x.0), u.member.map(|x| x.0), i64::from(u.must_change), now],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn user_by_name(&mut self, username: &str) -> Result<Option<(User, String)>> {
        self.conn
            .query_row(
                "SELECT id, username, role, unit_id, member_id, must_change, disabled_at, password_hash FROM users WHERE username = ?1",
                [username],
                |r| Ok((user_row(r)?, r.get::<_, String>(7)?)),
            )
            .optional()
            .map_err(db)
    }

    fn users(&mut self) -> Result<Vec<User>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT id, username, role, unit_id, member_id, must_change, disabled_at FROM users ORDER BY id",
            )
            .map_err(db)?;
        s.query_map([], user_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn insert_session(&mut self, s: &StoredSession) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO sessions (id_sha256, user_id, csrf, created_ms, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.id_sha256, s.user_id, s.csrf, s.created_ms, s.seen_ms],
            )
            .map_err(db)?;
        Ok(())
    }

    fn session(&mut self, id_sha256: &str) -> Result<Option<(StoredSession, User)>> {
        self.conn
            .query_row(
                "SELECT u.id, u.username, u.role, u.unit_id, u.member_id, u.must_change, u.disabled_at, s.csrf, s.created_ms, s.seen_ms FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_sha256 = ?1 AND u.disabled_at IS NULL",
                [id_sha256],
                |r| {
                    let user = user_row(r)?;
                    Ok((
                        StoredSession {
                            id_sha256: id_sha256.to_owned(),
                            user_id: user.id,
                            csrf: r.get(7)?,
                            created_ms: r.get(8)?,
                            seen_ms: r.get(9)?,
                        },
                        user,
                    ))
                },
            )
            .optional()
            .map_err(db)
    }

    fn touch_session(&mut self, id_sha256: &str, seen_ms: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE sessions SET seen_ms = ?2 WHERE id_sha256 = ?1",
                params![id_sha256, seen_ms],
            )
            .map_err(db)?;
        Ok(())
    }

    fn delete_session(&mut self, id_sha256: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM sessions WHERE id_sha256 = ?1", [id_sha256])
            .map_err(db)?;
        Ok(())
    }

    fn delete_user_sessions(&mut self, user_id: i64, keep_sha256: Option<&str>) -> Result<u64> {
        let n = self
            .conn
            .execute(
                "DELETE FROM sessions WHERE user_id = ?1 AND id_sha256 IS NOT ?2",
                params![user_id, keep_sha256],
            )
            .map_err(db)?;
        Ok(n as u64)
    }

    fn delete_stale_sessions(&mut self, seen_ms: i64, created_ms: i64) -> Result<u64> {
        let n = self
            .conn
            .execute(
                "DELETE FROM sessions WHERE seen_ms < ?1 OR created_ms < ?2",
                params![seen_ms, created_ms],
            )
            .map_err(db)?;
        Ok(n as u64)
    }

    fn totp_secret(&mut self, user: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT totp_secret FROM users WHERE id = ?1",
                params![user],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
            .map(Option::flatten)
    }

    fn set_totp_secret(&mut self, user: i64, secret: Option<&str>) -> Result<()> {
        self.conn
            .execute(
                "UPDATE users SET totp_secret = ?1, totp_last_step = NULL WHERE id = ?2",
                params![secret, user],
            )
            .map_err(db)?;
        Ok(())
    }

    fn use_totp_step(&mut self, user: i64, step: i64) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE users SET totp_last_step = ?1 WHERE id = ?2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?1)",
                params![step, user],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn set_disabled(&mut self, id: i64, at: Option<&str>) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE users SET disabled_at = ?1 WHERE id = ?2 AND (disabled_at IS NULL) = (?1 IS NOT NULL)",
                params![at, id],
            )
            .map_err(db)?;
        Ok(n == 1)
    }

    fn set_role(&mut self, id: i64, role: Role, unit: Option<UnitId>) -> Result<()> {
        self.conn
            .execute(
                "UPDATE users SET role = ?1, unit_id = ?2 WHERE id = ?3",
                params![role.as_str(), unit.map(|u| u.0), id],
            )
            .map_err(db)?;
        Ok(())
    }

    fn set_password(&mut self, id: i64, password_hash: &str, must_change: bool) -> Result<()> {
        self.conn
            .execute(
                "UPDATE users SET password_hash = ?1, must_change = ?2 WHERE id = ?3",
                params![password_hash, i64::from(must_change), id],
            )
            .map_err(db)?;
        Ok(())
    }

    fn url_entries(&mut self) -> Result<Vec<(String, String, String)>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT entry, list, source FROM url_lists ORDER BY entry")
            .map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn insert_alert(&mut self, a: &StoredAlert, now: &str) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO alerts (category, severity, score, item_ids, count, first_at, last_at, explanation, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![a.category.as_str(), a.severity, a.score as f64, serde_json::to_string(&a.item_ids).unwrap_or_default(), a.count as i64, a.first_at, a.last_at, a.explanation, a.status, now],
            )
            .map_err(db)?;
        let id = self.conn.last_insert_rowid();
        let mut item = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO alert_items (source_id, alert_id) VALUES (?1, ?2)",
            )
            .map_err(db)?;
        for source_id in &a.item_ids {
            item.execute(params![source_id, id]).map_err(db)?;
        }
        Ok(id)
    }

    fn alert_pages(&mut self, after: i64) -> Result<Vec<(i64, i64)>> {
        // In two plain steps, each on its index: as one join, SQLite's planner builds an
        // automatic index over every item on each call (a second over a million posts, even for
        // the newest five alerts), or — told which index to use — loops the wrong way round.
        let alerts: Vec<(i64, String)> = {
            let mut s = self
                .conn
                .prepare_cached("SELECT id, item_ids FROM alerts WHERE id > ?1 ORDER BY id")
                .map_err(db)?;
            s.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
                .map_err(db)?
        };
        let mut pages = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT community_id FROM items
                 WHERE platform IN ('facebook', 'zalo', 'youtube', 'tiktok', 'telegram', 'website', 'other') AND source_id = ?1",
            )
            .map_err(db)?;
        let mut out = Vec::new();
        for (alert, ids) in alerts {
            let ids: Vec<String> = serde_json::from_str(&ids)
                .map_err(|e| StoreError::Corrupt(format!("alert {alert}: item_ids: {e}")))?;
            let mut of_alert: Vec<i64> = Vec::new();
            for id in &ids {
                let found = pages
                    .query_map([id], |r| r.get::<_, i64>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
                    .map_err(db)?;
                of_alert.extend(found);
            }
            of_alert.sort_unstable();
            of_alert.dedup();
            out.extend(of_alert.into_iter().map(|c| (alert, c)));
        }
        Ok(out)
    }

    fn alerts_of_item(&mut self, source_id: &str) -> Result<Vec<i64>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT alert_id FROM alert_items WHERE source_id = ?1 ORDER BY alert_id",
            )
            .map_err(db)?;
        s.query_map([source_id], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn alerts(&mut self) -> Result<Vec<StoredAlert>> {
        let mut s = self
            .conn
            .prepare_cached(&format!("{ALERT_COLUMNS} ORDER BY id"))
            .map_err(db)?;
        s.query_map([], alert_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn set_item_media(&mut self, id: i64, media: &[MediaRef]) -> Result<bool> {
        let media = serde_json::to_string(media).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(self
            .conn
            .execute(
                "UPDATE items SET media = ?1 WHERE id = ?2",
                params![media, id],
            )
            .map_err(db)?
            == 1)
    }

    fn alerts_with_ids(&mut self, ids: &[i64]) -> Result<Vec<StoredAlert>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut s = self
            .conn
            .prepare_cached(&format!("{ALERT_COLUMNS} WHERE id = ?1"))
            .map_err(db)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(s.query_row([id], alert_row).optional().map_err(db)?);
        }
        Ok(out)
    }

    fn insert_case(&mut self, c: &Case) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO cases (title, category, status, assignee, community_id, alert_ids, outcome, opened_by, opened_at, updated_at, due_at, first_action_at, merged_into) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![c.title, c.category.as_str(), c.status.as_str(), c.assignee, c.community.map(|x| x.0), serde_json::to_string(&c.alert_ids).unwrap_or_default(), c.outcome, c.opened_by, c.opened_at, c.updated_at, c.due_at, c.first_action_at, c.merged_into],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_case(&mut self, c: &Case) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE cases SET title = ?1, category = ?2, status = ?3, assignee = ?4, community_id = ?5, alert_ids = ?6, outcome = ?7, updated_at = ?8, due_at = ?9, first_action_at = ?10, merged_into = ?11 WHERE id = ?12",
                params![c.title, c.category.as_str(), c.status.as_str(), c.assignee, c.community.map(|x| x.0), serde_json::to_string(&c.alert_ids).unwrap_or_default(), c.outcome, c.updated_at, c.due_at, c.first_action_at, c.merged_into, c.id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn cases(&mut self) -> Result<Vec<Case>> {
        let mut s = self
            .conn
            .prepare_cached(&format!("{CASE_COLUMNS} ORDER BY id"))
            .map_err(db)?;
        s.query_map([], case_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn case(&mut self, id: i64) -> Result<Option<Case>> {
        let mut s = self
            .conn
            .prepare_cached(&format!("{CASE_COLUMNS} WHERE id = ?1"))
            .map_err(db)?;
        s.query_row([id], case_row).optional().map_err(db)
    }

    fn case_deadlines(&mut self) -> Result<Vec<(String, String, i64)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT category, severity, hours FROM case_deadlines ORDER BY category, severity",
            )
            .map_err(db)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn set_case_deadline(
        &mut self,
        category: &str,
        severity: &str,
        hours: Option<i64>,
    ) -> Result<()> {
        match hours {
            Some(h) => self.conn.execute(
                "INSERT INTO case_deadlines (category, severity, hours) VALUES (?1, ?2, ?3) ON CONFLICT (category, severity) DO UPDATE SET hours = excluded.hours",
                params![category, severity, h],
            ),
            None => self.conn.execute(
                "DELETE FROM case_deadlines WHERE category = ?1 AND severity = ?2",
                params![category, severity],
            ),
        }
        .map_err(db)?;
        Ok(())
    }

    fn insert_evidence(&mut self, e: &Evidence) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT INTO evidence (case_id, sha256, file_name, media_type, size, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                params![e.case_id, e.sha256, e.file_name, e.media_type, e.size as i64, e.added_by, e.added_at],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn evidence(&mut self, case_id: i64) -> Result<Vec<Evidence>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT case_id, sha256, file_name, media_type, size, added_by, added_at FROM evidence WHERE case_id = ?1 ORDER BY added_at, sha256")
            .map_err(db)?;
        s.query_map([case_id], |r| {
            Ok(Evidence {
                case_id: r.get(0)?,
                sha256: r.get(1)?,
                file_name: r.get(2)?,
                media_type: r.get(3)?,
                size: r.get::<_, i64>(4)? as u64,
                added_by: r.get(5)?,
                added_at: r.get(6)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn insert_token(&mut self, t: &ApiToken, token_sha256: &str) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO api_tokens (name, token_sha256, role, unit_id, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![t.name, token_sha256, t.role.as_str(), t.unit.map(|u| u.0), t.created_by, t.created_at, t.expires_at],
            )
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn token_by_hash(&mut self, token_sha256: &str) -> Result<Option<ApiToken>> {
        self.conn
            .prepare_cached("SELECT id, name, role, unit_id, created_by, created_at, revoked_at, expires_at FROM api_tokens WHERE token_sha256 = ?1")
            .and_then(|mut s| s.query_row([token_sha256], token_row).optional())
            .map_err(db)
    }

    fn tokens(&mut self) -> Result<Vec<ApiToken>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, name, role, unit_id, created_by, created_at, revoked_at, expires_at FROM api_tokens ORDER BY id")
            .map_err(db)?;
        s.query_map([], token_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                params![at, id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn last_audit(&mut self) -> Result<Option<(i64, String)>> {
        self.conn
            .prepare_cached("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")
            .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .map_err(db)
    }

    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO audit_events (id, at, actor, action, entity, entity_id, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut s| s.execute(params![e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.details, e.prev_hash, e.hash]))
            .map_err(db)?;
        Ok(())
    }

    fn maintain_partitions(&mut self) -> Result<u64> {
        Ok(0)
    }

    fn delete_audit_through(&mut self, through: i64) -> Result<u64> {
        self.conn
            .execute("DELETE FROM audit_events WHERE id <= ?1", [through])
            .map(|n| n as u64)
            .map_err(db)
    }

    fn audit_events(&mut self) -> Result<Vec<AuditEvent>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_events ORDER BY id")
            .map_err(db)?;
        s.query_map([], audit_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }

    fn audit_events_of(&mut self, entity: &str, entity_id: &str) -> Result<Vec<AuditEvent>> {
        let mut s = self
            .conn
            .prepare_cached("SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_events WHERE entity = ?1 AND entity_id = ?2 ORDER BY id")
            .map_err(db)?;
        s.query_map([entity, entity_id], audit_row)
            .and_then(|rows| rows.collect())
            .map_err(db)
    }
}

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let m = |k: usize| r.get::<_, Option<i64>>(k).map(|v| v.map(|x| x as u64));
    let media: String = r.get(14)?;
    Ok(Item {
        id: r.get(0)?,
        source_id: r.get(1)?,
        platform: parse(r.get(2)?, "platform")?,
        community_id: r.get(3)?,
        community_url: r.get(4)?,
        published_at: r.get(5)?,
        text: r.get(6)?,
        url: r.get(7)?,
        author_pseudonym: r.get(8)?,
        author_handle: r.get(9)?,
        metrics: Metrics {
            reactions: m(10)?,
            comments: m(11)?,
            shares: m(12)?,
            views: m(13)?,
        },
        media: serde_json::from_str(&media).unwrap_or_default(),
    })
}

fn indicator_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<domain::SharedIndicator> {
    Ok(domain::SharedIndicator {
        stix_id: r.get(0)?,
        kind: r.get(1)?,
        value: r.get(2)?,
        origin: r.get(3)?,
        origin_name: r.get(4)?,
        local: r.get::<_, i64>(5)? != 0,
        modified: r.get(6)?,
        valid_until: r.get(7)?,
        revoked: r.get::<_, i64>(8)? != 0,
        marking: r.get(9)?,
        object: r.get(10)?,
        case_ref: r.get(11)?,
        added: r.get(12)?,
    })
}

fn tip_group_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<domain::TipGroup> {
    Ok(domain::TipGroup {
        id: r.get(0)?,
        key: r.get(1)?,
        kind: r.get(2)?,
        status: r.get(3)?,
        answer: r.get(4)?,
        decided_by: r.get(5)?,
        decided_at: r.get(6)?,
        created_at: r.get(7)?,
        tips: r.get(8)?,
        senders: r.get(9)?,
        case_id: r.get(10)?,
    })
}

fn tip_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<domain::Tip> {
    Ok(domain::Tip {
        id: r.get(0)?,
        code_sha256: r.get(1)?,
        channel: r.get(2)?,
        link: r.get(3)?,
        phone: r.get(4)?,
        account: r.get(5)?,
        text: r.get(6)?,
        contact: r.get(7)?,
        consent: r.get::<_, i64>(8)? != 0,
        answer: r.get(9)?,
        group_id: r.get(10)?,
        sender: r.get(11)?,
        created_at: r.get(12)?,
    })
}

fn partner_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<domain::SharePartner> {
    Ok(domain::SharePartner {
        id: r.get(0)?,
        name: r.get(1)?,
        province: r.get::<_, i64>(2)? as u32,
        url: r.get(3)?,
        sealed_token: r.get(4)?,
        token_id: r.get(5)?,
        can_read: r.get::<_, i64>(6)? != 0,
        can_write: r.get::<_, i64>(7)? != 0,
        pull_cursor: r.get(8)?,
        push_cursor: r.get(9)?,
        last_pull: r.get(10)?,
        last_push: r.get(11)?,
        last_error: r.get(12)?,
        pulled: r.get(13)?,
        pushed: r.get(14)?,
        created_by: r.get(15)?,
        created_at: r.get(16)?,
    })
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        name: r.get(1)?,
        role: parse(r.get(2)?, "role")?,
        unit: r.get::<_, Option<i64>>(3)?.map(UnitId),
        created_by: r.get(4)?,
        created_at: r.get(5)?,
        revoked: r.get::<_, Option<String>>(6)?.is_some(),
        expires_at: r.get(7)?,
        // A commune's own database: no province around it.
        commune: None,
    })
}

const ALERT_COLUMNS: &str = "SELECT id, category, severity, score, item_ids, count, first_at, last_at, explanation, status FROM alerts";

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredAlert> {
    Ok(StoredAlert {
        id: r.get(0)?,
        category: parse(r.get(1)?, "category")?,
        severity: r.get(2)?,
        score: r.get::<_, f64>(3)? as f32,
        item_ids: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
        count: r.get::<_, i64>(5)? as u64,
        first_at: r.get(6)?,
        last_at: r.get(7)?,
        explanation: r.get(8)?,
        status: r.get(9)?,
    })
}

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEvent> {
    Ok(AuditEvent {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        details: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        role: Role::parse_word(&role).unwrap_or(Role::Member),
        unit: r.get::<_, Option<i64>>(3)?.map(UnitId),
        member: r.get::<_, Option<i64>>(4)?.map(MemberId),
        must_change: r.get::<_, i64>(5)? != 0,
        disabled_at: r.get(6)?,
        commune: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made before `alert_items` existed gets every alert's posts indexed when opened.
    #[test]
    fn alerts_made_before_the_alert_items_table_are_indexed_by_the_migration() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..10] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 10;
             INSERT INTO alerts (category, severity, score, item_ids, count, first_at, last_at, explanation, status, created_at)
             VALUES ('scam', 'high', 0.9, '[\"p1\",\"p2\",\"p1\"]', 3, 'a', 'b', 'x', 'open', 'now'),
                    ('threat', 'high', 0.9, '[\"p2\"]', 1, 'a', 'b', 'y', 'open', 'now');",
        )
        .unwrap();
        let mut db = setup(conn).unwrap();
        assert_eq!(db.alerts_of_item("p1").unwrap(), [1]);
        assert_eq!(db.alerts_of_item("p2").unwrap(), [1, 2]);
        assert!(db.alerts_of_item("p3").unwrap().is_empty());
    }
}
