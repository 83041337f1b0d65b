//! The crate's one error type.

use iam_policy::Finding;

/// Everything that can go wrong defining, rendering or checking permission sets.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PermissionSetError {
    /// A value broke its rule; the field, the value and the rule are named.
    #[error("invalid {field} {value:?}: {rule}")]
    InvalidValue {
        /// What the value was meant to be.
        field: &'static str,
        /// The rejected input.
        value: String,
        /// The rule it broke.
        rule: String,
    },
    /// An action names a service the catalog does not know.
    #[error("unknown service {service:?} in {pattern:?}: no AWS service has this prefix")]
    UnknownService {
        /// The prefix.
        service: String,
        /// The whole pattern.
        pattern: String,
    },
    /// An action the service does not have (a typo, usually).
    #[error("unknown action {action:?}: its service has no action of that name{}", suggestion.as_ref().map(|s| format!("; did you mean {s:?}?")).unwrap_or_default())]
    UnknownAction {
        /// The action as written.
        action: String,
        /// The closest real action, if one is close.
        suggestion: Option<String>,
    },
    /// A wildcard pattern that matches no action of its service.
    #[error(
        "the action pattern {pattern:?} matches no action: a wildcard must cover at least one action of its service"
    )]
    MatchesNothing {
        /// The pattern.
        pattern: String,
    },
    /// Something does not fit an IAM or STS quota.
    #[error("{what} is {size}, {} over the limit of {limit}", size.saturating_sub(*limit))]
    TooLarge {
        /// What is too large.
        what: String,
        /// Its size (characters, or a count).
        size: usize,
        /// The quota.
        limit: usize,
    },
    /// A rendered document has validation errors.
    #[error("the rendered policy does not validate: {}", .findings.iter().map(|f| format!("{} at {}: {}", f.code, f.location, f.message)).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The error findings.
        findings: Vec<Finding>,
    },
    /// An `iam-policy` value was rejected.
    #[error(transparent)]
    Policy(#[from] iam_policy::Error),
}

impl PermissionSetError {
    pub(crate) fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        PermissionSetError::InvalidValue {
            field,
            value: value.to_owned(),
            rule: rule.into(),
        }
    }
}
