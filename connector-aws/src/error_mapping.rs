//! Every way an `aws-sdk-sts` call fails, mapped onto connector-core's [`ProviderError`].
//!
//! Service errors keep AWS's error code and message (which name ARNs and parameters, never a
//! secret); the modeled STS exceptions are recognised by their variant first, so an error
//! built without metadata still maps. Anything that never got an answer from STS (timeouts,
//! connection failures, a response that could not be read) is described from the SDK's error
//! chain, which holds no request headers and so no signature or token.

use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_sdk_sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityError;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use connector_core::{ProviderError, ProviderErrorKind};

/// The STS operations this adapter calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    AssumeRole,
    AssumeRoleWithWebIdentity,
    GetCallerIdentity,
}

impl Operation {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Operation::AssumeRole => "AssumeRole",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Operation::GetCallerIdentity => "GetCallerIdentity",
        }
    }
}

/// An operation error whose modeled variants have a known kind and wire code.
pub(crate) trait ModeledError: ProvideErrorMetadata + std::error::Error {
    /// The kind and AWS wire code of a modeled exception; `None` for `Unhandled`.
    fn modeled(&self) -> Option<(ProviderErrorKind, &'static str)>;

    /// The modeled exception's own `message` field, for an error whose metadata has none (one
    /// built by hand rather than parsed from an answer, which fills both).
    fn modeled_message(&self) -> Option<&str> {
        None
    }
}

impl ModeledError for AssumeRoleError {
    fn modeled(&self) -> Option<(ProviderErrorKind, &'static str)> {
        if self.is_expired_token_exception() {
            Some((ProviderErrorKind::ExpiredToken, "ExpiredTokenException"))
        } else if self.is_malformed_policy_document_exception() {
            Some((
                ProviderErrorKind::MalformedPolicy,
                "MalformedPolicyDocument",
            ))
        } else if self.is_packed_policy_too_large_exception() {
            Some((
                ProviderErrorKind::PackedPolicyTooLarge,
                "PackedPolicyTooLarge",
            ))
        } else if self.is_region_disabled_exception() {
            Some((ProviderErrorKind::RegionDisabled, "RegionDisabledException"))
        } else {
            None
        }
    }
}

impl ModeledError for AssumeRoleWithWebIdentityError {
    fn modeled_message(&self) -> Option<&str> {
        match self {
            AssumeRoleWithWebIdentityError::ExpiredTokenException(e) => e.message(),
            AssumeRoleWithWebIdentityError::IdpCommunicationErrorException(e) => e.message(),
            AssumeRoleWithWebIdentityError::IdpRejectedClaimException(e) => e.message(),
            AssumeRoleWithWebIdentityError::InvalidIdentityTokenException(e) => e.message(),
            AssumeRoleWithWebIdentityError::MalformedPolicyDocumentException(e) => e.message(),
            AssumeRoleWithWebIdentityError::PackedPolicyTooLargeException(e) => e.message(),
            AssumeRoleWithWebIdentityError::RegionDisabledException(e) => e.message(),
            _ => None,
        }
    }

    fn modeled(&self) -> Option<(ProviderErrorKind, &'static str)> {
        if self.is_expired_token_exception() {
            Some((ProviderErrorKind::ExpiredToken, "ExpiredTokenException"))
        } else if self.is_idp_communication_error_exception() {
            Some((ProviderErrorKind::Transient, "IDPCommunicationError"))
        } else if self.is_idp_rejected_claim_exception() {
            Some((ProviderErrorKind::InvalidIdentityToken, "IDPRejectedClaim"))
        } else if self.is_invalid_identity_token_exception() {
            Some((
                ProviderErrorKind::InvalidIdentityToken,
                "InvalidIdentityToken",
            ))
        } else if self.is_malformed_policy_document_exception() {
            Some((
                ProviderErrorKind::MalformedPolicy,
                "MalformedPolicyDocument",
            ))
        } else if self.is_packed_policy_too_large_exception() {
            Some((
                ProviderErrorKind::PackedPolicyTooLarge,
                "PackedPolicyTooLarge",
            ))
        } else if self.is_region_disabled_exception() {
            Some((ProviderErrorKind::RegionDisabled, "RegionDisabledException"))
        } else {
            None
        }
    }
}

impl ModeledError for GetCallerIdentityError {
    fn modeled(&self) -> Option<(ProviderErrorKind, &'static str)> {
        None
    }
}

/// The kind of an AWS error code (modeled or not) for `operation`, if the code is known.
///
/// `InvalidClientTokenId` and `SignatureDoesNotMatch` mean the credentials that signed the
/// request are not valid. For `GetCallerIdentity` those are the connection's temporary
/// credentials, which then grant nothing: `AccessDenied`, as the in-memory STS answers. For
/// `AssumeRole` they are the vendor's own base credentials: a vendor-side problem, not a
/// customer revoking access, so `Other` (a revocation would disconnect every customer).
pub(crate) fn kind_for_code(operation: Operation, code: &str) -> Option<ProviderErrorKind> {
    use ProviderErrorKind as K;
    let kind = match code {
        "AccessDenied" | "AccessDeniedException" => K::AccessDenied,
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
            if operation == Operation::GetCallerIdentity {
                K::AccessDenied
            } else {
                K::Other
            }
        }
        "RegionDisabledException" | "RegionDisabled" => K::RegionDisabled,
        "MalformedPolicyDocument" | "MalformedPolicyDocumentException" => K::MalformedPolicy,
        "PackedPolicyTooLarge" | "PackedPolicyTooLargeException" => K::PackedPolicyTooLarge,
        "ExpiredToken" | "ExpiredTokenException" => K::ExpiredToken,
        "InvalidIdentityToken"
        | "InvalidIdentityTokenException"
        | "IDPRejectedClaim"
        | "IDPRejectedClaimException" => K::InvalidIdentityToken,
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException"
        | "RequestThrottled"
        | "RequestThrottledException"
        | "SlowDown" => K::Throttled,
        "IDPCommunicationError"
        | "IDPCommunicationErrorException"
        | "InternalFailure"
        | "InternalError"
        | "InternalServerError"
        | "ServiceUnavailable"
        | "ServiceUnavailableException"
        | "RequestTimeout"
        | "RequestTimeoutException"
        | "RequestExpired" => K::Transient,
        _ => return None,
    };
    Some(kind)
}

