//! The `Connector` end to end on the in-memory STS and store: the lifecycle, and regression
//! tests for the defects of issue 12 (a connection test that failed open, sessions that
//! ignored the stored connection, a write storm while degraded).

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
    AssumeRoleRequest, BoxFuture, CallerIdentity, Clock, ConnectionId, ConnectionState,
    ConnectionStore, Connector, ConnectorError, DiagnosisCode, InMemoryConnectionStore,
    ManualClock, NewConnection, ProviderError, ProviderErrorKind, RoleSessionName, StsProvider,
    TemporaryCredentials, VerificationCode, VerificationOutcome, verify_connection,
};
use iam_policy::{PolicyDocument, Region, RoleArn};
use permission_sets::{ParameterValues, builtin};
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

const VENDOR: &str = "999988887777";
const ROLE: &str = "arn:aws:iam::111122223333:role/vendor-access";

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    store: Arc<InMemoryConnectionStore>,
    connector: Connector,
}

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account(VENDOR.parse().unwrap())
}

fn world() -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::with_seed(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
        7,
    );
    let store = Arc::new(InMemoryConnectionStore::new());
    let connector = connector_on(&clock, &sts, store.clone());
    World {
        clock,
        sts,
        store,
        connector,
    }
}

fn connector_on(
    clock: &ManualClock,
    sts: &InMemorySts,
    store: Arc<dyn ConnectionStore>,
) -> Connector {
    Connector::builder(vendor(), store, Arc::new(sts.clone()))
        .with_clock(Arc::new(clock.clone()))
        .with_permission_set(builtin::read_only_access().unwrap())
        .build()
}

fn role() -> RoleArn {
    ROLE.parse().unwrap()
}

fn trust(external_id: &ExternalId) -> PolicyDocument {
    CrossAccountTrust::new(vendor(), external_id.clone())
        .policy()
        .unwrap()
}

/// A trust policy without the External ID condition: the confused deputy.
fn open_trust() -> PolicyDocument {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": "sts:AssumeRole"}}]}}"#
    )
    .parse()
    .unwrap()
}

impl World {
    /// A pending connection whose customer created the role correctly.
    async fn onboarded(&self, id: &str) -> ConnectionId {
        let pending = self
            .connector
            .create(NewConnection::new(id.parse().unwrap()))
            .await
            .unwrap();
        if self.sts.role_exists(&role()) {
            self.sts
                .update_trust_policy(&role(), trust(pending.external_id()))
                .unwrap();
        } else {
            self.sts
                .create_role(
                    role(),
                    trust(pending.external_id()),
                    Duration::from_secs(3600),
                )
                .unwrap();
        }
        pending.id().clone()
    }

    async fn active(&self, id: &str) -> ConnectionId {
        let id = self.onboarded(id).await;
        let submission = self.connector.submit_role(&id, role()).await.unwrap();
        assert_eq!(submission.connection().state(), ConnectionState::Active);
        id
    }

    async fn stored(&self, id: &ConnectionId) -> connector_core::Connection {
        self.store.get(id).await.unwrap().unwrap()
    }
}

#[tokio::test]
async fn the_whole_lifecycle() {
    let w = world();
    let id = w.onboarded("acme").await;
    let pending = w.stored(&id).await;
    assert!(pending.account_id().is_none(), "learnt from the role ARN");

    let submission = w.connector.submit_role(&id, role()).await.unwrap();
    assert!(submission.report().unwrap().is_verified());
    let active = submission.connection();
    assert_eq!(active.state(), ConnectionState::Active);
    assert_eq!(active.account_id().unwrap().as_str(), "111122223333");

    // Submitting the same role again changes nothing and calls nobody.
    let calls = w.sts.calls().total();
    let again = w.connector.submit_role(&id, role()).await.unwrap();
    assert!(again.report().is_none());
    assert_eq!(again.connection(), active);
    assert_eq!(w.sts.calls().total(), calls);

    let credentials = w.connector.credentials(&id).await.unwrap();
    let identity = w.sts.caller_identity(&credentials, None).await.unwrap();
    assert_eq!(
        identity.arn,
        "arn:aws:sts::111122223333:assumed-role/vendor-access/connector-acme"
    );

    w.connector.disconnect(&id).await.unwrap();
    assert!(matches!(
        w.connector.credentials(&id).await,
        Err(ConnectorError::NotLive {
            state: ConnectionState::Disconnected,
            ..
        })
    ));
    let removed = w.connector.remove(&id).await.unwrap();
    assert_eq!(removed.state(), ConnectionState::Removed);
}

