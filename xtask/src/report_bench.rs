//! `cargo xtask bench-report [POSTS]`: analytics and the periodic report over POSTS (default
//! 1,000,000) generated posts in SQLite — the figures (every query and the analytics), then the
//! report in DOCX, XLSX and PDF — for a month, and for the whole year.

use anyhow::Result;
use std::time::Instant;

pub fn run(posts: u64) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let corpus = dir.path().join("corpus.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
        ingest::corpus::generate(1, posts, 2000, 12, &mut f)?;
    }
    let data = dir.path().join("data");
    let t = Instant::now();
    let mut store = app::db::open(&data, None)?;
    store.create_unit("bench", "Đảng bộ xã Thạch Quảng", None, Some(15199))?;
    let opts = app::posts::Options {
        format: None,
        community: None,
        screen: true,
    };
    let loaded = app::posts::ingest_file(&mut store, &data, &corpus, opts)?;
    println!(
        "loaded {} posts (screened: {} signals) in {:.0} s (not part of the figures below)",
        loaded.inserted,
        loaded.signals,
        t.elapsed().as_secs_f64()
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    for code in ["2026-10", "2026"] {
        let period = app::report::Period::parse(code)?;
        let t = Instant::now();
        let model = app::report::build(&mut store, &period, today)?;
        let figures = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let docx = app::report::docx::render(&model)?;
        let docx_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let xlsx = app::report::xlsx::render(&model)?;
        let xlsx_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let pdf = dir.path().join(format!("{code}.pdf"));
        let pdf_result = app::report::pdf::write(&docx, &pdf);
        let pdf_s = t.elapsed().as_secs_f64();
        println!(
            "{code:>7}: {} posts in the period; figures and analytics {figures:.2} s, DOCX {docx_s:.2} s ({} kB), XLSX {xlsx_s:.2} s ({} kB), PDF {} — all three formats {:.2} s",
            model.figures.items,
            docx.len() / 1024,
            xlsx.len() / 1024,
            match &pdf_result {
                Ok(()) => format!("{pdf_s:.2} s"),
                Err(e) => format!("not made ({e})"),
            },
            figures + docx_s + xlsx_s + pdf_s
        );
    }
    println!("peak memory {}", crate::posts_bench::peak_memory());
    Ok(())
}
