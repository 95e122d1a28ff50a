//! The statements a database must offer. No rules live here: [`crate::Store`] decides what to
//! write, a backend only writes and reads it.

use crate::Result;
use domain::*;

/// A member to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub unit: UnitId,
    pub full_name: String,
    pub position: Option<String>,
}

/// One database. Every method runs inside the transaction that `begin` opened, if any.
pub trait Backend: Send {
    /// "sqlite" or "postgres".
    fn name(&self) -> &'static str;
    fn begin(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self) -> Result<()>;

    fn insert_unit(
        &mut self,
        name: &str,
        parent: Option<UnitId>,
        locality: Option<u32>,
    ) -> Result<UnitId>;
    fn units(&mut self) -> Result<Vec<Unit>>;

    fn insert_community(&mut self, r: &CommunityRecord, now: &str) -> Result<CommunityId>;
    fn update_community(&mut self, id: CommunityId, r: &CommunityRecord, now: &str) -> Result<()>;
    fn communities(&mut self) -> Result<Vec<Community>>;
    fn insert_snapshot(&mut self, id: CommunityId, at: &str, members: u64) -> Result<()>;
    fn snapshots(&mut self, id: CommunityId) -> Result<Vec<SizeSnapshot>>;
    fn insert_name_change(&mut self, id: CommunityId, at: &str, old: &str, new: &str)
    -> Result<()>;
    /// (at, old name, new name), oldest first.
    fn name_history(&mut self, id: CommunityId) -> Result<Vec<(String, String, String)>>;

    fn insert_member(&mut self, m: &NewMember) -> Result<MemberId>;
    fn members(&mut self) -> Result<Vec<Member>>;
    /// Inserts or updates; returns whether anything changed.
    fn upsert_participation(&mut self, p: &Participation) -> Result<bool>;
    fn participations(&mut self) -> Result<Vec<Participation>>;
    /// Inserts; returns false when this member already signed this version.
    fn insert_commitment(&mut self, c: &Commitment) -> Result<bool>;
    fn commitments(&mut self) -> Result<Vec<Commitment>>;

    /// The newest audit event's id and hash.
    fn last_audit(&mut self) -> Result<Option<(i64, String)>>;
    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()>;
    /// Every audit event, by id.
    fn audit_events(&mut self) -> Result<Vec<AuditEvent>>;
}
