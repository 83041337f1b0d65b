//! The connection test: can the vendor assume the customer's role with the External ID, is
//! the session who it should be, and does the role refuse a caller without the External ID?
//!
//! The last step is the check AWS recommends for third-party access: a role that can be
//! assumed without the External ID is open to the confused deputy ("How to use an external
//! ID when granting access to your AWS resources to a third party", IAM User Guide), so the
//! connection is refused even though it "works".
//!
//! The test fails closed: it is [`VerificationOutcome::Verified`] only when every step gave
//! positive evidence, including an `AccessDenied` from AWS for the call without the External
//! ID. A step that reaches no verdict (throttled, timed out, a call the provider cannot make,
//! a request refused before it was sent) makes the outcome
//! [`Inconclusive`](VerificationOutcome::Inconclusive), with whether retrying may help; never
//! success.

use iam_policy::{Region, RoleArn, Severity};
use trust_policy::{ExternalId, LintCode};

use crate::{
    AssumeRoleRequest, CallerIdentity, ProviderError, ProviderErrorKind, RoleSessionName,
    StsProvider,
};

iam_policy::finding_codes! {
    /// What a connection test finding is about. Error: the customer must fix the role;
    /// Warning: the test reached no verdict on this step.
    #[non_exhaustive]
    pub enum VerificationCode: "A stable code of a connection test finding." {
        /// AssumeRole with the External ID was denied: the trust policy does not let the
        /// vendor in with this External ID, or the role does not exist.
        AssumeRoleDenied = "ASSUME_ROLE_DENIED", Error;
        /// STS is deactivated in the region for the customer's account.
        AssumeRoleRegionDisabled = "ASSUME_ROLE_REGION_DISABLED", Error;
        /// AssumeRole with the External ID reached no verdict.
        AssumeRoleInconclusive = "ASSUME_ROLE_INCONCLUSIVE", Warning;
        /// GetCallerIdentity with the session's credentials reached no verdict.
        CallerIdentityInconclusive = "CALLER_IDENTITY_INCONCLUSIVE", Warning;
        /// The session is not a session of the submitted role.
        IdentityMismatch = "IDENTITY_MISMATCH", Error;
        /// The role can be assumed without the External ID (confused deputy).
        ExternalIdNotRequired = "EXTERNAL_ID_NOT_REQUIRED", Error;
        /// AssumeRole without the External ID did not come back as AccessDenied from AWS.
        ExternalIdCheckInconclusive = "EXTERNAL_ID_CHECK_INCONCLUSIVE", Warning;
        /// A web-identity connection: AssumeRoleWithWebIdentity with the vendor's token for
        /// the tenant was denied (the role is gone or its trust policy does not accept it).
        WebIdentityDenied = "WEB_IDENTITY_DENIED", Error;
        /// A web-identity connection: STS rejected the vendor's token (an OIDC provider
        /// without `sts.amazonaws.com` as a client id, a JWKS AWS cannot fetch, or a token
        /// naming an issuer other than the vendor's).
        WebIdentityTokenRejected = "WEB_IDENTITY_TOKEN_REJECTED", Error;
        /// A web-identity connection: the customer's account has no IAM OIDC identity
        /// provider for the vendor's issuer (never created, or deleted).
        OidcProviderMissing = "OIDC_PROVIDER_MISSING", Error;
        /// A web-identity connection: the vendor's issuer could not mint a token.
        TokenNotMinted = "TOKEN_NOT_MINTED", Warning;
        /// A web-identity connection: a token with another tenant's `sub` was accepted.
        OtherSubjectAccepted = "OTHER_SUBJECT_ACCEPTED", Error;
        /// A web-identity connection: whether the role refuses another tenant's `sub` could
        /// not be established.
        SubjectCheckInconclusive = "SUBJECT_CHECK_INCONCLUSIVE", Warning;
        /// A web-identity connection: a token for another audience was accepted.
        OtherAudienceAccepted = "OTHER_AUDIENCE_ACCEPTED", Error;
        /// A web-identity connection: whether the role refuses another audience could not be
        /// established.
        AudienceCheckInconclusive = "AUDIENCE_CHECK_INCONCLUSIVE", Warning;
    }
}

