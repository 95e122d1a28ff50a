//! The periodic report in the browser: choose a month, quarter or year, see its figures, download
//! it as DOCX, XLSX or PDF (made by `app`, the same use case as `sokenh report`, and audited with
//! the audit chain's anchor), the reports already made and approved, and the Standing
//! Committee's approval. The same file through the API: `GET /api/v1/reports/{period}.{format}`.
//! A report may also be asked of the servers' jobs (`POST /bao-cao/lap`) — a province's month
//! takes a while — and is then listed, with the month's own report the jobs make on the first
//! days of the next, among the reports made, downloaded from `/bao-cao/tep/{sha256}`.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{attachment, error_page, flash, page, thousands, vietnam_today};
use crate::require::{Require, Submitted, has_csrf, need};
use app::reports::Format;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Permission;
use maud::html;
use report::Period;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    ky: String,
}

/// `GET /bao-cao?ky=2026-11`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewDetection>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    view(&state, &user, &q.ky, None).await
}

/// The period a form or a link names, or this month; None when it names none.
fn period_of(code: &str) -> Option<Period> {
    let code = match code.trim() {
        "" => vietnam_today().format("%Y-%m").to_string(),
        c => c.to_owned(),
    };
    Period::parse(&code).ok()
}

fn no_period() -> Response {
    error_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Kỳ báo cáo là một tháng (2026-11), một quý (2026-Q4) hoặc một năm (2026).",
    )
}

