//! The in-memory STS enforces trust policies, revocation, expiry and faults, and the
//! connection test and credential sessions behave on top of it as they must against AWS.

use std::sync::Arc;
use std::time::Duration;

use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, Clock, CredentialSession, ManualClock, ProviderErrorKind, RefreshPolicy,
    StsProvider, VerificationSeverity, WebIdentityRequest, verify_connection,
};
use iam_policy::{PolicyDocument, RoleArn};
use trust_policy::{CrossAccountTrust, ExternalId, OidcTrust, SubjectMatch, VendorPrincipal};

const VENDOR: &str = "999988887777";

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    role: RoleArn,
    external_id: ExternalId,
}

fn world() -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/vendor-connector/worker")
            .parse()
            .unwrap(),
    );
    let role: RoleArn = "arn:aws:iam::111122223333:role/vendor-access"
        .parse()
        .unwrap();
    let external_id = ExternalId::generate().unwrap();
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        external_id.clone(),
    )
    .policy()
    .unwrap();
    sts.create_role(role.clone(), trust, Duration::from_secs(3600))
        .unwrap();
    World {
        clock,
        sts,
        role,
        external_id,
    }
}

fn request(w: &World) -> AssumeRoleRequest {
    AssumeRoleRequest::new(w.role.clone(), "vendor-sync").external_id(w.external_id.clone())
}

#[tokio::test]
async fn right_external_id_gets_credentials_and_identity() {
    let w = world();
    let credentials = w.sts.assume_role(&request(&w)).await.unwrap();
    assert_eq!(
        credentials.expiration(),
        w.clock.now() + Duration::from_secs(3600)
    );
    let identity = w.sts.caller_identity(&credentials, None).await.unwrap();
    assert_eq!(identity.account, "111122223333");
    assert_eq!(
        identity.arn,
        "arn:aws:sts::111122223333:assumed-role/vendor-access/vendor-sync"
    );
    assert!(identity.user_id.ends_with(":vendor-sync"));
    // Expiry is enforced.
    w.clock.advance(Duration::from_secs(3600));
    assert_eq!(
        w.sts
            .caller_identity(&credentials, None)
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::ExpiredToken
    );
}

#[tokio::test]
async fn trust_policy_is_enforced() {
    let w = world();
    let wrong = request(&w).external_id("another-customers-id".parse().unwrap());
    assert_eq!(
        w.sts.assume_role(&wrong).await.unwrap_err().kind,
        ProviderErrorKind::AccessDenied
    );
    let missing = AssumeRoleRequest::new(w.role.clone(), "vendor-sync");
    assert_eq!(
        w.sts.assume_role(&missing).await.unwrap_err().kind,
        ProviderErrorKind::AccessDenied
    );
    w.sts.set_caller(
        "arn:aws:sts::444455556666:assumed-role/attacker/x"
            .parse()
            .unwrap(),
    );
    assert_eq!(
        w.sts.assume_role(&request(&w)).await.unwrap_err().kind,
        ProviderErrorKind::AccessDenied
    );
    // Duration above the role's maximum, and invalid requests, are refused before anything.
    w.sts.set_caller(
        format!("arn:aws:sts::{VENDOR}:assumed-role/vendor-connector/worker")
            .parse()
            .unwrap(),
    );
    let long = request(&w).duration(Duration::from_secs(7200));
    assert_eq!(
        w.sts.assume_role(&long).await.unwrap_err().code.as_deref(),
        Some("ValidationError")
    );
    let bad = AssumeRoleRequest::new(w.role.clone(), "no spaces allowed");
    assert_eq!(
        w.sts.assume_role(&bad).await.unwrap_err().kind,
        ProviderErrorKind::InvalidRequest
    );
    // A trust policy IAM would reject is refused (moto accepts it).
    let malformed: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#.parse().unwrap();
    assert!(
        w.sts
            .create_role(
                "arn:aws:iam::111122223333:role/other".parse().unwrap(),
                malformed,
                Duration::from_secs(3600)
            )
            .is_err()
    );
}

