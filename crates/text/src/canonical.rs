//! The canonical form: Unicode NFC with one tone-mark placement for every syllable.
//!
//! Vietnamese has two habits for where the tone mark sits on the vowel pairs "oa", "oe" and "uy"
//! of an open syllable: the traditional one ("hòa", "thủy", "khỏe") and the one the 1980s
//! spelling rules introduced ("hoà", "thuỷ", "khoẻ"). sokenh's canonical form is the
//! **traditional** placement, because it is what the country's official administrative names
//! are written in (the General Statistics Office list in `shared/data` has "Thanh Hóa",
//! "Khánh Hòa"), what the default settings of the common keyboards (Unikey, EVKey) produce,
//! and so what most people's text already looks like: fewer strings change.
//!
//! The rules (for a syllable onset + vowel nucleus + optional final consonant):
//! 1. "qu" and "gi" before another vowel belong to the onset ("quả", "giữ").
//! 2. A vowel with a quality mark (ă â ê ô ơ ư) takes the tone; of two ("ươ"), the last.
//! 3. Otherwise one vowel takes it; of three, the middle one ("ngoài", "khuỷu").
//! 4. Of two: the second when a final consonant follows ("hoàng", "toán"), else the first
//!    ("hòa", "thủy", "mùa", "cái").
//!
//! A word that is not a Vietnamese syllable (a foreign name, a word with two tone marks) keeps
//! its marks where they are, composed to NFC.

use crate::letters::{Tone, Vowel, is_combining, vowel};
use unicode_normalization::UnicodeNormalization;

/// Returns the canonical form of `s`: NFC, one tone placement, everything else untouched.
pub fn canonical(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    canonical_into(s, &mut out);
    out
}

/// Characters that never change under NFC and never combine with a neighbour: Latin letters,
/// Vietnamese precomposed letters, common punctuation, the đồng sign and emoji. Text made only of
/// these (most text) is NFC already.
#[inline]
fn is_stable(c: char) -> bool {
    matches!(c as u32,
        0..=0x02FF | 0x1EA0..=0x1EF9 | 0x200B..=0x200F | 0x2010..=0x2027 | 0x2030..=0x205E
        | 0x20AB | 0x20AC | 0xFE00..=0xFE0F | 0x1F000..=0x1FAFF)
}

/// Appends the canonical form of `s` to `out`.
pub fn canonical_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.push_str(s);
        return;
    }
    // Optimistic single pass: place tones while checking that every character is stable. Only
    // when one is not (combining marks, other scripts) is the text composed first and done again.
    let mark = out.len();
    if place_tones(s, out, true) {
        return;
    }
    out.truncate(mark);
    if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        place_tones(s, out, false);
    } else {
        let composed: String = s.nfc().collect();
        place_tones(&composed, out, false);
    }
}

/// Moves each syllable's tone mark to its canonical vowel. With `check`, it stops and returns
/// false at the first character that might change under NFC; without, `s` must be NFC.
fn place_tones(s: &str, out: &mut String, check: bool) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i] < 0x80 && !bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        out.push_str(&s[start..i]);
        if i >= bytes.len() {
            break;
        }
        let word_start = i;
        let mut ascii = true;
        // Whether the word has a tone or a mark to place; a word without is copied as it is.
        let mut marked = false;
        for (off, c) in s[i..].char_indices() {
            let letter = if c.is_ascii() {
                c.is_ascii_alphabetic()
            } else if let Some(v) = vowel(c) {
                marked |= v.tone != Tone::Level;
                true
            } else {
                c == 'đ' || c == 'Đ' || c.is_alphabetic() || is_combining(c)
            };
            if !letter {
                break;
            }
            if !c.is_ascii() {
                ascii = false;
                if check && !is_stable(c) {
                    return false;
                }
                marked |= is_combining(c);
            }
            i = word_start + off + c.len_utf8();
        }
        if i == word_start {
            // A non-ASCII character that is not a letter (emoji, punctuation): copy it.
            let c = s[i..].chars().next().unwrap_or(' ');
            if check && !is_stable(c) {
                return false;
            }
            i += c.len_utf8();
            out.push(c);
            continue;
        }
        let word = &s[word_start..i];
        if ascii || !marked {
            out.push_str(word);
        } else {
            canonical_word(word, out);
        }
    }
    true
}

