//! Cases in the browser: alerts merged into a case from the queue, the case list, and a case's
//! page — its facts, the posts behind its alerts with the evidence highlighted (personal data
//! shown masked, as the detectors masked it), the timeline (its audit events), the assignee,
//! actions, evidence upload (kept by SHA-256, written once), splitting, closing with an
//! outcome, and the takedown request letter as DOCX.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{attachment, error_page, internal, page, refused};
use crate::require::{Require, need};
use app::cases::Measure;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{AuditEvent, Case, CaseAction, CaseStatus, Item, Permission, StoredSignal};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

/// Largest evidence file accepted.
pub const MAX_EVIDENCE: usize = 25 * 1024 * 1024;

/// The fields of a urlencoded form, repeated keys kept (checkbox lists).
fn fields(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn ids(fields: &[(String, String)], name: &str) -> Vec<i64> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| v.parse().ok())
        .collect()
}

fn see_case(id: i64) -> Response {
    Redirect::to(&format!("/ho-so/{id}")).into_response()
}

/// An RFC 3339 instant as Vietnam's local time, "29/11/2026 15:04".
pub(crate) fn vn_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_owned(),
        |t| {
            let vn = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7");
            t.with_timezone(&vn).format("%d/%m/%Y %H:%M").to_string()
        },
    )
}

// ---- from the alert queue --------------------------------------------------------------------

/// `POST /canh-bao/ho-so`: the checked alerts into a new case, or into an open one.
pub async fn from_alerts(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    if let Some(r) = refused(&user, field(&f, "csrf"), Permission::Triage) {
        return r;
    }
    let alert_ids = ids(&f, "alert");
    let into: Option<i64> = field(&f, "case").parse().ok();
    let title = field(&f, "title").to_owned();
    let actor = crate::actor(&user.session.user);
    match state
        .changing(move |app| app.open_case_from_alerts(&actor, &alert_ids, into, &title))
        .await
    {
        Ok(id) => see_case(id),
        Err(e) => e.into_response(),
    }
}

// ---- the list ----------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    status: String,
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewCases>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let cases = &snap.cases;
    let status = CaseStatus::parse(&q.status);
    let reach = crate::pages::reach(&snap, &user.session.user);
    let mut shown: Vec<&Case> = cases
        .iter()
        .filter(|c| reach.has_case(c))
        .filter(|c| match status {
            Some(s) => c.status == s,
            None => q.status == "all" || c.is_pending(),
        })
        .collect();
    shown.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    page(
        "Hồ sơ",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Hồ sơ xử lý")) }
            form.inline method="get" action="/ho-so" {
                div {
                    label for="status" { (crate::i18n::tr(user.lang, "Trạng thái")) }
                    select id="status" name="status" {
                        option value="" { (crate::i18n::tr(user.lang, "Chưa đóng")) }
                        @for s in CaseStatus::ALL { option value=(s.as_str()) selected[status == Some(s)] { (s.label_vi()) } }
                        option value="all" selected[q.status == "all"] { (crate::i18n::tr(user.lang, "Tất cả")) }
                    }
                }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Lọc")) } }
            }
            p.note { (shown.len()) " hồ sơ" }
            (case_table(&shown, user.lang))
        },
    )
    .into_response()
}

