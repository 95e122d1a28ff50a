//! The impersonation scan over the register: official channels of our units against every other
//! community, with avatars and name history from the store. Benchmarks call [`scan`] too.
//! The review of its findings by an officer ([`App::impersonation_review`],
//! [`App::decide_impersonation`]): mark a page as impersonating (and open a case with the finding
//! as its first evidence), or "not an impostor" with a reason — remembered in the audit log with
//! the page's name and avatar, so the finding comes back only when one of them changes.

use crate::{Actor, App, Error, ErrorKind};
use anyhow::Result;
pub use detect::impersonation::FindingKind;
use detect::impersonation::{Channel, Finding, Home, Places, Scanner};
use domain::{Classification, Community, Status};
use serde::Serialize;
use serde_json::json;
use store::Store;

/// A finding as the CLI prints it.
#[derive(Debug, Serialize)]
pub struct Reported {
    pub candidate: Side,
    pub official: Side,
    pub score: f64,
    pub reasons: Vec<String>,
    /// Bits apart of the two avatars' PDQ hashes (of 256), when both are known.
    pub avatar_distance: Option<u32>,
    /// An impostor, or a page of one of our own units copying the official name.
    pub kind: FindingKind,
}

#[derive(Debug, Serialize)]
pub struct Side {
    pub id: i64,
    pub name: String,
    pub url: Option<String>,
    pub platform: &'static str,
    pub unit: Option<String>,
}

fn side(c: &Community) -> Side {
    Side {
        id: c.id.0,
        name: c.name.clone(),
        url: c.url.clone(),
        platform: c.platform.as_str(),
        unit: c.unit.clone(),
    }
}

pub(crate) fn parse_pdq(hex: &str) -> Option<[u16; 16]> {
    if hex.len() != 64 {
        return None;
    }
    let mut w = [0u16; 16];
    for (i, chunk) in hex.as_bytes().chunks(4).enumerate() {
        w[15 - i] = u16::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(w)
}

/// An avatar's turned hashes as the scan compares them: (how it is turned, hash).
fn turned(a: &domain::Avatar) -> Vec<(String, [u16; 16])> {
    media::pdq::Dihedral::ALL[1..]
        .iter()
        .zip(&a.turned)
        .filter_map(|(t, hex)| Some((t.label_vi().to_owned(), parse_pdq(hex)?)))
        .collect()
}

/// Where the office is: the root unit's GSO ward code, and the former district its official
/// channels' locality names ("Xã Thạch Quảng, huyện Thạch Thành, Thanh Hóa"), when one does.
fn home(units: &[domain::Unit], officials: &[&Community]) -> Home {
    let district = officials
        .iter()
        .filter_map(|c| c.locality.as_deref())
        .flat_map(|l| l.split([',', '-', ';']))
        .find_map(|part| {
            let part = part.trim();
            let folded = text::fold(part);
            ["huyen ", "quan ", "thi xa ", "h. ", "q. "]
                .iter()
                .find(|p| folded.starts_with(*p))
                .map(|p| {
                    let rest = part.chars().skip(p.chars().count()).collect::<String>();
                    rest.trim_end_matches("(cũ)").trim().to_owned()
                })
        })
        .filter(|d| !d.is_empty());
    Home {
        ward_code: units
            .iter()
            .find(|u| u.parent.is_none())
            .and_then(|u| u.locality_code),
        district,
    }
}

/// Our units that have no official channel (village Party cells, branches): a page they run
/// is ours, not an impostor of the body they belong to.
fn units_without_official<'a>(
    units: &'a [domain::Unit],
    officials: &[&Community],
) -> std::collections::HashSet<&'a str> {
    units
        .iter()
        .filter(|u| u.parent.is_some())
        .map(|u| u.name.as_str())
        .filter(|n| {
            !officials
                .iter()
                .any(|c| c.official_of.as_deref() == Some(*n))
        })
        .collect()
}

/// Scans the register: findings at or above `min_score`, best first.
pub fn scan(store: &mut Store, min_score: f64, threads: usize) -> Result<Vec<Reported>> {
    scan_candidates(store, min_score, threads, |_| true)
}

