//! Learning from the office, as a story: a village shop's sale posts are flagged as scams by the
//! default model; officers dismiss twenty of those alerts with a reason; an analyst retrains
//! from the decisions; the new model runs in shadow mode (recorded, never alerting) and no
//! longer raises the shop's posts, while its recall on the corpus's `test` split does not drop;
//! the analyst promotes it, and every step is in the audit log.

mod common;

use common::{ingest_posts, json, sokenh};
use detect::model::Model;
use domain::Category;

const ITEMS: &[&str] = &[
    "quần áo Tết",
    "áo khoác nỉ",
    "giày thể thao",
    "váy đầm công sở",
    "áo len trẻ em",
    "quần jean nam",
    "túi xách nữ",
    "dép quai hậu",
    "áo sơ mi",
    "bộ đồ ngủ",
    "khăn len",
    "mũ bảo hiểm",
    "áo phao",
    "đồ bộ mặc nhà",
    "chăn ga gối",
];

/// One of the shop's posts: same shape, another item and price each day.
fn shop_post(i: usize) -> String {
    format!(
        "Shop em thanh lý {}, ai lấy ib em, chuyển khoản trước em gửi hàng luôn, phí ship {}k",
        ITEMS[i % ITEMS.len()],
        15 + 5 * (i / ITEMS.len()) % 30
    )
}

/// Recall, at the model-only threshold, over the flagged posts of a labelled file.
fn recall(m: &Model, path: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).expect("the corpus");
    let rows = detect::eval::parse_jsonl(&text).expect("labelled lines");
    let (mut hit, mut all) = (0, 0);
    for (l, cats) in &rows {
        for c in cats {
            all += 1;
            hit += usize::from(m.raises(&l.text, *c));
        }
    }
    (hit, all)
}

