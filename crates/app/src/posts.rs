//! `sokenh ingest`, `search`, `reindex` and `dev corpus`: public posts in, found again.

use anyhow::{Context, Result, bail};
use domain::{Community, Kind, ParticipationRole};
use ingest::posts::{self, Format, Preparer, Rejected};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use store::Store;

/// Items per transaction (and per checkpoint).
const BATCH: usize = 2000;
/// Rejections listed in full in the JSON report; beyond that only counted.
const MAX_LISTED: usize = 1000;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    pub read: u64,
    pub inserted: u64,
    pub duplicates: u64,
    pub rejected: Vec<Rejected>,
    pub rejected_total: u64,
    pub communities_created: u64,
    pub indexed: u64,
    /// Signals the detectors raised on the new items.
    pub signals: u64,
}

/// Checks this data dir's pseudonym key against the fingerprint its store recorded (the first
/// server to start records its own, audited): every server of a deployment on one database must
/// hold the same key, or it would write other pseudonyms for the same authors and could not open
/// the credentials sealed under the first. Refused, saying what to do, when it differs.
pub fn check_deployment_key(store: &mut Store, data_dir: &Path) -> Result<()> {
    use sha2::Digest;
    let key = pseudonym_key(data_dir)?;
    let digest = sha2::Sha256::new()
        .chain_update(b"sokenh pseudonym key fingerprint\n")
        .chain_update(&key)
        .finalize();
    let ours: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let kept = store.deployment_key("system", "pseudonym.key", &ours)?;
    if kept != ours {
        bail!(
            "khóa {} (dấu {ours}) không phải khóa mà các máy chủ khác của cơ sở dữ liệu này dùng (dấu {kept}): chép pseudonym.key (và share-signing.key, share-keys.json) từ thư mục dữ liệu của máy chủ đầu tiên sang / this data dir's pseudonym key (fingerprint {ours}) is not the one the other servers of this database use ({kept}): copy pseudonym.key (and share-signing.key, share-keys.json) from the first server's data dir",
            data_dir.join("pseudonym.key").display()
        );
    }
    Ok(())
}

/// The deployment's pseudonym key: 32 random bytes in the data dir, made on first use, never
/// printed. Backing up the data dir backs it up. Made whole in a file of its own and linked into
/// place (which never replaces one): callers racing on first use all get the one that won, and
/// none reads a key half written.
pub fn pseudonym_key(data_dir: &Path) -> Result<Vec<u8>> {
    let path = data_dir.join("pseudonym.key");
    let read = |path: &Path| -> Option<Result<Vec<u8>>> {
        let hex = std::fs::read_to_string(path).ok()?;
        let bytes: Option<Vec<u8>> = (0..hex.trim().len() / 2)
            .map(|i| u8::from_str_radix(&hex.trim()[2 * i..2 * i + 2], 16).ok())
            .collect();
        Some(
            bytes
                .filter(|b| b.len() == 32)
                .context("tệp pseudonym.key hỏng / corrupt pseudonym key"),
        )
    };
    if let Some(key) = read(&path) {
        return key;
    }
    let mut key = vec![0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .context("không lấy được số ngẫu nhiên / no randomness")?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let own = data_dir.join(format!("pseudonym.key.{}", &hex[..16]));
    write_private(&own, &hex)?;
    let linked = std::fs::hard_link(&own, &path);
    let _ = std::fs::remove_file(&own);
    match linked {
        Ok(()) => Ok(key),
        // Another caller made it first: theirs, written whole before it was linked.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read(&path).unwrap_or_else(|| Err(anyhow::anyhow!("không đọc được pseudonym.key")))
        }
        Err(e) => Err(e).context("không ghi được pseudonym.key / cannot write the key"),
    }
}

