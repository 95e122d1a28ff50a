//! Cases: opening one from alerts (merging several), splitting alerts off into a new case,
//! merging whole cases into one and un-merging them, assigning, actions, evidence and closing,
//! and the deadline each case gets when it opens (by the office's hours for its category and
//! severity, [`BUILT_IN_DEADLINES`] where it set none). Every step is one transaction with its
//! audit event on the case, so the case's timeline is its audit events
//! ([`Store::case_timeline`]).

use super::{Store, now};
use crate::{Result, StoreError};
use domain::*;
use serde_json::json;

/// An alert's status once it has been merged into a case.
pub const ALERT_IN_CASE: &str = "in_case";

/// Hours to close a case by its severity, where the office set no deadline of its own: a high
/// alert (a scam spreading, a leak) within a day, a medium one within three, a low one a week.
pub const BUILT_IN_DEADLINES: [(&str, i64); 3] = [("high", 24), ("medium", 72), ("low", 168)];

/// The worst of some alerts' severities (`medium` for none).
fn worst_severity<'a>(severities: impl Iterator<Item = &'a str>) -> &'static str {
    let rank = |s: &str| match s {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    };
    match severities.map(rank).max() {
        Some(2) => "high",
        Some(0) => "low",
        _ => "medium",
    }
}

