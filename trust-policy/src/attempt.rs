//! `AssumeRoleAttempt`: the `sts:AssumeRole` call a simulation asks about, and the request
//! context STS builds from it.
//!
//! What STS evaluates for `AssumeRole` (IAM User Guide, "Session tags", "Monitor and control
//! actions taken with assumed roles"): the trust policy must allow `sts:AssumeRole`, plus
//! `sts:SetSourceIdentity` when a source identity is passed and `sts:TagSession` when session
//! tags are passed; the request context carries `sts:ExternalId`, `sts:SourceIdentity`,
//! `sts:RoleSessionName`, `aws:RequestedRegion`, `aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:RequestTag/KEY` and `aws:TagKeys`.

use iam_policy::{Arn, ContextValue, Region, Request, RequestPrincipal, RoleArn};

/// One `sts:AssumeRole` call, as a simulation input: who calls, and what the call carries.
///
/// This is what [`simulate`](crate::simulate) and the linter evaluate a trust policy
/// against, not a request to send (the values are taken as a caller might send them, valid
/// or not). A web identity counterpart would be a `WebIdentityAttempt`.
///
/// ```
/// use trust_policy::{AssumeRoleAttempt, CrossAccountTrust, Decision, VendorPrincipal, simulate};
///
/// let trust = CrossAccountTrust::new(
///     VendorPrincipal::account("999988887777".parse()?),
///     "right-id".parse()?,
/// )
/// .restrict_regions(["eu-west-1".parse()?])?
/// .policy()?;
/// let attempt = AssumeRoleAttempt::new("arn:aws:iam::999988887777:role/app".parse()?)
///     .with_external_id("right-id")
///     .with_region("eu-west-1".parse()?);
/// assert_eq!(attempt.external_id(), Some("right-id"));
/// assert_eq!(simulate(&trust, &attempt).decision, Decision::Allow);
///
/// let elsewhere = attempt.clone().with_region("us-east-1".parse()?);
/// assert_eq!(simulate(&trust, &elsewhere).decision, Decision::ImplicitDeny);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleAttempt {
    caller: Arn,
    role: Option<RoleArn>,
    external_id: Option<String>,
    source_identity: Option<String>,
    session_name: Option<String>,
    region: Option<Region>,
    tags: Vec<(String, String)>,
    context: Vec<(String, ContextValue)>,
}

impl AssumeRoleAttempt {
    /// A call from `caller` (a role session, user or account root ARN) carrying nothing else.
    pub fn new(caller: Arn) -> AssumeRoleAttempt {
        AssumeRoleAttempt {
            caller,
            role: None,
            external_id: None,
            source_identity: None,
            session_name: None,
            region: None,
            tags: Vec::new(),
            context: Vec::new(),
        }
    }

    /// The role being assumed (the request's resource; `*` when not set).
    pub fn with_role(mut self, role: RoleArn) -> Self {
        self.role = Some(role);
        self
    }

    /// The `ExternalId` parameter. Taken as raw text: the point is to simulate what a caller
    /// might send, valid or not.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// The `SourceIdentity` parameter (adds `sts:SetSourceIdentity` to the actions checked).
    pub fn with_source_identity(mut self, source_identity: impl Into<String>) -> Self {
        self.source_identity = Some(source_identity.into());
        self
    }

    /// The `RoleSessionName` parameter.
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// The region of the STS endpoint called (`aws:RequestedRegion`).
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// A session tag (adds `sts:TagSession` to the actions checked).
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// Any other context key (e.g. `aws:PrincipalOrgID`, `aws:SourceIp`). Set after the keys
    /// above, so it overrides them.
    pub fn with_context(mut self, key: impl Into<String>, value: impl Into<ContextValue>) -> Self {
        self.context.push((key.into(), value.into()));
        self
    }

    /// The caller.
    pub fn caller(&self) -> &Arn {
        &self.caller
    }

    /// The role being assumed, when set.
    pub fn role(&self) -> Option<&RoleArn> {
        self.role.as_ref()
    }

