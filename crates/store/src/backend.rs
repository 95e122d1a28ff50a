//! The statements a database must offer. No rules live here: [`crate::Store`] decides what to
//! write, a backend only writes and reads it.

use crate::Result;
use domain::*;

/// A member to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub unit: UnitId,
    pub full_name: String,
    pub position: Option<String>,
}

/// What a feed answered last: its ETag, its Last-Modified, and when it was fetched (Unix s).
pub type FeedState = (Option<String>, Option<String>, Option<i64>);

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    Updated,
    Unchanged,
}

/// A session as the store keeps it: never the cookie's id itself, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub id_sha256: String,
    pub user_id: i64,
    pub csrf: String,
    /// Unix milliseconds.
    pub created_ms: i64,
    pub seen_ms: i64,
}

/// One database. Every method runs inside the transaction that `begin` opened, if any.
pub trait Backend: Send {
    /// "sqlite" or "postgres".
    fn name(&self) -> &'static str;
    fn begin(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self) -> Result<()>;
    /// Opens a read-only transaction whose statements run for one commune of a province
    /// database only (PostgreSQL: the role `sokenh_commune` and its tenant, row-level
    /// security); a database of one commune has nothing to narrow and opens a plain one.
    fn begin_as_commune(&mut self, _tenant: i64) -> Result<()> {
        self.begin()
    }
    /// The connection is gone (the database server restarted or dropped it): this backend will
    /// never answer again, and a pool opens a new connection instead of giving it out.
    fn is_lost(&self) -> bool {
        false
    }

    fn insert_unit(
        &mut self,
        name: &str,
        parent: Option<UnitId>,
        locality: Option<u32>,
    ) -> Result<UnitId>;
    fn units(&mut self) -> Result<Vec<Unit>>;

    fn insert_community(&mut self, r: &CommunityRecord, now: &str) -> Result<CommunityId>;
    fn update_community(&mut self, id: CommunityId, r: &CommunityRecord, now: &str) -> Result<()>;
    fn communities(&mut self) -> Result<Vec<Community>>;
    fn community(&mut self, id: CommunityId) -> Result<Option<Community>>;
    fn insert_snapshot(&mut self, id: CommunityId, at: &str, members: u64) -> Result<()>;
    fn snapshots(&mut self, id: CommunityId) -> Result<Vec<SizeSnapshot>>;
    fn insert_name_change(&mut self, id: CommunityId, at: &str, old: &str, new: &str)
    -> Result<()>;
    /// (at, old name, new name), oldest first.
    fn name_history(&mut self, id: CommunityId) -> Result<Vec<(String, String, String)>>;

    fn insert_member(&mut self, m: &NewMember) -> Result<MemberId>;
    fn members(&mut self) -> Result<Vec<Member>>;
    /// Inserts or updates; returns whether anything changed.
    fn upsert_participation(&mut self, p: &Participation) -> Result<bool>;
    fn participations(&mut self) -> Result<Vec<Participation>>;
    /// Records the decision on a member's claim to own an account ("confirmed" or "rejected").
    fn set_ownership_decision(
        &mut self,
        member: MemberId,
        community: CommunityId,
        decision: &str,
        by: &str,
        at: &str,
    ) -> Result<()>;
    /// (member, community, decision) of every decided claim.
    fn ownership_decisions(&mut self) -> Result<Vec<(MemberId, CommunityId, String)>>;

