//! The office's own channels read through the platforms' APIs, against a local server speaking
//! the Graph API's JSON (`/{page}/posts` and `/{post}/comments` with `data`, `paging.cursors`
//! and `paging.next`; `(#4)` rate limits with `X-App-Usage`; `OAuthException` code 190 for an
//! expired token): the first pull, an incremental one, a second that adds nothing, a rate
//! limit waited out, a pull killed mid-way that resumes from its cursor with nothing lost or
//! doubled, an expired token that stops with its message, and no credential in any output or
//! audit event.

mod common;

use common::platform::{Answer, Call};
use common::{json, sokenh};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "EAAGm0PX4ZCpsBAPageToken-test-0001-K9zQ";
const PAGE: &str = "congan.thachquang";
/// 2026-11-20T00:00:00Z.
const START: i64 = 1_795_132_800;

#[derive(Clone)]
struct Post {
    id: String,
    at: i64,
    message: String,
    comments: Vec<(String, i64, String, String)>,
}

fn time(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S+0000")
        .to_string()
}

fn post(i: i64, comments: usize) -> Post {
    let id = format!("1029384756_{}", 5_000_000 + i);
    Post {
        comments: (0..comments)
            .map(|k| {
                (
                    format!("{}_{}", 5_000_000 + i, 9_000_000 + k),
                    START + i * 3600 + 60 * (k as i64 + 1),
                    format!("Bình luận {k} về thông báo số {i}: cảm ơn công an xã"),
                    format!("{}", 7_700_000 + k % 40),
                )
            })
            .collect(),
        id,
        at: START + i * 3600,
        message: format!("Thông báo số {i} của Công an xã Thạch Quảng về an ninh trật tự"),
    }
}

struct Graph {
    posts: Arc<Mutex<Vec<Post>>>,
    token: Arc<Mutex<String>>,
    rate_limit_next: Arc<AtomicBool>,
    hang: Arc<AtomicBool>,
}

/// The Graph API's answers over the page's posts (newest first, 100 a page).
fn graph(g: &Graph) -> impl Fn(&Call) -> Answer + Send + Sync + 'static {
    let (posts, token, limit, hang) = (
        g.posts.clone(),
        g.token.clone(),
        g.rate_limit_next.clone(),
        g.hang.clone(),
    );
    move |call| {
        let path = call.path.split('?').next().unwrap_or("").to_owned();
        if call.query("access_token").as_deref() != Some(token.lock().unwrap().as_str()) {
            return Answer::json(
                400,
                serde_json::json!({"error": {"message": "Error validating access token: Session has expired on Tuesday, 01-Dec-26 09:00:00 PST. The current time is Tuesday, 01-Dec-26 10:00:00 PST.", "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "AbCdEf123"}}),
            );
        }
        if limit.swap(false, Ordering::SeqCst) {
            return Answer::json(
                403,
                serde_json::json!({"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "is_transient": true, "code": 4, "fbtrace_id": "AbCdEf124"}}),
            )
            .with_header("X-App-Usage", r#"{"call_count":100,"total_cputime":12,"total_time":14}"#);
        }
        let offset = |call: &Call| {
            call.query("after")
                .and_then(|a| a.strip_prefix("o:").map(str::to_owned))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
        };
        let all = posts.lock().unwrap().clone();
        let page = |items: Vec<serde_json::Value>, from: usize, base: &str| {
            let end = (from + 100).min(items.len());
            let mut paging = serde_json::json!({"cursors": {"before": format!("o:{from}"), "after": format!("o:{end}")}});
            if end < items.len() {
                paging["next"] = format!(
                    "https://graph.facebook.com/v21.0/{base}?access_token=x&limit=100&after=o:{end}"
                )
                .into();
            }
            Answer::json(
                200,
                serde_json::json!({"data": items[from..end].to_vec(), "paging": paging}),
            )
            .with_header(
                "X-App-Usage",
                r#"{"call_count":8,"total_cputime":1,"total_time":2}"#,
            )
        };
        if path == format!("/v21.0/{PAGE}/posts") {
            let from = offset(call);
            if from > 0 && hang.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_secs(20));
            }
            let since: i64 = call
                .query("since")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let mut listed: Vec<&Post> = all.iter().filter(|p| p.at >= since).collect();
            listed.sort_by_key(|p| std::cmp::Reverse(p.at));
            let items = listed
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.id, "message": p.message, "created_time": time(p.at),
                        "permalink_url": format!("https://www.facebook.com/{PAGE}/posts/{}", p.id.split('_').nth(1).unwrap()),
                        "shares": {"count": 2},
                        "reactions": {"data": [], "summary": {"total_count": 15}},
                        "comments": {"data": [], "summary": {"order": "ranked", "total_count": p.comments.len(), "can_comment": true}},
                    })
                })
                .collect();
            return page(items, from, &format!("{PAGE}/posts"));
        }
        if let Some(id) = path
            .strip_prefix("/v21.0/")
            .and_then(|p| p.strip_suffix("/comments"))
            && let Some(p) = all.iter().find(|p| p.id == id)
        {
            let items = p
                .comments
                .iter()
                .map(|(cid, at, message, from)| {
                    let mut c = serde_json::json!({"id": cid, "message": message, "created_time": time(*at), "from": {"name": "Người dùng", "id": from}});
                    // The page's own reply, to the post's first comment.
                    if from == "1029384756" {
                        c["parent"] = serde_json::json!({"id": p.comments[0].0});
                    }
                    c
                })
                .collect();
            return page(items, offset(call), &format!("{id}/comments"));
        }
        Answer::json(
            400,
            serde_json::json!({"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}),
        )
    }
}

fn items(data: &std::path::Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    conn.query_row(
        "SELECT COUNT(*), COUNT(DISTINCT source_id) FROM items WHERE platform = 'facebook' AND source_id LIKE '%\\_%' ESCAPE '\\' AND source_id GLOB '[0-9]*'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn pull(data: &std::path::Path) -> (Option<i32>, serde_json::Value, String) {
    let out = sokenh(data, &["source", "pull", "1", "--json"]);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null),
        printed,
    )
}

/// An official channel of the commune police's, as the register keeps it.
fn official(
    url: &str,
    name: &str,
    platform: domain::Platform,
    kind: domain::Kind,
) -> domain::CommunityRecord {
    domain::CommunityRecord {
        key: url.into(),
        name: name.into(),
        url: Some(url.into()),
        platform,
        kind,
        members: None,
        admins: None,
        unit: Some("Công an xã Thạch Quảng".into()),
        status: domain::Status::Verified,
        classification: domain::Classification::Official,
        official_of: None,
        locality: None,
        note: None,
    }
}

