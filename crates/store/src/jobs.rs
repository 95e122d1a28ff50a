//! Work a deployment's servers share out among themselves: scheduled pulls of the official
//! channels, the exchange with sharing partners, answers owed in chats, the daily watch and
//! purge. A job is kept by its kind and key (one row for one piece of work, whichever server
//! scheduled it first); a server claims it for a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`,
//! so two servers never claim one job; SQLite: one writer at a time), and finishes it, puts it
//! back with a later time to retry, or gives it up. A job whose server died is claimed again
//! once its lease has passed. Times are UTC in [`job_time`]'s form, compared as text.

/// A job as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    /// "queued", "running", "done" or "failed".
    pub state: String,
    pub attempts: i64,
    /// When it may run (again).
    pub run_at: String,
    pub lease_until: Option<String>,
    /// The server that claimed it last.
    pub worker: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

/// How a claimed job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    Done,
    /// Failed; tried again from this time.
    Retry {
        at: String,
        error: String,
    },
    /// Failed for good.
    Failed {
        error: String,
    },
}

/// A time as jobs keep it: `2026-12-01T20:15:00.000Z` (sorts as text in time order).
pub fn job_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
