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
    Connected(Arc<ConnectedSession>),
}

/// A [`CredentialSession`] (or a [`ConnectedSession`], which also records revocation and
/// throttling on its stored connection) as an `aws_credential_types` credentials provider.
///
/// Each time the SDK asks (its identity cache asks again shortly before the expiry it was
/// given), the session hands out its current credentials, refreshing them through the
/// provider when they are in the refresh window. The expiry of the session's credentials is
/// the expiry of the SDK's credentials. A revoked connection makes the SDK call fail with a
/// `CredentialsError` whose source is the `ProviderError` (or `ConnectorError`).
///
/// Secrets never show in `Debug`: neither this type's nor the SDK `Credentials`'.
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_aws::{AwsStsProvider, SessionCredentialsProvider};
/// use connector_core::{AssumeRoleRequest, CredentialSession, RefreshPolicy, SystemClock};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let provider = Arc::new(AwsStsProvider::builder().region("us-east-1").build().await?);
/// let request = AssumeRoleRequest::new(
///     "arn:aws:iam::111122223333:role/vendor-access".parse()?,
///     "vendor-sync",
/// )
/// .external_id("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?);
/// let session = CredentialSession::new(provider, request, Arc::new(SystemClock), RefreshPolicy::default())?;
/// let credentials = SessionCredentialsProvider::new(Arc::new(session));
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

    /// Credentials from a session bound to a stored connection: a refresh that finds the role
    /// revoked moves the connection to `Disconnected`, throttling to `Degraded`.
    pub fn connected(session: Arc<ConnectedSession>) -> SessionCredentialsProvider {
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

    fn session(&self) -> &CredentialSession {
        match &self.source {
            Source::Session(session) => session,
            Source::Connected(session) => session.session(),
        }
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
        let request = self.session().request();
        f.debug_struct("SessionCredentialsProvider")
            .field("role", &format_args!("{}", request.role_arn))
            .field("session_name", &request.session_name)
            .field("connected", &matches!(self.source, Source::Connected(_)))
            .finish_non_exhaustive()
    }
}
