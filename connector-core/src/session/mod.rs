//! Credential sessions: short-lived credentials for one role (and one session policy) that
//! refresh themselves.
//!
//! - Refresh ahead of expiry ([`RefreshPolicy`]): in the advisory window one caller refreshes
//!   while the others keep the current credentials; in the mandatory window everyone waits
//!   for that one refresh.
//! - Single flight: any number of concurrent callers cause one provider call.
//! - Backoff: retryable failures (throttling, network) back off exponentially, with a cap,
//!   while still-valid credentials keep being served.
//! - Expired credentials are never handed out.
//! - Access denied means the customer revoked access: the credentials are dropped and the
//!   session stays revoked (its connection should become `Disconnected`) until
//!   [`CredentialSession::reset`].

mod flight;
mod policy;
mod scope;

pub use policy::RefreshPolicy;
pub use scope::SessionScope;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime};

use flight::{Flight, FlightResult, LeaderGuard};

use iam_policy::RoleArn;

use crate::{
    AssumeRoleRequest, Clock, ProviderError, RoleSessionName, StsProvider, TemporaryCredentials,
    WebIdentitySource,
};

/// Self-refreshing credentials for one `AssumeRole` request, or for one
/// `AssumeRoleWithWebIdentity` recipe ([`web_identity`](Self::web_identity), a fresh token
/// minted for every refresh, with the same guarantees): the building block. It knows
/// nothing of the stored connection; a [`Connector`](crate::Connector) wraps one per
/// connection and scope so that a disconnected connection stops handing out credentials.
///
/// ```
/// # use std::sync::Arc;
/// # use connector_core::{AssumeRoleRequest, CredentialSession, RefreshPolicy, SystemClock, StsProvider};
/// # fn demo(provider: Arc<dyn StsProvider>) {
/// let request = AssumeRoleRequest::new(
///     "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
///     "vendor-sync".parse().unwrap(),
/// );
/// let session = CredentialSession::new(provider, request, Arc::new(SystemClock), RefreshPolicy::default()).unwrap();
/// // In async code: let credentials = session.credentials().await?;
/// # let _ = session;
/// # }
/// ```
#[derive(Debug)]
pub struct CredentialSession {
    provider: Arc<dyn StsProvider>,
    source: Source,
    clock: Arc<dyn Clock>,
    policy: RefreshPolicy,
    /// This session's share of the jitter, fixed at creation.
    jitter: Duration,
    /// The current credentials and when to start refreshing them: the hot path only takes
    /// this read lock and compares one time.
    cached: RwLock<Option<Cached>>,
    control: Mutex<Control>,
}

/// What each refresh asks STS for.
#[derive(Debug)]
enum Source {
    AssumeRole(AssumeRoleRequest),
    WebIdentity(WebIdentitySource),
}

#[derive(Debug, Clone)]
struct Cached {
    credentials: Arc<TemporaryCredentials>,
    /// `expiration - advisory point`: before this the credentials are served as they are.
    fresh_until: SystemTime,
}

#[derive(Debug, Default)]
struct Control {
    inflight: Option<Arc<Flight>>,
    failures: u32,
    retry_at: Option<SystemTime>,
    last_error: Option<ProviderError>,
    revoked: Option<ProviderError>,
    provider_calls: u64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

enum Plan {
    Serve(Arc<TemporaryCredentials>),
    Fail(ProviderError),
    Wait(Arc<Flight>),
    Lead(Arc<Flight>),
}

impl CredentialSession {
    /// A session for `request` (validated now, so a bad request fails here, not at the first
    /// refresh).
    pub fn new(
        provider: Arc<dyn StsProvider>,
        request: AssumeRoleRequest,
        clock: Arc<dyn Clock>,
        policy: RefreshPolicy,
    ) -> Result<CredentialSession, ProviderError> {
        request.validate()?;
        Ok(CredentialSession::with_source(
            provider,
            Source::AssumeRole(request),
            clock,
            policy,
        ))
    }

    /// A session of `AssumeRoleWithWebIdentity` calls made from `source`, a token minted at
    /// each refresh (validated now). A token that cannot be minted is the vendor's fault: the
    /// refresh fails, backs off and is retried, and valid credentials keep being served.
    pub fn web_identity(
        provider: Arc<dyn StsProvider>,
        source: WebIdentitySource,
        clock: Arc<dyn Clock>,
        policy: RefreshPolicy,
    ) -> Result<CredentialSession, ProviderError> {
        source.validate()?;
        Ok(CredentialSession::with_source(
            provider,
            Source::WebIdentity(source),
            clock,
            policy,
        ))
    }

