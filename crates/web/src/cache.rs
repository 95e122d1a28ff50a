//! The one cache for what is costly to compute and may be a minute old — a month's figures for
//! the dashboard, a period's analytics. A value younger than `fresh` is served as it is; an
//! older one (up to `stale`) is served at once while one background task computes it again, so
//! no request waits for a refresh; with none (or only a value nobody asked for in `stale`), the
//! request computes it, one computation at a time — the others wait and share the result.
//! (The snapshot of the register and the alerts is not one of these: it is checked against the
//! store's audit head, not by age.)

use crate::lock;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Cache<K, V> {
    fresh: Duration,
    stale: Duration,
    entries: Mutex<HashMap<K, (Instant, Arc<V>)>>,
    /// The keys being computed again in the background.
    refreshing: Mutex<HashSet<K>>,
    /// Held while a value is computed: one at a time.
    computing: tokio::sync::Mutex<()>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    pub fn new(fresh: Duration, stale: Duration) -> Arc<Cache<K, V>> {
        Arc::new(Cache {
            fresh,
            stale,
            entries: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashSet::new()),
            computing: tokio::sync::Mutex::new(()),
        })
    }

    /// The value of `key`, computed by `compute` when there is none fresh enough (see the
    /// module's text). An error is answered to the request that computed, and nothing is kept;
    /// a background refresh that fails keeps the old value and logs why.
    pub async fn get<E, F, Fut>(self: &Arc<Self>, key: K, compute: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let known = lock(&self.entries)
            .get(&key)
            .filter(|(at, _)| at.elapsed() < self.stale)
            .cloned();
        if let Some((at, value)) = known {
            if at.elapsed() >= self.fresh && lock(&self.refreshing).insert(key.clone()) {
                let cache = self.clone();
                tokio::spawn(async move {
                    let computed = {
                        let _one = cache.computing.lock().await;
                        compute().await
                    };
                    match computed {
                        Ok(v) => {
                            cache.put(key.clone(), v);
                        }
                        Err(e) => app::log::event(
                            app::log::Level::Warning,
                            "cache.refresh",
                            &[("detail", &format!("{e:#}"))],
                        ),
                    }
                    lock(&cache.refreshing).remove(&key);
                });
            }
            return Ok(value);
        }
        let _one = self.computing.lock().await;
        if let Some((_, value)) = lock(&self.entries)
            .get(&key)
            .filter(|(at, _)| at.elapsed() < self.fresh)
        {
            return Ok(value.clone()); // computed by the request this one waited behind
        }
        Ok(self.put(key, compute().await?))
    }

    /// Keeps a value, and forgets those nobody asked for in `stale`.
    fn put(&self, key: K, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = lock(&self.entries);
        entries.retain(|_, (at, _)| at.elapsed() < self.stale);
        entries.insert(key, (Instant::now(), value.clone()));
        value
    }

    /// Makes the value of `key` look `age` old (tests).
    #[cfg(test)]
    fn age(&self, key: &K, age: Duration) {
        if let Some(entry) = lock(&self.entries).get_mut(key) {
            entry.0 = Instant::now() - age;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A computation that counts its calls and answers the count.
    fn counting(calls: &Arc<AtomicU64>) -> impl Future<Output = Result<u64, String>> + use<> {
        let calls = calls.clone();
        async move { Ok(calls.fetch_add(1, Ordering::SeqCst) + 1) }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn old_values_are_served_while_one_task_computes_them_again() {
        let cache: Arc<Cache<&str, u64>> =
            Cache::new(Duration::from_secs(60), Duration::from_secs(600));
        let calls = Arc::new(AtomicU64::new(0));
        let get = |calls: &Arc<AtomicU64>| {
            let c = calls.clone();
            let cache = cache.clone();
            async move { *cache.get("2026-11", move || counting(&c)).await.unwrap() }
        };
        assert_eq!(get(&calls).await, 1);
        assert_eq!(get(&calls).await, 1, "reused while fresh");

        // A minute later: the old value at once, and one refresh in the background.
        cache.age(&"2026-11", Duration::from_secs(61));
        let held = cache.computing.lock().await; // the refresh waits its turn
        assert_eq!(get(&calls).await, 1, "not waiting");
        assert_eq!(get(&calls).await, 1, "not waiting, no second refresh");
        drop(held);
        for _ in 0..500 {
            if calls.load(Ordering::SeqCst) == 2 && lock(&cache.refreshing).is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh");
        assert_eq!(get(&calls).await, 2, "the refreshed value");

        // Nobody asked for ten minutes: the request waits for a new value.
        cache.age(&"2026-11", Duration::from_secs(601));
        assert_eq!(get(&calls).await, 3);

        // Another key is its own; a failure is answered and nothing is kept.
        let failed = cache
            .get("2026-10", || async { Err::<u64, String>("disk".into()) })
            .await;
        assert_eq!(failed.unwrap_err(), "disk");
        let c = calls.clone();
        assert_eq!(
            *cache.get("2026-10", move || counting(&c)).await.unwrap(),
            4
        );
    }
}
