//! Telegram Desktop's export (`result.json`): one chat (`{"name", "type", "id", "messages"}`) or
//! a full export (`{"chats": {"list": [...]}}`). A message's `text` is a string or an array of
//! strings and entity objects (`{"type": "link", "text": "…"}`); both give the plain text.

use super::{Entry, RawItem, Rejected, parse_time};
use domain::{Metrics, Platform};
use serde_json::Value;

fn flatten_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                Value::String(s) => s.as_str(),
                Value::Object(o) => o.get("text").and_then(Value::as_str).unwrap_or(""),
                _ => "",
            })
            .collect(),
        _ => String::new(),
    }
}

fn chat_items(chat: &Value, start: u64, community_override: Option<&str>, out: &mut Vec<Entry>) {
    let name = chat
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("Telegram")
        .to_owned();
    let chat_id = chat.get("id").map(|v| v.to_string()).unwrap_or_default();
    let Some(messages) = chat.get("messages").and_then(Value::as_array) else {
        return;
    };
    for (i, m) in messages.iter().enumerate() {
        let position = start + i as u64 + 1;
        if m.get("type").and_then(Value::as_str) != Some("message") {
            continue;
        }
        let reject = |reason: String| Rejected {
            line: position,
            reason,
        };
        let id = match m.get("id") {
            Some(v) => format!("{chat_id}/{v}"),
            None => {
                out.push(Err(reject(
                    "tin nhắn không có id / message without id".into(),
                )));
                continue;
            }
        };
        let when = m
            .get("date_unixtime")
            .and_then(Value::as_str)
            .and_then(parse_time)
            .or_else(|| m.get("date").and_then(Value::as_str).and_then(parse_time));
        let Some(published_at) = when else {
            out.push(Err(reject(
                "tin nhắn không có thời gian / message without date".into(),
            )));
            continue;
        };
        let reactions = m.get("reactions").and_then(Value::as_array).map(|rs| {
            rs.iter()
                .filter_map(|r| r.get("count").and_then(Value::as_u64))
                .fold(0u64, u64::saturating_add)
        });
        let media = ["photo", "file", "thumbnail"]
            .iter()
            .filter_map(|k| m.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        out.push(Ok(RawItem {
            position,
            source_id: id,
            platform: Some(Platform::Telegram),
            community_url: community_override.map(str::to_owned),
            community_name: name.clone(),
            published_at,
            text: flatten_text(m.get("text")),
            url: None,
            author: m.get("from_id").and_then(Value::as_str).map(str::to_owned),
            metrics: Metrics {
                reactions,
                comments: None,
                shares: m.get("forwards").and_then(Value::as_u64),
                views: m.get("views").and_then(Value::as_u64),
            },
            media,
        }));
    }
}

pub fn read(bytes: &[u8], community_override: Option<&str>) -> Result<Vec<Entry>, String> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("JSON không hợp lệ: {e}"))?;
    let mut out = Vec::new();
    if let Some(list) = doc
        .get("chats")
        .and_then(|c| c.get("list"))
        .and_then(Value::as_array)
    {
        let mut start = 0;
        for chat in list {
            chat_items(chat, start, community_override, &mut out);
            start += chat
                .get("messages")
                .and_then(Value::as_array)
                .map_or(0, |m| m.len() as u64);
        }
    } else if doc.get("messages").is_some() {
        chat_items(&doc, 0, community_override, &mut out);
    } else {
        return Err("không phải tệp result.json của Telegram / not a Telegram export".into());
    }
    Ok(out)
}
