//! The connection's states and the events that move it, with the state diagram:
//!
//! ```text
//!                RoleSubmitted            VerificationSucceeded
//!  +---------+ ----------------> +-----------+ -----------------> +--------+
//!  | Pending |                   | Verifying |                    | Active | -------------+
//!  +---------+ <---------------- +-----------+                    +--------+              |
//!              VerificationFailed  |   ^   ^                        |    ^                |
//!                                  +---+   |          RefreshFailed |    | Refresh-       |
//!        RoleSubmitted (a new ARN),        |                        v    | Succeeded      |
//!        VerificationInconclusive          |                     +----------+             |
//!                                          |                     | Degraded |             |
//!                                          |                     +----------+             |
//!                                          |                          |                   |
//!                       ReconnectRequested |                          |  AccessRevoked or |
//!                        (maybe a new ARN) |                          |                   |
//!                                          |                          v                   |
//!                                          |                  +--------------+            |
//!                                          +----------------- | Disconnected | <----------+
//!                                                             +--------------+
//!
//!  The AccessRevoked edges leave both Active and Degraded. A failed refresh degrades, whatever
//!  its cause, unless the customer's side refused (AccessRevoked): a fault of the vendor's
//!  (its own credentials, a session policy STS rejects) never disconnects a customer.
//!  Self loops that keep the state:
//!    Verifying:    RoleSubmitted (the customer corrected the ARN), VerificationInconclusive
//!                  (the test reached no verdict: throttled, timed out; retry later).
//!    Active:       RefreshSucceeded, RotationStarted, RotationCompleted.
//!    Degraded:     RefreshFailed (`state_since` is kept), RotationStarted,
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

/// Where a connection stands. What went wrong, and since when, are on the connection
/// ([`Connection::last_diagnosis`](super::Connection::last_diagnosis),
/// [`Connection::state_since`](super::Connection::state_since)); the state itself serializes
/// as one flat word: `"state": "degraded"`.
///
/// | state | event | next state |
/// |---|---|---|
/// | `Pending` | `RoleSubmitted` | `Verifying` |
/// | `Verifying` | `RoleSubmitted` (a corrected ARN) | `Verifying` |
/// | `Verifying` | `VerificationSucceeded` | `Active` |
/// | `Verifying` | `VerificationFailed` | `Pending` |
/// | `Verifying` | `VerificationInconclusive` | `Verifying` |
/// | `Active`, `Degraded` | `RefreshSucceeded` | `Active` |
/// | `Active`, `Degraded` | `RefreshFailed` | `Degraded` (`state_since` kept while degraded) |
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
/// use connector_core::{Connection, ConnectionEvent as E, ConnectionState, ConnectorError, Diagnosis, DiagnosisCode, Timestamp};
/// let throttled = Diagnosis::new(DiagnosisCode::Throttled, "Rate exceeded", Timestamp(30));
/// let c = Connection::builder("acme".parse()?, "ext-id-123".parse()?)
///     .with_account("111122223333".parse()?)
///     .build(Timestamp(0))?
///     .apply(E::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse()? }, Timestamp(10))?
///     .apply(E::VerificationSucceeded, Timestamp(20))?
///     .apply(E::RefreshFailed { diagnosis: throttled }, Timestamp(30))?;
/// assert_eq!(c.state(), ConnectionState::Degraded);
/// assert_eq!(c.state_since(), Timestamp(30));
/// assert_eq!(c.last_diagnosis().map(|d| d.code()), Some(DiagnosisCode::Throttled));
/// let c = c.apply(E::RefreshSucceeded, Timestamp(40))?;
/// assert_eq!((c.state(), c.revision()), (ConnectionState::Active, 4));
/// assert_eq!(serde_json::to_value(&c)?["state"], "active");
///
/// // Refused: naming the state and the event.
/// let err = c.apply(E::VerificationSucceeded, Timestamp(50)).unwrap_err();
/// assert!(matches!(&err, ConnectorError::InvalidTransition { state, event, .. }
///     if state == "active" && event == "verification_succeeded"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(
    description = "Where a connection stands: pending (waiting for the customer's role), verifying (the connection test is running or reached no verdict), active, degraded (transient trouble; credentials may still flow), disconnected (access revoked or refused, or disconnected by the vendor) or removed (terminal)."
)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Waiting for the customer to create the role and hand back its ARN.
    Pending,
    /// The role ARN is in; the connection test is running or reached no verdict yet.
    Verifying,
    /// Working.
    Active,
    /// Transient trouble (throttling, timeouts); credentials may still flow.
    Degraded,
    /// Access was revoked or refused (the role is gone, its trust changed, the External ID
    /// no longer matches, or, for a web identity, the customer deleted the IAM OIDC identity
    /// provider for the vendor's issuer), or the vendor disconnected it. No credentials are
    /// handed out.
    Disconnected,
    /// Deleted by the vendor; terminal.
    Removed,
}

