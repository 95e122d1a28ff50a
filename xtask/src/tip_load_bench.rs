//! `cargo xtask bench-tips-http [SECONDS [RATE [FLOOD_AT_ONCE]]]`: the tip line over HTTP under load and abuse.
//! The demo commune (with a scammer's number confirmed) is served by the release binary; for
//! SECONDS (default 60):
//!
//! - **legitimate citizens**: RATE new tips a second (default 200), each on a connection of
//!   its own from an address of its own (127.10.0.1 onwards: loopback's /8 stands for a town of
//!   phones), `POST /api/v1/tips` — one in four about the known number, the rest an unknown
//!   number, a link or words — started on a fixed schedule whatever the answers' speed (open
//!   loop), so a slow server shows as latency, not as a lower rate;
//! - **a flood from one address** (127.0.0.2): 5,000 tips, FLOOD_AT_ONCE at a time (default
//!   32), as fast as they are answered, from a third of the run on. The flood's client runs on
//!   the same cores as the server: unthrottled, it takes a core of its own.
//!
//! Reported: citizens' tips sent, created (201), errors (anything else, or no answer), p50 / p99
//! / max time to the instant answer, over the whole run and while the flood ran; the flood's
//! created and refused (429); and the store's count of tips against the 201s counted (nothing
//! lost, nothing doubled). Fails when a citizen's tip errs, the p99 passes 300 ms, or the
//! counts differ.

use anyhow::{Result, bail};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FLOOD: u64 = 5_000;

pub fn run(seconds: u64, rate: u64, flood_at_once: usize) -> Result<()> {
    let bin = crate::web_bench::release_sokenh()?;
    let dir = tempfile::tempdir()?;
    let seeded = std::process::Command::new(&bin)
        .arg("--data")
        .arg(dir.path())
        .args(["demo", "--no-serve", "--json"])
        .output()?;
    if !seeded.status.success() {
        bail!("demo: {}", String::from_utf8_lossy(&seeded.stderr));
    }
    let confirmed = std::process::Command::new(&bin)
        .arg("--data")
        .arg(dir.path())
        .args([
            "share",
            "add",
            "--kind",
            "phone",
            "--value",
            "0356111222",
            "--role",
            "scammer",
            "--json",
        ])
        .output()?;
    if !confirmed.status.success() {
        bail!("share add: {}", String::from_utf8_lossy(&confirmed.stderr));
    }
    let (mut server, addr) =
        crate::web_bench::start(&bin, dir.path(), &["serve", "--bind", "127.0.0.1:0"])?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(load(
        addr,
        Duration::from_secs(seconds),
        rate,
        flood_at_once,
    ));
    let _ = server.kill();
    let _ = server.wait();
    let outcome = outcome?;
    let app = app::App::open(dir.path(), None)?;
    let kept: i64 = app
        .tip_groups(&app::Actor::cli())?
        .iter()
        .map(|g| g.tips)
        .sum();
    let created = outcome.created + outcome.flood_created;
    println!(
        "store: {kept} tips kept; {created} answered 201 ({} citizens', {} the flood's)",
        outcome.created, outcome.flood_created
    );
    if outcome.errors > 0 {
        bail!("{} citizens' tips failed", outcome.errors);
    }
    if outcome.p99 > 300.0 {
        bail!("p99 {:.1} ms is over 300 ms", outcome.p99);
    }
    if kept != created as i64 {
        bail!("the store kept {kept} tips, the server created {created}");
    }
    Ok(())
}

struct Outcome {
    created: u64,
    errors: u64,
    p99: f64,
    flood_created: u64,
}

/// One tip on a fresh connection from `from`: the status, and how long to the answer.
async fn tip(from: std::net::IpAddr, to: SocketAddr, form: &str) -> std::io::Result<u16> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    let mut c = socket.connect(to).await?;
    c.write_all(
        format!(
            "POST /api/v1/tips HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )
    .await?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), c.read_to_end(&mut out))
        .await
        .map_err(|_| std::io::Error::other("no answer in 30 s"))??;
    let text = String::from_utf8_lossy(&out);
    Ok(text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}

/// The `i`th citizen's address: 127.10.0.1 onwards, never .0 or .255 in the last place.
fn citizen(i: u64) -> std::net::IpAddr {
    let n = i % (200 * 254 * 254);
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        10 + (n / (254 * 254)) as u8,
        (n / 254 % 254) as u8,
        (n % 254 + 1) as u8,
    ))
}

