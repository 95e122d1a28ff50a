//! Detection through the CLI: ingest screens new items, `signals list` explains them, the
//! fact-check register and the block list feed the detectors, office rule packs go through
//! their own examples first, and `eval` prints precision and recall.

mod common;

use common::{json, sokenh};

use std::path::Path;

fn write(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn ingest_screens_and_signals_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fc = write(
        dir.path(),
        "fc.csv",
        "id,claim,verdict,correction,source_url\nfc-1,Xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026,tin sai sự thật,UBND xã khẳng định không có chủ trương này,https://thachquang.thanhhoa.gov.vn/dinh-chinh\nfc-2,x,satire,,\n",
    );
    let v = json(&sokenh(&data, &["factcheck", "import", &fc, "--json"]));
    assert_eq!(
        (
            v["inserted"].as_u64(),
            v["updated"].as_u64(),
            v["rejected"][0]["line"].as_u64()
        ),
        (Some(1), Some(0), Some(3))
    );
    let list = write(dir.path(), "block.txt", "# lừa đảo\nqua-tang-tri-an.vn\n");
    let b = json(&sokenh(&data, &["blocklist", "import", &list, "--json"]));
    assert_eq!(b["inserted"], 1);
    let posts = write(
        dir.path(),
        "posts.jsonl",
        &[
            r#"{"id": "a1", "community_url": "https://facebook.com/groups/thachquangquetoi", "published_at": "2026-11-20T08:00:00+07:00", "text": "Nóng: xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026 😡"}"#,
            r#"{"id": "a2", "community_url": "https://facebook.com/groups/thachquangquetoi", "published_at": "2026-11-20T09:00:00+07:00", "text": "Thông tin xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026 là sai sự thật"}"#,
            r#"{"id": "a3", "community_url": "https://facebook.com/groups/thachquangquetoi", "published_at": "2026-11-20T10:00:00+07:00", "text": "Nhận quà tại https://qua-tang-tri-an.vn/nhan ngay"}"#,
            r#"{"id": "a4", "community_url": "https://facebook.com/groups/thachquangquetoi", "published_at": "2026-11-20T11:00:00+07:00", "text": "Danh sách hộ nợ: Nguyễn Văn A CCCD 038095001234"}"#,
            r#"{"id": "a5", "community_url": "https://facebook.com/groups/thachquangquetoi", "published_at": "2026-11-20T12:00:00+07:00", "text": "Chợ phiên sáng nay đông vui"}"#,
        ]
        .join("\n"),
    );
    let r = json(&sokenh(&data, &["ingest", &posts, "--json"]));
    assert_eq!(r["inserted"], 5);
    assert!(r["signals"].as_u64().unwrap() >= 4);

    let signals = json(&sokenh(&data, &["signals", "list", "--json"]));
    let rows = signals.as_array().unwrap();
    let find = |item: &str, cat: &str| {
        rows.iter()
            .find(|s| s["item_id"] == item && s["category"] == cat)
            .cloned()
    };
    let spread = find("a1", "false_claim").expect("a1 spreads the claim");
    assert_eq!(spread["ref"], "fc-1");
    assert!(spread.get("role").is_none());
    assert!(
        spread["explanation"]
            .as_str()
            .unwrap()
            .contains("tin sai sự thật")
    );
    let correction = find("a2", "false_claim").expect("a2 corrects it");
    assert_eq!(correction["role"], "correction");
    let blocked = find("a3", "scam").expect("a3 links a blocked domain");
    assert_eq!(blocked["ref"], "blocklist:qua-tang-tri-an.vn");
    let personal = find("a4", "personal_data").expect("a4 publishes an ID");
    assert_eq!(
        personal["evidence"][0]["shown"], "038***1234",
        "masked in every display"
    );
    assert!(
        !personal["explanation"]
            .as_str()
            .unwrap()
            .contains("038095001234")
    );
    assert!(rows.iter().all(|s| s["item_id"] != "a5"));
    let only = json(&sokenh(
        &data,
        &["signals", "list", "--category", "personal_data", "--json"],
    ));
    // The numbers (entity detector) and the published list (rule) are two findings on one item.
    let refs: Vec<(&str, &str)> = only
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["item_id"].as_str().unwrap(), s["ref"].as_str().unwrap()))
        .collect();
    assert_eq!(
        refs,
        [
            ("a4", "entities.personal_numbers"),
            ("a4", "personal_data.published_list")
        ]
    );
    let bad = sokenh(
        &data,
        &["signals", "list", "--category", "opinion", "--json"],
    );
    assert!(!bad.status.success(), "no category outside the taxonomy");

    // A rescan after the register changes replaces signals rather than doubling them.
    let before = rows.len();
    let s = json(&sokenh(&data, &["scan", "--all", "--json"]));
    assert_eq!(s["screened"], 5);
    assert_eq!(
        json(&sokenh(&data, &["signals", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        before
    );
    assert_eq!(
        json(&sokenh(&data, &["audit", "verify", "--json"]))["ok"],
        true
    );
}

#[test]
fn office_rule_packs_must_pass_their_own_examples() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good = write(
        dir.path(),
        "office.toml",
        "category = \"scam\"\nversion = \"office-1\"\n[[rules]]\nid = \"office.multilevel\"\nexplanation = \"Mời tham gia kinh doanh đa cấp\"\nweight = 0.7\nany = [\"đa cấp\"]\nshadow = true\npositive = [\"Tham gia đa cấp thu nhập cao\"]\nnegative = [\"Chợ phiên\"]\n",
    );
    assert!(sokenh(&data, &["rules", "import", &good]).status.success());
    let rules = json(&sokenh(&data, &["rules", "list", "--json"]));
    let office = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "office.multilevel")
        .unwrap()
        .clone();
    assert_eq!(
        (office["shadow"].as_bool(), office["category"].as_str()),
        (Some(true), Some("scam"))
    );
    let test = json(&sokenh(&data, &["rules", "test", "--json"]));
    assert_eq!(test["failures"], serde_json::json!([]));
    assert!(test["rules"].as_u64().unwrap() >= 15);
    let broken = write(
        dir.path(),
        "broken.toml",
        "category = \"scam\"\nversion = \"office-2\"\n[[rules]]\nid = \"office.broken\"\nexplanation = \"x\"\nweight = 0.7\nany = [\"đa cấp\"]\npositive = [\"không liên quan\"]\n",
    );
    let out = sokenh(&data, &["rules", "import", &broken]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("office.broken"));
    // Packs that each pass their own examples but together make the engine too large to build
    // (their regexes exceed the regex engine's size limit): the one that would break it is
    // refused and not kept, and detection keeps running with the others.
    let heavy = |name: &str, letter: char| {
        let word: String = std::iter::once(letter)
            .chain(std::iter::repeat_n('a', 80))
            .collect();
        write(
            dir.path(),
            &format!("{name}.toml"),
            &format!(
                "category = \"scam\"\nversion = \"{name}\"\n[[rules]]\nid = \"office.{name}\"\nexplanation = \"x\"\nweight = 0.7\nregex = [\" {letter}\\\\w{{80}} \"]\npositive = [\"{word}\"]\n"
            ),
        )
    };
    let outcomes: Vec<bool> = ["h1", "h2", "h3", "h4"]
        .iter()
        .zip(['x', 'y', 'z', 'w'])
        .map(|(name, letter)| {
            sokenh(&data, &["rules", "import", &heavy(name, letter)])
                .status
                .success()
        })
        .collect();
    let refused = outcomes
        .iter()
        .position(|ok| !ok)
        .expect("the packs together are too large");
    assert!(refused >= 1, "one heavy pack alone builds: {outcomes:?}");
    let out = sokenh(&data, &["rules", "import", &heavy("h9", 'v')]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("không dựng được"));
    assert!(!data.join("rules/h9.toml").exists());
    let test = json(&sokenh(&data, &["rules", "test", "--json"]));
    assert_eq!(test["failures"], serde_json::json!([]));
    // The same pack put in `rules/` by hand, where an import would have refused it: detection
    // does not switch itself off. Screening runs on the defaults and the packs that still build,
    // says which it left out, and puts that in the audit log.
    // (Packs live in the store now; a file in `rules/` is read in unchecked at the next open, as
    // a data dir from before is.)
    std::fs::create_dir_all(data.join("rules")).unwrap();
    std::fs::copy(heavy("h9", 'v'), data.join("rules/h9.toml")).unwrap();
    let report = common::ingest_posts(
        &data,
        &[(
            "degraded-1",
            "thachquang.dongtam",
            "2026-11-12T20:00:00+07:00",
            "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay",
        )],
    );
    assert_eq!(report["inserted"], 1, "{report}");
    assert!(report["signals"].as_u64().unwrap() >= 1, "{report}");
    let db = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    let warning: String = db
        .query_row(
            "SELECT details FROM audit_events WHERE action = 'rules.degraded' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a rules.degraded event");
    assert!(warning.contains("h9.toml"), "{warning}");
    let political = write(
        dir.path(),
        "p.toml",
        "category = \"political_opinion\"\nversion = \"1\"\n",
    );
    assert!(
        !sokenh(&data, &["rules", "import", &political])
            .status
            .success(),
        "no category outside the taxonomy"
    );
}

