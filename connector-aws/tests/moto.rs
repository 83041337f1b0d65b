#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

//! The adapter against moto's server (`scripts/test` starts it and sets
//! `CONNECTOR_MOTO_ENDPOINT`). Without that variable every test says it is skipped and passes.
//!
//! moto 5.x speaks the wire protocols faithfully but does not enforce trust policies, so these
//! tests assert what moto does (see the crate docs, "Testing against moto"); AWS's semantics
//! are covered against the in-memory STS. In particular, a `Connector` on moto refuses every
//! role (the role can be assumed without the External ID), which is the correct, fail-closed
//! answer; the one test that needs an active connection on moto says how it gets one
//! ([`RequiresExternalId`]).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::{BehaviorVersion, Region as SdkRegion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use connector_aws::{AwsStsProvider, SessionCredentialsProvider};
use connector_core::TokenSubject;
use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey};
use connector_core::testing::behaviour::{ContractFixture, provider_contract};
use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, ConnectionState, Connector, ConnectorError,
    CredentialSession, DiagnosisCode, ExternalId, InMemoryConnectionStore, NewConnection,
    ParameterValues, ProviderError, ProviderErrorKind, RefreshPolicy, Region, RoleArn,
    SessionNames, Severity, StsProvider, SystemClock, TemporaryCredentials, VendorPrincipal,
    VerificationCode, VerificationOutcome, verify_connection,
};
use trust_policy::CrossAccountTrust;

const ENV: &str = "CONNECTOR_MOTO_ENDPOINT";
const VENDOR_ACCOUNT: &str = "999988887777";

/// moto's endpoint, or `None` after saying the test is skipped.
fn moto_endpoint(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(endpoint) if !endpoint.is_empty() => Some(endpoint),
        _ => {
            eprintln!(
                "SKIPPED {test}: {ENV} is not set. Run scripts/test (it installs and starts moto), \
                 or start `moto_server -H 127.0.0.1 -p 5000` and set {ENV}=http://127.0.0.1:5000"
            );
            None
        }
    }
}

/// Fake static keys (moto checks no signature), region us-east-1, every call to moto.
fn sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(SdkRegion::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "moto-test",
        )))
        .build()
}

fn us_east_1() -> Region {
    "us-east-1".parse().unwrap()
}

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account(VENDOR_ACCOUNT.parse().unwrap())
}

/// A name no other test (or earlier run against the same server) uses.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

struct Customer {
    iam: aws_sdk_iam::Client,
    role_name: String,
    role: RoleArn,
}

/// The customer creates the role with the trust policy the vendor handed them, which requires
/// `external_id`.
async fn create_role(sdk: &SdkConfig, external_id: &ExternalId) -> Customer {
    let iam = aws_sdk_iam::Client::new(sdk);
    let trust = CrossAccountTrust::new(vendor(), external_id.clone())
        .policy()
        .unwrap();
    let role_name = unique("vendor-access");
    let created = iam
        .create_role()
        .role_name(&role_name)
        .assume_role_policy_document(trust.to_json())
        .max_session_duration(3600)
        .send()
        .await
        .expect("moto CreateRole");
    let role: RoleArn = created.role().expect("a role").arn().parse().unwrap();
    Customer {
        iam,
        role_name,
        role,
    }
}

fn provider(sdk: &SdkConfig) -> AwsStsProvider {
    AwsStsProvider::from_sdk_config(sdk).unwrap()
}

/// A connector on `provider` with an in-memory store and the system clock (moto's expiries
/// follow real time).
fn connector(provider: Arc<dyn StsProvider>) -> Connector {
    Connector::builder(vendor(), Arc::new(InMemoryConnectionStore::new()), provider)
        .with_permission_set(permission_sets::builtin::s3_read().unwrap())
        .build()
}

/// moto plus the one trust-policy condition moto does not evaluate: `AssumeRole` is denied
/// with `AccessDenied`, as AWS denies it for the trust policy the customer created, unless the
/// request carries exactly the External ID that policy requires (none required yet: every call
/// denied). Every other answer (credentials, caller identities, whether the role exists) is
/// moto's own. The connection test thus runs for real against moto, with this single emulated
/// denial standing in for AWS's evaluation of `sts:ExternalId`; it is what lets a connection
/// become active on moto, and nothing else is faked.
#[derive(Debug)]
struct RequiresExternalId {
    moto: AwsStsProvider,
    required: OnceLock<ExternalId>,
    /// `AssumeRole` calls passed on to moto.
    forwarded: AtomicU64,
}

