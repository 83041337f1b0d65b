//! `SessionCache`: one credential session per connection and session policy, created on first
//! use and shared by every caller after that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::{
    AssumeRoleRequest, Clock, ConnectionId, CredentialSession, ProviderError, RefreshPolicy,
    StsProvider,
};

/// Sessions by connection and session policy (a narrowed session is a different session:
/// its credentials must never serve a caller that asked for the full role, or the reverse).
///
/// ```
/// # use std::sync::Arc;
/// # use connector_core::{AssumeRoleRequest, ConnectionId, RefreshPolicy, SessionCache, StsProvider, SystemClock};
/// # fn demo(provider: Arc<dyn StsProvider>) {
/// let cache = SessionCache::new(provider, Arc::new(SystemClock), RefreshPolicy::default());
/// let id = ConnectionId::new("acme").unwrap();
/// let request = AssumeRoleRequest::new("arn:aws:iam::111122223333:role/vendor".parse().unwrap(), "sync");
/// let a = cache.session(&id, request.clone()).unwrap();
/// let b = cache.session(&id, request).unwrap();
/// assert!(Arc::ptr_eq(&a, &b));
/// # }
/// ```
#[derive(Debug)]
pub struct SessionCache {
    provider: Arc<dyn StsProvider>,
    clock: Arc<dyn Clock>,
    policy: RefreshPolicy,
    sessions: Mutex<HashMap<(ConnectionId, String), Arc<CredentialSession>>>,
}

impl SessionCache {
    /// An empty cache.
    pub fn new(
        provider: Arc<dyn StsProvider>,
        clock: Arc<dyn Clock>,
        policy: RefreshPolicy,
    ) -> SessionCache {
        SessionCache {
            provider,
            clock,
            policy,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// The session for `connection` and `request`, created on first use. The whole request
    /// is the key: any difference (session policy, duration, tags, ...) is another session.
    pub fn session(
        &self,
        connection: &ConnectionId,
        request: AssumeRoleRequest,
    ) -> Result<Arc<CredentialSession>, ProviderError> {
        let key = (connection.clone(), request_key(&request));
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(session) = sessions.get(&key) {
            return Ok(Arc::clone(session));
        }
        let session = Arc::new(CredentialSession::new(
            Arc::clone(&self.provider),
            request,
            Arc::clone(&self.clock),
            self.policy,
        )?);
        sessions.insert(key, Arc::clone(&session));
        Ok(session)
    }

    /// Drops every session of `connection` (after it is disconnected or removed).
    pub fn forget(&self, connection: &ConnectionId) -> usize {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let before = sessions.len();
        sessions.retain(|(id, _), _| id != connection);
        before - sessions.len()
    }

    /// How many sessions are cached.
    pub fn len(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// True when none are.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything that changes what `AssumeRole` returns, as text: the role, session name,
/// External ID, duration, session policy, policy ARNs, source identity, tags and region.
fn request_key(request: &AssumeRoleRequest) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{:?}|{}",
        request.role_arn,
        request.session_name,
        request.external_id.as_ref().map_or("", |id| id.as_str()),
        request.duration.as_secs(),
        request
            .session_policy
            .as_ref()
            .map(|p| p.to_json())
            .unwrap_or_default(),
        request
            .policy_arns
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        request.source_identity.as_deref().unwrap_or(""),
        request.tags,
        request.region.as_deref().unwrap_or(""),
    )
}
