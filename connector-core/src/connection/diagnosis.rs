//! `Diagnosis`: why a connection is not (fully) working, with a code from one closed table,
//! and the conversions from what produces diagnoses (provider errors, connection test
//! findings, the vendor's own actions).

use iam_policy::Severity;

use crate::{ProviderError, ProviderErrorKind, Timestamp, VerificationCode, VerificationFinding};

iam_policy::finding_codes! {
    /// What a [`Diagnosis`] is about. Error means the customer (or the vendor's setup) must
    /// change something; Warning means trouble that may pass by itself, or no verdict yet.
    #[non_exhaustive]
    pub enum DiagnosisCode: "A stable code of a connection diagnosis." {
        /// STS denied the vendor access: the role is gone, its trust policy changed, or the
        /// External ID no longer matches.
        AccessDenied = "ACCESS_DENIED", Error;
        /// STS is deactivated in the region for the customer's account.
        RegionDisabled = "REGION_DISABLED", Error;
        /// The vendor's session policy is not valid.
        MalformedPolicy = "MALFORMED_POLICY", Error;
        /// The vendor's session policy and tags are too large once packed.
        PackedPolicyTooLarge = "PACKED_POLICY_TOO_LARGE", Error;
        /// STS throttled the vendor.
        Throttled = "THROTTLED", Warning;
        /// The vendor's own credentials (or web identity token) expired.
        ExpiredToken = "EXPIRED_TOKEN", Error;
        /// The web identity token was rejected.
        InvalidIdentityToken = "INVALID_IDENTITY_TOKEN", Error;
        /// The customer's account has no IAM OIDC identity provider for the vendor's issuer:
        /// deleted (the customer revoked access), or, in a connection test, never created.
        OidcProviderMissing = "OIDC_PROVIDER_MISSING", Error;
        /// Network trouble, a timeout or a server error reaching STS.
        Transient = "TRANSIENT", Warning;
        /// The vendor built a request STS would refuse.
        InvalidRequest = "INVALID_REQUEST", Error;
        /// The vendor's provider cannot make the call.
        Unsupported = "UNSUPPORTED", Error;
        /// Any other STS error.
        StsError = "STS_ERROR", Error;
        /// The connection test: AssumeRole with the External ID was denied.
        AssumeRoleDenied = "ASSUME_ROLE_DENIED", Error;
        /// The connection test: STS is deactivated in the region for the customer's account.
        AssumeRoleRegionDisabled = "ASSUME_ROLE_REGION_DISABLED", Error;
        /// The connection test: AssumeRole reached no verdict.
        AssumeRoleInconclusive = "ASSUME_ROLE_INCONCLUSIVE", Warning;
        /// The connection test: GetCallerIdentity reached no verdict.
        CallerIdentityInconclusive = "CALLER_IDENTITY_INCONCLUSIVE", Warning;
        /// The connection test: the session is not a session of the submitted role.
        IdentityMismatch = "IDENTITY_MISMATCH", Error;
        /// The connection test: the role can be assumed without the External ID.
        ExternalIdNotRequired = "EXTERNAL_ID_NOT_REQUIRED", Error;
        /// The connection test: whether the role refuses a caller without the External ID
        /// could not be established.
        ExternalIdCheckInconclusive = "EXTERNAL_ID_CHECK_INCONCLUSIVE", Warning;
        /// The vendor disconnected the connection.
        DisconnectRequested = "DISCONNECT_REQUESTED", Warning;
        /// A health check: the role can be assumed, but the product's probe with its
        /// credentials was denied (the permission policy was removed or narrowed).
        ProbeDenied = "PROBE_DENIED", Error;
        /// The customer deleted the onboarding stack (its registration resource said so):
        /// the role is gone.
        StackDeleted = "STACK_DELETED", Error;
        /// The connection test of a web-identity connection: the vendor's token was denied.
        WebIdentityDenied = "WEB_IDENTITY_DENIED", Error;
        /// The connection test of a web-identity connection: STS rejected the vendor's token.
        WebIdentityTokenRejected = "WEB_IDENTITY_TOKEN_REJECTED", Error;
        /// The vendor's OIDC issuer could not mint a token.
        TokenNotMinted = "TOKEN_NOT_MINTED", Warning;
        /// The connection test: the role accepts a token with another tenant's `sub`.
        OtherSubjectAccepted = "OTHER_SUBJECT_ACCEPTED", Error;
        /// The connection test: whether the role refuses another tenant's `sub` is unknown.
        SubjectCheckInconclusive = "SUBJECT_CHECK_INCONCLUSIVE", Warning;
        /// The connection test: the role accepts a token for another audience.
        OtherAudienceAccepted = "OTHER_AUDIENCE_ACCEPTED", Error;
        /// The connection test: whether the role refuses another audience is unknown.
        AudienceCheckInconclusive = "AUDIENCE_CHECK_INCONCLUSIVE", Warning;
    }
}

