//! The demo commune: Thạch Quảng (ward code 15199, Thanh Hóa) with its units, members, official
//! channels, a few dozen community pages and groups, declarations and commitments. Localities
//! and the neighbouring communes come from the embedded GSO list. Names of people are made up.

use anyhow::{Context, Result};
use domain::*;
use serde_json::json;
use std::path::Path;
use store::{NewMember, Store};

const COMMUNE_CODE: u32 = 15199;
/// Real neighbours in the GSO list (same former district): their official pages are not impostors.
const NEIGHBOURS: [u32; 3] = [15085, 15211, 15190];

const UNITS: &[(&str, &str)] = &[
    ("Đảng ủy xã Thạch Quảng", "dangbo.thachquang"),
    ("Ủy ban nhân dân xã Thạch Quảng", "ubnd.thachquang"),
    ("Ủy ban MTTQ Việt Nam xã Thạch Quảng", "mttq.thachquang"),
    ("Công an xã Thạch Quảng", "congan.thachquang"),
    ("Đoàn Thanh niên xã Thạch Quảng", "doanthanhnien.thachquang"),
    ("Hội Liên hiệp Phụ nữ xã Thạch Quảng", "hoiphunu.thachquang"),
    ("Hội Nông dân xã Thạch Quảng", "hoinongdan.thachquang"),
    ("Hội Cựu chiến binh xã Thạch Quảng", "hoiccb.thachquang"),
    ("Trạm Y tế xã Thạch Quảng", "tramyte.thachquang"),
];
const VILLAGES: &[&str] = &[
    "Đồng Tâm",
    "Quảng Thành",
    "Tân Sơn",
    "Liên Sơn",
    "Cự Phú",
    "Quảng Hợp",
];
const FAMILY: &[&str] = &[
    "Nguyễn", "Lê", "Trịnh", "Phạm", "Hoàng", "Đỗ", "Bùi", "Vũ", "Mai", "Lường",
];
const MIDDLE: &[&str] = &[
    "Văn",
    "Thị",
    "Đình",
    "Thị Thu",
    "Minh",
    "Ngọc",
    "Hữu",
    "Thị Hồng",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hòa", "Hùng", "Lan", "Linh", "Nam", "Thủy",
    "Tuấn", "Yến",
];

fn person(i: usize) -> String {
    format!(
        "{} {} {}",
        FAMILY[i % FAMILY.len()],
        MIDDLE[(i / 3) % MIDDLE.len()],
        GIVEN[(i * 7) % GIVEN.len()]
    )
}

fn rec(
    name: &str,
    url: Option<&str>,
    platform: Platform,
    unit: &str,
    members: Option<u64>,
    (status, class): (Status, Classification),
    locality: &str,
) -> CommunityRecord {
    let canonical =
        url.map(|u| CanonicalUrl::parse(u).unwrap_or_else(|e| panic!("demo URL {u}: {e}")));
    let key = match &canonical {
        Some(c) => CommunityKey::Url(c.clone()),
        None => CommunityKey::named(platform, name, unit),
    };
    let kind = match (platform, url) {
        (Platform::Facebook, Some(u)) if u.contains("/groups/") => Kind::Group,
        (Platform::Zalo, Some(u)) if !u.contains("/g/") => Kind::Account,
        (Platform::Zalo, _) => Kind::Group,
        (Platform::Youtube | Platform::Tiktok | Platform::Telegram, _) => Kind::Channel,
        (Platform::Website, _) => Kind::Site,
        _ => Kind::Page,
    };
    CommunityRecord {
        key: key.to_string(),
        name: name.to_owned(),
        url: canonical.map(|c| c.to_string()),
        platform,
        kind,
        members,
        admins: None,
        unit: Some(unit.to_owned()),
        status,
        classification: class,
        official_of: (class == Classification::Official).then(|| unit.to_owned()),
        locality: Some(locality.to_owned()),
        note: None,
    }
}

