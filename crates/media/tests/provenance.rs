//! Provenance on files made for the purpose (`fixtures/provenance/`): a PNG signed with a C2PA
//! manifest declaring `trainedAlgorithmicMedia` (made by `examples/c2pa_sign.rs`), a PNG with
//! Stable Diffusion's `parameters` chunk, a JPEG whose EXIF and XMP name Adobe Firefly and an
//! IPTC composite-with-AI source type, a camera JPEG, and a WebP with no metadata at all.

use media::provenance::inspect;
use std::path::PathBuf;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/provenance")
            .join(name),
    )
    .unwrap()
}

#[test]
fn a_c2pa_declaration_of_generative_ai_is_reported_with_its_signature() {
    let p = inspect(&read("c2pa-ai-generated.png")).unwrap();
    let c = p.c2pa.as_ref().expect("the manifest is found");
    if cfg!(feature = "c2pa") {
        assert_eq!(p.verdict, "ai_declared");
        assert!(c.read);
        assert_eq!(
            c.claim_generator.as_deref(),
            Some("Test AI image generator")
        );
        assert_eq!(c.actions, ["c2pa.created"]);
        assert_eq!(
            c.digital_source_types,
            ["http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"]
        );
        assert_eq!(
            (c.signature_valid, c.trusted_signer),
            (Some(true), Some(false))
        );
        assert!(
            c.validation_issues
                .contains(&"signingCredential.untrusted".to_owned())
        );
        let i = p.indicators.iter().find(|i| i.ai).unwrap();
        assert!(
            i.meaning.contains("do AI tạo sinh tạo ra hoàn toàn"),
            "{}",
            i.meaning
        );
        assert!(
            i.meaning
                .contains("người ký chưa nằm trong danh sách tin cậy"),
            "{}",
            i.meaning
        );
        assert!(p.summary.contains("chữ ký hợp lệ"), "{}", p.summary);
    } else {
        // Without the reader only the manifest's presence is known, and said.
        assert!(!c.read);
        assert_eq!(p.verdict, "other_declared");
        assert!(p.indicators[0].meaning.contains("chưa đọc được"));
    }
}

#[test]
fn a_tampered_c2pa_file_is_not_called_valid() {
    if !cfg!(feature = "c2pa") {
        return;
    }
    let mut bytes = read("c2pa-ai-generated.png");
    // Change one pixel byte inside the last IDAT chunk's data: the hard binding no longer holds.
    let idat = bytes.windows(4).rposition(|w| w == b"IDAT").unwrap();
    bytes[idat + 40] ^= 0x55;
    let p = inspect(&bytes).unwrap();
    let c = p.c2pa.unwrap();
    assert_eq!(c.signature_valid, Some(false), "{:?}", c.validation_issues);
    assert!(
        p.indicators
            .iter()
            .any(|i| i.meaning.contains("KHÔNG hợp lệ"))
    );
}

#[test]
fn generator_parameters_in_png_text_are_traces_not_declarations() {
    let p = inspect(&read("png-sd-parameters.png")).unwrap();
    assert_eq!(p.verdict, "ai_metadata");
    assert_eq!(p.metadata[0].key, "parameters");
    assert!(
        p.indicators[0]
            .evidence
            .starts_with("parameters: poster of a bank promotion")
    );
    assert!(p.summary.contains("không chứng minh"), "{}", p.summary);
}

#[test]
fn exif_and_xmp_name_the_tool_and_the_source_type() {
    let p = inspect(&read("jpeg-firefly-xmp.jpg")).unwrap();
    assert_eq!(p.verdict, "ai_declared");
    let keys: Vec<(&str, &str)> = p
        .metadata
        .iter()
        .map(|f| (f.source.as_str(), f.key.as_str()))
        .collect();
    assert!(keys.contains(&("exif", "Software")), "{keys:?}");
    assert!(keys.contains(&("xmp", "DigitalSourceType")), "{keys:?}");
    assert!(keys.contains(&("xmp", "CreatorTool")), "{keys:?}");
    assert!(
        p.indicators
            .iter()
            .any(|i| i.evidence == "DigitalSourceType compositeWithTrainedAlgorithmicMedia")
    );
    assert!(p.indicators.iter().any(|i| i.meaning.contains("firefly")));
}

#[test]
fn a_camera_picture_and_a_bare_one_claim_nothing() {
    let p = inspect(&read("jpeg-camera.jpg")).unwrap();
    assert_eq!(p.verdict, "none_found");
    assert_eq!(
        p.metadata
            .iter()
            .map(|f| f.value.as_str())
            .collect::<Vec<_>>(),
        ["Canon", "Canon EOS 80D"]
    );
    let p = inspect(&read("plain.webp")).unwrap();
    assert_eq!(
        (p.verdict, p.metadata.len(), p.indicators.len()),
        ("none_found", 0, 0)
    );
    assert!(
        p.summary
            .contains("không có dấu hiệu không chứng minh ảnh là thật"),
        "{}",
        p.summary
    );
}

#[test]
fn what_is_not_a_picture_is_refused() {
    assert!(matches!(
        inspect(b"%PDF-1.7 not an image"),
        Err(media::MediaError::NotAnImage)
    ));
}
