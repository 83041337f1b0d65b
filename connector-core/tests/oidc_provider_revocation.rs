//! A customer who deletes the IAM OIDC identity provider for the vendor's issuer revokes a
//! web-identity connection, as deleting the role does: STS answers `InvalidIdentityToken`
//! "No OpenIDConnect provider found in your account for https://ISSUER", and the connection
//! becomes `Disconnected` with the diagnosis `OIDC_PROVIDER_MISSING`, at the next refresh and
//! at the next health check, with no credentials handed out. The vendor's own token faults (a
//! key the provider's JWKS does not hold, a token naming another issuer) keep degrading; and
//! the connection test names a provider that was never created, and never counts a missing
//! provider as a negative check's refusal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use connector_core::oidc::{Issuer, IssuerUrl, Jwks, KeySet, SigningAlgorithm, SigningKey};
use connector_core::testing::InMemorySts;
use connector_core::{
    ChannelSubscriber, CheckOutcome, Clock, Connection, ConnectionState, Connector, ConnectorError,
    CredentialSession, DiagnosisCode, FleetWorker, InMemoryConnectionStore, ManualClock,
    NewConnection, ProviderError, ProviderErrorKind, RefreshPolicy, StsProvider, TokenSubject,
    VerificationCode, VerificationOutcome, WebIdentitySource, WebIdentityTokens,
};
use iam_policy::RoleArn;
use permission_sets::builtin;
use secrecy::SecretString;
use trust_policy::{OidcTrust, SubjectMatch, VendorPrincipal};

mod failing_suffix;
use failing_suffix::FailingSuffix;
mod tokio_time;
use tokio_time::TokioTimer;

const ISSUER: &str = "https://id.auto-nomos.com";
const VENDOR: &str = "999988887777";
const ROLE: &str = "arn:aws:iam::111122223333:role/nomos-access";

/// The vendor's issuer: it says it is `ISSUER`, and mints with whatever issuer it holds (the
/// tests swap in a stranger key or another issuer URL: the vendor's own faults).
#[derive(Debug)]
struct VendorIssuer {
    minting: Mutex<Issuer>,
}

impl WebIdentityTokens for VendorIssuer {
    fn issuer(&self) -> &str {
        ISSUER
    }

    fn mint(
        &self,
        subject: &TokenSubject,
        audience: Option<&str>,
        now: SystemTime,
    ) -> Result<SecretString, ProviderError> {
        WebIdentityTokens::mint(&*self.minting.lock().unwrap(), subject, audience, now)
    }
}

impl VendorIssuer {
    fn mint_with(&self, issuer: Issuer) {
        *self.minting.lock().unwrap() = issuer;
    }
}

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    jwks: Jwks,
    tokens: Arc<VendorIssuer>,
    store: Arc<InMemoryConnectionStore>,
    connector: Connector,
    changes: std::sync::mpsc::Receiver<connector_core::StateChange>,
}

fn customer() -> iam_policy::AccountId {
    "111122223333".parse().unwrap()
}

fn role() -> RoleArn {
    ROLE.parse().unwrap()
}

fn issuer_at(url: &str) -> Issuer {
    Issuer::new(
        IssuerUrl::parse(url).unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    )
}

fn world_with(provider: impl FnOnce(InMemorySts) -> Arc<dyn StsProvider>) -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::with_seed(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
        23,
    );
    let issuer = issuer_at(ISSUER);
    let jwks = issuer.jwks();
    let tokens = Arc::new(VendorIssuer {
        minting: Mutex::new(issuer),
    });
    let store = Arc::new(InMemoryConnectionStore::new());
    let (subscriber, changes) = ChannelSubscriber::bounded(1_000);
    let connector = Connector::builder(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        store.clone(),
        provider(sts.clone()),
    )
    .with_clock(Arc::new(clock.clone()))
    .with_subscriber(Arc::new(subscriber))
    .with_permission_set(builtin::read_only_access().unwrap())
    .with_web_identity_tokens(tokens.clone())
    .build();
    let w = World {
        clock,
        sts,
        jwks,
        tokens,
        store,
        connector,
        changes,
    };
    create_oidc_provider(&w);
    w.sts
        .create_role(
            role(),
            OidcTrust::new(customer(), ISSUER)
                .unwrap()
                .with_audience("sts.amazonaws.com")
                .unwrap()
                .with_subject(SubjectMatch::Exact("org/acme".into()))
                .unwrap()
                .policy()
                .unwrap(),
            Duration::from_secs(3600),
        )
        .unwrap();
    w
}

