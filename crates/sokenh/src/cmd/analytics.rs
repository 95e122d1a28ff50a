//! `sokenh analytics`: spikes, content spreading across pages, and the early-warning watch that
//! raises alerts for them — aggregates only, never per person.

use super::Ctx;
use anyhow::{Context, Result};
use app::today;
use clap::{Args, Subcommand};

/// The days a command looks at, and how it answers.
#[derive(Args)]
pub struct Span {
    /// Từ ngày / from this day, YYYY-MM-DD
    #[arg(long)]
    since: String,
    /// Đến ngày (mặc định hôm nay) / until this day
    #[arg(long)]
    until: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum AnalyticsCmd {
    /// Nội dung sai sự thật, lừa đảo lan qua nhiều trang, nhóm / claims and scams spreading
    Spread(Span),
    /// Cảnh báo sớm: lập cảnh báo cho đột biến theo loại và nội dung lan rộng / raise alerts
    Watch(Span),
    /// Đột biến trên mọi chuỗi số liệu / spikes on every series
    Spikes(Span),
}

pub fn run(ctx: &Ctx, what: AnalyticsCmd) -> Result<()> {
    let cli = app::Actor::cli();
    match what {
        AnalyticsCmd::Spread(Span { since, until, json }) => {
            let (since, until) = span(&since, until.as_deref())?;
            let found = ctx.app()?.spreading(&cli, since, until)?;
            let none = format!("Không có nội dung nào lan rộng từ {since}.");
            print_each(&found, json, &none, spread_line)
        }
        AnalyticsCmd::Watch(Span { since, until, json }) => {
            let (since, until) = span(&since, until.as_deref())?;
            let watch = ctx.app()?.watch(&cli, since, until)?;
            let mut shown = Vec::new();
            for (a, path) in &watch.alerts {
                let mut v = serde_json::to_value(a)?;
                v["chart"] = serde_json::json!(path);
                shown.push(v);
            }
            if json {
                println!(
                    "{}",
                    serde_json::json!({"spikes": watch.spikes, "spreading": watch.spreading, "alerts": shown, "alerts_raised": watch.raised})
                );
            } else {
                println!(
                    "{} đột biến, {} nội dung lan rộng; {} cảnh báo mới.",
                    watch.spikes.len(),
                    watch.spreading.len(),
                    watch.raised
                );
                for a in &shown {
                    println!(
                        "  ⚑ {} {} (biểu đồ: {})",
                        a["category"], a["explanation"], a["chart"]
                    );
                }
            }
            Ok(())
        }
        AnalyticsCmd::Spikes(Span { since, until, json }) => {
            let (since, until) = span(&since, until.as_deref())?;
            let found = ctx.app()?.spikes(&cli, since, until)?;
            print_each(
                &found,
                json,
                &format!("Không có đột biến từ {since}."),
                spike_line,
            )
        }
    }
}

fn spread_line(s: &analytics::spread::Spread) -> String {
    format!(
        "{}  {} «{}»: {} trang, nhóm (từ {}), {} bài",
        s.at,
        s.category,
        s.reference,
        s.communities,
        s.first_at,
        s.items.len()
    )
}

fn spike_line(s: &analytics::spikes::Spike) -> String {
    format!(
        "{}  {:<28} {:>6} (mức thường {:>6}, mức độ {:.1})",
        s.at, s.series, s.value, s.baseline, s.score
    )
}

/// `--since` and `--until` (default today) as dates.
fn span(since: &str, until: Option<&str>) -> Result<(chrono::NaiveDate, chrono::NaiveDate)> {
    let day = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .with_context(|| format!("ngày «{s}» không hợp lệ (YYYY-MM-DD)"))
    };
    Ok((
        day(since)?,
        match until {
            Some(u) => day(u)?,
            None => today(),
        },
    ))
}

/// Rows as JSON for `--json`, else a line each, or `none` when there are none.
fn print_each<T: serde::Serialize>(
    rows: &[T],
    json: bool,
    none: &str,
    line: impl Fn(&T) -> String,
) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(rows)?);
    } else if rows.is_empty() {
        println!("{none}");
    } else {
        for r in rows {
            println!("{}", line(r));
        }
    }
    Ok(())
}
