//! A province's database and the care of any deployment, through the binary as operators run
//! it: `sokenh backup` and `sokenh restore` on both backends (the chain and every table's rows
//! given back, a damaged chain refused), `sokenh migrate` of a commune's store into the
//! province's PostgreSQL (every table's rows there, both chains verified, a second run adds
//! nothing), and two communes in one database: a commune's unit administrator sees only its own
//! commune through the pages and the API, and under the commune role PostgreSQL's row-level
//! security keeps a hand-written query to its commune. The PostgreSQL tests run where
//! `SOKENH_TEST_POSTGRES_URL` names a server (`.ci/run` starts one; under `CI=true` they must).

mod common;
use common::http::*;
use common::{json, sokenh};
use serde_json::Value;
use std::path::Path;

fn on(data: &Path, db: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut all = Vec::new();
    if let Some(db) = db {
        all.extend(["--database-url", db]);
    }
    all.extend_from_slice(args);
    sokenh(data, &all)
}

/// Fails with the command's words unless it succeeded.
fn succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ok_json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    json(out)
}

/// The demo commune with three scam posts (an alert) and its pseudonym key.
fn seeded_commune(data: &Path, db: Option<&str>) {
    ok_json(&on(data, db, &["demo", "--no-serve", "--json"]));
    common::ingest_posts_into(data, db, &common::JOB_SCAMS);
}

/// Backup, restore into an empty place, and what must hold after.
fn backup_and_restore(db_from: Option<&str>, db_to: Option<&str>) {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    seeded_commune(&a, db_from);
    let file = tmp.path().join("sokenh-2026-12-01.zip");
    let backup = ok_json(&on(
        &a,
        db_from,
        &["backup", file.to_str().unwrap(), "--json"],
    ));
    assert_eq!(backup["audit_ok"], true);
    assert_eq!(backup["tables"]["items"], 3);
    assert_eq!(
        backup["tables"]["communities"], 39,
        "38 + the group of the posts"
    );
    assert_eq!(backup["files"], 1, "pseudonym.key (no sharing keys made)");
    let events = backup["audit_events"].as_u64().unwrap();
    assert!(events > 240, "{events}");
    // A second backup to the same name does not overwrite the first.
    let again = on(&a, db_from, &["backup", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));

    let restored = ok_json(&on(
        &b,
        db_to,
        &["restore", file.to_str().unwrap(), "--json"],
    ));
    assert_eq!(restored["ok"], true, "{restored}");
    assert_eq!(restored["audit_events"], events);
    assert_eq!(restored["audit_head_matches"], true);
    assert_eq!(restored["indexed"], 3);
    let tables = restored["tables"].as_object().unwrap();
    assert!(tables.len() > 40, "{}", tables.len());
    for (name, t) in tables {
        assert_eq!(t["expected"], t["restored"], "{name}");
    }
    assert_eq!(
        std::fs::read(a.join("pseudonym.key")).unwrap(),
        std::fs::read(b.join("pseudonym.key")).unwrap()
    );
    let verify = ok_json(&on(&b, db_to, &["audit", "verify", "--json"]));
    assert_eq!(
        (verify["ok"].clone(), verify["events"].clone()),
        (Value::Bool(true), events.into())
    );
    // The restored index answers.
    let hits = ok_json(&on(&b, db_to, &["search", "hoa hồng", "--json"]));
    assert_eq!(hits.as_array().map(Vec::len), Some(3), "{hits}");
    // A place that is not empty is refused, and nothing in it changes.
    let twice = on(&b, db_to, &["restore", file.to_str().unwrap(), "--json"]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&twice.stderr).contains("trống"),
        "{}",
        String::from_utf8_lossy(&twice.stderr)
    );
    assert_eq!(
        ok_json(&on(&b, db_to, &["audit", "verify", "--json"]))["events"],
        events
    );
}

#[test]
fn a_backup_restores_into_an_empty_data_dir_with_its_chain_and_every_row() {
    backup_and_restore(None, None);
}

#[test]
fn a_backup_of_a_broken_chain_is_taken_but_its_restore_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    seeded_commune(&a, None);
    let db = rusqlite::Connection::open(a.join("sokenh.db")).unwrap();
    db.execute("UPDATE audit_events SET actor = 'ai-do' WHERE id = 5", [])
        .unwrap();
    drop(db);
    let file = tmp.path().join("hong.zip");
    let backup = ok_json(&on(&a, None, &["backup", file.to_str().unwrap(), "--json"]));
    assert_eq!(backup["audit_ok"], false);
    let restored = on(&b, None, &["restore", file.to_str().unwrap(), "--json"]);
    assert_eq!(restored.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&restored.stdout).expect("the report, even so");
    assert_eq!(
        (report["ok"].clone(), report["audit_ok"].clone()),
        (Value::Bool(false), Value::Bool(false))
    );
    // Nothing to back up: said so, no store made for it.
    let empty = tmp.path().join("trong");
    let none = on(
        &empty,
        None,
        &["backup", tmp.path().join("trong.zip").to_str().unwrap()],
    );
    assert_eq!(none.status.code(), Some(1));
    assert!(!empty.join("sokenh.db").exists());
    // Not a backup at all: said so, nothing written.
    std::fs::write(tmp.path().join("rac.zip"), b"not a zip").unwrap();
    let c = tmp.path().join("c");
    let junk = on(
        &c,
        None,
        &["restore", tmp.path().join("rac.zip").to_str().unwrap()],
    );
    assert_eq!(junk.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&junk.stderr).contains("không phải bản sao lưu"));
    assert!(!c.join("sokenh.db").exists());
}