#[test]
fn eval_prints_precision_and_recall_per_category() {
    let dir = tempfile::tempdir().unwrap();
    let sets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../detect/eval");
    let v = json(&sokenh(
        dir.path(),
        &["eval", sets.to_str().unwrap(), "--json"],
    ));
    assert!(v["examples"].as_u64().unwrap() >= 50);
    for c in [
        "scam",
        "secret_leak",
        "personal_data",
        "false_claim",
        "threat",
        "impersonation",
    ] {
        let s = &v["categories"][c];
        assert!(s["precision"].as_f64().unwrap() >= 0.9, "{c}: {s}");
        assert!(s["recall"].as_f64().unwrap() >= 0.9, "{c}: {s}");
    }
    // The register-level impersonation set (impersonation-pages.csv): 40 impostors of the
    // commune's official channels and 40 hard negatives. Targets: precision ≥ 0.95, recall ≥ 0.9.
    let p = &v["impersonation_pages"];
    assert_eq!(
        (p["examples"].as_u64(), p["impostors"].as_u64()),
        (Some(80), Some(40)),
        "{p}"
    );
    assert!(p["precision"].as_f64().unwrap() >= 0.95, "{p}");
    assert!(p["recall"].as_f64().unwrap() >= 0.9, "{p}");
}

