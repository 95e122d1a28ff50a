//! Extraction with positions (byte offsets into the original text, for evidence highlighting):
//! URLs (also without a scheme, and glued to Vietnamese words), Vietnamese phone numbers,
//! 12-digit citizen ID numbers (CCCD), bank account numbers next to a bank's name, e-mail
//! addresses, document numbers ("Số: 181-CV/ĐU") and classification markings ("MẬT", "TỐI MẬT",
//! "LƯU HÀNH NỘI BỘ", with or without diacritics).
//!
//! It is a few passes over the bytes, each jumping between the bytes that can start what it
//! looks for (`.` and `@` for links and addresses, digits, capitals), not a regex per kind.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use std::sync::OnceLock;

/// What an entity is. The names are the CLI's `kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Url,
    Phone,
    CitizenId,
    BankAccount,
    Email,
    DocNumber,
    Marking,
}

/// One entity found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: EntityKind,
    /// As written.
    pub text: String,
    /// Byte offsets into the text that was searched.
    pub start: usize,
    pub end: usize,
    /// A normal form: a URL with its scheme and a lower-case host, a phone number as +84…, a
    /// marking with its diacritics, digits without separators.
    pub normalized: String,
}

/// Province codes that lead a citizen ID number: the 63 codes in force before the 2025
/// merger (IDs issued then keep them). The 34 codes of the 2025 list are among them; a test
/// checks that against `shared/data/vn-admin-units-2025.csv`.
pub const CCCD_PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Extracts every entity from `s`, sorted by position, without overlaps.
pub fn extract(s: &str) -> Vec<Entity> {
    let mut found = Vec::new();
    links(s, &mut found);
    numbers(s, &mut found);
    markings(s, &mut found);
    found.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut out: Vec<Entity> = Vec::with_capacity(found.len());
    for e in found {
        if out.last().is_none_or(|last| e.start >= last.end) {
            out.push(e);
        }
    }
    out
}

fn entity(s: &str, kind: EntityKind, start: usize, end: usize, normalized: String) -> Entity {
    Entity {
        kind,
        text: s[start..end].to_owned(),
        start,
        end,
        normalized,
    }
}

fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

const TLDS: &[&str] = &[
    "vn", "com", "net", "org", "info", "biz", "xyz", "top", "site", "online", "shop", "store",
    "club", "live", "app", "io", "co", "me", "ly", "gl", "cc", "tk", "ml", "ga", "cf", "gq", "ru",
    "cn", "us", "uk", "asia", "tv", "mobi", "pro", "link", "click", "edu", "gov", "int", "vip",
    "win", "bet", "fun", "icu", "cloud", "page", "dev", "news", "link", "ws", "to", "be", "gd",
];

fn links(s: &str, out: &mut Vec<Entity>) {
    let b = s.as_bytes();
    let mut consumed = 0;
    for p in memchr::memchr2_iter(b'.', b'@', b) {
        if p < consumed {
            continue;
        }
        let mut start = p;
        while start > 0 && is_url_byte(b[start - 1]) {
            start -= 1;
        }
        let mut end = p + 1;
        while end < b.len() && is_url_byte(b[end]) {
            end += 1;
        }
        consumed = end;
        // A scheme glued to a word ("tạihttps://") starts the link where the scheme does.
        let run = &s[start..end];
        if let Some(k) = run.find("http://").or_else(|| run.find("https://")) {
            start += k;
        }
        while start < end && b"([{'\"<,;:.!?".contains(&b[start]) {
            start += 1;
        }
        while end > start && b".,;:!?)]}'\"".contains(&b[end - 1]) {
            end -= 1;
        }
        if end <= start {
            continue;
        }
        if let Some(e) = classify_link(s, start, end) {
            out.push(e);
        }
    }
}

fn classify_link(s: &str, start: usize, end: usize) -> Option<Entity> {
    let run = &s[start..end];
    let lower = run.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let host = host_of(rest);
        if host.contains('.') || host == "localhost" {
            return Some(entity(s, EntityKind::Url, start, end, normalize_url(run)));
        }
        return None;
    }
    if lower.contains("://") {
        return None;
    }
    if let Some(at) = lower.find('@') {
        let (local, domain) = (&lower[..at], &lower[at + 1..]);
        if !local.is_empty()
            && !local.contains('/')
            && local
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._%+-".contains(&c))
            && is_domain(domain)
        {
            return Some(entity(s, EntityKind::Email, start, end, lower));
        }
        return None;
    }
    let host = host_of(&lower);
    if (host.starts_with("www.") && host.len() > 4) || is_domain(host) {
        return Some(entity(s, EntityKind::Url, start, end, normalize_url(run)));
    }
    None
}

fn host_of(rest: &str) -> &str {
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    &rest[..end]
}

fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let ok_labels = labels.iter().all(|l| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
    });
    let tld = labels[labels.len() - 1];
    ok_labels && TLDS.contains(&tld) && labels[0].bytes().any(|c| c.is_ascii_alphabetic())
}

