//! The web application over HTTP, against the real binary: `sokenh demo --bind 127.0.0.1:0`
//! serves the demo commune and prints its address. Role × route, anonymous access, CSRF, login
//! rate limiting, the forced first password change, unit scope, and a hostile name escaped.

mod common;
use common::http::*;
use common::{json, sokenh};
use std::path::Path;

type Server = common::DemoServer;

fn start(data: &Path) -> Server {
    common::start_demo(data)
}

#[test]
fn every_role_gets_exactly_its_routes() {
    use domain::Role;
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    // Each route and the permission it needs (`common::ROUTES`); what each role gets is derived
    // from `Role::can` (the table tested in `domain::permission`): 200 where it may, 403 where
    // it may not.
    let routes = common::ROUTES;
    let users = [
        ("quantri", Role::Admin),
        ("thuongvu", Role::Leader),
        ("congan", Role::Officer),
        ("xaydungdang", Role::Analyst),
        ("kiemtra", Role::Inspector),
        ("chibo.dongtam", Role::UnitAdmin),
        ("dangvien", Role::Member),
    ];
    for (user, role) in users {
        let cookie = login(&s, user, &format!("demo-{user}-2026"));
        let got: Vec<(&str, u16)> = routes
            .iter()
            .map(|(r, _)| (*r, get(&s, r, Some(&cookie)).status))
            .collect();
        let expected: Vec<(&str, u16)> = routes
            .iter()
            .map(|(r, p)| (*r, if role.can(*p) { 200 } else { 403 }))
            .collect();
        assert_eq!(got, expected, "{user}");
    }
    let routes: Vec<&str> = routes.iter().map(|(r, _)| *r).collect();
    // Anonymous: pages send to the login page, the API says 401.
    for r in &routes[..7] {
        let a = get(&s, r, None);
        assert_eq!((a.status, a.location.as_str()), (303, "/dang-nhap"), "{r}");
    }
    assert_eq!(get(&s, "/api/v1/communities", None).status, 401);
    assert_eq!(get(&s, "/../../etc/passwd", None).status, 404);
    // Every response carries the security headers.
    let r = agent().get(format!("{}/dang-nhap", s.base)).call().unwrap();
    let csp = r
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(r.headers().get("x-frame-options").unwrap(), "DENY");
}

#[test]
fn a_unit_admin_sees_only_its_units_communities() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let cookie = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let api: serde_json::Value =
        serde_json::from_str(&get(&s, "/api/v1/communities", Some(&cookie)).body).unwrap();
    let units: Vec<&str> = api
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["unit"].as_str().unwrap_or(""))
        .collect();
    assert!(!units.is_empty());
    assert!(
        units.iter().all(|u| *u == "Chi bộ thôn Đồng Tâm"),
        "{units:?}"
    );
    let page = get(&s, "/so-dang-ky", Some(&cookie)).body;
    assert!(
        !page.contains("Công an xã Thạch Lập"),
        "another unit's community shown"
    );
    // An officer sees across units.
    let cookie = login(&s, "congan", "demo-congan-2026");
    let api: serde_json::Value =
        serde_json::from_str(&get(&s, "/api/v1/communities", Some(&cookie)).body).unwrap();
    assert!(api.as_array().unwrap().len() > units.len());
}

#[test]
fn forms_without_the_csrf_token_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let cookie = login(&s, "congan", "demo-congan-2026");
    assert_eq!(
        post(&s, "/dang-xuat", Some(&cookie), &[("csrf", "0")]).status,
        403
    );
    assert_eq!(post(&s, "/dang-xuat", Some(&cookie), &[]).status, 422);
    // Still signed in; with the page's token the logout works and the session is gone.
    let page = get(&s, "/tong-quan", Some(&cookie));
    assert_eq!(page.status, 200);
    let out = post(
        &s,
        "/dang-xuat",
        Some(&cookie),
        &[("csrf", &csrf(&page.body))],
    );
    assert_eq!((out.status, out.location.as_str()), (303, "/dang-nhap"));
    assert_eq!(get(&s, "/tong-quan", Some(&cookie)).status, 303);
}

#[test]
fn repeated_wrong_passwords_pause_the_login() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    for _ in 0..5 {
        let r = post(
            &s,
            "/dang-nhap",
            None,
            &[("username", "congan"), ("password", "sai-mat-khau")],
        );
        assert_eq!(r.status, 401);
        assert!(
            r.body
                .contains("Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng")
        );
    }
    // Even the right password waits now.
    let r = post(
        &s,
        "/dang-nhap",
        None,
        &[("username", "congan"), ("password", "demo-congan-2026")],
    );
    assert_eq!(r.status, 429);
    assert!(
        !r.cookie.is_some_and(|c| c.starts_with("sokenh_phien=")),
        "no session"
    );
    // Another account is not affected.
    login(&s, "thuongvu", "demo-thuongvu-2026");
}

#[test]
fn a_new_account_must_choose_its_password_and_hostile_names_stay_text() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    let out = sokenh(
        tmp.path(),
        &[
            "admin",
            "create-user",
            "--username",
            "canbo.moi",
            "--role",
            "officer",
            "--password",
            "tam-thoi-123",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sheet = tmp.path().join("so.csv");
    std::fs::write(
        &sheet,
        "STT;Tên trang, kênh, hội, nhóm;Đường dẫn (link)\n1;<script>alert(1)</script>;https://www.facebook.com/groups/hostile.name\n",
    )
    .unwrap();
    json(&sokenh(
        tmp.path(),
        &["import", "registry", sheet.to_str().unwrap(), "--json"],
    ));

    let s = start(tmp.path());
    let r = post(
        &s,
        "/dang-nhap",
        None,
        &[("username", "canbo.moi"), ("password", "tam-thoi-123")],
    );
    assert_eq!((r.status, r.location.as_str()), (303, "/doi-mat-khau"));
    let cookie = r.cookie.unwrap();
    let r = get(&s, "/tong-quan", Some(&cookie));
    assert_eq!((r.status, r.location.as_str()), (303, "/doi-mat-khau"));
    let form = get(&s, "/doi-mat-khau", Some(&cookie)).body;
    let token = csrf(&form);
    let short = post(
        &s,
        "/doi-mat-khau",
        Some(&cookie),
        &[("csrf", &token), ("new", "ngan"), ("again", "ngan")],
    );
    assert_eq!(short.status, 422);
    let ok = post(
        &s,
        "/doi-mat-khau",
        Some(&cookie),
        &[
            ("csrf", &token),
            ("new", "mat-khau-rieng-2026"),
            ("again", "mat-khau-rieng-2026"),
        ],
    );
    assert_eq!(ok.status, 303);
    let page = get(&s, "/so-dang-ky?q=script", Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert(1)"));
    // The new password works, the old one does not; all of it is in the audit log.
    drop(s);
    let s = start(tmp.path());
    assert_eq!(
        post(
            &s,
            "/dang-nhap",
            None,
            &[("username", "canbo.moi"), ("password", "tam-thoi-123")]
        )
        .status,
        401
    );
    login(&s, "canbo.moi", "mat-khau-rieng-2026");
    drop(s);
    let v = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
}

#[test]
fn a_member_declares_a_page_and_signs_the_commitment() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let cookie = login(&s, "dangvien", "demo-dangvien-2026");
    let home = get(&s, "/", Some(&cookie));
    assert_eq!((home.status, home.location.as_str()), (303, "/ke-khai"));
    let page = get(&s, "/ke-khai", Some(&cookie));
    assert_eq!(page.status, 200);
    let token = csrf(&page.body);
    let r = post(
        &s,
        "/ke-khai",
        Some(&cookie),
        &[
            ("csrf", &token),
            ("url", "m.facebook.com/congan.thachquang?fbclid=x"),
            ("role", "follower"),
        ],
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Đã kê khai «Công an xã Thạch Quảng»"),
        "{}",
        r.body
    );
    assert!(r.body.contains("https://facebook.com/congan.thachquang"));
    let r = post(
        &s,
        "/ke-khai",
        Some(&cookie),
        &[
            ("csrf", &token),
            ("url", "https://facebook.com/groups/khong-co-trong-so"),
            ("role", "member"),
        ],
    );
    assert!(r.body.contains("chưa có trong sổ đăng ký"));
    assert!(r.body.contains("Tôi đã đọc và ký cam kết"));
    let r = post(&s, "/ky-cam-ket", Some(&cookie), &[("csrf", &token)]);
    assert!(
        r.body.contains("Đã ký cam kết phiên bản 2026-11"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Tôi đã đọc và ký cam kết"));
    assert_eq!(
        post(&s, "/ky-cam-ket", Some(&cookie), &[("csrf", "x")]).status,
        403
    );
    // An officer has no member record: no declarations page of their own.
    let officer = login(&s, "congan", "demo-congan-2026");
    assert_eq!(get(&s, "/ke-khai", Some(&officer)).status, 403);
}

#[test]
fn an_officer_dismisses_an_alert_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    common::ingest_job_scams(tmp.path());

    let s = start(tmp.path());
    let cookie = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/canh-bao", Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Lừa đảo"), "{}", page.body);
    let marker = "name=\"id\" value=\"";
    let at = page
        .body
        .find(marker)
        .expect("an open alert with a decision form")
        + marker.len();
    let id: String = page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let token = csrf(&page.body);
    let r = post(
        &s,
        "/canh-bao/quyet-dinh",
        Some(&cookie),
        &[("csrf", &token), ("id", &id), ("reason", " ")],
    );
    assert!(r.body.contains("Cần ghi lý do bỏ qua"));
    let r = post(
        &s,
        "/canh-bao/quyet-dinh",
        Some(&cookie),
        &[
            ("csrf", &token),
            ("id", &id),
            ("reason", "quảng cáo cũ, đã nhắc nhở"),
        ],
    );
    assert!(
        r.body.contains(&format!("Đã bỏ qua cảnh báo #{id}.")),
        "{}",
        r.body
    );
    assert!(r.body.contains("0 cảnh báo"), "the open queue is empty now");
    // An analyst may look but not decide.
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    let page = get(&s, "/canh-bao?status=all", Some(&analyst));
    assert!(
        page.body.contains("quảng cáo") || page.body.contains("Lừa đảo"),
        "the dismissed alert is listed"
    );
    assert!(
        !page.body.contains("Quyết định"),
        "no decision column for an analyst"
    );
    let t = csrf(&page.body);
    assert_eq!(
        post(
            &s,
            "/canh-bao/quyet-dinh",
            Some(&analyst),
            &[("csrf", &t), ("id", &id), ("reason", "thử")]
        )
        .status,
        403
    );
    drop(s);
    let v = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
}

#[test]
fn an_officer_imports_a_spreadsheet_and_sees_the_row_report() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "DANH SÁCH TRANG, KÊNH, HỘI, NHÓM").unwrap();
    for (j, h) in [
        "STT",
        "Tên trang, kênh, hội, nhóm",
        "Đường dẫn (link)",
        "Số thành viên",
    ]
    .iter()
    .enumerate()
    {
        ws.write(2, j as u16, *h).unwrap();
    }
    let rows = [
        [
            "1",
            "Hội cựu học sinh Thạch Quảng",
            "https://www.facebook.com/groups/cuuhocsinh.thachquang",
            "1.204",
        ],
        ["2", "Trang hỏng", "file:///etc/passwd", ""],
        [
            "3",
            "Chợ quê Thạch Quảng",
            "https://zalo.me/g/choque.tq",
            "350",
        ],
    ];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            ws.write(3 + i as u32, j as u16, *v).unwrap();
        }
    }
    let xlsx = wb.save_to_buffer().unwrap();

    let cookie = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/so-dang-ky", Some(&cookie));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let token = csrf(&page.body);
    let r = upload(&s, &cookie, &token, "so-dang-ky.xlsx", &xlsx);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("Đã đọc 3 dòng: thêm mới 2, cập nhật 0, không đổi 0, từ chối 1, cảnh báo 0."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<td class=\"num\">5</td>"),
        "the rejected row is named by its sheet row number: {}",
        r.body
    );
    let list = get(&s, "/so-dang-ky?q=cuu+hoc+sinh", Some(&cookie)).body;
    assert!(list.contains("Hội cựu học sinh Thạch Quảng"));
    // Export to Excel: the office layout, re-read with calamine, the new rows in it.
    let mut r = agent()
        .get(format!("{}/so-dang-ky/xuat", s.base))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("so-dang-ky.xlsx")
    );
    let bytes = r.body_mut().read_to_vec().unwrap();
    let file = tmp.path().join("xuat.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&file).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let names: Vec<String> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        names
            .iter()
            .any(|r| r.contains("Hội cựu học sinh Thạch Quảng")),
        "{names:?}"
    );
    assert!(names.iter().any(|r| r.contains("Chợ quê Thạch Quảng")));
    // Judged by content: a binary file called .xlsx is refused; a wrong token and a role without
    // the right are refused too.
    assert_eq!(
        upload(&s, &cookie, &token, "x.xlsx", b"\x00\x01\x02binary").status,
        415
    );
    assert_eq!(upload(&s, &cookie, "0", "so.xlsx", &xlsx).status, 403);
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    let t = csrf(&get(&s, "/tong-quan", Some(&analyst)).body);
    assert_eq!(upload(&s, &analyst, &t, "so.xlsx", &xlsx).status, 403);
}

