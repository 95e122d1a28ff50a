//! Rule packs: versioned TOML files, one per category, shipped with sensible Vietnamese
//! defaults and loadable from the data dir. A rule is a set of terms (matched on the folded,
//! teencode-aware form or on the canonical form) and regexes, with "all of" / "any of" /
//! "none of" conditions, an optional proximity window, a weight and an explanation, and its own
//! positive and negative examples. All terms of all packs compile into one Aho-Corasick
//! automaton per form (and the regexes into one RegexSet), so the cost of screening does not
//! grow with the number of rules.

use crate::analyzed::{Analyzed, term_canonical, term_matching};
use crate::signal::{Evidence, Signal};
use aho_corasick::{AhoCorasick, MatchKind};
use domain::Category;
use regex::RegexSet;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A rule pack as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub category: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Terms of which the text must have one before the learned model may flag it for this
    /// category on its own (a scam asks for something; a threat names violence): the model
    /// weighs, the rules' words anchor.
    #[serde(default)]
    pub model_requires: Vec<String>,
    /// Named term lists a rule can use as "@name" (shared by all packs of a rule set).
    #[serde(default)]
    pub lexicons: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default, rename = "rules")]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub explanation: String,
    pub weight: f32,
    /// "matching" (folded, teencode-aware; the default) or "canonical" (diacritics count).
    #[serde(default = "default_form")]
    pub form: String,
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub none: Vec<String>,
    /// Groups of terms of which each must have one hit: the shape of a script (who is claimed,
    /// what is asked, how), rather than one catchphrase.
    #[serde(default)]
    pub need: Vec<Vec<String>>,
    /// Regexes over the matching form (" a b c ", folded, lower case); any one matching counts.
    #[serde(default)]
    pub regex: Vec<String>,
    /// All the matched terms within this many syllables of each other.
    #[serde(default)]
    pub near: Option<usize>,
    #[serde(default)]
    pub shadow: bool,
    #[serde(default)]
    pub positive: Vec<String>,
    #[serde(default)]
    pub negative: Vec<String>,
}

fn default_form() -> String {
    "matching".into()
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    #[error("tệp luật {file}: {message}")]
    Parse { file: String, message: String },
    #[error(
        "tệp luật {file}: danh mục «{category}» không có trong bảng phân loại cố định / category not in the fixed taxonomy"
    )]
    Category { file: String, category: String },
    #[error("luật {rule}: {message}")]
    Rule { rule: String, message: String },
}

pub fn parse_pack(file: &str, toml_text: &str) -> Result<Pack, PackError> {
    let pack: Pack = toml::from_str(toml_text).map_err(|e| PackError::Parse {
        file: file.into(),
        message: e.to_string(),
    })?;
    if Category::parse_word(&pack.category).is_none_or(|c| c.as_str() != pack.category) {
        return Err(PackError::Category {
            file: file.into(),
            category: pack.category,
        });
    }
    for r in &pack.rules {
        let bad = |m: &str| {
            Err(PackError::Rule {
                rule: r.id.clone(),
                message: m.into(),
            })
        };
        if !(0.0..=1.0).contains(&r.weight) {
            return bad("weight phải trong [0, 1]");
        }
        if r.all.is_empty() && r.any.is_empty() && r.regex.is_empty() && r.need.is_empty() {
            return bad("cần ít nhất một điều kiện all, any, need hoặc regex");
        }
        if r.need.iter().any(Vec::is_empty) {
            return bad("mỗi nhóm của need cần ít nhất một từ");
        }
        if r.form != "matching" && r.form != "canonical" {
            return bad("form là matching hoặc canonical");
        }
    }
    Ok(pack)
}

/// The default packs, embedded.
pub const DEFAULT_PACKS: &[(&str, &str)] = &[
    ("scam.toml", include_str!("../packs/scam.toml")),
    (
        "impersonation.toml",
        include_str!("../packs/impersonation.toml"),
    ),
    (
        "secret_leak.toml",
        include_str!("../packs/secret_leak.toml"),
    ),
    (
        "personal_data.toml",
        include_str!("../packs/personal_data.toml"),
    ),
    ("threat.toml", include_str!("../packs/threat.toml")),
];

