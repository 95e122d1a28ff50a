//! The tip line's chat channels: the office's Telegram bot and Zalo Official Account take the
//! same tips as the web form and answer in the same chat. A webhook call is checked first
//! (Telegram's `X-Telegram-Bot-Api-Secret-Token`, the secret given to `setWebhook`; Zalo's
//! `X-ZEvent-Signature`, `mac=` SHA-256 of app id, body, timestamp and the OA secret key), then
//! read in the platform's own JSON (a Telegram `Update` from a private chat, text or caption and
//! its largest photo fetched through the bot's own `getFile`; a Zalo `user_send_text` event),
//! the number, account and link taken from the words, and submitted as a tip whose reply
//! address (`telegram:CHAT` or `zalo:USER`) is kept as its contact — purged like any contact.
//! The instant answer goes back at once; the officer's answer to the group later
//! ([`App::send_tip_replies`], run by `serve` every minute and by `sokenh tips reply`).
//! Credentials and secrets are sealed with the data dir's key, shown only by their last four
//! characters, and never logged, audited or printed.

use crate::tips::{NewTip, Screenshot};
use crate::{Actor, App, Error, ErrorKind};
use domain::Permission;
use serde::Serialize;
use serde_json::Value;

pub const PLATFORMS: [&str; 2] = ["telegram", "zalo"];
pub const TELEGRAM_API: &str = "https://api.telegram.org";
pub const ZALO_API: &str = "https://openapi.zalo.me";

/// The longest wait a platform may ask for before a retry (seconds).
const MAX_RETRY_AFTER: u64 = 30;

/// A channel as listed: never its credential, only the last four characters.
#[derive(Clone, Debug, Serialize)]
pub struct ChannelInfo {
    pub platform: String,
    pub api_base: String,
    pub credential_tail: String,
    /// Where the platform must send its webhook calls (on this server).
    pub webhook: String,
    pub added_by: String,
    pub added_at: String,
}

/// What a webhook call carried for its check.
#[derive(Clone, Debug, Default)]
pub struct WebhookAuth {
    /// Telegram: `X-Telegram-Bot-Api-Secret-Token`.
    pub secret_token: Option<String>,
    /// Zalo: `X-ZEvent-Signature`.
    pub signature: Option<String>,
}

/// A message to send in a chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatReply {
    pub platform: String,
    pub to: String,
    pub text: String,
}

/// The officer's answers sent in their chats.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReplyCounts {
    pub sent: u64,
    pub failed: u64,
    pub errors: Vec<String>,
}

