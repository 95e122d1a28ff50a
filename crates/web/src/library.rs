//! `/thu-vien`: the rules library for every signed-in account — the documents members must know
//! by kind, version and effective date, the code of conduct in effect marked; for those who
//! follow members up, the re-signing of that version per unit; for an administrator or a leader,
//! a new version uploaded (PDF, DOCX or text; its text read, the file kept by SHA-256). One
//! version's page shows its text and gives its file back. Everything through `app::library`.

use crate::AppState;
use crate::auth::{SignedIn, csrf_ok, csrf_rejected};
use crate::pages::{attachment, flash, page, vn_date};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{DocumentKind, Permission};
use maud::html;
use std::sync::Arc;

/// The largest upload the form takes (the library's own limit, and a little for the fields).
pub const MAX_BODY: usize = app::library::MAX_DOCUMENT + (64 << 10);

pub async fn show(State(state): State<Arc<AppState>>, user: SignedIn) -> Response {
    view(&state, &user, None, StatusCode::OK).await
}

async fn view(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<(bool, String)>,
    status: StatusCode,
) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let follow = user.session.user.can(Permission::FollowUp);
    let keep = user.session.user.can(Permission::KeepLibrary);
    let got = state
        .use_case(move |app| {
            let docs = app.library(&actor)?;
            let current = app.commitment_version()?;
            let signing = if follow {
                Some(app.resigning(&actor)?)
            } else {
                None
            };
            Ok((docs, current, signing))
        })
        .await;
    let (docs, current, signing) = match got {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let body = page(
        "Thư viện văn bản",
        Some(user),
        html! {
            h1 { (t("Thư viện văn bản")) }
            p.note { (t("Các văn bản cán bộ, đảng viên cần nắm: chỉ thị, quy tắc ứng xử (cam kết), quy tắc của Bộ, quy chế của đơn vị. Phiên bản quy tắc ứng xử mới nhất đã có hiệu lực là bản cán bộ, đảng viên ký cam kết.")) }
            (flash(&message))
            table {
                tr { th { (t("Loại")) } th { (t("Văn bản")) } th { (t("Phiên bản")) } th { (t("Hiệu lực từ")) } th { (t("Thay đổi")) } }
                @for d in docs.iter().rev() {
                    tr {
                        td { (d.kind.label_vi()) }
                        td { a href=(format!("/thu-vien/{}", d.id)) { (d.title) } }
                        td {
                            (d.version)
                            @if d.kind == DocumentKind::CodeOfConduct && d.version == current { " " span.badge.verified { (t("đang có hiệu lực")) } }
                        }
                        td { (vn_date(&d.effective_on)) }
                        td { (d.changes) }
                    }
                }
                @if docs.is_empty() { tr { td colspan="5" { (t("Thư viện chưa có văn bản.")) } } }
            }
            @if let Some(r) = &signing {
                h2 { (t("Ký lại cam kết theo đơn vị")) }
                p.note {
                    "Phiên bản " (r.version)
                    @if let Some(on) = &r.effective_on { ", hiệu lực từ " (vn_date(on)) }
                    ". " a href="/don-vi" { (t("Nhắc từng người ở trang Đôn đốc kê khai.")) }
                }
                table {
                    tr { th { (t("Đơn vị")) } th { (t("Đã ký")) } th { (t("Chỉ ký bản cũ")) } th { (t("Đã nhắc")) } th { (t("Số người")) } }
                    @for u in r.units.iter().filter(|u| u.members > 0) {
                        tr {
                            td { (u.unit) }
                            td { (u.signed) " (" (u.signed * 100 / u.members) "%)" }
                            td { (u.signed_earlier) }
                            td { (u.reminded) }
                            td { (u.members) }
                        }
                    }
                }
            }
            @if keep {
                h2 { (t("Thêm phiên bản văn bản")) }
                form.stack method="post" action="/thu-vien" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    label for="doc-file" { (t("Tệp (PDF, DOCX hoặc văn bản thuần)")) }
                    input id="doc-file" name="file" type="file" required accept=".pdf,.docx,.txt";
                    label for="doc-title" { (t("Tên văn bản")) }
                    input id="doc-title" name="title" required;
                    label for="doc-kind" { (t("Loại")) }
                    select id="doc-kind" name="kind" {
                        option value="" { (t("Đọc từ tên văn bản")) }
                        @for k in DocumentKind::ALL { option value=(k.as_str()) { (k.label_vi()) } }
                    }
                    label for="doc-version" { (t("Phiên bản")) }
                    input id="doc-version" name="version" required;
                    label for="doc-effective" { (t("Hiệu lực từ")) }
                    input id="doc-effective" name="effective" type="date" required;
                    label for="doc-changes" { (t("Thay đổi so với phiên bản trước")) }
                    textarea id="doc-changes" name="changes" rows="3" {}
                    p { button type="submit" { (t("Lưu văn bản")) } }
                }
            }
        },
    );
    (status, body).into_response()
}

