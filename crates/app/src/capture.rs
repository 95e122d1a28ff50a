//! Capture (`officer`; a unit administrator on its own unit's pages): a post an officer saw on a
//! platform, brought in by its link with its text and/or screenshots. The post is stored under
//! its page (a page not yet in the register goes in with status unknown, as ingest does), each
//! screenshot is kept as evidence by SHA-256 and its text read by OCR where this build and the
//! server can (otherwise said plainly), the posts are screened at once, and the post comes back
//! with its signals and the alerts it is in. The same link captured twice is one post.

use crate::{Actor, App, Error, ErrorKind};
use domain::{CanonicalUrl, Item, MediaRef, NewItem, Permission, PostLink, StoredSignal};
use std::sync::Mutex;

/// Screenshots taken with one capture, at most.
pub const MAX_SCREENSHOTS: usize = 5;
/// One screenshot's size, at most (bytes).
pub const MAX_SCREENSHOT: usize = 10 * 1024 * 1024;
/// The pasted text, at most (characters).
pub const MAX_TEXT: usize = 20_000;

/// What an officer brings in.
#[derive(Debug, Default)]
pub struct Capture {
    /// The post's link, as copied from the platform.
    pub url: String,
    /// The page's link, when the post's link does not name it (a YouTube video, a reel).
    pub page: String,
    /// The post's text, as copied.
    pub text: String,
    /// (file name, bytes) of each screenshot.
    pub screenshots: Vec<(String, Vec<u8>)>,
}

/// A screenshot as kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Shot {
    pub sha256: String,
    pub file_name: String,
    /// The text OCR read in it; None when it could not (see [`Captured::ocr_note`]).
    pub text: Option<String>,
}

/// What a capture did.
#[derive(Debug)]
pub struct Captured {
    pub item_id: i64,
    /// The post's key: its canonical link, or the page's link and a hash of what was captured
    /// when the link names no post (a Zalo group's post).
    pub source_id: String,
    pub community_id: i64,
    pub community_name: String,
    /// Whether this capture stored the post (false: the same link was captured before).
    pub new: bool,
    /// Whether the page went into the register with this capture.
    pub new_page: bool,
    /// The post as stored: its text is the pasted text, then each screenshot's.
    pub item: Item,
    pub signals: Vec<StoredSignal>,
    /// The alerts the post is in, oldest first.
    pub alerts: Vec<i64>,
    pub evidence: Vec<Shot>,
    /// Why a screenshot's text could not be read (no OCR in this build, no tesseract), if so.
    pub ocr_note: Option<String>,
}

/// One screening at a time in this process: two captures screening the same new posts at once
/// would raise their alerts twice.
static SCREENING: Mutex<()> = Mutex::new(());

