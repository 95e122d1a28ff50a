//! The detection commands: `factcheck import`, `rules import|list|test`, `blocklist import`,
//! `signals list` and `eval`.

use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use sokenh::{db, screening};
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

pub fn factcheck(store: &mut Store, cmd: FactcheckCmd) -> Result<()> {
    let FactcheckCmd::Import { file, json } = cmd;
    let content = read(&file)?;
    let (entries, rejected) = if content.trim_start().starts_with(['{', '[']) {
        detect::factcheck::parse_claimreview(&content).map_err(anyhow::Error::msg)?
    } else {
        detect::factcheck::parse_csv(&content)
    };
    let (inserted, updated, unchanged) =
        store.import_factchecks("cli", &file.display().to_string(), &entries)?;
    let rejected: Vec<serde_json::Value> = rejected
        .iter()
        .map(|(line, reason)| json!({"line": line, "reason": reason}))
        .collect();
    if json {
        println!(
            "{}",
            json!({"inserted": inserted, "updated": updated, "unchanged": unchanged, "rejected": rejected})
        );
    } else {
        println!(
            "Sổ kiểm chứng: thêm {inserted}, cập nhật {updated}, không đổi {unchanged}, từ chối {}",
            rejected.len()
        );
    }
    Ok(())
}

pub fn rules(dir: &Path, url: Option<&str>, cmd: RulesCmd) -> Result<()> {
    match cmd {
        RulesCmd::Import { file } => {
            let name = file
                .file_name()
                .context("tên tệp / file name")?
                .to_string_lossy()
                .into_owned();
            let mut store = db::open(dir, url)?;
            let pack = screening::import_pack(&mut store, dir, "cli", &name, &read(&file)?)?;
            println!(
                "Đã nhập {} luật ({}, phiên bản {}) / imported",
                pack.rules.len(),
                pack.category,
                pack.version
            );
            Ok(())
        }
        RulesCmd::List { json } => {
            let set = screening::rule_set(dir)?;
            let rows: Vec<serde_json::Value> = set
                .list()
                .into_iter()
                .map(|(id, category, version, weight, shadow)| json!({"id": id, "category": category, "version": version, "weight": weight, "shadow": shadow}))
                .collect();
            if json {
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for r in &rows {
                    let shadow = if r["shadow"] == true {
                        "  (chạy thử, không cảnh báo)"
                    } else {
                        ""
                    };
                    println!(
                        "{:<45} {:<14} {:<12} {:.2}{shadow}",
                        r["id"].as_str().unwrap_or(""),
                        r["category"].as_str().unwrap_or(""),
                        r["version"].as_str().unwrap_or(""),
                        r["weight"].as_f64().unwrap_or(0.0)
                    );
                }
            }
            Ok(())
        }
        RulesCmd::Test { json } => {
            let set = screening::rule_set(dir)?;
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

pub fn blocklist(store: &mut Store, cmd: BlocklistCmd) -> Result<()> {
    let BlocklistCmd::Import { file, allow, json } = cmd;
    let entries = detect::urls::parse_list(&read(&file)?);
    let list = if allow { "allow" } else { "block" };
    let (inserted, updated, unchanged) =
        store.import_url_list("cli", &file.display().to_string(), &entries, list)?;
    if json {
        println!(
            "{}",
            json!({"list": list, "read": entries.len(), "inserted": inserted, "updated": updated, "unchanged": unchanged})
        );
    } else {
        println!(
            "Danh sách {list}: đọc {}, thêm {inserted}, cập nhật {updated}",
            entries.len()
        );
    }
    Ok(())
}

pub fn signals(store: &mut Store, data_dir: &Path, cmd: SignalsCmd) -> Result<()> {
    let (category, json) = match cmd {
        SignalsCmd::List { category, json } => (category, json),
        SignalsCmd::Suppress {
            item,
            reference,
            reason,
        } => {
            screening::suppress(store, data_dir, &item, &reference, &reason)?;
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
    let rows = screening::signal_rows(store, category)?;
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
