//! `web`: the web application — the only crate that knows HTTP. An axum server rendering
//! Vietnamese pages on the server (maud: escaped by construction), one embedded stylesheet, no
//! script; local accounts with Argon2id hashes, sessions in an HttpOnly SameSite=Strict cookie
//! with idle and absolute expiry, a CSRF token on every form, login rate limiting, forced password
//! change; roles and unit scope as DESIGN.md says; security headers on every response; and the
//! JSON API under `/api/v1` (401 without a session).
//!
//! The store is shared behind a mutex and used from blocking tasks; what the dashboard shows
//! comes from a figures function the binary hands in (`sokenh::report::figures`, the same numbers
//! the periodic report prints).

mod admin;
mod api;
mod auth;
mod cases;
mod communities;
mod detection;
mod i18n;
mod pages;
mod upload;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

pub use api::{new_token, token_sha256};
pub use auth::{hash_password, verify_password};

/// The period's figures as JSON (`sokenh::report::Figures`), for the dashboard.
pub type FiguresFn = dyn Fn(&mut Store, chrono::NaiveDate, chrono::NaiveDate) -> anyhow::Result<serde_json::Value>
    + Send
    + Sync;

/// A case's takedown request letter as DOCX, recorded on the case's timeline as made by the
/// given actor (`sokenh::report::letter::docx_for_case`).
pub type LetterFn = dyn Fn(&mut Store, i64, &str) -> anyhow::Result<Vec<u8>> + Send + Sync;

/// The posts' full-text index, as the binary keeps it (`sokenh::posts`).
pub trait Searcher: Send + Sync {
    /// Adds the items stored since the last call; runs under the store's lock.
    fn catch_up(&self, store: &mut Store) -> anyhow::Result<()>;
    /// Answers a query; needs no store.
    fn search(&self, q: &search::SearchQuery) -> anyhow::Result<Vec<search::Hit>>;
}

/// One detection rule as the rules page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRow {
    pub id: String,
    pub category: String,
    pub version: String,
    pub weight: f32,
    pub shadow: bool,
}

/// The detection rules and the fact-check format, as the binary's `detect` engine has them.
pub trait Rules: Send + Sync {
    fn list(&self) -> anyhow::Result<Vec<RuleRow>>;
    /// Checks and keeps an office rule pack (TOML); returns a summary, or why it was refused.
    fn import_pack(
        &self,
        store: &mut Store,
        actor: &str,
        name: &str,
        text: &str,
    ) -> anyhow::Result<String>;
    /// Puts a rule in shadow mode (or takes it out), with an audit event.
    fn set_shadow(
        &self,
        store: &mut Store,
        actor: &str,
        rule: &str,
        shadow: bool,
    ) -> anyhow::Result<()>;
    /// A fact-check register file (CSV or ClaimReview JSON): the entries, and (line, reason) of
    /// the rows refused.
    fn parse_factchecks(&self, text: &str) -> (Vec<domain::FactCheck>, Vec<(u64, String)>);
}

/// How often the search page brings the index up to date with the store.
pub const SEARCH_CATCH_UP: Duration = Duration::from_secs(10);

/// What the binary hands the web application: the functions that live in other crates, and where
/// evidence files are kept.
pub struct Services {
    pub figures: Arc<FiguresFn>,
    pub letter: Arc<LetterFn>,
    pub searcher: Arc<dyn Searcher>,
    pub rules: Arc<dyn Rules>,
    /// Evidence files, each at `<dir>/<sha256[0..2]>/<sha256>`, written once, never changed.
    pub evidence_dir: std::path::PathBuf,
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
    pub store: Mutex<Store>,
    pub figures: Arc<FiguresFn>,
    pub letter: Arc<LetterFn>,
    pub searcher: Arc<dyn Searcher>,
    pub rules: Arc<dyn Rules>,
    pub evidence_dir: std::path::PathBuf,
    pub limits: Limits,
    /// When the index last caught up with the store.
    search_synced: Mutex<Option<std::time::Instant>>,
    /// Searches running at once: one per core, the rest wait in turn (first come, first served)
    /// rather than all sharing the cores and all finishing late.
    search_slots: tokio::sync::Semaphore,
    sessions: Mutex<HashMap<String, auth::Session>>,
    /// The dashboard's figures for a month, computed at most once a minute.
    figures_cache: Mutex<
        Option<(
            std::time::Instant,
            chrono::NaiveDate,
            Arc<serde_json::Value>,
        )>,
    >,
    failures: Mutex<HashMap<String, (u32, std::time::Instant)>>,
    /// Held by the request computing the month's figures.
    figures_busy: tokio::sync::Mutex<()>,
    /// What most pages read — units, the register, alerts, cases — loaded at most every
    /// [`SNAPSHOT_TTL`] and dropped by [`AppState::changed`] after a change made here.
    snapshot: Mutex<Option<Arc<Snapshot>>>,
    /// Held by the request reading a new snapshot.
    reloading: tokio::sync::Mutex<()>,
    /// Counts changes made here: a snapshot read while a change happened is not kept.
    generation: std::sync::atomic::AtomicU64,
}

