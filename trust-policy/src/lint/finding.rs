//! Lint findings: [`LintCode`] (one table: stable name and severity on the workspace's one
//! scale, [`Severity`]), the remediation a customer can act on, and [`LintFinding`].

use std::fmt;

use iam_policy::{FindingCode, Severity, SourceLocation};
use serde::{Deserialize, Serialize};

iam_policy::finding_codes! {
    /// What a trust policy lint finding is about: a stable name and a fixed [`Severity`].
    ///
    /// `Error` is every code that makes the vendor refuse the connection: the vendor's
    /// AssumeRole fails, or the role is unsafe (the External ID is not enforced, or others
    /// can assume it).
    ///
    /// ```
    /// use trust_policy::{LintCode, Severity};
    /// assert_eq!(LintCode::ExternalIdMissing.as_str(), "EXTERNAL_ID_MISSING");
    /// assert_eq!(LintCode::ExternalIdMissing.severity(), Severity::Error);
    /// assert_eq!("EXTRA_PRINCIPALS".parse::<LintCode>()?, LintCode::ExtraPrincipals);
    /// assert!(LintCode::ExternalIdMissing.remediation().contains("sts:ExternalId"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[non_exhaustive]
    pub enum LintCode: "A stable trust policy lint code." {
        /// The text is not valid policy JSON.
        MalformedPolicy = "MALFORMED_POLICY", Error;
        /// The text is over the linter's input limit and was not parsed.
        InputTooLarge = "INPUT_TOO_LARGE", Error;
        /// The policy breaks an IAM rule the validator checks (the validator's code is in
        /// [`LintFinding::validation_code`]).
        PolicyInvalid = "POLICY_INVALID", Error;
        /// Over IAM's trust policy size quota.
        SizeLimitExceeded = "SIZE_LIMIT_EXCEEDED", Error;
        /// No statement trusts the vendor: AssumeRole gets AccessDenied.
        VendorNotTrusted = "VENDOR_NOT_TRUSTED", Error;
        /// The vendor is trusted, but not for `sts:AssumeRole`.
        ActionNotAllowed = "ACTION_NOT_ALLOWED", Error;
        /// No External ID condition: confused-deputy risk, the vendor must refuse the role.
        ExternalIdMissing = "EXTERNAL_ID_MISSING", Error;
        /// The External ID in the policy is not the vendor's.
        ExternalIdMismatch = "EXTERNAL_ID_MISMATCH", Error;
        /// An External ID condition exists but a wrong or missing id is still accepted.
        ExternalIdNotEnforced = "EXTERNAL_ID_NOT_ENFORCED", Error;
        /// `ForAnyValue` / `ForAllValues` on the single-valued `sts:ExternalId`.
        ExternalIdSetOperator = "EXTERNAL_ID_SET_OPERATOR", Warning;
        /// `StringLike` (with or without a set qualifier) with `*` or `?` on `sts:ExternalId`:
        /// the pattern accepts External IDs other than the vendor's.
        ExternalIdPattern = "EXTERNAL_ID_PATTERN", Error;
        /// `StringEqualsIgnoreCase` on `sts:ExternalId`: every case variant of the id is
        /// accepted, so the id is weaker than the vendor generated it.
        ExternalIdCaseInsensitive = "EXTERNAL_ID_CASE_INSENSITIVE", Warning;
        /// `Principal: "*"`, `{"AWS": "*"}`, a wildcard ARN or `NotPrincipal` in an Allow.
        PrincipalTooBroad = "PRINCIPAL_TOO_BROAD", Error;
        /// `Principal: "*"` (or `{"AWS": "*"}`) narrowed to the vendor by an
        /// `aws:PrincipalAccount` / `aws:PrincipalArn` condition: safe, but less plain than
        /// naming the vendor.
        PrincipalWildcardNarrowed = "PRINCIPAL_WILDCARD_NARROWED", Warning;
        /// Another account can assume the role: a principal outside the vendor's account,
        /// whatever its account number.
        OtherAccountsAllowed = "OTHER_ACCOUNTS_ALLOWED", Error;
        /// A principal in the vendor's account other than the role the vendor named (its
        /// account root included), or an AWS service, can assume the role.
        OtherPrincipalsAllowed = "OTHER_PRINCIPALS_ALLOWED", Error;
        /// The vendor sets a source identity and no statement allows `sts:SetSourceIdentity`.
        SourceIdentityNotAllowed = "SOURCE_IDENTITY_NOT_ALLOWED", Error;
        /// The vendor passes session tags and no statement allows `sts:TagSession`.
        TagSessionNotAllowed = "TAG_SESSION_NOT_ALLOWED", Error;
        /// The vendor's call is refused for a reason no finer code names (the message quotes
        /// the simulation's explanation): a refusal always says why.
        VendorRefused = "VENDOR_REFUSED", Error;
        /// A Deny statement blocks the vendor.
        DenyBlocksVendor = "DENY_BLOCKS_VENDOR", Error;
        /// A condition the vendor cannot satisfy (MFA, source IP, ...).
        UnsatisfiableCondition = "UNSATISFIABLE_CONDITION", Error;
        /// A web identity or SAML provider can assume the role and the statement has no
        /// condition at all.
        FederatedUnconditioned = "FEDERATED_UNCONDITIONED", Error;
        /// An OIDC provider can assume the role and no condition pins its `aud` claim.
        OidcAudienceMissing = "OIDC_AUDIENCE_MISSING", Error;
        /// An OIDC provider (an `oidc-provider` ARN) can assume the role and no condition tests
        /// its `sub` claim.
        OidcSubjectMissing = "OIDC_SUBJECT_MISSING", Error;
        /// The OIDC `sub` claim is matched by a bare wildcard (or, for GitHub, a wildcard
        /// before the repository owner), or by a negated / `IfExists` / `ForAllValues` operator.
        OidcSubjectWildcard = "OIDC_SUBJECT_WILDCARD", Error;
        /// Principals that cannot assume the role through the statement (a federated provider
        /// or canonical user in an `sts:AssumeRole`-only statement) are named too.
        ExtraPrincipals = "EXTRA_PRINCIPALS", Suggestion;
        /// The vendor's own web identity token (its issuer's provider, audience and subject)
        /// would be refused: `sts:AssumeRoleWithWebIdentity` gets AccessDenied.
        OidcTokenNotTrusted = "OIDC_TOKEN_NOT_TRUSTED", Error;
        /// A token of another tenant (another `sub` claim) from the vendor's issuer can assume
        /// the role: the OIDC counterpart of an External ID that is not enforced.
        OidcOtherSubjectAccepted = "OIDC_OTHER_SUBJECT_ACCEPTED", Error;
        /// A token the vendor's issuer signed for another audience (`aud` claim) can assume
        /// the role.
        OidcOtherAudienceAccepted = "OIDC_OTHER_AUDIENCE_ACCEPTED", Error;
        /// An identity provider other than the vendor's can assume the role.
        OidcOtherProviderTrusted = "OIDC_OTHER_PROVIDER_TRUSTED", Error;
        /// A token that must be refused reaches an element that cannot be evaluated, so its
        /// refusal cannot be shown (fail closed).
        OidcProbeInconclusive = "OIDC_PROBE_INCONCLUSIVE", Error;
    }
}