pub(crate) fn write_private(path: &Path, content: &str) -> Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    let mut f = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?
    };
    #[cfg(not(unix))]
    let mut f = std::fs::File::create(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

fn preparer(store: &mut Store, data_dir: &Path) -> Result<Preparer> {
    let communities: HashMap<i64, Community> = store
        .communities()?
        .into_iter()
        .map(|c| (c.id.0, c))
        .collect();
    // Accounts our members declared as their own, once an officer or the unit's administrator
    // confirmed the claim: their posts keep the handle. A claim alone changes nothing.
    let confirmed: HashSet<(domain::MemberId, domain::CommunityId)> =
        store.confirmed_ownerships()?.into_iter().collect();
    let own: HashSet<String> = store
        .participations()?
        .into_iter()
        .filter(|p| p.role == ParticipationRole::Owner)
        .filter(|p| confirmed.contains(&(p.member, p.community)))
        .filter_map(|p| communities.get(&p.community.0))
        .filter(|c| c.kind == Kind::Account)
        .filter_map(|c| c.url.clone())
        .collect();
    Ok(Preparer::new(pseudonym_key(data_dir)?, own))
}

/// Who an ingest runs for (the audit log's actor) and who hears of its progress: called with
/// the report so far after each batch is stored, and once more at the end.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub actor: &'a str,
    pub progress: Option<&'a (dyn Fn(&Report) + Sync)>,
}

impl Run<'_> {
    /// The operator at the terminal, nobody listening.
    pub fn cli() -> Run<'static> {
        Run {
            actor: "cli",
            progress: None,
        }
    }

    fn tell(&self, report: &Report) {
        if let Some(p) = self.progress {
            p(report);
        }
    }
}

/// Reads entries into the store in batches, each with its checkpoint. Entries at or before
/// `skip_upto` were stored by an earlier run of the same source and are counted as duplicates.
#[allow(clippy::too_many_arguments)]
fn store_entries(
    store: &mut Store,
    source: &str,
    entries: impl Iterator<Item = posts::Entry>,
    prep: &Preparer,
    skip_upto: u64,
    report: &mut Report,
    mut follower: Option<&mut Follower>,
    run: &Run<'_>,
) -> Result<()> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut last = skip_upto;
    let mut flush = |store: &mut Store,
                     batch: &mut Vec<domain::NewItem>,
                     last: u64,
                     report: &mut Report|
     -> Result<()> {
        let out = store.ingest_items(run.actor, source, batch, last)?;
        report.inserted += out.inserted;
        report.duplicates += out.duplicates;
        report.communities_created += out.communities_created.len() as u64;
        match follower.as_deref_mut() {
            Some(f) => f.add(store, std::mem::take(batch), &out.stored)?,
            None => batch.clear(),
        }
        Ok(())
    };
    for entry in entries {
        report.read += 1;
        let prepared = entry.and_then(|raw| {
            let position = raw.position;
            prep.prepare(raw).map(|item| (position, item))
        });
        match prepared {
            Ok((position, _)) if position <= skip_upto => report.duplicates += 1,
            Ok((position, item)) => {
                batch.push(item);
                last = last.max(position);
                if batch.len() >= BATCH {
                    flush(store, &mut batch, last, report)?;
                    run.tell(report);
                }
            }
            Err(r) => {
                report.rejected_total += 1;
                if report.rejected.len() < MAX_LISTED {
                    report.rejected.push(r);
                }
            }
        }
    }
    if !batch.is_empty() || last > skip_upto {
        flush(store, &mut batch, last, report)?;
    }
    Ok(())
}

/// Indexes items as each batch is committed, so tantivy's threads index one batch while SQLite
/// writes the next. The store stays the truth: the index commits once at the end, and a run
/// killed before that is caught up from the store by the next one (`add_items_after`).
struct Follower {
    writer: search::Writer,
    /// Community id → (URL, unit), as `items_after` would join them.
    communities: HashMap<i64, (Option<String>, Option<String>)>,
    added: u64,
}

impl Follower {
    fn new(store: &mut Store, index: &search::SearchIndex) -> Result<Follower> {
        let mut f = Follower {
            writer: index.writer_waiting(128, INDEX_WAIT)?,
            communities: HashMap::new(),
            added: 0,
        };
        f.refresh(store)?;
        Ok(f)
    }

    fn refresh(&mut self, store: &mut Store) -> Result<()> {
        self.communities = store
            .communities()?
            .into_iter()
            .map(|c| (c.id.0, (c.url, c.unit)))
            .collect();
        Ok(())
    }