#[tokio::test]
async fn revocation_faults_and_counters() {
    let w = world();
    w.sts.throttle_next(2);
    for _ in 0..2 {
        assert_eq!(
            w.sts.assume_role(&request(&w)).await.unwrap_err().kind,
            ProviderErrorKind::Throttled
        );
    }
    assert!(w.sts.assume_role(&request(&w)).await.is_ok());
    assert_eq!(w.sts.calls().assume_role, 3);
    // Removing the vendor from the trust policy revokes access.
    let other = CrossAccountTrust::new(
        VendorPrincipal::account("123412341234".parse().unwrap()),
        w.external_id.clone(),
    )
    .policy()
    .unwrap();
    w.sts.update_trust_policy(&w.role, other).unwrap();
    assert_eq!(
        w.sts.assume_role(&request(&w)).await.unwrap_err().kind,
        ProviderErrorKind::AccessDenied
    );
    assert!(w.sts.delete_role(&w.role));
    assert_eq!(
        w.sts.assume_role(&request(&w)).await.unwrap_err().kind,
        ProviderErrorKind::AccessDenied
    );
    w.sts.reset_counters();
    assert_eq!(w.sts.calls().assume_role, 0);
}

#[tokio::test]
async fn web_identity_checks_issuer_audience_and_subject() {
    let w = world();
    let account = "111122223333".parse().unwrap();
    let role: RoleArn = "arn:aws:iam::111122223333:role/nomos-federated"
        .parse()
        .unwrap();
    let trust = OidcTrust::new(account, "https://id.auto-nomos.com")
        .unwrap()
        .audience("sts.amazonaws.com")
        .unwrap()
        .subject(SubjectMatch::Exact("org/acme".into()))
        .unwrap()
        .policy()
        .unwrap();
    w.sts
        .create_role(role.clone(), trust, Duration::from_secs(3600))
        .unwrap();
    w.sts.create_oidc_provider(
        &"111122223333".parse().unwrap(),
        "id.auto-nomos.com",
        &["sts.amazonaws.com"],
    );
    let hour = Duration::from_secs(3600);
    let good = w
        .sts
        .issue_test_token("id.auto-nomos.com", "org/acme", "sts.amazonaws.com", hour);
    assert!(
        w.sts
            .assume_role_with_web_identity(&WebIdentityRequest::new(role.clone(), "agent", good))
            .await
            .is_ok()
    );
    let other_org =
        w.sts
            .issue_test_token("id.auto-nomos.com", "org/evil", "sts.amazonaws.com", hour);
    assert_eq!(
        w.sts
            .assume_role_with_web_identity(&WebIdentityRequest::new(
                role.clone(),
                "agent",
                other_org
            ))
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::AccessDenied
    );
    let bad_aud = w
        .sts
        .issue_test_token("id.auto-nomos.com", "org/acme", "other", hour);
    assert_eq!(
        w.sts
            .assume_role_with_web_identity(&WebIdentityRequest::new(role.clone(), "agent", bad_aud))
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::InvalidIdentityToken
    );
    assert_eq!(
        w.sts
            .assume_role_with_web_identity(&WebIdentityRequest::new(
                role.clone(),
                "agent",
                "garbage"
            ))
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::InvalidIdentityToken
    );
    let expiring = w.sts.issue_test_token(
        "id.auto-nomos.com",
        "org/acme",
        "sts.amazonaws.com",
        Duration::from_secs(60),
    );
    w.clock.advance(Duration::from_secs(61));
    assert_eq!(
        w.sts
            .assume_role_with_web_identity(&WebIdentityRequest::new(role, "agent", expiring))
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::ExpiredToken
    );
}

