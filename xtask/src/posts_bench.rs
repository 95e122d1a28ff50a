//! The posts benchmark (see the crate docs): 1,000,000 generated posts by default.

use anyhow::{Result, bail};
use std::path::Path;
use std::time::Instant;

pub fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}

pub fn run(posts: u64) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let corpus = dir.path().join("corpus.jsonl");
    let t = Instant::now();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
    ingest::corpus::generate(1, posts, 2000, 12, &mut f)?;
    std::io::Write::flush(&mut f)?;
    drop(f);
    let size = std::fs::metadata(&corpus)?.len();
    println!(
        "corpus: {posts} posts, {:.0} MB, generated in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let me = std::env::current_exe()?;
    let child = |args: &[&Path], what: &str| -> Result<String> {
        let out = std::process::Command::new(&me)
            .arg(what)
            .args(args)
            .output()?;
        if !out.status.success() {
            bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let e2e_dir = dir.path().join("e2e");
    let e2e = child(&[&corpus, &e2e_dir], "posts-once")?;
    print!("end to end:  {e2e}");
    let floor = child(&[&corpus, &dir.path().join("floor")], "posts-floor")?;
    print!("bare floor:  {floor}");
    // "... in 12.3 s = 45678 posts/s; ..."
    let rate = |s: &str| {
        s.split(" = ")
            .nth(1)?
            .split(" posts/s")
            .next()?
            .parse::<f64>()
            .ok()
    };
    if let (Some(a), Some(b)) = (rate(&e2e), rate(&floor)) {
        println!("end to end is {:.0}% of the floor", 100.0 * a / b);
    }
    print!("search:      {}", child(&[&e2e_dir], "posts-search")?);
    print!("screening:   {}", child(&[&e2e_dir], "posts-scan")?);
    Ok(())
}

pub fn end_to_end(corpus: &Path, data: &Path) -> Result<()> {
    let t = Instant::now();
    let mut store = app::db::open(data, None)?;
    // The ingest pipeline of the posts issue: parse, normalise, store, index. Screening is
    // measured separately (`posts-scan`).
    let opts = app::posts::Options {
        format: None,
        community: None,
        screen: false,
    };
    let report = app::posts::ingest_file(&mut store, data, corpus, opts)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} posts ({} stored, {} indexed) in {secs:.1} s = {:.0} posts/s; peak memory {}",
        report.read,
        report.inserted,
        report.indexed,
        report.read as f64 / secs,
        peak_memory()
    );
    Ok(())
}

/// The same rows into SQLite (one prepared insert, batches of 2000, the same indexes and unique
/// key) and into tantivy (one stored text field, default tokenizer), with nothing else done.
pub fn floor(corpus: &Path, data: &Path) -> Result<()> {
    use tantivy::schema::{STORED, STRING, TEXT};
    std::fs::create_dir_all(data)?;
    let t = Instant::now();
    let bytes = std::fs::read(corpus)?;
    let conn = rusqlite::Connection::open(data.join("floor.db"))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE items (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, platform TEXT NOT NULL, community TEXT NOT NULL,
           published_at TEXT NOT NULL, text TEXT NOT NULL, author TEXT, reactions INTEGER, comments INTEGER, shares INTEGER,
           UNIQUE (platform, source_id));
         CREATE INDEX items_community_time ON items(community, published_at); CREATE INDEX items_time ON items(published_at);",
    )?;
    let mut sb = tantivy::schema::Schema::builder();
    let id = sb.add_text_field("id", STRING | STORED);
    let body = sb.add_text_field("text", TEXT | STORED);
    let index_dir = data.join("index");
    std::fs::create_dir_all(&index_dir)?;
    let index = tantivy::Index::create_in_dir(&index_dir, sb.build())?;
    let mut writer: tantivy::IndexWriter = index.writer(128 << 20)?;
    let mut n = 0u64;
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    for chunk in lines.chunks(2000) {
        let tx = conn.unchecked_transaction()?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO items (source_id, platform, community, published_at, text, author, reactions, comments, shares)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            )?;
            for line in chunk {
                let v: serde_json::Value = serde_json::from_slice(line)?;
                let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
                ins.execute(rusqlite::params![
                    s("id"),
                    s("platform"),
                    s("community_url"),
                    s("published_at"),
                    s("text"),
                    s("author"),
                    v["reactions"].as_i64(),
                    v["comments"].as_i64(),
                    v["shares"].as_i64()
                ])?;
                let mut doc = tantivy::TantivyDocument::default();
                doc.add_text(id, s("id"));
                doc.add_text(body, s("text"));
                writer.add_document(doc)?;
                n += 1;
            }
        }
        tx.commit()?;
    }
    writer.commit()?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} posts in {secs:.1} s = {:.0} posts/s; peak memory {}",
        n as f64 / secs,
        peak_memory()
    );
    Ok(())
}

const QUERIES: &[&str] = &[
    "thach quang",
    "Thạch Quảng",
    "cắt điện",
    "cat dien",
    "lua dao",
    "giả danh cán bộ thuế",
    "viec nhe luong cao",
    "tiêm chủng",
    "tiem chung tre em",
    "hòa",
    "giá lúa",
    "nuoc sinh hoat duc",
    "chợ phiên",
    "học bổng",
    "mưa lớn ngập",
    "VNeID",
    "đổ bê tông",
    "trúng thưởng",
    "vay tien online",
    "tiếp công dân",
];

