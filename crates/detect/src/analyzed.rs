//! A text prepared for matching: its syllables in two forms — folded and teencode-expanded
//! ("matching"), and canonical lower case ("canonical") — each joined as " a b c " so that a
//! term " b c " matches whole words only, with every token's span in the original text so that
//! evidence points at what the author wrote.

/// One token of a form: where it sits in the form string and in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub form_start: u32,
    pub form_end: u32,
    pub orig_start: u32,
    pub orig_end: u32,
}

/// One form of a text.
#[derive(Debug, Clone, Default)]
pub struct Form {
    /// " tok tok tok " (leading and trailing space).
    pub text: String,
    pub toks: Vec<Tok>,
}

impl Form {
    fn push(&mut self, word: &str, orig: (usize, usize)) {
        let form_start = self.text.len() as u32;
        self.text.push_str(word);
        let form_end = self.text.len() as u32;
        self.text.push(' ');
        self.toks.push(Tok {
            form_start,
            form_end,
            orig_start: orig.0 as u32,
            orig_end: orig.1 as u32,
        });
    }

    /// The tokens a match [a, b) of " term " covers (a and b include the surrounding spaces).
    pub fn tokens_of(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        let first = self
            .toks
            .binary_search_by_key(&(a as u32 + 1), |t| t.form_start)
            .ok()?;
        let last = self
            .toks
            .binary_search_by_key(&(b as u32 - 1), |t| t.form_end)
            .ok()?;
        Some((first, last))
    }

    /// The original span of tokens first..=last.
    pub fn span(&self, first: usize, last: usize) -> (usize, usize) {
        (
            self.toks[first].orig_start as usize,
            self.toks[last].orig_end as usize,
        )
    }
}

/// A text in both forms.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    pub matching: Form,
    original: String,
    /// Whether the author wrote with diacritics (at least one syllable in five carries them).
    accented: bool,
    /// Built on first use: only canonical-form rules need it.
    canonical: std::cell::OnceCell<Form>,
}

/// Calls `f(start, end)` for every syllable of `s` (runs of letters, digits and marks).
fn for_each_syllable(s: &str, mut f: impl FnMut(usize, usize)) {
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let inside = c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c);
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                f(a, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        f(a, s.len());
    }
}

fn empty_form(capacity: usize) -> Form {
    let mut text = String::with_capacity(capacity + 16);
    text.push(' ');
    Form {
        text,
        toks: Vec::with_capacity(capacity / 4),
    }
}

impl Analyzed {
    pub fn new(original: &str) -> Analyzed {
        let mut matching = empty_form(original.len());
        // Scratch buffers, reused for every syllable: this runs on every item.
        let mut lower = String::new();
        let mut folded = String::new();
        let (mut marked, mut letters) = (0usize, 0usize);
        for_each_syllable(original, |s, e| {
            let syllable = &original[s..e];
            if syllable.bytes().any(|b| b.is_ascii_alphabetic()) || !syllable.is_ascii() {
                letters += 1;
                marked += usize::from(!syllable.is_ascii());
            }
            let words = if syllable.is_ascii() {
                lower.clear();
                lower.extend(syllable.bytes().map(|b| b.to_ascii_lowercase() as char));
                &lower
            } else {
                folded.clear();
                text::fold_into(syllable, &mut folded);
                &folded
            };
            for w in words.split(' ').filter(|w| !w.is_empty()) {
                match text::expand_teencode(w) {
                    Some(full) => full.split(' ').for_each(|x| matching.push(x, (s, e))),
                    None => matching.push(w, (s, e)),
                }
            }
        });
        Analyzed {
            matching,
            original: original.to_owned(),
            accented: marked * 5 >= letters && marked > 0,
            canonical: std::cell::OnceCell::new(),
        }
    }

    pub fn accented(&self) -> bool {
        self.accented
    }

    /// Whether matching token `k` may stand for the syllable `want` (canonical, lower case):
    /// yes when the author wrote it without diacritics or as teencode, else only when it was
    /// written with the same diacritics (a term written "com" does not match "cơm").
    /// A `strict` term needs the diacritics written: an unmarked syllable does not count.
    pub fn written_as(&self, k: usize, want: &str, strict: bool, scratch: &mut String) -> bool {
        let Some(t) = self.matching.toks.get(k) else {
            return false;
        };
        let orig = &self.original[t.orig_start as usize..t.orig_end as usize];
        if orig.is_ascii() {
            return !strict || want.is_ascii();
        }
        let word = &self.matching.text[t.form_start as usize..t.form_end as usize];
        scratch.clear();
        text::fold_into(orig, scratch);
        if scratch != word {
            // Teencode or a syllable folded into several words: nothing to compare.
            return true;
        }
        scratch.clear();
        text::canonical_into(orig, scratch);
        scratch
            .chars()
            .flat_map(char::to_lowercase)
            .eq(want.chars())
    }

    /// The canonical, lower-case form (diacritics count), built the first time it is asked for.
    pub fn canonical(&self) -> &Form {
        self.canonical.get_or_init(|| {
            let original = &self.original;
            let mut form = empty_form(original.len());
            let mut canon = String::new();
            let mut lower = String::new();
            for_each_syllable(original, |s, e| {
                canon.clear();
                text::canonical_into(&original[s..e], &mut canon);
                lower.clear();
                lower.extend(canon.chars().flat_map(char::to_lowercase));
                form.push(&lower, (s, e));
            });
            form
        })
    }
}

/// A term as a rule author writes it, in one form: " a b " (with the boundary spaces).
pub fn term_matching(term: &str) -> String {
    format!(" {} ", text::matching_form(term))
}

pub fn term_canonical(term: &str) -> String {
    let c = text::canonical(term).to_lowercase();
    let words: Vec<&str> = text::syllables(&c).collect();
    format!(" {} ", words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_spans() {
        let s = "Mn ơi, KO cung cấp mã OTP!";
        let a = Analyzed::new(s);
        assert_eq!(a.matching.text, " moi nguoi oi khong cung cap ma otp ");
        assert_eq!(a.canonical().text, " mn ơi ko cung cấp mã otp ");
        let at = a.matching.text.find(" cung cap ma otp ").unwrap();
        let (f, l) = a
            .matching
            .tokens_of(at, at + " cung cap ma otp ".len())
            .unwrap();
        let (x, y) = a.matching.span(f, l);
        assert_eq!(&s[x..y], "cung cấp mã OTP");
        assert_eq!(term_matching("Cung cấp mã OTP"), " cung cap ma otp ");
        assert_eq!(term_canonical("Cung cấp, mã OTP"), " cung cấp mã otp ");
    }
}
