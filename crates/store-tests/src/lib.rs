//! The store's story suite: what an office does with the register, told as tests that any
//! backend must pass. `tests/sqlite.rs` and `tests/postgres.rs` run every story on a fresh
//! database; `stories!` lists them once so the two cannot drift apart.

use domain::*;
use store::{NewMember, Store};

/// Every story, by name. Each backend's test file expands this into one `#[test]` per story.
#[macro_export]
macro_rules! stories {
    ($fresh:path, $tamper:path, $available:expr) => {
        #[test]
        fn import_inserts_updates_and_never_duplicates() {
            if !$available {
                return;
            }
            $crate::import_inserts_updates_and_never_duplicates(&mut $fresh().0);
        }
        #[test]
        fn members_declare_and_sign_and_coverage_counts_them() {
            if !$available {
                return;
            }
            $crate::members_declare_and_sign_and_coverage_counts_them(&mut $fresh().0);
        }
        #[test]
        fn a_failed_transaction_writes_nothing() {
            if !$available {
                return;
            }
            $crate::a_failed_transaction_writes_nothing(&mut $fresh().0);
        }
        #[test]
        fn items_are_stored_once_with_their_checkpoint() {
            if !$available {
                return;
            }
            $crate::items_are_stored_once_with_their_checkpoint(&mut $fresh().0);
        }
        #[test]
        fn signals_factchecks_lists_and_alerts() {
            if !$available {
                return;
            }
            $crate::signals_factchecks_lists_and_alerts(&mut $fresh().0);
        }
        #[test]
        fn the_audit_head_moves_with_every_change_and_only_then() {
            if !$available {
                return;
            }
            $crate::the_audit_head_moves_with_every_change_and_only_then(&mut $fresh().0);
        }
        #[test]
        fn avatars_are_kept_as_hashes_and_replaced() {
            if !$available {
                return;
            }
            $crate::avatars_are_kept_as_hashes_and_replaced(&mut $fresh().0);
        }
        #[test]
        fn aggregates_count_by_vietnam_day_hour_and_category() {
            if !$available {
                return;
            }
            $crate::aggregates_count_by_vietnam_day_hour_and_category(&mut $fresh().0);
        }
        #[test]
        fn cases_merge_and_unmerge_as_they_were_and_get_deadlines() {
            if !$available {
                return;
            }
            $crate::cases_merge_and_unmerge_as_they_were_and_get_deadlines(&mut $fresh().0);
        }
        #[test]
        fn tips_are_grouped_by_their_key_and_answered_once() {
            if !$available {
                return;
            }
            $crate::tips_are_grouped_by_their_key_and_answered_once(&mut $fresh().0);
        }

        #[test]
        fn tip_pictures_replies_channels_and_warnings_are_kept() {
            if !$available {
                return;
            }
            $crate::tip_pictures_replies_channels_and_warnings_are_kept(&mut $fresh().0);
        }
        #[test]
        fn sharing_partners_are_kept_with_their_exchanges_and_statuses() {
            if !$available {
                return;
            }
            $crate::sharing_partners_are_kept_with_their_exchanges_and_statuses(&mut $fresh().0);
        }
        #[test]
        fn shared_indicators_are_kept_by_version_and_never_replaced_from_outside() {
            if !$available {
                return;
            }
            $crate::shared_indicators_are_kept_by_version_and_never_replaced_from_outside(
                &mut $fresh().0,
            );
        }
        #[test]
        fn accounts_are_kept_with_their_scope() {
            if !$available {
                return;
            }
            $crate::accounts_are_kept_with_their_scope(&mut $fresh().0);
        }
        #[test]
        fn sessions_are_kept_by_hash_and_end_together() {
            if !$available {
                return;
            }
            $crate::sessions_are_kept_by_hash_and_end_together(&mut $fresh().0);
        }
        #[test]
        fn alerts_become_cases_with_evidence_and_a_timeline() {
            if !$available {
                return;
            }
            $crate::alerts_become_cases_with_evidence_and_a_timeline(&mut $fresh().0);
        }
        #[test]
        fn api_tokens_are_kept_by_hash_and_revoked() {
            if !$available {
                return;
            }
            $crate::api_tokens_are_kept_by_hash_and_revoked(&mut $fresh().0);
        }
        #[test]
        fn a_claim_to_own_an_account_counts_only_once_decided() {
            if !$available {
                return;
            }
            $crate::a_claim_to_own_an_account_counts_only_once_decided(&mut $fresh().0);
        }
        #[test]
        fn shadow_choices_suppressions_and_feeds_live_in_the_store() {
            if !$available {
                return;
            }
            $crate::shadow_choices_suppressions_and_feeds_live_in_the_store(&mut $fresh().0);
        }
        #[test]
        fn audit_events_keep_at_most_a_few_kilobytes_of_what_users_send() {
            if !$available {
                return;
            }
            $crate::audit_events_keep_at_most_a_few_kilobytes_of_what_users_send(&mut $fresh().0);
        }
        #[test]
        fn posts_past_their_retention_are_purged_in_batches() {
            if !$available {
                return;
            }
            $crate::posts_past_their_retention_are_purged_in_batches(&mut $fresh().0);
        }
        #[test]
        fn the_audit_log_is_purged_behind_a_checkpoint() {
            if !$available {
                return;
            }
            $crate::the_audit_log_is_purged_behind_a_checkpoint($fresh, $tamper);
        }
        #[test]
        fn audit_verify_detects_tampering() {
            if !$available {
                return;
            }
            $crate::audit_verify_detects_tampering($fresh, $tamper);
        }
    };
}

pub fn record(name: &str, url: &str, unit: &str, members: Option<u64>) -> CommunityRecord {
    let canonical = CanonicalUrl::parse(url).expect("test URL");
    CommunityRecord {
        key: canonical.to_string(),
        name: name.to_owned(),
        platform: canonical.platform(),
        url: Some(canonical.to_string()),
        kind: Kind::Page,
        members,
        admins: None,
        unit: Some(unit.to_owned()),
        status: Status::Unknown,
        classification: Classification::Unknown,
        official_of: None,
        locality: None,
        note: None,
    }
}

pub fn import_inserts_updates_and_never_duplicates(store: &mut Store) {
    let batch = vec![
        record(
            "Công an xã Thạch Quảng",
            "https://www.facebook.com/congan.thachquang",
            "Công an xã",
            Some(1200),
        ),
        record(
            "Thạch Quảng quê tôi",
            "facebook.com/groups/thachquangquetoi",
            "Đoàn Thanh niên",
            Some(5400),
        ),
        // The same page through the mobile host and a tracking parameter: updates the first.
        record(
            "Công an xã Thạch Quảng",
            "https://m.facebook.com/congan.thachquang/?fbclid=x",
            "cong an xa",
            Some(1250),
        ),
    ];
    let first = store
        .import_communities("tester", "sheet-1.xlsx", &batch)
        .unwrap();
    assert_eq!((first.inserted, first.updated, first.unchanged), (2, 1, 0));
    assert_eq!(
        first.units_created,
        ["Đơn vị gốc", "Công an xã", "Đoàn Thanh niên"]
    );
    let all = store.communities().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].members, Some(1250));
    assert_eq!(
        all[0].unit.as_deref(),
        Some("Công an xã"),
        "unit names are matched folded"
    );

    // The same rows again add nothing. (The store applies records in order; the spreadsheet
    // import merges a sheet's repeated rows first, so a re-imported sheet is all unchanged.)
    let again = store
        .import_communities("tester", "sheet-1.xlsx", &batch[1..])
        .unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));
    assert!(again.units_created.is_empty());

    // An updated sheet: a renamed page (bought pages are renamed) keeps its history.
    let renamed = vec![record(
        "Tin tức Thạch Quảng 24h",
        "facebook.com/groups/thachquangquetoi",
        "Đoàn Thanh niên",
        Some(6100),
    )];
    let third = store
        .import_communities("tester", "sheet-2.xlsx", &renamed)
        .unwrap();
    assert_eq!((third.inserted, third.updated, third.unchanged), (0, 1, 0));
    let group = store
        .communities()
        .unwrap()
        .into_iter()
        .find(|c| c.key.ends_with("thachquangquetoi"))
        .unwrap();
    assert_eq!(group.name, "Tin tức Thạch Quảng 24h");
    let history: Vec<u64> = store
        .size_history(group.id)
        .unwrap()
        .iter()
        .map(|s| s.members)
        .collect();
    assert_eq!(history, [5400, 6100]);
    let names = store.name_history(group.id).unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(
        (names[0].1.as_str(), names[0].2.as_str()),
        ("Thạch Quảng quê tôi", "Tin tức Thạch Quảng 24h")
    );
    assert_eq!(store.communities().unwrap().len(), 2);
    assert!(store.verify_audit().unwrap().ok);
}

pub fn members_declare_and_sign_and_coverage_counts_them(store: &mut Store) {
    let root = store
        .create_unit("admin", "Đảng bộ xã Thạch Quảng", None, Some(15199))
        .unwrap();
    let cell = store
        .create_unit("admin", "Chi bộ thôn 1", Some(root.id), Some(15199))
        .unwrap();
    assert!(
        store
            .create_unit("admin", "CHI BO THON 1", Some(root.id), None)
            .is_err(),
        "names are unique, folded"
    );
    let ids: Vec<MemberId> = ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"]
        .iter()
        .map(|n| {
            store
                .add_member(
                    "admin",
                    &NewMember {
                        unit: cell.id,
                        full_name: (*n).to_owned(),
                        position: None,
                    },
                )
                .unwrap()
        })
        .collect();
    store
        .import_communities(
            "admin",
            "form",
            &[record(
                "Nhóm thôn 1",
                "zalo.me/g/AbC123",
                "Chi bộ thôn 1",
                None,
            )],
        )
        .unwrap();
    let community = store.communities().unwrap()[0].id;
    let p = Participation {
        member: ids[0],
        community,
        role: ParticipationRole::Admin,
        source: ParticipationSource::SelfDeclared,
        since: Some("2024-05-01".into()),
        recorded: "2026-03-01".into(),
    };
    assert!(store.declare(ids[0].to_string().as_str(), &p).unwrap());
    assert!(
        !store.declare("x", &p).unwrap(),
        "the same declaration twice changes nothing"
    );
    assert!(
        store
            .declare(
                "x",
                &Participation {
                    role: ParticipationRole::Owner,
                    ..p.clone()
                }
            )
            .unwrap()
    );
    assert_eq!(store.participations().unwrap().len(), 1);
    let sign = |m: MemberId, version: &str| Commitment {
        member: m,
        version: version.into(),
        signed_on: "2026-11-02".into(),
    };
    assert!(store.sign("x", &sign(ids[0], COMMITMENT_VERSION)).unwrap());
    assert!(store.sign("x", &sign(ids[1], COMMITMENT_VERSION)).unwrap());
    assert!(!store.sign("x", &sign(ids[1], COMMITMENT_VERSION)).unwrap());
    // An older version only is not "signed": the coverage and the follow-up page agree.
    assert!(store.sign("x", &sign(ids[2], "2025-06")).unwrap());
    let cov = store.coverage("2026-12-01").unwrap();
    let cell_cov = cov.iter().find(|c| c.unit == "Chi bộ thôn 1").unwrap();
    assert_eq!(
        (cell_cov.members, cell_cov.declared, cell_cov.signed),
        (3, 1, 2)
    );
    let root_cov = cov
        .iter()
        .find(|c| c.unit == "Đảng bộ xã Thạch Quảng")
        .unwrap();
    assert_eq!(
        (root_cov.members, root_cov.declared, root_cov.signed),
        (0, 0, 0)
    );
    let v = store.verify_audit().unwrap();
    // 2 units, 3 members, 1 community, 2 declarations, 3 signatures.
    assert_eq!((v.events, v.ok), (11, true));

    // A code of conduct in the library takes the built-in version's place from its date: the
    // coverage counts who signed it, and before that day who signed the one before.
    let doc = |version: &str, effective_on: &str| LibraryDocument {
        id: 0,
        kind: DocumentKind::CodeOfConduct,
        title: "Quy tắc ứng xử trên mạng xã hội".into(),
        version: version.into(),
        effective_on: effective_on.into(),
        changes: "thêm điều 5".into(),
        unit: None,
        sha256: "ab".repeat(32),
        file_name: "quy-tac.docx".into(),
        media_type: "text/plain".into(),
        size: 10,
        added_by: String::new(),
        added_at: String::new(),
    };
    assert_eq!(
        store.commitment_version("2027-01-01").unwrap(),
        COMMITMENT_VERSION
    );
    let kept = store
        .add_document("x", &doc("2027-01", "2027-01-15"), "Điều 1. …")
        .unwrap();
    assert_eq!((kept.added_by.as_str(), kept.id > 0), ("x", true));
    assert!(matches!(
        store.add_document("x", &doc("2027-01", "2027-02-01"), ""),
        Err(store::StoreError::Conflict { .. })
    ));
    // A directive is no code of conduct, however new.
    store
        .add_document(
            "x",
            &LibraryDocument {
                kind: DocumentKind::Directive,
                title: "Chỉ thị".into(),
                ..doc("2027-03", "2027-01-20")
            },
            "",
        )
        .unwrap();
    assert_eq!(
        store.commitment_version("2027-01-14").unwrap(),
        COMMITMENT_VERSION
    );
    assert_eq!(store.commitment_version("2027-01-15").unwrap(), "2027-01");
    assert!(store.sign("x", &sign(ids[0], "2027-01")).unwrap());
    let signed = |store: &mut Store, day: &str| {
        store
            .coverage(day)
            .unwrap()
            .iter()
            .find(|c| c.unit == "Chi bộ thôn 1")
            .unwrap()
            .signed
    };
    assert_eq!(signed(store, "2027-01-14"), 2);
    assert_eq!(signed(store, "2027-02-01"), 1);
    let docs = store.documents().unwrap();
    assert_eq!(
        docs.iter()
            .map(|d| (d.kind, d.version.as_str()))
            .collect::<Vec<_>>(),
        [
            (DocumentKind::CodeOfConduct, "2027-01"),
            (DocumentKind::Directive, "2027-03")
        ]
    );
    assert_eq!(
        store.document_body(docs[0].id).unwrap().as_deref(),
        Some("Điều 1. …")
    );
    assert!(store.verify_audit().unwrap().ok);
}

