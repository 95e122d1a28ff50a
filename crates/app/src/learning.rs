//! Learning from the office: officers' decisions on alerts become labelled examples, a model is
//! retrained on them (with the shipped corpus) by a person's command, runs in shadow mode, and
//! is promoted by an analyst after seeing its precision and recall against the current model on
//! a held-out part of the decisions. Nothing retrains or promotes itself; both steps are audited.
//!
//! Files, in the data dir: `model/active.skm` (the promoted model; absent = the default model
//! embedded in the binary), `model/shadow.skm` and `model/shadow.json` (the model on trial and
//! its comparison).

use anyhow::{Context, Result};
use detect::model::{self, Example, Model, TrainConfig};
use domain::Category;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use store::Store;

fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("model")
}

fn read_model(path: &Path) -> Result<Option<Model>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(
            Model::from_bytes(&bytes).with_context(|| format!("đọc {}", path.display()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("đọc {}", path.display())),
    }
}

/// The model screening uses: the promoted one, or the default embedded in the binary.
pub fn active_model(data_dir: &Path) -> Result<Model> {
    Ok(read_model(&dir(data_dir).join("active.skm"))?.unwrap_or_else(Model::default_model))
}

/// The model on trial, if there is one.
pub fn shadow_model(data_dir: &Path) -> Result<Option<Model>> {
    read_model(&dir(data_dir).join("shadow.skm"))
}

/// One decision as a labelled example: this item's text is (or is not) of this category.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub alert_id: i64,
    pub item_id: String,
    pub category: Category,
    pub positive: bool,
    pub text: String,
}

/// The decisions taken on alerts: a dismissed alert's items are negatives of its category, the
/// items of an alert confirmed or taken into a case are positives, and a known false match the
/// office suppressed (a rule and an item's folded text, kept in the store) is a negative of the
/// rule's category. Open alerts are not decisions.
pub fn decisions(store: &mut Store) -> Result<Vec<Decision>> {
    let mut out = Vec::new();
    for (k, s) in crate::screening::suppressions(store)?
        .into_iter()
        .enumerate()
    {
        let word = s
            .reference
            .strip_prefix("model.")
            .unwrap_or(&s.reference)
            .split('.')
            .next()
            .unwrap_or("");
        if let Some(category) = Category::parse_word(word).filter(|c| model::CATEGORIES.contains(c))
        {
            out.push(Decision {
                alert_id: -(k as i64) - 1,
                item_id: format!("suppression-{k}"),
                category,
                positive: false,
                text: s.folded_text,
            });
        }
    }
    for a in store.alerts()? {
        let positive = match a.status.as_str() {
            "dismissed" => false,
            "confirmed" | "in_case" => true,
            _ => continue,
        };
        for id in &a.item_ids {
            if let Some(item) = store.items_by_source(id)?.into_iter().next() {
                out.push(Decision {
                    alert_id: a.id,
                    item_id: id.clone(),
                    category: a.category,
                    positive,
                    text: item.text,
                });
            }
        }
    }
    Ok(out)
}

/// Every fifth decision (by a hash of its alert and item, so the split does not move when new
/// decisions come) is held out to compare models; the rest are trained on.
fn held_out(d: &Decision) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in d.alert_id.to_le_bytes().iter().chain(d.item_id.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.is_multiple_of(5)
}

/// Precision and recall of one model on the held-out decisions (a decision counts for its own
/// category: does the model raise it, at the model-only threshold?).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tn: u64,
    pub precision: f64,
    pub recall: f64,
}

fn figures(m: &Model, held: &[&Decision]) -> Figures {
    let mut f = Figures::default();
    for d in held {
        match (d.positive, m.raises(&d.text, d.category)) {
            (true, true) => f.tp += 1,
            (false, true) => f.fp += 1,
            (true, false) => f.fn_ += 1,
            (false, false) => f.tn += 1,
        }
    }
    // Nothing raised is no false alarm, and nothing to find is nothing missed.
    f.precision = detect::eval::share(f.tp, f.fp).unwrap_or(1.0);
    f.recall = detect::eval::share(f.tp, f.fn_).unwrap_or(1.0);
    f
}

/// What a retraining produced, kept beside the shadow model and shown before promoting.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Trial {
    pub version: String,
    pub seed: u64,
    pub corpus_examples: usize,
    pub decisions_trained: usize,
    pub decisions_held_out: usize,
    pub current: Figures,
    pub shadow: Figures,
    pub model_bytes: usize,
    pub sha256: String,
}

