//! Credentials for workers: one self-refreshing session per connection and scope, handed out
//! only while the stored connection is live, with what each refresh reveals recorded on the
//! connection.

use std::sync::Arc;

use super::Connector;
use super::live::Tracked;
use crate::{
    Connection, ConnectionEvent, ConnectionId, ConnectionKind, ConnectorError, CredentialSession,
    Diagnosis, SessionScope, TemporaryCredentials,
};

/// The session key of the default scope.
const DEFAULT_SCOPE_KEY: &str = "";

/// How many times a caller starts over when the connection changed under it.
const ATTEMPTS: u32 = 4;

/// A worker's handle on one connection's credentials in one scope: cheap to clone, shares the
/// connector's session (one STS call however many workers ask), and refuses as soon as the
/// connection is no longer live. Give it to an AWS SDK client through `connector-aws`'s
/// `SessionCredentialsProvider`.
///
/// ```
/// # use connector_core::{Connector, SessionScope};
/// # async fn worker(connector: Connector) -> Result<(), connector_core::ConnectorError> {
/// let session = connector.session("acme".parse()?);
/// let credentials = session.credentials().await?;            // the full role
/// let narrow = connector.scoped_session("acme".parse()?, SessionScope::new().with_name_suffix("export"));
/// let narrow_credentials = narrow.credentials().await?;      // its own session
/// # let _ = (credentials, narrow_credentials);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ConnectedSession {
    connector: Connector,
    id: ConnectionId,
    scope: Arc<SessionScope>,
    key: Arc<str>,
}

impl ConnectedSession {
    /// The connection.
    pub fn id(&self) -> &ConnectionId {
        &self.id
    }

    /// The scope.
    pub fn scope(&self) -> &SessionScope {
        &self.scope
    }

    /// Valid credentials for the connection, or why not: [`ConnectorError::NotLive`] for a
    /// connection that is not `Active` or `Degraded`, [`ConnectorError::NotFound`] for one the
    /// store no longer has (neither makes an STS call), or the provider's error.
    pub async fn credentials(&self) -> Result<Arc<TemporaryCredentials>, ConnectorError> {
        if self.scope.is_default() {
            return self.connector.credentials(&self.id).await;
        }
        self.connector
            .credentials_in_scope(&self.id, &self.scope, &self.key)
            .await
    }
}

impl Connector {
    /// Valid credentials for the connection's default session (its role and External ID, one
    /// hour, named [`SessionNames::worker`](crate::SessionNames::worker)), or why not (see
    /// [`ConnectedSession::credentials`]). The hot path (a live connection with fresh
    /// credentials) takes a few read locks and no allocation.
    pub async fn credentials(
        &self,
        id: &ConnectionId,
    ) -> Result<Arc<TemporaryCredentials>, ConnectorError> {
        if let Some(credentials) = self.cached_credentials(id) {
            return Ok(credentials);
        }
        // Boxed: the slow path's state is large, and keeping it out of this future keeps the
        // hot path from moving it around.
        Box::pin(self.credentials_in_scope(id, &SessionScope::new(), DEFAULT_SCOPE_KEY)).await
    }

    /// The hot path alone, without waiting: the default session's credentials when the
    /// connector's snapshot of the connection is fresh (younger than the state TTL) and live,
    /// and the credentials are outside their refresh window. `None` means "call
    /// [`credentials`](Self::credentials)", never "no access".
    pub fn cached_credentials(&self, id: &ConnectionId) -> Option<Arc<TemporaryCredentials>> {
        let now = self.inner.clock.now_coarse();
        self.inner.live.cached(id, now, self.inner.state_ttl)
    }

    /// A handle on the connection's default session.
    pub fn session(&self, id: ConnectionId) -> ConnectedSession {
        self.scoped_session(id, SessionScope::new())
    }

    /// A handle on a session of the connection narrowed or named by `scope`.
    pub fn scoped_session(&self, id: ConnectionId, scope: SessionScope) -> ConnectedSession {
        let key: Arc<str> = if scope.is_default() {
            Arc::from(DEFAULT_SCOPE_KEY)
        } else {
            Arc::from(scope.key())
        };
        ConnectedSession {
            connector: self.clone(),
            id,
            scope: Arc::new(scope),
            key,
        }
    }

