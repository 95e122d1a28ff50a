//! The fact-check register and its matcher. Claims verified false or misleading (with the
//! national labels: tin giả, tin sai sự thật, gây hiểu lầm), with their correction and source.
//! Matching: MinHash over folded syllable bigrams, banded into an LSH index, finds candidates in
//! constant time per item; then an exact overlap score decides, so that an item that repeats a
//! claim with emoji, without diacritics, in teencode, truncated or behind a preface still matches,
//! while a post on the same topic with different facts (other numbers, other names) does not.
//! An item that quotes a claim to refute it is marked as a correction, not as spreading it.

use crate::analyzed::Analyzed;
use crate::signal::{ClaimRole, Evidence, Signal};
use domain::Category;
use std::collections::{HashMap, HashSet};

pub const VERSION: &str = "factcheck-2026.11.1";

pub use domain::{FactCheck, Verdict};

const HASHES: usize = 64;
/// 32 bands of 2 rows: a pair with Jaccard similarity 0.3 becomes a candidate with probability
/// 0.95; unrelated posts (similarity near 0) almost never.
const BANDS: usize = 32;
const ROWS: usize = HASHES / BANDS;
/// The share of a claim's bigrams an item must repeat (of the shorter of the two).
pub const THRESHOLD: f32 = 0.6;
/// LSH bands a candidate must share with an item.
const MIN_BANDS: usize = 3;
/// Fewer shared bigrams than this is never a match, whatever the share.
const MIN_SHARED: usize = 4;

fn mix(mut x: u64) -> u64 {
    // splitmix64's finaliser: a good 64-bit mixer.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Folded syllables of a text (teencode expanded), with their spans in the original.
fn words(a: &Analyzed) -> Vec<(&str, (usize, usize))> {
    a.matching
        .toks
        .iter()
        .map(|t| {
            (
                &a.matching.text[t.form_start as usize..t.form_end as usize],
                (t.orig_start as usize, t.orig_end as usize),
            )
        })
        .collect()
}

/// Bigram shingles as hashes, with the word index each starts at.
fn shingles(words: &[(&str, (usize, usize))]) -> Vec<(u64, usize)> {
    words
        .windows(2)
        .enumerate()
        .map(|(i, w)| (fnv(w[0].0) ^ mix(fnv(w[1].0)), i))
        .collect()
}

fn minhash(shingles: &[u64]) -> [u64; HASHES] {
    // The i-th hash of a shingle is h1 + i * h2 (Kirsch and Mitzenmacher): two mixes per shingle
    // instead of one per hash, and a loop the compiler vectorises.
    let mut sig = [u64::MAX; HASHES];
    for &s in shingles {
        let h1 = mix(s);
        let h2 = mix(s ^ 0x9e37_79b9_7f4a_7c15) | 1;
        for (i, slot) in sig.iter_mut().enumerate() {
            *slot = (*slot).min(h1.wrapping_add((i as u64).wrapping_mul(h2)));
        }
    }
    sig
}

fn bands(sig: &[u64; HASHES]) -> impl Iterator<Item = u64> + '_ {
    (0..BANDS).map(move |b| {
        sig[b * ROWS..(b + 1) * ROWS]
            .iter()
            .fold(b as u64, |acc, x| mix(acc ^ x))
    })
}

struct Indexed {
    entry: usize,
    /// Sorted, unique.
    shingles: Vec<u64>,
    numbers: HashSet<String>,
}