#[test]
fn a_facebook_page_is_pulled_incrementally_through_limits_crashes_and_an_expired_token() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    // 250 posts an hour apart, two comments each; the newest has 150 (two pages of them).
    let mut posts: Vec<Post> = (0..250).map(|i| post(i, 2)).collect();
    posts[249] = post(249, 150);
    let g = Graph {
        posts: Arc::new(Mutex::new(posts)),
        token: Arc::new(Mutex::new(TOKEN.to_owned())),
        rate_limit_next: Arc::new(AtomicBool::new(false)),
        hang: Arc::new(AtomicBool::new(true)),
    };
    let p = common::platform::serve(graph(&g));
    let credential = data.join("page.token");
    std::fs::write(&credential, format!("{TOKEN}\n")).unwrap();
    let mut printed = String::new();

    // Only an official channel of the register.
    let refused = sokenh(
        data,
        &[
            "source",
            "add",
            "facebook",
            "--channel",
            "https://www.facebook.com/groups/chothachquang",
            "--credential-file",
            credential.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("kênh chính thức"));
    let added = sokenh(
        data,
        &[
            "source",
            "add",
            "facebook",
            "--channel",
            "https://facebook.com/congan.thachquang/",
            "--credential-file",
            credential.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    );
    printed.push_str(&String::from_utf8_lossy(&added.stdout));
    let added = json(&added);
    assert_eq!(
        added,
        serde_json::json!({"id": 1, "platform": "facebook", "channel": "https://facebook.com/congan.thachquang"})
    );

    // The first pull dies while waiting for its second page of posts (the process killed).
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(["source", "pull", "1", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if p.calls("/posts").iter().any(|c| c.query("after").is_some()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    g.hang.store(false, Ordering::SeqCst);
    let (kept, distinct) = items(data);
    assert_eq!(
        kept,
        100 + 99 * 2 + 150,
        "the first page and its comments were stored"
    );
    assert_eq!(kept, distinct);
    let listed = json(&sokenh(data, &["source", "list", "--json"]));
    let cursor: serde_json::Value =
        serde_json::from_str(listed[0]["cursor"].as_str().unwrap()).unwrap();
    assert_eq!(cursor["after"], "o:100", "{cursor}");

    // Resumed from the cursor, through a rate limit (waited out): everything, once.
    g.rate_limit_next.store(true, Ordering::SeqCst);
    let (code, first, out) = pull(data);
    printed.push_str(&out);
    assert_eq!(code, Some(0), "{out}");
    let first = &first[0];
    assert_eq!(first["error"], serde_json::Value::Null);
    assert_eq!(first["source"], 1);
    let (kept, distinct) = items(data);
    assert_eq!((kept, distinct), (250 + 249 * 2 + 150, 250 + 249 * 2 + 150));
    assert_eq!(first["inserted"].as_u64().unwrap() as i64, kept - 448);
    let posts_calls = p.calls("/posts");
    assert!(
        posts_calls
            .iter()
            .filter(|c| c.query("after").as_deref() == Some("o:100"))
            .count()
            >= 2,
        "page two asked again after the kill, and after the limit"
    );
    assert!(
        posts_calls
            .iter()
            .all(|c| c.query("access_token").as_deref() == Some(TOKEN))
    );

    // A second pull adds nothing (comments of the last days read again, all known).
    let (code, again, out) = pull(data);
    printed.push_str(&out);
    assert_eq!(code, Some(0));
    assert_eq!(again[0]["inserted"], 0, "{again}");
    assert!(again[0]["duplicates"].as_u64().unwrap() > 0);
    assert_eq!(items(data).0, kept);
    let last = p.calls("/posts").pop().unwrap();
    assert_eq!(
        last.query("since").unwrap(),
        (START + 249 * 3600 + 1).to_string()
    );

    // New: two posts with a comment each, and a new comment on an older post.
    {
        let mut all = g.posts.lock().unwrap();
        all.push(post(260, 1));
        all.push(post(261, 1));
        let older = all.iter_mut().find(|p| p.id.ends_with("_5000240")).unwrap();
        older.comments.push((
            "5000240_9555555".into(),
            START + 262 * 3600,
            "Có người gọi tự xưng công an xã bảo chuyển tiền, đúng không ạ?".into(),
            "7799999".into(),
        ));
        older.comments.push((
            "5000240_9666666".into(),
            START + 262 * 3600 + 60,
            "Công an xã trả lời: không, hãy báo ngay cho chúng tôi.".into(),
            "1029384756".into(),
        ));
    }
    let (code, third, out) = pull(data);
    printed.push_str(&out);
    assert_eq!(code, Some(0));
    assert_eq!(third[0]["inserted"], 6, "{third}");
    assert_eq!(items(data).0, kept + 6);
    // In aggregate: people's comments a day, the share the page answered, the most discussed.
    let feedback = json(&sokenh(
        data,
        &[
            "source",
            "feedback",
            "--from",
            "2026-11-20",
            "--to",
            "2026-12-01",
            "--json",
        ],
    ));
    assert_eq!(feedback["comments"], 249 * 2 + 150 + 2 + 1, "{feedback}");
    assert_eq!(feedback["answered"], 1);
    assert_eq!(feedback["most_discussed"][0]["comments"], 150);
    assert_eq!(
        feedback["most_discussed"][0]["text"],
        "Thông báo số 249 của Công an xã Thạch Quảng về an ninh trật tự"
    );
    assert_eq!(feedback["per_day"].as_array().unwrap().len(), 12);
    assert_eq!(
        feedback["per_day"][0],
        serde_json::json!(["2026-11-20", 34])
    );

    // The periodic report counts them too (November: the page's reply came in December).
    let docx = data.join("bao-cao.docx");
    let model = json(&sokenh(
        data,
        &[
            "report",
            "--period",
            "2026-11",
            "--format",
            "docx",
            "--out",
            docx.to_str().unwrap(),
            "--date",
            "2026-12-05",
            "--json",
        ],
    ));
    assert!(
        model.to_string().contains("6. Phản hồi trên kênh chính thức: 648 bình luận của người dân; 0 được chính kênh trả lời (0%). Bài được bàn nhiều nhất: «Thông báo số 249 của Công an xã Thạch Quảng về an ninh trật tự» (150 bình luận)."),
        "{model}"
    );
    // The token expires: the pull stops with the message, the source shows it, nothing lost.
    *g.token.lock().unwrap() = "a-new-token-the-office-has-not-given".into();
    let (code, stopped, out) = pull(data);
    printed.push_str(&out);
    assert_eq!(code, Some(1));
    let why = stopped[0]["error"].as_str().unwrap();
    assert!(
        why.contains("hết hạn hoặc bị thu hồi (Facebook mã 190)"),
        "{why}"
    );
    let listed = sokenh(data, &["source", "list", "--json"]);
    printed.push_str(&String::from_utf8_lossy(&listed.stdout));
    let listed = json(&listed);
    assert!(listed[0]["last_error"].as_str().unwrap().contains("mã 190"));
    assert_eq!(listed[0]["credential"], "…K9zQ");

    // Never the credential: not printed, not audited, not in the cursor.
    let app = app::App::open(data, None).unwrap();
    let events = app.store().unwrap().audit_events().unwrap();
    let pulls: Vec<_> = events
        .iter()
        .filter(|e| e.action == "source.pull")
        .collect();
    assert_eq!(pulls.len(), 4, "the killed pull recorded nothing");
    assert!(events.iter().all(|e| !e.details.contains(TOKEN)));
    assert!(!printed.contains(TOKEN));
    assert!(!listed.to_string().contains(TOKEN));
    assert!(app.store().unwrap().verify_audit().unwrap().ok);
}

/// The YouTube Data API's answers: one channel, `uploads` videos a day apart (newest first, 50 a
/// page), two comment threads each (one with a reply); `quota` calls allowed before
/// `quotaExceeded`.
fn youtube(
    uploads: Arc<Mutex<i64>>,
    quota: Arc<Mutex<i64>>,
    limit: Arc<AtomicBool>,
    hang: Arc<AtomicBool>,
) -> impl Fn(&Call) -> Answer + Send + Sync + 'static {
    move |call| {
        let path = call.path.split('?').next().unwrap_or("").to_owned();
        if call.query("key").as_deref() != Some("AIzaSyTest-YouTube-Key-77Qx") {
            return Answer::json(
                400,
                serde_json::json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "errors": [{"message": "API key not valid. Please pass a valid API key.", "domain": "global", "reason": "keyInvalid"}], "status": "INVALID_ARGUMENT"}}),
            );
        }
        {
            let mut left = quota.lock().unwrap();
            if *left == 0 {
                return Answer::json(
                    403,
                    serde_json::json!({"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your quota.", "errors": [{"message": "The request cannot be completed because you have exceeded your quota.", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}),
                );
            }
            *left -= 1;
        }
        if limit.swap(false, Ordering::SeqCst) {
            return Answer::json(
                403,
                serde_json::json!({"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your rate limit.", "errors": [{"message": "Rate Limit Exceeded", "domain": "youtube.quota", "reason": "rateLimitExceeded"}]}}),
            );
        }
        if hang.load(Ordering::SeqCst)
            && call.path.starts_with("/youtube/v3/playlistItems")
            && call.query("pageToken").is_some()
        {
            std::thread::sleep(Duration::from_secs(20));
        }
        let n = *uploads.lock().unwrap();
        let video_at = |v: i64| START + v * 86_400;
        let stamp = |at: i64| {
            chrono::DateTime::from_timestamp(at, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        };
        match path.as_str() {
            "/youtube/v3/channels" => {
                assert_eq!(
                    call.query("forHandle").as_deref(),
                    Some("@truyenhinhthachquang")
                );
                Answer::json(
                    200,
                    serde_json::json!({"kind": "youtube#channelListResponse", "etag": "e1", "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                        "items": [{"kind": "youtube#channel", "etag": "e2", "id": "UCthachquang0001", "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UUthachquang0001"}}}]}),
                )
            }
            "/youtube/v3/playlistItems" => {
                let from: i64 = call
                    .query("pageToken")
                    .and_then(|t| t.strip_prefix("P").and_then(|n| n.parse().ok()))
                    .unwrap_or(0);
                let end = (from + 50).min(n);
                let items: Vec<_> = (from..end)
                    .map(|k| {
                        let v = n - 1 - k;
                        serde_json::json!({"kind": "youtube#playlistItem", "etag": "e", "id": format!("PLI{v}"),
                            "snippet": {"publishedAt": stamp(video_at(v)), "channelId": "UCthachquang0001", "title": format!("Bản tin an ninh số {v}"),
                                "description": "Công an xã Thạch Quảng thông tin", "resourceId": {"kind": "youtube#video", "videoId": format!("vid{v:04}")}}})
                    })
                    .collect();
                let mut body = serde_json::json!({"kind": "youtube#playlistItemListResponse", "etag": "e", "items": items, "pageInfo": {"totalResults": n, "resultsPerPage": 50}});
                if end < n {
                    body["nextPageToken"] = format!("P{end}").into();
                }
                Answer::json(200, body)
            }
            "/youtube/v3/commentThreads" => {
                let video = call.query("videoId").unwrap();
                let v: i64 = video.trim_start_matches("vid").parse().unwrap();
                let comment = |id: String, at: i64, text: &str| {
                    serde_json::json!({"kind": "youtube#comment", "etag": "e", "id": id,
                        "snippet": {"channelId": "UCthachquang0001", "videoId": video, "textDisplay": text, "textOriginal": text,
                            "authorDisplayName": "@nguoixem", "authorChannelId": {"value": format!("UCviewer{}", v % 7)}, "likeCount": 3,
                            "publishedAt": stamp(at), "updatedAt": stamp(at)}})
                };
                let items: Vec<_> = (0..2)
                    .map(|t| {
                        let id = format!("Ugx{v:04}t{t}");
                        let mut thread = serde_json::json!({"kind": "youtube#commentThread", "etag": "e", "id": id,
                            "snippet": {"channelId": "UCthachquang0001", "videoId": video, "topLevelComment": comment(id.clone(), video_at(v) + 600 + t, "Cảm ơn công an xã đã thông tin"),
                                "canReply": true, "totalReplyCount": 1 - t, "isPublic": true}});
                        if t == 0 {
                            thread["replies"] = serde_json::json!({"comments": [comment(format!("{id}.r0"), video_at(v) + 900, "Đúng vậy, cảnh giác nhé")]});
                        }
                        thread
                    })
                    .collect();
                Answer::json(
                    200,
                    serde_json::json!({"kind": "youtube#commentThreadListResponse", "etag": "e", "pageInfo": {"totalResults": 2, "resultsPerPage": 100}, "items": items}),
                )
            }
            _ => Answer::json(
                404,
                serde_json::json!({"error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}}),
            ),
        }
    }
}

#[test]
fn a_youtube_channel_is_pulled_with_its_comments_and_stops_at_the_days_quota() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    // The commune's official YouTube channel, in the register.
    {
        let app = app::App::open(data, None).unwrap();
        app.store()
            .unwrap()
            .import_communities(
                "test",
                "test",
                &[official(
                    "https://www.youtube.com/@truyenhinhthachquang",
                    "Truyền hình Công an xã Thạch Quảng",
                    domain::Platform::Youtube,
                    domain::Kind::Channel,
                )],
            )
            .unwrap();
    }
    let uploads = Arc::new(Mutex::new(60));
    let quota = Arc::new(Mutex::new(1_000));
    let limit = Arc::new(AtomicBool::new(false));
    let hang = Arc::new(AtomicBool::new(true));
    let p = common::platform::serve(youtube(
        uploads.clone(),
        quota.clone(),
        limit.clone(),
        hang.clone(),
    ));
    let key = data.join("youtube.key");
    std::fs::write(&key, "AIzaSyTest-YouTube-Key-77Qx\n").unwrap();
    let added = json(&sokenh(
        data,
        &[
            "source",
            "add",
            "youtube",
            "--channel",
            "https://youtube.com/@truyenhinhthachquang",
            "--credential-file",
            key.to_str().unwrap(),
            "--interval",
            "3600",
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    assert_eq!(added["platform"], "youtube");
    // The first pull is killed while it waits for the second page of uploads.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(["source", "pull", "1", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if p.calls("/playlistItems")
            .iter()
            .any(|c| c.query("pageToken").is_some())
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    hang.store(false, Ordering::SeqCst);
    // Resumed from the cursor through a rate limit: 60 videos (two pages), each with two
    // threads and one reply — 60 + 180 items, the first page's 50 + 150 stored before the kill.
    limit.store(true, Ordering::SeqCst);
    let (code, first, out) = pull(data);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        (
            first[0]["fetched"].as_u64(),
            first[0]["comments"].as_u64(),
            first[0]["inserted"].as_u64()
        ),
        (Some(40), Some(30), Some(40)),
        "{first}"
    );
    let stored: i64 = rusqlite::Connection::open(data.join("sokenh.db"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM items WHERE platform = 'youtube' AND (source_id LIKE 'vid%' OR source_id LIKE 'Ugx%')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 240, "everything once");
    // Units: the channel, the first page and its 50 comment pages before the kill; then the
    // refused call, the second page and its 10 comment pages.
    let listed = json(&sokenh(data, &["source", "list", "--json"]));
    assert_eq!(listed[0]["quota_used"], 1 + 1 + 50 + 1 + 1 + 10);
    // Again at once: nothing new (the recent videos' comments read again, all known).
    let (code, again, _) = pull(data);
    assert_eq!(code, Some(0));
    assert_eq!(
        (
            again[0]["inserted"].as_u64(),
            again[0]["duplicates"].as_u64()
        ),
        (Some(0), Some(14 * 3)),
        "{again}"
    );
    // Two new videos: the second pull reads the first page only (it reaches known videos),
    // adds the two and their comments; the recent videos' comments again, all known.
    *uploads.lock().unwrap() = 62;
    let (code, second, _) = pull(data);
    assert_eq!(code, Some(0));
    assert_eq!(second[0]["inserted"], 2 + 2 * 3, "{second}");
    let asked = p.calls("/playlistItems");
    assert!(asked.last().unwrap().query("pageToken").is_none());
    // The day's quota runs out: the pull stops with the message; nothing is lost.
    *quota.lock().unwrap() = 3;
    let (code, stopped, out) = pull(data);
    assert_eq!(code, Some(1));
    assert!(
        stopped[0]["error"]
            .as_str()
            .unwrap()
            .contains("hết hạn mức 10.000 đơn vị"),
        "{stopped}"
    );
    assert!(!out.contains("AIzaSyTest-YouTube-Key-77Qx"));
    let listed = json(&sokenh(data, &["source", "list", "--json"]));
    assert!(
        listed[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("hạn mức")
    );
    // A key revoked: the pull stops with the message.
    *quota.lock().unwrap() = 1_000;
    std::fs::write(&key, "AIzaSyRevoked-Key").unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "youtube",
            "--channel",
            "https://youtube.com/@truyenhinhthachquang",
            "--credential-file",
            key.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    let (code, refused, out) = pull(data);
    assert_eq!(code, Some(1));
    assert!(
        refused[0]["error"]
            .as_str()
            .unwrap()
            .contains("YouTube từ chối khóa API (keyInvalid)"),
        "{refused}"
    );
    assert!(!out.contains("AIzaSyRevoked-Key"));
}

#[test]
fn an_officer_pulls_a_source_from_its_page_and_never_sees_its_credential() {
    use common::http::*;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let g = Graph {
        // Three days ago (the page sums up the last 30 days, whatever the day the test runs).
        posts: Arc::new(Mutex::new(
            (0..3)
                .map(|i| {
                    let shift = chrono::Utc::now().timestamp() - 3 * 86_400 - START;
                    let mut p = crate::post(i, 2);
                    p.at += shift;
                    for c in &mut p.comments {
                        c.1 += shift;
                    }
                    p
                })
                .collect(),
        )),
        token: Arc::new(Mutex::new(TOKEN.to_owned())),
        rate_limit_next: Arc::new(AtomicBool::new(false)),
        hang: Arc::new(AtomicBool::new(false)),
    };
    let p = common::platform::serve(graph(&g));
    let credential = data.join("page.token");
    std::fs::write(&credential, TOKEN).unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "facebook",
            "--channel",
            "https://www.facebook.com/congan.thachquang",
            "--credential-file",
            credential.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    let s = common::start_demo(data);
    let cookie = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/nguon", Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("https://facebook.com/congan.thachquang"),
        "{}",
        page.body
    );
    assert!(page.body.contains("…K9zQ") && !page.body.contains(TOKEN));
    let pulled = post(
        &s,
        "/nguon/1/keo",
        Some(&cookie),
        &[("csrf", &csrf(&page.body))],
    );
    assert!(
        pulled
            .body
            .contains("Đã kéo nguồn #1: đọc 9 (bình luận 6), mới 9, đã có 0."),
        "{}",
        pulled.body
    );
    // A page the office does not run is refused with why.
    let refused = post(
        &s,
        "/nguon",
        Some(&cookie),
        &[
            ("csrf", &csrf(&page.body)),
            ("platform", "facebook"),
            ("channel", "https://www.facebook.com/groups/chothachquang"),
            ("credential", "x"),
            ("interval", "900"),
        ],
    );
    assert!(
        refused.body.contains("Chỉ kéo từ kênh chính thức"),
        "{}",
        refused.body
    );
    // The token expires: the page says so, without the token.
    *g.token.lock().unwrap() = "another".into();
    let stopped = post(
        &s,
        "/nguon/1/keo",
        Some(&cookie),
        &[("csrf", &csrf(&page.body))],
    );
    assert!(stopped.body.contains("Facebook mã 190"), "{}", stopped.body);
    assert!(!stopped.body.contains(TOKEN));
    let again = get(&s, "/nguon", Some(&cookie));
    assert!(again.body.contains("hết hạn hoặc bị thu hồi"));
    // Stopped: no more pulls, the credential wiped.
    let stopped = post(
        &s,
        "/nguon/1/dung",
        Some(&cookie),
        &[("csrf", &csrf(&page.body))],
    );
    assert!(
        stopped
            .body
            .contains("Đã dừng nguồn #1; mã truy cập đã xóa."),
        "{}",
        stopped.body
    );
    assert!(
        stopped.body.contains("Đã dừng</td>") || stopped.body.contains("Đã dừng"),
        "{}",
        stopped.body
    );
    let refused = sokenh(data, &["source", "pull", "1", "--json"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("đã dừng"));
    let sealed: String = rusqlite::Connection::open(data.join("sokenh.db"))
        .unwrap()
        .query_row("SELECT credential FROM sources WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(sealed, "");
    assert!(
        again
            .body
            .contains("6 bình luận của người dân, 0 được kênh trả lời (0%)."),
        "{}",
        again.body
    );
    // And in the period's analytics.
    let year = (chrono::Utc::now() - chrono::Duration::days(3))
        .format("%Y")
        .to_string();
    let analytics = get(&s, &format!("/phan-tich?ky={year}"), Some(&cookie));
    assert!(
        analytics.body.contains("Phản hồi trên kênh chính thức")
            && analytics
                .body
                .contains("6 bình luận của người dân, 0 được kênh trả lời (0%)."),
        "{}",
        analytics.body
    );
}

#[test]
fn the_watch_on_the_register_sees_a_rename_into_a_look_alike_and_a_channel_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let channel = |handle: &str, name: &str, official: bool| domain::CommunityRecord {
        key: format!("https://www.youtube.com/{handle}"),
        name: name.into(),
        url: Some(format!("https://www.youtube.com/{handle}")),
        platform: domain::Platform::Youtube,
        kind: domain::Kind::Channel,
        members: None,
        admins: None,
        unit: official.then(|| "Công an xã Thạch Quảng".into()),
        status: domain::Status::Verified,
        classification: if official {
            domain::Classification::Official
        } else {
            domain::Classification::Unknown
        },
        official_of: None,
        locality: None,
        note: None,
    };
    let app = app::App::open(data, None).unwrap();
    app.store()
        .unwrap()
        .import_communities(
            "test",
            "test",
            &[
                channel(
                    "@truyenhinhthachquang",
                    "Truyền hình Công an xã Thạch Quảng",
                    true,
                ),
                channel("@tintucthachthanh24h", "Tin tức Thạch Thành 24h", false),
                channel("@kenhcu", "Kênh cũ", false),
            ],
        )
        .unwrap();
    let p = common::platform::serve(|call| {
        let handle = call.query("forHandle").unwrap_or_default();
        let item = |title: &str, subscribers: &str| {
            serde_json::json!({"kind": "youtube#channelListResponse", "etag": "e", "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                "items": [{"kind": "youtube#channel", "etag": "e", "id": format!("UC{}", handle.len()),
                    "snippet": {"title": title, "description": "", "customUrl": handle, "publishedAt": "2020-01-01T00:00:00Z"},
                    "statistics": {"viewCount": "1000", "subscriberCount": subscribers, "hiddenSubscriberCount": false, "videoCount": "12"}}]})
        };
        Answer::json(
            200,
            match handle.as_str() {
                "@truyenhinhthachquang" => item("Truyền hình Công an xã Thạch Quảng", "1200"),
                "@tintucthachthanh24h" => item("Công an xã Thạch Quảng - Tiếp nhận hỗ trợ", "530"),
                // The demo's press channel, as it is.
                "@truyenhinhthanhhoa" => item("Truyền hình Thanh Hóa", "152000"),
                _ => {
                    serde_json::json!({"kind": "youtube#channelListResponse", "etag": "e", "pageInfo": {"totalResults": 0, "resultsPerPage": 5}})
                }
            },
        )
    });
    let key = data.join("youtube.key");
    std::fs::write(&key, "AIzaSyTest-YouTube-Key-77Qx").unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "youtube",
            "--channel",
            "https://www.youtube.com/@truyenhinhthachquang",
            "--credential-file",
            key.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    let watched = json(&sokenh(data, &["source", "watch", "--json"]));
    assert_eq!(watched["checked"], 4, "{watched}");
    assert_eq!(
        watched["renamed"],
        serde_json::json!([[
            "https://www.youtube.com/@tintucthachthanh24h",
            "Tin tức Thạch Thành 24h",
            "Công an xã Thạch Quảng - Tiếp nhận hỗ trợ"
        ]])
    );
    assert_eq!(
        watched["removed"],
        serde_json::json!(["https://www.youtube.com/@kenhcu"])
    );
    assert_eq!(watched["alerts"], 1);
    // In the register: the new name with its history, the size, the channel gone marked.
    let mut s = app.store().unwrap();
    let all = s.communities().unwrap();
    let find = |h: &str| {
        all.iter()
            .find(|c| c.url.as_deref() == Some(&format!("https://www.youtube.com/{h}")[..]))
            .unwrap()
            .clone()
    };
    let renamed = find("@tintucthachthanh24h");
    assert_eq!(renamed.name, "Công an xã Thạch Quảng - Tiếp nhận hỗ trợ");
    let history = s.name_history(renamed.id).unwrap();
    assert_eq!(
        (history[0].1.as_str(), history[0].2.as_str()),
        (
            "Tin tức Thạch Thành 24h",
            "Công an xã Thạch Quảng - Tiếp nhận hỗ trợ"
        )
    );
    assert_eq!(find("@truyenhinhthachquang").members, Some(1200));
    let gone = find("@kenhcu");
    assert_eq!(gone.status, domain::Status::Removed);
    assert!(
        gone.note
            .as_deref()
            .unwrap()
            .contains("Nền tảng không còn kênh này")
    );
    let alert = s
        .alerts()
        .unwrap()
        .into_iter()
        .find(|a| {
            a.category == domain::Category::Impersonation && a.explanation.contains("đổi tên")
        })
        .unwrap();
    assert!(alert.explanation.starts_with("Kênh «Tin tức Thạch Thành 24h» đổi tên thành «Công an xã Thạch Quảng - Tiếp nhận hỗ trợ», giống kênh chính thức «"), "{}", alert.explanation);
    drop(s);
    // Again: nothing new, one alert still; the channel gone is not asked again.
    let again = json(&sokenh(data, &["source", "watch", "--json"]));
    assert_eq!(
        (again["checked"].as_u64(), again["alerts"].as_u64()),
        (Some(3), Some(0)),
        "{again}"
    );
    assert_eq!(again["renamed"], serde_json::json!([]));
}

#[test]
fn a_telegram_channel_and_its_discussion_are_pulled_from_the_bots_updates() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let app = app::App::open(data, None).unwrap();
    app.store()
        .unwrap()
        .import_communities(
            "test",
            "test",
            &[official(
                "https://t.me/congan_thachquang",
                "Công an xã Thạch Quảng",
                domain::Platform::Telegram,
                domain::Kind::Channel,
            )],
        )
        .unwrap();
    const BOT: &str = "7011112222:AAE-channel-bot-token-Zz81";
    let channel = serde_json::json!({"id": -1001234567890i64, "title": "Công an xã Thạch Quảng", "username": "congan_thachquang", "type": "channel"});
    let group =
        serde_json::json!({"id": -1009876543210i64, "title": "Thảo luận", "type": "supergroup"});
    // 120 posts, each followed by a comment in the discussion group; a message elsewhere.
    let mut updates = Vec::new();
    for i in 0..120i64 {
        updates.push(serde_json::json!({"update_id": 500_000 + 2 * i, "channel_post": {"message_id": 10 + i, "sender_chat": channel, "chat": channel, "date": START + i * 3600, "text": format!("Thông báo {i}"), "views": 40 + i}}));
        updates.push(serde_json::json!({"update_id": 500_001 + 2 * i, "message": {"message_id": 9000 + i, "from": {"id": 4000 + i % 9, "is_bot": false, "first_name": "Dân"}, "chat": group, "date": START + i * 3600 + 60, "text": "Cảm ơn công an xã",
            "reply_to_message": {"message_id": 800 + i, "sender_chat": channel, "chat": group, "date": START + i * 3600, "is_automatic_forward": true, "forward_from_chat": channel}}}));
    }
    updates.push(serde_json::json!({"update_id": 500_240, "message": {"message_id": 1, "from": {"id": 77, "is_bot": false, "first_name": "A"}, "chat": {"id": 77, "type": "private"}, "date": START, "text": "xin chào"}}));
    let updates = Arc::new(Mutex::new(updates));
    let limited = Arc::new(AtomicBool::new(false));
    let hang = Arc::new(AtomicBool::new(true));
    let (list, limit, hanging) = (updates.clone(), limited.clone(), hang.clone());
    let p = common::platform::serve(move |call| {
        if !call.path.starts_with(&format!("/bot{BOT}/getUpdates")) {
            return Answer::json(
                401,
                serde_json::json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
            );
        }
        if limit.swap(false, Ordering::SeqCst) {
            return Answer::json(
                429,
                serde_json::json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}),
            );
        }
        let offset: i64 = call
            .query("offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        if hanging.load(Ordering::SeqCst) && offset > 0 {
            std::thread::sleep(Duration::from_secs(20));
        }
        let result: Vec<_> = list
            .lock()
            .unwrap()
            .iter()
            .filter(|u| u["update_id"].as_i64().unwrap() >= offset)
            .take(100)
            .cloned()
            .collect();
        Answer::json(200, serde_json::json!({"ok": true, "result": result}))
    });
    let token = data.join("bot.token");
    std::fs::write(&token, BOT).unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "telegram",
            "--channel",
            "https://t.me/congan_thachquang",
            "--credential-file",
            token.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    // The first pull is killed while it waits for the second batch of updates.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(["source", "pull", "1", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if p.calls("/getUpdates")
            .iter()
            .any(|c| c.query("offset").as_deref() != Some("0"))
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    hang.store(false, Ordering::SeqCst);
    // Resumed from the offset through a rate limit: the rest, once (the first 100 updates,
    // 50 posts and 50 comments, were stored before the kill; a private message is no item).
    limited.store(true, Ordering::SeqCst);
    let (code, first, out) = pull(data);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        (
            first[0]["fetched"].as_u64(),
            first[0]["comments"].as_u64(),
            first[0]["inserted"].as_u64()
        ),
        (Some(140), Some(70), Some(140)),
        "{first}"
    );
    let stored: i64 = rusqlite::Connection::open(data.join("sokenh.db"))
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM items WHERE platform = 'telegram' AND source_id LIKE '-100%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 240, "everything once");
    // Nothing new: the offset moved past every update read.
    let (_, again, _) = pull(data);
    assert_eq!(
        (again[0]["fetched"].as_u64(), again[0]["inserted"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        p.calls("/getUpdates")
            .last()
            .unwrap()
            .query("offset")
            .as_deref(),
        Some("500241")
    );
    // A new post and its comment.
    updates.lock().unwrap().push(serde_json::json!({"update_id": 500_300, "channel_post": {"message_id": 500, "sender_chat": channel, "chat": channel, "date": START + 200 * 3600, "text": "Cảnh báo lừa đảo mới"}}));
    let (_, third, _) = pull(data);
    assert_eq!(third[0]["inserted"], 1);
    assert!(!out.contains(BOT));
    // The bot's token revoked: the pull stops with the message.
    std::fs::write(&token, "7011112222:revoked").unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "telegram",
            "--channel",
            "https://t.me/congan_thachquang",
            "--credential-file",
            token.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    let (code, stopped, out) = pull(data);
    assert_eq!(code, Some(1));
    assert!(
        stopped[0]["error"]
            .as_str()
            .unwrap()
            .contains("Telegram từ chối mã bot"),
        "{stopped}"
    );
    assert!(!out.contains("revoked"));
}

#[test]
fn an_approved_warning_is_published_on_the_official_page_through_its_source() {
    use common::http::*;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let p = common::platform::serve(|call| {
        let form = String::from_utf8_lossy(&call.body).into_owned();
        let token = form
            .split('&')
            .find_map(|kv| kv.strip_prefix("access_token="))
            .unwrap_or("");
        if call.method == "POST"
            && call.path == "/v21.0/congan.thachquang/feed"
            && token == TOKEN.replace(':', "%3A")
        {
            Answer::json(200, serde_json::json!({"id": "1029384756_7777777"}))
        } else {
            Answer::json(
                400,
                serde_json::json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}),
            )
        }
    });
    let credential = data.join("page.token");
    std::fs::write(&credential, TOKEN).unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "facebook",
            "--channel",
            "https://www.facebook.com/congan.thachquang",
            "--credential-file",
            credential.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    // A confirmed report, a warning drafted from it; approved.
    let app = app::App::open(data, None).unwrap();
    let cli = app::Actor::cli();
    app.submit_tip(app::tips::NewTip {
        phone: "0356 111 222".into(),
        text: "Bà Nguyễn Thị Hoa bị gọi đòi chuyển tiền".into(),
        sender: "a".into(),
        ..Default::default()
    })
    .unwrap();
    let group = app.tip_groups(&cli).unwrap()[0].id;
    app.answer_tips(&cli, group, "confirmed", "Lừa đảo.", false)
        .unwrap();
    let draft = app.draft_warning(&cli, "case", None, Some(group)).unwrap();
    assert!(
        app.publish_warning(&cli, draft.id, 1).is_err(),
        "a draft is not published"
    );
    app.save_warning(&cli, draft.id, &draft.title, &draft.body, true)
        .unwrap();

    let s = common::start_demo(data);
    let cookie = login(&s, "congan", "demo-congan-2026");
    let page = get(
        &s,
        &format!("/canh-bao-nguoi-dan/{}", draft.id),
        Some(&cookie),
    );
    assert!(
        page.body
            .contains("Đăng lên https://facebook.com/congan.thachquang"),
        "{}",
        page.body
    );
    let published = post(
        &s,
        &format!("/canh-bao-nguoi-dan/{}/dang", draft.id),
        Some(&cookie),
        &[("csrf", &csrf(&page.body)), ("source", "1")],
    );
    assert!(
        published
            .body
            .contains("Đã đăng cảnh báo lên kênh chính thức (1029384756_7777777)."),
        "{}",
        published.body
    );
    let sent = p.calls("/feed");
    assert_eq!(sent.len(), 1);
    let form = String::from_utf8_lossy(&sent[0].body).into_owned();
    let message = common::platform::Call {
        path: format!("/feed?{form}"),
        ..sent[0].clone()
    }
    .query("message")
    .unwrap();
    assert!(
        message.starts_with("CẢNH BÁO: Lừa đảo qua số điện thoại 035***222\n\n"),
        "{message}"
    );
    assert!(
        !message.contains("Nguyễn Thị Hoa") && message.contains("N.T.H."),
        "{message}"
    );
    // Once published, the page says where, and the audit log has it.
    let again = get(
        &s,
        &format!("/canh-bao-nguoi-dan/{}", draft.id),
        Some(&cookie),
    );
    assert!(
        again
            .body
            .contains("Đã đăng lên kênh chính thức: 1029384756_7777777")
    );
    let events = app.store().unwrap().audit_events().unwrap();
    let publish = events
        .iter()
        .find(|e| e.action == "warning.publish")
        .unwrap();
    assert!(publish.details.contains("1029384756_7777777") && !publish.details.contains(TOKEN));
}

#[test]
fn an_officer_records_periodic_checks_of_pages_no_api_can_check() {
    use common::http::*;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let app = app::App::open(data, None).unwrap();
    let id_of = |url: &str| {
        app.store()
            .unwrap()
            .communities()
            .unwrap()
            .into_iter()
            .find(|c| c.url.as_deref() == Some(url))
            .unwrap()
    };
    let market = id_of("https://facebook.com/groups/chothachquang");
    let farm = id_of("https://facebook.com/nongsanthachquang");
    let s = common::start_demo(data);
    let cookie = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/kiem-tra-dinh-ky", Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("/kiem-tra-dinh-ky/{}", market.id.0)),
        "due: {}",
        page.body
    );
    let token = csrf(&page.body);
    let shot = {
        let image = media::image::RgbImage::from_fn(200, 300, |x, y| {
            media::image::Rgb([(x % 200) as u8, (y % 250) as u8, 80])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        media::image::DynamicImage::ImageRgb8(image)
            .write_to(&mut out, media::image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let check = |community: i64, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]| {
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        raw_post(
            &s,
            &format!("/kiem-tra-dinh-ky/{community}"),
            &cookie,
            "multipart/form-data; boundary=XyZ",
            &multipart(&all, files),
        )
    };
    // The market group renamed into a look-alike of the commune police's page.
    let renamed = check(
        market.id.0,
        &[
            ("outcome", "renamed"),
            ("seen_name", "Công an xã Thạch Quảng - Tiếp dân"),
            ("members", "1.250"),
            ("note", "Ảnh bìa đổi thành logo công an"),
        ],
        &[("screenshot", "nhom.png", &shot)],
    );
    assert!(
        renamed
            .body
            .contains("Đã ghi kết quả kiểm tra; tên mới được lưu; có cảnh báo giả mạo mới."),
        "{}",
        renamed.body
    );
    assert!(
        !renamed
            .body
            .contains(&format!("action=\"/kiem-tra-dinh-ky/{}\"", market.id.0)),
        "checked: no longer due"
    );
    // Not a picture; a page gone.
    let bad = check(
        farm.id.0,
        &[("outcome", "same"), ("note", "x")],
        &[("screenshot", "a.png", b"not a picture")],
    );
    assert!(bad.body.contains("không phải ảnh"), "{}", bad.body);
    let gone = check(
        farm.id.0,
        &[("outcome", "gone"), ("note", "Trang báo không tồn tại")],
        &[],
    );
    assert!(
        gone.body.contains("trang được đánh dấu đã gỡ"),
        "{}",
        gone.body
    );

    let mut store = app.store().unwrap();
    let market_now = store.community(market.id).unwrap().unwrap();
    assert_eq!(
        (market_now.name.as_str(), market_now.members),
        ("Công an xã Thạch Quảng - Tiếp dân", Some(1250))
    );
    assert_eq!(store.name_history(market.id).unwrap()[0].1, market.name);
    assert_eq!(
        store.community(farm.id).unwrap().unwrap().status,
        domain::Status::Removed
    );
    assert!(
        store
            .alerts()
            .unwrap()
            .iter()
            .any(|a| a.category == domain::Category::Impersonation
                && a.explanation.starts_with(&format!(
                    "Kênh «{}» đổi tên thành «Công an xã Thạch Quảng - Tiếp dân»",
                    market.name
                )))
    );
    let checks: Vec<_> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "community.check")
        .collect();
    assert_eq!(checks.len(), 2, "the refused one kept nothing");
    let sha = store
        .latest_channel_checks()
        .unwrap()
        .into_iter()
        .find(|c| c.community_id == market.id.0)
        .unwrap()
        .sha256
        .unwrap();
    drop(store);
    assert_eq!(
        get_bytes(
            &s,
            &format!("/kiem-tra-dinh-ky/{}/anh/{sha}", market.id.0),
            Some(&cookie)
        ),
        shot
    );
}

#[test]
fn a_zalo_official_accounts_messages_are_pulled_down_to_the_last_pull() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let app = app::App::open(data, None).unwrap();
    app.store()
        .unwrap()
        .import_communities(
            "test",
            "test",
            &[official(
                "https://zalo.me/4318457412345678901",
                "Công an xã Thạch Quảng",
                domain::Platform::Zalo,
                domain::Kind::Page,
            )],
        )
        .unwrap();
    const OA: &str = "zalo-oa-token-for-the-source-R2d2";
    // 25 messages a minute apart, newest first as the API lists them: people's (src 1) and the
    // OA's answers (src 0) in turn.
    let message = |k: i64| {
        serde_json::json!({"src": k % 2, "time": (START + k * 60) * 1000, "type": "text", "message": format!("Tin nhắn {k}"),
            "message_id": format!("m{k:04}"), "from_id": if k % 2 == 1 { "5550001" } else { "4318457412345678901" },
            "to_id": if k % 2 == 1 { "4318457412345678901" } else { "5550001" }, "from_display_name": "Người dân", "from_avatar": ""})
    };
    let count = Arc::new(Mutex::new(25i64));
    let busy = Arc::new(AtomicBool::new(false));
    let token = Arc::new(Mutex::new(OA.to_owned()));
    let hang = Arc::new(AtomicBool::new(true));
    let (n, limit, good, hanging) = (count.clone(), busy.clone(), token.clone(), hang.clone());
    let p = common::platform::serve(move |call| {
        if call.header("access_token") != Some(good.lock().unwrap().as_str()) {
            return Answer::json(
                200,
                serde_json::json!({"error": -216, "message": "Access token is invalid"}),
            );
        }
        if limit.swap(false, Ordering::SeqCst) {
            return Answer::json(
                200,
                serde_json::json!({"error": -32, "message": "Exceeded the request limit"}),
            );
        }
        let asked: serde_json::Value = serde_json::from_str(&call.query("data").unwrap()).unwrap();
        let offset = asked["offset"].as_i64().unwrap();
        if offset > 0 && hanging.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_secs(20));
        }
        let total = *n.lock().unwrap();
        let page: Vec<_> = (0..total)
            .rev()
            .skip(offset as usize)
            .take(10)
            .map(message)
            .collect();
        Answer::json(
            200,
            serde_json::json!({"data": page, "error": 0, "message": "Success"}),
        )
    });
    let file = data.join("oa.token");
    std::fs::write(&file, OA).unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "zalo",
            "--channel",
            "https://zalo.me/4318457412345678901",
            "--credential-file",
            file.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    // The first pull is killed while it waits for the second ten; the next resumes there.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(["source", "pull", "1", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if p.calls("/listrecentchat").len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    hang.store(false, Ordering::SeqCst);
    let (code, first, out) = pull(data);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        (
            first[0]["fetched"].as_u64(),
            first[0]["comments"].as_u64(),
            first[0]["inserted"].as_u64()
        ),
        (Some(15), Some(7), Some(15)),
        "{first}"
    );
    let stored: i64 = rusqlite::Connection::open(data.join("sokenh.db"))
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM items WHERE source_id LIKE 'zalo-oa:%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 25, "everything once");
    let offsets: Vec<i64> = p
        .calls("/listrecentchat")
        .iter()
        .map(|c| {
            let data: serde_json::Value = serde_json::from_str(&c.query("data").unwrap()).unwrap();
            assert_eq!(data["count"], 10);
            data["offset"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(
        offsets,
        [0, 10, 10, 20],
        "the ten after the first asked again after the kill"
    );

    let (code, again, _) = pull(data);
    assert_eq!(code, Some(0));
    assert_eq!(
        (again[0]["fetched"].as_u64(), again[0]["inserted"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    // Three new messages, through a rate limit: only they are read.
    *count.lock().unwrap() = 28;
    busy.store(true, Ordering::SeqCst);
    let (code, second, _) = pull(data);
    assert_eq!(code, Some(0));
    assert_eq!(
        (
            second[0]["fetched"].as_u64(),
            second[0]["inserted"].as_u64()
        ),
        (Some(3), Some(3)),
        "{second}"
    );
    // The token revoked: the pull stops with the message.
    *token.lock().unwrap() = "another".into();
    let (code, stopped, out) = pull(data);
    assert_eq!(code, Some(1));
    assert!(
        stopped[0]["error"]
            .as_str()
            .unwrap()
            .contains("Zalo từ chối mã truy cập của OA"),
        "{stopped}"
    );
    assert!(!out.contains(OA));
    // The OA's own answers are the channel's: people's messages are what the feedback counts.
    let feedback = json(&sokenh(
        data,
        &[
            "source",
            "feedback",
            "--from",
            "2026-11-19",
            "--to",
            "2026-11-21",
            "--json",
        ],
    ));
    assert_eq!(feedback["comments"], 14, "{feedback}");
}

#[test]
fn the_servers_scheduled_pull_logs_its_failure_without_the_credential() {
    use std::io::Read;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let g = Graph {
        posts: Arc::new(Mutex::new((0..3).map(|i| post(i, 1)).collect())),
        token: Arc::new(Mutex::new("not-the-office-token".to_owned())),
        rate_limit_next: Arc::new(AtomicBool::new(false)),
        hang: Arc::new(AtomicBool::new(false)),
    };
    let p = common::platform::serve(graph(&g));
    let credential = data.join("page.token");
    std::fs::write(&credential, TOKEN).unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "facebook",
            "--channel",
            "https://www.facebook.com/congan.thachquang",
            "--credential-file",
            credential.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    let log = data.join("serve.log");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
        .arg("--data")
        .arg(data)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("SOKENH_SOURCE_CHECK", "1")
        .env("SOKENH_SHARE_INTERVAL", "0")
        .env_remove("SOKENH_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // The schedule pulls within a few seconds; the token is refused (code 190).
    let mut text = String::new();
    for _ in 0..100 {
        text.clear();
        std::fs::File::open(&log)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        if text.contains("source.pull") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    let line = text
        .lines()
        .find(|l| l.contains("source.pull"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("mã 190"), "{line}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(
        p.calls("/posts")
            .iter()
            .all(|c| c.query("access_token").as_deref() == Some(TOKEN))
    );
    let app = app::App::open(data, None).unwrap();
    let events = app.store().unwrap().audit_events().unwrap();
    let pull = events
        .iter()
        .find(|e| e.action == "source.pull" && e.actor == "sokenh:lịch-kéo-nguồn")
        .unwrap();
    assert!(pull.details.contains("mã 190") && !pull.details.contains(TOKEN));
}

#[test]
fn the_watch_asks_telegram_about_the_registers_public_channels() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    let app = app::App::open(data, None).unwrap();
    let other = |handle: &str, name: &str| domain::CommunityRecord {
        classification: domain::Classification::Unknown,
        unit: None,
        ..official(
            &format!("https://t.me/{handle}"),
            name,
            domain::Platform::Telegram,
            domain::Kind::Channel,
        )
    };
    app.store()
        .unwrap()
        .import_communities(
            "test",
            "test",
            &[
                official(
                    "https://t.me/congan_thachquang",
                    "Công an xã Thạch Quảng",
                    domain::Platform::Telegram,
                    domain::Kind::Channel,
                ),
                other("tinnong_thachthanh", "Tin nóng Thạch Thành"),
                other("kenhcu_tg", "Kênh cũ"),
            ],
        )
        .unwrap();
    const BOT: &str = "7011112222:AAE-watch-bot-token-Qq55";
    let p = common::platform::serve(|call| {
        let chat = call.query("chat_id").unwrap_or_default();
        if call
            .path
            .starts_with(&format!("/bot{BOT}/getChatMemberCount"))
        {
            return Answer::json(200, serde_json::json!({"ok": true, "result": 321}));
        }
        let chat_of = |id: i64, title: &str, username: &str| {
            Answer::json(
                200,
                serde_json::json!({"ok": true, "result": {"id": id, "title": title, "username": username, "type": "channel"}}),
            )
        };
        match chat.as_str() {
            "@congan_thachquang" => chat_of(-1001, "Công an xã Thạch Quảng", "congan_thachquang"),
            "@tinnong_thachthanh" => chat_of(
                -1002,
                "Công an xã Thạch Quảng - Thông báo",
                "tinnong_thachthanh",
            ),
            // The demo's youth union channel, as it is.
            "@doanthanhnienthachquang" => chat_of(
                -1003,
                "Kênh Telegram Đoàn Thanh niên Thạch Quảng",
                "doanthanhnienthachquang",
            ),
            _ => Answer::json(
                400,
                serde_json::json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}),
            ),
        }
    });
    let token = data.join("bot.token");
    std::fs::write(&token, BOT).unwrap();
    json(&sokenh(
        data,
        &[
            "source",
            "add",
            "telegram",
            "--channel",
            "https://t.me/congan_thachquang",
            "--credential-file",
            token.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--json",
        ],
    ));
    let watched = json(&sokenh(data, &["source", "watch", "--json"]));
    assert_eq!(watched["checked"], 4, "{watched}");
    assert_eq!(
        watched["renamed"],
        serde_json::json!([[
            "https://t.me/tinnong_thachthanh",
            "Tin nóng Thạch Thành",
            "Công an xã Thạch Quảng - Thông báo"
        ]])
    );
    assert_eq!(
        watched["removed"],
        serde_json::json!(["https://t.me/kenhcu_tg"])
    );
    assert_eq!(watched["alerts"], 1);
    let ours = app
        .store()
        .unwrap()
        .communities()
        .unwrap()
        .into_iter()
        .find(|c| c.url.as_deref() == Some("https://t.me/congan_thachquang"))
        .unwrap();
    assert_eq!(ours.members, Some(321));
    assert!(
        p.calls("/getChat")
            .iter()
            .all(|c| c.path.starts_with(&format!("/bot{BOT}/")))
    );
}

/// Two `serve` processes on one PostgreSQL: the source's scheduled pull is a job, claimed by
/// one of them; the page is read once, one pull is on the record, and the job says who ran it.
#[test]
fn two_servers_on_one_database_pull_a_due_source_once() {
    let Some(url) = common::postgres_server() else {
        eprintln!("SOKENH_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let db = common::fresh_database(&url, &format!("sokenh_jobs_{}", std::process::id()));
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let on = |data: &std::path::Path, args: &[&str]| {
        let mut all = vec!["--database-url", db.as_str()];
        all.extend_from_slice(args);
        sokenh(data, &all)
    };
    json(&on(&a, &["demo", "--no-serve", "--json"]));
    let g = Graph {
        posts: Arc::new(Mutex::new((0..3).map(|i| post(i, 2)).collect())),
        token: Arc::new(Mutex::new(TOKEN.to_owned())),
        rate_limit_next: Arc::new(AtomicBool::new(false)),
        hang: Arc::new(AtomicBool::new(false)),
    };
    let p = common::platform::serve(graph(&g));
    let credential = tmp.path().join("page.token");
    std::fs::write(&credential, TOKEN).unwrap();
    json(&on(
        &a,
        &[
            "source",
            "add",
            "facebook",
            "--channel",
            "https://www.facebook.com/congan.thachquang",
            "--credential-file",
            credential.to_str().unwrap(),
            "--api-base",
            &p.base,
            "--interval",
            "86400",
            "--json",
        ],
    ));
    let start = |data: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sokenh"))
            .arg("--data")
            .arg(data)
            .args(["--database-url", &db, "serve", "--bind", "127.0.0.1:0"])
            .env("SOKENH_SOURCE_CHECK", "1")
            .env("SOKENH_SHARE_INTERVAL", "0")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(data.with_extension("log")).unwrap())
            .spawn()
            .unwrap()
    };
    // Every server of a deployment holds its keys (the credential is sealed under them).
    std::fs::create_dir_all(&b).unwrap();
    std::fs::copy(a.join("pseudonym.key"), b.join("pseudonym.key")).unwrap();
    let mut servers = [start(&a), start(&b)];
    let logs = || {
        [&a, &b]
            .map(|d| std::fs::read_to_string(d.with_extension("log")).unwrap_or_default())
            .join("\n---\n")
    };
    let mut pg = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let mut pulls = || -> i64 {
        pg.query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'source.pull'",
            &[],
        )
        .unwrap()
        .get(0)
    };
    // Within a minute even on a busy machine (both servers start, look, schedule, claim).
    let mut waited = 0;
    while pulls() == 0 && waited < 600 {
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    }
    // Both keep looking every second for a while: the pull is not due again, and was not doubled.
    std::thread::sleep(Duration::from_secs(4));
    for s in &mut servers {
        let _ = s.kill();
        let _ = s.wait();
    }
    assert_eq!(pulls(), 1, "{}", logs());
    assert_eq!(p.calls("/posts").len(), 1, "the page's posts read once");
    let app = app::App::open(&a, Some(&db)).unwrap();
    let jobs = app.store().unwrap().jobs(50).unwrap();
    let pulled: Vec<_> = jobs.iter().filter(|j| j.kind == "source.pull").collect();
    assert_eq!(pulled.len(), 1, "{jobs:?}");
    assert_eq!(
        (pulled[0].state.as_str(), pulled[0].attempts),
        ("done", 1),
        "{jobs:?}\n{}",
        logs()
    );
    // The periodic work too: one job for each day (the watch, the purges), hour (the
    // early-warning watch) or minute (screening), whichever server ran it — never the same
    // period twice.
    for kind in [
        "source.watch",
        "tip.purge",
        "retention.purge",
        "analytics.watch",
        "screening.scan",
    ] {
        let mut keys: Vec<&str> = jobs
            .iter()
            .filter(|j| j.kind == kind)
            .map(|j| j.key.as_str())
            .collect();
        let all = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert!(all >= 1 && keys.len() == all, "{kind}: {jobs:?}");
    }
}