pub fn item(source_id: &str, community: &str, text: &str) -> NewItem {
    NewItem {
        source_id: source_id.to_owned(),
        platform: Platform::Facebook,
        community_key: community.to_owned(),
        community_name: "Nhóm mới".to_owned(),
        published_at: "2026-11-02T08:30:00+07:00".to_owned(),
        text: text.to_owned(),
        url: None,
        author_pseudonym: Some("a1b2".to_owned()),
        author_handle: None,
        metrics: Metrics {
            reactions: Some(3),
            comments: None,
            shares: Some(1),
            views: None,
        },
        media: vec![MediaRef {
            reference: "photo.jpg".to_owned(),
            sha256: Some("ab".repeat(32)),
        }],
    }
}

pub fn items_are_stored_once_with_their_checkpoint(store: &mut Store) {
    store
        .import_communities(
            "t",
            "s",
            &[record(
                "Thạch Quảng quê tôi",
                "facebook.com/groups/thachquangquetoi",
                "Đoàn Thanh niên",
                None,
            )],
        )
        .unwrap();
    let known = "https://facebook.com/groups/thachquangquetoi";
    let unknown = "https://facebook.com/groups/nhommoi";
    let batch = vec![
        item("p1", known, "Thạch Quảng mùa lúa chín"),
        item("p2", unknown, "Chợ phiên sáng nay"),
        item("p1", known, "repeat in one batch"),
    ];
    let first = store.ingest_items("t", "export.jsonl", &batch, 3).unwrap();
    assert_eq!((first.inserted, first.duplicates), (2, 1));
    assert_eq!(first.communities_created, [unknown]);
    let again = store.ingest_items("t", "export.jsonl", &batch, 3).unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 3));
    assert!(again.communities_created.is_empty());
    assert_eq!(store.checkpoint("export.jsonl").unwrap(), Some(3));
    assert_eq!(store.checkpoint("other").unwrap(), None);
    assert_eq!(store.item_count().unwrap(), 2);
    let items = store.items_after(0, 10).unwrap();
    assert_eq!(items[0].source_id, "p1");
    assert_eq!(items[0].community_url.as_deref(), Some(known));
    assert_eq!(items[0].metrics.reactions, Some(3));
    assert_eq!(items[0].media[0].reference, "photo.jpg");
    let created = store
        .communities()
        .unwrap()
        .into_iter()
        .find(|c| c.key == unknown)
        .unwrap();
    assert_eq!(
        (created.status, created.kind),
        (Status::Unknown, Kind::Group)
    );
    assert_eq!(store.items_after(items[0].id, 10).unwrap().len(), 1);
    assert!(store.verify_audit().unwrap().ok);
}

/// The web's snapshot of units, register, alerts and cases is read again only when the audit head
/// moved: each change they show moves it, reads never do.
pub fn the_audit_head_moves_with_every_change_and_only_then(store: &mut Store) {
    assert_eq!(store.audit_head().unwrap(), 0);
    store
        .import_communities(
            "t",
            "s",
            &[record("Thạch Quảng quê tôi", "https://a.vn", "U", None)],
        )
        .unwrap();
    let after_import = store.audit_head().unwrap();
    assert!(after_import > 0);
    store.communities().unwrap();
    store.alerts().unwrap();
    store.cases().unwrap();
    assert_eq!(store.audit_head().unwrap(), after_import);
    let alert = StoredAlert {
        id: 0,
        category: Category::Scam,
        severity: "high".into(),
        score: 0.9,
        item_ids: vec![],
        count: 3,
        first_at: "2026-11-02T00:00:00Z".into(),
        last_at: "2026-11-02T00:00:00Z".into(),
        explanation: "tăng đột biến".into(),
        status: "open".into(),
    };
    store.raise_alerts("analytics", &[alert]).unwrap();
    let after_alert = store.audit_head().unwrap();
    assert_eq!(after_alert, after_import + 1);
    let id = store.alerts().unwrap()[0].id;
    assert!(
        store
            .decide_alert("officer", id, "dismissed", "trùng")
            .unwrap()
    );
    assert_eq!(store.audit_head().unwrap(), after_alert + 1);
}

/// An open scam alert on one post, as screening records it.
fn scam_alert_on(source_id: &str) -> StoredAlert {
    StoredAlert {
        id: 0,
        category: Category::Scam,
        severity: "medium".into(),
        score: 0.7,
        item_ids: vec![source_id.into()],
        count: 1,
        first_at: "2026-11-02T08:30:00+07:00".into(),
        last_at: "2026-11-02T08:30:00+07:00".into(),
        explanation: "x".into(),
        status: "open".into(),
    }
}

pub fn signals_factchecks_lists_and_alerts(store: &mut Store) {
    let known = "https://facebook.com/groups/thachquangquetoi";
    store
        .ingest_items(
            "t",
            "s",
            &[
                item("p1", known, "Vay tiền không thế chấp"),
                item("p2", known, "Chợ phiên"),
            ],
            2,
        )
        .unwrap();
    let ids: Vec<i64> = store
        .items_after(0, 10)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    let sig = |item_id: i64, category: Category, score: f32| StoredSignal {
        item_id,
        category,
        score,
        explanation: "Vay tiền không thế chấp — luật scam.easy_loan".into(),
        evidence: r#"[{"start":0,"end":8,"shown":"Vay tiền"}]"#.into(),
        detector: "rules".into(),
        reference: "scam.easy_loan".into(),
        version: "2026.11.1".into(),
        shadow: false,
        role: None,
    };
    let alert = scam_alert_on("p1");
    assert_eq!(
        store
            .record_signals(
                "t",
                &[(ids[0], vec![sig(ids[0], Category::Scam, 0.7)])],
                std::slice::from_ref(&alert),
                Some(0),
                ids[0] as u64
            )
            .unwrap(),
        Some(1)
    );
    // A second screener that started from the same checkpoint (another server's job) finds
    // it moved: it writes nothing — no signal replaced, no alert raised twice.
    let events = store.audit_events().unwrap().len();
    assert_eq!(
        store
            .record_signals(
                "t",
                &[(ids[0], vec![sig(ids[0], Category::Threat, 0.9)])],
                std::slice::from_ref(&alert),
                Some(0),
                ids[0] as u64
            )
            .unwrap(),
        None
    );
    assert_eq!(store.checkpoint("scan").unwrap(), Some(ids[0] as u64));
    assert_eq!(store.audit_events().unwrap().len(), events);
    assert_eq!(store.alerts().unwrap().len(), 1);
    assert!(store.signals(Some(Category::Threat)).unwrap().is_empty());
    // Screening again replaces, never doubles; screening everything again (no checkpoint it
    // started after) never moves the checkpoint back.
    store
        .record_signals(
            "t",
            &[
                (ids[0], vec![sig(ids[0], Category::Scam, 0.75)]),
                (ids[1], vec![]),
            ],
            &[],
            Some(ids[0] as u64),
            ids[1] as u64,
        )
        .unwrap();
    assert_eq!(
        store
            .record_signals(
                "t",
                &[(ids[0], vec![sig(ids[0], Category::Scam, 0.75)])],
                &[],
                None,
                ids[0] as u64
            )
            .unwrap(),
        Some(1)
    );
    let all = store.signals(None).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].0.as_str(), all[0].1.score), ("p1", 0.75));
    assert!(store.signals(Some(Category::Threat)).unwrap().is_empty());
    // What an officer reads behind an alert, and a page's signals: each with its signals as
    // recorded (the shadow flag read back on both backends).
    let behind = store.alert_items(&["p1".into(), "p2".into()]).unwrap();
    assert_eq!(behind.len(), 2);
    assert_eq!(behind[0].0.source_id, "p1");
    assert_eq!(
        behind[0]
            .1
            .iter()
            .map(|g| (g.reference.as_str(), g.score, g.shadow))
            .collect::<Vec<_>>(),
        [("scam.easy_loan", 0.75, false)]
    );
    assert!(behind[1].1.is_empty());
    let page = store.items_after(0, 1).unwrap()[0].community_id;
    let on_page = store
        .community_signals(domain::CommunityId(page), 10)
        .unwrap();
    assert_eq!(on_page.len(), 1);
    assert_eq!((on_page[0].0.as_str(), on_page[0].2.shadow), ("p1", false));
    assert_eq!(store.checkpoint("scan").unwrap(), Some(ids[1] as u64));
    let alerts = store.alerts().unwrap();
    assert_eq!(
        (
            alerts.len(),
            alerts[0].item_ids.clone(),
            alerts[0].status.as_str()
        ),
        (1, vec!["p1".to_owned()], "open")
    );
    // The alert's page: the one its post was published on.
    let page = store.items_after(0, 1).unwrap()[0].community_id;
    assert_eq!(
        store.alert_pages(0).unwrap(),
        [(alerts[0].id, CommunityId(page))]
    );
    assert!(store.alert_pages(alerts[0].id).unwrap().is_empty());
    // The alerts of one post, by its source id; none for a post in no alert.
    assert_eq!(store.alerts_of_item("p1").unwrap(), [alerts[0].id]);
    assert!(store.alerts_of_item("p2").unwrap().is_empty());
    // Media added to a stored post: each picture once by its SHA-256, audited.
    let post = store.items_by_source("p1").unwrap().remove(0);
    let shot = |sha: &str| MediaRef {
        reference: format!("screenshot:{sha}.png"),
        sha256: Some(sha.repeat(64)),
    };
    let (head, before) = (store.audit_head().unwrap(), post.media.len());
    assert_eq!(
        store
            .add_item_media("t", &post, &[shot("a"), shot("b"), shot("a")])
            .unwrap(),
        2
    );
    assert!(store.audit_head().unwrap() > head, "audited");
    let post = store.items_by_source("p1").unwrap().remove(0);
    assert_eq!(post.media.len(), before + 2);
    assert_eq!(store.add_item_media("t", &post, &[shot("b")]).unwrap(), 0);
    // Alerts by id: those that exist, by id, each once.
    let found = store
        .alerts_with_ids(&[alerts[0].id + 1000, alerts[0].id, alerts[0].id])
        .unwrap();
    assert_eq!(
        found
            .iter()
            .map(|a| (a.id, a.item_ids.clone()))
            .collect::<Vec<_>>(),
        [(alerts[0].id, vec!["p1".to_owned()])]
    );
    // A page by its id and by its key.
    let found = store.community(CommunityId(page)).unwrap().unwrap();
    assert_eq!(found.id, CommunityId(page));
    assert_eq!(
        store.community_id_by_key(&found.key).unwrap(),
        Some(CommunityId(page))
    );
    assert_eq!(store.community(CommunityId(page + 1000)).unwrap(), None);

    let fc = FactCheck {
        id: "fc-1".into(),
        claim: "Xã sẽ thu hồi đất làm sân golf".into(),
        verdict: Verdict::False,
        correction: "Không có chủ trương".into(),
        source_url: "https://x.vn".into(),
        date: None,
        variants: vec!["thu hồi đất làm golf".into()],
        media_hashes: vec![],
    };
    assert_eq!(
        store
            .import_factchecks("t", "a.csv", std::slice::from_ref(&fc))
            .unwrap(),
        (1, 0, 0)
    );
    assert_eq!(
        store
            .import_factchecks("t", "a.csv", std::slice::from_ref(&fc))
            .unwrap(),
        (0, 0, 1)
    );
    let changed = FactCheck {
        verdict: Verdict::Misleading,
        ..fc.clone()
    };
    assert_eq!(
        store.import_factchecks("t", "b.csv", &[changed]).unwrap(),
        (0, 1, 0)
    );
    assert_eq!(store.factchecks().unwrap()[0].verdict, Verdict::Misleading);
    assert_eq!(
        store.factchecks().unwrap()[0].variants,
        ["thu hồi đất làm golf"]
    );

    let entries = vec!["qua-tang.vn".to_owned(), "https://x.vn/a".to_owned()];
    assert_eq!(
        store
            .import_url_list("t", "list.txt", &entries, "block")
            .unwrap(),
        (2, 0, 0)
    );
    assert_eq!(
        store
            .import_url_list("t", "allow.txt", &entries[..1], "allow")
            .unwrap(),
        (0, 1, 0)
    );
    assert_eq!(
        store.url_entries().unwrap()[1],
        (
            "qua-tang.vn".to_owned(),
            "allow".to_owned(),
            "allow.txt".to_owned()
        )
    );
    assert!(store.verify_audit().unwrap().ok);
}