    /// What a feed answered last: (etag, last-modified, fetched at in Unix seconds).
    fn feed_state(&mut self, url: &str) -> Result<Option<FeedState>>;
    fn put_feed_state(&mut self, url: &str, state: &FeedState) -> Result<()>;
    /// The office's rule packs: (file name, TOML text), by name.
    fn rule_packs(&mut self) -> Result<Vec<(String, String)>>;
    fn put_rule_pack(&mut self, name: &str, text: &str, by: &str, at: &str) -> Result<()>;
    /// The office's shadow-mode choices: (rule id, shadow).
    fn rule_shadow(&mut self) -> Result<Vec<(String, bool)>>;
    fn set_rule_shadow(&mut self, rule: &str, shadow: bool, by: &str, at: &str) -> Result<()>;
    /// Known false matches: (reference, folded text), in the order they were added.
    fn suppressions(&mut self) -> Result<Vec<(String, String)>>;
    /// Adds one; false when it was there already.
    fn insert_suppression(
        &mut self,
        key_sha256: &str,
        reference: &str,
        folded_text: &str,
        by: &str,
        at: &str,
    ) -> Result<bool>;
    /// Inserts; returns false when this member already signed this version.
    fn insert_commitment(&mut self, c: &Commitment) -> Result<bool>;
    fn commitments(&mut self) -> Result<Vec<Commitment>>;
    fn indicator(&mut self, stix_id: &str) -> Result<Option<domain::SharedIndicator>>;
    /// Writes an indicator (inserted, or its row replaced by the newer version).
    fn put_indicator(&mut self, i: &domain::SharedIndicator, now: &str) -> Result<()>;
    fn indicators(&mut self) -> Result<Vec<domain::SharedIndicator>>;
    /// Inserts a sharing partner; returns its id (a name kept already is a conflict).
    fn insert_partner(&mut self, p: &domain::SharePartner) -> Result<i64>;
    /// Writes a partner's changeable fields (url, token, rights, cursors, counts, error).
    fn update_partner(&mut self, p: &domain::SharePartner) -> Result<()>;
    fn partners(&mut self) -> Result<Vec<domain::SharePartner>>;
    fn insert_taxii_status(
        &mut self,
        id: &str,
        partner: Option<i64>,
        body: &str,
        at: &str,
    ) -> Result<()>;
    /// Writes a sighting (inserted, or its row replaced by the newer version).
    fn put_sighting(&mut self, s: &domain::IndicatorSighting, now: &str) -> Result<()>;
    fn sightings(&mut self) -> Result<Vec<domain::IndicatorSighting>>;
    /// For each signal reference a shared indicator raises (`blocklist:…`, `known:…`), outside
    /// shadow mode: the posts it was raised on, and the first and last time.
    fn shared_matches(&mut self) -> Result<Vec<(String, i64, String, String)>>;
    /// The group with this key (its id), if any.
    fn tip_group_id(&mut self, key: &str) -> Result<Option<i64>>;
    fn insert_tip_group(&mut self, key: &str, kind: &str, now: &str) -> Result<i64>;
    fn insert_tip(&mut self, t: &domain::Tip) -> Result<i64>;
    fn tip_by_code(&mut self, code_sha256: &str) -> Result<Option<domain::Tip>>;
    /// Every group with its counts of tips and senders, largest first.
    fn tip_groups(&mut self) -> Result<Vec<domain::TipGroup>>;
    /// One group with its counts.
    fn tip_group(&mut self, group: i64) -> Result<Option<domain::TipGroup>>;
    fn tips_of_group(&mut self, group: i64) -> Result<Vec<domain::Tip>>;
    /// Records an officer's answer to a group; false when there is no such group.
    fn answer_tip_group(
        &mut self,
        group: i64,
        status: &str,
        answer: &str,
        by: &str,
        at: &str,
    ) -> Result<bool>;
    /// Clears the contact of tips whose group was answered before `before`; how many.
    fn purge_tip_contacts(&mut self, before: &str) -> Result<u64>;
    /// The keys of the groups of one kind (`text`, …), oldest first.
    fn tip_group_keys(&mut self, kind: &str) -> Result<Vec<String>>;
    fn insert_tip_picture(&mut self, p: &domain::TipPicture) -> Result<()>;
    /// Pictures of tips with their group, of one group or (`None`) every one with a PDQ hash.
    fn tip_pictures(&mut self, group: Option<i64>) -> Result<Vec<(i64, domain::TipPicture)>>;
    /// Records the case a group was confirmed into.
    fn set_tip_group_case(&mut self, group: i64, case: i64) -> Result<()>;
    /// Tips of an answered group that came through `channel` with somewhere to reply to and
    /// no reply sent yet, with their group's answer; at most `limit`.
    fn tips_to_reply(&mut self, limit: i64) -> Result<Vec<(domain::Tip, String)>>;
    fn mark_tip_replied(&mut self, tip: i64, at: &str) -> Result<()>;
    /// Inserts the channel or replaces the one of its platform.
    fn put_tip_channel(&mut self, c: &domain::TipChannel) -> Result<()>;
    fn tip_channels(&mut self) -> Result<Vec<domain::TipChannel>>;
    /// Inserts a source, or replaces the credential, address and interval of the one of the
    /// same platform and channel; its id.
    fn put_source(&mut self, s: &domain::Source) -> Result<i64>;
    fn sources(&mut self) -> Result<Vec<domain::Source>>;
    /// A source stopped: its credential wiped, no interval; false when there is no such one.
    fn stop_source(&mut self, id: i64) -> Result<bool>;
    /// Writes where a pull stands (and, `done`, how it ended: `last_pull`, and `last_success`
    /// or `last_error`).
    fn set_source_state(
        &mut self,
        id: i64,
        cursor: &str,
        quota_day: &str,
        quota_used: i64,
        done: Option<(&str, Option<&str>)>,
    ) -> Result<()>;
    /// Keeps what pulled items are to their channel (one already kept is left as it is).
    fn insert_source_items(&mut self, items: &[domain::SourceItem]) -> Result<()>;
    /// The items of the sources published in [from, to) (UTC, RFC 3339), oldest first.
    fn source_items(&mut self, from: &str, to: &str) -> Result<Vec<domain::SourceItem>>;
    fn insert_channel_check(&mut self, c: &domain::ChannelCheck) -> Result<i64>;
    /// Every community's latest check (community id → the check).
    fn latest_channel_checks(&mut self) -> Result<Vec<domain::ChannelCheck>>;
    fn insert_warning(&mut self, w: &domain::Warning) -> Result<i64>;
    /// Writes a warning's title, body, status and approval; false when there is no such one.
    fn update_warning(&mut self, w: &domain::Warning) -> Result<bool>;
    /// Every warning, newest first.
    fn warnings(&mut self) -> Result<Vec<domain::Warning>>;
    /// A TAXII status: its partner and the resource as answered.
    fn taxii_status(&mut self, id: &str) -> Result<Option<(Option<i64>, String)>>;
    /// A version of a library document with its extracted text; returns its id.
    fn insert_document(&mut self, d: &domain::LibraryDocument, body: &str) -> Result<i64>;
    /// Every library document (without its text), oldest first.
    fn documents(&mut self) -> Result<Vec<domain::LibraryDocument>>;
    fn document_body(&mut self, id: i64) -> Result<Option<String>>;

