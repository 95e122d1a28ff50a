//! The text of a document an office keeps in its rules library: plain text (UTF-8, or UTF-16
//! with its byte-order mark, as Windows' Notepad writes "Unicode"), and Word's DOCX (the ZIP
//! checked by [`crate::guard`] first, then `word/document.xml` read as a stream: each paragraph a
//! line, tabs and breaks kept). A PDF's text is read by `pdftotext` outside this crate (`app`); any
//! other kind is refused with what is accepted.

use std::io::{Cursor, Read};

/// What a file's bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
    Docx,
    Text,
}

impl DocumentType {
    /// By content: `%PDF-`, a ZIP holding `word/document.xml`, or text that decodes.
    pub fn sniff(bytes: &[u8]) -> Option<DocumentType> {
        if bytes.starts_with(b"%PDF-") {
            Some(DocumentType::Pdf)
        } else if bytes.starts_with(b"PK\x03\x04") {
            zip::ZipArchive::new(Cursor::new(bytes))
                .ok()
                .filter(|z| z.index_for_name("word/document.xml").is_some())
                .map(|_| DocumentType::Docx)
        } else {
            decode_text(bytes).map(|_| DocumentType::Text)
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentType::Text => "text/plain; charset=utf-8",
        }
    }
}

/// The text of a DOCX or a text file (a PDF is not read here).
pub fn text_of(bytes: &[u8]) -> Result<String, String> {
    match DocumentType::sniff(bytes) {
        Some(DocumentType::Text) => Ok(decode_text(bytes).unwrap_or_default()),
        Some(DocumentType::Docx) => docx_text(bytes),
        Some(DocumentType::Pdf) => {
            Err("PDF được đọc bằng pdftotext / a PDF is read by pdftotext".into())
        }
        None => Err(
            "không phải PDF, DOCX hay văn bản thuần (UTF-8) / not a PDF, DOCX or plain-text file"
                .into(),
        ),
    }
}

fn decode_text(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).ok().map(text::canonical);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16(&units).ok().map(|s| text::canonical(&s));
    }
    let s = std::str::from_utf8(bytes).ok()?;
    // Text, not a binary that happens to be valid UTF-8.
    (!s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')))
    .then(|| text::canonical(s))
}

fn docx_text(bytes: &[u8]) -> Result<String, String> {
    crate::guard::check_zip(Cursor::new(bytes), &crate::guard::Limits::default())
        .map_err(|e| e.0)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| e.to_string())?
        .read_to_string(&mut xml)
        .map_err(|e| format!("word/document.xml: {e}"))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        use quick_xml::events::Event;
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().into_inner() == "w:t" => in_text = true,
            Ok(Event::End(e)) => match e.name().into_inner() {
                "w:t" => in_text = false,
                "w:p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.name().into_inner() {
                "w:tab" => out.push('\t'),
                "w:br" | "w:cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => out.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_text => {
                // &amp; &lt; … and numeric references inside a run's text.
                let name: &str = &r;
                match (r.resolve_char_ref(), name) {
                    (Ok(Some(c)), _) => out.push(c),
                    (_, "amp") => out.push('&'),
                    (_, "lt") => out.push('<'),
                    (_, "gt") => out.push('>'),
                    (_, "quot") => out.push('"'),
                    (_, "apos") => out.push('\''),
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("word/document.xml: {e}")),
            Ok(_) => {}
        }
    }
    Ok(text::canonical(out.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn docx(body: &str) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        z.start_file("word/document.xml", o).unwrap();
        write!(
            z,
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        )
        .unwrap();
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn a_docx_is_read_paragraph_by_paragraph() {
        let bytes = docx(
            "<w:p><w:r><w:t>Điều 1.</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\"> Cán bộ &amp; đảng viên</w:t></w:r></w:p>\
             <w:p><w:r><w:t>không chia sẻ tài liệu mật</w:t><w:br/><w:t>&#x110;iều 2</w:t></w:r></w:p>",
        );
        assert_eq!(DocumentType::sniff(&bytes), Some(DocumentType::Docx));
        assert_eq!(
            text_of(&bytes).unwrap(),
            "Điều 1.\t Cán bộ & đảng viên\nkhông chia sẻ tài liệu mật\nĐiều 2"
        );
    }

    #[test]
    fn text_pdf_and_other_files_are_told_apart_by_their_bytes() {
        assert_eq!(
            text_of("Quy tắc ứng xử\n".as_bytes()).unwrap(),
            "Quy tắc ứng xử\n"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Cam kết".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text_of(&utf16).unwrap(), "Cam kết");
        assert_eq!(DocumentType::sniff(b"%PDF-1.7\n"), Some(DocumentType::Pdf));
        assert!(text_of(b"%PDF-1.7\n").is_err());
        assert!(text_of(b"\x89PNG\r\n\x1a\n\0\0").is_err());
        // A ZIP without a Word body is no DOCX.
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        z.start_file("a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        assert_eq!(DocumentType::sniff(&z.finish().unwrap().into_inner()), None);
    }
}
