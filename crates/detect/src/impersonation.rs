//! Impersonation of official channels: for every community that is not official, which official
//! channel of our units it passes itself off as, how strongly, and why — in reasons a person can
//! check at a glance.
//!
//! A name is read as its words after the look-alike skeleton (Cyrillic and Greek letters, digits
//! for letters, invisible characters, decomposed or old-style diacritics all meet the plain
//! spelling), with official abbreviations written in capitals expanded to one token per body
//! (UBND ↔ Ủy ban nhân dân, CA ↔ Công an, ĐTN/Đoàn TN ↔ Đoàn Thanh niên, HPN/HLHPN ↔ Hội (Liên hiệp)
//! Phụ nữ, MTTQ ↔ Mặt trận Tổ quốc, HND, CCB…). "ca" written in lower case stays a fish.
//!
//! The locality is decisive: the places a name mentions are looked up in the GSO list of wards and
//! provinces; a name that names another real place and not ours ("Công an xã Thạch Lập") is that
//! place's page, not an impostor of ours, and a name that carries our place but no official body
//! ("Chợ Thạch Quảng", "Thạch Quảng quê tôi") is a community page.
//!
//! Candidates are not compared with every official: officials are indexed by character trigrams
//! of their skeleton name and of their handle, and a community is compared only with officials
//! sharing enough trigrams with it.

use std::collections::HashMap;

use domain::Platform;

use crate::fxhash::FxHashMap;

/// Score at or above which a finding is judged impersonation (the CLI's default `--min-score`).
pub const JUDGED: f64 = 0.6;
/// PDQ distance at or below which two avatars are the same picture.
pub const AVATAR_MATCH: u32 = 31;
/// PDQ quality below which an avatar hash is not trusted.
pub const AVATAR_MIN_QUALITY: u8 = 50;

/// A page, channel, group or site as the scan sees it.
#[derive(Clone, Debug, Default)]
pub struct Channel {
    pub name: String,
    /// Canonical URL, when it has one.
    pub url: Option<String>,
    pub platform: Option<Platform>,
    /// PDQ of its avatar (sixteen 16-bit words, as `media::Hash256`) and the hash's quality.
    pub avatar: Option<([u16; 16], u8)>,
    /// Its avatar's hash turned the other seven ways (mirrored, rotated), each with how, when
    /// known: a candidate whose avatar is a flipped copy of this one's matches one of them.
    pub avatar_turned: Vec<(String, [u16; 16])>,
    /// Earlier names, oldest first: (when the change was seen, the name before).
    pub renamed_from: Vec<(String, String)>,
}

/// How far the candidate's avatar is from the official's, as it is or turned (the nearest of
/// the official's hashes, with how it is turned); None unless both are known and trusted.
pub fn avatar_distance<'a>(
    candidate: &Channel,
    official: &'a Channel,
) -> Option<(u32, Option<&'a str>)> {
    let ((a, qa), (b, qb)) = (candidate.avatar?, official.avatar?);
    if qa < AVATAR_MIN_QUALITY || qb < AVATAR_MIN_QUALITY {
        return None;
    }
    let bits = |x: &[u16; 16], y: &[u16; 16]| -> u32 {
        x.iter().zip(y).map(|(p, q)| (p ^ q).count_ones()).sum()
    };
    let plain = (bits(&a, &b), None);
    Some(
        official
            .avatar_turned
            .iter()
            .map(|(how, h)| (bits(&a, h), Some(how.as_str())))
            .fold(plain, |best, t| if t.0 < best.0 { t } else { best }),
    )
}

/// One candidate judged against one official channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Index into the candidates given.
    pub candidate: usize,
    /// Index into the officials given.
    pub official: usize,
    /// 0..1.
    pub score: f64,
    /// Vietnamese, each checkable by looking at the two pages.
    pub reasons: Vec<String>,
}

