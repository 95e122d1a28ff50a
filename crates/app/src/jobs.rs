//! The servers' scheduled work as jobs in the store (`store::jobs`), so that several `serve`
//! processes on one database do each piece once: the official channels' pulls when their
//! interval has passed, the daily watch on the register, the exchange with sharing partners,
//! the answers owed in chats, the hourly early-warning watch (`App::watch`: spikes and
//! spreading of yesterday and today raised as alerts), the daily purge of reporters' contacts,
//! the daily purge of what is past its retention policy (`crate::retention`), the daily
//! upkeep of a province database's monthly partitions (`Store::maintain_partitions`), screening
//! every minute the posts no screening has reached (stored by a server that stopped before
//! screening them, or written into the database by another tool): `screening::scan` from the
//! checkpoint, which several servers may run at once. And the periodic report: on the first two
//! days of a month the month before is made as DOCX and XLSX and kept (`crate::reports`; its
//! key, the month and format, is kept longer than those two days, so it is made once), besides
//! the reports users ask to be made in the background.
//!
//! Every server schedules what is due ([`App::schedule_jobs`]) under keys that name the piece of
//! work — a source's pull after its last pull, the watch of a Vietnam day, the exchange of an
//! interval — so that the same work scheduled by two servers is one job; then claims and runs
//! jobs one at a time ([`App::run_next_job`]). A failure is tried again later (1, 2, 4, 8
//! minutes), and given up after [`MAX_ATTEMPTS`]; a server at work renews its lease every ten
//! minutes (the heartbeat), and one that dies holding a job leaves it to another after
//! [`LEASE`]. Each run is audited by the use case it calls, as before.

use crate::{Actor, App, Error};
use chrono::{DateTime, Duration, Utc};
use domain::Permission;
use serde::Serialize;

/// How long a claimed job is its server's: a pull waiting out a platform's rate limit stays
/// well within it.
pub const LEASE: Duration = Duration::minutes(30);
/// How often a server at work on a job renews its lease.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// Tries before a job is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// Ended jobs are kept this long for the administrator's page, then forgotten.
const KEPT: Duration = Duration::days(2);

/// The kinds of job, as the store keeps them.
pub const SOURCE_PULL: &str = "source.pull";
pub const SOURCE_WATCH: &str = "source.watch";
pub const SHARE_EXCHANGE: &str = "share.exchange";
pub const TIP_REPLIES: &str = "tip.replies";
pub const TIP_PURGE: &str = "tip.purge";
pub const RETENTION_PURGE: &str = "retention.purge";
pub const ANALYTICS_WATCH: &str = "analytics.watch";
pub const SCREENING_SCAN: &str = "screening.scan";
pub const REPORT_MAKE: &str = "report.make";
pub const PARTITIONS_MAINTAIN: &str = "partitions.maintain";

/// How often the periodic work runs (seconds); 0 turns the exchange off.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub exchange_every: i64,
    pub replies_every: i64,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule {
            exchange_every: 900,
            replies_every: 60,
        }
    }
}

/// One job run by this server.
#[derive(Debug, Clone, Serialize)]
pub struct JobRun {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub attempt: i64,
    /// Why it failed (it is tried again unless this was the last attempt).
    pub error: Option<String>,
    /// What pages show may have changed (indicators received).
    pub changed: bool,
}

/// Tries a job of this kind gets: answers owed in chats are tried again by the next minute's
/// job anyway, so one; everything else [`MAX_ATTEMPTS`].
fn attempts_of(kind: &str) -> i64 {
    if kind == TIP_REPLIES { 1 } else { MAX_ATTEMPTS }
}