pub fn run(store: &mut Store, dir: &Path, json: bool) -> Result<()> {
    let commune =
        ward_by_code(COMMUNE_CODE).context("mã xã 15199 không có trong danh mục hành chính")?;
    let locality = format!("{}, {}", commune.ward_name, commune.province_name);
    if !store.units()?.is_empty() {
        return summary(store, dir, json, false);
    }
    let root = store.create_unit("demo", "Đảng bộ xã Thạch Quảng", None, Some(COMMUNE_CODE))?;
    let mut units = Vec::new();
    for (name, _) in UNITS {
        units.push(store.create_unit("demo", name, Some(root.id), Some(COMMUNE_CODE))?);
    }
    for v in VILLAGES {
        units.push(store.create_unit(
            "demo",
            &format!("Chi bộ thôn {v}"),
            Some(root.id),
            Some(COMMUNE_CODE),
        )?);
    }

    let mut records = Vec::new();
    for (name, handle) in UNITS {
        let members = 800 + (handle.len() as u64 * 137) % 4000;
        records.push(rec(
            name,
            Some(&format!("https://www.facebook.com/{handle}")),
            Platform::Facebook,
            name,
            Some(members),
            (Status::Verified, Classification::Official),
            &locality,
        ));
    }
    records.push(rec(
        "Cổng thông tin điện tử xã Thạch Quảng",
        Some("https://thachquang.thanhhoa.gov.vn"),
        Platform::Website,
        "Ủy ban nhân dân xã Thạch Quảng",
        None,
        (Status::Verified, Classification::Official),
        &locality,
    ));
    records.push(rec(
        "Zalo OA Công an xã Thạch Quảng",
        Some("https://zalo.me/2845710923456712345"),
        Platform::Zalo,
        "Công an xã Thạch Quảng",
        Some(2310),
        (Status::Verified, Classification::Official),
        &locality,
    ));
    for (i, v) in VILLAGES.iter().enumerate() {
        let unit = format!("Chi bộ thôn {v}");
        records.push(rec(
            &format!("Nhóm Zalo thôn {v}"),
            None,
            Platform::Zalo,
            &unit,
            Some(120 + i as u64 * 35),
            (Status::Verified, Classification::Community),
            &locality,
        ));
        let slug: String = text::fold(v).replace(' ', "");
        records.push(rec(
            &format!("Thôn {v} - Thạch Quảng"),
            Some(&format!(
                "https://www.facebook.com/groups/thon{slug}.thachquang"
            )),
            Platform::Facebook,
            &unit,
            Some(300 + i as u64 * 90),
            (Status::Watch, Classification::Community),
            &locality,
        ));
    }
    let community = [
        (
            "Thạch Quảng quê tôi",
            "https://www.facebook.com/groups/thachquangquetoi",
            12400,
            (Status::Watch, Classification::Community),
        ),
        (
            "Chợ Thạch Quảng - Mua bán rao vặt",
            "https://www.facebook.com/groups/chothachquang",
            8650,
            (Status::Watch, Classification::Commercial),
        ),
        (
            "Hội những người con Thạch Quảng xa quê",
            "https://www.facebook.com/groups/nguoithachquangxaque",
            5300,
            (Status::Unknown, Classification::Community),
        ),
        (
            "Tin tức Thạch Thành 24h",
            "https://www.facebook.com/tintucthachthanh24h",
            31200,
            (Status::Watch, Classification::Community),
        ),
        (
            "Review Thạch Quảng",
            "https://www.tiktok.com/@reviewthachquang",
            4100,
            (Status::Unknown, Classification::Community),
        ),
        (
            "Nông sản sạch Thạch Quảng",
            "https://www.facebook.com/nongsanthachquang",
            2200,
            (Status::Verified, Classification::Commercial),
        ),
    ];
    for (name, url, m, (s, c)) in community {
        records.push(rec(
            name,
            Some(url),
            if url.contains("tiktok") {
                Platform::Tiktok
            } else {
                Platform::Facebook
            },
            "Công an xã Thạch Quảng",
            Some(m),
            (s, c),
            &locality,
        ));
    }
    // Look-alikes the police are watching: the detection issue will score them; here they are
    // only registered with the status an officer gave them.
    records.push(rec(
        "Cong an xa Thach Quang",
        Some("https://www.facebook.com/congan.thachquang.official"),
        Platform::Facebook,
        "Công an xã Thạch Quảng",
        Some(640),
        (Status::Suspicious, Classification::Unknown),
        &locality,
    ));
    records.push(rec(
        "UBND xã Thạch Quảng - Hỗ trợ người dân",
        Some("https://www.facebook.com/ubndthachquang.hotro"),
        Platform::Facebook,
        "Ủy ban nhân dân xã Thạch Quảng",
        Some(1250),
        (Status::Impersonating, Classification::Unknown),
        &locality,
    ));
    records.push(rec(
        "Công an xã Thạch Quảng 24h",
        Some("https://www.facebook.com/profile.php?id=100092345678901"),
        Platform::Facebook,
        "Công an xã Thạch Quảng",
        Some(310),
        (Status::Reported, Classification::Unknown),
        &locality,
    ));
    // Real neighbours' own pages and the province's press: not impostors.
    for code in NEIGHBOURS {
        let n = ward_by_code(code).context("mã xã lân cận")?;
        let bare = n
            .ward_name
            .trim_start_matches("Xã ")
            .trim_start_matches("Phường ");
        let slug = text::fold(bare).replace(' ', "");
        let ward = n
            .ward_name
            .replacen("Xã ", "xã ", 1)
            .replacen("Phường ", "phường ", 1);
        let mut neighbour = rec(
            &format!("Công an {ward}"),
            Some(&format!("https://www.facebook.com/congan.{slug}")),
            Platform::Facebook,
            "Công an xã Thạch Quảng",
            Some(900),
            (Status::Verified, Classification::Official),
            &format!("{}, {}", n.ward_name, n.province_name),
        );
        // Official, but of another commune: not one of our units' channels.
        neighbour.official_of = None;
        records.push(neighbour);
    }
    records.push(rec(
        "Báo Thanh Hóa",
        Some("https://baothanhhoa.vn"),
        Platform::Website,
        "Ủy ban nhân dân xã Thạch Quảng",
        None,
        (Status::Verified, Classification::Press),
        "Thanh Hóa",
    ));
    records.push(rec(
        "Truyền hình Thanh Hóa",
        Some("https://www.youtube.com/@TruyenHinhThanhHoa"),
        Platform::Youtube,
        "Ủy ban nhân dân xã Thạch Quảng",
        Some(152000),
        (Status::Verified, Classification::Press),
        "Thanh Hóa",
    ));
    records.push(rec(
        "Kênh Telegram Đoàn Thanh niên Thạch Quảng",
        Some("https://t.me/doanthanhnienthachquang"),
        Platform::Telegram,
        "Đoàn Thanh niên xã Thạch Quảng",
        Some(430),
        (Status::Verified, Classification::Official),
        &locality,
    ));
    let outcome = store.import_communities("demo", "demo", &records)?;

    // Members: four to six per unit; about two in three declared, three in four signed.
    let communities = store.communities()?;
    let mut n = 0;
    for (ui, u) in units.iter().enumerate() {
        for k in 0..(4 + ui % 3) {
            let id = store.add_member(
                "demo",
                &NewMember {
                    unit: u.id,
                    full_name: person(n),
                    position: (k == 0).then(|| "Bí thư / Trưởng đơn vị".to_owned()),
                },
            )?;
            if n % 3 != 2 {
                let official = communities
                    .iter()
                    .find(|c| c.official_of.as_deref() == Some(u.name.as_str()));
                let target = official.unwrap_or(&communities[n % communities.len()]);
                let role = if k == 0 {
                    ParticipationRole::Admin
                } else {
                    ParticipationRole::Member
                };
                store.declare(
                    "demo",
                    &Participation {
                        member: id,
                        community: target.id,
                        role,
                        source: ParticipationSource::SelfDeclared,
                        since: Some("2025-09-01".into()),
                        recorded: "2026-03-05".into(),
                    },
                )?;
            }
            if n % 4 != 3 {
                store.sign(
                    "demo",
                    &Commitment {
                        member: id,
                        // The first member (the demo's `dangvien` account) signed only the
                        // version before November's, so it has the new one to sign.
                        version: if n == 0 {
                            "2026-02".into()
                        } else {
                            domain::COMMITMENT_VERSION.into()
                        },
                        signed_on: "2026-11-05".into(),
                    },
                )?;
            }
            n += 1;
        }
    }
    store.record(
        "demo",
        "demo.seed",
        "unit",
        json!({"commune": COMMUNE_CODE, "communities": outcome.inserted, "members": n}),
    )?;
    summary(store, dir, json, true)
}

