//! Accounts and sessions: Argon2id password hashes, random session ids in an HttpOnly,
//! SameSite=Strict cookie (Secure behind TLS), kept in the store by their SHA-256 (so every
//! process serving the database knows them, and each looks again every [`SESSION_RECHECK`]),
//! idle and absolute expiry, a per-session CSRF token that every form carries, and a pause after
//! repeated failed logins.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::User;
use std::sync::Arc;
use std::time::Instant;

pub const COOKIE: &str = "sokenh_phien";

pub use app::accounts::{hash_password, verify_password};

/// 32 random bytes, hex.
pub fn token() -> String {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b).expect("the OS random source");
    hex::encode(b)
}

#[derive(Clone, Debug)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    /// Unix milliseconds.
    pub created_ms: i64,
    pub seen_ms: i64,
    /// When this process last asked the store about it.
    pub(crate) checked: Instant,
}

/// How long this process trusts a session it has looked up before asking the store again: a
/// sign-out, a password change or a reset made through another process ends it here within
/// this time (at once when made here).
pub const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// What the store keeps of a session id: its SHA-256, never the id itself.
fn stored_key(id: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(id.as_bytes()))
}

impl AppState {
    /// A new session for an account, kept in the store (so every process serving it knows it);
    /// stale sessions are forgotten on the way.
    pub(crate) async fn open_session(
        self: &Arc<Self>,
        user: User,
    ) -> anyhow::Result<(String, Session)> {
        let id = token();
        let now = now_ms();
        let s = Session {
            user,
            csrf: token(),
            created_ms: now,
            seen_ms: now,
            checked: Instant::now(),
        };
        let stored = store::StoredSession {
            id_sha256: stored_key(&id),
            user_id: s.user.id,
            csrf: s.csrf.clone(),
            created_ms: now,
            seen_ms: now,
        };
        let (idle, absolute) = (self.limits.idle, self.limits.absolute);
        self.with_store(move |st| {
            st.forget_stale_sessions(
                now - idle.as_millis() as i64,
                now - absolute.as_millis() as i64,
            )?;
            Ok(st.open_session(&stored)?)
        })
        .await?;
        crate::lock(&self.sessions).insert(id.clone(), s.clone());
        Ok((id, s))
    }

    pub(crate) async fn close_session(self: &Arc<Self>, id: &str) {
        crate::lock(&self.sessions).remove(id);
        let key = stored_key(id);
        if let Err(e) = self.with_store(move |st| Ok(st.close_session(&key)?)).await {
            app::log::event(
                app::log::Level::Error,
                "session.store",
                &[("detail", &format!("{e:#}"))],
            );
        }
    }

    /// The live session for an id, touched; expired ones are dropped. Asked of the store when
    /// this process has not seen it, or not for [`SESSION_RECHECK`].
    pub(crate) async fn session(self: &Arc<Self>, id: &str) -> Option<Session> {
        let cached = crate::lock(&self.sessions).get(id).cloned();
        let (mut s, asked) = match cached {
            Some(s) if s.checked.elapsed() < SESSION_RECHECK => (s, false),
            cached => {
                let key = stored_key(id);
                match self.with_store(move |st| Ok(st.session(&key)?)).await {
                    Ok(Some((stored, user))) => (
                        Session {
                            user,
                            csrf: stored.csrf,
                            created_ms: stored.created_ms,
                            seen_ms: stored.seen_ms.max(cached.as_ref().map_or(0, |c| c.seen_ms)),
                            checked: Instant::now(),
                        },
                        true,
                    ),
                    Ok(None) => {
                        crate::lock(&self.sessions).remove(id);
                        return None;
                    }
                    // The store cannot be asked just now: a session this process knows goes on.
                    Err(e) => {
                        app::log::event(
                            app::log::Level::Error,
                            "session.store",
                            &[("detail", &format!("{e:#}"))],
                        );
                        (cached?, false)
                    }
                }
            }
        };
        let now = now_ms();
        if now - s.seen_ms > self.limits.idle.as_millis() as i64
            || now - s.created_ms > self.limits.absolute.as_millis() as i64
        {
            self.close_session(id).await;
            return None;
        }
        s.seen_ms = now;
        crate::lock(&self.sessions).insert(id.to_owned(), s.clone());
        if asked {
            // Last use, for the idle limit of the other processes: at most once a recheck.
            let key = stored_key(id);
            let _ = self
                .with_store(move |st| Ok(st.touch_session(&key, now)?))
                .await;
        }
        Some(s)
    }

