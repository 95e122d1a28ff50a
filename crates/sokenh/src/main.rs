//! `sokenh`: the register of channels. Every command a script may call has `--json` output and
//! exits non-zero, with a message that says what and why, when it fails.

mod cmd;
mod config;
mod demo;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Tệp cấu hình TOML (gói Debian: /etc/sokenh/sokenh.toml) / a configuration file
    #[arg(long, global = true, env = "SOKENH_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Nhập dữ liệu / import
    Import {
        #[command(subcommand)]
        what: cmd::import::ImportWhat,
    },
    /// Sổ đăng ký / the register
    Registry {
        #[command(subcommand)]
        what: cmd::registry::RegistryCmd,
    },
    /// Cán bộ, đảng viên: kê khai và cam kết / members' declarations and commitments
    Member {
        #[command(subcommand)]
        what: cmd::registry::MemberCmd,
    },
    /// Đánh giá năm của đơn vị và cán bộ (đề xuất điểm, có căn cứ) / the year's evaluation
    Evaluation(cmd::evaluation::EvaluationArgs),
    /// Chia sẻ chỉ báo đã xác nhận với đơn vị khác (STIX 2.1) / share confirmed indicators
    Share {
        #[command(subcommand)]
        what: cmd::share::ShareCmd,
    },
    /// Kênh chính thức đọc qua API của nền tảng / the office's channels read through their APIs
    Source {
        #[command(subcommand)]
        what: cmd::source::SourceCmd,
    },
    /// Đường dây tin báo: kênh Telegram, Zalo và trả lời / the tip line's chat channels
    Tips {
        #[command(subcommand)]
        what: cmd::tips::TipsCmd,
    },
    /// Thư viện văn bản: chỉ thị, quy tắc ứng xử, quy chế / the rules library
    Library {
        #[command(subcommand)]
        what: cmd::library::LibraryCmd,
    },
    /// Nhật ký kiểm tra / audit log
    Audit {
        #[command(subcommand)]
        what: cmd::audit::AuditCmd,
    },
    /// Xử lý văn bản tiếng Việt / the Vietnamese text layer
    Text {
        #[command(subcommand)]
        what: cmd::text::TextCmd,
    },
    /// Nhập bài đăng (tệp, thư mục hộp thư, hoặc URL RSS/Atom) / ingest posts
    Ingest(cmd::posts::IngestArgs),
    /// Tìm bài đăng / search posts
    Search(cmd::posts::SearchArgs),
    /// Dựng lại chỉ mục tìm kiếm từ cơ sở dữ liệu / rebuild the search index from the store
    Reindex,
    /// Sổ thông tin đã kiểm chứng / the fact-check register
    Factcheck {
        #[command(subcommand)]
        what: cmd::detect::FactcheckCmd,
    },
    /// Bộ luật phát hiện / rule packs
    Rules {
        #[command(subcommand)]
        what: cmd::detect::RulesCmd,
    },
    /// Mô hình học máy: huấn luyện, chạy thử, đưa vào dùng / the learned layer
    Model {
        #[command(subcommand)]
        what: cmd::detect::ModelCmd,
    },
    /// Danh sách chặn/cho phép đường dẫn / URL block and allow lists
    Blocklist {
        #[command(subcommand)]
        what: cmd::detect::BlocklistCmd,
    },
    /// Tín hiệu phát hiện / signals
    Signals {
        #[command(subcommand)]
        what: cmd::detect::SignalsCmd,
    },
    /// Rà soát lại bài đăng đã lưu / (re)screen stored items
    Scan {
        /// Tất cả bài, không chỉ bài mới / every item, not only new ones
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Sàng lọc từng dòng đầu vào: tín hiệu và lý do không gắn cờ / screen each stdin line:
    /// its signals, and the rules held back by a warning or a negation
    Screen {
        #[arg(long)]
        json: bool,
    },
    /// Đánh giá bộ phát hiện trên tập có nhãn / precision and recall on labelled sets
    Eval {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Ảnh: mã PDQ, nguồn gốc, ảnh đại diện, OCR / pictures: PDQ, provenance, avatars, OCR
    Media {
        #[command(subcommand)]
        what: cmd::media::MediaCmd,
    },
    /// Trang giả mạo trang chính thức / impersonation of official channels
    Impersonation {
        #[command(subcommand)]
        what: cmd::media::ImpersonationCmd,
    },
    /// Báo cáo định kỳ (DOCX theo Hướng dẫn 36, XLSX phụ lục, PDF) / the periodic report
    Report {
        /// 2026-11 (tháng), 2026-Q4 (quý) hoặc 2026 (năm)
        #[arg(long)]
        period: String,
        /// docx | xlsx | pdf
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// Ngày ghi trên báo cáo (mặc định hôm nay) / date on the report, YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
        /// In mô hình báo cáo dạng JSON / also print the report model as JSON
        #[arg(long)]
        json: bool,
    },
    /// Hồ sơ xử lý / cases
    Case {
        #[command(subcommand)]
        what: cmd::case::CaseCmd,
    },
    /// Phân tích dư luận (tổng hợp, không theo cá nhân) / aggregate analytics
    Analytics {
        #[command(subcommand)]
        what: cmd::analytics::AnalyticsCmd,
    },
    /// Công cụ phát triển / development tools
    Dev {
        #[command(subcommand)]
        what: cmd::dev::DevCmd,
    },
    /// Tạo dữ liệu mẫu xã Thạch Quảng và mở ứng dụng web / seed the demo commune and serve it
    Demo {
        /// Only seed; do not start the server
        #[arg(long)]
        no_serve: bool,
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        #[arg(long)]
        json: bool,
    },
    /// Chạy ứng dụng web / serve the web application
    Serve {
        /// Địa chỉ phục vụ (mặc định 127.0.0.1:8080) / the address to serve on
        #[arg(long)]
        bind: Option<String>,
        /// Cookie chỉ gửi qua HTTPS (khi chạy sau TLS) / Secure cookies behind TLS
        #[arg(long)]
        secure_cookies: bool,
        /// Chứng chỉ TLS (PEM): phục vụ HTTPS / serve HTTPS with this certificate chain
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// Khóa riêng TLS (PEM) / the certificate's private key
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Chứng chỉ HTTPS / TLS certificates
    Tls {
        #[command(subcommand)]
        what: cmd::serve::TlsCmd,
    },
    /// Kiểm tra cài đặt: cơ sở dữ liệu, nhật ký, đĩa, chỉ mục, công cụ, đồng hồ / the operator's
    /// checks; exit 1 when one fails
    Doctor {
        /// Dung lượng trống tối thiểu, GiB / the free space the disk check asks for, in GiB
        #[arg(long, default_value_t = 1.0)]
        min_free: f64,
        /// Chứng chỉ TLS của máy chủ (PEM): kiểm tra hạn / the server's certificate, for its expiry
        #[arg(long)]
        tls_cert: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Chuyển sổ của một xã vào cơ sở dữ liệu PostgreSQL của tỉnh / move a commune's store into
    /// the province's database
    Migrate {
        /// sqlite://ĐƯỜNG_DẪN/sokenh.db: sổ của xã / the commune's store
        #[arg(long)]
        from: String,
        /// postgres://…: cơ sở dữ liệu của tỉnh / the province's database
        #[arg(long)]
        to: String,
        /// Mã xã theo danh mục GSO (mã của đơn vị gốc) / the commune's GSO code
        #[arg(long)]
        tenant: u32,
        #[arg(long)]
        json: bool,
    },
    /// Sao lưu cơ sở dữ liệu và tệp minh chứng vào một tệp / back up the store and its files
    Backup {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Khôi phục từ bản sao lưu vào nơi trống, rồi kiểm tra; mã 0 chỉ khi khớp / restore a
    /// backup into an empty place and check it; exit 0 only when it matches
    Restore {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Thời hạn lưu giữ từng loại dữ liệu; `set posts 24`, `set audit 60` / how long each
    /// category of data is kept
    Retention {
        #[command(subcommand)]
        what: Option<cmd::province::RetentionCmd>,
        #[arg(long, global = true)]
        json: bool,
    },
    /// Xóa dữ liệu quá hạn lưu giữ (có ghi nhật ký) / purge what is past its retention
    /// (audited)
    Purge {
        #[arg(long)]
        json: bool,
    },
    /// Quản trị tài khoản / accounts
    Admin {
        #[command(subcommand)]
        what: cmd::admin::AdminCmd,
    },
}

fn main() {
    // A reader that stops early (`sokenh … --json | head`) closes our stdout: end quietly, with
    // the status a Unix tool killed by SIGPIPE has, instead of a panic message.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    let cli = Cli::parse();
    let data_dir = cli.data.clone();
    if let Err(e) = run(cli) {
        let broken_pipe = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            std::process::exit(141);
        }
        eprintln!("lỗi / error: {e:#}");
        if let Some(hint) = storage_hint(&e, data_dir.as_deref()) {
            eprintln!("{hint}");
        }
        std::process::exit(1);
    }
}

/// When an error comes from a data dir that cannot be written (read-only, full, not ours), a
/// line naming the directory and what to check.
fn storage_hint(e: &anyhow::Error, data_dir: Option<&std::path::Path>) -> Option<String> {
    use std::io::ErrorKind;
    let io = e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                ErrorKind::PermissionDenied
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::StorageFull
                    | ErrorKind::QuotaExceeded
            )
        })
    });
    let text = format!("{e:#}").to_lowercase();
    let sqlite = ["readonly", "read-only", "disk is full", "disk i/o error"]
        .iter()
        .any(|w| text.contains(w));
    (io || sqlite).then(|| {
        let dir = data_dir.unwrap_or(std::path::Path::new("sokenh-data"));
        format!(
            "Thư mục dữ liệu {} không ghi được (chỉ đọc, hết chỗ hoặc không có quyền): kiểm tra quyền và dung lượng đĩa. / The data dir {} cannot be written (read-only, full or not permitted).",
            dir.display(),
            dir.display()
        )
    })
}

