//! # connector-server
//!
//! A reference onboarding service on [`connector_core::Connector`]: the REST API a vendor's
//! product calls (under `/v1`, described by an OpenAPI document generated from the code at
//! `/v1/openapi.json`), the customer's onboarding page, the SNS registration callback, the
//! fleet worker in-process, `/healthz`, `/readyz` and `/metrics`.
//!
//! - **Tenancy**: every API key belongs to a tenant; connections are stored as
//!   `TENANT_NAME` and the API speaks names only, so a key of one tenant can neither read,
//!   change nor learn of another tenant's connections (the same 404 as a missing one).
//! - **Access** within a tenant: a key's tenant-wide default access and per-connection
//!   grants to the key or its teams — `view`, `use` (run the test), `manage` (submit a
//!   role, disconnect, rotate, remove, issue links) — checked on every endpoint.
//! - **Secrets**: API keys and page tokens are 256-bit random secrets shown once, stored as
//!   SHA-256 digests, compared in constant time, held in `secrecy` types, never logged.
//! - **Protections**: body limit (413), timeout (503), rate limits per key and per IP
//!   (429 with `Retry-After`; behind the load balancers of
//!   [`ServerConfig::trusted_proxies`] the client's address is read from `X-Forwarded-For`,
//!   past trusted hops only), strict headers (CSP without inline script,
//!   `frame-ancestors 'none'`, `nosniff`, `no-referrer`, `no-store`), CSRF tokens on forms.
//! - **Web identity** (the Nomos model): with an OIDC issuer
//!   (`AppStateBuilder::with_oidc_issuer`, the same one the connector mints with), the
//!   server publishes `/.well-known/openid-configuration` and `/.well-known/jwks.json`, and
//!   `POST /v1/connections` with `"trust": "web_identity"` makes a connection whose role
//!   trusts the tenant's tokens (`sub` `org/TENANT`) instead of an External ID.
//! - **Errors** are problem documents (`application/problem+json`) naming the field and the
//!   rule for bad input.
//!
//! ```no_run
//! use std::sync::Arc;
//! use connector_server::{AppState, directory::{InMemoryDirectory, keys}};
//! # async fn run(connector: connector_core::Connector) -> Result<(), Box<dyn std::error::Error>> {
//! let directory = Arc::new(InMemoryDirectory::new());
//! let key = keys::issue_key(directory.as_ref(), &"acme".parse()?, &keys::KeyPolicy::admin("ops"), 0).await?;
//! let state = AppState::builder(connector, directory).build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! connector_server::serve(listener, state, None, std::future::pending()).await?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
// `Problem` (a few strings) is the error of every handler and helper, made once per failed
// request and turned into a response at once; boxing it buys nothing.
#![allow(clippy::result_large_err)]

pub mod api;
mod auth;
mod callbacks;
mod config;
pub mod directory;
mod issuer;
mod ops;
pub(crate) mod pages;
mod problem;
pub mod secret;
mod security;
mod server;
#[cfg(feature = "simulate")]
pub mod simulate;
mod state;
#[cfg(feature = "testing")]
pub mod testing;

pub use auth::{Caller, Resolved};
pub use config::ServerConfig;
pub use pages::operator::{OperatorKey, RecentChanges};
pub use problem::Problem;
pub use security::headers::CONTENT_SECURITY_POLICY;
pub use server::{SHUTDOWN_GRACE, router, serve};
pub use state::{AppState, AppStateBuilder};
