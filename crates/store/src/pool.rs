//! [`Pool`]: several [`Store`]s over one database, each on its own connection, so that readers
//! never wait behind one another or behind a writer. `Pool` is `Send + Sync` and shared by
//! reference (`&self`); a request checks a store out ([`Pool::get`]) for as long as it needs it.
//!
//! Writers still take turns where the database says so: SQLite's `BEGIN IMMEDIATE` (WAL lets
//! readers on other connections go on), PostgreSQL's transaction-wide advisory lock (which keeps
//! the audit chain linear across processes too). A store given back with a transaction still
//! open (a panic unwound through it) is rolled back first. A store whose connection is lost
//! (the database server restarted) is dropped, and the next caller opens a new one, so a
//! restart of PostgreSQL costs the requests that were using the old connections and no more.

use crate::{Result, Store};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// Opens one more connection to the same database.
pub type Opener = Box<dyn Fn() -> Result<Store> + Send + Sync>;

/// Stores over one database, at most `max` connections at once.
pub struct Pool {
    idle: Mutex<Idle>,
    open: Option<Opener>,
    max: usize,
}

struct Idle {
    stores: Vec<Store>,
    /// Connections made so far, idle or checked out.
    made: usize,
    /// The callers waiting, by the ticket each took, first come first served: a caller that
    /// arrives while others wait goes behind them (no barging), so under load every request
    /// waits about as long as the others instead of some waiting many turns. Each waits on a
    /// condition of its own, and only the first in line is woken when a store comes back.
    waiting: VecDeque<(u64, Arc<Condvar>)>,
    /// The next ticket.
    tickets: u64,
}

impl Pool {
    /// A pool that opens up to `max` connections with `open`, `first` being one of them.
    pub fn new(first: Store, open: Opener, max: usize) -> Pool {
        Pool {
            idle: Mutex::new(Idle {
                stores: vec![first],
                made: 1,
                waiting: Default::default(),
                tickets: 0,
            }),
            open: Some(open),
            max: max.max(1),
        }
    }

    /// One store, used by one caller at a time (an in-memory database, which a second connection
    /// would not see).
    pub fn single(store: Store) -> Pool {
        Pool {
            idle: Mutex::new(Idle {
                stores: vec![store],
                made: 1,
                waiting: Default::default(),
                tickets: 0,
            }),
            open: None,
            max: 1,
        }
    }

    /// The most connections this pool opens.
    pub fn max(&self) -> usize {
        self.max
    }

    /// How many callers are waiting for a store.
    pub fn waiting(&self) -> usize {
        self.lock().waiting.len()
    }

    /// A store of its own until the guard is dropped: an idle one, a new connection while fewer
    /// than `max` are open, or else the first one given back.
    pub fn get(&self) -> Result<Pooled<'_>> {
        let mut idle = self.lock();
        let ticket = idle.tickets;
        idle.tickets += 1;
        let turn = Arc::new(Condvar::new());
        idle.waiting.push_back((ticket, turn.clone()));
        loop {
            if idle.waiting.front().map(|w| w.0) == Some(ticket) {
                if let Some(store) = idle.stores.pop() {
                    if store.is_lost() && self.open.is_some() {
                        // The server restarted under it: open a new connection in its place.
                        idle.made -= 1;
                        continue;
                    }
                    idle.waiting.pop_front();
                    wake_first(&idle);
                    return Ok(Pooled {
                        pool: self,
                        store: Some(store),
                    });
                }
                if let Some(open) = &self.open
                    && idle.made < self.max
                {
                    idle.made += 1;
                    idle.waiting.pop_front();
                    wake_first(&idle);
                    drop(idle);
                    return match open() {
                        Ok(store) => Ok(Pooled {
                            pool: self,
                            store: Some(store),
                        }),
                        Err(e) => {
                            let mut idle = self.lock();
                            idle.made -= 1;
                            wake_first(&idle);
                            Err(e)
                        }
                    };
                }
            }
            idle = turn.wait(idle).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Idle> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl From<Store> for Pool {
    fn from(store: Store) -> Pool {
        Pool::single(store)
    }
}

/// Wakes the caller first in line (it looks again: a store may be idle, or one may be opened);
/// called with the lock held, so no wake-up is lost.
fn wake_first(idle: &Idle) {
    if let Some((_, turn)) = idle.waiting.front() {
        turn.notify_one();
    }
}

/// A store checked out of a [`Pool`]; given back when dropped.
pub struct Pooled<'a> {
    pool: &'a Pool,
    store: Option<Store>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store
            .as_ref()
            .expect("a pooled store is present until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.store
            .as_mut()
            .expect("a pooled store is present until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(mut store) = self.store.take() {
            if store.is_lost() && self.pool.open.is_some() {
                // Dropped here: the next caller opens a new connection.
                let mut idle = self.pool.lock();
                idle.made -= 1;
                wake_first(&idle);
                return;
            }
            store.abandon_transaction();
            let mut idle = self.pool.lock();
            idle.stores.push(store);
            wake_first(&idle);
        }
    }
}

// A pool is shared between request threads.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Pool>();
};
