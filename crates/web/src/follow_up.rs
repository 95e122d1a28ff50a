//! A unit's follow-up: who has not declared or signed the current commitment, reminders, and members' claims to own accounts.

use crate::AppState;
use crate::auth::{SignedIn, forbidden};
use crate::pages::{error_page, internal, page, visible_units};
use crate::require::{Submitted, has_csrf, need};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{COMMITMENT_VERSION, Permission, Role, UnitId};
use maud::html;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;

// ---- a unit's members: who has not declared or signed, and reminders -----------------------

/// The purpose written with each view of members' names.
const FOLLOW_UP: &str = "đôn đốc kê khai, ký cam kết";

pub async fn unit_members(State(state): State<Arc<AppState>>, user: SignedIn) -> Response {
    unit_members_page(&state, &user, None).await
}

async fn unit_members_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    message: Option<String>,
) -> Response {
    if !user.session.user.role.can(Permission::FollowUp) {
        return forbidden();
    }
    let u = user.session.user.clone();
    let loaded = state
        .with_store(move |s| {
            let units = s.units()?;
            let scope = visible_units(&units, &u);
            let unit_name = |id: UnitId| {
                units
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.name.clone())
                    .unwrap_or_default()
            };
            let participations = s.participations()?;
            let commitments = s.commitments()?;
            let rows: Vec<(i64, String, String, bool, bool)> = s
                .members()?
                .into_iter()
                .filter(|m| {
                    scope
                        .as_ref()
                        .is_none_or(|names| names.contains(&unit_name(m.unit)))
                })
                .map(|m| {
                    let declared = participations.iter().any(|p| p.member == m.id);
                    let signed = commitments
                        .iter()
                        .any(|c| c.member == m.id && c.version == COMMITMENT_VERSION);
                    (m.id.0, m.full_name, unit_name(m.unit), declared, signed)
                })
                .collect();
            // Names of people are personal data: the view is in the log, with its purpose.
            s.record(
                &u.username,
                "members.view",
                "member",
                serde_json::json!({"rows": rows.len(), "purpose": FOLLOW_UP}),
            )?;
            // A unit admin also sees what cases told its unit.
            let notices = match (u.role, u.unit) {
                (Role::UnitAdmin, Some(unit)) => s.unit_notices(unit)?,
                _ => Vec::new(),
            };
            // Claims to own a personal account, in scope, with their decision so far.
            let decisions = s.ownership_decisions()?;
            let communities = s.communities()?;
            let shown: HashSet<i64> = rows.iter().map(|r| r.0).collect();
            let claims: Vec<OwnershipClaim> = participations
                .iter()
                .filter(|p| {
                    p.role == domain::ParticipationRole::Owner && shown.contains(&p.member.0)
                })
                .filter_map(|p| {
                    let c = communities
                        .iter()
                        .find(|c| c.id == p.community && c.kind == domain::Kind::Account)?;
                    let member = rows.iter().find(|r| r.0 == p.member.0)?;
                    Some(OwnershipClaim {
                        member: p.member.0,
                        member_name: member.1.clone(),
                        community: c.id.0,
                        account: c.url.clone().unwrap_or_else(|| c.name.clone()),
                        decision: decisions
                            .iter()
                            .find(|(m, k, _)| *m == p.member && *k == p.community)
                            .map(|(_, _, d)| d.clone()),
                    })
                })
                .collect();
            Ok((rows, notices, claims))
        })
        .await;
    let (rows, notices, claims) = match loaded {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let missing = rows.iter().filter(|r| !r.3 || !r.4).count();
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
            p.note { (missing) " / " (rows.len()) " người chưa kê khai hoặc chưa ký cam kết phiên bản " (COMMITMENT_VERSION) ". Xem danh sách này được ghi vào nhật ký (mục đích: " (FOLLOW_UP) ")." }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Họ tên")) } th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Kê khai")) } th { (crate::i18n::tr(user.lang, "Cam kết")) } th { "" } }
                @for (id, name, unit, declared, signed) in &rows {
                    tr {
                        td { (name) } td { (unit) }
                        td { (if *declared { "Đã kê khai" } else { "Chưa" }) }
                        td { (if *signed { "Đã ký" } else { "Chưa" }) }
                        td {
                            @if !*declared || !*signed {
                                form method="post" action="/don-vi/nhac-nho" {
                                    input type="hidden" name="csrf" value=(user.session.csrf);
                                    input type="hidden" name="member" value=(id);
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
                                @if user.session.user.role.can(Permission::DecideOwnership) {
                                    @for (value, label) in [("confirmed", "Xác nhận"), ("rejected", "Từ chối")] {
                                        @if c.decision.as_deref() != Some(value) {
                                            form.inline method="post" action="/don-vi/so-huu" {
                                                input type="hidden" name="csrf" value=(user.session.csrf);
                                                input type="hidden" name="member" value=(c.member);
                                                input type="hidden" name="community" value=(c.community);
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

/// A member's claim to own a personal account, as the follow-up page lists it.
struct OwnershipClaim {
    member: i64,
    member_name: String,
    community: i64,
    account: String,
    decision: Option<String>,
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
