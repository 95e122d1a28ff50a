//! The servers' change notifications (schema 26): a thread of its own, on a connection of its
//! own, LISTENs for `sokenh_changed` (an audited change committed) and `sokenh_sessions`
//! (sessions ended) and tells the server. A lost connection (PostgreSQL restarted) is opened
//! again; notifications sent meanwhile are lost, so the server hears "everything changed" once
//! it listens again, and "not listening" while it cannot (it then looks every few seconds).

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};
use std::time::Duration;

/// What a notification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Something audited was committed: what pages show may have changed.
    Audited,
    /// Sessions were ended.
    Sessions,
    /// Listening again after a lost connection: anything may have changed meanwhile.
    All,
    /// The connection is lost: nothing will be heard until [`Change::All`].
    Deaf,
}

/// Listens on `url` until the process ends, calling `heard` with each change.
pub fn listen(url: String, heard: impl Fn(Change) + Send + 'static) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("sokenh-listen".into())
        .spawn(move || {
            let mut pause = Duration::from_millis(200);
            loop {
                if let Ok(mut client) = Client::connect(&url, NoTls)
                    && client
                        .batch_execute("LISTEN sokenh_changed; LISTEN sokenh_sessions")
                        .is_ok()
                {
                    pause = Duration::from_millis(200);
                    heard(Change::All);
                    follow(&mut client, &heard);
                    heard(Change::Deaf);
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        })
        .expect("a thread for the change notifications")
}

/// Hears notifications until the connection fails (asked every 10 s when nothing comes).
fn follow(client: &mut Client, heard: &impl Fn(Change)) {
    loop {
        {
            let mut notes = client.notifications();
            let mut waiting = notes.timeout_iter(Duration::from_secs(10));
            loop {
                match waiting.next() {
                    Ok(Some(n)) => heard(match n.channel() {
                        "sokenh_sessions" => Change::Sessions,
                        _ => Change::Audited,
                    }),
                    Ok(None) => break,
                    Err(_) => return,
                }
            }
        }
        if client.is_valid(Duration::from_secs(5)).is_err() {
            return;
        }
    }
}
