//! `cargo xtask bench-pdq [FILES]`: PDQ images/s on one core over 1-megapixel PNGs (1000×1000,
//! decode included), next to `pdqhash` (PyPI, Meta's C++ behind Python, PIL decoding) on the same
//! files in the same run; the two must agree on every hash. Then the PDQ index: one query over
//! a million hashes.
//!
//! `cargo xtask bench-impersonation [COMMUNITIES]`: the impersonation scan of COMMUNITIES
//! (default 100,000) generated communities against 100 officials (ten bodies in ten real
//! communes), on two threads: the bare scan, and the scan from a SQLite register.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::time::Instant;

/// A reproducible 1000×1000 picture: gradients, shapes and noise, so PNG decoding does real work.
fn picture(seed: u64) -> image::RgbImage {
    let mut rng = ingest::corpus::Rng::new(seed);
    let (cx, cy, r) = (
        rng.below(1000) as i64,
        rng.below(1000) as i64,
        100 + rng.below(300) as i64,
    );
    let tint = [
        rng.below(256) as u8,
        rng.below(256) as u8,
        rng.below(256) as u8,
    ];
    image::RgbImage::from_fn(1000, 1000, |x, y| {
        let (xi, yi) = (x as i64, y as i64);
        let inside = (xi - cx).pow(2) + (yi - cy).pow(2) < r * r;
        let noise = (rng.below(24)) as u8;
        let base = [(x / 4) as u8, (y / 4) as u8, ((x + y) / 8) as u8];
        let p = if inside { tint } else { base };
        image::Rgb([
            p[0].saturating_add(noise),
            p[1].saturating_add(noise / 2),
            p[2].wrapping_add(noise / 3),
        ])
    })
}

pub fn pdq(files: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut paths = Vec::new();
    for i in 0..files {
        let p = dir.path().join(format!("img{i:03}.png"));
        picture(i as u64 + 1).save(&p)?;
        paths.push(p);
    }
    let bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "{files} PNGs of 1000×1000 ({:.1} MB) in {}",
        bytes as f64 / 1e6,
        dir.path().display()
    );

    // sokenh, one core: read + decode + hash.
    let start = Instant::now();
    let mut ours = Vec::new();
    for p in &paths {
        let pdq = media::hash_file(p)?;
        ours.push(pdq.hash.to_hex());
    }
    let t = start.elapsed().as_secs_f64();
    println!(
        "sokenh  : {:.1} images/s ({:.1} ms each: read, decode, hash)",
        files as f64 / t,
        t * 1e3 / files as f64
    );
    // Hash alone on decoded pixels, for the split.
    let decoded: Vec<image::RgbImage> = paths
        .iter()
        .map(|p| image::open(p).map(|i| i.to_rgb8()))
        .collect::<Result<_, _>>()?;
    let start = Instant::now();
    for img in &decoded {
        std::hint::black_box(media::pdq::hash_rgb(1000, 1000, img.as_raw()));
    }
    let th = start.elapsed().as_secs_f64();
    println!(
        "          hash only {:.1} ms, decode {:.1} ms per image",
        th * 1e3 / files as f64,
        (t - th) * 1e3 / files as f64
    );

    let script = r#"
import sys, time
import numpy as np, pdqhash
from PIL import Image
paths = sys.argv[1:]
t = time.perf_counter()
out = []
for p in paths:
    bits, q = pdqhash.compute(np.asarray(Image.open(p).convert("RGB")))
    out.append("%064x" % int("".join("1" if b else "0" for b in bits), 2))
