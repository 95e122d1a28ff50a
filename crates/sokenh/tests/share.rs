//! Two offices share a confirmed scam domain as STIX 2.1: commune A confirms it and exports a
//! bundle; commune B imports it (ten times: added once), a post in B with the domain is flagged
//! naming A as the source; A revokes it, B imports the revocation and stops matching. A victim's
//! number cannot be confirmed for sharing, and a TLP:RED indicator never leaves A.

mod common;
use common::{json, sokenh};
use serde_json::Value;

fn import(data: &std::path::Path, file: &std::path::Path) -> Value {
    json(&sokenh(
        data,
        &["share", "import", file.to_str().unwrap(), "--json"],
    ))
}

/// The signals' explanations of the posts stored in a data dir, by post.
fn explanations(data: &std::path::Path, source: &str) -> Vec<String> {
    let app = app::App::open(data, None).unwrap();
    let signals = app.store().unwrap().signals(None).unwrap();
    signals
        .into_iter()
        .filter(|(s, _)| s == source)
        .map(|(_, sig)| sig.explanation)
        .collect()
}

fn post(data: &std::path::Path, id: &str, text: &str) {
    let file = data.join(format!("{id}.jsonl"));
    std::fs::write(
        &file,
        serde_json::json!({"id": id, "community_url": "https://facebook.com/groups/chobinhminh",
            "platform": "facebook", "published_at": "2026-11-25T08:00:00+07:00", "text": text})
        .to_string(),
    )
    .unwrap();
    assert!(
        sokenh(data, &["ingest", file.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn a_confirmed_domain_travels_to_another_office_and_its_revocation_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    json(&sokenh(&a, &["demo", "--no-serve", "--json"]));
    // B: another commune (Bình Minh, Hà Nội), its own root unit.
    {
        let app = app::App::open(&b, None).unwrap();
        app.store()
            .unwrap()
            .create_unit("t", "Đảng bộ xã Bình Minh", None, Some(10141))
            .unwrap();
    }

    // A confirms a scam domain from a case, a scammer's number; a victim's number is refused.
    let added = json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "domain",
            "--value",
            "https://Vietcombank-XacThuc.top/login",
            "--case",
            "1",
            "--json",
        ],
    ));
    assert_eq!(added["value"], "vietcombank-xacthuc.top");
    assert_eq!(added["marking"], "TLP:AMBER");
    let domain_id = added["id"].as_str().unwrap().to_owned();
    let victim = sokenh(
        &a,
        &["share", "add", "--kind", "phone", "--value", "0912 345 678"],
    );
    assert_eq!(victim.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&victim.stderr).contains("nạn nhân"));
    assert!(
        sokenh(
            &a,
            &[
                "share",
                "add",
                "--kind",
                "phone",
                "--value",
                "0987 654 321",
                "--role",
                "scammer"
            ]
        )
        .status
        .success()
    );
    assert!(
        sokenh(
            &a,
            &[
                "share",
                "add",
                "--kind",
                "domain",
                "--value",
                "noibo-thachquang.vn",
                "--marking",
                "TLP:RED"
            ]
        )
        .status
        .success()
    );

    // The bundle: A's identity and two indicators (never the TLP:RED one, never the case).
    let bundle_file = tmp.path().join("a.json");
    assert!(
        sokenh(&a, &["share", "export", bundle_file.to_str().unwrap()])
            .status
            .success()
    );
    let bundle: Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle_file).unwrap()).unwrap();
    assert_eq!(bundle["type"], "bundle");
    let objects = bundle["objects"].as_array().unwrap();
    assert_eq!(objects[0]["type"], "identity");
    assert_eq!(objects[0]["name"], "Đảng bộ xã Thạch Quảng");
    let patterns: Vec<&str> = objects[1..]
        .iter()
        .map(|o| o["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        patterns,
        [
            "[domain-name:value = 'vietcombank-xacthuc.top']",
            "[phone-number:value = '+84987654321']"
        ]
    );
    let text = std::fs::read_to_string(&bundle_file).unwrap();
    assert!(!text.contains("noibo-thachquang") && !text.contains("case:1"));
    for o in &objects[1..] {
        assert_eq!(o["spec_version"], "2.1");
        assert_eq!(o["created_by_ref"], objects[0]["id"]);
        assert_eq!(
            o["object_marking_refs"][0],
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        );
    }

    // B takes it in once, however often it is imported.
    let first = import(&b, &bundle_file);
    assert_eq!(
        (&first["added"], &first["unchanged"], &first["rejected"]),
        (&Value::from(2), &Value::from(0), &serde_json::json!([]))
    );
    for _ in 0..10 {
        let again = import(&b, &bundle_file);
        assert_eq!(
            (&again["added"], &again["unchanged"]),
            (&Value::from(0), &Value::from(2))
        );
    }
    let list = json(&sokenh(&b, &["share", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["origin"], "Đảng bộ xã Thạch Quảng");

    // A post in B with the domain is flagged, naming where the indicator came from.
    post(
        &b,
        "b1",
        "Ngân hàng thông báo tài khoản bị khóa, xác thực ngay tại https://vietcombank-xacthuc.top/xac-thuc",
    );
    let said = explanations(&b, "b1");
    assert!(
        said.iter()
            .any(|e| e.contains("chỉ báo chia sẻ từ Đảng bộ xã Thạch Quảng")),
        "{said:?}"
    );

    // A retracts it; B learns of it at its next import and stops matching.
    assert!(
        sokenh(
            &a,
            &[
                "share",
                "revoke",
                &domain_id,
                "--reason",
                "Trang đã bị gỡ, tên miền hết hạn"
            ]
        )
        .status
        .success()
    );
    assert!(
        sokenh(&a, &["share", "export", bundle_file.to_str().unwrap()])
            .status
            .success()
    );
    let after = import(&b, &bundle_file);
    assert_eq!(
        (&after["revoked"], &after["added"], &after["unchanged"]),
        (&Value::from(1), &Value::from(0), &Value::from(1))
    );
    post(
        &b,
        "b2",
        "Ngân hàng thông báo tài khoản bị khóa, xác thực ngay tại https://vietcombank-xacthuc.top/xac-thuc",
    );
    let said = explanations(&b, "b2");
    assert!(
        !said.iter().any(|e| e.contains("chỉ báo chia sẻ")),
        "{said:?}"
    );
    // A bundle of something else is refused whole.
    let odd = tmp.path().join("odd.json");
    std::fs::write(&odd, r#"{"type": "report"}"#).unwrap();
    let refused = sokenh(&b, &["share", "import", odd.to_str().unwrap(), "--json"]);
    assert_eq!(refused.status.code(), Some(1));
    std::fs::write(
        &odd,
        r#"{"type": "bundle", "id": "bundle--1", "objects": [{"type": "indicator", "spec_version": "2.1",
        "id": "indicator--00000000-0000-4000-8000-000000000001", "modified": "2026-11-01T00:00:00.000Z",
        "pattern": "[file:hashes.MD5 = 'ab']", "pattern_type": "stix"},
        {"type": "indicator", "spec_version": "2.1",
        "id": "indicator--00000000-0000-4000-8000-000000000002", "modified": "2026-11-01T00:00:00.000Z",
        "pattern": "[domain-name:value = 'mat.top']", "pattern_type": "stix",
        "object_marking_refs": ["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]}]}"#,
    )
    .unwrap();
    let foreign = import(&b, &odd);
    // A foreign pattern, and TLP:RED (here in TLP 1.0's marking, as the stix2 library writes
    // it), are listed with why.
    let rejected = foreign["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 2, "{foreign}");
    assert!(rejected[1]["reason"].as_str().unwrap().contains("TLP:RED"));

    for data in [&a, &b] {
        assert_eq!(
            json(&sokenh(data, &["audit", "verify", "--json"]))["ok"],
            true
        );
    }
}

/// `sokenh share partner add … --json` on `data`: the partner's id and the token issued to it.
fn partner(data: &std::path::Path, args: &[&str]) -> Value {
    let mut all = vec!["share", "partner", "add"];
    all.extend_from_slice(args);
    all.push("--json");
    json(&sokenh(data, &all))
}

fn unit_root(data: &std::path::Path, name: &str, code: Option<u32>) {
    let app = app::App::open(data, None).unwrap();
    app.store()
        .unwrap()
        .create_unit("t", name, None, code)
        .unwrap();
}

fn exchange(data: &std::path::Path, what: &str) -> Value {
    let out = json(&sokenh(data, &["share", what, "--json"]));
    assert_eq!(out.as_array().unwrap().len(), 1, "{out}");
    assert_eq!(out[0]["error"], Value::Null, "{out}");
    out[0].clone()
}

fn counts(e: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| e[k].as_u64().unwrap();
    (n("added"), n("updated"), n("unchanged"), n("revoked"))
}

fn actions(data: &std::path::Path) -> Vec<String> {
    let app = app::App::open(data, None).unwrap();
    let mut s = app.store().unwrap();
    assert!(s.verify_audit().unwrap().ok);
    s.audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Three offices over TAXII 2.1 on localhost: commune A (Thạch Quảng) and commune B (Hàm Rồng)
/// of Thanh Hóa, the province between them, and commune C of Hà Nội. A confirms a scam domain
/// (TLP:AMBER) and a scammer's number (TLP:GREEN) and pushes them to the province; B pulls both
/// and a post in B with either is flagged naming A; C, of another province, is served the
/// number only. Pulling again ten times adds nothing. A revokes the domain and pushes; B's next
/// pull revokes it and B stops matching. A partner's token opens nothing but TAXII, one that
/// may only read cannot post, and every side's audit chain holds each exchange.
#[test]
fn a_commune_pushes_to_its_province_and_its_neighbour_pulls_over_taxii() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, p, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("p"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    json(&sokenh(&a, &["demo", "--no-serve", "--json"]));
    unit_root(&p, "Tỉnh ủy Thanh Hóa", None);
    unit_root(&b, "Đảng bộ phường Hàm Rồng", Some(14758));
    unit_root(&c, "Đảng bộ xã Bình Minh", Some(10141));

    // The province gives each commune a token; each commune keeps the province's address.
    let for_a = partner(
        &p,
        &[
            "--name",
            "Xã Thạch Quảng",
            "--province",
            "38",
            "--access",
            "both",
        ],
    );
    let for_b = partner(
        &p,
        &[
            "--name",
            "Phường Hàm Rồng",
            "--province",
            "38",
            "--access",
            "both",
        ],
    );
    let for_c = partner(&p, &["--name", "Xã Bình Minh (Hà Nội)", "--province", "1"]);
    let province = common::start_serving(&p, None, &["serve", "--bind", "127.0.0.1:0"]);
    let root = format!("{}/taxii2/api1/", province.base);
    for (data, given) in [(&a, &for_a), (&b, &for_b), (&c, &for_c)] {
        let file = data.join("province.token");
        std::fs::write(&file, given["token"].as_str().unwrap()).unwrap();
        let kept = partner(
            data,
            &[
                "--name",
                "Tỉnh Thanh Hóa",
                "--province",
                "38",
                "--url",
                &root,
                "--token-file",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(kept["url"], root.as_str());
    }
    // The token is kept sealed: not in the store's file in the clear.
    let a_db = std::fs::read(a.join("sokenh.db")).unwrap_or_default();
    let secret = for_a["token"].as_str().unwrap().as_bytes();
    assert!(!a_db.windows(secret.len()).any(|w| w == secret));

    // A confirms a domain from case 1 (AMBER by default) and a scammer's number (GREEN).
    let domain = json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "domain",
            "--value",
            "thachquang-hotro.top",
            "--case",
            "1",
            "--json",
        ],
    ));
    json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "phone",
            "--value",
            "0356 111 222",
            "--role",
            "scammer",
            "--marking",
            "TLP:GREEN",
            "--json",
        ],
    ));
    let pushed = exchange(&a, "push");
    assert_eq!(
        (pushed["objects"].as_u64(), pushed["added"].as_u64()),
        (Some(3), Some(2))
    );
    // Nothing new: the next push sends nothing.
    assert_eq!(exchange(&a, "push")["objects"], 0);
    let at_province = json(&sokenh(&p, &["share", "list", "--json"]));
    assert_eq!(at_province.as_array().unwrap().len(), 2);
    assert!(
        at_province
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["origin"] == "Đảng bộ xã Thạch Quảng" && i["local"] == false)
    );

    // B pulls both; ten more pulls add nothing.
    let first = exchange(&b, "pull");
    assert_eq!(counts(&first), (2, 0, 0, 0));
    for _ in 0..10 {
        assert_eq!(counts(&exchange(&b, "pull")), (0, 0, 0, 0));
    }
    assert_eq!(
        json(&sokenh(&b, &["share", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // C, in another province, gets the GREEN number, never the AMBER domain.
    assert_eq!(counts(&exchange(&c, "pull")), (1, 0, 0, 0));
    let at_c = json(&sokenh(&c, &["share", "list", "--json"]));
    assert_eq!(at_c[0]["value"], "+84356111222");

    // A post in B with the domain, another with the number: flagged, naming A.
    post(
        &b,
        "b1",
        "Hỗ trợ nhận tiền trợ cấp, đăng ký tại http://thachquang-hotro.top/dang-ky nhé bà con",
    );
    post(
        &b,
        "b2",
        "Ai cần vay nhanh không thế chấp gọi 0356.111.222 gặp chị Hoa",
    );
    for id in ["b1", "b2"] {
        let said = explanations(&b, id);
        assert!(
            said.iter()
                .any(|e| e.contains("chỉ báo chia sẻ từ Đảng bộ xã Thạch Quảng")),
            "{id}: {said:?}"
        );
    }

    // B tells the province where it met them (how many posts, never the posts); the province
    // sees which commune met which of A's indicators, and A learns it at its next pull.
    assert_eq!(exchange(&b, "push")["error"], Value::Null);
    let seen = |data: &std::path::Path| {
        let rows = json(&sokenh(data, &["share", "sightings", "--json"]));
        let mut out: Vec<(String, String, Value)> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["value"].as_str().unwrap().to_owned(),
                    r["origin"].as_str().unwrap().to_owned(),
                    r["offices"].clone(),
                )
            })
            .collect();
        out.sort_by(|x, y| x.0.cmp(&y.0));
        out
    };
    let expected = vec![
        (
            "+84356111222".to_owned(),
            "Đảng bộ xã Thạch Quảng".to_owned(),
            serde_json::json!([["Đảng bộ phường Hàm Rồng", 1]]),
        ),
        (
            "thachquang-hotro.top".to_owned(),
            "Đảng bộ xã Thạch Quảng".to_owned(),
            serde_json::json!([["Đảng bộ phường Hàm Rồng", 1]]),
        ),
    ];
    assert_eq!(seen(&p), expected);
    assert_eq!(counts(&exchange(&a, "pull")), (0, 0, 2, 0));
    assert_eq!(seen(&a), expected);

    // A retracts the domain and pushes; B's next pull revokes it; a new post is not flagged by it.
    let id = domain["id"].as_str().unwrap();
    assert!(
        sokenh(&a, &["share", "revoke", id, "--reason", "Nhầm tên miền"])
            .status
            .success()
    );
    assert_eq!(exchange(&a, "push")["added"], 1);
    assert_eq!(counts(&exchange(&b, "pull")), (0, 0, 0, 1));
    post(
        &b,
        "b3",
        "Hỗ trợ nhận tiền trợ cấp, đăng ký tại http://thachquang-hotro.top/dang-ky nhé bà con",
    );
    assert!(
        !explanations(&b, "b3")
            .iter()
            .any(|e| e.contains("chỉ báo chia sẻ")),
        "{:?}",
        explanations(&b, "b3")
    );

    // A partner's token opens TAXII only; C's may read but not post.
    let agent = common::http::agent();
    let with = |token: &Value, path: &str| {
        let r = agent
            .get(format!("{}{path}", province.base))
            .header(
                "Authorization",
                format!("Bearer {}", token["token"].as_str().unwrap()),
            )
            .call()
            .unwrap();
        r.status().as_u16()
    };
    assert_eq!(with(&for_c, "/taxii2/"), 200);
    assert_eq!(with(&for_c, "/api/v1/cases"), 403);
    let collection = app::sharing::collection_id();
    let posted = agent
        .post(format!("{root}collections/{collection}/objects/"))
        .header(
            "Authorization",
            format!("Bearer {}", for_c["token"].as_str().unwrap()),
        )
        .header("Content-Type", "application/taxii+json;version=2.1")
        .send(r#"{"objects": []}"#)
        .unwrap();
    assert_eq!(posted.status().as_u16(), 403);

    // Every side's chain verifies and holds its exchanges.
    let count = |all: &[String], a: &str| all.iter().filter(|x| *x == a).count();
    let at_a = actions(&a);
    assert_eq!(
        (count(&at_a, "share.push"), count(&at_a, "share.partner")),
        (3, 1)
    );
    let at_p = actions(&p);
    assert_eq!(count(&at_p, "share.partner"), 3);
    assert_eq!(count(&at_p, "share.sightings"), 1, "{at_p:?}");
    assert_eq!(count(&at_p, "share.import"), 2, "{at_p:?}");
    let at_b = actions(&b);
    assert_eq!(count(&at_b, "share.pull"), 12);
    assert_eq!(count(&at_b, "share.import"), 2, "{at_b:?}");
}

/// The Python with OASIS's `stix2` and `taxii2-client` (`SOKENH_TEST_STIX_PYTHON`; CI makes a
/// virtual environment with them), or `None` to skip — never in CI.
fn stix_python() -> Option<String> {
    match std::env::var("SOKENH_TEST_STIX_PYTHON") {
        Ok(p) => Some(p),
        Err(_) => {
            assert!(
                std::env::var("CI").is_err(),
                "CI sets SOKENH_TEST_STIX_PYTHON (.ci/run makes the virtual environment)"
            );
            eprintln!("SOKENH_TEST_STIX_PYTHON not set: the stix2/taxii2-client check is skipped");
            None
        }
    }
}

fn python(py: &str, args: &[&str]) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/stix_interop.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The reference libraries of the standard agree with sokenh: `stix2` parses every bundle
/// sokenh writes (each of the four patterns, a revoked version); `taxii2-client` reads sokenh's
/// TAXII server — discovery, API root, collections, every object page by page, the manifest —
/// with a staff token and with a partner's; sokenh imports a bundle `stix2` wrote.
#[test]
fn the_stix2_and_taxii2_client_libraries_read_what_sokenh_writes_and_serves() {
    let Some(py) = stix_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    json(&sokenh(&a, &["demo", "--no-serve", "--json"]));
    for (kind, value) in [
        ("domain", "dichvucong-giamao.top"),
        ("url", "https://bit.ly/nhan-qua-tet"),
        ("phone", "0356 111 222"),
        ("bank_account", "1903 6688 0123"),
    ] {
        json(&sokenh(
            &a,
            &[
                "share",
                "add",
                "--kind",
                kind,
                "--value",
                value,
                "--role",
                "scammer",
                "--marking",
                "TLP:GREEN",
                "--json",
            ],
        ));
    }
    // A page impersonating the commune police's official page: the page, the official
    // channel and an `impersonates` relationship travel with its indicator.
    let impostor = json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "impostor",
            "--value",
            "https://www.facebook.com/congan.thachquang.hotro",
            "--impersonates",
            "https://www.facebook.com/congan.thachquang",
            "--marking",
            "TLP:GREEN",
            "--json",
        ],
    ));
    assert_eq!(
        impostor["value"],
        "https://facebook.com/congan.thachquang.hotro"
    );
    let no_official = sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "impostor",
            "--value",
            "https://facebook.com/gia.mao",
            "--impersonates",
            "https://facebook.com/khong.co",
        ],
    );
    assert_eq!(no_official.status.code(), Some(1));
    // A scammer's account shared as a keyed hash (a custom property of the standard object).
    let key = json(&sokenh(
        &a,
        &["share", "key", "new", "--name", "Khóa thử", "--json"],
    ));
    json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "bank_account",
            "--value",
            "0451 0001 2345",
            "--role",
            "scammer",
            "--hash-key",
            key["id"].as_str().unwrap(),
            "--marking",
            "TLP:GREEN",
            "--json",
        ],
    ));
    // A fact-check of A's register, as a note carrying a ClaimReview.
    let csv = tmp.path().join("fc.csv");
    std::fs::write(
        &csv,
        "id,claim,verdict,correction,source_url\nKC-01,Mỗi người dân được nhận 5 triệu đồng qua ứng dụng lạ,tin giả,Không có chính sách này,https://thachquang.thanhhoa.gov.vn/kc-01\n",
    )
    .unwrap();
    assert!(
        sokenh(&a, &["factcheck", "import", csv.to_str().unwrap()])
            .status
            .success()
    );
    json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "factcheck",
            "--value",
            "KC-01",
            "--marking",
            "TLP:GREEN",
            "--json",
        ],
    ));
    // A post that meets the domain: the bundle carries A's sighting of it.
    post(
        &a,
        "a1",
        "Làm căn cước gắn chip tại nhà, nộp hồ sơ ở https://dichvucong-giamao.top/ho-so nhé",
    );
    let listed = json(&sokenh(&a, &["share", "list", "--json"]));
    let first = listed[0]["id"].as_str().unwrap().to_owned();
    assert!(
        sokenh(&a, &["share", "revoke", &first, "--reason", "thử thu hồi"])
            .status
            .success()
    );
    let bundle = tmp.path().join("a.json");
    assert!(
        sokenh(&a, &["share", "export", bundle.to_str().unwrap()])
            .status
            .success()
    );
    let parsed = python(&py, &["parse", bundle.to_str().unwrap()]);
    assert_eq!(
        parsed["parsed"],
        serde_json::json!({"identity": 2, "indicator": 6, "note": 1, "sighting": 1, "user-account": 1, "relationship": 1})
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    let relationship = written["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "relationship")
        .unwrap();
    assert_eq!(relationship["relationship_type"], "impersonates");
    let target = written["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == relationship["target_ref"])
        .unwrap();
    assert_eq!(target["name"], "Công an xã Thạch Quảng");

    // The TAXII server, read by taxii2-client three objects a page: with an officer's token and
    // with a partner's (the same objects: each indicator, and so the sighting, is TLP:GREEN).
    let staff = json(&sokenh(
        &a,
        &[
            "admin",
            "create-token",
            "--name",
            "taxii",
            "--role",
            "officer",
            "--json",
        ],
    ));
    let partner = partner(&a, &["--name", "Tỉnh Thanh Hóa", "--province", "38"]);
    let server = common::start_serving(&a, None, &["serve", "--bind", "127.0.0.1:0"]);
    let url = format!("{}/taxii2/", server.base);
    for token in [&staff["token"], &partner["token"]] {
        let read = python(&py, &["read", &url, token.as_str().unwrap(), "3"]);
        assert_eq!(read["api_roots"], 1);
        assert_eq!(read["collections"], 1);
        assert_eq!(read["can_read"], true);
        assert_eq!(
            read["versions"],
            serde_json::json!(["application/taxii+json;version=2.1"])
        );
        let ids: Vec<&str> = read["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .filter(|id| id.starts_with("indicator--"))
            .collect();
        assert_eq!(ids.len(), 6, "{read}");
        // Six indicators (one with its three companions), the note and the sighting.
        assert!(read["pages"].as_u64().unwrap() >= 3, "{read}");
        assert_eq!(read["manifest"], 8, "{read}");
    }

    // A bundle the stix2 library wrote, taken in by sokenh.
    let theirs = tmp.path().join("theirs.json");
    let wrote = python(&py, &["write", theirs.to_str().unwrap()]);
    let r = import(&a, &theirs);
    assert_eq!(
        (&r["added"], &r["rejected"]),
        (&Value::from(1), &serde_json::json!([]))
    );
    let listed = json(&sokenh(&a, &["share", "list", "--json"]));
    let got = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == wrote["indicator"])
        .unwrap();
    assert_eq!(
        (&got["value"], &got["origin"], &got["marking"]),
        (
            &Value::from("dichvucong-hoso.top"),
            &Value::from("Công an xã Mẫu Sơn"),
            &Value::from("TLP:GREEN")
        )
    );
}

/// A scammer's number shared with a wide audience as a keyed hash: the bundle never holds the
/// number; an office without the key takes the indicator in but matches nothing with it; with
/// the key (handed over as a file only its owner reads), a post with the number is flagged,
/// naming the publisher and the key. The key list never shows a key.
#[test]
fn a_number_shared_as_a_keyed_hash_matches_only_where_the_key_is_held() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    json(&sokenh(&a, &["demo", "--no-serve", "--json"]));
    unit_root(&b, "Đảng bộ xã Bình Minh", Some(10141));
    let key = json(&sokenh(
        &a,
        &["share", "key", "new", "--name", "Toàn quốc 2026", "--json"],
    ));
    let id = key["id"].as_str().unwrap();
    let key_file = tmp.path().join("khoa.json");
    assert!(
        sokenh(
            &a,
            &[
                "share",
                "key",
                "export",
                id,
                "--out",
                key_file.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let added = json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "phone",
            "--value",
            "0356 111 222",
            "--role",
            "scammer",
            "--hash-key",
            id,
            "--marking",
            "TLP:CLEAR",
            "--json",
        ],
    ));
    assert_eq!(added["kind"], "phone_hash");
    assert!(
        added["value"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{id}:"))
    );
    let bundle = tmp.path().join("a.json");
    assert!(
        sokenh(&a, &["share", "export", bundle.to_str().unwrap()])
            .status
            .success()
    );
    let text = std::fs::read_to_string(&bundle).unwrap();
    // (Not "0356" alone: four digits turn up by chance in a hash's hex — CI once met
    // "…a50356601" —; the number in any form it was typed or written in.)
    assert!(
        !text.contains("356111222") && !text.contains("0356 111") && !text.contains("+84356"),
        "{text}"
    );
    assert!(text.contains("[phone-number:x_sokenh_keyed_hash = '"));

    assert_eq!(import(&b, &bundle)["added"], 1);
    post(
        &b,
        "b1",
        "Ai cần vay nhanh không thế chấp gọi 0356.111.222 gặp chị Hoa",
    );
    assert!(
        !explanations(&b, "b1")
            .iter()
            .any(|e| e.contains("khớp dạng băm")),
        "{:?}",
        explanations(&b, "b1")
    );
    let taken = json(&sokenh(
        &b,
        &[
            "share",
            "key",
            "import",
            key_file.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(
        taken,
        serde_json::json!({"id": id, "name": "Toàn quốc 2026"})
    );
    post(
        &b,
        "b2",
        "Ai cần vay nhanh không thế chấp gọi 0356.111.222 gặp chị Hoa",
    );
    let said = explanations(&b, "b2");
    assert!(
        said.iter().any(|e| e.contains(
            "nguồn: chỉ báo chia sẻ từ Đảng bộ xã Thạch Quảng, khớp dạng băm có khóa «Toàn quốc 2026»"
        )),
        "{said:?}"
    );
    let listed = json(&sokenh(&b, &["share", "key", "list", "--json"]));
    assert_eq!(
        listed,
        serde_json::json!([{"id": id, "name": "Toàn quốc 2026"}])
    );
    let kept = std::fs::read_to_string(&key_file).unwrap();
    let secret: Value = serde_json::from_str(&kept).unwrap();
    let audit = actions(&b);
    assert!(audit.contains(&"share.key.import".to_owned()));
    let app = app::App::open(&b, None).unwrap();
    let events = app.store().unwrap().audit_events().unwrap();
    assert!(
        events
            .iter()
            .all(|e| !e.details.contains(secret["key"].as_str().unwrap()))
    );
}

/// A fact-check travels as a STIX note carrying a schema.org ClaimReview: commune A shares one
/// entry of its register; commune B takes it in, and a post in B repeating the claim is
/// flagged as a false claim naming A; A retracts it and B's screening stops using it.
#[test]
fn a_fact_check_travels_as_a_claimreview_note() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    json(&sokenh(&a, &["demo", "--no-serve", "--json"]));
    unit_root(&b, "Đảng bộ xã Bình Minh", Some(10141));
    let csv = tmp.path().join("fc.csv");
    std::fs::write(
        &csv,
        "id,claim,verdict,correction,source_url\nKC-01,Từ tháng 12 mỗi người dân được nhận 5 triệu đồng hỗ trợ qua ứng dụng lạ,tin giả,Nhà nước không có chính sách này; không cài ứng dụng lạ,https://thachquang.thanhhoa.gov.vn/kiem-chung/kc-01\n",
    )
    .unwrap();
    assert!(
        sokenh(&a, &["factcheck", "import", csv.to_str().unwrap()])
            .status
            .success()
    );
    let shared = json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "factcheck",
            "--value",
            "KC-01",
            "--marking",
            "TLP:CLEAR",
            "--json",
        ],
    ));
    let note_id = shared["id"].as_str().unwrap().to_owned();
    assert!(note_id.starts_with("note--"));
    assert!(
        sokenh(
            &a,
            &["share", "add", "--kind", "factcheck", "--value", "KC-99"]
        )
        .status
        .code()
            == Some(1)
    );
    let bundle = tmp.path().join("a.json");
    assert!(
        sokenh(&a, &["share", "export", bundle.to_str().unwrap()])
            .status
            .success()
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    let note = &written["objects"][1];
    assert_eq!(note["type"], "note");
    assert_eq!(note["x_claimreview"]["@type"], "ClaimReview");
    assert_eq!(
        note["x_claimreview"]["reviewRating"]["alternateName"],
        "tin giả"
    );
    assert_eq!(
        note["x_claimreview"]["author"]["name"],
        "Đảng bộ xã Thạch Quảng"
    );

    assert_eq!(import(&b, &bundle)["added"], 1);
    post(
        &b,
        "b1",
        "Từ tháng 12 mỗi người dân được nhận 5 triệu đồng hỗ trợ qua ứng dụng lạ, mọi người tải ngay",
    );
    let said = explanations(&b, "b1");
    assert!(
        said.iter().any(|e| e.contains(
            "Lặp lại thông tin đã được kiểm chứng là tin giả (mục KC-01 (Đảng bộ xã Thạch Quảng))"
        )),
        "{said:?}"
    );

    assert!(
        sokenh(
            &a,
            &["share", "revoke", &note_id, "--reason", "Đã có văn bản mới"]
        )
        .status
        .success()
    );
    assert!(
        sokenh(&a, &["share", "export", bundle.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(import(&b, &bundle)["revoked"], 1);
    post(
        &b,
        "b2",
        "Từ tháng 12 mỗi người dân được nhận 5 triệu đồng hỗ trợ qua ứng dụng lạ, mọi người tải ngay",
    );
    assert!(
        !explanations(&b, "b2").iter().any(|e| e.contains("KC-01")),
        "{:?}",
        explanations(&b, "b2")
    );
}

/// A bundle signed with the publishing office's Ed25519 key: taken in when its signature
/// verifies with the key the receiver knows; refused whole (nothing added) when one byte was
/// changed, when signed by another key, or when the signature is missing.
#[test]
fn a_signed_bundle_is_taken_in_only_when_its_signature_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    json(&sokenh(&a, &["demo", "--no-serve", "--json"]));
    unit_root(&b, "Đảng bộ xã Bình Minh", Some(10141));
    let key = String::from_utf8(sokenh(&a, &["share", "public-key"]).stdout).unwrap();
    let key = key.trim();
    assert_eq!(key.len(), 64);
    assert_eq!(
        String::from_utf8(sokenh(&a, &["share", "public-key"]).stdout)
            .unwrap()
            .trim(),
        key,
        "one key per office"
    );
    json(&sokenh(
        &a,
        &[
            "share",
            "add",
            "--kind",
            "domain",
            "--value",
            "lua-dao-ky.top",
            "--json",
        ],
    ));
    let bundle = tmp.path().join("a.json");
    assert!(
        sokenh(&a, &["share", "export", bundle.to_str().unwrap(), "--sign"])
            .status
            .success()
    );
    let path = bundle.to_str().unwrap();
    // Signed by another key than the one the receiver knows.
    let other = "00".repeat(32);
    let out = sokenh(&b, &["share", "import", path, "--verify", &other, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("khóa khác"));
    // One byte changed.
    let original = std::fs::read_to_string(&bundle).unwrap();
    std::fs::write(
        &bundle,
        original.replace("lua-dao-ky.top", "lua-dao-ky.tap"),
    )
    .unwrap();
    let out = sokenh(&b, &["share", "import", path, "--verify", key, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Chữ ký không khớp"));
    assert_eq!(
        json(&sokenh(&b, &["share", "list", "--json"])),
        serde_json::json!([])
    );
    // As signed: taken in.
    std::fs::write(&bundle, &original).unwrap();
    let r = json(&sokenh(
        &b,
        &["share", "import", path, "--verify", key, "--json"],
    ));
    assert_eq!(r["added"], 1);
    // No signature beside it: refused when one is required.
    std::fs::remove_file(tmp.path().join("a.json.sig")).unwrap();
    assert_eq!(
        sokenh(&b, &["share", "import", path, "--verify", key])
            .status
            .code(),
        Some(1)
    );
}
