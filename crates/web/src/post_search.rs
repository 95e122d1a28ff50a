//! Searching the posts: the full-text index, filtered to what the user may see.

use crate::AppState;
use crate::pages::{error_page, in_scope, internal, page, visible_units};
use crate::require::{Require, need};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;

// ---- searching posts ---------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    /// How many results to show: 20 more each time "more" is followed.
    #[serde(default = "twenty")]
    n: usize,
}

fn twenty() -> usize {
    SEARCH_STEP
}

/// Results added by each "more results".
const SEARCH_STEP: usize = 20;
/// At most this many results on one page.
const SEARCH_MAX: usize = 200;
/// The page ranks the newest this many matches, not every match: on a province's ten million
/// posts two common words match 800,000, and ranking them all costs 30–40 ms of a core a search
/// (`cargo xtask search-floor`), while the newest thousand cost well under a millisecond.
/// What is older is found by «Đến ngày».
pub const SEARCH_NEWEST: usize = 1000;

/// A day typed in the form (`YYYY-MM-DD`) as the start of that day in Vietnam; `None` when
/// empty; `Err` with the sentence to show when it is not a day.
fn day(value: &str, label: &str) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(ingest::posts::vietnam()).single())
        .map(Some)
        .ok_or_else(|| format!("Ngày «{label}» không hợp lệ (năm-tháng-ngày)."))
}

/// `GET /tim-kiem`: public posts by words, with or without diacritics (the tantivy index of
/// `search`): the newest [`SEARCH_NEWEST`] matches ranked by how well they match, their words
/// highlighted, «từ ngày» / «đến ngày» to reach further back; a unit admin sees posts of its
/// unit's pages only.
pub async fn search(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::SearchPosts>,
    Query(q): Query<SearchForm>,
) -> Response {
    let (since, until) = match (day(&q.since, "từ ngày"), day(&q.until, "đến ngày")) {
        (Ok(since), Ok(until)) => (since, until.map(|t| t + chrono::Duration::days(1))),
        (Err(why), _) | (_, Err(why)) => return error_page(StatusCode::BAD_REQUEST, &why),
    };
    let snap = match state.snapshot().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let scope = visible_units(&snap.units, &user.session.user);
    // A unit admin's pages (those of its units): asked of the index, so that the newest
    // matches are counted among them; the hits are checked against them again below.
    let allowed: Option<HashSet<&str>> = scope.as_ref().map(|_| {
        snap.communities
            .iter()
            .filter(|c| in_scope(c, &scope))
            .filter_map(|c| c.url.as_deref())
            .collect()
    });
    let limit = q.n.clamp(SEARCH_STEP, SEARCH_MAX);
    let hits = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        let query = search::SearchQuery {
            text: q.q.clone(),
            limit,
            platform: (!q.platform.is_empty()).then(|| q.platform.clone()),
            since,
            until,
            among_newest: Some(SEARCH_NEWEST),
            community_urls: allowed
                .as_ref()
                .map(|pages| pages.iter().map(|u| (*u).to_owned()).collect()),
            ..Default::default()
        };
        match state.search(query).await {
            Ok(h) => h,
            Err(e) => return internal(e),
        }
    };
    let hits: Vec<&search::Hit> = hits
        .iter()
        .filter(|h| {
            allowed.as_ref().is_none_or(|pages| {
                h.community_url
                    .as_deref()
                    .is_some_and(|u| pages.contains(u))
            })
        })
        .collect();
    let name_of = |url: &str| {
        snap.by_url
            .get(url)
            .map(|&k| snap.communities[k].name.as_str())
    };
    page(
        "Tìm bài đăng",
        Some(&user),
        html! {
            h1 { (crate::i18n::tr(user.lang, "Tìm bài đăng")) }
            form.inline method="get" action="/tim-kiem" {
                div { label for="q" { (crate::i18n::tr(user.lang, "Từ khóa")) } input id="q" name="q" value=(q.q) placeholder="có dấu hay không dấu: thach quang, hòa/hoà" required; }
                div {
                    label for="platform" { (crate::i18n::tr(user.lang, "Nền tảng")) }
                    select id="platform" name="platform" {
                        option value="" { (crate::i18n::tr(user.lang, "Tất cả")) }
                        @for p in domain::Platform::ALL { option value=(p.as_str()) selected[q.platform == p.as_str()] { (p.label_vi()) } }
                    }
                }
                div { label for="since" { (crate::i18n::tr(user.lang, "Từ ngày")) } input id="since" name="since" type="date" value=(q.since); }
                div { label for="until" { (crate::i18n::tr(user.lang, "Đến ngày")) } input id="until" name="until" type="date" value=(q.until); }
                div { button type="submit" { (crate::i18n::tr(user.lang, "Tìm")) } }
            }
            @if !q.q.trim().is_empty() {
                p.note {
                    (hits.len()) " kết quả" @if hits.len() == limit { " phù hợp nhất" }
                     " — xếp theo mức phù hợp trong " (SEARCH_NEWEST / 1000) ".000 bài mới nhất có đủ các từ; bài cũ hơn: chọn «Đến ngày»."
                }
                @for h in &hits {
                    article.post {
                        p.note {
                            (crate::cases::vn_time(&h.published_at)) " · "
                            @match h.community_url.as_deref() {
                                Some(u) => { (name_of(u).unwrap_or(u)) }
                                None => "—",
                            }
                            " · mã " (h.id)
                        }
                        // The snippet is tantivy's HTML: the text escaped, matches in <b>.
                        p { (maud::PreEscaped(&h.snippet)) }
                    }
                }
                @if hits.len() == limit && limit < SEARCH_MAX {
                    p {
                        a href=({
                            let mut u = form_urlencoded::Serializer::new(String::from("/tim-kiem?"));
                            u.append_pair("q", &q.q).append_pair("platform", &q.platform).append_pair("since", &q.since).append_pair("until", &q.until).append_pair("n", &(limit + SEARCH_STEP).to_string());
                            u.finish()
                        }) { "Xem thêm kết quả" }
                    }
                }
            }
        },
    )
    .into_response()
}
