//! `/nguon`: the office's own channels read through their platforms' APIs, for a role that
//! triages (administrator, leader, officer): each source's channel, platform, credential (its
//! last four characters only), interval, last pull and its error, the API units used today;
//! a form to add one (or replace its credential), «pull now» and «stop» (its credential wiped); the last 30 days' feedback on
//! the official channels in aggregate (people's comments, the share the channel answered, the
//! most discussed posts) — through `app::sources`.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{flash, page};
use crate::require::{Require, Submitted, need};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
) -> Response {
    view(&state, &user, None).await
}

async fn view(state: &Arc<AppState>, user: &SignedIn, message: Option<(bool, String)>) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let (sources, feedback) = match state
        .use_case(move |app| {
            let to = app::today();
            Ok((
                app.sources(&actor)?,
                app.official_feedback(&actor, to - chrono::Duration::days(29), to)?,
            ))
        })
        .await
    {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    page(
        "Nguồn từ kênh chính thức",
        Some(user),
        html! {
            h1 { (t("Nguồn từ kênh chính thức")) }
            p.note { (t("Bình luận của người dân trên các kênh chính thức của đơn vị, đọc qua API của nền tảng bằng mã truy cập của chính đơn vị; không đọc trang, nhóm của người khác. Mã truy cập được niêm phong, chỉ hiện bốn ký tự cuối.")) }
            (flash(&message))
            table {
                tr {
                    th { "#" } th { (t("Kênh")) } th { (t("Nền tảng")) } th { (t("Mã truy cập")) }
                    th { (t("Lần kéo cuối")) } th { (t("Lỗi")) } th { (t("Đơn vị API hôm nay")) } th { "" }
                }
                @for s in &sources {
                    tr {
                        td data-label="#" { (s.id) }
                        td data-label=(t("Kênh")) { (s.channel) }
                        td data-label=(t("Nền tảng")) { (s.platform) }
                        td data-label=(t("Mã truy cập")) { (s.credential_tail) }
                        td data-label=(t("Lần kéo cuối")) { (s.last_pull.as_deref().map(crate::cases::vn_time).unwrap_or_else(|| "—".into())) }
                        td data-label=(t("Lỗi")) { @if let Some(e) = &s.last_error { span.error { (e) } } @else { "—" } }
                        td data-label=(t("Đơn vị API hôm nay")) { @if s.platform == "youtube" { (s.quota_used) " / 10.000" } @else { "—" } }
                        td {
                            @if s.interval > 0 {
                                form method="post" action=(format!("/nguon/{}/keo", s.id)) {
                                    input type="hidden" name="csrf" value=(user.session.csrf);
                                    button type="submit" { (t("Kéo ngay")) }
                                }
                                form method="post" action=(format!("/nguon/{}/dung", s.id)) {
                                    input type="hidden" name="csrf" value=(user.session.csrf);
                                    button.secondary type="submit" { (t("Dừng nguồn")) }
                                }
                            } @else {
                                (t("Đã dừng"))
                            }
                        }
                    }
                }
                @if sources.is_empty() { tr { td colspan="8" { (t("Chưa có nguồn nào.")) } } }
            }
            h2 { (t("Phản hồi trên kênh chính thức, 30 ngày qua")) }
            p {
                (feedback.comments) " " (t("bình luận của người dân")) ", "
                (feedback.answered) " " (t("được kênh trả lời"))
                @if let Some(share) = feedback.answered_share { " (" (format!("{:.0}", share * 100.0)) "%)" }
                "."
            }
            @if !feedback.most_discussed.is_empty() {
                table {
                    tr { th { (t("Bài được bàn nhiều")) } th { (t("Bình luận")) } }
                    @for d in &feedback.most_discussed {
                        tr {
                            td data-label=(t("Bài được bàn nhiều")) {
                                @if let Some(u) = &d.url { a href=(u) rel="noopener noreferrer" { (d.text) } } @else { (d.text) }
                            }
                            td data-label=(t("Bình luận")) { (d.comments) }
                        }
                    }
                }
            }
            h2 { (t("Thêm nguồn")) }
            form.stack method="post" action="/nguon" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                label for="source-platform" { (t("Nền tảng")) }
                select id="source-platform" name="platform" {
                    option value="facebook" { "Facebook (mã truy cập trang)" }
                    option value="youtube" { "YouTube (khóa API)" }
                    option value="telegram" { "Telegram (mã bot quản trị kênh)" }
                    option value="zalo" { "Zalo OA (mã truy cập của OA)" }
                }
                label for="source-channel" { (t("Đường dẫn kênh chính thức (trong sổ đăng ký)")) }
                input id="source-channel" name="channel" required maxlength="500";
                label for="source-credential" { (t("Mã truy cập")) }
                input id="source-credential" name="credential" type="password" required autocomplete="off" maxlength="2000";
                label for="source-interval" { (t("Kéo mỗi (giây)")) }
                input id="source-interval" name="interval" inputmode="numeric" value="900";
                p { button type="submit" { (t("Thêm nguồn")) } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    platform: String,
    channel: String,
    credential: String,
    #[serde(default)]
    interval: String,
}
crate::require::has_csrf!(AddForm);

/// `POST /nguon`: a source added (the credential never shown again).
pub async fn add(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::Province<need::Triage>, AddForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let interval = f.interval.trim().parse().unwrap_or(900);
    let message = match state
        .use_case(move |app| {
            app.add_source(
                &actor,
                &f.platform,
                &f.channel,
                &f.credential,
                interval,
                None,
            )
        })
        .await
    {
        Ok(s) => (true, format!("Đã thêm nguồn #{} ({}).", s.id, s.channel)),
        Err(e) if matches!(e.0.kind, app::ErrorKind::Invalid { .. }) => (false, e.0.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

#[derive(Deserialize)]
pub struct PullForm {
    csrf: String,
}
crate::require::has_csrf!(PullForm);

/// `POST /nguon/{id}/keo`: one source pulled now; its counts or its error.
pub async fn pull(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Submitted(user, _f, _): Submitted<need::Province<need::Triage>, PullForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let message = match state
        .use_case(move |app| app.pull_sources(&actor, Some(id)))
        .await
    {
        Ok(reports) => match reports.first() {
            Some(r) => match &r.error {
                Some(e) => (false, format!("Kéo nguồn #{id} chưa trọn: {e}")),
                None => (
                    true,
                    format!(
                        "Đã kéo nguồn #{id}: đọc {} (bình luận {}), mới {}, đã có {}.",
                        r.fetched, r.comments, r.inserted, r.duplicates
                    ),
                ),
            },
            None => (false, "Không có nguồn này.".to_owned()),
        },
        Err(e) if e.0.kind == app::ErrorKind::NotFound => (false, e.0.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}

/// `POST /nguon/{id}/dung`: a source stopped (no more pulls, its credential wiped).
pub async fn stop(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Submitted(user, _f, _): Submitted<need::Province<need::Triage>, PullForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let message = match state.use_case(move |app| app.stop_source(&actor, id)).await {
        Ok(()) => (true, format!("Đã dừng nguồn #{id}; mã truy cập đã xóa.")),
        Err(e) if e.0.kind == app::ErrorKind::NotFound => (false, e.0.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, Some(message)).await
}
