//! Liveness and readiness for load balancers and service managers: `/healthz` answers while the
//! process serves; `/readyz` only when the database answers a query. No session, no data in the
//! answer, nothing written.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// `GET /healthz`: 200 while the process serves.
pub async fn healthz() -> Response {
    (StatusCode::OK, "ok\n").into_response()
}

/// `GET /readyz`: 200 when the database answers, else 503 (the reason goes to the log, not to
/// the caller).
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    match state
        .use_case(|app| {
            app.store()?.audit_head()?;
            Ok(())
        })
        .await
    {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            app::log::event(
                app::log::Level::Error,
                "readyz.database",
                &[("detail", &format!("{e:#}"))],
            );
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}
