//! The people's side: a citizen's tip (a link, a phone number, a bank account, their words, up
//! to three screenshots), answered at once from what the office already knows — the register (an
//! official channel? a page marked as impersonating?), the block and allow lists, indicators
//! confirmed here or shared by other offices (numbers plain or as keyed hashes), the fact-check
//! register — and never by a guess: the learned model and the rules' phrases do not answer a
//! citizen, and "chưa có thông tin" is an answer. Tips about the same number, account, link or
//! text form one group; an officer answers the group once and every reporter sees it on their
//! status page (the code is the secret; only its SHA-256 is kept). A contact is kept only with
//! consent, and cleared [`CONTACT_RETENTION_DAYS`] after its group was answered; the sender is
//! kept only as a keyed hash. A near-duplicate screenshot (PDQ) or text (SimHash) joins the
//! group already made; a confirmed group may open a case with its screenshots as evidence, and
//! the next tips about it are told the case.

use crate::{Actor, App, Error};
use domain::{Classification, Permission, Status};
use serde::Serialize;

/// How long the instant answer's engine is used before it is built again from the store.
pub const ENGINE_FRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a reporter's contact is kept after their group was answered (days).
pub const CONTACT_RETENTION_DAYS: i64 = 30;

/// The largest text, link and contact a tip takes (characters).
pub const MAX_TEXT: usize = 5_000;
pub const MAX_LINK: usize = 2_000;
pub const MAX_CONTACT: usize = 200;

/// Screenshots a tip may carry, and the largest one (bytes).
pub const MAX_PICTURES: usize = 3;
pub const MAX_PICTURE_BYTES: usize = 5 << 20;

/// The largest screenshot decoded: 8,000 px a side, 128 MiB of pixels.
const PICTURE_MAX_SIDE: u32 = 8_000;
const PICTURE_MAX_ALLOC: u64 = 128 << 20;

/// Two texts whose 64-bit SimHash differs in at most this many bits are one group.
pub const TEXT_NEAR_BITS: u32 = 10;

/// A screenshot as sent: its file name and bytes.
#[derive(Clone, Debug, Default)]
pub struct Screenshot {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What a citizen sends.
#[derive(Clone, Debug, Default)]
pub struct NewTip {
    /// `web` (the form) or `api`.
    pub channel: String,
    pub link: String,
    pub phone: String,
    pub account: String,
    pub text: String,
    pub contact: String,
    pub consent: bool,
    /// Where it came from (an address): kept only as a keyed hash.
    pub sender: String,
    /// The form's hidden field no person fills in.
    pub honeypot: String,
    /// Up to [`MAX_PICTURES`] screenshots.
    pub pictures: Vec<Screenshot>,
}

/// One thing the office knows that the tip matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Match {
    /// `official` (a channel of the register), `impostor` (a page marked impersonating),
    /// `blocklist` (a link on the block list or a shared indicator), `known_number` (a scammer's
    /// number or account), `case` (the case it was confirmed in), `factcheck` (a claim the
    /// register verified false), `answered` (an officer's answer to the same report).
    pub kind: String,
    #[serde(rename = "ref")]
    pub reference: String,
    /// What it means, in Vietnamese.
    pub says: String,
}

/// The instant answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Answer {
    pub known: bool,
    pub summary: String,
    pub matches: Vec<Match>,
}

/// A tip as its reporter sees it.
#[derive(Clone, Debug, Serialize)]
pub struct TipStatus {
    pub code: String,
    /// `received` (an officer has not answered yet) or `answered`.
    pub status: String,
    pub answer: Answer,
    /// The officer's answer to the group, once given.
    pub reply: Option<String>,
}

fn new_code() -> Result<String, Error> {
    // 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L): about 50 bits.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 10];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| anyhow::anyhow!("không lấy được số ngẫu nhiên"))?;
    let code: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}", &code[..5], &code[5..]))
}

fn code_sha256(code: &str) -> String {
    crate::accounts::token_sha256(&code.trim().to_uppercase())
}

/// The case a matched indicator was confirmed in (`known:KIND:VALUE`, `blocklist:VALUE`).
fn case_of(indicators: &[domain::SharedIndicator], reference: &str) -> Option<i64> {
    let (kind, value) = match reference.split_once(':')? {
        ("known", rest) => rest.split_once(':')?,
        ("blocklist", value) => ("", value),
        _ => return None,
    };
    indicators
        .iter()
        .filter(|i| i.local && !i.revoked)
        .filter(|i| kind.is_empty() || i.kind == kind)
        .find(|i| {
            i.value == value
                || detect::urls::without_scheme(&i.value) == detect::urls::without_scheme(value)
        })
        .and_then(|i| i.case_ref.as_deref()?.strip_prefix("case:")?.parse().ok())
}

