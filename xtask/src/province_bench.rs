//! `cargo xtask bench-province [POSTS [COMMUNES]]`: a province on one PostgreSQL, under load.
//!
//! Everything runs on this machine, in a work directory (`SOKENH_BENCH_DIR`, else a temporary
//! one under /tmp; 10 M posts take about 15 GB there):
//!
//! 1. **A PostgreSQL cluster of its own** (Debian's `/usr/lib/postgresql/*/bin`, run as
//!    `postgres` when this runs as root), so that the bench can restart it.
//! 2. **The province.** The demo commune (Thạch Quảng: its register, a few days of screened
//!    posts, their alerts, its users) is made in SQLite (`sokenh demo`, served once) and moved
//!    in with `sokenh migrate`; the other COMMUNES−1 communes (default: all 166 of Thanh Hóa,
//!    from the GSO list) get 30 pages each through `sokenh import registry` and a tenant row of
//!    their own. POSTS posts (default 10,000,000) are then written straight into `items` in
//!    batches of 250,000 (texts drawn from the synthetic corpus of [`ingest::corpus`], times over
//!    24 months, spread over every page); they are not screened. `sokenh reindex` builds the
//!    search index once; a province leader's account and a case (from the demo's first alert)
//!    are made. Each search of the mix is then timed alone, on one thread.
//! 3. **Three `sokenh serve`** on the one data dir (one host: they share the index and the
//!    keys), **haproxy** in front (round robin, health checks each second, `retry-on
//!    all-retryable-errors` with redispatch).
//! 4. Each page warmed on each server, then timed alone (wrk, 100 connections, 5 s).
//!    **wrk**, 2 threads and 100 connections, signed in as a province leader, on a mix of pages
//!    in turn: the dashboard, the register, the alerts, a post search (four queries) and a case.
//!    Three runs of SECONDS each (`SOKENH_BENCH_SECONDS`, default 60): steady; one serve killed
//!    (SIGKILL) a third of the way in and started again at two thirds; PostgreSQL restarted
//!    (`pg_ctl restart -m fast`) a third of the way in. Every answer other than 200 is counted,
//!    by the second it came in.
//!
//! Reported: each run's requests, p50 / p99 / max latency, answers other than 200 and socket
//! errors; when the errors of the restart run stopped, counted from the restart; each serve
//! process's peak memory (VmHWM); and after the runs, the audit chain verified and the posts
//! counted again. The targets (p99 ≤ 150 ms, no error with a serve killed, errors over within
//! 10 s of a database restart, ≤ 1 GB a process) are printed beside the figures.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROVINCE: &str = "Thanh Hóa";
const DEMO_COMMUNE: u32 = 15199; // Xã Thạch Quảng
const PAGES_PER_COMMUNE: usize = 30;
const BATCH: u64 = 250_000;
/// Distinct texts the posts are drawn from.
const TEXTS: u64 = 50_000;
const LEADER: (&str, &str) = ("lanhdaotinh", "bench-province-2026");
const QUERIES: [&str; 4] = [
    "viec+nhe+luong+cao",
    "lich+cat+dien",
    "hoc+bong",
    "chuyen+tien",
];

