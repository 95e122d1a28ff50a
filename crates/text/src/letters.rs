//! The Vietnamese letter table: every precomposed vowel split into its base vowel (with its
//! vowel-quality mark, such as the circumflex of "â") and its tone. Canonicalisation and folding
//! use it instead of a full Unicode decomposition, which is what keeps them fast.

use std::sync::OnceLock;

/// One of the six Vietnamese tones, in the order the tables below use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// thanh ngang (no mark)
    Level = 0,
    /// thanh huyền (grave)
    Grave = 1,
    /// thanh sắc (acute)
    Acute = 2,
    /// thanh hỏi (hook above)
    Hook = 3,
    /// thanh ngã (tilde)
    Tilde = 4,
    /// thanh nặng (dot below)
    Dot = 5,
}

impl Tone {
    /// The tone that a combining mark writes, if it is one of the five tone marks.
    pub fn from_combining(c: char) -> Option<Tone> {
        Some(match c {
            '\u{0300}' | '\u{0340}' => Tone::Grave,
            '\u{0301}' | '\u{0341}' => Tone::Acute,
            '\u{0309}' => Tone::Hook,
            '\u{0303}' => Tone::Tilde,
            '\u{0323}' => Tone::Dot,
            _ => return None,
        })
    }
}

/// Each row: a base vowel followed by its five toned forms (grave, acute, hook, tilde, dot).
const ROWS: [&str; 24] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
    "AÀÁẢÃẠ",
    "ĂẰẮẲẴẶ",
    "ÂẦẤẨẪẬ",
    "EÈÉẺẼẸ",
    "ÊỀẾỂỄỆ",
    "IÌÍỈĨỊ",
    "OÒÓỎÕỌ",
    "ÔỒỐỔỖỘ",
    "ƠỜỚỞỠỢ",
    "UÙÚỦŨỤ",
    "ƯỪỨỬỮỰ",
    "YỲÝỶỸỴ",
];

/// The plain ASCII letter that each row folds to.
const FOLD: [char; 24] = [
    'a', 'a', 'a', 'e', 'e', 'i', 'o', 'o', 'o', 'u', 'u', 'y', 'a', 'a', 'a', 'e', 'e', 'i', 'o',
    'o', 'o', 'u', 'u', 'y',
];

/// A vowel as the tables know it: which row, and which tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vowel {
    pub row: u8,
    pub tone: Tone,
}

impl Vowel {
    /// The character for this row with another tone.
    pub fn with_tone(self, tone: Tone) -> char {
        table().forms[self.row as usize][tone as usize]
    }
    /// The base vowel, tone removed but vowel quality kept ("ấ" -> "â").
    pub fn base(self) -> char {
        self.with_tone(Tone::Level)
    }
    /// Lower-case ASCII letter this vowel folds to ("ấ" -> "a").
    pub fn folded(self) -> char {
        FOLD[self.row as usize]
    }
    #[cfg(test)]
    pub fn is_upper(self) -> bool {
        self.row >= 12
    }
    /// Whether the vowel carries a quality mark (ă â ê ô ơ ư), which draws the tone in every style.
    pub fn has_quality_mark(self) -> bool {
        matches!(self.row % 12, 1 | 2 | 4 | 7 | 8 | 10)
    }
    /// The row of the same vowel in lower case.
    pub fn lower_row(self) -> u8 {
        self.row % 12
    }
    /// Applies a vowel-quality combining mark (circumflex, breve, horn) to a base vowel.
    pub fn with_quality(self, mark: char) -> Option<Vowel> {
        let lower = self.row % 12;
        let case = self.row - lower;
        let target = match (lower, mark) {
            (0, '\u{0302}') => 2,
            (0, '\u{0306}') => 1,
            (3, '\u{0302}') => 4,
            (6, '\u{0302}') => 7,
            (6, '\u{031B}') => 8,
            (9, '\u{031B}') => 10,
            _ => return None,
        };
        Some(Vowel {
            row: case + target,
            tone: self.tone,
        })
    }
}