fn summary(store: &mut Store, dir: &Path, json: bool, seeded: bool) -> Result<()> {
    let units = store.units()?.len();
    let communities = store.communities()?;
    let members = store.members()?.len();
    let declared = store.participations()?.len();
    let signed = store.commitments()?.len();
    let audit = store.verify_audit()?;
    if json {
        println!(
            "{}",
            json!({"data_dir": dir.display().to_string(), "seeded": seeded, "units": units, "communities": communities.len(), "members": members, "participations": declared, "commitments": signed, "audit_events": audit.events, "audit_ok": audit.ok})
        );
        return Ok(());
    }
    println!("Sổ kênh — dữ liệu mẫu xã Thạch Quảng (mã 15199, tỉnh Thanh Hóa)");
    println!(
        "Thư mục dữ liệu: {}{}",
        dir.display(),
        if seeded {
            ""
        } else {
            " (đã có sẵn, không tạo lại)"
        }
    );
    println!("  Đơn vị:                   {units}");
    println!("  Trang, kênh, hội, nhóm:   {}", communities.len());
    for s in Status::ALL {
        let k = communities.iter().filter(|c| c.status == *s).count();
        if k > 0 {
            println!("    - {:<24} {k}", s.label_vi());
        }
    }
    println!("  Cán bộ, đảng viên:        {members}");
    println!("  Lượt kê khai tham gia:    {declared}");
    let current = store
        .coverage(&app::today().to_string())?
        .iter()
        .map(|c| c.signed)
        .sum::<u64>();
    println!(
        "  Lượt ký cam kết:          {signed} (đã ký phiên bản {}: {current} người)",
        domain::COMMITMENT_VERSION
    );
    println!(
        "  Nhật ký kiểm tra:         {} sự kiện, {}",
        audit.events,
        if audit.ok {
            "toàn vẹn"
        } else {
            "BỊ SỬA ĐỔI"
        }
    );
    println!("Xem: sokenh --data {} registry list", dir.display());
    Ok(())
}

