//! The in-memory STS (feature `testing`): a test double that enforces what AWS enforces.
//!
//! [`InMemorySts`] implements [`StsProvider`](crate::StsProvider) with no network, no AWS
//! account and no async runtime, for this workspace's tests and for the test suites of the
//! products that embed it. Unlike a permissive mock (moto accepts malformed trust policies and
//! any External ID), it evaluates each role's trust policy with the workspace's own
//! `trust-policy` / `iam-policy` semantics: a wrong External ID really is denied.
//!
//! # What it enforces
//!
//! `AssumeRole`, in this order:
//! 1. [`AssumeRoleRequest::validate`](crate::AssumeRoleRequest::validate) → `InvalidRequest`.
//!    The request never leaves the client: it is not counted and consumes no injected fault.
//! 2. Injected faults (throttling first, then queued errors).
//! 3. The caller: an account root → `AccessDenied` ("Roles may not be assumed by root
//!    accounts."); a federated user (`GetFederationToken` credentials) → `AccessDenied`.
//! 4. STS deactivated in the request's region for the role's account → `RegionDisabled`.
//! 5. A session policy IAM would refuse (`Validator` with `PolicyKind::SessionPolicy` finds
//!    errors) → `MalformedPolicy`.
//! 6. The role must exist with exactly this ARN (path included), and
//!    [`trust_policy::simulate`] with the caller ARN, External ID, role session name, source
//!    identity, session tags and region must `Allow` (which also demands
//!    `sts:SetSourceIdentity` with a source identity and `sts:TagSession` with tags).
//!    Otherwise `AccessDenied`, worded as AWS words it: "User: CALLER is not authorized to
//!    perform: sts:AssumeRole on resource: ROLE" (it does not say whether the role is missing;
//!    [`InMemorySts::last_denial_reason`] does, for the test author).
//! 7. `DurationSeconds` above the role's maximum session, or above one hour when the caller
//!    is itself a role session (role chaining) → `Other` with code `ValidationError`.
//! 8. The packed size of session policy, policy ARNs and tags above
//!    [`PACKED_POLICY_LIMIT`] → `PackedPolicyTooLarge` (an approximation: AWS compresses, and
//!    does not publish the packed limit; here it is the plain character count).
//!
//! `AssumeRoleWithWebIdentity`: validation, faults, then the token, a real JWT: its `iss`
//! must name an OIDC provider of the role's account (none → `OidcProviderMissing`, code
//! `InvalidIdentityToken`, "No OpenIDConnect provider found in your account for ISS", as AWS
//! words it), and it is verified against that
//! provider's JWKS (see [`oidc::verify_token`](crate::oidc::verify_token)): the key with the
//! token's `kid` (unknown `kid` → `InvalidIdentityToken`), an `alg` that key supports (`none`,
//! and HS256 keyed with the public key, are refused), the signature, `iss` exactly
//! `https://` and the provider's URL, `aud` among its client ids, `exp` (past, beyond
//! [`WEB_IDENTITY_CLOCK_SKEW`] → `ExpiredToken`), `nbf` / `iat` not in the future; any other
//! failure → `InvalidIdentityToken`. Then region, session policy, then the trust policy
//! evaluated for `sts:AssumeRoleWithWebIdentity` with the `Federated` principal
//! `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER` and the context keys `ISSUER:aud`,
//! `ISSUER:sub`, `sts:RoleSessionName` (→ `AccessDenied`), then the role's maximum session.
//!
//! `GetCallerIdentity`: faults, then the credentials: unknown access key id or session token
//! (`InvalidClientTokenId`) and wrong secret (`SignatureDoesNotMatch`) both map to
//! `AccessDenied`, because such credentials grant nothing; past the expiry → `ExpiredToken`;
//! the region. It answers the account, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` and
//! `AROA…:SESSION`, where `AROA…` is the role's unique id (stable across sessions, new when a
//! role of the same name is recreated). As in AWS, credentials already issued keep working
//! until they expire when the role is deleted or its trust policy changes: the trust policy
//! governs assuming the role, and the next refresh is what gets denied.
//!
//! Setup is checked like IAM checks it: a trust policy with validation errors, a maximum
//! session outside 1 to 12 hours, a duplicate role name (case-insensitive per account) or an
//! issuer URL that is not `https://` are refused with a [`SetupError`].
//!
//! An OIDC provider holds its issuer's JWKS: [`InMemorySts::create_oidc_provider_with_jwks`]
//! takes the document the issuer publishes (e.g. [`Issuer::jwks`](crate::oidc::Issuer::jwks)),
//! [`InMemorySts::set_oidc_provider_jwks`] replaces it (AWS refetching after a rotation);
//! [`InMemorySts::create_oidc_provider`] uses the JWKS of the instance's own test key, which
//! signs [`InMemorySts::issue_test_token`]'s tokens.
//!
//! Identifiers and secrets come from a counter-based generator (deterministic for a seed, see
//! [`InMemorySts::with_seed`]; not a CSPRNG): access key ids are `ASIA` and 16 base32
//! characters, distinct for every call, secrets differ per call. No secret appears in the
//! `Debug` output of the STS, its errors or the credentials.
//!
//! Latency ([`InMemorySts::set_latency`], [`InMemorySts::set_latency_yields`]) needs no timer:
//! the call's future returns `Pending` and wakes itself, so the executor runs other tasks in
//! between and concurrent callers genuinely overlap.
//!
//! [`InMemorySts`]: crate::testing::InMemorySts
//! [`InMemorySts::last_denial_reason`]: crate::testing::InMemorySts::last_denial_reason
//! [`InMemorySts::with_seed`]: crate::testing::InMemorySts::with_seed
//! [`InMemorySts::create_oidc_provider`]: crate::testing::InMemorySts::create_oidc_provider
//! [`InMemorySts::create_oidc_provider_with_jwks`]: crate::testing::InMemorySts::create_oidc_provider_with_jwks
//! [`InMemorySts::set_oidc_provider_jwks`]: crate::testing::InMemorySts::set_oidc_provider_jwks
//! [`InMemorySts::issue_test_token`]: crate::testing::InMemorySts::issue_test_token
//! [`InMemorySts::set_latency`]: crate::testing::InMemorySts::set_latency
//! [`InMemorySts::set_latency_yields`]: crate::testing::InMemorySts::set_latency_yields
//! [`PACKED_POLICY_LIMIT`]: crate::testing::PACKED_POLICY_LIMIT
//! [`WEB_IDENTITY_CLOCK_SKEW`]: crate::testing::WEB_IDENTITY_CLOCK_SKEW
//! [`SetupError`]: crate::testing::SetupError
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use connector_core::testing::{CallCounts, InMemorySts};
//! use connector_core::{AssumeRoleRequest, Clock, ManualClock, ProviderErrorKind, StsProvider};
//! use connector_core::WebIdentityRequest;
//! use trust_policy::{CrossAccountTrust, ExternalId, OidcTrust, SubjectMatch, VendorPrincipal};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The vendor's workers run as a role session in the vendor's account.
//! let clock = ManualClock::at_unix(1_800_000_000);
//! let sts = InMemorySts::new(
//!     Arc::new(clock.clone()),
//!     "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker".parse()?,
//! );
//!
//! // The customer creates the role with the trust policy the vendor handed them.
//! let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/vendor-access".parse()?;
//! let external_id = ExternalId::generate()?;
//! let vendor = VendorPrincipal::account("999988887777".parse()?);
//! let trust = CrossAccountTrust::new(vendor, external_id.clone()).policy()?;
//! sts.create_role(role.clone(), trust, Duration::from_secs(3600))?;
//!
//! let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! rt.block_on(async {
//!     // The right External ID: credentials, and GetCallerIdentity says who they are.
//!     let request = AssumeRoleRequest::new(role.clone(), "sync".parse()?).with_external_id(external_id);
//!     let credentials = sts.assume_role(&request).await?;
//!     assert_eq!(credentials.expiration(), clock.now() + Duration::from_secs(3600));
//!     let identity = sts.caller_identity(&credentials, None).await?;
//!     assert_eq!(identity.arn, "arn:aws:sts::111122223333:assumed-role/vendor-access/sync");
//!     assert!(identity.user_id.starts_with("AROA") && identity.user_id.ends_with(":sync"));
//!
//!     // Another customer's External ID (the confused deputy) is denied.
//!     let wrong = request.clone().with_external_id("another-customers-id".parse()?);
//!     assert_eq!(sts.assume_role(&wrong).await.unwrap_err().kind, ProviderErrorKind::AccessDenied);
//!     assert!(sts.last_denial_reason().unwrap().contains("sts:ExternalId"));
//!
//!     // Credentials expire on the clock the test moves.
//!     clock.advance(Duration::from_secs(3600));
//!     let expired = sts.caller_identity(&credentials, None).await.unwrap_err();
//!     assert_eq!(expired.kind, ProviderErrorKind::ExpiredToken);
//!
//!     // Faults: two throttled calls, then success.
//!     sts.throttle_next(2);
//!     for _ in 0..2 {
//!         assert!(sts.assume_role(&request).await.unwrap_err().is_retryable());
//!     }
//!     assert!(sts.assume_role(&request).await.is_ok());
//!
//!     // The customer deletes the role: access is revoked.
//!     sts.delete_role(&role)?;
//!     assert_eq!(sts.assume_role(&request).await.unwrap_err().kind, ProviderErrorKind::AccessDenied);
//!
//!     // Web identity: an OIDC provider in the account and a role that trusts one subject.
//!     let federated: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/federated".parse()?;
//!     let trust = OidcTrust::new("111122223333".parse()?, "https://id.example.com")?
//!         .with_audience("sts.amazonaws.com")?
//!         .with_subject(SubjectMatch::Exact("org/acme".into()))?
//!         .policy()?;
//!     sts.create_role(federated.clone(), trust, Duration::from_secs(3600))?;
//!     sts.create_oidc_provider(&"111122223333".parse()?, "https://id.example.com", &["sts.amazonaws.com"])?;
//!     let token = sts.issue_test_token("https://id.example.com", "org/acme", "sts.amazonaws.com");
//!     let web = WebIdentityRequest::new(federated.clone(), "agent".parse()?, token.into());
//!     assert!(sts.assume_role_with_web_identity(&web).await.is_ok());
//!     let other = sts.issue_test_token("https://id.example.com", "org/evil", "sts.amazonaws.com");
//!     let denied = sts.assume_role_with_web_identity(&WebIdentityRequest::new(federated, "agent".parse()?, other.into())).await;
//!     assert_eq!(denied.unwrap_err().kind, ProviderErrorKind::AccessDenied);
//!
//!     assert_eq!(sts.calls(), CallCounts {
//!         assume_role: 6,
//!         assume_role_with_web_identity: 2,
//!         caller_identity: 2,
//!     });
//!     Ok::<_, Box<dyn std::error::Error>>(())
//! })?;
//! # Ok(())
//! # }
//! ```

