//! [`SessionCredentialsProvider`]: a connection's self-refreshing credentials as an AWS SDK
//! credentials provider, so any SDK client built with it keeps working across refreshes.

use std::fmt;
use std::sync::Arc;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use connector_core::{ConnectedSession, CredentialSession, TemporaryCredentials};
use secrecy::ExposeSecret;

/// The provider name the SDK sees on these credentials.
const PROVIDER_NAME: &str = "connector-aws-session";

#[derive(Clone)]
enum Source {
    Session(Arc<CredentialSession>),
    Connected(ConnectedSession),
}

/// A connection's credentials (a [`ConnectedSession`] from a `Connector`, which hands out
/// credentials only while the stored connection is live and records revocation and
/// throttling on it) or a bare [`CredentialSession`], as an `aws_credential_types`
/// credentials provider.
///
/// Each time the SDK asks (its identity cache asks again shortly before the expiry it was
/// given), the session hands out its current credentials, refreshing them through the
/// provider when they are in the refresh window. The expiry of the session's credentials is
/// the expiry of the SDK's credentials. A revoked connection makes the SDK call fail with a
/// `CredentialsError` whose source is the `ConnectorError` (or `ProviderError`).
///
/// Secrets never show in `Debug`: neither this type's nor the SDK `Credentials`'.
///
/// ```no_run
/// use connector_aws::SessionCredentialsProvider;
/// use connector_core::Connector;
/// # async fn demo(connector: Connector) -> Result<(), Box<dyn std::error::Error>> {
/// let credentials = SessionCredentialsProvider::connected(connector.session("acme".parse()?));
///
/// // Any AWS SDK client: its calls are signed with the customer's role, refreshed as needed.
/// let base = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
/// let config = credentials.sdk_config(&base);
/// # let _ = config;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SessionCredentialsProvider {
    source: Source,
}

impl SessionCredentialsProvider {
    /// Credentials from a credential session.
    pub fn new(session: Arc<CredentialSession>) -> SessionCredentialsProvider {
        SessionCredentialsProvider {
            source: Source::Session(session),
        }
    }

    /// Credentials of a stored connection: none once it is not live; a refresh that finds the
    /// role revoked moves the connection to `Disconnected`, throttling to `Degraded`.
    pub fn connected(session: ConnectedSession) -> SessionCredentialsProvider {
        SessionCredentialsProvider {
            source: Source::Connected(session),
        }
    }

    /// `base` with these credentials (region, endpoints, retries and timeouts stay `base`'s).
    pub fn sdk_config(&self, base: &SdkConfig) -> SdkConfig {
        base.to_builder()
            .credentials_provider(SharedCredentialsProvider::new(self.clone()))
            .build()
    }

    /// The session's credentials, refreshed if needed, as SDK credentials.
    pub async fn load(&self) -> Result<Credentials, CredentialsError> {
        let credentials = match &self.source {
            Source::Session(session) => session
                .credentials()
                .await
                .map_err(CredentialsError::provider_error)?,
            Source::Connected(session) => session
                .credentials()
                .await
                .map_err(CredentialsError::provider_error)?,
        };
        Ok(to_sdk(&credentials))
    }
}

/// SDK credentials with the same secrets and expiry.
fn to_sdk(credentials: &TemporaryCredentials) -> Credentials {
    Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key().expose_secret(),
        Some(credentials.session_token().expose_secret().to_owned()),
        Some(credentials.expiration()),
        PROVIDER_NAME,
    )
}

impl ProvideCredentials for SessionCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.load())
    }
}

impl fmt::Debug for SessionCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("SessionCredentialsProvider");
        match &self.source {
            Source::Session(session) => debug
                .field("role", &format_args!("{}", session.role_arn()))
                .field("session_name", &session.session_name().as_str()),
            Source::Connected(session) => debug.field("connection", &session.id().as_str()),
        };
        debug.finish_non_exhaustive()
    }
}
