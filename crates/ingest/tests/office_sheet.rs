//! Import of register sheets as a commune office really keeps them. The fixtures are written by
//! the test itself (with rust_xlsxwriter for XLSX), so every cell and row number is in view here.

use ingest::registry::{self, Options};
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;

/// Title rows, a two-level merged header in Vietnamese, STT, duplicates through mobile hosts and
/// tracking parameters, bad rows, Vietnamese numbers and words, an empty row, a totals row, and
/// a signature block.
fn write_office_sheet(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    ws.merge_range(0, 0, 0, 8, "ĐẢNG ỦY XÃ THẠCH QUẢNG", &bold)
        .unwrap();
    ws.merge_range(
        1,
        0,
        1,
        8,
        "DANH SÁCH TRANG, KÊNH, HỘI, NHÓM TRÊN KHÔNG GIAN MẠNG",
        &bold,
    )
    .unwrap();
    ws.write(2, 0, "(Kèm theo Công văn số 181-CV/ĐU ngày 25/02/2026)")
        .unwrap();
    // Row 4 (index 3): the upper header, with a merged group title over columns B..C.
    ws.write(3, 0, "STT").unwrap();
    ws.merge_range(3, 1, 3, 2, "Thông tin trang, kênh, hội, nhóm", &bold)
        .unwrap();
    ws.write(3, 3, "Nền tảng").unwrap();
    ws.write(3, 4, "Loại").unwrap();
    ws.write(3, 5, "Số thành viên").unwrap();
    ws.write(3, 6, "Người quản trị").unwrap();
    ws.write(3, 7, "Đơn vị").unwrap();
    ws.write(3, 8, "Trạng thái").unwrap();
    // Row 5: the lower header under the merged title.
    ws.write(4, 1, "Tên trang, kênh, hội, nhóm").unwrap();
    ws.write(4, 2, "Đường dẫn (link)").unwrap();
    let rows: &[[&str; 9]] = &[
        // row 6
        [
            "1",
            "Công an xã Thạch Quảng",
            "https://www.facebook.com/congan.thachquang",
            "Facebook",
            "Trang",
            "1.234",
            "Lê Văn A",
            "Công an xã",
            "chính thức",
        ],
        // row 7
        [
            "2",
            "Thạch Quảng quê tôi",
            "facebook.com/groups/thachquangquetoi",
            "FB",
            "Nhóm",
            "2,5K",
            "",
            "Đoàn Thanh niên",
            "Theo dõi",
        ],
        // row 8: the same page as row 6, via the mobile host and tracking parameters
        [
            "3",
            "Công an xã Thạch Quảng",
            "https://m.facebook.com/congan.thachquang/?fbclid=IwAR0x&mibextid=abc",
            "Facebook",
            "Trang",
            "1.300",
            "Lê Văn A",
            "Công an xã",
            "chính thức",
        ],
        // row 9: a link that is not a link
        [
            "4",
            "Trang lạ",
            "javascript:alert(1)",
            "Facebook",
            "Trang",
            "",
            "",
            "Công an xã",
            "",
        ],
        // row 10: no name
        [
            "5",
            "",
            "https://www.tiktok.com/@abc",
            "TikTok",
            "Kênh",
            "",
            "",
            "",
            "",
        ],
        // row 11: empty line of the form (only its STT)
        ["6", "", "", "", "", "", "", "", ""],
        // row 12: a Zalo group with no link, unreadable member count, unknown status word
        [
            "7",
            "Nhóm Zalo thôn Đồng Tâm",
            "",
            "Zalo",
            "Nhóm",
            "khoảng vài trăm",
            "",
            "Chi bộ thôn Đồng Tâm",
            "bình thường lắm",
        ],
        // row 13: Youtube channel, number in millions
        [
            "8",
            "Truyền hình Thanh Hóa",
            "https://www.youtube.com/@TruyenHinhThanhHoa/videos",
            "Youtube",
            "Kênh",
            "1,2 triệu",
            "",
            "Ủy ban nhân dân xã",
            "Đã xác minh",
        ],
        // row 14: an impostor, status in words without diacritics
        [
            "9",
            "Cong an xa Thach Quang",
            "fb.com/congan.thachquang.official",
            "",
            "",
            "640",
            "",
            "Công an xã",
            "gia mao",
        ],
        // row 15: platform nobody knows and no link
        ["10", "Diễn đàn cũ", "", "MySpace", "", "", "", "", ""],
    ];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if !v.is_empty() {
                ws.write(5 + i as u32, j as u16, *v).unwrap();
            }
        }
    }
    // row 16: empty; row 17: totals; rows 19-20: signature block (ignored).
    ws.write(16, 1, "Tổng cộng").unwrap();
    ws.write(16, 5, 99999).unwrap();
    ws.write(18, 6, "Người lập biểu").unwrap();
    ws.write(19, 6, "Nguyễn Thị B").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn a_real_office_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("so-dang-ky.xlsx");
    write_office_sheet(&path);
    let sheet = registry::read(&path, &Options::default()).unwrap();

    let got: Vec<(usize, String, Option<u64>, String)> = sheet
        .records
        .iter()
        .map(|(row, r)| (*row, r.key.clone(), r.members, r.status.as_str().to_owned()))
        .collect();
    assert_eq!(
        got,
        [
            (
                8,
                "https://facebook.com/congan.thachquang".to_owned(),
                Some(1300),
                "verified".to_owned()
            ),
            (
                7,
                "https://facebook.com/groups/thachquangquetoi".to_owned(),
                Some(2500),
                "watch".to_owned()
            ),
            (
                12,
                "zalo:nhom zalo thon dong tam@chi bo thon dong tam".to_owned(),
                None,
                "unknown".to_owned()
            ),
            (
                13,
                "https://youtube.com/@truyenhinhthanhhoa".to_owned(),
                Some(1_200_000),
                "verified".to_owned()
            ),
            (
                14,
                "https://facebook.com/congan.thachquang.official".to_owned(),
                Some(640),
                "impersonating".to_owned()
            ),
        ]
    );
    let first = &sheet.records[0].1;
    assert_eq!(first.classification.as_str(), "official");
    assert_eq!(first.official_of.as_deref(), Some("Công an xã"));
    assert_eq!(sheet.records[1].1.kind.as_str(), "group");
    assert_eq!(
        sheet.records[4].1.platform.as_str(),
        "facebook",
        "platform from the link when the cell is empty"
    );

    let rejected: Vec<(usize, &str)> = sheet
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (9, "url (Đường dẫn)"),
            (10, "name (Tên)"),
            (15, "platform (Nền tảng)")
        ]
    );
    assert!(
        sheet.rejected[0].reason.contains("javascript"),
        "{}",
        sheet.rejected[0].reason
    );

    let warnings: Vec<(usize, &str)> = sheet
        .warnings
        .iter()
        .map(|w| (w.row, w.column.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (8, "url (Đường dẫn)"),
            (12, "members (Số thành viên)"),
            (12, "status (Trạng thái)")
        ]
    );
    assert!(sheet.warnings[0].reason.contains("dòng 6"));
    assert_eq!(sheet.rows_read, 9);
}

