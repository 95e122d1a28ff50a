//! The impersonation review (`/gia-mao`): the scan's findings side by side — the candidate page
//! and the official channel it resembles, names as written, links, platform, the avatars' PDQ
//! distance when both are known, the reasons — each with its decisions: an impostor (status
//! "impersonating", optionally a case opened with the finding as its first evidence) or not an
//! impostor with a reason (not shown again while the page keeps its name and avatar). Through
//! `app` (`App::impersonation_review`, `App::decide_impersonation`), as the API's
//! `/api/v1/impersonation` is.

use crate::AppState;
use crate::pages::{flash, page};
use crate::require::{Require, Submitted, has_csrf, need};
use app::impersonation::{Decision, Reported};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

/// `GET /gia-mao`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
) -> Response {
    view(&state, &user, None).await
}

async fn view(
    state: &Arc<AppState>,
    user: &crate::auth::SignedIn,
    message: Option<(bool, String)>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let findings = match state
        .use_case(move |app| app.impersonation_review(&actor))
        .await
    {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    page(
        "Rà soát trang giả mạo",
        Some(user),
        html! {
            h1 { (t("Rà soát trang giả mạo")) }
            (flash(&message))
            p.note { (t("Các trang trong sổ giống một kênh chính thức của đơn vị. Mỗi quyết định được ghi vào nhật ký; trang đã xác định «không giả mạo» chỉ hiện lại khi đổi tên hoặc ảnh đại diện.")) }
            @if findings.is_empty() {
                p { (t("Không có trang nào cần rà soát.")) }
            }
            @for f in &findings {
                (finding(f, &user.session.csrf, user.lang))
            }
        },
    )
    .into_response()
}

fn side(title: &str, s: &app::impersonation::Side, csrf: &str, lang: crate::i18n::Lang) -> Markup {
    let t = |vi: &'static str| crate::i18n::tr(lang, vi);
    html! {
        div.side {
            h3 { (title) }
            p { strong { (s.name) } }
            p { @if let Some(u) = &s.url { a href=(u) rel="noopener noreferrer" { (u) } } @else { "(không có đường dẫn)" } }
            p { (domain::Platform::parse_word(s.platform).map_or(s.platform, |p| p.label_vi())) @if let Some(u) = &s.unit { " · " (u) } }
            form.inline method="post" action={"/gia-mao/anh-dai-dien/" (s.id)} enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(csrf);
                div { label { (t("Ảnh đại diện (chỉ giữ mã PDQ)")) } input type="file" name="file" accept="image/png,image/jpeg,image/webp,image/gif" required; }
                div { button type="submit" { (t("Tải ảnh lên")) } }
            }
        }
    }
}

fn finding(f: &Reported, csrf: &str, lang: crate::i18n::Lang) -> Markup {
    let t = |vi: &'static str| crate::i18n::tr(lang, vi);
    html! {
        section.finding {
            @let ours = f.kind == app::impersonation::FindingKind::NotOfficial;
            h2 {
                (t("Điểm giống")) " " (format!("{:.2}", f.score))
                @if ours { " · " (t("trang của đơn vị ta, không phải kênh chính thức")) }
            }
            div.pair {
                (side(if ours { t("Trang của đơn vị ta") } else { t("Trang nghi giả mạo") }, &f.candidate, csrf, lang))
                (side(t("Kênh chính thức"), &f.official, csrf, lang))
            }
            p {
                (t("Ảnh đại diện (PDQ):")) " "
                @match f.avatar_distance {
                    Some(d) => { (d) " / 256 " (t("bit khác nhau")) }
                    None => { (t("chưa có đủ hai ảnh để so")) }
                }
            }
            ul { @for r in &f.reasons { li { (r) } } }
            form.inline method="post" action="/gia-mao/quyet-dinh" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="candidate_id" value=(f.candidate.id);
                div { label { (t("Lý do")) } input name="reason" maxlength="500"; }
                div { button type="submit" name="decision" value="impostor" { (t("Đánh dấu giả mạo")) } }
                div { button type="submit" name="decision" value="impostor_case" { (t("Giả mạo và mở hồ sơ")) } }
                div { button type="submit" name="decision" value="not_impostor" { (t("Không phải giả mạo")) } }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    candidate_id: i64,
    decision: String,
    #[serde(default)]
    reason: String,
}

has_csrf!(DecisionForm);

/// `POST /gia-mao/quyet-dinh`: a decision; back to the review with what it did, or to the case
/// it opened.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Province<need::Triage>, DecisionForm>,
) -> Response {
    let (decision, open_case) = match f.decision.as_str() {
        "impostor_case" => (Decision::Impostor, true),
        d => match Decision::parse(d) {
            Some(d) => (d, false),
            None => {
                return crate::pages::error_page(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "Quyết định không hợp lệ.",
                );
            }
        },
    };
    let actor = crate::actor(&user.session.user);
    let (id, reason) = (f.candidate_id, f.reason.clone());
    let message = match state
        .use_case(move |app| app.decide_impersonation(&actor, id, decision, &reason, open_case))
        .await
    {
        Ok(d) => {
            state.changed().await;
            if let Some(case) = d.case_id {
                return Redirect::to(&format!("/ho-so/{case}")).into_response();
            }
            (
                true,
                match decision {
                    Decision::Impostor => format!("Đã đánh dấu trang số {id} là giả mạo."),
                    Decision::NotImpostor => {
                        format!("Đã ghi trang số {id} không phải giả mạo.")
                    }
                },
            )
        }
        Err(e) => match e.invalid_message() {
            Ok(why) => (false, why),
            Err(e) => return e.into_response(),
        },
    };
    view(&state, &user, Some(message)).await
}

/// The largest avatar picture taken (bytes).
pub const MAX_AVATAR: usize = 10 * 1024 * 1024;

/// `POST /gia-mao/anh-dai-dien/{id}`: a page's avatar picture; its PDQ hash is kept, never the
/// picture. Back to the review with what was done or why not.
pub async fn avatar(
    State(state): State<Arc<AppState>>,
    user: crate::auth::SignedIn,
    axum::extract::Path(id): axum::extract::Path<i64>,
    multipart: axum::extract::Multipart,
) -> Response {
    let (_, picture) = match crate::upload::read_small(
        &user,
        domain::Permission::Triage,
        multipart,
        MAX_AVATAR >> 20,
    )
    .await
    {
        Ok(up) => up,
        Err(r) => return r,
    };
    let actor = crate::actor(&user.session.user);
    let message = match state
        .use_case(move |app| app.set_avatar(&actor, id, &picture))
        .await
    {
        Ok((avatar, changed)) => {
            state.changed().await;
            (
                true,
                format!(
                    "Đã ghi ảnh đại diện của trang số {id} (PDQ {}…, chất lượng {}){}.",
                    &avatar.pdq[..16],
                    avatar.quality,
                    if changed { "" } else { ", không đổi" }
                ),
            )
        }
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}
