//! `/danh-gia`: the year's evaluation for those who follow members up — without a unit, every
//! visible unit's proposed total (the Standing Committee's year-end page); with one, its
//! criteria (maximum, proposed, points, basis and the audit events behind it, adjustment), a
//! form to adjust a criterion with a reason, its members' points, and the export as DOCX or
//! XLSX. Everything through `app::evaluation`; nothing is graded here.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{attachment, flash, page};
use crate::require::{Require, Submitted, has_csrf, need};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, Default)]
pub struct EvaluationQuery {
    #[serde(default)]
    nam: String,
    #[serde(default, rename = "don-vi")]
    don_vi: String,
}

fn year(s: &str, today: chrono::NaiveDate) -> i32 {
    s.trim()
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| chrono::Datelike::year(&today))
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::FollowUp>,
    Query(q): Query<EvaluationQuery>,
) -> Response {
    view(&state, &user, &q, None).await
}

async fn view(
    state: &Arc<AppState>,
    user: &SignedIn,
    q: &EvaluationQuery,
    message: Option<(bool, String)>,
) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let unit = q.don_vi.trim().to_owned();
    let year = year(&q.nam, app::today());
    let rows = match state
        .use_case(move |app| app.evaluation(&actor, year, None))
        .await
    {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let units: Vec<&app::evaluation::Evaluation> =
        rows.iter().filter(|r| r.member.is_none()).collect();
    let chosen: Vec<&app::evaluation::Evaluation> = rows
        .iter()
        .filter(|r| !unit.is_empty() && text::fold(&r.unit) == text::fold(&unit))
        .collect();
    let head = chosen.iter().find(|r| r.member.is_none());
    let csrf = user.session.csrf.clone();
    page(
        "Đánh giá năm",
        Some(user),
        html! {
            h1 { (t("Đánh giá năm")) " " (year) }
            p.note { (t("Điểm là đề xuất lập từ nhật ký kiểm tra; mỗi điểm có căn cứ. Thủ trưởng đơn vị, Ban Thường vụ điều chỉnh có ghi lý do; hệ thống không tự xếp loại.")) }
            (flash(&message))
            form.inline method="get" action="/danh-gia" {
                div { label for="nam" { (t("Năm")) } input id="nam" name="nam" type="number" min="2000" max="2100" value=(year); }
                div {
                    label for="don-vi" { (t("Đơn vị")) }
                    select id="don-vi" name="don-vi" {
                        option value="" { (t("Tất cả đơn vị")) }
                        @for u in &units { option value=(u.unit) selected[text::fold(&u.unit) == text::fold(&unit)] { (u.unit) } }
                    }
                }
                div { button type="submit" { (t("Xem")) } }
            }
            @if let Some(h) = head {
                h2 { (h.unit) ": " (h.total) "/100" }
                p {
                    a.button href=(format!("/danh-gia/xuat?nam={year}&don-vi={}&dinh-dang=docx", urlencode(&h.unit))) { (t("Tải DOCX")) }
                    " "
                    a.button href=(format!("/danh-gia/xuat?nam={year}&don-vi={}&dinh-dang=xlsx", urlencode(&h.unit))) { (t("Tải XLSX")) }
                }
                table.queue {
                    tr { th { (t("Tiêu chí")) } th { (t("Tối đa")) } th { (t("Đề xuất")) } th { (t("Điểm")) } th { (t("Căn cứ")) } th { (t("Điều chỉnh")) } }
                    @for c in &h.criteria {
                        tr {
                            td { strong { (c.label) } }
                            td data-label=(t("Tối đa")) { (c.max) }
                            td data-label=(t("Đề xuất")) { (c.proposed) }
                            td data-label=(t("Điểm")) { strong { (c.points) } }
                            td {
                                (c.basis)
                                @if !c.evidence.is_empty() {
                                    br; span.note { (t("sự kiện nhật ký")) " " code.hash { (c.evidence.iter().map(|e| format!("#{e}")).collect::<Vec<_>>().join(" ")) } }
                                }
                            }
                            td {
                                @if let Some(a) = &c.adjustment { (a.points) " — " (a.reason) " (" (a.by) ")" br; }
                                form.inline method="post" action="/danh-gia/dieu-chinh" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="year" value=(year);
                                    input type="hidden" name="unit" value=(h.unit);
                                    input type="hidden" name="criterion" value=(c.id);
                                    input name="points" type="number" min="0" max=(c.max) required value=(c.points) aria-label=(format!("Điểm {}", c.label));
                                    input name="reason" required placeholder="lý do" aria-label=(format!("Lý do điều chỉnh {}", c.label));
                                    button type="submit" { (t("Điều chỉnh")) }
                                }
                            }
                        }
                    }
                }
                h3 { (t("Cán bộ, đảng viên")) }
                table {
                    tr {
                        th { (t("Họ tên")) }
                        @if let Some(first) = chosen.iter().find(|r| r.member.is_some()) {
                            @for c in &first.criteria { th { (c.label) " (" (c.max) ")" } }
                        }
                        th { (t("Tổng")) }
                    }
                    @for m in chosen.iter().filter(|r| r.member.is_some()) {
                        tr {
                            td { (m.member.as_deref().unwrap_or("")) }
                            @for c in &m.criteria { td title=(c.basis) { (c.points) @if c.adjustment.is_some() { "*" } } }
                            td { strong { (m.total) } }
                        }
                    }
                }
            } @else {
                table {
                    tr { th { (t("Đơn vị")) } th { (t("Điểm đề xuất")) } th { (t("Số người")) } th { (t("Điểm bình quân của cán bộ")) } }
                    @for u in &units {
                        @let members: Vec<&app::evaluation::Evaluation> = rows.iter().filter(|r| r.member.is_some() && r.unit == u.unit).collect();
                        tr {
                            td { a href=(format!("/danh-gia?nam={year}&don-vi={}", urlencode(&u.unit))) { (u.unit) } }
                            td { (u.total) "/100" }
                            td { (members.len()) }
                            td { @if members.is_empty() { "—" } @else { (members.iter().map(|m| m.total).sum::<u32>() / members.len() as u32) } }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    nam: String,
    #[serde(default, rename = "don-vi")]
    don_vi: String,
    #[serde(default, rename = "dinh-dang")]
    dinh_dang: String,
}

/// `GET /danh-gia/xuat`: a unit's evaluation as DOCX or XLSX.
pub async fn export(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::FollowUp>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let format = if q.dinh_dang == "xlsx" {
        app::evaluation::Format::Xlsx
    } else {
        app::evaluation::Format::Docx
    };
    let unit = q.don_vi.clone();
    let y = year(&q.nam, app::today());
    match state
        .use_case(move |app| app.evaluation_document(&actor, y, &unit, format))
        .await
    {
        Ok(bytes) => {
            let (media, ext) = match format {
                app::evaluation::Format::Docx => (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                ),
                app::evaluation::Format::Xlsx => (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                ),
            };
            attachment(media, &format!("danh-gia-{y}.{ext}"), bytes)
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct AdjustForm {
    csrf: String,
    year: i32,
    unit: String,
    #[serde(default)]
    member: String,
    criterion: String,
    points: String,
    reason: String,
}

/// `POST /danh-gia/dieu-chinh`: a criterion's points set, with the reason.
pub async fn adjust(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::FollowUp, AdjustForm>,
) -> Response {
    let q = EvaluationQuery {
        nam: f.year.to_string(),
        don_vi: f.unit.clone(),
    };
    let (Ok(points), Ok(member)) = (
        f.points.trim().parse::<u32>(),
        match f.member.trim() {
            "" => Ok(None),
            m => m.parse::<i64>().map(Some),
        },
    ) else {
        return view(
            &state,
            &user,
            &q,
            Some((false, "Điểm không hợp lệ.".into())),
        )
        .await;
    };
    let actor = crate::actor(&user.session.user);
    let (year, unit, criterion, reason) = (f.year, f.unit, f.criterion, f.reason);
    let message = match state
        .use_case(move |app| {
            app.adjust_evaluation(&actor, year, &unit, member, &criterion, points, &reason)
        })
        .await
    {
        Ok(()) => (true, "Đã điều chỉnh điểm (ghi vào nhật ký).".to_owned()),
        Err(crate::AppError(e)) if e.kind != app::ErrorKind::Internal => (false, e.message),
        Err(e) => return e.into_response(),
    };
    view(&state, &user, &q, Some(message)).await
}

has_csrf!(AdjustForm);