    fn community_id_by_key(&mut self, key: &str) -> Result<Option<CommunityId>>;
    /// Inserts an item; returns its id, or None when the platform already has this source id.
    fn insert_item(&mut self, community: CommunityId, item: &NewItem) -> Result<Option<i64>>;
    fn item_count(&mut self) -> Result<u64>;
    /// Items with id greater than `after`, by id, at most `limit`.
    fn items_after(&mut self, after: i64, limit: u32) -> Result<Vec<Item>>;
    /// The items with this source id (one per platform at most).
    fn items_by_source(&mut self, source_id: &str) -> Result<Vec<Item>>;
    /// The newest signals on items of one community: (item source id, published_at, signal).
    fn community_signals(
        &mut self,
        community: CommunityId,
        limit: u32,
    ) -> Result<Vec<(String, String, StoredSignal)>>;
    /// One item's signals, strongest first.
    fn signals_of(&mut self, item_id: i64) -> Result<Vec<StoredSignal>>;
    /// The items with these source ids (in the order given, each source's items by id), each
    /// with its signals strongest first. A backend across a network answers in two statements
    /// instead of two for each item.
    fn items_with_signals(
        &mut self,
        source_ids: &[String],
    ) -> Result<Vec<(Item, Vec<StoredSignal>)>> {
        let mut out = Vec::new();
        for id in source_ids {
            for item in self.items_by_source(id)? {
                let signals = self.signals_of(item.id)?;
                out.push((item, signals));
            }
        }
        Ok(out)
    }
    /// How many communes a province database holds (0 elsewhere).
    fn tenant_count(&mut self) -> Result<u64> {
        Ok(0)
    }
    /// The root unit of a province database's first commune (by its code); none elsewhere.
    fn first_tenant(&mut self) -> Result<Option<i64>> {
        Ok(None)
    }
    /// Each commune of a province database in figures, by name: posts counted from `since`,
    /// cases overdue at `now`. A database without communes (SQLite, a commune's own) has none.
    fn tenant_figures(&mut self, _since: &str, _now: &str) -> Result<Vec<TenantFigures>> {
        Ok(Vec::new())
    }
    /// The retention policies: (category, months, set by, set at), by category.
    fn retention(&mut self) -> Result<Vec<(String, i64, String, String)>>;
    /// Sets how many months a category is kept; `None` keeps it for ever (the row goes).
    fn set_retention(
        &mut self,
        category: &str,
        months: Option<i64>,
        by: &str,
        at: &str,
    ) -> Result<()>;
    /// Posts published before `before` with an id above `after`, on pages no case is about, by
    /// id, at most `limit`: (id, source id).
    fn purge_candidates(
        &mut self,
        before: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(i64, String)>>;
    /// Deletes these items, their signals, and the alerts' rows of a source id no item has any
    /// more; each item logged in `purged_items` (for the search indexes). Returns (items,
    /// signals) deleted.
    fn delete_items(&mut self, items: &[(i64, String)], at: &str) -> Result<(u64, u64)>;
    /// Forgets the purge log's entries made before `before` (RFC 3339) but the newest, so the
    /// log keeps where it stands; how many went.
    fn prune_purged(&mut self, before: &str) -> Result<u64>;
    /// The oldest position the purge log still holds (`None`: nothing was ever purged).
    fn first_purged_seq(&mut self) -> Result<Option<i64>>;
    /// Items purged after log position `seq`, in order, at most `limit`: (seq, item id).
    fn purged_after(&mut self, seq: i64, limit: u32) -> Result<Vec<(i64, i64)>>;
    fn checkpoint(&mut self, source: &str) -> Result<Option<u64>>;
    fn set_checkpoint(&mut self, source: &str, position: u64, now: &str) -> Result<()>;
    /// Moves a source's checkpoint to `position` only if it still stands at `after` (no row
    /// stands at 0), or with `after` `None` only forward; whether it moved. Under the row's lock
    /// until the transaction ends, so of two writers that read the same checkpoint one moves it.
    fn advance_checkpoint(
        &mut self,
        source: &str,
        after: Option<u64>,
        position: u64,
        now: &str,
    ) -> Result<bool>;

    fn delete_signals(&mut self, item_id: i64) -> Result<()>;
    fn insert_signal(&mut self, s: &StoredSignal, now: &str) -> Result<()>;
    /// Signals with the source id of their item, strongest first.
    fn signals(&mut self, category: Option<Category>) -> Result<Vec<(String, StoredSignal)>>;
    fn upsert_factcheck(&mut self, f: &FactCheck, now: &str) -> Result<Upsert>;
    fn factchecks(&mut self) -> Result<Vec<FactCheck>>;
    /// (entry, "block" or "allow", source).
    fn upsert_url_entry(
        &mut self,
        entry: &str,
        list: &str,
        source: &str,
        now: &str,
    ) -> Result<Upsert>;
    fn url_entries(&mut self) -> Result<Vec<(String, String, String)>>;
    /// Records a community's avatar (replacing the previous one); Unchanged when the same file.
    fn upsert_avatar(&mut self, id: CommunityId, avatar: &Avatar, now: &str) -> Result<Upsert>;
    fn avatars(&mut self) -> Result<Vec<(CommunityId, Avatar)>>;

    /// Sets an alert's status; false when there is no such alert.
    fn set_alert_status(&mut self, id: i64, status: &str) -> Result<bool>;
    fn insert_user(&mut self, u: &User, password_hash: &str, now: &str) -> Result<i64>;
    /// The account and its password hash.
    fn user_by_name(&mut self, username: &str) -> Result<Option<(User, String)>>;
    fn users(&mut self) -> Result<Vec<User>>;
    fn set_password(&mut self, id: i64, password_hash: &str, must_change: bool) -> Result<()>;
    /// Disables an account since `at`, or enables it (`None`); false when it already was so.
    fn set_disabled(&mut self, id: i64, at: Option<&str>) -> Result<bool>;
    fn set_role(&mut self, id: i64, role: domain::Role, unit: Option<domain::UnitId>)
    -> Result<()>;
    /// The account's TOTP secret (base32) while its second factor is on.
    fn totp_secret(&mut self, user: i64) -> Result<Option<String>>;
    /// Turns the second factor on with this secret, or off; the last step used is forgotten.
    fn set_totp_secret(&mut self, user: i64, secret: Option<&str>) -> Result<()>;
    /// Records `step` as used when it is later than the last step used; false when it is not
    /// (a code replayed) or the second factor is off.
    fn use_totp_step(&mut self, user: i64, step: i64) -> Result<bool>;
    /// Keeps a signed-in session under the SHA-256 of its id.
    fn insert_session(&mut self, s: &StoredSession) -> Result<()>;
    /// A session and its account (as the account is now), by the SHA-256 of its id.
    fn session(&mut self, id_sha256: &str) -> Result<Option<(StoredSession, User)>>;
    fn touch_session(&mut self, id_sha256: &str, seen_ms: i64) -> Result<()>;
    fn delete_session(&mut self, id_sha256: &str) -> Result<()>;
    /// Ends an account's sessions but `keep`'s; returns how many ended.
    fn delete_user_sessions(&mut self, user_id: i64, keep_sha256: Option<&str>) -> Result<u64>;
    /// Forgets sessions last seen before `seen_ms` or opened before `created_ms`.
    fn delete_stale_sessions(&mut self, seen_ms: i64, created_ms: i64) -> Result<u64>;
    fn insert_token(&mut self, t: &ApiToken, token_sha256: &str) -> Result<i64>;
    /// The token with this SHA-256, revoked or not.
    fn token_by_hash(&mut self, token_sha256: &str) -> Result<Option<ApiToken>>;
    fn tokens(&mut self) -> Result<Vec<ApiToken>>;
    /// False when there is no such token or it was already revoked.
    fn revoke_token(&mut self, id: i64, at: &str) -> Result<bool>;

    // Aggregates for analytics and reports: periods are [from, to) on `published_at`, which is
    // stored as RFC 3339 in Vietnam time, so its first 10 (13) characters are the Vietnam day
    // (hour).
    fn item_volume(&mut self, from: &str, to: &str) -> Result<Vec<VolumeRow>>;
    fn hourly_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, u64)>>;
    /// Items with a signal that is not in shadow mode, per day and category.
    fn signal_volume(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, u64)>>;
    /// Signals (not in shadow mode) of the given categories on items of the period: (category,
    /// rule or register reference, community id, published_at, item source id), by time.
    fn signal_items(
        &mut self,
        from: &str,
        to: &str,
        categories: &[&str],
    ) -> Result<Vec<MatchedSignal>>;
    /// Each item's text and community in the period, in id order.
    fn for_each_text(&mut self, from: &str, to: &str, f: &mut dyn FnMut(&str, i64)) -> Result<()>;
    fn insert_alert(&mut self, a: &StoredAlert, now: &str) -> Result<i64>;
    fn alerts(&mut self) -> Result<Vec<StoredAlert>>;
    /// Replaces an item's media list; false when there is no such item.
    fn set_item_media(&mut self, id: i64, media: &[MediaRef]) -> Result<bool>;
    /// The alerts with these ids (those that exist), by id.
    fn alerts_with_ids(&mut self, ids: &[i64]) -> Result<Vec<StoredAlert>>;
    /// (alert id, community id) for each page an alert's posts were published on, by alert id.
    /// Of the alerts after alert `after` only.
    fn alert_pages(&mut self, after: i64) -> Result<Vec<(i64, i64)>>;
    /// The ids of the alerts whose posts include this source id, oldest first.
    fn alerts_of_item(&mut self, source_id: &str) -> Result<Vec<i64>>;

