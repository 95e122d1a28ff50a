//! `search`: finding any item in a second, whether or not the query was typed with diacritics.
//! A tantivy index in the data dir, rebuilt from the store by `reindex` and brought up to date
//! after every ingest (the last indexed item id is the commit payload, so an index that missed
//! items after a crash catches up from the store, the source of truth). Each segment keeps its
//! posts newest first (index sorting by publication time), so a search may rank only the newest
//! matches and stop reading there (`SearchQuery::among_newest`, what the web's page asks).
//!
//! Architecture Invariant: the index holds nothing the store does not; it can always be rebuilt.

mod analyzer;
mod boosted;

pub use analyzer::{Form, syllable_spans, tokens};

use boosted::Boosted;
use serde::Serialize;
use std::ops::Bound;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    #[error("lỗi chỉ mục tìm kiếm / search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("lỗi thư mục chỉ mục / index directory error: {0}")]
    Directory(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

#[derive(Clone, Copy)]
struct Fields {
    source_id: Field,
    item_id: Field,
    community_url: Field,
    platform: Field,
    unit: Field,
    category: Field,
    published: Field,
    published_text: Field,
    exact: Field,
    folded: Field,
    bigram: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(indexing);
        if stored { opts.set_stored() } else { opts }
    };
    let fields = Fields {
        source_id: b.add_text_field("id", STRING | STORED),
        item_id: b.add_u64_field("item_id", INDEXED | STORED | FAST),
        community_url: b.add_text_field("community_url", STRING | STORED),
        platform: b.add_text_field("platform", STRING | STORED),
        unit: b.add_text_field("unit", STRING),
        category: b.add_text_field("category", STRING),
        published: b.add_date_field(PUBLISHED, INDEXED | FAST),
        published_text: b.add_text_field("published_at", STORED),
        // The original text is stored once, in the folded field that every query searches, so
        // that snippets highlight whatever matched.
        folded: b.add_text_field("text", text(analyzer::FOLDED, true)),
        exact: b.add_text_field("text_exact", text(analyzer::EXACT, false)),
        bigram: b.add_text_field("text_bigram", text(analyzer::BIGRAM, false)),
    };
    (b.build(), fields)
}

/// The publication time's field: a fast field, the index's sort order and what
/// [`boosted::among_newest`] counts newest by.
const PUBLISHED: &str = "published";

/// A new index's settings: documents sorted by publication time, newest first, in each segment
/// (and kept so by merges), so that a segment's first matches are its newest.
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        sort_by_field: Some(tantivy::IndexSortByField {
            field: PUBLISHED.into(),
            order: tantivy::Order::Desc,
        }),
        ..Default::default()
    }
}

/// What a search asks for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub limit: usize,
    pub platform: Option<String>,
    pub community_url: Option<String>,
    pub unit: Option<String>,
    pub category: Option<String>,
    /// RFC 3339 or a date (YYYY-MM-DD, Vietnam time).
    pub since: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Rank only the newest this many matches (by publication time) instead of all of them:
    /// what the web's search page asks, so that a search of common words on millions of posts
    /// costs the newest matches' reading, not every match's ranking (see [`boosted::among_newest`]).
    /// `None`: every match is ranked (the CLI).
    pub among_newest: Option<usize>,
    /// Only posts of these pages (by address), when given: a unit's or a commune's scope, so
    /// that the newest matches are counted among its own pages' posts. Adds nothing to a score.
    pub community_urls: Option<Vec<String>>,
}

/// One result, in the CLI's shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The source's own id for the item.
    pub id: String,
    pub community_url: Option<String>,
    pub published_at: String,
    pub score: f32,
    /// The best fragment, HTML-escaped, with matches in `<b>…</b>`.
    pub snippet: String,
}

