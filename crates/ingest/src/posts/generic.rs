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
fn from_object(position: u64, o: &serde_json::Map<String, Value>) -> Entry {
    let reject = |reason: String| Rejected {
        line: position,
        reason,
    };
    let id = string(o.get("id")).ok_or_else(|| reject("thiếu trường id / missing id".into()))?;
    let published = string(o.get("published_at"))
        .ok_or_else(|| reject("thiếu published_at / missing published_at".into()))?;
    let published_at = parse_time(&published).ok_or_else(|| {
        reject(format!(
            "thời gian không hợp lệ «{published}» / bad published_at (RFC 3339)"
        ))
    })?;
    let platform = match string(o.get("platform")) {
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
        community_url: string(o.get("community_url")),
        community_name: string(o.get("community_name")).unwrap_or_default(),
        published_at,
        text: string(o.get("text")).unwrap_or_default(),
        url: string(o.get("url")),
        author: string(o.get("author")),
        metrics: Metrics {
            reactions: count(o.get("reactions")),
            comments: count(o.get("comments")),
            shares: count(o.get("shares")),
            views: count(o.get("views")),
        },
        media: media(o.get("media")),
    })
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
            Some(match serde_json::from_slice::<Value>(line) {
                Ok(Value::Object(o)) => from_object(n, &o),
                Ok(_) => Err(Rejected {
                    line: n,
                    reason: "dòng không phải đối tượng JSON / line is not a JSON object".into(),
                }),
                Err(e) => Err(Rejected {
                    line: n,
                    reason: format!("JSON không hợp lệ: {e} / invalid JSON"),
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
        from_object(line, &o)
    }))
}