    pub(crate) fn update_session_user(&self, id: &str, user: User) {
        if let Some(s) = crate::lock(&self.sessions).get_mut(id) {
            s.user = user;
        }
    }

    /// Whether this key (username + address) is paused after too many failures.
    pub(crate) fn locked_out(&self, key: &str) -> bool {
        let mut f = crate::lock(&self.failures);
        match f.get(key) {
            Some((n, since)) if *n >= self.limits.max_failures => {
                if since.elapsed() > self.limits.lockout {
                    f.remove(key);
                    false
                } else {
                    true
                }
            }
            _ => false,
        }
    }

    pub(crate) fn failed(&self, key: &str) {
        let mut f = crate::lock(&self.failures);
        let e = f.entry(key.to_owned()).or_insert((0, Instant::now()));
        if e.1.elapsed() > self.limits.lockout {
            *e = (0, Instant::now());
        }
        e.0 += 1;
        e.1 = Instant::now();
    }

    /// Ends every session of an account but `keep`, in every process (a password reset or
    /// change, a role change, a disabled account); returns how many ended.
    pub(crate) async fn end_sessions_of(
        self: &Arc<Self>,
        user_id: i64,
        keep: Option<&str>,
    ) -> anyhow::Result<u64> {
        crate::lock(&self.sessions)
            .retain(|id, s| s.user.id != user_id || Some(id.as_str()) == keep);
        let keep = keep.map(stored_key);
        self.with_store(move |st| Ok(st.end_sessions_of(user_id, keep.as_deref())?))
            .await
    }

    /// The pause before a sign-in from this address is looked at: none for its first
    /// [`ADDRESS_FREE_FAILURES`] failures in the lockout window, then a quarter second more for
    /// each, at most five seconds. A password spray from one address slows to a crawl, while an
    /// office behind one address, whose people mistype now and then, never waits, and nobody is
    /// locked out by someone else's failures.
    pub(crate) fn address_delay(&self, ip: std::net::IpAddr) -> std::time::Duration {
        let f = crate::lock(&self.address_failures);
        match f.get(&ip) {
            Some((n, since))
                if *n > ADDRESS_FREE_FAILURES && since.elapsed() < self.limits.lockout =>
            {
                std::time::Duration::from_millis(u64::from(n - ADDRESS_FREE_FAILURES) * 250)
                    .min(std::time::Duration::from_secs(5))
            }
            _ => std::time::Duration::ZERO,
        }
    }

