//! A TAXII 2.1 server over the office's shareable indicators (`app::sharing`, `app::exchange`):
//! the discovery document at `/taxii2/`, one API root (`/taxii2/api1/`), one collection (the
//! indicators this office confirmed and those it relays), its objects as an envelope paged by
//! `limit` and `added_after` or the previous page's `next` (with `more`, `next` and the
//! `X-TAXII-Date-Added-First`/`-Last` headers), its manifest, objects posted to it (answered
//! with a status resource, kept at `/taxii2/api1/status/{id}/`). Asked with an API token
//! (`Authorization: Bearer …` or `Token …`): a sharing partner's (read, write or both; TLP
//! markings decide what it is served) or one of a role that reads cases (writing: a role that
//! triages); answers `application/taxii+json;version=2.1`.

use crate::AppState;
use crate::api::Caller;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

const MEDIA: &str = "application/taxii+json;version=2.1";

fn taxii(status: StatusCode, body: Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA));
    r
}

fn taxii_error(status: StatusCode, title: &str) -> Response {
    taxii(
        status,
        json!({"title": title, "http_status": status.as_u16().to_string()}),
    )
}

/// Refuses a caller who may neither read nor write: a partner's token with neither right, an
/// account whose role does not read cases.
fn refused(caller: &Caller) -> Option<Response> {
    let allowed = match &caller.partner {
        Some(p) => p.can_read || p.can_write,
        None => caller.user.can_for_province(domain::Permission::ViewCases),
    };
    (!allowed).then(|| taxii_error(StatusCode::FORBIDDEN, "forbidden for this role"))
}

fn audience(caller: &Caller) -> app::exchange::Audience {
    match &caller.partner {
        Some(p) => app::exchange::Audience::Partner(Box::new(p.clone())),
        None => app::exchange::Audience::Staff(caller.actor()),
    }
}

/// `GET /taxii2/`: the discovery document.
pub async fn discovery(caller: Caller) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    taxii(
        StatusCode::OK,
        json!({
            "title": "Sổ kênh — chỉ báo đã xác nhận",
            "description": "Chỉ báo lừa đảo do đơn vị xác nhận, chia sẻ theo STIX 2.1",
            "default": "/taxii2/api1/",
            "api_roots": ["/taxii2/api1/"],
        }),
    )
}

/// `GET /taxii2/api1/`: the API root.
pub async fn api_root(caller: Caller) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    taxii(
        StatusCode::OK,
        json!({
            "title": "Sổ kênh",
            "versions": [MEDIA],
            "max_content_length": 10_485_760,
        }),
    )
}

fn collection(caller: &Caller) -> Value {
    let (read, write) = match &caller.partner {
        Some(p) => (p.can_read, p.can_write),
        None => (
            true,
            caller.user.can_for_province(domain::Permission::Triage),
        ),
    };
    json!({
        "id": app::sharing::collection_id(),
        "title": "Chỉ báo của đơn vị",
        "description": "Đường dẫn, tên miền, số điện thoại, số tài khoản của đối tượng lừa đảo đã được cán bộ xác nhận",
        "can_read": read,
        "can_write": write,
        "media_types": ["application/stix+json;version=2.1"],
    })
}

/// `GET /taxii2/api1/collections/`.
pub async fn collections(caller: Caller) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    taxii(
        StatusCode::OK,
        json!({"collections": [collection(&caller)]}),
    )
}

/// `GET /taxii2/api1/collections/{id}/`.
pub async fn one_collection(caller: Caller, Path(id): Path<String>) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    if id != app::sharing::collection_id() {
        return taxii_error(StatusCode::NOT_FOUND, "no such collection");
    }
    taxii(StatusCode::OK, collection(&caller))
}

#[derive(Deserialize)]
pub struct Paging {
    added_after: Option<String>,
    limit: Option<usize>,
    /// The previous page's `next` (the date its last object was added).
    next: Option<String>,
}

async fn page(
    state: &Arc<AppState>,
    caller: &Caller,
    id: &str,
    q: &Paging,
) -> Result<app::sharing::TaxiiPage, Response> {
    if let Some(r) = refused(caller) {
        return Err(r);
    }
    if id != app::sharing::collection_id() {
        return Err(taxii_error(StatusCode::NOT_FOUND, "no such collection"));
    }
    let after = q.next.clone().or_else(|| q.added_after.clone());
    if let Some(a) = &after
        && chrono::DateTime::parse_from_rfc3339(a.split('|').next().unwrap_or("")).is_err()
    {
        return Err(taxii_error(
            StatusCode::BAD_REQUEST,
            "added_after (or next) is not an RFC 3339 timestamp",
        ));
    }
    let audience = audience(caller);
    let limit = q.limit.unwrap_or(100);
    state
        .use_case(move |app| app.taxii_page(&audience, after.as_deref(), limit))
        .await
        .map_err(|e| taxii_error(e.status(), &e.0.message))
}

fn with_dates(mut r: Response, p: &app::sharing::TaxiiPage) -> Response {
    for (name, v) in [
        ("x-taxii-date-added-first", &p.first),
        ("x-taxii-date-added-last", &p.last),
    ] {
        if let Some(v) = v.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            r.headers_mut().insert(name, v);
        }
    }
    r
}

/// `GET /taxii2/api1/collections/{id}/objects/`: an envelope, paged.
pub async fn objects(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
) -> Response {
    match page(&state, &caller, &id, &q).await {
        Ok(p) => {
            let mut body = json!({"more": p.more, "objects": p.objects});
            if let Some(next) = &p.next {
                body["next"] = json!(next);
            }
            with_dates(taxii(StatusCode::OK, body), &p)
        }
        Err(r) => r,
    }
}

/// `GET /taxii2/api1/collections/{id}/manifest/`.
pub async fn manifest(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
) -> Response {
    match page(&state, &caller, &id, &q).await {
        Ok(p) => {
            let objects: Vec<Value> = p
                .manifest
                .iter()
                .map(|(id, added, version)| {
                    json!({"id": id, "date_added": added, "version": version, "media_type": "application/stix+json;version=2.1"})
                })
                .collect();
            let mut body = json!({"more": p.more, "objects": objects});
            if let Some(next) = &p.next {
                body["next"] = json!(next);
            }
            with_dates(taxii(StatusCode::OK, body), &p)
        }
        Err(r) => r,
    }
}

/// `POST /taxii2/api1/collections/{id}/objects/`: an envelope of objects taken in; answered
/// 202 with the status resource (the import is done by then: `status` is `complete`).
pub async fn add_objects(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    if id != app::sharing::collection_id() {
        return taxii_error(StatusCode::NOT_FOUND, "no such collection");
    }
    let envelope: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return taxii_error(
                StatusCode::BAD_REQUEST,
                &format!("the body is not a JSON envelope: {e}"),
            );
        }
    };
    let audience = audience(&caller);
    match state
        .use_case(move |app| app.taxii_receive(&audience, &envelope))
        .await
    {
        Ok(status) => taxii(StatusCode::ACCEPTED, status),
        Err(e) => taxii_error(e.status(), &e.0.message),
    }
}

/// `GET /taxii2/api1/status/{id}/`: a POST's status, for whoever posted it.
pub async fn status(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    let audience = audience(&caller);
    match state
        .use_case(move |app| app.taxii_status(&audience, &id))
        .await
    {
        Ok(status) => taxii(StatusCode::OK, status),
        Err(e) => taxii_error(e.status(), &e.0.message),
    }
}