#[test]
fn a_unit_admin_reminds_its_own_members_only() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let cookie = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let page = get(&s, "/don-vi", Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Chi bộ thôn Đồng Tâm"));
    assert!(
        !page.body.contains("Công an xã Thạch Quảng</td>"),
        "another unit's members shown"
    );
    let marker = "name=\"member\" value=\"";
    let at = page.body.find(marker).expect("someone to remind") + marker.len();
    let mine: String = page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let token = csrf(&page.body);
    let r = post(
        &s,
        "/don-vi/nhac-nho",
        Some(&cookie),
        &[("csrf", &token), ("member", &mine)],
    );
    assert!(r.body.contains("Đã gửi nhắc nhở."), "{}", r.body);
    // A member of another unit: refused, whatever id is tried.
    let officer = login(&s, "quantri", "demo-quantri-2026");
    let all = get(&s, "/don-vi", Some(&officer)).body;
    let ids: Vec<String> = all
        .match_indices(marker)
        .map(|(i, _)| {
            all[i + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect()
        })
        .collect();
    let visible_to_unit: Vec<String> = page
        .body
        .match_indices(marker)
        .map(|(i, _)| {
            page.body[i + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect()
        })
        .collect();
    let other = ids
        .iter()
        .find(|id| !visible_to_unit.contains(id))
        .expect("a member of another unit");
    assert_eq!(
        post(
            &s,
            "/don-vi/nhac-nho",
            Some(&cookie),
            &[("csrf", &token), ("member", other)]
        )
        .status,
        403
    );
    // Viewing members' names is in the audit log with its purpose.
    drop(s);
    let v = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
}

#[test]
fn a_unit_admin_cannot_write_outside_its_unit_by_upload() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let cookie = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let token = csrf(&get(&s, "/so-dang-ky", Some(&cookie)).body);
    // Row 2: a new group of its own unit (the default); row 3: another unit named; row 4: the
    // commune police's page, which belongs to another unit, renamed.
    let csv = "STT;Tên trang, kênh, hội, nhóm;Đường dẫn (link);Đơn vị\n\
               1;Nhóm thôn Đồng Tâm mới;https://zalo.me/g/dongtam.moi;\n\
               2;Nhóm của đơn vị khác;https://zalo.me/g/donvikhac;Công an xã Thạch Quảng\n\
               3;Trang đã đổi tên;https://www.facebook.com/congan.thachquang;\n";
    let r = upload(&s, &cookie, &token, "so.csv", csv.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("thêm mới 1, cập nhật 0"), "{}", r.body);
    assert_eq!(
        r.body.matches("ngoài phạm vi đơn vị của bạn").count(),
        2,
        "{}",
        r.body
    );
    let officer = login(&s, "congan", "demo-congan-2026");
    let list = get(&s, "/so-dang-ky?q=congan.thachquang", Some(&officer)).body;
    assert!(list.contains("Công an xã Thạch Quảng") && !list.contains("Trang đã đổi tên"));
}

/// Scam posts in two groups (one alert each), and a phone number in one of them.
fn ingest_scams(data: &Path) {
    let posts: Vec<(String, &str, String, String)> = ["thachquang.dongtam", "thachquang.chotrungtam"]
        .into_iter()
        .flat_map(|group| {
            (0..3).map(move |k| {
                (
                    format!("{group}-{k}"),
                    group,
                    format!("2026-11-12T20:0{k}:00+07:00"),
                    format!("Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay, gọi 09123456{k}8"),
                )
            })
        })
        .collect();
    let posts: Vec<common::Post> = posts
        .iter()
        .map(|(id, group, at, text)| (id.as_str(), *group, at.as_str(), text.as_str()))
        .collect();
    common::ingest_posts(data, &posts);
}

/// Every number after `marker` in the body, in order.
fn numbers_after(body: &str, marker: &str) -> Vec<String> {
    body.match_indices(marker)
        .map(|(at, _)| {
            body[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect()
        })
        .collect()
}

#[test]
fn alerts_become_a_case_with_evidence_a_letter_and_an_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    ingest_scams(tmp.path());
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let queue = get(&s, "/canh-bao", Some(&officer));
    let alerts = numbers_after(&queue.body, "name=\"alert\" value=\"");
    assert!(alerts.len() >= 2, "two open alerts: {}", queue.body);
    let token = csrf(&queue.body);

    // One alert's page: its posts with the evidence marked, and what can be done.
    let one = get(&s, &format!("/canh-bao/{}", alerts[0]), Some(&officer));
    assert_eq!(one.status, 200);
    assert!(
        one.body.contains("<mark>") && one.body.contains("Lập hồ sơ"),
        "{}",
        one.body
    );
    assert_eq!(get(&s, "/canh-bao/999999", Some(&officer)).status, 404);
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    assert_eq!(
        get(&s, &format!("/canh-bao/{}", alerts[0]), Some(&member)).status,
        403
    );

    // Two alerts merged into one new case.
    let mut form = vec![
        ("csrf", token.as_str()),
        ("case", ""),
        ("title", "Lừa đảo tuyển cộng tác viên"),
    ];
    form.extend(alerts.iter().take(2).map(|a| ("alert", a.as_str())));
    let r = post(&s, "/canh-bao/ho-so", Some(&officer), &form);
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/ho-so/1"),
        "{}",
        r.body
    );
    let page = get(&s, "/ho-so/1", Some(&officer));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Hồ sơ #1: Lừa đảo tuyển cộng tác viên"));
    assert!(
        page.body.contains(&format!(
            "Mở hồ sơ từ cảnh báo #{}, #{}",
            alerts[0], alerts[1]
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("<mark>"), "the evidence is highlighted");
    assert!(
        !page.body.contains("0912345608"),
        "a phone number is shown masked only"
    );
    // The queue no longer offers them; taking one twice is refused with the reason.
    let queue = get(&s, "/canh-bao", Some(&officer));
    assert!(!numbers_after(&queue.body, "name=\"alert\" value=\"").contains(&alerts[0]));
    let again = post(
        &s,
        "/canh-bao/ho-so",
        Some(&officer),
        &[("csrf", &token), ("alert", &alerts[0])],
    );
    assert_eq!(again.status, 422);
    assert!(again.body.contains("không còn chờ xử lý"), "{}", again.body);

    // Split one alert off into case 2, then back to case 1's work.
    let r = post(
        &s,
        "/ho-so/1/tach",
        Some(&officer),
        &[("csrf", &token), ("alert", &alerts[1])],
    );
    assert_eq!((r.status, r.location.as_str()), (303, "/ho-so/2"));
    assert!(
        get(&s, "/ho-so/2", Some(&officer))
            .body
            .contains("tách từ hồ sơ #1")
    );

    // Evidence: kept at its SHA-256, listed, downloadable as it was; a program is refused.
    let png = b"\x89PNG\r\n\x1a\nscreenshot of the scam post";
    let r = upload_to(
        &s,
        "/ho-so/1/chung-cu",
        &officer,
        &token,
        "anh-chup.png",
        png,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get(&s, "/ho-so/1", Some(&officer));
    assert_eq!(
        page.body.matches("href=\"/ho-so/1/chung-cu/").count(),
        1,
        "one evidence link"
    );
    let at =
        page.body.find("href=\"/ho-so/1/chung-cu/").unwrap() + "href=\"/ho-so/1/chung-cu/".len();
    let sha: String = page.body[at..at + 64].to_owned();
    assert!(sha.bytes().all(|b| b.is_ascii_hexdigit()), "{sha}");
    let file = agent()
        .get(format!("{}/ho-so/1/chung-cu/{sha}", s.base))
        .header("Cookie", &officer)
        .call()
        .unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(file.headers().get("content-type").unwrap(), "image/png");
    assert_eq!(file.into_body().read_to_vec().unwrap(), png);
    assert_eq!(
        upload_to(
            &s,
            "/ho-so/1/chung-cu",
            &officer,
            &token,
            "x.png",
            b"MZ\x90\0\x03"
        )
        .status,
        415
    );
    assert_eq!(
        get(&s, "/ho-so/1/chung-cu/..%2F..%2Fsokenh.db", Some(&officer)).status,
        404
    );

    // Assign, act, and the takedown letter with the case's facts.
    let r = post(
        &s,
        "/ho-so/1/giao",
        Some(&officer),
        &[("csrf", &token), ("assignee", "congan")],
    );
    assert_eq!(r.status, 303);
    let r = post(
        &s,
        "/ho-so/1/xu-ly",
        Some(&officer),
        &[
            ("csrf", &token),
            ("action", "request_takedown"),
            ("note", "gửi công văn"),
        ],
    );
    assert_eq!(r.status, 303);
    // Notify the member's unit: on the case's timeline and on that unit's follow-up page.
    let page = get(&s, "/ho-so/1", Some(&officer));
    let dong_tam = page.body[..page.body.find("\">Chi bộ thôn Đồng Tâm</option>").unwrap()]
        .rsplit("<option value=\"")
        .next()
        .unwrap()
        .to_owned();
    let r = post(
        &s,
        "/ho-so/1/xu-ly",
        Some(&officer),
        &[
            ("csrf", &token),
            ("action", "notify_unit"),
            ("unit", ""),
            ("note", "x"),
        ],
    );
    assert_eq!(r.status, 422, "the unit must be chosen");
    let r = post(
        &s,
        "/ho-so/1/xu-ly",
        Some(&officer),
        &[
            ("csrf", &token),
            ("action", "notify_unit"),
            ("unit", &dong_tam),
            ("note", "đảng viên chia sẻ bài tuyển cộng tác viên"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let chibo = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let follow_up = get(&s, "/don-vi", Some(&chibo));
    assert!(
        follow_up.body.contains("Thông báo từ hồ sơ xử lý"),
        "{}",
        follow_up.body
    );
    assert!(
        follow_up
            .body
            .contains("hồ sơ #1: đảng viên chia sẻ bài tuyển cộng tác viên")
    );

    let letter = agent()
        .get(format!("{}/ho-so/1/cong-van", s.base))
        .header("Cookie", &officer)
        .call()
        .unwrap();
    assert_eq!(letter.status().as_u16(), 200);
    let bytes = letter.into_body().read_to_vec().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    for expected in [
        "ĐẢNG ỦY XÃ THẠCH QUẢNG",
        "Kính gửi: ",
        "Công ty Meta Platforms, Inc.",
        "V/v đề nghị gỡ bỏ",
        "hồ sơ số 1",
        "Nghị định số 147/2024/NĐ-CP",
        sha.as_str(),
        "anh-chup.png",
        "T/M BAN THƯỜNG VỤ",
    ] {
        assert!(xml.contains(expected), "the letter has «{expected}»");
    }

    // Closing needs an outcome; a closed case takes no more evidence.
    let r = post(
        &s,
        "/ho-so/1/trang-thai",
        Some(&officer),
        &[("csrf", &token), ("status", "closed"), ("outcome", "")],
    );
    assert_eq!(r.status, 422);
    let r = post(
        &s,
        "/ho-so/1/trang-thai",
        Some(&officer),
        &[
            ("csrf", &token),
            ("status", "closed"),
            ("outcome", "Nền tảng đã gỡ các bài đăng"),
        ],
    );
    assert_eq!(r.status, 303);
    let page = get(&s, "/ho-so/1", Some(&officer));
    for line in [
        "Thông báo đơn vị của đảng viên: đảng viên chia sẻ bài tuyển cộng tác viên",
        "Giao cho congan",
        "Đề nghị gỡ bỏ: gửi công văn",
        "Thêm chứng cứ «anh-chup.png»",
        "Tạo công văn đề nghị gỡ bỏ (DOCX)",
        "Đóng hồ sơ. Kết quả: Nền tảng đã gỡ các bài đăng",
    ] {
        assert!(page.body.contains(line), "timeline: {line}");
    }
    assert_eq!(
        upload_to(
            &s,
            "/ho-so/1/chung-cu",
            &officer,
            &token,
            "b.png",
            b"\x89PNG\r\n\x1a\nlater"
        )
        .status,
        422
    );

    // The Inspection Committee reads cases; an analyst and a unit admin do not; nobody else acts.
    let inspector = login(&s, "kiemtra", "demo-kiemtra-2026");
    let page = get(&s, "/ho-so/2", Some(&inspector));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("action=\"/ho-so/2/giao\""));
    let t = csrf(&page.body);
    assert_eq!(
        post(
            &s,
            "/ho-so/2/giao",
            Some(&inspector),
            &[("csrf", &t), ("assignee", "kiemtra")]
        )
        .status,
        403
    );
    for (user, password) in [
        ("xaydungdang", "demo-xaydungdang-2026"),
        ("chibo.dongtam", "demo-chibo.dongtam-2026"),
    ] {
        let c = login(&s, user, password);
        assert_eq!(get(&s, "/ho-so", Some(&c)).status, 403, "{user}");
        assert_eq!(get(&s, "/ho-so/1", Some(&c)).status, 403, "{user}");
    }
    drop(s);
    let stored = tmp.path().join("evidence").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(stored).unwrap(), png);
    let v = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
}

#[test]
fn posts_are_found_with_or_without_diacritics_and_shown_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    let at = "2026-11-20T08:00:00+07:00";
    common::ingest_posts(
        tmp.path(),
        &[
            (
                "p-1",
                "thachquang.dongtam",
                at,
                "Lịch tiêm chủng ở Thạch Quảng tuần này",
            ),
            (
                "p-2",
                "thachquang.dongtam",
                at,
                "Chợ <script>alert(1)</script> Thạch Quảng họp phiên sáng",
            ),
            ("p-3", "thachquang.dongtam", at, "Bóng đá giao hữu ở xã bên"),
        ],
    );
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/tim-kiem?q=thach+quang", Some(&officer));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("2 kết quả"), "{}", page.body);
    assert!(page.body.contains("mã p-1") && page.body.contains("mã p-2"));
    assert!(!page.body.contains("mã p-3"));
    assert!(page.body.contains("<b>Thạch</b>"), "matches are marked");
    assert!(page.body.contains("&lt;script&gt;"), "post text stays text");
    assert!(!page.body.contains("<script>"));
    assert!(
        page.body.contains("1.000 bài mới nhất"),
        "says what is ranked"
    );
    // «Đến ngày» takes the whole day it names.
    let until = |day: &str| {
        get(
            &s,
            &format!("/tim-kiem?q=thach+quang&until={day}"),
            Some(&officer),
        )
    };
    assert!(until("2026-11-20").body.contains("2 kết quả"));
    assert!(until("2026-11-19").body.contains("0 kết quả"));
    assert_eq!(until("20-11-2026").status, 400);
    assert!(
        until("20-11-2026")
            .body
            .contains("Ngày «đến ngày» không hợp lệ")
    );
    // A member may not search; a bad date is said so.
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    assert_eq!(get(&s, "/tim-kiem?q=thach", Some(&member)).status, 403);
    assert_eq!(
        get(&s, "/tim-kiem?q=thach&since=hom-qua", Some(&officer)).status,
        400
    );
}

/// (id, unit) of every community, as the admin's API lists them.
fn community_ids(s: &Server) -> Vec<(i64, String, String)> {
    let admin = login(s, "quantri", "demo-quantri-2026");
    let api: serde_json::Value =
        serde_json::from_str(&get(s, "/api/v1/communities", Some(&admin)).body).unwrap();
    api.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["unit"].as_str().unwrap_or("").to_owned(),
                c["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_community_is_shown_edited_and_marked_official_within_scope_only() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let all = community_ids(&s);
    let (own, _, own_name) = all
        .iter()
        .find(|(_, u, _)| u == "Chi bộ thôn Đồng Tâm")
        .cloned()
        .expect("a page of Đồng Tâm");
    let (other, _, _) = all
        .iter()
        .find(|(_, u, _)| !u.is_empty() && u != "Chi bộ thôn Đồng Tâm")
        .cloned()
        .expect("a page of another unit");

    // The unit admin: its own page yes, another unit's page by id no (no IDOR).
    let chibo = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let page = get(&s, &format!("/so-dang-ky/{own}"), Some(&chibo));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("<h1>{own_name}</h1>")));
    assert_eq!(
        get(&s, &format!("/so-dang-ky/{other}"), Some(&chibo)).status,
        403
    );
    assert_eq!(get(&s, "/so-dang-ky/999999", Some(&chibo)).status, 404);
    let token = csrf(&page.body);
    let edit = |cookie: &str, id: i64, name: &str, unit: &str, class: &str, official: &str| {
        post(
            &s,
            &format!("/so-dang-ky/{id}"),
            Some(cookie),
            &[
                ("csrf", &token),
                ("name", name),
                ("kind", "group"),
                ("unit", unit),
                ("classification", class),
                ("official_of", official),
                ("status", "verified"),
                ("members", "1.250"),
                ("note", ""),
            ],
        )
    };
    assert_eq!(
        edit(
            &chibo,
            other,
            "Đổi tên trang người khác",
            "Chi bộ thôn Đồng Tâm",
            "community",
            ""
        )
        .status,
        403
    );
    // Moving its page to another unit is refused with the reason.
    let r = edit(&chibo, own, &own_name, "Công an xã", "community", "");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("không thuộc phạm vi quản lý"), "{}", r.body);
    // Renamed, classified as the unit's official channel, with a size: history kept.
    let r = edit(
        &chibo,
        own,
        "Nhóm Chi bộ Đồng Tâm",
        "Chi bộ thôn Đồng Tâm",
        "official",
        "Chi bộ thôn Đồng Tâm",
    );
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, format!("/so-dang-ky/{own}").as_str()),
        "{}",
        r.body
    );
    let page = get(&s, &format!("/so-dang-ky/{own}"), Some(&chibo));
    assert!(page.body.contains("<h1>Nhóm Chi bộ Đồng Tâm</h1>"));
    assert!(
        page.body
            .contains(&format!("<td>{own_name}</td><td>Nhóm Chi bộ Đồng Tâm</td>")),
        "name history"
    );
    assert!(
        page.body
            .contains("Chính thức của đơn vị của Chi bộ thôn Đồng Tâm")
    );
    assert!(page.body.contains("1.250"));
    // Official without saying whose is refused.
    assert_eq!(
        edit(&chibo, own, "X", "Chi bộ thôn Đồng Tâm", "official", "").status,
        400
    );

    // An officer adds a page; adding it again is a conflict; a bad link is refused.
    let officer = login(&s, "congan", "demo-congan-2026");
    let form = get(&s, "/so-dang-ky/moi", Some(&officer));
    assert_eq!(form.status, 200);
    let t = csrf(&form.body);
    let add = |url: &str| {
        post(
            &s,
            "/so-dang-ky/moi",
            Some(&officer),
            &[
                ("csrf", t.as_str()),
                ("url", url),
                ("platform", "facebook"),
                ("name", "Hội nông dân Thạch Quảng"),
                ("kind", "group"),
                ("unit", ""),
                ("classification", "community"),
                ("official_of", ""),
                ("status", "watch"),
                ("members", ""),
                ("note", "thêm từ trang web"),
            ],
        )
    };
    let r = add("https://m.facebook.com/groups/hoinongdan.tq?fbclid=abc");
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get(&s, &r.location, Some(&officer));
    assert!(
        page.body
            .contains("https://facebook.com/groups/hoinongdan.tq"),
        "{} {}",
        r.location,
        page.body
    );
    assert_eq!(
        add("https://www.facebook.com/groups/hoinongdan.tq").status,
        409
    );
    assert_eq!(add("javascript:alert(1)").status, 400);
    // A member sees no register page at all.
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    assert_eq!(
        get(&s, &format!("/so-dang-ky/{own}"), Some(&member)).status,
        403
    );
    drop(s);
    let events = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(events["ok"], true);
}

