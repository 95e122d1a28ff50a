//! The tip line for citizens (no account, no script, a cheap phone's screen): `/bao-tin` — a
//! link, a phone number, an account, what happened, up to three screenshots, an optional
//! contact with a plain consent sentence — answered at once with what the office knows
//! (`app::tips`), a code and a status page (`/bao-tin/{code}`: the code is the secret) where
//! the officer's answer appears; the same as JSON at `POST /api/v1/tips` and
//! `GET /api/v1/tips/{code}`; the office's Telegram bot and Zalo OA at `POST /webhooks/{platform}`
//! (checked by `app::tip_channels`, answered in the chat). An address — or a chat — may send
//! [`PER_ADDRESS`] tips in [`WINDOW`] (429 after, the others unaffected); the form's hidden
//! field catches robots. For officers (a role that triages), `/tin-bao`: the groups by how
//! many people reported them, with their screenshots, answered once for all (confirmed into a
//! case if need be; the answers owed in a chat sent at once).

use crate::AppState;
use crate::pages::{flash, page, page_in};
use crate::require::{Require, Submitted, need};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Tips one address may send in [`WINDOW`].
pub const PER_ADDRESS: u32 = 10;
pub const WINDOW: Duration = Duration::from_secs(600);

/// Tips per source — an address, or a chat of a chat channel — in the current window (this
/// process's count).
static SENT: Mutex<Option<HashMap<String, (Instant, u32)>>> = Mutex::new(None);

/// Whether the address `from` may send one more tip now (and counts it).
fn allowed(from: IpAddr) -> bool {
    allowed_source(from.to_string())
}

/// Whether a source (an address, `telegram:CHAT`, `zalo:USER`) may send one more tip now.
fn allowed_source(key: String) -> bool {
    let mut guard = crate::lock(&SENT);
    let map = guard.get_or_insert_with(HashMap::new);
    let now = Instant::now();
    if map.len() > 100_000 {
        map.retain(|_, (since, _)| now.duration_since(*since) < WINDOW);
    }
    let entry = map.entry(key).or_insert((now, 0));
    if now.duration_since(entry.0) >= WINDOW {
        *entry = (now, 0);
    }
    entry.1 += 1;
    entry.1 <= PER_ADDRESS
}

fn too_many() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        page_in(
            crate::i18n::Lang::Vi,
            "Gửi tin báo",
            None,
            html! { h1 { "Gửi quá nhiều tin báo" } p { "Máy này đã gửi nhiều tin báo trong ít phút. Hãy thử lại sau ít phút, hoặc gọi trực tiếp công an xã." } },
        ),
    )
        .into_response()
}

fn form(message: Option<(bool, String)>, warnings: &[domain::Warning]) -> Markup {
    page_in(
        crate::i18n::Lang::Vi,
        "Gửi tin báo",
        None,
        html! {
            h1 { "Báo tin lừa đảo, trang giả mạo, tin sai sự thật" }
            p.note { "Không cần tài khoản. Ghi điều bạn thấy: đường dẫn, số điện thoại, số tài khoản hoặc nội dung. Bạn nhận trả lời ngay về những gì đơn vị đã biết, và một mã để xem trả lời của cán bộ." }
            (flash(&message))
            form.stack method="post" action="/bao-tin" enctype="multipart/form-data" {
                label for="tip-link" { "Đường dẫn (trang, bài viết, trang web)" }
                input id="tip-link" name="link" inputmode="url" maxlength="2000";
                label for="tip-phone" { "Số điện thoại" }
                input id="tip-phone" name="phone" inputmode="tel" maxlength="40";
                label for="tip-account" { "Số tài khoản ngân hàng" }
                input id="tip-account" name="account" inputmode="numeric" maxlength="40";
                label for="tip-text" { "Chuyện gì đã xảy ra (theo lời bạn)" }
                textarea id="tip-text" name="text" rows="5" maxlength="5000" {}
                label for="tip-screenshot" { "Ảnh chụp màn hình (tối đa 3 ảnh, mỗi ảnh tối đa 5 MB)" }
                input id="tip-screenshot" name="screenshot" type="file" accept="image/png,image/jpeg,image/webp,image/gif" multiple;
                label for="tip-contact" { "Số điện thoại hoặc thư để nhận trả lời (không bắt buộc)" }
                input id="tip-contact" name="contact" maxlength="200";
                label.check {
                    input type="checkbox" name="consent" value="1";
                    " Tôi đồng ý để đơn vị giữ thông tin liên hệ này chỉ để trả lời tin báo; thông tin được xóa sau khi đã trả lời (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân)."
                }
                // Left empty by people (hidden from them); filled by robots.
                div.hidden aria-hidden="true" {
                    label for="tip-website" { "Không điền ô này" }
                    input id="tip-website" name="website" tabindex="-1" autocomplete="off";
                }
                p { button type="submit" { "Gửi tin báo" } }
            }
            @if !warnings.is_empty() {
                h2 { "Cảnh báo mới của đơn vị" }
                @for w in warnings {
                    article.warning {
                        h3 { (w.title) }
                        @for line in w.body.lines() { p { (line) } }
                    }
                }
            }
        },
    )
}

