//! URL reputation: block and allow lists of domains and URLs, and look-alikes of the register's
//! official sites (dnstwist-style permutations: omission, insertion, replacement, transposition,
//! homoglyph, hyphenation, TLD swap such as `.gov.vn` -> `-gov.vn` or `.vn.com`). Links through a
//! known shortener are noted, not followed: no network calls.

use crate::signal::{Evidence, Signal};
use domain::Category;
use std::collections::{HashMap, HashSet};

pub const VERSION: &str = "urls-2026.11.1";

const SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "t.co",
    "shorturl.at",
    "cutt.ly",
    "rb.gy",
    "is.gd",
    "tiny.cc",
    "s.id",
    "goo.gl",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    Block,
    Allow,
}

/// The lists and the official domains, ready for lookups.
#[derive(Debug, Default)]
pub struct UrlReputation {
    /// Domain or full URL (lower case, no scheme) -> list and where the entry came from.
    entries: HashMap<String, (ListKind, String)>,
    /// Permutation -> the official domain it imitates.
    lookalikes: HashMap<String, String>,
    officials: HashSet<String>,
}

/// A URL's host, lower case, without `www.`, a port or user information.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    host.trim_start_matches("www.").to_ascii_lowercase()
}

/// A list entry's key: a URL without its scheme and `www.`, lower case (what `blocklist:` references name).
pub fn without_scheme(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.trim_start_matches("www.")
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

fn signal(
    category: Category,
    score: f32,
    evidence: Vec<Evidence>,
    explanation: String,
    reference: String,
) -> Signal {
    Signal {
        category,
        score,
        evidence,
        explanation,
        detector: "urls",
        reference,
        version: VERSION.into(),
        shadow: false,
        role: None,
    }
}

/// Look-alike permutations of a domain.
pub fn permutations(domain: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let (name, tld) = split_registrable(domain);
    let chars: Vec<char> = name.chars().collect();
    let alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
    let homoglyphs: &[(char, &str)] = &[
        ('o', "0"),
        ('l', "1i"),
        ('i', "1l"),
        ('a', "4"),
        ('e', "3"),
        ('s', "5"),
        ('g', "9q"),
        ('m', "n"),
        ('n', "m"),
        ('u', "v"),
        ('v', "u"),
    ];
    let mut add = |n: String, t: &str| {
        if !n.is_empty() && !n.starts_with('-') && !n.ends_with('-') {
            out.insert(format!("{n}.{t}"));
        }
    };
    for i in 0..chars.len() {
        // omission
        add(
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| *c)
                .collect(),
            tld,
        );
        // repetition
        let mut r = chars.clone();
        r.insert(i, chars[i]);
        add(r.into_iter().collect(), tld);
        // transposition
        if i + 1 < chars.len() {
            let mut t = chars.clone();
            t.swap(i, i + 1);
            add(t.into_iter().collect(), tld);
        }
        for c in alphabet.chars() {
            // replacement
            let mut p = chars.clone();
            p[i] = c;
            add(p.into_iter().collect(), tld);
            // insertion
            let mut q = chars.clone();
            q.insert(i, c);
            add(q.into_iter().collect(), tld);
        }
        for (from, tos) in homoglyphs {
            if chars[i] == *from {
                for to in tos.chars() {
                    let mut h = chars.clone();
                    h[i] = to;
                    add(h.into_iter().collect(), tld);
                }
            }
            // "rn" for "m"
            if chars[i] == 'm' {
                let mut h: String = chars[..i].iter().collect();
                h.push_str("rn");
                h.extend(&chars[i + 1..]);
                add(h, tld);
            }
        }
        // hyphenation
        if i > 0 {
            let mut h: String = chars[..i].iter().collect();
            h.push('-');
            h.extend(&chars[i..]);
            add(h, tld);
        }
    }
    // TLD swaps: example.gov.vn -> example-gov.vn, example.gov.vn.com, example.vn, example.com
    let dashed = format!("{name}-{}", tld.replace('.', "-"));
    let all_dashed = domain.replace('.', "-");
    for t in [
        "vn", "com", "net", "com.vn", "org", "info", "xyz", "online", "site",
    ] {
        out.insert(format!("{dashed}.{t}"));
        out.insert(format!("{all_dashed}.{t}"));
        if t != tld {
            out.insert(format!("{name}.{t}"));
        }
    }
    // ".gov.vn" -> "-gov.vn": the official suffix glued into the name under another registry.
    if let Some((first, rest)) = tld.split_once('.') {
        out.insert(format!("{name}-{first}.{rest}"));
        out.insert(format!("{name}{first}.{rest}"));
    }
    out.insert(format!("{name}.{tld}.com"));
    out.insert(format!("{name}.{tld}.net"));
    out.remove(domain);
    out
}