impl LintCode {
    /// What the customer should do.
    pub fn remediation(self) -> &'static str {
        match self {
            LintCode::MalformedPolicy => {
                "Fix the JSON at the location shown, or paste the trust policy from the onboarding screen again."
            }
            LintCode::InputTooLarge => {
                "Paste the role's trust policy alone; IAM stores none larger than a few kilobytes."
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
            LintCode::ExternalIdPattern => {
                "Compare sts:ExternalId with StringEquals and the whole External ID, without * or ?: a pattern accepts other customers' ids too."
            }
            LintCode::ExternalIdCaseInsensitive => {
                "Compare sts:ExternalId with StringEquals: the vendor sends the id exactly as generated, so case-insensitive matching only widens what is accepted."
            }
            LintCode::ExternalIdSetOperator => {
                "sts:ExternalId is single-valued: use plain StringEquals instead of ForAnyValue/ForAllValues."
            }
            LintCode::PrincipalTooBroad => {
                "Name the vendor's account or role as the Principal instead of a wildcard or NotPrincipal."
            }
            LintCode::PrincipalWildcardNarrowed => {
                "Optionally name the vendor's account or role as the Principal instead of \"*\"; keep the External ID condition either way."
            }
            LintCode::OtherAccountsAllowed => {
                "Restrict the Principal to the vendor so no other account can assume the role."
            }
            LintCode::OtherPrincipalsAllowed => {
                "Trust only the vendor's role shown (or lint against the vendor's account if the vendor calls from any of its roles), and move AWS services to a role of their own."
            }
            LintCode::FederatedUnconditioned => {
                "Remove the federated statement if the role is only for the vendor, or add conditions on the provider's aud and sub claims."
            }
            LintCode::OidcAudienceMissing => {
                "Add \"StringEquals\": {\"ISSUER:aud\": \"<your client id>\"} to the federated statement (sts.amazonaws.com for GitHub, the identity pool id for Cognito)."
            }
            LintCode::OidcSubjectMissing => {
                "Add a condition on ISSUER:sub naming the identities allowed, e.g. \"repo:your-org/your-repo:ref:refs/heads/main\" for GitHub."
            }
            LintCode::OidcSubjectWildcard => {
                "Match ISSUER:sub with StringEquals, or a StringLike pattern that writes out the owner (\"repo:your-org/*\"), never \"*\" alone."
            }
            LintCode::SourceIdentityNotAllowed => {
                "Add \"sts:SetSourceIdentity\" to the Action of the statement that trusts the vendor."
            }
            LintCode::TagSessionNotAllowed => {
                "Add \"sts:TagSession\" to the Action of the statement that trusts the vendor."
            }
            LintCode::VendorRefused => {
                "Read the explanation shown and correct the statement that trusts the vendor so its AssumeRole is allowed."
            }
            LintCode::DenyBlocksVendor => {
                "Remove the Deny statement shown, or narrow it so it does not match the vendor's AssumeRole."
            }
            LintCode::UnsatisfiableCondition => {
                "Remove the condition shown from the vendor's statement: system-to-system access cannot meet it (for example MFA)."
            }
            LintCode::OidcTokenNotTrusted => {
                "Trust the vendor's OIDC provider as the Federated principal for \"sts:AssumeRoleWithWebIdentity\", with the audience and subject shown on the onboarding screen, exactly."
            }
            LintCode::OidcOtherSubjectAccepted => {
                "Compare the ISSUER:sub key with StringEquals and your own subject, without wildcards: other tenants of the vendor get tokens from the same issuer."
            }
            LintCode::OidcOtherAudienceAccepted => {
                "Add StringEquals on the ISSUER:aud key with the audience shown on the onboarding screen, so tokens meant for other applications are refused."
            }
            LintCode::OidcOtherProviderTrusted => {
                "Remove the other identity providers from the statement, or move them to a role of their own."
            }
            LintCode::OidcProbeInconclusive => {
                "Correct the element shown so it can be evaluated; until then the role cannot be shown to refuse other tenants' tokens."
            }
            LintCode::ExtraPrincipals => {
                "Check that you mean to trust these principals as well; they are not needed for the vendor's connection."
            }
        }
    }
}