fn run(cli: Cli) -> Result<()> {
    let config = match &cli.config {
        Some(path) => config::Config::read(path)?,
        None => config::Config::default(),
    };
    let ctx = cmd::Ctx {
        data: cli.data.or(config.data),
        url: cli.database_url.or(config.database_url),
    };
    let ctx = &ctx;
    match cli.command {
        Command::Text { what } => cmd::text::run(what),
        Command::Import { what } => cmd::import::run(ctx, what),
        Command::Registry { what } => cmd::registry::run(&ctx.app()?, what),
        Command::Member { what } => cmd::registry::run_member(&ctx.app()?, what),
        Command::Library { what } => cmd::library::run(ctx, what),
        Command::Share { what } => cmd::share::run(ctx, what),
        Command::Tips { what } => cmd::tips::run(ctx, what),
        Command::Source { what } => cmd::source::run(ctx, what),
        Command::Evaluation(args) => cmd::evaluation::run(ctx, args),
        Command::Audit { what } => cmd::audit::run(ctx, what),
        Command::Ingest(args) => cmd::posts::ingest(ctx, args),
        Command::Search(args) => cmd::posts::search(ctx, args),
        Command::Reindex => cmd::posts::reindex(ctx),
        Command::Factcheck { what } => cmd::detect::factcheck(&ctx.app()?, what),
        Command::Rules { what } => cmd::detect::rules(ctx, what),
        Command::Model { what } => cmd::detect::model(&ctx.data("sokenh-data"), ctx.url(), what),
        Command::Blocklist { what } => cmd::detect::blocklist(&ctx.app()?, what),
        Command::Signals { what } => cmd::detect::signals(ctx, what),
        Command::Scan { all, json } => cmd::posts::scan(ctx, all, json),
        Command::Eval { dir, json } => cmd::detect::eval(&dir, json),
        Command::Screen { json } => {
            let dir = ctx.data("sokenh-data");
            cmd::detect::screen_lines(&mut ctx.store()?, &dir, json)
        }
        Command::Report {
            period,
            format,
            out,
            date,
            json,
        } => cmd::report::run(ctx, &period, &format, &out, date.as_deref(), json),
        Command::Case { what } => cmd::case::run(ctx, what),
        Command::Analytics { what } => cmd::analytics::run(ctx, what),
        Command::Media { what } => cmd::media::run(what, || ctx.app()),
        Command::Impersonation { what } => cmd::media::impersonation(&ctx.app()?, what),
        Command::Dev { what } => cmd::dev::run(ctx, what),
        Command::Demo {
            no_serve,
            bind,
            json,
        } => cmd::serve::demo(ctx, no_serve, bind, json),
        Command::Serve {
            bind,
            secure_cookies,
            tls_cert,
            tls_key,
        } => {
            let file = config.serve;
            let tls = tls_cert.zip(tls_key).or(file.tls_cert.zip(file.tls_key));
            let bind = bind
                .or(file.bind)
                .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
            cmd::serve::run(ctx, bind, secure_cookies || file.secure_cookies, tls)
        }
        Command::Tls { what } => cmd::serve::tls(what),
        Command::Admin { what } => cmd::admin::run(ctx, what),
        Command::Migrate {
            from,
            to,
            tenant,
            json,
        } => cmd::province::migrate(ctx, &from, &to, tenant, json),
        Command::Backup { file, json } => cmd::province::backup(ctx, file, json),
        Command::Restore { file, json } => cmd::province::restore(ctx, file, json),
        Command::Retention { what, json } => cmd::province::retention(ctx, what, json),
        Command::Purge { json } => cmd::province::purge(ctx, json),
        Command::Doctor {
            min_free,
            tls_cert,
            json,
        } => cmd::admin::doctor(ctx, min_free, tls_cert.as_deref(), json),
    }
}

#[cfg(test)]
mod storage_tests {
    #[test]
    fn a_full_or_read_only_data_dir_is_named() {
        let full = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::StorageFull))
            .context("ghi tệp");
        let hint =
            super::storage_hint(&full, Some(std::path::Path::new("/srv/sokenh"))).expect("a hint");
        assert!(
            hint.contains("/srv/sokenh") && hint.contains("hết chỗ"),
            "{hint}"
        );
        let ro = anyhow::anyhow!("lỗi cơ sở dữ liệu: attempt to write a readonly database");
        assert!(
            super::storage_hint(&ro, None)
                .unwrap()
                .contains("sokenh-data")
        );
        let other = anyhow::anyhow!("không có trang này");
        assert_eq!(super::storage_hint(&other, None), None);
    }
}
