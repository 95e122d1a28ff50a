//! Every document sokenh writes stays well-formed whatever text it carries: random names, notes
//! and case titles — control characters, U+FFFE/U+FFFF, markup, quotes, astral letters — written
//! into the takedown letter (DOCX) and the register export (XLSX), and every XML part of the
//! result parsed by a strict reader.

use proptest::prelude::*;
use std::io::Read;

/// Every XML part of a ZIP-packaged document, parsed; the first that is not well-formed.
fn every_part_parses(bytes: &[u8]) -> Result<usize, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut parsed = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().map_err(|e| e.to_string())?.into_owned();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml)
            .map_err(|e| format!("{name}: {e}"))?;
        roxmltree::Document::parse(&xml).map_err(|e| format!("{name}: {e}"))?;
        parsed += 1;
    }
    Ok(parsed)
}

fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            any::<char>(),
            proptest::char::range('\0', '\u{1f}'),
            Just('\u{FFFE}'),
            Just('\u{FFFF}'),
            Just('<'),
            Just('&'),
            Just('"'),
            Just('ệ'),
        ],
        0..80,
    )
    .prop_map(|v| v.into_iter().collect())
}

#[test]
fn the_strict_reader_refuses_what_xml_forbids() {
    // The check below can fail: a control character written raw is refused.
    assert!(roxmltree::Document::parse("<a>\u{1}</a>").is_err());
    assert!(roxmltree::Document::parse("<a>\u{FFFE}</a>").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_letter_is_well_formed_whatever_the_case_says(
        title in hostile_text(),
        page in hostile_text(),
        note in hostile_text(),
    ) {
        let letter = app::report::letter::Letter {
            superior: "ĐẢNG BỘ XÃ THẠCH QUẢNG".into(),
            issuer: page.clone(),
            number: "Số: 12/CV-CAX".into(),
            about: format!("V/v đề nghị gỡ bỏ {title}"),
            place_date: "Thạch Quảng, ngày 30 tháng 11 năm 2026".into(),
            addressees: vec![page.clone()],
            paragraphs: vec![note.clone(), title.clone()],
            evidence: vec![format!("{note} — 1,2 MB — SHA-256 00ff")],
            closing: "Trân trọng.".into(),
            recipients: vec![title.clone()],
            on_behalf: note.clone(),
            role: page.clone(),
        };
        let docx = app::report::docx::letter(&letter).unwrap();
        let parsed = every_part_parses(&docx);
        prop_assert!(matches!(parsed, Ok(n) if n >= 3), "{parsed:?}");
    }

    #[test]
    fn the_register_export_is_well_formed_whatever_the_names_and_notes(
        name in hostile_text(),
        note in hostile_text(),
        admins in hostile_text(),
    ) {
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
            note: Some(note),
            commune: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("so.xlsx");
        ingest::registry::write_xlsx(&path, &[c], "Công an xã", "30/11/2026").unwrap();
        let parsed = every_part_parses(&std::fs::read(&path).unwrap());
        prop_assert!(matches!(parsed, Ok(n) if n >= 5), "{parsed:?}");
    }
}

#[test]
fn a_note_past_excels_cell_limit_is_cut_with_a_marker_and_the_export_still_made() {
    let long = "ghi chú ".repeat(10_000); // 80,000 characters
    let cut = ingest::registry::excel_text(&long);
    assert_eq!(cut.chars().count(), ingest::registry::EXCEL_CELL_CHARS);
    assert!(cut.ends_with("[cắt bớt / truncated]"));
    assert_eq!(ingest::registry::excel_text("ngắn"), "ngắn");
}
