//! `sokenh`: the register of channels. Every command a script may call has `--json` output and
//! exits non-zero, with a message that says what and why, when it fails.

mod demo;
mod detectcmd;
mod mediacmd;
mod registry;
mod textcmd;

use app::{db, posts, screening};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

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
    /// Nhập bài đăng (tệp, thư mục hộp thư, hoặc URL RSS/Atom) / ingest posts
    Ingest {
        /// Tệp, thư mục (hộp thư) hoặc http(s)://… / a file, an inbox folder, or a feed URL
        path_or_url: String,
        /// auto|jsonl|csv|telegram|facebook|youtube|rss
        #[arg(long, default_value = "auto")]
        format: String,
        /// Trang, nhóm nguồn khi tệp không ghi / the community, when the export does not say
        #[arg(long)]
        community: Option<String>,
        /// Khoảng tối thiểu giữa hai lần tải một nguồn tin (giây) / polite feed interval (s)
        #[arg(long, default_value_t = 900)]
        interval: i64,
        /// Với thư mục: theo dõi liên tục, quét mỗi N giây / with a folder: keep watching
        #[arg(long)]
        watch: Option<u64>,
        /// Không chạy bộ phát hiện ngay (để `scan` sau) / do not screen the new items now
        #[arg(long)]
        no_scan: bool,
        #[arg(long)]
        json: bool,
    },
    /// Tìm bài đăng / search posts
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        platform: Option<String>,
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        community: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Dựng lại chỉ mục tìm kiếm từ cơ sở dữ liệu / rebuild the search index from the store
    Reindex,
    /// Sổ thông tin đã kiểm chứng / the fact-check register
    Factcheck {
        #[command(subcommand)]
        what: detectcmd::FactcheckCmd,
    },
    /// Bộ luật phát hiện / rule packs
    Rules {
        #[command(subcommand)]
        what: detectcmd::RulesCmd,
    },
    /// Mô hình học máy: huấn luyện, chạy thử, đưa vào dùng / the learned layer
    Model {
        #[command(subcommand)]
        what: detectcmd::ModelCmd,
    },
    /// Danh sách chặn/cho phép đường dẫn / URL block and allow lists
    Blocklist {
        #[command(subcommand)]
        what: detectcmd::BlocklistCmd,
    },
    /// Tín hiệu phát hiện / signals
    Signals {
        #[command(subcommand)]
        what: detectcmd::SignalsCmd,
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
        what: mediacmd::MediaCmd,
    },
    /// Trang giả mạo trang chính thức / impersonation of official channels
    Impersonation {
        #[command(subcommand)]
        what: mediacmd::ImpersonationCmd,
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
        what: CaseCmd,
    },
    /// Phân tích dư luận (tổng hợp, không theo cá nhân) / aggregate analytics
    Analytics {
        #[command(subcommand)]
        what: AnalyticsCmd,
    },
    /// Công cụ phát triển / development tools
    Dev {
        #[command(subcommand)]
        what: DevCmd,
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
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Cookie chỉ gửi qua HTTPS (khi chạy sau TLS) / Secure cookies behind TLS
        #[arg(long)]
        secure_cookies: bool,
    },
    /// Quản trị tài khoản / accounts
    Admin {
        #[command(subcommand)]
        what: AdminCmd,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Tạo tài khoản (phải đổi mật khẩu khi đăng nhập lần đầu) / create an account
    CreateUser {
        #[arg(long)]
        username: String,
        /// admin | leader | officer | analyst | inspector | unit_admin | member
        #[arg(long)]
        role: String,
        /// Đơn vị (bắt buộc với unit_admin) / the unit, for unit_admin
        #[arg(long)]
        unit: Option<String>,
        /// Mật khẩu tạm (mặc định: đọc từ biến SOKENH_PASSWORD) / temporary password
        #[arg(long, env = "SOKENH_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Tạo mã truy cập API (chỉ hiện một lần) / create an API token (shown once)
    CreateToken {
        /// Tên gợi nhớ / what the token is for
        #[arg(long)]
        name: String,
        /// admin | leader | officer | analyst | inspector | unit_admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: Option<String>,
        /// In JSON: {"id", "token"} / print JSON
        #[arg(long)]
        json: bool,
    },
    /// Thu hồi mã truy cập API / revoke an API token
    RevokeToken { id: i64 },
}

#[derive(Subcommand)]
enum CaseCmd {
    /// Danh sách hồ sơ / list the cases
    List {
        #[arg(long)]
        json: bool,
    },
    /// Công văn đề nghị gỡ bỏ của hồ sơ (DOCX) / the case's takedown request letter
    Letter {
        id: i64,
        #[arg(long)]
        out: PathBuf,
        /// Ngày ghi trên công văn (mặc định hôm nay) / date on the letter, YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
enum AnalyticsCmd {
    /// Nội dung sai sự thật, lừa đảo lan qua nhiều trang, nhóm / claims and scams spreading
    Spread {
        #[arg(long)]
        since: String,
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Cảnh báo sớm: lập cảnh báo cho đột biến theo loại và nội dung lan rộng / raise alerts
    Watch {
        #[arg(long)]
        since: String,
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Đột biến trên mọi chuỗi số liệu / spikes on every series
    Spikes {
        /// Từ ngày / from this day, YYYY-MM-DD
        #[arg(long)]
        since: String,
        /// Đến ngày (mặc định hôm nay) / until this day
        #[arg(long)]
        until: Option<String>,
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
enum DevCmd {
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

#[derive(Subcommand)]
enum AuditCmd {
    /// Kiểm tra chuỗi băm / verify the hash chain
    Verify {
        #[arg(long)]
        json: bool,
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
            let app = app::App::open(&data("sokenh-data"), url)?;
            registry::import(&app, &file, unit, all_or_nothing, json)
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
        Command::Ingest {
            path_or_url,
            format,
            community,
            interval,
            watch,
            no_scan,
            json,
        } => {
            let dir = data("sokenh-data");
            let mut store = db::open(&dir, url)?;
            let format =
                match format.as_str() {
                    "auto" => None,
                    f => Some(ingest::posts::Format::parse(f).with_context(|| {
                        format!("định dạng không hỗ trợ «{f}» / unknown format")
                    })?),
                };
            let opts = posts::Options {
                format,
                community: community.as_deref(),
                screen: !no_scan,
            };
            let print = |r: &posts::Report| -> Result<()> {
                if json {
                    println!("{}", serde_json::to_string(r)?);
                } else {
                    println!(
                        "{}: đọc {}, thêm {}, trùng {}, từ chối {}, trang mới {}, lập chỉ mục {}, tín hiệu {}",
                        r.source,
                        r.read,
                        r.inserted,
                        r.duplicates,
                        r.rejected_total,
                        r.communities_created,
                        r.indexed,
                        r.signals
                    );
                    for x in r.rejected.iter().take(20) {
                        println!("  dòng {}: {}", x.line, x.reason);
                    }
                }
                Ok(())
            };
            if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
                print(&posts::ingest_feed(
                    &mut store,
                    &dir,
                    &path_or_url,
                    community.as_deref(),
                    interval,
                )?)
            } else if Path::new(&path_or_url).is_dir() {
                loop {
                    for r in posts::ingest_inbox(&mut store, &dir, Path::new(&path_or_url), opts)? {
                        print(&r)?;
                    }
                    match watch {
                        Some(secs) => {
                            std::thread::sleep(std::time::Duration::from_secs(secs.max(1)))
                        }
                        None => break Ok(()),
                    }
                }
            } else {
                print(&posts::ingest_file(
                    &mut store,
                    &dir,
                    Path::new(&path_or_url),
                    opts,
                )?)
            }
        }
        Command::Search {
            query,
            limit,
            platform,
            since,
            community,
            unit,
            json,
        } => {
            let dir = data("sokenh-data");
            let mut store = db::open(&dir, url)?;
            let since = since.as_deref().map(posts::parse_since).transpose()?;
            let platform = platform
                .map(|p| {
                    domain::Platform::parse_word(&p)
                        .map(|p| p.as_str().to_owned())
                        .with_context(|| format!("nền tảng không rõ «{p}»"))
                })
                .transpose()?;
            let community = community
                .map(|c| domain::CanonicalUrl::parse(&c).map(|u| u.to_string()))
                .transpose()?;
            let hits = posts::search(
                &mut store,
                &dir,
                search::SearchQuery {
                    text: query,
                    limit,
                    platform,
                    community_url: community,
                    unit,
                    since,
                    ..Default::default()
                },
            )?;
            if json {
                println!("{}", serde_json::to_string(&hits)?);
            } else {
                for h in &hits {
                    println!(
                        "{:>6.2}  {}  {}  {}\n        {}",
                        h.score,
                        h.published_at,
                        h.id,
                        h.community_url.as_deref().unwrap_or(""),
                        h.snippet
                    );
                }
                println!("{} kết quả", hits.len());
            }
            Ok(())
        }
        Command::Reindex => {
            let dir = data("sokenh-data");
            let mut store = db::open(&dir, url)?;
            let n = posts::reindex(&mut store, &dir)?;
            println!("Đã lập lại chỉ mục {n} bài đăng / reindexed {n} items");
            Ok(())
        }
        Command::Factcheck { what } => {
            detectcmd::factcheck(&mut db::open(&data("sokenh-data"), url)?, what)
        }
        Command::Rules { what } => detectcmd::rules(&data("sokenh-data"), url, what),
        Command::Model { what } => detectcmd::model(&data("sokenh-data"), url, what),
        Command::Blocklist { what } => {
            detectcmd::blocklist(&mut db::open(&data("sokenh-data"), url)?, what)
        }
        Command::Signals { what } => {
            let dir = data("sokenh-data");
            detectcmd::signals(&mut db::open(&dir, url)?, what)
        }
        Command::Scan { all, json } => {
            let dir = data("sokenh-data");
            let r = screening::scan(&mut db::open(&dir, url)?, &dir, all)?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "Đã rà soát {} bài: {} tín hiệu, {} cảnh báo mới",
                    r.screened, r.signals, r.alerts
                );
            }
            Ok(())
        }
        Command::Eval { dir, json } => detectcmd::eval(&dir, json),
        Command::Screen { json } => {
            let dir = data("sokenh-data");
            detectcmd::screen_lines(&mut db::open(&dir, url)?, &dir, json)
        }
        Command::Report {
            period,
            format,
            out,
            date,
            json,
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            report_cmd(&mut store, &period, &format, &out, date.as_deref(), json)
        }
        Command::Case {
            what: CaseCmd::List { json },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let cases = store.cases()?;
            if json {
                println!("{}", serde_json::to_string(&cases)?);
            } else {
                for c in &cases {
                    println!(
                        "#{:<4} {:<12} {:<14} {}",
                        c.id,
                        c.status.label_vi(),
                        c.category.label_vi(),
                        c.title
                    );
                }
            }
            Ok(())
        }
        Command::Case {
            what: CaseCmd::Letter { id, out, date },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let day = match date {
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .with_context(|| format!("ngày «{d}» không hợp lệ (YYYY-MM-DD)"))?,
                None => today(),
            };
            let bytes = app::report::letter::docx_for_case(&mut store, id, day, "cli")?;
            std::fs::write(&out, &bytes).with_context(|| format!("ghi {}", out.display()))?;
            println!("Đã ghi công văn của hồ sơ #{id} vào {}", out.display());
            Ok(())
        }
        Command::Analytics {
            what: AnalyticsCmd::Spread { since, until, json },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let (since, until) = span(&since, until.as_deref())?;
            let spreads = app::report::spreading_between(&mut store, since, until)?;
            if json {
                println!("{}", serde_json::to_string(&spreads)?);
            } else if spreads.is_empty() {
                println!("Không có nội dung nào lan rộng từ {since}.");
            } else {
                for s in &spreads {
                    println!(
                        "{}  {} «{}»: {} trang, nhóm (từ {}), {} bài",
                        s.at,
                        s.category,
                        s.reference,
                        s.communities,
                        s.first_at,
                        s.items.len()
                    );
                }
            }
            Ok(())
        }
        Command::Analytics {
            what: AnalyticsCmd::Watch { since, until, json },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let (since, until) = span(&since, until.as_deref())?;
            let spikes = app::report::spikes_between(&mut store, since, until)?;
            let spreads = app::report::spreading_between(&mut store, since, until)?;
            let found = app::report::early_warning_alerts(&mut store, &spikes, &spreads)?;
            let alerts: Vec<domain::StoredAlert> = found.iter().map(|(a, _)| a.clone()).collect();
            let raised = store.raise_alerts("analytics", &alerts)?;
            // Each alert's chart, next to the data, for whoever triages it.
            let charts_dir = data("sokenh-data").join("charts");
            std::fs::create_dir_all(&charts_dir)?;
            let mut shown = Vec::new();
            for (a, svg) in &found {
                let day = a.first_at.get(..10).unwrap_or("x");
                let path = charts_dir.join(format!("alert-{}-{day}.svg", a.category.as_str()));
                std::fs::write(&path, svg)?;
                let mut v = serde_json::to_value(a)?;
                v["chart"] = serde_json::json!(path);
                shown.push(v);
            }
            if json {
                println!(
                    "{}",
                    serde_json::json!({"spikes": spikes, "spreading": spreads, "alerts": shown, "alerts_raised": raised})
                );
            } else {
                println!(
                    "{} đột biến, {} nội dung lan rộng; {raised} cảnh báo mới.",
                    spikes.len(),
                    spreads.len()
                );
                for a in &shown {
                    println!(
                        "  ⚑ {} {} (biểu đồ: {})",
                        a["category"], a["explanation"], a["chart"]
                    );
                }
            }
            Ok(())
        }
        Command::Analytics {
            what: AnalyticsCmd::Spikes { since, until, json },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let (since, until) = span(&since, until.as_deref())?;
            let spikes = app::report::spikes_between(&mut store, since, until)?;
            if json {
                println!("{}", serde_json::to_string(&spikes)?);
            } else if spikes.is_empty() {
                println!("Không có đột biến từ {since}.");
            } else {
                for s in &spikes {
                    println!(
                        "{}  {:<28} {:>6} (mức thường {:>6}, mức độ {:.1})",
                        s.at, s.series, s.value, s.baseline, s.score
                    );
                }
            }
            Ok(())
        }
        Command::Media { what } => mediacmd::run(what, || db::open(&data("sokenh-data"), url)),
        Command::Impersonation { what } => {
            mediacmd::impersonation(&mut db::open(&data("sokenh-data"), url)?, what)
        }
        Command::Dev {
            what:
                DevCmd::Corpus {
                    posts,
                    seed,
                    communities,
                    months,
                    out,
                },
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
        Command::Demo {
            no_serve,
            bind,
            json,
        } => {
            let dir = data("sokenh-demo");
            let mut store = db::open(&dir, url)?;
            let fresh = store.units()?.is_empty();
            demo::run(&mut store, &dir, json)?;
            let logins = demo::accounts(&mut store)?;
            if no_serve || json {
                return Ok(());
            }
            // Served for a visitor: a few days of posts, so the alert queue has work in it.
            // (`--no-serve` seeds the register only: the tests add the posts they count.)
            if fresh {
                let (posts, alerts) = demo::posts(&mut store, &dir, today())?;
                println!("Bài đăng mẫu: {posts} (tạo {alerts} cảnh báo để thử xử lý)");
            }
            serve(
                app::App::new(db::pool(store, &dir, url), &dir),
                &bind,
                false,
                &logins,
            )
        }
        Command::Serve {
            bind,
            secure_cookies,
        } => {
            let dir = data("sokenh-data");
            serve(app::App::open(&dir, url)?, &bind, secure_cookies, &[])
        }
        Command::Admin {
            what:
                AdminCmd::CreateUser {
                    username,
                    role,
                    unit,
                    password,
                },
        } => {
            let app = app::App::open(&data("sokenh-data"), url)?;
            let (role, unit) = role_and_unit(&mut *app.store()?, &role, unit.as_deref())?;
            let user = app.create_account(
                &app::Actor::cli(),
                app::accounts::NewAccount {
                    username,
                    password,
                    role,
                    unit,
                },
            )?;
            println!(
                "Đã tạo tài khoản {} (#{}, {}); phải đổi mật khẩu khi đăng nhập lần đầu.",
                user.username,
                user.id,
                role.label_vi()
            );
            Ok(())
        }
        Command::Admin {
            what:
                AdminCmd::CreateToken {
                    name,
                    role,
                    unit,
                    json,
                },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            let (role, unit) = role_and_unit(&mut store, &role, unit.as_deref())?;
            if role == domain::Role::Member {
                anyhow::bail!("không cấp mã API cho vai trò member (đảng viên dùng trang Kê khai)");
            }
            let (token, sha) = web::new_token();
            let t = domain::ApiToken {
                id: 0,
                name: name.trim().to_owned(),
                role,
                unit,
                created_by: String::new(),
                created_at: String::new(),
                revoked: false,
            };
            let id = store.create_token("cli", &t, &sha)?;
            if json {
                println!("{}", serde_json::json!({"id": id, "token": token}));
            } else {
                println!("Mã truy cập API #{id} ({}): {token}", role.label_vi());
                println!("Chỉ hiện một lần: hãy lưu lại. Dùng: Authorization: Bearer {token}");
            }
            Ok(())
        }
        Command::Admin {
            what: AdminCmd::RevokeToken { id },
        } => {
            let mut store = db::open(&data("sokenh-data"), url)?;
            if !store.revoke_token("cli", id)? {
                anyhow::bail!("không có mã #{id} hoặc mã đã bị thu hồi");
            }
            println!("Đã thu hồi mã truy cập API #{id}.");
            Ok(())
        }
    }
}

/// An account's or a token's role and unit as the command line names them (a unit admin needs
/// its unit).
fn role_and_unit(
    store: &mut store::Store,
    role: &str,
    unit: Option<&str>,
) -> Result<(domain::Role, Option<domain::UnitId>)> {
    let role = domain::Role::parse_word(role).with_context(|| {
        format!("vai trò «{role}» không có: admin, leader, officer, analyst, inspector, unit_admin, member")
    })?;
    let unit = match unit {
        Some(u) => Some(
            store
                .unit_named(u)?
                .with_context(|| format!("không có đơn vị «{u}»"))?
                .id,
        ),
        None if role == domain::Role::UnitAdmin => anyhow::bail!("unit_admin cần --unit"),
        None => None,
    };
    Ok((role, unit))
}

use app::today;

fn report_cmd(
    store: &mut store::Store,
    period: &str,
    format: &str,
    out: &Path,
    date: Option<&str>,
    json: bool,
) -> Result<()> {
    use app::report;
    let period = report::Period::parse(period)?;
    let today = match date {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("ngày «{d}» không hợp lệ"))?,
        None => today(),
    };
    let model = report::build(store, &period, today)?;
    match format {
        "docx" => std::fs::write(out, report::docx::render(&model)?)?,
        "xlsx" => std::fs::write(out, report::xlsx::render(&model)?)?,
        "pdf" => report::pdf::write(&report::docx::render(&model)?, out)?,
        other => anyhow::bail!("định dạng «{other}» không hỗ trợ: docx, xlsx hoặc pdf"),
    }
    store.record(
        "cli",
        "report.export",
        "report",
        serde_json::json!({"period": period.code, "format": format, "file": out.display().to_string(), "items": model.figures.items}),
    )?;
    if json {
        println!("{}", serde_json::to_string(&model)?);
    } else {
        println!(
            "Đã ghi {} ({}, {} bài đăng, {} bảng, {} biểu đồ)",
            out.display(),
            period.label,
            model.figures.items,
            model.tables.len(),
            model.charts.len()
        );
    }
    Ok(())
}

/// `--since` and `--until` (default today) as dates.
fn span(since: &str, until: Option<&str>) -> Result<(chrono::NaiveDate, chrono::NaiveDate)> {
    let day = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .with_context(|| format!("ngày «{s}» không hợp lệ (YYYY-MM-DD)"))
    };
    Ok((
        day(since)?,
        match until {
            Some(u) => day(u)?,
            None => today(),
        },
    ))
}

/// Serves the web application until the process ends.
fn serve(
    app: app::App,
    bind: &str,
    secure_cookies: bool,
    logins: &[(String, String, String)],
) -> Result<()> {
    let limits = web::Limits {
        secure_cookies,
        ..web::Limits::default()
    };
    let services = web::Services::standard(app.data_dir())?;
    let state = web::AppState::new(app, services, limits);
    let logins = logins.to_vec();
    web::serve(state, bind, move |addr| {
        println!("Sổ kênh đang chạy tại http://{addr}/  (Ctrl+C để dừng)");
        if !logins.is_empty() {
            println!("Tài khoản mẫu / demo logins:");
            for (user, password, role) in &logins {
                println!("  {user:<16} {password:<22} {role}");
            }
        }
    })
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
