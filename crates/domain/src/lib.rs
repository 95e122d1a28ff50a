//! `domain`: what sokenh is about — units, members, communities (pages, channels, groups),
//! participations, commitments, and the audit event — as plain types with Vietnamese labels.
//! Values that come from outside are parsed into types here (`CanonicalUrl::parse`,
//! `CommunityKey`), so the rest of the code never checks them again.
//!
//! Architecture Invariant: no IO, no async, no database types. Storage crates depend on this
//! crate, never the reverse.

mod account;
mod admin;
mod case;
mod entities;
mod enums;
mod factcheck;
mod item;
mod permission;
mod post_link;
mod url;

pub use account::{
    AccountError, MAX_PASSWORD, MAX_USERNAME, MIN_PASSWORD, check_password, check_username,
};
pub use admin::{AdminUnit, admin_units, ward_by_code, wards_named};
pub use case::{Case, CaseAction, CaseStatus, Evidence};
pub use entities::*;
pub use enums::*;
pub use factcheck::{FactCheck, Verdict};
pub use item::{Item, MediaRef, Metrics, NewItem, StoredAlert, StoredSignal};
pub use permission::Permission;
pub use post_link::PostLink;
pub use url::{CanonicalUrl, CommunityKey, UrlError};