t = time.perf_counter() - t
print(t)
print("\n".join(out))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&paths)
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8(o.stdout)?;
            let mut lines = text.lines();
            let tp: f64 = lines.next().context("python printed nothing")?.parse()?;
            let theirs: Vec<&str> = lines.collect();
            let same = ours.iter().zip(&theirs).filter(|(a, b)| a == b).count();
            println!(
                "pdqhash : {:.1} images/s ({:.1} ms each: PIL decode + C++ hash)",
                files as f64 / tp,
                tp * 1e3 / files as f64
            );
            println!("agreement: {same}/{files} hashes bit-identical");
            if same != files {
                bail!("sokenh and pdqhash disagree on {} files", files - same);
            }
        }
        Ok(o) => println!(
            "pdqhash : not run ({})",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("pdqhash : python3 not found ({e})"),
    }

    // The index: a million random hashes, queries at the match threshold.
    let mut rng = ingest::corpus::Rng::new(7);
    let hashes: Vec<media::Hash256> = (0..1_000_000)
        .map(|_| media::Hash256(std::array::from_fn(|_| rng.below(65536) as u16)))
        .collect();
    let start = Instant::now();
    let index = media::PdqIndex::build(hashes);
    println!(
        "index   : 1,000,000 hashes built in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let queries: Vec<media::Hash256> = (0..1000)
        .map(|i| {
            let mut h = *index.get(i * 997).unwrap();
            for b in 0..20 {
                h.0[(b * 7 + i as usize) % 16] ^= 1 << ((b * 5 + i as usize) % 16);
            }
            h
        })
        .collect();
    let start = Instant::now();
    let mut found = 0;
    for q in &queries {
        found += index.query(q, media::pdq::MATCH_DISTANCE).len();
    }
    let per = start.elapsed().as_secs_f64() / queries.len() as f64;
    println!(
        "index   : query at distance ≤ 31 in {:.3} ms on average ({found} matches for {} planted)",
        per * 1e3,
        queries.len()
    );
    Ok(())
}

const BODIES: [&str; 10] = [
    "Đảng ủy xã",
    "Ủy ban nhân dân xã",
    "Ủy ban MTTQ Việt Nam xã",
    "Công an xã",
    "Đoàn Thanh niên xã",
    "Hội Liên hiệp Phụ nữ xã",
    "Hội Nông dân xã",
    "Hội Cựu chiến binh xã",
    "Trạm Y tế xã",
    "Trường THCS xã",
];
const SLUGS: [&str; 10] = [
    "danguy",
    "ubnd",
    "mttq",
    "congan",
    "doanthanhnien",
    "hoiphunu",
    "hoinongdan",
    "hoiccb",
    "tramyte",
    "thcs",
];
const COMMUNITY: [&str; 12] = [
    "Chợ",
    "Hội đồng hương",
    "Tuyển dụng",
    "Rao vặt",
    "Cơm niêu",
    "Xe khách",
    "Nhà thuốc",
    "Cựu học sinh",
    "Bán hàng online",
    "Tin tức",
    "Giáo xứ",
    "Câu lạc bộ bóng đá",
];

/// 100 officials in ten real communes, and `n` communities: village and market groups, businesses,
/// neighbours' official pages, and one impostor in fifty.
/// (name, URL) of a generated community.
type Page = (String, String);

pub fn generate(n: usize) -> (Vec<Page>, Vec<Page>) {
    let wards: Vec<&domain::AdminUnit> = domain::admin_units()
        .iter()
        .filter(|u| u.ward_name.starts_with("Xã "))
        .collect();
    let ours: Vec<&str> = (0..10)
        .map(|k| wards[k * 97].ward_name.trim_start_matches("Xã "))
        .collect();
    let slug = |s: &str| text::fold(s).replace(' ', "");
    let mut officials = Vec::new();
    for place in &ours {
        for (b, s) in BODIES.iter().zip(SLUGS) {
            officials.push((
                format!("{b} {place}"),
                format!("https://www.facebook.com/{s}.{}", slug(place)),
            ));
        }
    }
    let mut rng = ingest::corpus::Rng::new(42);
    let mut others = Vec::with_capacity(n);
    for i in 0..n {
        let r = rng.below(100);
        let (name, url) = if r < 2 {
            // An impostor of one of ours.
            let place = ours[rng.below(10) as usize];
            let b = rng.below(10) as usize;
            (
                format!("{} {} 24h", BODIES[b], text::fold(place)),
                format!(
                    "https://www.facebook.com/{}.{}.official{i}",
                    SLUGS[b],
                    slug(place)
                ),
            )
        } else if r < 30 {
            // A neighbour's (or any commune's) own page.
            let place = wards[rng.below(wards.len() as u64) as usize]
                .ward_name
                .trim_start_matches("Xã ");
            let b = rng.below(10) as usize;
            (
                format!("{} {place}", BODIES[b]),
                format!("https://www.facebook.com/{}.{}{i}", SLUGS[b], slug(place)),
            )
        } else {
            let place = if r < 70 {
                ours[rng.below(10) as usize]
            } else {
                wards[rng.below(wards.len() as u64) as usize]
                    .ward_name
                    .trim_start_matches("Xã ")
            };
            let c = COMMUNITY[rng.below(COMMUNITY.len() as u64) as usize];
            (
                format!("{c} {place} {}", i % 977),
                format!("https://www.facebook.com/groups/nhom{i}"),
            )
        };
        others.push((name, url));
    }
    (officials, others)
}

