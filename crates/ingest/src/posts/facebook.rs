//! Facebook's "Download your information" JSON for pages and groups. Its strings are UTF-8
//! bytes written out as Latin-1 code points ("Ä\u0090Ã¡" for "Đá"); [`repair_mojibake`] turns
//! them back, or every Vietnamese post would be garbage. Posts are objects with a `timestamp`
//! (Unix seconds), `data: [{"post": "…"}]`, `attachments` with media `uri`s, and a `title`;
//! they come as a top-level array or under a key such as `group_posts_v2`.

use super::{Entry, RawItem, Rejected};
use domain::{Metrics, Platform};
use serde_json::Value;

/// Reverses Facebook's escaping: a string whose characters are all below U+0100 and whose
/// bytes, taken as Latin-1, are valid UTF-8 is decoded as that UTF-8. Other strings are left as
/// they are, so already-correct text is never damaged.
pub fn repair_mojibake(s: &str) -> String {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xFF) {
        return s.to_owned();
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => fixed,
        Err(_) => s.to_owned(),
    }
}

fn repair_all(v: &mut Value) {
    match v {
        Value::String(s) => *s = repair_mojibake(s),
        Value::Array(a) => a.iter_mut().for_each(repair_all),
        Value::Object(o) => o.values_mut().for_each(repair_all),
        _ => {}
    }
}

fn posts(doc: &Value) -> Vec<&Value> {
    match doc {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => o
            .values()
            .filter_map(Value::as_array)
            .flat_map(|a| a.iter())
            .filter(|p| p.get("timestamp").is_some() || p.get("data").is_some())
            .collect(),
        _ => Vec::new(),
    }
}

/// "X posted in Nhóm Y." / "X đã đăng trong Nhóm Y." — the group's name, when the title says it.
fn group_from_title(title: &str) -> Option<String> {
    for marker in [
        " posted in ",
        " đã đăng trong ",
        " shared a link to the group: ",
        " đã chia sẻ liên kết trong nhóm ",
    ] {
        if let Some(i) = title.find(marker) {
            return Some(
                title[i + marker.len()..]
                    .trim_end_matches('.')
                    .trim()
                    .to_owned(),
            );
        }
    }
    None
}

pub fn read(bytes: &[u8], community_override: Option<&str>) -> Result<Vec<Entry>, String> {
    let mut doc: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("JSON không hợp lệ: {e}"))?;
    repair_all(&mut doc);
    let mut out = Vec::new();
    for (i, p) in posts(&doc).into_iter().enumerate() {
        let position = i as u64 + 1;
        let Some(ts) = p.get("timestamp").and_then(Value::as_i64) else {
            out.push(Err(Rejected {
                line: position,
                reason: "bài không có timestamp / post without timestamp".into(),
            }));
            continue;
        };
        let Some(published_at) =
            chrono::DateTime::from_timestamp(ts, 0).map(|t| t.with_timezone(&super::vietnam()))
        else {
            out.push(Err(Rejected {
                line: position,
                reason: format!("timestamp không hợp lệ {ts}"),
            }));
            continue;
        };
        let text: String = p
            .get("data")
            .and_then(Value::as_array)
            .map(|d| {
                d.iter()
                    .filter_map(|x| x.get("post").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        let media: Vec<String> = p
            .get("attachments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("data").and_then(Value::as_array))
            .flatten()
            .filter_map(|d| {
                d.get("media")
                    .and_then(|m| m.get("uri"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let title = p.get("title").and_then(Value::as_str).unwrap_or("");
        let community_name = group_from_title(title).unwrap_or_default();
        if community_override.is_none() && community_name.is_empty() {
            out.push(Err(Rejected { line: position, reason: "không biết bài thuộc trang, nhóm nào: dùng --community / no community; pass --community".into() }));
            continue;
        }
        // Facebook's export has no post id: the time and a hash of the text identify a post.
        let digest =
            super::hmac_sha256_hex(b"facebook-dyi", format!("{ts}\u{1f}{text}").as_bytes());
        out.push(Ok(RawItem {
            position,
            source_id: format!("fb-dyi-{ts}-{}", &digest[..16]),
            platform: Some(Platform::Facebook),
            community_url: community_override.map(str::to_owned),
            community_name,
            published_at,
            text,
            url: None,
            author: None,
            metrics: Metrics::default(),
            media,
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::repair_mojibake;

    #[test]
    fn mojibake_is_repaired_and_good_text_is_not_touched() {
        // "Đảng ủy xã Thạch Quảng" as Facebook writes it.
        let broken: String = "Đảng ủy xã Thạch Quảng"
            .bytes()
            .map(|b| b as char)
            .collect();
        assert_eq!(repair_mojibake(&broken), "Đảng ủy xã Thạch Quảng");
        assert_eq!(repair_mojibake("Ä\u{90}Ã¡"), "Đá");
        for ok in ["Đảng ủy xã Thạch Quảng", "café", "plain", "cà phê"] {
            assert_eq!(repair_mojibake(ok), ok);
        }
    }
}
