//! What a commune's account in a province database may touch among alerts and cases: the pages
//! of its commune (`domain::User::commune`), the cases about one of them, and the alerts whose
//! every post is on one of them. An account of no commune touches everything. A case about no
//! page, or an alert with a post on another commune's page (or on a page outside every
//! register), stays the province's. What is out of reach is answered as not there (404), so a
//! commune learns nothing of another's numbering. And the reads of its people it makes under the
//! database's commune role as well ([`App::commune_reads`]).

use crate::{Actor, App, Error};
use domain::{Case, CommunityId, StoredAlert};
use std::collections::HashSet;

/// The pages an actor's alerts and cases must be about: `None` for every page.
#[derive(Debug, Clone, Default)]
pub struct Reach(Option<HashSet<i64>>);

impl Reach {
    /// Every page: an account of no commune.
    pub fn everywhere() -> Reach {
        Reach(None)
    }

    /// The pages of a commune (their ids).
    pub fn pages(pages: HashSet<i64>) -> Reach {
        Reach(Some(pages))
    }

    /// The reach of an account: its commune's pages among `communities` — by the units under
    /// the commune's root, and the pages outside every register its own store brought
    /// (`domain::Community::commune`).
    pub fn of(
        commune: Option<domain::UnitId>,
        units: &[domain::Unit],
        communities: &[domain::Community],
    ) -> Reach {
        let Some(root) = commune else {
            return Reach::everywhere();
        };
        let names = crate::register::subtree(units, root);
        Reach::pages(
            communities
                .iter()
                .filter(|c| {
                    c.unit
                        .as_ref()
                        .map_or(c.commune == Some(root), |u| names.contains(u))
                })
                .map(|c| c.id.0)
                .collect(),
        )
    }

    /// Whether every page is in reach.
    pub fn is_everywhere(&self) -> bool {
        self.0.is_none()
    }

    /// Whether a page is in reach.
    pub fn has_page(&self, page: CommunityId) -> bool {
        self.0.as_ref().is_none_or(|p| p.contains(&page.0))
    }

    /// Whether a case is: one about a page in reach.
    pub fn has_case(&self, case: &Case) -> bool {
        match &self.0 {
            None => true,
            Some(p) => case.community.is_some_and(|c| p.contains(&c.0)),
        }
    }

    /// Whether an alert is, by the pages of its posts: all of them in reach (and some).
    pub fn has_alert_on(&self, pages: &[i64]) -> bool {
        match &self.0 {
            None => true,
            Some(p) => !pages.is_empty() && pages.iter().all(|x| p.contains(x)),
        }
    }
}

impl App {
    /// The actor's reach among alerts and cases ([`Reach`]).
    pub fn reach(&self, s: &mut store::Store, actor: &Actor) -> Result<Reach, Error> {
        if actor.commune.is_none() {
            return Ok(Reach::everywhere());
        }
        Ok(Reach::of(actor.commune, &s.units()?, &s.communities()?))
    }

    /// Reads of a commune's own rows for an actor: a commune's account makes them under the
    /// database's commune role too (`store::Store::as_commune`: PostgreSQL's row-level
    /// security, the second lock behind the unit scope — a read that forgot its filter still
    /// sees that commune's rows only); any other actor reads as the province.
    pub fn commune_reads<T>(
        &self,
        s: &mut store::Store,
        actor: &Actor,
        f: impl FnOnce(&mut store::Store) -> store::Result<T>,
    ) -> Result<T, Error> {
        Ok(match actor.commune {
            Some(commune) => s.as_commune(commune, f)?,
            None => f(s)?,
        })
    }

    /// Case `id`, if the actor reaches it; else not found.
    pub(crate) fn reached_case(
        &self,
        s: &mut store::Store,
        actor: &Actor,
        id: i64,
    ) -> Result<Case, Error> {
        self.reach(s, actor)?.case(s, id)
    }
}

impl Reach {
    /// Case `id` from the store, if it is in reach; else not found.
    pub(crate) fn case(&self, s: &mut store::Store, id: i64) -> Result<Case, Error> {
        s.case(id)?
            .filter(|c| self.has_case(c))
            .ok_or_else(|| Error::not_found("hồ sơ", id))
    }

    /// Refuses (not found) the first of `alerts` out of reach, by the pages of its posts.
    pub(crate) fn check_alerts(
        &self,
        s: &mut store::Store,
        alerts: &[StoredAlert],
    ) -> Result<(), Error> {
        if self.is_everywhere() {
            return Ok(());
        }
        for a in alerts {
            let pages: Vec<i64> = s
                .alert_items(&a.item_ids)?
                .iter()
                .map(|(i, _)| i.community_id)
                .collect();
            if !self.has_alert_on(&pages) {
                return Err(Error::not_found("cảnh báo", a.id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{CaseStatus, Category};

    fn case(community: Option<i64>) -> Case {
        Case {
            id: 1,
            title: "t".into(),
            category: Category::Scam,
            status: CaseStatus::Open,
            assignee: None,
            community: community.map(CommunityId),
            alert_ids: vec![],
            outcome: None,
            opened_by: "a".into(),
            opened_at: "2026-12-01T00:00:00.000Z".into(),
            updated_at: "2026-12-01T00:00:00.000Z".into(),
            due_at: None,
            first_action_at: None,
            merged_into: None,
        }
    }

    #[test]
    fn a_commune_reaches_cases_on_its_pages_and_alerts_wholly_on_them() {
        let everywhere = Reach::everywhere();
        assert!(everywhere.has_case(&case(None)));
        assert!(everywhere.has_alert_on(&[]));
        let commune = Reach::pages([1, 2].into());
        assert!(commune.has_case(&case(Some(2))));
        assert!(!commune.has_case(&case(Some(3))), "another commune's page");
        assert!(!commune.has_case(&case(None)), "a case about no page");
        assert!(commune.has_alert_on(&[1, 2, 1]));
        assert!(!commune.has_alert_on(&[1, 3]), "one post elsewhere");
        assert!(!commune.has_alert_on(&[]));
        assert!(commune.has_page(CommunityId(1)) && !commune.has_page(CommunityId(3)));
    }
}