/// `POST /thu-vien`: a version kept (the role is checked before the body is read).
pub async fn add(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    if !user.session.user.can(Permission::KeepLibrary) {
        return crate::auth::forbidden_to(&user.session.user, Permission::KeepLibrary);
    }
    let parts = match crate::upload::read_parts(multipart, MAX_BODY >> 20, 64 << 10).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !csrf_ok(&user.session, parts.field("csrf")) {
        return csrf_rejected();
    }
    let kind = match parts.field("kind") {
        "" => None,
        k => DocumentKind::parse_word(k),
    };
    let [title, version, effective, changes] =
        ["title", "version", "effective", "changes"].map(|k| parts.field(k).to_owned());
    let Some((_, file_name, bytes)) = parts.files.into_iter().find(|(f, _, _)| f == "file") else {
        return view(
            &state,
            &user,
            Some((false, "Cần chọn tệp văn bản.".into())),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = crate::actor(&user.session.user);
    let new = app::library::NewDocument {
        file_name,
        bytes,
        title,
        version,
        effective,
        kind,
        changes,
    };
    let done = {
        let _turn = state.heavy.acquire().await;
        state
            .changing(move |app| app.add_document(&actor, new))
            .await
    };
    match done {
        Ok(added) => {
            let d = &added.document;
            let mut m = format!(
                "Đã lưu «{}» phiên bản {}, hiệu lực từ {} ({} ký tự nội dung).",
                d.title,
                d.version,
                vn_date(&d.effective_on),
                added.text_chars
            );
            if let Some(note) = &added.text_note {
                m.push_str(&format!(" Lưu ý: {note}."));
            }
            view(&state, &user, Some((true, m)), StatusCode::OK).await
        }
        // Refused input and a version kept already are said on the form.
        Err(crate::AppError(e))
            if matches!(
                e.kind,
                app::ErrorKind::Invalid { .. } | app::ErrorKind::Conflict
            ) =>
        {
            let status = if e.kind == app::ErrorKind::Conflict {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            view(&state, &user, Some((false, e.message)), status).await
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /thu-vien/{id}`: a version's text, and its file.
pub async fn document(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let (d, body, _) = match state.use_case(move |app| app.document(&actor, id)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    page(
        &d.title,
        Some(&user),
        html! {
            p.note { a href="/thu-vien" { (t("← Thư viện văn bản")) } }
            h1 { (d.title) }
            p {
                (d.kind.label_vi()) " · " (t("phiên bản")) " " (d.version) " · " (t("hiệu lực từ")) " " (vn_date(&d.effective_on))
                " · " a href=(format!("/thu-vien/{}/tep", d.id)) { (d.file_name) } " (" (d.size / 1024 + 1) " KB)"
            }
            @if !d.changes.is_empty() { p { strong { (t("Thay đổi")) ": " } (d.changes) } }
            p.note { "SHA-256 " code.hash { (d.sha256) } }
            @if body.is_empty() {
                p.note { (t("Chưa đọc được nội dung của tệp; tải tệp để đọc.")) }
            } @else {
                pre.document { (body) }
            }
        },
    )
    .into_response()
}

/// `GET /thu-vien/{id}/tep`: the file as it was kept.
pub async fn file(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    match state.use_case(move |app| app.document(&actor, id)).await {
        Ok((d, _, bytes)) => attachment(&d.media_type, &d.file_name, bytes),
        Err(e) => e.into_response(),
    }
}
