//! The audit log's hash chain. Each event's hash is SHA-256 over its fields and the previous
//! event's hash; ids are consecutive from 1. So an edited event no longer matches its hash, a
//! deleted one leaves a gap and a broken link, and reordered ones break the links.
//! (Deleting the newest events leaves a valid shorter chain; `verify` reports the count so an
//! office can compare it with the count in its last report.)

use domain::AuditEvent;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an event, from every field but `hash` itself.
pub fn hash_event(e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    for part in [
        e.id.to_string().as_str(),
        &e.at,
        &e.actor,
        &e.action,
        &e.entity,
        &e.entity_id,
        &e.details,
        &e.prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The result of checking a chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub events: u64,
    pub ok: bool,
    /// The id of the first event that does not fit the chain.
    pub first_bad: Option<i64>,
}

/// Checks the chain, events in the order the store returns them (by id).
pub fn verify(events: &[AuditEvent]) -> Verification {
    let mut prev = GENESIS.to_owned();
    for (i, e) in events.iter().enumerate() {
        let expected_id = i as i64 + 1;
        if e.id != expected_id || e.prev_hash != prev || hash_event(e) != e.hash {
            return Verification {
                events: events.len() as u64,
                ok: false,
                first_bad: Some(e.id),
            };
        }
        prev = e.hash.clone();
    }
    Verification {
        events: events.len() as u64,
        ok: true,
        first_bad: None,
    }
}
