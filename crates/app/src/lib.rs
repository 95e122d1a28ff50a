//! `app`: the application layer, the one place every front end calls — the CLI (`sokenh`), the
//! web application (`web`) and the benchmarks (`xtask`).
//!
//! [`App`] holds what a use case needs: the store's connections ([`store::Pool`]), the data dir
//! (evidence, the search index, the pseudonym key) and one clock in Vietnam time. A use case is a
//! method of `App` that takes the [`Actor`] it runs for, asks `Role::can` for the permission it
//! needs, and answers with an [`Error`] of a kind both front ends map the same way (not found,
//! forbidden, conflict, invalid input naming its field). The modules below are the pipelines the
//! use cases are made of, public so that benchmarks run exactly what the front ends run:
//! opening the store by URL ([`db`]), the ingest-and-index pipeline ([`posts`]), the detection
//! engine from the store ([`screening`]), officers' decisions as training data ([`learning`]), the
//! impersonation scan ([`impersonation`]), the periodic report and letters ([`report`]), and the
//! server's structured log ([`log`]).

pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod backup;
pub mod capture;
pub mod cases;
pub mod commune;
pub mod db;
pub mod detection;
pub mod doctor;
mod error;
pub mod evaluation;
pub mod evidence;
pub mod exchange;
pub mod impersonation;
pub mod jobs;
pub mod learning;
pub mod library;
pub mod log;
pub mod media_check;
pub mod members;
pub mod posts;
pub mod province;
pub mod register;
pub mod report;
pub mod reports;
pub mod retention;
pub mod screening;
pub mod sharing;
pub mod sources;
pub mod tip_channels;
pub mod tips;
pub mod totp;
pub mod warnings;

pub use error::{Error, ErrorKind};

/// Writes a new file only its owner reads (a key handed to a partner); refuses to overwrite.
pub fn write_private_file(path: &std::path::Path, content: &str) -> anyhow::Result<()> {
    posts::write_private(path, content).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

use domain::{Permission, Role, UnitId};
use std::path::{Path, PathBuf};

/// Who a use case runs for: a signed-in account, an API token, or the operator at the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The name the audit log records.
    pub name: String,
    pub role: Role,
    /// The unit the actor belongs to (a unit administrator's scope).
    pub unit: Option<UnitId>,
    /// The member record a member's account speaks for.
    pub member: Option<domain::MemberId>,
    /// The commune of a province database the actor's account belongs to, all it sees
    /// (`domain::User::commune`); `None` on a commune's own database and for the province.
    pub commune: Option<UnitId>,
}

impl Actor {
    /// The operator at the terminal: whoever may run the binary on the data dir may do anything
    /// (the audit log records them as "cli").
    pub fn cli() -> Actor {
        Actor {
            name: "cli".into(),
            role: Role::Admin,
            unit: None,
            member: None,
            commune: None,
        }
    }

    /// Whether the actor may do `p`: its role's table, narrowed for a commune's account
    /// (`domain::Permission::within_a_commune`).
    pub fn can(&self, p: Permission) -> bool {
        self.role.can_as(p, self.commune.is_some())
    }

    /// Refuses what the actor may not do, and to a commune's account what is still the whole
    /// province's though its permission is kept within a commune for alerts and cases (the tip
    /// line, warnings to citizens, sources, sharing, impersonation review, the jobs, the
    /// province's overview).
    pub fn require_province(&self, p: Permission) -> Result<(), Error> {
        self.require(p)?;
        if self.commune.is_some() {
            return Err(Error::closed_to_a_commune(p));
        }
        Ok(())
    }

    /// Refuses what the actor may not do.
    pub fn require(&self, p: Permission) -> Result<(), Error> {
        if self.can(p) {
            Ok(())
        } else if self.role.can(p) {
            Err(Error::closed_to_a_commune(p))
        } else {
            Err(Error::forbidden(p))
        }
    }
}

/// The store, the data dir and the clock: what every use case runs on.
pub struct App {
    store: store::Pool,
    data_dir: PathBuf,
    /// The tip line's list-matching engine and when it was built (see `tips`).
    tips_engine: std::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<detect::Engine>)>>,
    /// Set while one caller builds the instant answer's engine again (the others keep the old).
    tips_engine_building: std::sync::atomic::AtomicBool,
}

impl App {
    /// An application over a store (a pool, or one store used in turn) and its data dir.
    pub fn new(store: impl Into<store::Pool>, data_dir: impl Into<PathBuf>) -> App {
        App {
            store: store.into(),
            data_dir: data_dir.into(),
            tips_engine: std::sync::Mutex::new(None),
            tips_engine_building: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Opens the database the URL names (the data dir's SQLite file without one) with a pool of
    /// [`db::POOL_SIZE`] connections.
    pub fn open(data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<App> {
        let first = db::open(data_dir, database_url)?;
        Ok(App::new(db::pool(first, data_dir, database_url), data_dir))
    }

    /// A store of the caller's own until dropped.
    pub fn store(&self) -> Result<store::Pooled<'_>, Error> {
        Ok(self.store.get()?)
    }

    /// The pool itself (the web application checks stores out of it on its blocking threads).
    pub fn pool(&self) -> &store::Pool {
        &self.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where evidence files are kept, each at `<dir>/<sha256[0..2]>/<sha256>`.
    pub fn evidence_dir(&self) -> PathBuf {
        self.data_dir.join("evidence")
    }

    /// Today in Vietnam: the one clock reports, letters and deadlines read.
    pub fn today(&self) -> chrono::NaiveDate {
        today()
    }

    /// A case's takedown request letter as DOCX, recorded on the case's timeline.
    pub fn letter(&self, actor: &Actor, case: i64) -> Result<Vec<u8>, Error> {
        actor.require(Permission::ViewCases)?;
        let mut store = self.store()?;
        self.reached_case(&mut store, actor, case)?;
        Ok(report::letter::docx_for_case(
            &mut store,
            case,
            self.today(),
            &actor.name,
        )?)
    }
}

/// Now as the store writes times (UTC, RFC 3339, milliseconds): what deadlines, token ends
/// and indicators' versions are compared with as strings.
pub fn now_utc() -> String {
    utc_stamp(chrono::Utc::now())
}

/// A time as the store writes it (UTC, RFC 3339, milliseconds).
pub fn utc_stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Today in Vietnam.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&ingest::posts::vietnam())
        .date_naive()
}

/// What the use cases' unit tests share: an application over an in-memory store, and actors.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// An application over a fresh in-memory store; its data dir lives as long as the guard.
    pub fn app() -> (App, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = store::Store::new(Box::new(store_sqlite::open_in_memory().unwrap()));
        (App::new(store, dir.path()), dir)
    }

    /// Someone with this role, of no unit, speaking for no member.
    pub fn actor(role: Role) -> Actor {
        Actor {
            name: "nguoi-dung".into(),
            role,
            unit: None,
            member: None,
            commune: None,
        }
    }

    /// A post on the Facebook group «Chợ Thạch Quảng».
    pub(crate) fn post(id: &str, at: &str, text: &str) -> domain::NewItem {
        domain::NewItem {
            source_id: id.into(),
            platform: domain::Platform::Facebook,
            community_key: "https://facebook.com/groups/chothachquang".into(),
            community_name: "Chợ Thạch Quảng".into(),
            published_at: at.into(),
            text: text.into(),
            url: None,
            author_pseudonym: None,
            author_handle: None,
            metrics: domain::Metrics::default(),
            media: Vec::new(),
        }
    }
}
