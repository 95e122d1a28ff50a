//! Reading a ZIP-based file from outside (xlsx, ods, anything unpacked) before anything allocates
//! from what it declares. A spreadsheet is a ZIP of XML parts, and a reader trusts the numbers in
//! them: calamine reserves the shared-string table from `uniqueCount` and builds one vector over
//! the bounding box of the cells a sheet names, so two kilobytes declaring a billion strings or a
//! cell at `XFD1048576` ask for terabytes. [`check_zip`] reads the central directory, then every
//! part through a counting, capped decompressor and a streaming XML reader, and refuses the file
//! with a message that says which limit and where — before the spreadsheet reader sees it.
//!
//! What is checked: the number of parts, the total uncompressed size (declared, and actually
//! decompressed: a part that inflates beyond what it declares is refused), the compression ratio,
//! XML depth, the shared-string counts, a sheet's declared `dimension` and the box its cells
//! span, and the rows × columns an ODS table spans with its repeat counts. Memory while checking
//! is one read buffer and the longest XML event.
//!
//! Upstream note: calamine 0.38 reserves `uniqueCount` strings (`xlsx::Xlsx::read_shared_strings`)
//! and `Range::from_sparse` allocates rows × columns of the cells' bounding box; both are guarded
//! here before the call.

use std::io::{BufReader, Read, Seek};

/// How far a file from outside may go. Defaults fit a province's register with room to spare
/// (a million cells, a hundred megabytes of XML) and keep a 10 MB upload's reading under 256 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Parts in the archive.
    pub max_entries: usize,
    /// Bytes of all parts together once decompressed.
    pub max_uncompressed: u64,
    /// Uncompressed / compressed, for parts larger than one mebibyte.
    pub max_ratio: u64,
    /// Cells in the box a sheet's cells span (rows × columns), declared or actual.
    pub max_cells: u64,
    /// Entries of the shared-string table, declared or actual.
    pub max_shared_strings: u64,
    /// Nesting of XML elements.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 10_000,
            max_uncompressed: 100 << 20,
            max_ratio: 200,
            max_cells: 2_000_000,
            max_shared_strings: 1_000_000,
            max_depth: 64,
        }
    }
}

/// Why a file was refused: what went past which limit, and in which part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

fn refuse(vi: &str, en: &str) -> Refused {
    Refused(format!("{vi} / {en}"))
}

/// Checks a ZIP-based file before it is read. `Ok` means every limit held.
pub fn check_zip<R: Read + Seek>(reader: R, limits: &Limits) -> Result<(), Refused> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
        refuse(
            "tệp nén hỏng hoặc không phải ZIP",
            &format!("not a readable ZIP ({e})"),
        )
    })?;
    if zip.len() > limits.max_entries {
        return Err(refuse(
            &format!(
                "tệp có {} phần, quá giới hạn {}",
                zip.len(),
                limits.max_entries
            ),
            "too many parts",
        ));
    }
    // The central directory first: what the file admits to.
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| refuse("phần nén hỏng", &format!("broken part ({e})")))?;
        declared = declared.saturating_add(entry.size());
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        check_ratio(&name, entry.size(), entry.compressed_size(), limits)?;
    }
    if declared > limits.max_uncompressed {
        return Err(too_big(declared, limits));
    }
    // Then what it really holds: every part decompressed through a cap.
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| refuse("phần nén hỏng", &format!("broken part ({e})")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let (size, compressed) = (entry.size(), entry.compressed_size());
        let budget = limits.max_uncompressed - total;
        let mut counted = Counted {
            inner: (&mut entry).take(budget.min(size).saturating_add(1)),
            n: 0,
        };
        if is_xml(&name) {
            check_xml(&name, &mut counted, limits)?;
        }
        std::io::copy(&mut counted, &mut std::io::sink())
            .map_err(|e| refuse(&format!("không giải nén được {name}"), &e.to_string()))?;
        if counted.n > size {
            return Err(refuse(
                &format!("phần {name} giải nén ra nhiều hơn kích thước nó khai báo ({size} byte)"),
                "part inflates beyond its declared size",
            ));
        }
        check_ratio(&name, counted.n, compressed, limits)?;
        total += counted.n;
    }
    Ok(())
}

fn too_big(n: u64, limits: &Limits) -> Refused {
    refuse(
        &format!(
            "tệp giải nén ra {} MB, quá giới hạn {} MB",
            n >> 20,
            limits.max_uncompressed >> 20
        ),
        "uncompressed size over the limit",
    )
}

