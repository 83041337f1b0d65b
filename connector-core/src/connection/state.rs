//! The connection's states and the events that move it, with the state diagram:
//!
//! ```text
//!                RoleSubmitted            VerificationSucceeded
//!  +---------+ ----------------> +-----------+ -----------------> +--------+
//!  | Pending |                   | Verifying |                    | Active | -------------+
//!  +---------+ <---------------- +-----------+                    +--------+              |
//!              VerificationFailed  |   ^   ^                        |    ^                |
//!                                  +---+   |          RefreshFailed |    | Refresh-       |
//!                         RoleSubmitted    |           (retryable)  v    | Succeeded      |
//!                         (replaces ARN)   |                     +----------+             |
//!                                          |                     | Degraded |             |
//!                                          |                     +----------+             |
//!                                          |                          |                   |
//!                       ReconnectRequested |                          |  AccessRevoked or |
//!                        (maybe a new ARN) |                          |  RefreshFailed    |
//!                                          |                          v  (not retryable)  |
//!                                          |                  +--------------+            |
//!                                          +----------------- | Disconnected | <----------+
//!                                                             +--------------+
//!
//!  The AccessRevoked / RefreshFailed (not retryable) edges leave both Active and Degraded.
//!  Self loops that keep the state:
//!    Verifying:    RoleSubmitted (the customer corrected the ARN).
//!    Active:       RefreshSucceeded, RotationStarted, RotationCompleted.
//!    Degraded:     RefreshFailed (retryable; `since` is kept), RotationStarted,
//!                  RotationCompleted.
//!    Disconnected: RotationCompleted (the customer moved to the new External ID first).
//!  DisconnectRequested: Pending, Verifying, Active, Degraded -> Disconnected.
//!  RemoveRequested: every state but Removed -> Removed, which is terminal.
//! ```
//!
//! The transition function, [`Connection::apply`](super::Connection::apply), is in
//! `transition.rs`.

use iam_policy::RoleArn;
use trust_policy::ExternalId;

use super::Diagnosis;
use crate::Timestamp;

/// Where a connection stands.
///
/// | state | event | next state |
/// |---|---|---|
/// | `Pending` | `RoleSubmitted` | `Verifying` |
/// | `Verifying` | `RoleSubmitted` (a corrected ARN) | `Verifying` |
/// | `Verifying` | `VerificationSucceeded` | `Active` |
/// | `Verifying` | `VerificationFailed` | `Pending` |
/// | `Active`, `Degraded` | `RefreshSucceeded` | `Active` |
/// | `Active`, `Degraded` | `RefreshFailed`, retryable | `Degraded` (`since` kept while degraded) |
/// | `Active`, `Degraded` | `RefreshFailed`, not retryable | `Disconnected` |
/// | `Active`, `Degraded` | `AccessRevoked` | `Disconnected` |
/// | `Active`, `Degraded` | `RotationStarted` (none in progress) | unchanged |
/// | `Active`, `Degraded`, `Disconnected` | `RotationCompleted` (one in progress) | unchanged |
/// | `Disconnected` | `ReconnectRequested` | `Verifying` |
/// | `Pending`, `Verifying`, `Active`, `Degraded` | `DisconnectRequested` | `Disconnected` |
/// | every state but `Removed` | `RemoveRequested` | `Removed` |
///
/// Every other pair is refused with [`ConnectorError::InvalidTransition`](crate::ConnectorError::InvalidTransition).
///
/// ```
/// use connector_core::{Connection, ConnectionEvent as E, ConnectionState, ConnectorError, Diagnosis, Timestamp};
/// let throttled = Diagnosis {
///     code: "THROTTLED".into(), message: "Rate exceeded".into(),
///     remediation: "Retry with backoff.".into(), at: Timestamp(30),
/// };
/// let c = Connection::new("acme", "Acme", "111122223333".parse()?, "ext-id-123".parse()?, Timestamp(0))?
///     .apply(E::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse()? }, Timestamp(10))?
///     .apply(E::VerificationSucceeded, Timestamp(20))?
///     .apply(E::RefreshFailed { diagnosis: throttled, retryable: true }, Timestamp(30))?;
/// assert_eq!(c.state, ConnectionState::Degraded { reason: "Rate exceeded".into(), since: Timestamp(30) });
/// assert_eq!(c.last_diagnosis.as_ref().map(|d| d.code.as_str()), Some("THROTTLED"));
/// let c = c.apply(E::RefreshSucceeded, Timestamp(40))?;
/// assert_eq!((c.state.name(), c.revision), ("active", 4));
///
/// // Refused: naming the state and the event.
/// let err = c.apply(E::VerificationSucceeded, Timestamp(50)).unwrap_err();
/// assert!(matches!(&err, ConnectorError::InvalidTransition { state, event, .. }
///     if state == "active" && event == "verification_succeeded"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConnectionState {
    /// Waiting for the customer to create the role and hand back its ARN.
    Pending,
    /// The role ARN is in; the connection test is running.
    Verifying,
    /// Working.
    Active,
    /// Transient trouble (throttling, timeouts); credentials may still flow.
    Degraded {
        /// What is wrong.
        reason: String,
        /// Since when (kept while the trouble lasts).
        since: Timestamp,
    },
    /// Access was revoked or refused: the role is gone, its trust changed, or the External ID
    /// no longer matches; or the platform disconnected it.
    Disconnected {
        /// Why.
        reason: String,
    },
    /// Deleted by the platform; terminal.
    Removed,
}