#[test]
fn csv_with_english_header_and_semicolons() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(
        &path,
        "name;url;platform;kind;members;admins;unit;status;locality;note\n\
         UBND xã Thạch Quảng;https://www.facebook.com/ubnd.thachquang;facebook;page;1.500;;Ủy ban nhân dân xã;verified;Xã Thạch Quảng;\n\
         Chợ Thạch Quảng;https://facebook.com/groups/chothachquang?ref=share;;;8650;;;watch;;bán hàng\n",
    )
    .unwrap();
    let sheet = registry::read(
        &path,
        &Options {
            default_unit: Some("Công an xã".into()),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(sheet.records.len(), 2);
    assert_eq!(sheet.records[0].0, 2);
    assert_eq!(sheet.records[1].0, 3);
    assert_eq!(
        sheet.records[1].1.unit.as_deref(),
        Some("Công an xã"),
        "the --unit default"
    );
    assert_eq!(
        sheet.records[1].1.key,
        "https://facebook.com/groups/chothachquang"
    );
    assert!(sheet.rejected.is_empty() && sheet.warnings.is_empty());
}

#[test]
fn a_sheet_saved_as_unicode_text_is_read_in_either_byte_order() {
    // Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated.
    let text = "Tên trang, kênh, hội, nhóm\tĐường dẫn (link)\tĐơn vị\r\nCông an xã Thạch Quảng\thttps://facebook.com/congan.thachquang\tCông an xã\r\n";
    let dir = tempfile::tempdir().unwrap();
    for (name, bom, little) in [
        ("le.txt", [0xFF, 0xFE], true),
        ("be.txt", [0xFE, 0xFF], false),
    ] {
        let mut bytes = bom.to_vec();
        for u in text.encode_utf16() {
            bytes.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let sheet = registry::read(&path, &Options::default()).unwrap();
        assert_eq!(sheet.records.len(), 1, "{name}: {sheet:?}");
        assert_eq!(sheet.records[0].1.name, "Công an xã Thạch Quảng");
        assert_eq!(sheet.records[0].1.unit.as_deref(), Some("Công an xã"));
    }
}

#[test]
fn a_tcvn3_sheet_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tcvn3.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // .VnTime text as Excel stores it: the Windows characters for the TCVN3 bytes.
    ws.write(0, 0, "Tªn trang").unwrap();
    ws.write(0, 1, "§\u{AD}êng dÉn").unwrap();
    ws.write(0, 2, "§¬n vÞ").unwrap();
    ws.write(1, 0, "C«ng an x· Th¹ch Qu¶ng").unwrap();
    ws.write(1, 1, "facebook.com/congan.thachquang").unwrap();
    ws.write(1, 2, "C«ng an x·").unwrap();
    wb.save(&path).unwrap();
    let sheet = registry::read(&path, &Options::default()).unwrap();
    assert_eq!(sheet.legacy_encoding, Some(text::Encoding::Tcvn3));
    assert_eq!(sheet.records.len(), 1, "{sheet:?}");
    assert_eq!(sheet.records[0].1.name, "Công an xã Thạch Quảng");
    assert_eq!(sheet.records[0].1.unit.as_deref(), Some("Công an xã"));
}

#[test]
fn export_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.xlsx");
    write_office_sheet(&src);
    let sheet = registry::read(&src, &Options::default()).unwrap();
    let communities: Vec<domain::Community> = sheet
        .records
        .iter()
        .enumerate()
        .map(|(i, (_, r))| domain::Community {
            id: domain::CommunityId(i as i64 + 1),
            key: r.key.clone(),
            name: r.name.clone(),
            url: r.url.clone(),
            platform: r.platform,
            kind: r.kind,
            members: r.members,
            admins: r.admins.clone(),
            unit: r.unit.clone(),
            status: r.status,
            classification: r.classification,
            official_of: r.official_of.clone(),
            locality: r.locality.clone(),
            note: r.note.clone(),
            commune: None,
        })
        .collect();
    let out = dir.path().join("out.xlsx");
    registry::write_xlsx(&out, &communities, "Đảng bộ xã Thạch Quảng", "29/11/2026").unwrap();
    let again = registry::read(&out, &Options::default()).unwrap();
    assert!(again.rejected.is_empty(), "{:?}", again.rejected);
    let a: Vec<&domain::CommunityRecord> = sheet.records.iter().map(|(_, r)| r).collect();
    let b: Vec<&domain::CommunityRecord> = again.records.iter().map(|(_, r)| r).collect();
    assert_eq!(a, b);
}

