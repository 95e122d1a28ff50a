//! `sokenh source`: the office's own channels read through their platforms' APIs — added with
//! a credential file (never printed), listed, and pulled now (`serve` pulls on schedule).

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum SourceCmd {
    /// Thêm kênh chính thức để kéo bình luận qua API / add an official channel as a source
    Add {
        /// facebook | youtube
        platform: String,
        /// Đường dẫn kênh chính thức trong sổ đăng ký
        #[arg(long)]
        channel: String,
        /// Tệp chứa mã truy cập trang (Facebook) hoặc khóa API (YouTube); không in ra
        #[arg(long)]
        credential_file: PathBuf,
        /// Giây giữa hai lần kéo theo lịch
        #[arg(long, default_value_t = 900)]
        interval: i64,
        /// Máy chủ khác nói API của nền tảng (thử nghiệm)
        #[arg(long)]
        api_base: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách nguồn / the sources
    List {
        #[arg(long)]
        json: bool,
    },
    /// Phản hồi trên kênh chính thức (tổng hợp): bình luận mỗi ngày, tỷ lệ được trả lời, bài
    /// được bàn nhiều / the feedback on the official channels, in aggregate
    Feedback {
        /// Từ ngày (YYYY-MM-DD); mặc định 30 ngày trước
        #[arg(long)]
        from: Option<String>,
        /// Đến ngày (YYYY-MM-DD); mặc định hôm nay
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Kiểm tra sổ đăng ký qua API: đổi tên, số người theo dõi, kênh đã mất / the watch on the register
    Watch {
        #[arg(long)]
        json: bool,
    },
    /// Dừng một nguồn: không kéo nữa, xóa mã truy cập / stop a source, its credential wiped
    Stop {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Kéo ngay một nguồn (hoặc tất cả) / pull one source now (or all)
    Pull {
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, what: SourceCmd) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    match what {
        SourceCmd::Add {
            platform,
            channel,
            credential_file,
            interval,
            api_base,
            json,
        } => {
            let credential = std::fs::read_to_string(&credential_file)
                .with_context(|| credential_file.display().to_string())?;
            let s = app.add_source(
                &cli,
                &platform,
                &channel,
                credential.trim(),
                interval,
                api_base.as_deref(),
            )?;
            if json {
                println!(
                    "{}",
                    json!({"id": s.id, "platform": s.platform, "channel": s.channel})
                );
            } else {
                println!(
                    "Đã thêm nguồn #{} ({} {}, mã {}), kéo mỗi {} giây.",
                    s.id, s.platform, s.channel, s.credential_tail, s.interval
                );
            }
            Ok(())
        }
        SourceCmd::List { json } => {
            let all = app.sources(&cli)?;
            if json {
                let rows: Vec<_> = all
                    .iter()
                    .map(|s| {
                        json!({"id": s.id, "platform": s.platform, "channel": s.channel,
                            "last_pull": s.last_pull, "last_error": s.last_error, "cursor": s.cursor,
                            "last_success": s.last_success, "credential": s.credential_tail,
                            "interval": s.interval, "quota_used": s.quota_used})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else {
                for s in &all {
                    println!(
                        "#{:<3} {:<9} {:<48} mã {:<8} lần kéo cuối {}{}",
                        s.id,
                        s.platform,
                        s.channel,
                        s.credential_tail,
                        s.last_pull.as_deref().unwrap_or("—"),
                        s.last_error
                            .as_deref()
                            .map(|e| format!(" — lỗi: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
        SourceCmd::Feedback { from, to, json } => {
            let day = |s: &str| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .with_context(|| format!("ngày «{s}» không đúng dạng YYYY-MM-DD"))
            };
            let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
            let to = to.as_deref().map(day).transpose()?.unwrap_or(today);
            let from = from
                .as_deref()
                .map(day)
                .transpose()?
                .unwrap_or(to - chrono::Duration::days(29));
            let f = app.official_feedback(&cli, from, to)?;
            if json {
                println!("{}", serde_json::to_string(&f)?);
            } else {
                println!(
                    "{} – {}: {} bình luận của người dân, {} được kênh trả lời{}.",
                    f.from,
                    f.to,
                    f.comments,
                    f.answered,
                    f.answered_share
                        .map(|s| format!(" ({:.0}%)", s * 100.0))
                        .unwrap_or_default()
                );
                for d in &f.most_discussed {
                    println!("  {} bình luận: {}", d.comments, d.text);
                }
            }
            Ok(())
        }
        SourceCmd::Stop { id, json } => {
            app.stop_source(&cli, id)?;
            if json {
                println!("{}", json!({"id": id, "stopped": true}));
            } else {
                println!("Đã dừng nguồn #{id}; mã truy cập đã xóa.");
            }
            Ok(())
        }
        SourceCmd::Watch { json } => {
            let r = app.watch_register(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "Đã kiểm tra {} kênh: {} đổi tên, {} không còn, {} cảnh báo giả mạo.",
                    r.checked,
                    r.renamed.len(),
                    r.removed.len(),
                    r.alerts
                );
                for (url, old, new) in &r.renamed {
                    println!("  đổi tên: {url}: «{old}» → «{new}»");
                }
                for url in &r.removed {
                    println!("  không còn: {url}");
                }
                for e in &r.errors {
                    println!("  lỗi: {e}");
                }
            }
            Ok(())
        }
        SourceCmd::Pull { id, json } => {
            let reports = app.pull_sources(&cli, id)?;
            if json {
                println!("{}", serde_json::to_string(&reports)?);
            } else {
                for r in &reports {
                    println!(
                        "nguồn #{}: đọc {} (bình luận {}), mới {}, trùng {}{}",
                        r.source,
                        r.fetched,
                        r.comments,
                        r.inserted,
                        r.duplicates,
                        r.error
                            .as_deref()
                            .map(|e| format!(" — lỗi: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            let failed = reports.iter().filter(|r| r.error.is_some()).count();
            if failed > 0 {
                anyhow::bail!("{failed} nguồn kéo không trọn (xem lỗi)");
            }
            Ok(())
        }
    }
}
