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

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use connector_core::{
    AssumeRoleRequest, BoxFuture, Clock, CredentialSession, ProviderError, RefreshPolicy,
    StsProvider, SystemClock, TemporaryCredentials,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// Mints credentials of the requested duration instantly (the other operations keep the
/// trait's default: unsupported).
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
                SystemClock.now() + request.duration(),
            ))
        })
    }
}

/// The output of a future that is ready when first polled, as the in-memory store's are.
fn ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the in-memory store's futures are ready at once"),
    }
}

fn hit_path(c: &mut Criterion) {
    let request = AssumeRoleRequest::new(
        "arn:aws:iam::111122223333:role/vendor"
            .parse()
            .expect("role ARN"),
        "bench".parse().expect("session name"),
    )
    .with_duration(Duration::from_secs(43_200));
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
        Connection, ConnectionEvent, ConnectionStore, InMemoryConnectionStore, PermissionSetRef,
        Timestamp,
    };
    const COUNT: usize = 100_000;
    let before = resident_bytes();
    let store = InMemoryConnectionStore::default();
    let regions = [
        "us-east-1".parse().expect("region"),
        "eu-west-1".parse().expect("region"),
    ];
    let set = PermissionSetRef::new("axiom:read-only-scan", "1.0.0").expect("permission set");
    for i in 0..COUNT {
        let connection = Connection::builder(
            format!("customer-{i:06}").parse().expect("id"),
            format!("ext{i:029}").parse().expect("external id"),
        )
        .with_display_name(format!("Customer {i}"))
        .with_account(
            format!("{:012}", 100_000_000_000u64 + i as u64)
                .parse()
                .expect("account"),
        )
        .with_regions(regions.clone())
        .with_permission_set(set.clone())
        .build(Timestamp(1_800_000_000))
        .expect("connection")
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
        ready(store.create(&connection)).expect("unique");
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
            let connection = Connection::builder(
                format!("extra-{next:09}").parse().expect("id"),
                "ext-id-123".parse().expect("external id"),
            )
            .with_display_name("Extra")
            .with_account("111122223333".parse().expect("account"))
            .build(Timestamp(0))
            .expect("connection");
            ready(store.create(&connection)).is_ok()
        })
    });
    black_box(&store);
}

criterion_group!(benches, hit_path, connections_in_memory);
criterion_main!(benches);
