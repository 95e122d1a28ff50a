//! `cargo xtask bench-evaluation [COMMUNES [MEMBERS]]`: the year's evaluation of a province —
//! COMMUNES (default 166) commune units of about MEMBERS / COMMUNES members each (default 20,000
//! in all), five pages per commune (two official), two declarations per member, four in five
//! signed the code of conduct in effect, one in ten reminded — seeded into a fresh SQLite data
//! dir, then `App::evaluation` timed for the whole province and for one commune (three runs
//! each, the best and the mean).

use anyhow::Result;
use domain::{
    Classification, Commitment, CommunityRecord, Kind, MemberId, Participation, ParticipationRole,
    ParticipationSource, Platform, Status,
};
use std::time::Instant;

pub fn run(communes: usize, members: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let app = app::App::open(data, None)?;
    let seeding = Instant::now();
    let unit_name = |c: usize| format!("Đảng bộ xã số {c:03}");
    {
        let mut s = app.store()?;
        let root = s.create_unit("bench", "Tỉnh ủy", None, None)?.id;
        for c in 0..communes {
            s.create_unit("bench", &unit_name(c), Some(root), None)?;
        }
        let records: Vec<CommunityRecord> = (0..communes)
            .flat_map(|c| {
                (0..5).map(move |p| {
                    let url = format!("https://facebook.com/xa{c:03}.trang{p}");
                    CommunityRecord {
                        key: url.clone(),
                        name: format!("Trang {p} xã số {c:03}"),
                        url: Some(url),
                        platform: Platform::Facebook,
                        kind: Kind::Page,
                        members: None,
                        admins: None,
                        unit: Some(format!("Đảng bộ xã số {c:03}")),
                        status: Status::Unknown,
                        classification: if p < 2 {
                            Classification::Official
                        } else {
                            Classification::Community
                        },
                        official_of: None,
                        locality: None,
                        note: None,
                    }
                })
            })
            .collect();
        s.import_communities("bench", "bench", &records)?;
        let units = s.units()?;
        let pages = s.communities()?;
        app.add_document(
            &app::Actor::cli(),
            app::library::NewDocument {
                file_name: "quy-tac.txt".into(),
                bytes: "Điều 1. Không chia sẻ tài liệu mật.".as_bytes().to_vec(),
                title: "Quy tắc ứng xử trên mạng xã hội".into(),
                version: "2026-06".into(),
                effective: "2026-06-01".into(),
                kind: None,
                changes: String::new(),
            },
        )?;
        s.transaction(|s| {
            for i in 0..members {
                let c = i % communes;
                let unit = units.iter().find(|u| u.name == unit_name(c)).unwrap().id;
                let id: MemberId = s.add_member(
                    "bench",
                    &store::NewMember {
                        unit,
                        full_name: format!("Cán bộ {i}"),
                        position: None,
                    },
                )?;
                for p in [i % 5, (i + 1) % 5] {
                    let page = &pages[c * 5 + p];
                    s.declare(
                        "bench",
                        &Participation {
                            member: id,
                            community: page.id,
                            role: if p == 0 {
                                ParticipationRole::Admin
                            } else {
                                ParticipationRole::Member
                            },
                            source: ParticipationSource::SelfDeclared,
                            since: None,
                            recorded: "2026-03-01".into(),
                        },
                    )?;
                }
                if i % 5 != 0 {
                    s.sign(
                        "bench",
                        &Commitment {
                            member: id,
                            version: "2026-06".into(),
                            signed_on: "2026-06-15".into(),
                        },
                    )?;
                }
                if i % 10 == 0 {
                    s.record(
                        "bench",
                        "member.remind",
                        &format!("member:{}", id.0),
                        serde_json::json!({"version": "2026-06"}),
                    )?;
                }
            }
            Ok(())
        })?;
    }
    let events = app.store()?.audit_events()?.len();
    println!(
        "seeded {communes} communes, {members} members, {} pages, {events} audit events in {:.1} s",
        communes * 5,
        seeding.elapsed().as_secs_f64()
    );
    let cli = app::Actor::cli();
    let time = |unit: Option<&str>| -> Result<(f64, f64, usize)> {
        let mut runs = Vec::new();
        let mut rows = 0;
        for _ in 0..3 {
            let t = Instant::now();
            rows = app.evaluation(&cli, 2026, unit)?.len();
            runs.push(t.elapsed().as_secs_f64());
        }
        let best = runs.iter().copied().fold(f64::INFINITY, f64::min);
        Ok((best, runs.iter().sum::<f64>() / runs.len() as f64, rows))
    };
    let (best, mean, rows) = time(None)?;
    println!("province: {rows} evaluations, best {best:.2} s, mean {mean:.2} s");
    let one = unit_name(communes / 2);
    let (best, mean, rows) = time(Some(&one))?;
    println!("one commune: {rows} evaluations, best {best:.3} s, mean {mean:.3} s");
    Ok(())
}