fn bearer(s: &Server, path: &str, token: &str) -> (u16, serde_json::Value) {
    let mut r = agent()
        .get(format!("{}{path}", s.base))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let status = r.status().as_u16();
    let body = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&body).unwrap_or_default())
}

#[test]
fn the_api_answers_tokens_in_their_scope_and_matches_its_openapi_document() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    ingest_scams(tmp.path());
    let token = |role: &str, unit: Option<&str>| {
        let mut args = vec![
            "admin",
            "create-token",
            "--name",
            "thử",
            "--role",
            role,
            "--json",
        ];
        if let Some(u) = unit {
            args.extend(["--unit", u]);
        }
        json(&sokenh(tmp.path(), &args))
    };
    let unit_token = token("unit_admin", Some("Chi bộ thôn Đồng Tâm"));
    let officer = token("officer", None);
    let (unit_token, officer_token) = (
        unit_token["token"].as_str().unwrap().to_owned(),
        officer["token"].as_str().unwrap().to_owned(),
    );
    assert!(unit_token.starts_with("sk_") && unit_token.len() == 67);
    // The token is not in the database, only its hash.
    let db = std::fs::read(tmp.path().join("sokenh.db")).unwrap();
    assert!(
        !db.windows(unit_token.len())
            .any(|w| w == unit_token.as_bytes())
    );
    assert!(
        !sokenh(
            tmp.path(),
            &["admin", "create-token", "--name", "x", "--role", "member"]
        )
        .status
        .success()
    );

    let s = start(tmp.path());
    let resources = [
        "/api/v1/units",
        "/api/v1/members?purpose=kiem+tra",
        "/api/v1/communities",
        "/api/v1/items",
        "/api/v1/signals",
        "/api/v1/alerts",
        "/api/v1/cases",
        "/api/v1/cases/1",
        "/api/v1/factchecks",
        "/api/v1/reports?period=2026-11",
    ];
    for r in resources {
        assert_eq!(get(&s, r, None).status, 401, "{r} anonymous");
        assert_eq!(bearer(&s, r, "sk_0000").0, 401, "{r} with a wrong token");
    }
    // A unit admin's token: its unit's pages and people only, a purpose for people, no alerts.
    let (status, list) = bearer(&s, "/api/v1/communities", &unit_token);
    assert_eq!(status, 200);
    let units: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["unit"].as_str().unwrap_or(""))
        .collect();
    assert!(
        !units.is_empty() && units.iter().all(|u| *u == "Chi bộ thôn Đồng Tâm"),
        "{units:?}"
    );
    assert_eq!(
        bearer(&s, "/api/v1/members", &unit_token).0,
        400,
        "no purpose stated"
    );
    let (status, members) = bearer(
        &s,
        "/api/v1/members?purpose=%C4%91%C3%B4n+%C4%91%E1%BB%91c+k%C3%AA+khai",
        &unit_token,
    );
    assert_eq!(status, 200);
    let (_, all_units) = bearer(&s, "/api/v1/units", &officer_token);
    let dong_tam = all_units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Chi bộ thôn Đồng Tâm")
        .unwrap()["id"]
        .clone();
    assert!(!members.as_array().unwrap().is_empty());
    assert!(
        members
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["unit"] == dong_tam)
    );
    assert_eq!(bearer(&s, "/api/v1/alerts", &unit_token).0, 403);
    // Refused before its query is read: a caller who may not read reports learns nothing of it.
    for r in ["/api/v1/reports", "/api/v1/reports?period=2026-11"] {
        assert_eq!(bearer(&s, r, &unit_token).0, 403, "{r}");
    }
    let (_, items) = bearer(&s, "/api/v1/items?limit=1000", &unit_token);
    let own_urls: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["url"].as_str())
        .collect();
    assert!(items.as_array().unwrap().iter().all(|i| {
        i["community_url"]
            .as_str()
            .is_some_and(|u| own_urls.contains(&u))
    }));

    // An officer's token: items a page at a time, alerts, reports; a bad period is refused.
    let (status, page1) = bearer(&s, "/api/v1/items?limit=2", &officer_token);
    assert_eq!((status, page1.as_array().unwrap().len()), (200, 2));
    let last = page1[1]["id"].as_i64().unwrap();
    let (_, page2) = bearer(
        &s,
        &format!("/api/v1/items?limit=2&after={last}"),
        &officer_token,
    );
    assert!(page2[0]["id"].as_i64().unwrap() > last);
    let (status, report) = bearer(&s, "/api/v1/reports?period=2026-11", &officer_token);
    assert_eq!(status, 200);
    assert_eq!(report["from"], "2026-11-01");
    assert!(report["figures"]["items"].as_u64().unwrap() >= 6);
    assert_eq!(
        bearer(&s, "/api/v1/reports?period=thang", &officer_token).0,
        400
    );
    assert_eq!(bearer(&s, "/api/v1/reports", &officer_token).0, 400);
    // The one period parser: a quarter written in lower case, as the report's CLI accepts it.
    let (status, quarter) = bearer(&s, "/api/v1/reports?period=2026-q4", &officer_token);
    assert_eq!(status, 200, "{quarter}");
    assert_eq!(
        (quarter["from"].as_str(), quarter["to"].as_str()),
        (Some("2026-10-01"), Some("2027-01-01"))
    );
    assert_eq!(bearer(&s, "/api/v1/cases/99", &officer_token).0, 404);

    // Every answer has exactly the fields its OpenAPI schema names.
    let doc: serde_json::Value =
        serde_json::from_str(&get(&s, "/api/v1/openapi.json", None).body).unwrap();
    let schema = |name: &str| -> Vec<String> {
        let mut k: Vec<String> = doc["components"]["schemas"][name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}"))
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    for (path, name) in [
        ("/api/v1/units", "UnitDoc"),
        ("/api/v1/members?purpose=kiem+tra+luoc+do", "MemberDoc"),
        ("/api/v1/communities", "CommunityDoc"),
        ("/api/v1/items?limit=5", "ItemDoc"),
        ("/api/v1/signals", "SignalDoc"),
        ("/api/v1/alerts", "AlertDoc"),
    ] {
        let (status, v) = bearer(&s, path, &officer_token);
        assert_eq!(status, 200, "{path}");
        let first = v
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or_else(|| panic!("{path} is empty"));
        let mut keys: Vec<String> = first.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, schema(name), "{path} against {name}");
    }
    // Revoked: the token opens nothing.
    let id = officer["id"].as_i64().unwrap().to_string();
    drop(s);
    assert!(
        sokenh(tmp.path(), &["admin", "revoke-token", &id])
            .status
            .success()
    );
    let s = start(tmp.path());
    assert_eq!(bearer(&s, "/api/v1/units", &officer_token).0, 401);
    drop(s);
    let events = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(events["ok"], true);
}

#[test]
fn an_analyst_imports_the_register_and_packs_and_puts_a_rule_in_shadow_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    let page = get(&s, "/kiem-chung", Some(&analyst));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<code>threat.violence</code>"));
    let token = csrf(&page.body);

    // The fact-check register from a CSV: one entry in, one row refused and named.
    let csv = "id,claim,verdict,correction,source_url\nfc-1,Uống nước muối chữa khỏi cúm,false,Không có căn cứ khoa học,https://vnexpress.net/kiem-chung-1\nfc-2,,false,,\n";
    let r = upload_to(
        &s,
        "/kiem-chung/nhap",
        &analyst,
        &token,
        "so-kiem-chung.csv",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("thêm 1, cập nhật 0, không đổi 0, từ chối 1."),
        "{}",
        r.body
    );
    assert!(r.body.contains("Dòng 3:"), "{}", r.body);
    assert!(r.body.contains("Uống nước muối chữa khỏi cúm"));

    // A pack for a category outside the fixed taxonomy is refused, and nothing is kept.
    let political = "category = \"political_opinion\"\nversion = \"1\"\n";
    let r = upload_to(
        &s,
        "/bo-luat/nhap",
        &analyst,
        &token,
        "y-kien.toml",
        political.as_bytes(),
    );
    assert!(r.body.contains("Không nhập:"), "{}", r.body);
    let packs = || -> Vec<String> {
        let db = rusqlite::Connection::open(tmp.path().join("sokenh.db")).unwrap();
        let mut q = db
            .prepare("SELECT name FROM rule_packs ORDER BY name")
            .unwrap();
        q.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(!packs().contains(&"y-kien.toml".to_owned()));
    // An office pack that passes its own examples is kept under its own (clean) name.
    let pack = "category = \"scam\"\nversion = \"2026.11.office\"\n\n[[rules]]\nid = \"scam.office.lottery\"\nexplanation = \"Trúng thưởng xe máy, nộp phí nhận quà\"\nweight = 0.7\nall = [\"trúng thưởng\", \"nộp phí\"]\npositive = [\"Chúc mừng bạn trúng thưởng xe máy, nộp phí 500k để nhận\"]\nnegative = [\"Xổ số kiến thiết công bố kết quả trúng thưởng\"]\n";
    let r = upload_to(
        &s,
        "/bo-luat/nhap",
        &analyst,
        &token,
        "../../bo-luat-xa.toml",
        pack.as_bytes(),
    );
    assert!(
        r.body
            .contains("Đã nhập 1 luật (scam, phiên bản 2026.11.office)."),
        "{}",
        r.body
    );
    assert!(
        packs().contains(&"bo-luat-xa.toml".to_owned()),
        "{:?}",
        packs()
    );
    assert!(r.body.contains("<code>scam.office.lottery</code>"));

    // Shadow mode on, then off; the CLI sees the same choice.
    let r = post(
        &s,
        "/bo-luat/che-do",
        Some(&analyst),
        &[
            ("csrf", &token),
            ("rule", "threat.violence"),
            ("shadow", "true"),
        ],
    );
    assert!(
        r.body
            .contains("Luật threat.violence chuyển sang chạy thử."),
        "{}",
        r.body
    );
    let rules = json(&sokenh(tmp.path(), &["rules", "list", "--json"]));
    let rule = |id: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(rule("threat.violence")["shadow"], true);
    assert_eq!(rule("scam.office.lottery")["shadow"], false);
    let r = post(
        &s,
        "/bo-luat/che-do",
        Some(&analyst),
        &[
            ("csrf", &token),
            ("rule", "threat.violence"),
            ("shadow", "false"),
        ],
    );
    assert!(r.body.contains("được áp dụng"));
    assert_eq!(
        post(
            &s,
            "/bo-luat/che-do",
            Some(&analyst),
            &[("csrf", &token), ("rule", "khong.co"), ("shadow", "true")]
        )
        .status,
        404
    );

    // An officer looks but does not change; a unit admin does not look.
    let officer = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/kiem-chung", Some(&officer));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("/bo-luat/che-do"));
    let t = csrf(&page.body);
    assert_eq!(
        post(
            &s,
            "/bo-luat/che-do",
            Some(&officer),
            &[
                ("csrf", &t),
                ("rule", "threat.violence"),
                ("shadow", "true")
            ]
        )
        .status,
        403
    );
    let chibo = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    assert_eq!(get(&s, "/kiem-chung", Some(&chibo)).status, 403);
    drop(s);
    let log = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(log["ok"], true);
}

