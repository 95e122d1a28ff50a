//! The evaluation harness's arithmetic: precision, recall and F1 per category over labelled
//! examples (`{"text": …, "expected": ["scam"]}` per line).

use domain::Category;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    pub text: String,
    #[serde(default)]
    pub expected: Vec<String>,
    /// A hard negative: a text that looks like a finding and is not (a warning, a report, a real
    /// job ad, a complaint); counted apart.
    #[serde(default)]
    pub hard: bool,
}

/// One labelled example with its categories parsed.
pub type Row = (Labelled, Vec<Category>);

/// Parses a labelled JSONL text; an error names the line.
pub fn parse_jsonl(text: &str) -> Result<Vec<Row>, String> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let l: Labelled = serde_json::from_str(line).map_err(|e| format!("dòng {}: {e}", i + 1))?;
        let cats = l
            .expected
            .iter()
            .map(|c| {
                Category::parse_word(c).ok_or_else(|| format!("dòng {}: danh mục «{c}»", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push((l, cats));
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Score {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// `part / (part + rest)`, or `None` when both are zero (precision with nothing raised, recall
/// with nothing to find): the caller says what an empty count means.
pub fn share(part: u64, rest: u64) -> Option<f64> {
    (part + rest > 0).then(|| part as f64 / (part + rest) as f64)
}

/// Per category, from (expected, predicted) pairs.
pub fn score(pairs: &[(BTreeSet<Category>, BTreeSet<Category>)]) -> BTreeMap<Category, Score> {
    let mut out: BTreeMap<Category, Score> = BTreeMap::new();
    for (expected, predicted) in pairs {
        for c in expected.union(predicted) {
            let s = out.entry(*c).or_default();
            match (expected.contains(c), predicted.contains(c)) {
                (true, true) => s.tp += 1,
                (false, true) => s.fp += 1,
                (true, false) => s.fn_ += 1,
                _ => {}
            }
        }
    }
    for s in out.values_mut() {
        s.precision = share(s.tp, s.fp).unwrap_or(0.0);
        s.recall = share(s.tp, s.fn_).unwrap_or(0.0);
        s.f1 = if s.precision + s.recall == 0.0 {
            0.0
        } else {
            2.0 * s.precision * s.recall / (s.precision + s.recall)
        };
    }
    out
}
