//! The tip line's chat channels against a local server speaking the platforms' own JSON: the
//! Telegram Bot API (`sendMessage` with its `ok`/`error_code`/`parameters.retry_after` answers,
//! `getFile` and the file download) and the Zalo OA API (`/v3.0/oa/message/cs` with its
//! `access_token` header, `error` codes, -216 for a revoked token). Webhook calls are signed as
//! the platforms sign them (Telegram's secret token header, Zalo's `mac=` SHA-256); tips come in
//! through them, answers go back in the same chat, a rate limit is waited out, a revoked token
//! stops with its message, and no credential appears in any output or audit event.

mod common;

use common::http::*;
use common::platform::{Answer, Call};
use common::{json, sokenh};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const BOT_TOKEN: &str = "7012345678:AAH-test-bot-token-XYZ9";
const BOT_SECRET: &str = "webhook-secret-4c1d";
const OA_TOKEN: &str = "zalo-oa-access-token-Q7w2";
const OA_SECRET: &str = "zalo-oa-secret-key-8k3m";

/// The local platform (see `common::platform`); `rate_limit_next` answers the next
/// `sendMessage` with Telegram's 429.
struct Platform {
    served: common::platform::Platform,
    rate_limit_next: Arc<AtomicBool>,
}

impl Platform {
    fn calls(&self, path_end: &str) -> Vec<Call> {
        self.served.calls(path_end)
    }

    fn wait_calls(&self, path_end: &str, n: usize) -> Vec<Call> {
        self.served.wait_calls(path_end, n)
    }
}

fn platform(photo: Vec<u8>) -> Platform {
    let rate_limit_next = Arc::new(AtomicBool::new(false));
    let limit = rate_limit_next.clone();
    let served = common::platform::serve(move |call| {
        let path = call.path.as_str();
        let telegram_error = |status: u16, description: &str| {
            Answer::json(
                status,
                serde_json::json!({"ok": false, "error_code": status, "description": description}),
            )
        };
        if path.starts_with("/bot") || path.starts_with("/file/bot") {
            let good = path.starts_with(&format!("/bot{BOT_TOKEN}/"))
                || path.starts_with(&format!("/file/bot{BOT_TOKEN}/"));
            if !good {
                telegram_error(401, "Unauthorized")
            } else if path.ends_with("/sendMessage") && limit.swap(false, Ordering::SeqCst) {
                Answer::json(
                    429,
                    serde_json::json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}),
                )
            } else if path.ends_with("/sendMessage") {
                let sent: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
                Answer::json(
                    200,
                    serde_json::json!({"ok": true, "result": {"message_id": 77, "date": 1764600000, "chat": {"id": sent["chat_id"], "type": "private"}, "text": sent["text"]}}),
                )
            } else if path.ends_with("/getFile") {
                Answer::json(
                    200,
                    serde_json::json!({"ok": true, "result": {"file_id": "big", "file_unique_id": "AgAD", "file_size": photo.len(), "file_path": "photos/file_7.png"}}),
                )
            } else if path.ends_with("/photos/file_7.png") {
                Answer {
                    status: 200,
                    headers: Vec::new(),
                    content_type: "image/png".into(),
                    body: photo.clone(),
                }
            } else {
                telegram_error(404, "Not Found")
            }
        } else if path == "/v3.0/oa/message/cs" {
            if call.header("access_token") == Some(OA_TOKEN) {
                let sent: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
                Answer::json(
                    200,
                    serde_json::json!({"error": 0, "message": "Success", "data": {"message_id": "a1b2c3", "user_id": sent["recipient"]["user_id"]}}),
                )
            } else {
                Answer::json(
                    200,
                    serde_json::json!({"error": -216, "message": "Access token is invalid"}),
                )
            }
        } else {
            Answer::json(404, serde_json::json!({"error": "not found"}))
        }
    });
    Platform {
        served,
        rate_limit_next,
    }
}