/// Body words: variants (folded, skeleton) → one token. Multi-word variants first.
const BODIES: &[(&str, &[&str])] = &[
    ("#uybannhandan", &["uy ban nhan dan", "uy ban nd", "ubnd"]),
    ("#congan", &["cong an", "ca"]),
    (
        "#doanthanhnien",
        &[
            "doan thanh nien cong san ho chi minh",
            "doan tncs ho chi minh",
            "doan thanh nien",
            "doan tncs",
            "doan tn",
            "dtn",
        ],
    ),
    (
        "#phunu",
        &[
            "hoi lien hiep phu nu",
            "hoi lhpn",
            "hlhpn",
            "hoi phu nu",
            "hpn",
        ],
    ),
    (
        "#mattran",
        &[
            "uy ban mat tran to quoc viet nam",
            "uy ban mat tran to quoc",
            "mat tran to quoc viet nam",
            "mat tran to quoc",
            "uy ban mttq viet nam",
            "uy ban mttq",
            "mttq",
        ],
    ),
    ("#nongdan", &["hoi nong dan", "hnd"]),
    ("#cuuchienbinh", &["hoi cuu chien binh", "hoi ccb", "ccb"]),
    ("#dang", &["dang uy", "dang bo", "dang uy xa", "du"]),
    ("#tramyte", &["tram y te", "tyt"]),
    ("#truong", &["truong"]),
];

/// Abbreviations that count only when written in capitals (in lower case they are words).
const CAPITALS_ONLY: &[&str] = &["ca", "du", "dtn", "tn", "hnd", "ccb", "hpn", "tyt", "nd"];

/// A word written as an abbreviation: two letters or more, all capitals, and none carrying a
/// vowel mark or a tone — "CA", "UBND", "ĐTN" (Đ is a letter, not a mark), but not "CÁ" or "BÁO",
/// which are words in their own right written in capitals.
fn abbreviation(w: &str) -> bool {
    let mut letters = 0;
    for c in w.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        // A Vietnamese vowel mark or tone is lost when folded (a look-alike from another
        // script is not: "СА" in Cyrillic still reads as an abbreviation).
        if !c.is_ascii() && c != 'Đ' {
            let mut buf = [0u8; 4];
            if !text::fold(c.encode_utf8(&mut buf))
                .chars()
                .eq(c.to_lowercase())
            {
                return false;
            }
        }
        letters += 1;
    }
    letters >= 2
}

/// A name written all in capitals ("CÔNG AN XÃ THẠCH QUẢNG"): its words are not abbreviations
/// for being in capitals.
fn all_in_capitals(name: &str) -> bool {
    let mut words = 0;
    for w in name.split_whitespace() {
        let mut letters = w.chars().filter(|c| c.is_alphabetic()).peekable();
        if letters.clone().nth(1).is_none() {
            continue; // a letter alone says nothing
        }
        if !letters.all(char::is_uppercase) {
            return false;
        }
        words += 1;
    }
    words >= 2
}

/// Level words: optional when matching (people drop "xã"), kept as one token.
const LEVELS: &[(&str, &[&str])] = &[
    ("#xa", &["xa", "x"]),
    ("#phuong", &["phuong", "p"]),
    ("#thitran", &["thi tran", "tt"]),
    ("#tinh", &["tinh"]),
    ("#huyen", &["huyen"]),
];

/// Words impostors add to a name that change nothing about whom it claims to be.
const FILLER: &[&str] = &[
    "official", "chinh", "thuc", "trang", "tin", "tuc", "24h", "2ah", "online", "news", "page",
    "fanpage", "fan", "club", "tv", "media", "viet", "nam", "vn", "thong", "cua", "va", "moi",
    "nhat",
];

/// Suffixes impostors add to handles.
const HANDLE_SUFFIXES: &[&str] = &[
    "official",
    "offical",
    "chinhthuc",
    "24h",
    "2ah",
    "news",
    "tintuc",
    "page",
    "vn",
    "tv",
    "fanpage",
    "online",
];

