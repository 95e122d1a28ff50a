//! Whole tables as plain rows, for what moves a database's content as it is: `sokenh migrate`
//! (a commune's embedded store copied into a province's PostgreSQL) and the counts a backup and
//! a restore compare. Nothing here knows what a row means; `app::province` does.

/// One value of a row, as both databases can give and take it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Cell {
    /// The integer, when the cell holds one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Cell::Int(v) => Some(*v),
            _ => None,
        }
    }
}

/// Rows read from a table, in the order they were written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowBatch {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Where the next read starts (give it as `after`); unchanged when no row came.
    pub next: i64,
}

/// A table or column name a backend may put into SQL: lower-case letters, digits and `_`.
pub fn check_name(name: &str) -> crate::Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(name)
    } else {
        Err(crate::StoreError::Invalid(format!(
            "tên bảng hoặc cột không hợp lệ «{name}» / not a table or column name"
        )))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_names_reach_sql() {
        assert!(super::check_name("alert_items").is_ok());
        for bad in ["", "items; DROP TABLE x", "Items", "1st", "a\"b"] {
            assert!(super::check_name(bad).is_err(), "{bad}");
        }
    }
}
