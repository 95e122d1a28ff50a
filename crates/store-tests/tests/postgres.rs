//! The story suite on PostgreSQL, each story in a fresh database created on the server that
//! `SOKENH_TEST_POSTGRES_URL` names (`.ci/run` starts one). Without the variable the stories are
//! skipped with a message, except under CI, where a missing server is a failure.

use std::sync::atomic::{AtomicU32, Ordering};
use store::Store;

fn server() -> Option<String> {
    match std::env::var("SOKENH_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but SOKENH_TEST_POSTGRES_URL is not set: the PostgreSQL stories must run in CI"
            )
        }
        Err(_) => None,
    }
}

fn fresh() -> (Store, String) {
    static N: AtomicU32 = AtomicU32::new(0);
    let url = server().expect("checked by available()");
    let name = format!(
        "sokenh_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let db_url = with_database(&url, &name);
    let store = Store::new(Box::new(store_postgres::open(&db_url).unwrap()));
    assert_eq!(store.backend_name(), "postgres");
    (store, db_url)
}

/// Replaces the database name in a `postgres://user@host:port/db` URL.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map(|(b, q)| (b, format!("?{q}")))
        .unwrap_or((url, String::new()));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    format!("{}/{db}{query}", &base[..host_end])
}

#[allow(clippy::ptr_arg)] // The story suite hands every backend its own handle type by reference.
fn tamper(db_url: &String, sql: &str) {
    let mut c = postgres::Client::connect(db_url, postgres::NoTls).unwrap();
    c.batch_execute(sql).unwrap();
}

fn available() -> bool {
    let there = server().is_some();
    if !there {
        eprintln!(
            "SOKENH_TEST_POSTGRES_URL is not set: PostgreSQL story skipped (CI always sets it)"
        );
    }
    there
}

store_tests::stories!(fresh, tamper, available());

#[test]
fn url_database_replacement() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5433/postgres", "x"),
        "postgres://postgres@127.0.0.1:5433/x"
    );
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
}

#[test]
fn pooled_connections_read_beside_a_writer_and_keep_one_chain() {
    if !available() {
        return;
    }
    let (first, url) = fresh();
    let open = move || Ok(Store::new(Box::new(store_postgres::open(&url)?)));
    store_tests::pooled_connections_read_beside_a_writer_and_keep_one_chain(store::Pool::new(
        first,
        Box::new(open),
        4,
    ));
}

#[test]
fn jobs_are_claimed_once_retried_and_taken_over() {
    if !available() {
        return;
    }
    let (mut a, url) = fresh();
    let mut b = Store::new(Box::new(store_postgres::open(&url).unwrap()));
    store_tests::jobs_are_claimed_once_retried_and_taken_over(&mut a, &mut b);
}

#[test]
fn screeners_that_start_together_record_once() {
    if !available() {
        return;
    }
    let (_, url) = fresh();
    let open = || Store::new(Box::new(store_postgres::open(&url).unwrap()));
    store_tests::screeners_that_start_together_record_once(&open);
}

#[test]
fn jobs_are_shared_out_once_among_many() {
    if !available() {
        return;
    }
    let (_, url) = fresh();
    let open = || Store::new(Box::new(store_postgres::open(&url).unwrap()));
    store_tests::jobs_are_shared_out_once_among_many(&open);
}

/// The server drops every connection (as a restart does): each request that was holding one
/// fails once, and the pool then opens new connections instead of handing out dead ones.
#[test]
fn a_pool_replaces_connections_the_server_dropped() {
    if !available() {
        return;
    }
    let (first, url) = fresh();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let open_url = url.clone();
    let open = move || Ok(Store::new(Box::new(store_postgres::open(&open_url)?)));
    let pool = store::Pool::new(first, Box::new(open), 3);
    {
        // Three connections open and idle.
        let mut held: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
        for s in &mut held {
            s.units().unwrap();
        }
    }
    tamper(
        &url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{db}' AND pid <> pg_backend_pid()"
        ),
    );
    // Each dead connection fails the one request that finds it dead, and is not given out again.
    let mut failed = 0;
    for _ in 0..3 {
        let mut s = pool.get().unwrap();
        if s.units().is_err() {
            failed += 1;
            assert!(
                s.is_lost(),
                "a failed connection to a dropped session is lost"
            );
        }
    }
    assert!(failed >= 1, "the terminated connections were not noticed");
    for _ in 0..10 {
        let mut s = pool.get().unwrap();
        assert!(!s.is_lost());
        s.units().unwrap();
    }
}