struct CompiledRule {
    category: Category,
    version: String,
    id: String,
    explanation: String,
    weight: f32,
    canonical: bool,
    all: Vec<usize>,
    any: Vec<usize>,
    none: Vec<usize>,
    need: Vec<Vec<usize>>,
    regex: Vec<usize>,
    near: Option<usize>,
    shadow: bool,
}

/// One term as a rule wrote it: the automaton pattern it is found by (its folded form, shared
/// by every term that folds the same) and the diacritics it was written with.
struct Variant {
    pattern: usize,
    /// The term's syllables in canonical lower case, when it was written with diacritics and
    /// has as many syllables as its matching form has words.
    syllables: Option<Vec<String>>,
    /// Written "=term": found only in a text written with diacritics, with the same ones.
    strict: bool,
    /// Written "^term": found only among the text's first words (who is speaking).
    at_start: bool,
}

/// The matching form's terms while packs compile: automaton patterns (one per folded form) and
/// the variants written in the packs ("=term", "^term", diacritics), each compiled once.
#[derive(Default)]
struct MatchingTerms {
    terms: Vec<String>,
    by_form: HashMap<String, usize>,
    variants: Vec<Variant>,
    by_written: HashMap<String, usize>,
}

impl MatchingTerms {
    /// The variant id of a term as written ("^" at the start, "=" strict).
    fn variant(&mut self, written: &str) -> usize {
        if let Some(&v) = self.by_written.get(written) {
            return v;
        }
        let (at_start, t) = match written.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, written),
        };
        let (strict, t) = match t.strip_prefix('=') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let form = term_matching(t);
        let pattern = match self.by_form.get(&form) {
            Some(&p) => p,
            None => {
                self.terms.push(form.clone());
                self.by_form.insert(form.clone(), self.terms.len() - 1);
                self.terms.len() - 1
            }
        };
        let syllables: Vec<String> = term_canonical(t)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let marked = syllables.len() == form.split(' ').filter(|w| !w.is_empty()).count();
        self.variants.push(Variant {
            pattern,
            syllables: marked.then_some(syllables),
            strict,
            at_start,
        });
        self.by_written
            .insert(written.to_owned(), self.variants.len() - 1);
        self.variants.len() - 1
    }
}

/// A rule whose terms were present but which did not fire because of its `none` terms (a
/// warning, a report, a negation): why the text was not flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    pub category: Category,
    pub rule: String,
    /// In Vietnamese: what matched and what held the rule back.
    pub explanation: String,
}

/// How many words from the start a "^term" may begin: room for "[", "Alo", "Thông báo:".
const START_WORDS: usize = 3;

/// All packs, compiled.
pub struct RuleSet {
    matching_terms: Vec<String>,
    canonical_terms: Vec<String>,
    matching_ac: AhoCorasick,
    canonical_ac: AhoCorasick,
    /// Term variants of the matching form, and for each pattern the variants it stands for.
    variants: Vec<Variant>,
    variants_of: Vec<Vec<usize>>,
    regexes: Vec<regex::Regex>,
    regex_set: RegexSet,
    rules: Vec<CompiledRule>,
    /// Which rules a hit can make fire: rules by matching variant, by canonical term, by regex.
    /// Only those rules are evaluated, so the cost of a text grows with what matched in it, not
    /// with the number of rules.
    by_matching_term: Vec<Vec<usize>>,
    by_canonical_term: Vec<Vec<usize>>,
    by_regex: Vec<Vec<usize>>,
    pub packs: Vec<Pack>,
    /// Per category, the term variants one of which a model-only signal needs.
    model_gates: Vec<(Category, Vec<usize>)>,
}

/// Where the terms of one text matched: term id -> list of (first token, last token).
/// Built once per text from a flat, sorted list: no allocation per matched term.
#[derive(Default)]
struct Hits {
    /// (term, first index, end index into `spans`), sorted by term.
    terms: Vec<(usize, usize, usize)>,
    spans: Vec<(usize, usize)>,
}

