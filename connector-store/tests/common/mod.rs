//! What the store tests share: an active connection to work on, a spawner for the behaviour
//! suite's parallel writers, the event that flips a connection between disconnected and
//! verifying, and writers that keep updating one connection while a test breaks the
//! backend.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each test file uses a part; tests may panic"
)]

pub(crate) mod pg;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use connector_core::testing::behaviour::Spawner;
use connector_core::{
    Connection, ConnectionEvent, ConnectionId, ConnectionState, ConnectionStore, ConnectorError,
    Timestamp, apply_event,
};

pub(crate) const EXTERNAL_ID: &str = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4";
pub(crate) const ROLE: &str = "arn:aws:iam::111122223333:role/VendorReadOnly";

/// Runs the suite's writers as tokio tasks.
pub(crate) fn spawner() -> Spawner {
    Arc::new(|task| {
        let handle = tokio::spawn(task);
        Box::pin(async move {
            let _ = handle.await;
        })
    })
}

/// Creates `id` and takes it through the onboarding: active, with [`ROLE`], at revision 2.
pub(crate) async fn active(store: &dyn ConnectionStore, id: &str) -> Connection {
    let c = Connection::builder(id.parse().unwrap(), EXTERNAL_ID.parse().unwrap())
        .with_display_name("Acme production")
        .build(Timestamp(1_800_000_000))
        .unwrap();
    store.create(&c).await.unwrap();
    apply_event(store, c.id(), Timestamp(1_800_000_010), 3, |_| {
        Ok(ConnectionEvent::RoleSubmitted {
            role_arn: ROLE.parse()?,
        })
    })
    .await
    .unwrap();
    apply_event(store, c.id(), Timestamp(1_800_000_020), 3, |_| {
        Ok(ConnectionEvent::VerificationSucceeded)
    })
    .await
    .unwrap()
}

/// An event every state but `Removed` accepts, so every update writes: reconnect a
/// disconnected connection, disconnect any other.
pub(crate) fn toggle(current: &Connection) -> Result<ConnectionEvent, ConnectorError> {
    Ok(if current.state() == ConnectionState::Disconnected {
        ConnectionEvent::ReconnectRequested { role_arn: None }
    } else {
        ConnectionEvent::DisconnectRequested
    })
}

/// Writers updating one connection until stopped, counting what succeeded and what failed;
/// every failure must pass the test's check (typed, retryable), and each is followed by a
/// pause.
pub(crate) struct Writers {
    succeeded: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Writers {
    /// Starts `count` writers on `id`.
    pub(crate) fn start(
        store: Arc<dyn ConnectionStore>,
        id: &ConnectionId,
        count: i64,
        failure_is_expected: fn(&ConnectorError) -> bool,
        pause_after_failure: Duration,
    ) -> Writers {
        let succeeded = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..count)
            .map(|w| {
                let (store, succeeded, failed, stop, id) = (
                    store.clone(),
                    succeeded.clone(),
                    failed.clone(),
                    stop.clone(),
                    id.clone(),
                );
                tokio::spawn(async move {
                    let mut tick = 0i64;
                    while !stop.load(Ordering::Relaxed) {
                        tick += 1;
                        let at = Timestamp(1_800_001_000 + tick * 10 + w);
                        match apply_event(store.as_ref(), &id, at, 50, toggle).await {
                            Ok(_) => {
                                succeeded.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(e) => {
                                assert!(failure_is_expected(&e), "unexpected failure: {e}");
                                failed.fetch_add(1, Ordering::SeqCst);
                                tokio::time::sleep(pause_after_failure).await;
                            }
                        }
                    }
                })
            })
            .collect();
        Writers {
            succeeded,
            failed,
            stop,
            tasks,
        }
    }

    /// Updates that succeeded so far.
    pub(crate) fn succeeded(&self) -> u64 {
        self.succeeded.load(Ordering::SeqCst)
    }

    /// Stops the writers; the updates that succeeded and the failures.
    pub(crate) async fn stop(self) -> (u64, u64) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        (
            self.succeeded.load(Ordering::SeqCst),
            self.failed.load(Ordering::SeqCst),
        )
    }
}

/// Several handles on one database (as several processes would hold), used in turn: every
/// call goes to the next handle, so the queue suite's competing workers claim through all
/// of them.
#[derive(Debug)]
pub(crate) struct RoundRobin {
    handles: Vec<Arc<dyn connector_core::CheckQueue>>,
    next: AtomicU64,
}

