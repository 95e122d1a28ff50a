//! The pages' shell: the page frame and navigation, error pages, attachments, flash messages,
//! the unit scope, and what every feature's pages share. The pages themselves are in a module
//! per feature (`sign_in`, `dashboard`, `register`, `audit`, `member`, `alerts`, `follow_up`,
//! `search`). Every value reaches HTML through maud, which escapes it; every form carries the
//! session's CSRF token; every page checks the role and scopes by unit.

use crate::AppState;
use crate::auth::{SignedIn, csrf_ok, csrf_rejected, forbidden};
use crate::i18n::{Lang, tr};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Permission, Unit};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;

pub(crate) fn page(title: &str, who: Option<&SignedIn>, body: Markup) -> Markup {
    page_in(who.map_or(Lang::Vi, |w| w.lang), title, who, body)
}

/// A page in a language (the sign-in page has no session to say which).
pub(crate) fn page_in(lang: Lang, title: &str, who: Option<&SignedIn>, body: Markup) -> Markup {
    let t = |vi: &'static str| tr(lang, vi);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (tr(lang, title)) " — " (t("Sổ kênh")) }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header.top {
                    a href="/" { (t("Sổ kênh")) }
                    @if let Some(w) = who {
                        nav.main {
                            @if w.session.user.member.is_some() {
                                a href="/ke-khai" { (t("Kê khai của tôi")) }
                            }
                            @if w.session.user.can(Permission::ViewRegister) {
                                a href="/tong-quan" { (t("Tổng quan")) }
                                a href="/so-dang-ky" { (t("Sổ đăng ký")) }
                                a href="/tim-kiem" { (t("Tìm bài đăng")) }
                            }
                            @if w.session.user.can(Permission::ViewAlerts) {
                                a href="/canh-bao" { (t("Cảnh báo")) }
                            }
                            @if w.session.user.can_for_province(Permission::Triage) {
                                a href="/gia-mao" { (t("Trang giả mạo")) }
                            }
                            @if w.session.user.can(Permission::ViewCases) {
                                a href="/ho-so" { (t("Hồ sơ")) }
                            }
                            @if w.session.user.can(Permission::Capture) {
                                a href="/ghi-nhan" { (t("Ghi nhận bài đăng")) }
                            }
                            @if w.session.user.can(Permission::Ingest) {
                                a href="/tai-len" { (t("Tải lên tệp")) }
                            }
                            @if w.session.user.can(Permission::CheckMedia) {
                                a href="/kiem-tra-anh" { (t("Kiểm tra ảnh")) }
                            }
                            @if w.session.user.can(Permission::ViewDetection) {
                                a href="/kiem-chung" { (t("Kiểm chứng")) }
                                a href="/phan-tich" { (t("Phân tích")) }
                                a href="/bao-cao" { (t("Báo cáo")) }
                            }
                            @if w.session.user.can(Permission::FollowUp) {
                                a href="/don-vi" { (t("Đôn đốc kê khai")) }
                                a href="/danh-gia" { (t("Đánh giá năm")) }
                            }
                            @if w.session.user.can_for_province(Permission::ViewCases) {
                                a href="/chia-se" { (t("Chia sẻ chỉ báo")) }
                            }
                            @if w.session.user.can_for_province(Permission::Triage) {
                                a href="/tin-bao" { (t("Tin báo của người dân")) }
                                a href="/canh-bao-nguoi-dan" { (t("Cảnh báo cho người dân")) }
                                a href="/nguon" { (t("Nguồn từ kênh chính thức")) }
                                a href="/kiem-tra-dinh-ky" { (t("Kiểm tra định kỳ")) }
                            }
                            a href="/thu-vien" { (t("Thư viện văn bản")) }
                            @if w.session.user.can(Permission::ViewAudit) {
                                a href="/nhat-ky" { (t("Nhật ký")) }
                            }
                            @if w.session.user.can(Permission::Administer) {
                                a href="/quan-tri" { (t("Quản trị")) }
                            }
                        }
                        @if lang == Lang::En { a.lang href="/ngon-ngu/vi" lang="vi" { "Tiếng Việt" } } @else { a.lang href="/ngon-ngu/en" lang="en" { "English" } }
                        span.who {
                            (w.session.user.username) " (" (w.session.user.role.label_vi()) ") "
                            form.logout method="post" action="/dang-xuat" {
                                input type="hidden" name="csrf" value=(w.session.csrf);
                                button.link type="submit" { (t("Đăng xuất")) }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        page("Lỗi", None, html! { h1 { "Lỗi" } p.error { (message) } }),
    )
        .into_response()
}

pub(crate) fn internal(e: anyhow::Error) -> Response {
    // The details go to the server's log, never to the page.
    let reference = crate::reference();
    app::log::event(
        app::log::Level::Error,
        "http.internal",
        &[("ref", &reference), ("detail", &format!("{e:#}"))],
    );
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!(
            "Có lỗi khi xử lý yêu cầu. Hãy thử lại hoặc báo quản trị với mã tham chiếu {reference}."
        ),
    )
}

/// A file to save: its type, and a name reduced to ASCII letters, digits, `.`, `-` (others `_`),
/// so the header needs no encoding and cannot be broken by a quote.
pub(crate) fn attachment(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// What a form just did: a green line when it went well, a red one when it was refused.
pub(crate) fn flash(message: &Option<(bool, String)>) -> Markup {
    html! {
        @if let Some((ok, m)) = message {
            p class=(if *ok { "badge verified" } else { "error" }) role="status" { (m) }
        }
    }
}

pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "Không có trang này.")
}

