//! The errors STS answers with, worded as AWS words them.

use iam_policy::{Arn, RoleArn};

use crate::{NO_OIDC_PROVIDER, ProviderError, ProviderErrorKind};

/// `AccessDenied` for `AssumeRole`: the role does not exist or its trust policy does not let
/// the caller in (AWS does not say which).
pub(super) fn assume_role_denied(caller: &Arn, role: &RoleArn) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::AccessDenied,
        format!("User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"),
    )
    .with_code("AccessDenied")
}

/// `AccessDenied` for a root caller: AWS refuses role assumption with root credentials.
pub(super) fn root_denied() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::AccessDenied,
        "Roles may not be assumed by root accounts.",
    )
    .with_code("AccessDenied")
}

/// `AccessDenied` for `AssumeRoleWithWebIdentity`.
pub(super) fn web_identity_denied() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )
    .with_code("AccessDenied")
}

/// `ValidationError`: a parameter STS itself refuses (the client cannot know the role's
/// limits). Kind `Other`: retrying will not help, and it is not a revocation.
pub(super) fn validation(message: impl Into<String>) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Other, message).with_code("ValidationError")
}

/// `MalformedPolicyDocument` for a session policy IAM would refuse.
pub(super) fn malformed_policy(message: impl Into<String>) -> ProviderError {
    ProviderError::new(ProviderErrorKind::MalformedPolicy, message)
        .with_code("MalformedPolicyDocument")
}

/// `PackedPolicyTooLarge`, with the percentage AWS reports.
pub(super) fn packed_too_large(percent: usize) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::PackedPolicyTooLarge,
        format!(
            "Packed policy consumes {percent}% of allotted space, please use smaller policy for request."
        ),
    )
    .with_code("PackedPolicyTooLarge")
}

/// `RegionDisabledException`.
pub(super) fn region_disabled(account: &str) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::RegionDisabled,
        format!(
            "STS is not activated in this region for account:{account}. Your account administrator can activate STS in this region using the IAM Console."
        ),
    )
    .with_code("RegionDisabledException")
}

/// `InvalidIdentityToken`.
pub(super) fn invalid_identity_token(message: impl Into<String>) -> ProviderError {
    ProviderError::new(ProviderErrorKind::InvalidIdentityToken, message)
        .with_code("InvalidIdentityToken")
}

/// `InvalidIdentityToken` for a token whose issuer has no IAM OIDC identity provider in the
/// account, worded as AWS words it (see [`crate::NO_OIDC_PROVIDER`]): the wire code
/// stays `InvalidIdentityToken`, the kind says what the message says.
pub(super) fn no_oidc_provider(issuer_url: &str) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::OidcProviderMissing,
        format!("{NO_OIDC_PROVIDER} for {issuer_url}"),
    )
    .with_code("InvalidIdentityToken")
}

/// `ExpiredTokenException` for a web identity token.
pub(super) fn expired_identity_token() -> ProviderError {
    ProviderError::new(ProviderErrorKind::ExpiredToken, "Token is expired")
        .with_code("ExpiredTokenException")
}

/// `InvalidClientTokenId`: credentials STS never issued. Mapped to `AccessDenied` (the
/// credentials do not grant access; for a connection that is a revocation, not a retry).
pub(super) fn invalid_client_token() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::AccessDenied,
        "The security token included in the request is invalid.",
    )
    .with_code("InvalidClientTokenId")
}

/// `SignatureDoesNotMatch`: a known access key id with the wrong secret. `AccessDenied`, as
/// above.
pub(super) fn signature_mismatch() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::AccessDenied,
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    )
    .with_code("SignatureDoesNotMatch")
}

/// `ExpiredToken`: the credentials' session has ended.
pub(super) fn expired_credentials() -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::ExpiredToken,
        "The security token included in the request is expired",
    )
    .with_code("ExpiredToken")
}
