//! Fact-check matching on the variants people really post, and on hard negatives.

use detect::factcheck::{FactCheck, FactCheckIndex, Verdict, parse_claimreview, parse_csv};
use detect::{Analyzed, ClaimRole};

fn register() -> FactCheckIndex {
    let fc = |id: &str, claim: &str, verdict| FactCheck {
        id: id.into(),
        claim: claim.into(),
        verdict,
        correction: "UBND xã khẳng định không có chủ trương này".into(),
        source_url: "https://thachquang.thanhhoa.gov.vn/dinh-chinh".into(),
        date: Some("2026-11-10".into()),
        variants: Vec::new(),
        media_hashes: Vec::new(),
    };
    FactCheckIndex::new(vec![
        fc(
            "fc-1",
            "Xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026",
            Verdict::False,
        ),
        fc(
            "fc-2",
            "Uống nước lá tía tô đun sôi mỗi sáng chữa khỏi hoàn toàn bệnh tiểu đường",
            Verdict::Fake,
        ),
        fc(
            "fc-3",
            "Từ ngày 1 tháng 1 năm 2027 người đi xe máy không mang căn cước bị phạt 20 triệu đồng",
            Verdict::Misleading,
        ),
    ])
}

fn matches(idx: &FactCheckIndex, text: &str) -> Vec<(String, Option<ClaimRole>)> {
    idx.screen(text, &Analyzed::new(text))
        .into_iter()
        .map(|s| (s.reference, s.role))
        .collect()
}

#[test]
fn variants_of_a_claim_match() {
    let idx = register();
    let spreads = |id: &str| vec![(id.to_owned(), Some(ClaimRole::Spreads))];
    let cases = [
        (
            "exact",
            "Xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026",
            "fc-1",
        ),
        (
            "emoji",
            "😱😱 Xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026!!! 😡",
            "fc-1",
        ),
        (
            "no diacritics",
            "xa thach quang se thu hoi toan bo dat ruong thon dong tam de lam san golf tu thang 12 nam 2026",
            "fc-1",
        ),
        (
            "teencode",
            "nghe noi xa thach quang se thu hoi toan bo dat ruong thon dong tam de lam san golf tu thang 12 nam 2026 ko biet that ko mn",
            "fc-1",
        ),
        (
            "truncated",
            "Xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf…",
            "fc-1",
        ),
        (
            "preface",
            "Nóng: bà con ơi chia sẻ gấp cho mọi người cùng biết, nghe người quen trên huyện nói là uống nước lá tía tô đun sôi mỗi sáng chữa khỏi hoàn toàn bệnh tiểu đường, đừng uống thuốc tây nữa",
            "fc-2",
        ),
        (
            "reordered parts",
            "Phạt 20 triệu đồng: từ ngày 1 tháng 1 năm 2027 người đi xe máy không mang căn cước bị phạt 20 triệu đồng",
            "fc-3",
        ),
    ];
    for (what, text, id) in cases {
        assert_eq!(matches(&idx, text), spreads(id), "{what}: {text}");
    }
}

#[test]
fn same_topic_different_facts_do_not_match() {
    let idx = register();
    for text in [
        "Xã Thạch Quảng thu hồi 2 ha đất công ích thôn Tân Sơn để làm đường giao thông theo quyết định đã công khai",
        "Uống nước lá tía tô có tác dụng giải cảm, nhưng không chữa được bệnh tiểu đường, bà con nên đi khám",
        "Từ ngày 1 tháng 7 năm 2026 người đi xe máy không mang căn cước bị phạt 200 nghìn đồng",
        "Sân golf ở huyện bên đã khởi công từ tháng 3",
        "Hôm nay trời mưa to, đường thôn Đồng Tâm ngập",
    ] {
        assert_eq!(matches(&idx, text), vec![], "{text}");
    }
}

#[test]
fn quoting_a_claim_to_refute_it_is_a_correction() {
    let idx = register();
    let text = "Thông tin \"Xã Thạch Quảng sẽ thu hồi toàn bộ đất ruộng thôn Đồng Tâm để làm sân golf từ tháng 12 năm 2026\" là sai sự thật, UBND xã đã đính chính.";
    let s = idx.screen(text, &Analyzed::new(text));
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].role, Some(ClaimRole::Correction));
    assert_eq!(s[0].category.as_str(), "false_claim");
    assert!(s[0].score < 0.5, "a correction raises no alert");
    let shown = &text[s[0].evidence[0].start..s[0].evidence[0].end];
    assert!(
        shown.starts_with("Xã Thạch Quảng") && shown.ends_with("2026"),
        "{shown}"
    );
}

#[test]
fn spreading_says_what_is_true_and_where() {
    let idx = register();
    let text = "Uống nước lá tía tô đun sôi mỗi sáng chữa khỏi hoàn toàn bệnh tiểu đường";
    let s = &idx.screen(text, &Analyzed::new(text))[0];
    assert!(
        s.explanation.contains("tin giả")
            && s.explanation.contains("fc-2")
            && s.explanation
                .contains("https://thachquang.thanhhoa.gov.vn/dinh-chinh"),
        "{}",
        s.explanation
    );
    assert!(s.score >= 0.9);
}

#[test]
fn imports_csv_and_claimreview() {
    let (ok, bad) = parse_csv(
        "id,claim,verdict,correction,source_url\n\
         a1,\"Xã phát tiền hỗ trợ 5 triệu, đăng ký qua link\",tin giả,Xã không có chương trình này,https://x.vn/1\n\
         a2,Claim two,mostly false,Correction,https://x.vn/2\n\
         a3,Claim three,satire,,\n",
    );
    assert_eq!(
        ok.iter()
            .map(|f| (f.id.as_str(), f.verdict))
            .collect::<Vec<_>>(),
        [("a1", Verdict::Fake), ("a2", Verdict::False)]
    );
    assert_eq!(ok[0].claim, "Xã phát tiền hỗ trợ 5 triệu, đăng ký qua link");
    assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [4]);
    // The pictures that carried a claim, by PDQ hash; a malformed hash refuses its line only.
    let pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    let (ok, bad) = parse_csv(&format!(
        "id,claim,verdict,media_hashes\n\
         m1,Ảnh xe cứu thương,tin giả,{} | {pdq}\n\
         m2,Ảnh khác,tin giả,12ab\n",
        pdq.to_uppercase()
    ));
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].media_hashes, [pdq, pdq]);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, 3);
    assert!(bad[0].1.contains("12ab"), "{}", bad[0].1);
    let (cr, bad) = parse_claimreview(
        r#"{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example/1",
            "claimReviewed": "Uống nước lá tía tô chữa khỏi tiểu đường", "datePublished": "2026-11-10",
            "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
            "reviewBody": "Không có bằng chứng khoa học"}"#,
    )
    .unwrap();
    assert!(bad.is_empty());
    assert_eq!(
        (
            cr[0].verdict,
            cr[0].source_url.as_str(),
            cr[0].correction.as_str()
        ),
        (
            Verdict::False,
            "https://factcheck.example/1",
            "Không có bằng chứng khoa học"
        )
    );
}