/// The demo's accounts, one per role (created once): (username, password, role label). Demo
/// accounts skip the forced first-login change so that a visitor can look around at once.
pub fn accounts(store: &mut Store) -> Result<Vec<(String, String, String)>> {
    let units = store.units()?;
    let unit = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id);
    let members = store.members()?;
    let plan: Vec<(&str, Role, Option<UnitId>, Option<MemberId>)> = vec![
        ("quantri", Role::Admin, None, None),
        ("thuongvu", Role::Leader, None, None),
        (
            "congan",
            Role::Officer,
            unit("Công an xã Thạch Quảng"),
            None,
        ),
        ("xaydungdang", Role::Analyst, None, None),
        ("kiemtra", Role::Inspector, None, None),
        (
            "chibo.dongtam",
            Role::UnitAdmin,
            unit("Chi bộ thôn Đồng Tâm"),
            None,
        ),
        (
            "dangvien",
            Role::Member,
            members.first().map(|m| m.unit),
            members.first().map(|m| m.id),
        ),
    ];
    let mut out = Vec::new();
    for (username, role, unit, member) in plan {
        let password = format!("demo-{username}-2026");
        if store.user_by_name(username)?.is_none() {
            let user = User {
                id: 0,
                username: username.to_owned(),
                role,
                unit,
                member,
                must_change: false,
                disabled_at: None,
                commune: None,
            };
            store.create_user("demo", &user, &app::accounts::hash_password(&password)?)?;
        }
        out.push((username.to_owned(), password, role.label_vi().to_owned()));
    }
    Ok(out)
}

