//! The crate's one error type.

use permission_sets::PermissionSetError;
use trust_policy::TrustPolicyError;

/// Everything that can go wrong producing onboarding artifacts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OnboardingError {
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
    /// The permission set could not be rendered (a parameter value, a quota).
    #[error(transparent)]
    PermissionSet(#[from] PermissionSetError),
    /// The trust policy could not be rendered.
    #[error(transparent)]
    TrustPolicy(#[from] TrustPolicyError),
    /// The artifact format cannot express what the permission set asks for.
    #[error("{artifact} cannot express {what}: {why}")]
    Inexpressible {
        /// `CloudFormation`, `Terraform`, ...
        artifact: &'static str,
        /// The construct.
        what: String,
        /// Why not, and what to change.
        why: String,
    },
    /// An artifact is larger than its service allows.
    #[error("{what} is {size} characters; the limit is {limit}")]
    TooLarge {
        /// What is too large.
        what: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Writing an artifact failed in the YAML or HCL library.
    #[error("could not write the {artifact}: {message}")]
    Write {
        /// The artifact.
        artifact: &'static str,
        /// The library's message.
        message: String,
    },
}

impl OnboardingError {
    pub(crate) fn invalid(
        field: &'static str,
        value: impl Into<String>,
        rule: impl Into<String>,
    ) -> OnboardingError {
        OnboardingError::InvalidValue {
            field,
            value: value.into(),
            rule: rule.into(),
        }
    }
}