pub fn a_failed_transaction_writes_nothing(store: &mut Store) {
    // A panic inside a transaction, caught (as the web server catches a request's panic): the
    // store rolls it back when told, and the next change commits.
    let rows = vec![record("P", "https://p.vn", "U", None)];
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: store::Result<()> = store.transaction(|s| {
            s.import_communities("x", "y", &rows)?;
            panic!("a bug mid-change");
        });
    }));
    assert!(caught.is_err());
    store.abandon_transaction();
    assert!(store.communities().unwrap().is_empty(), "rolled back");
    assert!(store.audit_events().unwrap().is_empty());
    store.abandon_transaction(); // nothing open: nothing done

    // An import inside a larger change that then fails: nothing of it stays, audit included.
    let rows = vec![record("A", "https://a.vn", "U", Some(1))];
    let r: store::Result<()> = store.transaction(|s| {
        let outcome = s.import_communities("x", "y", &rows)?;
        assert_eq!(
            outcome.inserted, 1,
            "the import ran inside the outer transaction"
        );
        Err(store::StoreError::Database("simulated failure".into()))
    });
    assert!(r.is_err());
    assert!(store.communities().unwrap().is_empty());
    assert!(store.units().unwrap().is_empty());
    assert!(store.audit_events().unwrap().is_empty());
    // The store is usable afterwards, and the same import now lands whole.
    store.import_communities("x", "y", &rows).unwrap();
    assert_eq!(store.communities().unwrap().len(), 1);
    assert_eq!(
        store.audit_events().unwrap().len(),
        3,
        "root unit, unit U, community A"
    );
    assert!(store.verify_audit().unwrap().ok);
}

pub fn a_claim_to_own_an_account_counts_only_once_decided(store: &mut Store) {
    let unit = store
        .create_unit("admin", "Chi bộ thôn 1", None, Some(15199))
        .unwrap();
    let member = store
        .add_member(
            "admin",
            &NewMember {
                unit: unit.id,
                full_name: "Nguyễn Văn An".into(),
                position: None,
            },
        )
        .unwrap();
    let mut account = record(
        "Nguyễn Văn An",
        "https://facebook.com/nguyen.van.an.99",
        "Chi bộ thôn 1",
        None,
    );
    account.kind = Kind::Account;
    let group = record("Nhóm thôn 1", "zalo.me/g/AbC123", "Chi bộ thôn 1", None);
    store
        .import_communities("admin", "form", &[account, group])
        .unwrap();
    let ids: Vec<(CommunityId, Kind)> = store
        .communities()
        .unwrap()
        .iter()
        .map(|c| (c.id, c.kind))
        .collect();
    let account = ids.iter().find(|(_, k)| *k == Kind::Account).unwrap().0;
    let group = ids.iter().find(|(_, k)| *k != Kind::Account).unwrap().0;
    // Nothing to decide before a claim.
    assert!(
        store
            .decide_ownership("chibo", member, account, true)
            .is_err()
    );
    for community in [account, group] {
        store
            .declare(
                "an",
                &Participation {
                    member,
                    community,
                    role: ParticipationRole::Owner,
                    source: ParticipationSource::SelfDeclared,
                    since: None,
                    recorded: "2026-11-30".into(),
                },
            )
            .unwrap();
    }
    // A claim alone changes nothing; only an account's ownership can be decided.
    assert!(store.confirmed_ownerships().unwrap().is_empty());
    assert!(
        store
            .decide_ownership("chibo", member, group, true)
            .is_err()
    );
    store
        .decide_ownership("chibo", member, account, false)
        .unwrap();
    assert!(store.confirmed_ownerships().unwrap().is_empty());
    store
        .decide_ownership("chibo", member, account, true)
        .unwrap();
    assert_eq!(store.confirmed_ownerships().unwrap(), [(member, account)]);
    assert_eq!(
        store.ownership_decisions().unwrap(),
        [(member, account, "confirmed".to_owned())]
    );
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("participation."))
        .collect();
    assert_eq!(
        actions,
        [
            "participation.declare",
            "participation.declare",
            "participation.reject",
            "participation.confirm"
        ]
    );
    assert!(store.verify_audit().unwrap().ok);
}

pub fn shadow_choices_suppressions_and_feeds_live_in_the_store(store: &mut Store) {
    assert!(store.shadow_choices().unwrap().is_empty());
    // A feed's last answer, replaced as it changes.
    let feed = "https://baohatinh.vn/rss/thoi-su.rss";
    assert_eq!(store.feed_state(feed).unwrap(), None);
    store
        .put_feed_state(feed, &(Some("\"abc\"".into()), None, Some(1_796_000_000)))
        .unwrap();
    store
        .put_feed_state(
            feed,
            &(
                Some("\"abd\"".into()),
                Some("Mon, 30 Nov 2026 08:00:00 GMT".into()),
                Some(1_796_000_600),
            ),
        )
        .unwrap();
    assert_eq!(
        store.feed_state(feed).unwrap(),
        Some((
            Some("\"abd\"".into()),
            Some("Mon, 30 Nov 2026 08:00:00 GMT".into()),
            Some(1_796_000_600)
        ))
    );
    store.set_shadow("phantich", "scam.task_job", true).unwrap();
    store
        .set_shadow("phantich", "threat.violence", true)
        .unwrap();
    store
        .set_shadow("quantri", "threat.violence", false)
        .unwrap();
    let choices = store.shadow_choices().unwrap();
    assert_eq!(choices.len(), 2);
    assert!(choices["scam.task_job"]);
    assert!(!choices["threat.violence"]);
    // A post's folded text can be long: the key is its hash, not the text.
    let long = "viec nhe luong cao ".repeat(500);
    let details = serde_json::json!({"item": "p1", "reason": "tin tuyển dụng thật"});
    assert!(
        store
            .add_suppression("canbo", "scam.task_job", &long, details.clone())
            .unwrap()
    );
    assert!(
        !store
            .add_suppression("canbo", "scam.task_job", &long, details)
            .unwrap(),
        "once"
    );
    assert!(
        store
            .add_suppression("canbo", "scam.phrase", "cho phien", serde_json::json!({}))
            .unwrap()
    );
    assert_eq!(
        store.suppressions().unwrap(),
        [
            ("scam.task_job".to_owned(), long.clone()),
            ("scam.phrase".to_owned(), "cho phien".to_owned())
        ]
    );
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "rules.shadow",
            "rules.shadow",
            "rules.shadow",
            "signal.suppress",
            "signal.suppress"
        ]
    );
    assert!(store.verify_audit().unwrap().ok);
}

