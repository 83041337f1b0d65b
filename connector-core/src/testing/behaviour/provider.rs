//! A behaviour suite every [`StsProvider`] must pass (in the style of `object_store`'s
//! integration suite): run it against the in-memory STS and against a real adapter on a test
//! server, and both are held to the same wire-level contract.
//!
//! It covers only what AWS, the in-memory STS and moto all do the same way:
//! - `AssumeRole` returns credentials (non-empty access key id, secret and token) that expire
//!   the requested duration from now, for the shortest and a one-hour session;
//! - two sessions get different access key ids;
//! - `GetCallerIdentity` with those credentials reports the role's account, the assumed-role
//!   ARN `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION` and a user id ending in
//!   `:SESSION`;
//! - a duration out of range and a session policy over 2,048 characters are refused with
//!   `InvalidRequest` before anything is sent, naming the parameter (a bad session name
//!   cannot be expressed: [`RoleSessionName`](crate::RoleSessionName) is valid by
//!   construction).
//!
//! - with a web identity ([`ContractFixture::with_web_identity`]):
//!   `AssumeRoleWithWebIdentity` with a freshly minted token returns credentials that expire
//!   the requested duration from now, and `GetCallerIdentity` with them names the role's
//!   session.
//!
//! Trust policy enforcement, revocation and expiry are not part of it: moto does not enforce
//! them (see `connector-aws`'s docs), so they are tested against the in-memory STS alone.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use connector_core::ManualClock;
//! use connector_core::testing::InMemorySts;
//! use connector_core::testing::behaviour::{ContractFixture, provider_contract};
//! use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let clock = ManualClock::at_unix(1_800_000_000);
//! let sts = InMemorySts::new(
//!     Arc::new(clock.clone()),
//!     "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker".parse()?,
//! );
//! let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/vendor-access".parse()?;
//! let external_id = ExternalId::generate()?;
//! let trust = CrossAccountTrust::new(VendorPrincipal::account("999988887777".parse()?), external_id.clone())
//!     .policy()?;
//! sts.create_role(role.clone(), trust, Duration::from_secs(3600))?;
//!
//! let fixture = ContractFixture::new(role, Arc::new(clock)).with_external_id(external_id);
//! let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! let report = rt.block_on(provider_contract(&sts, &fixture))?;
//! assert!(report.checks.len() >= 5);
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use iam_policy::{PolicyDocument, Region, RoleArn};
use trust_policy::ExternalId;

use super::{ContractReport, ContractViolation, violation};
use crate::{
    AssumeRoleRequest, CallerIdentity, Clock, MIN_SESSION, ProviderError, ProviderErrorKind,
    RoleSessionName, StsProvider, TemporaryCredentials, TokenSubject, WebIdentitySource,
    WebIdentityTokens,
};

/// What the suite needs: a role the provider lets the caller assume (with the External ID,
/// when the role requires one) and the clock the provider's expiries are measured on.
#[derive(Debug, Clone)]
pub struct ContractFixture {
    /// A role that exists and trusts the provider's caller.
    pub role: RoleArn,
    /// The External ID the role requires, if any.
    pub external_id: Option<ExternalId>,
    /// The clock the provider's answers follow (a `ManualClock` for the in-memory STS, the
    /// system clock for a server).
    pub clock: Arc<dyn Clock>,
    /// How far an expiry may be from `now + duration` (a server's clock, rounding to seconds
    /// and the time the call takes).
    pub tolerance: Duration,
    /// The region passed with every call.
    pub region: Option<Region>,
    /// The prefix of the session names the suite uses.
    pub session_prefix: RoleSessionName,
    /// A role that trusts a web identity, the `sub` it accepts and the issuer of its tokens:
    /// the web identity checks run when it is set.
    pub web_identity: Option<(RoleArn, TokenSubject, Arc<dyn WebIdentityTokens>)>,
}

impl ContractFixture {
    /// A fixture for `role` on `clock`, with a 30-second tolerance, no External ID and no
    /// region.
    pub fn new(role: RoleArn, clock: Arc<dyn Clock>) -> ContractFixture {
        ContractFixture {
            role,
            external_id: None,
            clock,
            tolerance: Duration::from_secs(30),
            region: None,
            session_prefix: RoleSessionName::literal("contract"),
            web_identity: None,
        }
    }

