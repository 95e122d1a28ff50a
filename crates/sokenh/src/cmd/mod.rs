//! One module per command (or family of commands): each parses nothing itself (clap did), calls
//! `app`, and prints — text for people, `--json` for scripts, never both.

pub mod admin;
pub mod analytics;
pub mod audit;
pub mod case;
pub mod detect;
pub mod dev;
pub mod evaluation;
pub mod import;
pub mod library;
pub mod media;
pub mod posts;
pub mod province;
pub mod registry;
pub mod report;
pub mod serve;
pub mod share;
pub mod source;
pub mod text;
pub mod tips;

use anyhow::Result;
use std::path::PathBuf;

/// What every command is given: the data dir (`--data`) and the database URL.
pub struct Ctx {
    pub data: Option<PathBuf>,
    pub url: Option<String>,
}

impl Ctx {
    /// The data dir, or `default` in the working directory.
    pub fn data(&self, default: &str) -> PathBuf {
        self.data.clone().unwrap_or_else(|| PathBuf::from(default))
    }

    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The application over the default data dir.
    pub fn app(&self) -> Result<app::App> {
        app::App::open(&self.data("sokenh-data"), self.url())
    }

    /// The store of the default data dir.
    pub fn store(&self) -> Result<store::Store> {
        app::db::open(&self.data("sokenh-data"), self.url())
    }
}
