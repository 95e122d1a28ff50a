//! `sokenh text …`: the text layer on the command line, one JSON object per input line.

use anyhow::{Context, Result};
use clap::Subcommand;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum TextCmd {
    /// Chuẩn hóa từng dòng / canonical, folded, skeleton and tokens of each stdin line
    Normalize {
        #[arg(long)]
        json: bool,
    },
    /// Trích xuất thực thể / entities of each stdin line
    Extract {
        #[arg(long)]
        json: bool,
    },
    /// Chuyển tệp mã cũ (TCVN3, VNI, VISCII) sang UTF-8 / convert a legacy-encoded file to UTF-8
    Decode { file: PathBuf },
}

pub fn run(cmd: TextCmd) -> Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cmd {
        TextCmd::Normalize { json } => {
            for line in stdin.lock().lines() {
                let line = line.context("đọc stdin / reading stdin")?;
                let f = text::Forms::of(&line);
                if json {
                    writeln!(out, "{}", serde_json::to_string(&f)?)?;
                } else {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        f.canonical,
                        f.folded,
                        f.skeleton,
                        f.tokens.join(" ")
                    )?;
                }
            }
        }
        TextCmd::Extract { json } => {
            for line in stdin.lock().lines() {
                let line = line.context("đọc stdin / reading stdin")?;
                let entities = text::extract(&line);
                if json {
                    writeln!(
                        out,
                        "{}",
                        serde_json::json!({"input": line, "entities": entities})
                    )?;
                } else {
                    for e in entities {
                        writeln!(
                            out,
                            "{:?}\t{}\t{}..{}\t{}",
                            e.kind, e.text, e.start, e.end, e.normalized
                        )?;
                    }
                }
            }
        }
        TextCmd::Decode { file } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("không đọc được {} / cannot read", file.display()))?;
            if text::looks_binary(&bytes) {
                anyhow::bail!(
                    "{} không phải tệp văn bản (có byte NUL hoặc ký tự điều khiển) / not a text file",
                    file.display()
                );
            }
            let d = text::decode_bytes(&bytes);
            match d.encoding {
                Some(enc) => eprintln!(
                    "mã nguồn / source encoding: {enc:?} (độ tin cậy {:.2})",
                    d.confidence
                ),
                None => eprintln!(
                    "không phát hiện mã cũ; giữ nguyên / no legacy encoding found; unchanged"
                ),
            }
            out.write_all(d.text.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}
