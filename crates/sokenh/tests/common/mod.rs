//! Helpers shared by the CLI test binaries: run `sokenh` against a data dir, read its JSON.

#![allow(dead_code)]

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

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Seeds the demo commune into `data` (once) and serves it on 127.0.0.1:0; returns when the
/// server has printed its address.
pub fn start_demo(data: &Path) -> DemoServer {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(["demo", "--bind", "127.0.0.1:0"])
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
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap_or(""));
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    DemoServer { child, base }
}
