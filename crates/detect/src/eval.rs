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
        let div = |a: u64, b: u64| {
            if a + b == 0 {
                0.0
            } else {
                a as f64 / (a + b) as f64
            }
        };
        s.precision = div(s.tp, s.fp);
        s.recall = div(s.tp, s.fn_);
        s.f1 = if s.precision + s.recall == 0.0 {
            0.0
        } else {
            2.0 * s.precision * s.recall / (s.precision + s.recall)
        };
    }
    out
}
