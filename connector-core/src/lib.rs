//! # connector-core
//!
//! The runtime a platform embeds to connect to its customers' AWS accounts: the
//! [`Connection`] record and its state machine, a [`ConnectionStore`] with compare-and-swap,
//! the [`StsProvider`] trait that hides what talks to AWS, [`TemporaryCredentials`] whose
//! secrets never leak, credential sessions that refresh themselves, the connection test, and
//! (feature `testing`) an in-memory STS that enforces trust policies.
//!
//! Pure: no AWS SDK, no async runtime. Futures are boxed so the provider trait is
//! object-safe; any executor can drive them.
#![deny(missing_docs)]

mod clock;
mod connection;
mod credentials;
mod error;
mod provider;
mod session;
mod verify;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use connection::{
    Connection, ConnectionEvent, ConnectionId, ConnectionState, ConnectionStore, Diagnosis,
    InMemoryConnectionStore, update,
};
pub use credentials::TemporaryCredentials;
pub use error::ConnectorError;
pub use iam_policy;
pub use permission_sets;
pub use provider::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, MAX_CHAINED_SESSION, MAX_POLICY_ARNS,
    MAX_SESSION, MAX_SESSION_POLICY_CHARS, MAX_SESSION_TAGS, MIN_SESSION, ProviderError,
    ProviderErrorKind, StsProvider, WebIdentityRequest,
};
pub use session::{ConnectedSession, CredentialSession, RefreshPolicy, SessionCache};
/// Test doubles (feature `testing`): [`testing::InMemorySts`], an in-memory STS that
/// enforces trust policies, External IDs, expiry and revocation, with fault injection.
#[cfg(feature = "testing")]
pub mod testing;
pub use trust_policy;
pub use verify::{
    VerificationFinding, VerificationReport, VerificationSeverity, verify_connection,
};
