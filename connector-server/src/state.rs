//! [`AppState`]: what every handler shares — the [`Connector`] (the only way connection
//! records are written), the [`Directory`], the settings, the rate limiters, the CSRF key,
//! and the optional parts (metrics, SNS callback handler, simulated customer account).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use connector_aws::RegistrationHandler;
use connector_core::Connector;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::config::ServerConfig;
use crate::directory::Directory;
use crate::secret::{RandomError, ServerKey};
use crate::security::rate_limit::RateLimiters;

/// The shared state of the server's handlers. Cheap to clone.
///
/// For page authors: [`connector`](AppState::connector) reads connections (`get`, `list`,
/// `artifacts`) and acts on them; [`directory`](AppState::directory) with
/// [`crate::directory::keys::check_page_token`] turns a page token into its
/// [`PageTokenRecord`](crate::directory::PageTokenRecord) (tenant and connection name; the
/// store id is [`ConnectionName::store_id`](crate::directory::ConnectionName::store_id));
/// [`csrf_token`](AppState::csrf_token) / [`csrf_valid`](AppState::csrf_valid) protect forms.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    connector: Connector,
    directory: Arc<dyn Directory>,
    config: ServerConfig,
    limiters: RateLimiters,
    csrf_key: hmac::Key,
    metrics: Option<PrometheusHandle>,
    registration: Option<Arc<RegistrationHandler>>,
    #[cfg(feature = "simulate")]
    simulator: Option<crate::simulate::Simulator>,
    pages: crate::pages::PagesState,
    issuer: Option<Arc<connector_core::SharedIssuer>>,
}

/// Builds an [`AppState`].
#[derive(Debug)]
pub struct AppStateBuilder {
    connector: Connector,
    directory: Arc<dyn Directory>,
    config: ServerConfig,
    metrics: Option<PrometheusHandle>,
    registration: Option<Arc<RegistrationHandler>>,
    #[cfg(feature = "simulate")]
    simulator: Option<crate::simulate::Simulator>,
    pages: crate::pages::PagesState,
    issuer: Option<Arc<connector_core::SharedIssuer>>,
    server_key: Option<ServerKey>,
}

impl AppStateBuilder {
    /// The key that signs the forms' CSRF tokens and the operator's session cookies. Give
    /// every instance behind one load balancer the same key; without one, the server makes
    /// its own at start (fine for a single instance: a restart then invalidates open forms
    /// and operator sessions).
    pub fn with_server_key(mut self, key: ServerKey) -> Self {
        self.server_key = Some(key);
        self
    }

    /// The settings (default [`ServerConfig::default`]).
    pub fn with_config(mut self, config: ServerConfig) -> Self {
        self.config = config;
        self
    }

    /// Serves `/metrics` from this Prometheus recorder's handle.
    pub fn with_metrics(mut self, handle: PrometheusHandle) -> Self {
        self.metrics = Some(handle);
        self
    }

    /// Enables `POST /callbacks/sns` with this handler.
    pub fn with_registration_handler(mut self, handler: Arc<RegistrationHandler>) -> Self {
        self.registration = Some(handler);
        self
    }

    /// Enables `POST /simulate/stacks/{connection}` on this simulated customer account.
    #[cfg(feature = "simulate")]
    pub fn with_simulator(mut self, simulator: crate::simulate::Simulator) -> Self {
        self.simulator = Some(simulator);
        self
    }

    /// Lets the holder of this operator key open the operator page (`/operator`); see
    /// [`OperatorKey::issue`](crate::OperatorKey::issue).
    pub fn with_operator_key(mut self, key: crate::OperatorKey) -> Self {
        self.pages.operators.push(key);
        self
    }

    /// Shows these recent state changes on the operator page (register the same
    /// [`RecentChanges`](crate::RecentChanges) on the connector with
    /// `ConnectorBuilder::with_subscriber`).
    pub fn with_recent_changes(mut self, recent: Arc<crate::RecentChanges>) -> Self {
        self.pages.recent = Some(recent);
        self
    }

