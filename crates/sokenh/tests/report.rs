//! The periodic report: every figure equals the store's own count for the period, the model reads
//! as a golden text, the DOCX has the administrative structure in its order, the XLSX appendix
//! re-reads with calamine, the PDF renders (LibreOffice and pdftoppm, installed by `.ci/run`),
//! and `analytics spikes` finds the day that was made to spike.

mod common;
use common::http::{get, login};
use common::{json, sokenh};
use serde_json::{Value, json};
use std::io::Read;
use std::path::Path;

/// The demo commune plus a month of posts with known counts: 5 Facebook posts a day in
/// November 2026 in the demo's village group (150), 2 a day on Telegram (60), 3 scam posts on
/// 12 November, 40 posts on 20 November (the spike), and 6 posts a day in October (the
/// background, and the normal the spike is measured against).
fn dataset(dir: &Path) {
    json(&sokenh(dir, &["demo", "--no-serve", "--json"]));
    let mut lines = Vec::new();
    let mut post = |id: String, platform: &str, community: &str, at: String, text: &str| {
        lines.push(
            json!({
                "id": id, "community_url": community, "platform": platform, "published_at": at,
                "text": text, "author": "nguoi-dan", "reactions": 2, "comments": 1, "shares": 1
            })
            .to_string(),
        );
    };
    let fb = "https://www.facebook.com/groups/thachquang.dongtam";
    let tg = "https://t.me/tinthachquang";
    for day in 1..=30 {
        for k in 0..5 {
            post(
                format!("fb-{day}-{k}"),
                "facebook",
                fb,
                format!("2026-11-{day:02}T0{k}:15:00+07:00"),
                "Lịch tiêm chủng tại trạm y tế xã tuần này",
            );
        }
        for k in 0..2 {
            post(
                format!("tg-{day}-{k}"),
                "telegram",
                tg,
                format!("2026-11-{day:02}T1{k}:30:00+07:00"),
                "Thông báo lịch cắt điện thôn Đồng Tâm",
            );
        }
    }
    for k in 0..3 {
        post(
            format!("scam-{k}"),
            "facebook",
            fb,
            format!("2026-11-12T20:0{k}:00+07:00"),
            "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay",
        );
    }
    for k in 0..40 {
        post(
            format!("spike-{k}"),
            "facebook",
            fb,
            format!("2026-11-20T15:{k:02}:00+07:00"),
            "Mưa lớn gây ngập đường liên thôn Quảng Thành sáng nay",
        );
    }
    for day in 1..=31 {
        for k in 0..6 {
            post(
                format!("oct-{day}-{k}"),
                "facebook",
                fb,
                format!("2026-10-{day:02}T0{k}:00:00+07:00"),
                "Họp dân thôn Đồng Tâm về làm đường",
            );
        }
    }
    let file = dir.join("posts.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let v = json(&sokenh(dir, &["ingest", file.to_str().unwrap(), "--json"]));
    assert_eq!(v["inserted"], 253 + 31 * 6, "{v}");
}

fn report(dir: &Path, format: &str) -> (Value, std::path::PathBuf) {
    let out = dir.join(format!("bao-cao.{format}"));
    let v = json(&sokenh(
        dir,
        &[
            "report",
            "--period",
            "2026-11",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--date",
            "2026-12-05",
            "--json",
        ],
    ));
    (v, out)
}

#[test]
fn every_figure_is_the_stores_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    dataset(dir);
    let (model, xlsx) = report(dir, "xlsx");
    let f = &model["figures"];
    assert_eq!(f["items"], 150 + 60 + 3 + 40);
    assert_eq!(
        f["items_by_platform"],
        json!({"facebook": 193, "telegram": 60})
    );
    assert_eq!(
        (
            f["reactions"].as_u64(),
            f["comments"].as_u64(),
            f["shares"].as_u64()
        ),
        (Some(506), Some(253), Some(253))
    );
    assert_eq!(f["items_by_day"]["2026-11-20"], 47);
    assert_eq!(f["items_by_day"]["2026-11-12"], 10);
    // The register and coverage: the same numbers the registry commands give.
    let register = json(&sokenh(dir, &["registry", "list", "--json"]));
    assert_eq!(
        f["communities"].as_u64().unwrap() as usize,
        register.as_array().unwrap().len()
    );
    let coverage = json(&sokenh(dir, &["registry", "coverage", "--json"]));
    assert_eq!(f["coverage"], coverage);
    // Flagged posts: what `signals list` holds for November, by category.
    let scam = json(&sokenh(
        dir,
        &["signals", "list", "--category", "scam", "--json"],
    ));
    let in_november = scam
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["item_id"].as_str().unwrap().starts_with("scam-"))
        .count();
    assert_eq!(in_november, 3);
    assert_eq!(f["items_flagged_by_category"]["scam"], 3);
    // The spike is found and the forecast exists.
    assert!(
        f["spikes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["series"] == "all" && s["at"] == "2026-11-20"),
        "{}",
        f["spikes"]
    );
    assert_eq!(f["forecast"]["points"].as_array().unwrap().len(), 7);
    // The audit anchor is the log's own.
    let audit = json(&sokenh(dir, &["audit", "verify", "--json"]));
    assert!(f["audit_events"].as_u64().unwrap() + 1 >= audit["events"].as_u64().unwrap() - 1);

    // The appendix, re-read: the same totals.
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "Tong hop",
            "Bai dang",
            "So dang ky",
            "Ke khai cam ket",
            "Canh bao",
            "Trang gia mao",
            "Chu de",
            "Dot bien",
            "Du bao"
        ]
    );
    let sheet = wb.worksheet_range("Bai dang").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[2], ["STT", "Nền tảng", "Số bài đăng"]);
    assert_eq!(rows[3], ["1", "Facebook", "193"]);
    assert_eq!(rows[4], ["2", "Telegram", "60"]);
    assert_eq!(rows[5], ["", "Tổng cộng", "253"]);
    let sheet = wb.worksheet_range("So dang ky").unwrap();
    let last = sheet.rows().next_back().unwrap();
    assert_eq!(last[2].to_string(), f["communities"].to_string());
}