/// What the index needs of an item.
pub struct IndexedItem<'a> {
    pub item: &'a domain::Item,
    pub unit: Option<&'a str>,
    pub categories: &'a [&'a str],
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Each boost term's highest frequencies per segment, for pruning (see [`boosted`]).
    highest: std::sync::Arc<boosted::Highest>,
    /// Its settings keep each segment newest first ([`SearchIndex::newest_first`]; fixed when
    /// the index is made, so read once).
    newest_first: bool,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| SearchError::Directory(e.to_string()))?;
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .open_or_create(directory)?;
        Self::with_index(index, fields)
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_ram()?;
        Self::with_index(index, fields)
    }

    /// Makes in `dir` an index as sokenh made them before documents were kept newest first
    /// (for tests of `reindex` making such an index anew).
    #[doc(hidden)]
    pub fn create_unsorted(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_dir(dir, schema)?, fields)
    }

    /// Whether this index keeps each segment's documents newest first (every index made since
    /// the setting exists; an older one until `reindex` makes it anew). Searches answer the
    /// same either way; [`SearchQuery::among_newest`] is fast only on such an index.
    pub fn newest_first(&self) -> bool {
        self.newest_first
    }

    fn with_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        analyzer::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            newest_first: index.settings().sort_by_field == settings().sort_by_field,
            index,
            reader,
            fields,
            highest: Default::default(),
        })
    }

    /// The number of segments searches go through.
    pub fn segment_count(&self) -> Result<usize> {
        Ok(self.index.searchable_segment_ids()?.len())
    }

    /// The id of the last item indexed (the last commit's payload), 0 for an empty index.
    pub fn last_item_id(&self) -> Result<i64> {
        Ok(self.positions()?.0)
    }

    /// The position in the store's log of purged items up to which this index has deleted
    /// them (the last commit's payload), 0 when it never has.
    pub fn purged_seq(&self) -> Result<i64> {
        Ok(self.positions()?.1)
    }

    /// The last commit's payload: the last item id indexed, then the purge log's position
    /// (an index committed before purges existed holds the first only).
    fn positions(&self) -> Result<(i64, i64)> {
        let payload = self.index.load_metas()?.payload.unwrap_or_default();
        let mut words = payload.split_whitespace().map(|w| w.parse().unwrap_or(0));
        Ok((words.next().unwrap_or(0), words.next().unwrap_or(0)))
    }

    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// A writer; `heap_mb` of indexing memory shared by its threads.
    pub fn writer(&self, heap_mb: usize) -> Result<Writer> {
        self.writer_waiting(heap_mb, std::time::Duration::ZERO)
    }

    /// A writer, waiting up to `wait` while another process holds the index's writer lock
    /// (the server catching up, a second ingest) instead of failing at once.
    pub fn writer_waiting(&self, heap_mb: usize, wait: std::time::Duration) -> Result<Writer> {
        let until = std::time::Instant::now() + wait;
        let mut pause = std::time::Duration::from_millis(50);
        let writer: IndexWriter = loop {
            match self.index.writer(heap_mb << 20) {
                Ok(w) => break w,
                Err(tantivy::TantivyError::LockFailure(..))
                    if std::time::Instant::now() + pause < until =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_secs(2));
                }
                Err(e) => return Err(e.into()),
            }
        };
        // A writer lives for one batch: merges the default policy would start in the background
        // are abandoned when it is dropped, so none is started; `commit` merges the small
        // segments itself.
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        Ok(Writer {
            writer,
            fields: self.fields,
            last_item_id: self.last_item_id()?,
            purged_seq: self.purged_seq()?,
            small_segment: SMALL_SEGMENT,
            max_segments: MAX_SEGMENTS,
        })
    }

    /// Makes the latest commit visible to searches.
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>> {
        let f = self.fields;
        let Some(query) = self.query(q) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = match q.among_newest {
            None => searcher.search(
                &query,
                &TopDocs::with_limit(q.limit.max(1)).order_by_score(),
            )?,
            Some(n) => boosted::among_newest(
                &searcher,
                &query,
                PUBLISHED,
                n.max(q.limit),
                q.limit.max(1),
                self.newest_first(),
            )?,
        };
        let mut snippets = SnippetGenerator::create(&searcher, &query, f.folded)?;
        snippets.set_max_num_chars(160);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            hits.push(Hit {
                id: get(f.source_id).unwrap_or_default(),
                community_url: get(f.community_url),
                published_at: get(f.published_text).unwrap_or_default(),
                score,
                snippet: snippets.snippet_from_doc(&doc).to_html(),
            });
        }
        Ok(hits)
    }

    /// The query `q` asks: its words required, their pairs and spellings boosting; `None` when it
    /// has no word.
    fn query(&self, q: &SearchQuery) -> Option<Boosted> {
        let f = self.fields;
        let mut required: Vec<Box<dyn Query>> = Vec::new();
        let mut boosts: Vec<(TermQuery, f32)> = Vec::new();
        let spans = syllable_spans(&q.text);
        let mut folded_terms = Vec::new();
        for (a, b) in &spans {
            analyzer::folded_words(&q.text[*a..*b], &mut folded_terms);
        }
        for w in &folded_terms {
            required.push(Box::new(TermQuery::new(
                Term::from_field_text(f.folded, w),
                IndexRecordOption::WithFreqs,
            )));
        }
        // A query typed with diacritics prefers the posts written the same way.
        let has_diacritics = q.text.chars().any(|c| !c.is_ascii() && c.is_alphabetic());
        if has_diacritics {
            for t in tokens(Form::Exact, &q.text) {
                let term = TermQuery::new(
                    Term::from_field_text(f.exact, &t.text),
                    IndexRecordOption::WithFreqs,
                );
                boosts.push((term, 2.0));
            }
        }
        for t in tokens(Form::Bigram, &q.text) {
            let term = TermQuery::new(
                Term::from_field_text(f.bigram, &t.text),
                IndexRecordOption::WithFreqs,
            );
            boosts.push((term, 3.0));
        }
        let filter = |field: Field, value: &Option<String>, required: &mut Vec<Box<dyn Query>>| {
            if let Some(v) = value {
                required.push(Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )));
            }
        };
        if let Some(urls) = &q.community_urls {
            if urls.is_empty() {
                return None;
            }
            let pages: Vec<(Occur, Box<dyn Query>)> = urls
                .iter()
                .map(|u| {
                    let page = TermQuery::new(
                        Term::from_field_text(f.community_url, u),
                        IndexRecordOption::Basic,
                    );
                    (Occur::Should, Box::new(page) as Box<dyn Query>)
                })
                .collect();
            required.push(Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(pages)),
                0.0,
            )));
        }
        filter(f.platform, &q.platform, &mut required);
        filter(f.community_url, &q.community_url, &mut required);
        filter(f.unit, &q.unit, &mut required);
        filter(f.category, &q.category, &mut required);
        if q.since.is_some() || q.until.is_some() {
            let bound = |t: Option<chrono::DateTime<chrono::FixedOffset>>, inclusive: bool| match t
            {
                Some(t) => {
                    let term = Term::from_field_date(
                        f.published,
                        DateTime::from_timestamp_secs(t.timestamp()),
                    );
                    if inclusive {
                        Bound::Included(term)
                    } else {
                        Bound::Excluded(term)
                    }
                }
                None => Bound::Unbounded,
            };
            required.push(Box::new(RangeQuery::new(
                bound(q.since, true),
                bound(q.until, false),
            )));
        }
        if folded_terms.is_empty() {
            return None;
        }
        Some(Boosted::new(required, boosts, self.highest.clone()))
    }
}

