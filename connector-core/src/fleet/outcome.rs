//! What one health check found ([`HealthCheck`]) and its verdict ([`CheckOutcome`]).

use crate::{Connection, ConnectionState, Diagnosis};

/// The verdict of a health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckOutcome {
    /// Verified: the role was assumed with the External ID (and the probe passed).
    Healthy,
    /// The customer's side refused: the connection is (or stays) disconnected.
    Refused,
    /// A failure that is not the customer's refusal (the probe was denied, the vendor's own
    /// credentials failed): the connection is degraded.
    Failed,
    /// No verdict (throttled, timed out, probe inconclusive): nothing was written; the
    /// check is retried soon.
    Inconclusive,
    /// Not on the schedule (pending, removed, disconnected by the vendor): nothing checked.
    NotChecked,
    /// The connection changed while it was being checked (the verdict was about what no
    /// longer is): nothing written.
    Superseded,
}

impl CheckOutcome {
    /// Every outcome.
    pub const ALL: [CheckOutcome; 6] = [
        CheckOutcome::Healthy,
        CheckOutcome::Refused,
        CheckOutcome::Failed,
        CheckOutcome::Inconclusive,
        CheckOutcome::NotChecked,
        CheckOutcome::Superseded,
    ];

    /// A short name, e.g. `inconclusive` (the metric label).
    pub fn name(self) -> &'static str {
        match self {
            CheckOutcome::Healthy => "healthy",
            CheckOutcome::Refused => "refused",
            CheckOutcome::Failed => "failed",
            CheckOutcome::Inconclusive => "inconclusive",
            CheckOutcome::NotChecked => "not_checked",
            CheckOutcome::Superseded => "superseded",
        }
    }
}

impl std::fmt::Display for CheckOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One health check: the verdict, the connection as it stands after it, and what the check
/// found wrong (also when nothing was written, e.g. an inconclusive check's reason).
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use connector_core::testing::InMemorySts;
/// use connector_core::{CheckOutcome, ConnectionState, Connector, InMemoryConnectionStore, ManualClock, NewConnection};
/// use trust_policy::{CrossAccountTrust, VendorPrincipal};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let clock = ManualClock::at_unix(1_800_000_000);
/// let sts = InMemorySts::new(Arc::new(clock.clone()), "arn:aws:sts::999988887777:assumed-role/vendor/worker".parse()?);
/// let vendor = VendorPrincipal::account("999988887777".parse()?);
/// let connector = Connector::builder(vendor.clone(), Arc::new(InMemoryConnectionStore::new()), Arc::new(sts.clone()))
///     .with_clock(Arc::new(clock))
///     .build();
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let pending = connector.create(NewConnection::new("acme".parse()?)).await?;
/// let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/vendor".parse()?;
/// sts.create_role(role.clone(), CrossAccountTrust::new(vendor, pending.external_id().clone()).policy()?, Duration::from_secs(3600))?;
/// connector.submit_role(pending.id(), role.clone()).await?;
///
/// let check = connector.check(pending.id(), None).await?;
/// assert_eq!(check.outcome(), CheckOutcome::Healthy);
/// assert!(!check.changed_state());
///
/// sts.delete_role(&role)?; // the customer deletes the stack
/// let check = connector.check(pending.id(), None).await?;
/// assert_eq!(check.outcome(), CheckOutcome::Refused);
/// assert_eq!(check.connection().state(), ConnectionState::Disconnected);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    before: ConnectionState,
    outcome: CheckOutcome,
    connection: Connection,
    diagnosis: Option<Diagnosis>,
}

impl HealthCheck {
    pub(crate) fn new(
        before: ConnectionState,
        outcome: CheckOutcome,
        connection: Connection,
        diagnosis: Option<Diagnosis>,
    ) -> HealthCheck {
        HealthCheck {
            before,
            outcome,
            connection,
            diagnosis,
        }
    }

    /// The verdict.
    pub fn outcome(&self) -> CheckOutcome {
        self.outcome
    }

    /// The state before the check.
    pub fn state_before(&self) -> ConnectionState {
        self.before
    }

    /// The connection as it stands after the check.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// What the check found wrong, if anything.
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        self.diagnosis.as_ref()
    }

    /// True when the check moved the connection to another state.
    pub fn changed_state(&self) -> bool {
        self.before != self.connection.state()
    }
}