/// Trains a model on a labelled JSONL file, or on every `*.jsonl` of a folder in name order.
pub fn train_on_dir(dir: &Path, seed: u64, version: &str) -> Result<(Model, usize)> {
    let (rows, _) = crate::screening::labelled(dir)?;
    anyhow::ensure!(
        !rows.is_empty(),
        "không có ví dụ nào trong {}",
        dir.display()
    );
    let config = TrainConfig {
        seed,
        ..Default::default()
    };
    Ok((
        model::train(&model::examples(&rows), config, version),
        rows.len(),
    ))
}

/// Retrains on the shipped corpus plus this office's decisions, keeps the result as the shadow
/// model with its comparison against the current model on the held-out decisions, and records
/// it in the audit log. The current model is untouched.
pub fn train_from_decisions(
    store: &mut Store,
    data_dir: &Path,
    actor: &str,
    seed: u64,
) -> Result<Trial> {
    let decided = decisions(store)?;
    anyhow::ensure!(
        !decided.is_empty(),
        "chưa có quyết định nào về cảnh báo (bỏ qua hoặc lập hồ sơ) để học / no decisions to learn from"
    );
    let corpus = detect::eval::parse_jsonl(model::DEV_CORPUS).map_err(|e| anyhow::anyhow!(e))?;
    let (held, trained): (Vec<&Decision>, Vec<&Decision>) =
        decided.iter().partition(|d| held_out(d));
    // A decision says something about its own category only; for the others its text keeps the
    // labels the corpus would give it (none), which is what a dismissal of a false alert means.
    let labels: Vec<Vec<Category>> = trained
        .iter()
        .map(|d| if d.positive { vec![d.category] } else { vec![] })
        .collect();
    let mut examples = model::examples(&corpus);
    examples.extend(trained.iter().zip(&labels).map(|(d, c)| Example {
        text: &d.text,
        categories: c,
    }));
    // Named by what it learned from, so that the same decisions and seed give the same bytes.
    let mut what = seed.to_le_bytes().to_vec();
    for (d, c) in trained.iter().zip(&labels) {
        what.extend_from_slice(d.text.as_bytes());
        what.extend(c.iter().flat_map(|c| c.as_str().bytes()));
        what.push(0);
    }
    let version = format!("model-office-{}", &sha256_hex(&what)[..12]);
    // Weaker regularisation than the default model's: an office's few decisions carry words of
    // their own ("thanh lý", a shop's name) that must be able to outweigh the corpus's.
    let shadow = model::train(
        &examples,
        TrainConfig {
            seed,
            rate: 0.1,
            l2: 1e-4,
            ..Default::default()
        },
        &version,
    );
    let current = active_model(data_dir)?;
    let bytes = shadow.to_bytes();
    let trial = Trial {
        version: version.clone(),
        seed,
        corpus_examples: corpus.len(),
        decisions_trained: trained.len(),
        decisions_held_out: held.len(),
        current: figures(&current, &held),
        shadow: figures(&shadow, &held),
        model_bytes: bytes.len(),
        sha256: sha256_hex(&bytes),
    };
    let d = dir(data_dir);
    std::fs::create_dir_all(&d)?;
    write_whole(&d.join("shadow.skm"), &bytes)?;
    write_whole(&d.join("shadow.json"), &serde_json::to_vec_pretty(&trial)?)?;
    store.record(actor, "model.train", "model", serde_json::to_value(&trial)?)?;
    Ok(trial)
}

/// The shadow model's trial, if there is one.
pub fn trial(data_dir: &Path) -> Result<Option<Trial>> {
    let path = dir(data_dir).join("shadow.json");
    match std::fs::read(&path) {
        Ok(b) => Ok(Some(
            serde_json::from_slice(&b).with_context(|| format!("đọc {}", path.display()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("đọc {}", path.display())),
    }
}

/// Makes the shadow model the active one (a person's decision, audited with the comparison).
pub fn promote(store: &mut Store, data_dir: &Path, actor: &str) -> Result<Trial> {
    let d = dir(data_dir);
    let Some(t) = trial(data_dir)? else {
        anyhow::bail!(
            "không có mô hình chạy thử để đưa vào dùng / no shadow model: run `sokenh model train --from-decisions` first"
        );
    };
    let bytes = std::fs::read(d.join("shadow.skm")).context("đọc model/shadow.skm")?;
    anyhow::ensure!(
        sha256_hex(&bytes) == t.sha256,
        "model/shadow.skm không khớp với lần huấn luyện đã ghi / the shadow model changed since it was trained"
    );
    write_whole(&d.join("active.skm"), &bytes)?;
    std::fs::remove_file(d.join("shadow.skm"))?;
    std::fs::remove_file(d.join("shadow.json"))?;
    store.record(actor, "model.promote", "model", serde_json::to_value(&t)?)?;
    Ok(t)
}

fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path)?;
    Ok(())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
