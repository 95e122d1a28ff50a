//! `/tinh`: the province's overview for its roles — every commune of a province database in
//! counts (pages in its register, members, how many declared and signed, posts of the last 30
//! days, open and overdue cases), never a person (`app::App::province_overview`). A commune's
//! own database has no other commune, and says so.

use crate::AppState;
use crate::pages::{page, thousands};
use crate::require::{Require, need};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use std::sync::Arc;

pub async fn overview(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::ViewCases>>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let o = match state
        .use_case(move |app| app.province_overview(&actor, chrono::Utc::now()))
        .await
    {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    let lang = user.lang;
    let tr = |s: &'static str| crate::i18n::tr(lang, s);
    let share = |part: u64, whole: u64| match whole {
        0 => "—".to_owned(),
        w => format!("{} ({}%)", part, part * 100 / w),
    };
    let sum = |f: fn(&store::TenantFigures) -> u64| o.communes.iter().map(f).sum::<u64>();
    let (members, declared, signed) = (sum(|c| c.members), sum(|c| c.declared), sum(|c| c.signed));
    page(
        "Toàn tỉnh",
        Some(&user),
        html! {
            h1 { (tr("Toàn tỉnh theo xã, phường")) }
            @if o.communes.is_empty() {
                p.note { (tr("Cơ sở dữ liệu này là của một xã: chưa có xã, phường nào khác để tổng hợp. Khi các xã được chuyển vào cơ sở dữ liệu của tỉnh (sokenh migrate), trang này tổng hợp từng xã.")) }
            } @else {
                p.note { (tr("Chỉ có số đếm, không có thông tin về từng người. Bài đăng: 30 ngày qua.")) }
                table.queue {
                    tr {
                        th { (tr("Xã, phường")) } th { (tr("Trang, kênh, nhóm")) } th { (tr("Cán bộ")) }
                        th { (tr("Đã kê khai")) } th { (tr("Đã ký cam kết")) } th { (tr("Bài đăng")) }
                        th { (tr("Hồ sơ đang xử lý")) } th { (tr("Quá hạn")) }
                    }
                    @for c in &o.communes {
                        tr {
                            td { (c.name) " " small { code { (c.code) } } }
                            td.num data-label=(tr("Trang, kênh, nhóm")) { (thousands(c.pages)) }
                            td.num data-label=(tr("Cán bộ")) { (thousands(c.members)) }
                            td.num data-label=(tr("Đã kê khai")) { (share(c.declared, c.members)) }
                            td.num data-label=(tr("Đã ký cam kết")) { (share(c.signed, c.members)) }
                            td.num data-label=(tr("Bài đăng")) { (thousands(c.posts)) }
                            td.num data-label=(tr("Hồ sơ đang xử lý")) { (c.open_cases) }
                            td.num data-label=(tr("Quá hạn")) { (c.overdue_cases) }
                        }
                    }
                    tr {
                        td { strong { (tr("Cả tỉnh")) " (" (o.communes.len()) ")" } }
                        td.num data-label=(tr("Trang, kênh, nhóm")) { (thousands(sum(|c| c.pages))) }
                        td.num data-label=(tr("Cán bộ")) { (thousands(members)) }
                        td.num data-label=(tr("Đã kê khai")) { (share(declared, members)) }
                        td.num data-label=(tr("Đã ký cam kết")) { (share(signed, members)) }
                        td.num data-label=(tr("Bài đăng")) { (thousands(sum(|c| c.posts))) }
                        td.num data-label=(tr("Hồ sơ đang xử lý")) { (sum(|c| c.open_cases)) }
                        td.num data-label=(tr("Quá hạn")) { (sum(|c| c.overdue_cases)) }
                    }
                }
            }
        },
    )
    .into_response()
}
