//! `InMemoryConnectionStore`: a [`ConnectionStore`] in a lock-guarded ordered map; the
//! reference implementation the behaviour suites are written against. Each record keeps its
//! health-check schedule beside it (`memory_queue.rs` implements the
//! [`CheckQueue`](crate::CheckQueue)).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{Connection, ConnectionId, ConnectionStore, ListQuery, Page};
use crate::{BoxFuture, ConnectorError};

/// A store in memory, for tests and single-process deployments; share it in an `Arc`. A lock
/// poisoned by a panicking thread is recovered, not propagated: every write is a single map
/// operation, so the map is never left half-updated. Its futures are ready at once.
///
/// ```
/// use std::sync::Arc;
/// use connector_core::{Connection, ConnectionStore, InMemoryConnectionStore, ListQuery, Timestamp};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
/// for id in ["b", "a", "c"] {
///     store.create(&Connection::builder(id.parse()?, "ext-id-123".parse()?).build(Timestamp(0))?).await?;
/// }
/// let first = store.list(&ListQuery::all().with_limit(2)).await?;
/// let ids: Vec<&str> = first.connections().iter().map(|c| c.id().as_str()).collect();
/// assert_eq!(ids, ["a", "b"]);
/// let rest = store.list(&ListQuery::all().with_limit(2).with_cursor(first.next().cloned())).await?;
/// assert_eq!(rest.connections()[0].id().as_str(), "c");
/// assert!(rest.next().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryConnectionStore {
    connections: RwLock<BTreeMap<ConnectionId, Entry>>,
}

/// A record and its health-check schedule.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) connection: Connection,
    /// When the next check is due (Unix milliseconds), for health-checked connections.
    pub(super) due: Option<i64>,
    /// Who holds the lease and until when (Unix milliseconds).
    pub(super) lease: Option<(crate::WorkerId, i64)>,
}

impl Entry {
    /// The schedule rule of every write: a health-checked record keeps its due time (or is
    /// due at its update time), any other has none.
    fn written(connection: &Connection, due: Option<i64>) -> Option<i64> {
        connection
            .is_health_checked()
            .then(|| due.unwrap_or(connection.updated_at().0.saturating_mul(1_000)))
    }
}

impl InMemoryConnectionStore {
    /// An empty store.
    pub fn new() -> InMemoryConnectionStore {
        InMemoryConnectionStore::default()
    }

    /// How many connections it holds.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, BTreeMap<ConnectionId, Entry>> {
        self.connections.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<ConnectionId, Entry>> {
        self.connections.write().unwrap_or_else(|p| p.into_inner())
    }

    fn create_now(&self, connection: &Connection) -> Result<(), ConnectorError> {
        connection.validate()?;
        let mut map = self.write();
        if map.contains_key(connection.id()) {
            return Err(ConnectorError::AlreadyExists(connection.id().to_string()));
        }
        map.insert(
            connection.id().clone(),
            Entry {
                connection: connection.clone(),
                due: Entry::written(connection, None),
                lease: None,
            },
        );
        Ok(())
    }

    fn swap_now(&self, expected_revision: u64, new: &Connection) -> Result<(), ConnectorError> {
        check_next_revision(expected_revision, new)?;
        new.validate()?;
        let mut map = self.write();
        let Some(stored) = map.get_mut(new.id()) else {
            return Err(ConnectorError::NotFound(new.id().to_string()));
        };
        if stored.connection.revision() != expected_revision {
            return Err(ConnectorError::Conflict {
                connection: new.id().to_string(),
                expected: expected_revision,
                actual: stored.connection.revision(),
            });
        }
        stored.due = Entry::written(new, stored.due);
        stored.connection = new.clone();
        Ok(())
    }

    fn list_now(&self, query: &ListQuery) -> Page {
        let map = self.read();
        let start = match query.cursor() {
            Some(cursor) => Bound::Excluded(cursor.last_id()),
            None => Bound::Unbounded,
        };
        let connections: Vec<Connection> = map
            .range::<ConnectionId, _>((start, Bound::Unbounded))
            .map(|(_, entry)| &entry.connection)
            .filter(|c| query.selects(c))
            .take(query.limit())
            .cloned()
            .collect();
        Page::new(connections, query)
    }
}

/// The swap rule every store checks before touching its backend: the new record's revision
/// is the expected one plus one.
pub fn check_next_revision(expected_revision: u64, new: &Connection) -> Result<(), ConnectorError> {
    if expected_revision.checked_add(1) == Some(new.revision()) {
        Ok(())
    } else {
        Err(ConnectorError::invalid(
            "revision",
            &new.revision().to_string(),
            format!(
                "the new record's revision must be the expected revision plus one ({expected_revision} + 1)"
            ),
        ))
    }
}

impl ConnectionStore for InMemoryConnectionStore {
    fn create<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(std::future::ready(self.create_now(connection)))
    }

    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        Box::pin(std::future::ready(Ok(self
            .read()
            .get(id)
            .map(|entry| entry.connection.clone()))))
    }

    fn compare_and_swap<'a>(
        &'a self,
        expected_revision: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(std::future::ready(self.swap_now(expected_revision, new)))
    }

    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(std::future::ready(Ok(self.write().remove(id).is_some())))
    }

    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        Box::pin(std::future::ready(Ok(self.list_now(query))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectionEvent, Timestamp};

    fn connection(id: &str) -> Connection {
        Connection::builder(id.parse().unwrap(), "ext-id-123".parse().unwrap())
            .build(Timestamp(0))
            .unwrap()
    }

    #[test]
    fn a_poisoned_lock_is_recovered() {
        let store = std::sync::Arc::new(InMemoryConnectionStore::new());
        store.create_now(&connection("a")).unwrap();
        let poisoner = store.clone();
        let joined = std::thread::spawn(move || {
            let _guard = poisoner.write();
            panic!("poison the lock");
        })
        .join();
        assert!(joined.is_err());
        assert!(store.connections.is_poisoned());
        assert_eq!(store.len(), 1);
        store.create_now(&connection("b")).unwrap();
        assert_eq!(store.list_now(&ListQuery::all()).connections().len(), 2);
    }

    #[test]
    fn swaps_need_the_next_revision() {
        let store = InMemoryConnectionStore::new();
        let c = connection("a");
        store.create_now(&c).unwrap();
        let next = c
            .apply(ConnectionEvent::DisconnectRequested, Timestamp(1))
            .unwrap();
        assert!(matches!(
            store.swap_now(1, &next),
            Err(ConnectorError::InvalidValue {
                field: "revision",
                ..
            })
        ));
        assert!(matches!(
            store.swap_now(u64::MAX, &next),
            Err(ConnectorError::InvalidValue { .. })
        ));
        store.swap_now(0, &next).unwrap();
    }
}
