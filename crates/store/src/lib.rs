//! `store`: what sokenh keeps and how every change is recorded, independent of the database.
//!
//! A backend (`store-sqlite`, `store-postgres`) implements [`Backend`]: plain statements, no
//! rules. [`Store`] holds the rules: each change runs in one transaction together with its audit
//! event, the audit log is a hash chain ([`audit`]), and imports decide insert / update /
//! unchanged by the canonical key. The binary picks the backend from the database URL's scheme.
//!
//! Architecture Invariant: this crate knows no SQL driver; backends depend on it, never the reverse.

pub mod audit;
mod backend;
mod error;
mod jobs;
mod pool;
mod rows;
mod store;

pub use backend::{
    Backend, FeedState, MatchedSignal, NewMember, StoredSession, TenantFigures, Upsert, VolumeRow,
};
pub use error::StoreError;
pub use jobs::{Job, JobEnd, job_time};
pub use pool::{Opener, Pool, Pooled};
pub use rows::{Cell, RowBatch, check_name};
pub use store::{
    ALERT_IN_CASE, AuditPurge, BUILT_IN_DEADLINES, DEFAULT_ROOT, ImportOutcome, IngestOutcome,
    MAX_AUDIT_NAME, MAX_AUDIT_TEXT, PostPurge, ReceivedIndicators, RetentionPolicy, Store,
    current_code,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
