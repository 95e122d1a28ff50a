//! YouTube Data API v3 responses: `search.list`, `videos.list` and `commentThreads.list`
//! (`{"kind": "youtube#…ListResponse", "items": [...]}`). Videos belong to their channel;
//! comments to the channel of the video they are on.

use super::{Entry, RawItem, Rejected, parse_time};
use domain::{Metrics, Platform};
use serde_json::Value;

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
}

fn n(v: &Value, path: &[&str]) -> Option<u64> {
    let v = path.iter().try_fold(v, |v, k| v.get(k))?;
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

pub fn read(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("JSON không hợp lệ: {e}"))?;
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    let items = doc
        .get("items")
        .and_then(Value::as_array)
        .ok_or("không có items: không phải phản hồi YouTube Data API / no items")?;
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let position = i as u64 + 1;
        let reject = |reason: &str| Rejected {
            line: position,
            reason: reason.to_owned(),
        };
        let entry = match kind {
            "youtube#commentThreadListResponse" => {
                let top = &it["snippet"]["topLevelComment"];
                let channel =
                    s(it, &["snippet", "channelId"]).or(s(top, &["snippet", "channelId"]));
                match (
                    s(top, &["id"]).or(s(it, &["id"])),
                    s(top, &["snippet", "publishedAt"]).and_then(parse_time),
                    channel,
                ) {
                    (Some(id), Some(at), Some(channel)) => Ok(RawItem {
                        position,
                        source_id: id.to_owned(),
                        platform: Some(Platform::Youtube),
                        community_url: Some(format!("https://youtube.com/channel/{channel}")),
                        community_name: String::new(),
                        published_at: at,
                        text: s(top, &["snippet", "textOriginal"])
                            .or(s(top, &["snippet", "textDisplay"]))
                            .unwrap_or("")
                            .to_owned(),
                        url: s(it, &["snippet", "videoId"])
                            .map(|v| format!("https://youtube.com/watch?v={v}&lc={id}")),
                        author: s(top, &["snippet", "authorChannelId", "value"]).map(str::to_owned),
                        metrics: Metrics {
                            reactions: n(top, &["snippet", "likeCount"]),
                            comments: n(it, &["snippet", "totalReplyCount"]),
                            shares: None,
                            views: None,
                        },
                        media: Vec::new(),
                    }),
                    _ => Err(reject(
                        "bình luận thiếu id, thời gian hoặc kênh / comment without id, time or channel",
                    )),
                }
            }
            _ => {
                // search.list has id.videoId; videos.list has id as a string.
                let id = it.get("id").and_then(|v| {
                    v.as_str()
                        .or_else(|| v.get("videoId").and_then(Value::as_str))
                });
                let sn = &it["snippet"];
                match (
                    id,
                    s(sn, &["publishedAt"]).and_then(parse_time),
                    s(sn, &["channelId"]),
                ) {
                    (Some(id), Some(at), Some(channel)) => Ok(RawItem {
                        position,
                        source_id: id.to_owned(),
                        platform: Some(Platform::Youtube),
                        community_url: Some(format!("https://youtube.com/channel/{channel}")),
                        community_name: s(sn, &["channelTitle"]).unwrap_or("").to_owned(),
                        published_at: at,
                        text: [s(sn, &["title"]), s(sn, &["description"])]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join("\n"),
                        url: Some(format!("https://youtube.com/watch?v={id}")),
                        author: None,
                        metrics: Metrics {
                            reactions: n(it, &["statistics", "likeCount"]),
                            comments: n(it, &["statistics", "commentCount"]),
                            shares: None,
                            views: n(it, &["statistics", "viewCount"]),
                        },
                        media: s(sn, &["thumbnails", "high", "url"])
                            .map(|u| vec![u.to_owned()])
                            .unwrap_or_default(),
                    }),
                    (None, _, _) => Err(reject(
                        "mục không phải video (kênh, danh sách phát) / not a video",
                    )),
                    _ => Err(reject(
                        "video thiếu thời gian hoặc kênh / video without time or channel",
                    )),
                }
            }
        };
        out.push(entry);
    }
    Ok(out)
}
