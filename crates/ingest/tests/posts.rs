//! Every connector on a fixture in its real format (`tests/fixtures/posts/`), asserting the items
//! and rejections exactly.

use ingest::posts::{self, Format, Preparer, RawItem, Rejected};
use std::collections::HashSet;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/posts")
            .join(name),
    )
    .unwrap()
}

fn read(format: Format, name: &str, community: Option<&str>) -> (Vec<RawItem>, Vec<Rejected>) {
    let bytes = fixture(name);
    assert_eq!(
        Format::detect(Path::new(name), &bytes),
        Some(format),
        "format of {name}"
    );
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for e in posts::read(format, &bytes, community).unwrap() {
        match e {
            Ok(i) => ok.push(i),
            Err(r) => bad.push(r),
        }
    }
    (ok, bad)
}

fn vn(i: &RawItem) -> String {
    i.published_at.with_timezone(&posts::vietnam()).to_rfc3339()
}

#[test]
fn generic_jsonl() {
    let (ok, bad) = read(Format::Jsonl, "generic.jsonl", None);
    let got: Vec<(u64, &str, String)> = ok
        .iter()
        .map(|i| (i.position, i.source_id.as_str(), vn(i)))
        .collect();
    assert_eq!(
        got,
        [
            (1, "p1", "2026-11-05T07:00:00+07:00".into()),
            (2, "p2", "2026-11-05T08:30:00+07:00".into()),
            (6, "p4", "2026-11-05T10:00:00+07:00".into())
        ]
    );
    assert_eq!(ok[0].metrics.reactions, Some(120));
    assert_eq!(
        ok[1].metrics.reactions,
        Some(1234),
        "Vietnamese number in a string"
    );
    assert_eq!(ok[0].media, ["https://scontent.example/p1.jpg"]);
    let lines: Vec<u64> = bad.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4]);
    assert!(bad[1].reason.contains("hôm qua"));
}

#[test]
fn generic_csv() {
    let (ok, bad) = read(Format::Csv, "generic.csv", None);
    assert_eq!(
        ok.iter().map(|i| i.source_id.as_str()).collect::<Vec<_>>(),
        ["c1", "c2"]
    );
    assert_eq!(ok[0].text, "Review chợ quê, giá rẻ");
    assert_eq!(ok[0].media, ["a.mp4"]);
    assert_eq!((bad.len(), bad[0].line), (1, 4));
}

#[test]
fn telegram_single_chat_with_entity_arrays() {
    let (ok, bad) = read(
        Format::Telegram,
        "telegram_single.json",
        Some("https://t.me/tinthachquang"),
    );
    assert_eq!(ok.len(), 2, "the service message is not a post");
    assert_eq!(ok[0].source_id, "1780012345/11");
    assert_eq!(ok[0].metrics.views, Some(1520));
    assert_eq!(
        ok[1].text,
        "Cảnh báo lừa đảo: không bấm vào bit.ly/nhanqua2026 và không cung cấp mã OTP."
    );
    assert_eq!(ok[1].metrics.reactions, Some(9));
    assert_eq!(vn(&ok[1]), "2026-11-02T09:15:00+07:00");
    assert_eq!(ok[1].media, ["photos/photo_1@02-11-2026_09-15-00.jpg"]);
    assert_eq!(
        ok[1].community_url.as_deref(),
        Some("https://t.me/tinthachquang")
    );
    assert_eq!((bad.len(), bad[0].line), (1, 4));
}

