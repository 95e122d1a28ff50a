//! Errors of the store, shared by every backend.

/// What went wrong in the store. Backends map their driver's errors into `Database`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("lỗi cơ sở dữ liệu / database error: {0}")]
    Database(String),
    #[error("lỗi chuyển đổi cơ sở dữ liệu / migration {version} failed: {message}")]
    Migration { version: u32, message: String },
    #[error("không tìm thấy {entity} {id} / {entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("đã tồn tại {entity} «{value}» / {entity} «{value}» already exists")]
    Conflict { entity: &'static str, value: String },
    /// A change the rules refuse; the message says why, in Vietnamese and English.
    #[error("{0}")]
    Invalid(String),
    #[error("dữ liệu không hợp lệ trong cơ sở dữ liệu / corrupt row: {0}")]
    Corrupt(String),
}
