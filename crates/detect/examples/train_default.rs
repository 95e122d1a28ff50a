//! Writes the default model (`crates/detect/models/default.skm`) from the corpus's `dev` split
//! with the default seed — the same bytes as
//! `sokenh model train crates/detect/eval/corpus/dev/posts.jsonl --out default.skm`. `cargo run -p detect --example train_default`
fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    // `DEV_CORPUS` is `eval/corpus/dev/posts.jsonl`, embedded.
    let rows = detect::eval::parse_jsonl(detect::model::DEV_CORPUS).expect("labelled lines");
    let examples = detect::model::examples(&rows);
    let model = detect::model::train(
        &examples,
        Default::default(),
        detect::model::DEFAULT_VERSION,
    );
    std::fs::write(format!("{root}models/default.skm"), model.to_bytes()).expect("written");
}
