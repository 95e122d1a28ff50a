//! The JSON API under `/api/v1`: the same resources and the same rules as the pages — role and
//! unit scope, personal data only with a stated purpose (audited) — for a signed-in session or
//! an API token (`Authorization: Bearer sk_…`, kept as its SHA-256, scoped to a role and a
//! unit). Anonymous requests get 401. The OpenAPI document is generated from this module by
//! utoipa and served at `/api/v1/openapi.json`; the `*Doc` types describe the JSON the handlers
//! return (a test compares them with real answers, so they cannot drift apart).

use crate::AppState;
use crate::auth::COOKIE;
use crate::pages::{in_scope, visible_units};
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::{Permission, User};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Who is calling the API.
pub struct Caller {
    /// The username, or `token:<name>`.
    pub name: String,
    pub user: User,
    /// A signed-in session's CSRF token (None for an API token): what a form posted with the
    /// session's cookie must carry.
    csrf: Option<String>,
    /// The sharing partner whose token this is (it opens the TAXII server only).
    pub partner: Option<domain::SharePartner>,
}

impl Caller {
    /// The caller as a use case's actor, named as the audit log records it.
    pub(crate) fn actor(&self) -> app::Actor {
        app::Actor {
            name: self.name.clone(),
            ..crate::actor(&self.user)
        }
    }
}

/// A use case's refusal as the API answers it: its status and message as JSON; an internal
/// error logged with a reference.
fn refused_by_app(e: crate::AppError) -> Response {
    match e.0.kind {
        app::ErrorKind::Internal => failed(anyhow::anyhow!("{}", e.0)),
        _ => error(e.status(), &e.0.message),
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

pub use app::accounts::{new_token, token_sha256};

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            // `Bearer`, and `Token` as the TAXII client library (taxii2-client's `TokenAuth`) sends it.
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("Token "))
            })
            .map(str::trim)
            .map(str::to_owned);
        if let Some(token) = bearer {
            let sha = token_sha256(&token);
            let found = state
                .with_store(move |s| {
                    let Some(t) = s.token_by_hash(&sha)? else {
                        return Ok(None);
                    };
                    // Only a partner's token (named so when it was issued) is looked up as one.
                    let partner = if t.name.starts_with("partner:") {
                        s.partner_by_token(t.id)?
                    } else {
                        None
                    };
                    Ok(Some((t, partner)))
                })
                .await
                .map_err(crate::pages::internal)?;
            let taxii = parts.uri.path().starts_with("/taxii2/");
            return match found {
                Some((_, Some(_))) if !taxii => Err(error(
                    StatusCode::FORBIDDEN,
                    "a sharing partner's token opens the TAXII server (/taxii2/) only",
                )),
                Some((t, partner)) => Ok(Caller {
                    partner,
                    name: format!("token:{}", t.name),
                    user: User {
                        id: 0,
                        username: format!("token:{}", t.name),
                        role: t.role,
                        unit: t.unit,
                        member: None,
                        must_change: false,
                        disabled_at: None,
                        commune: t.commune,
                    },
                    csrf: None,
                }),
                None => Err(error(
                    StatusCode::UNAUTHORIZED,
                    "invalid, revoked or expired token",
                )),
            };
        }
        let has_cookie = parts
            .headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(COOKIE));
        if has_cookie
            && let Ok(signed) = crate::auth::SignedIn::from_request_parts(parts, state).await
            && !signed.session.user.must_change
        {
            return Ok(Caller {
                partner: None,
                name: signed.session.user.username.clone(),
                csrf: Some(signed.session.csrf.clone()),
                user: signed.session.user,
            });
        }
        Err(error(
            StatusCode::UNAUTHORIZED,
            "sign in or send an API token (Authorization: Bearer …)",
        ))
    }
}

/// The refusal, if the caller's role may not read this.
fn refusal(caller: &Caller, needs: Permission) -> Option<Response> {
    (!caller.user.can(needs)).then(|| error(StatusCode::FORBIDDEN, "forbidden for this role"))
}

