//! What each role may do, in one table: every page, form and API resource asks `Role::can` for
//! the permission it needs, so the rules of DESIGN.md ("Users and roles") are written once and
//! the role × route matrix the tests check is derived from here.

use crate::Role;

/// Calls `$then!` with the list of permissions, each with its documentation: the one place the
/// list is written. The enum below is made from it, and so are the web's permission marker types
/// (`web::require::need`).
#[macro_export]
macro_rules! with_permissions {
    ($then:ident) => {
        $then! {
            /// The dashboard, the register list and a page's detail, the register export, the units.
            ViewRegister,
            /// Add, edit and classify pages; import the register from a spreadsheet.
            EditRegister,
            /// Who declared a page (names of people: personal data, audited).
            ViewPeople,
            /// Search the posts.
            SearchPosts,
            /// The alerts queue and an alert's detail.
            ViewAlerts,
            /// Decide alerts (dismiss, confirm), open and handle cases, upload evidence, review
            /// impersonation findings.
            Triage,
            /// Read cases and their timeline, the takedown letter.
            ViewCases,
            /// The fact-check register and the rule packs, the period's report figures, the report
            /// and the analytics.
            ViewDetection,
            /// Import fact-checks and rule packs, put rules in shadow mode.
            ChangeDetection,
            /// The audit log.
            ViewAudit,
            /// The follow-up of declarations and commitments, reminders.
            FollowUp,
            /// Confirm or reject a member's claim to own an account.
            DecideOwnership,
            /// Declare one's own pages and sign the commitment.
            Declare,
            /// Accounts, units, API tokens.
            Administer,
            /// Approve a periodic report (the Standing Committee's act, audited).
            ApproveReport,
            /// Check a picture: PDQ matches with the register's avatars, provenance, its text.
            CheckMedia,
            /// Capture a post seen on a platform (its link, text, screenshots): stored, screened
            /// at once. A unit administrator, on its own unit's pages only.
            Capture,
            /// Upload export files of posts (a job read in the background).
            Ingest,
            /// Add a version of a document to the rules library (a new code of conduct starts
            /// members' re-signing).
            KeepLibrary,
        }
    };
}

macro_rules! permission_enum {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// One thing a user may be allowed to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Permission {
            $($(#[$doc])* $name,)*
        }

        impl Permission {
            /// Every permission, in the order of the list.
            pub const ALL: &'static [Permission] = &[$(Permission::$name,)*];
        }
    };
}

with_permissions!(permission_enum);

impl Role {
    /// Whether this role may do `p`. The table, by role:
    ///
    /// | role | may |
    /// |---|---|
    /// | admin | everything but declaring |
    /// | leader | read everything, decide alerts and cases, follow declarations up, approve reports, keep the rules library |
    /// | officer | the register (edit, import), people on it, alerts, cases, detection (read), media check, capture, uploads of export files |
    /// | analyst | the register (read), alerts (read), posts, detection (read and change), media check |
    /// | inspector | the register, people, cases (read), detection (read), audit, follow-up |
    /// | unit_admin | its unit's register (edit, import), people, posts, follow-up, ownership claims, capture on its pages |
    /// | member | declare and sign |
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            ViewRegister | SearchPosts => self != Member,
            EditRegister => matches!(self, Admin | Officer | UnitAdmin),
            ViewPeople => matches!(self, Admin | Leader | Officer | Inspector | UnitAdmin),
            ViewAlerts => matches!(self, Admin | Leader | Officer | Analyst),
            Triage => matches!(self, Admin | Leader | Officer),
            ViewCases => matches!(self, Admin | Leader | Officer | Inspector),
            ViewDetection => matches!(self, Admin | Leader | Officer | Analyst | Inspector),
            ChangeDetection => matches!(self, Admin | Analyst),
            ViewAudit => matches!(self, Admin | Leader | Inspector),
            FollowUp => matches!(self, Admin | Leader | Inspector | UnitAdmin),
            DecideOwnership => matches!(self, Admin | UnitAdmin),
            Declare => self == Member,
            Administer => self == Admin,
            ApproveReport => matches!(self, Admin | Leader),
            CheckMedia => matches!(self, Admin | Officer | Analyst),
            Capture => matches!(self, Admin | Officer | UnitAdmin),
            Ingest => matches!(self, Admin | Officer),
            KeepLibrary => matches!(self, Admin | Leader),
        }
    }
}

