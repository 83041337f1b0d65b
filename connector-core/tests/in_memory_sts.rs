//! The in-memory STS enforces trust policies, revocation, expiry, AWS's limits and injected
//! faults; and the connection test and credential sessions behave on top of it as they must
//! against AWS.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use connector_core::testing::{
    CallCounts, InMemorySts, PACKED_POLICY_LIMIT, SetupError, WEB_IDENTITY_CLOCK_SKEW,
};
use connector_core::{
    AssumeRoleRequest, Clock, Connection, ConnectionEvent, ConnectionId, ConnectionState,
    ConnectionStore, Connector, ConnectorError, CredentialSession, DiagnosisCode,
    InMemoryConnectionStore, MAX_SESSION_POLICY_CHARS, ManualClock, ProviderError,
    ProviderErrorKind, RefreshPolicy, RoleSessionName, SessionScope, StsProvider,
    TemporaryCredentials, Timestamp, VerificationCode, VerificationOutcome, WebIdentityRequest,
    verify_connection,
};
use iam_policy::{AccountId, PolicyDocument, Region, RoleArn, Severity};
use secrecy::{ExposeSecret, SecretString};
use trust_policy::{CrossAccountTrust, ExternalId, OidcTrust, SubjectMatch, VendorPrincipal};

const VENDOR: &str = "999988887777";
const CUSTOMER: &str = "111122223333";
const WORKER: &str = "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker";
const HOUR: Duration = Duration::from_secs(3600);

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    role: RoleArn,
    external_id: ExternalId,
}

fn vendor_trust(external_id: &ExternalId) -> CrossAccountTrust {
    CrossAccountTrust::new(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        external_id.clone(),
    )
}

fn world() -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(Arc::new(clock.clone()), WORKER.parse().unwrap());
    let role: RoleArn = format!("arn:aws:iam::{CUSTOMER}:role/vendor-access")
        .parse()
        .unwrap();
    let external_id = ExternalId::generate().unwrap();
    sts.create_role(
        role.clone(),
        vendor_trust(&external_id).policy().unwrap(),
        HOUR,
    )
    .unwrap();
    World {
        clock,
        sts,
        role,
        external_id,
    }
}

fn request(w: &World) -> AssumeRoleRequest {
    AssumeRoleRequest::new(w.role.clone(), name("vendor-sync"))
        .with_external_id(w.external_id.clone())
}

fn name(text: &str) -> RoleSessionName {
    text.parse().unwrap()
}

fn region(text: &str) -> Region {
    text.parse().unwrap()
}

fn customer() -> AccountId {
    CUSTOMER.parse().unwrap()
}

async fn denied(sts: &InMemorySts, request: &AssumeRoleRequest) -> ProviderError {
    let error = sts.assume_role(request).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::AccessDenied, "{error}");
    error
}

fn is_aws_access_key_id(id: &str) -> bool {
    id.len() == 20
        && id.starts_with("ASIA")
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------
// AssumeRole and GetCallerIdentity
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn right_external_id_gets_credentials_with_expiry_and_identity() {
    let w = world();
    let credentials = w.sts.assume_role(&request(&w)).await.unwrap();
    assert!(is_aws_access_key_id(credentials.access_key_id()));
    assert_eq!(credentials.expiration(), w.clock.now() + HOUR);
    assert_eq!(
        credentials.secret_access_key().expose_secret().len(),
        40,
        "shaped like an AWS secret access key"
    );

    let identity = w.sts.caller_identity(&credentials, None).await.unwrap();
    let role_id = w.sts.role_unique_id(&w.role).unwrap();
    assert!(role_id.starts_with("AROA") && role_id.len() == 21);
    assert_eq!(identity.account, CUSTOMER);
    assert_eq!(
        identity.arn,
        "arn:aws:sts::111122223333:assumed-role/vendor-access/vendor-sync"
    );
    assert_eq!(identity.user_id, format!("{role_id}:vendor-sync"));

    // Another session of the same role: new keys and secrets, same role id.
    let other = w
        .sts
        .assume_role(&request(&w).with_duration(Duration::from_secs(900)))
        .await
        .unwrap();
    assert_ne!(other.access_key_id(), credentials.access_key_id());
    assert_ne!(
        other.secret_access_key().expose_secret(),
        credentials.secret_access_key().expose_secret()
    );
    assert_ne!(
        other.session_token().expose_secret(),
        credentials.session_token().expose_secret()
    );
    assert_eq!(other.expiration(), w.clock.now() + Duration::from_secs(900));
    let again = w.sts.caller_identity(&other, None).await.unwrap();
    assert!(again.user_id.starts_with(&role_id));
}

#[tokio::test]
async fn credentials_expire_on_the_clock() {
    let w = world();
    let credentials = w.sts.assume_role(&request(&w)).await.unwrap();
    w.clock.advance(HOUR - Duration::from_secs(1));
    assert!(w.sts.caller_identity(&credentials, None).await.is_ok());
    w.clock.advance(Duration::from_secs(1));
    let error = w.sts.caller_identity(&credentials, None).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::ExpiredToken);
    assert_eq!(error.code.as_deref(), Some("ExpiredToken"));
}

