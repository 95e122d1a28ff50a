//! `web`: the web application — the only crate that knows HTTP. An axum server rendering
//! Vietnamese pages on the server (maud: escaped by construction), one embedded stylesheet, no
//! script; local accounts with Argon2id hashes, sessions in an HttpOnly SameSite=Strict cookie
//! with idle and absolute expiry, a CSRF token on every form, login rate limiting, forced password
//! change; roles and unit scope as DESIGN.md says; security headers on every response; and the
//! JSON API under `/api/v1` (401 without a session).
//!
//! Served by its own accept loop ([`serve_on`]: header and request timeouts, connections capped
//! per address and in all); a panic in a request is answered 500 with a reference and leaves no
//! lock poisoned; uploads are checked for role before their body is read.
//!
//! Handlers call the use cases of `app` (`AppState::use_case`, errors answered by [`AppError`])
//! or, for plain reads, a store checked out of the pool, on blocking tasks; what the dashboard
//! shows comes from `app::report::dashboard_figures` (the same numbers the periodic report
//! prints for them) through the [`Services`] port that tests replace.

mod admin;
mod alerts;
mod analytics;
mod api;
mod audit;
mod auth;
mod cache;
mod capture;
mod cases;
mod checks;
mod communities;
mod dashboard;
mod detection;
mod evaluation;
mod follow_up;
mod health;
mod i18n;
mod impersonation;
mod library;
mod media_check;
mod member;
mod metrics;
mod pages;
mod post_search;
pub use post_search::SEARCH_NEWEST;
mod province;
mod register;
mod reports;
pub mod require;
mod second_factor;
mod sharing;
mod sign_in;
mod sources;
mod taxii;
mod tips;
pub mod tls;
mod upload;
mod uploads;
mod warnings;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

pub use api::{new_token, token_sha256};
pub use app::accounts::{hash_password, verify_password};

/// The period's figures (`app::report::figures`: the numbers the periodic report prints), for
/// the dashboard and the API. A port, so that tests can hand in figures that are slow or fail.
pub type FiguresFn =
    dyn Fn(&mut Store, &report::Period) -> anyhow::Result<report::Figures> + Send + Sync;

/// The posts' full-text index (`app::posts::WebIndex`). A port, so that tests can hand in an
/// index that is busy.
pub trait Searcher: Send + Sync {
    /// Adds the items stored since the last call; runs under the store's lock.
    fn catch_up(&self, store: &mut Store) -> anyhow::Result<()>;
    /// Answers a query; needs no store.
    fn search(&self, q: &search::SearchQuery) -> anyhow::Result<Vec<search::Hit>>;
}

pub use app::screening::{RuleList, RuleRow};

/// How often the search page brings the index up to date with the store.
pub const SEARCH_CATCH_UP: Duration = Duration::from_secs(10);

/// The web application's ports: what [`Services::standard`] takes from `app`, and tests replace.
pub struct Services {
    pub figures: Arc<FiguresFn>,
    /// The dashboard's figures of the month: the few of `figures` it shows
    /// (`app::report::dashboard_figures`).
    pub dashboard: Arc<FiguresFn>,
    pub searcher: Arc<dyn Searcher>,
}

impl Services {
    /// The figures of `app::report` and the post index of the data dir.
    pub fn standard(data_dir: &std::path::Path) -> anyhow::Result<Services> {
        Ok(Services {
            figures: Arc::new(|store: &mut Store, period: &report::Period| {
                app::report::figures(store, period)
            }),
            dashboard: Arc::new(|store: &mut Store, period: &report::Period| {
                app::report::dashboard_figures(store, period)
            }),
            searcher: Arc::new(app::posts::WebIndex::open(data_dir)?),
        })
    }
}

impl Searcher for app::posts::WebIndex {
    fn catch_up(&self, store: &mut Store) -> anyhow::Result<()> {
        app::posts::WebIndex::catch_up(self, store)
    }
    fn search(&self, q: &search::SearchQuery) -> anyhow::Result<Vec<search::Hit>> {
        app::posts::WebIndex::search(self, q)
    }
}

/// How long a session lives without use, and at most.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub idle: Duration,
    pub absolute: Duration,
    /// Failed logins per username and address before a pause.
    pub max_failures: u32,
    pub lockout: Duration,
    /// Set the cookie's `Secure` flag (behind TLS).
    pub secure_cookies: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
            secure_cookies: false,
        }
    }
}

pub struct AppState {
    /// The use cases, and the store's connections (each request checks one out for as long as
    /// it needs it).
    pub app: app::App,
    pub figures: Arc<FiguresFn>,
    pub dashboard: Arc<FiguresFn>,
    pub searcher: Arc<dyn Searcher>,
    pub limits: Limits,
    /// When the index last caught up with the store.
    search_synced: Mutex<Option<std::time::Instant>>,
    /// Searches running at once: one per core, the rest wait in turn (first come, first served)
    /// rather than all sharing the cores and all finishing late.
    search_slots: tokio::sync::Semaphore,
    sessions: Mutex<HashMap<String, auth::Session>>,
    /// The dashboard's figures of a month (by its first day), computed at most once a minute.
    figures_cache: Arc<cache::Cache<chrono::NaiveDate, report::Figures>>,
    failures: Mutex<HashMap<String, (u32, std::time::Instant)>>,
    /// Failed sign-ins per address, whatever the username (against password spraying).
    address_failures: Mutex<HashMap<std::net::IpAddr, (u32, std::time::Instant)>>,
    /// The analytics of a period (and unit), computed at most once a minute each.
    analytics_cache: Arc<cache::Cache<(String, Option<i64>), app::analytics::Analytics>>,
    /// Heavy work from uploads and exports (reading a spreadsheet, writing one): two at a time,
    /// so sign-in and pages keep their share of the cores.
    pub(crate) heavy: tokio::sync::Semaphore,
    /// Heavy reads of the store (a period's figures for the API and the reports page, a report
    /// file, the register export): one at a time, so they take one core and one pooled
    /// connection, and pages and sign-ins keep the rest.
    pub(crate) heavy_store: tokio::sync::Semaphore,
    /// What most pages read — units, the register, alerts, cases — checked against the store at
    /// most every [`SNAPSHOT_TTL`] (read again only when the audit head moved) and dropped by
    /// [`AppState::changed`] after a change made here.
    snapshot: Mutex<Option<Arc<Snapshot>>>,
    /// Held by the request reading a new snapshot.
    reloading: tokio::sync::Mutex<()>,
    /// The uploads of export files, as jobs ([`uploads`]).
    pub(crate) jobs: Mutex<uploads::Jobs>,
    /// Held by the upload job reading its file: one at a time.
    pub(crate) ingesting: tokio::sync::Semaphore,
    /// The alert → pages map of the last snapshot read, kept across changes ([`AlertPages`]).
    alert_pages: Mutex<Arc<AlertPages>>,
    /// Counts changes made here: a snapshot read while a change happened is not kept.
    generation: std::sync::atomic::AtomicU64,
    /// Told of other processes' changes as they commit (PostgreSQL's notifications,
    /// [`AppState::changed_elsewhere`]): the snapshot is then checked only every
    /// [`SNAPSHOT_TTL_TOLD`] besides.
    told: std::sync::atomic::AtomicBool,
    /// How many changes of other processes it has been told of.
    told_changes: std::sync::atomic::AtomicU64,
    /// Requests and their latencies since the start ([`metrics`]).
    pub(crate) metrics: metrics::Metrics,
}

