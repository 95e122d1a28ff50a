//! The register's records. Ids are newtypes so that a unit id can never be passed where a
//! community id is meant.

use crate::enums::*;
use serde::Serialize;

macro_rules! id {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(UnitId);
id!(MemberId);
id!(CommunityId);

/// A unit (đơn vị): the commune's Party Committee, People's Committee, a Party cell, an
/// association. Units form a tree under one root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub parent: Option<UnitId>,
    /// GSO ward code of the unit's locality (15199 for Thạch Quảng), when known.
    pub locality_code: Option<u32>,
}

/// A cadre, party member or employee. Minimal personal data: a name and a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: MemberId,
    pub unit: UnitId,
    pub full_name: String,
    pub position: Option<String>,
}

/// A page, channel, group, account or site in the register, as the store returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Community {
    pub id: CommunityId,
    /// The de-duplication key (`CommunityKey` as text).
    pub key: String,
    pub name: String,
    /// Canonical URL, or None for a group with no public link.
    pub url: Option<String>,
    pub platform: Platform,
    pub kind: Kind,
    pub members: Option<u64>,
    pub admins: Option<String>,
    pub unit: Option<String>,
    pub status: Status,
    pub classification: Classification,
    /// The unit whose official channel this is, when classification is official.
    pub official_of: Option<String>,
    pub locality: Option<String>,
    pub note: Option<String>,
    /// The commune of a province database the page belongs to (its root unit): by its unit,
    /// or, for a page outside every register, the commune whose store it came from. `None` on
    /// a commune's own database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<UnitId>,
}

/// What an import or a form offers for one community; the store decides insert or update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityRecord {
    pub key: String,
    pub name: String,
    pub url: Option<String>,
    pub platform: Platform,
    pub kind: Kind,
    pub members: Option<u64>,
    pub admins: Option<String>,
    pub unit: Option<String>,
    pub status: Status,
    pub classification: Classification,
    pub official_of: Option<String>,
    pub locality: Option<String>,
    pub note: Option<String>,
}

impl From<&Community> for CommunityRecord {
    /// The record that would write the community as it is (a form or a decision changes a field
    /// of it).
    fn from(c: &Community) -> CommunityRecord {
        CommunityRecord {
            key: c.key.clone(),
            name: c.name.clone(),
            url: c.url.clone(),
            platform: c.platform,
            kind: c.kind,
            members: c.members,
            admins: c.admins.clone(),
            unit: c.unit.clone(),
            status: c.status,
            classification: c.classification,
            official_of: c.official_of.clone(),
            locality: c.locality.clone(),
            note: c.note.clone(),
        }
    }
}

/// A dated size of a community (members or followers), kept as history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SizeSnapshot {
    pub community: CommunityId,
    pub at: String,
    pub members: u64,
}

/// A member's declared or discovered role in a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub member: MemberId,
    pub community: CommunityId,
    pub role: ParticipationRole,
    pub source: ParticipationSource,
    /// ISO date the participation began, when known.
    pub since: Option<String>,
    /// ISO date the participation was declared or found.
    pub recorded: String,
}

/// The version of the code of conduct members sign while the rules library holds none: the
/// library's newest code of conduct in effect takes its place (`Store::commitment_version`).
/// "Signed" means signed *the current* version, everywhere: the follow-up page, the report's
/// coverage, the dashboard.
pub const COMMITMENT_VERSION: &str = "2026-11";

/// An indicator shared between offices (STIX 2.1): a scam's URL, domain, phone number or bank
/// account an officer confirmed here (`local`), or one received from another office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedIndicator {
    /// `indicator--<UUIDv5 of kind and value>`: the same indicator from two offices is one.
    pub stix_id: String,
    /// `url`, `domain`, `phone`, `bank_account`.
    pub kind: String,
    /// The canonical value (a phone number as +84…, an account's digits).
    pub value: String,
    /// The publishing office's STIX identity id, and its name.
    pub origin: String,
    pub origin_name: String,
    pub local: bool,
    /// The version (STIX `modified`, UTC RFC 3339): a newer one replaces an older one.
    pub modified: String,
    pub valid_until: Option<String>,
    pub revoked: bool,
    /// `TLP:CLEAR`, `TLP:GREEN`, `TLP:AMBER`, `TLP:AMBER+STRICT`.
    pub marking: String,
    /// The STIX object as exported or received (JSON).
    pub object: String,
    /// The case it was confirmed in (local ones; never exported).
    pub case_ref: Option<String>,
    /// When this version was kept here (UTC, RFC 3339): a TAXII server's "date added".
    pub added: String,
}

