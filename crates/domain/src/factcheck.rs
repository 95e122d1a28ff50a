//! The fact-check register's entries: claims verified false or misleading, with the national
//! labels, their correction and source.

use serde::{Deserialize, Serialize};

/// The national labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// tin giả
    Fake,
    /// tin sai sự thật
    False,
    /// gây hiểu lầm
    Misleading,
}

impl Verdict {
    pub fn label_vi(self) -> &'static str {
        match self {
            Verdict::Fake => "tin giả",
            Verdict::False => "tin sai sự thật",
            Verdict::Misleading => "gây hiểu lầm",
        }
    }

    /// The national labels, and the usual English ratings.
    pub fn parse(s: &str) -> Option<Verdict> {
        Some(match text::fold(s).as_str() {
            "tin gia" | "fake" | "fake news" | "hoax" | "fabricated" => Verdict::Fake,
            "tin sai su that" | "sai su that" | "false" | "mostly false" | "pants on fire"
            | "incorrect" | "wrong" => Verdict::False,
            "gay hieu lam" | "misleading" | "missing context" | "half true" | "mixture"
            | "out of context" | "partly false" => Verdict::Misleading,
            _ => return None,
        })
    }
}

/// One entry of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactCheck {
    pub id: String,
    pub claim: String,
    pub verdict: Verdict,
    pub correction: String,
    pub source_url: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub media_hashes: Vec<String>,
}
