//! RSS 2.0 and Atom feeds (official news sites), read over HTTP with conditional GET (ETag and
//! Last-Modified, so an unchanged feed costs the site one short reply) and no more often than a
//! polite interval. Each `<item>` or `<entry>` becomes an item of the feed's site.

use super::{Entry, RawItem, Rejected, parse_time};
use domain::{Metrics, Platform};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

/// What we remember of a feed between fetches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix seconds of the last fetch.
    pub fetched_at: Option<i64>,
}

/// The result of asking a feed for news.
#[derive(Debug)]
pub enum Fetched {
    /// 200: the body, and the state to remember.
    Body(Vec<u8>, FeedState),
    /// 304: nothing new.
    NotModified(FeedState),
    /// Asked again sooner than the interval: not fetched.
    TooSoon { wait_seconds: i64 },
}

/// Fetches a feed politely: not before `interval_seconds` since the last fetch, and with the
/// validators the site gave last time.
pub fn fetch_feed(
    url: &str,
    state: &FeedState,
    interval_seconds: i64,
    now: i64,
) -> Result<Fetched, String> {
    if let Some(last) = state.fetched_at
        && now - last < interval_seconds
    {
        return Ok(Fetched::TooSoon {
            wait_seconds: interval_seconds - (now - last),
        });
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut req = agent.get(url).header(
        "User-Agent",
        "sokenh/0.1 (feed reader; +https://github.com/sokenh)",
    );
    if let Some(e) = &state.etag {
        req = req.header("If-None-Match", e);
    }
    if let Some(m) = &state.last_modified {
        req = req.header("If-Modified-Since", m);
    }
    let mut resp = req
        .call()
        .map_err(|e| format!("không tải được {url}: {e}"))?;
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let next = FeedState {
        etag: header("etag").or_else(|| state.etag.clone()),
        last_modified: header("last-modified").or_else(|| state.last_modified.clone()),
        fetched_at: Some(now),
    };
    match resp.status().as_u16() {
        304 => Ok(Fetched::NotModified(next)),
        200..=299 => {
            let body = resp
                .body_mut()
                .read_to_vec()
                .map_err(|e| format!("đọc nội dung {url}: {e}"))?;
            Ok(Fetched::Body(body, next))
        }
        code => Err(format!("{url} trả về mã {code} / HTTP {code}")),
    }
}

#[derive(Default)]
struct Entry_ {
    title: String,
    link: Option<String>,
    id: Option<String>,
    date: Option<String>,
    summary: String,
}

/// Parses RSS 2.0 or Atom. The community is the feed's own link (its site), or `community`.
pub fn parse_feed(bytes: &[u8], community: Option<&str>) -> Result<Vec<Entry>, String> {
    let mut reader = Reader::from_reader(bytes);
    // Text is trimmed per element, not per event: "a &amp; b" arrives as three events.
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut site_link: Option<String> = None;
    let mut site_title = String::new();
    let mut current: Option<Entry_> = None;
    let mut entries: Vec<Entry_> = Vec::new();
    // The text of the element being read; entity references arrive as separate events.
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Err(e) => {
                return Err(format!(
                    "XML không hợp lệ ở byte {}: {e}",
                    reader.buffer_position()
                ));
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_owned();
                if name == "item" || name == "entry" {
                    current = Some(Entry_::default());
                }
                if name == "link"
                    && let Some(href) = attr(&e, "href")
                {
                    // Atom: <link href="…" rel="alternate"/> may also come as a start tag.
                    set_link(&mut current, &mut site_link, href, attr(&e, "rel"));
                }
                text.clear();
                path.push(name);
            }
            Ok(Event::Empty(e)) => {
                if e.local_name().as_ref() == "link"
                    && let Some(href) = attr(&e, "href")
                {
                    set_link(&mut current, &mut site_link, href, attr(&e, "rel"));
                }
            }
            Ok(Event::End(e)) => {
                let name = e.local_name().as_ref().to_owned();
                let whole = std::mem::take(&mut text);
                let whole = whole.trim();
                if !whole.is_empty() {
                    absorb(
                        &path,
                        &mut current,
                        &mut site_link,
                        &mut site_title,
                        whole.to_owned(),
                    );
                }
                path.pop();
                if (name == "item" || name == "entry")
                    && let Some(c) = current.take()
                {
                    entries.push(c);
                }
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let name: &str = &r;
                match (r.resolve_char_ref(), name) {
                    (Ok(Some(c)), _) => text.push(c),
                    (_, "amp") => text.push('&'),
                    (_, "lt") => text.push('<'),
                    (_, "gt") => text.push('>'),
                    (_, "quot") => text.push('"'),
                    (_, "apos") => text.push('\''),
                    (_, "nbsp") => text.push(' '),
                    _ => {}
                }
            }
            Ok(_) => {}
        }
        buf.clear();
    }
    let community_url = community.map(str::to_owned).or(site_link.clone());
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let position = i as u64 + 1;
            let reject = |reason: &str| Rejected {
                line: position,
                reason: reason.to_owned(),
            };
            let id = e.id.clone().or(e.link.clone()).ok_or_else(|| {
                reject("mục không có guid/id hay link / entry without id or link")
            })?;
            let published_at =
                e.date.as_deref().and_then(parse_time).ok_or_else(|| {
                    reject("mục không có ngày hợp lệ / entry without a valid date")
                })?;
            let text = if e.summary.is_empty() {
                e.title.clone()
            } else {
                format!("{}\n{}", e.title, strip_tags(&e.summary))
            };
            Ok(RawItem {
                position,
                source_id: id,
                platform: Some(Platform::Website),
                community_url: community_url.clone(),
                community_name: site_title.clone(),
                published_at,
                text,
                url: e.link,
                author: None,
                metrics: Metrics::default(),
                media: Vec::new(),
            })
        })
        .collect())
}

fn attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
}

fn set_link(
    current: &mut Option<Entry_>,
    site: &mut Option<String>,
    href: String,
    rel: Option<String>,
) {
    if rel.as_deref().is_some_and(|r| r != "alternate") {
        return;
    }
    match current {
        Some(c) => c.link = Some(href),
        None if site.is_none() => *site = Some(href),
        None => {}
    }
}

fn absorb(
    path: &[String],
    current: &mut Option<Entry_>,
    site: &mut Option<String>,
    site_title: &mut String,
    text: String,
) {
    let Some(leaf) = path.last().map(String::as_str) else {
        return;
    };
    match current {
        Some(c) => match leaf {
            "title" => c.title.push_str(&text),
            "link" if c.link.is_none() => c.link = Some(text),
            "guid" | "id" => c.id = Some(text),
            "pubDate" | "published" | "updated" | "date"
                if c.date.is_none() || leaf == "published" || leaf == "pubDate" =>
            {
                c.date = Some(text)
            }
            "description" | "summary" | "content" | "encoded" if c.summary.is_empty() => {
                c.summary = text
            }
            _ => {}
        },
        None => match leaf {
            "title" if site_title.is_empty() => *site_title = text,
            "link" if site.is_none() => *site = Some(text),
            _ => {}
        },
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    // Inside CDATA the HTML keeps its own escapes.
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