    fn add(
        &mut self,
        store: &mut Store,
        batch: Vec<domain::NewItem>,
        stored: &[(usize, i64, domain::CommunityId)],
    ) -> Result<()> {
        if stored
            .iter()
            .any(|(_, _, c)| !self.communities.contains_key(&c.0))
        {
            self.refresh(store)?;
        }
        let mut next = stored.iter().peekable();
        for (k, n) in batch.into_iter().enumerate() {
            let Some(&&(at, id, community)) = next.peek() else {
                break;
            };
            if at != k {
                continue; // a duplicate: not stored, not indexed
            }
            next.next();
            let (url, unit) = self
                .communities
                .get(&community.0)
                .cloned()
                .unwrap_or_default();
            let item = domain::Item {
                id,
                source_id: n.source_id,
                platform: n.platform,
                community_id: community.0,
                community_url: url,
                published_at: n.published_at,
                text: n.text,
                url: n.url,
                author_pseudonym: n.author_pseudonym,
                author_handle: n.author_handle,
                metrics: n.metrics,
                media: n.media,
            };
            self.writer.add(search::IndexedItem {
                item: &item,
                unit: unit.as_deref(),
                categories: &[],
            })?;
            self.added += 1;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<u64> {
        if self.added > 0 {
            self.writer.commit()?;
        }
        Ok(self.added)
    }
}

/// The checkpoint name of a file: its content, not its path, so a new export under an old name
/// starts afresh and a moved file resumes.
fn file_source(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(1 << 16)];
    format!(
        "file:{}:{}",
        bytes.len(),
        &posts::hmac_sha256_hex(b"source", head)[..24]
    )
}

/// How an ingest run goes.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub format: Option<Format>,
    pub community: Option<&'a str>,
    /// Run the detectors on the new items (the default; `--no-scan` leaves it to `scan`).
    pub screen: bool,
}

pub fn ingest_file(
    store: &mut Store,
    data_dir: &Path,
    path: &Path,
    opts: Options<'_>,
) -> Result<Report> {
    ingest_file_as(store, data_dir, path, opts, &Run::cli())
}

/// [`ingest_file`] for an actor, telling the progress.
pub fn ingest_file_as(
    store: &mut Store,
    data_dir: &Path,
    path: &Path,
    opts: Options<'_>,
    run: &Run<'_>,
) -> Result<Report> {
    let Options {
        format,
        community,
        screen,
    } = opts;
    let bytes = std::fs::read(path)
        .with_context(|| format!("không đọc được {} / cannot read", path.display()))?;
    let format = match format {
        Some(f) => f,
        None => Format::detect(path, &bytes).with_context(|| {
            format!(
                "không nhận ra định dạng của {}: dùng --format / unknown format",
                path.display()
            )
        })?,
    };
    let source = file_source(&bytes);
    let skip = store.checkpoint(&source)?.unwrap_or(0);
    let prep = preparer(store, data_dir)?;
    let mut report = Report {
        source: path.display().to_string(),
        format: Some(format),
        ..Report::default()
    };
    let entries = posts::read(format, &bytes, community)
        .with_context(|| format!("không đọc được {} như {format:?}", path.display()))?;
    report.indexed = store_and_index(
        store,
        data_dir,
        &source,
        entries,
        &prep,
        skip,
        &mut report,
        run,
    )?;
    if screen {
        report.signals = crate::screening::scan(store, data_dir, false)?.signals;
    }
    run.tell(&report);
    Ok(report)
}

/// What the data dir's `feeds.json` held before feed state moved into the store.
#[derive(Debug, Default, serde::Deserialize)]
struct Feeds(HashMap<String, posts::FeedState>);

/// Reads a data dir's `feeds.json` into the store once and renames it `feeds.json.imported`.
pub fn adopt_feeds_file(store: &mut Store, data_dir: &Path) -> Result<()> {
    let path = data_dir.join("feeds.json");
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(());
    };
    let feeds: Feeds = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} không đọc được / unreadable", path.display()))?;
    for (url, s) in feeds.0 {
        store.put_feed_state(&url, &(s.etag, s.last_modified, s.fetched_at))?;
    }
    std::fs::rename(&path, path.with_extension("json.imported"))?;
    Ok(())
}

