//! For rule writers: screens a labelled JSONL file with the default engine and prints what it
//! got wrong (missed and wrongly flagged categories, with the family and the signals).
//! `cargo run -p detect --example corpus_errors -- crates/detect/eval/corpus/dev/posts.jsonl`
//! Read only the `dev` split this way; `test` is for figures.

use std::collections::BTreeSet;

fn main() {
    let path = std::env::args().nth(1).expect("a JSONL file");
    let engine = detect::Engine::with_defaults().expect("default packs");
    let text = std::fs::read_to_string(&path).expect("readable file");
    let (mut wrong, mut total) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let t = v["text"].as_str().unwrap_or_default();
        let expected: BTreeSet<String> = v["expected"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect();
        let signals: Vec<_> = engine
            .screen(t)
            .into_iter()
            .filter(|s| !s.shadow && s.score >= detect::alerts::ALERT_THRESHOLD)
            .collect();
        let got: BTreeSet<String> = signals
            .iter()
            .map(|s| s.category.as_str().to_owned())
            .collect();
        total += 1;
        if got != expected {
            wrong += 1;
            let missed: Vec<_> = expected.difference(&got).collect();
            let extra: Vec<_> = got.difference(&expected).collect();
            println!(
                "[{}] missed {:?} extra {:?}\n    {}\n    {}",
                v["family"].as_str().unwrap_or(""),
                missed,
                extra,
                t,
                signals
                    .iter()
                    .map(|s| s.reference.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    println!("{wrong} of {total} wrong");
}