pub fn audit_events_keep_at_most_a_few_kilobytes_of_what_users_send(store: &mut Store) {
    // A 1.9 MB username tried at the sign-in form, and a page name with a document behind it.
    let huge = "ă".repeat(1_900_000);
    store
        .record(
            &huge,
            "login.failed",
            "user",
            serde_json::json!({"username": huge, "nested": [{"name": huge}], "n": 3}),
        )
        .unwrap();
    let events = store.audit_events().unwrap();
    let e = events.last().unwrap();
    assert_eq!(
        e.actor.chars().count(),
        store::MAX_AUDIT_NAME + 1,
        "cut, with its mark"
    );
    assert!(e.actor.ends_with('…'));
    let details: serde_json::Value = serde_json::from_str(&e.details).unwrap();
    assert_eq!(
        details["username"].as_str().unwrap().chars().count(),
        store::MAX_AUDIT_TEXT + 1
    );
    assert_eq!(
        details["nested"][0]["name"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        store::MAX_AUDIT_TEXT + 1
    );
    assert_eq!(details["n"], 3);
    assert!(e.details.len() < 20_000, "{} bytes", e.details.len());
    assert!(store.verify_audit().unwrap().ok);
}

/// `fresh` gives a new store and a handle the tamperer uses; `tamper` runs raw SQL behind the
/// store's back.
pub fn audit_verify_detects_tampering<H>(fresh: fn() -> (Store, H), tamper: fn(&H, &str)) {
    let setup = || {
        let (mut store, handle) = fresh();
        let rows: Vec<CommunityRecord> = (0..5)
            .map(|i| {
                record(
                    &format!("Trang {i}"),
                    &format!("https://trang{i}.vn"),
                    "Công an xã",
                    Some(i),
                )
            })
            .collect();
        store.import_communities("tester", "sheet", &rows).unwrap();
        let v = store.verify_audit().unwrap();
        assert_eq!((v.events, v.ok, v.first_bad), (7, true, None));
        (store, handle)
    };
    let cases: [(&str, Option<i64>); 3] = [
        (
            "UPDATE audit_events SET actor = 'someone else' WHERE id = 4",
            Some(4),
        ),
        ("DELETE FROM audit_events WHERE id = 3", Some(4)),
        (
            "UPDATE audit_events SET id = CASE id WHEN 5 THEN 1005 WHEN 6 THEN 5 END WHERE id IN (5, 6); UPDATE audit_events SET id = 6 WHERE id = 1005",
            Some(5),
        ),
    ];
    for (sql, first_bad) in cases {
        let (mut store, handle) = setup();
        tamper(&handle, sql);
        let v = store.verify_audit().unwrap();
        assert!(!v.ok, "{sql}");
        assert_eq!(v.first_bad, first_bad, "{sql}");
    }
}

pub fn avatars_are_kept_as_hashes_and_replaced(store: &mut Store) {
    store
        .import_communities(
            "test",
            "avatars.csv",
            &[record(
                "Công an xã Thạch Quảng",
                "https://facebook.com/congan.thachquang",
                "Công an xã Thạch Quảng",
                None,
            )],
        )
        .unwrap();
    let id = store.communities().unwrap()[0].id;
    let avatar = |pdq: &str, sha: &str| Avatar {
        pdq: pdq.repeat(64),
        quality: 100,
        sha256: sha.repeat(64),
        turned: vec![],
        recorded_at: String::new(),
    };
    let before = store.audit_events().unwrap().len();
    assert!(store.set_avatar("officer", id, &avatar("a", "1")).unwrap());
    // The same file again changes nothing and writes no event.
    assert!(!store.set_avatar("officer", id, &avatar("a", "1")).unwrap());
    assert!(store.set_avatar("officer", id, &avatar("b", "2")).unwrap());
    let avatars = store.avatars().unwrap();
    assert_eq!(avatars.len(), 1);
    assert_eq!(
        (
            avatars[0].0,
            avatars[0].1.pdq.as_str(),
            avatars[0].1.quality
        ),
        (id, "b".repeat(64).as_str(), 100)
    );
    // The same file with its turned hashes (recorded before they were kept): they are added.
    let turned = Avatar {
        turned: vec!["c".repeat(64), "d".repeat(64)],
        ..avatar("b", "2")
    };
    assert!(store.set_avatar("officer", id, &turned).unwrap());
    assert_eq!(store.avatars().unwrap()[0].1.turned, turned.turned);
    assert!(!store.set_avatar("officer", id, &turned).unwrap());
    let events = store.audit_events().unwrap();
    assert_eq!(events.len(), before + 3);
    assert_eq!(events.last().unwrap().action, "community.avatar");
    assert!(store.verify_audit().unwrap().ok);
}

pub fn aggregates_count_by_vietnam_day_hour_and_category(store: &mut Store) {
    let group = "https://facebook.com/groups/thachquangquetoi";
    let at = |id: &str, when: &str, reactions: u64| {
        let mut i = item(id, group, "Chợ phiên sáng nay");
        i.published_at = when.to_owned();
        i.metrics.reactions = Some(reactions);
        i
    };
    store
        .ingest_items(
            "t",
            "s",
            &[
                at("a", "2026-10-31T23:59:00+07:00", 1),
                at("b", "2026-11-01T00:10:00+07:00", 2),
                at("c", "2026-11-01T00:50:00+07:00", 3),
                at("d", "2026-11-01T09:00:00+07:00", 4),
                at("e", "2026-11-30T23:00:00+07:00", 5),
                at("f", "2026-12-01T00:00:00+07:00", 6),
            ],
            6,
        )
        .unwrap();
    let rows = store.item_volume("2026-11-01", "2026-12-01").unwrap();
    let days: Vec<(&str, u64, u64, u64)> = rows
        .iter()
        .map(|r| (r.day.as_str(), r.items, r.reactions, r.shares))
        .collect();
    assert_eq!(days, [("2026-11-01", 3, 9, 3), ("2026-11-30", 1, 5, 1)]);
    assert_eq!(rows[0].platform, "facebook");
    let hours = store.hourly_volume("2026-11-01", "2026-12-01").unwrap();
    assert_eq!(
        hours,
        [
            ("2026-11-01T00".to_owned(), 2),
            ("2026-11-01T09".to_owned(), 1),
            ("2026-11-30T23".to_owned(), 1)
        ]
    );
    let ids: Vec<i64> = store
        .items_after(0, 10)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    let sig = |item_id: i64, category: Category, shadow: bool| StoredSignal {
        item_id,
        category,
        score: 0.8,
        explanation: "x".into(),
        evidence: "[]".into(),
        detector: "rules".into(),
        reference: "r".into(),
        version: "1".into(),
        shadow,
        role: None,
    };
    store
        .record_signals(
            "t",
            &[
                (
                    ids[1],
                    vec![
                        sig(ids[1], Category::Scam, false),
                        sig(ids[1], Category::Threat, true),
                    ],
                ),
                (ids[2], vec![sig(ids[2], Category::Scam, false)]),
                (ids[5], vec![sig(ids[5], Category::Scam, false)]),
            ],
            &[],
            None,
            6,
        )
        .unwrap();
    assert_eq!(
        store.signal_volume("2026-11-01", "2026-12-01").unwrap(),
        [("2026-11-01".to_owned(), "scam".to_owned(), 2)]
    );
    let mut texts = Vec::new();
    store
        .for_each_text("2026-11-01", "2026-12-01", &mut |t, c| {
            texts.push((t.to_owned(), c))
        })
        .unwrap();
    assert_eq!(texts.len(), 4);
    assert_eq!(texts[0].0, "Chợ phiên sáng nay");
    let matched = store
        .signal_items("2026-11-01", "2026-12-01", &["scam"])
        .unwrap();
    let ids: Vec<&str> = matched.iter().map(|m| m.4.as_str()).collect();
    assert_eq!(ids, ["b", "c"]);
    assert_eq!(matched[0].1, "r");
    // Alerts from analytics: raised once, audited, the scan checkpoint untouched.
    let alert = StoredAlert {
        id: 0,
        category: Category::Scam,
        severity: "high".into(),
        score: 0.9,
        item_ids: vec!["b".into(), "c".into()],
        count: 2,
        first_at: "2026-11-01T00:10:00+07:00".into(),
        last_at: "2026-11-01T00:50:00+07:00".into(),
        explanation: "Lan rộng".into(),
        status: "open".into(),
    };
    let before = store.checkpoint("scan").unwrap();
    assert_eq!(
        store
            .raise_alerts("analytics", std::slice::from_ref(&alert))
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .raise_alerts("analytics", std::slice::from_ref(&alert))
            .unwrap(),
        0
    );
    assert_eq!(store.checkpoint("scan").unwrap(), before);
    assert_eq!(store.alerts().unwrap().len(), 1);
    // A person decides: dismissed, with the reason in the log.
    let id = store.alerts().unwrap()[0].id;
    assert!(
        store
            .decide_alert("officer", id, "dismissed", "tin cũ, đã xử lý")
            .unwrap()
    );
    assert!(
        !store
            .decide_alert("officer", id + 100, "dismissed", "x")
            .unwrap()
    );
    assert_eq!(store.alerts().unwrap()[0].status, "dismissed");
    let last = store.audit_events().unwrap().pop().unwrap();
    assert_eq!(last.action, "alert.decide");
    assert!(last.details.contains("tin cũ, đã xử lý"));
    assert!(store.verify_audit().unwrap().ok);
}

pub fn accounts_are_kept_with_their_scope(store: &mut Store) {
    let unit = store
        .create_unit("t", "Chi bộ thôn Đồng Tâm", None, None)
        .unwrap();
    let user = User {
        id: 0,
        username: "chibo.dongtam".into(),
        role: Role::UnitAdmin,
        unit: Some(unit.id),
        member: None,
        must_change: true,
        disabled_at: None,
        commune: None,
    };
    let id = store
        .create_user(
            "admin",
            &user,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        )
        .unwrap();
    let (found, hash) = store.user_by_name("chibo.dongtam").unwrap().unwrap();
    assert_eq!(found, User { id, ..user.clone() });
    assert!(hash.starts_with("$argon2id$"));
    assert!(store.user_by_name("nobody").unwrap().is_none());
    // The same username twice is refused as a conflict (on either backend) and writes nothing.
    assert!(
        matches!(
            store.create_user("admin", &user, "x"),
            Err(store::StoreError::Conflict { .. })
        ),
        "a taken username is a conflict"
    );
    store
        .set_password("chibo.dongtam", id, "$argon2id$new", false)
        .unwrap();
    let (after, hash) = store.user_by_name("chibo.dongtam").unwrap().unwrap();
    assert_eq!((after.must_change, hash.as_str()), (false, "$argon2id$new"));
    assert_eq!(store.users().unwrap().len(), 1);
    let events = store.audit_events().unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&["user.create", "user.password"]),
        "{actions:?}"
    );
    assert!(
        !events.iter().any(|e| e.details.contains("argon2")),
        "hashes never reach the log"
    );

    // Disabled once (its sessions end with it, and a session is no longer one), enabled once.
    store
        .open_session(&store::StoredSession {
            id_sha256: "s".into(),
            user_id: id,
            csrf: "c".into(),
            created_ms: 0,
            seen_ms: 0,
        })
        .unwrap();
    assert!(store.set_disabled("admin", id, true, "nghỉ việc").unwrap());
    assert!(!store.set_disabled("admin", id, true, "lần nữa").unwrap());
    assert!(store.session("s").unwrap().is_none());
    assert!(store.users().unwrap()[0].disabled_at.is_some());
    assert!(store.set_disabled("admin", id, false, "").unwrap());
    assert!(!store.set_disabled("admin", id, false, "").unwrap());
    assert_eq!(store.users().unwrap()[0].disabled_at, None);
    // Another role and unit, with what it was.
    store
        .set_role("admin", &after, Role::Officer, None, "chuyển công tác")
        .unwrap();
    let (moved, _) = store.user_by_name("chibo.dongtam").unwrap().unwrap();
    assert_eq!((moved.role, moved.unit), (Role::Officer, None));
    let events = store.audit_events().unwrap();
    // Compared as JSON: the key order depends on serde_json's features in the build.
    let last: Vec<(&str, serde_json::Value)> = events[events.len() - 3..]
        .iter()
        .map(|e| (e.action.as_str(), serde_json::from_str(&e.details).unwrap()))
        .collect();
    assert_eq!(
        last,
        [
            ("user.disable", serde_json::json!({"reason": "nghỉ việc"})),
            ("user.enable", serde_json::json!({"reason": ""})),
            (
                "user.role",
                serde_json::json!({
                    "from": {"role": "unit_admin", "unit": unit.id.0},
                    "to": {"role": "officer", "unit": null},
                    "reason": "chuyển công tác",
                })
            ),
        ]
    );
    assert!(store.verify_audit().unwrap().ok);
}

/// Indicators received from another office: added once, replaced only by a newer version,
/// revoked by a newer revoked version; one confirmed here is never replaced from outside.
pub fn shared_indicators_are_kept_by_version_and_never_replaced_from_outside(store: &mut Store) {
    let indicator = |id: &str, modified: &str, revoked: bool, local: bool| SharedIndicator {
        stix_id: format!("indicator--{id}"),
        kind: "domain".into(),
        value: format!("{id}.top"),
        origin: "identity--a".into(),
        origin_name: "Đảng bộ xã A".into(),
        local,
        modified: modified.into(),
        valid_until: Some("2027-12-01T00:00:00.000Z".into()),
        revoked,
        marking: "TLP:AMBER".into(),
        object: "{}".into(),
        case_ref: local.then(|| "case:1".into()),
        added: String::new(),
    };
    let ours = indicator("ours", "2026-11-01T00:00:00.000Z", false, true);
    store
        .keep_indicator("canbo", &ours, "share.add", serde_json::json!({}))
        .unwrap();
    let first = [
        indicator("x", "2026-11-01T00:00:00.000Z", false, false),
        indicator("y", "2026-11-01T00:00:00.000Z", false, false),
    ];
    let r = store
        .receive_indicators("canbo", "bundle--1", &first)
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.revoked), (2, 0, 0, 0));
    let r = store
        .receive_indicators("canbo", "bundle--1", &first)
        .unwrap();
    assert_eq!((r.added, r.unchanged), (0, 2));
    let newer = [
        indicator("x", "2026-11-02T00:00:00.000Z", false, false),
        indicator("y", "2026-11-02T00:00:00.000Z", true, false),
        indicator("ours", "2026-12-01T00:00:00.000Z", true, false),
        indicator("x", "2026-10-01T00:00:00.000Z", true, false),
    ];
    let r = store
        .receive_indicators("canbo", "bundle--2", &newer)
        .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.revoked), (0, 1, 1, 1));
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].0, "indicator--ours");
    let kept = store.indicators().unwrap();
    let get = |id: &str| {
        kept.iter()
            .find(|i| i.stix_id == format!("indicator--{id}"))
            .unwrap()
    };
    assert_eq!(get("x").modified, "2026-11-02T00:00:00.000Z");
    assert!(!get("x").revoked && get("y").revoked);
    // Each row carries when its version was kept here (a TAXII server's "date added").
    let unadded = |i: &SharedIndicator| SharedIndicator {
        added: String::new(),
        ..i.clone()
    };
    assert_eq!(unadded(get("ours")), ours);
    assert!(get("ours").added.ends_with('Z') && get("x").added >= get("ours").added);
    assert_eq!(
        store
            .indicator("indicator--ours")
            .unwrap()
            .as_ref()
            .map(unadded),
        Some(ours)
    );
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["share.add", "share.import", "share.import"]);
    assert!(store.verify_audit().unwrap().ok);
}

