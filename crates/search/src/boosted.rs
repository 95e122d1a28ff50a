//! A query of required words with optional boosts (syllable pairs, the exact spelling), ranked as
//! tantivy's `BooleanQuery` of the same clauses would rank it, but fast for the top K.
//!
//! Tantivy scores `Must` + `Should` clauses with a required-optional scorer whose optional side is
//! a buffered union: to score one candidate it fills a window of 4,096 documents from every
//! optional posting list, so a common pair ("luong cao") costs its whole list on every search,
//! and no block-max pruning applies. Here the required words are collected by their own weight
//! (block-max pruned when they are plain terms) against the threshold less the most the boosts
//! could add; each candidate that could still enter the top K then seeks the boosts' posting
//! lists to it (a skip, not a scan). The score of a document is the same sum, in the same order,
//! as the `BooleanQuery`'s; every other use of the query (count, explain, snippets) is the
//! `BooleanQuery` itself.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::query::{
    AllScorer, Bm25Weight, BooleanQuery, BoostQuery, EmptyScorer, EnableScoring, Explanation,
    Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term, index::SegmentId,
};

/// Required clauses, and optional term clauses each with its boost.
#[derive(Clone, Debug)]
pub struct Boosted {
    required: BooleanQuery,
    optional: Vec<(TermQuery, Score)>,
    whole: BooleanQuery,
    highest: Arc<Highest>,
}

impl Boosted {
    pub fn new(
        required: Vec<Box<dyn Query>>,
        optional: Vec<(TermQuery, Score)>,
        highest: Arc<Highest>,
    ) -> Boosted {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = required
            .iter()
            .map(|q| (Occur::Must, q.box_clone()))
            .collect();
        for (term, boost) in &optional {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term.clone()), *boost)),
            ));
        }
        Boosted {
            required: BooleanQuery::new(required.into_iter().map(|q| (Occur::Must, q)).collect()),
            optional,
            whole: BooleanQuery::new(clauses),
            highest,
        }
    }
}

impl Query for Boosted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let whole = self.whole.weight(scoring)?;
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = scoring
        else {
            return Ok(whole);
        };
        let mut optional = Vec::with_capacity(self.optional.len());
        for (term, boost) in &self.optional {
            // The term query's own BM25 weight (the same computation), to bound its score.
            let bm25 =
                Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term.term()))?
                    .boost_by(*boost);
            let weight = BoostQuery::new(Box::new(term.clone()), *boost).weight(scoring)?;
            optional.push(Optional {
                weight,
                bm25,
                term: term.term().clone(),
            });
        }
        Ok(Box::new(BoostedWeight {
            required: self.required.weight(scoring)?,
            optional,
            whole,
            highest: self.highest.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.whole.query_terms(visitor);
    }
}

struct Optional {
    weight: Box<dyn Weight>,
    bm25: Bm25Weight,
    term: Term,
}

struct BoostedWeight {
    required: Box<dyn Weight>,
    optional: Vec<Optional>,
    whole: Box<dyn Weight>,
    highest: Arc<Highest>,
}

impl Weight for BoostedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.whole.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.whole.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.whole.count(reader)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        // As the boolean weight does, a clause that matches nothing or everything adds nothing.
        let mut optional = Vec::with_capacity(self.optional.len());
        let mut most = 0.0;
        for o in &self.optional {
            let scorer = o.weight.scorer(reader, 1.0)?;
            if scorer.is::<AllScorer>() || scorer.is::<EmptyScorer>() || scorer.doc() == TERMINATED
            {
                continue;
            }
            // The most this boost adds to a text of each length in this segment: its score at
            // the highest frequency the term has in such a text (BM25 grows with the frequency);
            // the same function of the same numbers as the scorer's, so never below its score.
            let highest = self.highest.of(reader, &o.term)?;
            let mut at_most = [0.0; 256];
            for (id, tf) in highest.iter().enumerate() {
                if *tf > 0 {
                    at_most[id] = o.bm25.score(id as u8, *tf);
                }
            }
            most += at_most.iter().copied().fold(0.0, Score::max);
            let norms = reader.get_fieldnorms_reader(o.term.field())?;
            optional.push((scorer, norms, at_most));
        }
        if optional.is_empty() {
            return self.required.for_each_pruning(threshold, reader, callback);
        }
        // The segment's bound, for the required words' block-max pruning; loosened by a hair:
        // `threshold - most` is rounded, and a document a rounding above must not be pruned.
        let most = most * (1.0 + 1e-6) + 1e-6;
        let mut threshold = threshold;
        self.required
            .for_each_pruning(threshold - most, reader, &mut |doc, required| {
                // The document's own bound first (its text's length): summed in the order the
                // scores would be, each term at least its score, so `bound <= threshold` means
                // the score would be too. Most candidates end here, without a seek.
                let mut bound: Score = 0.0;
                for (_, norms, at_most) in &optional {
                    bound += at_most[usize::from(norms.fieldnorm_id(doc))];
                }
                if required + bound <= threshold {
                    return threshold - most;
                }
                let mut boosts: Score = 0.0;
                for (scorer, _, _) in optional.iter_mut() {
                    if scorer.doc() <= doc && scorer.seek(doc) == doc {
                        boosts += scorer.score();
                    }
                }
                let score = required + boosts;
                if score > threshold {
                    threshold = callback(doc, score);
                }
                threshold - most
            })
    }
}