pub fn search(data: &Path) -> Result<()> {
    let index = search::SearchIndex::open(&app::posts::index_dir(data))?;
    index.reload()?;
    let mut times = Vec::new();
    let mut found = 0;
    for round in 0..10 {
        for q in QUERIES {
            let t = Instant::now();
            let hits = index.search(&search::SearchQuery {
                text: (*q).to_owned(),
                limit: 20,
                ..Default::default()
            })?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if round == 0 {
                found += hits.len();
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{} queries ({} distinct, top 20 with snippets, {} docs): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; {found} hits in round 1; peak memory {}",
        times.len(),
        QUERIES.len(),
        index.doc_count(),
        pct(0.5),
        pct(0.95),
        times[times.len() - 1],
        peak_memory()
    );
    Ok(())
}

/// One query N times on one thread (`search-repeat DATA QUERY [N]`), to profile the post search
/// (`perf record` around it): the time per search, and how many hits. N = 0 prints instead the
/// ids of the top 20 of each standard query, to compare a ranking change with `diff`.
pub fn search_repeat(data: &Path, query: &str, n: u32) -> Result<()> {
    let index = search::SearchIndex::open(&app::posts::index_dir(data))?;
    index.reload()?;
    if n == 0 {
        for q in QUERIES {
            let hits = index.search(&search::SearchQuery {
                text: (*q).to_owned(),
                limit: 20,
                ..Default::default()
            })?;
            let ids: Vec<String> = hits
                .iter()
                .map(|h| format!("{}={:.4}", h.id, h.score))
                .collect();
            println!("{q}: {}", ids.join(" "));
        }
        return Ok(());
    }
    let (ms, hits) = time_search(&index, query, n, None)?;
    println!("{n} × «{query}»: {ms:.3} ms a search, {hits} hits");
    Ok(())
}

/// `query` (top 20) searched `n` times in a row on this thread: ms a search, and its hits.
/// The mean time of `n` searches of `query` (the top 20), over every match (`among_newest`
/// `None`, as the CLI) or the newest matches (as the web's page); and how many hits.
pub fn time_search(
    index: &search::SearchIndex,
    query: &str,
    n: u32,
    among_newest: Option<usize>,
) -> Result<(f64, usize)> {
    let q = search::SearchQuery {
        text: query.to_owned(),
        limit: 20,
        among_newest,
        ..Default::default()
    };
    let t = Instant::now();
    let mut hits = 0;
    for _ in 0..n {
        hits = index.search(&q)?.len();
    }
    Ok((
        t.elapsed().as_secs_f64() * 1000.0 / f64::from(n.max(1)),
        hits,
    ))
}

/// The detectors over every stored item (what `sokenh scan --all` does), with the default packs.
pub fn scan(data: &Path) -> Result<()> {
    let mut store = app::db::open(data, None)?;
    let t = Instant::now();
    let r = app::screening::scan(&mut store, data, true)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} items screened in {secs:.1} s = {:.0} items/s ({} signals, {} alerts); peak memory {}",
        r.screened,
        r.screened as f64 / secs,
        r.signals,
        r.alerts,
        peak_memory()
    );
    Ok(())
}

/// What ranking costs the post search at its floor (`search-floor DATA QUERY`): for the
/// query's folded words, how many posts hold them all and the time to find them (a count:
/// the posting lists' intersection alone), the time to rank the top 20 by BM25 on the words
/// alone (tantivy's block-max pruning), and with the syllable pairs required too; then the
/// product's own search. Each time is the mean of 20 runs after one.
pub fn search_floor(data: &Path, query: &str) -> Result<()> {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    let dir = app::posts::index_dir(data);
    let index = tantivy::Index::open_in_dir(&dir)?;
    let schema = index.schema();
    let (folded, bigram) = (schema.get_field("text")?, schema.get_field("text_bigram")?);
    let searcher = index.reader()?.searcher();
    let term = |field, text: &str| -> (Occur, Box<dyn Query>) {
        (
            Occur::Must,
            Box::new(TermQuery::new(
                tantivy::Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            )),
        )
    };
    let words: Vec<_> = search::tokens(search::Form::Folded, query)
        .iter()
        .map(|t| term(folded, &t.text))
        .collect();
    let pairs: Vec<_> = search::tokens(search::Form::Bigram, query)
        .iter()
        .map(|t| term(bigram, &t.text))
        .collect();
    let plain = BooleanQuery::new(words.iter().map(|(o, q)| (*o, q.box_clone())).collect());
    let all = BooleanQuery::new(words.into_iter().chain(pairs).collect());
    let mean_ms = |run: &dyn Fn() -> Result<()>| -> Result<f64> {
        run()?;
        let t = Instant::now();
        for _ in 0..20 {
            run()?;
        }
        Ok(t.elapsed().as_secs_f64() * 1000.0 / 20.0)
    };
    let top = TopDocs::with_limit(20).order_by_score();
    let matches = searcher.search(&plain, &Count)?;
    let count = mean_ms(&|| {
        searcher
            .search(&plain, &Count)
            .map(|_| ())
            .map_err(Into::into)
    })?;
    let words_top = mean_ms(&|| {
        searcher
            .search(&plain, &top)
            .map(|_| ())
            .map_err(Into::into)
    })?;
    let all_top = mean_ms(&|| searcher.search(&all, &top).map(|_| ()).map_err(Into::into))?;
    let index = search::SearchIndex::open(&dir)?;
    index.reload()?;
    let (product, _) = time_search(&index, query, 20, None)?;
    let (page, _) = time_search(&index, query, 20, Some(web::SEARCH_NEWEST))?;
    println!(
        "«{query}»: {matches} posts hold every word; count {count:.2} ms; top 20 by the words {words_top:.2} ms; with the pairs required {all_top:.2} ms; the search {product:.2} ms; the web page's (the newest {} ranked{}) {page:.2} ms",
        web::SEARCH_NEWEST,
        if index.newest_first() {
            ""
        } else {
            ", an index made before newest first"
        }
    );
    Ok(())
}
