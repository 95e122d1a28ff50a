//! [`Store`]: the rules of writing. Every change runs in one transaction with its audit event.

use crate::audit::{self, GENESIS, Verification};
use crate::{Backend, NewMember, Result, StoreError, Upsert};
use domain::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

mod cases;
mod retention;
pub use cases::{ALERT_IN_CASE, BUILT_IN_DEADLINES};
pub use retention::{AuditPurge, PostPurge, RetentionPolicy};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub units_created: Vec<String>,
}

/// What one batch of items did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestOutcome {
    pub inserted: u64,
    pub duplicates: u64,
    /// Communities that items named and the register did not have (created with status unknown).
    pub communities_created: Vec<String>,
    /// The items stored: (place in the batch, item id, community), in batch order — so a caller
    /// can index them without reading them back.
    #[serde(skip)]
    pub stored: Vec<(usize, i64, CommunityId)>,
}

/// The name given to the root unit when an import finds an empty register.
pub const DEFAULT_ROOT: &str = "Đơn vị gốc";

/// The store, over one backend.
pub struct Store {
    db: Box<dyn Backend>,
    /// How many `transaction` calls are open: only the outermost begins and commits, so a change
    /// made inside a larger one (an import inside a web request) is all-or-nothing with it.
    depth: u32,
    /// The audit chain's newest (id, hash), known inside the current transaction so that a large
    /// import does not ask the database for it once per event.
    head: Option<(i64, String)>,
}

/// What one bundle of indicators did to the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReceivedIndicators {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Received now revoked (a newer version with `revoked: true`).
    pub revoked: u64,
    /// (STIX id, why) of what was not taken.
    pub rejected: Vec<(String, String)>,
}

