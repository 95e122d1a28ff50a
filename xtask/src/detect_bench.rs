//! `cargo xtask bench-detect`: rule matching with 10,000 terms next to the bare `aho-corasick`
//! crate on the same terms and text, and fact-check matching of items against 10,000 claims on
//! two threads next to `datasketch`'s MinHashLSH (PyPI) on the same shingles, in the same run.
//! First, the whole screening (the default engine: cleaning, rules, entities, links, and the
//! learned model) over the standard corpus (`ingest::corpus`, the posts every benchmark uses) on
//! one core, with the rules alone and with the model, and the model's memory.

use anyhow::Result;
use std::io::Write;
use std::time::Instant;

/// Syllables for synthetic terms: a few common ones (so that some terms match the corpus) among
/// many others, as in a real pack where most terms are specific phrases.
const SYLLABLES: &[&str] = &[
    "an", "binh", "cong", "dan", "dong", "giao", "hoi", "khanh", "lang", "minh", "nong", "phu",
    "quang", "son", "tam", "thach", "thanh", "tien", "trung", "van", "viet", "xa", "xuan", "yen",
    "bac", "cau", "dai", "ha", "hai", "hoa", "hung", "kim", "lam", "long", "my", "nam", "ngoc",
    "phuc", "tan", "thuy", "bong", "chuyen", "khoan", "tai", "lieu", "mat", "ma", "otp", "vay",
    "lai", "suat", "giai", "ngan", "thuong", "qua", "tang", "tri", "nhan", "viec", "nhe", "luong",
    "cao", "nap", "rut", "tien", "the", "cao", "sim", "so", "dep", "dat", "nen", "du", "an", "can",
    "ho", "chung", "cu", "bao", "hiem", "y", "te", "thuoc", "chua", "benh", "ung", "thu", "tieu",
    "duong", "gan", "than", "phoi", "tim", "mach", "huyet", "ap", "dau", "lung", "xuong", "khop",
    "da", "day",
];

fn terms(n: usize) -> Vec<String> {
    let mut rng = ingest::corpus::Rng::new(9);
    let mut set = std::collections::BTreeSet::new();
    while set.len() < n {
        let k = 2 + rng.below(3) as usize;
        let t: Vec<&str> = (0..k).map(|_| rng.pick(SYLLABLES)).collect();
        set.insert(t.join(" "));
    }
    set.into_iter().collect()
}

