//! Cases: alerts gathered into a case (or dismissed with a reason), an assignee, the measures
//! taken, a status with its outcome, a case split in two, evidence kept by SHA-256 and viewed on
//! the record. The use cases behind the case pages, the alert queue and the CLI's `case`, each
//! asking the actor's permission first; every change is audited by the store in its own
//! transaction.

use crate::{Actor, App, Error};
use domain::{
    AuditEvent, Case, CaseAction, CaseStatus, Community, Evidence, Item, Permission, StoredAlert,
    StoredSignal, UnitId,
};

/// Posts shown per alert on a case's page.
pub const POSTS_PER_ALERT: usize = 20;

/// A case with everything its page shows.
pub struct CaseView {
    pub case: Case,
    pub alerts: Vec<StoredAlert>,
    /// The posts behind the alerts (the first [`POSTS_PER_ALERT`] of each), with their signals.
    pub items: Vec<(Item, Vec<StoredSignal>)>,
    /// The page the case is about, when it is about one.
    pub community: Option<Community>,
    pub evidence: Vec<Evidence>,
    /// The case's audit events, oldest first.
    pub timeline: Vec<AuditEvent>,
    /// The accounts a case can be assigned to.
    pub officers: Vec<String>,
    /// (id, name) of every unit, for "notify the member's unit".
    pub units: Vec<(i64, String)>,
    /// How many cases are not closed (this one included).
    pub open_cases: usize,
    /// The cases merged into this one (their alerts, posts and evidence are listed with its).
    pub merged: Vec<Case>,
    /// The cases this one may be merged into (pending, not this one).
    pub pending: Vec<(i64, String)>,
}

/// A deadline as the office sees it: category (`*`: any), severity, hours, and whether the
/// office set it (or it is built in).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    pub category: String,
    pub severity: String,
    pub hours: i64,
    pub set_by_office: bool,
}

/// How quickly cases were handled: those opened in [from, to), hours to the first action and
/// to closing (medians), closed within their deadline or late, and pending past it now.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CaseTimes {
    pub opened: usize,
    pub acted_on: usize,
    pub median_hours_to_first_action: Option<f64>,
    pub closed: usize,
    pub median_hours_to_close: Option<f64>,
    pub closed_within_deadline: usize,
    pub closed_late: usize,
    pub overdue_now: usize,
}

fn hours_between(from: &str, to: &str) -> Option<f64> {
    let a = chrono::DateTime::parse_from_rfc3339(from).ok()?;
    let b = chrono::DateTime::parse_from_rfc3339(to).ok()?;
    Some((b - a).num_seconds() as f64 / 3600.0)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// A measure taken on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// One of the recorded actions (a takedown request, a warning, …).
    Action(CaseAction),
    /// The member's unit told, by the unit's id.
    NotifyUnit(UnitId),
}

/// The media type of an evidence file, judged by its content: pictures, PDF, video, office
/// documents, plain text. Anything else is refused.
pub fn evidence_type(bytes: &[u8]) -> Option<&'static str> {
    let starts = |p: &[u8]| bytes.starts_with(p);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Some("video/mp4")
    } else if starts(b"PK\x03\x04") {
        Some("application/zip")
    } else if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        Some("text/plain; charset=utf-8")
    } else {
        None
    }
}

/// An evidence file's name as kept: its last path component, printable, at most 120
/// characters; "chung-cu" when nothing is left.
pub fn evidence_name(uploaded: &str) -> String {
    let base = uploaded.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() {
        "chung-cu".to_owned()
    } else {
        clean
    }
}

/// Whether account `u` may be given the actor's cases: one that triages — for a commune's
/// account, one of its commune's.
fn handles_cases_for(actor: &Actor, u: &domain::User) -> bool {
    u.can(Permission::Triage) && (actor.commune.is_none() || u.commune == actor.commune)
}

impl App {
    /// Every case.
    pub fn cases(&self, actor: &Actor) -> Result<Vec<Case>, Error> {
        actor.require(Permission::ViewCases)?;
        let mut s = self.store()?;
        let reach = self.reach(&mut s, actor)?;
        let mut cases = s.cases()?;
        cases.retain(|c| reach.has_case(c));
        Ok(cases)
    }

