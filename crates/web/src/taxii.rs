//! A TAXII 2.1 server, read-only, over the office's shareable indicators (`app::sharing`): the
//! discovery document at `/taxii2/`, one API root (`/taxii2/api1/`), one collection (the
//! office's indicators), its objects as an envelope paged by `limit` and `added_after` or the
//! previous page's `next` (with `more`, `next` and the `X-TAXII-Date-Added-First`/`-Last`
//! headers) and its manifest. Asked
//! with an API token (`Authorization: Bearer …`) of a role that reads cases; answers
//! `application/taxii+json;version=2.1`.

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

/// Refuses a caller whose role does not read cases.
fn refused(caller: &Caller) -> Option<Response> {
    (!caller.user.role.can(domain::Permission::ViewCases))
        .then(|| taxii_error(StatusCode::FORBIDDEN, "forbidden for this role"))
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

fn collection() -> Value {
    json!({
        "id": app::sharing::collection_id(),
        "title": "Chỉ báo của đơn vị",
        "description": "Đường dẫn, tên miền, số điện thoại, số tài khoản của đối tượng lừa đảo đã được cán bộ xác nhận",
        "can_read": true,
        "can_write": false,
        "media_types": ["application/stix+json;version=2.1"],
    })
}

/// `GET /taxii2/api1/collections/`.
pub async fn collections(caller: Caller) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    taxii(StatusCode::OK, json!({"collections": [collection()]}))
}

/// `GET /taxii2/api1/collections/{id}/`.
pub async fn one_collection(caller: Caller, Path(id): Path<String>) -> Response {
    if let Some(r) = refused(&caller) {
        return r;
    }
    if id != app::sharing::collection_id() {
        return taxii_error(StatusCode::NOT_FOUND, "no such collection");
    }
    taxii(StatusCode::OK, collection())
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
        && chrono::DateTime::parse_from_rfc3339(a).is_err()
    {
        return Err(taxii_error(
            StatusCode::BAD_REQUEST,
            "added_after (or next) is not an RFC 3339 timestamp",
        ));
    }
    let actor = caller.actor();
    let limit = q.limit.unwrap_or(100);
    state
        .use_case(move |app| app.taxii_objects(&actor, after.as_deref(), limit))
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
            if p.more
                && let Some(last) = &p.last
            {
                body["next"] = json!(last);
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
            if p.more
                && let Some(last) = &p.last
            {
                body["next"] = json!(last);
            }
            with_dates(taxii(StatusCode::OK, body), &p)
        }
        Err(r) => r,
    }
}