impl DiagnosisCode {
    /// What to do about it, in one sentence.
    pub fn remediation(self) -> &'static str {
        match self {
            DiagnosisCode::AccessDenied => ProviderErrorKind::AccessDenied.remediation(),
            DiagnosisCode::RegionDisabled | DiagnosisCode::AssumeRoleRegionDisabled => {
                ProviderErrorKind::RegionDisabled.remediation()
            }
            DiagnosisCode::MalformedPolicy => ProviderErrorKind::MalformedPolicy.remediation(),
            DiagnosisCode::PackedPolicyTooLarge => {
                ProviderErrorKind::PackedPolicyTooLarge.remediation()
            }
            DiagnosisCode::Throttled => ProviderErrorKind::Throttled.remediation(),
            DiagnosisCode::ExpiredToken => ProviderErrorKind::ExpiredToken.remediation(),
            DiagnosisCode::InvalidIdentityToken => {
                ProviderErrorKind::InvalidIdentityToken.remediation()
            }
            DiagnosisCode::OidcProviderMissing => {
                ProviderErrorKind::OidcProviderMissing.remediation()
            }
            DiagnosisCode::Transient => ProviderErrorKind::Transient.remediation(),
            DiagnosisCode::InvalidRequest => ProviderErrorKind::InvalidRequest.remediation(),
            DiagnosisCode::Unsupported => ProviderErrorKind::Unsupported.remediation(),
            DiagnosisCode::StsError => ProviderErrorKind::Other.remediation(),
            DiagnosisCode::AssumeRoleDenied => VerificationCode::AssumeRoleDenied.remediation(),
            DiagnosisCode::AssumeRoleInconclusive => {
                VerificationCode::AssumeRoleInconclusive.remediation()
            }
            DiagnosisCode::CallerIdentityInconclusive => {
                VerificationCode::CallerIdentityInconclusive.remediation()
            }
            DiagnosisCode::IdentityMismatch => VerificationCode::IdentityMismatch.remediation(),
            DiagnosisCode::ExternalIdNotRequired => {
                VerificationCode::ExternalIdNotRequired.remediation()
            }
            DiagnosisCode::ExternalIdCheckInconclusive => {
                VerificationCode::ExternalIdCheckInconclusive.remediation()
            }
            DiagnosisCode::WebIdentityDenied => VerificationCode::WebIdentityDenied.remediation(),
            DiagnosisCode::WebIdentityTokenRejected => {
                VerificationCode::WebIdentityTokenRejected.remediation()
            }
            DiagnosisCode::TokenNotMinted => VerificationCode::TokenNotMinted.remediation(),
            DiagnosisCode::OtherSubjectAccepted => {
                VerificationCode::OtherSubjectAccepted.remediation()
            }
            DiagnosisCode::SubjectCheckInconclusive => {
                VerificationCode::SubjectCheckInconclusive.remediation()
            }
            DiagnosisCode::OtherAudienceAccepted => {
                VerificationCode::OtherAudienceAccepted.remediation()
            }
            DiagnosisCode::AudienceCheckInconclusive => {
                VerificationCode::AudienceCheckInconclusive.remediation()
            }
            DiagnosisCode::DisconnectRequested => {
                "Reconnect the connection when access is wanted again."
            }
            DiagnosisCode::StackDeleted => {
                "Ask the customer to create the onboarding stack again if they want the connection back."
            }
            DiagnosisCode::ProbeDenied => {
                "Check that the role's permission policy is still attached and still grants what the product reads; redeploy the onboarding stack if it was changed."
            }
        }
    }
}

impl From<ProviderErrorKind> for DiagnosisCode {
    fn from(kind: ProviderErrorKind) -> DiagnosisCode {
        match kind {
            ProviderErrorKind::AccessDenied => DiagnosisCode::AccessDenied,
            ProviderErrorKind::RegionDisabled => DiagnosisCode::RegionDisabled,
            ProviderErrorKind::MalformedPolicy => DiagnosisCode::MalformedPolicy,
            ProviderErrorKind::PackedPolicyTooLarge => DiagnosisCode::PackedPolicyTooLarge,
            ProviderErrorKind::Throttled => DiagnosisCode::Throttled,
            ProviderErrorKind::ExpiredToken => DiagnosisCode::ExpiredToken,
            ProviderErrorKind::InvalidIdentityToken => DiagnosisCode::InvalidIdentityToken,
            ProviderErrorKind::OidcProviderMissing => DiagnosisCode::OidcProviderMissing,
            ProviderErrorKind::Transient => DiagnosisCode::Transient,
            ProviderErrorKind::InvalidRequest => DiagnosisCode::InvalidRequest,
            ProviderErrorKind::Unsupported => DiagnosisCode::Unsupported,
            ProviderErrorKind::Other => DiagnosisCode::StsError,
        }
    }
}

