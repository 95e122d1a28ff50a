//! `sokenh demo` and `sokenh serve`: the web application over an `App`.

use super::Ctx;
use crate::demo;
use anyhow::{Context, Result};
use app::{db, today};
use clap::Subcommand;
use std::path::PathBuf;

/// Seeds the demo commune (once) and, unless only seeding, serves it.
pub fn demo(ctx: &Ctx, no_serve: bool, bind: String, json: bool) -> Result<()> {
    let dir = ctx.data("sokenh-demo");
    let mut store = db::open(&dir, ctx.url())?;
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
        app::App::new(db::pool(store, &dir, ctx.url()), &dir),
        ctx.url(),
        &bind,
        false,
        None,
        &logins,
    )
}

/// `sokenh serve`: over HTTPS with a certificate and its key (secure cookies and HSTS then on).
pub fn run(
    ctx: &Ctx,
    bind: String,
    secure_cookies: bool,
    tls: Option<(PathBuf, PathBuf)>,
) -> Result<()> {
    let dir = ctx.data("sokenh-data");
    let tls = tls
        .map(|(cert, key)| web::tls::server_config(&cert, &key))
        .transpose()?;
    serve(
        app::App::open(&dir, ctx.url())?,
        ctx.url(),
        &bind,
        secure_cookies || tls.is_some(),
        tls,
        &[],
    )
}

#[derive(Subcommand)]
pub enum TlsCmd {
    /// Tạo chứng chỉ tự ký cho mạng nội bộ / a self-signed certificate for a closed network
    SelfSigned {
        /// Tên máy chủ hoặc địa chỉ IP (lặp lại được) / the server's names or IP addresses
        #[arg(long = "name", required = true)]
        names: Vec<String>,
        /// Thư mục ghi cert.pem và key.pem / where cert.pem and key.pem are written
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

/// `sokenh tls self-signed`: cert.pem and key.pem (the key readable by its owner only), and how
/// to use and trust them.
pub fn tls(what: TlsCmd) -> Result<()> {
    let TlsCmd::SelfSigned { names, out } = what;
    let made = web::tls::self_signed(&names)?;
    std::fs::create_dir_all(&out)
        .with_context(|| format!("không tạo được thư mục {}", out.display()))?;
    let (cert, key) = (out.join("cert.pem"), out.join("key.pem"));
    for path in [&cert, &key] {
        anyhow::ensure!(
            !path.exists(),
            "{} đã có: không ghi đè (xóa đi nếu muốn tạo lại)",
            path.display()
        );
    }
    std::fs::write(&cert, &made.cert_pem)
        .with_context(|| format!("không ghi được {}", cert.display()))?;
    write_private(&key, made.key_pem.as_bytes())?;
    println!("Đã tạo chứng chỉ tự ký cho {}:", names.join(", "));
    println!("  chứng chỉ: {}", cert.display());
    println!("  khóa riêng: {} (chỉ chủ sở hữu đọc được)", key.display());
    println!(
        "Chạy: sokenh serve --bind 0.0.0.0:8443 --tls-cert {} --tls-key {}",
        cert.display(),
        key.display()
    );
    println!(
        "Để trình duyệt tin chứng chỉ: trên mỗi máy của cơ quan, nhập {} vào mục «Chứng chỉ gốc tin cậy» (Windows: certmgr.msc → Trusted Root Certification Authorities; Debian/Ubuntu: chép vào /usr/local/share/ca-certificates/sokenh.crt rồi chạy update-ca-certificates; Firefox: Cài đặt → Chứng chỉ → Nhập). Chỉ dùng trong mạng nội bộ; máy chủ ra Internet dùng chứng chỉ của một tổ chức cấp chứng chỉ.",
        cert.display()
    );
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("không ghi được {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("không ghi được {}", path.display()))
}

/// Serves the web application until the process ends.
fn serve(
    app: app::App,
    url: Option<&str>,
    bind: &str,
    secure_cookies: bool,
    tls: Option<std::sync::Arc<web::tls::ServerConfig>>,
    logins: &[(String, String, String)],
) -> Result<()> {
    // Every server of a deployment holds the one key: refused before it writes a pseudonym.
    app::posts::check_deployment_key(&mut *app.store()?, app.data_dir())?;
    let limits = web::Limits {
        secure_cookies,
        ..web::Limits::default()
    };
    let services = web::Services::standard(app.data_dir())?;
    let state = web::AppState::new(app, services, limits);
    // On PostgreSQL, told of the other servers' changes as they commit.
    if let Some(url) =
        url.filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
    {
        let told = std::sync::Arc::downgrade(&state);
        store_postgres::listen(url.to_owned(), move |change| {
            use store_postgres::Change;
            if let Some(state) = told.upgrade() {
                match change {
                    Change::Audited => state.changed_elsewhere(false),
                    Change::Sessions => state.changed_elsewhere(true),
                    Change::All => {
                        state.changed_elsewhere(true);
                        state.set_told(true);
                    }
                    Change::Deaf => state.set_told(false),
                }
            }
        });
    }
    let logins = logins.to_vec();
    let scheme = if tls.is_some() { "https" } else { "http" };
    web::serve(state, bind, tls, move |addr| {
        println!("Sổ kênh đang chạy tại {scheme}://{addr}/  (Ctrl+C để dừng)");
        if !logins.is_empty() {
            println!("Tài khoản mẫu / demo logins:");
            for (user, password, role) in &logins {
                println!("  {user:<16} {password:<22} {role}");
            }
        }
    })
}
