//! `CheckQueue`: the health-check schedule a store keeps beside each connection (a due time
//! and a lease), so several workers share one fleet without checking a connection twice or
//! losing one when a worker dies.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{BoxFuture, ConnectionId, ConnectionState, ConnectionStore, ConnectorError};

/// The health-check schedule of a [`ConnectionStore`]: every connection that
/// [`is_health_checked`](crate::Connection::is_health_checked) has a due time, kept in the
/// store beside the record (in clear: it is needed for queries), and at most one worker holds
/// a lease on it at a time. `InMemoryConnectionStore` implements it, and so does every
/// durable store in `connector-store`; `testing::behaviour::queue_contract` holds each to
/// the contract:
///
/// - writing a record ([`create`](ConnectionStore::create),
///   [`compare_and_swap`](ConnectionStore::compare_and_swap)) keeps its due time when it is
///   health-checked (and makes it due at its `updated_at` when it had none), and clears the
///   due time when it is not; leases are left alone;
/// - [`claim_due`](Self::claim_due) leases, atomically, up to `limit` connections whose due
///   time has come and that no live lease holds, earliest due first; two workers never hold
///   the same connection, and a lease that expired is taken over (and reported as such);
/// - [`finish`](Self::finish) ends a lease with the next due time, only while the lease is
///   still the caller's (else [`ConnectorError::LeaseLost`]); a connection that left the
///   schedule meanwhile stays out of it;
/// - [`request_check`](Self::request_check) brings a scheduled connection's due time forward.
///
/// Times are kept to the millisecond.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use connector_core::{CheckQueue, Connection, ConnectionEvent, ConnectionStore, InMemoryConnectionStore, Timestamp, WorkerId};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = InMemoryConnectionStore::new();
/// let c = Connection::builder("acme".parse()?, "ext-id-123".parse()?)
///     .build(Timestamp(1_800_000_000))?
///     .apply(ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse()? }, Timestamp(1_800_000_000))?;
/// store.create(&c).await?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_800_000_001);
/// let worker: WorkerId = "worker-1".parse()?;
/// let claims = store.claim_due(&worker, now, Duration::from_secs(60), 100).await?;
/// assert_eq!(claims.len(), 1);
/// // Another worker finds nothing while the lease lives.
/// assert!(store.claim_due(&"worker-2".parse()?, now, Duration::from_secs(60), 100).await?.is_empty());
/// store.finish(claims[0].lease(), Some(now + Duration::from_secs(300))).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait CheckQueue: ConnectionStore {
    /// Leases up to `limit` connections whose due time is at or before `now` and which no
    /// lease holds (or whose lease expired), earliest due first, for `lease_for` from `now`.
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>>;

    /// Ends `lease`: the connection is next due at `next_due` (`None`: it leaves the
    /// schedule). A connection that left the schedule while leased stays out of it.
    /// [`ConnectorError::LeaseLost`] when the lease is no longer the caller's (it expired and
    /// another worker took it over); [`ConnectorError::NotFound`] when the connection is gone.
    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>>;

    /// Makes a scheduled connection due at `at` at the latest (its due time only moves
    /// earlier). False when the connection is not on the schedule (not health-checked, or
    /// missing).
    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>>;

    /// The queue seen at `now`: how many connections are due and not leased, the earliest
    /// such due time, how many are leased, and how many connections there are in each state.
    fn queue_stats<'a>(
        &'a self,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>>;
}

/// The name of a worker holding leases: 1 to 64 letters, digits, `.`, `_`, `:` or `-`.
///
/// ```
/// use connector_core::WorkerId;
/// let id: WorkerId = "host-a:4242".parse()?;
/// assert_eq!(id.as_str(), "host-a:4242");
/// assert!("".parse::<WorkerId>().is_err());
/// assert!("a b".parse::<WorkerId>().is_err());
/// # Ok::<(), connector_core::ConnectorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkerId(String);

impl WorkerId {
    /// The longest worker id.
    pub const MAX_LEN: usize = 64;

