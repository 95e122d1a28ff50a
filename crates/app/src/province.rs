//! A commune moved into a province's database (`sokenh migrate`): its embedded store copied as
//! it is into the province's PostgreSQL under the province's root unit, as one tenant.
//!
//! Every row keeps its content; ids are moved past the province's own (one offset a table,
//! applied to the id and to every column and list that names a row of that table), so nothing
//! of either side changes meaning. The province-wide tables keyed by text (fact-checks, rule
//! packs, known false matches…) keep what the province already has and take the rest. The
//! commune's audit chain is checked first and carried event by event onto the province's chain,
//! each with its entity's new id, then closed by a bridge event that names the commune's last
//! hash and the counts; the tenant row records it, so running the command again adds nothing.
//! All of it is one transaction: a conflict (an account name or a page already taken in the
//! province) leaves the province database as it was and says which.
//!
//! Also the province's overview ([`crate::App::province_overview`]): every commune in counts,
//! never a person, for the province's roles.

use crate::Error;
use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use store::{Cell, Store};

/// How a column names another row.
#[derive(Clone, Copy)]
enum Ref {
    /// An id of that table.
    Id(&'static str),
    /// A JSON list of that table's ids.
    Ids(&'static str),
}

/// One table as the copy sees it.
struct Spec {
    table: &'static str,
    /// An integer `id` that moves past the province's.
    id: bool,
    /// Province-wide and keyed by text: rows the province has are kept, the others copied.
    shared: bool,
    refs: &'static [(&'static str, Ref)],
}

