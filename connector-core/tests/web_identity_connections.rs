//! Web-identity connections end to end on the in-memory STS (issue 17, the Nomos model): the
//! connection's kind, its connection test (the tenant's token accepted, the identity checked,
//! another tenant's `sub` and another `aud` refused), credential sessions that mint a fresh
//! token for every refresh with the guarantees of AssumeRole sessions, health checks, and the
//! records' backward compatibility.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey};
use connector_core::testing::InMemorySts;
mod failing_suffix;
use failing_suffix::FailingSuffix;
mod tokio_time;
use tokio_time::TokioTimer;

use connector_core::{
    CheckOutcome, Clock, Connection, ConnectionKind, ConnectionState, Connector, ConnectorError,
    DiagnosisCode, FleetWorker, InMemoryConnectionStore, ManualClock, NewConnection, ProviderError,
    ProviderErrorKind, StsProvider, TokenSubject, VerificationCode, VerificationOutcome,
    WebIdentityTokens,
};
use iam_policy::{PolicyDocument, RoleArn};
use permission_sets::{ParameterValues, builtin};
use secrecy::{ExposeSecret, SecretString};
use trust_policy::{OidcTrust, SubjectMatch, VendorPrincipal};

const ISSUER: &str = "https://id.auto-nomos.com";
const VENDOR: &str = "999988887777";
const ROLE: &str = "arn:aws:iam::111122223333:role/nomos-access";

/// The issuer, counting the tokens it mints and remembering the last one.
#[derive(Debug)]
struct CountingIssuer {
    issuer: Issuer,
    minted: AtomicU64,
    last: std::sync::Mutex<Option<String>>,
    broken: std::sync::atomic::AtomicBool,
}

impl WebIdentityTokens for CountingIssuer {
    fn issuer(&self) -> &str {
        WebIdentityTokens::issuer(&self.issuer)
    }

    fn mint(
        &self,
        subject: &TokenSubject,
        audience: Option<&str>,
        now: SystemTime,
    ) -> Result<SecretString, ProviderError> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(ProviderError::new(
                ProviderErrorKind::Other,
                "the signing key is unavailable",
            ));
        }
        self.minted.fetch_add(1, Ordering::SeqCst);
        let token = WebIdentityTokens::mint(&self.issuer, subject, audience, now)?;
        *self.last.lock().unwrap() = Some(token.expose_secret().to_owned());
        Ok(token)
    }
}

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    tokens: Arc<CountingIssuer>,
    store: Arc<InMemoryConnectionStore>,
    connector: Connector,
}

fn customer() -> iam_policy::AccountId {
    "111122223333".parse().unwrap()
}

fn subject() -> TokenSubject {
    TokenSubject::for_tenant("acme").unwrap()
}

fn trust(subject: SubjectMatch) -> PolicyDocument {
    OidcTrust::new(customer(), ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(subject)
        .unwrap()
        .policy()
        .unwrap()
}

fn world_with(provider: impl FnOnce(InMemorySts) -> Arc<dyn StsProvider>) -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::with_seed(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
        17,
    );
    let issuer = Issuer::new(
        IssuerUrl::parse(ISSUER).unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    );
    sts.create_oidc_provider_with_jwks(&customer(), ISSUER, &["sts.amazonaws.com"], issuer.jwks())
        .unwrap();
    let tokens = Arc::new(CountingIssuer {
        issuer,
        minted: AtomicU64::new(0),
        last: std::sync::Mutex::new(None),
        broken: std::sync::atomic::AtomicBool::new(false),
    });
    let store = Arc::new(InMemoryConnectionStore::new());
    let connector = Connector::builder(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        store.clone(),
        provider(sts.clone()),
    )
    .with_clock(Arc::new(clock.clone()))
    .with_permission_set(builtin::read_only_access().unwrap())
    .with_web_identity_tokens(tokens.clone())
    .build();
    World {
        clock,
        sts,
        tokens,
        store,
        connector,
    }
}

fn world() -> World {
    world_with(|sts| Arc::new(sts))
}