#[test]
fn telegram_full_export() {
    let (ok, bad) = read(Format::Telegram, "telegram_full.json", None);
    assert!(bad.is_empty());
    let got: Vec<(&str, &str, &str)> = ok
        .iter()
        .map(|i| {
            (
                i.community_name.as_str(),
                i.source_id.as_str(),
                i.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Nhóm Đoàn Thanh niên", "1001/1", "Họp chi đoàn tối thứ Bảy"),
            ("Chợ quê", "1002/1", "Bán gà ta giá tốt")
        ]
    );
}

#[test]
fn facebook_download_your_information_mojibake_is_repaired() {
    let raw = fixture("facebook_group_posts.json");
    assert!(
        String::from_utf8_lossy(&raw).contains("\\u00c4\\u0090"),
        "the fixture is escaped the way Facebook does it"
    );
    let (ok, bad) = read(Format::Facebook, "facebook_group_posts.json", None);
    assert_eq!(ok.len(), 2);
    assert_eq!(
        ok[0].text,
        "Đường liên thôn Đồng Tâm đã được đổ bê tông, cảm ơn Ủy ban nhân dân xã!"
    );
    assert_eq!(ok[0].community_name, "Thạch Quảng quê tôi");
    assert_eq!(ok[1].text, "Mất điện thôn Tân Sơn từ 8h đến 11h sáng mai");
    assert_eq!(vn(&ok[0]), "2026-11-02T08:30:00+07:00");
    assert_eq!(
        ok[0].media,
        ["your_facebook_activity/groups/photos/duong_be_tong.jpg"]
    );
    assert_ne!(ok[0].source_id, ok[1].source_id);
    assert_eq!((bad.len(), bad[0].line), (1, 3));
}

#[test]
fn youtube_data_api_responses() {
    let (search, bad) = read(Format::Youtube, "youtube_search.json", None);
    assert_eq!(search.len(), 1);
    assert_eq!(bad.len(), 1, "a channel result is not a video");
    assert_eq!(
        search[0].community_url.as_deref(),
        Some("https://youtube.com/channel/UCthTHTV0000")
    );
    let (videos, _) = read(Format::Youtube, "youtube_videos.json", None);
    assert_eq!(
        (
            videos[0].source_id.as_str(),
            videos[0].metrics.views,
            videos[0].metrics.reactions
        ),
        ("abc123XYZ00", Some(15234), Some(321))
    );
    assert_eq!(vn(&videos[0]), "2026-11-04T09:00:00+07:00");
    let (comments, _) = read(Format::Youtube, "youtube_comments.json", None);
    assert_eq!(
        (comments[0].source_id.as_str(), comments[0].text.as_str()),
        ("Ugx1", "Tin hay quá, cảm ơn đài")
    );
    assert_eq!(comments[0].author.as_deref(), Some("UCviewer1"));
}

#[test]
fn rss_and_atom() {
    let (rss, bad) = read(Format::Rss, "feed_rss.xml", None);
    assert_eq!(rss.len(), 2);
    assert_eq!(rss[0].source_id, "btn-1");
    assert_eq!(
        rss[0].text,
        "Thạch Quảng ra quân làm đường giao thông nông thôn\nXã Thạch Quảng huy động người dân & đoàn viên"
    );
    assert_eq!(
        rss[1].source_id, "https://baothanhhoa.vn/canh-bao-2.htm",
        "no guid: the link is the id"
    );
    assert_eq!(rss[1].text, "Cảnh báo lừa đảo qua mạng & cách phòng tránh");
    assert_eq!(
        rss[0].community_url.as_deref(),
        Some("https://baothanhhoa.vn")
    );
    assert_eq!((bad.len(), bad[0].line), (1, 3));
    let (atom, _) = read(Format::Rss, "feed_atom.xml", None);
    assert_eq!(atom.len(), 1);
    assert_eq!(
        atom[0].community_url.as_deref(),
        Some("https://thachquang.thanhhoa.gov.vn/")
    );
    assert_eq!(
        atom[0].url.as_deref(),
        Some("https://thachquang.thanhhoa.gov.vn/tin/1")
    );
    assert_eq!(
        vn(&atom[0]),
        "2026-11-08T08:00:00+07:00",
        "published, not updated"
    );
}

#[test]
fn preparing_pseudonymises_authors_except_members_own_accounts() {
    let (ok, _) = read(Format::Jsonl, "generic.jsonl", None);
    let members: HashSet<String> = ["https://facebook.com/nguyenvana".to_owned()].into();
    let p = Preparer::new(b"deployment-key".to_vec(), members);
    let a = p.prepare(ok[0].clone()).unwrap();
    let b = p.prepare(ok[1].clone()).unwrap();
    assert_eq!(
        a.community_key,
        "https://facebook.com/groups/thachquangquetoi"
    );
    assert_eq!(
        a.author_handle.as_deref(),
        Some("nguyenvana"),
        "a member's declared account"
    );
    assert_eq!(b.author_handle, None, "anyone else is only a pseudonym");
    assert_eq!(b.author_pseudonym.as_deref().map(str::len), Some(64));
    assert_ne!(b.author_pseudonym, Some("scammer99".to_owned()));
    assert_eq!(
        b.author_pseudonym,
        Some(p.pseudonym(domain::Platform::Facebook, "SCAMMER99")),
        "handles are case-insensitive"
    );
    let other_key = Preparer::new(b"another-office".to_vec(), HashSet::new());
    assert_ne!(
        other_key.prepare(ok[1].clone()).unwrap().author_pseudonym,
        b.author_pseudonym,
        "pseudonyms are keyed per deployment"
    );
    assert_eq!(b.published_at, "2026-11-05T08:30:00+07:00");
}

#[test]
fn impossible_counters_are_refused_with_their_entry_and_sums_never_wrap() {
    // Two reactions of u64::MAX - 1 each (a forged export): summed, they once wrapped round to
    // 18,446,744,073,709,551,614 and went into the official report.
    let big = u64::MAX - 1;
    let export = format!(
        r#"{{"name":"Tin Thạch Quảng","type":"public_channel","id":1780012345,"messages":[
        {{"id":1,"type":"message","date":"2026-11-02T09:15:00","date_unixtime":"1793592900","text":"Thông báo lịch tiêm","reactions":[{{"type":"emoji","count":{big},"emoji":"👍"}},{{"type":"emoji","count":{big},"emoji":"❤"}}]}},
        {{"id":2,"type":"message","date":"2026-11-02T10:15:00","date_unixtime":"1793596500","text":"Họp tổ dân phố","views":{views}}},
        {{"id":3,"type":"message","date":"2026-11-02T11:15:00","date_unixtime":"1793600100","text":"Lịch cắt điện","views":1520,"forwards":3}}
        ]}}"#,
        views = posts::MAX_COUNT + 1
    );
    let prep = Preparer::new(b"k".to_vec(), HashSet::new());
    let mut kept = Vec::new();
    let mut refused = Vec::new();
    for e in posts::read(
        Format::Telegram,
        export.as_bytes(),
        Some("https://t.me/tinthachquang"),
    )
    .unwrap()
    {
        match e.and_then(|raw| prep.prepare(raw)) {
            Ok(item) => kept.push(item),
            Err(r) => refused.push(r),
        }
    }
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].metrics.views, Some(1520));
    assert_eq!(
        refused.iter().map(|r| r.line).collect::<Vec<_>>(),
        [1, 2],
        "{refused:?}"
    );
    assert!(
        refused[0]
            .reason
            .contains("reactions = 18446744073709551615"),
        "{}",
        refused[0].reason
    );
    assert!(refused[1].reason.contains("views"), "{}", refused[1].reason);
}
