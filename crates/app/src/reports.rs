//! The periodic report as a use case, for every front end: made for a period in a format and
//! recorded with the audit chain's anchor at that moment (event count and head hash), the list
//! of reports made, and the Standing Committee's approval of a period's report (audited).
//!
//! A report may also be made by the servers' jobs (`crate::jobs`): the month just ended, by
//! itself on the first days of the next, and any period a user asks for in the background
//! ([`App::request_report`]). Such a file is kept with the evidence, by its SHA-256 (a shared
//! directory every server reads), named in its `report.export` event, and downloaded again from
//! the list of reports made ([`App::report_file`]).

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
    /// The file kept, by its SHA-256 (a report made by a job); `None`: handed over only.
    pub sha256: Option<String>,
    /// Who asked for it, when a job made it for someone.
    pub asked_by: Option<String>,
}

/// A kept report file, as it is downloaded.
pub struct KeptFile {
    pub name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// The name a report file is handed over under: `bao-cao-2026-11.docx`.
pub fn file_name(period: &Period, format: Format) -> String {
    format!("bao-cao-{}.{}", period.code, format.extension())
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
        let mut details = export_details(made, format);
        if let Some(file) = file {
            details["file"] = json!(file);
        }
        Ok(self
            .store()?
            .record(&actor.name, "report.export", "report", details)?)
    }

    /// Makes the period's report in a format and keeps its file with the evidence (by SHA-256),
    /// recorded with the chain's anchor and the file's hash (and who asked, for a job run for
    /// someone); the file's SHA-256.
    pub fn make_and_keep_report(
        &self,
        actor: &Actor,
        period: &Period,
        format: Format,
        today: chrono::NaiveDate,
        asked_by: Option<&str>,
    ) -> Result<String, Error> {
        let made = self.make_report(actor, period, format, today)?;
        let sha = crate::evidence::sha256(&made.bytes);
        crate::evidence::keep(&self.evidence_dir(), &sha, &made.bytes)?;
        let mut details = export_details(&made, format);
        details["file"] = json!(file_name(period, format));
        details["sha256"] = json!(sha);
        if let Some(who) = asked_by {
            details["asked_by"] = json!(who);
        }
        self.store()?
            .record(&actor.name, "report.export", "report", details)?;
        Ok(sha)
    }

    /// Asks the servers to make the period's report in the background (a job of its own: a
    /// province's month is no request's work); it appears among the reports made, with its
    /// file, when done. False when the same was asked this minute already.
    pub fn request_report(
        &self,
        actor: &Actor,
        period: &Period,
        format: Format,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, Error> {
        actor.require(Permission::ViewDetection)?;
        let key = format!(
            "{}@{}@{}",
            job_key(period, format),
            actor.name,
            now.format("%Y-%m-%dT%H:%MZ")
        );
        Ok(self
            .store()?
            .enqueue_job(crate::jobs::REPORT_MAKE, &key, &crate::utc_stamp(now))?)
    }

    /// The report jobs the servers hold (asked, running, done, failed with why), newest first:
    /// what the reports page shows of the work in the background.
    pub fn report_jobs(&self, actor: &Actor, limit: usize) -> Result<Vec<store::Job>, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(self.store()?.jobs_of(crate::jobs::REPORT_MAKE, limit)?)
    }

    /// A kept report file by its SHA-256 — only one a `report.export` event names, so no other
    /// kept file (a case's evidence) is reached this way.
    pub fn report_file(&self, actor: &Actor, sha256: &str) -> Result<KeptFile, Error> {
        actor.require(Permission::ViewDetection)?;
        let recorded = self
            .reports_recorded(actor)?
            .into_iter()
            .find(|r| r.sha256.as_deref() == Some(sha256))
            .ok_or_else(|| Error::not_found("tệp báo cáo", sha256))?;
        let format = recorded
            .format
            .as_deref()
            .and_then(Format::parse)
            .ok_or_else(|| Error::not_found("tệp báo cáo", sha256))?;
        let path = self.evidence_dir().join(&sha256[..2]).join(sha256);
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::new(
                ErrorKind::NotFound,
                format!("tệp báo cáo {sha256} không còn trong thư mục chứng cứ ({e})"),
            )
        })?;
        let name = Period::parse(&recorded.period)
            .map(|p| file_name(&p, format))
            .unwrap_or_else(|_| format!("bao-cao.{}", format.extension()));
        Ok(KeptFile {
            name,
            format,
            bytes,
        })
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
                    sha256: text("sha256"),
                    asked_by: text("asked_by"),
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

/// What a `report.export` event says of every report made: its period and format, the posts
/// it counts, and the audit chain's anchor it was made on.
fn export_details(made: &Made, format: Format) -> serde_json::Value {
    let f = &made.model.figures;
    json!({
        "period": made.model.period.code,
        "format": format.extension(),
        "items": f.items,
        "audit_events": f.audit_events,
        "audit_head": f.audit_head,
    })
}

/// A report job's key: `2026-11.docx` (the month made by itself), then `@who@minute` when asked.
pub fn job_key(period: &Period, format: Format) -> String {
    format!("{}.{}", period.code, format.extension())
}

/// What a report job's key asks for: the period, the format and who asked (none: the month's
/// own report).
pub fn parse_job_key(key: &str) -> Option<(Period, Format, Option<String>)> {
    let mut parts = key.splitn(3, '@');
    let (code, ext) = parts.next()?.rsplit_once('.')?;
    let asked_by = parts.next().map(str::to_owned);
    Some((Period::parse(code).ok()?, Format::parse(ext)?, asked_by))
}
