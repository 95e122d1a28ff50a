//! Capture (`/ghi-nhan`; officers, and unit administrators on their unit's pages): paste the
//! link of a post seen on Facebook, Zalo, TikTok, YouTube or Telegram with its text and/or
//! screenshots; the post is stored under its page, screened at once, and the next page shows its
//! signals with their evidence marked, the screenshots kept (SHA-256) and what OCR read, and —
//! for those who handle alerts — opening a case from its alerts or adding them to an open one.
//! Through `app` (`App::capture`), as the API's `POST /api/v1/captures` is.

use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::csrf_rejected;
use crate::pages::page;
use crate::require::{Require, need};
use app::capture::{Capture, Captured, MAX_SCREENSHOT, MAX_SCREENSHOTS, MAX_TEXT};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{CaseStatus, Permission};
use maud::{Markup, html};
use std::sync::Arc;

/// The largest capture body: the screenshots, the text and the form (bytes).
pub const MAX_BODY: usize = MAX_SCREENSHOTS * MAX_SCREENSHOT + 4 * MAX_TEXT + 64 * 1024;

/// What the form had, to show it again with a refusal.
#[derive(Default)]
struct Typed {
    url: String,
    page: String,
    text: String,
}

/// `GET /ghi-nhan`: the form.
pub async fn show(Require(user, _): Require<need::Capture>) -> Response {
    form_page(&user, &Typed::default(), None).into_response()
}

/// `POST /ghi-nhan`: the post stored and screened; its signals, screenshots and alerts shown.
pub async fn capture(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    // Who before what: the role before a byte of the body is read, the token after.
    if !user.session.user.can(Permission::Capture) {
        return crate::auth::forbidden();
    }
    let (c, csrf) = match read(multipart).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !crate::auth::csrf_ok(&user.session, &csrf) {
        return csrf_rejected();
    }
    let typed = Typed {
        url: c.url.clone(),
        page: c.page.clone(),
        text: c.text.clone(),
    };
    let actor = crate::actor(&user.session.user);
    let done = {
        let _turn = state.heavy.acquire().await;
        state.changing(move |app| app.capture(&actor, c)).await
    };
    match done {
        Ok(captured) => result_page(&state, &user, &captured).await,
        Err(e) => match e.invalid_message() {
            Ok(why) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&user, &typed, Some(&why)),
            )
                .into_response(),
            Err(e) => e.into_response(),
        },
    }
}

/// A capture as the form and the API send it (multipart: `url`, `page`, `text`, `screenshot`
/// files), and the form's CSRF token (empty from the API).
pub(crate) async fn read(
    multipart: axum::extract::Multipart,
) -> Result<(Capture, String), Response> {
    let parts = crate::upload::read_parts(multipart, MAX_BODY >> 20, 4 * MAX_TEXT).await?;
    let [url, page, text, csrf] =
        ["url", "page", "text", "csrf"].map(|k| parts.field(k).to_owned());
    let screenshots = parts
        .files
        .into_iter()
        .filter(|(field, _, _)| field == "screenshot")
        .map(|(_, name, bytes)| (name, bytes))
        .collect();
    Ok((
        Capture {
            url,
            page,
            text,
            screenshots,
        },
        csrf,
    ))
}

fn form_page(user: &SignedIn, typed: &Typed, refused: Option<&str>) -> Markup {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    page(
        "Ghi nhận bài đăng",
        Some(user),
        html! {
            h1 { (t("Ghi nhận bài đăng")) }
            p.note { (t("Dán đường dẫn bài đăng đã thấy trên Facebook, Zalo, TikTok, YouTube hoặc Telegram, kèm nội dung và/hoặc ảnh chụp màn hình. Bài đăng được lưu dưới trang của nó (trang chưa có sẽ vào sổ với trạng thái chưa rõ), ảnh chụp được giữ làm chứng cứ và rà soát ngay.")) }
            @if let Some(why) = refused {
                p.error role="alert" { (why) }
            }
            form.stack method="post" action="/ghi-nhan" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                label { (t("Đường dẫn bài đăng")) " " input type="text" name="url" value=(typed.url) required placeholder="https://www.facebook.com/…/posts/…"; }
                label { (t("Đường dẫn trang, kênh (khi đường dẫn bài không cho biết, như video YouTube)")) " " input type="text" name="page" value=(typed.page); }
                label { (t("Nội dung bài đăng")) " " textarea name="text" rows="6" maxlength=(MAX_TEXT) { (typed.text) } }
                label { (t("Ảnh chụp màn hình (tối đa 5 ảnh, mỗi ảnh 10 MB)")) " " input type="file" name="screenshot" accept="image/*" multiple; }
                button type="submit" { (t("Ghi nhận và rà soát")) }
            }
        },
    )
}

