//! A synthetic corpus of public posts in the generic JSONL schema, for benchmarks, demos and
//! tests: real-looking Vietnamese (with and without diacritics, teencode, emoji, links, phone
//! numbers) over many communities and months, any size, the same for the same seed.

use std::io::Write;

/// A small, fast, seeded generator (xorshift64*): the corpus must not depend on a library's
/// algorithm changing between versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const PLACES: &[&str] = &[
    "Thạch Quảng",
    "Đồng Tâm",
    "Tân Sơn",
    "Cự Phú",
    "Quảng Thành",
    "Liên Sơn",
    "Thạch Bình",
    "Thạch Lập",
    "Thanh Hóa",
    "Vân Du",
];
const TOPICS: &[&str] = &[
    "Đường liên thôn {p} đã được đổ bê tông, bà con đi lại thuận tiện hơn nhiều",
    "Lịch cắt điện thôn {p} từ 7h đến 11h sáng thứ Bảy, mọi người chú ý nhé",
    "Giá lúa vụ mùa ở {p} năm nay thế nào hả bà con? Thương lái trả {n}đ/kg",
    "Trạm Y tế xã tiêm chủng mở rộng cho trẻ em {p} vào sáng mai, mang theo sổ tiêm",
    "Cảnh giác: có người giả danh cán bộ thuế gọi điện cho bà con {p} yêu cầu chuyển tiền",
    "Hội Phụ nữ {p} tập huấn chuyển đổi số, cài ứng dụng VNeID cho hội viên",
    "Đoàn Thanh niên {p} ra quân dọn vệ sinh, trồng {n} cây xanh dọc đường",
    "Nước sinh hoạt ở {p} mấy hôm nay đục quá, đề nghị xã kiểm tra",
    "Chợ phiên {p} sáng nay đông vui, rau sạch giá rẻ",
    "Học sinh {p} được tặng {n} suất học bổng vượt khó",
    "Mưa lớn gây ngập cục bộ tuyến đường qua {p}, xe máy đi chậm",
    "Thông báo lịch tiếp công dân của Chủ tịch UBND xã tại {p}",
];
const SCAMS: &[&str] = &[
    "viec nhe luong cao {n}k/ngay, ib ngay hoac vao bit.ly/vieclam{n} nhe ae",
    "Chúc mừng bạn trúng thưởng xe SH, nhận quà tại https://qua-tang-{n}.vn trước 24h",
    "Vay tiền online không cần thế chấp, giải ngân trong 5 phút, LH 09{n}",
];
const TAILS: &[&str] = &[
    "",
    " 😀",
    " 🌾🌾",
    " mn ơi",
    " ko biết có đúng ko",
    " nhé ae",
    " 👍",
    " !!!",
];

/// One community of the corpus: its link and platform.
pub fn community(i: u64) -> (String, &'static str) {
    match i % 5 {
        0 | 1 => (
            format!("https://facebook.com/groups/cong-dong-{i}"),
            "facebook",
        ),
        2 => (format!("https://facebook.com/trang.tin.{i}"), "facebook"),
        3 => (format!("https://tiktok.com/@kenh{i}"), "tiktok"),
        _ => (format!("https://t.me/nhom{i}"), "telegram"),
    }
}

/// Writes `posts` JSON lines. Times run over `months` months before 2026-12-01 (Vietnam time).
pub fn generate(
    seed: u64,
    posts: u64,
    communities: u64,
    months: u64,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    let end: i64 = 1_796_058_000; // 2026-12-01T00:00:00+07:00
    let span = (months.max(1) * 30 * 86_400) as i64;
    for k in 0..posts {
        let c = rng.below(communities.max(1));
        let (url, platform) = community(c);
        let template = if rng.below(20) == 0 {
            rng.pick(SCAMS)
        } else {
            rng.pick(TOPICS)
        };
        let place = rng.pick(PLACES);
        let mut text = template
            .replace("{p}", place)
            .replace("{n}", &(rng.below(9000) + 100).to_string());
        let tail = rng.pick(TAILS);
        text.push_str(tail);
        // About a third of people type without diacritics.
        if rng.below(3) == 0 {
            text = text::fold(&text);
        }
        let at = chrono::DateTime::from_timestamp(end - 1 - rng.below(span as u64) as i64, 0)
            .unwrap_or_default()
            .with_timezone(&crate::posts::vietnam());
        let line = serde_json::json!({
            "id": format!("{platform}-{seed}-{k}"),
            "community_url": url,
            "platform": platform,
            "published_at": at.to_rfc3339(),
            "text": text,
            "author": format!("user{}", rng.below(posts / 4 + 10)),
            "reactions": rng.below(500),
            "comments": rng.below(80),
            "shares": rng.below(40),
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_seed_same_corpus() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        super::generate(7, 50, 10, 3, &mut a).unwrap();
        super::generate(7, 50, 10, 3, &mut b).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        super::generate(8, 50, 10, 3, &mut c).unwrap();
        assert_ne!(a, c);
        assert_eq!(a.iter().filter(|b| **b == b'\n').count(), 50);
        let first: serde_json::Value =
            serde_json::from_slice(a.split(|b| *b == b'\n').next().unwrap()).unwrap();
        assert!(first["published_at"].as_str().unwrap().ends_with("+07:00"));
    }
}