#[tokio::test]
async fn wrong_missing_or_foreign_external_id_is_denied_as_aws_words_it() {
    let w = world();
    let wrong = request(&w).with_external_id("another-customers-id".parse().unwrap());
    let error = denied(&w.sts, &wrong).await;
    assert_eq!(error.code.as_deref(), Some("AccessDenied"));
    assert_eq!(
        error.message,
        format!(
            "User: {WORKER} is not authorized to perform: sts:AssumeRole on resource: {}",
            w.role
        )
    );
    assert!(error.kind.is_revocation());
    assert!(
        w.sts
            .last_denial_reason()
            .unwrap()
            .contains("sts:ExternalId")
    );

    let missing = AssumeRoleRequest::new(w.role.clone(), name("vendor-sync"));
    denied(&w.sts, &missing).await;

    // Another account calling with the right External ID (it leaked) is still refused.
    w.sts.set_caller(
        "arn:aws:sts::444455556666:assumed-role/attacker/x"
            .parse()
            .unwrap(),
    );
    assert_eq!(w.sts.caller().account(), "444455556666");
    denied(&w.sts, &request(&w)).await;

    // AWS refuses role assumption with root credentials, whatever the trust policy says.
    w.sts
        .set_caller(format!("arn:aws:iam::{VENDOR}:root").parse().unwrap());
    let error = denied(&w.sts, &request(&w)).await;
    assert_eq!(error.message, "Roles may not be assumed by root accounts.");

    // A role ARN must match the role as created, path included.
    w.sts.set_caller(WORKER.parse().unwrap());
    let with_path = AssumeRoleRequest::new(
        format!("arn:aws:iam::{CUSTOMER}:role/team/vendor-access")
            .parse()
            .unwrap(),
        name("vendor-sync"),
    )
    .with_external_id(w.external_id.clone());
    denied(&w.sts, &with_path).await;
    assert!(w.sts.last_denial_reason().unwrap().contains("path"));
    assert!(w.sts.assume_role(&request(&w)).await.is_ok());
}

#[tokio::test]
async fn deleting_the_role_or_removing_the_vendor_revokes_access() {
    let w = world();
    let issued = w.sts.assume_role(&request(&w)).await.unwrap();

    // The trust policy now names another vendor.
    let other_vendor = CrossAccountTrust::new(
        VendorPrincipal::account("123412341234".parse().unwrap()),
        w.external_id.clone(),
    )
    .policy()
    .unwrap();
    w.sts.update_trust_policy(&w.role, other_vendor).unwrap();
    denied(&w.sts, &request(&w)).await;
    // As in AWS, credentials already issued keep working until they expire.
    assert!(w.sts.caller_identity(&issued, None).await.is_ok());

    // Trust restored, then the role deleted.
    w.sts
        .update_trust_policy(&w.role, vendor_trust(&w.external_id).policy().unwrap())
        .unwrap();
    assert!(w.sts.assume_role(&request(&w)).await.is_ok());
    let old_id = w.sts.role_unique_id(&w.role).unwrap();
    w.sts.delete_role(&w.role).unwrap();
    assert!(!w.sts.role_exists(&w.role));
    denied(&w.sts, &request(&w)).await;
    assert!(w.sts.last_denial_reason().unwrap().contains("no role"));
    assert_eq!(
        w.sts.delete_role(&w.role),
        Err(SetupError::NoSuchRole(w.role.to_string()))
    );
    assert!(matches!(
        w.sts
            .update_trust_policy(&w.role, vendor_trust(&w.external_id).policy().unwrap()),
        Err(SetupError::NoSuchRole(_))
    ));

    // Recreated with the same name: a new role, with a new unique id.
    w.sts
        .create_role(
            w.role.clone(),
            vendor_trust(&w.external_id).policy().unwrap(),
            HOUR,
        )
        .unwrap();
    assert_ne!(w.sts.role_unique_id(&w.role).unwrap(), old_id);
    assert!(w.sts.assume_role(&request(&w)).await.is_ok());
}

#[tokio::test]
async fn setup_is_checked_like_iam() {
    let w = world();
    // A statement without a principal: IAM refuses it, moto would not.
    let malformed: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#.parse().unwrap();
    let other: RoleArn = "arn:aws:iam::111122223333:role/other".parse().unwrap();
    match w.sts.create_role(other.clone(), malformed.clone(), HOUR) {
        Err(SetupError::MalformedTrustPolicy { role, findings }) => {
            assert_eq!(role, other.to_string());
            assert!(!findings.is_empty());
        }
        unexpected => panic!("{unexpected:?}"),
    }
    assert!(matches!(
        w.sts.update_trust_policy(&w.role, malformed),
        Err(SetupError::MalformedTrustPolicy { .. })
    ));
    assert!(!w.sts.role_exists(&other));

    let trust = vendor_trust(&w.external_id).policy().unwrap();
    for seconds in [900, 43_201] {
        assert_eq!(
            w.sts
                .create_role(other.clone(), trust.clone(), Duration::from_secs(seconds)),
            Err(SetupError::InvalidMaxSession {
                role: other.to_string(),
                seconds
            })
        );
    }
    // Role names are unique per account regardless of case.
    let shouting: RoleArn = "arn:aws:iam::111122223333:role/VENDOR-ACCESS"
        .parse()
        .unwrap();
    assert!(matches!(
        w.sts.create_role(shouting, trust.clone(), HOUR),
        Err(SetupError::RoleAlreadyExists(_))
    ));
    // The same name in another account is another role.
    let elsewhere: RoleArn = "arn:aws:iam::444455556666:role/vendor-access"
        .parse()
        .unwrap();
    w.sts.create_role(elsewhere, trust, HOUR).unwrap();

    // OIDC providers: https only, no duplicates.
    assert!(matches!(
        w.sts
            .create_oidc_provider(&customer(), "http://id.example.com", &["sts.amazonaws.com"]),
        Err(SetupError::InvalidIssuer { .. })
    ));
    assert!(matches!(
        w.sts
            .create_oidc_provider(&customer(), "https://id.example.com", &[""]),
        Err(SetupError::InvalidAudience { .. })
    ));
    w.sts
        .create_oidc_provider(&customer(), "https://id.example.com/", &["a"])
        .unwrap();
    let duplicate = w
        .sts
        .create_oidc_provider(&customer(), "id.example.com", &["b"])
        .unwrap_err();
    assert!(matches!(
        duplicate,
        SetupError::OidcProviderAlreadyExists { .. }
    ));
    // Setup errors convert into the crate's error.
    assert!(matches!(
        ConnectorError::from(duplicate),
        ConnectorError::AlreadyExists(_)
    ));
    w.sts
        .delete_oidc_provider(&customer(), "https://id.example.com")
        .unwrap();
    assert!(matches!(
        w.sts
            .delete_oidc_provider(&customer(), "https://id.example.com"),
        Err(SetupError::NoSuchOidcProvider { .. })
    ));
}

