//! The detection commands: `factcheck import`, `rules import|list|test`, `blocklist import`,
//! `signals list` and `eval`.

use anyhow::{Context, Result};
use app::{db, screening};
use clap::Subcommand;
use serde_json::json;
use std::path::{Path, PathBuf};
use store::Store;

#[derive(Subcommand)]
pub enum FactcheckCmd {
    /// Nhập từ CSV (id, claim, verdict, correction, source_url) hoặc ClaimReview JSON-LD
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RulesCmd {
    /// Thêm bộ luật của đơn vị (TOML) / add an office rule pack
    Import { file: PathBuf },
    /// Liệt kê luật / list rules
    List {
        #[arg(long)]
        json: bool,
    },
    /// Chạy ví dụ của từng luật / run every rule's examples
    Test {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum BlocklistCmd {
    /// Nhập danh sách (mỗi dòng một mục, CSV, hoặc mảng JSON) / import a list
    Import {
        file: PathBuf,
        /// Danh sách cho phép thay vì chặn / an allow list
        #[arg(long)]
        allow: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SignalsCmd {
    /// Danh sách tín hiệu / list signals
    List {
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Đánh dấu một khớp sai đã biết: luật này trên nội dung này không cảnh báo nữa
    /// / suppress a known false match
    Suppress {
        /// Mã bài đăng (của nguồn) / the item's source id
        item: String,
        /// Luật hoặc mục sổ kiểm chứng / the rule or register entry
        #[arg(long = "ref")]
        reference: String,
        /// Lý do / why
        #[arg(long)]
        reason: String,
    },
}

fn read(file: &Path) -> Result<String> {
    std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được {} / cannot read", file.display()))
}

pub fn factcheck(app: &app::App, cmd: FactcheckCmd) -> Result<()> {
    let FactcheckCmd::Import { file, json } = cmd;
    let done = app.import_factchecks(
        &app::Actor::cli(),
        &file.display().to_string(),
        &read(&file)?,
    )?;
    let rejected: Vec<serde_json::Value> = done
        .rejected
        .iter()
        .map(|(line, reason)| json!({"line": line, "reason": reason}))
        .collect();
    if json {
        println!(
            "{}",
            json!({"inserted": done.inserted, "updated": done.updated, "unchanged": done.unchanged, "rejected": rejected})
        );
    } else {
        println!(
            "Sổ kiểm chứng: thêm {}, cập nhật {}, không đổi {}, từ chối {}",
            done.inserted,
            done.updated,
            done.unchanged,
            rejected.len()
        );
    }
    Ok(())
}

pub fn rules(ctx: &super::Ctx, cmd: RulesCmd) -> Result<()> {
    match cmd {
        RulesCmd::Import { file } => {
            let name = file
                .file_name()
                .context("tên tệp / file name")?
                .to_string_lossy()
                .into_owned();
            let pack = ctx
                .app()?
                .import_rule_pack(&app::Actor::cli(), &name, &read(&file)?)?;
            println!(
                "Đã nhập {} luật ({}, phiên bản {}) / imported",
                pack.rules.len(),
                pack.category,
                pack.version
            );
            Ok(())
        }
        RulesCmd::List { json } => {
            let list = ctx.app()?.rules(&app::Actor::cli())?;
            if let Some(why) = &list.health {
                eprintln!("{why}");
            }
            if json {
                let rows: Vec<serde_json::Value> = list
                    .rules
                    .iter()
                    .map(|r| json!({"id": r.id, "category": r.category, "version": r.version, "weight": r.weight, "shadow": r.shadow}))
                    .collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for r in &list.rules {
                    let shadow = if r.shadow {
                        "  (chạy thử, không cảnh báo)"
                    } else {
                        ""
                    };
                    println!(
                        "{:<45} {:<14} {:<12} {:.2}{shadow}",
                        r.id, r.category, r.version, r.weight
                    );
                }
            }
            Ok(())
        }
        RulesCmd::Test { json } => {
            let set = screening::rule_set(&mut ctx.store()?)?;
            let failures = set.self_test();
            let rules: usize = set.packs.iter().map(|p| p.rules.len()).sum();
            let examples: usize = set
                .packs
                .iter()
                .flat_map(|p| &p.rules)
                .map(|r| r.positive.len() + r.negative.len())
                .sum();
            let f: Vec<serde_json::Value> = failures
                .iter()
                .map(|(r, e, x)| json!({"rule": r, "example": e, "expected": x}))
                .collect();
            if json {
                println!(
                    "{}",
                    json!({"rules": rules, "examples": examples, "failures": f})
                );
            } else {
                println!("{rules} luật, {examples} ví dụ, {} lỗi", f.len());
            }
            if failures.is_empty() {
                Ok(())
            } else {
                std::process::exit(3)
            }
        }
    }
}

pub fn blocklist(app: &app::App, cmd: BlocklistCmd) -> Result<()> {
    let BlocklistCmd::Import { file, allow, json } = cmd;
    let done = app.import_url_list(
        &app::Actor::cli(),
        &file.display().to_string(),
        &read(&file)?,
        allow,
    )?;
    let list = if allow { "allow" } else { "block" };
    if json {
        println!(
            "{}",
            json!({"list": list, "read": done.read, "inserted": done.inserted, "updated": done.updated, "unchanged": done.unchanged})
        );
    } else {
        println!(
            "Danh sách {list}: đọc {}, thêm {}, cập nhật {}",
            done.read, done.inserted, done.updated
        );
    }
    Ok(())
}

pub fn signals(ctx: &super::Ctx, cmd: SignalsCmd) -> Result<()> {
    let (category, json) = match cmd {
        SignalsCmd::List { category, json } => (category, json),
        SignalsCmd::Suppress {
            item,
            reference,
            reason,
        } => {
            ctx.app()?
                .suppress(&app::Actor::cli(), &item, &reference, &reason)?;
            println!(
                "Đã ghi nhận khớp sai: {reference} trên bài {item} sẽ không cảnh báo nữa / suppressed"
            );
            return Ok(());
        }
    };
    let category = category
        .map(|c| {
            domain::Category::parse_word(&c)
                .with_context(|| format!("danh mục không có trong bảng phân loại «{c}»"))
        })
        .transpose()?;
    let rows = screening::signal_rows(&mut ctx.store()?, category)?;
    if json {
        println!("{}", serde_json::to_string(&rows)?);
    } else {
        for r in &rows {
            println!(
                "{:.2}  {:<14} {}  {}",
                r.score,
                r.category.as_str(),
                r.item_id,
                r.explanation
            );
        }
        println!("{} tín hiệu", rows.len());
    }
    Ok(())
}

pub fn eval(dir: &Path, json: bool) -> Result<()> {
    let v = screening::eval(dir)?;
    if json {
        println!("{v}");
    } else {
        println!("{} ví dụ", v["examples"]);
        if let Some(cats) = v["categories"].as_object() {
            for (c, s) in cats {
                println!(
                    "{c:<14} P {:.2}  R {:.2}  F1 {:.2}",
                    s["precision"].as_f64().unwrap_or(0.0),
                    s["recall"].as_f64().unwrap_or(0.0),
                    s["f1"].as_f64().unwrap_or(0.0)
                );
            }
        }
        let hard = &v["hard_negatives"];
        if hard["count"].as_u64().unwrap_or(0) > 0 {
            println!(
                "tin khó (không được gắn cờ): {} / {} bị gắn cờ ({:.1} %)",
                hard["flagged"],
                hard["count"],
                100.0 * hard["rate"].as_f64().unwrap_or(0.0)
            );
        }
        if let Some(layers) = v["layers"].as_object() {
            for (name, l) in layers {
                let f1: Vec<String> = l["categories"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(c, s)| format!("{c} {:.2}", s["f1"].as_f64().unwrap_or(0.0)))
                    .collect();
                println!(
                    "  lớp {name:<6} F1: {}; tin khó bị gắn cờ {}",
                    f1.join(", "),
                    l["hard_negatives"]["flagged"]
                );
            }
        }
        if let Some(p) = v.get("impersonation_pages") {
            println!(
                "{:<14} P {:.2}  R {:.2}  F1 {:.2}  (trang giả mạo: {} ví dụ, {} trang giả)",
                "trang giả mạo",
                p["precision"].as_f64().unwrap_or(0.0),
                p["recall"].as_f64().unwrap_or(0.0),
                p["f1"].as_f64().unwrap_or(0.0),
                p["examples"],
                p["impostors"]
            );
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum ModelCmd {
    /// Huấn luyện mô hình: trên các tệp JSONL có nhãn trong DIR (ghi ra --out), hoặc
    /// (--from-decisions) trên kho ví dụ kèm theo và các quyết định của đơn vị, thành mô hình
    /// chạy thử / train: on labelled JSONL files, or on this office's decisions into a shadow model
    Train {
        /// Tệp JSONL có nhãn hoặc thư mục các tệp đó / a labelled JSONL file or a folder of them
        dir: Option<PathBuf>,
        /// Tệp mô hình ghi ra (với DIR) / the model file to write (with DIR)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Học từ quyết định của cán bộ về cảnh báo / learn from the officers' decisions
        #[arg(long)]
        from_decisions: bool,
        #[arg(long, default_value_t = detect::model::DEFAULT_SEED)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Mô hình đang dùng và mô hình chạy thử với số đo so sánh / the active and shadow models
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Đưa mô hình chạy thử vào dùng (ghi nhật ký) / promote the shadow model (audited)
    Promote {
        #[arg(long)]
        json: bool,
    },
}

fn print_trial(t: &app::learning::Trial) {
    println!(
        "Mô hình chạy thử {}: học {} ví dụ của kho và {} quyết định; so trên {} quyết định để riêng:",
        t.version, t.corpus_examples, t.decisions_trained, t.decisions_held_out
    );
    for (name, f) in [("đang dùng", &t.current), ("chạy thử", &t.shadow)] {
        println!(
            "  {name:<10} precision {:.2}  recall {:.2}  (đúng {}, báo nhầm {}, bỏ sót {})",
            f.precision, f.recall, f.tp, f.fp, f.fn_
        );
    }
}

pub fn model(dir: &Path, url: Option<&str>, cmd: ModelCmd) -> Result<()> {
    use app::learning;
    match cmd {
        ModelCmd::Train {
            dir: Some(corpus),
            out,
            from_decisions: false,
            seed,
            json,
        } => {
            let out = out.context("cần --out TỆP cho mô hình / --out FILE is required with DIR")?;
            // Named after its file; `default.skm` is the default model's own name.
            let version = match out.file_stem().map(|s| s.to_string_lossy()) {
                Some(stem) if stem == "default" => detect::model::DEFAULT_VERSION.to_owned(),
                Some(stem) => format!("model-{stem}"),
                None => "model".to_owned(),
            };
            let (m, n) = learning::train_on_dir(&corpus, seed, &version)?;
            let bytes = m.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("ghi {}", out.display()))?;
            let sha = learning::sha256_hex(&bytes);
            if json {
                println!(
                    "{}",
                    json!({"examples": n, "seed": seed, "version": version, "bytes": bytes.len(), "sha256": sha, "out": out})
                );
            } else {
                println!(
                    "Đã huấn luyện trên {n} ví dụ (hạt giống {seed}): {} ({} byte, sha256 {sha})",
                    out.display(),
                    bytes.len()
                );
            }
            Ok(())
        }
        ModelCmd::Train {
            from_decisions: true,
            dir: None,
            seed,
            json,
            ..
        } => {
            let mut store = db::open(dir, url)?;
            let t = learning::train_from_decisions(&mut store, dir, "cli", seed)?;
            if json {
                println!("{}", serde_json::to_string(&t)?);
            } else {
                print_trial(&t);
                println!(
                    "Mô hình này chỉ chạy thử (không cảnh báo) cho đến khi `sokenh model promote`."
                );
            }
            Ok(())
        }
        ModelCmd::Train { .. } => anyhow::bail!(
            "dùng `model train DIR --out TỆP` hoặc `model train --from-decisions` / give DIR and --out, or --from-decisions"
        ),
        ModelCmd::Status { json } => {
            let active = learning::active_model(dir)?;
            let t = learning::trial(dir)?;
            if json {
                println!("{}", json!({"active": active.version, "shadow": t}));
            } else {
                println!("Mô hình đang dùng: {}", active.version);
                match &t {
                    Some(t) => print_trial(t),
                    None => println!("Không có mô hình chạy thử."),
                }
            }
            Ok(())
        }
        ModelCmd::Promote { json } => {
            let mut store = db::open(dir, url)?;
            let t = learning::promote(&mut store, dir, "cli")?;
            if json {
                println!("{}", serde_json::to_string(&t)?);
            } else {
                println!("Đã đưa {} vào dùng (ghi vào nhật ký).", t.version);
            }
            Ok(())
        }
    }
}

/// `sokenh screen`: each stdin line through the office's engine (its packs, lists, register and
/// model): the signals, and the rules a warning, a report or a negation held back, with why.
pub fn screen_lines(store: &mut Store, dir: &Path, json: bool) -> Result<()> {
    use std::io::{BufRead, Write};
    let engine = screening::engine(store, dir)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.context("đọc đầu vào / reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let mut held = Vec::new();
        let signals = engine.screen_explained(&line, Some(&mut held));
        if json {
            writeln!(
                out,
                "{}",
                json!({"text": line, "signals": signals, "not_flagged": held})
            )?;
        } else {
            writeln!(out, "{line}")?;
            for s in signals
                .iter()
                .filter(|s| !s.shadow && s.score >= detect::alerts::ALERT_THRESHOLD)
            {
                writeln!(out, "  [{}] {}", s.category.as_str(), s.explanation)?;
            }
            for h in &held {
                writeln!(out, "  {}", h.explanation)?;
            }
        }
    }
    Ok(())
}
