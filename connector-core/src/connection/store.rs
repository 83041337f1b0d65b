//! `ConnectionStore`: where connections live, with compare-and-swap on `revision` so several
//! workers never lose an update.

use std::collections::BTreeMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{Connection, ConnectionEvent, ConnectionId};
use crate::{ConnectorError, Timestamp};

/// Storage for connections. Object-safe; implement it over a database for production.
pub trait ConnectionStore: Send + Sync + std::fmt::Debug {
    /// Stores a new connection (`AlreadyExists` if the id is taken).
    fn create(&self, connection: Connection) -> Result<(), ConnectorError>;
    /// Reads one.
    fn get(&self, id: &ConnectionId) -> Result<Option<Connection>, ConnectorError>;
    /// Every connection, by id.
    fn list(&self) -> Result<Vec<Connection>, ConnectorError>;
    /// Replaces the connection if its stored revision is still `expected_revision`.
    fn compare_and_swap(
        &self,
        expected_revision: u64,
        new: Connection,
    ) -> Result<(), ConnectorError>;
    /// Deletes one; true when it existed.
    fn delete(&self, id: &ConnectionId) -> Result<bool, ConnectorError>;
}

/// Reads, applies `event` and swaps, retrying on conflicts (at most `attempts` times).
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionStore, InMemoryConnectionStore, Timestamp, update};
/// let store = InMemoryConnectionStore::default();
/// let c = Connection::new("acme", "Acme", "111122223333".parse().unwrap(),
///     "ext-id-123".parse().unwrap(), Timestamp(0)).unwrap();
/// let id = c.id.clone();
/// store.create(c).unwrap();
/// let updated = update(&store, &id, Timestamp(1), 3, |_| ConnectionEvent::DisconnectRequested).unwrap();
/// assert_eq!(updated.revision, 1);
/// ```
pub fn update(
    store: &dyn ConnectionStore,
    id: &ConnectionId,
    now: Timestamp,
    attempts: u32,
    event: impl Fn(&Connection) -> ConnectionEvent,
) -> Result<Connection, ConnectorError> {
    let mut last = None;
    for _ in 0..attempts.max(1) {
        let current = store
            .get(id)?
            .ok_or_else(|| ConnectorError::NotFound(id.to_string()))?;
        let next = current.apply(event(&current), now)?;
        match store.compare_and_swap(current.revision, next.clone()) {
            Ok(()) => return Ok(next),
            Err(conflict @ ConnectorError::Conflict { .. }) => last = Some(conflict),
            Err(other) => return Err(other),
        }
    }
    Err(last.unwrap_or_else(|| ConnectorError::NotFound(id.to_string())))
}

/// A store in memory (tests, single-process deployments).
#[derive(Debug, Default)]
pub struct InMemoryConnectionStore {
    connections: RwLock<BTreeMap<ConnectionId, Connection>>,
}

impl InMemoryConnectionStore {
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<ConnectionId, Connection>> {
        self.connections.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<ConnectionId, Connection>> {
        self.connections.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl ConnectionStore for InMemoryConnectionStore {
    fn create(&self, connection: Connection) -> Result<(), ConnectorError> {
        let mut map = self.write();
        if map.contains_key(&connection.id) {
            return Err(ConnectorError::AlreadyExists(connection.id.to_string()));
        }
        map.insert(connection.id.clone(), connection);
        Ok(())
    }

    fn get(&self, id: &ConnectionId) -> Result<Option<Connection>, ConnectorError> {
        Ok(self.read().get(id).cloned())
    }

    fn list(&self) -> Result<Vec<Connection>, ConnectorError> {
        Ok(self.read().values().cloned().collect())
    }

    fn compare_and_swap(
        &self,
        expected_revision: u64,
        new: Connection,
    ) -> Result<(), ConnectorError> {
        let mut map = self.write();
        let Some(stored) = map.get_mut(&new.id) else {
            return Err(ConnectorError::NotFound(new.id.to_string()));
        };
        if stored.revision != expected_revision {
            return Err(ConnectorError::Conflict {
                connection: new.id.to_string(),
                expected: expected_revision,
                actual: stored.revision,
            });
        }
        *stored = new;
        Ok(())
    }

    fn delete(&self, id: &ConnectionId) -> Result<bool, ConnectorError> {
        Ok(self.write().remove(id).is_some())
    }
}