pub fn impersonation(n: usize) -> Result<()> {
    use detect::impersonation::{Channel, Places, Scanner};
    let (officials, others) = generate(n);
    let channel = |(name, url): &(String, String)| Channel {
        name: name.clone(),
        url: Some(url.clone()),
        platform: Some(domain::Platform::Facebook),
        avatar: None,
        avatar_turned: Vec::new(),
        renamed_from: vec![],
        unit: None,
    };
    // The office is the first of the ten communes'.
    let home = detect::impersonation::Home {
        ward_code: domain::admin_units()
            .iter()
            .find(|u| u.ward_name.starts_with("Xã "))
            .map(|u| u.ward_code),
        district: None,
    };
    let start = Instant::now();
    let places = Places::at(&home);
    let off: Vec<Channel> = officials.iter().map(channel).collect();
    let cand: Vec<Channel> = others.iter().map(channel).collect();
    let scanner = Scanner::new(&off, &places, &home);
    let setup = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let findings = scanner.scan(&cand, detect::impersonation::JUDGED, 2);
    let t = start.elapsed().as_secs_f64();
    let planted = others.iter().filter(|(n, _)| n.ends_with(" 24h")).count();
    let caught = findings
        .iter()
        .filter(|f| others[f.candidate].0.ends_with(" 24h"))
        .count();
    println!(
        "scan    : {n} communities × {} officials on 2 threads in {t:.2} s ({:.0} communities/s; places and officials prepared in {setup:.2} s)",
        off.len(),
        n as f64 / t
    );
    println!(
        "          {} findings; {caught}/{planted} planted impostors found, {} others",
        findings.len(),
        findings.len() - caught
    );
    // The others are pages that carry an official's exact name (generated pages of a commune that
    // is one of ours): show a few so that a reader can judge.
    for f in findings
        .iter()
        .filter(|f| !others[f.candidate].0.ends_with(" 24h"))
        .take(3)
    {
        println!(
            "          e.g. «{}» ~ «{}» {:.2}",
            others[f.candidate].0, officials[f.official].0, f.score
        );
    }

    // From a SQLite register, as `sokenh impersonation scan` runs it (the import is not timed).
    let dir = tempfile::tempdir()?;
    let mut store = app::db::open(dir.path(), None)?;
    let record = |(name, url): &(String, String), official: bool| {
        let canonical = domain::CanonicalUrl::parse(url).expect("generated URL");
        domain::CommunityRecord {
            key: canonical.to_string(),
            name: name.clone(),
            url: Some(canonical.to_string()),
            platform: domain::Platform::Facebook,
            kind: domain::Kind::Page,
            members: None,
            admins: None,
            unit: None,
            status: domain::Status::Unknown,
            classification: if official {
                domain::Classification::Official
            } else {
                domain::Classification::Unknown
            },
            official_of: official.then(|| name.clone()),
            locality: None,
            note: None,
        }
    };
    let mut records: Vec<domain::CommunityRecord> =
        officials.iter().map(|o| record(o, true)).collect();
    records.extend(others.iter().map(|o| record(o, false)));
    store.import_communities("bench", "generated", &records)?;
    let start = Instant::now();
    let reported = app::impersonation::scan(&mut store, detect::impersonation::JUDGED, 2)?;
    let t = start.elapsed().as_secs_f64();
    println!(
        "register: {} communities read from SQLite and scanned in {t:.2} s ({} findings)",
        records.len(),
        reported.len()
    );
    if !Path::new("/proc/self/status").exists() {
        return Ok(());
    }
    let status = std::fs::read_to_string("/proc/self/status")?;
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!(
            "          peak memory {}",
            hwm.trim_start_matches("VmHWM:").trim()
        );
    }
    Ok(())
}
