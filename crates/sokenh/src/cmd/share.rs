//! `sokenh share`: indicators an officer confirmed, shared with other offices as STIX 2.1
//! bundles — confirmed (`add`), listed, exported, imported from another office, revoked.

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ShareCmd {
    /// Xác nhận một chỉ báo để chia sẻ / confirm an indicator to share
    Add {
        /// url | domain | phone | bank_account
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
        /// Với số điện thoại, số tài khoản: chỉ «scammer» (số của nạn nhân không chia sẻ)
        #[arg(long, default_value = "")]
        role: String,
        /// TLP:CLEAR | TLP:GREEN | TLP:AMBER (mặc định) | TLP:AMBER+STRICT | TLP:RED (không xuất)
        #[arg(long, default_value = "TLP:AMBER")]
        marking: String,
        /// Hồ sơ xác nhận (chỉ lưu tại đơn vị) / the case it was confirmed in
        #[arg(long)]
        case: Option<i64>,
        #[arg(long, default_value = "")]
        name: String,
        /// Số ngày hiệu lực / days until it ends
        #[arg(long)]
        valid_days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách chỉ báo (của đơn vị và nhận được) / the indicators
    List {
        #[arg(long)]
        json: bool,
    },
    /// Ghi gói STIX 2.1 các chỉ báo của đơn vị / write a STIX 2.1 bundle of ours
    Export {
        file: PathBuf,
        /// Chỉ những chỉ báo đổi từ ngày này / only those changed since (YYYY-MM-DD)
        #[arg(long)]
        since: Option<String>,
    },
    /// Nhận gói STIX 2.1 của đơn vị khác / take in another office's bundle
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Thu hồi chỉ báo của đơn vị / retract one of ours
    Revoke {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

pub fn run(ctx: &Ctx, what: ShareCmd) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    match what {
        ShareCmd::Add {
            kind,
            value,
            role,
            marking,
            case,
            name,
            valid_days,
            json,
        } => {
            let i = app.add_indicator(
                &cli,
                app::sharing::NewIndicator {
                    kind,
                    value,
                    role,
                    marking,
                    case,
                    name,
                    valid_days,
                },
            )?;
            if json {
                println!(
                    "{}",
                    json!({"id": i.stix_id, "kind": i.kind, "value": i.value, "marking": i.marking, "valid_until": i.valid_until})
                );
            } else {
                println!(
                    "Đã xác nhận chỉ báo {} ({} {}, {}, hết hạn {}).",
                    i.stix_id,
                    i.kind,
                    i.value,
                    i.marking,
                    i.valid_until.as_deref().unwrap_or("—")
                );
            }
            Ok(())
        }
        ShareCmd::List { json } => {
            let all = app.indicators(&cli)?;
            if json {
                let rows: Vec<_> = all
                    .iter()
                    .map(|i| {
                        json!({
                            "id": i.stix_id, "kind": i.kind, "value": i.value, "origin": i.origin_name,
                            "local": i.local, "modified": i.modified, "valid_until": i.valid_until,
                            "revoked": i.revoked, "marking": i.marking,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for i in &all {
                    println!(
                        "{} {:<12} {:<40} {:<16} {}{}",
                        i.stix_id,
                        i.kind,
                        i.value,
                        i.marking,
                        if i.local {
                            "của đơn vị".to_owned()
                        } else {
                            format!("từ {}", i.origin_name)
                        },
                        if i.revoked { " (đã thu hồi)" } else { "" }
                    );
                }
            }
            Ok(())
        }
        ShareCmd::Export { file, since } => {
            if let Some(d) = &since {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .with_context(|| format!("--since «{d}» không phải ngày YYYY-MM-DD"))?;
            }
            let (bundle, n) = app.export_bundle(&cli, since.as_deref())?;
            std::fs::write(&file, bundle).with_context(|| file.display().to_string())?;
            println!("Đã ghi {n} chỉ báo vào {}", file.display());
            Ok(())
        }
        ShareCmd::Import { file, json } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
            let r = app.import_bundle(&cli, &text)?;
            if json {
                println!(
                    "{}",
                    json!({
                        "added": r.added, "updated": r.updated, "unchanged": r.unchanged, "revoked": r.revoked,
                        "rejected": r.rejected.iter().map(|(id, why)| json!({"id": id, "reason": why})).collect::<Vec<_>>(),
                    })
                );
            } else {
                println!(
                    "Thêm {}, cập nhật {}, không đổi {}, thu hồi {}, không nhận {}.",
                    r.added,
                    r.updated,
                    r.unchanged,
                    r.revoked,
                    r.rejected.len()
                );
                for (id, why) in &r.rejected {
                    println!("  {id}: {why}");
                }
            }
            Ok(())
        }
        ShareCmd::Revoke { id, reason } => {
            let i = app.revoke_indicator(&cli, &id, &reason)?;
            println!(
                "Đã thu hồi chỉ báo {} ({}); lần xuất sau mang theo việc thu hồi.",
                i.stix_id, i.value
            );
            Ok(())
        }
    }
}
