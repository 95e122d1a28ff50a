//! A spreadsheet as a grid of text cells, each row with the number Excel shows for it. CSV
//! (comma, semicolon or tab; UTF-8 with or without BOM, or Windows-1252) and XLSX/XLS/ODS
//! (the first sheet that has data) both end up here.

use crate::IngestError;
use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

/// One row: its 1-based number in the sheet, and its cells as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// Reads a sheet; a ZIP-based workbook (xlsx, ods) is first checked against `limits`
/// ([`crate::guard`]) so nothing it declares is allocated before it is known to be sane.
pub fn read(path: &Path, limits: &crate::guard::Limits) -> Result<Vec<Row>, IngestError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => read_csv(path),
        _ => {
            let mut file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
            let mut magic = [0u8; 4];
            let zipped =
                std::io::Read::read_exact(&mut file, &mut magic).is_ok() && magic == *b"PK\x03\x04";
            if zipped {
                crate::guard::check_zip(std::io::BufReader::new(file), limits).map_err(
                    |reason| IngestError::Refused {
                        path: path.display().to_string(),
                        reason,
                    },
                )?;
            }
            read_workbook(path)
        }
    }
}

fn unreadable(path: &Path, e: impl std::fmt::Display) -> IngestError {
    IngestError::Unreadable {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn read_csv(path: &Path) -> Result<Vec<Row>, IngestError> {
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
    let content: String = match text::utf16_with_bom(&bytes) {
        // Excel's "Unicode Text": UTF-16 with a BOM, tab-separated.
        Some(s) => s,
        None => {
            let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
            match std::str::from_utf8(bytes) {
                Ok(s) => s.to_owned(),
                // Old exports from Excel are Windows-1252 (or a legacy Vietnamese font read as it).
                Err(_) => text::decode_bytes(bytes).text,
            }
        }
    };
    let first = content.lines().take(20).collect::<Vec<_>>().join("\n");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(content.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let number = record
                    .position()
                    .map(|p| p.line() as usize)
                    .unwrap_or(rows.len() + 1);
                rows.push(Row {
                    number,
                    cells: record.iter().map(|c| c.trim().to_owned()).collect(),
                });
            }
            Err(e) => return Err(unreadable(path, e)),
        }
    }
    Ok(rows)
}

fn read_workbook(path: &Path) -> Result<Vec<Row>, IngestError> {
    let mut wb = open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    let names = wb.sheet_names().to_vec();
    for name in names {
        let range = wb.worksheet_range(&name).map_err(|e| unreadable(path, e))?;
        if range.is_empty() {
            continue;
        }
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut v: Vec<String> = vec![String::new(); first_col as usize];
                v.extend(cells.iter().map(cell_text));
                Row {
                    number: first_row as usize + i + 1,
                    cells: v,
                }
            })
            .collect();
        return Ok(rows);
    }
    Ok(Vec::new())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
