//! Helpers shared by the CLI test binaries: run `sokenh` against a data dir, read its JSON.

#![allow(dead_code)]

pub mod http;
pub mod platform;

use domain::Permission as P;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `sokenh --data DATA ARGS…` with no database URL from the environment.
pub fn sokenh(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("SOKENH_DATABASE_URL")
        .output()
        .expect("run sokenh")
}

/// Runs `sokenh --data DATA ARGS…` with `input` on its standard input.
pub fn sokenh_stdin(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("SOKENH_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sokenh");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sokenh ends")
}

/// The JSON a successful command printed; fails the test with its stderr otherwise.
pub fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// `sokenh demo` serving on a free port; the process ends when this is dropped.
pub struct DemoServer {
    child: std::process::Child,
    pub base: String,
}

impl DemoServer {
    /// The server's process id (to read its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Seeds the demo commune into `data` (once) and serves it on 127.0.0.1:0; returns when the
/// server has printed its address.
pub fn start_demo(data: &Path) -> DemoServer {
    start_serving(data, None, &["demo", "--bind", "127.0.0.1:0"])
}

/// Runs a serving command (`demo …`, `serve …`) on `data` and, when given, a database URL;
/// returns when the server has printed its address.
pub fn start_serving(data: &Path, database_url: Option<&str>, args: &[&str]) -> DemoServer {
    use std::io::{BufRead, BufReader};
    let mut command = Command::new(env!("CARGO_BIN_EXE_sokenh"));
    command.arg("--data").arg(data);
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let mut child = command
        .args(args)
        .env_remove("SOKENH_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run sokenh demo");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .expect("utf-8");
        if let Some((scheme, rest)) = ["https://", "http://"]
            .iter()
            .find_map(|s| line.split_once(s).map(|(_, rest)| (s, rest)))
        {
            break format!("{scheme}{}", rest.split('/').next().unwrap_or(""));
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    DemoServer { child, base }
}

/// A Facebook post as `ingest` reads it (generic JSONL): (source id, group, published_at, text).
pub type Post<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Writes the posts as JSONL in `data` and ingests them (screened); returns the ingest report.
pub fn ingest_posts(data: &Path, posts: &[Post<'_>]) -> Value {
    ingest_posts_into(data, None, posts)
}

/// [`ingest_posts`] into the database `db` names (the data dir's SQLite file without one).
pub fn ingest_posts_into(data: &Path, db: Option<&str>, posts: &[Post<'_>]) -> Value {
    let lines: Vec<String> = posts
        .iter()
        .map(|(id, group, at, text)| {
            serde_json::json!({
                "id": id, "community_url": format!("https://www.facebook.com/groups/{group}"),
                "platform": "facebook", "published_at": at, "text": text
            })
            .to_string()
        })
        .collect();
    std::fs::create_dir_all(data).expect("the data dir");
    let file = data.join("posts.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write the posts");
    let mut args = Vec::new();
    if let Some(db) = db {
        args.extend(["--database-url", db]);
    }
    args.extend(["ingest", file.to_str().unwrap(), "--json"]);
    json(&sokenh(data, &args))
}

const JOB_SCAM: &str = "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay";

/// Three job-scam posts in one village group, 12 November 2026 (one scam alert).
pub const JOB_SCAMS: [Post<'static>; 3] = [
    (
        "scam-0",
        "thachquang.dongtam",
        "2026-11-12T20:00:00+07:00",
        JOB_SCAM,
    ),
    (
        "scam-1",
        "thachquang.dongtam",
        "2026-11-12T20:01:00+07:00",
        JOB_SCAM,
    ),
    (
        "scam-2",
        "thachquang.dongtam",
        "2026-11-12T20:02:00+07:00",
        JOB_SCAM,
    ),
];

/// [`JOB_SCAMS`] ingested: one scam alert.
pub fn ingest_job_scams(data: &Path) -> Value {
    ingest_posts(data, &JOB_SCAMS)
}

/// The PostgreSQL server `SOKENH_TEST_POSTGRES_URL` names (`.ci/run` starts one); None without
/// one, except under `CI=true`, where a missing server is a failure.
pub fn postgres_server() -> Option<String> {
    match std::env::var("SOKENH_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but SOKENH_TEST_POSTGRES_URL is not set")
        }
        Err(_) => None,
    }
}

/// A new, empty database `name` on the server at `url` (dropped first if a run before left it);
/// its URL.
pub fn fresh_database(url: &str, name: &str) -> String {
    let mut admin = postgres::Client::connect(url, postgres::NoTls).expect("the test server");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .expect("drop the database");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create the database");
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let base = &base[..base.rfind('/').expect("a database in the URL")];
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

/// Every page and API resource a role reaches by GET without an id, with the permission it
/// needs: the role × route tests (`tests/web.rs` on a commune, `tests/tenancy.rs` in a
/// province) derive what each account gets from `domain`'s table.
pub const ROUTES: [(&str, P); 30] = [
    ("/tong-quan", P::ViewRegister),
    ("/so-dang-ky", P::ViewRegister),
    ("/nhat-ky", P::ViewAudit),
    ("/canh-bao", P::ViewAlerts),
    ("/ke-khai", P::Declare),
    ("/don-vi", P::FollowUp),
    ("/so-dang-ky/xuat", P::ViewRegister),
    ("/api/v1/communities", P::ViewRegister),
    ("/api/v1/units", P::ViewRegister),
    ("/ho-so", P::ViewCases),
    ("/tim-kiem?q=thach+quang", P::SearchPosts),
    ("/so-dang-ky/moi", P::EditRegister),
    ("/quan-tri", P::Administer),
    ("/quan-tri/viec-nen", P::Administer),
    ("/tinh", P::ViewCases),
    ("/kiem-chung", P::ViewDetection),
    ("/bao-cao", P::ViewDetection),
    ("/phan-tich?ky=2026-11", P::ViewDetection),
    ("/api/v1/analytics?period=2026-11", P::ViewDetection),
    ("/gia-mao", P::Triage),
    ("/api/v1/impersonation", P::Triage),
    ("/kiem-tra-anh", P::CheckMedia),
    ("/ghi-nhan", P::Capture),
    ("/tai-len", P::Ingest),
    ("/chia-se", P::ViewCases),
    ("/tin-bao", P::Triage),
    ("/canh-bao-nguoi-dan", P::Triage),
    ("/canh-bao-nguoi-dan/ban-tin", P::Triage),
    ("/nguon", P::Triage),
    ("/kiem-tra-dinh-ky", P::Triage),
];