/// A tip from a citizen (the tip line): what they reported, the answer they got at once (JSON),
/// the group it joined. Its code is known only by its SHA-256; its sender by a keyed hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tip {
    pub id: i64,
    #[serde(skip)]
    pub code_sha256: String,
    /// `web`, `api`, later `zalo`, `telegram`.
    pub channel: String,
    pub link: Option<String>,
    /// Canonical (`+84…`).
    pub phone: Option<String>,
    pub account: Option<String>,
    pub text: String,
    /// A way to reply, given with consent (purged after the answer and the retention period).
    pub contact: Option<String>,
    pub consent: bool,
    /// The instant answer as given (JSON).
    pub answer: String,
    pub group_id: i64,
    #[serde(skip)]
    pub sender: String,
    pub created_at: String,
}

/// The tips about one thing (a phone number, an account, a link, or the same text), answered
/// once by an officer for every reporter in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TipGroup {
    pub id: i64,
    /// `phone:+84…`, `account:…`, `link:…`, `text:<sha256 of the folded text>`.
    pub key: String,
    /// `phone`, `account`, `link`, `text`.
    pub kind: String,
    /// `open`, `confirmed` (a scam: warned against), `not_scam`.
    pub status: String,
    pub answer: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub created_at: String,
    /// Tips in it, and distinct senders.
    pub tips: i64,
    pub senders: i64,
    /// The case it was confirmed into, if any.
    pub case_id: Option<i64>,
}

/// A screenshot a reporter attached to a tip: the file is kept under the data dir's
/// `evidence/` by its SHA-256; its PDQ hash (hex) groups near-duplicate pictures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TipPicture {
    pub tip_id: i64,
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    pub pdq: Option<String>,
}

/// A channel of the office that takes tips (a Zalo Official Account, a Telegram bot): its
/// credential and webhook secret sealed with the data dir's key, the API it answers through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipChannel {
    /// `telegram` or `zalo`.
    pub platform: String,
    pub credential: String,
    pub secret: String,
    pub api_base: String,
    pub added_by: String,
    pub added_at: String,
}

/// An official channel read through its platform's API with the office's credential (sealed
/// with the data dir's key): where the last pull stopped and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: i64,
    /// `facebook`, `youtube`.
    pub platform: String,
    /// The channel's canonical URL (an official channel of the register).
    pub channel: String,
    pub credential: String,
    pub api_base: String,
    /// Seconds between scheduled pulls.
    pub interval: i64,
    /// Where the last pull stopped (JSON; never a credential).
    pub cursor: Option<String>,
    pub last_pull: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    /// The day (Vietnam) `quota_used` counts API units for.
    pub quota_day: Option<String>,
    pub quota_used: i64,
    pub added_by: String,
    pub added_at: String,
}

/// An officer's periodic look at a page no API can check: what they saw, and the screenshot
/// kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCheck {
    pub id: i64,
    pub community_id: i64,
    /// `same`, `renamed`, `changed` (size or content), `gone`.
    pub outcome: String,
    pub seen_name: Option<String>,
    pub members: Option<u64>,
    pub note: String,
    pub sha256: Option<String>,
    pub media_type: Option<String>,
    pub checked_by: String,
    pub checked_at: String,
}

/// What a pulled item is to its channel: a post or a comment, what it answers, whether the
/// channel itself wrote it (for aggregates only; a comment's words are not kept here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceItem {
    pub source_id: i64,
    /// The platform's id of the item.
    pub item_key: String,
    /// `post` or `comment`.
    pub kind: String,
    /// The post or comment it answers (a comment's).
    pub parent: Option<String>,
    pub by_channel: bool,
    /// UTC, RFC 3339.
    pub published_at: String,
    /// A post's opening words (empty for a comment).
    pub text: String,
    pub url: Option<String>,
}

/// A warning for the public, drafted from a case or a tip group in one of the two shapes
/// police warnings take, edited and approved by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub id: i64,
    /// `case` (what happened: initials and commune only, numbers masked) or `tactic` (the
    /// trick, the real official channel, numbered advice, where to report).
    pub shape: String,
    pub case_id: Option<i64>,
    pub group_id: Option<i64>,
    pub title: String,
    pub body: String,
    /// `draft` or `approved`.
    pub status: String,
    pub drafted_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// The platform's id of the post it was published as on an official page.
    pub published: Option<String>,
}

/// A sighting of a shared indicator: how many posts an office saw it in, first and last (STIX
/// `sighting`; never the posts). Ours are counted from the signals; others' are received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorSighting {
    /// `sighting--<UUIDv5 of the indicator's id and the sighting office's identity>`.
    pub stix_id: String,
    pub indicator_id: String,
    /// The identity of the office that saw it, and its name.
    pub sighted_by: String,
    pub sighted_by_name: String,
    pub count: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub local: bool,
    /// The indicator's TLP marking (a sighting travels no further than what it sights).
    pub marking: String,
    /// The STIX object (JSON).
    pub object: String,
    /// When this version was kept here (a TAXII server's "date added").
    pub added: String,
}

