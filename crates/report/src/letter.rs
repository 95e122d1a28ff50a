//! A letter in the administrative layout (a case's takedown request, made by
//! `app::report::letter`), rendered by [`crate::docx::letter`]; and a document of tables in the
//! same layout (a unit's year-end evaluation, made by `app::evaluation`), rendered by
//! [`crate::docx::tables`] and [`crate::xlsx::tables`].

/// A letter, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Letter {
    pub superior: String,
    pub issuer: String,
    pub number: String,
    /// "V/v đề nghị gỡ bỏ …", under the number.
    pub about: String,
    pub place_date: String,
    /// "Kính gửi:" lines.
    pub addressees: Vec<String>,
    pub paragraphs: Vec<String>,
    /// One line per evidence file: name, size, SHA-256.
    pub evidence: Vec<String>,
    pub closing: String,
    pub recipients: Vec<String>,
    pub on_behalf: String,
    pub role: String,
}

/// A document of tables in the administrative layout: header block, title, paragraphs, each
/// table numbered, recipients and signature.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tabled {
    pub superior: String,
    pub issuer: String,
    pub number: String,
    pub place_date: String,
    pub title: String,
    pub subject: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<crate::Table>,
    pub recipients: Vec<String>,
    pub on_behalf: String,
    pub role: String,
}
