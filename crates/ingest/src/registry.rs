//! The register spreadsheet, as offices really keep it: title rows above the header, merged and
//! two-level headers, Vietnamese column names with or without diacritics, an STT column, empty
//! rows, totals and signature rows, Vietnamese numbers and words, legacy-font text. Every row is
//! either a record, or a rejection that says where (the sheet's own row number, the column) and
//! why, in Vietnamese and English. Fields that are not essential and cannot be read are left
//! empty with a warning.

use crate::grid::{self, Row};
use crate::{IngestError, numbers::parse_count};
use domain::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// A problem with one row: the sheet's row number, the column, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowIssue {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// What reading a register sheet gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sheet {
    /// Records by row number, one per key (a repeated key keeps the later row's values).
    pub records: Vec<(usize, CommunityRecord)>,
    pub rejected: Vec<RowIssue>,
    pub warnings: Vec<RowIssue>,
    /// The legacy encoding the sheet's text was found in and converted from, if any.
    pub legacy_encoding: Option<text::Encoding>,
    /// Data rows looked at (not counting title, header, empty, totals and signature rows).
    pub rows_read: usize,
}

/// Options for reading.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The unit for rows that name none.
    pub default_unit: Option<String>,
    /// How far a workbook from outside may go before it is refused unread.
    pub limits: crate::guard::Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Stt,
    Name,
    Url,
    Platform,
    Kind,
    Members,
    Admins,
    Unit,
    Status,
    Classification,
    Locality,
    Note,
}

impl Col {
    /// The column's name in messages: English id and the Vietnamese header.
    fn label(self) -> &'static str {
        match self {
            Col::Stt => "stt",
            Col::Name => "name (Tên)",
            Col::Url => "url (Đường dẫn)",
            Col::Platform => "platform (Nền tảng)",
            Col::Kind => "kind (Loại)",
            Col::Members => "members (Số thành viên)",
            Col::Admins => "admins (Người quản trị)",
            Col::Unit => "unit (Đơn vị)",
            Col::Status => "status (Trạng thái)",
            Col::Classification => "classification (Phân loại)",
            Col::Locality => "locality (Địa bàn)",
            Col::Note => "note (Ghi chú)",
        }
    }
}

/// Which column a header cell names, from its folded text.
fn column_of(header: &str) -> Option<Col> {
    let h = text::fold(header);
    let has = |w: &str| h == w || h.starts_with(&format!("{w} ")) || h.contains(&format!(" {w}"));
    Some(match () {
        _ if h.is_empty() => return None,
        _ if matches!(
            h.as_str(),
            "stt" | "tt" | "so tt" | "so thu tu" | "no" | "#"
        ) =>
        {
            Col::Stt
        }
        _ if has("link")
            || has("duong dan")
            || has("url")
            || h == "dia chi"
            || has("dia chi trang")
            || has("lien ket") =>
        {
            Col::Url
        }
        _ if has("nen tang") || h == "platform" || has("mang xa hoi") => Col::Platform,
        _ if h == "loai" || h == "kind" || h.starts_with("loai ") || has("hinh thuc") => Col::Kind,
        _ if has("so thanh vien")
            || has("thanh vien")
            || has("so luong")
            || has("theo doi")
            || h == "members"
            || h == "followers" =>
        {
            Col::Members
        }
        _ if has("quan tri")
            || h == "admins"
            || h == "admin"
            || has("chu trang")
            || has("nguoi quan ly") =>
        {
            Col::Admins
        }
        _ if has("don vi") || h == "unit" || has("co quan") => Col::Unit,
        _ if has("trang thai") || h == "status" || has("tinh trang") => Col::Status,
        _ if has("phan loai") || h == "classification" || has("tinh chat") => Col::Classification,
        _ if has("dia ban") || h == "locality" || has("khu vuc") => Col::Locality,
        _ if has("ghi chu") || h == "note" || h == "notes" => Col::Note,
        _ if h == "name" || h.starts_with("ten") => Col::Name,
        _ => return None,
    })
}

