//! The year's work over a seeded year (the demo commune, 2026): a new code of conduct mid-year
//! and its re-signing, cases whose deadlines were met and missed, a referral to the Inspection
//! Committee, and the evaluation whose every proposed point links to the audit events behind it;
//! one more declaration changes exactly the points that depend on it; a person's adjustment is
//! shown beside the proposal, with its reason, on record.

mod common;
use common::{json, sokenh};
use serde_json::Value;
use std::collections::HashMap;

const UNIT: &str = "Công an xã Thạch Quảng";

/// The actions a criterion's evidence may name.
fn allowed(criterion: &str) -> &'static [&'static str] {
    match criterion {
        "declared" | "declared_share" => &["participation.declare"],
        "commitment" | "signed_share" => &["commitment.sign"],
        "reminders" => &["member.remind"],
        "violations" | "no_violations" => &["case.action"],
        "cases_on_time" => &["case.status"],
        "official_channels" => &["community.create", "community.update"],
        _ => &[],
    }
}

fn rows(data: &std::path::Path) -> Vec<Value> {
    json(&sokenh(
        data,
        &["evaluation", "--year", "2026", "--unit", UNIT, "--json"],
    ))
    .as_array()
    .unwrap()
    .clone()
}

fn criterion<'a>(row: &'a Value, id: &str) -> &'a Value {
    row["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no criterion {id} in {row}"))
}

