//! Charts for documents: the report's SVG rendered to PNG with resvg (system fonts: Liberation,
//! DejaVu), since Word and LibreOffice both take PNG in a DOCX.

use anyhow::{Context, Result};

/// PNG of an SVG at `scale` × its size (2 for print).
pub fn png(svg: &str, scale: f32) -> Result<(Vec<u8>, u32, u32)> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        std::sync::Arc::new(db)
    });
    let options = resvg::usvg::Options {
        fontdb: fonts.clone(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options).context("biểu đồ SVG không hợp lệ")?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).context("biểu đồ rỗng")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok((pixmap.encode_png().context("không mã hóa được PNG")?, w, h))
}