#[tokio::test]
async fn a_role_outside_the_account_given_up_front_is_refused() {
    let w = world();
    let pending = w
        .connector
        .create(
            NewConnection::new("acme".parse().unwrap())
                .with_account("444455556666".parse().unwrap()),
        )
        .await
        .unwrap();
    let calls = w.sts.calls().total();
    let err = w
        .connector
        .submit_role(pending.id(), role())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::InvalidValue { field: "role ARN", rule, .. } if rule.contains("444455556666")),
        "{err}"
    );
    assert_eq!(w.stored(pending.id()).await, pending, "nothing changed");
    assert_eq!(w.sts.calls().total(), calls, "no STS call");
}

#[tokio::test]
async fn a_role_without_the_external_id_condition_is_refused_back_to_pending() {
    let w = world();
    let pending = w
        .connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap();
    w.sts
        .create_role(role(), open_trust(), Duration::from_secs(3600))
        .unwrap();
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    let connection = submission.connection();
    assert_eq!(connection.state(), ConnectionState::Pending);
    assert_eq!(
        connection.last_diagnosis().unwrap().code(),
        DiagnosisCode::ExternalIdNotRequired
    );
    assert!(w.connector.credentials(pending.id()).await.is_err());

    // The customer fixes the trust policy; the same role verifies.
    w.sts
        .update_trust_policy(&role(), trust(pending.external_id()))
        .unwrap();
    let fixed = w.connector.submit_role(pending.id(), role()).await.unwrap();
    assert_eq!(fixed.connection().state(), ConnectionState::Active);
}

#[tokio::test]
async fn a_throttled_test_is_inconclusive_and_stays_verifying() {
    let w = world();
    let id = w.onboarded("acme").await;
    w.sts.throttle_next(1);
    let submission = w.connector.submit_role(&id, role()).await.unwrap();
    assert_eq!(
        submission.report().unwrap().outcome(),
        VerificationOutcome::Inconclusive { retryable: true }
    );
    let json = serde_json::to_value(submission.report().unwrap()).unwrap();
    assert_eq!(json["verified"], false);
    assert_eq!(json["outcome"], "inconclusive");
    assert_eq!(json["retryable"], true);
    assert_eq!(json["findings"][0]["code"], "ASSUME_ROLE_INCONCLUSIVE");
    let connection = submission.connection();
    assert_eq!(connection.state(), ConnectionState::Verifying);
    assert_eq!(
        connection.last_diagnosis().unwrap().code(),
        DiagnosisCode::AssumeRoleInconclusive
    );
    assert!(matches!(
        w.connector.credentials(&id).await,
        Err(ConnectorError::NotLive {
            state: ConnectionState::Verifying,
            ..
        })
    ));
    // Later, the test is run again and verifies.
    let retried = w.connector.verify(&id).await.unwrap();
    assert_eq!(retried.connection().state(), ConnectionState::Active);
}

/// A provider that answers the check without an External ID with a given error, and
/// otherwise passes through: throttling, a timeout, anything but AWS's AccessDenied.
#[derive(Debug)]
struct NoIdCheckFails {
    inner: InMemorySts,
    error: ProviderError,
}

impl StsProvider for NoIdCheckFails {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        if request.external_id().is_none() {
            let error = self.error.clone();
            return Box::pin(async move { Err(error) });
        }
        self.inner.assume_role(request)
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        self.inner.caller_identity(credentials, region)
    }
}

