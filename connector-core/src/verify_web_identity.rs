//! The connection test of a web-identity connection (the OIDC counterpart of the External
//! ID check): the vendor's token for the tenant is accepted, the session is the role's, and
//! the role refuses both a token with another tenant's `sub` and a token for another
//! audience. A trust policy that pins neither (or matches `sub` with a wildcard) lets every
//! tenant of the vendor into every customer's role: the confused deputy of federation, so
//! such a connection is refused even though it "works".
//!
//! Fails closed as [`verify_connection`](crate::verify_connection) does: `Verified` only with
//! positive evidence from every step, including AWS's refusal of both forged tokens.

use std::time::SystemTime;

use iam_policy::{Region, RoleArn};

use crate::verify::{VerificationFinding, check_caller_identity};
use crate::{
    ProviderError, ProviderErrorKind, RoleSessionName, StsProvider, TokenSubject, VerificationCode,
    VerificationReport, WebIdentityTokens,
};

/// The `aud` of the negative audience check: not a client id any IAM OIDC provider made for
/// STS would list.
const OTHER_AUDIENCE: &str = "connector-audience-check.invalid";
/// Appended to the tenant's subject for the negative subject check, so a trust policy that
/// matches the subject by prefix (`org/acme*`, `org/*`, `*`) is caught too.
const OTHER_SUBJECT_SUFFIX: &str = "-another-tenant";

/// What the test needs to know about the connection.
#[derive(Debug, Clone, Copy)]
pub struct WebIdentityTarget<'a> {
    /// The customer's role.
    pub role: &'a RoleArn,
    /// The tenant's `sub`.
    pub subject: &'a TokenSubject,
    /// The session name of the positive call (the negative ones add a suffix).
    pub session_name: &'a RoleSessionName,
    /// The STS endpoint's region.
    pub region: Option<&'a Region>,
}

/// Tests a web-identity connection at `now`: `AssumeRoleWithWebIdentity` with a fresh token
/// for the tenant, `GetCallerIdentity` with the credentials, then two calls that AWS must
/// refuse: a token for another tenant's `sub` (`AccessDenied` from the trust policy) and a
/// token for another audience (`AccessDenied`, or `InvalidIdentityToken` when the OIDC
/// provider does not list the audience as a client id: STS API reference,
/// `AssumeRoleWithWebIdentity`, "the audience ... must match one of the client IDs").
pub async fn verify_web_identity_connection(
    provider: &dyn StsProvider,
    tokens: &dyn WebIdentityTokens,
    target: WebIdentityTarget<'_>,
    now: SystemTime,
) -> VerificationReport {
    let mut findings = Vec::new();
    let role = target.role;

    let credentials = match call(provider, tokens, &target, target.subject, None, "", now).await {
        Ok(credentials) => credentials,
        Err(Failure::Mint(error)) => {
            findings.push(not_minted(&error));
            return VerificationReport::decide(None, findings, false);
        }
        Err(Failure::Sts(error)) => {
            let error = error.attributed_to_issuer(tokens.issuer());
            findings.push(web_identity_finding(&error));
            return VerificationReport::decide(None, findings, false);
        }
    };

    let identity =
        check_caller_identity(provider, &credentials, role, target.region, &mut findings).await;
    drop(credentials);

    let other_subject = other_subject(target.subject);
    let subject_refused = match &other_subject {
        Some(other) => {
            let result = call(provider, tokens, &target, other, None, "othersub", now).await;
            negative(
                result,
                &mut findings,
                |kind| kind == ProviderErrorKind::AccessDenied,
                (
                    VerificationCode::OtherSubjectAccepted,
                    format!(
                        "{role} accepts a token with another tenant's subject {other}: every tenant of the vendor could reach it (confused deputy); the connection is refused"
                    ),
                ),
                VerificationCode::SubjectCheckInconclusive,
                "a token with another tenant's subject",
            )
        }
        None => {
            findings.push(VerificationFinding::new(
                VerificationCode::SubjectCheckInconclusive,
                format!(
                    "no other subject than {} could be made for the check",
                    target.subject
                ),
                false,
            ));
            false
        }
    };

    let result = call(
        provider,
        tokens,
        &target,
        target.subject,
        Some(OTHER_AUDIENCE),
        "otheraud",
        now,
    )
    .await;
    // A missing OIDC provider is no refusal of either forged token: it can only appear here
    // if the provider went away after the positive call succeeded, and then says nothing
    // about what the role's trust policy accepts, so those checks stay inconclusive (fail
    // closed) and the next test reports the missing provider from its positive call.
    let audience_refused = negative(
        result,
        &mut findings,
        |kind| {
            matches!(
                kind,
                ProviderErrorKind::AccessDenied | ProviderErrorKind::InvalidIdentityToken
            )
        },
        (
            VerificationCode::OtherAudienceAccepted,
            format!(
                "{role} accepts a token for the audience {OTHER_AUDIENCE:?}: tokens the vendor's issuer mints for anything else open it; the connection is refused"
            ),
        ),
        VerificationCode::AudienceCheckInconclusive,
        "a token for another audience",
    );

    let positive = identity.is_some() && subject_refused && audience_refused;
    VerificationReport::decide(identity, findings, positive)
}

