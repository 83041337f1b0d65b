//! The SQLite store: the behaviour suite (interleaved and parallel writers, a corrupted row),
//! encryption at rest (nothing identifying in the file, a moved or altered ciphertext is
//! refused, rekey), several processes' worth of pools on one file, and a database that goes
//! away mid-write.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

mod common;

use common::{EXTERNAL_ID, active, spawner, toggle};

use std::path::Path;
use std::sync::Arc;

use connector_core::testing::behaviour::{Corruptor, StoreFixture, store_contract};
use connector_core::{
    ConnectionEvent, ConnectionId, ConnectionStore, ConnectorError, ListQuery, Timestamp,
    apply_event,
};
use connector_store::{DataKey, LocalKeyProvider, SqliteConnectionStore};

fn keys(id: &str, byte: u8) -> LocalKeyProvider {
    LocalKeyProvider::new(id, DataKey::new([byte; 32])).unwrap()
}

async fn open(path: &Path, keys: LocalKeyProvider) -> SqliteConnectionStore {
    SqliteConnectionStore::open(path, Arc::new(keys))
        .await
        .unwrap()
}

/// Flips one byte of a row's sealed record, in place.
fn corruptor(store: SqliteConnectionStore) -> Corruptor {
    Arc::new(move |id: &ConnectionId| {
        let store = store.clone();
        let id = id.as_str().to_owned();
        Box::pin(async move {
            let (mut sealed,): (Vec<u8>,) =
                sqlx::query_as("SELECT sealed FROM connector_connections WHERE id = $1")
                    .bind(&id)
                    .fetch_one(store.pool())
                    .await
                    .unwrap();
            let last = sealed.len() - 1;
            sealed[last] ^= 0x01;
            sqlx::query("UPDATE connector_connections SET sealed = $1 WHERE id = $2")
                .bind(sealed)
                .bind(&id)
                .execute(store.pool())
                .await
                .unwrap();
        })
    })
}