impl Hits {
    fn from_raw(mut raw: Vec<(usize, (usize, usize))>) -> Hits {
        raw.sort_unstable();
        let mut hits = Hits {
            terms: Vec::new(),
            spans: Vec::with_capacity(raw.len()),
        };
        for (term, span) in raw {
            match hits.terms.last_mut() {
                Some(last) if last.0 == term => last.2 += 1,
                _ => hits
                    .terms
                    .push((term, hits.spans.len(), hits.spans.len() + 1)),
            }
            hits.spans.push(span);
        }
        hits
    }
    fn find(&self, t: usize) -> Option<&(usize, usize, usize)> {
        self.terms
            .binary_search_by_key(&t, |x| x.0)
            .ok()
            .map(|i| &self.terms[i])
    }
    fn contains_key(&self, t: &usize) -> bool {
        self.find(*t).is_some()
    }
    fn keys(&self) -> impl Iterator<Item = &usize> {
        self.terms.iter().map(|x| &x.0)
    }
    fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

impl std::ops::Index<&usize> for Hits {
    type Output = [(usize, usize)];
    fn index(&self, t: &usize) -> &[(usize, usize)] {
        match self.find(*t) {
            Some(&(_, a, b)) => &self.spans[a..b],
            None => &[],
        }
    }
}

impl RuleSet {
    pub fn compile(packs: Vec<Pack>) -> Result<RuleSet, PackError> {
        let mut matching = MatchingTerms::default();
        let mut canonical_terms: Vec<String> = Vec::new();
        let mut c_ids: HashMap<String, usize> = HashMap::new();
        let mut regex_src: Vec<String> = Vec::new();
        let mut rules = Vec::new();
        let mut model_gates = Vec::new();
        // Lexicons are shared by every pack, so a name is defined once: an office pack cannot
        // quietly change the words a default rule relies on.
        let mut lexicons: HashMap<&str, &Vec<String>> = HashMap::new();
        for p in &packs {
            for (k, v) in &p.lexicons {
                if lexicons.insert(k.as_str(), v).is_some() {
                    return Err(PackError::Rule {
                        rule: format!("{} [lexicons]", p.category),
                        message: format!(
                            "từ điển «{k}» đã được định nghĩa trong bộ luật khác / lexicon defined twice"
                        ),
                    });
                }
            }
        }
        for pack in &packs {
            let category =
                Category::parse_word(&pack.category).ok_or_else(|| PackError::Category {
                    file: pack.version.clone(),
                    category: pack.category.clone(),
                })?;
            for r in &pack.rules {
                let canonical = r.form == "canonical";
                let expand = |terms: &[String]| expand_terms(&lexicons, terms, &r.id);
                let mut ids = |terms: &[String]| -> Result<Vec<usize>, PackError> {
                    let mut out: Vec<usize> = expand(terms)?
                        .iter()
                        .map(|t| {
                            if canonical {
                                let form = term_canonical(t);
                                *c_ids.entry(form.clone()).or_insert_with(|| {
                                    canonical_terms.push(form);
                                    canonical_terms.len() - 1
                                })
                            } else {
                                matching.variant(t)
                            }
                        })
                        .collect();
                    out.sort_unstable();
                    out.dedup();
                    Ok(out)
                };
                let all = ids(&r.all)?;
                let any = ids(&r.any)?;
                let none = ids(&r.none)?;
                let need = r
                    .need
                    .iter()
                    .map(|g| ids(g))
                    .collect::<Result<Vec<_>, _>>()?;
                let regex: Vec<usize> = r
                    .regex
                    .iter()
                    .map(|re| {
                        regex_src.push(re.clone());
                        regex_src.len() - 1
                    })
                    .collect();
                rules.push(CompiledRule {
                    category,
                    version: pack.version.clone(),
                    id: r.id.clone(),
                    explanation: r.explanation.clone(),
                    weight: r.weight,
                    canonical,
                    all,
                    any,
                    none,
                    need,
                    regex,
                    near: r.near,
                    shadow: r.shadow,
                });
            }
            // The terms one of which the model needs to speak alone for this category, compiled
            // like a rule's.
            if !pack.model_requires.is_empty() {
                let rule = format!("{}.model_requires", pack.category);
                let ids = expand_terms(&lexicons, &pack.model_requires, &rule)?
                    .iter()
                    .map(|t| matching.variant(t))
                    .collect();
                model_gates.push((category, ids));
            }
        }
        let build = |terms: &[String]| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(terms)
        };
        let bad = |e: String| PackError::Rule {
            rule: "(automaton)".into(),
            message: e,
        };
        let regexes = regex_src
            .iter()
            .map(|r| {
                regex::Regex::new(r).map_err(|e| PackError::Rule {
                    rule: r.clone(),
                    message: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let MatchingTerms {
            terms: matching_terms,
            variants,
            ..
        } = matching;
        let mut variants_of = vec![Vec::new(); matching_terms.len()];
        for (i, v) in variants.iter().enumerate() {
            variants_of[v.pattern].push(i);
        }
        let mut by_matching_term = vec![Vec::new(); variants.len()];
        let mut by_canonical_term = vec![Vec::new(); canonical_terms.len()];
        let mut by_regex = vec![Vec::new(); regex_src.len()];
        for (i, r) in rules.iter().enumerate() {
            let table = if r.canonical {
                &mut by_canonical_term
            } else {
                &mut by_matching_term
            };
            // A rule can fire only if one of its `all`, `any` or first `need` group's terms, or
            // one of its regexes, hit.
            let firsts = r.need.first().into_iter().flatten();
            for &t in r.all.iter().chain(&r.any).chain(firsts) {
                table[t].push(i);
            }
            for &x in &r.regex {
                by_regex[x].push(i);
            }
        }
        for list in by_matching_term.iter_mut().chain(&mut by_canonical_term) {
            list.dedup();
        }
        Ok(RuleSet {
            by_matching_term,
            by_canonical_term,
            by_regex,
            matching_ac: build(&matching_terms).map_err(|e| bad(e.to_string()))?,
            canonical_ac: build(&canonical_terms).map_err(|e| bad(e.to_string()))?,
            regex_set: RegexSet::new(&regex_src).map_err(|e| bad(e.to_string()))?,
            regexes,
            matching_terms,
            canonical_terms,
            variants,
            variants_of,
            rules,
            packs,
            model_gates,
        })
    }

    /// Whether the learned model may flag this text for `category` on its own: the category's
    /// pack names terms of which one must be present (none named: yes).
    pub fn model_allowed(&self, category: Category, analyzed: &Analyzed) -> bool {
        let Some((_, gate)) = self.model_gates.iter().find(|g| g.0 == category) else {
            return true;
        };
        let hits = self.variant_hits(analyzed);
        gate.iter().any(|v| hits.contains_key(v))
    }

    /// The default packs plus `extra` (from the data dir); a pack in `extra` with the same
    /// category and a rule id already present replaces that rule.
    pub fn with_defaults(extra: Vec<Pack>) -> Result<RuleSet, PackError> {
        RuleSet::with_defaults_shadowed(extra, &HashMap::new())
    }

    /// Like [`RuleSet::with_defaults`], with the office's shadow-mode choices applied: a rule
    /// named in `shadow` runs in shadow mode (recorded, never alerting) or not, whatever its
    /// pack says.
    pub fn with_defaults_shadowed(
        extra: Vec<Pack>,
        shadow: &HashMap<String, bool>,
    ) -> Result<RuleSet, PackError> {
        let mut packs: Vec<Pack> = DEFAULT_PACKS
            .iter()
            .map(|(f, t)| parse_pack(f, t))
            .collect::<Result<_, _>>()?;
        for e in extra {
            let ids: std::collections::HashSet<&str> =
                e.rules.iter().map(|r| r.id.as_str()).collect();
            for p in &mut packs {
                p.rules.retain(|r| !ids.contains(r.id.as_str()));
            }
            packs.push(e);
        }
        for r in packs.iter_mut().flat_map(|p| p.rules.iter_mut()) {
            if let Some(&on) = shadow.get(&r.id) {
                r.shadow = on;
            }
        }
        RuleSet::compile(packs)
    }

    pub fn term_count(&self) -> usize {
        self.matching_terms.len() + self.canonical_terms.len()
    }

    fn hits(ac: &AhoCorasick, form: &crate::analyzed::Form) -> Hits {
        let raw: Vec<(usize, (usize, usize))> = ac
            .find_overlapping_iter(&form.text)
            .filter_map(|m| {
                form.tokens_of(m.start(), m.end())
                    .map(|t| (m.pattern().as_usize(), t))
            })
            .collect();
        Hits::from_raw(raw)
    }

    /// The matching form's hits, per term variant: a term written with diacritics counts where
    /// the text wrote the same ones (or none, unless the term is strict), so that folding does
    /// not turn "cho nó" into "cho nổ".
    fn variant_hits(&self, analyzed: &Analyzed) -> Hits {
        let form = &analyzed.matching;
        let accented = analyzed.accented();
        let mut raw = Vec::new();
        let mut scratch = String::new();
        for m in self.matching_ac.find_overlapping_iter(&form.text) {
            let Some((first, last)) = form.tokens_of(m.start(), m.end()) else {
                continue;
            };
            for &v in &self.variants_of[m.pattern().as_usize()] {
                let var = &self.variants[v];
                if (var.strict && !accented) || (var.at_start && first > START_WORDS) {
                    continue;
                }
                let ok = match &var.syllables {
                    None => true,
                    Some(syl) if accented => (first..=last)
                        .zip(syl)
                        .all(|(k, want)| analyzed.written_as(k, want, var.strict, &mut scratch)),
                    Some(_) => true,
                };
                if ok {
                    raw.push((v, (first, last)));
                }
            }
        }
        Hits::from_raw(raw)
    }

    /// Runs every rule on a text; one signal per matching rule.
    pub fn screen(&self, original: &str, analyzed: &Analyzed) -> Vec<Signal> {
        self.screen_explained(original, analyzed, None)
    }

    /// Like [`RuleSet::screen`], and notes in `suppressed` each rule whose terms were present
    /// but which was held back by its `none` terms (a warning, a report, a negation).
    pub fn screen_explained(
        &self,
        original: &str,
        analyzed: &Analyzed,
        suppressed: Option<&mut Vec<Suppressed>>,
    ) -> Vec<Signal> {
        merge_per_category(self.screen_each(original, analyzed, suppressed))
    }

    /// Every rule that fires, one signal each (before merging per category).
    fn screen_each(
        &self,
        original: &str,
        analyzed: &Analyzed,
        mut suppressed: Option<&mut Vec<Suppressed>>,
    ) -> Vec<Signal> {
        let m_hits = if self.matching_terms.is_empty() {
            Hits::default()
        } else {
            self.variant_hits(analyzed)
        };
        let c_hits = if self.canonical_terms.is_empty() {
            Hits::default()
        } else {
            Self::hits(&self.canonical_ac, analyzed.canonical())
        };
        let regex_matches: Vec<usize> = if self.regexes.is_empty() {
            Vec::new()
        } else {
            self.regex_set
                .matches(&analyzed.matching.text)
                .into_iter()
                .collect()
        };
        if m_hits.is_empty() && c_hits.is_empty() && regex_matches.is_empty() {
            return Vec::new();
        }
        let mut candidates: Vec<usize> = m_hits
            .keys()
            .flat_map(|t| &self.by_matching_term[*t])
            .chain(c_hits.keys().flat_map(|t| &self.by_canonical_term[*t]))
            .chain(regex_matches.iter().flat_map(|x| &self.by_regex[*x]))
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut out = Vec::new();
        for r in candidates.into_iter().map(|i| &self.rules[i]) {
            let (hits, form) = if r.canonical {
                (&c_hits, analyzed.canonical())
            } else {
                (&m_hits, &analyzed.matching)
            };
            if !r.all.iter().all(|t| hits.contains_key(t)) {
                continue;
            }
            let any_hit: Vec<usize> = r
                .any
                .iter()
                .copied()
                .filter(|t| hits.contains_key(t))
                .collect();
            if !r.any.is_empty() && any_hit.is_empty() {
                continue;
            }
            let need_hit: Vec<Vec<usize>> = r
                .need
                .iter()
                .map(|g| g.iter().copied().filter(|t| hits.contains_key(t)).collect())
                .collect();
            if need_hit.iter().any(Vec::is_empty) {
                continue;
            }
            let regex_hit: Vec<usize> = r
                .regex
                .iter()
                .copied()
                .filter(|i| regex_matches.contains(i))
                .collect();
            if !r.regex.is_empty() && regex_hit.is_empty() {
                continue;
            }
            if let Some(window) = r.near
                && !within(&r.all, &any_hit, &need_hit, hits, window)
            {
                continue;
            }
            // The spans: every occurrence of the rule's terms, and of its regexes.
            let mut spans: Vec<(usize, usize)> = r
                .all
                .iter()
                .chain(any_hit.iter())
                .chain(need_hit.iter().flatten())
                .flat_map(|t| hits[t].iter().copied())
                .collect();
            for &i in &regex_hit {
                for m in self.regexes[i].find_iter(&form.text) {
                    let (a, b) = (m.start(), m.end());
                    // Widen to whole tokens.
                    let first = form.toks.iter().position(|t| t.form_end as usize > a);
                    let last = form.toks.iter().rposition(|t| (t.form_start as usize) < b);
                    if let (Some(f), Some(l)) = (first, last)
                        && f <= l
                    {
                        spans.push((f, l));
                    }
                }
            }
            if spans.len() > 1 {
                spans.sort_unstable();
                spans.dedup();
            }
            let shown = |&(f, l): &(usize, usize)| {
                let (a, b) = form.span(f, l);
                Evidence {
                    start: a,
                    end: b,
                    shown: original[a..b].to_owned(),
                }
            };
            let evidence: Vec<Evidence> = spans.iter().map(shown).collect();
            // The held-back word named is the one written first.
            if let Some(held) = r
                .none
                .iter()
                .filter(|t| hits.contains_key(t))
                .min_by_key(|t| hits[t].first().map_or(usize::MAX, |x| x.0))
            {
                if let Some(list) = suppressed.as_deref_mut() {
                    let words: Vec<String> =
                        evidence.iter().map(|e| format!("«{}»", e.shown)).collect();
                    let because = hits[held]
                        .first()
                        .map(shown)
                        .map(|e| e.shown)
                        .unwrap_or_default();
                    list.push(Suppressed {
                        category: r.category,
                        rule: r.id.clone(),
                        explanation: format!(
                            "Không gắn cờ: luật {} khớp {} nhưng bài có «{because}» — văn bản cảnh báo, đưa tin hoặc phủ định, không phải lời mời gọi",
                            r.id,
                            words.join(", ")
                        ),
                    });
                }
                continue;
            }
            // Built in one buffer: this runs for every rule that fires on every item.
            let mut explanation = String::with_capacity(
                r.explanation.len()
                    + r.id.len()
                    + 48
                    + evidence.iter().map(|e| e.shown.len() + 6).sum::<usize>(),
            );
            explanation.push_str(&r.explanation);
            explanation.push_str(" — luật ");
            explanation.push_str(&r.id);
            explanation.push_str(" khớp ");
            for (k, e) in evidence.iter().enumerate() {
                if k > 0 {
                    explanation.push_str(", ");
                }
                explanation.push('«');
                explanation.push_str(&e.shown);
                explanation.push('»');
            }
            let _ = write!(explanation, " (điểm {:.2})", r.weight);
            out.push(Signal {
                category: r.category,
                score: r.weight,
                explanation,
                evidence,
                detector: "rules",
                reference: r.id.clone(),
                version: r.version.clone(),
                shadow: r.shadow,
                role: None,
            });
        }
        out
    }

    /// Runs every rule's own examples; returns the failures as (rule, example, expected).
    pub fn self_test(&self) -> Vec<(String, String, bool)> {
        let mut failures = Vec::new();
        for pack in &self.packs {
            for r in &pack.rules {
                for (examples, expected) in [(&r.positive, true), (&r.negative, false)] {
                    for ex in examples {
                        let fired = self
                            .screen_each(ex, &Analyzed::new(ex), None)
                            .iter()
                            .any(|s| s.reference == r.id);
                        if fired != expected {
                            failures.push((r.id.clone(), ex.clone(), expected));
                        }
                    }
                }
            }
        }
        failures
    }

    /// Rules and whether they run in shadow mode, for `rules list`.
    pub fn list(&self) -> Vec<(String, String, String, f32, bool)> {
        self.rules
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.category.as_str().to_owned(),
                    r.version.clone(),
                    r.weight,
                    r.shadow,
                )
            })
            .collect()
    }
}

/// A rule's terms with "@name" replaced by the lexicon's terms ("^@name": each at the start);
/// a lexicon may name another, up to four deep.
fn expand_terms(
    lexicons: &HashMap<&str, &Vec<String>>,
    terms: &[String],
    rule: &str,
) -> Result<Vec<String>, PackError> {
    expand_depth(lexicons, terms, rule, "", 0)
}

fn expand_depth(
    lexicons: &HashMap<&str, &Vec<String>>,
    terms: &[String],
    rule: &str,
    prefix: &str,
    depth: usize,
) -> Result<Vec<String>, PackError> {
    let mut out = Vec::new();
    for t in terms {
        let (start, name) = match t.strip_prefix("^@") {
            Some(rest) => ("^", Some(rest)),
            None => ("", t.strip_prefix('@')),
        };
        let Some(name) = name else {
            out.push(format!("{prefix}{t}"));
            continue;
        };
        let bad = |message: String| PackError::Rule {
            rule: rule.to_owned(),
            message,
        };
        if depth >= 4 {
            return Err(bad(format!("từ điển «{name}» lồng quá sâu")));
        }
        let list = lexicons
            .get(name)
            .ok_or_else(|| bad(format!("không có từ điển «{name}»")))?;
        let prefix = if start.is_empty() { prefix } else { start };
        out.extend(expand_depth(lexicons, list, rule, prefix, depth + 1)?);
    }
    Ok(out)
}

/// One signal per category (and shadow or not) for a text: the strongest rule's, with the other
/// rules that agreed named in its explanation and their evidence added. Scripts are written as
/// overlapping shapes, and an officer wants one finding per kind, not three.
fn merge_per_category(mut signals: Vec<Signal>) -> Vec<Signal> {
    if signals.len() < 2 {
        return signals;
    }
    signals.sort_by(|a, b| {
        (a.category, a.shadow)
            .cmp(&(b.category, b.shadow))
            .then(b.score.total_cmp(&a.score))
    });
    let mut out: Vec<Signal> = Vec::with_capacity(signals.len());
    for s in signals {
        match out.last_mut() {
            Some(top) if top.category == s.category && top.shadow == s.shadow => {
                let _ = write!(top.explanation, "; cũng khớp luật {}", s.reference);
                for e in s.evidence {
                    if !top
                        .evidence
                        .iter()
                        .any(|x| x.start == e.start && x.end == e.end)
                    {
                        top.evidence.push(e);
                    }
                }
            }
            _ => out.push(s),
        }
    }
    for s in &mut out {
        s.evidence.sort_by_key(|e| (e.start, e.end));
    }
    out
}

/// Whether one occurrence of every `all` term, of one `any` term and of one term of each `need`
/// group fit in `window` syllables.
fn within(all: &[usize], any: &[usize], need: &[Vec<usize>], hits: &Hits, window: usize) -> bool {
    let starts = all
        .iter()
        .chain(any)
        .chain(need.iter().flatten())
        .flat_map(|t| hits[t].iter().map(|s| s.0));
    starts.into_iter().any(|from| {
        let to = from + window;
        let inside = |t: &usize| hits[t].iter().any(|&(a, b)| a >= from && b <= to);
        all.iter().all(inside)
            && (any.is_empty() || any.iter().any(inside))
            && need.iter().all(|g| g.iter().any(inside))
    })
}
