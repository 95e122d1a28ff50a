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
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    s.len() < 2
        || s.bytes().all(|b| b.is_ascii_digit())
        || SET
            .get_or_init(|| STOP.iter().copied().collect())
            .contains(s)
}

/// Term counts of a set of texts: unigrams and bigrams (two syllables, neither a stop word),
/// each counted once per post. Terms are interned: a post costs no allocation once its words
/// have been seen.
#[derive(Default, Clone, Debug)]
pub struct Counts {
    vocab: HashMap<String, u32>,
    names: Vec<String>,
    counts: Vec<u64>,
    pub total: u64,
    pub documents: u64,
    ids: Vec<u32>,
    pair: String,
    scratch: String,
}

impl Counts {
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.vocab.get(term) {
            return id;
        }
        let id = self.names.len() as u32;
        self.vocab.insert(term.to_owned(), id);
        self.names.push(term.to_owned());
        self.counts.push(0);
        id
    }

    /// Adds a post as written.
    pub fn add(&mut self, text: &str) {
        let mut folded = std::mem::take(&mut self.scratch);
        folded.clear();
        text::fold_into(text, &mut folded);
        self.add_folded(&folded);
        self.scratch = folded;
    }

    /// Adds a post already folded (`text::fold_into`).
    pub fn add_folded(&mut self, folded: &str) {
        self.documents += 1;
        self.ids.clear();
        let mut previous: Option<&str> = None;
        for w in folded.split(' ').filter(|w| !w.is_empty()) {
            if is_stop(w) {
                previous = None;
                continue;
            }
            let id = self.intern(w);
            self.ids.push(id);
            if let Some(p) = previous {
                let mut pair = std::mem::take(&mut self.pair);
                pair.clear();
                pair.push_str(p);
                pair.push(' ');
                pair.push_str(w);
                let id = self.intern(&pair);
                self.ids.push(id);
                self.pair = pair;
            }
            previous = Some(w);
        }
        // Document frequency, not raw frequency: one post repeating a word is one voice.
        self.ids.sort_unstable();
        self.ids.dedup();
        for &id in &self.ids {
            self.counts[id as usize] += 1;
        }
        self.total += self.ids.len() as u64;
    }

    /// Posts that carry a (folded) term.
    pub fn count(&self, term: &str) -> u64 {
        self.vocab
            .get(term)
            .map_or(0, |&id| self.counts[id as usize])
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.counts.iter().copied())
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
        .iter()
        .filter(|(_, c)| *c >= crate::MIN_GROUP)
        .filter_map(|(t, a)| {
            let a = a as f64;
            let b = background.count(t) as f64;
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
                phrase: t.to_owned(),
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

/// How a (folded) phrase is written in a post, with its diacritics: the words of `text` whose
/// folded forms are the phrase's; `None` when the post does not carry it.
pub fn written_form(phrase: &str, text: &str) -> Option<String> {
    let words: Vec<&str> = phrase.split(' ').collect();
    let tokens = text::tokens(text);
    let folded: Vec<String> = tokens.iter().map(|t| text::fold(t)).collect();
    (0..tokens.len().saturating_sub(words.len() - 1))
        .find(|&i| words.iter().enumerate().all(|(k, w)| folded[i + k] == *w))
        .map(|i| tokens[i..i + words.len()].join(" "))
}

/// The signature under which near-identical posts meet: the folded words without numbers and
/// links.
pub fn signature_folded(folded: &str, out: &mut String) {
    out.clear();
    for w in folded.split(' ') {
        if w.is_empty()
            || w.bytes().any(|b| b.is_ascii_digit())
            || matches!(w, "http" | "https" | "www")
        {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
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

/// Gathers posts by signature.
#[derive(Default)]
pub struct Clusters {
    groups: HashMap<String, (String, u64, Vec<i64>)>,
    sig: String,
}

impl Clusters {
    /// Adds a post (as written, and folded).
    pub fn add(&mut self, text: &str, folded: &str, community: i64) {
        let mut sig = std::mem::take(&mut self.sig);
        signature_folded(folded, &mut sig);
        // "Cảm ơn" everywhere is not a campaign: five words at least.
        if sig.bytes().filter(|&b| b == b' ').count() >= 4 {
            match self.groups.get_mut(sig.as_str()) {
                Some(g) => {
                    g.1 += 1;
                    if !g.2.contains(&community) {
                        g.2.push(community);
                    }
                }
                None => {
                    self.groups
                        .insert(sig.clone(), (text.to_owned(), 1, vec![community]));
                }
            }
        }
        self.sig = sig;
    }

    /// Clusters of at least [`crate::MIN_GROUP`] posts, largest first.
    pub fn top(self, top: usize) -> Vec<Cluster> {
        let mut out: Vec<Cluster> = self
            .groups
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_rise_against_the_background_and_show_their_diacritics() {
        let mut now = Counts::default();
        let mut before = Counts::default();
        for k in 0..40 {
            now.add(&format!("Cảnh báo lừa đảo chuyển khoản số {k}"));
            now.add("Lịch cắt điện thôn Đồng Tâm");
            before.add("Lịch cắt điện thôn Đồng Tâm");
        }
        let p = key_phrases(&now, &before, 10);
        let lua_dao = p
            .iter()
            .find(|x| x.phrase == "lua dao")
            .expect("«lừa đảo» rises");
        assert_eq!(lua_dao.count, 40);
        assert!(p.iter().all(|x| !x.phrase.contains("dien")), "{p:?}");
        assert_eq!(
            written_form("lua dao", "Cảnh báo LỪA ĐẢO chuyển khoản").as_deref(),
            Some("lừa đảo")
        );
        assert_eq!(written_form("lua dao", "Chợ phiên"), None);
    }

    #[test]
    fn copies_cluster_whatever_their_numbers_and_links() {
        let mut c = Clusters::default();
        let mut f = String::new();
        for k in 0..6 {
            let t = format!("Nhận quà tri ân khách hàng tại https://qua{k}.xyz số {k}");
            f.clear();
            text::fold_into(&t, &mut f);
            c.add(&t, &f, k % 3);
        }
        f.clear();
        text::fold_into("Cảm ơn", &mut f);
        c.add("Cảm ơn", &f, 1);
        let top = c.top(5);
        assert_eq!(top.len(), 1);
        assert_eq!((top[0].count, top[0].communities), (6, 3));
    }
}