fn world() -> World {
    world_with(|sts| Arc::new(sts))
}

/// What the onboarding stack creates: the provider for the vendor's issuer, with the client
/// id `sts.amazonaws.com` and the issuer's JWKS.
fn create_oidc_provider(w: &World) {
    w.sts
        .create_oidc_provider_with_jwks(&customer(), ISSUER, &["sts.amazonaws.com"], w.jwks.clone())
        .unwrap();
}

async fn pending(w: &World) -> Connection {
    w.connector
        .create(
            NewConnection::new("acme".parse().unwrap())
                .with_web_identity(TokenSubject::for_tenant("acme").unwrap())
                .with_permission_set(builtin::read_only_access().unwrap().reference().clone()),
        )
        .await
        .unwrap()
}

async fn active(w: &World) -> Connection {
    let pending = pending(w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    assert!(submission.is_live(), "{:?}", submission.report());
    while w.changes.try_recv().is_ok() {}
    submission.into_connection()
}

/// Into the refresh window (ten minutes before expiry), where a failed refresh that is not a
/// revocation still serves the valid credentials.
fn enter_the_refresh_window(w: &World) {
    w.clock.advance(Duration::from_secs(3600 - 10 * 60));
}

#[tokio::test]
async fn deleting_the_oidc_provider_disconnects_at_the_next_refresh() {
    let w = world();
    let connection = active(&w).await;
    let first = w.connector.credentials(connection.id()).await.unwrap();
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    enter_the_refresh_window(&w);
    assert!(!first.is_expired_at(w.clock.now()), "still valid");

    let error = w.connector.credentials(connection.id()).await.unwrap_err();
    match &error {
        ConnectorError::Provider(provider) => {
            assert_eq!(provider.kind, ProviderErrorKind::OidcProviderMissing);
            assert_eq!(provider.code.as_deref(), Some("InvalidIdentityToken"));
        }
        other => panic!("expected the provider's refusal, got {other}"),
    }
    assert!(!error.is_retryable(), "{error}");

    let stored = w.connector.get(connection.id()).await.unwrap();
    assert_eq!(stored.state(), ConnectionState::Disconnected);
    let diagnosis = stored.last_diagnosis().unwrap();
    assert_eq!(diagnosis.code(), DiagnosisCode::OidcProviderMissing);
    assert_eq!(
        diagnosis.message(),
        format!("No OpenIDConnect provider found in your account for {ISSUER}")
    );
    assert!(
        diagnosis.remediation().contains("sts.amazonaws.com"),
        "{}",
        diagnosis.remediation()
    );
    let change = w.changes.try_recv().unwrap();
    assert_eq!(
        (change.from(), change.to()),
        (ConnectionState::Active, ConnectionState::Disconnected)
    );
    assert_eq!(
        change.diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::OidcProviderMissing)
    );

    // Nothing is handed out afterwards, not even the still-valid credentials, and STS is not
    // called again for a disconnected connection.
    let calls = w.sts.calls().total();
    assert!(w.connector.credentials(connection.id()).await.is_err());
    assert_eq!(w.sts.calls().total(), calls);
}