/// The scan of the candidates `keep` keeps (against every official channel).
pub(crate) fn scan_candidates(
    store: &mut Store,
    min_score: f64,
    threads: usize,
    keep: impl Fn(&Community) -> bool,
) -> Result<Vec<Reported>> {
    let communities = store.communities()?;
    let avatars: std::collections::HashMap<i64, domain::Avatar> = store
        .avatars()?
        .into_iter()
        .map(|(id, a)| (id.0, a))
        .collect();
    let channel = |c: &Community| {
        let avatar = avatars.get(&c.id.0);
        Channel {
            name: c.name.clone(),
            url: c.url.clone(),
            platform: Some(c.platform),
            avatar: avatar.and_then(|a| parse_pdq(&a.pdq).map(|h| (h, a.quality))),
            avatar_turned: avatar.map(turned).unwrap_or_default(),
            renamed_from: Vec::new(),
            unit: None,
        }
    };
    // Officials: our units' own channels. Everything else — neighbours' official pages included —
    // is a candidate.
    let (officials, others): (Vec<&Community>, Vec<&Community>) = communities
        .iter()
        .partition(|c| c.classification == Classification::Official && c.official_of.is_some());
    let others: Vec<&Community> = others.into_iter().filter(|c| keep(c)).collect();
    let official_channels: Vec<Channel> = officials.iter().map(|c| channel(c)).collect();
    let units = store.units()?;
    let ours = units_without_official(&units, &officials);
    let mut candidates: Vec<Channel> = others
        .iter()
        .map(|c| Channel {
            unit: c.unit.clone().filter(|u| {
                ours.contains(u.as_str())
                    && !matches!(
                        c.status,
                        Status::Suspicious
                            | Status::Impersonating
                            | Status::Reported
                            | Status::Removed
                    )
            }),
            ..channel(c)
        })
        .collect();
    let home = home(&units, &officials);
    let places = Places::at(&home);
    let scanner = Scanner::new(&official_channels, &places, &home);
    // A rename can add at most 0.3 by noisy-or (s' = 0.3 + 0.7 s): scan without history at the
    // lowest score that could reach `min_score` with it, then bring the history of those only.
    let floor = ((min_score - 0.3) / 0.7).max(0.0);
    let first = scanner.scan(&candidates, floor, threads);
    let mut rescan: Vec<usize> = first.iter().map(|f| f.candidate).collect();
    rescan.sort_unstable();
    rescan.dedup();
    let mut findings: Vec<Finding> = Vec::new();
    for k in rescan {
        let history = store.name_history(others[k].id)?;
        candidates[k].renamed_from = history
            .into_iter()
            .map(|(at, old, _new)| (at, old))
            .collect();
        findings.extend(scanner.scan_one(k, &candidates[k], min_score));
    }
    findings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.candidate.cmp(&b.candidate))
    });
    Ok(findings
        .into_iter()
        .map(|f| {
            let (c, o) = (others[f.candidate], officials[f.official]);
            let avatar_distance = detect::impersonation::avatar_distance(
                &candidates[f.candidate],
                &official_channels[f.official],
            )
            .map(|(d, _)| d);
            Reported {
                candidate: side(c),
                official: side(o),
                score: f.score,
                reasons: f.reasons,
                avatar_distance,
                kind: f.kind,
            }
        })
        .collect())
}

/// An officer's decision on a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The page impersonates an official channel: its status becomes "impersonating".
    Impostor,
    /// It does not: the finding is not shown again while the page keeps its name and avatar.
    NotImpostor,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "impostor" => Some(Decision::Impostor),
            "not_impostor" => Some(Decision::NotImpostor),
            _ => None,
        }
    }
}

/// What a decision did.
#[derive(Debug, Serialize)]
pub struct Decided {
    pub candidate_id: i64,
    pub status: &'static str,
    /// The case opened with the finding as its first evidence, when one was asked for.
    pub case_id: Option<i64>,
}

const NOT_IMPOSTOR: &str = "impersonation.not_impostor";

/// The largest avatar picture decoded from an upload: 8,000 px a side, 256 MiB of pixels.
pub const AVATAR_MAX_SIDE: u32 = 8_000;
pub const AVATAR_MAX_ALLOC: u64 = 256 << 20;

/// Decodes an uploaded picture within the avatar limits; what is not a picture (by its content,
/// whatever its name), too large or damaged is refused as invalid input of field `file`.
pub(crate) fn decode_upload(picture: &[u8]) -> Result<media::image::DynamicImage, Error> {
    media::decode_within(picture, AVATAR_MAX_SIDE, AVATAR_MAX_ALLOC).map_err(|e| {
        let message = match e {
            media::MediaError::NotAnImage => {
                "Tệp không phải ảnh PNG, JPEG, WebP hay GIF (xét theo nội dung, không theo tên tệp).".to_owned()
            }
            other => format!(
                "Không đọc được ảnh (quá {AVATAR_MAX_SIDE} điểm ảnh mỗi chiều, quá lớn hoặc hỏng): {other}"
            ),
        };
        Error::new(ErrorKind::Invalid { field: "file" }, message)
    })
}

impl App {
    /// Every finding at or above `min_score` (the CLI's scan), the scan recorded in the audit
    /// log.
    pub fn impersonation_scan(
        &self,
        actor: &Actor,
        min_score: f64,
    ) -> Result<Vec<Reported>, Error> {
        actor.require_province(domain::Permission::Triage)?;
        let mut store = self.store()?;
        let findings = scan(&mut store, min_score, 2)?;
        store.record(
            &actor.name,
            "impersonation.scan",
            "register",
            serde_json::json!({"min_score": min_score, "findings": findings.len()}),
        )?;
        Ok(findings)
    }