fn normalize_url(run: &str) -> String {
    let (scheme, rest) = match run.find("://") {
        Some(k) => (run[..k].to_ascii_lowercase(), &run[k + 3..]),
        None => ("https".to_owned(), run),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    format!(
        "{scheme}://{}{}",
        rest[..host_end].to_ascii_lowercase(),
        &rest[host_end..]
    )
}

const BANK_CONTEXT: &[&str] = &[
    "stk",
    "so tk",
    "so tai khoan",
    "tai khoan",
    "ngan hang",
    "chuyen khoan",
    "ck vao",
    "vietcombank",
    "vcb",
    "techcombank",
    "tcb",
    "bidv",
    "agribank",
    "vietinbank",
    "mbbank",
    "mb bank",
    "acb",
    "sacombank",
    "vpbank",
    "tpbank",
    "shb",
    "hdbank",
    "ocb",
    "vib",
    "seabank",
    "msb",
    "eximbank",
    "lpbank",
    "bac a bank",
    "nam a bank",
    "abbank",
    "momo",
    "bank",
];

/// The text in the `bytes` before `start` (from a character boundary), folded, after `prefix`.
fn folded_before(s: &str, start: usize, bytes: usize, prefix: &str) -> String {
    let mut from = start.saturating_sub(bytes);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    let mut window = String::with_capacity(bytes + 16);
    window.push_str(prefix);
    crate::fold::fold_into(&s[from..start], &mut window);
    window
}

fn bank_context(s: &str, start: usize) -> bool {
    let mut window = folded_before(s, start, 48, " ");
    window.push(' ');
    BANK_CONTEXT.iter().any(|k| {
        // " k " inside the window, without building the pattern.
        window.match_indices(k).any(|(i, _)| {
            window.as_bytes().get(i.wrapping_sub(1)) == Some(&b' ')
                && window.as_bytes().get(i + k.len()) == Some(&b' ')
        })
    })
}

/// A sum of money, not an account: digits in groups of three after the first, separated by
/// dots (the Vietnamese thousands), followed by a currency word ("500.000 đồng", "1.500.000đ",
/// "2.000.000 VNĐ").
fn is_amount(s: &str, start: usize, end: usize) -> bool {
    let written = &s[start..end];
    let mut groups = written.split('.');
    let first = groups.next().unwrap_or("");
    let thousands = written.contains('.')
        && (1..=3).contains(&first.len())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !thousands {
        return false;
    }
    let next: String = s[end..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let next = crate::fold::fold(&next);
    ["dong", "d", "vnd", "trieu", "nghin", "ngan", "k"].contains(&next.as_str())
}

/// Words that, right before a number, say it is a phone number whatever account is spoken of
/// nearby ("… vào tài khoản 0123456789. Liên hệ Zalo 0912 345 678").
const PHONE_CUES: &[&str] = &[
    "zalo",
    "sdt",
    "so dien thoai",
    "dien thoai",
    "dt",
    "lh",
    "lien he",
    "goi",
    "hotline",
    "viber",
];

/// The words just before `start` (punctuation aside) are a phone cue.
fn phone_cue(s: &str, start: usize) -> bool {
    let before = folded_before(s, start, 24, "");
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || ":.-–(".contains(c));
    PHONE_CUES.iter().any(|cue| {
        before.ends_with(cue)
            && before[..before.len() - cue.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

fn numbers(s: &str, out: &mut Vec<Entity>) {
    let b = s.as_bytes();
    // Links and addresses found so far, in order: a moving cursor skips the digits inside them
    // (one pass, not a scan of every span per digit).
    let mut covered: Vec<(usize, usize)> = out.iter().map(|e| (e.start, e.end)).collect();
    covered.sort_unstable();
    let mut cursor = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts_number =
            c.is_ascii_digit() || (c == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts_number || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'+')) {
            i += 1;
            continue;
        }
        while cursor < covered.len() && covered[cursor].1 <= i {
            cursor += 1;
        }
        if let Some(&(a, z)) = covered.get(cursor)
            && i >= a
            && i < z
        {
            i = z;
            continue;
        }
        let start = i;
        let mut end = if c == b'+' { i + 1 } else { i };
        let mut digits = String::new();
        let mut separated = false;
        loop {
            while end < b.len() && b[end].is_ascii_digit() {
                digits.push(b[end] as char);
                end += 1;
            }
            // A single space, dot or hyphen between short digit groups keeps the number going
            // ("0912 345 678"); a long group next to another is two numbers side by side, as
            // in a table pasted as text ("0912345678 038095001234").
            let group = b[..end]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let next = b[(end + 1).min(b.len())..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if end + 1 < b.len()
                && b" .-".contains(&b[end])
                && b[end + 1].is_ascii_digit()
                && digits.len() < 13
                && group <= 4
                && next <= 6
            {
                separated = true;
                end += 1;
                continue;
            }
            break;
        }
        // A digit run glued to letters on the right is a code or an amount ("50k"), not a number.
        let glued = s[end..].chars().next().is_some_and(char::is_alphabetic);
        if let Some(doc_end) = doc_number_end(s, end, separated) {
            out.push(entity(
                s,
                EntityKind::DocNumber,
                start,
                doc_end,
                crate::canonical(&s[start..doc_end]),
            ));
            i = doc_end;
            continue;
        }
        if !glued && let Some(e) = classify_number(s, start, end, &digits, separated, c == b'+') {
            out.push(e);
        }
        i = end.max(i + 1);
    }
}

fn classify_number(
    s: &str,
    start: usize,
    end: usize,
    digits: &str,
    separated: bool,
    plus: bool,
) -> Option<Entity> {
    let n = digits.len();
    if (6..=19).contains(&n)
        && !plus
        && bank_context(s, start)
        && !is_amount(s, start, end)
        && !phone_cue(s, start)
    {
        return Some(entity(
            s,
            EntityKind::BankAccount,
            start,
            end,
            digits.to_owned(),
        ));
    }
    let national = if plus || (digits.starts_with("84") && n == 11) {
        digits.strip_prefix("84").map(|r| format!("0{r}"))
    } else {
        Some(digits.to_owned())
    };
    if let Some(nat) = national {
        let d = nat.as_bytes();
        let mobile = d.len() == 10 && d[0] == b'0' && b"35789".contains(&d[1]);
        let landline = d.len() == 11 && d[0] == b'0' && d[1] == b'2';
        if mobile || landline {
            return Some(entity(
                s,
                EntityKind::Phone,
                start,
                end,
                format!("+84{}", &nat[1..]),
            ));
        }
    }
    if n == 12 && !separated && !plus && is_citizen_id(digits) {
        return Some(entity(
            s,
            EntityKind::CitizenId,
            start,
            end,
            digits.to_owned(),
        ));
    }
    None
}

/// Whether 12 digits can be a citizen ID: a known province code, then a century-and-sex digit
/// of the 20th or 21st century (0-3).
pub fn is_citizen_id(digits: &str) -> bool {
    let d = digits.as_bytes();
    if d.len() != 12 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let province = digits[..3].parse::<u16>().unwrap_or(0);
    CCCD_PROVINCE_CODES.contains(&province) && (b'0'..=b'3').contains(&d[3])
}

/// If a document number's symbol follows the digits ("181" then "-CV/ĐU"), where it ends.
fn doc_number_end(s: &str, mut end: usize, separated: bool) -> Option<usize> {
    if separated {
        return None;
    }
    let start = end;
    let mut has_letters = false;
    while let Some(sep) = s[end..].chars().next().filter(|c| *c == '-' || *c == '/') {
        let part_start = end + sep.len_utf8();
        let mut part_end = part_start;
        let mut small = 0;
        for ch in s[part_start..].chars() {
            // Capitals and digits, and one small letter inside a capitalised part ("TTr", "ThU").
            let inside = part_end > part_start && ch.is_lowercase() && small == 0;
            small += usize::from(inside);
            if ch.is_uppercase() || ch.is_ascii_digit() || inside {
                has_letters |= ch.is_uppercase();
                part_end += ch.len_utf8();
            } else {
                break;
            }
        }
        if part_end == part_start {
            break;
        }
        end = part_end;
    }
    // The symbol must end at a word boundary ("181-CV/ĐU," yes; "12-CVxyz" no).
    let boundary = s[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    (has_letters && end > start && boundary).then_some(end)
}

/// Classification and urgency markings, in capitals, as written (with diacritics) and folded.
const MARKINGS: &[(&str, &str)] = &[
    ("TUYỆT MẬT", "TUYỆT MẬT"),
    ("TỐI MẬT", "TỐI MẬT"),
    ("MẬT", "MẬT"),
    ("THƯỢNG KHẨN", "THƯỢNG KHẨN"),
    ("KHẨN", "KHẨN"),
    ("HỎA TỐC", "HỎA TỐC"),
    ("HOẢ TỐC", "HỎA TỐC"),
    ("LƯU HÀNH NỘI BỘ", "LƯU HÀNH NỘI BỘ"),
    ("TUYET MAT", "TUYỆT MẬT"),
    ("TOI MAT", "TỐI MẬT"),
    ("MAT", "MẬT"),
    ("THUONG KHAN", "THƯỢNG KHẨN"),
    ("KHAN", "KHẨN"),
    ("HOA TOC", "HỎA TỐC"),
    ("LUU HANH NOI BO", "LƯU HÀNH NỘI BỘ"),
];

fn marking_automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(MARKINGS.iter().map(|(p, _)| p))
            .unwrap_or_else(|e| panic!("marking patterns are constant and valid: {e}"))
    })
}

fn markings(s: &str, out: &mut Vec<Entity>) {
    for m in marking_automaton().find_iter(s) {
        let before = s[..m.start()].chars().next_back();
        let after = s[m.end()..].chars().next();
        let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if letter(before) || letter(after) {
            continue;
        }
        let normalized = MARKINGS[m.pattern().as_usize()].1.to_owned();
        out.push(entity(
            s,
            EntityKind::Marking,
            m.start(),
            m.end(),
            normalized,
        ));
    }
}
