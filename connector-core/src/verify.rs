//! The connection test: can the vendor assume the customer's role with the External ID, is
//! the session who it should be, and does the role refuse a caller without the External ID?
//!
//! The last step is the check AWS recommends for third-party access: a role that can be
//! assumed without the External ID is open to the confused deputy, so the connection is
//! refused even though it "works". Every failure carries a stable code and the same
//! remediation the trust policy linter and the provider error taxonomy give.

use iam_policy::RoleArn;
use trust_policy::{ExternalId, LintCode};

use crate::{AssumeRoleRequest, CallerIdentity, ProviderError, ProviderErrorKind, StsProvider};

/// How bad a verification finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
pub enum VerificationSeverity {
    /// The connection must not be used.
    Error,
    /// Worth attention; the connection may be used.
    Warning,
}

/// One problem the connection test found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct VerificationFinding {
    /// Stable code, e.g. `ASSUME_ROLE_FAILED`, `EXTERNAL_ID_NOT_REQUIRED`.
    pub code: String,
    /// Severity.
    pub severity: VerificationSeverity,
    /// What happened.
    pub message: String,
    /// What to do.
    pub remediation: String,
}

/// The result of a connection test.
///
/// ```
/// use connector_core::{VerificationReport, VerificationSeverity};
/// let report = VerificationReport { verified: false, identity: None, findings: vec![] };
/// assert!(!report.verified);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct VerificationReport {
    /// True when the role can be used: assumed with the External ID, identity as expected, and
    /// refused without the External ID.
    pub verified: bool,
    /// Who the session turned out to be.
    pub identity: Option<CallerIdentity>,
    /// Everything found, errors first.
    pub findings: Vec<VerificationFinding>,
}

impl VerificationReport {
    /// The first error finding, which is the diagnosis to store on the connection.
    pub fn first_error(&self) -> Option<&VerificationFinding> {
        self.findings
            .iter()
            .find(|f| f.severity == VerificationSeverity::Error)
    }
}

fn finding(
    code: &str,
    severity: VerificationSeverity,
    message: String,
    remediation: &str,
) -> VerificationFinding {
    VerificationFinding {
        code: code.to_owned(),
        severity,
        message,
        remediation: remediation.to_owned(),
    }
}

fn provider_finding(step: &str, error: &ProviderError) -> VerificationFinding {
    // Access denied on the real call is almost always the trust policy: say what the linter
    // would say about it.
    let remediation = if error.kind == ProviderErrorKind::AccessDenied {
        LintCode::VendorNotTrusted.remediation()
    } else {
        error.remediation()
    };
    finding(
        &format!("{step}_{}", error.kind.as_str()),
        if error.is_retryable() {
            VerificationSeverity::Warning
        } else {
            VerificationSeverity::Error
        },
        format!(
            "{}: {}",
            step.to_ascii_lowercase().replace('_', " "),
            error.message
        ),
        remediation,
    )
}

/// Tests a connection: `AssumeRole` with the External ID, `GetCallerIdentity` with the
/// resulting credentials, then `AssumeRole` without the External ID, which must be denied.
pub async fn verify_connection(
    provider: &dyn StsProvider,
    role: &RoleArn,
    external_id: &ExternalId,
    session_name: &str,
    region: Option<&str>,
) -> VerificationReport {
    let mut findings = Vec::new();
    let mut request =
        AssumeRoleRequest::new(role.clone(), session_name).external_id(external_id.clone());
    if let Some(region) = region {
        request = request.region(region);
    }
    let credentials = match provider.assume_role(&request).await {
        Ok(credentials) => credentials,
        Err(error) => {
            findings.push(provider_finding("ASSUME_ROLE", &error));
            return VerificationReport {
                verified: false,
                identity: None,
                findings,
            };
        }
    };

    let identity = match provider.caller_identity(&credentials, region).await {
        Ok(identity) => {
            let expected_arn_prefix = format!(
                "arn:{}:sts::{}:assumed-role/{}/",
                role.partition(),
                role.account_id(),
                role.role_name()
            );
            if identity.account != role.account_id().as_str()
                || !identity.arn.starts_with(&expected_arn_prefix)
            {
                findings.push(finding(
                    "IDENTITY_MISMATCH",
                    VerificationSeverity::Error,
                    format!(
                        "the session is {} in account {}, not a session of {role}",
                        identity.arn, identity.account
                    ),
                    "Check that the role ARN given is the role the customer created.",
                ));
            }
            Some(identity)
        }
        Err(error) => {
            findings.push(provider_finding("CALLER_IDENTITY", &error));
            None
        }
    };

    let mut without_id = AssumeRoleRequest::new(role.clone(), format!("{session_name}-noid"));
    without_id.region = request.region.clone();
    match provider.assume_role(&without_id).await {
        Err(error) if error.kind == ProviderErrorKind::AccessDenied => {}
        Ok(_) => findings.push(finding(
            "EXTERNAL_ID_NOT_REQUIRED",
            VerificationSeverity::Error,
            format!("{role} can be assumed without the External ID, so another customer of the vendor could reach it (confused deputy); the connection is refused"),
            LintCode::ExternalIdMissing.remediation(),
        )),
        Err(error) => findings.push(finding(
            "EXTERNAL_ID_CHECK_INCONCLUSIVE",
            VerificationSeverity::Warning,
            format!("assuming the role without the External ID failed with {} rather than AccessDenied: {}", error.kind, error.message),
            "Run the connection test again; if it persists, check the trust policy with the linter.",
        )),
    }
    findings.sort_by_key(|f| f.severity == VerificationSeverity::Warning);
    VerificationReport {
        verified: identity.is_some()
            && !findings
                .iter()
                .any(|f| f.severity == VerificationSeverity::Error),
        identity,
        findings,
    }
}