/// Cases as a table: number, title, category, status, assignee, alerts, deadline, last change.
pub(crate) fn case_table(cases: &[&Case], lang: crate::i18n::Lang) -> Markup {
    let now = app::now_utc();
    html! {
        table {
            tr { th { (crate::i18n::tr(lang, "Số")) } th { (crate::i18n::tr(lang, "Tiêu đề")) } th { (crate::i18n::tr(lang, "Loại")) } th { (crate::i18n::tr(lang, "Trạng thái")) } th { (crate::i18n::tr(lang, "Người xử lý")) } th { (crate::i18n::tr(lang, "Cảnh báo")) } th { (crate::i18n::tr(lang, "Hạn xử lý")) } th { (crate::i18n::tr(lang, "Cập nhật")) } }
            @for c in cases {
                tr {
                    td { a href=(format!("/ho-so/{}", c.id)) { "#" (c.id) } }
                    td { a href=(format!("/ho-so/{}", c.id)) { (c.title) } }
                    td { (c.category.label_vi()) }
                    td {
                        @if let Some(into) = c.merged_into {
                            span.badge { (crate::i18n::tr(lang, "Đã gộp vào")) " #" (into) }
                        } @else {
                            span class=(format!("badge case-{}", c.status.as_str())) { (c.status.label_vi()) }
                        }
                    }
                    td { (c.assignee.as_deref().unwrap_or("—")) }
                    td { (c.alert_ids.len()) }
                    td {
                        (c.due_at.as_deref().map_or("—".into(), vn_time))
                        @if c.is_overdue(&now) { " " span.badge.case-open { (crate::i18n::tr(lang, "Quá hạn")) } }
                    }
                    td { (vn_time(&c.updated_at)) }
                }
            }
        }
    }
}

// ---- one case ----------------------------------------------------------------------------------

/// A post's text with the signals' evidence spans marked; the spans show what the detector
/// allowed to be shown (personal data masked), and text that is itself personal data never
/// appears outside a masked span.
pub(crate) fn highlighted(item: &Item, signals: &[StoredSignal]) -> Markup {
    #[derive(Deserialize)]
    struct Span {
        start: usize,
        end: usize,
        shown: String,
    }
    let mut spans: Vec<Span> = signals
        .iter()
        .filter_map(|s| serde_json::from_str::<Vec<Span>>(&s.evidence).ok())
        .flatten()
        .filter(|s| {
            s.start < s.end
                && s.end <= item.text.len()
                && item.text.is_char_boundary(s.start)
                && item.text.is_char_boundary(s.end)
        })
        .collect();
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for s in &spans {
        if s.start < at {
            continue; // overlaps a span already marked
        }
        parts.push((false, &item.text[at..s.start]));
        parts.push((true, &s.shown));
        at = s.end;
    }
    parts.push((false, &item.text[at..]));
    html! {
        p.post { @for (mark, t) in parts { @if mark { mark { (t) } } @else { (t) } } }
    }
}

