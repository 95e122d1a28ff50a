//! Development automation.
//!
//! `cargo xtask bench-text [MB]`: the text layer on a sample corpus (canonical + folded + tokens,
//! and extraction), in MB/s on one core, next to underthesea's `text_normalize` (PyPI) on the same
//! lines in the same run, when python3 has it.
//!
//! `cargo xtask bench-import [ROWS]`: the register-import benchmark.
//!
//! `cargo xtask bench-detect [ITEMS]`: the whole screening (rules, then rules + model) over
//! 200,000 posts of the standard corpus on one core with the model's memory; rule matching with
//! 10,000 terms next to the bare
//! aho-corasick crate, and fact-check matching of ITEMS (default 1,000,000) against 10,000
//! claims next to datasketch (PyPI).
//!
//! `cargo xtask bench-report [POSTS]`: see [`report_bench`].
//!
//! `cargo xtask bench-evaluation [COMMUNES [MEMBERS]]`: see [`evaluation_bench`].
//! `cargo xtask bench-share [N]`: see [`share_bench`].
//! `cargo xtask bench-tips [N]`: see [`tips_bench`].
//! `cargo xtask bench-tips-http [SECONDS [RATE [FLOOD_AT_ONCE]]]`: see [`tip_load_bench`].
//! `cargo xtask bench-sources [COMMENTS]`: see [`sources_bench`].

//!
//! `cargo xtask bench-web [POSTS [DIR]]`: see [`web_bench`].
//!
//! `cargo xtask bench-load [SECONDS]`: see [`load_bench`].
//!
//! `cargo xtask bench-province [POSTS [COMMUNES]]`: see [`province_bench`].
//!
//! `cargo xtask bench-pdq [FILES]`, `cargo xtask bench-impersonation [COMMUNITIES]`: see
//! [`media_bench`].
//!
//! `cargo xtask bench-posts [POSTS]`: posts end to end (parse, normalise, store, index) into SQLite
//! and tantivy, next to the bare floor (the same rows inserted and indexed with nothing else
//! done), then search latency over a fixed query set. Each stage runs in a child process of its
//! own so that its peak memory is its own. `cargo xtask search-repeat DATA QUERY [N]`: one query
//! N times over a data dir's index, to profile a search under `perf record`;
//! `cargo xtask search-floor DATA QUERY`: what ranking costs that query at its floor (the words'
//! intersection counted, the top 20 by the words alone, with the syllable pairs required, and
//! the product's search over every match and as the web's page asks it, the newest matches ranked).
//! It writes a realistic office sheet of ROWS rows (default 100,000) as CSV and as XLSX, then
//! imports each into a fresh SQLite store in a child process of its own, and reports rows/s
//! (read + parse + canonicalise + store with audit events) and the child's peak memory (VmHWM).