/// A 64-bit SimHash of a text's folded words and word pairs: near-duplicate texts (a word
/// changed, a sign added) differ in few bits.
pub fn simhash(text: &str) -> u64 {
    let folded = text::fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut weights = [0i32; 64];
    let mut add = |feature: &str| {
        let digest = ring::digest::digest(&ring::digest::SHA256, feature.as_bytes());
        let h = u64::from_le_bytes(digest.as_ref()[..8].try_into().unwrap_or_default());
        for (bit, w) in weights.iter_mut().enumerate() {
            *w += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    for w in &words {
        add(w);
    }
    for pair in words.windows(2) {
        add(&format!("{} {}", pair[0], pair[1]));
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0)
        .fold(0u64, |h, (bit, _)| h | 1 << bit)
}

/// Screenshots checked (how many, how large, pictures by their content) and hashed (PDQ,
/// kept only when strong enough to group by).
fn screenshots(sent: &[Screenshot]) -> Result<Vec<(&[u8], domain::TipPicture)>, Error> {
    if sent.len() > MAX_PICTURES {
        return Err(Error::invalid(
            "screenshot",
            format!("Chỉ nhận tối đa {MAX_PICTURES} ảnh chụp màn hình."),
        ));
    }
    sent.iter()
        .map(|shot| {
            if shot.bytes.len() > MAX_PICTURE_BYTES {
                return Err(Error::invalid(
                    "screenshot",
                    format!(
                        "Ảnh «{}» quá lớn (tối đa {} MB).",
                        crate::cases::evidence_name(&shot.name),
                        MAX_PICTURE_BYTES >> 20
                    ),
                ));
            }
            let media_type = crate::cases::evidence_type(&shot.bytes)
                .filter(|t| t.starts_with("image/"))
                .ok_or_else(|| {
                    Error::invalid(
                        "screenshot",
                        format!(
                            "Tệp «{}» không phải ảnh PNG, JPEG, WebP hay GIF.",
                            crate::cases::evidence_name(&shot.name)
                        ),
                    )
                })?;
            let image = media::decode_within(&shot.bytes, PICTURE_MAX_SIDE, PICTURE_MAX_ALLOC)
                .map_err(|_| {
                    Error::invalid(
                        "screenshot",
                        format!(
                            "Không đọc được ảnh «{}» (hỏng hoặc quá lớn).",
                            crate::cases::evidence_name(&shot.name)
                        ),
                    )
                })?;
            let pdq = media::pdq_of(&image);
            Ok((
                shot.bytes.as_slice(),
                domain::TipPicture {
                    tip_id: 0,
                    sha256: crate::evidence::sha256(&shot.bytes),
                    media_type: media_type.to_owned(),
                    size: shot.bytes.len() as u64,
                    pdq: pdq.trustworthy().then(|| pdq.hash.to_hex()),
                },
            ))
        })
        .collect()
}

impl App {
    /// What the office already knows of a link, a number, an account and a text (see the
    /// module's doc); never a guess.
    pub fn instant_answer(
        &self,
        link: Option<&str>,
        phone: Option<&str>,
        account: Option<&str>,
        text: &str,
        answered: Option<&str>,
    ) -> Result<Answer, Error> {
        let mut matches: Vec<Match> = Vec::new();
        let mut s = self.store()?;
        if let Some(link) = link
            && let Ok(url) = domain::CanonicalUrl::parse(link)
            && let Some(c) = s.communities()?.into_iter().find(|c| {
                c.url.as_deref().is_some_and(|u| {
                    u == url.as_str() || domain::CanonicalUrl::parse(u).is_ok_and(|k| k == url)
                })
            })
        {
            if c.status == Status::Impersonating {
                matches.push(Match {
                    kind: "impostor".into(),
                    reference: url.as_str().into(),
                    says: format!(
                        "Trang «{}» đã được cán bộ xác định là trang giả mạo. Không liên hệ, không chuyển tiền.",
                        c.name
                    ),
                });
            } else if c.classification == Classification::Official {
                matches.push(Match {
                    kind: "official".into(),
                    reference: url.as_str().into(),
                    says: format!(
                        "Đây là kênh chính thức «{}»{}.",
                        c.name,
                        c.unit
                            .as_deref()
                            .map(|u| format!(" của {u}"))
                            .unwrap_or_default()
                    ),
                });
            }
        }
        // The lists and registers, through the screening engine's own matching (links, numbers
        // as written, accounts after the word that marks them); its rules and model are not asked.
        let engine = self.tips_engine(&mut s)?;
        let indicators = s.indicators()?;
        let cases: Vec<i64> = indicators
            .iter()
            .filter_map(|i| i.case_ref.as_deref()?.strip_prefix("case:")?.parse().ok())
            .filter(|c| matches!(s.case(*c), Ok(Some(_))))
            .collect();
        drop(s);
        let probe = [
            link.unwrap_or(""),
            phone.unwrap_or(""),
            &account.map(|a| format!("STK {a}")).unwrap_or_default(),
            text,
        ]
        .join("\n");
        for sig in engine.screen(&probe) {
            let kind = match sig.detector {
                "urls" if sig.reference.starts_with("blocklist:") => "blocklist",
                "numbers" => "known_number",
                "factcheck" => "factcheck",
                _ => continue,
            };
            if matches.iter().any(|m| m.reference == sig.reference) {
                continue;
            }
            // The explanation without its score: what the citizen reads.
            let says = format!(
                "{}.",
                sig.explanation
                    .rsplit_once(" (điểm ")
                    .map_or(sig.explanation.as_str(), |(w, _)| w)
            );
            let case = (kind != "factcheck")
                .then(|| case_of(&indicators, &sig.reference))
                .flatten()
                .filter(|c| cases.contains(c));
            matches.push(Match {
                kind: kind.into(),
                reference: sig.reference,
                says,
            });
            if let Some(case) = case
                && !matches
                    .iter()
                    .any(|m| m.reference == format!("case:{case}"))
            {
                matches.push(Match {
                    kind: "case".into(),
                    reference: format!("case:{case}"),
                    says: format!("Đã có trong hồ sơ vụ việc số {case} của cơ quan công an: đã xác nhận là lừa đảo."),
                });
            }
        }
        if let Some(reply) = answered {
            matches.push(Match {
                kind: "answered".into(),
                reference: "tip_group".into(),
                says: format!("Cán bộ đã trả lời tin báo giống tin này: «{reply}»"),
            });
        }
        let official_only = matches.iter().all(|m| m.kind == "official");
        let summary = match (matches.first(), official_only) {
            (None, _) => "Chưa có thông tin về nội dung này trong dữ liệu của đơn vị. Cán bộ sẽ xem xét và trả lời tại trang theo dõi tin báo. Trong lúc chờ: không chuyển tiền, không cung cấp mã OTP, không cài ứng dụng theo hướng dẫn của người lạ.".to_owned(),
            (Some(m), true) => m.says.clone(),
            (Some(_), false) => {
                let warned: Vec<&str> = matches
                    .iter()
                    .filter(|m| m.kind != "official")
                    .map(|m| m.says.as_str())
                    .collect();
                format!(
                    "Cảnh báo: {} Không chuyển tiền, không cung cấp mã OTP.",
                    warned.join(" ")
                )
            }
        };
        Ok(Answer {
            known: !matches.is_empty(),
            summary,
            matches,
        })
    }

    /// The engine the instant answer matches with (no learned model), built again when
    /// [`ENGINE_FRESH`] has passed: a confirmation made in any process answers the next tips
    /// within that time. One caller builds it while the others keep answering with the one
    /// before (a burst of tips neither builds it once each nor waits for it), unless there is
    /// none yet.
    fn tips_engine(
        &self,
        store: &mut store::Store,
    ) -> Result<std::sync::Arc<detect::Engine>, Error> {
        use std::sync::atomic::Ordering;
        let stale = {
            let slot = self
                .tips_engine
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match slot.as_ref() {
                Some((at, engine)) if at.elapsed() < ENGINE_FRESH => return Ok(engine.clone()),
                Some((_, engine)) => Some(engine.clone()),
                None => None,
            }
        };
        let building = self.tips_engine_building.swap(true, Ordering::AcqRel);
        if let (Some(engine), true) = (&stale, building) {
            return Ok(engine.clone());
        }
        let built = crate::screening::engine(store, self.data_dir()).map(|mut engine| {
            engine.model = None;
            engine.shadow_model = None;
            std::sync::Arc::new(engine)
        });
        if !building {
            self.tips_engine_building.store(false, Ordering::Release);
        }
        let engine = built?;
        *self
            .tips_engine
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((std::time::Instant::now(), engine.clone()));
        Ok(engine)
    }

    /// Forgets the instant answer's engine (after a change made here: the next tip sees it).
    pub(crate) fn tips_engine_changed(&self) {
        *self
            .tips_engine
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// A citizen's tip taken in: checked (at least one thing reported, within the sizes, a
    /// contact only with consent, the hidden field empty, each screenshot a picture), answered
    /// at once, kept in its group with its screenshots (files under `evidence/`). Returns the
    /// code the reporter keeps (shown once) and the answer.
    pub fn submit_tip(&self, new: NewTip) -> Result<(String, Answer), Error> {
        if !new.honeypot.trim().is_empty() {
            return Err(Error::invalid("website", "Không nhận được tin báo này."));
        }
        let trim = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let (link, phone, account, text, contact) = (
            trim(&new.link),
            trim(&new.phone),
            trim(&new.account),
            new.text.trim().to_owned(),
            trim(&new.contact),
        );
        if link.is_none()
            && phone.is_none()
            && account.is_none()
            && text.is_empty()
            && new.pictures.is_empty()
        {
            return Err(Error::invalid(
                "text",
                "Hãy ghi đường dẫn, số điện thoại, số tài khoản, nội dung cần báo hoặc gửi ảnh chụp màn hình.",
            ));
        }
        for (field, value, max) in [
            ("link", link.as_deref(), MAX_LINK),
            ("text", Some(text.as_str()), MAX_TEXT),
            ("contact", contact.as_deref(), MAX_CONTACT),
        ] {
            if value.is_some_and(|v| v.chars().count() > max) {
                return Err(Error::invalid(
                    field,
                    format!("Quá dài (tối đa {max} ký tự)."),
                ));
            }
        }
        if contact.is_some() && !new.consent {
            return Err(Error::invalid(
                "consent",
                "Để nhận trả lời qua số điện thoại hoặc thư, hãy đánh dấu đồng ý cho đơn vị giữ thông tin liên hệ.",
            ));
        }
        let pictures = screenshots(&new.pictures)?;
        let phone = match phone {
            Some(p) => Some(crate::sharing::canonical("phone", &p).map_err(|_| {
                Error::invalid("phone", "Số điện thoại không đúng dạng số Việt Nam.")
            })?),
            None => None,
        };
        let account = match account {
            Some(a) => Some(
                crate::sharing::canonical("bank_account", &a)
                    .map_err(|_| Error::invalid("account", "Số tài khoản chỉ gồm 6–19 chữ số."))?,
            ),
            None => None,
        };
        let link = match link {
            Some(l) => Some(
                crate::sharing::canonical("url", &l)
                    .map_err(|_| Error::invalid("link", "Đường dẫn không đúng dạng."))?,
            ),
            None => None,
        };
        let (key, kind) = self.group_key(
            phone.as_deref(),
            account.as_deref(),
            link.as_deref(),
            &pictures,
            &text,
        )?;
        // A report already answered by an officer: its answer is part of the instant one.
        let answered = {
            let mut s = self.store()?;
            match s.tip_group_by_key(&key)? {
                Some(g) => s.tip_group(g)?.and_then(|g| g.answer),
                None => None,
            }
        };
        // Answered in the reporter's own writing of the number (matched all the same).
        let written = trim(&new.phone);
        let answer = self.instant_answer(
            link.as_deref(),
            written.as_deref().or(phone.as_deref()),
            account.as_deref(),
            &text,
            answered.as_deref(),
        )?;
        let secret = crate::posts::pseudonym_key(self.data_dir())?;
        let sender = hex::encode(
            &ring::hmac::sign(
                &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret),
                format!("tip-sender:{}", new.sender).as_bytes(),
            )
            .as_ref()[..8],
        );
        let code = new_code()?;
        let channel = match new.channel.as_str() {
            "" => "web".to_owned(),
            c => c.to_owned(),
        };
        // The files first (written once by their hash), then the rows that name them.
        let dir = self.evidence_dir();
        for (bytes, p) in &pictures {
            crate::evidence::keep(&dir, &p.sha256, bytes)?;
        }
        let rows: Vec<domain::TipPicture> = pictures.into_iter().map(|(_, p)| p).collect();
        self.store()?.add_tip(
            &domain::Tip {
                id: 0,
                code_sha256: code_sha256(&code),
                channel,
                link,
                phone,
                account,
                text,
                contact,
                consent: new.consent,
                answer: serde_json::to_string(&answer).unwrap_or_default(),
                group_id: 0,
                sender,
                created_at: String::new(),
            },
            &key,
            kind,
            &rows,
        )?;
        Ok((code, answer))
    }

    /// The group a tip belongs in: its number, else its account, else its link; else a
    /// screenshot within [`media::pdq::MATCH_DISTANCE`] bits of one already reported (that
    /// tip's group) or its own picture; else a text within [`TEXT_NEAR_BITS`] of a text group's
    /// or its own.
    fn group_key(
        &self,
        phone: Option<&str>,
        account: Option<&str>,
        link: Option<&str>,
        pictures: &[(&[u8], domain::TipPicture)],
        text: &str,
    ) -> Result<(String, &'static str), Error> {
        if let Some(p) = phone {
            return Ok((format!("phone:{p}"), "phone"));
        }
        if let Some(a) = account {
            return Ok((format!("account:{a}"), "account"));
        }
        if let Some(l) = link {
            return Ok((format!("link:{}", detect::urls::without_scheme(l)), "link"));
        }
        let mut s = self.store()?;
        let hashes: Vec<media::Hash256> = pictures
            .iter()
            .filter_map(|(_, p)| p.pdq.as_deref()?.parse().ok())
            .collect();
        if let Some(first) = hashes.first() {
            let near = s
                .tip_pictures(None)?
                .into_iter()
                .filter_map(|(g, p)| {
                    let known: media::Hash256 = p.pdq.as_deref()?.parse().ok()?;
                    let d = hashes.iter().map(|h| h.distance(&known)).min()?;
                    (d <= media::pdq::MATCH_DISTANCE).then_some((d, g))
                })
                .min();
            if let Some((_, g)) = near
                && let Some(group) = s.tip_group(g)?
            {
                let kind = match group.kind.as_str() {
                    "phone" => "phone",
                    "account" => "account",
                    "link" => "link",
                    "text" => "text",
                    _ => "picture",
                };
                return Ok((group.key, kind));
            }
            if text.is_empty() {
                return Ok((format!("picture:{first}"), "picture"));
            }
        }
        let hash = simhash(text);
        let near = s
            .tip_group_keys("text")?
            .into_iter()
            .filter_map(|key| {
                let known = u64::from_str_radix(key.strip_prefix("text:")?, 16).ok()?;
                let d = (known ^ hash).count_ones();
                (d <= TEXT_NEAR_BITS).then_some((d, key))
            })
            .min();
        Ok((
            near.map_or_else(|| format!("text:{hash:016x}"), |(_, k)| k),
            "text",
        ))
    }

    /// A tip as its reporter sees it, by its code (no account: the code is the secret).
    pub fn tip_status(&self, code: &str) -> Result<TipStatus, Error> {
        let mut s = self.store()?;
        let Some(tip) = s.tip_by_code(&code_sha256(code))? else {
            return Err(Error::not_found("tin báo", code.trim()));
        };
        let group = s.tip_group(tip.group_id)?;
        let reply = group.as_ref().and_then(|g| g.answer.clone());
        Ok(TipStatus {
            code: code.trim().to_uppercase(),
            status: if reply.is_some() {
                "answered"
            } else {
                "received"
            }
            .into(),
            answer: serde_json::from_str(&tip.answer).unwrap_or(Answer {
                known: false,
                summary: String::new(),
                matches: Vec::new(),
            }),
            reply,
        })
    }

    /// Reporters' contacts cleared where their group was answered more than
    /// [`CONTACT_RETENTION_DAYS`] before `now` (the server does it daily); how many.
    pub fn purge_tip_contacts(
        &self,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, Error> {
        actor.require_province(Permission::Triage)?;
        let before = crate::utc_stamp(now - chrono::Duration::days(CONTACT_RETENTION_DAYS));
        Ok(self.store()?.purge_tip_contacts(&actor.name, &before)?)
    }

    /// The officer's queue: groups by how many people reported them.
    pub fn tip_groups(&self, actor: &Actor) -> Result<Vec<domain::TipGroup>, Error> {
        actor.require_province(Permission::Triage)?;
        Ok(self.store()?.tip_groups()?)
    }

    /// What the reporters of a group wrote, newest first, at most `n`: each text's first words
    /// with personal data masked (a reporter's own number or account in it too), and the link
    /// reported; never a contact or a sender.
    pub fn tip_texts(&self, actor: &Actor, group: i64, n: usize) -> Result<Vec<String>, Error> {
        actor.require_province(Permission::Triage)?;
        let tips = self.store()?.tips_of_group(group)?;
        Ok(tips
            .iter()
            .rev()
            .filter(|t| !t.text.is_empty() || t.link.is_some())
            .take(n)
            .map(|t| {
                let words = crate::screening::opening_words(&t.text, 200);
                match &t.link {
                    Some(l) if words.is_empty() => l.clone(),
                    Some(l) => format!("{words} — {l}"),
                    None => words,
                }
            })
            .collect())
    }

    /// An officer answers a group: `confirmed` (a scam) or `not_scam`, with the words every
    /// reporter in it will read. A confirmed group may be opened into a case (`open_case`: its
    /// screenshots become the case's evidence); a confirmed number, account or link becomes
    /// the office's indicator (see `sharing`, naming the case) unless it is one already.
    /// Refused: another status, no words, no such group, a case for a group not confirmed.
    /// Returns the case opened, if any.
    pub fn answer_tips(
        &self,
        actor: &Actor,
        group: i64,
        status: &str,
        answer: &str,
        open_case: bool,
    ) -> Result<Option<i64>, Error> {
        actor.require_province(Permission::Triage)?;
        if !matches!(status, "confirmed" | "not_scam") {
            return Err(Error::invalid(
                "status",
                "Kết luận: confirmed hoặc not_scam.",
            ));
        }
        let answer = answer.trim();
        if answer.is_empty() {
            return Err(Error::invalid(
                "answer",
                "Cần lời trả lời cho người báo tin.",
            ));
        }
        if open_case && status != "confirmed" {
            return Err(Error::invalid(
                "open_case",
                "Chỉ lập hồ sơ cho nhóm tin báo đã xác nhận là lừa đảo.",
            ));
        }
        let Some(found) = self.store()?.tip_group(group)? else {
            return Err(Error::not_found("nhóm tin báo", group));
        };
        if found.answer.is_some() {
            return Err(Error::invalid(
                "status",
                format!("Nhóm tin báo #{group} đã được trả lời."),
            ));
        }
        let case = if open_case {
            Some(self.case_from_tips(actor, &found)?)
        } else {
            None
        };
        // A confirmed number, account or link becomes an indicator of the office (shared by
        // the next push, matched in posts and in the next tips' instant answers).
        if status == "confirmed"
            && let Some((kind, value)) = found.key.split_once(':')
            && let Some(kind) = match kind {
                "phone" => Some("phone"),
                "account" => Some("bank_account"),
                "link" => Some("url"),
                _ => None,
            }
            && !self.store()?.indicators()?.iter().any(|i| {
                i.local
                    && !i.revoked
                    && i.kind == kind
                    && (i.value == value || detect::urls::without_scheme(&i.value) == value)
            })
        {
            self.add_indicator(
                actor,
                crate::sharing::NewIndicator {
                    kind: kind.into(),
                    value: value.into(),
                    role: "scammer".into(),
                    marking: String::new(),
                    case,
                    name: String::new(),
                    valid_days: None,
                    impersonates: None,
                    hash_key: None,
                },
            )?;
        }
        if !self
            .store()?
            .answer_tip_group(&actor.name, group, status, answer)?
        {
            return Err(Error::not_found("nhóm tin báo", group));
        }
        Ok(case)
    }

    /// A case opened from a confirmed group: a scam case titled by what was reported, the
    /// group's screenshots as its evidence, the group marked with it.
    fn case_from_tips(&self, actor: &Actor, group: &domain::TipGroup) -> Result<i64, Error> {
        let title = format!(
            "Tin báo của người dân: {} ({} tin, {} người gửi)",
            group_label(&group.key),
            group.tips,
            group.senders
        );
        let mut s = self.store()?;
        let id = s.open_case(&actor.name, &title, domain::Category::Scam, None, &[])?;
        let dir = self.evidence_dir();
        let mut seen = std::collections::HashSet::new();
        for (_, p) in s.tip_pictures(Some(group.id))? {
            if !seen.insert(p.sha256.clone()) || !dir.join(&p.sha256[..2]).join(&p.sha256).exists()
            {
                continue;
            }
            s.add_evidence(
                &actor.name,
                &domain::Evidence {
                    case_id: id,
                    file_name: format!("tin-bao-{}.{}", p.tip_id, extension(&p.media_type)),
                    sha256: p.sha256,
                    media_type: p.media_type,
                    size: p.size,
                    added_by: String::new(),
                    added_at: String::new(),
                },
            )?;
        }
        s.set_tip_group_case(&actor.name, group.id, id)?;
        Ok(id)
    }

    /// A group's screenshots (for the officer's queue): their hashes and types.
    pub fn tip_pictures(
        &self,
        actor: &Actor,
        group: i64,
    ) -> Result<Vec<domain::TipPicture>, Error> {
        actor.require_province(Permission::Triage)?;
        Ok(self
            .store()?
            .tip_pictures(Some(group))?
            .into_iter()
            .map(|(_, p)| p)
            .collect())
    }

    /// One screenshot of a group by its SHA-256 (nothing else names a file), its viewing
    /// audited.
    pub fn tip_picture(
        &self,
        actor: &Actor,
        group: i64,
        sha: &str,
    ) -> Result<(domain::TipPicture, Vec<u8>), Error> {
        actor.require_province(Permission::Triage)?;
        let mut s = self.store()?;
        let Some((_, p)) = s
            .tip_pictures(Some(group))?
            .into_iter()
            .find(|(_, p)| p.sha256 == sha)
        else {
            return Err(Error::not_found(
                "ảnh tin báo",
                sha.get(..12).unwrap_or(sha),
            ));
        };
        let bytes = std::fs::read(self.evidence_dir().join(&p.sha256[..2]).join(&p.sha256))
            .map_err(|e| anyhow::anyhow!("không đọc được ảnh tin báo: {e}"))?;
        Ok((p, bytes))
    }
}

/// A group's key in words, for an officer and a case title.
pub fn group_label(key: &str) -> String {
    match key.split_once(':') {
        Some(("phone", p)) => format!("số điện thoại {}", local_phone(p)),
        Some(("account", a)) => format!("số tài khoản {a}"),
        Some(("link", l)) => format!("đường dẫn {l}"),
        Some(("picture", _)) => "ảnh chụp màn hình giống nhau".to_owned(),
        Some(("text", _)) => "nội dung giống nhau".to_owned(),
        _ => key.to_owned(),
    }
}

/// `+84356111222` as people write it: `0356 111 222`.
pub fn local_phone(p: &str) -> String {
    match p.strip_prefix("+84") {
        Some(rest) if rest.len() == 9 => {
            format!("0{} {} {}", &rest[..3], &rest[3..6], &rest[6..])
        }
        _ => p.to_owned(),
    }
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path(), None).unwrap();
        app.store()
            .unwrap()
            .create_unit("t", "Đảng bộ xã Thạch Quảng", None, Some(15199))
            .unwrap();
        (dir, app)
    }

    fn tip(phone: &str, text: &str, sender: &str) -> NewTip {
        NewTip {
            channel: "web".into(),
            phone: phone.into(),
            text: text.into(),
            sender: sender.into(),
            ..NewTip::default()
        }
    }

    #[test]
    fn a_known_number_is_answered_at_once_and_an_unknown_one_says_so() {
        let (_dir, app) = app();
        app.add_indicator(
            &Actor::cli(),
            crate::sharing::NewIndicator {
                kind: "phone".into(),
                value: "0356 111 222".into(),
                role: "scammer".into(),
                marking: String::new(),
                case: Some(3),
                name: String::new(),
                valid_days: None,
                impersonates: None,
                hash_key: None,
            },
        )
        .unwrap();
        let (code, answer) = app
            .submit_tip(tip(
                "0356.111.222",
                "Có người gọi bảo tôi chuyển tiền",
                "10.0.0.1",
            ))
            .unwrap();
        assert!(answer.known);
        assert_eq!(answer.matches.len(), 1);
        assert_eq!(answer.matches[0].kind, "known_number");
        assert_eq!(answer.matches[0].reference, "known:phone:+84356111222");
        assert_eq!(
            answer.summary,
            "Cảnh báo: Số điện thoại «0356.111.222» là của đối tượng lừa đảo đã được xác nhận (nguồn: chỉ báo đơn vị đã xác nhận). Không chuyển tiền, không cung cấp mã OTP."
        );
        assert_eq!(code.len(), 11);
        let (_, unknown) = app.submit_tip(tip("0987 654 321", "", "10.0.0.2")).unwrap();
        assert!(!unknown.known);
        assert!(unknown.summary.starts_with("Chưa có thông tin"));

        // Three more reports of the first number: one group of four, three senders.
        for sender in ["10.0.0.3", "10.0.0.4", "10.0.0.4"] {
            app.submit_tip(tip("+84356111222", "", sender)).unwrap();
        }
        let groups = app.tip_groups(&Actor::cli()).unwrap();
        assert_eq!(
            groups
                .iter()
                .map(|g| (g.key.as_str(), g.tips, g.senders))
                .collect::<Vec<_>>(),
            [("phone:+84356111222", 4, 3), ("phone:+84987654321", 1, 1)]
        );
        // Answered once, seen by the reporter.
        assert_eq!(app.tip_status(&code).unwrap().status, "received");
        app.answer_tips(
            &Actor::cli(),
            groups[0].id,
            "confirmed",
            "Số này lừa đảo, đã chặn.",
            false,
        )
        .unwrap();
        let seen = app.tip_status(&code.to_lowercase()).unwrap();
        assert_eq!(
            (seen.status.as_str(), seen.reply.as_deref()),
            ("answered", Some("Số này lừa đảo, đã chặn."))
        );
        assert_eq!(seen.answer, answer);
        assert!(app.tip_status("ABCDE-FGHJK").is_err());
        // What the reporters wrote, for the officer: personal data masked, empty texts skipped.
        app.submit_tip(tip(
            "0356111222",
            "Họ bảo gọi lại 0912345678 để nhận quà",
            "10.0.0.6",
        ))
        .unwrap();
        let texts = app.tip_texts(&Actor::cli(), groups[0].id, 3).unwrap();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(!texts[0].contains("0912345678"), "{texts:?}");
        assert!(texts[0].starts_with("Họ bảo gọi lại "), "{texts:?}");
        assert_eq!(texts[1], "Có người gọi bảo tôi chuyển tiền");
        // The unknown number confirmed by the officer: an indicator, known to the next tip.
        app.answer_tips(
            &Actor::cli(),
            groups[1].id,
            "confirmed",
            "Số lừa đảo.",
            false,
        )
        .unwrap();
        let listed = app.indicators(&Actor::cli()).unwrap();
        assert_eq!(
            listed.iter().map(|i| i.value.as_str()).collect::<Vec<_>>(),
            ["+84356111222", "+84987654321"],
            "the first one was an indicator already"
        );
        let (_, now_known) = app.submit_tip(tip("0987654321", "", "10.0.0.5")).unwrap();
        assert!(now_known.known);
        assert!(
            app.answer_tips(&Actor::cli(), groups[0].id, "maybe", "x", false)
                .is_err()
        );
    }

    #[test]
    fn a_contact_is_gone_after_the_retention_period_of_an_answered_group() {
        let (_dir, app) = app();
        let with_contact = |phone: &str| NewTip {
            contact: "0912 000 111".into(),
            consent: true,
            ..tip(phone, "bị lừa", "10.0.0.9")
        };
        let (answered, _) = app.submit_tip(with_contact("0356 111 222")).unwrap();
        let (waiting, _) = app.submit_tip(with_contact("0987 654 321")).unwrap();
        let group = app.tip_groups(&Actor::cli()).unwrap()[0].clone();
        app.answer_tips(
            &Actor::cli(),
            group.id,
            "not_scam",
            "Đây là số của bưu điện xã.",
            false,
        )
        .unwrap();
        let contact = |code: &str| {
            let mut s = app.store().unwrap();
            s.tip_by_code(&code_sha256(code)).unwrap().unwrap().contact
        };
        let now = chrono::Utc::now();
        // Within the period: kept.
        assert_eq!(app.purge_tip_contacts(&Actor::cli(), now).unwrap(), 0);
        assert_eq!(contact(&answered).as_deref(), Some("0912 000 111"));
        // The clock moved past it: the answered group's contact is gone, the waiting one kept.
        let later = now + chrono::Duration::days(CONTACT_RETENTION_DAYS + 1);
        assert_eq!(app.purge_tip_contacts(&Actor::cli(), later).unwrap(), 1);
        assert_eq!(contact(&answered), None);
        assert_eq!(contact(&waiting).as_deref(), Some("0912 000 111"));
        assert_eq!(app.purge_tip_contacts(&Actor::cli(), later).unwrap(), 0);
        // The reporter still sees the answer.
        assert_eq!(app.tip_status(&answered).unwrap().status, "answered");
    }

    #[test]
    fn a_link_to_an_official_channel_or_a_page_marked_impersonating_is_named() {
        let (_dir, app) = app();
        let page = |url: &str, name: &str, status, classification| domain::CommunityRecord {
            key: url.into(),
            name: name.into(),
            url: Some(url.into()),
            platform: domain::Platform::Facebook,
            kind: domain::Kind::Page,
            members: None,
            admins: None,
            unit: Some("Đảng bộ xã Thạch Quảng".into()),
            status,
            classification,
            official_of: None,
            locality: None,
            note: None,
        };
        app.store()
            .unwrap()
            .import_communities(
                "t",
                "t",
                &[
                    page(
                        "https://www.facebook.com/congan.thachquang",
                        "Công an xã Thạch Quảng",
                        Status::Verified,
                        Classification::Official,
                    ),
                    page(
                        "https://www.facebook.com/congan.thachquang.hotro",
                        "Công An Xã Thạch Quảng Hỗ Trợ",
                        Status::Impersonating,
                        Classification::Unknown,
                    ),
                ],
            )
            .unwrap();
        let (_, official) = app
            .submit_tip(NewTip {
                link: "facebook.com/congan.thachquang".into(),
                ..tip("", "", "a")
            })
            .unwrap();
        assert_eq!(official.matches.len(), 1, "{official:?}");
        assert_eq!(official.matches[0].kind, "official");
        assert!(
            official
                .summary
                .starts_with("Đây là kênh chính thức «Công an xã Thạch Quảng»")
        );
        let (_, fake) = app
            .submit_tip(NewTip {
                link: "https://m.facebook.com/congan.thachquang.hotro/".into(),
                ..tip("", "", "a")
            })
            .unwrap();
        assert_eq!(fake.matches[0].kind, "impostor", "{fake:?}");
        assert!(fake.summary.starts_with("Cảnh báo: Trang «Công An Xã Thạch Quảng Hỗ Trợ» đã được cán bộ xác định là trang giả mạo."));
    }

    #[test]
    fn a_tip_is_refused_with_why() {
        let (_dir, app) = app();
        let refused = |t: NewTip| app.submit_tip(t).unwrap_err().kind;
        assert_eq!(
            refused(tip("", "", "a")),
            crate::ErrorKind::Invalid { field: "text" }
        );
        assert_eq!(
            refused(NewTip {
                contact: "0912345678".into(),
                ..tip("", "lừa", "a")
            }),
            crate::ErrorKind::Invalid { field: "consent" }
        );
        assert_eq!(
            refused(NewTip {
                honeypot: "x".into(),
                ..tip("", "lừa", "a")
            }),
            crate::ErrorKind::Invalid { field: "website" }
        );
        assert_eq!(
            refused(tip("12", "", "a")),
            crate::ErrorKind::Invalid { field: "phone" }
        );
        assert_eq!(
            refused(tip("", &"a".repeat(MAX_TEXT + 1), "a")),
            crate::ErrorKind::Invalid { field: "text" }
        );
        assert!(
            app.tip_groups(&Actor::cli()).unwrap().is_empty(),
            "nothing kept"
        );
    }

    /// A PNG of a pattern (`seed` chooses it), `shift` pixels of noise on top.
    pub(crate) fn screenshot(seed: u32, noise: u8) -> Vec<u8> {
        let image = media::image::RgbImage::from_fn(360, 640, |x, y| {
            let v = ((x / 40 + y / 40 + seed) % 3) as u8 * 100
                + if (x * 7 + y * 13 + seed).is_multiple_of(5) {
                    noise
                } else {
                    0
                };
            let w = (((x * (seed + 1)) / 60 + y / 90) % 2) as u8 * 120;
            media::image::Rgb([v, w, v / 2 + w / 2])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        media::image::DynamicImage::ImageRgb8(image)
            .write_to(&mut out, media::image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn screenshots_and_near_duplicate_texts_group_and_a_confirmed_group_opens_a_case() {
        let (dir, app) = app();
        let shot = |seed, noise| Screenshot {
            name: "anh.png".into(),
            bytes: screenshot(seed, noise),
        };
        let with = |pictures: Vec<Screenshot>, text: &str| NewTip {
            pictures,
            ..tip("", text, "10.0.0.1")
        };
        // The same message photographed twice (a little noise), and another picture.
        let (first, _) = app.submit_tip(with(vec![shot(1, 0)], "")).unwrap();
        app.submit_tip(with(vec![shot(1, 9)], "")).unwrap();
        app.submit_tip(with(vec![shot(2, 0)], "")).unwrap();
        // A story told twice with a word changed, and another one.
        let story =
            "Có người gọi nói con tôi bị tai nạn ở bệnh viện tỉnh, bảo chuyển gấp 20 triệu để mổ";
        app.submit_tip(with(vec![], story)).unwrap();
        app.submit_tip(with(vec![], &story.replace("gấp", "ngay")))
            .unwrap();
        app.submit_tip(with(
            vec![],
            "Nhận được tin nhắn trúng thưởng xe máy, phải nộp phí nhận giải",
        ))
        .unwrap();
        let groups = app.tip_groups(&Actor::cli()).unwrap();
        let mut shape: Vec<(&str, i64)> =
            groups.iter().map(|g| (g.kind.as_str(), g.tips)).collect();
        shape.sort();
        assert_eq!(
            shape,
            [("picture", 1), ("picture", 2), ("text", 1), ("text", 2)],
            "{groups:?}"
        );
        // The files are kept once under evidence/ by their hash.
        let pictured = groups
            .iter()
            .find(|g| g.kind == "picture" && g.tips == 2)
            .unwrap();
        let pictures = app.tip_pictures(&Actor::cli(), pictured.id).unwrap();
        assert_eq!(pictures.len(), 2);
        let (kept, bytes) = app
            .tip_picture(&Actor::cli(), pictured.id, &pictures[0].sha256)
            .unwrap();
        assert_eq!(bytes, screenshot(1, 0));
        assert_eq!(kept.media_type, "image/png");
        assert!(
            app.tip_picture(&Actor::cli(), pictured.id, "../../sokenh.db")
                .is_err()
        );

        // Confirmed into a case: the screenshots are its evidence, the group names it.
        assert!(matches!(
            app.answer_tips(&Actor::cli(), pictured.id, "not_scam", "Không sao.", true)
                .unwrap_err()
                .kind,
            crate::ErrorKind::Invalid { field: "open_case" }
        ));
        let case = app
            .answer_tips(
                &Actor::cli(),
                pictured.id,
                "confirmed",
                "Tin nhắn lừa đảo.",
                true,
            )
            .unwrap()
            .unwrap();
        let evidence = app.store().unwrap().evidence(case).unwrap();
        assert_eq!(evidence.len(), 2);
        assert!(
            dir.path()
                .join("evidence")
                .join(&evidence[0].sha256[..2])
                .join(&evidence[0].sha256)
                .exists()
        );
        assert_eq!(
            app.store()
                .unwrap()
                .tip_group(pictured.id)
                .unwrap()
                .unwrap()
                .case_id,
            Some(case)
        );
        assert_eq!(
            app.tip_status(&first).unwrap().reply.as_deref(),
            Some("Tin nhắn lừa đảo.")
        );
        // Answered once only.
        assert!(
            app.answer_tips(&Actor::cli(), pictured.id, "confirmed", "Lại.", false)
                .is_err()
        );
        // A fourth photo of the same message is told the officer's answer at once.
        let (_, told) = app.submit_tip(with(vec![shot(1, 5)], "")).unwrap();
        assert_eq!(told.matches.last().unwrap().kind, "answered", "{told:?}");

        // A refused picture keeps nothing.
        let before = app.tip_groups(&Actor::cli()).unwrap();
        for bad in [
            vec![Screenshot {
                name: "x.png".into(),
                bytes: b"not a picture".to_vec(),
            }],
            vec![shot(3, 0), shot(4, 0), shot(5, 0), shot(6, 0)],
        ] {
            let e = app.submit_tip(with(bad, "x")).unwrap_err();
            assert_eq!(
                e.kind,
                crate::ErrorKind::Invalid {
                    field: "screenshot"
                }
            );
        }
        assert_eq!(app.tip_groups(&Actor::cli()).unwrap(), before);
    }

    #[test]
    fn a_number_confirmed_from_tips_into_a_case_is_named_with_its_case() {
        let (_dir, app) = app();
        app.submit_tip(tip("0356 111 222", "gọi đòi tiền", "a"))
            .unwrap();
        let group = app.tip_groups(&Actor::cli()).unwrap()[0].id;
        let case = app
            .answer_tips(&Actor::cli(), group, "confirmed", "Số lừa đảo.", true)
            .unwrap()
            .unwrap();
        let (_, answer) = app.submit_tip(tip("0356111222", "", "b")).unwrap();
        let kinds: Vec<(&str, &str)> = answer
            .matches
            .iter()
            .map(|m| (m.kind.as_str(), m.reference.as_str()))
            .collect();
        let case_ref = format!("case:{case}");
        assert_eq!(
            kinds,
            [
                ("known_number", "known:phone:+84356111222"),
                ("case", case_ref.as_str()),
                ("answered", "tip_group")
            ]
        );
        assert!(
            answer.summary.contains(&format!("hồ sơ vụ việc số {case}")),
            "{}",
            answer.summary
        );
    }

    #[test]
    fn simhash_keeps_near_texts_near_and_others_far() {
        let a = simhash("Có người gọi nói con tôi bị tai nạn, bảo chuyển gấp 20 triệu để mổ");
        let b = simhash("có người gọi nói con tôi bị tai nạn bảo chuyển gấp 20 triệu để mổ!!");
        let c = simhash("Lịch tiêm phòng cho trẻ tại trạm y tế xã vào thứ hai tuần sau");
        assert_eq!((a ^ b).count_ones(), 0, "case and signs do not count");
        assert!((a ^ c).count_ones() > TEXT_NEAR_BITS + 6);
    }
}