fn timeline_line(e: &AuditEvent) -> String {
    let d: serde_json::Value = serde_json::from_str(&e.details).unwrap_or_default();
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let list = |k: &str| {
        d.get(k)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|x| format!("#{x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    match e.action.as_str() {
        "case.open" => match d.get("split_from") {
            Some(from) => format!(
                "Mở hồ sơ, tách từ hồ sơ #{from} (cảnh báo {})",
                list("alerts")
            ),
            None if list("alerts").is_empty() => "Mở hồ sơ".into(),
            None => format!("Mở hồ sơ từ cảnh báo {}", list("alerts")),
        },
        "case.merge" => format!("Gộp thêm cảnh báo {}", list("alerts")),
        "case.split" => format!(
            "Tách cảnh báo {} sang hồ sơ #{}",
            list("alerts"),
            d.get("into").cloned().unwrap_or_default()
        ),
        "case.assign" => match s("assignee") {
            a if a.is_empty() => "Bỏ giao người xử lý".into(),
            a => format!("Giao cho {a}"),
        },
        "case.action" => {
            let label = CaseAction::parse(&s("action")).map_or("Xử lý", |a| a.label_vi());
            match s("note") {
                n if n.is_empty() => label.to_owned(),
                n => format!("{label}: {n}"),
            }
        }
        "case.evidence" => format!(
            "Thêm chứng cứ «{}» (SHA-256 {}…)",
            s("file_name"),
            s("sha256").get(..12).unwrap_or("")
        ),
        "case.status" => match CaseStatus::parse(&s("status")) {
            Some(CaseStatus::Closed) => format!("Đóng hồ sơ. Kết quả: {}", s("outcome")),
            Some(st) => format!("Chuyển trạng thái: {}", st.label_vi()),
            None => "Đổi trạng thái".into(),
        },
        "case.letter" => "Tạo công văn đề nghị gỡ bỏ (DOCX)".into(),
        "case.merge_cases" => format!("Gộp hồ sơ {} vào hồ sơ này", list("cases")),
        "case.merged" => format!(
            "Hồ sơ #{} được gộp vào hồ sơ #{}",
            e.entity_id,
            d.get("into").cloned().unwrap_or_default()
        ),
        "case.unmerge" => format!(
            "Tách hồ sơ #{} ra như trước",
            d.get("case").cloned().unwrap_or_default()
        ),
        "case.unmerged" => format!(
            "Hồ sơ #{} được tách khỏi hồ sơ #{}",
            e.entity_id,
            d.get("from").cloned().unwrap_or_default()
        ),
        other => other.to_owned(),
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewCases>,
    Path(id): Path<i64>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let v = match state.use_case(move |app| app.case_view(&actor, id)).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let act = user.session.user.can(Permission::Triage) && v.case.is_pending();
    let late = v.case.is_overdue(&app::now_utc());
    let csrf = user.session.csrf.clone();
    let c = &v.case;
    page(
        &format!("Hồ sơ #{id}"),
        Some(&user),
        html! {
            p.note { a href="/ho-so" { (crate::i18n::tr(user.lang, "← Danh sách hồ sơ")) } }
            h1 { "Hồ sơ #" (id) ": " (c.title) }
            dl.facts {
                dt { (crate::i18n::tr(user.lang, "Loại")) } dd { (c.category.label_vi()) }
                dt { (crate::i18n::tr(user.lang, "Trạng thái")) } dd { span class=(format!("badge case-{}", c.status.as_str())) { (c.status.label_vi()) } }
                dt { (crate::i18n::tr(user.lang, "Người xử lý")) } dd { (c.assignee.as_deref().unwrap_or("Chưa giao")) }
                dt { (crate::i18n::tr(user.lang, "Trang, kênh, nhóm")) } dd {
                    @match &v.community {
                        Some(com) => {
                            (com.name) " (" (com.platform.label_vi()) ")"
                            @if let Some(u) = &com.url { br; span.note { (u) } }
                        }
                        None => "—",
                    }
                }
                dt { (crate::i18n::tr(user.lang, "Mở bởi")) } dd { (c.opened_by) ", " (vn_time(&c.opened_at)) }
                @if let Some(due) = &c.due_at {
                    dt { (crate::i18n::tr(user.lang, "Hạn xử lý")) } dd {
                        (vn_time(due))
                        @if late { " " span.badge.case-open { (crate::i18n::tr(user.lang, "Quá hạn")) } }
                    }
                }
                @if let Some(into) = c.merged_into {
                    dt { (crate::i18n::tr(user.lang, "Đã gộp vào")) } dd { a href=(format!("/ho-so/{into}")) { "Hồ sơ #" (into) } }
                }
                @if let Some(o) = &c.outcome { dt { (crate::i18n::tr(user.lang, "Kết quả")) } dd { (o) } }
            }

            h2 { "Cảnh báo trong hồ sơ (" (v.alerts.len()) ")" }
            form id="split" method="post" action=(format!("/ho-so/{id}/tach")) {
                input type="hidden" name="csrf" value=(csrf);
            }
            table {
                tr { @if act && v.alerts.len() > 1 { th { (crate::i18n::tr(user.lang, "Tách")) } } th.nowrap { (crate::i18n::tr(user.lang, "Số")) } th.words { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Căn cứ")) } th.nowrap { (crate::i18n::tr(user.lang, "Bài")) } th.words { (crate::i18n::tr(user.lang, "Thời gian")) } }
                @for a in &v.alerts {
                    tr {
                        @if act && v.alerts.len() > 1 {
                            td { input type="checkbox" name="alert" value=(a.id) form="split" aria-label=(format!("Tách cảnh báo #{}", a.id)); }
                        }
                        td.nowrap { "#" (a.id) }
                        td.words { (a.category.label_vi()) }
                        td { (a.explanation) }
                        td.num { (a.count) }
                        td.words { (vn_time(&a.first_at)) }
                    }
                }
            }
            @if act && v.alerts.len() > 1 {
                p { button type="submit" form="split" { (crate::i18n::tr(user.lang, "Tách các cảnh báo đã chọn sang hồ sơ mới")) } }
            }

            h2 { (crate::i18n::tr(user.lang, "Bài đăng và căn cứ")) }
            @if v.items.is_empty() { p.note { "Không có bài đăng nào được lưu cho các cảnh báo này." } }
            @for (item, signals) in &v.items {
                article.post {
                    p.note {
                        (item.platform.label_vi()) " · " (vn_time(&item.published_at)) " · mã " (item.source_id)
                        @if let Some(u) = &item.url { " · " (u) }
                    }
                    (highlighted(item, signals))
                    ul.signals {
                        @for s in signals.iter().filter(|s| !s.shadow) {
                            li { strong { (s.category.label_vi()) } " — " (s.explanation) }
                        }
                    }
                }
            }

            h2 { "Chứng cứ (" (v.evidence.len()) ")" }
            @if !v.evidence.is_empty() {
                table {
                    tr { th { (crate::i18n::tr(user.lang, "Tệp")) } th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Dung lượng")) } th { "SHA-256" } th { (crate::i18n::tr(user.lang, "Người thêm")) } }
                    @for e in &v.evidence {
                        tr {
                            td { a href=(format!("/ho-so/{id}/chung-cu/{}", e.sha256)) { (e.file_name) } }
                            td { (e.media_type) }
                            td { (e.size) " byte" }
                            td { code { (e.sha256) } }
                            td { (e.added_by) ", " (vn_time(&e.added_at)) }
                        }
                    }
                }
            }
            @if act {
                form method="post" action=(format!("/ho-so/{id}/chung-cu")) enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="evidence-file" { (crate::i18n::tr(user.lang, "Thêm chứng cứ (ảnh chụp màn hình, PDF, video, tối đa 25 MB)")) }
                    input id="evidence-file" type="file" name="file" required;
                    button type="submit" { (crate::i18n::tr(user.lang, "Tải lên")) }
                }
            }

            h2 { (crate::i18n::tr(user.lang, "Xử lý")) }
            p { a.button href=(format!("/ho-so/{id}/cong-van")) { "Tạo công văn đề nghị gỡ bỏ (DOCX)" } }
            @if act {
                div.actions {
                    form method="post" action=(format!("/ho-so/{id}/giao")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="assignee" { (crate::i18n::tr(user.lang, "Giao cho")) }
                        select id="assignee" name="assignee" {
                            option value="" { (crate::i18n::tr(user.lang, "— Chưa giao —")) }
                            @for o in &v.officers { option value=(o) selected[c.assignee.as_deref() == Some(o.as_str())] { (o) } }
                        }
                        button type="submit" { (crate::i18n::tr(user.lang, "Giao")) }
                    }
                    form method="post" action=(format!("/ho-so/{id}/xu-ly")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="action" { (crate::i18n::tr(user.lang, "Biện pháp")) }
                        select id="action" name="action" {
                            @for a in CaseAction::ALL { option value=(a.as_str()) { (a.label_vi()) } }
                        }
                        label for="notify-unit" { (crate::i18n::tr(user.lang, "Đơn vị được thông báo (khi thông báo đơn vị)")) }
                        select id="notify-unit" name="unit" {
                            option value="" { "—" }
                            @for (uid, name) in &v.units {
                                option value=(uid) selected[v.community.as_ref().and_then(|c| c.unit.as_deref()) == Some(name.as_str())] { (name) }
                            }
                        }
                        label for="note" { (crate::i18n::tr(user.lang, "Ghi chú")) }
                        input id="note" name="note";
                        button type="submit" { (crate::i18n::tr(user.lang, "Ghi nhận")) }
                    }
                    form method="post" action=(format!("/ho-so/{id}/trang-thai")) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="status" value="closed";
                        label for="outcome" { (crate::i18n::tr(user.lang, "Kết quả xử lý")) }
                        input id="outcome" name="outcome" required minlength="3";
                        button type="submit" { (crate::i18n::tr(user.lang, "Đóng hồ sơ")) }
                    }
                }
            } @else if user.session.user.can(Permission::Triage) {
                form method="post" action=(format!("/ho-so/{id}/trang-thai")) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="status" value="in_progress";
                    button type="submit" { (crate::i18n::tr(user.lang, "Mở lại hồ sơ")) }
                }
            }
            @if v.open_cases > 1 && act { p.note { "Để gộp thêm cảnh báo vào hồ sơ này, chọn chúng ở " a href="/canh-bao" { (crate::i18n::tr(user.lang, "hàng đợi cảnh báo")) } "." } }
            @if !v.merged.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Hồ sơ đã gộp vào đây")) }
                ul {
                    @for m in &v.merged {
                        li {
                            a href=(format!("/ho-so/{}", m.id)) { "#" (m.id) " " (m.title) }
                            @if user.session.user.can(Permission::Triage) {
                                " "
                                form.inline method="post" action=(format!("/ho-so/{}/tach-ho-so", m.id)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { (crate::i18n::tr(user.lang, "Tách ra như trước")) }
                                }
                            }
                        }
                    }
                }
            }
            @if act && !v.pending.is_empty() {
                form.inline method="post" action=(format!("/ho-so/{id}/gop")) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="merge-case" { (crate::i18n::tr(user.lang, "Gộp hồ sơ khác vào hồ sơ này (chọn một hay nhiều)")) }
                    select id="merge-case" name="case" multiple size=(v.pending.len().clamp(2, 6)) {
                        @for (cid, title) in &v.pending { option value=(cid) { "#" (cid) " " (title) } }
                    }
                    button type="submit" { (crate::i18n::tr(user.lang, "Gộp")) }
                }
            }

            h2 { (crate::i18n::tr(user.lang, "Diễn biến")) }
            ol.timeline {
                @for e in &v.timeline {
                    li { span.note { (vn_time(&e.at)) " · " (e.actor) } " " (timeline_line(e)) }
                }
            }
        },
    )
    .into_response()
}

