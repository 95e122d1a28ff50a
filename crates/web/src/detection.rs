//! The fact-check register and the rule packs in the browser: both listed for those who work with
//! detections; analysts and admins import a register file (CSV or ClaimReview JSON) or an office
//! rule pack (TOML, checked against its own examples), and put a rule in shadow mode or take it
//! out (shadow rules record their findings but raise no alert). The rules themselves live in the
//! `detect` engine; this module reaches them through `app` (`app::detection`).

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{error_page, flash, page};
use crate::require::{Require, Submitted, has_csrf, need};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Permission;
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

/// Largest register or pack file accepted.
pub const MAX_FILE: usize = 5 * 1024 * 1024;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewDetection>,
) -> Response {
    view(&state, &user, None).await
}

async fn view(state: &Arc<AppState>, user: &SignedIn, message: Option<(bool, String)>) -> Response {
    let actor = crate::actor(&user.session.user);
    let app::detection::DetectionView {
        rules,
        health,
        factchecks,
        suppressions,
    } = match state.use_case(move |app| app.detection(&actor)).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let change = user.session.user.can(Permission::ChangeDetection);
    let csrf = user.session.csrf.clone();
    page(
        "Kiểm chứng và bộ luật",
        Some(user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Sổ kiểm chứng và bộ luật phát hiện")) }
            (flash(&message))
            h2 { "Sổ kiểm chứng (" (factchecks.len()) " mục)" }
            p.note { "Chỉ nội dung khớp với một mục của sổ này mới được gắn dấu hiệu «thông tin sai sự thật»." }
            @if change {
                form.inline method="post" action="/kiem-chung/nhap" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    div { label for="factcheck-file" { (crate::i18n::tr(user.lang, "Nhập sổ kiểm chứng (CSV hoặc ClaimReview JSON)")) } input id="factcheck-file" type="file" name="file" required; }
                    div { button type="submit" { (crate::i18n::tr(user.lang, "Nhập")) } }
                }
            }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Mã")) } th { (crate::i18n::tr(user.lang, "Nội dung đã kiểm chứng")) } th { (crate::i18n::tr(user.lang, "Kết luận")) } th { (crate::i18n::tr(user.lang, "Thông tin đúng")) } th { (crate::i18n::tr(user.lang, "Nguồn")) } th { (crate::i18n::tr(user.lang, "Ngày")) } }
                @for f in &factchecks {
                    tr { td { (f.id) } td { (f.claim) } td { (f.verdict.label_vi()) } td { (f.correction) } td { span.note { (f.source_url) } } td { (f.date.as_deref().unwrap_or("")) } }
                }
            }
            h2 { "Bộ luật (" (rules.len()) " luật)" }
            @if let Some(h) = &health { p.error role="alert" { (h) } }
            p.note { "Luật chạy thử (shadow) vẫn ghi nhận dấu hiệu để đánh giá nhưng không tạo cảnh báo. Thay đổi áp dụng cho các lần rà soát sau." }
            @if change {
                form.inline method="post" action="/bo-luat/nhap" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    div { label for="pack-file" { (crate::i18n::tr(user.lang, "Nhập bộ luật của đơn vị (.toml)")) } input id="pack-file" type="file" name="file" required; }
                    div { button type="submit" { (crate::i18n::tr(user.lang, "Nhập")) } }
                }
            }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Luật")) } th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Phiên bản")) } th { (crate::i18n::tr(user.lang, "Trọng số")) } th { (crate::i18n::tr(user.lang, "Chế độ")) } }
                @for r in &rules {
                    tr {
                        td { code { (r.id) } }
                        td { (r.category.parse::<domain::Category>().map_or(r.category.as_str(), |c| c.label_vi())) }
                        td { (r.version) }
                        td.num { (format!("{:.2}", r.weight)) }
                        td {
                            @if r.shadow { span.badge { "Chạy thử" } } @else { span.badge.verified { "Đang áp dụng" } }
                            @if change {
                                form.inline method="post" action="/bo-luat/che-do" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="rule" value=(r.id);
                                    input type="hidden" name="shadow" value=(if r.shadow { "false" } else { "true" });
                                    button type="submit" aria-label=(format!("Đổi chế độ luật {}", r.id)) { (if r.shadow { "Áp dụng" } else { "Chuyển chạy thử" }) }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (crate::i18n::tr(user.lang, "Báo nhầm đã ghi nhận")) " (" (suppressions.len()) ")" }
            p.note { "Luật hoặc mục sổ kiểm chứng này, trên đúng nội dung này, không tạo cảnh báo nữa." }
            @if !suppressions.is_empty() {
                table {
                    tr { th { (crate::i18n::tr(user.lang, "Luật")) } th { (crate::i18n::tr(user.lang, "Nội dung")) } }
                    @for (reference, folded) in &suppressions {
                        tr { td { code { (reference) } } td { (folded.chars().take(160).collect::<String>()) } }
                    }
                }
            }
        },
    )
    .into_response()
}