/// `GET /bao-tin`: the form, and the office's latest approved warnings under it.
pub async fn new_tip(State(state): State<Arc<AppState>>) -> Response {
    let warnings = state
        .use_case(|app| app.public_warnings(3))
        .await
        .unwrap_or_default();
    form(None, &warnings).into_response()
}

#[derive(Deserialize, Default)]
pub struct TipForm {
    #[serde(default)]
    link: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    consent: String,
    #[serde(default)]
    website: String,
}

impl TipForm {
    fn into_tip(
        self,
        channel: &str,
        from: IpAddr,
        pictures: Vec<app::tips::Screenshot>,
    ) -> app::tips::NewTip {
        app::tips::NewTip {
            pictures,
            channel: channel.into(),
            link: self.link,
            phone: self.phone,
            account: self.account,
            text: self.text,
            contact: self.contact,
            consent: matches!(self.consent.as_str(), "1" | "true" | "on" | "yes"),
            sender: from.to_string(),
            honeypot: self.website,
        }
    }
}

fn answer_block(a: &app::tips::Answer) -> Markup {
    html! {
        div class=(if a.known { "answer known" } else { "answer" }) {
            p { strong { (a.summary) } }
            @if a.matches.len() > 1 {
                ul { @for m in &a.matches { li { (m.says) } } }
            }
        }
    }
}

/// The largest tip body: three screenshots and the text fields.
pub const MAX_BODY: usize = app::tips::MAX_PICTURES * app::tips::MAX_PICTURE_BYTES + (256 << 10);

/// A tip's fields and screenshots from a multipart or urlencoded body (the form without a
/// file, or a script); an error already answered.
async fn read_tip(
    state: &Arc<AppState>,
    request: axum::extract::Request,
) -> Result<(TipForm, Vec<app::tips::Screenshot>), Response> {
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if !multipart {
        return match <axum::Form<TipForm> as axum::extract::FromRequest<_>>::from_request(
            request, state,
        )
        .await
        {
            Ok(axum::Form(f)) => Ok((f, Vec::new())),
            Err(e) => Err(e.into_response()),
        };
    }
    let parts = match <axum::extract::Multipart as axum::extract::FromRequest<_>>::from_request(
        request, state,
    )
    .await
    {
        Ok(m) => crate::upload::read_parts(m, MAX_BODY >> 20, app::tips::MAX_TEXT * 4).await?,
        Err(e) => return Err(e.into_response()),
    };
    let form = TipForm {
        link: parts.field("link").into(),
        phone: parts.field("phone").into(),
        account: parts.field("account").into(),
        text: parts.field("text").into(),
        contact: parts.field("contact").into(),
        consent: parts.field("consent").into(),
        website: parts.field("website").into(),
    };
    let pictures = parts
        .files
        .into_iter()
        .map(|(_, name, bytes)| app::tips::Screenshot { name, bytes })
        .collect();
    Ok((form, pictures))
}