pub fn run(posts: u64, communes: usize) -> Result<()> {
    for tool in ["wrk", "haproxy"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()?
            .code()
            != Some(0)
        {
            bail!("{tool} is missing: apt-get install wrk haproxy");
        }
    }
    let seconds: u64 = std::env::var("SOKENH_BENCH_SECONDS")
        .ok()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(60);
    let bin = crate::web_bench::release_sokenh()?;
    let _temp;
    let work = match std::env::var_os("SOKENH_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            _temp = tempfile::Builder::new()
                .prefix("sokenh-province.")
                .tempdir_in("/tmp")?;
            _temp.path().to_owned()
        }
    };
    std::fs::create_dir_all(&work)?;
    let pg = Cluster::start(&work.join("pg"))?;
    let data = work.join("province");
    let url = pg.url("province");
    let marker = work.join("prepared.json");
    let wanted = serde_json::json!({"posts": posts, "communes": communes});
    // A work dir prepared before for the same sizes is run again as it is.
    let facts: Prepared = match std::fs::read(&marker)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    {
        Some(v) if v["for"] == wanted => {
            println!("reusing the province prepared in {}", work.display());
            serde_json::from_value(v["facts"].clone())?
        }
        _ => {
            pg.create_database("province")?;
            let facts = prepare(&bin, &work, &pg, &url, posts, communes)?;
            std::fs::write(
                &marker,
                serde_json::to_vec(&serde_json::json!({"for": wanted, "facts": facts}))?,
            )?;
            facts
        }
    };
    let Prepared {
        tenants,
        pages,
        items,
        case,
    } = facts;
    let sokenh = sokenh_in(&bin, &data, &url);
    // The bench's posts stand for posts screened when they came in (an ingest screens what it
    // stores): the servers' minute screening job (after the scan checkpoint) starts past them,
    // as it would in a province that took its posts in day by day.
    pg.connect("province")?
        .batch_execute(
            "INSERT INTO checkpoints (source, position, updated_at) \
             SELECT 'scan', max(id), 'bench-province' FROM items \
             ON CONFLICT (source) DO UPDATE \
             SET position = GREATEST(checkpoints.position, excluded.position)",
        )
        .map_err(sql)?;
    // The search alone, one query at a time on one thread: the floor under the search pages.
    let index = search::SearchIndex::open(&app::posts::index_dir(&data))?;
    index.reload()?;
    for q in QUERIES {
        let text = q.replace('+', " ");
        let newest = Some(web::SEARCH_NEWEST);
        crate::posts_bench::time_search(&index, &text, 1, newest)?; // warm
        let (ms, _) = crate::posts_bench::time_search(&index, &text, 10, newest)?;
        let (all, _) = crate::posts_bench::time_search(&index, &text, 10, None)?;
        println!(
            "search «{text}» alone on one thread: {ms:.2} ms as the page asks (the newest {} matches ranked), {all:.1} ms ranking every match",
            web::SEARCH_NEWEST
        );
    }
    drop(index);

    // Three servers and haproxy.
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(Server::start(&bin, &data, &url, "127.0.0.1:0")?);
    }
    let front = free_port()?;
    let cfg = work.join("haproxy.cfg");
    write_haproxy(&cfg, front, &servers)?;
    let mut haproxy = Command::new("haproxy")
        .arg("-f")
        .arg(&cfg)
        .arg("-db")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start haproxy")?;
    let base = format!("http://127.0.0.1:{front}");
    wait_for(&format!("{base}/dang-nhap"))?;
    let agent = crate::web_bench::agent();
    let cookie = crate::web_bench::sign_in(&agent, &base, LEADER.0, LEADER.1)?;
    let mut paths = vec![
        "/tong-quan".to_owned(),
        "/so-dang-ky".to_owned(),
        "/canh-bao".to_owned(),
    ];
    paths.extend(QUERIES.iter().map(|q| format!("/tim-kiem?q={q}")));
    paths.push(format!("/ho-so/{case}"));
    // Each page once on each server (round robin), signed in: the first dashboard and search
    // of a process fill its caches. The slowest of the three is shown.
    for p in &paths {
        let mut slowest = Duration::ZERO;
        for _ in 0..servers.len() {
            let t = Instant::now();
            let r = agent
                .get(format!("{base}{p}"))
                .header("Cookie", &cookie)
                .call()?;
            if r.status() != 200 {
                bail!("{p} answered {} to the province leader", r.status());
            }
            slowest = slowest.max(t.elapsed());
        }
        println!(
            "  {p}: 200, the first on each server in at most {:.0} ms",
            slowest.as_secs_f64() * 1000.0
        );
    }
    // Each page alone for a few seconds: which of them the mix's tail comes from.
    for p in &paths {
        println!(
            "  {p} alone, 100 connections: {}",
            crate::web_bench::wrk_page(&base, p, &cookie, 100, 5)?
        );
    }
    let script = work.join("mix.lua");
    write_script(&script, &paths, &cookie)?;

    let steady = wrk(&script, &base, seconds, |_| Ok(()))?;
    report("steady", &steady);

    let third = seconds / 3;
    let killed = servers[1].addr.clone();
    let mut peaks = Vec::new();
    let kill = wrk(&script, &base, seconds, |at| {
        if at == third {
            peaks.push(servers[1].peak_kb());
            servers[1].kill();
        } else if at == 2 * third {
            servers[1] = Server::start(&bin, &data, &url, &killed)?;
        }
        Ok(())
    })?;
    report("one serve killed", &kill);

    let mut restarted_at = 0;
    let restart = wrk(&script, &base, seconds, |at| {
        if at == third {
            restarted_at = unix_now();
            pg.restart()?;
        }
        Ok(())
    })?;
    report("PostgreSQL restarted", &restart);
    let last_error = restart.errors_by_second.keys().max().copied();
    let recovered = last_error.map(|s| s.saturating_sub(restarted_at) + 1);

    for s in &servers {
        peaks.push(s.peak_kb());
    }
    // The bench's own connection did not live through the restart.
    let mut db = pg.connect("province")?;
    let verify = sokenh(&["audit", "verify", "--json"])?;
    let after: i64 = count(&mut db, "items")?;

    println!("\n== figures");
    println!("data: {tenants} communes, {pages} pages, {items} posts (after the runs: {after})");
    println!(
        "steady: p99 {:.1} ms (target ≤ 150), {} errors (target 0)",
        steady.p99_ms,
        steady.errors()
    );
    println!(
        "one serve killed: {} errors after haproxy's retries (target 0)",
        kill.errors()
    );
    match recovered {
        Some(s) => println!(
            "PostgreSQL restarted: {} errors, the last {s} s after the restart (target ≤ 10 s)",
            restart.errors()
        ),
        None => println!("PostgreSQL restarted: no error at all"),
    }
    println!(
        "peak memory of the serve processes (VmHWM): {} (target ≤ 1 GB each)",
        peaks
            .iter()
            .map(|k| format!("{} MB", k / 1024))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "audit verify after the runs: {}",
        serde_json::from_str::<serde_json::Value>(&verify)
            .map(|v| v["ok"].to_string())
            .unwrap_or(verify)
    );

    let _ = haproxy.kill();
    let _ = haproxy.wait();
    for s in &mut servers {
        s.kill();
    }
    // The cluster stops when `pg` is dropped, after the connection.
    drop(db);
    Ok(())
}

