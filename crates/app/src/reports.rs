//! The periodic report as a use case, for every front end: made for a period in a format and
//! recorded with the audit chain's anchor at that moment (event count and head hash), the list
//! of reports made, and the Standing Committee's approval of a period's report (audited).

use crate::{Actor, App, Error, ErrorKind};
use ::report::{Period, Report};
use domain::Permission;
use serde::Serialize;
use serde_json::json;

/// A report's file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Docx,
    Xlsx,
    Pdf,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
        }
    }
}

/// A report made: its model (for `--json` and the preview) and the file's bytes.
pub struct Made {
    pub model: Report,
    pub bytes: Vec<u8>,
}

/// A report made or approved, as the audit log has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// The audit event's id and time.
    pub event: i64,
    pub at: String,
    pub actor: String,
    /// "report.export" or "report.approve".
    pub action: String,
    pub period: String,
    pub format: Option<String>,
    /// The audit chain when the report was made: how many events, and the newest hash.
    pub audit_events: Option<u64>,
    pub audit_head: Option<String>,
}

impl App {
    /// Makes the period's report in a format, dated `today`. PDF needs LibreOffice: without it
    /// the answer says so (`Unavailable`). Record it with [`App::record_report`] once delivered.
    pub fn make_report(
        &self,
        actor: &Actor,
        period: &Period,
        format: Format,
        today: chrono::NaiveDate,
    ) -> Result<Made, Error> {
        actor.require(Permission::ViewDetection)?;
        let model = crate::report::build(&mut *self.store()?, period, today)?;
        let bytes = match format {
            Format::Docx => ::report::docx::render(&model)?,
            Format::Xlsx => ::report::xlsx::render(&model)?,
            Format::Pdf => {
                let docx = ::report::docx::render(&model)?;
                crate::report::pdf::bytes(&docx)
                    .map_err(|e| Error::new(ErrorKind::Unavailable, format!("{e:#}")))?
            }
        };
        Ok(Made { model, bytes })
    }

    /// Records a report made and handed over (with `file`, where the CLI wrote it), with the
    /// audit chain's anchor it was made on.
    pub fn record_report(
        &self,
        actor: &Actor,
        made: &Made,
        format: Format,
        file: Option<&str>,
    ) -> Result<(), Error> {
        let f = &made.model.figures;
        let mut details = json!({
            "period": made.model.period.code,
            "format": format.extension(),
            "items": f.items,
            "audit_events": f.audit_events,
            "audit_head": f.audit_head,
        });
        if let Some(file) = file {
            details["file"] = json!(file);
        }
        Ok(self
            .store()?
            .record(&actor.name, "report.export", "report", details)?)
    }

    /// Reports made and approved, newest first.
    pub fn reports_recorded(&self, actor: &Actor) -> Result<Vec<Recorded>, Error> {
        actor.require(Permission::ViewDetection)?;
        let mut out: Vec<Recorded> = self
            .store()?
            .audit_events()?
            .into_iter()
            .filter(|e| e.action == "report.export" || e.action == "report.approve")
            .map(|e| {
                let d: serde_json::Value = serde_json::from_str(&e.details).unwrap_or_default();
                let text = |k: &str| d[k].as_str().map(str::to_owned);
                Recorded {
                    event: e.id,
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                    period: text("period").unwrap_or_default(),
                    format: text("format"),
                    audit_events: d["audit_events"].as_u64(),
                    audit_head: text("audit_head"),
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// The Standing Committee approves the period's report as the store stands now (the chain's
    /// anchor is recorded with the approval); returns how many events the anchor counts. Only a
    /// period a report was made for.
    pub fn approve_report(&self, actor: &Actor, period: &Period) -> Result<u64, Error> {
        actor.require(Permission::ApproveReport)?;
        let mut store = self.store()?;
        let events = store.audit_events()?;
        let made = events.iter().any(|e| {
            e.action == "report.export"
                && serde_json::from_str::<serde_json::Value>(&e.details)
                    .is_ok_and(|d| d["period"] == period.code.as_str())
        });
        if !made {
            return Err(Error::invalid(
                "period",
                format!("Chưa có báo cáo {} nào được lập để duyệt.", period.label),
            ));
        }
        let (count, head) = (
            events.len() as u64,
            events.last().map(|e| e.hash.clone()).unwrap_or_default(),
        );
        store.record(
            &actor.name,
            "report.approve",
            "report",
            json!({"period": period.code, "audit_events": count, "audit_head": head}),
        )?;
        Ok(count)
    }
}