mod answers;
mod assume;
pub mod behaviour;
mod error;
mod faults;
mod identity;
mod mint;
mod provider;
mod setup;
mod state;
mod token;
mod web_identity;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use iam_policy::Arn;

use crate::oidc::SigningKey;
use crate::{Clock, MAX_SESSION_POLICY_CHARS, ProviderError};

pub use error::SetupError;
pub use faults::CallCounts;

use faults::Faults;
use mint::IdGenerator;
use state::State;

/// The packed-size budget of session policy, policy ARNs and session tags together, in
/// characters (an approximation of STS's undisclosed packed limit; see the module docs).
pub const PACKED_POLICY_LIMIT: usize = MAX_SESSION_POLICY_CHARS;

/// How long a token from [`InMemorySts::issue_test_token`] stays valid.
pub const DEFAULT_TEST_TOKEN_TTL: Duration = Duration::from_secs(3_600);

/// The clock skew allowed on a web identity token's `exp`, `nbf` and `iat` (AWS does not
/// publish its own; a token is expired once `exp + skew` has passed).
pub const WEB_IDENTITY_CLOCK_SKEW: Duration = Duration::from_secs(60);

/// The in-memory STS. A cheap handle: clones share the same accounts, credentials, faults
/// and counters. See the [module docs](self) for what it enforces and an example.
#[derive(Clone)]
pub struct InMemorySts {
    inner: Arc<Inner>,
}

