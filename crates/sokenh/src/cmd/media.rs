//! `sokenh media …` and `sokenh impersonation …`: PDQ hashes, provenance, avatars of the
//! register's communities, OCR (feature `ocr`), and the impersonation scan.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use media::pdq::Pipeline;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum MediaCmd {
    /// Mã PDQ của ảnh / PDQ hash of pictures (PNG, JPEG, WebP, GIF)
    Hash {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Như công cụ tham chiếu pdq-photo-hasher (thu về 512×512) / as the reference CLI does
        #[arg(long)]
        reference_cli: bool,
        #[arg(long)]
        json: bool,
    },
    /// Nguồn gốc ảnh: C2PA, dấu vết công cụ AI / provenance of a picture
    Provenance {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Ghi ảnh đại diện của một trang trong sổ / record a community's avatar
    Avatar {
        /// Đường dẫn của trang trong sổ / the community's URL
        community: String,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Đọc chữ trong ảnh và rà soát / text from pictures, screened (build with --features ocr)
    Ocr {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ImpersonationCmd {
    /// Rà soát trang giả mạo trang chính thức / find pages impersonating our official channels
    Scan {
        /// Điểm tối thiểu (mặc định 0.6: được coi là giả mạo) / lowest score shown
        #[arg(long, default_value_t = detect::impersonation::JUDGED)]
        min_score: f64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: MediaCmd, open: impl FnOnce() -> Result<app::App>) -> Result<()> {
    match cmd {
        MediaCmd::Hash {
            files,
            reference_cli,
            json,
        } => hash(&files, reference_cli, json),
        MediaCmd::Provenance { file, json } => provenance(&file, json),
        MediaCmd::Avatar {
            community,
            file,
            json,
        } => avatar(&open()?, &community, &file, json),
        MediaCmd::Ocr { files, json } => ocr(&files, json),
    }
}

fn hash(files: &[PathBuf], reference_cli: bool, json: bool) -> Result<()> {
    let pipeline = if reference_cli {
        Pipeline::ReferenceCli
    } else {
        Pipeline::Sokenh
    };
    let mut failed = 0;
    for f in files {
        let result = media::read(f)
            .and_then(|b| media::decode(&b))
            .map(|img| media::pdq_with(&img, pipeline));
        match (result, json) {
            (Ok(p), true) => println!(
                "{}",
                json!({"file": f, "pdq": p.hash.to_hex(), "quality": p.quality})
            ),
            (Ok(p), false) => println!(
                "{}  chất lượng {:>3}{}  {}",
                p.hash,
                p.quality,
                if p.trustworthy() {
                    ""
                } else {
                    " (yếu, không dùng để so khớp)"
                },
                f.display()
            ),
            (Err(e), true) => {
                failed += 1;
                println!("{}", json!({"file": f, "error": e.to_string()}));
            }
            (Err(e), false) => {
                failed += 1;
                eprintln!("{}: {e}", f.display());
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed}/{} tệp không băm được / files could not be hashed",
            files.len()
        );
    }
    Ok(())
}

fn provenance(file: &Path, json: bool) -> Result<()> {
    let bytes = media::read(file)?;
    let p = media::provenance::inspect(&bytes).with_context(|| file.display().to_string())?;
    if json {
        let mut v = serde_json::to_value(&p)?;
        v["file"] = json!(file);
        v["c2pa_reader"] = json!(cfg!(feature = "c2pa"));
        println!("{v}");
        return Ok(());
    }
    println!("{}", file.display());
    println!("  {}", p.summary);
    for i in &p.indicators {
        println!("  • [{}] {} — {}", i.source, i.evidence, i.meaning);
    }
    Ok(())
}

fn avatar(app: &app::App, community: &str, file: &Path, json: bool) -> Result<()> {
    let url = domain::CanonicalUrl::parse(community)
        .map_err(|e| anyhow::anyhow!("đường dẫn «{community}»: {e}"))?;
    let id = app
        .store()?
        .community_id_by_key(url.as_str())?
        .with_context(|| format!("không có trang {url} trong sổ / not in the register"))?;
    let (avatar, changed) = app.set_avatar(&app::Actor::cli(), id.0, &media::read(file)?)?;
    if json {
        println!(
            "{}",
            json!({"community": url.as_str(), "pdq": avatar.pdq, "quality": avatar.quality, "sha256": avatar.sha256, "changed": changed})
        );
    } else {
        let name = app
            .store()?
            .community(id)?
            .map_or_else(|| url.to_string(), |c| c.name);
        println!(
            "{name}: {} (chất lượng {}){}",
            avatar.pdq,
            avatar.quality,
            if changed { "" } else { " — không đổi" }
        );
    }
    Ok(())
}

#[cfg(feature = "ocr")]
fn ocr(files: &[PathBuf], json: bool) -> Result<()> {
    let engine = detect::Engine::with_defaults()?;
    for f in files {
        let text =
            media::ocr::image_text(&media::read(f)?).with_context(|| f.display().to_string())?;
        let signals: Vec<_> = engine
            .screen(&text)
            .into_iter()
            .filter(|s| !s.shadow)
            .map(|s| json!({"category": s.category.as_str(), "score": s.score, "explanation": s.explanation, "detector": s.detector}))
            .collect();
        if json {
            println!("{}", json!({"file": f, "text": text, "signals": signals}));
        } else {
            println!("{}:\n{text}", f.display());
            for s in &signals {
                println!("  ⚑ {} {}: {}", s["category"], s["score"], s["explanation"]);
            }
        }
    }
    Ok(())
}

#[cfg(not(feature = "ocr"))]
fn ocr(_files: &[PathBuf], _json: bool) -> Result<()> {
    bail!(
        "bản dựng này không có OCR: dựng lại với `--features ocr` và cài tesseract-ocr, tesseract-ocr-vie / this build has no OCR"
    )
}

pub fn impersonation(app: &app::App, cmd: ImpersonationCmd) -> Result<()> {
    let ImpersonationCmd::Scan { min_score, json } = cmd;
    let findings = app.impersonation_scan(&app::Actor::cli(), min_score)?;
    if json {
        println!("{}", serde_json::to_string(&findings)?);
        return Ok(());
    }
    if findings.is_empty() {
        println!("Không thấy trang nào giả mạo trang chính thức (điểm ≥ {min_score}).");
    }
    for f in &findings {
        let how = match f.kind {
            detect::impersonation::FindingKind::Impostor => "giả",
            detect::impersonation::FindingKind::NotOfficial => {
                "trang của đơn vị ta, không phải kênh chính thức, dùng tên"
            }
        };
        println!(
            "{:.2}  «{}» {} ← {how} «{}»",
            f.score,
            f.candidate.name,
            f.candidate.url.as_deref().unwrap_or("(không có đường dẫn)"),
            f.official.name
        );
        for r in &f.reasons {
            println!("        – {r}");
        }
    }
    Ok(())
}
