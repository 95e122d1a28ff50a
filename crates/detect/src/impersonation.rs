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
    /// The unit of ours that runs it, for a page of ours that is not an official channel (a
    /// village Party cell's, a branch's): never an impostor of the body it belongs to.
    pub unit: Option<String>,
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
    pub kind: FindingKind,
}

/// Body words: variants (folded, skeleton) → one token. Multi-word variants first. The short
/// forms are those offices and citizens write: UBND, UB, CA, CAX/CAP (the commune's or ward's
/// police), ĐU, ĐTN, Đoàn TN(CS), (Hội) LHPN, HPN, MTTQ, HND, (H)CCB, TYT, HĐND, Ban CHQS, Cổng
/// TTĐT.
const BODIES: &[(&str, &[&str])] = &[
    (
        "#uybannhandan",
        &["uy ban nhan dan", "uy ban nd", "ubnd", "ub nd", "ub"],
    ),
    ("#congan", &["cong an", "ca", "cax", "cap", "catt"]),
    (
        "#doanthanhnien",
        &[
            "doan thanh nien cong san ho chi minh",
            "doan tncs ho chi minh",
            "doan tncs hcm",
            "doan thanh nien",
            "doan tncs",
            "doan tn",
            "dtncs",
            "dtn",
        ],
    ),
    (
        "#phunu",
        &[
            "hoi lien hiep phu nu",
            "hoi lhpn",
            "hlhpn",
            "lhpn",
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
            "ub mttq",
            "mttq",
        ],
    ),
    ("#nongdan", &["hoi nong dan", "hnd"]),
    (
        "#cuuchienbinh",
        &["hoi cuu chien binh", "hoi ccb", "hccb", "ccb"],
    ),
    ("#dang", &["dang uy", "dang bo", "du"]),
    ("#tramyte", &["tram y te", "tyt"]),
    ("#truong", &["truong"]),
    ("#hdnd", &["hoi dong nhan dan", "hdnd"]),
    (
        "#quansu",
        &["ban chi huy quan su", "ban chqs", "bchqs", "quan su"],
    ),
    (
        "#congthongtin",
        &[
            "cong thong tin dien tu",
            "trang thong tin dien tu",
            "cong thong tin",
            "cong ttdt",
            "ttdt",
        ],
    ),
];

/// A village's or residential group's own branch (Chi bộ thôn, Chi hội Phụ nữ tổ 5, Chi đoàn
/// khu phố 3): ours, but not the commune's body, whose name it carries. "Tổ" alone is not one:
/// "Tổ tiếp nhận tin báo" is a team an impostor may claim to be.
const BRANCHES: &[&str] = &[
    "chi bo",
    "chi hoi",
    "chi doan",
    "thon",
    "xom",
    "to dan pho",
    "khu pho",
    "khu dan cu",
    "ap",
];

/// The token of a branch's words.
const BRANCH: &str = "#branch";

/// Family names (folded): "Lê Công An" is a man, not the police.
pub const SURNAMES: &[&str] = &[
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "trinh", "dinh", "lam", "mai", "cao", "luong", "ha", "ta", "tong",
    "kieu", "chu", "lo", "luu", "doan", "thai", "trieu", "quach", "lai", "la", "mac", "giang",
];

/// Abbreviations that count only when written in capitals (in lower case they are words).
const CAPITALS_ONLY: &[&str] = &[
    "ca", "cax", "cap", "catt", "du", "dtn", "tn", "hnd", "ccb", "hccb", "hpn", "lhpn", "tyt",
    "nd", "ub", "ttdt", "dtncs", "hdnd", "bchqs",
];

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
    ("#thanhpho", &["thanh pho", "tp"]),
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
    /// The phrases by their first word (indices into `phrases`, longest first).
    by_first: FxHashMap<String, Vec<usize>>,
    filler: Vec<String>,
    suffixes: Vec<String>,
    surnames: Vec<String>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut phrases = Vec::new();
        let branches: &[(&str, &[&str])] = &[(BRANCH, BRANCHES)];
        for (token, variants) in BODIES.iter().chain(LEVELS).chain(branches) {
            for v in variants.iter() {
                let words: Vec<String> = v.split(' ').map(text::skeleton).collect();
                let caps = words.len() == 1 && CAPITALS_ONLY.contains(v);
                phrases.push((*token, words, caps));
            }
        }
        phrases.sort_by_key(|p| std::cmp::Reverse(p.1.len()));
        let mut by_first: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (k, (_, words, _)) in phrases.iter().enumerate() {
            by_first.entry(words[0].clone()).or_default().push(k);
        }
        Tables {
            phrases,
            by_first,
            filler: FILLER.iter().map(|w| text::skeleton(w)).collect(),
            suffixes: HANDLE_SUFFIXES
                .iter()
                .map(|w| collapse(&text::skeleton(w)))
                .collect(),
            surnames: SURNAMES.iter().map(|w| text::skeleton(w)).collect(),
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
    /// Each token's place, for a place token.
    place_of: Vec<Option<u32>>,
    /// How the raw spelling departs from plain Vietnamese.
    tricks: Vec<&'static str>,
}

impl NameForm {
    fn bodies(&self) -> impl Iterator<Item = &str> {
        self.tokens
            .iter()
            .map(String::as_str)
            .filter(|t| t.starts_with('#') && !is_level(t) && *t != BRANCH)
    }

