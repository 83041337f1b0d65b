//! The requests sent to STS, checked before they leave (STS API reference, `AssumeRole` and
//! `AssumeRoleWithWebIdentity` request parameters).

use std::time::Duration;

use iam_policy::{Arn, PolicyDocument, Region, RoleArn};
use secrecy::SecretString;
use trust_policy::ExternalId;

use super::{ProviderError, ProviderErrorKind, RoleSessionName};
use crate::LiveConnection;

/// Shortest session STS grants (`DurationSeconds` minimum).
pub const MIN_SESSION: Duration = Duration::from_secs(900);
/// Longest session a role can be configured for (`MaxSessionDuration` maximum).
pub const MAX_SESSION: Duration = Duration::from_secs(43_200);
/// Longest session when chaining roles (a role session assuming another role).
pub const MAX_CHAINED_SESSION: Duration = Duration::from_secs(3_600);
/// Session policy plaintext limit, in characters.
pub const MAX_SESSION_POLICY_CHARS: usize = 2_048;
/// At most this many managed policy ARNs as session policies.
pub const MAX_POLICY_ARNS: usize = 10;
/// At most this many session tags.
pub const MAX_SESSION_TAGS: usize = 50;

fn invalid(parameter: &str, rule: &str) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::InvalidRequest,
        format!("{parameter}: {rule}"),
    )
}

