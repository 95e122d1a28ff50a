//! Retention: how long the office keeps each category of data, and the purge of what has
//! passed it — by an administrator (`sokenh retention`, `sokenh purge`) or by the servers'
//! daily job. Two categories: `posts`, the posts of pages no case is about (a post behind an
//! alert a case holds stays too), and `audit`, the audit log's oldest events (never those from
//! the opening of a case still being handled, and never under two years). A category without a
//! policy is kept for ever. Posts are deleted in batches, each audited with its counts
//! (`store::Store::purge_posts`), then taken out of this data dir's search index; every other
//! server's index follows the store's purge log as it catches up. The audit log's old events go
//! behind a checkpoint event that keeps the chain verifiable (`store::Store::purge_audit`).

use crate::{Actor, App, Error};
use chrono::{DateTime, Months, Utc};
use domain::Permission;
use serde::Serialize;
use store::{AuditPurge, PostPurge, RetentionPolicy};

/// The categories a policy may be set for, with what they hold (Vietnamese, English).
pub const CATEGORIES: [(&str, &str); 2] = [
    (
        "posts",
        "Bài đăng của các trang không thuộc hồ sơ vụ việc nào / posts of pages in no case",
    ),
    (
        "audit",
        "Nhật ký kiểm toán cũ (để lại một mốc giữ chuỗi kiểm chứng được) / the audit log's oldest events, behind a checkpoint",
    ),
];

/// The shortest and longest policy, in months: a month is the least a monthly report needs
/// to stay checkable; fifty years is "for ever" said in months.
pub const MONTHS: std::ops::RangeInclusive<i64> = 1..=600;

/// The audit log is kept at least two years: the year's evaluation of units and members is
/// proposed from it, and last year's reports name its head.
pub const AUDIT_MONTHS_AT_LEAST: i64 = 24;

/// Posts deleted in one transaction (one audit event).
pub const BATCH: u32 = 10_000;

/// Days the log of purged posts is kept for the servers' indexes to follow (then forgotten but
/// its newest entry): a server whose index is further behind rebuilds it (`sokenh doctor` says
/// so).
pub const PURGE_LOG_DAYS: i64 = 90;

/// What one run of the purge did, category by category.
#[derive(Debug, Clone, Serialize)]
pub struct PurgeRun {
    /// Only the categories with a policy.
    pub posts: Option<PostPurge>,
    pub audit: Option<AuditPurge>,
    /// Entries of the purge log older than [`PURGE_LOG_DAYS`] forgotten.
    pub purge_log_forgotten: u64,
}

