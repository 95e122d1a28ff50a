//! For model writers: two-fold cross-validation on the `dev` split by template (a template's
//! posts are all on one side), reporting per setting the recall over flagged posts and the share
//! of hard negatives flagged at the model-only threshold. `test` is never read.
//! `cargo run --release -p detect --example tune_model`
use detect::model::{Example, MODEL_ONLY_THRESHOLD, TrainConfig, train};

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
    for epochs in [3usize, 6, 12] {
        for rate in [0.05f32, 0.2] {
            for l2 in [1e-5f32, 1e-3, 1e-2] {
                let (mut pos, mut hit, mut neg, mut fp) = (0, 0, 0, 0);
                for fold in 0..2u64 {
                    let train_ex: Vec<Example> = rows
                        .iter()
                        .zip(&meta)
                        .filter(|(_, m)| (m.1 / 3) % 2 != fold && !(m.1 % 3 == 2))
                        .map(|((l, c), _)| Example {
                            text: &l.text,
                            categories: c,
                        })
                        .collect();
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
                        if (me.1 / 3) % 2 != fold {
                            continue;
                        }
                        let cleaned = text::clean(&l.text);
                        let t = cleaned
                            .as_ref()
                            .map_or(l.text.as_str(), |x| x.text.as_str());
                        let p = m.predict(&detect::Analyzed::new(t));
                        let raised: Vec<_> = p
                            .iter()
                            .filter(|x| x.1 >= MODEL_ONLY_THRESHOLD)
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