/// How long the dashboard's figures are reused.
pub const FIGURES_TTL: Duration = Duration::from_secs(60);

/// How long a snapshot serves before it is checked again (changes made by other processes — the
/// CLI's imports and ingests — appear within this time; changes made here, at once).
pub const SNAPSHOT_TTL: Duration = Duration::from_secs(5);

/// How long a snapshot serves while the process is told of every change other processes
/// commit (a server listening to PostgreSQL's notifications): only a fallback then.
pub const SNAPSHOT_TTL_TOLD: Duration = Duration::from_secs(60);

/// The youngest a snapshot is read again for other processes' changes: a province's servers
/// change things all day, and each reading is of the whole register and queues.
pub const SNAPSHOT_TOLD_MIN_AGE: Duration = Duration::from_secs(1);

/// The register and the work queues as read at one moment.
pub struct Snapshot {
    pub units: Vec<domain::Unit>,
    pub communities: Vec<domain::Community>,
    /// `text::fold` of each community's name, in the same order (for search as you type).
    pub folded: Vec<String>,
    /// Community URL → its place in `communities` (to name the page of a search hit).
    pub by_url: HashMap<String, usize>,
    pub alerts: Vec<domain::StoredAlert>,
    /// Alert id → the pages (community ids) its posts were published on.
    pub alert_pages: Arc<AlertPages>,
    /// Open alerts per category (the dashboard's table), counted once per snapshot.
    pub open_alerts: std::collections::BTreeMap<domain::Category, u64>,
    pub cases: Vec<domain::Case>,
    /// The communes of a province database (0 for a commune's own): the dashboard links the
    /// province's overview when there are any.
    pub communes: u64,
    /// The store's audit head when this was read ([`store::Store::audit_head`]): while it has not
    /// moved, nothing here has changed.
    stamp: i64,
    /// When this was last read, or last found unchanged: milliseconds since [`Snapshot::epoch`].
    checked_ms: std::sync::atomic::AtomicU64,
    /// How many changes of other processes this process had been told of when this was read or
    /// last found unchanged ([`AppState::changed_elsewhere`]): when more since, the next request
    /// checks it, whatever its age.
    told_at: std::sync::atomic::AtomicU64,
}

/// Alert id → the pages its posts were published on, for the alerts up to `last`. An alert's
/// posts never change (alerts are added, never rewritten), so a new snapshot asks the store only
/// for the alerts after `last`: over 93,000 alerts the whole map takes the store most of a
/// second, the newest few almost nothing.
#[derive(Clone, Debug, Default)]
pub struct AlertPages {
    last: i64,
    pages: HashMap<i64, Vec<i64>>,
}

impl AlertPages {
    /// The pages of alert `id` (none when its posts are gone or it is unknown).
    pub fn of(&self, id: i64) -> &[i64] {
        self.pages.get(&id).map_or(&[][..], Vec::as_slice)
    }

    /// This map brought up to `newest`, the store's last alert: the same map when nothing is new,
    /// the newer alerts' pages added, or read whole when the store's alerts start again lower.
    fn up_to(self: Arc<Self>, s: &mut Store, newest: i64) -> anyhow::Result<Arc<AlertPages>> {
        if newest == self.last {
            return Ok(self);
        }
        let mut map = if newest < self.last {
            AlertPages::default()
        } else {
            (*self).clone()
        };
        for (alert, page) in s.alert_pages(map.last)? {
            map.pages.entry(alert).or_default().push(page.0);
        }
        map.last = newest;
        Ok(Arc::new(map))
    }
}

impl Snapshot {
    /// The clock the snapshots' check times count from.
    fn epoch() -> std::time::Instant {
        static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        *EPOCH.get_or_init(std::time::Instant::now)
    }

    fn now_ms() -> u64 {
        Self::epoch().elapsed().as_millis() as u64
    }

    /// Time since this was read, or last found unchanged.
    fn age(&self) -> Duration {
        let checked = self.checked_ms.load(std::sync::atomic::Ordering::Relaxed);
        Duration::from_millis(Self::now_ms().saturating_sub(checked))
    }
}

impl AppState {
    pub fn new(app: app::App, services: Services, limits: Limits) -> Arc<AppState> {
        Arc::new(AppState {
            app,
            figures: services.figures,
            dashboard: services.dashboard,
            searcher: services.searcher,
            search_synced: Mutex::new(None),
            search_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            limits,
            sessions: Mutex::new(HashMap::new()),
            figures_cache: cache::Cache::new(FIGURES_TTL, 10 * FIGURES_TTL),
            failures: Mutex::new(HashMap::new()),
            address_failures: Mutex::new(HashMap::new()),
            analytics_cache: cache::Cache::new(FIGURES_TTL, 10 * FIGURES_TTL),
            heavy: tokio::sync::Semaphore::new(2),
            heavy_store: tokio::sync::Semaphore::new(1),
            snapshot: Mutex::new(None),
            reloading: tokio::sync::Mutex::new(()),
            jobs: Mutex::new(uploads::Jobs::default()),
            ingesting: tokio::sync::Semaphore::new(1),
            alert_pages: Mutex::new(Arc::default()),
            generation: std::sync::atomic::AtomicU64::new(0),
            told: std::sync::atomic::AtomicBool::new(false),
            told_changes: std::sync::atomic::AtomicU64::new(0),
            metrics: metrics::Metrics::default(),
        })
    }

    /// Another process committed a change (`sessions`: ended sessions): the snapshot is
    /// checked by the next request, and so is every session this process knows (for the
    /// sessions only when they ended).
    pub fn changed_elsewhere(&self, sessions: bool) {
        self.told_changes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if sessions {
            for s in crate::lock(&self.sessions).values_mut() {
                s.checked = s
                    .checked
                    .checked_sub(auth::SESSION_RECHECK)
                    .unwrap_or(s.checked);
            }
        }
    }

