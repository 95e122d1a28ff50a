//! Same pixels in, same hash out: `pdqhash` (PyPI 0.2.8, Meta's C++ PDQ behind Python) hashed the
//! lossless images in `fixtures/pdqhash/` (made by `make.py` there from a reference picture:
//! resized, cropped, flipped, rotated, grey, a synthetic poster, lossless WebP, a GIF) on the
//! pixels PIL decodes; sokenh decodes the same files with its own decoders and must give every
//! bit and the quality.

use media::pdq::{self, Hash256, MATCH_DISTANCE};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdqhash")
}

fn expected() -> Vec<(String, (u32, u32), Hash256, u8)> {
    let text = std::fs::read_to_string(fixtures().join("expected.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[0].to_owned(),
                (f[1].parse().unwrap(), f[2].parse().unwrap()),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_bit_and_the_quality_equal_pdqhash() {
    let expected = expected();
    assert_eq!(expected.len(), 11);
    for (file, (w, h), hash, quality) in expected {
        let image = media::decode(&std::fs::read(fixtures().join(&file)).unwrap()).unwrap();
        assert_eq!((image.width(), image.height()), (w, h), "{file}");
        let rgb = image.to_rgb8();
        let got = pdq::hash_rgb(w as usize, h as usize, rgb.as_raw());
        assert_eq!(got.hash.to_hex(), hash.to_hex(), "{file}: bits differ");
        assert_eq!(got.quality, quality, "{file}: quality differs");
    }
}

#[test]
fn transformations_that_keep_the_picture_still_match() {
    let hash = |file: &str| media::hash_file(&fixtures().join(file)).unwrap().hash;
    let base = hash("base.png");
    for same in [
        "base.webp",
        "grey.png",
        "resized-200.png",
        "resized-540.png",
    ] {
        let d = base.distance(&hash(same));
        assert!(d <= MATCH_DISTANCE, "{same}: distance {d}");
    }
    assert_eq!(hash("poster.png"), hash("poster.gif"));
    // PDQ is not made to survive mirror images or another picture.
    for other in ["flipped.png", "rotated-90.png", "poster.png"] {
        let d = base.distance(&hash(other));
        assert!(d > MATCH_DISTANCE, "{other}: distance {d}");
    }
}
