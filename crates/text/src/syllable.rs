//! Whether a word is a well-formed Vietnamese syllable (onset, vowel nucleus, final). Used to
//! tell real Vietnamese from mis-decoded text: "Céng" and "hoµ" are not syllables, "Cộng" and
//! "hoà" are.

use crate::letters::vowel;

const ONSETS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x",
];
const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu", "oai", "oay", "oao", "oeo", "uây",
    "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu", "uai", "uay", "uao", "ueo", "ưo",
];
const CODAS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Whether `word` (any case, any tone placement, NFC) is a Vietnamese syllable.
pub fn is_syllable(word: &str) -> bool {
    let mut onset = String::new();
    let mut nucleus = String::new();
    let mut coda = String::new();
    let mut stage = 0;
    for c in word.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        match vowel(lower) {
            Some(v) => {
                if stage == 2 {
                    return false;
                }
                stage = 1;
                nucleus.push(v.base());
            }
            None => {
                if !(lower.is_ascii_lowercase() || lower == 'đ') {
                    return false;
                }
                match stage {
                    0 => onset.push(lower),
                    _ => {
                        stage = 2;
                        coda.push(lower);
                    }
                }
            }
        }
        if onset.len() > 3 || nucleus.len() > 9 || coda.len() > 2 {
            return false;
        }
    }
    if nucleus.is_empty() || !ONSETS.contains(&onset.as_str()) || !CODAS.contains(&coda.as_str()) {
        return false;
    }
    if onset == "q" {
        return nucleus.starts_with('u') && nucleus.chars().count() >= 2;
    }
    if onset == "g" && nucleus.starts_with('i') && nucleus.chars().count() >= 2 {
        // "gi" + vowel: the i belongs to the onset ("giữ", "giường").
        let rest = &nucleus['i'.len_utf8()..];
        return NUCLEI.contains(&rest) || NUCLEI.contains(&nucleus.as_str());
    }
    NUCLEI.contains(&nucleus.as_str())
}

#[cfg(test)]
mod tests {
    use super::is_syllable;

    #[test]
    fn syllables() {
        for w in [
            "Cộng",
            "hoà",
            "hòa",
            "xã",
            "hội",
            "chủ",
            "nghĩa",
            "Việt",
            "Nam",
            "người",
            "quả",
            "giữ",
            "khuỷu",
            "Thạch",
            "Quảng",
            "đường",
            "a",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in [
            "hoµ", "x·", "héi", "chñ", "nghÜa", "ViÖt", "café", "crème", "Coäng", "hello", "xyz",
        ] {
            assert!(!is_syllable(w), "{w}");
        }
    }
}