mod detect_bench;
mod evaluation_bench;
mod load_bench;
mod media_bench;
mod posts_bench;
mod province_bench;
mod report_bench;
mod share_bench;
mod sources_bench;
mod tip_load_bench;
mod tips_bench;
mod web_bench;

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench-import") => {
            let rows: usize = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(100_000);
            bench_import(rows)
        }
        Some("bench-text") => {
            let mb: usize = args.get(1).map(|r| r.parse()).transpose()?.unwrap_or(8);
            bench_text(mb)
        }
        Some("bench-detect") => {
            let items: u64 = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(1_000_000);
            detect_bench::run(items)
        }
        Some("bench-posts") => {
            let posts: u64 = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(1_000_000);
            posts_bench::run(posts)
        }
        Some("bench-pdq") => {
            let files: usize = args.get(1).map(|r| r.parse()).transpose()?.unwrap_or(100);
            media_bench::pdq(files)
        }
        Some("bench-impersonation") => {
            let n: usize = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(100_000);
            media_bench::impersonation(n)
        }
        Some("bench-web") => {
            let posts: u64 = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(1_000_000);
            web_bench::run(posts, args.get(2).map(Path::new))
        }
        Some("bench-province") => {
            let posts: u64 = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(10_000_000);
            let communes: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(166);
            province_bench::run(posts, communes)
        }
        Some("bench-load") => {
            let seconds: u64 = args.get(1).map(|r| r.parse()).transpose()?.unwrap_or(30);
            load_bench::run(seconds)
        }
        Some("bench-report") => {
            let posts: u64 = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(1_000_000);
            report_bench::run(posts)
        }
        Some("bench-evaluation") => {
            let communes: usize = args.get(1).map(|r| r.parse()).transpose()?.unwrap_or(166);
            let members: usize = args
                .get(2)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(20_000);
            evaluation_bench::run(communes, members)
        }
        Some("bench-share") => {
            let n: usize = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(100_000);
            share_bench::run(n)
        }
        Some("bench-sources") => {
            let n: usize = args
                .get(1)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(100_000);
            sources_bench::run(n)
        }
        Some("bench-tips-http") => {
            let seconds: u64 = args.get(1).map(|r| r.parse()).transpose()?.unwrap_or(60);
            let rate: u64 = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(200);
            let at_once: usize = args.get(3).map(|r| r.parse()).transpose()?.unwrap_or(32);
            tip_load_bench::run(seconds, rate, at_once)
        }
        Some("bench-tips") => {
            let n: usize = args.get(1).map(|r| r.parse()).transpose()?.unwrap_or(4_000);
            tips_bench::run(n)
        }
        Some("posts-once") => posts_bench::end_to_end(Path::new(&args[1]), Path::new(&args[2])),
        Some("posts-floor") => posts_bench::floor(Path::new(&args[1]), Path::new(&args[2])),
        Some("posts-search") => posts_bench::search(Path::new(&args[1])),
        Some("search-repeat") => posts_bench::search_repeat(
            Path::new(&args[1]),
            &args[2],
            args.get(3).map(|n| n.parse()).transpose()?.unwrap_or(1000),
        ),
        Some("posts-scan") => posts_bench::scan(Path::new(&args[1])),
        Some("search-floor") => posts_bench::search_floor(Path::new(&args[1]), &args[2]),
        Some("import-once") => import_once(Path::new(&args[1]), Path::new(&args[2])),
        _ => bail!("usage: cargo xtask bench-import [ROWS] | bench-text [MB]"),
    }
}

const PLATFORMS: [(&str, &str); 5] = [
    (
        "Facebook",
        "https://www.facebook.com/groups/nhom{i}.thachquang?fbclid=IwAR{i}",
    ),
    ("FB", "m.facebook.com/trang{i}.official/?mibextid=x"),
    ("Youtube", "https://www.youtube.com/@Kenh{i}/videos"),
    (
        "TikTok",
        "https://www.tiktok.com/@tiktok{i}?is_from_webapp=1",
    ),
    ("Zalo", "https://zalo.me/g/Grp{i}x"),
];
const UNITS: [&str; 6] = [
    "Công an xã",
    "Đoàn Thanh niên",
    "Hội Phụ nữ",
    "Chi bộ thôn Đồng Tâm",
    "Hội Nông dân",
    "Ủy ban nhân dân xã",
];
const STATUS: [&str; 4] = ["Theo dõi", "chính thức", "Nghi vấn", ""];

fn row(i: usize) -> [String; 9] {
    let (platform, url) = PLATFORMS[i % PLATFORMS.len()];
    [
        (i + 1).to_string(),
        format!(
            "Nhóm cộng đồng thôn {} số {i}",
            ["Đồng Tâm", "Tân Sơn", "Cự Phú"][i % 3]
        ),
        url.replace("{i}", &i.to_string()),
        platform.to_owned(),
        ["Nhóm", "Trang", "Kênh"][i % 3].to_owned(),
        format!("{}.{:03}", 1 + i % 50, i % 1000),
        format!("Nguyễn Văn {}", i % 97),
        UNITS[i % UNITS.len()].to_owned(),
        STATUS[i % STATUS.len()].to_owned(),
    ]
}

/// The office layout's first nine columns, as the export writes them.
const HEADER: &[&str] = ingest::registry::EXPORT_HEADER.split_at(9).0;

fn write_csv(path: &Path, rows: usize) -> Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    // As Excel saves it: cells with commas are quoted.
    writeln!(f, "\"DANH SÁCH TRANG, KÊNH, HỘI, NHÓM\"")?;
    writeln!(
        f,
        "{}",
        HEADER
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(",")
    )?;
    for i in 0..rows {
        let r = row(i);
        writeln!(
            f,
            "{}",
            r.iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(",")
        )?;
    }
    writeln!(f, "Tổng cộng,,,,,,,,")?;
    Ok(())
}

fn write_xlsx(path: &Path, rows: usize) -> Result<()> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "DANH SÁCH TRANG, KÊNH, HỘI, NHÓM")?;
    for (j, h) in HEADER.iter().enumerate() {
        ws.write(2, j as u16, *h)?;
    }
    for i in 0..rows {
        for (j, c) in row(i).iter().enumerate() {
            ws.write(3 + i as u32, j as u16, c.as_str())?;
        }
    }
    wb.save(path)?;
    Ok(())
}

