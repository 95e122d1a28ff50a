//! One page, channel or group of the register in the browser: its detail (names and sizes over
//! time, the members who declared it — a view of personal data, audited with its purpose — and
//! the signals on its posts), and the forms that add one, edit, classify it or mark it as a
//! unit's official channel. Through `app` (`App::page_detail`, `App::save_page`, which writes
//! with `Store::import_communities`), so a form follows the same rules as a spreadsheet row
//! (name history, size snapshots, audit event). A unit admin sees and edits only its unit's
//! subtree; ids of other units' pages are refused.

use crate::AppState;
use crate::auth::{SignedIn, forbidden};
use crate::pages::{error_page, in_scope, internal, page, visible_units};
use crate::require::{Require, Submitted, has_csrf, need};
// Why a participant list is shown (recorded with the view in the audit log).
use app::register::PARTICIPANTS_PURPOSE as PURPOSE;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{
    CanonicalUrl, Classification, Community, CommunityId, CommunityKey, CommunityRecord, Kind,
    Permission, Platform, Status,
};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

/// Signals shown on a community's page.
const SIGNALS_SHOWN: u32 = 30;

/// The names of the units a scope covers (every unit when there is no scope): what the unit
/// fields of a form offer.
fn unit_names(
    units: &[domain::Unit],
    scope: &Option<std::collections::HashSet<String>>,
) -> Vec<String> {
    units
        .iter()
        .filter(|u| scope.as_ref().is_none_or(|names| names.contains(&u.name)))
        .map(|u| u.name.clone())
        .collect()
}

/// A community the user may see, with the user's unit scope and the units it covers.
struct Visible {
    community: Community,
    scope: Option<std::collections::HashSet<String>>,
    units: Vec<String>,
}