/// `POST /bao-tin`: the tip taken in; its answer and code shown.
pub async fn submit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    if !allowed(from.ip()) {
        return too_many();
    }
    let (f, pictures) = match read_tip(&state, request).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let tip = f.into_tip("web", from.ip(), pictures);
    match state.use_case(move |app| app.submit_tip(tip)).await {
        Ok((code, answer)) => (
            StatusCode::CREATED,
            page_in(
                crate::i18n::Lang::Vi,
                "Đã nhận tin báo",
                None,
                html! {
                    h1 { "Đã nhận tin báo" }
                    (answer_block(&answer))
                    p { "Mã tin báo của bạn: " strong.code { (code) } }
                    p { "Giữ mã này để xem trả lời của cán bộ: " a href=(format!("/bao-tin/{code}")) { "trang theo dõi tin báo" } "." }
                },
            ),
        )
            .into_response(),
        Err(e) if matches!(e.0.kind, app::ErrorKind::Invalid { .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, form(Some((false, e.0.message)), &[])).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /bao-tin/{code}`: the reporter's status page.
pub async fn status_page(State(state): State<Arc<AppState>>, Path(code): Path<String>) -> Response {
    match state.use_case(move |app| app.tip_status(&code)).await {
        Ok(s) => page_in(
            crate::i18n::Lang::Vi,
            "Theo dõi tin báo",
            None,
            html! {
                h1 { "Tin báo " (s.code) }
                @match &s.reply {
                    Some(r) => { h2 { "Trả lời của cán bộ" } p.answer.known { strong { (r) } } }
                    None => { p.note { "Cán bộ chưa trả lời. Trang này sẽ có trả lời khi cán bộ xem xét xong." } }
                }
                h2 { "Trả lời ngay khi nhận" }
                (answer_block(&s.answer))
            },
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/tips` (no account; multipart — with up to three `screenshot` files — or a
/// urlencoded form): 201 with the code, the status page's address and the instant answer; 422
/// with the field and why; 413 over [`MAX_BODY`]; 429 over the address's allowance.
pub async fn api_submit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    if !allowed(from.ip()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(
                json!({"error": "too many tips from this address; try again in a few minutes"}),
            ),
        )
            .into_response();
    }
    let (form, pictures) = match read_tip(&state, request).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let tip = form.into_tip("api", from.ip(), pictures);
    match state.use_case(move |app| app.submit_tip(tip)).await {
        Ok((code, answer)) => (
            StatusCode::CREATED,
            axum::Json(json!({
                "code": code,
                "status_url": format!("/bao-tin/{code}"),
                "answer": answer,
            })),
        )
            .into_response(),
        Err(e) => match e.0.kind {
            app::ErrorKind::Invalid { field } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(json!({"error": e.0.message, "field": field})),
            )
                .into_response(),
            _ => e.into_response(),
        },
    }
}

