//! Text from images (screenshots of documents, scam posters) through Debian's `tesseract`
//! (`tesseract-ocr` with `tesseract-ocr-vie`), run as a child process: no C bindings to build, and
//! a crash in the OCR engine cannot take sokenh down. The picture is decoded here (checked by
//! content, size-limited) and handed to tesseract as PNG on its standard input.
//!
//! The text goes through the same detectors as post text; OCR errors are the caller's to weigh
//! (the signal says the text came from an image).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::MediaError;

/// The languages asked of tesseract: Vietnamese, then English.
pub const LANGUAGES: &str = "vie+eng";

/// Why no text came out.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(
        "không chạy được tesseract (cài tesseract-ocr và tesseract-ocr-vie) / cannot run tesseract: {0}"
    )]
    Missing(std::io::Error),
    #[error("tesseract báo lỗi / tesseract failed: {0}")]
    Failed(String),
}

/// Whether `tesseract` with Vietnamese is installed here.
pub fn available() -> bool {
    Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "vie")
        })
        .unwrap_or(false)
}

/// The text tesseract reads in a picture's bytes (PNG, JPEG, WebP or GIF).
pub fn image_text(bytes: &[u8]) -> Result<String, OcrError> {
    let image = crate::decode(bytes)?;
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| OcrError::Failed(e.to_string()))?;
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", LANGUAGES, "--psm", "3"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(OcrError::Missing)?;
    // Write from a thread: tesseract may start writing before it has read everything.
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let writer = std::thread::spawn(move || stdin.write_all(&png));
    let output = child.wait_with_output().map_err(OcrError::Missing)?;
    writer
        .join()
        .map_err(|_| OcrError::Failed("writer thread panicked".into()))?
        .map_err(|e| OcrError::Failed(e.to_string()))?;
    if !output.status.success() {
        return Err(OcrError::Failed(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    // Tesseract ends pages with a form feed and leaves ragged blank lines.
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}'))
        .filter(|l| !l.is_empty())
        .collect();
    Ok(lines.join("\n"))
}