#[test]
fn an_impossible_member_count_is_left_empty_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(
        &path,
        "name;url;members\nChợ Thạch Quảng;https://facebook.com/groups/chothachquang;99999 tỷ\nTin xã;https://facebook.com/tinxa;1.500\n",
    )
    .unwrap();
    let sheet = registry::read(&path, &Options::default()).unwrap();
    assert_eq!(sheet.records.len(), 2);
    assert_eq!(sheet.records[0].1.members, None);
    assert_eq!(sheet.records[1].1.members, Some(1500));
    assert_eq!(sheet.warnings.len(), 1, "{:?}", sheet.warnings);
    assert_eq!(sheet.warnings[0].row, 2);
    assert!(sheet.warnings[0].reason.contains("vượt mức"));
}

#[test]
fn english_ids_are_read_in_either_column_and_a_page_without_a_link_is_kept_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(
        &path,
        "name;url;platform;status;classification\n\
         UBND xã;https://facebook.com/ubnd.thachquang;;official;\n\
         Chợ Thạch Quảng;https://facebook.com/groups/chothachquang;;;watch\n\
         Trang tin thôn;;facebook;;\n\
         Nhóm Zalo thôn 1;;zalo;;\n",
    )
    .unwrap();
    let sheet = registry::read(&path, &Options::default()).unwrap();
    let r: Vec<_> = sheet.records.iter().map(|(_, r)| r).collect();
    assert_eq!(r.len(), 4, "{sheet:?}");
    assert_eq!(
        (r[0].status, r[0].classification),
        (domain::Status::Verified, domain::Classification::Official)
    );
    assert_eq!(
        (r[1].status, r[1].classification),
        (domain::Status::Watch, domain::Classification::Unknown)
    );
    // Only the Facebook page without a link is warned about; a Zalo group often has none.
    assert_eq!(sheet.warnings.len(), 1, "{:?}", sheet.warnings);
    assert_eq!(sheet.warnings[0].row, 4);
    assert!(sheet.warnings[0].reason.contains("không có đường dẫn"));
}
