//! The queue behaviour suite passes on the in-memory store (workers interleaved on one task,
//! and in parallel on a multi-threaded runtime), and catches each deliberately broken queue.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use connector_core::testing::behaviour::{QueueFixture, Spawner, queue_contract};
use connector_core::{
    BoxFuture, CheckQueue, Claim, Connection, ConnectionId, ConnectionStore, ConnectorError,
    InMemoryConnectionStore, Lease, ListQuery, Page, QueueStats, WorkerId,
};

const ALL_CHECKS: [&str; 8] = [
    "schedule_follows_writes",
    "claim_order_and_limit",
    "claims_are_exclusive",
    "finish_reschedules",
    "expired_lease_taken_over",
    "finish_keeps_unscheduled_out",
    "request_check",
    "queue_stats",
];

#[tokio::test]
async fn the_in_memory_queue_passes_interleaved() {
    let fixture = QueueFixture::new(Arc::new(InMemoryConnectionStore::new()));
    let report = queue_contract(&fixture).await.unwrap();
    assert_eq!(report.checks, ALL_CHECKS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_in_memory_queue_passes_with_parallel_workers_beside_other_records() {
    let spawner: Spawner = Arc::new(|task| {
        let handle = tokio::spawn(task);
        Box::pin(async move {
            let _ = handle.await;
        })
    });
    let store = Arc::new(InMemoryConnectionStore::new());
    // Records of today's product, which the suite (living in 2001) must not disturb.
    connector_core::testing::behaviour::store_contract(
        &connector_core::testing::behaviour::StoreFixture::new(store.clone())
            .with_prefix("product"),
    )
    .await
    .unwrap();
    let fixture = QueueFixture::new(store.clone()).with_spawner(spawner);
    queue_contract(&fixture).await.unwrap();
    queue_contract(&fixture.with_prefix("again")).await.unwrap();
}

/// What a broken queue gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    /// Claims ignore the limit.
    IgnoresLimit,
    /// Claims take connections an hour before they are due.
    ClaimsEarly,
    /// A claim does not keep its lease: another worker can claim the same connection.
    ForgetsLeases,
    /// `finish` succeeds on a lease another worker took over.
    FinishIgnoresOwner,
    /// Claims never say they took over an expired lease.
    HidesTakeovers,
    /// Statistics a day stale.
    StaleStats,
}

#[derive(Debug)]
struct Broken {
    inner: InMemoryConnectionStore,
    defect: Defect,
}

impl ConnectionStore for Broken {
    fn create<'a>(&'a self, c: &'a Connection) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.inner.create(c)
    }
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        self.inner.get(id)
    }
    fn compare_and_swap<'a>(
        &'a self,
        expected: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.inner.compare_and_swap(expected, new)
    }
    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.inner.delete(id)
    }
    fn list<'a>(&'a self, q: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        self.inner.list(q)
    }
}

impl CheckQueue for Broken {
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        Box::pin(async move {
            let (now, limit) = match self.defect {
                Defect::IgnoresLimit => (now, 10_000),
                Defect::ClaimsEarly => (now + Duration::from_secs(3_600), limit),
                _ => (now, limit),
            };
            let claims = self.inner.claim_due(worker, now, lease_for, limit).await?;
            match self.defect {
                Defect::ForgetsLeases => {
                    // Give each back at once, and hand out a lease that still finishes.
                    let mut out = Vec::new();
                    for claim in claims {
                        self.inner.finish(claim.lease(), Some(claim.due())).await?;
                        out.push(claim);
                    }
                    Ok(out)
                }
                Defect::HidesTakeovers => Ok(claims
                    .into_iter()
                    .map(|c| Claim::new(c.lease().clone(), c.due_millis(), false))
                    .collect()),
                _ => Ok(claims),
            }
        })
    }
    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(async move {
            match (self.defect, self.inner.finish(lease, next_due).await) {
                (
                    Defect::ForgetsLeases | Defect::FinishIgnoresOwner,
                    Err(ConnectorError::LeaseLost { .. }),
                ) => Ok(()),
                (_, result) => result,
            }
        })
    }
    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.inner.request_check(id, at)
    }
    fn queue_stats<'a>(
        &'a self,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        let now = match self.defect {
            Defect::StaleStats => now - Duration::from_secs(86_400),
            _ => now,
        };
        self.inner.queue_stats(now)
    }
}

#[tokio::test]
async fn the_suite_catches_each_broken_queue() {
    for (defect, check) in [
        (Defect::IgnoresLimit, "claim_order_and_limit"),
        (Defect::ClaimsEarly, "schedule_follows_writes"),
        (Defect::ForgetsLeases, "claim_order_and_limit"),
        (Defect::FinishIgnoresOwner, "expired_lease_taken_over"),
        (Defect::HidesTakeovers, "expired_lease_taken_over"),
        (Defect::StaleStats, "queue_stats"),
    ] {
        let store = Broken {
            inner: InMemoryConnectionStore::new(),
            defect,
        };
        let fixture = QueueFixture::new(Arc::new(store));
        let violation = queue_contract(&fixture)
            .await
            .expect_err(&format!("{defect:?} went unnoticed"));
        assert_eq!(violation.check, check, "{defect:?}: {violation}");
    }
}
