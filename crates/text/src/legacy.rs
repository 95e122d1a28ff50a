//! Legacy Vietnamese encodings: TCVN3 (ABC, the ".VnTime" fonts), VNI-Windows and VISCII.
//!
//! Old office files keep such text in two ways: as raw bytes in a text file, or — in
//! spreadsheets and documents — as the Windows-1252 characters those bytes stand for, shown
//! correctly only by the legacy font ("Céng hoµ x· héi chñ nghÜa ViÖt Nam"). Both are handled:
//! the characters are mapped back to bytes, each candidate encoding decodes them, and the
//! candidates are scored by how many of their words are real Vietnamese syllables against how
//! many of the original's are. Text is converted only when the evidence is strong, so ordinary
//! text ("cà phê", "café", English) is never "converted".

use crate::legacy_tables::{TCVN3, VISCII};
use crate::syllable::is_syllable;
use std::borrow::Cow;

/// A legacy encoding sokenh can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Tcvn3,
    VniWindows,
    Viscii,
}

/// The outcome of decoding: the text, and the encoding it was found in (if any) with a
/// confidence in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Option<Encoding>,
    pub confidence: f32,
}

/// The confidence above which text is converted.
pub const THRESHOLD: f32 = 0.5;

/// Windows-1252's characters for bytes 0x80..=0x9F (undefined bytes keep their C1 code point).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn char_to_byte(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 || (0xA0..=0xFF).contains(&cp) {
        return Some(cp as u8);
    }
    if (0x80..=0x9F).contains(&cp) {
        return Some(cp as u8);
    }
    CP1252_HIGH
        .iter()
        .position(|&h| h == c)
        .map(|i| 0x80 + i as u8)
}

fn byte_to_cp1252(b: u8) -> char {
    if (0x80..=0x9F).contains(&b) {
        CP1252_HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

/// Decodes a cell or line of text if it is legacy-encoded; otherwise returns it unchanged.
pub fn decode_str(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let d = detect_str(s);
    match d.encoding {
        Some(_) => Cow::Owned(d.text),
        None => Cow::Borrowed(s),
    }
}

/// Detects and decodes: returns the best reading with its confidence. `encoding` is None (and the
/// text unchanged) when no legacy encoding is likely.
pub fn detect_str(s: &str) -> Decoded {
    let unchanged = || Decoded {
        text: s.to_owned(),
        encoding: None,
        confidence: 0.0,
    };
    let Some(bytes) = s.chars().map(char_to_byte).collect::<Option<Vec<u8>>>() else {
        return unchanged();
    };
    detect_bytes_inner(&bytes, s).unwrap_or_else(unchanged)
}

/// Decodes a whole file's bytes: UTF-8 text is checked cell-free as a string; other bytes are
/// tried as each legacy encoding (and as Windows-1252 when none fits).
pub fn decode_bytes(bytes: &[u8]) -> Decoded {
    if let Some(s) = utf16_with_bom(bytes) {
        return detect_str(&s);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return detect_str(s);
    }
    let as_cp1252: String = bytes.iter().map(|&b| byte_to_cp1252(b)).collect();
    detect_bytes_inner(bytes, &as_cp1252).unwrap_or(Decoded {
        text: as_cp1252,
        encoding: None,
        confidence: 0.0,
    })
}

fn detect_bytes_inner(bytes: &[u8], original: &str) -> Option<Decoded> {
    if bytes.iter().all(|b| b.is_ascii()) {
        return None;
    }
    let base = syllable_ratio(original).unwrap_or(0.0);
    let mut best: Option<Decoded> = None;
    for enc in [Encoding::Tcvn3, Encoding::VniWindows, Encoding::Viscii] {
        let text = decode_as(enc, bytes);
        let Some(ratio) = syllable_ratio(&text) else {
            continue;
        };
        let words = text.split_whitespace().filter(|w| !w.is_ascii()).count() as f32;
        // Few words are weak evidence: one word alone never converts (it scores at most 1/3), two
        // words can, three or more carry the full ratio. The spreadsheet import decides once per
        // sheet, on all its cells together, which gives plenty of words.
        let support = (words / 3.0).min(1.0);
        let confidence = (ratio - base).max(0.0) * support;
        if best.as_ref().is_none_or(|b| confidence > b.confidence) {
            best = Some(Decoded {
                text,
                encoding: Some(enc),
                confidence,
            });
        }
    }
    best.filter(|b| b.confidence >= THRESHOLD).map(|mut b| {
        b.text = crate::canonical(&b.text);
        b
    })
}

/// Among the words that carry a non-ASCII character, the share that are Vietnamese syllables.
fn syllable_ratio(s: &str) -> Option<f32> {
    let mut total = 0u32;
    let mut good = 0u32;
    for word in s.split_whitespace() {
        if word.is_ascii() {
            continue;
        }
        let core = word.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_ascii_digit());
        total += 1;
        if is_syllable(&crate::canonical(core)) {
            good += 1;
        }
    }
    (total > 0).then(|| good as f32 / total as f32)
}

/// Decodes a string known (from the rest of its file) to be in `enc`: characters that map back
/// to bytes are decoded, and the result is put in canonical form. Text that cannot be legacy
/// (it has characters beyond Windows-1252) is returned as it is.
pub fn decode_str_as(s: &str, enc: Encoding) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    match s.chars().map(char_to_byte).collect::<Option<Vec<u8>>>() {
        Some(bytes) => Cow::Owned(crate::canonical(&decode_as(enc, &bytes))),
        None => Cow::Borrowed(s),
    }
}

