//! Backups of a deployment and their restore (`sokenh backup FILE`, `sokenh restore FILE`).
//!
//! A backup is one ZIP file: `sokenh-backup.json` (what it holds: the backend, every table's
//! row count, the audit chain's length and last hash), the database — `sokenh.db`, a consistent
//! copy made by SQLite's online backup while the server goes on writing, or `sokenh.pgdump`,
//! `pg_dump`'s custom format checked by `pg_restore --list` — and the data dir's files the
//! database names or needs: `evidence/`, `library/`, `model/` and the keys — `pseudonym.key`
//! (without it the authors of new posts would get other pseudonyms and the sealed credentials
//! could not be opened), `share-signing.key`, `share-keys.json` — written back owner-only. The search index is not kept: it is
//! rebuilt from the store after a restore.
//!
//! A restore goes only into an empty place (a data dir without a store, a database without
//! sokenh's tables or with an empty audit log), writes the database under a temporary name and
//! renames it, and then checks what it restored: the audit chain verifies, and every table has
//! the rows the backup counted. The command exits 0 only then.

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The manifest's name inside the archive.
const MANIFEST: &str = "sokenh-backup.json";
/// The data dir's files a backup carries: folders, then single files.
const FOLDERS: &[&str] = &["evidence", "library", "model"];
/// The deployment's keys: pseudonyms and sealed credentials (`pseudonym.key`), the office's
/// signature on shared bundles and its keys for hashed numbers.
const FILES: &[&str] = &["pseudonym.key", "share-signing.key", "share-keys.json"];

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// "sqlite" or "postgres".
    pub backend: String,
    pub created_at: String,
    pub version: String,
    pub tables: BTreeMap<String, u64>,
    pub audit_events: u64,
    pub audit_ok: bool,
    /// The last audit event's hash (the chain a restore must give back).
    pub audit_head: String,
    /// Data-dir files in the archive, by path under the data dir.
    pub files: u64,
}

/// What `sokenh backup` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Backup {
    pub file: PathBuf,
    pub bytes: u64,
    #[serde(flatten)]
    pub manifest: Manifest,
}

/// One table after a restore: the rows the backup counted and the rows there now.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableCheck {
    pub expected: u64,
    pub restored: u64,
}

/// What `sokenh restore` found.
#[derive(Debug, Clone, Serialize)]
pub struct Restore {
    pub backend: String,
    pub tables: BTreeMap<String, TableCheck>,
    pub files: u64,
    pub audit_events: u64,
    pub audit_ok: bool,
    /// The restored chain ends on the hash the backup recorded.
    pub audit_head_matches: bool,
    /// Posts put back into the search index.
    pub indexed: u64,
    /// The chain verifies, ends where the backup's did, and every table's count is equal.
    pub ok: bool,
}

/// The SQLite file a deployment keeps its store in (`None` on PostgreSQL).
fn sqlite_file(data_dir: &Path, url: Option<&str>) -> Option<PathBuf> {
    match url {
        Some(u) if is_postgres(Some(u)) => None,
        Some(u) => Some(PathBuf::from(u.trim_start_matches("sqlite://"))),
        None => Some(data_dir.join("sokenh.db")),
    }
}

