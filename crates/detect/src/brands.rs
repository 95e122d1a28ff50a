//! Look-alikes of the organisations people trust — banks, e-wallets, carriers, delivery firms,
//! large shops and government portals — from a shipped, versioned list of their official
//! domains (`lists/official-domains.toml`) and the Public Suffix List (the `psl` crate) for the
//! registrable domain. A host that is none of an organisation's domains but borrows its name is
//! a look-alike, whatever the trick: the name as a label of another domain
//! ("vietcombank.com.vn-xacthuc.top"), hyphenation and an extra suffix ("vcb-digibank.vn.com"),
//! one letter changed ("vietcmbank"), or a punycode/IDN homograph ("xn--vietcmbank-0nb.com").
//! Hosts under `gov.vn` are the state's own registry and never look-alikes. Nothing is fetched.

use serde::Deserialize;
use std::sync::OnceLock;

const LIST: &str = include_str!("../lists/official-domains.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Bank,
    Wallet,
    Carrier,
    Delivery,
    Shop,
    Gov,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    pub name: String,
    pub kind: Kind,
    pub domains: Vec<String>,
    pub labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    pub version: String,
    #[serde(rename = "org")]
    pub orgs: Vec<Org>,
}

/// The shipped list, parsed once.
pub fn list() -> &'static List {
    &loaded().0
}

/// The list and, per organisation, each label's skeleton (compared with a host's parts): both
/// made once, not for every link.
fn loaded() -> &'static (List, Vec<Vec<String>>) {
    static L: OnceLock<(List, Vec<Vec<String>>)> = OnceLock::new();
    L.get_or_init(|| {
        let list: List =
            toml::from_str(LIST).unwrap_or_else(|e| panic!("the shipped domain list: {e}"));
        let skeletons = list
            .orgs
            .iter()
            .map(|o| {
                o.labels
                    .iter()
                    .map(|l| text::skeleton(l).replace(' ', ""))
                    .collect()
            })
            .collect();
        (list, skeletons)
    })
}

/// A host that imitates an organisation, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    pub org: &'static Org,
    pub registrable: String,
    /// In Vietnamese: the trick.
    pub trick: String,
}

fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Whether a host is under `gov.vn` (lower case): only a government body can register one.
pub(crate) fn is_gov(host: &str) -> bool {
    psl::suffix_str(host).is_some_and(|s| s == "gov.vn" || s.ends_with(".gov.vn"))
}

/// Whether a host is an organisation's own domain (or under one), or under `gov.vn`.
pub fn is_official(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    is_gov(&host)
        || list()
            .orgs
            .iter()
            .flat_map(|o| &o.domains)
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Checks a host (lower case, as in a URL). `None` for an organisation's own domain, a
/// `gov.vn` host, or a host that borrows no name on the list.
pub fn check(host: &str) -> Option<Lookalike> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let registrable = psl::domain_str(&host)?.to_owned();
    if is_official(&host) {
        return None;
    }
    let (list, skeletons) = loaded();
    let idn = host.split('.').any(|l| l.starts_with("xn--"));
    let unicode = match idna::domain_to_unicode(&host) {
        (u, Ok(())) => u,
        // Broken punycode: read the letters as written.
        (_, Err(_)) => host.clone(),
    };
    // Each part between dots and hyphens, as a reader would see it (homoglyphs mapped).
    let parts: Vec<String> = unicode
        .split(['.', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| text::skeleton(p).replace(' ', ""))
        .collect();
    let joined: String = parts.concat();
    // A name written whole wins over one a letter away ("tpbank" is TPBank, not VPBank).
    for fuzzy in [false, true] {
        for (org, labels) in list.orgs.iter().zip(skeletons) {
            // Compared in the same skeleton space as the host's parts ("m" and "rn" alike).
            for (plain, label) in org.labels.iter().zip(labels) {
                let short = plain.len() <= 4;
                let exact = parts.iter().any(|p| p == label);
                let inside = !short && parts.iter().any(|p| p.contains(label.as_str()));
                let spread = !short && joined.contains(label.as_str()) && !inside;
                let edited = fuzzy
                    && plain.len() >= 6
                    && parts
                        .iter()
                        .any(|p| p != label && within_one_edit(p, label));
                if !(exact || inside || spread || edited) {
                    continue;
                }
                let mut tricks = Vec::new();
                if idn {
                    tricks.push("tên miền quốc tế hóa (punycode) dùng chữ nhìn giống".to_owned());
                }
                if edited {
                    tricks.push(format!("sai một chữ so với «{plain}»"));
                }
                if spread {
                    tricks.push(format!("tách «{plain}» bằng dấu gạch hoặc dấu chấm"));
                }
                if org.domains.iter().any(|d| host.contains(d.as_str())) {
                    tricks.push(
                        "lấy nguyên tên miền chính thức làm phần đầu của tên miền khác".to_owned(),
                    );
                } else if exact || inside {
                    tricks.push(format!("mượn tên «{plain}» trong tên miền {registrable}"));
                }
                return Some(Lookalike {
                    org,
                    registrable: registrable.clone(),
                    trick: tricks.join("; "),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org_of(host: &str) -> Option<&'static str> {
        check(host).map(|l| l.org.name.as_str())
    }

    #[test]
    fn official_domains_and_gov_vn_are_not_lookalikes() {
        for host in [
            "vietcombank.com.vn",
            "vcbdigibank.vietcombank.com.vn",
            "vneid.gov.vn",
            "congan.thanhhoa.gov.vn",
            "momo.vn",
            "facebook.com",
            "cho-thue-xe.vn",
        ] {
            assert_eq!(org_of(host), None, "{host}");
        }
    }

    #[test]
    fn combined_tricks_are_caught() {
        for (host, org) in [
            ("vietcombank-hotro.com", "Vietcombank"),
            ("vcb-digibank.vn.com", "Vietcombank"),
            ("vietcombank.com.vn-xacthuc.top", "Vietcombank"),
            ("agribank.com.vn.xacthuc.top", "Agribank"),
            ("vietcmbank.com", "Vietcombank"),
            ("xn--vietcmbank-ivi.com", "Vietcombank"),
            ("xn--vietcmbank-8uc.vn", "Vietcombank"),
            ("viet-combank.vn.com", "Vietcombank"),
            ("tpbank.vn.hotro-khachhang.com", "TPBank"),
            (
                "dichvucong.gov.vn.xacthuc.top",
                "Cổng Dịch vụ công quốc gia",
            ),
            ("vneid-capnhat.com", "VNeID (Bộ Công an)"),
            ("bhxh-vssid.net", "Bảo hiểm xã hội Việt Nam"),
        ] {
            assert_eq!(org_of(host), Some(org), "{host}");
        }
    }
}