#[tokio::test]
async fn the_sqlite_store_passes_the_behaviour_suite_interleaved() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db"), keys("k1", 7)).await;
    let fixture = StoreFixture::new(Arc::new(store.clone())).with_corruptor(corruptor(store));
    let report = store_contract(&fixture).await.unwrap();
    assert!(report.checks.contains(&"corrupt_record"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_store_passes_the_behaviour_suite_with_parallel_writers() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db"), keys("k1", 7)).await;
    let fixture = StoreFixture::new(Arc::new(store.clone()))
        .with_spawner(spawner())
        .with_corruptor(corruptor(store))
        .with_writers(8, 100);
    store_contract(&fixture).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_pools_on_one_file_lose_no_update() {
    // Two pools on one file behave as two processes would: each has its own connections,
    // and SQLite's file locks (WAL, busy timeout) order their writes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let first = open(&path, keys("k1", 7)).await;
    let second = open(&path, keys("k1", 7)).await;
    // The suite on each pool in turn (its listing checks assume no foreign writer while
    // they run)...
    store_contract(
        &StoreFixture::new(Arc::new(first.clone()))
            .with_spawner(spawner())
            .with_prefix("first"),
    )
    .await
    .unwrap();
    store_contract(
        &StoreFixture::new(Arc::new(second.clone()))
            .with_spawner(spawner())
            .with_prefix("second"),
    )
    .await
    .unwrap();
    let listed = first
        .list(&ListQuery::all().with_limit(1000))
        .await
        .unwrap();
    assert!(
        listed
            .connections()
            .iter()
            .any(|c| c.id().as_str().starts_with("second"))
    );
    // ...then both pools' writers on one connection at once: every update lands.
    let c = active(&first, "shared").await;
    let mut writers = Vec::new();
    for w in 0..8i64 {
        let store = if w % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let id = c.id().clone();
        writers.push(tokio::spawn(async move {
            for n in 0..25i64 {
                apply_event(
                    &store,
                    &id,
                    Timestamp(1_800_002_000 + n * 10 + w),
                    1_000,
                    toggle,
                )
                .await
                .unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let last = second.get(c.id()).await.unwrap().unwrap();
    assert_eq!(last.revision(), c.revision() + 8 * 25);
}

#[tokio::test]
async fn neither_the_external_id_nor_the_role_arn_is_in_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = open(&path, keys("k1", 7)).await;
    let c = active(&store, "acme-prod").await;
    assert_eq!(c.external_id().as_str(), EXTERNAL_ID);
    store.close().await;
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(EXTERNAL_ID));
        assert!(!text.contains("VendorReadOnly"));
        assert!(!text.contains("Acme production"));
    }
    assert!(files >= 1);
    // What is in clear: the id, state and account the stores query by.
    let store = open(&path, keys("k1", 7)).await;
    let (state, account): (String, Option<String>) = sqlx::query_as(
        "SELECT state, account_id FROM connector_connections WHERE id = 'acme-prod'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(
        (state.as_str(), account.as_deref()),
        ("active", Some("111122223333"))
    );
}

#[tokio::test]
async fn a_sealed_record_copied_into_another_row_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db"), keys("k1", 7)).await;
    let victim = active(&store, "victim").await;
    let attacker = active(&store, "attacker").await;
    assert_eq!(victim.revision(), attacker.revision());
    // Someone with write access to the database swaps the attacker's sealed record (its
    // role, its External ID) into the victim's row.
    sqlx::query(
        "UPDATE connector_connections SET sealed = \
         (SELECT sealed FROM connector_connections WHERE id = 'attacker') WHERE id = 'victim'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store.get(victim.id()).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::CorruptRecord { connection, .. } if connection == "victim"),
        "{err}"
    );
    assert!(!err.is_retryable());
    // The listing refuses too, rather than skipping the row.
    assert!(matches!(
        store.list(&ListQuery::all()).await,
        Err(ConnectorError::CorruptRecord { .. })
    ));
}

#[tokio::test]
async fn a_record_replayed_at_another_revision_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db"), keys("k1", 7)).await;
    let c = active(&store, "acme").await;
    // An old sealed record (revision 2, active) put back with a later revision number.
    let later = apply_event(&store, c.id(), Timestamp(1_800_000_100), 3, |_| {
        Ok(ConnectionEvent::DisconnectRequested)
    })
    .await
    .unwrap();
    assert_eq!(later.revision(), 3);
    let (sealed_now,): (Vec<u8>,) =
        sqlx::query_as("SELECT sealed FROM connector_connections WHERE id = 'acme'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let old = SqliteConnectionStore::open(dir.path().join("old.db"), Arc::new(keys("k1", 7)))
        .await
        .unwrap();
    // Build the revision-2 sealed record in another file under the same key, then replay it.
    active(&old, "acme").await;
    let (sealed_old,): (Vec<u8>,) =
        sqlx::query_as("SELECT sealed FROM connector_connections WHERE id = 'acme'")
            .fetch_one(old.pool())
            .await
            .unwrap();
    assert_ne!(sealed_now, sealed_old);
    sqlx::query("UPDATE connector_connections SET sealed = $1, state = 'active' WHERE id = 'acme'")
        .bind(sealed_old)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(matches!(
        store.get(c.id()).await,
        Err(ConnectorError::CorruptRecord { .. })
    ));
}

#[tokio::test]
async fn a_clear_state_column_edited_to_hide_a_connection_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db"), keys("k1", 7)).await;
    let c = active(&store, "acme").await;
    sqlx::query("UPDATE connector_connections SET state = 'removed' WHERE id = 'acme'")
        .execute(store.pool())
        .await
        .unwrap();
    assert!(matches!(
        store.get(c.id()).await,
        Err(ConnectorError::CorruptRecord { .. })
    ));
}

#[tokio::test]
async fn a_record_under_a_key_the_store_does_not_hold_is_corrupt_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = open(&path, keys("k1", 7)).await;
    let c = active(&store, "acme").await;
    store.close().await;
    let wrong = open(&path, keys("k2", 9)).await;
    let err = wrong.get(c.id()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::CorruptRecord { .. }), "{err}");
    // Same id, another key: refused as well.
    let impostor = open(&path, keys("k1", 9)).await;
    assert!(matches!(
        impostor.get(c.id()).await,
        Err(ConnectorError::CorruptRecord { .. })
    ));
}