impl ConnectionState {
    /// Every state.
    pub const ALL: [ConnectionState; 6] = [
        ConnectionState::Pending,
        ConnectionState::Verifying,
        ConnectionState::Active,
        ConnectionState::Degraded,
        ConnectionState::Disconnected,
        ConnectionState::Removed,
    ];

    /// A short name, e.g. `degraded`, as serialized.
    pub fn name(self) -> &'static str {
        match self {
            ConnectionState::Pending => "pending",
            ConnectionState::Verifying => "verifying",
            ConnectionState::Active => "active",
            ConnectionState::Degraded => "degraded",
            ConnectionState::Disconnected => "disconnected",
            ConnectionState::Removed => "removed",
        }
    }

    /// True for `Removed`, which no event leaves.
    pub fn is_terminal(self) -> bool {
        matches!(self, ConnectionState::Removed)
    }

    /// True for `Active` and `Degraded`: the states in which credentials are handed out.
    pub fn is_live(self) -> bool {
        matches!(self, ConnectionState::Active | ConnectionState::Degraded)
    }
}

impl std::fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ConnectionState {
    type Err = crate::ConnectorError;
    fn from_str(name: &str) -> Result<Self, crate::ConnectorError> {
        ConnectionState::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                crate::ConnectorError::invalid(
                    "state",
                    name,
                    "a state is pending, verifying, active, degraded, disconnected or removed",
                )
            })
    }
}

/// Something that happened to a connection; [`Connection::apply`](super::Connection::apply)
/// turns it into the next record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The customer handed back the role ARN (it must be in the connection's account, when
    /// that is known; otherwise the role's account becomes the connection's).
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
    /// The connection test reached no verdict (throttled, timed out, a check the provider
    /// cannot run); the connection stays `Verifying`.
    VerificationInconclusive {
        /// Why.
        diagnosis: Diagnosis,
    },
    /// Credentials were refreshed.
    RefreshSucceeded,
    /// A refresh failed for a reason other than the customer refusing (throttling, network
    /// trouble, or a fault on the vendor's side such as its own credentials): the connection
    /// degrades; valid credentials may still flow.
    RefreshFailed {
        /// Why.
        diagnosis: Diagnosis,
    },
    /// The customer's side refused (STS denied access: the role is gone or no longer trusts
    /// the vendor with this External ID; or STS is deactivated in the region for the
    /// customer's account): the connection disconnects.
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
    /// The vendor disconnects.
    DisconnectRequested,
    /// The vendor deletes the connection.
    RemoveRequested,
}

impl ConnectionEvent {
    /// A short name, e.g. `refresh_failed`.
    pub fn name(&self) -> &'static str {
        match self {
            ConnectionEvent::RoleSubmitted { .. } => "role_submitted",
            ConnectionEvent::VerificationSucceeded => "verification_succeeded",
            ConnectionEvent::VerificationFailed { .. } => "verification_failed",
            ConnectionEvent::VerificationInconclusive { .. } => "verification_inconclusive",
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
            | ConnectionEvent::VerificationInconclusive { diagnosis }
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
