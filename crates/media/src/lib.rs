//! `media`: what sokenh does with pictures. Decoding (PNG, JPEG, WebP, GIF's first frame, checked
//! by content, not by name), Meta's PDQ perceptual hash bit-exact with the reference ([`pdq`]), a
//! multi-index-hashing lookup that answers "which known picture is this?" over a million hashes in
//! milliseconds ([`index`]), provenance: what C2PA manifests and generators' metadata say about
//! how a picture was made ([`provenance`]), and text from images with tesseract (`ocr` feature).
//!
//! Architecture Invariant: nothing here decides; it measures and reports what a file says, and
//! absence of evidence is reported as absence, never as proof.

pub mod index;
#[cfg(feature = "ocr")]
pub mod ocr;
pub mod pdq;
pub mod provenance;

use std::path::Path;

/// The image crate whose pictures [`decode`] gives.
pub use image;
pub use index::PdqIndex;
pub use pdq::{Hash256, Pdq};

/// What went wrong reading a picture; the message says which file and why, in Vietnamese first.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("không đọc được tệp {path} / cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("không phải ảnh PNG, JPEG, WebP hay GIF / not a PNG, JPEG, WebP or GIF image")]
    NotAnImage,
    #[error("ảnh hỏng hoặc không giải mã được / damaged image: {0}")]
    Decode(String),
}

/// The image formats sokenh reads, recognised by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl Format {
    /// The format of these bytes by signature, whatever the file is called.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else {
            None
        }
    }

    fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Png => image::ImageFormat::Png,
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Webp => image::ImageFormat::WebP,
            Format::Gif => image::ImageFormat::Gif,
        }
    }
}

/// Largest picture decoded: 40 000 px on a side and 1 GiB of pixels.
const MAX_SIDE: u32 = 40_000;
const MAX_ALLOC: u64 = 1 << 30;

/// Decodes a picture (GIF: its first frame).
pub fn decode(bytes: &[u8]) -> Result<image::DynamicImage, MediaError> {
    decode_within(bytes, MAX_SIDE, MAX_ALLOC)
}

/// Decodes a picture no wider or taller than `max_side` pixels whose decoding allocates at most
/// `max_alloc` bytes (what a server takes from an upload: a picture bomb — a small file that
/// declares a huge picture — is refused from its header, before any pixel is allocated).
pub fn decode_within(
    bytes: &[u8],
    max_side: u32,
    max_alloc: u64,
) -> Result<image::DynamicImage, MediaError> {
    let format = Format::sniff(bytes).ok_or(MediaError::NotAnImage)?;
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), format.image_format());
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_alloc);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| MediaError::Decode(e.to_string()))
}

/// PDQ of a decoded picture through sokenh's pipeline ([`pdq::Pipeline::Sokenh`]).
pub fn pdq_of(image: &image::DynamicImage) -> Pdq {
    pdq_with(image, pdq::Pipeline::Sokenh)
}

/// PDQ of a decoded picture turned each of the eight ways ([`pdq::Dihedral::ALL`]), from one DCT:
/// a mirrored or rotated copy of a known picture is one of them.
pub fn pdq_dihedral_of(image: &image::DynamicImage) -> (Pdq, [Hash256; 8]) {
    with_pixels(image, |p| {
        pdq::hash_pixels_dihedral(p, pdq::Pipeline::Sokenh)
    })
}

/// PDQ of a decoded picture: grey pictures by their grey level, others by RGB luminance (alpha
/// ignored), through the given pipeline.
pub fn pdq_with(image: &image::DynamicImage, pipeline: pdq::Pipeline) -> Pdq {
    with_pixels(image, |p| pdq::hash_pixels(p, pipeline))
}

/// A decoded picture's pixels as PDQ reads them: grey pictures by their grey level, others as
/// RGB (alpha ignored).
fn with_pixels<T>(image: &image::DynamicImage, f: impl FnOnce(pdq::Pixels<'_>) -> T) -> T {
    let (width, height) = (image.width() as usize, image.height() as usize);
    match image.color() {
        image::ColorType::L8
        | image::ColorType::La8
        | image::ColorType::L16
        | image::ColorType::La16 => {
            let grey = image.to_luma8();
            f(pdq::Pixels::Grey {
                width,
                height,
                data: grey.as_raw(),
            })
        }
        _ => {
            let rgb = image.to_rgb8();
            f(pdq::Pixels::Rgb {
                width,
                height,
                data: rgb.as_raw(),
            })
        }
    }
}

/// PDQ of a picture's bytes.
pub fn hash_bytes(bytes: &[u8]) -> Result<Pdq, MediaError> {
    Ok(pdq_of(&decode(bytes)?))
}

/// Reads a file whole.
pub fn read(path: &Path) -> Result<Vec<u8>, MediaError> {
    std::fs::read(path).map_err(|source| MediaError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// PDQ of a picture file.
pub fn hash_file(path: &Path) -> Result<Pdq, MediaError> {
    hash_bytes(&read(path)?)
}

/// SHA-256 of bytes, lower-case hex: the content address of evidence and media.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
