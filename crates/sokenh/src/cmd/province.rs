//! `sokenh migrate` (a commune's embedded store into the province's PostgreSQL), `sokenh backup`
//! and `sokenh restore`, `sokenh retention` and `sokenh purge`, over `app::province`,
//! `app::backup` and `app::retention`. Progress goes to stderr, and only when it is a terminal;
//! `--json` output is the report alone.

use super::Ctx;
use anyhow::{Result, bail};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A line of progress on stderr, rewritten in place, when stderr is a terminal.
struct Progress {
    on: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            on: std::io::stderr().is_terminal(),
        }
    }

    fn say(&self, what: &str) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{what}");
            let _ = err.flush();
        }
    }

    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

/// A bar of 30 cells for `done` of `total`.
fn bar(done: u64, total: u64) -> String {
    let filled = (done.min(total) * 30).checked_div(total).unwrap_or(30) as usize;
    format!("[{}{}]", "#".repeat(filled), " ".repeat(30 - filled))
}

pub fn migrate(ctx: &Ctx, from: &str, to: &str, tenant: u32, json: bool) -> Result<()> {
    let Some(path) = from.strip_prefix("sqlite://") else {
        bail!("--from phải là sqlite://ĐƯỜNG_DẪN (sổ của xã) / --from must be sqlite://PATH");
    };
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        bail!("--to phải là postgres://… (cơ sở dữ liệu của tỉnh) / --to must be postgres://");
    }
    let dir = ctx.data("sokenh-data");
    let mut target = app::db::open(&dir, Some(to))?;
    let progress = Progress::new();
    let report = app::province::migrate(
        Path::new(path),
        &mut target,
        &dir,
        tenant,
        "cli",
        &mut |table, done, total| {
            progress.say(&format!("{table:<20} {} {done}/{total}", bar(done, total)));
        },
    )?;
    progress.done();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        if report.already_migrated {
            println!(
                "{} ({}) đã được chuyển vào trước đây (sự kiện nối {}): không thêm gì.",
                report.commune, report.tenant, report.audit_bridge
            );
        } else {
            println!(
                "Đã chuyển {} ({}) vào cơ sở dữ liệu của tỉnh: đơn vị {}, sự kiện nối {}, {} tệp.",
                report.commune, report.tenant, report.unit_id, report.audit_bridge, report.files
            );
        }
        println!(
            "{:<22} {:>10} {:>10} {:>8}",
            "bảng", "nguồn", "đã chép", "đã có"
        );
        for (t, c) in &report.tables {
            println!("{t:<22} {:>10} {:>10} {:>8}", c.source, c.copied, c.kept);
        }
        for (old, new) in &report.renamed_units {
            println!("Đơn vị «{old}» có tên ở tỉnh là «{new}».");
        }
        for (old, new) in &report.renamed_accounts {
            println!("Tài khoản «{old}» đăng nhập ở tỉnh bằng «{new}»: báo cho người dùng.");
        }
        println!(
            "{}",
            if report.ok {
                "Khớp: đủ mọi bảng, nhật ký toàn vẹn."
            } else {
                "KHÔNG KHỚP: xem bảng trên."
            }
        );
    }
    if !report.ok {
        std::process::exit(1);
    }
    Ok(())
}

pub fn backup(ctx: &Ctx, file: PathBuf, json: bool) -> Result<()> {
    let progress = Progress::new();
    let report = app::backup::backup(&ctx.data("sokenh-data"), ctx.url(), &file, &mut |step| {
        progress.say(&format!("sao lưu / backing up: {step}…"))
    })?;
    progress.done();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "Đã sao lưu vào {} ({} byte): {} bảng, {} sự kiện nhật ký ({}), {} tệp.",
            report.file.display(),
            report.bytes,
            report.manifest.tables.len(),
            report.manifest.audit_events,
            if report.manifest.audit_ok {
                "toàn vẹn"
            } else {
                "KHÔNG toàn vẹn"
            },
            report.manifest.files
        );
    }
    Ok(())
}