/// Each SQL text is prepared once per connection and then only executed; a statement kept from
/// before a column changed type is prepared again, not failed.
#[test]
fn statements_are_prepared_once_per_connection() {
    if !available() {
        return;
    }
    use store::Backend;
    let (_store, url) = fresh();
    let mut pg = store_postgres::open(&url).unwrap();
    assert_eq!(pg.prepared_statements(), 0);
    let units = pg.units().unwrap();
    let after_one = pg.prepared_statements();
    assert_eq!(after_one, 1, "units() is one statement");
    for _ in 0..5 {
        assert_eq!(pg.units().unwrap().len(), units.len());
    }
    assert_eq!(
        pg.prepared_statements(),
        after_one,
        "no statement prepared again"
    );
    pg.communities().unwrap();
    assert_eq!(pg.prepared_statements(), after_one + 1);
    // The kept plan's result type changes under it: the server refuses it once, the backend
    // prepares it again.
    tamper(
        &url,
        "ALTER TABLE units ALTER COLUMN name TYPE VARCHAR(400)",
    );
    assert_eq!(pg.units().unwrap().len(), units.len());
    assert_eq!(pg.prepared_statements(), after_one + 1);
}

/// A server hears each audited change another connection commits (schema 26's notifications),
/// and the end of sessions; "everything" when it starts listening.
#[test]
fn servers_hear_changes_as_they_commit() {
    if !available() {
        return;
    }
    let (mut store, url) = fresh();
    let (tx, rx) = std::sync::mpsc::channel();
    store_postgres::listen(url.clone(), move |c| {
        let _ = tx.send(c);
    });
    let wait = std::time::Duration::from_secs(20);
    assert_eq!(rx.recv_timeout(wait).unwrap(), store_postgres::Change::All);
    store.set_retention("quantri", "posts", Some(24)).unwrap();
    assert_eq!(
        rx.recv_timeout(wait).unwrap(),
        store_postgres::Change::Audited
    );
    // A read commits nothing audited: nothing heard.
    store.retention().unwrap();
    tamper(&url, "DELETE FROM sessions");
    assert_eq!(
        rx.recv_timeout(wait).unwrap(),
        store_postgres::Change::Sessions
    );
}

