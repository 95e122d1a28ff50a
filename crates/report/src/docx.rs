//! The report as DOCX in the Party's administrative format (Hướng dẫn 36-HD/VPTW): A4, margins
//! 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman 14 pt; the header block as a
//! borderless two-column table — the superior Party body and the issuing Party Committee with
//! "*" and "Số …-BC/ĐU" on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line on the
//! right; "BÁO CÁO" and its subject; numbered sections with tables and charts; "Nơi nhận" and the
//! signature block ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"). Written as plain WordprocessingML (no
//! template), so the office can edit every word in Word or LibreOffice.

use crate::{Cell, Report, Table};
use anyhow::Result;
use std::fmt::Write as _;
use std::io::Write as _;

/// Escaped for XML text and attributes, with the characters XML 1.0 forbids replaced.
fn esc(s: &str) -> String {
    text::xml_escape(s)
}

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    underline: bool,
    /// Points.
    size: u32,
}

impl Style {
    /// Plain text of `size` points.
    fn of(size: u32) -> Style {
        Style {
            size,
            ..Style::default()
        }
    }

    fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    fn italic(self) -> Style {
        Style {
            italic: true,
            ..self
        }
    }

    fn underline(self) -> Style {
        Style {
            underline: true,
            ..self
        }
    }
}

fn run(text: &str, s: Style) -> String {
    let mut props = String::new();
    if s.bold {
        props.push_str("<w:b/>");
    }
    if s.italic {
        props.push_str("<w:i/>");
    }
    if s.underline {
        props.push_str("<w:u w:val=\"single\"/>");
    }
    if s.size > 0 {
        let _ = write!(
            props,
            "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
            s.size * 2
        );
    }
    format!(
        "<w:r><w:rPr>{props}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
    Both,
}

fn para(content: &str, align: Align, first_line: u32, after: u32, keep_next: bool) -> String {
    let jc = match align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Both => "both",
    };
    let keep = if keep_next { "<w:keepNext/>" } else { "" };
    let ind = if first_line > 0 {
        format!("<w:ind w:firstLine=\"{first_line}\"/>")
    } else {
        String::new()
    };
    format!(
        "<w:p><w:pPr>{keep}<w:spacing w:before=\"0\" w:after=\"{after}\" w:line=\"288\" w:lineRule=\"auto\"/>{ind}<w:jc w:val=\"{jc}\"/></w:pPr>{content}</w:p>"
    )
}

fn text_para(text: &str, s: Style, align: Align) -> String {
    para(&run(text, s), align, 0, 0, false)
}

/// A borderless two-column layout table (header block, signature block).
fn layout(left: &str, right: &str, left_twips: u32, right_twips: u32) -> String {
    let cell = |w: u32, body: &str| {
        format!("<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>{body}</w:tc>")
    };
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w=\"{left_twips}\"/><w:gridCol w:w=\"{right_twips}\"/></w:tblGrid><w:tr>{}{}</w:tr></w:tbl>",
        left_twips + right_twips,
        cell(left_twips, left),
        cell(right_twips, right)
    )
}

/// Width of the text block: 210 − 30 − 15 mm, in twips.
const TEXT_TWIPS: u32 = 9355;

fn data_table(number: usize, t: &Table) -> String {
    let mut s = para(
        &run(
            &format!("Bảng {number}. {}", t.title),
            Style::of(13).bold().italic(),
        ),
        Align::Center,
        0,
        60,
        true,
    );
    let cols = t.header.len() + 1;
    let stt = 700;
    let first = if cols > 2 {
        (TEXT_TWIPS - stt) * 2 / (cols as u32 + 1)
    } else {
        TEXT_TWIPS - stt
    };
    let rest = if cols > 2 {
        (TEXT_TWIPS - stt - first) / (cols as u32 - 2)
    } else {
        0
    };
    let widths: Vec<u32> = (0..cols)
        .map(|j| {
            if j == 0 {
                stt
            } else if j == 1 {
                first
            } else {
                rest
            }
        })
        .collect();
    let border = "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" w:sz=\"4\"/><w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/></w:tblBorders>";
    let _ = write!(
        s,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_TWIPS}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/>{border}</w:tblPr><w:tblGrid>"
    );
    for w in &widths {
        let _ = write!(s, "<w:gridCol w:w=\"{w}\"/>");
    }
    s.push_str("</w:tblGrid>");
    let small = Style::of(12);
    let row = |cells: Vec<(String, bool, Align)>, header: bool| -> String {
        let mut r = String::from("<w:tr>");
        if header {
            r.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        for ((text, bold, align), w) in cells.into_iter().zip(&widths) {
            let shade = if header {
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"DCE6F1\"/>"
            } else {
                ""
            };
            let _ = write!(
                r,
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{shade}</w:tcPr>{}</w:tc>",
                para(&run(&text, Style { bold, ..small }), align, 0, 0, false)
            );
        }
        r.push_str("</w:tr>");
        r
    };
    let mut head = vec![("STT".to_owned(), true, Align::Center)];
    head.extend(t.header.iter().map(|h| (h.clone(), true, Align::Center)));
    s.push_str(&row(head, true));
    let cell = |c: &Cell, bold: bool| -> (String, bool, Align) {
        let align = if matches!(c, Cell::Text(_)) {
            Align::Left
        } else {
            Align::Center
        };
        (c.shown(), bold, align)
    };
    for (i, r) in t.rows.iter().enumerate() {
        let mut cells = vec![((i + 1).to_string(), false, Align::Center)];
        cells.extend(r.iter().map(|c| cell(c, false)));
        s.push_str(&row(cells, false));
    }
    if let Some(total) = &t.total {
        let mut cells = vec![(String::new(), true, Align::Center)];
        cells.extend(total.iter().map(|c| cell(c, true)));
        s.push_str(&row(cells, false));
    }
    if t.rows.is_empty() {
        let mut cells = vec![
            (String::new(), false, Align::Center),
            ("(không có)".to_owned(), false, Align::Left),
        ];
        cells.extend((2..cols).map(|_| (String::new(), false, Align::Center)));
        s.push_str(&row(cells, false));
    }
    s.push_str("</w:tbl>");
    s.push_str(&para("", Align::Left, 0, 120, false));
    s
}