    /// The scan's findings an officer still has to look at: every finding at or above the
    /// judged score, less the pages said not to be impostors that still have the name and
    /// avatar they had then.
    pub fn impersonation_review(&self, actor: &Actor) -> Result<Vec<Reported>, Error> {
        actor.require_province(domain::Permission::Triage)?;
        let mut store = self.store()?;
        let findings = scan(&mut store, detect::impersonation::JUDGED, 2)?;
        let avatars: std::collections::HashMap<i64, String> = store
            .avatars()?
            .into_iter()
            .map(|(id, a)| (id.0, a.pdq))
            .collect();
        let mut kept = Vec::with_capacity(findings.len());
        for f in findings {
            let cleared = store
                .audit_events_of("community", &f.candidate.id.to_string())?
                .into_iter()
                .rev()
                .find(|e| e.action.starts_with("impersonation."))
                .filter(|e| e.action == NOT_IMPOSTOR)
                .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.details).ok())
                .is_some_and(|d| {
                    d["name"] == f.candidate.name.as_str()
                        && d["avatar"].as_str() == avatars.get(&f.candidate.id).map(String::as_str)
                });
            if !cleared {
                kept.push(f);
            }
        }
        Ok(kept)
    }

    /// Records a page's avatar from a picture: its PDQ hash, quality and SHA-256 are kept (and
    /// audited), never the picture. Returns the avatar and whether it changed.
    pub fn set_avatar(
        &self,
        actor: &Actor,
        community_id: i64,
        picture: &[u8],
    ) -> Result<(domain::Avatar, bool), Error> {
        actor.require_province(domain::Permission::Triage)?;
        let image = decode_upload(picture)?;
        let mut store = self.store()?;
        let Some(page) = store.community(domain::CommunityId(community_id))? else {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("Không có trang số {community_id} trong sổ đăng ký."),
            ));
        };
        let (pdq, turns) = media::pdq_dihedral_of(&image);
        let avatar = domain::Avatar {
            pdq: pdq.hash.to_hex(),
            quality: pdq.quality,
            sha256: media::sha256_hex(picture),
            turned: turns[1..].iter().map(media::Hash256::to_hex).collect(),
            recorded_at: String::new(),
        };
        let changed = store.set_avatar(&actor.name, page.id, &avatar)?;
        Ok((avatar, changed))
    }

    /// Decides a finding about page `candidate_id`: an impostor (status "impersonating",
    /// audited; with `open_case`, a case opened with the finding as its first evidence) or not
    /// (a reason is required; remembered with the page's name and avatar).
    pub fn decide_impersonation(
        &self,
        actor: &Actor,
        candidate_id: i64,
        decision: Decision,
        reason: &str,
        open_case: bool,
    ) -> Result<Decided, Error> {
        actor.require_province(domain::Permission::Triage)?;
        let reason = reason.trim();
        if decision == Decision::NotImpostor && reason.is_empty() {
            return Err(Error::new(
                ErrorKind::Invalid { field: "reason" },
                "Cần ghi lý do vì sao trang này không giả mạo.",
            ));
        }
        let mut store = self.store()?;
        let communities = store.communities()?;
        let Some(page) = communities.iter().find(|c| c.id.0 == candidate_id) else {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("Không có trang số {candidate_id} trong sổ đăng ký."),
            ));
        };
        let avatar = store
            .avatars()?
            .into_iter()
            .find(|(id, _)| id.0 == candidate_id)
            .map(|(_, a)| a.pdq);
        let id = candidate_id.to_string();
        match decision {
            Decision::NotImpostor => {
                store.record_about(
                    &actor.name,
                    NOT_IMPOSTOR,
                    "community",
                    &id,
                    json!({"name": page.name, "avatar": avatar, "reason": reason}),
                )?;
                Ok(Decided {
                    candidate_id,
                    status: page.status.as_str(),
                    case_id: None,
                })
            }
            Decision::Impostor => {
                // The finding as the scan has it now: the evidence of the decision.
                let finding = scan_candidates(&mut store, 0.0, 2, |c| c.id.0 == candidate_id)?
                    .into_iter()
                    .next();
                let mut record = domain::CommunityRecord::from(page);
                record.status = domain::Status::Impersonating;
                store.import_communities(&actor.name, "impersonation", &[record])?;
                store.record_about(
                    &actor.name,
                    "impersonation.impostor",
                    "community",
                    &id,
                    json!({"name": page.name, "avatar": avatar, "reason": reason,
                           "official": finding.as_ref().map(|f| f.official.id),
                           "score": finding.as_ref().map(|f| f.score)}),
                )?;
                let case_id = if open_case {
                    let title = format!("Trang giả mạo: {}", page.name);
                    let case = store.open_case(
                        &actor.name,
                        &title,
                        domain::Category::Impersonation,
                        Some(page.id),
                        &[],
                    )?;
                    let bytes = serde_json::to_vec_pretty(&json!({
                        "finding": finding, "decided_by": actor.name, "reason": reason,
                    }))
                    .map_err(anyhow::Error::from)?;
                    let sha = crate::evidence::sha256(&bytes);
                    crate::evidence::keep(&self.evidence_dir(), &sha, &bytes)?;
                    store.add_evidence(
                        &actor.name,
                        &domain::Evidence {
                            case_id: case,
                            sha256: sha,
                            file_name: format!("phat-hien-gia-mao-{candidate_id}.json"),
                            media_type: "application/json".into(),
                            size: bytes.len() as u64,
                            added_by: String::new(),
                            added_at: String::new(),
                        },
                    )?;
                    Some(case)
                } else {
                    None
                };
                Ok(Decided {
                    candidate_id,
                    status: domain::Status::Impersonating.as_str(),
                    case_id,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use domain::{CommunityRecord, Kind, Platform, Role};

    fn record(
        name: &str,
        handle: &str,
        unit: &str,
        official: bool,
        status: Status,
    ) -> CommunityRecord {
        let url = format!("https://www.facebook.com/{handle}");
        CommunityRecord {
            key: url.clone(),
            name: name.to_owned(),
            url: Some(url),
            platform: Platform::Facebook,
            kind: Kind::Page,
            members: None,
            admins: None,
            unit: Some(unit.to_owned()),
            status,
            classification: if official {
                Classification::Official
            } else {
                Classification::Unknown
            },
            official_of: official.then(|| unit.to_owned()),
            locality: Some("Xã Thạch Quảng, huyện Thạch Thành, Thanh Hóa".to_owned()),
            note: None,
        }
    }

    /// The register knows where the office is (its root unit's ward code, its official
    /// channels' former district) and which pages its own units without an official channel run.
    #[test]
    fn the_register_scan_knows_where_we_are_and_what_is_ours() {
        let (app, _dir) = testing::app();
        {
            let mut s = app.store().unwrap();
            let root = s
                .create_unit("t", "Xã Thạch Quảng", None, Some(15199))
                .unwrap();
            for u in ["Đảng ủy xã Thạch Quảng", "Chi bộ thôn Quảng Tâm"] {
                s.create_unit("t", u, Some(root.id), None).unwrap();
            }
            s.import_communities(
                "t",
                "test",
                &[
                    record(
                        "Đảng ủy xã Thạch Quảng",
                        "dangbo.thachquang",
                        "Đảng ủy xã Thạch Quảng",
                        true,
                        Status::Verified,
                    ),
                    // Run by the village cell, copying the official name.
                    record(
                        "Đảng ủy xã Thạch Quảng",
                        "chibo.quangtam",
                        "Chi bộ thôn Quảng Tâm",
                        false,
                        Status::Verified,
                    ),
                    // Watched by the Party Committee: an impostor naming our former district.
                    record(
                        "Đảng ủy xã Thạch Quảng - Thạch Thành",
                        "danguy.tq.1",
                        "Đảng ủy xã Thạch Quảng",
                        false,
                        Status::Watch,
                    ),
                    // The cell's own page, by its own name.
                    record(
                        "Chi bộ thôn Quảng Tâm - Đảng ủy xã Thạch Quảng",
                        "chibo.quangtam.2",
                        "Chi bộ thôn Quảng Tâm",
                        false,
                        Status::Verified,
                    ),
                ],
            )
            .unwrap();
        }
        let found = app
            .impersonation_scan(
                &testing::actor(Role::Officer),
                detect::impersonation::JUDGED,
            )
            .unwrap();
        let seen: Vec<(&str, Option<&str>, FindingKind)> = found
            .iter()
            .map(|f| {
                (
                    f.candidate.name.as_str(),
                    f.candidate.url.as_deref(),
                    f.kind,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "Đảng ủy xã Thạch Quảng - Thạch Thành",
                    Some("https://www.facebook.com/danguy.tq.1"),
                    FindingKind::Impostor
                ),
                (
                    "Đảng ủy xã Thạch Quảng",
                    Some("https://www.facebook.com/chibo.quangtam"),
                    FindingKind::NotOfficial
                ),
            ]
        );
        assert!(
            found[0]
                .reasons
                .contains(&"nêu «Thạch Thành» — đúng địa bàn của trang chính thức".to_owned()),
            "{:?}",
            found[0].reasons
        );
    }
}