    pub(crate) fn address_failed(&self, ip: std::net::IpAddr) {
        let mut f = crate::lock(&self.address_failures);
        if f.len() > 100_000 {
            let lockout = self.limits.lockout;
            f.retain(|_, (_, since)| since.elapsed() < lockout);
        }
        let e = f.entry(ip).or_insert((0, Instant::now()));
        if e.1.elapsed() > self.limits.lockout {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }

    pub(crate) fn succeeded(&self, key: &str) {
        crate::lock(&self.failures).remove(key);
    }

    pub(crate) fn cookie(&self, id: &str) -> String {
        self.set_cookie(COOKIE, id, "/")
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, on `path`, Secure behind TLS.
    pub(crate) fn set_cookie(&self, name: &str, value: &str, path: &str) -> String {
        let secure = if self.limits.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        format!("{name}={value}; HttpOnly; SameSite=Strict; Path={path}{secure}")
    }
}

pub(crate) fn cookie_value(parts: &Parts) -> Option<String> {
    named_cookie(&parts.headers, COOKIE)
}

/// A cookie of the request by name.
pub(crate) fn named_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The sign-in form's anti-forgery cookie: the form carries the same random value, so a page
/// elsewhere cannot sign a browser in to an account of its choosing.
pub const LOGIN_COOKIE: &str = "sokenh_dn";

/// Failures from one address (any usernames) before each further attempt from it is slowed.
pub const ADDRESS_FREE_FAILURES: u32 = 20;

/// At most `max` characters of something a user sent, for the audit log and the server log.
pub fn capped(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// The signed-in user of a page; anonymous requests are sent to the login page, and a user who
/// must change their password is sent there first.
pub struct SignedIn {
    pub session_id: String,
    pub session: Session,
    /// The language the pages are shown in.
    pub lang: crate::i18n::Lang,
}

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let found = match cookie_value(parts) {
            Some(id) => state.session(&id).await.map(|s| (id, s)),
            None => None,
        };
        let Some((id, session)) = found else {
            return Err(if api {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": "chưa đăng nhập / not signed in"})),
                )
                    .into_response()
            } else {
                Redirect::to("/dang-nhap").into_response()
            });
        };
        if session.user.must_change
            && parts.uri.path() != "/doi-mat-khau"
            && parts.uri.path() != "/dang-xuat"
        {
            return Err(if api {
                (StatusCode::FORBIDDEN, axum::Json(serde_json::json!({"error": "phải đổi mật khẩu / password change required"}))).into_response()
            } else {
                Redirect::to("/doi-mat-khau").into_response()
            });
        }
        Ok(SignedIn {
            session_id: id,
            session,
            lang: crate::i18n::Lang::of(parts),
        })
    }
}

/// 403 with a page that says why.
pub fn forbidden() -> Response {
    crate::pages::error_page(
        StatusCode::FORBIDDEN,
        "Không có quyền xem trang này / forbidden",
    )
}

/// The refusal of a permission an account's role has but its commune does not
/// (`domain::Permission::within_a_commune`): said so, not a bare "forbidden".
pub fn forbidden_in_a_commune() -> Response {
    crate::pages::error_page(
        StatusCode::FORBIDDEN,
        "Tài khoản của một xã, phường chưa dùng được trang này: dữ liệu ở đây còn chung cả tỉnh. \
         / Not open to a commune's account yet: this page's data is still the whole province's.",
    )
}

/// The refusal of `p` to an account: by its commune ([`forbidden_in_a_commune`]) where its
/// role alone would allow it, else by its role.
pub fn forbidden_to(user: &domain::User, p: domain::Permission) -> Response {
    if user.role.can(p) {
        forbidden_in_a_commune()
    } else {
        forbidden()
    }
}

/// Whether a form's CSRF token is the session's (compared in constant time).
pub fn csrf_ok(session: &Session, token: &str) -> bool {
    same(&session.csrf, token)
}

/// Two secrets compared in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    !a.is_empty()
        && a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The answer to a form whose CSRF token is not the session's.
