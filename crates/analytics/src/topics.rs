//! What a period is about: key phrases (syllable unigrams and bigrams of the folded text) scored
//! by Dunning's log-likelihood against a background period, with Vietnamese stop-syllables,
//! numbers and links left out; and clusters of near-identical posts (the same words once links,
//! numbers and case are set aside) — copy-paste campaigns, shared scam texts.

use serde::Serialize;
use std::collections::HashMap;

/// Syllables too common to be a topic (folded).
const STOP: &[&str] = &[
    "va", "la", "cua", "co", "cho", "cac", "nhung", "mot", "duoc", "trong", "voi", "da", "khong",
    "nay", "de", "den", "tai", "thi", "ma", "nhu", "ve", "tu", "se", "dang", "cung", "rat",
    "nguoi", "ra", "vao", "len", "khi", "o", "di", "lai", "con", "nen", "hay", "nhe", "a", "oi",
    "ah", "nha", "thoi", "qua", "ban", "minh", "toi", "chung", "ho", "no", "em", "anh", "chi",
    "bac", "moi", "nhieu", "it", "roi", "vay", "sao", "gi", "nao", "day", "do", "kia", "theo",
    "tren", "duoi", "sau", "truoc", "https", "http", "www", "com", "vn",
];

fn is_stop(s: &str) -> bool {
    STOP.contains(&s) || s.chars().all(|c| c.is_ascii_digit()) || s.len() < 2
}

/// Term counts of a set of texts: unigrams and bigrams (two syllables, neither a stop word).
#[derive(Default, Clone, Debug)]
pub struct Counts {
    pub terms: HashMap<String, u64>,
    /// How a folded term was first written (with its diacritics), for showing it.
    pub shown: HashMap<String, String>,
    pub total: u64,
    pub documents: u64,
}

impl Counts {
    pub fn add(&mut self, text: &str) {
        self.documents += 1;
        let written = text::tokens(text);
        let words: Vec<String> = written.iter().map(|t| text::fold(t)).collect();
        let mut seen: Vec<String> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if is_stop(w) {
                continue;
            }
            if !self.shown.contains_key(w) {
                self.shown.insert(w.clone(), written[i].clone());
            }
            seen.push(w.clone());
            if let Some(next) = words.get(i + 1)
                && !is_stop(next)
            {
                let key = format!("{w} {next}");
                if !self.shown.contains_key(&key) {
                    self.shown
                        .insert(key.clone(), format!("{} {}", written[i], written[i + 1]));
                }
                seen.push(key);
            }
        }
        // Document frequency, not raw frequency: one post repeating a word is one voice.
        seen.sort();
        seen.dedup();
        for t in seen {
            *self.terms.entry(t).or_default() += 1;
            self.total += 1;
        }
    }
}

/// A key phrase of the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Phrase {
    pub phrase: String,
    /// Posts of the period that carry it.
    pub count: u64,
    /// In the background, scaled to the period's size.
    pub expected: f64,
    /// Dunning's G².
    pub score: f64,
}

/// G² at or above which a difference from the background is significant (p < 0.001, 1 d.f.).
pub const SIGNIFICANT: f64 = 10.83;

/// The `top` key phrases of `period` against `background`; a phrase must come from at least
/// [`crate::MIN_GROUP`] posts, be more frequent than in the background, and significantly so
/// ([`SIGNIFICANT`]).
pub fn key_phrases(period: &Counts, background: &Counts, top: usize) -> Vec<Phrase> {
    let (n1, n2) = (period.total.max(1) as f64, background.total.max(1) as f64);
    let mut out: Vec<Phrase> = period
        .terms
        .iter()
        .filter(|(_, c)| **c >= crate::MIN_GROUP)
        .filter_map(|(t, a)| {
            let a = *a as f64;
            let b = background.terms.get(t).copied().unwrap_or(0) as f64;
            let e1 = n1 * (a + b) / (n1 + n2);
            let e2 = n2 * (a + b) / (n1 + n2);
            if a <= e1 {
                return None;
            }
            let ll = |o: f64, e: f64| if o > 0.0 { o * (o / e).ln() } else { 0.0 };
            let g2 = 2.0 * (ll(a, e1) + ll(b, e2));
            if g2 < SIGNIFICANT {
                return None;
            }
            // Bigrams say more than their syllables: a small bonus keeps "lua dao" above "lua".
            let bonus = if t.contains(' ') { 1.2 } else { 1.0 };
            Some(Phrase {
                phrase: period.shown.get(t).cloned().unwrap_or_else(|| t.clone()),
                count: a as u64,
                expected: (b * n1 / n2 * 10.0).round() / 10.0,
                score: (g2 * bonus * 10.0).round() / 10.0,
            })
        })
        .collect();
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.phrase.cmp(&y.phrase)));
    // A syllable that mostly comes inside one of the phrases ("lịch" in "lịch tiêm") adds nothing.
    let bigrams: Vec<(String, u64)> = out
        .iter()
        .filter(|p| p.phrase.contains(' '))
        .map(|p| (p.phrase.clone(), p.count))
        .collect();
    let mut kept: Vec<Phrase> = Vec::new();
    for p in out {
        if !p.phrase.contains(' ')
            && bigrams
                .iter()
                .any(|(b, c)| b.split(' ').any(|w| w == p.phrase) && *c * 5 >= p.count * 4)
        {
            continue;
        }
        kept.push(p);
        if kept.len() == top {
            break;
        }
    }
    kept
}

/// The signature under which near-identical posts meet.
pub fn signature(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for t in text::tokens(text) {
        let f = text::fold(&t);
        if f.chars().any(|c| c.is_ascii_digit()) || f.starts_with("http") || f.contains('.') {
            continue;
        }
        words.push(f);
    }
    words.join(" ")
}

/// A cluster of near-identical posts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// One of the posts, as written.
    pub example: String,
    pub count: u64,
    /// Distinct communities it appeared in.
    pub communities: u64,
}

/// Clusters of at least [`crate::MIN_GROUP`] posts with the same signature, largest first.
pub fn clusters<'a>(posts: impl Iterator<Item = (&'a str, i64)>, top: usize) -> Vec<Cluster> {
    let mut groups: HashMap<String, (String, u64, Vec<i64>)> = HashMap::new();
    for (text, community) in posts {
        let sig = signature(text);
        if sig.split(' ').count() < 5 {
            continue; // "Cảm ơn" everywhere is not a campaign
        }
        let g = groups
            .entry(sig)
            .or_insert_with(|| (text.to_owned(), 0, Vec::new()));
        g.1 += 1;
        if !g.2.contains(&community) {
            g.2.push(community);
        }
    }
    let mut out: Vec<Cluster> = groups
        .into_values()
        .filter(|(_, n, _)| *n >= crate::MIN_GROUP)
        .map(|(example, count, c)| Cluster {
            example,
            count,
            communities: c.len() as u64,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.example.cmp(&b.example)));
    out.truncate(top);
    out
}