impl ConnectionState {
    /// A short name, e.g. `degraded`.
    pub fn name(&self) -> &'static str {
        match self {
            ConnectionState::Pending => "pending",
            ConnectionState::Verifying => "verifying",
            ConnectionState::Active => "active",
            ConnectionState::Degraded { .. } => "degraded",
            ConnectionState::Disconnected { .. } => "disconnected",
            ConnectionState::Removed => "removed",
        }
    }

    /// True for `Removed`, which no event leaves.
    pub fn is_terminal(&self) -> bool {
        matches!(self, ConnectionState::Removed)
    }
}

impl std::fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Something that happened to a connection; [`Connection::apply`](super::Connection::apply)
/// turns it into the next record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The customer handed back the role ARN (it must be in the connection's account).
    RoleSubmitted {
        /// The role.
        role_arn: RoleArn,
    },
    /// The connection test passed.
    VerificationSucceeded,
    /// The connection test failed; back to waiting for a fixed role.
    VerificationFailed {
        /// Why.
        diagnosis: Diagnosis,
    },
    /// Credentials were refreshed.
    RefreshSucceeded,
    /// A refresh failed; `retryable` failures degrade, others (access denied) disconnect.
    RefreshFailed {
        /// Why.
        diagnosis: Diagnosis,
        /// Throttling, timeouts, network trouble.
        retryable: bool,
    },
    /// STS denied access: the customer revoked it.
    AccessRevoked {
        /// Why.
        diagnosis: Diagnosis,
    },
    /// An External ID rotation began: the customer's trust policy is to accept both ids.
    RotationStarted {
        /// The new id; it must differ from the current one.
        next_external_id: ExternalId,
    },
    /// The rotation finished: only the new id is used from now on.
    RotationCompleted,
    /// Try again after a disconnection, optionally with a new role.
    ReconnectRequested {
        /// A replacement role, if the customer created a new one; needed when no role was
        /// ever submitted.
        role_arn: Option<RoleArn>,
    },
    /// The platform disconnects.
    DisconnectRequested,
    /// The platform deletes the connection.
    RemoveRequested,
}

impl ConnectionEvent {
    /// A short name, e.g. `refresh_failed`.
    pub fn name(&self) -> &'static str {
        match self {
            ConnectionEvent::RoleSubmitted { .. } => "role_submitted",
            ConnectionEvent::VerificationSucceeded => "verification_succeeded",
            ConnectionEvent::VerificationFailed { .. } => "verification_failed",
            ConnectionEvent::RefreshSucceeded => "refresh_succeeded",
            ConnectionEvent::RefreshFailed { .. } => "refresh_failed",
            ConnectionEvent::AccessRevoked { .. } => "access_revoked",
            ConnectionEvent::RotationStarted { .. } => "rotation_started",
            ConnectionEvent::RotationCompleted => "rotation_completed",
            ConnectionEvent::ReconnectRequested { .. } => "reconnect_requested",
            ConnectionEvent::DisconnectRequested => "disconnect_requested",
            ConnectionEvent::RemoveRequested => "remove_requested",
        }
    }

    /// The diagnosis the event carries, if any; applying the event records it on the
    /// connection.
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        match self {
            ConnectionEvent::VerificationFailed { diagnosis }
            | ConnectionEvent::RefreshFailed { diagnosis, .. }
            | ConnectionEvent::AccessRevoked { diagnosis } => Some(diagnosis),
            ConnectionEvent::RoleSubmitted { .. }
            | ConnectionEvent::VerificationSucceeded
            | ConnectionEvent::RefreshSucceeded
            | ConnectionEvent::RotationStarted { .. }
            | ConnectionEvent::RotationCompleted
            | ConnectionEvent::ReconnectRequested { .. }
            | ConnectionEvent::DisconnectRequested
            | ConnectionEvent::RemoveRequested => None,
        }
    }
}
