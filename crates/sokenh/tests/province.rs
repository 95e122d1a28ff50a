//! A province on one PostgreSQL with more than one server: two `sokenh serve` processes, each
//! with a data dir of its own, on one database. What is decided through one — a new account, a
//! rule put in shadow mode, a known false match — the other shows at once, because it lives in
//! the store and not in either data dir; a session opened through one is good on the other, and
//! ended on both by a sign-out through one. Runs where `SOKENH_TEST_POSTGRES_URL` names a server
//! (`.ci/run` starts one); under `CI=true` a missing server is a failure.

mod common;
use common::http::*;
use common::sokenh;
use std::path::Path;

fn sokenh_on(data: &Path, db: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--database-url", db];
    all.extend_from_slice(args);
    sokenh(data, &all)
}

/// Whether `holds` comes true within `seconds`, asked every tenth of a second.
fn within_seconds(seconds: u64, mut holds: impl FnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if holds() {
            return true;
        }
        if std::time::Instant::now() >= until {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The row of the rules page (or of the false-matches table) that names `code`.
fn row_of<'a>(page: &'a str, code: &str) -> &'a str {
    let at = page
        .find(&format!("<code>{code}</code>"))
        .unwrap_or_else(|| panic!("{code} not on the page"));
    let end = page[at..].find("</tr>").map_or(page.len(), |k| at + k);
    &page[at..end]
}

