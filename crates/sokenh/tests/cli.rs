//! The CLI contracts, called exactly as scripts call them: `--json` shapes and exit codes.

mod common;

use common::{json, sokenh};

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn write_sheet(path: &Path, rows: &[[&str; 5]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "DANH SÁCH TRANG, KÊNH, HỘI, NHÓM").unwrap();
    for (j, h) in [
        "STT",
        "Tên trang, kênh, hội, nhóm",
        "Đường dẫn (link)",
        "Số thành viên",
        "Đơn vị",
    ]
    .iter()
    .enumerate()
    {
        ws.write(2, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            ws.write(3 + i as u32, j as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn import_registry_json_contract() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = dir.path().join("so.xlsx");
    write_sheet(
        &sheet,
        &[
            [
                "1",
                "Công an xã Thạch Quảng",
                "https://www.facebook.com/congan.thachquang",
                "1.234",
                "Công an xã",
            ],
            ["2", "Trang hỏng", "file:///etc/passwd", "", "Công an xã"],
            [
                "3",
                "Công an xã Thạch Quảng",
                "m.facebook.com/congan.thachquang?fbclid=1",
                "1.250",
                "Công an xã",
            ],
            [
                "4",
                "Thạch Quảng quê tôi",
                "facebook.com/groups/thachquangquetoi",
                "không rõ",
                "",
            ],
        ],
    );
    let sheet_arg = sheet.to_str().unwrap();
    let v = json(&sokenh(
        &data,
        &[
            "import",
            "registry",
            sheet_arg,
            "--unit",
            "Đoàn Thanh niên",
            "--json",
        ],
    ));
    assert_eq!(v["inserted"], 2);
    assert_eq!(v["updated"], 0);
    assert_eq!(v["unchanged"], 0);
    assert_eq!(
        v["units_created"],
        serde_json::json!(["Đơn vị gốc", "Công an xã", "Đoàn Thanh niên"])
    );
    assert_eq!(v["rejected"].as_array().unwrap().len(), 1);
    assert_eq!(v["rejected"][0]["row"], 5);
    assert_eq!(v["rejected"][0]["column"], "url (Đường dẫn)");
    let warn_rows: Vec<i64> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["row"].as_i64().unwrap())
        .collect();
    assert_eq!(
        warn_rows,
        [6, 7],
        "row 6 repeats row 4; row 7's count is unreadable"
    );

    let again = json(&sokenh(&data, &["import", "registry", sheet_arg, "--json"]));
    assert_eq!(
        (
            again["inserted"].as_i64(),
            again["updated"].as_i64(),
            again["unchanged"].as_i64()
        ),
        (Some(0), Some(1), Some(1)),
        "row 7's unit now comes from no --unit"
    );

    let list = json(&sokenh(&data, &["registry", "list", "--json"]));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "Công an xã Thạch Quảng");
    assert_eq!(list[0]["url"], "https://facebook.com/congan.thachquang");
    assert_eq!(list[0]["platform"], "facebook");
    assert_eq!(list[0]["kind"], "page");
    assert_eq!(list[0]["members"], 1250);
    assert_eq!(list[0]["unit"], "Công an xã");
    assert_eq!(list[0]["status"], "unknown");
    assert_eq!(list[1]["kind"], "group");
    assert_eq!(list[1]["members"], Value::Null);

    let audit = json(&sokenh(&data, &["audit", "verify", "--json"]));
    assert_eq!(
        audit,
        serde_json::json!({"events": 6, "ok": true, "first_bad": null})
    );
}

#[test]
fn all_or_nothing_writes_nothing_and_a_missing_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = dir.path().join("so.xlsx");
    write_sheet(
        &sheet,
        &[
            ["1", "A", "https://a.vn", "1", "U"],
            ["2", "B", "not a link at all", "", "U"],
        ],
    );
    let v = json(&sokenh(
        &data,
        &[
            "import",
            "registry",
            sheet.to_str().unwrap(),
            "--all-or-nothing",
            "--json",
        ],
    ));
    assert_eq!(
        (v["inserted"].as_i64(), v["rejected"][0]["row"].as_i64()),
        (Some(0), Some(5))
    );
    assert_eq!(
        json(&sokenh(&data, &["registry", "list", "--json"])),
        serde_json::json!([])
    );

    let missing = sokenh(
        &data,
        &["import", "registry", "/nonexistent/so.xlsx", "--json"],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("không đọc được"));
}

