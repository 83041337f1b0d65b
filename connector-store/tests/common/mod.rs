//! What the store tests share: an active connection to work on, a spawner for the behaviour
//! suite's parallel writers, the event that flips a connection between disconnected and
//! verifying, and writers that keep updating one connection while a test breaks the
//! backend.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each test file uses a part; tests may panic"
)]

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