    /// Checks `text`.
    pub fn new(text: &str) -> Result<WorkerId, ConnectorError> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
        if text.is_empty() || text.len() > WorkerId::MAX_LEN || !text.chars().all(allowed) {
            return Err(ConnectorError::invalid(
                "worker id",
                text,
                "1 to 64 letters, digits, '.', '_', ':' or '-'",
            ));
        }
        Ok(WorkerId(text.to_owned()))
    }

    /// A fresh id: `prefix` (cut to fit) and 16 random letters and digits from the OS
    /// CSPRNG.
    pub fn generate(prefix: &str) -> Result<WorkerId, ConnectorError> {
        let random = trust_policy::ExternalId::generate_with_len(16)?;
        let keep: String = prefix.chars().take(WorkerId::MAX_LEN - 17).collect();
        WorkerId::new(&format!("{keep}-{}", random.as_str()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for WorkerId {
    type Err = ConnectorError;
    fn from_str(text: &str) -> Result<WorkerId, ConnectorError> {
        WorkerId::new(text)
    }
}

impl std::fmt::Display for WorkerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A worker's hold on one connection until `until`: what [`CheckQueue::finish`] compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    id: ConnectionId,
    owner: WorkerId,
    until_millis: i64,
}

impl Lease {
    /// A lease of `id` held by `owner` until `until_millis` (Unix milliseconds): what a
    /// store builds from its row.
    pub fn new(id: ConnectionId, owner: WorkerId, until_millis: i64) -> Lease {
        Lease {
            id,
            owner,
            until_millis,
        }
    }

    /// The connection.
    pub fn id(&self) -> &ConnectionId {
        &self.id
    }

    /// The worker.
    pub fn owner(&self) -> &WorkerId {
        &self.owner
    }

    /// When it expires, in Unix milliseconds.
    pub fn until_millis(&self) -> i64 {
        self.until_millis
    }

    /// When it expires.
    pub fn until(&self) -> SystemTime {
        from_unix_millis(self.until_millis)
    }
}

/// One connection leased by [`CheckQueue::claim_due`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    lease: Lease,
    due_millis: i64,
    taken_over: bool,
}

impl Claim {
    /// A claim of `lease` for a connection due at `due_millis`; `taken_over` when another
    /// worker's lease had expired on it.
    pub fn new(lease: Lease, due_millis: i64, taken_over: bool) -> Claim {
        Claim {
            lease,
            due_millis,
            taken_over,
        }
    }

    /// The lease.
    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    /// The connection.
    pub fn id(&self) -> &ConnectionId {
        &self.lease.id
    }

    /// When the check was due, in Unix milliseconds.
    pub fn due_millis(&self) -> i64 {
        self.due_millis
    }

    /// When the check was due.
    pub fn due(&self) -> SystemTime {
        from_unix_millis(self.due_millis)
    }

    /// True when another worker's lease had expired on the connection (that worker died or
    /// stalled).
    pub fn taken_over(&self) -> bool {
        self.taken_over
    }
}

/// The queue at one moment ([`CheckQueue::queue_stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueStats {
    due: u64,
    oldest_due_millis: Option<i64>,
    leased: u64,
    states: Vec<(ConnectionState, u64)>,
}

impl QueueStats {
    /// The figures a store counted.
    pub fn new(
        due: u64,
        oldest_due_millis: Option<i64>,
        leased: u64,
        states: impl IntoIterator<Item = (ConnectionState, u64)>,
    ) -> QueueStats {
        let mut counted: Vec<(ConnectionState, u64)> = Vec::new();
        for (state, count) in states {
            match counted.iter_mut().find(|(s, _)| *s == state) {
                Some((_, total)) => *total += count,
                None => counted.push((state, count)),
            }
        }
        counted.sort_by_key(|(state, _)| ConnectionState::ALL.iter().position(|s| s == state));
        QueueStats {
            due,
            oldest_due_millis,
            leased,
            states: counted,
        }
    }

    /// Connections due and not leased.
    pub fn due(&self) -> u64 {
        self.due
    }

    /// The earliest due time among them.
    pub fn oldest_due(&self) -> Option<SystemTime> {
        self.oldest_due_millis.map(from_unix_millis)
    }

    /// How late the oldest due check is at `now` (zero when none is due).
    pub fn lag(&self, now: SystemTime) -> Duration {
        self.oldest_due()
            .and_then(|due| now.duration_since(due).ok())
            .unwrap_or_default()
    }

    /// Connections leased by a worker.
    pub fn leased(&self) -> u64 {
        self.leased
    }

    /// How many connections in each state (states with none left out).
    pub fn states(&self) -> &[(ConnectionState, u64)] {
        &self.states
    }

    /// How many in `state`.
    pub fn count(&self, state: ConnectionState) -> u64 {
        self.states
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    }
}

/// `time` in Unix milliseconds, as stores keep due times and leases (saturating; before
/// 1970 is negative).
pub fn unix_millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The time `millis` Unix milliseconds stand for.
pub fn from_unix_millis(millis: i64) -> SystemTime {
    let magnitude = Duration::from_millis(millis.unsigned_abs());
    if millis >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unix_millis_round_trip(ms in -4_000_000_000_000i64..4_000_000_000_000i64) {
            prop_assert_eq!(unix_millis(from_unix_millis(ms)), ms);
        }

        #[test]
        fn worker_ids_accept_exactly_their_alphabet(text in "[ -~]{0,70}") {
            let ok = !text.is_empty() && text.len() <= 64
                && text.chars().all(|c| c.is_ascii_alphanumeric() || ".:_-".contains(c));
            prop_assert_eq!(WorkerId::new(&text).is_ok(), ok);
        }
    }

    #[test]
    fn generated_worker_ids_are_valid_and_distinct() {
        let long = "w".repeat(100);
        let a = WorkerId::generate(&long).unwrap();
        let b = WorkerId::generate(&long).unwrap();
        assert_ne!(a, b);
        assert!(a.as_str().len() <= WorkerId::MAX_LEN);
    }

    #[test]
    fn stats_add_up_repeated_states_in_state_order() {
        let stats = QueueStats::new(
            3,
            Some(1_000),
            1,
            [
                (ConnectionState::Degraded, 2),
                (ConnectionState::Active, 5),
                (ConnectionState::Degraded, 1),
            ],
        );
        assert_eq!(
            stats.states(),
            [(ConnectionState::Active, 5), (ConnectionState::Degraded, 3)]
        );
        assert_eq!(
            stats.lag(from_unix_millis(4_500)),
            Duration::from_millis(3_500)
        );
        assert_eq!(stats.lag(from_unix_millis(500)), Duration::ZERO);
    }
}
