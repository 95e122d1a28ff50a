//! `cargo xtask bench-sources [COMMENTS]`: a Facebook Page's comments pulled end to end — from a
//! local server speaking the Graph API (posts 100 a page, each post's comments 100 a page),
//! through `App::pull_sources` (store, screening, search index) into a fresh SQLite data dir —
//! in comments per second, with the server's own time apart (answers are prepared beforehand).
//! COMMENTS (default 100,000) are spread 100 to a post.

use anyhow::{Result, bail};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

const START: i64 = 1_795_132_800;

fn stamp(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S+0000")
        .to_string()
}

/// Every answer the pull asks for, by path and `after` cursor.
fn answers(posts: usize, per_post: usize) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    let texts = [
        "Cảm ơn công an xã đã thông tin kịp thời",
        "Nhà tôi ở thôn Đồng Tâm cũng nhận được cuộc gọi như vậy",
        "Tuyển cộng tác viên việc nhẹ lương cao, liên hệ Zalo 0912345678 nhận hoa hồng ngay",
        "Cho hỏi lịch tiếp công dân tuần này thế nào ạ",
        "Mọi người cảnh giác, đừng chuyển tiền cho người lạ",
    ];
    let ids: Vec<String> = (0..posts)
        .map(|i| format!("1029384756_{}", 5_000_000 + i))
        .collect();
    for (page, chunk) in ids.chunks(100).enumerate() {
        let data: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let i = page * 100 + k;
                serde_json::json!({"id": id, "message": format!("Thông báo số {i} của Công an xã"),
                    "created_time": stamp(START + (posts - i) as i64 * 600),
                    "permalink_url": format!("https://www.facebook.com/congan.thachquang/posts/{}", 5_000_000 + i),
                    "shares": {"count": 1}, "reactions": {"data": [], "summary": {"total_count": 9}},
                    "comments": {"data": [], "summary": {"total_count": per_post}}})
            })
            .collect();
        let end = (page + 1) * 100;
        let mut paging = serde_json::json!({"cursors": {"before": format!("o:{}", page * 100), "after": format!("o:{end}")}});
        if end < posts {
            paging["next"] =
                format!("https://graph.facebook.com/v21.0/congan.thachquang/posts?after=o:{end}")
                    .into();
        }
        let after = if page == 0 {
            String::new()
        } else {
            format!("o:{}", page * 100)
        };
        out.insert(
            ("/v21.0/congan.thachquang/posts".to_owned(), after),
            serde_json::json!({"data": data, "paging": paging}).to_string(),
        );
    }
    for (i, id) in ids.iter().enumerate() {
        let post_at = START + (posts - i) as i64 * 600;
        for (page, from) in (0..per_post).step_by(100).enumerate() {
            let end = (from + 100).min(per_post);
            let data: Vec<_> = (from..end)
                .map(|k| {
                    serde_json::json!({"id": format!("{}_{}", 5_000_000 + i, 9_000_000 + k),
                        "message": texts[(i + k) % texts.len()], "created_time": stamp(post_at + k as i64),
                        "from": {"name": "Người dùng", "id": format!("{}", 7_000_000 + (i * 31 + k) % 20_000)}})
                })
                .collect();
            let mut paging = serde_json::json!({"cursors": {"before": format!("o:{from}"), "after": format!("o:{end}")}});
            if end < per_post {
                paging["next"] =
                    format!("https://graph.facebook.com/v21.0/{id}/comments?after=o:{end}").into();
            }
            let after = if page == 0 {
                String::new()
            } else {
                format!("o:{from}")
            };
            out.insert(
                (format!("/v21.0/{id}/comments"), after),
                serde_json::json!({"data": data, "paging": paging}).to_string(),
            );
        }
    }
    out
}

pub fn run(comments: usize) -> Result<()> {
    let per_post = 100;
    let posts = comments.div_ceil(per_post).max(1);
    let prepared = Instant::now();
    let answers = Arc::new(answers(posts, per_post));
    println!(
        "{} answers prepared in {:.1} s ({posts} posts, {} comments)",
        answers.len(),
        prepared.elapsed().as_secs_f64(),
        posts * per_post
    );
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let served = answers.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let served = served.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("a socket"));
                let mut first = String::new();
                if reader.read_line(&mut first).unwrap_or(0) == 0 {
                    return;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let target = first.split_whitespace().nth(1).unwrap_or("");
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                let after = query
                    .split('&')
                    .find_map(|p| p.strip_prefix("after="))
                    .unwrap_or("")
                    .replace("%3A", ":");
                let body = served
                    .get(&(path.to_owned(), after))
                    .cloned()
                    .unwrap_or_else(|| r#"{"data":[],"paging":{}}"#.to_owned());
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    let dir = tempfile::tempdir()?;
    let app = app::App::open(dir.path(), None)?;
    app.store()?
        .create_unit("bench", "Đảng bộ xã Thạch Quảng", None, Some(15199))?;
    app.store()?.import_communities(
        "bench",
        "bench",
        &[domain::CommunityRecord {
            key: "https://www.facebook.com/congan.thachquang".into(),
            name: "Công an xã Thạch Quảng".into(),
            url: Some("https://www.facebook.com/congan.thachquang".into()),
            platform: domain::Platform::Facebook,
            kind: domain::Kind::Page,
            members: None,
            admins: None,
            unit: Some("Đảng bộ xã Thạch Quảng".into()),
            status: domain::Status::Verified,
            classification: domain::Classification::Official,
            official_of: None,
            locality: None,
            note: None,
        }],
    )?;
    let cli = app::Actor::cli();
    app.add_source(
        &cli,
        "facebook",
        "https://www.facebook.com/congan.thachquang",
        "EAAbenchmark-token",
        900,
        Some(&base),
    )?;
    let t = Instant::now();
    let reports = app.pull_sources(&cli, None)?;
    let took = t.elapsed().as_secs_f64();
    let r = &reports[0];
    if let Some(e) = &r.error {
        bail!("the pull failed: {e}");
    }
    let signals = app.store()?.signals(None)?.len();
    println!(
        "pulled {} items ({} comments), {} inserted, in {took:.1} s: {:.0} comments/s end to end (store, screen, index); {signals} signals",
        r.fetched,
        r.comments,
        r.inserted,
        r.comments as f64 / took
    );
    let t = Instant::now();
    let again = app.pull_sources(&cli, None)?;
    println!(
        "a second pull: {} read, {} inserted, {} known, in {:.1} s",
        again[0].fetched,
        again[0].inserted,
        again[0].duplicates,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