    /// Runs the web identity checks too, with `role` (which trusts tokens for `subject`
    /// from `tokens`' issuer).
    pub fn with_web_identity(
        mut self,
        role: RoleArn,
        subject: TokenSubject,
        tokens: Arc<dyn WebIdentityTokens>,
    ) -> Self {
        self.web_identity = Some((role, subject, tokens));
        self
    }

    /// Sets the External ID.
    pub fn with_external_id(mut self, external_id: ExternalId) -> Self {
        self.external_id = Some(external_id);
        self
    }

    /// Sets the region.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Sets the tolerance on expiries.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the prefix of the session names.
    pub fn with_session_prefix(mut self, prefix: RoleSessionName) -> Self {
        self.session_prefix = prefix;
        self
    }

    fn request(&self, suffix: &str, duration: Duration) -> AssumeRoleRequest {
        let mut request =
            AssumeRoleRequest::new(self.role.clone(), self.session_prefix.with_suffix(suffix))
                .with_duration(duration)
                .with_optional_region(self.region.clone());
        if let Some(external_id) = &self.external_id {
            request = request.with_external_id(external_id.clone());
        }
        request
    }
}

fn unexpected(check: &'static str, error: &ProviderError) -> ContractViolation {
    violation(check, format_args!("the provider failed: {error}"))
}

fn distance(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap_or_default()
}

fn check_credentials(
    check: &'static str,
    credentials: &TemporaryCredentials,
    expected_expiry: SystemTime,
    tolerance: Duration,
) -> Result<(), ContractViolation> {
    use secrecy::ExposeSecret;
    if credentials.access_key_id().is_empty()
        || credentials.secret_access_key().expose_secret().is_empty()
        || credentials.session_token().expose_secret().is_empty()
    {
        return Err(violation(
            check,
            "an access key id, secret access key and session token must all be non-empty",
        ));
    }
    let off = distance(credentials.expiration(), expected_expiry);
    if off > tolerance {
        return Err(violation(
            check,
            format_args!(
                "the credentials expire at {}, {} s away from the expected {} (tolerance {} s)",
                crate::Timestamp::from_system(credentials.expiration()),
                off.as_secs(),
                crate::Timestamp::from_system(expected_expiry),
                tolerance.as_secs()
            ),
        ));
    }
    Ok(())
}

fn expect_invalid(
    check: &'static str,
    parameter: &str,
    result: Result<TemporaryCredentials, ProviderError>,
) -> Result<(), ContractViolation> {
    match result {
        Err(error)
            if error.kind == ProviderErrorKind::InvalidRequest
                && error.message.contains(parameter) =>
        {
            Ok(())
        }
        Err(error) => Err(violation(
            check,
            format_args!("expected InvalidRequest naming {parameter}, got {error}"),
        )),
        Ok(_) => Err(violation(
            check,
            format_args!("a request with a bad {parameter} was answered with credentials"),
        )),
    }
}

