//! The request being authorized: principal, action, resource and context keys.

use std::fmt;

use crate::Arn;

use super::context_map::ContextMap;
use crate::template::VariableSource;

/// Who is making the request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestPrincipal {
    /// An IAM identity: account root, user, role session (`arn:aws:sts::...:assumed-role/...`),
    /// federated user.
    Aws(Arn),
    /// An AWS service, e.g. `ec2.amazonaws.com`.
    Service(String),
    /// A web identity or SAML provider: an OIDC provider ARN or `accounts.google.com`, ...
    Federated(String),
    /// An S3 canonical user id.
    CanonicalUser(String),
    /// An unauthenticated caller.
    Anonymous,
}

/// The value of a context key: one string, or a set for multivalued keys
/// (`aws:TagKeys`, `aws:PrincipalServiceNamesList`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (may be empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// All values.
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(v) => std::slice::from_ref(v),
            ContextValue::Multi(v) => v,
        }
    }
}

impl From<&str> for ContextValue {
    fn from(value: &str) -> Self {
        ContextValue::Single(value.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(value: String) -> Self {
        ContextValue::Single(value)
    }
}

impl From<bool> for ContextValue {
    fn from(value: bool) -> Self {
        ContextValue::Single(value.to_string())
    }
}

impl From<Vec<String>> for ContextValue {
    fn from(values: Vec<String>) -> Self {
        ContextValue::Multi(values)
    }
}

impl From<Vec<&str>> for ContextValue {
    fn from(values: Vec<&str>) -> Self {
        ContextValue::Multi(values.into_iter().map(str::to_owned).collect())
    }
}

/// A request to authorize.
///
/// Context keys are matched case-insensitively, as IAM does; values are case-sensitive.
///
/// ```
/// use iam_policy::{ContextValue, Request, RequestPrincipal};
/// let request = Request::new("sts:AssumeRole", "arn:aws:iam::111122223333:role/Vendor")
///     .with_principal(RequestPrincipal::Aws("arn:aws:iam::999988887777:root".parse().unwrap()))
///     .with_context("sts:ExternalId", "b3f1c9")
///     .with_context("aws:TagKeys", vec!["team", "env"]);
/// assert_eq!(request.context("STS:EXTERNALID").unwrap().values(), ["b3f1c9"]);
/// assert!(request.context("aws:SourceIp").is_none());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The caller, when known (needed for policies with `Principal`).
    pub principal: Option<RequestPrincipal>,
    /// The action, e.g. `s3:GetObject`.
    pub action: String,
    /// The resource ARN (for trust policies, the role's ARN).
    pub resource: String,
    context: ContextMap,
}

impl Request {
    /// A request for `action` on `resource` with no principal and no context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            principal: None,
            action: action.into(),
            resource: resource.into(),
            context: ContextMap::default(),
        }
    }

    /// Sets the principal.
    pub fn with_principal(mut self, principal: RequestPrincipal) -> Request {
        self.principal = Some(principal);
        self
    }

    /// Sets a context key, replacing any value it had (keys compare case-insensitively).
    pub fn with_context(
        mut self,
        key: impl Into<String>,
        value: impl Into<ContextValue>,
    ) -> Request {
        self.set_context(key, value);
        self
    }

    /// Sets a context key in place.
    pub fn set_context(&mut self, key: impl Into<String>, value: impl Into<ContextValue>) {
        self.context.set(key.into(), value.into());
    }

    /// Removes a context key.
    pub fn remove_context(&mut self, key: &str) {
        self.context.remove(key);
    }

    /// The value of a context key.
    pub fn context(&self, key: &str) -> Option<&ContextValue> {
        self.context.get(key)
    }

    /// Every context key and value, in insertion order.
    pub fn context_entries(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.context.entries().iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl VariableSource for Request {
    fn lookup(&self, key: &str) -> Option<&[String]> {
        self.context(key).map(ContextValue::values)
    }
}

// Context values may hold session tags and other caller data; they are shown, since this
// crate never puts credentials in a request.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("principal", &self.principal)
            .field("action", &self.action)
            .field("resource", &self.resource)
            .field("context", &self.context.entries())
            .finish()
    }
}
