//! The rules library: the documents a unit's members must know — the directive, the code of
//! conduct they sign, the Ministry's rules of conduct on social networks, a unit's own rules —
//! each version kept with its file (by SHA-256 under `DATA/library/`, written once), its text
//! (DOCX and plain text read by `ingest::document`, PDF by `pdftotext`), its effective date and
//! what changed. The newest code of conduct in effect is the version members sign
//! ([`store::Store::commitment_version`]); a new one starts a re-signing campaign, whose progress
//! per unit is [`App::resigning`].

use crate::{Actor, App, Error};
use domain::{DocumentKind, LibraryDocument, Permission};
use ingest::document::DocumentType;
use serde::Serialize;

/// The largest file the library keeps (a directive or a code of conduct is a few pages).
pub const MAX_DOCUMENT: usize = 20 << 20;

/// A version of a document to keep.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub title: String,
    pub version: String,
    /// ISO date (`2026-06-01`) or the office's `01/06/2026`.
    pub effective: String,
    /// `None`: read from the title ([`DocumentKind::from_title`]); refused when it says none.
    pub kind: Option<DocumentKind>,
    pub changes: String,
}

/// A kept version and how its text was read.
#[derive(Clone, Debug, Serialize)]
pub struct Added {
    pub document: LibraryDocument,
    /// Characters of text read from the file.
    pub text_chars: usize,
    /// Why no text was read, when none was.
    pub text_note: Option<String>,
}

/// The re-signing of the code of conduct in effect, for one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitSigning {
    pub unit: String,
    pub members: u64,
    /// Signed the version in effect.
    pub signed: u64,
    /// Signed an earlier version only: the ones to remind first.
    pub signed_earlier: u64,
    /// Reminded since the version took effect (an audit event `member.remind` naming it).
    pub reminded: u64,
}

/// The campaign of the code of conduct in effect: which version, since when, and per unit.
#[derive(Clone, Debug, Serialize)]
pub struct Resigning {
    pub version: String,
    /// `None` while the library holds no code of conduct (the built-in version).
    pub effective_on: Option<String>,
    pub units: Vec<UnitSigning>,
}

impl App {
    /// Keeps a version of a document: the file by its SHA-256, its text, its effective date.
    /// Refused (invalid, naming the field): no title or version, a date that is not one, a kind
    /// the title does not say and none given, a file that is not a PDF, DOCX or text, or larger
    /// than [`MAX_DOCUMENT`]; a version of that title kept already (conflict).
    pub fn add_document(&self, actor: &Actor, new: NewDocument) -> Result<Added, Error> {
        actor.require(Permission::KeepLibrary)?;
        let title = text::canonical(new.title.trim());
        if title.is_empty() {
            return Err(Error::invalid("title", "Cần ghi tên văn bản."));
        }
        let version = new.version.trim().to_owned();
        if version.is_empty() {
            return Err(Error::invalid("version", "Cần ghi phiên bản."));
        }
        let effective_on = parse_date(&new.effective).ok_or_else(|| {
            Error::invalid(
                "effective",
                format!(
                    "Ngày hiệu lực «{}» không hợp lệ (viết 2026-06-01 hoặc 01/06/2026).",
                    new.effective.trim()
                ),
            )
        })?;
        let kind = new
            .kind
            .or_else(|| DocumentKind::from_title(&title))
            .ok_or_else(|| {
                Error::invalid(
                    "kind",
                    "Tên văn bản không cho biết loại: chọn chỉ thị, quy tắc ứng xử (cam kết), quy tắc của Bộ hay quy chế của đơn vị.",
                )
            })?;
        if new.bytes.len() > MAX_DOCUMENT {
            return Err(Error::invalid(
                "file",
                format!("Tệp quá lớn (tối đa {} MB).", MAX_DOCUMENT >> 20),
            ));
        }
        let Some(doc_type) = DocumentType::sniff(&new.bytes) else {
            return Err(Error::invalid(
                "file",
                "Tệp không phải PDF, DOCX hay văn bản thuần (UTF-8).",
            ));
        };
        let (body, text_note) = match doc_type {
            DocumentType::Pdf => pdf_text(&new.bytes),
            _ => match ingest::document::text_of(&new.bytes) {
                Ok(t) => (t.trim_end().to_owned(), None),
                Err(e) => return Err(Error::invalid("file", format!("Không đọc được tệp: {e}"))),
            },
        };
        let sha256 = crate::evidence::sha256(&new.bytes);
        crate::evidence::keep(&self.library_dir(), &sha256, &new.bytes)?;
        let document = LibraryDocument {
            id: 0,
            kind,
            title,
            version,
            effective_on,
            changes: new.changes.trim().to_owned(),
            unit: None,
            sha256,
            file_name: file_name(&new.file_name),
            media_type: doc_type.media_type().to_owned(),
            size: new.bytes.len() as u64,
            added_by: String::new(),
            added_at: String::new(),
        };
        let document = self
            .store()?
            .add_document(&actor.name, &document, &body)
            .map_err(|e| match e {
                store::StoreError::Conflict { .. } => Error::conflict(format!(
                    "Đã có phiên bản «{}» của văn bản «{}».",
                    document.version, document.title
                )),
                e => e.into(),
            })?;
        Ok(Added {
            document,
            text_chars: body.chars().count(),
            text_note,
        })
    }

