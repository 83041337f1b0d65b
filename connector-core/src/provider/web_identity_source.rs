//! `WebIdentitySource`: what a web-identity session repeats — the role, the session name,
//! the token's subject, the duration, the session policy, the STS endpoint — and the issuer
//! that mints a fresh token for every call.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use iam_policy::{PolicyDocument, Region, RoleArn};
use secrecy::SecretString;

use super::{ProviderError, RoleSessionName, StsProvider, WebIdentityRequest, WebIdentityTokens};
use crate::{ConnectionKind, ConnectorError, LiveConnection, TemporaryCredentials, TokenSubject};

/// The recipe of an `AssumeRoleWithWebIdentity` call without its token:
/// [`request`](WebIdentitySource::request) mints a fresh token and returns the call to make.
/// A [`CredentialSession`](crate::CredentialSession) made with
/// [`CredentialSession::web_identity`](crate::CredentialSession::web_identity) does that at
/// every refresh, so no token outlives its few minutes and none is ever reused.
///
/// ```
/// # #[cfg(feature = "oidc")] {
/// use std::sync::Arc;
/// use std::time::SystemTime;
/// use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey};
/// use connector_core::{TokenSubject, WebIdentitySource};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let issuer = Issuer::new(IssuerUrl::parse("https://id.example.com")?,
///     KeySet::new(SigningKey::generate(SigningAlgorithm::Es256)?));
/// let source = WebIdentitySource::new(
///     "arn:aws:iam::111122223333:role/vendor".parse()?,
///     "vendor-sync".parse()?,
///     TokenSubject::for_tenant("acme")?,
///     Arc::new(issuer),
/// );
/// let request = source.request(SystemTime::now())?;
/// assert_eq!(request.role_arn().to_string(), "arn:aws:iam::111122223333:role/vendor");
/// # Ok(())
/// # }
/// # main().unwrap();
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct WebIdentitySource {
    role_arn: RoleArn,
    session_name: RoleSessionName,
    subject: TokenSubject,
    tokens: Arc<dyn WebIdentityTokens>,
    duration: Duration,
    session_policy: Option<PolicyDocument>,
    region: Option<Region>,
}

impl WebIdentitySource {
    /// One-hour sessions of `role_arn` named `session_name`, with tokens for `subject`.
    pub fn new(
        role_arn: RoleArn,
        session_name: RoleSessionName,
        subject: TokenSubject,
        tokens: Arc<dyn WebIdentityTokens>,
    ) -> WebIdentitySource {
        WebIdentitySource {
            role_arn,
            session_name,
            subject,
            tokens,
            duration: Duration::from_secs(3_600),
            session_policy: None,
            region: None,
        }
    }

    /// The source a worker of a web-identity `connection` uses: its role, its subject, the
    /// STS endpoint of its first region. Refuses an External ID connection.
    pub fn for_connection(
        connection: &LiveConnection<'_>,
        session_name: RoleSessionName,
        tokens: Arc<dyn WebIdentityTokens>,
    ) -> Result<WebIdentitySource, ConnectorError> {
        let ConnectionKind::WebIdentity { subject } = connection.kind() else {
            return Err(ConnectorError::invalid(
                "connection kind",
                connection.kind().name(),
                "web identity sessions are for web-identity connections",
            ));
        };
        let mut source = WebIdentitySource::new(
            connection.role_arn().clone(),
            session_name,
            subject.clone(),
            tokens,
        );
        source.region = connection.primary_region().cloned();
        Ok(source)
    }

    /// Sets the session duration.
    pub fn with_duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Narrows the sessions with an inline session policy.
    pub fn with_session_policy(mut self, policy: PolicyDocument) -> Self {
        self.session_policy = Some(policy);
        self
    }

    /// Sets or clears the STS endpoint's region.
    pub fn with_optional_region(mut self, region: Option<Region>) -> Self {
        self.region = region;
        self
    }

    /// The role.
    pub fn role_arn(&self) -> &RoleArn {
        &self.role_arn
    }

    /// `RoleSessionName`.
    pub fn session_name(&self) -> &RoleSessionName {
        &self.session_name
    }

    /// The tokens' `sub`.
    pub fn subject(&self) -> &TokenSubject {
        &self.subject
    }

    /// The STS endpoint's region.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The vendor's issuer URL, for which the customer's account holds the IAM OIDC identity
    /// provider (see [`ProviderError::attributed_to_issuer`]).
    pub fn issuer(&self) -> &str {
        self.tokens.issuer()
    }

    /// Checks the STS rules of the calls it will make (duration, session policy size).
    pub fn validate(&self) -> Result<(), ProviderError> {
        self.with_token(SecretString::from(String::new()))
            .validate()
    }

    /// The call to make now, with a token minted for it.
    pub fn request(&self, now: SystemTime) -> Result<WebIdentityRequest, ProviderError> {
        let token = self.tokens.mint(&self.subject, None, now)?;
        Ok(self.with_token(token))
    }

    /// Mints a token now and swaps it for credentials through `provider`. A missing OIDC
    /// provider is the customer's doing only when STS names this source's issuer
    /// ([`ProviderError::attributed_to_issuer`]): a token naming another issuer is the
    /// vendor's fault.
    pub async fn assume(
        &self,
        provider: &dyn StsProvider,
        now: SystemTime,
    ) -> Result<TemporaryCredentials, ProviderError> {
        let request = self.request(now)?;
        provider
            .assume_role_with_web_identity(&request)
            .await
            .map_err(|error| error.attributed_to_issuer(self.issuer()))
    }

    fn with_token(&self, token: SecretString) -> WebIdentityRequest {
        let mut request =
            WebIdentityRequest::new(self.role_arn.clone(), self.session_name.clone(), token)
                .with_duration(self.duration);
        if let Some(policy) = &self.session_policy {
            request = request.with_session_policy(policy.clone());
        }
        if let Some(region) = &self.region {
            request = request.with_region(region.clone());
        }
        request
    }
}
