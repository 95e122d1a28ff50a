//! The register's use cases: which units an actor sees (the one unit scope), and importing an
//! office's spreadsheet — read apart from the store (the slow part, which a server runs beside
//! other work), then written within the actor's scope in one transaction.

use crate::{Actor, App, Error};
use domain::{Community, CommunityRecord, Permission, Role, Unit, UnitId};
use ingest::registry::{RowIssue, Sheet};
use std::collections::HashSet;
use std::path::Path;

/// Names of the units a role sees: None for every unit (roles that see across units, and
/// analysts, who see aggregates of all), else the subtree under the actor's unit (empty when it
/// has none).
pub fn visible_units(units: &[Unit], role: Role, unit: Option<UnitId>) -> Option<HashSet<String>> {
    if role.sees_all_units() || role == Role::Analyst {
        return None;
    }
    let Some(root) = unit else {
        return Some(HashSet::new());
    };
    Some(subtree(units, root))
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
        let scope = visible_units(&store.units()?, actor.role, actor.unit);
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