/// The phrase tables in skeleton form (UTS #39 writes "m" as "rn", so the tables must be read
/// the way names are).
struct Tables {
    /// (token, variant words, whether the variant must be written in capitals), longest first.
    phrases: Vec<(&'static str, Vec<String>, bool)>,
    filler: Vec<String>,
    suffixes: Vec<String>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut phrases = Vec::new();
        for (token, variants) in BODIES.iter().chain(LEVELS.iter()) {
            for v in variants.iter() {
                let words: Vec<String> = v.split(' ').map(text::skeleton).collect();
                let caps = words.len() == 1 && CAPITALS_ONLY.contains(v);
                phrases.push((*token, words, caps));
            }
        }
        phrases.sort_by_key(|p| std::cmp::Reverse(p.1.len()));
        Tables {
            phrases,
            filler: FILLER.iter().map(|w| text::skeleton(w)).collect(),
            suffixes: HANDLE_SUFFIXES
                .iter()
                .map(|w| collapse(&text::skeleton(w)))
                .collect(),
        }
    })
}

fn is_filler(t: &str) -> bool {
    tables().filler.iter().any(|f| f == t)
}

#[derive(Clone, Debug)]
struct NameForm {
    /// Tokens: body tokens (`#…`), level tokens, place tokens (`@code`), other words.
    tokens: Vec<String>,
    /// The words of the name each token was read from, as written.
    originals: Vec<String>,
    /// Places named (indices into [`Places`]).
    places: Vec<u32>,
    /// How the raw spelling departs from plain Vietnamese.
    tricks: Vec<&'static str>,
}

impl NameForm {
    fn bodies(&self) -> impl Iterator<Item = &str> {
        self.tokens
            .iter()
            .map(String::as_str)
            .filter(|t| t.starts_with('#') && !is_level(t))
    }
}

fn is_level(t: &str) -> bool {
    LEVELS.iter().any(|(token, _)| *token == t)
}

/// The GSO wards and provinces by folded name, for telling places apart.
pub struct Places {
    /// Folded name words → place index. Names are 1 to 4 words.
    by_name: HashMap<String, u32>,
    names: Vec<String>,
    /// How many wards and provinces bear each name (Quang Trung: many).
    bearers: Vec<u32>,
    longest: usize,
}

impl Places {
    /// Every ward and province of the embedded GSO list.
    pub fn gso() -> Places {
        let mut by_name = HashMap::new();
        let mut names = Vec::new();
        let mut bearers: Vec<u32> = Vec::new();
        let mut add = |name: &str| {
            let key = words_of(&text::skeleton(name)).join(" ");
            if key.is_empty() || key.split(' ').count() < 2 {
                // One-word place names ("Vinh") are ordinary words too often to be places.
                return;
            }
            let id = *by_name.entry(key).or_insert_with(|| {
                names.push(name.to_owned());
                bearers.push(0);
                (names.len() - 1) as u32
            });
            bearers[id as usize] += 1;
        };
        for unit in domain::admin_units() {
            add(strip_prefix(
                &unit.ward_name,
                &["Phường ", "Xã ", "Thị trấn ", "Đặc khu "],
            ));
            add(strip_prefix(&unit.province_name, &["Thành phố ", "Tỉnh "]));
        }
        let longest = by_name
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        Places {
            by_name,
            names,
            bearers,
            longest,
        }
    }

    pub fn name(&self, place: u32) -> &str {
        &self.names[place as usize]
    }

    /// How many wards and provinces of the GSO list bear this place's name.
    pub fn bearers(&self, place: u32) -> u32 {
        self.bearers[place as usize]
    }
}

fn strip_prefix<'a>(s: &'a str, prefixes: &[&str]) -> &'a str {
    prefixes.iter().find_map(|p| s.strip_prefix(p)).unwrap_or(s)
}

fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads a name into its form.
fn analyse(name: &str, places: &Places) -> NameForm {
    let mut tricks = Vec::new();
    if name.chars().any(text::is_invisible) {
        tricks.push("chèn ký tự vô hình");
    }
    if name
        .chars()
        .any(|c| matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{04FF}'))
    {
        tricks.push("dùng chữ Cyrillic/Hy Lạp giống chữ Latin");
    }
    if name.chars().any(|c| matches!(c, '\u{0300}'..='\u{036F}')) {
        tricks.push("dấu viết tách rời (Unicode tổ hợp)");
    }
    if name.split_whitespace().any(|w| {
        w.chars().any(|c| c.is_ascii_digit())
            && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !w
                .chars()
                .all(|c| c.is_ascii_digit() || c == 'h' || c == 'H')
    }) {
        tricks.push("dùng chữ số thay chữ cái");
    }
    // Raw words with their capitalisation, then skeleton words.
    let visible: String = name.chars().filter(|c| !text::is_invisible(*c)).collect();
    let shouting = all_in_capitals(&visible);
    let mut raw: Vec<(String, bool)> = Vec::new();
    let mut surface: Vec<&str> = Vec::new();
    for w in visible.split(|c: char| !c.is_alphanumeric() && !matches!(c, '\u{0300}'..='\u{036F}'))
    {
        if w.is_empty() {
            continue;
        }
        let caps = !shouting && abbreviation(w);
        let sk = text::skeleton(w);
        for part in words_of(&sk) {
            raw.push((part, caps));
            surface.push(w);
        }
    }
    // At each word: a body or level phrase of two or more words, else a place (longest first),
    // else a one-word body or level, else the word itself.
    let t = tables();
    let phrase_at = |i: usize, multi: bool| {
        t.phrases.iter().find(|(_, words, caps)| {
            (words.len() > 1) == multi
                && i + words.len() <= raw.len()
                && words.iter().zip(&raw[i..]).all(|(p, (w, _))| p == w)
                && (!caps || raw[i].1)
        })
    };
    let mut tokens = Vec::new();
    let mut originals = Vec::new();
    let mut found = Vec::new();
    let mut take = |token: String, from: usize, len: usize| {
        let mut words: Vec<&str> = surface[from..from + len].to_vec();
        words.dedup();
        originals.push(words.join(" "));
        tokens.push(token);
    };
    let mut i = 0;
    'outer: while i < raw.len() {
        if let Some((token, words, _)) = phrase_at(i, true) {
            take((*token).to_owned(), i, words.len());
            i += words.len();
            continue;
        }
        for len in (2..=places.longest.min(raw.len() - i)).rev() {
            let key = raw[i..i + len]
                .iter()
                .map(|(w, _)| w.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(&p) = places.by_name.get(&key) {
                take(format!("@{p}"), i, len);
                found.push(p);
                i += len;
                continue 'outer;
            }
        }
        match phrase_at(i, false) {
            Some((token, _, _)) => take((*token).to_owned(), i, 1),
            None => take(raw[i].0.clone(), i, 1),
        }
        i += 1;
    }
    NameForm {
        tokens,
        originals,
        places: found,
        tricks,
    }
}

/// A handle or host, reduced for comparison: skeleton, no separators, no repeated letters.
fn handle_of(url: &str) -> Option<String> {
    let out = collapse(&text::skeleton(&handle_raw(url)));
    (!out.is_empty()).then_some(out)
}

/// The handle as written: the last meaningful path segment, or the host.
fn handle_raw(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let segment = path
        .split(['/', '?', '#'])
        .rfind(|s| {
            !s.is_empty()
                && !matches!(
                    *s,
                    "groups"
                        | "pages"
                        | "channel"
                        | "c"
                        | "user"
                        | "g"
                        | "s"
                        | "people"
                        | "profile.php"
                )
        })
        .map(|s| s.trim_start_matches('@'));
    match segment {
        Some(s) => s.to_owned(),
        None => host.trim_start_matches("www.").to_owned(),
    }
}

/// Letters and digits only, runs of one character kept once ("thachquangg" → "thachquang").
fn collapse(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn strip_suffixes(h: &str) -> &str {
    let mut h = h;
    loop {
        let before = h;
        for s in &tables().suffixes {
            if let Some(x) = h.strip_suffix(s)
                && x.len() >= 4
            {
                h = x;
            }
            if let Some(x) = h.strip_prefix(s)
                && x.len() >= 4
            {
                h = x;
            }
        }
        let trimmed = h.trim_end_matches(|c: char| c.is_ascii_digit());
        if trimmed.len() >= 4 {
            h = trimmed;
        }
        if h == before {
            return h;
        }
    }
}

/// Levenshtein distance, bounded: returns `max + 1` as soon as it is exceeded.
fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return max + 1;
        }
        prev = cur;
    }
    prev[b.len()].min(max + 1)
}

