//! The pages and the API. Every value reaches HTML through maud, which escapes it; every form
//! carries the session's CSRF token; every page checks the role and scopes by unit.

use crate::AppState;
use crate::auth::{SignedIn, csrf_ok, csrf_rejected, forbidden, hash_password, verify_password};
use crate::i18n::{Lang, tr};
use crate::require::{Require, Submitted, has_csrf, need};
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use domain::{Community, Permission, Role, Unit, UnitId};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

pub(crate) fn page(title: &str, who: Option<&SignedIn>, body: Markup) -> Markup {
    page_in(who.map_or(Lang::Vi, |w| w.lang), title, who, body)
}

/// A page in a language (the sign-in page has no session to say which).
pub(crate) fn page_in(lang: Lang, title: &str, who: Option<&SignedIn>, body: Markup) -> Markup {
    let t = |vi: &'static str| tr(lang, vi);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (tr(lang, title)) " — " (t("Sổ kênh")) }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header.top {
                    a href="/" { (t("Sổ kênh")) }
                    @if let Some(w) = who {
                        nav.main {
                            @if w.session.user.member.is_some() {
                                a href="/ke-khai" { (t("Kê khai của tôi")) }
                            }
                            @if w.session.user.role.can(Permission::ViewRegister) {
                                a href="/tong-quan" { (t("Tổng quan")) }
                                a href="/so-dang-ky" { (t("Sổ đăng ký")) }
                                a href="/tim-kiem" { (t("Tìm bài đăng")) }
                            }
                            @if w.session.user.role.can(Permission::ViewAlerts) {
                                a href="/canh-bao" { (t("Cảnh báo")) }
                            }
                            @if w.session.user.role.can(Permission::ViewCases) {
                                a href="/ho-so" { (t("Hồ sơ")) }
                            }
                            @if w.session.user.role.can(Permission::ViewDetection) {
                                a href="/kiem-chung" { (t("Kiểm chứng")) }
                            }
                            @if w.session.user.role.can(Permission::FollowUp) {
                                a href="/don-vi" { (t("Đôn đốc kê khai")) }
                            }
                            @if w.session.user.role.can(Permission::ViewAudit) {
                                a href="/nhat-ky" { (t("Nhật ký")) }
                            }
                            @if w.session.user.role.can(Permission::Administer) {
                                a href="/quan-tri" { (t("Quản trị")) }
                            }
                        }
                        @if lang == Lang::En { a.lang href="/ngon-ngu/vi" lang="vi" { "Tiếng Việt" } } @else { a.lang href="/ngon-ngu/en" lang="en" { "English" } }
                        span.who {
                            (w.session.user.username) " (" (w.session.user.role.label_vi()) ") "
                            form.logout method="post" action="/dang-xuat" {
                                input type="hidden" name="csrf" value=(w.session.csrf);
                                button.link type="submit" { (t("Đăng xuất")) }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        page("Lỗi", None, html! { h1 { "Lỗi" } p.error { (message) } }),
    )
        .into_response()
}

pub(crate) fn internal(e: anyhow::Error) -> Response {
    // The details go to the server's log, never to the page.
    let reference = crate::reference();
    eprintln!("lỗi máy chủ / internal error [{reference}]: {e:#}");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!(
            "Có lỗi khi xử lý yêu cầu. Hãy thử lại hoặc báo quản trị với mã tham chiếu {reference}."
        ),
    )
}

/// A file to save: its type, and a name reduced to ASCII letters, digits, `.`, `-` (others `_`),
/// so the header needs no encoding and cannot be broken by a quote.
pub(crate) fn attachment(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// What a form just did: a green line when it went well, a red one when it was refused.
pub(crate) fn flash(message: &Option<(bool, String)>) -> Markup {
    html! {
        @if let Some((ok, m)) = message {
            p class=(if *ok { "badge verified" } else { "error" }) role="status" { (m) }
        }
    }
}

pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "Không có trang này.")
}

pub async fn home(user: Option<SignedIn>) -> Redirect {
    match user {
        Some(u) if u.session.user.role.can(Permission::Declare) => Redirect::to("/ke-khai"),
        Some(_) => Redirect::to("/tong-quan"),
        None => Redirect::to("/dang-nhap"),
    }
}

impl axum::extract::OptionalFromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <SignedIn as axum::extract::FromRequestParts<Arc<AppState>>>::from_request_parts(
                parts, state,
            )
            .await
            .ok(),
        )
    }
}

// ---- signing in and out ------------------------------------------------------------------

pub async fn login_form(State(state): State<Arc<AppState>>, lang: LangOf) -> Response {
    login_response(&state, lang.0, StatusCode::OK, None)
}

/// The sign-in page with a fresh anti-forgery value, in its cookie and in the form.
fn login_response(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    error: Option<&'static str>,
) -> Response {
    let token = crate::auth::token();
    (
        status,
        [(
            header::SET_COOKIE,
            state.set_cookie(crate::auth::LOGIN_COOKIE, &token, "/dang-nhap"),
        )],
        login_page(lang, error, &token),
    )
        .into_response()
}

/// The language of a request without a session (the sign-in page).
pub struct LangOf(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for LangOf {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(LangOf(Lang::of(parts)))
    }
}

