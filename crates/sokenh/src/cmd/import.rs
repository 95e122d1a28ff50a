//! `sokenh import registry`: an office's register spreadsheet into the store.

use super::Ctx;
use anyhow::Result;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ImportWhat {
    /// Nhập sổ đăng ký từ .xlsx/.csv / import the register spreadsheet
    Registry {
        file: PathBuf,
        /// Đơn vị cho các dòng không ghi đơn vị / unit for rows that name none
        #[arg(long)]
        unit: Option<String>,
        /// Nếu có dòng bị từ chối thì không ghi gì / write nothing if any row is rejected
        #[arg(long)]
        all_or_nothing: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, what: ImportWhat) -> Result<()> {
    match what {
        ImportWhat::Registry {
            file,
            unit,
            all_or_nothing,
            json,
        } => {
            let app = ctx.app()?;
            super::registry::import(&app, &file, unit, all_or_nothing, json)
        }
    }
}
