//! An in-memory STS that enforces what AWS enforces: trust policies evaluated with
//! `trust-policy`/`iam-policy` semantics (a wrong External ID really fails), roles that can be
//! deleted to revoke access, OIDC providers, credentials that expire on a clock tests move,
//! caller identity, fault injection and call counters.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use connector_core::testing::InMemorySts;
//! use connector_core::{AssumeRoleRequest, ManualClock, StsProvider, ProviderErrorKind};
//! use trust_policy::{CrossAccountTrust, VendorPrincipal};
//!
//! let clock = ManualClock::at_unix(1_800_000_000);
//! let sts = InMemorySts::new(Arc::new(clock.clone()),
//!     "arn:aws:sts::999988887777:assumed-role/vendor/worker".parse().unwrap());
//! let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/vendor-access".parse().unwrap();
//! let external_id: trust_policy::ExternalId = "right-external-id".parse().unwrap();
//! let trust = CrossAccountTrust::new(VendorPrincipal::account("999988887777".parse().unwrap()), external_id.clone())
//!     .policy().unwrap();
//! sts.create_role(role.clone(), trust, Duration::from_secs(3600)).unwrap();
//!
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let ok = rt.block_on(sts.assume_role(&AssumeRoleRequest::new(role.clone(), "s1").external_id(external_id)));
//! assert!(ok.is_ok());
//! let wrong = rt.block_on(sts.assume_role(&AssumeRoleRequest::new(role, "s2")
//!     .external_id("wrong-external-id".parse().unwrap())));
//! assert_eq!(wrong.unwrap_err().kind, ProviderErrorKind::AccessDenied);
//! ```

mod token;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use iam_policy::{
    AccountId, Arn, Decision, PolicyDocument, PolicyKind, Request, RequestPrincipal, RoleArn,
    Severity, Validator,
};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, Clock, ConnectorError, ProviderError,
    ProviderErrorKind, StsProvider, TemporaryCredentials, WebIdentityRequest,
};

/// How many calls of each operation the STS received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// `AssumeRole`.
    pub assume_role: u64,
    /// `AssumeRoleWithWebIdentity`.
    pub assume_role_with_web_identity: u64,
    /// `GetCallerIdentity`.
    pub caller_identity: u64,
}

/// The in-memory STS. Clones share state.
#[derive(Clone)]
pub struct InMemorySts {
    inner: Arc<Inner>,
}

struct Inner {
    clock: Arc<dyn Clock>,
    token_key: u64,
    state: Mutex<State>,
}

struct Role {
    trust: PolicyDocument,
    max_session: Duration,
}

struct Issued {
    secret: SecretString,
    role: RoleArn,
    session: String,
    expires: SystemTime,
}

struct State {
    caller: Arn,
    roles: HashMap<String, Role>,
    oidc: HashMap<(String, String), Vec<String>>,
    issued: HashMap<String, Issued>,
    faults: VecDeque<ProviderError>,
    throttle: u32,
    yields: u32,
    minted: u64,
    calls: CallCounts,
}

impl fmt::Debug for InMemorySts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("InMemorySts")
            .field("caller", &state.caller.to_string())
            .field("roles", &state.roles.len())
            .field("issued_credentials", &state.issued.len())
            .field("calls", &state.calls)
            .finish()
    }
}

fn denied(caller: &Arn, action: &str, role: &RoleArn) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::AccessDenied,
        format!("User: {caller} is not authorized to perform: {action} on resource: {role}"),
    )
    .with_code("AccessDenied")
}