#[tokio::test]
async fn invalid_requests_are_refused_before_anything() {
    let w = world();
    w.sts.throttle_next(1);
    // A bad session name cannot even be put in a request: it is refused as STS would.
    for bad in [
        "no spaces allowed",
        "x",
        "",
        &"x".repeat(65),
        "name/with/slashes",
    ] {
        let error = RoleSessionName::new(bad).unwrap_err();
        assert_eq!(error.kind, ProviderErrorKind::InvalidRequest, "{bad:?}");
        assert!(error.message.contains("RoleSessionName"), "{error}");
        assert_eq!(bad.parse::<RoleSessionName>(), Err(error));
    }
    let oversized: PolicyDocument = serde_json::from_value(serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "x".repeat(MAX_SESSION_POLICY_CHARS), "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*"}]
    }))
    .unwrap();
    let too_short = request(&w).with_duration(Duration::from_secs(60));
    let too_long = request(&w).with_duration(Duration::from_secs(43_201));
    let too_big = request(&w).with_session_policy(oversized.clone());
    let too_many_arns = request(&w).with_policy_arns(
        (0..11)
            .map(|i| format!("arn:aws:iam::aws:policy/P{i}").parse().unwrap())
            .collect(),
    );
    let bad_identity = request(&w).with_source_identity("aws:alice");
    let bad_tag = request(&w).with_tag("", "data");
    for (bad, parameter) in [
        (&too_short, "DurationSeconds"),
        (&too_long, "DurationSeconds"),
        (&too_big, "Policy"),
        (&too_many_arns, "PolicyArns"),
        (&bad_identity, "SourceIdentity"),
        (&bad_tag, "Tags"),
    ] {
        let error = w.sts.assume_role(bad).await.unwrap_err();
        assert_eq!(error.kind, ProviderErrorKind::InvalidRequest, "{error}");
        assert!(error.message.starts_with(parameter), "{parameter}: {error}");
    }
    let bad_web = web_request(&w).with_duration(Duration::from_secs(60));
    let big_web = web_request(&w).with_session_policy(oversized);
    for bad in [&bad_web, &big_web] {
        assert_eq!(
            w.sts
                .assume_role_with_web_identity(bad)
                .await
                .unwrap_err()
                .kind,
            ProviderErrorKind::InvalidRequest
        );
    }
    // Nothing reached STS: nothing counted, the injected throttle still pending.
    assert_eq!(w.sts.calls(), CallCounts::default());
    assert_eq!(
        w.sts.assume_role(&request(&w)).await.unwrap_err().kind,
        ProviderErrorKind::Throttled
    );
}

/// A web identity request for the world's role (its trust policy is irrelevant: the request
/// is refused before it is sent).
fn web_request(w: &World) -> WebIdentityRequest {
    WebIdentityRequest::new(w.role.clone(), name("agent"), "token".to_owned().into())
}

#[tokio::test]
async fn durations_beyond_the_role_or_role_chaining_are_validation_errors() {
    let w = world();
    // The role allows one hour.
    let error = w
        .sts
        .assume_role(&request(&w).with_duration(2 * HOUR))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Other);
    assert_eq!(error.code.as_deref(), Some("ValidationError"));
    assert!(error.message.contains("MaxSessionDuration"), "{error}");

    // A role allowing 12 hours: an IAM user may ask for 2 hours, a role session may not
    // (role chaining is capped at one hour).
    let long: RoleArn = "arn:aws:iam::111122223333:role/long".parse().unwrap();
    w.sts
        .create_role(
            long.clone(),
            vendor_trust(&w.external_id).policy().unwrap(),
            12 * HOUR,
        )
        .unwrap();
    let two_hours = AssumeRoleRequest::new(long, name("vendor-sync"))
        .with_external_id(w.external_id.clone())
        .with_duration(2 * HOUR);
    let error = w.sts.assume_role(&two_hours).await.unwrap_err();
    assert_eq!(error.code.as_deref(), Some("ValidationError"));
    assert!(error.message.contains("role chaining"), "{error}");
    w.sts
        .set_caller(format!("arn:aws:iam::{VENDOR}:user/ci").parse().unwrap());
    let credentials = w.sts.assume_role(&two_hours).await.unwrap();
    assert_eq!(credentials.expiration(), w.clock.now() + 2 * HOUR);
    // Declared chaining is refused on the client side.
    assert_eq!(
        w.sts
            .assume_role(&two_hours.clone().with_chained(true))
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::InvalidRequest
    );
}

