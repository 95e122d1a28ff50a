//! The audit log viewer, with the chain's verification.

use crate::AppState;
use crate::pages::page;
use crate::require::{Require, need};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use std::sync::Arc;

// ---- audit --------------------------------------------------------------------------------

pub async fn audit(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewAudit>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let app::audit::AuditLog {
        verification: v,
        newest,
    } = match state.use_case(move |app| app.audit_log(&actor, 200)).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    page(
        "Nhật ký",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Nhật ký kiểm tra")) }
            @if v.ok {
                p { span.badge.verified { "Toàn vẹn" } " " (v.events) " sự kiện, chuỗi băm khớp." }
            } @else {
                p.error { "Chuỗi nhật ký KHÔNG toàn vẹn từ sự kiện " (v.first_bad.unwrap_or(0)) "." }
            }
            table {
                tr { th { "#" } th { (crate::i18n::tr(user.lang, "Lúc")) } th { (crate::i18n::tr(user.lang, "Người")) } th { (crate::i18n::tr(user.lang, "Việc")) } th { (crate::i18n::tr(user.lang, "Đối tượng")) } }
                @for e in &newest {
                    tr { td.num { (e.id) } td { (e.at) } td { (e.actor) } td { (e.action) } td { (e.entity) " " (e.entity_id) } }
                }
            }
        },
    )
    .into_response()
}