/// Citizens' tips: kept in the group of their key (made with the first), found by their code's
/// hash, counted by tips and distinct senders (largest first); a group answered once for all.
pub fn tips_are_grouped_by_their_key_and_answered_once(store: &mut Store) {
    let tip = |code: &str, sender: &str| domain::Tip {
        id: 0,
        code_sha256: code.into(),
        channel: "web".into(),
        link: None,
        phone: Some("+84356111222".into()),
        account: None,
        text: "bị gọi đòi tiền".into(),
        contact: None,
        consent: false,
        answer: r#"{"known":true}"#.into(),
        group_id: 0,
        sender: sender.into(),
        created_at: String::new(),
    };
    let (a, g1) = store
        .add_tip(&tip("c1", "s1"), "phone:+84356111222", "phone", &[])
        .unwrap();
    let (_, g1b) = store
        .add_tip(&tip("c2", "s2"), "phone:+84356111222", "phone", &[])
        .unwrap();
    store
        .add_tip(&tip("c3", "s2"), "phone:+84356111222", "phone", &[])
        .unwrap();
    let (_, g2) = store
        .add_tip(&tip("c4", "s1"), "link:a.top", "link", &[])
        .unwrap();
    assert_eq!(g1, g1b);
    assert_ne!(g1, g2);
    assert!(matches!(
        store.add_tip(&tip("c1", "s9"), "link:a.top", "link", &[]),
        Err(store::StoreError::Conflict { .. })
    ));
    let kept = store.tip_by_code("c1").unwrap().unwrap();
    assert_eq!(
        (kept.id, kept.group_id, kept.sender.as_str()),
        (a, g1, "s1")
    );
    assert!(kept.created_at.ends_with('Z'));
    assert_eq!(store.tip_by_code("c9").unwrap(), None);
    let groups = store.tip_groups().unwrap();
    assert_eq!(
        groups
            .iter()
            .map(|g| (g.id, g.kind.as_str(), g.tips, g.senders, g.status.as_str()))
            .collect::<Vec<_>>(),
        [(g1, "phone", 3, 2, "open"), (g2, "link", 1, 1, "open")]
    );
    assert_eq!(store.tips_of_group(g1).unwrap().len(), 3);
    assert_eq!(store.tip_group(g2).unwrap(), Some(groups[1].clone()));
    assert_eq!(store.tip_group(999).unwrap(), None);
    assert!(
        store
            .answer_tip_group("congan", g1, "confirmed", "Lừa đảo.")
            .unwrap()
    );
    assert!(
        !store
            .answer_tip_group("congan", 999, "confirmed", "x")
            .unwrap()
    );
    let g = store
        .tip_groups()
        .unwrap()
        .into_iter()
        .find(|g| g.id == g1)
        .unwrap();
    assert_eq!(
        (
            g.status.as_str(),
            g.answer.as_deref(),
            g.decided_by.as_deref()
        ),
        ("confirmed", Some("Lừa đảo."), Some("congan"))
    );
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "tip.receive",
            "tip.receive",
            "tip.receive",
            "tip.receive",
            "tip.answer"
        ]
    );
    assert!(store.verify_audit().unwrap().ok);
}

/// A tip's screenshots, kept with it and found by its group (or all with a PDQ hash); a group
/// confirmed into a case; replies owed in a tip's channel; the channels that take tips; and
/// warnings drafted, edited and approved (then no longer changed), each audited.
pub fn tip_pictures_replies_channels_and_warnings_are_kept(store: &mut Store) {
    let tip = |code: &str, channel: &str, contact: Option<&str>| domain::Tip {
        id: 0,
        code_sha256: code.into(),
        channel: channel.into(),
        link: None,
        phone: None,
        account: None,
        text: "ảnh tin nhắn".into(),
        contact: contact.map(Into::into),
        consent: contact.is_some(),
        answer: "{}".into(),
        group_id: 0,
        sender: "s".into(),
        created_at: String::new(),
    };
    let picture = |sha: &str, pdq: Option<&str>| domain::TipPicture {
        tip_id: 0,
        sha256: sha.into(),
        media_type: "image/png".into(),
        size: 10,
        pdq: pdq.map(Into::into),
    };
    let (t1, g1) = store
        .add_tip(
            &tip("p1", "telegram", Some("telegram:42")),
            "picture:aa",
            "picture",
            &[picture("s1", Some("aa")), picture("s2", None)],
        )
        .unwrap();
    let (t2, g2) = store
        .add_tip(
            &tip("p2", "web", None),
            "text:bb",
            "text",
            &[picture("s3", Some("bb"))],
        )
        .unwrap();
    assert_eq!(
        store
            .tip_pictures(Some(g1))
            .unwrap()
            .iter()
            .map(|(g, p)| (*g, p.tip_id, p.sha256.as_str()))
            .collect::<Vec<_>>(),
        [(g1, t1, "s1"), (g1, t1, "s2")]
    );
    assert_eq!(
        store
            .tip_pictures(None)
            .unwrap()
            .iter()
            .map(|(g, p)| (*g, p.pdq.as_deref()))
            .collect::<Vec<_>>(),
        [(g1, Some("aa")), (g2, Some("bb"))]
    );
    assert_eq!(store.tip_group_keys("text").unwrap(), ["text:bb"]);
    assert_eq!(store.tip_group_keys("link").unwrap(), Vec::<String>::new());
    assert_eq!(store.tips_to_reply(10).unwrap(), []);
    store
        .answer_tip_group("congan", g1, "confirmed", "Lừa đảo.")
        .unwrap();
    store
        .answer_tip_group("congan", g2, "not_scam", "Không sao.")
        .unwrap();
    store.set_tip_group_case("congan", g1, 5).unwrap();
    assert_eq!(store.tip_group(g1).unwrap().unwrap().case_id, Some(5));
    let owed = store.tips_to_reply(10).unwrap();
    assert_eq!(
        owed.iter()
            .map(|(t, a)| (t.id, t.contact.as_deref(), a.as_str()))
            .collect::<Vec<_>>(),
        [(t1, Some("telegram:42"), "Lừa đảo.")],
        "a web tip is answered on its status page"
    );
    store.mark_tip_replied("sokenh", t1, "telegram").unwrap();
    assert_eq!(store.tips_to_reply(10).unwrap(), []);
    let _ = t2;

    let channel = domain::TipChannel {
        platform: "telegram".into(),
        credential: "sealed-1".into(),
        secret: "sealed-2".into(),
        api_base: "http://127.0.0.1:9".into(),
        added_by: String::new(),
        added_at: String::new(),
    };
    store.put_tip_channel("admin", &channel).unwrap();
    store
        .put_tip_channel(
            "admin",
            &domain::TipChannel {
                credential: "sealed-3".into(),
                ..channel.clone()
            },
        )
        .unwrap();
    let channels = store.tip_channels().unwrap();
    assert_eq!(
        channels
            .iter()
            .map(|c| (
                c.platform.as_str(),
                c.credential.as_str(),
                c.added_by.as_str()
            ))
            .collect::<Vec<_>>(),
        [("telegram", "sealed-3", "admin")]
    );

    let draft = domain::Warning {
        id: 0,
        shape: "tactic".into(),
        case_id: Some(5),
        group_id: Some(g1),
        title: "Cảnh báo".into(),
        body: "Thủ đoạn…".into(),
        status: String::new(),
        drafted_by: String::new(),
        created_at: String::new(),
        updated_at: String::new(),
        approved_by: None,
        approved_at: None,
        published: None,
    };
    let w = store.add_warning("congan", &draft).unwrap();
    let edited = store
        .save_warning("congan", w, "Cảnh báo lừa đảo", "Sửa lại.", false)
        .unwrap();
    assert_eq!(
        (edited.status.as_str(), edited.body.as_str()),
        ("draft", "Sửa lại.")
    );
    let approved = store
        .save_warning("truongca", w, "Cảnh báo lừa đảo", "Bản duyệt.", true)
        .unwrap();
    assert_eq!(
        (approved.status.as_str(), approved.approved_by.as_deref()),
        ("approved", Some("truongca"))
    );
    assert!(matches!(
        store.save_warning("congan", w, "x", "y", false),
        Err(store::StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.save_warning("congan", 999, "x", "y", false),
        Err(store::StoreError::NotFound { .. })
    ));
    let kept = store.warnings().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].drafted_by.as_str(), kept[0].body.as_str()),
        ("congan", "Bản duyệt.")
    );
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| !a.starts_with("tip.receive"))
        .collect();
    assert_eq!(
        actions,
        [
            "tip.answer",
            "tip.answer",
            "tip.case",
            "tip.reply",
            "tip.channel",
            "tip.channel",
            "warning.draft",
            "warning.edit",
            "warning.approve"
        ]
    );
    assert!(
        !store
            .audit_events()
            .unwrap()
            .iter()
            .any(|e| e.details.contains("sealed-") || e.details.contains("telegram:42")),
        "no credential or reply address in the audit log"
    );
    assert!(store.verify_audit().unwrap().ok);
}

