//! `SetupError`: why arranging the in-memory STS (roles, OIDC providers) was refused.

use iam_policy::Finding;

use crate::ConnectorError;

/// Why a setup call of [`InMemorySts`](super::InMemorySts) was refused. These mirror what IAM
/// answers (`MalformedPolicyDocument`, `EntityAlreadyExists`, `NoSuchEntity`, ...), so a
/// test cannot arrange a world AWS would not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// `iam_policy::Validator` with `PolicyKind::trust_policy()` found errors: IAM would
    /// refuse the trust policy with `MalformedPolicyDocument` (moto would accept it).
    #[error("the trust policy of {role} is malformed (IAM answers MalformedPolicyDocument): {}", summarize(.findings))]
    MalformedTrustPolicy {
        /// The role.
        role: String,
        /// The error findings, with code, location and message.
        findings: Vec<Finding>,
    },
    /// A role's `MaxSessionDuration` must be 3,600 to 43,200 seconds.
    #[error("the maximum session of {role} is {seconds} s; IAM accepts 3,600 to 43,200 s")]
    InvalidMaxSession {
        /// The role.
        role: String,
        /// The rejected duration, in seconds.
        seconds: u64,
    },
    /// A role with this name already exists in the account (names are case-insensitive).
    #[error("a role named like {0} already exists in its account (EntityAlreadyExists)")]
    RoleAlreadyExists(String),
    /// No such role (`NoSuchEntity`).
    #[error("no role {0} (NoSuchEntity)")]
    NoSuchRole(String),
    /// The OIDC issuer URL breaks IAM's rules.
    #[error("invalid OIDC issuer {issuer:?}: {rule}")]
    InvalidIssuer {
        /// The issuer as given.
        issuer: String,
        /// The rule it broke.
        rule: &'static str,
    },
    /// An audience (client id) breaks IAM's rules.
    #[error("invalid OIDC audience {audience:?}: {rule}")]
    InvalidAudience {
        /// The audience as given.
        audience: String,
        /// The rule it broke.
        rule: &'static str,
    },
    /// The account already has a provider for this issuer.
    #[error("account {account} already has an OIDC provider for {issuer} (EntityAlreadyExists)")]
    OidcProviderAlreadyExists {
        /// The account.
        account: String,
        /// The issuer (host and path).
        issuer: String,
    },
    /// The account has no provider for this issuer.
    #[error("account {account} has no OIDC provider for {issuer} (NoSuchEntity)")]
    NoSuchOidcProvider {
        /// The account.
        account: String,
        /// The issuer (host and path).
        issuer: String,
    },
}

fn summarize(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} at {}: {}", f.code, f.location.path, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<SetupError> for ConnectorError {
    fn from(error: SetupError) -> ConnectorError {
        match error {
            SetupError::RoleAlreadyExists(role) => ConnectorError::AlreadyExists(role),
            SetupError::OidcProviderAlreadyExists { account, issuer } => {
                ConnectorError::AlreadyExists(format!("{account}:oidc-provider/{issuer}"))
            }
            SetupError::NoSuchRole(role) => ConnectorError::NotFound(role),
            SetupError::NoSuchOidcProvider { account, issuer } => {
                ConnectorError::NotFound(format!("{account}:oidc-provider/{issuer}"))
            }
            SetupError::MalformedTrustPolicy { ref role, .. } => {
                ConnectorError::invalid("trust policy", role, error.to_string())
            }
            SetupError::InvalidMaxSession { ref role, .. } => {
                ConnectorError::invalid("MaxSessionDuration", role, error.to_string())
            }
            SetupError::InvalidIssuer { ref issuer, rule } => {
                ConnectorError::invalid("OIDC issuer", issuer, rule)
            }
            SetupError::InvalidAudience { ref audience, rule } => {
                ConnectorError::invalid("OIDC audience", audience, rule)
            }
        }
    }
}
