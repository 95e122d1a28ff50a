//! `cargo xtask bench-tips [N]`: the tip line's instant answer in process (no HTTP): a fresh
//! SQLite data dir with 100,000 shared indicators (`share_bench`'s bundle), then N tips (default
//! 4,000; a known scammer's number one in four, an unknown number, a link or words otherwise)
//! submitted by two threads at once — checked, answered, grouped, stored, audited — with the
//! latency of each: p50, p99, max, and tips per second.

use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

pub fn run(n: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let app = Arc::new(app::App::open(dir.path(), None)?);
    app.store()?
        .create_unit("bench", "Đảng bộ xã Thạch Quảng", None, Some(15199))?;
    app.import_bundle(&app::Actor::cli(), &crate::share_bench::bundle(100_000))?;
    let tip = |i: usize| app::tips::NewTip {
        channel: "api".into(),
        // share_bench's phones are +849{i:08} for i % 20 in 12..=16.
        phone: match i % 4 {
            0 => format!("09{:08}", (i / 20) * 20 + 12),
            1 => format!("08{:08}", i),
            _ => String::new(),
        },
        link: if i % 4 == 2 {
            format!("http://nhan-qua-{i}.xyz/dang-nhap")
        } else {
            String::new()
        },
        text: "Có người nhắn tin bảo tôi chuyển tiền để nhận quà".into(),
        sender: format!("10.0.{}.{}", i / 250 % 250, i % 250),
        ..Default::default()
    };
    // The first tip builds the engine: timed apart.
    let t = Instant::now();
    app.submit_tip(tip(0))?;
    let first = t.elapsed();
    let start = Instant::now();
    let handles: Vec<_> = (0..2)
        .map(|w| {
            let app = app.clone();
            std::thread::spawn(move || -> Result<(Vec<f64>, usize)> {
                let mut times = Vec::new();
                let mut known = 0;
                for i in (1..n).filter(|i| i % 2 == w) {
                    let t = Instant::now();
                    let (_, answer) = app.submit_tip(tip(i))?;
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    known += usize::from(answer.known);
                }
                Ok((times, known))
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut known = 0;
    for h in handles {
        let (t, k) = h.join().expect("a worker")?;
        times.extend(t);
        known += k;
    }
    let wall = start.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "bench-tips: {} tips on two threads against 100,000 shared indicators (SQLite): {:.0} tips/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms; {known} answered as known; the first (engine built) {:.0} ms",
        times.len(),
        times.len() as f64 / wall,
        pct(0.5),
        pct(0.99),
        times.last().copied().unwrap_or(0.0),
        first.as_secs_f64() * 1000.0
    );
    let groups = app.tip_groups(&app::Actor::cli())?;
    println!("  {} groups kept", groups.len());
    Ok(())
}
