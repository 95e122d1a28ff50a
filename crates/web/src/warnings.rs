//! `/canh-bao-nguoi-dan`: warnings for the public, for a role that triages — drafted from a
//! confirmed tip group or a case in one of the two shapes (`app::warnings`), edited, approved
//! (every saved text masked there), then taken away as text for Facebook and Zalo
//! (`…/{id}/van-ban.txt`), as a PNG card (`…/{id}/the.png`) and in the week's digest
//! (`…/ban-tin?tuan=YYYY-MM-DD`), or posted on an official Facebook page or Telegram channel
//! through its source's credential (`…/{id}/dang`). The latest approved ones also show on the
//! public tip page.

use crate::AppState;
use crate::pages::{attachment, flash, page};
use crate::require::{Require, Submitted, need};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

fn shape_vi(shape: &str) -> &'static str {
    match shape {
        "case" => "Theo vụ việc",
        _ => "Theo thủ đoạn",
    }
}

/// The Monday of the week `day` is in.
fn monday_of(day: chrono::NaiveDate) -> chrono::NaiveDate {
    day - chrono::Duration::days(
        chrono::Datelike::weekday(&day)
            .num_days_from_monday()
            .into(),
    )
}

/// `GET /canh-bao-nguoi-dan`: the warnings, newest first, and a draft from a case.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
) -> Response {
    list_view(&state, &user, None).await
}