/// Finds the header: the row, among the first 30, that names the most known columns (at least
/// a name and one of link/platform). A second header row below it (a merged, two-level header)
/// fills the columns the first left empty.
fn find_header(rows: &[Row]) -> Option<(usize, HashMap<Col, usize>)> {
    let mut best: Option<(usize, HashMap<Col, usize>)> = None;
    for (i, row) in rows.iter().enumerate().take(30) {
        let mut cols = HashMap::new();
        for (j, cell) in row.cells.iter().enumerate() {
            if let Some(c) = column_of(cell) {
                cols.entry(c).or_insert(j);
            }
        }
        let usable = cols.contains_key(&Col::Name)
            && (cols.contains_key(&Col::Url) || cols.contains_key(&Col::Platform));
        if usable && best.as_ref().is_none_or(|(_, b)| cols.len() > b.len()) {
            best = Some((i, cols));
        }
    }
    let (i, mut cols) = best?;
    // A two-level header: the row above (group titles merged over sub-headers) or below may
    // name the other columns.
    let mut last = i;
    for k in [i.checked_sub(1), Some(i + 1)].into_iter().flatten() {
        let Some(row) = rows.get(k) else { continue };
        let extra: Vec<(Col, usize)> = row
            .cells
            .iter()
            .enumerate()
            .filter_map(|(j, c)| column_of(c).map(|col| (col, j)))
            .filter(|(col, _)| !cols.contains_key(col))
            .collect();
        if extra.len() >= 2 {
            for (col, j) in extra {
                cols.entry(col).or_insert(j);
            }
            last = last.max(k);
        }
    }
    Some((last, cols))
}

/// Rows that end the table or are not data: totals and the signature block.
fn is_footer(first: &str) -> bool {
    let f = text::fold(first);
    // "Cộng" and "Tổng" alone (folded "cong", "tong") end the table; as the start of a longer
    // cell they are ordinary words ("Công an xã …" folds to "cong an xa …").
    if matches!(f.as_str(), "cong" | "tong" | "tm" | "t m") {
        return true;
    }
    // The signature block ("Người lập biểu", "Thủ trưởng", "Ký tên", "Xác nhận") is
    // `is_signature`'s: it ends the table before this is asked.
    ["tong cong", "tong so", "cong so", "ky ghi ro ho ten"]
        .iter()
        .any(|w| f == *w || f.starts_with(&format!("{w} ")))
}

fn is_signature(first: &str) -> bool {
    let f = text::fold(first);
    f.starts_with("nguoi lap")
        || f.starts_with("thu truong")
        || f.starts_with("ky ten")
        || f.starts_with("xac nhan")
}

/// Reads a register sheet from a file.
pub fn read(path: &Path, opts: &Options) -> Result<Sheet, IngestError> {
    let rows = grid::read(path, &opts.limits)?;
    parse(&rows, opts).ok_or_else(|| IngestError::NoHeader {
        path: path.display().to_string(),
    })
}

/// Reads a register from a grid; None when no header row is found.
pub fn parse(rows: &[Row], opts: &Options) -> Option<Sheet> {
    // Legacy fonts are decided once for the whole sheet: one cell is weak evidence, a sheet is
    // not. The header is looked for after decoding, so a ".VnTime" header is found too.
    let sample: String = rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| !c.is_ascii())
        .take(400)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let legacy = text::detect_str(&sample).encoding;
    let rows: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            number: r.number,
            cells: r
                .cells
                .iter()
                .map(|c| match legacy {
                    Some(enc) => text::decode_str_as(c.trim(), enc).into_owned(),
                    None => text::canonical(c.trim()),
                })
                .collect(),
        })
        .collect();
    let (header_at, cols) = find_header(&rows)?;
    let mut sheet = Sheet {
        legacy_encoding: legacy,
        ..Sheet::default()
    };
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for row in &rows[header_at + 1..] {
        let cells = &row.cells;
        let get = |c: Col| {
            cols.get(&c)
                .and_then(|&j| cells.get(j))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let first = cells.iter().map(|c| c.trim()).find(|c| !c.is_empty());
        let Some(first) = first else { continue };
        if is_signature(first) {
            break;
        }
        if is_footer(first) {
            continue;
        }
        // A row with nothing but a number in the STT column is an empty line of the form.
        if get(Col::Name).is_none()
            && get(Col::Url).is_none()
            && cells.iter().filter(|c| !c.trim().is_empty()).count() <= 1
        {
            continue;
        }
        sheet.rows_read += 1;
        match parse_row(row.number, &get, opts, &mut sheet.warnings) {
            Ok(record) => match by_key.get(&record.key) {
                Some(&idx) => {
                    let earlier = sheet.records[idx].0;
                    sheet.warnings.push(RowIssue {
                        row: row.number,
                        column: Col::Url.label().to_owned(),
                        reason: format!("trùng với dòng {earlier} (cùng trang), dòng này cập nhật dòng đó / same page as row {earlier}: this row updates it"),
                    });
                    sheet.records[idx] = (row.number, record);
                }
                None => {
                    by_key.insert(record.key.clone(), sheet.records.len());
                    sheet.records.push((row.number, record));
                }
            },
            Err(issue) => sheet.rejected.push(issue),
        }
    }
    Some(sheet)
}

