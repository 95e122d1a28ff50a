//! `/xac-thuc-hai-buoc`: an administrator or a leader turns the second factor (TOTP, through
//! `app::totp`) on — a new secret shown as text and as an `otpauth://` link, kept only once a
//! code from the person's app is right — or off. Sign-in then asks for the code.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::page;
use crate::require::{Submitted, has_csrf, need};

/// `GET /xac-thuc-hai-buoc`.
pub async fn show(State(state): State<Arc<AppState>>, user: SignedIn) -> Response {
    view(&state, &user, None).await
}

async fn view(state: &Arc<AppState>, user: &SignedIn, message: Option<(bool, String)>) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let id = user.session.user.id;
    let offered = app::totp::offered_to(user.session.user.role);
    let (on, offer) = match state
        .use_case(move |app| {
            let on = app.totp_on(id)?;
            let offer = if offered && !on {
                Some(app.totp_offer(&actor)?)
            } else {
                None
            };
            Ok((on, offer))
        })
        .await
    {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let status = match &message {
        Some((false, _)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let body = html! {
        div.login {
            h1 { (t("Xác thực hai bước")) }
            @match &message {
                Some((true, m)) => { p.ok role="status" { (m) } }
                Some((false, m)) => { p.error role="alert" { (m) } }
                None => {}
            }
            @if !offered {
                p { (t("Xác thực hai bước dành cho tài khoản quản trị và lãnh đạo.")) }
            } @else if on {
                p { (t("Đang bật: mỗi lần đăng nhập cần mã 6 chữ số từ ứng dụng xác thực trên điện thoại.")) }
                form method="post" action="/xac-thuc-hai-buoc" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    input type="hidden" name="action" value="off";
                    p { button type="submit" { (t("Tắt xác thực hai bước")) } }
                }
            } @else if let Some(o) = &offer {
                p { (t("Mở ứng dụng xác thực (Google Authenticator, Microsoft Authenticator, FreeOTP…), thêm tài khoản bằng khóa dưới đây, rồi nhập mã 6 chữ số ứng dụng hiện ra.")) }
                p { (t("Khóa bí mật:")) " " code id="secret" { (o.secret) } }
                p.note { (t("Hoặc liên kết:")) " " code.hash { (o.uri) } }
                form method="post" action="/xac-thuc-hai-buoc" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    input type="hidden" name="action" value="on";
                    input type="hidden" name="secret" value=(o.secret);
                    label for="code" { (t("Mã 6 chữ số")) }
                    input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required;
                    p { button type="submit" { (t("Bật xác thực hai bước")) } }
                }
            }
            p.note { a href="/doi-mat-khau" { (t("Đổi mật khẩu")) } }
        }
    };
    (status, page("Xác thực hai bước", Some(user), body)).into_response()
}

#[derive(Deserialize)]
pub struct SecondFactorForm {
    csrf: String,
    action: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

has_csrf!(SecondFactorForm);

/// `POST /xac-thuc-hai-buoc`: on (with a right code) or off; back to the page saying what
/// happened.
pub async fn change(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::SignedIn, SecondFactorForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let id = user.session.user.id;
    let on = form.action == "on";
    let (secret, code) = (form.secret.clone(), form.code.clone());
    let result = state
        .use_case(move |app| {
            if on {
                app.totp_enable(&actor, id, &secret, &code)
            } else {
                app.totp_disable(&actor, id)
            }
        })
        .await;
    let message = match result {
        Ok(()) if on => (true, "Đã bật xác thực hai bước.".to_owned()),
        Ok(()) => (true, "Đã tắt xác thực hai bước.".to_owned()),
        Err(e) => match e.invalid_message() {
            Ok(m) => (false, m),
            Err(e) => return e.into_response(),
        },
    };
    view(&state, &user, Some(message)).await
}