    pub(super) async fn credentials_in_scope(
        &self,
        id: &ConnectionId,
        scope: &SessionScope,
        key: &str,
    ) -> Result<Arc<TemporaryCredentials>, ConnectorError> {
        let mut last_revision = 0;
        for _ in 0..ATTEMPTS {
            let connection = self.current(id).await?;
            last_revision = connection.revision();
            let Some(live) = connection.live() else {
                return Err(not_live(&connection));
            };
            let name = self.inner.names.worker(id);
            let web_identity = match live.kind() {
                ConnectionKind::ExternalId => None,
                _ => Some(scope.web_identity_source(
                    &live,
                    &name,
                    Arc::clone(self.require_tokens()?),
                )?),
            };
            let made = self
                .inner
                .live
                .session(&connection, key, scope.is_default(), || {
                    let provider = Arc::clone(&self.inner.provider);
                    let clock = Arc::clone(&self.inner.clock);
                    match web_identity {
                        Some(source) => CredentialSession::web_identity(
                            provider,
                            source,
                            clock,
                            self.inner.refresh,
                        ),
                        None => CredentialSession::new(
                            provider,
                            scope.request(&live, &name),
                            clock,
                            self.inner.refresh,
                        ),
                    }
                })?;
            // The connection changed while the session was being made: read it again.
            let Some(tracked) = made else { continue };
            return self.refresh(&connection, &tracked).await;
        }
        Err(ConnectorError::Conflict {
            connection: id.to_string(),
            expected: last_revision,
            actual: last_revision,
        })
    }

    /// Credentials from `tracked`, recording on the connection what a provider call revealed.
    async fn refresh(
        &self,
        connection: &Connection,
        tracked: &Tracked,
    ) -> Result<Arc<TemporaryCredentials>, ConnectorError> {
        let result = tracked.session.credentials().await;
        let Some(calls) = tracked.unrecorded_calls() else {
            return result.map_err(ConnectorError::from);
        };
        match self.record(connection, &tracked.session).await {
            Ok(after) => {
                tracked.mark_recorded(calls);
                if !after.state().is_live() {
                    // Revoked, or disconnected meanwhile: whatever the session holds is not
                    // handed out.
                    return Err(match result {
                        Err(error) => ConnectorError::from(error),
                        Ok(_) => not_live(&after),
                    });
                }
                result.map_err(ConnectorError::from)
            }
            // The store is out of reach: valid credentials still go out (the state was
            // checked), and the outcome is recorded at the next call.
            Err(error) if error.is_retryable() && result.is_ok() => {
                result.map_err(ConnectorError::from)
            }
            Err(error) => Err(error),
        }
    }

    /// Moves the connection as the session's last provider call says, unless the connection
    /// changed its role or External ID meanwhile; returns the connection as stored.
    async fn record(
        &self,
        seen: &Connection,
        session: &CredentialSession,
    ) -> Result<Connection, ConnectorError> {
        let now = self.now();
        let event = match session.revocation().or_else(|| session.last_error()) {
            None => ConnectionEvent::RefreshSucceeded,
            Some(error) if error.kind.is_customer_refusal() => ConnectionEvent::AccessRevoked {
                diagnosis: Diagnosis::from_provider_error(&error, now),
            },
            // Throttling, network trouble, or the vendor's own fault: never the customer's
            // doing, so the connection degrades and does not disconnect.
            Some(error) => ConnectionEvent::RefreshFailed {
                diagnosis: Diagnosis::from_provider_error(&error, now),
            },
        };
        let written = self
            .apply_and_publish(seen.id(), |current| {
                if current.role_arn() == seen.role_arn()
                    && current.external_id() == seen.external_id()
                {
                    Ok(event.clone())
                } else {
                    Err(ConnectorError::Conflict {
                        connection: seen.id().to_string(),
                        expected: seen.revision(),
                        actual: current.revision(),
                    })
                }
            })
            .await;
        match written {
            Ok(connection) => {
                self.inner
                    .live
                    .remember(&connection, self.inner.clock.now());
                Ok(connection)
            }
            // Not live any more, or another role or External ID: what the store holds now is
            // the answer.
            Err(ConnectorError::InvalidTransition { .. } | ConnectorError::Conflict { .. }) => {
                self.get(seen.id()).await
            }
            Err(ConnectorError::NotFound(id)) => {
                self.inner.live.forget(seen.id());
                Err(ConnectorError::NotFound(id))
            }
            Err(other) => Err(other),
        }
    }

    /// The connection from a fresh snapshot, or read from the store (and remembered).
    async fn current(&self, id: &ConnectionId) -> Result<Arc<Connection>, ConnectorError> {
        let now = self.inner.clock.now();
        if let Some(connection) = self.inner.live.fresh(id, now, self.inner.state_ttl) {
            return Ok(connection);
        }
        match self.inner.store.get(id).await? {
            Some(connection) => {
                self.inner.live.track(&connection, now);
                Ok(Arc::new(connection))
            }
            None => {
                self.inner.live.forget(id);
                Err(ConnectorError::NotFound(id.to_string()))
            }
        }
    }
}

fn not_live(connection: &Connection) -> ConnectorError {
    ConnectorError::NotLive {
        connection: connection.id().to_string(),
        state: connection.state(),
    }
}
