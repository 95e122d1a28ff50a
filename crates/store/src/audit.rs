//! The audit log's hash chain. Each event's hash is SHA-256 over its fields and the previous
//! event's hash; ids are consecutive from 1. So an edited event no longer matches its hash, a
//! deleted one leaves a gap and a broken link, and reordered ones break the links.
//! (Deleting the newest events leaves a valid shorter chain; `verify` reports the count so an
//! office can compare it with the count in its last report.)
//!
//! A retention purge deletes the oldest events (`Store::purge_audit`), but first records an
//! `audit.checkpoint` event — on the chain like any other — naming the last event it deletes
//! and that event's hash. The chain then starts at the event after it: `verify` accepts a first
//! event other than 1 only when a checkpoint further on names the one before it and the hash
//! it links to, so deleting old events by hand still breaks the chain.

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

/// The action of the event a retention purge records before deleting the oldest events.
pub const CHECKPOINT: &str = "audit.checkpoint";

/// The result of checking a chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub events: u64,
    pub ok: bool,
    /// The id of the first event that does not fit the chain.
    pub first_bad: Option<i64>,
    /// The last event a retention purge deleted, when the chain starts after one (the
    /// checkpoint event naming it is on the chain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purged_through: Option<i64>,
}

/// What a checkpoint event records of the events it stands for: the last one deleted and its
/// hash (the `prev_hash` of the first event kept).
pub fn checkpoint_of(e: &AuditEvent) -> Option<(i64, String)> {
    if e.action != CHECKPOINT {
        return None;
    }
    let d: serde_json::Value = serde_json::from_str(&e.details).ok()?;
    Some((
        d["through"].as_i64()?,
        d["through_hash"].as_str()?.to_owned(),
    ))
}

/// Checks the chain, events in the order the store returns them (by id).
pub fn verify(events: &[AuditEvent]) -> Verification {
    // A chain that starts after a purge starts where a checkpoint on it says it does.
    let start = match events.first() {
        Some(first) if first.id != 1 => events
            .iter()
            .filter_map(checkpoint_of)
            .find(|(through, hash)| *through == first.id - 1 && *hash == first.prev_hash),
        _ => None,
    };
    let (first_id, mut prev) = match &start {
        Some((through, hash)) => (*through + 1, hash.clone()),
        None => (1, GENESIS.to_owned()),
    };
    for (i, e) in events.iter().enumerate() {
        let expected_id = first_id + i as i64;
        if e.id != expected_id || e.prev_hash != prev || hash_event(e) != e.hash {
            return Verification {
                events: events.len() as u64,
                ok: false,
                first_bad: Some(e.id),
                purged_through: None,
            };
        }
        prev = e.hash.clone();
    }
    Verification {
        events: events.len() as u64,
        ok: true,
        first_bad: None,
        purged_through: start.map(|(through, _)| through),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `n` events from 1, the `k`th of them (from 0) with these details.
    fn chain(n: i64, special: &[(usize, &str, String)]) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_owned();
        (0..n as usize)
            .map(|k| {
                let (action, details) = special
                    .iter()
                    .find(|s| s.0 == k)
                    .map(|s| (s.1.to_owned(), s.2.clone()))
                    .unwrap_or(("register.export".into(), "{}".into()));
                let mut e = AuditEvent {
                    id: k as i64 + 1,
                    at: format!("2026-12-02T00:00:{k:02}.000Z"),
                    actor: "canbo".into(),
                    action,
                    entity: "register".into(),
                    entity_id: String::new(),
                    details,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = hash_event(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn checkpoint(through: i64, hash: &str) -> (usize, &'static str, String) {
        let details = serde_json::json!({"through": through, "through_hash": hash});
        (5, CHECKPOINT, details.to_string())
    }

    /// A chain that starts after a purge verifies only when a checkpoint on it names the last
    /// event deleted and the very hash the first kept event links to.
    #[test]
    fn a_purged_chain_starts_where_its_checkpoint_says() {
        let whole = chain(8, &[]);
        let hash_3 = whole[2].hash.clone();
        let kept = |events: Vec<AuditEvent>| events[3..].to_vec();
        let v = verify(&kept(chain(8, &[checkpoint(3, &hash_3)])));
        assert_eq!((v.ok, v.events, v.purged_through), (true, 5, Some(3)));
        // The checkpoint names another event, or another hash: broken at the first kept.
        for wrong in [checkpoint(2, &hash_3), checkpoint(3, &whole[1].hash)] {
            let v = verify(&kept(chain(8, &[wrong])));
            assert_eq!(
                (v.ok, v.first_bad, v.purged_through),
                (false, Some(4), None)
            );
        }
        // No checkpoint at all.
        let v = verify(&kept(whole.clone()));
        assert_eq!((v.ok, v.first_bad), (false, Some(4)));
        // The whole chain still verifies from 1, with nothing purged.
        let v = verify(&whole);
        assert_eq!((v.ok, v.events, v.purged_through), (true, 8, None));
    }
}