#[tokio::test]
async fn rekey_rewrites_records_under_the_current_key_and_they_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let old = open(&path, keys("k1", 7)).await;
    let mut written = Vec::new();
    for i in 0..30 {
        written.push(active(&old, &format!("acme-{i:02}")).await);
    }
    old.close().await;

    // The new key is current; the old one is kept, retired, to read what it sealed.
    let rotated = LocalKeyProvider::new("k2", DataKey::new([9; 32]))
        .unwrap()
        .with_retired("k1", DataKey::new([7; 32]))
        .unwrap();
    let store = open(&path, rotated).await;
    for c in &written {
        assert_eq!(store.get(c.id()).await.unwrap().as_ref(), Some(c));
    }
    let report = store.rekey().await.unwrap();
    assert_eq!(report.records_examined(), 30);
    assert_eq!(report.records_rewritten(), 30);
    assert_eq!(store.rekey().await.unwrap().records_rewritten(), 0);
    store.close().await;

    // Now the old key can go: every record reads under the new key alone, unchanged.
    let new_only = open(&path, keys("k2", 9)).await;
    for c in &written {
        assert_eq!(new_only.get(c.id()).await.unwrap().as_ref(), Some(c));
    }
    // A write after rekey still compare-and-swaps from the same revision.
    let first = &written[0];
    let next = first
        .apply(
            ConnectionEvent::DisconnectRequested,
            Timestamp(1_800_000_500),
        )
        .unwrap();
    new_only
        .compare_and_swap(first.revision(), &next)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_closed_database_is_a_retryable_error_and_loses_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = open(&path, keys("k1", 7)).await;
    let c = active(&store, "acme").await;
    store.close().await;
    let next = c
        .apply(
            ConnectionEvent::DisconnectRequested,
            Timestamp(1_800_000_500),
        )
        .unwrap();
    let err = store
        .compare_and_swap(c.revision(), &next)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::StoreUnavailable { .. }),
        "{err}"
    );
    assert!(err.is_retryable());
    // Reopened, the record is what it was; the retried write goes through once.
    let reopened = open(&path, keys("k1", 7)).await;
    assert_eq!(reopened.get(c.id()).await.unwrap().as_ref(), Some(&c));
    reopened
        .compare_and_swap(c.revision(), &next)
        .await
        .unwrap();
    assert!(matches!(
        reopened.compare_and_swap(c.revision(), &next).await,
        Err(ConnectorError::Conflict { .. })
    ));
}

#[tokio::test]
async fn a_locked_database_is_retryable_and_the_write_lands_after() {
    // Another process holds the write lock past the busy timeout.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let envelope = Arc::new(connector_store::Envelope::new(Arc::new(keys("k1", 7))));
    let store = SqliteConnectionStore::open_with(
        connector_store::SqliteOptions::new(&path)
            .with_busy_timeout(std::time::Duration::from_millis(200)),
        envelope,
    )
    .await
    .unwrap();
    let c = active(&store, "acme").await;
    let holder = open(&path, keys("k1", 7)).await;
    let mut lock = holder.pool().acquire().await.unwrap();
    sqlx::Executor::execute(&mut *lock, "BEGIN IMMEDIATE")
        .await
        .unwrap();
    let next = c
        .apply(
            ConnectionEvent::DisconnectRequested,
            Timestamp(1_800_000_500),
        )
        .unwrap();
    let err = store
        .compare_and_swap(c.revision(), &next)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::StoreUnavailable { .. }),
        "{err}"
    );
    assert!(err.is_retryable());
    sqlx::Executor::execute(&mut *lock, "ROLLBACK")
        .await
        .unwrap();
    drop(lock);
    store.compare_and_swap(c.revision(), &next).await.unwrap();
    assert_eq!(store.get(c.id()).await.unwrap().unwrap().revision(), 3);
}
