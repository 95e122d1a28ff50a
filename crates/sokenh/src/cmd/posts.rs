//! `sokenh ingest`, `search`, `reindex`, `scan`: posts in, found, indexed and screened.

use super::Ctx;
use anyhow::{Context, Result};
use app::{db, posts, screening};
use std::path::Path;

/// The arguments of `sokenh ingest`.
#[derive(clap::Args)]
pub struct IngestArgs {
    /// Tệp, thư mục (hộp thư) hoặc http(s)://… / a file, an inbox folder, or a feed URL
    path_or_url: String,
    /// auto|jsonl|csv|telegram|facebook|youtube|rss
    #[arg(long, default_value = "auto")]
    format: String,
    /// Trang, nhóm nguồn khi tệp không ghi / the community, when the export does not say
    #[arg(long)]
    community: Option<String>,
    /// Khoảng tối thiểu giữa hai lần tải một nguồn tin (giây) / polite feed interval (s)
    #[arg(long, default_value_t = 900)]
    interval: i64,
    /// Với thư mục: theo dõi liên tục, quét mỗi N giây / with a folder: keep watching
    #[arg(long)]
    watch: Option<u64>,
    /// Không chạy bộ phát hiện ngay (để `scan` sau) / do not screen the new items now
    #[arg(long)]
    no_scan: bool,
    #[arg(long)]
    json: bool,
}

/// The arguments of `sokenh search`.
#[derive(clap::Args)]
pub struct SearchArgs {
    query: String,
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long)]
    platform: Option<String>,
    #[arg(long)]
    since: Option<String>,
    #[arg(long)]
    community: Option<String>,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn ingest(ctx: &Ctx, args: IngestArgs) -> Result<()> {
    let IngestArgs {
        path_or_url,
        format,
        community,
        interval,
        watch,
        no_scan,
        json,
    } = args;
    let dir = ctx.data("sokenh-data");
    let mut store = db::open(&dir, ctx.url())?;
    let format = match format.as_str() {
        "auto" => None,
        f => Some(
            ingest::posts::Format::parse(f)
                .with_context(|| format!("định dạng không hỗ trợ «{f}» / unknown format"))?,
        ),
    };
    let opts = posts::Options {
        format,
        community: community.as_deref(),
        screen: !no_scan,
    };
    let print = |r: &posts::Report| -> Result<()> {
        if json {
            println!("{}", serde_json::to_string(r)?);
        } else {
            println!(
                "{}: đọc {}, thêm {}, trùng {}, từ chối {}, trang mới {}, lập chỉ mục {}, tín hiệu {}",
                r.source,
                r.read,
                r.inserted,
                r.duplicates,
                r.rejected_total,
                r.communities_created,
                r.indexed,
                r.signals
            );
            for x in r.rejected.iter().take(20) {
                println!("  dòng {}: {}", x.line, x.reason);
            }
        }
        Ok(())
    };
    if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
        print(&posts::ingest_feed(
            &mut store,
            &dir,
            &path_or_url,
            community.as_deref(),
            interval,
        )?)
    } else if Path::new(&path_or_url).is_dir() {
        loop {
            for r in posts::ingest_inbox(&mut store, &dir, Path::new(&path_or_url), opts)? {
                print(&r)?;
            }
            match watch {
                Some(secs) => std::thread::sleep(std::time::Duration::from_secs(secs.max(1))),
                None => break Ok(()),
            }
        }
    } else {
        print(&posts::ingest_file(
            &mut store,
            &dir,
            Path::new(&path_or_url),
            opts,
        )?)
    }
}

pub fn search(ctx: &Ctx, args: SearchArgs) -> Result<()> {
    let SearchArgs {
        query,
        limit,
        platform,
        since,
        community,
        unit,
        json,
    } = args;
    let dir = ctx.data("sokenh-data");
    let mut store = db::open(&dir, ctx.url())?;
    let since = since.as_deref().map(posts::parse_since).transpose()?;
    let platform = platform
        .map(|p| {
            domain::Platform::parse_word(&p)
                .map(|p| p.as_str().to_owned())
                .with_context(|| format!("nền tảng không rõ «{p}»"))
        })
        .transpose()?;
    let community = community
        .map(|c| domain::CanonicalUrl::parse(&c).map(|u| u.to_string()))
        .transpose()?;
    let hits = posts::search(
        &mut store,
        &dir,
        search::SearchQuery {
            text: query,
            limit,
            platform,
            community_url: community,
            unit,
            since,
            ..Default::default()
        },
    )?;
    if json {
        println!("{}", serde_json::to_string(&hits)?);
    } else {
        for h in &hits {
            println!(
                "{:>6.2}  {}  {}  {}\n        {}",
                h.score,
                h.published_at,
                h.id,
                h.community_url.as_deref().unwrap_or(""),
                h.snippet
            );
        }
        println!("{} kết quả", hits.len());
    }
    Ok(())
}

pub fn reindex(ctx: &Ctx) -> Result<()> {
    let dir = ctx.data("sokenh-data");
    let mut store = db::open(&dir, ctx.url())?;
    let n = posts::reindex(&mut store, &dir)?;
    println!("Đã lập lại chỉ mục {n} bài đăng / reindexed {n} items");
    Ok(())
}

pub fn scan(ctx: &Ctx, all: bool, json: bool) -> Result<()> {
    let dir = ctx.data("sokenh-data");
    let r = screening::scan(&mut db::open(&dir, ctx.url())?, &dir, all)?;
    if json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        println!(
            "Đã rà soát {} bài: {} tín hiệu, {} cảnh báo mới",
            r.screened, r.signals, r.alerts
        );
    }
    Ok(())
}
