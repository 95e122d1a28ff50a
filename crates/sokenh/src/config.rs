//! The configuration file an installed sokenh reads (`--config`, by default nothing;
//! `/etc/sokenh/sokenh.toml` in the Debian package): the data dir, the database URL and how
//! `serve` listens. The command line and the environment win over it; an unknown key is an
//! error naming the file, so a misspelt setting is never silently ignored.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The data dir.
    pub data: Option<PathBuf>,
    /// postgres://… for a province server; the data dir's SQLite file without it.
    pub database_url: Option<String>,
    #[serde(default)]
    pub serve: Serve,
}

/// How `sokenh serve` listens.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Serve {
    pub bind: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Behind a TLS proxy: cookies only over HTTPS (on by itself with `tls_cert`).
    #[serde(default)]
    pub secure_cookies: bool,
}

impl Config {
    pub fn read(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("không đọc được tệp cấu hình {}", path.display()))?;
        let config: Config = toml::from_str(&text)
            .with_context(|| format!("tệp cấu hình {} không hợp lệ", path.display()))?;
        anyhow::ensure!(
            config.serve.tls_cert.is_some() == config.serve.tls_key.is_some(),
            "tệp cấu hình {}: tls_cert và tls_key phải có cả hai hoặc không có cái nào",
            path.display()
        );
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packaged_file_reads_and_a_misspelt_key_is_refused() {
        let packaged: Config =
            toml::from_str(include_str!("../../../packaging/sokenh.toml")).unwrap();
        assert_eq!(packaged.data, Some(PathBuf::from("/var/lib/sokenh")));
        assert_eq!(packaged.serve.bind.as_deref(), Some("0.0.0.0:8443"));
        assert_eq!(
            packaged.serve.tls_cert,
            Some(PathBuf::from("/etc/sokenh/tls/cert.pem"))
        );
        let wrong = toml::from_str::<Config>("[serve]\nbnid = \"0.0.0.0:80\"\n").unwrap_err();
        assert!(wrong.to_string().contains("bnid"), "{wrong}");
    }
}
