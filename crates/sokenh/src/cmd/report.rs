//! `sokenh report`: the periodic report as DOCX, XLSX or PDF, made by the same use case as the
//! web's (`App::make_report`, audited with the audit chain's anchor).

use super::Ctx;
use anyhow::{Context, Result};
use app::reports::Format;
use app::today;
use std::path::Path;

pub fn run(
    ctx: &Ctx,
    period: &str,
    format: &str,
    out: &Path,
    date: Option<&str>,
    json: bool,
) -> Result<()> {
    let period = app::report::Period::parse(period)?;
    let today = match date {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("ngày «{d}» không hợp lệ"))?,
        None => today(),
    };
    let Some(format) = Format::parse(format) else {
        anyhow::bail!("định dạng «{format}» không hỗ trợ: docx, xlsx hoặc pdf");
    };
    let app = ctx.app()?;
    let file = out.display().to_string();
    let actor = app::Actor::cli();
    let made = app.make_report(&actor, &period, format, today)?;
    std::fs::write(out, &made.bytes).with_context(|| format!("không ghi được {file}"))?;
    app.record_report(&actor, &made, format, Some(&file))?;
    let model = &made.model;
    if json {
        println!("{}", serde_json::to_string(model)?);
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