impl From<VerificationCode> for DiagnosisCode {
    fn from(code: VerificationCode) -> DiagnosisCode {
        match code {
            VerificationCode::AssumeRoleDenied => DiagnosisCode::AssumeRoleDenied,
            VerificationCode::AssumeRoleRegionDisabled => DiagnosisCode::AssumeRoleRegionDisabled,
            VerificationCode::AssumeRoleInconclusive => DiagnosisCode::AssumeRoleInconclusive,
            VerificationCode::CallerIdentityInconclusive => {
                DiagnosisCode::CallerIdentityInconclusive
            }
            VerificationCode::IdentityMismatch => DiagnosisCode::IdentityMismatch,
            VerificationCode::ExternalIdNotRequired => DiagnosisCode::ExternalIdNotRequired,
            VerificationCode::WebIdentityDenied => DiagnosisCode::WebIdentityDenied,
            VerificationCode::WebIdentityTokenRejected => DiagnosisCode::WebIdentityTokenRejected,
            VerificationCode::OidcProviderMissing => DiagnosisCode::OidcProviderMissing,
            VerificationCode::TokenNotMinted => DiagnosisCode::TokenNotMinted,
            VerificationCode::OtherSubjectAccepted => DiagnosisCode::OtherSubjectAccepted,
            VerificationCode::SubjectCheckInconclusive => DiagnosisCode::SubjectCheckInconclusive,
            VerificationCode::OtherAudienceAccepted => DiagnosisCode::OtherAudienceAccepted,
            VerificationCode::AudienceCheckInconclusive => DiagnosisCode::AudienceCheckInconclusive,
            VerificationCode::ExternalIdCheckInconclusive => {
                DiagnosisCode::ExternalIdCheckInconclusive
            }
        }
    }
}

/// Why a connection is not (fully) working: a code from [`DiagnosisCode`], what happened,
/// what to do, and when.
///
/// ```
/// use connector_core::{Diagnosis, DiagnosisCode, ProviderError, ProviderErrorKind, Timestamp};
/// let error = ProviderError::new(ProviderErrorKind::Throttled, "Rate exceeded");
/// let diagnosis = Diagnosis::from_provider_error(&error, Timestamp(60));
/// assert_eq!(diagnosis.code(), DiagnosisCode::Throttled);
/// assert_eq!(diagnosis.message(), "Rate exceeded");
/// assert!(diagnosis.remediation().contains("backoff"));
/// let json = serde_json::to_value(&diagnosis)?;
/// assert_eq!(json["code"], "THROTTLED");
/// assert_eq!(json["severity"], "WARNING");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(
    description = "Why a connection is not (fully) working: a stable code, its severity, what happened, what to do, and when it was diagnosed."
)]
pub struct Diagnosis {
    /// The stable code.
    code: DiagnosisCode,
    /// ERROR: something must change; WARNING: trouble that may pass, or no verdict yet.
    severity: Severity,
    /// What happened.
    message: String,
    /// What to do about it, in one sentence.
    remediation: String,
    /// When it was diagnosed (seconds since the Unix epoch).
    at: Timestamp,
}

impl Diagnosis {
    /// A diagnosis with the code's own remediation.
    pub fn new(code: DiagnosisCode, message: impl Into<String>, at: Timestamp) -> Diagnosis {
        Diagnosis::with_remediation(code, message, code.remediation(), at)
    }

    /// A diagnosis with a remediation of its own (more specific than the code's).
    pub fn with_remediation(
        code: DiagnosisCode,
        message: impl Into<String>,
        remediation: impl Into<String>,
        at: Timestamp,
    ) -> Diagnosis {
        Diagnosis {
            code,
            severity: code.severity(),
            message: message.into(),
            remediation: remediation.into(),
            at,
        }
    }

    /// What a failed STS call says about the connection.
    pub fn from_provider_error(error: &ProviderError, at: Timestamp) -> Diagnosis {
        Diagnosis::with_remediation(
            DiagnosisCode::from(error.kind),
            error.message.clone(),
            error.remediation(),
            at,
        )
    }

    /// What a connection test finding says about the connection.
    pub fn from_finding(finding: &VerificationFinding, at: Timestamp) -> Diagnosis {
        Diagnosis::with_remediation(
            DiagnosisCode::from(finding.code()),
            finding.message(),
            finding.remediation(),
            at,
        )
    }

    /// The code.
    pub fn code(&self) -> DiagnosisCode {
        self.code
    }

    /// How much it matters (always `code().severity()`).
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// What happened.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it, in one sentence.
    pub fn remediation(&self) -> &str {
        &self.remediation
    }

    /// When it was diagnosed.
    pub fn at(&self) -> Timestamp {
        self.at
    }

    /// True when `other` says the same thing (code, message and remediation), whenever it was
    /// diagnosed: the same trouble seen again is not news worth a store write.
    pub fn says_the_same_as(&self, other: &Diagnosis) -> bool {
        self.code == other.code
            && self.message == other.message
            && self.remediation == other.remediation
    }
}

#[derive(serde::Deserialize)]
struct WireDiagnosis {
    code: DiagnosisCode,
    message: String,
    remediation: String,
    at: Timestamp,
}

/// The severity is derived from the code on the way in, whatever the stored text says.
impl<'de> serde::Deserialize<'de> for Diagnosis {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WireDiagnosis {
            code,
            message,
            remediation,
            at,
        } = WireDiagnosis::deserialize(deserializer)?;
        Ok(Diagnosis::with_remediation(code, message, remediation, at))
    }
}