/// The posted text file and its name, once the token and the role are checked.
async fn text_upload(
    user: &SignedIn,
    multipart: axum::extract::Multipart,
) -> Result<(String, String), Response> {
    let up =
        crate::upload::read(user, Permission::ChangeDetection, multipart, MAX_FILE >> 20).await?;
    let bytes = up.bytes().map_err(|e| crate::pages::internal(e.into()))?;
    let text = String::from_utf8(bytes).map_err(|_| not_text())?;
    Ok((up.name, text))
}

fn not_text() -> Response {
    error_page(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Tệp phải là văn bản UTF-8 (CSV, JSON hoặc TOML).",
    )
}

pub async fn import_factchecks(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    let (name, text) = match text_upload(&user, multipart).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let actor = crate::actor(&user.session.user);
    let source = format!("web:{name}");
    match state
        .changing(move |app| app.import_factchecks(&actor, &source, &text))
        .await
    {
        Ok(done) => {
            let mut m = format!(
                "Sổ kiểm chứng: thêm {}, cập nhật {}, không đổi {}, từ chối {}.",
                done.inserted,
                done.updated,
                done.unchanged,
                done.rejected.len()
            );
            for (line, reason) in done.rejected.iter().take(10) {
                m.push_str(&format!(" Dòng {line}: {reason}."));
            }
            view(&state, &user, Some((done.rejected.is_empty(), m))).await
        }
        Err(e) => match e.invalid_message() {
            Ok(why) => view(&state, &user, Some((false, format!("Không nhập: {why}")))).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn import_pack(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    let (name, text) = match text_upload(&user, multipart).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let actor = crate::actor(&user.session.user);
    match state
        .changing(move |app| app.import_rule_pack(&actor, &name, &text))
        .await
    {
        Ok(pack) => {
            let m = format!(
                "Đã nhập {} luật ({}, phiên bản {}).",
                pack.rules.len(),
                pack.category,
                pack.version
            );
            view(&state, &user, Some((true, m))).await
        }
        // A refused pack is the office's to fix: say why, in full.
        Err(e) => match e.invalid_message() {
            Ok(why) => view(&state, &user, Some((false, format!("Không nhập: {why}")))).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Deserialize)]
pub struct ShadowForm {
    csrf: String,
    rule: String,
    shadow: bool,
}

pub async fn set_shadow(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::ChangeDetection, ShadowForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let (rule, shadow) = (f.rule.clone(), f.shadow);
    match state
        .changing(move |app| app.set_rule_shadow(&actor, &rule, shadow))
        .await
    {
        Ok(()) => {
            let m = if f.shadow {
                format!("Luật {} chuyển sang chạy thử.", f.rule)
            } else {
                format!("Luật {} được áp dụng.", f.rule)
            };
            view(&state, &user, Some((true, m))).await
        }
        Err(e) => e.into_response(),
    }
}

has_csrf!(ShadowForm);