#[test]
fn screen_says_what_it_flags_and_why_a_warning_is_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::sokenh_stdin(
        dir.path(),
        &["screen", "--json"],
        "Điện lực báo nhà chị nợ tiền điện, chuyển khoản ngay 500k để không bị cắt điện\n\
         Cảnh báo: kẻ gian xưng điện lực báo nợ tiền điện, yêu cầu chuyển khoản ngay\n",
    );
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let scam = &lines[0];
    assert_eq!(scam["signals"][0]["category"], "scam");
    assert_eq!(scam["signals"][0]["ref"], "scam.pretext_demand");
    assert_eq!(scam["not_flagged"].as_array().unwrap().len(), 0);
    let warning = &lines[1];
    assert!(
        warning["signals"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["score"].as_f64().unwrap() < 0.5)
    );
    let held = warning["not_flagged"].as_array().unwrap();
    assert!(held.iter().any(|h| h["rule"] == "scam.pretext_demand"
        && h["explanation"].as_str().unwrap().contains("«Cảnh báo»")));
}

#[test]
fn detection_state_left_in_files_is_read_into_the_store_once() {
    // A data dir from before the state moved into the store: its shadow choices, known false
    // matches and feed state are read in at the first open (the first two audited), and the
    // files renamed.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("rules")).unwrap();
    std::fs::write(data.join("rules/shadow.json"), r#"{"scam.task_job": true}"#).unwrap();
    std::fs::write(
        data.join("suppressions.json"),
        r#"[["scam.phrase", "cho phien sang chu nhat"]]"#,
    )
    .unwrap();
    std::fs::write(
        data.join("feeds.json"),
        r#"{"https://baohatinh.vn/rss/thoi-su.rss": {"etag": "\"abc\"", "last_modified": null, "fetched_at": 1796000000}}"#,
    )
    .unwrap();
    let rules = json(&sokenh(&data, &["rules", "list", "--json"]));
    let shadowed: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["shadow"] == true)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(shadowed, ["scam.task_job"]);
    assert!(!data.join("rules/shadow.json").exists());
    assert!(data.join("rules/shadow.json.imported").exists());
    assert!(data.join("suppressions.json.imported").exists());
    assert!(data.join("feeds.json.imported").exists());
    let db = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    let (reference, folded): (String, String) = db
        .query_row("SELECT reference, folded_text FROM suppressions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (reference.as_str(), folded.as_str()),
        ("scam.phrase", "cho phien sang chu nhat")
    );
    let audited: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit_events WHERE action IN ('rules.shadow', 'signal.suppress')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
    let etag: String = db
        .query_row("SELECT etag FROM feed_state", [], |r| r.get(0))
        .unwrap();
    assert_eq!(etag, "\"abc\"");
    // Opened again: nothing read twice.
    json(&sokenh(&data, &["rules", "list", "--json"]));
    let again: i64 = db
        .query_row("SELECT COUNT(*) FROM suppressions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(again, 1);
}
