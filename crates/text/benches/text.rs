//! Throughput of the text layer on a generated, real-looking corpus (see `corpus`).
//! Run: `cargo bench -p text --bench text`.

use divan::counter::BytesCount;

fn main() {
    divan::main();
}

fn corpus() -> &'static str {
    static C: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    C.get_or_init(|| text_bench_corpus(4 << 20))
}

/// About `size` bytes of posts: with and without diacritics, teencode, emoji, links, phones.
fn text_bench_corpus(size: usize) -> String {
    const LINES: &[&str] = &[
        "Công an xã Thạch Quảng thông báo: cảnh giác với thủ đoạn giả danh cán bộ thuế gọi điện yêu cầu chuyển tiền.",
        "Mn ơi cho e hỏi đường vào Ủy ban nhân dân xã đi lối nào ạ, ko thấy biển chỉ dẫn 😀",
        "Hoà Bình, Khánh Hoà, Thanh Hoá: lịch tiếp công dân tuần này, LH 0912.345.678 để biết thêm chi tiết.",
        "viec nhe luong cao, thu nhap 500k/ngay, ib ngay hoac vao bit.ly/viec-lam-2026 nhe ae",
        "Hội Phụ nữ xã tổ chức tập huấn chuyển đổi số cho hội viên tại nhà văn hóa thôn 3.",
        "Ngày 25 tháng 02 năm 2026, Đảng ủy xã ban hành Công văn số 181-CV/ĐU về quản lý trang, kênh, hội, nhóm.",
        "Chúc mừng bạn đã trúng thưởng xe máy! Nhận quà tại https://qua-tang-tri-an.vn/nhan?id=12345 trước 24h.",
        "Đoàn Thanh niên ra quân dọn vệ sinh môi trường, trồng cây xanh dọc tuyến đường liên xã.",
    ];
    let mut s = String::with_capacity(size + 256);
    let mut i = 0;
    while s.len() < size {
        s.push_str(LINES[i % LINES.len()]);
        s.push('\n');
        i += 1;
    }
    s
}

#[divan::bench]
fn canonical_folded_tokens(bencher: divan::Bencher) {
    let c = corpus();
    let mut canon = String::new();
    let mut scratch = String::new();
    bencher.counter(BytesCount::new(c.len())).bench_local(|| {
        let mut n = 0usize;
        for line in c.lines() {
            canon.clear();
            text::canonical_into(line, &mut canon);
            text::for_each_folded_syllable(&canon, &mut scratch, |_| n += 1);
        }
        n
    });
}

#[divan::bench]
fn canonical_only(bencher: divan::Bencher) {
    let c = corpus();
    let mut canon = String::new();
    bencher.counter(BytesCount::new(c.len())).bench_local(|| {
        canon.clear();
        text::canonical_into(c, &mut canon);
        canon.len()
    });
}

#[divan::bench]
fn fold_only(bencher: divan::Bencher) {
    let c = corpus();
    let mut out = String::new();
    bencher.counter(BytesCount::new(c.len())).bench_local(|| {
        out.clear();
        text::fold_into(c, &mut out);
        out.len()
    });
}

#[divan::bench]
fn extraction(bencher: divan::Bencher) {
    let c = corpus();
    bencher
        .counter(BytesCount::new(c.len()))
        .bench_local(|| text::extract(c).len());
}