/// The register of the other communes: 30 pages each, in the office's layout.
fn write_register(path: &Path, communes: &[&domain::AdminUnit]) -> Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let header = &ingest::registry::EXPORT_HEADER[..9];
    let quoted: Vec<String> = header.iter().map(|h| format!("\"{h}\"")).collect();
    writeln!(f, "{}", quoted.join(","))?;
    let mut n = 0;
    for u in communes {
        let slug = text::fold(&u.ward_name).replace(' ', "").to_lowercase();
        let unit = app::province::commune_root_name(&u.ward_name);
        for k in 0..PAGES_PER_COMMUNE {
            n += 1;
            let (name, url, platform, kind) = match k % 5 {
                0 => (
                    format!("Tin tức {} {k}", u.ward_name),
                    format!("https://www.facebook.com/tintuc.{slug}.{k}"),
                    "Facebook",
                    "Trang",
                ),
                1 | 2 => (
                    format!("Cộng đồng thôn {k} {}", u.ward_name),
                    format!("https://www.facebook.com/groups/congdong.{slug}.{k}"),
                    "Facebook",
                    "Nhóm",
                ),
                3 => (
                    format!("Kênh {} {k}", u.ward_name),
                    format!("https://www.tiktok.com/@{slug}{k}"),
                    "TikTok",
                    "Kênh",
                ),
                _ => (
                    format!("Nhóm Zalo {} {k}", u.ward_name),
                    format!("https://zalo.me/g/{slug}{k}"),
                    "Zalo",
                    "Nhóm",
                ),
            };
            writeln!(
                f,
                "{n},{name},{url},{platform},{kind},{},,{unit},Theo dõi",
                100 + (n * 37) % 9000
            )?;
        }
    }
    Ok(())
}

