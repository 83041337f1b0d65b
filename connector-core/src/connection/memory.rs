//! `InMemoryConnectionStore`: a [`ConnectionStore`] in a lock-guarded map.

use std::collections::BTreeMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{Connection, ConnectionId, ConnectionStore};
use crate::ConnectorError;

/// A store in memory, for tests and single-process deployments. Clone-free sharing: wrap it
/// in an `Arc`. A lock poisoned by a panicking thread is recovered, not propagated: every
/// write is a single map operation, so the map is never left half-updated.
///
/// ```
/// use std::sync::Arc;
/// use connector_core::{Connection, ConnectionStore, InMemoryConnectionStore, Timestamp};
/// let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
/// for id in ["b", "a"] {
///     store.create(Connection::new(id, id, "111122223333".parse()?, "ext-id-123".parse()?, Timestamp(0))?)?;
/// }
/// let ids: Vec<String> = store.list()?.into_iter().map(|c| c.id.to_string()).collect();
/// assert_eq!(ids, ["a", "b"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryConnectionStore {
    connections: RwLock<BTreeMap<ConnectionId, Connection>>,
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

    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<ConnectionId, Connection>> {
        self.connections.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<ConnectionId, Connection>> {
        self.connections.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl ConnectionStore for InMemoryConnectionStore {
    fn create(&self, connection: Connection) -> Result<(), ConnectorError> {
        connection.validate()?;
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
        if expected_revision.checked_add(1) != Some(new.revision) {
            return Err(ConnectorError::invalid(
                "revision",
                &new.revision.to_string(),
                format!(
                    "the new record's revision must be the expected revision plus one ({expected_revision} + 1)"
                ),
            ));
        }
        new.validate()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    fn connection(id: &str) -> Connection {
        Connection::new(
            id,
            "Acme",
            "111122223333".parse().unwrap(),
            "ext-id-123".parse().unwrap(),
            Timestamp(0),
        )
        .unwrap()
    }

    #[test]
    fn a_poisoned_lock_is_recovered() {
        let store = std::sync::Arc::new(InMemoryConnectionStore::new());
        store.create(connection("a")).unwrap();
        let poisoner = store.clone();
        let joined = std::thread::spawn(move || {
            let _guard = poisoner.write();
            panic!("poison the lock");
        })
        .join();
        assert!(joined.is_err());
        assert!(store.connections.is_poisoned());
        assert_eq!(store.len(), 1);
        store.create(connection("b")).unwrap();
        assert_eq!(store.list().unwrap().len(), 2);
        assert!(store.delete(&ConnectionId::new("a").unwrap()).unwrap());
    }

    #[test]
    fn swaps_need_the_next_revision_and_a_valid_record() {
        let store = InMemoryConnectionStore::new();
        let c = connection("a");
        store.create(c.clone()).unwrap();
        let mut same = c.clone();
        same.display_name = "Renamed".into();
        assert!(matches!(
            store.compare_and_swap(0, same.clone()),
            Err(ConnectorError::InvalidValue {
                field: "revision",
                ..
            })
        ));
        same.revision = 1;
        same.regions = vec!["moon-1".into()];
        assert!(matches!(
            store.compare_and_swap(0, same),
            Err(ConnectorError::InvalidValue {
                field: "region",
                ..
            })
        ));
        let mut huge = c;
        huge.revision = u64::MAX;
        assert!(store.compare_and_swap(u64::MAX, huge).is_err());
    }
}