/// The community if it exists and the user may see it: 404 when it does not exist, 403 when it
/// belongs to another unit.
async fn visible(state: &Arc<AppState>, user: &SignedIn, id: i64) -> Result<Visible, Response> {
    if !user.session.user.can(Permission::ViewRegister) {
        return Err(forbidden());
    }
    let snap = state.snapshot().await.map_err(internal)?;
    let scope = visible_units(&snap.units, &user.session.user);
    let Some(c) = snap.communities.iter().find(|c| c.id.0 == id) else {
        return Err(error_page(
            StatusCode::NOT_FOUND,
            "Không có trang, kênh, nhóm này.",
        ));
    };
    if !in_scope(c, &scope) {
        return Err(forbidden());
    }
    Ok(Visible {
        community: c.clone(),
        units: unit_names(&snap.units, &scope),
        scope,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    Path(id): Path<i64>,
) -> Response {
    let Visible {
        community: c,
        units,
        ..
    } = match visible(&state, &user, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let actor = crate::actor(&user.session.user);
    let cid = c.id;
    // The store's page (the snapshot's may be seconds old); participants' names only for a
    // role that sees people, each view audited.
    let sees_people = user.session.user.can(Permission::ViewPeople);
    let app::register::PageDetail {
        community: c,
        names,
        sizes,
        signals,
        people,
    } = match state
        .use_case(move |app| app.page_detail(&actor, cid, SIGNALS_SHOWN))
        .await
    {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let edit = user.session.user.can(Permission::EditRegister);
    let csrf = user.session.csrf.clone();
    page(
        &c.name,
        Some(&user),
        html! {
            p.note { a href="/so-dang-ky" { (crate::i18n::tr(user.lang, "← Sổ đăng ký")) } }
            h1 { (c.name) }
            dl.facts {
                dt { (crate::i18n::tr(user.lang, "Nền tảng")) } dd { (c.platform.label_vi()) " — " (c.kind.label_vi()) }
                dt { (crate::i18n::tr(user.lang, "Đường dẫn")) } dd { (c.url.as_deref().unwrap_or("(nhóm không có đường dẫn công khai)")) }
                dt { (crate::i18n::tr(user.lang, "Đơn vị")) } dd { (c.unit.as_deref().unwrap_or("—")) }
                dt { (crate::i18n::tr(user.lang, "Phân loại")) } dd { (c.classification.label_vi()) @if let Some(o) = &c.official_of { " của " (o) } }
                dt { (crate::i18n::tr(user.lang, "Tình trạng")) } dd { span class=(format!("badge {}", c.status.as_str())) { (c.status.label_vi()) } }
                dt { (crate::i18n::tr(user.lang, "Thành viên")) } dd { (c.members.map_or("—".to_owned(), |m| text::thousands(m as i64))) }
                @if let Some(n) = &c.note { dt { (crate::i18n::tr(user.lang, "Ghi chú")) } dd { (n) } }
            }
            @if edit {
                h2 { (crate::i18n::tr(user.lang, "Sửa, phân loại, đánh dấu kênh chính thức")) }
                form.stack method="post" action=(format!("/so-dang-ky/{id}")) {
                    input type="hidden" name="csrf" value=(csrf);
                    (fields(Some(&c), &units, user.lang))
                    p { button type="submit" { (crate::i18n::tr(user.lang, "Lưu")) } }
                }
            }
            h2 { (crate::i18n::tr(user.lang, "Lịch sử tên")) }
            @if names.is_empty() { p.note { "Chưa đổi tên." } } @else {
                table { tr { th { (crate::i18n::tr(user.lang, "Thời điểm")) } th { (crate::i18n::tr(user.lang, "Tên cũ")) } th { (crate::i18n::tr(user.lang, "Tên mới")) } }
                    @for (at, old, new) in &names { tr { td { (crate::cases::vn_time(at)) } td { (old) } td { (new) } } } }
            }
            h2 { (crate::i18n::tr(user.lang, "Số thành viên theo thời gian")) }
            @if sizes.is_empty() { p.note { "Chưa có số liệu." } } @else {
                table { tr { th { (crate::i18n::tr(user.lang, "Thời điểm")) } th { (crate::i18n::tr(user.lang, "Thành viên")) } }
                    @for s in &sizes { tr { td { (crate::cases::vn_time(&s.at)) } td.num { (text::thousands(s.members as i64)) } } } }
            }
            @if sees_people {
                h2 { "Cán bộ, đảng viên kê khai tham gia (" (people.len()) ")" }
                @if people.is_empty() { p.note { "Chưa ai kê khai trang này." } } @else {
                    p.note { "Việc xem danh sách này được ghi vào nhật ký (mục đích: " (PURPOSE) ")." }
                    table { tr { th { (crate::i18n::tr(user.lang, "Họ tên")) } th { (crate::i18n::tr(user.lang, "Chức vụ")) } th { (crate::i18n::tr(user.lang, "Vai trò")) } th { (crate::i18n::tr(user.lang, "Nguồn")) } }
                        @for (name, position, p) in &people {
                            tr { td { (name) } td { (position.as_deref().unwrap_or("")) } td { (p.role.label_vi()) } td { (p.source.label_vi()) } }
                        } }
                }
            }
            h2 { (crate::i18n::tr(user.lang, "Dấu hiệu trên bài đăng (mới nhất)")) }
            @if signals.is_empty() { p.note { "Không có dấu hiệu nào." } } @else {
                table { tr { th { (crate::i18n::tr(user.lang, "Bài")) } th { (crate::i18n::tr(user.lang, "Thời gian")) } th { (crate::i18n::tr(user.lang, "Loại")) } th { (crate::i18n::tr(user.lang, "Căn cứ")) } }
                    @for (source, at, s) in &signals {
                        tr {
                            td { (source) }
                            td { (crate::cases::vn_time(at)) }
                            td { (s.category.label_vi()) @if s.shadow { " " span.note { "(thử nghiệm)" } } }
                            td { (s.explanation) }
                        }
                    } }
            }
        },
    )
    .into_response()
}

/// The form fields shared by "new" and "edit".
fn fields(c: Option<&Community>, units: &[String], lang: crate::i18n::Lang) -> maud::Markup {
    let kind = c.map_or(Kind::Page, |c| c.kind);
    let status = c.map_or(Status::Unknown, |c| c.status);
    let class = c.map_or(Classification::Unknown, |c| c.classification);
    let unit = c.and_then(|c| c.unit.as_deref()).unwrap_or("");
    let official = c.and_then(|c| c.official_of.as_deref()).unwrap_or("");
    html! {
        @if c.is_none() {
            label for="url" { (crate::i18n::tr(lang, "Đường dẫn (để trống nếu nhóm không có đường dẫn công khai)")) }
            input id="url" name="url" placeholder="https://www.facebook.com/…";
            label for="platform" { (crate::i18n::tr(lang, "Nền tảng (khi không có đường dẫn)")) }
            select id="platform" name="platform" {
                @for p in Platform::ALL { option value=(p.as_str()) { (p.label_vi()) } }
            }
        }
        label for="name" { (crate::i18n::tr(lang, "Tên")) }
        input id="name" name="name" required value=(c.map_or("", |c| c.name.as_str()));
        label for="kind" { (crate::i18n::tr(lang, "Loại")) }
        select id="kind" name="kind" { @for k in Kind::ALL { option value=(k.as_str()) selected[*k == kind] { (k.label_vi()) } } }
        label for="unit" { (crate::i18n::tr(lang, "Đơn vị quản lý")) }
        select id="unit" name="unit" {
            option value="" { "—" }
            @for u in units { option value=(u) selected[u == unit] { (u) } }
        }
        label for="classification" { (crate::i18n::tr(lang, "Phân loại")) }
        select id="classification" name="classification" { @for k in Classification::ALL { option value=(k.as_str()) selected[*k == class] { (k.label_vi()) } } }
        label for="official_of" { (crate::i18n::tr(lang, "Kênh chính thức của đơn vị (khi phân loại là chính thức)")) }
        select id="official_of" name="official_of" {
            option value="" { "—" }
            @for u in units { option value=(u) selected[u == official] { (u) } }
        }
        label for="status" { (crate::i18n::tr(lang, "Tình trạng")) }
        select id="status" name="status" { @for k in Status::ALL { option value=(k.as_str()) selected[*k == status] { (k.label_vi()) } } }
        label for="members" { (crate::i18n::tr(lang, "Số thành viên")) }
        input id="members" name="members" inputmode="numeric" value=(c.and_then(|c| c.members).map(|m| m.to_string()).unwrap_or_default());
        label for="note" { (crate::i18n::tr(lang, "Ghi chú")) }
        input id="note" name="note" value=(c.and_then(|c| c.note.as_deref()).unwrap_or(""));
    }
}

#[derive(Deserialize)]
pub struct CommunityForm {
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    platform: String,
    name: String,
    kind: String,
    #[serde(default)]
    unit: String,
    classification: String,
    #[serde(default)]
    official_of: String,
    status: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    note: String,
}

/// The form read into a record over `base`; a message says which field is wrong.
fn apply(
    f: &CommunityForm,
    mut r: CommunityRecord,
    scope: &Option<std::collections::HashSet<String>>,
) -> Result<CommunityRecord, String> {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    r.name = text::canonical(f.name.trim());
    if r.name.is_empty() {
        return Err("Cần ghi tên.".into());
    }
    r.kind = f
        .kind
        .parse()
        .map_err(|_| "Loại không hợp lệ.".to_owned())?;
    r.status = f
        .status
        .parse()
        .map_err(|_| "Tình trạng không hợp lệ.".to_owned())?;
    r.classification = f
        .classification
        .parse()
        .map_err(|_| "Phân loại không hợp lệ.".to_owned())?;
    r.unit = some(&f.unit);
    r.official_of = some(&f.official_of);
    if r.classification == Classification::Official && r.official_of.is_none() {
        return Err("Kênh chính thức cần ghi của đơn vị nào.".into());
    }
    if r.classification != Classification::Official {
        r.official_of = None;
    }
    // A unit admin writes only inside its unit's subtree (checked again by `app`).
    app::register::within_units(&r, scope)?;
    r.members = match f.members.trim() {
        "" => None,
        m => Some(
            m.replace(['.', ',', ' '], "")
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= ingest::numbers::MAX_MEMBERS)
                .ok_or_else(|| {
                    format!(
                        "Số thành viên «{m}» không phải là số từ 0 đến {}.",
                        text::thousands(ingest::numbers::MAX_MEMBERS as i64)
                    )
                })?,
        ),
    };
    r.note = some(&f.note);
    Ok(r)
}

pub async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
    Submitted(user, f, _): Submitted<need::EditRegister, CommunityForm>,
) -> Response {
    let Visible {
        community: c,
        scope,
        ..
    } = match visible(&state, &user, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let record = match apply(&f, CommunityRecord::from(&c), &scope) {
        Ok(r) => r,
        Err(m) => return error_page(StatusCode::BAD_REQUEST, &m),
    };
    save(&state, &user, record, Some(c.id)).await
}

async fn save(
    state: &Arc<AppState>,
    user: &SignedIn,
    record: CommunityRecord,
    existing: Option<CommunityId>,
) -> Response {
    let actor = crate::actor(&user.session.user);
    match state
        .changing(move |app| app.save_page(&actor, record, existing))
        .await
    {
        Ok(id) => Redirect::to(&format!("/so-dang-ky/{}", id.0)).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn new_form(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::EditRegister>,
) -> Response {
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let scope = visible_units(&snap.units, &user.session.user);
    let units = unit_names(&snap.units, &scope);
    page(
        "Thêm trang, kênh, nhóm",
        Some(&user),
        html! {
            p.note { a href="/so-dang-ky" { (crate::i18n::tr(user.lang, "← Sổ đăng ký")) } }
            h1 { (crate::i18n::tr(user.lang, "Thêm trang, kênh, nhóm")) }
            form.stack method="post" action="/so-dang-ky/moi" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                (fields(None, &units, user.lang))
                p { button type="submit" { (crate::i18n::tr(user.lang, "Thêm vào sổ")) } }
            }
        },
    )
    .into_response()
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    Submitted(user, f, _): Submitted<need::EditRegister, CommunityForm>,
) -> Response {
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let scope = visible_units(&snap.units, &user.session.user);
    let (key, url, platform) = if f.url.trim().is_empty() {
        let Ok(platform) = f.platform.parse::<Platform>() else {
            return error_page(StatusCode::BAD_REQUEST, "Nền tảng không hợp lệ.");
        };
        let key = CommunityKey::named(platform, &f.name, &f.unit).to_string();
        (key, None, platform)
    } else {
        match CanonicalUrl::parse(f.url.trim()) {
            Ok(u) => (u.to_string(), Some(u.to_string()), u.platform()),
            Err(e) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    &format!("Đường dẫn «{}» không dùng được: {e}", f.url.trim()),
                );
            }
        }
    };
    let base = CommunityRecord {
        key,
        name: String::new(),
        url,
        platform,
        kind: Kind::Page,
        members: None,
        admins: None,
        unit: None,
        status: Status::Unknown,
        classification: Classification::Unknown,
        official_of: None,
        locality: None,
        note: None,
    };
    let record = match apply(&f, base, &scope) {
        Ok(r) => r,
        Err(m) => return error_page(StatusCode::BAD_REQUEST, &m),
    };
    save(&state, &user, record, None).await
}

has_csrf!(CommunityForm);
