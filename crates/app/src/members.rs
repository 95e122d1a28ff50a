//! Members and their commitments: a member put on a unit's list, the pages a member declares
//! running or joining (a page must be in the register first), and the code of conduct signed
//! with its version. A member speaks for themselves at their own page; the operator at the
//! terminal records a declaration or a signature made on paper. Dates are Vietnam's.

use crate::{Actor, App, Error, ErrorKind};
use domain::{
    CanonicalUrl, Commitment, MemberId, Participation, ParticipationRole, ParticipationSource,
    Permission,
};

/// A declaration taken: the page's name, and whether anything changed (the same declaration
/// made again changes nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub community: String,
    pub changed: bool,
}

impl App {
    /// A member added to the unit named `unit` (within the actor's units); the member's id.
    pub fn add_member(
        &self,
        actor: &Actor,
        unit: &str,
        full_name: &str,
        position: Option<String>,
    ) -> Result<MemberId, Error> {
        actor.require(Permission::EditRegister)?;
        let full_name = text::canonical(full_name);
        if full_name.trim().is_empty() {
            return Err(Error::invalid("name", "Cần ghi họ tên cán bộ."));
        }
        let mut s = self.store()?;
        let Some(u) = s.unit_named(unit)? else {
            return Err(Error::invalid(
                "unit",
                format!("không có đơn vị «{unit}» / no such unit"),
            ));
        };
        if let Some(scope) =
            crate::register::visible_units(&s.units()?, actor.role, actor.unit, actor.commune)
            && !scope.contains(&u.name)
        {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!("«{}» không thuộc đơn vị của bạn / not your unit", u.name),
            ));
        }
        Ok(s.add_member(
            &actor.name,
            &store::NewMember {
                unit: u.id,
                full_name,
                position: position.filter(|p| !p.trim().is_empty()),
            },
        )?)
    }

    /// Member `member` runs or joins the page at `url` in `role` (since the date given, if
    /// any): declared by the member, or recorded by the operator.
    pub fn declare(
        &self,
        actor: &Actor,
        member: MemberId,
        url: &str,
        role: ParticipationRole,
        since: Option<String>,
    ) -> Result<Declared, Error> {
        speaks_for(actor, member)?;
        let key = CanonicalUrl::parse(url)
            .map_err(|e| Error::invalid("url", format!("Đường dẫn không hợp lệ: {e}")))?
            .to_string();
        let mut s = self.store()?;
        if !s.members()?.iter().any(|m| m.id == member) {
            return Err(Error::not_found("cán bộ mã", member.0));
        }
        let Some(c) = s.communities()?.into_iter().find(|c| c.key == key) else {
            return Err(Error::invalid(
                "url",
                format!(
                    "Trang «{key}» chưa có trong sổ đăng ký: hãy báo quản trị đơn vị để đăng ký trước."
                ),
            ));
        };
        let changed = s.declare(
            &actor.name,
            &Participation {
                member,
                community: c.id,
                role,
                source: ParticipationSource::SelfDeclared,
                since,
                recorded: crate::today().to_string(),
            },
        )?;
        Ok(Declared {
            community: c.name,
            changed,
        })
    }

    /// Member `member` signs the code of conduct in effect today; returns its version and
    /// false when it was signed before.
    pub fn sign_current_commitment(
        &self,
        actor: &Actor,
        member: MemberId,
    ) -> Result<(String, bool), Error> {
        let version = self.commitment_version()?;
        let new = self.sign_commitment(actor, member, &version)?;
        Ok((version, new))
    }

    /// Member `member` signs the code of conduct of `version` (today, Vietnam's date); false
    /// when that version was signed before.
    pub fn sign_commitment(
        &self,
        actor: &Actor,
        member: MemberId,
        version: &str,
    ) -> Result<bool, Error> {
        speaks_for(actor, member)?;
        let version = version.trim();
        if version.is_empty() {
            return Err(Error::invalid("version", "Cần ghi phiên bản cam kết."));
        }
        let mut s = self.store()?;
        if !s.members()?.iter().any(|m| m.id == member) {
            return Err(Error::not_found("cán bộ mã", member.0));
        }
        Ok(s.sign(
            &actor.name,
            &Commitment {
                member,
                version: version.to_owned(),
                signed_on: crate::today().to_string(),
            },
        )?)
    }
}

