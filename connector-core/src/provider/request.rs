//! The requests sent to STS, checked before they leave (STS API reference, `AssumeRole` and
//! `AssumeRoleWithWebIdentity` request parameters).

use std::time::Duration;

use iam_policy::{Arn, PolicyDocument, RoleArn};
use secrecy::SecretString;
use trust_policy::ExternalId;

use super::{ProviderError, ProviderErrorKind};

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

/// `RoleSessionName` and `SourceIdentity`: 2 to 64 characters from `[\w+=,.@-]`.
fn check_name(parameter: &str, value: &str) -> Result<(), ProviderError> {
    let ok = (2..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            parameter,
            &format!("{value:?} must be 2 to 64 characters from letters, digits and _+=,.@-"),
        ))
    }
}

/// An `AssumeRole` call.
///
/// ```
/// use std::time::Duration;
/// use connector_core::AssumeRoleRequest;
/// let request = AssumeRoleRequest::new(
///     "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
///     "vendor-sync-42",
/// )
/// .external_id("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap())
/// .duration(Duration::from_secs(3600));
/// assert!(request.validate().is_ok());
/// assert!(request.clone().duration(Duration::from_secs(60)).validate().is_err());
/// assert!(AssumeRoleRequest::new("arn:aws:iam::111122223333:role/vendor".parse().unwrap(), "bad name!")
///     .validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRoleRequest {
    /// The role to assume.
    pub role_arn: RoleArn,
    /// `RoleSessionName`.
    pub session_name: String,
    /// `ExternalId`.
    pub external_id: Option<ExternalId>,
    /// `DurationSeconds`.
    pub duration: Duration,
    /// True when the caller is itself a role session (role chaining caps the duration at 1 h).
    pub chained: bool,
    /// `Policy`: an inline session policy.
    pub session_policy: Option<PolicyDocument>,
    /// `PolicyArns`: managed session policies.
    pub policy_arns: Vec<Arn>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `Tags`: session tags.
    pub tags: Vec<(String, String)>,
    /// The region of the STS endpoint to call (regional endpoints).
    pub region: Option<String>,
}

impl AssumeRoleRequest {
    /// A one-hour session of `role_arn` named `session_name`.
    pub fn new(role_arn: RoleArn, session_name: impl Into<String>) -> AssumeRoleRequest {
        AssumeRoleRequest {
            role_arn,
            session_name: session_name.into(),
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

    /// Sets the External ID.
    pub fn external_id(mut self, external_id: ExternalId) -> Self {
        self.external_id = Some(external_id);
        self
    }

    /// Sets the session duration.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Marks the call as role chaining.
    pub fn chained(mut self, chained: bool) -> Self {
        self.chained = chained;
        self
    }

    /// Narrows the session with an inline session policy.
    pub fn session_policy(mut self, policy: PolicyDocument) -> Self {
        self.session_policy = Some(policy);
        self
    }

    /// Narrows the session with managed policies.
    pub fn policy_arns(mut self, arns: Vec<Arn>) -> Self {
        self.policy_arns = arns;
        self
    }

    /// Sets the source identity.
    pub fn source_identity(mut self, identity: impl Into<String>) -> Self {
        self.source_identity = Some(identity.into());
        self
    }

    /// Adds a session tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// Calls the STS endpoint of `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Checks every STS rule; the error names the parameter and the rule.
    pub fn validate(&self) -> Result<(), ProviderError> {
        check_name("RoleSessionName", &self.session_name)?;
        let max = if self.chained {
            MAX_CHAINED_SESSION
        } else {
            MAX_SESSION
        };
        if self.duration < MIN_SESSION || self.duration > max {
            return Err(invalid(
                "DurationSeconds",
                &format!(
                    "{} s is outside {} to {} s{}",
                    self.duration.as_secs(),
                    MIN_SESSION.as_secs(),
                    max.as_secs(),
                    if self.chained {
                        " (role chaining allows at most one hour)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        if let Some(policy) = &self.session_policy {
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
        if self.policy_arns.len() > MAX_POLICY_ARNS {
            return Err(invalid(
                "PolicyArns",
                &format!("at most {MAX_POLICY_ARNS} managed session policies"),
            ));
        }
        if let Some(identity) = &self.source_identity {
            check_name("SourceIdentity", identity)?;
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

/// An `AssumeRoleWithWebIdentity` call. The token is a secret.
#[derive(Debug, Clone)]
pub struct WebIdentityRequest {
    /// The role to assume.
    pub role_arn: RoleArn,
    /// `RoleSessionName`.
    pub session_name: String,
    /// `WebIdentityToken`: the OIDC token (redacted in `Debug`).
    pub token: SecretString,
    /// `DurationSeconds`.
    pub duration: Duration,
    /// `Policy`.
    pub session_policy: Option<PolicyDocument>,
    /// The STS endpoint's region.
    pub region: Option<String>,
}

impl WebIdentityRequest {
    /// A one-hour session of `role_arn` with `token`.
    pub fn new(
        role_arn: RoleArn,
        session_name: impl Into<String>,
        token: impl Into<String>,
    ) -> WebIdentityRequest {
        WebIdentityRequest {
            role_arn,
            session_name: session_name.into(),
            token: SecretString::from(token.into()),
            duration: Duration::from_secs(3_600),
            session_policy: None,
            region: None,
        }
    }

    /// Checks the STS rules.
    pub fn validate(&self) -> Result<(), ProviderError> {
        check_name("RoleSessionName", &self.session_name)?;
        if self.duration < MIN_SESSION || self.duration > MAX_SESSION {
            return Err(invalid("DurationSeconds", "must be 900 to 43,200 seconds"));
        }
        if let Some(policy) = &self.session_policy
            && iam_policy::policy_size(policy) > MAX_SESSION_POLICY_CHARS
        {
            return Err(invalid(
                "Policy",
                "the session policy is over 2,048 characters",
            ));
        }
        Ok(())
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