    /// Whether this process is told of other processes' changes as they commit; when it is
    /// not (the notifications' connection lost, or SQLite), it looks every [`SNAPSHOT_TTL`].
    pub fn set_told(&self, told: bool) {
        self.told.store(told, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_told(&self) -> bool {
        self.told.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Upload jobs (waiting their turn, being read), for [`metrics`].
    pub(crate) fn job_counts(&self) -> (u64, u64) {
        lock(&self.jobs).counts()
    }

    /// The current snapshot, read again when older than [`SNAPSHOT_TTL`] or after a change.
    /// A stale snapshot is read again by one request while the others keep being served the
    /// one they have; only after a change made here (no snapshot at all) do pages wait for it.
    pub async fn snapshot(self: &Arc<Self>) -> anyhow::Result<Arc<Snapshot>> {
        let current = crate::lock(&self.snapshot).clone();
        let ttl = if self.told.load(std::sync::atomic::Ordering::SeqCst) {
            SNAPSHOT_TTL_TOLD
        } else {
            SNAPSHOT_TTL
        };
        if let Some(s) = &current {
            let told = self.told_changes.load(std::sync::atomic::Ordering::SeqCst);
            let age = s.age();
            let told_of_more = s.told_at.load(std::sync::atomic::Ordering::SeqCst) != told;
            if age < ttl && !(told_of_more && age >= SNAPSHOT_TOLD_MIN_AGE) {
                return Ok(s.clone());
            }
            let Ok(_reloading) = self.reloading.try_lock() else {
                return Ok(s.clone());
            };
            return self.reload().await;
        }
        let _reloading = self.reloading.lock().await;
        if let Some(s) = crate::lock(&self.snapshot).clone() {
            return Ok(s); // read by the request this one waited for
        }
        self.reload().await
    }

    /// Reads the snapshot from the store; the caller holds `reloading`. When the store's audit
    /// head has not moved since the current snapshot was read, nothing in it has changed (every
    /// change is audited in its transaction): the current one is kept, checked now, and the
    /// register and the alerts are not read again.
    async fn reload(self: &Arc<Self>) -> anyhow::Result<Arc<Snapshot>> {
        use std::sync::atomic::Ordering;
        let generation = self.generation.load(Ordering::SeqCst);
        // Read before the store is asked: a change told of meanwhile makes this stale again.
        let told_at = self.told_changes.load(Ordering::SeqCst);
        let current = crate::lock(&self.snapshot).clone();
        let stamp = self.with_store(|s| Ok(s.audit_head()?)).await?;
        if let Some(s) = current.filter(|s| s.stamp == stamp) {
            s.checked_ms.store(Snapshot::now_ms(), Ordering::Relaxed);
            s.told_at.store(told_at, Ordering::SeqCst);
            return Ok(s);
        }
        let known_pages = crate::lock(&self.alert_pages).clone();
        let fresh = self
            .with_store(move |s| {
                let communities = s.communities()?;
                let alerts = s.alerts()?;
                let alert_pages = known_pages.up_to(s, alerts.last().map_or(0, |a| a.id))?;
                let mut open_alerts = std::collections::BTreeMap::new();
                for a in alerts.iter().filter(|a| a.status == "open") {
                    *open_alerts.entry(a.category).or_default() += 1;
                }
                let by_url = communities
                    .iter()
                    .enumerate()
                    .filter_map(|(k, c)| c.url.clone().map(|u| (u, k)))
                    .collect();
                Ok(Snapshot {
                    by_url,
                    alert_pages,
                    units: s.units()?,
                    folded: communities.iter().map(|c| text::fold(&c.name)).collect(),
                    communities,
                    alerts,
                    open_alerts,
                    cases: s.cases()?,
                    communes: s.tenant_count()?,
                    stamp,
                    checked_ms: Snapshot::now_ms().into(),
                    told_at: told_at.into(),
                })
            })
            .await?;
        let fresh = Arc::new(fresh);
        *crate::lock(&self.alert_pages) = fresh.alert_pages.clone();
        let mut slot = crate::lock(&self.snapshot);
        if self.generation.load(Ordering::SeqCst) == generation {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// Searches the posts, first bringing the index up to date when it has not been for
    /// [`SEARCH_CATCH_UP`].
    pub async fn search(
        self: &Arc<Self>,
        q: search::SearchQuery,
    ) -> anyhow::Result<Vec<search::Hit>> {
        // One request at a time catches up (it claims the clock first); the others search the
        // index as it is.
        let due = {
            let mut at = crate::lock(&self.search_synced);
            let due = at.is_none_or(|t| t.elapsed() >= SEARCH_CATCH_UP);
            if due {
                *at = Some(std::time::Instant::now());
            }
            due
        };
        if due {
            let searcher = self.searcher.clone();
            // The index may be busy (a CLI ingest holds its writer): search it as it is, and
            // catch up next time.
            if let Err(e) = self.with_store(move |s| searcher.catch_up(s)).await {
                app::log::event(
                    app::log::Level::Warning,
                    "index.catch_up",
                    &[("detail", &format!("{e:#}"))],
                );
            }
        }
        let _slot = self.search_slots.acquire().await?;
        let searcher = self.searcher.clone();
        tokio::task::spawn_blocking(move || searcher.search(&q)).await?
    }

    /// Something was written here: the next page reads the store again.
    pub async fn changed(&self) {
        let mut slot = crate::lock(&self.snapshot);
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *slot = None;
    }

    /// The dashboard's figures of the month from `from` to `to` (`Services::dashboard`), kept by
    /// [`cache::Cache`] for a minute: a dashboard is opened often, and even its few figures read
    /// the month's posts and signals. Older figures are shown while a background task computes
    /// them again; only the first dashboard of a month waits.
    pub async fn month_figures(
        self: &Arc<Self>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> anyhow::Result<Arc<report::Figures>> {
        let state = self.clone();
        self.figures_cache
            .get(from, move || async move {
                let figures = state.dashboard.clone();
                let period = report::Period {
                    code: String::new(),
                    from,
                    to,
                    label: String::new(),
                };
                state.with_store(move |s| figures(s, &period)).await
            })
            .await
    }

    /// Like [`AppState::with_store`] for a change: the snapshot is read again afterwards.
    pub async fn write<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let r = self.with_store(f).await;
        self.changed().await;
        r
    }

    /// Runs a use case that changes what pages show ([`AppState::use_case`], then
    /// [`AppState::changed`], whatever its outcome: a refusal may follow a partial change).
    pub async fn changing<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&app::App) -> Result<T, app::Error> + Send + 'static,
    ) -> Result<T, AppError> {
        let r = self.use_case(f).await;
        self.changed().await;
        r
    }

    /// Runs a use case of `app` in a blocking task; a panic in it is an internal error. Call
    /// [`AppState::changed`] after one that changes what pages show.
    pub async fn use_case<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&app::App) -> Result<T, app::Error> + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        let r = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&state.app)))
                .unwrap_or_else(|p| Err(anyhow::anyhow!("panic: {}", panic_message(&*p)).into()))
        })
        .await;
        match r {
            Ok(r) => r.map_err(AppError),
            Err(e) => Err(AppError(anyhow::Error::from(e).into())),
        }
    }

    /// The analytics of a period (and a unit) for `actor`, kept by [`cache::Cache`] for
    /// [`FIGURES_TTL`] (a heavy read of the store, one at a time).
    pub async fn analytics(
        self: &Arc<Self>,
        actor: app::Actor,
        period: &str,
        unit: Option<i64>,
    ) -> Result<Arc<app::analytics::Analytics>, AppError> {
        actor
            .require(domain::Permission::ViewDetection)
            .map_err(AppError)?;
        let key = (period.trim().to_uppercase(), unit);
        let state = self.clone();
        let code = period.to_owned();
        self.analytics_cache
            .get(key, move || async move {
                let _turn = state.heavy_store.acquire().await;
                state
                    .use_case(move |app| app.analytics(&actor, &code, unit))
                    .await
            })
            .await
    }

    /// Runs `f` on the store in a blocking task (SQLite and the PostgreSQL client block).
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = state.app.pool().get()?;
            // A panic here is answered as an error; a transaction it interrupted is rolled back
            // before the connection serves anyone else.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut store))).unwrap_or_else(
                |p| {
                    store.abandon_transaction();
                    Err(anyhow::anyhow!("panic: {}", panic_message(&*p)))
                },
            )
        })
        .await?
    }
}

