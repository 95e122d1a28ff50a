//! Undoing the tricks spammers use to slip past word filters, before matching: styled letters
//! (mathematical bold/italic/script, full-width, circled) become plain ones by their Unicode
//! compatibility mapping (NFKC), invisible characters go, and a word written letter by letter
//! ("v.i.ệ.c", "n h i ệ m") is joined again. Every byte of the cleaned text keeps the offset of
//! the byte it came from, so evidence found in the cleaned text points at what the author wrote.

use crate::skeleton::is_invisible;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_compatible;

/// A cleaned text and, for each of its bytes (and one past the end), the offset in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub map: Vec<u32>,
}

impl Cleaned {
    /// The original span of the cleaned span `[a, b)`.
    pub fn original_span(&self, a: usize, b: usize) -> (usize, usize) {
        let at = |i: usize| self.map[i.min(self.map.len() - 1)] as usize;
        let start = at(a);
        // The end is just past the last cleaned byte's source character.
        let end = if b == 0 { start } else { self.end_of(b - 1) };
        (start, end.max(start))
    }

    fn end_of(&self, i: usize) -> usize {
        let src = self.map[i];
        self.map[i + 1..]
            .iter()
            .copied()
            .find(|&m| m > src)
            .unwrap_or(*self.map.last().unwrap_or(&0)) as usize
    }
}

/// Whether `c` is a styled form of a letter or digit that NFKC maps to a plain one.
fn is_styled(c: char) -> bool {
    matches!(c,
        '\u{1D400}'..='\u{1D7FF}'   // mathematical alphanumerics
        | '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' // full-width
        | '\u{24B6}'..='\u{24E9}'   // circled letters
        | '\u{1F130}'..='\u{1F189}') // squared and negative circled capitals
}

/// Whether a piece between separators is one letter with its marks ("n", "ệ", "e\u{0302}").
fn single_letter(piece: &str) -> bool {
    let mut chars = piece.chars();
    chars.next().is_some_and(char::is_alphabetic)
        && chars.all(|m| ('\u{0300}'..='\u{036F}').contains(&m))
}

/// Whether the text may hold a word spelled letter by letter: a lone letter between two dots, or
/// four lone letters in a row between spaces. Cheap and never wrong the other way, so that the
/// common post (which has spaces and dots but no such run) is not copied.
fn may_be_spelled(s: &str) -> bool {
    let pieces: Vec<&str> = s.split('.').collect();
    if pieces.len() > 2 && pieces[1..pieces.len() - 1].iter().any(|p| single_letter(p)) {
        return true;
    }
    let mut run = 0;
    for word in s.split(' ') {
        run = if single_letter(word) { run + 1 } else { 0 };
        if run >= 4 {
            return true;
        }
    }
    false
}

/// Returns `None` when the text needs no cleaning (the common case costs one scan).
pub fn clean(s: &str) -> Option<Cleaned> {
    let needs = s.chars().any(|c| is_invisible(c) || is_styled(c)) || may_be_spelled(s);
    if !needs {
        return None;
    }
    // Pass 1: styled letters mapped, invisible characters dropped.
    let mut text = String::with_capacity(s.len());
    let mut map: Vec<u32> = Vec::with_capacity(s.len() + 1);
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_invisible(c) {
            continue;
        }
        if is_styled(c) {
            // The letter and the marks written after it, composed as one letter ("𝐄̣̂" -> "ệ").
            let mut cluster = String::new();
            decompose_compatible(c, |d| cluster.extend(d.to_lowercase()));
            while let Some(&(_, m)) = chars.peek() {
                if ('\u{0300}'..='\u{036F}').contains(&m) {
                    cluster.push(m);
                    chars.next();
                } else {
                    break;
                }
            }
            let composed: String = cluster.nfc().collect();
            map.extend(std::iter::repeat_n(i as u32, composed.len()));
            text.push_str(&composed);
        } else {
            map.extend(std::iter::repeat_n(i as u32, c.len_utf8()));
            text.push(c);
        }
    }
    map.push(s.len() as u32);
    let joined = join_spelled(&text, &map);
    let out = joined.unwrap_or(Cleaned { text, map });
    if out.text == s {
        return None;
    }
    Some(out)
}

