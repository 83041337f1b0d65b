//! Credential session benchmarks: the cached-credential hit path against a bare `RwLock`
//! read in the same run. Figures: benches/README.md.

use std::hint::black_box;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, Clock, CredentialSession, ProviderError,
    ProviderErrorKind, RefreshPolicy, StsProvider, SystemClock, TemporaryCredentials,
    WebIdentityRequest,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// Mints 12-hour credentials instantly.
#[derive(Debug)]
struct InstantProvider;

impl StsProvider for InstantProvider {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            Ok(TemporaryCredentials::new(
                "ASIABENCHMARK000000",
                "secret",
                "token",
                SystemClock.now() + request.duration,
            ))
        })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        _: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async { Err(ProviderError::new(ProviderErrorKind::Other, "unused")) })
    }

    fn caller_identity<'a>(
        &'a self,
        _: &'a TemporaryCredentials,
        _: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(async { Err(ProviderError::new(ProviderErrorKind::Other, "unused")) })
    }
}

fn hit_path(c: &mut Criterion) {
    let request = AssumeRoleRequest::new(
        "arn:aws:iam::111122223333:role/vendor"
            .parse()
            .expect("role ARN"),
        "bench",
    )
    .duration(Duration::from_secs(43_200));
    let session = CredentialSession::new(
        Arc::new(InstantProvider),
        request,
        Arc::new(SystemClock),
        RefreshPolicy::default(),
    )
    .expect("valid request");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let warm = runtime
        .block_on(session.credentials())
        .expect("credentials");
    let bare: RwLock<Option<Arc<TemporaryCredentials>>> = RwLock::new(Some(warm));

    let mut group = c.benchmark_group("session");
    group.bench_function("cached_hit", |b| b.iter(|| black_box(&session).cached()));
    group.bench_function("bare_rwlock_read_arc_clone", |b| {
        b.iter(|| black_box(&bare).read().ok().and_then(|g| g.clone()))
    });
    group.bench_function("system_clock_now", |b| b.iter(|| SystemClock.now()));
    group.bench_function("credentials_future_hit", |b| {
        b.iter(|| runtime.block_on(black_box(&session).credentials()))
    });
    group.finish();
}

criterion_group!(benches, hit_path);
criterion_main!(benches);
