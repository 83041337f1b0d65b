//! `SessionScope`: how a worker's session differs from the connection's default one (a
//! narrower session policy, another duration, session tags, a source identity, its own name).

use std::time::Duration;

use iam_policy::{Arn, PolicyDocument};

use std::sync::Arc;

use crate::{
    AssumeRoleRequest, ConnectorError, LiveConnection, RoleSessionName, WebIdentitySource,
    WebIdentityTokens,
};

/// What a worker asks for on top of the connection's role and External ID. Two scopes that
/// differ in anything are two sessions with their own credentials: a narrowed session's
/// credentials never serve a caller that asked for the full role, or the reverse.
///
/// ```
/// use std::time::Duration;
/// use connector_core::SessionScope;
/// let scope = SessionScope::new()
///     .with_name_suffix("billing-export")
///     .with_session_policy(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///         "Action": "ce:GetCostAndUsage", "Resource": "*"}}"#.parse()?)
///     .with_duration(Duration::from_secs(900));
/// assert_ne!(scope, SessionScope::new());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionScope {
    name_suffix: Option<String>,
    duration: Option<Duration>,
    session_policy: Option<PolicyDocument>,
    policy_arns: Vec<Arn>,
    source_identity: Option<String>,
    tags: Vec<(String, String)>,
}

impl SessionScope {
    /// The connection's default session: its role, its External ID, one hour.
    pub fn new() -> SessionScope {
        SessionScope::default()
    }

    /// Adds `-SUFFIX` to the session name, so CloudTrail tells this worker apart.
    pub fn with_name_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.name_suffix = Some(suffix.into());
        self
    }

    /// Another session duration.
    pub fn with_duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
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

    /// Sets the source identity (the customer's trust policy must allow
    /// `sts:SetSourceIdentity`).
    pub fn with_source_identity(mut self, identity: impl Into<String>) -> Self {
        self.source_identity = Some(identity.into());
        self
    }

    /// Adds a session tag (the customer's trust policy must allow `sts:TagSession`).
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// True for the default scope.
    pub fn is_default(&self) -> bool {
        *self == SessionScope::default()
    }

    /// The `AssumeRole` request for `connection`, its session named `base` (plus the suffix).
    pub fn request(
        &self,
        connection: &LiveConnection<'_>,
        base: &RoleSessionName,
    ) -> AssumeRoleRequest {
        let name = match &self.name_suffix {
            Some(suffix) => base.with_suffix(suffix),
            None => base.clone(),
        };
        let mut request = AssumeRoleRequest::for_connection(connection, name);
        if let Some(duration) = self.duration {
            request = request.with_duration(duration);
        }
        if let Some(policy) = &self.session_policy {
            request = request.with_session_policy(policy.clone());
        }
        if !self.policy_arns.is_empty() {
            request = request.with_policy_arns(self.policy_arns.clone());
        }
        if let Some(identity) = &self.source_identity {
            request = request.with_source_identity(identity.clone());
        }
        for (key, value) in &self.tags {
            request = request.with_tag(key.clone(), value.clone());
        }
        request
    }

    /// The `AssumeRoleWithWebIdentity` recipe for a web-identity `connection`, its session
    /// named `base` (plus the suffix). Managed session policies, session tags and a source
    /// identity are refused, naming the field: in a web identity session, tags and the source
    /// identity come from the token's claims (IAM User Guide, "Passing session tags using
    /// AssumeRoleWithWebIdentity"), not from the request, and this library sends none.
    pub fn web_identity_source(
        &self,
        connection: &LiveConnection<'_>,
        base: &RoleSessionName,
        tokens: Arc<dyn WebIdentityTokens>,
    ) -> Result<WebIdentitySource, ConnectorError> {
        let refuse = |field: &'static str| {
            Err(ConnectorError::invalid(
                field,
                "",
                "a web identity session takes no managed session policies, session tags or source identity from the request",
            ))
        };
        if !self.policy_arns.is_empty() {
            return refuse("policy arns");
        }
        if !self.tags.is_empty() {
            return refuse("session tags");
        }
        if self.source_identity.is_some() {
            return refuse("source identity");
        }
        let name = match &self.name_suffix {
            Some(suffix) => base.with_suffix(suffix),
            None => base.clone(),
        };
        let mut source = WebIdentitySource::for_connection(connection, name, tokens)?;
        if let Some(duration) = self.duration {
            source = source.with_duration(duration);
        }
        if let Some(policy) = &self.session_policy {
            source = source.with_session_policy(policy.clone());
        }
        Ok(source)
    }

    /// Everything that tells two scopes apart, as text: the key of its session.
    pub(crate) fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{:?}",
            self.name_suffix.as_deref().unwrap_or(""),
            self.duration.map_or(0, |d| d.as_secs()),
            self.session_policy
                .as_ref()
                .map(PolicyDocument::to_json)
                .unwrap_or_default(),
            self.policy_arns
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
            self.source_identity.as_deref().unwrap_or(""),
            self.tags,
        )
    }
}