/// Another office this one exchanges indicators with over TAXII 2.1: where its server is (to
/// pull from and push to), the API token it gave us (kept sealed), the API token we gave it
/// (which may read our collection, write to it, or both), its province (a `TLP:AMBER` object
/// goes only to partners of our own province), and the last exchanges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharePartner {
    pub id: i64,
    pub name: String,
    /// The partner's GSO province code.
    pub province: u32,
    /// Its TAXII API root (`https://…/taxii2/api1/`); none when it only comes to us.
    pub url: Option<String>,
    /// The token it issued to us, sealed with the data dir's key (never shown).
    #[serde(skip)]
    pub sealed_token: Option<String>,
    /// The API token we issued to it (`api_tokens.id`).
    pub token_id: Option<i64>,
    pub can_read: bool,
    pub can_write: bool,
    /// The last pull's `X-TAXII-Date-Added-Last`: the next pull's `added_after`.
    pub pull_cursor: Option<String>,
    /// The date added (here) of the last object pushed.
    pub push_cursor: Option<String>,
    pub last_pull: Option<String>,
    pub last_push: Option<String>,
    pub last_error: Option<String>,
    /// Indicators taken in from it (added, updated or revoked), and sent to it, in all.
    pub pulled: i64,
    pub pushed: i64,
    pub created_by: String,
    pub created_at: String,
}

/// A version of a document of the rules library: its file kept by SHA-256 (`DATA/library/`), its
/// text extracted and kept beside it, in effect from `effective_on` (an ISO date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LibraryDocument {
    pub id: i64,
    pub kind: crate::DocumentKind,
    pub title: String,
    pub version: String,
    pub effective_on: String,
    /// What changed from the version before (as the office writes it).
    pub changes: String,
    /// The unit whose own rules these are (`UnitRules`); none for the others.
    pub unit: Option<UnitId>,
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub added_by: String,
    pub added_at: String,
}

/// A member signed code-of-conduct version `version` on `signed_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commitment {
    pub member: MemberId,
    pub version: String,
    pub signed_on: String,
}

/// Per unit: how many members have declared their participation and signed the commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub unit: String,
    pub members: u64,
    pub declared: u64,
    pub signed: u64,
}

/// One entry of the append-only audit log. `hash` covers every other field and `prev_hash`, so
/// editing, deleting or reordering an event breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A community's avatar as sokenh keeps it: the picture's PDQ hash (64 hex digits), the hash's
/// quality and the file's SHA-256 — never the picture itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Avatar {
    pub pdq: String,
    pub quality: u8,
    pub sha256: String,
    /// The picture's hash turned the seven other ways (`media::pdq::Dihedral::ALL[1..]`'s
    /// order), so a mirrored or rotated copy is found; empty for avatars recorded before.
    pub turned: Vec<String>,
    pub recorded_at: String,
}

/// An account of the web application. The password hash (Argon2id, PHC string) is kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: crate::Role,
    /// The unit a `unit_admin` (or a member) belongs to; for the other roles, the unit that
    /// places the account in a commune of a province database (none: the province's).
    pub unit: Option<UnitId>,
    /// The member record of a `member` account.
    pub member: Option<MemberId>,
    /// Must choose a new password at the next login.
    pub must_change: bool,
    /// Disabled by an administrator since then (UTC, RFC 3339): no sign-in, no session.
    pub disabled_at: Option<String>,
    /// The commune of a province database the account belongs to (the root unit of the
    /// commune its unit is in), which is all it sees; `None` on a commune's own database and for
    /// the province's accounts. Read by the store from the unit, never set by hand.
    pub commune: Option<UnitId>,
}

impl User {
    /// Whether this account may do `p`: its role's table, narrowed for a commune's account to
    /// what is kept within its commune ([`crate::Permission::within_a_commune`]).
    pub fn can(&self, p: crate::Permission) -> bool {
        self.role.can_as(p, self.commune.is_some())
    }

    /// Whether this account may open a page of `p` whose data is still the whole province's
    /// (the tip line, warnings, sources, sharing…): `p`, and no commune.
    pub fn can_for_province(&self, p: crate::Permission) -> bool {
        self.can(p) && self.commune.is_none()
    }
}

/// An API token as the store keeps it: the token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: crate::Role,
    pub unit: Option<UnitId>,
    pub created_by: String,
    pub created_at: String,
    pub revoked: bool,
    /// Refused from then on (UTC, RFC 3339); `None` for a token made before tokens had an end.
    pub expires_at: Option<String>,
    /// The commune of a province database its unit is in (see [`User::commune`]).
    pub commune: Option<UnitId>,
}
