//! OCR through Debian's tesseract (feature `ocr`; `.ci/run` installs `tesseract-ocr` and
//! `tesseract-ocr-vie`). The poster was drawn for the test with DejaVu Sans: a prize scam.
#![cfg(feature = "ocr")]

#[test]
fn a_scam_poster_is_read_in_vietnamese() {
    assert!(
        media::ocr::available(),
        "tesseract with Vietnamese must be installed (.ci/run does)"
    );
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ocr/scam-poster.png"
    ))
    .unwrap();
    let text = media::ocr::image_text(&bytes).unwrap();
    assert_eq!(
        text,
        "THÔNG BÁO TRÚNG THƯỞNG\n\
         Chúc mừng quý khách đã trúng thưởng xe máy.\n\
         Vui lòng chuyển khoản phí nhận thưởng 500.000 đồng\n\
         vào tài khoản 0123456789 Ngân hàng ABC.\n\
         Liên hệ Zalo 0912 345 678 để nhận quà."
    );
}

#[test]
fn what_is_not_a_picture_never_reaches_tesseract() {
    assert!(matches!(
        media::ocr::image_text(b"hello"),
        Err(media::ocr::OcrError::Media(media::MediaError::NotAnImage))
    ));
}
