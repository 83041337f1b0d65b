#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "benchmarks may panic: a broken fixture stops the run"
)]

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
    group.bench_function("system_clock_now_coarse", |b| {
        b.iter(|| SystemClock.now_coarse())
    });
    group.bench_function("credentials_future_hit", |b| {
        b.iter(|| runtime.block_on(black_box(&session).credentials()))
    });
    group.finish();
}

/// Resident memory of this process in bytes (Linux `/proc/self/status`), if readable.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Holds 100,000 connections in the in-memory store and reports the resident memory per
/// connection (printed; not a timing), then times creating one more.
fn connections_in_memory(c: &mut Criterion) {
    use connector_core::{
        Connection, ConnectionEvent, ConnectionStore, InMemoryConnectionStore, Timestamp,
    };
    const COUNT: usize = 100_000;
    let before = resident_bytes();
    let store = InMemoryConnectionStore::default();
    for i in 0..COUNT {
        let connection = Connection::new(
            &format!("customer-{i:06}"),
            &format!("Customer {i}"),
            format!("{:012}", 100_000_000_000u64 + i as u64)
                .parse()
                .expect("account"),
            format!("ext{i:029}").parse().expect("external id"),
            Timestamp(1_800_000_000),
        )
        .and_then(|c| c.with_regions(["us-east-1", "eu-west-1"]))
        .expect("connection")
        .with_permission_set("axiom:read-only-scan", "1.0.0")
        .apply(
            ConnectionEvent::RoleSubmitted {
                role_arn: format!(
                    "arn:aws:iam::{:012}:role/vendor-read-only",
                    100_000_000_000u64 + i as u64
                )
                .parse()
                .expect("role"),
            },
            Timestamp(1_800_000_001),
        )
        .expect("transition");
        store.create(connection).expect("unique");
    }
    if let (Some(before), Some(after)) = (before, resident_bytes()) {
        eprintln!(
            "connections_in_memory: {COUNT} connections, {} bytes resident each",
            after.saturating_sub(before) / COUNT as u64
        );
    }
    let mut next = 0usize;
    c.bench_function("store/create_connection_with_100k_present", |b| {
        b.iter(|| {
            next += 1;
            let connection = Connection::new(
                &format!("extra-{next:09}"),
                "Extra",
                "111122223333".parse().expect("account"),
                "ext-id-123".parse().expect("external id"),
                Timestamp(0),
            )
            .expect("connection");
            store.create(connection).is_ok()
        })
    });
    black_box(&store);
}

criterion_group!(benches, hit_path, connections_in_memory);
criterion_main!(benches);