/// `DurationSeconds` against `min..=max`, naming the chaining rule when it applies.
fn check_duration(duration: Duration, chained: bool) -> Result<(), ProviderError> {
    let max = if chained {
        MAX_CHAINED_SESSION
    } else {
        MAX_SESSION
    };
    if duration < MIN_SESSION || duration > max {
        return Err(invalid(
            "DurationSeconds",
            &format!(
                "{} s is outside {} to {} s{}",
                duration.as_secs(),
                MIN_SESSION.as_secs(),
                max.as_secs(),
                if chained {
                    " (role chaining allows at most one hour)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

/// `Policy`: the plaintext of an inline session policy is at most 2,048 characters.
fn check_session_policy(policy: Option<&PolicyDocument>) -> Result<(), ProviderError> {
    if let Some(policy) = policy {
        let size = iam_policy::policy_size(policy);
        if size > MAX_SESSION_POLICY_CHARS {
            return Err(invalid(
                "Policy",
                &format!(
                    "the session policy is {size} characters, {} over the {MAX_SESSION_POLICY_CHARS}-character limit",
                    size - MAX_SESSION_POLICY_CHARS
                ),
            ));
        }
    }
    Ok(())
}

/// An `AssumeRole` call. Fields are private: build it with [`new`](AssumeRoleRequest::new)
/// (or [`for_connection`](AssumeRoleRequest::for_connection)) and the `with_*` setters;
/// [`validate`](AssumeRoleRequest::validate) checks the rules that involve several fields or
/// sizes, and every provider runs it before sending.
///
/// ```
/// use std::time::Duration;
/// use connector_core::AssumeRoleRequest;
/// let request = AssumeRoleRequest::new(
///     "arn:aws:iam::111122223333:role/vendor".parse()?,
///     "vendor-sync-42".parse()?,
/// )
/// .with_external_id("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?)
/// .with_duration(Duration::from_secs(3600))
/// .with_region("eu-west-1".parse()?);
/// assert!(request.validate().is_ok());
/// assert_eq!(request.session_name().as_str(), "vendor-sync-42");
/// assert!(request.clone().with_duration(Duration::from_secs(60)).validate().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRoleRequest {
    role_arn: RoleArn,
    session_name: RoleSessionName,
    external_id: Option<ExternalId>,
    duration: Duration,
    chained: bool,
    session_policy: Option<PolicyDocument>,
    policy_arns: Vec<Arn>,
    source_identity: Option<String>,
    tags: Vec<(String, String)>,
    region: Option<Region>,
}

impl AssumeRoleRequest {
    /// A one-hour session of `role_arn` named `session_name`.
    pub fn new(role_arn: RoleArn, session_name: RoleSessionName) -> AssumeRoleRequest {
        AssumeRoleRequest {
            role_arn,
            session_name,
            external_id: None,
            duration: Duration::from_secs(3_600),
            chained: false,
            session_policy: None,
            policy_arns: Vec::new(),
            source_identity: None,
            tags: Vec::new(),
            region: None,
        }
    }

    /// The request a worker of `connection` makes: its role, its current External ID, and the
    /// STS endpoint of its first region (the global endpoint when it has none).
    pub fn for_connection(
        connection: &LiveConnection<'_>,
        session_name: RoleSessionName,
    ) -> AssumeRoleRequest {
        let mut request = AssumeRoleRequest::new(connection.role_arn().clone(), session_name)
            .with_external_id(connection.external_id().clone());
        request.region = connection.primary_region().cloned();
        request
    }

    /// Sets the External ID.
    pub fn with_external_id(mut self, external_id: ExternalId) -> Self {
        self.external_id = Some(external_id);
        self
    }

    /// Removes the External ID (the connection test's negative check).
    pub fn without_external_id(mut self) -> Self {
        self.external_id = None;
        self
    }

    /// Sets the session name.
    pub fn with_session_name(mut self, session_name: RoleSessionName) -> Self {
        self.session_name = session_name;
        self
    }

    /// Sets the session duration.
    pub fn with_duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Marks the call as role chaining (the caller is itself a role session).
    pub fn with_chained(mut self, chained: bool) -> Self {
        self.chained = chained;
        self
    }

    /// Narrows the session with an inline session policy.
    pub fn with_session_policy(mut self, policy: PolicyDocument) -> Self {
        self.session_policy = Some(policy);
        self
    }

    /// Narrows the session with managed policies.
    pub fn with_policy_arns(mut self, arns: Vec<Arn>) -> Self {
        self.policy_arns = arns;
        self
    }

    /// Sets the source identity.
    pub fn with_source_identity(mut self, identity: impl Into<String>) -> Self {
        self.source_identity = Some(identity.into());
        self
    }

    /// Adds a session tag.
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// Calls the STS endpoint of `region`.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Sets or clears the STS endpoint's region.
    pub fn with_optional_region(mut self, region: Option<Region>) -> Self {
        self.region = region;
        self
    }

    /// The role to assume.
    pub fn role_arn(&self) -> &RoleArn {
        &self.role_arn
    }

    /// `RoleSessionName`.
    pub fn session_name(&self) -> &RoleSessionName {
        &self.session_name
    }

    /// `ExternalId`.
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.external_id.as_ref()
    }

    /// `DurationSeconds`.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// True when the caller is itself a role session (role chaining caps the duration at 1 h).
    pub fn is_chained(&self) -> bool {
        self.chained
    }

    /// `Policy`: the inline session policy.
    pub fn session_policy(&self) -> Option<&PolicyDocument> {
        self.session_policy.as_ref()
    }

    /// `PolicyArns`: managed session policies.
    pub fn policy_arns(&self) -> &[Arn] {
        &self.policy_arns
    }

    /// `SourceIdentity`.
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }

    /// `Tags`: session tags, in order.
    pub fn tags(&self) -> &[(String, String)] {
        &self.tags
    }

    /// The region of the STS endpoint to call (the global endpoint when `None`).
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// Checks every STS rule; the error names the parameter and the rule.
    pub fn validate(&self) -> Result<(), ProviderError> {
        check_duration(self.duration, self.chained)?;
        check_session_policy(self.session_policy.as_ref())?;
        if self.policy_arns.len() > MAX_POLICY_ARNS {
            return Err(invalid(
                "PolicyArns",
                &format!("at most {MAX_POLICY_ARNS} managed session policies"),
            ));
        }
        if let Some(identity) = &self.source_identity {
            // SourceIdentity follows the RoleSessionName pattern and length.
            if !RoleSessionName::is_valid(identity) {
                return Err(invalid(
                    "SourceIdentity",
                    &format!(
                        "{identity:?} must be 2 to 64 characters from letters, digits and _+=,.@-"
                    ),
                ));
            }
            if identity.to_ascii_lowercase().starts_with("aws:") {
                return Err(invalid("SourceIdentity", "cannot start with \"aws:\""));
            }
        }
        if self.tags.len() > MAX_SESSION_TAGS {
            return Err(invalid(
                "Tags",
                &format!("at most {MAX_SESSION_TAGS} session tags"),
            ));
        }
        for (key, value) in &self.tags {
            let tag_chars = |s: &str| {
                s.chars()
                    .all(|c| c.is_alphanumeric() || " _.:/=+-@".contains(c))
            };
            if key.is_empty() || key.chars().count() > 128 || !tag_chars(key) {
                return Err(invalid(
                    "Tags",
                    &format!("key {key:?} must be 1 to 128 letters, digits, spaces and _.:/=+-@"),
                ));
            }
            if value.chars().count() > 256 || !tag_chars(value) {
                return Err(invalid(
                    "Tags",
                    &format!(
                        "value of {key:?} must be up to 256 letters, digits, spaces and _.:/=+-@"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// An `AssumeRoleWithWebIdentity` call. The token is a secret (redacted in `Debug`, zeroized
/// on drop). Fields are private: build it with [`new`](WebIdentityRequest::new) and the
/// `with_*` setters.
///
/// ```
/// use connector_core::WebIdentityRequest;
/// let request = WebIdentityRequest::new(
///     "arn:aws:iam::111122223333:role/federated".parse()?,
///     "agent".parse()?,
///     "eyJhbGciOi...".into(),
/// );
/// assert!(!format!("{request:?}").contains("eyJhbGciOi"));
/// assert!(request.validate().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct WebIdentityRequest {
    role_arn: RoleArn,
    session_name: RoleSessionName,
    token: SecretString,
    duration: Duration,
    session_policy: Option<PolicyDocument>,
    region: Option<Region>,
}

impl WebIdentityRequest {
    /// A one-hour session of `role_arn` with `token`.
    pub fn new(
        role_arn: RoleArn,
        session_name: RoleSessionName,
        token: SecretString,
    ) -> WebIdentityRequest {
        WebIdentityRequest {
            role_arn,
            session_name,
            token,
            duration: Duration::from_secs(3_600),
            session_policy: None,
            region: None,
        }
    }

    /// Sets the session duration.
    pub fn with_duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Narrows the session with an inline session policy.
    pub fn with_session_policy(mut self, policy: PolicyDocument) -> Self {
        self.session_policy = Some(policy);
        self
    }

    /// Calls the STS endpoint of `region`.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The role to assume.
    pub fn role_arn(&self) -> &RoleArn {
        &self.role_arn
    }

    /// `RoleSessionName`.
    pub fn session_name(&self) -> &RoleSessionName {
        &self.session_name
    }

    /// `WebIdentityToken`.
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// `DurationSeconds`.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// `Policy`.
    pub fn session_policy(&self) -> Option<&PolicyDocument> {
        self.session_policy.as_ref()
    }

    /// The STS endpoint's region.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// Checks the STS rules.
    pub fn validate(&self) -> Result<(), ProviderError> {
        check_duration(self.duration, false)?;
        check_session_policy(self.session_policy.as_ref())
    }
}

/// What `GetCallerIdentity` says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct CallerIdentity {
    /// The account.
    pub account: String,
    /// The caller's ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    pub arn: String,
    /// The unique id (`AROA...:SESSION`).
    pub user_id: String,
}