pub async fn home(user: Option<SignedIn>) -> Redirect {
    match user {
        Some(u) if u.session.user.can(Permission::Declare) => Redirect::to("/ke-khai"),
        Some(_) => Redirect::to("/tong-quan"),
        None => Redirect::to("/dang-nhap"),
    }
}

impl axum::extract::OptionalFromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <SignedIn as axum::extract::FromRequestParts<Arc<AppState>>>::from_request_parts(
                parts, state,
            )
            .await
            .ok(),
        )
    }
}

// ---- scope --------------------------------------------------------------------------------

/// Names of the units a user may see (`app::register::visible_units`: the one unit scope).
pub(crate) fn visible_units(units: &[Unit], user: &domain::User) -> Option<HashSet<String>> {
    app::register::visible_units(units, user.role, user.unit, user.commune)
}

pub(crate) use app::register::in_scope;

/// The alerts and cases an account reaches (`app::commune::Reach`: a commune's account, those
/// about its commune's pages), from the snapshot.
pub(crate) fn reach(snap: &crate::Snapshot, user: &domain::User) -> app::commune::Reach {
    app::commune::Reach::of(user.commune, &snap.units, &snap.communities)
}

// ---- API ----------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct CsrfForm {
    pub(crate) csrf: String,
}

/// 2026-11-29 → 29/11/2026, as dates are written in Vietnam.
pub(crate) fn vn_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

pub(crate) fn thousands(n: u64) -> String {
    text::thousands(n as i64)
}

/// The refusal, if any, of a form that changes something: a wrong CSRF token, or a role that may
/// not do it. Every such handler starts with it.
pub(crate) fn refused(user: &SignedIn, token: &str, needs: Permission) -> Option<Response> {
    if !csrf_ok(&user.session, token) {
        Some(csrf_rejected())
    } else if !user.session.user.can(needs) {
        Some(forbidden())
    } else {
        None
    }
}

/// Today's date in Vietnam (the posts' and the office's time zone).
pub(crate) fn vietnam_today() -> chrono::NaiveDate {
    app::today()
}

crate::require::has_csrf!(CsrfForm);

/// "Tháng 11 năm 2026" from "tháng 11 năm 2026", for a heading.
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
