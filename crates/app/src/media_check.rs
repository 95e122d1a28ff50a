//! The media check (`officer`, `analyst`): what an uploaded picture is. Its PDQ hash, the
//! register's pages whose avatar it resembles and the fact-check entries whose recorded picture
//! it resembles (distance in bits of 256, nearest first), what the
//! file itself says of how it was made (C2PA, generators' traces — never more than that
//! evidence), and the text in it (OCR, where this build has it and tesseract is installed)
//! screened by the office's rules. The picture is measured and dropped, never kept; the check is
//! audited with its SHA-256.

use crate::{Actor, App, Error, ErrorKind};
use serde::Serialize;
use serde_json::json;

/// What a media check found.
#[derive(Debug, Serialize)]
pub struct MediaCheck {
    pub sha256: String,
    pub format: media::Format,
    pub width: u32,
    pub height: u32,
    pub pdq: String,
    pub quality: u8,
    /// Whether the hash is fit for matching (PDQ quality ≥ 50, as the reference requires).
    pub trustworthy: bool,
    /// Pages of the register whose avatar is within [`media::pdq::MATCH_DISTANCE`] bits,
    /// nearest first (none when the hash is not trustworthy).
    pub matches: Vec<AvatarMatch>,
    /// Fact-check register entries one of whose pictures this is (within the same distance),
    /// nearest first: the claim it carried and the correction.
    pub factchecks: Vec<FactCheckMatch>,
    pub provenance: media::provenance::Provenance,
    pub ocr: Ocr,
}

/// A page whose recorded avatar the picture resembles.
#[derive(Debug, Serialize)]
pub struct AvatarMatch {
    pub community_id: i64,
    pub name: String,
    pub url: Option<String>,
    pub platform: domain::Platform,
    pub classification: domain::Classification,
    pub status: domain::Status,
    /// Bits apart of the two PDQ hashes (of 256).
    pub distance: u32,
    /// How the picture is turned against the avatar (mirrored, rotated), when it is.
    pub turn: Option<&'static str>,
}

/// A fact-check entry whose recorded picture this one resembles.
#[derive(Debug, Serialize)]
pub struct FactCheckMatch {
    pub id: String,
    pub claim: String,
    pub verdict: domain::Verdict,
    pub correction: String,
    pub source_url: String,
    pub distance: u32,
    /// How the picture is turned against the recorded one (mirrored, rotated), when it is.
    pub turn: Option<&'static str>,
}

/// The picture's text (personal data in it masked — phone numbers, citizen IDs, bank accounts,
/// e-mail addresses —, at most [`TEXT_SHOWN`] characters), or why there is none.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Ocr {
    Read { text: String, signals: Vec<Flag> },
    Unavailable { reason: String },
}

/// A detection signal on the picture's text.
#[derive(Debug, Serialize)]
pub struct Flag {
    pub category: &'static str,
    pub label: &'static str,
    pub score: f32,
    pub explanation: String,
}

/// The most of a picture's text shown (characters).
pub const TEXT_SHOWN: usize = 2000;

/// The largest picture a check takes (bytes).
pub const MEDIA_MAX_BYTES: usize = 10 * 1024 * 1024;