    fn with_source(
        provider: Arc<dyn StsProvider>,
        source: Source,
        clock: Arc<dyn Clock>,
        policy: RefreshPolicy,
    ) -> CredentialSession {
        let (role_arn, session_name) = match &source {
            Source::AssumeRole(request) => (request.role_arn(), request.session_name()),
            Source::WebIdentity(source) => (source.role_arn(), source.session_name()),
        };
        let mut hasher = DefaultHasher::new();
        role_arn.to_string().hash(&mut hasher);
        session_name.hash(&mut hasher);
        let jitter = policy::jitter(hasher.finish(), policy.jitter);
        CredentialSession {
            provider,
            source,
            clock,
            policy,
            jitter,
            cached: RwLock::new(None),
            control: Mutex::new(Control::default()),
        }
    }

    /// The `AssumeRole` request this session repeats (`None` for a web-identity session).
    pub fn request(&self) -> Option<&AssumeRoleRequest> {
        match &self.source {
            Source::AssumeRole(request) => Some(request),
            Source::WebIdentity(_) => None,
        }
    }

    /// The recipe of a web-identity session's calls (`None` for an `AssumeRole` session).
    pub fn web_identity_source(&self) -> Option<&WebIdentitySource> {
        match &self.source {
            Source::AssumeRole(_) => None,
            Source::WebIdentity(source) => Some(source),
        }
    }

    /// The role whose credentials this session holds.
    pub fn role_arn(&self) -> &RoleArn {
        match &self.source {
            Source::AssumeRole(request) => request.role_arn(),
            Source::WebIdentity(source) => source.role_arn(),
        }
    }

    /// The role session name.
    pub fn session_name(&self) -> &RoleSessionName {
        match &self.source {
            Source::AssumeRole(request) => request.session_name(),
            Source::WebIdentity(source) => source.session_name(),
        }
    }

    /// One provider call: `AssumeRole`, or `AssumeRoleWithWebIdentity` with a token minted
    /// now.
    async fn call(&self) -> Result<TemporaryCredentials, ProviderError> {
        match &self.source {
            Source::AssumeRole(request) => self.provider.assume_role(request).await,
            Source::WebIdentity(source) => {
                source
                    .assume(self.provider.as_ref(), self.clock.now())
                    .await
            }
        }
    }

    /// The credentials when they are cached and outside the refresh window: no provider call,
    /// no waiting. The hot path of every AWS call made with this session.
    pub fn cached(&self) -> Option<Arc<TemporaryCredentials>> {
        self.cached_at(self.clock.now_coarse())
    }

    /// [`cached`](Self::cached) at a time the caller already read from the coarse clock.
    pub(crate) fn cached_at(&self, now: SystemTime) -> Option<Arc<TemporaryCredentials>> {
        let guard = self
            .cached
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let credentials = guard.as_ref()?;
        (now < credentials.fresh_until).then(|| Arc::clone(&credentials.credentials))
    }

    /// Valid credentials, refreshing them if needed (see the module docs for the rules).
    pub async fn credentials(&self) -> Result<Arc<TemporaryCredentials>, ProviderError> {
        if let Some(credentials) = self.cached() {
            return Ok(credentials);
        }
        let now = self.clock.now();
        match self.plan(now) {
            Plan::Serve(credentials) => Ok(credentials),
            Plan::Fail(error) => Err(error),
            Plan::Wait(flight) => {
                let result = flight.wait().await;
                self.fallback(result)
            }
            Plan::Lead(flight) => {
                let guard = LeaderGuard::new(flight);
                let result = self.call().await;
                let published = self.record(result);
                guard.finish(published.clone());
                self.fallback(published)
            }
        }
    }

    /// True after the provider answered access denied (the customer revoked access).
    pub fn revocation(&self) -> Option<ProviderError> {
        lock(&self.control).revoked.clone()
    }

    /// The error of the last refresh attempt, while it has not been followed by a success
    /// (a failed refresh can still yield valid credentials, so callers may not see it).
    pub fn last_error(&self) -> Option<ProviderError> {
        lock(&self.control).last_error.clone()
    }

