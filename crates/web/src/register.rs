//! The register: the list with paging and search as you type, the Excel export, and importing an office's spreadsheet.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{attachment, error_page, in_scope, internal, page, thousands, visible_units};
use crate::require::{Require, need};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{Community, Permission};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

// ---- register -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    status: String,
    /// Page number, from 1.
    #[serde(default = "first_page")]
    trang: usize,
}

fn first_page() -> usize {
    1
}

/// Rows on one page of the register list.
pub const REGISTER_PAGE: usize = 100;

pub async fn register(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewRegister>,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let scope = visible_units(&snap.units, &user.session.user);
    let needle = text::fold(&q.q);
    let mut total = 0;
    let shown: Vec<&Community> = snap
        .communities
        .iter()
        .zip(&snap.folded)
        .filter(|(c, _)| in_scope(c, &scope))
        .inspect(|_| total += 1)
        .filter(|(c, folded)| {
            needle.is_empty()
                || folded.contains(&needle)
                || c.url.as_deref().is_some_and(|u| u.contains(&q.q))
        })
        .filter(|(c, _)| q.platform.is_empty() || c.platform.as_str() == q.platform)
        .filter(|(c, _)| q.status.is_empty() || c.status.as_str() == q.status)
        .map(|(c, _)| c)
        .collect();
    let pages = shown.len().div_ceil(REGISTER_PAGE).max(1);
    let current = q.trang.clamp(1, pages);
    let rows = &shown[(current - 1) * REGISTER_PAGE..shown.len().min(current * REGISTER_PAGE)];
    let link = |n: usize| {
        let mut u = form_urlencoded::Serializer::new(String::from("/so-dang-ky?"));
        u.append_pair("q", &q.q)
            .append_pair("platform", &q.platform)
            .append_pair("status", &q.status)
            .append_pair("trang", &n.to_string());
        u.finish()
    };
    page(
        "Sổ đăng ký",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Sổ đăng ký trang, kênh, hội, nhóm")) }
            form.inline method="get" action="/so-dang-ky" {
                div { label for="q" { (crate::i18n::tr(user.lang, "Tìm")) } input id="q" name="q" value=(q.q) placeholder="tên hoặc đường dẫn, có dấu hay không dấu"; }
                div {
                    label for="platform" { (crate::i18n::tr(user.lang, "Nền tảng")) }
                    select id="platform" name="platform" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for p in domain::Platform::ALL { option value=(p.as_str()) selected[q.platform == p.as_str()] { (p.label_vi()) } }
                    }
                }
                div {
                    label for="status" { (crate::i18n::tr(user.lang, "Tình trạng")) }
                    select id="status" name="status" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for s in domain::Status::ALL { option value=(s.as_str()) selected[q.status == s.as_str()] { (s.label_vi()) } }
                    }
                }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Lọc")) } }
            }
            @if user.session.user.can(Permission::EditRegister) {
                form.inline method="post" action="/so-dang-ky/nhap" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    div { label for="file" { (crate::i18n::tr(user.lang, "Nhập từ bảng tính (.xlsx, .ods, .csv)")) } input id="file" name="file" type="file" required accept=".xlsx,.ods,.csv"; }
                    div { button type="submit" { (crate::i18n::tr(user.lang, "Tải lên")) } }
                }
            }
            p.note {
                (shown.len()) " / " (total) " trang, kênh, hội, nhóm — " a href="/so-dang-ky/xuat" { (crate::i18n::tr(user.lang, "Xuất Excel")) }
                @if user.session.user.can(Permission::EditRegister) { " — " a href="/so-dang-ky/moi" { (crate::i18n::tr(user.lang, "Thêm trang, kênh, nhóm")) } }
            }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Tên")) } th { (crate::i18n::tr(user.lang, "Nền tảng")) } th { (crate::i18n::tr(user.lang, "Phân loại")) } th { (crate::i18n::tr(user.lang, "Tình trạng")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Thành viên")) } }
                @for c in rows {
                    tr {
                        td {
                            a href=(format!("/so-dang-ky/{}", c.id.0)) { (c.name) }
                            @if let Some(u) = &c.url { br; span.note { (u) } }
                        }
                        td { (c.platform.label_vi()) }
                        td { (c.classification.label_vi()) }
                        td { span class=(format!("badge {}", c.status.as_str())) { (c.status.label_vi()) } }
                        td { (c.unit.as_deref().unwrap_or("")) }
                        td.num { @if let Some(m) = c.members { (thousands(m)) } }
                    }
                }
            }
            @if pages > 1 {
                nav.pages aria-label="Trang" {
                    @if current > 1 { a href=(link(current - 1)) rel="prev" { "← Trước" } }
                    span { "Trang " (current) " / " (pages) }
                    @if current < pages { a href=(link(current + 1)) rel="next" { "Sau →" } }
                }
            }
        },
    )
    .into_response()
}

// ---- importing the register spreadsheet ----------------------------------------------------

