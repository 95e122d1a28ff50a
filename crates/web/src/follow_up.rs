//! A unit's follow-up: who has not declared or signed the current commitment, reminders, and members' claims to own accounts.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{error_page, page};
use crate::require::{Submitted, has_csrf, need};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Permission;
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

// ---- a unit's members: who has not declared or signed, and reminders -----------------------

use app::members::FOLLOW_UP;

pub async fn unit_members(State(state): State<Arc<AppState>>, user: SignedIn) -> Response {
    unit_members_page(&state, &user, None).await
}

async fn unit_members_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<String>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let app::members::FollowUp {
        version,
        members: rows,
        notices,
        claims,
        overdue,
    } = match state.use_case(move |app| app.follow_up(&actor)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let missing = rows.iter().filter(|r| !r.declared || !r.signed).count();
    page(
        "Đôn đốc kê khai",
        Some(user),
        html! {
            h1 { "Kê khai và cam kết của cán bộ, đảng viên" }
            @if let Some(m) = &message { p.badge.verified role="status" { (m) } }
            @if !notices.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Thông báo từ hồ sơ xử lý")) }
                ul {
                    @for n in notices.iter().rev() {
                        @let d: serde_json::Value = serde_json::from_str(&n.details).unwrap_or_default();
                        li {
                            (crate::cases::vn_time(&n.at)) " — hồ sơ #" (d["case"]) ": " (d["note"].as_str().unwrap_or(""))
                            " " span.note { "(" (n.actor) ")" }
                        }
                    }
                }
            }
            @if !overdue.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Hồ sơ quá hạn về trang của đơn vị")) }
                ul {
                    @for (id, page, due) in &overdue {
                        li { "Hồ sơ #" (id) " — " (page) " — " (crate::i18n::tr(user.lang, "hạn")) " " (crate::cases::vn_time(due)) }
                    }
                }
            }
            p.note { (missing) " / " (rows.len()) " người chưa kê khai hoặc chưa ký cam kết phiên bản " (version) ". Xem danh sách này được ghi vào nhật ký (mục đích: " (FOLLOW_UP) ")." }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Họ tên")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Kê khai")) } th { (crate::i18n::tr(user.lang, "Cam kết")) } th { "" } }
                @for r in &rows {
                    tr {
                        td { (r.name) } td { (r.unit) }
                        td { (if r.declared { "Đã kê khai" } else { "Chưa" }) }
                        td { (if r.signed { "Đã ký" } else { "Chưa" }) }
                        td {
                            @if !r.declared || !r.signed {
                                form method="post" action="/don-vi/nhac-nho" {
                                    input type="hidden" name="csrf" value=(user.session.csrf);
                                    input type="hidden" name="member" value=(r.id.0);
                                    button type="submit" { (crate::i18n::tr(user.lang, "Nhắc nhở")) }
                                }
                            }
                        }
                    }
                }
            }
            @if !claims.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Tài khoản cá nhân khai là của mình")) }
                p.note { "Bài đăng của một tài khoản chỉ giữ tên thật của tài khoản sau khi được xác nhận đúng là của người khai; trước đó và khi bị từ chối, tác giả vẫn chỉ là bí danh. Xác nhận không đổi các bài đã lưu trước đó." }
                table {
                    tr { th { (crate::i18n::tr(user.lang, "Họ tên")) } th { (crate::i18n::tr(user.lang, "Tài khoản")) } th { (crate::i18n::tr(user.lang, "Trạng thái")) } th { "" } }
                    @for c in &claims {
                        tr {
                            td { (c.member_name) } td { (c.account) }
                            td { (match c.decision.as_deref() { Some("confirmed") => "Đã xác nhận", Some(_) => "Đã từ chối", None => "Chờ xác nhận" }) }
                            td {
                                @if user.session.user.can(Permission::DecideOwnership) {
                                    @for (value, label) in [("confirmed", "Xác nhận"), ("rejected", "Từ chối")] {
                                        @if c.decision.as_deref() != Some(value) {
                                            form.inline method="post" action="/don-vi/so-huu" {
                                                input type="hidden" name="csrf" value=(user.session.csrf);
                                                input type="hidden" name="member" value=(c.member.0);
                                                input type="hidden" name="community" value=(c.community.0);
                                                input type="hidden" name="decision" value=(value);
                                                button type="submit" { (crate::i18n::tr(user.lang, label)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct OwnershipForm {
    csrf: String,
    member: i64,
    community: i64,
    decision: String,
}

/// Confirms or rejects a member's claim to own an account (audited).
pub async fn decide_ownership(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::DecideOwnership, OwnershipForm>,
) -> Response {
    let confirmed = match form.decision.as_str() {
        "confirmed" => true,
        "rejected" => false,
        _ => return error_page(StatusCode::BAD_REQUEST, "Quyết định không hợp lệ."),
    };
    let actor = crate::actor(&user.session.user);
    let (member, community) = (
        domain::MemberId(form.member),
        domain::CommunityId(form.community),
    );
    match state
        .changing(move |app| app.decide_ownership(&actor, member, community, confirmed))
        .await
    {
        Ok(()) => {
            let said = if confirmed {
                "Đã xác nhận tài khoản là của người khai."
            } else {
                "Đã từ chối lời khai; tác giả vẫn là bí danh."
            };
            unit_members_page(&state, &user, Some(said.into())).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct RemindForm {
    csrf: String,
    member: i64,
}

/// An in-app reminder: an audit event the member's own page shows.
pub async fn remind(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::FollowUp, RemindForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let member = domain::MemberId(form.member);
    match state.use_case(move |app| app.remind(&actor, member)).await {
        Ok(()) => unit_members_page(&state, &user, Some("Đã gửi nhắc nhở.".into())).await,
        Err(e) => e.into_response(),
    }
}

has_csrf!(OwnershipForm, RemindForm);