/// `GET /api/v1/tips/{code}`: `{"code", "status", "answer", "reply"}` for the reporter.
pub async fn api_status(State(state): State<Arc<AppState>>, Path(code): Path<String>) -> Response {
    match state.use_case(move |app| app.tip_status(&code)).await {
        Ok(s) => axum::Json(s).into_response(),
        Err(e) if e.0.kind == app::ErrorKind::NotFound => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "no tip with this code"})),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /tin-bao`: the officer's queue of tip groups.
pub async fn queue(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
) -> Response {
    queue_view(&state, &user, None).await
}

async fn queue_view(
    state: &Arc<AppState>,
    user: &crate::auth::SignedIn,
    message: Option<(bool, String)>,
) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let groups = match state
        .use_case(move |app| {
            let groups = app.tip_groups(&actor)?;
            // What the reporters wrote, for the first 50 groups (the largest).
            groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| {
                    let (texts, pictures) = if i < 50 {
                        (
                            app.tip_texts(&actor, g.id, 3)?,
                            app.tip_pictures(&actor, g.id)?,
                        )
                    } else {
                        (Vec::new(), Vec::new())
                    };
                    Ok((g, texts, pictures))
                })
                .collect::<Result<Vec<_>, app::Error>>()
        })
        .await
    {
        Ok(g) => g,
        Err(e) => return e.into_response(),
    };
    let status_vi = |s: &str| match s {
        "confirmed" => "Đã xác nhận lừa đảo",
        "not_scam" => "Không phải lừa đảo",
        _ => "Chờ trả lời",
    };
    page(
        "Tin báo của người dân",
        Some(user),
        html! {
            h1 { (t("Tin báo của người dân")) }
            p.note { (t("Các tin báo cùng một số điện thoại, số tài khoản, đường dẫn hoặc cùng nội dung gộp thành một nhóm; trả lời một lần, mọi người báo trong nhóm đều thấy ở trang theo dõi của họ.")) }
            (flash(&message))
            table.queue {
                tr { th { (t("Nhóm")) } th { (t("Người dân viết")) } th { (t("Số tin")) } th { (t("Số người gửi")) } th { (t("Tình trạng")) } th { (t("Trả lời")) } }
                @for (g, texts, pictures) in &groups {
                    tr {
                        td data-label=(t("Nhóm")) {
                            (app::tips::group_label(&g.key))
                            @if let Some(case) = g.case_id {
                                br; a href=(format!("/ho-so/{case}")) { (t("Hồ sơ")) " #" (case) }
                            }
                        }
                        td data-label=(t("Người dân viết")) {
                            @for x in texts { p { (x) } }
                            @for p in pictures.iter().take(3) {
                                a href=(format!("/tin-bao/{}/anh/{}", g.id, p.sha256)) {
                                    img.thumb src=(format!("/tin-bao/{}/anh/{}", g.id, p.sha256)) alt=(t("Ảnh chụp màn hình người dân gửi")) width="96";
                                }
                            }
                        }
                        td data-label=(t("Số tin")) { (g.tips) }
                        td data-label=(t("Số người gửi")) { (g.senders) }
                        td data-label=(t("Tình trạng")) { (status_vi(&g.status)) }
                        td data-label=(t("Trả lời")) {
                            @if let Some(a) = &g.answer {
                                (a)
                                @if g.status == "confirmed" {
                                    form.stack method="post" action="/canh-bao-nguoi-dan" {
                                        input type="hidden" name="csrf" value=(user.session.csrf);
                                        input type="hidden" name="group" value=(g.id);
                                        @if let Some(case) = g.case_id { input type="hidden" name="case" value=(case); }
                                        select name="shape" aria-label=(t("Kiểu cảnh báo")) {
                                            option value="case" { (t("Theo vụ việc")) }
                                            option value="tactic" { (t("Theo thủ đoạn")) }
                                        }
                                        button type="submit" { (t("Soạn cảnh báo cho người dân")) }
                                    }
                                }
                            } @else {
                                form.stack method="post" action=(format!("/tin-bao/{}/tra-loi", g.id)) {
                                    input type="hidden" name="csrf" value=(user.session.csrf);
                                    select name="status" aria-label=(t("Kết luận")) {
                                        option value="confirmed" { (t("Lừa đảo")) }
                                        option value="not_scam" { (t("Không phải lừa đảo")) }
                                    }
                                    textarea name="answer" rows="2" required aria-label=(t("Lời trả lời cho người báo tin")) {}
                                    label.check { input type="checkbox" name="open_case" value="1"; " " (t("Lập hồ sơ vụ việc (khi là lừa đảo)")) }
                                    button type="submit" { (t("Trả lời")) }
                                }
                            }
                        }
                    }
                }
                @if groups.is_empty() { tr { td colspan="6" { (t("Chưa có tin báo.")) } } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    status: String,
    answer: String,
    #[serde(default)]
    open_case: String,
}
crate::require::has_csrf!(AnswerForm);

/// `POST /tin-bao/{id}/tra-loi`: the group answered.
pub async fn answer(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Submitted(user, f, _): Submitted<need::Province<need::Triage>, AnswerForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let message = match state
        .use_case(move |app| {
            app.answer_tips(&actor, id, &f.status, &f.answer, !f.open_case.is_empty())
        })
        .await
    {
        Ok(None) => {
            send_replies(&state);
            (true, "Đã trả lời nhóm tin báo.".to_owned())
        }
        Ok(Some(case)) => {
            send_replies(&state);
            (
                true,
                format!("Đã trả lời nhóm tin báo và lập hồ sơ #{case}."),
            )
        }
        Err(e) => (false, e.0.message),
    };
    queue_view(&state, &user, Some(message)).await
}

/// `GET /tin-bao/{id}/anh/{sha}`: a screenshot of the group, for a role that triages (only a
/// SHA-256 on the group names a file).
pub async fn picture(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::Triage>>,
    Path((id, sha)): Path<(i64, String)>,
) -> Response {
    if sha.len() != 64
        || !sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return crate::pages::error_page(StatusCode::NOT_FOUND, "Không có ảnh này.");
    }
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.tip_picture(&actor, id, &sha))
        .await
    {
        Ok((p, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, p.media_type),
                (
                    axum::http::header::CACHE_CONTROL,
                    "private, max-age=3600".to_owned(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Per-chat allowance on the chat channels (the same as an address's on the form).
fn chat_allowed(platform: &str, body: &[u8]) -> bool {
    let event: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let who = match platform {
        "telegram" => event["message"]["chat"]["id"].to_string(),
        _ => event["sender"]["id"].to_string(),
    };
    allowed_source(format!("{platform}:{who}"))
}

/// `POST /webhooks/{platform}` (`telegram`, `zalo`; no account — the platform's secret or
/// signature is checked by `app::tip_channels`): the message taken in as a tip, answered in
/// the chat right after this call returns; 200 for every call the platform made (a message
/// that is not a tip too), 403 for a wrong secret, 404 for a channel not set up.
pub async fn webhook(
    State(state): State<Arc<AppState>>,
    Path(platform): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let auth = app::tip_channels::WebhookAuth {
        secret_token: header("x-telegram-bot-api-secret-token"),
        signature: header("x-zevent-signature"),
    };
    if !app::tip_channels::PLATFORMS.contains(&platform.as_str()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let limited = !chat_allowed(&platform, &body);
    let taken = {
        let platform = platform.clone();
        state
            .use_case(move |app| {
                if limited {
                    // Checked first, so a flood of forged calls is refused as forged.
                    return app.chat_tip_check(&platform, &auth, &body).map(|()| None);
                }
                app.chat_tip(&platform, &auth, &body)
            })
            .await
    };
    match taken {
        Ok(reply) => {
            if let Some(reply) = reply {
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = state.use_case(move |app| app.send_chat(&reply)).await {
                        app::log::event(
                            app::log::Level::Warning,
                            "tip.chat",
                            &[("detail", &e.0.message)],
                        );
                    }
                });
            }
            (StatusCode::OK, axum::Json(json!({"ok": true}))).into_response()
        }
        Err(e) => match e.0.kind {
            app::ErrorKind::Forbidden => StatusCode::FORBIDDEN.into_response(),
            app::ErrorKind::NotFound => StatusCode::NOT_FOUND.into_response(),
            app::ErrorKind::Invalid { .. } => StatusCode::BAD_REQUEST.into_response(),
            _ => e.into_response(),
        },
    }
}

/// The officer's answer sent at once to the reporters who wrote through a chat channel (the
/// minute's schedule of `serve` retries what fails).
pub(crate) fn send_replies(state: &Arc<AppState>) {
    let state = state.clone();
    tokio::spawn(async move {
        let done = state
            .use_case(|app| {
                let actor = app::Actor {
                    name: "sokenh:trả-lời-tin-báo".into(),
                    ..app::Actor::cli()
                };
                app.send_tip_replies(&actor)
            })
            .await;
        match done {
            Ok(c) if c.failed > 0 => app::log::event(
                app::log::Level::Warning,
                "tip.reply",
                &[
                    ("failed", &c.failed.to_string()),
                    ("detail", &c.errors.join("; ")),
                ],
            ),
            Ok(_) => {}
            Err(e) => app::log::event(
                app::log::Level::Warning,
                "tip.reply",
                &[("detail", &e.0.message)],
            ),
        }
    });
}
