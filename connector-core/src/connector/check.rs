//! `Connector::check`: one health check of one connection, the unit of the fleet's work and
//! of a "check now" button. Its verdict goes through the connection's state machine like
//! every other; it writes only when the state or the diagnosis changes, and the credentials
//! it obtains go to the product's probe and are dropped, never cached or handed out.

use iam_policy::RoleArn;

use super::Connector;
use std::sync::Arc;

use crate::{
    AssumeRoleRequest, BoxFuture, CheckOutcome, Connection, ConnectionEvent, ConnectionKind,
    ConnectionState, ConnectorError, Diagnosis, DiagnosisCode, HealthCheck, ProviderError,
    ProviderErrorKind, TemporaryCredentials, VerificationOutcome, WebIdentitySource,
};

/// A product-defined check with the role's credentials, run after AssumeRole succeeds: one
/// cheap read the product needs (`s3:ListBucket` on the bucket it exports to,
/// `ce:GetCostAndUsage` for one day, …), so a permission policy the customer removed is
/// noticed too, not only a deleted role.
///
/// Answer [`ProbeOutcome::Denied`] only when AWS said no (`AccessDenied`,
/// `UnauthorizedOperation`); a timeout, throttling or a 5xx is
/// [`ProbeOutcome::Inconclusive`], which changes nothing.
///
/// ```
/// use connector_core::{BoxFuture, Connection, Probe, ProbeOutcome, TemporaryCredentials};
/// #[derive(Debug)]
/// struct ListExportBucket;
/// impl Probe for ListExportBucket {
///     fn probe<'a>(&'a self, connection: &'a Connection, credentials: &'a TemporaryCredentials)
///         -> BoxFuture<'a, ProbeOutcome> {
///         Box::pin(async move {
///             // let s3 = client_with(credentials); match s3.list_objects_v2()... { .. }
///             let _ = (connection, credentials);
///             ProbeOutcome::Passed
///         })
///     }
/// }
/// ```
pub trait Probe: Send + Sync + std::fmt::Debug {
    /// Checks what the product needs with `credentials` (the role's, for `connection`).
    fn probe<'a>(
        &'a self,
        connection: &'a Connection,
        credentials: &'a TemporaryCredentials,
    ) -> BoxFuture<'a, ProbeOutcome>;
}

/// What a [`Probe`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProbeOutcome {
    /// The product can do what it needs.
    Passed,
    /// AWS denied it: the connection degrades with `PROBE_DENIED` and the message.
    Denied {
        /// What AWS said (never a secret).
        message: String,
    },
    /// No verdict (timeout, throttling, a server error): nothing changes.
    Inconclusive {
        /// What happened.
        message: String,
    },
}

impl Connector {
    /// Checks the connection now: AssumeRole with its External ID (the trust relationship
    /// still holds), then `probe` with the credentials, and records the verdict.
    ///
    /// | state | check | verdict → state |
    /// |---|---|---|
    /// | `Active`, `Degraded` | AssumeRole, probe | healthy → `Active`; refused → `Disconnected`; probe denied or the vendor's own fault → `Degraded`; no verdict → unchanged |
    /// | `Verifying` | the full connection test ([`verify`](Self::verify)) | as `verify` |
    /// | `Disconnected` (the customer's side) | AssumeRole; if it works, [`reconnect`](Self::reconnect) | healthy → `Active`; otherwise unchanged |
    /// | anything else | nothing | [`CheckOutcome::NotChecked`] |
    ///
    /// Throttling and network trouble are no verdict ([`CheckOutcome::Inconclusive`]): the
    /// check neither claims the connection works nor degrades it (a throttled health check
    /// says something about the vendor's STS traffic, not about the customer). A connection
    /// that changed while it was checked is left alone ([`CheckOutcome::Superseded`]).
    pub async fn check(
        &self,
        id: &crate::ConnectionId,
        probe: Option<&dyn Probe>,
    ) -> Result<HealthCheck, ConnectorError> {
        let current = self.get(id).await?;
        let before = current.state();
        if !current.is_health_checked() {
            return Ok(HealthCheck::new(
                before,
                CheckOutcome::NotChecked,
                current,
                None,
            ));
        }
        let Some(role_arn) = current.role_arn().cloned() else {
            return Ok(HealthCheck::new(
                before,
                CheckOutcome::NotChecked,
                current,
                None,
            ));
        };
        match before {
            ConnectionState::Verifying => self.check_verifying(current).await,
            ConnectionState::Disconnected => self.check_disconnected(current, &role_arn).await,
            _ => self.check_live(current, &role_arn, probe).await,
        }
    }

    async fn check_verifying(&self, current: Connection) -> Result<HealthCheck, ConnectorError> {
        let before = current.state();
        match self.verify(current.id()).await {
            Ok(submission) => {
                let (outcome, diagnosis) = match submission.report().map(|r| (r.outcome(), r)) {
                    Some((VerificationOutcome::Verified, _)) => (CheckOutcome::Healthy, None),
                    Some((VerificationOutcome::Refused, report)) => {
                        (CheckOutcome::Refused, Some(self.diagnosis(report)))
                    }
                    Some((VerificationOutcome::Inconclusive { .. }, report)) => {
                        (CheckOutcome::Inconclusive, Some(self.diagnosis(report)))
                    }
                    None => (CheckOutcome::NotChecked, None),
                };
                Ok(HealthCheck::new(
                    before,
                    outcome,
                    submission.into_connection(),
                    diagnosis,
                ))
            }
            Err(ConnectorError::Conflict { .. } | ConnectorError::InvalidTransition { .. }) => {
                Ok(HealthCheck::new(
                    before,
                    CheckOutcome::Superseded,
                    self.get(current.id()).await?,
                    None,
                ))
            }
            Err(other) => Err(other),
        }
    }