    /// Whether the name is a village's or residential group's branch ("Chi bộ thôn Quảng Tâm").
    fn is_branch(&self) -> bool {
        self.tokens.iter().any(|t| t == BRANCH)
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
    /// The wards bearing each name: (the province's place, the ward's level token).
    wards: Vec<Vec<(u32, &'static str)>>,
    /// Whether a province bears the name.
    province: Vec<bool>,
    /// GSO ward code → (the ward's place, its province's place, its level token).
    codes: HashMap<u32, (u32, u32, &'static str)>,
    longest: usize,
}

/// Where the office is: its root unit's commune or ward (GSO code) and, where the register
/// knows it, the former district the commune belonged to.
#[derive(Clone, Debug, Default)]
pub struct Home {
    pub ward_code: Option<u32>,
    pub district: Option<String>,
}

/// [`Home`] read against the places.
#[derive(Clone, Copy, Debug)]
struct HomeAt {
    ward: u32,
    province: u32,
    district: Option<u32>,
    level: &'static str,
}

impl Places {
    /// Every ward and province of the embedded GSO list.
    pub fn gso() -> Places {
        let mut places = Places {
            by_name: HashMap::new(),
            names: Vec::new(),
            bearers: Vec::new(),
            wards: Vec::new(),
            province: Vec::new(),
            codes: HashMap::new(),
            longest: 1,
        };
        let mut provinces: HashMap<&str, Option<u32>> = HashMap::new();
        for unit in domain::admin_units() {
            let province = *provinces.entry(&unit.province_name).or_insert_with(|| {
                places.add(strip_prefix(&unit.province_name, &["Thành phố ", "Tỉnh "]))
            });
            let level = match unit.ward_type.as_str() {
                "phường" => "#phuong",
                "thị trấn" => "#thitran",
                _ => "#xa",
            };
            let ward = places.add(strip_prefix(
                &unit.ward_name,
                &["Phường ", "Xã ", "Thị trấn ", "Đặc khu "],
            ));
            if let Some(p) = province {
                places.province[p as usize] = true;
                if let Some(w) = ward {
                    places.wards[w as usize].push((p, level));
                    places.codes.insert(unit.ward_code, (w, p, level));
                }
            }
        }
        places
    }

    /// The GSO list and the office's former district, when that is no longer a place of the
    /// list (huyện Thạch Thành is not; Thanh Oai, a commune now, is).
    pub fn at(home: &Home) -> Places {
        let mut places = Places::gso();
        if let Some(d) = home.district.as_deref()
            && places.find(d).is_none()
        {
            places.add(d);
        }
        places
    }

    /// Adds a place by name (a former district no longer in the list); its index, or None
    /// for a one-word name, which is an ordinary word too often to be a place.
    pub fn add(&mut self, name: &str) -> Option<u32> {
        let key = words_of(&text::skeleton(name)).join(" ");
        if key.is_empty() || key.split(' ').count() < 2 {
            return None;
        }
        self.longest = self.longest.max(key.split(' ').count());
        let id = *self.by_name.entry(key).or_insert_with(|| {
            self.names.push(name.to_owned());
            self.bearers.push(0);
            self.wards.push(Vec::new());
            self.province.push(false);
            (self.names.len() - 1) as u32
        });
        self.bearers[id as usize] += 1;
        Some(id)
    }

    /// The place of this name, when there is one.
    fn find(&self, name: &str) -> Option<u32> {
        self.by_name
            .get(&words_of(&text::skeleton(name)).join(" "))
            .copied()
    }

    pub fn name(&self, place: u32) -> &str {
        &self.names[place as usize]
    }

    /// How many wards and provinces of the GSO list bear this place's name.
    pub fn bearers(&self, place: u32) -> u32 {
        self.bearers[place as usize]
    }

    fn is_province(&self, place: u32) -> bool {
        self.province[place as usize]
    }

    /// Whether a ward of this name lies in that province (at that level, when one is given).
    fn ward_in(&self, ward: u32, province: Option<u32>, level: Option<&str>) -> bool {
        self.wards[ward as usize]
            .iter()
            .any(|(p, l)| province.is_none_or(|x| x == *p) && level.is_none_or(|x| x == *l))
    }

    fn home(&self, home: &Home) -> Option<HomeAt> {
        let &(ward, province, level) = self.codes.get(&home.ward_code?)?;
        Some(HomeAt {
            ward,
            province,
            district: home.district.as_deref().and_then(|d| self.find(d)),
            level,
        })
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
        t.by_first
            .get(&raw[i].0)?
            .iter()
            .map(|&k| &t.phrases[k])
            .find(|(_, words, caps)| {
                (words.len() > 1) == multi
                    && i + words.len() <= raw.len()
                    && words.iter().zip(&raw[i..]).all(|(p, (w, _))| p == w)
                    && (!caps || raw[i].1)
            })
    };
    let mut tokens = Vec::new();
    let mut originals = Vec::new();
    let mut found = Vec::new();
    let mut place_of = Vec::new();
    let mut take = |token: String, from: usize, len: usize| {
        let mut words: Vec<&str> = surface[from..from + len].to_vec();
        words.dedup();
        originals.push(words.join(" "));
        tokens.push(token);
    };
    let mut i = 0;
    'outer: while i < raw.len() {
        if let Some((token, words, _)) = phrase_at(i, true) {
            // "Lê Công An" is a man's name: a family name just before "Công An".
            let person = *token == "#congan"
                && i > 0
                && t.surnames.contains(&raw[i - 1].0)
                && surface[i].starts_with(char::is_uppercase)
                && surface[i + 1].starts_with(char::is_uppercase);
            if !person {
                take((*token).to_owned(), i, words.len());
                place_of.push(None);
                i += words.len();
                continue;
            }
        }
        for len in (2..=places.longest.min(raw.len() - i)).rev() {
            let key = raw[i..i + len]
                .iter()
                .map(|(w, _)| w.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(&p) = places.by_name.get(&key) {
                take(format!("@{p}"), i, len);
                place_of.push(Some(p));
                found.push(p);
                i += len;
                continue 'outer;
            }
        }
        match phrase_at(i, false) {
            Some((token, _, _)) => take((*token).to_owned(), i, 1),
            None => take(raw[i].0.clone(), i, 1),
        }
        place_of.push(None);
        i += 1;
    }
    NameForm {
        tokens,
        originals,
        places: found,
        place_of,
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
    /// The official's body tokens and other words that a claim to be it must carry; for a
    /// channel whose name carries no body ("Thạch Quảng TV"), every word but the place's.
    required_words: Vec<String>,
    /// A website's host and its name before the public suffix (the Public Suffix List's),
    /// letters only: "thachquang.thanhhoa.gov.vn", "thachquangthanhhoa".
    site: Option<Site>,
}

struct Site {
    host: String,
    core: String,
}

/// Where the officials say they are, when the register gives no ward code: the commune most of
/// their names carry; its province when one ward of the GSO list bears that name at their level,
/// else the province their names or addresses mention ("… - Hà Nội", "binhminh.hanoi.gov.vn").
/// None when that still leaves a choice: namesakes are then not told apart by province.
fn infer_home(
    officials: &[Channel],
    prepared: &[PreparedOfficial],
    places: &Places,
    home: &Home,
) -> Option<HomeAt> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    let mut levels: HashMap<&str, usize> = HashMap::new();
    for p in prepared {
        for &w in &p.form.places {
            if !places.wards[w as usize].is_empty() {
                *counts.entry(w).or_default() += 1;
            }
        }
        for t in &p.form.tokens {
            if matches!(t.as_str(), "#xa" | "#phuong" | "#thitran") {
                *levels.entry(t.as_str()).or_default() += 1;
            }
        }
    }
    let top = counts.values().copied().max().unwrap_or(0);
    let mut wards = counts.iter().filter(|(_, n)| **n == top).map(|(w, _)| *w);
    let (ward, None) = (wards.next()?, wards.next()) else {
        return None;
    };
    let top_level = levels.values().copied().max().unwrap_or(0);
    let mut tops = levels
        .iter()
        .filter(|(_, n)| **n == top_level && top_level > 0);
    let level = match (tops.next(), tops.next()) {
        (Some((l, _)), None) => Some(*l),
        _ => None,
    };
    let mut options: Vec<(u32, &'static str)> = places.wards[ward as usize]
        .iter()
        .copied()
        .filter(|(_, l)| level.is_none_or(|x| x == *l))
        .collect();
    if options.is_empty() {
        options = places.wards[ward as usize].clone();
    }
    let (province, level) = if let [only] = options.as_slice() {
        *only
    } else {
        let mentions = |p: u32| {
            let written = collapse(&text::skeleton(places.name(p)));
            officials
                .iter()
                .zip(prepared)
                .filter(|(o, f)| {
                    f.form.places.contains(&p)
                        || o.url
                            .as_deref()
                            .is_some_and(|u| collapse(&text::skeleton(u)).contains(&written))
                })
                .count()
        };
        let scored: Vec<((u32, &'static str), usize)> =
            options.iter().map(|o| (*o, mentions(o.0))).collect();
        let best = scored.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let mut winners = scored.iter().filter(|(_, n)| *n == best && best > 0);
        match (winners.next(), winners.next()) {
            (Some((o, _)), None) => *o,
            _ => return None,
        }
    };
    Some(HomeAt {
        ward,
        province,
        district: home.district.as_deref().and_then(|d| places.find(d)),
        level,
    })
}

/// What a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A page not ours passing itself off as the official channel.
    Impostor,
    /// A page of one of our own units (a village Party cell, a branch) that copies the official
    /// channel's name: ours, but not an official channel — to be renamed, not reported.
    NotOfficial,
}

/// The officials, prepared and indexed.
pub struct Scanner<'a> {
    officials: &'a [Channel],
    prepared: Vec<PreparedOfficial>,
    grams: FxHashMap<u32, Vec<u32>>,
    places: &'a Places,
    home: Option<HomeAt>,
    /// Other provinces having a commune of one of our officials' place names, as handles
    /// write them ("ninhbinh", "nghean"): a handle naming one is the namesake's page.
    namesake_provinces: Vec<(String, u32)>,
}

/// A site's host, when the URL has one with a dot in it.
fn host_of(url: &str) -> Option<String> {
    let host = crate::urls::host_of(url);
    host.contains('.').then_some(host)
}

fn letters(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
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
        let short_word = t.len() < 3 && t.chars().all(|c| c.is_ascii_lowercase());
        if t.starts_with('#') || t.starts_with('@') || short_word {
            // Body and place tokens, and words too short for trigrams ("TV"), are whole-token
            // keys.
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
    /// Prepares the officials of an office at `home` (its commune and former district: what a
    /// candidate may name beside the commune's name to claim to be ours).
    pub fn new(officials: &'a [Channel], places: &'a Places, home: &Home) -> Scanner<'a> {
        let mut grams: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut prepared = Vec::with_capacity(officials.len());
        for (i, o) in officials.iter().enumerate() {
            let form = analyse(&o.name, places);
            let handle = o.url.as_deref().and_then(handle_of);
            let handle_core = handle.as_deref().map(|h| strip_suffixes(h).to_owned());
            for k in index_keys(&form, handle.as_deref()) {
                grams.entry(k).or_default().push(i as u32);
            }
            let words = |keep_filler: bool| -> Vec<String> {
                form.tokens
                    .iter()
                    .filter(|t| {
                        !is_level(t) && !t.starts_with('@') && (keep_filler || !is_filler(t))
                    })
                    .cloned()
                    .collect()
            };
            let required_words = if form.bodies().next().is_some() {
                words(false)
            } else {
                words(true)
            };
            let site = (o.platform == Some(Platform::Website))
                .then(|| o.url.as_deref().and_then(host_of))
                .flatten()
                .filter(|h| psl::suffix_str(h).is_some())
                .map(|host| {
                    let suffix = psl::suffix_str(&host).unwrap_or("");
                    let name = host
                        .strip_suffix(suffix)
                        .unwrap_or(&host)
                        .trim_end_matches('.');
                    Site {
                        core: letters(name),
                        host,
                    }
                });
            prepared.push(PreparedOfficial {
                form,
                handle,
                handle_core,
                required_words,
                site,
            });
        }
        let home = places
            .home(home)
            .or_else(|| infer_home(officials, &prepared, places, home));
        let mut namesake_provinces = Vec::new();
        if let Some(h) = home {
            let ours: Vec<u32> = prepared
                .iter()
                .flat_map(|p| p.form.places.iter().copied())
                .collect();
            for &w in &ours {
                for &(p, _) in &places.wards[w as usize] {
                    if p != h.province && !namesake_provinces.iter().any(|(_, x)| *x == p) {
                        let written = collapse(&text::skeleton(places.name(p)));
                        namesake_provinces.push((written, p));
                    }
                }
            }
        }
        Scanner {
            officials,
            prepared,
            grams,
            places,
            home,
            namesake_provinces,
        }
    }

    /// Every official this candidate (at `index` among the candidates) may impersonate, with
    /// score ≥ `min_score`, best first.
    pub fn scan_one(&self, index: usize, candidate: &Channel, min_score: f64) -> Vec<Finding> {
        // A site's host (a platform's pages all share the platform's).
        let host = match candidate.platform {
            Some(
                Platform::Facebook
                | Platform::Zalo
                | Platform::Youtube
                | Platform::Tiktok
                | Platform::Telegram,
            ) => None,
            _ => candidate.url.as_deref().and_then(host_of),
        };
        // A government site is a government's own.
        if host.as_deref().is_some_and(crate::brands::is_gov) {
            return Vec::new();
        }
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
            if let Some((score, reasons, kind)) = self.judge(
                candidate,
                &form,
                handle.as_deref(),
                host.as_deref(),
                o as usize,
            ) && score >= min_score
            {
                out.push(Finding {
                    candidate: index,
                    official: o as usize,
                    score,
                    reasons,
                    kind,
                });
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.official.cmp(&b.official))
        });
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
                            found.extend(self.scan_one(n * chunk + k, c, min_score));
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

    /// Whether the candidate is another place's page: it names a place that is neither our
    /// commune nor our province or former district, and not our commune — or our commune's
    /// name with another province having a commune of that name (a namesake), or at another
    /// level where a namesake has it ("xã Hải Châu" when we are phường Hải Châu), or a handle
    /// naming a namesake's province.
    fn elsewhere(&self, form: &NameForm, handle: Option<&str>, ours: &[u32]) -> bool {
        let home_area = |p: u32| {
            self.home
                .is_some_and(|h| p == h.province || Some(p) == h.district)
        };
        let names_ours = form.places.iter().any(|p| ours.contains(p));
        let mut others = form
            .places
            .iter()
            .copied()
            .filter(|p| !ours.contains(p) && !home_area(*p));
        if !names_ours {
            return others.next().is_some();
        }
        let Some(home) = self.home else {
            return false;
        };
        let namesake_in = |province: Option<u32>, level: Option<&str>| {
            ours.iter().any(|&w| {
                self.places.wards[w as usize].iter().any(|&(p, l)| {
                    (p, l) != (home.province, home.level)
                        && province.is_none_or(|x| x == p)
                        && level.is_none_or(|x| x == l)
                })
            })
        };
        if others.any(|p| self.places.is_province(p) && namesake_in(Some(p), None)) {
            return true;
        }
        if let Some(level) = form
            .tokens
            .iter()
            .find(|t| matches!(t.as_str(), "#xa" | "#phuong" | "#thitran"))
            && level != home.level
            && !self
                .places
                .ward_in(home.ward, Some(home.province), Some(level))
            && namesake_in(None, Some(level))
        {
            return true;
        }
        if let Some(h) = handle {
            let own = collapse(&text::skeleton(self.places.name(home.province)));
            if !h.contains(&own)
                && self
                    .namesake_provinces
                    .iter()
                    .any(|(written, _)| h.contains(written.as_str()))
            {
                return true;
            }
        }
        false
    }

    fn judge(
        &self,
        candidate: &Channel,
        form: &NameForm,
        handle: Option<&str>,
        cand_host: Option<&str>,
        o: usize,
    ) -> Option<(f64, Vec<String>, FindingKind)> {
        let official = &self.officials[o];
        let prep = &self.prepared[o];
        if candidate.url.is_some() && candidate.url == official.url {
            return None;
        }
        let mut evidence: Vec<(f64, String)> = Vec::new();

        // Locality: another real place's page is not an impostor of ours.
        let ours = &prep.form.places;
        if self.elsewhere(form, handle, ours) {
            return None;
        }
        let names_ours = form.places.iter().any(|p| ours.contains(p));
        // Our province or former district beside our commune's name confirms whom it claims
        // to be; it is not an extra word.
        let home_area: Vec<bool> = form
            .place_of
            .iter()
            .map(|p| {
                p.is_some_and(|p| {
                    self.home
                        .is_some_and(|h| p == h.province || Some(p) == h.district)
                        && !ours.contains(&p)
                })
            })
            .collect();
        let confirmed: Vec<&str> = form
            .originals
            .iter()
            .zip(&home_area)
            .filter(|(_, h)| **h)
            .map(|(o, _)| o.as_str())
            .collect();

        // Name.
        let cand_tokens: Vec<&str> = form.tokens.iter().map(String::as_str).collect();
        let required: Vec<&str> = prep.required_words.iter().map(String::as_str).collect();
        let carries_all = !required.is_empty()
            && required.iter().all(|t| cand_tokens.contains(t))
            && (ours.is_empty() || names_ours)
            && (!form.is_branch() || prep.form.is_branch());
        let cand_core: Vec<&str> = cand_tokens
            .iter()
            .zip(&home_area)
            .filter(|(t, h)| !is_filler(t) && !**h)
            .map(|(t, _)| *t)
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
                .zip(&home_area)
                .filter(|((t, _), h)| !prep.form.tokens.contains(t) && !**h)
                .map(|((_, o), _)| o.as_str())
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
        } else if carries_all && official_has_body {
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
            if !confirmed.is_empty() {
                evidence.push((
                    0.1,
                    format!(
                        "nêu «{}» — đúng địa bàn của trang chính thức",
                        confirmed.join(", ")
                    ),
                ));
            }
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

        // The site's domain, for a website; the handle or host otherwise.
        let mut handle_evidence = false;
        if let (Some(site), Some(host)) = (&prep.site, cand_host) {
            let joined = letters(host);
            // The host before its public suffix: what its owner chose.
            let named = host
                .strip_suffix(psl::suffix_str(host).unwrap_or(""))
                .map_or(host, |h| h.trim_end_matches('.'));
            let how = if host.starts_with(&format!("{}.", site.host))
                || host.starts_with(&format!("{}-", site.host))
            {
                Some(format!(
                    "lấy nguyên tên miền chính thức «{}» làm phần đầu",
                    site.host
                ))
            } else if site.core.len() >= 6 && joined.contains(&site.core) && host != site.host {
                Some(format!(
                    "chứa «{named}» của tên miền chính thức «{}» dưới đuôi khác",
                    site.host
                ))
            } else {
                Some(edit_distance(&letters(named), &site.core, 2))
                    .filter(|d| *d <= 2 && site.core.len() >= 8)
                    .map(|d| {
                        format!(
                            "chỉ khác «{}» của tên miền chính thức «{}» {d} ký tự",
                            site.core, site.host
                        )
                    })
            };
            if let Some(how) = how {
                evidence.push((0.6, format!("tên miền «{host}» {how}")));
                handle_evidence = true;
            }
        } else if let (Some(h), Some(oh), Some(core)) =
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
        if handle_evidence && !name_evidence && !form.places.is_empty() && !names_ours {
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
        let score = 1.0 - evidence.iter().map(|(w, _)| 1.0 - w).product::<f64>();
        // A name several communes bear, with no province to tell which: the officer looks.
        if let Some(&p) = ours.iter().find(|&&p| self.places.bearers(p) > 1)
            && names_ours
            && confirmed.is_empty()
        {
            evidence.push((
                0.0,
                format!(
                    "lưu ý: {} đơn vị hành chính mang tên «{}» và tên trang không nêu tỉnh — xem trang thuộc tỉnh nào",
                    self.places.bearers(p),
                    self.places.name(p)
                ),
            ));
        }
        let mut reasons: Vec<String> = evidence.into_iter().map(|(_, r)| r).collect();
        // A page of our own unit copying the official name: ours, not an official channel.
        let kind = match candidate.unit.as_deref() {
            Some(unit) if same_name => {
                reasons.insert(
                    0,
                    format!(
                        "trang của «{unit}» (đơn vị của ta) dùng tên trang chính thức — không phải kênh chính thức, đề nghị đổi tên"
                    ),
                );
                FindingKind::NotOfficial
            }
            Some(_) => return None,
            None => FindingKind::Impostor,
        };
        Some(((score * 1000.0).round() / 1000.0, reasons, kind))
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

impl Evaluation {
    /// Several sets' evaluations as one (the counts added, the ratios of the sums).
    pub fn merged(parts: Vec<Evaluation>) -> Evaluation {
        let mut all = Evaluation::from_counts(0, 0, 0, 0, 0, Vec::new());
        for p in parts {
            all = Evaluation::from_counts(
                all.examples + p.examples,
                all.impostors + p.impostors,
                all.true_positives + p.true_positives,
                all.false_positives + p.false_positives,
                all.false_negatives + p.false_negatives,
                [all.errors, p.errors].concat(),
            );
        }
        all
    }

    fn from_counts(
        examples: usize,
        impostors: usize,
        tp: usize,
        fp: usize,
        fn_: usize,
        errors: Vec<String>,
    ) -> Evaluation {
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
            examples,
            impostors,
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
}

/// Scans the labelled candidates against the officials of an office at `home`; a finding
/// counts as right when its best official carries the expected name. A page of ours reported
/// as "not an official channel" is not a flag.
pub fn evaluate(
    officials: &[Channel],
    set: &[Labelled],
    places: &Places,
    home: &Home,
) -> Evaluation {
    let scanner = Scanner::new(officials, places, home);
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut errors = Vec::new();
    for (i, l) in set.iter().enumerate() {
        let best = scanner
            .scan_one(i, &l.channel, JUDGED)
            .into_iter()
            .find(|f| f.kind == FindingKind::Impostor);
        match (&l.expected, best) {
            (Some(want), Some(f)) if officials[f.official].name == *want => tp += 1,
            (Some(want), Some(f)) => {
                fp += 1;
                fn_ += 1;
                errors.push(format!(
                    "«{}» ({}): {} chosen at {}, expected {want}",
                    l.channel.name, l.note, officials[f.official].name, f.score
                ));
            }
            (Some(want), None) => {
                fn_ += 1;
                let near = scanner.scan_one(i, &l.channel, 0.0).into_iter().next();
                errors.push(format!(
                    "«{}» ({}): missed {want}; best {:?}",
                    l.channel.name,
                    l.note,
                    near.map(|f| (officials[f.official].name.clone(), f.score, f.reasons))
                ));
            }
            (None, Some(f)) => {
                fp += 1;
                errors.push(format!(
                    "«{}» ({}): flagged as {} at {}: {}",
                    l.channel.name,
                    l.note,
                    officials[f.official].name,
                    f.score,
                    f.reasons.join("; ")
                ));
            }
            (None, None) => {}
        }
    }
    Evaluation::from_counts(
        set.len(),
        set.iter().filter(|l| l.expected.is_some()).count(),
        tp,
        fp,
        fn_,
        errors,
    )
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

/// The scan as an office uses it, over small sets of real communes' pages.
#[cfg(test)]
mod office_tests {
    use super::*;
    use proptest::prelude::*;

    const FB: &str = "https://www.facebook.com/";

    /// An office: its official channels (name, URL, platform) and where it is.
    struct Office {
        officials: Vec<Channel>,
        places: Places,
        home: Home,
    }

    fn page(name: &str, url: &str, platform: Platform) -> Channel {
        Channel {
            name: name.to_owned(),
            url: Some(url.to_owned()),
            platform: Some(platform),
            ..Channel::default()
        }
    }

    fn fb(name: &str, handle: &str) -> Channel {
        page(name, &format!("{FB}{handle}"), Platform::Facebook)
    }

    impl Office {
        fn new(ward_code: u32, district: Option<&str>, officials: Vec<Channel>) -> Office {
            let home = Home {
                ward_code: Some(ward_code),
                district: district.map(str::to_owned),
            };
            Office {
                officials,
                places: Places::at(&home),
                home,
            }
        }

        /// Thạch Quảng (Thanh Hóa), once of huyện Thạch Thành: a name no other commune bears.
        fn thach_quang() -> Office {
            Office::new(
                15199,
                Some("Thạch Thành"),
                vec![
                    fb("Công an xã Thạch Quảng", "congan.thachquang"),
                    fb("Ủy ban nhân dân xã Thạch Quảng", "ubnd.thachquang"),
                    fb("Hội Liên hiệp Phụ nữ xã Thạch Quảng", "hoiphunu.thachquang"),
                    fb("Đảng ủy xã Thạch Quảng", "dangbo.thachquang"),
                    page(
                        "Cổng thông tin điện tử xã Thạch Quảng",
                        "https://thachquang.thanhhoa.gov.vn",
                        Platform::Website,
                    ),
                    page(
                        "Thạch Quảng TV",
                        "https://www.youtube.com/@thachquangtv",
                        Platform::Youtube,
                    ),
                ],
            )
        }

        /// Bình Minh (Hà Nội), once of huyện Thanh Oai — now a commune itself; six other
        /// communes and wards bear the name.
        fn binh_minh() -> Office {
            Office::new(
                10141,
                Some("Thanh Oai"),
                vec![
                    fb("Công an xã Bình Minh", "congan.xabinhminh"),
                    fb("Ủy ban nhân dân xã Bình Minh", "ubndxabinhminh"),
                ],
            )
        }

        /// Phường Hải Châu (Đà Nẵng); Nghệ An has a xã Hải Châu.
        fn hai_chau() -> Office {
            Office::new(
                20242,
                Some("Hải Châu"),
                vec![
                    fb("Công an phường Hải Châu", "congan.phuonghaichau"),
                    fb("Đảng ủy phường Hải Châu", "danguyphuonghaichau"),
                ],
            )
        }

        /// The best finding for the candidate: (official's name, score, reasons, kind).
        fn best(&self, c: &Channel) -> Option<(String, f64, Vec<String>, FindingKind)> {
            let scanner = Scanner::new(&self.officials, &self.places, &self.home);
            scanner.scan_one(0, c, 0.0).into_iter().next().map(|f| {
                (
                    self.officials[f.official].name.clone(),
                    f.score,
                    f.reasons,
                    f.kind,
                )
            })
        }

        /// The official the candidate is judged to impersonate, if any.
        fn judged(&self, c: &Channel) -> Option<String> {
            self.best(c)
                .filter(|b| b.1 >= JUDGED && b.3 == FindingKind::Impostor)
                .map(|b| b.0)
        }
    }

    #[test]
    fn our_province_and_former_district_confirm_a_claim() {
        let o = Office::binh_minh();
        let plain = o
            .best(&fb("Công an xã Bình Minh", "profile.php?id=1"))
            .unwrap();
        let placed = o
            .best(&fb(
                "Công an xã Bình Minh - Thanh Oai - Hà Nội",
                "profile.php?id=2",
            ))
            .unwrap();
        assert_eq!(placed.0, "Công an xã Bình Minh");
        assert!(placed.1 > plain.1, "{placed:?} vs {plain:?}");
        assert!(
            placed.2.contains(
                &"nêu «Thanh Oai, Hà Nội» — đúng địa bàn của trang chính thức".to_owned()
            ),
            "{placed:?}"
        );
        // Without a province the name is still a claim, with a note, not a penalty.
        assert!(plain.1 >= 0.7, "{plain:?}");
        assert!(
            plain.2.iter().any(|r| r.starts_with("lưu ý: 7 đơn vị")),
            "{plain:?}"
        );
        // Thạch Thành is no place of the GSO list any more; the register's district is.
        let t = Office::thach_quang();
        let r = t
            .best(&fb(
                "Công an xã Thạch Quảng huyện Thạch Thành",
                "profile.php?id=3",
            ))
            .unwrap();
        assert_eq!(r.0, "Công an xã Thạch Quảng");
        assert!(r.2.iter().any(|x| x.contains("nêu «Thạch Thành»")), "{r:?}");
    }

    #[test]
    fn without_a_ward_code_the_officials_say_where_they_are() {
        // Thạch Quảng: one commune of the name. Bình Minh: seven; the portal's address says Hà Nội.
        let mut t = Office::thach_quang();
        t.home = Home::default();
        let r = t
            .best(&fb(
                "Công an xã Thạch Quảng - Thanh Hóa",
                "profile.php?id=1",
            ))
            .unwrap();
        assert!(
            r.2.iter().any(|x| x.starts_with("nêu «Thanh Hóa»")),
            "{r:?}"
        );
        let mut b = Office::binh_minh();
        b.home = Home::default();
        b.officials.push(page(
            "Cổng thông tin điện tử xã Bình Minh",
            "https://binhminh.hanoi.gov.vn",
            Platform::Website,
        ));
        assert_eq!(
            b.judged(&fb("Công an xã Bình Minh - Ninh Bình", "profile.php?id=2")),
            None
        );
        assert_eq!(
            b.judged(&fb("Công an xã Bình Minh - Hà Nội", "profile.php?id=3")),
            Some("Công an xã Bình Minh".to_owned())
        );
        // Nothing tells which Bình Minh: no namesake is explained away by its province.
        b.officials.pop();
        assert_eq!(
            b.judged(&fb("Công an xã Bình Minh - Ninh Bình", "profile.php?id=2")),
            Some("Công an xã Bình Minh".to_owned())
        );
    }

    #[test]
    fn a_namesake_is_told_by_its_province_its_level_or_its_handle() {
        let o = Office::binh_minh();
        for c in [
            fb("Công an xã Bình Minh - Ninh Bình", "profile.php?id=1"),
            fb("UBND xã Bình Minh, tỉnh Quảng Ngãi", "profile.php?id=2"),
            fb("Công an phường Bình Minh - Vĩnh Long", "profile.php?id=3"),
            fb("Công an xã Bình Minh", "conganbinhminh.nghean"),
            // Our former district is a commune now: its own police.
            fb("Công an xã Thanh Oai", "congan.thanhoai"),
        ] {
            assert_eq!(o.judged(&c), None, "{}", c.name);
        }
        // A province with no Bình Minh names nothing that explains the page away.
        assert_eq!(
            o.judged(&fb("Công an xã Bình Minh Hà Nội", "profile.php?id=4")),
            Some("Công an xã Bình Minh".to_owned())
        );
        let h = Office::hai_chau();
        for c in [
            fb("Công an xã Hải Châu", "congan.xahaichau"),
            fb("Đảng ủy xã Hải Châu", "profile.php?id=5"),
        ] {
            assert_eq!(h.judged(&c), None, "{}", c.name);
        }
        assert_eq!(
            h.judged(&fb(
                "Công an phường Hải Châu quận Hải Châu",
                "profile.php?id=6"
            )),
            Some("Công an phường Hải Châu".to_owned())
        );
    }

    #[test]
    fn a_channel_without_a_body_keeps_its_evidence_through_added_words() {
        let o = Office::thach_quang();
        let tv = Some("Thạch Quảng TV".to_owned());
        for c in [
            page(
                "Thạch Quảng TV Official",
                "https://www.youtube.com/@thachquangtvofficial",
                Platform::Youtube,
            ),
            fb("Thạch Quảng TV - Tin tức", "profile.php?id=1"),
        ] {
            assert_eq!(o.judged(&c), tv, "{}", c.name);
        }
        for c in [
            fb("Thạch Quảng 24h", "thachquang24h"),
            fb("Cây cảnh Thạch Quảng TV", "profile.php?id=2"),
            fb("Thạch Quảng Food TV", "thachquangfoodtv"),
        ] {
            assert_eq!(o.judged(&c), None, "{}", c.name);
        }
        let r = o
            .best(&page(
                "Thạch Quảng TV Official",
                "https://www.youtube.com/@thachquangtvofficial",
                Platform::Youtube,
            ))
            .unwrap();
        assert_eq!(
            r.2[0],
            "tên chỉ thêm «Official» vào tên trang chính thức «Thạch Quảng TV»"
        );
    }

    #[test]
    fn look_alike_domains_with_combined_tricks() {
        let o = Office::thach_quang();
        let web = "Cổng thông tin điện tử xã Thạch Quảng";
        for (host, how) in [
            (
                "thachquang-thanhhoa.gov.vn.com",
                "chứa «thachquang-thanhhoa.gov.vn» của tên miền chính thức",
            ),
            (
                "thachquang.thanhhoa.com.vn",
                "chứa «thachquang.thanhhoa» của tên miền chính thức",
            ),
            (
                "thachquang.thanhhoa.gov.vn.tintuc24h.com",
                "lấy nguyên tên miền chính thức «thachquang.thanhhoa.gov.vn» làm phần đầu",
            ),
            (
                "thachquang.thanhhoa.govn.vn",
                "chứa «thachquang.thanhhoa.govn» của tên miền chính thức",
            ),
            (
                "thachqaung-thanhhoa.com",
                "chỉ khác «thachquangthanhhoa» của tên miền chính thức «thachquang.thanhhoa.gov.vn» 2 ký tự",
            ),
        ] {
            let c = page(
                "Tin tức xã Thạch Quảng",
                &format!("https://{host}"),
                Platform::Website,
            );
            let r = o.best(&c).unwrap_or_else(|| panic!("{host}: nothing"));
            assert_eq!((r.0.as_str(), r.1 >= JUDGED), (web, true), "{host}: {r:?}");
            assert!(
                r.2.iter()
                    .any(|x| x.starts_with(&format!("tên miền «{host}» {how}"))),
                "{host}: {r:?}"
            );
        }
        for (name, host) in [
            ("Trường Tiểu học Thạch Quảng", "thachquang.edu.vn"),
            ("Đặc sản Thạch Quảng", "thachquangfood.vn"),
            // A government site is a government's own, whatever it is called.
            (web, "thachlap.thanhhoa.gov.vn"),
        ] {
            let c = page(name, &format!("https://{host}"), Platform::Website);
            assert_eq!(o.judged(&c), None, "{host}");
        }
    }

    #[test]
    fn short_forms_are_read_and_words_in_capitals_are_words() {
        let o = Office::thach_quang();
        let ca = Some("Công an xã Thạch Quảng".to_owned());
        for name in [
            "CAX Thạch Quảng",
            "CA xã Thạch Quảng",
            "Công an X. Thạch Quảng",
            // A team is not a village's branch.
            "Công an xã Thạch Quảng - Tổ tiếp nhận tin báo",
        ] {
            assert_eq!(o.judged(&fb(name, "profile.php?id=1")), ca, "{name}");
        }
        for name in [
            "CA NHẠC THẠCH QUẢNG",
            "Chợ CÁ Thạch Quảng",
            // A man's name, family name first.
            "Lê Công An (Thạch Quảng)",
            "Nguyễn Công An - Thạch Thành",
        ] {
            assert_eq!(o.judged(&fb(name, "profile.php?id=2")), None, "{name}");
        }
        assert_eq!(
            o.judged(&fb("Cổng TTĐT xã Thạch Quảng", "profile.php?id=3")),
            Some("Cổng thông tin điện tử xã Thạch Quảng".to_owned())
        );
    }

    #[test]
    fn our_branches_are_ours_not_impostors() {
        let o = Office::thach_quang();
        // A village branch names the body it belongs to: not a claim to be it.
        for name in [
            "Chi hội Phụ nữ thôn Quảng Hợp xã Thạch Quảng",
            "Chi bộ thôn Quảng Tâm - Đảng ủy xã Thạch Quảng",
        ] {
            assert_eq!(o.judged(&fb(name, "profile.php?id=1")), None, "{name}");
        }
        // Copying the body's official name, a page of ours is "not an official channel".
        let mut copy = fb("Đảng ủy xã Thạch Quảng", "chibo.quangtam");
        copy.unit = Some("Chi bộ thôn Quảng Tâm".to_owned());
        let r = o.best(&copy).unwrap();
        assert_eq!(
            (r.0.as_str(), r.3),
            ("Đảng ủy xã Thạch Quảng", FindingKind::NotOfficial)
        );
        assert_eq!(
            r.2[0],
            "trang của «Chi bộ thôn Quảng Tâm» (đơn vị của ta) dùng tên trang chính thức — không phải kênh chính thức, đề nghị đổi tên"
        );
        // The same name with no unit of ours behind it is an impostor.
        copy.unit = None;
        assert_eq!(o.best(&copy).unwrap().3, FindingKind::Impostor);
    }

    /// Impostor names of the two offices: a body's name as written, a level, the commune.
    fn impostor() -> impl Strategy<Value = (bool, String)> {
        let bodies = prop::sample::select(vec![
            "Công an",
            "CA",
            "UBND",
            "Ủy ban nhân dân",
            "Hội Phụ nữ",
            "Hội LHPN",
            "Đảng ủy",
            "Đảng bộ",
        ]);
        let levels = prop::sample::select(vec!["xã ", "X. ", ""]);
        let tails = prop::sample::select(vec!["", " Official", " 24h", " - Tin tức", " (hỗ trợ)"]);
        (any::<bool>(), bodies, levels, tails, any::<bool>()).prop_map(
            |(tq, body, level, tail, plain)| {
                let place = if tq { "Thạch Quảng" } else { "Bình Minh" };
                let name = format!("{body} {level}{place}{tail}");
                (tq, if plain { text::fold(&name) } else { name })
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Adding our province's name to an impostor's name never lowers its score.
        #[test]
        fn naming_our_province_never_lowers_a_score(
            (tq, name) in impostor(),
            form in prop::sample::select(vec![" - {}", ", tỉnh {}", " {}", " ({})", " – TP {}"]),
        ) {
            let (o, province) = if tq {
                (Office::thach_quang(), "Thanh Hóa")
            } else {
                (Office::binh_minh(), "Hà Nội")
            };
            let without = o.best(&fb(&name, "profile.php?id=9"));
            let with = o.best(&fb(&format!("{name}{}", form.replace("{}", province)), "profile.php?id=9"));
            let score = |b: &Option<(String, f64, Vec<String>, FindingKind)>| b.as_ref().map_or(0.0, |b| b.1);
            prop_assert!(score(&with) >= score(&without), "{name}: {without:?} → {with:?}");
        }
    }
}