#[test]
fn the_model_reads_as_expected() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (model, _) = report(tmp.path(), "xlsx");
    let mut text = String::new();
    for k in [
        "superior",
        "issuer",
        "number",
        "place_date",
        "title",
        "subject",
    ] {
        text.push_str(model[k].as_str().unwrap());
        text.push('\n');
    }
    for s in model["sections"].as_array().unwrap() {
        text.push_str(&format!("## {}\n", s["heading"].as_str().unwrap()));
        for p in s["paragraphs"].as_array().unwrap() {
            text.push_str(&format!("{}\n", p.as_str().unwrap()));
        }
    }
    for t in model["tables"].as_array().unwrap() {
        text.push_str(&format!(
            "[{}] {} — {} rows, total {}\n",
            t["sheet"].as_str().unwrap(),
            t["title"].as_str().unwrap(),
            t["rows"].as_array().unwrap().len(),
            t["total"]
        ));
    }
    for r in model["recipients"].as_array().unwrap() {
        text.push_str(&format!("- {}\n", r.as_str().unwrap()));
    }
    text.push_str(&format!(
        "{} / {}\n",
        model["signature_on_behalf"].as_str().unwrap(),
        model["signature_role"].as_str().unwrap()
    ));
    expect_test::expect_file!["golden/report-2026-11.txt"].assert_eq(&text);
}

fn docx_part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_docx_has_the_administrative_layout_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (_, docx) = report(tmp.path(), "docx");
    let xml = docx_part(&docx, "word/document.xml");
    let order = [
        "ĐẢNG BỘ TỈNH THANH HÓA",
        "ĐẢNG ỦY XÃ THẠCH QUẢNG",
        ">*<",
        "Số       -BC/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Thạch Quảng, ngày 5 tháng 12 năm 2026",
        ">BÁO CÁO<",
        "Kết quả quản lý trang, kênh, hội, nhóm trên không gian mạng tháng 11 năm 2026",
        "I. TÌNH HÌNH CHUNG",
        "Trong tháng 11 năm 2026, hệ thống ghi nhận 253 bài đăng",
        "Bảng 1. Bài đăng công khai theo nền tảng",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. HẠN CHẾ",
        "IV. NHIỆM VỤ THỜI GIAN TỚI",
        "Nơi nhận:",
        "T/M BAN THƯỜNG VỤ",
        "BÍ THƯ",
    ];
    let mut at = 0;
    for needle in order {
        let found = xml[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("«{needle}» missing or out of order"));
        at += found + needle.len();
    }
    // "ĐẢNG CỘNG SẢN VIỆT NAM" bold and underlined; A4 with the guidance's margins; Times New Roman 14.
    assert!(xml.contains("<w:b/><w:u w:val=\"single\"/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/></w:rPr><w:t xml:space=\"preserve\">ĐẢNG CỘNG SẢN VIỆT NAM"));
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\""));
    let styles = docx_part(&docx, "word/styles.xml");
    assert!(
        styles.contains("w:ascii=\"Times New Roman\"") && styles.contains("<w:sz w:val=\"28\"/>")
    );
    // Charts are in the package.
    let zip = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
    let pngs = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .count();
    assert!(pngs >= 3, "{pngs} charts");
}