#[tokio::test]
async fn session_policies_tags_and_source_identity_follow_sts_rules() {
    let w = world();
    // A session policy IAM would refuse (it names a principal).
    let malformed: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#
        .parse()
        .unwrap();
    let error = w
        .sts
        .assume_role(&request(&w).with_session_policy(malformed))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::MalformedPolicy, "{error}");
    assert_eq!(error.code.as_deref(), Some("MalformedPolicyDocument"));

    // Tags need sts:TagSession, a source identity sts:SetSourceIdentity.
    denied(&w.sts, &request(&w).with_tag("team", "data")).await;
    assert!(
        w.sts
            .last_denial_reason()
            .unwrap()
            .contains("sts:TagSession")
    );
    denied(&w.sts, &request(&w).with_source_identity("alice")).await;

    let tagging: RoleArn = "arn:aws:iam::111122223333:role/tagging".parse().unwrap();
    w.sts
        .create_role(
            tagging.clone(),
            vendor_trust(&w.external_id)
                .allow_tag_session()
                .require_source_identity()
                .policy()
                .unwrap(),
            HOUR,
        )
        .unwrap();
    let tagged = AssumeRoleRequest::new(tagging, name("vendor-sync"))
        .with_external_id(w.external_id.clone())
        .with_source_identity("alice")
        .with_tag("team", "data");
    assert!(w.sts.assume_role(&tagged).await.is_ok());

    // Policy and tags over the packed budget.
    let mut packed = tagged.clone();
    for i in 0..10 {
        packed = packed.with_tag(format!("k{i:0>127}"), "v".repeat(256));
    }
    assert!(packed.validate().is_ok(), "each tag is within STS's limits");
    let error = w.sts.assume_role(&packed).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::PackedPolicyTooLarge);
    // "team" + "data" and ten 128-character keys with 256-character values.
    let packed_size: usize = 8 + 10 * (128 + 256);
    let percent = (packed_size * 100).div_ceil(PACKED_POLICY_LIMIT);
    assert!(
        error
            .message
            .contains(&format!("{percent}% of allotted space")),
        "{error}"
    );
}