// ---- changes -----------------------------------------------------------------------------------

/// A change to case `id` from its page's form: CSRF checked, the use case run for the signed-in
/// account, back to the case (or the refusal, with why).
async fn change<T: Send + 'static>(
    state: &Arc<AppState>,
    user: &SignedIn,
    body: &Bytes,
    id: i64,
    f: impl FnOnce(&app::App, &app::Actor, &[(String, String)]) -> Result<T, app::Error>
    + Send
    + 'static,
) -> Response {
    let form = fields(body);
    if let Some(r) = refused(user, field(&form, "csrf"), Permission::Triage) {
        return r;
    }
    let actor = crate::actor(&user.session.user);
    match state.changing(move |app| f(app, &actor, &form)).await {
        Ok(_) => see_case(id),
        Err(e) => e.into_response(),
    }
}

pub async fn assign(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    change(&state, &user, &body, id, move |app, actor, f| {
        app.assign_case(actor, id, field(f, "assignee"))
    })
    .await
}

pub async fn act(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    change(&state, &user, &body, id, move |app, actor, f| {
        let action = CaseAction::parse(field(f, "action")).ok_or_else(|| {
            app::Error::invalid("action", "biện pháp không hợp lệ / unknown action")
        })?;
        let measure = if action == CaseAction::NotifyUnit {
            let unit = field(f, "unit").parse().map_err(|_| {
                app::Error::invalid("unit", "hãy chọn đơn vị được thông báo / choose the unit")
            })?;
            Measure::NotifyUnit(domain::UnitId(unit))
        } else {
            Measure::Action(action)
        };
        app.take_measure(actor, id, measure, field(f, "note"))
    })
    .await
}

