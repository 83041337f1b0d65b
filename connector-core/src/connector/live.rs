//! The connector's view of the connections it hands out credentials for: a snapshot of each
//! stored record (trusted for `state_ttl`, replaced at once by the connector's own writes)
//! and the credential sessions of each scope. A connection that is not live has no sessions:
//! its credentials are dropped the moment the connector learns it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

use crate::{Connection, ConnectionId, CredentialSession, ProviderError, TemporaryCredentials};

/// A credential session and how many of its provider calls have been recorded on the
/// connection.
#[derive(Debug)]
pub(super) struct Tracked {
    pub(super) session: CredentialSession,
    recorded_calls: AtomicU64,
}

impl Tracked {
    pub(super) fn new(session: CredentialSession) -> Tracked {
        Tracked {
            session,
            recorded_calls: AtomicU64::new(0),
        }
    }

    /// The provider-call count when the session made calls whose outcome the connection has
    /// not heard of yet.
    pub(super) fn unrecorded_calls(&self) -> Option<u64> {
        let calls = self.session.provider_calls();
        (calls != self.recorded_calls.load(Ordering::Acquire)).then_some(calls)
    }

    /// The outcome of the calls up to `calls` is now on the connection.
    pub(super) fn mark_recorded(&self, calls: u64) {
        self.recorded_calls.fetch_max(calls, Ordering::AcqRel);
    }
}

#[derive(Debug)]
struct Snapshot {
    connection: Arc<Connection>,
    fetched: SystemTime,
    /// The default-scope session, for the hot path.
    default: Option<Arc<Tracked>>,
}

#[derive(Debug)]
struct Entry {
    snapshot: RwLock<Snapshot>,
    /// Sessions by scope key (the default scope's key included).
    sessions: Mutex<HashMap<String, Arc<Tracked>>>,
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// What a session of a connection depends on: when any of it changes, the sessions go.
fn same_identity(a: &Connection, b: &Connection) -> bool {
    a.role_arn() == b.role_arn()
        && a.external_id() == b.external_id()
        && a.regions().first() == b.regions().first()
}

/// Snapshots and sessions by connection.
#[derive(Debug, Default)]
pub(super) struct LiveTable {
    entries: RwLock<HashMap<ConnectionId, Arc<Entry>>>,
}

impl LiveTable {
    /// The hot path: credentials from the default session of a connection whose snapshot is
    /// fresh and live, without any other work. `now` is from the coarse clock.
    pub(super) fn cached(
        &self,
        id: &ConnectionId,
        now: SystemTime,
        ttl: Duration,
    ) -> Option<Arc<TemporaryCredentials>> {
        let entries = read(&self.entries);
        let snapshot = read(&entries.get(id)?.snapshot);
        if !is_fresh(snapshot.fetched, now, ttl) || !snapshot.connection.state().is_live() {
            return None;
        }
        snapshot.default.as_ref()?.session.cached_at(now)
    }

    /// The snapshot of `id` when it is younger than `ttl`.
    pub(super) fn fresh(
        &self,
        id: &ConnectionId,
        now: SystemTime,
        ttl: Duration,
    ) -> Option<Arc<Connection>> {
        let entries = read(&self.entries);
        let snapshot = read(&entries.get(id)?.snapshot);
        is_fresh(snapshot.fetched, now, ttl).then(|| Arc::clone(&snapshot.connection))
    }

    /// Records what the store says of a connection the table tracks (one it handed
    /// credentials for), read or written at `now`; others are left alone, so reading a fleet
    /// does not fill the table. Sessions are dropped when the connection stops being live or
    /// its role, External ID or STS region changed; a removed connection is forgotten.
    pub(super) fn remember(&self, connection: &Connection, now: SystemTime) {
        if connection.state().is_terminal() {
            self.forget(connection.id());
            return;
        }
        let existing = read(&self.entries).get(connection.id()).cloned();
        if let Some(entry) = existing {
            entry.replace(&Arc::new(connection.clone()), now);
        }
    }

    /// Like [`remember`](Self::remember), and starts tracking the connection if it was not.
    pub(super) fn track(&self, connection: &Connection, now: SystemTime) {
        if connection.state().is_terminal() {
            self.forget(connection.id());
            return;
        }
        let connection = Arc::new(connection.clone());
        let existing = read(&self.entries).get(connection.id()).cloned();
        let Some(entry) = existing else {
            let entry = Arc::new(Entry {
                snapshot: RwLock::new(Snapshot {
                    connection: Arc::clone(&connection),
                    fetched: now,
                    default: None,
                }),
                sessions: Mutex::new(HashMap::new()),
            });
            write(&self.entries)
                .entry(connection.id().clone())
                .and_modify(|current| {
                    current.replace(&connection, now);
                })
                .or_insert(entry);
            return;
        };
        entry.replace(&connection, now);
    }

    /// Drops a connection: snapshot and sessions.
    pub(super) fn forget(&self, id: &ConnectionId) {
        write(&self.entries).remove(id);
    }

    /// The session of `connection` for the scope `key`, made by `make` on first use. `None`
    /// when the table no longer holds the connection as it was (a concurrent write changed
    /// it): the caller starts over.
    pub(super) fn session(
        &self,
        connection: &Connection,
        key: &str,
        default_scope: bool,
        make: impl FnOnce() -> Result<CredentialSession, ProviderError>,
    ) -> Result<Option<Arc<Tracked>>, ProviderError> {
        let Some(entry) = read(&self.entries).get(connection.id()).cloned() else {
            return Ok(None);
        };
        let mut sessions = lock(&entry.sessions);
        {
            let snapshot = read(&entry.snapshot);
            if !same_identity(&snapshot.connection, connection)
                || !snapshot.connection.state().is_live()
            {
                return Ok(None);
            }
        }
        if let Some(tracked) = sessions.get(key) {
            return Ok(Some(Arc::clone(tracked)));
        }
        let tracked = Arc::new(Tracked::new(make()?));
        sessions.insert(key.to_owned(), Arc::clone(&tracked));
        if default_scope {
            write(&entry.snapshot).default = Some(Arc::clone(&tracked));
        }
        Ok(Some(tracked))
    }

    /// How many connections the table holds.
    pub(super) fn len(&self) -> usize {
        read(&self.entries).len()
    }
}

impl Entry {
    /// Replaces the snapshot; drops the sessions when they no longer fit the connection.
    fn replace(&self, connection: &Arc<Connection>, now: SystemTime) {
        let mut sessions = lock(&self.sessions);
        let mut snapshot = write(&self.snapshot);
        let keep = connection.state().is_live() && same_identity(&snapshot.connection, connection);
        snapshot.connection = Arc::clone(connection);
        snapshot.fetched = now;
        if !keep {
            snapshot.default = None;
            sessions.clear();
        }
    }
}

/// A snapshot taken at `fetched` is trusted until `ttl` later. A clock that reads earlier
/// than `fetched` (the coarse clock lags the precise one by a tick) counts as fresh.
fn is_fresh(fetched: SystemTime, now: SystemTime, ttl: Duration) -> bool {
    now.duration_since(fetched).map_or(true, |age| age < ttl)
}