/// Largest spreadsheet accepted.
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// The spreadsheet kind by content, not by name: zip (xlsx, ods), OLE2 (xls), or UTF-8/1252 text.
fn sheet_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(
            if bytes
                .windows(28)
                .any(|w| w == b"application/vnd.oasis.opendo")
            {
                "ods"
            } else {
                "xlsx"
            },
        )
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("xls")
    } else if !bytes.is_empty() && !text::looks_binary(bytes) {
        Some("csv")
    } else {
        None
    }
}

pub async fn import_register(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    let up = match crate::upload::read(&user, Permission::EditRegister, multipart, MAX_UPLOAD >> 20)
        .await
    {
        Ok(up) => up,
        Err(r) => return r,
    };
    let name: String = up
        .name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect();
    let name = if name.is_empty() {
        "so-dang-ky".to_owned()
    } else {
        name
    };
    let head = match up.head(64 << 10) {
        Ok(h) => h,
        Err(e) => return internal(e.into()),
    };
    let Some(ext) = sheet_extension(&head) else {
        return error_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Không phải bảng tính Excel (.xlsx), .ods hay .csv.",
        );
    };
    if ext == "xls" {
        // The old binary format cannot be checked before its reader allocates what it declares
        // (calamine reserves a sheet's declared dimensions): not taken from the web.
        return error_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Tệp Excel 97-2003 (.xls) không nhận qua trang web vì không kiểm tra trước được: hãy mở bằng Excel hoặc LibreOffice và lưu thành .xlsx (hoặc .csv) rồi tải lên lại. / Legacy .xls is not accepted here: save it as .xlsx.",
        );
    }
    let actor = crate::actor(&user.session.user);
    // The sheet is read apart from the store, two uploads at a time, so a large or slow file
    // keeps nobody else waiting; then written in one transaction within the actor's scope.
    let read = {
        let _slot = state.heavy.acquire().await;
        let actor = actor.clone();
        state
            .use_case(move |app| {
                // The reader goes by the extension: the upload, already on disk, is given one.
                let dir = tempfile::tempdir().map_err(anyhow::Error::from)?;
                let path = dir.path().join(format!("upload.{ext}"));
                std::fs::copy(up.file.path(), &path).map_err(anyhow::Error::from)?;
                drop(up);
                app.read_register(&actor, &path, None)
            })
            .await
    };
    let sheet = match read.map_err(crate::AppError::invalid_message) {
        Ok(sheet) => sheet,
        Err(Ok(why)) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Nhập sổ đăng ký",
                    Some(&user),
                    html! {
                        h1 { "Nhập sổ đăng ký" }
                        p.error role="alert" { "Không đọc được bảng tính: " (why) }
                        p { a href="/so-dang-ky" { (crate::i18n::tr(user.lang, "Quay lại sổ đăng ký")) } }
                    },
                ),
            )
                .into_response();
        }
        Err(Err(e)) => return e.into_response(),
    };
    let result = state
        .use_case(move |app| app.import_register(&actor, &name, sheet, false))
        .await;
    state.changed().await;
    let app::register::Imported { sheet, outcome, .. } = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    page(
        "Nhập sổ đăng ký",
        Some(&user),
        html! {
            h1 { "Kết quả nhập sổ đăng ký" }
            p role="status" {
                "Đã đọc " (sheet.rows_read) " dòng: thêm mới " (outcome.inserted) ", cập nhật " (outcome.updated)
                ", không đổi " (outcome.unchanged) ", từ chối " (sheet.rejected.len()) ", cảnh báo " (sheet.warnings.len()) "."
            }
            @if let Some(enc) = sheet.legacy_encoding { p.note { "Đã chuyển chữ mã cũ (" (format!("{enc:?}")) ") sang Unicode." } }
            @if !sheet.rejected.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Dòng bị từ chối (không ghi vào sổ)")) }
                table { tr { th { (crate::i18n::tr(user.lang, "Dòng")) } th { (crate::i18n::tr(user.lang, "Cột")) } th { (crate::i18n::tr(user.lang, "Lý do")) } }
                    @for r in &sheet.rejected { tr { td.num { (r.row) } td { (r.column) } td { (r.reason) } } } }
            }
            @if !sheet.warnings.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Cảnh báo")) }
                table { tr { th { (crate::i18n::tr(user.lang, "Dòng")) } th { (crate::i18n::tr(user.lang, "Cột")) } th { (crate::i18n::tr(user.lang, "Nội dung")) } }
                    @for r in &sheet.warnings { tr { td.num { (r.row) } td { (r.column) } td { (r.reason) } } } }
            }
            p { a href="/so-dang-ky" { (crate::i18n::tr(user.lang, "Xem sổ đăng ký")) } }
        },
    )
    .into_response()
}

/// The register (as far as the user may see it) in the office's spreadsheet layout; audited.
pub async fn export_register(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewRegister>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let _turn = state.heavy_store.acquire().await;
    let made = state
        .use_case(move |app| {
            let dir = tempfile::tempdir().map_err(anyhow::Error::from)?;
            let path = dir.path().join("so-dang-ky.xlsx");
            app.export_register(&actor, &path, "web")?;
            Ok(std::fs::read(&path).map_err(anyhow::Error::from)?)
        })
        .await;
    match made {
        Ok(bytes) => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "so-dang-ky.xlsx",
            bytes,
        ),
        Err(e) => e.into_response(),
    }
}