#[test]
fn a_hostile_backup_writes_nothing() {
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    seeded_commune(&a, None);
    let good = tmp.path().join("good.zip");
    ok_json(&on(&a, None, &["backup", good.to_str().unwrap(), "--json"]));
    // The same backup with one more entry that climbs out of the data dir, last.
    let mut from = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let bad = tmp.path().join("bad.zip");
    let mut to = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for k in 0..from.len() {
        let mut entry = from.by_index(k).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        to.start_file(entry.name().unwrap().into_owned(), options)
            .unwrap();
        to.write_all(&bytes).unwrap();
    }
    to.start_file("../../evil.txt", options).unwrap();
    to.write_all(b"owned").unwrap();
    to.finish().unwrap();
    let c = tmp.path().join("nested").join("c");
    let refused = on(&c, None, &["restore", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("không an toàn"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!c.join("sokenh.db").exists(), "nothing restored");
    assert!(!tmp.path().join("evil.txt").exists());
    assert!(!tmp.path().join("nested").join("evil.txt").exists());
}

#[test]
fn a_backup_restores_into_an_empty_postgres_database() {
    let Some(url) = common::postgres_server() else {
        eprintln!("SOKENH_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let pid = std::process::id();
    let from = common::fresh_database(&url, &format!("sokenh_backup_a_{pid}"));
    let to = common::fresh_database(&url, &format!("sokenh_backup_b_{pid}"));
    backup_and_restore(Some(&from), Some(&to));
}

/// Rows of every table of a PostgreSQL database, by name.
fn pg_counts(db: &str) -> std::collections::BTreeMap<String, i64> {
    let mut c = postgres::Client::connect(db, postgres::NoTls).unwrap();
    let tables: Vec<String> = c
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n: i64 = c
                .query_one(&format!("SELECT count(*) FROM {t}"), &[])
                .unwrap()
                .get(0);
            (t, n)
        })
        .collect()
}

#[test]
fn the_demo_commune_moves_into_a_province_database_once() {
    let Some(url) = common::postgres_server() else {
        eprintln!("SOKENH_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let province = common::fresh_database(&url, &format!("sokenh_migrate_{}", std::process::id()));
    let tmp = tempfile::tempdir().unwrap();
    let (commune, prov) = (tmp.path().join("xa"), tmp.path().join("tinh"));
    seeded_commune(&commune, None);
    let from = format!("sqlite://{}", commune.join("sokenh.db").display());
    let args = [
        "migrate", "--from", &from, "--to", &province, "--tenant", "15199", "--json",
    ];
    let report = ok_json(&sokenh(&prov, &args));
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["already_migrated"], false);
    let tables = report["tables"].as_object().unwrap();
    assert!(tables.len() >= 40, "{}", tables.len());
    for (name, t) in tables {
        assert_eq!(t["source"], t["copied"], "{name}: {t}");
    }
    assert_eq!(tables["items"]["copied"], 3);
    assert_eq!(tables["alerts"]["copied"], 1);
    let source_events = ok_json(&sokenh(&commune, &["audit", "verify", "--json"]));
    assert_eq!(source_events["ok"], true);
    assert_eq!(tables["audit_events"]["source"], source_events["events"]);
    // Province root (its creation audited) + the carried events + the bridge.
    let verified = ok_json(&on(&prov, Some(&province), &["audit", "verify", "--json"]));
    assert_eq!(verified["ok"], true);
    let bridge = report["audit_bridge"].as_i64().unwrap();
    assert_eq!(
        verified["events"].as_i64().unwrap(),
        bridge,
        "the bridge closes the chain"
    );
    assert_eq!(bridge, 1 + source_events["events"].as_i64().unwrap() + 1);
    let counts = pg_counts(&province);
    assert_eq!(
        counts["units"],
        16 + 1,
        "the commune's units under the province's root"
    );
    assert_eq!(counts["communities"], 39);
    assert_eq!(counts["items"], 3);
    assert_eq!(counts["tenants"], 1);

    // The register, alerts and people read back through the province's store.
    let listed = ok_json(&on(&prov, Some(&province), &["registry", "list", "--json"]));
    assert_eq!(listed.as_array().map(Vec::len), Some(39));

    // Again: nothing added anywhere.
    let again = ok_json(&sokenh(&prov, &args));
    assert_eq!(again["already_migrated"], true);
    assert_eq!(again["ok"], true);
    assert_eq!(again["audit_bridge"], bridge);
    for (name, t) in again["tables"].as_object().unwrap() {
        assert_eq!(t["copied"], 0, "{name}");
    }
    assert_eq!(pg_counts(&province), counts);
    // A code that is not the commune's is refused before anything is written.
    let wrong = sokenh(
        &prov,
        &[
            "migrate", "--from", &from, "--to", &province, "--tenant", "15211",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("15199"));
    assert_eq!(pg_counts(&province), counts);
}

/// A second commune's store as an office starts one: its register from a spreadsheet (root
/// «Đơn vị gốc», no code), a member, posts on its own group.
fn second_commune(data: &Path) {
    let sheet = data.with_extension("csv");
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(
        &sheet,
        "STT;Tên trang, kênh, hội, nhóm;Đường dẫn (link);Số thành viên;Đơn vị\n\
         1;Thạch Bình quê hương;https://www.facebook.com/groups/thachbinhquehuong;2.100;Công an xã Thạch Bình\n\
         2;Đoàn Thanh niên xã Thạch Bình;https://www.facebook.com/doanthanhnien.thachbinh;800;Đoàn Thanh niên xã Thạch Bình\n\
         3;Chi bộ Đồng Tâm Thạch Bình;https://www.facebook.com/groups/dongtamthachbinh;300;Chi bộ thôn Đồng Tâm\n",
    )
    .unwrap();
    ok_json(&sokenh(
        data,
        &["import", "registry", sheet.to_str().unwrap(), "--json"],
    ));
    let member = sokenh(
        data,
        &[
            "member",
            "add",
            "--unit",
            "Công an xã Thạch Bình",
            "Lê Văn Bình",
        ],
    );
    succeeded(&member);
    common::ingest_posts(
        data,
        &[(
            "binh-1",
            "thachbinhquehuong",
            "2026-11-20T08:00:00+07:00",
            "Phiên chợ quýt Thạch Bình sáng mai họp sớm",
        )],
    );
    // Its police officer's account, under the name the demo commune's has too.
    succeeded(&sokenh(
        data,
        &[
            "admin",
            "create-user",
            "--username",
            "congan",
            "--role",
            "officer",
            "--unit",
            "Công an xã Thạch Bình",
            "--password",
            "tam-thoi-2026-binh",
        ],
    ));
    // Its own scam alert, on its own group.
    let scam = "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay";
    common::ingest_posts(
        data,
        &[
            (
                "binh-scam-0",
                "thachbinhquehuong",
                "2026-11-21T20:00:00+07:00",
                scam,
            ),
            (
                "binh-scam-1",
                "thachbinhquehuong",
                "2026-11-21T20:01:00+07:00",
                scam,
            ),
            (
                "binh-scam-2",
                "thachbinhquehuong",
                "2026-11-21T20:02:00+07:00",
                scam,
            ),
        ],
    );
}

#[test]
fn two_communes_in_one_database_each_sees_only_its_own() {
    let Some(url) = common::postgres_server() else {
        eprintln!("SOKENH_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let province = common::fresh_database(&url, &format!("sokenh_tenants_{}", std::process::id()));
    let tmp = tempfile::tempdir().unwrap();
    let (qa, qb, prov) = (
        tmp.path().join("quang"),
        tmp.path().join("binh"),
        tmp.path().join("tinh"),
    );
    seeded_commune(&qa, None);
    // And a post on a page of its register (the scam posts are on a group outside it), and the
    // scam again on it and on that group: an alert on two of its pages.
    const JOB: &str = "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay";
    common::ingest_posts(
        &qa,
        &[
            (
                "quang-1",
                "thachquangquetoi",
                "2026-11-21T08:00:00+07:00",
                "Lịch tiêm phòng cho đàn gia súc thôn Quảng Tâm",
            ),
            (
                "quang-scam-0",
                "thachquangquetoi",
                "2026-11-22T20:00:00+07:00",
                JOB,
            ),
            (
                "quang-scam-1",
                "thachquang.dongtam",
                "2026-11-22T20:01:00+07:00",
                JOB,
            ),
            (
                "quang-scam-2",
                "thachquangquetoi",
                "2026-11-22T20:02:00+07:00",
                JOB,
            ),
        ],
    );
    second_commune(&qb);
    let mut renamed = Vec::new();
    for (dir, code) in [(&qa, "15199"), (&qb, "15211")] {
        let from = format!("sqlite://{}", dir.join("sokenh.db").display());
        let r = ok_json(&sokenh(
            &prov,
            &[
                "migrate", "--from", &from, "--to", &province, "--tenant", code, "--json",
            ],
        ));
        assert_eq!(r["ok"], true, "{r}");
        renamed.push(serde_json::json!([
            r["renamed_units"],
            r["renamed_accounts"]
        ]));
    }
    // Thạch Bình's root «Đơn vị gốc» took the commune's name, and its «Chi bộ thôn Đồng Tâm»,
    // a name Thạch Quảng took first, came in with the commune's name after it; its page with it.
    assert_eq!(renamed[0], serde_json::json!([{}, {}]));
    assert_eq!(
        renamed[1][0],
        serde_json::json!({
            "Chi bộ thôn Đồng Tâm": "Chi bộ thôn Đồng Tâm (Xã Thạch Bình)",
            "Đơn vị gốc": "Đảng bộ xã Thạch Bình",
        })
    );
    // Its officer's account name, which the demo commune's took first, has its code after it.
    assert_eq!(renamed[1][1], serde_json::json!({"congan": "congan.15211"}));
    let mut pg = postgres::Client::connect(&province, postgres::NoTls).unwrap();
    // Both communes had screened their posts: the province's screening goes on after the
    // second's, not through its posts again (their alerts came with them).
    let (screened, newest): (i64, i64) = {
        let r = pg
            .query_one(
                "SELECT (SELECT position FROM checkpoints WHERE source = 'scan'),
                        (SELECT max(id) FROM items)",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(screened, newest);
    let alerts_before: i64 = pg
        .query_one("SELECT count(*) FROM alerts", &[])
        .unwrap()
        .get(0);
    let scan = ok_json(&on(&prov, Some(&province), &["scan", "--json"]));
    assert_eq!(scan["screened"], 0, "{scan}");
    let alerts_after: i64 = pg
        .query_one("SELECT count(*) FROM alerts", &[])
        .unwrap()
        .get(0);
    assert_eq!(alerts_after, alerts_before);
    let tenant_of = |pg: &mut postgres::Client, code: i32| -> i64 {
        pg.query_one("SELECT unit_id FROM tenants WHERE code = $1", &[&code])
            .unwrap()
            .get(0)
    };
    let (a, b) = (tenant_of(&mut pg, 15199), tenant_of(&mut pg, 15211));
    let root_b: String = pg
        .query_one("SELECT name FROM units WHERE id = $1", &[&b])
        .unwrap()
        .get(0);
    assert_eq!(root_b, "Đảng bộ xã Thạch Bình");
    let (unit, tenant): (String, i64) = {
        let r = pg
            .query_one(
                "SELECT unit, tenant_id FROM communities WHERE key LIKE '%dongtamthachbinh%'",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(
        (unit.as_str(), tenant),
        ("Chi bộ thôn Đồng Tâm (Xã Thạch Bình)", b)
    );

    // A hand-written query under the commune role sees its commune only, whatever it forgets.
    let seen = |pg: &mut postgres::Client, tenant: i64, sql: &str| -> i64 {
        let mut tx = pg.transaction().unwrap();
        tx.batch_execute(&format!(
            "SET LOCAL ROLE sokenh_commune; SET LOCAL sokenh.tenant = '{tenant}'"
        ))
        .unwrap();
        let n: i64 = tx.query_one(sql, &[]).unwrap().get(0);
        tx.rollback().unwrap();
        n
    };
    let all =
        |pg: &mut postgres::Client, sql: &str| -> i64 { pg.query_one(sql, &[]).unwrap().get(0) };
    for (table, a_rows, b_rows) in [
        ("communities", 39, 3),
        ("members", 75, 1),
        ("items", 7, 4),
        ("units", 16, 4),
    ] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(seen(&mut pg, a, &sql), a_rows, "{table} of Thạch Quảng");
        assert_eq!(seen(&mut pg, b, &sql), b_rows, "{table} of Thạch Bình");
        assert!(
            all(&mut pg, &sql) >= a_rows + b_rows,
            "{table}: the province sees both"
        );
    }
    assert_eq!(
        seen(
            &mut pg,
            a,
            "SELECT count(*) FROM items WHERE text LIKE '%quýt%'"
        ),
        0
    );
    assert_eq!(
        seen(&mut pg, a, "SELECT count(*) FROM signals"),
        all(
            &mut pg,
            "SELECT count(*) FROM signals WHERE tenant_id IS NOT DISTINCT FROM (SELECT unit_id FROM tenants WHERE code = 15199)"
        )
    );
    // No tenant set: nothing at all. A row of the other commune cannot be written either.
    {
        let mut tx = pg.transaction().unwrap();
        tx.batch_execute("SET LOCAL ROLE sokenh_commune").unwrap();
        let n: i64 = tx
            .query_one("SELECT count(*) FROM communities", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 0);
        tx.rollback().unwrap();
        let mut tx = pg.transaction().unwrap();
        tx.batch_execute(&format!(
            "SET LOCAL ROLE sokenh_commune; SET LOCAL sokenh.tenant = '{a}'"
        ))
        .unwrap();
        let refused = tx.execute(
            "UPDATE members SET full_name = 'x' WHERE unit_id IN (SELECT id FROM units WHERE name LIKE '%Thạch Bình%')",
            &[],
        );
        assert_eq!(refused.unwrap(), 0, "B's members are not even there for A");
        let audit = tx.query_one("SELECT count(*) FROM audit_events", &[]);
        assert!(
            audit.is_err(),
            "the province-wide log is closed to a commune's role"
        );
        tx.rollback().unwrap();
    }
    // The doctor tells the operator the servers may read as a commune.
    let doctor = on(&prov, Some(&province), &["doctor", "--json"]);
    let checks: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    let role = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "commune_role")
        .unwrap_or_else(|| panic!("no commune_role check: {checks}"));
    assert_eq!(role["ok"], true, "{role}");
    assert!(
        role["detail"].as_str().unwrap().contains("16 đơn vị"),
        "{role}"
    );

    // Every commune-owned table has the policy, including cases and evidence.
    let policies: Vec<String> = pg
        .query(
            "SELECT tablename::text FROM pg_policies WHERE policyname = 'commune_only' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        policies,
        [
            "cases",
            "commitments",
            "communities",
            "evidence",
            "items",
            "members",
            "name_history",
            "participations",
            "signals",
            "size_snapshots",
            "units",
            "users"
        ]
    );

    // Through the server: Thạch Quảng's unit administrator sees its commune's pages, people and
    // posts, never Thạch Bình's.
    let made = on(
        &prov,
        Some(&province),
        &[
            "admin",
            "create-user",
            "--username",
            "quantri.thachquang",
            "--role",
            "unit_admin",
            "--unit",
            "Đảng bộ xã Thạch Quảng",
            "--password",
            "tam-thoi-2026-tq",
        ],
    );
    succeeded(&made);
    let server = common::start_serving(&prov, Some(&province), &["serve", "--bind", "127.0.0.1:0"]);
    // Signs in, and chooses a new password when the account must.
    let first_sign_in = |username: &str, password: &str| -> String {
        let r = post(
            &server,
            "/dang-nhap",
            None,
            &[("username", username), ("password", password)],
        );
        let cookie = r.cookie.unwrap_or_else(|| panic!("{username} signed in"));
        if get(&server, "/tong-quan", Some(&cookie)).location == "/doi-mat-khau" {
            let form = get(&server, "/doi-mat-khau", Some(&cookie)).body;
            let changed = post(
                &server,
                "/doi-mat-khau",
                Some(&cookie),
                &[
                    ("csrf", &csrf(&form)),
                    ("new", "mat-khau-xa-2026-moi"),
                    ("again", "mat-khau-xa-2026-moi"),
                ],
            );
            assert_eq!(changed.status, 303, "{username}");
        }
        cookie
    };
    let cookie = first_sign_in("quantri.thachquang", "tam-thoi-2026-tq");
    let b_page: i64 = pg
        .query_one(
            "SELECT id FROM communities WHERE key LIKE '%thachbinhquehuong%'",
            &[],
        )
        .unwrap()
        .get(0);
    let a_page: i64 = pg
        .query_one(
            "SELECT id FROM communities WHERE tenant_id = $1 AND unit IS NOT NULL ORDER BY id LIMIT 1",
            &[&a],
        )
        .unwrap()
        .get(0);
    for path in [
        "/so-dang-ky".to_owned(),
        "/so-dang-ky?q=thachbinh".to_owned(),
        "/api/v1/communities".to_owned(),
        "/api/v1/members?purpose=ra-soat-ke-khai".to_owned(),
        "/tim-kiem?q=qu%C3%BDt".to_owned(),
        "/so-dang-ky/xuat".to_owned(),
    ] {
        let page = get(&server, &path, Some(&cookie));
        assert!(
            page.status == 200 || page.status == 403,
            "{path}: {}",
            page.status
        );
        let body = String::from_utf8_lossy(page.body.as_bytes()).to_lowercase();
        for word in [
            "thachbinhquehuong",
            "thạch bình quê hương",
            "lê văn bình",
            "phiên chợ",
        ] {
            assert!(!body.contains(word), "{path} shows «{word}»");
        }
    }
    // Its own posts are found, the other commune's are not.
    let found = get(&server, "/tim-kiem?q=ti%C3%AAm%20ph%C3%B2ng", Some(&cookie));
    assert_eq!(found.status, 200);
    assert!(found.body.contains("đàn gia súc"), "{}", found.body);
    let pages = get(&server, "/api/v1/communities", Some(&cookie));
    let pages: Value = serde_json::from_str(&pages.body).unwrap();
    assert_eq!(
        pages.as_array().map(Vec::len),
        Some(38),
        "Thạch Quảng's register, its units' pages"
    );
    let people = get(
        &server,
        "/api/v1/members?purpose=ra-soat-ke-khai",
        Some(&cookie),
    );
    let people: Value = serde_json::from_str(&people.body).unwrap();
    assert_eq!(people.as_array().map(Vec::len), Some(75), "{people}");
    let own = get(&server, &format!("/so-dang-ky/{a_page}"), Some(&cookie));
    assert_eq!(own.status, 200);
    let other = get(&server, &format!("/so-dang-ky/{b_page}"), Some(&cookie));
    assert!(matches!(other.status, 403 | 404), "{}", other.status);
    for path in [
        "/ho-so",
        "/api/v1/cases",
        "/canh-bao",
        "/api/v1/alerts",
        "/tinh",
    ] {
        let r = get(&server, path, Some(&cookie));
        assert_eq!(r.status, 403, "{path}");
    }

    // Thạch Quảng's accounts of the roles that see every unit, placed in the commune by a unit
    // (made at the province, and the demo's own officer, moved in without one): each route
    // answers as its role's permission narrowed to a commune (`domain::User::can`), and no page
    // a route shows names Thạch Bình's pages, people, posts or units.
    for (username, role, unit) in [
        ("lanhdao.thachquang", "leader", "Đảng bộ xã Thạch Quảng"),
        ("congan2.thachquang", "officer", "Công an xã Thạch Quảng"),
        ("kiemtra.thachquang", "inspector", "Đảng bộ xã Thạch Quảng"),
        ("phantich.thachquang", "analyst", "Đảng bộ xã Thạch Quảng"),
    ] {
        let made = on(
            &prov,
            Some(&province),
            &[
                "admin",
                "create-user",
                "--username",
                username,
                "--role",
                role,
                "--unit",
                unit,
                "--password",
                "tam-thoi-2026-xa",
            ],
        );
        succeeded(&made);
    }
    // The pages of the alert and case permissions whose data is still the province's.
    let province_only = [
        "/tinh",
        "/gia-mao",
        "/api/v1/impersonation",
        "/chia-se",
        "/tin-bao",
        "/canh-bao-nguoi-dan",
        "/canh-bao-nguoi-dan/ban-tin",
        "/nguon",
        "/kiem-tra-dinh-ky",
    ];
    let id_routes = [
        (format!("/so-dang-ky/{a_page}"), true),
        (format!("/so-dang-ky/{b_page}"), false),
    ];
    // The API's resources, and pages the role × route list leaves out.
    let api_routes = [
        ("/danh-gia", domain::Permission::FollowUp),
        ("/thu-vien", domain::Permission::ViewRegister),
        (
            "/api/v1/members?purpose=ra-soat-ke-khai",
            domain::Permission::ViewPeople,
        ),
        ("/api/v1/items", domain::Permission::SearchPosts),
        ("/api/v1/signals", domain::Permission::ViewDetection),
        ("/api/v1/alerts", domain::Permission::ViewAlerts),
        ("/api/v1/cases", domain::Permission::ViewCases),
        ("/api/v1/factchecks", domain::Permission::ViewDetection),
        (
            "/api/v1/reports?period=2026-11",
            domain::Permission::ViewDetection,
        ),
    ];
    for (username, password, role) in [
        (
            "lanhdao.thachquang",
            "tam-thoi-2026-xa",
            domain::Role::Leader,
        ),
        (
            "congan2.thachquang",
            "tam-thoi-2026-xa",
            domain::Role::Officer,
        ),
        (
            "kiemtra.thachquang",
            "tam-thoi-2026-xa",
            domain::Role::Inspector,
        ),
        (
            "phantich.thachquang",
            "tam-thoi-2026-xa",
            domain::Role::Analyst,
        ),
        ("congan", "demo-congan-2026", domain::Role::Officer),
    ] {
        let cookie = first_sign_in(username, password);
        let account = domain::User {
            id: 0,
            username: username.to_owned(),
            role,
            unit: None,
            member: None,
            must_change: false,
            disabled_at: None,
            commune: Some(domain::UnitId(a)),
        };
        let mut reached = 0;
        for (path, p) in common::ROUTES.iter().chain(api_routes.iter()) {
            let r = get(&server, path, Some(&cookie));
            let expected = if account.can(*p) && !province_only.contains(path) {
                200
            } else {
                403
            };
            assert_eq!(r.status, expected, "{username} {path}");
            // A page its role opens elsewhere says why it is closed here.
            if r.status == 403
                && role.can(*p)
                && !path.starts_with("/api/")
                && !province_only.contains(path)
            {
                assert!(
                    r.body.contains("chung cả tỉnh"),
                    "{username} {path}: {}",
                    r.body
                );
            }
            if r.status == 200 {
                reached += 1;
            }
            if *path == "/tong-quan" {
                assert!(
                    r.body.contains("là của cả tỉnh"),
                    "{username}: the dashboard says which figures are the province's"
                );
            }
            let body = r.body.to_lowercase();
            // (Thạch Quảng's register holds a page named «Công an xã Thạch Bình»: the words are
            // Thạch Bình's own.)
            for word in [
                "thachbinhquehuong",
                "thạch bình quê hương",
                "doanthanhnien.thachbinh",
                "dongtamthachbinh",
                "(xã thạch bình)",
                "đảng bộ xã thạch bình",
                "lê văn bình",
                "phiên chợ",
            ] {
                if let Some(at) = body.find(word) {
                    let near: String = body[at.saturating_sub(120)..].chars().take(200).collect();
                    panic!("{username} {path} shows «{word}»: …{near}…");
                }
            }
        }
        assert!(reached >= 7, "{username} reached {reached} routes");
        for (path, own) in &id_routes {
            let r = get(&server, path, Some(&cookie));
            if *own {
                assert_eq!(r.status, 200, "{username} {path}");
            } else {
                assert!(
                    matches!(r.status, 403 | 404),
                    "{username} {path}: {}",
                    r.status
                );
            }
        }
        // Its own commune's posts are found.
        let found = get(&server, "/tim-kiem?q=ti%C3%AAm%20ph%C3%B2ng", Some(&cookie));
        assert!(
            found.body.contains("đàn gia súc"),
            "{username}: {}",
            found.body
        );
    }

    // Thạch Bình's officer signs in under its new name and sees its own commune.
    let binh = first_sign_in("congan.15211", "tam-thoi-2026-binh");
    let register = get(&server, "/so-dang-ky", Some(&binh)).body;
    assert!(register.contains("thachbinhquehuong"), "{register}");
    assert!(!register.contains("thachquangquetoi"), "{register}");

    // The province's leader sees every commune in counts, never a person.
    let made = on(
        &prov,
        Some(&province),
        &[
            "admin",
            "create-user",
            "--username",
            "lanhdao.tinh",
            "--role",
            "leader",
            "--password",
            "tam-thoi-2026-tinh",
        ],
    );
    succeeded(&made);
    let leader = first_sign_in("lanhdao.tinh", "tam-thoi-2026-tinh");
    let dashboard = get(&server, "/tong-quan", Some(&leader)).body;
    assert!(
        dashboard.contains("href=\"/tinh\""),
        "the dashboard links the overview"
    );
    // Not every unit of every commune: the overview has them by commune.
    assert!(dashboard.contains("Theo từng xã, phường"), "{dashboard}");
    assert!(
        !dashboard.contains("<td>Công an xã Thạch Bình</td>"),
        "{dashboard}"
    );
    let overview = get(&server, "/tinh", Some(&leader));
    assert_eq!(overview.status, 200);
    // A commune's row: its name, then each figure in its cell.
    let row = |name: &str| -> Vec<String> {
        let at = overview
            .body
            .find(name)
            .unwrap_or_else(|| panic!("{name}: {}", overview.body));
        let end = at + overview.body[at..].find("</tr>").unwrap();
        overview.body[at..end]
            .split("<td class=\"num\"")
            .skip(1)
            .map(|cell| {
                let text = &cell[cell.find('>').unwrap() + 1..];
                text[..text.find("</td>").unwrap()].to_owned()
            })
            .collect()
    };
    // Pages, members, declared, signed, posts of the last 30 days (not asserted: the test's
    // posts are of a fixed date), open cases, overdue.
    let quang = row("Xã Thạch Quảng");
    let binh = row("Xã Thạch Bình");
    assert_eq!(
        (quang[0].as_str(), quang[1].as_str()),
        ("39", "75"),
        "{quang:?}"
    );
    assert_eq!((binh[0].as_str(), binh[1].as_str()), ("3", "1"), "{binh:?}");
    assert_eq!(binh[2], "0 (0%)");
    assert_eq!(
        (quang[2].as_str(), quang[3].as_str()),
        ("50 (66%)", "57 (76%)")
    );
    assert_eq!(&quang[5..], ["0", "0"]);
    for word in ["Lê Văn Bình", "thachbinhquehuong"] {
        assert!(!overview.body.contains(word), "the overview names «{word}»");
    }

    // Alerts and cases: a commune's officer works its commune's and never reaches the other's;
    // the province's leader reaches both.
    let alert_of = |pg: &mut postgres::Client, source: &str| -> i64 {
        pg.query_one(
            "SELECT id FROM alerts WHERE item_ids LIKE $1",
            &[&format!("%\"{source}\"%")],
        )
        .unwrap()
        .get(0)
    };
    let (a_alert, b_alert) = (
        alert_of(&mut pg, "scam-0"),
        alert_of(&mut pg, "binh-scam-0"),
    );
    // The alert of its own the officer opens a case from: on two of its pages.
    let two_pages = alert_of(&mut pg, "quang-scam-0");
    assert_eq!(alert_of(&mut pg, "quang-scam-1"), two_pages);
    assert_ne!(two_pages, a_alert);
    let officer = first_sign_in("congan2.thachquang", "mat-khau-xa-2026-moi");
    let listed = |cookie: &str, path: &str| -> Vec<i64> {
        let r = get(&server, path, Some(cookie));
        assert_eq!(r.status, 200, "{path}");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect()
    };
    let alerts = listed(&officer, "/api/v1/alerts");
    assert!(
        alerts.contains(&a_alert) && !alerts.contains(&b_alert),
        "{alerts:?}"
    );
    let all = listed(&leader, "/api/v1/alerts");
    assert!(all.contains(&a_alert) && all.contains(&b_alert), "{all:?}");
    assert_eq!(
        get(&server, &format!("/canh-bao/{a_alert}"), Some(&officer)).status,
        200
    );
    assert_eq!(
        get(&server, &format!("/canh-bao/{b_alert}"), Some(&officer)).status,
        404
    );
    let queue = get(&server, "/canh-bao", Some(&officer)).body;
    assert!(queue.contains(&format!("/canh-bao/{a_alert}\"")), "{queue}");
    assert!(!queue.contains(&format!("/canh-bao/{b_alert}\"")));
    let token = csrf(&queue);
    let open = |cookie: &str, token: &str, alert: i64| {
        post(
            &server,
            "/canh-bao/ho-so",
            Some(cookie),
            &[
                ("csrf", token),
                ("alert", &alert.to_string()),
                ("title", "Tuyển cộng tác viên lừa đảo"),
            ],
        )
    };
    assert_eq!(
        open(&officer, &token, b_alert).status,
        404,
        "the other commune's alert"
    );
    let leader_token = csrf(&get(&server, "/canh-bao", Some(&leader)).body);
    let made = open(&leader, &leader_token, b_alert);
    assert_eq!(made.status, 303);
    let b_case: i64 = made.location.trim_start_matches("/ho-so/").parse().unwrap();
    // The other commune's open case is not offered to merge its alert into.
    let queue = get(&server, "/canh-bao", Some(&officer)).body;
    assert!(queue.contains("id=\"merge\""), "the merge form: {queue}");
    assert!(
        !queue.contains(&format!(">Hồ sơ #{b_case}: ")),
        "the queue offers case #{b_case}"
    );
    let made = open(&officer, &token, two_pages);
    assert_eq!(made.status, 303);
    let a_case: i64 = made.location.trim_start_matches("/ho-so/").parse().unwrap();
    assert_eq!(
        get(&server, &format!("/ho-so/{a_case}"), Some(&officer)).status,
        200
    );
    for path in [
        format!("/ho-so/{b_case}"),
        format!("/api/v1/cases/{b_case}"),
        format!("/ho-so/{b_case}/cong-van"),
    ] {
        assert_eq!(get(&server, &path, Some(&officer)).status, 404, "{path}");
    }
    let cases = listed(&officer, "/api/v1/cases");
    assert_eq!(cases, [a_case]);
    let list = get(&server, "/ho-so", Some(&officer)).body;
    assert!(!list.contains(&format!("/ho-so/{b_case}\"")), "{list}");
    // Nor acts on it.
    let status = post(
        &server,
        &format!("/ho-so/{b_case}/trang-thai"),
        Some(&officer),
        &[("csrf", &token), ("status", "closed"), ("outcome", "xong")],
    );
    assert_eq!(status.status, 404, "{}", status.body);
    let both = listed(&leader, "/api/v1/cases");
    assert!(both.contains(&a_case) && both.contains(&b_case), "{both:?}");
    assert_eq!(
        get(&server, &format!("/ho-so/{a_case}"), Some(&leader)).status,
        200
    );
    // A province's account sends a measure to the case's commune's units or the province's:
    // those are offered, not the other commune's (thousands of units in a province).
    let top: String = pg
        .query_one("SELECT name FROM units WHERE parent_id IS NULL", &[])
        .unwrap()
        .get(0);
    let page = get(&server, &format!("/ho-so/{b_case}"), Some(&leader)).body;
    let offered = &page[page.find("id=\"notify-unit\"").expect("the measure form")..];
    let offered = &offered[..offered.find("</select>").unwrap()];
    for unit in [
        "Công an xã Thạch Bình",
        "Đảng bộ xã Thạch Bình",
        top.as_str(),
    ] {
        assert!(
            offered.contains(&format!(">{unit}</option>")),
            "{unit}: {offered}"
        );
    }
    assert!(!offered.contains("Thạch Quảng"), "{offered}");
}