fn image(rid: &str, id: usize, width_px: u32, height_px: u32) -> String {
    // 16 cm wide; height in proportion. EMU: 360 000 per cm.
    let cx: u64 = 5_760_000;
    let cy = cx * u64::from(height_px) / u64::from(width_px.max(1));
    format!(
        "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"Biểu đồ {id}\"/><a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"chart{id}.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
}

/// The header block: the superior body, the issuer (bold), "*", the number and, for a letter,
/// its subject ("V/v …") on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line on
/// the right.
fn header_block(
    superior: &str,
    issuer: &str,
    number: &str,
    about: Option<&str>,
    place_date: &str,
) -> String {
    let mut left = [
        text_para(superior, Style::of(13), Align::Center),
        text_para(issuer, Style::of(14).bold(), Align::Center),
        text_para("*", Style::of(14), Align::Center),
        text_para(number, Style::of(14), Align::Center),
    ]
    .concat();
    if let Some(about) = about {
        left.push_str(&text_para(about, Style::of(12), Align::Center));
    }
    let right = [
        text_para(
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            Style::of(15).bold().underline(),
            Align::Center,
        ),
        text_para("", Style::default(), Align::Center),
        text_para(place_date, Style::of(14).italic(), Align::Center),
    ]
    .concat();
    layout(&left, &right, 4700, TEXT_TWIPS - 4700)
}

/// "Nơi nhận" with its list on the left; on whose behalf and the signer's title on the right.
fn signature_block(recipients: &[String], on_behalf: &str, role: &str) -> String {
    let mut left = text_para("Nơi nhận:", Style::of(12).bold().italic(), Align::Left);
    for r in recipients {
        left.push_str(&text_para(&format!("- {r}"), Style::of(11), Align::Left));
    }
    let right = [
        text_para(on_behalf, Style::of(14).bold(), Align::Center),
        text_para(role, Style::of(14).bold(), Align::Center),
        text_para("", Style::default(), Align::Center),
        text_para("", Style::default(), Align::Center),
        text_para("", Style::default(), Align::Center),
        text_para("", Style::default(), Align::Center),
    ]
    .concat();
    layout(&left, &right, 4600, TEXT_TWIPS - 4600)
}

/// `word/document.xml` and the chart images (PNG) it refers to as `rIdChartN`.
/// The title and subject under the header block, centred, with the short rule below.
fn title_block(title: &str, subject: &str) -> String {
    [
        para("", Align::Center, 0, 240, false),
        para(&run(title, Style::of(16).bold()), Align::Center, 0, 0, true),
        para(
            &run(subject, Style::of(14).bold()),
            Align::Center,
            0,
            0,
            true,
        ),
        para(&run("-----", Style::of(14)), Align::Center, 0, 240, false),
    ]
    .concat()
}

pub fn document_xml(report: &Report, charts: &[(Vec<u8>, u32, u32)]) -> String {
    let mut body = String::new();
    body.push_str(&header_block(
        &report.superior,
        &report.issuer,
        &report.number,
        None,
        &report.place_date,
    ));
    body.push_str(&title_block(&report.title, &report.subject));
    // Sections.
    let mut table_no = 0;
    for section in &report.sections {
        body.push_str(&para(
            &run(&section.heading, Style::of(14).bold()),
            Align::Left,
            0,
            120,
            true,
        ));
        for p in &section.paragraphs {
            body.push_str(&para(&run(p, Style::of(14)), Align::Both, 720, 120, false));
        }
        for &t in &section.tables {
            table_no += 1;
            body.push_str(&data_table(table_no, &report.tables[t]));
        }
        for &c in &section.charts {
            if let Some((_, w, h)) = charts.get(c) {
                body.push_str(&para(
                    &image(&format!("rIdChart{c}"), c + 1, *w, *h),
                    Align::Center,
                    0,
                    60,
                    true,
                ));
                body.push_str(&para(
                    &run(
                        &format!("Biểu đồ {}. {}", c + 1, report.charts[c].title),
                        Style::of(12).italic(),
                    ),
                    Align::Center,
                    0,
                    180,
                    false,
                ));
            }
        }
    }
    body.push_str(&para("", Align::Left, 0, 240, false));
    body.push_str(&signature_block(
        &report.recipients,
        &report.signature_on_behalf,
        &report.signature_role,
    ));
    // The audit anchor, small, for whoever checks the log later.
    body.push_str(&para(
        &run(
            &format!(
                "Nhật ký kiểm tra khi lập báo cáo: {} sự kiện, mã băm cuối {}{}.",
                report.figures.audit_events,
                report.figures.audit_head,
                if report.figures.audit_ok {
                    ""
                } else {
                    " — CHUỖI NHẬT KÝ KHÔNG TOÀN VẸN"
                }
            ),
            Style::of(9).italic(),
        ),
        Align::Left,
        0,
        0,
        false,
    ));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style></w:styles>";

/// The DOCX file's bytes.
pub fn render(report: &Report) -> Result<Vec<u8>> {
    let charts: Vec<(Vec<u8>, u32, u32)> = report
        .charts
        .iter()
        .map(|c| crate::chart::png(&c.svg, 2.0))
        .collect::<Result<_>>()?;
    let document = document_xml(report, &charts);
    let pngs: Vec<&[u8]> = charts.iter().map(|(png, _, _)| png.as_slice()).collect();
    package(&document, &pngs)
}

/// A DOCX package: the document, the styles, and the pictures `media/chart{i}.png` it refers to.
fn package(document: &str, pngs: &[&[u8]]) -> Result<Vec<u8>> {
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    );
    for i in 0..pngs.len() {
        let _ = write!(
            rels,
            "<Relationship Id=\"rIdChart{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart{i}.png\"/>"
        );
    }
    rels.push_str("</Relationships>");
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
            zip.start_file(name, opts)?;
            zip.write_all(bytes)?;
            Ok(())
        };
        add(
            "[Content_Types].xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/></Types>",
        )?;
        add(
            "_rels/.rels",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>",
        )?;
        add("word/document.xml", document.as_bytes())?;
        add("word/styles.xml", STYLES.as_bytes())?;
        add("word/_rels/document.xml.rels", rels.as_bytes())?;
        for (i, png) in pngs.iter().enumerate() {
            add(&format!("word/media/chart{i}.png"), png)?;
        }
        zip.finish()?;
    }
    Ok(buf.into_inner())
}

