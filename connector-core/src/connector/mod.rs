//! The `Connector`: the connection lifecycle as one embeddable object. It creates pending
//! connections with fresh External IDs, hands out the onboarding artifacts, takes the role
//! ARN back and runs the connection test, hands workers self-refreshing credentials that obey
//! the stored connection, and disconnects, removes, reconnects and rotates External IDs.

#[cfg(feature = "onboarding")]
mod artifacts;
mod check;
mod credentials;
mod lifecycle;
mod live;
mod names;
mod requests;

pub use check::{Probe, ProbeOutcome};
pub use credentials::ConnectedSession;
pub use names::SessionNames;
pub use requests::{NewConnection, Submission};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use permission_sets::{PermissionSet, PermissionSetRef};
use trust_policy::VendorPrincipal;

use crate::{
    Clock, Connection, ConnectionEvent, ConnectionId, ConnectionStore, ConnectorError,
    RefreshPolicy, StateChange, StateSubscriber, StsProvider, SystemClock, Timestamp,
    WebIdentityTokens, apply_event,
};

use live::LiveTable;

/// How many times a write retries a compare-and-swap conflict before giving up.
const CAS_ATTEMPTS: u32 = 16;

/// The connection lifecycle over a [`ConnectionStore`] and an [`StsProvider`]. Cheap to clone
/// (clones share everything); make one per process and share it between workers.
///
/// What it guarantees:
/// - a connection is `Active` only after a connection test that verified it (the role can be
///   assumed with the External ID, the session is the role's, and AWS denied the call
///   without the External ID); a test with no verdict leaves it `Verifying`;
/// - [`credentials`](Connector::credentials) hands out credentials only for a connection the
///   store holds as `Active` or `Degraded`, and makes no STS call otherwise; a disconnect by
///   this connector takes effect at the next call of every worker in the process, one by
///   another process sharing the store within [`state_ttl`](ConnectorBuilder::with_state_ttl)
///   (3 seconds by default), never at credential expiry;
/// - what a refresh reveals (revocation, throttling, recovery) moves the connection through
///   its state machine, and the store is written only when the state or diagnosis changes.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use connector_core::testing::InMemorySts;
/// use connector_core::{ConnectionState, Connector, InMemoryConnectionStore, ManualClock, NewConnection};
/// use trust_policy::VendorPrincipal;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let clock = ManualClock::at_unix(1_800_000_000);
/// let sts = InMemorySts::new(Arc::new(clock.clone()), "arn:aws:sts::999988887777:assumed-role/vendor/worker".parse()?);
/// let connector = Connector::builder(
///     VendorPrincipal::account("999988887777".parse()?),
///     Arc::new(InMemoryConnectionStore::new()),
///     Arc::new(sts.clone()),
/// )
/// .with_clock(Arc::new(clock))
/// .build();
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let pending = connector.create(NewConnection::new("acme".parse()?)).await?;
/// // ... the customer creates the role with pending.external_id() in its trust policy:
/// let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/vendor".parse()?;
/// let trust = trust_policy::CrossAccountTrust::new(
///     VendorPrincipal::account("999988887777".parse()?), pending.external_id().clone()).policy()?;
/// sts.create_role(role.clone(), trust, Duration::from_secs(3600))?;
///
/// let submission = connector.submit_role(pending.id(), role).await?;
/// assert_eq!(submission.connection().state(), ConnectionState::Active);
/// let credentials = connector.credentials(pending.id()).await?;
///
/// connector.disconnect(pending.id()).await?;
/// assert!(connector.credentials(pending.id()).await.is_err()); // at once, no STS call
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Connector {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    vendor: VendorPrincipal,
    store: Arc<dyn ConnectionStore>,
    provider: Arc<dyn StsProvider>,
    clock: Arc<dyn Clock>,
    names: SessionNames,
    refresh: RefreshPolicy,
    state_ttl: Duration,
    permission_sets: BTreeMap<PermissionSetRef, PermissionSet>,
    subscribers: Vec<Arc<dyn StateSubscriber>>,
    tokens: Option<Arc<dyn WebIdentityTokens>>,
    live: Arc<LiveTable>,
}

