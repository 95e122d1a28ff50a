//! What the server has done since it started, in the Prometheus text format, at `/metrics` for
//! an administrator's API token (or session): requests by method class and status class, their
//! latencies as a histogram, requests in flight, upload jobs, open alerts and cases, and the
//! alerts raised. Counts only: no path, user, address or page is ever a label.

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The counters, shared by every request.
#[derive(Default)]
pub struct Metrics {
    /// By status class (1xx … 5xx), reads (GET, HEAD) and writes apart.
    requests: [[AtomicU64; 5]; 2],
    /// Cumulative counts per bucket, then +Inf.
    latency: [AtomicU64; BUCKETS.len() + 1],
    /// Sum of the latencies, in microseconds.
    latency_sum_us: AtomicU64,
    in_flight: AtomicU64,
}

impl Metrics {
    fn observe(&self, write: bool, status: StatusCode, seconds: f64) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.requests[usize::from(write)][class].fetch_add(1, Relaxed);
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.latency[i].fetch_add(1, Relaxed);
            }
        }
        self.latency[BUCKETS.len()].fetch_add(1, Relaxed);
        self.latency_sum_us
            .fetch_add((seconds * 1e6) as u64, Relaxed);
    }
}

/// Counts every request and how long it took (the middleware around every route).
pub async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let m = &state.metrics;
    let write = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    m.in_flight.fetch_add(1, Relaxed);
    let start = Instant::now();
    let response = next.run(request).await;
    m.in_flight.fetch_sub(1, Relaxed);
    m.observe(write, response.status(), start.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: the counters, for an administrator.
pub async fn show(State(state): State<Arc<AppState>>, caller: crate::api::Caller) -> Response {
    if !caller.user.can(domain::Permission::Administer) {
        return (StatusCode::FORBIDDEN, "administrators only\n").into_response();
    }
    let m = &state.metrics;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP sokenh_http_requests_total Requests answered, by kind and status class.\n# TYPE sokenh_http_requests_total counter"
    );
    for (w, kind) in ["read", "write"].iter().enumerate() {
        for (c, class) in ["1xx", "2xx", "3xx", "4xx", "5xx"].iter().enumerate() {
            let _ = writeln!(
                out,
                "sokenh_http_requests_total{{kind=\"{kind}\",status=\"{class}\"}} {}",
                m.requests[w][c].load(Relaxed)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP sokenh_http_request_duration_seconds Time to answer a request.\n# TYPE sokenh_http_request_duration_seconds histogram"
    );
    for (i, bound) in BUCKETS.iter().enumerate() {
        let _ = writeln!(
            out,
            "sokenh_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
            m.latency[i].load(Relaxed)
        );
    }
    let count = m.latency[BUCKETS.len()].load(Relaxed);
    let _ = writeln!(
        out,
        "sokenh_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\nsokenh_http_request_duration_seconds_sum {}\nsokenh_http_request_duration_seconds_count {count}",
        m.latency_sum_us.load(Relaxed) as f64 / 1e6
    );
    let gauge = |out: &mut String, name: &str, help: &str, value: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    };
    gauge(
        &mut out,
        "sokenh_http_requests_in_flight",
        "Requests being answered.",
        m.in_flight.load(Relaxed),
    );
    gauge(
        &mut out,
        "sokenh_told_of_changes",
        "1 while the process hears other processes' changes as they commit (PostgreSQL's notifications); 0 while it looks every few seconds.",
        u64::from(state.is_told()),
    );
    let (waiting, running) = state.job_counts();
    gauge(
        &mut out,
        "sokenh_upload_jobs_waiting",
        "Uploaded files waiting to be read.",
        waiting,
    );
    gauge(
        &mut out,
        "sokenh_upload_jobs_running",
        "Uploaded files being read.",
        running,
    );
    if let Ok(snapshot) = state.snapshot().await {
        let open: u64 = snapshot.open_alerts.values().sum();
        gauge(
            &mut out,
            "sokenh_alerts_open",
            "Alerts no officer has decided yet.",
            open,
        );
        gauge(
            &mut out,
            "sokenh_alerts_raised",
            "Alerts raised, all time.",
            snapshot.alerts.len() as u64,
        );
        let open_cases = snapshot
            .cases
            .iter()
            .filter(|c| c.status != domain::CaseStatus::Closed)
            .count();
        gauge(
            &mut out,
            "sokenh_cases_open",
            "Cases not closed.",
            open_cases as u64,
        );
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