fn is_postgres(url: Option<&str>) -> bool {
    url.is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// Writes a backup of the deployment (`data_dir`, and the database `url` names) to `file`.
pub fn backup(
    data_dir: &Path,
    url: Option<&str>,
    file: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Backup> {
    if file.exists() {
        bail!(
            "{} đã có: chọn tên khác, bản sao lưu không ghi đè / the file exists",
            file.display()
        );
    }
    if let Some(db) = sqlite_file(data_dir, url)
        && !db.is_file()
    {
        bail!(
            "không có cơ sở dữ liệu {}: không có gì để sao lưu / no store to back up",
            db.display()
        );
    }
    let mut store = crate::db::open(data_dir, url)?;
    let backend = store.backend_name().to_owned();
    let scratch = tempfile::tempdir_in(
        file.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )
    .context("không tạo được thư mục tạm cạnh tệp sao lưu / cannot make a scratch dir")?;
    progress("cơ sở dữ liệu / database");
    let (db_name, db_copy) = if is_postgres(url) {
        let dump = scratch.path().join("sokenh.pgdump");
        run(
            Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(&dump)
                .arg(url.unwrap_or_default()),
            "pg_dump",
        )?;
        let list = run(
            Command::new("pg_restore").arg("--list").arg(&dump),
            "pg_restore --list",
        )?;
        if !list.contains("TABLE DATA") || !list.contains("audit_events") {
            bail!("bản pg_dump không có dữ liệu nhật ký kiểm toán / the dump holds no audit log");
        }
        ("sokenh.pgdump", dump)
    } else {
        let copy = scratch.path().join("sokenh.db");
        store.backup_into(&copy)?;
        ("sokenh.db", copy)
    };
    // The counts are the copy's own (SQLite) or taken right after the dump (PostgreSQL: a
    // restore then compares with what the dump saw, give or take the writes in between; a
    // server that keeps writing should be backed up through pg_basebackup, docs/province.md).
    let mut counted = if is_postgres(url) {
        store
    } else {
        crate::db::open(
            scratch.path(),
            Some(&format!("sqlite://{}", db_copy.display())),
        )?
    };
    let chain = counted.verify_audit()?;
    let manifest_tables = counted.table_counts()?;
    let head = counted
        .audit_head_hash()?
        .map(|(_, h)| h)
        .unwrap_or_else(|| store::audit::GENESIS.to_owned());
    drop(counted);

    let partial = file.with_extension("partial");
    let out = std::fs::File::create(&partial)
        .with_context(|| format!("không ghi được {} / cannot write", partial.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(out));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file(db_name, options)?;
    std::io::copy(&mut std::fs::File::open(&db_copy)?, &mut zip)?;
    let mut files = 0;
    progress("tệp / files");
    for folder in FOLDERS {
        for path in walk(&data_dir.join(folder))? {
            let name = path
                .strip_prefix(data_dir)
                .map_err(|_| anyhow!("{}", path.display()))?
                .to_string_lossy()
                .replace('\\', "/");
            if name.ends_with(".partial") {
                continue;
            }
            zip.start_file(name, options)?;
            std::io::copy(&mut std::fs::File::open(&path)?, &mut zip)?;
            files += 1;
        }
    }
    for single in FILES {
        let path = data_dir.join(single);
        if path.is_file() {
            zip.start_file(*single, options)?;
            std::io::copy(&mut std::fs::File::open(&path)?, &mut zip)?;
            files += 1;
        }
    }
    let manifest = Manifest {
        format: 1,
        backend,
        created_at: chrono::Utc::now().to_rfc3339(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        tables: manifest_tables,
        audit_events: chain.events,
        audit_ok: chain.ok,
        audit_head: head,
        files,
    };
    zip.start_file(MANIFEST, options)?;
    zip.write_all(serde_json::to_string_pretty(&manifest)?.as_bytes())?;
    let mut inner = zip.finish()?;
    inner.flush()?;
    inner.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, file)?;
    Ok(Backup {
        bytes: std::fs::metadata(file)?.len(),
        file: file.to_owned(),
        manifest,
    })
}

/// Restores `file` into `data_dir` (and the database `url` names), then checks it.
pub fn restore(
    data_dir: &Path,
    url: Option<&str>,
    file: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Restore> {
    let archive = std::fs::File::open(file)
        .with_context(|| format!("không mở được {} / cannot open", file.display()))?;
    let mut zip = zip::ZipArchive::new(archive).with_context(|| {
        format!(
            "{} không phải bản sao lưu của sokenh (không đọc được ZIP) / not a sokenh backup",
            file.display()
        )
    })?;
    let manifest: Manifest = {
        let mut text = String::new();
        zip.by_name(MANIFEST)
            .with_context(|| format!("{} thiếu {MANIFEST} / not a sokenh backup", file.display()))?
            .read_to_string(&mut text)?;
        serde_json::from_str(&text).context("sokenh-backup.json hỏng / unreadable manifest")?
    };
    let wanted = if is_postgres(url) {
        "postgres"
    } else {
        "sqlite"
    };
    if manifest.backend != wanted {
        bail!(
            "bản sao lưu này của {} mà nơi khôi phục là {wanted}; chuyển giữa hai loại bằng `sokenh migrate` / backend mismatch",
            manifest.backend
        );
    }
    // Every entry's name checked before anything is written: a hostile archive leaves nothing.
    let mut carried = Vec::new();
    for k in 0..zip.len() {
        let entry = zip.by_index(k)?;
        let Some(name) = entry.enclosed_name() else {
            bail!("tên tệp không an toàn trong bản sao lưu (mục {k}) / unsafe path");
        };
        let first = name
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        if (FOLDERS.contains(&first.as_str()) || FILES.iter().any(|f| Path::new(f) == name))
            && !entry.is_dir()
        {
            carried.push((k, name));
        }
    }
    std::fs::create_dir_all(data_dir)?;
    progress("cơ sở dữ liệu / database");
    if is_postgres(url) {
        let url = url.unwrap_or_default();
        // Asked without migrating it: sokenh's tables may not be there at all.
        let events = store_postgres::audit_events_without_migrating(url)
            .context("không kết nối được PostgreSQL / cannot open the PostgreSQL database")?;
        if let Some(n @ 1..) = events {
            bail!(
                "cơ sở dữ liệu đích đã có {n} sự kiện nhật ký: chỉ khôi phục vào cơ sở dữ liệu trống / the target database is not empty"
            );
        }
        if !store_postgres::ensure_commune_role(url)? {
            bail!(
                "cụm PostgreSQL đích chưa có vai trò sokenh_commune và tài khoản này không tạo được: một quản trị viên chạy «CREATE ROLE sokenh_commune NOLOGIN» trước / the target cluster lacks the role sokenh_commune (the dump's row-level security names it) and this login cannot make it: have a superuser run CREATE ROLE sokenh_commune NOLOGIN first"
            );
        }
        let scratch = tempfile::tempdir_in(data_dir)?;
        let dump = scratch.path().join("sokenh.pgdump");
        extract(&mut zip, "sokenh.pgdump", &dump)?;
        let mut cmd = Command::new("pg_restore");
        cmd.args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ]);
        if events.is_some() {
            // Tables made by an earlier start of sokenh, with nothing in them.
            cmd.args(["--clean", "--if-exists"]);
        }
        run(cmd.arg("--dbname").arg(url).arg(&dump), "pg_restore")?;
    } else {
        let db = sqlite_file(data_dir, url).unwrap_or_else(|| data_dir.join("sokenh.db"));
        if db.exists() {
            bail!(
                "{} đã có: chỉ khôi phục vào nơi chưa có cơ sở dữ liệu (thư mục dữ liệu trống) / a store is there",
                db.display()
            );
        }
        let partial = db.with_extension("db.partial");
        extract(&mut zip, "sokenh.db", &partial)?;
        std::fs::rename(&partial, &db)?;
    }
    progress("tệp / files");
    let mut files = 0;
    for (k, name) in carried {
        let mut entry = zip.by_index(k)?;
        let target = data_dir.join(&name);
        if target.exists() {
            let mut ours = Vec::new();
            entry.read_to_end(&mut ours)?;
            if std::fs::read(&target)? != ours {
                bail!(
                    "{} đã có và khác bản sao lưu: không ghi đè / a different file is there",
                    target.display()
                );
            }
        } else {
            std::fs::create_dir_all(target.parent().unwrap_or(data_dir))?;
            let partial = target.with_extension("partial");
            std::io::copy(&mut entry, &mut std::fs::File::create(&partial)?)?;
            #[cfg(unix)]
            if FILES.iter().any(|f| Path::new(f) == name) {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
            }
            std::fs::rename(&partial, &target)?;
        }
        files += 1;
    }
    progress("kiểm tra / checking");
    let mut store = crate::db::open(data_dir, url)?;
    let chain = store.verify_audit()?;
    let head = store
        .audit_head_hash()?
        .map(|(_, h)| h)
        .unwrap_or_else(|| store::audit::GENESIS.to_owned());
    let now = store.table_counts()?;
    let tables: BTreeMap<String, TableCheck> = manifest
        .tables
        .iter()
        .map(|(t, n)| {
            (
                t.clone(),
                TableCheck {
                    expected: *n,
                    restored: now.get(t).copied().unwrap_or(0),
                },
            )
        })
        .collect();
    progress("chỉ mục tìm kiếm / search index");
    let indexed = crate::posts::reindex(&mut store, data_dir)?;
    let audit_head_matches = head == manifest.audit_head;
    Ok(Restore {
        backend: manifest.backend,
        ok: chain.ok
            && audit_head_matches
            && chain.events == manifest.audit_events
            && files == manifest.files
            && tables.values().all(|t| t.expected == t.restored),
        tables,
        files,
        audit_events: chain.events,
        audit_ok: chain.ok,
        audit_head_matches,
        indexed,
    })
}

fn extract(zip: &mut zip::ZipArchive<std::fs::File>, name: &str, to: &Path) -> Result<()> {
    let mut entry = zip
        .by_name(name)
        .with_context(|| format!("bản sao lưu thiếu {name} / the backup lacks {name}"))?;
    let mut out = std::fs::File::create(to)?;
    std::io::copy(&mut entry, &mut out)
        .with_context(|| format!("{name} trong bản sao lưu hỏng / damaged in the backup"))?;
    out.sync_all()?;
    Ok(())
}

/// Runs a PostgreSQL tool; its standard output, or an error with what it said.
fn run(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().with_context(|| {
        format!("không chạy được {what} (cài gói postgresql-client) / cannot run {what}")
    })?;
    if !out.status.success() {
        bail!(
            "{what} không thành công: {} / {what} failed",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Every file under `root`, sorted (none when it does not exist).
pub(crate) fn walk(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let e = e?;
            if e.file_type()?.is_dir() {
                stack.push(e.path());
            } else if e.file_type()?.is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    Ok(out)
}
