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
    let mut query = ListQuery::all().with_limit(ListQuery::MAX_LIMIT);
    loop {
        let page = state.connector().list(&query).await?;
        for connection in page.connections() {
            *view.counts.entry(connection.state().name()).or_insert(0) += 1;
            view.total += 1;
            if let Some(trouble) = Trouble::of(connection, now) {
                view.trouble_total += 1;
                view.trouble.push((trouble, connection.clone()));
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
    view.trouble.sort_by_key(|(_, c)| c.state_since().0);
    view.trouble.truncate(TROUBLE_SHOWN);
    Ok(view)
}

#[cfg(test)]
mod tests {
    use connector_core::{Connection, ConnectionEvent as E, Diagnosis, DiagnosisCode, Timestamp};

    use super::{Trouble, VERIFYING_TOO_LONG_SECONDS};

    fn verifying(since: i64) -> Connection {
        Connection::builder(
            "acme_prod".parse().unwrap(),
            "ext-id-123456".parse().unwrap(),
        )
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