impl App {
    /// Checks a picture: PDQ matches against the register's avatars, provenance, OCR and its
    /// signals. Refuses what is not a picture, or is larger than the avatar limits.
    pub fn check_media(&self, actor: &Actor, picture: &[u8]) -> Result<MediaCheck, Error> {
        actor.require(domain::Permission::CheckMedia)?;
        let image = crate::impersonation::decode_upload(picture)?;
        let provenance = media::provenance::inspect(picture).map_err(|e| {
            Error::new(
                ErrorKind::Invalid { field: "file" },
                format!("Không đọc được ảnh: {e}"),
            )
        })?;
        // The picture's hash turned each of the eight ways: a mirrored or rotated copy of an
        // avatar or a recorded picture matches too, saying how it was turned.
        let (pdq, turned) = media::pdq_dihedral_of(&image);
        let (width, height) = (image.width(), image.height());
        drop(image);
        let mut store = self.store()?;
        let mut matches = Vec::new();
        let mut factchecks = Vec::new();
        if pdq.trustworthy() {
            let near = |hex: &str| -> Option<(u32, Option<&'static str>)> {
                let known = media::Hash256(crate::impersonation::parse_pdq(hex)?);
                let (turn, distance) = media::pdq::Dihedral::ALL
                    .iter()
                    .zip(&turned)
                    .map(|(t, h)| (*t, h.distance(&known)))
                    .min_by_key(|(_, d)| *d)?;
                (distance <= media::pdq::MATCH_DISTANCE).then(|| {
                    let turn = (turn != media::pdq::Dihedral::AsIs).then(|| turn.label_vi());
                    (distance, turn)
                })
            };
            for f in store.factchecks()? {
                if let Some((distance, turn)) = f
                    .media_hashes
                    .iter()
                    .filter_map(|h| near(h))
                    .min_by_key(|(d, _)| *d)
                {
                    factchecks.push(FactCheckMatch {
                        id: f.id,
                        claim: f.claim,
                        verdict: f.verdict,
                        correction: f.correction,
                        source_url: f.source_url,
                        distance,
                        turn,
                    });
                }
            }
            factchecks.sort_by(|a, b| (a.distance, &a.id).cmp(&(b.distance, &b.id)));
            let pages: std::collections::HashMap<i64, domain::Community> = store
                .communities()?
                .into_iter()
                .map(|c| (c.id.0, c))
                .collect();
            for (id, avatar) in store.avatars()? {
                let Some((distance, turn)) = near(&avatar.pdq) else {
                    continue;
                };
                if let Some(c) = pages.get(&id.0) {
                    matches.push(AvatarMatch {
                        community_id: id.0,
                        name: c.name.clone(),
                        url: c.url.clone(),
                        platform: c.platform,
                        classification: c.classification,
                        status: c.status,
                        distance,
                        turn,
                    });
                }
            }
            matches.sort_by_key(|m| (m.distance, m.community_id));
        }
        let ocr = self.picture_text(&mut store, picture);
        store.record(
            &actor.name,
            "media.check",
            "media",
            json!({
                "sha256": provenance.sha256,
                "matches": matches.iter().map(|m| m.community_id).collect::<Vec<_>>(),
                "factchecks": factchecks.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
                "verdict": provenance.verdict,
            }),
        )?;
        Ok(MediaCheck {
            sha256: provenance.sha256.clone(),
            format: provenance.format,
            width,
            height,
            pdq: pdq.hash.to_hex(),
            quality: pdq.quality,
            trustworthy: pdq.trustworthy(),
            matches,
            factchecks,
            provenance,
            ocr,
        })
    }

    fn picture_text(&self, store: &mut store::Store, picture: &[u8]) -> Ocr {
        let text = match read_text(picture) {
            Ok(t) => t,
            Err(reason) => return Ocr::Unavailable { reason },
        };
        let signals = match crate::screening::engine(store, self.data_dir()) {
            Ok(engine) => engine
                .screen(&text)
                .into_iter()
                .filter(|s| !s.shadow)
                .map(|s| Flag {
                    category: s.category.as_str(),
                    label: s.category.label_vi(),
                    score: s.score,
                    explanation: s.explanation,
                })
                .collect(),
            Err(e) => {
                return Ocr::Unavailable {
                    reason: format!("Đã đọc chữ nhưng không nạp được bộ luật rà soát: {e:#}"),
                };
            }
        };
        // The signals were found on the whole text; what is shown of it masks personal data.
        Ocr::Read {
            text: crate::screening::opening_words(&text, TEXT_SHOWN),
            signals,
        }
    }
}

/// The text in a picture by OCR, or why there is none (in Vietnamese, to be shown as it is):
/// this build has no OCR, tesseract with Vietnamese is not installed, or it failed.
#[cfg(feature = "ocr")]
pub(crate) fn read_text(picture: &[u8]) -> Result<String, String> {
    if !media::ocr::available() {
        return Err("Máy chủ chưa cài tesseract với tiếng Việt (gói tesseract-ocr, tesseract-ocr-vie): không đọc được chữ trong ảnh.".into());
    }
    media::ocr::image_text(picture).map_err(|e| format!("Không đọc được chữ trong ảnh: {e}"))
}

#[cfg(not(feature = "ocr"))]
pub(crate) fn read_text(_picture: &[u8]) -> Result<String, String> {
    Err("Bản dựng này không có OCR (dựng với --features ocr và cài tesseract-ocr, tesseract-ocr-vie): không đọc được chữ trong ảnh.".into())
}
