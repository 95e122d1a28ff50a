//! Detection as an officer meets it: for every scam script on the national list, every trick
//! of writing, warnings, folding, look-alike links and Party document symbols, one post that
//! must be flagged and one look-alike post that must not. The texts are written for these tests
//! (not taken from the evaluation corpus); names, numbers and links are made up.

use std::collections::BTreeSet;

fn engine() -> &'static detect::Engine {
    static E: std::sync::OnceLock<detect::Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| detect::Engine::with_defaults().expect("default packs"))
}

/// The categories an alert would be raised for.
fn flags(text: &str) -> BTreeSet<&'static str> {
    engine()
        .screen(text)
        .into_iter()
        .filter(|s| !s.shadow && s.score >= detect::alerts::ALERT_THRESHOLD)
        .map(|s| s.category.as_str())
        .collect()
}

#[track_caller]
fn check(text: &str, expected: &[&str]) {
    let want: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(flags(text), want, "{text}");
}

/// (script, a post that runs it, a post about the same things that does not)
const SCRIPTS: &[(&str, &str, &str)] = &[
    (
        "công an, viện kiểm sát, tòa án",
        "Tôi là điều tra viên Công an tỉnh, tài khoản của chị liên quan đường dây rửa tiền, chị chuyển toàn bộ số dư sang tài khoản tạm giữ để xác minh",
        "Công an tỉnh cho biết kẻ gian giả danh điều tra viên gọi điện đòi chuyển tiền sang tài khoản tạm giữ, người dân không làm theo",
    ),
    (
        "thuế",
        "Cục Thuế thông báo: cá nhân chưa quyết toán thuế TNCN sẽ bị phạt, tải ứng dụng hoàn thuế tại etax-hoanthue.online để hoàn tiền",
        "Cán bộ thuế xã hướng dẫn hộ kinh doanh quyết toán thuế tại nhà văn hóa thôn vào sáng thứ Hai",
    ),
    (
        "điện",
        "Điện lực báo: hộ nhà chị chậm đóng tiền điện, tối nay cắt điện, chuyển khoản ngay 780k để được đóng điện lại",
        "Lịch cắt điện để bảo dưỡng trạm biến áp thôn Đông từ 7h đến 11h Chủ nhật",
    ),
    (
        "nước",
        "Công ty nước sạch: hóa đơn của quý khách quá hạn, thanh toán qua đường link nuocsach-thanhtoan.xyz trước 17h kẻo bị ngừng cấp nước",
        "Nhà máy nước thông báo tạm ngừng cấp nước thôn Bắc để sửa đường ống, bà con chủ động trữ nước",
    ),
    (
        "bảo hiểm xã hội, VssID",
        "BHXH huyện: bà được rút bảo hiểm một lần 18 triệu, cài ứng dụng VssID bản mới tại bhxh-vn.top và nhập mã xác nhận",
        "Bảo hiểm xã hội huyện hướng dẫn cài VssID từ kho ứng dụng, không qua đường link lạ",
    ),
    (
        "VNeID định danh mức 2, tệp apk",
        "Anh chị chưa định danh mức 2 sẽ bị khóa VNeID, tải bản cập nhật vneid-v2.apk về máy để kích hoạt lại",
        "Mình vừa lên công an xã làm định danh mức 2, các anh hướng dẫn nhanh lắm, không mất đồng nào",
    ),
    (
        "người nhà cấp cứu",
        "Cô ơi cháu ở bệnh viện huyện, chú nhà mình bị tai nạn đang cấp cứu, cô chuyển gấp 15 triệu vào số tài khoản này để mổ",
        "Chú Tư thôn trên bị tai nạn đang cấp cứu ở bệnh viện huyện, mọi người cầu mong chú qua khỏi",
    ),
    (
        "bưu phẩm, COD",
        "Bưu cục báo kiện hàng của anh bị giữ ở hải quan, đóng phí thông quan 1,2 triệu vào số tài khoản nhân viên để nhận hàng",
        "Bưu điện xã nhận gửi hàng Tết đến hết ngày 25 tháng Chạp, bà con gửi sớm kẻo trễ",
    ),
    (
        "làm nhiệm vụ, đơn ảo",
        "Làm nhiệm vụ online, nạp 300k nhận về 390k, đơn càng lớn hoa hồng càng cao, ib mình vào nhóm",
        "Bà con đừng tham gia làm nhiệm vụ nạp tiền hưởng hoa hồng, đó là thủ đoạn lừa đảo",
    ),
    (
        "thả tim, đánh giá",
        "Tuyển người thả tim video TikTok, mỗi lượt 10k, nạp 200k kích hoạt tài khoản nhận nhiệm vụ",
        "Con bé nhà tôi xem video TikTok thả tim suốt ngày, nói mãi không nghe",
    ),
    (
        "vay phí trước",
        "Vay nhanh 30 triệu không cần thẩm định, hồ sơ đã duyệt, đóng phí bảo hiểm khoản vay 1,5 triệu là giải ngân",
        "Ngân hàng Chính sách xã hội giải ngân vốn vay hộ nghèo tại điểm giao dịch xã ngày 12",
    ),
    (
        "trúng thưởng, quà",
        "Chúc mừng quý khách trúng thưởng tivi 55 inch, nộp phí vận chuyển 450k để được giao quà tận nhà",
        "Kết quả bốc thăm trúng thưởng hội chợ xuân: giải nhất thuộc về bác Hai thôn Đoài",
    ),
    (
        "lấy lại tài khoản",
        "Nhận lấy lại nick Facebook bị khóa, bị hack, mở khóa 100%, uy tín, nhắn mình ngay",
        "Nick Facebook của tôi bị hack rồi, ai nhận được tin nhắn vay tiền từ nick đó thì đừng chuyển nhé",
    ),
    (
        "từ thiện giả",
        "Xin mọi người giúp em bé bị bỏng nặng, ai ủng hộ chuyển khoản vào tài khoản cá nhân của mình, mình sẽ chuyển lại cho gia đình",
        "Hội Chữ thập đỏ xã tiếp nhận ủng hộ em bé bị bỏng qua tài khoản của Hội, công khai sao kê",
    ),
    (
        "đầu tư, tiền ảo, ngoại hối, vàng",
        "Đầu tư vàng online cùng chuyên gia, lợi nhuận 30% mỗi tháng, cam kết không lỗ, vào nhóm zalo để được kèm",
        "Giá vàng hôm nay lại tăng, nhà ai định mua vàng cưới thì cân nhắc",
    ),
    (
        "tin nhắn thương hiệu ngân hàng, ví",
        "[MB Bank] Tài khoản của quý khách bị tạm khóa do chưa xác thực sinh trắc học, truy cập mbbank-xacthuc.com để mở khóa",
        "Ngân hàng yêu cầu cập nhật sinh trắc học tại quầy hoặc trên ứng dụng chính thức, bà con mang căn cước theo",
    ),
    (
        "hoàn tiền khóa học",
        "Bộ phận kế toán trung tâm tiếng Anh xin hoàn tiền khóa học cho chị, chị đọc giúp mã OTP vừa gửi để nhận lại tiền",
        "Trung tâm tiếng Anh ở huyện mở khóa học hè cho trẻ, học phí niêm yết tại trung tâm",
    ),
    (
        "vé máy bay",
        "Vé máy bay Tết giá rẻ chỉ 690k khứ hồi, chuyển khoản giữ chỗ trước, hết chỗ không hoàn",
        "Con về quê ăn Tết đã mua vé máy bay trên web của hãng, mẹ yên tâm",
    ),
    (
        "tình cảm, quà từ nước ngoài",
        "Anh là bác sĩ quân y Mỹ, anh gửi em thùng quà có trang sức và tiền đô, em đóng phí hải quan giúp anh để nhận",
        "Con gái tôi lấy chồng người Mỹ, tết này hai vợ chồng về thăm nhà",
    ),
    (
        "giấy tờ, bằng cấp giả",
        "Nhận làm bằng lái xe B2 không cần thi, có hồ sơ gốc, bao đậu, ib zalo",
        "Trung tâm sát hạch lái xe tỉnh tổ chức thi bằng lái xe B2 vào thứ Bảy",
    ),
    (
        "gọi video giả mạo, mượn tiền",
        "Vừa gọi video thấy mặt anh rồi đó, em chuyển gấp cho anh 10 triệu, anh đang kẹt ở sân bay, tối trả",
        "Tối qua gọi video với con ở Nhật, thấy cháu khỏe mạnh là mừng rồi",
    ),
    (
        "học bổng, du học",
        "Học bổng du học Hàn Quốc 100%, đóng phí hồ sơ 5 triệu trước để được xét duyệt trong tuần",
        "Nhà trường xét học bổng cho học sinh nghèo vượt khó, danh sách niêm yết tại bảng tin",
    ),
    (
        "cộng tác viên thương mại điện tử",
        "Shopee tuyển cộng tác viên xử lý đơn hàng tại nhà, không cần vốn, đặt cọc kho hàng 500k để nhận việc",
        "Em bán hàng trên Shopee được hai năm, tháng này đơn Tết nhiều quá",
    ),
];