async fn view(
    state: &Arc<AppState>,
    user: &SignedIn,
    code: &str,
    message: Option<(bool, String)>,
) -> Response {
    let Some(period) = period_of(code) else {
        return no_period();
    };
    let figures = {
        let _turn = state.heavy_store.acquire().await;
        let figures = state.figures.clone();
        let p = period.clone();
        state.with_store(move |s| figures(s, &p)).await
    };
    let f = match figures {
        Ok(f) => f,
        Err(e) => return crate::pages::internal(e),
    };
    let actor = crate::actor(&user.session.user);
    let (recorded, jobs) = match state
        .use_case(move |app| Ok((app.reports_recorded(&actor)?, app.report_jobs(&actor, 20)?)))
        .await
    {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    // The asked ones still to come, or that failed (a done one is among the reports made).
    let pending: Vec<_> = jobs.iter().filter(|j| j.state != "done").collect();
    let approve = user.session.user.can(Permission::ApproveReport);
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let flagged: u64 = f.items_flagged_by_category.values().sum();
    let alerts: u64 = f.alerts_by_category.values().sum();
    page(
        "Báo cáo định kỳ",
        Some(user),
        html! {
            h1 { (t("Báo cáo định kỳ")) }
            (flash(&message))
            form.inline method="get" action="/bao-cao" {
                div { label for="ky" { (t("Kỳ báo cáo (2026-11, 2026-Q4 hoặc 2026)")) } input id="ky" name="ky" value=(period.code) required; }
                div { button type="submit" { (t("Xem")) } }
            }
            h2 { (crate::pages::capitalised(&period.label)) " (" (period.from.format("%d/%m/%Y")) " – " ((period.to - chrono::Duration::days(1)).format("%d/%m/%Y")) ")" }
            table {
                tr { th { (t("Số liệu")) } th.num { (t("Giá trị")) } }
                tr { td { (t("Bài đăng công khai")) } td.num { (thousands(f.items)) } }
                tr { td { (t("Bài có dấu hiệu vi phạm")) } td.num { (thousands(flagged)) } }
                tr { td { (t("Cảnh báo")) } td.num { (thousands(alerts)) } }
                tr { td { (t("Trang, kênh, nhóm trong sổ")) } td.num { (thousands(f.communities)) } }
                tr { td { (t("Kênh chính thức")) } td.num { (thousands(f.official_channels)) } }
                tr { td { (t("Trang giả mạo")) } td.num { (f.impostor_pages.len()) } }
                tr { td { (t("Sự kiện nhật ký")) } td.num { (thousands(f.audit_events)) } }
            }
            p {
                a.button href={"/bao-cao/tai/" (period.code) ".docx"} { (t("Tải DOCX")) } " "
                a.button href={"/bao-cao/tai/" (period.code) ".xlsx"} { (t("Tải XLSX (phụ lục)")) } " "
                a.button href={"/bao-cao/tai/" (period.code) ".pdf"} { (t("Tải PDF")) }
            }
            p.note { (t("PDF cần LibreOffice trên máy chủ; nếu chưa có, trang sẽ nói rõ. Mỗi lần tải được ghi vào nhật ký kèm số sự kiện và mã băm cuối của nhật ký lúc lập.")) }
            form.inline method="post" action="/bao-cao/lap" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                input type="hidden" name="ky" value=(period.code);
                div {
                    label for="dinh-dang" { (t("Định dạng")) }
                    select id="dinh-dang" name="dinh_dang" {
                        option value="docx" { "DOCX" }
                        option value="xlsx" { "XLSX" }
                        option value="pdf" { "PDF" }
                    }
                }
                div { button type="submit" { (t("Lập trong nền")) } }
            }
            p.note { (t("Lập trong nền: máy chủ lập báo cáo như một việc nền và giữ tệp; tệp có trong danh sách bên dưới khi xong. Báo cáo của tháng vừa qua được lập như vậy vào đầu tháng sau.")) }
            @if !pending.is_empty() {
                h2 { (t("Báo cáo đang lập")) }
                table {
                    tr { th { (t("Báo cáo")) } th { (t("Trạng thái")) } th { (t("Lỗi")) } }
                    @for j in &pending {
                        tr {
                            td { code { (j.key.split('@').next().unwrap_or(&j.key)) } }
                            td { @match j.state.as_str() { "queued" => (t("Chờ chạy")), "running" => (t("Đang chạy")), _ => (t("Thất bại")) } }
                            td { (j.last_error.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            @if approve {
                form.inline method="post" action="/bao-cao/duyet" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    input type="hidden" name="ky" value=(period.code);
                    div { button type="submit" { (t("Duyệt báo cáo kỳ này")) } }
                }
            }
            h2 { (t("Báo cáo đã lập và đã duyệt")) }
            @if recorded.is_empty() {
                p { (t("Chưa có báo cáo nào.")) }
            } @else {
                table {
                    tr { th { (t("Thời điểm")) } th { (t("Người")) } th { (t("Việc")) } th { (t("Kỳ")) } th { (t("Định dạng")) } th { (t("Neo nhật ký")) } }
                    @for r in &recorded {
                        tr {
                            td { (crate::cases::vn_time(&r.at)) }
                            td { (r.actor) @if let Some(who) = &r.asked_by { " (" (t("cho")) " " (who) ")" } }
                            td { @if r.action == "report.approve" { (t("Duyệt")) } @else { (t("Lập")) } }
                            td { (r.period) }
                            td {
                                @match (&r.sha256, &r.format) {
                                    (Some(sha), Some(f)) => { a href={"/bao-cao/tep/" (sha)} { (t("Tải")) " " (f) } }
                                    _ => (r.format.as_deref().unwrap_or("")),
                                }
                            }
                            td { @if let (Some(n), Some(h)) = (r.audit_events, &r.audit_head) { (n) " · " code { (h.get(..12).unwrap_or(h)) } } }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

/// `GET /bao-cao/tai/2026-11.docx`: the file, made now and recorded.
pub async fn download(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewDetection>,
    Path(file): Path<String>,
) -> Response {
    match made(&state, &user.session.user, &file).await {
        Ok((name, format, bytes)) => attachment(format.media_type(), &name, bytes),
        Err(e) => e.into_response(),
    }
}

/// A report file for `2026-11.docx` (or `.xlsx`, `.pdf`): its name, format and bytes; the
/// export recorded in the audit log.
pub(crate) async fn made(
    state: &Arc<AppState>,
    user: &domain::User,
    file: &str,
) -> Result<(String, Format, Vec<u8>), crate::AppError> {
    let invalid = |m: &str| crate::AppError(app::Error::invalid("period", m));
    let (code, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| invalid("Tệp báo cáo: 2026-11.docx, 2026-Q4.xlsx hoặc 2026.pdf."))?;
    let format = Format::parse(ext).ok_or_else(|| invalid("Định dạng: docx, xlsx hoặc pdf."))?;
    let period = Period::parse(code).map_err(|_| {
        invalid("Kỳ báo cáo là một tháng (2026-11), một quý (2026-Q4) hoặc một năm (2026).")
    })?;
    let actor = crate::actor(user);
    let _turn = state.heavy_store.acquire().await;
    let today = vietnam_today();
    state
        .use_case(move |app| {
            let made = app.make_report(&actor, &period, format, today)?;
            app.record_report(&actor, &made, format, None)?;
            Ok((
                format!("bao-cao-{}.{}", period.code, format.extension()),
                format,
                made.bytes,
            ))
        })
        .await
}

/// `GET /bao-cao/tep/{sha256}`: a report file a job made and kept.
pub async fn kept(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewDetection>,
    Path(sha): Path<String>,
) -> Response {
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return error_page(StatusCode::NOT_FOUND, "Không có tệp báo cáo này.");
    }
    let actor = crate::actor(&user.session.user);
    match state
        .use_case(move |app| app.report_file(&actor, &sha.to_ascii_lowercase()))
        .await
    {
        Ok(f) => attachment(f.format.media_type(), &f.name, f.bytes),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct RequestForm {
    csrf: String,
    ky: String,
    #[serde(default)]
    dinh_dang: String,
}

has_csrf!(RequestForm);

/// `POST /bao-cao/lap`: the period's report asked of the servers' jobs.
pub async fn request(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::ViewDetection, RequestForm>,
) -> Response {
    let Some(period) = period_of(&f.ky) else {
        return no_period();
    };
    let Some(format) = Format::parse(f.dinh_dang.trim()) else {
        return error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Định dạng: docx, xlsx hoặc pdf.",
        );
    };
    let actor = crate::actor(&user.session.user);
    let p = period.clone();
    let message = match state
        .use_case(move |app| app.request_report(&actor, &p, format, chrono::Utc::now()))
        .await
    {
        Ok(true) => (
            true,
            format!(
                "Đã xếp việc lập báo cáo {} ({}); tệp sẽ có trong danh sách bên dưới khi xong.",
                period.label,
                format.extension()
            ),
        ),
        Ok(false) => (
            true,
            "Báo cáo này đã được xếp lập trong phút này.".to_owned(),
        ),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, &period.code, Some(message)).await
}

#[derive(Deserialize)]
pub struct ApproveForm {
    csrf: String,
    ky: String,
}

/// `POST /bao-cao/duyet`: the Standing Committee approves the period's report.
pub async fn approve(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::ApproveReport, ApproveForm>,
) -> Response {
    let Some(period) = period_of(&f.ky) else {
        return no_period();
    };
    let actor = crate::actor(&user.session.user);
    let p = period.clone();
    let message = match state
        .use_case(move |app| app.approve_report(&actor, &p))
        .await
    {
        Ok(events) => (
            true,
            format!(
                "Đã duyệt báo cáo {} (nhật ký: {events} sự kiện).",
                period.label
            ),
        ),
        Err(e) => match e.invalid_message() {
            Ok(why) => (false, why),
            Err(e) => return e.into_response(),
        },
    };
    view(&state, &user, &period.code, Some(message)).await
}

has_csrf!(ApproveForm);
