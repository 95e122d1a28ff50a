//! The generic schema, as JSON lines or CSV: `id, community_url, platform, published_at
//! (RFC 3339), text, url, author, reactions, comments, shares, media` (media: a JSON array of
//! paths or URLs; in CSV also a `;`-separated list).

use super::{Entry, RawItem, Rejected, parse_time};
use domain::{Metrics, Platform};
use serde_json::Value;

fn count(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => crate::numbers::parse_count(s),
        _ => None,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn media(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|m| string(Some(m))).collect(),
        Some(Value::String(s)) => s
            .split(';')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// One record of the generic schema, from a JSON object.
/// One record of the generic schema, from anything that gives a field by name.
fn from_fields<'v>(position: u64, o: impl Fn(&str) -> Option<&'v Value>) -> Entry {
    let reject = |reason: String| Rejected {
        line: position,
        reason,
    };
    let id = string(o("id")).ok_or_else(|| reject("thiếu trường id / missing id".into()))?;
    let published = string(o("published_at"))
        .ok_or_else(|| reject("thiếu published_at / missing published_at".into()))?;
    let published_at = parse_time(&published).ok_or_else(|| {
        reject(format!(
            "thời gian không hợp lệ «{published}» / bad published_at (RFC 3339)"
        ))
    })?;
    let platform = match string(o("platform")) {
        Some(p) => Some(
            Platform::parse_word(&p)
                .ok_or_else(|| reject(format!("nền tảng không rõ «{p}» / unknown platform")))?,
        ),
        None => None,
    };
    Ok(RawItem {
        position,
        source_id: id,
        platform,
        community_url: string(o("community_url")),
        community_name: string(o("community_name")).unwrap_or_default(),
        published_at,
        text: string(o("text")).unwrap_or_default(),
        url: string(o("url")),
        author: string(o("author")),
        metrics: Metrics {
            reactions: count(o("reactions")),
            comments: count(o("comments")),
            shares: count(o("shares")),
            views: count(o("views")),
        },
        media: media(o("media")),
    })
}

/// One line of the generic schema, read into its fields only (no map of every key): the line
/// format is what the large imports use.
#[derive(serde::Deserialize)]
struct Line {
    id: Option<Value>,
    community_url: Option<Value>,
    community_name: Option<Value>,
    platform: Option<Value>,
    published_at: Option<Value>,
    text: Option<Value>,
    url: Option<Value>,
    author: Option<Value>,
    reactions: Option<Value>,
    comments: Option<Value>,
    shares: Option<Value>,
    views: Option<Value>,
    media: Option<Value>,
}

impl Line {
    fn get(&self, key: &str) -> Option<&Value> {
        match key {
            "id" => self.id.as_ref(),
            "community_url" => self.community_url.as_ref(),
            "community_name" => self.community_name.as_ref(),
            "platform" => self.platform.as_ref(),
            "published_at" => self.published_at.as_ref(),
            "text" => self.text.as_ref(),
            "url" => self.url.as_ref(),
            "author" => self.author.as_ref(),
            "reactions" => self.reactions.as_ref(),
            "comments" => self.comments.as_ref(),
            "shares" => self.shares.as_ref(),
            "views" => self.views.as_ref(),
            "media" => self.media.as_ref(),
            _ => None,
        }
    }
}

/// JSON lines, streamed: position is the line number.
pub fn jsonl(bytes: &[u8]) -> impl Iterator<Item = Entry> + '_ {
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter_map(|(i, line)| {
            let n = i as u64 + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                return None;
            }
            Some(match serde_json::from_slice::<Line>(line) {
                Ok(l) => from_fields(n, |k| l.get(k)),
                // A line that is valid JSON but not an object fails here too, with serde's reason.
                Err(e) => Err(Rejected {
                    line: n,
                    reason: format!("JSON không hợp lệ hoặc không phải đối tượng: {e} / invalid JSON or not an object"),
                }),
            })
        })
}

/// CSV with a header row naming the schema's fields; position is the record's line.
pub fn csv(bytes: &[u8]) -> Result<impl Iterator<Item = Entry> + '_, String> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if !headers.iter().any(|h| h == "id") {
        return Err("tệp CSV không có cột id / the CSV has no id column".into());
    }
    Ok(reader.into_records().map(move |r| {
        let r = r.map_err(|e| Rejected {
            line: e.position().map(|p| p.line()).unwrap_or(0),
            reason: e.to_string(),
        })?;
        let line = r.position().map(|p| p.line()).unwrap_or(0);
        let mut o = serde_json::Map::new();
        for (h, v) in headers.iter().zip(r.iter()) {
            let v = v.trim();
            if v.starts_with('[')
                && h == "media"
                && let Ok(a) = serde_json::from_str::<Value>(v)
            {
                o.insert(h.clone(), a);
                continue;
            }
            o.insert(h.clone(), Value::String(v.to_owned()));
        }
        from_fields(line, |k| o.get(k))
    }))
}