/// One problem found in a trust policy: its code (and so its severity and remediation),
/// where it is, and what exactly is wrong.
///
/// It serializes with the severity and remediation spelled out, and deserializes from that
/// form (for stores that keep findings); a stored severity that is not the code's is refused.
///
/// ```
/// use trust_policy::{LintCode, LintFinding, Severity, TrustExpectation, TrustPolicyLint, VendorPrincipal};
/// let lint = TrustPolicyLint::new(TrustExpectation::new(
///     VendorPrincipal::account("999988887777".parse()?),
///     "right-id".parse()?,
/// ));
/// let report = lint.lint_text(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///   "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}]}"#);
/// let finding = &report.findings[0];
/// assert_eq!(finding.code(), LintCode::ExternalIdMissing);
/// assert_eq!(finding.severity(), Severity::Error);
/// assert_eq!(finding.location().path, "$.Statement[0]");
///
/// let json = serde_json::to_value(finding)?;
/// assert_eq!(json["code"], "EXTERNAL_ID_MISSING");
/// assert_eq!(json["severity"], "ERROR");
/// assert_eq!(serde_json::from_value::<LintFinding>(json)?, *finding);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LintFinding {
    code: LintCode,
    location: SourceLocation,
    message: String,
    validation_code: Option<FindingCode>,
}

impl LintFinding {
    pub(crate) fn new(code: LintCode, location: SourceLocation, message: String) -> LintFinding {
        LintFinding {
            code,
            location,
            message,
            validation_code: None,
        }
    }

