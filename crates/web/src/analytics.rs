//! Analytics in the browser (`/phan-tich`): a period and a unit; posts by day with the spikes
//! marked and next week's forecast band as an SVG chart with its table beside it, posts by
//! platform, flagged posts by category, the period's key phrases, and the claims and scams that
//! spread. Computed by `app` (the same use case as `GET /api/v1/analytics`), aggregates only,
//! counts under five withheld.

use crate::AppState;
use crate::pages::{page, thousands, vietnam_today};
use crate::require::{Require, need};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct AnalyticsQuery {
    #[serde(default)]
    ky: String,
    #[serde(default, rename = "don-vi")]
    don_vi: String,
}

/// A count as shown: itself, or "< 5" when withheld.
fn shown(n: Option<u64>) -> String {
    n.map_or_else(|| "< 5".to_owned(), thousands)
}

/// `GET /phan-tich?ky=2026-11&don-vi=3`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::ViewDetection>,
    Query(q): Query<AnalyticsQuery>,
) -> Response {
    let code = match q.ky.trim() {
        "" => vietnam_today().format("%Y-%m").to_string(),
        c => c.to_owned(),
    };
    let unit = q.don_vi.trim().parse::<i64>().ok();
    let actor = crate::actor(&user.session.user);
    let a = match state.analytics(actor, &code, unit).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let units = match state.snapshot().await {
        Ok(s) => s.units.clone(),
        Err(e) => return crate::pages::internal(e),
    };
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let labels: Vec<String> = a.days.iter().map(|d| d.date[5..].to_owned()).collect();
    let values: Vec<f64> = a.days.iter().map(|d| d.posts.unwrap_or(0) as f64).collect();
    let marked: Vec<usize> = a
        .spikes
        .iter()
        .filter(|s| s.series == "posts")
        .filter_map(|s| a.days.iter().position(|d| d.date == s.at))
        .collect();
    let band: Vec<(f64, f64, f64)> = a
        .forecast
        .iter()
        .map(|f| (f.value, f.low, f.high))
        .collect();
    let chart = analytics::svg::line(t("Bài đăng theo ngày"), &labels, &values, &marked, &band);
    let category = |c: &str| {
        domain::Category::parse_word(c).map_or_else(|| c.to_owned(), |c| c.label_vi().to_owned())
    };
    page(
        "Phân tích",
        Some(&user),
        html! {
            h1 { (t("Phân tích")) }
            form.inline method="get" action="/phan-tich" {
                div { label for="ky" { (t("Kỳ (2026-11, 2026-Q4 hoặc 2026)")) } input id="ky" name="ky" value=(code) required; }
                div {
                    label for="don-vi" { (t("Đơn vị")) }
                    select id="don-vi" name="don-vi" {
                        option value="" { (t("Tất cả đơn vị")) }
                        @for u in &units {
                            option value=(u.id.0) selected[unit == Some(u.id.0)] { (u.name) }
                        }
                    }
                }
                div { button type="submit" { (t("Xem")) } }
            }
            h2 { (crate::pages::capitalised(&a.label)) @if let Some(u) = &a.unit { " · " (u) } }
            p.note { (t("Chỉ số liệu tổng hợp; số dưới 5 được ẩn (< 5) như trong báo cáo, và vẽ bằng 0 trên biểu đồ.")) }
            figure.chart { (PreEscaped(chart)) }
            details {
                summary { (t("Bảng số liệu theo ngày")) }
                table {
                    tr { th { (t("Ngày")) } th.num { (t("Bài đăng")) } th.num { (t("Bài có dấu hiệu")) } }
                    @for d in &a.days {
                        tr { td { (d.date) } td.num { (shown(d.posts)) } td.num { (shown(d.flagged)) } }
                    }
                }
            }
            h2 { (t("Đột biến")) }
            @if a.spikes.is_empty() {
                p { (t("Không có đột biến trong kỳ.")) }
            } @else {
                table {
                    tr { th { (t("Chuỗi")) } th { (t("Ngày")) } th.num { (t("Giá trị")) } th.num { (t("Mức thường")) } th.num { (t("Độ lệch")) } }
                    @for s in &a.spikes {
                        tr {
                            td { @if s.series == "posts" { (t("Bài đăng")) } @else { (category(s.series.trim_start_matches("category:"))) } }
                            td { (s.at) } td.num { (s.value) } td.num { (format!("{:.1}", s.baseline)) } td.num { (format!("{:.1}", s.score)) }
                        }
                    }
                }
            }
            h2 { (t("Dự báo 7 ngày tới")) }
            @if a.forecast.is_empty() {
                p { (t("Chưa đủ số liệu để dự báo (cần ít nhất hai tuần).")) }
            } @else {
                table {
                    tr { th { (t("Ngày")) } th.num { (t("Dự báo")) } th.num { (t("Khoảng thấp")) } th.num { (t("Khoảng cao")) } }
                    @for f in &a.forecast {
                        tr { td { (f.date) } td.num { (format!("{:.0}", f.value)) } td.num { (format!("{:.0}", f.low)) } td.num { (format!("{:.0}", f.high)) } }
                    }
                }
            }
            h2 { (t("Chủ đề nổi lên so với kỳ trước")) }
            @if a.topics.is_empty() {
                p { (t("Không có cụm từ nào nổi lên rõ rệt.")) }
            } @else {
                table {
                    tr { th { (t("Cụm từ")) } th.num { (t("Số bài")) } th.num { (t("Mức nổi (G²)")) } }
                    @for p in &a.topics {
                        tr { td { (p.phrase) } td.num { (thousands(p.posts)) } td.num { (format!("{:.1}", p.score)) } }
                    }
                }
            }
            h2 { (t("Theo nền tảng")) }
            table {
                tr { th { (t("Nền tảng")) } th.num { (t("Bài đăng")) } }
                @for c in &a.by_platform {
                    tr { td { (domain::Platform::parse_word(&c.key).map_or(c.key.as_str(), |p| p.label_vi())) } td.num { (shown(c.count)) } }
                }
            }
            h2 { (t("Bài có dấu hiệu theo loại")) }
            @if a.flagged_by_category.is_empty() {
                p { (t("Không có bài nào có dấu hiệu trong kỳ.")) }
            } @else {
                table {
                    tr { th { (t("Loại")) } th.num { (t("Bài")) } }
                    @for c in &a.flagged_by_category {
                        tr { td { (category(&c.key)) } td.num { (shown(c.count)) } }
                    }
                }
            }
            h2 { (t("Phản hồi trên kênh chính thức")) }
            @let fb = &a.channel_feedback;
            p {
                (fb.comments) " " (t("bình luận của người dân")) ", "
                (fb.answered) " " (t("được kênh trả lời"))
                @if let Some(share) = fb.answered_share { " (" (format!("{:.0}", share * 100.0)) "%)" }
                "."
            }
            @if !fb.most_discussed.is_empty() {
                table {
                    tr { th { (t("Bài được bàn nhiều")) } th.num { (t("Bình luận")) } }
                    @for d in &fb.most_discussed {
                        tr { td { (d.text) } td.num { (d.comments) } }
                    }
                }
            }
            @if fb.comments > 0 {
                details {
                    summary { (t("Bình luận của người dân theo ngày")) }
                    table {
                        tr { th { (t("Ngày")) } th.num { (t("Bình luận")) } }
                        @for (day, n) in &fb.per_day {
                            tr { td { (day) } td.num { (shown(*n)) } }
                        }
                    }
                }
            }
            h2 { (t("Nội dung lan rộng")) }
            @if a.spreading.is_empty() {
                p { (t("Không có nội dung sai sự thật hay lừa đảo nào lan qua nhiều trang, nhóm.")) }
            } @else {
                table {
                    tr { th { (t("Từ")) } th { (t("Loại")) } th { (t("Nội dung")) } th.num { (t("Trang, nhóm")) } th.num { (t("Bài")) } }
                    @for s in &a.spreading {
                        tr { td { (s.first_at.get(..10).unwrap_or(&s.first_at)) } td { (category(&s.category)) } td { (s.reference) } td.num { (s.communities) } td.num { (s.items.len()) } }
                    }
                }
            }
        },
    )
    .into_response()
}
