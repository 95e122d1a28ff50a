//! Journeys in a real browser: Debian's Chromium driven through chromium-driver (WebDriver) with
//! fantoccini, against `sokenh demo` on a free port. Each role signs in through the form, the
//! main pages are opened and saved as screenshots (`target/screenshots/`, CI artefacts), a member
//! declares a page and signs the commitment, and everyone signs out with the button.
//! `.ci/run` installs chromium and chromium-driver; elsewhere the test says it was skipped.

mod common;

use fantoccini::{ClientBuilder, Locator};
use std::path::PathBuf;
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
    let server = common::start_demo(tmp.path());
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
        serde_json::json!({"args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=vi"]}),
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

    for (user, pages) in [
        ("congan", &["/tong-quan", "/so-dang-ky"][..]),
        ("thuongvu", &["/nhat-ky"][..]),
        ("chibo.dongtam", &["/so-dang-ky"][..]),
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
                )),
                png,
            )
            .unwrap();
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
    c.close().await.unwrap();
}
