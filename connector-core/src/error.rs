//! The crate's one error type.

use crate::ProviderError;

/// Everything that can go wrong in the connector runtime.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectorError {
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
    /// An event that the connection's current state does not accept.
    #[error("connection {connection}: {event} is not possible while the connection is {state}")]
    InvalidTransition {
        /// The connection id.
        connection: String,
        /// The state it is in.
        state: String,
        /// The event refused.
        event: String,
    },
    /// A compare-and-swap lost: someone else updated the connection first.
    #[error(
        "connection {connection} changed concurrently: expected revision {expected}, found {actual}; reload and retry"
    )]
    Conflict {
        /// The connection id.
        connection: String,
        /// The revision the writer started from.
        expected: u64,
        /// The revision in the store.
        actual: u64,
    },
    /// A worker's health-check lease on the connection is no longer its own: it expired and
    /// another worker took the connection over (the check may have run twice; the schedule
    /// is the other worker's now).
    #[error("the health-check lease of {worker} on connection {connection} was lost")]
    LeaseLost {
        /// The connection id.
        connection: String,
        /// The worker that held the lease.
        worker: String,
    },
    /// No connection with that id.
    #[error("no connection {0}")]
    NotFound(String),
    /// The connection already exists.
    #[error("connection {0} already exists")]
    AlreadyExists(String),
    /// The connection exists but does not hand out credentials in its state (only `Active`
    /// and `Degraded` do); no STS call was made.
    #[error(
        "connection {connection} is {state}: it hands out no credentials until it is active again"
    )]
    NotLive {
        /// The connection id.
        connection: String,
        /// Its state.
        state: crate::ConnectionState,
    },
    /// The store cannot be reached or did not answer; the operation may be retried and
    /// nothing was lost.
    #[error("the connection store is unavailable: {message}")]
    StoreUnavailable {
        /// What the backend said (never a secret).
        message: String,
    },
    /// The store refuses this configuration (a TLS certificate that does not verify against
    /// the given root, a bad connection option): retrying with the same settings cannot help,
    /// so it is not retryable; the settings must change.
    #[error("the connection store is misconfigured: {message}")]
    StoreMisconfigured {
        /// What the backend said (never a secret).
        message: String,
    },
    /// A stored record cannot be read back (it breaks a rule, or cannot be decrypted or
    /// parsed); it is reported, never used.
    #[error("connection {connection} is stored in a form that cannot be read: {detail}")]
    CorruptRecord {
        /// The connection id (as stored).
        connection: String,
        /// What is wrong with it.
        detail: String,
    },
    /// An IAM name, ARN or policy was rejected.
    #[error(transparent)]
    Policy(#[from] iam_policy::Error),
    /// A trust policy or External ID could not be made (the OS random source failed, a quota).
    #[error(transparent)]
    TrustPolicy(#[from] trust_policy::TrustPolicyError),
    /// The onboarding artifacts could not be made.
    #[cfg(feature = "onboarding")]
    #[error(transparent)]
    Onboarding(#[from] onboarding::OnboardingError),
    /// A provider (STS) call failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl ConnectorError {
    /// True when trying again later may succeed: a lost compare-and-swap, an unavailable
    /// store, or a retryable provider error.
    pub fn is_retryable(&self) -> bool {
        match self {
            ConnectorError::Conflict { .. } | ConnectorError::StoreUnavailable { .. } => true,
            ConnectorError::Provider(error) => error.is_retryable(),
            ConnectorError::InvalidValue { .. }
            | ConnectorError::InvalidTransition { .. }
            | ConnectorError::LeaseLost { .. }
            | ConnectorError::NotFound(_)
            | ConnectorError::AlreadyExists(_)
            | ConnectorError::NotLive { .. }
            | ConnectorError::CorruptRecord { .. }
            | ConnectorError::StoreMisconfigured { .. }
            | ConnectorError::Policy(_)
            | ConnectorError::TrustPolicy(_) => false,
            #[cfg(feature = "onboarding")]
            ConnectorError::Onboarding(_) => false,
        }
    }

    /// An [`InvalidValue`](ConnectorError::InvalidValue) naming the field, the value and the
    /// rule.
    pub fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        ConnectorError::InvalidValue {
            field,
            value: value.to_owned(),
            rule: rule.into(),
        }
    }
}