struct Table {
    forms: [[char; 6]; 24],
    /// U+00C0..=U+01B0
    latin: Vec<Option<Vowel>>,
    /// U+1EA0..=U+1EF9
    extended: Vec<Option<Vowel>>,
}

const LATIN_START: u32 = 0x00C0;
const LATIN_END: u32 = 0x01B0;
const EXT_START: u32 = 0x1EA0;
const EXT_END: u32 = 0x1EF9;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut forms = [['\0'; 6]; 24];
        let mut latin = vec![None; (LATIN_END - LATIN_START + 1) as usize];
        let mut extended = vec![None; (EXT_END - EXT_START + 1) as usize];
        for (row, text) in ROWS.iter().enumerate() {
            for (tone, c) in text.chars().enumerate() {
                forms[row][tone] = c;
                let tone = [
                    Tone::Level,
                    Tone::Grave,
                    Tone::Acute,
                    Tone::Hook,
                    Tone::Tilde,
                    Tone::Dot,
                ][tone];
                let v = Some(Vowel {
                    row: row as u8,
                    tone,
                });
                let cp = c as u32;
                if (LATIN_START..=LATIN_END).contains(&cp) {
                    latin[(cp - LATIN_START) as usize] = v;
                } else if (EXT_START..=EXT_END).contains(&cp) {
                    extended[(cp - EXT_START) as usize] = v;
                }
            }
        }
        Table {
            forms,
            latin,
            extended,
        }
    })
}

/// Looks a character up as a Vietnamese vowel (any case, any tone).
#[inline]
pub fn vowel(c: char) -> Option<Vowel> {
    let cp = c as u32;
    match cp {
        0x61 => Some(Vowel {
            row: 0,
            tone: Tone::Level,
        }),
        0x65 => Some(Vowel {
            row: 3,
            tone: Tone::Level,
        }),
        0x69 => Some(Vowel {
            row: 5,
            tone: Tone::Level,
        }),
        0x6F => Some(Vowel {
            row: 6,
            tone: Tone::Level,
        }),
        0x75 => Some(Vowel {
            row: 9,
            tone: Tone::Level,
        }),
        0x79 => Some(Vowel {
            row: 11,
            tone: Tone::Level,
        }),
        0x41 => Some(Vowel {
            row: 12,
            tone: Tone::Level,
        }),
        0x45 => Some(Vowel {
            row: 15,
            tone: Tone::Level,
        }),
        0x49 => Some(Vowel {
            row: 17,
            tone: Tone::Level,
        }),
        0x4F => Some(Vowel {
            row: 18,
            tone: Tone::Level,
        }),
        0x55 => Some(Vowel {
            row: 21,
            tone: Tone::Level,
        }),
        0x59 => Some(Vowel {
            row: 23,
            tone: Tone::Level,
        }),
        LATIN_START..=LATIN_END => table().latin[(cp - LATIN_START) as usize],
        EXT_START..=EXT_END => table().extended[(cp - EXT_START) as usize],
        _ => None,
    }
}

/// Whether a character is a combining mark (U+0300..U+036F), the ones that decomposed input carries.
#[inline]
pub fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_round_trips() {
        for (row, text) in ROWS.iter().enumerate() {
            for c in text.chars() {
                let v = vowel(c).unwrap_or_else(|| panic!("{c} missing"));
                assert_eq!(v.row as usize, row);
                assert_eq!(v.with_tone(v.tone), c);
            }
        }
        assert_eq!(
            vowel('ự').map(|v| (v.base(), v.folded(), v.tone)),
            Some(('ư', 'u', Tone::Dot))
        );
        assert_eq!(
            vowel('Ố').map(|v| (v.base(), v.folded(), v.is_upper())),
            Some(('Ô', 'o', true))
        );
        assert_eq!(vowel('đ'), None);
        assert_eq!(vowel('b'), None);
    }
}
