//! The media and impersonation commands as scripts call them: `media hash` JSON lines,
//! `media provenance`, `media avatar`, `media ocr` (feature `ocr`), `impersonation scan` on the
//! demo commune.

mod common;
use common::{json, sokenh};
use serde_json::Value;
use std::path::PathBuf;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../media/tests/fixtures")
        .join(path)
}

#[test]
fn media_hash_prints_one_object_per_file_and_fails_on_a_non_image() {
    let dir = tempfile::tempdir().unwrap();
    let a = fixture("pdqhash/base.png");
    let b = fixture("pdqhash/poster.gif");
    let out = sokenh(
        dir.path(),
        &[
            "media",
            "hash",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], a.to_str().unwrap());
    // The pdqhash fixture's own expected values.
    assert_eq!(
        lines[0]["pdq"],
        "f8f8f0eee0f4a84f0e37022a078f63f0b36e2ed596221e1d33e6339c4a9c9b22"
    );
    assert_eq!(lines[0]["quality"], 100);
    assert_eq!(
        lines[1]["pdq"],
        "bf55ad7087f0ab50545e56adb52b2b5056b4955015f0b55243d0fc1e8aa55aaf"
    );

    let text = dir.path().join("not-an-image.png");
    std::fs::write(&text, "hello").unwrap();
    let out = sokenh(
        dir.path(),
        &[
            "media",
            "hash",
            a.to_str().unwrap(),
            text.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(!out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "the good file is still hashed");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("không phải ảnh"),
        "{}",
        lines[1]
    );
}

#[test]
fn media_provenance_reports_what_the_file_declares() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("provenance/jpeg-firefly-xmp.jpg");
    let v = json(&sokenh(
        dir.path(),
        &["media", "provenance", f.to_str().unwrap(), "--json"],
    ));
    assert_eq!(v["verdict"], "ai_declared");
    assert_eq!(v["format"], "jpeg");
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
    assert!(
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["evidence"] == "DigitalSourceType compositeWithTrainedAlgorithmicMedia")
    );
    let f = fixture("provenance/plain.webp");
    let v = json(&sokenh(
        dir.path(),
        &["media", "provenance", f.to_str().unwrap(), "--json"],
    ));
    assert_eq!(v["verdict"], "none_found");
}

fn scan(dir: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["impersonation", "scan", "--json"];
    args.extend_from_slice(extra);
    json(&sokenh(dir, &args)).as_array().unwrap().clone()
}

#[test]
fn the_demo_commune_has_three_impostors_and_its_neighbours_are_not_among_them() {
    let dir = tempfile::tempdir().unwrap();
    json(&sokenh(dir.path(), &["demo", "--no-serve", "--json"]));
    let findings = scan(dir.path(), &[]);
    let pairs: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["candidate"]["name"].as_str().unwrap(),
                f["official"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("Cong an xa Thach Quang", "Công an xã Thạch Quảng"),
            ("Công an xã Thạch Quảng 24h", "Công an xã Thạch Quảng"),
            (
                "UBND xã Thạch Quảng - Hỗ trợ người dân",
                "Ủy ban nhân dân xã Thạch Quảng"
            ),
        ]
    );
    for f in &findings {
        let score = f["score"].as_f64().unwrap();
        assert!((0.6..=1.0).contains(&score), "{f}");
        assert!(!f["reasons"].as_array().unwrap().is_empty());
        assert_eq!(f["candidate"]["platform"], "facebook");
    }
    assert_eq!(
        findings[0]["reasons"][2],
        "tên tài khoản «congan.thachquang.official» là «congan.thachquang» thêm tiền tố/hậu tố"
    );
    // Lower the bar: more is shown, never a neighbour's page or a community group.
    let all = scan(dir.path(), &["--min-score", "0"]);
    assert!(all.len() >= findings.len());
    for f in &all {
        let name = f["candidate"]["name"].as_str().unwrap();
        assert!(
            !name.contains("Thạch Lập") && !name.contains("Thạch Bình") && !name.contains("Vân Du"),
            "{name}"
        );
    }
    // The scan is in the audit log.
    let v = json(&sokenh(dir.path(), &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
}

#[test]
fn a_copied_avatar_is_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    json(&sokenh(dir.path(), &["demo", "--no-serve", "--json"]));
    let official = fixture("pdqhash/base.png");
    let copy = fixture("pdqhash/resized-200.png");
    let v = json(&sokenh(
        dir.path(),
        &[
            "media",
            "avatar",
            "https://www.facebook.com/ubnd.thachquang",
            official.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(
        (v["changed"].as_bool(), v["quality"].as_u64()),
        (Some(true), Some(100))
    );
    json(&sokenh(
        dir.path(),
        &[
            "media",
            "avatar",
            "https://www.facebook.com/ubndthachquang.hotro",
            copy.to_str().unwrap(),
            "--json",
        ],
    ));
    let findings = scan(dir.path(), &[]);
    let ubnd = findings
        .iter()
        .find(|f| f["candidate"]["name"] == "UBND xã Thạch Quảng - Hỗ trợ người dân")
        .unwrap();
    let reasons: Vec<&str> = ubnd["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("ảnh đại diện giống ảnh của trang chính thức")),
        "{reasons:?}"
    );
    assert!(ubnd["score"].as_f64().unwrap() > 0.8);
    // An avatar for a page that is not in the register is refused.
    let out = sokenh(
        dir.path(),
        &[
            "media",
            "avatar",
            "https://www.facebook.com/nobody.here",
            copy.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("không có trang"));
}

#[cfg(feature = "ocr")]
#[test]
fn text_in_a_scam_poster_is_screened_like_a_post() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("ocr/scam-poster.png");
    let out = sokenh(dir.path(), &["media", "ocr", f.to_str().unwrap(), "--json"]);
    let v: Value = json(&out);
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .starts_with("THÔNG BÁO TRÚNG THƯỞNG")
    );
    let cats: Vec<&str> = v["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["category"].as_str().unwrap())
        .collect();
    assert!(cats.contains(&"scam"), "{v}");
}

#[test]
fn a_page_renamed_into_an_official_name_says_so() {
    let dir = tempfile::tempdir().unwrap();
    json(&sokenh(dir.path(), &["demo", "--no-serve", "--json"]));
    let sheet = dir.path().join("so.csv");
    let write = |name: &str| {
        std::fs::write(
            &sheet,
            format!("STT;Tên trang, kênh, hội, nhóm;Đường dẫn (link)\n1;{name};https://www.facebook.com/profile.php?id=100077000001\n"),
        )
        .unwrap();
        json(&sokenh(
            dir.path(),
            &["import", "registry", sheet.to_str().unwrap(), "--json"],
        ));
    };
    write("Shop quần áo giá rẻ");
    assert!(
        scan(dir.path(), &[])
            .iter()
            .all(|f| f["candidate"]["name"] != "Shop quần áo giá rẻ")
    );
    // Bought and renamed: the next scan finds it, and says what it was called.
    write("Công an xã Thạch Quảng");
    let findings = scan(dir.path(), &[]);
    let f = findings
        .iter()
        .find(|f| f["candidate"]["url"] == "https://facebook.com/profile.php?id=100077000001")
        .expect("the renamed page is found");
    let reasons: Vec<&str> = f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("đổi tên từ «Shop quần áo giá rẻ»")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"tên trùng hệt tên trang chính thức «Công an xã Thạch Quảng»"),
        "{reasons:?}"
    );
}
