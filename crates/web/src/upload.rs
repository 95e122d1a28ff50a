//! One file posted with its form's CSRF token (`multipart/form-data`, fields `csrf` and `file`),
//! as every upload form here sends it. The size limit is the route's (`DefaultBodyLimit`); the
//! message says it back.

use crate::pages::error_page;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;

pub struct Upload {
    pub csrf: String,
    /// The name the browser gave the file, as sent (callers clean it for their use).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the form; `limit_mb` is only for the message when the body is cut off.
pub async fn read(mut multipart: Multipart, limit_mb: usize) -> Result<Upload, Response> {
    let mut up = Upload {
        csrf: String::new(),
        name: String::new(),
        bytes: Vec::new(),
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let field_name = field.name().unwrap_or("").to_owned();
                if let Some(f) = field.file_name() {
                    up.name = f.to_owned();
                }
                match field.bytes().await {
                    Ok(b) if field_name == "csrf" => {
                        up.csrf = String::from_utf8_lossy(&b).into_owned()
                    }
                    Ok(b) if field_name == "file" => up.bytes = b.to_vec(),
                    Ok(_) => {}
                    Err(_) => {
                        return Err(error_page(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            &format!(
                                "Tệp quá lớn (tối đa {limit_mb} MB) hoặc tải lên bị gián đoạn."
                            ),
                        ));
                    }
                }
            }
            Ok(None) => return Ok(up),
            Err(_) => {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Biểu mẫu tải lên không hợp lệ.",
                ));
            }
        }
    }
}