/// POSTS posts over every page, in batches, with a line of progress on stderr.
fn write_posts(db: &mut postgres::Client, posts: u64) -> Result<()> {
    let mut corpus = Vec::new();
    ingest::corpus::generate(1, TEXTS, 1, 24, &mut corpus)?;
    let texts: Vec<String> = corpus
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice::<serde_json::Value>(l)
                .map(|v| v["text"].as_str().unwrap_or_default().to_owned())
        })
        .collect::<Result<_, _>>()?;
    // The texts and the pages as numbered tables (an array subscripted per row would be
    // copied whole for each row).
    db.batch_execute(
        "CREATE TEMP TABLE bench_texts (k BIGINT PRIMARY KEY, text TEXT NOT NULL); \
         CREATE TEMP TABLE bench_pages (k BIGINT PRIMARY KEY, id BIGINT NOT NULL); \
         INSERT INTO bench_pages SELECT row_number() OVER (ORDER BY id) - 1, id FROM communities",
    )
    .map_err(sql)?;
    db.execute(
        "INSERT INTO bench_texts SELECT k - 1, t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, k)",
        &[&texts],
    )
    .map_err(sql)?;
    let pages: i64 = count(db, "bench_pages")?;
    // The 24 months' partitions first (schema 28), so each post goes straight to its month;
    // the posts' keys written once for all after them, as the ingest would have claimed them.
    db.batch_execute(
        "SELECT sokenh_month_partition('items', 'published_at', to_char(d, 'YYYY-MM')) \
         FROM generate_series(date '2024-11-01', date '2026-12-01', interval '1 month') AS d; \
         ALTER TABLE items DISABLE TRIGGER items_key",
    )
    .map_err(sql)?;
    let mut from = 1i64;
    let t = Instant::now();
    while from <= posts as i64 {
        let to = (from + BATCH as i64 - 1).min(posts as i64);
        // Pages picked by a multiplicative hash, times over 24 months before 2026-12-01
        // (Vietnam time), as the ingest writes them.
        db.execute(
            "INSERT INTO items (source_id, platform, community_id, published_at, text, url, \
               author_pseudonym, reactions, comments, shares, views, media) \
             SELECT 'bench-' || g, 'facebook', p.id, \
               to_char(timestamp '2026-12-01 00:00:00' \
                 - ((g * 2654435761) % 62208000) * interval '1 second', \
                 'YYYY-MM-DD\"T\"HH24:MI:SS\"+07:00\"'), \
               t.text, 'https://www.facebook.com/posts/' || g, \
               substr(md5((g % 500000)::text), 1, 16), \
               g % 500, g % 80, g % 40, NULL, '[]' \
             FROM generate_series($1::bigint, $2::bigint) AS g \
             JOIN bench_pages p ON p.k = (g * 7919) % $3 \
             JOIN bench_texts t ON t.k = (g * 40503) % $4",
            &[&from, &to, &pages, &(TEXTS as i64)],
        )
        .map_err(sql)?;
        from = to + 1;
        let done = (to as u64).min(posts);
        eprint!(
            "\rposts: {done}/{posts} ({:.0}/s)   ",
            done as f64 / t.elapsed().as_secs_f64().max(0.001)
        );
    }
    eprintln!();
    db.batch_execute(
        "INSERT INTO item_keys SELECT platform, source_id, id, published_at FROM items \
           WHERE source_id LIKE 'bench-%'; \
         ALTER TABLE items ENABLE TRIGGER items_key",
    )
    .map_err(sql)?;
    eprintln!("posts and their keys: {:.0} s", t.elapsed().as_secs_f64());
    db.batch_execute("ANALYZE").map_err(sql)?;
    Ok(())
}

/// The rows of `table`.
fn count(db: &mut postgres::Client, table: &str) -> Result<i64> {
    Ok(db
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .map_err(sql)?
        .get(0))
}