/// A commune's reads under the commune role (`Store::as_commune`): row-level security shows
/// them that commune's rows only — through statements the connection prepared before as the
/// province too —, no province-wide table, and no write.
#[test]
fn a_communes_reads_see_its_own_rows_only() {
    if !available() {
        return;
    }
    use domain::UnitId;
    let (mut store, url) = fresh();
    let province = store
        .create_unit("t", "Tỉnh Thanh Hóa", None, None)
        .unwrap()
        .id;
    // Two communes as `migrate` writes them: the tenant first, then its root unit.
    tamper(
        &url,
        &format!(
            "INSERT INTO tenants (code, unit_id, name, source_head, source_events, bridge_event, migrated_by, migrated_at)
                VALUES (15199, 1001, 'Xã Thạch Quảng', '', 0, 0, 't', ''), (15211, 1002, 'Xã Thạch Bình', '', 0, 0, 't', '');
             INSERT INTO units (id, name, parent_id) VALUES
                (1001, 'Đảng bộ xã Thạch Quảng', {p}), (1002, 'Đảng bộ xã Thạch Bình', {p})",
            p = province.0
        ),
    );
    let cell = store
        .create_unit("t", "Chi bộ thôn Đồng Tâm", Some(UnitId(1001)), None)
        .unwrap()
        .id;
    for (unit, name) in [
        (cell, "Nguyễn Văn An"),
        (UnitId(1001), "Trần Thị Bích"),
        (UnitId(1002), "Lê Văn Bình"),
    ] {
        store
            .add_member(
                "t",
                &store::NewMember {
                    unit,
                    full_name: name.into(),
                    position: None,
                },
            )
            .unwrap();
    }
    // As the province, first: the statements are prepared on this connection.
    assert_eq!(store.members().unwrap().len(), 3);
    assert_eq!(store.units().unwrap().len(), 4);
    let names = |s: &mut Store| -> store::Result<Vec<String>> {
        Ok(s.members()?.into_iter().map(|m| m.full_name).collect())
    };
    let a = store.as_commune(UnitId(1001), names).unwrap();
    assert_eq!(a, ["Nguyễn Văn An", "Trần Thị Bích"]);
    let b = store.as_commune(UnitId(1002), names).unwrap();
    assert_eq!(b, ["Lê Văn Bình"]);
    let units = store
        .as_commune(UnitId(1002), |s| s.units())
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect::<Vec<_>>();
    assert_eq!(units, ["Đảng bộ xã Thạch Bình"]);
    // The province-wide log is closed to it; a write is refused; and afterwards the
    // connection is the province's again.
    assert!(store.as_commune(UnitId(1001), |s| s.audit_head()).is_err());
    assert!(
        store
            .as_commune(UnitId(1001), |s| s.add_member(
                "t",
                &store::NewMember {
                    unit: UnitId(1001),
                    full_name: "Ghi thử".into(),
                    position: None,
                },
            ))
            .is_err()
    );
    assert_eq!(store.members().unwrap().len(), 3);
    assert!(store.audit_head().unwrap() > 0);
    // Inside another transaction it is refused, not half done.
    let nested = store.transaction(|s| s.as_commune(UnitId(1001), names));
    assert!(nested.is_err());
}

/// Schema 27: a server's login that may grant roles (CREATEROLE, PostgreSQL 15) becomes a
/// member of the commune role as it migrates its database, and may then read as a commune; a
/// login that may not still migrates, and reading as a commune tells it what to ask the DBA.
#[test]
fn a_login_that_may_grant_takes_the_commune_role_as_it_migrates() {
    if !available() {
        return;
    }
    use domain::UnitId;
    let url = server().unwrap();
    let pid = std::process::id();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let version: i32 = admin
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap()
        .get(0);
    // The role exists before any server opens its database (docs/province.md).
    admin
        .batch_execute(
            "DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sokenh_commune') THEN
                    CREATE ROLE sokenh_commune NOLOGIN;
                END IF;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$",
        )
        .unwrap();
    let as_login = |login: &str, createrole: bool| -> store::Store {
        let db = format!("{login}_db");
        admin_do(
            &url,
            &[
                format!("DROP DATABASE IF EXISTS {db}"),
                format!("DROP ROLE IF EXISTS {login}"),
                format!(
                    "CREATE ROLE {login} LOGIN{}",
                    if createrole { " CREATEROLE" } else { "" }
                ),
                format!("CREATE DATABASE {db} OWNER {login}"),
            ],
        );
        let login_url =
            with_database(&url, &db).replacen("://postgres@", &format!("://{login}@"), 1);
        store::Store::new(Box::new(store_postgres::open(&login_url).unwrap()))
    };
    let mut plain = as_login(&format!("sokenh_plain_{pid}"), false);
    let refused = plain
        .as_commune(UnitId(1), |s| s.units())
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("permission denied to set role")
            && refused.contains("GRANT sokenh_commune TO"),
        "{refused}"
    );
    if version < 160000 {
        let mut granting = as_login(&format!("sokenh_grant_{pid}"), true);
        assert!(
            granting
                .as_commune(UnitId(1), |s| s.units())
                .unwrap()
                .is_empty()
        );
    }
}

