//! `Connector::register`: a registration request authenticated, then acted on, then
//! answered. Create and Update submit the role and test it, retrying a brand-new role for a
//! bounded time (IAM takes seconds to make a new role assumable); Delete disconnects at once
//! and is always answered SUCCESS (a customer's stack deletion is never blocked).
//! Redeliveries (CloudFormation and SNS deliver at least once) change nothing twice: a role
//! submitted again to a live connection runs no test, and a disconnected connection is not
//! disconnected again.

use std::time::Duration;

use super::{
    CustomResourceResponse, RegistrationRequest, RequestType, ResponseStatus, TenantDirectory,
};
use crate::{
    Connection, ConnectionEvent, ConnectionId, ConnectionState, Connector, ConnectorError,
    Diagnosis, DiagnosisCode, NewConnection, Timer,
};

/// How long a Create or Update keeps testing a role that was refused or reached no verdict,
/// and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationSettle {
    /// The longest wait (default 60 s; keep it well under the resource's `ServiceTimeout`).
    pub within: Duration,
    /// Between tests (default 5 s).
    pub every: Duration,
}

impl Default for RegistrationSettle {
    fn default() -> RegistrationSettle {
        RegistrationSettle {
            within: Duration::from_secs(60),
            every: Duration::from_secs(5),
        }
    }
}

/// What a registration did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationOutcome {
    /// The role was verified: the connection is live.
    Activated,
    /// The test reached no verdict in time: the connection stays `Verifying` (the fleet's
    /// checks finish it); the stack goes on.
    StillVerifying,
    /// The role was refused even after the settle time: the connection is `Pending` with
    /// the diagnosis, and the stack rolls back with it as the reason.
    Refused,
    /// The stack was deleted: the connection is disconnected.
    Disconnected,
    /// Nothing to do (a redelivered Delete, or a Delete of a connection this vendor does not
    /// have).
    Unchanged,
    /// The request did not authenticate (External ID, account or stack mismatch, unknown
    /// connection): nothing changed.
    Unauthenticated,
}

/// The outcome, the answer for CloudFormation, and the connection as it stands.
#[derive(Debug, Clone)]
pub struct Registered {
    outcome: RegistrationOutcome,
    response: CustomResourceResponse,
    connection: Option<Connection>,
}

impl Registered {
    /// What happened.
    pub fn outcome(&self) -> RegistrationOutcome {
        self.outcome
    }

    /// The answer to send to the response URL.
    pub fn response(&self) -> &CustomResourceResponse {
        &self.response
    }

    /// The connection after the request, when there is one.
    pub fn connection(&self) -> Option<&Connection> {
        self.connection.as_ref()
    }
}

const UNAUTHENTICATED: &str = "The vendor could not match this stack to a connection (the External ID, account or connection id differ from the ones the vendor issued). Use the template the vendor gave you, unchanged.";

impl Connector {
    /// Handles one registration request (see the module docs): authenticates it against the
    /// connection it names (External ID compared in constant time, the role's account, the
    /// stack's account and Region), acts, and returns the answer for CloudFormation.
    /// `timer` paces the settle retries.
    ///
    /// Store or provider failures return an error (nothing answered yet: the caller retries
    /// or lets the message be redelivered); a refused or unauthenticated request is an
    /// answer, not an error.
    pub async fn register(
        &self,
        request: &RegistrationRequest,
        timer: &dyn Timer,
        settle: RegistrationSettle,
    ) -> Result<Registered, ConnectorError> {
        self.register_inner(request, None, timer, settle).await
    }

    /// [`register`](Self::register), also for Organization registrations (StackSets): a
    /// request carrying a registration token instead of a connection id is authenticated
    /// by `tenants` (the token, then the tenant's External ID), and the account's
    /// connection (`TENANT-ACCOUNT`, one per tenant and account) is created on its first
    /// Create or Update with the tenant's External ID, account, permission set and Regions.
    pub async fn register_with_tenants(
        &self,
        request: &RegistrationRequest,
        tenants: &dyn TenantDirectory,
        timer: &dyn Timer,
        settle: RegistrationSettle,
    ) -> Result<Registered, ConnectorError> {
        self.register_inner(request, Some(tenants), timer, settle)
            .await
    }