/// Builds a [`Connector`].
#[derive(Debug)]
pub struct ConnectorBuilder {
    vendor: VendorPrincipal,
    store: Arc<dyn ConnectionStore>,
    provider: Arc<dyn StsProvider>,
    clock: Arc<dyn Clock>,
    names: SessionNames,
    refresh: RefreshPolicy,
    state_ttl: Duration,
    permission_sets: BTreeMap<PermissionSetRef, PermissionSet>,
    subscribers: Vec<Arc<dyn StateSubscriber>>,
    tokens: Option<Arc<dyn WebIdentityTokens>>,
}

impl ConnectorBuilder {
    /// The vendor's OIDC issuer, for web-identity connections (the Nomos model): their
    /// connection tests, health checks and credentials go through
    /// `AssumeRoleWithWebIdentity` with a token `tokens` mints for every call. Without it, a
    /// web-identity connection cannot be created.
    pub fn with_web_identity_tokens(mut self, tokens: Arc<dyn WebIdentityTokens>) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// The clock (default: the system clock). The provider's expiries must follow it.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How role sessions are named in the customer's CloudTrail (default prefix
    /// `connector`).
    pub fn with_session_names(mut self, names: SessionNames) -> Self {
        self.names = names;
        self
    }

    /// When credentials are refreshed and how failures back off.
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.refresh = policy;
        self
    }

    /// How long the connector trusts its snapshot of a connection's state before reading the
    /// store again: the staleness bound for changes made by other processes sharing the store
    /// (default 3 seconds; changes this connector makes take effect at once).
    pub fn with_state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }

    /// Offers a permission set: connections may grant it, and their artifacts render it.
    pub fn with_permission_set(mut self, set: PermissionSet) -> Self {
        self.permission_sets.insert(set.reference().clone(), set);
        self
    }

    /// Tells `subscriber` about every state change this connector writes (health checks,
    /// refreshes, the vendor's actions); see [`StateSubscriber`].
    pub fn with_subscriber(mut self, subscriber: Arc<dyn StateSubscriber>) -> Self {
        self.subscribers.push(subscriber);
        self
    }

    /// The connector.
    pub fn build(self) -> Connector {
        Connector {
            inner: Arc::new(Inner {
                vendor: self.vendor,
                store: self.store,
                provider: self.provider,
                clock: self.clock,
                names: self.names,
                refresh: self.refresh,
                state_ttl: self.state_ttl,
                permission_sets: self.permission_sets,
                subscribers: self.subscribers,
                tokens: self.tokens,
                live: Arc::new(LiveTable::default()),
            }),
        }
    }
}

impl Connector {
    /// The default staleness bound for changes other processes make.
    pub const DEFAULT_STATE_TTL: Duration = Duration::from_secs(3);

    /// A connector for `vendor` (the principal customers' trust policies name), keeping
    /// connections in `store` and reaching STS through `provider`.
    pub fn builder(
        vendor: VendorPrincipal,
        store: Arc<dyn ConnectionStore>,
        provider: Arc<dyn StsProvider>,
    ) -> ConnectorBuilder {
        ConnectorBuilder {
            vendor,
            store,
            provider,
            clock: Arc::new(SystemClock),
            names: SessionNames::default(),
            refresh: RefreshPolicy::default(),
            state_ttl: Connector::DEFAULT_STATE_TTL,
            permission_sets: BTreeMap::new(),
            subscribers: Vec::new(),
            tokens: None,
        }
    }

