//! The story suite on SQLite, each story on a fresh database file.

use store::Store;

fn fresh() -> (Store, (tempfile::TempDir, std::path::PathBuf)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sokenh.db");
    let store = Store::new(Box::new(store_sqlite::open(&path).unwrap()));
    (store, (dir, path))
}

fn tamper(handle: &(tempfile::TempDir, std::path::PathBuf), sql: &str) {
    let conn = rusqlite::Connection::open(&handle.1).unwrap();
    conn.execute_batch(sql).unwrap();
}

store_tests::stories!(fresh, tamper, true);

#[test]
fn reopening_keeps_everything_and_migrates_once() {
    let (mut store, (dir, path)) = fresh();
    store
        .import_communities(
            "t",
            "s",
            &[store_tests::record("A", "https://a.vn", "U", None)],
        )
        .unwrap();
    drop(store);
    let mut again = Store::new(Box::new(store_sqlite::open(&path).unwrap()));
    assert_eq!(again.communities().unwrap().len(), 1);
    assert!(again.verify_audit().unwrap().ok);
    drop(dir);
}

#[test]
fn pooled_connections_read_beside_a_writer_and_keep_one_chain() {
    let (first, (dir, path)) = fresh();
    let again = path.clone();
    let open = move || Ok(Store::new(Box::new(store_sqlite::open(&again)?)));
    store_tests::pooled_connections_read_beside_a_writer_and_keep_one_chain(store::Pool::new(
        first,
        Box::new(open),
        4,
    ));
    drop(dir);
}

#[test]
fn jobs_are_claimed_once_retried_and_taken_over() {
    let (mut a, (dir, path)) = fresh();
    let mut b = Store::new(Box::new(store_sqlite::open(&path).unwrap()));
    store_tests::jobs_are_claimed_once_retried_and_taken_over(&mut a, &mut b);
    drop(dir);
}

#[test]
fn screeners_that_start_together_record_once() {
    let (_, (dir, path)) = fresh();
    let open = || Store::new(Box::new(store_sqlite::open(&path).unwrap()));
    store_tests::screeners_that_start_together_record_once(&open);
    drop(dir);
}

#[test]
fn jobs_are_shared_out_once_among_many() {
    let (_, (dir, path)) = fresh();
    let open = || Store::new(Box::new(store_sqlite::open(&path).unwrap()));
    store_tests::jobs_are_shared_out_once_among_many(&open);
    drop(dir);
}

/// Callers waiting for a store are served in the order they came: one that arrives while others
/// wait goes behind them.
#[test]
fn a_full_pool_serves_its_callers_in_turn() {
    let (first, (dir, path)) = fresh();
    let again = path.clone();
    let open = move || Ok(Store::new(Box::new(store_sqlite::open(&again)?)));
    let pool = store::Pool::new(first, Box::new(open), 1);
    let served = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        let held = pool.get().unwrap();
        for k in 0..5 {
            let (pool, served) = (&pool, &served);
            s.spawn(move || {
                let _store = pool.get().unwrap();
                served.lock().unwrap().push(k);
            });
            // The next caller comes only once this one is in line.
            while pool.waiting() < k + 1 {
                std::thread::yield_now();
            }
        }
        drop(held);
    });
    assert_eq!(*served.lock().unwrap(), [0, 1, 2, 3, 4]);
    assert_eq!(pool.waiting(), 0);
    drop(dir);
}
