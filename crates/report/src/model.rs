//! The periodic report's model: its tables, charts and sections, as the renderers ([`crate::docx`],
//! [`crate::xlsx`]) lay them out. Built from the store's figures by `app::report::build`.

use crate::{Figures, Period};
use analytics::suppress;
use serde::Serialize;

/// A table of the report (and a sheet of the appendix).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    /// Short name: the appendix sheet's name.
    pub sheet: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Column-wise totals of the numeric columns, when they add up.
    pub total: Option<Vec<Cell>>,
}

/// A cell: text, a number, or a figure withheld because it counts fewer than 5 items.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(f64),
    Withheld,
}

impl Cell {
    pub fn count(n: u64) -> Cell {
        Cell::Number(n as f64)
    }
    /// A count about public posts: withheld below the minimum group size.
    pub fn public(n: u64) -> Cell {
        suppress(n).map_or(Cell::Withheld, |n| Cell::Number(n as f64))
    }
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 => text::thousands(*n as i64),
            Cell::Number(n) => format!("{n:.1}").replace('.', ","),
            Cell::Withheld => format!("< {}", analytics::MIN_GROUP),
        }
    }
}

/// A chart: its title and SVG (PNG for documents is rendered from it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    #[serde(skip)]
    pub svg: String,
}

/// A section: heading, paragraphs, and which tables and charts it shows (by index).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<usize>,
    pub charts: Vec<usize>,
}

/// The report: header block, title, sections, tables, charts, recipients and signature.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    /// Upper level (left header, first line): "ĐẢNG BỘ TỈNH THANH HÓA".
    pub superior: String,
    /// The Party Committee (left header, bold): "ĐẢNG ỦY XÃ THẠCH QUẢNG".
    pub issuer: String,
    /// "Số     -BC/ĐU" — the office writes the number in.
    pub number: String,
    /// "Thạch Quảng, ngày 30 tháng 11 năm 2026".
    pub place_date: String,
    pub title: String,
    pub subject: String,
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    pub recipients: Vec<String>,
    pub signature_on_behalf: String,
    pub signature_role: String,
    pub figures: Figures,
}

pub fn upper(s: &str) -> String {
    s.to_uppercase()
}