#[test]
fn a_seeded_year_is_evaluated_point_by_point_from_its_audit_events() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));

    // A new code of conduct from 1 June; member 16 (who runs the police's page) signs it.
    let code = data.join("quy-tac.txt");
    std::fs::write(&code, "Điều 1. Không chia sẻ tài liệu mật.\n").unwrap();
    let added = json(&sokenh(
        data,
        &[
            "library",
            "add",
            code.to_str().unwrap(),
            "--title",
            "Quy tắc ứng xử trên mạng xã hội",
            "--version",
            "2026-06",
            "--effective",
            "2026-06-01",
            "--json",
        ],
    ));
    assert_eq!(added["current"], true);
    assert!(
        sokenh(data, &["member", "sign", "--member", "16"])
            .status
            .success()
    );
    let progress = json(&sokenh(data, &["library", "signing", "--json"]));
    let police = progress["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == UNIT)
        .unwrap();
    assert_eq!(
        (&police["signed"], &police["members"]),
        (&Value::from(1), &Value::from(4))
    );

    // Three scam posts: on two village groups the police follow, and on the police's own page.
    let posts: Vec<String> = [
        (
            "s1",
            "https://facebook.com/groups/thachquangquetoi",
            "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay, liên hệ Zalo 0912345678",
        ),
        (
            "s2",
            "https://facebook.com/groups/chothachquang",
            "Điện lực báo nhà chị nợ tiền điện, chuyển khoản ngay 500k vào STK 0123456789 để không bị cắt điện",
        ),
        (
            "s3",
            "https://facebook.com/congan.thachquang",
            "Chúc mừng bạn trúng thưởng xe máy, nộp phí nhận giải 2 triệu vào tài khoản 0987654321 trong hôm nay",
        ),
    ]
    .iter()
    .map(|(id, page, text)| {
        serde_json::json!({"id": id, "community_url": page, "platform": "facebook",
            "published_at": "2026-11-20T08:00:00+07:00", "text": text})
        .to_string()
    })
    .collect();
    let file = data.join("posts.jsonl");
    std::fs::write(&file, posts.join("\n")).unwrap();
    assert!(
        sokenh(data, &["ingest", file.to_str().unwrap()])
            .status
            .success()
    );

    let app = app::App::open(data, None).unwrap();
    let cli = app::Actor::cli();
    let alert_of = |source: &str| {
        app.store()
            .unwrap()
            .alerts()
            .unwrap()
            .into_iter()
            .find(|a| a.item_ids.iter().any(|i| i == source))
            .unwrap_or_else(|| panic!("an alert for {source}"))
            .id
    };
    let on_time = app
        .open_case_from_alerts(&cli, &[alert_of("s1")], None, "Lừa đảo việc nhẹ lương cao")
        .unwrap();
    let late = app
        .open_case_from_alerts(&cli, &[alert_of("s2")], None, "Lừa đảo ở chợ mạng")
        .unwrap();
    let referred = app
        .open_case_from_alerts(
            &cli,
            &[alert_of("s3")],
            None,
            "Trang chính thức đăng tin lừa",
        )
        .unwrap();
    // The second case's deadline passed before it was closed.
    let db = rusqlite::Connection::open(data.join("sokenh.db")).unwrap();
    db.execute(
        "UPDATE cases SET due_at = '2026-11-21T00:00:00.000Z' WHERE id = ?1",
        [late],
    )
    .unwrap();
    let overdue = json(&sokenh(data, &["case", "overdue", "--json"]));
    assert_eq!(
        overdue
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [late]
    );
    for id in [on_time, late] {
        app.set_case_status(&cli, id, domain::CaseStatus::Closed, "Đã đề nghị gỡ bài")
            .unwrap();
    }
    app.take_measure(
        &cli,
        referred,
        app::cases::Measure::Action(domain::CaseAction::ReferToInspection),
        "Quản trị viên trang đăng tin sai",
    )
    .unwrap();
    let times = json(&sokenh(
        data,
        &["case", "times", "--period", "2026", "--json"],
    ));
    assert_eq!(
        (
            &times["opened"],
            &times["closed"],
            &times["closed_within_deadline"],
            &times["closed_late"]
        ),
        (
            &Value::from(3),
            &Value::from(2),
            &Value::from(1),
            &Value::from(1)
        )
    );

    // The evaluation: every proposed point rests on audit events of the right kind.
    let before = rows(data);
    let events: HashMap<i64, String> = db
        .prepare("SELECT id, action FROM audit_events")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(before[0]["member"], Value::Null, "the unit first");
    assert_eq!(before.len(), 5, "the unit and its four members");
    for row in &before {
        let mut total = 0;
        for c in row["criteria"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            for e in c["evidence"].as_array().unwrap() {
                let action = &events[&e.as_i64().unwrap()];
                assert!(allowed(id).contains(&action.as_str()), "{id}: {action}");
            }
            assert!(c["points"].as_u64() <= c["max"].as_u64());
            total += c["points"].as_u64().unwrap();
        }
        assert_eq!(row["total"].as_u64(), Some(total));
        assert_eq!(
            row["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["max"].as_u64().unwrap())
                .sum::<u64>(),
            100
        );
    }
    let unit = &before[0];
    // One case of two closed within its deadline; the referral costs the unit its 10 points.
    let cases = criterion(unit, "cases_on_time");
    assert_eq!(
        (
            &cases["points"],
            cases["evidence"].as_array().unwrap().len()
        ),
        (&Value::from(10), 2)
    );
    let refs = criterion(unit, "no_violations");
    assert_eq!(
        (&refs["points"], refs["evidence"].as_array().unwrap().len()),
        (&Value::from(0), 1)
    );
    assert_eq!(
        criterion(unit, "signed_share")["points"],
        6,
        "1 of 4 signed 2026-06"
    );
    let runs_the_page = before.iter().find(|r| r["member_id"] == 16).unwrap();
    assert_eq!(criterion(runs_the_page, "violations")["points"], 0);
    assert_eq!(
        criterion(runs_the_page, "violations")["evidence"],
        refs["evidence"]
    );
    assert_eq!(criterion(runs_the_page, "commitment")["points"], 30);
    let others_signed_earlier = before
        .iter()
        .filter(|r| r["member_id"] != 16 && !r["member_id"].is_null())
        .all(|r| criterion(r, "commitment")["points"] != 30);
    assert!(others_signed_earlier);

    // One more declaration: exactly that member's `declared` and the unit's share change.
    let undeclared = before
        .iter()
        .find(|r| !r["member_id"].is_null() && criterion(r, "declared")["points"] == 0)
        .expect("a member of the police who declared nothing");
    let who = undeclared["member_id"].as_i64().unwrap();
    assert!(
        sokenh(
            data,
            &[
                "member",
                "declare",
                "--member",
                &who.to_string(),
                "--url",
                "https://facebook.com/groups/thachquangquetoi"
            ]
        )
        .status
        .success()
    );
    let after = rows(data);
    let mut changed = Vec::new();
    for (b, a) in before.iter().zip(&after) {
        for (cb, ca) in b["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .zip(a["criteria"].as_array().unwrap())
        {
            if cb != ca {
                changed.push((
                    b["member_id"].clone(),
                    cb["id"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    assert_eq!(
        changed,
        [
            (Value::Null, "declared_share".to_owned()),
            (Value::from(who), "declared".to_owned())
        ]
    );
    let row = after.iter().find(|r| r["member_id"] == who).unwrap();
    assert_eq!(criterion(row, "declared")["points"], 30);
    assert_eq!(
        row["total"].as_u64().unwrap(),
        undeclared["total"].as_u64().unwrap() + 30
    );

    // A person adjusts a criterion, with the reason: the points that count change, the
    // proposal stays, the adjustment is an audit event.
    let out = sokenh(
        data,
        &[
            "evaluation",
            "adjust",
            "--year",
            "2026",
            "--unit",
            UNIT,
            "--criterion",
            "no_violations",
            "--points",
            "5",
            "--reason",
            "Đơn vị tự phát hiện và báo cáo vi phạm",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let adjusted = rows(data);
    let c = criterion(&adjusted[0], "no_violations");
    assert_eq!(
        (&c["points"], &c["proposed"]),
        (&Value::from(5), &Value::from(0))
    );
    assert_eq!(
        c["adjustment"]["reason"],
        "Đơn vị tự phát hiện và báo cáo vi phạm"
    );
    assert_eq!(
        adjusted[0]["total"].as_u64().unwrap(),
        after[0]["total"].as_u64().unwrap() + 5
    );
    let event: String = db
        .query_row(
            "SELECT action FROM audit_events WHERE id = ?1",
            [c["adjustment"]["event"].as_i64().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(event, "evaluation.adjust");
    let refused = sokenh(
        data,
        &[
            "evaluation",
            "adjust",
            "--year",
            "2026",
            "--unit",
            UNIT,
            "--criterion",
            "no_violations",
            "--points",
            "11",
            "--reason",
            "x",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("tối đa 10 điểm"));
    assert_eq!(
        json(&sokenh(data, &["audit", "verify", "--json"]))["ok"],
        true
    );
}