/// One letter of a word being canonicalised.
#[derive(Clone, Copy)]
enum Letter {
    Vowel(Vowel),
    Other(char),
}

/// Words longer than this (in letters) are not syllables; they only get NFC.
const MAX_LETTERS: usize = 24;

fn canonical_word(word: &str, out: &mut String) {
    // A fixed buffer on the stack: this runs once per word of every post.
    let mut buf = [Letter::Other(' '); MAX_LETTERS];
    let mut len = 0;
    let mut tone = Tone::Level;
    let mut tone_at: Option<usize> = None;
    let mut tones = 0;
    for c in word.chars() {
        if let Some(v) = vowel(c) {
            if v.tone != Tone::Level {
                tones += 1;
                tone = v.tone;
                tone_at = Some(len);
            }
            if len == MAX_LETTERS {
                return fallback(word, out);
            }
            buf[len] = Letter::Vowel(Vowel {
                tone: Tone::Level,
                ..v
            });
            len += 1;
        } else if let Some(t) = Tone::from_combining(c) {
            tones += 1;
            tone = t;
            tone_at = len.checked_sub(1);
        } else if is_combining(c) {
            match buf[..len].last_mut() {
                Some(Letter::Vowel(v)) => match v.with_quality(c) {
                    Some(q) => *v = q,
                    None => return fallback(word, out),
                },
                _ => return fallback(word, out),
            }
        } else {
            if len == MAX_LETTERS {
                return fallback(word, out);
            }
            buf[len] = Letter::Other(c);
            len += 1;
        }
    }
    let letters = &buf[..len];
    if tones > 1 || (tones == 1 && tone_at.is_none()) {
        return fallback(word, out);
    }
    let place = if tones == 1 {
        tone_position(letters).or(tone_at)
    } else {
        None
    };
    for (k, l) in letters.iter().enumerate() {
        match *l {
            Letter::Vowel(v) if Some(k) == place => out.push(v.with_tone(tone)),
            Letter::Vowel(v) => out.push(v.base()),
            Letter::Other(c) if Some(k) == place => {
                // The tone sat on a consonant in a word we cannot parse: keep it there.
                let mut tmp = String::new();
                tmp.push(c);
                tmp.push(tone_mark(tone));
                out.extend(tmp.nfc());
            }
            Letter::Other(c) => out.push(c),
        }
    }
}

fn tone_mark(t: Tone) -> char {
    match t {
        Tone::Level => '\u{034F}',
        Tone::Grave => '\u{0300}',
        Tone::Acute => '\u{0301}',
        Tone::Hook => '\u{0309}',
        Tone::Tilde => '\u{0303}',
        Tone::Dot => '\u{0323}',
    }
}

fn fallback(word: &str, out: &mut String) {
    out.extend(word.nfc());
}

fn lower(l: Letter) -> Option<char> {
    match l {
        Letter::Other(c) if c.is_ascii() => Some(c.to_ascii_lowercase()),
        Letter::Other('Đ') => Some('đ'),
        Letter::Other(c) => Some(c),
        Letter::Vowel(_) => None,
    }
}

const CODAS: [&[u8]; 9] = [b"", b"c", b"ch", b"m", b"n", b"ng", b"nh", b"p", b"t"];