#[tokio::test]
async fn disabled_regions_answer_region_disabled() {
    let w = world();
    let credentials = w.sts.assume_role(&request(&w)).await.unwrap();
    w.sts.disable_region(&customer(), &region("af-south-1"));
    let error = w
        .sts
        .assume_role(&request(&w).with_region(region("af-south-1")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::RegionDisabled);
    assert_eq!(error.code.as_deref(), Some("RegionDisabledException"));
    assert_eq!(
        w.sts
            .caller_identity(&credentials, Some(&region("af-south-1")))
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::RegionDisabled
    );
    assert!(
        w.sts
            .assume_role(&request(&w).with_region(region("eu-west-1")))
            .await
            .is_ok()
    );
    assert!(
        w.sts.assume_role(&request(&w)).await.is_ok(),
        "global endpoint"
    );
    w.sts.enable_region(&customer(), &region("af-south-1"));
    assert!(
        w.sts
            .assume_role(&request(&w).with_region(region("af-south-1")))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn caller_identity_rejects_credentials_it_did_not_issue() {
    let w = world();
    let real = w.sts.assume_role(&request(&w)).await.unwrap();
    let cases = [
        (
            TemporaryCredentials::new("ASIAUNKNOWN000000000", "s", "t", real.expiration()),
            "InvalidClientTokenId",
        ),
        (
            TemporaryCredentials::new(
                real.access_key_id(),
                "wrong-secret",
                real.session_token().expose_secret(),
                real.expiration(),
            ),
            "SignatureDoesNotMatch",
        ),
        (
            TemporaryCredentials::new(
                real.access_key_id(),
                real.secret_access_key().expose_secret(),
                "wrong-token",
                real.expiration(),
            ),
            "InvalidClientTokenId",
        ),
    ];
    for (forged, code) in cases {
        let error = w.sts.caller_identity(&forged, None).await.unwrap_err();
        assert_eq!(error.kind, ProviderErrorKind::AccessDenied);
        assert_eq!(error.code.as_deref(), Some(code));
    }
    assert!(w.sts.caller_identity(&real, None).await.is_ok());
}

// ---------------------------------------------------------------------------------------
// AssumeRoleWithWebIdentity
// ---------------------------------------------------------------------------------------

struct Federated {
    w: World,
    role: RoleArn,
}

const ISSUER: &str = "https://id.auto-nomos.com";

fn federated() -> Federated {
    let w = world();
    let role: RoleArn = "arn:aws:iam::111122223333:role/nomos-federated"
        .parse()
        .unwrap();
    let trust = OidcTrust::new(customer(), ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact("org/acme".into()))
        .unwrap()
        .policy()
        .unwrap();
    w.sts.create_role(role.clone(), trust, HOUR).unwrap();
    w.sts
        .create_oidc_provider(&customer(), ISSUER, &["sts.amazonaws.com", "other-client"])
        .unwrap();
    Federated { w, role }
}

impl Federated {
    fn request(&self, token: String) -> WebIdentityRequest {
        WebIdentityRequest::new(self.role.clone(), name("agent"), token.into())
    }

    async fn kind_of(&self, token: String) -> ProviderErrorKind {
        self.w
            .sts
            .assume_role_with_web_identity(&self.request(token))
            .await
            .unwrap_err()
            .kind
    }
}

#[tokio::test]
async fn web_identity_happy_path() {
    let f = federated();
    let token =
        f.w.sts
            .issue_test_token(ISSUER, "org/acme", "sts.amazonaws.com");
    let credentials =
        f.w.sts
            .assume_role_with_web_identity(&f.request(token))
            .await
            .unwrap();
    assert!(is_aws_access_key_id(credentials.access_key_id()));
    assert_eq!(credentials.expiration(), f.w.clock.now() + HOUR);
    let identity = f.w.sts.caller_identity(&credentials, None).await.unwrap();
    assert_eq!(
        identity.arn,
        "arn:aws:sts::111122223333:assumed-role/nomos-federated/agent"
    );
    // The issuer may be given without the scheme.
    let bare =
        f.w.sts
            .issue_test_token("id.auto-nomos.com", "org/acme", "sts.amazonaws.com");
    assert!(
        f.w.sts
            .assume_role_with_web_identity(&f.request(bare))
            .await
            .is_ok()
    );
}

fn split3(token: &str) -> (&str, &str, &str) {
    let mut parts = token.split('.');
    let parts = (parts.next(), parts.next(), parts.next());
    (parts.0.unwrap(), parts.1.unwrap(), parts.2.unwrap())
}

#[tokio::test]
async fn web_identity_checks_subject_audience_token_and_provider() {
    let f = federated();
    let sts = &f.w.sts;
    // Wrong subject: the trust policy's condition fails.
    let evil = sts.issue_test_token(ISSUER, "org/evil", "sts.amazonaws.com");
    assert_eq!(f.kind_of(evil).await, ProviderErrorKind::AccessDenied);
    assert!(sts.last_denial_reason().unwrap().contains("org/evil"));
    // An audience the provider does not know: the token is rejected.
    let unknown_aud = sts.issue_test_token(ISSUER, "org/acme", "someone-else");
    assert_eq!(
        f.kind_of(unknown_aud).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    // An audience the provider knows but the trust policy does not allow: denied.
    let other_client = sts.issue_test_token(ISSUER, "org/acme", "other-client");
    assert_eq!(
        f.kind_of(other_client).await,
        ProviderErrorKind::AccessDenied
    );
    // Garbled, tampered, or issued by another STS instance.
    let good = sts.issue_test_token(ISSUER, "org/acme", "sts.amazonaws.com");
    // The claims of another token under this token's signature.
    let other = sts.issue_test_token(ISSUER, "org/other", "sts.amazonaws.com");
    let (header, _, signature) = split3(&good);
    let (_, claims, _) = split3(&other);
    let tampered = format!("{header}.{claims}.{signature}");
    let foreign = InMemorySts::new(Arc::new(f.w.clock.clone()), WORKER.parse().unwrap())
        .issue_test_token(ISSUER, "org/acme", "sts.amazonaws.com");
    for token in ["garbage".to_owned(), String::new(), tampered, foreign] {
        assert_eq!(
            f.kind_of(token).await,
            ProviderErrorKind::InvalidIdentityToken
        );
    }
    // Expired.
    let short = sts.issue_test_token_with_ttl(
        ISSUER,
        "org/acme",
        "sts.amazonaws.com",
        Duration::from_secs(60),
    );
    f.w.clock
        .advance(Duration::from_secs(60) + WEB_IDENTITY_CLOCK_SKEW);
    assert_eq!(f.kind_of(short).await, ProviderErrorKind::ExpiredToken);
    // Longer than the role allows.
    let fresh = sts.issue_test_token(ISSUER, "org/acme", "sts.amazonaws.com");
    let long = f.request(fresh.clone()).with_duration(2 * HOUR);
    let error = sts.assume_role_with_web_identity(&long).await.unwrap_err();
    assert_eq!(error.code.as_deref(), Some("ValidationError"));
    // A missing role.
    let missing = WebIdentityRequest::new(
        "arn:aws:iam::111122223333:role/missing".parse().unwrap(),
        name("agent"),
        SecretString::from(fresh.clone()),
    );
    assert_eq!(
        sts.assume_role_with_web_identity(&missing)
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::AccessDenied
    );
    // The provider removed from the account: AWS's wire code and wording, and the kind that
    // says the customer withdrew the vendor's trust anchor.
    sts.delete_oidc_provider(&customer(), ISSUER).unwrap();
    let error = sts
        .assume_role_with_web_identity(&f.request(fresh))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::OidcProviderMissing);
    assert_eq!(error.code.as_deref(), Some("InvalidIdentityToken"));
    assert_eq!(
        error.message,
        format!("No OpenIDConnect provider found in your account for {ISSUER}")
    );
    assert!(error.kind.is_customer_refusal());
}

// ---------------------------------------------------------------------------------------
// Faults, latency, counters, sharing
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn throttle_next_then_success_and_queued_faults_in_order() {
    let w = world();
    w.sts.throttle_next(2);
    for _ in 0..2 {
        let error = w.sts.assume_role(&request(&w)).await.unwrap_err();
        assert_eq!(error.kind, ProviderErrorKind::Throttled);
        assert_eq!(error.code.as_deref(), Some("Throttling"));
        assert!(error.is_retryable());
    }
    let credentials = w.sts.assume_role(&request(&w)).await.unwrap();

    // Queued errors apply to any operation, in order.
    w.sts.fail_next(ProviderError::new(
        ProviderErrorKind::Transient,
        "connection reset",
    ));
    w.sts.fail_next(ProviderError::new(
        ProviderErrorKind::ExpiredToken,
        "the vendor's own credentials expired",
    ));
    assert_eq!(
        w.sts
            .caller_identity(&credentials, None)
            .await
            .unwrap_err()
            .kind,
        ProviderErrorKind::Transient
    );
    assert_eq!(
        w.sts.assume_role(&request(&w)).await.unwrap_err().kind,
        ProviderErrorKind::ExpiredToken
    );
    assert!(w.sts.assume_role(&request(&w)).await.is_ok());

    w.sts.throttle_next(5);
    w.sts
        .fail_next(ProviderError::new(ProviderErrorKind::Other, "x"));
    w.sts.clear_faults();
    assert!(w.sts.assume_role(&request(&w)).await.is_ok());
}

#[tokio::test]
async fn counters_count_each_operation() {
    let f = federated();
    let w = &f.w;
    let credentials = w.sts.assume_role(&request(w)).await.unwrap();
    let _ = w
        .sts
        .assume_role(&AssumeRoleRequest::new(w.role.clone(), name("no-id")))
        .await;
    w.sts.caller_identity(&credentials, None).await.unwrap();
    let token = w
        .sts
        .issue_test_token(ISSUER, "org/acme", "sts.amazonaws.com");
    w.sts
        .assume_role_with_web_identity(&f.request(token))
        .await
        .unwrap();
    let counts = w.sts.calls();
    assert_eq!(
        counts,
        CallCounts {
            assume_role: 2,
            assume_role_with_web_identity: 1,
            caller_identity: 1,
        }
    );
    assert_eq!(counts.total(), 4);
    // Clones share the counters.
    let clone = w.sts.clone();
    clone.reset_counters();
    assert_eq!(w.sts.calls(), CallCounts::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn usable_as_arc_dyn_provider_from_many_tasks() {
    let w = world();
    w.sts.set_latency_yields(5);
    let provider: Arc<dyn StsProvider> = Arc::new(w.sts.clone());
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let provider = Arc::clone(&provider);
            let request = request(&w).with_duration(HOUR - Duration::from_secs(i));
            tokio::spawn(async move {
                let credentials = provider.assume_role(&request).await.unwrap();
                let identity = provider.caller_identity(&credentials, None).await.unwrap();
                (credentials.access_key_id().to_owned(), identity.account)
            })
        })
        .collect();
    let mut keys = std::collections::HashSet::new();
    for task in tasks {
        let (key, account) = task.await.unwrap();
        assert_eq!(account, CUSTOMER);
        assert!(keys.insert(key), "access key ids are distinct");
    }
    assert_eq!(w.sts.calls().assume_role, 32);
    assert_eq!(w.sts.calls().caller_identity, 32);
}

#[test]
fn latency_yields_let_concurrent_calls_overlap_without_a_runtime() {
    let w = world();
    w.sts.set_latency_yields(3);
    let (first, second) = (request(&w), request(&w));
    let mut a = w.sts.assume_role(&first);
    let mut b = w.sts.assume_role(&second);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(a.as_mut().poll(&mut cx).is_pending());
    assert!(b.as_mut().poll(&mut cx).is_pending());
    // Both calls have arrived and neither has answered: they are in flight together.
    assert_eq!(w.sts.calls().assume_role, 2);
    let mut polls = 1;
    let answer = loop {
        polls += 1;
        if let Poll::Ready(answer) = a.as_mut().poll(&mut cx) {
            break answer;
        }
    };
    assert!(answer.is_ok());
    assert_eq!(polls, 4, "three yields, then the answer");
    assert!(block_on(b).is_ok());
}

/// Drives a future on this thread with a no-op waker (the STS's futures wake themselves).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = Pin::as_mut(&mut future).poll(&mut cx) {
            return output;
        }
    }
}

