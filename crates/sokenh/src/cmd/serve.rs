//! `sokenh demo` and `sokenh serve`: the web application over an `App`.

use super::Ctx;
use crate::demo;
use anyhow::Result;
use app::{db, today};

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
        &bind,
        false,
        &logins,
    )
}

pub fn run(ctx: &Ctx, bind: String, secure_cookies: bool) -> Result<()> {
    let dir = ctx.data("sokenh-data");
    serve(app::App::open(&dir, ctx.url())?, &bind, secure_cookies, &[])
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