/// Decodes bytes as one encoding, without judging the result.
pub fn decode_as(enc: Encoding, bytes: &[u8]) -> String {
    match enc {
        Encoding::Tcvn3 => bytes.iter().map(|&b| TCVN3[b as usize]).collect(),
        Encoding::Viscii => bytes.iter().map(|&b| VISCII[b as usize]).collect(),
        Encoding::VniWindows => decode_vni(bytes),
    }
}

/// VNI-Windows writes a letter and then its marks as separate characters ("Coäng" = "Cộng").
fn decode_vni(bytes: &[u8]) -> String {
    let mut out: Vec<char> = Vec::with_capacity(bytes.len());
    for &b in bytes {
        let c = byte_to_cp1252(b);
        if let Some(single) = vni_single(c) {
            out.push(single);
            continue;
        }
        if let Some((combine, marks)) = vni_modifier(c)
            && let Some(prev) = out.last().copied()
            && combine.accepts(prev)
        {
            let mut composed = String::new();
            composed.push(prev);
            composed.push_str(marks);
            out.pop();
            out.extend(crate::canonical(&composed).chars());
            continue;
        }
        out.push(c);
    }
    out.into_iter().collect()
}

#[derive(Clone, Copy)]
enum Target {
    /// Any vowel without a tone yet.
    Vowel,
    /// a, e, o (for the circumflex family).
    Aeo,
    /// a only (for the breve family).
    A,
}

impl Target {
    fn accepts(self, prev: char) -> bool {
        let lower = prev.to_lowercase().next().unwrap_or(prev);
        match self {
            Target::Vowel => {
                crate::letters::vowel(prev).is_some_and(|v| v.tone == crate::letters::Tone::Level)
            }
            Target::Aeo => matches!(lower, 'a' | 'e' | 'o'),
            Target::A => lower == 'a',
        }
    }
}

fn vni_single(c: char) -> Option<char> {
    Some(match c {
        'ô' => 'ơ',
        'Ô' => 'Ơ',
        'ö' => 'ư',
        'Ö' => 'Ư',
        'ñ' => 'đ',
        'Ñ' => 'Đ',
        'ò' => 'ị',
        'Ò' => 'Ị',
        'ó' => 'ĩ',
        'Ó' => 'Ĩ',
        'æ' => 'ỉ',
        'Æ' => 'Ỉ',
        _ => return None,
    })
}