#[tokio::test]
async fn a_health_check_disconnects_when_the_oidc_provider_is_deleted_and_reconnects_when_it_is_back()
 {
    let w = world();
    let connection = active(&w).await;
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Refused);
    assert!(check.changed_state());
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);
    assert_eq!(
        check.diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::OidcProviderMissing)
    );
    assert!(w.connector.credentials(connection.id()).await.is_err());

    // Checked again while still missing: refused, nothing written.
    let revision = check.connection().revision();
    let again = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(again.outcome(), CheckOutcome::Refused);
    assert_eq!(again.connection().revision(), revision);

    // The customer recreates the provider: the next check reconnects through the full test.
    create_oidc_provider(&w);
    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy);
    assert_eq!(check.connection().state(), ConnectionState::Active);
    assert!(w.connector.credentials(connection.id()).await.is_ok());
}

#[tokio::test]
async fn a_fleet_worker_disconnects_a_connection_whose_oidc_provider_is_deleted() {
    let w = world();
    let connection = active(&w).await;
    let worker = FleetWorker::builder(w.connector.clone(), w.store.clone(), Arc::new(TokioTimer))
        .build()
        .unwrap();
    assert_eq!(
        worker.check_now(connection.id()).await.unwrap().outcome(),
        CheckOutcome::Healthy
    );
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    let check = worker.check_now(connection.id()).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Refused);
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);
    assert_eq!(
        check.connection().last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::OidcProviderMissing)
    );
}

#[tokio::test]
async fn a_token_signed_with_a_key_the_provider_does_not_hold_only_degrades() {
    let w = world();
    let connection = active(&w).await;
    let first = w.connector.credentials(connection.id()).await.unwrap();
    // The vendor switches to a key it never published: an unknown `kid` for STS.
    w.tokens.mint_with(issuer_at(ISSUER));
    enter_the_refresh_window(&w);
    let served = w.connector.credentials(connection.id()).await.unwrap();
    assert_eq!(served.access_key_id(), first.access_key_id());
    let stored = w.connector.get(connection.id()).await.unwrap();
    assert_eq!(stored.state(), ConnectionState::Degraded);
    assert_eq!(
        stored.last_diagnosis().unwrap().code(),
        DiagnosisCode::InvalidIdentityToken
    );

    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Failed);
    assert_eq!(check.connection().state(), ConnectionState::Degraded);
}

#[tokio::test]
async fn a_token_naming_another_issuer_is_the_vendors_fault_and_only_degrades() {
    let w = world();
    let connection = active(&w).await;
    let first = w.connector.credentials(connection.id()).await.unwrap();
    // The vendor's minter moved to another URL while it still says ISSUER: STS finds no
    // provider for the token's `iss`, which is not the customer's doing.
    w.tokens.mint_with(issuer_at("https://id2.auto-nomos.com"));
    enter_the_refresh_window(&w);
    let served = w.connector.credentials(connection.id()).await.unwrap();
    assert_eq!(served.access_key_id(), first.access_key_id());
    let stored = w.connector.get(connection.id()).await.unwrap();
    assert_eq!(stored.state(), ConnectionState::Degraded);
    let diagnosis = stored.last_diagnosis().unwrap();
    assert_eq!(diagnosis.code(), DiagnosisCode::InvalidIdentityToken);
    assert!(
        diagnosis.message().contains("https://id2.auto-nomos.com"),
        "{}",
        diagnosis.message()
    );

    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Failed);
    assert_eq!(check.connection().state(), ConnectionState::Degraded);
}

#[tokio::test]
async fn the_connection_test_names_an_oidc_provider_never_created() {
    let w = world();
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    let pending = pending(&w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    assert_eq!(report.findings().len(), 1, "{report:?}");
    let finding = &report.findings()[0];
    assert_eq!(finding.code(), VerificationCode::OidcProviderMissing);
    assert_eq!(
        finding.remediation(),
        ProviderErrorKind::OidcProviderMissing.remediation()
    );
    assert!(finding.remediation().contains("onboarding stack"));
    let connection = submission.connection();
    assert_eq!(connection.state(), ConnectionState::Pending);
    assert_eq!(
        connection.last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::OidcProviderMissing)
    );
    assert!(w.connector.credentials(pending.id()).await.is_err());

    // Created afterwards (the customer deploys the stack): the test passes.
    create_oidc_provider(&w);
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    assert!(submission.is_live(), "{:?}", submission.report());
}