#[test]
fn the_pdf_renders() {
    // Installed at all (poppler's tools exit non-zero on --version): can it be started?
    let have = |cmd: &str| std::process::Command::new(cmd).arg("-v").output().is_ok();
    if !(have("soffice") && have("pdftoppm")) {
        assert!(
            std::env::var("CI").is_err(),
            "CI installs LibreOffice and poppler-utils (.ci/run)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (_, pdf) = report(tmp.path(), "pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let prefix = tmp.path().join("page");
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("page"))
        .unwrap();
    assert!(
        std::fs::metadata(page.path()).unwrap().len() > 5_000,
        "the first page is not blank"
    );
    // The text layer carries the header block (pdftotext when present).
    if have("pdftotext") {
        let out = std::process::Command::new("pdftotext")
            .args(["-l", "1"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("ĐẢNG CỘNG SẢN VIỆT NAM") && text.contains("BÁO CÁO"),
            "{text}"
        );
    }
}

#[test]
fn analytics_spikes_contract() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let v = json(&sokenh(
        tmp.path(),
        &[
            "analytics",
            "spikes",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
            "--json",
        ],
    ));
    let spikes = v.as_array().unwrap();
    let day = spikes
        .iter()
        .find(|s| s["series"] == "all" && s["at"] == "2026-11-20")
        .expect("the spike day");
    for k in ["series", "at", "value", "baseline", "score"] {
        assert!(day.get(k).is_some(), "{k} missing in {day}");
    }
    assert_eq!(day["value"], 47.0);
    assert!(day["score"].as_f64().unwrap() >= 4.0);
    // Every spike is on or after --since, and no quiet day is called one.
    assert!(
        spikes
            .iter()
            .all(|s| s["at"].as_str().unwrap() >= "2026-11-01")
    );
    assert!(
        !spikes
            .iter()
            .any(|s| s["series"] == "all" && s["at"] == "2026-11-19")
    );
    let bad = sokenh(
        tmp.path(),
        &[
            "report", "--period", "2026-13", "--format", "docx", "--out", "x.docx",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("kỳ báo cáo «2026-13» không hợp lệ"));
}

#[test]
fn a_scam_reaching_three_communities_raises_one_alert_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    dataset(dir);
    let text = "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay";
    let lines = [
        json!({"id": "scam-tg", "community_url": "https://t.me/tinthachquang", "platform": "telegram", "published_at": "2026-11-13T08:00:00+07:00", "text": text}),
        json!({"id": "scam-zalo", "community_url": "https://zalo.me/g/thachquangcho", "platform": "zalo", "published_at": "2026-11-14T09:00:00+07:00", "text": text}),
    ];
    let file = dir.join("more.jsonl");
    std::fs::write(
        &file,
        lines
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    json(&sokenh(dir, &["ingest", file.to_str().unwrap(), "--json"]));

    let spread = json(&sokenh(
        dir,
        &[
            "analytics",
            "spread",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
            "--json",
        ],
    ));
    let spread = spread.as_array().unwrap();
    assert_eq!(spread.len(), 1, "{spread:?}");
    assert_eq!(
        (
            spread[0]["category"].as_str(),
            spread[0]["communities"].as_u64()
        ),
        (Some("scam"), Some(3))
    );
    assert_eq!(spread[0]["at"], "2026-11-14T09:00:00+07:00");
    assert_eq!(spread[0]["items"].as_array().unwrap().len(), 5);
    assert_eq!(
        spread[0]["timeline"],
        json!([["2026-11-12", 1], ["2026-11-13", 1], ["2026-11-14", 1]])
    );

    let first = json(&sokenh(
        dir,
        &[
            "analytics",
            "watch",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
            "--json",
        ],
    ));
    let raised = first["alerts_raised"].as_u64().unwrap();
    assert!(raised >= 1);
    let spread_alert = first["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["explanation"].as_str().unwrap().starts_with("Lan rộng"))
        .unwrap();
    assert_eq!(spread_alert["item_ids"].as_array().unwrap().len(), 5);
    // Its chart is written next to the data.
    let chart = std::fs::read_to_string(spread_alert["chart"].as_str().unwrap()).unwrap();
    assert!(
        chart.starts_with("<svg") && chart.contains("số trang, nhóm đã xuất hiện"),
        "{chart}"
    );
    // Watching again raises nothing new, and every alert is in the audit log.
    let again = json(&sokenh(
        dir,
        &[
            "analytics",
            "watch",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
            "--json",
        ],
    ));
    assert_eq!(again["alerts_raised"], 0);
    let audit = json(&sokenh(dir, &["audit", "verify", "--json"]));
    assert_eq!(audit["ok"], true);
}

/// The takedown letter of a case opened from the scam alert of the dataset: its model as text,
/// a snapshot.
#[test]
fn the_letter_reads_as_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    dataset(dir);
    let mut store = app::db::open(dir, None).unwrap();
    let alerts = store.alerts().unwrap();
    let scam: Vec<i64> = alerts
        .iter()
        .filter(|a| a.category == domain::Category::Scam)
        .map(|a| a.id)
        .collect();
    assert_eq!(scam.len(), 1, "{alerts:?}");
    let case = store
        .open_case(
            "canbo",
            "Tuyển cộng tác viên lừa đảo",
            domain::Category::Scam,
            None, // about the posts: the letter names the pages they were on
            &scam,
        )
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    let letter = app::report::letter::takedown(&mut store, case, today).unwrap();
    let mut text = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        letter.superior, letter.issuer, letter.number, letter.about, letter.place_date
    );
    for a in &letter.addressees {
        text.push_str(&format!("Kính gửi: {a}\n"));
    }
    for p in &letter.paragraphs {
        text.push_str(&format!("{p}\n"));
    }
    for e in &letter.evidence {
        text.push_str(&format!("* {e}\n"));
    }
    text.push_str(&format!("{}\n", letter.closing));
    for r in &letter.recipients {
        text.push_str(&format!("- {r}\n"));
    }
    text.push_str(&format!("{} / {}\n", letter.on_behalf, letter.role));
    expect_test::expect_file!["golden/letter-scam.txt"].assert_eq(&text);

    // Rendered, it is a DOCX whose body carries the model's words (the layout itself is the
    // `report` crate's snapshot).
    let docx = app::report::docx::letter(&letter).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains("Tuyển cộng tác viên lừa đảo"),
        "the case's title"
    );
}

