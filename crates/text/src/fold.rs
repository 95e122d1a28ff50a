//! The folded form, for matching text whatever the writer did with diacritics: lower case, no
//! tone or vowel marks, "đ" -> "d", and every run of characters that are neither letters nor
//! digits (spaces, punctuation, symbols, emoji) turned into one space, with none at the ends.
//! "Thạch Quảng!!" and "thach   quang" both fold to "thach quang".

use crate::letters::{is_combining, vowel};
use unicode_normalization::char::decompose_canonical;

/// Returns the folded form of `s`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// Appends the folded form of `s` to `out` (with a separating space if `out` is not empty).
pub fn fold_into(s: &str, out: &mut String) {
    let mut pending_space = !out.is_empty() && !out.ends_with(' ');
    let mut push = |out: &mut String, c: char, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push(' ');
        }
        *pending = false;
        out.push(c);
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                push(out, b.to_ascii_lowercase() as char, &mut pending_space);
            } else {
                pending_space = true;
            }
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        fold_char(c, out, &mut pending_space, &mut push);
    }
}

fn fold_char(
    c: char,
    out: &mut String,
    pending: &mut bool,
    push: &mut impl FnMut(&mut String, char, &mut bool),
) {
    if let Some(v) = vowel(c) {
        push(out, v.folded(), pending);
    } else if c == 'đ' || c == 'Đ' {
        push(out, 'd', pending);
    } else if is_combining(c) || is_invisible_mark(c) {
        // Marks are dropped, wherever they come from.
    } else if c.is_alphanumeric() {
        let mut decomposed = false;
        decompose_canonical(c, |d| {
            if d.is_alphanumeric() && !is_invisible_mark(d) {
                for l in d.to_lowercase() {
                    if let Some(v) = vowel(l) {
                        push(out, v.folded(), pending);
                    } else if l.is_alphanumeric() && !is_invisible_mark(l) {
                        push(out, l, pending);
                    }
                }
                decomposed = true;
            }
        });
        if !decomposed {
            *pending = true;
        }
    } else {
        *pending = true;
    }
}

/// Combining marks outside U+0300..U+036F (other scripts' marks): dropped like ours.
fn is_invisible_mark(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) != 0
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Thạch Quảng"), "thach quang");
        assert_eq!(
            fold("  ĐẢNG ỦY   xã Thạch Quảng!!"),
            "dang uy xa thach quang"
        );
        assert_eq!(fold("Công an xã"), "cong an xa");
        assert_eq!(fold("Co\u{0302}\u{0323}ng"), "cong");
        assert_eq!(fold("181-CV/ĐU"), "181 cv du");
        assert_eq!(
            fold("Người lập biểu: Nguyễn Văn A."),
            "nguoi lap bieu nguyen van a"
        );
        assert_eq!(fold("😀 vui quá 😀"), "vui qua");
        assert_eq!(fold("Zürich, España"), "zurich espana");
        assert_eq!(fold(""), "");
    }
}