fn login_page(lang: Lang, error: Option<&'static str>, csrf: &str) -> Markup {
    let t = |vi: &'static str| tr(lang, vi);
    page_in(
        lang,
        "Đăng nhập",
        None,
        html! {
            div.login {
                h1 { (t("Đăng nhập")) }
                @if let Some(e) = error { p.error role="alert" { (t(e)) } }
                form method="post" action="/dang-nhap" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="username" { (t("Tên đăng nhập")) }
                    input id="username" name="username" autocomplete="username" required;
                    label for="password" { (t("Mật khẩu")) }
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                    p { button type="submit" { (t("Đăng nhập")) } }
                }
                p.note { @if lang == Lang::En { a href="/ngon-ngu/vi" lang="vi" { "Tiếng Việt" } } @else { a href="/ngon-ngu/en" lang="en" { "English" } } }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    username: String,
    password: String,
}

pub async fn login(
    LangOf(lang): LangOf,
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    use crate::auth::capped;
    use domain::{MAX_PASSWORD, MAX_USERNAME};
    let expected = crate::auth::named_cookie(&headers, crate::auth::LOGIN_COOKIE);
    if expected.is_none_or(|t| !crate::auth::same(&t, &form.csrf)) {
        return login_response(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            Some("Phiên của trang đăng nhập đã hết. Hãy đăng nhập lại."),
        );
    }
    let delay = state.address_delay(addr.ip());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let key = format!(
        "{}|{}",
        capped(form.username.trim(), MAX_USERNAME).to_lowercase(),
        addr.ip()
    );
    if state.locked_out(&key) {
        return login_response(
            &state,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút."),
        );
    }
    let username = form.username.trim().to_owned();
    let found = match state
        .with_store(move |s| {
            if username.chars().count() > MAX_USERNAME {
                return Ok(None);
            }
            Ok(s.user_by_name(&username)?)
        })
        .await
    {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let password = form.password;
    let found = found.filter(|_| password.len() <= MAX_PASSWORD);
    let ok = match found {
        Some((user, hash)) => {
            tokio::task::spawn_blocking(move || verify_password(&password, &hash).then_some(user))
                .await
                .ok()
                .flatten()
        }
        None => {
            // Spend the same time as a real check, so timing does not tell which names exist.
            let _ = tokio::task::spawn_blocking(move || verify_password(&password, "$argon2id$v=19$m=19456,t=2,p=1$c29rZW5oc2FsdA$0000000000000000000000000000000000000000000")).await;
            None
        }
    };
    let Some(user) = ok else {
        state.failed(&key);
        state.address_failed(addr.ip());
        let who = capped(form.username.trim(), MAX_USERNAME);
        let _ = state
            .with_store(move |s| {
                Ok(s.record(
                    "web",
                    "login.failed",
                    "user",
                    serde_json::json!({"username": who}),
                )?)
            })
            .await;
        return login_response(
            &state,
            lang,
            StatusCode::UNAUTHORIZED,
            Some("Tên đăng nhập hoặc mật khẩu không đúng."),
        );
    };
    state.succeeded(&key);
    let who = user.username.clone();
    let _ = state
        .with_store(move |s| Ok(s.record(&who, "login", "user", serde_json::json!({}))?))
        .await;
    let (id, session) = state.open_session(user);
    let to = if session.user.must_change {
        "/doi-mat-khau"
    } else {
        "/"
    };
    ([(header::SET_COOKIE, state.cookie(&id))], Redirect::to(to)).into_response()
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&user.session, &form.csrf) {
        return csrf_rejected();
    }
    state.close_session(&user.session_id);
    let who = user.session.user.username.clone();
    let _ = state
        .with_store(move |s| Ok(s.record(&who, "logout", "user", serde_json::json!({}))?))
        .await;
    let expired = format!(
        "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        crate::auth::COOKIE
    );
    ([(header::SET_COOKIE, expired)], Redirect::to("/dang-nhap")).into_response()
}

pub async fn password_form(user: SignedIn) -> Markup {
    password_page(&user, None)
}

fn password_page(user: &SignedIn, error: Option<&str>) -> Markup {
    page(
        "Đổi mật khẩu",
        Some(user),
        html! {
            div.login {
                h1 { (crate::i18n::tr(user.lang, "Đổi mật khẩu")) }
                @if user.session.user.must_change { p.note { "Đây là lần đăng nhập đầu: hãy đặt mật khẩu của riêng bạn." } }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/doi-mat-khau" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    label for="new" { (crate::i18n::tr(user.lang, "Mật khẩu mới (ít nhất 10 ký tự)")) }
                    input id="new" name="new" type="password" autocomplete="new-password" required minlength="10";
                    label for="again" { (crate::i18n::tr(user.lang, "Nhập lại")) }
                    input id="again" name="again" type="password" autocomplete="new-password" required;
                    p { button type="submit" { (crate::i18n::tr(user.lang, "Lưu")) } }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    new: String,
    again: String,
}

pub async fn change_password(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !csrf_ok(&user.session, &form.csrf) {
        return csrf_rejected();
    }
    if domain::check_password(&form.new).is_err() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            password_page(
                &user,
                Some("Mật khẩu phải có ít nhất 10 ký tự (và không quá 1024 byte)."),
            ),
        )
            .into_response();
    }
    if form.new != form.again {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            password_page(&user, Some("Hai lần nhập không khớp.")),
        )
            .into_response();
    }
    let hash = match tokio::task::spawn_blocking(move || hash_password(&form.new)).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return internal(e),
        Err(e) => return internal(e.into()),
    };
    let (id, name) = (user.session.user.id, user.session.user.username.clone());
    if let Err(e) = state
        .with_store(move |s| Ok(s.set_password(&name, id, &hash, false)?))
        .await
    {
        return internal(e);
    }
    let mut updated = user.session.user.clone();
    updated.must_change = false;
    state.update_session_user(&user.session_id, updated);
    // Other sessions of this account (a stolen cookie, a forgotten browser) end here.
    state.end_sessions_of(user.session.user.id, Some(&user.session_id));
    Redirect::to("/").into_response()
}

/// 2026-11-29 → 29/11/2026, as dates are written in Vietnam.
pub(crate) fn vn_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

fn thousands(n: u64) -> String {
    text::thousands(n as i64)
}

/// The refusal, if any, of a form that changes something: a wrong CSRF token, or a role that may
/// not do it. Every such handler starts with it.
pub(crate) fn refused(user: &SignedIn, token: &str, needs: Permission) -> Option<Response> {
    if !csrf_ok(&user.session, token) {
        Some(csrf_rejected())
    } else if !user.session.user.role.can(needs) {
        Some(forbidden())
    } else {
        None
    }
}

// ---- scope --------------------------------------------------------------------------------

/// Names of the units a user may see (`app::register::visible_units`: the one unit scope).
pub(crate) fn visible_units(units: &[Unit], user: &domain::User) -> Option<HashSet<String>> {
    app::register::visible_units(units, user.role, user.unit)
}

pub(crate) use app::register::in_scope;

// ---- dashboard ----------------------------------------------------------------------------

pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewRegister>,
) -> Response {
    let today = vietnam_today();
    let from = today.with_day(1).expect("day 1");
    let figures = match state
        .month_figures(from, today + chrono::Duration::days(1))
        .await
    {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let f = &*figures;
    let scope = visible_units(&snap.units, &user.session.user);
    let communities: Vec<&Community> = snap
        .communities
        .iter()
        .filter(|c| in_scope(c, &scope))
        .collect();
    let open_alerts = &snap.open_alerts;
    let mut recent: Vec<&domain::Case> = snap.cases.iter().collect();
    recent.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    recent.truncate(5);
    let sees_cases = user.session.user.role.can(Permission::ViewCases);
    let mut by_platform: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut by_status: std::collections::BTreeMap<&str, u64> = Default::default();
    for c in &communities {
        *by_platform.entry(c.platform.label_vi()).or_default() += 1;
        *by_status.entry(c.status.label_vi()).or_default() += 1;
    }
    let coverage: Vec<&domain::Coverage> = f
        .coverage
        .iter()
        .filter(|c| scope.as_ref().is_none_or(|s| s.contains(&c.unit)))
        .collect();
    let flagged = |c: domain::Category| {
        f.items_flagged_by_category
            .get(c.as_str())
            .copied()
            .unwrap_or(0)
    };
    page(
        "Tổng quan",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Tổng quan tháng")) " " (today.month()) "/" (today.year()) }
            div.cards {
                div.card { div.n { (communities.len()) } div.l { (crate::i18n::tr(user.lang, "trang, kênh, hội, nhóm trong sổ")) } }
                div.card { div.n { (f.official_channels) } div.l { (crate::i18n::tr(user.lang, "trang, kênh chính thức")) } }
                div.card { div.n { (thousands(f.items)) } div.l { (crate::i18n::tr(user.lang, "bài đăng công khai trong tháng")) } }
                div.card { div.n { (f.alerts_by_category.values().fold(0u64, |a, n| a.saturating_add(*n))) } div.l { (crate::i18n::tr(user.lang, "cảnh báo trong tháng")) } }
            }
            h2 { (crate::i18n::tr(user.lang, "Sổ đăng ký theo nền tảng")) }
            table { tr { th { (crate::i18n::tr(user.lang, "Nền tảng")) } th { (crate::i18n::tr(user.lang, "Số lượng")) } } @for (p, c) in &by_platform { tr { td { (p) } td.num { (c) } } } }
            h2 { (crate::i18n::tr(user.lang, "Theo tình trạng")) }
            table { tr { th { (crate::i18n::tr(user.lang, "Tình trạng")) } th { (crate::i18n::tr(user.lang, "Số lượng")) } } @for (p, c) in &by_status { tr { td { (p) } td.num { (c) } } } }
            h2 { (crate::i18n::tr(user.lang, "Kê khai và cam kết theo đơn vị")) }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Số người")) } th { (crate::i18n::tr(user.lang, "Đã kê khai")) } th { (crate::i18n::tr(user.lang, "Đã ký cam kết")) } }
                @for c in &coverage {
                    tr { td { (c.unit) } td.num { (c.members) } td.num { (c.declared) } td.num { (c.signed) } }
                }
            }
            h2 { (crate::i18n::tr(user.lang, "Cảnh báo chờ xử lý theo loại")) }
            @if open_alerts.is_empty() { p.note { "Không có cảnh báo nào chờ xử lý." } } @else {
                table { tr { th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Số cảnh báo")) } } @for (c, k) in open_alerts { tr { td { (c.label_vi()) } td.num { (k) } } } }
            }
            @if sees_cases {
                h2 { (crate::i18n::tr(user.lang, "Hồ sơ gần đây")) }
                @if recent.is_empty() { p.note { "Chưa có hồ sơ." } } @else { (crate::cases::case_table(&recent, user.lang)) }
            }
            h2 { (crate::i18n::tr(user.lang, "Bài đăng có dấu hiệu trong tháng, theo loại")) }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Số bài")) } }
                @for c in domain::Category::ALL {
                    tr { td { (c.label_vi()) } td.num { (flagged(*c)) } }
                }
            }
        },
    )
    .into_response()
}

