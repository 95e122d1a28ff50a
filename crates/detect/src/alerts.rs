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