/// "thachquang.thanhhoa.gov.vn" -> ("thachquang.thanhhoa", "gov.vn"): the suffix is the public
/// part (gov.vn, com.vn, edu.vn, org.vn, or the last label).
fn split_registrable(domain: &str) -> (&str, &str) {
    for suffix in [
        ".gov.vn", ".com.vn", ".edu.vn", ".org.vn", ".net.vn", ".ac.vn",
    ] {
        if let Some(name) = domain.strip_suffix(suffix) {
            return (name, &suffix[1..]);
        }
    }
    domain.rsplit_once('.').unwrap_or((domain, ""))
}

impl UrlReputation {
    pub fn add_entry(&mut self, entry: &str, kind: ListKind, source: &str) {
        let key = without_scheme(entry.trim());
        if !key.is_empty() {
            self.entries.insert(key, (kind, source.to_owned()));
        }
    }

    /// Adds an official site (a URL or a domain) whose look-alikes are to be flagged.
    pub fn add_official(&mut self, url: &str) {
        let host = host_of(url);
        if host.is_empty() || !host.contains('.') {
            return;
        }
        for p in permutations(&host) {
            self.lookalikes.entry(p).or_insert_with(|| host.clone());
        }
        self.officials.insert(host);
    }

    fn listed(&self, url: &str) -> Option<(String, ListKind, String)> {
        let full = without_scheme(url);
        if let Some((k, s)) = self.entries.get(&full) {
            return Some((full.clone(), *k, s.clone()));
        }
        // The host, then each parent domain ("a.b.example.vn" is listed by "example.vn").
        let host = host_of(url);
        let mut h = host.as_str();
        loop {
            if let Some((k, s)) = self.entries.get(h) {
                return Some((h.to_owned(), *k, s.clone()));
            }
            match h.split_once('.') {
                Some((_, rest)) if rest.contains('.') => h = rest,
                _ => return None,
            }
        }
    }

    pub fn screen(&self, entities: &[text::Entity]) -> Vec<Signal> {
        let mut out = Vec::new();
        for e in entities.iter().filter(|e| e.kind == text::EntityKind::Url) {
            let evidence = vec![Evidence {
                start: e.start,
                end: e.end,
                shown: e.text.clone(),
            }];
            let host = host_of(&e.normalized);
            match self.listed(&e.normalized) {
                Some((_, ListKind::Allow, _)) => continue,
                Some((what, ListKind::Block, source)) => {
                    out.push(signal(Category::Scam, 0.95, evidence, format!("Đường dẫn «{}» nằm trong danh sách chặn ({what}, nguồn: {source}) (điểm 0.95)", e.text), format!("blocklist:{what}")));
                    continue;
                }
                None => {}
            }
            let imitated = self.lookalikes.get(&host).cloned().or_else(|| {
                // "official.gov.vn.evil.com": an official domain used as a prefix of another host.
                self.officials
                    .iter()
                    .find(|o| {
                        host.starts_with(&format!("{o}.")) || host.starts_with(&format!("{o}-"))
                    })
                    .cloned()
            });
            if let Some(official) = imitated.filter(|o| *o != host) {
                out.push(signal(Category::Impersonation, 0.85, evidence, format!("Tên miền «{host}» giống tên miền chính thức «{official}» (nhái tên miền) (điểm 0.85)"), format!("lookalike:{official}")));
            } else if let Some(l) = crate::brands::check(&host) {
                let list = crate::brands::list();
                let what = format!("{} ({})", l.org.name, l.org.domains.join(", "));
                let reference = format!("brand:{}", l.org.domains[0]);
                if l.org.kind == crate::brands::Kind::Gov {
                    out.push(signal(Category::Impersonation, 0.85, evidence.clone(), format!("Tên miền «{host}» giả cổng của cơ quan nhà nước {what}: {} (danh sách {}) (điểm 0.85)", l.trick, list.version), reference.clone()));
                }
                out.push(signal(Category::Scam, 0.8, evidence, format!("Đường dẫn «{}» giả {what}: {} — trang đích không phải của tổ chức này (danh sách {}; không tự mở đường dẫn) (điểm 0.80)", e.text, l.trick, list.version), reference));
            } else if SHORTENERS.contains(&host.as_str()) {
                out.push(signal(Category::Scam, 0.2, evidence, format!("Đường dẫn rút gọn «{}» che giấu trang đích (không tự mở để kiểm tra) (điểm 0.20)", e.text), format!("shortener:{host}")));
            }
        }
        out
    }

