//! The fleet at a glance, read from the store through the connector: how many connections
//! are in each state, and the ones in trouble — degraded, disconnected by the customer
//! (not the vendor's own disconnect), or verifying for too long —
//! with their diagnosis. The scan pages through the store and stops after
//! [`SCAN_LIMIT`] connections (the page says so).

use std::collections::BTreeMap;

use connector_core::{Connection, ConnectionState, ListQuery};

use crate::problem::Problem;
use crate::state::AppState;

/// The most connections one look at the page reads.
pub(crate) const SCAN_LIMIT: usize = 100_000;
/// A connection verifying longer than this is in trouble (the fleet worker retries an
/// inconclusive test within minutes).
pub(crate) const VERIFYING_TOO_LONG_SECONDS: i64 = 15 * 60;
/// The most connections in trouble the page lists.
pub(crate) const TROUBLE_SHOWN: usize = 200;

/// Why a connection is in trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// Degraded: the last check failed.
    Degraded,
    /// The customer's side refused: the role or its trust is gone.
    DisconnectedByCustomer,
    /// Verifying for longer than [`VERIFYING_TOO_LONG_SECONDS`].
    VerifyingTooLong,
}

impl Trouble {
    /// For people.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Trouble::Degraded => "degraded",
            Trouble::DisconnectedByCustomer => "disconnected by the customer",
            Trouble::VerifyingTooLong => "verifying too long",
        }
    }

    fn of(connection: &Connection, now: i64) -> Option<Trouble> {
        match connection.state() {
            ConnectionState::Degraded => Some(Trouble::Degraded),
            // The customer's side refused (the core re-checks exactly these); the vendor's own
            // disconnect (`DISCONNECT_REQUESTED`) is no trouble.
            ConnectionState::Disconnected if connection.is_health_checked() => {
                Some(Trouble::DisconnectedByCustomer)
            }
            ConnectionState::Verifying
                if now.saturating_sub(connection.state_since().0) > VERIFYING_TOO_LONG_SECONDS =>
            {
                Some(Trouble::VerifyingTooLong)
            }
            _ => None,
        }
    }
}

/// What the scan found.
#[derive(Debug, Default)]
pub(crate) struct FleetView {
    /// Connections per state name, every state present.
    pub(crate) counts: BTreeMap<&'static str, usize>,
    /// Connections read.
    pub(crate) total: usize,
    /// True when the scan stopped at [`SCAN_LIMIT`].
    pub(crate) truncated: bool,
    /// The connections in trouble, longest in trouble first (at most [`TROUBLE_SHOWN`]).
    pub(crate) trouble: Vec<(Trouble, Connection)>,
    /// How many are in trouble in all.
    pub(crate) trouble_total: usize,
}

/// Reads the fleet.
pub(crate) async fn scan(state: &AppState) -> Result<FleetView, Problem> {
    let now = i64::try_from(state.now()).unwrap_or(i64::MAX);
    let mut view = FleetView::default();
    for s in ConnectionState::ALL {
        view.counts.insert(s.name(), 0);
    }
    let mut shown = Longest::new(TROUBLE_SHOWN);
    let mut query = ListQuery::all().with_limit(ListQuery::MAX_LIMIT);
    loop {
        let page = state.connector().list(&query).await?;
        for connection in page.connections() {
            *view.counts.entry(connection.state().name()).or_insert(0) += 1;
            view.total += 1;
            if let Some(trouble) = Trouble::of(connection, now) {
                view.trouble_total += 1;
                shown.offer(trouble, connection);
            }
        }
        if view.total >= SCAN_LIMIT {
            view.truncated = page.next().is_some();
            break;
        }
        match page.next() {
            Some(next) => query = query.with_cursor(Some(next.clone())),
            None => break,
        }
    }
    view.trouble = shown.into_sorted();
    Ok(view)
}

/// The `limit` connections longest in trouble: a fleet of thousands of degraded connections
/// is not copied whole for one look at the page.
struct Longest {
    limit: usize,
    /// A max-heap on `state_since`: the newest kept is on top, dropped first.
    heap: std::collections::BinaryHeap<Kept>,
}

impl Longest {
    fn new(limit: usize) -> Longest {
        Longest {
            limit,
            heap: std::collections::BinaryHeap::with_capacity(limit.saturating_add(1)),
        }
    }