#[tokio::test]
async fn connection_test_verifies_and_refuses_roles_without_external_id() {
    let w = world();
    let provider: Arc<dyn StsProvider> = Arc::new(w.sts.clone());
    let report = verify_connection(
        provider.as_ref(),
        &w.role,
        &w.external_id,
        "connection-test",
        None,
    )
    .await;
    assert!(report.verified, "{report:#?}");
    assert!(report.findings.is_empty());

    // A role that trusts the vendor without an External ID "works" but must be refused.
    let open: RoleArn = "arn:aws:iam::111122223333:role/open".parse().unwrap();
    let trust: PolicyDocument = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow",
        "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": "sts:AssumeRole"}}}}"#
    )
    .parse()
    .unwrap();
    w.sts
        .create_role(open.clone(), trust, Duration::from_secs(3600))
        .unwrap();
    let report = verify_connection(
        provider.as_ref(),
        &open,
        &w.external_id,
        "connection-test",
        None,
    )
    .await;
    assert!(!report.verified);
    let error = report.first_error().unwrap();
    assert_eq!(error.code, "EXTERNAL_ID_NOT_REQUIRED");
    assert!(error.remediation.contains("sts:ExternalId"));

    // The wrong External ID: the trust policy does not let the vendor in.
    let report = verify_connection(
        provider.as_ref(),
        &w.role,
        &"wrong-id".parse().unwrap(),
        "connection-test",
        None,
    )
    .await;
    assert!(!report.verified);
    assert_eq!(
        report.first_error().unwrap().code,
        "ASSUME_ROLE_ACCESS_DENIED"
    );

    // Throttling is a warning, not a verdict.
    w.sts.throttle_next(1);
    let report = verify_connection(
        provider.as_ref(),
        &w.role,
        &w.external_id,
        "connection-test",
        None,
    )
    .await;
    assert!(!report.verified);
    assert_eq!(report.findings[0].severity, VerificationSeverity::Warning);
}

#[tokio::test]
async fn revocation_stops_an_active_session_on_its_next_refresh() {
    let w = world();
    let session = CredentialSession::new(
        Arc::new(w.sts.clone()),
        request(&w),
        Arc::new(w.clock.clone()),
        RefreshPolicy::default(),
    )
    .unwrap();
    let first = session.credentials().await.unwrap();
    assert!(w.sts.caller_identity(&first, None).await.is_ok());
    // The customer deletes the role; the current credentials keep working until the session
    // refreshes (as in AWS), and the refresh is denied.
    assert!(w.sts.delete_role(&w.role));
    w.clock.advance(Duration::from_secs(50 * 60));
    let error = session.credentials().await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::AccessDenied);
    assert!(session.revocation().is_some());
    assert!(session.cached().is_none());
}

#[tokio::test]
async fn throttling_keeps_valid_credentials_flowing() {
    let w = world();
    let session = CredentialSession::new(
        Arc::new(w.sts.clone()),
        request(&w),
        Arc::new(w.clock.clone()),
        RefreshPolicy::default(),
    )
    .unwrap();
    let first = session.credentials().await.unwrap();
    w.clock.advance(Duration::from_secs(48 * 60));
    w.sts.throttle_next(100);
    for _ in 0..11 {
        let served = session.credentials().await.unwrap();
        assert!(served.same_secrets(&first));
        assert!(!served.is_expired_at(w.clock.now()));
        w.clock.advance(Duration::from_secs(60));
    }
    // Past expiry, with every refresh throttled, nothing is served.
    w.clock.advance(Duration::from_secs(120));
    assert!(session.credentials().await.is_err());
}

#[tokio::test]
async fn no_secret_in_any_output() {
    let w = world();
    let credentials = w.sts.assume_role(&request(&w)).await.unwrap();
    use secrecy::ExposeSecret;
    let secret = credentials.secret_access_key().expose_secret().to_owned();
    let token = credentials.session_token().expose_secret().to_owned();
    let error = w
        .sts
        .caller_identity(
            &connector_core::TemporaryCredentials::new(
                credentials.access_key_id(),
                "x",
                "y",
                w.clock.now(),
            ),
            None,
        )
        .await
        .unwrap_err();
    let web = WebIdentityRequest::new(w.role.clone(), "s", "super-secret-oidc-token");
    let shown = format!("{credentials:?} {:?} {error} {error:?} {web:?}", w.sts);
    for leaked in [secret.as_str(), token.as_str(), "super-secret-oidc-token"] {
        assert!(!shown.contains(leaked), "{leaked} leaked in {shown}");
    }
}