/// Defect 1: the role has no External ID condition, and the negative check does not come
/// back as AWS's AccessDenied. The old code reported `verified: true`.
#[tokio::test]
async fn the_negative_check_fails_closed() {
    let w = world();
    w.sts
        .create_role(role(), open_trust(), Duration::from_secs(3600))
        .unwrap();
    let external_id = ExternalId::generate().unwrap();
    let name: RoleSessionName = "verify".parse().unwrap();
    for (error, retryable) in [
        (
            ProviderError::new(ProviderErrorKind::Throttled, "Rate exceeded"),
            true,
        ),
        (
            ProviderError::new(ProviderErrorKind::Transient, "timed out"),
            true,
        ),
        (
            ProviderError::new(
                ProviderErrorKind::InvalidRequest,
                "RoleSessionName: too long",
            ),
            false,
        ),
        (
            ProviderError::new(ProviderErrorKind::Other, "InternalFailure"),
            false,
        ),
        (
            ProviderError::unsupported("AssumeRole without an External ID"),
            false,
        ),
    ] {
        let provider = NoIdCheckFails {
            inner: w.sts.clone(),
            error: error.clone(),
        };
        let report = verify_connection(&provider, &role(), &external_id, &name, None).await;
        assert!(!report.is_verified(), "{error}");
        assert_eq!(
            report.outcome(),
            VerificationOutcome::Inconclusive { retryable },
            "{error}"
        );
        let finding = report.deciding_finding().unwrap();
        assert_eq!(
            finding.code(),
            VerificationCode::ExternalIdCheckInconclusive
        );
        assert_eq!(finding.is_retryable(), retryable);
    }
}

/// Defect 1: a legal 60 to 64 character session name made `NAME-noid` too long; STS refused it
/// locally and the old code took that as "verified". Now the negative check is sent under a
/// valid derived name, and the open role is refused.
#[tokio::test]
async fn long_session_names_still_run_the_negative_check() {
    let w = world();
    w.sts
        .create_role(role(), open_trust(), Duration::from_secs(3600))
        .unwrap();
    let external_id = ExternalId::generate().unwrap();
    for len in 58..=64 {
        let name: RoleSessionName = "n".repeat(len).parse().unwrap();
        w.sts.reset_counters();
        let report = verify_connection(&w.sts, &role(), &external_id, &name, None).await;
        assert_eq!(
            report.outcome(),
            VerificationOutcome::Refused,
            "length {len}"
        );
        assert_eq!(
            report.deciding_finding().unwrap().code(),
            VerificationCode::ExternalIdNotRequired
        );
        assert_eq!(
            w.sts.calls().assume_role,
            2,
            "both AssumeRole calls reached STS"
        );
    }
}

/// A provider that only fakes AssumeRole: GetCallerIdentity is unsupported, so no connection
/// test can verify through it.
#[derive(Debug)]
struct AssumeOnly(InMemorySts);

impl StsProvider for AssumeOnly {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        self.0.assume_role(request)
    }
}

#[tokio::test]
async fn a_provider_without_caller_identity_never_verifies() {
    let w = world();
    let external_id = ExternalId::generate().unwrap();
    w.sts
        .create_role(role(), trust(&external_id), Duration::from_secs(3600))
        .unwrap();
    let provider = AssumeOnly(w.sts.clone());
    let report = verify_connection(
        &provider,
        &role(),
        &external_id,
        &"verify".parse().unwrap(),
        None,
    )
    .await;
    assert_eq!(
        report.outcome(),
        VerificationOutcome::Inconclusive { retryable: false }
    );
    assert_eq!(
        report.deciding_finding().unwrap().code(),
        VerificationCode::CallerIdentityInconclusive
    );
}

#[tokio::test]
async fn denied_and_region_disabled_are_refusals_other_failures_are_not() {
    let w = world();
    let external_id = ExternalId::generate().unwrap();
    let name: RoleSessionName = "verify".parse().unwrap();
    // No role at all: denied.
    let report = verify_connection(&w.sts, &role(), &external_id, &name, None).await;
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    assert_eq!(
        report.deciding_finding().unwrap().code(),
        VerificationCode::AssumeRoleDenied
    );

    w.sts
        .create_role(role(), trust(&external_id), Duration::from_secs(3600))
        .unwrap();
    let region: Region = "eu-west-1".parse().unwrap();
    w.sts
        .disable_region(&"111122223333".parse().unwrap(), &region);
    let report = verify_connection(&w.sts, &role(), &external_id, &name, Some(&region)).await;
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    assert_eq!(
        report.deciding_finding().unwrap().code(),
        VerificationCode::AssumeRoleRegionDisabled
    );

    w.sts.fail_next(ProviderError::new(
        ProviderErrorKind::ExpiredToken,
        "the vendor's token expired",
    ));
    let report = verify_connection(&w.sts, &role(), &external_id, &name, None).await;
    assert_eq!(
        report.outcome(),
        VerificationOutcome::Inconclusive { retryable: false }
    );
}

