//! `ProviderError`: every way an STS call fails, whether to retry, and what to tell the
//! customer.

use std::fmt;

/// How every `InvalidIdentityToken` answer for a token whose issuer has no IAM OIDC identity
/// provider in the role's account begins; the issuer URL follows (`... for https://ISSUER`).
/// The wording AWS answers, as widely reported (e.g. aws-actions/configure-aws-credentials
/// issue 721: `No OpenIDConnect provider found in your account for
/// https://token.actions.githubusercontent.com`).
pub const NO_OIDC_PROVIDER: &str = "No OpenIDConnect provider found in your account";

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
    /// `InvalidIdentityToken`: the OIDC token was rejected (its signature, `kid`, issuer,
    /// audience or lifetime): the vendor's token is at fault.
    InvalidIdentityToken,
    /// `InvalidIdentityToken` with the message `No OpenIDConnect provider found in your
    /// account for https://ISSUER` (the wording AWS answers, widely reported, e.g.
    /// aws-actions/configure-aws-credentials issue 721) naming the vendor's own issuer: the
    /// customer's account has no IAM OIDC identity provider for it (deleted, or never
    /// created). AWS's wire code is still `InvalidIdentityToken`; see
    /// [`ProviderError::attributed_to_issuer`] for when a missing provider is the vendor's
    /// fault instead.
    OidcProviderMissing,
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
    ///
    /// A missing OIDC identity provider is one: the provider is the trust anchor of every
    /// web-identity session of the vendor in the account, so deleting it is the customer
    /// withdrawing the vendor's access as surely as deleting the role (`AccessDenied`). The
    /// session then drops what it holds and stays revoked until reconnected, instead of
    /// serving the last credentials while it retries a call that cannot succeed until the
    /// customer acts. (`RegionDisabled` is a refusal but no revocation: STS switched off in
    /// one region says nothing about the vendor.)
    pub fn is_revocation(self) -> bool {
        matches!(
            self,
            ProviderErrorKind::AccessDenied | ProviderErrorKind::OidcProviderMissing
        )
    }

    /// True when the customer's side refused (access revoked by deleting the role, changing
    /// its trust policy or deleting the IAM OIDC identity provider, or STS deactivated in the
    /// region for the customer's account; STS API reference, `RegionDisabledException`): the
    /// connection is then `Disconnected`. Every other failure (throttling, network, or a
    /// fault of the vendor's such as its own credentials, a token STS rejects or a session
    /// policy STS rejects) only degrades it.
    pub fn is_customer_refusal(self) -> bool {
        matches!(
            self,
            ProviderErrorKind::AccessDenied
                | ProviderErrorKind::RegionDisabled
                | ProviderErrorKind::OidcProviderMissing
        )
    }

    /// The kind of an `InvalidIdentityToken` answer from its message: a missing OIDC
    /// identity provider (the message starts with [`NO_OIDC_PROVIDER`]) or a rejected token.
    ///
    /// ```
    /// use connector_core::ProviderErrorKind;
    /// assert_eq!(
    ///     ProviderErrorKind::of_invalid_identity_token(
    ///         "No OpenIDConnect provider found in your account for https://id.example.com"
    ///     ),
    ///     ProviderErrorKind::OidcProviderMissing
    /// );
    /// assert_eq!(
    ///     ProviderErrorKind::of_invalid_identity_token("Incorrect token audience"),
    ///     ProviderErrorKind::InvalidIdentityToken
    /// );
    /// ```
    pub fn of_invalid_identity_token(message: &str) -> ProviderErrorKind {
        if message.starts_with(NO_OIDC_PROVIDER) {
            ProviderErrorKind::OidcProviderMissing
        } else {
            ProviderErrorKind::InvalidIdentityToken
        }
    }

    /// Every kind, in declaration order (for tables and tests).
    pub const ALL: &'static [ProviderErrorKind] = &[
        ProviderErrorKind::AccessDenied,
        ProviderErrorKind::RegionDisabled,
        ProviderErrorKind::MalformedPolicy,
        ProviderErrorKind::PackedPolicyTooLarge,
        ProviderErrorKind::Throttled,
        ProviderErrorKind::ExpiredToken,
        ProviderErrorKind::InvalidIdentityToken,
        ProviderErrorKind::OidcProviderMissing,
        ProviderErrorKind::Transient,
        ProviderErrorKind::InvalidRequest,
        ProviderErrorKind::Unsupported,
        ProviderErrorKind::Other,
    ];

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
            ProviderErrorKind::OidcProviderMissing => {
                "The customer's account has no IAM OIDC identity provider for the vendor's issuer: recreate it for the issuer URL with the client ID sts.amazonaws.com (the onboarding stack creates it), or reconnect."
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
            ProviderErrorKind::OidcProviderMissing => "OIDC_PROVIDER_MISSING",
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

    /// Who is to blame for a missing OIDC identity provider, given the vendor's issuer URL.
    ///
    /// STS looks the provider up by the token's `iss`, so its answer alone cannot tell "the
    /// customer deleted the provider for the vendor's issuer" from "the vendor's token names
    /// another issuer" (an issuer that moved, a misconfigured minter: GitHub's move from
    /// `vstoken.` to `token.actions.githubusercontent.com` gave every user this message,
    /// aws-actions/configure-aws-credentials issue 280). Only a message that names exactly
    /// `issuer` stays [`ProviderErrorKind::OidcProviderMissing`], the customer's doing; one
    /// that names another issuer, or none, becomes
    /// [`ProviderErrorKind::InvalidIdentityToken`], the vendor's: a disconnection needs
    /// evidence. Every other error is returned unchanged.
    ///
    /// ```
    /// use connector_core::{ProviderError, ProviderErrorKind};
    /// let missing = |issuer: &str| ProviderError::new(
    ///     ProviderErrorKind::OidcProviderMissing,
    ///     format!("No OpenIDConnect provider found in your account for {issuer}"),
    /// );
    /// let ours = missing("https://id.example.com").attributed_to_issuer("https://id.example.com");
    /// assert_eq!(ours.kind, ProviderErrorKind::OidcProviderMissing);
    /// let other = missing("https://old.example.com").attributed_to_issuer("https://id.example.com");
    /// assert_eq!(other.kind, ProviderErrorKind::InvalidIdentityToken);
    /// ```
    pub fn attributed_to_issuer(mut self, issuer: &str) -> ProviderError {
        if self.kind == ProviderErrorKind::OidcProviderMissing
            && named_issuer(&self.message) != Some(issuer)
        {
            self.kind = ProviderErrorKind::InvalidIdentityToken;
        }
        self
    }
}

