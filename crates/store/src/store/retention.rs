//! Retention: how long each category of data is kept, and the purge of what has passed it.
//! Posts are deleted in batches (each batch one transaction with its `retention.purge` audit
//! event, counts and the range of ids), so a purge interrupted anywhere leaves what it did
//! recorded; every deleted post is logged in `purged_items`, from which each search index
//! deletes it in turn (the log is kept for a while, then forgotten but its newest entry). A post
//! stays while a case is about its page or holds an alert it is behind. The audit log's oldest
//! events are deleted behind a checkpoint event that keeps the chain verifiable
//! ([`Store::purge_audit`], `crate::audit`).

use super::{Store, now};
use crate::Result;
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;

/// How long one category of data is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionPolicy {
    pub category: String,
    pub months: i64,
    pub set_by: String,
    pub set_at: String,
}

/// What a purge of posts did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PostPurge {
    /// Posts published before this time were purged (RFC 3339).
    pub before: String,
    /// Posts deleted.
    pub items: u64,
    /// Their signals deleted.
    pub signals: u64,
    /// Posts old enough but kept: an alert a case holds is behind them.
    pub kept: u64,
    /// Transactions (audit events) it took.
    pub batches: u64,
}

/// What a purge of the audit log did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditPurge {
    /// Events recorded before this time were purged (RFC 3339).
    pub before: String,
    /// Events deleted.
    pub events: u64,
    /// The last event deleted (`None`: none was).
    pub through: Option<i64>,
    /// The checkpoint event recorded before deleting them.
    pub checkpoint: Option<i64>,
    /// Held back at this time though older events were due: a case still being handled was
    /// opened then, and its timeline is read from the log.
    pub held_from: Option<String>,
}

impl Store {
    /// The retention policies set, by category (a category without one is kept for ever).
    pub fn retention(&mut self) -> Result<Vec<RetentionPolicy>> {
        Ok(self
            .db
            .retention()?
            .into_iter()
            .map(|(category, months, set_by, set_at)| RetentionPolicy {
                category,
                months,
                set_by,
                set_at,
            })
            .collect())
    }

