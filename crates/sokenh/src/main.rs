//! `sokenh`: the register of channels. Every command a script may call has `--json` output and
//! exits non-zero, with a message that says what and why, when it fails.

mod db;
mod demo;
mod registry;
mod textcmd;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "sokenh",
    version,
    about = "Sổ kênh: sổ đăng ký trang, kênh, hội, nhóm trên không gian mạng"
)]
struct Cli {
    /// Thư mục dữ liệu / data dir (default ./sokenh-data; `demo` uses ./sokenh-demo)
    #[arg(long, global = true, env = "SOKENH_DATA")]
    data: Option<PathBuf>,
    /// postgres://… for a province server; default: SQLite in the data dir
    #[arg(long, global = true, env = "SOKENH_DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Nhập dữ liệu / import
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Sổ đăng ký / the register
    Registry {
        #[command(subcommand)]
        what: registry::RegistryCmd,
    },
    /// Cán bộ, đảng viên: kê khai và cam kết / members' declarations and commitments
    Member {
        #[command(subcommand)]
        what: registry::MemberCmd,
    },
    /// Nhật ký kiểm tra / audit log
    Audit {
        #[command(subcommand)]
        what: AuditCmd,
    },
    /// Xử lý văn bản tiếng Việt / the Vietnamese text layer
    Text {
        #[command(subcommand)]
        what: textcmd::TextCmd,
    },
    /// Tạo dữ liệu mẫu xã Thạch Quảng / seed the demo commune
    Demo {
        /// Only seed; do not start the server
        #[arg(long)]
        no_serve: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
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

#[derive(Subcommand)]
enum AuditCmd {
    /// Kiểm tra chuỗi băm / verify the hash chain
    Verify {
        #[arg(long)]
        json: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("lỗi / error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let data = |default: &str| cli.data.clone().unwrap_or_else(|| PathBuf::from(default));
    let url = cli.database_url.as_deref();
    match cli.command {
        Command::Text { what } => textcmd::run(what),
        Command::Import {
            what:
                ImportWhat::Registry {
                    file,
                    unit,
                    all_or_nothing,
                    json,
                },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            registry::import(&mut store, &file, unit, all_or_nothing, json)
        }
        Command::Registry { what } => {
            registry::run(&mut db::open(&data("sokenh-data"), url)?, what)
        }
        Command::Member { what } => {
            registry::run_member(&mut db::open(&data("sokenh-data"), url)?, what)
        }
        Command::Audit {
            what: AuditCmd::Verify { json },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let v = store.verify_audit()?;
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
        Command::Demo { no_serve, json } => {
            let dir = data("sokenh-demo");
            let mut store = db::open(&dir, url)?;
            demo::run(&mut store, &dir, json)?;
            if !no_serve && !json {
                println!(
                    "(Máy chủ web chưa có trong bản này; dữ liệu mẫu đã sẵn sàng. / The web server is not in this build yet.)"
                );
            }
            Ok(())
        }
    }
}