pub fn run(items: u64) -> Result<()> {
    screening(200_000)?;
    rules(10_000)?;
    factcheck(10_000, items)
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn screening(posts: u64) -> Result<()> {
    let mut buf = Vec::new();
    ingest::corpus::generate(42, posts, 2_000, 12, &mut buf)?;
    let texts: Vec<String> = String::from_utf8(buf)?
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v["text"].as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    let before = rss_kb();
    let mut engine = detect::Engine::with_defaults()?;
    let model_kb = rss_kb().saturating_sub(before);
    let file_kb = detect::model::DEFAULT_MODEL.len() / 1024;
    let run = |engine: &detect::Engine| {
        let mut best = f64::INFINITY;
        let mut signals = 0;
        for _ in 0..3 {
            let t = Instant::now();
            signals = texts.iter().map(|t| engine.screen(t).len()).sum::<usize>();
            best = best.min(t.elapsed().as_secs_f64());
        }
        (texts.len() as f64 / best, signals)
    };
    let (both, s_both) = run(&engine);
    engine.layers = detect::Layers {
        rules: true,
        model: false,
    };
    let (rules_only, s_rules) = run(&engine);
    println!(
        "screening: {} posts of the standard corpus (ingest::corpus, seed 42), one core, best of 3",
        texts.len()
    );
    println!("  rules + model: {both:.0} items/s ({s_both} signals)");
    println!("  rules only:    {rules_only:.0} items/s ({s_rules} signals)");
    println!(
        "  model: {file_kb} KB on disk; engine with the model loaded adds {:.1} MB of resident memory (rules, lists and model)",
        model_kb as f64 / 1024.0
    );
    Ok(())
}

fn rules(n: usize) -> Result<()> {
    let terms = terms(n);
    // 1,000 rules of 10 "any" terms each: every term in the automaton.
    let mut toml = String::from("category = \"scam\"\nversion = \"bench\"\n");
    for (i, chunk) in terms.chunks(10).enumerate() {
        let any: Vec<String> = chunk.iter().map(|t| format!("\"{t}\"")).collect();
        toml.push_str(&format!(
            "[[rules]]\nid = \"bench.{i}\"\nexplanation = \"bench\"\nweight = 0.5\nany = [{}]\n",
            any.join(", ")
        ));
    }
    let pack = detect::rules::parse_pack("bench.toml", &toml)?;
    let set = detect::rules::RuleSet::compile(vec![pack])?;
    let corpus = text::sample::corpus(8 << 20);
    let lines: Vec<&str> = corpus.lines().collect();
    let bytes = corpus.len();
    let analyzed: Vec<detect::Analyzed> = lines.iter().map(|l| detect::Analyzed::new(l)).collect();
    let best = |f: &mut dyn FnMut() -> usize| {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = Instant::now();
            std::hint::black_box(f());
            best = best.min(t.elapsed().as_secs_f64());
        }
        bytes as f64 / 1e6 / best
    };
    let full = best(&mut || {
        lines
            .iter()
            .map(|l| set.screen(l, &detect::Analyzed::new(l)).len())
            .sum()
    });
    let matching = best(&mut || {
        lines
            .iter()
            .zip(&analyzed)
            .map(|(l, a)| set.screen(l, a).len())
            .sum()
    });
    // The bare crate: the same terms, whole-word, over the same folded text.
    let patterns: Vec<String> = terms.iter().map(|t| format!(" {t} ")).collect();
    let ac = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::Standard)
        .build(&patterns)?;
    let folded: Vec<&str> = analyzed.iter().map(|a| a.matching.text.as_str()).collect();
    let bare = best(&mut || {
        folded
            .iter()
            .map(|f| ac.find_overlapping_iter(f).count())
            .sum()
    });
    println!(
        "rules: {} terms in {} rules; corpus {:.1} MB (MB/s of original text, one core)",
        set.term_count(),
        n / 10,
        bytes as f64 / 1e6
    );
    println!("  sokenh rule matching on analysed text: {matching:.0} MB/s");
    println!(
        "  bare aho-corasick, same terms and text: {bare:.0} MB/s  -> sokenh at {:.0}% of it",
        100.0 * matching / bare
    );
    println!("  sokenh with analysis (fold, canonical, teencode) included: {full:.0} MB/s");
    Ok(())
}

fn claim_text(rng: &mut ingest::corpus::Rng, i: usize) -> String {
    let places = [
        "Thạch Quảng",
        "Đồng Tâm",
        "Tân Sơn",
        "Cự Phú",
        "Thạch Bình",
        "Vân Du",
        "Kim Tân",
        "Hà Trung",
    ];
    let what = [
        "sẽ thu hồi đất ruộng để làm sân golf",
        "phát tiền hỗ trợ cho mỗi hộ dân",
        "cấm xe máy vào trung tâm",
        "đóng cửa trường học vì dịch bệnh",
        "tăng giá điện sinh hoạt",
        "sáp nhập thôn",
    ];
    format!(
        "Từ ngày {} tháng {} năm 2027 xã {} {} {} mức {} triệu đồng theo quyết định số {}",
        1 + rng.below(28),
        1 + rng.below(12),
        rng.pick(&places),
        rng.pick(&what),
        rng.pick(&places),
        1 + rng.below(90),
        i
    )
}

