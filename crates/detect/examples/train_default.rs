//! Writes the default model (`crates/detect/models/default.skm`) from the corpus's `dev` split
//! with the default seed — the same bytes as
//! `sokenh model train crates/detect/eval/corpus/dev/posts.jsonl --out default.skm`. `cargo run -p detect --example train_default`
fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let text =
        std::fs::read_to_string(format!("{root}eval/corpus/dev/posts.jsonl")).expect("dev split");
    let rows = detect::eval::parse_jsonl(&text).expect("labelled lines");
    let examples: Vec<detect::model::Example> = rows
        .iter()
        .map(|(l, c)| detect::model::Example {
            text: &l.text,
            categories: c,
        })
        .collect();
    let model = detect::model::train(
        &examples,
        Default::default(),
        detect::model::DEFAULT_VERSION,
    );
    std::fs::write(format!("{root}models/default.skm"), model.to_bytes()).expect("written");
}