/// Where the tone goes in a syllable, or None when the word is not one.
fn tone_position(letters: &[Letter]) -> Option<usize> {
    let first_vowel = letters.iter().position(|l| matches!(l, Letter::Vowel(_)))?;
    let mut end = first_vowel;
    while end < letters.len() && matches!(letters[end], Letter::Vowel(_)) {
        end += 1;
    }
    // The final consonant: ASCII letters only, and one of the eight finals.
    let mut coda = [0u8; 2];
    let coda_len = letters.len() - end;
    if coda_len > 2 {
        return None;
    }
    for (k, l) in letters[end..].iter().enumerate() {
        match lower(*l) {
            Some(c) if c.is_ascii() => coda[k] = c as u8,
            _ => return None,
        }
    }
    if !CODAS.contains(&&coda[..coda_len]) {
        return None;
    }
    let onset = if first_vowel == 1 {
        lower(letters[0])
    } else {
        None
    };
    let mut start = first_vowel;
    let vowel_at = |k: usize| match letters[k] {
        Letter::Vowel(v) => v,
        Letter::Other(_) => unreachable_vowel(),
    };
    if end - start >= 2 {
        let v = vowel_at(start).lower_row();
        // "qu" + vowel, and "gi" + vowel: the u or i belongs to the onset.
        if (onset == Some('q') && v == 9) || (onset == Some('g') && v == 5) {
            start += 1;
        }
    }
    let nucleus = start..end;
    if nucleus.len() > 3 {
        return None;
    }
    if let Some(k) = nucleus
        .clone()
        .rev()
        .find(|&k| vowel_at(k).has_quality_mark())
    {
        return Some(k);
    }
    Some(match nucleus.len() {
        1 => start,
        2 if coda_len > 0 => start + 1,
        2 => start,
        _ => start + 1,
    })
}

fn unreachable_vowel() -> Vowel {
    // Only called on indices already known to hold vowels.
    Vowel {
        row: 0,
        tone: Tone::Level,
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn old_and_new_styles_meet() {
        let pairs = [
            ("hoà", "hòa"),
            ("thuỷ", "thủy"),
            ("uỷ ban", "ủy ban"),
            ("khoẻ", "khỏe"),
            ("hoá", "hóa"),
            ("tuỳ", "tùy"),
            ("xoá", "xóa"),
            ("thoả", "thỏa"),
            ("Khánh Hoà", "Khánh Hòa"),
            ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
            ("HOÀ", "HÒA"),
            ("loé", "lóe"),
            ("quý", "quý"),
            ("qúy", "quý"),
            ("Thanh Hoá", "Thanh Hóa"),
            ("hoàng", "hoàng"),
            ("hòang", "hoàng"),
            ("toán", "toán"),
            ("tóan", "toán"),
            ("ngòai", "ngoài"),
            ("ngừơi", "người"),
            ("muà", "mùa"),
            ("giữ", "giữ"),
            ("thuở", "thuở"),
            ("khuỷu", "khuỷu"),
            ("Thạch Quảng", "Thạch Quảng"),
        ];
        for (a, b) in pairs {
            assert_eq!(canonical(a), canonical(b), "{a} vs {b}");
            assert_eq!(canonical(b), b, "{b} is already canonical");
        }
    }

    #[test]
    fn different_tones_stay_different() {
        assert_ne!(canonical("hòa"), canonical("hóa"));
        assert_ne!(canonical("Thạch Quảng"), canonical("Thạch Quãng"));
    }

    #[test]
    fn decomposed_input_in_any_mark_order() {
        // e + circumflex + hook, and e + hook + circumflex, both mean "ể".
        assert_eq!(canonical("ke\u{0302}\u{0309}"), "kể");
        assert_eq!(canonical("ke\u{0309}\u{0302}"), "kể");
        // o + dot below + circumflex, NFD order.
        assert_eq!(canonical("Co\u{0323}\u{0302}ng"), "Cộng");
        assert_eq!(canonical("ho\u{0300}a"), "hòa");
        assert_eq!(canonical("hoa\u{0300}"), "hòa");
        assert_eq!(canonical("UBND xa\u{0303}"), "UBND xã");
    }

    #[test]
    fn foreign_words_keep_their_marks() {
        assert_eq!(canonical("café"), "café");
        assert_eq!(canonical("España"), "España");
        assert_eq!(canonical("Zürich"), "Zürich");
        assert_eq!(canonical("Москва"), "Москва");
        assert_eq!(canonical("a😀b"), "a😀b");
    }
}