impl RequiresExternalId {
    fn new(moto: AwsStsProvider) -> RequiresExternalId {
        RequiresExternalId {
            moto,
            required: OnceLock::new(),
            forwarded: AtomicU64::new(0),
        }
    }

    /// The External ID of the customer's trust policy.
    fn require(&self, external_id: ExternalId) {
        self.required
            .set(external_id)
            .expect("the External ID is set once");
    }

    fn forwarded(&self) -> u64 {
        self.forwarded.load(Ordering::SeqCst)
    }
}

impl StsProvider for RequiresExternalId {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            if self.required.get().is_none() || request.external_id() != self.required.get() {
                return Err(ProviderError::new(
                    ProviderErrorKind::AccessDenied,
                    format!(
                        "User: arn:aws:iam::{VENDOR_ACCOUNT}:root is not authorized to perform: \
                         sts:AssumeRole on resource: {} (emulated: the trust policy's \
                         sts:ExternalId condition, which moto does not evaluate)",
                        request.role_arn()
                    ),
                )
                .with_code("AccessDenied"));
            }
            self.forwarded.fetch_add(1, Ordering::SeqCst);
            self.moto.assume_role(request).await
        })
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        self.moto.caller_identity(credentials, region)
    }
}

#[tokio::test]
async fn the_adapter_on_moto_keeps_the_provider_contract() {
    let Some(endpoint) = moto_endpoint("the_adapter_on_moto_keeps_the_provider_contract") else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let external_id = ExternalId::generate().unwrap();
    let customer = create_role(&sdk, &external_id).await;
    // moto does not verify web identity tokens: the same role answers the wire path with a
    // real token minted by the vendor's issuer.
    let issuer = Issuer::new(
        IssuerUrl::parse("https://id.auto-nomos.com").unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    );
    let fixture = ContractFixture::new(customer.role.clone(), Arc::new(SystemClock))
        .with_external_id(external_id)
        .with_web_identity(
            customer.role.clone(),
            TokenSubject::for_tenant("acme").unwrap(),
            Arc::new(issuer),
        )
        .with_region(us_east_1());
    let report = provider_contract(&provider(&sdk), &fixture)
        .await
        .unwrap_or_else(|violation| panic!("{violation}"));
    assert_eq!(
        report.checks,
        [
            "assume_role_expiry",
            "distinct_sessions",
            "caller_identity",
            "session_policy_rejected",
            "duration_rejected",
            "web_identity"
        ]
    );
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

#[tokio::test]
async fn verify_connection_refuses_the_role_because_moto_does_not_require_the_external_id() {
    let Some(endpoint) = moto_endpoint(
        "verify_connection_refuses_the_role_because_moto_does_not_require_the_external_id",
    ) else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let external_id = ExternalId::generate().unwrap();
    let customer = create_role(&sdk, &external_id).await;
    let report = verify_connection(
        &provider(&sdk),
        &customer.role,
        &external_id,
        &"vendor-verify".parse().unwrap(),
        Some(&us_east_1()),
    )
    .await;

    // The role is assumed and the session is who it should be ...
    let identity = report.identity().expect("GetCallerIdentity answered");
    assert_eq!(identity.account, customer.role.account_id().as_str());
    assert_eq!(
        identity.arn,
        customer.role.assumed_role_arn("vendor-verify")
    );
    // ... but AssumeRole without the External ID succeeds too: refused (confused deputy).
    assert!(!report.is_verified(), "{report:?}");
    assert_eq!(report.outcome(), VerificationOutcome::Refused, "{report:?}");
    let deciding = report.deciding_finding().expect("an error finding");
    assert_eq!(
        deciding.code(),
        VerificationCode::ExternalIdNotRequired,
        "{report:?}"
    );
    assert_eq!(deciding.code().as_str(), "EXTERNAL_ID_NOT_REQUIRED");
    let errors: Vec<_> = report
        .findings()
        .iter()
        .filter(|f| f.severity() == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{report:?}");
}

#[tokio::test]
async fn the_connector_refuses_a_web_identity_role_on_moto_because_moto_accepts_any_token() {
    let Some(endpoint) = moto_endpoint(
        "the_connector_refuses_a_web_identity_role_on_moto_because_moto_accepts_any_token",
    ) else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let issuer = Issuer::new(
        IssuerUrl::parse("https://id.auto-nomos.com").unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    );
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(provider(&sdk)),
    )
    .with_web_identity_tokens(Arc::new(issuer))
    .build();
    let pending = connector
        .create(
            NewConnection::new("acme".parse().unwrap())
                .with_regions([us_east_1()])
                .with_web_identity(TokenSubject::for_tenant("acme").unwrap()),
        )
        .await
        .unwrap();
    let customer = create_role(&sdk, pending.external_id()).await;
    let submission = connector
        .submit_role(pending.id(), customer.role.clone())
        .await
        .unwrap();
    let report = submission.report().expect("a connection test ran");
    // The wire path works (the token was accepted, the identity is the role's session), and
    // the negative checks fail closed: moto accepts another tenant's token too.
    let identity = report.identity().expect("GetCallerIdentity answered");
    assert!(
        identity
            .arn
            .contains(&format!(":assumed-role/{}/", customer.role_name)),
        "{identity:?}"
    );
    assert_eq!(report.outcome(), VerificationOutcome::Refused, "{report:?}");
    let codes: Vec<_> = report.findings().iter().map(|f| f.code()).collect();
    assert!(
        codes.contains(&VerificationCode::OtherSubjectAccepted),
        "{codes:?}"
    );
    assert_eq!(submission.connection().state(), ConnectionState::Pending);
    assert!(connector.credentials(pending.id()).await.is_err());
}

#[tokio::test]
async fn the_connector_refuses_a_moto_role_and_hands_out_no_credentials() {
    let Some(endpoint) =
        moto_endpoint("the_connector_refuses_a_moto_role_and_hands_out_no_credentials")
    else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let connector = connector(Arc::new(provider(&sdk)));
    let pending = connector
        .create(NewConnection::new("acme".parse().unwrap()).with_regions([us_east_1()]))
        .await
        .unwrap();
    let customer = create_role(&sdk, pending.external_id()).await;

    let submission = connector
        .submit_role(pending.id(), customer.role.clone())
        .await
        .unwrap();
    let report = submission.report().expect("a connection test ran");
    assert_eq!(report.outcome(), VerificationOutcome::Refused, "{report:?}");
    assert_eq!(
        report.deciding_finding().map(|f| f.code()),
        Some(VerificationCode::ExternalIdNotRequired),
        "{report:?}"
    );
    // Back to pending, with the diagnosis the customer needs.
    assert!(!submission.is_live());
    let connection = submission.connection();
    assert_eq!(connection.state(), ConnectionState::Pending);
    assert_eq!(connection.role_arn(), Some(&customer.role));
    assert_eq!(
        connection.last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::ExternalIdNotRequired)
    );
    assert_eq!(connector.get(pending.id()).await.unwrap(), *connection);

    // No credentials for a refused connection, however the worker asks.
    let refused = connector.credentials(pending.id()).await.unwrap_err();
    assert!(
        matches!(
            refused,
            ConnectorError::NotLive {
                state: ConnectionState::Pending,
                ..
            }
        ),
        "{refused}"
    );
    let bridge = SessionCredentialsProvider::connected(connector.session(pending.id().clone()));
    assert!(bridge.load().await.is_err());
}