impl RoundRobin {
    pub(crate) fn new(handles: Vec<Arc<dyn connector_core::CheckQueue>>) -> RoundRobin {
        RoundRobin {
            handles,
            next: AtomicU64::new(0),
        }
    }

    fn pick(&self) -> &dyn connector_core::CheckQueue {
        let n = self.next.fetch_add(1, Ordering::SeqCst) as usize;
        self.handles[n % self.handles.len()].as_ref()
    }

    /// How many calls went through the handles.
    pub(crate) fn calls(&self) -> u64 {
        self.next.load(Ordering::SeqCst)
    }
}

impl ConnectionStore for RoundRobin {
    fn create<'a>(
        &'a self,
        c: &'a Connection,
    ) -> connector_core::BoxFuture<'a, Result<(), ConnectorError>> {
        self.pick().create(c)
    }
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> connector_core::BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        self.pick().get(id)
    }
    fn compare_and_swap<'a>(
        &'a self,
        expected: u64,
        new: &'a Connection,
    ) -> connector_core::BoxFuture<'a, Result<(), ConnectorError>> {
        self.pick().compare_and_swap(expected, new)
    }
    fn delete<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> connector_core::BoxFuture<'a, Result<bool, ConnectorError>> {
        self.pick().delete(id)
    }
    fn list<'a>(
        &'a self,
        q: &'a connector_core::ListQuery,
    ) -> connector_core::BoxFuture<'a, Result<connector_core::Page, ConnectorError>> {
        self.pick().list(q)
    }
}

impl connector_core::CheckQueue for RoundRobin {
    fn claim_due<'a>(
        &'a self,
        worker: &'a connector_core::WorkerId,
        now: std::time::SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> connector_core::BoxFuture<'a, Result<Vec<connector_core::Claim>, ConnectorError>> {
        self.pick().claim_due(worker, now, lease_for, limit)
    }
    fn finish<'a>(
        &'a self,
        lease: &'a connector_core::Lease,
        next_due: Option<std::time::SystemTime>,
    ) -> connector_core::BoxFuture<'a, Result<(), ConnectorError>> {
        self.pick().finish(lease, next_due)
    }
    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: std::time::SystemTime,
    ) -> connector_core::BoxFuture<'a, Result<bool, ConnectorError>> {
        self.pick().request_check(id, at)
    }
    fn queue_stats<'a>(
        &'a self,
        now: std::time::SystemTime,
    ) -> connector_core::BoxFuture<'a, Result<connector_core::QueueStats, ConnectorError>> {
        self.pick().queue_stats(now)
    }
}

/// A compare-and-swap while a worker holds the lease leaves the lease alone: nobody else
/// claims the connection before the lease ends, its holder finishes it, and it is due
/// again at the time it was finished with. `connection` is active (see [`active`]), due
/// at its first health-checked update (1_800_000_010 s).
pub(crate) async fn write_keeps_live_lease(
    store: &dyn connector_core::CheckQueue,
    connection: &Connection,
) {
    use connector_core::from_unix_millis;
    let at = |s: i64| from_unix_millis(s * 1_000);
    let (a, b): (connector_core::WorkerId, connector_core::WorkerId) =
        ("worker-a".parse().unwrap(), "worker-b".parse().unwrap());
    let lease = Duration::from_secs(60);
    let claims = store
        .claim_due(&a, at(1_800_000_100), lease, 10)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].due(), at(1_800_000_010));
    // The vendor's own write during the check (a refresh that succeeded).
    let next = connection
        .apply(ConnectionEvent::RefreshSucceeded, Timestamp(1_800_000_120))
        .unwrap();
    store
        .compare_and_swap(connection.revision(), &next)
        .await
        .unwrap();
    assert!(
        store
            .claim_due(&b, at(1_800_000_159), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "a write released the lease"
    );
    let stats = store.queue_stats(at(1_800_000_150)).await.unwrap();
    assert_eq!((stats.leased(), stats.due()), (1, 0));
    store
        .finish(claims[0].lease(), Some(at(1_800_000_400)))
        .await
        .unwrap();
    assert!(
        store
            .claim_due(&b, at(1_800_000_399), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_due(&b, at(1_800_000_400), lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].due(), at(1_800_000_400));
    assert!(!again[0].taken_over());
    store.finish(again[0].lease(), None).await.unwrap();
}
