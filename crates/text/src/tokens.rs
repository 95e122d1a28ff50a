//! Tokens: syllables and syllable bigrams. Vietnamese words are mostly one or two syllables
//! written apart ("Thạch Quảng", "công an"), so syllables and their pairs index text well
//! without a dictionary.

/// The syllables of `s`: maximal runs of letters, digits and combining marks, as they are written.
pub fn syllables(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || crate::letters::is_combining(c)))
        .filter(|t| !t.is_empty())
}

/// The syllables of the canonical, lower-case form of `s`: what `text normalize` prints as tokens.
pub fn tokens(s: &str) -> Vec<String> {
    let canonical = crate::canonical(s).to_lowercase();
    syllables(&canonical).map(str::to_owned).collect()
}

/// Adjacent syllable pairs, joined by `_` ("thach_quang"), for phrase-like ranking.
pub fn bigrams<'a>(syllables: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    syllables.windows(2).map(|w| format!("{}_{}", w[0], w[1]))
}

/// Calls `f` for every folded syllable of `s` without building intermediate strings: the fast
/// path that indexing uses. `scratch` is reused between calls.
pub fn for_each_folded_syllable(s: &str, scratch: &mut String, mut f: impl FnMut(&str)) {
    scratch.clear();
    crate::fold::fold_into(s, scratch);
    for t in scratch.split(' ') {
        if !t.is_empty() {
            f(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_and_bigrams() {
        let t = tokens("Đảng ủy xã Thạch Quảng, ngày 25/02/2026.");
        assert_eq!(
            t,
            [
                "đảng", "ủy", "xã", "thạch", "quảng", "ngày", "25", "02", "2026"
            ]
        );
        let s: Vec<&str> = syllables("công an xã").collect();
        let b: Vec<String> = bigrams(&s).collect();
        assert_eq!(b, ["công_an", "an_xã"]);
        let mut seen = Vec::new();
        let mut scratch = String::new();
        for_each_folded_syllable("Hoà  BÌNH!", &mut scratch, |t| seen.push(t.to_owned()));
        assert_eq!(seen, ["hoa", "binh"]);
    }
}