    /// Alerts' posts by source id, each with its signals: what the alert queue and an alert's
    /// page show of them.
    pub fn alert_posts(
        &self,
        actor: &Actor,
        sources: &[String],
    ) -> Result<Vec<(Item, Vec<domain::StoredSignal>)>, Error> {
        actor.require(Permission::ViewAlerts)?;
        let mut s = self.store()?;
        let reach = self.reach(&mut s, actor)?;
        let mut posts = s.alert_items(sources)?;
        posts.retain(|(i, _)| reach.has_page(domain::CommunityId(i.community_id)));
        Ok(posts)
    }

    /// One case (a point lookup).
    pub fn case(&self, actor: &Actor, id: i64) -> Result<Case, Error> {
        actor.require(Permission::ViewCases)?;
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)
    }

    /// One case with its alerts, posts, page, evidence and timeline.
    pub fn case_view(&self, actor: &Actor, id: i64) -> Result<CaseView, Error> {
        actor.require(Permission::ViewCases)?;
        let mut s = self.store()?;
        let reach = self.reach(&mut s, actor)?;
        let mut cases = s.cases()?;
        // Read with the rest (not again): the cases merged into this one.
        let merged: Vec<Case> = cases
            .iter()
            .filter(|c| c.merged_into == Some(id))
            .cloned()
            .collect();
        cases.retain(|c| reach.has_case(c));
        let open_cases = cases
            .iter()
            .filter(|c| c.status != CaseStatus::Closed)
            .count();
        let pending = cases
            .iter()
            .filter(|c| c.is_pending() && c.id != id)
            .map(|c| (c.id, c.title.clone()))
            .collect();
        let Some(case) = cases.into_iter().find(|c| c.id == id) else {
            return Err(Error::not_found("hồ sơ", id));
        };
        let alerts: Vec<StoredAlert> = s.alerts_with_ids(&case.alert_ids)?;
        let sources: Vec<String> = alerts
            .iter()
            .flat_map(|a| a.item_ids.iter().take(POSTS_PER_ALERT).cloned())
            .collect();
        let items = s.alert_items(&sources)?;
        let community = match case.community {
            Some(c) => s.community(c)?,
            None => None,
        };
        let officers = s
            .users()?
            .into_iter()
            .filter(|u| handles_cases_for(actor, u))
            .map(|u| u.username)
            .collect();
        let mut evidence = s.evidence(id)?;
        let mut alerts = alerts;
        let mut items = items;
        for m in &merged {
            evidence.extend(s.evidence(m.id)?);
            let theirs = s.alerts_with_ids(&m.alert_ids)?;
            let sources: Vec<String> = theirs
                .iter()
                .flat_map(|a| a.item_ids.iter().take(POSTS_PER_ALERT).cloned())
                .collect();
            items.extend(s.alert_items(&sources)?);
            alerts.extend(theirs);
        }
        let units = s.units()?;
        let offered = crate::register::units_for_measures(
            &units,
            actor.commune,
            community.as_ref().and_then(|c| c.commune),
        );
        let units = units
            .into_iter()
            .filter(|u| offered.as_ref().is_none_or(|n| n.contains(&u.name)))
            .map(|u| (u.id.0, u.name))
            .collect();
        Ok(CaseView {
            evidence,
            timeline: s.case_timeline_with(id, &merged)?,
            merged,
            pending,
            case,
            alerts,
            items,
            community,
            officers,
            units,
            open_cases,
        })
    }

    /// The alerts into a new case (titled `title`, or by the first alert when empty, about the
    /// page its posts share if they share one — for a commune's account, else its first post's
    /// page), or into the open case `into`. The case's id.
    pub fn open_case_from_alerts(
        &self,
        actor: &Actor,
        alert_ids: &[i64],
        into: Option<i64>,
        title: &str,
    ) -> Result<i64, Error> {
        actor.require(Permission::Triage)?;
        if alert_ids.is_empty() {
            return Err(Error::invalid(
                "alert",
                "Hãy chọn ít nhất một cảnh báo để lập hồ sơ.",
            ));
        }
        let mut s = self.store()?;
        let alerts = s.alerts_with_ids(alert_ids)?;
        let reach = self.reach(&mut s, actor)?;
        reach.check_alerts(&mut s, &alerts)?;
        if let Some(id) = into {
            reach.case(&mut s, id)?;
            s.merge_alerts(&actor.name, id, alert_ids)?;
            self.attach_screenshots(&mut s, actor, id, &alerts)?;
            return Ok(id);
        }
        let Some(first) = alerts.first() else {
            return Err(Error::not_found("cảnh báo", alert_ids[0]));
        };
        let items = s.alert_items(&first.item_ids)?;
        let first_page = items.first().map(|(i, _)| i.community_id);
        let community = first_page
            .filter(|c| items.iter().all(|(i, _)| i.community_id == *c))
            // A commune's case is about one of its pages, or it would not reach it: the first
            // post's (every post behind the alerts is on its pages).
            .or(first_page.filter(|_| actor.commune.is_some()))
            .map(domain::CommunityId);
        let title = title.trim();
        let title = if title.is_empty() {
            format!("{}: {}", first.category.label_vi(), first.explanation)
                .chars()
                .take(120)
                .collect()
        } else {
            title.to_owned()
        };
        let id = s.open_case(&actor.name, &title, first.category, community, alert_ids)?;
        self.attach_screenshots(&mut s, actor, id, &alerts)?;
        Ok(id)
    }

    /// The screenshots captured with the alerts' posts become the case's evidence (each once).
    fn attach_screenshots(
        &self,
        s: &mut store::Store,
        actor: &Actor,
        case: i64,
        alerts: &[StoredAlert],
    ) -> Result<(), Error> {
        let sources: Vec<String> = alerts
            .iter()
            .flat_map(|a| a.item_ids.iter().take(POSTS_PER_ALERT).cloned())
            .collect();
        let dir = self.evidence_dir();
        for (item, _) in s.alert_items(&sources)? {
            for m in &item.media {
                let Some(sha) = m.sha256.as_deref().filter(|h| h.len() == 64) else {
                    continue;
                };
                let Ok(bytes) = std::fs::read(dir.join(&sha[..2]).join(sha)) else {
                    continue;
                };
                let Some(media_type) = evidence_type(&bytes) else {
                    continue;
                };
                let name = m
                    .reference
                    .strip_prefix("screenshot:")
                    .unwrap_or(&m.reference);
                s.add_evidence(
                    &actor.name,
                    &Evidence {
                        case_id: case,
                        sha256: sha.to_owned(),
                        file_name: evidence_name(name),
                        media_type: media_type.to_owned(),
                        size: bytes.len() as u64,
                        added_by: String::new(),
                        added_at: String::new(),
                    },
                )?;
            }
        }
        Ok(())
    }

    /// An alert set aside, with the reason (at least three characters).
    pub fn dismiss_alert(&self, actor: &Actor, id: i64, reason: &str) -> Result<(), Error> {
        actor.require(Permission::Triage)?;
        let reason = reason.trim();
        if reason.chars().count() < 3 {
            return Err(Error::invalid("reason", "Cần ghi lý do bỏ qua."));
        }
        let mut s = self.store()?;
        let alert = s.alerts_with_ids(&[id])?;
        self.reach(&mut s, actor)?.check_alerts(&mut s, &alert)?;
        if s.decide_alert(&actor.name, id, "dismissed", reason)? {
            Ok(())
        } else {
            Err(Error::not_found("cảnh báo", id))
        }
    }

    /// The case given to `assignee` (an account that may triage), or to nobody when empty.
    pub fn assign_case(&self, actor: &Actor, id: i64, assignee: &str) -> Result<(), Error> {
        actor.require(Permission::Triage)?;
        let who = assignee.trim();
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)?;
        if !who.is_empty()
            && !s
                .users()?
                .iter()
                .any(|u| u.username == who && handles_cases_for(actor, u))
        {
            return Err(Error::invalid(
                "assignee",
                format!("«{who}» không phải cán bộ xử lý / not an officer"),
            ));
        }
        Ok(s.assign_case(&actor.name, id, (!who.is_empty()).then_some(who))?)
    }

    /// A measure taken on the case, with its note.
    pub fn take_measure(
        &self,
        actor: &Actor,
        id: i64,
        measure: Measure,
        note: &str,
    ) -> Result<(), Error> {
        actor.require(Permission::Triage)?;
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)?;
        match measure {
            Measure::NotifyUnit(unit) => {
                // A commune's account tells its commune's units only.
                if actor.commune.is_some() {
                    let units = s.units()?;
                    let own = crate::register::commune_units(&units, actor.commune);
                    if !units
                        .iter()
                        .any(|u| u.id == unit && own.as_ref().is_some_and(|n| n.contains(&u.name)))
                    {
                        return Err(Error::invalid("unit", "Đơn vị không có."));
                    }
                }
                Ok(s.notify_unit(&actor.name, id, unit, note)?)
            }
            Measure::Action(action) => Ok(s.case_action(&actor.name, id, action, note)?),
        }
    }

    /// The case's status; closing it needs an outcome (the store's rule).
    pub fn set_case_status(
        &self,
        actor: &Actor,
        id: i64,
        status: CaseStatus,
        outcome: &str,
    ) -> Result<(), Error> {
        actor.require(Permission::Triage)?;
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)?;
        Ok(s.set_case_status(&actor.name, id, status, outcome)?)
    }

    /// Whole cases merged into case `into` (each keeps its alerts, evidence and timeline, shown
    /// with `into`'s until un-merged).
    pub fn merge_cases(&self, actor: &Actor, into: i64, cases: &[i64]) -> Result<(), Error> {
        actor.require(Permission::Triage)?;
        let mut s = self.store()?;
        let reach = self.reach(&mut s, actor)?;
        for id in std::iter::once(&into).chain(cases) {
            reach.case(&mut s, *id)?;
        }
        Ok(s.merge_cases(&actor.name, into, cases)?)
    }

    /// A merged case taken out again, as it was; returns the case it was merged into.
    pub fn unmerge_case(&self, actor: &Actor, id: i64) -> Result<i64, Error> {
        actor.require(Permission::Triage)?;
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)?;
        Ok(s.unmerge_case(&actor.name, id)?)
    }

    /// The cases pending past their deadline now, the most overdue first.
    pub fn overdue_cases(&self, actor: &Actor) -> Result<Vec<Case>, Error> {
        actor.require(Permission::ViewCases)?;
        let now = crate::now_utc();
        let mut s = self.store()?;
        let reach = self.reach(&mut s, actor)?;
        let mut late: Vec<Case> = s
            .cases()?
            .into_iter()
            .filter(|c| c.is_overdue(&now) && reach.has_case(c))
            .collect();
        late.sort_by(|a, b| a.due_at.cmp(&b.due_at));
        Ok(late)
    }

    /// Every deadline in force: the office's own, then the built-in ones it did not replace.
    pub fn case_deadlines(&self, actor: &Actor) -> Result<Vec<Deadline>, Error> {
        actor.require(Permission::ViewCases)?;
        let set = self.store()?.case_deadlines()?;
        let mut out: Vec<Deadline> = set
            .iter()
            .map(|(c, s, h)| Deadline {
                category: c.clone(),
                severity: s.clone(),
                hours: *h,
                set_by_office: true,
            })
            .collect();
        for (severity, hours) in store::BUILT_IN_DEADLINES {
            if !set.iter().any(|(c, s, _)| c == "*" && s == severity) {
                out.push(Deadline {
                    category: "*".into(),
                    severity: severity.into(),
                    hours,
                    set_by_office: false,
                });
            }
        }
        Ok(out)
    }

    /// The office's deadline for a category (or `*`) and severity, or the built-in one again
    /// (`None`). An administrator's or a leader's decision, audited.
    pub fn set_case_deadline(
        &self,
        actor: &Actor,
        category: &str,
        severity: &str,
        hours: Option<i64>,
    ) -> Result<(), Error> {
        actor.require(Permission::ApproveReport)?;
        Ok(self
            .store()?
            .set_case_deadline(&actor.name, category.trim(), severity.trim(), hours)?)
    }

    /// How quickly the cases opened in [from, to) (ISO dates, Vietnam's days taken as UTC
    /// prefixes) were handled ([`CaseTimes`]).
    pub fn case_times(&self, actor: &Actor, from: &str, to: &str) -> Result<CaseTimes, Error> {
        actor.require(Permission::ViewCases)?;
        let now = crate::now_utc();
        let mut s = self.store()?;
        let reach = self.reach(&mut s, actor)?;
        let cases: Vec<Case> = s
            .cases()?
            .into_iter()
            .filter(|c| c.merged_into.is_none() && reach.has_case(c))
            .filter(|c| c.opened_at.as_str() >= from && c.opened_at.as_str() < to)
            .collect();
        let to_first: Vec<f64> = cases
            .iter()
            .filter_map(|c| hours_between(&c.opened_at, c.first_action_at.as_deref()?))
            .collect();
        let closed: Vec<&Case> = cases
            .iter()
            .filter(|c| c.status == CaseStatus::Closed)
            .collect();
        let to_close: Vec<f64> = closed
            .iter()
            .filter_map(|c| hours_between(&c.opened_at, &c.updated_at))
            .collect();
        let within = closed.iter().filter(|c| c.closed_within_deadline()).count();
        Ok(CaseTimes {
            opened: cases.len(),
            acted_on: to_first.len(),
            median_hours_to_first_action: median(to_first),
            closed: closed.len(),
            median_hours_to_close: median(to_close),
            closed_within_deadline: within,
            closed_late: closed.len() - within,
            overdue_now: cases.iter().filter(|c| c.is_overdue(&now)).count(),
        })
    }

    /// The alerts `alert_ids` taken out of case `id` into a new case; the new case's id.
    pub fn split_case(&self, actor: &Actor, id: i64, alert_ids: &[i64]) -> Result<i64, Error> {
        actor.require(Permission::Triage)?;
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)?;
        Ok(s.split_case(&actor.name, id, alert_ids)?)
    }

    /// A file added to an open case as evidence: judged by its content
    /// ([`evidence_type`]), written once under its SHA-256 in the evidence dir, then recorded.
    pub fn add_evidence(
        &self,
        actor: &Actor,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Evidence, Error> {
        actor.require(Permission::Triage)?;
        let Some(media_type) = evidence_type(bytes) else {
            return Err(Error::invalid(
                "file",
                "Không nhận loại tệp này: chỉ nhận ảnh (PNG, JPEG, GIF, WebP), PDF, video MP4, tệp nén hoặc văn bản.",
            ));
        };
        let mut s = self.store()?;
        // Refuse before writing a file for a case that does not exist (or is not the actor's
        // commune's) or is closed.
        if self.reached_case(&mut s, actor, id)?.status == CaseStatus::Closed {
            return Err(Error::invalid(
                "case",
                format!("hồ sơ #{id} đã đóng / case #{id} is closed"),
            ));
        }
        let sha = crate::evidence::sha256(bytes);
        crate::evidence::keep(&self.evidence_dir(), &sha, bytes)?;
        let evidence = Evidence {
            case_id: id,
            sha256: sha,
            file_name: evidence_name(file_name),
            media_type: media_type.to_owned(),
            size: bytes.len() as u64,
            added_by: String::new(),
            added_at: String::new(),
        };
        s.add_evidence(&actor.name, &evidence)?;
        Ok(evidence)
    }

    /// An evidence file of case `id` by its SHA-256, its viewing recorded on the case's
    /// timeline. Only a hash on the case names a file: nothing else reaches the disk.
    pub fn evidence_file(
        &self,
        actor: &Actor,
        id: i64,
        sha: &str,
    ) -> Result<(Evidence, Vec<u8>), Error> {
        actor.require(Permission::ViewCases)?;
        let mut s = self.store()?;
        self.reached_case(&mut s, actor, id)?;
        let Some(e) = s.evidence(id)?.into_iter().find(|e| e.sha256 == sha) else {
            return Err(Error::not_found("chứng cứ", sha.get(..12).unwrap_or(sha)));
        };
        let bytes = std::fs::read(self.evidence_dir().join(&sha[..2]).join(sha))
            .map_err(anyhow::Error::from)?;
        s.record_about(
            &actor.name,
            "case.evidence.view",
            "case",
            &id.to_string(),
            serde_json::json!({"sha256": sha, "purpose": "xem chứng cứ hồ sơ"}),
        )?;
        Ok((e, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_recognised_by_content_not_name() {
        assert_eq!(evidence_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(evidence_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(evidence_type(b"\0\0\0\x18ftypmp42"), Some("video/mp4"));
        assert_eq!(
            evidence_type("Ảnh chụp: lừa đảo".as_bytes()),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(evidence_type(b"MZ\x90\0\x03\0"), None, "an executable");
        assert_eq!(evidence_type(b""), None);
    }

    #[test]
    fn evidence_keeps_only_the_last_printable_name() {
        assert_eq!(evidence_name("C:\\Users\\a\\ảnh chụp.png"), "ảnh chụp.png");
        assert_eq!(evidence_name("../../etc/passwd"), "passwd");
        assert_eq!(evidence_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(evidence_name("dir/"), "chung-cu");
        assert_eq!(evidence_name(&"x".repeat(300)).chars().count(), 120);
    }
}