impl Role {
    /// Whether an account of this role may do `p`: the table, narrowed for an account of one
    /// commune in a province database (`in_a_commune`) to [`Permission::within_a_commune`].
    pub fn can_as(self, p: Permission, in_a_commune: bool) -> bool {
        self.can(p) && (!in_a_commune || p.within_a_commune())
    }
}

impl Permission {
    /// Whether an account of one commune in a province database keeps this permission. Kept:
    /// what is read and written through the unit scope (`app::register::visible_units`), which
    /// for such an account is its commune — the register, the people on it, the posts on its
    /// pages, the follow-up, ownership claims, capture, declaring — and the alerts and cases
    /// about its commune's pages (`app::commune::Reach`). Refused: what is still province-wide
    /// in the application (the detection rules and fact-checks, the report, the audit log,
    /// administration, media checks, uploads of posts, the library's new versions), so that an account placed
    /// in a commune never reads another commune's rows through them. The pages of the alert
    /// and case permissions that are the province's (the tip line, warnings to citizens,
    /// sources, sharing, impersonation review) are refused to it apart
    /// (`app::Actor::require_province`).
    pub fn within_a_commune(self) -> bool {
        use Permission::*;
        matches!(
            self,
            ViewRegister
                | EditRegister
                | ViewPeople
                | SearchPosts
                | ViewAlerts
                | Triage
                | ViewCases
                | FollowUp
                | DecideOwnership
                | Declare
                | Capture
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every permission × role, written out: a change to the table shows here as a diff.
    #[test]
    fn the_table_role_by_permission() {
        let expected: [(Permission, &str); 19] = [
            // roles in the order admin, leader, officer, analyst, inspector, unit_admin, member
            (Permission::ViewRegister, "YYYYYYn"),
            (Permission::EditRegister, "YnYnnYn"),
            (Permission::ViewPeople, "YYYnYYn"),
            (Permission::SearchPosts, "YYYYYYn"),
            (Permission::ViewAlerts, "YYYYnnn"),
            (Permission::Triage, "YYYnnnn"),
            (Permission::ViewCases, "YYYnYnn"),
            (Permission::ViewDetection, "YYYYYnn"),
            (Permission::ChangeDetection, "YnnYnnn"),
            (Permission::ViewAudit, "YYnnYnn"),
            (Permission::FollowUp, "YYnnYYn"),
            (Permission::DecideOwnership, "YnnnnYn"),
            (Permission::Declare, "nnnnnnY"),
            (Permission::Administer, "Ynnnnnn"),
            (Permission::ApproveReport, "YYnnnnn"),
            (Permission::CheckMedia, "YnYYnnn"),
            (Permission::Capture, "YnYnnYn"),
            (Permission::Ingest, "YnYnnnn"),
            (Permission::KeepLibrary, "YYnnnnn"),
        ];
        assert_eq!(expected.len(), Permission::ALL.len());
        for (p, row) in expected {
            let got: String = Role::ALL
                .iter()
                .map(|r| if r.can(p) { 'Y' } else { 'n' })
                .collect();
            assert_eq!(got, row, "{p:?}");
        }
    }

    /// A commune's account in a province database: its role's table less what is still
    /// province-wide; the same role of no commune keeps the whole table.
    #[test]
    fn a_communes_account_keeps_what_stays_in_its_commune() {
        let account = |role: Role, commune: Option<i64>| crate::User {
            id: 1,
            username: "canbo".into(),
            role,
            unit: commune.map(crate::UnitId),
            member: None,
            must_change: false,
            disabled_at: None,
            commune: commune.map(crate::UnitId),
        };
        // roles in the order admin, leader, officer, analyst, inspector, unit_admin, member
        let in_commune: [(Permission, &str); 8] = [
            (Permission::ViewRegister, "YYYYYYn"),
            (Permission::SearchPosts, "YYYYYYn"),
            (Permission::Capture, "YnYnnYn"),
            (Permission::ViewCases, "YYYnYnn"),
            (Permission::Triage, "YYYnnnn"),
            (Permission::ViewAudit, "nnnnnnn"),
            (Permission::ViewDetection, "nnnnnnn"),
            (Permission::Administer, "nnnnnnn"),
        ];
        for (p, row) in in_commune {
            let got: String = Role::ALL
                .iter()
                .map(|r| {
                    if account(*r, Some(7)).can(p) {
                        'Y'
                    } else {
                        'n'
                    }
                })
                .collect();
            assert_eq!(got, row, "{p:?}");
        }
        for p in Permission::ALL {
            for r in Role::ALL {
                assert_eq!(account(*r, None).can(*p), r.can(*p), "{r:?} {p:?}");
            }
        }
    }
}