fn check_ratio(name: &str, size: u64, compressed: u64, limits: &Limits) -> Result<(), Refused> {
    if size > 1 << 20 && size / compressed.max(1) > limits.max_ratio {
        return Err(refuse(
            &format!(
                "phần {name} nén {}:1, quá tỉ lệ cho phép {}:1 (dấu hiệu bom nén)",
                size / compressed.max(1),
                limits.max_ratio
            ),
            "compression ratio over the limit (a zip bomb)",
        ));
    }
    Ok(())
}

fn is_xml(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".xml") || n.ends_with(".rels")
}

struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

/// A1-style reference → (row, column), both 1-based.
fn cell_ref(s: &[u8]) -> Option<(u64, u64)> {
    let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = s[..letters].iter().fold(0u64, |acc, b| {
        acc * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u64 = std::str::from_utf8(&s[letters..]).ok()?.parse().ok()?;
    Some((row, col))
}

fn attr(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == key || a.key.local_name().into_inner() == key)
        .map(|a| a.value.into_owned())
}

fn number(v: &[u8]) -> u64 {
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u64::MAX)
}

/// The box a sheet's cells span.
#[derive(Default)]
struct Span {
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Span {
    fn add(&mut self, row: u64, col: u64) {
        let grow = |r: &mut Option<(u64, u64)>, v: u64| {
            *r = Some(r.map_or((v, v), |(a, b)| (a.min(v), b.max(v))));
        };
        grow(&mut self.rows, row);
        grow(&mut self.cols, col);
    }
    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        }
    }
}

fn too_many_cells(name: &str, cells: u64, what: &str, limits: &Limits) -> Refused {
    refuse(
        &format!(
            "trang tính {name} {what} {cells} ô, quá giới hạn {} ô",
            limits.max_cells
        ),
        "sheet dimensions over the limit",
    )
}

fn check_xml(name: &str, input: impl Read, limits: &Limits) -> Result<(), Refused> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(input));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut strings = 0u64;
    let mut span = Span::default();
    // ODS: rows so far (with repeats), the end of the last row with content, the widest row.
    let (mut ods_rows, mut ods_end, mut ods_width, mut row_width, mut row_content_width) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut row_repeat = 1u64;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            refuse(
                &format!("XML của phần {name} hỏng"),
                &format!("malformed XML ({e})"),
            )
        })?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.local_name().into_inner() == "table-row" {
                    end_ods_row(
                        &mut ods_rows,
                        &mut ods_end,
                        &mut ods_width,
                        row_repeat,
                        row_content_width,
                    );
                    let ods_cells = ods_end.saturating_mul(ods_width);
                    if ods_cells > limits.max_cells {
                        return Err(too_many_cells(name, ods_cells, "trải trên", limits));
                    }
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(e) = start else { continue };
        if !empty {
            depth += 1;
            if depth > limits.max_depth {
                return Err(refuse(
                    &format!("XML của phần {name} lồng sâu quá {} cấp", limits.max_depth),
                    "XML nested too deep",
                ));
            }
        }
        match e.local_name().into_inner() {
            "sst" => {
                for key in ["count", "uniqueCount"] {
                    if let Some(v) = attr(e, key)
                        && number(v.as_bytes()) > limits.max_shared_strings
                    {
                        return Err(refuse(
                            &format!(
                                "bảng chuỗi dùng chung khai báo {} chuỗi, quá giới hạn {}",
                                v, limits.max_shared_strings
                            ),
                            "shared-string count over the limit",
                        ));
                    }
                }
            }
            "si" => {
                strings += 1;
                if strings > limits.max_shared_strings {
                    return Err(refuse(
                        &format!(
                            "bảng chuỗi dùng chung có hơn {} chuỗi",
                            limits.max_shared_strings
                        ),
                        "too many shared strings",
                    ));
                }
            }
            "dimension" => {
                if let Some(v) = attr(e, "ref") {
                    let mut declared = Span::default();
                    for part in v.as_bytes().split(|&b| b == b':') {
                        if let Some((r, c)) = cell_ref(part) {
                            declared.add(r, c);
                        }
                    }
                    if declared.cells() > limits.max_cells {
                        return Err(too_many_cells(name, declared.cells(), "khai báo", limits));
                    }
                }
            }
            "c" | "row" => {
                if let Some(v) = attr(e, "r") {
                    let at = if e.local_name().into_inner() == "c" {
                        cell_ref(v.as_bytes())
                    } else {
                        Some((number(v.as_bytes()), span.cols.map_or(1, |c| c.0)))
                    };
                    match at {
                        Some((r, c)) if r <= 1 << 24 && c <= 1 << 16 => span.add(r, c),
                        _ => {
                            return Err(refuse(
                                &format!("trang tính {name} có ô ngoài bảng: {}", v),
                                "cell reference out of range",
                            ));
                        }
                    }
                    if span.cells() > limits.max_cells {
                        return Err(too_many_cells(name, span.cells(), "trải trên", limits));
                    }
                }
            }
            "table-row" => {
                row_repeat =
                    attr(e, "table:number-rows-repeated").map_or(1, |v| number(v.as_bytes()));
                (row_width, row_content_width) = (0, 0);
                if empty {
                    ods_rows = ods_rows.saturating_add(row_repeat);
                }
            }
            "table-cell" | "covered-table-cell" => {
                let repeat =
                    attr(e, "table:number-columns-repeated").map_or(1, |v| number(v.as_bytes()));
                row_width = row_width.saturating_add(repeat);
                if attr(e, "office:value-type").is_some() {
                    row_content_width = row_width;
                }
            }
            "table" => (ods_rows, ods_end, ods_width) = (0, 0, 0),
            _ => {}
        }
    }
    Ok(())
}