#[test]
fn two_servers_on_one_database_agree_at_once() {
    let Some(url) = common::postgres_server() else {
        eprintln!("SOKENH_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let db = common::fresh_database(&url, &format!("sokenh_province_{}", std::process::id()));
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let seeded = sokenh_on(&a, &db, &["demo", "--no-serve", "--json"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let one = common::start_serving(&a, Some(&db), &["serve", "--bind", "127.0.0.1:0"]);
    // A second server with a key of its own is refused before it serves (it would write other
    // pseudonyms for the same authors); with the first's key it starts.
    let mut refused = std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(&b)
        .args(["--database-url", &db, "serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let waited = std::time::Instant::now();
    let status = loop {
        if let Some(status) = refused.try_wait().unwrap() {
            break status;
        }
        if waited.elapsed() > std::time::Duration::from_secs(30) {
            let _ = refused.kill();
            panic!("a server with another pseudonym key was not refused");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut why = String::new();
    std::io::Read::read_to_string(&mut refused.stderr.take().unwrap(), &mut why).unwrap();
    assert!(!status.success());
    assert!(why.contains("copy pseudonym.key"), "{why}");
    std::fs::copy(a.join("pseudonym.key"), b.join("pseudonym.key")).unwrap();
    let two = common::start_serving(&b, Some(&db), &["serve", "--bind", "127.0.0.1:0"]);

    // An account made through one signs in on the other.
    let admin = login(&one, "quantri", "demo-quantri-2026");
    let page = get(&one, "/quan-tri", Some(&admin));
    let r = post(
        &one,
        "/quan-tri/nguoi-dung",
        Some(&admin),
        &[
            ("csrf", &csrf(&page.body)),
            ("username", "canbo.tinh"),
            ("role", "officer"),
            ("unit", ""),
            ("password", "tam-thoi-2026"),
        ],
    );
    assert!(r.body.contains("Đã tạo tài khoản canbo.tinh"), "{}", r.body);
    login(&two, "canbo.tinh", "tam-thoi-2026");

    // A rule put in shadow mode through one is in shadow mode on the other.
    let analyst_one = login(&one, "xaydungdang", "demo-xaydungdang-2026");
    let analyst_two = login(&two, "xaydungdang", "demo-xaydungdang-2026");
    let before = get(&two, "/kiem-chung", Some(&analyst_two)).body;
    assert!(row_of(&before, "scam.task_job").contains("Đang áp dụng"));
    let page = get(&one, "/kiem-chung", Some(&analyst_one));
    let r = post(
        &one,
        "/bo-luat/che-do",
        Some(&analyst_one),
        &[
            ("csrf", &csrf(&page.body)),
            ("rule", "scam.task_job"),
            ("shadow", "true"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let after = get(&two, "/kiem-chung", Some(&analyst_two)).body;
    assert!(
        row_of(&after, "scam.task_job").contains("Chạy thử"),
        "{after}"
    );

    // A known false match recorded by another process (the CLI on the first server's data dir)
    // is listed by the second server.
    let posts = tmp.path().join("posts.jsonl");
    std::fs::write(
        &posts,
        serde_json::json!({
            "id": "tin-1", "community_url": "https://www.facebook.com/groups/thachquang.cho",
            "platform": "facebook", "published_at": "2026-11-29T08:00:00+07:00",
            "text": "Chợ phiên sáng chủ nhật bán cá đồng"
        })
        .to_string(),
    )
    .unwrap();
    // Each server hears the other processes' changes as they commit (PostgreSQL's
    // notifications), so it reads its snapshot again at once, not at its next look a minute
    // later: the page the CLI's ingest makes is on the second server's register in seconds.
    let metrics = |s: &common::DemoServer| get(s, "/metrics", Some(&admin)).body;
    let told = within_seconds(10, || metrics(&two).contains("sokenh_told_of_changes 1"));
    assert!(told, "the second server listens: {}", metrics(&two));
    // The register's count of pages, as the page says it («0 / 38 trang, kênh…»).
    let pages = |s: &common::DemoServer| -> u32 {
        let body = get(s, "/so-dang-ky", Some(&admin)).body;
        let end = body
            .find(" trang, kênh, hội, nhóm — ")
            .expect("the register's count");
        let digits = body[..end].len()
            - body[..end]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .count();
        body[digits..end].parse().unwrap()
    };
    let before = pages(&two);
    let ingested = sokenh_on(&a, &db, &["ingest", posts.to_str().unwrap(), "--json"]);
    assert!(
        ingested.status.success(),
        "{}",
        String::from_utf8_lossy(&ingested.stderr)
    );
    assert_eq!(pages(&one), before + 1, "the ingest made a page");
    let seen = within_seconds(20, || pages(&two) == before + 1);
    assert!(
        seen,
        "the new page is on the other server within 20 s (its own look: 60 s)"
    );
    let out = sokenh_on(
        &a,
        &db,
        &[
            "signals",
            "suppress",
            "tin-1",
            "--ref",
            "scam.phrase",
            "--reason",
            "tin thật",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = get(&two, "/kiem-chung", Some(&analyst_two)).body;
    assert!(listed.contains("Báo nhầm đã ghi nhận (1)"), "{listed}");
    row_of(&listed, "scam.phrase");

    // A session opened through one is a session of the other; signing out through one ends it
    // on the other too (told at once; at the latest at the other's next look, in five seconds).
    assert_eq!(get(&two, "/quan-tri", Some(&admin)).status, 200);
    let page = get(&one, "/tong-quan", Some(&admin));
    let out = post(
        &one,
        "/dang-xuat",
        Some(&admin),
        &[("csrf", &csrf(&page.body))],
    );
    assert_eq!(out.status, 303, "{}", out.body);
    let ended = within_seconds(10, || {
        let after = get(&two, "/quan-tri", Some(&admin));
        (after.status, after.location.as_str()) == (303, "/dang-nhap")
    });
    assert!(ended, "signed out everywhere");
    drop((one, two));
    let v = common::json(&sokenh_on(&b, &db, &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
}

/// Retention on a province database: a policy set through one data dir, the purge's `--json`
/// report, and the purged posts gone from the search of another data dir (another server's
/// index) as soon as it catches up; bad input refused with exit 1 and nothing written.
#[test]
fn purged_posts_leave_every_servers_search() {
    let Some(url) = common::postgres_server() else {
        eprintln!("SOKENH_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let db = common::fresh_database(&url, &format!("sokenh_retention_{}", std::process::id()));
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let posts = tmp.path().join("posts.jsonl");
    std::fs::write(
        &posts,
        concat!(
            r#"{"id":"cu","community_url":"https://facebook.com/groups/chothachquang","platform":"facebook","published_at":"2022-11-12T08:00:00+07:00","text":"Bài cũ: nạp thẻ cào trúng thưởng"}"#,
            "\n",
            r#"{"id":"moi","community_url":"https://facebook.com/groups/chothachquang","platform":"facebook","published_at":"2026-11-12T08:00:00+07:00","text":"Bài mới: nạp thẻ cào trúng thưởng"}"#,
            "\n"
        ),
    )
    .unwrap();
    let ingested = sokenh_on(&a, &db, &["ingest", posts.to_str().unwrap()]);
    assert!(
        ingested.status.success(),
        "{}",
        String::from_utf8_lossy(&ingested.stderr)
    );
    let found = |dir: &Path| -> Vec<String> {
        let out = sokenh_on(dir, &db, &["search", "the cao", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids: Vec<String> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(found(&b), ["cu", "moi"]);
    // Bad input: exit 1, said, nothing set.
    for bad in [["posts", "0"], ["posts", "hai"], ["opinions", "24"]] {
        let out = sokenh_on(&a, &db, &["retention", "set", bad[0], bad[1]]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("lỗi"));
    }
    let set = sokenh_on(&a, &db, &["retention", "set", "posts", "24", "--json"]);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let policies: serde_json::Value = serde_json::from_slice(&set.stdout).unwrap();
    assert_eq!(policies[0]["category"], "posts");
    assert_eq!(policies[0]["months"], 24);
    let purge = sokenh_on(&a, &db, &["purge", "--json"]);
    assert!(
        purge.status.success(),
        "{}",
        String::from_utf8_lossy(&purge.stderr)
    );
    let run: serde_json::Value = serde_json::from_slice(&purge.stdout).unwrap();
    assert_eq!(run["posts"]["items"], 1, "{run}");
    assert_eq!(run["posts"]["batches"], 1, "{run}");
    assert_eq!(found(&a), ["moi"]);
    assert_eq!(
        found(&b),
        ["moi"],
        "the other server's index follows the purge log"
    );
    let verify = sokenh_on(&a, &db, &["audit", "verify"]);
    assert!(verify.status.success());
}
