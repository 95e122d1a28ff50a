//! The learned layer: reproducible training, the embedded default model is the `dev` split's,
//! the file format round-trips, and a model-only signal explains itself with its n-grams.

use detect::model::{DEFAULT_MODEL, DEFAULT_VERSION, Model, TrainConfig, examples, train};

fn dev() -> Vec<detect::eval::Row> {
    detect::eval::parse_jsonl(detect::model::DEV_CORPUS).expect("the dev split parses")
}

#[test]
fn same_data_and_seed_give_the_same_bytes_and_the_default_model_is_the_dev_splits() {
    let rows = dev();
    let ex = examples(&rows);
    let a = train(&ex, TrainConfig::default(), DEFAULT_VERSION).to_bytes();
    let b = train(&ex, TrainConfig::default(), DEFAULT_VERSION).to_bytes();
    assert!(a == b, "two trainings with the same seed differ");
    assert!(
        a == DEFAULT_MODEL,
        "the embedded model is not the dev split's: run `cargo run --release -p detect --example train_default`"
    );
    let other = train(
        &ex,
        TrainConfig {
            seed: 7,
            ..TrainConfig::default()
        },
        DEFAULT_VERSION,
    )
    .to_bytes();
    assert!(other != a, "the seed changes the visiting order");
    let back = Model::from_bytes(&a).expect("round trip");
    assert_eq!(back.to_bytes(), a);
    assert!(Model::from_bytes(b"SKM1\x00").is_err());
    assert!(Model::from_bytes(b"not a model").is_err());
}

#[test]
fn a_model_signal_names_its_strongest_ngrams() {
    let m = Model::default_model();
    let text = "Làm nhiệm vụ online nạp tiền nhận hoa hồng cao, ib em để vào nhóm";
    let a = detect::Analyzed::new(text);
    let p = m
        .predict(&a)
        .into_iter()
        .find(|(c, _)| *c == domain::Category::Scam)
        .map(|x| x.1)
        .expect("a scam head");
    let signals = m.screen(text, &a, 0.0);
    let s = signals
        .iter()
        .find(|s| s.category == domain::Category::Scam)
        .expect("a scam signal at threshold 0");
    assert_eq!(s.score, p);
    assert_eq!(s.detector, "model");
    assert!(
        s.explanation.contains("cụm nặng ký nhất: «"),
        "{}",
        s.explanation
    );
    assert!(!s.evidence.is_empty());
    for e in &s.evidence {
        assert_eq!(&text[e.start..e.end], e.shown);
    }
}