    /// Sets how many months `category` is kept (`None`: for ever); audited `retention.set`
    /// with the months before and after.
    pub fn set_retention(
        &mut self,
        actor: &str,
        category: &str,
        months: Option<i64>,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            let before =
                s.db.retention()?
                    .into_iter()
                    .find(|p| p.0 == category)
                    .map(|p| p.1);
            s.db.set_retention(category, months, actor, &at)?;
            s.audit(
                actor,
                "retention.set",
                "retention",
                category,
                json!({"months": months, "before": before}),
                &at,
            )?;
            Ok(())
        })
    }

    /// Deletes the posts published before `before` (RFC 3339) on pages no case is about and
    /// behind no alert a case holds, `batch` at a time; `progress` hears the running totals
    /// after each batch.
    pub fn purge_posts(
        &mut self,
        actor: &str,
        before: &str,
        batch: u32,
        progress: &mut dyn FnMut(&PostPurge),
    ) -> Result<PostPurge> {
        // The posts behind the alerts cases hold (by source id, as alerts name them).
        let mut held = HashSet::new();
        let alert_ids: Vec<i64> = self
            .db
            .cases()?
            .iter()
            .flat_map(|c| c.alert_ids.iter().copied())
            .collect();
        for a in self.db.alerts_with_ids(&alert_ids)? {
            held.extend(a.item_ids);
        }
        let mut done = PostPurge {
            before: before.to_owned(),
            ..PostPurge::default()
        };
        let mut after = 0;
        loop {
            let found = self.db.purge_candidates(before, after, batch.max(1))?;
            let Some(last) = found.last() else { break };
            after = last.0;
            let (gone, kept): (Vec<_>, Vec<_>) = found
                .into_iter()
                .partition(|(_, source)| !held.contains(source));
            done.kept += kept.len() as u64;
            if gone.is_empty() {
                continue;
            }
            let at = now();
            let (items, signals) = self.transaction(|s| {
                let (items, signals) = s.db.delete_items(&gone, &at)?;
                s.audit(
                    actor,
                    "retention.purge",
                    "items",
                    "",
                    json!({
                        "category": "posts",
                        "published_before": before,
                        "items": items,
                        "signals": signals,
                        "first_id": gone[0].0,
                        "last_id": gone[gone.len() - 1].0,
                    }),
                    &at,
                )?;
                Ok((items, signals))
            })?;
            done.items += items;
            done.signals += signals;
            done.batches += 1;
            progress(&done);
        }
        Ok(done)
    }

    /// Deletes the audit events recorded before `before` (RFC 3339), the oldest first, but none
    /// from the opening of the earliest case still being handled (its timeline is the log). In
    /// one transaction: first an `audit.checkpoint` event naming the last event deleted and its
    /// hash, with the chain's head before it and the count (so `verify` starts the chain after
    /// it), then the deletion; audited so with its counts. Nothing due: nothing recorded.
    pub fn purge_audit(&mut self, actor: &str, before: &str) -> Result<AuditPurge> {
        let time = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
        let mut done = AuditPurge {
            before: before.to_owned(),
            ..AuditPurge::default()
        };
        let Some(cutoff) = time(before) else {
            return Ok(done);
        };
        // The opening of the earliest case still being handled, when it comes before the cut-off.
        let held = self
            .db
            .cases()?
            .into_iter()
            .filter(|c| c.is_pending())
            .filter_map(|c| time(&c.opened_at).map(|t| (t, c.opened_at)))
            .min()
            .filter(|(t, _)| *t < cutoff);
        let until = held.as_ref().map_or(cutoff, |(t, _)| *t);
        done.held_from = held.map(|(_, opened)| opened);
        let events = self.db.audit_events()?;
        // A prefix of the chain: up to the first event at or after the cut-off.
        let old = events
            .iter()
            .take_while(|e| time(&e.at).is_some_and(|t| t < until))
            .count();
        let Some(last) = old.checked_sub(1).map(|k| &events[k]) else {
            return Ok(done);
        };
        let (through, through_hash) = (last.id, last.hash.clone());
        let head = events.last().map(|e| (e.id, e.hash.clone()));
        let at = now();
        let (checkpoint, deleted) = self.transaction(|s| {
            s.audit(
                actor,
                crate::audit::CHECKPOINT,
                "audit",
                "",
                json!({
                    "through": through,
                    "through_hash": through_hash,
                    "events": old,
                    "recorded_before": before,
                    "head_id": head.as_ref().map(|h| h.0),
                    "head_hash": head.as_ref().map(|h| h.1.clone()),
                }),
                &at,
            )?;
            let deleted = s.db.delete_audit_through(through)?;
            Ok((s.head.as_ref().map(|h| h.0), deleted))
        })?;
        done.events = deleted;
        done.through = Some(through);
        done.checkpoint = checkpoint;
        Ok(done)
    }

    /// The monthly partitions made ahead, and the months found in the catch-all moved into
    /// their own (`Backend::maintain_partitions`); audited `partitions.maintain` with how many
    /// when any was made.
    pub fn maintain_partitions(&mut self, actor: &str) -> Result<u64> {
        let at = now();
        self.transaction(|s| {
            let made = s.db.maintain_partitions()?;
            if made > 0 {
                s.audit(
                    actor,
                    "partitions.maintain",
                    "partitions",
                    "",
                    json!({"made": made}),
                    &at,
                )?;
            }
            Ok(made)
        })
    }

    /// Forgets the purge log's entries made before `before` but the newest (bookkeeping: the
    /// posts are gone already); how many went. An index that had not followed the log that far
    /// can no longer learn what to delete: [`Store::first_purged_seq`] tells it.
    pub fn prune_purge_log(&mut self, before: &str) -> Result<u64> {
        self.db.prune_purged(before)
    }

    /// The oldest position the purge log still holds (`None`: nothing was ever purged); an
    /// index whose position is below it less one may hold posts purged since.
    pub fn first_purged_seq(&mut self) -> Result<Option<i64>> {
        self.db.first_purged_seq()
    }

    /// Posts purged after log position `seq`, in order, at most `limit`: (seq, item id).
    pub fn purged_after(&mut self, seq: i64, limit: u32) -> Result<Vec<(i64, i64)>> {
        self.db.purged_after(seq, limit)
    }
}