    async fn check_disconnected(
        &self,
        current: Connection,
        role_arn: &RoleArn,
    ) -> Result<HealthCheck, ConnectorError> {
        let before = current.state();
        match self.assume_for_check(&current, role_arn).await {
            Ok(_) => match self.reconnect(current.id(), None).await {
                Ok(submission) => {
                    let outcome = if submission.is_live() {
                        CheckOutcome::Healthy
                    } else {
                        CheckOutcome::Refused
                    };
                    let diagnosis = submission.report().map(|r| self.diagnosis(r));
                    Ok(HealthCheck::new(
                        before,
                        outcome,
                        submission.into_connection(),
                        diagnosis,
                    ))
                }
                Err(ConnectorError::Conflict { .. } | ConnectorError::InvalidTransition { .. }) => {
                    Ok(HealthCheck::new(
                        before,
                        CheckOutcome::Superseded,
                        self.get(current.id()).await?,
                        None,
                    ))
                }
                Err(other) => Err(other),
            },
            Err(error) => {
                let outcome = if error.kind.is_customer_refusal() {
                    CheckOutcome::Refused
                } else {
                    CheckOutcome::Inconclusive
                };
                let diagnosis = Diagnosis::from_provider_error(&error, self.now());
                Ok(HealthCheck::new(before, outcome, current, Some(diagnosis)))
            }
        }
    }

    async fn check_live(
        &self,
        current: Connection,
        role_arn: &RoleArn,
        probe: Option<&dyn Probe>,
    ) -> Result<HealthCheck, ConnectorError> {
        let before = current.state();
        let now = self.now();
        let (outcome, event, diagnosis) = match self.assume_for_check(&current, role_arn).await {
            Ok(credentials) => {
                let probed = match probe {
                    Some(probe) => probe.probe(&current, &credentials).await,
                    None => ProbeOutcome::Passed,
                };
                drop(credentials);
                match probed {
                    ProbeOutcome::Passed => (
                        CheckOutcome::Healthy,
                        Some(ConnectionEvent::RefreshSucceeded),
                        None,
                    ),
                    ProbeOutcome::Denied { message } => {
                        let diagnosis = Diagnosis::new(DiagnosisCode::ProbeDenied, message, now);
                        (
                            CheckOutcome::Failed,
                            Some(ConnectionEvent::RefreshFailed {
                                diagnosis: diagnosis.clone(),
                            }),
                            Some(diagnosis),
                        )
                    }
                    ProbeOutcome::Inconclusive { message } => (
                        CheckOutcome::Inconclusive,
                        None,
                        Some(Diagnosis::new(DiagnosisCode::Transient, message, now)),
                    ),
                }
            }
            Err(error) => {
                let diagnosis = Diagnosis::from_provider_error(&error, now);
                if error.kind.is_customer_refusal() {
                    (
                        CheckOutcome::Refused,
                        Some(ConnectionEvent::AccessRevoked {
                            diagnosis: diagnosis.clone(),
                        }),
                        Some(diagnosis),
                    )
                } else if error.is_retryable() {
                    (CheckOutcome::Inconclusive, None, Some(diagnosis))
                } else {
                    // The vendor's own fault (its credentials, a request STS refuses): the
                    // product cannot reach the customer either, so the connection degrades,
                    // as a failed refresh does.
                    (
                        CheckOutcome::Failed,
                        Some(ConnectionEvent::RefreshFailed {
                            diagnosis: diagnosis.clone(),
                        }),
                        Some(diagnosis),
                    )
                }
            }
        };
        let Some(event) = event else {
            return Ok(HealthCheck::new(before, outcome, current, diagnosis));
        };
        match self.write_unchanged_since(&current, event).await {
            Ok(after) => Ok(HealthCheck::new(before, outcome, after, diagnosis)),
            Err(ConnectorError::Conflict { .. } | ConnectorError::InvalidTransition { .. }) => {
                Ok(HealthCheck::new(
                    before,
                    CheckOutcome::Superseded,
                    self.get(current.id()).await?,
                    None,
                ))
            }
            Err(other) => Err(other),
        }
    }

    /// AssumeRole with the connection's External ID (or AssumeRoleWithWebIdentity with a
    /// fresh token for its subject), in its first region, under the connection test's
    /// session name; the credentials never leave the check.
    async fn assume_for_check(
        &self,
        connection: &Connection,
        role_arn: &RoleArn,
    ) -> Result<TemporaryCredentials, ProviderError> {
        if let ConnectionKind::WebIdentity { subject } = connection.kind() {
            let tokens = self
                .require_tokens()
                .map_err(|error| ProviderError::new(ProviderErrorKind::Other, error.to_string()))?;
            return WebIdentitySource::new(
                role_arn.clone(),
                self.inner.names.verification(connection.id()),
                subject.clone(),
                Arc::clone(tokens),
            )
            .with_optional_region(connection.regions().first().cloned())
            .assume(self.inner.provider.as_ref(), self.inner.clock.now())
            .await;
        }
        let request = AssumeRoleRequest::new(
            role_arn.clone(),
            self.inner.names.verification(connection.id()),
        )
        .with_external_id(connection.external_id().clone())
        .with_optional_region(connection.regions().first().cloned());
        self.inner.provider.assume_role(&request).await
    }
}
