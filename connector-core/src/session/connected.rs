//! A credential session bound to a stored connection: what the session learns from STS
//! (revocation, throttling, recovery) moves the connection through its state machine.

use std::sync::Arc;

use crate::connection::{ConnectionEvent, ConnectionState};
use crate::{
    Clock, ConnectionId, ConnectionStore, ConnectorError, CredentialSession, Diagnosis,
    ProviderError, TemporaryCredentials, Timestamp, update,
};

/// How many times a state change retries a compare-and-swap conflict.
const CAS_ATTEMPTS: u32 = 16;

/// Credentials for one stored connection.
///
/// On access denied the credentials are dropped and the connection becomes `Disconnected`;
/// a retryable failure marks it `Degraded` (valid credentials keep flowing); the next
/// successful refresh makes it `Active` again.
#[derive(Debug)]
pub struct ConnectedSession {
    store: Arc<dyn ConnectionStore>,
    id: ConnectionId,
    session: CredentialSession,
    clock: Arc<dyn Clock>,
}

impl ConnectedSession {
    /// Binds `session` to the stored connection `id`.
    pub fn new(
        store: Arc<dyn ConnectionStore>,
        id: ConnectionId,
        session: CredentialSession,
        clock: Arc<dyn Clock>,
    ) -> ConnectedSession {
        ConnectedSession {
            store,
            id,
            session,
            clock,
        }
    }

    /// The underlying session.
    pub fn session(&self) -> &CredentialSession {
        &self.session
    }

    /// Valid credentials, recording what the refresh revealed on the connection.
    pub async fn credentials(&self) -> Result<Arc<TemporaryCredentials>, ConnectorError> {
        if let Some(credentials) = self.session.cached() {
            return Ok(credentials);
        }
        let result = self.session.credentials().await;
        // A failed refresh may still have produced valid (older) credentials.
        let failure = result
            .as_ref()
            .err()
            .cloned()
            .or_else(|| self.session.last_error());
        let event = match &failure {
            None => self.recovered(),
            Some(error) => Some(self.failure_event(error)),
        };
        if let Some(event) = event {
            let now = Timestamp::from_system(self.clock.now());
            match update(self.store.as_ref(), &self.id, now, CAS_ATTEMPTS, |_| {
                event.clone()
            }) {
                // The connection may already be where the event would take it (another
                // worker got there first, or it was disconnected on purpose).
                Ok(_) | Err(ConnectorError::InvalidTransition { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        result.map_err(ConnectorError::from)
    }

    fn recovered(&self) -> Option<ConnectionEvent> {
        let stored = self.store.get(&self.id).ok().flatten()?;
        matches!(stored.state, ConnectionState::Degraded { .. })
            .then_some(ConnectionEvent::RefreshSucceeded)
    }

    fn failure_event(&self, error: &ProviderError) -> ConnectionEvent {
        let diagnosis = Diagnosis {
            code: error.kind.as_str().to_owned(),
            message: error.message.clone(),
            remediation: error.remediation().to_owned(),
            at: Timestamp::from_system(self.clock.now()),
        };
        if error.kind.is_revocation() {
            ConnectionEvent::AccessRevoked { diagnosis }
        } else {
            ConnectionEvent::RefreshFailed {
                diagnosis,
                retryable: error.is_retryable(),
            }
        }
    }
}
