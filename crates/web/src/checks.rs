//! `/kiem-tra-dinh-ky`: the officer's periodic look at the register's pages no platform API can
//! check for us (others' Facebook groups and pages, Zalo, TikTok…), for a role that triages —
//! the pages due (never checked, or not for 30 days), and for each a form: what was seen (as
//! before, renamed with the new name, changed, gone), the members counted, a note and a
//! screenshot kept as evidence; applied as the watch applies what a platform says
//! (`app::sources::record_check`).

use crate::AppState;
use crate::auth::{SignedIn, csrf_rejected};
use crate::pages::{flash, page};
use crate::require::{Require, need};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::Permission;
use maud::html;
use std::sync::Arc;

/// The largest screenshot a check takes, and the whole form.
pub const MAX_BODY: usize = 6 << 20;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
) -> Response {
    view(&state, &user, None).await
}

async fn view(state: &Arc<AppState>, user: &SignedIn, message: Option<(bool, String)>) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let due = match state
        .use_case(move |app| app.due_checks(&actor, chrono::Utc::now()))
        .await
    {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    page(
        "Kiểm tra định kỳ",
        Some(user),
        html! {
            h1 { (t("Kiểm tra định kỳ")) }
            p.note { (t("Các trang trong sổ đăng ký mà nền tảng không cho kiểm tra qua API: cán bộ mở trang, ghi điều đã thấy và chụp màn hình làm chứng cứ; mỗi trang 30 ngày một lần.")) }
            (flash(&message))
            p { (due.len()) " " (t("trang đến hạn kiểm tra.")) }
            @for d in due.iter().take(50) {
                section.finding {
                    h2 { (d.name) }
                    p {
                        (d.platform) " · "
                        @if let Some(u) = &d.url { a href=(u) rel="noopener noreferrer" { (u) } }
                        " · " (t("Lần kiểm tra trước")) ": "
                        @match &d.last {
                            Some(l) => {
                                (crate::cases::vn_time(&l.checked_at)) " (" (l.outcome) ")"
                                @if let Some(sha) = &l.sha256 {
                                    " · " a href=(format!("/kiem-tra-dinh-ky/{}/anh/{sha}", d.community_id)) { (t("Ảnh chụp màn hình")) }
                                }
                            }
                            None => { (t("chưa có")) }
                        }
                    }
                    form.stack method="post" action=(format!("/kiem-tra-dinh-ky/{}", d.community_id)) enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(user.session.csrf);
                        @let id = d.community_id;
                        select name="outcome" aria-label=(t("Kết quả")) {
                            option value="same" { (t("Như cũ")) }
                            option value="renamed" { (t("Đổi tên")) }
                            option value="changed" { (t("Thay đổi khác")) }
                            option value="gone" { (t("Không còn")) }
                        }
                        label for=(format!("seen-{id}")) { (t("Tên đang hiện (nếu đổi)")) }
                        input id=(format!("seen-{id}")) name="seen_name" maxlength="300";
                        label for=(format!("members-{id}")) { (t("Số thành viên, người theo dõi")) }
                        input id=(format!("members-{id}")) name="members" inputmode="numeric" maxlength="12";
                        label for=(format!("note-{id}")) { (t("Điều đã thấy")) }
                        textarea id=(format!("note-{id}")) name="note" rows="2" maxlength="2000" {}
                        label for=(format!("shot-{id}")) { (t("Ảnh chụp màn hình")) }
                        input id=(format!("shot-{id}")) type="file" name="screenshot" accept="image/png,image/jpeg,image/webp,image/gif";
                        button type="submit" { (t("Ghi kết quả kiểm tra")) }
                    }
                }
            }
        },
    )
    .into_response()
}

/// `POST /kiem-tra-dinh-ky/{community}` (multipart): the check recorded and applied.
pub async fn record(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(community): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Response {
    // Who before what: the role before a byte of the body is read, the token after.
    if !user.session.user.can_for_province(Permission::Triage) {
        return crate::auth::forbidden();
    }
    let parts = match crate::upload::read_parts(multipart, MAX_BODY >> 20, 8_000).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !crate::auth::csrf_ok(&user.session, parts.field("csrf")) {
        return csrf_rejected();
    }
    let members = parts.field("members").trim();
    let new = app::sources::NewCheck {
        community,
        outcome: parts.field("outcome").to_owned(),
        seen_name: Some(parts.field("seen_name").to_owned()),
        members: match members {
            "" => None,
            m => match m.replace(['.', ',', ' '], "").parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    return view(
                        &state,
                        &user,
                        Some((false, format!("Số thành viên «{m}» không phải số."))),
                    )
                    .await;
                }
            },
        },
        note: parts.field("note").to_owned(),
        screenshot: parts
            .files
            .into_iter()
            .find(|(field, _, _)| field == "screenshot")
            .map(|(_, name, bytes)| (name, bytes)),
    };
    let actor = crate::actor(&user.session.user);
    let message = match state
        .changing(move |app| app.record_check(&actor, new))
        .await
    {
        Ok(r) => (
            true,
            format!(
                "Đã ghi kết quả kiểm tra{}{}{}.",
                if r.renamed.is_empty() {
                    ""
                } else {
                    "; tên mới được lưu"
                },
                if r.removed.is_empty() {
                    ""
                } else {
                    "; trang được đánh dấu đã gỡ"
                },
                if r.alerts > 0 {
                    "; có cảnh báo giả mạo mới"
                } else {
                    ""
                }
            ),
        ),
        Err(e)
            if matches!(
                e.0.kind,
                app::ErrorKind::Invalid { .. } | app::ErrorKind::NotFound
            ) =>
        {
            (false, e.0.message)
        }
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

/// `GET /kiem-tra-dinh-ky/{community}/anh/{sha}`: the screenshot of a page's last check.
pub async fn screenshot(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
    Path((community, sha)): Path<(i64, String)>,
) -> Response {
    if sha.len() != 64
        || !sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return crate::pages::error_page(axum::http::StatusCode::NOT_FOUND, "Không có ảnh này.");
    }
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.check_screenshot(&actor, community, &sha))
        .await
    {
        Ok((media_type, bytes)) => {
            ([(axum::http::header::CONTENT_TYPE, media_type)], bytes).into_response()
        }
        Err(e) => e.into_response(),
    }
}
