//! Vietnamese analysers for tantivy, built on `text`: each token is one syllable of the original
//! text (so offsets, and so highlighted snippets, point into what the author wrote).
//! - `vi_exact`: the syllable's canonical, lower-case form ("Hoà" -> "hòa"): diacritics count.
//! - `vi_folded`: folded and teencode-expanded ("Hoà" -> "hoa", "ko" -> "khong").
//! - `vi_bigram`: adjacent folded syllables joined ("thach_quang"), for phrase-like ranking.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Byte spans of the syllables of `s`.
pub fn syllable_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let inside = c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c);
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                spans.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        spans.push((a, s.len()));
    }
    spans
}

/// The folded, teencode-expanded words of one syllable ("mn" gives two: "moi", "nguoi").
pub fn folded_words(syllable: &str, out: &mut Vec<String>) {
    if syllable.is_ascii() {
        let lower = syllable.to_ascii_lowercase();
        match text::expand_teencode(&lower) {
            Some(full) => out.extend(full.split(' ').map(str::to_owned)),
            None => out.push(lower),
        }
        return;
    }
    let folded = text::fold(syllable);
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        match text::expand_teencode(w) {
            Some(full) => out.extend(full.split(' ').map(str::to_owned)),
            None => out.push(w.to_owned()),
        }
    }
}

/// Which form an analyser produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Exact,
    Folded,
    Bigram,
}

/// One analyser; register it under its name with [`register`].
#[derive(Clone)]
pub struct VnTokenizer(pub Form);

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The tokens of `s` in one form.
pub fn tokens(form: Form, s: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut words = Vec::new();
    let mut position = 0;
    let mut previous: Option<(String, usize)> = None;
    for (a, b) in syllable_spans(s) {
        let syllable = &s[a..b];
        match form {
            Form::Exact => {
                tokens.push(Token {
                    offset_from: a,
                    offset_to: b,
                    position,
                    // Most syllables in posts typed without marks are ASCII: one allocation.
                    text: if syllable.is_ascii() {
                        syllable.to_ascii_lowercase()
                    } else {
                        text::canonical(syllable).to_lowercase()
                    },
                    position_length: 1,
                });
                position += 1;
            }
            Form::Folded | Form::Bigram => {
                words.clear();
                folded_words(syllable, &mut words);
                for w in words.drain(..) {
                    if form == Form::Folded {
                        tokens.push(Token {
                            offset_from: a,
                            offset_to: b,
                            position,
                            text: w,
                            position_length: 1,
                        });
                    } else {
                        if let Some((prev, from)) = &previous {
                            let mut pair = String::with_capacity(prev.len() + 1 + w.len());
                            pair.push_str(prev);
                            pair.push('_');
                            pair.push_str(&w);
                            tokens.push(Token {
                                offset_from: *from,
                                offset_to: b,
                                position,
                                text: pair,
                                position_length: 1,
                            });
                        }
                        previous = Some((w, a));
                    }
                    position += 1;
                }
            }
        }
    }
    tokens
}

impl Tokenizer for VnTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, s: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: tokens(self.0, s),
            next: 0,
        }
    }
}

pub const EXACT: &str = "vi_exact";
pub const FOLDED: &str = "vi_folded";
pub const BIGRAM: &str = "vi_bigram";

/// Registers the three analysers on an index.
pub fn register(index: &tantivy::Index) {
    let m = index.tokenizers();
    m.register(EXACT, VnTokenizer(Form::Exact));
    m.register(FOLDED, VnTokenizer(Form::Folded));
    m.register(BIGRAM, VnTokenizer(Form::Bigram));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(form: Form, s: &str) -> Vec<String> {
        tokens(form, s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn three_forms() {
        assert_eq!(
            texts(Form::Exact, "Xã Thạch Quảng, Khánh Hoà!"),
            ["xã", "thạch", "quảng", "khánh", "hòa"]
        );
        assert_eq!(
            texts(Form::Folded, "mn ơi, ko đc"),
            ["moi", "nguoi", "oi", "khong", "duoc"]
        );
        assert_eq!(
            texts(Form::Bigram, "Thạch Quảng quê tôi"),
            ["thach_quang", "quang_que", "que_toi"]
        );
        let t = tokens(Form::Exact, "Hoà Bình");
        assert_eq!(
            (t[1].offset_from, t[1].offset_to),
            (5, 10),
            "byte offsets: ì is two bytes"
        );
    }
}
