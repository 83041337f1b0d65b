//! [`AwsStsProviderBuilder`]: where the adapter's base credentials, region and endpoint come
//! from, and [`ConfigError`] when they do not add up.

use std::fmt;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::config::Region as SdkRegion;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use connector_core::Region;

use crate::AwsStsProvider;

/// Why an [`AwsStsProvider`] could not be built. Each variant names the setting and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No region was given and the default chain found none.
    #[error(
        "region: none configured; set AWS_REGION or a profile region, or call AwsStsProviderBuilder::with_region"
    )]
    MissingRegion,
    /// The default chain's region is not a region code (the rule is `connector_core::Region`'s).
    #[error("region {region:?}: {rule}")]
    InvalidRegion {
        /// The region as found.
        region: String,
        /// The rule it broke.
        rule: String,
    },
    /// An endpoint URL override is not an absolute http(s) URL.
    #[error("endpoint_url {url:?}: {rule}")]
    InvalidEndpointUrl {
        /// The URL as given.
        url: String,
        /// The rule it broke.
        rule: &'static str,
    },
}

/// The default chain's region as a [`Region`].
fn parse_region(region: &str) -> Result<Region, ConfigError> {
    region
        .parse::<Region>()
        .map_err(|e| ConfigError::InvalidRegion {
            region: region.to_owned(),
            rule: e.to_string(),
        })
}

fn check_endpoint_url(url: &str) -> Result<(), ConfigError> {
    let invalid = |rule| {
        Err(ConfigError::InvalidEndpointUrl {
            url: url.to_owned(),
            rule,
        })
    };
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return invalid("must start with https:// (or http:// for a local test server)");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return invalid("must name a host");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid("cannot contain spaces or control characters");
    }
    if host.contains('@') {
        return invalid("cannot contain user information");
    }
    Ok(())
}

/// Builds an [`AwsStsProvider`]. Everything not set here comes from the `SdkConfig` given to
/// [`with_sdk_config`](Self::with_sdk_config) or, without one, from `aws-config`'s default chain
/// (environment, profile, container and instance metadata) with the latest behaviour version.
///
/// ```no_run
/// use connector_aws::AwsStsProvider;
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let provider = AwsStsProvider::builder()
///     .with_region("eu-west-1".parse()?)   // regional STS endpoint sts.eu-west-1.amazonaws.com
///     .build()
///     .await?;
/// # let _ = provider;
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct AwsStsProviderBuilder {
    sdk_config: Option<SdkConfig>,
    region: Option<Region>,
    endpoint_url: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    timeout_config: Option<TimeoutConfig>,
    retry_config: Option<RetryConfig>,
}

impl fmt::Debug for AwsStsProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsStsProviderBuilder")
            .field("sdk_config", &self.sdk_config.is_some())
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[provider]"),
            )
            .field("timeout_config", &self.timeout_config)
            .field("retry_config", &self.retry_config)
            .finish()
    }
}

impl AwsStsProviderBuilder {
    /// Starts from this `SdkConfig` instead of the default chain.
    pub fn with_sdk_config(mut self, config: SdkConfig) -> Self {
        self.sdk_config = Some(config);
        self
    }

    /// The default region: its regional STS endpoint is called unless a request names another.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Sends every call to this URL (a test server such as moto, or a private VPC endpoint).
    pub fn with_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The vendor's own base credentials, which sign `AssumeRole`.
    pub fn with_credentials_provider(
        mut self,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Connect, read, attempt and operation timeouts.
    pub fn with_timeout_config(mut self, config: TimeoutConfig) -> Self {
        self.timeout_config = Some(config);
        self
    }

    /// Retries (the SDK retries throttling and transient errors with backoff by default).
    pub fn with_retry_config(mut self, config: RetryConfig) -> Self {
        self.retry_config = Some(config);
        self
    }

    /// Builds the provider, loading the default chain when no `SdkConfig` was given.
    pub async fn build(mut self) -> Result<AwsStsProvider, ConfigError> {
        let sdk_config = match self.sdk_config.take() {
            Some(config) => config,
            None => {
                let mut loader = aws_config::defaults(BehaviorVersion::latest());
                // Given credentials win; skip loading the chain's own.
                if let Some(credentials) = &self.credentials {
                    loader = loader.credentials_provider(credentials.clone());
                }
                if let Some(region) = &self.region {
                    loader = loader.region(SdkRegion::new(region.as_str().to_owned()));
                }
                loader.load().await
            }
        };
        self.build_from(&sdk_config)
    }

    /// Builds the provider from `sdk_config` and the settings of this builder, without
    /// loading anything.
    pub fn build_from(self, sdk_config: &SdkConfig) -> Result<AwsStsProvider, ConfigError> {
        let region = match self.region {
            Some(region) => region,
            None => parse_region(
                sdk_config
                    .region()
                    .ok_or(ConfigError::MissingRegion)?
                    .as_ref(),
            )?,
        };
        let mut config = aws_sdk_sts::config::Builder::from(sdk_config)
            .region(SdkRegion::new(region.as_str().to_owned()));
        if let Some(url) = self.endpoint_url {
            check_endpoint_url(&url)?;
            config = config.endpoint_url(url);
        }
        if let Some(credentials) = self.credentials {
            config = config.credentials_provider(credentials);
        }
        if let Some(timeouts) = self.timeout_config {
            config = config.timeout_config(timeouts);
        }
        if let Some(retry) = self.retry_config {
            config = config.retry_config(retry);
        }
        if sdk_config.behavior_version().is_none() {
            config = config.behavior_version(BehaviorVersion::latest());
        }
        Ok(AwsStsProvider::from_client(aws_sdk_sts::Client::from_conf(
            config.build(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_urls_are_checked() {
        assert!(parse_region("eu-west-1").is_ok());
        assert!(parse_region("us-gov-west-1").is_ok());
        for bad in ["", "EU-WEST-1", "eu west 1", "-eu", "eu-", &"a".repeat(65)] {
            let err = parse_region(bad).unwrap_err();
            assert!(err.to_string().starts_with("region "), "{err}");
        }
        assert!(check_endpoint_url("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint_url("https://vpce-1.sts.eu-west-1.vpce.amazonaws.com/").is_ok());
        for bad in [
            "127.0.0.1:5000",
            "ftp://x",
            "http://",
            "http://a b",
            "https://user:pw@host",
        ] {
            let err = check_endpoint_url(bad).unwrap_err();
            assert!(err.to_string().starts_with("endpoint_url "), "{err}");
        }
    }

    #[test]
    fn a_region_is_required() {
        let sdk = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .build();
        let err = AwsStsProvider::builder().build_from(&sdk).unwrap_err();
        assert_eq!(err, ConfigError::MissingRegion);
        assert!(err.to_string().contains("AWS_REGION"));
        let ok = AwsStsProvider::builder()
            .with_region("eu-central-1".parse().unwrap())
            .with_endpoint_url("http://127.0.0.1:1")
            .build_from(&sdk);
        assert!(ok.is_ok());
        let from_chain = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(SdkRegion::new("eu central"))
            .build();
        let bad = AwsStsProvider::builder()
            .build_from(&from_chain)
            .unwrap_err();
        assert!(matches!(bad, ConfigError::InvalidRegion { .. }));
    }
}