/// Locks a mutex whose holder may have panicked: what these mutexes guard (sessions, caches,
/// the store between transactions) stays whole when a holder unwinds, so serving goes on.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// A short reference for an error: the page shows it, the server log has it beside the details.
pub(crate) fn reference() -> String {
    let mut b = [0u8; 4];
    let _ = getrandom::getrandom(&mut b);
    hex::encode_upper(b)
}

/// A use case's error as an answer: forbidden 403, not found 404, conflict 409, invalid input
/// 422 with its message, internal 500 with a reference only (the details go to the log).
#[derive(Debug)]
pub struct AppError(pub app::Error);

impl AppError {
    /// The status an error of this kind is answered with (pages and the API alike).
    pub fn status(&self) -> StatusCode {
        use app::ErrorKind::*;
        match self.0.kind {
            Forbidden => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            Conflict => StatusCode::CONFLICT,
            Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Invalid input's message, for a page that shows it beside the form it came from; any other
    /// error as it was, to be answered.
    pub fn invalid_message(self) -> Result<String, AppError> {
        match self.0.kind {
            app::ErrorKind::Invalid { .. } => Ok(self.0.message),
            _ => Err(self),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self.0.kind {
            app::ErrorKind::Forbidden => auth::forbidden(),
            app::ErrorKind::Internal => pages::internal(anyhow::anyhow!("{}", self.0)),
            _ => pages::error_page(self.status(), &self.0.message),
        }
    }
}

/// The actor a signed-in account's use cases run for.
pub(crate) fn actor(user: &domain::User) -> app::Actor {
    app::Actor {
        name: user.username.clone(),
        role: user.role,
        unit: user.unit,
        member: user.member,
        commune: user.commune,
    }
}

/// A panic in a handler is answered 500 with a reference, and the server keeps serving.
async fn catch_panic(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(next.run(request))
        .catch_unwind()
        .await
    {
        Ok(r) => r,
        Err(p) => pages::internal(anyhow::anyhow!("panic: {}", panic_message(&*p))),
    }
}

const STYLE: &str = include_str!("style.css");

/// Every route.
pub fn router(state: Arc<AppState>) -> Router {
    let hsts = state.limits.secure_cookies;
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::show))
        .route("/dang-nhap", get(sign_in::login_form).post(sign_in::login))
        .route("/dang-xuat", post(sign_in::logout))
        .route("/ngon-ngu/{code}", get(i18n::switch))
        .route(
            "/doi-mat-khau",
            get(sign_in::password_form).post(sign_in::change_password),
        )
        .route(
            "/xac-thuc-hai-buoc",
            get(second_factor::show).post(second_factor::change),
        )
        .route("/tong-quan", get(dashboard::dashboard))
        .route("/so-dang-ky", get(register::register))
        .route("/tim-kiem", get(post_search::search))
        .route("/so-dang-ky/xuat", get(register::export_register))
        .route(
            "/so-dang-ky/moi",
            get(communities::new_form).post(communities::create),
        )
        .route(
            "/so-dang-ky/{id}",
            get(communities::show).post(communities::update),
        )
        .route(
            "/so-dang-ky/nhap",
            post(register::import_register)
                .layer(axum::extract::DefaultBodyLimit::max(register::MAX_UPLOAD)),
        )
        .route("/nhat-ky", get(audit::audit))
        .route("/phan-tich", get(analytics::show))
        .route("/gia-mao", get(impersonation::show))
        .route("/gia-mao/quyet-dinh", post(impersonation::decide))
        .route(
            "/gia-mao/anh-dai-dien/{id}",
            post(impersonation::avatar).layer(axum::extract::DefaultBodyLimit::max(
                impersonation::MAX_AVATAR,
            )),
        )
        .route(
            "/kiem-tra-anh",
            get(media_check::show).post(media_check::check).layer(
                axum::extract::DefaultBodyLimit::max(app::media_check::MEDIA_MAX_BYTES),
            ),
        )
        .route(
            "/ghi-nhan",
            get(capture::show)
                .post(capture::capture)
                .layer(axum::extract::DefaultBodyLimit::max(capture::MAX_BODY)),
        )
        .route(
            "/tai-len",
            get(uploads::show)
                .post(uploads::upload)
                .layer(axum::extract::DefaultBodyLimit::max(uploads::MAX_UPLOAD)),
        )
        .route("/tai-len/{id}", get(uploads::job))
        .route("/bao-cao", get(reports::show))
        .route("/bao-cao/tai/{file}", get(reports::download))
        .route("/bao-cao/duyet", post(reports::approve))
        .route("/bao-cao/lap", post(reports::request))
        .route("/bao-cao/tep/{sha}", get(reports::kept))
        .route("/ke-khai", get(member::declarations).post(member::declare))
        .route("/canh-bao", get(alerts::alerts))
        .route(
            "/thu-vien",
            get(library::show)
                .post(library::add)
                .layer(axum::extract::DefaultBodyLimit::max(library::MAX_BODY)),
        )
        .route("/thu-vien/{id}", get(library::document))
        .route("/thu-vien/{id}/tep", get(library::file))
        .route("/danh-gia", get(evaluation::show))
        .route("/danh-gia/xuat", get(evaluation::export))
        .route("/danh-gia/dieu-chinh", post(evaluation::adjust))
        .route("/don-vi", get(follow_up::unit_members))
        .route("/don-vi/nhac-nho", post(follow_up::remind))
        .route("/don-vi/so-huu", post(follow_up::decide_ownership))
        .route("/canh-bao/quyet-dinh", post(alerts::decide_alert))
        .route("/ky-cam-ket", post(member::sign))
        .route("/canh-bao/ho-so", post(cases::from_alerts))
        .route("/canh-bao/{id}", get(cases::alert))
        .route("/quan-tri", get(admin::show))
        .route("/quan-tri/viec-nen", get(admin::jobs))
        .route("/tinh", get(province::overview))
        .route("/quan-tri/luu-giu", post(admin::set_retention))
        .route("/quan-tri/xoa-qua-han", post(admin::request_purge))
        .route("/quan-tri/nguoi-dung", post(admin::create_user))
        .route("/quan-tri/dat-lai-mat-khau", post(admin::reset_password))
        .route("/quan-tri/don-vi", post(admin::create_unit))
        .route("/quan-tri/ma-api", post(admin::create_token))
        .route("/quan-tri/thu-hoi-ma", post(admin::revoke_token))
        .route("/quan-tri/khoa", post(admin::disable_user))
        .route("/quan-tri/mo-khoa", post(admin::enable_user))
        .route("/quan-tri/doi-vai-tro", post(admin::change_role))
        .route("/kiem-chung", get(detection::show))
        .route(
            "/kiem-chung/nhap",
            post(detection::import_factchecks)
                .layer(axum::extract::DefaultBodyLimit::max(detection::MAX_FILE)),
        )
        .route(
            "/bo-luat/nhap",
            post(detection::import_pack)
                .layer(axum::extract::DefaultBodyLimit::max(detection::MAX_FILE)),
        )
        .route("/bo-luat/che-do", post(detection::set_shadow))
        .route("/ho-so", get(cases::list))
        .route("/ho-so/{id}", get(cases::show))
        .route("/ho-so/{id}/giao", post(cases::assign))
        .route("/ho-so/{id}/xu-ly", post(cases::act))
        .route("/ho-so/{id}/trang-thai", post(cases::set_status))
        .route("/ho-so/{id}/tach", post(cases::split))
        .route("/ho-so/{id}/gop", post(cases::merge))
        .route("/ho-so/{id}/tach-ho-so", post(cases::unmerge))
        .route(
            "/ho-so/{id}/chung-cu",
            post(cases::upload_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(cases::MAX_EVIDENCE)),
        )
        .route("/ho-so/{id}/chung-cu/{sha}", get(cases::download_evidence))
        .route("/ho-so/{id}/cong-van", get(cases::letter))
        .route(
            "/bao-tin",
            get(tips::new_tip)
                .post(tips::submit)
                .layer(axum::extract::DefaultBodyLimit::max(tips::MAX_BODY)),
        )
        .route("/bao-tin/{code}", get(tips::status_page))
        .route(
            "/api/v1/tips",
            post(tips::api_submit).layer(axum::extract::DefaultBodyLimit::max(tips::MAX_BODY)),
        )
        .route("/api/v1/tips/{code}", get(tips::api_status))
        .route("/tin-bao", get(tips::queue))
        .route("/tin-bao/{id}/tra-loi", post(tips::answer))
        .route("/tin-bao/{id}/anh/{sha}", get(tips::picture))
        .route(
            "/webhooks/{platform}",
            post(tips::webhook).layer(axum::extract::DefaultBodyLimit::max(1 << 20)),
        )
        .route(
            "/canh-bao-nguoi-dan",
            get(warnings::list).post(warnings::draft),
        )
        .route("/canh-bao-nguoi-dan/ban-tin", get(warnings::digest))
        .route(
            "/canh-bao-nguoi-dan/{id}",
            get(warnings::show).post(warnings::save),
        )
        .route("/canh-bao-nguoi-dan/{id}/van-ban.txt", get(warnings::text))
        .route("/canh-bao-nguoi-dan/{id}/the.png", get(warnings::card))
        .route("/canh-bao-nguoi-dan/{id}/dang", post(warnings::publish))
        .route("/nguon", get(sources::show).post(sources::add))
        .route("/nguon/{id}/keo", post(sources::pull))
        .route("/nguon/{id}/dung", post(sources::stop))
        .route("/kiem-tra-dinh-ky", get(checks::show))
        .route(
            "/kiem-tra-dinh-ky/{community}/anh/{sha}",
            get(checks::screenshot),
        )
        .route(
            "/kiem-tra-dinh-ky/{community}",
            post(checks::record).layer(axum::extract::DefaultBodyLimit::max(checks::MAX_BODY)),
        )
        .route("/chia-se", get(sharing::show))
        .route("/chia-se/trao-doi", post(sharing::exchange))
        .route("/taxii2/", get(taxii::discovery))
        .route("/taxii2/api1/", get(taxii::api_root))
        .route("/taxii2/api1/collections/", get(taxii::collections))
        .route("/taxii2/api1/collections/{id}/", get(taxii::one_collection))
        .route(
            "/taxii2/api1/collections/{id}/objects/",
            get(taxii::objects)
                .post(taxii::add_objects)
                .layer(axum::extract::DefaultBodyLimit::max(10_485_760)),
        )
        .route("/taxii2/api1/status/{id}/", get(taxii::status))
        .route(
            "/taxii2/api1/collections/{id}/manifest/",
            get(taxii::manifest),
        )
        .route("/api/v1/units", get(api::units))
        .route("/api/v1/members", get(api::members))
        .route("/api/v1/communities", get(api::communities))
        .route("/api/v1/items", get(api::items))
        .route("/api/v1/signals", get(api::signals))
        .route("/api/v1/alerts", get(api::alerts))
        .route("/api/v1/cases", get(api::cases))
        .route("/api/v1/cases/{id}", get(api::case))
        .route("/api/v1/factchecks", get(api::factchecks))
        .route("/api/v1/reports", get(api::reports))
        .route("/api/v1/analytics", get(api::analytics))
        .route("/api/v1/impersonation", get(api::impersonation))
        .route(
            "/api/v1/impersonation/decisions",
            post(api::impersonation_decision),
        )
        .route(
            "/api/v1/captures",
            post(api::capture).layer(axum::extract::DefaultBodyLimit::max(capture::MAX_BODY)),
        )
        .route("/api/v1/reports/{file}", get(api::report_file))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route(
            "/static/style.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }),
        )
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(catch_panic))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::map_response(
            move |mut r: Response| async move {
                // Reached over HTTPS (served with TLS, or behind it): browsers keep to it.
                if hsts {
                    r.headers_mut().insert(
                        header::STRICT_TRANSPORT_SECURITY,
                        HeaderValue::from_static("max-age=31536000"),
                    );
                }
                r
            },
        ))
        .with_state(state)
}