    /// Whether a link goes to an official site: on the allow list, one of the register's
    /// official sites, an organisation's own domain, or under `gov.vn`.
    pub fn is_official(&self, url: &str) -> bool {
        let host = host_of(url);
        matches!(self.listed(url), Some((_, ListKind::Allow, _)))
            || self.officials.contains(&host)
            || crate::brands::is_official(&host)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Reads a block or allow list: one entry per line (`#` comments), CSV (first column, or a
/// column named domain/url), or a JSON array of strings.
pub fn parse_list(content: &str) -> Vec<String> {
    let trimmed = content.trim_start();
    if trimmed.starts_with('[')
        && let Ok(v) = serde_json::from_str::<Vec<String>>(trimmed)
    {
        return v
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
    }
    let mut lines = content
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .peekable();
    let mut col = 0;
    if let Some(first) = lines.peek()
        && first.contains(',')
    {
        let header: Vec<String> = first.split(',').map(|h| h.trim().to_lowercase()).collect();
        if let Some(i) = header
            .iter()
            .position(|h| h == "domain" || h == "url" || h == "entry")
        {
            col = i;
            lines.next();
        }
    }
    lines
        .filter_map(|l| {
            l.split(',')
                .nth(col)
                .map(|s| s.trim().trim_matches('"').to_owned())
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_of_an_official_site() {
        let p = permutations("thachquang.thanhhoa.gov.vn");
        for fake in [
            "thachquang.thanhhoa-gov.vn",
            "thachquang-thanhhoa-gov-vn.com",
            "thachquang.thanhhoa.gov.vn.com",
            "thachquan.thanhhoa.gov.vn",
            "thachquangg.thanhhoa.gov.vn",
            "thachqaung.thanhhoa.gov.vn",
            "thachqu4ng.thanhhoa.gov.vn",
            "thach-quang.thanhhoa.gov.vn",
            "thachquang.thanhhoa.vn",
        ] {
            assert!(p.contains(fake), "{fake}");
        }
        assert!(!p.contains("thachquang.thanhhoa.gov.vn"));
        assert!(
            !p.contains("thachlap.thanhhoa.gov.vn"),
            "a neighbour is not one edit away"
        );
    }

    #[test]
    fn lists_in_three_formats() {
        assert_eq!(
            parse_list("# chặn\nqua-tang.vn\n\nhttps://x.vn/a\n"),
            ["qua-tang.vn", "https://x.vn/a"]
        );
        assert_eq!(
            parse_list("domain,reason\nqua-tang.vn,trúng thưởng giả\n"),
            ["qua-tang.vn"]
        );
        assert_eq!(parse_list(r#"["a.vn", " b.com "]"#), ["a.vn", "b.com"]);
    }
}
