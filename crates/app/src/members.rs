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
        if let Some(scope) = crate::register::visible_units(&s.units()?, actor.role, actor.unit)
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
        if let Some(scope) = crate::register::visible_units(&units, actor.role, actor.unit) {
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
        Ok(s.record(
            &actor.name,
            "member.remind",
            &format!("member:{}", member.0),
            serde_json::json!({"version": domain::COMMITMENT_VERSION}),
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
    if actor.role.can(Permission::Administer)
        || (actor.role.can(Permission::Declare) && actor.member == Some(member))
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
