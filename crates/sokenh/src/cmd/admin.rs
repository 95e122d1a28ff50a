//! `sokenh admin`: accounts and API tokens, made by the same use cases as the web's.

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AdminCmd {
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

pub fn run(ctx: &Ctx, what: AdminCmd) -> Result<()> {
    match what {
        AdminCmd::CreateUser {
            username,
            role,
            unit,
            password,
        } => {
            let app = ctx.app()?;
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
        AdminCmd::CreateToken {
            name,
            role,
            unit,
            json,
        } => {
            let app = ctx.app()?;
            let (role, unit) = role_and_unit(&mut *app.store()?, &role, unit.as_deref())?;
            let (id, token) = app.create_token(
                &app::Actor::cli(),
                app::accounts::NewToken { name, role, unit },
            )?;
            if json {
                println!("{}", serde_json::json!({"id": id, "token": token}));
            } else {
                println!("Mã truy cập API #{id} ({}): {token}", role.label_vi());
                println!("Chỉ hiện một lần: hãy lưu lại. Dùng: Authorization: Bearer {token}");
            }
            Ok(())
        }
        AdminCmd::RevokeToken { id } => {
            ctx.app()?.revoke_token(&app::Actor::cli(), id)?;
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

/// `sokenh doctor`: every check, one line each (or the JSON array); exit 1 when one fails.
pub fn doctor(
    ctx: &Ctx,
    min_free_gib: f64,
    tls_cert: Option<&std::path::Path>,
    json: bool,
) -> Result<()> {
    anyhow::ensure!(
        min_free_gib.is_finite() && min_free_gib >= 0.0,
        "--min-free phải là số GiB không âm"
    );
    let min_free = (min_free_gib * (1u64 << 30) as f64) as u64;
    let checks = app::doctor::run(&ctx.data("sokenh-data"), ctx.url(), min_free, tls_cert);
    if json {
        println!("{}", serde_json::to_string(&checks)?);
    } else {
        for c in &checks {
            println!(
                "{} {:<12} {}",
                if c.ok { "✓" } else { "✗" },
                c.check,
                c.detail
            );
        }
    }
    if checks.iter().all(|c| c.ok) {
        Ok(())
    } else {
        std::process::exit(1)
    }
}