pub async fn set_status(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    change(&state, &user, &body, id, move |app, actor, f| {
        let status = CaseStatus::parse(field(f, "status")).ok_or_else(|| {
            app::Error::invalid("status", "trạng thái không hợp lệ / unknown status")
        })?;
        app.set_case_status(actor, id, status, field(f, "outcome"))
    })
    .await
}

pub async fn split(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = fields(&body);
    if let Some(r) = refused(&user, field(&form, "csrf"), Permission::Triage) {
        return r;
    }
    let actor = crate::actor(&user.session.user);
    let alerts = ids(&form, "alert");
    match state
        .changing(move |app| app.split_case(&actor, id, &alerts))
        .await
    {
        Ok(new) => see_case(new),
        Err(e) => e.into_response(),
    }
}

/// `POST /ho-so/{id}/gop`: the chosen cases (`case`, one or more) merged into this one.
pub async fn merge(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = fields(&body);
    if let Some(r) = refused(&user, field(&form, "csrf"), Permission::Triage) {
        return r;
    }
    let actor = crate::actor(&user.session.user);
    let cases = ids(&form, "case");
    match state
        .changing(move |app| app.merge_cases(&actor, id, &cases))
        .await
    {
        Ok(()) => see_case(id),
        Err(e) => e.into_response(),
    }
}

