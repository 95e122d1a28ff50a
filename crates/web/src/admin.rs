//! Users, units and API tokens, for the administrator: create an account (it must choose its
//! own password at first sign-in), reset a password, disable an account or enable it again,
//! give it another role and unit (each with its reason), create a unit under another, create an
//! API token for a role and unit with its end (shown once, kept as its SHA-256) and revoke one —
//! each through `app::accounts`. Every change is an audit event written by the store.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{flash, internal, page};
use crate::require::{Require, Submitted, has_csrf, need};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::Role;
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Administer>,
) -> Response {
    view(&state, &user, None).await
}

async fn view(state: &Arc<AppState>, user: &SignedIn, message: Option<(bool, String)>) -> Response {
    let actor = crate::actor(&user.session.user);
    let app::accounts::Accounts {
        users,
        units,
        tokens,
    } = match state.use_case(move |app| app.accounts(&actor)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let unit_name = |id: Option<domain::UnitId>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map_or("—", |u| u.name.as_str())
    };
    let csrf = user.session.csrf.clone();
    let now = app::now_utc();
    let roles = [
        Role::Admin,
        Role::Leader,
        Role::Officer,
        Role::Analyst,
        Role::Inspector,
        Role::UnitAdmin,
        Role::Member,
    ];
    page(
        "Quản trị",
        Some(user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Người dùng, đơn vị, mã truy cập API")) }
            (flash(&message))
            p { a href="/quan-tri/viec-nen" { (crate::i18n::tr(user.lang, "Việc nền của máy chủ")) } }
            h2 { "Người dùng (" (users.len()) ")" }
            table.queue {
                tr { th { (crate::i18n::tr(user.lang, "Tên đăng nhập")) } th { (crate::i18n::tr(user.lang, "Vai trò")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Mật khẩu")) } th { (crate::i18n::tr(user.lang, "Đặt lại mật khẩu")) } th { (crate::i18n::tr(user.lang, "Trạng thái")) } }
                @for u in &users {
                    tr {
                        td { (u.username) }
                        td { (u.role.label_vi()) }
                        td { (unit_name(u.unit)) }
                        td { @if u.must_change { "Phải đổi khi đăng nhập" } @else { "Đã đặt" } }
                        td {
                            form.inline method="post" action="/quan-tri/dat-lai-mat-khau" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="username" value=(u.username);
                                input name="password" type="password" minlength="12" required aria-label=(format!("Mật khẩu tạm cho {}", u.username)) placeholder="mật khẩu tạm";
                                button type="submit" { (crate::i18n::tr(user.lang, "Đặt lại")) }
                            }
                        }
                        td {
                            @if let Some(at) = &u.disabled_at {
                                (crate::i18n::tr(user.lang, "Đã khóa")) " " (crate::cases::vn_time(at))
                                form.inline method="post" action="/quan-tri/mo-khoa" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="username" value=(u.username);
                                    button type="submit" { (crate::i18n::tr(user.lang, "Mở khóa")) }
                                }
                            } @else if u.username == user.session.user.username {
                                (crate::i18n::tr(user.lang, "Đang dùng"))
                            } @else {
                                form.inline method="post" action="/quan-tri/khoa" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="username" value=(u.username);
                                    input name="reason" required aria-label=(format!("Lý do khóa {}", u.username)) placeholder="lý do";
                                    button type="submit" { (crate::i18n::tr(user.lang, "Khóa")) }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (crate::i18n::tr(user.lang, "Đổi vai trò")) }
            form.stack method="post" action="/quan-tri/doi-vai-tro" {
                input type="hidden" name="csrf" value=(csrf);
                label for="role-username" { (crate::i18n::tr(user.lang, "Tài khoản")) }
                select id="role-username" name="username" { @for u in users.iter().filter(|u| u.role != Role::Member && u.username != user.session.user.username) { option value=(u.username) { (u.username) " — " (u.role.label_vi()) } } }
                label for="role-role" { (crate::i18n::tr(user.lang, "Vai trò mới")) }
                select id="role-role" name="role" { @for r in &roles[..6] { option value=(r.as_str()) { (r.label_vi()) } } }
                label for="role-unit" { (crate::i18n::tr(user.lang, "Đơn vị (bắt buộc với quản trị đơn vị)")) }
                select id="role-unit" name="unit" { option value="" { "—" } @for u in &units { option value=(u.id.0) { (u.name) } } }
                label for="role-reason" { (crate::i18n::tr(user.lang, "Lý do (lưu vào nhật ký)")) }
                input id="role-reason" name="reason" required;
                p { button type="submit" { (crate::i18n::tr(user.lang, "Đổi vai trò")) } }
            }
            h3 { (crate::i18n::tr(user.lang, "Tạo tài khoản")) }
            form.stack method="post" action="/quan-tri/nguoi-dung" {
                input type="hidden" name="csrf" value=(csrf);
                label for="new-username" { (crate::i18n::tr(user.lang, "Tên đăng nhập")) }
                input id="new-username" name="username" required;
                label for="new-role" { (crate::i18n::tr(user.lang, "Vai trò")) }
                select id="new-role" name="role" { @for r in roles { option value=(r.as_str()) { (r.label_vi()) } } }
                label for="new-unit" { (crate::i18n::tr(user.lang, "Đơn vị (bắt buộc với quản trị đơn vị)")) }
                select id="new-unit" name="unit" aria-describedby="new-unit-note" { option value="" { "—" } @for u in &units { option value=(u.id.0) { (u.name) } } }
                p.note id="new-unit-note" { (crate::i18n::tr(user.lang, "Ở cơ sở dữ liệu của tỉnh: tài khoản lãnh đạo, công an, phân tích, kiểm tra gắn với một đơn vị của xã, phường chỉ thấy xã, phường đó; không gắn đơn vị thì thấy cả tỉnh.")) }
                label for="new-password" { (crate::i18n::tr(user.lang, "Mật khẩu tạm (ít nhất 12 ký tự; phải đổi khi đăng nhập lần đầu)")) }
                input id="new-password" name="password" type="password" minlength="12" required;
                p { button type="submit" { (crate::i18n::tr(user.lang, "Tạo tài khoản")) } }
            }
            h2 { "Đơn vị (" (units.len()) ")" }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Trực thuộc")) } th { (crate::i18n::tr(user.lang, "Mã xã, phường (GSO)")) } }
                @for u in &units { tr { td { (u.name) } td { (unit_name(u.parent)) } td { (u.locality_code.map(|c| c.to_string()).unwrap_or_default()) } } }
            }
            h3 { (crate::i18n::tr(user.lang, "Thêm đơn vị")) }
            form.stack method="post" action="/quan-tri/don-vi" {
                input type="hidden" name="csrf" value=(csrf);
                label for="unit-name" { (crate::i18n::tr(user.lang, "Tên đơn vị")) }
                input id="unit-name" name="name" required;
                label for="unit-parent" { (crate::i18n::tr(user.lang, "Trực thuộc")) }
                select id="unit-parent" name="parent" { @for u in &units { option value=(u.id.0) { (u.name) } } }
                p { button type="submit" { (crate::i18n::tr(user.lang, "Thêm đơn vị")) } }
            }
            h2 { "Mã truy cập API (" (tokens.len()) ")" }
            table.queue {
                tr { th { (crate::i18n::tr(user.lang, "Số")) } th { (crate::i18n::tr(user.lang, "Tên")) } th { (crate::i18n::tr(user.lang, "Vai trò")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Tạo bởi")) } th { (crate::i18n::tr(user.lang, "Hết hạn")) } th { (crate::i18n::tr(user.lang, "Trạng thái")) } }
                @for t in &tokens {
                    tr {
                        td { "#" (t.id) } td { (t.name) } td { (t.role.label_vi()) } td { (unit_name(t.unit)) }
                        td { (t.created_by) ", " (crate::cases::vn_time(&t.created_at)) }
                        td { (t.expires_at.as_deref().map_or("—".into(), crate::cases::vn_time)) }
                        td {
                            @if t.revoked { "Đã thu hồi" } @else if t.expires_at.as_ref().is_some_and(|end| *end <= now) { "Đã hết hạn" } @else {
                                form.inline method="post" action="/quan-tri/thu-hoi-ma" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="id" value=(t.id);
                                    button type="submit" { (crate::i18n::tr(user.lang, "Thu hồi")) }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (crate::i18n::tr(user.lang, "Tạo mã truy cập API")) }
            form.stack method="post" action="/quan-tri/ma-api" {
                input type="hidden" name="csrf" value=(csrf);
                label for="token-name" { (crate::i18n::tr(user.lang, "Dùng cho")) }
                input id="token-name" name="name" required;
                label for="token-role" { (crate::i18n::tr(user.lang, "Vai trò")) }
                select id="token-role" name="role" { @for r in &roles[..6] { option value=(r.as_str()) { (r.label_vi()) } } }
                label for="token-unit" { (crate::i18n::tr(user.lang, "Đơn vị (bắt buộc với quản trị đơn vị)")) }
                select id="token-unit" name="unit" { option value="" { "—" } @for u in &units { option value=(u.id.0) { (u.name) } } }
                label for="token-days" { (crate::i18n::tr(user.lang, "Hiệu lực (ngày, tối đa 730)")) }
                input id="token-days" name="valid_days" type="number" min="1" max=(app::accounts::TOKEN_DAYS_MAX) value=(app::accounts::TOKEN_DAYS) required;
                p { button type="submit" { (crate::i18n::tr(user.lang, "Tạo mã")) } }
            }
        },
    )
    .into_response()
}

/// The servers' background work (`app::jobs`): how many jobs by state, and the newest ones
/// (the minute's answers owed in chats only when they failed), with the server that ran each,
/// its attempts and its last error.
pub async fn jobs(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Administer>,
) -> Response {
    jobs_view(&state, &user, None).await
}

/// The jobs page, and the retention policies with their forms (`app::retention`).
async fn jobs_view(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<(bool, String)>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let (jobs, policies) = match state
        .use_case(move |app| Ok((app.jobs(&actor, 2_000)?, app.retention(&actor)?)))
        .await
    {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let csrf = user.session.csrf.clone();
    let count = |state: &str| jobs.iter().filter(|j| j.state == state).count();
    let kind = |k: &str| match k {
        app::jobs::SOURCE_PULL => "Kéo kênh chính thức",
        app::jobs::SOURCE_WATCH => "Theo dõi sổ đăng ký",
        app::jobs::SHARE_EXCHANGE => "Trao đổi dấu hiệu",
        app::jobs::TIP_REPLIES => "Trả lời tin báo qua chat",
        app::jobs::TIP_PURGE => "Xóa liên hệ quá hạn",
        app::jobs::RETENTION_PURGE => "Xóa dữ liệu quá hạn lưu giữ",
        app::jobs::ANALYTICS_WATCH => "Cảnh báo sớm (đột biến, lan rộng)",
        app::jobs::SCREENING_SCAN => "Sàng lọc bài chưa sàng lọc",
        app::jobs::REPORT_MAKE => "Lập báo cáo định kỳ",
        app::jobs::PARTITIONS_MAINTAIN => "Phân vùng theo tháng (PostgreSQL)",
        _ => "Khác",
    };
    let label = |state: &str| match state {
        "queued" => "Chờ chạy",
        "running" => "Đang chạy",
        "done" => "Xong",
        "failed" => "Thất bại",
        _ => "—",
    };
    let shown: Vec<&store::Job> = jobs
        .iter()
        .filter(|j| !(j.kind == app::jobs::TIP_REPLIES && j.state == "done"))
        .take(100)
        .collect();
    let lang = user.lang;
    page(
        "Việc nền",
        Some(user),
        html! {
            h1 { (crate::i18n::tr(lang, "Việc nền của máy chủ")) }
            (flash(&message))
            p.note { (crate::i18n::tr(lang, "Mỗi việc do một máy chủ nhận và chạy; việc lỗi được chạy lại sau 1, 2, 4, 8 phút, tối đa 5 lần; máy chủ dừng giữa chừng thì máy khác nhận lại sau 30 phút.")) }
            p {
                (crate::i18n::tr(lang, "Chờ chạy")) ": " (count("queued")) " · "
                (crate::i18n::tr(lang, "Đang chạy")) ": " (count("running")) " · "
                (crate::i18n::tr(lang, "Xong")) ": " (count("done")) " · "
                (crate::i18n::tr(lang, "Thất bại")) ": " (count("failed"))
            }
            table.queue {
                tr {
                    th { (crate::i18n::tr(lang, "Số")) } th { (crate::i18n::tr(lang, "Loại việc")) } th { (crate::i18n::tr(lang, "Trạng thái")) }
                    th { (crate::i18n::tr(lang, "Lần thử")) } th { (crate::i18n::tr(lang, "Chạy lúc")) } th { (crate::i18n::tr(lang, "Máy chủ")) } th { (crate::i18n::tr(lang, "Lỗi")) }
                }
                @for j in &shown {
                    tr {
                        td { "#" (j.id) }
                        td { (crate::i18n::tr(lang, kind(&j.kind))) br; small { code { (j.key) } } }
                        td data-label=(crate::i18n::tr(lang, "Trạng thái")) { (crate::i18n::tr(lang, label(&j.state))) }
                        td data-label=(crate::i18n::tr(lang, "Lần thử")) { (j.attempts) }
                        td data-label=(crate::i18n::tr(lang, "Chạy lúc")) { (crate::cases::vn_time(&j.run_at)) }
                        td data-label=(crate::i18n::tr(lang, "Máy chủ")) { (j.worker.as_deref().unwrap_or("—")) }
                        @if let Some(e) = &j.last_error {
                            td data-label=(crate::i18n::tr(lang, "Lỗi")) { (e) }
                        } @else {
                            td {}
                        }
                    }
                }
            }
            h2 id="luu-giu" { (crate::i18n::tr(lang, "Thời hạn lưu giữ dữ liệu")) }
            p.note { (crate::i18n::tr(lang, "Hằng ngày máy chủ xóa dữ liệu quá hạn, từng đợt, mỗi đợt ghi vào nhật ký với số lượng; bài đăng của trang thuộc hồ sơ vụ việc, hoặc nằm sau cảnh báo đã vào hồ sơ, được giữ lại. Để trống là giữ mãi.")) }
            @for (category, what) in app::retention::CATEGORIES {
                @let current = policies.iter().find(|p| p.category == category);
                form.stack method="post" action="/quan-tri/luu-giu" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="category" value=(category);
                    label for={"keep-" (category)} { (crate::i18n::tr(lang, what.split(" / ").next().unwrap_or(what))) " — " (crate::i18n::tr(lang, "số tháng giữ lại")) }
                    @let least = if category == "audit" { app::retention::AUDIT_MONTHS_AT_LEAST } else { *app::retention::MONTHS.start() };
                    input id={"keep-" (category)} name="months" type="number" min=(least) max=(app::retention::MONTHS.end()) value=[current.map(|p| p.months)];
                    @if category == "audit" {
                        p.note { (crate::i18n::tr(lang, "Nhật ký kiểm toán giữ ít nhất 24 tháng, và không xóa từ lúc mở một hồ sơ còn đang xử lý.")) }
                    }
                    @if let Some(p) = current {
                        p.note { (crate::i18n::tr(lang, "Đặt bởi")) " " (p.set_by) " · " (crate::cases::vn_time(&p.set_at)) }
                    } @else {
                        p.note { (crate::i18n::tr(lang, "Chưa đặt: giữ mãi.")) }
                    }
                    p { button type="submit" { (crate::i18n::tr(lang, "Lưu thời hạn")) } }
                }
            }
            form method="post" action="/quan-tri/xoa-qua-han" {
                input type="hidden" name="csrf" value=(csrf);
                p { button type="submit" { (crate::i18n::tr(lang, "Xóa dữ liệu quá hạn ngay")) } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct RetentionForm {
    csrf: String,
    category: String,
    #[serde(default)]
    months: String,
}

/// A retention policy set (`app::retention`): a number of months, or nothing for ever.
pub async fn set_retention(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, RetentionForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let months = match f.months.trim() {
        "" => None,
        m => match m.parse::<i64>() {
            Ok(m) => Some(m),
            Err(_) => {
                let said = format!("Số tháng «{m}» không đọc được: nhập một số.");
                return jobs_view(&state, &user, Some((false, said))).await;
            }
        },
    };
    let category = f.category;
    let message = match state
        .use_case(move |app| app.set_retention(&actor, &category, months))
        .await
    {
        Ok(()) => match months {
            Some(m) => (true, format!("Đã đặt thời hạn lưu giữ: {m} tháng.")),
            None => (true, "Đã bỏ thời hạn: dữ liệu được giữ mãi.".to_owned()),
        },
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    jobs_view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct PurgeForm {
    csrf: String,
}

/// «Purge now»: a retention job queued for the next server that looks.
pub async fn request_purge(
    State(state): State<Arc<AppState>>,
    Submitted(user, _f, _): Submitted<need::Administer, PurgeForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let message = match state
        .use_case(move |app| app.request_purge(&actor, chrono::Utc::now()))
        .await
    {
        Ok(true) => (
            true,
            "Đã xếp việc xóa dữ liệu quá hạn; máy chủ sẽ chạy trong vài chục giây.".to_owned(),
        ),
        Ok(false) => (true, "Việc xóa đã được xếp trong phút này.".to_owned()),
        Err(e) => return e.into_response(),
    };
    jobs_view(&state, &user, Some(message)).await
}

/// The unit a form names (its id), if any; the rule of which role needs one is `app`'s.
fn form_unit(unit: &str) -> Result<Option<domain::UnitId>, String> {
    match unit.trim() {
        "" => Ok(None),
        u => u
            .parse()
            .map(|u| Some(domain::UnitId(u)))
            .map_err(|_| "Đơn vị không hợp lệ.".to_owned()),
    }
}

#[derive(Deserialize)]
pub struct NewUser {
    csrf: String,
    username: String,
    role: String,
    #[serde(default)]
    unit: String,
    password: String,
}

pub async fn create_user(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, NewUser>,
) -> Response {
    let message = match (f.role.parse::<Role>(), form_unit(&f.unit)) {
        (Err(_), _) => (false, "Vai trò không hợp lệ.".to_owned()),
        (_, Err(m)) => (false, m),
        (Ok(role), Ok(unit)) => {
            let actor = crate::actor(&user.session.user);
            let new = app::accounts::NewAccount {
                username: f.username.clone(),
                password: f.password.clone(),
                role,
                unit,
            };
            let made = state
                .use_case(move |app| app.create_account(&actor, new))
                .await;
            state.changed().await;
            match made {
                Ok(made) => (
                    true,
                    format!(
                        "Đã tạo tài khoản {} ({}); phải đổi mật khẩu khi đăng nhập lần đầu.",
                        made.username,
                        role.label_vi()
                    ),
                ),
                Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
                Err(e) => return e.into_response(),
            }
        }
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    username: String,
    password: String,
}

pub async fn reset_password(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, ResetForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let (name, password) = (f.username.clone(), f.password);
    let message = match state
        .changing(move |app| app.reset_password(&actor, &name, &password))
        .await
    {
        Ok(account) => {
            // Whoever knew the old password is signed out everywhere.
            if let Err(e) = state.end_sessions_of(account.id, None).await {
                return internal(e);
            }
            (
                true,
                format!(
                    "Đã đặt lại mật khẩu của {}; phải đổi khi đăng nhập.",
                    f.username
                ),
            )
        }
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct NewUnit {
    csrf: String,
    name: String,
    parent: i64,
}

pub async fn create_unit(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, NewUnit>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let (name, parent) = (f.name, domain::UnitId(f.parent));
    let message = match state
        .changing(move |app| app.create_unit(&actor, &name, parent))
        .await
    {
        Ok(name) => (true, format!("Đã thêm đơn vị «{name}».")),
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct NewToken {
    csrf: String,
    name: String,
    role: String,
    #[serde(default)]
    unit: String,
    /// Days until the token ends; empty: [`app::accounts::TOKEN_DAYS`].
    #[serde(default)]
    valid_days: String,
}

pub async fn create_token(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, NewToken>,
) -> Response {
    let Ok(role) = f.role.parse::<Role>() else {
        return view(
            &state,
            &user,
            Some((false, "Vai trò không hợp lệ cho mã API.".into())),
        )
        .await;
    };
    let unit = match form_unit(&f.unit) {
        Ok(u) => u,
        Err(m) => return view(&state, &user, Some((false, m))).await,
    };
    let valid_days = match f.valid_days.trim() {
        "" => app::accounts::TOKEN_DAYS,
        d => match d.parse() {
            Ok(d) => d,
            Err(_) => {
                let m = format!(
                    "Thời hạn của mã từ 1 đến {} ngày.",
                    app::accounts::TOKEN_DAYS_MAX
                );
                return view(&state, &user, Some((false, m))).await;
            }
        },
    };
    let actor = crate::actor(&user.session.user);
    let new = app::accounts::NewToken {
        name: f.name.clone(),
        role,
        unit,
        valid_days,
    };
    let message = match state
        .use_case(move |app| app.create_token(&actor, new))
        .await
    {
        Ok((id, token)) => (
            true,
            format!("Mã #{id} (chỉ hiện một lần, hãy lưu lại): {token}"),
        ),
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    state.changed().await;
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
    id: i64,
}

pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, RevokeForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let id = f.id;
    let message = match state
        .changing(move |app| app.revoke_token(&actor, id))
        .await
    {
        Ok(()) => (true, format!("Đã thu hồi mã #{id}.")),
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct DisableForm {
    csrf: String,
    username: String,
    reason: String,
}

pub async fn disable_user(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, DisableForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let (name, reason) = (f.username, f.reason);
    let message = match state
        .changing(move |app| app.disable_account(&actor, &name, &reason))
        .await
    {
        Ok(account) => {
            // The store ended its sessions; this process forgets the ones it trusts too.
            if let Err(e) = state.end_sessions_of(account.id, None).await {
                return internal(e);
            }
            (
                true,
                format!(
                    "Đã khóa tài khoản {}; các phiên đăng nhập của tài khoản đã kết thúc.",
                    account.username
                ),
            )
        }
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct EnableForm {
    csrf: String,
    username: String,
}

pub async fn enable_user(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, EnableForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let name = f.username;
    let message = match state
        .changing(move |app| app.enable_account(&actor, &name))
        .await
    {
        Ok(account) => (true, format!("Đã mở khóa tài khoản {}.", account.username)),
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    csrf: String,
    username: String,
    role: String,
    #[serde(default)]
    unit: String,
    reason: String,
}

pub async fn change_role(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Administer, RoleForm>,
) -> Response {
    let message = match (f.role.parse::<Role>(), form_unit(&f.unit)) {
        (Err(_), _) => (false, "Vai trò không hợp lệ.".to_owned()),
        (_, Err(m)) => (false, m),
        (Ok(role), Ok(unit)) => {
            let actor = crate::actor(&user.session.user);
            let (name, reason) = (f.username, f.reason);
            match state
                .changing(move |app| app.change_role(&actor, &name, role, unit, &reason))
                .await
            {
                Ok(account) => (
                    true,
                    format!(
                        "Đã đổi vai trò của {} thành «{}».",
                        account.username,
                        role.label_vi()
                    ),
                ),
                Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
                Err(e) => return e.into_response(),
            }
        }
    };
    view(&state, &user, Some(message)).await
}

has_csrf!(
    NewUser,
    ResetForm,
    NewUnit,
    NewToken,
    RevokeForm,
    DisableForm,
    EnableForm,
    RoleForm,
    RetentionForm,
    PurgeForm
);