fn role() -> RoleArn {
    ROLE.parse().unwrap()
}

/// A web identity trust policy written by hand, pinning only the claim `claim` (which the
/// builder refuses to write: it always pins both).
fn pinning_only(claim: &str, value: &str) -> PolicyDocument {
    serde_json::from_value(serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("id.auto-nomos.com:{claim}"): value}}
        }]
    }))
    .unwrap()
}

/// The customer's role, trusting exactly the tenant's tokens.
fn create_tenant_role(w: &World) {
    w.sts
        .create_role(
            role(),
            trust(SubjectMatch::Exact("org/acme".into())),
            Duration::from_secs(3600),
        )
        .unwrap();
}

async fn pending(w: &World) -> Connection {
    w.connector
        .create(
            NewConnection::new("acme".parse().unwrap())
                .with_web_identity(subject())
                .with_permission_set(builtin::read_only_access().unwrap().reference().clone()),
        )
        .await
        .unwrap()
}

fn minted(w: &World) -> u64 {
    w.tokens.minted.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_web_identity_connection_is_verified_and_hands_out_credentials() {
    let w = world();
    create_tenant_role(&w);
    let pending = pending(&w).await;
    assert_eq!(
        pending.kind(),
        &ConnectionKind::WebIdentity { subject: subject() }
    );
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(
        report.outcome(),
        VerificationOutcome::Verified,
        "{report:?}"
    );
    let identity = report.identity().unwrap();
    assert!(
        identity
            .arn
            .starts_with("arn:aws:sts::111122223333:assumed-role/nomos-access/"),
        "{identity:?}"
    );
    assert_eq!(submission.connection().state(), ConnectionState::Active);
    // One token for the positive call and one for each negative check.
    assert_eq!(minted(&w), 3);

    let credentials = w.connector.credentials(pending.id()).await.unwrap();
    assert!(!credentials.is_expired_at(w.clock.now()));
    assert_eq!(minted(&w), 4, "the session minted its own token");
    assert_eq!(w.sts.calls().assume_role, 0, "no AssumeRole at all");
}

#[tokio::test]
async fn a_role_that_accepts_every_tenant_of_the_vendor_is_refused() {
    // No `sub` condition at all (the builder refuses to write one): only `aud` is pinned.
    let audience_only = pinning_only("aud", "sts.amazonaws.com");
    let cases = [
        ("org/*", trust(SubjectMatch::Like("org/*".into()))),
        ("org/acme*", trust(SubjectMatch::Like("org/acme*".into()))),
        ("no sub condition", audience_only),
    ];
    for (pattern, policy) in cases {
        let w = world();
        w.sts
            .create_role(role(), policy, Duration::from_secs(3600))
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let pending = pending(&w).await;
        let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
        let report = submission.report().unwrap();
        assert_eq!(report.outcome(), VerificationOutcome::Refused, "{pattern}");
        assert_eq!(
            report.findings()[0].code(),
            VerificationCode::OtherSubjectAccepted,
            "{pattern}"
        );
        let connection = submission.connection();
        assert_eq!(connection.state(), ConnectionState::Pending);
        assert_eq!(
            connection.last_diagnosis().unwrap().code(),
            DiagnosisCode::OtherSubjectAccepted
        );
        assert!(w.connector.credentials(pending.id()).await.is_err());
    }
}

#[tokio::test]
async fn a_role_that_accepts_another_audience_is_refused() {
    let w = world();
    // A provider that lists the check's audience as a client id, and a trust policy that
    // does not pin `aud`: a token minted for anything else opens the role.
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    w.sts
        .create_oidc_provider_with_jwks(
            &customer(),
            ISSUER,
            &["sts.amazonaws.com", "connector-audience-check.invalid"],
            w.tokens.issuer.jwks(),
        )
        .unwrap();
    let no_audience = pinning_only("sub", "org/acme");
    w.sts
        .create_role(role(), no_audience, Duration::from_secs(3600))
        .unwrap();
    let pending = pending(&w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    assert_eq!(
        report.findings()[0].code(),
        VerificationCode::OtherAudienceAccepted
    );
    assert_eq!(submission.connection().state(), ConnectionState::Pending);
}

#[tokio::test]
async fn an_audience_refused_by_the_provider_counts_as_refused() {
    let w = world();
    create_tenant_role(&w);
    let pending = pending(&w).await;
    w.connector.submit_role(pending.id(), role()).await.unwrap();
    // STS answered InvalidIdentityToken ("Incorrect token audience") for the other aud.
    assert!(
        w.sts
            .last_denial_reason()
            .unwrap_or_default()
            .contains("audience"),
        "{:?}",
        w.sts.last_denial_reason()
    );
}

#[tokio::test]
async fn a_negative_check_without_a_verdict_leaves_the_connection_verifying() {
    for (suffix, code) in [
        ("othersub", VerificationCode::SubjectCheckInconclusive),
        ("otheraud", VerificationCode::AudienceCheckInconclusive),
    ] {
        let w = world_with(|sts| {
            Arc::new(FailingSuffix {
                inner: sts,
                suffix,
                error: ProviderError::new(ProviderErrorKind::Throttled, "Rate exceeded"),
            })
        });
        create_tenant_role(&w);
        let pending = pending(&w).await;
        let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
        let report = submission.report().unwrap();
        assert_eq!(
            report.outcome(),
            VerificationOutcome::Inconclusive { retryable: true },
            "{suffix}"
        );
        assert_eq!(report.findings()[0].code(), code);
        assert_eq!(submission.connection().state(), ConnectionState::Verifying);
        assert!(w.connector.credentials(pending.id()).await.is_err());
    }
}

#[tokio::test]
async fn a_negative_check_answered_with_another_error_is_not_evidence() {
    // InvalidIdentityToken for another tenant's subject is not the trust policy's refusal.
    let w = world_with(|sts| {
        Arc::new(FailingSuffix {
            inner: sts,
            suffix: "othersub",
            error: ProviderError::new(ProviderErrorKind::InvalidIdentityToken, "nope"),
        })
    });
    create_tenant_role(&w);
    let pending = pending(&w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(
        report.outcome(),
        VerificationOutcome::Inconclusive { retryable: false }
    );
    assert_eq!(
        report.findings()[0].code(),
        VerificationCode::SubjectCheckInconclusive
    );
}

#[tokio::test]
async fn an_issuer_that_cannot_mint_gives_no_verdict_and_no_credentials() {
    let w = world();
    create_tenant_role(&w);
    let pending = pending(&w).await;
    w.tokens.broken.store(true, Ordering::SeqCst);
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(
        report.outcome(),
        VerificationOutcome::Inconclusive { retryable: false }
    );
    assert_eq!(
        report.findings()[0].code(),
        VerificationCode::TokenNotMinted
    );
    assert_eq!(submission.connection().state(), ConnectionState::Verifying);
    assert_eq!(w.sts.calls().total(), 0, "nothing reached STS");
}

#[tokio::test]
async fn a_missing_oidc_provider_refuses_the_connection() {
    let w = world();
    create_tenant_role(&w);
    w.sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    let pending = pending(&w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    let report = submission.report().unwrap();
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    // The precise finding, not the generic "token rejected": the customer never created
    // the provider, and the remediation says how.
    let finding = &report.findings()[0];
    assert_eq!(finding.code(), VerificationCode::OidcProviderMissing);
    assert!(finding.message().contains(ISSUER), "{}", finding.message());
    assert!(
        finding.remediation().contains("sts.amazonaws.com"),
        "{}",
        finding.remediation()
    );
    let connection = submission.connection();
    assert_eq!(connection.state(), ConnectionState::Pending);
    let diagnosis = connection.last_diagnosis().unwrap();
    assert_eq!(diagnosis.code(), DiagnosisCode::OidcProviderMissing);
    assert_eq!(diagnosis.remediation(), finding.remediation());
    assert!(w.connector.credentials(pending.id()).await.is_err());
}

async fn active(w: &World) -> Connection {
    create_tenant_role(w);
    let pending = pending(w).await;
    let submission = w.connector.submit_role(pending.id(), role()).await.unwrap();
    assert!(submission.is_live(), "{:?}", submission.report());
    submission.into_connection()
}

#[tokio::test]
async fn every_refresh_mints_a_fresh_token_and_never_hands_out_expired_credentials() {
    let w = world();
    let connection = active(&w).await;
    let first = w.connector.credentials(connection.id()).await.unwrap();
    let first_token = w.tokens.last.lock().unwrap().clone().unwrap();
    let before = minted(&w);
    // Served from the cache: no token, no STS call.
    w.clock.advance(Duration::from_secs(60));
    let again = w.connector.credentials(connection.id()).await.unwrap();
    assert_eq!(again.access_key_id(), first.access_key_id());
    assert_eq!(minted(&w), before);
    // Past the refresh point: a new token, new credentials.
    w.clock.advance(Duration::from_secs(3600 - 60 - 4 * 60));
    let refreshed = w.connector.credentials(connection.id()).await.unwrap();
    assert_ne!(refreshed.access_key_id(), first.access_key_id());
    assert_eq!(minted(&w), before + 1);
    let second_token = w.tokens.last.lock().unwrap().clone().unwrap();
    assert_ne!(first_token, second_token, "a token is never reused");

    // Past expiry with STS throttling: an error, never the expired credentials.
    w.clock.advance(Duration::from_secs(3600));
    w.sts.throttle_next(10);
    let error = w.connector.credentials(connection.id()).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
}

#[tokio::test]
async fn concurrent_callers_share_one_token_and_one_call() {
    let w = world();
    let connection = active(&w).await;
    let before_calls = w.sts.calls().total();
    let before = minted(&w);
    let connector = w.connector.clone();
    let callers: Vec<_> = (0..16)
        .map(|_| {
            let connector = connector.clone();
            let id = connection.id().clone();
            tokio::spawn(async move { connector.credentials(&id).await })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(minted(&w), before + 1);
    assert_eq!(w.sts.calls().total(), before_calls + 1);
}

#[tokio::test]
async fn a_failed_mint_on_refresh_degrades_and_keeps_valid_credentials() {
    let w = world();
    let connection = active(&w).await;
    let first = w.connector.credentials(connection.id()).await.unwrap();
    // Inside the advisory window, the issuer fails: the still-valid credentials are served.
    w.clock.advance(Duration::from_secs(3600 - 10 * 60));
    w.tokens.broken.store(true, Ordering::SeqCst);
    let served = w.connector.credentials(connection.id()).await.unwrap();
    assert_eq!(served.access_key_id(), first.access_key_id());
    let stored = w.connector.get(connection.id()).await.unwrap();
    assert_eq!(stored.state(), ConnectionState::Degraded);
    assert_eq!(
        stored.last_diagnosis().unwrap().code(),
        DiagnosisCode::StsError
    );
}

#[tokio::test]
async fn revoking_the_role_disconnects_at_the_next_refresh() {
    let w = world();
    let connection = active(&w).await;
    w.connector.credentials(connection.id()).await.unwrap();
    w.sts.delete_role(&role()).unwrap();
    w.clock.advance(Duration::from_secs(3600));
    let error = w.connector.credentials(connection.id()).await.unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    let stored = w.connector.get(connection.id()).await.unwrap();
    assert_eq!(stored.state(), ConnectionState::Disconnected);
}

#[tokio::test]
async fn health_checks_use_the_web_identity() {
    let w = world();
    let connection = active(&w).await;
    let before = minted(&w);
    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy);
    assert_eq!(minted(&w), before + 1);

    w.sts.throttle_next(1);
    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Inconclusive);
    assert_eq!(check.connection().state(), ConnectionState::Active);

    w.sts.delete_role(&role()).unwrap();
    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Refused);
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);

    // The customer puts the role back: the next check reconnects through the full test.
    create_tenant_role(&w);
    let check = w.connector.check(connection.id(), None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy);
    assert_eq!(check.connection().state(), ConnectionState::Active);
}

#[tokio::test]
async fn a_fleet_worker_checks_web_identity_connections_through_its_rate_limiter() {
    let w = world();
    let connection = active(&w).await;
    let worker = FleetWorker::builder(w.connector.clone(), w.store.clone(), Arc::new(TokioTimer))
        .build()
        .unwrap();
    let before = minted(&w);
    let check = worker.check_now(connection.id()).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy, "{check:?}");
    assert_eq!(minted(&w), before + 1);
    w.sts.delete_role(&role()).unwrap();
    let check = worker.check_now(connection.id()).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Refused);
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);
}

