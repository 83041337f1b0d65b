//! Lint findings: stable codes, severities and the remediation a customer can act on.

use std::fmt;

use iam_policy::SourceLocation;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LintSeverity {
    /// The connection must not be used: it fails, or it is unsafe.
    Error,
    /// Works, but should be changed.
    Warning,
    /// Worth knowing.
    Info,
}

impl fmt::Display for LintSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LintSeverity::Error => "ERROR",
            LintSeverity::Warning => "WARNING",
            LintSeverity::Info => "INFO",
        })
    }
}

/// What a finding is about. The string codes are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum LintCode {
    /// The text is not valid policy JSON.
    #[serde(rename = "MALFORMED_POLICY")]
    MalformedPolicy,
    /// The policy breaks an IAM rule the validator checks.
    #[serde(rename = "POLICY_INVALID")]
    PolicyInvalid,
    /// Over IAM's trust policy size quota.
    #[serde(rename = "SIZE_LIMIT_EXCEEDED")]
    SizeLimitExceeded,
    /// No statement trusts the vendor: AssumeRole gets AccessDenied.
    #[serde(rename = "VENDOR_NOT_TRUSTED")]
    VendorNotTrusted,
    /// The vendor is trusted, but not for `sts:AssumeRole`.
    #[serde(rename = "ACTION_NOT_ALLOWED")]
    ActionNotAllowed,
    /// No External ID condition: confused-deputy risk, the vendor must refuse the role.
    #[serde(rename = "EXTERNAL_ID_MISSING")]
    ExternalIdMissing,
    /// The External ID in the policy is not the vendor's.
    #[serde(rename = "EXTERNAL_ID_MISMATCH")]
    ExternalIdMismatch,
    /// An External ID condition exists but a wrong or missing id is still accepted.
    #[serde(rename = "EXTERNAL_ID_NOT_ENFORCED")]
    ExternalIdNotEnforced,
    /// `ForAnyValue` / `ForAllValues` on the single-valued `sts:ExternalId`.
    #[serde(rename = "EXTERNAL_ID_SET_OPERATOR")]
    ExternalIdSetOperator,
    /// `Principal: "*"`, `{"AWS": "*"}`, a wildcard ARN or `NotPrincipal` in an Allow.
    #[serde(rename = "PRINCIPAL_TOO_BROAD")]
    PrincipalTooBroad,
    /// Another account can assume the role.
    #[serde(rename = "OTHER_ACCOUNTS_ALLOWED")]
    OtherAccountsAllowed,
    /// A Deny statement blocks the vendor.
    #[serde(rename = "DENY_BLOCKS_VENDOR")]
    DenyBlocksVendor,
    /// A condition the vendor cannot satisfy (MFA, source IP, ...).
    #[serde(rename = "UNSATISFIABLE_CONDITION")]
    UnsatisfiableCondition,
    /// Principals other than the vendor are trusted too.
    #[serde(rename = "EXTRA_PRINCIPALS")]
    ExtraPrincipals,
}

impl LintCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            LintCode::MalformedPolicy => "MALFORMED_POLICY",
            LintCode::PolicyInvalid => "POLICY_INVALID",
            LintCode::SizeLimitExceeded => "SIZE_LIMIT_EXCEEDED",
            LintCode::VendorNotTrusted => "VENDOR_NOT_TRUSTED",
            LintCode::ActionNotAllowed => "ACTION_NOT_ALLOWED",
            LintCode::ExternalIdMissing => "EXTERNAL_ID_MISSING",
            LintCode::ExternalIdMismatch => "EXTERNAL_ID_MISMATCH",
            LintCode::ExternalIdNotEnforced => "EXTERNAL_ID_NOT_ENFORCED",
            LintCode::ExternalIdSetOperator => "EXTERNAL_ID_SET_OPERATOR",
            LintCode::PrincipalTooBroad => "PRINCIPAL_TOO_BROAD",
            LintCode::OtherAccountsAllowed => "OTHER_ACCOUNTS_ALLOWED",
            LintCode::DenyBlocksVendor => "DENY_BLOCKS_VENDOR",
            LintCode::UnsatisfiableCondition => "UNSATISFIABLE_CONDITION",
            LintCode::ExtraPrincipals => "EXTRA_PRINCIPALS",
        }
    }

    /// The severity findings of this code always have.
    pub fn severity(self) -> LintSeverity {
        match self {
            LintCode::ExternalIdSetOperator => LintSeverity::Warning,
            LintCode::ExtraPrincipals => LintSeverity::Info,
            _ => LintSeverity::Error,
        }
    }

    /// What the customer should do.
    pub fn remediation(self) -> &'static str {
        match self {
            LintCode::MalformedPolicy => {
                "Fix the JSON at the location shown, or paste the trust policy from the onboarding screen again."
            }
            LintCode::PolicyInvalid => {
                "Correct the element shown; IAM rejects this policy with MalformedPolicyDocument."
            }
            LintCode::SizeLimitExceeded => {
                "Remove statements or principals you do not need, or request the 4,096-character trust policy quota from AWS."
            }
            LintCode::VendorNotTrusted => {
                "Set the statement's Principal to the vendor principal shown; until then the vendor's AssumeRole gets AccessDenied."
            }
            LintCode::ActionNotAllowed => {
                "Allow the action \"sts:AssumeRole\" in the statement that trusts the vendor."
            }
            LintCode::ExternalIdMissing => {
                "Add \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"<your External ID>\"}} to the statement that trusts the vendor; without it another customer of the vendor could reach your role (confused deputy), so the vendor refuses the connection."
            }
            LintCode::ExternalIdMismatch => {
                "Replace the External ID in the condition with the one shown on the onboarding screen, exactly."
            }
            LintCode::ExternalIdNotEnforced => {
                "Use StringEquals (no IfExists, no wildcard, no set operator) on sts:ExternalId, and put the condition on every statement that trusts the vendor."
            }
            LintCode::ExternalIdSetOperator => {
                "sts:ExternalId is single-valued: use plain StringEquals instead of ForAnyValue/ForAllValues."
            }
            LintCode::PrincipalTooBroad => {
                "Name the vendor's account or role as the Principal instead of a wildcard or NotPrincipal."
            }
            LintCode::OtherAccountsAllowed => {
                "Restrict the Principal to the vendor so no other account can assume the role."
            }
            LintCode::DenyBlocksVendor => {
                "Remove the Deny statement shown, or narrow it so it does not match the vendor's AssumeRole."
            }
            LintCode::UnsatisfiableCondition => {
                "Remove the condition shown from the vendor's statement: system-to-system access cannot meet it (for example MFA)."
            }
            LintCode::ExtraPrincipals => {
                "Check that you mean to trust these principals as well; they are not needed for the vendor's connection."
            }
        }
    }
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LintFinding {
    /// Stable code.
    pub code: LintCode,
    /// Severity (fixed per code).
    pub severity: LintSeverity,
    /// Where in the policy.
    pub location: SourceLocation,
    /// What is wrong, with the specifics (which principal, which value).
    pub message: String,
    /// What to do about it.
    pub remediation: &'static str,
}

impl LintFinding {
    pub(crate) fn new(code: LintCode, location: SourceLocation, message: String) -> LintFinding {
        LintFinding {
            code,
            severity: code.severity(),
            location,
            message,
            remediation: code.remediation(),
        }
    }
}

impl fmt::Display for LintFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} at {}: {}. Fix: {}",
            self.severity, self.code, self.location, self.message, self.remediation
        )
    }
}