/// A database error with the server's message (`postgres::Error` says only "db error").
fn sql(e: postgres::Error) -> anyhow::Error {
    match e.as_db_error() {
        Some(d) => anyhow::anyhow!("{}: {}", d.severity(), d.message()),
        None => e.into(),
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn wait_for(url: &str) -> Result<()> {
    let agent = crate::web_bench::agent();
    for _ in 0..100 {
        if agent.get(url).call().is_ok_and(|r| r.status() == 200) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{url} did not answer in 10 s")
}

/// One `sokenh serve`.
struct Server {
    child: Option<Child>,
    addr: String,
}

impl Server {
    fn start(bin: &Path, data: &Path, url: &str, bind: &str) -> Result<Server> {
        let (child, addr) =
            crate::web_bench::start(bin, data, &["--database-url", url, "serve", "--bind", bind])?;
        Ok(Server {
            child: Some(child),
            addr: addr.to_string(),
        })
    }

    /// Peak resident memory, kB (0 when gone).
    fn peak_kb(&self) -> u64 {
        let Some(c) = &self.child else { return 0 };
        std::fs::read_to_string(format!("/proc/{}/status", c.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|k| k.parse().ok())
            })
            .unwrap_or(0)
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn write_haproxy(path: &Path, front: u16, servers: &[Server]) -> Result<()> {
    let mut f = std::fs::File::create(path)?;
    writeln!(
        f,
        "global\n  maxconn 1000\n\ndefaults\n  mode http\n  timeout connect 1s\n  \
         timeout client 30s\n  timeout server 30s\n  retries 3\n  option redispatch 1\n  \
         retry-on all-retryable-errors\n\nfrontend web\n  bind 127.0.0.1:{front}\n  \
         default_backend sokenh\n\nbackend sokenh\n  balance roundrobin\n  \
         option httpchk GET /dang-nhap\n  default-server check inter 1s fall 1 rise 2"
    )?;
    for (k, s) in servers.iter().enumerate() {
        writeln!(f, "  server s{k} {}", s.addr)?;
    }
    Ok(())
}

/// The mix, in turn on each connection, and the non-200 answers by the second they came in.
fn write_script(path: &Path, paths: &[String], cookie: &str) -> Result<()> {
    let list = paths
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        path,
        format!(
            r#"local paths = {{ {list} }}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) i = math.random(#paths); errors = {{}} end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {{ ["Cookie"] = "{cookie}" }})
end
function response(status, headers, body)
  if status ~= 200 then
    local s = tostring(os.time())
    errors[s] = (errors[s] or 0) + 1
  end
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d %.0f %.0f %.0f\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max))
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("errors")) do io.write(string.format("ERRORS %s %d\n", s, n)) end
  end
end
"#
        ),
    )?;
    Ok(())
}

struct Run {
    requests: u64,
    socket_errors: u64,
    status_errors: u64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    errors_by_second: std::collections::BTreeMap<u64, u64>,
}

impl Run {
    fn errors(&self) -> u64 {
        self.socket_errors + self.status_errors
    }
}

fn report(name: &str, r: &Run) {
    println!(
        "{name}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms; {} answers other than 200, \
         {} socket errors",
        r.requests, r.p50_ms, r.p99_ms, r.max_ms, r.status_errors, r.socket_errors
    );
}

/// wrk for `seconds`; `each_second(k)` is called at each whole second k of the run.
fn wrk(
    script: &Path,
    base: &str,
    seconds: u64,
    mut each_second: impl FnMut(u64) -> Result<()>,
) -> Result<Run> {
    let child = Command::new("wrk")
        .args(["-t2", "-c100", "--timeout", "10s", "-d"])
        .arg(format!("{seconds}s"))
        .arg("-s")
        .arg(script)
        .arg(format!("{base}/"))
        .stdout(Stdio::piped())
        .spawn()
        .context("start wrk")?;
    let start = Instant::now();
    for k in 1..=seconds {
        let due = Duration::from_secs(k);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        each_second(k)?;
    }
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .with_context(|| format!("wrk printed no result:\n{text}"))?;
    let f: Vec<f64> = line
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let mut errors_by_second = std::collections::BTreeMap::new();
    for l in text.lines().filter_map(|l| l.strip_prefix("ERRORS ")) {
        let mut it = l.split_whitespace();
        if let (Some(Ok(s)), Some(Ok(n))) = (
            it.next().map(str::parse::<u64>),
            it.next().map(str::parse::<u64>),
        ) {
            *errors_by_second.entry(s).or_insert(0) += n;
        }
    }
    Ok(Run {
        requests: f[0] as u64,
        socket_errors: (f[1] + f[2] + f[3] + f[5]) as u64,
        status_errors: f[4] as u64,
        p50_ms: f[7] / 1000.0,
        p99_ms: f[8] / 1000.0,
        max_ms: f[9] / 1000.0,
        errors_by_second,
    })
}

