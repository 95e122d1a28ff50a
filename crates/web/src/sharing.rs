//! `/chia-se`: indicators shared between offices, for a role that reads cases — how many the
//! office confirmed and received (by kind, in force, revoked), where each was seen (the offices
//! whose sightings name it and their post counts: a province's view of which communes met
//! what, in aggregate), the partners it exchanges with
//! over TAXII 2.1 (province, address, what their token may do, last pull and push, counts, the
//! last error), and for a role that triages an «exchange now» button (pull then push, as the
//! schedule does). Everything through `app::sharing` and `app::exchange`.

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{flash, page};
use crate::require::{Require, Submitted, need};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Permission;
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Province<need::ViewCases>>,
) -> Response {
    view(&state, &user, None).await
}

/// Every kind shared, in the order the page lists them.
const KINDS: [&str; 8] = [
    "url",
    "domain",
    "phone",
    "bank_account",
    "phone_hash",
    "bank_account_hash",
    "impostor",
    "factcheck",
];

fn kind_vi(kind: &str) -> &'static str {
    match kind {
        "url" => "Đường dẫn",
        "domain" => "Tên miền",
        "phone" => "Số điện thoại",
        "bank_account" => "Số tài khoản",
        "phone_hash" => "Số điện thoại (băm có khóa)",
        "bank_account_hash" => "Số tài khoản (băm có khóa)",
        "impostor" => "Trang giả mạo",
        "factcheck" => "Thông tin đã kiểm chứng",
        _ => "Khác",
    }
}

