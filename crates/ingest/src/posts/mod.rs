//! Public posts from the formats platforms and tools export: generic JSONL and CSV, Telegram
//! Desktop's `result.json`, Facebook's "Download your information" JSON (with its mojibake
//! repaired), YouTube Data API v3 responses, and RSS 2.0 / Atom feeds. Each connector yields
//! [`RawItem`]s with their position in the source (line or index), or a rejection that says which
//! line and why. [`Preparer`] turns a raw item into the store's `NewItem`: canonical community
//! key, Vietnam time, author pseudonym.

mod facebook;
mod generic;
mod rss;
mod telegram;
mod youtube;

pub use facebook::repair_mojibake;
pub use rss::{FeedState, Fetched, fetch_feed, parse_feed};

use crate::IngestError;
use chrono::{DateTime, FixedOffset};
use domain::{CanonicalUrl, CommunityKey, Metrics, NewItem, Platform};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;

/// Vietnam's time zone (UTC+7, no daylight saving).
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The formats `sokenh ingest` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Jsonl,
    Csv,
    Telegram,
    Facebook,
    Youtube,
    Rss,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "jsonl" | "ndjson" => Format::Jsonl,
            "csv" => Format::Csv,
            "telegram" => Format::Telegram,
            "facebook" => Format::Facebook,
            "youtube" => Format::Youtube,
            "rss" | "atom" => Format::Rss,
            _ => return None,
        })
    }

    /// Guesses the format from the file name and its first bytes.
    pub fn detect(path: &Path, head: &[u8]) -> Option<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        match ext.as_str() {
            "jsonl" | "ndjson" => return Some(Format::Jsonl),
            "csv" => return Some(Format::Csv),
            "xml" | "rss" | "atom" => return Some(Format::Rss),
            _ => {}
        }
        if trimmed.starts_with('<') {
            return Some(Format::Rss);
        }
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if text.contains("\"youtube#") {
                return Some(Format::Youtube);
            }
            if text.contains("\"messages\"") || text.contains("\"chats\"") {
                return Some(Format::Telegram);
            }
            if text.contains("\"timestamp\"")
                && (text.contains("\"data\"") || text.contains("\"attachments\""))
            {
                return Some(Format::Facebook);
            }
            // One JSON object per line.
            if trimmed.starts_with('{')
                && trimmed
                    .lines()
                    .next()
                    .is_some_and(|l| l.trim_end().ends_with('}'))
            {
                return Some(Format::Jsonl);
            }
        }
        None
    }
}

/// A post as a connector read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawItem {
    /// Where in the source it was (1-based line for line formats, 1-based index otherwise).
    pub position: u64,
    pub source_id: String,
    pub platform: Option<Platform>,
    /// The community: a link, or a name when the source has no link (a Telegram chat).
    pub community_url: Option<String>,
    pub community_name: String,
    pub published_at: DateTime<FixedOffset>,
    pub text: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub metrics: Metrics,
    pub media: Vec<String>,
}

/// The largest counter (reactions, comments, shares, views) a post can really have: ten times
/// the most-viewed video ever. Beyond it an export is broken or forged, and the item is refused
/// with its line rather than printed in an official report.
pub const MAX_COUNT: u64 = 100_000_000_000;

/// A line or entry that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

pub type Entry = Result<RawItem, Rejected>;

/// Reads a whole source. Line formats stream; JSON documents are read whole.
pub fn read<'a>(
    format: Format,
    bytes: &'a [u8],
    community_override: Option<&'a str>,
) -> Result<Box<dyn Iterator<Item = Entry> + 'a>, IngestError> {
    let bad = |m: String| IngestError::Unreadable {
        path: String::new(),
        message: m,
    };
    Ok(match format {
        Format::Jsonl => Box::new(generic::jsonl(bytes)),
        Format::Csv => Box::new(generic::csv(bytes).map_err(bad)?),
        Format::Telegram => Box::new(
            telegram::read(bytes, community_override)
                .map_err(bad)?
                .into_iter(),
        ),
        Format::Facebook => Box::new(
            facebook::read(bytes, community_override)
                .map_err(bad)?
                .into_iter(),
        ),
        Format::Youtube => Box::new(youtube::read(bytes).map_err(bad)?.into_iter()),
        Format::Rss => Box::new(
            rss::parse_feed(bytes, community_override)
                .map_err(bad)?
                .into_iter(),
        ),
    })
}

/// Parses a time as sources write it: RFC 3339, RFC 2822 (RSS), a Unix timestamp, or a local
/// "YYYY-MM-DDTHH:MM:SS" (taken as Vietnam time).
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t);
    }
    if let Ok(secs) = s.parse::<i64>() {
        return DateTime::from_timestamp(secs, 0).map(|t| t.with_timezone(&vietnam()));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return naive.and_local_timezone(vietnam()).single();
        }
    }
    None
}

