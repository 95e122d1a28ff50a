//! Cases: opening one from alerts (merging several), splitting alerts off into a new case,
//! assigning, actions, evidence and closing. Every step is one transaction with its audit event
//! on the case, so the case's timeline is its audit events ([`Store::case_timeline`]).

use super::{Store, now};
use crate::{Result, StoreError};
use domain::*;
use serde_json::json;

/// An alert's status once it has been merged into a case.
pub const ALERT_IN_CASE: &str = "in_case";

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
            };
            case.id = s.db.insert_case(&case)?;
            s.audit(
                actor,
                "case.open",
                "case",
                &case.id.to_string(),
                json!({"title": title, "category": category.as_str(), "alerts": alert_ids, "community": community.map(|c| c.0)}),
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
            case.status = status;
            case.outcome = (status == CaseStatus::Closed).then(|| outcome.to_owned());
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
        let mut out = Vec::new();
        for id in source_ids {
            for item in self.db.items_by_source(id)? {
                let signals = self.db.signals_of(item.id)?;
                out.push((item, signals));
            }
        }
        Ok(out)
    }

    /// The case's history: its audit events, oldest first.
    pub fn case_timeline(&mut self, id: i64) -> Result<Vec<AuditEvent>> {
        self.db.audit_events_of("case", &id.to_string())
    }

    /// The audit events about one entity (a community's decisions), oldest first.
    pub fn audit_events_of(&mut self, entity: &str, id: &str) -> Result<Vec<AuditEvent>> {
        self.db.audit_events_of(entity, id)
    }
}
