//! Ingesting posts through the CLI: the JSON contract, idempotence, the inbox, feeds over HTTP
//! with conditional GET, and a real SIGKILL in the middle of a large import.

mod common;

use common::{json, sokenh};

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures/posts")
        .join(name)
        .display()
        .to_string()
}

fn source_ids(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut s = conn
        .prepare("SELECT platform || ':' || source_id FROM items ORDER BY 1")
        .unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn ingest_twice_adds_nothing_and_search_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let first = json(&sokenh(
        data,
        &[
            "ingest",
            &fixture("telegram_single.json"),
            "--community",
            "t.me/tinthachquang",
            "--json",
        ],
    ));
    assert_eq!(
        (
            first["read"].as_u64(),
            first["inserted"].as_u64(),
            first["duplicates"].as_u64()
        ),
        (Some(3), Some(2), Some(0))
    );
    assert_eq!(first["rejected"][0]["line"], 4);
    let again = json(&sokenh(
        data,
        &[
            "ingest",
            &fixture("telegram_single.json"),
            "--community",
            "t.me/tinthachquang",
            "--json",
        ],
    ));
    assert_eq!(
        (again["inserted"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(2))
    );
    let hits = json(&sokenh(data, &["search", "canh bao lua dao", "--json"]));
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["id"], "1780012345/12");
    assert_eq!(hits[0]["community_url"], "https://t.me/tinthachquang");
    assert_eq!(hits[0]["published_at"], "2026-11-02T09:15:00+07:00");
    let none = json(&sokenh(
        data,
        &["search", "canh bao", "--platform", "facebook", "--json"],
    ));
    assert_eq!(none, serde_json::json!([]));
    let list = json(&sokenh(data, &["registry", "list", "--json"]));
    assert_eq!(
        list[0]["status"], "unknown",
        "an unknown channel joins the register as unknown"
    );
    assert!(
        Command::new(env!("CARGO_BIN_EXE_sokenh"))
            .arg("--data")
            .arg(data)
            .arg("reindex")
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(
        json(&sokenh(data, &["search", "tiêm chủng", "--json"]))[0]["id"],
        "1780012345/11"
    );
}

#[test]
fn the_inbox_moves_files_to_done_or_failed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(fixture("youtube_videos.json"), inbox.join("a.json")).unwrap();
    std::fs::write(inbox.join("b.bin"), b"\x00\x01 not an export").unwrap();
    let out = sokenh(&data, &["ingest", inbox.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["inserted"], 1);
    assert!(inbox.join("done/a.json").exists() && inbox.join("done/a.json.report.json").exists());
    assert!(inbox.join("failed/b.bin").exists());
    assert!(
        std::fs::read_to_string(inbox.join("failed/b.bin.reason.txt"))
            .unwrap()
            .contains("định dạng")
    );
    assert!(!inbox.join("a.json").exists() && !inbox.join("b.bin").exists());
    // Run again: nothing left to do.
    let out = sokenh(&data, &["ingest", inbox.to_str().unwrap(), "--json"]);
    assert!(out.stdout.is_empty());
    // A second export dropped in under the same name is archived beside the first.
    let first = std::fs::read(inbox.join("done/a.json")).unwrap();
    std::fs::copy(fixture("youtube_comments.json"), inbox.join("a.json")).unwrap();
    let out = sokenh(&data, &["ingest", inbox.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(inbox.join("done/a.json")).unwrap(),
        first,
        "kept"
    );
    assert_eq!(
        std::fs::read(inbox.join("done/a-2.json")).unwrap(),
        std::fs::read(fixture("youtube_comments.json")).unwrap()
    );
    assert!(inbox.join("done/a-2.json.report.json").exists());
}

/// A feed server on a local port that honours If-None-Match, counting requests.
fn feed_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rss.xml", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let body = std::fs::read_to_string(fixture("feed_rss.xml")).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(10) {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut etag_matches = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("if-none-match:")
                    && line.contains("\"v1\"")
                {
                    etag_matches = true;
                }
            }
            let reply = if etag_matches {
                "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nETag: \"v1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, hits)
}

#[test]
fn feeds_use_conditional_get_and_a_polite_interval() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hits) = feed_server();
    let first = json(&sokenh(
        dir.path(),
        &["ingest", &url, "--interval", "0", "--json"],
    ));
    assert_eq!(
        (
            first["read"].as_u64(),
            first["inserted"].as_u64(),
            first["rejected_total"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    let second = json(&sokenh(
        dir.path(),
        &["ingest", &url, "--interval", "0", "--json"],
    ));
    assert_eq!(
        (second["read"].as_u64(), second["inserted"].as_u64()),
        (Some(0), Some(0)),
        "304: nothing to read"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    let polite = json(&sokenh(dir.path(), &["ingest", &url, "--json"]));
    assert_eq!(polite["read"], 0);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "within the interval the site is not asked at all"
    );
    let found = json(&sokenh(dir.path(), &["search", "làm đường", "--json"]));
    assert_eq!(found[0]["id"], "btn-1");
}

#[test]
fn killed_mid_import_and_resumed_equals_one_clean_import() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let total: u64 = 60_000;
    let out = Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .args([
            "dev",
            "corpus",
            "--posts",
            &total.to_string(),
            "--seed",
            "42",
            "--out",
            corpus.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let corpus = corpus.to_str().unwrap();

    let killed = dir.path().join("killed");
    std::fs::create_dir_all(&killed).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(&killed)
        .args(["ingest", corpus, "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first committed batch, then SIGKILL.
    let db = killed.join("sokenh.db");
    let start = std::time::Instant::now();
    let mut at_kill = 0;
    while start.elapsed() < std::time::Duration::from_secs(120) {
        if let Ok(conn) =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            && let Ok(p) = conn.query_row("SELECT MAX(position) FROM checkpoints", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            && let Some(p) = p
        {
            at_kill = p;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was killed, not finished");
    assert!(
        at_kill > 0 && (at_kill as u64) < total,
        "killed in the middle (checkpoint {at_kill} of {total})"
    );

    let resumed = json(&sokenh(&killed, &["ingest", corpus, "--json"]));
    assert_eq!(resumed["read"].as_u64(), Some(total));
    assert_eq!(
        resumed["inserted"].as_u64().unwrap() + resumed["duplicates"].as_u64().unwrap(),
        total
    );

    let clean = dir.path().join("clean");
    let once = json(&sokenh(&clean, &["ingest", corpus, "--json"]));
    assert_eq!(once["inserted"].as_u64(), Some(total));
    let a = source_ids(&killed.join("sokenh.db"));
    let b = source_ids(&clean.join("sokenh.db"));
    assert_eq!(a.len() as u64, total);
    assert_eq!(
        a, b,
        "exactly the items of one clean import: none lost, none doubled"
    );
    let v = json(&sokenh(&killed, &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
    // The index caught up with everything the killed run had stored.
    let hits = json(&sokenh(
        &killed,
        &["search", "chợ phiên", "--limit", "100000", "--json"],
    ));
    let clean_hits = json(&sokenh(
        &clean,
        &["search", "chợ phiên", "--limit", "100000", "--json"],
    ));
    assert_eq!(
        hits.as_array().unwrap().len(),
        clean_hits.as_array().unwrap().len()
    );
}

#[test]
fn a_members_account_keeps_its_handle_only_after_its_claim_is_confirmed() {
    use domain::{Kind, Participation, ParticipationRole, ParticipationSource};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut store = app::db::open(&data, None).unwrap();
    let unit = store
        .create_unit("admin", "Chi bộ thôn 1", None, Some(15199))
        .unwrap();
    let member = store
        .add_member(
            "admin",
            &store::NewMember {
                unit: unit.id,
                full_name: "Nguyễn Văn An".into(),
                position: None,
            },
        )
        .unwrap();
    let url = domain::CanonicalUrl::parse("https://facebook.com/nguyen.van.an.99").unwrap();
    store
        .import_communities(
            "admin",
            "form",
            &[domain::CommunityRecord {
                key: url.to_string(),
                name: "Nguyễn Văn An".into(),
                url: Some(url.to_string()),
                platform: url.platform(),
                kind: Kind::Account,
                members: None,
                admins: None,
                unit: Some("Chi bộ thôn 1".into()),
                status: domain::Status::Unknown,
                classification: domain::Classification::Unknown,
                official_of: None,
                locality: None,
                note: None,
            }],
        )
        .unwrap();
    let account = store.communities().unwrap()[0].id;
    // The member claims the account as their own.
    store
        .declare(
            "an",
            &Participation {
                member,
                community: account,
                role: ParticipationRole::Owner,
                source: ParticipationSource::SelfDeclared,
                since: None,
                recorded: "2026-11-30".into(),
            },
        )
        .unwrap();
    let ingest = |store: &mut store::Store, id: &str| {
        let file = data.join(format!("{id}.jsonl"));
        std::fs::write(
            &file,
            serde_json::json!({
                "id": id, "community_url": "https://www.facebook.com/groups/thachquang.cho",
                "platform": "facebook", "published_at": "2026-11-29T08:00:00+07:00",
                "author": "nguyen.van.an.99", "text": "Chợ phiên sáng chủ nhật"
            })
            .to_string(),
        )
        .unwrap();
        let opts = app::posts::Options {
            format: None,
            community: None,
            screen: false,
        };
        app::posts::ingest_file(store, &data, &file, opts).unwrap();
    };
    let handles = |store: &mut store::Store| -> Vec<(String, Option<String>, bool)> {
        store
            .items_after(0, 100)
            .unwrap()
            .into_iter()
            .map(|i| {
                (
                    i.source_id,
                    i.author_handle,
                    i.author_pseudonym.is_some_and(|p| p.len() == 64),
                )
            })
            .collect()
    };
    // Unconfirmed, then rejected: the author stays a pseudonym.
    ingest(&mut store, "p1");
    store
        .decide_ownership("chibo", member, account, false)
        .unwrap();
    ingest(&mut store, "p2");
    // Confirmed: later posts keep the handle; earlier ones stay pseudonyms.
    store
        .decide_ownership("chibo", member, account, true)
        .unwrap();
    ingest(&mut store, "p3");
    assert_eq!(
        handles(&mut store),
        [
            ("p1".to_owned(), None, true),
            ("p2".to_owned(), None, true),
            ("p3".to_owned(), Some("nguyen.van.an.99".to_owned()), true),
        ]
    );
}