/// Sorted, unique shingle hashes.
fn shingle_set(shingles: &[(u64, usize)]) -> Vec<u64> {
    let mut v: Vec<u64> = shingles.iter().map(|s| s.0).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// |a ∩ b| of two sorted, unique lists.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Words that, near a claim, say the item is refuting it.
const REFUTATION: &[&str] = &[
    " la sai su that ",
    " sai su that ",
    " la tin gia ",
    " tin gia ",
    " khong dung su that ",
    " khong co chuyen ",
    " bac bo ",
    " dinh chinh ",
    " thong tin sai ",
    " canh bao tin gia ",
    " xuyen tac ",
    " bia dat ",
    " khong chinh xac ",
    " da duoc kiem chung ",
    " kiem chung ",
];

/// The register, indexed.
#[derive(Default)]
pub struct FactCheckIndex {
    pub entries: Vec<FactCheck>,
    texts: Vec<Indexed>,
    lsh: crate::fxhash::FxHashMap<u64, Vec<usize>>,
}

fn numbers_of(words: &[(&str, (usize, usize))]) -> HashSet<String> {
    words
        .iter()
        .filter(|(w, _)| w.bytes().any(|b| b.is_ascii_digit()))
        .map(|(w, _)| (*w).to_owned())
        .collect()
}

impl FactCheckIndex {
    pub fn new(entries: Vec<FactCheck>) -> FactCheckIndex {
        let mut idx = FactCheckIndex {
            entries: Vec::new(),
            texts: Vec::new(),
            lsh: Default::default(),
        };
        for e in entries {
            idx.add(e);
        }
        idx
    }

    pub fn add(&mut self, e: FactCheck) {
        let n = self.entries.len();
        for text in std::iter::once(&e.claim).chain(e.variants.iter()) {
            let a = Analyzed::new(text);
            let w = words(&a);
            let sh = shingle_set(&shingles(&w));
            if sh.is_empty() {
                continue;
            }
            let t = self.texts.len();
            for band in bands(&minhash(&sh)) {
                self.lsh.entry(band).or_default().push(t);
            }
            self.texts.push(Indexed {
                entry: n,
                shingles: sh,
                numbers: numbers_of(&w),
            });
        }
        self.entries.push(e);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Candidates from the LSH index only (for benchmarks and tests of recall).
    pub fn candidates(&self, a: &Analyzed) -> Vec<usize> {
        self.candidates_for(&shingles(&words(a)))
    }

    /// Claim texts that share at least two LSH bands with these shingles: one shared band is
    /// what unrelated posts with a common phrase produce; a repeated claim shares many.
    fn candidates_of(&self, sh: &[u64], out: &mut Vec<usize>) {
        if sh.is_empty() {
            return;
        }
        let mut hits: Vec<usize> = bands(&minhash(sh))
            .filter_map(|b| self.lsh.get(&b))
            .flatten()
            .copied()
            .collect();
        hits.sort_unstable();
        let mut i = 0;
        while i < hits.len() {
            let mut j = i;
            while j < hits.len() && hits[j] == hits[i] {
                j += 1;
            }
            if j - i >= MIN_BANDS || sh.len() < 3 {
                out.push(hits[i]);
            }
            i = j;
        }
    }

    /// Candidates for an item: a long item (a claim quoted inside a long post) is looked up by
    /// overlapping windows about a claim's length, so the claim is not diluted by the rest.
    fn candidates_for(&self, shingles: &[(u64, usize)]) -> Vec<usize> {
        const WINDOW: usize = 20;
        let mut c: Vec<usize> = Vec::new();
        if shingles.len() <= WINDOW + 4 {
            self.candidates_of(&shingle_set(shingles), &mut c);
            return c;
        }
        let mut start = 0;
        while start < shingles.len() {
            let end = (start + WINDOW).min(shingles.len());
            self.candidates_of(&shingle_set(&shingles[start..end]), &mut c);
            if end == shingles.len() {
                break;
            }
            start += WINDOW / 2;
        }
        c.sort_unstable();
        c.dedup();
        c
    }

    pub fn screen(&self, original: &str, a: &Analyzed) -> Vec<Signal> {
        if self.texts.is_empty() {
            return Vec::new();
        }
        let w = words(a);
        let sh_list = shingles(&w);
        let sh = shingle_set(&sh_list);
        let item_numbers = numbers_of(&w);
        let mut best: HashMap<usize, (f32, usize)> = HashMap::new();
        for t in self.candidates_for(&sh_list) {
            let ix = &self.texts[t];
            let common = shared(&ix.shingles, &sh);
            let smaller = ix.shingles.len().min(sh.len()).max(1);
            let score = common as f32 / smaller as f32;
            if common < MIN_SHARED || score < THRESHOLD {
                continue;
            }
            // Different facts: the claim's numbers (dates, amounts, counts) must be the item's.
            let numbers_differ = !ix.numbers.is_empty()
                && !item_numbers.is_empty()
                && !ix.numbers.is_subset(&item_numbers);
            if !numbers_differ {
                let e = best.entry(ix.entry).or_insert((0.0, t));
                if score > e.0 {
                    *e = (score, t);
                }
            }
        }
        let mut out = Vec::new();
        for (entry, (score, t)) in best {
            let fc = &self.entries[entry];
            // The span of the item that repeats the claim.
            let claim_sh = &self.texts[t].shingles;
            let idx: Vec<usize> = sh_list
                .iter()
                .filter(|(h, _)| claim_sh.contains(h))
                .map(|(_, i)| *i)
                .collect();
            let (first, last) = (
                idx.iter().min().copied().unwrap_or(0),
                idx.iter().max().copied().unwrap_or(0) + 1,
            );
            let (start, end) = (w[first].1.0, w[last.min(w.len() - 1)].1.1);
            // Refutation words outside the repeated span make the item a correction.
            let outside: String = w
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < first || *i > last)
                .map(|(_, x)| x.0)
                .collect::<Vec<_>>()
                .join(" ");
            let outside = format!(" {outside} ");
            let refutes = REFUTATION.iter().any(|r| outside.contains(r));
            let role = if refutes {
                ClaimRole::Correction
            } else {
                ClaimRole::Spreads
            };
            let explanation = match role {
                ClaimRole::Spreads => format!(
                    "Lặp lại thông tin đã được kiểm chứng là {} (mục {}): «{}». Thông tin đúng: {} — nguồn: {} (trùng khớp {:.0}%)",
                    fc.verdict.label_vi(),
                    fc.id,
                    fc.claim,
                    fc.correction,
                    fc.source_url,
                    score * 100.0
                ),
                ClaimRole::Correction => format!(
                    "Trích dẫn để bác bỏ thông tin {} (mục {}): bài viết là đính chính, không phải phát tán (trùng khớp {:.0}%)",
                    fc.verdict.label_vi(),
                    fc.id,
                    score * 100.0
                ),
            };
            out.push(Signal {
                category: Category::FalseClaim,
                score: match role {
                    ClaimRole::Spreads => score.min(1.0),
                    ClaimRole::Correction => 0.1,
                },
                evidence: vec![Evidence {
                    start,
                    end,
                    shown: original[start..end].to_owned(),
                }],
                explanation,
                detector: "factcheck",
                reference: fc.id.clone(),
                version: VERSION.into(),
                shadow: false,
                role: Some(role),
            });
        }
        out
    }
}

/// Entries read, and (line or entry number, reason) for those rejected.
pub type Parsed = (Vec<FactCheck>, Vec<(u64, String)>);

/// Reads the CSV form: `id, claim, verdict, correction, source_url` (optional `date`,
/// `variants` separated by `|`). Returns entries and (line, reason) rejections.
pub fn parse_csv(content: &str) -> Parsed {
    let mut reader = csv_lite(content);
    let Some(header) = reader.next() else {
        return (Vec::new(), vec![(1, "tệp trống / empty file".into())]);
    };
    let col = |name: &str| {
        header
            .1
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id), Some(claim), Some(verdict)) = (col("id"), col("claim"), col("verdict")) else {
        return (
            Vec::new(),
            vec![(
                1,
                "cần các cột id, claim, verdict, correction, source_url / missing columns".into(),
            )],
        );
    };
    let (correction, source, date, variants) = (
        col("correction"),
        col("source_url"),
        col("date"),
        col("variants"),
    );
    // PDQ hashes of the pictures that carried the claim (64 hex digits each, `|` between them).
    let media = col("media_hashes").or_else(|| col("pdq"));
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for (line, cells) in reader {
        let get = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let v = get(Some(verdict));
        let Some(parsed) = Verdict::parse(&v) else {
            rejected.push((line, format!("nhãn kết luận không hợp lệ «{v}» (tin giả, tin sai sự thật, gây hiểu lầm, false, misleading…) / unknown verdict")));
            continue;
        };
        if get(Some(claim)).is_empty() || get(Some(id)).is_empty() {
            rejected.push((
                line,
                "thiếu id hoặc nội dung thông tin / missing id or claim".into(),
            ));
            continue;
        }
        let media_hashes: Vec<String> = get(media)
            .split('|')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if let Some(bad) = media_hashes
            .iter()
            .find(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            rejected.push((
                line,
                format!("mã PDQ «{bad}» không hợp lệ (cần 64 chữ số hex) / not a PDQ hash"),
            ));
            continue;
        }
        out.push(FactCheck {
            id: get(Some(id)),
            claim: text::canonical(&get(Some(claim))),
            verdict: parsed,
            correction: get(correction),
            source_url: get(source),
            date: Some(get(date)).filter(|d| !d.is_empty()),
            variants: get(variants)
                .split('|')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
            media_hashes,
        });
    }
    (out, rejected)
}

