//! The lifecycle: create, submit a role (and test it), verify again, reconnect, disconnect,
//! remove, rotate the External ID. Every write goes through [`apply_event`] (written only
//! when something changed) and lands in the connector's snapshot at once.

use iam_policy::RoleArn;
use trust_policy::ExternalId;

use super::{Connector, NewConnection, Submission};
use crate::{
    Connection, ConnectionEvent, ConnectionId, ConnectionKind, ConnectionState, ConnectorError,
    Diagnosis, DiagnosisCode, ListQuery, Page, VerificationOutcome, VerificationReport,
    WebIdentityTarget, verify_connection, verify_web_identity_connection,
};

impl Connector {
    /// Creates a pending connection with a fresh External ID (32 characters from the OS
    /// CSPRNG) unless the request carries one; hand the customer its artifacts next.
    pub async fn create(&self, new: NewConnection) -> Result<Connection, ConnectorError> {
        if let Some(reference) = &new.permission_set {
            self.check_offered(reference)?;
        }
        if !new.kind.is_external_id() {
            self.require_tokens()?;
        }
        let external_id = match new.external_id {
            Some(id) => id,
            None => ExternalId::generate()?,
        };
        let mut builder = Connection::builder(new.id, external_id)
            .with_kind(new.kind)
            .with_optional_account(new.account)
            .with_regions(new.regions);
        if let Some(name) = new.display_name {
            builder = builder.with_display_name(name);
        }
        if let Some(reference) = new.permission_set {
            builder = builder.with_permission_set(reference);
        }
        let connection = builder.build(self.now())?;
        self.inner.store.create(&connection).await?;
        Ok(connection)
    }

    /// The connection as stored now (read from the store, not the snapshot).
    pub async fn get(&self, id: &ConnectionId) -> Result<Connection, ConnectorError> {
        let connection = self
            .inner
            .store
            .get(id)
            .await?
            .ok_or_else(|| ConnectorError::NotFound(id.to_string()))?;
        self.inner
            .live
            .remember(&connection, self.inner.clock.now());
        Ok(connection)
    }

    /// One page of connections (see [`ListQuery`]).
    pub async fn list(&self, query: &ListQuery) -> Result<Page, ConnectorError> {
        self.inner.store.list(query).await
    }

    /// The customer handed back `role_arn`: records it and runs the connection test. The
    /// connection ends `Active` when the test verified it, back in `Pending` with the
    /// diagnosis when the role must be fixed, or still `Verifying` with the diagnosis when the
    /// test reached no verdict (see the report's retry advice). Submitting the role of a
    /// connection that is already live again changes nothing and runs no test.
    pub async fn submit_role(
        &self,
        id: &ConnectionId,
        role_arn: RoleArn,
    ) -> Result<Submission, ConnectorError> {
        let current = self.get(id).await?;
        if current.state().is_live() && current.role_arn() == Some(&role_arn) {
            return Ok(Submission::new(current, None));
        }
        self.move_to_verifying_and_test(id, ConnectionEvent::RoleSubmitted { role_arn })
            .await
    }

    /// Runs the connection test again: for a `Verifying` connection (after an inconclusive
    /// test) or a `Pending` one whose role was refused and has since been fixed, with the same
    /// outcomes as [`submit_role`](Self::submit_role); for a live connection, a refusal
    /// disconnects it and a verified test recovers a degraded one, while a test with no
    /// verdict changes nothing.
    pub async fn verify(&self, id: &ConnectionId) -> Result<Submission, ConnectorError> {
        let current = self.get(id).await?;
        match (current.state(), current.role_arn().cloned()) {
            (ConnectionState::Verifying, Some(_)) => self.test_and_settle(current).await,
            (ConnectionState::Pending, Some(role_arn)) => {
                self.move_to_verifying_and_test(id, ConnectionEvent::RoleSubmitted { role_arn })
                    .await
            }
            (ConnectionState::Active | ConnectionState::Degraded, Some(role_arn)) => {
                let report = self.test(&current, &role_arn, current.external_id()).await;
                let event = match report.outcome() {
                    VerificationOutcome::Verified => ConnectionEvent::RefreshSucceeded,
                    VerificationOutcome::Refused => ConnectionEvent::AccessRevoked {
                        diagnosis: self.diagnosis(&report),
                    },
                    VerificationOutcome::Inconclusive { .. } => {
                        return Ok(Submission::new(current, Some(report)));
                    }
                };
                let after = self.write_unchanged_since(&current, event).await?;
                Ok(Submission::new(after, Some(report)))
            }
            (state, _) => Err(ConnectorError::InvalidTransition {
                connection: id.to_string(),
                state: state.name().to_owned(),
                event: "verify".to_owned(),
            }),
        }
    }

    /// Tries a disconnected connection again, with a new role if the customer made one, and
    /// runs the connection test.
    pub async fn reconnect(
        &self,
        id: &ConnectionId,
        role_arn: Option<RoleArn>,
    ) -> Result<Submission, ConnectorError> {
        self.move_to_verifying_and_test(id, ConnectionEvent::ReconnectRequested { role_arn })
            .await
    }

    /// The vendor disconnects: no credentials are handed out from the next call on, in every
    /// worker of this process (other processes: within the state TTL).
    pub async fn disconnect(&self, id: &ConnectionId) -> Result<Connection, ConnectorError> {
        self.write(id, |_| Ok(ConnectionEvent::DisconnectRequested))
            .await
    }

    /// The vendor removes the connection (terminal; the record stays as `Removed`).
    pub async fn remove(&self, id: &ConnectionId) -> Result<Connection, ConnectorError> {
        self.write(id, |_| Ok(ConnectionEvent::RemoveRequested))
            .await
    }