struct Inner {
    clock: Arc<dyn Clock>,
    /// The key of [`InMemorySts::issue_test_token`], generated on first use.
    test_key: OnceLock<Option<SigningKey>>,
    state: Mutex<State>,
}

impl InMemorySts {
    /// An STS on `clock`, called by `caller`: the vendor's own identity, e.g.
    /// `arn:aws:sts::999988887777:assumed-role/vendor-connector/worker`.
    pub fn new(clock: Arc<dyn Clock>, caller: Arn) -> InMemorySts {
        InMemorySts::with_seed(clock, caller, mint::next_instance_seed())
    }

    /// Like [`new`](Self::new), with the identifiers and secrets derived from `seed` alone, so
    /// they are the same in every run (the test token key is still random: ECDSA keys and
    /// signatures come from the operating system's generator).
    pub fn with_seed(clock: Arc<dyn Clock>, caller: Arn, seed: u64) -> InMemorySts {
        let ids = IdGenerator::new(seed);
        InMemorySts {
            inner: Arc::new(Inner {
                clock,
                test_key: OnceLock::new(),
                state: Mutex::new(State {
                    caller,
                    roles: BTreeMap::new(),
                    oidc: BTreeMap::new(),
                    disabled_regions: BTreeSet::new(),
                    issued: HashMap::new(),
                    faults: Faults::default(),
                    ids,
                    calls: CallCounts::default(),
                    last_denial: None,
                }),
            }),
        }
    }

