//! `sokenh evaluation`: the year's proposed evaluation of units and members, every point with
//! the audit events behind it (`--json`: `[{"unit", "member", "criteria": [{"id", "label",
//! "points", "max", "evidence"}], "total"}]`), and a person's adjustment of one criterion with
//! its reason (`evaluation adjust`).

use super::Ctx;
use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EvaluationArgs {
    #[command(subcommand)]
    pub what: Option<EvaluationCmd>,
    /// Năm đánh giá / the year
    #[arg(long)]
    pub year: Option<i32>,
    /// Chỉ một đơn vị / one unit only
    #[arg(long)]
    pub unit: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum EvaluationCmd {
    /// Điều chỉnh điểm một tiêu chí, có lý do / set a criterion's points, with the reason
    Adjust {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        unit: String,
        /// Mã cán bộ (bỏ trống: tiêu chí của đơn vị) / the member's id (none: the unit's)
        #[arg(long)]
        member: Option<i64>,
        #[arg(long)]
        criterion: String,
        #[arg(long)]
        points: u32,
        #[arg(long)]
        reason: String,
    },
    /// Xuất đánh giá của một đơn vị (DOCX hoặc XLSX theo đuôi tệp) / export a unit's evaluation
    Export {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        unit: String,
        /// danh-gia.docx | danh-gia.xlsx
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

pub fn run(ctx: &Ctx, args: EvaluationArgs) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    match args.what {
        Some(EvaluationCmd::Adjust {
            year,
            unit,
            member,
            criterion,
            points,
            reason,
        }) => {
            app.adjust_evaluation(&cli, year, &unit, member, &criterion, points, &reason)?;
            println!("Đã điều chỉnh tiêu chí «{criterion}» thành {points} điểm (ghi vào nhật ký).");
            Ok(())
        }
        Some(EvaluationCmd::Export { year, unit, out }) => {
            let format = match out.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("docx") => app::evaluation::Format::Docx,
                Some(e) if e.eq_ignore_ascii_case("xlsx") => app::evaluation::Format::Xlsx,
                _ => anyhow::bail!("--out phải là tệp .docx hoặc .xlsx"),
            };
            let bytes = app.evaluation_document(&cli, year, &unit, format)?;
            std::fs::write(&out, &bytes).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
            println!(
                "Đã ghi đánh giá năm {year} của {unit} vào {}",
                out.display()
            );
            Ok(())
        }
        None => {
            let year = args
                .year
                .unwrap_or_else(|| chrono::Datelike::year(&app.today()));
            let rows = app.evaluation(&cli, year, args.unit.as_deref())?;
            if args.json {
                let out: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        json!({
                            "unit": r.unit,
                            "member": r.member,
                            "member_id": r.member_id,
                            "criteria": r.criteria,
                            "total": r.total,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string(&out)?);
            } else {
                for r in &rows {
                    match &r.member {
                        None => println!("\n{} — đơn vị: {}/100", r.unit, r.total),
                        Some(m) => println!("  {:<32} {:>3}/100", m, r.total),
                    }
                    if r.member.is_none() {
                        for c in &r.criteria {
                            println!(
                                "    {:<58} {:>2}/{:<2} ({})",
                                c.label, c.points, c.max, c.basis
                            );
                        }
                    }
                }
            }
            Ok(())
        }
    }
}