    /// Starts an External ID rotation: a fresh next External ID, which the connection's
    /// artifacts now accept beside the current one (the transitional trust policy). Workers
    /// keep using the current one until [`complete_rotation`](Self::complete_rotation).
    pub async fn start_rotation(&self, id: &ConnectionId) -> Result<Connection, ConnectorError> {
        let next_external_id = ExternalId::generate()?;
        self.write(id, |_| {
            Ok(ConnectionEvent::RotationStarted {
                next_external_id: next_external_id.clone(),
            })
        })
        .await
    }

    /// Completes a rotation once the customer's role accepts the next External ID: runs the
    /// connection test with it and, when verified, makes it the only one (the artifacts then
    /// show the final trust policy). Otherwise nothing changes and the report says why.
    pub async fn complete_rotation(&self, id: &ConnectionId) -> Result<Submission, ConnectorError> {
        let current = self.get(id).await?;
        let (Some(next), Some(role_arn)) = (
            current.next_external_id().cloned(),
            current.role_arn().cloned(),
        ) else {
            return Err(ConnectorError::InvalidTransition {
                connection: id.to_string(),
                state: format!("{} (no External ID rotation in progress)", current.state()),
                event: "complete_rotation".to_owned(),
            });
        };
        let report = self.test(&current, &role_arn, &next).await;
        if !report.is_verified() {
            return Ok(Submission::new(current, Some(report)));
        }
        let after = self
            .write_unchanged_since(&current, ConnectionEvent::RotationCompleted)
            .await?;
        Ok(Submission::new(after, Some(report)))
    }

    /// Applies `event` (one that leads to `Verifying`), then tests the role.
    async fn move_to_verifying_and_test(
        &self,
        id: &ConnectionId,
        event: ConnectionEvent,
    ) -> Result<Submission, ConnectorError> {
        let verifying = self.write(id, |_| Ok(event.clone())).await?;
        self.test_and_settle(verifying).await
    }

    /// Tests the role of a `Verifying` connection and records the verdict.
    async fn test_and_settle(&self, verifying: Connection) -> Result<Submission, ConnectorError> {
        let Some(role_arn) = verifying.role_arn().cloned() else {
            return Err(ConnectorError::invalid(
                "role ARN",
                "",
                "a verifying connection has the customer's role ARN",
            ));
        };
        let report = self
            .test(&verifying, &role_arn, verifying.external_id())
            .await;
        let event = match report.outcome() {
            VerificationOutcome::Verified => ConnectionEvent::VerificationSucceeded,
            VerificationOutcome::Refused => ConnectionEvent::VerificationFailed {
                diagnosis: self.diagnosis(&report),
            },
            VerificationOutcome::Inconclusive { .. } => ConnectionEvent::VerificationInconclusive {
                diagnosis: self.diagnosis(&report),
            },
        };
        let settled = self.write_unchanged_since(&verifying, event).await?;
        Ok(Submission::new(settled, Some(report)))
    }

    async fn test(
        &self,
        connection: &Connection,
        role_arn: &RoleArn,
        external_id: &ExternalId,
    ) -> VerificationReport {
        if let ConnectionKind::WebIdentity { subject } = connection.kind() {
            let target = WebIdentityTarget {
                role: role_arn,
                subject,
                session_name: &self.inner.names.verification(connection.id()),
                region: connection.regions().first(),
            };
            return match self.require_tokens() {
                Ok(tokens) => {
                    verify_web_identity_connection(
                        self.inner.provider.as_ref(),
                        tokens.as_ref(),
                        target,
                        self.inner.clock.now(),
                    )
                    .await
                }
                Err(error) => VerificationReport::not_minted(&error.to_string()),
            };
        }
        verify_connection(
            self.inner.provider.as_ref(),
            role_arn,
            external_id,
            &self.inner.names.verification(connection.id()),
            connection.regions().first(),
        )
        .await
    }

    /// The diagnosis a report leaves on the connection: its deciding finding.
    pub(super) fn diagnosis(&self, report: &VerificationReport) -> Diagnosis {
        match report.deciding_finding() {
            Some(finding) => Diagnosis::from_finding(finding, self.now()),
            None => Diagnosis::new(
                DiagnosisCode::AssumeRoleInconclusive,
                "the connection test reached no verdict",
                self.now(),
            ),
        }
    }

    /// Applies `event` to the connection, refusing with a conflict when its role, External
    /// IDs or state changed since `seen` (a test's verdict is about what was tested).
    pub(super) async fn write_unchanged_since(
        &self,
        seen: &Connection,
        event: ConnectionEvent,
    ) -> Result<Connection, ConnectorError> {
        self.write(seen.id(), |current| {
            let unchanged = current.role_arn() == seen.role_arn()
                && current.external_id() == seen.external_id()
                && current.next_external_id() == seen.next_external_id()
                && current.state() == seen.state();
            if unchanged {
                Ok(event.clone())
            } else {
                Err(ConnectorError::Conflict {
                    connection: seen.id().to_string(),
                    expected: seen.revision(),
                    actual: current.revision(),
                })
            }
        })
        .await
    }

    /// Applies the event `event` builds to the stored connection and records the result in
    /// the snapshot.
    pub(crate) async fn write(
        &self,
        id: &ConnectionId,
        event: impl FnMut(&Connection) -> Result<ConnectionEvent, ConnectorError>,
    ) -> Result<Connection, ConnectorError> {
        let result = self.apply_and_publish(id, event).await;
        match &result {
            Ok(connection) => self.inner.live.remember(connection, self.inner.clock.now()),
            Err(ConnectorError::NotFound(_)) => self.inner.live.forget(id),
            Err(_) => {}
        }
        result
    }
}
