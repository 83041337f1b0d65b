//! [`AwsStsProvider`]: connector-core's [`StsProvider`] on `aws-sdk-sts`.

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sdk_sts::config::Region;
use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, ProviderError, StsProvider, TemporaryCredentials,
    WebIdentityRequest,
};
use secrecy::ExposeSecret;

use crate::config::{AwsStsProviderBuilder, ConfigError};
use crate::error_mapping::{Operation, map_sdk_error};
use crate::wire;

/// The name the adapter gives the static credentials it signs `GetCallerIdentity` with.
const PROVIDER_NAME: &str = "connector-aws";

/// connector-core's [`StsProvider`] on `aws-sdk-sts`: `AssumeRole`,
/// `AssumeRoleWithWebIdentity` and `GetCallerIdentity` against the regional STS endpoint of
/// the request's region (or the provider's default region).
///
/// Requests are checked with their `validate` method before anything is sent; every failure
/// comes back as a [`ProviderError`] with AWS's error code and message.
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_aws::AwsStsProvider;
/// use connector_core::{verify_connection, StsProvider};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let provider = AwsStsProvider::builder().with_region("us-east-1".parse()?).build().await?;
/// let role = "arn:aws:iam::111122223333:role/vendor-access".parse()?;
/// let external_id = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?;
/// let report = verify_connection(&provider, &role, &external_id, &"vendor-verify".parse()?, None).await;
/// if !report.is_verified() {
///     for finding in report.findings() {
///         eprintln!("{}: {} ({})", finding.code(), finding.message(), finding.remediation());
///     }
/// }
/// let provider: Arc<dyn StsProvider> = Arc::new(provider); // for a Connector
/// # let _ = provider;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AwsStsProvider {
    client: aws_sdk_sts::Client,
}

impl AwsStsProvider {
    /// A builder: region, endpoint URL, base credentials, an explicit `SdkConfig`.
    pub fn builder() -> AwsStsProviderBuilder {
        AwsStsProviderBuilder::default()
    }

    /// A provider on the default chain (environment, profile, instance metadata).
    pub async fn from_env() -> Result<AwsStsProvider, ConfigError> {
        AwsStsProviderBuilder::default().build().await
    }

    /// A provider from an `SdkConfig`, which must have a region.
    pub fn from_sdk_config(config: &SdkConfig) -> Result<AwsStsProvider, ConfigError> {
        AwsStsProviderBuilder::default().build_from(config)
    }

    /// A provider on an STS client configured by the caller (e.g. a mocked client in tests).
    pub fn from_client(client: aws_sdk_sts::Client) -> AwsStsProvider {
        AwsStsProvider { client }
    }

    /// The STS client calls go through.
    pub fn client(&self) -> &aws_sdk_sts::Client {
        &self.client
    }

    /// The SDK's region for a request's region.
    fn region(region: Option<&connector_core::Region>) -> Option<Region> {
        region.map(|region| Region::new(region.as_str().to_owned()))
    }

    /// A per-call override for the request's region.
    fn region_override(
        region: Option<&connector_core::Region>,
    ) -> Option<aws_sdk_sts::config::Builder> {
        Self::region(region).map(|region| aws_sdk_sts::config::Builder::default().region(region))
    }

    async fn send_assume_role(
        &self,
        request: &AssumeRoleRequest,
    ) -> Result<TemporaryCredentials, ProviderError> {
        request.validate()?;
        let region = Self::region_override(request.region());
        let call = self
            .client
            .assume_role()
            .role_arn(request.role_arn().to_string())
            .role_session_name(request.session_name().as_str())
            .duration_seconds(wire::duration_seconds(request.duration())?)
            .set_external_id(request.external_id().map(|id| id.as_str().to_owned()))
            .set_policy(request.session_policy().map(|p| p.to_json()))
            .set_policy_arns(wire::policy_arns(request.policy_arns()))
            .set_source_identity(request.source_identity().map(str::to_owned))
            .set_tags(wire::tags(request.tags())?);
        let answer = match region {
            Some(region) => call.customize().config_override(region).send().await,
            None => call.send().await,
        }
        .map_err(|e| map_sdk_error(Operation::AssumeRole, e))?;
        wire::credentials(Operation::AssumeRole, answer.credentials())
    }

    async fn send_web_identity(
        &self,
        request: &WebIdentityRequest,
    ) -> Result<TemporaryCredentials, ProviderError> {
        request.validate()?;
        let region = Self::region_override(request.region());
        let call = self
            .client
            .assume_role_with_web_identity()
            .role_arn(request.role_arn().to_string())
            .role_session_name(request.session_name().as_str())
            .web_identity_token(request.token().expose_secret())
            .duration_seconds(wire::duration_seconds(request.duration())?)
            .set_policy(request.session_policy().map(|p| p.to_json()));
        let answer = match region {
            Some(region) => call.customize().config_override(region).send().await,
            None => call.send().await,
        }
        .map_err(|e| map_sdk_error(Operation::AssumeRoleWithWebIdentity, e))?;
        wire::credentials(Operation::AssumeRoleWithWebIdentity, answer.credentials())
    }

    async fn send_caller_identity(
        &self,
        credentials: &TemporaryCredentials,
        region: Option<&connector_core::Region>,
    ) -> Result<CallerIdentity, ProviderError> {
        let region = Self::region(region);
        // A client of its own, signing with exactly these credentials.
        let static_credentials = Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key().expose_secret(),
            Some(credentials.session_token().expose_secret().to_owned()),
            Some(credentials.expiration()),
            PROVIDER_NAME,
        );
        let mut config = self
            .client
            .config()
            .to_builder()
            .credentials_provider(static_credentials);
        if let Some(region) = region {
            config = config.region(region);
        }
        let client = aws_sdk_sts::Client::from_conf(config.build());
        let answer = client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| map_sdk_error(Operation::GetCallerIdentity, e))?;
        let op = Operation::GetCallerIdentity;
        Ok(CallerIdentity {
            account: wire::required(op, "Account", answer.account())?.to_owned(),
            arn: wire::required(op, "Arn", answer.arn())?.to_owned(),
            user_id: wire::required(op, "UserId", answer.user_id())?.to_owned(),
        })
    }
}

impl StsProvider for AwsStsProvider {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(self.send_assume_role(request))
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(self.send_web_identity(request))
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a connector_core::Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(self.send_caller_identity(credentials, region))
    }
}