fn post_webhook(
    s: &common::DemoServer,
    platform: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> u16 {
    let mut req = agent().post(format!("{}/webhooks/{platform}", s.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.header("Content-Type", "application/json")
        .send(body)
        .unwrap()
        .status()
        .as_u16()
}

fn zalo_mac(body: &str, timestamp: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("3141592{body}{timestamp}{OA_SECRET}").as_bytes());
    format!("mac={}", hex::encode(digest))
}

fn telegram_update(id: u64, chat: i64, chat_type: &str, message: serde_json::Value) -> String {
    let mut m = serde_json::json!({
        "message_id": id,
        "from": {"id": chat, "is_bot": false, "first_name": "Bà", "language_code": "vi"},
        "chat": {"id": chat, "first_name": "Bà", "type": chat_type},
        "date": 1764600000,
    });
    for (k, v) in message.as_object().unwrap() {
        m[k] = v.clone();
    }
    serde_json::json!({"update_id": 900_000 + id, "message": m}).to_string()
}

fn text_of(call: &Call) -> String {
    let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
    body["text"]
        .as_str()
        .or(body["message"]["text"].as_str())
        .unwrap_or("")
        .to_owned()
}

fn outputs(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn tips_come_in_through_telegram_and_zalo_and_are_answered_in_the_same_chat() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    json(&sokenh(data, &["demo", "--no-serve", "--json"]));
    json(&sokenh(
        data,
        &[
            "share",
            "add",
            "--kind",
            "phone",
            "--value",
            "0356 111 222",
            "--role",
            "scammer",
            "--json",
        ],
    ));
    let photo = {
        let image = media::image::RgbImage::from_fn(320, 480, |x, y| {
            media::image::Rgb([((x / 40 + y / 40) % 2 * 220) as u8, (x / 2) as u8, 60])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        media::image::DynamicImage::ImageRgb8(image)
            .write_to(&mut out, media::image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let p = platform(photo.clone());
    let secret = |name: &str, value: &str| {
        let path = data.join(name);
        std::fs::write(&path, format!("{value}\n")).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let mut printed = String::new();
    for (platform, credential, key) in [
        (
            "telegram",
            secret("bot.token", BOT_TOKEN),
            secret("bot.secret", BOT_SECRET),
        ),
        (
            "zalo",
            secret("oa.token", OA_TOKEN),
            secret("oa.secret", OA_SECRET),
        ),
    ] {
        let out = sokenh(
            data,
            &[
                "tips",
                "channel",
                "add",
                platform,
                "--credential-file",
                &credential,
                "--secret-file",
                &key,
                "--api-base",
                &p.served.base,
                "--json",
            ],
        );
        printed.push_str(&outputs(&out));
        let added = json(&out);
        assert_eq!(added["platform"], platform);
        assert_eq!(added["webhook"], format!("/webhooks/{platform}"));
    }
    let listed = sokenh(data, &["tips", "channel", "list", "--json"]);
    printed.push_str(&outputs(&listed));
    let listed = json(&listed);
    assert_eq!(listed[0]["credential_tail"], "…XYZ9");
    assert_eq!(listed[1]["credential_tail"], "…Q7w2");
    let s = common::start_demo(data);

    // A grandmother writes to the bot about a number: answered at once in her chat, with a code.
    let update = telegram_update(
        1,
        4242,
        "private",
        serde_json::json!({"text": "Số 0356 111 222 gọi bảo tôi chuyển tiền nhận quà"}),
    );
    assert_eq!(
        post_webhook(
            &s,
            "telegram",
            &[("X-Telegram-Bot-Api-Secret-Token", BOT_SECRET)],
            &update
        ),
        200
    );
    let sent = p.wait_calls("/sendMessage", 1);
    let first: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(first["chat_id"], 4242);
    let said = text_of(&sent[0]);
    assert!(said.starts_with("Đã nhận tin báo. Mã của bạn: "), "{said}");
    assert!(
        said.contains("Cảnh báo: Số điện thoại «0356 111 222» là của đối tượng lừa đảo"),
        "{said}"
    );
    // Forged: a wrong secret, no secret; a group chat is not a tip.
    assert_eq!(
        post_webhook(
            &s,
            "telegram",
            &[("X-Telegram-Bot-Api-Secret-Token", "nope")],
            &update
        ),
        403
    );
    assert_eq!(post_webhook(&s, "telegram", &[], &update), 403);
    let group = telegram_update(
        2,
        -100_777,
        "supergroup",
        serde_json::json!({"text": "0356111222"}),
    );
    assert_eq!(
        post_webhook(
            &s,
            "telegram",
            &[("X-Telegram-Bot-Api-Secret-Token", BOT_SECRET)],
            &group
        ),
        200
    );
    // A screenshot with a caption: fetched through getFile, kept with the tip.
    let pictured = telegram_update(
        3,
        4343,
        "private",
        serde_json::json!({"caption": "Tin nhắn này có phải lừa đảo không?", "photo": [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 135, "file_size": 900},
            {"file_id": "big", "file_unique_id": "b", "width": 320, "height": 480, "file_size": 9000}
        ]}),
    );
    assert_eq!(
        post_webhook(
            &s,
            "telegram",
            &[("X-Telegram-Bot-Api-Secret-Token", BOT_SECRET)],
            &pictured
        ),
        200
    );
    let got = p.wait_calls("/getFile", 1);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&got[0].body).unwrap()["file_id"],
        "big"
    );
    p.wait_calls("/sendMessage", 2);

    // Zalo: a signed user_send_text event; answered through the OA's consultation message.
    let event = serde_json::json!({
        "app_id": "3141592", "user_id_by_app": "55501",
        "sender": {"id": "2468013579"}, "recipient": {"id": "1357924680"},
        "event_name": "user_send_text",
        "message": {"msg_id": "f3a9", "text": "Họ bảo chuyển phí vào STK 0123456789 để nhận thưởng"},
        "timestamp": "1764600000000"
    })
    .to_string();
    assert_eq!(
        post_webhook(
            &s,
            "zalo",
            &[("X-ZEvent-Signature", &zalo_mac(&event, "1764600000000"))],
            &event
        ),
        200
    );
    let cs = p.wait_calls("/v3.0/oa/message/cs", 1);
    let header = cs[0]
        .headers
        .iter()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.as_str());
    assert_eq!(header, Some(OA_TOKEN));
    let body: serde_json::Value = serde_json::from_slice(&cs[0].body).unwrap();
    assert_eq!(body["recipient"]["user_id"], "2468013579");
    assert!(text_of(&cs[0]).starts_with("Đã nhận tin báo. Mã của bạn: "));
    assert_eq!(
        post_webhook(&s, "zalo", &[("X-ZEvent-Signature", "mac=00")], &event),
        403
    );

    // What was kept: three tips (the group chat and the forged calls none), one with its picture.
    let app = app::App::open(data, None).unwrap();
    let groups = app.tip_groups(&app::Actor::cli()).unwrap();
    assert_eq!(groups.iter().map(|g| g.tips).sum::<i64>(), 3, "{groups:?}");
    assert_eq!(app.store().unwrap().tip_pictures(None).unwrap().len(), 1);
    // The officer answers the number's group and the account's; the replies go out in the
    // same chats, the bot's rate limit waited out.
    for g in &groups {
        if g.key.starts_with("phone:") || g.key.starts_with("account:") {
            app.answer_tips(
                &app::Actor::cli(),
                g.id,
                "confirmed",
                "Đúng là lừa đảo, đã chặn số.",
                false,
            )
            .unwrap();
        }
    }
    let before = p.calls("/sendMessage").len();
    p.rate_limit_next.store(true, Ordering::SeqCst);
    let reply = sokenh(data, &["tips", "reply", "--json"]);
    printed.push_str(&outputs(&reply));
    let counts = json(&reply);
    assert_eq!(
        (counts["sent"].as_u64(), counts["failed"].as_u64()),
        (Some(2), Some(0)),
        "{counts}"
    );
    let after = p.calls("/sendMessage");
    assert_eq!(after.len(), before + 2, "the 429, then the reply");
    assert_eq!(
        text_of(after.last().unwrap()),
        "Trả lời tin báo của bạn: Đúng là lừa đảo, đã chặn số."
    );
    let zalo = p.calls("/v3.0/oa/message/cs");
    assert_eq!(
        text_of(zalo.last().unwrap()),
        "Trả lời tin báo của bạn: Đúng là lừa đảo, đã chặn số."
    );
    // Sent once: a second round has nothing to send.
    let again = json(&sokenh(data, &["tips", "reply", "--json"]));
    assert_eq!(again["sent"], 0);

    // A revoked OA token: the reply stops with the message, and is owed still.
    let bad = secret("oa.bad", "revoked-token-0000");
    let oa_secret = data.join("oa.secret");
    json(&sokenh(
        data,
        &[
            "tips",
            "channel",
            "add",
            "zalo",
            "--credential-file",
            &bad,
            "--secret-file",
            oa_secret.to_str().unwrap(),
            "--api-base",
            &p.served.base,
            "--json",
        ],
    ));
    let second = serde_json::json!({
        "app_id": "3141592", "sender": {"id": "2468013579"}, "recipient": {"id": "1357924680"},
        "event_name": "user_send_text", "message": {"msg_id": "f3b0", "text": "Link https://nhan-qua-tet.top bảo nhập OTP"},
        "timestamp": "1764600100000"
    })
    .to_string();
    assert_eq!(
        post_webhook(
            &s,
            "zalo",
            &[("X-ZEvent-Signature", &zalo_mac(&second, "1764600100000"))],
            &second
        ),
        200
    );
    let link = app
        .tip_groups(&app::Actor::cli())
        .unwrap()
        .into_iter()
        .find(|g| g.key.starts_with("link:"))
        .unwrap();
    app.answer_tips(
        &app::Actor::cli(),
        link.id,
        "confirmed",
        "Trang giả, không nhập OTP.",
        false,
    )
    .unwrap();
    let stopped = sokenh(data, &["tips", "reply", "--json"]);
    printed.push_str(&outputs(&stopped));
    assert_eq!(stopped.status.code(), Some(1));
    let counts: serde_json::Value = serde_json::from_slice(&stopped.stdout).unwrap();
    assert_eq!(counts["failed"], 1);
    assert!(
        counts["errors"][0]
            .as_str()
            .unwrap()
            .contains("Zalo từ chối mã truy cập của OA"),
        "{counts}"
    );

    // No credential or secret in any output, or in the audit log.
    let events = app.store().unwrap().audit_events().unwrap();
    let audit: String = events.iter().map(|e| e.details.clone()).collect();
    for secret in [
        BOT_TOKEN,
        BOT_SECRET,
        OA_TOKEN,
        OA_SECRET,
        "revoked-token-0000",
    ] {
        assert!(!printed.contains(secret), "{secret} printed");
        assert!(!audit.contains(secret), "{secret} audited");
    }
    assert!(
        !audit.contains("4242") && !audit.contains("2468013579"),
        "no chat address audited"
    );
    assert!(events.iter().filter(|e| e.action == "tip.reply").count() >= 2);
    drop(s);
}