/// The start of the period kept: `months` before `now`, written as the posts' times are (in
/// Vietnam's offset), so the store compares like with like.
pub fn cutoff(now: DateTime<Utc>, months: i64) -> String {
    let months = Months::new(months.clamp(0, 1200) as u32);
    now.checked_sub_months(months)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
        .with_timezone(&ingest::posts::vietnam())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

impl App {
    /// The policies set (an administrator's).
    pub fn retention(&self, actor: &Actor) -> Result<Vec<RetentionPolicy>, Error> {
        actor.require(Permission::Administer)?;
        Ok(self.store()?.retention()?)
    }

    /// Keeps `category` for `months` (`None`: for ever); audited `retention.set`.
    pub fn set_retention(
        &self,
        actor: &Actor,
        category: &str,
        months: Option<i64>,
    ) -> Result<(), Error> {
        actor.require(Permission::Administer)?;
        if !CATEGORIES.iter().any(|(c, _)| *c == category) {
            let known: Vec<&str> = CATEGORIES.iter().map(|(c, _)| *c).collect();
            return Err(Error::invalid(
                "category",
                format!(
                    "không có loại dữ liệu «{category}»; có: {} / unknown category",
                    known.join(", ")
                ),
            ));
        }
        if let Some(m) = months
            && !MONTHS.contains(&m)
        {
            return Err(Error::invalid(
                "months",
                format!(
                    "số tháng phải từ {} đến {}, không phải {m} / months out of range",
                    MONTHS.start(),
                    MONTHS.end()
                ),
            ));
        }
        if category == "audit"
            && let Some(m) = months
            && m < AUDIT_MONTHS_AT_LEAST
        {
            return Err(Error::invalid(
                "months",
                format!(
                    "nhật ký kiểm toán giữ ít nhất {AUDIT_MONTHS_AT_LEAST} tháng (đánh giá năm và báo cáo năm trước đọc nó), không phải {m} / the audit log is kept at least {AUDIT_MONTHS_AT_LEAST} months"
                ),
            ));
        }
        Ok(self.store()?.set_retention(&actor.name, category, months)?)
    }

    /// Asks the servers to purge now rather than at the day's job: a job of its own (the purge
    /// of millions of posts is no request's work), which the jobs page shows. False when one
    /// asked this minute is kept already.
    pub fn request_purge(&self, actor: &Actor, now: DateTime<Utc>) -> Result<bool, Error> {
        actor.require(Permission::Administer)?;
        let key = format!("{}@{}", actor.name, now.format("%Y-%m-%dT%H:%MZ"));
        Ok(self
            .store()?
            .enqueue_job(crate::jobs::RETENTION_PURGE, &key, &crate::utc_stamp(now))?)
    }

    /// Purges what is past its policy at `now`; `progress` hears the posts' running totals.
    pub fn purge(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(&PostPurge),
    ) -> Result<PurgeRun, Error> {
        actor.require(Permission::Administer)?;
        let mut store = self.store()?;
        let policies = store.retention()?;
        let mut run = PurgeRun {
            posts: None,
            audit: None,
            purge_log_forgotten: 0,
        };
        if let Some(p) = policies.iter().find(|p| p.category == "posts") {
            let before = cutoff(now, p.months);
            let done = store.purge_posts(&actor.name, &before, BATCH, progress)?;
            if done.items > 0 {
                crate::posts::catch_up_index(&mut store, &self.data_dir)?;
            }
            run.posts = Some(done);
        }
        // The audit log last, so its checkpoint comes after the posts' purge events.
        if let Some(p) = policies.iter().find(|p| p.category == "audit") {
            let before = cutoff(now, p.months.max(AUDIT_MONTHS_AT_LEAST));
            run.audit = Some(store.purge_audit(&actor.name, &before)?);
        }
        run.purge_log_forgotten = store.prune_purge_log(&crate::utc_stamp(
            now - chrono::Duration::days(PURGE_LOG_DAYS),
        ))?;
        Ok(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::post;

    /// The purge end to end: only an administrator sets a policy or purges; posts past it leave
    /// the store and this data dir's index at once, and another server's index (another data
    /// dir) when it next catches up; without a policy nothing goes.
    #[test]
    fn purged_posts_leave_the_store_and_every_index() {
        let here = tempfile::tempdir().unwrap();
        let there = tempfile::tempdir().unwrap();
        let mut store = crate::db::open(here.path(), None).unwrap();
        let posts = [
            post(
                "cu1",
                "2023-03-01T08:00:00+07:00",
                "Lừa đảo chuyển tiền trúng thưởng",
            ),
            post(
                "cu2",
                "2023-04-01T08:00:00+07:00",
                "Lừa đảo nạp tiền nhận quà",
            ),
            post(
                "moi",
                "2026-11-20T08:00:00+07:00",
                "Cảnh báo lừa đảo chuyển tiền",
            ),
        ];
        store.ingest_items("t", "test", &posts, 3).unwrap();
        crate::posts::catch_up_index(&mut store, here.path()).unwrap();
        crate::posts::catch_up_index(&mut store, there.path()).unwrap();
        let other = crate::posts::WebIndex::open(there.path()).unwrap();
        let app = App::new(store, here.path());
        let found = |dir: &std::path::Path| -> Vec<String> {
            let mut store = app.store().unwrap();
            let mut ids: Vec<String> = crate::posts::search(
                &mut store,
                dir,
                search::SearchQuery {
                    text: "lua dao".into(),
                    limit: 10,
                    ..Default::default()
                },
            )
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
            ids.sort();
            ids
        };
        assert_eq!(found(here.path()), ["cu1", "cu2", "moi"]);
        let now = DateTime::parse_from_rfc3339("2026-12-02T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let cli = Actor::cli();
        // Without a policy, nothing goes.
        let run = app.purge(&cli, now, &mut |_| {}).unwrap();
        assert!(run.posts.is_none());
        let officer = Actor {
            role: domain::Role::Officer,
            ..Actor::cli()
        };
        assert!(app.set_retention(&officer, "posts", Some(24)).is_err());
        assert!(app.purge(&officer, now, &mut |_| {}).is_err());
        assert!(app.set_retention(&cli, "opinions", Some(24)).is_err());
        assert!(app.set_retention(&cli, "posts", Some(0)).is_err());
        app.set_retention(&cli, "posts", Some(24)).unwrap();
        assert_eq!(app.retention(&cli).unwrap()[0].months, 24);

        let mut heard = 0;
        let run = app.purge(&cli, now, &mut |p| heard = p.items).unwrap();
        let posts = run.posts.unwrap();
        assert_eq!((posts.items, posts.batches, heard), (2, 1, 2));
        assert_eq!(posts.before, "2024-12-02T08:00:00+07:00");
        // This data dir's index at once (searched without catching up first).
        let index = search::SearchIndex::open(&crate::posts::index_dir(here.path())).unwrap();
        index.reload().unwrap();
        assert_eq!(index.doc_count(), 1);
        // The other server's, when it catches up.
        other.catch_up(&mut app.store().unwrap()).unwrap();
        let hits = other
            .search(&search::SearchQuery {
                text: "lua dao".into(),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["moi"]);
        // A second run finds nothing; the chain holds.
        let again = app.purge(&cli, now, &mut |_| {}).unwrap();
        assert_eq!(
            (again.posts.unwrap().items, again.purge_log_forgotten),
            (0, 0)
        );
        // Past the log's days its entries are forgotten but the newest, and an index that had
        // not followed it is told to rebuild (`sokenh doctor`).
        let stale = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(crate::posts::index_dir(stale.path())).unwrap();
        // (The log's times are the store's clock: «later» is counted from it; posts kept for
        // ever now, so only the log is touched.)
        app.set_retention(&cli, "posts", None).unwrap();
        let later = Utc::now() + chrono::Duration::days(PURGE_LOG_DAYS + 1);
        let run = app.purge(&cli, later, &mut |_| {}).unwrap();
        assert_eq!((run.posts.is_none(), run.purge_log_forgotten), (true, 1));
        let mut store = app.store().unwrap();
        assert_eq!(
            store.purged_after(0, 10).unwrap().len(),
            1,
            "the newest kept"
        );
        let fresh = crate::doctor::index(&mut store, here.path());
        assert!(fresh.ok, "{}", fresh.detail);
        search::SearchIndex::open(&crate::posts::index_dir(stale.path()))
            .unwrap()
            .writer(20)
            .unwrap()
            .commit()
            .unwrap();
        let behind = crate::doctor::index(&mut store, stale.path());
        assert!(!behind.ok);
        assert!(
            behind.detail.contains("sokenh reindex"),
            "{}",
            behind.detail
        );
        assert!(store.verify_audit().unwrap().ok);
    }

    /// The audit log's policy: at least 24 months; past it the oldest events go behind a
    /// checkpoint and `audit verify` still holds — after a checkpoint purged in turn too.
    #[test]
    fn the_audit_log_past_its_policy_goes_behind_a_checkpoint() {
        let (app, _dir) = crate::testing::app();
        let cli = Actor::cli();
        let refused = app.set_retention(&cli, "audit", Some(12)).unwrap_err();
        assert!(
            matches!(refused.kind, crate::ErrorKind::Invalid { field: "months" }),
            "{refused:?}"
        );
        app.set_retention(&cli, "audit", Some(24)).unwrap();
        app.set_retention(&cli, "posts", None).unwrap();
        let before = app.store().unwrap().audit_events().unwrap().len();
        assert!(before >= 2);
        // Today nothing is two years old.
        let run = app.purge(&cli, Utc::now(), &mut |_| {}).unwrap();
        let audit = run.audit.unwrap();
        assert_eq!((audit.events, audit.checkpoint), (0, None));
        // Two years and a day on, everything recorded so far is.
        let later = Utc::now() + chrono::Duration::days(2 * 366 + 1);
        let run = app.purge(&cli, later, &mut |_| {}).unwrap();
        let audit = run.audit.unwrap();
        assert_eq!(audit.events, before as u64);
        let v = app.verify_audit(&cli).unwrap();
        assert_eq!((v.ok, v.events, v.purged_through), (true, 1, audit.through));
        // At that time the checkpoint is old too: a second purge takes it, behind another.
        let again = app.purge(&cli, later, &mut |_| {}).unwrap().audit.unwrap();
        assert_eq!((again.events, again.through), (1, audit.checkpoint));
        let v = app.verify_audit(&cli).unwrap();
        assert_eq!(
            (v.ok, v.events, v.purged_through),
            (true, 1, audit.checkpoint)
        );
    }

    #[test]
    fn the_cutoff_is_months_back_in_vietnam_time() {
        let now = DateTime::parse_from_rfc3339("2026-12-02T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(cutoff(now, 24), "2024-12-02T08:00:00+07:00");
        // The end of a longer month lands on the shorter month's last day.
        let end = DateTime::parse_from_rfc3339("2026-03-31T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(cutoff(end, 1), "2026-02-28T07:00:00+07:00");
    }
}