struct PreparedOfficial {
    form: NameForm,
    handle: Option<String>,
    handle_core: Option<String>,
    /// The official's body tokens and other words that a claim to be it must carry.
    required_words: Vec<String>,
}

/// The officials, prepared and indexed.
pub struct Scanner<'a> {
    officials: &'a [Channel],
    prepared: Vec<PreparedOfficial>,
    grams: FxHashMap<u32, Vec<u32>>,
    places: &'a Places,
}

fn trigrams(s: &str, out: &mut Vec<u32>) {
    let b: Vec<char> = s.chars().collect();
    for w in b.windows(3) {
        out.push((w[0] as u32 & 0x3ff) << 20 | (w[1] as u32 & 0x3ff) << 10 | (w[2] as u32 & 0x3ff));
    }
}

fn index_keys(form: &NameForm, handle: Option<&str>) -> Vec<u32> {
    let mut keys = Vec::new();
    for t in &form.tokens {
        if t.starts_with('#') || t.starts_with('@') {
            // Body and place tokens are whole-token keys.
            let mut h: u32 = 0x8000_0000;
            for b in t.bytes() {
                h = h.wrapping_mul(31).wrapping_add(u32::from(b)) | 0x8000_0000;
            }
            keys.push(h);
        } else if t.len() >= 3 {
            trigrams(t, &mut keys);
        }
    }
    if let Some(h) = handle {
        let mut hs = Vec::new();
        trigrams(h, &mut hs);
        keys.extend(hs.into_iter().map(|k| k ^ 0x4000_0000));
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl<'a> Scanner<'a> {
    pub fn new(officials: &'a [Channel], places: &'a Places) -> Scanner<'a> {
        let mut grams: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut prepared = Vec::with_capacity(officials.len());
        for (i, o) in officials.iter().enumerate() {
            let form = analyse(&o.name, places);
            let handle = o.url.as_deref().and_then(handle_of);
            let handle_core = handle.as_deref().map(|h| strip_suffixes(h).to_owned());
            for k in index_keys(&form, handle.as_deref()) {
                grams.entry(k).or_default().push(i as u32);
            }
            let required_words = form
                .tokens
                .iter()
                .filter(|t| !is_level(t) && !t.starts_with('@') && !is_filler(t))
                .cloned()
                .collect();
            prepared.push(PreparedOfficial {
                form,
                handle,
                handle_core,
                required_words,
            });
        }
        Scanner {
            officials,
            prepared,
            grams,
            places,
        }
    }

    /// Every official this candidate may impersonate, with score ≥ `min_score`, best first.
    pub fn scan_one(&self, candidate: &Channel, min_score: f64) -> Vec<(usize, f64, Vec<String>)> {
        let form = analyse(&candidate.name, self.places);
        let handle = candidate.url.as_deref().and_then(handle_of);
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for k in index_keys(&form, handle.as_deref()) {
            if let Some(list) = self.grams.get(&k) {
                for &o in list {
                    *counts.entry(o).or_default() += 1;
                }
            }
        }
        let mut out = Vec::new();
        for (o, shared) in counts {
            if shared < 2 {
                continue;
            }
            if let Some((score, reasons)) =
                self.judge(candidate, &form, handle.as_deref(), o as usize)
                && score >= min_score
            {
                out.push((o as usize, score, reasons));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Scans candidates on `threads` threads; findings at or above `min_score`, best first.
    pub fn scan(&self, candidates: &[Channel], min_score: f64, threads: usize) -> Vec<Finding> {
        let threads = threads.max(1);
        let chunk = candidates.len().div_ceil(threads).max(1);
        let mut findings: Vec<Finding> = std::thread::scope(|s| {
            let handles: Vec<_> = candidates
                .chunks(chunk)
                .enumerate()
                .map(|(n, part)| {
                    s.spawn(move || {
                        let mut found = Vec::new();
                        for (k, c) in part.iter().enumerate() {
                            for (official, score, reasons) in self.scan_one(c, min_score) {
                                found.push(Finding {
                                    candidate: n * chunk + k,
                                    official,
                                    score,
                                    reasons,
                                });
                            }
                        }
                        found
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("scan thread panicked"))
                .collect()
        });
        findings.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.candidate.cmp(&b.candidate))
        });
        findings
    }

    fn judge(
        &self,
        candidate: &Channel,
        form: &NameForm,
        handle: Option<&str>,
        o: usize,
    ) -> Option<(f64, Vec<String>)> {
        let official = &self.officials[o];
        let prep = &self.prepared[o];
        if candidate.url.is_some() && candidate.url == official.url {
            return None;
        }
        let mut evidence: Vec<(f64, String)> = Vec::new();

        // Locality: another real place named, ours not → that place's own page.
        let ours = &prep.form.places;
        let names_ours = form.places.iter().any(|p| ours.contains(p));
        let names_other = form.places.iter().any(|p| !ours.contains(p));
        if names_other && !names_ours {
            return None;
        }

        // Name.
        let cand_tokens: Vec<&str> = form.tokens.iter().map(String::as_str).collect();
        let required: Vec<&str> = prep.required_words.iter().map(String::as_str).collect();
        let carries_all = !required.is_empty()
            && required.iter().all(|t| cand_tokens.contains(t))
            && (ours.is_empty() || names_ours);
        let cand_core: Vec<&str> = cand_tokens
            .iter()
            .copied()
            .filter(|t| !is_filler(t))
            .collect();
        let off_core: Vec<&str> = prep
            .form
            .tokens
            .iter()
            .map(String::as_str)
            .filter(|t| !is_filler(t))
            .collect();
        let same_name = carries_all
            && cand_core
                .iter()
                .filter(|t| !is_level(t))
                .all(|t| off_core.contains(t));
        let official_has_body = prep.form.bodies().next().is_some();
        let candidate_bodies: Vec<&str> = form.bodies().collect();
        let mut name_evidence = false;
        if same_name {
            let added: Vec<&str> = form
                .tokens
                .iter()
                .zip(&form.originals)
                .filter(|(t, _)| !prep.form.tokens.contains(t))
                .map(|(_, o)| o.as_str())
                .collect();
            let how = if candidate.name.trim() == official.name.trim() {
                "trùng hệt".to_owned()
            } else if added.is_empty() {
                "đọc giống hệt".to_owned()
            } else {
                format!("chỉ thêm «{}» vào", added.join(" "))
            };
            evidence.push((
                0.7,
                format!("tên {how} tên trang chính thức «{}»", official.name),
            ));
            name_evidence = true;
        } else if carries_all && (official_has_body || !candidate_bodies.is_empty()) {
            let extra: Vec<&str> = form
                .tokens
                .iter()
                .zip(&form.originals)
                .filter(|(t, _)| {
                    !prep.form.tokens.contains(t) && !t.starts_with('#') && !t.starts_with('@')
                })
                .map(|(_, o)| o.as_str())
                .collect();
            // A different body of ours ("Hội Nông dân" vs "Công an") is not a claim to be this one.
            if candidate_bodies
                .iter()
                .all(|b| prep.form.bodies().any(|x| x == *b))
            {
                evidence.push((
                    0.6,
                    format!(
                        "tên chứa đủ tên trang chính thức «{}»{}",
                        official.name,
                        if extra.is_empty() {
                            String::new()
                        } else {
                            format!(", thêm «{}»", extra.join(" "))
                        }
                    ),
                ));
                name_evidence = true;
            }
        }
        if name_evidence {
            for t in &form.tricks {
                evidence.push((0.3, format!("tên {t} — dấu hiệu cố ý làm giống")));
            }
            let plain = |n: &str| text::fold(n) == n.to_lowercase();
            if !plain(&official.name) && plain(&candidate.name) {
                evidence.push((0.1, "viết không dấu".to_owned()));
            }
            let abbreviated =
                |n: &str| !all_in_capitals(n) && n.split_whitespace().any(abbreviation);
            if abbreviated(&candidate.name) && !abbreviated(&official.name) {
                evidence.push((0.05, "dùng tên viết tắt của cơ quan".to_owned()));
            }
        }

        // Handle or host.
        let mut handle_evidence = false;
        if let (Some(h), Some(oh), Some(core)) =
            (handle, prep.handle.as_deref(), prep.handle_core.as_deref())
            && h.len() >= 5
        {
            let c_core = strip_suffixes(h);
            let shown = candidate.url.as_deref().map(handle_raw).unwrap_or_default();
            let official_shown = official.url.as_deref().map(handle_raw).unwrap_or_default();
            let d = edit_distance(c_core, core, 2);
            if h == oh {
                evidence.push((
                    0.6,
                    format!("tên tài khoản «{shown}» đọc giống hệt «{official_shown}»"),
                ));
                handle_evidence = true;
            } else if c_core == core {
                evidence.push((
                    0.55,
                    format!("tên tài khoản «{shown}» là «{official_shown}» thêm tiền tố/hậu tố"),
                ));
                handle_evidence = true;
            } else if d <= 2 && core.len() >= 6 {
                evidence.push((
                    0.5,
                    format!("tên tài khoản «{shown}» chỉ khác «{official_shown}» {d} ký tự"),
                ));
                handle_evidence = true;
            }
        }

        if !name_evidence && !handle_evidence {
            return None;
        }
        if handle_evidence && !name_evidence && names_other {
            return None;
        }

        // Avatar.
        if let Some((d, turn)) = avatar_distance(candidate, official)
            && d <= AVATAR_MATCH
        {
            evidence.push((
                0.5,
                match turn {
                    None => format!(
                        "ảnh đại diện giống ảnh của trang chính thức (PDQ cách {d}/256 bit)"
                    ),
                    Some(how) => format!(
                        "ảnh đại diện giống ảnh của trang chính thức đã {how} (PDQ cách {d}/256 bit)"
                    ),
                },
            ));
        }
        // Platform.
        if candidate.platform.is_some() && candidate.platform == official.platform {
            evidence.push((
                0.1,
                format!(
                    "cùng nền tảng {}",
                    official.platform.map_or("", |p| p.label_vi())
                ),
            ));
        }
        // Renamed into the official's name.
        if let Some((at, old)) = candidate.renamed_from.last() {
            let old_form = analyse(old, self.places);
            let was_like = prep
                .required_words
                .iter()
                .all(|t| old_form.tokens.contains(t));
            if !was_like {
                evidence.push((
                    0.3,
                    format!("đổi tên từ «{old}» ({at}) — trang bị mua lại thường đổi tên"),
                ));
            }
        }
        let mut score = 1.0 - evidence.iter().map(|(w, _)| 1.0 - w).product::<f64>();
        // A place name that several communes bear: the page may be the namesake's own.
        if let Some(&p) = ours.iter().find(|&&p| self.places.bearers(p) > 1)
            && names_ours
        {
            score *= 0.9;
            evidence.push((
                0.0,
                format!(
                    "lưu ý: {} đơn vị hành chính mang tên «{}» — xem trang thuộc tỉnh nào",
                    self.places.bearers(p),
                    self.places.name(p)
                ),
            ));
        }
        let reasons = evidence.into_iter().map(|(_, r)| r).collect();
        Some(((score * 1000.0).round() / 1000.0, reasons))
    }
}

/// One labelled page of an evaluation set: the official it impersonates (by name), or none.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub channel: Channel,
    pub expected: Option<String>,
    pub note: String,
}

/// Precision and recall of the scan at [`JUDGED`] over a labelled set.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Evaluation {
    pub examples: usize,
    pub impostors: usize,
    pub threshold: f64,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// What went wrong, one line each, for whoever tunes the scan.
    pub errors: Vec<String>,
}

/// Scans the labelled candidates against the officials; a finding counts as right when its best
/// official carries the expected name.
pub fn evaluate(officials: &[Channel], set: &[Labelled], places: &Places) -> Evaluation {
    let scanner = Scanner::new(officials, places);
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut errors = Vec::new();
    for l in set {
        let best = scanner.scan_one(&l.channel, JUDGED).into_iter().next();
        match (&l.expected, best) {
            (Some(want), Some((o, score, _))) if officials[o].name == *want => {
                let _ = score;
                tp += 1;
            }
            (Some(want), Some((o, score, _))) => {
                fp += 1;
                fn_ += 1;
                errors.push(format!(
                    "«{}» ({}): {} chosen at {score}, expected {want}",
                    l.channel.name, l.note, officials[o].name
                ));
            }
            (Some(want), None) => {
                fn_ += 1;
                let near = scanner.scan_one(&l.channel, 0.0).into_iter().next();
                errors.push(format!(
                    "«{}» ({}): missed {want}; best {:?}",
                    l.channel.name,
                    l.note,
                    near.map(|(o, s, r)| (officials[o].name.clone(), s, r))
                ));
            }
            (None, Some((o, score, reasons))) => {
                fp += 1;
                errors.push(format!(
                    "«{}» ({}): flagged as {} at {score}: {}",
                    l.channel.name,
                    l.note,
                    officials[o].name,
                    reasons.join("; ")
                ));
            }
            (None, None) => {}
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    Evaluation {
        examples: set.len(),
        impostors: set.iter().filter(|l| l.expected.is_some()).count(),
        threshold: JUDGED,
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision: round(precision),
        recall: round(recall),
        f1: round(f1),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> &'static Places {
        static P: std::sync::OnceLock<Places> = std::sync::OnceLock::new();
        P.get_or_init(Places::gso)
    }

    #[test]
    fn abbreviations_and_places_are_read() {
        let f = analyse("CA xã Thạch Quảng", places());
        assert_eq!(f.tokens[..2], ["#congan".to_owned(), "#xa".to_owned()]);
        assert_eq!(f.places.len(), 1);
        assert_eq!(places().name(f.places[0]), "Thạch Quảng");
        // Lower-case "ca" is a fish.
        let f = analyse("Chợ cá Thạch Quảng", places());
        assert!(f.tokens.contains(&"ca".to_owned()));
        // So is "CÁ" in capitals (a word with its tone), and every word of a name shouted in
        // capitals; "ĐTN" keeps its Đ and is the youth union.
        for shouted in ["Chợ CÁ Thạch Quảng", "CHỢ CA THẠCH QUẢNG"] {
            let f = analyse(shouted, places());
            assert!(
                !f.tokens.contains(&"#congan".to_owned()),
                "{shouted}: {:?}",
                f.tokens
            );
        }
        assert_eq!(
            analyse("ĐTN xã Thạch Quảng", places()).tokens[0],
            "#doanthanhnien"
        );
        // A look-alike from another script is still the abbreviation it imitates.
        assert_eq!(
            analyse("\u{0421}\u{0410} xã Thạch Quảng", places()).tokens[0],
            "#congan"
        );
        let f = analyse("Hội LHPN xã Thạch Quảng", places());
        assert_eq!(f.tokens[0], "#phunu");
    }

    #[test]
    fn handles_reduce() {
        assert_eq!(
            handle_of("https://www.facebook.com/congan.thachquang").as_deref(),
            Some("congan.thachquang".replace('.', "").as_str())
        );
        // Handles are compared collapsed: "official" reads "oficial".
        assert_eq!(
            strip_suffixes(&collapse("conganthachquangofficial")),
            "conganthachquang"
        );
        // …and as skeletons: "24h" reads "2ah".
        let h = handle_of("https://www.facebook.com/congan.thachquang24h").unwrap();
        assert_eq!(strip_suffixes(&h), "conganthachquang");
        assert_eq!(edit_distance("conganthachquang", "conganthachqang", 2), 1);
    }
}