/// A letter with its marks: one base letter and any combining marks after it.
fn letter_at(s: &str, i: usize) -> Option<usize> {
    let mut chars = s[i..].char_indices();
    let (_, c) = chars.next()?;
    if !c.is_alphabetic() {
        return None;
    }
    let mut end = i + c.len_utf8();
    for (k, m) in chars {
        if ('\u{0300}'..='\u{036F}').contains(&m) {
            end = i + k + m.len_utf8();
        } else {
            break;
        }
    }
    Some(end)
}

/// Joins words spelled letter by letter: at least three single letters separated by dots
/// ("v.i.ệ.c", "U.B.N.D") or at least four separated by single spaces ("n h i ệ m"), where the
/// run is not part of a longer word. Returns `None` when there is no such run.
fn join_spelled(s: &str, map: &[u32]) -> Option<Cleaned> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut out_map: Vec<u32> = Vec::with_capacity(map.len());
    let mut changed = false;
    let mut i = 0;
    let at_boundary = |i: usize| {
        i == 0
            || s[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && !('\u{0300}'..='\u{036F}').contains(&c))
    };
    while i < s.len() {
        if at_boundary(i)
            && let Some(first_end) = letter_at(s, i)
        {
            // Collect letters separated by one separator of the same kind.
            let mut letters = vec![(i, first_end)];
            let mut sep: Option<u8> = None;
            let mut j = first_end;
            while j < s.len() {
                let b = bytes[j];
                if (b == b'.' || b == b' ')
                    && sep.is_none_or(|x| x == b)
                    && let Some(e) = letter_at(s, j + 1)
                {
                    // The next letter must stand alone (followed by the separator or the end).
                    let alone = e >= s.len()
                        || bytes[e] == b
                        || !s[e..].chars().next().is_some_and(|c| c.is_alphanumeric());
                    if alone {
                        sep = Some(b);
                        letters.push((j + 1, e));
                        j = e;
                        continue;
                    }
                }
                break;
            }
            let need = if sep == Some(b'.') { 3 } else { 4 };
            if letters.len() >= need {
                for &(a, e) in &letters {
                    out.push_str(&s[a..e]);
                    out_map.extend_from_slice(&map[a..e]);
                }
                changed = true;
                i = j;
                continue;
            }
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        let n = c.len_utf8();
        out.push_str(&s[i..i + n]);
        out_map.extend_from_slice(&map[i..i + n]);
        i += n;
    }
    out_map.push(*map.last().unwrap_or(&0));
    changed.then_some(Cleaned {
        text: out,
        map: out_map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: Option<&str>) {
        assert_eq!(clean(input).map(|c| c.text).as_deref(), expect, "{input:?}");
    }

    #[test]
    fn styled_letters_become_plain() {
        check("𝐕𝐈𝐄̣̂𝐂 nhẹ", Some("việc nhẹ"));
        check("ｖｉｅｃ", Some("viec"));
    }

    #[test]
    fn invisible_characters_go() {
        check("n\u{200B}h\u{200B}i\u{200B}ệm vụ", Some("nhiệm vụ"));
    }

    #[test]
    fn spelled_words_are_joined() {
        check("làm n.h.i.ệ.m vụ", Some("làm nhiệm vụ"));
        check("làm n h i ệ m vụ", Some("làm nhiệm vụ"));
        // Two letters, or an abbreviation inside a sentence with words, stay.
        check("T.P Hà Nội", None);
        check("a e k đi", None);
        check("Giá 7.800đ/kg.", None);
        check("ông A. B. đến", None);
    }

    #[test]
    fn offsets_point_at_the_original() {
        let s = "làm n.h.i.ệ.m vụ";
        let c = clean(s).unwrap();
        let a = c.text.find("nhiệm").unwrap();
        let (x, y) = c.original_span(a, a + "nhiệm".len());
        assert_eq!(&s[x..y], "n.h.i.ệ.m");
        let s = "𝐕𝐈𝐄̣̂𝐂 nhẹ";
        let c = clean(s).unwrap();
        let (x, y) = c.original_span(0, c.text.find(' ').unwrap());
        assert_eq!(&s[x..y], "𝐕𝐈𝐄̣̂𝐂");
    }
}
