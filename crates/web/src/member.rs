//! A member's own page: declaring the pages one runs or joins, claiming an account as one's own, and signing the code of conduct.

use crate::AppState;
use crate::auth::{SignedIn, forbidden};
use crate::pages::{CsrfForm, flash, page, vn_date};
use crate::require::{Submitted, has_csrf, need};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

// ---- a member's own declarations and commitment --------------------------------------------

/// The code of conduct members sign; its version is recorded with each signature.
const COMMITMENT_TEXT: &str = "Tôi cam kết: kê khai đầy đủ, trung thực các trang, kênh, hội, nhóm tôi quản trị hoặc tham gia; không đăng, chia sẻ thông tin sai sự thật, tài liệu mật, thông tin cá nhân của người khác; báo cáo kịp thời trang giả mạo cơ quan, đơn vị.";

async fn member_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<(bool, String)>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let app::members::MyDeclarations {
        pages: mine,
        signed,
        reminders,
        version,
        document,
    } = match state.use_case(move |app| app.my_declarations(&actor)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    // What the year's evaluation will read about me, and what is missing.
    let actor = crate::actor(&user.session.user);
    let year = chrono::Datelike::year(&app::today());
    let mine_evaluated = match state
        .use_case(move |app| app.my_evaluation(&actor, year))
        .await
    {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let current = signed.iter().find(|(v, _)| *v == version);
    let earlier = signed.last().filter(|_| current.is_none());
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
            p.note {
                "Phiên bản " (version)
                @if let Some(d) = &document {
                    " — " a href=(format!("/thu-vien/{}", d.id)) { (d.title) } ", hiệu lực từ " (vn_date(&d.effective_on))
                }
            }
            @if let (Some((old, _)), Some(d)) = (earlier, &document) {
                p.error role="note" {
                    "Bạn đã ký phiên bản " (old) "; phiên bản " (d.version) " thay thế từ " (vn_date(&d.effective_on)) ". Cần ký lại."
                    @if !d.changes.is_empty() { " Thay đổi: " (d.changes) }
                }
            }
            @if let Some((_, on)) = current {
                p { span.badge.verified { "Đã ký ngày " (vn_date(on)) } }
            } @else {
                form method="post" action="/ky-cam-ket" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    button type="submit" { "Tôi đã đọc và ký cam kết" }
                }
            }
            @if let Some(e) = &mine_evaluated {
                h2 { (crate::i18n::tr(user.lang, "Đánh giá năm")) " " (year) " — " (crate::i18n::tr(user.lang, "điểm đề xuất")) }
                p.note { (crate::i18n::tr(user.lang, "Những gì hệ thống ghi nhận về bạn cho đánh giá cuối năm. Điểm do cấp có thẩm quyền quyết định; còn thiếu kê khai thì bổ sung ở trên.")) }
                table {
                    tr { th { (crate::i18n::tr(user.lang, "Tiêu chí")) } th { (crate::i18n::tr(user.lang, "Điểm")) } th { (crate::i18n::tr(user.lang, "Ghi nhận")) } }
                    @for c in &e.criteria {
                        tr {
                            td { (c.label) }
                            td { (c.points) "/" (c.max) @if c.points < c.max { " " span.badge.case-open { (crate::i18n::tr(user.lang, "còn thiếu")) } } }
                            td { (c.basis) }
                        }
                    }
                    tr { td { strong { (crate::i18n::tr(user.lang, "Tổng")) } } td { strong { (e.total) "/100" } } td {} }
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
    Submitted(user, form, _): Submitted<need::SignedIn, DeclareForm>,
) -> Response {
    let Some(member) = user.session.user.member else {
        return forbidden();
    };
    let Some(role) = domain::ParticipationRole::parse_word(&form.role) else {
        return member_page(&state, &user, Some((false, "Vai trò không hợp lệ.".into()))).await;
    };
    let actor = crate::actor(&user.session.user);
    let url = form.url;
    let message = match state
        .changing(move |app| app.declare(&actor, member, &url, role, None))
        .await
    {
        Ok(d) => (true, format!("Đã kê khai «{}».", d.community)),
        Err(e) => match e.invalid_message() {
            Ok(why) => (false, why),
            Err(e) => return e.into_response(),
        },
    };
    member_page(&state, &user, Some(message)).await
}

pub async fn sign(
    State(state): State<Arc<AppState>>,
    Submitted(user, _form, _): Submitted<need::SignedIn, CsrfForm>,
) -> Response {
    let Some(member) = user.session.user.member else {
        return forbidden();
    };
    let actor = crate::actor(&user.session.user);
    match state
        .changing(move |app| app.sign_current_commitment(&actor, member))
        .await
    {
        Ok((version, _)) => {
            member_page(
                &state,
                &user,
                Some((true, format!("Đã ký cam kết phiên bản {version}."))),
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

has_csrf!(DeclareForm);
