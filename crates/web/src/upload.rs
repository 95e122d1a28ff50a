//! Uploads. One file posted with its form's CSRF token (`multipart/form-data`, fields `csrf` and `file`),
//! as every upload form here sends it. Who before what: the session (the `SignedIn` extractor)
//! and the role are checked before a byte of the body is read; the file then streams to a
//! temporary file (deleted when dropped) under the route's limit (`DefaultBodyLimit`), so a
//! large upload holds disk, not memory; the CSRF token, which travels in the body, last.

use crate::auth::SignedIn;
use crate::pages::{error_page, refused};
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Permission;
use std::io::Write;

pub struct Upload {
    /// The name the browser gave the file, as sent (callers clean it for their use).
    pub name: String,
    /// The file's bytes, on disk; removed when this is dropped.
    pub file: tempfile::NamedTempFile,
}

impl Upload {
    /// The whole file in memory (for the small ones: rule packs, fact-checks, evidence).
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.file.path())
    }

    /// The first `n` bytes at most (to recognise a format by its content).
    pub fn head(&self, n: usize) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut buf = Vec::with_capacity(n);
        std::fs::File::open(self.file.path())?
            .take(n as u64)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }
}

/// [`read`], then the whole file in memory (for the small ones: pictures): its name and bytes.
pub async fn read_small(
    user: &SignedIn,
    needs: Permission,
    multipart: Multipart,
    limit_mb: usize,
) -> Result<(String, Vec<u8>), Response> {
    let up = read(user, needs, multipart, limit_mb).await?;
    let bytes = up.bytes().map_err(|e| crate::pages::internal(e.into()))?;
    Ok((up.name, bytes))
}

/// Reads the form of a user whose role has `needs`; `limit_mb` is only for the message when the
/// body is cut off.
pub async fn read(
    user: &SignedIn,
    needs: Permission,
    mut multipart: Multipart,
    limit_mb: usize,
) -> Result<Upload, Response> {
    if !user.session.user.can(needs) {
        return Err(crate::auth::forbidden());
    }
    let too_large = || {
        error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Tệp quá lớn (tối đa {limit_mb} MB) hoặc tải lên bị gián đoạn."),
        )
    };
    let io_failed = |e: std::io::Error| crate::pages::internal(e.into());
    let mut csrf = String::new();
    let mut up = Upload {
        name: String::new(),
        file: tempfile::NamedTempFile::new().map_err(io_failed)?,
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => {
                let field_name = field.name().unwrap_or("").to_owned();
                if field_name == "file" {
                    if let Some(f) = field.file_name() {
                        up.name = f.chars().take(255).collect();
                    }
                    loop {
                        match field.chunk().await {
                            Ok(Some(chunk)) => up.file.write_all(&chunk).map_err(io_failed)?,
                            Ok(None) => break,
                            Err(_) => return Err(too_large()),
                        }
                    }
                    up.file.flush().map_err(io_failed)?;
                } else {
                    match field.bytes().await {
                        // A token is 64 characters; anything longer is not one.
                        Ok(b) if field_name == "csrf" && b.len() <= 128 => {
                            csrf = String::from_utf8_lossy(&b).into_owned()
                        }
                        Ok(_) => {}
                        Err(_) => return Err(too_large()),
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Biểu mẫu tải lên không hợp lệ.",
                ));
            }
        }
    }
    if let Some(r) = refused(user, &csrf, needs) {
        return Err(r);
    }
    Ok(up)
}

/// A multipart form read whole into memory: its text fields and its files (the small ones:
/// screenshots), empty file parts (a file input left empty) dropped.
#[derive(Default)]
pub struct Parts {
    pub fields: Vec<(String, String)>,
    /// (field name, file name as sent, bytes).
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Parts {
    /// A text field's value, "" when absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Reads a whole multipart form under the route's body limit (`limit_mb` only names it in the
/// message); text fields of at most `text_max` bytes each. The caller has checked who is asking
/// before, and checks the CSRF token (a field) after.
pub async fn read_parts(
    mut multipart: Multipart,
    limit_mb: usize,
    text_max: usize,
) -> Result<Parts, Response> {
    let too_large = || {
        error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Dữ liệu gửi lên quá lớn (tối đa {limit_mb} MB) hoặc bị gián đoạn."),
        )
    };
    let mut parts = Parts::default();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field
                    .name()
                    .unwrap_or("")
                    .chars()
                    .take(64)
                    .collect::<String>();
                let file_name = field
                    .file_name()
                    .map(|f| f.chars().take(255).collect::<String>());
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                match file_name {
                    Some(f) if !bytes.is_empty() => parts.files.push((name, f, bytes.to_vec())),
                    Some(_) => {}
                    None if bytes.len() > text_max => {
                        return Err(error_page(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            &format!("Trường «{name}» dài quá {text_max} byte."),
                        ));
                    }
                    None => parts
                        .fields
                        .push((name, String::from_utf8_lossy(&bytes).into_owned())),
                }
            }
            Ok(None) => break,
            Err(_) => {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Biểu mẫu tải lên không hợp lệ.",
                ));
            }
        }
    }
    Ok(parts)
}
