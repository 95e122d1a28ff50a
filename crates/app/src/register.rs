//! The register's use cases: which units an actor sees (the one unit scope), and importing an
//! office's spreadsheet — read apart from the store (the slow part, which a server runs beside
//! other work), then written within the actor's scope in one transaction.

use crate::{Actor, App, Error};
use domain::{Community, CommunityId, CommunityRecord, Permission, Role, Unit, UnitId};
use ingest::registry::{RowIssue, Sheet};
use std::collections::HashSet;
use std::path::Path;

/// Names of the units an account sees: None for every unit (roles that see across units, and
/// analysts, who see aggregates of all), but only its commune's for such an account placed in a
/// commune of a province database (`commune`, the commune's root unit: `domain::User::commune`);
/// else the subtree under the actor's unit (empty when it has none).
pub fn visible_units(
    units: &[Unit],
    role: Role,
    unit: Option<UnitId>,
    commune: Option<UnitId>,
) -> Option<HashSet<String>> {
    if role.sees_all_units() || role == Role::Analyst {
        return commune_units(units, commune);
    }
    let Some(root) = unit else {
        return Some(HashSet::new());
    };
    Some(subtree(units, root))
}

/// Names of a commune's units (`commune`: its root unit, `domain::User::commune`); None for
/// an account of no commune, which is bound by no commune.
pub fn commune_units(units: &[Unit], commune: Option<UnitId>) -> Option<HashSet<String>> {
    commune.map(|root| subtree(units, root))
}

/// Names of the units a case's measure may be sent to (`None`: any): a commune's account
/// (`actor_commune`), its commune's; a province's account, on a case about a page of a commune
/// (`page_commune`), that commune's units and those above it (the province's) — not every unit
/// of every commune, thousands in a province.
pub fn units_for_measures(
    units: &[Unit],
    actor_commune: Option<UnitId>,
    page_commune: Option<UnitId>,
) -> Option<HashSet<String>> {
    if actor_commune.is_some() {
        return commune_units(units, actor_commune);
    }
    let page = page_commune?;
    let mut names = subtree(units, page);
    let mut above = units.iter().find(|u| u.id == page).and_then(|u| u.parent);
    // (At most as many steps as there are units, whatever the store holds.)
    for _ in 0..units.len() {
        let Some(u) = above.and_then(|id| units.iter().find(|u| u.id == id)) else {
            break;
        };
        names.insert(u.name.clone());
        above = u.parent;
    }
    Some(names)
}

/// Names of a unit and of every unit under it.
pub fn subtree(units: &[Unit], root: UnitId) -> HashSet<String> {
    let mut ids: Vec<UnitId> = vec![root];
    let mut k = 0;
    while k < ids.len() {
        let parent = ids[k];
        ids.extend(
            units
                .iter()
                .filter(|u| u.parent == Some(parent))
                .map(|u| u.id),
        );
        k += 1;
    }
    units
        .iter()
        .filter(|u| ids.contains(&u.id))
        .map(|u| u.name.clone())
        .collect()
}

/// Whether a community is inside a scope from [`visible_units`].
pub fn in_scope(c: &Community, scope: &Option<HashSet<String>>) -> bool {
    match scope {
        None => true,
        Some(names) => c.unit.as_ref().is_some_and(|u| names.contains(u)),
    }
}

/// What an import did: the sheet as read (with the rows refused for being outside the actor's
/// scope added to its rejections), and what the store did with the rest.
#[derive(Debug)]
pub struct Imported {
    pub sheet: Sheet,
    pub outcome: store::ImportOutcome,
    /// `all_or_nothing` and some row was refused: nothing was written.
    pub aborted: bool,
}