/// Strict CSP (no script at all, styles from ourselves only), no framing, no sniffing, no referrer.
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// How much of the server one connection, one address and one request may hold.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// A request's headers must arrive within this (against connections that never finish).
    pub header_timeout: Duration,
    /// A whole request, body included, is answered within this or refused with 408.
    pub request_timeout: Duration,
    /// A connection lives at most this long, however busy.
    pub connection_lifetime: Duration,
    /// Connections open at once from one address (an office behind one address has room).
    pub per_address: usize,
    /// Connections open at once in all.
    pub total: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            connection_lifetime: Duration::from_secs(15 * 60),
            per_address: 128,
            total: 4_096,
        }
    }
}

/// Serves until the process ends; `on_ready` gets the bound address (port 0 picks a free one).
/// With `tls`, every connection is HTTPS (its handshake within the header timeout).
pub fn serve(
    state: Arc<AppState>,
    bind: &str,
    tls: Option<Arc<rustls::ServerConfig>>,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        on_ready(listener.local_addr()?);
        tokio::spawn(jobs_on_schedule(state.clone()));
        serve_on(listener, router(state), ConnectionLimits::default(), tls).await;
        Ok(())
    })
}

/// The servers' scheduled work, shared out through the store's jobs (`app::jobs`), so that
/// several `serve` processes on one database do each piece once: the official channels' pulls
/// when their interval has passed and the daily watch on the register, the exchange with the
/// sharing partners every `SOKENH_SHARE_INTERVAL` seconds (900 by default; 0 turns it off), the
/// answers owed in chats every minute and the daily purge of reporters' contacts, screening
/// what no ingest screened every minute, the month's report on the next month's first days and
/// the reports users ask for in the background (`app::jobs` has the whole list). Every
/// `SOKENH_SOURCE_CHECK` seconds (30 by default, at most 60) this server schedules what is due
/// and runs due jobs one after another; each run is audited by its use case, a failure logged
/// (never a credential) and tried again later by whichever server claims it.
async fn jobs_on_schedule(state: Arc<AppState>) {
    let seconds = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let tick = Duration::from_secs(seconds("SOKENH_SOURCE_CHECK", 30).clamp(1, 60));
    let schedule = app::jobs::Schedule {
        exchange_every: seconds("SOKENH_SHARE_INTERVAL", 900) as i64,
        replies_every: 60,
    };
    let worker = format!(
        "{}:{}",
        std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "sokenh".into()),
        std::process::id()
    );
    let actor = || app::Actor {
        name: "sokenh:lịch".into(),
        ..app::Actor::cli()
    };
    loop {
        tokio::time::sleep(tick).await;
        if let Err(e) = state
            .use_case(move |app| app.schedule_jobs(&actor(), chrono::Utc::now(), schedule))
            .await
        {
            app::log::event(
                app::log::Level::Warning,
                "job.schedule",
                &[("detail", &e.0.message)],
            );
        }
        loop {
            let worker = worker.clone();
            let ran = state
                .use_case(move |app| app.run_next_job(&actor(), &worker, chrono::Utc::now()))
                .await;
            match ran {
                Ok(Some(run)) => {
                    if let Some(e) = &run.error {
                        // A pull's key is its source's id and last pull; the others', a time.
                        let attempt = run.attempt.to_string();
                        let source = run.key.split('@').next().unwrap_or("");
                        let mut fields: Vec<(&str, &dyn std::fmt::Display)> =
                            vec![("attempt", &attempt), ("detail", e)];
                        if run.kind == app::jobs::SOURCE_PULL {
                            fields.insert(0, ("source", &source));
                        }
                        app::log::event(app::log::Level::Warning, &run.kind, &fields);
                    }
                    if run.changed {
                        state.changed().await;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    app::log::event(
                        app::log::Level::Warning,
                        "job.run",
                        &[("detail", &e.0.message)],
                    );
                    break;
                }
            }
        }
    }
}