fn parse_row<'a>(
    row: usize,
    get: &dyn Fn(Col) -> Option<&'a str>,
    opts: &Options,
    warnings: &mut Vec<RowIssue>,
) -> Result<CommunityRecord, RowIssue> {
    let issue = |col: Col, reason: String| RowIssue {
        row,
        column: col.label().to_owned(),
        reason,
    };
    let name = get(Col::Name)
        .ok_or_else(|| {
            issue(
                Col::Name,
                "thiếu tên trang, kênh, hội, nhóm / the name is missing".into(),
            )
        })?
        .to_owned();
    let url = match get(Col::Url) {
        Some(u) => Some(CanonicalUrl::parse(u).map_err(|e| issue(Col::Url, e.to_string()))?),
        None => None,
    };
    let platform = match (get(Col::Platform), &url) {
        (Some(p), url) => match Platform::parse_word(p) {
            Some(p) => {
                if let Some(u) = url
                    && u.platform() != Platform::Website
                    && u.platform() != p
                {
                    warnings.push(issue(Col::Platform, format!("nền tảng «{p}» khác với đường dẫn ({}); dùng theo đường dẫn / platform differs from the link; the link's is used", u.platform().label_vi())));
                    u.platform()
                } else {
                    p
                }
            }
            None => match url {
                Some(u) => {
                    warnings.push(issue(Col::Platform, format!("không hiểu nền tảng «{p}»; lấy theo đường dẫn / unknown platform, taken from the link")));
                    u.platform()
                }
                None => {
                    return Err(issue(
                        Col::Platform,
                        format!(
                            "không hiểu nền tảng «{p}» và không có đường dẫn / unknown platform and no link"
                        ),
                    ));
                }
            },
        },
        (None, Some(u)) => u.platform(),
        (None, None) => {
            return Err(issue(
                Col::Url,
                "không có đường dẫn và không ghi nền tảng / neither a link nor a platform".into(),
            ));
        }
    };
    let inferred_kind = infer_kind(platform, url.as_ref());
    let kind = match get(Col::Kind) {
        None => inferred_kind,
        Some(k) => Kind::parse_word(k).unwrap_or_else(|| {
            warnings.push(issue(
                Col::Kind,
                format!(
                    "không hiểu loại «{k}»; dùng «{}» / unknown kind",
                    inferred_kind.label_vi()
                ),
            ));
            inferred_kind
        }),
    };
    let members = get(Col::Members).and_then(|m| {
        let n = parse_count(m);
        match n {
            None => warnings.push(issue(Col::Members, format!("không đọc được số thành viên «{m}»; để trống / unreadable member count, left empty"))),
            Some(n) if n > crate::numbers::MAX_MEMBERS => {
                warnings.push(issue(Col::Members, format!("số thành viên «{m}» vượt mức có thể có; để trống / impossible member count, left empty")));
                return None;
            }
            Some(_) => {}
        }
        n
    });
    // A status word in the classification column (or the other way round) is taken where it
    // belongs, in Vietnamese or as its English id ("official", "verified").
    let mut status_from_class = None;
    let mut classification = get(Col::Classification)
        .and_then(|c| {
            let v = Classification::parse_word(c);
            if v.is_none() {
                status_from_class = Status::parse_word(c);
                if status_from_class.is_none() {
                    warnings.push(issue(
                        Col::Classification,
                        format!("không hiểu phân loại «{c}» / unknown classification"),
                    ));
                }
            }
            v
        })
        .unwrap_or(Classification::Unknown);
    let status = match get(Col::Status) {
        None => status_from_class.unwrap_or(Status::Unknown),
        Some(s) => {
            let as_class = Classification::parse_word(s);
            if as_class == Some(Classification::Official) {
                // "Chính thức" in a status column means the unit's official channel, verified.
                classification = Classification::Official;
            }
            match (Status::parse_word(s), as_class) {
                (Some(st), _) => st,
                (None, Some(Classification::Official)) => Status::Verified,
                (None, Some(c)) => {
                    if classification == Classification::Unknown {
                        classification = c;
                    }
                    Status::Unknown
                }
                (None, None) => {
                    warnings.push(issue(
                        Col::Status,
                        format!("không hiểu trạng thái «{s}»; để «Chưa xác định» / unknown status"),
                    ));
                    Status::Unknown
                }
            }
        }
    };
    if url.is_none() && platform != Platform::Zalo {
        warnings.push(issue(
            Col::Url,
            format!(
                "không có đường dẫn: trang {} này được giữ nhưng không khử trùng lặp hay theo dõi được cho đến khi có đường dẫn / no link: kept, but it cannot be de-duplicated or monitored until it has one",
                platform.label_vi()
            ),
        ));
    }
    let unit = get(Col::Unit)
        .map(str::to_owned)
        .or_else(|| opts.default_unit.clone());
    let official_of = (classification == Classification::Official)
        .then(|| unit.clone())
        .flatten();
    let key = match &url {
        Some(u) => CommunityKey::Url(u.clone()),
        None => CommunityKey::named(platform, &name, unit.as_deref().unwrap_or("")),
    };
    Ok(CommunityRecord {
        key: key.to_string(),
        name,
        url: url.map(|u| u.to_string()),
        platform,
        kind,
        members,
        admins: get(Col::Admins).map(str::to_owned),
        unit,
        status,
        classification,
        official_of,
        locality: get(Col::Locality).map(str::to_owned),
        note: get(Col::Note).map(str::to_owned),
    })
}

