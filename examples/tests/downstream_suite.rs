//! How a product's own test suite uses the in-memory STS: the product's code takes an
//! `Arc<dyn StsProvider>`, the tests hand it an `InMemorySts` with the customer's role and
//! then break things on purpose (throttling, revocation, a changed External ID) to see the
//! product react, without an AWS account and without sleeping.

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

use connector_core::iam_policy::RoleArn;
use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, ConnectedSession, Connection, ConnectionEvent, ConnectionStore,
    CredentialSession, InMemoryConnectionStore, ManualClock, RefreshPolicy, StsProvider, Timestamp,
    update,
};
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

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
    store: Arc<InMemoryConnectionStore>,
    role: RoleArn,
    session: ConnectedSession,
}

fn fixture() -> Fixture {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::with_seed(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/product/worker"
            .parse()
            .unwrap(),
        1,
    );
    let external_id: ExternalId = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap();
    let role: RoleArn = "arn:aws:iam::111122223333:role/Product".parse().unwrap();
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        external_id.clone(),
    );
    sts.create_role(
        role.clone(),
        trust.policy().unwrap(),
        Duration::from_secs(3600),
    )
    .unwrap();

    let store = Arc::new(InMemoryConnectionStore::new());
    let connection = Connection::new(
        "acme",
        "Acme",
        "111122223333".parse().unwrap(),
        external_id.clone(),
        Timestamp(1_800_000_000),
    )
    .unwrap();
    let id = connection.id.clone();
    store.create(connection).unwrap();
    for event in [
        ConnectionEvent::RoleSubmitted {
            role_arn: role.clone(),
        },
        ConnectionEvent::VerificationSucceeded,
    ] {
        update(&*store, &id, Timestamp(1_800_000_000), 3, |_| event.clone()).unwrap();
    }
    let request = AssumeRoleRequest::new(role.clone(), "nightly-scan").external_id(external_id);
    let provider: Arc<dyn StsProvider> = Arc::new(sts.clone());
    let session = ConnectedSession::new(
        Arc::clone(&store) as Arc<dyn ConnectionStore>,
        id,
        CredentialSession::new(
            provider,
            request,
            Arc::new(clock.clone()),
            RefreshPolicy::default(),
        )
        .unwrap(),
        Arc::new(clock.clone()),
    );
    Fixture {
        clock,
        sts,
        store,
        role,
        session,
    }
}

fn state(fixture: &Fixture) -> String {
    let id = "acme".parse::<connector_core::ConnectionId>().unwrap();
    fixture
        .store
        .get(&id)
        .unwrap()
        .unwrap()
        .state
        .name()
        .to_owned()
}

#[tokio::test]
async fn a_throttled_refresh_keeps_the_scan_running() {
    let f = fixture();
    assert!(nightly_scan(&f.session).await.is_ok());
    f.clock.advance(Duration::from_secs(50 * 60));
    f.sts.throttle_next(3);
    // Still-valid credentials keep flowing while STS throttles; the connection is degraded.
    assert!(nightly_scan(&f.session).await.is_ok());
    assert_eq!(state(&f), "degraded");
}

#[tokio::test]
async fn a_revoked_role_asks_for_a_reconnect() {
    let f = fixture();
    assert!(nightly_scan(&f.session).await.is_ok());
    f.sts.delete_role(&f.role).unwrap();
    f.clock.advance(Duration::from_secs(50 * 60));
    let outcome = nightly_scan(&f.session).await;
    assert!(outcome.unwrap_err().starts_with("reconnect needed"));
    assert_eq!(state(&f), "disconnected");
    // One scan, one refresh attempt: the product did not hammer STS.
    assert_eq!(f.session.session().provider_calls(), 2);
}