/// Sharing partners: kept with their province, address, sealed token and rights; found by the
/// token issued to them; each exchange's cursors and counts written with its audit event; a
/// name kept twice is a conflict; TAXII statuses kept by id with their partner.
pub fn sharing_partners_are_kept_with_their_exchanges_and_statuses(store: &mut Store) {
    let partner = domain::SharePartner {
        id: 0,
        name: "Tỉnh Thanh Hóa".into(),
        province: 38,
        url: Some("http://127.0.0.1:9/taxii2/api1/".into()),
        sealed_token: Some("00ff".into()),
        token_id: Some(7),
        can_read: true,
        can_write: true,
        pull_cursor: None,
        push_cursor: None,
        last_pull: None,
        last_push: None,
        last_error: None,
        pulled: 0,
        pushed: 0,
        created_by: "admin".into(),
        created_at: "2026-12-01T00:00:00.000Z".into(),
    };
    let id = store.add_partner("admin", &partner).unwrap();
    assert!(matches!(
        store.add_partner("admin", &partner),
        Err(store::StoreError::Conflict { .. })
    ));
    let kept = store.partners().unwrap();
    assert_eq!(
        kept,
        vec![domain::SharePartner {
            id,
            ..partner.clone()
        }]
    );
    assert_eq!(store.partner_by_token(7).unwrap().map(|p| p.id), Some(id));
    assert_eq!(store.partner_by_token(8).unwrap(), None);
    let after = domain::SharePartner {
        id,
        pull_cursor: Some("2026-12-01T01:00:00.000Z".into()),
        push_cursor: Some("2026-12-01T01:00:00.000Z|indicator--a".into()),
        last_pull: Some("2026-12-01T01:00:01.000Z".into()),
        last_push: Some("2026-12-01T01:00:02.000Z".into()),
        last_error: Some("refused".into()),
        pulled: 3,
        pushed: 2,
        ..partner.clone()
    };
    store
        .update_partner("cli", &after, "share.pull", serde_json::json!({"added": 3}))
        .unwrap();
    assert_eq!(store.partners().unwrap(), vec![after]);
    store
        .keep_taxii_status("s-1", Some(id), r#"{"status":"complete"}"#)
        .unwrap();
    assert_eq!(
        store.taxii_status("s-1").unwrap(),
        Some((Some(id), r#"{"status":"complete"}"#.to_owned()))
    );
    assert_eq!(store.taxii_status("s-2").unwrap(), None);
    let actions: Vec<String> = store
        .audit_events()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["share.partner", "share.pull"]);
    assert!(store.verify_audit().unwrap().ok);
}

/// Cases get a deadline by category and severity when they open (the office's own, else the
/// built-in one), and whole cases merge into one and come out again exactly as they were: their
/// alerts, evidence and timeline their own, both timelines recording the merge and the un-merge.
pub fn cases_merge_and_unmerge_as_they_were_and_get_deadlines(store: &mut Store) {
    let alert = |n: &str, severity: &str| StoredAlert {
        id: 0,
        category: Category::Scam,
        severity: severity.into(),
        score: 0.9,
        item_ids: vec![n.to_owned()],
        count: 1,
        first_at: format!("2026-11-0{n}T08:00:00+07:00"),
        last_at: format!("2026-11-0{n}T08:00:00+07:00"),
        explanation: format!("Lừa đảo {n}"),
        status: "open".into(),
    };
    let raised = [
        alert("1", "high"),
        alert("2", "low"),
        alert("3", "medium"),
        alert("4", "high"),
    ];
    store.raise_alerts("detect", &raised).unwrap();
    let ids: Vec<i64> = store.alerts().unwrap().iter().map(|a| a.id).collect();
    let hours = |c: &Case| {
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
        (at(c.due_at.as_deref().unwrap()) - at(&c.opened_at)).num_hours()
    };
    // Built in: the worst alert's severity decides.
    let a = store
        .open_case("canbo", "Hồ sơ A", Category::Scam, None, &[ids[0], ids[1]])
        .unwrap();
    let b = store
        .open_case("canbo", "Hồ sơ B", Category::Scam, None, &[ids[2]])
        .unwrap();
    let case = |store: &mut Store, id: i64| store.case(id).unwrap().unwrap();
    assert_eq!((hours(&case(store, a)), hours(&case(store, b))), (24, 72));
    // The office's own: for scams, then for any category.
    store
        .set_case_deadline("quantri", "scam", "high", Some(12))
        .unwrap();
    store
        .set_case_deadline("quantri", "*", "medium", Some(48))
        .unwrap();
    assert!(
        store
            .set_case_deadline("quantri", "opinion", "high", Some(1))
            .is_err()
    );
    assert!(
        store
            .set_case_deadline("quantri", "*", "urgent", Some(1))
            .is_err()
    );
    assert_eq!(store.deadline_hours(Category::Scam, "high").unwrap(), 12);
    assert_eq!(
        store.deadline_hours(Category::Threat, "medium").unwrap(),
        48
    );
    assert_eq!(store.deadline_hours(Category::Threat, "high").unwrap(), 24);
    store
        .set_case_deadline("quantri", "scam", "high", None)
        .unwrap();
    assert_eq!(store.deadline_hours(Category::Scam, "high").unwrap(), 24);
    assert_eq!(store.case_deadlines().unwrap().len(), 1);

    // B has evidence and history of its own; then it is merged into A.
    store.assign_case("truongphong", b, Some("canbo")).unwrap();
    assert!(case(store, b).first_action_at.is_some());
    assert!(case(store, a).first_action_at.is_none());
    store
        .add_evidence(
            "canbo",
            &Evidence {
                case_id: b,
                sha256: "b0".repeat(32),
                file_name: "anh-chup.png".into(),
                media_type: "image/png".into(),
                size: 10,
                added_by: String::new(),
                added_at: String::new(),
            },
        )
        .unwrap();
    let before_b = case(store, b);
    let evidence_b = store.evidence(b).unwrap();
    let timeline_b = store.case_timeline(b).unwrap();
    let timeline_a = store.case_timeline(a).unwrap();
    assert!(store.merge_cases("canbo", a, &[a]).is_err());
    assert!(store.merge_cases("canbo", a, &[]).is_err());
    store.merge_cases("canbo", a, &[b]).unwrap();
    assert_eq!(case(store, b).merged_into, Some(a));
    assert!(!case(store, b).is_pending());
    assert_eq!(
        store
            .merged_into(a)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        [b]
    );
    // A's timeline shows B's history beside its own; B takes no action while merged.
    let merged_timeline: Vec<i64> = store
        .case_timeline(a)
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert!(timeline_b.iter().all(|e| merged_timeline.contains(&e.id)));
    assert!(timeline_a.iter().all(|e| merged_timeline.contains(&e.id)));
    assert!(
        store
            .case_action("canbo", b, CaseAction::ReportToPlatform, "x")
            .is_err()
    );
    assert!(
        store
            .set_case_status("canbo", b, CaseStatus::Closed, "đã gỡ")
            .is_err()
    );
    // A case others are merged into is not merged itself; a merged one not twice.
    let c = store
        .open_case("canbo", "Hồ sơ C", Category::Scam, None, &[ids[3]])
        .unwrap();
    assert!(store.merge_cases("canbo", c, &[a]).is_err());
    assert!(store.merge_cases("canbo", c, &[b]).is_err());

    // Un-merged: B as it was, both timelines say so.
    assert_eq!(store.unmerge_case("canbo", b).unwrap(), a);
    assert!(store.unmerge_case("canbo", b).is_err());
    let after_b = case(store, b);
    assert_eq!(
        Case {
            updated_at: String::new(),
            ..after_b
        },
        Case {
            updated_at: String::new(),
            ..before_b
        }
    );
    assert_eq!(store.evidence(b).unwrap(), evidence_b);
    assert!(store.merged_into(a).unwrap().is_empty());
    let own =
        |events: Vec<AuditEvent>| -> Vec<String> { events.into_iter().map(|e| e.action).collect() };
    let b_now = own(store.case_timeline(b).unwrap());
    assert_eq!(&b_now[..timeline_b.len()], &own(timeline_b.clone())[..]);
    assert_eq!(&b_now[timeline_b.len()..], ["case.merged", "case.unmerged"]);
    let a_now = own(store.case_timeline(a).unwrap());
    assert_eq!(&a_now[..timeline_a.len()], &own(timeline_a.clone())[..]);
    assert_eq!(
        &a_now[timeline_a.len()..],
        ["case.merge_cases", "case.unmerge"]
    );
    // B is handled again on its own.
    store
        .set_case_status("canbo", b, CaseStatus::Closed, "đã gỡ bài")
        .unwrap();
    assert!(store.verify_audit().unwrap().ok);
}

pub fn alerts_become_cases_with_evidence_and_a_timeline(store: &mut Store) {
    let alert = |n: &str| StoredAlert {
        id: 0,
        category: Category::Scam,
        severity: "high".into(),
        score: 0.9,
        item_ids: vec![n.to_owned()],
        count: 1,
        first_at: format!("2026-11-0{n}T08:00:00+07:00"),
        last_at: format!("2026-11-0{n}T08:00:00+07:00"),
        explanation: format!("Lừa đảo {n}"),
        status: "open".into(),
    };
    let raised: Vec<StoredAlert> = ["1", "2", "3", "4"].map(alert).to_vec();
    assert_eq!(store.raise_alerts("detect", &raised).unwrap(), 4);
    let ids: Vec<i64> = store.alerts().unwrap().iter().map(|a| a.id).collect();

    // Three alerts merged into one case; they leave the queue.
    let case = store
        .open_case(
            "canbo",
            "Lừa đảo trúng thưởng",
            Category::Scam,
            None,
            &ids[..3],
        )
        .unwrap();
    let statuses: Vec<String> = store
        .alerts()
        .unwrap()
        .into_iter()
        .map(|a| a.status)
        .collect();
    assert_eq!(statuses, ["in_case", "in_case", "in_case", "open"]);
    // An alert already in a case cannot be taken twice, and nothing is written when refused.
    let events = store.audit_events().unwrap().len();
    assert!(matches!(
        store.open_case("canbo", "Lần hai", Category::Scam, None, &[ids[0], ids[3]]),
        Err(store::StoreError::Invalid(_))
    ));
    assert_eq!(store.audit_events().unwrap().len(), events);
    assert_eq!(store.alerts().unwrap()[3].status, "open");
    assert_eq!(store.cases().unwrap().len(), 1);

    store.merge_alerts("canbo", case, &[ids[3]]).unwrap();
    let split = store.split_case("canbo", case, &[ids[1], ids[2]]).unwrap();
    // Splitting every alert off is refused: that is not a split.
    assert!(store.split_case("canbo", case, &[ids[0], ids[3]]).is_err());
    let cases = store.cases().unwrap();
    assert_eq!(cases[0].alert_ids, vec![ids[0], ids[3]]);
    assert_eq!(cases[1].id, split);
    assert_eq!(cases[1].alert_ids, vec![ids[1], ids[2]]);
    assert_eq!(
        cases[1].title,
        format!("Lừa đảo trúng thưởng (tách từ hồ sơ #{case})")
    );

    store
        .assign_case("truongphong", case, Some("canbo"))
        .unwrap();
    store
        .case_action(
            "canbo",
            case,
            CaseAction::RequestTakedown,
            "Gửi văn bản đề nghị gỡ",
        )
        .unwrap();
    let unit = store
        .create_unit("admin", "Chi bộ thôn Đồng Tâm", None, None)
        .unwrap()
        .id;
    store
        .notify_unit(
            "canbo",
            case,
            unit,
            "Đảng viên của chi bộ chia sẻ bài lừa đảo",
        )
        .unwrap();
    let notices = store.unit_notices(unit).unwrap();
    assert_eq!(notices.len(), 1);
    assert!(notices[0].details.contains(&format!("\"case\":{case}")));
    assert!(matches!(
        store.notify_unit("canbo", case, UnitId(999), ""),
        Err(store::StoreError::NotFound { .. })
    ));
    let sha = "ab".repeat(32);
    let e = Evidence {
        case_id: case,
        sha256: sha.clone(),
        file_name: "anh-chup.png".into(),
        media_type: "image/png".into(),
        size: 1234,
        added_by: String::new(),
        added_at: String::new(),
    };
    assert!(store.add_evidence("canbo", &e).unwrap());
    assert!(
        !store.add_evidence("canbo", &e).unwrap(),
        "the same file twice is one piece of evidence"
    );
    let kept = store.evidence(case).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].sha256.as_str(),
            kept[0].added_by.as_str(),
            kept[0].size
        ),
        (sha.as_str(), "canbo", 1234)
    );
    assert!(store.evidence(split).unwrap().is_empty());

    assert!(
        store
            .set_case_status("canbo", case, CaseStatus::Closed, "")
            .is_err()
    );
    store
        .set_case_status("canbo", case, CaseStatus::Closed, "Trang đã bị gỡ")
        .unwrap();
    let closed = store.case(case).unwrap().unwrap();
    assert_eq!(closed.id, case);
    assert!(store.case(case + 1000).unwrap().is_none(), "no such case");
    assert_eq!(closed.status, CaseStatus::Closed);
    assert_eq!(closed.assignee.as_deref(), Some("canbo"));
    assert_eq!(closed.outcome.as_deref(), Some("Trang đã bị gỡ"));
    // A closed case takes no more actions or evidence.
    assert!(
        store
            .case_action("canbo", case, CaseAction::NotifyUnit, "")
            .is_err()
    );

    let timeline: Vec<String> = store
        .case_timeline(case)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        timeline,
        [
            "case.open",
            "case.merge",
            "case.split",
            "case.assign",
            "case.action",
            "case.action",
            "case.evidence",
            "case.status"
        ]
    );
    let split_timeline = store.case_timeline(split).unwrap();
    assert_eq!(split_timeline.len(), 1);
    assert!(
        split_timeline[0]
            .details
            .contains(&format!("\"split_from\":{case}"))
    );
    assert!(store.verify_audit().unwrap().ok);
    assert!(matches!(
        store.assign_case("x", 999, None),
        Err(store::StoreError::NotFound { .. })
    ));
}