    fn insert_case(&mut self, c: &Case) -> Result<i64>;
    /// Writes every field but the id and the opening; false when there is no such case.
    fn update_case(&mut self, c: &Case) -> Result<bool>;
    /// Every case, by id.
    fn cases(&mut self) -> Result<Vec<Case>>;
    /// One case by id.
    fn case(&mut self, id: i64) -> Result<Option<Case>>;
    /// Records an evidence file on a case; false when this file is already on it.
    /// The deadlines an office set: (category or `*`, severity, hours).
    fn case_deadlines(&mut self) -> Result<Vec<(String, String, i64)>>;
    /// Sets a deadline, or takes it away (`None`: the built-in one again).
    fn set_case_deadline(
        &mut self,
        category: &str,
        severity: &str,
        hours: Option<i64>,
    ) -> Result<()>;
    fn insert_evidence(&mut self, e: &Evidence) -> Result<bool>;
    /// A case's evidence, oldest first.
    fn evidence(&mut self, case_id: i64) -> Result<Vec<Evidence>>;

    /// The newest audit event's id and hash.
    fn last_audit(&mut self) -> Result<Option<(i64, String)>>;
    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()>;
    /// Every audit event, by id.
    fn audit_events(&mut self) -> Result<Vec<AuditEvent>>;
    /// Deletes the audit events up to id `through` (a retention purge, after its checkpoint
    /// event); how many went.
    fn delete_audit_through(&mut self, through: i64) -> Result<u64>;
    /// Makes this month's and the next month's partitions of the tables kept by month, and one
    /// for every month their catch-all holds (PostgreSQL, schema 28); how many were made. A
    /// database kept whole (SQLite) makes none.
    fn maintain_partitions(&mut self) -> Result<u64>;
    /// The audit events about one entity (a case's timeline), by id.
    fn audit_events_of(&mut self, entity: &str, entity_id: &str) -> Result<Vec<AuditEvent>>;