/// Public posts of the last few days in the demo's groups and pages — everyday news, and a few
/// that the detectors flag (job and prize scams, a fake officer asking for a transfer, a list of
/// people's ID numbers, a "leaked document", a threat) — so the alert queue and the case journey
/// have something to work on. The people named are invented.
const POSTS: &[(&str, &str, i64, &str)] = &[
    // (community, source id, days ago, text)
    (
        "https://www.facebook.com/groups/thondongtam.thachquang",
        "demo-1",
        3,
        "Tuyển CTV việc nhẹ lương cao, thu nhập 500k/ngày, làm nhiệm vụ nhận hoa hồng ngay, ib mình",
    ),
    (
        "https://www.facebook.com/groups/thondongtam.thachquang",
        "demo-2",
        2,
        "Tuyển cộng tác viên việc nhẹ lương cao làm tại nhà, làm nhiệm vụ chốt đơn, ai cần ib",
    ),
    (
        "https://www.facebook.com/groups/thonquangthanh.thachquang",
        "demo-3",
        1,
        "viec nhe luong cao lam tai nha, lam nhiem vu nhan hoa hong, inbox ngay",
    ),
    (
        "https://www.facebook.com/groups/chothachquang",
        "demo-4",
        2,
        "Tôi là cán bộ công an, anh có liên quan vụ án rửa tiền, yêu cầu chuyển tiền vào tài khoản tạm giữ",
    ),
    (
        "https://www.facebook.com/groups/nguoithachquangxaque",
        "demo-5",
        1,
        "Chúc mừng bạn trúng thưởng xe SH, nộp phí vận chuyển để nhận quà",
    ),
    (
        "https://www.facebook.com/groups/thontanson.thachquang",
        "demo-6",
        1,
        "Danh sách hộ nghèo thôn Tân Sơn kèm số CCCD và số điện thoại từng người: Lê Văn Bình 038080012345, 0912345678",
    ),
    (
        "https://www.facebook.com/groups/thachquangquetoi",
        "demo-7",
        0,
        "Nóng: rò rỉ văn bản mật của xã về quy hoạch khu dân cư mới, ai cần inbox",
    ),
    (
        "https://www.facebook.com/groups/nguoithachquangxaque",
        "demo-8",
        0,
        "Không giải quyết thì tao đốt nhà chủ tịch",
    ),
    (
        "https://www.facebook.com/ubnd.thachquang",
        "demo-9",
        3,
        "Lịch tiêm chủng mở rộng tại Trạm y tế xã Thạch Quảng sáng thứ Năm, bà con đưa trẻ đến đúng giờ",
    ),
    (
        "https://www.facebook.com/ubnd.thachquang",
        "demo-10",
        2,
        "Thông báo cắt điện thôn Tân Sơn từ 7 giờ đến 11 giờ Chủ nhật để bảo dưỡng đường dây",
    ),
    (
        "https://www.facebook.com/groups/chothachquang",
        "demo-11",
        1,
        "Chợ phiên Thạch Quảng họp sáng mai, bà con mang nông sản ra bán",
    ),
    (
        "https://www.facebook.com/groups/thondongtam.thachquang",
        "demo-12",
        0,
        "Đoàn thanh niên thôn Đồng Tâm ra quân dọn vệ sinh đường làng sáng Chủ nhật",
    ),
];

/// Loads [`POSTS`] (dated from `today`) through the ordinary ingest, screened: returns the
/// number of posts stored and of alerts raised.
pub fn posts(store: &mut Store, dir: &Path, today: chrono::NaiveDate) -> Result<(u64, usize)> {
    let mut lines = String::new();
    for (k, (community, id, days, text)) in POSTS.iter().enumerate() {
        let day = today - chrono::Duration::days(*days);
        let line = serde_json::json!({
            "id": id,
            "community_url": community,
            "platform": "facebook",
            "published_at": format!("{day}T{:02}:{:02}:00+07:00", 7 + k % 12, (k * 7) % 60),
            "text": text,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let file = dir.join("bai-dang-mau.jsonl");
    std::fs::write(&file, lines)?;
    let before = store.alerts()?.len();
    let report = app::posts::ingest_file(
        store,
        dir,
        &file,
        app::posts::Options {
            format: None,
            community: None,
            screen: true,
        },
    )?;
    Ok((report.inserted, store.alerts()?.len() - before))
}