    /// How many provider calls this session made.
    pub fn provider_calls(&self) -> u64 {
        lock(&self.control).provider_calls
    }

    /// Forgets credentials, failures and revocation (after the customer fixed the role).
    pub fn reset(&self) {
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = None;
        let mut control = lock(&self.control);
        let calls = control.provider_calls;
        *control = Control {
            provider_calls: calls,
            ..Control::default()
        };
    }

    fn advisory_point(&self) -> Duration {
        self.policy
            .advisory_refresh
            .saturating_sub(self.jitter)
            .max(self.policy.mandatory_refresh)
    }

    fn current(&self) -> Option<Arc<TemporaryCredentials>> {
        self.cached
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .map(|c| Arc::clone(&c.credentials))
    }

    /// Decides, under the control lock, what this caller does.
    fn plan(&self, now: SystemTime) -> Plan {
        let mut control = lock(&self.control);
        if let Some(revoked) = &control.revoked {
            return Plan::Fail(revoked.clone());
        }
        let current = self.current().filter(|c| !c.is_expired_at(now));
        let remaining = current.as_ref().map(|c| c.remaining_at(now));
        let mandatory = remaining.is_none_or(|r| r <= self.policy.mandatory_refresh);
        if let (Some(credentials), Some(r)) = (&current, remaining) {
            // Someone refreshed while we waited for the lock.
            if r > self.advisory_point() {
                return Plan::Serve(Arc::clone(credentials));
            }
        }
        // A flight that completed without `record` had its leader cancelled: forget it.
        if control.inflight.as_ref().is_some_and(|f| f.is_complete()) {
            control.inflight = None;
        }
        if let Some(flight) = &control.inflight {
            return match (&current, mandatory) {
                (Some(credentials), false) => Plan::Serve(Arc::clone(credentials)),
                _ => Plan::Wait(Arc::clone(flight)),
            };
        }
        if control.retry_at.is_some_and(|at| now < at) {
            return match current {
                Some(credentials) => Plan::Serve(credentials),
                None => Plan::Fail(control.last_error.clone().unwrap_or_else(|| {
                    ProviderError::new(
                        crate::ProviderErrorKind::Transient,
                        "backing off after a failed refresh",
                    )
                })),
            };
        }
        let flight = Arc::new(Flight::default());
        control.inflight = Some(Arc::clone(&flight));
        control.provider_calls += 1;
        Plan::Lead(flight)
    }

    /// Records the provider's answer; returns what waiters should get.
    fn record(&self, result: Result<TemporaryCredentials, ProviderError>) -> FlightResult {
        let now = self.clock.now();
        let mut control = lock(&self.control);
        control.inflight = None;
        match result {
            Ok(credentials) if !credentials.is_expired_at(now) => {
                let credentials = Arc::new(credentials);
                let fresh_until = credentials
                    .expiration()
                    .checked_sub(self.advisory_point())
                    .unwrap_or(now);
                *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
                    credentials: Arc::clone(&credentials),
                    fresh_until,
                });
                control.failures = 0;
                control.retry_at = None;
                control.last_error = None;
                Ok(credentials)
            }
            Ok(_) => {
                let error = ProviderError::new(
                    crate::ProviderErrorKind::Other,
                    "the provider returned credentials that had already expired",
                );
                self.back_off(&mut control, now, error.clone());
                Err(error)
            }
            Err(error) if error.kind.is_revocation() => {
                *self.cached.write().unwrap_or_else(|p| p.into_inner()) = None;
                control.revoked = Some(error.clone());
                Err(error)
            }
            Err(error) => {
                self.back_off(&mut control, now, error.clone());
                Err(error)
            }
        }
    }

    fn back_off(&self, control: &mut Control, now: SystemTime, error: ProviderError) {
        control.failures = control.failures.saturating_add(1);
        control.retry_at = Some(now + self.policy.backoff(control.failures));
        control.last_error = Some(error);
    }

    /// A failed refresh still yields the current credentials while they are valid.
    fn fallback(&self, result: FlightResult) -> Result<Arc<TemporaryCredentials>, ProviderError> {
        match result {
            Ok(credentials) => Ok(credentials),
            Err(error) if error.kind.is_revocation() => Err(error),
            Err(error) => {
                let now = self.clock.now();
                self.current()
                    .filter(|c| !c.is_expired_at(now))
                    .ok_or(error)
            }
        }
    }
}