fn plus_hours(at: &str, hours: i64) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    Some(
        (t.to_utc() + chrono::Duration::hours(hours))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

impl Store {
    pub fn cases(&mut self) -> Result<Vec<Case>> {
        self.db.cases()
    }

    pub fn case(&mut self, id: i64) -> Result<Option<Case>> {
        self.db.case(id)
    }

    fn existing_case(&mut self, id: i64) -> Result<Case> {
        self.case(id)?.ok_or(StoreError::NotFound {
            entity: "case",
            id: id.to_string(),
        })
    }

    /// Marks the alerts as taken into a case: each must exist and still be open.
    fn take_alerts(&mut self, alert_ids: &[i64]) -> Result<()> {
        let alerts = self.db.alerts()?;
        for id in alert_ids {
            match alerts.iter().find(|a| a.id == *id) {
                None => {
                    return Err(StoreError::NotFound {
                        entity: "alert",
                        id: id.to_string(),
                    });
                }
                Some(a) if a.status != "open" => {
                    return Err(StoreError::Invalid(format!(
                        "cảnh báo #{id} không còn chờ xử lý ({}) / alert #{id} is not open",
                        a.status
                    )));
                }
                Some(_) => {
                    self.db.set_alert_status(*id, ALERT_IN_CASE)?;
                }
            }
        }
        Ok(())
    }

    /// The hours a case of this category and severity has: the office's own for the category,
    /// else the office's for any category (`*`), else [`BUILT_IN_DEADLINES`].
    pub fn deadline_hours(&mut self, category: Category, severity: &str) -> Result<i64> {
        let set = self.db.case_deadlines()?;
        let find = |c: &str| {
            set.iter()
                .find(|(k, s, _)| k == c && s == severity)
                .map(|(_, _, h)| *h)
        };
        Ok(find(category.as_str())
            .or_else(|| find("*"))
            .or_else(|| {
                BUILT_IN_DEADLINES
                    .iter()
                    .find(|(s, _)| *s == severity)
                    .map(|(_, h)| *h)
            })
            .unwrap_or(72))
    }

    /// The deadlines the office set: (category or `*`, severity, hours).
    pub fn case_deadlines(&mut self) -> Result<Vec<(String, String, i64)>> {
        self.db.case_deadlines()
    }

    /// Sets the hours for a category (or `*`) and severity, or takes them away (`None`), with
    /// its audit event. Cases opened before keep their deadline.
    pub fn set_case_deadline(
        &mut self,
        actor: &str,
        category: &str,
        severity: &str,
        hours: Option<i64>,
    ) -> Result<()> {
        if !BUILT_IN_DEADLINES.iter().any(|(s, _)| *s == severity) {
            return Err(StoreError::Invalid(format!(
                "mức độ «{severity}» không có: high, medium, low / unknown severity"
            )));
        }
        if category != "*" && category.parse::<Category>().is_err() {
            return Err(StoreError::Invalid(format!(
                "loại «{category}» không có trong danh mục / unknown category"
            )));
        }
        if hours.is_some_and(|h| !(1..=24 * 365).contains(&h)) {
            return Err(StoreError::Invalid(
                "thời hạn từ 1 giờ đến 365 ngày / hours from 1 to 8760".into(),
            ));
        }
        let at = now();
        self.transaction(|s| {
            s.db.set_case_deadline(category, severity, hours)?;
            s.audit(
                actor,
                "case.deadline",
                "case_deadline",
                &format!("{category}/{severity}"),
                json!({"hours": hours}),
                &at,
            )
        })
    }

    /// Opens a case from zero or more open alerts (several alerts = a merge).
    pub fn open_case(
        &mut self,
        actor: &str,
        title: &str,
        category: Category,
        community: Option<CommunityId>,
        alert_ids: &[i64],
    ) -> Result<i64> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid(
                "hồ sơ cần có tiêu đề / a case needs a title".into(),
            ));
        }
        let at = now();
        self.transaction(|s| {
            s.take_alerts(alert_ids)?;
            let alerts = s.db.alerts_with_ids(alert_ids)?;
            let severity = worst_severity(alerts.iter().map(|a| a.severity.as_str()));
            let hours = s.deadline_hours(category, severity)?;
            let mut case = Case {
                id: 0,
                title: title.to_owned(),
                category,
                status: CaseStatus::Open,
                assignee: None,
                community,
                alert_ids: alert_ids.to_vec(),
                outcome: None,
                opened_by: actor.to_owned(),
                opened_at: at.clone(),
                updated_at: at.clone(),
                due_at: plus_hours(&at, hours),
                first_action_at: None,
                merged_into: None,
            };
            case.id = s.db.insert_case(&case)?;
            s.audit(
                actor,
                "case.open",
                "case",
                &case.id.to_string(),
                json!({"title": title, "category": category.as_str(), "alerts": alert_ids, "community": community.map(|c| c.0), "severity": severity, "due_at": case.due_at}),
                &at,
            )?;
            for a in alert_ids {
                s.audit(
                    actor,
                    "alert.decide",
                    "alert",
                    &a.to_string(),
                    json!({"status": ALERT_IN_CASE, "case": case.id}),
                    &at,
                )?;
            }
            Ok(case.id)
        })
    }

    /// Merges more open alerts into an open case.
    pub fn merge_alerts(&mut self, actor: &str, id: i64, alert_ids: &[i64]) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            let mut case = s.existing_case(id)?;
            s.refuse_closed(&case)?;
            s.take_alerts(alert_ids)?;
            case.alert_ids.extend_from_slice(alert_ids);
            case.updated_at = at.clone();
            s.db.update_case(&case)?;
            s.audit(
                actor,
                "case.merge",
                "case",
                &id.to_string(),
                json!({"alerts": alert_ids}),
                &at,
            )
        })
    }

    /// Moves some of a case's alerts into a new case of their own; returns the new case's id.
    pub fn split_case(&mut self, actor: &str, id: i64, alert_ids: &[i64]) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let mut case = s.existing_case(id)?;
            s.refuse_closed(&case)?;
            if alert_ids.is_empty()
                || alert_ids.iter().any(|a| !case.alert_ids.contains(a))
                || alert_ids.len() >= case.alert_ids.len()
            {
                return Err(StoreError::Invalid(format!(
                    "chỉ tách được một phần các cảnh báo của hồ sơ #{id} / choose some, not all, of case #{id}'s alerts"
                )));
            }
            case.alert_ids.retain(|a| !alert_ids.contains(a));
            case.updated_at = at.clone();
            s.db.update_case(&case)?;
            let mut new = Case {
                id: 0,
                title: format!("{} (tách từ hồ sơ #{id})", case.title),
                status: CaseStatus::Open,
                assignee: case.assignee.clone(),
                alert_ids: alert_ids.to_vec(),
                outcome: None,
                opened_by: actor.to_owned(),
                opened_at: at.clone(),
                updated_at: at.clone(),
                ..case
            };
            new.id = s.db.insert_case(&new)?;
            s.audit(
                actor,
                "case.split",
                "case",
                &id.to_string(),
                json!({"alerts": alert_ids, "into": new.id}),
                &at,
            )?;
            s.audit(
                actor,
                "case.open",
                "case",
                &new.id.to_string(),
                json!({"title": new.title, "category": new.category.as_str(), "alerts": alert_ids, "split_from": id}),
                &at,
            )?;
            Ok(new.id)
        })
    }

    fn refuse_closed(&self, case: &Case) -> Result<()> {
        if let Some(into) = case.merged_into {
            return Err(StoreError::Invalid(format!(
                "hồ sơ #{} đã gộp vào hồ sơ #{into}: xử lý ở hồ sơ đó, hoặc tách ra trước / case #{} is merged into #{into}",
                case.id, case.id
            )));
        }
        if case.status == CaseStatus::Closed {
            return Err(StoreError::Invalid(format!(
                "hồ sơ #{} đã đóng / case #{} is closed",
                case.id, case.id
            )));
        }
        Ok(())
    }

    /// Gives the case to an officer (or to nobody).
    pub fn assign_case(&mut self, actor: &str, id: i64, assignee: Option<&str>) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            let mut case = s.existing_case(id)?;
            s.refuse_closed(&case)?;
            case.assignee = assignee.map(str::to_owned);
            if case.status == CaseStatus::Open && assignee.is_some() {
                case.status = CaseStatus::InProgress;
            }
            if assignee.is_some() && case.first_action_at.is_none() {
                case.first_action_at = Some(at.clone());
            }
            case.updated_at = at.clone();
            s.db.update_case(&case)?;
            s.audit(
                actor,
                "case.assign",
                "case",
                &id.to_string(),
                json!({"assignee": assignee}),
                &at,
            )
        })
    }

    /// Records an action taken on the case, with the officer's note.
    pub fn case_action(
        &mut self,
        actor: &str,
        id: i64,
        action: CaseAction,
        note: &str,
    ) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            let mut case = s.existing_case(id)?;
            s.refuse_closed(&case)?;
            if case.status == CaseStatus::Open {
                case.status = CaseStatus::InProgress;
            }
            case.first_action_at.get_or_insert_with(|| at.clone());
            case.updated_at = at.clone();
            s.db.update_case(&case)?;
            s.audit(
                actor,
                "case.action",
                "case",
                &id.to_string(),
                json!({"action": action.as_str(), "note": note.trim()}),
                &at,
            )
        })
    }

    /// Notifies a unit about the case (its member is concerned): the action on the case's
    /// timeline and a notice on the unit's, which its follow-up page shows.
    pub fn notify_unit(&mut self, actor: &str, id: i64, unit: UnitId, note: &str) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            if !s.db.units()?.iter().any(|u| u.id == unit) {
                return Err(StoreError::NotFound {
                    entity: "unit",
                    id: unit.0.to_string(),
                });
            }
            s.case_action(actor, id, CaseAction::NotifyUnit, note)?;
            s.audit(
                actor,
                "unit.notify",
                "unit",
                &unit.0.to_string(),
                json!({"case": id, "note": note.trim()}),
                &at,
            )
        })
    }

    /// The notices a unit has received about cases, oldest first.
    pub fn unit_notices(&mut self, unit: UnitId) -> Result<Vec<AuditEvent>> {
        self.db
            .audit_events_of("unit", &unit.0.to_string())
            .map(|events| {
                events
                    .into_iter()
                    .filter(|e| e.action == "unit.notify")
                    .collect()
            })
    }

    /// Closes the case with its outcome (required), or reopens it (`outcome` ignored).
    pub fn set_case_status(
        &mut self,
        actor: &str,
        id: i64,
        status: CaseStatus,
        outcome: &str,
    ) -> Result<()> {
        let outcome = outcome.trim();
        if status == CaseStatus::Closed && outcome.chars().count() < 3 {
            return Err(StoreError::Invalid(
                "đóng hồ sơ cần ghi kết quả xử lý / closing a case needs its outcome".into(),
            ));
        }
        let at = now();
        self.transaction(|s| {
            let mut case = s.existing_case(id)?;
            if let Some(into) = case.merged_into {
                return Err(StoreError::Invalid(format!(
                    "hồ sơ #{id} đã gộp vào hồ sơ #{into} / case #{id} is merged into #{into}"
                )));
            }
            case.status = status;
            case.outcome = (status == CaseStatus::Closed).then(|| outcome.to_owned());
            if status == CaseStatus::Closed {
                case.first_action_at.get_or_insert_with(|| at.clone());
            }
            case.updated_at = at.clone();
            s.db.update_case(&case)?;
            s.audit(
                actor,
                "case.status",
                "case",
                &id.to_string(),
                json!({"status": status.as_str(), "outcome": case.outcome}),
                &at,
            )
        })
    }

    /// Records an evidence file already written under its SHA-256; false when this file is
    /// already on the case (nothing is written twice).
    pub fn add_evidence(&mut self, actor: &str, e: &Evidence) -> Result<bool> {
        let at = now();
        self.transaction(|s| {
            let case = s.existing_case(e.case_id)?;
            s.refuse_closed(&case)?;
            let e = Evidence {
                added_by: actor.to_owned(),
                added_at: at.clone(),
                ..e.clone()
            };
            if !s.db.insert_evidence(&e)? {
                return Ok(false);
            }
            s.audit(
                actor,
                "case.evidence",
                "case",
                &e.case_id.to_string(),
                json!({"sha256": e.sha256, "file_name": e.file_name, "media_type": e.media_type, "size": e.size}),
                &at,
            )?;
            Ok(true)
        })
    }

    pub fn evidence(&mut self, case_id: i64) -> Result<Vec<Evidence>> {
        self.db.evidence(case_id)
    }

    /// The posts behind some alerts, each with its signals: what the officer reads to decide.
    pub fn alert_items(&mut self, source_ids: &[String]) -> Result<Vec<(Item, Vec<StoredSignal>)>> {
        self.db.items_with_signals(source_ids)
    }

    /// Merges whole cases into `into`: each keeps its alerts, evidence and timeline, which are
    /// shown with `into`'s until it is un-merged ([`Store::unmerge_case`]); it is no longer
    /// pending on its own. Refused: `into` among them, a case closed or merged already, a case
    /// that others are merged into (merge those first into `into`).
    pub fn merge_cases(&mut self, actor: &str, into: i64, cases: &[i64]) -> Result<()> {
        let at = now();
        self.transaction(|s| {
            let target = s.existing_case(into)?;
            s.refuse_closed(&target)?;
            let all = s.db.cases()?;
            if cases.is_empty() {
                return Err(StoreError::Invalid(
                    "chọn ít nhất một hồ sơ để gộp / choose a case to merge".into(),
                ));
            }
            for id in cases {
                if *id == into {
                    return Err(StoreError::Invalid(format!(
                        "không gộp hồ sơ #{id} vào chính nó / a case is not merged into itself"
                    )));
                }
                let mut case = s.existing_case(*id)?;
                s.refuse_closed(&case)?;
                if all.iter().any(|c| c.merged_into == Some(*id)) {
                    return Err(StoreError::Invalid(format!(
                        "hồ sơ #{id} đang có hồ sơ khác gộp vào: tách chúng ra trước / case #{id} has cases merged into it"
                    )));
                }
                case.merged_into = Some(into);
                case.updated_at = at.clone();
                s.db.update_case(&case)?;
                s.audit(
                    actor,
                    "case.merged",
                    "case",
                    &id.to_string(),
                    json!({"into": into}),
                    &at,
                )?;
            }
            let mut target = target;
            target.updated_at = at.clone();
            s.db.update_case(&target)?;
            s.audit(
                actor,
                "case.merge_cases",
                "case",
                &into.to_string(),
                json!({"cases": cases}),
                &at,
            )
        })
    }

    /// Takes a merged case out again: its own alerts, evidence and timeline are its own as they
    /// always were, and it is pending again as it was. Both timelines record it.
    pub fn unmerge_case(&mut self, actor: &str, id: i64) -> Result<i64> {
        let at = now();
        self.transaction(|s| {
            let mut case = s.existing_case(id)?;
            let Some(into) = case.merged_into.take() else {
                return Err(StoreError::Invalid(format!(
                    "hồ sơ #{id} không gộp vào hồ sơ nào / case #{id} is not merged"
                )));
            };
            case.updated_at = at.clone();
            s.db.update_case(&case)?;
            s.audit(
                actor,
                "case.unmerged",
                "case",
                &id.to_string(),
                json!({"from": into}),
                &at,
            )?;
            s.audit(
                actor,
                "case.unmerge",
                "case",
                &into.to_string(),
                json!({"case": id}),
                &at,
            )?;
            Ok(into)
        })
    }

    /// The cases merged into `id` now.
    pub fn merged_into(&mut self, id: i64) -> Result<Vec<Case>> {
        Ok(self
            .db
            .cases()?
            .into_iter()
            .filter(|c| c.merged_into == Some(id))
            .collect())
    }

    /// The case's history: its audit events and those of the cases merged into it now, oldest
    /// first.
    pub fn case_timeline(&mut self, id: i64) -> Result<Vec<AuditEvent>> {
        let merged = self.merged_into(id)?;
        self.case_timeline_with(id, &merged)
    }

    /// [`Store::case_timeline`] for a caller that has read the cases merged into it already.
    pub fn case_timeline_with(&mut self, id: i64, merged: &[Case]) -> Result<Vec<AuditEvent>> {
        let mut events = self.db.audit_events_of("case", &id.to_string())?;
        for m in merged {
            events.extend(self.db.audit_events_of("case", &m.id.to_string())?);
        }
        events.sort_by_key(|e| e.id);
        Ok(events)
    }

    /// The audit events about one entity (a community's decisions), oldest first.
    pub fn audit_events_of(&mut self, entity: &str, id: &str) -> Result<Vec<AuditEvent>> {
        self.db.audit_events_of(entity, id)
    }
}
