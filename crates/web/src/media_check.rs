//! The media check (`/kiem-tra-anh`, officers and analysts): upload a picture, see the register's
//! pages whose avatar it resembles and the fact-check entries whose picture it is (PDQ
//! distance), what the file says of how it was made, and
//! the text in it with its signals. Through `app` (`App::check_media`). The picture is never
//! kept.

use crate::AppState;
use crate::pages::page;
use crate::require::{Require, need};
use app::media_check::{MediaCheck, Ocr};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::sync::Arc;

/// `GET /kiem-tra-anh`: the form.
pub async fn show(
    State(_state): State<Arc<AppState>>,
    Require(user, _): Require<need::CheckMedia>,
) -> Response {
    view(&user, None, None)
}

/// `POST /kiem-tra-anh`: the picture (`file`) checked; the same page with what was found.
pub async fn check(
    State(state): State<Arc<AppState>>,
    user: crate::auth::SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    let (name, picture) = match crate::upload::read_small(
        &user,
        domain::Permission::CheckMedia,
        multipart,
        app::media_check::MEDIA_MAX_BYTES >> 20,
    )
    .await
    {
        Ok(up) => up,
        Err(r) => return r,
    };
    let actor = crate::actor(&user.session.user);
    let found = {
        let _turn = state.heavy.acquire().await;
        state
            .use_case(move |app| app.check_media(&actor, &picture))
            .await
    };
    match found {
        Ok(c) => view(&user, Some(&c), Some(name.as_str())),
        // A picture that cannot be read is answered 422 with why, as every invalid input.
        Err(e) => e.into_response(),
    }
}

fn view(user: &crate::auth::SignedIn, found: Option<&MediaCheck>, name: Option<&str>) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    page(
        "Kiểm tra ảnh",
        Some(user),
        html! {
            h1 { (t("Kiểm tra ảnh")) }
            p.note { (t("Ảnh được so với ảnh đại diện của các trang trong sổ (mã PDQ), xem tệp tự khai nguồn gốc thế nào (C2PA, dấu vết công cụ tạo ảnh) và đọc chữ trong ảnh để rà soát. Ảnh không được lưu lại; lần kiểm tra được ghi vào nhật ký.")) }
            form method="post" action="/kiem-tra-anh" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                label { (t("Ảnh (PNG, JPEG, WebP, GIF; tối đa 10 MB)")) " " input type="file" name="file" accept="image/*" required; }
                button type="submit" { (t("Kiểm tra")) }
            }
            @if let Some(c) = found {
                (result(c, name.unwrap_or(""), user.lang))
            }
        },
    )
    .into_response()
}

fn result(c: &MediaCheck, name: &str, lang: crate::i18n::Lang) -> Markup {
    let t = |vi: &'static str| crate::i18n::tr(lang, vi);
    html! {
        section.finding {
            h2 { (t("Kết quả")) ": " (name) }
            p {
                (format!("{:?}", c.format).to_uppercase()) ", " (c.width) " × " (c.height) " px · SHA-256 "
                code.hash { (c.sha256[..16]) "…" }
            }
            p {
                "PDQ " code.hash { (c.pdq) } " · " (t("chất lượng")) " " (c.quality)
                @if !c.trustworthy { " — " (t("ảnh quá đơn điệu, mã không đủ tin cậy để so khớp")) }
            }
            h3 { (t("Giống ảnh đại diện của trang trong sổ")) }
            @if c.matches.is_empty() {
                p { (t("Không trang nào trong sổ có ảnh đại diện giống ảnh này (trong 31/256 bit).")) }
            } @else {
                table {
                    tr { th { (t("Trang")) } th { (t("Nền tảng")) } th { (t("Phân loại")) } th { (t("Trạng thái")) } th { (t("Khác biệt")) } }
                    @for m in &c.matches {
                        tr {
                            td { a href={"/so-dang-ky/" (m.community_id)} { (m.name) } }
                            td { (m.platform.label_vi()) }
                            td { (m.classification.label_vi()) }
                            td { (m.status.label_vi()) }
                            td.num { (m.distance) " / 256 bit" @if let Some(t) = m.turn { br; span.note { "(ảnh " (t) ")" } } }
                        }
                    }
                }
            }
            h3 { (t("Trùng ảnh trong sổ kiểm chứng")) }
            @if c.factchecks.is_empty() {
                p { (t("Không mục kiểm chứng nào có ảnh giống ảnh này.")) }
            } @else {
                @for f in &c.factchecks {
                    p {
                        span.badge { (f.verdict.label_vi()) } " «" (f.claim) "» — " (f.distance) " / 256 bit" @if let Some(t) = f.turn { " (ảnh " (t) ")" }
                        @if !f.correction.is_empty() { br; (t("Thông tin đúng")) ": " (f.correction) }
                        @if f.source_url.starts_with("https://") || f.source_url.starts_with("http://") { br; a href=(f.source_url) rel="noreferrer" { (f.source_url) } }
                    }
                }
            }
            h3 { (t("Nguồn gốc")) }
            p { (c.provenance.summary) }
            @if !c.provenance.indicators.is_empty() {
                ul {
                    @for i in &c.provenance.indicators {
                        li { "[" (i.source) "] " code.hash { (i.evidence) } " — " (i.meaning) }
                    }
                }
            }
            h3 { (t("Chữ trong ảnh")) }
            @match &c.ocr {
                Ocr::Read { text, signals } => {
                    @if text.trim().is_empty() { p { (t("Không thấy chữ trong ảnh.")) } } @else { blockquote { (text) } }
                    @if signals.is_empty() {
                        p { (t("Không có dấu hiệu nào trong chữ của ảnh.")) }
                    } @else {
                        ul {
                            @for s in signals {
                                li { span.badge { (s.label) } " " (format!("{:.2}", s.score)) " — " (s.explanation) }
                            }
                        }
                    }
                }
                Ocr::Unavailable { reason } => { p.note { (reason) } }
            }
        }
    }
}