pub fn ingest_feed(
    store: &mut Store,
    data_dir: &Path,
    url: &str,
    community: Option<&str>,
    interval: i64,
) -> Result<Report> {
    let state = store
        .feed_state(url)?
        .map(|(etag, last_modified, fetched_at)| posts::FeedState {
            etag,
            last_modified,
            fetched_at,
        })
        .unwrap_or_default();
    let remember = |store: &mut Store, next: posts::FeedState| {
        store.put_feed_state(url, &(next.etag, next.last_modified, next.fetched_at))
    };
    let mut report = Report {
        source: url.to_owned(),
        format: Some(Format::Rss),
        ..Report::default()
    };
    let now = chrono::Utc::now().timestamp();
    match posts::fetch_feed(url, &state, interval, now).map_err(anyhow::Error::msg)? {
        posts::Fetched::TooSoon { wait_seconds } => {
            crate::log::event(
                crate::log::Level::Info,
                "feed.too_soon",
                &[("url", &url), ("wait_seconds", &wait_seconds)],
            );
        }
        posts::Fetched::NotModified(next) => remember(store, next)?,
        posts::Fetched::Body(body, next) => {
            let prep = preparer(store, data_dir)?;
            let entries = posts::parse_feed(&body, community).map_err(anyhow::Error::msg)?;
            store_entries(
                store,
                &format!("feed:{url}"),
                entries.into_iter(),
                &prep,
                0,
                &mut report,
                None,
                &Run::cli(),
            )?;
            remember(store, next)?;
            report.indexed = catch_up_index(store, data_dir)?;
            report.signals = crate::screening::scan(store, data_dir, false)?.signals;
        }
    }
    Ok(report)
}

/// Posts read from a platform's API stored like any ingest's (prepared, pseudonymised,
/// de-duplicated by the platform's ids) under the checkpoint name `source`; not indexed or
/// screened (the caller does it once its pull ends).
pub(crate) fn store_raw(
    store: &mut Store,
    data_dir: &Path,
    source: &str,
    raws: Vec<posts::RawItem>,
    actor: &str,
) -> Result<Report> {
    let prep = preparer(store, data_dir)?;
    let mut report = Report {
        source: source.to_owned(),
        ..Report::default()
    };
    let run = Run {
        actor,
        progress: None,
    };
    store_entries(
        store,
        source,
        // Positions from 1: a position at or below the (zero) checkpoint counts as seen.
        raws.into_iter().enumerate().map(|(k, mut raw)| {
            raw.position = k as u64 + 1;
            Ok(raw)
        }),
        &prep,
        0,
        &mut report,
        None,
        &run,
    )?;
    Ok(report)
}

/// The inbox: every file dropped in `dir` is ingested once, then moved to `done/` (with its
/// report) or `failed/` (with the reason).
pub fn ingest_inbox(
    store: &mut Store,
    data_dir: &Path,
    dir: &Path,
    opts: Options<'_>,
) -> Result<Vec<Report>> {
    let done = dir.join("done");
    let failed = dir.join("failed");
    std::fs::create_dir_all(&done)?;
    std::fs::create_dir_all(&failed)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    files.sort();
    let mut reports = Vec::new();
    for file in files {
        let name = file.file_name().map(|n| n.to_owned()).unwrap_or_default();
        match ingest_file(store, data_dir, &file, opts) {
            Ok(report) => {
                let kept = free_name(&done, &name.to_string_lossy());
                std::fs::rename(&file, done.join(&kept))?;
                std::fs::write(
                    done.join(format!("{kept}.report.json")),
                    serde_json::to_vec_pretty(&report)?,
                )?;
                reports.push(report);
            }
            Err(e) => {
                let kept = free_name(&failed, &name.to_string_lossy());
                std::fs::rename(&file, failed.join(&kept))?;
                std::fs::write(
                    failed.join(format!("{kept}.reason.txt")),
                    format!("{e:#}\n"),
                )?;
                reports.push(Report {
                    source: file.display().to_string(),
                    rejected: vec![Rejected {
                        line: 0,
                        reason: format!("{e:#}"),
                    }],
                    rejected_total: 1,
                    ..Report::default()
                });
            }
        }
    }
    Ok(reports)
}