impl App {
    /// The member with this id, refused unless in the actor's units (ids are guessable: a form
    /// naming a member of another unit is refused, not answered).
    fn member_in_scope(
        &self,
        s: &mut store::Store,
        actor: &Actor,
        id: MemberId,
    ) -> Result<domain::Member, Error> {
        let units = s.units()?;
        let Some(m) = s.members()?.into_iter().find(|m| m.id == id) else {
            return Err(Error::not_found("cán bộ mã", id.0));
        };
        if let Some(scope) =
            crate::register::visible_units(&units, actor.role, actor.unit, actor.commune)
        {
            let unit = units.iter().find(|u| u.id == m.unit).map(|u| &u.name);
            if !unit.is_some_and(|u| scope.contains(u)) {
                return Err(Error::new(
                    ErrorKind::Forbidden,
                    "cán bộ này không thuộc đơn vị của bạn / not in your unit",
                ));
            }
        }
        Ok(m)
    }

    /// An in-app reminder to declare and sign the current commitment: an audit event the
    /// member's own page shows.
    pub fn remind(&self, actor: &Actor, member: MemberId) -> Result<(), Error> {
        actor.require(Permission::FollowUp)?;
        let mut s = self.store()?;
        self.member_in_scope(&mut s, actor, member)?;
        let version = s.commitment_version(&self.today().to_string())?;
        Ok(s.record(
            &actor.name,
            "member.remind",
            &format!("member:{}", member.0),
            serde_json::json!({"version": version}),
        )?)
    }

    /// A member's claim to own the personal account `community` confirmed or rejected (a
    /// confirmed account's posts name the member; a rejected one stays a pseudonym).
    pub fn decide_ownership(
        &self,
        actor: &Actor,
        member: MemberId,
        community: domain::CommunityId,
        confirmed: bool,
    ) -> Result<(), Error> {
        actor.require(Permission::DecideOwnership)?;
        let mut s = self.store()?;
        self.member_in_scope(&mut s, actor, member)?;
        Ok(s.decide_ownership(&actor.name, member, community, confirmed)?)
    }
}

/// A member speaks for themselves; an administrator (the operator at the terminal) records
/// what a member declared or signed on paper. Nobody else speaks for a member.
fn speaks_for(actor: &Actor, member: MemberId) -> Result<(), Error> {
    if actor.can(Permission::Administer)
        || (actor.can(Permission::Declare) && actor.member == Some(member))
    {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Forbidden,
            "chỉ chính cán bộ đó mới kê khai, ký cam kết / only the member may",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Role;

    fn actor(role: Role, member: Option<i64>) -> Actor {
        Actor {
            name: "x".into(),
            role,
            unit: None,
            member: member.map(MemberId),
            commune: None,
        }
    }

    #[test]
    fn only_the_member_or_an_administrator_speaks_for_a_member() {
        let m = MemberId(7);
        assert!(speaks_for(&actor(Role::Member, Some(7)), m).is_ok());
        assert!(speaks_for(&Actor::cli(), m).is_ok());
        for other in [
            actor(Role::Member, Some(8)),
            actor(Role::Member, None),
            actor(Role::Officer, None),
            actor(Role::UnitAdmin, Some(7)),
            actor(Role::Leader, None),
        ] {
            assert_eq!(
                speaks_for(&other, m).unwrap_err().kind,
                ErrorKind::Forbidden,
                "{other:?}"
            );
        }
    }
}

/// The purpose written in the audit log with each view of members' names (the follow-up list).
pub const FOLLOW_UP: &str = "đôn đốc kê khai, ký cam kết";

/// A member as the follow-up list shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRow {
    pub id: MemberId,
    pub name: String,
    pub unit: String,
    pub declared: bool,
    /// Signed the code of conduct in effect ([`store::Store::commitment_version`]).
    pub signed: bool,
}