fn infer_kind(platform: Platform, url: Option<&CanonicalUrl>) -> Kind {
    let u = url.map(|u| u.as_str()).unwrap_or("");
    match platform {
        Platform::Facebook if u.contains("/groups/") => Kind::Group,
        Platform::Facebook if u.contains("profile.php") => Kind::Account,
        Platform::Facebook => Kind::Page,
        Platform::Zalo if u.contains("/g/") || u.is_empty() => Kind::Group,
        Platform::Zalo => Kind::Account,
        Platform::Youtube | Platform::Tiktok | Platform::Telegram => Kind::Channel,
        Platform::Website => Kind::Site,
        Platform::Other => Kind::Page,
    }
}

/// The Vietnamese header of the office layout, in order (after STT).
pub const EXPORT_HEADER: [&str; 14] = [
    "STT",
    "Tên trang, kênh, hội, nhóm",
    "Đường dẫn (link)",
    "Nền tảng",
    "Loại",
    "Số thành viên",
    "Người quản trị",
    "Đơn vị",
    "Trạng thái",
    "Phân loại",
    "Địa bàn",
    "Ghi chú",
    "Chính thức của đơn vị",
    "Mã định danh",
];

/// Writes the register in the office layout: a title, the date, a Vietnamese header with STT,
/// one row per community, and a total. The import reads it back unchanged.
pub fn write_xlsx(
    path: &Path,
    communities: &[Community],
    title_unit: &str,
    date: &str,
) -> Result<(), IngestError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| IngestError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sổ đăng ký").map_err(err)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_name("Times New Roman")
        .set_align(FormatAlign::Center);
    let plain = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12);
    let header = plain
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color("#DDE7F0");
    let cell = plain.clone().set_border(FormatBorder::Thin);
    let last_col = (EXPORT_HEADER.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        "SỔ ĐĂNG KÝ TRANG, KÊNH, HỘI, NHÓM TRÊN KHÔNG GIAN MẠNG",
        &title,
    )
    .map_err(err)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        &format!("{title_unit} — lập ngày {date}"),
        &plain.clone().set_italic().set_align(FormatAlign::Center),
    )
    .map_err(err)?;
    for (j, h) in EXPORT_HEADER.iter().enumerate() {
        ws.write_with_format(3, j as u16, *h, &header)
            .map_err(err)?;
    }
    for (i, c) in communities.iter().enumerate() {
        let r = 4 + i as u32;
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let values = [
            (i + 1).to_string(),
            c.name.clone(),
            opt(&c.url),
            c.platform.label_vi().to_owned(),
            c.kind.label_vi().to_owned(),
            String::new(),
            opt(&c.admins),
            opt(&c.unit),
            c.status.label_vi().to_owned(),
            c.classification.label_vi().to_owned(),
            opt(&c.locality),
            opt(&c.note),
            opt(&c.official_of),
            c.key.clone(),
        ];
        for (j, v) in values.iter().enumerate() {
            ws.write_with_format(r, j as u16, excel_text(v).as_ref(), &cell)
                .map_err(err)?;
        }
        match c.members {
            Some(m) => ws.write_with_format(r, 5, m as f64, &cell).map_err(err)?,
            None => ws.write_with_format(r, 5, "", &cell).map_err(err)?,
        };
    }
    let total_row = 4 + communities.len() as u32;
    ws.write_with_format(
        total_row,
        1,
        format!("Tổng cộng: {} trang, kênh, hội, nhóm", communities.len()),
        &plain.clone().set_bold(),
    )
    .map_err(err)?;
    ws.set_column_width(0, 5).map_err(err)?;
    ws.set_column_width(1, 40).map_err(err)?;
    ws.set_column_width(2, 45).map_err(err)?;
    for j in 3..=last_col {
        ws.set_column_width(j, 16).map_err(err)?;
    }
    ws.set_freeze_panes(4, 2).map_err(err)?;
    wb.save(path).map_err(err)
}

pub use text::{EXCEL_CELL_CHARS, excel_text};