/// Defect 2: a vendor-side disconnect stops every worker at its next call, cached credentials
/// or not, with no STS call.
#[tokio::test]
async fn a_disconnect_stops_workers_at_once() {
    let w = world();
    let id = w.active("acme").await;
    let workers: Vec<_> = (0..4).map(|_| w.connector.session(id.clone())).collect();
    for worker in &workers {
        worker.credentials().await.unwrap();
    }
    let calls = w.sts.calls().total();
    w.connector.disconnect(&id).await.unwrap();
    for worker in &workers {
        assert!(matches!(
            worker.credentials().await,
            Err(ConnectorError::NotLive {
                state: ConnectionState::Disconnected,
                ..
            })
        ));
    }
    assert_eq!(
        w.sts.calls().total(),
        calls,
        "no STS call for a disconnected connection"
    );

    // Removed, and deleted from the store: refused too.
    w.connector.remove(&id).await.unwrap();
    assert!(w.connector.credentials(&id).await.is_err());
    w.store.delete(&id).await.unwrap();
    assert!(matches!(
        w.connector.credentials(&id).await,
        Err(ConnectorError::NotFound(_))
    ));
    assert_eq!(w.sts.calls().total(), calls);
}

/// Defect 2: another process disconnects through the shared store; this one stops within the
/// state TTL, long before the credentials expire.
#[tokio::test]
async fn a_disconnect_elsewhere_takes_effect_within_the_state_ttl() {
    let w = world();
    let id = w.active("acme").await;
    w.connector.credentials(&id).await.unwrap();
    let other = connector_on(&w.clock, &w.sts, w.store.clone());
    other.disconnect(&id).await.unwrap();
    let calls = w.sts.calls().total();

    // Within the bound, the snapshot may still serve the cached credentials...
    w.clock.advance(Connector::DEFAULT_STATE_TTL / 2);
    let _ = w.connector.credentials(&id).await;
    // ...past it, never.
    w.clock.advance(Connector::DEFAULT_STATE_TTL);
    assert!(matches!(
        w.connector.credentials(&id).await,
        Err(ConnectorError::NotLive {
            state: ConnectionState::Disconnected,
            ..
        })
    ));
    assert_eq!(w.sts.calls().total(), calls);

    // A store deletion elsewhere likewise.
    let id2 = w.active("globex").await;
    w.connector.credentials(&id2).await.unwrap();
    w.store.delete(&id2).await.unwrap();
    w.clock.advance(Connector::DEFAULT_STATE_TTL);
    assert!(matches!(
        w.connector.credentials(&id2).await,
        Err(ConnectorError::NotFound(_))
    ));
}

/// Defect 3: one throttle and ten calls during the backoff write the store once (Active →
/// Degraded), not eleven times.
#[tokio::test]
async fn no_write_storm_while_degraded() {
    let w = world();
    let id = w.active("acme").await;
    w.connector.credentials(&id).await.unwrap();
    assert_eq!(w.stored(&id).await.revision(), 2);

    // Into the mandatory refresh window (under 10 minutes left): every call wants a refresh.
    w.clock.advance(Duration::from_secs(3600 - 5 * 60));
    w.sts.throttle_next(1);
    let still_valid = w.connector.credentials(&id).await.unwrap();
    assert!(!still_valid.is_expired_at(w.clock.now()));
    let degraded = w.stored(&id).await;
    assert_eq!(degraded.state(), ConnectionState::Degraded);
    assert_eq!(degraded.revision(), 3);
    for _ in 0..10 {
        w.connector.credentials(&id).await.unwrap();
    }
    assert_eq!(
        w.stored(&id).await.revision(),
        3,
        "no write during the backoff"
    );

    // The backoff passes and STS throttles again with the same message: still no write.
    w.clock.advance(Duration::from_secs(2));
    w.sts.throttle_next(1);
    w.connector.credentials(&id).await.unwrap();
    assert_eq!(w.stored(&id).await.revision(), 3);
    assert_eq!(w.stored(&id).await.state_since(), degraded.state_since());

    // Recovery: one write, back to Active.
    w.clock.advance(Duration::from_secs(5));
    w.connector.credentials(&id).await.unwrap();
    let recovered = w.stored(&id).await;
    assert_eq!(
        (recovered.state(), recovered.revision()),
        (ConnectionState::Active, 4)
    );
    for _ in 0..10 {
        w.connector.credentials(&id).await.unwrap();
    }
    assert_eq!(w.stored(&id).await.revision(), 4);
}