#[test]
fn the_administrator_creates_accounts_units_and_tokens() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let admin = login(&s, "quantri", "demo-quantri-2026");
    let page = get(&s, "/quan-tri", Some(&admin));
    assert_eq!(page.status, 200);
    let token = csrf(&page.body);
    let unit_marker = "<option value=\"";
    let dong_tam = page.body[..page.body.find("\">Chi bộ thôn Đồng Tâm</option>").unwrap()]
        .rsplit(unit_marker)
        .next()
        .unwrap()
        .trim_end_matches('"')
        .to_owned();

    // A unit under Đồng Tâm.
    let r = post(
        &s,
        "/quan-tri/don-vi",
        Some(&admin),
        &[
            ("csrf", &token),
            ("name", "Tổ tuyên truyền Đồng Tâm"),
            ("parent", &dong_tam),
        ],
    );
    assert!(
        r.body
            .contains("Đã thêm đơn vị «Tổ tuyên truyền Đồng Tâm»."),
        "{}",
        r.body
    );
    let r = post(
        &s,
        "/quan-tri/don-vi",
        Some(&admin),
        &[
            ("csrf", &token),
            ("name", "to tuyen truyen dong tam"),
            ("parent", &dong_tam),
        ],
    );
    assert!(r.body.contains("Đã có đơn vị này."));

    // An account: a unit admin without a unit is refused; with one it must change its password.
    let r = post(
        &s,
        "/quan-tri/nguoi-dung",
        Some(&admin),
        &[
            ("csrf", &token),
            ("username", "totruong"),
            ("role", "unit_admin"),
            ("unit", ""),
            ("password", "tam-thoi-2026"),
        ],
    );
    assert!(r.body.contains("Quản trị đơn vị cần chọn đơn vị."));
    let r = post(
        &s,
        "/quan-tri/nguoi-dung",
        Some(&admin),
        &[
            ("csrf", &token),
            ("username", "totruong"),
            ("role", "unit_admin"),
            ("unit", &dong_tam),
            ("password", "tam-thoi-2026"),
        ],
    );
    assert!(r.body.contains("Đã tạo tài khoản totruong"), "{}", r.body);
    let r = post(
        &s,
        "/quan-tri/nguoi-dung",
        Some(&admin),
        &[
            ("csrf", &token),
            ("username", "totruong"),
            ("role", "officer"),
            ("unit", ""),
            ("password", "tam-thoi-2026"),
        ],
    );
    assert!(r.body.contains("Tên đăng nhập này đã có."));
    let fresh = login(&s, "totruong", "tam-thoi-2026");
    assert_eq!(
        get(&s, "/so-dang-ky", Some(&fresh)).location,
        "/doi-mat-khau"
    );

    // A unit given to the system administrator would mean nothing: refused, not ignored.
    let r = post(
        &s,
        "/quan-tri/ma-api",
        Some(&admin),
        &[
            ("csrf", &token),
            ("name", "đồng bộ sai"),
            ("role", "admin"),
            ("unit", &dong_tam),
        ],
    );
    assert!(r.body.contains("quản trị cả cơ sở dữ liệu"), "{}", r.body);
    assert!(!r.body.contains("sk_"), "no token made");
    // A token made here works on the API until it is revoked here.
    let r = post(
        &s,
        "/quan-tri/ma-api",
        Some(&admin),
        &[
            ("csrf", &token),
            ("name", "đồng bộ tỉnh"),
            ("role", "analyst"),
            ("unit", ""),
        ],
    );
    let at = r.body.find("sk_").expect("the token, shown once");
    let api_token = r.body[at..at + 67].to_owned();
    assert_eq!(bearer(&s, "/api/v1/communities", &api_token).0, 200);
    assert_eq!(
        bearer(&s, "/api/v1/cases", &api_token).0,
        403,
        "an analyst token reads no cases"
    );
    let again = get(&s, "/quan-tri", Some(&admin));
    assert!(
        !again.body.contains(&api_token),
        "the token is never shown again"
    );
    let id = numbers_after(&again.body, "name=\"id\" value=\"")[0].clone();
    let r = post(
        &s,
        "/quan-tri/thu-hoi-ma",
        Some(&admin),
        &[("csrf", &token), ("id", &id)],
    );
    assert!(r.body.contains(&format!("Đã thu hồi mã #{id}.")));
    assert_eq!(bearer(&s, "/api/v1/communities", &api_token).0, 401);

    // An account disabled, with its reason: its session ends at once and it signs in no more
    // (told so only after a right password); enabled, it signs in again.
    let r = post(
        &s,
        "/quan-tri/khoa",
        Some(&admin),
        &[("csrf", &token), ("username", "totruong"), ("reason", " ")],
    );
    assert!(r.body.contains("Cần ghi lý do"), "{}", r.body);
    let r = post(
        &s,
        "/quan-tri/khoa",
        Some(&admin),
        &[
            ("csrf", &token),
            ("username", "totruong"),
            ("reason", "chuyển công tác"),
        ],
    );
    assert!(r.body.contains("Đã khóa tài khoản totruong;"), "{}", r.body);
    let ended = get(&s, "/so-dang-ky", Some(&fresh));
    assert_eq!((ended.status, ended.location.as_str()), (303, "/dang-nhap"));
    let refused = post(
        &s,
        "/dang-nhap",
        None,
        &[("username", "totruong"), ("password", "tam-thoi-2026")],
    );
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Tài khoản này đã bị khóa."));
    let wrong = post(
        &s,
        "/dang-nhap",
        None,
        &[("username", "totruong"), ("password", "sai-mat-khau-2026")],
    );
    assert_eq!(wrong.status, 401);
    assert!(
        !wrong.body.contains("đã bị khóa"),
        "a wrong password says no more"
    );
    let r = post(
        &s,
        "/quan-tri/mo-khoa",
        Some(&admin),
        &[("csrf", &token), ("username", "totruong")],
    );
    assert!(
        r.body.contains("Đã mở khóa tài khoản totruong."),
        "{}",
        r.body
    );
    login(&s, "totruong", "tam-thoi-2026");
    // Another role and unit, with the reason; the administrator's own is not offered.
    let r = post(
        &s,
        "/quan-tri/doi-vai-tro",
        Some(&admin),
        &[
            ("csrf", &token),
            ("username", "totruong"),
            ("role", "officer"),
            ("unit", ""),
            ("reason", "lên công tác ở xã"),
        ],
    );
    assert!(
        r.body.contains(&format!(
            "Đã đổi vai trò của totruong thành «{}».",
            domain::Role::Officer.label_vi()
        )),
        "{}",
        r.body
    );
    let users = json(&sokenh(tmp.path(), &["admin", "users", "--json"]));
    let totruong = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "totruong")
        .unwrap();
    assert_eq!(
        (
            &totruong["role"],
            &totruong["unit"],
            &totruong["disabled_at"]
        ),
        (
            &serde_json::json!("officer"),
            &serde_json::Value::Null,
            &serde_json::Value::Null
        )
    );

    // Only the administrator.
    let leader = login(&s, "thuongvu", "demo-thuongvu-2026");
    let p = get(&s, "/quan-tri", Some(&leader));
    assert_eq!(p.status, 403);
    let officer = login(&s, "congan", "demo-congan-2026");
    let t = csrf(&get(&s, "/tong-quan", Some(&officer)).body);
    assert_eq!(
        post(
            &s,
            "/quan-tri/don-vi",
            Some(&officer),
            &[("csrf", &t), ("name", "X"), ("parent", &dong_tam)]
        )
        .status,
        403
    );
    drop(s);
    assert_eq!(
        json(&sokenh(tmp.path(), &["audit", "verify", "--json"]))["ok"],
        true
    );
}

#[test]
fn the_english_switch_changes_the_shell_and_stays_chosen() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let vi = get(&s, "/dang-nhap", None);
    assert!(vi.body.contains("<html lang=\"vi\">") && vi.body.contains("<h1>Đăng nhập</h1>"));
    let r = get(&s, "/ngon-ngu/en", None);
    assert_eq!(r.status, 303);
    let lang = r.cookie.expect("the language cookie");
    assert_eq!(lang, "sokenh_ngon_ngu=en");
    let en = get(&s, "/dang-nhap", Some(&lang));
    assert!(
        en.body.contains("<html lang=\"en\">") && en.body.contains("<h1>Sign in</h1>"),
        "{}",
        en.body
    );
    let session = login(&s, "congan", "demo-congan-2026");
    let both = format!("{session}; {lang}");
    let page = get(&s, "/tong-quan", Some(&both));
    assert!(page.body.contains(">Dashboard</a>") && page.body.contains(">Register</a>"));
    assert!(
        page.body.contains("<h2>Open alerts by category</h2>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(">Sign out</button>"));
    let register = get(&s, "/so-dang-ky", Some(&both));
    assert!(
        register.body.contains("<th>Platform</th>") && register.body.contains(">Filter</button>")
    );
    assert!(
        register.body.contains(">Export to Excel</a>"),
        "{}",
        register.body
    );
    // Back to Vietnamese.
    let back = get(&s, "/ngon-ngu/vi", Some(&both)).cookie.unwrap();
    let page = get(&s, "/tong-quan", Some(&format!("{session}; {back}")));
    assert!(page.body.contains(">Tổng quan</a>") && page.body.contains("<html lang=\"vi\">"));
}

#[test]
fn the_served_demo_has_posts_and_alerts_to_work_on() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let queue = get(&s, "/canh-bao", Some(&officer));
    assert_eq!(
        numbers_after(&queue.body, "name=\"alert\" value=\"").len(),
        8,
        "{}",
        queue.body
    );
    for category in [
        "Lừa đảo",
        "Lộ dữ liệu cá nhân",
        "Lộ bí mật, tài liệu nội bộ",
        "Đe dọa bạo lực",
    ] {
        assert!(
            queue
                .body
                .contains(&format!("<td class=\"nowrap\">{category}</td>")),
            "{category}"
        );
    }
    // Every post went to a page the register already had.
    let communities: serde_json::Value =
        serde_json::from_str(&get(&s, "/api/v1/communities", Some(&officer)).body).unwrap();
    assert_eq!(communities.as_array().unwrap().len(), 38);
    let found = get(&s, "/tim-kiem?q=cho+phien", Some(&officer));
    assert!(found.body.contains("mã demo-11"), "{}", found.body);
}

#[test]
fn posts_the_cli_ingests_are_found_by_the_running_server() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let query = "/tim-kiem?q=cau+treo+ban+kieu";
    let before = get(&s, query, Some(&officer));
    assert_eq!(before.status, 200);
    assert!(!before.body.contains("tin-cau-treo"), "{}", before.body);
    // Another process stores and indexes posts while the server runs.
    let report = common::ingest_posts(
        tmp.path(),
        &[(
            "tin-cau-treo",
            "thachquang.cho",
            "2026-11-29T08:00:00+07:00",
            "Cầu treo bản Kiều sửa xong, mời bà con qua lại từ sáng mai",
        )],
    );
    assert_eq!(report["inserted"], 1, "{report}");
    // Within the server's catch-up interval the post is found, with no restart.
    let deadline =
        std::time::Instant::now() + web::SEARCH_CATCH_UP + std::time::Duration::from_secs(5);
    loop {
        let page = get(&s, query, Some(&officer));
        if page.body.contains("mã tin-cau-treo") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not found after the catch-up interval: {}",
            page.body
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// A file as the browser gets it: status, content type, bytes.
fn fetch(s: &Server, path: &str, cookie: &str) -> (u16, String, Vec<u8>) {
    let mut r = agent()
        .get(format!("{}{path}", s.base))
        .header("Cookie", cookie)
        .call()
        .unwrap();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.body_mut().as_reader(), &mut bytes).unwrap();
    (r.status().as_u16(), kind, bytes)
}