impl App {
    /// Reads an office's register spreadsheet (the reader goes by the file's extension). Rows
    /// naming no unit belong to `default_unit`, or else to a unit administrator's own unit.
    /// A file the guard refuses or without a header row is invalid input (`file`).
    pub fn read_register(
        &self,
        actor: &Actor,
        path: &Path,
        default_unit: Option<String>,
    ) -> Result<Sheet, Error> {
        actor.require(Permission::EditRegister)?;
        let default_unit = match (default_unit, actor.role, actor.unit) {
            (Some(u), _, _) => Some(u),
            (None, Role::UnitAdmin, Some(id)) => self
                .store()?
                .units()?
                .into_iter()
                .find(|x| x.id == id)
                .map(|x| x.name),
            _ => None,
        };
        let opts = ingest::registry::Options {
            default_unit,
            ..Default::default()
        };
        ingest::registry::read(path, &opts).map_err(|e| match &e {
            ingest::IngestError::Refused { reason, .. } => Error::invalid("file", reason.to_string()),
            ingest::IngestError::NoHeader { .. } => Error::invalid(
                "file",
                "không có dòng tiêu đề nhận ra được (cần ít nhất cột tên và cột đường dẫn hoặc nền tảng) / no header row found",
            ),
            ingest::IngestError::Unreadable { message, .. } => Error::invalid(
                "file",
                format!("không đọc được tệp (hỏng, hoặc không phải bảng tính) / cannot read the file: {message}"),
            ),
            _ => anyhow::Error::from(e).into(),
        })
    }

    /// Writes what [`App::read_register`] read, as `source` (the file's name, for the audit
    /// log): a unit administrator writes only inside its own subtree — rows naming another unit,
    /// or updating a community of another unit, are refused with the reason. With
    /// `all_or_nothing`, any refused row means nothing is written.
    pub fn import_register(
        &self,
        actor: &Actor,
        source: &str,
        mut sheet: Sheet,
        all_or_nothing: bool,
    ) -> Result<Imported, Error> {
        actor.require(Permission::EditRegister)?;
        let mut store = self.store()?;
        let scope = visible_units(&store.units()?, actor.role, actor.unit, actor.commune);
        if let Some(names) = &scope {
            let existing = store.communities()?;
            let mut kept = Vec::new();
            for (row, r) in std::mem::take(&mut sheet.records) {
                let unit_ok = r.unit.as_ref().is_some_and(|x| names.contains(x));
                let owner_ok = existing
                    .iter()
                    .find(|c| c.key == r.key)
                    .is_none_or(|c| in_scope(c, &scope));
                if unit_ok && owner_ok {
                    kept.push((row, r));
                } else {
                    sheet.rejected.push(RowIssue {
                        row,
                        column: "Đơn vị".into(),
                        reason: "ngoài phạm vi đơn vị của bạn / outside your unit".into(),
                    });
                }
            }
            sheet.records = kept;
            sheet.rejected.sort_by_key(|r| r.row);
        }
        let aborted = all_or_nothing && !sheet.rejected.is_empty();
        let outcome = if aborted {
            store::ImportOutcome::default()
        } else {
            let records: Vec<CommunityRecord> =
                sheet.records.iter().map(|(_, r)| r.clone()).collect();
            store.import_communities(&actor.name, source, &records)?
        };
        Ok(Imported {
            sheet,
            outcome,
            aborted,
        })
    }
}

/// Refuses a record a scoped actor may not write: its unit (and the unit it is the official
/// channel of) must be among `scope`'s, and it must name one. The reason, in Vietnamese.
pub fn within_units(
    record: &CommunityRecord,
    scope: &Option<HashSet<String>>,
) -> Result<(), String> {
    if let Some(names) = scope {
        for u in [&record.unit, &record.official_of].into_iter().flatten() {
            if !names.contains(u) {
                return Err(format!("Đơn vị «{u}» không thuộc phạm vi quản lý của bạn."));
            }
        }
        if record.unit.is_none() {
            return Err("Cần chọn đơn vị quản lý.".into());
        }
    }
    Ok(())
}

/// The purpose written in the audit log when a page's declared participants are shown.
pub const PARTICIPANTS_PURPOSE: &str = "xem người kê khai tham gia trang, kênh, nhóm";

/// One page of the register as its page shows it.
#[derive(Debug)]
pub struct PageDetail {
    pub community: Community,
    /// (name, from, until) as the page was called.
    pub names: Vec<(String, String, String)>,
    pub sizes: Vec<domain::SizeSnapshot>,
    /// The newest signals on its posts: (source id, published at, signal).
    pub signals: Vec<(String, String, domain::StoredSignal)>,
    /// Who declared running or joining it (full name, position, the declaration): only for a
    /// role that sees people, each showing audited with its purpose.
    pub people: Vec<(String, Option<String>, domain::Participation)>,
}