#[tokio::test]
async fn moto_does_not_enforce_trust_policies() {
    let Some(endpoint) = moto_endpoint("moto_does_not_enforce_trust_policies") else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let customer = create_role(&sdk, &ExternalId::generate().unwrap()).await;
    let sts = provider(&sdk);

    let wrong_id = AssumeRoleRequest::new(customer.role.clone(), "wrong-id".parse().unwrap())
        .with_external_id("another-customers-external-id".parse().unwrap());
    assert!(
        sts.assume_role(&wrong_id).await.is_ok(),
        "moto now denies a wrong External ID: update the crate docs and tests"
    );
    let no_id = AssumeRoleRequest::new(customer.role.clone(), "no-id".parse().unwrap());
    assert!(sts.assume_role(&no_id).await.is_ok());
    let missing: RoleArn = format!(
        "arn:aws:iam::{}:role/{}",
        customer.role.account_id(),
        unique("no-such-role")
    )
    .parse()
    .unwrap();
    let credentials = sts
        .assume_role(&AssumeRoleRequest::new(
            missing.clone(),
            "ghost".parse().unwrap(),
        ))
        .await
        .expect("moto answers AssumeRole for a role that does not exist");
    let identity = sts.caller_identity(&credentials, None).await.unwrap();
    assert_eq!(identity.arn, missing.assumed_role_arn("ghost"));
}