#[test]
fn audit_verify_fails_on_a_tampered_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seeded = json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    assert_eq!(seeded["seeded"], true);
    assert_eq!(seeded["audit_ok"], true);
    let conn = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    conn.execute("UPDATE audit_events SET details = '{}' WHERE id = 17", [])
        .unwrap();
    drop(conn);
    let out = sokenh(&data, &["audit", "verify", "--json"]);
    assert_eq!(out.status.code(), Some(3), "tampering exits 3");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_bad"], 17);
}

#[test]
fn demo_seeds_thach_quang_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let v = json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    assert_eq!(
        (
            v["units"].as_i64(),
            v["communities"].as_i64(),
            v["members"].as_i64()
        ),
        (Some(16), Some(38), Some(75))
    );
    let again = json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    assert_eq!(again["seeded"], false);
    assert_eq!(again["communities"], 38);
    let cov = json(&sokenh(&data, &["registry", "coverage", "--json"]));
    let police = cov
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == "Công an xã Thạch Quảng")
        .unwrap()
        .clone();
    assert_eq!(
        police,
        serde_json::json!({"unit": "Công an xã Thạch Quảng", "members": 4, "declared": 3, "signed": 3})
    );
    let out = dir.path().join("export.xlsx");
    assert!(
        sokenh(&data, &["registry", "export", out.to_str().unwrap()])
            .status
            .success()
    );
    let fresh = dir.path().join("fresh");
    let v = json(&sokenh(
        &fresh,
        &["import", "registry", out.to_str().unwrap(), "--json"],
    ));
    assert_eq!(
        (
            v["inserted"].as_i64(),
            v["rejected"].as_array().map(Vec::len)
        ),
        (Some(38), Some(0))
    );
}

#[test]
fn text_commands_print_one_object_per_line() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str], input: &str| {
        let out = common::sokenh_stdin(data.path(), args, input);
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let n = run(
        &["text", "normalize", "--json"],
        "Uỷ ban nhân dân xã Thạch Quảng\nCôпg an xa\u{0303}\n",
    );
    assert_eq!(n.len(), 2);
    assert_eq!(n[0]["canonical"], "Ủy ban nhân dân xã Thạch Quảng");
    assert_eq!(n[0]["folded"], "uy ban nhan dan xa thach quang");
    assert_eq!(
        n[0]["tokens"],
        serde_json::json!(["ủy", "ban", "nhân", "dân", "xã", "thạch", "quảng"])
    );
    assert_eq!(n[1]["skeleton"], "cong an xa");
    let e = run(
        &["text", "extract", "--json"],
        "Số 181-CV/ĐU, LH 0912.345.678\n",
    );
    let kinds: Vec<&str> = e[0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["doc_number", "phone"]);
    assert_eq!(
        e[0]["entities"][1]["start"], 20,
        "a byte offset: Số and Đ are multi-byte"
    );
    assert_eq!(e[0]["entities"][1]["normalized"], "+84912345678");
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    use std::io::{Read, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .args(["text", "normalize", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Far more output than a pipe holds, so the writer meets the closed end.
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for _ in 0..20_000 {
            if stdin
                .write_all("Uỷ ban nhân dân xã Thạch Quảng\n".as_bytes())
                .is_err()
            {
                break;
            }
        }
    });
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe is closed
    let status = child.wait().unwrap();
    feeder.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(141));
}