/// The accept loop: every connection counted against its address and the total (over either,
/// it is closed at once), its headers read within the timeout, each request answered within
/// its own, and the connection closed at the end of its lifetime.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnectionLimits,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    let open: Arc<Mutex<HashMap<std::net::IpAddr, usize>>> = Arc::default();
    let total = Arc::new(tokio::sync::Semaphore::new(limits.total));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors or a connection reset before it was taken: go on.
                app::log::event(app::log::Level::Warning, "accept.failed", &[("detail", &e)]);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = total.clone().try_acquire_owned() else {
            continue;
        };
        let Some(slot) = AddressSlot::take(&open, peer.ip(), limits.per_address) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _held = (permit, slot);
            match tls {
                None => serve_connection(stream, app, peer, limits).await,
                Some(acceptor) => {
                    // A handshake that never finishes holds a slot no longer than headers may.
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await
                    {
                        serve_connection(stream, app, peer, limits).await;
                    }
                }
            }
        });
    }
}

/// One connection's requests, within the limits.
async fn serve_connection<I>(
    io: I,
    app: Router,
    peer: std::net::SocketAddr,
    limits: ConnectionLimits,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let mut app = app.clone();
            async move {
                let answer = tower_service::Service::call(&mut app, req.map(axum::body::Body::new));
                match tokio::time::timeout(limits.request_timeout, answer).await {
                    Ok(r) => r,
                    Err(_) => Ok(pages::error_page(
                        axum::http::StatusCode::REQUEST_TIMEOUT,
                        "Yêu cầu quá lâu, máy chủ đã dừng nó. Hãy thử lại.",
                    )),
                }
            }
        });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(hyper_util::rt::TokioIo::new(io), service);
    let _ = tokio::time::timeout(limits.connection_lifetime, conn).await;
}