    /// A finding that reports an `iam-policy` validation finding.
    pub(crate) fn from_validation(code: LintCode, finding: iam_policy::Finding) -> LintFinding {
        LintFinding {
            code,
            location: finding.location,
            message: finding.message,
            validation_code: Some(finding.code),
        }
    }

    /// Fills in the line and column of the location, when it has none yet.
    pub(crate) fn locate(&mut self, text: &str) {
        if self.location.line.is_none()
            && let Some((line, column)) = iam_policy::locate_path(text, &self.location.path)
        {
            self.location.line = Some(line);
            self.location.column = Some(column);
        }
    }

    /// The stable code.
    pub fn code(&self) -> LintCode {
        self.code
    }

    /// The severity, always `code().severity()`.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Where in the policy: JSON path, and line and column when linting text.
    pub fn location(&self) -> &SourceLocation {
        &self.location
    }

    /// What is wrong, with the specifics (which principal, which value).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it, `code().remediation()`.
    pub fn remediation(&self) -> &'static str {
        self.code.remediation()
    }

    /// For [`LintCode::PolicyInvalid`] and [`LintCode::SizeLimitExceeded`]: the code of the
    /// `iam-policy` validation finding reported.
    pub fn validation_code(&self) -> Option<FindingCode> {
        self.validation_code
    }
}

impl fmt::Display for LintFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} at {}: {}",
            self.severity(),
            self.code,
            self.location,
            self.message
        )?;
        if let Some(code) = self.validation_code {
            write!(f, " ({code})")?;
        }
        write!(f, ". Fix: {}", self.remediation())
    }
}

/// One problem found in a trust policy, as serialized.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StoredLintFinding {
    /// Stable code.
    code: LintCode,
    /// Severity, fixed per code.
    severity: Severity,
    /// Where in the policy.
    location: SourceLocation,
    /// What is wrong.
    message: String,
    /// What to do about it (written for readers; derived from the code when read back).
    #[serde(default)]
    remediation: String,
    /// The `iam-policy` validation code, for `POLICY_INVALID` and `SIZE_LIMIT_EXCEEDED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    validation_code: Option<FindingCode>,
}

impl Serialize for LintFinding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredLintFinding {
            code: self.code,
            severity: self.severity(),
            location: self.location.clone(),
            message: self.message.clone(),
            remediation: self.remediation().to_owned(),
            validation_code: self.validation_code,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LintFinding {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<LintFinding, D::Error> {
        let stored = StoredLintFinding::deserialize(deserializer)?;
        if stored.severity != stored.code.severity() {
            return Err(serde::de::Error::custom(format_args!(
                "invalid lint finding severity {}: findings with code {} have severity {}",
                stored.severity,
                stored.code,
                stored.code.severity()
            )));
        }
        Ok(LintFinding {
            code: stored.code,
            location: stored.location,
            message: stored.message,
            validation_code: stored.validation_code,
        })
    }
}

impl schemars::JsonSchema for LintFinding {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LintFinding".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        StoredLintFinding::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_their_stable_names_and_severities() {
        let table: Vec<(&str, Severity)> = LintCode::ALL
            .iter()
            .map(|c| (c.as_str(), c.severity()))
            .collect();
        assert_eq!(
            table,
            [
                ("MALFORMED_POLICY", Severity::Error),
                ("INPUT_TOO_LARGE", Severity::Error),
                ("POLICY_INVALID", Severity::Error),
                ("SIZE_LIMIT_EXCEEDED", Severity::Error),
                ("VENDOR_NOT_TRUSTED", Severity::Error),
                ("ACTION_NOT_ALLOWED", Severity::Error),
                ("EXTERNAL_ID_MISSING", Severity::Error),
                ("EXTERNAL_ID_MISMATCH", Severity::Error),
                ("EXTERNAL_ID_NOT_ENFORCED", Severity::Error),
                ("EXTERNAL_ID_SET_OPERATOR", Severity::Warning),
                ("EXTERNAL_ID_PATTERN", Severity::Error),
                ("EXTERNAL_ID_CASE_INSENSITIVE", Severity::Warning),
                ("PRINCIPAL_TOO_BROAD", Severity::Error),
                ("PRINCIPAL_WILDCARD_NARROWED", Severity::Warning),
                ("OTHER_ACCOUNTS_ALLOWED", Severity::Error),
                ("OTHER_PRINCIPALS_ALLOWED", Severity::Error),
                ("SOURCE_IDENTITY_NOT_ALLOWED", Severity::Error),
                ("TAG_SESSION_NOT_ALLOWED", Severity::Error),
                ("VENDOR_REFUSED", Severity::Error),
                ("DENY_BLOCKS_VENDOR", Severity::Error),
                ("UNSATISFIABLE_CONDITION", Severity::Error),
                ("FEDERATED_UNCONDITIONED", Severity::Error),
                ("OIDC_AUDIENCE_MISSING", Severity::Error),
                ("OIDC_SUBJECT_MISSING", Severity::Error),
                ("OIDC_SUBJECT_WILDCARD", Severity::Error),
                ("EXTRA_PRINCIPALS", Severity::Suggestion),
                ("OIDC_TOKEN_NOT_TRUSTED", Severity::Error),
                ("OIDC_OTHER_SUBJECT_ACCEPTED", Severity::Error),
                ("OIDC_OTHER_AUDIENCE_ACCEPTED", Severity::Error),
                ("OIDC_OTHER_PROVIDER_TRUSTED", Severity::Error),
                ("OIDC_PROBE_INCONCLUSIVE", Severity::Error),
            ]
        );
        for code in LintCode::ALL {
            assert_eq!(code.as_str().parse::<LintCode>(), Ok(*code));
            assert!(code.remediation().ends_with('.'), "{code}");
        }
        let schema = serde_json::to_value(schemars::schema_for!(LintFinding)).unwrap();
        assert!(schema.to_string().contains("EXTERNAL_ID_NOT_ENFORCED"));
        assert!(schema.to_string().contains("MALFORMED_POLICY_DOCUMENT"));
    }

