//! The shared provider contract against the in-memory STS (the moto run is in `moto.rs`): the
//! two providers are held to the same wire-level behaviour.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::sync::Arc;
use std::time::Duration;

use connector_core::TokenSubject;
use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey};
use connector_core::testing::InMemorySts;
use connector_core::testing::behaviour::{ContractFixture, provider_contract};
use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, ManualClock, ProviderError, Region, RoleArn,
    StsProvider, TemporaryCredentials, VendorPrincipal, WebIdentityRequest,
};
use trust_policy::{CrossAccountTrust, ExternalId, OidcTrust, SubjectMatch};

/// The checks of the contract, in the order it runs them.
const CHECKS: [&str; 6] = [
    "assume_role_expiry",
    "distinct_sessions",
    "caller_identity",
    "session_policy_rejected",
    "duration_rejected",
    "web_identity",
];

const ISSUER: &str = "https://id.auto-nomos.com";

fn in_memory() -> (InMemorySts, ContractFixture) {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker"
            .parse()
            .unwrap(),
    );
    let role: RoleArn = "arn:aws:iam::111122223333:role/vendor-access"
        .parse()
        .unwrap();
    let external_id = ExternalId::generate().unwrap();
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        external_id.clone(),
    )
    .policy()
    .unwrap();
    sts.create_role(role.clone(), trust, Duration::from_secs(3600))
        .unwrap();
    // The web identity role trusts the vendor's issuer for the tenant's subject.
    let issuer = Issuer::new(
        IssuerUrl::parse(ISSUER).unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    );
    let customer = "111122223333".parse().unwrap();
    sts.create_oidc_provider_with_jwks(&customer, ISSUER, &["sts.amazonaws.com"], issuer.jwks())
        .unwrap();
    let web_role: RoleArn = "arn:aws:iam::111122223333:role/nomos-access"
        .parse()
        .unwrap();
    let web_trust = OidcTrust::new(customer, ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact("org/acme".into()))
        .unwrap()
        .policy()
        .unwrap();
    sts.create_role(web_role.clone(), web_trust, Duration::from_secs(3600))
        .unwrap();
    let fixture = ContractFixture::new(role, Arc::new(clock))
        .with_web_identity(
            web_role,
            TokenSubject::for_tenant("acme").unwrap(),
            Arc::new(issuer),
        )
        .with_external_id(external_id)
        .with_region("us-east-1".parse().unwrap())
        .with_tolerance(Duration::ZERO);
    (sts, fixture)
}

#[tokio::test]
async fn the_in_memory_sts_keeps_the_provider_contract() {
    let (sts, fixture) = in_memory();
    let report = provider_contract(&sts, &fixture)
        .await
        .unwrap_or_else(|violation| panic!("{violation}"));
    assert_eq!(report.checks, CHECKS);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    // The refused requests never reached the STS.
    assert_eq!(sts.calls().assume_role, 2);
    assert_eq!(sts.calls().assume_role_with_web_identity, 1);
    assert_eq!(sts.calls().caller_identity, 3);
}

/// A provider that grants one hour whatever was asked (and forwards everything else); with
/// `true`, only for web identity calls.
#[derive(Debug)]
struct IgnoresDuration(InMemorySts, bool);

impl StsProvider for IgnoresDuration {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        if self.1 {
            return self.0.assume_role(request);
        }
        let one_hour = request.clone().with_duration(Duration::from_secs(3600));
        Box::pin(async move { self.0.assume_role(&one_hour).await })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        if self.1 {
            let one_hour = request.clone().with_duration(Duration::from_secs(3600));
            return Box::pin(async move { self.0.assume_role_with_web_identity(&one_hour).await });
        }
        self.0.assume_role_with_web_identity(request)
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        self.0.caller_identity(credentials, region)
    }
}

#[tokio::test]
async fn the_contract_catches_a_provider_that_ignores_the_duration() {
    let (sts, fixture) = in_memory();
    let violation = provider_contract(&IgnoresDuration(sts, false), &fixture)
        .await
        .unwrap_err();
    assert_eq!(violation.check, "assume_role_expiry");
    assert!(violation.to_string().contains("2700 s away"), "{violation}");
}

#[tokio::test]
async fn the_contract_catches_a_provider_that_ignores_the_web_identity_duration() {
    let (sts, fixture) = in_memory();
    let violation = provider_contract(&IgnoresDuration(sts, true), &fixture)
        .await
        .unwrap_err();
    assert_eq!(violation.check, "web_identity");
    assert!(violation.to_string().contains("2700 s away"), "{violation}");
}