    /// The connection an Organization registration is about, created on first sight;
    /// `None` when the token or the External ID does not authenticate.
    async fn tenant_connection(
        &self,
        request: &RegistrationRequest,
        tenants: &dyn TenantDirectory,
    ) -> Result<Option<ConnectionId>, ConnectorError> {
        let properties = request.properties();
        let Some(token) = properties.registration_token() else {
            return Ok(None);
        };
        let Some(tenant) = tenants.tenant(token).await? else {
            return Ok(None);
        };
        if *properties.external_id() != *tenant.external_id() {
            return Ok(None);
        }
        let id = tenant.connection_id(properties.account_id())?;
        if request.request_type() == RequestType::Delete {
            return Ok(Some(id));
        }
        let mut new = NewConnection::new(id.clone())
            .with_external_id(tenant.external_id().clone())
            .with_account(properties.account_id().clone())
            .with_regions(tenant.regions().iter().cloned());
        if let Some(set) = tenant.permission_set() {
            new = new.with_permission_set(set.clone());
        }
        match self.create(new).await {
            Ok(_) | Err(ConnectorError::AlreadyExists(_)) => Ok(Some(id)),
            Err(other) => Err(other),
        }
    }

    async fn register_inner(
        &self,
        request: &RegistrationRequest,
        tenants: Option<&dyn TenantDirectory>,
        timer: &dyn Timer,
        settle: RegistrationSettle,
    ) -> Result<Registered, ConnectorError> {
        let properties = request.properties();
        let physical = physical_id(request);
        let answer = |outcome, status, reason: String, connection| Registered {
            outcome,
            response: CustomResourceResponse::new(request, status, reason, physical.clone()),
            connection,
        };
        let is_delete = request.request_type() == RequestType::Delete;
        // Never block a deletion: anything we cannot act on is answered SUCCESS, unchanged.
        let refuse = |connection| {
            if is_delete {
                answer(
                    RegistrationOutcome::Unchanged,
                    ResponseStatus::Success,
                    "Nothing to disconnect.".to_owned(),
                    connection,
                )
            } else {
                answer(
                    RegistrationOutcome::Unauthenticated,
                    ResponseStatus::Failed,
                    UNAUTHENTICATED.to_owned(),
                    connection,
                )
            }
        };
        let id = match (properties.connection_id(), tenants) {
            (Some(id), _) => id.clone(),
            (None, Some(tenants)) => match self.tenant_connection(request, tenants).await? {
                Some(id) => id,
                None => return Ok(refuse(None)),
            },
            (None, None) => return Ok(refuse(None)),
        };
        let id = &id;
        let current = match self.get(id).await {
            Ok(connection) => connection,
            Err(ConnectorError::NotFound(_)) => return Ok(refuse(None)),
            Err(other) => return Err(other),
        };
        if !authenticated(request, &current) {
            return Ok(refuse(None));
        }
        match request.request_type() {
            RequestType::Delete => self.stack_deleted(current, &answer).await,
            RequestType::Create | RequestType::Update => {
                let role = properties.role_arn().clone();
                let mut submission = self.submit_role(id, role).await?;
                let started = self.clock().now();
                while !submission.is_live()
                    && self
                        .clock()
                        .now()
                        .duration_since(started)
                        .unwrap_or_default()
                        < settle.within
                {
                    timer.sleep(settle.every).await;
                    submission = self.verify(id).await?;
                }
                let connection = submission.connection().clone();
                Ok(match connection.state() {
                    ConnectionState::Active | ConnectionState::Degraded => answer(
                        RegistrationOutcome::Activated,
                        ResponseStatus::Success,
                        "Connected.".to_owned(),
                        Some(connection),
                    ),
                    ConnectionState::Verifying => answer(
                        RegistrationOutcome::StillVerifying,
                        ResponseStatus::Success,
                        "The role is in place; the vendor finishes testing it shortly.".to_owned(),
                        Some(connection),
                    ),
                    _ => {
                        let why = connection.last_diagnosis().map_or_else(
                            || "The vendor could not assume the role.".to_owned(),
                            |d| format!("{} {}", d.message(), d.code().remediation()),
                        );
                        answer(
                            RegistrationOutcome::Refused,
                            ResponseStatus::Failed,
                            why,
                            Some(connection),
                        )
                    }
                })
            }
        }
    }