/// How long the dashboard's figures are reused.
pub const FIGURES_TTL: Duration = Duration::from_secs(60);

/// How long a snapshot serves before it is read again (changes made by other processes — the
/// CLI's imports and ingests — appear within this time; changes made here, at once).
pub const SNAPSHOT_TTL: Duration = Duration::from_secs(5);

/// The register and the work queues as read at one moment.
pub struct Snapshot {
    pub units: Vec<domain::Unit>,
    pub communities: Vec<domain::Community>,
    /// `text::fold` of each community's name, in the same order (for search as you type).
    pub folded: Vec<String>,
    /// Community URL → its place in `communities` (to name the page of a search hit).
    pub by_url: HashMap<String, usize>,
    pub alerts: Vec<domain::StoredAlert>,
    /// Open alerts per category (the dashboard's table), counted once per snapshot.
    pub open_alerts: std::collections::BTreeMap<domain::Category, u64>,
    pub cases: Vec<domain::Case>,
    at: std::time::Instant,
}

impl AppState {
    pub fn new(store: Store, services: Services, limits: Limits) -> Arc<AppState> {
        Arc::new(AppState {
            store: Mutex::new(store),
            figures: services.figures,
            letter: services.letter,
            searcher: services.searcher,
            rules: services.rules,
            search_synced: Mutex::new(None),
            search_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            evidence_dir: services.evidence_dir,
            limits,
            sessions: Mutex::new(HashMap::new()),
            figures_cache: Mutex::new(None),
            failures: Mutex::new(HashMap::new()),
            figures_busy: tokio::sync::Mutex::new(()),
            snapshot: Mutex::new(None),
            reloading: tokio::sync::Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The current snapshot, read again when older than [`SNAPSHOT_TTL`] or after a change.
    /// A stale snapshot is read again by one request while the others keep being served the
    /// one they have; only after a change made here (no snapshot at all) do pages wait for it.
    pub async fn snapshot(self: &Arc<Self>) -> anyhow::Result<Arc<Snapshot>> {
        let current = self.snapshot.lock().expect("snapshot").clone();
        if let Some(s) = &current {
            if s.at.elapsed() < SNAPSHOT_TTL {
                return Ok(s.clone());
            }
            let Ok(_reloading) = self.reloading.try_lock() else {
                return Ok(s.clone());
            };
            return self.reload().await;
        }
        let _reloading = self.reloading.lock().await;
        if let Some(s) = self.snapshot.lock().expect("snapshot").clone() {
            return Ok(s); // read by the request this one waited for
        }
        self.reload().await
    }

    /// Reads the snapshot from the store; the caller holds `reloading`.
    async fn reload(self: &Arc<Self>) -> anyhow::Result<Arc<Snapshot>> {
        use std::sync::atomic::Ordering;
        let generation = self.generation.load(Ordering::SeqCst);
        let fresh = self
            .with_store(|s| {
                let communities = s.communities()?;
                let alerts = s.alerts()?;
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
                    units: s.units()?,
                    folded: communities.iter().map(|c| text::fold(&c.name)).collect(),
                    communities,
                    alerts,
                    open_alerts,
                    cases: s.cases()?,
                    at: std::time::Instant::now(),
                })
            })
            .await?;
        let fresh = Arc::new(fresh);
        let mut slot = self.snapshot.lock().expect("snapshot");
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
            let mut at = self.search_synced.lock().expect("search clock");
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
                eprintln!("chỉ mục chưa cập nhật được / index not caught up: {e:#}");
            }
        }
        let _slot = self.search_slots.acquire().await?;
        let searcher = self.searcher.clone();
        tokio::task::spawn_blocking(move || searcher.search(&q)).await?
    }

    /// Something was written here: the next page reads the store again.
    pub async fn changed(&self) {
        let mut slot = self.snapshot.lock().expect("snapshot");
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *slot = None;
    }

    /// The month's figures from `from` to `to`, reused for a minute: over a million posts they take
    /// seconds (the report's topics and spikes), and a dashboard is opened often. Expired figures
    /// are computed again by one request while the others are shown the previous ones; only the
    /// first dashboard of a month waits.
    pub async fn month_figures(
        self: &Arc<Self>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> anyhow::Result<Arc<serde_json::Value>> {
        let cached = self
            .figures_cache
            .lock()
            .expect("cache")
            .clone()
            .filter(|(_, month, _)| *month == from);
        if let Some((at, _, v)) = &cached {
            if at.elapsed() < FIGURES_TTL {
                return Ok(v.clone());
            }
            let Ok(_busy) = self.figures_busy.try_lock() else {
                return Ok(v.clone());
            };
            return self.compute_figures(from, to).await;
        }
        let _busy = self.figures_busy.lock().await;
        if let Some((at, month, v)) = self.figures_cache.lock().expect("cache").clone()
            && month == from
            && at.elapsed() < FIGURES_TTL
        {
            return Ok(v); // computed by the request this one waited for
        }
        self.compute_figures(from, to).await
    }

    /// Computes and keeps the figures; the caller holds `figures_busy`.
    async fn compute_figures(
        self: &Arc<Self>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> anyhow::Result<Arc<serde_json::Value>> {
        let figures = self.figures.clone();
        let v = Arc::new(self.with_store(move |s| figures(s, from, to)).await?);
        *self.figures_cache.lock().expect("cache") =
            Some((std::time::Instant::now(), from, v.clone()));
        Ok(v)
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

    /// Runs `f` on the store in a blocking task (SQLite and the PostgreSQL client block).
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = state
                .store
                .lock()
                .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
            f(&mut store)
        })
        .await?
    }
}