pub fn api_tokens_are_kept_by_hash_and_revoked(store: &mut Store) {
    let unit = store
        .create_unit("admin", "Chi bộ thôn Đồng Tâm", None, None)
        .unwrap()
        .id;
    let token = ApiToken {
        id: 0,
        name: "báo cáo tỉnh".into(),
        role: Role::UnitAdmin,
        unit: Some(unit),
        created_by: String::new(),
        created_at: String::new(),
        revoked: false,
        expires_at: Some("2999-01-01T00:00:00.000Z".into()),
        commune: None,
    };
    let sha = "5e".repeat(32);
    let id = store.create_token("quantri", &token, &sha).unwrap();
    let found = store
        .token_by_hash(&sha)
        .unwrap()
        .expect("the token by its hash");
    assert_eq!(
        (found.id, found.role, found.unit, found.created_by.as_str()),
        (id, Role::UnitAdmin, Some(unit), "quantri")
    );
    assert!(store.token_by_hash(&"00".repeat(32)).unwrap().is_none());
    // The hash is never in the log.
    assert!(
        store
            .audit_events()
            .unwrap()
            .iter()
            .all(|e| !e.details.contains(&sha))
    );
    assert!(store.revoke_token("quantri", id).unwrap());
    assert!(!store.revoke_token("quantri", id).unwrap(), "revoked once");
    assert!(
        store.token_by_hash(&sha).unwrap().is_none(),
        "a revoked token opens nothing"
    );
    assert!(store.tokens().unwrap()[0].revoked);

    // A token past its end opens nothing; its end is kept and listed.
    let ended = "e1".repeat(32);
    let past = ApiToken {
        expires_at: Some("2026-01-01T00:00:00.000Z".into()),
        ..token
    };
    store.create_token("quantri", &past, &ended).unwrap();
    assert!(store.token_by_hash(&ended).unwrap().is_none(), "expired");
    assert_eq!(
        store.tokens().unwrap()[1].expires_at.as_deref(),
        Some("2026-01-01T00:00:00.000Z")
    );
}

/// Several connections of one [`store::Pool`] at once: a reader is served while a writer holds
/// its transaction open, and writers from four threads leave one unbroken audit chain with every
/// event in it.
pub fn pooled_connections_read_beside_a_writer_and_keep_one_chain(pool: store::Pool) {
    use std::sync::mpsc;
    assert!(pool.max() >= 2, "the story needs two connections");
    pool.get()
        .unwrap()
        .create_unit("t", "Xã A", None, None)
        .unwrap();

    // A writer holds a transaction open until told to finish; meanwhile another connection reads.
    let (entered, wait_entered) = mpsc::channel();
    let (finish, wait_finish) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        let pool = &pool;
        let writer = s.spawn(move || {
            let mut store = pool.get().unwrap();
            store
                .transaction(|st| {
                    st.create_unit("t", "Xã B", None, None)?;
                    entered.send(()).unwrap();
                    wait_finish.recv().unwrap();
                    Ok(())
                })
                .unwrap();
        });
        wait_entered.recv().unwrap();
        let units: Vec<String> = pool
            .get()
            .unwrap()
            .units()
            .unwrap()
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(
            units,
            ["Xã A"],
            "the reader sees what was committed, and is not held up"
        );
        finish.send(()).unwrap();
        writer.join().unwrap();
    });

    std::thread::scope(|s| {
        for t in 0..4 {
            let pool = &pool;
            s.spawn(move || {
                for i in 0..10 {
                    pool.get()
                        .unwrap()
                        .record(
                            &format!("w{t}"),
                            "export",
                            "community",
                            serde_json::json!({ "i": i }),
                        )
                        .unwrap();
                }
            });
        }
    });
    let mut store = pool.get().unwrap();
    let v = store.verify_audit().unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.events, 2 + 40);
    assert_eq!(store.units().unwrap().len(), 2);
}

/// Sessions: kept under the hash of their id with the account as it is now, touched, ended one
/// by one or all of an account's but one, and forgotten once stale.
pub fn sessions_are_kept_by_hash_and_end_together(store: &mut Store) {
    let user = |name: &str| User {
        id: 0,
        username: name.into(),
        role: Role::Officer,
        unit: None,
        member: None,
        must_change: false,
        disabled_at: None,
        commune: None,
    };
    let a = store.create_user("t", &user("canbo.a"), "h").unwrap();
    let b = store.create_user("t", &user("canbo.b"), "h").unwrap();
    let session = |key: &str, user_id: i64, at: i64| store::StoredSession {
        id_sha256: key.into(),
        user_id,
        csrf: format!("csrf-{key}"),
        created_ms: at,
        seen_ms: at,
    };
    for (key, owner, at) in [
        ("a1", a, 1_000),
        ("a2", a, 2_000),
        ("a3", a, 3_000),
        ("b1", b, 1_000),
    ] {
        store.open_session(&session(key, owner, at)).unwrap();
    }
    let (found, account) = store.session("a2").unwrap().unwrap();
    assert_eq!(found, session("a2", a, 2_000));
    assert_eq!(account.username, "canbo.a");
    assert!(store.session("nope").unwrap().is_none());

    store.touch_session("a2", 5_000).unwrap();
    assert_eq!(store.session("a2").unwrap().unwrap().0.seen_ms, 5_000);
    // A password change from a2 ends a1 and a3, and nobody else's.
    assert_eq!(store.end_sessions_of(a, Some("a2")).unwrap(), 2);
    assert!(store.session("a1").unwrap().is_none());
    assert!(store.session("a2").unwrap().is_some());
    assert!(store.session("b1").unwrap().is_some());
    store.close_session("a2").unwrap();
    assert!(store.session("a2").unwrap().is_none());
    // b1 was seen at 1,000: stale when idle since 1,500.
    store.open_session(&session("b2", b, 4_000)).unwrap();
    assert_eq!(store.forget_stale_sessions(1_500, 0).unwrap(), 1);
    assert!(store.session("b2").unwrap().is_some());
    assert_eq!(store.end_sessions_of(b, None).unwrap(), 1);
}

/// Two servers on one database share out the work: a job kept once by its kind and key, claimed
/// by one server only, retried later after a failure, taken over when its server's lease passed,
/// and the late server's end refused.
pub fn jobs_are_claimed_once_retried_and_taken_over(a: &mut Store, b: &mut Store) {
    use chrono::{Duration, TimeZone, Utc};
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let at = |s: i64| store::job_time(t0 + Duration::seconds(s));
    assert!(
        a.enqueue_job("source.pull", "3@2026-12-01T07:00", &at(0))
            .unwrap()
    );
    assert!(
        !b.enqueue_job("source.pull", "3@2026-12-01T07:00", &at(0))
            .unwrap(),
        "kept once"
    );
    assert!(a.enqueue_job("share.exchange", "later", &at(600)).unwrap());
    let lease = Duration::seconds(300);
    // Not due yet: nothing; due: one server gets it, the other nothing.
    assert_eq!(
        a.claim_job("A", t0 - Duration::seconds(1), lease).unwrap(),
        None
    );
    let job = a.claim_job("A", t0, lease).unwrap().expect("due");
    assert_eq!(
        (job.kind.as_str(), job.state.as_str(), job.attempts),
        ("source.pull", "running", 1)
    );
    assert_eq!(job.worker.as_deref(), Some("A"));
    assert_eq!(
        b.claim_job("B", t0 + Duration::seconds(1), lease).unwrap(),
        None
    );
    // A fails; retried from a later time.
    let retry = store::JobEnd::Retry {
        at: at(60),
        error: "mã 4: quá hạn mức".into(),
    };
    assert!(a.end_job(job.id, "A", &retry).unwrap());
    assert_eq!(
        b.claim_job("B", t0 + Duration::seconds(30), lease).unwrap(),
        None
    );
    let again = b
        .claim_job("B", t0 + Duration::seconds(60), lease)
        .unwrap()
        .expect("retried");
    assert_eq!(
        (again.id, again.attempts, again.worker.as_deref()),
        (job.id, 2, Some("B"))
    );
    assert_eq!(again.last_error.as_deref(), Some("mã 4: quá hạn mức"));
    // B at work beats its heart: its lease runs on from then (to 400 s), and only B may renew.
    assert!(
        b.renew_job(job.id, "B", t0 + Duration::seconds(100), lease)
            .unwrap()
    );
    assert!(
        !a.renew_job(job.id, "A", t0 + Duration::seconds(100), lease)
            .unwrap()
    );
    // B dies holding it: after the lease, A takes it over, and B's late end is refused.
    assert_eq!(
        a.claim_job("A", t0 + Duration::seconds(200), lease)
            .unwrap(),
        None
    );
    assert_eq!(
        a.claim_job("A", t0 + Duration::seconds(361), lease)
            .unwrap(),
        None,
        "renewed at 100 s: held to 400 s"
    );
    let taken = a
        .claim_job("A", t0 + Duration::seconds(401), lease)
        .unwrap()
        .expect("lease passed");
    assert_eq!(
        (taken.id, taken.attempts, taken.worker.as_deref()),
        (job.id, 3, Some("A"))
    );
    assert!(
        !b.end_job(job.id, "B", &store::JobEnd::Done).unwrap(),
        "B no longer holds it"
    );
    assert!(a.end_job(job.id, "A", &store::JobEnd::Done).unwrap());
    assert!(
        !a.enqueue_job("source.pull", "3@2026-12-01T07:00", &at(0))
            .unwrap(),
        "done stays done"
    );
    let next = b
        .claim_job("B", t0 + Duration::seconds(600), lease)
        .unwrap()
        .expect("the exchange");
    assert!(
        b.end_job(
            next.id,
            "B",
            &store::JobEnd::Failed {
                error: "401".into()
            }
        )
        .unwrap()
    );
    assert_eq!(
        a.claim_job("A", t0 + Duration::seconds(9999), lease)
            .unwrap(),
        None
    );
    let listed = a.jobs(10).unwrap();
    let states: Vec<(&str, &str)> = listed
        .iter()
        .map(|j| (j.kind.as_str(), j.state.as_str()))
        .collect();
    assert_eq!(
        states,
        [("share.exchange", "failed"), ("source.pull", "done")]
    );
    // Ended jobs are forgotten after a while; none before then.
    assert_eq!(
        a.prune_jobs(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap())
            .unwrap(),
        0
    );
    assert_eq!(a.prune_jobs(Utc::now() + Duration::seconds(5)).unwrap(), 2);
    assert!(b.jobs(10).unwrap().is_empty());

    // Work that must not overlap itself: a second minute's screening is not added while the
    // first is queued or running, only once it ended.
    let at = store::job_time(Utc::now());
    assert!(a.enqueue_job_alone("screening.scan", "m1", &at).unwrap());
    assert!(!b.enqueue_job_alone("screening.scan", "m2", &at).unwrap());
    let claimed = b
        .claim_job(
            "b",
            Utc::now() + Duration::seconds(1),
            Duration::seconds(300),
        )
        .unwrap()
        .unwrap();
    assert_eq!(claimed.key, "m1");
    assert!(!a.enqueue_job_alone("screening.scan", "m2", &at).unwrap());
    assert!(a.enqueue_job("source.pull", "other kind", &at).unwrap());
    assert!(b.end_job(claimed.id, "b", &store::JobEnd::Done).unwrap());
    assert!(a.enqueue_job_alone("screening.scan", "m2", &at).unwrap());
    assert!(!a.enqueue_job_alone("screening.scan", "m2", &at).unwrap());
}