/// Turns raw items into the store's items: canonical community key, Vietnam time, and the
/// author as a keyed pseudonym (the raw handle only for members' declared accounts).
pub struct Preparer {
    key: Vec<u8>,
    /// Canonical URLs of accounts our members declared as their own.
    member_accounts: HashSet<String>,
    /// Items whose community has no link are keyed by name within this unit label.
    pub default_platform: Platform,
}

impl Preparer {
    pub fn new(key: Vec<u8>, member_accounts: HashSet<String>) -> Preparer {
        Preparer {
            key,
            member_accounts,
            default_platform: Platform::Other,
        }
    }

    /// HMAC-SHA-256 of "platform:handle" (handle in lower case) under the deployment key.
    pub fn pseudonym(&self, platform: Platform, handle: &str) -> String {
        hmac_sha256_hex(
            &self.key,
            format!("{}:{}", platform.as_str(), handle.trim().to_lowercase()).as_bytes(),
        )
    }

    pub fn prepare(&self, raw: RawItem) -> Result<NewItem, Rejected> {
        let reject = |reason: String| Rejected {
            line: raw.position,
            reason,
        };
        let link = match raw
            .community_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(u) => {
                Some(CanonicalUrl::parse(u).map_err(|e| reject(format!("community_url: {e}")))?)
            }
            None => None,
        };
        let platform = raw
            .platform
            .or(link.as_ref().map(|l| l.platform()))
            .unwrap_or(self.default_platform);
        let key = match &link {
            Some(l) => CommunityKey::Url(l.clone()),
            None if !raw.community_name.trim().is_empty() => {
                CommunityKey::named(platform, &raw.community_name, "")
            }
            None => {
                return Err(reject(
                    "không có trang, nhóm nguồn (community_url) / no community".into(),
                ));
            }
        };
        if raw.source_id.trim().is_empty() {
            return Err(reject("thiếu id / missing id".into()));
        }
        let m = &raw.metrics;
        for (name, n) in [
            ("reactions", m.reactions),
            ("comments", m.comments),
            ("shares", m.shares),
            ("views", m.views),
        ] {
            if let Some(n) = n.filter(|n| *n > MAX_COUNT) {
                return Err(reject(format!(
                    "số {name} = {n} vượt mức có thể có ({MAX_COUNT}) / impossible {name} count"
                )));
            }
        }
        let (author_pseudonym, author_handle) = match raw
            .author
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            None => (None, None),
            Some(handle) => {
                let pseudonym = self.pseudonym(platform, handle);
                let own = account_url(platform, handle)
                    .is_some_and(|u| self.member_accounts.contains(&u));
                (Some(pseudonym), own.then(|| handle.to_owned()))
            }
        };
        Ok(NewItem {
            source_id: raw.source_id.trim().to_owned(),
            platform,
            community_key: key.to_string(),
            community_name: if raw.community_name.is_empty() {
                key.to_string()
            } else {
                text::canonical(&raw.community_name)
            },
            published_at: raw.published_at.with_timezone(&vietnam()).to_rfc3339(),
            text: text::canonical(&raw.text),
            url: raw.url,
            author_pseudonym,
            author_handle,
            metrics: raw.metrics,
            media: raw
                .media
                .into_iter()
                .map(|m| domain::MediaRef {
                    reference: m,
                    sha256: None,
                })
                .collect(),
        })
    }
}

/// The canonical URL of an author's own account on a platform, to match against members'
/// declared accounts.
fn account_url(platform: Platform, handle: &str) -> Option<String> {
    let h = handle.trim().trim_start_matches('@');
    let url = match platform {
        Platform::Facebook => format!("https://facebook.com/{h}"),
        Platform::Tiktok => format!("https://tiktok.com/@{h}"),
        Platform::Youtube => format!("https://youtube.com/@{h}"),
        Platform::Telegram => format!("https://t.me/{h}"),
        Platform::Zalo => format!("https://zalo.me/{h}"),
        _ => return None,
    };
    CanonicalUrl::parse(&url).ok().map(|u| u.to_string())
}

/// HMAC (RFC 2104) with SHA-256, in hex.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn times_as_sources_write_them() {
        let t = |s: &str| parse_time(s).map(|t| t.with_timezone(&vietnam()).to_rfc3339());
        assert_eq!(
            t("2026-11-02T01:30:00Z").as_deref(),
            Some("2026-11-02T08:30:00+07:00")
        );
        assert_eq!(
            t("Mon, 02 Nov 2026 08:30:00 +0700").as_deref(),
            Some("2026-11-02T08:30:00+07:00")
        );
        assert_eq!(
            t("1793583000").as_deref(),
            Some("2026-11-02T08:30:00+07:00")
        );
        assert_eq!(
            t("2026-11-02T08:30:00").as_deref(),
            Some("2026-11-02T08:30:00+07:00")
        );
        assert_eq!(t("hôm qua"), None);
    }
}
