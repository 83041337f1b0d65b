//! `ConnectionStore`: where connections live, with compare-and-swap on `revision` so several
//! workers never lose an update, and keyset-paginated listing so nobody loads a whole fleet
//! to find the degraded ones; and [`apply_event`], the read-apply-swap loop that writes only
//! when something changed.

use super::{Connection, ConnectionEvent, ConnectionId, ConnectionState};
use crate::{BoxFuture, ConnectorError, Timestamp};

/// Storage for connections. Object-safe (`Arc<dyn ConnectionStore>`); futures are boxed so
/// any executor drives them. Implement it over a database for production (the
/// `connector-store` crate has SQLite, Postgres and DynamoDB); `InMemoryConnectionStore` is
/// the reference, and `testing::behaviour::store_contract` (feature `testing`) holds every
/// implementation to the contract:
///
/// - `create` refuses an id already present with [`ConnectorError::AlreadyExists`];
/// - `compare_and_swap(expected, new)` replaces the stored record with `new` only while its
///   revision is still `expected`, else returns [`ConnectorError::Conflict`] with the stored
///   revision (or [`ConnectorError::NotFound`]); `new.revision()` must be `expected + 1`,
///   which [`Connection::apply`] guarantees;
/// - `list` returns connections ordered by id, after the query's cursor, at most its limit,
///   filtered by state; a listing that pages through to the end sees every connection that
///   existed throughout exactly once, whatever is inserted meanwhile;
/// - a record that cannot be read back is [`ConnectorError::CorruptRecord`], a backend that
///   cannot be reached is [`ConnectorError::StoreUnavailable`] (retryable), one whose
///   settings it refuses (a TLS certificate that does not verify) is
///   [`ConnectorError::StoreMisconfigured`] (not retryable): never a panic, never a lost
///   update.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionStore, ConnectorError, InMemoryConnectionStore, ListQuery, Timestamp};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryConnectionStore::default();
/// let c = Connection::builder("acme".parse()?, "ext-id-123".parse()?).build(Timestamp(0))?;
/// store.create(&c).await?;
/// assert!(matches!(store.create(&c).await, Err(ConnectorError::AlreadyExists(_))));
///
/// // Two writers start from revision 0; the second one loses.
/// let first = c.apply(ConnectionEvent::DisconnectRequested, Timestamp(1))?;
/// let second = c.apply(ConnectionEvent::RemoveRequested, Timestamp(1))?;
/// store.compare_and_swap(0, &first).await?;
/// assert!(matches!(
///     store.compare_and_swap(0, &second).await,
///     Err(ConnectorError::Conflict { expected: 0, actual: 1, .. })
/// ));
/// assert_eq!(store.get(c.id()).await?.map(|c| c.revision()), Some(1));
/// assert_eq!(store.list(&ListQuery::all()).await?.connections().len(), 1);
/// assert!(store.delete(c.id()).await?);
/// assert!(store.get(c.id()).await?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ConnectionStore: Send + Sync + std::fmt::Debug {
    /// Stores a new connection (`AlreadyExists` if the id is taken).
    fn create<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>>;

    /// Reads one.
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>>;

    /// Replaces the connection `new.id()` if its stored revision is still `expected_revision`.
    fn compare_and_swap<'a>(
        &'a self,
        expected_revision: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>>;

    /// Deletes one; true when it existed.
    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>>;

    /// One page of connections, ordered by id.
    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>>;
}

/// Where a listing resumes: after the connection it names. Opaque to callers; its text form
/// ([`as_str`](ListCursor::as_str), [`parse`](ListCursor::parse)) travels through URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListCursor(ConnectionId);

impl ListCursor {
    /// The cursor that resumes after `id`.
    pub fn after(id: ConnectionId) -> ListCursor {
        ListCursor(id)
    }

    /// The id the listing resumes after.
    pub fn last_id(&self) -> &ConnectionId {
        &self.0
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Reads a cursor from its text form (the error names the field `cursor`).
    pub fn parse(text: &str) -> Result<ListCursor, ConnectorError> {
        ConnectionId::new(text).map(ListCursor).map_err(|_| {
            ConnectorError::invalid("cursor", text, "not a cursor this store handed out")
        })
    }
}

/// What to list: which states (all when empty), after which cursor, how many at most.
///
/// ```
/// use connector_core::{ConnectionState, ListQuery};
/// let query = ListQuery::in_states([ConnectionState::Degraded, ConnectionState::Disconnected])
///     .with_limit(500);
/// assert_eq!(query.limit(), 500);
/// assert_eq!(ListQuery::all().with_limit(0).limit(), 1);
/// assert_eq!(ListQuery::all().with_limit(1_000_000).limit(), ListQuery::MAX_LIMIT);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    states: Vec<ConnectionState>,
    after: Option<ListCursor>,
    limit: usize,
}

