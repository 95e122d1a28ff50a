//! Throughput of the text layer on a generated, real-looking corpus (see `corpus`).
//! Run: `cargo bench -p text --bench text`.

use divan::counter::BytesCount;

fn main() {
    divan::main();
}

fn corpus() -> &'static str {
    static C: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    C.get_or_init(|| text::sample::corpus(4 << 20))
}

#[divan::bench]
fn canonical_folded_tokens(bencher: divan::Bencher) {
    let c = corpus();
    let mut canon = String::new();
    let mut scratch = String::new();
    bencher.counter(BytesCount::new(c.len())).bench_local(|| {
        let mut n = 0usize;
        for line in c.lines() {
            canon.clear();
            text::canonical_into(line, &mut canon);
            text::for_each_folded_syllable(&canon, &mut scratch, |_| n += 1);
        }
        n
    });
}

#[divan::bench]
fn canonical_only(bencher: divan::Bencher) {
    let c = corpus();
    let mut canon = String::new();
    bencher.counter(BytesCount::new(c.len())).bench_local(|| {
        canon.clear();
        text::canonical_into(c, &mut canon);
        canon.len()
    });
}

#[divan::bench]
fn fold_only(bencher: divan::Bencher) {
    let c = corpus();
    let mut out = String::new();
    bencher.counter(BytesCount::new(c.len())).bench_local(|| {
        out.clear();
        text::fold_into(c, &mut out);
        out.len()
    });
}

#[divan::bench]
fn extraction(bencher: divan::Bencher) {
    let c = corpus();
    bencher
        .counter(BytesCount::new(c.len()))
        .bench_local(|| text::extract(c).len());
}
