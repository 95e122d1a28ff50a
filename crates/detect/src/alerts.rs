//! From signals to alerts: the signals of one item are one alert, its severity from the
//! strongest non-shadow signal; a burst of identical items (same folded text) in a window is one
//! alert with a count (flood protection); a negative list suppresses a known false match.

use crate::signal::Signal;
use domain::Category;
use serde::Serialize;
use std::collections::HashMap;

/// Signals below this score are kept (and searchable) but raise no alert.
pub const ALERT_THRESHOLD: f32 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn of(score: f32) -> Severity {
        match score {
            s if s >= 0.85 => Severity::High,
            s if s >= 0.65 => Severity::Medium,
            _ => Severity::Low,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Severity::Low => "Thấp",
            Severity::Medium => "Trung bình",
            Severity::High => "Cao",
        }
    }
}

/// One screened item, as the grouping sees it.
pub struct Screened<'a> {
    pub item_id: &'a str,
    /// Unix seconds.
    pub at: i64,
    /// Folded text, to recognise identical items.
    pub folded: &'a str,
    pub signals: &'a [Signal],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The category of the strongest signal.
    pub category: Category,
    pub severity: Severity,
    pub score: f32,
    /// The items behind it (the first, then the identical ones that followed in the window).
    pub item_ids: Vec<String>,
    pub count: usize,
    pub first_at: i64,
    pub last_at: i64,
    pub explanation: String,
}

/// A known false match: this rule or register entry on this folded text raises nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Suppression {
    pub reference: String,
    pub folded_text: String,
}

/// Groups screened items into alerts. `window` in seconds for flood protection.
pub fn group(items: &[Screened<'_>], window: i64, suppressed: &[Suppression]) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = Vec::new();
    // Folded text -> index of its open alert.
    let mut open: HashMap<&str, usize> = HashMap::new();
    for it in items {
        let live: Vec<&Signal> = it
            .signals
            .iter()
            .filter(|s| {
                !s.shadow
                    && s.score >= ALERT_THRESHOLD
                    && s.role != Some(crate::ClaimRole::Correction)
            })
            .filter(|s| {
                !suppressed
                    .iter()
                    .any(|x| x.reference == s.reference && x.folded_text == it.folded)
            })
            .collect();
        let Some(top) = live.iter().max_by(|a, b| a.score.total_cmp(&b.score)) else {
            continue;
        };
        if let Some(&i) = open.get(it.folded)
            && it.at - alerts[i].last_at <= window
        {
            let a = &mut alerts[i];
            a.count += 1;
            a.last_at = it.at;
            a.item_ids.push(it.item_id.to_owned());
            continue;
        }
        open.insert(it.folded, alerts.len());
        let reasons: Vec<&str> = live.iter().map(|s| s.explanation.as_str()).collect();
        alerts.push(Alert {
            category: top.category,
            severity: Severity::of(top.score),
            score: top.score,
            item_ids: vec![it.item_id.to_owned()],
            count: 1,
            first_at: it.at,
            last_at: it.at,
            explanation: reasons.join("; "),
        });
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClaimRole, Evidence};

    fn sig(reference: &str, score: f32, shadow: bool, role: Option<ClaimRole>) -> Signal {
        Signal {
            category: Category::Scam,
            score,
            evidence: vec![Evidence {
                start: 0,
                end: 1,
                shown: "x".into(),
            }],
            explanation: format!("luật {reference}"),
            detector: "rules",
            reference: reference.into(),
            version: "t".into(),
            shadow,
            role,
        }
    }

    #[test]
    fn floods_shadows_corrections_and_suppressions() {
        let strong = [sig("scam.otp_request", 0.85, false, None)];
        let weak = [sig("urls.shortener", 0.2, false, None)];
        let shadow = [sig("office.new", 0.9, true, None)];
        let correction = [sig("fc-1", 0.1, false, Some(ClaimRole::Correction))];
        let items = [
            Screened {
                item_id: "a",
                at: 0,
                folded: "doc ma otp",
                signals: &strong,
            },
            Screened {
                item_id: "b",
                at: 600,
                folded: "doc ma otp",
                signals: &strong,
            },
            Screened {
                item_id: "c",
                at: 1200,
                folded: "doc ma otp",
                signals: &strong,
            },
            Screened {
                item_id: "d",
                at: 90_000,
                folded: "doc ma otp",
                signals: &strong,
            },
            Screened {
                item_id: "e",
                at: 10,
                folded: "bit ly",
                signals: &weak,
            },
            Screened {
                item_id: "f",
                at: 20,
                folded: "da cap",
                signals: &shadow,
            },
            Screened {
                item_id: "g",
                at: 30,
                folded: "dinh chinh",
                signals: &correction,
            },
            Screened {
                item_id: "h",
                at: 40,
                folded: "known false match",
                signals: &strong,
            },
        ];
        let suppressed = [Suppression {
            reference: "scam.otp_request".into(),
            folded_text: "known false match".into(),
        }];
        let alerts = group(&items, 3600, &suppressed);
        let got: Vec<(Vec<String>, usize, Severity)> = alerts
            .iter()
            .map(|a| (a.item_ids.clone(), a.count, a.severity))
            .collect();
        assert_eq!(
            got,
            [
                (
                    vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
                    3,
                    Severity::High
                ),
                (vec!["d".to_owned()], 1, Severity::High),
            ],
            "a burst is one alert with a count; a day later is a new alert; weak, shadow, correction and suppressed signals raise none"
        );
    }
}
