//! The transition function: every (state, event) pair is matched with no catch-all arm, so a
//! new state or event does not compile until its transitions are decided. The diagram is in
//! `state.rs`; the table is on [`ConnectionState`].

use super::{Connection, ConnectionEvent, ConnectionState, Diagnosis, DiagnosisCode};
use crate::{ConnectorError, Timestamp};

impl Connection {
    /// Applies `event` at `now` and returns the updated record: `revision + 1`, `updated_at =
    /// now`, `state_since = now` when the state changes, and `last_diagnosis` set when the
    /// event carries one (a vendor disconnect records `DISCONNECT_REQUESTED`). `self` is left
    /// as it was. A time before the record's last update is taken as that time, so a skewed
    /// clock never moves a record back in time.
    ///
    /// Refused pairs return [`ConnectorError::InvalidTransition`] naming the state and the
    /// event; a bad payload returns [`ConnectorError::InvalidValue`] naming the field and the
    /// rule (a role outside the connection's account, a reconnect with no role ever
    /// submitted, a rotation to the current External ID).
    pub fn apply(
        &self,
        event: ConnectionEvent,
        now: Timestamp,
    ) -> Result<Connection, ConnectorError> {
        use ConnectionEvent as E;
        use ConnectionState as S;
        let refuse = |state: &str| ConnectorError::InvalidTransition {
            connection: self.id.to_string(),
            state: state.to_owned(),
            event: event.name().to_owned(),
        };
        let refused = || Err(refuse(self.state.name()));
        let now = now.max(self.updated_at);
        let mut next = self.clone();
        let state = match (self.state, &event) {
            // Onboarding.
            (S::Pending | S::Verifying, E::RoleSubmitted { role_arn }) => {
                self.check_role_account(role_arn)?;
                next.account_id = Some(role_arn.account_id().clone());
                next.role_arn = Some(role_arn.clone());
                S::Verifying
            }
            (S::Active | S::Degraded | S::Disconnected | S::Removed, E::RoleSubmitted { .. }) => {
                return refused();
            }
            (S::Verifying, E::VerificationSucceeded) => S::Active,
            (
                S::Pending | S::Active | S::Degraded | S::Disconnected | S::Removed,
                E::VerificationSucceeded,
            ) => return refused(),
            (S::Verifying, E::VerificationFailed { .. }) => S::Pending,
            (
                S::Pending | S::Active | S::Degraded | S::Disconnected | S::Removed,
                E::VerificationFailed { .. },
            ) => return refused(),
            (S::Verifying, E::VerificationInconclusive { .. }) => S::Verifying,
            (
                S::Pending | S::Active | S::Degraded | S::Disconnected | S::Removed,
                E::VerificationInconclusive { .. },
            ) => return refused(),

            // Running.
            (S::Active | S::Degraded, E::RefreshSucceeded) => S::Active,
            (S::Pending | S::Verifying | S::Disconnected | S::Removed, E::RefreshSucceeded) => {
                return refused();
            }
            (S::Active | S::Degraded, E::RefreshFailed { .. }) => S::Degraded,
            (S::Active | S::Degraded, E::AccessRevoked { .. }) => S::Disconnected,
            (
                S::Pending | S::Verifying | S::Disconnected | S::Removed,
                E::RefreshFailed { .. } | E::AccessRevoked { .. },
            ) => return refused(),

            // External ID rotation, in two steps.
            (S::Active | S::Degraded, E::RotationStarted { next_external_id }) => {
                if !self.kind.is_external_id() {
                    let state = format!(
                        "{} (a web-identity connection: its trust policy names no External ID)",
                        self.state
                    );
                    return Err(refuse(&state));
                }
                if self.next_external_id.is_some() {
                    let state = format!("{} (an External ID rotation is in progress)", self.state);
                    return Err(refuse(&state));
                }
                if *next_external_id == self.external_id {
                    return Err(ConnectorError::invalid(
                        "next external id",
                        "",
                        "the next External ID must differ from the current one",
                    ));
                }
                next.next_external_id = Some(next_external_id.clone());
                self.state
            }
            (
                S::Pending | S::Verifying | S::Disconnected | S::Removed,
                E::RotationStarted { .. },
            ) => return refused(),
            (S::Active | S::Degraded | S::Disconnected, E::RotationCompleted) => {
                let Some(new_id) = self.next_external_id.clone() else {
                    let state = format!("{} (no External ID rotation in progress)", self.state);
                    return Err(refuse(&state));
                };
                next.external_id = new_id;
                next.next_external_id = None;
                self.state
            }
            (S::Pending | S::Verifying | S::Removed, E::RotationCompleted) => return refused(),

            // Recovery and shutdown.
            (S::Disconnected, E::ReconnectRequested { role_arn }) => {
                match role_arn {
                    Some(role_arn) => {
                        self.check_role_account(role_arn)?;
                        next.account_id = Some(role_arn.account_id().clone());
                        next.role_arn = Some(role_arn.clone());
                    }
                    None if self.role_arn.is_none() => {
                        return Err(ConnectorError::invalid(
                            "role ARN",
                            "",
                            "reconnecting needs a role ARN: none was submitted before",
                        ));
                    }
                    None => {}
                }
                S::Verifying
            }
            (
                S::Pending | S::Verifying | S::Active | S::Degraded | S::Removed,
                E::ReconnectRequested { .. },
            ) => return refused(),
            (S::Pending | S::Verifying | S::Active | S::Degraded, E::DisconnectRequested) => {
                next.last_diagnosis = Some(Diagnosis::new(
                    DiagnosisCode::DisconnectRequested,
                    "the vendor disconnected the connection",
                    now,
                ));
                S::Disconnected
            }
            (S::Disconnected | S::Removed, E::DisconnectRequested) => return refused(),
            (
                S::Pending | S::Verifying | S::Active | S::Degraded | S::Disconnected,
                E::RemoveRequested,
            ) => S::Removed,
            (S::Removed, E::RemoveRequested) => return refused(),
        };
        if let Some(diagnosis) = event.diagnosis() {
            next.last_diagnosis = Some(diagnosis.clone());
        }
        if state != self.state {
            next.state_since = now;
        }
        next.state = state;
        next.revision = self.revision.checked_add(1).ok_or_else(|| {
            ConnectorError::invalid(
                "revision",
                &self.revision.to_string(),
                "the revision cannot be bumped past u64::MAX",
            )
        })?;
        next.updated_at = now;
        next.validate()?;
        Ok(next)
    }
}