impl App {
    /// Stores a captured post, keeps its screenshots, screens it, and returns what was found.
    pub fn capture(&self, actor: &Actor, c: Capture) -> Result<Captured, Error> {
        actor.require(Permission::Capture)?;
        let link = PostLink::parse(&c.url)
            .map_err(|e| Error::invalid("url", format!("Đường dẫn bài đăng không hợp lệ: {e}")))?;
        let page = if c.page.trim().is_empty() {
            link.page.clone().ok_or_else(|| {
                Error::invalid(
                    "page",
                    "Đường dẫn này không cho biết trang, kênh đăng bài: hãy dán thêm đường dẫn của trang, kênh.",
                )
            })?
        } else {
            CanonicalUrl::parse(&c.page)
                .map_err(|e| Error::invalid("page", format!("Đường dẫn trang không hợp lệ: {e}")))?
        };
        let pasted = c.text.trim();
        if pasted.chars().count() > MAX_TEXT {
            return Err(Error::invalid(
                "text",
                format!("Nội dung dài quá {MAX_TEXT} ký tự."),
            ));
        }
        if c.screenshots.len() > MAX_SCREENSHOTS {
            return Err(Error::invalid(
                "screenshot",
                format!("Tối đa {MAX_SCREENSHOTS} ảnh chụp mỗi lần."),
            ));
        }
        if pasted.is_empty() && c.screenshots.is_empty() {
            return Err(Error::invalid(
                "text",
                "Cần dán nội dung bài đăng hoặc gửi ảnh chụp màn hình.",
            ));
        }
        // Every screenshot is a picture within the limits (by content), before anything is kept.
        for (name, bytes) in &c.screenshots {
            if bytes.len() > MAX_SCREENSHOT {
                return Err(Error::invalid(
                    "screenshot",
                    format!("Ảnh «{name}» lớn quá {} MB.", MAX_SCREENSHOT >> 20),
                ));
            }
            crate::impersonation::decode_upload(bytes).map_err(|e| {
                Error::invalid("screenshot", format!("Ảnh «{name}»: {}", e.message))
            })?;
        }

        // Who may capture on this page, before anything is kept (the connection given back
        // while OCR reads).
        let known_page = {
            let mut store = self.store()?;
            let known_page = store.community_id_by_key(page.as_str())?;
            let units = store.units()?;
            if let Some(scope) =
                crate::register::visible_units(&units, actor.role, actor.unit, actor.commune)
            {
                let community = match known_page {
                    Some(id) => store.community(id)?,
                    None => None,
                };
                if !community.is_some_and(|c| crate::register::in_scope(&c, &Some(scope))) {
                    return Err(Error::new(
                        ErrorKind::Forbidden,
                        "Quản trị đơn vị chỉ ghi nhận bài đăng trên các trang của đơn vị mình đã có trong sổ.",
                    ));
                }
            }
            known_page
        };
        let mut text = pasted.to_owned();
        let mut evidence = Vec::with_capacity(c.screenshots.len());
        let mut ocr_note = None;
        for (name, bytes) in &c.screenshots {
            let sha256 = crate::evidence::sha256(bytes);
            crate::evidence::keep(&self.evidence_dir(), &sha256, bytes)?;
            let read = match crate::media_check::read_text(bytes) {
                Ok(t) => Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
                Err(why) => {
                    ocr_note = Some(why);
                    None
                }
            };
            if let Some(t) = &read {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(t);
            }
            evidence.push(Shot {
                sha256,
                file_name: crate::cases::evidence_name(name),
                text: read,
            });
        }
        if text.is_empty() {
            return Err(Error::invalid(
                "text",
                format!(
                    "Không có nội dung để rà soát: hãy dán nội dung bài đăng. {}",
                    ocr_note
                        .as_deref()
                        .unwrap_or("Không đọc được chữ trong ảnh.")
                ),
            ));
        }
        // A link that names no post: the post is the page and what was captured of it.
        let source_id = match &link.post {
            Some(p) => p.clone(),
            None => {
                let mut whole = text.clone();
                for s in &evidence {
                    whole.push_str(&s.sha256);
                }
                format!(
                    "{page}#{}",
                    &crate::evidence::sha256(whole.as_bytes())[..16]
                )
            }
        };

        let shots: Vec<MediaRef> = evidence
            .iter()
            .map(|s| MediaRef {
                reference: format!("screenshot:{}", s.file_name),
                sha256: Some(s.sha256.clone()),
            })
            .collect();
        let published_at = chrono::Utc::now()
            .with_timezone(&ingest::posts::vietnam())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let item = NewItem {
            source_id: source_id.clone(),
            platform: page.platform(),
            community_key: page.to_string(),
            community_name: page.to_string(),
            published_at,
            text: text.clone(),
            url: Some(link.post.clone().unwrap_or_else(|| page.to_string())),
            author_pseudonym: None,
            author_handle: None,
            metrics: Default::default(),
            media: shots.clone(),
        };
        let mut store = self.store()?;
        let outcome = store.ingest_items(&actor.name, "capture", &[item], 0)?;
        let new = outcome.inserted == 1;
        {
            let _one = SCREENING.lock().unwrap_or_else(|e| e.into_inner());
            crate::screening::scan(&mut store, self.data_dir(), false)?;
        }
        let community_id = match known_page.or(outcome.stored.first().map(|(_, _, c)| *c)) {
            Some(c) => c.0,
            // A page made by another capture in between.
            None => store
                .community_id_by_key(page.as_str())?
                .map(|c| c.0)
                .ok_or_else(|| anyhow::anyhow!("the captured post's page was not stored"))?,
        };
        let find = |store: &mut store::Store| -> Result<_, Error> {
            Ok(store
                .alert_items(std::slice::from_ref(&source_id))?
                .into_iter()
                .find(|(i, _)| i.community_id == community_id)
                .ok_or_else(|| anyhow::anyhow!("the captured post was not stored"))?)
        };
        let (mut item, mut signals) = find(&mut store)?;
        // The same post captured again: its new screenshots join the ones it has.
        if !new && store.add_item_media(&actor.name, &item, &shots)? > 0 {
            (item, signals) = find(&mut store)?;
        }
        let community_name = store
            .community(domain::CommunityId(community_id))?
            .map(|c| c.name)
            .unwrap_or_else(|| page.to_string());
        Ok(Captured {
            item_id: item.id,
            source_id: source_id.clone(),
            community_id,
            community_name,
            new,
            new_page: known_page.is_none(),
            item,
            signals: signals.into_iter().filter(|s| !s.shadow).collect(),
            alerts: store.alerts_of_item(&source_id)?,
            evidence,
            ocr_note,
        })
    }
}