fn vni_modifier(c: char) -> Option<(Target, &'static str)> {
    Some(match c {
        'ù' | 'Ù' => (Target::Vowel, "\u{0301}"),
        'ø' | 'Ø' => (Target::Vowel, "\u{0300}"),
        'û' | 'Û' => (Target::Vowel, "\u{0309}"),
        'õ' | 'Õ' => (Target::Vowel, "\u{0303}"),
        'ï' | 'Ï' => (Target::Vowel, "\u{0323}"),
        'â' | 'Â' => (Target::Aeo, "\u{0302}"),
        'á' | 'Á' => (Target::Aeo, "\u{0302}\u{0301}"),
        'à' | 'À' => (Target::Aeo, "\u{0302}\u{0300}"),
        'å' | 'Å' => (Target::Aeo, "\u{0302}\u{0309}"),
        'ã' | 'Ã' => (Target::Aeo, "\u{0302}\u{0303}"),
        'ä' | 'Ä' => (Target::Aeo, "\u{0302}\u{0323}"),
        'ê' | 'Ê' => (Target::A, "\u{0306}"),
        'é' | 'É' => (Target::A, "\u{0306}\u{0301}"),
        'è' | 'È' => (Target::A, "\u{0306}\u{0300}"),
        'ú' | 'Ú' => (Target::A, "\u{0306}\u{0309}"),
        'ü' | 'Ü' => (Target::A, "\u{0306}\u{0303}"),
        'ë' | 'Ë' => (Target::A, "\u{0306}\u{0323}"),
        _ => return None,
    })
}

/// Text saved as UTF-16 with its byte-order mark (Excel's "Unicode Text", Notepad's "Unicode"),
/// little- or big-endian; None without a BOM. Unpaired surrogates become U+FFFD.
pub fn utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (rest, little) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => return None,
    };
    let units = rest.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect(),
    )
}

/// Whether bytes are not text at all (an image, an archive, a program): a NUL byte or many
/// control characters in the first 8 KiB, UTF-16 with a BOM excepted.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if utf16_with_bom(bytes).is_some() {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    head.contains(&0) || controls * 10 > head.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcvn3_as_windows_characters() {
        let d = detect_str("Céng hoµ x· héi chñ nghÜa ViÖt Nam");
        assert_eq!(d.encoding, Some(Encoding::Tcvn3));
        assert_eq!(d.text, "Cộng hòa xã hội chủ nghĩa Việt Nam");
        assert_eq!(
            decode_str("§¶ng bé x· Th¹ch Qu¶ng"),
            "Đảng bộ xã Thạch Quảng"
        );
    }

    #[test]
    fn vni_windows() {
        let d = detect_str("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam");
        assert_eq!(d.encoding, Some(Encoding::VniWindows));
        assert_eq!(d.text, "Cộng hòa xã hội chủ nghĩa Việt Nam");
        assert_eq!(
            decode_str("Ñaûng uûy xaõ Thaïch Quaûng"),
            "Đảng ủy xã Thạch Quảng"
        );
        assert_eq!(decode_str("ngöôøi daân ñöôïc bieát"), "người dân được biết");
    }

    #[test]
    fn viscii_bytes() {
        // "Việt Nam" in VISCII: V i ệ(0xAE) t N a m
        let d = decode_bytes(b"Vi\xAEt Nam \xF0\xE4ng b\xB5 x\xE3 Th\xD5ch Qu\xE4ng");
        assert_eq!(d.encoding, Some(Encoding::Viscii), "{d:?}");
        assert_eq!(d.text, "Việt Nam đảng bộ xã Thạch Quảng");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for s in [
            "Cộng hòa xã hội chủ nghĩa Việt Nam",
            "cà phê sữa",
            "café crème brûlée",
            "Hello world",
            "Bà Rịa",
            "Hà Nội",
            "Đà Nẵng",
            "cà phê",
            "xyz ÿ",
        ] {
            assert_eq!(detect_str(s).encoding, None, "{s}");
            assert_eq!(decode_str(s), s);
        }
    }
}
