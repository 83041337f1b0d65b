//! How a product's own test suite uses the in-memory STS: the product's code takes a
//! `ConnectedSession` from its `Connector`, the tests build the connector on an `InMemorySts`,
//! onboard the customer through it (the customer's role is made from the connection's own
//! artifacts, and the connection test verifies it), and then break things on purpose
//! (throttling, revocation, a vendor disconnect) to see the product react, without an AWS
//! account and without sleeping.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::sync::Arc;
use std::time::Duration;

use connector_core::testing::InMemorySts;
use connector_core::{
    ConnectedSession, ConnectionId, ConnectionState, Connector, DiagnosisCode,
    InMemoryConnectionStore, ManualClock, NewConnection, ParameterValues, RoleArn, VendorPrincipal,
};
use permission_sets::builtin;

/// The product's code under test: lists something in the customer's account with the
/// connection's credentials, and says "reconnect needed" when access is gone.
async fn nightly_scan(session: &ConnectedSession) -> Result<String, String> {
    match session.credentials().await {
        Ok(credentials) => Ok(format!("scanned with {}", credentials.access_key_id())),
        Err(error) => Err(format!("reconnect needed: {error}")),
    }
}

struct Fixture {
    clock: ManualClock,
    sts: InMemorySts,
    connector: Connector,
    id: ConnectionId,
    role: RoleArn,
    session: ConnectedSession,
}

/// An active connection, onboarded through the connector.
async fn fixture() -> Fixture {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::with_seed(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/product/worker"
            .parse()
            .unwrap(),
        1,
    );
    let set = builtin::s3_read().unwrap();
    let connector = Connector::builder(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts.clone()),
    )
    .with_clock(Arc::new(clock.clone()))
    .with_permission_set(set.clone())
    .build();

    let id: ConnectionId = "acme".parse().unwrap();
    connector
        .create(
            NewConnection::new(id.clone())
                .with_display_name("Acme")
                .with_account("111122223333".parse().unwrap())
                .with_permission_set(set.reference().clone()),
        )
        .await
        .unwrap();
    // The customer creates the role the artifacts describe and hands back its ARN.
    let onboarding = connector
        .artifacts(
            &id,
            ParameterValues::new().with_values("Buckets", ["acme-data"]),
        )
        .await
        .unwrap();
    let role: RoleArn = format!("arn:aws:iam::111122223333:role/{}", onboarding.role_name())
        .parse()
        .unwrap();
    sts.create_role(
        role.clone(),
        onboarding.trust_policy().clone(),
        Duration::from_secs(u64::from(onboarding.max_session_duration())),
    )
    .unwrap();
    let submission = connector.submit_role(&id, role.clone()).await.unwrap();
    assert!(submission.is_live(), "{:?}", submission.report());

    let session = connector.session(id.clone());
    Fixture {
        clock,
        sts,
        connector,
        id,
        role,
        session,
    }
}

impl Fixture {
    async fn state(&self) -> ConnectionState {
        self.connector.get(&self.id).await.unwrap().state()
    }
}

#[tokio::test]
async fn a_throttled_refresh_keeps_the_scan_running() {
    let f = fixture().await;
    assert!(nightly_scan(&f.session).await.is_ok());
    f.clock.advance(Duration::from_secs(50 * 60));
    f.sts.throttle_next(3);
    // Still-valid credentials keep flowing while STS throttles; the connection is degraded.
    assert!(nightly_scan(&f.session).await.is_ok());
    assert_eq!(f.state().await, ConnectionState::Degraded);
    let stored = f.connector.get(&f.id).await.unwrap();
    assert_eq!(
        stored.last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::Throttled)
    );
}

#[tokio::test]
async fn a_revoked_role_asks_for_a_reconnect() {
    let f = fixture().await;
    let calls = f.sts.calls().assume_role;
    assert!(nightly_scan(&f.session).await.is_ok());
    f.sts.delete_role(&f.role).unwrap();
    f.clock.advance(Duration::from_secs(50 * 60));
    let outcome = nightly_scan(&f.session).await;
    assert!(outcome.unwrap_err().starts_with("reconnect needed"));
    assert_eq!(f.state().await, ConnectionState::Disconnected);
    // One scan, one refresh attempt: the product did not hammer STS ...
    assert_eq!(f.sts.calls().assume_role, calls + 2);
    // ... and the next scan is refused without calling STS at all.
    assert!(nightly_scan(&f.session).await.is_err());
    assert_eq!(f.sts.calls().assume_role, calls + 2);
}

#[tokio::test]
async fn a_vendor_disconnect_stops_the_next_scan() {
    let f = fixture().await;
    assert!(nightly_scan(&f.session).await.is_ok());
    f.connector.disconnect(&f.id).await.unwrap();
    // The cached credentials are still valid, but the scan is refused at once.
    let calls = f.sts.calls().total();
    let outcome = nightly_scan(&f.session).await;
    assert!(outcome.unwrap_err().starts_with("reconnect needed"));
    assert_eq!(f.sts.calls().total(), calls);
    assert_eq!(f.state().await, ConnectionState::Disconnected);
}
