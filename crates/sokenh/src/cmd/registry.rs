//! The register's commands: import, list, export, coverage, and members' declarations.

use anyhow::{Context, Result};
use clap::Subcommand;
use domain::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use store::Store;

#[derive(Subcommand)]
pub enum RegistryCmd {
    /// Danh sách / list the register
    List {
        #[arg(long)]
        json: bool,
    },
    /// Xuất Excel theo mẫu văn phòng / export to .xlsx in the office layout
    Export { file: PathBuf },
    /// Tỷ lệ kê khai và ký cam kết theo đơn vị / declaration and commitment coverage by unit
    Coverage {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum MemberCmd {
    /// Thêm cán bộ / add a member
    Add {
        #[arg(long)]
        unit: String,
        name: String,
        #[arg(long)]
        position: Option<String>,
    },
    /// Kê khai tham gia trang, nhóm / declare a participation
    Declare {
        #[arg(long)]
        member: i64,
        /// Đường dẫn trang, nhóm (phải có trong sổ) / the community's link (must be registered)
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "member")]
        role: String,
        #[arg(long)]
        since: Option<String>,
    },
    /// Ký cam kết / sign the code-of-conduct commitment
    Sign {
        #[arg(long)]
        member: i64,
        /// Mặc định: phiên bản đang có hiệu lực / default: the version in effect
        #[arg(long)]
        version: Option<String>,
    },
}

pub fn import(
    app: &app::App,
    file: &Path,
    unit: Option<String>,
    all_or_nothing: bool,
    json: bool,
) -> Result<()> {
    let actor = app::Actor::cli();
    let sheet = app
        .read_register(&actor, file, unit)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let source = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("sheet")
        .to_owned();
    let app::register::Imported {
        sheet,
        outcome,
        aborted,
    } = app
        .import_register(&actor, &source, sheet, all_or_nothing)
        .context("ghi vào sổ đăng ký thất bại / writing the register failed")?;
    if json {
        let mut v = json!({
            "inserted": outcome.inserted,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "units_created": outcome.units_created,
            "rejected": sheet.rejected,
            "warnings": sheet.warnings,
        });
        if aborted {
            v["aborted"] = json!(true);
        }
        if let Some(enc) = sheet.legacy_encoding {
            v["legacy_encoding"] = json!(enc);
        }
        println!("{v}");
        return Ok(());
    }
    if let Some(enc) = sheet.legacy_encoding {
        println!("Đã chuyển mã chữ cũ ({enc:?}) sang Unicode.");
    }
    if aborted {
        println!(
            "Không ghi gì vì có {} dòng bị từ chối (--all-or-nothing). / Nothing written.",
            sheet.rejected.len()
        );
    } else {
        println!(
            "Đã đọc {} dòng: thêm mới {}, cập nhật {}, không đổi {}, từ chối {}, cảnh báo {}.",
            sheet.rows_read,
            outcome.inserted,
            outcome.updated,
            outcome.unchanged,
            sheet.rejected.len(),
            sheet.warnings.len()
        );
    }
    if !outcome.units_created.is_empty() {
        println!("Đơn vị mới tạo: {}", outcome.units_created.join(", "));
    }
    for r in &sheet.rejected {
        println!("  TỪ CHỐI dòng {} [{}]: {}", r.row, r.column, r.reason);
    }
    for w in &sheet.warnings {
        println!("  cảnh báo dòng {} [{}]: {}", w.row, w.column, w.reason);
    }
    Ok(())
}

pub fn run(app: &app::App, cmd: RegistryCmd) -> Result<()> {
    let mut pooled = app.store()?;
    let store: &mut Store = &mut pooled;
    match cmd {
        RegistryCmd::List { json } => {
            let all = store.communities()?;
            if json {
                println!("{}", serde_json::to_string(&all)?);
            } else {
                use std::io::Write;
                // A reader that stops early (`| head`) is not an error.
                let mut out = std::io::stdout().lock();
                let _ = writeln!(
                    out,
                    " STT  {:<40} {:<10} {:<8} {:>9}  {:<16} Đường dẫn",
                    "Tên", "Nền tảng", "Loại", "Thành viên", "Trạng thái"
                );
                for (i, c) in all.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{:>4}  {:<40} {:<10} {:<8} {:>9}  {:<16} {}",
                        i + 1,
                        truncate(&c.name, 40),
                        c.platform.label_vi(),
                        c.kind.label_vi(),
                        c.members.map(|m| m.to_string()).unwrap_or_default(),
                        c.status.label_vi(),
                        c.url.as_deref().unwrap_or("(không có đường dẫn)")
                    );
                }
                let _ = writeln!(out, "Tổng cộng: {} trang, kênh, hội, nhóm", all.len());
            }
            Ok(())
        }
        RegistryCmd::Export { file } => {
            let rows = app.export_register(&app::Actor::cli(), &file, "cli")?;
            println!("Đã xuất {rows} dòng ra {} / exported", file.display());
            Ok(())
        }
        RegistryCmd::Coverage { json } => {
            let cov = store.coverage(&app::today().to_string())?;
            if json {
                println!("{}", serde_json::to_string(&cov)?);
            } else {
                println!(
                    "{:<45} {:>8} {:>9} {:>9}",
                    "Đơn vị", "Cán bộ", "Đã khai", "Đã ký"
                );
                for c in &cov {
                    println!(
                        "{:<45} {:>8} {:>9} {:>9}",
                        truncate(&c.unit, 45),
                        c.members,
                        c.declared,
                        c.signed
                    );
                }
            }
            Ok(())
        }
    }
}

pub fn run_member(app: &app::App, cmd: MemberCmd) -> Result<()> {
    let cli = app::Actor::cli();
    match cmd {
        MemberCmd::Add {
            unit,
            name,
            position,
        } => {
            println!("{}", app.add_member(&cli, &unit, &name, position)?);
            Ok(())
        }
        MemberCmd::Declare {
            member,
            url,
            role,
            since,
        } => {
            let role = ParticipationRole::parse_word(&role)
                .with_context(|| format!("vai trò không hợp lệ «{role}» / unknown role"))?;
            let d = app.declare(&cli, MemberId(member), &url, role, since)?;
            println!(
                "{}",
                if d.changed {
                    "Đã kê khai / declared"
                } else {
                    "Không thay đổi / unchanged"
                }
            );
            Ok(())
        }
        MemberCmd::Sign { member, version } => {
            let new = match version {
                Some(v) => app.sign_commitment(&cli, MemberId(member), &v)?,
                None => app.sign_current_commitment(&cli, MemberId(member))?.1,
            };
            println!(
                "{}",
                if new {
                    "Đã ký cam kết / signed"
                } else {
                    "Đã ký phiên bản này trước đó / already signed"
                }
            );
            Ok(())
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}