/// The `limit` best of the `n` newest documents that hold every required word (newest by the
/// date fast field `published`; a document without one is older than any with one), ranked by
/// the query's score and then by address, as `TopDocs` ranks — so when no more than `n`
/// documents match, exactly what the query ranked over all of them gives.
///
/// `newest_first`: each segment holds its documents newest first (the index is sorted by
/// `published`, descending), so a segment's first `n` dated matches are its newest and the
/// rest of its posting lists is never read — a search of two words that 8 % of ten million
/// posts hold reads a few thousand documents, not 800,000. Otherwise every match is read and
/// the newest kept (the same answer, at the cost of the full intersection).
pub fn among_newest(
    searcher: &Searcher,
    query: &Boosted,
    published: &str,
    n: usize,
    limit: usize,
    newest_first: bool,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    // Ordered so that the heap's smallest is the oldest: time, then the lower address first.
    type Key = (i64, Reverse<(u32, DocId)>);
    let required = query
        .required
        .weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut newest: BinaryHeap<Reverse<Key>> = BinaryHeap::with_capacity(n + 1);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let dates = reader.fast_fields().date(published)?;
        let alive = reader.alive_bitset();
        let mut scorer = required.scorer(reader, 1.0)?;
        let mut dated = 0;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let at = dates.first(doc).map(|d| d.into_timestamp_secs());
                let key = (at.unwrap_or(i64::MIN), Reverse((ord as u32, doc)));
                if newest.len() < n {
                    newest.push(Reverse(key));
                } else if newest.peek().is_some_and(|Reverse(oldest)| key > *oldest) {
                    newest.pop();
                    newest.push(Reverse(key));
                }
                dated += usize::from(at.is_some());
                if newest_first && dated >= n {
                    break;
                }
            }
            doc = scorer.advance();
        }
    }
    let mut by_segment: Vec<Vec<DocId>> = vec![Vec::new(); searcher.segment_readers().len()];
    for Reverse((_, Reverse((ord, doc)))) in newest {
        by_segment[ord as usize].push(doc);
    }
    let whole = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut scored = Vec::new();
    for (ord, mut docs) in by_segment.into_iter().enumerate() {
        if docs.is_empty() {
            continue;
        }
        docs.sort_unstable();
        let mut scorer = whole.scorer(&searcher.segment_readers()[ord], 1.0)?;
        for doc in docs {
            let at = if scorer.doc() < doc {
                scorer.seek(doc)
            } else {
                scorer.doc()
            };
            // Every candidate holds the required words, so the whole query matches it.
            if at == doc {
                scored.push((scorer.score(), DocAddress::new(ord as u32, doc)));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(limit);
    Ok(scored)
}

/// For a term in a segment, the highest frequency it has in a text of each length class
/// (tantivy's 256 field-norm ids): read once from its posting list and kept (segments never
/// change). With it the most a boost can add in a segment is the score of its best document,
/// not BM25's ceiling (a frequency of two billion in the shortest text), and the required
/// words' block-max pruning has a threshold worth pruning against.
#[derive(Debug, Default)]
pub struct Highest {
    known: Mutex<HashMap<(SegmentId, Term), Arc<PerLength>>>,
}

/// The highest frequency of a term in a text of each field-norm id.
type PerLength = [u32; 256];

/// Terms × segments kept before the table starts again (≈ 1 KB each).
const HIGHEST_KEPT: usize = 20_000;

impl Highest {
    fn of(&self, reader: &SegmentReader, term: &Term) -> tantivy::Result<Arc<PerLength>> {
        let key = (reader.segment_id(), term.clone());
        if let Some(known) = self
            .known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(known.clone());
        }
        let mut highest = [0u32; 256];
        let postings = reader
            .inverted_index(term.field())?
            .read_block_postings(term, IndexRecordOption::WithFreqs)?;
        if let Some(mut block) = postings {
            let norms = reader.get_fieldnorms_reader(term.field())?;
            while !block.docs().is_empty() {
                for (doc, tf) in block.docs().iter().zip(block.freqs()) {
                    let id = usize::from(norms.fieldnorm_id(*doc));
                    highest[id] = highest[id].max(*tf);
                }
                block.advance();
            }
        }
        let highest = Arc::new(highest);
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() >= HIGHEST_KEPT {
            known.clear();
        }
        known.insert(key, highest.clone());
        Ok(highest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// Texts of varied lengths and frequencies from eight words, in three segments, some deleted.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["lua", "dao", "viec", "nhe", "luong", "cao", "tien", "vay"];
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for segment in 0..3 {
            for _ in 0..700 {
                let len = 1 + next() % 40;
                let body: Vec<&str> = (0..len).map(|_| words[next() % words.len()]).collect();
                let mut doc = TantivyDocument::default();
                doc.add_text(text, body.join(" "));
                writer.add_document(doc).unwrap();
            }
            if segment == 1 {
                writer.delete_term(Term::from_field_text(text, "vay"));
            }
            writer.commit().unwrap();
        }
        (index, text)
    }

    #[test]
    fn ranks_exactly_as_the_boolean_query_of_the_same_clauses() {
        let (index, field) = index();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let term = |w: &str| {
            TermQuery::new(
                Term::from_field_text(field, w),
                IndexRecordOption::WithFreqs,
            )
        };
        let highest = Arc::new(Highest::default());
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, Score)]);
        let cases: [Case; 5] = [
            (&["viec", "luong"], &[("nhe", 3.0), ("cao", 3.0)]),
            (&["lua"], &[("dao", 2.0)]),
            (
                &["tien", "dao", "cao"],
                &[("lua", 3.0), ("viec", 2.0), ("nhe", 1.5)],
            ),
            (&["nhe"], &[]),
            (&["cao"], &[("absent", 3.0), ("luong", 3.0)]),
        ];
        for (words, boosts) in cases {
            for limit in [1, 20, 200] {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
                    .iter()
                    .map(|w| (Occur::Must, Box::new(term(w)) as Box<dyn Query>))
                    .collect();
                for (w, b) in boosts {
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(term(w)), *b)),
                    ));
                }
                let plain = BooleanQuery::new(clauses);
                let boosted = Boosted::new(
                    words
                        .iter()
                        .map(|w| Box::new(term(w)) as Box<dyn Query>)
                        .collect(),
                    boosts.iter().map(|(w, b)| (term(w), *b)).collect(),
                    highest.clone(),
                );
                let top = TopDocs::with_limit(limit).order_by_score();
                let expected = searcher.search(&plain, &top).unwrap();
                let got = searcher.search(&boosted, &top).unwrap();
                assert!(!expected.is_empty(), "{words:?}");
                assert_eq!(got, expected, "{words:?} + {boosts:?}, top {limit}");
                assert_eq!(
                    searcher
                        .search(&boosted, &tantivy::collector::Count)
                        .unwrap(),
                    searcher.search(&plain, &tantivy::collector::Count).unwrap()
                );
            }
        }
    }
}