/// A minimal CSV reader (quoted fields, doubled quotes) yielding (line, cells).
fn csv_lite(content: &str) -> impl Iterator<Item = (u64, Vec<String>)> + '_ {
    let mut line_no = 0u64;
    let mut lines = content.lines().peekable();
    std::iter::from_fn(move || {
        loop {
            let mut line = lines.next()?.to_owned();
            line_no += 1;
            let start = line_no;
            // A quoted field may span lines.
            while line.matches('"').count() % 2 == 1 {
                match lines.next() {
                    Some(more) => {
                        line.push('\n');
                        line.push_str(more);
                        line_no += 1;
                    }
                    None => break,
                }
            }
            if line.trim().is_empty() {
                continue;
            }
            let mut cells = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => cells.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            cells.push(cur);
            return Some((start, cells));
        }
    })
}

/// Reads schema.org `ClaimReview` JSON-LD: one object, an array, or an `@graph`.
pub fn parse_claimreview(json: &str) -> Result<Parsed, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("JSON không hợp lệ: {e}"))?;
    let items: Vec<&serde_json::Value> = match &v {
        serde_json::Value::Array(a) => a.iter().collect(),
        serde_json::Value::Object(o) => match o.get("@graph").and_then(|g| g.as_array()) {
            Some(g) => g.iter().collect(),
            None => vec![&v],
        },
        _ => return Err("không phải ClaimReview / not ClaimReview".into()),
    };
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let n = i as u64 + 1;
        let s = |p: &[&str]| {
            p.iter()
                .try_fold(*it, |v, k| v.get(k))
                .and_then(|x| x.as_str())
                .map(str::to_owned)
        };
        let rating =
            s(&["reviewRating", "alternateName"]).or_else(|| s(&["reviewRating", "ratingValue"]));
        let Some(verdict) = rating.as_deref().and_then(Verdict::parse) else {
            rejected.push((
                n,
                format!("kết luận không hợp lệ {rating:?} / unknown rating"),
            ));
            continue;
        };
        let Some(claim) = s(&["claimReviewed"]) else {
            rejected.push((n, "thiếu claimReviewed / missing claimReviewed".into()));
            continue;
        };
        let url = s(&["url"]).unwrap_or_default();
        out.push(FactCheck {
            id: s(&["@id"]).or(s(&["identifier"])).unwrap_or_else(|| {
                if url.is_empty() {
                    format!("claimreview-{n}")
                } else {
                    url.clone()
                }
            }),
            claim: text::canonical(&claim),
            verdict,
            correction: s(&["reviewBody"])
                .or(s(&["description"]))
                .unwrap_or_default(),
            source_url: url,
            date: s(&["datePublished"]),
            variants: Vec::new(),
            media_hashes: Vec::new(),
        });
    }
    Ok((out, rejected))
}
