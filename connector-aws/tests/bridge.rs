//! `SessionCredentialsProvider`: a session's refreshes reach the AWS SDK, on a manual clock
//! against the in-memory STS (which enforces AWS's semantics, revocation included); and a
//! `Connector`'s connected session, which stops handing the SDK credentials as soon as the
//! connection is revoked or disconnected.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sts::Client;
use aws_sdk_sts::config::IdentityCache;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use connector_aws::SessionCredentialsProvider;
use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, Clock, ConnectionId, ConnectionState, ConnectionStore, Connector,
    ConnectorError, CredentialSession, DiagnosisCode, InMemoryConnectionStore, ManualClock,
    NewConnection, PolicyDocument, ProviderErrorKind, RefreshPolicy, RoleArn, VendorPrincipal,
};
use secrecy::ExposeSecret;
use trust_policy::{CrossAccountTrust, ExternalId};

const HOUR: Duration = Duration::from_secs(3600);
const VENDOR: &str = "999988887777";

fn trust(external_id: &ExternalId) -> PolicyDocument {
    CrossAccountTrust::new(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        external_id.clone(),
    )
    .policy()
    .unwrap()
}

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    role: RoleArn,
    request: AssumeRoleRequest,
}

fn world() -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker"
            .parse()
            .unwrap(),
    );
    let role: RoleArn = "arn:aws:iam::111122223333:role/vendor-access"
        .parse()
        .unwrap();
    let external_id = ExternalId::generate().unwrap();
    sts.create_role(role.clone(), trust(&external_id), HOUR)
        .unwrap();
    let request = AssumeRoleRequest::new(role.clone(), "vendor-sync".parse().unwrap())
        .with_external_id(external_id);
    World {
        clock,
        sts,
        role,
        request,
    }
}

