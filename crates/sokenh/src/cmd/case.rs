//! `sokenh case`: the cases, and a case's takedown request letter.

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