#[tokio::test]
async fn wall_clock_latency_is_waited_out_concurrently() {
    let w = world();
    let latency = Duration::from_millis(50);
    w.sts.set_latency(latency);
    let (a, b, c, d) = (request(&w), request(&w), request(&w), request(&w));
    let start = Instant::now();
    let answers = tokio::join!(
        w.sts.assume_role(&a),
        w.sts.assume_role(&b),
        w.sts.assume_role(&c),
        w.sts.assume_role(&d),
    );
    let elapsed = start.elapsed();
    assert!(answers.0.is_ok() && answers.1.is_ok() && answers.2.is_ok() && answers.3.is_ok());
    assert!(elapsed >= latency, "{elapsed:?}");
    // Four sequential calls would take 200 ms; overlapping, they take about 50.
    assert!(elapsed < 4 * latency, "{elapsed:?}");
    // The injected clock did not move.
    assert_eq!(
        w.clock.now(),
        std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    );
}

#[tokio::test]
async fn seeded_instances_mint_the_same_ids() {
    let make = || {
        let clock = ManualClock::at_unix(1_800_000_000);
        let sts = InMemorySts::with_seed(Arc::new(clock), WORKER.parse().unwrap(), 42);
        let external_id: ExternalId = "fixed-external-id".parse().unwrap();
        let role: RoleArn = "arn:aws:iam::111122223333:role/r".parse().unwrap();
        sts.create_role(
            role.clone(),
            vendor_trust(&external_id).policy().unwrap(),
            HOUR,
        )
        .unwrap();
        (
            sts,
            AssumeRoleRequest::new(role, name("s1")).with_external_id(external_id),
        )
    };
    let (one, request_one) = make();
    let (two, request_two) = make();
    let a = one.assume_role(&request_one).await.unwrap();
    let b = two.assume_role(&request_two).await.unwrap();
    assert!(a.same_secrets(&b));
    let next = one.assume_role(&request_one).await.unwrap();
    assert!(!next.same_secrets(&a));
}