impl VerificationCode {
    /// What to do about it, in one sentence (the trust policy linter's remediation where the
    /// cause is the trust policy).
    pub fn remediation(self) -> &'static str {
        match self {
            // AWS answers the same AccessDenied for a role that does not exist and for one
            // whose trust policy refuses the call, so both are named.
            VerificationCode::AssumeRoleDenied => {
                "Check that the ARN is the role's (copy it from the stack's outputs or IAM), and that its trust policy names the vendor principal and the External ID given; until then the vendor's AssumeRole gets AccessDenied."
            }
            VerificationCode::AssumeRoleRegionDisabled => {
                ProviderErrorKind::RegionDisabled.remediation()
            }
            VerificationCode::AssumeRoleInconclusive
            | VerificationCode::CallerIdentityInconclusive => {
                "Run the connection test again; if it persists, see the error for what the vendor's side must fix."
            }
            VerificationCode::IdentityMismatch => {
                "Check that the role ARN given is the role the customer created."
            }
            VerificationCode::ExternalIdNotRequired => LintCode::ExternalIdMissing.remediation(),
            VerificationCode::ExternalIdCheckInconclusive
            | VerificationCode::SubjectCheckInconclusive
            | VerificationCode::AudienceCheckInconclusive => {
                "Run the connection test again; if it persists, check the trust policy with the linter."
            }
            VerificationCode::WebIdentityDenied => LintCode::OidcTokenNotTrusted.remediation(),
            VerificationCode::WebIdentityTokenRejected => {
                "Check that the customer's account has an IAM OIDC provider for the vendor's issuer URL with client id sts.amazonaws.com, and that the vendor serves its JWKS over https with a publicly trusted certificate."
            }
            VerificationCode::OidcProviderMissing => {
                ProviderErrorKind::OidcProviderMissing.remediation()
            }
            VerificationCode::TokenNotMinted => {
                "Check the vendor's OIDC issuer configuration (signing key, token lifetime); the customer has nothing to fix."
            }
            VerificationCode::OtherSubjectAccepted => {
                LintCode::OidcOtherSubjectAccepted.remediation()
            }
            VerificationCode::OtherAudienceAccepted => {
                LintCode::OidcOtherAudienceAccepted.remediation()
            }
        }
    }
}

/// One thing the connection test found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct VerificationFinding {
    /// The code.
    code: VerificationCode,
    /// ERROR (the customer must fix the role) or WARNING (no verdict on this step).
    severity: Severity,
    /// What happened.
    message: String,
    /// What to do.
    remediation: String,
    /// True when running the test again later may give a verdict.
    retryable: bool,
}

impl VerificationFinding {
    pub(crate) fn new(
        code: VerificationCode,
        message: String,
        retryable: bool,
    ) -> VerificationFinding {
        VerificationFinding {
            code,
            severity: code.severity(),
            message,
            remediation: code.remediation().to_owned(),
            retryable,
        }
    }

    /// The code.
    pub fn code(&self) -> VerificationCode {
        self.code
    }

    /// `Error` (the customer must fix the role) or `Warning` (no verdict on this step).
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// What happened.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do.
    pub fn remediation(&self) -> &str {
        &self.remediation
    }

    /// True when running the test again later may give a verdict (throttling, network).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

/// The verdict of a connection test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum VerificationOutcome {
    /// Every step gave positive evidence: the role can be used.
    Verified,
    /// The role must not be used until the customer fixes what the error findings say.
    Refused,
    /// No verdict: a step could not be completed. Not verified.
    Inconclusive {
        /// True when running the test again later may give a verdict.
        retryable: bool,
    },
}