/// The report in the browser: the period's figures, the three files (each recorded in the audit
/// log with the chain's anchor), the leader's approval and who may give it, and the same file
/// through the API.
#[test]
fn the_report_is_made_downloaded_and_approved_in_the_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let leader = login(&s, "thuongvu", "demo-thuongvu-2026");
    let page = get(&s, "/bao-cao?ky=2026-11", Some(&leader));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("Tháng 11 năm 2026 (01/11/2026 – 30/11/2026)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Chưa có báo cáo nào."));
    // Approving before any report was made is refused with the reason.
    let early = post(
        &s,
        "/bao-cao/duyet",
        Some(&leader),
        &[("csrf", &csrf(&page.body)), ("ky", "2026-11")],
    );
    assert!(
        early
            .body
            .contains("Chưa có báo cáo tháng 11 năm 2026 nào được lập"),
        "{}",
        early.body
    );

    let (status, kind, docx) = fetch(&s, "/bao-cao/tai/2026-11.docx", &leader);
    assert_eq!(status, 200);
    assert!(kind.contains("wordprocessingml"), "{kind}");
    assert_eq!(&docx[..2], b"PK");
    let (status, kind, xlsx) = fetch(&s, "/bao-cao/tai/2026-11.xlsx", &leader);
    assert_eq!((status, &xlsx[..2]), (200, b"PK".as_slice()));
    assert!(kind.contains("spreadsheetml"), "{kind}");
    // PDF where LibreOffice is installed (`.ci/run` installs it), else 503 saying why.
    let (status, _, pdf) = fetch(&s, "/bao-cao/tai/2026-11.pdf", &leader);
    match status {
        200 => assert_eq!(&pdf[..4], b"%PDF"),
        503 => assert!(String::from_utf8_lossy(&pdf).contains("LibreOffice")),
        other => panic!("PDF: {other}"),
    }
    assert_eq!(fetch(&s, "/bao-cao/tai/2026-13.docx", &leader).0, 422);
    assert_eq!(fetch(&s, "/bao-cao/tai/2026-11.txt", &leader).0, 422);
    assert_eq!(fetch(&s, "/bao-cao/tai/2026-11", &leader).0, 422);

    // An officer may make it, not approve it.
    let officer = login(&s, "congan", "demo-congan-2026");
    assert_eq!(fetch(&s, "/api/v1/reports/2026-11.xlsx", &officer).0, 200);
    let page = get(&s, "/bao-cao?ky=2026-11", Some(&officer));
    assert!(
        !page.body.contains("/bao-cao/duyet"),
        "no approval form for an officer"
    );
    let refused = post(
        &s,
        "/bao-cao/duyet",
        Some(&officer),
        &[("csrf", &csrf(&page.body)), ("ky", "2026-11")],
    );
    assert_eq!(refused.status, 403);
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    assert_eq!(fetch(&s, "/bao-cao/tai/2026-11.docx", &member).0, 403);

    // Asked of the servers' jobs: listed as queued, made by the job, then downloaded from the
    // list of reports made — by whoever reads reports, not by a member.
    let page = get(&s, "/bao-cao?ky=2026-11", Some(&officer));
    let asked = post(
        &s,
        "/bao-cao/lap",
        Some(&officer),
        &[
            ("csrf", &csrf(&page.body)),
            ("ky", "2026-Q4"),
            ("dinh_dang", "xlsx"),
        ],
    );
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(
        asked
            .body
            .contains("Đã xếp việc lập báo cáo quý IV năm 2026 (xlsx)")
            && asked.body.contains("<code>2026-Q4.xlsx</code>"),
        "{}",
        asked.body
    );
    let bad = post(
        &s,
        "/bao-cao/lap",
        Some(&officer),
        &[
            ("csrf", &csrf(&page.body)),
            ("ky", "2026-11"),
            ("dinh_dang", "txt"),
        ],
    );
    assert_eq!(bad.status, 422);
    let jobs = app::App::open(tmp.path(), None).unwrap();
    let worker = app::Actor {
        name: "sokenh:lịch".into(),
        ..app::Actor::cli()
    };
    let mut made = Vec::new();
    while let Some(run) = jobs
        .run_next_job(&worker, "test", chrono::Utc::now())
        .unwrap()
    {
        if run.kind == app::jobs::REPORT_MAKE {
            made.push((run.key.split('@').next().unwrap().to_owned(), run.error));
        }
    }
    assert!(
        made.contains(&("2026-Q4.xlsx".to_owned(), None)),
        "{made:?}"
    );
    let page = get(&s, "/bao-cao?ky=2026-11", Some(&officer));
    let link = page
        .body
        .split("href=\"/bao-cao/tep/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{}", page.body))
        .to_owned();
    assert!(page.body.contains("(cho congan)"), "{}", page.body);
    let (status, kind, kept) = fetch(&s, &format!("/bao-cao/tep/{link}"), &officer);
    assert_eq!((status, &kept[..2]), (200, b"PK".as_slice()));
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert_eq!(fetch(&s, &format!("/bao-cao/tep/{link}"), &member).0, 403);
    let member_page = get(&s, "/ke-khai", Some(&member));
    let refused = post(
        &s,
        "/bao-cao/lap",
        Some(&member),
        &[
            ("csrf", &csrf(&member_page.body)),
            ("ky", "2026-11"),
            ("dinh_dang", "docx"),
        ],
    );
    assert_eq!(refused.status, 403, "a member asks for no report");
    assert_eq!(
        fetch(&s, &format!("/bao-cao/tep/{}", "0".repeat(64)), &officer).0,
        404
    );
    assert_eq!(fetch(&s, "/bao-cao/tep/..", &officer).0, 404);

    let page = get(&s, "/bao-cao?ky=2026-11", Some(&leader));
    let approved = post(
        &s,
        "/bao-cao/duyet",
        Some(&leader),
        &[("csrf", &csrf(&page.body)), ("ky", "2026-11")],
    );
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert!(
        approved.body.contains("Đã duyệt báo cáo tháng 11 năm 2026"),
        "{}",
        approved.body
    );

    // In the audit log: three or four exports (the PDF only where it was made) and the approval,
    // each with the chain's anchor; the chain verifies.
    drop(s);
    let data = tmp.path();
    let v = json(&sokenh(data, &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
    let store_events = {
        let mut store = app::db::open(data, None).unwrap();
        store.audit_events().unwrap()
    };
    // (The jobs' own: the one asked above, and the month's on the first days of a month.)
    let (by_jobs, exports): (Vec<&domain::AuditEvent>, Vec<&domain::AuditEvent>) = store_events
        .iter()
        .filter(|e| e.action == "report.export")
        .partition(|e| e.actor == "sokenh:lịch-báo-cáo");
    assert!(
        by_jobs
            .iter()
            .any(|e| e.details.contains(r#""asked_by":"congan""#)
                && e.details.contains(r#""period":"2026-Q4""#)),
        "{by_jobs:?}"
    );
    assert_eq!(exports.len(), if status == 200 { 4 } else { 3 });
    for e in &exports {
        let d: serde_json::Value = serde_json::from_str(&e.details).unwrap();
        assert_eq!(d["period"], "2026-11");
        assert!(d["audit_events"].as_u64().unwrap() > 0);
        assert_eq!(d["audit_head"].as_str().unwrap().len(), 64);
    }
    let approvals: Vec<&str> = store_events
        .iter()
        .filter(|e| e.action == "report.approve")
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(approvals, ["thuongvu"]);
}

/// The queue fit for triage: each row opens with the post's first words (a phone number in them
/// masked), its page and platform; a long queue comes a hundred to a page.
#[test]
fn the_alert_queue_shows_each_posts_opening_words_a_page_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    let groups: Vec<String> = (0..130).map(|i| format!("nhom{i}.thachquang")).collect();
    let texts: Vec<String> = (0..130)
        .map(|i| {
            format!("Tuyển cộng tác viên việc nhẹ lương cao đợt {i}, làm nhiệm vụ nhận hoa hồng ngay, gọi 0912 345 678")
        })
        .collect();
    let posts: Vec<(String, &str, String, &str)> = (0..130)
        .map(|i| {
            (
                format!("job-{i}"),
                groups[i].as_str(),
                format!("2026-11-{:02}T08:00:00+07:00", 1 + i % 28),
                texts[i].as_str(),
            )
        })
        .collect();
    let refs: Vec<common::Post<'_>> = posts
        .iter()
        .map(|(id, g, at, t)| (id.as_str(), *g, at.as_str(), *t))
        .collect();
    common::ingest_posts(tmp.path(), &refs);

    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let first = get(&s, "/canh-bao", Some(&officer)).body;
    let count: usize = first
        .split(" cảnh báo")
        .find_map(|head| head.rsplit('>').next()?.trim().parse().ok())
        .expect("the queue says how many");
    assert!(
        count > 100,
        "{count} alerts: the posts were meant to raise more than a page"
    );
    assert!(first.contains("trang 1/2"), "{first}");
    assert_eq!(first.matches("name=\"alert\"").count(), 100);
    assert!(
        first.contains("Tuyển cộng tác viên việc nhẹ lương cao đợt"),
        "opening words"
    );
    assert!(first.contains("gọi 09***78"), "the phone number masked");
    assert!(!first.contains("0912 345 678"), "never in full");
    assert!(first.contains("https://facebook.com/groups/nhom") && first.contains(" · Facebook · "));
    let second = get(
        &s,
        "/canh-bao?category=&status=open&trang=2",
        Some(&officer),
    )
    .body;
    assert!(second.contains("trang 2/2"));
    assert_eq!(second.matches("name=\"alert\"").count(), count - 100);
}

#[test]
fn impostors_are_reviewed_side_by_side_marked_and_cleared() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let list = |s: &Server| -> Vec<serde_json::Value> {
        let r = get(s, "/api/v1/impersonation", Some(&officer));
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    };
    let findings = list(&s);
    assert!(findings.len() >= 2, "{findings:?}");
    for f in &findings {
        assert!(f["score"].as_f64().unwrap() >= 0.6, "{f}");
        assert!(!f["reasons"].as_array().unwrap().is_empty(), "{f}");
        assert_ne!(f["candidate"]["id"], f["official"]["id"]);
    }
    let first = findings[0]["candidate"]["id"].as_i64().unwrap();

    // "Not an impostor" needs a reason; with one, the page leaves the review.
    let refused = post_json(
        &s,
        "/api/v1/impersonation/decisions",
        &officer,
        &serde_json::json!({"candidate_id": first, "decision": "not_impostor", "reason": " "}),
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    let bad = post_json(
        &s,
        "/api/v1/impersonation/decisions",
        &officer,
        &serde_json::json!({"candidate_id": first, "decision": "maybe"}),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    let cleared = post_json(
        &s,
        "/api/v1/impersonation/decisions",
        &officer,
        &serde_json::json!({"candidate_id": first, "decision": "not_impostor", "reason": "Trang của hội cựu học sinh, không mạo danh"}),
    );
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    let after = list(&s);
    assert!(
        after.iter().all(|f| f["candidate"]["id"] != first),
        "{after:?}"
    );
    assert_eq!(
        after.len(),
        findings
            .iter()
            .filter(|f| f["candidate"]["id"] != first)
            .count()
    );

    // From the review page: an impostor marked and a case opened with the finding as evidence.
    let page = get(&s, "/gia-mao", Some(&officer));
    assert_eq!(page.status, 200);
    let second = after[0]["candidate"]["id"].as_i64().unwrap();
    assert!(
        page.body
            .contains(after[0]["candidate"]["name"].as_str().unwrap())
    );
    assert!(
        page.body
            .contains(after[0]["official"]["name"].as_str().unwrap())
    );
    let done = post(
        &s,
        "/gia-mao/quyet-dinh",
        Some(&officer),
        &[
            ("csrf", &csrf(&page.body)),
            ("candidate_id", &second.to_string()),
            ("decision", "impostor_case"),
            ("reason", "Dùng tên và ảnh của trang UBND xã"),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let case = done.location.clone();
    assert!(case.starts_with("/ho-so/"), "{case}");
    let case_page = get(&s, &case, Some(&officer));
    assert!(
        case_page
            .body
            .contains(&format!("phat-hien-gia-mao-{second}.json")),
        "{}",
        case_page.body
    );
    let communities: Vec<serde_json::Value> =
        serde_json::from_str(&get(&s, "/api/v1/communities", Some(&officer)).body).unwrap();
    let marked = communities.iter().find(|c| c["id"] == second).unwrap();
    assert_eq!(marked["status"], "impersonating");

    // An analyst sees no review; a member neither.
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    assert_eq!(get(&s, "/gia-mao", Some(&analyst)).status, 403);
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    let refused = post_json(
        &s,
        "/api/v1/impersonation/decisions",
        &member,
        &serde_json::json!({"candidate_id": second, "decision": "not_impostor", "reason": "x"}),
    );
    assert_eq!(refused.status, 403);
}

/// A PNG that declares `side` × `side` pixels in a file of a few dozen bytes: its header is
/// valid (CRCs right), its picture data nothing.
fn png_bomb(side: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        c.extend_from_slice(&body);
        c.extend_from_slice(&crc32(&body).to_be_bytes());
        c
    };
    let mut ihdr = side.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn avatars_are_uploaded_for_the_review_and_bad_pictures_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let findings: Vec<serde_json::Value> =
        serde_json::from_str(&get(&s, "/api/v1/impersonation", Some(&officer)).body).unwrap();
    let f = &findings[0];
    assert!(f["avatar_distance"].is_null(), "{f}");
    let (candidate, official) = (f["candidate"]["id"].clone(), f["official"]["id"].clone());
    let page = get(&s, "/gia-mao", Some(&officer));
    let token = csrf(&page.body);
    assert!(page.body.contains("multipart/form-data"));
    let fixture = |p: &str| {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../media/tests/fixtures/pdqhash")
                .join(p),
        )
        .unwrap()
    };
    let to = |id: &serde_json::Value| format!("/gia-mao/anh-dai-dien/{id}");

    // A picture bomb (100,000 px a side in 70 bytes) and a file that lies about its type are
    // refused, saying why; nothing is recorded.
    let bomb = upload_to(
        &s,
        &to(&candidate),
        &officer,
        &token,
        "a.png",
        &png_bomb(100_000),
    );
    assert_eq!(bomb.status, 422, "{}", bomb.body);
    assert!(bomb.body.contains("8000"), "{}", bomb.body);
    let liar = upload_to(
        &s,
        &to(&candidate),
        &officer,
        &token,
        "a.png",
        b"<html>not a picture</html>",
    );
    assert_eq!(liar.status, 422, "{}", liar.body);
    assert!(liar.body.contains("không phải ảnh"), "{}", liar.body);
    let unknown = upload_to(
        &s,
        "/gia-mao/anh-dai-dien/999999",
        &officer,
        &token,
        "a.png",
        &fixture("base.png"),
    );
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    // The same picture, resized, for both pages: the review shows how close they are.
    let one = upload_to(
        &s,
        &to(&official),
        &officer,
        &token,
        "a.png",
        &fixture("base.png"),
    );
    assert_eq!(one.status, 200, "{}", one.body);
    assert!(one.body.contains("Đã ghi ảnh đại diện"), "{}", one.body);
    // The candidate's avatar from a picture; the finding about the pair afterwards.
    let candidate_avatar = |name: &str, picture: &str| -> serde_json::Value {
        let set = upload_to(
            &s,
            &to(&candidate),
            &officer,
            &token,
            name,
            &fixture(picture),
        );
        assert_eq!(set.status, 200, "{}", set.body);
        let after: Vec<serde_json::Value> =
            serde_json::from_str(&get(&s, "/api/v1/impersonation", Some(&officer)).body).unwrap();
        after
            .into_iter()
            .find(|g| g["candidate"]["id"] == candidate && g["official"]["id"] == official)
            .unwrap_or_else(|| panic!("no finding about the pair"))
    };
    let pair = candidate_avatar("b.png", "resized-200.png");
    let distance = pair["avatar_distance"].as_u64().unwrap();
    assert!(distance <= 31, "{pair}");
    assert!(
        get(&s, "/gia-mao", Some(&officer))
            .body
            .contains(&format!("{distance} / 256")),
    );
    // The candidate's avatar mirrored: still the official's picture, said so in the reasons.
    let pair = candidate_avatar("c.png", "flipped.png");
    assert!(pair["avatar_distance"].as_u64().unwrap() <= 31, "{pair}");
    assert!(
        pair["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("đã lật trái – phải")),
        "{pair}"
    );

    // Only those who triage may; the picture never reaches the evidence store.
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    let refused = upload_to(
        &s,
        &to(&candidate),
        &analyst,
        &token,
        "a.png",
        &fixture("base.png"),
    );
    assert_eq!(refused.status, 403);
    assert!(!tmp.path().join("evidence").exists());
}

#[test]
fn pictures_are_checked_against_avatars_provenance_and_their_text() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let fixture = |p: &str| {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../media/tests/fixtures")
                .join(p),
        )
        .unwrap()
    };
    // An official page's avatar is recorded from a picture.
    let findings: Vec<serde_json::Value> =
        serde_json::from_str(&get(&s, "/api/v1/impersonation", Some(&officer)).body).unwrap();
    let official = &findings[0]["official"];
    let token = csrf(&get(&s, "/gia-mao", Some(&officer)).body);
    let recorded = upload_to(
        &s,
        &format!("/gia-mao/anh-dai-dien/{}", official["id"]),
        &officer,
        &token,
        "a.png",
        &fixture("pdqhash/base.png"),
    );
    assert_eq!(recorded.status, 200, "{}", recorded.body);

    // The same picture once carried a claim the fact-check register corrects.
    let base = fixture("pdqhash/base.png");
    let fc = domain::FactCheck {
        id: "fc-anh-1".into(),
        claim: "Ảnh xe cứu thương chở tiền hỗ trợ".into(),
        verdict: domain::Verdict::False,
        correction: "Ảnh cũ, không liên quan".into(),
        source_url: "https://kiemchung.example/1".into(),
        date: None,
        variants: vec![],
        media_hashes: vec![media::pdq_of(&media::decode(&base).unwrap()).hash.to_hex()],
    };
    app::db::open(tmp.path(), None)
        .unwrap()
        .import_factchecks("test", "anh.csv", &[fc])
        .unwrap();

    // Its 200-px copy is recognised as that page's avatar and the claim's picture, with the
    // distances.
    let form = get(&s, "/kiem-tra-anh", Some(&officer));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("multipart/form-data"));
    let token = csrf(&form.body);
    let check = |cookie: &str, name: &str, bytes: &[u8]| {
        upload_to(&s, "/kiem-tra-anh", cookie, &token, name, bytes)
    };
    let copy = check(&officer, "copy.png", &fixture("pdqhash/resized-200.png"));
    assert_eq!(copy.status, 200, "{}", copy.body);
    let at = copy.body.find(" / 256 bit").expect("a distance");
    let distance: u32 = copy.body[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(distance <= 31, "{distance}");
    let name = official["name"].as_str().unwrap();
    assert!(copy.body.contains(name), "{name} in {}", copy.body);
    assert!(
        copy.body.contains("«Ảnh xe cứu thương chở tiền hỗ trợ»"),
        "{}",
        copy.body
    );
    assert!(copy.body.contains("Ảnh cũ, không liên quan"));
    assert!(!copy.body.contains("(ảnh "), "not turned: {}", copy.body);
    // A mirrored copy is the same avatar and the same claim's picture, said turned.
    let mirrored = check(&officer, "lat.png", &fixture("pdqhash/flipped.png"));
    assert_eq!(mirrored.status, 200, "{}", mirrored.body);
    assert!(mirrored.body.contains(name), "{}", mirrored.body);
    assert!(
        mirrored.body.contains("(ảnh lật trái – phải)"),
        "{}",
        mirrored.body
    );
    assert!(mirrored.body.contains("Ảnh xe cứu thương chở tiền hỗ trợ"));

    // What the file says of its making, as media::provenance reads it.
    let generated = fixture("provenance/png-sd-parameters.png");
    let said = media::provenance::inspect(&generated).unwrap();
    assert_eq!(said.verdict, "ai_metadata");
    let shown = check(&officer, "sd.png", &generated);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.body.contains(
            &said
                .summary
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        ),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Không trang nào trong sổ"));
    assert!(shown.body.contains("Không mục kiểm chứng nào"));

    // The text of a scam poster is read and screened (where OCR is built in).
    let poster = check(&officer, "poster.png", &fixture("ocr/scam-poster.png"));
    assert_eq!(poster.status, 200, "{}", poster.body);
    if cfg!(feature = "ocr") {
        assert!(
            poster.body.contains("THÔNG BÁO TRÚNG THƯỞNG"),
            "{}",
            poster.body
        );
        assert!(poster.body.contains("Lừa đảo"), "{}", poster.body);
        // The poster's account and phone numbers are personal data: shown masked only.
        assert!(poster.body.contains("01***89"), "{}", poster.body);
        assert!(!poster.body.contains("0123456789"), "{}", poster.body);
        assert!(!poster.body.contains("345 678"), "{}", poster.body);
    } else {
        assert!(poster.body.contains("không có OCR"), "{}", poster.body);
    }

    // What is not a picture, and a picture bomb, are refused saying why.
    let liar = check(&officer, "a.png", b"<html>not a picture</html>");
    assert_eq!(liar.status, 422, "{}", liar.body);
    assert!(liar.body.contains("không phải ảnh"), "{}", liar.body);
    let bomb = check(&officer, "b.png", &png_bomb(100_000));
    assert_eq!(bomb.status, 422, "{}", bomb.body);
    assert!(bomb.body.contains("8000"), "{}", bomb.body);

    // Analysts check pictures too; a leader does not.
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    assert_eq!(get(&s, "/kiem-tra-anh", Some(&analyst)).status, 200);
    let leader = login(&s, "thuongvu", "demo-thuongvu-2026");
    assert_eq!(
        check(&leader, "copy.png", &fixture("pdqhash/resized-200.png")).status,
        403
    );

    // Each check that was made is audited with the picture's SHA-256; no picture is kept.
    drop(s);
    let events = app::db::open(tmp.path(), None)
        .unwrap()
        .audit_events()
        .unwrap();
    let checks: Vec<&domain::AuditEvent> = events
        .iter()
        .filter(|e| e.action == "media.check")
        .collect();
    assert_eq!(checks.len(), 4);
    assert!(
        checks[2].details.contains(&said.sha256),
        "{}",
        checks[2].details
    );
    assert!(!tmp.path().join("evidence").exists());
}

/// The count the alert queue shows above its table ("N cảnh báo").
fn queue_count(body: &str) -> usize {
    let marker = " cảnh báo";
    let end = body
        .match_indices(marker)
        .map(|(k, _)| k)
        .find(|k| body[..*k].ends_with(|c: char| c.is_ascii_digit()))
        .expect("a count");
    let start = body[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |k| k + 1);
    body[start..end].parse().unwrap()
}

#[test]
fn the_alert_queue_is_filtered_by_page_and_by_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    // What the store says: each alert's pages, each page's unit, the units' tree.
    let (pages, communities, units) = {
        let mut store = app::db::open(tmp.path(), None).unwrap();
        (
            store.alert_pages(0).unwrap(),
            store.communities().unwrap(),
            store.units().unwrap(),
        )
    };
    let all = queue_count(&get(&s, "/canh-bao?status=all", Some(&officer)).body);
    let alerts_on = |set: &dyn Fn(i64) -> bool| {
        let mut ids: Vec<i64> = pages
            .iter()
            .filter(|(_, c)| set(c.0))
            .map(|(a, _)| *a)
            .collect();
        ids.dedup();
        ids.len()
    };

    // The page with the most alerts: its link in the queue filters the queue to it.
    let mut busiest = communities
        .iter()
        .map(|c| (alerts_on(&|p| p == c.id.0), c.id.0, c.name.clone()))
        .collect::<Vec<_>>();
    busiest.sort();
    let (expected, page, name) = busiest.pop().unwrap();
    assert!(expected > 0 && expected < all, "{expected} of {all}");
    let queue = get(&s, "/canh-bao?status=all", Some(&officer));
    assert!(
        queue.body.contains(&format!("kenh={page}\"")),
        "{}",
        queue.body
    );
    let one = get(
        &s,
        &format!("/canh-bao?status=all&kenh={page}"),
        Some(&officer),
    );
    assert_eq!(one.status, 200);
    assert_eq!(queue_count(&one.body), expected);
    assert!(one.body.contains(&format!("«{name}»")), "{}", one.body);

    // A unit: the alerts on its pages and on the pages of the units under it.
    let root = units.iter().find(|u| u.parent.is_none()).unwrap();
    let child = units.iter().find(|u| u.parent == Some(root.id)).unwrap();
    let names = app::register::subtree(&units, child.id);
    let in_unit: std::collections::HashSet<i64> = communities
        .iter()
        .filter(|c| c.unit.as_ref().is_some_and(|n| names.contains(n)))
        .map(|c| c.id.0)
        .collect();
    let expected = alerts_on(&|p| in_unit.contains(&p));
    let by_unit = get(
        &s,
        &format!("/canh-bao?status=all&don-vi={}", child.id.0),
        Some(&officer),
    );
    assert_eq!(queue_count(&by_unit.body), expected, "{}", child.name);
    let everything = get(
        &s,
        &format!("/canh-bao?status=all&don-vi={}", root.id.0),
        Some(&officer),
    );
    let under_root = app::register::subtree(&units, root.id);
    let rooted: std::collections::HashSet<i64> = communities
        .iter()
        .filter(|c| c.unit.as_ref().is_some_and(|n| under_root.contains(n)))
        .map(|c| c.id.0)
        .collect();
    assert_eq!(
        queue_count(&everything.body),
        alerts_on(&|p| rooted.contains(&p))
    );
    // Empty filters filter nothing.
    assert_eq!(
        queue_count(&get(&s, "/canh-bao?status=all&don-vi=&kenh=", Some(&officer)).body),
        all
    );
}

#[test]
fn a_post_seen_on_facebook_is_captured_screened_and_taken_into_a_case() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let poster = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../media/tests/fixtures/ocr/scam-poster.png"),
    )
    .unwrap();
    let form = get(&s, "/ghi-nhan", Some(&officer));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("multipart/form-data"), "{}", form.body);
    let token = csrf(&form.body);
    let send = |cookie: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]| {
        raw_post(
            &s,
            "/ghi-nhan",
            cookie,
            "multipart/form-data; boundary=XyZ",
            &multipart(fields, files),
        )
    };
    let link = "https://m.facebook.com/groups/chotroi.thachquang/posts/5550001/?mibextid=x";
    let text = "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay";
    let first = send(
        &officer,
        &[("csrf", &token), ("url", link), ("text", text)],
        &[("screenshot", "poster.png", &poster)],
    );
    assert_eq!(first.status, 200, "{}", first.body);
    let b = &first.body;
    assert!(b.contains("Đã lưu bài đăng mã"), "{b}");
    assert!(
        b.contains("đã thêm với trạng thái chưa rõ"),
        "a new page: {b}"
    );
    assert!(b.contains("Lừa đảo"), "the scam signal: {b}");
    assert!(b.contains("<mark>"), "its evidence marked: {b}");
    let sha = app::evidence::sha256(&poster);
    assert!(b.contains(&sha), "the screenshot kept by its SHA-256: {b}");
    assert!(
        tmp.path()
            .join("evidence")
            .join(&sha[..2])
            .join(&sha)
            .exists(),
        "the screenshot's file"
    );
    if cfg!(feature = "ocr") {
        assert!(b.contains("TRÚNG THƯỞNG"), "OCR: {b}");
        assert!(b.contains("đã đọc chữ trong ảnh"), "{b}");
        // The poster's account number is personal data: shown masked only.
        assert!(b.contains("0123***6789"), "{b}");
        assert!(!b.contains("0123456789"), "{b}");
    } else {
        assert!(b.contains("không có OCR"), "{b}");
    }
    let id_of = |body: &str, after: &str| -> i64 {
        let at = body
            .find(after)
            .unwrap_or_else(|| panic!("{after} in {body}"))
            + after.len();
        body[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let item = id_of(b, "Đã lưu bài đăng mã ");
    let alert = id_of(b, "href=\"/canh-bao/");

    // The same post through another of its links is the same post; a screenshot taken later
    // joins the post's others.
    let later = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../media/tests/fixtures/pdqhash/resized-200.png"),
    )
    .unwrap();
    let again = send(
        &officer,
        &[
            ("csrf", &token),
            (
                "url",
                "facebook.com/groups/chotroi.thachquang/permalink/5550001",
            ),
            ("text", text),
        ],
        &[("screenshot", "sau.png", &later)],
    );
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(id_of(&again.body, "đã được ghi nhận trước đó (mã "), item);
    let later_sha = app::evidence::sha256(&later);
    assert!(again.body.contains(&later_sha), "{}", again.body);

    // Its alert into a new case: both screenshots come with it as evidence.
    let opened = post(
        &s,
        "/canh-bao/ho-so",
        Some(&officer),
        &[("csrf", &token), ("alert", &alert.to_string())],
    );
    assert_eq!(opened.status, 303, "{}", opened.body);
    let case = get(&s, &opened.location, Some(&officer));
    assert!(case.body.contains(&sha), "{}", case.body);
    assert!(case.body.contains("poster.png"), "{}", case.body);
    assert!(case.body.contains(&later_sha), "{}", case.body);
    assert!(case.body.contains("sau.png"), "{}", case.body);

    // Refused, saying why, keeping what was typed: a video link that names no channel, nothing
    // to screen, a file that is not a picture; a bad token; a role that may not.
    let video = send(
        &officer,
        &[
            ("csrf", &token),
            ("url", "https://youtu.be/dQw4w9WgXcQ"),
            ("text", "Nội dung"),
        ],
        &[],
    );
    assert_eq!(video.status, 422, "{}", video.body);
    assert!(
        video
            .body
            .contains("hãy dán thêm đường dẫn của trang, kênh")
    );
    assert!(
        video.body.contains("youtu.be/dQw4w9WgXcQ"),
        "kept: {}",
        video.body
    );
    let empty = send(&officer, &[("csrf", &token), ("url", link)], &[]);
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.body.contains("Cần dán nội dung"), "{}", empty.body);
    let liar = send(
        &officer,
        &[("csrf", &token), ("url", link)],
        &[("screenshot", "a.png", b"<html>not a picture</html>")],
    );
    assert_eq!(liar.status, 422, "{}", liar.body);
    assert!(liar.body.contains("không phải ảnh"), "{}", liar.body);
    let bomb = send(
        &officer,
        &[("csrf", &token), ("url", link)],
        &[("screenshot", "b.png", &png_bomb(100_000))],
    );
    assert_eq!(bomb.status, 422, "{}", bomb.body);
    assert_eq!(
        send(
            &officer,
            &[("csrf", "0"), ("url", link), ("text", text)],
            &[]
        )
        .status,
        403
    );
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    assert_eq!(get(&s, "/ghi-nhan", Some(&analyst)).status, 403);
    assert_eq!(
        send(
            &analyst,
            &[("csrf", &token), ("url", link), ("text", text)],
            &[]
        )
        .status,
        403
    );

    // A unit administrator captures on its unit's pages, not on others nor on new ones.
    let chibo = login(&s, "chibo.dongtam", "demo-chibo.dongtam-2026");
    let own: serde_json::Value =
        serde_json::from_str(&get(&s, "/api/v1/communities", Some(&chibo)).body).unwrap();
    let own_url = own
        .as_array()
        .unwrap()
        .iter()
        .find_map(|c| {
            c["url"]
                .as_str()
                .filter(|u| u.starts_with("https://facebook.com/"))
        })
        .unwrap()
        .to_owned();
    let chibo_token = csrf(&get(&s, "/ghi-nhan", Some(&chibo)).body);
    let mine = send(
        &chibo,
        &[
            ("csrf", &chibo_token),
            ("url", &format!("{own_url}/posts/42")),
            ("text", "Thông báo họp chi bộ tối nay"),
        ],
        &[],
    );
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(
        mine.body.contains("Không phát hiện dấu hiệu nào"),
        "{}",
        mine.body
    );
    let other = send(
        &chibo,
        &[("csrf", &chibo_token), ("url", link), ("text", text)],
        &[],
    );
    assert_eq!(other.status, 403, "{}", other.body);

    // The API: 201 with the post's signals and evidence, 200 and the same post the second time.
    let api = |cookie: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]| {
        let r = raw_post(
            &s,
            "/api/v1/captures",
            cookie,
            "multipart/form-data; boundary=XyZ",
            &multipart(fields, files),
        );
        (
            r.status,
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap_or_default(),
        )
    };
    let tele = [
        ("csrf", token.as_str()),
        ("url", "https://t.me/s/ChoTroiTQ/812"),
        ("text", text),
    ];
    let (status, made) = api(&officer, &tele, &[("screenshot", "p.png", &poster)]);
    assert_eq!(status, 201, "{made}");
    assert!(made["item_id"].as_i64().unwrap() > item);
    assert!(made["community_id"].as_i64().is_some());
    assert_eq!(made["signals"][0]["category"], "scam", "{made}");
    assert!(made["signals"][0]["explanation"].as_str().is_some());
    assert_eq!(made["evidence"], serde_json::json!([{"sha256": sha}]));
    let (status, same) = api(&officer, &tele, &[]);
    assert_eq!((status, &same["item_id"]), (200, &made["item_id"]));
    assert_eq!(api(&analyst, &tele, &[]).0, 403);
    // With the session's cookie, not without its token (a form posted from another site).
    assert_eq!(api(&officer, &tele[1..], &[]).0, 403);
    let openapi = get(&s, "/api/v1/openapi.json", Some(&officer)).body;
    assert!(openapi.contains("/api/v1/captures"));
}