/// Four servers claiming at once: every one of 60 jobs is claimed exactly once.
pub fn jobs_are_shared_out_once_among_many(open: &(dyn Fn() -> Store + Sync)) {
    let now = chrono::Utc::now();
    let mut first = open();
    for k in 0..60 {
        first
            .enqueue_job("source.pull", &k.to_string(), &store::job_time(now))
            .unwrap();
    }
    let claimed: Vec<Vec<String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                scope.spawn(move || {
                    let mut store = open();
                    let name = format!("worker-{w}");
                    let mut mine = Vec::new();
                    while let Some(job) = store
                        .claim_job(
                            &name,
                            now + chrono::Duration::seconds(1),
                            chrono::Duration::seconds(300),
                        )
                        .unwrap()
                    {
                        assert!(store.end_job(job.id, &name, &store::JobEnd::Done).unwrap());
                        mine.push(job.key);
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<String> = claimed.into_iter().flatten().collect();
    assert_eq!(all.len(), 60, "each job claimed once");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 60);
}

/// The audit log's retention: the events before the cut-off go behind an `audit.checkpoint`
/// event naming the last one deleted and its hash; the chain still verifies, from after it;
/// a case still being handled holds back its opening's events; an event deleted by hand past
/// the checkpoint still breaks the chain.
pub fn the_audit_log_is_purged_behind_a_checkpoint<H>(
    fresh: fn() -> (Store, H),
    tamper: fn(&H, &str),
) {
    let (mut store, handle) = fresh();
    let record = |store: &mut Store, what: &str| {
        store
            .record(
                "canbo",
                "register.export",
                "register",
                serde_json::json!({"what": what}),
            )
            .unwrap();
    };
    let later = || {
        (chrono::Utc::now() + chrono::Duration::seconds(1))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    for k in 0..3 {
        record(&mut store, &k.to_string());
    }
    let events = store.audit_events().unwrap();
    let (last_old, head) = (events.last().unwrap().clone(), events.len());
    // Nothing before the cut-off: nothing recorded.
    let none = store
        .purge_audit("quantri", "2000-01-01T00:00:00Z")
        .unwrap();
    assert_eq!((none.events, none.checkpoint), (0, None));
    assert_eq!(store.audit_events().unwrap().len(), head);

    let done = store.purge_audit("quantri", &later()).unwrap();
    assert_eq!(
        (done.events, done.through, done.held_from.as_deref()),
        (head as u64, Some(last_old.id), None)
    );
    let kept = store.audit_events().unwrap();
    assert_eq!(kept.len(), 1);
    let checkpoint = &kept[0];
    assert_eq!(
        (
            checkpoint.id,
            checkpoint.action.as_str(),
            Some(checkpoint.id)
        ),
        (last_old.id + 1, "audit.checkpoint", done.checkpoint)
    );
    let details: serde_json::Value = serde_json::from_str(&checkpoint.details).unwrap();
    assert_eq!(
        (
            details["through"].as_i64(),
            details["through_hash"].as_str(),
            details["events"].as_u64()
        ),
        (
            Some(last_old.id),
            Some(last_old.hash.as_str()),
            Some(head as u64)
        )
    );
    assert_eq!(details["head_hash"].as_str(), Some(last_old.hash.as_str()));
    let v = store.verify_audit().unwrap();
    assert_eq!(
        (v.ok, v.events, v.purged_through),
        (true, 1, Some(last_old.id))
    );

    // A case still being handled holds its opening's events (and all after) back.
    record(&mut store, "a");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let opened = store
        .open_case("canbo", "Trang giả mạo", Category::Impersonation, None, &[])
        .unwrap();
    record(&mut store, "b");
    let opening = store.case(opened).unwrap().unwrap().opened_at;
    let held = store.purge_audit("quantri", &later()).unwrap();
    assert_eq!(held.held_from.as_deref(), Some(opening.as_str()));
    let kept = store.audit_events().unwrap();
    assert!(
        kept.iter().any(|e| e.action == "case.open"),
        "{:?}",
        kept.iter().map(|e| &e.action).collect::<Vec<_>>()
    );
    assert!(
        kept.iter()
            .all(|e| e.at >= opening || e.action == "audit.checkpoint")
    );
    let v = store.verify_audit().unwrap();
    assert!(v.ok && v.purged_through == held.through, "{v:?} {held:?}");

    // One more old event deleted by hand: no checkpoint names it, the chain is broken there.
    let first = store.audit_events().unwrap()[0].id;
    tamper(
        &handle,
        &format!("DELETE FROM audit_events WHERE id = {first}"),
    );
    let v = store.verify_audit().unwrap();
    assert_eq!((v.ok, v.first_bad), (false, Some(first + 1)));
}

/// Servers that screen at once, each having read the same checkpoint (every server's screening
/// job, an ingest beside them): one records the batch, the others write nothing, so each alert
/// is raised once.
pub fn screeners_that_start_together_record_once(open: &(dyn Fn() -> Store + Sync)) {
    let mut first = open();
    first
        .ingest_items(
            "t",
            "s",
            &[item("p1", "https://facebook.com/groups/a", "Vay tiền")],
            1,
        )
        .unwrap();
    let id = first.items_after(0, 1).unwrap()[0].id;
    let alert = scam_alert_on("p1");
    let start = std::sync::Barrier::new(4);
    let recorded: Vec<Option<u64>> = std::thread::scope(|scope| {
        let screeners: Vec<_> = (0..4)
            .map(|_| {
                let (start, alert) = (&start, &alert);
                scope.spawn(move || {
                    let mut store = open();
                    start.wait();
                    store
                        .record_signals(
                            "scan",
                            &[(id, vec![])],
                            std::slice::from_ref(alert),
                            Some(0),
                            id as u64,
                        )
                        .unwrap()
                })
            })
            .collect();
        screeners.into_iter().map(|s| s.join().unwrap()).collect()
    });
    assert_eq!(
        recorded.iter().filter(|r| r.is_some()).count(),
        1,
        "{recorded:?}"
    );
    assert_eq!(first.alerts().unwrap().len(), 1);
    assert_eq!(first.checkpoint("scan").unwrap(), Some(id as u64));
}

/// Retention: the posts published before the cut-off are deleted in batches, each batch audited
/// with its counts, their signals with them, and logged for the search indexes; a post on a
/// page a case is about, or behind an alert a case holds, stays; a second purge finds nothing.
pub fn posts_past_their_retention_are_purged_in_batches(store: &mut Store) {
    store.set_retention("quantri", "posts", Some(24)).unwrap();
    store.set_retention("quantri", "posts", Some(18)).unwrap();
    let policies = store.retention().unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        (
            policies[0].category.as_str(),
            policies[0].months,
            policies[0].set_by.as_str()
        ),
        ("posts", 18, "quantri")
    );
    let page = "https://facebook.com/groups/chothachquang";
    let cased = "https://facebook.com/groups/thachquangquetoi";
    let at = |source: &str, page: &str, when: &str| NewItem {
        published_at: when.to_owned(),
        ..item(source, page, "Bài cũ")
    };
    let old = "2023-01-05T08:00:00+07:00";
    let new = "2026-11-05T08:00:00+07:00";
    let batch = vec![
        at("o1", page, old),
        at("o2", page, old),
        at("o3", page, old),
        at("o4", page, old), // behind an alert a case holds
        at("o5", page, old),
        at("c1", cased, old), // on a page a case is about
        at("n1", page, new),
    ];
    store.ingest_items("t", "old.jsonl", &batch, 7).unwrap();
    let items = store.items_after(0, 10).unwrap();
    let id = |source: &str| items.iter().find(|i| i.source_id == source).unwrap().id;
    let signal = |item_id: i64| StoredSignal {
        item_id,
        category: Category::Scam,
        score: 0.9,
        explanation: "Lừa đảo".into(),
        evidence: "[]".into(),
        detector: "rules".into(),
        reference: "scam.test".into(),
        version: "1".into(),
        shadow: false,
        role: None,
    };
    let alert = |source: &str| StoredAlert {
        id: 0,
        category: Category::Scam,
        severity: "high".into(),
        score: 0.9,
        item_ids: vec![source.to_owned()],
        count: 1,
        first_at: old.into(),
        last_at: old.into(),
        explanation: format!("Lừa đảo {source}"),
        status: "open".into(),
    };
    store
        .record_signals(
            "detect",
            &[
                (id("o1"), vec![signal(id("o1"))]),
                (id("o4"), vec![signal(id("o4"))]),
                (id("c1"), vec![signal(id("c1"))]),
            ],
            &[alert("o1"), alert("o4")],
            None,
            7,
        )
        .unwrap();
    let alerts = store.alerts().unwrap();
    let of = |source: &str| alerts.iter().find(|a| a.item_ids == [source]).unwrap().id;
    store
        .open_case("canbo", "Lừa đảo o4", Category::Scam, None, &[of("o4")])
        .unwrap();
    let cased_page = store
        .communities()
        .unwrap()
        .into_iter()
        .find(|c| c.key == cased)
        .unwrap()
        .id;
    store
        .open_case(
            "canbo",
            "Trang bị điều tra",
            Category::Scam,
            Some(cased_page),
            &[],
        )
        .unwrap();
    let events = store.audit_events().unwrap().len();

    let mut heard = Vec::new();
    let done = store
        .purge_posts("quantri", "2024-06-01T00:00:00+07:00", 2, &mut |p| {
            heard.push(p.items)
        })
        .unwrap();
    // o1, o2, o3, o5 gone (o4 kept by the case's alert, c1 by the case's page, n1 is new).
    assert_eq!(
        (done.items, done.signals, done.kept, done.batches),
        (4, 1, 1, 3),
        "{done:?}"
    );
    assert_eq!(heard, [2, 3, 4]);
    let left: Vec<String> = store
        .items_after(0, 10)
        .unwrap()
        .into_iter()
        .map(|i| i.source_id)
        .collect();
    assert_eq!(left, ["o4", "c1", "n1"]);
    let mut signalled: Vec<String> = store
        .signals(None)
        .unwrap()
        .into_iter()
        .map(|(source, _)| source)
        .collect();
    signalled.sort();
    assert_eq!(signalled, ["c1", "o4"]);
    // The alert whose post went keeps its words; its post is no longer found behind it.
    assert!(store.alerts_of_item("o1").unwrap().is_empty());
    assert_eq!(store.alerts_of_item("o4").unwrap(), [of("o4")]);
    assert!(alerts.iter().any(|a| a.id == of("o1")));
    // Logged in order for the indexes, and each batch audited with its counts.
    let purged: Vec<i64> = store
        .purged_after(0, 10)
        .unwrap()
        .iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(purged, [id("o1"), id("o2"), id("o3"), id("o5")]);
    let seq = store.purged_after(0, 10).unwrap()[1].0;
    assert_eq!(store.purged_after(seq, 10).unwrap().len(), 2);
    let audit = store.audit_events().unwrap();
    let purges: Vec<_> = audit[events..]
        .iter()
        .filter(|e| e.action == "retention.purge")
        .collect();
    assert_eq!(purges.len(), 3);
    let details: serde_json::Value = serde_json::from_str(&purges[0].details).unwrap();
    assert_eq!(details["items"], 2);
    assert_eq!(details["signals"], 1);
    assert_eq!(details["published_before"], "2024-06-01T00:00:00+07:00");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "retention.set" && e.details.contains("\"before\":24"))
    );
    // Nothing more to purge.
    let again = store
        .purge_posts("quantri", "2024-06-01T00:00:00+07:00", 2, &mut |_| {})
        .unwrap();
    assert_eq!((again.items, again.batches, again.kept), (0, 0, 1));
    store.set_retention("quantri", "posts", None).unwrap();
    assert!(store.retention().unwrap().is_empty());
    assert!(store.verify_audit().unwrap().ok);
}
