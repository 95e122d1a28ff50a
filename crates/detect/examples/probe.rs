//! For rule and model writers: prints, for each stdin line, the model's probabilities and the
//! signals the default engine raises. `echo "…" | cargo run -p detect --example probe`
fn main() {
    let engine = detect::Engine::with_defaults().expect("default packs");
    let model = detect::model::Model::default_model();
    for line in std::io::stdin().lines().map_while(Result::ok) {
        let a = detect::Analyzed::new(&line);
        let p: Vec<String> = model
            .predict(&a)
            .iter()
            .map(|(c, p)| format!("{}={p:.2}", c.as_str()))
            .collect();
        let s: Vec<String> = engine
            .screen(&line)
            .iter()
            .map(|s| format!("{}:{:.2}", s.reference, s.score))
            .collect();
        println!("{line}\n    {}\n    {}", p.join(" "), s.join(" "));
    }
}
