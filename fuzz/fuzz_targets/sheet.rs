//! The spreadsheet reader on any bytes: the ZIP guard first (as the upload path runs it), then
//! the whole read as an xlsx, ods, xls or csv by the first byte. Nothing may panic, abort, or
//! run past libFuzzer's memory limit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ingest::guard::Limits::default();
    let _ = ingest::guard::check_zip(std::io::Cursor::new(data), &limits);
    let ext = match data.first().map(|b| b % 4) {
        Some(0) => "xlsx",
        Some(1) => "ods",
        Some(2) => "xls",
        _ => "csv",
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("upload.{ext}"));
    std::fs::write(&path, data).unwrap();
    let _ = ingest::grid::read(&path, &limits);
});