/// A name in `dir` that no archived file has yet: `name` itself, else `stem-2.ext`, `stem-3.ext`…
/// A second export dropped in under the same name is kept beside the first, never over it.
fn free_name(dir: &Path, name: &str) -> String {
    if !dir.join(name).exists() {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (2u64..)
        .map(|k| format!("{stem}-{k}{ext}"))
        .find(|n| !dir.join(n).exists())
        .unwrap_or_else(|| name.to_owned())
}

/// Stores, then brings the index up to date from the store. (Indexing each batch on a second
/// thread while the next is stored was tried: on two cores it was no faster, 14,323 against
/// 15,507 posts/s on a million posts, because tantivy's own indexing threads already use the
/// second core.)
#[allow(clippy::too_many_arguments)]
fn store_and_index(
    store: &mut Store,
    data_dir: &Path,
    source: &str,
    entries: impl Iterator<Item = posts::Entry>,
    prep: &Preparer,
    skip: u64,
    report: &mut Report,
    run: &Run<'_>,
) -> Result<u64> {
    let index = search::SearchIndex::open(&index_dir(data_dir))?;
    // In step with the store first (a run killed earlier left items unindexed), then follow it.
    let mut indexed = add_items_after(store, &index, index.last_item_id()?, false, INDEX_WAIT)?;
    let mut follower = Follower::new(store, &index)?;
    store_entries(
        store,
        source,
        entries,
        prep,
        skip,
        report,
        Some(&mut follower),
        run,
    )?;
    indexed += follower.finish()?;
    Ok(indexed)
}

pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

/// Adds to the index every stored item it does not have yet; returns how many.
pub fn catch_up_index(store: &mut Store, data_dir: &Path) -> Result<u64> {
    let index = search::SearchIndex::open(&index_dir(data_dir))?;
    add_items_after(store, &index, index.last_item_id()?, false, INDEX_WAIT)
}

/// The index kept open by the web application's search page.
pub struct WebIndex {
    index: search::SearchIndex,
}

impl WebIndex {
    pub fn open(data_dir: &Path) -> Result<WebIndex> {
        Ok(WebIndex {
            index: search::SearchIndex::open(&index_dir(data_dir))?,
        })
    }
}

impl WebIndex {
    /// Adds the items stored since the last call (the index first shows what another process
    /// committed); never waits for a busy index.
    pub fn catch_up(&self, store: &mut Store) -> Result<()> {
        // Another process (the CLI's ingest, the inbox) may have committed to the index: show
        // its commit whatever happens next.
        self.index.reload()?;
        let last = self.index.last_item_id()?;
        // Opening a writer costs its memory arena and threads: only when there is something new.
        // The server never waits for the index (it holds the store here): a busy index is
        // searched as it is and caught up next time.
        if store.items_after(last, 1)?.is_empty()
            && store.purged_after(self.index.purged_seq()?, 1)?.is_empty()
        {
            return Ok(());
        }
        // New posts added, purged ones deleted: either way shown from now on.
        add_items_after(store, &self.index, last, false, std::time::Duration::ZERO)?;
        self.index.reload()?;
        Ok(())
    }

    pub fn search(&self, q: &search::SearchQuery) -> Result<Vec<search::Hit>> {
        Ok(self.index.search(q)?)
    }
}

/// How long an ingest waits for the index while another process writes to it.
pub const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

fn add_items_after(
    store: &mut Store,
    index: &search::SearchIndex,
    after: i64,
    clear: bool,
    wait: std::time::Duration,
) -> Result<u64> {
    let units: HashMap<i64, Option<String>> = store
        .communities()?
        .into_iter()
        .map(|c| (c.id.0, c.unit))
        .collect();
    let mut writer = index.writer_waiting(128, wait)?;
    if clear {
        writer.clear()?;
        // Rebuilt from the store, the index has none of the posts purged so far (read before
        // the posts, so a purge meanwhile is still deleted below).
        loop {
            let page = store.purged_after(writer.purged_seq(), 10_000)?;
            let Some(tail) = page.last() else { break };
            writer.skip_purged(tail.0);
        }
    }
    let mut last = after;
    let mut n = 0;
    loop {
        let page = store.items_after(last, 10_000)?;
        let Some(tail) = page.last() else { break };
        last = tail.id;
        for item in &page {
            let unit = units.get(&item.community_id).and_then(|u| u.as_deref());
            writer.add(search::IndexedItem {
                item,
                unit,
                categories: &[],
            })?;
            n += 1;
        }
    }
    // The posts a retention purge took from the store leave the index too (whichever server's
    // it is: each follows the store's purge log from its own position).
    // Deleted after the adds: a delete applies to every document added before it.
    let mut purged = 0;
    loop {
        let page = store.purged_after(writer.purged_seq(), 10_000)?;
        if page.is_empty() {
            break;
        }
        for (at, item_id) in page {
            writer.delete_purged(at, item_id);
            purged += 1;
        }
    }
    if n > 0 || clear || purged > 0 {
        writer.commit()?;
    }
    Ok(n)
}

/// Rebuilds the index from the store. An index made before documents were kept newest first
/// (its settings are fixed when it is made) is made anew beside it and put in its place, so
/// that the web's search of the newest matches is fast on it (`SearchIndex::newest_first`).
pub fn reindex(store: &mut Store, data_dir: &Path) -> Result<u64> {
    let dir = index_dir(data_dir);
    let index = search::SearchIndex::open(&dir)?;
    if index.newest_first() {
        return add_items_after(store, &index, 0, true, INDEX_WAIT);
    }
    drop(index);
    let fresh = data_dir.join("index.new");
    let old = data_dir.join("index.old");
    for leftover in [&fresh, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)
                .with_context(|| format!("không xóa được {}", leftover.display()))?;
        }
    }
    let n = add_items_after(
        store,
        &search::SearchIndex::open(&fresh)?,
        0,
        true,
        INDEX_WAIT,
    )?;
    std::fs::rename(&dir, &old)
        .and_then(|()| std::fs::rename(&fresh, &dir))
        .with_context(|| format!("không thay được chỉ mục {}", dir.display()))?;
    std::fs::remove_dir_all(&old).with_context(|| format!("không xóa được {}", old.display()))?;
    Ok(n)
}

