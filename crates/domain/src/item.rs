//! Items (bài đăng): public posts, comments and videos in a community. Authors are kept only as
//! a keyed pseudonym; a raw handle only when it is the declared account of one of our members.

use crate::enums::Platform;
use serde::{Deserialize, Serialize};

/// A reference to a picture or video of an item, with the SHA-256 of its bytes when we have them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRef {
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sha256: Option<String>,
}

/// Engagement counts, as the source gave them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub reactions: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub views: Option<u64>,
}

/// An item as a connector reads it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewItem {
    /// The source's own id for the item (unique per platform).
    pub source_id: String,
    pub platform: Platform,
    /// The community's canonical key (URL, or a named key), and a name to give it if it is new.
    pub community_key: String,
    pub community_name: String,
    /// RFC 3339 in Vietnam time (+07:00), so that text order is time order.
    pub published_at: String,
    pub text: String,
    pub url: Option<String>,
    /// HMAC-SHA-256 pseudonym of platform + handle; None when the source names no author.
    pub author_pseudonym: Option<String>,
    /// The raw handle, only for a member's declared account.
    pub author_handle: Option<String>,
    pub metrics: Metrics,
    pub media: Vec<MediaRef>,
}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: i64,
    pub source_id: String,
    pub platform: Platform,
    pub community_id: i64,
    pub community_url: Option<String>,
    pub published_at: String,
    pub text: String,
    pub url: Option<String>,
    pub author_pseudonym: Option<String>,
    pub author_handle: Option<String>,
    pub metrics: Metrics,
    pub media: Vec<MediaRef>,
}

/// A detector's finding as the store keeps it (the detector's own types stay in `detect`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSignal {
    pub item_id: i64,
    pub category: crate::Category,
    pub score: f32,
    pub explanation: String,
    /// JSON array of evidence spans.
    pub evidence: String,
    pub detector: String,
    pub reference: String,
    pub version: String,
    pub shadow: bool,
    pub role: Option<String>,
}

/// An alert as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAlert {
    pub id: i64,
    pub category: crate::Category,
    pub severity: String,
    pub score: f32,
    /// Source ids of the items behind it.
    pub item_ids: Vec<String>,
    pub count: u64,
    pub first_at: String,
    pub last_at: String,
    pub explanation: String,
    pub status: String,
}