/// Segments with fewer documents than this are merged together after each commit.
const SMALL_SEGMENT: u32 = 20_000;
/// More segments than this after a commit are merged into one.
const MAX_SEGMENTS: usize = 4;

/// Adds items; nothing is visible until `commit`.
pub struct Writer {
    writer: IndexWriter,
    fields: Fields,
    last_item_id: i64,
    purged_seq: i64,
    small_segment: u32,
    max_segments: usize,
}

impl Writer {
    pub fn add(&mut self, it: IndexedItem<'_>) -> Result<()> {
        let f = self.fields;
        let item = it.item;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.source_id, &item.source_id);
        doc.add_u64(f.item_id, item.id as u64);
        if let Some(u) = &item.community_url {
            doc.add_text(f.community_url, u);
        }
        doc.add_text(f.platform, item.platform.as_str());
        if let Some(u) = it.unit {
            doc.add_text(f.unit, u);
        }
        for c in it.categories {
            doc.add_text(f.category, c);
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&item.published_at) {
            doc.add_date(f.published, DateTime::from_timestamp_secs(t.timestamp()));
        }
        doc.add_text(f.published_text, &item.published_at);
        doc.add_text(f.folded, &item.text);
        doc.add_text(f.exact, &item.text);
        doc.add_text(f.bigram, &item.text);
        self.writer.add_document(doc)?;
        self.last_item_id = self.last_item_id.max(item.id);
        Ok(())
    }

    /// Removes everything (for `reindex`).
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        self.last_item_id = 0;
        self.purged_seq = 0;
        Ok(())
    }

    /// Deletes the item purged at position `seq` of the store's purge log (nothing when it
    /// was never indexed); the position is kept with the next commit.
    pub fn delete_purged(&mut self, seq: i64, item_id: i64) {
        self.writer
            .delete_term(Term::from_field_u64(self.fields.item_id, item_id as u64));
        self.purged_seq = self.purged_seq.max(seq);
    }

    /// Moves the purge log's position without deleting (an index rebuilt from the store has
    /// none of the purged items).
    pub fn skip_purged(&mut self, seq: i64) {
        self.purged_seq = self.purged_seq.max(seq);
    }

    pub fn purged_seq(&self) -> i64 {
        self.purged_seq
    }

    /// Commits, recording the last indexed item id; then merges the small segments into one
    /// (each commit makes a segment — a capture, the server's catch-up — and every search pays
    /// for every segment).
    pub fn commit(&mut self) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&format!("{} {}", self.last_item_id, self.purged_seq));
        prepared.commit()?;
        let small: Vec<tantivy::index::SegmentId> = self
            .writer
            .index()
            .searchable_segment_metas()?
            .into_iter()
            .filter(|m| m.num_docs() < self.small_segment)
            .map(|m| m.id())
            .collect();
        if small.len() >= 2 {
            self.writer.merge(&small).wait()?;
        }
        // Large batches (an ingest of a million posts writes eight segments or more) are merged
        // into one once there are more than a few: a search over one segment costs a fifth
        // less (`cargo xtask search-repeat`, 1M posts: 0.69 → 0.60 ms; under 50 connections
        // 1,585 → 2,030 req/s); merging a million posts takes seconds, in the batch command or
        // the upload job that wrote them, never in a request (a capture's segment is small).
        if self.writer.index().searchable_segment_ids()?.len() > self.max_segments {
            self.merge_all()?;
        }
        Ok(())
    }

    pub fn last_item_id(&self) -> i64 {
        self.last_item_id
    }

    /// Other merge thresholds than [`SMALL_SEGMENT`] and [`MAX_SEGMENTS`] (for tests).
    pub fn set_merge_thresholds(&mut self, small_segment: u32, max_segments: usize) {
        self.small_segment = small_segment;
        self.max_segments = max_segments;
    }

    /// Merges every segment into one.
    fn merge_all(&mut self) -> Result<()> {
        let all = self.writer.index().searchable_segment_ids()?;
        if all.len() >= 2 {
            self.writer.merge(&all).wait()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1,200 posts of eight words, published an hour apart in an order unlike the order they
    /// were added, in five segments, some purged.
    fn posts() -> SearchIndex {
        let idx = SearchIndex::in_memory().unwrap();
        let words = [
            "lừa", "đảo", "chuyển", "tiền", "việc", "nhẹ", "lương", "cao",
        ];
        let start = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00+07:00").unwrap();
        let mut w = idx.writer(20).unwrap();
        w.set_merge_thresholds(0, 100);
        let mut seed = 11u64;
        for id in 1..=1200i64 {
            let mut text = Vec::new();
            for _ in 0..(3 + id % 9) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let word = words[(seed >> 33) as usize % words.len()];
                // Some written without diacritics, to give the exact spelling's boost work.
                text.push(if id % 3 == 0 {
                    text::fold(word)
                } else {
                    word.to_owned()
                });
            }
            let at = start + chrono::Duration::hours((id * 7919) % 1200);
            let item = domain::Item {
                id,
                source_id: id.to_string(),
                platform: domain::Platform::Facebook,
                community_id: 1,
                community_url: Some("https://facebook.com/groups/x".into()),
                published_at: at.to_rfc3339(),
                text: text.join(" "),
                url: None,
                author_pseudonym: None,
                author_handle: None,
                metrics: domain::Metrics::default(),
                media: Vec::new(),
            };
            w.add(IndexedItem {
                item: &item,
                unit: None,
                categories: &[],
            })
            .unwrap();
            if id % 250 == 0 {
                w.commit().unwrap();
            }
            if id == 900 {
                for gone in (37..900).step_by(37) {
                    w.delete_purged(gone, gone);
                }
            }
        }
        w.commit().unwrap();
        idx.reload().unwrap();
        assert!(idx.newest_first());
        assert_eq!(idx.segment_count().unwrap(), 5);
        idx
    }

    #[test]
    fn among_the_newest_ranks_the_newest_matches_as_the_whole_search_ranks_them() {
        let idx = posts();
        for text in ["chuyen tien", "lừa đảo", "viec nhe luong cao", "tiền"] {
            let ask = |limit, among_newest| SearchQuery {
                text: text.into(),
                limit,
                among_newest,
                ..Default::default()
            };
            // Every match, ranked over all of them.
            let all = idx.search(&ask(5000, None)).unwrap();
            assert!(all.len() > 100, "{text}: {}", all.len());
            let purged = |id: i64| id % 37 == 0 && id < 900;
            assert!(!all.iter().any(|h| purged(h.id.parse().unwrap())), "{text}");
            for n in [10, 37, 200, 5000] {
                let mut times: Vec<&str> = all.iter().map(|h| h.published_at.as_str()).collect();
                times.sort_unstable_by(|a, b| b.cmp(a));
                let oldest = times[(n - 1).min(times.len() - 1)];
                let expected: Vec<(&str, f32)> = all
                    .iter()
                    .filter(|h| h.published_at.as_str() >= oldest)
                    .take(10)
                    .map(|h| (h.id.as_str(), h.score))
                    .collect();
                let got = idx.search(&ask(10, Some(n))).unwrap();
                let got: Vec<(&str, f32)> = got.iter().map(|h| (h.id.as_str(), h.score)).collect();
                assert_eq!(got, expected, "{text}, among the newest {n}");
                // Reading every match and keeping the newest (an index made before documents
                // were sorted) answers the same.
                let query = idx.query(&ask(10, Some(n))).unwrap();
                let searcher = idx.reader.searcher();
                assert_eq!(
                    boosted::among_newest(&searcher, &query, PUBLISHED, n, 10, true).unwrap(),
                    boosted::among_newest(&searcher, &query, PUBLISHED, n, 10, false).unwrap(),
                );
            }
        }
    }
}
