//! Upgrades keep data: every data dir kept from an earlier schema version
//! (`tests/fixtures/upgrade/sqlite-vN.sql`, each made by the sokenh of that version) and every
//! PostgreSQL database (`postgres-vN.sql`, `pg_dump --inserts`; where `SOKENH_TEST_POSTGRES_URL`
//! names a server) opens with the current binary, is migrated to the current schema, keeps every
//! row of every table it had, and its audit chain still verifies. A schema change adds fixtures
//! made before it.

mod common;
use common::{json, sokenh};
use std::collections::BTreeMap;
use std::path::Path;

fn fixtures(prefix: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade");
    let mut all: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".sql"))
        })
        .collect();
    all.sort();
    assert!(!all.is_empty(), "no {prefix} fixture in {}", dir.display());
    all
}

fn counts(db: &Path) -> (u32, BTreeMap<String, i64>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let counts = tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect();
    (version, counts)
}

#[test]
fn every_kept_data_dir_opens_migrated_with_every_row_and_a_whole_audit_chain() {
    // The current schema: what a new data dir gets.
    let fresh = tempfile::tempdir().unwrap();
    json(&sokenh(fresh.path(), &["registry", "list", "--json"]));
    let (current, _) = counts(&fresh.path().join("sokenh.db"));

    for fixture in fixtures("sqlite-") {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path();
        let db = data.join("sokenh.db");
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch(&std::fs::read_to_string(&fixture).unwrap())
            .unwrap();
        let (version, before) = counts(&db);
        assert!(version <= current, "{}", fixture.display());

        let audit = json(&sokenh(data, &["audit", "verify", "--json"]));
        assert_eq!(audit["ok"], true, "{}: {audit}", fixture.display());
        assert_eq!(
            audit["events"].as_i64(),
            before.get("audit_events").copied()
        );
        let register = json(&sokenh(data, &["registry", "list", "--json"]));
        assert_eq!(
            register.as_array().unwrap().len() as i64,
            before["communities"],
            "{}",
            fixture.display()
        );

        let (migrated, after) = counts(&db);
        assert_eq!(migrated, current, "{} migrated", fixture.display());
        for (table, n) in &before {
            assert_eq!(after.get(table), Some(n), "{}: {table}", fixture.display());
        }
        // The kept posts are found again once the index is rebuilt from the store.
        assert!(sokenh(data, &["reindex"]).status.success());
        let hits = json(&sokenh(data, &["search", "viec nhe luong cao", "--json"]));
        assert!(
            !hits.as_array().unwrap().is_empty(),
            "{}: {hits}",
            fixture.display()
        );
    }
}

fn pg_counts(client: &mut postgres::Client) -> (i64, BTreeMap<String, i64>) {
    let version: i32 = client
        .query_one("SELECT max(version) FROM public.sokenh_migrations", &[])
        .unwrap()
        .get(0);
    let tables: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename <> 'sokenh_migrations'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let counts = tables
        .into_iter()
        .map(|t| {
            let n: i64 = client
                .query_one(&format!("SELECT COUNT(*) FROM public.\"{t}\""), &[])
                .unwrap()
                .get(0);
            (t, n)
        })
        .collect();
    (i64::from(version), counts)
}

#[test]
fn every_kept_postgresql_database_opens_migrated_with_every_row() {
    let Some(url) = common::postgres_server() else {
        return;
    };
    let database = |name: &str| common::fresh_database(&url, name);
    // The current schema: what a new database gets.
    let fresh_url = database(&format!("sokenh_upgrade_new_{}", std::process::id()));
    let fresh = tempfile::tempdir().unwrap();
    json(&sokenh(
        fresh.path(),
        &["--database-url", &fresh_url, "registry", "list", "--json"],
    ));
    let mut client = postgres::Client::connect(&fresh_url, postgres::NoTls).unwrap();
    let (current, _) = pg_counts(&mut client);

    for (k, fixture) in fixtures("postgres-").into_iter().enumerate() {
        let db_url = database(&format!("sokenh_upgrade_{k}_{}", std::process::id()));
        let mut client = postgres::Client::connect(&db_url, postgres::NoTls).unwrap();
        client
            .batch_execute(&std::fs::read_to_string(&fixture).unwrap())
            .unwrap();
        let (version, before) = pg_counts(&mut client);
        assert!(version <= current, "{}", fixture.display());
        let data = tempfile::tempdir().unwrap();
        let on = |args: &[&str]| {
            let mut all = vec!["--database-url", db_url.as_str()];
            all.extend_from_slice(args);
            json(&sokenh(data.path(), &all))
        };
        let audit = on(&["audit", "verify", "--json"]);
        assert_eq!(audit["ok"], true, "{}: {audit}", fixture.display());
        assert_eq!(
            audit["events"].as_i64(),
            before.get("audit_events").copied()
        );
        let register = on(&["registry", "list", "--json"]);
        assert_eq!(
            register.as_array().unwrap().len() as i64,
            before["communities"]
        );
        let (migrated, after) = pg_counts(&mut client);
        assert_eq!(migrated, current, "{} migrated", fixture.display());
        for (table, n) in &before {
            assert_eq!(after.get(table), Some(n), "{}: {table}", fixture.display());
        }
    }
}