// ---- register -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    status: String,
    /// Page number, from 1.
    #[serde(default = "first_page")]
    trang: usize,
}

fn first_page() -> usize {
    1
}

/// Rows on one page of the register list.
pub const REGISTER_PAGE: usize = 100;

pub async fn register(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewRegister>,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let scope = visible_units(&snap.units, &user.session.user);
    let needle = text::fold(&q.q);
    let mut total = 0;
    let shown: Vec<&Community> = snap
        .communities
        .iter()
        .zip(&snap.folded)
        .filter(|(c, _)| in_scope(c, &scope))
        .inspect(|_| total += 1)
        .filter(|(c, folded)| {
            needle.is_empty()
                || folded.contains(&needle)
                || c.url.as_deref().is_some_and(|u| u.contains(&q.q))
        })
        .filter(|(c, _)| q.platform.is_empty() || c.platform.as_str() == q.platform)
        .filter(|(c, _)| q.status.is_empty() || c.status.as_str() == q.status)
        .map(|(c, _)| c)
        .collect();
    let pages = shown.len().div_ceil(REGISTER_PAGE).max(1);
    let current = q.trang.clamp(1, pages);
    let rows = &shown[(current - 1) * REGISTER_PAGE..shown.len().min(current * REGISTER_PAGE)];
    let link = |n: usize| {
        let mut u = form_urlencoded::Serializer::new(String::from("/so-dang-ky?"));
        u.append_pair("q", &q.q)
            .append_pair("platform", &q.platform)
            .append_pair("status", &q.status)
            .append_pair("trang", &n.to_string());
        u.finish()
    };
    page(
        "Sổ đăng ký",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Sổ đăng ký trang, kênh, hội, nhóm")) }
            form.inline method="get" action="/so-dang-ky" {
                div { label for="q" { (crate::i18n::tr(user.lang, "Tìm")) } input id="q" name="q" value=(q.q) placeholder="tên hoặc đường dẫn, có dấu hay không dấu"; }
                div {
                    label for="platform" { (crate::i18n::tr(user.lang, "Nền tảng")) }
                    select id="platform" name="platform" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for p in domain::Platform::ALL { option value=(p.as_str()) selected[q.platform == p.as_str()] { (p.label_vi()) } }
                    }
                }
                div {
                    label for="status" { (crate::i18n::tr(user.lang, "Tình trạng")) }
                    select id="status" name="status" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for s in domain::Status::ALL { option value=(s.as_str()) selected[q.status == s.as_str()] { (s.label_vi()) } }
                    }
                }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Lọc")) } }
            }
            @if user.session.user.role.can(Permission::EditRegister) {
                form.inline method="post" action="/so-dang-ky/nhap" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    div { label for="file" { (crate::i18n::tr(user.lang, "Nhập từ bảng tính (.xlsx, .ods, .csv)")) } input id="file" name="file" type="file" required accept=".xlsx,.ods,.csv"; }
                    div { button type="submit" { (crate::i18n::tr(user.lang, "Tải lên")) } }
                }
            }
            p.note {
                (shown.len()) " / " (total) " trang, kênh, hội, nhóm — " a href="/so-dang-ky/xuat" { (crate::i18n::tr(user.lang, "Xuất Excel")) }
                @if user.session.user.role.can(Permission::EditRegister) { " — " a href="/so-dang-ky/moi" { (crate::i18n::tr(user.lang, "Thêm trang, kênh, nhóm")) } }
            }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Tên")) } th { (crate::i18n::tr(user.lang, "Nền tảng")) } th { (crate::i18n::tr(user.lang, "Phân loại")) } th { (crate::i18n::tr(user.lang, "Tình trạng")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Thành viên")) } }
                @for c in rows {
                    tr {
                        td {
                            a href=(format!("/so-dang-ky/{}", c.id.0)) { (c.name) }
                            @if let Some(u) = &c.url { br; span.note { (u) } }
                        }
                        td { (c.platform.label_vi()) }
                        td { (c.classification.label_vi()) }
                        td { span class=(format!("badge {}", c.status.as_str())) { (c.status.label_vi()) } }
                        td { (c.unit.as_deref().unwrap_or("")) }
                        td.num { @if let Some(m) = c.members { (thousands(m)) } }
                    }
                }
            }
            @if pages > 1 {
                nav.pages aria-label="Trang" {
                    @if current > 1 { a href=(link(current - 1)) rel="prev" { "← Trước" } }
                    span { "Trang " (current) " / " (pages) }
                    @if current < pages { a href=(link(current + 1)) rel="next" { "Sau →" } }
                }
            }
        },
    )
    .into_response()
}