#[tokio::test]
async fn no_secret_in_any_debug_or_display_output() {
    let f = federated();
    let w = &f.w;
    let credentials = w.sts.assume_role(&request(w)).await.unwrap();
    let secret = credentials.secret_access_key().expose_secret().to_owned();
    let token = credentials.session_token().expose_secret().to_owned();
    let oidc_token = w
        .sts
        .issue_test_token(ISSUER, "org/acme", "sts.amazonaws.com");
    let web_credentials = w
        .sts
        .assume_role_with_web_identity(&f.request(oidc_token.clone()))
        .await
        .unwrap();
    let web_secret = web_credentials
        .secret_access_key()
        .expose_secret()
        .to_owned();
    let forged = TemporaryCredentials::new(
        credentials.access_key_id(),
        "x",
        credentials.session_token().expose_secret(),
        w.clock.now(),
    );
    let signature_error = w.sts.caller_identity(&forged, None).await.unwrap_err();
    let web_error = w
        .sts
        .assume_role_with_web_identity(&WebIdentityRequest::new(
            "arn:aws:iam::111122223333:role/missing".parse().unwrap(),
            name("agent"),
            SecretString::from(oidc_token.clone()),
        ))
        .await
        .unwrap_err();
    w.sts
        .fail_next(ProviderError::new(ProviderErrorKind::Other, "queued"));
    let shown = format!(
        "{credentials:?} {web_credentials:?} {signature_error} {signature_error:?} {web_error} \
         {web_error:?} {:?} {:#?} {:?}",
        w.sts,
        w.sts,
        f.request(oidc_token.clone())
    );
    for leaked in [
        secret.as_str(),
        token.as_str(),
        web_secret.as_str(),
        oidc_token.as_str(),
    ] {
        assert!(!shown.contains(leaked), "{leaked} leaked in {shown}");
    }
    assert!(shown.contains("InMemorySts"));
}

// ---------------------------------------------------------------------------------------
// The connection test and credential sessions on top of the in-memory STS
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn connection_test_verifies_and_refuses_roles_without_external_id() {
    let w = world();
    let provider: Arc<dyn StsProvider> = Arc::new(w.sts.clone());
    let session = name("connection-test");
    let report =
        verify_connection(provider.as_ref(), &w.role, &w.external_id, &session, None).await;
    assert!(report.is_verified(), "{report:#?}");
    assert_eq!(report.outcome(), VerificationOutcome::Verified);
    assert!(report.findings().is_empty());
    assert!(report.deciding_finding().is_none());
    let identity = report.identity().unwrap();
    assert_eq!(identity.account, CUSTOMER);
    assert_eq!(
        identity.arn,
        "arn:aws:sts::111122223333:assumed-role/vendor-access/connection-test"
    );

    // A role that trusts the vendor without an External ID "works" but must be refused.
    let open: RoleArn = "arn:aws:iam::111122223333:role/open".parse().unwrap();
    let trust: PolicyDocument = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow",
        "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": "sts:AssumeRole"}}}}"#
    )
    .parse()
    .unwrap();
    w.sts.create_role(open.clone(), trust, HOUR).unwrap();
    let report = verify_connection(provider.as_ref(), &open, &w.external_id, &session, None).await;
    assert!(!report.is_verified());
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    let error = report.deciding_finding().unwrap();
    assert_eq!(error.code(), VerificationCode::ExternalIdNotRequired);
    assert_eq!(error.code().as_str(), "EXTERNAL_ID_NOT_REQUIRED");
    assert_eq!(error.severity(), Severity::Error);
    assert!(error.remediation().contains("sts:ExternalId"));

    // The wrong External ID: the trust policy does not let the vendor in.
    let report = verify_connection(
        provider.as_ref(),
        &w.role,
        &"wrong-id".parse().unwrap(),
        &session,
        None,
    )
    .await;
    assert!(!report.is_verified());
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    let error = report.deciding_finding().unwrap();
    assert_eq!(error.code(), VerificationCode::AssumeRoleDenied);
    assert_eq!(error.severity(), Severity::Error);
    assert!(!error.is_retryable());
    assert!(report.identity().is_none());

    // STS deactivated in the connection's region: the customer's to fix.
    w.sts.disable_region(&customer(), &region("af-south-1"));
    let report = verify_connection(
        provider.as_ref(),
        &w.role,
        &w.external_id,
        &session,
        Some(&region("af-south-1")),
    )
    .await;
    assert_eq!(report.outcome(), VerificationOutcome::Refused);
    assert_eq!(
        report.deciding_finding().unwrap().code(),
        VerificationCode::AssumeRoleRegionDisabled
    );

    // Throttling is a warning, not a verdict.
    w.sts.throttle_next(1);
    let report =
        verify_connection(provider.as_ref(), &w.role, &w.external_id, &session, None).await;
    assert!(!report.is_verified());
    assert_eq!(
        report.outcome(),
        VerificationOutcome::Inconclusive { retryable: true }
    );
    assert_eq!(report.findings()[0].severity(), Severity::Warning);
    assert!(report.findings()[0].is_retryable());
    assert_eq!(
        report.deciding_finding().unwrap().code(),
        VerificationCode::AssumeRoleInconclusive
    );
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
    w.sts.delete_role(&w.role).unwrap();
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

/// A connector over `store` and the world's STS, on the world's clock.
fn connector(w: &World, store: &Arc<dyn ConnectionStore>) -> Connector {
    Connector::builder(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        Arc::clone(store),
        Arc::new(w.sts.clone()),
    )
    .with_clock(Arc::new(w.clock.clone()))
    .build()
}