    /// Records `fingerprint` as the deployment key `name`'s unless one is recorded: the one
    /// recorded, and whether it was recorded now.
    fn record_key(&mut self, name: &str, fingerprint: &str, now: &str) -> Result<(String, bool)>;

    // Shared work (`crate::jobs`).
    /// Adds a job unless one of this kind and key is kept already; whether it was added.
    fn insert_job(&mut self, kind: &str, key: &str, run_at: &str, now: &str) -> Result<bool>;
    /// Adds a job as `insert_job` does, unless one of this kind is queued or running (work
    /// that must not run twice at once); whether it was added.
    fn insert_job_alone(&mut self, kind: &str, key: &str, run_at: &str, now: &str) -> Result<bool>;
    /// Claims the job due first (queued and due, or running past its lease) for `worker` until
    /// `lease_until`, counting the attempt; no other connection can claim the same one.
    fn claim_job(
        &mut self,
        worker: &str,
        now: &str,
        lease_until: &str,
    ) -> Result<Option<crate::Job>>;
    /// Ends a job `worker` holds; false when it no longer holds it (its lease passed and another
    /// server took it).
    fn end_job(&mut self, id: i64, worker: &str, end: &crate::JobEnd, now: &str) -> Result<bool>;
    /// Moves the lease of a job `worker` still holds (running) to `lease_until`; false when it
    /// no longer holds it.
    fn renew_job(&mut self, id: i64, worker: &str, lease_until: &str) -> Result<bool>;
    /// The newest jobs first.
    fn jobs(&mut self, kind: Option<&str>, limit: usize) -> Result<Vec<crate::Job>>;
    /// Forgets jobs done or failed before `before`; how many.
    fn prune_jobs(&mut self, before: &str) -> Result<u64>;