/// The newest code of conduct in effect on `today` (an ISO date) among `docs`.
pub fn current_code<'a>(docs: &'a [LibraryDocument], today: &str) -> Option<&'a LibraryDocument> {
    docs.iter()
        .filter(|d| d.kind == DocumentKind::CodeOfConduct && d.effective_on.as_str() <= today)
        .max_by(|a, b| (&a.effective_on, a.id).cmp(&(&b.effective_on, b.id)))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    pub fn new(db: Box<dyn Backend>) -> Store {
        Store {
            db,
            depth: 0,
            head: None,
        }
    }

    /// "sqlite" or "postgres".
    pub fn backend_name(&self) -> &'static str {
        self.db.name()
    }

    /// `f`'s reads as one commune of a province database sees them: on PostgreSQL under the
    /// role `sokenh_commune` with `tenant` (the commune's root unit) set, so row-level security
    /// shows `f` that commune's rows only whatever a statement forgets, and no province-wide
    /// table at all (an error). Read only: nothing `f` writes is kept. Not inside a
    /// transaction. A commune's own database (SQLite) has nothing to narrow.
    pub fn as_commune<T>(
        &mut self,
        tenant: UnitId,
        f: impl FnOnce(&mut Store) -> Result<T>,
    ) -> Result<T> {
        if self.depth > 0 {
            return Err(StoreError::Invalid(
                "đọc theo xã không làm trong một giao dịch khác / as_commune inside a transaction"
                    .into(),
            ));
        }
        self.db.begin_as_commune(tenant.0)?;
        self.depth = 1;
        self.head = None;
        let r = f(self);
        self.depth = 0;
        self.head = None;
        // Read only: ended the same way whatever `f` did.
        let ended = self.db.rollback();
        let v = r?;
        ended?;
        Ok(v)
    }

    /// Runs `f` in one transaction: all of it is written, or none.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        if self.depth > 0 {
            self.depth += 1;
            let r = f(self);
            self.depth -= 1;
            return r;
        }
        self.db.begin()?;
        self.depth = 1;
        self.head = None;
        let r = f(self);
        self.depth = 0;
        self.head = None;
        match r {
            Ok(v) => {
                self.db.commit()?;
                Ok(v)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.db.rollback();
                Err(e)
            }
        }
    }

    /// The connection to the database is gone for good (see [`Backend::is_lost`]).
    pub fn is_lost(&self) -> bool {
        self.db.is_lost()
    }

    /// After a panic unwound through [`Store::transaction`] (caught by the caller, as the web
    /// server catches a request's panic): the open transaction is rolled back and the store is
    /// ready for the next one. Does nothing when no transaction was open.
    pub fn abandon_transaction(&mut self) {
        if self.depth > 0 {
            let _ = self.db.rollback();
            self.depth = 0;
            self.head = None;
        }
    }

    /// Appends an audit event to the chain. Call inside a transaction, with the change it records.
    fn audit(
        &mut self,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: Value,
        at: &str,
    ) -> Result<()> {
        let last = match self.head.take() {
            Some(head) => Some(head),
            None => self.db.last_audit()?,
        };
        let (id, prev_hash) = match last {
            Some((id, hash)) => (id + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
        let mut details = details;
        cap_strings(&mut details);
        let mut e = AuditEvent {
            id,
            at: at.to_owned(),
            actor: capped(actor, MAX_AUDIT_NAME),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: capped(entity_id, MAX_AUDIT_NAME),
            details: details.to_string(),
            prev_hash,
            hash: String::new(),
        };
        e.hash = audit::hash_event(&e);
        self.db.insert_audit(&e)?;
        self.head = Some((e.id, e.hash));
        Ok(())
    }

    /// Records an action that changes nothing in the register but must be on the record (an
    /// export, a view of personal data), with its purpose.
    pub fn record(
        &mut self,
        actor: &str,
        action: &str,
        entity: &str,
        details: Value,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| s.audit(actor, action, entity, "", details, &at))
    }

    /// Records an action about one entity (a letter generated for a case), on its timeline.
    pub fn record_about(
        &mut self,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: Value,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| s.audit(actor, action, entity, entity_id, details, &at))
    }

    pub fn units(&mut self) -> Result<Vec<Unit>> {
        self.db.units()
    }

    /// The unit whose name folds to the same text as `name`.
    pub fn unit_named(&mut self, name: &str) -> Result<Option<Unit>> {
        let wanted = text::fold(name);
        Ok(self
            .db
            .units()?
            .into_iter()
            .find(|u| text::fold(&u.name) == wanted))
    }

    /// Creates a unit. Names are unique whatever their diacritics or case.
    pub fn create_unit(
        &mut self,
        actor: &str,
        name: &str,
        parent: Option<UnitId>,
        locality: Option<u32>,
    ) -> Result<Unit> {
        let name = text::canonical(name.trim());
        if self.unit_named(&name)?.is_some() {
            return Err(StoreError::Conflict {
                entity: "unit",
                value: name,
            });
        }
        let at = now();
        self.transaction(|s| {
            let id = s.db.insert_unit(&name, parent, locality)?;
            s.audit(
                actor,
                "unit.create",
                "unit",
                &id.to_string(),
                json!({"name": name, "parent": parent, "locality": locality}),
                &at,
            )?;
            Ok(Unit {
                id,
                name: name.clone(),
                parent,
                locality_code: locality,
            })
        })
    }

    pub fn communities(&mut self) -> Result<Vec<Community>> {
        self.db.communities()
    }

    /// One page of the register by its id.
    pub fn community(&mut self, id: CommunityId) -> Result<Option<Community>> {
        self.db.community(id)
    }

    /// The id of the page with this canonical key, if it is in the register.
    pub fn community_id_by_key(&mut self, key: &str) -> Result<Option<CommunityId>> {
        self.db.community_id_by_key(key)
    }

    pub fn size_history(&mut self, id: CommunityId) -> Result<Vec<SizeSnapshot>> {
        self.db.snapshots(id)
    }

    /// The newest signals on the community's items: (item source id, published_at, signal).
    pub fn community_signals(
        &mut self,
        id: CommunityId,
        limit: u32,
    ) -> Result<Vec<(String, String, StoredSignal)>> {
        self.db.community_signals(id, limit)
    }

    pub fn name_history(&mut self, id: CommunityId) -> Result<Vec<(String, String, String)>> {
        self.db.name_history(id)
    }

    /// Imports community records in one transaction: each is inserted, updated in place (same
    /// key) or left unchanged; units the records name that do not exist are created under the
    /// root. A later record with the same key as an earlier one updates it.
    pub fn import_communities(
        &mut self,
        actor: &str,
        source: &str,
        records: &[CommunityRecord],
    ) -> Result<ImportOutcome> {
        let at = now();
        self.transaction(|s| {
            let mut out = ImportOutcome::default();
            let all_units = s.db.units()?;
            let mut root = all_units.iter().find(|u| u.parent.is_none()).map(|u| u.id);
            let mut units: HashMap<String, String> = all_units
                .into_iter()
                .map(|u| (text::fold(&u.name), u.name))
                .collect();
            let mut existing: HashMap<String, Community> =
                s.db.communities()?
                    .into_iter()
                    .map(|c| (c.key.clone(), c))
                    .collect();
            for r in records {
                let mut r = r.clone();
                for field in [&mut r.unit, &mut r.official_of] {
                    let Some(name) = field.as_ref() else { continue };
                    let folded = text::fold(name);
                    if folded.is_empty() {
                        *field = None;
                        continue;
                    }
                    if let Some(stored) = units.get(&folded) {
                        *field = Some(stored.clone());
                        continue;
                    }
                    let parent = match root {
                        Some(id) => id,
                        None => {
                            let id = s.db.insert_unit(DEFAULT_ROOT, None, None)?;
                            s.audit(
                                actor,
                                "unit.create",
                                "unit",
                                &id.to_string(),
                                json!({"name": DEFAULT_ROOT, "source": source}),
                                &at,
                            )?;
                            units.insert(text::fold(DEFAULT_ROOT), DEFAULT_ROOT.to_owned());
                            out.units_created.push(DEFAULT_ROOT.to_owned());
                            root = Some(id);
                            id
                        }
                    };
                    let canonical_name = text::canonical(name.trim());
                    let id = s.db.insert_unit(&canonical_name, Some(parent), None)?;
                    s.audit(
                        actor,
                        "unit.create",
                        "unit",
                        &id.to_string(),
                        json!({"name": canonical_name, "parent": parent, "source": source}),
                        &at,
                    )?;
                    units.insert(folded, canonical_name.clone());
                    out.units_created.push(canonical_name.clone());
                    *field = Some(canonical_name);
                }
                match existing.get(&r.key) {
                    Some(old) if same(old, &r) => out.unchanged += 1,
                    Some(old) => {
                        let id = old.id;
                        s.db.update_community(id, &r, &at)?;
                        if r.members.is_some() && r.members != old.members {
                            s.db.insert_snapshot(id, &at, r.members.unwrap_or(0))?;
                        }
                        if r.name != old.name {
                            s.db.insert_name_change(id, &at, &old.name, &r.name)?;
                        }
                        s.audit(
                            actor,
                            "community.update",
                            "community",
                            &id.to_string(),
                            json!({"key": r.key, "changes": changes(old, &r), "source": source}),
                            &at,
                        )?;
                        out.updated += 1;
                        existing.insert(r.key.clone(), to_community(id, r));
                    }
                    None => {
                        let id = s.db.insert_community(&r, &at)?;
                        if let Some(m) = r.members {
                            s.db.insert_snapshot(id, &at, m)?;
                        }
                        s.audit(
                            actor,
                            "community.create",
                            "community",
                            &id.to_string(),
                            json!({"key": r.key, "name": r.name, "source": source}),
                            &at,
                        )?;
                        out.inserted += 1;
                        existing.insert(r.key.clone(), to_community(id, r));
                    }
                }
            }
            Ok(out)
        })
    }

    /// Stores a batch of items in one transaction, with the source's checkpoint moved to
    /// `position` in the same transaction: after a crash, the source resumes from the last
    /// committed batch, and items already stored are recognised by (platform, source id).
    /// A community the register does not have is created with status unknown, so nothing is dropped.
    pub fn ingest_items(
        &mut self,
        actor: &str,
        source: &str,
        items: &[NewItem],
        position: u64,
    ) -> Result<IngestOutcome> {
        let at = now();
        self.transaction(|s| {
            let mut out = IngestOutcome::default();
            let mut ids: HashMap<&str, CommunityId> = HashMap::new();
            for (k, item) in items.iter().enumerate() {
                let community = match ids.get(item.community_key.as_str()) {
                    Some(id) => *id,
                    None => {
                        let id = match s.db.community_id_by_key(&item.community_key)? {
                            Some(id) => id,
                            None => {
                                let record = unknown_community(item);
                                let id = s.db.insert_community(&record, &at)?;
                                s.audit(actor, "community.create", "community", &id.to_string(), json!({"key": record.key, "name": record.name, "source": source}), &at)?;
                                out.communities_created.push(record.key);
                                id
                            }
                        };
                        ids.insert(&item.community_key, id);
                        id
                    }
                };
                match s.db.insert_item(community, item)? {
                    Some(id) => {
                        out.inserted += 1;
                        out.stored.push((k, id, community));
                    }
                    None => out.duplicates += 1,
                }
            }
            s.db.set_checkpoint(source, position, &at)?;
            if out.inserted > 0 || !out.communities_created.is_empty() {
                s.audit(actor, "items.ingest", "item", "", json!({"source": source, "inserted": out.inserted, "duplicates": out.duplicates, "position": position}), &at)?;
            }
            Ok(out)
        })
    }

    /// Where a source's last committed batch ended.
    pub fn checkpoint(&mut self, source: &str) -> Result<Option<u64>> {
        self.db.checkpoint(source)
    }

    /// Moves a checkpoint to `position` unless it stands there or further already (`migrate`:
    /// the screening goes on after a commune's screened posts).
    pub fn move_checkpoint_forward(&mut self, source: &str, position: i64) -> Result<()> {
        let at = now();
        self.db
            .advance_checkpoint(source, None, position.max(0) as u64, &at)?;
        Ok(())
    }

    pub fn item_count(&mut self) -> Result<u64> {
        self.db.item_count()
    }

    pub fn items_after(&mut self, after: i64, limit: u32) -> Result<Vec<Item>> {
        self.db.items_after(after, limit)
    }

    /// The items with this source id (one per community that carries it).
    pub fn items_by_source(&mut self, source_id: &str) -> Result<Vec<Item>> {
        self.db.items_by_source(source_id)
    }

    /// Replaces the signals of each item, stores the alerts, and moves the "scan" checkpoint to
    /// `position` (the last item id screened), all in one transaction; the signals written.
    /// `after` is the checkpoint the screening started after: when another screener (another
    /// server's job, an ingest beside it) has moved it since, nothing is written and the answer
    /// is `None` — read the checkpoint again and go on from there. `None` for `after` screens
    /// again what was screened (`scan --all`): the checkpoint then only moves forward.
    pub fn record_signals(
        &mut self,
        actor: &str,
        per_item: &[(i64, Vec<StoredSignal>)],
        alerts: &[StoredAlert],
        after: Option<u64>,
        position: u64,
    ) -> Result<Option<u64>> {
        let at = now();
        self.transaction(|s| {
            if !s.db.advance_checkpoint("scan", after, position, &at)? && after.is_some() {
                return Ok(None);
            }
            let mut n = 0;
            for (item, signals) in per_item {
                s.db.delete_signals(*item)?;
                for sig in signals {
                    s.db.insert_signal(sig, &at)?;
                    n += 1;
                }
            }
            for a in alerts {
                let id = s.db.insert_alert(a, &at)?;
                s.audit(
                    actor,
                    "alert.create",
                    "alert",
                    &id.to_string(),
                    json!({"category": a.category, "severity": a.severity, "count": a.count}),
                    &at,
                )?;
            }
            if n > 0 {
                s.audit(
                    actor,
                    "signals.record",
                    "signal",
                    "",
                    json!({"items": per_item.len(), "signals": n, "position": position}),
                    &at,
                )?;
            }
            Ok(Some(n))
        })
    }

    pub fn signals(&mut self, category: Option<Category>) -> Result<Vec<(String, StoredSignal)>> {
        self.db.signals(category)
    }

    /// The pages each alert's posts were published on: (alert id, community id), by alert id, of
    /// the alerts after alert `after` (0: all). An alert's posts never change, so a reader
    /// holding the answer up to some alert asks only for the newer ones.
    pub fn alert_pages(&mut self, after: i64) -> Result<Vec<(i64, CommunityId)>> {
        Ok(self
            .db
            .alert_pages(after)?
            .into_iter()
            .map(|(a, c)| (a, CommunityId(c)))
            .collect())
    }

    /// The ids of the alerts whose posts include the item with this source id, oldest first.
    pub fn alerts_of_item(&mut self, source_id: &str) -> Result<Vec<i64>> {
        self.db.alerts_of_item(source_id)
    }

    pub fn alerts(&mut self) -> Result<Vec<StoredAlert>> {
        self.db.alerts()
    }

    /// The alerts with these ids (those that exist), by id: a point lookup, not every alert.
    pub fn alerts_with_ids(&mut self, ids: &[i64]) -> Result<Vec<StoredAlert>> {
        self.db.alerts_with_ids(ids)
    }

    /// Adds or updates fact-check entries by id; returns (inserted, updated, unchanged).
    pub fn import_factchecks(
        &mut self,
        actor: &str,
        source: &str,
        entries: &[FactCheck],
    ) -> Result<(u64, u64, u64)> {
        let at = now();
        self.transaction(|s| {
            let mut counts = (0, 0, 0);
            for f in entries {
                match s.db.upsert_factcheck(f, &at)? {
                    Upsert::Inserted => counts.0 += 1,
                    Upsert::Updated => counts.1 += 1,
                    Upsert::Unchanged => {
                        counts.2 += 1;
                        continue;
                    }
                }
                s.audit(
                    actor,
                    "factcheck.upsert",
                    "factcheck",
                    &f.id,
                    json!({"verdict": f.verdict, "source": source}),
                    &at,
                )?;
            }
            Ok(counts)
        })
    }

    pub fn factchecks(&mut self) -> Result<Vec<FactCheck>> {
        self.db.factchecks()
    }

    /// Adds block or allow list entries; returns (inserted, updated, unchanged).
    pub fn import_url_list(
        &mut self,
        actor: &str,
        source: &str,
        entries: &[String],
        list: &str,
    ) -> Result<(u64, u64, u64)> {
        let at = now();
        self.transaction(|s| {
            let mut counts = (0, 0, 0);
            for e in entries {
                match s.db.upsert_url_entry(e, list, source, &at)? {
                    Upsert::Inserted => counts.0 += 1,
                    Upsert::Updated => counts.1 += 1,
                    Upsert::Unchanged => counts.2 += 1,
                }
            }
            if counts.0 + counts.1 > 0 {
                s.audit(
                    actor,
                    "urllist.import",
                    "url_list",
                    list,
                    json!({"source": source, "inserted": counts.0, "updated": counts.1}),
                    &at,
                )?;
            }
            Ok(counts)
        })
    }

    pub fn url_entries(&mut self) -> Result<Vec<(String, String, String)>> {
        self.db.url_entries()
    }

    /// Records a community's avatar hash (replacing the previous one), with its audit event.
    /// Returns whether anything changed.
    pub fn set_avatar(&mut self, actor: &str, id: CommunityId, avatar: &Avatar) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            let outcome = s.db.upsert_avatar(id, avatar, &at)?;
            if outcome == Upsert::Unchanged {
                return Ok(false);
            }
            s.audit(
                actor,
                "community.avatar",
                "community",
                &id.0.to_string(),
                json!({"pdq": avatar.pdq, "quality": avatar.quality, "sha256": avatar.sha256}),
                &at,
            )?;
            Ok(true)
        })
    }

    /// Adds media to a stored item (screenshots captured later of the same post), each once by
    /// its SHA-256, audited; returns how many were new.
    pub fn add_item_media(
        &mut self,
        actor: &str,
        item: &Item,
        media: &[MediaRef],
    ) -> Result<usize> {
        let known: std::collections::HashSet<&str> = item
            .media
            .iter()
            .filter_map(|m| m.sha256.as_deref())
            .collect();
        let mut seen = std::collections::HashSet::new();
        let new: Vec<&MediaRef> = media
            .iter()
            .filter(|m| {
                m.sha256
                    .as_deref()
                    .is_some_and(|h| !known.contains(h) && seen.insert(h))
            })
            .collect();
        if new.is_empty() {
            return Ok(0);
        }
        let mut all = item.media.clone();
        all.extend(new.iter().map(|m| (*m).clone()));
        let at = now();
        self.transaction(|s| {
            if !s.db.set_item_media(item.id, &all)? {
                return Err(StoreError::NotFound {
                    entity: "bài đăng",
                    id: item.id.to_string(),
                });
            }
            s.audit(
                actor,
                "item.media",
                "item",
                &item.source_id,
                json!({"added": new.iter().filter_map(|m| m.sha256.as_deref()).collect::<Vec<_>>()}),
                &at,
            )?;
            Ok(new.len())
        })
    }

    pub fn avatars(&mut self) -> Result<Vec<(CommunityId, Avatar)>> {
        self.db.avatars()
    }

    /// A person's decision on an alert (`dismissed`, `confirmed`, `open`…), with the reason in the
    /// audit log. False when there is no such alert.
    pub fn decide_alert(
        &mut self,
        actor: &str,
        id: i64,
        status: &str,
        reason: &str,
    ) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            if !s.db.set_alert_status(id, status)? {
                return Ok(false);
            }
            s.audit(
                actor,
                "alert.decide",
                "alert",
                &id.to_string(),
                json!({"status": status, "reason": reason}),
                &at,
            )?;
            Ok(true)
        })
    }

    /// Creates an account (the hash is made by the caller: Argon2id in `web`).
    pub fn create_user(&mut self, actor: &str, user: &User, password_hash: &str) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let id = s.db.insert_user(user, password_hash, &at)?;
            s.audit(
                actor,
                "user.create",
                "user",
                &id.to_string(),
                json!({"username": user.username, "role": user.role, "unit": user.unit.map(|u| u.0)}),
                &at,
            )?;
            Ok(id)
        })
    }

    /// Keeps a signed-in session (not audited: the sign-in is).
    pub fn open_session(&mut self, s: &crate::StoredSession) -> Result<()> {
        self.db.insert_session(s)
    }

    /// A session and its account as it is now, by the SHA-256 of the session's id.
    pub fn session(&mut self, id_sha256: &str) -> Result<Option<(crate::StoredSession, User)>> {
        self.db.session(id_sha256)
    }

    /// When a session was last used (Unix ms).
    pub fn touch_session(&mut self, id_sha256: &str, seen_ms: i64) -> Result<()> {
        self.db.touch_session(id_sha256, seen_ms)
    }

    pub fn close_session(&mut self, id_sha256: &str) -> Result<()> {
        self.db.delete_session(id_sha256)
    }

    /// Ends an account's sessions but `keep`'s (a password change keeps the session that made
    /// it); returns how many ended.
    pub fn end_sessions_of(&mut self, user_id: i64, keep_sha256: Option<&str>) -> Result<u64> {
        self.db.delete_user_sessions(user_id, keep_sha256)
    }

    /// Forgets sessions idle since `seen_ms` or opened before `created_ms` (Unix ms).
    pub fn forget_stale_sessions(&mut self, seen_ms: i64, created_ms: i64) -> Result<u64> {
        self.db.delete_stale_sessions(seen_ms, created_ms)
    }

    /// Records an API token by its SHA-256 (made by the caller, never logged).
    pub fn create_token(&mut self, actor: &str, t: &ApiToken, token_sha256: &str) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let t = ApiToken {
                created_by: actor.to_owned(),
                created_at: at.clone(),
                ..t.clone()
            };
            let id = s.db.insert_token(&t, token_sha256)?;
            s.audit(
                actor,
                "token.create",
                "api_token",
                &id.to_string(),
                json!({"name": t.name, "role": t.role, "unit": t.unit.map(|u| u.0), "expires_at": t.expires_at}),
                &at,
            )?;
            Ok(id)
        })
    }

    /// The live token with this SHA-256: not revoked, and not past its end.
    pub fn token_by_hash(&mut self, token_sha256: &str) -> Result<Option<ApiToken>> {
        let now = now();
        Ok(self
            .db
            .token_by_hash(token_sha256)?
            .filter(|t| !t.revoked && t.expires_at.as_ref().is_none_or(|end| *end > now)))
    }

    pub fn tokens(&mut self) -> Result<Vec<ApiToken>> {
        self.db.tokens()
    }

    /// Revokes a token; false when there is none or it was revoked already.
    pub fn revoke_token(&mut self, actor: &str, id: i64) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            if !s.db.revoke_token(id, &at)? {
                return Ok(false);
            }
            s.audit(
                actor,
                "token.revoke",
                "api_token",
                &id.to_string(),
                json!({}),
                &at,
            )?;
            Ok(true)
        })
    }

    pub fn user_by_name(&mut self, username: &str) -> Result<Option<(User, String)>> {
        self.db.user_by_name(username)
    }

    pub fn users(&mut self) -> Result<Vec<User>> {
        self.db.users()
    }

    /// Changes a password, with its audit event (the hash never goes into the log).
    pub fn set_password(
        &mut self,
        actor: &str,
        id: i64,
        password_hash: &str,
        must_change: bool,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.set_password(id, password_hash, must_change)?;
            s.audit(
                actor,
                "user.password",
                "user",
                &id.to_string(),
                json!({"must_change": must_change}),
                &at,
            )
        })
    }

    /// Disables an account (it signs in no more; its sessions end in the same transaction) or
    /// enables it again, with its audit event and the reason; false when it already was so.
    pub fn set_disabled(
        &mut self,
        actor: &str,
        user: i64,
        disabled: bool,
        reason: &str,
    ) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            if !s.db.set_disabled(user, disabled.then_some(at.as_str()))? {
                return Ok(false);
            }
            if disabled {
                s.db.delete_user_sessions(user, None)?;
            }
            s.audit(
                actor,
                if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                "user",
                &user.to_string(),
                json!({"reason": reason}),
                &at,
            )?;
            Ok(true)
        })
    }

    /// Gives an account another role and unit, with its audit event (what it was, what it is,
    /// why). Its sessions go on: each request reads the account's role afresh.
    pub fn set_role(
        &mut self,
        actor: &str,
        user: &User,
        role: Role,
        unit: Option<UnitId>,
        reason: &str,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.set_role(user.id, role, unit)?;
            s.audit(
                actor,
                "user.role",
                "user",
                &user.id.to_string(),
                json!({
                    "from": {"role": user.role, "unit": user.unit.map(|u| u.0)},
                    "to": {"role": role, "unit": unit.map(|u| u.0)},
                    "reason": reason,
                }),
                &at,
            )
        })
    }

    /// The account's TOTP secret while its second factor is on.
    pub fn totp_secret(&mut self, user: i64) -> Result<Option<String>> {
        self.db.totp_secret(user)
    }

    /// Turns an account's second factor on (with its secret) or off, with its audit event (the
    /// secret never goes into the log).
    pub fn set_totp(&mut self, actor: &str, user: i64, secret: Option<&str>) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.set_totp_secret(user, secret)?;
            s.audit(
                actor,
                if secret.is_some() {
                    "user.totp_on"
                } else {
                    "user.totp_off"
                },
                "user",
                &user.to_string(),
                json!({}),
                &at,
            )
        })
    }

    /// Takes a TOTP time step as used; false when it was used already (or an earlier one was).
    pub fn use_totp_step(&mut self, user: i64, step: i64) -> Result<bool> {
        self.db.use_totp_step(user, step)
    }

    /// Items per Vietnam day, community and platform in [from, to) (dates or RFC 3339 prefixes).
    pub fn item_volume(&mut self, from: &str, to: &str) -> Result<Vec<crate::VolumeRow>> {
        self.db.item_volume(from, to)
    }

    pub fn hourly_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, u64)>> {
        self.db.hourly_volume(from, to)
    }

    pub fn signal_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, u64)>> {
        self.db.signal_volume(from, to)
    }

    pub fn signal_items(
        &mut self,
        from: &str,
        to: &str,
        categories: &[&str],
    ) -> Result<Vec<crate::MatchedSignal>> {
        self.db.signal_items(from, to, categories)
    }

    /// Raises alerts that analytics found (spikes of a category, a claim spreading), each with
    /// its audit event; an alert with the same category, start and explanation as one already
    /// raised is not raised again. Returns how many were new. The scan checkpoint is untouched.
    pub fn raise_alerts(&mut self, actor: &str, alerts: &[StoredAlert]) -> Result<u64> {
        let at = now();
        self.transaction(|s| {
            let existing = s.db.alerts()?;
            let mut n = 0;
            for a in alerts {
                if existing.iter().any(|e| e.category == a.category && e.first_at == a.first_at && e.explanation == a.explanation) {
                    continue;
                }
                let id = s.db.insert_alert(a, &at)?;
                s.audit(
                    actor,
                    "alert.create",
                    "alert",
                    &id.to_string(),
                    json!({"category": a.category, "severity": a.severity, "count": a.count, "source": "analytics"}),
                    &at,
                )?;
                n += 1;
            }
            Ok(n)
        })
    }

    pub fn for_each_text(
        &mut self,
        from: &str,
        to: &str,
        f: &mut dyn FnMut(&str, i64),
    ) -> Result<()> {
        self.db.for_each_text(from, to, f)
    }

    pub fn add_member(&mut self, actor: &str, m: &NewMember) -> Result<MemberId> {
        let at = now();
        self.transaction(|s| {
            let id = s.db.insert_member(m)?;
            s.audit(
                actor,
                "member.create",
                "member",
                &id.to_string(),
                json!({"unit": m.unit, "name": m.full_name}),
                &at,
            )?;
            Ok(id)
        })
    }

    pub fn members(&mut self) -> Result<Vec<Member>> {
        self.db.members()
    }

    /// Records a member's participation in a community (a declaration or a finding).
    pub fn declare(&mut self, actor: &str, p: &Participation) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            let changed = s.db.upsert_participation(p)?;
            if changed {
                s.audit(
                    actor,
                    "participation.declare",
                    "participation",
                    &format!("{}:{}", p.member, p.community),
                    json!({"role": p.role, "source": p.source, "since": p.since}),
                    &at,
                )?;
            }
            Ok(changed)
        })
    }

    pub fn participations(&mut self) -> Result<Vec<Participation>> {
        self.db.participations()
    }

    /// Decides a member's claim to own an account (confirmed or rejected), with its audit event.
    /// Only a declared ownership of an account can be decided. A confirmation lets posts stored
    /// from now on keep that account's handle; nothing stored before it changes.
    pub fn decide_ownership(
        &mut self,
        actor: &str,
        member: MemberId,
        community: CommunityId,
        confirmed: bool,
    ) -> Result<()> {
        let claimed = self.db.participations()?.into_iter().any(|p| {
            p.member == member
                && p.community == community
                && p.role == domain::ParticipationRole::Owner
        });
        let account = self
            .db
            .communities()?
            .into_iter()
            .any(|c| c.id == community && c.kind == domain::Kind::Account);
        if !(claimed && account) {
            return Err(StoreError::Invalid(
                "không có lời khai chủ sở hữu tài khoản này / no ownership claim of this account"
                    .into(),
            ));
        }
        let at = now();
        let decision = if confirmed { "confirmed" } else { "rejected" };
        self.transaction(|s| {
            s.db.set_ownership_decision(member, community, decision, actor, &at)?;
            s.audit(
                actor,
                if confirmed {
                    "participation.confirm"
                } else {
                    "participation.reject"
                },
                "participation",
                &format!("{member}:{community}"),
                json!({"decision": decision}),
                &at,
            )
        })
    }

    /// Claims of ownership an officer or the unit's administrator confirmed: (member, account).
    pub fn confirmed_ownerships(&mut self) -> Result<Vec<(MemberId, CommunityId)>> {
        Ok(self
            .db
            .ownership_decisions()?
            .into_iter()
            .filter(|(_, _, d)| d == "confirmed")
            .map(|(m, c, _)| (m, c))
            .collect())
    }

    /// What a feed answered last, shared by every process polling it.
    pub fn feed_state(&mut self, url: &str) -> Result<Option<crate::FeedState>> {
        self.db.feed_state(url)
    }

    /// Remembers what a feed answered (not audited: the items it brought are).
    pub fn put_feed_state(&mut self, url: &str, state: &crate::FeedState) -> Result<()> {
        self.db.put_feed_state(url, state)
    }

    /// The office's rule packs: (file name, TOML text), by name.
    pub fn rule_packs(&mut self) -> Result<Vec<(String, String)>> {
        self.db.rule_packs()
    }

    /// Keeps an office rule pack (replacing one of the same name) with its audit event
    /// (`details`: category, version, rule count), in one transaction. The caller has checked it.
    pub fn put_rule_pack(
        &mut self,
        actor: &str,
        name: &str,
        text: &str,
        details: Value,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.put_rule_pack(name, text, actor, &at)?;
            s.audit(actor, "rules.import", "rule_pack", name, details, &at)
        })
    }

    /// The office's shadow-mode choices per rule id.
    pub fn shadow_choices(&mut self) -> Result<std::collections::HashMap<String, bool>> {
        Ok(self.db.rule_shadow()?.into_iter().collect())
    }

    /// Puts a rule in shadow mode or takes it out, with its audit event, in one transaction.
    pub fn set_shadow(&mut self, actor: &str, rule: &str, shadow: bool) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.set_rule_shadow(rule, shadow, actor, &at)?;
            s.audit(
                actor,
                "rules.shadow",
                "rule",
                rule,
                json!({"rule": rule, "shadow": shadow}),
                &at,
            )
        })
    }

    /// Known false matches: (rule or register reference, folded text), oldest first.
    pub fn suppressions(&mut self) -> Result<Vec<(String, String)>> {
        self.db.suppressions()
    }

    /// Adds a known false match with its audit event (`details`: the item, the reason), in one
    /// transaction; adding one twice changes nothing and records nothing.
    pub fn add_suppression(
        &mut self,
        actor: &str,
        reference: &str,
        folded_text: &str,
        details: Value,
    ) -> Result<bool> {
        use sha2::Digest;
        let key = hex::encode(sha2::Sha256::digest(
            format!("{reference}\n{folded_text}").as_bytes(),
        ));
        let at = now();
        self.transaction(|s| {
            let new =
                s.db.insert_suppression(&key, reference, folded_text, actor, &at)?;
            if new {
                s.audit(actor, "signal.suppress", "signal", reference, details, &at)?;
            }
            Ok(new)
        })
    }

    /// Every decided claim: (member, account, "confirmed" or "rejected").
    pub fn ownership_decisions(&mut self) -> Result<Vec<(MemberId, CommunityId, String)>> {
        self.db.ownership_decisions()
    }

    /// Records a signed code-of-conduct commitment; signing the same version twice changes nothing.
    pub fn sign(&mut self, actor: &str, c: &Commitment) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            let new = s.db.insert_commitment(c)?;
            if new {
                s.audit(
                    actor,
                    "commitment.sign",
                    "member",
                    &c.member.to_string(),
                    json!({"version": c.version, "signed_on": c.signed_on}),
                    &at,
                )?;
            }
            Ok(new)
        })
    }

    pub fn commitments(&mut self) -> Result<Vec<Commitment>> {
        self.db.commitments()
    }

    /// An indicator confirmed here, or a new version of it (revoked), with its audit event.
    pub fn keep_indicator(
        &mut self,
        actor: &str,
        i: &SharedIndicator,
        action: &str,
        details: Value,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.put_indicator(i, &at)?;
            s.audit(actor, action, "indicator", &i.stix_id, details, &at)
        })
    }

    /// The indicators of one bundle from another office, in one transaction: each added, or
    /// replaced by a newer version of it (`modified` later), or left as it is; an indicator
    /// confirmed here is never replaced from outside. One audit event with the counts.
    pub fn receive_indicators(
        &mut self,
        actor: &str,
        source: &str,
        incoming: &[SharedIndicator],
    ) -> Result<ReceivedIndicators> {
        let at = now();
        self.transaction(|s| {
            let mut out = ReceivedIndicators::default();
            for i in incoming {
                match s.db.indicator(&i.stix_id)? {
                    Some(old) if old.local => out.rejected.push((
                        i.stix_id.clone(),
                        "chỉ báo do đơn vị này xác nhận: không nhận bản từ nơi khác / ours".into(),
                    )),
                    Some(old) if old.modified >= i.modified => out.unchanged += 1,
                    old => {
                        if i.revoked && !old.as_ref().is_some_and(|o| o.revoked) {
                            out.revoked += 1;
                        } else if old.is_some() {
                            out.updated += 1;
                        } else {
                            out.added += 1;
                        }
                        s.db.put_indicator(i, &at)?;
                    }
                }
            }
            if out.added + out.updated + out.revoked > 0 || !out.rejected.is_empty() {
                s.audit(
                    actor,
                    "share.import",
                    "indicator",
                    "",
                    json!({
                        "source": source,
                        "added": out.added,
                        "updated": out.updated,
                        "unchanged": out.unchanged,
                        "revoked": out.revoked,
                        "rejected": out.rejected.len(),
                    }),
                    &at,
                )?;
            }
            Ok(out)
        })
    }

    pub fn indicator(&mut self, stix_id: &str) -> Result<Option<SharedIndicator>> {
        self.db.indicator(stix_id)
    }

    /// Every shared indicator, oldest version first.
    pub fn indicators(&mut self) -> Result<Vec<SharedIndicator>> {
        self.db.indicators()
    }

    /// A sharing partner added, with its audit event (`share.partner`: its name, province,
    /// rights; never its token).
    pub fn add_partner(&mut self, actor: &str, p: &domain::SharePartner) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let id = s.db.insert_partner(p)?;
            s.audit(
                actor,
                "share.partner",
                "share_partner",
                &id.to_string(),
                json!({"name": p.name, "province": p.province, "url": p.url, "can_read": p.can_read, "can_write": p.can_write, "token": p.token_id}),
                &at,
            )?;
            Ok(id)
        })
    }

    /// A partner's new state after an exchange or a change, with its audit event (`action`,
    /// `details`: counts and cursors; never a token).
    pub fn update_partner(
        &mut self,
        actor: &str,
        p: &domain::SharePartner,
        action: &str,
        details: Value,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.update_partner(p)?;
            s.audit(
                actor,
                action,
                "share_partner",
                &p.id.to_string(),
                details,
                &at,
            )
        })
    }

    pub fn partners(&mut self) -> Result<Vec<domain::SharePartner>> {
        self.db.partners()
    }

    /// The partner an API token was issued to.
    pub fn partner_by_token(&mut self, token_id: i64) -> Result<Option<domain::SharePartner>> {
        Ok(self
            .db
            .partners()?
            .into_iter()
            .find(|p| p.token_id == Some(token_id)))
    }

    /// Sightings written where they are new or newer (a later last sighting, or more posts at
    /// the same one) than what is kept; from outside (`local` false), one of ours is never
    /// replaced. One transaction; one audit event (`action`, with the source and the counts)
    /// when anything changed. Returns (added, updated, unchanged).
    pub fn keep_sightings(
        &mut self,
        actor: &str,
        action: &str,
        source: &str,
        incoming: &[domain::IndicatorSighting],
    ) -> Result<(u64, u64, u64)> {
        let at = now();
        self.transaction(|s| {
            let kept: std::collections::HashMap<String, domain::IndicatorSighting> = s
                .db
                .sightings()?
                .into_iter()
                .map(|x| (x.stix_id.clone(), x))
                .collect();
            let (mut added, mut updated, mut unchanged) = (0, 0, 0);
            for x in incoming {
                match kept.get(&x.stix_id) {
                    Some(old) if old.local && !x.local => unchanged += 1,
                    Some(old) if (&old.last_seen, old.count) >= (&x.last_seen, x.count) => {
                        unchanged += 1
                    }
                    old => {
                        if old.is_some() {
                            updated += 1;
                        } else {
                            added += 1;
                        }
                        s.db.put_sighting(x, &at)?;
                    }
                }
            }
            if added + updated > 0 {
                s.audit(
                    actor,
                    action,
                    "sighting",
                    "",
                    json!({"source": source, "added": added, "updated": updated, "unchanged": unchanged}),
                    &at,
                )?;
            }
            Ok((added, updated, unchanged))
        })
    }

    pub fn sightings(&mut self) -> Result<Vec<domain::IndicatorSighting>> {
        self.db.sightings()
    }

    /// Posts each shared indicator's signal reference was raised on, first and last.
    pub fn shared_matches(&mut self) -> Result<Vec<(String, i64, String, String)>> {
        self.db.shared_matches()
    }

    /// A citizen's tip kept in the group of its key (the group made when new), in one
    /// transaction, audited with its group and channel only (`tip.receive`: never the text,
    /// the contact or the sender). Returns the tip's id and its group's.
    /// Its screenshots (already kept as files) are recorded with it.
    pub fn add_tip(
        &mut self,
        tip: &domain::Tip,
        key: &str,
        kind: &str,
        pictures: &[domain::TipPicture],
    ) -> Result<(i64, i64)> {
        let at = now();
        self.transaction(|s| {
            let group = match s.db.tip_group_id(key)? {
                Some(g) => g,
                None => s.db.insert_tip_group(key, kind, &at)?,
            };
            let id = s.db.insert_tip(&domain::Tip {
                group_id: group,
                created_at: at.clone(),
                ..tip.clone()
            })?;
            for p in pictures {
                s.db.insert_tip_picture(&domain::TipPicture {
                    tip_id: id,
                    ..p.clone()
                })?;
            }
            s.audit(
                "công dân",
                "tip.receive",
                "tip",
                &id.to_string(),
                json!({"group": group, "channel": tip.channel, "kind": kind, "pictures": pictures.len()}),
                &at,
            )?;
            Ok((id, group))
        })
    }

    /// The keys of the groups of one kind, oldest first.
    pub fn tip_group_keys(&mut self, kind: &str) -> Result<Vec<String>> {
        self.db.tip_group_keys(kind)
    }

    /// The group with this key, if any.
    pub fn tip_group_by_key(&mut self, key: &str) -> Result<Option<i64>> {
        self.db.tip_group_id(key)
    }

    pub fn tip_by_code(&mut self, code_sha256: &str) -> Result<Option<domain::Tip>> {
        self.db.tip_by_code(code_sha256)
    }

    pub fn tip_groups(&mut self) -> Result<Vec<domain::TipGroup>> {
        self.db.tip_groups()
    }

    pub fn tip_group(&mut self, group: i64) -> Result<Option<domain::TipGroup>> {
        self.db.tip_group(group)
    }

    pub fn tips_of_group(&mut self, group: i64) -> Result<Vec<domain::Tip>> {
        self.db.tips_of_group(group)
    }

    /// An officer's answer to a group (`confirmed` or `not_scam`, with the text every reporter
    /// sees), audited (`tip.answer`); false when there is no such group.
    pub fn answer_tip_group(
        &mut self,
        actor: &str,
        group: i64,
        status: &str,
        answer: &str,
    ) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            if !s.db.answer_tip_group(group, status, answer, actor, &at)? {
                return Ok(false);
            }
            s.audit(
                actor,
                "tip.answer",
                "tip_group",
                &group.to_string(),
                json!({"status": status, "answer": answer}),
                &at,
            )?;
            Ok(true)
        })
    }

    /// Reporters' contacts cleared where their group was answered before `before` (the
    /// retention period's start); audited with the count when any (`tip.purge`).
    pub fn purge_tip_contacts(&mut self, actor: &str, before: &str) -> Result<u64> {
        let at = now();
        self.transaction(|s| {
            let n = s.db.purge_tip_contacts(before)?;
            if n > 0 {
                s.audit(
                    actor,
                    "tip.purge",
                    "tip",
                    "",
                    json!({"contacts": n, "answered_before": before}),
                    &at,
                )?;
            }
            Ok(n)
        })
    }

    /// The screenshots of a group's tips, or (`None`) every tip picture with a PDQ hash, each
    /// with its group.
    pub fn tip_pictures(&mut self, group: Option<i64>) -> Result<Vec<(i64, domain::TipPicture)>> {
        self.db.tip_pictures(group)
    }

    /// Records the case a group was confirmed into (audited, `tip.case`).
    pub fn set_tip_group_case(&mut self, actor: &str, group: i64, case: i64) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.set_tip_group_case(group, case)?;
            s.audit(
                actor,
                "tip.case",
                "tip_group",
                &group.to_string(),
                json!({"case": case}),
                &at,
            )
        })
    }

    /// Tips of answered groups still to be replied to in their channel (Zalo, Telegram).
    pub fn tips_to_reply(&mut self, limit: i64) -> Result<Vec<(domain::Tip, String)>> {
        self.db.tips_to_reply(limit)
    }

    /// A reply sent in a tip's channel (audited with the tip and channel, never the address).
    pub fn mark_tip_replied(&mut self, actor: &str, tip: i64, channel: &str) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.mark_tip_replied(tip, &at)?;
            s.audit(
                actor,
                "tip.reply",
                "tip",
                &tip.to_string(),
                json!({"channel": channel}),
                &at,
            )
        })
    }

    /// A channel that takes tips, added or replaced (audited with its platform and API only:
    /// never the credential or the secret).
    pub fn put_tip_channel(&mut self, actor: &str, c: &domain::TipChannel) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.put_tip_channel(&domain::TipChannel {
                added_by: actor.to_owned(),
                added_at: at.clone(),
                ..c.clone()
            })?;
            s.audit(
                actor,
                "tip.channel",
                "tip_channel",
                &c.platform,
                json!({"api_base": c.api_base}),
                &at,
            )
        })
    }

    pub fn tip_channels(&mut self) -> Result<Vec<domain::TipChannel>> {
        self.db.tip_channels()
    }

    /// A source added, or its credential replaced (audited `source.add` with its platform,
    /// channel, API and interval: never the credential); its id.
    pub fn put_source(&mut self, actor: &str, source: &domain::Source) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let id = s.db.put_source(&domain::Source {
                added_by: actor.to_owned(),
                added_at: at.clone(),
                ..source.clone()
            })?;
            s.audit(
                actor,
                "source.add",
                "source",
                &id.to_string(),
                json!({"platform": source.platform, "channel": source.channel, "api_base": source.api_base, "interval": source.interval}),
                &at,
            )?;
            Ok(id)
        })
    }

    pub fn sources(&mut self) -> Result<Vec<domain::Source>> {
        self.db.sources()
    }

    /// A source stopped (its credential wiped, no more pulls; audited `source.stop`); false when
    /// there is no such source.
    pub fn stop_source(&mut self, actor: &str, id: i64) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            if !s.db.stop_source(id)? {
                return Ok(false);
            }
            s.audit(
                actor,
                "source.stop",
                "source",
                &id.to_string(),
                json!({}),
                &at,
            )?;
            Ok(true)
        })
    }

    /// Where a pull under way stands (after each stored page; not audited).
    pub fn set_source_cursor(
        &mut self,
        id: i64,
        cursor: &str,
        quota_day: &str,
        quota_used: i64,
    ) -> Result<()> {
        self.db
            .set_source_state(id, cursor, quota_day, quota_used, None)
    }

    /// A pull ended: its cursor, its counts and its error if any, audited (`source.pull`).
    #[allow(clippy::too_many_arguments)]
    pub fn record_source_pull(
        &mut self,
        actor: &str,
        id: i64,
        cursor: &str,
        quota_day: &str,
        quota_used: i64,
        error: Option<&str>,
        counts: serde_json::Value,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            s.db.set_source_state(id, cursor, quota_day, quota_used, Some((&at, error)))?;
            s.audit(
                actor,
                "source.pull",
                "source",
                &id.to_string(),
                json!({"counts": counts, "error": error, "units": quota_used}),
                &at,
            )
        })
    }

    /// What pulled items are to their channel (kept with the items they describe).
    pub fn add_source_items(&mut self, items: &[domain::SourceItem]) -> Result<()> {
        self.transaction(|s| s.db.insert_source_items(items))
    }

    /// The sources' items published in [from, to), oldest first.
    pub fn source_items(&mut self, from: &str, to: &str) -> Result<Vec<domain::SourceItem>> {
        self.db.source_items(from, to)
    }

    /// An officer's periodic check of a page kept (audited, `community.check`, with what was
    /// seen); its id.
    pub fn add_channel_check(&mut self, actor: &str, c: &domain::ChannelCheck) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let id = s.db.insert_channel_check(&domain::ChannelCheck {
                checked_by: actor.to_owned(),
                checked_at: at.clone(),
                ..c.clone()
            })?;
            s.audit(
                actor,
                "community.check",
                "community",
                &c.community_id.to_string(),
                json!({"check": id, "outcome": c.outcome, "seen_name": c.seen_name, "members": c.members, "note": c.note, "screenshot": c.sha256}),
                &at,
            )?;
            Ok(id)
        })
    }

    /// Each checked community's latest check.
    pub fn latest_channel_checks(&mut self) -> Result<Vec<domain::ChannelCheck>> {
        self.db.latest_channel_checks()
    }

    /// A drafted warning kept (audited, `warning.draft`); its id.
    pub fn add_warning(&mut self, actor: &str, w: &domain::Warning) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let id = s.db.insert_warning(&domain::Warning {
                status: "draft".into(),
                drafted_by: actor.to_owned(),
                created_at: at.clone(),
                updated_at: at.clone(),
                approved_by: None,
                approved_at: None,
                published: None,
                ..w.clone()
            })?;
            s.audit(
                actor,
                "warning.draft",
                "warning",
                &id.to_string(),
                json!({"shape": w.shape, "case": w.case_id, "group": w.group_id, "title": w.title}),
                &at,
            )?;
            Ok(id)
        })
    }

    /// A warning's words changed, or (`approve`) approved as they now read: audited with the
    /// words (`warning.edit`, `warning.approve`). An approved warning is not changed again.
    pub fn save_warning(
        &mut self,
        actor: &str,
        id: i64,
        title: &str,
        body: &str,
        approve: bool,
    ) -> Result<domain::Warning> {
        let at = now();
        self.transaction(|s| {
            let Some(mut w) = s.db.warnings()?.into_iter().find(|w| w.id == id) else {
                return Err(StoreError::NotFound {
                    entity: "cảnh báo",
                    id: id.to_string(),
                });
            };
            if w.status == "approved" {
                return Err(StoreError::Invalid(format!(
                    "cảnh báo #{id} đã được duyệt, không sửa được nữa / warning #{id} is approved"
                )));
            }
            w.title = title.to_owned();
            w.body = body.to_owned();
            w.updated_at = at.clone();
            if approve {
                w.status = "approved".into();
                w.approved_by = Some(actor.to_owned());
                w.approved_at = Some(at.clone());
            }
            s.db.update_warning(&w)?;
            s.audit(
                actor,
                if approve {
                    "warning.approve"
                } else {
                    "warning.edit"
                },
                "warning",
                &id.to_string(),
                json!({"title": title, "body": body}),
                &at,
            )?;
            Ok(w)
        })
    }

    /// An approved warning published on an official channel: the platform's id of the post,
    /// audited (`warning.publish`, with the channel).
    pub fn set_warning_published(
        &mut self,
        actor: &str,
        id: i64,
        channel: &str,
        post: &str,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            let Some(mut w) = s.db.warnings()?.into_iter().find(|w| w.id == id) else {
                return Err(StoreError::NotFound {
                    entity: "cảnh báo",
                    id: id.to_string(),
                });
            };
            w.published = Some(post.to_owned());
            s.db.update_warning(&w)?;
            s.audit(
                actor,
                "warning.publish",
                "warning",
                &id.to_string(),
                json!({"channel": channel, "post": post}),
                &at,
            )
        })
    }

    /// Every warning, newest first.
    pub fn warnings(&mut self) -> Result<Vec<domain::Warning>> {
        self.db.warnings()
    }

    /// Keeps the status resource of a TAXII POST.
    pub fn keep_taxii_status(&mut self, id: &str, partner: Option<i64>, body: &str) -> Result<()> {
        let at = now();
        self.db.insert_taxii_status(id, partner, body, &at)
    }

    pub fn taxii_status(&mut self, id: &str) -> Result<Option<(Option<i64>, String)>> {
        self.db.taxii_status(id)
    }

    /// Keeps a version of a library document with its text (the file is the caller's, kept by
    /// its SHA-256), with its audit event; a version of a title kept already is a conflict.
    pub fn add_document(
        &mut self,
        actor: &str,
        d: &LibraryDocument,
        body: &str,
    ) -> Result<LibraryDocument> {
        let at = now();
        self.transaction(|s| {
            let mut d = LibraryDocument {
                added_by: actor.to_owned(),
                added_at: at.clone(),
                ..d.clone()
            };
            d.id = s.db.insert_document(&d, body)?;
            s.audit(
                actor,
                "library.add",
                "document",
                &d.id.to_string(),
                json!({
                    "kind": d.kind,
                    "title": d.title,
                    "version": d.version,
                    "effective_on": d.effective_on,
                    "sha256": d.sha256,
                    "changes": d.changes,
                }),
                &at,
            )?;
            Ok(d)
        })
    }

    /// The library, oldest first (texts apart: [`Store::document_body`]).
    pub fn documents(&mut self) -> Result<Vec<LibraryDocument>> {
        self.db.documents()
    }

    pub fn document_body(&mut self, id: i64) -> Result<Option<String>> {
        self.db.document_body(id)
    }

    /// The code of conduct members sign on `today` (an ISO date): the library's newest code of
    /// conduct in effect by then (latest effective date, then latest added), or
    /// [`domain::COMMITMENT_VERSION`] while the library holds none.
    pub fn commitment_version(&mut self, today: &str) -> Result<String> {
        Ok(current_code(&self.db.documents()?, today).map_or_else(
            || domain::COMMITMENT_VERSION.to_owned(),
            |d| d.version.clone(),
        ))
    }

    /// Per unit: members, how many declared at least one participation, how many signed the
    /// code of conduct in effect on `today` ([`Store::commitment_version`]).
    pub fn coverage(&mut self, today: &str) -> Result<Vec<Coverage>> {
        let version = self.commitment_version(today)?;
        let units = self.db.units()?;
        let members = self.db.members()?;
        let declared: std::collections::HashSet<MemberId> = self
            .db
            .participations()?
            .into_iter()
            .map(|p| p.member)
            .collect();
        // Signed means signed the current version (an older signature is a reason to remind).
        let signed: std::collections::HashSet<MemberId> = self
            .db
            .commitments()?
            .into_iter()
            .filter(|c| c.version == version)
            .map(|c| c.member)
            .collect();
        Ok(units
            .iter()
            .map(|u| {
                let mine: Vec<&Member> = members.iter().filter(|m| m.unit == u.id).collect();
                Coverage {
                    unit: u.name.clone(),
                    members: mine.len() as u64,
                    declared: mine.iter().filter(|m| declared.contains(&m.id)).count() as u64,
                    signed: mine.iter().filter(|m| signed.contains(&m.id)).count() as u64,
                }
            })
            .collect())
    }

    pub fn audit_events(&mut self) -> Result<Vec<AuditEvent>> {
        self.db.audit_events()
    }

    /// The id of the last audit event, 0 before any. Every change to the units, the register,
    /// the alerts and the cases is audited in its own transaction, so this number moves whenever
    /// any of them does: a reader holding a copy checks it before reading them all again.
    pub fn audit_head(&mut self) -> Result<i64> {
        Ok(self.db.last_audit()?.map_or(0, |(id, _)| id))
    }

    /// The root unit of a province database's first commune (by its GSO code); none on a
    /// commune's own database.
    pub fn first_tenant(&mut self) -> Result<Option<UnitId>> {
        Ok(self.db.first_tenant()?.map(UnitId))
    }

    /// How many communes a province database holds (0 elsewhere).
    pub fn tenant_count(&mut self) -> Result<u64> {
        self.db.tenant_count()
    }

    /// Each commune of a province database in figures (none elsewhere); see
    /// [`crate::TenantFigures`].
    pub fn tenant_figures(&mut self, since: &str, now: &str) -> Result<Vec<crate::TenantFigures>> {
        self.db.tenant_figures(since, now)
    }

    /// Checks the whole audit chain.
    pub fn verify_audit(&mut self) -> Result<Verification> {
        Ok(audit::verify(&self.db.audit_events()?))
    }

    // Shared work among servers (`crate::jobs`): bookkeeping, not audited — what a job does is.

    /// Adds a job unless one of this kind and key is kept already; whether it was added.
    pub fn enqueue_job(&mut self, kind: &str, key: &str, run_at: &str) -> Result<bool> {
        let now = crate::job_time(chrono::Utc::now());
        self.db.insert_job(kind, key, run_at, &now)
    }

    /// Adds a job unless one of this kind and key is kept already or one of this kind is still
    /// queued or running: work that must not overlap itself (screening the same posts on two
    /// servers); whether it was added.
    pub fn enqueue_job_alone(&mut self, kind: &str, key: &str, run_at: &str) -> Result<bool> {
        let now = crate::job_time(chrono::Utc::now());
        self.db.insert_job_alone(kind, key, run_at, &now)
    }

    /// Claims the job due first for `worker` for `lease` (none due: `None`).
    pub fn claim_job(
        &mut self,
        worker: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease: chrono::Duration,
    ) -> Result<Option<crate::Job>> {
        self.db
            .claim_job(worker, &crate::job_time(now), &crate::job_time(now + lease))
    }

    /// Ends a job `worker` holds; false when another server took it over meanwhile.
    pub fn end_job(&mut self, id: i64, worker: &str, end: &crate::JobEnd) -> Result<bool> {
        let now = crate::job_time(chrono::Utc::now());
        self.db.end_job(id, worker, end, &now)
    }

    /// The heartbeat of a long job: `worker`'s lease on it runs to `now + lease` (so no other
    /// server takes it over while it is still at work); false when another took it over.
    pub fn renew_job(
        &mut self,
        id: i64,
        worker: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease: chrono::Duration,
    ) -> Result<bool> {
        self.db.renew_job(id, worker, &crate::job_time(now + lease))
    }

    /// The newest jobs first.
    pub fn jobs(&mut self, limit: usize) -> Result<Vec<crate::Job>> {
        self.db.jobs(None, limit)
    }

    /// The newest jobs of one kind, newest first.
    pub fn jobs_of(&mut self, kind: &str, limit: usize) -> Result<Vec<crate::Job>> {
        self.db.jobs(Some(kind), limit)
    }

    /// Forgets jobs that ended before `before`; how many.
    pub fn prune_jobs(&mut self, before: chrono::DateTime<chrono::Utc>) -> Result<u64> {
        self.db.prune_jobs(&crate::job_time(before))
    }

    /// The newest audit event's id and hash, `None` before any.
    pub fn audit_head_hash(&mut self) -> Result<Option<(i64, String)>> {
        self.db.last_audit()
    }

    // Whole tables as they are (`crate::rows`), for moving a database's content: `sokenh
    // migrate`, and the counts a backup and a restore compare. Names are checked first.

    /// The store's own tables by name.
    pub fn table_names(&mut self) -> Result<Vec<String>> {
        self.db.table_names()
    }

    /// Every table's row count, by name.
    pub fn table_counts(&mut self) -> Result<std::collections::BTreeMap<String, u64>> {
        let mut counts = std::collections::BTreeMap::new();
        for t in self.db.table_names()? {
            let n = self.db.count_rows(&t)?;
            counts.insert(t, n);
        }
        Ok(counts)
    }

    pub fn count_rows(&mut self, table: &str) -> Result<u64> {
        self.db.count_rows(crate::check_name(table)?)
    }

    /// Up to `limit` rows of a table after position `after` (0: from the first).
    pub fn read_rows(&mut self, table: &str, after: i64, limit: usize) -> Result<crate::RowBatch> {
        self.db.read_rows(crate::check_name(table)?, after, limit)
    }

    /// Writes rows as they are, ids included; call inside a transaction that audits why.
    /// With `skip_taken` a row whose key is taken is left out. How many were written.
    pub fn write_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<crate::Cell>],
        skip_taken: bool,
    ) -> Result<u64> {
        for c in columns {
            crate::check_name(c)?;
        }
        self.db
            .write_rows(crate::check_name(table)?, columns, rows, skip_taken)
    }

    /// The largest `id` of a table, 0 when empty.
    pub fn max_id(&mut self, table: &str) -> Result<i64> {
        self.db.max_id(crate::check_name(table)?)
    }

    /// After [`Store::write_rows`] with ids: new rows get ids after them.
    pub fn ids_written(&mut self, table: &str) -> Result<()> {
        self.db.ids_written(crate::check_name(table)?)
    }

    /// A consistent copy of the database into a new file while others go on (SQLite).
    pub fn backup_into(&mut self, path: &std::path::Path) -> Result<()> {
        self.db.backup_into(path)
    }

    /// Appends an event of another chain to this one (`sokenh migrate`): its time, actor,
    /// action, entity and details as they were, the entity's id as it is here now. Call inside
    /// a transaction. The new event's id.
    pub fn carry_audit(&mut self, e: &AuditEvent, entity_id: &str) -> Result<i64> {
        let details = serde_json::from_str(&e.details).unwrap_or(Value::String(e.details.clone()));
        self.audit(&e.actor, &e.action, &e.entity, entity_id, details, &e.at)?;
        Ok(self.head.as_ref().map_or(0, |(id, _)| *id))
    }

    /// The fingerprint recorded for the deployment key `name`: `fingerprint` when none was
    /// (recorded now, with an audit event `deployment.key`), else the one the first server
    /// recorded. The caller compares.
    pub fn deployment_key(&mut self, actor: &str, name: &str, fingerprint: &str) -> Result<String> {
        let at = now();
        self.transaction(|s| {
            let (kept, new) = s.db.record_key(name, fingerprint, &at)?;
            if new {
                s.audit(
                    actor,
                    "deployment.key",
                    "key",
                    name,
                    json!({"fingerprint": kept}),
                    &at,
                )?;
            }
            Ok(kept)
        })
    }

    /// Appends an event now (`sokenh migrate`'s bridge, a purge's checkpoint); inside a
    /// transaction. The new event's id.
    pub fn audit_now(
        &mut self,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: Value,
    ) -> Result<i64> {
        let at = now();
        self.audit(actor, action, entity, entity_id, details, &at)?;
        Ok(self.head.as_ref().map_or(0, |(id, _)| *id))
    }
}