#[tokio::test]
async fn the_customer_deleting_the_role_disconnects_at_the_next_refresh() {
    let w = world();
    let id = w.active("acme").await;
    w.connector.credentials(&id).await.unwrap();
    w.sts.delete_role(&role()).unwrap();
    w.clock.advance(Duration::from_secs(3600));
    assert!(matches!(
        w.connector.credentials(&id).await,
        Err(ConnectorError::Provider(ProviderError {
            kind: ProviderErrorKind::AccessDenied,
            ..
        }))
    ));
    let disconnected = w.stored(&id).await;
    assert_eq!(disconnected.state(), ConnectionState::Disconnected);
    assert_eq!(
        disconnected.last_diagnosis().unwrap().code(),
        DiagnosisCode::AccessDenied
    );
    let calls = w.sts.calls().total();
    assert!(matches!(
        w.connector.credentials(&id).await,
        Err(ConnectorError::NotLive { .. })
    ));
    assert_eq!(w.sts.calls().total(), calls);

    // The customer recreates the role; a reconnect verifies it again.
    let external_id = disconnected.external_id().clone();
    w.sts
        .create_role(role(), trust(&external_id), Duration::from_secs(3600))
        .unwrap();
    let reconnected = w.connector.reconnect(&id, None).await.unwrap();
    assert_eq!(reconnected.connection().state(), ConnectionState::Active);
    w.connector.credentials(&id).await.unwrap();
}

