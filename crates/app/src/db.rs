//! Opening the store: the backend is chosen by the database URL's scheme. No URL means the
//! embedded SQLite file `sokenh.db` in the data dir, which is created on first use.

use anyhow::{Context, Result, bail};
use std::path::Path;
use store::{Pool, Store};

pub fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
    std::fs::create_dir_all(data_dir).with_context(|| {
        format!(
            "không tạo được thư mục dữ liệu {} / cannot create the data dir",
            data_dir.display()
        )
    })?;
    let mut store = connect(data_dir, database_url, false)?;
    // State that lived in files before it moved into the store, read in once.
    crate::screening::adopt_state_files(&mut store, data_dir)?;
    crate::posts::adopt_feeds_file(&mut store, data_dir)?;
    Ok(store)
}

/// Connections a server keeps to its database: requests read side by side (SQLite in WAL mode
/// lets readers go on beside the one writer) instead of queuing for one connection.
pub const POOL_SIZE: usize = 8;

/// A pool over the database `first` was opened on ([`open`]: the data dir is made and files
/// from before are read in once); further connections open the same database, up to
/// [`POOL_SIZE`].
pub fn pool(first: Store, data_dir: &Path, database_url: Option<&str>) -> Pool {
    let data_dir = data_dir.to_owned();
    let url = database_url.map(str::to_owned);
    let open = move || {
        connect(&data_dir, url.as_deref(), true)
            .map_err(|e| store::StoreError::Database(format!("{e:#}")))
    };
    Pool::new(first, Box::new(open), POOL_SIZE)
}

/// The store the URL names by its scheme (the data dir's SQLite file without one); a pooled
/// SQLite connection keeps a smaller page cache (`store_sqlite::open_pooled`).
fn connect(data_dir: &Path, database_url: Option<&str>, pooled: bool) -> Result<Store> {
    let sqlite = |path: &Path| {
        let db = if pooled {
            store_sqlite::open_pooled(path)
        } else {
            store_sqlite::open(path)
        };
        db.map(|db| Store::new(Box::new(db))).with_context(|| {
            format!(
                "không mở được cơ sở dữ liệu {} / cannot open the database",
                path.display()
            )
        })
    };
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let pg = store_postgres::open(url)
                .context("không kết nối được PostgreSQL / cannot open the PostgreSQL database")?;
            Ok(Store::new(Box::new(pg)))
        }
        Some(url) if url.starts_with("sqlite://") => {
            sqlite(Path::new(url.trim_start_matches("sqlite://")))
        }
        Some(url) => bail!(
            "địa chỉ cơ sở dữ liệu không hỗ trợ «{url}»: dùng postgres://… hoặc sqlite://… / unsupported database URL"
        ),
        None => sqlite(&data_dir.join("sokenh.db")),
    }
}