#[test]
fn an_office_teaches_the_model_its_own_false_alarm() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let default = Model::default_model();
    // Thirty days of the shop's posts that the default model calls a scam on its own.
    let flagged: Vec<String> = (0..80)
        .map(shop_post)
        .filter(|t| default.raises(t, Category::Scam))
        .take(30)
        .collect();
    assert_eq!(
        flagged.len(),
        30,
        "precondition: the default model flags the shop's posts"
    );
    let posts: Vec<(String, String, String)> = flagged
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                format!("shop-{i}"),
                format!("2026-10-{:02}T09:00:00+07:00", 1 + i),
                text.clone(),
            )
        })
        .collect();
    let refs: Vec<common::Post<'_>> = posts
        .iter()
        .map(|(id, at, text)| {
            (
                id.as_str(),
                "thachquang.chodong",
                at.as_str(),
                text.as_str(),
            )
        })
        .collect();
    ingest_posts(data, &refs);
    let mut store = app::db::open(data, None).unwrap();
    let alerts = store.alerts().unwrap();
    assert_eq!(alerts.len(), 30, "one alert per post");
    assert!(alerts.iter().all(|a| a.category == Category::Scam));
    // Officers dismiss twenty of them (the first twenty days); ten stay open.
    let mut dismissed = 0;
    for a in alerts.iter().filter(|a| {
        a.item_ids
            .iter()
            .any(|id| id.trim_start_matches("shop-").parse::<usize>().unwrap() < 20)
    }) {
        assert!(
            store
                .decide_alert(
                    "officer",
                    a.id,
                    "dismissed",
                    "cửa hàng quen trong xã bán hàng, không phải lừa đảo"
                )
                .unwrap()
        );
        dismissed += 1;
    }
    assert_eq!(dismissed, 20);
    drop(store);

    // No decisions taken yet on a fresh office: training says so and writes nothing.
    let empty = tempfile::tempdir().unwrap();
    let out = sokenh(
        empty.path(),
        &["model", "train", "--from-decisions", "--json"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("chưa có quyết định"));
    assert!(!empty.path().join("model/shadow.skm").exists());

    // The analyst retrains: a shadow model with its comparison on the held-out decisions.
    let trial = json(&sokenh(
        data,
        &["model", "train", "--from-decisions", "--json"],
    ));
    assert_eq!(
        trial["decisions_trained"].as_u64().unwrap()
            + trial["decisions_held_out"].as_u64().unwrap(),
        20
    );
    assert!(trial["decisions_held_out"].as_u64().unwrap() >= 1);
    assert_eq!(
        trial["current"]["fp"], trial["decisions_held_out"],
        "the current model raises every held-out dismissal"
    );
    assert_eq!(
        trial["shadow"]["fp"], 0,
        "the shadow model raises none of them"
    );
    let shadow = Model::from_bytes(&std::fs::read(data.join("model/shadow.skm")).unwrap()).unwrap();
    // The shop's posts it never saw decided (the ten still open) are no longer raised.
    for text in &flagged[20..] {
        assert!(!shadow.raises(text, Category::Scam), "{text}");
    }
    // Its recall on the rest does not drop.
    let test = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../detect/eval/corpus/test/posts.jsonl"
    );
    let (before, all) = recall(&default, test);
    let (after, _) = recall(&shadow, test);
    eprintln!(
        "model-only recall on the test split: {before}/{all} -> {after}/{all}; trial {trial}"
    );
    assert!(before > 0);
    assert!(
        after >= before,
        "recall on the test split dropped: {before}/{all} -> {after}/{all}"
    );
    // Same decisions, same seed: the same model.
    let again = json(&sokenh(
        data,
        &["model", "train", "--from-decisions", "--json"],
    ));
    assert_eq!(again["sha256"], trial["sha256"]);

    // In shadow mode it is recorded, never alerting: a rescan raises the same alerts as before.
    let scan = json(&sokenh(data, &["scan", "--all", "--json"]));
    assert!(scan["screened"].as_u64().unwrap() >= 30);
    let status = json(&sokenh(data, &["model", "status", "--json"]));
    assert_eq!(status["active"], detect::model::DEFAULT_VERSION);
    assert_eq!(status["shadow"]["version"], trial["version"]);

    // Promoted by a person; both steps are in the audit log with the figures.
    let promoted = json(&sokenh(data, &["model", "promote", "--json"]));
    assert_eq!(promoted["sha256"], trial["sha256"]);
    let status = json(&sokenh(data, &["model", "status", "--json"]));
    assert_eq!(status["active"], trial["version"]);
    assert!(status["shadow"].is_null());
    let out = sokenh(data, &["model", "promote"]);
    assert!(!out.status.success(), "nothing left to promote");
    let mut store = app::db::open(data, None).unwrap();
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == "model")
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["model.train", "model.train", "model.promote"]);
    assert!(store.verify_audit().unwrap().ok);
}

#[test]
fn model_train_is_reproducible_and_gives_the_embedded_default() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../detect/eval/corpus/dev/posts.jsonl"
    );
    let train = |out: &std::path::Path, seed: &str| {
        json(&sokenh(
            tmp.path(),
            &[
                "model",
                "train",
                corpus,
                "--out",
                out.to_str().unwrap(),
                "--seed",
                seed,
                "--json",
            ],
        ))
    };
    let default_seed = detect::model::DEFAULT_SEED.to_string();
    let out = tmp.path().join("default.skm");
    let first = train(&out, &default_seed);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes == detect::model::DEFAULT_MODEL,
        "the CLI's model is not the embedded default"
    );
    let second = train(&out, &default_seed);
    assert_eq!(first["sha256"], second["sha256"]);
    assert_eq!(first["examples"], 1245);
    let third = train(&tmp.path().join("other.skm"), "1");
    assert_ne!(third["sha256"], first["sha256"]);
    // Without --out it says what is missing.
    let out = sokenh(tmp.path(), &["model", "train", corpus]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}