fn tail(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let keep = chars.len().saturating_sub(4);
    format!("…{}", chars[keep..].iter().collect::<String>())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(20)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Telegram's API error in words (never the token, which is in the URL).
fn telegram_error(status: u16, body: &Value) -> String {
    match status {
        401 | 404 => "Telegram từ chối mã bot (sai hoặc đã bị thu hồi): hãy cấp lại mã bằng `sokenh tips channel add telegram`.".to_owned(),
        _ => format!(
            "Telegram trả lời {status}: {}",
            body["description"].as_str().unwrap_or("không rõ")
        ),
    }
}

impl App {
    /// The office's Telegram bot or Zalo OA added (or replaced) as a tip channel: its credential
    /// (the bot's token; the OA's access token) and its webhook secret (the `secret_token` given
    /// to `setWebhook`; the OA secret key), sealed; `api_base` for another server speaking the
    /// platform's API (tests).
    pub fn add_tip_channel(
        &self,
        actor: &Actor,
        platform: &str,
        credential: &str,
        secret: &str,
        api_base: Option<&str>,
    ) -> Result<ChannelInfo, Error> {
        actor.require(Permission::Administer)?;
        if !PLATFORMS.contains(&platform) {
            return Err(Error::invalid("platform", "Kênh: telegram hoặc zalo."));
        }
        let (credential, secret) = (credential.trim(), secret.trim());
        if credential.is_empty() || secret.is_empty() {
            return Err(Error::invalid(
                "credential",
                "Cần mã truy cập và khóa bí mật của kênh.",
            ));
        }
        let api_base = api_base
            .map(|b| b.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| {
                if platform == "telegram" {
                    TELEGRAM_API
                } else {
                    ZALO_API
                }
                .to_owned()
            });
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            return Err(Error::invalid(
                "api_base",
                "Địa chỉ API phải là http(s)://…",
            ));
        }
        let channel = domain::TipChannel {
            platform: platform.to_owned(),
            credential: crate::exchange::seal(self.data_dir(), credential)?,
            secret: crate::exchange::seal(self.data_dir(), secret)?,
            api_base,
            added_by: String::new(),
            added_at: String::new(),
        };
        self.store()?.put_tip_channel(&actor.name, &channel)?;
        self.tip_channels(actor)?
            .into_iter()
            .find(|c| c.platform == platform)
            .ok_or_else(|| Error::not_found("kênh", platform))
    }

    /// The tip channels, credentials shown by their last four characters only.
    pub fn tip_channels(&self, actor: &Actor) -> Result<Vec<ChannelInfo>, Error> {
        actor.require(Permission::Administer)?;
        self.store()?
            .tip_channels()?
            .into_iter()
            .map(|c| {
                Ok(ChannelInfo {
                    credential_tail: tail(&crate::exchange::unseal(
                        self.data_dir(),
                        &c.credential,
                    )?),
                    webhook: format!("/webhooks/{}", c.platform),
                    platform: c.platform,
                    api_base: c.api_base,
                    added_by: c.added_by,
                    added_at: c.added_at,
                })
            })
            .collect()
    }

    /// The channel of `platform` with its credential and secret opened.
    fn open_channel(&self, platform: &str) -> Result<(domain::TipChannel, String, String), Error> {
        let Some(c) = self
            .store()?
            .tip_channels()?
            .into_iter()
            .find(|c| c.platform == platform)
        else {
            return Err(Error::not_found("kênh nhận tin báo", platform));
        };
        let credential = crate::exchange::unseal(self.data_dir(), &c.credential)?;
        let secret = crate::exchange::unseal(self.data_dir(), &c.secret)?;
        Ok((c, credential, secret))
    }

    /// A webhook call of `platform` taken in (see the module's doc): refused (`Forbidden`)
    /// when its secret or signature is wrong; what to answer in the chat, if anything.
    pub fn chat_tip(
        &self,
        platform: &str,
        auth: &WebhookAuth,
        body: &[u8],
    ) -> Result<Option<ChatReply>, Error> {
        self.chat_tip_check(platform, auth, body)?;
        let (channel, credential, _) = self.open_channel(platform)?;
        let event: Value = serde_json::from_slice(body)
            .map_err(|_| Error::invalid("body", "Lời gọi không phải JSON."))?;
        let (to, sender, words, photo) = match platform {
            "telegram" => {
                let m = &event["message"];
                if m["chat"]["type"].as_str() != Some("private") {
                    return Ok(None);
                }
                let Some(chat) = m["chat"]["id"].as_i64() else {
                    return Ok(None);
                };
                let words = m["text"]
                    .as_str()
                    .or(m["caption"].as_str())
                    .unwrap_or("")
                    .to_owned();
                let photo = m["photo"]
                    .as_array()
                    .and_then(|sizes| sizes.last())
                    .and_then(|p| p["file_id"].as_str())
                    .map(str::to_owned);
                (
                    chat.to_string(),
                    format!("telegram:{}", m["from"]["id"].as_i64().unwrap_or(chat)),
                    words,
                    photo,
                )
            }
            _ => {
                if !matches!(
                    event["event_name"].as_str(),
                    Some("user_send_text" | "user_send_image")
                ) {
                    return Ok(None);
                }
                let Some(user) = event["sender"]["id"].as_str() else {
                    return Ok(None);
                };
                (
                    user.to_owned(),
                    format!("zalo:{user}"),
                    event["message"]["text"].as_str().unwrap_or("").to_owned(),
                    None,
                )
            }
        };
        let reply = |text: String| {
            Ok(Some(ChatReply {
                platform: platform.to_owned(),
                to: to.clone(),
                text,
            }))
        };
        let trimmed = words.trim();
        // A code sent back: that tip's status.
        if is_code(trimmed) {
            return match self.tip_status(trimmed) {
                Ok(s) => reply(match s.reply {
                    Some(r) => format!("Tin báo {}: cán bộ đã trả lời: {r}", s.code),
                    None => format!(
                        "Tin báo {}: cán bộ chưa trả lời. {}",
                        s.code, s.answer.summary
                    ),
                }),
                Err(_) => reply("Không có tin báo với mã này.".to_owned()),
            };
        }
        if trimmed.is_empty() && photo.is_none() || trimmed == "/start" {
            return reply(
                "Xin chào. Hãy gửi số điện thoại, số tài khoản, đường dẫn hoặc kể lại điều bạn gặp (có thể kèm ảnh chụp màn hình); đơn vị trả lời ngay những gì đã biết và báo lại khi cán bộ xem xét xong.".to_owned(),
            );
        }
        let pictures = match photo {
            Some(file) => vec![self.telegram_photo(&channel, &credential, &file)?],
            None => Vec::new(),
        };
        let mut tip = NewTip {
            channel: platform.to_owned(),
            text: trimmed.to_owned(),
            contact: format!("{platform}:{to}"),
            consent: true,
            sender,
            pictures,
            ..NewTip::default()
        };
        for e in ::text::extract(trimmed) {
            use ::text::EntityKind::*;
            match e.kind {
                Phone if tip.phone.is_empty() => tip.phone = e.text,
                BankAccount if tip.account.is_empty() => tip.account = e.text,
                Url if tip.link.is_empty() => tip.link = e.text,
                _ => {}
            }
        }
        match self.submit_tip(tip) {
            Ok((code, answer)) => reply(format!(
                "Đã nhận tin báo. Mã của bạn: {code} (gửi lại mã này để xem trả lời của cán bộ).\n{}",
                answer.summary
            )),
            Err(e) if matches!(e.kind, ErrorKind::Invalid { .. }) => reply(e.message),
            Err(e) => Err(e),
        }
    }

    /// A webhook call's secret (Telegram) or signature (Zalo) checked: `Forbidden` when wrong.
    pub fn chat_tip_check(
        &self,
        platform: &str,
        auth: &WebhookAuth,
        body: &[u8],
    ) -> Result<(), Error> {
        let (_, _, secret) = self.open_channel(platform)?;
        let right = if platform == "telegram" {
            let given = auth.secret_token.as_deref().unwrap_or("");
            ring_eq(given.as_bytes(), secret.as_bytes())
        } else {
            let event: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let app_id = event["app_id"].as_str().unwrap_or("");
            let timestamp = match &event["timestamp"] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            };
            let mut mac = Vec::with_capacity(body.len() + 128);
            mac.extend_from_slice(app_id.as_bytes());
            mac.extend_from_slice(body);
            mac.extend_from_slice(timestamp.as_bytes());
            mac.extend_from_slice(secret.as_bytes());
            let want = format!("mac={}", crate::evidence::sha256(&mac));
            ring_eq(
                auth.signature.as_deref().unwrap_or("").as_bytes(),
                want.as_bytes(),
            )
        };
        if right {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Forbidden,
                "chữ ký hoặc khóa bí mật của lời gọi không đúng",
            ))
        }
    }

    /// A Telegram photo fetched through the bot's own `getFile` (never a link from the message).
    fn telegram_photo(
        &self,
        channel: &domain::TipChannel,
        token: &str,
        file_id: &str,
    ) -> Result<Screenshot, Error> {
        let base = &channel.api_base;
        let mut r = agent()
            .post(format!("{base}/bot{token}/getFile"))
            .header("Content-Type", "application/json")
            .send(serde_json::json!({ "file_id": file_id }).to_string())
            .map_err(|e| {
                Error::new(
                    ErrorKind::Unavailable,
                    format!(
                        "Telegram không trả lời: {}",
                        e.to_string().replace(token, "…")
                    ),
                )
            })?;
        let status = r.status().as_u16();
        let body: Value = json_body(&mut r, 1 << 20);
        let Some(path) = body["result"]["file_path"]
            .as_str()
            .filter(|_| status == 200)
        else {
            return Err(Error::new(
                ErrorKind::Unavailable,
                telegram_error(status, &body),
            ));
        };
        if body["result"]["file_size"].as_u64().unwrap_or(0) > crate::tips::MAX_PICTURE_BYTES as u64
        {
            return Err(Error::invalid("screenshot", "Ảnh quá lớn."));
        }
        let mut r = agent()
            .get(format!("{base}/file/bot{token}/{path}"))
            .call()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Unavailable,
                    format!(
                        "Telegram không trả lời: {}",
                        e.to_string().replace(token, "…")
                    ),
                )
            })?;
        let bytes = r
            .body_mut()
            .with_config()
            .limit(crate::tips::MAX_PICTURE_BYTES as u64)
            .read_to_vec()
            .map_err(|_| Error::invalid("screenshot", "Ảnh quá lớn hoặc tải không trọn."))?;
        Ok(Screenshot {
            name: path.rsplit('/').next().unwrap_or("anh").to_owned(),
            bytes,
        })
    }

    /// A message sent in a chat through the platform's API; a rate limit is waited out once
    /// (Telegram's `retry_after`, at most 30 s); an expired or revoked credential says so.
    pub fn send_chat(&self, reply: &ChatReply) -> Result<(), Error> {
        let (channel, credential, _) = self.open_channel(&reply.platform)?;
        let base = &channel.api_base;
        let unavailable =
            |m: String| Error::new(ErrorKind::Unavailable, m.replace(&credential, "…"));
        for attempt in 0..2 {
            if reply.platform == "telegram" {
                let mut r = agent()
                    .post(format!("{base}/bot{credential}/sendMessage"))
                    .header("Content-Type", "application/json")
                    .send(
                        serde_json::json!({
                            "chat_id": reply.to.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(reply.to.clone())),
                            "text": reply.text,
                        })
                        .to_string(),
                    )
                    .map_err(|e| unavailable(format!("Telegram không trả lời: {e}")))?;
                let status = r.status().as_u16();
                let body: Value = json_body(&mut r, 1 << 20);
                if status == 200 && body["ok"] == true {
                    return Ok(());
                }
                if status == 429 && attempt == 0 {
                    let wait = body["parameters"]["retry_after"].as_u64().unwrap_or(1);
                    std::thread::sleep(std::time::Duration::from_secs(wait.min(MAX_RETRY_AFTER)));
                    continue;
                }
                return Err(unavailable(telegram_error(status, &body)));
            }
            let mut r = agent()
                .post(format!("{base}/v3.0/oa/message/cs"))
                .header("access_token", &credential)
                .header("Content-Type", "application/json")
                .send(
                    serde_json::json!({
                        "recipient": {"user_id": reply.to},
                        "message": {"text": reply.text},
                    })
                    .to_string(),
                )
                .map_err(|e| unavailable(format!("Zalo không trả lời: {e}")))?;
            let body: Value = json_body(&mut r, 1 << 20);
            return match body["error"].as_i64() {
                Some(0) => Ok(()),
                Some(-216 | -124) => Err(unavailable(
                    "Zalo từ chối mã truy cập của OA (hết hạn hoặc bị thu hồi): hãy cấp lại bằng `sokenh tips channel add zalo`.".to_owned(),
                )),
                Some(code) => Err(unavailable(format!(
                    "Zalo trả lời lỗi {code}: {}",
                    body["message"].as_str().unwrap_or("không rõ")
                ))),
                None => Err(unavailable("Zalo trả lời không đúng dạng.".to_owned())),
            };
        }
        Err(unavailable("Telegram vẫn giới hạn tốc độ gửi.".to_owned()))
    }

    /// The officer's answers owed in their chats sent (each once, audited `tip.reply`); a
    /// failure is counted and said, the tip left to the next round.
    pub fn send_tip_replies(&self, actor: &Actor) -> Result<ReplyCounts, Error> {
        actor.require_province(Permission::Triage)?;
        let mut counts = ReplyCounts::default();
        let owed = self.store()?.tips_to_reply(500)?;
        for (tip, answer) in owed {
            let Some((platform, to)) = tip.contact.as_deref().and_then(|c| c.split_once(':'))
            else {
                continue;
            };
            let reply = ChatReply {
                platform: platform.to_owned(),
                to: to.to_owned(),
                text: format!("Trả lời tin báo của bạn: {answer}"),
            };
            match self.send_chat(&reply) {
                Ok(()) => {
                    self.store()?
                        .mark_tip_replied(&actor.name, tip.id, platform)?;
                    counts.sent += 1;
                }
                Err(e) => {
                    counts.failed += 1;
                    if !counts.errors.contains(&e.message) {
                        counts.errors.push(e.message);
                    }
                }
            }
        }
        Ok(counts)
    }
}

/// A platform's JSON answer (`null` when it is not JSON), at most `limit` bytes.
pub(crate) fn json_body(r: &mut ureq::http::Response<ureq::Body>, limit: u64) -> Value {
    r.body_mut()
        .with_config()
        .limit(limit)
        .read_to_string()
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

/// Equal in constant time (for secrets).
fn ring_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `ABCDE-FGHJK`: a tip's code as the reporter keeps it.
fn is_code(s: &str) -> bool {
    let s = s.to_uppercase();
    s.len() == 11
        && s.as_bytes()[5] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 5 || c.is_ascii_alphanumeric())
}