impl ListQuery {
    /// The page size when none is given.
    pub const DEFAULT_LIMIT: usize = 100;
    /// The largest page.
    pub const MAX_LIMIT: usize = 1_000;

    /// Every connection, first page.
    pub fn all() -> ListQuery {
        ListQuery {
            states: Vec::new(),
            after: None,
            limit: ListQuery::DEFAULT_LIMIT,
        }
    }

    /// The connections in any of `states`, first page.
    pub fn in_states(states: impl IntoIterator<Item = ConnectionState>) -> ListQuery {
        let mut query = ListQuery::all();
        for state in states {
            if !query.states.contains(&state) {
                query.states.push(state);
            }
        }
        query
    }

    /// At most `limit` connections per page (clamped to 1..=[`MAX_LIMIT`](Self::MAX_LIMIT)).
    pub fn with_limit(mut self, limit: usize) -> ListQuery {
        self.limit = limit.clamp(1, ListQuery::MAX_LIMIT);
        self
    }

    /// Resumes after `cursor` (from the previous [`Page::next`]).
    pub fn with_cursor(mut self, cursor: Option<ListCursor>) -> ListQuery {
        self.after = cursor;
        self
    }

    /// The states listed (all when empty).
    pub fn states(&self) -> &[ConnectionState] {
        &self.states
    }

    /// Where the listing resumes.
    pub fn cursor(&self) -> Option<&ListCursor> {
        self.after.as_ref()
    }

    /// The page size.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// True when `connection` belongs in the listing (its state, and its id after the
    /// cursor): what a store's query must select.
    pub fn selects(&self, connection: &Connection) -> bool {
        (self.states.is_empty() || self.states.contains(&connection.state()))
            && self
                .after
                .as_ref()
                .is_none_or(|cursor| connection.id() > cursor.last_id())
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    connections: Vec<Connection>,
    next: Option<ListCursor>,
}

impl Page {
    /// A page of `connections` (in id order) for `query`: the next cursor is set when the
    /// page is full, so the caller asks again.
    pub fn new(connections: Vec<Connection>, query: &ListQuery) -> Page {
        let next = if connections.len() >= query.limit() {
            connections
                .last()
                .map(|last| ListCursor::after(last.id().clone()))
        } else {
            None
        };
        Page { connections, next }
    }

    /// The connections, in id order.
    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }

    /// Takes the connections.
    pub fn into_connections(self) -> Vec<Connection> {
        self.connections
    }

    /// Where the next page starts, when there may be one.
    pub fn next(&self) -> Option<&ListCursor> {
        self.next.as_ref()
    }
}

/// Reads the connection, applies the event `event` builds from it (or returns the error it
/// gives, e.g. when the connection is no longer what the caller acted on), and
/// compare-and-swaps the
/// result, retrying from a fresh read when another writer got there first. When the event
/// changes nothing but bookkeeping (the same state and the same diagnosis again, see
/// [`Connection::differs_from`]) nothing is written and the stored record is returned. After
/// `attempts` conflicts (at least one attempt is made) the last
/// [`ConnectorError::Conflict`] is returned. A refused event, a missing connection or a
/// store failure returns at once.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionState, ConnectionStore, InMemoryConnectionStore, Timestamp, apply_event};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryConnectionStore::default();
/// let c = Connection::builder("acme".parse()?, "ext-id-123".parse()?).build(Timestamp(0))?;
/// store.create(&c).await?;
/// let updated = apply_event(&store, c.id(), Timestamp(1), 3, |_| Ok(ConnectionEvent::DisconnectRequested)).await?;
/// assert_eq!((updated.revision(), updated.state()), (1, ConnectionState::Disconnected));
/// // Refused events change nothing.
/// assert!(apply_event(&store, c.id(), Timestamp(2), 3, |_| Ok(ConnectionEvent::DisconnectRequested)).await.is_err());
/// assert_eq!(store.get(c.id()).await?.map(|c| c.revision()), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn apply_event(
    store: &dyn ConnectionStore,
    id: &ConnectionId,
    now: Timestamp,
    attempts: u32,
    mut event: impl FnMut(&Connection) -> Result<ConnectionEvent, ConnectorError>,
) -> Result<Connection, ConnectorError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = store
            .get(id)
            .await?
            .ok_or_else(|| ConnectorError::NotFound(id.to_string()))?;
        let next = current.apply(event(&current)?, now)?;
        if !current.differs_from(&next) {
            return Ok(current);
        }
        match store.compare_and_swap(current.revision(), &next).await {
            Ok(()) => return Ok(next),
            Err(ConnectorError::Conflict { .. }) if attempt < attempts => {}
            Err(other) => return Err(other),
        }
    }
}
