//! The XLSX appendix: a cover sheet with the figures, then every table of the report on a sheet
//! of its own — title, header, rows, totals — numbers as numbers, withheld figures as "< 5".

use crate::{Cell, Report, Table};
use anyhow::Result;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use text::excel_text;

fn table_sheet(ws: &mut Worksheet, t: &Table) -> Result<()> {
    let title = Format::new()
        .set_bold()
        .set_font_size(13)
        .set_font_name("Times New Roman");
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
        .set_background_color("#DCE6F1")
        .set_font_name("Times New Roman");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_font_name("Times New Roman");
    let num = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.##")
        .set_font_name("Times New Roman");
    let total = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_font_name("Times New Roman");
    let total_num = total.clone().set_num_format("#,##0.##");
    ws.write_with_format(0, 0, excel_text(&t.title).as_ref(), &title)?;
    ws.write_with_format(2, 0, "STT", &head)?;
    for (j, h) in t.header.iter().enumerate() {
        ws.write_with_format(2, j as u16 + 1, excel_text(h).as_ref(), &head)?;
        ws.set_column_width(j as u16 + 1, if j == 0 { 42 } else { 18 })?;
    }
    ws.set_column_width(0, 6)?;
    let write = |ws: &mut Worksheet, r: u32, c: u16, v: &Cell, bold: bool| -> Result<()> {
        match v {
            Cell::Number(n) => {
                ws.write_with_format(r, c, *n, if bold { &total_num } else { &num })?
            }
            other => ws.write_with_format(
                r,
                c,
                excel_text(&other.shown()).as_ref(),
                if bold { &total } else { &cell },
            )?,
        };
        Ok(())
    };
    for (i, row) in t.rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_with_format(r, 0, (i + 1) as u32, &cell)?;
        for (j, v) in row.iter().enumerate() {
            write(ws, r, j as u16 + 1, v, false)?;
        }
    }
    if let Some(tot) = &t.total {
        let r = 3 + t.rows.len() as u32;
        ws.write_with_format(r, 0, "", &total)?;
        for (j, v) in tot.iter().enumerate() {
            write(ws, r, j as u16 + 1, v, true)?;
        }
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

/// The appendix as XLSX bytes.
pub fn render(report: &Report) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Tong hop")?;
    let bold = Format::new()
        .set_bold()
        .set_font_name("Times New Roman")
        .set_font_size(13);
    let plain = Format::new().set_font_name("Times New Roman");
    cover.write_with_format(
        0,
        0,
        format!("PHỤ LỤC SỐ LIỆU — {}", report.subject.to_uppercase()),
        &bold,
    )?;
    cover.write_with_format(
        1,
        0,
        format!("{} — {}", report.issuer, report.place_date),
        &plain,
    )?;
    let f = &report.figures;
    let lines: Vec<(&str, u64)> = vec![
        ("Bài đăng công khai trong kỳ", f.items),
        ("Lượt bày tỏ cảm xúc", f.reactions),
        ("Bình luận", f.comments),
        ("Chia sẻ", f.shares),
        ("Trang, kênh, hội, nhóm trong sổ đăng ký", f.communities),
        ("Trang, kênh chính thức của các đơn vị", f.official_channels),
        (
            "Bài đăng có dấu hiệu (mọi loại)",
            f.items_flagged_by_category.values().sum(),
        ),
        ("Cảnh báo lập trong kỳ", f.alerts_by_category.values().sum()),
        ("Sự kiện trong nhật ký kiểm tra", f.audit_events),
    ];
    for (i, (label, n)) in lines.iter().enumerate() {
        cover.write_with_format(3 + i as u32, 0, *label, &plain)?;
        cover.write_with_format(3 + i as u32, 1, *n as f64, &plain)?;
    }
    let r = 4 + lines.len() as u32;
    cover.write_with_format(
        r,
        0,
        "Mã băm cuối nhật ký kiểm tra (đối chiếu về sau)",
        &plain,
    )?;
    cover.write_with_format(r, 1, &f.audit_head, &plain)?;
    cover.set_column_width(0, 52)?;
    cover.set_column_width(1, 20)?;
    for t in &report.tables {
        let ws = wb.add_worksheet().set_name(&t.sheet)?;
        table_sheet(ws, t)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// A document of tables ([`crate::Tabled`]) as XLSX: its title and issuer on the first sheet,
/// then each table on a sheet of its own.
pub fn tables(d: &crate::Tabled) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Tong hop")?;
    let bold = Format::new()
        .set_bold()
        .set_font_name("Times New Roman")
        .set_font_size(13);
    let plain = Format::new().set_font_name("Times New Roman");
    cover.write_with_format(0, 0, excel_text(&d.title.to_uppercase()).as_ref(), &bold)?;
    cover.write_with_format(1, 0, excel_text(&d.subject).as_ref(), &plain)?;
    cover.write_with_format(
        2,
        0,
        excel_text(&format!("{} — {}", d.issuer, d.place_date)).as_ref(),
        &plain,
    )?;
    for (i, p) in d.paragraphs.iter().enumerate() {
        cover.write_with_format(4 + i as u32, 0, excel_text(p).as_ref(), &plain)?;
    }
    cover.set_column_width(0, 100)?;
    for t in &d.tables {
        let ws = wb.add_worksheet().set_name(&t.sheet)?;
        table_sheet(ws, t)?;
    }
    Ok(wb.save_to_buffer()?)
}