#[tokio::test]
async fn a_web_identity_connection_has_no_external_id_rotation() {
    let w = world();
    let connection = active(&w).await;
    let error = w
        .connector
        .start_rotation(connection.id())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConnectorError::InvalidTransition { ref state, .. } if state.contains("web-identity")),
        "{error}"
    );
}

#[tokio::test]
async fn a_connector_without_an_issuer_refuses_web_identity_connections() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
    );
    let connector = Connector::builder(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts),
    )
    .build();
    let error = connector
        .create(NewConnection::new("acme".parse().unwrap()).with_web_identity(subject()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("OIDC issuer"), "{error}");
}

#[tokio::test]
async fn scoped_sessions_refuse_what_a_web_identity_request_cannot_carry() {
    let w = world();
    let connection = active(&w).await;
    let tagged = w.connector.scoped_session(
        connection.id().clone(),
        connector_core::SessionScope::new().with_tag("team", "data"),
    );
    let error = tagged.credentials().await.unwrap_err();
    assert!(error.to_string().contains("session tags"), "{error}");
    let narrowed = w.connector.scoped_session(
        connection.id().clone(),
        connector_core::SessionScope::new()
            .with_name_suffix("export")
            .with_duration(Duration::from_secs(900)),
    );
    let credentials = narrowed.credentials().await.unwrap();
    assert!(credentials.remaining_at(w.clock.now()) <= Duration::from_secs(900));
}

