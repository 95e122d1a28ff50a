//! `sokenh library`: the rules library — a version of a document kept (`add`), the library
//! listed (`list`), and the re-signing of the code of conduct in effect per unit (`signing`).

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum LibraryCmd {
    /// Lưu một phiên bản văn bản (PDF, DOCX, văn bản thuần) / keep a version of a document
    Add {
        file: PathBuf,
        #[arg(long)]
        title: String,
        #[arg(long)]
        version: String,
        /// Ngày hiệu lực (2026-06-01 hoặc 01/06/2026) / effective date
        #[arg(long)]
        effective: String,
        /// directive | code_of_conduct | ministry_rules | unit_rules (mặc định: đọc từ tên)
        #[arg(long)]
        kind: Option<String>,
        /// Điểm thay đổi so với phiên bản trước / what changed
        #[arg(long, default_value = "")]
        changes: String,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách văn bản / the library
    List {
        #[arg(long)]
        json: bool,
    },
    /// Tiến độ ký lại cam kết theo đơn vị / re-signing progress per unit
    Signing {
        #[arg(long)]
        json: bool,
    },
}

fn document_json(d: &domain::LibraryDocument, current: &str) -> serde_json::Value {
    json!({
        "id": d.id,
        "kind": d.kind,
        "title": d.title,
        "version": d.version,
        "effective": d.effective_on,
        "changes": d.changes,
        "sha256": d.sha256,
        "file_name": d.file_name,
        "media_type": d.media_type,
        "size": d.size,
        "added_by": d.added_by,
        "added_at": d.added_at,
        "current": d.kind == domain::DocumentKind::CodeOfConduct && d.version == current,
    })
}

pub fn run(ctx: &Ctx, what: LibraryCmd) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    match what {
        LibraryCmd::Add {
            file,
            title,
            version,
            effective,
            kind,
            changes,
            json,
        } => {
            let kind = kind
                .map(|k| {
                    domain::DocumentKind::parse_word(&k).with_context(|| {
                        format!("loại «{k}» không có: directive, code_of_conduct, ministry_rules, unit_rules")
                    })
                })
                .transpose()?;
            let bytes = std::fs::read(&file).with_context(|| file.display().to_string())?;
            let added = app.add_document(
                &cli,
                app::library::NewDocument {
                    file_name: file.display().to_string(),
                    bytes,
                    title,
                    version,
                    effective,
                    kind,
                    changes,
                },
            )?;
            let current = app.commitment_version()?;
            let d = &added.document;
            if json {
                let mut v = document_json(d, &current);
                v["text_chars"] = json!(added.text_chars);
                v["text_note"] = json!(added.text_note);
                println!("{v}");
            } else {
                println!(
                    "Đã lưu «{}» phiên bản {} ({}), hiệu lực từ {}: {} ký tự nội dung.",
                    d.title,
                    d.version,
                    d.kind.label_vi(),
                    d.effective_on,
                    added.text_chars
                );
                if let Some(note) = &added.text_note {
                    println!("Lưu ý: {note}");
                }
                if d.kind == domain::DocumentKind::CodeOfConduct {
                    if d.version == current {
                        println!(
                            "Đây là phiên bản cam kết đang có hiệu lực: cán bộ, đảng viên cần ký lại (sokenh library signing)."
                        );
                    } else {
                        println!("Phiên bản cam kết đang có hiệu lực: {current}.");
                    }
                }
            }
            Ok(())
        }
        LibraryCmd::List { json } => {
            let docs = app.library(&cli)?;
            let current = app.commitment_version()?;
            if json {
                let rows: Vec<_> = docs.iter().map(|d| document_json(d, &current)).collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else if docs.is_empty() {
                println!("Thư viện chưa có văn bản. Phiên bản cam kết mặc định: {current}.");
            } else {
                for d in &docs {
                    println!(
                        "#{:<4} {:<26} {:<50} {:<10} từ {}{}",
                        d.id,
                        d.kind.label_vi(),
                        d.title,
                        d.version,
                        d.effective_on,
                        if d.kind == domain::DocumentKind::CodeOfConduct && d.version == current {
                            "  ← đang có hiệu lực"
                        } else {
                            ""
                        }
                    );
                }
            }
            Ok(())
        }
        LibraryCmd::Signing { json } => {
            let r = app.resigning(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "Cam kết phiên bản {}{}",
                    r.version,
                    r.effective_on
                        .as_deref()
                        .map(|d| format!(", hiệu lực từ {d}"))
                        .unwrap_or_default()
                );
                for u in r.units.iter().filter(|u| u.members > 0) {
                    println!(
                        "  {:<40} đã ký {}/{}  (ký bản cũ: {}, đã nhắc: {})",
                        u.unit, u.signed, u.members, u.signed_earlier, u.reminded
                    );
                }
            }
            Ok(())
        }
    }
}
