//! Extraction, written from real Vietnamese: the directive's own sentences and the kinds of posts
//! the officers see. Each case lists every entity expected, in order, as `kind text -> normalized`.

use expect_test::{Expect, expect};

fn check(input: &str, expected: Expect) {
    let got: Vec<String> = text::extract(input)
        .iter()
        .map(|e| {
            assert_eq!(&input[e.start..e.end], e.text, "span and text agree");
            format!("{:?} {} -> {}", e.kind, e.text, e.normalized)
        })
        .collect();
    expected.assert_eq(&got.join("\n"));
}

#[test]
fn document_numbers_from_the_directive() {
    check("Số 181-CV/ĐU", expect!["DocNumber 181-CV/ĐU -> 181-CV/ĐU"]);
    check(
        "Thực hiện Chỉ thị số 04-CT/TU, ngày 11/02/2026 của Ban Thường vụ tỉnh ủy Thanh Hóa",
        expect!["DocNumber 04-CT/TU -> 04-CT/TU"],
    );
    check(
        "Quy định số 85-QĐ/TW ngày 07/10/2022; Quyết định số 874/QĐ-BTTTT ngày 17/6/2021; Nghị định 30/2020/NĐ-CP",
        expect![[r#"
            DocNumber 85-QĐ/TW -> 85-QĐ/TW
            DocNumber 874/QĐ-BTTTT -> 874/QĐ-BTTTT
            DocNumber 30/2020/NĐ-CP -> 30/2020/NĐ-CP"#]],
    );
    check("ngày 25 tháng 02 năm 2026, lúc 12-30", expect![""]);
}

#[test]
fn phones_in_every_spelling() {
    check(
        "LH 0912345678, 0912.345.678 hoặc 0912 345 678; +84 912 345 678; 84912345678; bàn 0237 3812 345",
        expect![[r#"
            Phone 0912345678 -> +84912345678
            Phone 0912.345.678 -> +84912345678
            Phone 0912 345 678 -> +84912345678
            Phone +84 912 345 678 -> +84912345678
            Phone 84912345678 -> +84912345678
            Phone 0237 3812 345 -> +842373812345"#]],
    );
    // 01x is not a mobile prefix any more; amounts and codes are not phones.
    check(
        "mã 0112345678, giá 50k, 1.234.567 đồng, SP0912345678",
        expect![""],
    );
}

#[test]
fn citizen_ids_bank_accounts_and_emails() {
    check(
        "CCCD 038095001234 cấp ngày 01/01/2021; số sai 999095001234 và 038595001234",
        expect!["CitizenId 038095001234 -> 038095001234"],
    );
    check(
        "Chuyển khoản vào STK 1903 6789 0123 Techcombank hoặc Vietcombank 0071000123456, email hotro.vcb@gmail.com",
        expect![[r#"
            BankAccount 1903 6789 0123 -> 190367890123
            BankAccount 0071000123456 -> 0071000123456
            Email hotro.vcb@gmail.com -> hotro.vcb@gmail.com"#]],
    );
    // A fee beside an account is a sum of money, not a second account; a number right after
    // "Zalo" is a phone even where an account is spoken of.
    check(
        "Vui lòng chuyển khoản phí nhận thưởng 500.000 đồng vào tài khoản 0123456789, phí 1.500.000đ. Liên hệ Zalo 0912 345 678",
        expect![[r#"
            BankAccount 0123456789 -> 0123456789
            Phone 0912 345 678 -> +84912345678"#]],
    );
}

#[test]
fn links_with_and_without_scheme() {
    check(
        "Nhận quà tại:https://qua-tang.vn/nhan?id=1. Hoặc vào bit.ly/nhanqua2026ngay, www.Vietcombank-hotro.com nhé",
        expect![[r#"
            Url https://qua-tang.vn/nhan?id=1 -> https://qua-tang.vn/nhan?id=1
            Url bit.ly/nhanqua2026ngay -> https://bit.ly/nhanqua2026ngay
            Url www.Vietcombank-hotro.com -> https://www.vietcombank-hotro.com"#]],
    );
    check(
        "Xem tại👉thachquang.thanhhoa.gov.vn/tin-tuc để biết, truy cậphttps://Abc.VN/X ngay",
        expect![[r#"
            Url thachquang.thanhhoa.gov.vn/tin-tuc -> https://thachquang.thanhhoa.gov.vn/tin-tuc
            Url https://Abc.VN/X -> https://abc.vn/X"#]],
    );
    check(
        "TP.HCM, v.v. và 1.234 người; javascript:alert(1)",
        expect![""],
    );
}

#[test]
fn markings_in_capitals_with_or_without_diacritics() {
    check(
        "MẬT - TỐI MẬT - TUYỆT MẬT - KHẨN; TAI LIEU LUU HANH NOI BO; tài liệu mật (thường) không tính; HOẢ TỐC",
        expect![[r#"
            Marking MẬT -> MẬT
            Marking TỐI MẬT -> TỐI MẬT
            Marking TUYỆT MẬT -> TUYỆT MẬT
            Marking KHẨN -> KHẨN
            Marking LUU HANH NOI BO -> LƯU HÀNH NỘI BỘ
            Marking HOẢ TỐC -> HỎA TỐC"#]],
    );
}

#[test]
fn cccd_codes_cover_the_2025_provinces() {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/vn-admin-units-2025.csv"
    ))
    .or_else(|_| {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../domain/data/vn-admin-units-2025.csv"
        ))
    })
    .expect("admin units csv");
    let mut codes = std::collections::BTreeSet::new();
    for line in csv.lines().skip(1) {
        let code: u16 = line.split(',').next().unwrap().parse().unwrap();
        codes.insert(code);
    }
    assert_eq!(codes.len(), 34);
    for c in codes {
        assert!(text::CCCD_PROVINCE_CODES.contains(&c), "province {c}");
    }
}