// ---- audit --------------------------------------------------------------------------------

pub async fn audit(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewAudit>,
) -> Response {
    let loaded = state
        .with_store(|s| Ok((s.verify_audit()?, s.audit_events()?)))
        .await;
    let (v, events) = match loaded {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    page(
        "Nhật ký",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Nhật ký kiểm tra")) }
            @if v.ok {
                p { span.badge.verified { "Toàn vẹn" } " " (v.events) " sự kiện, chuỗi băm khớp." }
            } @else {
                p.error { "Chuỗi nhật ký KHÔNG toàn vẹn từ sự kiện " (v.first_bad.unwrap_or(0)) "." }
            }
            table {
                tr { th { "#" } th { (crate::i18n::tr(user.lang, "Lúc")) } th { (crate::i18n::tr(user.lang, "Người")) } th { (crate::i18n::tr(user.lang, "Việc")) } th { (crate::i18n::tr(user.lang, "Đối tượng")) } }
                @for e in events.iter().rev().take(200) {
                    tr { td.num { (e.id) } td { (e.at) } td { (e.actor) } td { (e.action) } td { (e.entity) " " (e.entity_id) } }
                }
            }
        },
    )
    .into_response()
}

// ---- API ----------------------------------------------------------------------------------

// ---- a member's own declarations and commitment --------------------------------------------

/// The code of conduct members sign; its version is recorded with each signature.
pub use domain::COMMITMENT_VERSION;
const COMMITMENT_TEXT: &str = "Tôi cam kết: kê khai đầy đủ, trung thực các trang, kênh, hội, nhóm tôi quản trị hoặc tham gia; không đăng, chia sẻ thông tin sai sự thật, tài liệu mật, thông tin cá nhân của người khác; báo cáo kịp thời trang giả mạo cơ quan, đơn vị.";

/// Today's date in Vietnam (the posts' and the office's time zone).
fn vietnam_today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&ingest::posts::vietnam())
        .date_naive()
}

fn today_iso() -> String {
    vietnam_today().to_string()
}

async fn member_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<(bool, String)>,
) -> Response {
    let Some(member) = user.session.user.member else {
        return forbidden();
    };
    let loaded = state
        .with_store(move |s| {
            let communities = s.communities()?;
            let mine: Vec<(String, Option<String>, String)> = s
                .participations()?
                .into_iter()
                .filter(|p| p.member == member)
                .filter_map(|p| {
                    communities
                        .iter()
                        .find(|c| c.id == p.community)
                        .map(|c| (c.name.clone(), c.url.clone(), p.role.label_vi().to_owned()))
                })
                .collect();
            let signed = s
                .commitments()?
                .into_iter()
                .filter(|c| c.member == member)
                .map(|c| (c.version, c.signed_on))
                .collect::<Vec<_>>();
            // Reminders are audit events addressed to this member.
            let to = format!("member:{}", member.0);
            let reminders: Vec<String> = s
                .audit_events()?
                .into_iter()
                .filter(|e| e.action == "member.remind" && e.entity == to)
                .map(|e| e.at)
                .collect();
            Ok((mine, signed, reminders))
        })
        .await;
    let (mine, signed, reminders) = match loaded {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let current = signed.iter().find(|(v, _)| v == COMMITMENT_VERSION);
    page(
        "Kê khai của tôi",
        Some(user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Kê khai của tôi")) }
            @if let Some(at) = reminders.last() {
                p.error role="note" { "Đơn vị nhắc bạn kê khai và ký cam kết (" (vn_date(at.get(..10).unwrap_or(at))) ")." }
            }
            (flash(&message))
            h2 { (crate::i18n::tr(user.lang, "Trang, kênh, hội, nhóm tôi quản trị hoặc tham gia")) }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Tên")) } th { (crate::i18n::tr(user.lang, "Đường dẫn")) } th { (crate::i18n::tr(user.lang, "Vai trò")) } }
                @for (name, url, role) in &mine { tr { td { (name) } td { (url.as_deref().unwrap_or("")) } td { (role) } } }
                @if mine.is_empty() { tr { td colspan="3" { "Chưa kê khai." } } }
            }
            form.inline method="post" action="/ke-khai" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                div { label for="url" { (crate::i18n::tr(user.lang, "Đường dẫn")) } input id="url" name="url" required placeholder="https://facebook.com/groups/…"; }
                div {
                    label for="role" { (crate::i18n::tr(user.lang, "Vai trò")) }
                    select id="role" name="role" {
                        @for r in domain::ParticipationRole::ALL { option value=(r.as_str()) { (r.label_vi()) } }
                    }
                }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Kê khai")) } }
            }
            h2 { (crate::i18n::tr(user.lang, "Cam kết")) }
            p { (COMMITMENT_TEXT) }
            p.note { "Phiên bản " (COMMITMENT_VERSION) }
            @if let Some((_, on)) = current {
                p { span.badge.verified { "Đã ký ngày " (vn_date(on)) } }
            } @else {
                form method="post" action="/ky-cam-ket" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    button type="submit" { "Tôi đã đọc và ký cam kết" }
                }
            }
        },
    )
    .into_response()
}

pub async fn declarations(State(state): State<Arc<AppState>>, user: SignedIn) -> Response {
    member_page(&state, &user, None).await
}

#[derive(Deserialize)]
pub struct DeclareForm {
    csrf: String,
    url: String,
    role: String,
}

pub async fn declare(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Form(form): Form<DeclareForm>,
) -> Response {
    if !csrf_ok(&user.session, &form.csrf) {
        return csrf_rejected();
    }
    let Some(member) = user.session.user.member else {
        return forbidden();
    };
    let Some(role) = domain::ParticipationRole::parse_word(&form.role) else {
        return member_page(&state, &user, Some((false, "Vai trò không hợp lệ.".into()))).await;
    };
    let key = match domain::CanonicalUrl::parse(&form.url) {
        Ok(k) => k.to_string(),
        Err(e) => {
            return member_page(
                &state,
                &user,
                Some((false, format!("Đường dẫn không hợp lệ: {e}"))),
            )
            .await;
        }
    };
    let actor = user.session.user.username.clone();
    let result = state
        .with_store(move |s| {
            let Some(c) = s.communities()?.into_iter().find(|c| c.key == key) else {
                return Ok(None);
            };
            let p = domain::Participation {
                member,
                community: c.id,
                role,
                source: domain::ParticipationSource::SelfDeclared,
                since: None,
                recorded: today_iso(),
            };
            s.declare(&actor, &p)?;
            Ok(Some(c.name))
        })
        .await;
    match result {
        Ok(Some(name)) => {
            member_page(&state, &user, Some((true, format!("Đã kê khai «{name}».")))).await
        }
        Ok(None) => {
            member_page(
                &state,
                &user,
                Some((
                    false,
                    "Trang này chưa có trong sổ đăng ký: hãy báo quản trị đơn vị để đăng ký trước."
                        .into(),
                )),
            )
            .await
        }
        Err(e) => internal(e),
    }
}

