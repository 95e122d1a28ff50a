//! Searching Vietnamese the way people type it.

use domain::{Item, Metrics, Platform};
use search::{IndexedItem, SearchIndex, SearchQuery};

fn item(
    id: i64,
    source_id: &str,
    platform: Platform,
    community: &str,
    at: &str,
    text: &str,
) -> Item {
    Item {
        id,
        source_id: source_id.to_owned(),
        platform,
        community_id: 1,
        community_url: Some(community.to_owned()),
        published_at: at.to_owned(),
        text: text.to_owned(),
        url: None,
        author_pseudonym: None,
        author_handle: None,
        metrics: Metrics::default(),
        media: Vec::new(),
    }
}

fn index() -> SearchIndex {
    let idx = SearchIndex::in_memory().unwrap();
    let fb = "https://facebook.com/groups/thachquangquetoi";
    let tg = "https://t.me/tinthachquang";
    let items = [
        item(
            1,
            "exact",
            Platform::Facebook,
            fb,
            "2026-11-01T08:00:00+07:00",
            "Xã Thạch Quảng tổ chức lễ hội mùa lúa",
        ),
        item(
            2,
            "folded",
            Platform::Facebook,
            fb,
            "2026-11-02T08:00:00+07:00",
            "thach quang hom nay mua to qua, duong ngap",
        ),
        item(
            3,
            "other",
            Platform::Telegram,
            tg,
            "2026-11-03T08:00:00+07:00",
            "Thạch Bình khai trương chợ mới",
        ),
        item(
            4,
            "hoa-new",
            Platform::Telegram,
            tg,
            "2026-11-04T08:00:00+07:00",
            "Khánh Hoà và Thanh Hoá hợp tác du lịch",
        ),
        item(
            5,
            "hoa-old",
            Platform::Facebook,
            fb,
            "2026-11-05T08:00:00+07:00",
            "Thanh Hóa hòa giải thành công",
        ),
        item(
            6,
            "teen",
            Platform::Facebook,
            fb,
            "2026-11-06T08:00:00+07:00",
            "mn ơi ko đc bấm link lạ nhé",
        ),
        item(
            7,
            "quang-thach",
            Platform::Facebook,
            fb,
            "2026-11-07T08:00:00+07:00",
            "Quảng cáo đá thạch anh giá rẻ",
        ),
    ];
    let mut w = idx.writer(20).unwrap();
    for it in &items {
        w.add(IndexedItem {
            item: it,
            unit: Some("Công an xã"),
            categories: &[],
        })
        .unwrap();
    }
    w.commit().unwrap();
    idx.reload().unwrap();
    idx
}

fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<String> {
    idx.search(&SearchQuery { limit: 10, ..q })
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_owned(),
        ..SearchQuery::default()
    }
}

#[test]
fn without_diacritics_finds_both_spellings() {
    let idx = index();
    let mut got = ids(&idx, q("thach quang"));
    got.sort();
    assert_eq!(got, ["exact", "folded", "quang-thach"]);
    // The phrase ranks above the same syllables apart.
    assert_ne!(ids(&idx, q("thach quang"))[0], "quang-thach");
}

#[test]
fn with_diacritics_exact_matches_rank_first() {
    let idx = index();
    let got = ids(&idx, q("Thạch Quảng"));
    assert_eq!(got[0], "exact");
    let mut rest = got[1..].to_vec();
    rest.sort();
    assert_eq!(
        rest,
        ["folded", "quang-thach"],
        "the spelling without diacritics is still found"
    );
}

#[test]
fn old_and_new_tone_marks_find_the_same_posts() {
    let idx = index();
    let mut a = ids(&idx, q("hòa"));
    let mut b = ids(&idx, q("hoà"));
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(a, ["hoa-new", "hoa-old"]);
    // "hóa" is a different word from "hòa"; both posts have it (Thanh Hóa, Thanh Hoá).
    let mut c = ids(&idx, q("Hoá"));
    c.sort();
    assert_eq!(c, ["hoa-new", "hoa-old"]);
    assert_eq!(ids(&idx, q("hòa giải"))[0], "hoa-old");
}

#[test]
fn teencode_and_filters() {
    let idx = index();
    assert_eq!(ids(&idx, q("không được")), ["teen"]);
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                platform: Some("telegram".into()),
                ..q("thanh hoa")
            }
        ),
        ["hoa-new"]
    );
    let since = chrono::DateTime::parse_from_rfc3339("2026-11-05T00:00:00+07:00").unwrap();
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                since: Some(since),
                ..q("thanh hoa")
            }
        ),
        ["hoa-old"]
    );
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                unit: Some("Công an xã".into()),
                ..q("cho moi")
            }
        ),
        ["other"]
    );
    assert!(ids(&idx, q("")).is_empty());
}

#[test]
fn snippets_highlight_what_matched_in_the_original_text() {
    let idx = index();
    let hits = idx
        .search(&SearchQuery {
            limit: 2,
            ..q("thach quang")
        })
        .unwrap();
    // The two posts match as well (the same words, as long): the newer first (the index keeps
    // each segment's documents newest first, and equal scores go in the index's order).
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["folded", "exact"]);
    assert_eq!(hits[0].score, hits[1].score);
    assert_eq!(
        hits[1].snippet,
        "Xã <b>Thạch</b> <b>Quảng</b> tổ chức lễ hội mùa lúa"
    );
    assert_eq!(
        hits[1].community_url.as_deref(),
        Some("https://facebook.com/groups/thachquangquetoi")
    );
    assert_eq!(hits[1].published_at, "2026-11-01T08:00:00+07:00");
}

