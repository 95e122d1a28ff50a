//! The register export (XLSX) with any names, notes and admins: every XML part of the workbook
//! must parse with a strict reader.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Read;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{1}');
    let name = parts.next().unwrap_or_default().to_owned();
    let note = parts.next().unwrap_or_default().to_owned();
    let admins = parts.next().unwrap_or_default().to_owned();
    let c = domain::Community {
        id: domain::CommunityId(1),
        key: "https://facebook.com/groups/x".into(),
        name,
        url: Some("https://facebook.com/groups/x".into()),
        platform: domain::Platform::Facebook,
        kind: domain::Kind::Group,
        members: Some(12),
        admins: Some(admins),
        unit: Some("Công an xã".into()),
        status: domain::Status::Watch,
        classification: domain::Classification::Unknown,
        official_of: None,
        locality: None,
        note: Some(note.clone()),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("so.xlsx");
    ingest::registry::write_xlsx(&path, &[c], &note, "30/11/2026").unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let n = part.name().unwrap().into_owned();
        if n.ends_with(".xml") || n.ends_with(".rels") {
            let mut xml = String::new();
            part.read_to_string(&mut xml).unwrap();
            if let Err(e) = roxmltree::Document::parse(&xml) {
                panic!("{n} is not well-formed: {e}");
            }
        }
    }
});
