//! `SessionCredentialsProvider`: a session's refreshes reach the AWS SDK, on a manual clock
//! against the in-memory STS (which enforces AWS's semantics, revocation included).

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
    AssumeRoleRequest, Clock, ConnectedSession, Connection, ConnectionEvent, ConnectionState,
    ConnectionStore, ConnectorError, CredentialSession, InMemoryConnectionStore, ManualClock,
    ProviderErrorKind, RefreshPolicy, Timestamp,
};
use iam_policy::RoleArn;
use secrecy::ExposeSecret;
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

const HOUR: Duration = Duration::from_secs(3600);

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
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        external_id.clone(),
    )
    .policy()
    .unwrap();
    sts.create_role(role.clone(), trust, HOUR).unwrap();
    let request = AssumeRoleRequest::new(role.clone(), "vendor-sync").external_id(external_id);
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

#[tokio::test]
async fn a_revoked_connection_fails_the_sdk_and_is_disconnected() {
    let world = world();
    let store = Arc::new(InMemoryConnectionStore::default());
    let connection = Connection::new(
        "acme",
        "Acme",
        "111122223333".parse().unwrap(),
        world.request.external_id.clone().unwrap(),
        Timestamp(0),
    )
    .unwrap()
    .apply(
        ConnectionEvent::RoleSubmitted {
            role_arn: world.role.clone(),
        },
        Timestamp(1),
    )
    .unwrap()
    .apply(ConnectionEvent::VerificationSucceeded, Timestamp(2))
    .unwrap();
    let id = connection.id.clone();
    store.create(connection).unwrap();
    let connected = ConnectedSession::new(
        store.clone(),
        id.clone(),
        session(&world),
        Arc::new(world.clock.clone()),
    );
    let bridge = SessionCredentialsProvider::connected(Arc::new(connected));
    assert!(bridge.provide_credentials().await.is_ok());

    // The customer deletes the role; the next refresh is denied.
    world.sts.delete_role(&world.role).unwrap();
    world.clock.advance(HOUR - Duration::from_secs(5 * 60));
    let error = bridge.provide_credentials().await.unwrap_err();
    let source = std::error::Error::source(&error).expect("the connector error");
    let connector = source
        .downcast_ref::<ConnectorError>()
        .expect("a ConnectorError");
    assert!(
        matches!(connector, ConnectorError::Provider(e) if e.kind == ProviderErrorKind::AccessDenied),
        "{connector}"
    );
    let stored = store.get(&id).unwrap().unwrap();
    assert!(
        matches!(stored.state, ConnectionState::Disconnected { .. }),
        "{:?}",
        stored.state
    );
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
