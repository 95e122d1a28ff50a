//! Common social-media spellings ("teencode"), mapped to their folded full form for matching
//! only: a rule or search term written "không" also finds "ko", "k" and "hok". The mapping is never
//! used for display, and it works on folded syllables, so it runs after `fold`.
//!
//! The table is kept conservative. Each entry says whether the short form is **ambiguous**
//! (it has another common reading); an ambiguous entry is mapped to its most frequent reading in
//! posts, and the other reading is named so that a rule author knows what to expect.

/// (short form, folded full form, ambiguous with)
pub const TABLE: &[(&str, &str, Option<&str>)] = &[
    ("ko", "khong", None),
    (
        "k",
        "khong",
        Some("\"k\" also means nghìn (thousand) after a number, as in \"50 k\""),
    ),
    ("kh", "khong", None),
    ("khg", "khong", None),
    ("kg", "khong", Some("\"kg\" is also kilôgam")),
    ("hok", "khong", None),
    (
        "hong",
        "khong",
        Some("\"hồng\" (pink, rose) and \"hỏng\" (broken) fold to \"hong\" too"),
    ),
    ("hem", "khong", None),
    ("dc", "duoc", None),
    ("dk", "duoc", Some("\"đk\" is also điều kiện and đăng ký")),
    ("j", "gi", None),
    ("r", "roi", None),
    ("mn", "moi nguoi", None),
    ("mng", "moi nguoi", None),
    ("ae", "anh em", None),
    (
        "nc",
        "noi chuyen",
        Some("\"nc\" is also nước (water, country)"),
    ),
    ("qa", "qua", None),
    ("wa", "qua", None),
    ("bik", "biet", None),
    (
        "bit",
        "biet",
        Some("\"bit\" is also the English word, as in \"bit.ly\""),
    ),
    ("bt", "biet", Some("\"bt\" is also bình thường (normal)")),
    (
        "ng",
        "nguoi",
        Some("\"ng\" is also the start of names written short"),
    ),
    ("vs", "voi", Some("\"vs\" is also versus")),
    ("cx", "cung", None),
    ("cg", "cung", None),
    ("ntn", "nhu the nao", None),
    ("trc", "truoc", None),
    ("sdt", "so dien thoai", None),
    ("stk", "so tai khoan", None),
    ("tk", "tai khoan", Some("\"tk\" is also thống kê")),
    ("ib", "inbox", None),
    ("z", "vay", Some("\"z\" is also the letter itself")),
    (
        "v",
        "vay",
        Some("\"v\" is also the letter itself and \"và\""),
    ),
    ("oke", "ok", None),
    ("okie", "ok", None),
    ("uk", "u", Some("\"uk\" (ừ) is also United Kingdom")),
    ("lm", "lam", None),
    ("ns", "noi", None),
    ("vn", "viet nam", None),
];

/// Looks up one folded syllable.
pub fn expand(token: &str) -> Option<&'static str> {
    // A linear scan beats hashing for a table this small and tokens this short.
    TABLE
        .iter()
        .find(|(short, _, _)| *short == token)
        .map(|(_, full, _)| *full)
}

/// The matching form: `fold`, then every syllable that is a known short form replaced by its full
/// folded form. "ko dc j" -> "khong duoc gi".
pub fn matching_form(s: &str) -> String {
    let folded = crate::fold(s);
    let mut out = String::with_capacity(folded.len() + 16);
    for tok in folded.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(expand(tok).unwrap_or(tok));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_short_forms() {
        assert_eq!(matching_form("Ko đc j r"), "khong duoc gi roi");
        assert_eq!(
            matching_form("mn ơi, ae bik chưa"),
            "moi nguoi oi anh em biet chua"
        );
        assert_eq!(matching_form("hok bít"), "khong biet");
        assert_eq!(matching_form("không được"), "khong duoc");
        // A number with "k" is one token, so "50k" is left alone.
        assert_eq!(matching_form("giá 50k"), "gia 50k");
    }

    #[test]
    fn table_is_folded_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (short, full, _) in TABLE {
            assert!(
                short.len() <= 4,
                "expand() assumes short forms of at most four bytes: {short}"
            );
            assert!(seen.insert(*short), "{short} twice");
            assert_eq!(crate::fold(short), *short, "{short} is not folded");
            assert_eq!(crate::fold(full), *full, "{full} is not folded");
        }
    }
}