fn factcheck(claims: usize, items: u64) -> Result<()> {
    let mut rng = ingest::corpus::Rng::new(5);
    let texts: Vec<String> = (0..claims).map(|i| claim_text(&mut rng, i)).collect();
    let entries: Vec<domain::FactCheck> = texts
        .iter()
        .enumerate()
        .map(|(i, c)| domain::FactCheck {
            id: format!("fc-{i}"),
            claim: c.clone(),
            verdict: domain::Verdict::False,
            correction: String::new(),
            source_url: String::new(),
            date: None,
            variants: Vec::new(),
            media_hashes: Vec::new(),
        })
        .collect();
    let t = Instant::now();
    let index = detect::factcheck::FactCheckIndex::new(entries);
    let build = t.elapsed().as_secs_f64();
    // Items: corpus posts, one in a hundred repeating a claim behind a preface.
    let mut corpus = Vec::new();
    ingest::corpus::generate(3, items, 2000, 12, &mut corpus)?;
    let mut posts: Vec<String> = corpus
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice::<serde_json::Value>(l)
                .map(|v| v["text"].as_str().unwrap_or("").to_owned())
                .unwrap_or_default()
        })
        .collect();
    for (k, p) in posts.iter_mut().enumerate().filter(|(k, _)| k % 100 == 0) {
        *p = format!("Nóng!! chia sẻ ngay: {} 😡", texts[k % texts.len()]);
    }
    let t = Instant::now();
    let index = &index;
    let matched: usize = std::thread::scope(|s| {
        let half = posts.len() / 2;
        let (a, b) = posts.split_at(half);
        let run = move |chunk: &[String]| {
            chunk
                .iter()
                .filter(|p| !index.screen(p, &detect::Analyzed::new(p)).is_empty())
                .count()
        };
        let h = s.spawn(move || run(a));
        let n = run(b);
        n + h.join().unwrap_or(0)
    });
    let secs = t.elapsed().as_secs_f64();
    let rate = posts.len() as f64 / secs;
    println!(
        "factcheck: {claims} claims indexed in {build:.2} s; {} items in {secs:.1} s on 2 threads = {rate:.0} items/s ({matched} matched, {} planted)",
        posts.len(),
        posts.len().div_ceil(100)
    );

    // datasketch on the same folded bigram shingles, single process, a sample of the items.
    let dir = tempfile::tempdir()?;
    let shingles = |s: &str| -> Vec<String> {
        let a = detect::Analyzed::new(s);
        let w: Vec<&str> = a.matching.text.split_whitespace().collect();
        w.windows(2).map(|p| format!("{}_{}", p[0], p[1])).collect()
    };
    let sample = 100_000.min(posts.len());
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.path().join("claims.txt"))?);
    for c in &texts {
        writeln!(f, "{}", shingles(c).join(" "))?;
    }
    drop(f);
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.path().join("items.txt"))?);
    for p in &posts[..sample] {
        writeln!(f, "{}", shingles(p).join(" "))?;
    }
    drop(f);
    let script = r#"
import sys, time
from datasketch import MinHash, MinHashLSH
claims = [l.split() for l in open(sys.argv[1])]
items = [l.split() for l in open(sys.argv[2])]
lsh = MinHashLSH(num_perm=64, params=(32, 2))
for i, c in enumerate(claims):
    m = MinHash(num_perm=64)
    m.update_batch([s.encode() for s in c])
    lsh.insert(str(i), m)
t = time.perf_counter()
found = 0
for it in items:
    m = MinHash(num_perm=64)
    m.update_batch([s.encode() for s in it])
    found += len(lsh.query(m)) > 0
dt = time.perf_counter() - t
print(len(items) / dt, found)
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir.path().join("claims.txt"))
        .arg(dir.path().join("items.txt"))
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let s = String::from_utf8_lossy(&o.stdout);
            let py: f64 = s
                .split_whitespace()
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0.0);
            println!(
                "datasketch MinHashLSH (64 perms, 32x2 bands, candidates only, one process) on {sample} of the items: {py:.0} items/s -> sokenh (candidates and exact decision, 2 threads) is {:.0}x",
                rate / py.max(1e-9)
            );
        }
        Ok(o) => println!(
            "datasketch not measured: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("datasketch not measured: {e}"),
    }
    Ok(())
}