fn end_ods_row(rows: &mut u64, end: &mut u64, width: &mut u64, repeat: u64, content: u64) {
    *rows = rows.saturating_add(repeat);
    if content > 0 {
        *end = *rows;
        *width = (*width).max(content);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn check(parts: &[(&str, &[u8])]) -> Result<(), Refused> {
        check_zip(Cursor::new(zip_of(parts)), &Limits::default())
    }

    #[test]
    fn an_ordinary_sheet_passes() {
        let sheet = br#"<worksheet><dimension ref="A1:C2"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="C2"><v>1</v></c></row></sheetData></worksheet>"#;
        let sst = br#"<sst count="1" uniqueCount="1"><si><t>Ten</t></si></sst>"#;
        assert_eq!(
            check(&[
                ("xl/worksheets/sheet1.xml", sheet),
                ("xl/sharedStrings.xml", sst)
            ]),
            Ok(())
        );
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref(b"b7"), Some((7, 2)));
    }

    #[test]
    fn declared_counts_and_spans_beyond_the_limits_are_refused() {
        let e = check(&[(
            "xl/sharedStrings.xml",
            br#"<sst uniqueCount="4000000000"></sst>"#,
        )])
        .unwrap_err();
        assert!(e.0.contains("4000000000 chuỗi"), "{e}");
        let e = check(&[(
            "xl/worksheets/sheet1.xml",
            br#"<worksheet><dimension ref="A1:XFD1048576"/></worksheet>"#,
        )])
        .unwrap_err();
        assert!(e.0.contains("khai báo 17179869184 ô"), "{e}");
        let e = check(&[(
            "xl/worksheets/sheet1.xml",
            br#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
        )])
        .unwrap_err();
        assert!(e.0.contains("trải trên"), "{e}");
        let ods = br#"<office:document-content><table:table><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"/></table:table-row></table:table></office:document-content>"#;
        let e = check(&[("content.xml", ods)]).unwrap_err();
        assert!(e.0.contains("content.xml"), "{e}");
        let deep = "<a>".repeat(100);
        let e = check(&[("xl/styles.xml", deep.as_bytes())]).unwrap_err();
        assert!(e.0.contains("lồng sâu"), "{e}");
    }

    #[test]
    fn a_zip_bomb_is_refused_from_its_ratio_and_size() {
        let zeros = vec![b' '; 50 << 20];
        let e = check(&[("xl/worksheets/sheet1.xml", &zeros)]).unwrap_err();
        assert!(e.0.contains("bom nén"), "{e}");
        let mut limits = Limits {
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        limits.max_uncompressed = 10 << 20;
        let e = check_zip(
            Cursor::new(zip_of(&[("xl/worksheets/sheet1.xml", &zeros)])),
            &limits,
        )
        .unwrap_err();
        assert!(e.0.contains("quá giới hạn 10 MB"), "{e}");
        assert!(check_zip(Cursor::new(b"not a zip".to_vec()), &limits).is_err());
    }
}
