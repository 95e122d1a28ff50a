//! The audit log as use cases: its hash chain verified, and its newest events for the audit page
//! (`ViewAudit`: administrators and leaders).

use crate::{Actor, App, Error};
use domain::{AuditEvent, Permission};
use store::audit::Verification;

/// The audit page: the chain's verification and the newest events, newest first.
#[derive(Debug)]
pub struct AuditLog {
    pub verification: Verification,
    pub newest: Vec<AuditEvent>,
}

impl App {
    /// The chain verified over every event; the newest `newest` events, newest first (one read).
    pub fn audit_log(&self, actor: &Actor, newest: usize) -> Result<AuditLog, Error> {
        actor.require(Permission::ViewAudit)?;
        let events = self.store()?.audit_events()?;
        let verification = store::audit::verify(&events);
        Ok(AuditLog {
            verification,
            newest: events.into_iter().rev().take(newest).collect(),
        })
    }

    /// The chain verified.
    pub fn verify_audit(&self, actor: &Actor) -> Result<Verification, Error> {
        actor.require(Permission::ViewAudit)?;
        Ok(self.store()?.verify_audit()?)
    }
}
