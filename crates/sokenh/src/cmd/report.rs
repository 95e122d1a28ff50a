//! `sokenh report`: the periodic report as DOCX, XLSX or PDF, audited.

use anyhow::{Context, Result};
use app::today;
use std::path::Path;

pub fn run(
    store: &mut store::Store,
    period: &str,
    format: &str,
    out: &Path,
    date: Option<&str>,
    json: bool,
) -> Result<()> {
    use app::report;
    let period = report::Period::parse(period)?;
    let today = match date {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("ngày «{d}» không hợp lệ"))?,
        None => today(),
    };
    let model = report::build(store, &period, today)?;
    match format {
        "docx" => std::fs::write(out, report::docx::render(&model)?)?,
        "xlsx" => std::fs::write(out, report::xlsx::render(&model)?)?,
        "pdf" => report::pdf::write(&report::docx::render(&model)?, out)?,
        other => anyhow::bail!("định dạng «{other}» không hỗ trợ: docx, xlsx hoặc pdf"),
    }
    store.record(
        "cli",
        "report.export",
        "report",
        serde_json::json!({"period": period.code, "format": format, "file": out.display().to_string(), "items": model.figures.items}),
    )?;
    if json {
        println!("{}", serde_json::to_string(&model)?);
    } else {
        println!(
            "Đã ghi {} ({}, {} bài đăng, {} bảng, {} biểu đồ)",
            out.display(),
            period.label,
            model.figures.items,
            model.tables.len(),
            model.charts.len()
        );
    }
    Ok(())
}
