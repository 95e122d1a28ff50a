//! Journeys in a real browser: Debian's Chromium driven through chromium-driver (WebDriver) with
//! fantoccini, against `sokenh demo` on a free port. Each role signs in through the form, the
//! main pages are opened and saved as screenshots (`target/screenshots/`, CI artefacts), a member
//! declares a page and signs the commitment, an officer imports a spreadsheet, merges alerts into
//! a case, uploads evidence and downloads the takedown letter, marks an impostor from the
//! impersonation review (a case opens with the finding as evidence), checks a picture against
//! the register's avatars (the page found, with the distance), captures a post seen on
//! Facebook with a screenshot and opens its alert into a case, uploads 50,000 posts and watches
//! the job's progress bar advance to the CLI's counts, sees that upload's spike day and the
//! forecast band in November's analytics, the leader
//! downloads the month's XLSX appendix (its figures are `sokenh report --json`'s), a village
//! cell's head reviews, adjusts and exports the unit's year-end evaluation, a citizen reports a
//! scammer's number at the tip line on a phone-sized window and is told at once, the officer
//! answers the group and the citizen's status page shows it, and everyone signs out with the
//! button.
//! `.ci/run` installs chromium and chromium-driver; elsewhere the test says it was skipped.

mod common;

use fantoccini::{ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "current_thread")]
async fn every_role_signs_in_and_a_member_declares_and_signs_in_chromium() {
    if Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("CI").is_err(),
            "CI installs chromium-driver (.ci/run)"
        );
        eprintln!("chromedriver not installed: browser journeys skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // Scam posts, so the officer has alerts to triage.
    common::json(&common::sokenh(
        tmp.path(),
        &["demo", "--no-serve", "--json"],
    ));
    common::ingest_job_scams(tmp.path());
    // A scammer's number an officer confirmed in a case: what a citizen's tip is answered with.
    let case = app::App::open(tmp.path(), None)
        .unwrap()
        .store()
        .unwrap()
        .open_case(
            "congan",
            "Lừa đảo trúng thưởng qua số 0356 111 222",
            domain::Category::Scam,
            None,
            &[],
        )
        .unwrap();
    assert_eq!(case, 1);
    common::json(&common::sokenh(
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
    let server = common::start_demo(tmp.path());
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let base = server.base.clone();

    let port = free_port();
    let _driver = Kill(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=vi"],
            "prefs": {"download.default_directory": downloads.to_str().unwrap(), "download.prompt_for_download": false}
        }),
    );
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("chromedriver answers");
    let shots = screenshots();

    // A citizen reports the number through the form with a screenshot, on a phone-sized
    // window, no account, and is told of the case at once; three more report it too.
    let mut codes = vec![citizen_reports_a_number(&c, &base, &shots, "0356 111 222", true).await];
    for written in ["0356.111.222", "+84 356 111 222", "0356111222"] {
        codes.push(citizen_reports_a_number(&c, &base, &shots, written, false).await);
    }

    for (user, pages) in [
        (
            "congan",
            &["/tong-quan", "/so-dang-ky", "/nguon", "/kiem-tra-dinh-ky"][..],
        ),
        ("quantri", &["/quan-tri"][..]),
        ("thuongvu", &["/nhat-ky", "/ho-so"][..]),
        (
            "xaydungdang",
            &["/kiem-chung", "/tim-kiem?q=viec+nhe+luong+cao"][..],
        ),
        ("kiemtra", &["/ho-so/1"][..]),
        (
            "chibo.dongtam",
            &["/so-dang-ky", "/don-vi", "/danh-gia"][..],
        ),
        ("dangvien", &["/ke-khai"][..]),
    ] {
        c.goto(&format!("{base}/dang-nhap")).await.unwrap();
        c.find(Locator::Id("username"))
            .await
            .unwrap()
            .send_keys(user)
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(&format!("demo-{user}-2026"))
            .await
            .unwrap();
        c.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let who = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("span.who"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(who.starts_with(user), "{who}");
        for p in pages {
            c.goto(&format!("{base}{p}")).await.unwrap();
            let h1 = c
                .find(Locator::Css("h1"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(!h1.is_empty() && h1 != "Lỗi", "{user} {p}: {h1}");
            let png = c.screenshot().await.unwrap();
            assert!(png.len() > 10_000, "{user} {p}: blank screenshot");
            std::fs::write(
                shots.join(format!(
                    "{}-{}.png",
                    user.replace('.', "_"),
                    p.trim_start_matches('/')
                        .split('?')
                        .next()
                        .unwrap_or("")
                        .replace('/', "-")
                )),
                png,
            )
            .unwrap();
        }
        if user == "congan" {
            officer_journey(&c, &base, tmp.path(), &downloads, &shots).await;
            officer_answers_the_tips(&c, &base, &downloads, &shots).await;
        }
        if user == "thuongvu" {
            leader_downloads_the_report(&c, &base, tmp.path(), &downloads).await;
        }
        if user == "chibo.dongtam" {
            unit_head_adjusts_and_exports_the_evaluation(&c, &base, tmp.path(), &downloads).await;
        }
        if user == "dangvien" {
            c.find(Locator::Id("url"))
                .await
                .unwrap()
                .send_keys("https://www.facebook.com/congan.thachquang")
                .await
                .unwrap();
            c.find(Locator::Css("form.inline button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            // The page after the form: wait for its message, whatever the browser's pace.
            let status = c
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::XPath(
                    "//*[@role='status'][contains(., 'Đã kê khai')]",
                ))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(status, "Đã kê khai «Công an xã Thạch Quảng».");
            c.find(Locator::XPath("//button[contains(., 'ký cam kết')]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let status = c
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::XPath(
                    "//*[@role='status'][contains(., 'Đã ký cam kết')]",
                ))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(status, "Đã ký cam kết phiên bản 2026-11.");
            std::fs::write(
                shots.join("dangvien-ke-khai-da-ky.png"),
                c.screenshot().await.unwrap(),
            )
            .unwrap();
            // Members use phones: the page fits a phone's width without sideways scrolling.
            c.set_window_size(390, 844).await.unwrap();
            c.goto(&format!("{base}/ke-khai")).await.unwrap();
            let widths = c
                .execute(
                    "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]",
                    vec![],
                )
                .await
                .unwrap();
            let (client, scroll) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
            assert!(client <= 400, "the window is phone-sized: {client}");
            std::fs::write(
                shots.join("dangvien-ke-khai-dien-thoai.png"),
                c.screenshot().await.unwrap(),
            )
            .unwrap();
            assert!(
                scroll <= client,
                "no sideways scrolling at {client} px: {scroll}"
            );
            c.set_window_size(1366, 900).await.unwrap();
        }
        c.find(Locator::Css("form.logout button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("div.login"))
            .await
            .unwrap();
        assert!(
            c.current_url()
                .await
                .unwrap()
                .as_str()
                .ends_with("/dang-nhap")
        );
    }
    // Signed out, each of the four citizens' status pages shows the officer's answer.
    for code in &codes {
        c.goto(&format!("{base}/bao-tin/{code}")).await.unwrap();
        let page = c.source().await.unwrap();
        assert!(page.contains("Trả lời của cán bộ"), "{page}");
        assert!(page.contains("Số này của đối tượng lừa đảo"), "{page}");
    }
    // The public tip page shows the approved warning, masked.
    c.goto(&format!("{base}/bao-tin")).await.unwrap();
    let page = c.source().await.unwrap();
    assert!(page.contains("Cảnh báo mới của đơn vị"), "{page}");
    assert!(page.contains("035***222"), "{page}");
    assert!(!page.contains("Phạm Thị Lan"), "{page}");
    c.close().await.unwrap();
}

/// 50,000 posts uploaded as a JSONL export: the job's page shows the progress bar advancing as
/// it reads, and ends with the counts `sokenh ingest --json` gives for the same file on a
/// register like it (new groups only, so the register's state does not matter).
async fn bulk_upload(
    c: &fantoccini::Client,
    base: &str,
    tmp: &std::path::Path,
    shots: &std::path::Path,
) {
    const POSTS: usize = 50_000;
    let mut lines: Vec<String> = (0..POSTS)
        .map(|k| {
            serde_json::json!({
                "id": format!("bulk-{k}"),
                "community_url": format!("https://www.facebook.com/groups/taile.hangloat{}", k % 20),
                "platform": "facebook",
                // Every day of November alike, and a tenth more on the 20th: the spike.
                "published_at": format!(
                    "2026-11-{:02}T{:02}:00:00+07:00",
                    if k % 10 == 0 { 20 } else { 1 + k % 28 },
                    k % 24
                ),
                "text": if k % 100 == 0 {
                    "Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay".to_owned()
                } else {
                    format!("Tin chợ quê Thạch Quảng, phiên số {k}")
                },
            })
            .to_string()
        })
        .collect();
    lines.insert(1234, "{hỏng".into());
    let file = tmp.join("hang-loat.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();

    c.goto(&format!("{base}/tai-len")).await.unwrap();
    c.find(Locator::Css("input[name=file]"))
        .await
        .unwrap()
        .send_keys(file.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[action='/tai-len'] button[type=submit]").await;
    // The bar, read while it moves (the page asks again every second).
    let mut seen: Vec<u64> = Vec::new();
    for _ in 0..1200 {
        // The page reloads under us: an element gone stale reads as nothing this time round.
        let status = match c.find(Locator::Css("p[role=status]")).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if status == "hoàn tất" {
            break;
        }
        if let Ok(bar) = c.find(Locator::Css("progress")).await
            && let Ok(Some(v)) = bar.attr("value").await
            && let Ok(v) = v.parse::<u64>()
            && seen.last() != Some(&v)
        {
            seen.push(v);
            if seen.len() == 2 {
                std::fs::write(
                    shots.join("congan-tai-len.png"),
                    c.screenshot().await.unwrap(),
                )
                .unwrap();
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        seen.len() >= 2 && seen.windows(2).all(|w| w[0] < w[1]),
        "the bar advances: {seen:?}"
    );
    wait_text(c, "//p[@role='status'][. = 'hoàn tất']").await;
    let cell = |label: &'static str| async move {
        c.find(Locator::XPath(&format!("//tr[th = '{label}']/td")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let other = tmp.join("cli");
    common::json(&common::sokenh(&other, &["demo", "--no-serve", "--json"]));
    let cli = common::json(&common::sokenh(
        &other,
        &["ingest", file.to_str().unwrap(), "--json"],
    ));
    assert_eq!(cli["inserted"], POSTS as u64, "{cli}");
    assert_eq!(
        cell("Đã đọc").await,
        format!("{} / {} dòng", cli["read"], POSTS + 1)
    );
    for (label, key) in [
        ("Bài mới đã lưu", "inserted"),
        ("Trùng (đã có)", "duplicates"),
        ("Dòng bị từ chối", "rejected_total"),
        ("Trang mới vào sổ", "communities_created"),
        ("Dấu hiệu phát hiện", "signals"),
    ] {
        assert_eq!(cell(label).await, cli[key].to_string(), "{label}");
    }
    // Indexing also catches up what the server had not indexed yet (the post captured above).
    let indexed: u64 = cell("Đã lập chỉ mục").await.parse().unwrap();
    assert!(
        indexed >= cli["indexed"].as_u64().unwrap(),
        "{indexed} {cli}"
    );
    wait_text(c, "//td[. = '1235']").await;
}

/// The village cell's head reviews the unit's proposed evaluation, adjusts one criterion with a
/// reason (the page and `sokenh evaluation --json` then show the adjusted points beside the
/// proposal) and downloads the unit's XLSX, whose criteria sheet has the adjusted points.
async fn unit_head_adjusts_and_exports_the_evaluation(
    c: &fantoccini::Client,
    base: &str,
    data: &std::path::Path,
    downloads: &std::path::Path,
) {
    use calamine::{Data, Reader, Xlsx};
    let unit = "Chi bộ thôn Đồng Tâm";
    c.goto(&format!("{base}/danh-gia")).await.unwrap();
    c.find(Locator::Css("a[href*='don-vi=']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(c, &format!("//h2[starts-with(., '{unit}: ')]")).await;
    let form = c
        .find(Locator::XPath(
            "//form[input[@name='criterion' and @value='official_channels']]",
        ))
        .await
        .unwrap();
    let points = form.find(Locator::Css("input[name=points]")).await.unwrap();
    points.clear().await.unwrap();
    points.send_keys("15").await.unwrap();
    form.find(Locator::Css("input[name=reason]"))
        .await
        .unwrap()
        .send_keys("Trang của chi bộ đăng tin đều qua nhóm Zalo")
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(c, "//*[@role='status'][contains(., 'Đã điều chỉnh điểm')]").await;
    wait_text(
        c,
        "//td[contains(., 'Trang của chi bộ đăng tin đều qua nhóm Zalo (chibo.dongtam)')]",
    )
    .await;
    let rows = common::json(&common::sokenh(
        data,
        &["evaluation", "--unit", unit, "--json"],
    ));
    let channels = rows[0]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "official_channels")
        .unwrap()
        .clone();
    assert_eq!(channels["points"], 15, "{channels}");
    assert_eq!(channels["adjustment"]["by"], "chibo.dongtam");

    click(c, "a[href*='dinh-dang=xlsx']").await;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let file = downloads.join(format!("danh-gia-{year}.xlsx"));
    let bytes = downloaded(&file).await;
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Don vi").unwrap();
    let row = sheet
        .rows()
        .find(|r| {
            r.get(1)
                .is_some_and(|c| matches!(c, Data::String(s) if s.starts_with("Kênh chính thức")))
        })
        .expect("the official channels' row");
    // STT, criterion, maximum, proposed, points.
    assert_eq!(row.get(4), Some(&Data::Float(15.0)), "{row:?}");
}

/// The Standing Committee's leader downloads November's XLSX appendix from the reports page:
/// its cover sheet's figures are those `sokenh report --json` gives for the same month.
async fn leader_downloads_the_report(
    c: &fantoccini::Client,
    base: &str,
    data: &std::path::Path,
    downloads: &std::path::Path,
) {
    use calamine::{Data, Reader, Xlsx};
    c.goto(&format!("{base}/bao-cao?ky=2026-11")).await.unwrap();
    click(c, "a[href='/bao-cao/tai/2026-11.xlsx']").await;
    let file = downloads.join("bao-cao-2026-11.xlsx");
    let bytes = downloaded(&file).await;
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let cover = wb.worksheet_range("Tong hop").unwrap();
    let figure = |label: &str| -> u64 {
        cover
            .rows()
            .find(|r| {
                r.first()
                    .is_some_and(|c| matches!(c, Data::String(s) if s == label))
            })
            .and_then(|r| match r.get(1) {
                Some(Data::Float(v)) => Some(*v as u64),
                Some(Data::Int(v)) => Some(*v as u64),
                _ => None,
            })
            .unwrap_or_else(|| panic!("«{label}» on the cover sheet"))
    };
    let out = data.join("bao-cao-cli.xlsx");
    let model = common::json(&common::sokenh(
        data,
        &[
            "report",
            "--period",
            "2026-11",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    ));
    let f = &model["figures"];
    let sum = |v: &serde_json::Value| -> u64 {
        v.as_object()
            .map_or(0, |m| m.values().filter_map(|x| x.as_u64()).sum())
    };
    let expected = [
        ("Bài đăng công khai trong kỳ", f["items"].as_u64().unwrap()),
        ("Lượt bày tỏ cảm xúc", f["reactions"].as_u64().unwrap()),
        ("Bình luận", f["comments"].as_u64().unwrap()),
        ("Chia sẻ", f["shares"].as_u64().unwrap()),
        (
            "Trang, kênh, hội, nhóm trong sổ đăng ký",
            f["communities"].as_u64().unwrap(),
        ),
        (
            "Trang, kênh chính thức của các đơn vị",
            f["official_channels"].as_u64().unwrap(),
        ),
        (
            "Bài đăng có dấu hiệu (mọi loại)",
            sum(&f["items_flagged_by_category"]),
        ),
        ("Cảnh báo lập trong kỳ", sum(&f["alerts_by_category"])),
    ];
    assert!(expected[0].1 > 0, "November has posts: {f}");
    for (label, n) in expected {
        assert_eq!(figure(label), n, "{label}");
    }
}

/// Waits for an element whose text contains `text`, and returns that text.
async fn wait_text(c: &fantoccini::Client, xpath: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("{xpath}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn click(c: &fantoccini::Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// An officer: imports a sheet, merges the open alerts into a case, uploads a screenshot as
/// evidence, records the takedown request, downloads the letter.
async fn officer_journey(
    c: &fantoccini::Client,
    base: &str,
    tmp: &std::path::Path,
    downloads: &std::path::Path,
    shots: &std::path::Path,
) {
    // Import: the per-row report as a table.
    let sheet = tmp.join("so-dang-ky.csv");
    std::fs::write(
        &sheet,
        "STT,Tên trang,Đường dẫn,Số thành viên\n1,Hội cựu học sinh Thạch Quảng,https://www.facebook.com/groups/cuuhocsinh.thachquang,1204\n2,Trang hỏng,file:///etc/passwd,\n",
    )
    .unwrap();
    c.goto(&format!("{base}/so-dang-ky")).await.unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(sheet.to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[action='/so-dang-ky/nhap'] button[type=submit]").await;
    let summary = wait_text(
        c,
        "//*[contains(., 'Đã đọc 2 dòng')][not(*[contains(., 'Đã đọc 2 dòng')])]",
    )
    .await;
    assert!(
        summary.contains("thêm mới 1") && summary.contains("từ chối 1"),
        "{summary}"
    );
    std::fs::write(
        shots.join("congan-nhap-so-dang-ky.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // Triage: every open alert checked, into a new case.
    c.goto(&format!("{base}/canh-bao")).await.unwrap();
    std::fs::write(
        shots.join("congan-canh-bao.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    let boxes = c
        .find_all(Locator::Css("input[type=checkbox][name=alert]"))
        .await
        .unwrap();
    assert!(!boxes.is_empty(), "open alerts to triage");
    for b in &boxes {
        b.click().await.unwrap();
    }
    c.find(Locator::Id("case-title"))
        .await
        .unwrap()
        .send_keys("Lừa đảo tuyển cộng tác viên")
        .await
        .unwrap();
    click(c, "#merge button[type=submit]").await;
    let h1 = wait_text(c, "//h1[starts-with(., 'Hồ sơ #')]").await;
    assert_eq!(h1, "Hồ sơ #2: Lừa đảo tuyển cộng tác viên");
    assert!(
        !c.find_all(Locator::Css("p.post mark"))
            .await
            .unwrap()
            .is_empty(),
        "evidence highlighted"
    );

    // Evidence: a screenshot file, listed with its SHA-256.
    let png = c.screenshot().await.unwrap();
    let shot = tmp.join("anh-chup-bai-dang.png");
    std::fs::write(&shot, &png).unwrap();
    c.find(Locator::Id("evidence-file"))
        .await
        .unwrap()
        .send_keys(shot.to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[enctype='multipart/form-data'] button[type=submit]").await;
    let link = wait_text(c, "//a[contains(@href, '/chung-cu/')]").await;
    assert_eq!(link, "anh-chup-bai-dang.png");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&png))
    };
    assert!(
        c.source().await.unwrap().contains(&sha),
        "the page shows the file's SHA-256"
    );

    // The takedown request, recorded; the letter downloaded as DOCX.
    c.find(Locator::Id("action"))
        .await
        .unwrap()
        .select_by_value("request_takedown")
        .await
        .unwrap();
    c.find(Locator::Id("note"))
        .await
        .unwrap()
        .send_keys("gửi Meta qua kênh tiếp nhận")
        .await
        .unwrap();
    click(c, "form[action$='/xu-ly'] button[type=submit]").await;
    wait_text(
        c,
        "//ol[@class='timeline']/li[contains(., 'Đề nghị gỡ bỏ: gửi Meta')]",
    )
    .await;
    click(c, "a[href$='/cong-van']").await;
    let case = c
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let letter = downloads.join(format!("cong-van-de-nghi-go-bo-ho-so-{case}.docx"));
    let bytes = downloaded(&letter).await;
    assert!(bytes.starts_with(b"PK\x03\x04"), "a DOCX package");
    c.refresh().await.unwrap();
    wait_text(
        c,
        "//ol[@class='timeline']/li[contains(., 'Tạo công văn đề nghị gỡ bỏ')]",
    )
    .await;
    std::fs::write(
        shots.join("congan-ho-so.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The media check: a page's avatar recorded from a picture on the review page, then a
    // 200-px copy of that picture checked — the page is found, with the distance in bits.
    let fixture = |p: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../media/tests/fixtures")
            .join(p)
            .canonicalize()
            .unwrap()
    };
    c.goto(&format!("{base}/gia-mao")).await.unwrap();
    let side = c
        .find(Locator::Css("section.finding div.side"))
        .await
        .unwrap();
    let page_name = side
        .find(Locator::Css("p strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    side.find(Locator::Css("input[name=file]"))
        .await
        .unwrap()
        .send_keys(fixture("pdqhash/base.png").to_str().unwrap())
        .await
        .unwrap();
    side.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(c, "//*[@role='status'][contains(., 'Đã ghi ảnh đại diện')]").await;
    c.goto(&format!("{base}/kiem-tra-anh")).await.unwrap();
    c.find(Locator::Css("input[name=file]"))
        .await
        .unwrap()
        .send_keys(fixture("pdqhash/resized-200.png").to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[action='/kiem-tra-anh'] button[type=submit]").await;
    let row = wait_text(c, &format!("//tr[td/a[. = '{page_name}']]")).await;
    assert!(row.contains("/ 256 bit"), "{row}");
    std::fs::write(
        shots.join("congan-kiem-tra-anh.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The impersonation review: the first finding marked as an impostor, a case opened with the
    // finding as its first evidence.
    c.goto(&format!("{base}/gia-mao")).await.unwrap();
    std::fs::write(
        shots.join("congan-gia-mao.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.find(Locator::Css("section.finding input[name=reason]"))
        .await
        .unwrap()
        .send_keys("Dùng tên trang Công an xã")
        .await
        .unwrap();
    click(c, "section.finding button[value=impostor_case]").await;
    wait_text(c, "//a[contains(., 'phat-hien-gia-mao-')]").await;
    assert!(c.current_url().await.unwrap().path().starts_with("/ho-so/"));

    // Capture: a post seen on Facebook, brought in by its link and a screenshot; the text the
    // screenshot carries is read (OCR builds) and screened at once, the scam marked, and its
    // alert opened into a case that takes the screenshot as evidence.
    // Chromium takes a canonical path only.
    let poster = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../media/tests/fixtures/ocr/scam-poster.png")
        .canonicalize()
        .unwrap();
    c.goto(&format!("{base}/ghi-nhan")).await.unwrap();
    c.find(Locator::Css("input[name=url]"))
        .await
        .unwrap()
        .send_keys("https://m.facebook.com/groups/chotroi.thachquang/posts/5550001/?mibextid=x")
        .await
        .unwrap();
    if !cfg!(feature = "ocr") {
        // Without OCR the picture says nothing: the text is pasted.
        c.find(Locator::Css("textarea[name=text]"))
            .await
            .unwrap()
            .send_keys("Tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng ngay")
            .await
            .unwrap();
    }
    c.find(Locator::Css("input[name=screenshot]"))
        .await
        .unwrap()
        .send_keys(poster.to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[action='/ghi-nhan'] button[type=submit]").await;
    let said = wait_text(c, "//p[@role='status'][contains(., 'Đã lưu bài đăng mã')]").await;
    assert!(said.contains("chưa có trong sổ"), "a new page: {said}");
    let post = c
        .find(Locator::Css("article.post p.post"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    if cfg!(feature = "ocr") {
        assert!(post.contains("TRÚNG THƯỞNG"), "the OCR'd text: {post}");
    }
    let marks = c.find_all(Locator::Css("p.post mark")).await.unwrap();
    assert!(!marks.is_empty(), "the scam's evidence marked in {post}");
    for m in &marks {
        let marked = m.text().await.unwrap();
        assert!(post.contains(&marked), "{marked} in {post}");
    }
    wait_text(c, "//li[contains(., 'Lừa đảo')]").await;
    std::fs::write(
        shots.join("congan-ghi-nhan.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    click(c, "form[action='/canh-bao/ho-so'] button[type=submit]").await;
    wait_text(c, "//h1[starts-with(., 'Hồ sơ #')]").await;
    let evidence = wait_text(
        c,
        "//a[contains(@href, '/chung-cu/')][contains(., 'scam-poster.png')]",
    )
    .await;
    assert_eq!(evidence, "scam-poster.png");

    bulk_upload(c, base, tmp, shots).await;

    // November's analytics: the uploaded spike on the 20th marked, the forecast band's seven
    // days, the chart and its table.
    c.goto(&format!("{base}/phan-tich?ky=2026-11"))
        .await
        .unwrap();
    wait_text(c, "//h2[contains(., 'Dự báo 7 ngày tới')]").await;
    wait_text(
        c,
        "//h2[. = 'Đột biến']/following-sibling::table[1]//tr[td[2] = '2026-11-20']",
    )
    .await;
    let band = c
        .find_all(Locator::XPath(
            "//h2[contains(., 'Dự báo 7 ngày tới')]/following-sibling::table[1]//tr[td]",
        ))
        .await
        .unwrap();
    assert_eq!(band.len(), 7, "a week of forecast");
    c.find(Locator::Css("figure.chart svg")).await.unwrap();
    std::fs::write(
        shots.join("congan-phan-tich.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
}

/// The tip form at 390 px: a phone number as the citizen writes it, what happened, and (the
/// first) a screenshot; the answer names the confirmed number and its case at once; the code
/// to keep is returned.
async fn citizen_reports_a_number(
    c: &fantoccini::Client,
    base: &str,
    shots: &std::path::Path,
    phone: &str,
    screenshot: bool,
) -> String {
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/bao-tin")).await.unwrap();
    for (id, value) in [
        ("tip-phone", phone),
        (
            "tip-text",
            "Có người gọi nói tôi trúng thưởng, bảo chuyển 500 nghìn phí nhận quà",
        ),
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    if screenshot {
        let shot = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../media/tests/fixtures/ocr/scam-poster.png")
            .canonicalize()
            .unwrap();
        c.find(Locator::Id("tip-screenshot"))
            .await
            .unwrap()
            .send_keys(shot.to_str().unwrap())
            .await
            .unwrap();
    }
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let code = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("strong.code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = c.source().await.unwrap();
    assert!(
        page.contains(&format!(
            "Cảnh báo: Số điện thoại «{phone}» là của đối tượng lừa đảo"
        )),
        "{page}"
    );
    assert!(page.contains("Đã có trong hồ sơ vụ việc số 1"), "{page}");
    if screenshot {
        let widths = c
            .execute(
                "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            widths[1].as_u64() <= widths[0].as_u64(),
            "no sideways scrolling: {widths:?}"
        );
        std::fs::write(
            shots.join("cong-dan-bao-tin.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
    }
    c.set_window_size(1366, 900).await.unwrap();
    code
}

/// Waits for a downloaded file and returns its bytes.
async fn downloaded(path: &std::path::Path) -> Vec<u8> {
    for _ in 0..100 {
        if path.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    std::fs::read(path).unwrap_or_else(|_| panic!("{} was downloaded", path.display()))
}

/// The officer's queue of tips: the four reports of the number are one group, confirmed into a
/// case and answered once for all; then a warning for the public is drafted from it, edited
/// (a victim's name and number typed in come back masked), approved and taken away as text and
/// as a PNG card.
async fn officer_answers_the_tips(
    c: &fantoccini::Client,
    base: &str,
    downloads: &std::path::Path,
    shots: &std::path::Path,
) {
    c.goto(&format!("{base}/tin-bao")).await.unwrap();
    let page = c.source().await.unwrap();
    assert!(page.contains("số điện thoại 0356 111 222"), "{page}");
    let count = wait_text(c, "//td[@data-label='Số tin']").await;
    assert_eq!(count, "4");
    assert!(page.contains("/anh/"), "the screenshot is shown: {page}");
    c.find(Locator::Css("textarea[name=answer]"))
        .await
        .unwrap()
        .send_keys("Số này của đối tượng lừa đảo, đã đề nghị nhà mạng khóa. Không chuyển tiền.")
        .await
        .unwrap();
    click(c, "input[name=open_case]").await;
    click(c, "td form.stack button[type=submit]").await;
    wait_text(
        c,
        "//*[contains(text(), 'Đã trả lời nhóm tin báo và lập hồ sơ #')]",
    )
    .await;
    // A case-led warning drafted from the group.
    click(c, "form[action='/canh-bao-nguoi-dan'] button[type=submit]").await;
    let body = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("warning-body"))
        .await
        .unwrap();
    let drafted = body.prop("value").await.unwrap().unwrap_or_default();
    assert!(drafted.contains("035***222"), "{drafted}");
    body.send_keys("\nNạn nhân: bà Phạm Thị Lan, số 0912 345 678.")
        .await
        .unwrap();
    click(c, "button[value=save]").await;
    wait_text(c, "//*[contains(text(), 'Đã lưu bản nháp.')]").await;
    let saved = c
        .find(Locator::Id("warning-body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        saved.ends_with("Nạn nhân: bà P.T.L., số 091***678."),
        "{saved}"
    );
    click(c, "button[value=approve]").await;
    wait_text(c, "//*[contains(text(), 'Đã duyệt cảnh báo.')]").await;
    std::fs::write(
        shots.join("congan-canh-bao-nguoi-dan.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    let id = c
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    click(c, "a[href$='/van-ban.txt']").await;
    let text =
        String::from_utf8(downloaded(&downloads.join(format!("canh-bao-{id}.txt"))).await).unwrap();
    assert!(
        text.starts_with("CẢNH BÁO: Lừa đảo qua số điện thoại 035***222"),
        "{text}"
    );
    assert!(
        !text.contains("Phạm Thị Lan") && !text.contains("0912 345 678"),
        "{text}"
    );
    click(c, "a[href$='/the.png']").await;
    let card = downloaded(&downloads.join(format!("canh-bao-{id}.png"))).await;
    assert!(card.starts_with(b"\x89PNG"), "a PNG card");
}