fn session(world: &World) -> CredentialSession {
    CredentialSession::new(
        Arc::new(world.sts.clone()),
        world.request.clone(),
        Arc::new(world.clock.clone()),
        RefreshPolicy::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn new_credentials_after_the_refresh_point_with_the_sessions_expiry() {
    let world = world();
    let bridge = SessionCredentialsProvider::new(Arc::new(session(&world)));

    let first = bridge.provide_credentials().await.unwrap();
    assert!(first.access_key_id().starts_with("ASIA"));
    assert_eq!(first.expiry(), Some(world.clock.now() + HOUR));
    assert!(first.session_token().is_some());

    // Before the refresh point: the same credentials, no new STS call.
    world.clock.advance(Duration::from_secs(30 * 60));
    let again = bridge.provide_credentials().await.unwrap();
    assert_eq!(again.access_key_id(), first.access_key_id());
    assert_eq!(world.sts.calls().assume_role, 1);

    // Past it (advisory refresh 15 min before expiry, minus up to 1 min of jitter).
    world.clock.advance(Duration::from_secs(20 * 60));
    let second = bridge.provide_credentials().await.unwrap();
    assert_ne!(second.access_key_id(), first.access_key_id());
    assert_ne!(second.secret_access_key(), first.secret_access_key());
    assert_eq!(second.expiry(), Some(world.clock.now() + HOUR));
    assert_eq!(world.sts.calls().assume_role, 2);
}

#[tokio::test]
async fn secrets_never_show_in_debug() {
    let world = world();
    let session = Arc::new(session(&world));
    let bridge = SessionCredentialsProvider::new(Arc::clone(&session));
    let credentials = bridge.provide_credentials().await.unwrap();
    let ours = session.credentials().await.unwrap();
    let secret = ours.secret_access_key().expose_secret().to_owned();
    let token = ours.session_token().expose_secret().to_owned();
    assert_eq!(credentials.secret_access_key(), secret);
    for shown in [format!("{bridge:?}"), format!("{credentials:?}")] {
        assert!(!shown.contains(&secret), "{shown}");
        assert!(!shown.contains(&token), "{shown}");
    }
    assert!(format!("{bridge:?}").contains("vendor-access"));
}

/// A connector over the world's STS and a store, and an active connection "acme" on the
/// world's role: created, the customer's trust policy updated to its External ID, the role
/// submitted and verified by the connection test.
async fn connected(world: &World) -> (Connector, Arc<InMemoryConnectionStore>, ConnectionId) {
    let store = Arc::new(InMemoryConnectionStore::new());
    let connector = Connector::builder(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        store.clone(),
        Arc::new(world.sts.clone()),
    )
    .with_clock(Arc::new(world.clock.clone()))
    .build();
    let pending = connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap();
    world
        .sts
        .update_trust_policy(&world.role, trust(pending.external_id()))
        .unwrap();
    let submission = connector
        .submit_role(pending.id(), world.role.clone())
        .await
        .unwrap();
    assert_eq!(
        submission.connection().state(),
        ConnectionState::Active,
        "{:?}",
        submission.report()
    );
    (connector, store, pending.id().clone())
}

/// The `ConnectorError` an SDK credentials error carries as its source.
fn connector_error(
    error: &aws_credential_types::provider::error::CredentialsError,
) -> &ConnectorError {
    std::error::Error::source(error)
        .expect("the connector error")
        .downcast_ref::<ConnectorError>()
        .expect("a ConnectorError")
}

#[tokio::test]
async fn a_revoked_connection_fails_the_sdk_and_is_disconnected() {
    let world = world();
    let (connector, store, id) = connected(&world).await;
    let bridge = SessionCredentialsProvider::connected(connector.session(id.clone()));
    let first = bridge.provide_credentials().await.unwrap();
    assert!(first.access_key_id().starts_with("ASIA"));

    // The customer deletes the role; the next refresh is denied.
    world.sts.delete_role(&world.role).unwrap();
    world.clock.advance(HOUR - Duration::from_secs(5 * 60));
    let error = bridge.provide_credentials().await.unwrap_err();
    let source = connector_error(&error);
    assert!(
        matches!(source, ConnectorError::Provider(e) if e.kind == ProviderErrorKind::AccessDenied),
        "{source}"
    );
    let stored = store.get(&id).await.unwrap().unwrap();
    assert_eq!(stored.state(), ConnectionState::Disconnected);
    assert_eq!(
        stored.last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::AccessDenied)
    );

    // From then on the SDK is refused at once, without another STS call, although the
    // credentials issued before the deletion would still be valid for five minutes.
    let calls = world.sts.calls().assume_role;
    let error = bridge.provide_credentials().await.unwrap_err();
    assert!(
        matches!(
            connector_error(&error),
            ConnectorError::NotLive {
                state: ConnectionState::Disconnected,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(world.sts.calls().assume_role, calls);
}

#[tokio::test]
async fn a_vendor_disconnect_stops_the_sdk_at_the_next_call() {
    let world = world();
    let (connector, _store, id) = connected(&world).await;
    let bridge = SessionCredentialsProvider::connected(connector.session(id.clone()));
    let credentials = bridge.provide_credentials().await.unwrap();
    let shown = format!("{bridge:?}");
    assert!(shown.contains("acme"), "{shown}");
    assert!(!shown.contains(credentials.secret_access_key()), "{shown}");

    // Fresh credentials are cached, yet the disconnect takes effect at the next call.
    connector.disconnect(&id).await.unwrap();
    let calls = world.sts.calls().total();
    let error = bridge.provide_credentials().await.unwrap_err();
    assert!(
        matches!(
            connector_error(&error),
            ConnectorError::NotLive {
                state: ConnectionState::Disconnected,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(world.sts.calls().total(), calls, "no STS call");
}

/// Records the access key id each signed request carries.
#[derive(Debug, Default, Clone)]
struct SeenKeys(Arc<Mutex<Vec<String>>>);

impl Intercept for SeenKeys {
    fn name(&self) -> &'static str {
        "SeenKeys"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let authorization = context
            .request()
            .headers()
            .get("authorization")
            .unwrap_or_default();
        // "AWS4-HMAC-SHA256 Credential=ASIA.../date/region/sts/aws4_request, ..."
        let key = authorization
            .split("Credential=")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_owned();
        self.0.lock().unwrap().push(key);
        Ok(())
    }
}

#[tokio::test]
async fn an_sdk_client_signs_with_each_refreshed_key() {
    let world = world();
    let bridge = SessionCredentialsProvider::new(Arc::new(session(&world)));
    let seen = SeenKeys::default();
    let rule = mock!(Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account("111122223333")
            .build()
    });
    let (provider, recorder) = (bridge.clone(), seen.clone());
    // The SDK's identity cache runs on real time, not the test's manual clock: without it,
    // every call asks the bridge, which serves from the session's own cache.
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], move |b| b
        .credentials_provider(provider.clone())
        .identity_cache(IdentityCache::no_cache())
        .interceptor(recorder.clone()));

    client.get_caller_identity().send().await.unwrap();
    client.get_caller_identity().send().await.unwrap();
    world.clock.advance(Duration::from_secs(50 * 60));
    client.get_caller_identity().send().await.unwrap();

    let keys = seen.0.lock().unwrap().clone();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k.starts_with("ASIA")), "{keys:?}");
    assert_eq!(keys[0], keys[1], "served from the session while fresh");
    assert_ne!(keys[1], keys[2], "a new key after the refresh");
    assert_eq!(world.sts.calls().assume_role, 2);
}
