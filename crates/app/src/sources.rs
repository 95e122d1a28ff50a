//! Public feedback where it really is: the office's own channels read through each platform's
//! official API with the office's own credentials. A source (schema 21 `sources`) is an official
//! channel of the register, the platform, a sealed credential (shown by its last four
//! characters, never printed, logged or audited), the pull interval and where the last pull
//! stopped (`cursor`, JSON that never holds a credential). A pull reads what is new since the
//! cursor, page by page, stores each page's posts and comments as items (idempotent by the
//! platform's ids), moves the cursor after each page (so a pull that dies resumes where it
//! stopped, nothing lost or doubled), then indexes and screens them like any post, and records
//! its counts or its error (`source.pull`).
//!
//! - **Facebook Pages** (Graph API, a Page access token): the page's posts since the cursor
//!   (`/{page}/posts`, `paging.cursors.after`), with their reactions, comments and shares
//!   counts; the comments and replies of the posts of the last [`COMMENT_DAYS`] days
//!   (`/{post}/comments?filter=stream`). A rate limit (error codes 4, 17, 32, 613, HTTP 429, or
//!   `X-App-Usage` / `X-Page-Usage` at 100 %) is waited out — the wait the platform names in
//!   `X-Business-Use-Case-Usage`, else doubling from one second — and the call resumed; an
//!   expired or revoked token (code 190) stops the source with the message.
//! - **Telegram** (Bot API, the token of a bot the office made an administrator of its channel):
//!   `getUpdates` from the cursor's offset, 100 at a time — the channel's posts
//!   (`channel_post`) and the comments in its linked discussion group (messages replying to a
//!   post forwarded from the channel); `retry_after` waited out, 401 and a webhook set on the
//!   same bot (409) stop with their message.
//! - **Zalo Official Account** (OA API v2.0, the OA's access token): the messages people
//!   send the OA (`listrecentchat`, ten at a time, newest first, down to the cursor's time);
//!   the OA's own answers counted as the channel's; error -216 (token) stops with its message,
//!   -32 (too many calls) is waited out.
//! - **YouTube** (Data API v3, an API key): the channel's uploads (`channels.list` →
//!   `playlistItems.list`) and their comment threads (`commentThreads.list`), each call counted
//!   against the day's 10,000 units; `quotaExceeded` stops until the next day.
//!
//! Nothing here reads a page, group or account the office does not manage, logs in as a person
//! or goes around a platform's access controls.

use crate::{Actor, App, Error};
use domain::Permission;
use serde::Serialize;
use serde_json::{Value, json};
use std::time::Duration;

pub const PLATFORMS: [&str; 4] = ["facebook", "youtube", "telegram", "zalo"];
pub const FACEBOOK_API: &str = "https://graph.facebook.com";
pub const YOUTUBE_API: &str = "https://www.googleapis.com";
pub const TELEGRAM_API: &str = "https://api.telegram.org";
pub const ZALO_API: &str = "https://openapi.zalo.me";
/// The Graph API version the calls name.
pub const GRAPH_VERSION: &str = "v21.0";
/// Posts whose comments are read again at each pull (days back from the newest post).
pub const COMMENT_DAYS: i64 = 14;
/// YouTube's daily quota (units).
pub const YOUTUBE_DAILY_UNITS: i64 = 10_000;
/// Waits for one rate limit, at most.
const MAX_RETRIES: u32 = 6;

/// A source as listed: never its credential.
#[derive(Clone, Debug, Serialize)]
pub struct SourceInfo {
    pub id: i64,
    pub platform: String,
    pub channel: String,
    pub credential_tail: String,
    pub api_base: String,
    pub interval: i64,
    pub cursor: Option<String>,
    pub last_pull: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    /// YouTube: units used today (Vietnam's day).
    pub quota_used: i64,
}

/// One pull's counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PullReport {
    pub source: i64,
    /// Posts and comments read from the platform.
    pub fetched: u64,
    pub inserted: u64,
    pub duplicates: u64,
    /// Of those read, comments and replies.
    pub comments: u64,
    pub error: Option<String>,
}

/// Where a pull stands (the `cursor` column).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    /// Facebook: the newest post's time seen (Unix seconds); YouTube: the newest upload's;
    /// Telegram: the next update's id (`offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    /// A pull under way: the page of posts to read next (Facebook's `after`, YouTube's
    /// `pageToken`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The newest post time seen by the pull under way (becomes `since` when it ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest: Option<i64>,
    /// Facebook: the posts of the last [`COMMENT_DAYS`] days (id, time, link), whose comments
    /// each pull reads again (new comments come on old posts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<(String, i64, Option<String>)>,
    /// YouTube: the channel's uploads playlist (asked once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploads: Option<String>,
}

