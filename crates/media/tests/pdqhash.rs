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

/// The eight hashes from one DCT: the picture's own is the plain hash, and the mirrored and the
/// rotated copies of the base picture (made by PIL, hashed as they are) are found among the base
/// picture's turned hashes — the right turn, and no other, within the match distance.
#[test]
fn mirrored_and_rotated_copies_match_one_of_the_turned_hashes() {
    use media::pdq::Dihedral;
    let decoded =
        |file: &str| media::decode(&std::fs::read(fixtures().join(file)).unwrap()).unwrap();
    let (plain, turned) = media::pdq_dihedral_of(&decoded("base.png"));
    assert_eq!(plain, media::pdq_of(&decoded("base.png")));
    assert_eq!(turned[0], plain.hash);
    for (file, turn) in [
        ("flipped.png", Dihedral::MirroredLeftRight),
        ("rotated-90.png", Dihedral::Rotated90),
    ] {
        let copy = media::pdq_of(&decoded(file)).hash;
        let distances: Vec<u32> = turned.iter().map(|h| h.distance(&copy)).collect();
        let at = Dihedral::ALL.iter().position(|t| *t == turn).unwrap();
        assert!(distances[at] <= MATCH_DISTANCE, "{file}: {distances:?}");
        for (k, d) in distances.iter().enumerate() {
            if k != at {
                assert!(
                    *d > MATCH_DISTANCE,
                    "{file} also near {:?}: {distances:?}",
                    Dihedral::ALL[k]
                );
            }
        }
    }
}

/// Each of the eight turns, made with the `image` crate, is found at its own place.
#[test]
fn every_turn_of_the_picture_is_found_at_its_place() {
    use media::pdq::Dihedral;
    let base = media::decode(&std::fs::read(fixtures().join("base.png")).unwrap()).unwrap();
    let (_, turned) = media::pdq_dihedral_of(&base);
    for (turn, copy) in [
        (Dihedral::AsIs, base.clone()),
        (Dihedral::Rotated90, base.rotate270()),
        (Dihedral::Rotated180, base.rotate180()),
        (Dihedral::Rotated270, base.rotate90()),
        (Dihedral::MirroredLeftRight, base.fliph()),
        (Dihedral::MirroredTopBottom, base.flipv()),
        (Dihedral::Transposed, base.rotate90().fliph()),
        (Dihedral::AntiTransposed, base.rotate270().fliph()),
    ] {
        let hash = media::pdq_of(&copy).hash;
        let nearest = (0..8).min_by_key(|&k| turned[k].distance(&hash)).unwrap();
        assert_eq!(Dihedral::ALL[nearest], turn);
        assert!(
            turned[nearest].distance(&hash) <= MATCH_DISTANCE,
            "{turn:?}"
        );
    }
}