#[tokio::test]
async fn an_external_id_rotation_end_to_end() {
    let w = world();
    let pending = w
        .connector
        .create(
            NewConnection::new("rotating".parse().unwrap())
                .with_permission_set(builtin::read_only_access().unwrap().reference().clone()),
        )
        .await
        .unwrap();
    let rotating_role: RoleArn = "arn:aws:iam::111122223333:role/rotating".parse().unwrap();
    let artifacts = w
        .connector
        .artifacts(pending.id(), ParameterValues::new())
        .await
        .unwrap();
    w.sts
        .create_role(
            rotating_role.clone(),
            artifacts.trust_policy().clone(),
            Duration::from_secs(3600),
        )
        .unwrap();
    w.connector
        .submit_role(pending.id(), rotating_role.clone())
        .await
        .unwrap();
    let old = pending.external_id().clone();

    let started = w.connector.start_rotation(pending.id()).await.unwrap();
    let new = started.next_external_id().unwrap().clone();
    let transitional = w
        .connector
        .artifacts(pending.id(), ParameterValues::new())
        .await
        .unwrap();
    let json = transitional.trust_policy().to_json();
    assert!(json.contains(old.as_str()) && json.contains(new.as_str()));

    // Not completed before the customer applied it.
    let early = w.connector.complete_rotation(pending.id()).await.unwrap();
    assert!(!early.report().unwrap().is_verified());
    assert_eq!(w.stored(pending.id()).await.external_id(), &old);

    w.sts
        .update_trust_policy(&rotating_role, transitional.trust_policy().clone())
        .unwrap();
    let done = w.connector.complete_rotation(pending.id()).await.unwrap();
    assert!(done.report().unwrap().is_verified());
    assert_eq!(done.connection().external_id(), &new);
    assert!(done.connection().next_external_id().is_none());
    let final_policy = w
        .connector
        .artifacts(pending.id(), ParameterValues::new())
        .await
        .unwrap();
    assert!(!final_policy.trust_policy().to_json().contains(old.as_str()));

    // Workers now present the new id: with only it in the trust policy they still connect.
    w.sts
        .update_trust_policy(&rotating_role, final_policy.trust_policy().clone())
        .unwrap();
    let credentials = w.connector.credentials(pending.id()).await.unwrap();
    assert!(!credentials.is_expired_at(w.clock.now()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_cold_callers_make_one_sts_call() {
    let w = world();
    let id = w.active("acme").await;
    w.sts.reset_counters();
    w.sts.set_latency_yields(50);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10_000 {
        let (connector, id) = (w.connector.clone(), id.clone());
        tasks.spawn(async move {
            connector
                .credentials(&id)
                .await
                .map(|c| c.access_key_id().to_owned())
        });
    }
    let mut keys = std::collections::BTreeSet::new();
    while let Some(result) = tasks.join_next().await {
        keys.insert(result.unwrap().unwrap());
    }
    assert_eq!(w.sts.calls().assume_role, 1);
    assert_eq!(keys.len(), 1, "everyone got the one session's credentials");
}

#[tokio::test]
async fn scoped_sessions_are_their_own_sessions() {
    let w = world();
    let id = w.active("acme").await;
    let full = w.connector.session(id.clone()).credentials().await.unwrap();
    let narrow_scope = connector_core::SessionScope::new()
        .with_name_suffix("export")
        .with_session_policy(
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#
                .parse()
                .unwrap(),
        );
    let narrow = w
        .connector
        .scoped_session(id.clone(), narrow_scope.clone())
        .credentials()
        .await
        .unwrap();
    assert_ne!(full.access_key_id(), narrow.access_key_id());
    let again = w
        .connector
        .scoped_session(id.clone(), narrow_scope)
        .credentials()
        .await
        .unwrap();
    assert_eq!(narrow.access_key_id(), again.access_key_id());
    let identity = w.sts.caller_identity(&narrow, None).await.unwrap();
    assert!(
        identity.arn.ends_with("/connector-acme-export"),
        "{}",
        identity.arn
    );
    w.connector.disconnect(&id).await.unwrap();
    assert!(
        w.connector
            .scoped_session(
                id,
                connector_core::SessionScope::new().with_name_suffix("export")
            )
            .credentials()
            .await
            .is_err()
    );
}

/// A refresh that fails through the vendor's own fault (its keys, its expired token) degrades
/// the connection and keeps valid credentials flowing; it never disconnects the customer.
#[tokio::test]
async fn a_vendor_side_refresh_error_does_not_disconnect_the_customer() {
    let w = world();
    let id = w.active("acme").await;
    w.connector.credentials(&id).await.unwrap();
    for (n, error) in [
        ProviderError::new(
            ProviderErrorKind::Other,
            "The security token included in the request is invalid.",
        )
        .with_code("InvalidClientTokenId"),
        ProviderError::new(
            ProviderErrorKind::ExpiredToken,
            "The vendor's token expired.",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        // Into the advisory window of the current credentials.
        w.clock
            .advance(Duration::from_secs(if n == 0 { 50 * 60 } else { 5 * 60 }));
        w.sts.fail_next(error.clone());
        let credentials = w.connector.credentials(&id).await;
        let stored = w.stored(&id).await;
        assert_eq!(stored.state(), ConnectionState::Degraded, "{error}");
        assert_eq!(
            stored.last_diagnosis().unwrap().code(),
            DiagnosisCode::from(error.kind)
        );
        let credentials = credentials.unwrap();
        assert!(
            !credentials.is_expired_at(w.clock.now()),
            "the old credentials still serve"
        );
    }
    // The vendor fixes its side: the next refresh recovers.
    w.clock.advance(Duration::from_secs(5 * 60));
    w.connector.credentials(&id).await.unwrap();
    assert_eq!(w.stored(&id).await.state(), ConnectionState::Active);
}

/// STS deactivated in the region for the customer's account is the customer's to fix: the
/// connection disconnects.
#[tokio::test]
async fn a_disabled_region_disconnects() {
    let w = world();
    let pending = w
        .connector
        .create(
            NewConnection::new("acme".parse().unwrap())
                .with_regions(["eu-west-1".parse().unwrap()]),
        )
        .await
        .unwrap();
    w.sts
        .create_role(
            role(),
            trust(pending.external_id()),
            Duration::from_secs(3600),
        )
        .unwrap();
    w.connector.submit_role(pending.id(), role()).await.unwrap();
    w.connector.credentials(pending.id()).await.unwrap();
    w.sts.disable_region(
        &"111122223333".parse().unwrap(),
        &"eu-west-1".parse().unwrap(),
    );
    w.clock.advance(Duration::from_secs(3600));
    assert!(w.connector.credentials(pending.id()).await.is_err());
    let stored = w.stored(pending.id()).await;
    assert_eq!(stored.state(), ConnectionState::Disconnected);
    assert_eq!(
        stored.last_diagnosis().unwrap().code(),
        DiagnosisCode::RegionDisabled
    );
}