/// A platform's refusal: a rate limit to wait out, or an error that stops the source.
enum Refusal {
    Wait(Duration),
    Stop(String),
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// The page's (or channel's) id or handle from the register's link: `facebook.com/congan.xa`
/// → `congan.xa`, `youtube.com/@kenh` → `@kenh`, `youtube.com/channel/UC…` → `UC…`.
pub fn channel_id(platform: &str, url: &str) -> Option<String> {
    // The path as written: a YouTube channel id is case-sensitive.
    let bare = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = bare.split_once('/').map(|(_, p)| p)?;
    let path = path.split(['?', '#']).next()?.trim_end_matches('/');
    let id = match platform {
        "youtube" => path
            .strip_prefix("channel/")
            .and_then(|rest| rest.split('/').next())
            .map(str::to_owned)
            .or_else(|| path.starts_with('@').then(|| path.to_owned())),
        _ => Some(path.rsplit('/').next()?.to_owned()),
    }?;
    (!id.is_empty()).then_some(id)
}

fn stamp(rfc3339: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .or_else(|_| chrono::DateTime::parse_from_str(rfc3339, "%Y-%m-%dT%H:%M:%S%z"))
        .ok()
}

/// A GET answered as JSON, with the platform's rate limits waited out (see the module's doc).
fn get_json(
    url: &str,
    headers: &[(&str, &str)],
    refusal: impl Fn(u16, &Value, &dyn Fn(&str) -> Option<String>) -> Option<Refusal>,
    units: &mut i64,
) -> Result<Value, String> {
    let mut wait = Duration::from_secs(1);
    for _ in 0..MAX_RETRIES {
        let mut req = agent().get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut r = req
            .call()
            .map_err(|e| format!("không gọi được máy chủ của nền tảng: {e}"))?;
        *units += 1;
        let status = r.status().as_u16();
        let header = |k: &str| {
            r.headers()
                .get(k)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let hdrs: Vec<(String, String)> = [
            "x-app-usage",
            "x-page-usage",
            "x-business-use-case-usage",
            "retry-after",
        ]
        .iter()
        .filter_map(|k| header(k).map(|v| ((*k).to_owned(), v)))
        .collect();
        let find = |k: &str| hdrs.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
        let body = crate::tip_channels::json_body(&mut r, 32 << 20);
        match refusal(status, &body, &find) {
            None if status == 200 => return Ok(body),
            None => {
                return Err(format!("nền tảng trả lời {status}"));
            }
            Some(Refusal::Stop(why)) => return Err(why),
            Some(Refusal::Wait(named)) => {
                let pause = if named.is_zero() { wait } else { named };
                std::thread::sleep(
                    pause.min(Duration::from_secs(
                        std::env::var("SOKENH_SOURCE_MAX_WAIT")
                            .ok()
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(900),
                    )),
                );
                wait *= 2;
            }
        }
    }
    Err("nền tảng vẫn giới hạn tốc độ sau nhiều lần chờ; lần kéo sau sẽ tiếp tục".to_owned())
}

/// Facebook's refusals: rate limits by code or usage header, an expired token by code 190.
fn facebook_refusal(
    status: u16,
    body: &Value,
    header: &dyn Fn(&str) -> Option<String>,
) -> Option<Refusal> {
    let code = body["error"]["code"].as_i64();
    let full = |k: &str| {
        header(k)
            .and_then(|v| serde_json::from_str::<Value>(&v).ok())
            .is_some_and(|u| {
                ["call_count", "total_time", "total_cputime"]
                    .iter()
                    .any(|f| u[f].as_i64().unwrap_or(0) >= 100)
            })
    };
    let named = header("x-business-use-case-usage")
        .and_then(|v| serde_json::from_str::<Value>(&v).ok())
        .and_then(|u| {
            u.as_object()?
                .values()
                .flat_map(|v| v.as_array().cloned().unwrap_or_default())
                .filter_map(|e| e["estimated_time_to_regain_access"].as_u64())
                .max()
        })
        .map(|minutes| Duration::from_secs(minutes * 60))
        .unwrap_or_default();
    match code {
        Some(190) => Some(Refusal::Stop(format!(
            "Mã truy cập của trang đã hết hạn hoặc bị thu hồi (Facebook mã 190): hãy cấp mã mới bằng `sokenh source add`. {}",
            body["error"]["message"].as_str().unwrap_or("")
        ))),
        Some(4 | 17 | 32 | 613) => Some(Refusal::Wait(named)),
        _ if status == 429 || (status != 200 && (full("x-app-usage") || full("x-page-usage"))) => {
            Some(Refusal::Wait(named))
        }
        Some(c) => Some(Refusal::Stop(format!(
            "Facebook từ chối (mã {c}): {}",
            body["error"]["message"].as_str().unwrap_or("không rõ")
        ))),
        None => None,
    }
}

/// Telegram's refusals: `retry_after`, a bad token, a webhook on the same bot.
fn telegram_refusal(
    status: u16,
    body: &Value,
    _header: &dyn Fn(&str) -> Option<String>,
) -> Option<Refusal> {
    if status == 200 && body["ok"] == true {
        return None;
    }
    match body["error_code"].as_u64().unwrap_or(u64::from(status)) {
        429 => Some(Refusal::Wait(Duration::from_secs(
            body["parameters"]["retry_after"].as_u64().unwrap_or(1),
        ))),
        401 | 404 => Some(Refusal::Stop(
            "Telegram từ chối mã bot (sai hoặc đã bị thu hồi): hãy cấp mã mới bằng `sokenh source add`.".to_owned(),
        )),
        409 => Some(Refusal::Stop(
            "Bot này đang nhận tin qua webhook (đường dây tin báo): hãy dùng một bot khác cho kênh, hoặc bỏ webhook.".to_owned(),
        )),
        code => Some(Refusal::Stop(format!(
            "Telegram trả lời {code}: {}",
            body["description"].as_str().unwrap_or("không rõ")
        ))),
    }
}

/// The Zalo OA API's refusals (in its `error` field, HTTP 200).
fn zalo_refusal(
    status: u16,
    body: &Value,
    _header: &dyn Fn(&str) -> Option<String>,
) -> Option<Refusal> {
    match body["error"].as_i64() {
        Some(0) if status == 200 => None,
        Some(-216 | -124 | -204) => Some(Refusal::Stop(
            "Zalo từ chối mã truy cập của OA (hết hạn hoặc bị thu hồi): hãy cấp mã mới bằng `sokenh source add`.".to_owned(),
        )),
        Some(-32) => Some(Refusal::Wait(Duration::ZERO)),
        Some(code) => Some(Refusal::Stop(format!(
            "Zalo trả lời lỗi {code}: {}",
            body["message"].as_str().unwrap_or("không rõ")
        ))),
        None => Some(Refusal::Stop(format!("Zalo trả lời {status} không đúng dạng."))),
    }
}

/// YouTube's refusals: the day's quota, a bad key, a rate limit.
fn youtube_refusal(
    status: u16,
    body: &Value,
    _header: &dyn Fn(&str) -> Option<String>,
) -> Option<Refusal> {
    if status == 200 {
        return None;
    }
    let reason = body["error"]["errors"][0]["reason"].as_str().unwrap_or("");
    match reason {
        "quotaExceeded" | "dailyLimitExceeded" => Some(Refusal::Stop(
            "YouTube: đã dùng hết hạn mức 10.000 đơn vị của ngày; lần kéo sau (ngày mai) sẽ tiếp tục.".to_owned(),
        )),
        "keyInvalid" | "keyExpired" | "forbidden" => Some(Refusal::Stop(format!(
            "YouTube từ chối khóa API ({reason}): hãy cấp khóa mới bằng `sokenh source add`."
        ))),
        "rateLimitExceeded" | "userRateLimitExceeded" => Some(Refusal::Wait(Duration::ZERO)),
        _ if status == 429 => Some(Refusal::Wait(Duration::ZERO)),
        _ => Some(Refusal::Stop(format!(
            "YouTube trả lời {status}: {}",
            body["error"]["message"].as_str().unwrap_or("không rõ")
        ))),
    }
}

/// `&access_token=…` etc. appended to a query.
fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_owned();
    for (k, v) in pairs {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(k);
        out.push('=');
        out.push_str(&urlencode(v));
    }
    out
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What an item is to its channel (see `domain::SourceItem`).
struct Meta {
    kind: &'static str,
    parent: Option<String>,
    by_channel: bool,
}

/// What one page of a pull gives: items, how many comments among them, and where to go on.
struct Page {
    items: Vec<(ingest::posts::RawItem, Meta)>,
    /// Facebook: the posts read (id, time, link), for the next pulls' comments.
    posts: Vec<(String, i64, Option<String>)>,
    comments: u64,
    /// The next page's token (`None`: this pull is done).
    after: Option<String>,
    newest: Option<i64>,
}

fn metrics(reactions: Option<u64>, comments: Option<u64>, shares: Option<u64>) -> domain::Metrics {
    domain::Metrics {
        reactions,
        comments,
        shares,
        ..domain::Metrics::default()
    }
}

/// Whether a source's interval has passed since its last pull (a few seconds' jitter by its id,
/// so sources added together are not pulled in the same second); never pulled: due.
pub(crate) fn is_due(s: &domain::Source, now: chrono::DateTime<chrono::Utc>) -> bool {
    let jitter = chrono::Duration::seconds(s.id * 7 % 60);
    s.interval > 0
        && s.last_pull
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .is_none_or(|last| {
                last.with_timezone(&chrono::Utc) + chrono::Duration::seconds(s.interval) + jitter
                    <= now
            })
}

impl App {
    /// An official channel's source added (or its credential replaced): `admin`/`officer`.
    pub fn add_source(
        &self,
        actor: &Actor,
        platform: &str,
        channel: &str,
        credential: &str,
        interval: i64,
        api_base: Option<&str>,
    ) -> Result<SourceInfo, Error> {
        actor.require_province(Permission::Triage)?;
        if !PLATFORMS.contains(&platform) {
            return Err(Error::invalid(
                "platform",
                "Nền tảng: facebook, youtube, telegram hoặc zalo.",
            ));
        }
        let channel = domain::CanonicalUrl::parse(channel.trim())
            .map_err(|e| Error::invalid("channel", format!("Đường dẫn kênh không hợp lệ: {e}")))?;
        if channel_id(platform, channel.as_str()).is_none() {
            return Err(Error::invalid(
                "channel",
                "Không đọc được mã trang/kênh từ đường dẫn (ví dụ facebook.com/ten.trang, youtube.com/@kenh).",
            ));
        }
        // Only the office's own channels: an official channel of the register.
        let official = self.store()?.communities()?.into_iter().find_map(|c| {
            (c.classification == domain::Classification::Official
                && c.url
                    .as_deref()
                    .and_then(|u| domain::CanonicalUrl::parse(u).ok())
                    .is_some_and(|u| u == channel))
            .then_some(c.url)
            .flatten()
        });
        let Some(channel) = official else {
            return Err(Error::invalid(
                "channel",
                "Chỉ kéo từ kênh chính thức của đơn vị trong sổ đăng ký (đánh dấu «chính thức»): sokenh không đọc trang, nhóm của người khác.",
            ));
        };
        let credential = credential.trim();
        if credential.is_empty() {
            return Err(Error::invalid("credential", "Tệp mã truy cập rỗng."));
        }
        if !(60..=7 * 86_400).contains(&interval) {
            return Err(Error::invalid(
                "interval",
                "Khoảng kéo từ 60 giây đến 7 ngày.",
            ));
        }
        let api_base = api_base
            .map(|b| b.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| {
                if platform == "facebook" {
                    FACEBOOK_API
                } else {
                    YOUTUBE_API
                }
                .to_owned()
            });
        let id = self.store()?.put_source(
            &actor.name,
            &domain::Source {
                id: 0,
                platform: platform.to_owned(),
                channel,
                credential: crate::exchange::seal(self.data_dir(), credential)?,
                api_base,
                interval,
                cursor: None,
                last_pull: None,
                last_success: None,
                last_error: None,
                quota_day: None,
                quota_used: 0,
                added_by: String::new(),
                added_at: String::new(),
            },
        )?;
        self.sources(actor)?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::not_found("nguồn", id))
    }

    /// The sources, credentials by their last four characters.
    pub fn sources(&self, actor: &Actor) -> Result<Vec<SourceInfo>, Error> {
        actor.require_province(Permission::Triage)?;
        self.store()?
            .sources()?
            .into_iter()
            .map(|s| {
                let credential = if s.credential.is_empty() {
                    String::new()
                } else {
                    crate::exchange::unseal(self.data_dir(), &s.credential)?
                };
                let chars: Vec<char> = credential.chars().collect();
                Ok(SourceInfo {
                    id: s.id,
                    credential_tail: format!(
                        "…{}",
                        chars[chars.len().saturating_sub(4)..]
                            .iter()
                            .collect::<String>()
                    ),
                    platform: s.platform,
                    channel: s.channel,
                    api_base: s.api_base,
                    interval: s.interval,
                    cursor: s.cursor,
                    last_pull: s.last_pull,
                    last_success: s.last_success,
                    last_error: s.last_error,
                    quota_used: if s.quota_day.as_deref() == Some(&today()) {
                        s.quota_used
                    } else {
                        0
                    },
                })
            })
            .collect()
    }

    /// A source stopped: no more pulls, its credential wiped (what it pulled stays).
    pub fn stop_source(&self, actor: &Actor, id: i64) -> Result<(), Error> {
        actor.require_province(Permission::Triage)?;
        if !self.store()?.stop_source(&actor.name, id)? {
            return Err(Error::not_found("nguồn", id));
        }
        Ok(())
    }

    /// The sources whose interval has passed since their last pull at `now` (each pushed back by
    /// a few seconds of its own, so sources added together do not all pull at once).
    pub fn due_sources(
        &self,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<i64>, Error> {
        actor.require_province(Permission::Triage)?;
        Ok(self
            .store()?
            .sources()?
            .iter()
            .filter(|s| is_due(s, now))
            .map(|s| s.id)
            .collect())
    }

    /// Pulls one source (or, `None`, each in turn): see the module's doc. A source's error is
    /// in its report (and on the source), never a credential.
    pub fn pull_sources(&self, actor: &Actor, id: Option<i64>) -> Result<Vec<PullReport>, Error> {
        actor.require_province(Permission::Triage)?;
        let all = self.store()?.sources()?;
        if let Some(id) = id
            && !all.iter().any(|s| s.id == id)
        {
            return Err(Error::not_found("nguồn", id));
        }
        let mut reports = Vec::new();
        if let Some(stopped) = all.iter().find(|s| Some(s.id) == id && s.interval == 0) {
            return Err(Error::invalid(
                "source",
                format!(
                    "Nguồn #{} đã dừng: thêm lại bằng `sokenh source add` để kéo tiếp.",
                    stopped.id
                ),
            ));
        }
        for source in all
            .into_iter()
            .filter(|s| s.interval > 0 && id.is_none_or(|i| i == s.id))
        {
            reports.push(self.pull_source(actor, source)?);
        }
        Ok(reports)
    }

    fn pull_source(&self, actor: &Actor, source: domain::Source) -> Result<PullReport, Error> {
        let credential = crate::exchange::unseal(self.data_dir(), &source.credential)?;
        let mut report = PullReport {
            source: source.id,
            ..PullReport::default()
        };
        let mut cursor: Cursor = source
            .cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let today = today();
        let mut units = if source.quota_day.as_deref() == Some(&today) {
            source.quota_used
        } else {
            0
        };
        let key = format!("source:{}", source.id);
        let mut fresh: std::collections::HashSet<String> = std::collections::HashSet::new();
        let outcome: Result<(), String> = loop {
            let page = match source.platform.as_str() {
                "facebook" => self.facebook_page(&source, &credential, &cursor, &mut units),
                "telegram" => self.telegram_page(&source, &credential, &cursor, &mut units),
                "zalo" => self.zalo_page(&source, &credential, &cursor, &mut units),
                _ => self.youtube_page(&source, &credential, &mut cursor, &mut units),
            };
            let page = match page {
                Ok(p) => p,
                Err(why) => break Err(why.replace(&credential, "…")),
            };
            report.fetched += page.items.len() as u64;
            report.comments += page.comments;
            let stored = self.store_page(actor, &key, source.id, page.items)?;
            report.inserted += stored.inserted;
            report.duplicates += stored.duplicates;
            cursor.newest = cursor.newest.max(page.newest);
            cursor.after = page.after;
            // Posts read in this pull had their comments read with them.
            for post in page.posts {
                fresh.insert(post.0.clone());
                if !cursor.recent.iter().any(|(id, _, _)| *id == post.0) {
                    cursor.recent.push(post);
                }
            }
            if cursor.after.is_none() {
                cursor.since = cursor.since.max(cursor.newest.take());
                // New comments come on older posts too: those of the last days read again.
                let newest = cursor.since.unwrap_or(0);
                cursor
                    .recent
                    .retain(|(_, at, _)| *at >= newest - COMMENT_DAYS * 86_400);
                let mut failed = None;
                if source.platform == "facebook" {
                    let again: Vec<_> = cursor
                        .recent
                        .iter()
                        .filter(|(id, _, _)| !fresh.contains(id))
                        .cloned()
                        .collect();
                    for (id, _, link) in again {
                        match self.facebook_comments(
                            &source,
                            &credential,
                            &id,
                            link.as_deref(),
                            &mut units,
                        ) {
                            Ok(read) => {
                                report.fetched += read.len() as u64;
                                report.comments += read.len() as u64;
                                let stored = self.store_page(actor, &key, source.id, read)?;
                                report.inserted += stored.inserted;
                                report.duplicates += stored.duplicates;
                            }
                            Err(why) => {
                                failed = Some(why.replace(&credential, "…"));
                                break;
                            }
                        }
                    }
                }
                break failed.map_or(Ok(()), Err);
            }
            // The page's items are stored: a pull that dies now resumes from here.
            self.store()?.set_source_cursor(
                source.id,
                &serde_json::to_string(&cursor).unwrap_or_default(),
                &today,
                units,
            )?;
        };
        report.error = outcome.err();
        {
            let mut s = self.store()?;
            if report.inserted > 0 {
                crate::posts::catch_up_index(&mut s, self.data_dir())?;
                crate::screening::scan(&mut s, self.data_dir(), false)?;
            }
            s.record_source_pull(
                &actor.name,
                source.id,
                &serde_json::to_string(&cursor).unwrap_or_default(),
                &today,
                units,
                report.error.as_deref(),
                json!({"fetched": report.fetched, "inserted": report.inserted, "duplicates": report.duplicates, "comments": report.comments}),
            )?;
        }
        Ok(report)
    }

    /// A page's items stored (see `posts::store_raw`), then what each is to its channel.
    fn store_page(
        &self,
        actor: &Actor,
        key: &str,
        source: i64,
        items: Vec<(ingest::posts::RawItem, Meta)>,
    ) -> Result<crate::posts::Report, Error> {
        let meta: Vec<domain::SourceItem> = items
            .iter()
            .map(|(raw, m)| domain::SourceItem {
                source_id: source,
                item_key: raw.source_id.clone(),
                kind: m.kind.to_owned(),
                parent: m.parent.clone(),
                by_channel: m.by_channel,
                published_at: crate::utc_stamp(raw.published_at.with_timezone(&chrono::Utc)),
                text: if m.kind == "post" {
                    crate::screening::opening_words(&raw.text, 120)
                } else {
                    String::new()
                },
                url: raw.url.clone(),
            })
            .collect();
        let raws = items.into_iter().map(|(raw, _)| raw).collect();
        let mut s = self.store()?;
        let stored = crate::posts::store_raw(&mut s, self.data_dir(), key, raws, &actor.name)?;
        s.add_source_items(&meta)?;
        Ok(stored)
    }

    /// One page of a Facebook Page's posts, with the comments of those of them in the last
    /// [`COMMENT_DAYS`] days.
    fn facebook_page(
        &self,
        source: &domain::Source,
        token: &str,
        cursor: &Cursor,
        units: &mut i64,
    ) -> Result<Page, String> {
        let page = channel_id("facebook", &source.channel).unwrap_or_default();
        let base = format!("{}/{GRAPH_VERSION}", source.api_base);
        let mut query: Vec<(&str, String)> = vec![
            ("fields", "id,message,created_time,permalink_url,shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)".to_owned()),
            ("limit", "100".to_owned()),
        ];
        if let Some(since) = cursor.since {
            query.push(("since", (since + 1).to_string()));
        }
        if let Some(after) = &cursor.after {
            query.push(("after", after.clone()));
        }
        query.push(("access_token", token.to_owned()));
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let body = get_json(
            &with_query(&format!("{base}/{page}/posts"), &pairs),
            &[],
            facebook_refusal,
            units,
        )?;
        let mut items = Vec::new();
        let mut comments = 0;
        let mut newest = None;
        let mut posts_read = Vec::new();
        let posts = body["data"].as_array().cloned().unwrap_or_default();
        let recent_from = posts
            .iter()
            .filter_map(|p| stamp(p["created_time"].as_str()?))
            .map(|t| t.timestamp())
            .max()
            .unwrap_or(0)
            - COMMENT_DAYS * 86_400;
        for post in &posts {
            let (Some(id), Some(at)) = (
                post["id"].as_str(),
                post["created_time"].as_str().and_then(stamp),
            ) else {
                continue;
            };
            newest = newest.max(Some(at.timestamp()));
            let permalink = post["permalink_url"].as_str().map(str::to_owned);
            items.push((
                ingest::posts::RawItem {
                    position: 0,
                    source_id: id.to_owned(),
                    platform: Some(domain::Platform::Facebook),
                    community_url: Some(source.channel.clone()),
                    community_name: page.clone(),
                    published_at: at,
                    text: post["message"].as_str().unwrap_or("").to_owned(),
                    url: permalink.clone(),
                    author: None,
                    metrics: metrics(
                        post["reactions"]["summary"]["total_count"].as_u64(),
                        post["comments"]["summary"]["total_count"].as_u64(),
                        post["shares"]["count"].as_u64(),
                    ),
                    media: Vec::new(),
                },
                Meta {
                    kind: "post",
                    parent: None,
                    by_channel: true,
                },
            ));
            posts_read.push((id.to_owned(), at.timestamp(), permalink.clone()));
            if at.timestamp() < recent_from
                || post["comments"]["summary"]["total_count"].as_u64() == Some(0)
            {
                continue;
            }
            let read = self.facebook_comments(source, token, id, permalink.as_deref(), units)?;
            comments += read.len() as u64;
            items.extend(read);
        }
        let after = body["paging"]["next"]
            .as_str()
            .and(body["paging"]["cursors"]["after"].as_str())
            .map(str::to_owned);
        Ok(Page {
            items,
            posts: posts_read,
            comments,
            after,
            newest,
        })
    }

    /// A Facebook post's comments and replies (`filter=stream`), every page of them.
    fn facebook_comments(
        &self,
        source: &domain::Source,
        token: &str,
        post: &str,
        permalink: Option<&str>,
        units: &mut i64,
    ) -> Result<Vec<(ingest::posts::RawItem, Meta)>, String> {
        let base = format!("{}/{GRAPH_VERSION}", source.api_base);
        let page = channel_id("facebook", &source.channel).unwrap_or_default();
        let mut items = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut q: Vec<(&str, &str)> = vec![
                (
                    "fields",
                    "id,message,created_time,from,parent{id},permalink_url",
                ),
                ("filter", "stream"),
                ("limit", "100"),
            ];
            if let Some(a) = &after {
                q.push(("after", a));
            }
            q.push(("access_token", token));
            let c = get_json(
                &with_query(&format!("{base}/{post}/comments"), &q),
                &[],
                facebook_refusal,
                units,
            )?;
            for comment in c["data"].as_array().into_iter().flatten() {
                let (Some(cid), Some(at)) = (
                    comment["id"].as_str(),
                    comment["created_time"].as_str().and_then(stamp),
                ) else {
                    continue;
                };
                items.push((
                    ingest::posts::RawItem {
                        position: 0,
                        source_id: cid.to_owned(),
                        platform: Some(domain::Platform::Facebook),
                        community_url: Some(source.channel.clone()),
                        community_name: page.clone(),
                        published_at: at,
                        text: comment["message"].as_str().unwrap_or("").to_owned(),
                        url: comment["permalink_url"]
                            .as_str()
                            .map(str::to_owned)
                            .or_else(|| permalink.map(|p| format!("{p}?comment_id={cid}"))),
                        author: comment["from"]["id"].as_str().map(str::to_owned),
                        metrics: domain::Metrics::default(),
                        media: Vec::new(),
                    },
                    Meta {
                        kind: "comment",
                        parent: Some(comment["parent"]["id"].as_str().unwrap_or(post).to_owned()),
                        by_channel: comment["from"]["id"]
                            .as_str()
                            .is_some_and(|f| post.split('_').next() == Some(f)),
                    },
                ));
            }
            after = c["paging"]["next"]
                .as_str()
                .and(c["paging"]["cursors"]["after"].as_str())
                .map(str::to_owned);
            if after.is_none() {
                return Ok(items);
            }
        }
    }

    /// One batch of a Telegram bot's updates from the cursor's offset: the channel's posts and
    /// the comments on them in its discussion group.
    fn telegram_page(
        &self,
        source: &domain::Source,
        token: &str,
        cursor: &Cursor,
        units: &mut i64,
    ) -> Result<Page, String> {
        let handle = channel_id("telegram", &source.channel)
            .unwrap_or_default()
            .to_lowercase();
        // Within a pull, the batch after the last one read; else where the last pull ended.
        let offset = cursor
            .after
            .clone()
            .unwrap_or_else(|| cursor.since.unwrap_or(0).to_string());
        let body = get_json(
            &with_query(
                &format!("{}/bot{token}/getUpdates", source.api_base),
                &[
                    ("offset", &offset),
                    ("limit", "100"),
                    ("timeout", "0"),
                    ("allowed_updates", r#"["channel_post","message"]"#),
                ],
            ),
            &[],
            telegram_refusal,
            units,
        )?;
        let updates = body["result"].as_array().cloned().unwrap_or_default();
        let mut items = Vec::new();
        let mut comments = 0;
        let mut next = cursor
            .after
            .as_deref()
            .and_then(|a| a.parse().ok())
            .or(cursor.since);
        let ours = |chat: &Value| {
            chat["username"]
                .as_str()
                .is_some_and(|u| u.to_lowercase() == handle)
        };
        for u in &updates {
            next = next.max(u["update_id"].as_i64().map(|id| id + 1));
            let (m, comment) = if !u["channel_post"].is_null() {
                (&u["channel_post"], false)
            } else {
                (&u["message"], true)
            };
            let chat = &m["chat"];
            // A post of the channel, or a comment on one of its posts in the discussion group.
            let keep = if comment {
                let replied = &m["reply_to_message"];
                ours(&replied["sender_chat"]) || ours(&replied["forward_from_chat"])
            } else {
                ours(chat)
            };
            let (Some(chat_id), Some(message_id), Some(date)) = (
                chat["id"].as_i64(),
                m["message_id"].as_i64(),
                m["date"].as_i64(),
            ) else {
                continue;
            };
            if !keep {
                continue;
            }
            let Some(at) = chrono::DateTime::from_timestamp(date, 0) else {
                continue;
            };
            comments += u64::from(comment);
            items.push((
                ingest::posts::RawItem {
                    position: 0,
                    source_id: format!("{chat_id}/{message_id}"),
                    platform: Some(domain::Platform::Telegram),
                    community_url: Some(source.channel.clone()),
                    community_name: handle.clone(),
                    published_at: at.fixed_offset(),
                    text: m["text"]
                        .as_str()
                        .or(m["caption"].as_str())
                        .unwrap_or("")
                        .to_owned(),
                    url: (!comment).then(|| format!("https://t.me/{handle}/{message_id}")),
                    author: comment
                        .then(|| m["from"]["id"].as_i64().map(|id| id.to_string()))
                        .flatten(),
                    metrics: domain::Metrics {
                        views: m["views"].as_u64(),
                        ..domain::Metrics::default()
                    },
                    media: Vec::new(),
                },
                Meta {
                    kind: if comment { "comment" } else { "post" },
                    parent: comment.then(|| {
                        let replied = &m["reply_to_message"];
                        match (
                            replied["forward_from_chat"]["id"].as_i64(),
                            replied["forward_from_message_id"].as_i64(),
                        ) {
                            (Some(c), Some(id)) => format!("{c}/{id}"),
                            _ => {
                                format!("{chat_id}/{}", replied["message_id"].as_i64().unwrap_or(0))
                            }
                        }
                    }),
                    by_channel: !comment || ours(&m["sender_chat"]),
                },
            ));
        }
        // The offset moves past every update read (kept or not): the next batch, or none.
        Ok(Page {
            items,
            posts: Vec::new(),
            comments,
            after: (!updates.is_empty()).then(|| next.unwrap_or(0).to_string()),
            newest: next,
        })
    }

    /// Ten of the Zalo OA's recent messages from the cursor's offset, newest first; the pull
    /// ends at the first message not newer than the last pull's newest.
    fn zalo_page(
        &self,
        source: &domain::Source,
        token: &str,
        cursor: &Cursor,
        units: &mut i64,
    ) -> Result<Page, String> {
        let offset: u64 = cursor
            .after
            .as_deref()
            .and_then(|a| a.parse().ok())
            .unwrap_or(0);
        let data = json!({"offset": offset, "count": 10}).to_string();
        let body = get_json(
            &with_query(
                &format!("{}/v2.0/oa/listrecentchat", source.api_base),
                &[("data", &data)],
            ),
            &[("access_token", token)],
            zalo_refusal,
            units,
        )?;
        let messages = body["data"].as_array().cloned().unwrap_or_default();
        let oa = channel_id("zalo", &source.channel).unwrap_or_default();
        let mut items = Vec::new();
        let mut comments = 0;
        let mut newest = None;
        let mut reached = false;
        for m in &messages {
            let (Some(id), Some(ms)) = (m["message_id"].as_str(), m["time"].as_i64()) else {
                continue;
            };
            let at_s = ms / 1000;
            if cursor.since.is_some_and(|since| at_s <= since) {
                reached = true;
                break;
            }
            newest = newest.max(Some(at_s));
            let Some(at) = chrono::DateTime::from_timestamp(at_s, 0) else {
                continue;
            };
            let from_people = m["src"].as_i64() == Some(1);
            let person = if from_people {
                m["from_id"].as_str()
            } else {
                m["to_id"].as_str()
            }
            .unwrap_or("");
            comments += u64::from(from_people);
            items.push((
                ingest::posts::RawItem {
                    position: 0,
                    source_id: format!("zalo-oa:{id}"),
                    platform: Some(domain::Platform::Zalo),
                    community_url: Some(source.channel.clone()),
                    community_name: oa.clone(),
                    published_at: at.fixed_offset(),
                    text: m["message"].as_str().unwrap_or("").to_owned(),
                    url: None,
                    author: from_people.then(|| person.to_owned()),
                    metrics: domain::Metrics::default(),
                    media: Vec::new(),
                },
                Meta {
                    kind: "comment",
                    parent: None,
                    by_channel: !from_people,
                },
            ));
        }
        let more = messages.len() == 10 && !reached;
        Ok(Page {
            items,
            posts: Vec::new(),
            comments,
            after: more.then(|| (offset + 10).to_string()),
            newest,
        })
    }

    /// One page of a YouTube channel's uploads (newest first, those after the cursor's time)
    /// with their comment threads and replies.
    fn youtube_page(
        &self,
        source: &domain::Source,
        key: &str,
        cursor: &mut Cursor,
        units: &mut i64,
    ) -> Result<Page, String> {
        if *units >= YOUTUBE_DAILY_UNITS {
            return Err("YouTube: đã dùng hết hạn mức 10.000 đơn vị của ngày; lần kéo sau (ngày mai) sẽ tiếp tục.".to_owned());
        }
        let base = format!("{}/youtube/v3", source.api_base);
        let channel = channel_id("youtube", &source.channel).unwrap_or_default();
        let by = if channel.starts_with('@') {
            "forHandle"
        } else {
            "id"
        };
        if cursor.uploads.is_none() {
            let c = get_json(
                &with_query(
                    &format!("{base}/channels"),
                    &[("part", "contentDetails"), (by, &channel), ("key", key)],
                ),
                &[],
                youtube_refusal,
                units,
            )?;
            let Some(uploads) =
                c["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"].as_str()
            else {
                return Err(format!("YouTube không có kênh «{channel}»."));
            };
            cursor.uploads = Some(uploads.to_owned());
        }
        let uploads = cursor.uploads.clone().unwrap_or_default();
        let uploads = uploads.as_str();
        let mut q: Vec<(&str, &str)> = vec![
            ("part", "snippet"),
            ("playlistId", uploads),
            ("maxResults", "50"),
        ];
        if let Some(after) = &cursor.after {
            q.push(("pageToken", after));
        }
        q.push(("key", key));
        let list = get_json(
            &with_query(&format!("{base}/playlistItems"), &q),
            &[],
            youtube_refusal,
            units,
        )?;
        let mut items = Vec::new();
        let mut comments = 0;
        let mut newest = None;
        let mut older_reached = false;
        for v in list["items"].as_array().into_iter().flatten() {
            let s = &v["snippet"];
            let (Some(video), Some(at)) = (
                s["resourceId"]["videoId"].as_str(),
                s["publishedAt"].as_str().and_then(stamp),
            ) else {
                continue;
            };
            newest = newest.max(Some(at.timestamp()));
            let recent = cursor
                .since
                .is_none_or(|since| at.timestamp() > since - COMMENT_DAYS * 86_400);
            if cursor.since.is_some_and(|since| at.timestamp() <= since) {
                older_reached = true;
            }
            if cursor.since.is_none_or(|since| at.timestamp() > since) {
                items.push((
                    ingest::posts::RawItem {
                        position: 0,
                        source_id: video.to_owned(),
                        platform: Some(domain::Platform::Youtube),
                        community_url: Some(source.channel.clone()),
                        community_name: channel.clone(),
                        published_at: at,
                        text: format!(
                            "{}\n{}",
                            s["title"].as_str().unwrap_or(""),
                            s["description"].as_str().unwrap_or("")
                        )
                        .trim()
                        .to_owned(),
                        url: Some(format!("https://www.youtube.com/watch?v={video}")),
                        author: None,
                        metrics: domain::Metrics::default(),
                        media: Vec::new(),
                    },
                    Meta {
                        kind: "post",
                        parent: None,
                        by_channel: true,
                    },
                ));
            }
            if !recent {
                continue;
            }
            let mut token: Option<String> = None;
            loop {
                let mut q: Vec<(&str, &str)> = vec![
                    ("part", "snippet,replies"),
                    ("videoId", video),
                    ("maxResults", "100"),
                    ("textFormat", "plainText"),
                ];
                if let Some(t) = &token {
                    q.push(("pageToken", t));
                }
                q.push(("key", key));
                let threads = get_json(
                    &with_query(&format!("{base}/commentThreads"), &q),
                    &[],
                    youtube_refusal,
                    units,
                )?;
                for t in threads["items"].as_array().into_iter().flatten() {
                    let top = &t["snippet"]["topLevelComment"];
                    let replies = t["replies"]["comments"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    for c in std::iter::once(top).chain(replies.iter()) {
                        let sn = &c["snippet"];
                        let (Some(cid), Some(cat)) =
                            (c["id"].as_str(), sn["publishedAt"].as_str().and_then(stamp))
                        else {
                            continue;
                        };
                        comments += 1;
                        items.push((
                            ingest::posts::RawItem {
                                position: 0,
                                source_id: cid.to_owned(),
                                platform: Some(domain::Platform::Youtube),
                                community_url: Some(source.channel.clone()),
                                community_name: channel.clone(),
                                published_at: cat,
                                text: sn["textOriginal"]
                                    .as_str()
                                    .or(sn["textDisplay"].as_str())
                                    .unwrap_or("")
                                    .to_owned(),
                                url: Some(format!(
                                    "https://www.youtube.com/watch?v={video}&lc={cid}"
                                )),
                                author: sn["authorChannelId"]["value"].as_str().map(str::to_owned),
                                metrics: domain::Metrics {
                                    reactions: sn["likeCount"].as_u64(),
                                    ..domain::Metrics::default()
                                },
                                media: Vec::new(),
                            },
                            Meta {
                                kind: "comment",
                                parent: Some(sn["parentId"].as_str().unwrap_or(video).to_owned()),
                                by_channel: sn["authorChannelId"]["value"].as_str().is_some_and(
                                    |a| {
                                        uploads
                                            .strip_prefix("UU")
                                            .is_some_and(|rest| a.strip_prefix("UC") == Some(rest))
                                    },
                                ),
                            },
                        ));
                    }
                }
                token = threads["nextPageToken"].as_str().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
        }
        let after = if older_reached {
            None
        } else {
            list["nextPageToken"].as_str().map(str::to_owned)
        };
        Ok(Page {
            items,
            posts: Vec::new(),
            comments,
            after,
            newest,
        })
    }
}

/// The public's feedback on the official channels over a period, in aggregate only: no figure
/// about fewer than [`analytics::MIN_GROUP`] comments is given.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Feedback {
    pub from: String,
    pub to: String,
    /// People's comments a day (Vietnam's days); `None` for a day with fewer than the minimum.
    pub per_day: Vec<(String, Option<u64>)>,
    /// People's comments in the period (the channels' own replies not counted).
    pub comments: u64,
    /// Of them, those the channel itself replied to.
    pub answered: u64,
    /// `answered / comments`, when there are enough comments.
    pub answered_share: Option<f64>,
    /// The posts with the most people's comments (at least the minimum), most first, five.
    pub most_discussed: Vec<Discussed>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Discussed {
    pub text: String,
    pub url: Option<String>,
    pub comments: u64,
}

impl App {
    /// The feedback on the official channels between two days (inclusive), from what the
    /// sources pulled: see [`Feedback`].
    pub fn official_feedback(
        &self,
        actor: &Actor,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Feedback, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(feedback(&mut *self.store()?, from, to)?)
    }
}

/// The feedback on the official channels between two days (inclusive): what
/// [`App::official_feedback`] returns and the periodic report counts.
pub(crate) fn feedback(
    store: &mut store::Store,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> store::Result<Feedback> {
    {
        let vn = |d: chrono::NaiveDate| {
            crate::utc_stamp(
                d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(7),
            )
        };
        let end = to + chrono::Duration::days(1);
        // Posts up to a month before: comments in the period come on older posts too.
        let rows = store.source_items(&vn(from - chrono::Duration::days(31)), &vn(end))?;
        let start = vn(from);
        let parent: std::collections::HashMap<&str, &str> = rows
            .iter()
            .filter_map(|r| Some((r.item_key.as_str(), r.parent.as_deref()?)))
            .collect();
        let posts: std::collections::HashMap<&str, &domain::SourceItem> = rows
            .iter()
            .filter(|r| r.kind == "post")
            .map(|r| (r.item_key.as_str(), r))
            .collect();
        let people: Vec<&domain::SourceItem> = rows
            .iter()
            .filter(|r| r.kind == "comment" && !r.by_channel && r.published_at >= start)
            .collect();
        let answered_keys: std::collections::HashSet<&str> = rows
            .iter()
            .filter(|r| r.kind == "comment" && r.by_channel)
            .filter_map(|r| r.parent.as_deref())
            .collect();
        let min = analytics::MIN_GROUP;
        let mut days: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        let mut day = from;
        while day <= to {
            days.insert(day.format("%Y-%m-%d").to_string(), 0);
            day += chrono::Duration::days(1);
        }
        let mut per_post: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        for c in &people {
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&c.published_at) {
                let local = (at.with_timezone(&chrono::Utc) + chrono::Duration::hours(7))
                    .format("%Y-%m-%d")
                    .to_string();
                if let Some(n) = days.get_mut(&local) {
                    *n += 1;
                }
            }
            // The post at the root of the comment's thread.
            let mut key = c.item_key.as_str();
            for _ in 0..8 {
                match parent.get(key) {
                    Some(p) => key = p,
                    None => break,
                }
            }
            if posts.contains_key(key) {
                *per_post.entry(key).or_default() += 1;
            }
        }
        let comments = people.len() as u64;
        let answered = people
            .iter()
            .filter(|c| answered_keys.contains(c.item_key.as_str()))
            .count() as u64;
        let mut most: Vec<Discussed> = per_post
            .into_iter()
            .filter(|(_, n)| *n >= min)
            .filter_map(|(k, n)| {
                let p = posts.get(k)?;
                Some(Discussed {
                    text: p.text.clone(),
                    url: p.url.clone(),
                    comments: n,
                })
            })
            .collect();
        most.sort_by(|a, b| b.comments.cmp(&a.comments).then(a.text.cmp(&b.text)));
        most.truncate(5);
        Ok(Feedback {
            from: from.to_string(),
            to: to.to_string(),
            per_day: days
                .into_iter()
                .map(|(d, n)| (d, (n >= min).then_some(n)))
                .collect(),
            comments,
            answered,
            answered_share: (comments >= min).then(|| answered as f64 / comments as f64),
            most_discussed: most,
        })
    }
}

/// What the watch on the register found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WatchReport {
    /// Channels asked about.
    pub checked: u64,
    /// (channel, old name, new name).
    pub renamed: Vec<(String, String, String)>,
    /// Channels the platform no longer has.
    pub removed: Vec<String>,
    /// Impersonation alerts raised by a rename.
    pub alerts: u64,
    pub errors: Vec<String>,
}

/// What a platform said of one channel.
enum Seen {
    Present { name: String, size: Option<u64> },
    Gone,
}

impl App {
    /// The watch on the register (see `watch_register`'s doc in the module): YouTube channels
    /// of the register through `channels.list` with a YouTube source's key; public Telegram
    /// channels through a Telegram source's bot (`getChat`); the office's own Facebook pages
    /// through their sources' tokens. A new name is kept (with its history), a
    /// new size as a snapshot, a channel gone marked removed with the date (each through the
    /// register's import, audited); a renamed page whose new name looks like one of our official
    /// channels raises one `impersonation` alert naming the old and the new name.
    pub fn watch_register(&self, actor: &Actor) -> Result<WatchReport, Error> {
        actor.require_province(Permission::Triage)?;
        let mut report = WatchReport::default();
        let sources = self.store()?.sources()?;
        let communities = self.store()?.communities()?;
        let mut seen: Vec<(domain::Community, Seen)> = Vec::new();
        let mut units = 0i64;
        if let Some(yt) = sources
            .iter()
            .find(|s| s.platform == "youtube" && s.interval > 0)
        {
            let key = crate::exchange::unseal(self.data_dir(), &yt.credential)?;
            let base = format!("{}/youtube/v3", yt.api_base);
            for c in communities.iter().filter(|c| {
                c.platform == domain::Platform::Youtube && c.status != domain::Status::Removed
            }) {
                let Some(id) = c.url.as_deref().and_then(|u| channel_id("youtube", u)) else {
                    continue;
                };
                let by = if id.starts_with('@') {
                    "forHandle"
                } else {
                    "id"
                };
                match get_json(
                    &with_query(
                        &format!("{base}/channels"),
                        &[("part", "snippet,statistics"), (by, &id), ("key", &key)],
                    ),
                    &[],
                    youtube_refusal,
                    &mut units,
                ) {
                    Ok(body) => {
                        report.checked += 1;
                        let item = &body["items"][0];
                        seen.push((
                            c.clone(),
                            match item["snippet"]["title"].as_str() {
                                Some(title) => Seen::Present {
                                    name: title.to_owned(),
                                    size: item["statistics"]["subscriberCount"]
                                        .as_str()
                                        .and_then(|n| n.parse().ok()),
                                },
                                None => Seen::Gone,
                            },
                        ));
                    }
                    Err(why) => report.errors.push(why.replace(&key, "…")),
                }
            }
        }
        for s in sources
            .iter()
            .filter(|s| s.platform == "facebook" && s.interval > 0)
        {
            let Some(c) = communities
                .iter()
                .find(|c| c.url.as_deref() == Some(s.channel.as_str()))
            else {
                continue;
            };
            let token = crate::exchange::unseal(self.data_dir(), &s.credential)?;
            let page = channel_id("facebook", &s.channel).unwrap_or_default();
            match get_json(
                &with_query(
                    &format!("{}/{GRAPH_VERSION}/{page}", s.api_base),
                    &[
                        ("fields", "name,followers_count,fan_count"),
                        ("access_token", &token),
                    ],
                ),
                &[],
                facebook_refusal,
                &mut units,
            ) {
                Ok(body) => {
                    report.checked += 1;
                    seen.push((
                        c.clone(),
                        Seen::Present {
                            name: body["name"].as_str().unwrap_or(&c.name).to_owned(),
                            size: body["followers_count"]
                                .as_u64()
                                .or(body["fan_count"].as_u64()),
                        },
                    ));
                }
                // "(#803) Some of the aliases you requested do not exist", "Unsupported get request".
                Err(why) if why.contains("(mã 803)") || why.contains("(mã 100)") => {
                    report.checked += 1;
                    seen.push((c.clone(), Seen::Gone));
                }
                Err(why) => report.errors.push(why.replace(&token, "…")),
            }
        }
        // Telegram channels of the register, through a Telegram source's bot (`getChat`,
        // `getChatMemberCount` on a public channel's @name).
        if let Some(tg) = sources
            .iter()
            .find(|s| s.platform == "telegram" && s.interval > 0)
        {
            let token = crate::exchange::unseal(self.data_dir(), &tg.credential)?;
            for c in communities.iter().filter(|c| {
                c.platform == domain::Platform::Telegram && c.status != domain::Status::Removed
            }) {
                let Some(handle) = c.url.as_deref().and_then(|u| channel_id("telegram", u)) else {
                    continue;
                };
                let chat = format!("@{handle}");
                let asked = get_json(
                    &with_query(
                        &format!("{}/bot{token}/getChat", tg.api_base),
                        &[("chat_id", &chat)],
                    ),
                    &[],
                    telegram_refusal,
                    &mut units,
                );
                match asked {
                    Ok(body) => {
                        report.checked += 1;
                        let size = get_json(
                            &with_query(
                                &format!("{}/bot{token}/getChatMemberCount", tg.api_base),
                                &[("chat_id", &chat)],
                            ),
                            &[],
                            telegram_refusal,
                            &mut units,
                        )
                        .ok()
                        .and_then(|b| b["result"].as_u64());
                        seen.push((
                            c.clone(),
                            Seen::Present {
                                name: body["result"]["title"]
                                    .as_str()
                                    .unwrap_or(&c.name)
                                    .to_owned(),
                                size,
                            },
                        ));
                    }
                    // "Bad Request: chat not found".
                    Err(why) if why.contains("chat not found") => {
                        report.checked += 1;
                        seen.push((c.clone(), Seen::Gone));
                    }
                    Err(why) => report.errors.push(why.replace(&token, "…")),
                }
            }
        }
        self.apply_seen(actor, seen, &mut report)?;
        Ok(report)
    }

    /// What the platforms (or an officer) saw of the register's channels, applied: a new name
    /// kept with its history (and one impersonation alert when it looks like one of our
    /// official channels), a new size as a snapshot, a channel gone marked removed with the
    /// date — through the register's import, audited.
    fn apply_seen(
        &self,
        actor: &Actor,
        seen: Vec<(domain::Community, Seen)>,
        report: &mut WatchReport,
    ) -> Result<(), Error> {
        let today = today();
        let mut renamed_ids = Vec::new();
        let mut records = Vec::new();
        for (c, what) in seen {
            let mut r = domain::CommunityRecord::from(&c);
            match what {
                Seen::Present { name, size } => {
                    let name = name.trim().to_owned();
                    if !name.is_empty() && name != c.name {
                        report.renamed.push((
                            c.url.clone().unwrap_or_default(),
                            c.name.clone(),
                            name.clone(),
                        ));
                        renamed_ids.push((c.id, c.name.clone(), name.clone()));
                        r.name = name;
                    }
                    if size.is_some() {
                        r.members = size;
                    }
                }
                Seen::Gone => {
                    report.removed.push(c.url.clone().unwrap_or_default());
                    r.status = domain::Status::Removed;
                    r.note = Some(
                        format!(
                            "{} Nền tảng không còn kênh này (kiểm tra ngày {today}).",
                            c.note.as_deref().unwrap_or("")
                        )
                        .trim()
                        .to_owned(),
                    );
                }
            }
            records.push(r);
        }
        if !records.is_empty() {
            self.store()?
                .import_communities(&actor.name, "watch", &records)?;
        }
        // A rename into a look-alike of one of our official channels.
        let mut alerts = Vec::new();
        for (id, old, new) in renamed_ids {
            let mut s = self.store()?;
            let found = crate::impersonation::scan_candidates(
                &mut s,
                detect::impersonation::JUDGED,
                1,
                |c| c.id == id,
            )
            .map_err(Error::from)?;
            if let Some(f) = found.first() {
                let now = crate::now_utc();
                alerts.push(domain::StoredAlert {
                    id: 0,
                    category: domain::Category::Impersonation,
                    severity: "high".into(),
                    score: f.score as f32,
                    item_ids: Vec::new(),
                    count: 1,
                    first_at: now.clone(),
                    last_at: now,
                    explanation: format!(
                        "Kênh «{old}» đổi tên thành «{new}», giống kênh chính thức «{}» (điểm {:.2}): {}",
                        f.official.name,
                        f.score,
                        f.reasons.join("; ")
                    ),
                    status: "open".into(),
                });
            }
        }
        if !alerts.is_empty() {
            report.alerts += self.store()?.raise_alerts(&actor.name, &alerts)?;
        }
        Ok(())
    }
}

impl App {
    /// An approved warning published on one of the office's own channels through its source's
    /// credential: a Facebook Page's post (`/{page}/feed`), or a Telegram channel's message
    /// (`sendMessage` to `@channel`). The post's id is kept on the warning (audited).
    pub fn publish_warning(
        &self,
        actor: &Actor,
        warning: i64,
        source: i64,
    ) -> Result<String, Error> {
        actor.require_province(Permission::Triage)?;
        let w = self.warning(actor, warning)?;
        if w.status != "approved" {
            return Err(Error::invalid(
                "status",
                format!("Cảnh báo #{warning} chưa được duyệt: chỉ đăng cảnh báo đã duyệt."),
            ));
        }
        let Some(s) = self
            .store()?
            .sources()?
            .into_iter()
            .find(|s| s.id == source && s.interval > 0)
        else {
            return Err(Error::not_found("nguồn", source));
        };
        let credential = crate::exchange::unseal(self.data_dir(), &s.credential)?;
        let text = format!("{}\n\n{}", w.title, w.body);
        let unavailable =
            |m: String| Error::new(crate::ErrorKind::Unavailable, m.replace(&credential, "…"));
        let id = match s.platform.as_str() {
            "facebook" => {
                let page = channel_id("facebook", &s.channel).unwrap_or_default();
                let form = format!(
                    "message={}&access_token={}",
                    urlencode(&text),
                    urlencode(&credential)
                );
                let mut r = agent()
                    .post(format!("{}/{GRAPH_VERSION}/{page}/feed", s.api_base))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .send(form)
                    .map_err(|e| unavailable(format!("không gọi được Facebook: {e}")))?;
                let status = r.status().as_u16();
                let body = crate::tip_channels::json_body(&mut r, 1 << 20);
                match (
                    body["id"].as_str(),
                    facebook_refusal(status, &body, &|_| None),
                ) {
                    (Some(id), _) if status == 200 => id.to_owned(),
                    (_, Some(Refusal::Stop(why))) => return Err(unavailable(why)),
                    _ => {
                        return Err(unavailable(format!(
                            "Facebook trả lời {status} khi đăng bài."
                        )));
                    }
                }
            }
            "telegram" => {
                let handle = channel_id("telegram", &s.channel).unwrap_or_default();
                let mut r = agent()
                    .post(format!("{}/bot{credential}/sendMessage", s.api_base))
                    .header("Content-Type", "application/json")
                    .send(json!({"chat_id": format!("@{handle}"), "text": text}).to_string())
                    .map_err(|e| unavailable(format!("không gọi được Telegram: {e}")))?;
                let status = r.status().as_u16();
                let body = crate::tip_channels::json_body(&mut r, 1 << 20);
                match body["result"]["message_id"].as_i64() {
                    Some(id) if body["ok"] == true => format!("@{handle}/{id}"),
                    _ => {
                        let why = match telegram_refusal(status, &body, &|_| None) {
                            Some(Refusal::Stop(why)) => why,
                            _ => format!("Telegram trả lời {status} khi đăng bài."),
                        };
                        return Err(unavailable(why));
                    }
                }
            }
            other => {
                return Err(Error::invalid(
                    "source",
                    format!(
                        "Không đăng được lên kênh {other} qua API: hãy dùng văn bản hoặc ảnh thẻ."
                    ),
                ));
            }
        };
        self.store()?
            .set_warning_published(&actor.name, warning, &s.channel, &id)?;
        Ok(id)
    }
}

/// Days between two of an officer's checks of a page no API can check.
pub const MANUAL_CHECK_DAYS: i64 = 30;

/// A page due for an officer's check.
#[derive(Clone, Debug, Serialize)]
pub struct DueCheck {
    pub community_id: i64,
    pub name: String,
    pub url: Option<String>,
    pub platform: &'static str,
    /// The last check, if any.
    pub last: Option<domain::ChannelCheck>,
}

/// What an officer saw of a page.
#[derive(Clone, Debug, Default)]
pub struct NewCheck {
    pub community: i64,
    /// `same`, `renamed`, `changed`, `gone`.
    pub outcome: String,
    pub seen_name: Option<String>,
    pub members: Option<u64>,
    pub note: String,
    /// A screenshot (file name, bytes): kept as evidence.
    pub screenshot: Option<(String, Vec<u8>)>,
}

impl App {
    /// The pages the watch cannot ask a platform about (not YouTube, not one of our Facebook
    /// pages with a source, not removed) whose last check is older than [`MANUAL_CHECK_DAYS`]
    /// at `now`, or never made; never checked first.
    pub fn due_checks(
        &self,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<DueCheck>, Error> {
        actor.require_province(Permission::Triage)?;
        let mut s = self.store()?;
        let watched: Vec<String> = s
            .sources()?
            .into_iter()
            .filter(|x| x.platform != "youtube")
            .map(|x| x.channel)
            .collect();
        let last: std::collections::HashMap<i64, domain::ChannelCheck> = s
            .latest_channel_checks()?
            .into_iter()
            .map(|c| (c.community_id, c))
            .collect();
        let before = crate::utc_stamp(now - chrono::Duration::days(MANUAL_CHECK_DAYS));
        let mut due: Vec<DueCheck> = s
            .communities()?
            .into_iter()
            .filter(|c| {
                c.status != domain::Status::Removed
                    && c.platform != domain::Platform::Youtube
                    && !c.url.as_ref().is_some_and(|u| watched.contains(u))
            })
            .filter(|c| last.get(&c.id.0).is_none_or(|l| l.checked_at < before))
            .map(|c| DueCheck {
                community_id: c.id.0,
                last: last.get(&c.id.0).cloned(),
                name: c.name,
                url: c.url,
                platform: c.platform.as_str(),
            })
            .collect();
        due.sort_by(|a, b| {
            let at = |d: &DueCheck| d.last.as_ref().map(|l| l.checked_at.clone());
            at(a).cmp(&at(b)).then(a.community_id.cmp(&b.community_id))
        });
        Ok(due)
    }

    /// An officer's check of a page recorded (its screenshot kept as evidence) and applied as
    /// the watch applies what a platform says: a new name with its history (and an alert when it
    /// looks like one of our official channels), a new size, a page gone marked removed.
    pub fn record_check(&self, actor: &Actor, new: NewCheck) -> Result<WatchReport, Error> {
        actor.require_province(Permission::Triage)?;
        if !matches!(
            new.outcome.as_str(),
            "same" | "renamed" | "changed" | "gone"
        ) {
            return Err(Error::invalid(
                "outcome",
                "Kết quả: same (như cũ), renamed (đổi tên), changed (thay đổi khác) hoặc gone (không còn).",
            ));
        }
        let seen_name = new
            .seen_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if new.outcome == "renamed" && seen_name.is_none() {
            return Err(Error::invalid(
                "seen_name",
                "Trang đổi tên: hãy ghi tên mới.",
            ));
        }
        if new.note.trim().is_empty() && new.screenshot.is_none() {
            return Err(Error::invalid(
                "note",
                "Hãy ghi điều đã thấy hoặc kèm ảnh chụp màn hình.",
            ));
        }
        let Some(community) = self
            .store()?
            .community(domain::CommunityId(new.community))?
        else {
            return Err(Error::not_found("trang", new.community));
        };
        let (sha256, media_type) = match &new.screenshot {
            Some((name, bytes)) => {
                let Some(kind) =
                    crate::cases::evidence_type(bytes).filter(|t| t.starts_with("image/"))
                else {
                    return Err(Error::invalid(
                        "screenshot",
                        format!(
                            "Tệp «{}» không phải ảnh PNG, JPEG, WebP hay GIF.",
                            crate::cases::evidence_name(name)
                        ),
                    ));
                };
                let sha = crate::evidence::sha256(bytes);
                crate::evidence::keep(&self.evidence_dir(), &sha, bytes)?;
                (Some(sha), Some(kind.to_owned()))
            }
            None => (None, None),
        };
        self.store()?.add_channel_check(
            &actor.name,
            &domain::ChannelCheck {
                id: 0,
                community_id: new.community,
                outcome: new.outcome.clone(),
                seen_name: seen_name.clone(),
                members: new.members,
                note: new.note.trim().to_owned(),
                sha256,
                media_type,
                checked_by: String::new(),
                checked_at: String::new(),
            },
        )?;
        let mut report = WatchReport {
            checked: 1,
            ..WatchReport::default()
        };
        let seen = match new.outcome.as_str() {
            "gone" => Seen::Gone,
            _ => Seen::Present {
                name: seen_name.unwrap_or_else(|| community.name.clone()),
                size: new.members,
            },
        };
        self.apply_seen(actor, vec![(community, seen)], &mut report)?;
        Ok(report)
    }

    /// A check's screenshot by its SHA-256 (only a hash on one of the page's checks names a file).
    pub fn check_screenshot(
        &self,
        actor: &Actor,
        community: i64,
        sha: &str,
    ) -> Result<(String, Vec<u8>), Error> {
        actor.require_province(Permission::Triage)?;
        let last = self.store()?.latest_channel_checks()?;
        let Some(c) = last
            .into_iter()
            .find(|c| c.community_id == community && c.sha256.as_deref() == Some(sha))
        else {
            return Err(Error::not_found(
                "ảnh kiểm tra",
                sha.get(..12).unwrap_or(sha),
            ));
        };
        let bytes = std::fs::read(self.evidence_dir().join(&sha[..2]).join(sha))
            .map_err(|e| anyhow::anyhow!("không đọc được ảnh kiểm tra: {e}"))?;
        Ok((c.media_type.unwrap_or_default(), bytes))
    }
}

/// Vietnam's day, for the quota (YouTube's day is Pacific time; ours is a little early, never late).
fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_due_after_its_interval_and_only_an_official_channel_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path(), None).unwrap();
        let page = |url: &str, classification| domain::CommunityRecord {
            key: url.into(),
            name: "Công an xã Thạch Quảng".into(),
            url: Some(url.into()),
            platform: domain::Platform::Facebook,
            kind: domain::Kind::Page,
            members: None,
            admins: None,
            unit: None,
            status: domain::Status::Verified,
            classification,
            official_of: None,
            locality: None,
            note: None,
        };
        app.store()
            .unwrap()
            .import_communities(
                "t",
                "t",
                &[
                    page(
                        "https://www.facebook.com/congan.thachquang",
                        domain::Classification::Official,
                    ),
                    page(
                        "https://www.facebook.com/groups/chothachquang",
                        domain::Classification::Unknown,
                    ),
                ],
            )
            .unwrap();
        let cli = Actor::cli();
        let refused = app
            .add_source(
                &cli,
                "facebook",
                "https://www.facebook.com/groups/chothachquang",
                "t",
                900,
                None,
            )
            .unwrap_err();
        assert_eq!(refused.kind, crate::ErrorKind::Invalid { field: "channel" });
        assert!(
            app.add_source(
                &cli,
                "tiktok",
                "https://www.facebook.com/congan.thachquang",
                "t",
                900,
                None
            )
            .is_err()
        );
        assert!(
            app.add_source(
                &cli,
                "facebook",
                "https://www.facebook.com/congan.thachquang",
                "t",
                10,
                None
            )
            .is_err()
        );
        let s = app
            .add_source(
                &cli,
                "facebook",
                "https://www.facebook.com/congan.thachquang",
                "token-1234",
                900,
                None,
            )
            .unwrap();
        assert_eq!(
            (s.credential_tail.as_str(), s.api_base.as_str()),
            ("…1234", FACEBOOK_API)
        );
        let now = chrono::Utc::now();
        assert_eq!(app.due_sources(&cli, now).unwrap(), [s.id], "never pulled");
        app.store()
            .unwrap()
            .record_source_pull("t", s.id, "{}", &today(), 3, None, json!({}))
            .unwrap();
        assert!(app.due_sources(&cli, now).unwrap().is_empty());
        let later = now + chrono::Duration::seconds(900 + 60);
        assert_eq!(app.due_sources(&cli, later).unwrap(), [s.id]);
        // Added again: the credential replaced, the same source.
        let again = app
            .add_source(
                &cli,
                "facebook",
                "https://facebook.com/congan.thachquang/",
                "token-5678",
                900,
                None,
            )
            .unwrap();
        assert_eq!((again.id, again.credential_tail.as_str()), (s.id, "…5678"));
        assert_eq!(app.sources(&cli).unwrap().len(), 1);
    }

    #[test]
    fn a_channel_id_is_read_from_the_registers_link() {
        assert_eq!(
            channel_id("facebook", "https://www.facebook.com/congan.thachquang").as_deref(),
            Some("congan.thachquang")
        );
        assert_eq!(
            channel_id("youtube", "https://www.youtube.com/@truyenhinhthachquang").as_deref(),
            Some("@truyenhinhthachquang")
        );
        assert_eq!(
            channel_id("youtube", "https://youtube.com/channel/UC123abc/videos").as_deref(),
            Some("UC123abc")
        );
        assert_eq!(
            channel_id("youtube", "https://youtube.com/channel/UC123abc").as_deref(),
            Some("UC123abc")
        );
        assert_eq!(channel_id("facebook", "https://www.facebook.com/"), None);
        assert_eq!(
            with_query("http://h/p", &[("a", "x y"), ("b", "ạ")]),
            "http://h/p?a=x%20y&b=%E1%BA%A1"
        );
    }
}