    async fn stack_deleted(
        &self,
        current: Connection,
        // `Sync`, so that `register`'s future is `Send` (a server spawns it on any thread).
        answer: &(
             dyn Fn(RegistrationOutcome, ResponseStatus, String, Option<Connection>) -> Registered
                 + Sync
         ),
    ) -> Result<Registered, ConnectorError> {
        let now = crate::Timestamp::from_system(self.clock().now());
        let event = match current.state() {
            ConnectionState::Active | ConnectionState::Degraded => ConnectionEvent::AccessRevoked {
                diagnosis: Diagnosis::new(
                    DiagnosisCode::StackDeleted,
                    "the customer deleted the onboarding stack",
                    now,
                ),
            },
            ConnectionState::Pending | ConnectionState::Verifying => {
                ConnectionEvent::DisconnectRequested
            }
            ConnectionState::Disconnected | ConnectionState::Removed => {
                return Ok(answer(
                    RegistrationOutcome::Unchanged,
                    ResponseStatus::Success,
                    "Already disconnected.".to_owned(),
                    Some(current),
                ));
            }
        };
        match self.write(current.id(), |_| Ok(event.clone())).await {
            Ok(after) => Ok(answer(
                RegistrationOutcome::Disconnected,
                ResponseStatus::Success,
                "Disconnected.".to_owned(),
                Some(after),
            )),
            // Moved meanwhile (disconnected by a redelivery, say): nothing more to do.
            Err(ConnectorError::InvalidTransition { .. }) => Ok(answer(
                RegistrationOutcome::Unchanged,
                ResponseStatus::Success,
                "Already disconnected.".to_owned(),
                self.get(current.id()).await.ok(),
            )),
            Err(other) => Err(other),
        }
    }
}

/// The same for every request about one connection, so an Update never makes CloudFormation
/// delete the "old" resource.
fn physical_id(request: &RegistrationRequest) -> String {
    let properties = request.properties();
    match properties.connection_id() {
        Some(id) => format!("connector-registration:{id}"),
        None => format!(
            "connector-registration:organization:{}",
            properties.account_id().as_str()
        ),
    }
}

/// The request is about this connection: the External ID it was issued (or the one being
/// rotated to; compared in constant time), a role in the stack's account, the stack in that
/// account and in the Region the properties name, and the connection's account if known.
fn authenticated(request: &RegistrationRequest, connection: &Connection) -> bool {
    let p = request.properties();
    let external_id_ok = *p.external_id() == *connection.external_id()
        || connection
            .next_external_id()
            .is_some_and(|next| *p.external_id() == *next);
    let stack = request.stack_id();
    external_id_ok
        && p.role_arn().account_id() == p.account_id()
        && stack.account() == p.account_id().as_str()
        && stack.region() == p.region().as_str()
        && connection
            .account_id()
            .is_none_or(|account| account == p.account_id())
}

#[cfg(test)]
mod send_tests {
    use super::*;

    fn is_send<T: Send>(_: &T) {}

    /// A server runs `register` in a spawned task, on any thread: its future must be `Send`.
    #[allow(dead_code, reason = "compiled, never run: the check is the type check")]
    fn register_future_is_send(
        connector: &Connector,
        request: &RegistrationRequest,
        timer: &(dyn Timer + Sync),
    ) {
        let future = connector.register(request, timer, RegistrationSettle::default());
        is_send(&future);
    }
}