#[tokio::test]
async fn bridged_credentials_work_with_an_s3_client() {
    let Some(endpoint) = moto_endpoint("bridged_credentials_work_with_an_s3_client") else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let external_id = ExternalId::generate().unwrap();
    let customer = create_role(&sdk, &external_id).await;
    // A bare credential session (no connection, no connection test): what the bridge does
    // with credentials, which is all this test is about. A connector would refuse a moto role.
    let request = AssumeRoleRequest::new(customer.role.clone(), "vendor-s3".parse().unwrap())
        .with_external_id(external_id);
    let session = CredentialSession::new(
        Arc::new(provider(&sdk)),
        request,
        Arc::new(SystemClock),
        RefreshPolicy::default(),
    )
    .unwrap();
    let bridge = SessionCredentialsProvider::new(Arc::new(session));
    let s3_config = aws_sdk_s3::config::Builder::from(&bridge.sdk_config(&sdk))
        .force_path_style(true)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(s3_config);

    let bucket = unique("connector-aws-test");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let listed = s3.list_buckets().send().await.unwrap();
    assert!(
        listed.buckets().iter().any(|b| b.name() == Some(&bucket)),
        "{listed:?}"
    );
    s3.delete_bucket().bucket(&bucket).send().await.unwrap();
}

#[tokio::test]
async fn deleting_the_role_is_not_seen_by_moto_on_the_next_refresh() {
    let Some(endpoint) = moto_endpoint("deleting_the_role_is_not_seen_by_moto_on_the_next_refresh")
    else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    // An active connection on moto needs the External ID check moto skips: see
    // `RequiresExternalId`, which emulates only that denial.
    let gate = Arc::new(RequiresExternalId::new(provider(&sdk)));
    // Every call refreshes: the mandatory window is longer than the session.
    let always_refresh = RefreshPolicy {
        advisory_refresh: Duration::from_secs(7_200),
        mandatory_refresh: Duration::from_secs(7_200),
        jitter: Duration::ZERO,
        ..RefreshPolicy::default()
    };
    let names = SessionNames::new("vendor-sync".parse().unwrap());
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        gate.clone(),
    )
    .with_refresh_policy(always_refresh)
    .with_session_names(names.clone())
    .build();
    let pending = connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap();
    gate.require(pending.external_id().clone());
    let customer = create_role(&sdk, pending.external_id()).await;
    let id = pending.id().clone();
    let submission = connector
        .submit_role(&id, customer.role.clone())
        .await
        .unwrap();
    assert_eq!(
        submission.connection().state(),
        ConnectionState::Active,
        "{:?}",
        submission.report()
    );
    let before = connector.credentials(&id).await.unwrap();

    customer
        .iam
        .delete_role()
        .role_name(&customer.role_name)
        .send()
        .await
        .unwrap();
    let gone = customer
        .iam
        .get_role()
        .role_name(&customer.role_name)
        .send()
        .await;
    assert!(gone.is_err(), "the role is deleted in moto's IAM");

    // AWS would answer AccessDenied and the connection would be Disconnected (the in-memory
    // STS test in tests/bridge.rs shows it). moto issues new credentials for the deleted role.
    let calls = gate.forwarded();
    let after = connector.credentials(&id).await.unwrap();
    assert_ne!(after.access_key_id(), before.access_key_id());
    assert_eq!(gate.forwarded(), calls + 1, "one refresh, one AssumeRole");
    let stored = connector.get(&id).await.unwrap();
    assert_eq!(stored.state(), ConnectionState::Active);
    assert!(stored.last_diagnosis().is_none(), "{stored:?}");
    let identity = gate.moto.caller_identity(&after, None).await.unwrap();
    assert_eq!(
        identity.arn,
        customer.role.assumed_role_arn(names.worker(&id).as_str())
    );
}