pub async fn sign(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&user.session, &form.csrf) {
        return csrf_rejected();
    }
    let Some(member) = user.session.user.member else {
        return forbidden();
    };
    let actor = user.session.user.username.clone();
    let signed = state
        .with_store(move |s| {
            Ok(s.sign(
                &actor,
                &domain::Commitment {
                    member,
                    version: COMMITMENT_VERSION.into(),
                    signed_on: today_iso(),
                },
            )?)
        })
        .await;
    match signed {
        Ok(_) => {
            member_page(
                &state,
                &user,
                Some((
                    true,
                    format!("Đã ký cam kết phiên bản {COMMITMENT_VERSION}."),
                )),
            )
            .await
        }
        Err(e) => internal(e),
    }
}

// ---- alerts -------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct AlertQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    status: String,
}

async fn alerts_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    q: AlertQuery,
    message: Option<(bool, String)>,
) -> Response {
    if !user.session.user.role.can(Permission::ViewAlerts) {
        return forbidden();
    }
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let alerts = &snap.alerts;
    let open_cases: Vec<&domain::Case> = snap
        .cases
        .iter()
        .filter(|c| c.status != domain::CaseStatus::Closed)
        .collect();
    let status = if q.status.is_empty() {
        "open".to_owned()
    } else {
        q.status.clone()
    };
    let mut shown: Vec<&domain::StoredAlert> = alerts
        .iter()
        .filter(|a| q.category.is_empty() || a.category.as_str() == q.category)
        .filter(|a| status == "all" || a.status == status)
        .collect();
    let rank = |s: &str| match s {
        "high" => 0,
        "medium" => 1,
        _ => 2,
    };
    shown.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then(b.score.total_cmp(&a.score))
            .then(b.id.cmp(&a.id))
    });
    let triage = user.session.user.role.can(Permission::Triage);
    let case_of = |alert: i64| {
        open_cases
            .iter()
            .find(|c| c.alert_ids.contains(&alert))
            .map(|c| c.id)
    };
    page(
        "Cảnh báo",
        Some(user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Hàng đợi cảnh báo")) }
            (flash(&message))
            form.inline method="get" action="/canh-bao" {
                div {
                    label for="category" { (crate::i18n::tr(user.lang, "Loại")) }
                    select id="category" name="category" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for c in domain::Category::ALL { option value=(c.as_str()) selected[q.category == c.as_str()] { (c.label_vi()) } }
                    }
                }
                div {
                    label for="status" { (crate::i18n::tr(user.lang, "Trạng thái")) }
                    select id="status" name="status" {
                        option value="open" selected[status == "open"] { (crate::i18n::tr(user.lang, "Chưa xử lý")) }
                        option value="dismissed" selected[status == "dismissed"] { (crate::i18n::tr(user.lang, "Đã bỏ qua")) }
                        option value="in_case" selected[status == "in_case"] { (crate::i18n::tr(user.lang, "Đã lập hồ sơ")) }
                        option value="all" selected[status == "all"] { (crate::i18n::tr(user.lang, "Tất cả")) }
                    }
                }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Lọc")) } }
            }
            p.note { (shown.len()) " cảnh báo" }
            @if triage && status == "open" && !shown.is_empty() {
                form.inline id="merge" method="post" action="/canh-bao/ho-so" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    div {
                        label for="case" { (crate::i18n::tr(user.lang, "Đưa các cảnh báo đã chọn vào")) }
                        select id="case" name="case" {
                            option value="" { (crate::i18n::tr(user.lang, "Hồ sơ mới")) }
                            @for c in &open_cases { option value=(c.id) { "Hồ sơ #" (c.id) ": " (c.title.chars().take(60).collect::<String>()) } }
                        }
                    }
                    div {
                        label for="case-title" { (crate::i18n::tr(user.lang, "Tiêu đề hồ sơ mới (để trống: theo cảnh báo đầu)")) }
                        input id="case-title" name="title";
                    }
                    div { button type="submit" { (crate::i18n::tr(user.lang, "Lập hồ sơ")) } }
                }
            }
            table {
                tr { @if triage && status == "open" { th { (crate::i18n::tr(user.lang, "Chọn")) } } th { (crate::i18n::tr(user.lang, "Mức")) } th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Nội dung")) } th { (crate::i18n::tr(user.lang, "Bài")) } th { (crate::i18n::tr(user.lang, "Thời gian")) } @if triage { th { (crate::i18n::tr(user.lang, "Quyết định")) } } }
                @for a in &shown {
                    tr {
                        @if triage && status == "open" {
                            td { @if a.status == "open" { input type="checkbox" name="alert" value=(a.id) form="merge" aria-label=(format!("Chọn cảnh báo #{}", a.id)); } }
                        }
                        td { span class=(format!("badge {}", if a.severity == "high" { "impersonating" } else { "" })) { (if a.severity == "high" { "Cao" } else if a.severity == "medium" { "Trung bình" } else { "Thấp" }) } }
                        td { (a.category.label_vi()) }
                        td { a href=(format!("/canh-bao/{}", a.id)) { (a.explanation) } }
                        td { (a.count) @if !a.item_ids.is_empty() { br; span.note { (a.item_ids.iter().take(5).cloned().collect::<Vec<_>>().join(", ")) } } }
                        td { (crate::cases::vn_time(&a.first_at)) }
                        @if triage {
                            td {
                                @if a.status == "open" {
                                    form method="post" action="/canh-bao/quyet-dinh" {
                                        input type="hidden" name="csrf" value=(user.session.csrf);
                                        input type="hidden" name="id" value=(a.id);
                                        label for=(format!("reason-{}", a.id)) { "Lý do bỏ qua" }
                                        input id=(format!("reason-{}", a.id)) name="reason" required minlength="3";
                                        button type="submit" { (crate::i18n::tr(user.lang, "Bỏ qua")) }
                                    }
                                } @else if a.status == store::ALERT_IN_CASE {
                                    @if let Some(c) = case_of(a.id) { a href=(format!("/ho-so/{}", c)) { "Trong hồ sơ #" (c) } } @else { "Trong hồ sơ" }
                                } @else {
                                    (if a.status == "dismissed" { "Đã bỏ qua" } else { a.status.as_str() })
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

pub async fn alerts(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Query(q): Query<AlertQuery>,
) -> Response {
    alerts_page(&state, &user, q, None).await
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
    id: i64,
    reason: String,
}

pub async fn decide_alert(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::Triage, DecideForm>,
) -> Response {
    let reason = form.reason.trim().to_owned();
    if reason.chars().count() < 3 {
        return alerts_page(
            &state,
            &user,
            AlertQuery::default(),
            Some((false, "Cần ghi lý do bỏ qua.".into())),
        )
        .await;
    }
    let actor = user.session.user.username.clone();
    let id = form.id;
    match state
        .write(move |s| Ok(s.decide_alert(&actor, id, "dismissed", &reason)?))
        .await
    {
        Ok(true) => {
            alerts_page(
                &state,
                &user,
                AlertQuery::default(),
                Some((true, format!("Đã bỏ qua cảnh báo #{id}."))),
            )
            .await
        }
        Ok(false) => error_page(StatusCode::NOT_FOUND, "Không có cảnh báo này."),
        Err(e) => internal(e),
    }
}

// ---- importing the register spreadsheet ----------------------------------------------------

/// Largest spreadsheet accepted.
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// The spreadsheet kind by content, not by name: zip (xlsx, ods), OLE2 (xls), or UTF-8/1252 text.
fn sheet_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(
            if bytes
                .windows(28)
                .any(|w| w == b"application/vnd.oasis.opendo")
            {
                "ods"
            } else {
                "xlsx"
            },
        )
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("xls")
    } else if !bytes.is_empty() && !text::looks_binary(bytes) {
        Some("csv")
    } else {
        None
    }
}

pub async fn import_register(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    let up = match crate::upload::read(&user, Permission::EditRegister, multipart, MAX_UPLOAD >> 20)
        .await
    {
        Ok(up) => up,
        Err(r) => return r,
    };
    let name: String = up
        .name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect();
    let name = if name.is_empty() {
        "so-dang-ky".to_owned()
    } else {
        name
    };
    let head = match up.head(64 << 10) {
        Ok(h) => h,
        Err(e) => return internal(e.into()),
    };
    let Some(ext) = sheet_extension(&head) else {
        return error_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Không phải bảng tính Excel (.xlsx), .ods hay .csv.",
        );
    };
    if ext == "xls" {
        // The old binary format cannot be checked before its reader allocates what it declares
        // (calamine reserves a sheet's declared dimensions): not taken from the web.
        return error_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Tệp Excel 97-2003 (.xls) không nhận qua trang web vì không kiểm tra trước được: hãy mở bằng Excel hoặc LibreOffice và lưu thành .xlsx (hoặc .csv) rồi tải lên lại. / Legacy .xls is not accepted here: save it as .xlsx.",
        );
    }
    let actor = crate::actor(&user.session.user);
    // The sheet is read apart from the store, two uploads at a time, so a large or slow file
    // keeps nobody else waiting; then written in one transaction within the actor's scope.
    let read = {
        let _slot = state.heavy.acquire().await;
        let actor = actor.clone();
        state
            .use_case(move |app| {
                // The reader goes by the extension: the upload, already on disk, is given one.
                let dir = tempfile::tempdir().map_err(anyhow::Error::from)?;
                let path = dir.path().join(format!("upload.{ext}"));
                std::fs::copy(up.file.path(), &path).map_err(anyhow::Error::from)?;
                drop(up);
                app.read_register(&actor, &path, None)
            })
            .await
    };
    let sheet = match read {
        Ok(sheet) => sheet,
        Err(crate::AppError(e)) if matches!(e.kind, app::ErrorKind::Invalid { .. }) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Nhập sổ đăng ký",
                    Some(&user),
                    html! {
                        h1 { "Nhập sổ đăng ký" }
                        p.error role="alert" { "Không đọc được bảng tính: " (e.message) }
                        p { a href="/so-dang-ky" { (crate::i18n::tr(user.lang, "Quay lại sổ đăng ký")) } }
                    },
                ),
            )
                .into_response();
        }
        Err(e) => return e.into_response(),
    };
    let result = state
        .use_case(move |app| app.import_register(&actor, &name, sheet, false))
        .await;
    state.changed().await;
    let app::register::Imported { sheet, outcome, .. } = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    page(
        "Nhập sổ đăng ký",
        Some(&user),
        html! {
            h1 { "Kết quả nhập sổ đăng ký" }
            p role="status" {
                "Đã đọc " (sheet.rows_read) " dòng: thêm mới " (outcome.inserted) ", cập nhật " (outcome.updated)
                ", không đổi " (outcome.unchanged) ", từ chối " (sheet.rejected.len()) ", cảnh báo " (sheet.warnings.len()) "."
            }
            @if let Some(enc) = sheet.legacy_encoding { p.note { "Đã chuyển chữ mã cũ (" (format!("{enc:?}")) ") sang Unicode." } }
            @if !sheet.rejected.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Dòng bị từ chối (không ghi vào sổ)")) }
                table { tr { th { (crate::i18n::tr(user.lang, "Dòng")) } th { (crate::i18n::tr(user.lang, "Cột")) } th { (crate::i18n::tr(user.lang, "Lý do")) } }
                    @for r in &sheet.rejected { tr { td.num { (r.row) } td { (r.column) } td { (r.reason) } } } }
            }
            @if !sheet.warnings.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Cảnh báo")) }
                table { tr { th { (crate::i18n::tr(user.lang, "Dòng")) } th { (crate::i18n::tr(user.lang, "Cột")) } th { (crate::i18n::tr(user.lang, "Nội dung")) } }
                    @for r in &sheet.warnings { tr { td.num { (r.row) } td { (r.column) } td { (r.reason) } } } }
            }
            p { a href="/so-dang-ky" { (crate::i18n::tr(user.lang, "Xem sổ đăng ký")) } }
        },
    )
    .into_response()
}