/// An export file uploaded through the browser is read as a job: its page (asked again until
/// done) ends with the same counts `sokenh ingest --json` gives for the same file on the same
/// register, and the rejected lines listed.
#[test]
fn an_export_file_is_read_as_a_job_with_the_cli_s_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let mut lines: Vec<String> = (0..1500)
        .map(|k| {
            serde_json::json!({
                "id": format!("tl-{k}"),
                "community_url": format!("https://www.facebook.com/groups/taile{}", k % 7),
                "platform": "facebook",
                "published_at": format!("2026-11-{:02}T08:00:00+07:00", 1 + k % 28),
                "text": if k % 50 == 0 { "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay".to_owned() } else { format!("Chợ phiên Thạch Quảng, bài số {k}") },
            })
            .to_string()
        })
        .collect();
    lines.insert(10, "{not json".into());
    lines.insert(
        700,
        r#"{"id": "x", "text": "thiếu trang và thời gian"}"#.into(),
    );
    let file = lines.join("\n");

    let form = get(&s, "/tai-len", Some(&officer));
    assert_eq!(form.status, 200);
    let token = csrf(&form.body);
    let sent = upload_to(
        &s,
        "/tai-len",
        &officer,
        &token,
        "bai-dang.jsonl",
        file.as_bytes(),
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert!(sent.location.starts_with("/tai-len/"), "{}", sent.location);
    let mut page = get(&s, &sent.location, Some(&officer));
    for _ in 0..600 {
        if page.body.contains("hoàn tất") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        page = get(&s, &sent.location, Some(&officer));
    }
    let b = &page.body;
    assert!(b.contains("hoàn tất"), "{b}");
    let row = |label: &str| -> u64 {
        let at = b
            .find(&format!("<th>{label}</th><td>"))
            .unwrap_or_else(|| panic!("{label}: {b}"))
            + label.len()
            + 13;
        b[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };

    // The CLI on the same register (a fresh demo) and the same file.
    let other = tempfile::tempdir().unwrap();
    json(&sokenh(other.path(), &["demo", "--no-serve", "--json"]));
    let path = other.path().join("bai-dang.jsonl");
    std::fs::write(&path, &file).unwrap();
    let cli = json(&sokenh(
        other.path(),
        &["ingest", path.to_str().unwrap(), "--json"],
    ));
    assert_eq!(cli["inserted"], 1500, "{cli}");
    for (label, key) in [
        ("Đã đọc", "read"),
        ("Bài mới đã lưu", "inserted"),
        ("Trùng (đã có)", "duplicates"),
        ("Dòng bị từ chối", "rejected_total"),
        ("Trang mới vào sổ", "communities_created"),
        ("Đã lập chỉ mục", "indexed"),
        ("Dấu hiệu phát hiện", "signals"),
    ] {
        assert_eq!(row(label), cli[key].as_u64().unwrap(), "{label} ({key})");
    }
    for r in cli["rejected"].as_array().unwrap() {
        assert!(
            b.contains(&format!("<td class=\"nowrap\">{}</td>", r["line"])),
            "rejected line {} listed: {b}",
            r["line"]
        );
    }
    // The posts are there: searchable, the scams screened.
    let found = get(&s, "/tim-kiem?q=cho+phien+thach+quang", Some(&officer));
    assert!(found.body.contains("bài số"), "{}", found.body);

    // An administrator sees any job; a file that is no export is refused with why; an
    // analyst may not upload.
    let admin = login(&s, "quantri", "demo-quantri-2026");
    assert_eq!(get(&s, &sent.location, Some(&admin)).status, 200);
    let bad = upload_to(
        &s,
        "/tai-len",
        &officer,
        &token,
        "anh.png",
        b"\x89PNG\r\n\x1a\nxx",
    );
    assert_eq!(bad.status, 303);
    let mut page = get(&s, &bad.location, Some(&officer));
    for _ in 0..100 {
        if page.body.contains("không đọc được") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        page = get(&s, &bad.location, Some(&officer));
    }
    assert!(
        page.body.contains("không nhận ra định dạng"),
        "{}",
        page.body
    );
    let analyst = login(&s, "xaydungdang", "demo-xaydungdang-2026");
    assert_eq!(get(&s, "/tai-len", Some(&analyst)).status, 403);
    assert_eq!(get(&s, &sent.location, Some(&analyst)).status, 403);
    assert_eq!(
        upload_to(&s, "/tai-len", &analyst, &token, "a.jsonl", b"{}").status,
        403
    );

    // A file one byte over the 512 MB limit (streamed, as a browser sends it) is refused
    // saying the limit, and no job is made of it; the same form with a small file is taken.
    let small = upload_of_size(&s, "/tai-len", &officer, &token, "nho.jsonl", 1 << 20);
    assert_eq!(small.status, 303, "{}", small.body);
    let huge = upload_of_size(
        &s,
        "/tai-len",
        &officer,
        &token,
        "qua-lon.jsonl",
        (512 << 20) + 1,
    );
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert!(huge.body.contains("tối đa 512 MB"), "{}", huge.body);
    let listed = get(&s, "/tai-len", Some(&officer));
    assert!(listed.body.contains("bai-dang.jsonl"), "{}", listed.body);
    assert!(!listed.body.contains("qua-lon.jsonl"), "{}", listed.body);
}

/// A load balancer's questions need no account: alive, and ready (the database answers).
#[test]
fn liveness_and_readiness_answer_without_an_account() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let alive = get(&s, "/healthz", None);
    assert_eq!((alive.status, alive.body.as_str()), (200, "ok\n"));
    let ready = get(&s, "/readyz", None);
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready\n"));
}

