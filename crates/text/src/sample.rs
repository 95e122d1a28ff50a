//! A deterministic, real-looking sample of Vietnamese posts for benchmarks and demos: with and
//! without diacritics, old- and new-style tone marks, teencode, emoji, links, phone numbers and
//! document numbers, as commune pages and groups see them. Pure: the same size gives the same text.

const LINES: &[&str] = &[
    "Công an xã Thạch Quảng thông báo: cảnh giác với thủ đoạn giả danh cán bộ thuế gọi điện yêu cầu chuyển tiền.",
    "Mn ơi cho e hỏi đường vào Ủy ban nhân dân xã đi lối nào ạ, ko thấy biển chỉ dẫn 😀",
    "Hoà Bình, Khánh Hoà, Thanh Hoá: lịch tiếp công dân tuần này, LH 0912.345.678 để biết thêm chi tiết.",
    "viec nhe luong cao, thu nhap 500k/ngay, ib ngay hoac vao bit.ly/viec-lam-2026 nhe ae",
    "Hội Phụ nữ xã tổ chức tập huấn chuyển đổi số cho hội viên tại nhà văn hóa thôn Đồng Tâm.",
    "Ngày 25 tháng 02 năm 2026, Đảng ủy xã ban hành Công văn số 181-CV/ĐU về quản lý trang, kênh, hội, nhóm.",
    "Chúc mừng bạn đã trúng thưởng xe máy! Nhận quà tại https://qua-tang-tri-an.vn/nhan?id=12345 trước 24h.",
    "Đoàn Thanh niên ra quân dọn vệ sinh môi trường, trồng cây xanh dọc tuyến đường liên xã.",
    "Giá lúa vụ mùa năm nay thế nào hả bà con? Nhà em được 2,5 tấn, thương lái trả 7.800đ/kg 🌾",
    "Thuỷ lợi nội đồng xuống cấp, đề nghị xã sớm nạo vét kênh mương trước mùa mưa bão.",
    "Trạm Y tế xã tiêm chủng mở rộng cho trẻ dưới 5 tuổi vào sáng thứ Bảy, mang theo sổ tiêm.",
    "dc bn oi, cho hoi thu tuc lam CCCD gan chip o dau vay, co can giay to j ko",
];

/// About `size` bytes of posts, one per line.
pub fn corpus(size: usize) -> String {
    let mut s = String::with_capacity(size + 256);
    let mut i: usize = 0;
    while s.len() < size {
        s.push_str(LINES[i % LINES.len()]);
        // A little variety so that lines are not all identical copies.
        s.push_str(&format!(" #{}", i.wrapping_mul(2_654_435_761) % 100_000));
        s.push('\n');
        i += 1;
    }
    s
}
