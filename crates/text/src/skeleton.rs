//! The skeleton, for look-alike detection: two names that a reader would take for the same one
//! have the same skeleton. Built from the folded form, then Unicode's confusable mapping
//! (UTS #39, through the `unicode-security` crate), with invisible characters removed first and
//! digits that pass for letters mapped.
//!
//! Choice of crate: `unicode-security` (unicode-rs, the same family as `unicode-normalization`)
//! implements the UTS #39 `skeleton` from the Unicode data tables and nothing else; `decancer`
//! also maps leetspeak and styled letters but is far larger and opinionated. Our own digit map
//! covers the leetspeak we need.

use crate::fold;

/// Whether a character is invisible: zero-width spaces and joiners, bidi controls, the BOM,
/// soft hyphen, and the like. Impostors put these inside names ("Quả\u{200B}ng").
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}')
}

/// Digits that stand in for letters in names.
fn digit_as_letter(c: char) -> char {
    match c {
        '0' => 'o',
        '1' => 'l',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '8' => 'b',
        _ => c,
    }
}

/// Lower-case Cyrillic and Greek letters that pass for Latin ones in Vietnamese names but that
/// UTS #39 maps elsewhere (it maps "п" to Greek "π", for instance), because their capitals differ.
fn extra_confusable(c: char) -> char {
    match c {
        'п' | 'π' | 'η' => 'n',
        'и' | 'υ' | 'μ' => 'u',
        'г' => 'r',
        'т' | 'τ' => 't',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' => 'h',
        'в' | 'β' => 'b',
        'ш' | 'ω' => 'w',
        'ι' | 'і' => 'i',
        'ν' => 'v',
        _ => c,
    }
}

/// Returns the skeleton of `s`.
pub fn skeleton(s: &str) -> String {
    let visible: String = s.chars().filter(|c| !is_invisible(*c)).collect();
    let mut current: String = fold(&visible).chars().map(extra_confusable).collect();
    // Confusable prototypes can fold to something that maps again; a few rounds reach the fixed
    // point (in practice one or two).
    for _ in 0..4 {
        let mapped: String = unicode_security::skeleton(&current)
            .map(|c| digit_as_letter(extra_confusable(c)))
            .collect();
        let next = fold(&mapped);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::skeleton;

    #[test]
    fn look_alikes_meet() {
        let honest = skeleton("Công an xã");
        assert_eq!(skeleton("Côпg an xã"), honest, "Cyrillic п");
        assert_eq!(skeleton("Cong an xa"), honest);
        assert_eq!(skeleton("CÔNG  AN   XÃ"), honest);
        assert_eq!(skeleton("Côոg ạn xã"), honest, "Armenian ո, wrong tone");
        assert_eq!(skeleton("Thạch Quả\u{200B}ng"), skeleton("Thạch Quảng"));
        assert_eq!(skeleton("UBND xa\u{0303}"), skeleton("UBND xã"));
        assert_eq!(
            skeleton("C0ng an Thach Quang"),
            skeleton("Công an Thạch Quảng")
        );
        assert_eq!(
            skeleton("Тhạch Quảng"),
            skeleton("Thạch Quảng"),
            "Cyrillic Т"
        );
        assert_eq!(skeleton("Thạch\u{202E}Quảng"), skeleton("ThạchQuảng"));
    }

    #[test]
    fn different_names_stay_apart() {
        assert_ne!(skeleton("Thạch Quảng"), skeleton("Thạch Lập"));
        assert_ne!(
            skeleton("Công an xã Thạch Quảng"),
            skeleton("Công an xã Thạch Bình")
        );
    }
}
