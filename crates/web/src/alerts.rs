//! The alerts queue: open alerts by category with their explanation, and deciding them.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{flash, internal, page};
use crate::require::{Submitted, has_csrf, need};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::Permission;
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

// ---- alerts -------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct AlertQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    status: String,
    /// 1-based page of [`PAGE_SIZE`] alerts.
    #[serde(default)]
    trang: Option<usize>,
    /// Only alerts about posts on this page of the register (its id; empty: every page).
    #[serde(default)]
    kenh: String,
    /// Only alerts about posts on pages of this unit or a unit under it (its id; empty: all).
    #[serde(default, rename = "don-vi")]
    unit: String,
}

/// Alerts shown on one page of the queue.
pub const PAGE_SIZE: usize = 100;

async fn alerts_page(
    state: &Arc<AppState>,
    user: &SignedIn,
    q: AlertQuery,
    message: Option<(bool, String)>,
) -> Response {
    if !user.session.user.can(Permission::ViewAlerts) {
        return crate::auth::forbidden_to(&user.session.user, Permission::ViewAlerts);
    }
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let alerts = &snap.alerts;
    // A commune's account: its commune's alerts and cases only.
    let reach = crate::pages::reach(&snap, &user.session.user);
    let open_cases: Vec<&domain::Case> = snap
        .cases
        .iter()
        .filter(|c| c.status != domain::CaseStatus::Closed && reach.has_case(c))
        .collect();
    let status = if q.status.is_empty() {
        "open".to_owned()
    } else {
        q.status.clone()
    };
    let on_page: Option<i64> = q.kenh.trim().parse().ok();
    let unit = q
        .unit
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| snap.units.iter().find(|u| u.id.0 == id));
    // The pages of the chosen unit and the units under it.
    let unit_pages: Option<std::collections::HashSet<i64>> = unit.map(|u| {
        let names = app::register::subtree(&snap.units, u.id);
        snap.communities
            .iter()
            .filter(|c| c.unit.as_ref().is_some_and(|n| names.contains(n)))
            .map(|c| c.id.0)
            .collect()
    });
    // The units to filter by: a commune's account, its commune's.
    let scope = crate::pages::visible_units(&snap.units, &user.session.user);
    let pages_of = |a: &domain::StoredAlert| snap.alert_pages.of(a.id);
    let mut shown: Vec<&domain::StoredAlert> = alerts
        .iter()
        .filter(|a| q.category.is_empty() || a.category.as_str() == q.category)
        .filter(|a| status == "all" || a.status == status)
        .filter(|a| reach.has_alert_on(pages_of(a)))
        .filter(|a| on_page.is_none_or(|p| pages_of(a).contains(&p)))
        .filter(|a| {
            unit_pages
                .as_ref()
                .is_none_or(|set| pages_of(a).iter().any(|p| set.contains(p)))
        })
        .collect();
    let rank = |s: &str| match s {
        "high" => 0,
        "medium" => 1,
        _ => 2,
    };
    shown.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then(b.score.total_cmp(&a.score))
            .then(b.id.cmp(&a.id))
    });
    let total = shown.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page_no = q.trang.unwrap_or(1).clamp(1, pages);
    let shown: Vec<&domain::StoredAlert> = shown
        .into_iter()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    // The first post of each alert on this page: its opening words (personal data masked), its
    // page and platform — what a triaging officer reads first.
    let first_ids: Vec<String> = shown
        .iter()
        .filter_map(|a| a.item_ids.first().cloned())
        .collect();
    let actor = crate::actor(&user.session.user);
    let firsts: std::collections::HashMap<String, (String, i64, domain::Platform)> = match state
        .use_case(move |app| app.alert_posts(&actor, &first_ids))
        .await
    {
        Ok(items) => items
            .into_iter()
            .map(|(i, _)| {
                (
                    i.source_id.clone(),
                    (
                        app::screening::opening_words(&i.text, 140),
                        i.community_id,
                        i.platform,
                    ),
                )
            })
            .collect(),
        Err(e) => return e.into_response(),
    };
    let page_name = |id: i64| {
        snap.communities
            .iter()
            .find(|c| c.id.0 == id)
            .map_or_else(String::new, |c| c.name.clone())
    };
    let unit_id = unit.map_or(String::new(), |u| u.id.0.to_string());
    let page_id = on_page.map_or(String::new(), |p| p.to_string());
    let link = |n: usize| {
        format!(
            "/canh-bao?category={}&status={}&don-vi={unit_id}&kenh={page_id}&trang={n}",
            q.category, status
        )
    };
    // A page's alerts, the other filters kept.
    let page_link = |community: i64| {
        format!(
            "/canh-bao?category={}&status={}&don-vi={unit_id}&kenh={community}",
            q.category, status
        )
    };
    let triage = user.session.user.can(Permission::Triage);
    let case_of = |alert: i64| {
        open_cases
            .iter()
            .find(|c| c.alert_ids.contains(&alert))
            .map(|c| c.id)
    };
    page(
        "Cảnh báo",
        Some(user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Hàng đợi cảnh báo")) }
            (flash(&message))
            form.inline method="get" action="/canh-bao" {
                div {
                    label for="category" { (crate::i18n::tr(user.lang, "Loại")) }
                    select id="category" name="category" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for c in domain::Category::ALL { option value=(c.as_str()) selected[q.category == c.as_str()] { (c.label_vi()) } }
                    }
                }
                div {
                    label for="status" { (crate::i18n::tr(user.lang, "Trạng thái")) }
                    select id="status" name="status" {
                        option value="open" selected[status == "open"] { (crate::i18n::tr(user.lang, "Chưa xử lý")) }
                        option value="dismissed" selected[status == "dismissed"] { (crate::i18n::tr(user.lang, "Đã bỏ qua")) }
                        option value="in_case" selected[status == "in_case"] { (crate::i18n::tr(user.lang, "Đã lập hồ sơ")) }
                        option value="all" selected[status == "all"] { (crate::i18n::tr(user.lang, "Tất cả")) }
                    }
                }
                div {
                    label for="don-vi" { (crate::i18n::tr(user.lang, "Đơn vị")) }
                    select id="don-vi" name="don-vi" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả đơn vị")) }
                        @for u in snap.units.iter().filter(|u| scope.as_ref().is_none_or(|n| n.contains(&u.name))) { option value=(u.id.0) selected[unit.is_some_and(|x| x.id == u.id)] { (u.name) } }
                    }
                }
                @if let Some(p) = on_page {
                    input type="hidden" name="kenh" value=(p);
                }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Lọc")) } }
            }
            @if let Some(p) = on_page {
                p.note {
                    (crate::i18n::tr(user.lang, "Chỉ cảnh báo về bài trên trang")) " «" (page_name(p)) "» · "
                    a href=(format!("/canh-bao?category={}&status={}&don-vi={unit_id}", q.category, status)) { (crate::i18n::tr(user.lang, "bỏ lọc theo trang")) }
                }
            }
            p.note {
                (total) " cảnh báo"
                @if pages > 1 {
                    " · trang " (page_no) "/" (pages) " "
                    @if page_no > 1 { a href=(link(page_no - 1)) { "← trước" } " " }
                    @if page_no < pages { a href=(link(page_no + 1)) { "sau →" } }
                }
            }
            @if triage && status == "open" && !shown.is_empty() {
                form.inline id="merge" method="post" action="/canh-bao/ho-so" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    div {
                        label for="case" { (crate::i18n::tr(user.lang, "Đưa các cảnh báo đã chọn vào")) }
                        select id="case" name="case" {
                            option value="" { (crate::i18n::tr(user.lang, "Hồ sơ mới")) }
                            @for c in &open_cases { option value=(c.id) { "Hồ sơ #" (c.id) ": " (c.title.chars().take(60).collect::<String>()) } }
                        }
                    }
                    div {
                        label for="case-title" { (crate::i18n::tr(user.lang, "Tiêu đề hồ sơ mới (để trống: theo cảnh báo đầu)")) }
                        input id="case-title" name="title";
                    }
                    div { button type="submit" { (crate::i18n::tr(user.lang, "Lập hồ sơ")) } }
                }
            }
            table.queue {
                tr { @if triage && status == "open" { th.nowrap { (crate::i18n::tr(user.lang, "Chọn")) } } th.nowrap { (crate::i18n::tr(user.lang, "Mức")) } th.nowrap { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Nội dung")) } th.nowrap { (crate::i18n::tr(user.lang, "Bài")) } th.nowrap { (crate::i18n::tr(user.lang, "Thời gian")) } @if triage { th { (crate::i18n::tr(user.lang, "Quyết định")) } } }
                @for a in &shown {
                    tr {
                        @if triage && status == "open" {
                            td { @if a.status == "open" { input type="checkbox" name="alert" value=(a.id) form="merge" aria-label=(format!("Chọn cảnh báo #{}", a.id)); } }
                        }
                        td.nowrap { span class=(format!("badge {}", if a.severity == "high" { "impersonating" } else { "" })) { (if a.severity == "high" { "Cao" } else if a.severity == "medium" { "Trung bình" } else { "Thấp" }) } }
                        td.nowrap { (a.category.label_vi()) }
                        td {
                            @if let Some((words, community, platform)) = a.item_ids.first().and_then(|id| firsts.get(id)) {
                                a href=(format!("/canh-bao/{}", a.id)) { (words) }
                                br;
                                span.note { a href=(page_link(*community)) title=(crate::i18n::tr(user.lang, "Các cảnh báo của trang này")) { (page_name(*community)) } " · " (platform.label_vi()) " · " (crate::auth::capped(&a.explanation, 160)) }
                            } @else {
                                a href=(format!("/canh-bao/{}", a.id)) { (a.explanation) }
                            }
                        }
                        td.num { (a.count) }
                        td.nowrap { (crate::cases::vn_time(&a.first_at)) }
                        @if triage {
                            td {
                                @if a.status == "open" {
                                    form method="post" action="/canh-bao/quyet-dinh" {
                                        input type="hidden" name="csrf" value=(user.session.csrf);
                                        input type="hidden" name="id" value=(a.id);
                                        label for=(format!("reason-{}", a.id)) { "Lý do bỏ qua" }
                                        input id=(format!("reason-{}", a.id)) name="reason" required minlength="3";
                                        button type="submit" { (crate::i18n::tr(user.lang, "Bỏ qua")) }
                                    }
                                } @else if a.status == store::ALERT_IN_CASE {
                                    @if let Some(c) = case_of(a.id) { a href=(format!("/ho-so/{}", c)) { "Trong hồ sơ #" (c) } } @else { "Trong hồ sơ" }
                                } @else {
                                    (if a.status == "dismissed" { "Đã bỏ qua" } else { a.status.as_str() })
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

pub async fn alerts(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Query(q): Query<AlertQuery>,
) -> Response {
    alerts_page(&state, &user, q, None).await
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
    id: i64,
    reason: String,
}

pub async fn decide_alert(
    State(state): State<Arc<AppState>>,
    Submitted(user, form, _): Submitted<need::Triage, DecideForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let id = form.id;
    let reason = form.reason;
    let outcome = match state
        .changing(move |app| app.dismiss_alert(&actor, id, &reason))
        .await
    {
        Ok(()) => (true, format!("Đã bỏ qua cảnh báo #{id}.")),
        Err(e) => match e.invalid_message() {
            Ok(why) => (false, why),
            Err(e) => return e.into_response(),
        },
    };
    alerts_page(&state, &user, AlertQuery::default(), Some(outcome)).await
}

has_csrf!(DecideForm);