/// One post about the market, indexed and committed by a writer of its own (with other merge
/// thresholds, if given).
fn commit_one(idx: &SearchIndex, id: i64, source_id: &str, thresholds: Option<(u32, usize)>) {
    let it = item(
        id,
        source_id,
        Platform::Facebook,
        "https://facebook.com/groups/thachquangquetoi",
        "2026-11-20T08:00:00+07:00",
        "Chợ phiên Thạch Quảng họp sớm",
    );
    let mut w = idx.writer(20).unwrap();
    if let Some((small, max)) = thresholds {
        w.set_merge_thresholds(small, max);
    }
    w.add(IndexedItem {
        item: &it,
        unit: None,
        categories: &[],
    })
    .unwrap();
    w.commit().unwrap();
}

/// Each commit (a capture, the server's catch-up) makes a segment; the small ones are merged
/// after each commit, so searches do not go through more and more of them, and find the same.
#[test]
fn small_commits_do_not_pile_up_segments() {
    let idx = index();
    for k in 0..6 {
        commit_one(&idx, 100 + k, &format!("later-{k}"), None);
    }
    idx.reload().unwrap();
    assert_eq!(idx.segment_count().unwrap(), 1);
    assert_eq!(idx.doc_count(), 7 + 6);
    assert_eq!(idx.last_item_id().unwrap(), 105);
    let mut found = ids(&idx, q("cho phien"));
    found.sort();
    assert_eq!(
        found,
        [
            "later-0", "later-1", "later-2", "later-3", "later-4", "later-5"
        ]
    );
}

/// Past the most segments a search should go through, a commit merges them all into one.
#[test]
fn past_the_most_segments_a_commit_merges_them_all() {
    let idx = SearchIndex::in_memory().unwrap();
    let mut counts = Vec::new();
    for k in 0..4 {
        // Nothing counts as small here; more than two segments are too many.
        commit_one(&idx, 1 + k, &format!("p{k}"), Some((0, 2)));
        idx.reload().unwrap();
        counts.push(idx.segment_count().unwrap());
    }
    assert_eq!(counts, [1, 2, 1, 2]);
    assert_eq!(ids(&idx, q("cho phien")).len(), 4);
    assert_eq!(idx.last_item_id().unwrap(), 4);
}

/// A purged post is deleted from the index by its item id, and the purge log's position is kept
/// with the commit beside the last item id (an older payload of one number reads as position 0).
#[test]
fn purged_posts_leave_the_index_and_the_position_is_kept() {
    let idx = index();
    assert_eq!(
        (idx.last_item_id().unwrap(), idx.purged_seq().unwrap()),
        (7, 0)
    );
    assert!(ids(&idx, q("thach quang")).contains(&"folded".to_owned()));
    let mut w = idx.writer(20).unwrap();
    w.delete_purged(41, 2);
    w.delete_purged(42, 99); // never indexed: nothing to delete
    assert_eq!(w.purged_seq(), 42);
    w.commit().unwrap();
    drop(w);
    idx.reload().unwrap();
    let mut left = ids(&idx, q("thach quang"));
    left.sort();
    assert_eq!(left, ["exact", "quang-thach"]);
    assert_eq!(idx.doc_count(), 6);
    assert_eq!(
        (idx.last_item_id().unwrap(), idx.purged_seq().unwrap()),
        (7, 42)
    );
    // A later writer starts from both positions.
    let w = idx.writer(20).unwrap();
    assert_eq!((w.last_item_id(), w.purged_seq()), (7, 42));
}

/// A scope's pages are searched among their own posts: the newest matches are counted there,
/// so an older post of the scope's page is found though the province's newest matches are on
/// other pages; the filter adds nothing to a score.
#[test]
fn the_newest_matches_are_counted_among_the_scopes_pages() {
    let idx = SearchIndex::in_memory().unwrap();
    let (busy, ours) = (
        "https://facebook.com/groups/chotinh",
        "https://facebook.com/groups/thachquangquetoi",
    );
    let mut posts = vec![item(
        1,
        "ours-old",
        Platform::Facebook,
        ours,
        "2026-10-01T08:00:00+07:00",
        "Cảnh báo lừa đảo chuyển tiền ở Thạch Quảng",
    )];
    for k in 0..30 {
        posts.push(item(
            2 + k,
            &format!("busy-{k}"),
            Platform::Facebook,
            busy,
            &format!("2026-11-{:02}T08:00:00+07:00", 1 + k % 28),
            "Lừa đảo chuyển tiền qua mạng",
        ));
    }
    let mut w = idx.writer(20).unwrap();
    for it in &posts {
        w.add(IndexedItem {
            item: it,
            unit: None,
            categories: &[],
        })
        .unwrap();
    }
    w.commit().unwrap();
    idx.reload().unwrap();
    let ask = |pages: Option<Vec<String>>| SearchQuery {
        text: "lua dao".into(),
        limit: 10,
        among_newest: Some(10),
        community_urls: pages,
        ..SearchQuery::default()
    };
    let everywhere = idx.search(&ask(None)).unwrap();
    assert_eq!(everywhere.len(), 10);
    assert!(everywhere.iter().all(|h| h.id.starts_with("busy-")));
    let scoped = idx.search(&ask(Some(vec![ours.to_owned()]))).unwrap();
    let ids: Vec<&str> = scoped.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["ours-old"]);
    let unscoped_score = idx
        .search(&SearchQuery {
            text: "lua dao".into(),
            limit: 50,
            ..SearchQuery::default()
        })
        .unwrap()
        .into_iter()
        .find(|h| h.id == "ours-old")
        .unwrap()
        .score;
    assert_eq!(scoped[0].score, unscoped_score);
    assert!(idx.search(&ask(Some(Vec::new()))).unwrap().is_empty());
}