/// Yields `n` times before finishing, so concurrent callers genuinely overlap (a stand-in
/// for network latency that needs no timer).
struct Yield(u32);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl InMemorySts {
    /// An STS on `clock` whose callers are `caller` (the vendor's own identity).
    pub fn new(clock: Arc<dyn Clock>, caller: Arn) -> InMemorySts {
        let token_key = UNIX_EPOCH
            .elapsed()
            .map_or(0x5EED, |d| u64::from(d.subsec_nanos()) ^ d.as_secs());
        InMemorySts {
            inner: Arc::new(Inner {
                clock,
                token_key,
                state: Mutex::new(State {
                    caller,
                    roles: HashMap::new(),
                    oidc: HashMap::new(),
                    issued: HashMap::new(),
                    faults: VecDeque::new(),
                    throttle: 0,
                    yields: 0,
                    minted: 0,
                    calls: CallCounts::default(),
                }),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes who is calling (e.g. another account, to test the confused deputy).
    pub fn set_caller(&self, caller: Arn) {
        self.state().caller = caller;
    }

    /// Creates a role. Unlike moto, a trust policy IAM would reject is refused.
    pub fn create_role(
        &self,
        role: RoleArn,
        trust: PolicyDocument,
        max_session: Duration,
    ) -> Result<(), ConnectorError> {
        check_trust_policy(&trust)?;
        if !(crate::MIN_SESSION..=crate::MAX_SESSION).contains(&max_session) {
            return Err(ConnectorError::invalid(
                "MaxSessionDuration",
                &max_session.as_secs().to_string(),
                "a role's maximum session is 3,600 to 43,200 seconds (IAM CreateRole)",
            ));
        }
        let mut state = self.state();
        if state.roles.contains_key(&role.to_string()) {
            return Err(ConnectorError::AlreadyExists(role.to_string()));
        }
        state
            .roles
            .insert(role.to_string(), Role { trust, max_session });
        Ok(())
    }

    /// Replaces a role's trust policy.
    pub fn update_trust_policy(
        &self,
        role: &RoleArn,
        trust: PolicyDocument,
    ) -> Result<(), ConnectorError> {
        check_trust_policy(&trust)?;
        match self.state().roles.get_mut(&role.to_string()) {
            Some(existing) => {
                existing.trust = trust;
                Ok(())
            }
            None => Err(ConnectorError::NotFound(role.to_string())),
        }
    }

    /// Deletes a role: the customer revokes access.
    pub fn delete_role(&self, role: &RoleArn) -> bool {
        self.state().roles.remove(&role.to_string()).is_some()
    }

    /// True when the role exists.
    pub fn role_exists(&self, role: &RoleArn) -> bool {
        self.state().roles.contains_key(&role.to_string())
    }

    /// Registers an OIDC provider in `account` for `issuer` (host and path, no scheme).
    pub fn create_oidc_provider(&self, account: &AccountId, issuer: &str, audiences: &[&str]) {
        self.state().oidc.insert(
            (account.to_string(), issuer.to_owned()),
            audiences.iter().map(|a| (*a).to_owned()).collect(),
        );
    }

    /// A token this STS accepts, from `issuer` for `subject` and `audience`, valid for `ttl`.
    pub fn issue_test_token(
        &self,
        issuer: &str,
        subject: &str,
        audience: &str,
        ttl: Duration,
    ) -> String {
        let expires = (self.inner.clock.now() + ttl)
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        token::encode(
            self.inner.token_key,
            &token::Claims {
                issuer: issuer.to_owned(),
                subject: subject.to_owned(),
                audience: audience.to_owned(),
                expires,
            },
        )
    }

    /// The next `n` calls fail with `Throttling`.
    pub fn throttle_next(&self, n: u32) {
        self.state().throttle = n;
    }

    /// The next call fails with `error` (errors queue up).
    pub fn fail_next(&self, error: ProviderError) {
        self.state().faults.push_back(error);
    }

    /// Every call yields `n` times to the executor before answering, so concurrent callers
    /// overlap as they would over a network.
    pub fn set_latency_yields(&self, n: u32) {
        self.state().yields = n;
    }

    /// How many calls each operation received.
    pub fn calls(&self) -> CallCounts {
        self.state().calls
    }

    /// Sets the counters back to zero.
    pub fn reset_counters(&self) {
        self.state().calls = CallCounts::default();
    }

    fn injected_fault(state: &mut State) -> Option<ProviderError> {
        if state.throttle > 0 {
            state.throttle -= 1;
            return Some(
                ProviderError::new(ProviderErrorKind::Throttled, "Rate exceeded")
                    .with_code("Throttling"),
            );
        }
        state.faults.pop_front()
    }

    fn mint(
        &self,
        state: &mut State,
        role: &RoleArn,
        session: &str,
        duration: Duration,
    ) -> TemporaryCredentials {
        state.minted += 1;
        let n = state.minted;
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&(self.inner.token_key, n), &mut hasher);
        let noise = std::hash::Hasher::finish(&hasher);
        let access_key_id = format!("ASIA{:016X}", noise ^ n);
        let secret = format!("memsts/{noise:016x}{n:08x}/secret");
        let expires = self.inner.clock.now() + duration;
        state.issued.insert(
            access_key_id.clone(),
            Issued {
                secret: SecretString::from(secret.clone()),
                role: role.clone(),
                session: session.to_owned(),
                expires,
            },
        );
        TemporaryCredentials::new(
            access_key_id,
            secret,
            format!("memsts-token-{noise:016x}{n:08x}"),
            expires,
        )
    }

    fn assume(&self, request: &AssumeRoleRequest) -> Result<TemporaryCredentials, ProviderError> {
        let mut state = self.state();
        state.calls.assume_role += 1;
        if let Some(fault) = Self::injected_fault(&mut state) {
            return Err(fault);
        }
        request.validate()?;
        let caller = state.caller.clone();
        let Some(role) = state.roles.get(&request.role_arn.to_string()) else {
            return Err(denied(&caller, "sts:AssumeRole", &request.role_arn));
        };
        if request.duration > role.max_session {
            return Err(ProviderError::new(
                ProviderErrorKind::Other,
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            )
            .with_code("ValidationError"));
        }
        let mut simulated = trust_policy::AssumeRoleRequest::new(caller.clone())
            .role(request.role_arn.clone())
            .session_name(request.session_name.clone());
        if let Some(id) = &request.external_id {
            simulated = simulated.external_id(id.as_str());
        }
        if let Some(identity) = &request.source_identity {
            simulated = simulated.source_identity(identity.clone());
        }
        if let Some(region) = &request.region {
            simulated = simulated.region(region.clone());
        }
        for (key, value) in &request.tags {
            simulated = simulated.tag(key.clone(), value.clone());
        }
        if trust_policy::simulate(&role.trust, &simulated).decision != Decision::Allow {
            return Err(denied(&caller, "sts:AssumeRole", &request.role_arn));
        }
        Ok(self.mint(
            &mut state,
            &request.role_arn,
            &request.session_name,
            request.duration,
        ))
    }

    fn assume_web(
        &self,
        request: &WebIdentityRequest,
    ) -> Result<TemporaryCredentials, ProviderError> {
        let mut state = self.state();
        state.calls.assume_role_with_web_identity += 1;
        if let Some(fault) = Self::injected_fault(&mut state) {
            return Err(fault);
        }
        request.validate()?;
        let invalid = |why: &str| {
            ProviderError::new(ProviderErrorKind::InvalidIdentityToken, why.to_owned())
                .with_code("InvalidIdentityToken")
        };
        let claims = token::decode(self.inner.token_key, request.token.expose_secret())
            .ok_or_else(|| invalid("The web identity token could not be validated"))?;
        let now = self
            .inner
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if claims.expires <= now {
            return Err(
                ProviderError::new(ProviderErrorKind::ExpiredToken, "Token is expired")
                    .with_code("ExpiredTokenException"),
            );
        }
        let account = request.role_arn.account_id().to_string();
        let Some(audiences) = state.oidc.get(&(account.clone(), claims.issuer.clone())) else {
            return Err(invalid(
                "No OpenIDConnect provider found in your account for this issuer",
            ));
        };
        if !audiences.contains(&claims.audience) {
            return Err(invalid("Incorrect token audience"));
        }
        let Some(role) = state.roles.get(&request.role_arn.to_string()) else {
            return Err(ProviderError::new(
                ProviderErrorKind::AccessDenied,
                "Not authorized to perform sts:AssumeRoleWithWebIdentity",
            )
            .with_code("AccessDenied"));
        };
        let provider_arn = format!(
            "arn:{}:iam::{account}:oidc-provider/{}",
            request.role_arn.partition(),
            claims.issuer
        );
        let evaluation = role.trust.evaluate(
            &Request::new(
                "sts:AssumeRoleWithWebIdentity",
                request.role_arn.to_string(),
            )
            .with_principal(RequestPrincipal::Federated(provider_arn))
            .with_context(format!("{}:aud", claims.issuer), claims.audience.clone())
            .with_context(format!("{}:sub", claims.issuer), claims.subject.clone()),
        );
        if evaluation.decision != Decision::Allow {
            return Err(ProviderError::new(
                ProviderErrorKind::AccessDenied,
                "Not authorized to perform sts:AssumeRoleWithWebIdentity",
            )
            .with_code("AccessDenied"));
        }
        let session = request.session_name.clone();
        Ok(self.mint(&mut state, &request.role_arn, &session, request.duration))
    }

    fn identity(
        &self,
        credentials: &TemporaryCredentials,
    ) -> Result<CallerIdentity, ProviderError> {
        let mut state = self.state();
        state.calls.caller_identity += 1;
        if let Some(fault) = Self::injected_fault(&mut state) {
            return Err(fault);
        }
        let invalid = || {
            ProviderError::new(
                ProviderErrorKind::AccessDenied,
                "The security token included in the request is invalid",
            )
            .with_code("InvalidClientTokenId")
        };
        let issued = state
            .issued
            .get(credentials.access_key_id())
            .ok_or_else(invalid)?;
        if issued.secret.expose_secret() != credentials.secret_access_key().expose_secret() {
            return Err(invalid());
        }
        if self.inner.clock.now() >= issued.expires {
            return Err(ProviderError::new(
                ProviderErrorKind::ExpiredToken,
                "The security token included in the request is expired",
            )
            .with_code("ExpiredToken"));
        }
        let role = &issued.role;
        Ok(CallerIdentity {
            account: role.account_id().to_string(),
            arn: role.assumed_role_arn(&issued.session),
            user_id: format!(
                "AROA{}:{}",
                &credentials.access_key_id()[4..].to_ascii_uppercase(),
                issued.session
            ),
        })
    }

    fn yields(&self) -> u32 {
        self.state().yields
    }
}

fn check_trust_policy(trust: &PolicyDocument) -> Result<(), ConnectorError> {
    let errors: Vec<String> = Validator::new(PolicyKind::trust_policy())
        .validate(trust)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{} at {}: {}", f.code, f.location, f.message))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConnectorError::invalid(
            "trust policy",
            &trust.to_json(),
            format!(
                "IAM would reject it (MalformedPolicyDocument): {}",
                errors.join("; ")
            ),
        ))
    }
}

impl StsProvider for InMemorySts {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            Yield(self.yields()).await;
            self.assume(request)
        })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            Yield(self.yields()).await;
            self.assume_web(request)
        })
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        _region: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(async move {
            Yield(self.yields()).await;
            self.identity(credentials)
        })
    }
}
