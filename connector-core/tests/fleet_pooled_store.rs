//! The fleet worker against a store whose operations share a small pool of connections, as
//! the SQL stores' pools do: a check holds a pooled connection while its query is in flight,
//! so the worker must keep polling its checks in flight while it waits for a claim or the
//! queue statistics (found by the fleet simulation, issue 15: with SQLite and Postgres every
//! claim waited for a connection that only an unpolled check could give back, until the
//! pool's acquire timeout, and the fleet stalled).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use connector_core::testing::InMemorySts;
use connector_core::{
    BoxFuture, CheckQueue, Claim, Connection, ConnectionEvent, ConnectionId, ConnectionStore,
    Connector, ConnectorError, FleetSchedule, FleetWorker, InMemoryConnectionStore, Lease,
    ListQuery, Page, QueueStats, Shutdown, SystemClock, Timestamp, WorkerId,
};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

mod tokio_time;
use tokio_time::TokioTimer;

/// The in-memory store behind a pool of `size` connections: every operation takes one, holds
/// it for a millisecond (the query's round trip), then answers.
#[derive(Debug)]
struct PooledStore {
    inner: InMemoryConnectionStore,
    pool: tokio::sync::Semaphore,
}

impl PooledStore {
    fn new(size: usize) -> PooledStore {
        PooledStore {
            inner: InMemoryConnectionStore::new(),
            pool: tokio::sync::Semaphore::new(size),
        }
    }

    async fn pooled<T>(&self, operation: impl Future<Output = T>) -> T {
        let _connection = self.pool.acquire().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
        operation.await
    }
}

impl ConnectionStore for PooledStore {
    fn create<'a>(&'a self, c: &'a Connection) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(self.pooled(self.inner.create(c)))
    }
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        Box::pin(self.pooled(self.inner.get(id)))
    }
    fn compare_and_swap<'a>(
        &'a self,
        expected: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(self.pooled(self.inner.compare_and_swap(expected, new)))
    }
    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(self.pooled(self.inner.delete(id)))
    }
    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        Box::pin(self.pooled(self.inner.list(query)))
    }
}

impl CheckQueue for PooledStore {
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: std::time::SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        Box::pin(self.pooled(self.inner.claim_due(worker, now, lease_for, limit)))
    }
    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<std::time::SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(self.pooled(self.inner.finish(lease, next_due)))
    }
    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: std::time::SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(self.pooled(self.inner.request_check(id, at)))
    }
    fn queue_stats<'a>(
        &'a self,
        now: std::time::SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        Box::pin(self.pooled(self.inner.queue_stats(now)))
    }
}

/// 40 connections due at once, 8 checks in flight, a pool of 2: every claim after the first
/// comes while checks in flight hold the pool's connections.
#[tokio::test(flavor = "current_thread")]
async fn claims_wait_for_pooled_connections_while_the_checks_in_flight_keep_running() {
    let store = Arc::new(PooledStore::new(2));
    let sts = InMemorySts::new(
        Arc::new(SystemClock),
        "arn:aws:sts::999988887777:assumed-role/vendor/worker"
            .parse()
            .unwrap(),
    );
    let vendor = VendorPrincipal::account("999988887777".parse().unwrap());
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 5,
    );
    for n in 0..40u64 {
        let role: iam_policy::RoleArn = format!("arn:aws:iam::{}:role/vendor", 111_100_000_000 + n)
            .parse()
            .unwrap();
        let external_id: trust_policy::ExternalId = format!("ext-id-{n:04}").parse().unwrap();
        sts.create_role(
            role.clone(),
            CrossAccountTrust::new(vendor.clone(), external_id.clone())
                .policy()
                .unwrap(),
            Duration::from_secs(3_600),
        )
        .unwrap();
        let connection = Connection::builder(format!("c-{n:04}").parse().unwrap(), external_id)
            .build(now)
            .unwrap()
            .apply(ConnectionEvent::RoleSubmitted { role_arn: role }, now)
            .unwrap()
            .apply(ConnectionEvent::VerificationSucceeded, now)
            .unwrap();
        store.create(&connection).await.unwrap();
    }
    let connector = Connector::builder(vendor, store.clone(), Arc::new(sts.clone())).build();
    let worker = FleetWorker::builder(connector, store.clone(), Arc::new(TokioTimer))
        .with_schedule(
            FleetSchedule::default()
                .with_interval(Duration::from_secs(60))
                .unwrap(),
        )
        .with_concurrency(8)
        .with_poll(Duration::from_millis(50))
        .with_lease(Duration::from_secs(30))
        .build()
        .unwrap();
    let shutdown = Shutdown::new();
    let running = tokio::spawn({
        let (worker, shutdown) = (worker.clone(), shutdown.clone());
        async move { worker.run(shutdown).await }
    });
    // 40 checks of a few milliseconds each, 8 at a time: well under a second when the
    // worker keeps its checks moving; never, when a claim waits on them without polling
    // them (the semaphore has no timeout).
    tokio::time::sleep(Duration::from_secs(2)).await;
    shutdown.request();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the worker stops")
        .unwrap();
    let status = worker.status();
    assert_eq!(status.checked(), 40, "{status:?}");
    assert_eq!(status.store_errors, 0, "{status:?}");
    assert_eq!(sts.calls().assume_role, 40);
}
