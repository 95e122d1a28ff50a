//! The model as the renderers lay it out: a small report's DOCX body and a letter's, each a
//! snapshot (one element a line), and the XLSX appendix's sheets.

use report::{Cell, Letter, Period, Report, Section, Table};

fn small_report() -> Report {
    Report {
        period: Period::parse("2026-11").unwrap(),
        superior: "ĐẢNG BỘ TỈNH THANH HÓA".into(),
        issuer: "ĐẢNG ỦY XÃ THẠCH QUẢNG".into(),
        number: "Số       -BC/ĐU".into(),
        place_date: "Thạch Quảng, ngày 5 tháng 12 năm 2026".into(),
        title: "BÁO CÁO".into(),
        subject: "tình hình trang, nhóm trên không gian mạng tháng 11/2026".into(),
        sections: vec![Section {
            heading: "I. TÌNH HÌNH CHUNG".into(),
            paragraphs: vec!["Sổ đăng ký có 2 trang & nhóm <đang theo dõi>.".into()],
            tables: vec![0],
            charts: vec![],
        }],
        tables: vec![Table {
            sheet: "Nen tang".into(),
            title: "Bài đăng theo nền tảng".into(),
            header: vec!["Nền tảng".into(), "Bài đăng".into()],
            rows: vec![
                vec![Cell::text("Facebook"), Cell::count(1250)],
                vec![Cell::text("Zalo"), Cell::public(3)],
            ],
            total: Some(vec![Cell::text("Cộng"), Cell::count(1253)]),
        }],
        charts: vec![],
        recipients: vec![
            "Ban Thường vụ Đảng ủy (để báo cáo),".into(),
            "Lưu Văn phòng.".into(),
        ],
        signature_on_behalf: "T/M BAN THƯỜNG VỤ".into(),
        signature_role: "BÍ THƯ".into(),
        figures: report::Figures::default(),
    }
}

fn lines(xml: &str) -> String {
    xml.replace("><", ">\n<")
}

#[test]
fn a_small_reports_docx_body() {
    let r = small_report();
    assert_eq!(
        r.tables[0].rows[1][1].shown(),
        "< 5",
        "a public count under 5 is withheld"
    );
    assert_eq!(r.tables[0].rows[0][1].shown(), "1.250");
    expect_test::expect_file!["golden/small-report.document.xml"]
        .assert_eq(&lines(&report::docx::document_xml(&r, &[])));
}

#[test]
fn a_letters_docx_body() {
    let l = Letter {
        superior: "ĐẢNG BỘ TỈNH THANH HÓA".into(),
        issuer: "ĐẢNG ỦY XÃ THẠCH QUẢNG".into(),
        number: "Số       -CV/ĐU".into(),
        about: "V/v đề nghị gỡ bỏ trang giả mạo".into(),
        place_date: "Thạch Quảng, ngày 5 tháng 12 năm 2026".into(),
        addressees: vec!["Công ty Meta Platforms, Inc. (mạng xã hội Facebook)".into()],
        paragraphs: vec!["Trang «UBND xã Thạch Quảng» giả mạo trang chính thức.".into()],
        evidence: vec!["anh-chup.png, 120 KB, SHA-256 ab12…".into()],
        closing: "Trân trọng đề nghị./.".into(),
        recipients: vec!["Như trên,".into(), "Lưu hồ sơ số 3.".into()],
        on_behalf: "T/M BAN THƯỜNG VỤ".into(),
        role: "PHÓ BÍ THƯ".into(),
    };
    let docx = report::docx::letter(&l).unwrap();
    expect_test::expect_file!["golden/letter.document.xml"]
        .assert_eq(&lines(&part(&docx, "word/document.xml")));
}

fn part(zip: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut s = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn the_appendix_has_a_sheet_per_table() {
    let bytes = report::xlsx::render(&small_report()).unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut sheets: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    sheets.sort_unstable();
    assert_eq!(
        sheets,
        ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"],
        "the cover sheet, then one per table"
    );
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("name=\"Nen tang\""), "{workbook}");
}