/// The key of a piece of periodic work: the start of its interval, in UTC.
fn bucket(now: DateTime<Utc>, every: i64) -> String {
    let start = now.timestamp().div_euclid(every.max(1)) * every.max(1);
    DateTime::from_timestamp(start, 0)
        .unwrap_or(now)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

impl App {
    /// Adds the jobs due at `now` that no server has scheduled yet; how many were added.
    pub fn schedule_jobs(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        schedule: Schedule,
    ) -> Result<u64, Error> {
        actor.require_province(Permission::Triage)?;
        let at = store::job_time(now);
        let vietnam = (now + Duration::hours(7)).date_naive();
        let today = vietnam.format("%Y-%m-%d").to_string();
        let mut wanted: Vec<(&str, String)> = vec![
            (SOURCE_WATCH, today.clone()),
            (TIP_PURGE, today.clone()),
            (RETENTION_PURGE, today.clone()),
            (PARTITIONS_MAINTAIN, today),
            (ANALYTICS_WATCH, bucket(now, 3600)),
            (TIP_REPLIES, bucket(now, schedule.replies_every)),
        ];
        // The month just ended, on the first two days of the next (a server down on the first
        // makes it on the second; the job's key outlives both days, so it is made once).
        if chrono::Datelike::day(&vietnam) <= 2
            && let Some(last_month) = vietnam.checked_sub_months(chrono::Months::new(1))
            && let Ok(period) = ::report::Period::parse(&last_month.format("%Y-%m").to_string())
        {
            for format in [crate::reports::Format::Docx, crate::reports::Format::Xlsx] {
                wanted.push((REPORT_MAKE, crate::reports::job_key(&period, format)));
            }
        }
        if schedule.exchange_every > 0 {
            wanted.push((SHARE_EXCHANGE, bucket(now, schedule.exchange_every)));
        }
        let mut store = self.store()?;
        for s in store
            .sources()?
            .iter()
            .filter(|s| crate::sources::is_due(s, now))
        {
            let last = s.last_pull.as_deref().unwrap_or("never");
            wanted.push((SOURCE_PULL, format!("{}@{last}", s.id)));
        }
        let mut added = 0;
        for (kind, key) in wanted {
            added += u64::from(store.enqueue_job(kind, &key, &at)?);
        }
        // Screening, each minute — but not while a screening is still queued or running: a
        // long one (a backlog of posts) would otherwise be started again beside itself on
        // another server, both reading the same posts and one recording them.
        added += u64::from(store.enqueue_job_alone(SCREENING_SCAN, &bucket(now, 60), &at)?);
        Ok(added)
    }

    /// Claims the job due first and runs it as `worker`; `None` when nothing is due.
    pub fn run_next_job(
        &self,
        actor: &Actor,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<JobRun>, Error> {
        actor.require_province(Permission::Triage)?;
        let Some(job) = self.store()?.claim_job(worker, now, LEASE)? else {
            return Ok(None);
        };
        // The heartbeat: while the work goes on, the lease is renewed every third of it, so a
        // pull longer than the lease is not taken over by another server (one that died stops
        // renewing, and its job is taken over once its lease has passed).
        let (done, beats) = std::sync::mpsc::channel::<()>();
        let (error, changed) = std::thread::scope(|s| {
            let job = &job;
            s.spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    beats.recv_timeout(HEARTBEAT)
                {
                    let renewed = self
                        .store()
                        .and_then(|mut st| Ok(st.renew_job(job.id, worker, Utc::now(), LEASE)?));
                    let trouble = match renewed {
                        Ok(true) => continue,
                        Ok(false) => "taken over by another server".to_owned(),
                        Err(e) => e.message,
                    };
                    crate::log::event(
                        crate::log::Level::Warning,
                        "job.heartbeat",
                        &[("job", &job.id.to_string()), ("detail", &trouble)],
                    );
                    break;
                }
            });
            let outcome = match self.run_job(actor, job) {
                Ok(changed) => (None, changed),
                Err(e) => (Some(e), false),
            };
            drop(done);
            outcome
        });
        let end = match &error {
            None => store::JobEnd::Done,
            Some(e) if job.attempts >= attempts_of(&job.kind) => {
                store::JobEnd::Failed { error: e.clone() }
            }
            Some(e) => store::JobEnd::Retry {
                at: store::job_time(
                    Utc::now() + Duration::minutes(1 << (job.attempts - 1).clamp(0, 6)),
                ),
                error: e.clone(),
            },
        };
        self.store()?.end_job(job.id, worker, &end)?;
        Ok(Some(JobRun {
            id: job.id,
            kind: job.kind,
            key: job.key,
            attempt: job.attempts,
            error,
            changed,
        }))
    }

    /// One job's work, through the use case the terminal calls; its failure in words.
    fn run_job(&self, actor: &Actor, job: &store::Job) -> Result<bool, String> {
        // With an internal error's cause: the jobs page is the administrator's, and "internal
        // error" alone would leave them nothing to act on.
        let message = |e: Error| e.to_string();
        // Each kind of work is on the record under the name it always had.
        let named = |name: &str| Actor {
            name: name.into(),
            ..actor.clone()
        };
        match job.kind.as_str() {
            SOURCE_PULL => {
                let id: i64 = job
                    .key
                    .split('@')
                    .next()
                    .and_then(|id| id.parse().ok())
                    .ok_or_else(|| format!("khoá không đọc được: {}", job.key))?;
                let actor = named("sokenh:lịch-kéo-nguồn");
                let reports = self.pull_sources(&actor, Some(id)).map_err(message)?;
                match reports.into_iter().find_map(|r| r.error) {
                    Some(e) => Err(e),
                    None => Ok(false),
                }
            }
            SOURCE_WATCH => {
                let actor = named("sokenh:lịch-kéo-nguồn");
                self.watch_register(&actor).map(|_| false).map_err(message)
            }
            SHARE_EXCHANGE => {
                let actor = named("sokenh:lịch-trao-đổi");
                let mut all = self.pull(&actor, None).map_err(message)?;
                all.extend(self.push(&actor, None).map_err(message)?);
                let changed = all.iter().any(|e| e.added + e.updated + e.revoked > 0);
                let errors: Vec<String> = all.into_iter().filter_map(|e| e.error).collect();
                if errors.is_empty() {
                    Ok(changed)
                } else {
                    Err(errors.join("; "))
                }
            }
            TIP_REPLIES => {
                let actor = named("sokenh:trả-lời-tin-báo");
                let counts = self.send_tip_replies(&actor).map_err(message)?;
                if counts.failed > 0 {
                    Err(counts.errors.join("; "))
                } else {
                    Ok(false)
                }
            }
            TIP_PURGE => {
                let actor = named("sokenh:lịch-xóa-liên-hệ");
                let now = Utc::now();
                self.purge_tip_contacts(&actor, now).map_err(message)?;
                self.store()
                    .map_err(message)?
                    .prune_jobs(now - KEPT)
                    .map_err(|e| e.to_string())?;
                Ok(false)
            }
            ANALYTICS_WATCH => {
                // Yesterday and today in Vietnam: a spike or a spread that began late yesterday
                // is still seen whole; alerts raised already are not raised again.
                let actor = named("sokenh:lịch-cảnh-báo-sớm");
                let today = crate::today();
                self.watch(&actor, today - Duration::days(1), today)
                    .map(|w| w.raised > 0)
                    .map_err(message)
            }
            RETENTION_PURGE => {
                let actor = named("sokenh:lịch-lưu-giữ");
                self.purge(&actor, Utc::now(), &mut |_| {})
                    .map(|_| false)
                    .map_err(message)
            }
            REPORT_MAKE => {
                let (period, format, asked_by) = crate::reports::parse_job_key(&job.key)
                    .ok_or_else(|| format!("khoá không đọc được: {}", job.key))?;
                let actor = named("sokenh:lịch-báo-cáo");
                self.make_and_keep_report(
                    &actor,
                    &period,
                    format,
                    crate::today(),
                    asked_by.as_deref(),
                )
                .map(|_| false)
                .map_err(message)
            }
            PARTITIONS_MAINTAIN => {
                let actor = named("sokenh:lịch-phân-vùng");
                self.store()
                    .map_err(message)?
                    .maintain_partitions(&actor.name)
                    .map(|_| false)
                    .map_err(|e| e.to_string())
            }
            SCREENING_SCAN => {
                let mut store = self.store().map_err(message)?;
                crate::screening::scan(&mut store, self.data_dir(), false)
                    .map(|r| r.alerts > 0)
                    .map_err(|e| format!("{e:#}"))
            }
            other => Err(format!("loại việc không biết: {other}")),
        }
    }

    /// The newest jobs, for the administrator.
    pub fn jobs(&self, actor: &Actor, limit: usize) -> Result<Vec<store::Job>, Error> {
        actor.require(Permission::Administer)?;
        Ok(self.store()?.jobs(limit)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periodic_work_is_keyed_by_the_start_of_its_interval() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 8, 14, 59).unwrap();
        assert_eq!(bucket(t, 900), "2026-12-01T08:00:00Z");
        assert_eq!(
            bucket(t + Duration::seconds(1), 900),
            "2026-12-01T08:15:00Z"
        );
        assert_eq!(bucket(t, 60), "2026-12-01T08:14:00Z");
    }

    /// Posts stored without being screened (a server that stopped between the two) are
    /// screened by the next minute's job: their signals and alert recorded, the checkpoint past
    /// them; the job after it finds nothing left and raises nothing again.
    #[test]
    fn the_screening_job_screens_what_no_screening_reached() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(crate::db::open(dir.path(), None).unwrap(), dir.path());
        let actor = Actor {
            name: "sokenh:lịch".into(),
            ..Actor::cli()
        };
        let posts = [
            crate::testing::post(
                "p1",
                "2026-11-02T08:00:00+07:00",
                "Trúng thưởng xe máy, chuyển khoản phí 500k vào số tài khoản 0123456789 để nhận quà",
            ),
            crate::testing::post("p2", "2026-11-02T09:00:00+07:00", "Chợ phiên sáng nay"),
        ];
        app.store()
            .unwrap()
            .ingest_items("t", "test", &posts, 2)
            .unwrap();
        let last = app.store().unwrap().items_after(0, 10).unwrap()[1].id;
        assert_eq!(app.store().unwrap().checkpoint("scan").unwrap(), None);
        let run = |at: DateTime<Utc>| {
            app.store()
                .unwrap()
                .enqueue_job(SCREENING_SCAN, &bucket(at, 60), &store::job_time(at))
                .unwrap();
            let run = app.run_next_job(&actor, "test", at).unwrap().unwrap();
            assert_eq!(
                (run.kind.as_str(), run.error.as_deref()),
                (SCREENING_SCAN, None)
            );
            run.changed
        };
        let now = Utc::now();
        assert!(run(now), "an alert raised");
        let mut store = app.store().unwrap();
        assert_eq!(store.checkpoint("scan").unwrap(), Some(last as u64));
        let signals = store.signals(None).unwrap();
        assert!(
            !signals.is_empty() && signals.iter().all(|(id, _)| id == "p1"),
            "{signals:?}"
        );
        let alerts = store.alerts().unwrap().len();
        drop(store);
        assert!(!run(now + Duration::minutes(1)));
        assert_eq!(app.store().unwrap().alerts().unwrap().len(), alerts);
    }

    /// On the first days of a month the month before is made as DOCX and XLSX, once, and kept
    /// by its SHA-256; a report asked for in the background is made for whoever asked; each is
    /// downloaded again from the list of reports made, and no other kept file is reached so.
    #[test]
    fn the_months_report_is_made_and_kept_by_a_job() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(crate::db::open(dir.path(), None).unwrap(), dir.path());
        let actor = Actor {
            name: "sokenh:lịch".into(),
            ..Actor::cli()
        };
        let schedule = Schedule {
            exchange_every: 0,
            replies_every: 60,
        };
        app.store()
            .unwrap()
            .create_unit("t", "UBND xã Thạch Quảng", None, None)
            .unwrap();
        let reports = |app: &App| {
            app.store()
                .unwrap()
                .jobs_of(REPORT_MAKE, 10)
                .unwrap()
                .into_iter()
                .map(|j| j.key)
                .collect::<Vec<_>>()
        };
        let first = Utc.with_ymd_and_hms(2026, 11, 30, 18, 0, 0).unwrap(); // 1 Dec, 01:00 in Vietnam
        app.schedule_jobs(&actor, first, schedule).unwrap();
        let mut keys = reports(&app);
        keys.sort();
        assert_eq!(keys, ["2026-11.docx", "2026-11.xlsx"]);
        while let Some(run) = app
            .run_next_job(&actor, "test", first + Duration::seconds(1))
            .unwrap()
        {
            assert_eq!(run.error, None, "{}", run.kind);
        }
        // The next day the same month is not made again; mid-month nothing is scheduled.
        app.schedule_jobs(&actor, first + Duration::days(1), schedule)
            .unwrap();
        app.schedule_jobs(&actor, first + Duration::days(14), schedule)
            .unwrap();
        assert_eq!(reports(&app).len(), 2);
        let officer = Actor {
            name: "canbo".into(),
            role: domain::Role::Officer,
            ..Actor::cli()
        };
        let made = app.reports_recorded(&officer).unwrap();
        assert_eq!(made.len(), 2, "{made:?}");
        for r in &made {
            assert_eq!(
                (r.period.as_str(), r.actor.as_str(), r.asked_by.as_deref()),
                ("2026-11", "sokenh:lịch-báo-cáo", None)
            );
            let sha = r.sha256.as_deref().unwrap();
            let file = app.report_file(&officer, sha).unwrap();
            assert_eq!(crate::evidence::sha256(&file.bytes), sha);
            assert_eq!(
                file.name,
                format!("bao-cao-2026-11.{}", r.format.as_deref().unwrap())
            );
            assert!(file.bytes.starts_with(b"PK"), "a DOCX or XLSX is a ZIP");
        }
        // Asked for in the background: made for whoever asked.
        let period = ::report::Period::parse("2026-Q4").unwrap();
        let asked = Utc::now();
        assert!(
            app.request_report(&officer, &period, crate::reports::Format::Xlsx, asked)
                .unwrap()
        );
        assert!(
            !app.request_report(&officer, &period, crate::reports::Format::Xlsx, asked)
                .unwrap(),
            "the same asked twice in a minute is one job"
        );
        let mut made = Vec::new();
        while let Some(run) = app
            .run_next_job(&actor, "test", asked + Duration::seconds(1))
            .unwrap()
        {
            if run.kind == REPORT_MAKE {
                made.push(run.error);
            }
        }
        assert_eq!(made, [None]);
        let newest = &app.reports_recorded(&officer).unwrap()[0];
        assert_eq!(
            (newest.period.as_str(), newest.asked_by.as_deref()),
            ("2026-Q4", Some("canbo"))
        );
        // A kept file no report names (a case's evidence) is not a report file; a role that
        // does not read reports gets none.
        let other = crate::evidence::sha256(b"evidence");
        crate::evidence::keep(&app.evidence_dir(), &other, b"evidence").unwrap();
        assert_eq!(
            app.report_file(&officer, &other).err().map(|e| e.kind),
            Some(crate::ErrorKind::NotFound)
        );
        let unit_admin = Actor {
            role: domain::Role::UnitAdmin,
            ..officer.clone()
        };
        assert!(
            app.report_file(&unit_admin, newest.sha256.as_deref().unwrap())
                .is_err()
        );
        assert!(
            app.request_report(&unit_admin, &period, crate::reports::Format::Docx, asked)
                .is_err()
        );
    }

    /// Each kind a server schedules on a new store runs to its end without error, once.
    #[test]
    fn every_scheduled_kind_runs_once_without_error() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(crate::db::open(dir.path(), None).unwrap(), dir.path());
        let actor = Actor {
            name: "sokenh:lịch".into(),
            ..Actor::cli()
        };
        // Mid-month: the month's report is made on its first two days (the test below).
        let now = Utc.with_ymd_and_hms(2026, 12, 15, 3, 0, 0).unwrap();
        let schedule = Schedule {
            exchange_every: 0,
            replies_every: 60,
        };
        app.schedule_jobs(&actor, now, schedule).unwrap();
        app.schedule_jobs(&actor, now, schedule).unwrap();
        let mut ran = Vec::new();
        while let Some(run) = app
            .run_next_job(&actor, "test", now + Duration::seconds(1))
            .unwrap()
        {
            assert_eq!(run.error, None, "{}", run.kind);
            ran.push(run.kind);
        }
        ran.sort();
        assert_eq!(
            ran,
            [
                ANALYTICS_WATCH,
                PARTITIONS_MAINTAIN,
                RETENTION_PURGE,
                SCREENING_SCAN,
                SOURCE_WATCH,
                TIP_PURGE,
                TIP_REPLIES
            ]
        );
    }
}
