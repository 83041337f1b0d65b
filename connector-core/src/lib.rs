//! # connector-core
//!
//! The runtime a platform embeds to connect to its customers' AWS accounts: the
//! [`Connector`], which runs the whole lifecycle (create a connection with a fresh External
//! ID, hand out its onboarding artifacts, take back the role ARN and test it, hand workers
//! credentials that refresh themselves and obey the stored connection, disconnect, rotate);
//! and what it is made of: the [`Connection`] record and its state machine, the
//! [`ConnectionStore`] trait with compare-and-swap and paginated listing, the
//! [`StsProvider`] trait that hides what talks to AWS, [`TemporaryCredentials`] whose secrets
//! never leak, [`CredentialSession`]s, and the connection test. Feature `testing` adds an
//! in-memory STS that enforces trust policies and the behaviour suites every provider and
//! store must pass.
//!
//! A customer revokes access by deleting the role or changing its trust policy (STS answers
//! `AccessDenied`: [`ProviderErrorKind::AccessDenied`]) or, for a web-identity connection, by
//! deleting the IAM OIDC identity provider for the vendor's issuer (`InvalidIdentityToken`,
//! "No OpenIDConnect provider found in your account for ISSUER":
//! [`ProviderErrorKind::OidcProviderMissing`]). Either way the next refresh or health check
//! makes the connection `Disconnected` with a diagnosis that says what the customer did, and
//! no credentials are handed out. Faults of the vendor's own (its credentials, a token STS
//! rejects for its key, issuer or lifetime, a session policy) only degrade the connection.
//!
//! Pure: no AWS SDK, no database driver, no async runtime. Futures are boxed so the traits
//! are object-safe; any executor drives them.
#![deny(missing_docs)]

mod clock;
mod connection;
mod connector;
mod credentials;
mod error;
mod fleet;
#[cfg(feature = "oidc")]
pub mod oidc;
mod provider;
pub mod registration;
mod session;
mod verify;
mod verify_web_identity;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use connection::{
    Connection, ConnectionBuilder, ConnectionEvent, ConnectionId, ConnectionKind, ConnectionState,
    ConnectionStore, Diagnosis, DiagnosisCode, InMemoryConnectionStore, ListCursor, ListQuery,
    LiveConnection, Page, TokenSubject, apply_event, check_next_revision,
};
pub use connector::{
    ConnectedSession, Connector, ConnectorBuilder, NewConnection, Probe, ProbeOutcome,
    SessionNames, Submission,
};
pub use credentials::TemporaryCredentials;
pub use error::ConnectorError;
pub use fleet::{
    BucketKey, ChannelSubscriber, CheckObserver, CheckOutcome, CheckQueue, CheckRecord, Claim,
    FleetSchedule, FleetWorker, FleetWorkerBuilder, HealthCheck, Lease, QueueStats, RateLimit,
    RateLimiter, Requested, Shutdown, StateChange, StateSubscriber, Timer, WorkerId, WorkerStatus,
    from_unix_millis, unix_millis,
};
#[cfg(feature = "oidc")]
pub use provider::SharedIssuer;
pub use provider::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, MAX_CHAINED_SESSION, MAX_POLICY_ARNS,
    MAX_SESSION, MAX_SESSION_POLICY_CHARS, MAX_SESSION_TAGS, MIN_SESSION, NO_OIDC_PROVIDER,
    ProviderError, ProviderErrorKind, RoleSessionName, StsProvider, WebIdentityRequest,
    WebIdentitySource, WebIdentityTokens,
};
pub use session::{CredentialSession, RefreshPolicy, SessionScope};
/// Test doubles and behaviour suites (feature `testing`): [`testing::InMemorySts`], an
/// in-memory STS that enforces trust policies, External IDs, expiry and revocation, with
/// fault injection; and the suites every provider and store implementation must pass.
#[cfg(feature = "testing")]
pub mod testing;
// The types of the policy crates that appear in this crate's signatures, so an adopter needs
// no other dependency to call it.
pub use iam_policy::{AccountId, Arn, PolicyDocument, Region, RoleArn, Severity, UnknownCode};
#[cfg(feature = "onboarding")]
pub use onboarding::{Onboarding, OnboardingBuilder, OnboardingError};
pub use permission_sets::{ParameterValues, PermissionSet, PermissionSetRef};
pub use trust_policy::{ExternalId, TrustPolicyError, VendorPrincipal};
pub use verify::{
    VerificationCode, VerificationFinding, VerificationOutcome, VerificationReport,
    verify_connection,
};
pub use verify_web_identity::{WebIdentityTarget, verify_web_identity_connection};