async fn list_view(
    state: &Arc<AppState>,
    user: &crate::auth::SignedIn,
    message: Option<(bool, String)>,
) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let warnings = match state.use_case(move |app| app.warnings(&actor)).await {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let monday = monday_of(chrono::Utc::now().date_naive());
    page(
        "Cảnh báo cho người dân",
        Some(user),
        html! {
            h1 { (t("Cảnh báo cho người dân")) }
            p.note { (t("Soạn từ một nhóm tin báo đã xác nhận hoặc một hồ sơ; số điện thoại, số định danh, số tài khoản và họ tên đầy đủ được che trước khi lưu. Chỉ cảnh báo đã duyệt mới xuất được.")) }
            (flash(&message))
            p { a href=(format!("/canh-bao-nguoi-dan/ban-tin?tuan={monday}")) { (t("Bản tin cảnh báo tuần này")) } }
            form.inline method="post" action="/canh-bao-nguoi-dan" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                label for="warning-case" { (t("Hồ sơ số")) }
                input id="warning-case" name="case" inputmode="numeric" required size="6";
                select name="shape" aria-label=(t("Kiểu cảnh báo")) {
                    option value="case" { (t("Theo vụ việc")) }
                    option value="tactic" { (t("Theo thủ đoạn")) }
                }
                button type="submit" { (t("Soạn cảnh báo")) }
            }
            table {
                tr { th { "#" } th { (t("Tiêu đề")) } th { (t("Kiểu")) } th { (t("Tình trạng")) } th { (t("Cập nhật")) } }
                @for w in &warnings {
                    tr {
                        td data-label="#" { (w.id) }
                        td data-label=(t("Tiêu đề")) { a href=(format!("/canh-bao-nguoi-dan/{}", w.id)) { (w.title) } }
                        td data-label=(t("Kiểu")) { (t(shape_vi(&w.shape))) }
                        td data-label=(t("Tình trạng")) { @if w.status == "approved" { (t("Đã duyệt")) } @else { (t("Bản nháp")) } }
                        td data-label=(t("Cập nhật")) { (crate::cases::vn_time(&w.updated_at)) }
                    }
                }
                @if warnings.is_empty() { tr { td colspan="5" { (t("Chưa có cảnh báo nào.")) } } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct DraftForm {
    csrf: String,
    shape: String,
    #[serde(default)]
    case: String,
    #[serde(default)]
    group: String,
}
crate::require::has_csrf!(DraftForm);

/// `POST /canh-bao-nguoi-dan`: a draft from a case or a group, then its page.
pub async fn draft(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Province<need::Triage>, DraftForm>,
) -> Response {
    let number = |s: &str| s.trim().trim_start_matches('#').parse::<i64>().ok();
    let (case, group) = (number(&f.case), number(&f.group));
    if case.is_none() && group.is_none() {
        return list_view(&state, &user, Some((false, "Hãy ghi số hồ sơ.".to_owned()))).await;
    }
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.draft_warning(&actor, &f.shape, case, group))
        .await
    {
        Ok(w) => Redirect::to(&format!("/canh-bao-nguoi-dan/{}", w.id)).into_response(),
        Err(e)
            if matches!(
                e.0.kind,
                app::ErrorKind::Invalid { .. } | app::ErrorKind::NotFound
            ) =>
        {
            list_view(&state, &user, Some((false, e.0.message))).await
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /canh-bao-nguoi-dan/{id}`: a draft to edit and approve, or an approved one to take.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
    Path(id): Path<i64>,
) -> Response {
    show_view(&state, &user, id, None).await
}

async fn show_view(
    state: &Arc<AppState>,
    user: &crate::auth::SignedIn,
    id: i64,
    message: Option<(bool, String)>,
) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let (w, channels) = match state
        .use_case(move |app| {
            let channels: Vec<app::sources::SourceInfo> = app
                .sources(&actor)?
                .into_iter()
                .filter(|s| {
                    s.interval > 0 && matches!(s.platform.as_str(), "facebook" | "telegram")
                })
                .collect();
            Ok((app.warning(&actor, id)?, channels))
        })
        .await
    {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let lines = w.body.lines().count() + 2;
    page(
        "Cảnh báo cho người dân",
        Some(user),
        html! {
            p { a href="/canh-bao-nguoi-dan" { "← " (t("Cảnh báo cho người dân")) } }
            h1 { (t("Cảnh báo")) " #" (w.id) " — " (t(shape_vi(&w.shape))) }
            (flash(&message))
            @if w.status == "approved" {
                p.note {
                    (t("Đã duyệt")) ": " (w.approved_by.as_deref().unwrap_or("")) ", "
                    (crate::cases::vn_time(w.approved_at.as_deref().unwrap_or("")))
                }
                article.warning {
                    h2 { (w.title) }
                    @for line in w.body.lines() { p { (line) } }
                }
                p {
                    a.button href=(format!("/canh-bao-nguoi-dan/{}/van-ban.txt", w.id)) { (t("Tải văn bản (Facebook, Zalo)")) }
                    " "
                    a.button href=(format!("/canh-bao-nguoi-dan/{}/the.png", w.id)) { (t("Tải ảnh thẻ cảnh báo (PNG)")) }
                }
                @if let Some(post) = &w.published {
                    p.note { (t("Đã đăng lên kênh chính thức")) ": " (post) }
                } @else {
                    @for c in &channels {
                        form.inline method="post" action=(format!("/canh-bao-nguoi-dan/{}/dang", w.id)) {
                            input type="hidden" name="csrf" value=(user.session.csrf);
                            input type="hidden" name="source" value=(c.id);
                            button type="submit" { (t("Đăng lên")) " " (c.channel) }
                        }
                    }
                }
                img.card src=(format!("/canh-bao-nguoi-dan/{}/the.png", w.id)) alt=(w.title);
            } @else {
                p.note { (t("Bản nháp: sửa lời cho phù hợp rồi duyệt. Số điện thoại, số định danh, số tài khoản và họ tên đầy đủ sẽ được che khi lưu.")) }
                form.stack method="post" action=(format!("/canh-bao-nguoi-dan/{}", w.id)) {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    label for="warning-title" { (t("Tiêu đề")) }
                    input id="warning-title" name="title" value=(w.title) maxlength="200" required;
                    label for="warning-body" { (t("Nội dung")) }
                    textarea id="warning-body" name="body" rows=(lines.clamp(8, 30)) maxlength="4000" required { (w.body) }
                    p {
                        button type="submit" name="action" value="save" { (t("Lưu bản nháp")) }
                        " "
                        button type="submit" name="action" value="approve" { (t("Duyệt cảnh báo")) }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct SaveForm {
    csrf: String,
    title: String,
    body: String,
    #[serde(default)]
    action: String,
}
crate::require::has_csrf!(SaveForm);

/// `POST /canh-bao-nguoi-dan/{id}`: the words saved (masked), or approved.
pub async fn save(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Submitted(user, f, _): Submitted<need::Province<need::Triage>, SaveForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let approve = f.action == "approve";
    let message = match state
        .use_case(move |app| app.save_warning(&actor, id, &f.title, &f.body, approve))
        .await
    {
        Ok(_) if approve => (true, "Đã duyệt cảnh báo.".to_owned()),
        Ok(_) => (true, "Đã lưu bản nháp.".to_owned()),
        Err(e) if matches!(e.0.kind, app::ErrorKind::Invalid { .. }) => (false, e.0.message),
        Err(e) => return e.into_response(),
    };
    show_view(&state, &user, id, Some(message)).await
}

/// `GET /canh-bao-nguoi-dan/{id}/van-ban.txt`: an approved warning as text.
pub async fn text(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
    Path(id): Path<i64>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.warning_text(&actor, id))
        .await
    {
        Ok(text) => attachment(
            "text/plain; charset=utf-8",
            &format!("canh-bao-{id}.txt"),
            text.into_bytes(),
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /canh-bao-nguoi-dan/{id}/the.png`: an approved warning as a PNG card.
pub async fn card(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
    Path(id): Path<i64>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    match state.use_case(move |app| app.warning_png(&actor, id)).await {
        Ok(png) => attachment("image/png", &format!("canh-bao-{id}.png"), png),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct Week {
    #[serde(default)]
    tuan: String,
}

/// `GET /canh-bao-nguoi-dan/ban-tin?tuan=YYYY-MM-DD`: the digest of the week that day is in.
pub async fn digest(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
    Query(week): Query<Week>,
) -> Response {
    let day = chrono::NaiveDate::parse_from_str(week.tuan.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| chrono::Utc::now().date_naive());
    let monday = monday_of(day);
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.warning_digest(&actor, monday))
        .await
    {
        Ok(text) => attachment(
            "text/plain; charset=utf-8",
            &format!("ban-tin-canh-bao-{monday}.txt"),
            text.into_bytes(),
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct PublishForm {
    csrf: String,
    source: i64,
}
crate::require::has_csrf!(PublishForm);

/// `POST /canh-bao-nguoi-dan/{id}/dang`: an approved warning posted on an official channel
/// through its source's credential (`app::sources::publish_warning`).
pub async fn publish(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Submitted(user, f, _): Submitted<need::Province<need::Triage>, PublishForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let message = match state
        .use_case(move |app| app.publish_warning(&actor, id, f.source))
        .await
    {
        Ok(post) => (
            true,
            format!("Đã đăng cảnh báo lên kênh chính thức ({post})."),
        ),
        Err(e)
            if matches!(
                e.0.kind,
                app::ErrorKind::Invalid { .. }
                    | app::ErrorKind::Unavailable
                    | app::ErrorKind::NotFound
            ) =>
        {
            (false, e.0.message)
        }
        Err(e) => return e.into_response(),
    };
    show_view(&state, &user, id, Some(message)).await
}