    // Whole tables, as they are (`crate::rows`): names are checked by `crate::check_name`.
    /// The store's own tables by name (not a database's bookkeeping: SQLite's sequences,
    /// PostgreSQL's applied migrations).
    fn table_names(&mut self) -> Result<Vec<String>>;
    fn count_rows(&mut self, table: &str) -> Result<u64>;
    /// Up to `limit` rows after position `after` (0: from the first), in the order written.
    fn read_rows(&mut self, table: &str, after: i64, limit: usize) -> Result<crate::RowBatch>;
    /// Writes rows with their ids as given. With `skip_taken`, a row whose key is already taken
    /// is left out instead of failing the transaction. Returns how many rows were written.
    fn write_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<crate::Cell>],
        skip_taken: bool,
    ) -> Result<u64>;
    /// The largest `id` of a table (0 when it is empty).
    fn max_id(&mut self, table: &str) -> Result<i64>;
    /// After rows were written with their own ids: the next id the database gives comes after
    /// theirs (PostgreSQL's sequences; SQLite needs nothing).
    fn ids_written(&mut self, table: &str) -> Result<()>;
    /// A consistent copy of the whole database into a new file while others go on writing
    /// (SQLite's online backup). A backend that cannot says so.
    fn backup_into(&mut self, path: &std::path::Path) -> Result<()>;
}

/// One commune of a province database in figures (counts only, never a person): what the
/// province's overview shows a row each.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TenantFigures {
    /// The commune's GSO code.
    pub code: i64,
    pub name: String,
    pub unit_id: i64,
    /// Pages, channels and groups in its register.
    pub pages: u64,
    pub members: u64,
    /// Members who declared at least one page.
    pub declared: u64,
    /// Members who signed a commitment (any version).
    pub signed: u64,
    /// Posts published since the overview's start.
    pub posts: u64,
    /// Cases not closed (merged ones not counted).
    pub open_cases: u64,
    /// Of those, past their deadline.
    pub overdue_cases: u64,
}

/// Items of one Vietnam day in one community on one platform, with their engagement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VolumeRow {
    pub day: String,
    pub community_id: i64,
    pub platform: String,
    pub items: u64,
    pub reactions: u64,
    pub comments: u64,
    pub shares: u64,
}

/// A signal on an item of a period: (category, rule or register reference, community id,
/// published_at, item source id).
pub type MatchedSignal = (String, String, i64, String, String);