/// Issue 6's end-to-end check: the onboarding CloudFormation template of a connection, created
/// as a stack in moto with the customer's parameters, makes the role; its trust policy carries
/// the connection's External ID, its inline policy is the rendered permission set (list
/// parameters went through `Fn::Split`/`Fn::Join`), and the vendor submits the ARN the stack
/// outputs.
#[tokio::test]
async fn the_onboarding_stack_creates_the_role_the_vendor_connects_to() {
    let Some(endpoint) =
        moto_endpoint("the_onboarding_stack_creates_the_role_the_vendor_connects_to")
    else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let connector = connector(Arc::new(provider(&sdk)));
    let set = permission_sets::builtin::s3_read().unwrap();
    let pending = connector
        .create(
            NewConnection::new("acme".parse().unwrap())
                .with_regions([us_east_1()])
                .with_permission_set(set.reference().clone()),
        )
        .await
        .unwrap();
    let external_id = pending.external_id().clone();
    let role_name = unique("onboarded");
    let onboarding = connector
        .onboarding(pending.id())
        .await
        .unwrap()
        .with_values(ParameterValues::new().with_values("Buckets", ["template-default"]))
        .with_role_name(&role_name)
        .build()
        .unwrap();
    assert_eq!(onboarding.external_id(), Some(&external_id));
    let template = onboarding.cloudformation().unwrap().to_yaml().unwrap();

    // The customer overrides the bucket list in the console; the External ID comes from the link.
    let cloudformation = aws_sdk_cloudformation::Client::new(&sdk);
    let stack_name = unique("Onboarding").replace('_', "-");
    let parameter = |key: &str, value: &str| {
        aws_sdk_cloudformation::types::Parameter::builder()
            .parameter_key(key)
            .parameter_value(value)
            .build()
    };
    cloudformation
        .create_stack()
        .stack_name(&stack_name)
        .template_body(&template)
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .parameters(parameter("ExternalId", external_id.as_str()))
        .parameters(parameter("RoleName", &role_name))
        .parameters(parameter("Buckets", "acme-data,acme-logs"))
        .send()
        .await
        .expect("moto CreateStack");
    let stacks = cloudformation
        .describe_stacks()
        .stack_name(&stack_name)
        .send()
        .await
        .expect("moto DescribeStacks");
    let stack = &stacks.stacks()[0];
    assert_eq!(
        stack.stack_status().map(|s| s.as_str()),
        Some("CREATE_COMPLETE"),
        "{stack:?}"
    );
    let role_arn: RoleArn = stack
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some("RoleArn"))
        .and_then(|o| o.output_value())
        .expect("the RoleArn output")
        .parse()
        .unwrap();
    assert_eq!(role_arn.role_name(), role_name);

    // The role IAM now has is the one the template describes.
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role = iam
        .get_role()
        .role_name(&role_name)
        .send()
        .await
        .expect("moto GetRole");
    let trust = decode(role.role().unwrap().assume_role_policy_document().unwrap());
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        external_id.as_str()
    );
    let inline = iam
        .get_role_policy()
        .role_name(&role_name)
        .policy_name("Permissions")
        .send()
        .await
        .expect("moto GetRolePolicy");
    let document = decode(inline.policy_document());
    // A template whose YAML left `2012-10-17` plain was read by moto's YAML 1.1 parser as a
    // date; the onboarding crate quotes it.
    assert_eq!(document["Version"], "2012-10-17", "{document}");
    assert_eq!(
        document["Statement"][1]["Resource"],
        serde_json::json!(["arn:aws:s3:::acme-data/*", "arn:aws:s3:::acme-logs/*"]),
        "{document}"
    );

    // The vendor submits the ARN the stack output. moto does not enforce the External ID, so
    // the connection test refuses the role for exactly that reason (see the crate docs).
    let submission = connector
        .submit_role(pending.id(), role_arn.clone())
        .await
        .unwrap();
    let report = submission.report().expect("a connection test ran");
    let verification = SessionNames::default().verification(pending.id());
    assert_eq!(
        report.identity().map(|i| i.arn.clone()),
        Some(role_arn.assumed_role_arn(verification.as_str()))
    );
    assert_eq!(
        report.deciding_finding().map(|f| f.code()),
        Some(VerificationCode::ExternalIdNotRequired),
        "{report:?}"
    );
    assert_eq!(submission.connection().state(), ConnectionState::Pending);

    // Disconnecting: deleting the stack deletes the role.
    cloudformation
        .delete_stack()
        .stack_name(&stack_name)
        .send()
        .await
        .expect("moto DeleteStack");
    assert!(iam.get_role().role_name(&role_name).send().await.is_err());
}

/// IAM returns policy documents URL-encoded (RFC 3986). moto returns the inline policies of a
/// role CloudFormation created as a Python `repr` of the document (single quotes), a moto
/// quirk; the documents here hold no quote characters, so swapping the quotes gives JSON.
fn decode(text: &str) -> serde_json::Value {
    let decoded = if text.trim_start().starts_with('{') {
        text.to_owned()
    } else {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1..i + 3)) {
                (b'%', Some(hex)) => {
                    let hex = std::str::from_utf8(hex).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    };
    let json = if decoded.starts_with("{'") {
        decoded.replace('\'', "\"")
    } else {
        decoded
    };
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}