/// HTTPS for a closed office network: a self-signed certificate made by `sokenh tls
/// self-signed`, served by `sokenh serve --tls-cert --tls-key`; a browser that trusts it gets the
/// pages, with secure cookies and HSTS; plain HTTP to the same port gets nothing.
#[test]
fn https_with_a_self_signed_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let certs = tmp.path().join("tls");
    let certs_arg = certs.to_str().unwrap();
    let args = [
        "tls",
        "self-signed",
        "--name",
        "localhost",
        "--name",
        "127.0.0.1",
        "--out",
        certs_arg,
    ];
    let made = sokenh(&data, &args);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("update-ca-certificates"));
    // Never over an existing key.
    let again = sokenh(&data, &args);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("không ghi đè"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(certs.join("key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    json(&sokenh(&data, &["demo", "--no-serve", "--json"]));
    let (cert, key) = (certs.join("cert.pem"), certs.join("key.pem"));
    let s = common::start_serving(
        &data,
        None,
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let port = s.base.rsplit(':').next().unwrap().to_owned();
    assert!(s.base.starts_with("https://"), "{}", s.base);
    let pem = std::fs::read(&cert).unwrap();
    let root = ureq::tls::Certificate::from_pem(&pem).unwrap();
    let trusting: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(vec![
                    root,
                ])))
                .build(),
        )
        .build()
        .into();
    let r = trusting
        .get(format!("https://localhost:{port}/dang-nhap"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers().get("strict-transport-security").unwrap(),
        "max-age=31536000"
    );
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // Plain HTTP to the HTTPS port: no page.
    let plain = agent()
        .get(format!("http://127.0.0.1:{port}/dang-nhap"))
        .call();
    assert!(plain.is_err(), "{plain:?}");
}

/// `/metrics` in the Prometheus text format, for an administrator's token only; counts, never a
/// path or a person.
#[test]
fn metrics_are_counts_for_an_administrator() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    let token = |role: &str| {
        let v = json(&sokenh(
            tmp.path(),
            &[
                "admin",
                "create-token",
                "--name",
                role,
                "--role",
                role,
                "--json",
            ],
        ));
        v["token"].as_str().unwrap().to_owned()
    };
    let (admin, officer) = (token("admin"), token("officer"));
    let s = start(tmp.path());
    for _ in 0..3 {
        assert_eq!(get(&s, "/healthz", None).status, 200);
    }
    assert_eq!(get(&s, "/khong-co-trang-nay", None).status, 404);
    let ask = |token: Option<&str>| {
        let mut req = agent().get(format!("{}/metrics", s.base));
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        reply(req.call().unwrap())
    };
    assert_eq!(ask(None).status, 401);
    assert_eq!(ask(Some(&officer)).status, 403);
    let m = ask(Some(&admin));
    assert_eq!(m.status, 200, "{}", m.body);
    let value = |name: &str| -> f64 {
        m.body
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name}: {}", m.body))
            .parse()
            .unwrap()
    };
    // The three health checks, and the earlier refusals of /metrics itself.
    assert!(value("sokenh_http_requests_total{kind=\"read\",status=\"2xx\"}") >= 3.0);
    assert!(value("sokenh_http_requests_total{kind=\"read\",status=\"4xx\"}") >= 3.0);
    assert_eq!(
        value("sokenh_http_requests_total{kind=\"write\",status=\"5xx\"}"),
        0.0
    );
    assert_eq!(
        value("sokenh_http_request_duration_seconds_count"),
        value("sokenh_http_request_duration_seconds_bucket{le=\"+Inf\"}")
    );
    assert_eq!(value("sokenh_upload_jobs_running"), 0.0);
    assert!(value("sokenh_alerts_open") >= 0.0 && value("sokenh_cases_open") >= 0.0);
    assert!(!m.body.contains("khong-co-trang-nay"), "no path is a label");
}

/// An administrator turns on two-step verification: the secret shown is kept only once a code
/// from the app is right; sign-in then needs a code, each good once; an officer is not offered it.
#[test]
fn an_administrator_signs_in_with_a_second_factor() {
    use app::totp::{Algorithm, STEP, from_base32, totp};
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let admin = login(&s, "quantri", "demo-quantri-2026");
    let page = get(&s, "/xac-thuc-hai-buoc", Some(&admin));
    assert_eq!(page.status, 200);
    let at = page.body.find("<code id=\"secret\">").expect("the secret") + 18;
    let secret = page.body[at..at + 32].to_owned();
    let key = from_base32(&secret).unwrap();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let code_at = |t: u64| format!("{:06}", totp(Algorithm::Sha1, &key, t, 6));
    let token = csrf(&page.body);
    let turn_on = |code: &str| {
        post(
            &s,
            "/xac-thuc-hai-buoc",
            Some(&admin),
            &[
                ("csrf", &token),
                ("action", "on"),
                ("secret", &secret),
                ("code", code),
            ],
        )
    };
    // A code from another time is refused, and nothing is kept.
    let wrong = turn_on(&code_at(now() - 10 * STEP));
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("Mã không đúng"));
    let on = turn_on(&code_at(now()));
    assert_eq!(on.status, 200, "{}", on.body);
    assert!(on.body.contains("Đã bật xác thực hai bước"), "{}", on.body);

    let sign_in = |code: &str| {
        post(
            &s,
            "/dang-nhap",
            None,
            &[
                ("username", "quantri"),
                ("password", "demo-quantri-2026"),
                ("code", code),
            ],
        )
        .status
    };
    assert_eq!(sign_in(""), 401, "the password alone is not enough");
    // The next step's code (the current one was spent turning it on), once.
    let next = code_at(now() + STEP);
    assert_eq!(sign_in(&next), 303);
    assert_eq!(sign_in(&next), 401, "a code is good once");
    // Turned on and off on the record.
    let v = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(v["ok"], true);
    // An officer is not offered it.
    let officer = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/xac-thuc-hai-buoc", Some(&officer));
    assert!(
        page.body
            .contains("dành cho tài khoản quản trị và lãnh đạo")
    );
    assert!(!page.body.contains("id=\"secret\""));
}

/// A leader keeps a new code of conduct in the library: every account reads it, a member is told
/// to sign again and signs that version, the follow-up and the re-signing progress count it, an
/// officer may not add to the library, and a version kept twice is refused on the form.
#[test]
fn a_new_code_of_conduct_in_the_library_is_signed_again() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let leader = login(&s, "thuongvu", "demo-thuongvu-2026");
    let page = get(&s, "/thu-vien", Some(&leader));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Thư viện chưa có văn bản."),
        "{}",
        page.body
    );
    let token = csrf(&page.body);
    let text = "BỘ QUY TẮC ỨNG XỬ\nĐiều 1. Không chia sẻ tài liệu mật lên mạng xã hội.\nĐiều 2. Báo ngay trang giả mạo.";
    let send = |cookie: &str, token: &str, version: &str| {
        raw_post(
            &s,
            "/thu-vien",
            cookie,
            "multipart/form-data; boundary=XyZ",
            &multipart(
                &[
                    ("csrf", token),
                    (
                        "title",
                        "Quy tắc ứng xử của cán bộ, đảng viên xã Thạch Quảng",
                    ),
                    ("kind", ""),
                    ("version", version),
                    ("effective", "2026-06-01"),
                    ("changes", "Thêm điều 2 về trang giả mạo"),
                ],
                &[("file", "quy-tac-2026.txt", text.as_bytes())],
            ),
        )
    };
    let r = send(&leader, &token, "2026-06");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Đã lưu «Quy tắc ứng xử của cán bộ, đảng viên xã Thạch Quảng» phiên bản 2026-06, hiệu lực từ 01/06/2026"),
        "{}",
        r.body
    );
    assert!(r.body.contains("đang có hiệu lực"));
    // The same version again: said on the form.
    let again = send(&leader, &token, "2026-06");
    assert_eq!(again.status, 409);
    assert!(
        again.body.contains("Đã có phiên bản «2026-06»"),
        "{}",
        again.body
    );
    // An officer reads the library but may not add to it (refused before the body is read).
    let officer = login(&s, "congan", "demo-congan-2026");
    let officer_token = csrf(&get(&s, "/thu-vien", Some(&officer)).body);
    assert_eq!(send(&officer, &officer_token, "2026-07").status, 403);

    // The version's page: its text, its file as kept.
    let list = json(&sokenh(tmp.path(), &["library", "list", "--json"]));
    let id = list[0]["id"].as_i64().unwrap();
    let doc = get(&s, &format!("/thu-vien/{id}"), Some(&officer));
    assert!(
        doc.body.contains("Điều 2. Báo ngay trang giả mạo."),
        "{}",
        doc.body
    );
    let file = get(&s, &format!("/thu-vien/{id}/tep"), Some(&officer));
    assert_eq!((file.status, file.body.as_str()), (200, text));

    // The member signed the built-in version in the demo: told to sign again, signs this one.
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    let mine = get(&s, "/ke-khai", Some(&member));
    assert!(mine.body.contains("Cần ký lại."), "{}", mine.body);
    // A member reads the library but neither adds to it nor sees or adjusts others' evaluation.
    assert_eq!(get(&s, "/thu-vien", Some(&member)).status, 200);
    assert_eq!(send(&member, &csrf(&mine.body), "2026-08").status, 403);
    assert_eq!(get(&s, "/danh-gia", Some(&member)).status, 403);
    assert_eq!(
        post(
            &s,
            "/danh-gia/dieu-chinh",
            Some(&member),
            &[
                ("csrf", &csrf(&mine.body)),
                ("year", "2026"),
                ("unit", "Công an xã Thạch Quảng"),
                ("criterion", "no_violations"),
                ("points", "10"),
                ("reason", "x"),
            ]
        )
        .status,
        403
    );
    assert!(mine.body.contains("Thêm điều 2 về trang giả mạo"));
    let signed = post(
        &s,
        "/ky-cam-ket",
        Some(&member),
        &[("csrf", &csrf(&mine.body))],
    );
    assert!(
        signed.body.contains("Đã ký cam kết phiên bản 2026-06."),
        "{}",
        signed.body
    );
    assert!(!signed.body.contains("Cần ký lại."));
    // The member sees what the year's evaluation reads about them: the signature counts now.
    assert!(signed.body.contains("Đánh giá năm"), "{}", signed.body);
    assert!(
        signed
            .body
            .contains("<td>Ký cam kết phiên bản đang có hiệu lực</td><td>30/30</td>"),
        "{}",
        signed.body
    );

    // The leader's progress: one member of the whole commune has signed the new version.
    let page = get(&s, "/thu-vien", Some(&leader));
    assert!(
        page.body.contains("Ký lại cam kết theo đơn vị"),
        "{}",
        page.body
    );
    let progress = json(&sokenh(tmp.path(), &["library", "signing", "--json"]));
    assert_eq!(progress["version"], "2026-06");
    let total: u64 = progress["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["signed"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 1);
    let follow = get(&s, "/don-vi", Some(&leader));
    assert!(
        follow.body.contains("chưa ký cam kết phiên bản 2026-06"),
        "{}",
        follow.body
    );
}