/// `POST /ho-so/{id}/tach-ho-so`: a merged case taken out again; back to the case it was in.
pub async fn unmerge(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = fields(&body);
    if let Some(r) = refused(&user, field(&form, "csrf"), Permission::Triage) {
        return r;
    }
    let actor = crate::actor(&user.session.user);
    match state
        .changing(move |app| app.unmerge_case(&actor, id))
        .await
    {
        Ok(from) => see_case(from),
        Err(e) => e.into_response(),
    }
}

// ---- evidence ----------------------------------------------------------------------------------

pub async fn upload_evidence(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Response {
    let up =
        match crate::upload::read(&user, Permission::Triage, multipart, MAX_EVIDENCE >> 20).await {
            Ok(up) => up,
            Err(r) => return r,
        };
    let file = match up.bytes() {
        Ok(b) => b,
        Err(e) => return internal(e.into()),
    };
    // Judged by content before anything else: what HTTP calls an unsupported media type.
    if app::cases::evidence_type(&file).is_none() {
        return error_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Không nhận loại tệp này: chỉ nhận ảnh (PNG, JPEG, GIF, WebP), PDF, video MP4, tệp nén hoặc văn bản.",
        );
    }
    let actor = crate::actor(&user.session.user);
    let name = up.name.clone();
    drop(up);
    match state
        .changing(move |app| app.add_evidence(&actor, id, &name, &file))
        .await
    {
        Ok(_) => see_case(id),
        Err(e) => e.into_response(),
    }
}

pub async fn download_evidence(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewCases>,
    Path((id, sha)): Path<(i64, String)>,
) -> Response {
    // Only a SHA-256 that is on this case names a file: nothing else reaches the disk.
    if sha.len() != 64
        || !sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return error_page(StatusCode::NOT_FOUND, "Không có chứng cứ này.");
    }
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.evidence_file(&actor, id, &sha))
        .await
    {
        Ok((e, bytes)) => attachment(&e.media_type, &e.file_name, bytes),
        Err(e) => e.into_response(),
    }
}

// ---- the letter --------------------------------------------------------------------------------

pub async fn letter(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewCases>,
    Path(id): Path<i64>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let result = state.use_case(move |app| app.letter(&actor, id)).await;
    match result {
        Ok(bytes) => attachment(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("cong-van-de-nghi-go-bo-ho-so-{id}.docx"),
            bytes,
        ),
        Err(e) => e.into_response(),
    }
}

// ---- one alert -------------------------------------------------------------------------------