    /// The `ExternalId` sent, when any.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// The `SourceIdentity` sent, when any.
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }

    /// The `RoleSessionName` sent, when any.
    pub fn session_name(&self) -> Option<&str> {
        self.session_name.as_deref()
    }

    /// The region of the STS endpoint called, when known.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The session tags, in the order given.
    pub fn tags(&self) -> &[(String, String)] {
        &self.tags
    }

    /// The other context keys, in the order given.
    pub fn context(&self) -> &[(String, ContextValue)] {
        &self.context
    }

    /// The actions STS authorizes for this call: `sts:AssumeRole`, then
    /// `sts:SetSourceIdentity` and `sts:TagSession` when the call carries those.
    pub fn actions(&self) -> Vec<&'static str> {
        let mut actions = vec!["sts:AssumeRole"];
        if self.source_identity.is_some() {
            actions.push("sts:SetSourceIdentity");
        }
        if !self.tags.is_empty() {
            actions.push("sts:TagSession");
        }
        actions
    }

    /// The request `iam-policy` evaluates for `action`.
    pub fn to_request(&self, action: &str) -> Request {
        let resource = self
            .role
            .as_ref()
            .map_or_else(|| "*".to_owned(), ToString::to_string);
        let mut request = Request::new(action, resource)
            .with_principal(RequestPrincipal::Aws(self.caller.clone()))
            .with_context("aws:PrincipalArn", principal_arn(&self.caller))
            .with_context("aws:PrincipalAccount", self.caller.account());
        let optional = [
            ("sts:ExternalId", self.external_id.as_deref()),
            ("sts:SourceIdentity", self.source_identity.as_deref()),
            ("sts:RoleSessionName", self.session_name.as_deref()),
            (
                "aws:RequestedRegion",
                self.region.as_ref().map(Region::as_str),
            ),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                request.set_context(key, value);
            }
        }
        if !self.tags.is_empty() {
            for (key, value) in &self.tags {
                request.set_context(format!("aws:RequestTag/{key}"), value.as_str());
            }
            let keys: Vec<String> = self.tags.iter().map(|(k, _)| k.clone()).collect();
            request.set_context("aws:TagKeys", keys);
        }
        for (key, value) in &self.context {
            request.set_context(key.clone(), value.clone());
        }
        request
    }
}

/// `aws:PrincipalArn` is the role ARN for a role session (not the session ARN).
fn principal_arn(caller: &Arn) -> String {
    if caller.service() == "sts"
        && let Some(rest) = caller.resource().strip_prefix("assumed-role/")
    {
        let role = rest.split('/').next().unwrap_or(rest);
        return format!(
            "arn:{}:iam::{}:role/{role}",
            caller.partition(),
            caller.account()
        );
    }
    caller.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> Arn {
        "arn:aws:sts::999988887777:assumed-role/app/worker-1"
            .parse()
            .unwrap()
    }

    #[test]
    fn the_context_is_what_sts_builds() {
        let attempt = AssumeRoleAttempt::new(caller())
            .with_role("arn:aws:iam::111122223333:role/Vendor".parse().unwrap())
            .with_external_id("id-1")
            .with_source_identity("alice")
            .with_session_name("worker")
            .with_region("eu-west-1".parse().unwrap())
            .with_tag("team", "ops")
            .with_context("aws:PrincipalOrgID", "o-abcdefghij");
        assert_eq!(
            attempt.actions(),
            ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
        );
        let request = attempt.to_request("sts:AssumeRole");
        let value = |key: &str| request.context(key).map(|v| v.values().to_vec());
        assert_eq!(
            value("aws:PrincipalArn"),
            Some(vec!["arn:aws:iam::999988887777:role/app".to_owned()])
        );
        assert_eq!(
            value("aws:PrincipalAccount"),
            Some(vec!["999988887777".to_owned()])
        );
        assert_eq!(value("sts:ExternalId"), Some(vec!["id-1".to_owned()]));
        assert_eq!(value("sts:SourceIdentity"), Some(vec!["alice".to_owned()]));
        assert_eq!(
            value("sts:RoleSessionName"),
            Some(vec!["worker".to_owned()])
        );
        assert_eq!(
            value("aws:RequestedRegion"),
            Some(vec!["eu-west-1".to_owned()])
        );
        assert_eq!(value("aws:RequestTag/team"), Some(vec!["ops".to_owned()]));
        assert_eq!(value("aws:TagKeys"), Some(vec!["team".to_owned()]));
        assert_eq!(
            value("aws:PrincipalOrgID"),
            Some(vec!["o-abcdefghij".to_owned()])
        );
        assert_eq!(attempt.region().map(Region::as_str), Some("eu-west-1"));
        assert_eq!(attempt.tags(), [("team".to_owned(), "ops".to_owned())]);
    }

    #[test]
    fn an_empty_attempt_carries_only_the_caller() {
        let attempt = AssumeRoleAttempt::new(caller());
        assert_eq!(attempt.actions(), ["sts:AssumeRole"]);
        let request = attempt.to_request("sts:AssumeRole");
        for key in ["sts:ExternalId", "aws:RequestedRegion", "aws:TagKeys"] {
            assert!(request.context(key).is_none(), "{key}");
        }
        assert!(attempt.role().is_none() && attempt.external_id().is_none());
    }
}
