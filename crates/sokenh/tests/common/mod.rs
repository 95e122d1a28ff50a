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