/// One open connection of an address; given back when dropped.
struct AddressSlot {
    open: Arc<Mutex<HashMap<std::net::IpAddr, usize>>>,
    ip: std::net::IpAddr,
}

impl AddressSlot {
    fn take(
        open: &Arc<Mutex<HashMap<std::net::IpAddr, usize>>>,
        ip: std::net::IpAddr,
        max: usize,
    ) -> Option<AddressSlot> {
        let mut m = lock(open);
        let n = m.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            open: open.clone(),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut m = lock(&self.open);
        if let Some(n) = m.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A use case that panics (as the upload job's reading could) is answered as an internal
    /// error with the panic's message, and the state keeps serving use cases afterwards.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_use_case_that_panics_is_an_internal_error_and_serving_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let app = app::App::open(dir.path(), None).unwrap();
        let state = AppState::new(
            app,
            Services::standard(dir.path()).unwrap(),
            Limits::default(),
        );
        let e = state
            .changing(|_| -> Result<(), app::Error> {
                panic!("the file's line 7 broke the reader")
            })
            .await
            .unwrap_err();
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(matches!(e.0.kind, app::ErrorKind::Internal));
        assert!(
            e.0.to_string()
                .contains("panic: the file's line 7 broke the reader"),
            "{}",
            e.0
        );
        let units = state
            .use_case(|app| Ok(app.store()?.units()?.len()))
            .await
            .unwrap();
        assert_eq!(units, 0);
    }

    /// An index whose writer another process holds.
    struct Busy;
    impl Searcher for Busy {
        fn catch_up(&self, _: &mut Store) -> anyhow::Result<()> {
            anyhow::bail!("the index writer is locked")
        }
        fn search(&self, q: &search::SearchQuery) -> anyhow::Result<Vec<search::Hit>> {
            Ok(vec![search::Hit {
                id: q.text.clone(),
                community_url: None,
                published_at: String::new(),
                score: 1.0,
                snippet: String::new(),
            }])
        }
    }

    /// One HTTP/1.1 request over a fresh connection: (status, Set-Cookie pairs, body).
    pub(crate) async fn http(
        addr: std::net::SocketAddr,
        method: &str,
        path: &str,
        cookie: &str,
        form: &str,
    ) -> (u16, Vec<String>, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        );
        c.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        c.read_to_end(&mut out).await.unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let cookies = head
            .lines()
            .filter_map(|l| l.strip_prefix("set-cookie: "))
            .filter_map(|c| c.split(';').next())
            .map(str::to_owned)
            .collect();
        (status, cookies, body.to_owned())
    }