#[tokio::test]
async fn the_artifacts_create_the_oidc_provider_and_pin_the_subject() {
    let w = world();
    let pending = pending(&w).await;
    let onboarding = w
        .connector
        .artifacts(pending.id(), ParameterValues::new())
        .await
        .unwrap();
    let yaml = onboarding.cloudformation().unwrap().to_yaml().unwrap();
    assert!(yaml.contains("AWS::IAM::OIDCProvider"), "{yaml}");
    assert!(yaml.contains("org/acme"));
    assert!(yaml.contains("sts:AssumeRoleWithWebIdentity"));
    assert!(!yaml.contains(pending.external_id().as_str()));
}

#[test]
fn records_without_a_kind_read_back_as_external_id_connections() {
    let connection = Connection::builder("acme".parse().unwrap(), "ext-id-123".parse().unwrap())
        .build(connector_core::Timestamp(0))
        .unwrap();
    let json = serde_json::to_value(&connection).unwrap();
    assert!(
        json.get("kind").is_none(),
        "an External ID record is written as before: {json}"
    );
    let back: Connection = serde_json::from_value(json).unwrap();
    assert_eq!(back.kind(), &ConnectionKind::ExternalId);

    let web = Connection::builder("acme".parse().unwrap(), "ext-id-123".parse().unwrap())
        .with_kind(ConnectionKind::WebIdentity { subject: subject() })
        .build(connector_core::Timestamp(0))
        .unwrap();
    let json = serde_json::to_value(&web).unwrap();
    assert_eq!(json["kind"]["type"], "web_identity");
    assert_eq!(json["kind"]["subject"], "org/acme");
    let back: Connection = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, web);

    let mut bad = json;
    bad["kind"]["subject"] = "".into();
    let error = serde_json::from_value::<Connection>(bad).unwrap_err();
    assert!(error.to_string().contains("token subject"), "{error}");
}
