//! The store behaviour suite passes on the in-memory store (writers interleaved on one task,
//! and in parallel on a multi-threaded runtime), and catches each deliberately broken store.

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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use connector_core::testing::behaviour::{Spawner, StoreFixture, store_contract};
use connector_core::{
    BoxFuture, Connection, ConnectionId, ConnectionStore, ConnectorError, InMemoryConnectionStore,
    ListQuery, Page,
};

#[tokio::test]
async fn the_in_memory_store_passes_interleaved() {
    let fixture = StoreFixture::new(Arc::new(InMemoryConnectionStore::new()));
    let report = store_contract(&fixture).await.unwrap();
    assert_eq!(
        report.checks,
        [
            "create_and_get",
            "create_refuses_existing",
            "compare_and_swap",
            "concurrent_writers",
            "list_pagination",
            "list_by_state",
            "cursor_text",
            "delete"
        ]
    );
    assert_eq!(report.skipped.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_in_memory_store_passes_with_parallel_writers() {
    let spawner: Spawner = Arc::new(|task| {
        let handle = tokio::spawn(task);
        Box::pin(async move {
            let _ = handle.await;
        })
    });
    let store = Arc::new(InMemoryConnectionStore::new());
    let fixture = StoreFixture::new(store.clone())
        .with_spawner(spawner)
        .with_writers(8, 100);
    store_contract(&fixture).await.unwrap();
    // Two runs on one store, told apart by their prefixes.
    let again = StoreFixture::new(store).with_prefix("second");
    store_contract(&again).await.unwrap();
}

/// What a broken store gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    /// Swaps whatever revision is stored (the lost update).
    IgnoresRevision,
    /// `create` overwrites an existing record.
    CreateOverwrites,
    /// Listing skips every fifth connection.
    ListSkips,
    /// Listing restarts from the beginning instead of after the cursor.
    IgnoresCursor,
    /// Listing ignores the state filter.
    IgnoresStates,
    /// Pages come back larger than the limit.
    IgnoresLimit,
    /// `delete` reports success but keeps the record.
    DeleteKeeps,
    /// `get` returns the record as first created, never the latest.
    StaleReads,
    /// A lost update under concurrency: read and write are not atomic.
    RacyCas,
    /// A swap of a missing id succeeds.
    SwapCreates,
    /// A damaged record reads back as a default instead of an error.
    HidesCorruption,
}

/// The in-memory store with one defect.
#[derive(Debug)]
struct Broken {
    inner: InMemoryConnectionStore,
    defect: Defect,
    firsts: std::sync::Mutex<std::collections::HashMap<ConnectionId, Connection>>,
    corrupted: std::sync::Mutex<std::collections::HashSet<ConnectionId>>,
    racing: AtomicBool,
    listed: AtomicUsize,
}

impl Broken {
    fn new(defect: Defect) -> Broken {
        Broken {
            inner: InMemoryConnectionStore::new(),
            defect,
            firsts: Default::default(),
            corrupted: Default::default(),
            racing: AtomicBool::new(false),
            listed: AtomicUsize::new(0),
        }
    }
}

impl ConnectionStore for Broken {
    fn create<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(async move {
            self.firsts
                .lock()
                .unwrap()
                .entry(connection.id().clone())
                .or_insert_with(|| connection.clone());
            if self.defect == Defect::CreateOverwrites {
                self.inner.delete(connection.id()).await?;
            }
            self.inner.create(connection).await
        })
    }

    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        Box::pin(async move {
            if self.corrupted.lock().unwrap().contains(id) {
                return match self.defect {
                    Defect::HidesCorruption => Ok(None),
                    _ => Err(ConnectorError::CorruptRecord {
                        connection: id.to_string(),
                        detail: "damaged by the test".into(),
                    }),
                };
            }
            if self.defect == Defect::StaleReads {
                let first = self.firsts.lock().unwrap().get(id).cloned();
                if first.is_some() && self.inner.get(id).await?.is_some() {
                    return Ok(first);
                }
            }
            self.inner.get(id).await
        })
    }

    fn compare_and_swap<'a>(
        &'a self,
        expected_revision: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(async move {
            match self.defect {
                Defect::IgnoresRevision => {
                    if let Some(stored) = self.inner.get(new.id()).await? {
                        let forced = stored.revision();
                        // Pretend the caller expected what is stored.
                        if forced + 1 == new.revision() {
                            return self.inner.compare_and_swap(forced, new).await;
                        }
                        self.inner.delete(new.id()).await?;
                        // Recreate at the new record: the write lands whatever was stored.
                        return self.inner.create(new).await;
                    }
                    self.inner.compare_and_swap(expected_revision, new).await
                }
                Defect::RacyCas => {
                    // Check, yield, then write without checking again.
                    let stored = self.inner.get(new.id()).await?;
                    match stored {
                        Some(s) if s.revision() == expected_revision => {
                            self.racing.store(true, Ordering::SeqCst);
                            tokio::task::yield_now().await;
                            self.inner.delete(new.id()).await?;
                            self.inner.create(new).await
                        }
                        _ => self.inner.compare_and_swap(expected_revision, new).await,
                    }
                }
                Defect::SwapCreates => match self.inner.get(new.id()).await? {
                    None => self.inner.create(new).await,
                    Some(_) => self.inner.compare_and_swap(expected_revision, new).await,
                },
                _ => self.inner.compare_and_swap(expected_revision, new).await,
            }
        })
    }

    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(async move {
            if self.defect == Defect::DeleteKeeps {
                return Ok(self.inner.get(id).await?.is_some());
            }
            self.inner.delete(id).await
        })
    }

    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        Box::pin(async move {
            let corrupted = self.corrupted.lock().unwrap().clone();
            let effective = match self.defect {
                Defect::IgnoresCursor => query.clone().with_cursor(None),
                Defect::IgnoresStates => ListQuery::all()
                    .with_limit(query.limit())
                    .with_cursor(query.cursor().cloned()),
                Defect::IgnoresLimit => query.clone().with_limit(ListQuery::MAX_LIMIT),
                _ => query.clone(),
            };
            let page = self.inner.list(&effective).await?;
            if page
                .connections()
                .iter()
                .any(|c| corrupted.contains(c.id()))
                && self.defect != Defect::HidesCorruption
            {
                return Err(ConnectorError::CorruptRecord {
                    connection: "listed".into(),
                    detail: "damaged by the test".into(),
                });
            }
            let mut kept = Vec::new();
            for connection in page.connections() {
                if corrupted.contains(connection.id()) {
                    continue;
                }
                let n = self.listed.fetch_add(1, Ordering::SeqCst);
                if self.defect == Defect::ListSkips && n % 5 == 4 {
                    continue;
                }
                kept.push(connection.clone());
            }
            Ok(Page::new(kept, &effective))
        })
    }
}