#[tokio::test]
async fn the_connection_test_of_a_token_naming_another_issuer_is_not_a_missing_provider() {
    let w = world();
    w.tokens.mint_with(issuer_at("https://id2.auto-nomos.com"));
    let pending = pending(&w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    assert_eq!(
        report.findings()[0].code(),
        VerificationCode::WebIdentityTokenRejected
    );
}

#[tokio::test]
async fn a_missing_oidc_provider_in_a_negative_check_is_no_proof_of_refusal() {
    let missing = ProviderError::new(
        ProviderErrorKind::OidcProviderMissing,
        format!("No OpenIDConnect provider found in your account for {ISSUER}"),
    )
    .with_code("InvalidIdentityToken");
    for (suffix, code) in [
        ("othersub", VerificationCode::SubjectCheckInconclusive),
        ("otheraud", VerificationCode::AudienceCheckInconclusive),
    ] {
        let error = missing.clone();
        let w = world_with(move |sts| {
            Arc::new(FailingSuffix {
                inner: sts,
                suffix,
                error,
            })
        });
        let pending = pending(&w).await;
        let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
        let report = submission.report().unwrap();
        assert_eq!(
            report.outcome(),
            VerificationOutcome::Inconclusive { retryable: false },
            "{suffix}: {report:?}"
        );
        assert!(!report.is_verified());
        assert_eq!(report.findings().len(), 1, "{suffix}: {report:?}");
        assert_eq!(report.findings()[0].code(), code, "{suffix}");
        assert_eq!(submission.connection().state(), ConnectionState::Verifying);
        assert!(w.connector.credentials(pending.id()).await.is_err());
    }
}

/// A bare credential session of the tenant's web identity on the world's STS.
fn session(w: &World) -> CredentialSession {
    let source = WebIdentitySource::new(
        role(),
        "acme-worker".parse().unwrap(),
        TokenSubject::for_tenant("acme").unwrap(),
        w.tokens.clone(),
    );
    CredentialSession::web_identity(
        Arc::new(w.sts.clone()),
        source,
        Arc::new(w.clock.clone()),
        RefreshPolicy::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_session_drops_its_credentials_at_once_when_the_oidc_provider_is_deleted() {
    let w = world();
    let session = session(&w);
    let first = session.credentials().await.unwrap();
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    enter_the_refresh_window(&w);
    assert!(!first.is_expired_at(w.clock.now()), "still valid");
    // A revocation: the still-valid credentials are not served while the refresh fails.
    let error = session.credentials().await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::OidcProviderMissing);
    assert_eq!(
        session.revocation().map(|e| e.kind),
        Some(ProviderErrorKind::OidcProviderMissing)
    );
    // And it stays revoked: no further STS call until reset.
    let calls = w.sts.calls().total();
    assert!(session.credentials().await.is_err());
    assert_eq!(w.sts.calls().total(), calls);
}

#[tokio::test]
async fn a_session_whose_token_names_another_issuer_keeps_serving_valid_credentials() {
    let w = world();
    let session = session(&w);
    let first = session.credentials().await.unwrap();
    w.tokens.mint_with(issuer_at("https://id2.auto-nomos.com"));
    enter_the_refresh_window(&w);
    let served = session.credentials().await.unwrap();
    assert_eq!(served.access_key_id(), first.access_key_id());
    assert!(session.revocation().is_none());
    assert_eq!(
        session.last_error().map(|e| e.kind),
        Some(ProviderErrorKind::InvalidIdentityToken)
    );
}