#[test]
fn analytics_show_the_seeded_spike_day_and_a_forecast_band() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let s = common::start_demo(tmp.path());
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    let r = get(&s, "/api/v1/analytics?period=2026-11", Some(&analyst));
    assert_eq!(r.status, 200, "{}", r.body);
    let a: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let days = a["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days[0]["date"], "2026-11-01");
    // The seeded spike: 47 posts on 20 November against a usual 7 (as the report has it).
    let d20 = days.iter().find(|d| d["date"] == "2026-11-20").unwrap();
    assert_eq!(d20["posts"], 47, "{}", r.body);
    let spike = a["spikes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["series"] == "posts")
        .unwrap_or_else(|| panic!("{}", a["spikes"]));
    assert_eq!(
        (&spike["at"], &spike["value"]),
        (&"2026-11-20".into(), &47.0.into())
    );
    assert_eq!(spike["baseline"], 7.0);
    // The band: the seven days after the period, each with low ≤ value ≤ high.
    let forecast = a["forecast"].as_array().unwrap();
    let dates: Vec<&str> = forecast
        .iter()
        .map(|f| f["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2026-12-01",
            "2026-12-02",
            "2026-12-03",
            "2026-12-04",
            "2026-12-05",
            "2026-12-06",
            "2026-12-07"
        ]
    );
    for f in forecast {
        let (l, v, h) = (
            f["low"].as_f64().unwrap(),
            f["value"].as_f64().unwrap(),
            f["high"].as_f64().unwrap(),
        );
        assert!(l <= v && v <= h && h > 0.0, "{f}");
    }
    // A day of fewer than five posts is withheld, never shown.
    assert!(
        days.iter()
            .all(|d| d["posts"].is_null() || d["posts"].as_u64().unwrap() >= 5)
    );
    assert!(a["topics"].is_array());

    // The page: the chart (SVG with the spike marked) and its table.
    let page = get(&s, "/phan-tich?ky=2026-11", Some(&analyst));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg"), "{}", page.body);
    assert!(
        page.body
            .contains("<td>2026-11-20</td><td class=\"num\">47</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Dự báo 7 ngày tới"));

    // Refusals: a bad period or unit says which (422), a member may not (403).
    let bad = get(&s, "/api/v1/analytics?period=2026-13", Some(&analyst));
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("2026-Q4"), "{}", bad.body);
    let unit = get(
        &s,
        "/api/v1/analytics?period=2026-11&unit=999999",
        Some(&analyst),
    );
    assert_eq!(unit.status, 422, "{}", unit.body);
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    assert_eq!(
        get(&s, "/api/v1/analytics?period=2026-11", Some(&member)).status,
        403
    );
    assert_eq!(get(&s, "/phan-tich", Some(&member)).status, 403);
}