/// Statements run one by one as the server's superuser (some may not share a transaction).
fn admin_do(url: &str, statements: &[String]) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    for sql in statements {
        c.batch_execute(sql).unwrap();
    }
}

/// Schema 28: posts, signals and the audit log by month. A post of a month without a partition
/// waits in the catch-all until the upkeep moves it into its own (audited); a read of one month
/// reads that month's partition only; a post is still stored once by its platform and source id
/// — through the ingest, and against a hand-written insert too —, and one purged may come again.
#[test]
fn posts_signals_and_the_audit_log_are_kept_by_month() {
    if !available() {
        return;
    }
    let (mut store, url) = fresh();
    let mut sql = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let post = |id: &str, at: &str| {
        let mut p = store_tests::item(id, "https://facebook.com/groups/a", "Vay tiền nhanh");
        p.published_at = at.into();
        p
    };
    let posts = [
        post("old", "2024-03-05T08:00:00+07:00"),
        post("nov", "2026-11-20T08:00:00+07:00"),
    ];
    let first = store.ingest_items("t", "s", &posts, 2).unwrap();
    assert_eq!((first.inserted, first.duplicates), (2, 0));
    let partition_of = |sql: &mut postgres::Client, id: &str| -> String {
        sql.query_one(
            "SELECT tableoid::regclass::text FROM items WHERE source_id = $1",
            &[&id],
        )
        .unwrap()
        .get(0)
    };
    // The migration made the months around today ahead, not March 2024.
    assert_eq!(partition_of(&mut sql, "old"), "items_p_other");
    let made = store.maintain_partitions("sokenh:lịch").unwrap();
    assert!(made >= 1, "{made}");
    assert_eq!(partition_of(&mut sql, "old"), "items_p2024_03");
    assert_eq!(partition_of(&mut sql, "nov"), "items_p2026_11");
    let event = store.audit_events().unwrap().pop().unwrap();
    assert_eq!(event.action, "partitions.maintain");
    assert_eq!(store.maintain_partitions("sokenh:lịch").unwrap(), 0);
    let empty: i64 = sql
        .query_one(
            "SELECT (SELECT count(*) FROM items_p_other) + (SELECT count(*) FROM signals_p_other)
                  + (SELECT count(*) FROM audit_events_p_other)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(empty, 0, "every month in a partition of its own");
    let plan: Vec<String> = sql
        .query(
            "EXPLAIN SELECT count(*) FROM items
             WHERE published_at >= '2026-11-01T00:00:00+07:00' AND published_at < '2026-12-01T00:00:00+07:00'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("items_p2026_11") && !plan.contains("items_p2024_03"),
        "{plan}"
    );

    // Once by platform and source id.
    let again = store.ingest_items("t", "s", &posts, 4).unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 2));
    let by_hand = sql.execute(
        "INSERT INTO items (source_id, platform, community_id, published_at, text, media)
         SELECT 'nov', 'facebook', community_id, '2026-11-21T08:00:00+07:00', 'x', '[]'
         FROM items WHERE source_id = 'nov'",
        &[],
    );
    let code = by_hand.unwrap_err().code().cloned();
    assert_eq!(code, Some(postgres::error::SqlState::UNIQUE_VIOLATION));
    assert_eq!(store.items_by_source("nov").unwrap().len(), 1);

    // A purged post leaves its key: met again, it is stored again.
    let old = store.items_by_source("old").unwrap()[0].id;
    store
        .purge_posts("quantri", "2025-01-01T00:00:00+07:00", 100, &mut |_| {})
        .unwrap();
    assert!(store.items_by_source("old").unwrap().is_empty());
    let back = store.ingest_items("t", "s", &posts[..1], 5).unwrap();
    assert_eq!(back.inserted, 1);
    assert_ne!(store.items_by_source("old").unwrap()[0].id, old);
    assert!(store.verify_audit().unwrap().ok);
}
