//! PDF: the DOCX typeset by LibreOffice (`soffice --headless --convert-to pdf`), so that the PDF
//! and the editable DOCX are the same document. `.ci/run` installs `libreoffice-writer-nogui`.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// Writes `out` (PDF) from the DOCX bytes.
pub fn write(docx: &[u8], out: &Path) -> Result<()> {
    let pdf = bytes(docx)?;
    std::fs::write(out, pdf).with_context(|| format!("không ghi được {}", out.display()))
}

/// The PDF of the DOCX bytes.
pub fn bytes(docx: &[u8]) -> Result<Vec<u8>> {
    let work = tempfile::tempdir()?;
    let input = work.path().join("bao-cao.docx");
    std::fs::write(&input, docx)?;
    // A private profile: no clash with a LibreOffice the user has open, no first-run dialogs.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        work.path().join("profile").display()
    );
    let output = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(work.path())
        .arg(&input)
        .output()
        .context("không chạy được LibreOffice (soffice): cài libreoffice-writer để xuất PDF")?;
    let pdf = work.path().join("bao-cao.pdf");
    if !output.status.success() || !pdf.exists() {
        bail!(
            "LibreOffice không xuất được PDF: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(std::fs::read(&pdf)?)
}
