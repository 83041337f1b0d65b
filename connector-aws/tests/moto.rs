//! The adapter against moto's server (`scripts/test` starts it and sets
//! `CONNECTOR_MOTO_ENDPOINT`). Without that variable every test says it is skipped and passes.
//!
//! moto 5.x speaks the wire protocols faithfully but does not enforce trust policies, so these
//! tests assert what moto does (see the crate docs, "Testing against moto"); AWS's semantics
//! are covered against the in-memory STS.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use connector_aws::{AwsStsProvider, SessionCredentialsProvider};
use connector_core::testing::behaviour::{ContractFixture, provider_contract};
use connector_core::{
    AssumeRoleRequest, ConnectedSession, Connection, ConnectionEvent, ConnectionState,
    ConnectionStore, CredentialSession, InMemoryConnectionStore, RefreshPolicy, StsProvider,
    SystemClock, Timestamp, VerificationSeverity, verify_connection,
};
use iam_policy::RoleArn;
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

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
        .region(Region::new("us-east-1"))
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
    external_id: ExternalId,
}

/// The customer creates the role with the trust policy the vendor handed them.
async fn create_role(sdk: &SdkConfig) -> Customer {
    let iam = aws_sdk_iam::Client::new(sdk);
    let external_id = ExternalId::generate().unwrap();
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account(VENDOR_ACCOUNT.parse().unwrap()),
        external_id.clone(),
    )
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
        external_id,
    }
}

fn provider(sdk: &SdkConfig) -> AwsStsProvider {
    AwsStsProvider::from_sdk_config(sdk).unwrap()
}

#[tokio::test]
async fn the_adapter_on_moto_keeps_the_provider_contract() {
    let Some(endpoint) = moto_endpoint("the_adapter_on_moto_keeps_the_provider_contract") else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let customer = create_role(&sdk).await;
    let fixture = ContractFixture::new(customer.role.clone(), Arc::new(SystemClock))
        .external_id(customer.external_id.clone())
        .region("us-east-1");
    let report = provider_contract(&provider(&sdk), &fixture)
        .await
        .unwrap_or_else(|violation| panic!("{violation}"));
    assert_eq!(
        report.checks,
        [
            "assume_role_expiry",
            "distinct_sessions",
            "caller_identity",
            "session_name_rejected",
            "duration_rejected"
        ]
    );
}

#[tokio::test]
async fn verify_connection_refuses_the_role_because_moto_does_not_require_the_external_id() {
    let Some(endpoint) = moto_endpoint(
        "verify_connection_refuses_the_role_because_moto_does_not_require_the_external_id",
    ) else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let customer = create_role(&sdk).await;
    let report = verify_connection(
        &provider(&sdk),
        &customer.role,
        &customer.external_id,
        "vendor-verify",
        Some("us-east-1"),
    )
    .await;

    // The role is assumed and the session is who it should be ...
    let identity = report.identity.clone().expect("GetCallerIdentity answered");
    assert_eq!(identity.account, customer.role.account_id().as_str());
    assert_eq!(
        identity.arn,
        customer.role.assumed_role_arn("vendor-verify")
    );
    // ... but AssumeRole without the External ID succeeds too: refused (confused deputy).
    assert!(!report.verified, "{report:?}");
    let error = report.first_error().expect("an error finding");
    assert_eq!(error.code, "EXTERNAL_ID_NOT_REQUIRED", "{report:?}");
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == VerificationSeverity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{report:?}");
}

#[tokio::test]
async fn moto_does_not_enforce_trust_policies() {
    let Some(endpoint) = moto_endpoint("moto_does_not_enforce_trust_policies") else {
        return;
    };
    let sdk = sdk_config(&endpoint);
    let customer = create_role(&sdk).await;
    let sts = provider(&sdk);

    let wrong_id = AssumeRoleRequest::new(customer.role.clone(), "wrong-id")
        .external_id("another-customers-external-id".parse().unwrap());
    assert!(
        sts.assume_role(&wrong_id).await.is_ok(),
        "moto now denies a wrong External ID: update the crate docs and tests"
    );
    let no_id = AssumeRoleRequest::new(customer.role.clone(), "no-id");
    assert!(sts.assume_role(&no_id).await.is_ok());
    let missing: RoleArn = format!(
        "arn:aws:iam::{}:role/{}",
        customer.role.account_id(),
        unique("no-such-role")
    )
    .parse()
    .unwrap();
    let credentials = sts
        .assume_role(&AssumeRoleRequest::new(missing.clone(), "ghost"))
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
    let customer = create_role(&sdk).await;
    let request = AssumeRoleRequest::new(customer.role.clone(), "vendor-s3")
        .external_id(customer.external_id.clone());
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
    let customer = create_role(&sdk).await;
    let store = Arc::new(InMemoryConnectionStore::default());
    let connection = Connection::new(
        "acme",
        "Acme",
        customer.role.account_id().clone(),
        customer.external_id.clone(),
        Timestamp(0),
    )
    .unwrap()
    .apply(
        ConnectionEvent::RoleSubmitted {
            role_arn: customer.role.clone(),
        },
        Timestamp(1),
    )
    .unwrap()
    .apply(ConnectionEvent::VerificationSucceeded, Timestamp(2))
    .unwrap();
    let id = connection.id.clone();
    store.create(connection).unwrap();
    // Every call refreshes: the mandatory window is longer than the session.
    let always_refresh = RefreshPolicy {
        advisory_refresh: Duration::from_secs(7_200),
        mandatory_refresh: Duration::from_secs(7_200),
        jitter: Duration::ZERO,
        ..RefreshPolicy::default()
    };
    let request = AssumeRoleRequest::new(customer.role.clone(), "vendor-sync")
        .external_id(customer.external_id.clone());
    let sts = Arc::new(provider(&sdk));
    let session =
        CredentialSession::new(sts.clone(), request, Arc::new(SystemClock), always_refresh)
            .unwrap();
    let connected =
        ConnectedSession::new(store.clone(), id.clone(), session, Arc::new(SystemClock));
    let before = connected.credentials().await.unwrap();

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
    let after = connected.credentials().await.unwrap();
    assert_ne!(after.access_key_id(), before.access_key_id());
    assert_eq!(connected.session().provider_calls(), 2);
    let stored = store.get(&id).unwrap().unwrap();
    assert!(
        matches!(stored.state, ConnectionState::Active),
        "{:?}",
        stored.state
    );
    let identity = sts.caller_identity(&after, None).await.unwrap();
    assert_eq!(identity.arn, customer.role.assumed_role_arn("vendor-sync"));
}