/// The result of a connection test.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use connector_core::testing::InMemorySts;
/// use connector_core::{ManualClock, VerificationCode, VerificationOutcome, verify_connection};
/// use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let clock = ManualClock::at_unix(1_800_000_000);
/// let sts = InMemorySts::new(Arc::new(clock), "arn:aws:sts::999988887777:assumed-role/vendor/worker".parse()?);
/// let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/vendor".parse()?;
/// let external_id = ExternalId::generate()?;
/// let trust = CrossAccountTrust::new(VendorPrincipal::account("999988887777".parse()?), external_id.clone()).policy()?;
/// sts.create_role(role.clone(), trust, Duration::from_secs(3600))?;
/// let rt = tokio::runtime::Builder::new_current_thread().build()?;
///
/// let report = rt.block_on(verify_connection(&sts, &role, &external_id, &"verify".parse()?, None));
/// assert_eq!(report.outcome(), VerificationOutcome::Verified);
///
/// // Throttled: no verdict, never success.
/// sts.throttle_next(1);
/// let report = rt.block_on(verify_connection(&sts, &role, &external_id, &"verify".parse()?, None));
/// assert_eq!(report.outcome(), VerificationOutcome::Inconclusive { retryable: true });
/// assert_eq!(report.findings()[0].code(), VerificationCode::AssumeRoleInconclusive);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(
    description = "The result of a connection test: the verdict, who the session turned out to be, and everything found, errors first."
)]
pub struct VerificationReport {
    /// True only when the outcome is `verified`.
    verified: bool,
    /// The verdict.
    #[serde(flatten)]
    outcome: VerificationOutcome,
    /// Who the session turned out to be, when GetCallerIdentity answered.
    identity: Option<CallerIdentity>,
    /// Everything found, errors first.
    findings: Vec<VerificationFinding>,
}

impl VerificationReport {
    /// The verdict.
    pub fn outcome(&self) -> VerificationOutcome {
        self.outcome
    }

    /// True only for [`VerificationOutcome::Verified`].
    pub fn is_verified(&self) -> bool {
        self.outcome == VerificationOutcome::Verified
    }

    /// Who the session turned out to be, when GetCallerIdentity answered.
    pub fn identity(&self) -> Option<&CallerIdentity> {
        self.identity.as_ref()
    }

    /// Everything found, errors first.
    pub fn findings(&self) -> &[VerificationFinding] {
        &self.findings
    }

    /// The finding that decides the verdict: the first error when refused, the first
    /// inconclusive step otherwise; `None` when verified.
    pub fn deciding_finding(&self) -> Option<&VerificationFinding> {
        match self.outcome {
            VerificationOutcome::Verified => None,
            VerificationOutcome::Refused | VerificationOutcome::Inconclusive { .. } => {
                self.findings.first()
            }
        }
    }
}

/// Tests a connection: `AssumeRole` with the External ID, `GetCallerIdentity` with the
/// resulting credentials, then `AssumeRole` without the External ID, which AWS must deny.
/// The check without the External ID runs under a session name derived from `session_name`
/// (`NAME-noid`, or a shortened name with a digest when that would pass STS's 64
/// characters), so it is always a name STS accepts.
pub async fn verify_connection(
    provider: &dyn StsProvider,
    role: &RoleArn,
    external_id: &ExternalId,
    session_name: &RoleSessionName,
    region: Option<&Region>,
) -> VerificationReport {
    let request = AssumeRoleRequest::new(role.clone(), session_name.clone())
        .with_external_id(external_id.clone())
        .with_optional_region(region.cloned());
    let mut findings = Vec::new();

    let credentials = match provider.assume_role(&request).await {
        Ok(credentials) => credentials,
        Err(error) => {
            findings.push(assume_role_finding(&error));
            return VerificationReport::decide(None, findings, false);
        }
    };

    let identity = check_caller_identity(provider, &credentials, role, region, &mut findings).await;
    drop(credentials);

    let without_id = request
        .clone()
        .without_external_id()
        .with_session_name(session_name.with_suffix("noid"));
    let refused_without_id = match provider.assume_role(&without_id).await {
        // Only AWS's own AccessDenied is evidence that the External ID is required.
        Err(error) if error.kind == ProviderErrorKind::AccessDenied => true,
        Ok(_) => {
            findings.push(VerificationFinding::new(
                VerificationCode::ExternalIdNotRequired,
                format!("{role} can be assumed without the External ID, so another customer of the vendor could reach it (confused deputy); the connection is refused"),
                false,
            ));
            false
        }
        Err(error) => {
            findings.push(VerificationFinding::new(
                VerificationCode::ExternalIdCheckInconclusive,
                format!(
                    "assuming the role without the External ID failed with {} rather than AWS's AccessDenied, so whether the role requires the External ID is unknown: {}",
                    error.kind, error.message
                ),
                error.is_retryable(),
            ));
            false
        }
    };
    let positive = identity.is_some() && refused_without_id;
    VerificationReport::decide(identity, findings, positive)
}