fn unknown_community(item: &NewItem) -> CommunityRecord {
    let url = item
        .community_key
        .starts_with("https://")
        .then(|| item.community_key.clone());
    CommunityRecord {
        key: item.community_key.clone(),
        name: if item.community_name.is_empty() {
            item.community_key.clone()
        } else {
            item.community_name.clone()
        },
        url,
        platform: item.platform,
        kind: match item.platform {
            Platform::Youtube | Platform::Tiktok | Platform::Telegram => Kind::Channel,
            Platform::Website => Kind::Site,
            _ if item.community_key.contains("/groups/") || item.community_key.contains("/g/") => {
                Kind::Group
            }
            _ => Kind::Page,
        },
        members: None,
        admins: None,
        unit: None,
        status: Status::Unknown,
        classification: Classification::Unknown,
        official_of: None,
        locality: None,
        note: Some("Tạo tự động khi nhập bài đăng / created by item ingest".to_owned()),
    }
}

fn same(old: &Community, r: &CommunityRecord) -> bool {
    old.name == r.name
        && old.url == r.url
        && old.platform == r.platform
        && old.kind == r.kind
        && old.members == r.members
        && old.admins == r.admins
        && old.unit == r.unit
        && old.status == r.status
        && old.classification == r.classification
        && old.official_of == r.official_of
        && old.locality == r.locality
        && old.note == r.note
}