/// A date or a time as a user writes it: "2026-11-01" (the start of that day in Vietnam) or RFC 3339.
pub fn parse_since(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>> {
    if let Some(t) = posts::parse_time(s) {
        return Ok(t);
    }
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(posts::vietnam()).single())
            .context("ngày không hợp lệ"),
        Err(_) => bail!("ngày không hợp lệ «{s}»: dùng YYYY-MM-DD / invalid date"),
    }
}

pub fn search(
    store: &mut Store,
    data_dir: &Path,
    q: search::SearchQuery,
) -> Result<Vec<search::Hit>> {
    // Keep the index in step with the store before answering (one open serves both).
    let index = search::SearchIndex::open(&index_dir(data_dir))?;
    add_items_after(store, &index, index.last_item_id()?, false, INDEX_WAIT)?;
    index.reload()?;
    Ok(index.search(&q)?)
}

impl crate::App {
    /// Stored posts after post `after` (by id), at most `limit`, of the pages within the
    /// actor's units.
    pub fn posts_after(
        &self,
        actor: &crate::Actor,
        after: i64,
        limit: u32,
    ) -> Result<Vec<domain::Item>, crate::Error> {
        actor.require(domain::Permission::SearchPosts)?;
        let mut store = self.store()?;
        let scope =
            crate::register::visible_units(&store.units()?, actor.role, actor.unit, actor.commune);
        let allowed: Option<HashSet<i64>> = match &scope {
            None => None,
            Some(_) => Some(
                store
                    .communities()?
                    .iter()
                    .filter(|c| crate::register::in_scope(c, &scope))
                    .map(|c| c.id.0)
                    .collect(),
            ),
        };
        let mut items = store.items_after(after, limit)?;
        items.retain(|i| {
            allowed
                .as_ref()
                .is_none_or(|ids| ids.contains(&i.community_id))
        });
        Ok(items)
    }