    /// Serves the vendor's OIDC issuer documents (`/.well-known/openid-configuration` and
    /// `/.well-known/jwks.json`) from this server, for web-identity connections. Give the
    /// connector the same issuer (`ConnectorBuilder::with_web_identity_tokens`); the issuer
    /// URL must be this server's public https address, which AWS fetches the JWKS from.
    pub fn with_oidc_issuer(mut self, issuer: Arc<connector_core::SharedIssuer>) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// The state (fails only when the OS random source fails while making a server key).
    pub fn build(self) -> Result<AppState, RandomError> {
        let key = match self.server_key {
            Some(key) => key,
            None => ServerKey::generate()?,
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                limiters: RateLimiters::new(self.config.per_key_rate, self.config.per_ip_rate),
                connector: self.connector,
                directory: self.directory,
                config: self.config,
                csrf_key: key.hmac_key(),
                metrics: self.metrics,
                registration: self.registration,
                #[cfg(feature = "simulate")]
                simulator: self.simulator,
                pages: self.pages,
                issuer: self.issuer,
            }),
        })
    }
}

impl AppState {
    /// A state over `connector` and `directory`.
    pub fn builder(connector: Connector, directory: Arc<dyn Directory>) -> AppStateBuilder {
        AppStateBuilder {
            connector,
            directory,
            config: ServerConfig::default(),
            metrics: None,
            registration: None,
            #[cfg(feature = "simulate")]
            simulator: None,
            pages: crate::pages::PagesState::default(),
            issuer: None,
            server_key: None,
        }
    }

    /// The vendor's OIDC issuer, when this server publishes it.
    pub fn oidc_issuer(&self) -> Option<&Arc<connector_core::SharedIssuer>> {
        self.inner.issuer.as_ref()
    }

    /// The connector.
    pub fn connector(&self) -> &Connector {
        &self.inner.connector
    }

    /// The directory.
    pub fn directory(&self) -> &dyn Directory {
        self.inner.directory.as_ref()
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    pub(crate) fn limiters(&self) -> &RateLimiters {
        &self.inner.limiters
    }

    pub(crate) fn metrics(&self) -> Option<&PrometheusHandle> {
        self.inner.metrics.as_ref()
    }

    pub(crate) fn registration(&self) -> Option<&Arc<RegistrationHandler>> {
        self.inner.registration.as_ref()
    }

    #[cfg(feature = "simulate")]
    pub(crate) fn simulator(&self) -> Option<&crate::simulate::Simulator> {
        self.inner.simulator.as_ref()
    }

    /// True when the server simulates the customer's AWS account.
    pub fn simulated(&self) -> bool {
        #[cfg(feature = "simulate")]
        {
            self.inner.simulator.is_some()
        }
        #[cfg(not(feature = "simulate"))]
        {
            false
        }
    }

    /// Now, in Unix seconds (the system clock).
    pub fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }

    /// The CSRF token of forms on the page opened by the page token with id
    /// `page_token_id`: HMAC-SHA-256 under the server key ([`AppStateBuilder::with_server_key`]),
    /// so it is bound to that page token and unforgeable without the key.
    pub fn csrf_token(&self, page_token_id: &str) -> String {
        let tag = hmac::sign(&self.inner.csrf_key, page_token_id.as_bytes());
        tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// True when `presented` is the CSRF token for `page_token_id` (constant time).
    pub fn csrf_valid(&self, page_token_id: &str, presented: &str) -> bool {
        let Some(bytes) = decode_hex(presented) else {
            return false;
        };
        hmac::verify(&self.inner.csrf_key, page_token_id.as_bytes(), &bytes).is_ok()
    }
}

impl AppState {
    pub(crate) fn pages(&self) -> &crate::pages::PagesState {
        &self.inner.pages
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    // Only the 64 lowercase hex digits the token is written with: `from_str_radix` alone
    // would also take a sign (`+a` reads as `0a`) and capitals, so one token would have
    // several spellings.
    if text.len() != 64
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}