async fn view(state: &Arc<AppState>, user: &SignedIn, message: Option<(bool, String)>) -> Response {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let actor = crate::actor(&user.session.user);
    let triage = user.session.user.can(Permission::Triage);
    let got = state
        .use_case(move |app| {
            Ok((
                app.indicators(&actor)?,
                app.partners(&actor)?,
                app.sightings_overview(&actor)?,
            ))
        })
        .await;
    let (indicators, partners, sightings) = match got {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let now = app::now_utc();
    let in_force =
        |i: &domain::SharedIndicator| !i.revoked && i.valid_until.as_ref().is_none_or(|u| *u > now);
    let mut origins: Vec<(String, usize, usize)> = Vec::new();
    for i in indicators.iter().filter(|i| !i.local) {
        match origins.iter_mut().find(|o| o.0 == i.origin_name) {
            Some(o) => {
                o.1 += 1;
                o.2 += usize::from(in_force(i));
            }
            None => origins.push((i.origin_name.clone(), 1, usize::from(in_force(i)))),
        }
    }
    let body = page(
        "Chia sẻ chỉ báo",
        Some(user),
        html! {
            h1 { (t("Chia sẻ chỉ báo")) }
            p.note { (t("Đường dẫn, tên miền, số điện thoại và số tài khoản của đối tượng lừa đảo, trang giả mạo kênh chính thức và thông tin đã kiểm chứng do cán bộ xác nhận, trao đổi với các đơn vị khác theo STIX 2.1 qua TAXII 2.1. Không bao giờ chia sẻ bài viết, người viết, đảng viên hay số của nạn nhân.")) }
            (flash(&message))
            h2 { (t("Chỉ báo")) }
            table.queue {
                tr { th { (t("Loại")) } th { (t("Của đơn vị")) } th { (t("Nhận được")) } th { (t("Đang hiệu lực")) } th { (t("Đã thu hồi")) } }
                @for kind in KINDS {
                    @let of_kind: Vec<&domain::SharedIndicator> = indicators.iter().filter(|i| i.kind == kind).collect();
                    @if !of_kind.is_empty() {
                    tr {
                        td data-label=(t("Loại")) { (kind_vi(kind)) }
                        td data-label=(t("Của đơn vị")) { (of_kind.iter().filter(|i| i.local).count()) }
                        td data-label=(t("Nhận được")) { (of_kind.iter().filter(|i| !i.local).count()) }
                        td data-label=(t("Đang hiệu lực")) { (of_kind.iter().filter(|i| in_force(i)).count()) }
                        td data-label=(t("Đã thu hồi")) { (of_kind.iter().filter(|i| i.revoked).count()) }
                    }
                    }
                }
                @if indicators.is_empty() { tr { td colspan="5" { (t("Chưa có chỉ báo nào.")) } } }
            }
            @if !origins.is_empty() {
                h2 { (t("Nhận từ")) }
                table.queue {
                    tr { th { (t("Đơn vị công bố")) } th { (t("Chỉ báo")) } th { (t("Đang hiệu lực")) } }
                    @for (name, all, live) in &origins {
                        tr {
                            td data-label=(t("Đơn vị công bố")) { (name) }
                            td data-label=(t("Chỉ báo")) { (all) }
                            td data-label=(t("Đang hiệu lực")) { (live) }
                        }
                    }
                }
            }
            h2 { (t("Nơi đã gặp")) }
            p.note { (t("Số bài đăng mỗi đơn vị đã gặp chỉ báo (đơn vị tự đếm và chia sẻ; không có bài viết, không có người viết).")) }
            table.queue {
                tr { th { (t("Chỉ báo")) } th { (t("Đơn vị công bố")) } th { (t("Số đơn vị đã gặp")) } th { (t("Số bài")) } th { (t("Đơn vị (số bài)")) } }
                @for r in &sightings {
                    tr {
                        td data-label=(t("Chỉ báo")) { (kind_vi(&r.kind)) ": " (r.value) }
                        td data-label=(t("Đơn vị công bố")) { (r.origin) }
                        td data-label=(t("Số đơn vị đã gặp")) { (r.offices.len()) }
                        td data-label=(t("Số bài")) { (r.posts) }
                        td data-label=(t("Đơn vị (số bài)")) {
                            (r.offices.iter().map(|(o, n)| format!("{o} ({n})")).collect::<Vec<_>>().join(", "))
                        }
                    }
                }
                @if sightings.is_empty() { tr { td colspan="5" { (t("Chưa đơn vị nào gặp các chỉ báo này trong bài đăng.")) } } }
            }
            h2 { (t("Đối tác trao đổi")) }
            table.queue {
                tr { th { (t("Đối tác")) } th { (t("Tỉnh")) } th { (t("Địa chỉ TAXII")) } th { (t("Mã cấp cho đối tác")) } th { (t("Lần lấy cuối")) } th { (t("Lần gửi cuối")) } th { (t("Đã lấy / đã gửi")) } th { (t("Lỗi")) } }
                @for p in &partners {
                    tr {
                        td data-label=(t("Đối tác")) { (p.name) }
                        td data-label=(t("Tỉnh")) { (p.province) }
                        td data-label=(t("Địa chỉ TAXII")) { (p.url.as_deref().unwrap_or("—")) }
                        td data-label=(t("Mã cấp cho đối tác")) {
                            @match (p.can_read, p.can_write) {
                                (true, true) => { (t("đọc và gửi")) }
                                (true, false) => { (t("đọc")) }
                                (false, true) => { (t("gửi")) }
                                _ => { "—" }
                            }
                        }
                        td data-label=(t("Lần lấy cuối")) { (p.last_pull.as_deref().map(crate::cases::vn_time).unwrap_or_else(|| "—".into())) }
                        td data-label=(t("Lần gửi cuối")) { (p.last_push.as_deref().map(crate::cases::vn_time).unwrap_or_else(|| "—".into())) }
                        td data-label=(t("Đã lấy / đã gửi")) { (p.pulled) " / " (p.pushed) }
                        td data-label=(t("Lỗi")) { (p.last_error.as_deref().unwrap_or("")) }
                    }
                }
                @if partners.is_empty() { tr { td colspan="8" { (t("Chưa có đối tác. Quản trị viên thêm bằng lệnh: sokenh share partner add --name … --province … --url … --token-file …")) } } }
            }
            @if triage && partners.iter().any(|p| p.url.is_some()) {
                form method="post" action="/chia-se/trao-doi" {
                    input type="hidden" name="csrf" value=(user.session.csrf);
                    p { button type="submit" { (t("Trao đổi ngay (lấy rồi gửi)")) } }
                }
            }
        },
    );
    (StatusCode::OK, body).into_response()
}

#[derive(Deserialize)]
pub struct ExchangeForm {
    csrf: String,
}
crate::require::has_csrf!(ExchangeForm);

/// `POST /chia-se/trao-doi`: pull from, then push to, every partner with an address.
pub async fn exchange(
    State(state): State<Arc<AppState>>,
    Submitted(user, _, _): Submitted<need::Province<need::Triage>, ExchangeForm>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    let done = state
        .use_case(move |app| {
            let pulled = app.pull(&actor, None)?;
            let pushed = app.push(&actor, None)?;
            Ok((pulled, pushed))
        })
        .await;
    let message = match done {
        Ok((pulled, pushed)) => {
            state.changed().await;
            let failed: Vec<String> = pulled
                .iter()
                .chain(&pushed)
                .filter_map(|e| e.error.as_ref().map(|err| format!("{}: {err}", e.partner)))
                .collect();
            if failed.is_empty() {
                let got: u64 = pulled.iter().map(|e| e.added + e.updated + e.revoked).sum();
                let sent: u64 = pushed.iter().map(|e| e.added).sum();
                (
                    true,
                    format!("Đã trao đổi: nhận {got} thay đổi, đối tác nhận {sent} đối tượng."),
                )
            } else {
                (false, format!("Trao đổi chưa thành: {}", failed.join("; ")))
            }
        }
        Err(e) => (false, e.0.message),
    };
    view(&state, &user, Some(message)).await
}