fn changes(old: &Community, r: &CommunityRecord) -> Value {
    let mut m = serde_json::Map::new();
    let mut diff = |k: &str, a: Value, b: Value| {
        if a != b {
            m.insert(k.to_owned(), json!([a, b]));
        }
    };
    diff("name", json!(old.name), json!(r.name));
    diff("url", json!(old.url), json!(r.url));
    diff("platform", json!(old.platform), json!(r.platform));
    diff("kind", json!(old.kind), json!(r.kind));
    diff("members", json!(old.members), json!(r.members));
    diff("admins", json!(old.admins), json!(r.admins));
    diff("unit", json!(old.unit), json!(r.unit));
    diff("status", json!(old.status), json!(r.status));
    diff(
        "classification",
        json!(old.classification),
        json!(r.classification),
    );
    diff("official_of", json!(old.official_of), json!(r.official_of));
    diff("locality", json!(old.locality), json!(r.locality));
    diff("note", json!(old.note), json!(r.note));
    Value::Object(m)
}

fn to_community(id: CommunityId, r: CommunityRecord) -> Community {
    Community {
        id,
        key: r.key,
        name: r.name,
        url: r.url,
        platform: r.platform,
        kind: r.kind,
        members: r.members,
        admins: r.admins,
        unit: r.unit,
        status: r.status,
        classification: r.classification,
        official_of: r.official_of,
        locality: r.locality,
        note: r.note,
        commune: None,
    }
}

/// The longest actor or entity id an audit event keeps, in characters.
pub const MAX_AUDIT_NAME: usize = 128;
/// The longest string inside an audit event's details, in characters.
pub const MAX_AUDIT_TEXT: usize = 2_000;

/// At most `max` characters of `s`, marked with "…" when cut: whatever a user sends (a 2 MB
/// username, a page name pasted with a document behind it) adds at most a few kilobytes to the
/// audit log, which is kept forever.
fn capped(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

fn cap_strings(v: &mut Value) {
    match v {
        Value::String(s) if s.len() > MAX_AUDIT_TEXT => *s = capped(s, MAX_AUDIT_TEXT),
        Value::Array(items) => items.iter_mut().for_each(cap_strings),
        Value::Object(map) => map.values_mut().for_each(cap_strings),
        _ => {}
    }
}
