//! `ProviderError`: every way an STS call fails, whether to retry, and what to tell the
//! customer.

use std::fmt;

/// The kinds of STS failure (STS API reference, "Errors" of AssumeRole and
/// AssumeRoleWithWebIdentity; "Common errors").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ProviderErrorKind {
    /// `AccessDenied`: the trust policy does not let the caller in (wrong account, wrong
    /// External ID, role deleted or trust removed).
    AccessDenied,
    /// `RegionDisabledException`: STS is not activated in the region for the account.
    RegionDisabled,
    /// `MalformedPolicyDocument`: the session policy is not valid.
    MalformedPolicy,
    /// `PackedPolicyTooLarge`: session policy and tags are too large once packed.
    PackedPolicyTooLarge,
    /// `Throttling`: too many requests.
    Throttled,
    /// `ExpiredToken`: the caller's own credentials or web identity token expired.
    ExpiredToken,
    /// `InvalidIdentityToken`: the OIDC token was rejected.
    InvalidIdentityToken,
    /// Network trouble, timeouts, 5xx, `IDPCommunicationError`.
    Transient,
    /// A request this library refused to send because it breaks an STS rule.
    InvalidRequest,
    /// The provider does not implement the operation (a test double that only fakes
    /// `AssumeRole`, say). Never retryable, never a verdict.
    Unsupported,
    /// Anything else.
    Other,
}

impl ProviderErrorKind {
    /// True when trying again later may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ProviderErrorKind::Throttled | ProviderErrorKind::Transient
        )
    }

    /// True when the customer has revoked access: the credentials are dropped at once.
    pub fn is_revocation(self) -> bool {
        matches!(self, ProviderErrorKind::AccessDenied)
    }

    /// True when the customer's side refused (access revoked, or STS deactivated in the
    /// region for the customer's account; STS API reference, `RegionDisabledException`): the
    /// connection is then `Disconnected`. Every other failure (throttling, network, or a
    /// fault of the vendor's such as its own credentials or a session policy STS rejects)
    /// only degrades it.
    pub fn is_customer_refusal(self) -> bool {
        matches!(
            self,
            ProviderErrorKind::AccessDenied | ProviderErrorKind::RegionDisabled
        )
    }

    /// What to do about it, in one sentence.
    pub fn remediation(self) -> &'static str {
        match self {
            ProviderErrorKind::AccessDenied => {
                "Check that the role still exists and that its trust policy still lets the vendor in (its account and the External ID exactly, or, for a web identity, the vendor's OIDC provider, the audience and the tenant's subject), and that nobody removed or changed them."
            }
            ProviderErrorKind::RegionDisabled => {
                "Activate STS in this region (IAM console, Account settings, Security Token Service) or use another region's endpoint."
            }
            ProviderErrorKind::MalformedPolicy => {
                "Fix the session policy: it must be a valid IAM policy document."
            }
            ProviderErrorKind::PackedPolicyTooLarge => {
                "Shorten the session policy or pass fewer session tags; STS limits their packed size."
            }
            ProviderErrorKind::Throttled => {
                "Retry with backoff; if it persists, spread refreshes out or request a higher STS quota."
            }
            ProviderErrorKind::ExpiredToken => {
                "Refresh the caller's own credentials or fetch a new web identity token, then retry."
            }
            ProviderErrorKind::InvalidIdentityToken => {
                "Check the OIDC provider registered in the account (issuer URL, audience, thumbprint) and the token's claims."
            }
            ProviderErrorKind::Transient => {
                "Retry with backoff; check network access to the STS endpoint."
            }
            ProviderErrorKind::InvalidRequest => "Fix the request parameter named in the message.",
            ProviderErrorKind::Unsupported => {
                "Use a provider that implements this operation (connector-aws's AwsStsProvider does)."
            }
            ProviderErrorKind::Other => "See the message from AWS; retrying will not help.",
        }
    }

    /// A stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderErrorKind::AccessDenied => "ACCESS_DENIED",
            ProviderErrorKind::RegionDisabled => "REGION_DISABLED",
            ProviderErrorKind::MalformedPolicy => "MALFORMED_POLICY",
            ProviderErrorKind::PackedPolicyTooLarge => "PACKED_POLICY_TOO_LARGE",
            ProviderErrorKind::Throttled => "THROTTLED",
            ProviderErrorKind::ExpiredToken => "EXPIRED_TOKEN",
            ProviderErrorKind::InvalidIdentityToken => "INVALID_IDENTITY_TOKEN",
            ProviderErrorKind::Transient => "TRANSIENT",
            ProviderErrorKind::InvalidRequest => "INVALID_REQUEST",
            ProviderErrorKind::Unsupported => "UNSUPPORTED",
            ProviderErrorKind::Other => "OTHER",
        }
    }
}

impl fmt::Display for ProviderErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed provider call. It never carries credentials: only AWS's error code and message.
///
/// ```
/// use connector_core::{ProviderError, ProviderErrorKind};
/// let err = ProviderError::new(ProviderErrorKind::Throttled, "Rate exceeded");
/// assert!(err.is_retryable());
/// assert!(err.to_string().contains("Retry with backoff"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{kind}: {message}. {}", kind.remediation())]
pub struct ProviderError {
    /// What kind of failure.
    pub kind: ProviderErrorKind,
    /// AWS's error code, when there is one (e.g. `AccessDenied`).
    pub code: Option<String>,
    /// The message.
    pub message: String,
}

impl ProviderError {
    /// An error of `kind` with a message.
    pub fn new(kind: ProviderErrorKind, message: impl Into<String>) -> ProviderError {
        ProviderError {
            kind,
            code: None,
            message: message.into(),
        }
    }

    /// The provider does not implement `operation`.
    pub fn unsupported(operation: &str) -> ProviderError {
        ProviderError::new(
            ProviderErrorKind::Unsupported,
            format!("this provider does not implement {operation}"),
        )
    }

    /// Sets AWS's error code.
    pub fn with_code(mut self, code: impl Into<String>) -> ProviderError {
        self.code = Some(code.into());
        self
    }

    /// True when trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// The remediation sentence.
    pub fn remediation(&self) -> &'static str {
        self.kind.remediation()
    }
}
