//! `cargo xtask bench-load [SECONDS]`: the server under attack while an office works. The demo
//! commune is served by the release binary; for SECONDS (default 30):
//!
//! - **300 half-open connections** (100 each from 127.0.0.3, .4 and .5) send part of a request's
//!   headers and stop; whenever the server closes one, it is opened again at once;
//! - **a flood from one address** (127.0.0.2): 64 connections at a time, each a sign-in page or
//!   a refused sign-in, as fast as they are answered;
//! - **ordinary users** (127.0.0.1): 10 officers, signed in through the form, each opening the
//!   dashboard, the register, the alerts and a post search in turn, 100 ms apart.
//!
//! Reported: the users' requests, p50 / p99 / max latency and errors (anything but 200, or a
//! failed connection), the flood's answered and refused requests, how often the half-open
//! connections were closed and opened again, and the server's peak memory (VmHWM).

use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub fn run(seconds: u64) -> Result<()> {
    let bin = crate::web_bench::release_sokenh()?;
    let dir = tempfile::tempdir()?;
    let (mut server, addr) =
        crate::web_bench::start(&bin, dir.path(), &["demo", "--bind", "127.0.0.1:0"])?;
    let pid = server.id();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(attack(addr, Duration::from_secs(seconds)));
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mem = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned())
            .unwrap_or_default()
    };
    println!(
        "server memory: VmRSS {} kB, VmHWM {} kB",
        mem("VmRSS:"),
        mem("VmHWM:")
    );
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// One request on a fresh connection from `from`: (status, Set-Cookie pairs, body).
async fn request(
    from: &str,
    to: SocketAddr,
    head: &str,
    body: &str,
) -> std::io::Result<(u16, Vec<String>, String)> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse().expect("an address"))?;
    let mut c = socket.connect(to).await?;
    c.write_all(
        format!(
            "{head}Host: t\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), c.read_to_end(&mut out))
        .await
        .map_err(|_| std::io::Error::other("no answer in 30 s"))??;
    let text = String::from_utf8_lossy(&out).into_owned();
    let (h, b) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = h
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let cookies = h
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .map(str::to_owned)
        .collect();
    Ok((status, cookies, b.to_owned()))
}

async fn sign_in(to: SocketAddr) -> Result<String> {
    let (_, cookies, body) = request("127.0.0.1", to, "GET /dang-nhap HTTP/1.1\r\n", "").await?;
    let at = body
        .find("name=\"csrf\" value=\"")
        .context("no sign-in token")?
        + 19;
    let form = format!(
        "csrf={}&username=congan&password=demo-congan-2026",
        &body[at..at + 64]
    );
    let head = format!(
        "POST /dang-nhap HTTP/1.1\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n",
        cookies.first().context("no sign-in cookie")?
    );
    let (status, cookies, _) = request("127.0.0.1", to, &head, &form).await?;
    if status != 303 {
        bail!("sign-in answered {status}");
    }
    cookies.into_iter().next().context("no session cookie")
}

async fn attack(to: SocketAddr, duration: Duration) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let reopened = Arc::new(AtomicU64::new(0));
    let flood_ok = Arc::new(AtomicU64::new(0));
    let flood_refused = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    // 300 half-open connections.
    for k in 0..300 {
        let (stop, reopened) = (stop.clone(), reopened.clone());
        let from = format!("127.0.0.{}", 3 + k % 3);
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let Ok(socket) = tokio::net::TcpSocket::new_v4() else {
                    break;
                };
                let _ = socket.bind(format!("{from}:0").parse().expect("an address"));
                if let Ok(mut c) = socket.connect(to).await {
                    let _ = c.write_all(b"GET /tong-quan HTTP/1.1\r\nHost: t\r\n").await;
                    let mut buf = [0u8; 256];
                    // Held until the server closes it (or the run ends).
                    loop {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        match tokio::time::timeout(Duration::from_millis(500), c.read(&mut buf))
                            .await
                        {
                            Ok(Ok(0)) | Ok(Err(_)) => break,
                            _ => {}
                        }
                    }
                }
                reopened.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    // The flood from one address.
    for k in 0..64 {
        let (stop, ok, refused) = (stop.clone(), flood_ok.clone(), flood_refused.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = if k % 2 == 0 {
                    request("127.0.0.2", to, "GET /dang-nhap HTTP/1.1\r\n", "").await
                } else {
                    request(
                        "127.0.0.2",
                        to,
                        "POST /dang-nhap HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n",
                        "username=congan&password=doan-mo",
                    )
                    .await
                };
                match r {
                    Ok((s, _, _)) if s != 0 => ok.fetch_add(1, Ordering::Relaxed),
                    _ => refused.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    // Let the attack settle before the users arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut users = Vec::new();
    for _ in 0..10 {
        let cookie = sign_in(to).await?;
        let stop = stop.clone();
        users.push(tokio::spawn(async move {
            let pages = [
                "/tong-quan",
                "/so-dang-ky",
                "/canh-bao",
                "/tim-kiem?q=thach+quang",
            ];
            let mut times = Vec::new();
            let mut errors = Vec::new();
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                let page = pages[k % pages.len()];
                k += 1;
                let head = format!("GET {page} HTTP/1.1\r\nCookie: {cookie}\r\n");
                let t = Instant::now();
                match request("127.0.0.1", to, &head, "").await {
                    Ok((200, _, _)) => times.push(t.elapsed()),
                    Ok((s, _, _)) => errors.push(format!("{page}: {s}")),
                    Err(e) => errors.push(format!("{page}: {e}")),
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (times, errors)
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut times = Vec::new();
    let mut errors = Vec::new();
    for u in users {
        let (t, e) = u.await?;
        times.extend(t);
        errors.extend(e);
    }
    for t in tasks {
        t.abort();
    }
    times.sort();
    let q = |p: f64| {
        times
            .get(((times.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "users (10, 127.0.0.1): {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, errors {}",
        times.len(),
        q(0.5),
        q(0.99),
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        errors.len()
    );
    for e in errors.iter().take(5) {
        println!("  error: {e}");
    }
    println!(
        "flood (64 at a time, 127.0.0.2): {} answered, {} refused or cut",
        flood_ok.load(Ordering::Relaxed),
        flood_refused.load(Ordering::Relaxed)
    );
    println!(
        "half-open (300 from 127.0.0.3-5): closed by the server and opened again {} times",
        reopened.load(Ordering::Relaxed)
    );
    if !errors.is_empty() || q(0.99) > 500.0 {
        bail!("ordinary users were held up");
    }
    Ok(())
}
