//! The connection state machine, pure and exhaustive.
//!
//! ```text
//!            RoleSubmitted           VerificationSucceeded
//!  Pending ----------------> Verifying --------------------> Active <------------+
//!     ^                         |                              |  ^               |
//!     +---VerificationFailed----+        RefreshFailed(retry)  |  | RefreshSucceeded
//!                                                              v  |               |
//!                                                            Degraded ------------+
//!                                                              |
//!   AccessRevoked / RefreshFailed(final) from Active or Degraded
//!                                                              v
//!                         ReconnectRequested             Disconnected
//!              Verifying <------------------------------------+
//!
//!  DisconnectRequested: Pending, Verifying, Active, Degraded -> Disconnected
//!  RemoveRequested: any state but Removed -> Removed (terminal)
//!  RotationStarted / RotationCompleted: Active or Degraded, state unchanged
//! ```
//!
//! The transition function matches every (state, event) pair with no catch-all arm, so a
//! new state or event does not compile until its transitions are decided.

use iam_policy::RoleArn;
use trust_policy::ExternalId;

use super::{Connection, Diagnosis};
use crate::{ConnectorError, Timestamp};

/// Where a connection stands.
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
        /// Since when.
        since: Timestamp,
    },
    /// Access was revoked or refused: the role is gone, its trust changed, or the External ID
    /// no longer matches.
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
}

/// Something that happened to a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The customer handed back the role ARN.
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
    /// A refresh failed; `retryable` failures degrade, others disconnect.
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
    /// An External ID rotation began: the trust policy accepts both ids.
    RotationStarted {
        /// The new id.
        next_external_id: ExternalId,
    },
    /// The rotation finished: only the new id is accepted.
    RotationCompleted,
    /// Try again after a disconnection, optionally with a new role.
    ReconnectRequested {
        /// A replacement role, if the customer created a new one.
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
}

impl Connection {
    /// Applies `event` at `now`: the updated record (revision + 1), or `InvalidTransition`.
    pub fn apply(
        &self,
        event: ConnectionEvent,
        now: Timestamp,
    ) -> Result<Connection, ConnectorError> {
        use ConnectionEvent as E;
        use ConnectionState as S;
        let refuse = |event: &ConnectionEvent| ConnectorError::InvalidTransition {
            connection: self.id.to_string(),
            state: self.state.name().to_owned(),
            event: event.name().to_owned(),
        };
        let mut next = self.clone();
        let state = match (&self.state, &event) {
            // Onboarding.
            (S::Pending | S::Verifying, E::RoleSubmitted { role_arn }) => {
                next.role_arn = Some(role_arn.clone());
                S::Verifying
            }
            (
                S::Active | S::Degraded { .. } | S::Disconnected { .. } | S::Removed,
                E::RoleSubmitted { .. },
            ) => {
                return Err(refuse(&event));
            }
            (S::Verifying, E::VerificationSucceeded) => S::Active,
            (
                S::Pending | S::Active | S::Degraded { .. } | S::Disconnected { .. } | S::Removed,
                E::VerificationSucceeded,
            ) => {
                return Err(refuse(&event));
            }
            (S::Verifying, E::VerificationFailed { diagnosis }) => {
                next.last_diagnosis = Some(diagnosis.clone());
                S::Pending
            }
            (
                S::Pending | S::Active | S::Degraded { .. } | S::Disconnected { .. } | S::Removed,
                E::VerificationFailed { .. },
            ) => {
                return Err(refuse(&event));
            }
            // Running.
            (S::Active | S::Degraded { .. }, E::RefreshSucceeded) => S::Active,
            (
                S::Pending | S::Verifying | S::Disconnected { .. } | S::Removed,
                E::RefreshSucceeded,
            ) => {
                return Err(refuse(&event));
            }
            (
                S::Active,
                E::RefreshFailed {
                    diagnosis,
                    retryable: true,
                },
            ) => {
                next.last_diagnosis = Some(diagnosis.clone());
                S::Degraded {
                    reason: diagnosis.message.clone(),
                    since: now,
                }
            }
            (
                S::Degraded { since, .. },
                E::RefreshFailed {
                    diagnosis,
                    retryable: true,
                },
            ) => {
                next.last_diagnosis = Some(diagnosis.clone());
                S::Degraded {
                    reason: diagnosis.message.clone(),
                    since: *since,
                }
            }
            (
                S::Active | S::Degraded { .. },
                E::RefreshFailed {
                    diagnosis,
                    retryable: false,
                },
            )
            | (S::Active | S::Degraded { .. }, E::AccessRevoked { diagnosis }) => {
                next.last_diagnosis = Some(diagnosis.clone());
                S::Disconnected {
                    reason: diagnosis.message.clone(),
                }
            }
            (
                S::Pending | S::Verifying | S::Disconnected { .. } | S::Removed,
                E::RefreshFailed { .. } | E::AccessRevoked { .. },
            ) => {
                return Err(refuse(&event));
            }
            // External ID rotation.
            (S::Active | S::Degraded { .. }, E::RotationStarted { next_external_id }) => {
                if self.next_external_id.is_some() || *next_external_id == self.external_id {
                    return Err(refuse(&event));
                }
                next.next_external_id = Some(next_external_id.clone());
                self.state.clone()
            }
            (S::Active | S::Degraded { .. }, E::RotationCompleted) => {
                let Some(new_id) = self.next_external_id.clone() else {
                    return Err(refuse(&event));
                };
                next.external_id = new_id;
                next.next_external_id = None;
                self.state.clone()
            }
            (
                S::Pending | S::Verifying | S::Disconnected { .. } | S::Removed,
                E::RotationStarted { .. } | E::RotationCompleted,
            ) => {
                return Err(refuse(&event));
            }
            // Recovery and shutdown.
            (S::Disconnected { .. }, E::ReconnectRequested { role_arn }) => {
                if let Some(role_arn) = role_arn {
                    next.role_arn = Some(role_arn.clone());
                }
                if next.role_arn.is_none() {
                    return Err(refuse(&event));
                }
                S::Verifying
            }
            (
                S::Pending | S::Verifying | S::Active | S::Degraded { .. } | S::Removed,
                E::ReconnectRequested { .. },
            ) => {
                return Err(refuse(&event));
            }
            (
                S::Pending | S::Verifying | S::Active | S::Degraded { .. },
                E::DisconnectRequested,
            ) => S::Disconnected {
                reason: "disconnect requested".to_owned(),
            },
            (S::Disconnected { .. } | S::Removed, E::DisconnectRequested) => {
                return Err(refuse(&event));
            }
            (
                S::Pending | S::Verifying | S::Active | S::Degraded { .. } | S::Disconnected { .. },
                E::RemoveRequested,
            ) => S::Removed,
            (S::Removed, E::RemoveRequested) => return Err(refuse(&event)),
        };
        if std::mem::discriminant(&state) != std::mem::discriminant(&self.state) {
            next.state_since = now;
        }
        next.state = state;
        next.revision = self.revision + 1;
        next.updated_at = now;
        Ok(next)
    }
}