/// An active connection to the world's role, stored.
async fn active_connection(w: &World, store: &Arc<dyn ConnectionStore>) -> ConnectionId {
    let now = || Timestamp::from_system(w.clock.now());
    let connection = Connection::builder("acme".parse().unwrap(), w.external_id.clone())
        .with_display_name("Acme")
        .with_account(customer())
        .build(now())
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
    store.create(&connection).await.unwrap();
    connection.id().clone()
}

async fn stored(store: &Arc<dyn ConnectionStore>, id: &ConnectionId) -> Connection {
    store.get(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn revocation_moves_an_active_connection_to_disconnected_on_the_next_refresh() {
    let w = world();
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
    let id = active_connection(&w, &store).await;
    let revision = stored(&store, &id).await.revision();
    let connector = connector(&w, &store);
    let connected = connector.session(id.clone());
    let first = connected.credentials().await.unwrap();
    let identity = w.sts.caller_identity(&first, None).await.unwrap();
    assert_eq!(identity.account, CUSTOMER);
    assert_eq!(stored(&store, &id).await.state(), ConnectionState::Active);
    // A refresh that changes nothing is not written.
    assert_eq!(stored(&store, &id).await.revision(), revision);

    // Throttled refresh: degraded, credentials still flow; recovery: active again.
    w.clock
        .advance(Duration::from_secs(50 * 60) + Duration::from_secs(1));
    w.sts.throttle_next(1);
    let served = connected.credentials().await.unwrap();
    assert!(served.same_secrets(&first));
    let degraded = stored(&store, &id).await;
    assert_eq!(degraded.state(), ConnectionState::Degraded);
    assert_eq!(
        degraded.last_diagnosis().unwrap().code(),
        DiagnosisCode::Throttled
    );
    w.clock.advance(Duration::from_secs(2));
    let refreshed = connected.credentials().await.unwrap();
    assert!(!refreshed.same_secrets(&first));
    assert_eq!(stored(&store, &id).await.state(), ConnectionState::Active);

    // The customer deletes the role: the next refresh disconnects the connection.
    w.sts.delete_role(&w.role).unwrap();
    w.clock.advance(Duration::from_secs(56 * 60));
    match connected.credentials().await {
        Err(ConnectorError::Provider(error)) => {
            assert_eq!(error.kind, ProviderErrorKind::AccessDenied)
        }
        other => panic!("{other:?}"),
    }
    let disconnected = stored(&store, &id).await;
    assert_eq!(
        disconnected.state(),
        ConnectionState::Disconnected,
        "{disconnected:?}"
    );
    assert_eq!(
        disconnected.last_diagnosis().unwrap().code(),
        DiagnosisCode::AccessDenied
    );
    // From then on nothing is handed out, and STS is not asked.
    let calls = w.sts.calls();
    for result in [
        connected.credentials().await,
        connector.credentials(&id).await,
    ] {
        assert!(
            matches!(
                &result,
                Err(ConnectorError::NotLive {
                    state: ConnectionState::Disconnected,
                    ..
                })
            ),
            "{result:?}"
        );
    }
    assert_eq!(w.sts.calls(), calls);
}

#[tokio::test]
async fn narrowed_sessions_are_cached_apart_from_the_full_role() {
    let w = world();
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
    let id = active_connection(&w, &store).await;
    let connector = connector(&w, &store);
    let narrow: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": "ec2:DescribeInstances", "Resource": "*"}}"#
        .parse()
        .unwrap();
    let full = connector.session(id.clone());
    let again = connector.session(id.clone());
    let narrowed =
        connector.scoped_session(id.clone(), SessionScope::new().with_session_policy(narrow));
    // One session per connection and scope, whoever asks.
    let a = full.credentials().await.unwrap();
    let a_again = again.credentials().await.unwrap();
    let a_direct = connector.credentials(&id).await.unwrap();
    assert!(a.same_secrets(&a_again) && a.same_secrets(&a_direct));
    assert_eq!(w.sts.calls().assume_role, 1);
    // A narrowed session is another session, with its own credentials.
    let b = narrowed.credentials().await.unwrap();
    assert!(!a.same_secrets(&b));
    assert_eq!(w.sts.calls().assume_role, 2);
    assert!(narrowed.credentials().await.unwrap().same_secrets(&b));
    assert!(full.credentials().await.unwrap().same_secrets(&a));
    assert_eq!(w.sts.calls().assume_role, 2);

    // Disconnecting drops every session of the connection: nothing is served, and after a
    // reconnect both scopes start new sessions.
    connector.disconnect(&id).await.unwrap();
    let calls = w.sts.calls();
    for handle in [&full, &narrowed] {
        let refused = handle.credentials().await;
        assert!(
            matches!(
                &refused,
                Err(ConnectorError::NotLive {
                    state: ConnectionState::Disconnected,
                    ..
                })
            ),
            "{refused:?}"
        );
    }
    assert_eq!(
        w.sts.calls(),
        calls,
        "no STS call for a disconnected connection"
    );
    let submission = connector.reconnect(&id, None).await.unwrap();
    assert_eq!(submission.connection().state(), ConnectionState::Active);
    let before = w.sts.calls().assume_role;
    let a2 = full.credentials().await.unwrap();
    let b2 = narrowed.credentials().await.unwrap();
    assert!(!a2.same_secrets(&a) && !b2.same_secrets(&b) && !a2.same_secrets(&b2));
    assert_eq!(w.sts.calls().assume_role, before + 2);

    // Removing the connection forgets it altogether.
    assert_eq!(connector.tracked_connections(), 1);
    connector.remove(&id).await.unwrap();
    assert_eq!(connector.tracked_connections(), 0);
}