    /// Serves `state` on a free port of this runtime.
    pub(crate) async fn spawn(state: Arc<AppState>) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve_on(
            listener,
            router(state),
            ConnectionLimits::default(),
            None,
        ));
        addr
    }

    /// A connection from `from` (any 127.x address) that sends part of its headers and stops.
    async fn half_open(from: &str, to: std::net::SocketAddr) -> tokio::net::TcpStream {
        use tokio::io::AsyncWriteExt;
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
        let mut c = socket.connect(to).await.unwrap();
        c.write_all(b"GET /dang-nhap HTTP/1.1\r\nHost: t\r\n")
            .await
            .unwrap();
        c
    }

    /// Whether the server closed the connection within `within`.
    async fn closed(c: &mut tokio::net::TcpStream, within: Duration) -> bool {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 512];
        loop {
            match tokio::time::timeout(within, c.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue, // a 408 before closing
                Err(_) => return false,
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn half_open_connections_are_capped_per_address_and_timed_out() {
        let state = crate::auth::tests::state(Limits::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = ConnectionLimits {
            header_timeout: Duration::from_millis(700),
            per_address: 4,
            ..ConnectionLimits::default()
        };
        tokio::spawn(serve_on(listener, router(state), limits, None));
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(half_open("127.0.0.2", addr).await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        // The fifth from the same address is closed at once; another address is served.
        let mut fifth = half_open("127.0.0.2", addr).await;
        assert!(
            closed(&mut fifth, Duration::from_millis(300)).await,
            "over the cap"
        );
        let (status, _, _) = http(addr, "GET", "/dang-nhap", "", "").await;
        assert_eq!(status, 200, "another address is not held up");
        // The held connections never finish their headers: closed at the timeout.
        for c in &mut held {
            assert!(closed(c, Duration::from_secs(3)).await, "header timeout");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut again = half_open("127.0.0.2", addr).await;
        assert!(
            !closed(&mut again, Duration::from_millis(200)).await,
            "slots given back"
        );
    }

    /// Signs in through the form (its anti-forgery cookie and field); the session cookie.
    pub(crate) async fn sign_in(addr: std::net::SocketAddr, user: &str, password: &str) -> String {
        let (_, cookies, body) = http(addr, "GET", "/dang-nhap", "", "").await;
        let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
        let form = format!(
            "csrf={}&username={user}&password={password}",
            &body[at..at + 64]
        );
        let (status, cookies, body) = http(addr, "POST", "/dang-nhap", &cookies[0], &form).await;
        assert_eq!(status, 303, "{body}");
        cookies[0].clone()
    }

    pub(crate) fn add_user(
        state: &AppState,
        name: &str,
        password: &str,
        role: domain::Role,
    ) -> i64 {
        let user = domain::User {
            id: 0,
            username: name.into(),
            role,
            unit: None,
            member: None,
            must_change: false,
            disabled_at: None,
            commune: None,
        };
        let hash = hash_password(password).unwrap();
        state
            .app
            .store()
            .unwrap()
            .create_user("t", &user, &hash)
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_is_answered_with_a_reference_and_the_server_keeps_serving() {
        let state = crate::auth::tests::state_with(
            Limits::default(),
            // The panic comes in the middle of a change: its transaction must not stay open.
            Arc::new(|s: &mut Store, _: &report::Period| {
                let _: store::Result<()> = s.transaction(|s| {
                    s.record("figures", "half.done", "x", serde_json::json!({}))?;
                    panic!("a bug in the figures")
                });
                unreachable!()
            }),
        );
        add_user(&state, "canbo", "mat-khau-dai-2026", domain::Role::Officer);
        let addr = spawn(state.clone()).await;
        let cookie = sign_in(addr, "canbo", "mat-khau-dai-2026").await;
        // The figures panic while the store is locked: answered 500, with a reference only.
        for _ in 0..2 {
            let (status, _, body) = http(addr, "GET", "/tong-quan", &cookie, "").await;
            assert_eq!(status, 500, "{body}");
            assert!(body.contains("mã tham chiếu"), "{body}");
            assert!(!body.contains("a bug in the figures"), "{body}");
        }
        // The store is not poisoned: pages that read it and a new sign-in still work, and the
        // half-done change was rolled back while the sign-in's audit event was kept.
        let (status, _, _) = http(addr, "GET", "/so-dang-ky", &cookie, "").await;
        assert_eq!(status, 200);
        sign_in(addr, "canbo", "mat-khau-dai-2026").await;
        let actions: Vec<String> = state
            .app
            .store()
            .unwrap()
            .audit_events()
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(!actions.iter().any(|a| a == "half.done"), "{actions:?}");
        assert_eq!(
            actions.iter().filter(|a| *a == "login").count(),
            2,
            "{actions:?}"
        );

        // A panic in a handler itself (outside the store) is caught by the layer.
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = Router::new()
            .route("/p", get(boom))
            .layer(axum::middleware::from_fn(catch_panic));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let (status, _, body) = http(at, "GET", "/p", "", "").await;
        assert_eq!(status, 500);
        assert!(body.contains("mã tham chiếu"), "{body}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_password_reset_or_change_ends_the_accounts_other_sessions() {
        let state = crate::auth::tests::state(Limits::default());
        add_user(&state, "quantri", "mat-khau-quan-tri", domain::Role::Admin);
        add_user(&state, "canbo", "mat-khau-dai-2026", domain::Role::Officer);
        let addr = spawn(state.clone()).await;
        let admin = sign_in(addr, "quantri", "mat-khau-quan-tri").await;
        let laptop = sign_in(addr, "canbo", "mat-khau-dai-2026").await;
        let phone = sign_in(addr, "canbo", "mat-khau-dai-2026").await;
        assert_eq!(http(addr, "GET", "/so-dang-ky", &laptop, "").await.0, 200);
        // The officer changes the password on the phone: the laptop is signed out.
        let (_, _, page) = http(addr, "GET", "/doi-mat-khau", &phone, "").await;
        let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        let token = page[at..at + 64].to_owned();
        let form = format!("csrf={token}&new=mat-khau-moi-2026&again=mat-khau-moi-2026");
        assert_eq!(
            http(addr, "POST", "/doi-mat-khau", &phone, &form).await.0,
            303
        );
        assert_eq!(http(addr, "GET", "/so-dang-ky", &laptop, "").await.0, 303);
        assert_eq!(http(addr, "GET", "/so-dang-ky", &phone, "").await.0, 200);
        // The admin resets it: the phone is signed out too.
        let (_, _, page) = http(addr, "GET", "/quan-tri", &admin, "").await;
        let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        let token = page[at..at + 64].to_owned();
        let form = format!("csrf={token}&username=canbo&password=tam-thoi-2026-x");
        assert_eq!(
            http(addr, "POST", "/quan-tri/dat-lai-mat-khau", &admin, &form)
                .await
                .0,
            200
        );
        assert_eq!(http(addr, "GET", "/so-dang-ky", &phone, "").await.0, 303);
        assert_eq!(http(addr, "GET", "/so-dang-ky", &admin, "").await.0, 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sign_in_needs_its_forms_token_and_long_names_are_logged_cut() {
        let state = crate::auth::tests::state(Limits::default());
        add_user(&state, "canbo", "mat-khau-dai-2026", domain::Role::Officer);
        let addr = spawn(state.clone()).await;
        // Without the page's cookie and field (a form posted from elsewhere): refused.
        let (status, _, _) = http(
            addr,
            "POST",
            "/dang-nhap",
            "",
            "username=canbo&password=mat-khau-dai-2026",
        )
        .await;
        assert_eq!(status, 403);
        let (_, cookies, body) = http(addr, "GET", "/dang-nhap", "", "").await;
        let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
        let wrong = format!(
            "csrf={}&username=canbo&password=mat-khau-dai-2026",
            "0".repeat(64)
        );
        assert_eq!(
            http(addr, "POST", "/dang-nhap", &cookies[0], &wrong)
                .await
                .0,
            403
        );
        // A 1.5 MB username fails, and the audit log keeps a few dozen characters of it.
        let long = format!(
            "csrf={}&username={}&password=x",
            &body[at..at + 64],
            "a".repeat(1_500_000)
        );
        assert_eq!(
            http(addr, "POST", "/dang-nhap", &cookies[0], &long).await.0,
            401
        );
        let events = state.app.store().unwrap().audit_events().unwrap();
        let last = events.last().unwrap();
        assert_eq!(last.action, "login.failed");
        assert!(last.details.len() < 200, "{}", last.details.len());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_upload_is_refused_by_role_before_its_body_is_read() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let state = crate::auth::tests::state(Limits::default());
        add_user(
            &state,
            "dangvien",
            "mat-khau-dai-2026",
            domain::Role::Member,
        );
        let addr = spawn(state.clone()).await;
        let cookie = sign_in(addr, "dangvien", "mat-khau-dai-2026").await;
        // Nine megabytes announced, a few bytes sent, and the connection left open: the answer
        // comes at once, without waiting for the body.
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /so-dang-ky/nhap HTTP/1.1\r\nHost: t\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n--XyZ\r\n",
            9 << 20
        );
        c.write_all(head.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), c.read(&mut buf))
            .await
            .expect("answered without the body")
            .unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_password_spray_from_one_address_is_slowed_not_locked_out() {
        let state = crate::auth::tests::state(Limits::default());
        let ip: std::net::IpAddr = "10.0.0.7".parse().unwrap();
        for _ in 0..crate::auth::ADDRESS_FREE_FAILURES {
            state.address_failed(ip);
        }
        assert_eq!(
            state.address_delay(ip),
            Duration::ZERO,
            "an office mistypes"
        );
        for _ in 0..4 {
            state.address_failed(ip);
        }
        assert_eq!(state.address_delay(ip), Duration::from_millis(1000));
        for _ in 0..100 {
            state.address_failed(ip);
        }
        assert_eq!(state.address_delay(ip), Duration::from_secs(5), "at most");
        let other: std::net::IpAddr = "10.0.0.8".parse().unwrap();
        assert_eq!(state.address_delay(other), Duration::ZERO);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_busy_index_is_searched_as_it_is() {
        let state = crate::auth::tests::state_with_index(
            Limits::default(),
            Arc::new(|_: &mut Store, _: &report::Period| Ok(report::Figures::default())),
            Arc::new(Busy),
        );
        let q = search::SearchQuery {
            text: "thach quang".into(),
            limit: 20,
            ..Default::default()
        };
        let hits = state
            .search(q)
            .await
            .expect("answered despite the failed catch-up");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].id, "thach quang");
    }
}