fn bench_import(rows: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let me = std::env::current_exe()?;
    for (ext, write) in [
        ("csv", write_csv as fn(&Path, usize) -> Result<()>),
        ("xlsx", write_xlsx),
    ] {
        let file = dir.path().join(format!("registry.{ext}"));
        write(&file, rows)?;
        let db = dir.path().join(format!("{ext}.db"));
        let out = std::process::Command::new(&me)
            .arg("import-once")
            .arg(&file)
            .arg(&db)
            .output()?;
        if !out.status.success() {
            bail!(
                "import of {ext} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        print!("{ext:>4}: {}", String::from_utf8_lossy(&out.stdout));
    }
    Ok(())
}

fn import_once(file: &Path, db: &Path) -> Result<()> {
    let start = Instant::now();
    let sheet = ingest::registry::read(file, &ingest::registry::Options::default())?;
    let parsed = start.elapsed();
    let records: Vec<domain::CommunityRecord> = sheet.records.into_iter().map(|(_, r)| r).collect();
    let mut store = store::Store::new(Box::new(store_sqlite::open(db)?));
    let outcome = store.import_communities("bench", "bench", &records)?;
    let total = start.elapsed();
    let hwm = std::fs::read_to_string("/proc/self/status")?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        .context("VmHWM")?;
    let n = outcome.inserted + outcome.updated + outcome.unchanged;
    println!(
        "{n} rows ({} inserted, {} rejected) in {:.2} s = {:.0} rows/s (read+parse {:.2} s, store {:.2} s); peak memory {hwm}",
        outcome.inserted,
        sheet.rejected.len(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        parsed.as_secs_f64(),
        (total - parsed).as_secs_f64(),
    );
    Ok(())
}

/// Best of five runs, in MB/s.
fn mb_per_s(bytes: usize, mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::INFINITY;
    let mut sink = 0;
    for _ in 0..5 {
        let t = Instant::now();
        sink += f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    std::hint::black_box(sink);
    bytes as f64 / 1e6 / best
}

fn bench_text(mb: usize) -> Result<()> {
    let corpus = text::sample::corpus(mb << 20);
    let lines: Vec<&str> = corpus.lines().collect();
    let bytes = corpus.len();
    let mut canon = String::new();
    let mut scratch = String::new();
    let normalise = mb_per_s(bytes, || {
        let mut n = 0;
        for line in &lines {
            canon.clear();
            text::canonical_into(line, &mut canon);
            text::for_each_folded_syllable(&canon, &mut scratch, |_| n += 1);
        }
        n
    });
    let canonical_only = mb_per_s(bytes, || {
        let mut n = 0;
        for line in &lines {
            canon.clear();
            text::canonical_into(line, &mut canon);
            n += canon.len();
        }
        n
    });
    let fold_tokens = mb_per_s(bytes, || {
        let mut n = 0;
        for line in &lines {
            text::for_each_folded_syllable(line, &mut scratch, |_| n += 1);
        }
        n
    });
    let extract = mb_per_s(bytes, || lines.iter().map(|l| text::extract(l).len()).sum());
    println!(
        "corpus: {:.1} MB, {} lines (text::sample::corpus)",
        bytes as f64 / 1e6,
        lines.len()
    );
    println!("canonical + folded + tokens: {normalise:.0} MB/s (one core)");
    println!("canonical only:              {canonical_only:.0} MB/s");
    println!("folded + tokens only:        {fold_tokens:.0} MB/s");
    println!("extraction:                  {extract:.0} MB/s");

    // underthesea's text_normalize on the same lines, timed inside Python (import excluded).
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("corpus.txt");
    std::fs::write(&file, &corpus)?;
    let script = r#"
import sys, time
from underthesea import text_normalize
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
n = len(lines) // 8  # an eighth of the corpus: it is slow
t = time.perf_counter()
for l in lines[:n]:
    text_normalize(l)
dt = time.perf_counter() - t
print(sum(len(l.encode()) + 1 for l in lines[:n]) / 1e6 / dt)
"#;
    match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
    {
        Ok(out) if out.status.success() => {
            let py: f64 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
            println!(
                "underthesea text_normalize:  {py:.2} MB/s  -> sokenh canonical+folded+tokens is {:.0}x faster",
                normalise / py
            );
        }
        Ok(out) => println!(
            "underthesea not measured: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("underthesea not measured: {e}"),
    }
    Ok(())
}