/// The register (as far as the user may see it) in the office's spreadsheet layout; audited.
pub async fn export_register(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewRegister>,
) -> Response {
    let u = user.session.user.clone();
    let _turn = state.heavy_store.acquire().await;
    let made = state
        .with_store(move |s| {
            let units = s.units()?;
            let scope = visible_units(&units, &u);
            let shown: Vec<Community> = s
                .communities()?
                .into_iter()
                .filter(|c| in_scope(c, &scope))
                .collect();
            let title = match u.unit.and_then(|id| units.iter().find(|x| x.id == id)) {
                Some(unit) if scope.is_some() => unit.name.clone(),
                _ => units
                    .iter()
                    .find(|x| x.parent.is_none())
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
            };
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("so-dang-ky.xlsx");
            ingest::registry::write_xlsx(&path, &shown, &title, &vn_date(&today_iso()))?;
            s.record(
                &u.username,
                "registry.export",
                "community",
                serde_json::json!({"rows": shown.len(), "via": "web"}),
            )?;
            Ok(std::fs::read(&path)?)
        })
        .await;
    match made {
        Ok(bytes) => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "so-dang-ky.xlsx",
            bytes,
        ),
        Err(e) => internal(e),
    }
}

// ---- a unit's members: who has not declared or signed, and reminders -----------------------

/// The purpose written with each view of members' names.
const FOLLOW_UP: &str = "đôn đốc kê khai, ký cam kết";

