//! `sokenh audit`: the audit log's hash chain verified.

use super::Ctx;
use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Kiểm tra chuỗi băm / verify the hash chain
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, what: AuditCmd) -> Result<()> {
    match what {
        AuditCmd::Verify { json } => {
            let v = ctx.app()?.verify_audit(&app::Actor::cli())?;
            if json {
                println!("{}", serde_json::to_string(&v)?);
            } else if v.ok {
                println!(
                    "Nhật ký kiểm tra toàn vẹn: {} sự kiện / audit log intact: {} events",
                    v.events, v.events
                );
            } else {
                println!(
                    "NHẬT KÝ BỊ SỬA ĐỔI từ sự kiện {:?} / audit log TAMPERED at event {:?}",
                    v.first_bad, v.first_bad
                );
            }
            if v.ok { Ok(()) } else { std::process::exit(3) }
        }
    }
}