pub fn csrf_rejected() -> Response {
    (
        StatusCode::FORBIDDEN,
        "Phiên làm việc không hợp lệ, hãy tải lại trang / CSRF token rejected",
    )
        .into_response()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::Duration;

    struct NoIndex;
    impl crate::Searcher for NoIndex {
        fn catch_up(&self, _: &mut store::Store) -> anyhow::Result<()> {
            Ok(())
        }
        fn search(&self, _: &search::SearchQuery) -> anyhow::Result<Vec<search::Hit>> {
            Ok(Vec::new())
        }
    }

    pub(crate) fn state(limits: crate::Limits) -> Arc<AppState> {
        state_with(
            limits,
            Arc::new(|_: &mut store::Store, _: &report::Period| Ok(report::Figures::default())),
        )
    }

    /// A state over a fresh SQLite store, with the given figures function and nothing else.
    pub(crate) fn state_with(
        limits: crate::Limits,
        figures: Arc<crate::FiguresFn>,
    ) -> Arc<AppState> {
        state_with_index(limits, figures, Arc::new(NoIndex))
    }

    /// The same, with a post index of the test's own.
    pub(crate) fn state_with_index(
        limits: crate::Limits,
        figures: Arc<crate::FiguresFn>,
        searcher: Arc<dyn crate::Searcher>,
    ) -> Arc<AppState> {
        let dir = tempfile::tempdir().unwrap();
        let store = store::Store::new(Box::new(
            store_sqlite::open(&dir.path().join("t.db")).unwrap(),
        ));
        let data = dir.path().to_owned();
        std::mem::forget(dir); // the store keeps the file open for the test's life
        AppState::new(
            app::App::new(store, data),
            crate::Services {
                dashboard: figures.clone(),
                figures,
                searcher,
            },
            limits,
        )
    }

    fn user() -> User {
        User {
            id: 1,
            username: "u".into(),
            role: domain::Role::Officer,
            unit: None,
            member: None,
            must_change: false,
            disabled_at: None,
            commune: None,
        }
    }

    /// A state with an account for `user()` in its store (sessions refer to their account).
    fn with_account(limits: crate::Limits) -> Arc<AppState> {
        let s = state(limits);
        s.app
            .store()
            .unwrap()
            .create_user("t", &user(), "h")
            .unwrap();
        s
    }

    #[tokio::test(flavor = "current_thread")]
    async fn sessions_expire_when_idle_and_at_their_absolute_limit() {
        let idle = with_account(crate::Limits {
            idle: Duration::from_millis(50),
            ..crate::Limits::default()
        });
        let (id, _) = idle.open_session(user()).await.unwrap();
        assert!(idle.session(&id).await.is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(idle.session(&id).await.is_none(), "idle session kept");
        assert!(
            idle.session(&id).await.is_none(),
            "an expired session stays gone"
        );

        let absolute = with_account(crate::Limits {
            absolute: Duration::from_millis(120),
            ..crate::Limits::default()
        });
        let (id, _) = absolute.open_session(user()).await.unwrap();
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(30));
            assert!(
                absolute.session(&id).await.is_some(),
                "use keeps it alive until the absolute limit"
            );
        }
        std::thread::sleep(Duration::from_millis(60));
        assert!(
            absolute.session(&id).await.is_none(),
            "absolute limit ignored"
        );
    }

    /// What the store keeps is the session, by the hash of its id: a process that never saw it
    /// (another server, or this one after a restart) finds it, and one that ended it ends it
    /// for every process at their next recheck.
    #[tokio::test(flavor = "current_thread")]
    async fn sessions_live_in_the_store_by_the_hash_of_their_id() {
        let s = with_account(crate::Limits::default());
        let (id, opened) = s.open_session(user()).await.unwrap();
        let stored = s.app.store().unwrap().session(&stored_key(&id)).unwrap();
        let (kept, account) = stored.expect("kept in the store");
        assert_eq!(
            (kept.csrf, account.username),
            (opened.csrf.clone(), "u".to_owned())
        );
        assert!(
            s.app.store().unwrap().session(&id).unwrap().is_none(),
            "never the id itself"
        );

        // As another process would: nothing cached, the store asked.
        crate::lock(&s.sessions).clear();
        assert_eq!(s.session(&id).await.unwrap().csrf, opened.csrf);
        // Ended in the store (by another process): gone here at the next recheck.
        s.app.store().unwrap().end_sessions_of(1, None).unwrap();
        crate::lock(&s.sessions).get_mut(&id).unwrap().checked -= SESSION_RECHECK;
        assert!(s.session(&id).await.is_none());
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("mat-khau-rieng").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("mat-khau-rieng", &h));
        assert!(!verify_password("mat-khau-khac", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("mat-khau-rieng").unwrap(), "salted");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_csrf_check_compares_the_whole_token() {
        let s = with_account(crate::Limits::default());
        let (_, session) = s.open_session(user()).await.unwrap();
        assert!(csrf_ok(&session, &session.csrf));
        assert!(!csrf_ok(&session, &session.csrf[..63]));
        assert!(!csrf_ok(&session, ""));
    }
}