/// The issuer a missing-provider message names: what follows `... in your account for `,
/// without the full stop some clients append.
fn named_issuer(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix(NO_OIDC_PROVIDER)?
        .strip_prefix(" for ")?;
    let issuer = rest.trim();
    let issuer = issuer.strip_suffix('.').unwrap_or(issuer);
    (!issuer.is_empty()).then_some(issuer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exhaustive inside the crate: a new kind fails to compile here until it is listed.
    fn position(kind: ProviderErrorKind) -> usize {
        match kind {
            ProviderErrorKind::AccessDenied => 0,
            ProviderErrorKind::RegionDisabled => 1,
            ProviderErrorKind::MalformedPolicy => 2,
            ProviderErrorKind::PackedPolicyTooLarge => 3,
            ProviderErrorKind::Throttled => 4,
            ProviderErrorKind::ExpiredToken => 5,
            ProviderErrorKind::InvalidIdentityToken => 6,
            ProviderErrorKind::OidcProviderMissing => 7,
            ProviderErrorKind::Transient => 8,
            ProviderErrorKind::InvalidRequest => 9,
            ProviderErrorKind::Unsupported => 10,
            ProviderErrorKind::Other => 11,
        }
    }

    #[test]
    fn all_lists_every_kind_once_in_declaration_order() {
        for (index, kind) in ProviderErrorKind::ALL.iter().enumerate() {
            assert_eq!(position(*kind), index, "{kind}");
        }
        assert_eq!(ProviderErrorKind::ALL.len(), 12);
    }

    #[test]
    fn every_kind_has_a_remediation_and_a_unique_code_that_is_its_serde_name() {
        let mut codes = std::collections::BTreeSet::new();
        for kind in ProviderErrorKind::ALL {
            assert!(!kind.remediation().trim().is_empty(), "{kind}");
            assert!(codes.insert(kind.as_str()), "{kind} is not unique");
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::String(kind.as_str().to_owned())
            );
        }
    }

    #[test]
    fn a_revocation_is_always_a_customer_refusal_and_never_retryable() {
        for kind in ProviderErrorKind::ALL {
            if kind.is_revocation() {
                assert!(kind.is_customer_refusal(), "{kind}");
            }
            if kind.is_customer_refusal() {
                assert!(!kind.is_retryable(), "{kind}");
            }
        }
    }

    #[test]
    fn a_missing_oidc_provider_is_a_revocation_by_the_customer() {
        let kind = ProviderErrorKind::OidcProviderMissing;
        assert!(kind.is_customer_refusal());
        assert!(kind.is_revocation());
        assert!(!kind.is_retryable());
        assert!(kind.remediation().contains("sts.amazonaws.com"));
        assert!(!ProviderErrorKind::InvalidIdentityToken.is_customer_refusal());
    }

    #[test]
    fn only_the_no_provider_message_is_a_missing_provider() {
        use ProviderErrorKind as K;
        for (message, kind) in [
            (
                "No OpenIDConnect provider found in your account for https://id.example.com",
                K::OidcProviderMissing,
            ),
            (
                "No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com.",
                K::OidcProviderMissing,
            ),
            ("Incorrect token audience", K::InvalidIdentityToken),
            (
                "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
                K::InvalidIdentityToken,
            ),
            (
                "The web identity token could not be validated.",
                K::InvalidIdentityToken,
            ),
            ("", K::InvalidIdentityToken),
            (
                "Error: No OpenIDConnect provider found in your account for https://id.example.com",
                K::InvalidIdentityToken,
            ),
        ] {
            assert_eq!(
                ProviderErrorKind::of_invalid_identity_token(message),
                kind,
                "{message}"
            );
        }
    }

    #[test]
    fn a_missing_provider_is_the_customers_only_when_it_names_the_vendors_issuer() {
        let issuer = "https://id.example.com";
        let missing = |message: &str| {
            ProviderError::new(ProviderErrorKind::OidcProviderMissing, message)
                .with_code("InvalidIdentityToken")
        };
        for message in [
            "No OpenIDConnect provider found in your account for https://id.example.com",
            "No OpenIDConnect provider found in your account for https://id.example.com.",
        ] {
            let attributed = missing(message).attributed_to_issuer(issuer);
            assert_eq!(attributed.kind, ProviderErrorKind::OidcProviderMissing);
            assert_eq!(attributed.message, message);
            assert_eq!(attributed.code.as_deref(), Some("InvalidIdentityToken"));
        }
        for message in [
            "No OpenIDConnect provider found in your account for https://old.example.com",
            "No OpenIDConnect provider found in your account for https://id.example.com/",
            "No OpenIDConnect provider found in your account for https://ID.example.com",
            "No OpenIDConnect provider found in your account for https://id.example.com.evil",
            "No OpenIDConnect provider found in your account",
            "No OpenIDConnect provider found in your account for ",
        ] {
            let attributed = missing(message).attributed_to_issuer(issuer);
            assert_eq!(
                attributed.kind,
                ProviderErrorKind::InvalidIdentityToken,
                "{message}"
            );
        }
        // Other errors are left alone, even with that message.
        let denied = ProviderError::new(
            ProviderErrorKind::AccessDenied,
            "No OpenIDConnect provider found in your account for https://old.example.com",
        );
        assert_eq!(
            denied.clone().attributed_to_issuer(issuer),
            denied,
            "not a missing provider"
        );
    }

    proptest::proptest! {
        /// For any pair of issuers, the missing provider is the customer's exactly when the
        /// message names the vendor's issuer.
        #[test]
        fn attribution_is_by_exact_issuer(
            vendor in "https://[a-z]{1,8}(\\.[a-z]{1,8}){0,2}(/[a-z]{1,6})?",
            named in "https://[a-z]{1,8}(\\.[a-z]{1,8}){0,2}(/[a-z]{1,6})?",
        ) {
            let message = format!("{NO_OIDC_PROVIDER} for {named}");
            proptest::prop_assert_eq!(
                ProviderErrorKind::of_invalid_identity_token(&message),
                ProviderErrorKind::OidcProviderMissing
            );
            let attributed = ProviderError::new(ProviderErrorKind::OidcProviderMissing, message)
                .attributed_to_issuer(&vendor);
            let expected = if named == vendor {
                ProviderErrorKind::OidcProviderMissing
            } else {
                ProviderErrorKind::InvalidIdentityToken
            };
            proptest::prop_assert_eq!(attributed.kind, expected);
        }
    }
}
