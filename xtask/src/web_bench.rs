//! `cargo xtask bench-web [POSTS]`: the web application under load. A data dir with the demo's
//! kind of register, POSTS (default 1,000,000) generated posts and an officer account is made;
//! `sokenh serve` (release) runs on it in a process of its own; `wrk` (Debian's, 2 threads, 50
//! connections, 20 s per page) requests the dashboard, the register list, a register search,
//! a post search, this month's analytics and the capture form with a signed-in session, then
//! times 30 captures one after another (form sent → signals shown). Reported: p50 / p99 latency, requests/s, non-2xx responses and
//! socket errors from wrk, and the server's resident memory (VmRSS, VmHWM) afterwards.
//! `cargo xtask bench-web POSTS DIR` keeps the data dir in DIR, and reuses it when DIR already
//! holds one (POSTS is then ignored): for measuring one change after another.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

pub fn run(posts: u64, keep: Option<&std::path::Path>) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed (apt-get install wrk)");
    }
    let bin = release_sokenh()?;

    let dir = tempfile::tempdir()?;
    let data = keep.map_or_else(|| dir.path().join("data"), std::path::Path::to_path_buf);
    let corpus = dir.path().join("corpus.jsonl");
    if data.join("sokenh.db").exists() {
        println!("data: reused from {}", data.display());
    } else {
        {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
            ingest::corpus::generate(1, posts, 2000, 12, &mut f)?;
        }
        let t = Instant::now();
        let mut store = app::db::open(&data, None)?;
        store.create_unit("bench", "Đảng bộ xã Thạch Quảng", None, Some(15199))?;
        let opts = app::posts::Options {
            format: None,
            community: None,
            screen: true,
        };
        app::posts::ingest_file(&mut store, &data, &corpus, opts)?;
        let user = domain::User {
            id: 0,
            username: "congan".into(),
            role: domain::Role::Officer,
            unit: None,
            member: None,
            must_change: false,
            disabled_at: None,
            commune: None,
        };
        store.create_user(
            "bench",
            &user,
            &app::accounts::hash_password("bench-password-2026")?,
        )?;
        println!(
            "data: {posts} posts, {} communities, loaded in {:.0} s",
            store.communities()?.len(),
            t.elapsed().as_secs_f64()
        );
    }

    let (mut server, addr) = start(&bin, &data, &["serve", "--bind", "127.0.0.1:0"])?;
    let (pid, base) = (server.id(), format!("http://{addr}"));
    let result = measure(&base, pid);
    let _ = server.kill();
    let _ = server.wait();
    result
}

fn measure(base: &str, pid: u32) -> Result<()> {
    let agent = agent();
    let cookie = sign_in(&agent, base, "congan", "bench-password-2026")?;
    // The first dashboard computes the month's figures, the first analytics page the month's
    // analytics (each then reused for a minute): time them apart.
    for (name, path) in [("dashboard", "/tong-quan"), ("analytics", "/phan-tich")] {
        let t = Instant::now();
        let first = agent
            .get(format!("{base}{path}"))
            .header("Cookie", &cookie)
            .call()?;
        println!(
            "{name}, first (cold) request: {:.2} s, status {}",
            t.elapsed().as_secs_f64(),
            first.status()
        );
        if first.status() != 200 {
            bail!(
                "{path}: not signed in? (is the password of «congan» still bench-password-2026?)"
            );
        }
    }
    for (name, path) in [
        ("dashboard", "/tong-quan"),
        ("register list", "/so-dang-ky"),
        ("register search", "/so-dang-ky?q=thach+quang"),
        ("post search", "/tim-kiem?q=viec+nhe+luong+cao"),
        ("analytics", "/phan-tich"),
        ("capture form", "/ghi-nhan"),
    ] {
        println!("{name:<16}: {}", wrk_page(base, path, &cookie, 50, 20)?);
    }
    capture(&agent, base, &cookie)?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .map(|l| l[k.len()..].trim().to_owned())
            .unwrap_or_default()
    };
    println!(
        "server memory: VmRSS {}, peak VmHWM {}",
        field("VmRSS:"),
        field("VmHWM:")
    );
    Ok(())
}

/// Captures made one after another, each a new post (a Telegram link of this run) with a scam's
/// text: the time from sending the form to the page with its signals, p50 and the slowest. Each
/// run adds these posts to a kept data dir.
const CAPTURES: usize = 30;

