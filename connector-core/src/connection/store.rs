//! `ConnectionStore`: where connections live, with compare-and-swap on `revision` so several
//! workers never lose an update; and [`update`], the read-apply-swap loop.

use super::{Connection, ConnectionEvent, ConnectionId};
use crate::{ConnectorError, Timestamp};

/// Storage for connections. Object-safe (`Arc<dyn ConnectionStore>`); implement it over a
/// database for production.
///
/// The contract every implementation keeps:
/// - `create` refuses an id already present with [`ConnectorError::AlreadyExists`];
/// - `compare_and_swap(expected, new)` replaces the stored record with `new` only while its
///   revision is still `expected`, else returns [`ConnectorError::Conflict`] with the stored
///   revision (or [`ConnectorError::NotFound`]); `new.revision` must be `expected + 1`, which
///   [`Connection::apply`] guarantees;
/// - records are checked with [`Connection::validate`] before they are stored.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionStore, ConnectorError, InMemoryConnectionStore, Timestamp};
/// let store = InMemoryConnectionStore::default();
/// let c = Connection::new("acme", "Acme", "111122223333".parse()?, "ext-id-123".parse()?, Timestamp(0))?;
/// store.create(c.clone())?;
/// assert!(matches!(store.create(c.clone()), Err(ConnectorError::AlreadyExists(_))));
///
/// // Two writers start from revision 0; the second one loses.
/// let first = c.apply(ConnectionEvent::DisconnectRequested, Timestamp(1))?;
/// let second = c.apply(ConnectionEvent::RemoveRequested, Timestamp(1))?;
/// store.compare_and_swap(0, first)?;
/// assert!(matches!(
///     store.compare_and_swap(0, second),
///     Err(ConnectorError::Conflict { expected: 0, actual: 1, .. })
/// ));
/// assert_eq!(store.get(&c.id)?.map(|c| c.revision), Some(1));
/// assert_eq!(store.list()?.len(), 1);
/// assert!(store.delete(&c.id)?);
/// assert!(store.get(&c.id)?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ConnectionStore: Send + Sync + std::fmt::Debug {
    /// Stores a new connection (`AlreadyExists` if the id is taken).
    fn create(&self, connection: Connection) -> Result<(), ConnectorError>;
    /// Reads one.
    fn get(&self, id: &ConnectionId) -> Result<Option<Connection>, ConnectorError>;
    /// Every connection, ordered by id.
    fn list(&self) -> Result<Vec<Connection>, ConnectorError>;
    /// Replaces the connection `new.id` if its stored revision is still `expected_revision`.
    fn compare_and_swap(
        &self,
        expected_revision: u64,
        new: Connection,
    ) -> Result<(), ConnectorError>;
    /// Deletes one; true when it existed.
    fn delete(&self, id: &ConnectionId) -> Result<bool, ConnectorError>;
}

/// Reads the connection, applies the event `event` builds from it, and compare-and-swaps the
/// result, retrying from a fresh read when another writer got there first. After `attempts`
/// conflicts (at least one attempt is made) the last [`ConnectorError::Conflict`] is
/// returned. A refused event, a missing connection or a store failure returns at once.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionState, ConnectionStore, InMemoryConnectionStore, Timestamp, update};
/// let store = InMemoryConnectionStore::default();
/// let c = Connection::new("acme", "Acme", "111122223333".parse()?,
///     "ext-id-123".parse()?, Timestamp(0))?;
/// let id = c.id.clone();
/// store.create(c)?;
/// let updated = update(&store, &id, Timestamp(1), 3, |_| ConnectionEvent::DisconnectRequested)?;
/// assert_eq!(updated.revision, 1);
/// assert_eq!(updated.state.name(), "disconnected");
/// // Refused events change nothing.
/// assert!(update(&store, &id, Timestamp(2), 3, |_| ConnectionEvent::DisconnectRequested).is_err());
/// assert_eq!(store.get(&id)?.map(|c| c.revision), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn update(
    store: &dyn ConnectionStore,
    id: &ConnectionId,
    now: Timestamp,
    attempts: u32,
    mut event: impl FnMut(&Connection) -> ConnectionEvent,
) -> Result<Connection, ConnectorError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = store
            .get(id)?
            .ok_or_else(|| ConnectorError::NotFound(id.to_string()))?;
        let next = current.apply(event(&current), now)?;
        match store.compare_and_swap(current.revision, next.clone()) {
            Ok(()) => return Ok(next),
            Err(ConnectorError::Conflict { .. }) if attempt < attempts => {}
            Err(other) => return Err(other),
        }
    }
}
