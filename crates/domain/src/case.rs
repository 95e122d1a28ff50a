//! A case: one finding handled by a person, from the alerts that raised it to the outcome, with
//! the evidence files kept by their SHA-256. The case's timeline is its audit events.

use serde::Serialize;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    InProgress,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 3] = [CaseStatus::Open, CaseStatus::InProgress, CaseStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            CaseStatus::Open => "Mới mở",
            CaseStatus::InProgress => "Đang xử lý",
            CaseStatus::Closed => "Đã đóng",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CaseStatus::Open => "Open",
            CaseStatus::InProgress => "In progress",
            CaseStatus::Closed => "Closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What an officer does about a case; each is an audit event on the case's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Reported through the platform's own reporting channel.
    ReportToPlatform,
    /// A takedown request letter was generated and sent.
    RequestTakedown,
    /// The member's unit was notified.
    NotifyUnit,
    /// Referred to the Inspection Committee.
    ReferToInspection,
}

impl CaseAction {
    pub const ALL: [CaseAction; 4] = [
        CaseAction::ReportToPlatform,
        CaseAction::RequestTakedown,
        CaseAction::NotifyUnit,
        CaseAction::ReferToInspection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::ReportToPlatform => "report_to_platform",
            CaseAction::RequestTakedown => "request_takedown",
            CaseAction::NotifyUnit => "notify_unit",
            CaseAction::ReferToInspection => "refer_to_inspection",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            CaseAction::ReportToPlatform => "Báo cáo với nền tảng",
            CaseAction::RequestTakedown => "Đề nghị gỡ bỏ",
            CaseAction::NotifyUnit => "Thông báo đơn vị của đảng viên",
            CaseAction::ReferToInspection => "Chuyển Ủy ban Kiểm tra",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CaseAction::ReportToPlatform => "Report to the platform",
            CaseAction::RequestTakedown => "Request takedown",
            CaseAction::NotifyUnit => "Notify the member's unit",
            CaseAction::ReferToInspection => "Refer to the Inspection Committee",
        }
    }

    pub fn parse(s: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A case as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub id: i64,
    pub title: String,
    pub category: crate::Category,
    pub status: CaseStatus,
    /// Username of the officer handling it.
    pub assignee: Option<String>,
    /// The page, channel or group the case is about, when there is one.
    pub community: Option<crate::CommunityId>,
    /// The alerts merged into it.
    pub alert_ids: Vec<i64>,
    /// How it ended (set when closed).
    pub outcome: Option<String>,
    pub opened_by: String,
    pub opened_at: String,
    pub updated_at: String,
    /// When it should be closed (UTC, RFC 3339): set at opening by the office's deadline for its
    /// category and severity; none for a case opened before deadlines.
    pub due_at: Option<String>,
    /// When the first action was taken on it (assigned, a measure, closed).
    pub first_action_at: Option<String>,
    /// The case it was merged into; its alerts, evidence and timeline stay its own.
    pub merged_into: Option<i64>,
}

impl Case {
    /// Still to be handled: neither closed nor merged into another.
    pub fn is_pending(&self) -> bool {
        self.status != CaseStatus::Closed && self.merged_into.is_none()
    }

    /// Closed, and by its deadline (a case opened before deadlines had none to miss).
    pub fn closed_within_deadline(&self) -> bool {
        self.status == CaseStatus::Closed
            && self
                .due_at
                .as_ref()
                .is_none_or(|due| self.updated_at <= *due)
    }

    /// Pending past its deadline at `now` (UTC, RFC 3339).
    pub fn is_overdue(&self, now: &str) -> bool {
        self.is_pending() && self.due_at.as_deref().is_some_and(|due| due < now)
    }
}

/// A file attached to a case. The bytes live under the data directory at their SHA-256 and are
/// never changed; this row says who added them, when, and under what name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub case_id: i64,
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub added_by: String,
    pub added_at: String,
}