/// `GetCallerIdentity` with the session's credentials: the identity, with a finding when it
/// is not a session of `role` (refused) or when the call reached no verdict.
pub(crate) async fn check_caller_identity(
    provider: &dyn StsProvider,
    credentials: &crate::TemporaryCredentials,
    role: &RoleArn,
    region: Option<&Region>,
    findings: &mut Vec<VerificationFinding>,
) -> Option<CallerIdentity> {
    match provider.caller_identity(credentials, region).await {
        Ok(identity) => {
            if !is_session_of(&identity, role) {
                findings.push(VerificationFinding::new(
                    VerificationCode::IdentityMismatch,
                    format!(
                        "the session is {} in account {}, not a session of {role}",
                        identity.arn, identity.account
                    ),
                    false,
                ));
            }
            Some(identity)
        }
        Err(error) => {
            findings.push(VerificationFinding::new(
                VerificationCode::CallerIdentityInconclusive,
                format!(
                    "GetCallerIdentity with the session's credentials failed with {}: {}",
                    error.kind, error.message
                ),
                error.is_retryable(),
            ));
            None
        }
    }
}

impl VerificationReport {
    /// The report of a web-identity test that could not mint a token: inconclusive, never
    /// retryable (the vendor's configuration must change).
    pub(crate) fn not_minted(message: &str) -> VerificationReport {
        VerificationReport::decide(
            None,
            vec![VerificationFinding::new(
                VerificationCode::TokenNotMinted,
                message.to_owned(),
                false,
            )],
            false,
        )
    }

    /// The verdict from the findings: any error refuses; otherwise any finding (a step with
    /// no verdict) is inconclusive; `Verified` needs `positive` evidence from every step as
    /// well as no finding.
    pub(crate) fn decide(
        identity: Option<CallerIdentity>,
        mut findings: Vec<VerificationFinding>,
        positive: bool,
    ) -> VerificationReport {
        findings.sort_by_key(|f| f.severity);
        let outcome = if findings.iter().any(|f| f.severity == Severity::Error) {
            VerificationOutcome::Refused
        } else if findings.is_empty() && positive {
            VerificationOutcome::Verified
        } else {
            VerificationOutcome::Inconclusive {
                retryable: !findings.is_empty() && findings.iter().all(|f| f.retryable),
            }
        };
        VerificationReport {
            verified: outcome == VerificationOutcome::Verified,
            outcome,
            identity,
            findings,
        }
    }
}

/// What a failed AssumeRole with the External ID means: denied and region-disabled are the
/// customer's to fix; everything else (throttling, network, a request the vendor built
/// wrong, a provider without the call) reaches no verdict.
fn assume_role_finding(error: &ProviderError) -> VerificationFinding {
    let code = match error.kind {
        ProviderErrorKind::AccessDenied => VerificationCode::AssumeRoleDenied,
        ProviderErrorKind::RegionDisabled => VerificationCode::AssumeRoleRegionDisabled,
        _ => VerificationCode::AssumeRoleInconclusive,
    };
    VerificationFinding::new(
        code,
        format!(
            "AssumeRole with the External ID failed with {}: {}",
            error.kind, error.message
        ),
        error.is_retryable(),
    )
}

/// True when `identity` is a session of `role`: the role's account and the ARN
/// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE-NAME/SESSION` (the path is not part of an
/// assumed-role ARN; IAM User Guide, "IAM identifiers").
fn is_session_of(identity: &CallerIdentity, role: &RoleArn) -> bool {
    let prefix = format!(
        "arn:{}:sts::{}:assumed-role/{}/",
        role.partition(),
        role.account_id(),
        role.role_name()
    );
    identity.account == role.account_id().as_str() && identity.arn.starts_with(&prefix)
}
