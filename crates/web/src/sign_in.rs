//! Signing in and out, and changing one's password.

use crate::AppState;
use crate::auth::{SignedIn, hash_password, verify_password};
use crate::i18n::{Lang, tr};
use crate::pages::{CsrfForm, internal, page, page_in};
use crate::require::{Submitted, has_csrf, need};
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;

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
                    label for="code" { (t("Mã xác thực (khi đã bật xác thực hai bước)")) }
                    input id="code" name="code" inputmode="numeric" autocomplete="one-time-code";
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
    /// The second factor's code, for an account that has one.
    #[serde(default)]
    code: String,
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
    // The password was right: an account with a second factor needs its code too (a code is
    // good once). A wrong one counts as a failed sign-in, and says no more than a wrong password.
    let ok = match ok {
        Some(user) => {
            let (id, code) = (user.id, form.code.clone());
            match state
                .use_case(move |app| {
                    app.second_factor_ok(id, Some(code.as_str()).filter(|c| !c.trim().is_empty()))
                })
                .await
            {
                Ok(true) => Some(user),
                Ok(false) => None,
                Err(e) => return e.into_response(),
            }
        }
        None => None,
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
            Some("Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng."),
        );
    };
    state.succeeded(&key);
    // A disabled account is told so, only once its password (and code) were right: nobody
    // learns from it that a name exists.
    if user.disabled_at.is_some() {
        let who = user.username.clone();
        let _ = state
            .with_store(move |s| {
                Ok(s.record(&who, "login.disabled", "user", serde_json::json!({}))?)
            })
            .await;
        return login_response(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            Some("Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên."),
        );
    }
    let who = user.username.clone();
    let _ = state
        .with_store(move |s| Ok(s.record(&who, "login", "user", serde_json::json!({}))?))
        .await;
    let (id, session) = match state.open_session(user).await {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let to = if session.user.must_change {
        "/doi-mat-khau"
    } else {
        "/"
    };
    ([(header::SET_COOKIE, state.cookie(&id))], Redirect::to(to)).into_response()
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    Submitted(user, _form, _): Submitted<need::SignedIn, CsrfForm>,
) -> Response {
    state.close_session(&user.session_id).await;
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
                    label for="new" { (crate::i18n::tr(user.lang, "Mật khẩu mới (ít nhất 12 ký tự)")) }
                    input id="new" name="new" type="password" autocomplete="new-password" required minlength="12";
                    label for="again" { (crate::i18n::tr(user.lang, "Nhập lại")) }
                    input id="again" name="again" type="password" autocomplete="new-password" required;
                    p { button type="submit" { (crate::i18n::tr(user.lang, "Lưu")) } }
                }
                @if app::totp::offered_to(user.session.user.role) {
                    p.note { a href="/xac-thuc-hai-buoc" { (crate::i18n::tr(user.lang, "Xác thực hai bước")) } }
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
    Submitted(user, form, _): Submitted<need::SignedIn, PasswordForm>,
) -> Response {
    if let Err(why) = domain::check_password(&form.new) {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            password_page(&user, Some(&why.to_string())),
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
    if let Err(e) = state
        .end_sessions_of(user.session.user.id, Some(&user.session_id))
        .await
    {
        return internal(e);
    }
    Redirect::to("/").into_response()
}

has_csrf!(PasswordForm);
