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
        /// Đơn vị (bắt buộc với unit_admin; ở CSDL của tỉnh, đơn vị thuộc một xã giới hạn tài
        /// khoản vào xã đó) / the unit: a unit_admin's; in a province database, one inside a
        /// commune makes the account that commune's
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
        /// Hiệu lực (ngày, 1–730) / days until the token is refused
        #[arg(long, default_value_t = app::accounts::TOKEN_DAYS)]
        valid_days: u32,
        /// In JSON: {"id", "token", "expires_at"} / print JSON
        #[arg(long)]
        json: bool,
    },
    /// Thu hồi mã truy cập API / revoke an API token
    RevokeToken { id: i64 },
    /// Danh sách tài khoản / the accounts
    Users {
        /// In JSON: [{"username", "role", "unit", "must_change", "disabled_at"}]
        #[arg(long)]
        json: bool,
    },
    /// Khóa tài khoản (kết thúc các phiên đăng nhập) / disable an account
    DisableUser {
        username: String,
        /// Lý do (lưu vào nhật ký) / why (kept in the audit log)
        #[arg(long)]
        reason: String,
    },
    /// Mở khóa tài khoản / enable a disabled account
    EnableUser { username: String },
    /// Đổi vai trò, đơn vị của tài khoản / give an account another role and unit
    SetRole {
        username: String,
        /// admin | leader | officer | analyst | inspector | unit_admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: Option<String>,
        /// Lý do (lưu vào nhật ký) / why (kept in the audit log)
        #[arg(long)]
        reason: String,
    },
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
            valid_days,
            json,
        } => {
            let app = ctx.app()?;
            let (role, unit) = role_and_unit(&mut *app.store()?, &role, unit.as_deref())?;
            let (id, token) = app.create_token(
                &app::Actor::cli(),
                app::accounts::NewToken {
                    name,
                    role,
                    unit,
                    valid_days,
                },
            )?;
            let expires_at = app
                .accounts(&app::Actor::cli())?
                .tokens
                .into_iter()
                .find(|t| t.id == id)
                .and_then(|t| t.expires_at)
                .unwrap_or_default();
            if json {
                println!(
                    "{}",
                    serde_json::json!({"id": id, "token": token, "expires_at": expires_at})
                );
            } else {
                println!(
                    "Mã truy cập API #{id} ({}, hết hạn {expires_at}): {token}",
                    role.label_vi()
                );
                println!("Chỉ hiện một lần: hãy lưu lại. Dùng: Authorization: Bearer {token}");
            }
            Ok(())
        }
        AdminCmd::RevokeToken { id } => {
            ctx.app()?.revoke_token(&app::Actor::cli(), id)?;
            println!("Đã thu hồi mã truy cập API #{id}.");
            Ok(())
        }
        AdminCmd::Users { json } => {
            let app = ctx.app()?;
            let accounts = app.accounts(&app::Actor::cli())?;
            let unit_name = |id: Option<domain::UnitId>| {
                id.and_then(|id| accounts.units.iter().find(|u| u.id == id))
                    .map(|u| u.name.clone())
            };
            if json {
                let rows: Vec<_> = accounts
                    .users
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "username": u.username,
                            "role": u.role,
                            "unit": unit_name(u.unit),
                            "must_change": u.must_change,
                            "disabled_at": u.disabled_at,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for u in &accounts.users {
                    println!(
                        "{:<20} {:<22} {:<28} {}",
                        u.username,
                        u.role.label_vi(),
                        unit_name(u.unit).unwrap_or_else(|| "—".into()),
                        u.disabled_at
                            .as_deref()
                            .map_or("đang dùng".into(), |at| format!("đã khóa {at}"))
                    );
                }
            }
            Ok(())
        }
        AdminCmd::DisableUser { username, reason } => {
            let user = ctx
                .app()?
                .disable_account(&app::Actor::cli(), &username, &reason)?;
            println!(
                "Đã khóa tài khoản {}; các phiên đăng nhập đã kết thúc.",
                user.username
            );
            Ok(())
        }
        AdminCmd::EnableUser { username } => {
            let user = ctx.app()?.enable_account(&app::Actor::cli(), &username)?;
            println!("Đã mở khóa tài khoản {}.", user.username);
            Ok(())
        }
        AdminCmd::SetRole {
            username,
            role,
            unit,
            reason,
        } => {
            let app = ctx.app()?;
            let (role, unit) = role_and_unit(&mut *app.store()?, &role, unit.as_deref())?;
            let user = app.change_role(&app::Actor::cli(), &username, role, unit, &reason)?;
            println!(
                "Đã đổi vai trò của {} thành «{}».",
                user.username,
                role.label_vi()
            );
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