async fn result_page(state: &Arc<AppState>, user: &SignedIn, c: &Captured) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let triage = user.session.user.can(Permission::Triage);
    // The open cases from the store, not the snapshot: the capture changed what the snapshot
    // holds, and reading it all again (every alert) is for the next page that needs it.
    let open_cases: Vec<(i64, String)> = if triage && !c.alerts.is_empty() {
        let actor = crate::actor(&user.session.user);
        match state.use_case(move |app| app.cases(&actor)).await {
            Ok(cases) => cases
                .into_iter()
                .filter(|k| k.status != CaseStatus::Closed)
                .map(|k| (k.id, k.title.chars().take(60).collect()))
                .collect(),
            Err(e) => return e.into_response(),
        }
    } else {
        Vec::new()
    };
    page(
        "Đã ghi nhận bài đăng",
        Some(user),
        html! {
            p.note { a href="/ghi-nhan" { (t("← Ghi nhận bài khác")) } }
            h1 { (t("Đã ghi nhận bài đăng")) }
            p role="status" {
                @if c.new { "Đã lưu bài đăng mã " (c.item_id) } @else { "Bài đăng này đã được ghi nhận trước đó (mã " (c.item_id) ")" }
                " trên trang " a href=(format!("/so-dang-ky/{}", c.community_id)) { (c.community_name) } "."
                @if c.new_page { " " (t("Trang này chưa có trong sổ: đã thêm với trạng thái chưa rõ, cần phân loại.")) }
            }
            h2 { (t("Kết quả rà soát")) }
            @if c.signals.is_empty() {
                p { (t("Không phát hiện dấu hiệu nào trong nội dung này.")) }
            } @else {
                ul.signals {
                    @for s in &c.signals {
                        li { strong { (s.category.label_vi()) } " · " (format!("{:.2}", s.score)) " · " (s.explanation) }
                    }
                }
            }
            article.post { (crate::cases::highlighted(&c.item, &c.signals)) }
            @if !c.evidence.is_empty() {
                h2 { (t("Ảnh chụp đã lưu làm chứng cứ")) }
                ul {
                    @for s in &c.evidence {
                        li {
                            (s.file_name) " · SHA-256 " code.hash { (s.sha256) }
                            // Not the text itself: it may carry personal data, shown above only
                            // as the detectors masked it.
                            @if s.text.is_some() { " · " span.note { (t("đã đọc chữ trong ảnh, rà soát cùng nội dung")) } }
                        }
                    }
                }
            }
            @if let Some(note) = &c.ocr_note { p.note { (note) } }
            @if !c.alerts.is_empty() {
                h2 { (t("Cảnh báo")) }
                p {
                    @for (k, id) in c.alerts.iter().enumerate() {
                        @if k > 0 { ", " }
                        a href=(format!("/canh-bao/{id}")) { "Cảnh báo #" (id) }
                    }
                }
                @if triage {
                    form.stack method="post" action="/canh-bao/ho-so" {
                        input type="hidden" name="csrf" value=(user.session.csrf);
                        @for id in &c.alerts { input type="hidden" name="alert" value=(id); }
                        label { (t("Đưa vào hồ sơ")) " "
                            select name="case" {
                                option value="" { (t("Lập hồ sơ mới")) }
                                @for (id, title) in &open_cases { option value=(id) { "Hồ sơ #" (id) ": " (title) } }
                            }
                        }
                        label { (t("Tiêu đề hồ sơ mới (để trống: theo cảnh báo)")) " " input type="text" name="title"; }
                        button type="submit" { (t("Lập hoặc bổ sung hồ sơ")) }
                    }
                }
            }
        },
    )
    .into_response()
}
