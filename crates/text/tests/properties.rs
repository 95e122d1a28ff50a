//! Invariants of the text layer, over generated Vietnamese-looking strings (letters with every
//! mark, in precomposed and decomposed forms, teencode, punctuation, emoji, look-alikes) and over
//! arbitrary Unicode.

use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

fn vietnamese_ish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "hoà",
        "hòa",
        "Thuỷ",
        "thủy",
        "Quảng",
        "Thạch",
        "người",
        "NGƯỜI",
        "khuỷu",
        "quý",
        "giữ",
        "Đảng",
        "ủy",
        "xa\u{0303}",
        "e\u{0309}\u{0302}",
        "Côпg",
        "Quả\u{200B}ng",
        "ko",
        "dc",
        "😀",
        " ",
        "  ",
        ", ",
        ".",
        "-",
        "/",
        "181-CV/ĐU",
        "0912.345.678",
        "bit.ly/x",
        "a@b.vn",
        "MẬT",
        "café",
        "Zürich",
        "\u{0301}",
        "n\u{0303}",
        "1",
        "0",
        "Céng",
        "hoµ",
        "x·",
        "Coäng",
        "ñ",
    ]);
    prop::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn forms_are_idempotent(s in vietnamese_ish()) {
        let c = text::canonical(&s);
        prop_assert_eq!(text::canonical(&c), c.clone());
        let f = text::fold(&s);
        prop_assert_eq!(text::fold(&f), f.clone());
        let k = text::skeleton(&s);
        prop_assert_eq!(text::skeleton(&k), k);
    }

    #[test]
    fn canonical_ignores_decomposition(s in vietnamese_ish()) {
        let nfd: String = s.nfd().collect();
        prop_assert_eq!(text::canonical(&nfd), text::canonical(&s));
    }

    #[test]
    fn folding_ignores_canonicalisation(s in vietnamese_ish()) {
        prop_assert_eq!(text::fold(&text::canonical(&s)), text::fold(&s));
    }

    #[test]
    fn canonical_is_nfc(s in vietnamese_ish()) {
        let c = text::canonical(&s);
        let nfc: String = c.nfc().collect();
        prop_assert_eq!(nfc, c);
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>()) {
        let c = text::canonical(&s);
        prop_assert_eq!(text::canonical(&c), c);
        let f = text::fold(&s);
        prop_assert_eq!(text::fold(&f), f);
        let _ = text::skeleton(&s);
        let _ = text::tokens(&s);
        let _ = text::decode_str(&s);
        for e in text::extract(&s) {
            prop_assert_eq!(&s[e.start..e.end], e.text.as_str());
        }
    }

    #[test]
    fn arbitrary_bytes_decode_without_panic(b in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = text::decode_bytes(&b);
    }
}
