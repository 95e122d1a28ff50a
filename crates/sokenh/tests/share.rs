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
