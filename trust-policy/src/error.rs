//! The crate's one error type.

use iam_policy::Finding;

/// Everything that can go wrong building trust policies or parsing their inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustPolicyError {
    /// A value broke its rule; the field, the value and the rule are named.
    #[error("invalid {field} {value:?}: {rule}")]
    InvalidValue {
        /// What the value was meant to be.
        field: &'static str,
        /// The rejected input (at most its first 120 characters).
        value: String,
        /// The rule it broke.
        rule: String,
    },
    /// The policy does not fit IAM's trust policy size quota.
    #[error(
        "the trust policy is {size} characters, {over} over the {limit}-character trust policy limit; remove optional conditions or ask AWS for the 4,096-character quota"
    )]
    TooLarge {
        /// Characters as IAM counts them.
        size: usize,
        /// The quota applied.
        limit: usize,
        /// `size - limit`.
        over: usize,
    },
    /// The input is larger than the input limit: refused before parsing.
    #[error(
        "the trust policy is {size} bytes, over the {limit}-byte input limit; IAM stores no trust policy anywhere near this size, so it was not parsed"
    )]
    InputTooLarge {
        /// The input's size in bytes.
        size: usize,
        /// The limit applied, in bytes.
        limit: usize,
    },
    /// The generated policy has validation errors (a bug in the inputs' combination).
    #[error("the trust policy does not validate: {}", summarize(.findings))]
    Invalid {
        /// The error findings.
        findings: Vec<Finding>,
    },
    /// An `iam-policy` value was rejected.
    #[error(transparent)]
    Policy(#[from] iam_policy::Error),
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
}

impl TrustPolicyError {
    pub(crate) fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        TrustPolicyError::InvalidValue {
            field,
            value: crate::input::excerpt(value),
            rule: rule.into(),
        }
    }
}

fn summarize(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} at {}: {}", f.code, f.location, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}