impl App {
    /// A page of the register the actor may see: not found, or forbidden when it belongs to a
    /// unit outside the actor's. `signals` newest signals are included.
    pub fn page_detail(
        &self,
        actor: &Actor,
        id: CommunityId,
        signals: u32,
    ) -> Result<PageDetail, Error> {
        actor.require(Permission::ViewRegister)?;
        let mut s = self.store()?;
        let scope = visible_units(&s.units()?, actor.role, actor.unit, actor.commune);
        let community = visible_page(&mut s, &scope, id)?;
        let mut people = Vec::new();
        if actor.can(Permission::ViewPeople) {
            // A commune's account reads them under the database's commune role as well.
            let (members, participations) =
                self.commune_reads(&mut s, actor, |s| Ok((s.members()?, s.participations()?)))?;
            for p in participations.into_iter().filter(|p| p.community == id) {
                if let Some(m) = members.iter().find(|m| m.id == p.member) {
                    people.push((m.full_name.clone(), m.position.clone(), p));
                }
            }
            if !people.is_empty() {
                s.record_about(
                    &actor.name,
                    "community.participants.view",
                    "community",
                    &id.0.to_string(),
                    serde_json::json!({"purpose": PARTICIPANTS_PURPOSE, "shown": people.len()}),
                )?;
            }
        }
        Ok(PageDetail {
            names: s.name_history(id)?,
            sizes: s.size_history(id)?,
            signals: s.community_signals(id, signals)?,
            community,
            people,
        })
    }

    /// A page of the register written from a form: a new one (refused as a conflict when its
    /// key is in the register already) or `existing` updated; its id. A unit administrator
    /// writes only pages of its units, naming one of its units.
    pub fn save_page(
        &self,
        actor: &Actor,
        record: CommunityRecord,
        existing: Option<CommunityId>,
    ) -> Result<CommunityId, Error> {
        actor.require(Permission::EditRegister)?;
        let mut s = self.store()?;
        let scope = visible_units(&s.units()?, actor.role, actor.unit, actor.commune);
        if let Some(id) = existing {
            visible_page(&mut s, &scope, id)?;
        }
        within_units(&record, &scope).map_err(|why| Error::invalid("unit", why))?;
        let key = record.key.clone();
        if existing.is_none() && s.community_id_by_key(&key)?.is_some() {
            return Err(Error::conflict(
                "Trang, kênh, nhóm này đã có trong sổ đăng ký.",
            ));
        }
        s.import_communities(&actor.name, "web", std::slice::from_ref(&record))?;
        s.community_id_by_key(&key)?
            .ok_or_else(|| Error::not_found("trang", key))
    }

    /// The register as far as the actor sees it, written to `file` in the office's spreadsheet
    /// layout (titled with the actor's unit, or the root unit for a role that sees them all),
    /// dated today in Vietnam; audited with `via` (the front end). Returns the rows written.
    pub fn export_register(&self, actor: &Actor, file: &Path, via: &str) -> Result<usize, Error> {
        actor.require(Permission::ViewRegister)?;
        let mut s = self.store()?;
        let units = s.units()?;
        let scope = visible_units(&units, actor.role, actor.unit, actor.commune);
        let shown: Vec<Community> = s
            .communities()?
            .into_iter()
            .filter(|c| in_scope(c, &scope))
            .collect();
        let title = match actor.unit.and_then(|id| units.iter().find(|x| x.id == id)) {
            Some(unit) if scope.is_some() => unit.name.clone(),
            _ => units
                .iter()
                .find(|x| x.parent.is_none())
                .map(|x| x.name.clone())
                .unwrap_or_default(),
        };
        let today = self.today().format("%d/%m/%Y").to_string();
        ingest::registry::write_xlsx(file, &shown, &title, &today).map_err(anyhow::Error::from)?;
        s.record(
            &actor.name,
            "registry.export",
            "community",
            serde_json::json!({"file": file.display().to_string(), "rows": shown.len(), "via": via}),
        )?;
        Ok(shown.len())
    }
}

/// The page if it exists and is within `scope` (the actor's units).
fn visible_page(
    s: &mut store::Store,
    scope: &Option<HashSet<String>>,
    id: CommunityId,
) -> Result<Community, Error> {
    let Some(c) = s.community(id)? else {
        return Err(Error::new(
            crate::ErrorKind::NotFound,
            "Không có trang, kênh, nhóm này.",
        ));
    };
    if !in_scope(&c, scope) {
        return Err(Error::forbidden(Permission::ViewRegister));
    }
    Ok(c)
}
