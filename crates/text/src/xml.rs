//! Text that every XML 1.0 document may hold. A page name pasted from a chat can carry control
//! characters (U+0000–U+001F but tab, line feed and carriage return) or the non-characters
//! U+FFFE/U+FFFF, which XML 1.0 forbids even escaped: one of them makes a whole DOCX or XLSX
//! unreadable. Writers pass every string from outside through [`xml_safe`] first.

use std::borrow::Cow;

/// Whether XML 1.0 allows this character in a document (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` with every character XML 1.0 forbids replaced by U+FFFD (so a reader sees that something
/// was there); borrowed when there is none, which is nearly always.
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
            .collect(),
    )
}

/// `s` ready for XML text or a double-quoted attribute: forbidden characters replaced
/// ([`xml_safe`]), then `&`, `<`, `>` and `"` escaped. The DOCX writers use this for every run.
pub fn xml_escape(s: &str) -> String {
    let safe = xml_safe(s);
    let mut out = String::with_capacity(safe.len() + 8);
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The most characters Excel keeps in one cell.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Text as one Excel cell holds it: characters XML 1.0 forbids replaced, and anything past
/// Excel's 32,767 characters cut with a marker — so one over-long note never stops an export.
pub fn excel_text(s: &str) -> Cow<'_, str> {
    const MARK: &str = " …[cắt bớt / truncated]";
    let safe = xml_safe(s);
    match safe
        .char_indices()
        .nth(EXCEL_CELL_CHARS - MARK.chars().count())
    {
        Some((at, _)) if safe.chars().count() > EXCEL_CELL_CHARS => {
            Cow::Owned(format!("{}{MARK}", &safe[..at]))
        }
        _ => safe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_replaced_and_the_rest_kept() {
        assert!(matches!(
            xml_safe("Trang xã Đông Tâm\tA\n"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            xml_safe("a\u{0}b\u{1B}c\u{FFFE}d\u{FFFF}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}"
        );
        assert_eq!(xml_safe("😀 \u{10FFFF}"), "😀 \u{10FFFF}");
        assert_eq!(
            xml_escape("a<b>&\"c\u{1}"),
            "a&lt;b&gt;&amp;&quot;c\u{FFFD}"
        );
    }
}