const fn own(table: &'static str, refs: &'static [(&'static str, Ref)]) -> Spec {
    Spec {
        table,
        id: true,
        shared: false,
        refs,
    }
}

const fn hanging(table: &'static str, refs: &'static [(&'static str, Ref)]) -> Spec {
    Spec {
        table,
        id: false,
        shared: false,
        refs,
    }
}

const fn shared(table: &'static str) -> Spec {
    Spec {
        table,
        id: false,
        shared: true,
        refs: &[],
    }
}

use Ref::{Id, Ids};

/// Every table of the store, parents before the rows that name them. A table the store has and
/// this list does not stops the copy (a new migration must say how its table moves).
const TABLES: &[Spec] = &[
    own("units", &[("parent_id", Id("units"))]),
    own("communities", &[]),
    own("size_snapshots", &[("community_id", Id("communities"))]),
    own("name_history", &[("community_id", Id("communities"))]),
    hanging("community_avatars", &[("community_id", Id("communities"))]),
    own("members", &[("unit_id", Id("units"))]),
    hanging(
        "participations",
        &[
            ("member_id", Id("members")),
            ("community_id", Id("communities")),
        ],
    ),
    hanging("commitments", &[("member_id", Id("members"))]),
    hanging(
        "ownership_decisions",
        &[
            ("member_id", Id("members")),
            ("community_id", Id("communities")),
        ],
    ),
    own(
        "users",
        &[("unit_id", Id("units")), ("member_id", Id("members"))],
    ),
    hanging("sessions", &[("user_id", Id("users"))]),
    own("api_tokens", &[("unit_id", Id("units"))]),
    own("items", &[("community_id", Id("communities"))]),
    own("signals", &[("item_id", Id("items"))]),
    own("alerts", &[]),
    hanging("alert_items", &[("alert_id", Id("alerts"))]),
    own(
        "cases",
        &[
            ("community_id", Id("communities")),
            ("merged_into", Id("cases")),
            ("alert_ids", Ids("alerts")),
        ],
    ),
    hanging("evidence", &[("case_id", Id("cases"))]),
    own("library_documents", &[("unit_id", Id("units"))]),
    own("sources", &[]),
    hanging("source_items", &[("source_id", Id("sources"))]),
    own("channel_checks", &[("community_id", Id("communities"))]),
    own("tip_groups", &[("case_id", Id("cases"))]),
    own("tips", &[("group_id", Id("tip_groups"))]),
    hanging("tip_pictures", &[("tip_id", Id("tips"))]),
    own(
        "warnings",
        &[("case_id", Id("cases")), ("group_id", Id("tip_groups"))],
    ),
    own("share_partners", &[]),
    shared("case_deadlines"),
    shared("checkpoints"),
    shared("factchecks"),
    shared("feed_state"),
    shared("indicator_sightings"),
    shared("rule_packs"),
    shared("rule_shadow"),
    shared("shared_indicators"),
    shared("suppressions"),
    shared("taxii_statuses"),
    shared("tip_channels"),
    shared("url_lists"),
];

/// Tables the copy leaves alone: the audit chain (carried event by event), the target's own
/// record of the communes it took in, the commune servers' shared work (the province's
/// servers schedule their own), the commune's key fingerprint (the province's servers hold
/// the province's key), its retention policies (the province sets its own) and its log of
/// purged posts (of its own ids, for its own index: the posts are gone already).
const NOT_COPIED: &[&str] = &[
    "audit_events",
    "tenants",
    "jobs",
    "deployment_keys",
    "retention",
    "purged_items",
];

/// The tables whose rows carry their commune (`tenant_id`, PostgreSQL's row-level security).
/// Their triggers derive it from the row each hangs on; a row copied from a commune's store is
/// given it as well, for the rows that hang on nothing of the register (a post on a page outside
/// it).
const TENANT_TABLES: &[&str] = &[
    "units",
    "communities",
    "size_snapshots",
    "name_history",
    "members",
    "participations",
    "commitments",
    "users",
    "items",
    "signals",
    "cases",
    "evidence",
];

/// The audit log's entity names whose id is a row of a moved table.
const AUDITED: &[(&str, &str)] = &[
    ("unit", "units"),
    ("community", "communities"),
    ("member", "members"),
    ("user", "users"),
    ("api_token", "api_tokens"),
    ("item", "items"),
    ("signal", "signals"),
    ("alert", "alerts"),
    ("case", "cases"),
    ("document", "library_documents"),
    ("source", "sources"),
    ("tip", "tips"),
    ("tip_group", "tip_groups"),
    ("warning", "warnings"),
    ("share_partner", "share_partners"),
];

/// Rows read and written at a time.
const BATCH: usize = 2_000;

/// One table's counts: rows in the commune's store, rows written, and (a province-wide table)
/// rows the province already had under the same key.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct TableCopy {
    pub source: u64,
    pub copied: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub kept: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What `sokenh migrate` did.
#[derive(Debug, Clone, Serialize)]
pub struct Migration {
    pub tenant: u32,
    pub commune: String,
    /// The commune's unit in the province database.
    pub unit_id: i64,
    pub tables: BTreeMap<String, TableCopy>,
    /// The province chain's event that closes the carried events.
    pub audit_bridge: i64,
    /// Evidence and library files copied into the province's data dir (files there already
    /// are not counted).
    pub files: u64,
    /// The commune was taken in before, from the same chain: nothing was added.
    pub already_migrated: bool,
    /// Units whose name the province had already (or the root «Đơn vị gốc»), and the name
    /// each has there.
    pub renamed_units: BTreeMap<String, String>,
    /// Accounts whose name the province had already, and the name each signs in with there.
    pub renamed_accounts: BTreeMap<String, String>,
    /// Both chains verify and every table's rows are all in the province database.
    pub ok: bool,
}

/// Copies the commune store at `from` (a SQLite file) into `to` (the province database), the
/// commune's files from `from`'s directory into `to_dir`. `code` is the commune's GSO code; it
/// must be the code of the commune store's root unit.
pub fn migrate(
    from: &Path,
    to: &mut Store,
    to_dir: &Path,
    code: u32,
    actor: &str,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Migration> {
    let commune = domain::ward_by_code(code).ok_or_else(|| {
        anyhow!(
            "mã {code} không có trong danh mục đơn vị hành chính (GSO) / not a GSO commune code"
        )
    })?;
    if !from.is_file() {
        bail!(
            "không thấy cơ sở dữ liệu {} / no such SQLite file",
            from.display()
        );
    }
    let mut source = crate::db::open(
        from.parent().unwrap_or(Path::new(".")),
        Some(&format!("sqlite://{}", from.display())),
    )?;
    let chain = source.verify_audit()?;
    if !chain.ok {
        bail!(
            "nhật ký kiểm toán của xã không toàn vẹn (sự kiện {}): không chuyển / the commune's audit chain is broken at event {}",
            chain.first_bad.unwrap_or(0),
            chain.first_bad.unwrap_or(0)
        );
    }
    let (_, head_hash) = source
        .audit_head_hash()?
        .unwrap_or((0, store::audit::GENESIS.to_owned()));
    let units = source.units()?;
    let roots: Vec<_> = units.iter().filter(|u| u.parent.is_none()).collect();
    let [root] = roots[..] else {
        bail!(
            "sổ của xã phải có đúng một đơn vị gốc (có {}) / the commune store must have one root unit",
            roots.len()
        );
    };
    if root.locality_code.is_some_and(|c| c != code) {
        bail!(
            "đơn vị gốc «{}» mang mã {} chứ không phải {code} ({}) / the root unit's code is not {code}",
            root.name,
            root.locality_code
                .map_or_else(|| "(trống)".to_owned(), |c| c.to_string()),
            commune.ward_name
        );
    }
    let names = source.table_names()?;
    for t in &names {
        if !NOT_COPIED.contains(&t.as_str()) && !TABLES.iter().any(|s| s.table == t) {
            bail!("bảng «{t}» chưa có cách chuyển / no rule to move table {t}");
        }
    }
    if to.backend_name() != "postgres" {
        bail!("chỉ chuyển vào cơ sở dữ liệu PostgreSQL của tỉnh / the target must be postgres://");
    }
    if let Some(done) = tenant_record(to, code)? {
        if done.source_head != head_hash {
            bail!(
                "xã {code} đã được chuyển vào từ một sổ khác hoặc cũ hơn (sự kiện cuối {}): không chuyển lại / already taken in from another state of its store",
                &done.source_head[..12]
            );
        }
        let mut tables = BTreeMap::new();
        for spec in TABLES {
            if names.iter().any(|n| n == spec.table) {
                let n = source.count_rows(spec.table)?;
                tables.insert(
                    spec.table.to_owned(),
                    TableCopy {
                        source: n,
                        copied: 0,
                        kept: 0,
                    },
                );
            }
        }
        tables.insert(
            "audit_events".to_owned(),
            TableCopy {
                // Counted, not the newest id: a retention purge may have deleted the oldest.
                source: source.audit_events()?.len() as u64,
                copied: 0,
                kept: 0,
            },
        );
        let ok = to.verify_audit()?.ok;
        return Ok(Migration {
            tenant: code,
            commune: commune.ward_name.clone(),
            unit_id: done.unit_id,
            tables,
            audit_bridge: done.bridge_event,
            files: 0,
            already_migrated: true,
            renamed_units: BTreeMap::new(),
            renamed_accounts: BTreeMap::new(),
            ok,
        });
    }

    // Unit names are one namespace in the province, and pages name their unit: a register
    // started from a spreadsheet has the root «Đơn vị gốc», without a code, which takes the
    // commune's name; a unit whose name another commune took first (every commune has its
    // «Chi bộ thôn 1») comes in with its commune's name after it — the pages naming it with it.
    let target_units = to.units()?;
    let taken: std::collections::HashSet<&str> =
        target_units.iter().map(|u| u.name.as_str()).collect();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    if root.name == store::DEFAULT_ROOT {
        renamed.insert(root.name.clone(), commune_root_name(&commune.ward_name));
    }
    for u in &units {
        let name = renamed.get(&u.name).unwrap_or(&u.name);
        if let Some(qualified) = qualified(
            "đơn vị",
            &taken,
            name,
            format!("{name} ({})", commune.ward_name),
        )? {
            renamed.insert(u.name.clone(), qualified);
        }
    }
    // Account names are one namespace too (they sign in with them): one another commune brought
    // first comes in with the commune's code after it — `congan.15211` —, and the cases given
    // to it with it; the report names each, for the operator to tell its holder.
    let target_users = to.users()?;
    let taken: std::collections::HashSet<&str> =
        target_users.iter().map(|u| u.username.as_str()).collect();
    let mut renamed_accounts: BTreeMap<String, String> = BTreeMap::new();
    for u in source.users()? {
        let name = format!("{}.{code}", u.username);
        if let Some(qualified) = qualified("tài khoản", &taken, &u.username, name)? {
            renamed_accounts.insert(u.username, qualified);
        }
    }
    let root_of_no_code = root.locality_code.is_none().then_some(root.name.as_str());

    // The province's root: the one the database has, or the province of this commune.
    let province_root = {
        let target_roots: Vec<_> = target_units.iter().filter(|u| u.parent.is_none()).collect();
        match target_roots[..] {
            [] => {
                to.create_unit(
                    actor,
                    &format!("Tỉnh {}", commune.province_name),
                    None,
                    None,
                )?
                .id
            }
            [one] => one.id,
            _ => bail!(
                "cơ sở dữ liệu của tỉnh có {} đơn vị gốc; cần đúng một / the province database must have one root unit",
                target_roots.len()
            ),
        }
    };

    let events = source.audit_events()?;
    let commune_screened = source.checkpoint("scan")?;
    let mut migration = to
        .transaction(|to| {
            let mut offsets: HashMap<&str, i64> = HashMap::new();
            for spec in TABLES.iter().filter(|s| s.id) {
                offsets.insert(spec.table, to.max_id(spec.table)?);
            }
            // Whether the province had screened every post it held: then the commune's posts
            // its own store screened (up to its checkpoint) count as screened here too.
            let province_screened = to.checkpoint("scan")?.unwrap_or(0) as i64 >= offsets["items"];
            let unit_id = root.id.0 + offsets["units"];
            // The bridge's id is known before: writers take turns, so the chain grows only here.
            let bridge_id = to.audit_head()? + events.len() as i64 + 1;
            to.write_rows(
                "tenants",
                &[
                    "code",
                    "unit_id",
                    "name",
                    "source_head",
                    "source_events",
                    "bridge_event",
                    "migrated_by",
                    "migrated_at",
                ]
                .map(str::to_owned),
                &[vec![
                    Cell::Int(i64::from(code)),
                    Cell::Int(unit_id),
                    Cell::Text(commune.ward_name.clone()),
                    Cell::Text(head_hash.clone()),
                    Cell::Int(events.len() as i64),
                    Cell::Int(bridge_id),
                    Cell::Text(actor.to_owned()),
                    Cell::Text(
                        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    ),
                ]],
                false,
            )?;
            let mut tables = BTreeMap::new();
            for spec in TABLES {
                if !names.iter().any(|n| n == spec.table) {
                    continue;
                }
                let total = source.count_rows(spec.table)?;
                let mut copy = TableCopy {
                    source: total,
                    ..TableCopy::default()
                };
                let mut after = 0;
                loop {
                    let batch = source.read_rows(spec.table, after, BATCH)?;
                    if batch.rows.is_empty() {
                        break;
                    }
                    after = batch.next;
                    let mut rows = batch.rows;
                    let mut columns = batch.columns;
                    let tenanted = TENANT_TABLES.contains(&spec.table);
                    if tenanted {
                        columns.push("tenant_id".to_owned());
                    }
                    for row in &mut rows {
                        if tenanted {
                            row.push(Cell::Int(unit_id));
                        }
                        remap(spec, &columns, row, &offsets, province_root.0)?;
                        // A commune's accounts and tokens of no unit saw the whole commune:
                        // placed at its root they still do, and no more than it
                        // (`domain::User::commune`) — not the whole province.
                        if matches!(spec.table, "users" | "api_tokens")
                            && let Some(k) = columns.iter().position(|c| c == "unit_id")
                            && matches!(row[k], Cell::Null)
                        {
                            row[k] = Cell::Int(unit_id);
                        }
                        rename_units(spec.table, &columns, row, &renamed, code, root_of_no_code);
                        rename_accounts(spec.table, &columns, row, &renamed_accounts);
                    }
                    let written = to.write_rows(spec.table, &columns, &rows, spec.shared)?;
                    copy.copied += written;
                    if spec.shared {
                        copy.kept += rows.len() as u64 - written;
                    }
                    progress(spec.table, copy.copied + copy.kept, total);
                }
                if spec.id {
                    to.ids_written(spec.table)?;
                }
                tables.insert(spec.table.to_owned(), copy);
            }
            // The province's screening goes on after the commune's screened posts, not through
            // them again (their signals and alerts came with them: screened again, each alert
            // would be raised twice). The checkpoints table is shared, so the commune's own
            // position was not copied over the province's.
            if province_screened && let Some(p) = commune_screened {
                to.move_checkpoint_forward("scan", p as i64 + offsets["items"])?;
            }
            // The commune's chain, carried.
            let mut first_carried = None;
            for (k, e) in events.iter().enumerate() {
                let id =
                    to.carry_audit(e, &carried_entity_id(&e.entity, &e.entity_id, &offsets))?;
                first_carried.get_or_insert(id);
                if k % 1000 == 0 {
                    progress("audit_events", k as u64, events.len() as u64);
                }
            }
            tables.insert(
                "audit_events".to_owned(),
                TableCopy {
                    source: events.len() as u64,
                    copied: events.len() as u64,
                    kept: 0,
                },
            );
            let bridge = to.audit_now(
                actor,
                "tenant.migrate",
                "tenant",
                &code.to_string(),
                serde_json::json!({
                    "commune": commune.ward_name,
                    "unit_id": unit_id,
                    "source_events": events.len(),
                    "source_head": head_hash,
                    "source_chain_verified": true,
                    "carried_from": first_carried,
                    "tables": tables,
                    "renamed_units": renamed,
                    "renamed_accounts": renamed_accounts,
                }),
            )?;
            if bridge != bridge_id {
                return Err(store::StoreError::Invalid(format!(
                    "sự kiện nối {bridge} khác dự kiến {bridge_id} / the bridge event moved"
                )));
            }
            Ok(Migration {
                tenant: code,
                commune: commune.ward_name.clone(),
                unit_id,
                ok: tables.values().all(|t| t.copied + t.kept == t.source),
                tables,
                audit_bridge: bridge,
                files: 0,
                already_migrated: false,
                renamed_units: renamed.clone(),
                renamed_accounts: renamed_accounts.clone(),
            })
        })
        .map_err(|e| anyhow::Error::from(Error::from(e)))
        .context("không chuyển được; cơ sở dữ liệu của tỉnh giữ nguyên / nothing was written")?;
    migration.files = copy_files(from.parent().unwrap_or(Path::new(".")), to_dir)?;
    migration.ok &= to.verify_audit()?.ok;
    Ok(migration)
}

/// The tenant row of a commune taken in before.
struct TenantRecord {
    unit_id: i64,
    source_head: String,
    bridge_event: i64,
}

fn tenant_record(to: &mut Store, code: u32) -> Result<Option<TenantRecord>> {
    let mut after = 0;
    loop {
        let batch = to.read_rows("tenants", after, BATCH)?;
        if batch.rows.is_empty() {
            return Ok(None);
        }
        after = batch.next;
        let col = |row: &[Cell], name: &str| {
            batch
                .columns
                .iter()
                .position(|c| c == name)
                .map(|k| row[k].clone())
        };
        for row in &batch.rows {
            if col(row, "code").and_then(|c| c.as_int()) == Some(i64::from(code)) {
                let text = |name| match col(row, name) {
                    Some(Cell::Text(t)) => t,
                    _ => String::new(),
                };
                return Ok(Some(TenantRecord {
                    unit_id: col(row, "unit_id").and_then(|c| c.as_int()).unwrap_or(0),
                    source_head: text("source_head"),
                    bridge_event: col(row, "bridge_event")
                        .and_then(|c| c.as_int())
                        .unwrap_or(0),
                }));
            }
        }
    }
}

/// A row's ids moved by their tables' offsets; the commune's root hangs under the province's.
fn remap(
    spec: &Spec,
    columns: &[String],
    row: &mut [Cell],
    offsets: &HashMap<&str, i64>,
    province_root: i64,
) -> store::Result<()> {
    if spec.id
        && let Some(k) = columns.iter().position(|c| c == "id")
        && let Cell::Int(id) = row[k]
    {
        row[k] = Cell::Int(id + offsets[spec.table]);
    }
    if spec.table == "checkpoints" {
        // The screening position is an item id; the others count lines of a file.
        let is_scan = columns
            .iter()
            .position(|c| c == "source")
            .is_some_and(|k| row[k] == Cell::Text("scan".into()));
        if is_scan
            && let Some(k) = columns.iter().position(|c| c == "position")
            && let Cell::Int(p) = row[k]
        {
            row[k] = Cell::Int(p + offsets["items"]);
        }
    }
    for (column, r) in spec.refs {
        let Some(k) = columns.iter().position(|c| c == column) else {
            continue;
        };
        match (r, &row[k]) {
            (Id("units"), Cell::Null) if spec.table == "units" => {
                row[k] = Cell::Int(province_root);
            }
            (Id(table), Cell::Int(v)) => row[k] = Cell::Int(v + offsets[table]),
            (Ids(table), Cell::Text(list)) => {
                let ids: Vec<i64> = serde_json::from_str(list).map_err(|e| {
                    store::StoreError::Corrupt(format!("{}.{column}: {e}", spec.table))
                })?;
                let moved: Vec<i64> = ids.iter().map(|v| v + offsets[table]).collect();
                row[k] = Cell::Text(serde_json::to_string(&moved).unwrap_or_default());
            }
            _ => {}
        }
    }
    Ok(())
}

/// «Đảng bộ xã Thạch Bình» for «Xã Thạch Bình»: the commune's Party organisation, the root of
/// its register.
pub fn commune_root_name(ward: &str) -> String {
    for kind in ["Xã ", "Phường ", "Đặc khu "] {
        if let Some(rest) = ward.strip_prefix(kind) {
            return format!("Đảng bộ {}{rest}", kind.to_lowercase());
        }
    }
    format!("Đảng bộ {ward}")
}

/// The name `name` takes in the province: none when it is free there, else `qualified` — when
/// that is free too (a unit's or an account's name taken even so is a conflict).
fn qualified(
    what: &str,
    taken: &std::collections::HashSet<&str>,
    name: &str,
    qualified: String,
) -> Result<Option<String>> {
    if !taken.contains(name) {
        return Ok(None);
    }
    if taken.contains(qualified.as_str()) {
        bail!(
            "{what} «{qualified}» đã có trong cơ sở dữ liệu của tỉnh: không chuyển / name taken in the province"
        );
    }
    Ok(Some(qualified))
}

/// A row's unit names as the province has them ([`migrate`]'s `renamed`): a unit's own name —
/// the root of no code given the commune's `code` as well —, a page's unit and the unit whose
/// official channel it is.
fn rename_units(
    table: &str,
    columns: &[String],
    row: &mut [Cell],
    renamed: &BTreeMap<String, String>,
    code: u32,
    root_of_no_code: Option<&str>,
) {
    let names: &[&str] = match table {
        "units" => &["name"],
        "communities" => &["unit", "official_of"],
        _ => return,
    };
    for column in names {
        let Some(k) = columns.iter().position(|c| c == column) else {
            continue;
        };
        let Cell::Text(old) = row[k].clone() else {
            continue;
        };
        if table == "units"
            && root_of_no_code == Some(old.as_str())
            && let Some(l) = columns.iter().position(|c| c == "locality_code")
        {
            row[l] = Cell::Int(i64::from(code));
        }
        if let Some(new) = renamed.get(&old) {
            row[k] = Cell::Text(new.clone());
        }
    }
}

/// A row's account names as the province has them ([`migrate`]'s `renamed_accounts`): an
/// account's own, and the one a case is given to. Who did what (`opened_by`, the audit log's
/// actors…) stays as it was recorded.
fn rename_accounts(
    table: &str,
    columns: &[String],
    row: &mut [Cell],
    renamed: &BTreeMap<String, String>,
) {
    let column = match table {
        "users" => "username",
        "cases" => "assignee",
        _ => return,
    };
    if let Some(k) = columns.iter().position(|c| c == column)
        && let Cell::Text(old) = &row[k]
        && let Some(new) = renamed.get(old)
    {
        row[k] = Cell::Text(new.clone());
    }
}

/// An audit event's entity id as it is in the province: a row id moved by its table's offset;
/// a participation's `member:community` both moved; anything else as it was.
fn carried_entity_id(entity: &str, id: &str, offsets: &HashMap<&str, i64>) -> String {
    if entity == "participation"
        && let Some((m, c)) = id.split_once(':')
        && let (Ok(m), Ok(c)) = (m.parse::<i64>(), c.parse::<i64>())
    {
        return format!("{}:{}", m + offsets["members"], c + offsets["communities"]);
    }
    match (
        AUDITED.iter().find(|(e, _)| *e == entity),
        id.parse::<i64>(),
    ) {
        (Some((_, table)), Ok(v)) => (v + offsets[table]).to_string(),
        _ => id.to_owned(),
    }
}

/// The commune's evidence and library files into the province's data dir, each under its
/// SHA-256 as before; a file already there is left as it is. How many were copied.
fn copy_files(from_dir: &Path, to_dir: &Path) -> Result<u64> {
    let mut copied = 0;
    for folder in ["evidence", "library"] {
        for file in crate::backup::walk(&from_dir.join(folder))? {
            let Ok(name) = file.strip_prefix(from_dir) else {
                continue;
            };
            let target = to_dir.join(name);
            if target.exists() || name.extension().is_some_and(|e| e == "partial") {
                continue;
            }
            std::fs::create_dir_all(target.parent().unwrap_or(to_dir))?;
            let partial = target.with_extension("partial");
            std::fs::copy(&file, &partial)
                .with_context(|| format!("không chép được {} / cannot copy", file.display()))?;
            std::fs::rename(&partial, &target)?;
            copied += 1;
        }
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_without_a_name_takes_the_communes() {
        assert_eq!(commune_root_name("Xã Thạch Bình"), "Đảng bộ xã Thạch Bình");
        assert_eq!(
            commune_root_name("Phường Hạc Thành"),
            "Đảng bộ phường Hạc Thành"
        );
    }

    #[test]
    fn an_audited_id_moves_with_its_table_and_other_ids_stay() {
        let offsets = HashMap::from([("cases", 100), ("members", 10), ("communities", 7)]);
        assert_eq!(carried_entity_id("case", "3", &offsets), "103");
        assert_eq!(carried_entity_id("participation", "2:5", &offsets), "12:12");
        assert_eq!(
            carried_entity_id("rule_pack", "scam.toml", &offsets),
            "scam.toml"
        );
        assert_eq!(carried_entity_id("case", "", &offsets), "");
    }

    #[test]
    fn a_row_moves_its_id_its_references_and_its_lists() {
        let offsets = HashMap::from([
            ("cases", 100),
            ("communities", 7),
            ("alerts", 50),
            ("units", 3),
        ]);
        let spec = TABLES.iter().find(|s| s.table == "cases").unwrap();
        let columns: Vec<String> = ["id", "community_id", "merged_into", "alert_ids", "title"]
            .map(str::to_owned)
            .to_vec();
        let mut row = vec![
            Cell::Int(2),
            Cell::Int(4),
            Cell::Null,
            Cell::Text("[1,3]".into()),
            Cell::Text("Lừa đảo".into()),
        ];
        remap(spec, &columns, &mut row, &offsets, 1).unwrap();
        assert_eq!(
            row,
            vec![
                Cell::Int(102),
                Cell::Int(11),
                Cell::Null,
                Cell::Text("[51,53]".into()),
                Cell::Text("Lừa đảo".into()),
            ]
        );
        let units = TABLES.iter().find(|s| s.table == "units").unwrap();
        let columns: Vec<String> = ["id", "parent_id"].map(str::to_owned).to_vec();
        let mut root = vec![Cell::Int(1), Cell::Null];
        remap(units, &columns, &mut root, &offsets, 1).unwrap();
        assert_eq!(root, vec![Cell::Int(4), Cell::Int(1)]);
    }
}

/// The province's overview: each commune in counts, posts over the last [`OVERVIEW_DAYS`].
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Posts are counted from this time (RFC 3339, Vietnam).
    pub since: String,
    pub communes: Vec<store::TenantFigures>,
}

/// The days of posts the overview counts.
pub const OVERVIEW_DAYS: i64 = 30;

impl crate::App {
    /// Every commune of a province database in counts (pages, members, declarations,
    /// commitments, recent posts, open and overdue cases), for a role that sees every unit and
    /// reads cases; an empty list where the database holds one commune (SQLite).
    pub fn province_overview(
        &self,
        actor: &crate::Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Overview, Error> {
        actor.require_province(domain::Permission::ViewCases)?;
        if !actor.role.sees_all_units() {
            return Err(Error::forbidden(domain::Permission::ViewCases));
        }
        let since = (now - chrono::Duration::days(OVERVIEW_DAYS))
            .with_timezone(&ingest::posts::vietnam())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let communes = self
            .store()?
            .tenant_figures(&since, &crate::utc_stamp(now))?;
        Ok(Overview { since, communes })
    }
}