enum Failure {
    Mint(ProviderError),
    Sts(ProviderError),
}

/// One `AssumeRoleWithWebIdentity` with a token for `subject` (and `audience`) minted now,
/// under the target's session name plus `suffix`.
async fn call(
    provider: &dyn StsProvider,
    tokens: &dyn WebIdentityTokens,
    target: &WebIdentityTarget<'_>,
    subject: &TokenSubject,
    audience: Option<&str>,
    suffix: &str,
    now: SystemTime,
) -> Result<crate::TemporaryCredentials, Failure> {
    let token = tokens.mint(subject, audience, now).map_err(Failure::Mint)?;
    let name = if suffix.is_empty() {
        target.session_name.clone()
    } else {
        target.session_name.with_suffix(suffix)
    };
    let request = crate::WebIdentityRequest::new(target.role.clone(), name, token);
    let request = match target.region {
        Some(region) => request.with_region(region.clone()),
        None => request,
    };
    provider
        .assume_role_with_web_identity(&request)
        .await
        .map_err(Failure::Sts)
}

/// Records the outcome of a call AWS must refuse; true only for a refusal `refusal` accepts.
fn negative(
    result: Result<crate::TemporaryCredentials, Failure>,
    findings: &mut Vec<VerificationFinding>,
    refusal: impl Fn(ProviderErrorKind) -> bool,
    accepted: (VerificationCode, String),
    inconclusive: VerificationCode,
    what: &str,
) -> bool {
    match result {
        Err(Failure::Sts(error)) if refusal(error.kind) => true,
        Ok(_) => {
            findings.push(VerificationFinding::new(accepted.0, accepted.1, false));
            false
        }
        Err(Failure::Sts(error)) => {
            findings.push(VerificationFinding::new(
                inconclusive,
                format!(
                    "{what} failed with {} rather than a refusal from AWS, so whether the role refuses it is unknown: {}",
                    error.kind, error.message
                ),
                error.is_retryable(),
            ));
            false
        }
        Err(Failure::Mint(error)) => {
            findings.push(VerificationFinding::new(
                inconclusive,
                format!("{what} could not be minted: {}", error.message),
                false,
            ));
            false
        }
    }
}

/// The tenant's subject with a suffix (shortened to stay within 255 characters).
fn other_subject(subject: &TokenSubject) -> Option<TokenSubject> {
    let keep = TokenSubject::MAX_CHARS - OTHER_SUBJECT_SUFFIX.len();
    let head: String = subject.as_str().chars().take(keep).collect();
    format!("{head}{OTHER_SUBJECT_SUFFIX}")
        .parse()
        .ok()
        .filter(|other| other != subject)
}

fn not_minted(error: &ProviderError) -> VerificationFinding {
    VerificationFinding::new(
        VerificationCode::TokenNotMinted,
        error.message.clone(),
        false,
    )
}

/// What a failed call with the tenant's own token means: denied, rejected, a missing OIDC
/// provider (for the vendor's issuer: the caller attributes it first) and region-disabled
/// are the customer's to fix; everything else reaches no verdict.
fn web_identity_finding(error: &ProviderError) -> VerificationFinding {
    let code = match error.kind {
        ProviderErrorKind::AccessDenied => VerificationCode::WebIdentityDenied,
        ProviderErrorKind::InvalidIdentityToken => VerificationCode::WebIdentityTokenRejected,
        ProviderErrorKind::OidcProviderMissing => VerificationCode::OidcProviderMissing,
        ProviderErrorKind::RegionDisabled => VerificationCode::AssumeRoleRegionDisabled,
        _ => VerificationCode::AssumeRoleInconclusive,
    };
    VerificationFinding::new(
        code,
        format!(
            "AssumeRoleWithWebIdentity with the vendor's token failed with {}: {}",
            error.kind, error.message
        ),
        error.is_retryable(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_subject_differs_and_keeps_the_tenant_prefix() {
        let subject: TokenSubject = "org/acme".parse().unwrap();
        let other = other_subject(&subject).unwrap();
        assert_eq!(other.as_str(), "org/acme-another-tenant");
        let long: TokenSubject = "x".repeat(255).parse().unwrap();
        let other = other_subject(&long).unwrap();
        assert_ne!(other, long);
        assert_eq!(other.as_str().chars().count(), 255);
    }
}