fn form(i: u64) -> String {
    let (phone, link) = match i % 4 {
        0 => ("0356111222".to_owned(), String::new()),
        1 => (format!("08{:08}", i), String::new()),
        2 => (
            String::new(),
            format!("http%3A%2F%2Fnhan-qua-{i}.xyz%2Fdang-nhap"),
        ),
        _ => (String::new(), String::new()),
    };
    format!(
        "phone={phone}&link={link}&text=C%C3%B3+ng%C6%B0%E1%BB%9Di+nh%E1%BA%AFn+tin+b%E1%BA%A3o+t%C3%B4i+chuy%E1%BB%83n+ti%E1%BB%81n+{i}"
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

async fn load(
    to: SocketAddr,
    duration: Duration,
    rate: u64,
    flood_at_once: usize,
) -> Result<Outcome> {
    let created = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let flooding = Arc::new(AtomicBool::new(false));
    let (flood_created, flood_refused, flood_other) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let times: Arc<std::sync::Mutex<Vec<(f64, bool)>>> = Arc::default();
    let start = Instant::now();
    // The flood, from a third of the run on.
    let flood = {
        let (flooding, ok, refused, other) = (
            flooding.clone(),
            flood_created.clone(),
            flood_refused.clone(),
            flood_other.clone(),
        );
        let next = Arc::new(AtomicU64::new(0));
        tokio::spawn(async move {
            tokio::time::sleep(duration / 3).await;
            flooding.store(true, Ordering::SeqCst);
            let t = Instant::now();
            let workers: Vec<_> = (0..flood_at_once.max(1))
                .map(|_| {
                    let (next, ok, refused, other) =
                        (next.clone(), ok.clone(), refused.clone(), other.clone());
                    tokio::spawn(async move {
                        while next.fetch_add(1, Ordering::SeqCst) < FLOOD {
                            let from = std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
                            match tip(from, to, &form(7)).await {
                                Ok(201) => ok.fetch_add(1, Ordering::Relaxed),
                                Ok(429) => refused.fetch_add(1, Ordering::Relaxed),
                                _ => other.fetch_add(1, Ordering::Relaxed),
                            };
                        }
                    })
                })
                .collect();
            for w in workers {
                let _ = w.await;
            }
            flooding.store(false, Ordering::SeqCst);
            t.elapsed()
        })
    };
    // Citizens on a fixed schedule.
    let total = duration.as_secs() * rate;
    let gap = Duration::from_secs_f64(1.0 / rate as f64);
    let mut sent = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + gap * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (created, errors, times, flooding) = (
            created.clone(),
            errors.clone(),
            times.clone(),
            flooding.clone(),
        );
        sent.push(tokio::spawn(async move {
            let during = flooding.load(Ordering::Relaxed);
            let t = Instant::now();
            let answered = tip(citizen(i), to, &form(i)).await;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            match answered {
                Ok(201) => {
                    created.fetch_add(1, Ordering::Relaxed);
                }
                Ok(status) => {
                    if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("tip {i}: answered {status}");
                    }
                }
                Err(e) => {
                    if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("tip {i}: {e}");
                    }
                }
            }
            times
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((ms, during));
        }));
    }
    for s in sent {
        let _ = s.await;
    }
    let elapsed = start.elapsed();
    let flood_took = flood.await?;
    let times = times
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let mut all: Vec<f64> = times.iter().map(|(t, _)| *t).collect();
    let mut during: Vec<f64> = times.iter().filter(|(_, d)| *d).map(|(t, _)| *t).collect();
    all.sort_by(f64::total_cmp);
    during.sort_by(f64::total_cmp);
    let (created, errors) = (
        created.load(Ordering::SeqCst),
        errors.load(Ordering::SeqCst),
    );
    println!(
        "citizens: {total} tips in {:.1} s ({:.0}/s), {created} created, {errors} errors; time to the instant answer p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(0.0),
    );
    println!(
        "while the flood ran: {} citizens' tips, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        during.len(),
        percentile(&during, 0.50),
        percentile(&during, 0.99),
        during.last().copied().unwrap_or(0.0),
    );
    println!(
        "flood from 127.0.0.2: {FLOOD} tips, {flood_at_once} at a time, in {:.1} s, {} created, {} refused (429), {} other",
        flood_took.as_secs_f64(),
        flood_created.load(Ordering::SeqCst),
        flood_refused.load(Ordering::SeqCst),
        flood_other.load(Ordering::SeqCst),
    );
    Ok(Outcome {
        created,
        errors,
        p99: percentile(&all, 0.99),
        flood_created: flood_created.load(Ordering::SeqCst),
    })
}