    /// The library, oldest first: every signed-in role reads it (members sign from it).
    pub fn library(&self, _actor: &Actor) -> Result<Vec<LibraryDocument>, Error> {
        Ok(self.store()?.documents()?)
    }

    /// A version's text and its file's bytes.
    pub fn document(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<(LibraryDocument, String, Vec<u8>), Error> {
        let mut s = self.store()?;
        let Some(d) = s.documents()?.into_iter().find(|d| d.id == id) else {
            return Err(Error::not_found("văn bản số", id));
        };
        let body = s.document_body(id)?.unwrap_or_default();
        let path = self.library_dir().join(&d.sha256[..2]).join(&d.sha256);
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::from(anyhow::anyhow!("{}: {e}", path.display())))?;
        Ok((d, body, bytes))
    }

    /// The version of the code of conduct members sign today.
    pub fn commitment_version(&self) -> Result<String, Error> {
        Ok(self
            .store()?
            .commitment_version(&self.today().to_string())?)
    }

    /// The re-signing of the code of conduct in effect, per unit the actor sees: members, who
    /// signed it, who signed only an earlier one, who was reminded since it took effect.
    pub fn resigning(&self, actor: &Actor) -> Result<Resigning, Error> {
        actor.require(Permission::FollowUp)?;
        let today = self.today().to_string();
        let mut s = self.store()?;
        let docs = s.documents()?;
        let current = store::current_code(&docs, &today);
        let version = current.map_or_else(
            || domain::COMMITMENT_VERSION.to_owned(),
            |d| d.version.clone(),
        );
        let effective_on = current.map(|d| d.effective_on.clone());
        let units = s.units()?;
        let scope = crate::register::visible_units(&units, actor.role, actor.unit, actor.commune);
        let members = s.members()?;
        let commitments = s.commitments()?;
        let since = effective_on.clone().unwrap_or_default();
        let reminded: std::collections::HashSet<String> = s
            .audit_events()?
            .into_iter()
            .filter(|e| e.action == "member.remind" && e.at.as_str() >= since.as_str())
            .filter(|e| {
                serde_json::from_str::<serde_json::Value>(&e.details)
                    .is_ok_and(|d| d["version"] == version.as_str())
            })
            .map(|e| e.entity)
            .collect();
        let rows = units
            .iter()
            .filter(|u| scope.as_ref().is_none_or(|names| names.contains(&u.name)))
            .map(|u| {
                let mine: Vec<_> = members.iter().filter(|m| m.unit == u.id).collect();
                let signed = |m: &domain::Member, current: bool| {
                    commitments
                        .iter()
                        .any(|c| c.member == m.id && (c.version == version) == current)
                };
                UnitSigning {
                    unit: u.name.clone(),
                    members: mine.len() as u64,
                    signed: mine.iter().filter(|m| signed(m, true)).count() as u64,
                    signed_earlier: mine
                        .iter()
                        .filter(|m| !signed(m, true) && signed(m, false))
                        .count() as u64,
                    reminded: mine
                        .iter()
                        .filter(|m| reminded.contains(&format!("member:{}", m.id.0)))
                        .count() as u64,
                }
            })
            .collect();
        Ok(Resigning {
            version,
            effective_on,
            units: rows,
        })
    }

    /// Where library files are kept, each at `<dir>/<sha256[0..2]>/<sha256>`.
    pub fn library_dir(&self) -> std::path::PathBuf {
        self.data_dir().join("library")
    }
}

/// `2026-06-01` or `01/06/2026` (`1/6/2026`) as an ISO date.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .map(|d| d.to_string())
}

/// A file's own name, without the folders an upload or a path put before it.
fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    if base.is_empty() {
        "van-ban".into()
    } else {
        base.chars().take(200).collect()
    }
}