    /// The vendor principal.
    pub fn vendor(&self) -> &VendorPrincipal {
        &self.inner.vendor
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn ConnectionStore> {
        &self.inner.store
    }

    /// The permission sets offered.
    pub fn permission_sets(&self) -> impl Iterator<Item = &PermissionSet> {
        self.inner.permission_sets.values()
    }

    /// The permission set offered under `reference`.
    pub fn permission_set(&self, reference: &PermissionSetRef) -> Option<&PermissionSet> {
        self.inner.permission_sets.get(reference)
    }

    /// How many connections the connector holds a snapshot of (those it handed credentials
    /// for or changed).
    pub fn tracked_connections(&self) -> usize {
        self.inner.live.len()
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_system(self.inner.clock.now())
    }

    /// The provider.
    pub(crate) fn provider(&self) -> &Arc<dyn StsProvider> {
        &self.inner.provider
    }

    /// The vendor's OIDC issuer, when web-identity connections are supported.
    pub fn web_identity_tokens(&self) -> Option<&Arc<dyn WebIdentityTokens>> {
        self.inner.tokens.as_ref()
    }

    /// The issuer, or the error a web-identity connection gets without one.
    pub(crate) fn require_tokens(&self) -> Result<&Arc<dyn WebIdentityTokens>, ConnectorError> {
        self.inner.tokens.as_ref().ok_or_else(|| {
            ConnectorError::invalid(
                "connection kind",
                "web_identity",
                "the connector has no OIDC issuer (ConnectorBuilder::with_web_identity_tokens)",
            )
        })
    }

    /// The clock.
    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The same connector (store, snapshot, subscribers, names) calling STS through
    /// `provider`: the fleet's checks go through its rate limiter this way.
    pub(crate) fn with_provider(&self, provider: Arc<dyn StsProvider>) -> Connector {
        let inner = &self.inner;
        Connector {
            inner: Arc::new(Inner {
                vendor: inner.vendor.clone(),
                store: Arc::clone(&inner.store),
                provider,
                clock: Arc::clone(&inner.clock),
                names: inner.names.clone(),
                refresh: inner.refresh,
                state_ttl: inner.state_ttl,
                permission_sets: inner.permission_sets.clone(),
                subscribers: inner.subscribers.clone(),
                tokens: inner.tokens.clone(),
                live: Arc::clone(&inner.live),
            }),
        }
    }

    /// [`apply_event`], telling the subscribers when the state moved.
    pub(super) async fn apply_and_publish(
        &self,
        id: &ConnectionId,
        mut event: impl FnMut(&Connection) -> Result<ConnectionEvent, ConnectorError>,
    ) -> Result<Connection, ConnectorError> {
        let mut before = None;
        let result = apply_event(
            self.inner.store.as_ref(),
            id,
            self.now(),
            CAS_ATTEMPTS,
            |current| {
                before = Some((current.state(), current.last_diagnosis().cloned()));
                event(current)
            },
        )
        .await;
        if let (Ok(after), Some((before, before_diagnosis))) = (&result, before)
            && after.state() != before
            && !self.inner.subscribers.is_empty()
        {
            // The event says why only when this write diagnosed something: a recovery, or a
            // reconnect, keeps the old diagnosis on the record as history, not as the reason.
            let diagnosis = after
                .last_diagnosis()
                .filter(|diagnosis| before_diagnosis.as_ref() != Some(*diagnosis))
                .cloned();
            let change = StateChange::new(
                after.id().clone(),
                before,
                after.state(),
                diagnosis,
                self.inner.clock.now(),
                after.revision(),
            );
            for subscriber in &self.inner.subscribers {
                subscriber.notify(&change);
            }
        }
        result
    }

    /// Refuses a permission set the connector does not offer (when it offers any).
    fn check_offered(&self, reference: &PermissionSetRef) -> Result<(), ConnectorError> {
        if self.inner.permission_sets.is_empty()
            || self.inner.permission_sets.contains_key(reference)
        {
            Ok(())
        } else {
            Err(ConnectorError::invalid(
                "permission set",
                &reference.to_string(),
                "the connector does not offer this permission set (ConnectorBuilder::with_permission_set)",
            ))
        }
    }
}
