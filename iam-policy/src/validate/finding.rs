//! What a validation check reports: [`Severity`], [`FindingCode`] and [`Finding`], in the shape
//! of IAM Access Analyzer's `ValidatePolicy` findings.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::SourceLocation;

/// How much a finding matters, as Access Analyzer grades them (`ValidatePolicyFinding`
/// `findingType`). The order is the order of importance: errors first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Part of the policy does not work, or IAM refuses the policy.
    Error,
    /// The policy allows access that is likely broader than intended.
    SecurityWarning,
    /// The policy works but does not follow policy-writing best practice.
    Warning,
    /// A stylistic improvement that does not change access.
    Suggestion,
}

impl Severity {
    /// As serialized: `ERROR`, `SECURITY_WARNING`, `WARNING` or `SUGGESTION`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::SecurityWarning => "SECURITY_WARNING",
            Severity::Warning => "WARNING",
            Severity::Suggestion => "SUGGESTION",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::finding_codes! {
    /// What a finding is about: a stable identifier and a fixed [`Severity`].
    ///
    /// Names reuse IAM Access Analyzer's issue codes where Access Analyzer has one for the
    /// same problem.
    #[non_exhaustive]
    pub enum FindingCode: "A stable finding identifier (Access Analyzer issue code where one exists)." {
        /// The text is not JSON.
        JsonSyntaxError = "JSON_SYNTAX_ERROR", Error;
        /// The JSON does not follow the IAM policy grammar (unknown element, wrong type, ...).
        MalformedPolicyDocument = "MALFORMED_POLICY_DOCUMENT", Error;
        /// `Statement` is an empty list.
        EmptyArrayStatement = "EMPTY_ARRAY_STATEMENT", Error;
        /// Two statements share a `Sid`.
        DuplicateSid = "DUPLICATE_SID", Error;
        /// A `Sid` in an identity policy has characters other than ASCII letters and digits.
        InvalidSid = "INVALID_SID", Error;
        /// A `Sid` in a trust or session policy has characters other than ASCII letters and digits.
        NonAlphanumericSid = "NON_ALPHANUMERIC_SID", Warning;
        /// `Action` or `NotAction` is an empty list.
        EmptyArrayAction = "EMPTY_ARRAY_ACTION", Error;
        /// `Resource` or `NotResource` is an empty list.
        EmptyArrayResource = "EMPTY_ARRAY_RESOURCE", Error;
        /// A statement of an identity or session policy has neither `Resource` nor `NotResource`.
        MissingResource = "MISSING_RESOURCE", Error;
        /// A role trust policy statement has `Resource` or `NotResource`.
        RoleTrustPolicySyntaxErrorResource = "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", Error;
        /// An identity or session policy statement has `Principal` or `NotPrincipal`.
        UnsupportedPrincipal = "UNSUPPORTED_PRINCIPAL", Error;
        /// A role trust policy statement has no `Principal`.
        MissingPrincipal = "MISSING_PRINCIPAL", Error;
        /// A role trust policy statement uses `NotPrincipal`.
        RoleTrustPolicySyntaxErrorNotPrincipal = "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", Error;
        /// A role trust policy uses the bare `"Principal": "*"`.
        RoleTrustPolicyUnsupportedWildcardInPrincipal =
            "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", Error;
        /// A principal value holds a wildcard other than the whole `{"AWS": "*"}`.
        UnsupportedWildcardInPrincipal = "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", Error;
        /// A principal type lists no values (`{"AWS": []}`).
        EmptyArrayPrincipal = "EMPTY_ARRAY_PRINCIPAL", Error;
        /// `Principal` is an empty object.
        EmptyObjectPrincipal = "EMPTY_OBJECT_PRINCIPAL", Error;
        /// A principal is not `*`, an account id, an IAM/STS principal ARN or a unique id.
        InvalidPrincipalFormat = "INVALID_PRINCIPAL_FORMAT", Error;
        /// A service principal is not a DNS-style name like `ec2.amazonaws.com`.
        InvalidServicePrincipalFormat = "INVALID_SERVICE_PRINCIPAL_FORMAT", Error;
        /// A condition operator IAM does not know.
        InvalidConditionOperator = "INVALID_CONDITION_OPERATOR", Error;
        /// `NullIfExists`, which IAM does not have.
        NullWithIfExists = "NULL_WITH_IF_EXISTS", Error;
        /// A value a Numeric, Date, Bool, Null or IpAddress operator can't read.
        InvalidConditionValue = "INVALID_CONDITION_VALUE", Error;
        /// The text is larger than the validator's parse limit (1 MiB by default): refused
        /// before parsing.
        DocumentTooLarge = "DOCUMENT_TOO_LARGE", Error;
        /// The policy is larger than the quota of its kind (the message names the kind, the size,
        /// the limit and the excess).
        PolicySizeExceeded = "POLICY_SIZE_EXCEEDED", Error;
        /// The inline policies of one user, group or role together are larger than IAM allows.
        InlinePoliciesSizeExceedQuota = "INLINE_POLICIES_SIZE_EXCEED_QUOTA", Error;
        /// A session policy holds a character STS does not accept.
        InvalidSessionPolicyCharacter = "INVALID_SESSION_POLICY_CHARACTER", Error;
        /// `Allow` with `NotPrincipal`: everyone not listed, anonymous callers included.
        AllowWithNotPrincipal = "ALLOW_WITH_NOT_PRINCIPAL", SecurityWarning;
        /// `Allow` to `"*"` or `{"AWS": "*"}` without any condition.
        AllowAnyPrincipalWithoutCondition = "ALLOW_ANY_PRINCIPAL_WITHOUT_CONDITION", SecurityWarning;
        /// `iam:PassRole` allowed on every role.
        PassRoleWithStarInResource = "PASS_ROLE_WITH_STAR_IN_RESOURCE", SecurityWarning;
        /// `"Action": "*"` with `"Resource": "*"` allowed: full administrator access.
        AllowAllActionsOnAllResources = "ALLOW_ALL_ACTIONS_ON_ALL_RESOURCES", SecurityWarning;
        /// `ForAllValues:` on a single-valued key: true whenever the key is absent.
        ForAllValuesWithSingleValuedKey = "FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY", SecurityWarning;
        /// No `Version`: IAM uses `2008-10-17`.
        MissingVersion = "MISSING_VERSION", Warning;
        /// `Version` `2008-10-17`: policy variables are literal text.
        OutdatedVersion = "OUTDATED_VERSION", Warning;
        /// A policy variable in a document whose version does not substitute variables.
        VariableUnsupportedInVersion = "VARIABLE_UNSUPPORTED_IN_VERSION", Warning;
        /// `ForAnyValue:` on a single-valued key.
        ForAnyValueWithSingleValuedKey = "FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY", Warning;
        /// A multivalued key (`aws:CalledVia`, `aws:TagKeys`, ...) under an operator without
        /// `ForAnyValue:` / `ForAllValues:`; evaluation reports such an entry as unevaluable
        /// when the request holds several values.
        MultivaluedKeyWithoutSetOperator = "MULTIVALUED_KEY_WITHOUT_SET_OPERATOR", Warning;
        /// A policy variable in a `Bool` value: AWS's pages disagree on whether it is
        /// substituted; this crate does not, so the condition is unevaluable.
        BoolWithPolicyVariable = "BOOL_WITH_POLICY_VARIABLE", Warning;
        /// `ForAllValues:` in an `Allow` with no `Null` check: true when the key is absent.
        ForAllValuesWithoutNullCheck = "FOR_ALL_VALUES_WITHOUT_NULL_CHECK", Warning;
        /// `ForAnyValue:` or `ForAllValues:` on the `Null` operator.
        NullWithQualifier = "NULL_WITH_QUALIFIER", Warning;
        /// A condition key lists no values.
        EmptyArrayCondition = "EMPTY_ARRAY_CONDITION", Warning;
        /// `Condition` or one of its operators is an empty object.
        EmptyObjectCondition = "EMPTY_OBJECT_CONDITION", Warning;
        /// `IpAddress` on `aws:SourceIp` with a private (RFC 1918) range, which never matches.
        PrivateIpAddress = "PRIVATE_IP_ADDRESS", Warning;
        /// `NotIpAddress` on `aws:SourceIp` with a private (RFC 1918) range, which always matches.
        PrivateNotIpAddress = "PRIVATE_NOT_IP_ADDRESS", Warning;
        /// A trust policy action that is not an `sts:` action.
        UnsupportedActionInTrustPolicy = "UNSUPPORTED_ACTION_IN_TRUST_POLICY", Warning;
        /// An action already covered by another entry of the same list.
        RedundantAction = "REDUNDANT_ACTION", Suggestion;
        /// A resource already covered by another entry of the same list.
        RedundantResource = "REDUNDANT_RESOURCE", Suggestion;
    }
}

/// One problem found in a policy: how much it matters, what it is, where, and what to do.
///
/// Findings serialize as the JSON below and deserialize from it (for stores that keep them);
/// a stored finding whose `severity` is not its code's is refused, naming both.
///
/// ```
/// use iam_policy::{FindingCode, PolicyKind, Severity, Validator};
///
/// let (_, findings) = Validator::new(PolicyKind::ManagedPolicy).validate_text(
///     "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [], \"Resource\": \"*\"}]\n}",
/// );
/// let empty = findings.iter().find(|f| f.code == FindingCode::EmptyArrayAction).unwrap();
/// assert_eq!(empty.severity, Severity::Error);
/// assert_eq!(empty.location.path, "$.Statement[0].Action");
/// assert_eq!((empty.location.line, empty.location.column), (Some(2), Some(37)));
///
/// let json = serde_json::to_value(empty).unwrap();
/// assert_eq!(json["severity"], "ERROR");
/// assert_eq!(json["code"], "EMPTY_ARRAY_ACTION");
/// assert_eq!(json["location"]["line"], 2);
/// assert_eq!(serde_json::from_value::<iam_policy::Finding>(json).unwrap(), *empty);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// How much it matters; always `code.severity()`.
    pub severity: Severity,
    /// What it is.
    pub code: FindingCode,
    /// Where it is.
    pub location: SourceLocation,
    /// What is wrong and what to do about it, in one or two sentences.
    pub message: String,
}