fn failed(e: anyhow::Error) -> Response {
    let reference = crate::reference();
    app::log::event(
        app::log::Level::Error,
        "api.internal",
        &[("ref", &reference), ("detail", &format!("{e:#}"))],
    );
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("internal error (reference {reference})"),
    )
}

// ---- documentation types -----------------------------------------------------------------------

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UnitDoc {
    id: i64,
    name: String,
    parent: Option<i64>,
    /// GSO ward code.
    locality_code: Option<u32>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MemberDoc {
    id: i64,
    unit: i64,
    full_name: String,
    position: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CommunityDoc {
    id: i64,
    key: String,
    name: String,
    url: Option<String>,
    /// facebook, zalo, youtube, tiktok, telegram, website, other.
    platform: String,
    kind: String,
    members: Option<u64>,
    admins: Option<String>,
    unit: Option<String>,
    status: String,
    classification: String,
    official_of: Option<String>,
    locality: Option<String>,
    note: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MetricsDoc {
    reactions: Option<u64>,
    comments: Option<u64>,
    shares: Option<u64>,
    views: Option<u64>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MediaDoc {
    reference: String,
    sha256: Option<String>,
}

/// A public post. Authors are keyed pseudonyms; a raw handle only for a member's declared account.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ItemDoc {
    id: i64,
    source_id: String,
    platform: String,
    community_id: i64,
    community_url: Option<String>,
    published_at: String,
    text: String,
    url: Option<String>,
    author_pseudonym: Option<String>,
    author_handle: Option<String>,
    metrics: MetricsDoc,
    media: Vec<MediaDoc>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SignalDoc {
    /// The item's own source id.
    source_id: String,
    item_id: i64,
    category: String,
    score: f32,
    explanation: String,
    /// JSON array of evidence spans (personal data masked).
    evidence: String,
    detector: String,
    reference: String,
    version: String,
    shadow: bool,
    role: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AlertDoc {
    id: i64,
    category: String,
    severity: String,
    score: f32,
    item_ids: Vec<String>,
    count: u64,
    first_at: String,
    last_at: String,
    explanation: String,
    status: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CaseDoc {
    id: i64,
    title: String,
    category: String,
    /// open, in_progress, closed.
    status: String,
    assignee: Option<String>,
    community: Option<i64>,
    alert_ids: Vec<i64>,
    outcome: Option<String>,
    opened_by: String,
    opened_at: String,
    updated_at: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FactCheckDoc {
    id: String,
    claim: String,
    verdict: String,
    correction: String,
    source_url: String,
    date: Option<String>,
    variants: Vec<String>,
    media_hashes: Vec<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDoc {
    error: String,
}

// ---- handlers ----------------------------------------------------------------------------------

/// The units.
#[utoipa::path(get, path = "/api/v1/units", tag = "register",
    responses((status = 200, body = Vec<UnitDoc>), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn units(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewRegister) {
        return r;
    }
    match state.snapshot().await {
        // A commune's account: its commune's units (the others are the other communes').
        Ok(s) => match app::register::commune_units(&s.units, caller.user.commune) {
            Some(names) => {
                let own: Vec<&domain::Unit> =
                    s.units.iter().filter(|u| names.contains(&u.name)).collect();
                Json(own).into_response()
            }
            None => Json(&s.units).into_response(),
        },
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PurposeQuery {
    /// Why the list is needed; recorded with the view in the audit log. Required.
    #[serde(default)]
    purpose: String,
}

/// Members (personal data): in the caller's unit scope, with a stated purpose, audited.
#[utoipa::path(get, path = "/api/v1/members", tag = "register", params(PurposeQuery),
    responses((status = 200, body = Vec<MemberDoc>), (status = 400, body = ErrorDoc), (status = 401, body = ErrorDoc), (status = 403, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn members(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<PurposeQuery>,
) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewPeople) {
        return r;
    }
    let actor = caller.actor();
    let purpose = q.purpose.clone();
    match state
        .use_case(move |app| app.members_seen(&actor, &purpose, "api"))
        .await
    {
        Ok(m) => Json(m).into_response(),
        Err(crate::AppError(e)) if matches!(e.kind, app::ErrorKind::Invalid { .. }) => {
            error(StatusCode::BAD_REQUEST, &e.message)
        }
        Err(e) => refused_by_app(e),
    }
}

/// The register: pages, channels and groups in the caller's unit scope.
#[utoipa::path(get, path = "/api/v1/communities", tag = "register",
    responses((status = 200, body = Vec<CommunityDoc>), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn communities(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewRegister) {
        return r;
    }
    match state.snapshot().await {
        Ok(snap) => {
            let scope = visible_units(&snap.units, &caller.user);
            let shown: Vec<&domain::Community> = snap
                .communities
                .iter()
                .filter(|c| in_scope(c, &scope))
                .collect();
            Json(shown).into_response()
        }
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// Items with a store id greater than this (0 to start).
    #[serde(default)]
    after: i64,
    /// At most this many (1–1000, default 100).
    #[serde(default = "hundred")]
    limit: u32,
}

fn hundred() -> u32 {
    100
}

/// Public posts by store id, a page at a time (`after` = the last id of the previous page).
#[utoipa::path(get, path = "/api/v1/items", tag = "posts", params(PageQuery),
    responses((status = 200, body = Vec<ItemDoc>), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn items(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> Response {
    if let Some(r) = refusal(&caller, Permission::SearchPosts) {
        return r;
    }
    let actor = caller.actor();
    let (after, limit) = (q.after, q.limit.clamp(1, 1000));
    match state
        .use_case(move |app| app.posts_after(&actor, after, limit))
        .await
    {
        Ok(items) => Json(items).into_response(),
        Err(e) => refused_by_app(e),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct CategoryQuery {
    /// scam, impersonation, secret_leak, personal_data, false_claim, ai_forgery, threat.
    #[serde(default)]
    category: String,
}

/// Signals (detector findings), strongest first, each explaining itself.
#[utoipa::path(get, path = "/api/v1/signals", tag = "detection", params(CategoryQuery),
    responses((status = 200, body = Vec<SignalDoc>), (status = 400, body = ErrorDoc), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn signals(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<CategoryQuery>,
) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewDetection) {
        return r;
    }
    let category = if q.category.is_empty() {
        None
    } else {
        match q.category.parse::<domain::Category>() {
            Ok(c) => Some(c),
            Err(_) => return error(StatusCode::BAD_REQUEST, "unknown category"),
        }
    };
    let actor = caller.actor();
    match state
        .use_case(move |app| app.signals(&actor, category))
        .await
    {
        Ok(list) => {
            let out: Vec<Value> = list
                .into_iter()
                .map(|(source, sig)| {
                    let mut v = serde_json::to_value(sig).unwrap_or_default();
                    v["source_id"] = Value::String(source);
                    v
                })
                .collect();
            Json(out).into_response()
        }
        Err(e) => refused_by_app(e),
    }
}

/// Alerts, newest first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "detection",
    responses((status = 200, body = Vec<AlertDoc>), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn alerts(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewAlerts) {
        return r;
    }
    match state.snapshot().await {
        Ok(s) => {
            let reach = crate::pages::reach(&s, &caller.user);
            Json(
                s.alerts
                    .iter()
                    .rev()
                    .filter(|a| reach.has_alert_on(s.alert_pages.of(a.id)))
                    .collect::<Vec<_>>(),
            )
            .into_response()
        }
        Err(e) => failed(e),
    }
}

/// Cases, newest change first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    responses((status = 200, body = Vec<CaseDoc>), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn cases(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewCases) {
        return r;
    }
    match state.snapshot().await {
        Ok(s) => {
            let reach = crate::pages::reach(&s, &caller.user);
            let mut list: Vec<&domain::Case> =
                s.cases.iter().filter(|c| reach.has_case(c)).collect();
            list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
            Json(list).into_response()
        }
        Err(e) => failed(e),
    }
}

/// One case.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "case number")),
    responses((status = 200, body = CaseDoc), (status = 404, body = ErrorDoc), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn case(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewCases) {
        return r;
    }
    let actor = caller.actor();
    match state.use_case(move |app| app.case(&actor, id)).await {
        Ok(c) => Json(c).into_response(),
        Err(crate::AppError(e)) if e.kind == app::ErrorKind::NotFound => {
            error(StatusCode::NOT_FOUND, "no such case")
        }
        Err(e) => refused_by_app(e),
    }
}

/// The fact-check register.
#[utoipa::path(get, path = "/api/v1/factchecks", tag = "detection",
    responses((status = 200, body = Vec<FactCheckDoc>), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn factchecks(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewDetection) {
        return r;
    }
    let actor = caller.actor();
    match state.use_case(move |app| app.factchecks(&actor)).await {
        Ok(f) => Json(f).into_response(),
        Err(e) => refused_by_app(e),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// A month (2026-11), a quarter (2026-Q4) or a year (2026).
    // Missing reads as empty, so that the caller's permission is checked before the period is
    // (axum's `Query` runs before the handler): refused, or told the period is wanted.
    #[serde(default)]
    #[param(required = true)]
    period: String,
}

/// The first day of a period and the day after its last.
/// The periodic report's figures (the numbers the DOCX/XLSX/PDF report prints).
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(PeriodQuery),
    responses((status = 200, description = "the figures of the period, as the report computes them", body = Object), (status = 400, body = ErrorDoc), (status = 401, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn reports(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewDetection) {
        return r;
    }
    let Ok(period) = report::Period::parse(&q.period) else {
        return error(
            StatusCode::BAD_REQUEST,
            "period: a month (2026-11), a quarter (2026-Q4) or a year (2026)",
        );
    };
    let (from, to) = (period.from, period.to);
    let figures = state.figures.clone();
    let actor = caller.name.clone();
    let code = q.period.clone();
    let _turn = state.heavy_store.acquire().await;
    let result = state
        .with_store(move |s| {
            let f = figures(s, &period)?;
            s.record(
                &actor,
                "report.view",
                "report",
                json!({"period": code, "via": "api"}),
            )?;
            Ok(f)
        })
        .await;
    match result {
        Ok(f) => Json(json!({"period": q.period, "from": from.to_string(), "to": to.to_string(), "figures": f})).into_response(),
        Err(e) => failed(e),
    }
}

/// The periodic report as a file: `2026-11.docx`, `2026-Q4.xlsx` or `2026.pdf` (PDF 503 with the
/// reason where LibreOffice is not installed). Recorded in the audit log like a download.
#[utoipa::path(get, path = "/api/v1/reports/{file}", tag = "reports",
    params(("file" = String, Path, description = "period and format: 2026-11.docx, 2026-Q4.xlsx, 2026.pdf")),
    responses((status = 200, description = "the DOCX, XLSX or PDF file"), (status = 401, body = ErrorDoc), (status = 403, body = ErrorDoc), (status = 422, body = ErrorDoc), (status = 503, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn report_file(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    if let Some(r) = refusal(&caller, Permission::ViewDetection) {
        return r;
    }
    let user = domain::User {
        username: caller.name.clone(),
        ..caller.user.clone()
    };
    match crate::reports::made(&state, &user, &file).await {
        Ok((name, format, bytes)) => crate::pages::attachment(format.media_type(), &name, bytes),
        Err(e) => refused_by_app(e),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct AnalyticsQuery {
    /// A month (2026-11), a quarter (2026-Q4) or a year (2026).
    period: String,
    /// A unit's id: its pages and those of the units under it (default: every unit).
    unit: Option<i64>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AnalyticsDoc {
    period: String,
    label: String,
    from: String,
    to: String,
    /// The unit's name, when one was chosen.
    unit: Option<String>,
    /// Every day of the period.
    days: Vec<DayDoc>,
    spikes: Vec<SpikeDoc>,
    /// The 7 days after the period.
    forecast: Vec<ForecastDoc>,
    /// Key phrases against the period before.
    topics: Vec<TopicDoc>,
    by_platform: Vec<CountDoc>,
    flagged_by_category: Vec<CountDoc>,
    /// Claims and scams that reached several pages within three days.
    #[schema(value_type = Vec<Object>)]
    spreading: Vec<()>,
}

/// A count under 5 is withheld (null).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DayDoc {
    date: String,
    posts: Option<u64>,
    flagged: Option<u64>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SpikeDoc {
    /// "posts" or "category:<id>".
    series: String,
    at: String,
    value: f64,
    baseline: f64,
    score: f64,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ForecastDoc {
    date: String,
    value: f64,
    low: f64,
    high: f64,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TopicDoc {
    phrase: String,
    /// Dunning's G² against the period before.
    score: f64,
    posts: u64,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CountDoc {
    key: String,
    count: Option<u64>,
}

/// The analytics of a period, for every unit or one: posts and flagged posts by day, spikes,
/// next week's forecast band, key phrases — aggregates only (cached for a minute).
#[utoipa::path(get, path = "/api/v1/analytics", tag = "reports", params(AnalyticsQuery),
    responses((status = 200, body = AnalyticsDoc), (status = 401, body = ErrorDoc), (status = 403, body = ErrorDoc), (status = 422, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn analytics(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<AnalyticsQuery>,
) -> Response {
    let actor = caller.actor();
    match state.analytics(actor, &q.period, q.unit).await {
        Ok(a) => Json(&*a).into_response(),
        Err(e) => refused_by_app(e),
    }
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SideDoc {
    id: i64,
    name: String,
    url: Option<String>,
    platform: String,
    unit: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FindingDoc {
    candidate: SideDoc,
    official: SideDoc,
    score: f64,
    reasons: Vec<String>,
    /// Bits apart of the two avatars' PDQ hashes (of 256), when both are known.
    avatar_distance: Option<u32>,
    /// "impostor", or "not_official": a page of one of our own units (a village Party cell, a
    /// branch) that copies the official channel's name.
    kind: String,
}

/// The impersonation scan's findings still to review (the array `sokenh impersonation scan
/// --json` prints, less pages decided "not an impostor" that kept their name and avatar).
#[utoipa::path(get, path = "/api/v1/impersonation", tag = "detection",
    responses((status = 200, body = Vec<FindingDoc>), (status = 401, body = ErrorDoc), (status = 403, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn impersonation(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    let actor = caller.actor();
    match state
        .use_case(move |app| app.impersonation_review(&actor))
        .await
    {
        Ok(f) => Json(f).into_response(),
        Err(e) => refused_by_app(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionDoc {
    candidate_id: i64,
    /// "impostor" or "not_impostor".
    decision: String,
    /// Required for "not_impostor".
    #[serde(default)]
    reason: String,
    /// With "impostor": also open a case with the finding as its first evidence.
    #[serde(default)]
    open_case: bool,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DecidedDoc {
    candidate_id: i64,
    /// The page's status after the decision.
    status: String,
    case_id: Option<i64>,
}

/// An officer's decision on a finding (audited).
#[utoipa::path(post, path = "/api/v1/impersonation/decisions", tag = "detection", request_body = DecisionDoc,
    responses((status = 200, body = DecidedDoc), (status = 401, body = ErrorDoc), (status = 403, body = ErrorDoc), (status = 404, body = ErrorDoc), (status = 422, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn impersonation_decision(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Json(d): Json<DecisionDoc>,
) -> Response {
    let Some(decision) = app::impersonation::Decision::parse(&d.decision) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "decision: \"impostor\" or \"not_impostor\"",
        );
    };
    let actor = caller.actor();
    let result = state
        .use_case(move |app| {
            app.decide_impersonation(&actor, d.candidate_id, decision, &d.reason, d.open_case)
        })
        .await;
    match result {
        Ok(done) => {
            state.changed().await;
            Json(done).into_response()
        }
        Err(e) => refused_by_app(e),
    }
}

/// A captured post's answer.
#[derive(serde::Serialize, ToSchema)]
pub struct CapturedDoc {
    item_id: i64,
    community_id: i64,
    signals: Vec<CapturedSignalDoc>,
    evidence: Vec<CapturedShotDoc>,
    /// The alerts the post is in.
    alerts: Vec<i64>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct CapturedSignalDoc {
    category: String,
    score: f32,
    explanation: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct CapturedShotDoc {
    sha256: String,
}

/// A post seen on a platform, captured by its link with its text and/or screenshots
/// (multipart: `url`, optional `page` and `text`, zero or more `screenshot` files; with a
/// session's cookie rather than a token, its `csrf` too): stored under
/// its page, screened at once. 201 when stored, 200 with the same `item_id` when the link was
/// captured before.
#[utoipa::path(post, path = "/api/v1/captures", tag = "posts",
    request_body(content_type = "multipart/form-data", description = "url, page, text, screenshot…"),
    responses((status = 201, body = CapturedDoc), (status = 200, body = CapturedDoc), (status = 401, body = ErrorDoc), (status = 403, body = ErrorDoc), (status = 413, body = ErrorDoc), (status = 422, body = ErrorDoc)),
    security(("token" = []), ("session" = [])))]
pub async fn capture(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    multipart: axum::extract::Multipart,
) -> Response {
    // The role before a byte of the body is read.
    if !caller.user.can(domain::Permission::Capture) {
        return error(
            StatusCode::FORBIDDEN,
            "vai trò này không được ghi nhận bài đăng",
        );
    }
    let c = match crate::capture::read(multipart).await {
        // A multipart form can be posted from another site: with a session's cookie, the
        // session's CSRF token must come with it (an API token needs none).
        Ok((_, csrf))
            if caller
                .csrf
                .as_deref()
                .is_some_and(|t| !crate::auth::same(t, &csrf)) =>
        {
            return error(StatusCode::FORBIDDEN, "CSRF token rejected");
        }
        Ok((c, _)) => c,
        Err(r) => {
            return error(
                r.status(),
                "dữ liệu gửi lên quá lớn hoặc không hợp lệ / body refused",
            );
        }
    };
    let actor = caller.actor();
    let done = {
        let _turn = state.heavy.acquire().await;
        state.changing(move |app| app.capture(&actor, c)).await
    };
    match done {
        Ok(c) => (
            if c.new {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            Json(CapturedDoc {
                item_id: c.item_id,
                community_id: c.community_id,
                signals: c
                    .signals
                    .iter()
                    .map(|s| CapturedSignalDoc {
                        category: s.category.as_str().to_owned(),
                        score: s.score,
                        explanation: s.explanation.clone(),
                    })
                    .collect(),
                evidence: c
                    .evidence
                    .iter()
                    .map(|s| CapturedShotDoc {
                        sha256: s.sha256.clone(),
                    })
                    .collect(),
                alerts: c.alerts,
            }),
        )
            .into_response(),
        Err(e) => refused_by_app(e),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Sổ kênh API", description = "The register of pages, channels and groups; posts, detections, alerts, cases and reports. Authenticate with a session cookie or `Authorization: Bearer sk_…` (an API token scoped to a role and a unit)."),
    paths(units, members, communities, items, signals, alerts, cases, case, factchecks, reports, report_file, analytics, impersonation, impersonation_decision, capture),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(COOKIE))),
        );
    }
}

pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_resource_and_both_ways_to_sign_in() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths: Vec<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for p in [
            "/api/v1/units",
            "/api/v1/members",
            "/api/v1/communities",
            "/api/v1/items",
            "/api/v1/signals",
            "/api/v1/alerts",
            "/api/v1/cases",
            "/api/v1/cases/{id}",
            "/api/v1/factchecks",
            "/api/v1/reports",
            "/api/v1/analytics",
            "/api/v1/impersonation",
            "/api/v1/impersonation/decisions",
        ] {
            assert!(paths.contains(&p), "{p} in {paths:?}");
        }
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["token"]["scheme"], "bearer");
        assert_eq!(schemes["session"]["in"], "cookie");
    }
}
