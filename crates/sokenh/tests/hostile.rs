//! Hostile input against the served binary: spreadsheet bombs built here in code (no committed
//! blobs) uploaded by a unit's administrator — the lowest role that may import — each refused with
//! its message and no path or parser detail, the server still serving after each, and its peak
//! memory (VmHWM) at most 256 MB at the end.

mod common;
use common::http::*;
use std::io::{Cursor, Read, Write};

type Parts = Vec<(String, Vec<u8>)>;

/// A real workbook with one sheet, as its parts, for the bombs to replace one part of.
fn workbook_parts() -> Parts {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "Tên trang, kênh, hội, nhóm").unwrap();
    ws.write(0, 1, "Đường dẫn (link)").unwrap();
    ws.write(1, 0, "Tin xã").unwrap();
    ws.write(1, 1, "https://facebook.com/tinxa").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().unwrap().into_owned();
            let mut body = Vec::new();
            part.read_to_end(&mut body).unwrap();
            (name, body)
        })
        .collect()
}

fn zip_of(parts: &Parts) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in parts {
        let method = if name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(body.len() > u32::MAX as usize / 2);
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The real workbook with `name` replaced (or added).
fn with_part(name: &str, body: Vec<u8>) -> Vec<u8> {
    let mut parts = workbook_parts();
    parts.retain(|(n, _)| n != name);
    parts.push((name.to_owned(), body));
    zip_of(&parts)
}

const SHEET: &str = "xl/worksheets/sheet1.xml";
const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// The bombs: (what it is, file name, bytes, what the refusal must say).
fn bombs() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let mut out = Vec::new();
    // 1. Two kilobytes declaring four billion shared strings.
    out.push((
        "shared-string count",
        "so.xlsx",
        with_part(
            "xl/sharedStrings.xml",
            format!(r#"<sst xmlns="{NS}" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#).into_bytes(),
        ),
        "chuỗi dùng chung",
    ));
    // 2. A sheet reaching the last cell: calamine would allocate 17 billion cells.
    out.push((
        "last cell",
        "so.xlsx",
        with_part(
            SHEET,
            format!(r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#).into_bytes(),
        ),
        "quá giới hạn 2000000 ô",
    ));
    // 3. The same declared in the sheet's dimension.
    out.push((
        "declared dimension",
        "so.xlsx",
        with_part(
            SHEET,
            format!(r#"<worksheet xmlns="{NS}"><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>"#).into_bytes(),
        ),
        "khai báo",
    ));
    // 4. A zip bomb: 400 MB of padding that deflates to well under a megabyte.
    let mut padded = format!(r#"<worksheet xmlns="{NS}"><sheetData>"#).into_bytes();
    padded.resize(padded.len() + (400 << 20), b' ');
    padded.extend_from_slice(b"</sheetData></worksheet>");
    out.push(("zip bomb", "so.xlsx", with_part(SHEET, padded), "bom nén"));
    // 5. Real cells, many: three million in a few megabytes of compressed XML.
    let mut cells = format!(r#"<worksheet xmlns="{NS}"><sheetData>"#);
    for r in 1..=1_000_000u32 {
        cells.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c><c r="C{r}"><v>3</v></c></row>"#
        ));
    }
    cells.push_str("</sheetData></worksheet>");
    out.push((
        "three million cells",
        "so.xlsx",
        with_part(SHEET, cells.into_bytes()),
        "quá giới hạn",
    ));
    // 6. An ODS table repeating a filled cell over every row and column.
    out.push((
        "ODS repeats",
        "so.ods",
        zip_of(&vec![
            (
                "mimetype".into(),
                b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
            ),
            (
                "content.xml".into(),
                br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table table:name="A"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#.to_vec(),
            ),
        ]),
        "content.xml",
    ));
    // 7. XML nested a hundred thousand deep.
    out.push((
        "deep XML",
        "so.xlsx",
        with_part("xl/styles.xml", "<a>".repeat(100_000).into_bytes()),
        "lồng sâu",
    ));
    // 8. A ZIP signature and nothing behind it.
    out.push((
        "broken ZIP",
        "so.xlsx",
        b"PK\x03\x04 this is not a workbook".to_vec(),
        "tệp nén hỏng",
    ));
    out
}

fn peak_memory_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc")
}

#[test]
fn spreadsheet_bombs_are_refused_and_the_server_keeps_serving_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let s = common::start_demo(tmp.path());
    let admin = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let before = peak_memory_kb(s.pid());
    for (what, name, bytes, says) in bombs() {
        assert!(
            bytes.len() < 10 << 20,
            "{what}: {} bytes is over the upload limit",
            bytes.len()
        );
        let page = get(&s, "/so-dang-ky", Some(&admin));
        let r = upload(&s, &admin, &csrf(&page.body), name, &bytes);
        assert_eq!(r.status, 422, "{what}: {}", r.body);
        assert!(r.body.contains(says), "{what}: {}", r.body);
        assert!(
            !r.body.contains("/tmp") && !r.body.contains("upload."),
            "{what}: a path shown: {}",
            r.body
        );
        // Still serving, and the register unchanged.
        let after = get(&s, "/so-dang-ky", Some(&admin));
        assert_eq!(after.status, 200, "{what}");
        assert!(!after.body.contains("Tin xã"), "{what}: a row was imported");
    }
    // A sign-in still works.
    login(&s, "congan", "demo-congan-2026");
    let peak = peak_memory_kb(s.pid());
    eprintln!(
        "server peak memory: {} MB before the bombs, {} MB after",
        before >> 10,
        peak >> 10
    );
    assert!(peak <= 256 << 10, "peak memory {} MB", peak >> 10);
}

#[test]
fn a_legacy_xls_is_not_taken_from_the_web() {
    // Its reader allocates the sheet's declared dimensions before anything can check them: a
    // DIMENSIONS record of four billion rows would abort the server. Refused, with what to do.
    let tmp = tempfile::tempdir().unwrap();
    let s = common::start_demo(tmp.path());
    let admin = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let page = get(&s, "/so-dang-ky", Some(&admin));
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.resize(4096, 0);
    let r = upload(&s, &admin, &csrf(&page.body), "so.xls", &xls);
    assert_eq!(r.status, 415, "{}", r.body);
    assert!(r.body.contains("lưu thành .xlsx"), "{}", r.body);
    assert_eq!(get(&s, "/so-dang-ky", Some(&admin)).status, 200);
}

#[test]
fn an_ordinary_workbook_still_imports() {
    // The guard refuses bombs, not spreadsheets: the same real workbook imports its row.
    let tmp = tempfile::tempdir().unwrap();
    let s = common::start_demo(tmp.path());
    let admin = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let page = get(&s, "/so-dang-ky", Some(&admin));
    let r = upload(
        &s,
        &admin,
        &csrf(&page.body),
        "so.xlsx",
        &zip_of(&workbook_parts()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("thêm mới 1"), "{}", r.body);
}