fn capture(agent: &ureq::Agent, base: &str, cookie: &str) -> Result<()> {
    let form = agent
        .get(format!("{base}/ghi-nhan"))
        .header("Cookie", cookie)
        .call()?
        .body_mut()
        .read_to_string()?;
    let at = form
        .find("name=\"csrf\" value=\"")
        .context("no capture form")?
        + 19;
    let token = &form[at..at + 64];
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let mut took = Vec::with_capacity(CAPTURES);
    for k in 0..CAPTURES {
        let mut body = String::new();
        for (name, value) in [
            ("csrf", token.to_owned()),
            ("url", format!("https://t.me/benchcapture{run}/{k}")),
            (
                "text",
                format!(
                    "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay ({k})"
                ),
            ),
        ] {
            body.push_str(&format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str("--XyZ--\r\n");
        let t = Instant::now();
        let mut r = agent
            .post(format!("{base}/ghi-nhan"))
            .header("Cookie", cookie)
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .send(body.as_bytes())?;
        let page = r.body_mut().read_to_string()?;
        took.push(t.elapsed().as_secs_f64() * 1000.0);
        if r.status() != 200 || !page.contains("Lừa đảo") {
            bail!("capture {k}: status {}, no scam signal shown", r.status());
        }
    }
    took.sort_by(f64::total_cmp);
    println!(
        "capture → signals: {CAPTURES} captures one after another, p50 {:.0} ms, slowest {:.0} ms",
        took[CAPTURES / 2],
        took[CAPTURES - 1]
    );
    Ok(())
}

/// Builds the release binary of sokenh and gives its path (in CARGO_TARGET_DIR when set).
pub fn release_sokenh() -> Result<std::path::PathBuf> {
    let status = Command::new("cargo")
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "sokenh",
            "--bin",
            "sokenh",
        ])
        .status()?;
    if !status.success() {
        bail!("building sokenh failed");
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/sokenh"))
}

/// Runs `sokenh --data DATA ARGS…` (a command that serves) and waits for the address it prints;
/// its output is drained from then on.
pub fn start(
    bin: &std::path::Path,
    data: &std::path::Path,
    args: &[&str],
) -> Result<(std::process::Child, std::net::SocketAddr)> {
    let mut server = Command::new(bin)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("start sokenh")?;
    let mut lines = BufReader::new(server.stdout.take().context("stdout")?).lines();
    let addr = loop {
        let line = lines.next().context("the server printed nothing")??;
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap_or("").parse()?;
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok((server, addr))
}

/// An HTTP client that follows no redirect and reads every status as an answer.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

/// Signs in through the form at `base` and gives the session's cookie (`name=value`).
pub fn sign_in(agent: &ureq::Agent, base: &str, username: &str, password: &str) -> Result<String> {
    let cookie_of = |r: &ureq::http::Response<ureq::Body>| {
        r.headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    };
    let mut page = agent.get(format!("{base}/dang-nhap")).call()?;
    let login_cookie = cookie_of(&page).context("no sign-in cookie")?;
    let body = page.body_mut().read_to_string()?;
    let at = body
        .find("name=\"csrf\" value=\"")
        .context("no sign-in token")?
        + 19;
    let token = body[at..at + 64].to_owned();
    let r = agent
        .post(format!("{base}/dang-nhap"))
        .header("Cookie", &login_cookie)
        .send_form([
            ("csrf", token.as_str()),
            ("username", username),
            ("password", password),
        ])?;
    cookie_of(&r).with_context(|| format!("{username}: no session cookie (wrong password?)"))
}

/// wrk on one page (2 threads, `connections`, `seconds`), signed in with `cookie`: its p50, p99,
/// requests a second, and any answers other than 2xx and socket errors, in one line.
pub fn wrk_page(
    base: &str,
    path: &str,
    cookie: &str,
    connections: u32,
    seconds: u32,
) -> Result<String> {
    let out = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["--latency", "-H"])
        .arg(format!("Cookie: {cookie}"))
        .arg(format!("{base}{path}"))
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let pick = |key: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_owned()
    };
    let trouble: String = text
        .lines()
        .filter(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
        .map(|l| format!("; {}", l.trim()))
        .collect();
    Ok(format!(
        "p50 {}, p99 {}, {} requests/s{trouble}",
        pick("50%"),
        pick("99%"),
        pick("Requests/sec:")
    ))
}