    #[test]
    fn display_and_json_name_everything() {
        let finding = LintFinding::from_validation(
            LintCode::PolicyInvalid,
            iam_policy::Finding::new(
                FindingCode::MissingPrincipal,
                SourceLocation::path("$.Statement[0]"),
                "a trust policy statement needs a Principal",
            ),
        );
        assert_eq!(
            finding.to_string(),
            format!(
                "ERROR POLICY_INVALID at $.Statement[0]: a trust policy statement needs a Principal (MISSING_PRINCIPAL). Fix: {}",
                LintCode::PolicyInvalid.remediation()
            )
        );
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["validation_code"], "MISSING_PRINCIPAL");
        assert_eq!(json["remediation"], LintCode::PolicyInvalid.remediation());
        assert_eq!(
            serde_json::from_value::<LintFinding>(json.clone()).unwrap(),
            finding
        );

        let mut wrong = json;
        wrong["severity"] = "WARNING".into();
        let err = serde_json::from_value::<LintFinding>(wrong)
            .unwrap_err()
            .to_string();
        assert!(err.contains("POLICY_INVALID have severity ERROR"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn stored_findings_load_exactly_when_the_severity_is_the_codes(
            code in proptest::sample::select(LintCode::ALL.to_vec()),
            severity in proptest::sample::select(vec![
                Severity::Error,
                Severity::SecurityWarning,
                Severity::Warning,
                Severity::Suggestion,
            ]),
            validation in proptest::option::of(proptest::sample::select(FindingCode::ALL.to_vec())),
            path in "\\PC{0,20}",
            message in "\\PC{0,40}",
            remediation in proptest::option::of("\\PC{0,20}"),
        ) {
            let mut json = serde_json::json!({
                "code": code,
                "severity": severity,
                "location": {"path": path},
                "message": message,
            });
            if let Some(validation) = validation {
                json["validation_code"] = serde_json::json!(validation);
            }
            if let Some(remediation) = remediation {
                json["remediation"] = remediation.into();
            }
            match serde_json::from_value::<LintFinding>(json) {
                Ok(finding) => {
                    proptest::prop_assert_eq!(severity, code.severity());
                    proptest::prop_assert_eq!(finding.code(), code);
                    proptest::prop_assert_eq!(finding.validation_code(), validation);
                    proptest::prop_assert_eq!(finding.remediation(), code.remediation());
                    let again = serde_json::to_value(&finding).unwrap();
                    proptest::prop_assert_eq!(serde_json::from_value::<LintFinding>(again).unwrap(), finding);
                }
                Err(err) => {
                    proptest::prop_assert_ne!(severity, code.severity());
                    proptest::prop_assert!(err.to_string().contains(code.as_str()));
                }
            }
        }
    }
}
