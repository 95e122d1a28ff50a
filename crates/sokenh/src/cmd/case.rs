//! `sokenh case`: the cases, a case's takedown request letter, merging whole cases and taking
//! one out again, the cases past their deadline, the deadlines, and how quickly cases were
//! handled.

use super::Ctx;
use anyhow::{Context, Result};
use app::today;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CaseCmd {
    /// Danh sách hồ sơ / list the cases
    List {
        #[arg(long)]
        json: bool,
    },
    /// Gộp hồ sơ vào một hồ sơ / merge whole cases into one
    Merge {
        /// Hồ sơ nhận / the case they go into
        into: i64,
        /// Các hồ sơ gộp vào / the cases merged
        #[arg(required = true)]
        cases: Vec<i64>,
    },
    /// Tách hồ sơ đã gộp ra như trước / take a merged case out again
    Unmerge { id: i64 },
    /// Hồ sơ quá hạn / the cases past their deadline
    Overdue {
        #[arg(long)]
        json: bool,
    },
    /// Thời hạn xử lý theo loại và mức độ / the deadlines by category and severity
    Deadlines {
        #[arg(long)]
        json: bool,
    },
    /// Đặt thời hạn (giờ) cho một loại (hoặc *) và mức độ / set a deadline in hours
    SetDeadline {
        /// scam, impersonation, … hoặc * (mọi loại)
        #[arg(long)]
        category: String,
        /// high | medium | low
        #[arg(long)]
        severity: String,
        /// Số giờ; bỏ trống để trở lại mặc định / hours; leave out for the built-in one
        #[arg(long)]
        hours: Option<i64>,
    },
    /// Thời gian xử lý của các hồ sơ mở trong kỳ / how quickly the period's cases were handled
    Times {
        /// 2026-11, 2026-Q4 hoặc 2026
        #[arg(long)]
        period: String,
        #[arg(long)]
        json: bool,
    },
    /// Công văn đề nghị gỡ bỏ của hồ sơ (DOCX) / the case's takedown request letter
    Letter {
        id: i64,
        #[arg(long)]
        out: PathBuf,
        /// Ngày ghi trên công văn (mặc định hôm nay) / date on the letter, YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
    },
}

pub fn run(ctx: &Ctx, what: CaseCmd) -> Result<()> {
    match what {
        CaseCmd::List { json } => {
            let cases = ctx.app()?.cases(&app::Actor::cli())?;
            if json {
                println!("{}", serde_json::to_string(&cases)?);
            } else {
                for c in &cases {
                    println!(
                        "#{:<4} {:<12} {:<14} {}",
                        c.id,
                        c.status.label_vi(),
                        c.category.label_vi(),
                        c.title
                    );
                }
            }
            Ok(())
        }
        CaseCmd::Merge { into, cases } => {
            ctx.app()?.merge_cases(&app::Actor::cli(), into, &cases)?;
            println!(
                "Đã gộp {} vào hồ sơ #{into}.",
                cases
                    .iter()
                    .map(|c| format!("#{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(())
        }
        CaseCmd::Unmerge { id } => {
            let from = ctx.app()?.unmerge_case(&app::Actor::cli(), id)?;
            println!("Đã tách hồ sơ #{id} khỏi hồ sơ #{from}.");
            Ok(())
        }
        CaseCmd::Overdue { json } => {
            let late = ctx.app()?.overdue_cases(&app::Actor::cli())?;
            if json {
                println!("{}", serde_json::to_string(&late)?);
            } else if late.is_empty() {
                println!("Không có hồ sơ quá hạn.");
            } else {
                for c in &late {
                    println!(
                        "#{:<4} hạn {}  {:<12} {}  {}",
                        c.id,
                        c.due_at.as_deref().unwrap_or(""),
                        c.status.label_vi(),
                        c.assignee.as_deref().unwrap_or("(chưa giao)"),
                        c.title
                    );
                }
            }
            Ok(())
        }
        CaseCmd::Deadlines { json } => {
            let rows = ctx.app()?.case_deadlines(&app::Actor::cli())?;
            if json {
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for d in &rows {
                    println!(
                        "{:<16} {:<8} {:>5} giờ{}",
                        d.category,
                        d.severity,
                        d.hours,
                        if d.set_by_office {
                            ""
                        } else {
                            " (mặc định)"
                        }
                    );
                }
            }
            Ok(())
        }
        CaseCmd::SetDeadline {
            category,
            severity,
            hours,
        } => {
            ctx.app()?
                .set_case_deadline(&app::Actor::cli(), &category, &severity, hours)?;
            match hours {
                Some(h) => println!("Thời hạn {category}/{severity}: {h} giờ."),
                None => println!("Thời hạn {category}/{severity}: trở lại mặc định."),
            }
            Ok(())
        }
        CaseCmd::Times { period, json } => {
            let p = app::report::Period::parse(&period).map_err(|e| anyhow::anyhow!("{e}"))?;
            let t = ctx.app()?.case_times(
                &app::Actor::cli(),
                &p.from.to_string(),
                &p.to.to_string(),
            )?;
            if json {
                println!("{}", serde_json::to_string(&t)?);
            } else {
                let h = |x: Option<f64>| x.map_or("—".into(), |h| format!("{h:.1} giờ"));
                println!("Hồ sơ mở trong {}: {}", p.label, t.opened);
                println!(
                    "  đến hành động đầu tiên (trung vị): {} ({} hồ sơ)",
                    h(t.median_hours_to_first_action),
                    t.acted_on
                );
                println!(
                    "  đến khi đóng (trung vị): {} ({} hồ sơ: {} đúng hạn, {} trễ hạn)",
                    h(t.median_hours_to_close),
                    t.closed,
                    t.closed_within_deadline,
                    t.closed_late
                );
                println!("  đang quá hạn: {}", t.overdue_now);
            }
            Ok(())
        }
        CaseCmd::Letter { id, out, date } => {
            let mut store = ctx.store()?;
            let day = match date {
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .with_context(|| format!("ngày «{d}» không hợp lệ (YYYY-MM-DD)"))?,
                None => today(),
            };
            let bytes = app::report::letter::docx_for_case(&mut store, id, day, "cli")?;
            std::fs::write(&out, &bytes).with_context(|| format!("ghi {}", out.display()))?;
            println!("Đã ghi công văn của hồ sơ #{id} vào {}", out.display());
            Ok(())
        }
    }
}
