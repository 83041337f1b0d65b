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
    /// No connection with that id.
    #[error("no connection {0}")]
    NotFound(String),
    /// The connection already exists.
    #[error("connection {0} already exists")]
    AlreadyExists(String),
    /// A provider (STS) call failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl ConnectorError {
    pub(crate) fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        ConnectorError::InvalidValue {
            field,
            value: value.to_owned(),
            rule: rule.into(),
        }
    }
}