#[test]
fn every_script_is_caught_and_talk_about_it_is_not() {
    let mut failures = Vec::new();
    for (script, scam, not_scam) in SCRIPTS {
        if !flags(scam).contains("scam") {
            failures.push(format!("{script}: missed «{scam}»"));
        }
        if !flags(not_scam).is_empty() {
            failures.push(format!(
                "{script}: flagged {:?} «{not_scam}»",
                flags(not_scam)
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn tricks_of_writing_do_not_hide_a_scam() {
    for (trick, text) in [
        (
            "không dấu",
            "viec nhe luong cao, lam nhiem vu nap tien nhan hoa hong, ib minh",
        ),
        (
            "teencode",
            "ae ib e nhận nv, nạp 200k làm nhiệm vụ, hoa hồng 30% nha mn",
        ),
        (
            "emoji giữa chữ",
            "Việc 💰 nhẹ 🔥 lương 💯 cao, làm 👉 nhiệm vụ nạp tiền hưởng hoa hồng",
        ),
        (
            "chữ in đậm toán học",
            "𝐕𝐈𝐄̣̂𝐂 𝐍𝐇𝐄̣ 𝐋𝐔̛𝐎̛𝐍𝐆 𝐂𝐀𝐎, làm nhiệm vụ nạp tiền nhận hoa hồng",
        ),
        (
            "chữ cách bằng dấu chấm",
            "Làm n.h.i.ệ.m v.ụ online, nạp tiền nhận hoa hồng 20%",
        ),
        (
            "chữ cách bằng dấu cách",
            "Làm n h i ệ m vụ online, nạp tiền nhận h o a h ồ n g 20%",
        ),
        (
            "ký tự vô hình",
            "Làm nhi\u{200B}ệm v\u{200B}ụ online, nạp tiền nhận hoa h\u{200C}ồng",
        ),
        (
            "số điện thoại từng chữ số",
            "Vay không thế chấp, chỉ cần căn cước, gọi 0 9 1 2 3 4 5 6 7 8",
        ),
        (
            "số điện thoại có dấu chấm",
            "Vay không thế chấp, chỉ cần căn cước, gọi 0912.345.678",
        ),
        (
            "đường link có scheme",
            "Tài khoản VNeID sắp bị khóa, cập nhật tại https://vneid-capnhat.online ngay",
        ),
        (
            "đường link không scheme",
            "Tài khoản VNeID sắp bị khóa, cập nhật tại vneid-capnhat.online ngay",
        ),
    ] {
        assert!(flags(text).contains("scam"), "{trick}: {text}");
    }
    // The same tricks on an ordinary post change nothing.
    for text in [
        "𝐂𝐡𝐮́𝐜 𝐦𝐮̛̀𝐧𝐠 đội bóng thôn Đông vô địch giải xã",
        "C.h.ú.c mừng các cháu thi đỗ, cả xóm vui lây",
        "Mn ơi mai họp thôn lúc 8h nha, ae nhớ đi đủ",
        "Nhà văn hóa 🏠 thôn mới sơn lại 🎉 đẹp quá",
        "Liên hệ trưởng thôn số 0 9 1 2 3 4 5 6 7 8 khi cần",
    ] {
        check(text, &[]);
    }
}

#[test]
fn a_warning_is_not_a_scam_and_says_why() {
    for text in [
        "CẢNH BÁO: đối tượng giả danh công an gọi điện yêu cầu chuyển tiền vào tài khoản tạm giữ",
        "Công an không bao giờ yêu cầu người dân cung cấp mã OTP qua điện thoại",
        "Triệt phá đường dây lừa đảo việc nhẹ lương cao, bắt giữ 7 đối tượng",
        "Thủ đoạn mới: gửi tin nhắn trúng thưởng, yêu cầu nộp phí nhận quà",
        "Tuyệt đối không bấm vào đường link lạ, không cài ứng dụng ngoài kho chính thức",
    ] {
        check(text, &[]);
    }
    let mut held = Vec::new();
    let text = "Cảnh giác: kẻ gian xưng là nhân viên điện lực, báo nợ tiền điện rồi yêu cầu chuyển khoản ngay";
    let signals = engine().screen_explained(text, Some(&mut held));
    assert!(
        signals
            .iter()
            .all(|s| s.score < detect::alerts::ALERT_THRESHOLD || s.shadow)
    );
    let why = held
        .iter()
        .find(|h| h.rule == "scam.pretext_demand")
        .expect("the script's rule is held back, with the reason");
    assert!(
        why.explanation.starts_with("Không gắn cờ"),
        "{}",
        why.explanation
    );
    assert!(
        why.explanation.contains("«Cảnh giác»"),
        "{}",
        why.explanation
    );
    assert!(why.explanation.contains("«nợ tiền»"), "{}", why.explanation);
}

#[test]
fn folding_does_not_turn_everyday_words_into_hits() {
    check("Cho nó ăn cơm rồi cho nó đi ngủ", &[]);
    check(
        "Mày mà không trả tiền thì tao cho nổ tung nhà mày",
        &["threat"],
    );
    check("Mật ong rừng nguyên chất, ai mua ib", &[]);
    check("MẬT ONG RỪNG NGUYÊN CHẤT, AI MUA IB", &[]);
    check("Quên mật khẩu Zalo thì làm sao lấy lại ạ", &[]);
    check("Bí mật của nồi nước dùng là xương ống hầm kỹ", &[]);
    check("Quán cơm bà Tư ngon lắm, ai ghé thì ăn thử", &[]);
    check(
        "Lại mất điện rồi, biên lai tiền điện tháng trước còn chưa nhận",
        &[],
    );
    check(
        "Ảnh chụp công văn (Mật) của huyện về phương án nhân sự, mọi người xem",
        &["secret_leak"],
    );
}

#[test]
fn threats_need_intent() {
    for text in [
        "Tao biết nhà mày rồi, tối nay tao cho người xuống đánh gãy chân",
        "Thằng kia liệu hồn, tao sẽ tạt axit vào mặt vợ mày",
        "Không trả đất thì tao đốt nhà cả họ nhà mày",
        "tao se giet ca nha may neu con dang bai",
    ] {
        check(text, &["threat"]);
    }
    for text in [
        "Bị cáo đâm chết người vì mâu thuẫn đã nhận 20 năm tù",
        "Trận này đội mình giết chết thế trận của đối thủ",
        "Đánh chết cái nết không chừa, con mèo lại ăn vụng",
        "Diễn tập phòng cháy tình huống đốt nhà kho",
    ] {
        check(text, &[]);
    }
}

#[test]
fn lookalike_links_with_combined_tricks() {
    for (text, expected) in [
        (
            "Xác thực tài khoản tại vietcombank.com.vn-hotro.top",
            &["scam"][..],
        ),
        ("Đăng nhập vcb-digibank.vn.com để nhận tiền", &["scam"]),
        ("Nhận quà tại https://xn--vietcmbank-ivi.com", &["scam"]),
        (
            "Đồng bộ căn cước tại dichvucong.gov.vn.xacthuc.top",
            &["impersonation", "scam"],
        ),
        (
            "Cập nhật bảo hiểm tại bhxh-vssid.net",
            &["impersonation", "scam"],
        ),
    ] {
        check(text, expected);
    }
    for text in [
        "Nộp hồ sơ trực tuyến tại https://dichvucong.gov.vn",
        "Tra cứu hóa đơn điện tại cskh.evn.com.vn",
        "Thông tin của xã trên thachquang.thanhhoa.gov.vn",
        "Mua sắm trên shopee.vn hôm nay giảm giá",
    ] {
        check(text, &[]);
    }
}

#[test]
fn party_document_symbol_families() {
    let kinds = [
        "CV", "TB", "BC", "KH", "QĐ", "NQ", "CT", "KL", "TTr", "HD", "QC",
    ];
    let issuers = ["ĐU", "TU", "HU", "QU", "ThU", "UBKT", "BTG", "BDV", "BTC"];
    for (i, kind) in kinds.iter().enumerate() {
        let issuer = issuers[i % issuers.len()];
        let symbol = format!("{}-{kind}/{issuer}", 10 + i);
        assert!(detect::entities::is_party_symbol(&symbol), "{symbol}");
        check(
            &format!("Rò rỉ ảnh chụp văn bản số {symbol}, ai cần bản đầy đủ nhắn mình"),
            &["secret_leak"],
        );
        check(
            &format!("Thực hiện văn bản số {symbol}, chi bộ tổ chức học tập vào tối thứ Sáu"),
            &[],
        );
    }
    for issuer in issuers {
        assert!(
            detect::entities::is_party_symbol(&format!("7-CV/{issuer}")),
            "{issuer}"
        );
    }
    assert!(
        !detect::entities::is_party_symbol("15-QĐ/UBND"),
        "a People's Committee decision is public"
    );
}

#[test]
fn personal_data_lists_and_what_is_not() {
    check(
        "Nguyễn Văn An 038090012345 0912345678\nLê Thị Bình 040185012346 0987654321",
        &["personal_data"],
    );
    check(
        "Danh sách nhận hỗ trợ: Trần Văn Cường stk 1903456789012 Techcombank; Phạm Thị Dung stk 0451000123456 Vietcombank",
        &["personal_data"],
    );
    check(
        "Số điện thoại đường dây nóng: Trưởng Công an xã 0912345678, Chủ tịch UBND 0987654321, Trạm y tế 0369123456",
        &[],
    );
    check(
        "Thôn đề nghị các hộ đăng ký số điện thoại với trưởng thôn để nhận tin báo bão",
        &[],
    );
}

/// Random texts made of the pieces tricks are made of (styled letters, invisible characters,
/// dots, spaces, combining marks, digits, Vietnamese words): screening never panics, and every
/// piece of evidence is a span of the text as written.
#[test]
fn evidence_always_points_into_the_text_as_written() {
    const PIECES: &[&str] = &[
        "𝐕",
        "𝐈",
        "𝐄",
        "\u{0323}",
        "\u{0302}",
        "ｖ",
        "\u{200B}",
        "\u{FEFF}",
        ".",
        " ",
        "  ",
        "-",
        "a",
        "ệ",
        "đ",
        "0",
        "9",
        "12",
        "0912.345.678",
        "038095001234",
        "CCCD",
        "stk",
        "chuyển khoản",
        "công an",
        "mã OTP",
        "nhiệm vụ",
        "n.h.i.ệ.m",
        "v i ệ c",
        "https://",
        "vcb-hotro.com",
        "(Mật)",
        "125-CV/ĐU",
        "tao",
        "mày",
        "giết",
        "cảnh báo",
        "🔥",
        "\u{1D41A}",
        "Ⓐ",
        "\n",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let n = (next() % 24) as usize;
        let text: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        for s in engine().screen(&text) {
            for e in &s.evidence {
                assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
                assert!(
                    text.is_char_boundary(e.start) && text.is_char_boundary(e.end),
                    "{text:?}: {e:?}"
                );
            }
        }
    }
}