/// Runs the contract against `provider`. Returns the checks that passed, or the first
/// violation.
pub async fn provider_contract(
    provider: &dyn StsProvider,
    fixture: &ContractFixture,
) -> Result<ContractReport, ContractViolation> {
    let mut checks = Vec::new();
    let region = fixture.region.as_ref();

    // Expiry follows DurationSeconds, for the shortest and a one-hour session.
    let mut issued = Vec::new();
    for (n, duration) in [MIN_SESSION, Duration::from_secs(3_600)]
        .into_iter()
        .enumerate()
    {
        let request = fixture.request(&n.to_string(), duration);
        let session_name = request.session_name().clone();
        let before = fixture.clock.now();
        let credentials = provider
            .assume_role(&request)
            .await
            .map_err(|e| unexpected("assume_role_expiry", &e))?;
        check_credentials(
            "assume_role_expiry",
            &credentials,
            before + duration,
            fixture.tolerance,
        )?;
        issued.push((session_name, credentials));
    }
    checks.push("assume_role_expiry");

    // The loop above issued exactly two sessions.
    let [(_, first), (_, second)] = issued.as_slice() else {
        return Err(violation(
            "distinct_sessions",
            format_args!("expected two sessions, got {}", issued.len()),
        ));
    };
    if first.access_key_id() == second.access_key_id() {
        return Err(violation(
            "distinct_sessions",
            "two sessions got the same access key id",
        ));
    }
    checks.push("distinct_sessions");

    // GetCallerIdentity with the session's own credentials.
    for (session_name, credentials) in &issued {
        let identity = provider
            .caller_identity(credentials, region)
            .await
            .map_err(|e| unexpected("caller_identity", &e))?;
        check_identity("caller_identity", &identity, &fixture.role, session_name)?;
    }
    checks.push("caller_identity");

    // Refused before sending, naming the parameter.
    let padding = "x".repeat(crate::MAX_SESSION_POLICY_CHARS);
    let oversized: PolicyDocument = serde_json::from_value(serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": padding, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
    }))
    .map_err(|e| violation("session_policy_rejected", e))?;
    let request = fixture
        .request("policy", Duration::from_secs(3_600))
        .with_session_policy(oversized);
    expect_invalid(
        "session_policy_rejected",
        "Policy",
        provider.assume_role(&request).await,
    )?;
    checks.push("session_policy_rejected");

    for seconds in [60, 900 - 1, 43_200 + 1] {
        let request = fixture.request("short", Duration::from_secs(seconds));
        expect_invalid(
            "duration_rejected",
            "DurationSeconds",
            provider.assume_role(&request).await,
        )?;
    }
    checks.push("duration_rejected");

    let mut skipped = Vec::new();
    match &fixture.web_identity {
        Some((role, subject, tokens)) => {
            web_identity(provider, fixture, role, subject, tokens).await?;
            checks.push("web_identity");
        }
        None => skipped.push(("web_identity", "the fixture has no web identity")),
    }

    Ok(ContractReport { checks, skipped })
}

/// `AssumeRoleWithWebIdentity` with a token minted now: expiry, then the session's identity.
async fn web_identity(
    provider: &dyn StsProvider,
    fixture: &ContractFixture,
    role: &RoleArn,
    subject: &TokenSubject,
    tokens: &Arc<dyn WebIdentityTokens>,
) -> Result<(), ContractViolation> {
    const CHECK: &str = "web_identity";
    let session_name = fixture.session_prefix.with_suffix("web");
    let source = WebIdentitySource::new(
        role.clone(),
        session_name.clone(),
        subject.clone(),
        Arc::clone(tokens),
    )
    .with_duration(MIN_SESSION)
    .with_optional_region(fixture.region.clone());
    let before = fixture.clock.now();
    let request = source.request(before).map_err(|e| unexpected(CHECK, &e))?;
    let credentials = provider
        .assume_role_with_web_identity(&request)
        .await
        .map_err(|e| unexpected(CHECK, &e))?;
    check_credentials(CHECK, &credentials, before + MIN_SESSION, fixture.tolerance)?;
    let identity = provider
        .caller_identity(&credentials, fixture.region.as_ref())
        .await
        .map_err(|e| unexpected(CHECK, &e))?;
    check_identity(CHECK, &identity, role, &session_name)
}

/// The identity of a session of `role` named `session_name`.
fn check_identity(
    check: &'static str,
    identity: &CallerIdentity,
    role: &RoleArn,
    session_name: &RoleSessionName,
) -> Result<(), ContractViolation> {
    let expected_arn = role.assumed_role_arn(session_name.as_str());
    if identity.account != role.account_id().as_str() {
        return Err(violation(
            check,
            format_args!(
                "account {} is not the role's account {}",
                identity.account,
                role.account_id()
            ),
        ));
    }
    if identity.arn != expected_arn {
        return Err(violation(
            check,
            format_args!("ARN {} is not {expected_arn}", identity.arn),
        ));
    }
    if !identity.user_id.ends_with(&format!(":{session_name}")) {
        return Err(violation(
            check,
            format_args!(
                "user id {} does not end with :{session_name}",
                identity.user_id
            ),
        ));
    }
    Ok(())
}