/// `GET /canh-bao/{id}`: an alert with the posts behind it, the evidence marked, and what can be
/// done with it (dismiss with a reason, or open a case).
pub async fn alert(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
) -> Response {
    let account = &user.session.user;
    if !account.can(Permission::ViewAlerts) {
        return crate::auth::forbidden_to(account, Permission::ViewAlerts);
    }
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let reach = crate::pages::reach(&snap, account);
    let Some(a) = snap
        .alerts
        .iter()
        .find(|a| a.id == id && reach.has_alert_on(snap.alert_pages.of(a.id)))
        .cloned()
    else {
        return error_page(StatusCode::NOT_FOUND, "Không có cảnh báo này.");
    };
    let in_case = snap
        .cases
        .iter()
        .find(|c| c.alert_ids.contains(&id))
        .map(|c| c.id);
    let sources: Vec<String> = a.item_ids.iter().take(20).cloned().collect();
    let actor = crate::actor(&user.session.user);
    let items = match state
        .use_case(move |app| app.alert_posts(&actor, &sources))
        .await
    {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let csrf = user.session.csrf.clone();
    page(
        &format!("Cảnh báo #{id}"),
        Some(&user),
        html! {
            p.note { a href="/canh-bao" { (crate::i18n::tr(user.lang, "← Hàng đợi cảnh báo")) } }
            h1 { "Cảnh báo #" (id) ": " (a.category.label_vi()) }
            dl.facts {
                dt { (crate::i18n::tr(user.lang, "Mức")) } dd { (match a.severity.as_str() { "high" => "Cao", "medium" => "Trung bình", _ => "Thấp" }) }
                dt { (crate::i18n::tr(user.lang, "Căn cứ")) } dd { (a.explanation) }
                dt { (crate::i18n::tr(user.lang, "Số bài")) } dd { (a.count) }
                dt { (crate::i18n::tr(user.lang, "Thời gian")) } dd { (vn_time(&a.first_at)) " – " (vn_time(&a.last_at)) }
                dt { (crate::i18n::tr(user.lang, "Trạng thái")) } dd {
                    @match (a.status.as_str(), in_case) {
                        ("open", _) => "Chưa xử lý",
                        ("dismissed", _) => "Đã bỏ qua",
                        (_, Some(c)) => { a href=(format!("/ho-so/{c}")) { "Trong hồ sơ #" (c) } }
                        (s, None) => (s),
                    }
                }
            }
            h2 { (crate::i18n::tr(user.lang, "Bài đăng và căn cứ")) }
            @if items.is_empty() { p.note { "Không có bài đăng nào được lưu cho cảnh báo này." } }
            @for (item, signals) in &items {
                article.post {
                    p.note { (item.platform.label_vi()) " · " (vn_time(&item.published_at)) " · mã " (item.source_id) }
                    (highlighted(item, signals))
                    ul.signals { @for s in signals.iter().filter(|s| !s.shadow) { li { strong { (s.category.label_vi()) } " — " (s.explanation) } } }
                }
            }
            @if a.status == "open" && account.can(Permission::Triage) {
                h2 { (crate::i18n::tr(user.lang, "Xử lý")) }
                div.actions {
                    form method="post" action="/canh-bao/ho-so" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="alert" value=(id);
                        input type="hidden" name="case" value="";
                        label for="case-title" { (crate::i18n::tr(user.lang, "Tiêu đề hồ sơ")) }
                        input id="case-title" name="title";
                        button type="submit" { (crate::i18n::tr(user.lang, "Lập hồ sơ")) }
                    }
                    form method="post" action="/canh-bao/quyet-dinh" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="id" value=(id);
                        label for="reason" { (crate::i18n::tr(user.lang, "Lý do bỏ qua")) }
                        input id="reason" name="reason" required minlength="3";
                        button type="submit" { (crate::i18n::tr(user.lang, "Bỏ qua")) }
                    }
                }
            }
        },
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Category;

    #[test]
    fn evidence_spans_are_marked_and_show_the_masked_form() {
        let text = "Gọi 0912345678 để nhận quà";
        let start = text.find("0912").unwrap();
        let item = Item {
            id: 1,
            source_id: "p1".into(),
            platform: domain::Platform::Facebook,
            community_id: 1,
            community_url: None,
            published_at: "2026-11-02T08:30:00+07:00".into(),
            text: text.into(),
            url: None,
            author_pseudonym: None,
            author_handle: None,
            metrics: Default::default(),
            media: vec![],
        };
        let signal = StoredSignal {
            item_id: 1,
            category: Category::PersonalData,
            score: 0.9,
            explanation: "số điện thoại".into(),
            evidence: format!(
                r#"[{{"start":{start},"end":{},"shown":"0912***678"}}]"#,
                start + 10
            ),
            detector: "entities".into(),
            reference: String::new(),
            version: "1".into(),
            shadow: false,
            role: None,
        };
        let html = highlighted(&item, &[signal]).into_string();
        assert_eq!(
            html,
            "<p class=\"post\">Gọi <mark>0912***678</mark> để nhận quà</p>"
        );
    }
}