/// A PDF's text by `pdftotext` (poppler-utils); without it, or when it cannot read the file, no
/// text and why — the file is kept all the same.
fn pdf_text(bytes: &[u8]) -> (String, Option<String>) {
    let run = || -> anyhow::Result<String> {
        let mut file = tempfile::NamedTempFile::new()?;
        std::io::Write::write_all(&mut file, bytes)?;
        let out = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-nopgbrk"])
            .arg(file.path())
            .arg("-")
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Ok(text::canonical(String::from_utf8_lossy(&out.stdout).trim()))
    };
    match run() {
        Ok(t) if !t.is_empty() => (t, None),
        Ok(_) => (
            String::new(),
            Some("PDF không có lớp chữ (bản quét): chưa đọc được nội dung".into()),
        ),
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
        {
            (
                String::new(),
                Some(
                    "chưa cài pdftotext (gói poppler-utils): tệp được lưu, nội dung chưa đọc"
                        .into(),
                ),
            )
        }
        Err(e) => (String::new(), Some(format!("pdftotext: {e}"))),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{actor, app};
    use domain::Role;

    /// A one-page PDF whose text is `line` (ASCII, Helvetica), with a correct cross-reference
    /// table: what a word processor's "save as PDF" makes, in miniature.
    pub(crate) fn pdf(line: &str) -> Vec<u8> {
        let stream = format!("BT /F1 12 Tf 72 720 Td ({line}) Tj ET");
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
            format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        out
    }

    fn new(title: &str, version: &str, effective: &str, bytes: &[u8]) -> NewDocument {
        NewDocument {
            file_name: "C:\\Van ban\\quy-tac.txt".into(),
            bytes: bytes.to_vec(),
            title: title.into(),
            version: version.into(),
            effective: effective.into(),
            kind: None,
            changes: "Thêm điều 4 về tài khoản giả".into(),
        }
    }

    #[test]
    fn a_version_is_kept_with_its_file_and_text_and_refused_with_its_reason() {
        let (app, _dir) = app();
        let admin = Actor::cli();
        let code = "Quy tắc ứng xử của cán bộ, đảng viên trên mạng xã hội";
        let added = app
            .add_document(
                &admin,
                new(
                    code,
                    "2026-06",
                    "01/06/2026",
                    "Điều 1. Không chia sẻ tài liệu mật.\n".as_bytes(),
                ),
            )
            .unwrap();
        let d = &added.document;
        assert_eq!(
            (
                d.kind,
                d.effective_on.as_str(),
                d.file_name.as_str(),
                added.text_chars
            ),
            (DocumentKind::CodeOfConduct, "2026-06-01", "quy-tac.txt", 35)
        );
        let kept = app.library_dir().join(&d.sha256[..2]).join(&d.sha256);
        assert_eq!(
            std::fs::read(&kept).unwrap(),
            "Điều 1. Không chia sẻ tài liệu mật.\n".as_bytes()
        );
        let (_, body, bytes) = app.document(&actor(Role::Member), d.id).unwrap();
        assert_eq!(body, "Điều 1. Không chia sẻ tài liệu mật.");
        assert_eq!(bytes.len() as u64, d.size);

        // A PDF's text is read by pdftotext (CI installs poppler-utils).
        let added = app
            .add_document(
                &admin,
                new(
                    "Chỉ thị về quản lý trang mạng",
                    "1",
                    "2026-03-15",
                    &pdf("Dieu 2. Quan ly trang"),
                ),
            )
            .unwrap();
        assert_eq!(added.document.kind, DocumentKind::Directive);
        assert_eq!(added.document.media_type, "application/pdf");
        let (_, body, _) = app.document(&admin, added.document.id).unwrap();
        assert_eq!(
            (body.as_str(), added.text_note),
            ("Dieu 2. Quan ly trang", None)
        );

        let kind = |r: Result<Added, Error>| r.unwrap_err().kind;
        assert_eq!(
            kind(app.add_document(&admin, new(code, "2026-06", "2026-07-01", b"khac"))),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind(app.add_document(&admin, new(code, "2026-09", "31/02/2026", b"x"))),
            ErrorKind::Invalid { field: "effective" }
        );
        assert_eq!(
            kind(app.add_document(&admin, new("Tài liệu tham khảo", "1", "2026-01-01", b"x"))),
            ErrorKind::Invalid { field: "kind" }
        );
        assert_eq!(
            kind(app.add_document(
                &admin,
                new(code, "2026-09", "2026-09-01", b"\x89PNG\r\n\x1a\n\0")
            )),
            ErrorKind::Invalid { field: "file" }
        );
        assert_eq!(
            kind(app.add_document(&admin, new(code, "  ", "2026-09-01", b"x"))),
            ErrorKind::Invalid { field: "version" }
        );
        assert_eq!(
            kind(app.add_document(
                &actor(Role::Officer),
                new(code, "2026-09", "2026-09-01", b"x")
            )),
            ErrorKind::Forbidden
        );
        assert_eq!(app.library(&actor(Role::Member)).unwrap().len(), 2);

        // A DOCX that inflates a thousandfold is refused before it is read, and nothing of it
        // is kept.
        let bomb = {
            use std::io::Write;
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let o = zip::write::SimpleFileOptions::default();
            z.start_file("word/document.xml", o).unwrap();
            z.write_all(&vec![b'a'; 10 << 20]).unwrap();
            z.finish().unwrap().into_inner()
        };
        let kept_before = std::fs::read_dir(app.library_dir()).unwrap().count();
        let refused = app
            .add_document(&admin, new(code, "bom", "2026-09-01", &bomb))
            .unwrap_err();
        assert_eq!(refused.kind, ErrorKind::Invalid { field: "file" });
        assert!(
            refused.message.contains("Không đọc được tệp"),
            "{}",
            refused.message
        );
        assert_eq!(
            std::fs::read_dir(app.library_dir()).unwrap().count(),
            kept_before
        );
        assert_eq!(app.library(&admin).unwrap().len(), 2);
    }

    #[test]
    fn a_new_code_of_conduct_starts_re_signing_counted_per_unit() {
        let (app, _dir) = app();
        let admin = Actor::cli();
        let (cell, ids) = {
            let mut s = app.store().unwrap();
            let cell = s
                .create_unit("t", "Chi bộ thôn Đông", None, None)
                .unwrap()
                .id;
            let ids: Vec<_> = ["Lê Văn A", "Trần Thị B", "Phạm Văn C"]
                .iter()
                .map(|n| {
                    s.add_member(
                        "t",
                        &store::NewMember {
                            unit: cell,
                            full_name: (*n).into(),
                            position: None,
                        },
                    )
                    .unwrap()
                })
                .collect();
            (cell, ids)
        };
        // Before the library holds a code: the built-in version.
        assert_eq!(
            app.commitment_version().unwrap(),
            domain::COMMITMENT_VERSION
        );
        for id in &ids[..2] {
            app.sign_commitment(&admin, *id, domain::COMMITMENT_VERSION)
                .unwrap();
        }
        let code = "Bộ quy tắc ứng xử của Đảng bộ xã";
        // A version from a future day is not in effect yet.
        app.add_document(&admin, new(code, "2099-01", "2099-01-01", b"Dieu 1"))
            .unwrap();
        assert_eq!(
            app.commitment_version().unwrap(),
            domain::COMMITMENT_VERSION
        );
        app.add_document(&admin, new(code, "2026-mid", "2026-06-01", b"Dieu 1"))
            .unwrap();
        assert_eq!(app.commitment_version().unwrap(), "2026-mid");

        let (version, new_signature) = app.sign_current_commitment(&admin, ids[0]).unwrap();
        assert_eq!((version.as_str(), new_signature), ("2026-mid", true));
        app.remind(&admin, ids[1]).unwrap();
        let r = app.resigning(&admin).unwrap();
        assert_eq!(
            (r.version.as_str(), r.effective_on.as_deref()),
            ("2026-mid", Some("2026-06-01"))
        );
        let row = r
            .units
            .iter()
            .find(|u| u.unit == "Chi bộ thôn Đông")
            .unwrap();
        assert_eq!(
            (row.members, row.signed, row.signed_earlier, row.reminded),
            (3, 1, 1, 1)
        );
        // The follow-up list and the report's coverage agree.
        let follow = app.follow_up(&admin).unwrap();
        assert_eq!(follow.version, "2026-mid");
        assert_eq!(follow.members.iter().filter(|m| m.signed).count(), 1);
        let today = app.today().to_string();
        let cov = app.store().unwrap().coverage(&today).unwrap();
        assert_eq!(
            cov.iter()
                .find(|c| c.unit == "Chi bộ thôn Đông")
                .map(|c| c.signed),
            Some(1)
        );
        assert!(cell.0 > 0);
        assert_eq!(
            app.resigning(&actor(Role::Officer)).unwrap_err().kind,
            ErrorKind::Forbidden
        );
    }
}
