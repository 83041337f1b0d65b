//! `Connector::credentials` on a warm connection: the price of obeying the stored connection
//! (the state snapshot check) on top of the cached-credential hit, against a bare `RwLock`
//! read and the bare session hit in the same run. Figures: benches/README.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "benchmarks may panic: a broken fixture stops the run"
)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use connector_core::testing::InMemorySts;
use connector_core::{
    ConnectionState, Connector, ConnectorError, CredentialSession, InMemoryConnectionStore,
    NewConnection, RefreshPolicy, RoleArn, SystemClock, TemporaryCredentials, VendorPrincipal,
};
use criterion::{Criterion, criterion_group, criterion_main};
use trust_policy::CrossAccountTrust;

/// Polls a future once: the warm path must be ready at once.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the warm path waited"),
    }
}

fn warm_connector() -> Result<(Connector, connector_core::ConnectionId, InMemorySts), ConnectorError>
{
    let clock = Arc::new(SystemClock);
    let sts = InMemorySts::new(
        clock.clone(),
        "arn:aws:sts::999988887777:assumed-role/connector/worker".parse()?,
    );
    let vendor = VendorPrincipal::account("999988887777".parse()?);
    let connector = Connector::builder(
        vendor.clone(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts.clone()),
    )
    .with_clock(clock)
    // The snapshot must stay fresh for the whole measurement.
    .with_state_ttl(Duration::from_secs(3_600))
    .build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| ConnectorError::invalid("runtime", "", e.to_string()))?;
    let id = runtime.block_on(async {
        let pending = connector
            .create(NewConnection::new("acme".parse()?))
            .await?;
        let role: RoleArn = "arn:aws:iam::111122223333:role/vendor".parse()?;
        let trust = CrossAccountTrust::new(vendor, pending.external_id().clone()).policy()?;
        sts.create_role(role.clone(), trust, Duration::from_secs(43_200))
            .map_err(|e| ConnectorError::invalid("role", "", e.to_string()))?;
        let submission = connector.submit_role(pending.id(), role).await?;
        assert_eq!(submission.connection().state(), ConnectionState::Active);
        connector.credentials(pending.id()).await?;
        Ok::<_, ConnectorError>(pending.id().clone())
    })?;
    Ok((connector, id, sts))
}

fn warm_path(c: &mut Criterion) {
    let (connector, id, sts) = warm_connector().expect("a warm connection");
    let calls = sts.calls().total();
    let mut group = c.benchmark_group("connector");
    group.bench_function("credentials_warm", |b| {
        b.iter(|| ready(black_box(&connector).credentials(black_box(&id))))
    });
    group.bench_function("cached_credentials", |b| {
        b.iter(|| black_box(&connector).cached_credentials(black_box(&id)))
    });
    assert_eq!(sts.calls().total(), calls, "the warm path called STS");

    // The same run's references: a bare session hit, and a bare RwLock read + Arc clone.
    let request = connector_core::AssumeRoleRequest::new(
        "arn:aws:iam::111122223333:role/vendor"
            .parse()
            .expect("role"),
        "bench".parse().expect("name"),
    )
    .with_external_id("bench-external-id".parse().expect("id"));
    let sts_role = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().expect("account")),
        "bench-external-id".parse().expect("id"),
    );
    let _ = sts.update_trust_policy(
        &"arn:aws:iam::111122223333:role/vendor"
            .parse()
            .expect("role"),
        sts_role.policy().expect("policy"),
    );
    let session = CredentialSession::new(
        Arc::new(sts.clone()),
        request,
        Arc::new(SystemClock),
        RefreshPolicy::default(),
    )
    .expect("session");
    ready(session.credentials()).expect("credentials");
    group.bench_function("session_cached_hit", |b| {
        b.iter(|| black_box(&session).cached())
    });
    let cell: RwLock<Option<Arc<TemporaryCredentials>>> = RwLock::new(session.cached());
    group.bench_function("bare_rwlock_read_arc_clone", |b| {
        b.iter(|| black_box(&cell).read().map(|g| g.clone()).ok())
    });
    group.finish();
}

criterion_group!(benches, warm_path);
criterion_main!(benches);