impl Finding {
    /// A finding with the code's severity.
    pub fn new(code: FindingCode, location: SourceLocation, message: impl Into<String>) -> Finding {
        Finding {
            severity: code.severity(),
            code,
            location,
            message: message.into(),
        }
    }
}

/// The serialized form, read before the severity is checked against the code.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFinding {
    severity: Severity,
    code: FindingCode,
    location: SourceLocation,
    message: String,
}

impl<'de> Deserialize<'de> for Finding {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Finding, D::Error> {
        let stored = StoredFinding::deserialize(deserializer)?;
        if stored.severity != stored.code.severity() {
            return Err(serde::de::Error::custom(format_args!(
                "invalid finding severity {}: findings with code {} have severity {}",
                stored.severity,
                stored.code,
                stored.code.severity()
            )));
        }
        Ok(Finding::new(stored.code, stored.location, stored.message))
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} at {}: {}",
            self.severity, self.code, self.location, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_screaming_snake() {
        let mut names: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
        for name in &names {
            assert!(
                name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{name}"
            );
        }
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn serializes_as_access_analyzer_does() {
        assert_eq!(
            serde_json::to_string(&Severity::SecurityWarning).unwrap(),
            "\"SECURITY_WARNING\""
        );
        assert_eq!(Severity::Suggestion.to_string(), "SUGGESTION");
        assert_eq!(
            serde_json::to_string(&FindingCode::MissingVersion).unwrap(),
            "\"MISSING_VERSION\""
        );
        assert!(Severity::Error < Severity::SecurityWarning);
        assert!(Severity::Warning < Severity::Suggestion);
        let schema = serde_json::to_value(schemars::schema_for!(Finding)).unwrap();
        assert!(schema.to_string().contains("EMPTY_ARRAY_ACTION"));
        assert!(schema.to_string().contains("SECURITY_WARNING"));
    }

    #[test]
    fn findings_round_trip_and_a_wrong_severity_is_refused() {
        let finding = Finding::new(
            FindingCode::PassRoleWithStarInResource,
            SourceLocation {
                path: "$.Statement[0].Resource".into(),
                line: Some(3),
                column: Some(7),
            },
            "iam:PassRole on every role",
        );
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(
            serde_json::from_value::<Finding>(json.clone()).unwrap(),
            finding
        );
        let no_position = Finding::new(
            FindingCode::MissingVersion,
            SourceLocation::path("$"),
            "no Version",
        );
        let text = serde_json::to_string(&no_position).unwrap();
        assert_eq!(serde_json::from_str::<Finding>(&text).unwrap(), no_position);

        let mut wrong = json.clone();
        wrong["severity"] = "SUGGESTION".into();
        let err = serde_json::from_value::<Finding>(wrong)
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid finding severity SUGGESTION"), "{err}");
        assert!(
            err.contains("PASS_ROLE_WITH_STAR_IN_RESOURCE have severity SECURITY_WARNING"),
            "{err}"
        );
        let mut unknown = json;
        unknown["code"] = "NOT_A_CODE".into();
        assert!(serde_json::from_value::<Finding>(unknown).is_err());
    }

    #[test]
    fn display_names_everything() {
        let f = Finding::new(
            FindingCode::DuplicateSid,
            SourceLocation::path("$.Statement[1].Sid"),
            "m",
        );
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.to_string(),
            "ERROR DUPLICATE_SID at $.Statement[1].Sid: m"
        );
    }

    proptest::proptest! {
        #[test]
        fn stored_findings_load_exactly_when_the_severity_is_the_codes(
            code in proptest::sample::select(FindingCode::ALL.to_vec()),
            severity in proptest::sample::select(vec![
                Severity::Error,
                Severity::SecurityWarning,
                Severity::Warning,
                Severity::Suggestion,
            ]),
            path in "\\PC{0,30}",
            line in proptest::option::of(1usize..10_000),
            column in proptest::option::of(1usize..500),
            message in "\\PC{0,60}",
        ) {
            let json = serde_json::json!({
                "severity": severity,
                "code": code,
                "location": SourceLocation { path: path.clone(), line, column },
                "message": message,
            });
            match serde_json::from_value::<Finding>(json.clone()) {
                Ok(finding) => {
                    proptest::prop_assert_eq!(severity, code.severity());
                    proptest::prop_assert_eq!(finding.code, code);
                    proptest::prop_assert_eq!(serde_json::to_value(&finding).unwrap(), json);
                }
                Err(err) => {
                    proptest::prop_assert_ne!(severity, code.severity());
                    proptest::prop_assert!(err.to_string().contains(code.as_str()));
                }
            }
        }
    }
}
