//! The dashboard: the month's figures, the register by unit, the open alerts.

use crate::AppState;
use crate::pages::{in_scope, internal, page, thousands, vietnam_today, visible_units};
use crate::require::{Require, need};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::{Community, Permission};
use maud::html;
use std::sync::Arc;

// ---- dashboard ----------------------------------------------------------------------------

pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewRegister>,
) -> Response {
    let today = vietnam_today();
    let from = today.with_day(1).expect("day 1");
    let figures = match state
        .month_figures(from, today + chrono::Duration::days(1))
        .await
    {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let f = &*figures;
    // How quickly the month's cases were handled (for those who see cases).
    let times = if user.session.user.can(Permission::ViewCases) {
        let actor = crate::actor(&user.session.user);
        let (a, b) = (
            from.to_string(),
            (today + chrono::Duration::days(1)).to_string(),
        );
        match state
            .use_case(move |app| app.case_times(&actor, &a, &b))
            .await
        {
            Ok(t) => Some(t),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let scope = visible_units(&snap.units, &user.session.user);
    let communities: Vec<&Community> = snap
        .communities
        .iter()
        .filter(|c| in_scope(c, &scope))
        .collect();
    // A commune's account: its commune's alerts and cases only.
    let reach = crate::pages::reach(&snap, &user.session.user);
    let open_alerts = if reach.is_everywhere() {
        std::borrow::Cow::Borrowed(&snap.open_alerts)
    } else {
        let mut counted = std::collections::BTreeMap::new();
        for a in snap
            .alerts
            .iter()
            .filter(|a| a.status == "open" && reach.has_alert_on(snap.alert_pages.of(a.id)))
        {
            *counted.entry(a.category).or_default() += 1;
        }
        std::borrow::Cow::Owned(counted)
    };
    let open_alerts = &*open_alerts;
    let mut recent: Vec<&domain::Case> = snap.cases.iter().filter(|c| reach.has_case(c)).collect();
    recent.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    recent.truncate(5);
    let sees_cases = user.session.user.can(Permission::ViewCases);
    // Past their deadline: the signed-in officer's own first, then the most overdue.
    let now = app::now_utc();
    let mut overdue: Vec<&domain::Case> = snap
        .cases
        .iter()
        .filter(|c| c.is_overdue(&now) && reach.has_case(c))
        .collect();
    let me = user.session.user.username.as_str();
    overdue.sort_by(|a, b| {
        (a.assignee.as_deref() != Some(me), &a.due_at)
            .cmp(&(b.assignee.as_deref() != Some(me), &b.due_at))
    });
    let mut by_platform: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut by_status: std::collections::BTreeMap<&str, u64> = Default::default();
    for c in &communities {
        *by_platform.entry(c.platform.label_vi()).or_default() += 1;
        *by_status.entry(c.status.label_vi()).or_default() += 1;
    }
    let province_wide = snap.communes > 0 && user.session.user.commune.is_none();
    let coverage: Vec<&domain::Coverage> = f
        .coverage
        .iter()
        .filter(|c| scope.as_ref().is_none_or(|s| s.contains(&c.unit)))
        .collect();
    let flagged = |c: domain::Category| {
        f.items_flagged_by_category
            .get(c.as_str())
            .copied()
            .unwrap_or(0)
    };
    page(
        "Tổng quan",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Tổng quan tháng")) " " (today.month()) "/" (today.year()) }
            @if user.session.user.can_for_province(Permission::ViewCases) && snap.communes > 0 {
                p { a href="/tinh" { (crate::i18n::tr(user.lang, "Toàn tỉnh theo xã, phường")) } " (" (snap.communes) ")" }
            }
            @if user.session.user.commune.is_some() {
                // A commune's account: the month's cards and the flagged posts count the province.
                p.note { (crate::i18n::tr(user.lang, "Số bài đăng, kênh chính thức, cảnh báo trong tháng và bài có dấu hiệu dưới đây là của cả tỉnh; sổ đăng ký, kê khai, cảnh báo chờ xử lý và hồ sơ là của xã, phường.")) }
            }
            div.cards {
                div.card { div.n { (communities.len()) } div.l { (crate::i18n::tr(user.lang, "trang, kênh, hội, nhóm trong sổ")) } }
                div.card { div.n { (f.official_channels) } div.l { (crate::i18n::tr(user.lang, "trang, kênh chính thức")) } }
                div.card { div.n { (thousands(f.items)) } div.l { (crate::i18n::tr(user.lang, "bài đăng công khai trong tháng")) } }
                div.card { div.n { (f.alerts_by_category.values().fold(0u64, |a, n| a.saturating_add(*n))) } div.l { (crate::i18n::tr(user.lang, "cảnh báo trong tháng")) } }
            }
            h2 { (crate::i18n::tr(user.lang, "Sổ đăng ký theo nền tảng")) }
            table { tr { th { (crate::i18n::tr(user.lang, "Nền tảng")) } th { (crate::i18n::tr(user.lang, "Số lượng")) } } @for (p, c) in &by_platform { tr { td { (p) } td.num { (c) } } } }
            h2 { (crate::i18n::tr(user.lang, "Theo tình trạng")) }
            table { tr { th { (crate::i18n::tr(user.lang, "Tình trạng")) } th { (crate::i18n::tr(user.lang, "Số lượng")) } } @for (p, c) in &by_status { tr { td { (p) } td.num { (c) } } } }
            h2 { (crate::i18n::tr(user.lang, "Kê khai và cam kết theo đơn vị")) }
            // The province's accounts on a province database: every unit of every commune would
            // be thousands of rows; the province's overview has them by commune.
            @if province_wide {
                p.note {
                    (crate::i18n::tr(user.lang, "Theo từng xã, phường:")) " "
                    @if sees_cases { a href="/tinh" { (crate::i18n::tr(user.lang, "Toàn tỉnh theo xã, phường")) } } @else { (crate::i18n::tr(user.lang, "trang Toàn tỉnh (lãnh đạo, công an, kiểm tra)")) }
                    " (" (snap.communes) ")."
                }
            } @else {
                table {
                    tr { th { (crate::i18n::tr(user.lang, "Đơn vị")) } th { (crate::i18n::tr(user.lang, "Số người")) } th { (crate::i18n::tr(user.lang, "Đã kê khai")) } th { (crate::i18n::tr(user.lang, "Đã ký cam kết")) } }
                    @for c in &coverage {
                        tr { td { (c.unit) } td.num { (c.members) } td.num { (c.declared) } td.num { (c.signed) } }
                    }
                }
            }
            h2 { (crate::i18n::tr(user.lang, "Cảnh báo chờ xử lý theo loại")) }
            @if open_alerts.is_empty() { p.note { "Không có cảnh báo nào chờ xử lý." } } @else {
                table { tr { th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Số cảnh báo")) } } @for (c, k) in open_alerts { tr { td { (c.label_vi()) } td.num { (k) } } } }
            }
            @if sees_cases && !overdue.is_empty() {
                h2 { (crate::i18n::tr(user.lang, "Hồ sơ quá hạn")) " (" (overdue.len()) ")" }
                @if overdue.iter().any(|c| c.assignee.as_deref() == Some(me)) {
                    p.error role="note" { (crate::i18n::tr(user.lang, "Có hồ sơ giao cho bạn đã quá hạn xử lý.")) }
                }
                (crate::cases::case_table(&overdue, user.lang))
            }
            @if let Some(t) = times.as_ref().filter(|t| t.opened > 0) {
                p.note {
                    (t.opened) " hồ sơ mở trong tháng; đến hành động đầu tiên (trung vị): "
                    (t.median_hours_to_first_action.map_or("—".into(), |h| format!("{h:.1} giờ")))
                    "; đến khi đóng: "
                    (t.median_hours_to_close.map_or("—".into(), |h| format!("{h:.1} giờ")))
                    " (" (t.closed_within_deadline) " đúng hạn, " (t.closed_late) " trễ hạn)."
                }
            }
            @if sees_cases {
                h2 { (crate::i18n::tr(user.lang, "Hồ sơ gần đây")) }
                @if recent.is_empty() { p.note { "Chưa có hồ sơ." } } @else { (crate::cases::case_table(&recent, user.lang)) }
            }
            h2 { (crate::i18n::tr(user.lang, "Bài đăng có dấu hiệu trong tháng, theo loại")) }
            table {
                tr { th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Số bài")) } }
                @for c in domain::Category::ALL {
                    tr { td { (c.label_vi()) } td.num { (flagged(*c)) } }
                }
            }
        },
    )
    .into_response()
}