    fn offer(&mut self, trouble: Trouble, connection: &Connection) {
        if self.heap.len() < self.limit {
            self.heap.push(Kept::of(trouble, connection));
        } else if self
            .heap
            .peek()
            .is_some_and(|newest| connection.state_since().0 < newest.since)
        {
            self.heap.pop();
            self.heap.push(Kept::of(trouble, connection));
        }
    }

    /// Longest in trouble first.
    fn into_sorted(self) -> Vec<(Trouble, Connection)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|kept| (kept.trouble, kept.connection))
            .collect()
    }
}

/// A connection in trouble kept for the page, ordered by how long (the newest on top of the
/// heap, to be dropped first).
struct Kept {
    since: i64,
    trouble: Trouble,
    connection: Connection,
}

impl Kept {
    fn of(trouble: Trouble, connection: &Connection) -> Kept {
        Kept {
            since: connection.state_since().0,
            trouble,
            connection: connection.clone(),
        }
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Kept) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Kept) -> std::cmp::Ordering {
        self.since
            .cmp(&other.since)
            .then_with(|| self.connection.id().cmp(other.connection.id()))
    }
}

#[cfg(test)]
mod tests {
    use connector_core::{Connection, ConnectionEvent as E, Diagnosis, DiagnosisCode, Timestamp};

    use super::{Longest, Trouble, VERIFYING_TOO_LONG_SECONDS};

    fn verifying(since: i64) -> Connection {
        verifying_named("acme_prod", since)
    }

    fn verifying_named(id: &str, since: i64) -> Connection {
        Connection::builder(id.parse().unwrap(), "ext-id-123456".parse().unwrap())
            .build(Timestamp(0))
            .unwrap()
            .apply(
                E::RoleSubmitted {
                    role_arn: "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
                },
                Timestamp(since),
            )
            .unwrap()
    }

    #[test]
    fn the_page_keeps_the_connections_longest_in_trouble_oldest_first() {
        let mut longest = Longest::new(200);
        // 250 connections in a scrambled order of state_since (97 is coprime to 250).
        for i in 0..250_i64 {
            let since = (i * 97) % 250;
            longest.offer(
                Trouble::VerifyingTooLong,
                &verifying_named(&format!("acme_c{i}"), since),
            );
        }
        let kept: Vec<i64> = longest
            .into_sorted()
            .iter()
            .map(|(_, c)| c.state_since().0)
            .collect();
        assert_eq!(kept, (0..200).collect::<Vec<_>>());
        let mut few = Longest::new(200);
        few.offer(Trouble::Degraded, &verifying(5));
        assert_eq!(few.into_sorted().len(), 1);
    }

    #[test]
    fn trouble_is_degraded_customer_disconnected_or_verifying_too_long() {
        let since = 1_000;
        let c = verifying(since);
        assert_eq!(Trouble::of(&c, since + VERIFYING_TOO_LONG_SECONDS), None);
        assert_eq!(
            Trouble::of(&c, since + VERIFYING_TOO_LONG_SECONDS + 1),
            Some(Trouble::VerifyingTooLong)
        );
        let active = c
            .apply(E::VerificationSucceeded, Timestamp(since + 1))
            .unwrap();
        assert_eq!(Trouble::of(&active, i64::MAX), None);
        let denied = Diagnosis::new(DiagnosisCode::AccessDenied, "gone", Timestamp(since + 2));
        let degraded = active
            .clone()
            .apply(
                E::RefreshFailed {
                    diagnosis: denied.clone(),
                },
                Timestamp(since + 2),
            )
            .unwrap();
        assert_eq!(Trouble::of(&degraded, since + 3), Some(Trouble::Degraded));
        let revoked = active
            .clone()
            .apply(E::AccessRevoked { diagnosis: denied }, Timestamp(since + 2))
            .unwrap();
        assert_eq!(
            Trouble::of(&revoked, since + 3),
            Some(Trouble::DisconnectedByCustomer)
        );
        // The vendor's own disconnect (it has a diagnosis too) is no trouble.
        let by_vendor = active
            .apply(E::DisconnectRequested, Timestamp(since + 2))
            .unwrap();
        assert!(by_vendor.last_diagnosis().is_some());
        assert_eq!(Trouble::of(&by_vendor, since + 3), None);
    }
}
