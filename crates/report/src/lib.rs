//! `report`: the periodic report and the letters, with no IO — the reporting period and its one
//! parser ([`Period`]); every figure of a period as one typed struct ([`Figures`]) that the
//! report prints and the dashboard and the API show, so a renamed field is a compile error, not
//! a silent zero; the report's model ([`Report`]: sections owning their tables and charts) and a
//! letter's ([`Letter`]); and the renderers to bytes — DOCX in the 36-HD/VPTW layout ([`docx`]),
//! the XLSX appendix ([`xlsx`]), charts as PNG ([`chart`]). The store queries that fill the
//! model and the PDF hand-off to LibreOffice live in `app::report`.

pub mod chart;
pub mod docx;
mod letter;
mod model;
pub mod xlsx;

pub use letter::{Letter, Tabled};
pub use model::{Cell, Chart, Report, Section, Table, upper};

use analytics::{forecast, spikes, topics};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A period code that is neither a month, a quarter nor a year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kỳ báo cáo «{0}» không hợp lệ: dùng 2026-11, 2026-Q4 hoặc 2026 / invalid period")]
pub struct PeriodError(pub String);

/// A reporting period: a month (`2026-11`), a quarter (`2026-Q4`) or a year (`2026`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub code: String,
    /// First day.
    pub from: NaiveDate,
    /// Day after the last.
    pub to: NaiveDate,
    /// "tháng 11 năm 2026", "quý IV năm 2026", "năm 2026".
    pub label: String,
}

impl Period {
    /// Reads `2026-11`, `2026-Q4` (or `2026-q4`) or `2026`; the one parser of a period, for the
    /// CLI, the report and the API.
    pub fn parse(code: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError(code.trim().to_owned());
        let code = code.trim();
        let (year, rest) = match code.split_once('-') {
            Some((y, r)) => (y.parse::<i32>().map_err(|_| bad())?, Some(r)),
            None => (code.parse::<i32>().map_err(|_| bad())?, None),
        };
        let date = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad);
        let (from, to, label) = match rest {
            None => (date(year, 1)?, date(year + 1, 1)?, format!("năm {year}")),
            Some(q) if q.starts_with(['Q', 'q']) => {
                let n: u32 = q[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&n) {
                    return Err(bad());
                }
                let roman = ["I", "II", "III", "IV"][n as usize - 1];
                let to = if n == 4 {
                    date(year + 1, 1)?
                } else {
                    date(year, 3 * n + 1)?
                };
                (
                    date(year, 3 * n - 2)?,
                    to,
                    format!("quý {roman} năm {year}"),
                )
            }
            Some(m) => {
                let m: u32 = m.parse().map_err(|_| bad())?;
                if !(1..=12).contains(&m) {
                    return Err(bad());
                }
                let to = if m == 12 {
                    date(year + 1, 1)?
                } else {
                    date(year, m + 1)?
                };
                (date(year, m)?, to, format!("tháng {m} năm {year}"))
            }
        };
        Ok(Period {
            code: code.to_owned(),
            from,
            to,
            label,
        })
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }
}

/// Every figure of a period, from one set of store queries.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub items: u64,
    pub reactions: u64,
    pub comments: u64,
    pub shares: u64,
    pub items_by_platform: BTreeMap<String, u64>,
    pub items_by_day: BTreeMap<String, u64>,
    pub items_by_unit: BTreeMap<String, u64>,
    pub items_by_locality: BTreeMap<String, u64>,
    pub items_flagged_by_category: BTreeMap<String, u64>,
    pub communities: u64,
    pub communities_by_platform: BTreeMap<String, u64>,
    pub communities_by_classification: BTreeMap<String, u64>,
    pub communities_by_status: BTreeMap<String, u64>,
    pub official_channels: u64,
    pub alerts_by_category: BTreeMap<String, u64>,
    pub impostor_pages: Vec<(String, String, String)>,
    pub coverage: Vec<domain::Coverage>,
    pub key_phrases: Vec<topics::Phrase>,
    pub clusters: Vec<topics::Cluster>,
    pub spikes: Vec<spikes::Spike>,
    /// Claims and scams that reached several communities within three days.
    pub spreading: Vec<analytics::spread::Spread>,
    pub forecast: Option<forecast::Forecast>,
    pub audit_events: u64,
    pub audit_head: String,
    pub audit_ok: bool,
    /// The public's comments on the official channels read through their APIs (aggregate).
    pub channel_feedback: ChannelFeedback,
}

/// The public's feedback on the office's official channels in a period, in aggregate only.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChannelFeedback {
    /// People's comments (the channels' own replies not counted).
    pub comments: u64,
    /// Of them, those the channel itself answered.
    pub answered: u64,
    /// The posts with the most people's comments (at least five), most first: opening words
    /// and count.
    pub most_discussed: Vec<(String, u64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_quarters_and_years_in_either_case() {
        let p = Period::parse("2026-q4").unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2026-10-01".into(), "2027-01-01".into())
        );
        assert_eq!(p.label, "quý IV năm 2026");
        assert_eq!(
            Period::parse("2026-Q1").unwrap().to.to_string(),
            "2026-04-01"
        );
        let m = Period::parse(" 2026-12 ").unwrap();
        assert_eq!(
            (m.from.to_string(), m.to.to_string(), m.label.as_str()),
            (
                "2026-12-01".into(),
                "2027-01-01".into(),
                "tháng 12 năm 2026"
            )
        );
        assert_eq!(Period::parse("2026").unwrap().days(), 365);
        for bad in ["2026-13", "2026-Q5", "2026-Q0", "x", "", "2026-"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }
}