pub async fn unit_members(State(state): State<Arc<AppState>>, user: SignedIn) -> Response {
    unit_members_page(&state, &user, None).await
}

async fn unit_members_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<String>,
) -> Response {
    if !user.session.user.role.can(Permission::FollowUp) {
        return forbidden();
    }
    let u = user.session.user.clone();
    let loaded = state
        .with_store(move |s| {
            let units = s.units()?;
            let scope = visible_units(&units, &u);
            let unit_name = |id: UnitId| {
                units
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.name.clone())
                    .unwrap_or_default()
            };
            let participations = s.participations()?;
            let commitments = s.commitments()?;
            let rows: Vec<(i64, String, String, bool, bool)> = s
                .members()?
                .into_iter()
                .filter(|m| {
                    scope
                        .as_ref()
                        .is_none_or(|names| names.contains(&unit_name(m.unit)))
                })
                .map(|m| {
                    let declared = participations.iter().any(|p| p.member == m.id);
                    let signed = commitments
                        .iter()
                        .any(|c| c.member == m.id && c.version == COMMITMENT_VERSION);
                    (m.id.0, m.full_name, unit_name(m.unit), declared, signed)
                })
                .collect();
            // Names of people are personal data: the view is in the log, with its purpose.
            s.record(
                &u.username,
                "members.view",
                "member",
                serde_json::json!({"rows": rows.len(), "purpose": FOLLOW_UP}),
            )?;
            // A unit admin also sees what cases told its unit.
            let notices = match (u.role, u.unit) {
                (Role::UnitAdmin, Some(unit)) => s.unit_notices(unit)?,
                _ => Vec::new(),
            };
            // Claims to own a personal account, in scope, with their decision so far.
            let decisions = s.ownership_decisions()?;
            let communities = s.communities()?;
            let shown: HashSet<i64> = rows.iter().map(|r| r.0).collect();
            let claims: Vec<OwnershipClaim> = participations
                .iter()
                .filter(|p| {
                    p.role == domain::ParticipationRole::Owner && shown.contains(&p.member.0)
                })
                .filter_map(|p| {
                    let c = communities
                        .iter()
                        .find(|c| c.id == p.community && c.kind == domain::Kind::Account)?;
                    let member = rows.iter().find(|r| r.0 == p.member.0)?;
                    Some(OwnershipClaim {
                        member: p.member.0,
                        member_name: member.1.clone(),
                        community: c.id.0,
                        account: c.url.clone().unwrap_or_else(|| c.name.clone()),
                        decision: decisions
                            .iter()
                            .find(|(m, k, _)| *m == p.member && *k == p.community)
                            .map(|(_, _, d)| d.clone()),
                    })
                })
                .collect();
            Ok((rows, notices, claims))
        })
        .await;
    let (rows, notices, claims) = match loaded {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let missing = rows.iter().filter(|r| !r.3 || !r.4).count();
    page(
        "Đôn đốc kê khai",
        Some(user),
        html! {
            h1 { "Kê khai và cam kết của cán bộ, đảng viên" }
            @if let Some(m) = &message { p.badge.verified role="status" { (m) } }
            @if !notices.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Thông báo từ hồ sơ xử lý")) }
                ul {
                    @for n in notices.iter().rev() {
                        @let d: serde_json::Value = serde_json::from_str(&n.details).unwrap_or_default();
                        li {
                            (crate::cases::vn_time(&n.at)) " — hồ sơ #" (d["case"]) ": " (d["note"].as_str().unwrap_or(""))
                            " " span.note { "(" (n.actor) ")" }
                        }
                    }
                }
            }
            p.note { (missing) " / " (rows.len()) " người chưa kê khai hoặc chưa ký cam kết phiên bản " (COMMITMENT_VERSION) ". Xem danh sách này được ghi vào nhật ký (mục đích: " (FOLLOW_UP) ")." }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Họ tên")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Kê khai")) } th { (crate::i18n::tr(user.lang, "Cam kết")) } th { "" } }
                @for (id, name, unit, declared, signed) in &rows {
                    tr {
                        td { (name) } td { (unit) }
                        td { (if *declared { "Đã kê khai" } else { "Chưa" }) }
                        td { (if *signed { "Đã ký" } else { "Chưa" }) }
                        td {
                            @if !*declared || !*signed {
                                form method="post" action="/don-vi/nhac-nho" {
                                    input type="hidden" name="csrf" value=(user.session.csrf);
                                    input type="hidden" name="member" value=(id);
                                    button type="submit" { (crate::i18n::tr(user.lang, "Nhắc nhở")) }
                                }
                            }
                        }
                    }
                }
            }
            @if !claims.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Tài khoản cá nhân khai là của mình")) }
                p.note { "Bài đăng của một tài khoản chỉ giữ tên thật của tài khoản sau khi được xác nhận đúng là của người khai; trước đó và khi bị từ chối, tác giả vẫn chỉ là bí danh. Xác nhận không đổi các bài đã lưu trước đó." }
                table {
                    tr { th { (crate::i18n::tr(user.lang, "Họ tên")) } th { (crate::i18n::tr(user.lang, "Tài khoản")) } th { (crate::i18n::tr(user.lang, "Trạng thái")) } th { "" } }
                    @for c in &claims {
                        tr {
                            td { (c.member_name) } td { (c.account) }
                            td { (match c.decision.as_deref() { Some("confirmed") => "Đã xác nhận", Some(_) => "Đã từ chối", None => "Chờ xác nhận" }) }
                            td {
                                @if user.session.user.role.can(Permission::DecideOwnership) {
                                    @for (value, label) in [("confirmed", "Xác nhận"), ("rejected", "Từ chối")] {
                                        @if c.decision.as_deref() != Some(value) {
                                            form.inline method="post" action="/don-vi/so-huu" {
                                                input type="hidden" name="csrf" value=(user.session.csrf);
                                                input type="hidden" name="member" value=(c.member);
                                                input type="hidden" name="community" value=(c.community);
                                                input type="hidden" name="decision" value=(value);
                                                button type="submit" { (crate::i18n::tr(user.lang, label)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

/// The member with this id, if any, and whether it is in the user's scope (`Err` when not: ids
/// are guessable, so a form naming a member of another unit is refused).
fn member_in_scope(
    s: &mut store::Store,
    user: &domain::User,
    id: i64,
) -> anyhow::Result<Option<Result<domain::Member, ()>>> {
    let units = s.units()?;
    let scope = visible_units(&units, user);
    let Some(m) = s.members()?.into_iter().find(|m| m.id.0 == id) else {
        return Ok(None);
    };
    let unit = units
        .iter()
        .find(|x| x.id == m.unit)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    Ok(Some(if scope.is_some_and(|names| !names.contains(&unit)) {
        Err(())
    } else {
        Ok(m)
    }))
}

/// A member's claim to own a personal account, as the follow-up page lists it.
struct OwnershipClaim {
    member: i64,
    member_name: String,
    community: i64,
    account: String,
    decision: Option<String>,
}

#[derive(Deserialize)]
pub struct OwnershipForm {
    csrf: String,
    member: i64,
    community: i64,
    decision: String,
}

/// Confirms or rejects a member's claim to own an account (audited).
pub async fn decide_ownership(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::DecideOwnership, OwnershipForm>,
) -> Response {
    let confirmed = match form.decision.as_str() {
        "confirmed" => true,
        "rejected" => false,
        _ => return error_page(StatusCode::BAD_REQUEST, "Quyết định không hợp lệ."),
    };
    let u = user.session.user.clone();
    let done = state
        .write(move |s| {
            let m = match member_in_scope(s, &u, form.member)? {
                Some(Ok(m)) => m,
                Some(Err(())) => return Ok(Some(false)),
                None => return Ok(None),
            };
            s.decide_ownership(
                &u.username,
                m.id,
                domain::CommunityId(form.community),
                confirmed,
            )?;
            Ok(Some(true))
        })
        .await;
    match done {
        Ok(Some(true)) => {
            let said = if confirmed {
                "Đã xác nhận tài khoản là của người khai."
            } else {
                "Đã từ chối lời khai; tác giả vẫn là bí danh."
            };
            unit_members_page(&state, &user, Some(said.into())).await
        }
        Ok(Some(false)) => forbidden(),
        Ok(None) => error_page(StatusCode::NOT_FOUND, "Không có người này."),
        Err(e) => match e.downcast_ref::<store::StoreError>() {
            Some(store::StoreError::Invalid(m)) => error_page(StatusCode::BAD_REQUEST, m),
            _ => internal(e),
        },
    }
}

#[derive(Deserialize)]
pub struct RemindForm {
    csrf: String,
    member: i64,
}

/// An in-app reminder: an audit event the member's own page shows.
pub async fn remind(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::FollowUp, RemindForm>,
) -> Response {
    let u = user.session.user.clone();
    let member = form.member;
    let done = state
        .with_store(move |s| {
            // No reminding members of another unit (ids are guessable).
            match member_in_scope(s, &u, member)? {
                Some(Ok(_)) => {}
                Some(Err(())) => return Ok(Some(false)),
                None => return Ok(None),
            }
            s.record(
                &u.username,
                "member.remind",
                &format!("member:{member}"),
                serde_json::json!({"version": COMMITMENT_VERSION}),
            )?;
            Ok(Some(true))
        })
        .await;
    match done {
        Ok(Some(true)) => unit_members_page(&state, &user, Some("Đã gửi nhắc nhở.".into())).await,
        Ok(Some(false)) => forbidden(),
        Ok(None) => error_page(StatusCode::NOT_FOUND, "Không có người này."),
        Err(e) => internal(e),
    }
}

// ---- searching posts ---------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    since: String,
    /// How many results to show: 20 more each time "more" is followed.
    #[serde(default = "twenty")]
    n: usize,
}

fn twenty() -> usize {
    SEARCH_STEP
}

/// Results added by each "more results".
const SEARCH_STEP: usize = 20;
/// At most this many results on one page.
const SEARCH_MAX: usize = 200;

/// `GET /tim-kiem`: public posts by words, with or without diacritics (the tantivy index of
/// `search`), newest matches highlighted; a unit admin sees posts of its unit's pages only.
pub async fn search(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::SearchPosts>,
    Query(q): Query<SearchForm>,
) -> Response {
    let since = if q.since.is_empty() {
        None
    } else {
        match chrono::NaiveDate::parse_from_str(&q.since, "%Y-%m-%d") {
            Ok(d) => d
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(ingest::posts::vietnam()).single()),
            Err(_) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Ngày «từ ngày» không hợp lệ (năm-tháng-ngày).",
                );
            }
        }
    };
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let scope = visible_units(&snap.units, &user.session.user);
    let limit = q.n.clamp(SEARCH_STEP, SEARCH_MAX);
    let hits = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        let query = search::SearchQuery {
            text: q.q.clone(),
            // A unit admin's results are filtered below: ask for more.
            limit: if scope.is_some() { limit * 10 } else { limit },
            platform: (!q.platform.is_empty()).then(|| q.platform.clone()),
            since,
            ..Default::default()
        };
        match state.search(query).await {
            Ok(h) => h,
            Err(e) => return internal(e),
        }
    };
    let hits: Vec<&search::Hit> = match &scope {
        None => hits.iter().collect(),
        Some(_) => {
            let allowed: HashSet<&str> = snap
                .communities
                .iter()
                .filter(|c| in_scope(c, &scope))
                .filter_map(|c| c.url.as_deref())
                .collect();
            hits.iter()
                .filter(|h| {
                    h.community_url
                        .as_deref()
                        .is_some_and(|u| allowed.contains(u))
                })
                .take(limit)
                .collect()
        }
    };
    let name_of = |url: &str| {
        snap.by_url
            .get(url)
            .map(|&k| snap.communities[k].name.as_str())
    };
    page(
        "Tìm bài đăng",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Tìm bài đăng")) }
            form.inline method="get" action="/tim-kiem" {
                div { label for="q" { (crate::i18n::tr(user.lang, "Từ khóa")) } input id="q" name="q" value=(q.q) placeholder="có dấu hay không dấu: thach quang, hòa/hoà" required; }
                div {
                    label for="platform" { (crate::i18n::tr(user.lang, "Nền tảng")) }
                    select id="platform" name="platform" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for p in domain::Platform::ALL { option value=(p.as_str()) selected[q.platform == p.as_str()] { (p.label_vi()) } }
                    }
                }
                div { label for="since" { (crate::i18n::tr(user.lang, "Từ ngày")) } input id="since" name="since" type="date" value=(q.since); }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Tìm")) } }
            }
            @if !q.q.trim().is_empty() {
                p.note { (hits.len()) " kết quả" @if hits.len() == limit { " phù hợp nhất" } }
                @for h in &hits {
                    article.post {
                        p.note {
                            (crate::cases::vn_time(&h.published_at)) " · "
                            @match h.community_url.as_deref() {
                                Some(u) => { (name_of(u).unwrap_or(u)) }
                                None => "—",
                            }
                            " · mã " (h.id)
                        }
                        // The snippet is tantivy's HTML: the text escaped, matches in <b>.
                        p { (maud::PreEscaped(&h.snippet)) }
                    }
                }
                @if hits.len() == limit && limit < SEARCH_MAX {
                    p {
                        a href=({
                            let mut u = form_urlencoded::Serializer::new(String::from("/tim-kiem?"));
                            u.append_pair("q", &q.q).append_pair("platform", &q.platform).append_pair("since", &q.since).append_pair("n", &(limit + SEARCH_STEP).to_string());
                            u.finish()
                        }) { "Xem thêm kết quả" }
                    }
                }
            }
        },
    )
    .into_response()
}

has_csrf!(DecideForm, OwnershipForm, RemindForm);