    /// The state, recovered if a panicking thread poisoned the lock (every update leaves it
    /// consistent).
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The key test tokens are signed with, generated on first use.
    fn test_key(&self) -> Option<&SigningKey> {
        self.inner
            .test_key
            .get_or_init(token::generate_key)
            .as_ref()
    }

    /// Who calls `AssumeRole`.
    pub fn caller(&self) -> Arn {
        self.state().caller.clone()
    }

    /// Changes who calls `AssumeRole` (e.g. another account, to test the confused deputy).
    pub fn set_caller(&self, caller: Arn) {
        self.state().caller = caller;
    }

    /// The next `n` calls (of any operation) fail with `Throttling`; replaces any count still
    /// pending.
    pub fn throttle_next(&self, n: u32) {
        self.state().faults.throttle = n;
    }

    /// The next call (of any operation) fails with `error`; errors queue up and come after
    /// pending throttling.
    pub fn fail_next(&self, error: ProviderError) {
        self.state().faults.queued.push_back(error);
    }

    /// Drops pending throttling and queued errors.
    pub fn clear_faults(&self) {
        let mut state = self.state();
        state.faults.throttle = 0;
        state.faults.queued.clear();
    }

    /// Every call takes at least `latency` of real time (not the injected clock, which a test
    /// moves by hand). There is no timer: the call's future yields to the executor, waking
    /// itself, until the time has passed, so concurrent callers overlap while it waits. Meant
    /// for a few milliseconds; the waiting task keeps a core busy.
    pub fn set_latency(&self, latency: Duration) {
        self.state().faults.latency = latency;
    }

    /// Every call yields to the executor `yields` times before answering: deterministic
    /// latency, in executor round trips, so concurrent callers overlap without real time
    /// passing. Combines with [`set_latency`](Self::set_latency).
    pub fn set_latency_yields(&self, yields: u32) {
        self.state().faults.latency_yields = yields;
    }

    /// How many calls of each operation reached the STS.
    pub fn calls(&self) -> CallCounts {
        self.state().calls
    }

    /// Sets the call counters back to zero.
    pub fn reset_counters(&self) {
        self.state().calls = CallCounts::default();
    }

    /// Why the last `AccessDenied` from a role assumption was given (which statement or
    /// condition failed, or that the role does not exist): what AWS does not say, for the test
    /// author.
    pub fn last_denial_reason(&self) -> Option<String> {
        self.state().last_denial.clone()
    }
}

impl fmt::Debug for InMemorySts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let roles: Vec<String> = state.roles.values().map(|r| r.arn.to_string()).collect();
        let providers: Vec<String> = state
            .oidc
            .keys()
            .map(|(account, issuer)| format!("{account}:oidc-provider/{issuer}"))
            .collect();
        f.debug_struct("InMemorySts")
            .field("caller", &format_args!("{}", state.caller))
            .field("roles", &roles)
            .field("oidc_providers", &providers)
            .field("issued_credentials", &state.issued.len())
            .field("throttle_next", &state.faults.throttle)
            .field("queued_faults", &state.faults.queued.len())
            .field("latency", &state.faults.latency)
            .field("latency_yields", &state.faults.latency_yields)
            .field("calls", &state.calls)
            .finish_non_exhaustive()
    }
}
