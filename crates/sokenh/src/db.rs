//! Opening the store: the backend is chosen by the database URL's scheme. No URL means the
//! embedded SQLite file `sokenh.db` in the data dir, which is created on first use.

use anyhow::{Context, Result, bail};
use std::path::Path;
use store::Store;

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

fn open_sqlite(path: &Path) -> Result<Store> {
    let db = store_sqlite::open(path).with_context(|| {
        format!(
            "không mở được cơ sở dữ liệu {} / cannot open the database",
            path.display()
        )
    })?;
    Ok(Store::new(Box::new(db)))
}