/// A member's claim to own a personal account, as the follow-up list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnershipClaim {
    pub member: MemberId,
    pub member_name: String,
    pub community: domain::CommunityId,
    /// The account's link, or its name without one.
    pub account: String,
    /// "confirmed", "rejected", or None while undecided.
    pub decision: Option<String>,
}

/// The follow-up list of the actor's units: its members with what they have not done, what
/// cases told the unit (a unit administrator's), and claims to own accounts.
#[derive(Clone, Debug)]
pub struct FollowUp {
    /// The code of conduct members sign now.
    pub version: String,
    pub members: Vec<MemberRow>,
    pub notices: Vec<domain::AuditEvent>,
    pub claims: Vec<OwnershipClaim>,
    /// Cases about the units' pages pending past their deadline: (case, page's name, due).
    pub overdue: Vec<(i64, String, String)>,
}

/// A member's own page: what they declared (page name, link, role), the commitments they signed
/// (version, date) and when their unit reminded them.
#[derive(Clone, Debug)]
pub struct MyDeclarations {
    pub pages: Vec<(String, Option<String>, String)>,
    pub signed: Vec<(String, String)>,
    pub reminders: Vec<String>,
    /// The code of conduct to sign now (its version), and its library document when the
    /// library holds one.
    pub version: String,
    pub document: Option<domain::LibraryDocument>,
}

impl App {
    /// The follow-up list ([`FollowUp`]) of the actor's units. Members' names are personal
    /// data: each view is recorded in the audit log with its purpose.
    pub fn follow_up(&self, actor: &Actor) -> Result<FollowUp, Error> {
        actor.require(Permission::FollowUp)?;
        let mut s = self.store()?;
        // The people and what they declared and signed: a commune's account reads them under
        // the database's commune role as well (`App::commune_reads`).
        let (units, participations, commitments, members) =
            self.commune_reads(&mut s, actor, |s| {
                Ok((
                    s.units()?,
                    s.participations()?,
                    s.commitments()?,
                    s.members()?,
                ))
            })?;
        let scope = crate::register::visible_units(&units, actor.role, actor.unit, actor.commune);
        let unit_name = |id: domain::UnitId| {
            units
                .iter()
                .find(|x| x.id == id)
                .map(|x| x.name.clone())
                .unwrap_or_default()
        };
        let version = s.commitment_version(&self.today().to_string())?;
        let members: Vec<MemberRow> = members
            .into_iter()
            .filter(|m| {
                scope
                    .as_ref()
                    .is_none_or(|names| names.contains(&unit_name(m.unit)))
            })
            .map(|m| MemberRow {
                declared: participations.iter().any(|p| p.member == m.id),
                signed: commitments
                    .iter()
                    .any(|c| c.member == m.id && c.version == version),
                unit: unit_name(m.unit),
                id: m.id,
                name: m.full_name,
            })
            .collect();
        s.record(
            &actor.name,
            "members.view",
            "member",
            serde_json::json!({"rows": members.len(), "purpose": FOLLOW_UP}),
        )?;
        let notices = match (actor.role, actor.unit) {
            (domain::Role::UnitAdmin, Some(unit)) => s.unit_notices(unit)?,
            _ => Vec::new(),
        };
        let decisions = s.ownership_decisions()?;
        let communities = s.communities()?;
        let claims = participations
            .iter()
            .filter(|p| p.role == ParticipationRole::Owner)
            .filter_map(|p| {
                let member = members.iter().find(|r| r.id == p.member)?;
                let c = communities
                    .iter()
                    .find(|c| c.id == p.community && c.kind == domain::Kind::Account)?;
                Some(OwnershipClaim {
                    member: p.member,
                    member_name: member.name.clone(),
                    community: c.id,
                    account: c.url.clone().unwrap_or_else(|| c.name.clone()),
                    decision: decisions
                        .iter()
                        .find(|(m, k, _)| *m == p.member && *k == p.community)
                        .map(|(_, _, d)| d.clone()),
                })
            })
            .collect();
        let now = crate::now_utc();
        let overdue = s
            .cases()?
            .into_iter()
            .filter(|c| c.is_overdue(&now))
            .filter_map(|c| {
                let page = communities.iter().find(|p| Some(p.id) == c.community)?;
                let unit = page.unit.as_ref()?;
                scope
                    .as_ref()
                    .is_none_or(|names| names.contains(unit))
                    .then(|| (c.id, page.name.clone(), c.due_at.unwrap_or_default()))
            })
            .collect();
        Ok(FollowUp {
            version,
            members,
            notices,
            claims,
            overdue,
        })
    }

