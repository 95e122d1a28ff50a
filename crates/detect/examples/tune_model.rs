//! For model writers: two-fold cross-validation on the `dev` split by template (a template's
//! posts are all on one side), reporting per setting the recall over flagged posts and the share
//! of hard negatives flagged at the model-only threshold. `test` is never read.
//! `cargo run --release -p detect --example tune_model [THRESHOLD]`
use detect::model::{MODEL_ONLY_THRESHOLD, TrainConfig, train};

fn main() {
    let rows = detect::eval::parse_jsonl(detect::model::DEV_CORPUS).expect("dev");
    let meta: Vec<(String, u64)> = detect::model::DEV_CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            (
                v["family"].as_str().unwrap_or("").to_owned(),
                v["template"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // Whole templates (default) or, with FOLD=family, whole families held out.
    let by_family = std::env::var("FOLD").is_ok_and(|v| v == "family");
    let fold_of = |m: &(String, u64)| -> u64 {
        if by_family {
            m.0.bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
                % 2
        } else {
            (m.1 / 3) % 2
        }
    };
    let rules = detect::rules::RuleSet::with_defaults(Vec::new()).expect("packs");
    let threshold: f32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(MODEL_ONLY_THRESHOLD);
    println!("threshold {threshold}");
    for epochs in [12usize] {
        for rate in [0.1f32, 0.5, 2.0] {
            for l2 in [1e-4f32, 1e-3] {
                let (mut pos, mut hit, mut neg, mut fp) = (0, 0, 0, 0);
                for fold in 0..2u64 {
                    let kept: Vec<detect::eval::Row> = rows
                        .iter()
                        .zip(&meta)
                        .filter(|(_, m)| fold_of(m) != fold)
                        .map(|(r, _)| r.clone())
                        .collect();
                    let train_ex = detect::model::examples(&kept);
                    let m = train(
                        &train_ex,
                        TrainConfig {
                            seed: 1,
                            epochs,
                            rate,
                            l2,
                        },
                        "cv",
                    );
                    for ((l, c), me) in rows.iter().zip(&meta) {
                        if fold_of(me) != fold {
                            continue;
                        }
                        let a = detect::model::analyze(&l.text);
                        let p = m.predict(&a);
                        let raised: Vec<_> = p
                            .iter()
                            .filter(|x| x.1 >= threshold && rules.model_allowed(x.0, &a))
                            .map(|x| x.0)
                            .collect();
                        if c.is_empty() {
                            neg += 1;
                            fp += usize::from(!raised.is_empty());
                        } else {
                            for cat in c {
                                pos += 1;
                                hit += usize::from(raised.contains(cat));
                            }
                        }
                    }
                }
                println!(
                    "epochs {epochs:>2} rate {rate:<5} l2 {l2:<7} recall {:.3} hard-neg flagged {:.3} ({pos} pos, {neg} neg)",
                    hit as f64 / pos as f64,
                    fp as f64 / neg as f64
                );
            }
        }
    }
}
