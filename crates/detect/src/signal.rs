//! A signal: one detector's finding on an item, which explains itself.

use domain::Category;
use serde::Serialize;

/// What a signal points at: a span of the original text (shown masked where it is personal
/// data), or a media hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    /// The text of the span as it may be shown (personal data masked: "0912***678").
    pub shown: String,
}

/// Whether an item spreads a fact-checked claim or corrects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimRole {
    Spreads,
    Correction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    pub category: Category,
    /// In [0, 1].
    pub score: f32,
    pub evidence: Vec<Evidence>,
    /// In Vietnamese: which rule, which words, which register entry, and the score.
    pub explanation: String,
    /// The detector ("rules", "entities", "urls", "factcheck").
    pub detector: &'static str,
    /// The rule id or register entry the signal rests on.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The rule pack's version (or the register's), for reproducing a finding.
    pub version: String,
    /// A shadow rule's signal: logged, never alerted.
    pub shadow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ClaimRole>,
}

/// Masks personal data for display: keeps the first `head` and last `tail` digits.
pub fn mask(s: &str, head: usize, tail: usize) -> String {
    let digits: Vec<char> = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() <= head + tail {
        return "*".repeat(digits.len());
    }
    let mut out: String = digits[..head].iter().collect();
    out.push_str("***");
    out.extend(&digits[digits.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks() {
        assert_eq!(super::mask("0912.345.678", 4, 3), "0912***678");
        assert_eq!(super::mask("038095001234", 3, 4), "038***1234");
        assert_eq!(super::mask("123", 4, 3), "***");
    }
}
