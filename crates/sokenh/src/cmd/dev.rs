//! `sokenh dev`: development tools (the synthetic corpus).

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum DevCmd {
    /// Kho bài đăng tổng hợp (JSONL) / a synthetic corpus of posts (JSONL)
    Corpus {
        #[arg(long, default_value_t = 10_000)]
        posts: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 500)]
        communities: u64,
        #[arg(long, default_value_t = 6)]
        months: u64,
        /// Ghi ra tệp thay vì stdout / write to a file
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn run(_ctx: &Ctx, what: DevCmd) -> Result<()> {
    match what {
        DevCmd::Corpus {
            posts,
            seed,
            communities,
            months,
            out,
        } => {
            match out {
                Some(path) => {
                    let mut f = std::io::BufWriter::new(
                        std::fs::File::create(&path)
                            .with_context(|| format!("không tạo được {}", path.display()))?,
                    );
                    ingest::corpus::generate(seed, posts, communities, months, &mut f)?;
                    std::io::Write::flush(&mut f)?;
                }
                None => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    ingest::corpus::generate(seed, posts, communities, months, &mut out)?;
                    std::io::Write::flush(&mut out)?;
                }
            }
            Ok(())
        }
    }
}