/// A PostgreSQL cluster of the bench's own.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// Run as root: PostgreSQL's tools run as `postgres`.
    root: bool,
}

impl Cluster {
    fn start(dir: &Path) -> Result<Cluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .context("PostgreSQL is not installed: apt-get install postgresql")?
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|p| p.join("initdb").exists())
            .max()
            .context("no initdb under /usr/lib/postgresql")?;
        std::fs::create_dir_all(dir)?;
        let c = Cluster {
            bin,
            dir: dir.to_owned(),
            port: free_port()?,
            root: Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| o.stdout.starts_with(b"0\n")),
        };
        if c.root {
            checked(Command::new("chown").arg("postgres").arg(dir))?;
        }
        if !dir.join("data/PG_VERSION").exists() {
            checked(c.as_postgres("initdb").args([
                "-D",
                &dir.join("data").display().to_string(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]))?;
        }
        c.ctl("start")?;
        Ok(c)
    }

    fn as_postgres(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn ctl(&self, action: &str) -> Result<()> {
        // fsync off: the bench loads 10 M rows; what it measures is reading under load.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 \
             -c shared_buffers=2GB -c maintenance_work_mem=1GB -c max_wal_size=8GB \
             -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        checked(self.as_postgres("pg_ctl").args([
            "-D",
            &self.dir.join("data").display().to_string(),
            "-l",
            &self.dir.join("log").display().to_string(),
            "-m",
            "fast",
            "-o",
            &options,
            "-w",
            action,
        ]))
    }

    fn restart(&self) -> Result<()> {
        self.ctl("restart")
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    fn connect(&self, db: &str) -> Result<postgres::Client> {
        Ok(postgres::Client::connect(&self.url(db), postgres::NoTls)?)
    }

    fn create_database(&self, name: &str) -> Result<String> {
        let mut c = self.connect("postgres")?;
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))?;
        c.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(self.url(name))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.ctl("stop");
    }
}

