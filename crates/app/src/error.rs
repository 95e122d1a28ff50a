//! [`Error`]: what a use case answers when it does not do what was asked, by kind, so that the
//! CLI (exit code and message) and the web (status and page) map it the same way without
//! looking inside.

use std::fmt;

/// What kind of refusal or failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// What was named does not exist.
    NotFound,
    /// The actor's role may not do this.
    Forbidden,
    /// It exists already (a username, a unit, any unique key of the store).
    Conflict,
    /// The input is refused; `field` names which (the form field, the CLI option).
    Invalid { field: &'static str },
    /// Something outside sokenh that this needs is missing (LibreOffice for a PDF); the message
    /// says what.
    Unavailable,
    /// The store, the disk or a bug: the details are for the log, not for the user.
    Internal,
}

/// A use case's error: its kind and a message in Vietnamese (with the English after a slash
/// where the CLI prints it).
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    source: Option<anyhow::Error>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid { field }, message)
    }

    pub fn not_found(what: &str, id: impl fmt::Display) -> Error {
        Error::new(ErrorKind::NotFound, format!("không tìm thấy {what} {id}"))
    }

    pub fn forbidden(p: domain::Permission) -> Error {
        Error::new(
            ErrorKind::Forbidden,
            format!("vai trò này không được phép ({p:?}) / not permitted"),
        )
    }

    /// A permission the actor's role has, refused to a commune's account in a province
    /// database (`domain::Permission::within_a_commune`, `Actor::require_province`).
    pub fn closed_to_a_commune(p: domain::Permission) -> Error {
        Error::new(
            ErrorKind::Forbidden,
            format!(
                "tài khoản của một xã, phường chưa dùng được việc này: dữ liệu còn chung cả tỉnh ({p:?}) / not open to a commune's account"
            ),
        )
    }

    pub fn conflict(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Conflict, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.source) {
            (ErrorKind::Internal, Some(source)) => write!(f, "{}: {source:#}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<store::StoreError> for Error {
    fn from(e: store::StoreError) -> Error {
        match kind_of(&e) {
            Some(kind) => Error::new(kind, e.to_string()),
            None => Error::internal(e.into()),
        }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        // A store error anywhere in the chain keeps its kind.
        match e.downcast_ref::<store::StoreError>().and_then(kind_of) {
            Some(kind) => Error::new(kind, format!("{e:#}")),
            None => Error::internal(e),
        }
    }
}

/// The kind of a store error a user can act on; None for the database's own failures.
fn kind_of(e: &store::StoreError) -> Option<ErrorKind> {
    use store::StoreError::*;
    match e {
        NotFound { .. } => Some(ErrorKind::NotFound),
        Conflict { .. } => Some(ErrorKind::Conflict),
        Invalid(_) => Some(ErrorKind::Invalid { field: "" }),
        _ => None,
    }
}

impl Error {
    fn internal(source: anyhow::Error) -> Error {
        Error {
            kind: ErrorKind::Internal,
            message: "lỗi hệ thống / internal error".into(),
            source: Some(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_keep_their_kind_and_internal_ones_hide_their_details() {
        let conflict: Error = store::StoreError::Conflict {
            entity: "đơn vị",
            value: "Xã A".into(),
        }
        .into();
        assert_eq!(conflict.kind, ErrorKind::Conflict);
        assert!(conflict.message.contains("Xã A"), "{}", conflict.message);

        let wrapped: Error = anyhow::Error::from(store::StoreError::NotFound {
            entity: "hồ sơ",
            id: "7".into(),
        })
        .context("thư đề nghị")
        .into();
        assert_eq!(wrapped.kind, ErrorKind::NotFound);

        let internal: Error = store::StoreError::Database("disk I/O error".into()).into();
        assert_eq!(internal.kind, ErrorKind::Internal);
        assert_eq!(internal.message, "lỗi hệ thống / internal error");
        assert!(
            internal.to_string().contains("disk I/O error"),
            "the log gets the details"
        );
    }
}