#[test]
fn text_decode_reads_utf16_and_refuses_binary_input() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = dir.path().join("unicode.txt");
    let mut bytes = vec![0xFF, 0xFE];
    for u in "Công an xã Thạch Quảng".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    std::fs::write(&utf16, bytes).unwrap();
    let out = sokenh(dir.path(), &["text", "decode", utf16.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Công an xã Thạch Quảng"
    );
    let binary = dir.path().join("anh.png");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let out = sokenh(dir.path(), &["text", "decode", binary.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("không phải tệp văn bản"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

/// `sokenh member`: add a member, record a declaration and a signature made on paper; each is
/// counted in the unit's coverage once, and a page outside the register is refused with why.
#[test]
fn members_are_added_declared_and_signed_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    let police = |data: &Path| {
        json(&sokenh(data, &["registry", "coverage", "--json"]))
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["unit"] == "Công an xã Thạch Quảng")
            .unwrap()
            .clone()
    };
    let before = police(&data);
    let out = |args: &[&str]| {
        let o = sokenh(&data, args);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).trim().to_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, id, err) = out(&[
        "member",
        "add",
        "--unit",
        "công an xã thạch quảng",
        "Nguyễn  Văn Thử",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let id: i64 = id.parse().unwrap();
    let url = json(&sokenh(&data, &["registry", "list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .find_map(|c| c["url"].as_str().map(str::to_owned))
        .unwrap();
    let declare = [
        "member",
        "declare",
        "--member",
        &id.to_string(),
        "--url",
        &url,
    ];
    assert_eq!(out(&declare).1, "Đã kê khai / declared");
    assert_eq!(out(&declare).1, "Không thay đổi / unchanged");
    let sign = [
        "member",
        "sign",
        "--member",
        &id.to_string(),
        "--version",
        "2026-11",
    ];
    assert_eq!(out(&sign).1, "Đã ký cam kết / signed");
    assert_eq!(
        out(&sign).1,
        "Đã ký phiên bản này trước đó / already signed"
    );
    let after = police(&data);
    for (field, added) in [("members", 1), ("declared", 1), ("signed", 1)] {
        assert_eq!(
            after[field].as_i64().unwrap(),
            before[field].as_i64().unwrap() + added,
            "{field}"
        );
    }
    // Refused, saying why: a page not in the register, a member who does not exist, a unit
    // that does not exist.
    let (code, _, err) = out(&[
        "member",
        "declare",
        "--member",
        &id.to_string(),
        "--url",
        "https://www.facebook.com/khong.co.trong.so",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("chưa có trong sổ đăng ký"), "{err}");
    let (code, _, err) = out(&[
        "member",
        "sign",
        "--member",
        "99999",
        "--version",
        "2026-11",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("không tìm thấy cán bộ mã 99999"), "{err}");
    let (code, _, err) = out(&["member", "add", "--unit", "Không có", "A"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("không có đơn vị «Không có»"), "{err}");
    assert_eq!(police(&data), after, "refusals change nothing");
}

/// `sokenh doctor --json`: each check's outcome; exit 1 when one fails.
fn doctor(data: &Path, min_free_gib: &str) -> (Option<i32>, Vec<Value>) {
    let out = sokenh(data, &["doctor", "--json", "--min-free", min_free_gib]);
    let checks: Vec<Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), checks)
}

fn outcome<'a>(checks: &'a [Value], name: &str) -> (bool, &'a str) {
    let c = checks
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {checks:?}"));
    (c["ok"].as_bool().unwrap(), c["detail"].as_str().unwrap())
}

#[test]
fn doctor_says_what_is_wrong_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // No data dir yet.
    let (code, checks) = doctor(&data, "0.001");
    assert_eq!(code, Some(1));
    assert!(!outcome(&checks, "data_dir").0);
    assert!(outcome(&checks, "clock").0);

    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    common::ingest_posts(
        &data,
        &[(
            "p1",
            "thachquangquetoi",
            "2026-11-12T08:00:00+07:00",
            "Lịch cắt điện thôn Quảng Tâm",
        )],
    );
    let (code, checks) = doctor(&data, "0.001");
    let names: Vec<&str> = checks
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "data_dir",
            "database",
            "audit_chain",
            "index",
            "disk",
            "ocr",
            "libreoffice",
            "clock"
        ]
    );
    for name in [
        "data_dir",
        "database",
        "audit_chain",
        "index",
        "disk",
        "clock",
    ] {
        assert!(outcome(&checks, name).0, "{name}: {checks:?}");
    }
    assert_eq!(
        outcome(&checks, "index").1,
        "chỉ mục có đủ 1 bài đăng của cơ sở dữ liệu"
    );
    // The exit status is the checks' (the optional tools depend on the machine).
    let all_ok = checks.iter().all(|c| c["ok"] == true);
    assert_eq!(code, Some(if all_ok { 0 } else { 1 }));

    // Too little room.
    let (code, checks) = doctor(&data, "1000000");
    assert_eq!(code, Some(1));
    let (ok, detail) = outcome(&checks, "disk");
    assert!(!ok && detail.contains("dưới mức 1000000.0 GiB"), "{detail}");

    // The index gone.
    std::fs::remove_dir_all(data.join("index")).unwrap();
    let (code, checks) = doctor(&data, "0.001");
    assert_eq!(code, Some(1));
    let (ok, detail) = outcome(&checks, "index");
    assert!(!ok && detail.contains("chạy `sokenh reindex`"), "{detail}");
    assert!(sokenh(&data, &["reindex"]).status.success());
    assert!(outcome(&doctor(&data, "0.001").1, "index").0);

    // The audit chain tampered with.
    let conn = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    conn.execute("UPDATE audit_events SET details = '{}' WHERE id = 5", [])
        .unwrap();
    drop(conn);
    let (code, checks) = doctor(&data, "0.001");
    assert_eq!(code, Some(1));
    let (ok, detail) = outcome(&checks, "audit_chain");
    assert!(!ok && detail.contains("từ sự kiện #5"), "{detail}");

    // A database that cannot be opened, its password never shown.
    let out = Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(&data)
        .args([
            "--database-url",
            "postgres://sokenh:mat-khau-bi-mat@127.0.0.1:1/sokenh",
        ])
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let checks: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let (ok, detail) = outcome(&checks, "database");
    assert!(!ok && detail.contains("PostgreSQL"), "{detail}");
    let all = serde_json::to_string(&checks).unwrap();
    assert!(!all.contains("mat-khau-bi-mat"), "{all}");
    std::fs::write(data.join("sokenh.db"), b"not a database at all").unwrap();
    for f in ["sokenh.db-wal", "sokenh.db-shm"] {
        let _ = std::fs::remove_file(data.join(f));
    }
    let (code, checks) = doctor(&data, "0.001");
    assert_eq!(code, Some(1));
    assert!(!outcome(&checks, "database").0, "{checks:?}");
}

#[test]
fn doctor_reads_when_the_certificate_ends() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    let cert_ending = |days: i64| {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let end = chrono::Utc::now() + chrono::Duration::days(days);
        params.not_after = rcgen::date_time_ymd(
            chrono::Datelike::year(&end),
            chrono::Datelike::month(&end) as u8,
            chrono::Datelike::day(&end) as u8,
        );
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        let key = rcgen::KeyPair::generate().unwrap();
        let path = dir.path().join(format!("cert{days}.pem"));
        std::fs::write(&path, params.self_signed(&key).unwrap().pem()).unwrap();
        path
    };
    let tls = |path: &Path| {
        let out = sokenh(
            &data,
            &[
                "doctor",
                "--json",
                "--min-free",
                "0",
                "--tls-cert",
                path.to_str().unwrap(),
            ],
        );
        let checks: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let (ok, detail) = outcome(&checks, "tls");
        (ok, detail.to_owned())
    };
    let (ok, detail) = tls(&cert_ending(400));
    assert!(ok && detail.contains("(còn 39"), "{detail}");
    let (ok, detail) = tls(&cert_ending(5));
    assert!(!ok && detail.contains("gia hạn ngay"), "{detail}");
    let (ok, detail) = tls(&cert_ending(-3));
    assert!(!ok && detail.contains("đã hết hạn"), "{detail}");
    std::fs::write(dir.path().join("junk.pem"), "not a certificate").unwrap();
    let (ok, detail) = tls(&dir.path().join("junk.pem"));
    assert!(
        !ok && detail.contains("không đọc được chứng chỉ"),
        "{detail}"
    );
}

/// An installed sokenh reads its data dir from `--config`; the command line wins over the file,
/// and a misspelt key stops it with the file's name.
#[test]
fn the_configuration_file_names_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("from-config");
    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    let config = dir.path().join("sokenh.toml");
    std::fs::write(
        &config,
        format!(
            "data = {:?}\n[serve]\nbind = \"127.0.0.1:0\"\n",
            data.to_str().unwrap()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sokenh"))
            .arg("--config")
            .arg(&config)
            .args(args)
            .env_remove("SOKENH_DATA")
            .env_remove("SOKENH_DATABASE_URL")
            .output()
            .unwrap()
    };
    let v = json(&run(&["registry", "list", "--json"]));
    assert_eq!(
        v.as_array().unwrap().len(),
        38,
        "the demo register, from the file's data dir"
    );
    // The command line wins.
    let empty = dir.path().join("empty");
    let out = run(&[
        "--data",
        empty.to_str().unwrap(),
        "doctor",
        "--json",
        "--min-free",
        "0",
    ]);
    let checks: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!outcome(&checks, "data_dir").0, "{checks:?}");
    std::fs::write(&config, "[serve]\nbnid = \"0.0.0.0:80\"\n").unwrap();
    let out = run(&["doctor", "--json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sokenh.toml") && err.contains("không hợp lệ"),
        "{err}"
    );
}

/// An operator at the terminal disables and enables an account and changes its role, each with
/// its reason in the audit log, and makes tokens that end; what the rules refuse exits 1 saying
/// why.
#[test]
fn accounts_are_disabled_enabled_and_moved_and_tokens_end_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    let fails_saying = |args: &[&str], why: &str| {
        let out = sokenh(&data, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{args:?}: {err}");
    };
    let user = |name: &str| {
        json(&sokenh(&data, &["admin", "users", "--json"]))
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .cloned()
            .unwrap()
    };
    assert!(user("congan")["disabled_at"].is_null());
    assert!(
        sokenh(
            &data,
            &[
                "admin",
                "disable-user",
                "congan",
                "--reason",
                "nghỉ phép dài"
            ]
        )
        .status
        .success()
    );
    assert!(user("congan")["disabled_at"].is_string());
    fails_saying(
        &["admin", "disable-user", "congan", "--reason", "lần nữa"],
        "đã bị khóa",
    );
    fails_saying(
        &["admin", "disable-user", "quantri", "--reason", "thử"],
        "quản trị viên duy nhất",
    );
    assert!(
        sokenh(&data, &["admin", "enable-user", "congan"])
            .status
            .success()
    );
    assert!(user("congan")["disabled_at"].is_null());
    fails_saying(
        &[
            "admin",
            "set-role",
            "congan",
            "--role",
            "unit_admin",
            "--reason",
            "x",
        ],
        "unit_admin cần --unit",
    );
    fails_saying(
        &[
            "admin", "set-role", "dangvien", "--role", "officer", "--reason", "x",
        ],
        "Tài khoản đảng viên",
    );
    assert!(
        sokenh(
            &data,
            &[
                "admin",
                "set-role",
                "congan",
                "--role",
                "unit_admin",
                "--unit",
                "Chi bộ thôn Đồng Tâm",
                "--reason",
                "phụ trách thôn",
            ]
        )
        .status
        .success()
    );
    let moved = user("congan");
    assert_eq!(
        (moved["role"].as_str(), moved["unit"].as_str()),
        (Some("unit_admin"), Some("Chi bộ thôn Đồng Tâm"))
    );

    // Tokens end: 1 to 730 days, and the end is said.
    fails_saying(
        &[
            "admin",
            "create-token",
            "--name",
            "x",
            "--role",
            "analyst",
            "--valid-days",
            "731",
        ],
        "từ 1 đến 730 ngày",
    );
    let made = json(&sokenh(
        &data,
        &[
            "admin",
            "create-token",
            "--name",
            "tỉnh",
            "--role",
            "analyst",
            "--valid-days",
            "90",
            "--json",
        ],
    ));
    let end = made["expires_at"].as_str().unwrap();
    let days = (chrono::DateTime::parse_from_rfc3339(end).unwrap().to_utc() - chrono::Utc::now())
        .num_days();
    assert_eq!(days, 89, "{end}");

    let log = json(&sokenh(&data, &["audit", "verify", "--json"]));
    assert_eq!(log["ok"], true);
    let db = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    let actions: Vec<String> = db
        .prepare("SELECT action || ' ' || details FROM audit_events WHERE action LIKE 'user.%' AND actor = 'cli' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions.len(), 3, "{actions:?}");
    assert!(actions[0].starts_with("user.disable {\"reason\":\"nghỉ phép dài\"}"));
    assert!(actions[1].starts_with("user.enable"));
    assert!(
        actions[2].contains("\"from\":{\"role\":\"officer\"")
            && actions[2].contains("phụ trách thôn")
    );
}

/// `library add FILE --title … --version V --effective DATE` and `library list --json`: the
/// contract scripts call, the kind read from the title, a refused file exiting 1 with why.
#[test]
fn the_rules_library_keeps_versions_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("chi-thi.txt");
    std::fs::write(
        &file,
        "Chỉ thị số 35 về quản lý trang mạng.
",
    )
    .unwrap();
    let added = json(&sokenh(
        &data,
        &[
            "library",
            "add",
            file.to_str().unwrap(),
            "--title",
            "Chỉ thị về quản lý trang, kênh, nhóm",
            "--version",
            "2026",
            "--effective",
            "2026-03-15",
            "--json",
        ],
    ));
    assert_eq!(
        (
            added["kind"].as_str(),
            added["effective"].as_str(),
            added["text_chars"].as_u64(),
            added["current"].as_bool()
        ),
        (Some("directive"), Some("2026-03-15"), Some(36), Some(false))
    );
    let list = json(&sokenh(&data, &["library", "list", "--json"]));
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let mut keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "added_at",
            "added_by",
            "changes",
            "current",
            "effective",
            "file_name",
            "id",
            "kind",
            "media_type",
            "sha256",
            "size",
            "title",
            "version"
        ]
    );
    assert_eq!(rows[0]["sha256"].as_str().unwrap().len(), 64);
    let picture = dir.path().join("anh.png");
    std::fs::write(&picture, b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    let out = sokenh(
        &data,
        &[
            "library",
            "add",
            picture.to_str().unwrap(),
            "--title",
            "Quy tắc ứng xử",
            "--version",
            "1",
            "--effective",
            "2026-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không phải PDF, DOCX"));
}

/// A password guessing tries first is refused wherever an account gets one.
#[test]
fn common_passwords_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    for (password, why) in [
        ("Qwerty123456", "quá dễ đoán"),
        ("matkhau12345", "quá dễ đoán"),
        ("ngan-qua", "ít nhất 12 ký tự"),
    ] {
        let out = sokenh(
            &data,
            &[
                "admin",
                "create-user",
                "--username",
                "canbo.thu",
                "--role",
                "officer",
                "--password",
                password,
            ],
        );
        assert!(!out.status.success(), "{password}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{password}: {err}");
    }
}