pub fn restore(ctx: &Ctx, file: PathBuf, json: bool) -> Result<()> {
    let progress = Progress::new();
    let report = app::backup::restore(&ctx.data("sokenh-data"), ctx.url(), &file, &mut |step| {
        progress.say(&format!("khôi phục / restoring: {step}…"))
    })?;
    progress.done();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let differ: Vec<_> = report
            .tables
            .iter()
            .filter(|(_, t)| t.expected != t.restored)
            .map(|(name, t)| format!("{name} {}≠{}", t.restored, t.expected))
            .collect();
        println!(
            "Đã khôi phục {} bảng, {} tệp, {} sự kiện nhật ký ({}), {} bài vào chỉ mục.",
            report.tables.len(),
            report.files,
            report.audit_events,
            if report.audit_ok && report.audit_head_matches {
                "toàn vẹn, đúng như bản sao lưu"
            } else {
                "KHÔNG khớp"
            },
            report.indexed
        );
        if !differ.is_empty() {
            println!("Bảng lệch số dòng: {}", differ.join(", "));
        }
    }
    if !report.ok {
        std::process::exit(1);
    }
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum RetentionCmd {
    /// Đặt thời hạn lưu giữ một loại dữ liệu / set how long a category is kept
    Set {
        /// Loại dữ liệu: posts, audit (ít nhất 24 tháng) / the category: posts, audit (24 months
        /// at least)
        category: String,
        /// Số tháng, hoặc «forever» (giữ mãi) / months, or «forever»
        months: String,
    },
}

pub fn retention(ctx: &Ctx, what: Option<RetentionCmd>, json: bool) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    if let Some(RetentionCmd::Set { category, months }) = what {
        let months = match months.as_str() {
            "forever" | "mãi" | "mai" => None,
            m => Some(m.parse::<i64>().map_err(|_| {
                anyhow::anyhow!(
                    "số tháng «{m}» không đọc được: một số, hoặc «forever» / months must be a number or «forever»"
                )
            })?),
        };
        app.set_retention(&cli, &category, months)?;
    }
    let policies = app.retention(&cli)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&policies)?);
        return Ok(());
    }
    for (category, what) in app::retention::CATEGORIES {
        match policies.iter().find(|p| p.category == category) {
            Some(p) => println!(
                "{category}: giữ {} tháng — {what} (đặt bởi {} lúc {})",
                p.months, p.set_by, p.set_at
            ),
            None => println!("{category}: giữ mãi (chưa đặt thời hạn) — {what}"),
        }
    }
    Ok(())
}

pub fn purge(ctx: &Ctx, json: bool) -> Result<()> {
    let app = ctx.app()?;
    let progress = Progress::new();
    let run = app.purge(&app::Actor::cli(), chrono::Utc::now(), &mut |p| {
        progress.say(&format!(
            "xóa bài đăng trước {} / purging posts: {} bài, {} tín hiệu",
            p.before, p.items, p.signals
        ))
    })?;
    progress.done();
    if json {
        println!("{}", serde_json::to_string_pretty(&run)?);
        return Ok(());
    }
    match (&run.posts, &run.audit) {
        (None, None) => {
            println!("Chưa đặt thời hạn lưu giữ nào: không xóa gì (sokenh retention set posts 24).")
        }
        (posts, audit) => {
            if let Some(p) = posts {
                println!(
                    "Bài đăng trước {}: đã xóa {} bài và {} tín hiệu ({} lần ghi nhật ký); giữ lại {} bài vì thuộc hồ sơ vụ việc.",
                    p.before, p.items, p.signals, p.batches, p.kept
                );
            }
            if let Some(a) = audit {
                match (a.through, a.checkpoint) {
                    (Some(through), Some(checkpoint)) => println!(
                        "Nhật ký kiểm toán trước {}: đã xóa {} sự kiện (đến sự kiện {through}); mốc giữ chuỗi là sự kiện {checkpoint}.",
                        a.before, a.events
                    ),
                    _ => println!("Nhật ký kiểm toán trước {}: không có gì để xóa.", a.before),
                }
                if let Some(held) = &a.held_from {
                    println!(
                        "  (giữ lại từ {held}: một hồ sơ còn đang xử lý mở lúc đó, dòng thời gian của nó đọc từ nhật ký)"
                    );
                }
            }
        }
    }
    Ok(())
}
