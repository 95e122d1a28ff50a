//! `text`: how sokenh reads Vietnamese. Canonical form (NFC, one tone placement), folded form
//! (no diacritics), teencode-aware matching form, look-alike skeletons, legacy encodings
//! (TCVN3, VNI-Windows, VISCII), syllable tokens, entity extraction with byte positions, and
//! undoing the tricks that hide words from filters (`clean`).
//!
//! Architecture Invariant: this crate is pure. No IO, no async, no global state beyond
//! lazily built constant tables; every function is a total function of its input and never panics.

mod canonical;
mod clean;
mod extract;
mod fold;
mod legacy;
mod legacy_tables;
mod letters;
pub mod sample;
mod skeleton;
mod syllable;
mod teencode;
mod tokens;
mod xml;

pub use canonical::{canonical, canonical_into};
pub use clean::{Cleaned, clean};
pub use extract::{CCCD_PROVINCE_CODES, Entity, EntityKind, extract, is_citizen_id};
pub use fold::{fold, fold_into};
pub use legacy::{
    Decoded, Encoding, THRESHOLD as LEGACY_THRESHOLD, decode_as, decode_bytes, decode_str,
    decode_str_as, detect_str, looks_binary, utf16_with_bom,
};
pub use skeleton::{is_invisible, skeleton};
pub use syllable::is_syllable;
pub use teencode::{TABLE as TEENCODE, expand as expand_teencode, matching_form};
pub use tokens::{bigrams, for_each_folded_syllable, syllables, tokens};
pub use xml::{EXCEL_CELL_CHARS, excel_text, is_xml_char, xml_escape, xml_safe};

/// All the forms of one text at once, as `sokenh text normalize` prints them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Forms {
    pub input: String,
    pub canonical: String,
    pub folded: String,
    pub skeleton: String,
    pub tokens: Vec<String>,
}

impl Forms {
    pub fn of(input: &str) -> Forms {
        Forms {
            input: input.to_owned(),
            canonical: canonical(input),
            folded: fold(input),
            skeleton: skeleton(input),
            tokens: tokens(input),
        }
    }
}

/// A whole number as Vietnamese writes it, thousands grouped with dots: 12.345.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod number_tests {
    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1.000");
        assert_eq!(super::thousands(1234567), "1.234.567");
        assert_eq!(super::thousands(-45000), "-45.000");
    }
}
