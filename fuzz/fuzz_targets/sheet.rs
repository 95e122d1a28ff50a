//! The spreadsheet reader on any bytes: the ZIP guard first (as the upload path runs it), then
//! the whole read as an xlsx and an ods (a ZIP), else as an xls or a csv by the first byte.
//! Nothing may panic, abort, or run past libFuzzer's memory limit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ingest::guard::Limits::default();
    let _ = ingest::guard::check_zip(std::io::Cursor::new(data), &limits);
    // A ZIP is read both as a workbook and as an OpenDocument sheet; anything else as an old
    // binary workbook or as CSV, by its first byte.
    let exts: &[&str] = if data.starts_with(b"PK") {
        &["xlsx", "ods"]
    } else if data.first().is_some_and(|b| b % 2 == 0) {
        &["xls"]
    } else {
        &["csv"]
    };
    let dir = tempfile::tempdir().unwrap();
    for ext in exts {
        let path = dir.path().join(format!("upload.{ext}"));
        std::fs::write(&path, data).unwrap();
        let _ = ingest::grid::read(&path, &limits);
    }
});