/// The kind of an answer with no known code, from its HTTP status.
fn kind_for_status(status: u16) -> ProviderErrorKind {
    match status {
        429 => ProviderErrorKind::Throttled,
        500..=599 => ProviderErrorKind::Transient,
        _ => ProviderErrorKind::Other,
    }
}

/// Maps a failed SDK call of `operation` onto a [`ProviderError`].
pub(crate) fn map_sdk_error<E>(
    operation: Operation,
    error: SdkError<E, HttpResponse>,
) -> ProviderError
where
    E: ModeledError + Send + Sync + 'static,
{
    let op = operation.name();
    match &error {
        SdkError::ServiceError(context) => {
            let err = context.err();
            let status = context.raw().status().as_u16();
            let modeled = err.modeled();
            let code = err.code().or(modeled.map(|(_, code)| code));
            let kind = modeled
                .map(|(kind, _)| kind)
                .or_else(|| code.and_then(|code| kind_for_code(operation, code)))
                .unwrap_or_else(|| kind_for_status(status));
            // STS answers a token whose issuer has no IAM OIDC identity provider in the
            // account with the same `InvalidIdentityToken` code as a bad token; only the
            // message ("No OpenIDConnect provider found in your account for https://...",
            // as widely reported, e.g. aws-actions/configure-aws-credentials issue 721) tells
            // them apart.
            let aws_message = err.message().or_else(|| err.modeled_message());
            let kind = match (kind, aws_message) {
                (ProviderErrorKind::InvalidIdentityToken, Some(message)) => {
                    ProviderErrorKind::of_invalid_identity_token(message)
                }
                (kind, _) => kind,
            };
            let message = match aws_message {
                Some(message) if !message.is_empty() => message.to_owned(),
                _ => format!(
                    "STS {op} answered HTTP {status} with {} and no message",
                    code.unwrap_or("no error code")
                ),
            };
            let mapped = ProviderError::new(kind, message);
            match code {
                Some(code) => mapped.with_code(code),
                None => mapped,
            }
        }
        SdkError::TimeoutError(_) => ProviderError::new(
            ProviderErrorKind::Transient,
            format!("STS {op} timed out: {}", DisplayErrorContext(&error)),
        ),
        SdkError::DispatchFailure(failure) => {
            let kind = if failure.is_user() {
                ProviderErrorKind::Other
            } else {
                // I/O, connect and read timeouts, and anything else on the way to STS.
                ProviderErrorKind::Transient
            };
            ProviderError::new(
                kind,
                format!(
                    "STS {op} could not be sent: {}",
                    DisplayErrorContext(&error)
                ),
            )
        }
        // The parser's own words may quote the body, and the body of an AssumeRole answer
        // holds a secret key: only the status is kept.
        SdkError::ResponseError(response) => ProviderError::new(
            kind_for_status(response.raw().status().as_u16()),
            format!(
                "STS {op} answered HTTP {} with a response that could not be read",
                response.raw().status().as_u16(),
            ),
        ),
        SdkError::ConstructionFailure(_) => ProviderError::new(
            ProviderErrorKind::Other,
            format!(
                "STS {op} request could not be built (check the region, endpoint and base credentials): {}",
                DisplayErrorContext(&error)
            ),
        ),
        _ => ProviderError::new(
            ProviderErrorKind::Other,
            format!("STS {op} failed: {}", DisplayErrorContext(&error)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        use ProviderErrorKind as K;
        let cases = [
            ("AccessDenied", K::AccessDenied),
            ("RegionDisabledException", K::RegionDisabled),
            ("MalformedPolicyDocument", K::MalformedPolicy),
            ("PackedPolicyTooLarge", K::PackedPolicyTooLarge),
            ("ExpiredToken", K::ExpiredToken),
            ("ExpiredTokenException", K::ExpiredToken),
            ("InvalidIdentityToken", K::InvalidIdentityToken),
            ("IDPRejectedClaim", K::InvalidIdentityToken),
            ("IDPCommunicationError", K::Transient),
            ("Throttling", K::Throttled),
            ("InternalFailure", K::Transient),
        ];
        for (code, kind) in cases {
            assert_eq!(
                kind_for_code(Operation::AssumeRole, code),
                Some(kind),
                "{code}"
            );
        }
        assert_eq!(kind_for_code(Operation::AssumeRole, "SomethingNew"), None);
        assert_eq!(
            kind_for_code(Operation::AssumeRole, "InvalidClientTokenId"),
            Some(K::Other)
        );
        assert_eq!(
            kind_for_code(Operation::GetCallerIdentity, "InvalidClientTokenId"),
            Some(K::AccessDenied)
        );
        assert_eq!(kind_for_status(503), K::Transient);
        assert_eq!(kind_for_status(429), K::Throttled);
        assert_eq!(kind_for_status(400), K::Other);
    }
}
