//! The OIDC issuer (issue 17): minting a token (ES256 target under 100 µs) and verifying one,
//! bare (`oidc::verify_token`) and through the in-memory STS's `AssumeRoleWithWebIdentity`
//! (verification, trust policy, credentials). Figures: benches/README.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmarks may panic: a broken fixture stops the run"
)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, UNIX_EPOCH};

use connector_core::oidc::{
    Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey, TokenRequest, verify_token,
};
use connector_core::testing::{InMemorySts, WEB_IDENTITY_CLOCK_SKEW};
use connector_core::{Clock, ManualClock, StsProvider, WebIdentityRequest};
use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::{ExposeSecret, SecretString};
use trust_policy::{OidcTrust, SubjectMatch};

const ISSUER: &str = "https://id.auto-nomos.com";

fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the in-memory STS waited"),
    }
}

fn issuer(algorithm: SigningAlgorithm) -> Issuer {
    Issuer::new(
        IssuerUrl::parse(ISSUER).unwrap(),
        KeySet::new(SigningKey::generate(algorithm).unwrap()),
    )
}

fn bench(c: &mut Criterion) {
    let clock = ManualClock::at_unix(1_800_000_000);
    let now = clock.now();
    let request = TokenRequest::for_tenant("acme");

    let mut mint = c.benchmark_group("oidc_mint");
    for algorithm in [SigningAlgorithm::Es256, SigningAlgorithm::Rs256] {
        let issuer = issuer(algorithm);
        mint.bench_function(algorithm.as_str(), |b| {
            b.iter(|| black_box(issuer.mint(black_box(&request), now).unwrap()))
        });
    }
    mint.finish();

    let mut verify = c.benchmark_group("oidc_verify");
    let now_secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let audiences = vec!["sts.amazonaws.com".to_owned()];
    for algorithm in [SigningAlgorithm::Es256, SigningAlgorithm::Rs256] {
        let issuer = issuer(algorithm);
        let jwks = issuer.jwks();
        let token = issuer.mint(&request, now).unwrap();
        verify.bench_function(format!("verify_token_{algorithm}"), |b| {
            b.iter(|| {
                black_box(
                    verify_token(
                        black_box(token.expose_secret()),
                        &jwks,
                        ISSUER,
                        &audiences,
                        now_secs,
                        WEB_IDENTITY_CLOCK_SKEW,
                    )
                    .unwrap(),
                )
            })
        });

        // The whole AssumeRoleWithWebIdentity of the in-memory STS: verification, trust
        // policy evaluation and fresh credentials.
        let sts = InMemorySts::new(
            Arc::new(clock.clone()),
            "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker"
                .parse()
                .unwrap(),
        );
        let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/nomos".parse().unwrap();
        let trust = OidcTrust::new("111122223333".parse().unwrap(), ISSUER)
            .unwrap()
            .with_audience("sts.amazonaws.com")
            .unwrap()
            .with_subject(SubjectMatch::Exact("org/acme".into()))
            .unwrap()
            .policy()
            .unwrap();
        sts.create_role(role.clone(), trust, Duration::from_secs(3600))
            .unwrap();
        sts.create_oidc_provider_with_jwks(
            &"111122223333".parse().unwrap(),
            ISSUER,
            &["sts.amazonaws.com"],
            jwks.clone(),
        )
        .unwrap();
        let web = WebIdentityRequest::new(
            role,
            "agent".parse().unwrap(),
            SecretString::from(token.expose_secret().to_owned()),
        );
        verify.bench_function(format!("in_memory_sts_assume_{algorithm}"), |b| {
            b.iter(|| black_box(ready(sts.assume_role_with_web_identity(black_box(&web))).unwrap()))
        });
    }
    verify.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