fn corruptor(store: &Arc<Broken>) -> connector_core::testing::behaviour::Corruptor {
    let store = store.clone();
    Arc::new(move |id: &ConnectionId| {
        store.corrupted.lock().unwrap().insert(id.clone());
        Box::pin(async {})
    })
}

async fn run(defect: Defect) -> Result<(), String> {
    let store = Arc::new(Broken::new(defect));
    let fixture = StoreFixture::new(store.clone())
        .with_corruptor(corruptor(&store))
        .with_writers(4, 25);
    store_contract(&fixture)
        .await
        .map(|_| ())
        .map_err(|violation| violation.to_string())
}

#[tokio::test]
async fn every_broken_store_is_caught() {
    for (defect, check) in [
        (Defect::IgnoresRevision, "compare_and_swap"),
        (Defect::CreateOverwrites, "create_refuses_existing"),
        (Defect::ListSkips, "list_pagination"),
        (Defect::IgnoresCursor, "list_pagination"),
        (Defect::IgnoresStates, "list_by_state"),
        (Defect::IgnoresLimit, "list_pagination"),
        (Defect::DeleteKeeps, "delete"),
        (Defect::StaleReads, "create_and_get"),
        (Defect::SwapCreates, "compare_and_swap"),
        (Defect::HidesCorruption, "corrupt_record"),
    ] {
        let violation = run(defect)
            .await
            .expect_err(&format!("{defect:?} was not caught"));
        assert!(
            violation.contains(check),
            "{defect:?} was caught by the wrong check: {violation}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_racy_compare_and_swap_loses_updates_and_is_caught() {
    let store = Arc::new(Broken::new(Defect::RacyCas));
    let spawner: Spawner = Arc::new(|task| {
        let handle = tokio::spawn(task);
        Box::pin(async move {
            let _ = handle.await;
        })
    });
    let fixture = StoreFixture::new(store.clone())
        .with_spawner(spawner)
        .with_writers(8, 50);
    let violation = store_contract(&fixture).await.unwrap_err();
    assert_eq!(violation.check, "concurrent_writers", "{violation}");
    assert!(store.racing.load(Ordering::SeqCst));
}