    /// Posts from an export file uploaded through the browser (JSONL, CSV, Telegram
    /// `result.json`, Facebook's "Download your information", YouTube API JSON): what `sokenh
    /// ingest` does, for the actor, telling the progress after each batch. `name` is the file's
    /// name as sent (its extension helps tell the format). A file that cannot be read as any of
    /// them is invalid input with why.
    pub fn ingest_upload(
        &self,
        actor: &crate::Actor,
        file: &Path,
        name: &str,
        progress: &(dyn Fn(&Report) + Sync),
    ) -> Result<Report, crate::Error> {
        actor.require(domain::Permission::Ingest)?;
        // The format is told by the name's extension and the content: keep the extension.
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
            .unwrap_or("dat")
            .to_ascii_lowercase();
        let dir = tempfile::tempdir().map_err(anyhow::Error::from)?;
        let path = dir.path().join(format!("tai-len.{ext}"));
        // A link where the file system allows it: a 512 MB upload is not copied again.
        std::fs::hard_link(file, &path)
            .or_else(|_| std::fs::copy(file, &path).map(|_| ()))
            .map_err(anyhow::Error::from)?;
        let mut store = self.store()?;
        let opts = Options {
            format: None,
            community: None,
            screen: true,
        };
        let run = Run {
            actor: &actor.name,
            progress: Some(progress),
        };
        ingest_file_as(&mut store, self.data_dir(), &path, opts, &run).map_err(|e| {
            match e.downcast_ref::<store::StoreError>() {
                Some(_) => crate::Error::from(e),
                // What the file holds, not the server: said as it is.
                None => crate::Error::invalid("file", format!("{e:#}")),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    /// Two servers on one store: the second with a key of its own is refused until it holds
    /// the first's.
    #[test]
    fn a_server_with_another_pseudonym_key_is_refused() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        let mut store = crate::db::open(first.path(), None).unwrap();
        super::check_deployment_key(&mut store, first.path()).unwrap();
        super::check_deployment_key(&mut store, first.path()).unwrap();
        let refused = super::check_deployment_key(&mut store, second.path())
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("copy pseudonym.key"),
            "the refusal says what to do: {refused}"
        );
        std::fs::remove_file(second.path().join("pseudonym.key")).unwrap();
        std::fs::copy(
            first.path().join("pseudonym.key"),
            second.path().join("pseudonym.key"),
        )
        .unwrap();
        super::check_deployment_key(&mut store, second.path()).unwrap();
        let recorded: Vec<_> = store
            .audit_events()
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "deployment.key")
            .collect();
        assert_eq!(recorded.len(), 1, "recorded once, by the first server");
        // The fingerprint is recorded, never the key.
        let key = std::fs::read_to_string(first.path().join("pseudonym.key")).unwrap();
        assert!(recorded[0].details.contains("fingerprint"));
        assert!(!recorded[0].details.contains(key.trim()));
    }

    #[test]
    fn callers_racing_on_first_use_all_get_the_one_pseudonym_key() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let keys: Vec<Vec<u8>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| s.spawn(|| super::pseudonym_key(dir.path()).unwrap()))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(keys.iter().all(|k| k == &keys[0] && k.len() == 32));
            assert_eq!(super::pseudonym_key(dir.path()).unwrap(), keys[0]);
            let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
            assert_eq!(files.len(), 1, "only pseudonym.key is left");
        }
    }

    /// An index made before documents were kept newest first is made anew by `reindex` (its
    /// settings are fixed when made), in its place, with every post, nothing left beside it;
    /// `doctor` says to run it until then.
    #[test]
    fn reindex_makes_an_older_index_anew_newest_first() {
        let data = tempfile::tempdir().unwrap();
        let mut store = crate::db::open(data.path(), None).unwrap();
        let posts: Vec<domain::NewItem> = ["2026-11-01", "2026-11-03", "2026-11-02"]
            .iter()
            .map(|day| {
                crate::testing::post(
                    &format!("p-{day}"),
                    &format!("{day}T08:00:00+07:00"),
                    "Cảnh báo lừa đảo chuyển tiền",
                )
            })
            .collect();
        store.ingest_items("t", "test", &posts, 3).unwrap();
        let dir = super::index_dir(data.path());
        drop(search::SearchIndex::create_unsorted(&dir).unwrap());
        super::catch_up_index(&mut store, data.path()).unwrap();
        let old = search::SearchIndex::open(&dir).unwrap();
        assert!(!old.newest_first());
        assert_eq!(old.doc_count(), 3);
        let told = crate::doctor::index(&mut store, data.path());
        assert!(
            told.ok && told.detail.contains("chạy `sokenh reindex` để làm lại"),
            "{}",
            told.detail
        );
        drop(old);

        assert_eq!(super::reindex(&mut store, data.path()).unwrap(), 3);
        let index = search::SearchIndex::open(&dir).unwrap();
        assert!(index.newest_first());
        assert_eq!(index.doc_count(), 3);
        let hits = index
            .search(&search::SearchQuery {
                text: "lua dao".into(),
                limit: 2,
                among_newest: Some(2),
                ..Default::default()
            })
            .unwrap();
        let mut ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["p-2026-11-02", "p-2026-11-03"]);
        let mut beside: Vec<String> = std::fs::read_dir(data.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("index"))
            .collect();
        beside.sort();
        assert_eq!(beside, ["index"]);
        let told = crate::doctor::index(&mut store, data.path());
        assert!(
            told.ok && !told.detail.contains("reindex"),
            "{}",
            told.detail
        );
        // Reindexed again, it stays where it is.
        assert_eq!(super::reindex(&mut store, data.path()).unwrap(), 3);
        assert_eq!(search::SearchIndex::open(&dir).unwrap().doc_count(), 3);
    }
}