/// A letter (a case's takedown request) as DOCX, in the same layout as the report.
pub fn letter(l: &crate::Letter) -> Result<Vec<u8>> {
    let plain = Style::of(14);
    let mut body = header_block(
        &l.superior,
        &l.issuer,
        &l.number,
        Some(&l.about),
        &l.place_date,
    );
    body.push_str(&para("", Align::Center, 0, 240, false));
    // "Kính gửi:" hangs to the left of the first addressee; every addressee's lines start at
    // the same place.
    for (i, a) in l.addressees.iter().enumerate() {
        let (label, hanging) = if i == 0 {
            ("Kính gửi: ", 1134)
        } else {
            ("", 0)
        };
        let _ = write!(
            body,
            "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"60\" w:line=\"288\" w:lineRule=\"auto\"/><w:ind w:left=\"2552\" w:hanging=\"{hanging}\"/><w:jc w:val=\"left\"/></w:pPr>{}{}</w:p>",
            run(
                label,
                Style {
                    italic: true,
                    ..plain
                },
            ),
            run(&format!("- {a}"), plain)
        );
    }
    body.push_str(&para("", Align::Left, 0, 120, false));
    for p in &l.paragraphs {
        body.push_str(&para(&run(p, plain), Align::Both, 567, 120, false));
    }
    if !l.evidence.is_empty() {
        body.push_str(&para(
            &run(
                "Tài liệu, chứng cứ kèm theo (bản lưu không chỉnh sửa, kiểm tra bằng mã SHA-256):",
                plain,
            ),
            Align::Both,
            567,
            60,
            true,
        ));
        for e in &l.evidence {
            body.push_str(&para(&run(e, Style::of(12)), Align::Left, 567, 40, false));
        }
    }
    body.push_str(&para(&run(&l.closing, plain), Align::Both, 567, 240, false));
    body.push_str(&signature_block(&l.recipients, &l.on_behalf, &l.role));
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    package(&document, &[])
}

/// A document of tables ([`crate::Tabled`]) as DOCX, in the report's layout.
pub fn tables(d: &crate::Tabled) -> Result<Vec<u8>> {
    let mut body = header_block(&d.superior, &d.issuer, &d.number, None, &d.place_date);
    body.push_str(&title_block(&d.title, &d.subject));
    for p in &d.paragraphs {
        body.push_str(&para(&run(p, Style::of(14)), Align::Both, 720, 120, false));
    }
    for (i, t) in d.tables.iter().enumerate() {
        body.push_str(&data_table(i + 1, t));
    }
    body.push_str(&para("", Align::Left, 0, 240, false));
    body.push_str(&signature_block(&d.recipients, &d.on_behalf, &d.role));
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    package(&document, &[])
}