    /// The members of the actor's units, for a stated purpose (recorded in the audit log with
    /// the view and `via`, the front end): names are personal data.
    pub fn members_seen(
        &self,
        actor: &Actor,
        purpose: &str,
        via: &str,
    ) -> Result<Vec<domain::Member>, Error> {
        actor.require(Permission::ViewPeople)?;
        let purpose = purpose.trim();
        if purpose.chars().count() < 5 {
            return Err(Error::invalid(
                "purpose",
                "state the purpose (?purpose=…): the view of personal data is recorded with it",
            ));
        }
        let mut s = self.store()?;
        // A commune's account reads them under the database's commune role as well.
        let (units, members) =
            self.commune_reads(&mut s, actor, |s| Ok((s.units()?, s.members()?)))?;
        let scope = crate::register::visible_units(&units, actor.role, actor.unit, actor.commune);
        let ids: Vec<domain::UnitId> = units
            .iter()
            .filter(|u| scope.as_ref().is_none_or(|n| n.contains(&u.name)))
            .map(|u| u.id)
            .collect();
        let members: Vec<domain::Member> = members
            .into_iter()
            .filter(|m| ids.contains(&m.unit))
            .collect();
        s.record(
            &actor.name,
            "members.view",
            "member",
            serde_json::json!({"purpose": purpose, "shown": members.len(), "via": via}),
        )?;
        Ok(members)
    }

    /// The member's own page ([`MyDeclarations`]); only for an account that speaks for a member.
    pub fn my_declarations(&self, actor: &Actor) -> Result<MyDeclarations, Error> {
        let Some(member) = actor.member else {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "Tài khoản này không gắn với đảng viên nào. / not a member's account",
            ));
        };
        let mut s = self.store()?;
        let communities = s.communities()?;
        let pages = s
            .participations()?
            .into_iter()
            .filter(|p| p.member == member)
            .filter_map(|p| {
                communities
                    .iter()
                    .find(|c| c.id == p.community)
                    .map(|c| (c.name.clone(), c.url.clone(), p.role.label_vi().to_owned()))
            })
            .collect();
        let signed = s
            .commitments()?
            .into_iter()
            .filter(|c| c.member == member)
            .map(|c| (c.version, c.signed_on))
            .collect();
        // Reminders are audit events addressed to this member.
        let to = format!("member:{}", member.0);
        let reminders = s
            .audit_events()?
            .into_iter()
            .filter(|e| e.action == "member.remind" && e.entity == to)
            .map(|e| e.at)
            .collect();
        let today = self.today().to_string();
        let docs = s.documents()?;
        let document = store::current_code(&docs, &today).cloned();
        let version = document.as_ref().map_or_else(
            || domain::COMMITMENT_VERSION.to_owned(),
            |d| d.version.clone(),
        );
        Ok(MyDeclarations {
            pages,
            signed,
            reminders,
            version,
            document,
        })
    }
}
