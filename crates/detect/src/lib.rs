//! `detect`: screening items for the fixed taxonomy of DESIGN.md — `scam`, `impersonation`,
//! `secret_leak`, `personal_data`, `false_claim`, `ai_forgery`, `threat` — with every signal
//! saying in Vietnamese which rule, which words, which register entry, and the score. There is
//! no political-opinion category, and none may be added.
//!
//! Two layers: the rules (packs, entities, links, the fact-check register), which explain every
//! signal they raise and say why a warning or a report was *not* flagged; and a learned model
//! (`model`) that speaks alone only where no rule did, when it is sure and its category's anchor
//! words are present, naming the n-grams that weighed most.
//!
//! Architecture Invariant: pure. Items in, signals out; no IO, no clock, no async. Rule packs,
//! lists and the fact-check register are handed in by the caller.

pub mod alerts;
mod analyzed;
pub mod brands;
pub mod entities;
pub mod eval;
pub mod factcheck;
mod fxhash;
pub mod impersonation;
pub mod model;
pub mod numbers;
pub mod rules;
mod signal;
pub mod urls;

pub use analyzed::Analyzed;
pub use signal::{ClaimRole, Evidence, Signal, mask};

/// Everything a screening needs, compiled once.
pub struct Engine {
    pub rules: rules::RuleSet,
    pub urls: urls::UrlReputation,
    pub factchecks: factcheck::FactCheckIndex,
    /// Known scammers' phone numbers and accounts (confirmed here or shared by other offices).
    pub numbers: numbers::KnownNumbers,
    /// The learned layer; `None` screens with the rules, lists and register alone.
    pub model: Option<model::Model>,
    /// A retrained model on trial: its signals are recorded as shadow signals, never alerting,
    /// until an analyst promotes it.
    pub shadow_model: Option<model::Model>,
    pub layers: Layers,
}

/// Which layers screen: `sokenh eval` measures rules only, model only and both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layers {
    pub rules: bool,
    pub model: bool,
}

impl Default for Layers {
    fn default() -> Self {
        Layers {
            rules: true,
            model: true,
        }
    }
}

impl Engine {
    /// The default rule packs, empty lists and register.
    pub fn with_defaults() -> Result<Engine, rules::PackError> {
        Ok(Engine {
            rules: rules::RuleSet::with_defaults(Vec::new())?,
            urls: Default::default(),
            factchecks: Default::default(),
            numbers: Default::default(),
            model: Some(model::Model::default_model()),
            shadow_model: None,
            layers: Layers::default(),
        })
    }

    /// Every signal for one text, strongest first.
    pub fn screen(&self, text: &str) -> Vec<Signal> {
        self.screen_explained(text, None)
    }

    /// Every signal for one text, and in `suppressed` the rules whose terms were present but
    /// that a warning, a report or a negation held back (why the text was *not* flagged).
    ///
    /// The text is first cleaned of styled letters, invisible characters and words spelled
    /// letter by letter; evidence still points at the original text.
    pub fn screen_explained(
        &self,
        original: &str,
        suppressed: Option<&mut Vec<rules::Suppressed>>,
    ) -> Vec<Signal> {
        let cleaned = text::clean(original);
        let text = cleaned.as_ref().map_or(original, |c| c.text.as_str());
        let entities = text::extract(text);
        // A link to an official site is no lure: the words of the rules and the model do not see
        // it (blanked byte for byte, so offsets hold).
        let mut blanked: Option<String> = None;
        for e in entities.iter().filter(|e| e.kind == text::EntityKind::Url) {
            if self.urls.is_official(&e.normalized) {
                let b = blanked.get_or_insert_with(|| text.to_owned());
                b.replace_range(e.start..e.end, &" ".repeat(e.end - e.start));
            }
        }
        let words = blanked.as_deref().unwrap_or(text);
        let analyzed = Analyzed::new(words);
        let mut out = Vec::new();
        let mut held = Vec::new();
        if self.layers.rules {
            out = self
                .rules
                .screen_explained(words, &analyzed, Some(&mut held));
            out.extend(entities::screen(text, &entities));
            out.extend(self.urls.screen(&entities));
            out.extend(self.numbers.screen(&entities));
            out.extend(self.factchecks.screen(text, &analyzed));
        }
        // A look-alike link quoted in a warning or a report is kept (the office may act on the
        // domain) but raises no alert when a warning held the script's rules back.
        if !held.is_empty()
            && !out
                .iter()
                .any(|s| s.detector == "rules" && s.category == domain::Category::Scam && !s.shadow)
        {
            for s in out
                .iter_mut()
                .filter(|s| s.detector == "urls" && !s.reference.starts_with("blocklist:"))
            {
                s.score = s.score.min(0.4);
                s.explanation.push_str(
                    " — đường dẫn được nhắc trong bài cảnh báo hoặc đưa tin nên không cảnh báo",
                );
            }
            for s in out.iter_mut().filter(|s| s.detector == "numbers") {
                s.score = s.score.min(0.4);
                s.explanation
                    .push_str(" — số được nhắc trong bài cảnh báo hoặc đưa tin nên không cảnh báo");
            }
        }
        if let Some(list) = suppressed {
            list.extend(held);
        }
        if self.layers.model
            && let Some(m) = &self.model
        {
            // The model speaks where no rule raised an alert: a rule's signal already explains
            // itself (a weak one, such as a shortened link, does not silence the model).
            let found: Vec<domain::Category> = out
                .iter()
                .filter(|s| !s.shadow && s.score >= alerts::ALERT_THRESHOLD)
                .map(|s| s.category)
                .collect();
            out.extend(
                m.screen(text, &analyzed, model::MODEL_ONLY_THRESHOLD)
                    .into_iter()
                    .filter(|s| !found.contains(&s.category))
                    .filter(|s| self.rules.model_allowed(s.category, &analyzed)),
            );
        }
        if let Some(m) = &self.shadow_model {
            out.extend(
                m.screen(text, &analyzed, model::MODEL_ONLY_THRESHOLD)
                    .into_iter()
                    .map(|mut s| {
                        s.shadow = true;
                        s.reference = format!("model.shadow.{}", s.category.as_str());
                        s
                    }),
            );
        }
        if let Some(c) = &cleaned {
            for s in &mut out {
                for e in &mut s.evidence {
                    let (a, b) = c.original_span(e.start, e.end);
                    // Shown text that was copied from the cleaned text is shown as written;
                    // masked personal data keeps its mask.
                    if c.text.get(e.start..e.end) == Some(e.shown.as_str()) {
                        e.shown = original[a..b].to_owned();
                    }
                    (e.start, e.end) = (a, b);
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }
}
