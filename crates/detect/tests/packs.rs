//! Every rule of the default packs against its own positive and negative examples.

#[test]
fn every_rule_passes_its_own_examples() {
    let rules = detect::rules::RuleSet::with_defaults(Vec::new()).unwrap();
    let failures = rules.self_test();
    assert!(
        failures.is_empty(),
        "rules failing their examples: {failures:#?}"
    );
    let examples: usize = rules
        .packs
        .iter()
        .flat_map(|p| &p.rules)
        .map(|r| r.positive.len() + r.negative.len())
        .sum();
    assert!(examples >= 30, "{examples} examples");
}

#[test]
fn packs_name_only_taxonomy_categories() {
    let bad = "category = \"opinion\"\nversion = \"1\"\n";
    assert!(detect::rules::parse_pack("x.toml", bad).is_err());
    let missing = "category = \"scam\"\nversion = \"1\"\n[[rules]]\nid = \"x\"\nexplanation = \"y\"\nweight = 0.5\n";
    assert!(
        detect::rules::parse_pack("x.toml", missing).is_err(),
        "a rule needs a condition"
    );
}

#[test]
fn shadow_rules_signal_but_say_so() {
    let pack = detect::rules::parse_pack(
        "office.toml",
        "category = \"scam\"\nversion = \"office-1\"\n[[rules]]\nid = \"office.new\"\nexplanation = \"Thử luật mới\"\nweight = 0.9\nany = [\"đa cấp\"]\nshadow = true\n",
    )
    .unwrap();
    let rules = detect::rules::RuleSet::with_defaults(vec![pack]).unwrap();
    let text = "Tham gia kinh doanh đa cấp thu nhập cao";
    let s = rules.screen(text, &detect::Analyzed::new(text));
    assert_eq!(s.len(), 1);
    assert!(s[0].shadow);
    assert_eq!(s[0].reference, "office.new");
    assert_eq!(
        &text[s[0].evidence[0].start..s[0].evidence[0].end],
        "đa cấp"
    );
}

#[test]
fn an_office_pack_cannot_redefine_a_shared_lexicon() {
    let pack = detect::rules::parse_pack(
        "office.toml",
        "category = \"scam\"\nversion = \"office-1\"\n[lexicons]\nwarning = [\"x\"]\n[[rules]]\nid = \"office.x\"\nexplanation = \"x\"\nweight = 0.5\nany = [\"@warning\"]\n",
    )
    .unwrap();
    let err = detect::rules::RuleSet::with_defaults(vec![pack])
        .err()
        .expect("refused");
    assert!(err.to_string().contains("«warning»"), "{err}");
    // Using a default lexicon without redefining it is fine.
    let pack = detect::rules::parse_pack(
        "office.toml",
        "category = \"scam\"\nversion = \"office-1\"\n[[rules]]\nid = \"office.y\"\nexplanation = \"y\"\nweight = 0.5\nneed = [[\"đa cấp\"], [\"@pay\"]]\npositive = [\"Tham gia đa cấp, đóng phí 2 triệu\"]\n",
    )
    .unwrap();
    let rules = detect::rules::RuleSet::with_defaults(vec![pack]).unwrap();
    assert!(rules.self_test().is_empty());
}
