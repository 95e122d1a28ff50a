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
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let pg = store_postgres::open(url)
                .context("không kết nối được PostgreSQL / cannot open the PostgreSQL database")?;
            Ok(Store::new(Box::new(pg)))
        }
        Some(url) if url.starts_with("sqlite://") => {
            open_sqlite(Path::new(url.trim_start_matches("sqlite://")))
        }
        Some(url) => bail!(
            "địa chỉ cơ sở dữ liệu không hỗ trợ «{url}»: dùng postgres://… hoặc sqlite://… / unsupported database URL"
        ),
        None => open_sqlite(&data_dir.join("sokenh.db")),
    }
    .and_then(|mut store| {
        // State that lived in files before it moved into the store, read in once.
        crate::screening::adopt_state_files(&mut store, data_dir)?;
        crate::posts::adopt_feeds_file(&mut store, data_dir)?;
        Ok(store)
    })
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
    let open = move || -> store::Result<Store> {
        match url.as_deref() {
            Some(url) if url.starts_with("sqlite://") => Ok(Store::new(Box::new(
                store_sqlite::open_pooled(Path::new(url.trim_start_matches("sqlite://")))?,
            ))),
            Some(url) => Ok(Store::new(Box::new(store_postgres::open(url)?))),
            None => Ok(Store::new(Box::new(store_sqlite::open_pooled(
                &data_dir.join("sokenh.db"),
            )?))),
        }
    };
    Pool::new(first, Box::new(open), POOL_SIZE)
}

fn sqlite_store(path: &Path) -> store::Result<Store> {
    Ok(Store::new(Box::new(store_sqlite::open(path)?)))
}

fn open_sqlite(path: &Path) -> Result<Store> {
    sqlite_store(path).with_context(|| {
        format!(
            "không mở được cơ sở dữ liệu {} / cannot open the database",
            path.display()
        )
    })
}