#[tokio::test]
async fn revocation_moves_an_active_connection_to_disconnected_on_the_next_refresh() {
    use connector_core::{
        ConnectedSession, Connection, ConnectionEvent, ConnectionState, ConnectionStore,
        InMemoryConnectionStore, Timestamp,
    };
    let w = world();
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
    let now = || Timestamp::from_system(w.clock.now());
    let connection = Connection::new(
        "acme",
        "Acme",
        "111122223333".parse().unwrap(),
        w.external_id.clone(),
        now(),
    )
    .unwrap()
    .apply(
        ConnectionEvent::RoleSubmitted {
            role_arn: w.role.clone(),
        },
        now(),
    )
    .unwrap()
    .apply(ConnectionEvent::VerificationSucceeded, now())
    .unwrap();
    let id = connection.id.clone();
    store.create(connection).unwrap();
    let session = CredentialSession::new(
        Arc::new(w.sts.clone()),
        request(&w),
        Arc::new(w.clock.clone()),
        RefreshPolicy::default(),
    )
    .unwrap();
    let connected = ConnectedSession::new(
        store.clone(),
        id.clone(),
        session,
        Arc::new(w.clock.clone()),
    );
    connected.credentials().await.unwrap();
    assert_eq!(
        store.get(&id).unwrap().unwrap().state,
        ConnectionState::Active
    );

    // Throttled refresh: degraded, credentials still flow; recovery: active again.
    w.clock
        .advance(Duration::from_secs(50 * 60) + Duration::from_secs(1));
    w.sts.throttle_next(1);
    assert!(connected.credentials().await.is_ok());
    assert!(matches!(
        store.get(&id).unwrap().unwrap().state,
        ConnectionState::Degraded { .. }
    ));
    w.clock.advance(Duration::from_secs(2));
    assert!(connected.credentials().await.is_ok());
    assert_eq!(
        store.get(&id).unwrap().unwrap().state,
        ConnectionState::Active
    );

    // The customer deletes the role: the next refresh disconnects the connection.
    assert!(w.sts.delete_role(&w.role));
    w.clock.advance(Duration::from_secs(56 * 60));
    assert!(connected.credentials().await.is_err());
    let stored = store.get(&id).unwrap().unwrap();
    assert!(
        matches!(stored.state, ConnectionState::Disconnected { .. }),
        "{:?}",
        stored.state
    );
    assert_eq!(stored.last_diagnosis.unwrap().code, "ACCESS_DENIED");
}

#[tokio::test]
async fn narrowed_sessions_are_cached_apart_from_the_full_role() {
    use connector_core::{ConnectionId, SessionCache};
    let w = world();
    let cache = SessionCache::new(
        Arc::new(w.sts.clone()),
        Arc::new(w.clock.clone()),
        RefreshPolicy::default(),
    );
    let id = ConnectionId::new("acme").unwrap();
    let narrow: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": "ec2:DescribeInstances", "Resource": "*"}}"#
        .parse()
        .unwrap();
    let full = cache.session(&id, request(&w)).unwrap();
    let again = cache.session(&id, request(&w)).unwrap();
    let narrowed = cache
        .session(&id, request(&w).session_policy(narrow))
        .unwrap();
    assert!(Arc::ptr_eq(&full, &again));
    assert!(!Arc::ptr_eq(&full, &narrowed));
    let a = full.credentials().await.unwrap();
    let b = narrowed.credentials().await.unwrap();
    assert!(!a.same_secrets(&b));
    assert_eq!(w.sts.calls().assume_role, 2);
    assert_eq!(cache.forget(&id), 2);
    assert!(cache.is_empty());
}