/// Two cases, each from one alert; the second merged into the first from the case page (its
/// alerts and history shown there, the case due by its deadline), then taken out again: it is
/// its own case once more, both timelines say what happened.
#[test]
fn a_case_is_merged_into_another_and_taken_out_again_from_its_page() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    ingest_scams(tmp.path());
    let s = start(tmp.path());
    let officer = login(&s, "congan", "demo-congan-2026");
    let queue = get(&s, "/canh-bao", Some(&officer));
    let alerts = numbers_after(&queue.body, "name=\"alert\" value=\"");
    assert!(alerts.len() >= 2, "two open alerts: {}", queue.body);
    let token = csrf(&queue.body);
    for (alert, title) in [
        (&alerts[0], "Hồ sơ thứ nhất"),
        (&alerts[1], "Hồ sơ thứ hai"),
    ] {
        let r = post(
            &s,
            "/canh-bao/ho-so",
            Some(&officer),
            &[
                ("csrf", &token),
                ("case", ""),
                ("title", title),
                ("alert", alert),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let first = get(&s, "/ho-so/1", Some(&officer));
    assert!(first.body.contains("Hạn xử lý"), "{}", first.body);
    assert!(first.body.contains("Gộp hồ sơ khác vào hồ sơ này"));
    let r = post(
        &s,
        "/ho-so/1/gop",
        Some(&officer),
        &[("csrf", &token), ("case", "2")],
    );
    assert_eq!((r.status, r.location.as_str()), (303, "/ho-so/1"));
    let merged = get(&s, "/ho-so/1", Some(&officer));
    assert!(
        merged.body.contains("Hồ sơ đã gộp vào đây"),
        "{}",
        merged.body
    );
    assert!(
        merged.body.contains("Cảnh báo trong hồ sơ (2)"),
        "{}",
        merged.body
    );
    assert!(merged.body.contains("Gộp hồ sơ #2 vào hồ sơ này"));
    let second = get(&s, "/ho-so/2", Some(&officer));
    assert!(second.body.contains("Đã gộp vào"), "{}", second.body);
    assert!(
        !second.body.contains("Đóng hồ sơ"),
        "no action on a merged case"
    );
    let cases = json(&sokenh(tmp.path(), &["case", "list", "--json"]));
    assert_eq!(cases[1]["merged_into"], 1);

    let r = post(
        &s,
        "/ho-so/2/tach-ho-so",
        Some(&officer),
        &[("csrf", &token)],
    );
    assert_eq!((r.status, r.location.as_str()), (303, "/ho-so/1"));
    let first = get(&s, "/ho-so/1", Some(&officer));
    assert!(
        first.body.contains("Cảnh báo trong hồ sơ (1)"),
        "{}",
        first.body
    );
    assert!(first.body.contains("Tách hồ sơ #2 ra như trước"));
    let second = get(&s, "/ho-so/2", Some(&officer));
    assert!(second.body.contains("Hồ sơ #2 được tách khỏi hồ sơ #1"));
    assert!(second.body.contains("Đóng hồ sơ"));
    let cases = json(&sokenh(tmp.path(), &["case", "list", "--json"]));
    assert_eq!(cases[1]["merged_into"], serde_json::Value::Null);
    // A member may not merge.
    let member = login(&s, "dangvien", "demo-dangvien-2026");
    let t = csrf(&get(&s, "/ke-khai", Some(&member)).body);
    assert_eq!(
        post(
            &s,
            "/ho-so/1/gop",
            Some(&member),
            &[("csrf", &t), ("case", "2")]
        )
        .status,
        403
    );
}

/// A TAXII 2.1 client reads the office's indicators: discovery, the API root, the one
/// collection, its objects paged by `limit` and `added_after`, the manifest — with an officer's
/// token; an analyst's token is refused, no token is 401, a bad `added_after` is 400.
#[test]
fn a_taxii_client_reads_the_offices_indicators_page_by_page() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    for domain in ["lua-dao-mot.top", "lua-dao-hai.top", "lua-dao-ba.top"] {
        assert!(
            sokenh(
                tmp.path(),
                &["share", "add", "--kind", "domain", "--value", domain]
            )
            .status
            .success()
        );
    }
    let token = |role: &str| {
        json(&sokenh(
            tmp.path(),
            &[
                "admin",
                "create-token",
                "--name",
                "taxii",
                "--role",
                role,
                "--json",
            ],
        ))["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (officer, analyst) = (token("officer"), token("analyst"));
    let s = start(tmp.path());

    let r = agent()
        .get(format!("{}/taxii2/", s.base))
        .header("Authorization", &format!("Bearer {officer}"))
        .call()
        .unwrap();
    assert_eq!(
        r.headers().get("content-type").unwrap(),
        "application/taxii+json;version=2.1"
    );
    let (status, discovery) = bearer(&s, "/taxii2/", &officer);
    assert_eq!(status, 200);
    assert_eq!(discovery["api_roots"], serde_json::json!(["/taxii2/api1/"]));
    assert_eq!(
        bearer(&s, "/taxii2/api1/", &officer).1["versions"][0],
        "application/taxii+json;version=2.1"
    );
    let collections = bearer(&s, "/taxii2/api1/collections/", &officer).1;
    let id = collections["collections"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // An officer may triage: the collection takes what they post.
    assert_eq!(collections["collections"][0]["can_write"], true);

    // Three objects a page: two indicators and the identity that published them; the third
    // indicator on the next page (asked by `next`, as TAXII clients do, and by `added_after`).
    let objects = format!("/taxii2/api1/collections/{id}/objects/");
    let (status, first) = bearer(&s, &format!("{objects}?limit=3"), &officer);
    assert_eq!(status, 200);
    let kinds = |page: &serde_json::Value| -> Vec<String> {
        page["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["type"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kinds(&first), ["identity", "indicator", "indicator"]);
    assert_eq!(first["more"], true);
    let next = first["next"].as_str().unwrap().to_owned();
    let escaped = next.replace(':', "%3A").replace('|', "%7C");
    let (_, second) = bearer(&s, &format!("{objects}?limit=3&next={escaped}"), &officer);
    assert_eq!(second["more"], false);
    assert_eq!(kinds(&second), ["identity", "indicator"]);
    assert_eq!(
        bearer(&s, &format!("{objects}?added_after={escaped}"), &officer).1,
        second
    );
    let patterns: Vec<&str> = first["objects"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["objects"].as_array().unwrap())
        .filter_map(|o| o["pattern"].as_str())
        .collect();
    assert_eq!(
        patterns,
        [
            "[domain-name:value = 'lua-dao-mot.top']",
            "[domain-name:value = 'lua-dao-hai.top']",
            "[domain-name:value = 'lua-dao-ba.top']"
        ]
    );
    let (_, manifest) = bearer(
        &s,
        &format!("/taxii2/api1/collections/{id}/manifest/"),
        &officer,
    );
    assert_eq!(manifest["objects"].as_array().unwrap().len(), 3);

    // An envelope posted: the indicator taken in, the note refused with why; the status kept.
    let envelope = serde_json::json!({"objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--0a6f1c2e-1111-4222-8333-944455566677",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z", "name": "Xã Bên Cạnh"},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--0a6f1c2e-1111-4222-8333-944455566678",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
         "created_by_ref": "identity--0a6f1c2e-1111-4222-8333-944455566677",
         "pattern": "[domain-name:value = 'nhan-qua-xa-ben.top']", "pattern_type": "stix",
         "valid_from": "2026-11-01T00:00:00.000Z"},
        {"type": "note", "spec_version": "2.1", "id": "note--0a6f1c2e-1111-4222-8333-944455566679",
         "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
         "content": "x", "object_refs": ["indicator--0a6f1c2e-1111-4222-8333-944455566678"]},
    ]});
    let posted = agent()
        .post(format!("{}{objects}", s.base))
        .header("Authorization", &format!("Bearer {officer}"))
        .header("Content-Type", "application/taxii+json;version=2.1")
        .send(envelope.to_string())
        .unwrap();
    assert_eq!(posted.status().as_u16(), 202);
    let status: serde_json::Value =
        serde_json::from_str(&posted.into_body().read_to_string().unwrap()).unwrap();
    assert_eq!(
        (
            &status["status"],
            &status["total_count"],
            &status["success_count"],
            &status["failure_count"]
        ),
        (
            &serde_json::Value::from("complete"),
            &serde_json::Value::from(3),
            &serde_json::Value::from(2),
            &serde_json::Value::from(1)
        )
    );
    assert_eq!(
        status["failures"][0]["id"],
        "note--0a6f1c2e-1111-4222-8333-944455566679"
    );
    let (code, again) = bearer(
        &s,
        &format!("/taxii2/api1/status/{}/", status["id"].as_str().unwrap()),
        &officer,
    );
    assert_eq!((code, &again), (200, &status));
    let listed = json(&sokenh(tmp.path(), &["share", "list", "--json"]));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["value"] == "nhan-qua-xa-ben.top" && i["origin"] == "Xã Bên Cạnh")
    );

    assert_eq!(bearer(&s, "/taxii2/", &analyst).0, 403);
    // The sharing page: what was received and from whom.
    let cookie = login(&s, "congan", "demo-congan-2026");
    let page = get(&s, "/chia-se", Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Xã Bên Cạnh"), "{}", page.body);
    let refused = agent()
        .post(format!("{}{objects}", s.base))
        .header("Authorization", &format!("Bearer {analyst}"))
        .send("{\"objects\": []}")
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(get(&s, "/taxii2/", None).status, 401);
    assert_eq!(
        bearer(&s, &format!("{objects}?added_after=hom-qua"), &officer).0,
        400
    );
    assert_eq!(
        bearer(&s, "/taxii2/api1/collections/khong-co/objects/", &officer).0,
        404
    );
}

/// The tip line over HTTP: a citizen reports a number an officer confirmed (the API, multipart)
/// and is told at once, naming it; three more report it through the form (one group of four);
/// the officer answers the group once and the first reporter's status page shows the answer.
/// A robot's hidden field, a contact without consent and an eleventh tip from one address in
/// ten minutes are refused; the queue is for officers only.
#[test]
fn a_citizen_reports_a_known_number_and_gets_the_officers_answer() {
    let tmp = tempfile::tempdir().unwrap();
    json(&sokenh(tmp.path(), &["demo", "--no-serve", "--json"]));
    json(&sokenh(
        tmp.path(),
        &[
            "share",
            "add",
            "--kind",
            "phone",
            "--value",
            "0356 111 222",
            "--role",
            "scammer",
            "--case",
            "1",
            "--json",
        ],
    ));
    let s = start(tmp.path());
    // With a screenshot of the message (a real PNG).
    let shot = {
        let image = media::image::RgbImage::from_fn(300, 500, |x, y| {
            media::image::Rgb([((x / 30 + y / 50) % 2 * 200) as u8, (y / 2) as u8, 90])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        media::image::DynamicImage::ImageRgb8(image)
            .write_to(&mut out, media::image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let body = multipart(
        &[
            ("phone", "0356.111.222"),
            ("text", "Có người gọi bảo tôi chuyển tiền để nhận quà"),
        ],
        &[("screenshot", "tin-nhan.png", &shot)],
    );
    let first = raw_post(
        &s,
        "/api/v1/tips",
        "",
        "multipart/form-data; boundary=XyZ",
        &body,
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let first: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    let code = first["code"].as_str().unwrap().to_owned();
    assert_eq!(first["status_url"], format!("/bao-tin/{code}"));
    assert_eq!(first["answer"]["known"], true);
    assert_eq!(first["answer"]["matches"][0]["kind"], "known_number");
    assert_eq!(
        first["answer"]["matches"][0]["ref"],
        "known:phone:+84356111222"
    );

    for _ in 0..3 {
        let r = post(
            &s,
            "/bao-tin",
            None,
            &[("phone", "+84 356 111 222"), ("text", "Tôi cũng bị gọi")],
        );
        assert_eq!(r.status, 201);
        assert!(r.body.contains("Cảnh báo: Số điện thoại"), "{}", r.body);
    }
    // The status before the answer.
    let (status, before) = {
        let r = get(&s, &format!("/api/v1/tips/{code}"), None);
        (
            r.status,
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap(),
        )
    };
    assert_eq!(
        (status, &before["status"]),
        (200, &serde_json::json!("received"))
    );

    // The officer's queue: one group of four; answered once.
    assert_eq!(get(&s, "/tin-bao", None).status, 303);
    let cookie = login(&s, "congan", "demo-congan-2026");
    let queue = get(&s, "/tin-bao", Some(&cookie));
    assert!(
        queue.body.contains("số điện thoại 0356 111 222"),
        "{}",
        queue.body
    );
    // The screenshot, shown to the officer from its hash.
    let picture = queue
        .body
        .split("src=\"/tin-bao/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let seen = get_bytes(&s, &format!("/tin-bao/{picture}"), Some(&cookie));
    assert_eq!(seen, shot);
    assert_eq!(get(&s, &format!("/tin-bao/{picture}"), None).status, 303);
    assert!(
        queue.body.contains("Tôi cũng bị gọi"),
        "what they wrote: {}",
        queue.body
    );
    let group = queue
        .body
        .split("/tin-bao/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let token = csrf(&queue.body);
    let answered = post(
        &s,
        &format!("/tin-bao/{group}/tra-loi"),
        Some(&cookie),
        &[
            ("csrf", &token),
            ("status", "confirmed"),
            (
                "answer",
                "Số này của đối tượng lừa đảo, đã đề nghị nhà mạng khóa. Không chuyển tiền.",
            ),
        ],
    );
    assert!(
        answered.body.contains("Đã trả lời nhóm tin báo."),
        "{}",
        answered.body
    );
    let after: serde_json::Value =
        serde_json::from_str(&get(&s, &format!("/api/v1/tips/{code}"), None).body).unwrap();
    assert_eq!(after["status"], "answered");
    assert_eq!(
        after["reply"],
        "Số này của đối tượng lừa đảo, đã đề nghị nhà mạng khóa. Không chuyển tiền."
    );
    let page = get(&s, &format!("/bao-tin/{}", code.to_lowercase()), None);
    assert!(
        page.body.contains("đã đề nghị nhà mạng khóa"),
        "{}",
        page.body
    );
    assert_eq!(get(&s, "/api/v1/tips/ABCDE-FGHJK", None).status, 404);

    // Refused with why; then the address's allowance (10 in ten minutes, 4 used, 2 refused
    // counted too) runs out.
    let robot = post(
        &s,
        "/bao-tin",
        None,
        &[("text", "mua bán"), ("website", "http://spam")],
    );
    assert_eq!(robot.status, 422);
    let no_consent = post(
        &s,
        "/bao-tin",
        None,
        &[("text", "lừa đảo"), ("contact", "0912345678")],
    );
    assert_eq!(no_consent.status, 422);
    assert!(no_consent.body.contains("đồng ý"));
    for _ in 0..4 {
        assert_eq!(
            post(
                &s,
                "/bao-tin",
                None,
                &[("text", "Tin nhắn trúng thưởng lạ")]
            )
            .status,
            201
        );
    }
    assert_eq!(
        post(
            &s,
            "/bao-tin",
            None,
            &[("text", "Tin nhắn trúng thưởng lạ")]
        )
        .status,
        429
    );
    // Everything kept is audited, and never the reporter's words.
    let audit = json(&sokenh(tmp.path(), &["audit", "verify", "--json"]));
    assert_eq!(audit["ok"], true);
    let app = app::App::open(tmp.path(), None).unwrap();
    let events = app.store().unwrap().audit_events().unwrap();
    let received = events.iter().filter(|e| e.action == "tip.receive").count();
    assert_eq!(received, 8);
    assert!(events.iter().all(|e| !e.details.contains("Tôi cũng bị gọi")
        && !e.details.contains("356111222")
        && !e.details.contains("127.0.0.1")));
}

/// Hostile tips, with no account: a file that is not a picture and a picture bomb are refused
/// with why, a text past its size too, a body past the limit is refused before it is read whole, a tip sent as JSON is refused; nothing
/// of them is kept.
#[test]
fn a_hostile_tip_is_refused_and_nothing_of_it_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    // Not a picture, whatever its name says; a picture bomb (a header declaring 60,000 px).
    for bytes in [b"PNG-bytes".to_vec(), png_bomb(60_000)] {
        let r = raw_post(
            &s,
            "/api/v1/tips",
            "",
            "multipart/form-data; boundary=XyZ",
            &multipart(
                &[("text", "ảnh tin nhắn")],
                &[("screenshot", "a.png", &bytes)],
            ),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("\"field\":\"screenshot\""), "{}", r.body);
    }
    // A text field past its size, inside the body's limit.
    let r = raw_post(
        &s,
        "/api/v1/tips",
        "",
        "multipart/form-data; boundary=XyZ",
        &multipart(&[("text", &"a".repeat(3 << 20))], &[]),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let big = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{}\r\n--XyZ--\r\n",
        "a".repeat(16 << 20)
    );
    let r = raw_post(
        &s,
        "/api/v1/tips",
        "",
        "multipart/form-data; boundary=XyZ",
        big.as_bytes(),
    );
    assert_eq!(r.status, 413, "{}", r.body);
    let r = raw_post(
        &s,
        "/api/v1/tips",
        "",
        "application/json",
        br#"{"text": "x"}"#,
    );
    assert!(r.status >= 400 && r.status < 500, "{}", r.status);
    let app = app::App::open(tmp.path(), None).unwrap();
    assert!(app.store().unwrap().tip_groups().unwrap().is_empty());
}

/// Retention from the browser: the administrator sets how long posts are kept on the jobs page
/// (a wrong number said, nothing set), takes it off again, and asks for a purge now, which
/// becomes a job the page lists; another role's post is refused.
#[test]
fn the_administrator_sets_retention_and_asks_for_a_purge() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(tmp.path());
    let admin = login(&s, "quantri", "demo-quantri-2026");
    let page = get(&s, "/quan-tri/viec-nen", Some(&admin));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Chưa đặt: giữ mãi."), "{}", page.body);
    let token = csrf(&page.body);
    let set = |months: &str| {
        post(
            &s,
            "/quan-tri/luu-giu",
            Some(&admin),
            &[("csrf", &token), ("category", "posts"), ("months", months)],
        )
    };
    let r = set("hai mươi");
    assert!(
        r.body.contains("Số tháng «hai mươi» không đọc được"),
        "{}",
        r.body
    );
    let r = set("0");
    assert!(r.body.contains("số tháng phải từ 1 đến 600"), "{}", r.body);
    assert!(r.body.contains("Chưa đặt: giữ mãi."));
    let r = set("24");
    assert!(
        r.body.contains("Đã đặt thời hạn lưu giữ: 24 tháng."),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"24\""), "{}", r.body);
    let r = post(
        &s,
        "/quan-tri/luu-giu",
        Some(&admin),
        &[("csrf", &token), ("category", "opinions"), ("months", "24")],
    );
    assert!(
        r.body.contains("không có loại dữ liệu «opinions»"),
        "{}",
        r.body
    );
    let r = post(
        &s,
        "/quan-tri/xoa-qua-han",
        Some(&admin),
        &[("csrf", &token)],
    );
    assert!(
        r.body.contains("Đã xếp việc xóa dữ liệu quá hạn"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Xóa dữ liệu quá hạn lưu giữ"),
        "the job is listed: {}",
        r.body
    );
    let r = set("");
    assert!(
        r.body.contains("Đã bỏ thời hạn: dữ liệu được giữ mãi."),
        "{}",
        r.body
    );
    // Without the token, or for another role: refused, nothing set.
    let r = post(
        &s,
        "/quan-tri/luu-giu",
        Some(&admin),
        &[("category", "posts"), ("months", "12")],
    );
    assert_ne!(r.status, 200);
    let officer = login(&s, "congan", "demo-congan-2026");
    let officer_token = csrf(&get(&s, "/tong-quan", Some(&officer)).body);
    let r = post(
        &s,
        "/quan-tri/luu-giu",
        Some(&officer),
        &[
            ("csrf", &officer_token),
            ("category", "posts"),
            ("months", "12"),
        ],
    );
    assert_eq!(r.status, 403);
    let audit = get(&s, "/nhat-ky", Some(&admin));
    assert_eq!(
        audit.body.matches("retention.set").count(),
        2,
        "{}",
        audit.body
    );
}
