//! `ingest`: turning files from outside into typed records, and never losing a row silently.
//! Today: the register spreadsheet as offices keep it ([`registry`]), read into a grid of cells
//! ([`grid`]) with the sheet's own row numbers, and written back in the office layout; the text of
//! a rules-library document ([`document`]).
//!
//! Architecture Invariant: ingest parses and validates; it never writes to the store. The binary
//! hands its records to `store`.

pub mod corpus;
pub mod document;
pub mod grid;
pub mod guard;
pub mod numbers;
pub mod posts;
pub mod registry;

/// A file that cannot be read at all (as opposed to bad rows, which are reported one by one).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    #[error("không đọc được tệp {path}: {message} / cannot read file")]
    Unreadable { path: String, message: String },
    #[error(
        "tệp {path} không có dòng tiêu đề nhận ra được (cần ít nhất cột tên và cột đường dẫn hoặc nền tảng) / no header row found"
    )]
    NoHeader { path: String },
    #[error("tệp {path} bị từ chối: {reason}")]
    Refused {
        path: String,
        reason: guard::Refused,
    },
    #[error("không ghi được tệp {path}: {message} / cannot write file")]
    Write { path: String, message: String },
}

impl IngestError {
    /// An IO error on a file the caller made itself (a temporary copy), with no path to show.
    pub fn from_io(e: std::io::Error) -> IngestError {
        IngestError::Unreadable {
            path: String::new(),
            message: e.to_string(),
        }
    }
}