fn checked(c: &mut Command) -> Result<()> {
    let out = c.stdout(Stdio::null()).output()?;
    if !out.status.success() {
        bail!(
            "{:?}: {}\n{}",
            c.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// `sokenh --data DATA --database-url URL ARGS…`, its output when it succeeds.
fn sokenh_in<'a>(
    bin: &'a Path,
    data: &'a Path,
    url: &'a str,
) -> impl Fn(&[&str]) -> Result<String> + 'a {
    move |args: &[&str]| -> Result<String> {
        let out = Command::new(bin)
            .arg("--data")
            .arg(data)
            .args(["--database-url", url])
            .args(args)
            .stderr(Stdio::inherit())
            .output()?;
        if !out.status.success() {
            bail!("sokenh {}: {}", args.join(" "), out.status);
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Prepared {
    tenants: i64,
    pages: i64,
    items: i64,
    case: i64,
}

/// The province in the database and its search index: see the module's text.
fn prepare(
    bin: &Path,
    work: &Path,
    pg: &Cluster,
    url: &str,
    posts: u64,
    communes: usize,
) -> Result<Prepared> {
    let data = work.join("province");
    let sokenh = sokenh_in(bin, &data, url);
    // The province: the demo commune moved in, the others registered.
    let t = Instant::now();
    let commune = work.join("commune");
    // Served once: the demo seeds its days of posts (and so its alerts) for a visitor.
    let (mut demo, _) = crate::web_bench::start(bin, &commune, &["demo", "--bind", "127.0.0.1:0"])?;
    let _ = demo.kill();
    let _ = demo.wait();
    let migrated = sokenh(&[
        "migrate",
        "--from",
        &format!("sqlite://{}", commune.join("sokenh.db").display()),
        "--to",
        url,
        "--tenant",
        &DEMO_COMMUNE.to_string(),
        "--json",
    ])?;
    let migrated: serde_json::Value = serde_json::from_str(&migrated)?;
    if migrated["ok"] != true {
        bail!("migrate of the demo commune: {migrated}");
    }
    let others: Vec<&domain::AdminUnit> = domain::admin_units()
        .iter()
        .filter(|u| u.province_name == PROVINCE && u.ward_code != DEMO_COMMUNE)
        .take(communes.saturating_sub(1))
        .collect();
    let sheet = work.join("communes.csv");
    write_register(&sheet, &others)?;
    let imported: serde_json::Value = serde_json::from_str(&sokenh(&[
        "import",
        "registry",
        &sheet.display().to_string(),
        "--json",
    ])?)?;
    let mut db = pg.connect("province")?;
    for u in &others {
        let unit = app::province::commune_root_name(&u.ward_name);
        db.execute(
            "INSERT INTO tenants (code, unit_id, name, source_head, source_events, bridge_event, \
             migrated_by, migrated_at) SELECT $1, id, $2, '', 0, 0, 'bench-province', $3 \
             FROM units WHERE name = $4",
            &[
                &i32::try_from(u.ward_code)?,
                &u.ward_name,
                &chrono::Utc::now().to_rfc3339(),
                &unit,
            ],
        )
        .map_err(sql)?;
        // The triggers give the unit and its pages their tenant.
        db.execute(
            "UPDATE units SET parent_id = parent_id WHERE name = $1",
            &[&unit],
        )
        .map_err(sql)?;
        db.execute(
            "UPDATE communities SET unit = unit WHERE unit = $1",
            &[&unit],
        )
        .map_err(sql)?;
    }
    let tenants: i64 = count(&mut db, "tenants")?;
    let pages: i64 = count(&mut db, "communities")?;
    println!(
        "province: {tenants} communes, {pages} pages ({} imported), in {:.0} s",
        imported["inserted"],
        t.elapsed().as_secs_f64()
    );

    // The posts.
    let t = Instant::now();
    write_posts(&mut db, posts)?;
    let items: i64 = count(&mut db, "items")?;
    println!(
        "posts: {items} in the database, written in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    sokenh(&["reindex"])?;
    println!(
        "search index: built in {:.0} s, {} MB",
        t.elapsed().as_secs_f64(),
        dir_size(&data.join("index")) / 1_000_000
    );
    let mut store = app::db::open(&data, Some(url))?;
    let province_root = store
        .units()?
        .into_iter()
        .find(|u| u.parent.is_none())
        .context("no root unit")?;
    store.create_user(
        "bench-province",
        &domain::User {
            id: 0,
            username: LEADER.0.into(),
            role: domain::Role::Leader,
            unit: Some(province_root.id),
            member: None,
            must_change: false,
            disabled_at: None,
            commune: None,
        },
        &app::accounts::hash_password(LEADER.1)?,
    )?;
    drop(store);
    // A case to open: the demo's first alert taken into one, as an officer does.
    let alert: i64 = db
        .query_one("SELECT min(id) FROM alerts", &[])
        .map_err(sql)?
        .try_get::<_, Option<i64>>(0)?
        .context("the demo commune has no alert")?;
    let case = app::App::open(&data, Some(url))?
        .open_case_from_alerts(
            &app::Actor {
                name: "bench-province".into(),
                role: domain::Role::Officer,
                unit: None,
                member: None,
                commune: None,
            },
            &[alert],
            None,
            "",
        )
        .map_err(|e| anyhow::anyhow!("a case from alert {alert}: {e}"))?;

    Ok(Prepared {
        tenants,
        pages,
        items,
        case,
    })
}