const STYLE: &str = include_str!("style.css");

/// Every route.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/dang-nhap", get(pages::login_form).post(pages::login))
        .route("/dang-xuat", post(pages::logout))
        .route("/ngon-ngu/{code}", get(i18n::switch))
        .route(
            "/doi-mat-khau",
            get(pages::password_form).post(pages::change_password),
        )
        .route("/tong-quan", get(pages::dashboard))
        .route("/so-dang-ky", get(pages::register))
        .route("/tim-kiem", get(pages::search))
        .route("/so-dang-ky/xuat", get(pages::export_register))
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
            post(pages::import_register)
                .layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD)),
        )
        .route("/nhat-ky", get(pages::audit))
        .route("/ke-khai", get(pages::declarations).post(pages::declare))
        .route("/canh-bao", get(pages::alerts))
        .route("/don-vi", get(pages::unit_members))
        .route("/don-vi/nhac-nho", post(pages::remind))
        .route("/canh-bao/quyet-dinh", post(pages::decide_alert))
        .route("/ky-cam-ket", post(pages::sign))
        .route("/canh-bao/ho-so", post(cases::from_alerts))
        .route("/canh-bao/{id}", get(cases::alert))
        .route("/quan-tri", get(admin::show))
        .route("/quan-tri/nguoi-dung", post(admin::create_user))
        .route("/quan-tri/dat-lai-mat-khau", post(admin::reset_password))
        .route("/quan-tri/don-vi", post(admin::create_unit))
        .route("/quan-tri/ma-api", post(admin::create_token))
        .route("/quan-tri/thu-hoi-ma", post(admin::revoke_token))
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
        .route(
            "/ho-so/{id}/chung-cu",
            post(cases::upload_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(cases::MAX_EVIDENCE)),
        )
        .route("/ho-so/{id}/chung-cu/{sha}", get(cases::download_evidence))
        .route("/ho-so/{id}/cong-van", get(cases::letter))
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
        .route("/api/v1/openapi.json", get(api::openapi))
        .route(
            "/static/style.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }),
        )
        .fallback(pages::not_found)
        .layer(axum::middleware::map_response(security_headers))
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

/// Serves until the process ends; `on_ready` gets the bound address (port 0 picks a free one).
pub fn serve(
    state: Arc<AppState>,
    bind: &str,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        on_ready(listener.local_addr()?);
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

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

    #[tokio::test(flavor = "current_thread")]
    async fn a_busy_index_is_searched_as_it_is() {
        let state = crate::auth::tests::state_with_index(
            Limits::default(),
            Arc::new(|_: &mut Store, _, _| Ok(serde_json::Value::Null)),
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

    #[tokio::test(flavor = "current_thread")]
    async fn expired_figures_are_shown_while_one_request_computes_them_again() {
        let calls = Arc::new(AtomicU64::new(0));
        let counter = calls.clone();
        let state = crate::auth::tests::state_with(
            Limits::default(),
            Arc::new(move |_: &mut Store, _, _| {
                Ok(serde_json::json!(
                    counter.fetch_add(1, Ordering::SeqCst) + 1
                ))
            }),
        );
        let (from, to) = (
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        );
        assert_eq!(*state.month_figures(from, to).await.unwrap(), 1);
        assert_eq!(*state.month_figures(from, to).await.unwrap(), 1, "reused");
        // A minute later, while another request is computing them, the old ones are shown.
        if let Some(entry) = state.figures_cache.lock().unwrap().as_mut() {
            entry.0 = std::time::Instant::now() - FIGURES_TTL - Duration::from_secs(1);
        }
        let busy = state.figures_busy.lock().await;
        assert_eq!(
            *state.month_figures(from, to).await.unwrap(),
            1,
            "not waiting"
        );
        drop(busy);
        assert_eq!(
            *state.month_figures(from, to).await.unwrap(),
            2,
            "computed again"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
