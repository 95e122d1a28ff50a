//! `cargo xtask bench-share [N]`: sharing at a province's scale. A STIX 2.1 bundle of N
//! indicators (default 100,000: domains, URLs, scammers' phone numbers and accounts) from
//! another office, imported into a fresh SQLite data dir (JSON read, each pattern parsed and its
//! value made canonical, one transaction, one audit event), then imported again (everything
//! unchanged: what a pull that brings nothing new costs); then screening of the standard corpus
//! (20,000 posts, one core, best of 3) with the engine built from the store with no shared
//! indicator and with the N received ones, and the slowdown between them.

use anyhow::Result;
use std::time::Instant;

/// A bundle of `n` indicators from another office (also `tips_bench`'s).
pub(crate) fn bundle(n: usize) -> String {
    let mut objects = vec![serde_json::json!({
        "type": "identity", "spec_version": "2.1",
        "id": "identity--6f1c2a3e-8d4b-5c6a-9e7f-0a1b2c3d4e5f",
        "created": "2025-07-01T00:00:00.000Z", "modified": "2025-07-01T00:00:00.000Z",
        "name": "Công an tỉnh (bench)", "identity_class": "organization",
    })];
    for i in 0..n {
        let (kind, value) = match i % 20 {
            0..=7 => ("domain", format!("lua-dao-{i}.top")),
            8..=11 => ("url", format!("http://nhan-qua-{i}.xyz/dang-nhap")),
            12..=16 => ("phone", format!("+849{:08}", i)),
            _ => ("bank_account", format!("1903{:08}", i)),
        };
        objects.push(serde_json::json!({
            "type": "indicator", "spec_version": "2.1",
            "id": format!("indicator--{}", app::sharing::uuid5(&[7; 16], &format!("{kind}:{value}"))),
            "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
            "created_by_ref": "identity--6f1c2a3e-8d4b-5c6a-9e7f-0a1b2c3d4e5f",
            "indicator_types": ["malicious-activity"],
            "pattern": app::sharing::pattern(kind, &value), "pattern_type": "stix",
            "valid_from": "2026-11-01T00:00:00.000Z", "valid_until": "2030-01-01T00:00:00.000Z",
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
        }));
    }
    serde_json::json!({"type": "bundle", "id": "bundle--5d0f6a1c-0b7e-4f43-9b1e-8e2f1a0c9d11", "objects": objects})
        .to_string()
}

pub fn run(n: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let app = app::App::open(dir.path(), None)?;
    app.store()?
        .create_unit("bench", "Đảng bộ xã Thạch Quảng", None, Some(15199))?;
    let cli = app::Actor::cli();
    let text = bundle(n);
    println!(
        "bench-share: a bundle of {n} indicators ({:.1} MB) from another office, SQLite",
        text.len() as f64 / 1e6
    );

    let mut buf = Vec::new();
    ingest::corpus::generate(42, 20_000, 2_000, 12, &mut buf)?;
    let texts: Vec<String> = String::from_utf8(buf)?
        .lines()
        .filter_map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v["text"].as_str().map(str::to_owned))
        })
        .collect();
    let screen = |engine: &detect::Engine| {
        let mut best = f64::INFINITY;
        let mut signals = 0;
        for _ in 0..3 {
            let t = Instant::now();
            signals = texts.iter().map(|t| engine.screen(t).len()).sum::<usize>();
            best = best.min(t.elapsed().as_secs_f64());
        }
        (texts.len() as f64 / best, signals)
    };
    let engine = app::screening::engine(&mut *app.store()?, dir.path())?;
    let (without, s_without) = screen(&engine);

    let t = Instant::now();
    let r = app.import_bundle(&cli, &text)?;
    let first = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        r.added == n as u64 && r.rejected.is_empty(),
        "import: {r:?}"
    );
    println!(
        "  import (all added):    {first:.2} s, {:.0} objects/s",
        n as f64 / first
    );
    let t = Instant::now();
    let r = app.import_bundle(&cli, &text)?;
    let again = t.elapsed().as_secs_f64();
    anyhow::ensure!(r.added == 0 && r.unchanged == n as u64, "re-import: {r:?}");
    println!(
        "  import again (none new): {again:.2} s, {:.0} objects/s",
        n as f64 / again
    );

    let t = Instant::now();
    let engine = app::screening::engine(&mut *app.store()?, dir.path())?;
    let build = t.elapsed().as_secs_f64();
    let (with, s_with) = screen(&engine);
    println!(
        "  screening {} posts, one core, best of 3: without shared indicators {without:.0} posts/s ({s_without} signals); with {n}: {with:.0} posts/s ({s_with} signals); slowdown {:.1} % (engine built in {build:.2} s)",
        texts.len(),
        (without / with - 1.0) * 100.0
    );
    Ok(())
}
