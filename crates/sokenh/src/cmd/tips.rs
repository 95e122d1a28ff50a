//! `sokenh tips`: the tip line's chat channels (the office's Telegram bot, its Zalo Official
//! Account) set up from files holding their credentials, listed (credentials by their last four
//! characters), and the officers' answers still owed in a chat sent now.

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum TipsCmd {
    /// Kênh nhận tin báo qua Telegram, Zalo OA / the chat channels that take tips
    #[command(subcommand)]
    Channel(ChannelCmd),
    /// Gửi ngay các trả lời của cán bộ còn chờ gửi qua Telegram, Zalo / send owed chat replies
    Reply {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ChannelCmd {
    /// Thêm (hoặc thay) kênh / add or replace a channel
    Add {
        /// telegram | zalo
        platform: String,
        /// Tệp chứa mã truy cập (mã bot Telegram; access token của OA Zalo); không in ra
        #[arg(long)]
        credential_file: PathBuf,
        /// Tệp chứa khóa bí mật của webhook (secret_token của setWebhook; OA secret key của Zalo)
        #[arg(long)]
        secret_file: PathBuf,
        /// Máy chủ khác nói API của nền tảng (thử nghiệm)
        #[arg(long)]
        api_base: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách kênh / the channels
    List {
        #[arg(long)]
        json: bool,
    },
}

fn read_secret(path: &PathBuf) -> Result<String> {
    Ok(std::fs::read_to_string(path)
        .with_context(|| path.display().to_string())?
        .trim()
        .to_owned())
}

pub fn run(ctx: &Ctx, what: TipsCmd) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    match what {
        TipsCmd::Channel(ChannelCmd::Add {
            platform,
            credential_file,
            secret_file,
            api_base,
            json,
        }) => {
            let c = app.add_tip_channel(
                &cli,
                &platform,
                &read_secret(&credential_file)?,
                &read_secret(&secret_file)?,
                api_base.as_deref(),
            )?;
            if json {
                println!(
                    "{}",
                    json!({"platform": c.platform, "api_base": c.api_base, "credential": c.credential_tail, "webhook": c.webhook})
                );
            } else {
                println!(
                    "Đã thêm kênh {} (mã {}). Đặt webhook của nền tảng về: https://<máy chủ>{}",
                    c.platform, c.credential_tail, c.webhook
                );
            }
            Ok(())
        }
        TipsCmd::Channel(ChannelCmd::List { json }) => {
            let all = app.tip_channels(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&all)?);
            } else {
                for c in &all {
                    println!(
                        "{:<9} mã {:<8} {:<36} webhook {} (thêm bởi {}, {})",
                        c.platform,
                        c.credential_tail,
                        c.api_base,
                        c.webhook,
                        c.added_by,
                        c.added_at
                    );
                }
            }
            Ok(())
        }
        TipsCmd::Reply { json } => {
            let counts = app.send_tip_replies(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&counts)?);
            } else {
                println!("Đã gửi {} trả lời, lỗi {}.", counts.sent, counts.failed);
                for e in &counts.errors {
                    println!("  {e}");
                }
            }
            if counts.failed > 0 {
                anyhow::bail!("{} trả lời chưa gửi được", counts.failed);
            }
            Ok(())
        }
    }
}
