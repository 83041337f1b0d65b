//! The SQLite store's health-check schedule: the queue behaviour suite (interleaved, with
//! parallel workers, and with the workers claiming through two handles on one file, as two
//! processes would), a write that leaves a live lease alone, rekey that leaves the schedule
//! alone, and a database at migration 1 upgraded on open with its connections scheduled.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod common;

use common::{RoundRobin, active, spawner, write_keeps_live_lease};

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use connector_core::testing::behaviour::{
    QueueFixture, StoreFixture, queue_contract, store_contract,
};
use connector_core::{
    CheckQueue, Connection, ConnectionStore, Timestamp, WorkerId, from_unix_millis,
};
use connector_store::{DataKey, LocalKeyProvider, SqliteConnectionStore};
use sqlx::Executor as _;

async fn open(path: &Path) -> SqliteConnectionStore {
    let keys = LocalKeyProvider::new("k1", DataKey::new([7; 32])).unwrap();
    SqliteConnectionStore::open(path, Arc::new(keys))
        .await
        .unwrap()
}

fn ms(seconds: i64) -> std::time::SystemTime {
    from_unix_millis(seconds * 1_000)
}

#[tokio::test]
async fn the_sqlite_queue_passes_the_queue_contract_interleaved() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db")).await;
    let report = queue_contract(&QueueFixture::new(Arc::new(store)))
        .await
        .unwrap();
    assert_eq!(report.checks.len(), 8, "{:?}", report.checks);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_queue_passes_with_parallel_workers_beside_other_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(open(&dir.path().join("c.db")).await);
    // Today's records, which the suite (living in 2001) must not disturb.
    store_contract(&StoreFixture::new(store.clone()).with_prefix("product"))
        .await
        .unwrap();
    let fixture = QueueFixture::new(store).with_spawner(spawner());
    queue_contract(&fixture).await.unwrap();
    queue_contract(&fixture.with_prefix("again")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_through_two_handles_on_one_file_are_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let (first, second) = (open(&path).await, open(&path).await);
    let both = Arc::new(RoundRobin::new(vec![Arc::new(first), Arc::new(second)]));
    let fixture = QueueFixture::new(both.clone()).with_spawner(spawner());
    queue_contract(&fixture).await.unwrap();
    queue_contract(&fixture.with_prefix("again")).await.unwrap();
    assert!(both.calls() > 100, "the handles were barely used");
}

#[tokio::test]
async fn a_compare_and_swap_leaves_a_live_lease_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db")).await;
    let c = active(&store, "acme").await;
    write_keeps_live_lease(&store, &c).await;
}

#[tokio::test]
async fn rekey_leaves_the_schedule_and_the_lease_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let old = open(&path).await;
    active(&old, "acme").await;
    let worker: WorkerId = "worker-a".parse().unwrap();
    let claims = old
        .claim_due(&worker, ms(1_800_000_100), Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    old.close().await;
    let rotated = LocalKeyProvider::new("k2", DataKey::new([9; 32]))
        .unwrap()
        .with_retired("k1", DataKey::new([7; 32]))
        .unwrap();
    let store = SqliteConnectionStore::open(&path, Arc::new(rotated))
        .await
        .unwrap();
    assert_eq!(store.rekey().await.unwrap().records_rewritten(), 1);
    // Still leased (nobody else claims it), still the worker's, still due when it was.
    assert!(
        store
            .claim_due(
                &"worker-b".parse().unwrap(),
                ms(1_800_000_150),
                Duration::from_secs(60),
                10
            )
            .await
            .unwrap()
            .is_empty()
    );
    store.finish(claims[0].lease(), None).await.unwrap();
}

/// The schema of migration 1, as databases created before the schedule have it.
const MIGRATION_1: &str = "CREATE TABLE connector_store_migrations (
        version INTEGER PRIMARY KEY NOT NULL
    ) STRICT;
    CREATE TABLE connector_connections (
        id TEXT PRIMARY KEY NOT NULL,
        state TEXT NOT NULL,
        account_id TEXT,
        revision INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        state_since INTEGER NOT NULL,
        sealed BLOB NOT NULL
    ) STRICT;
    CREATE INDEX connector_connections_by_state ON connector_connections (state, id);
    INSERT INTO connector_store_migrations (version) VALUES (1);";

#[tokio::test]
async fn a_database_at_migration_1_is_upgraded_on_open_and_its_checked_connections_are_due() {
    let dir = tempfile::tempdir().unwrap();
    // Records sealed by today's store, copied row by row into a file at migration 1.
    let source = open(&dir.path().join("source.db")).await;
    let checked = active(&source, "acme").await;
    let pending = Connection::builder(
        "pending".parse().unwrap(),
        common::EXTERNAL_ID.parse().unwrap(),
    )
    .build(Timestamp(1_800_000_000))
    .unwrap();
    source.create(&pending).await.unwrap();
    type OldRow = (String, String, Option<String>, i64, i64, i64, i64, Vec<u8>);
    let rows: Vec<OldRow> = sqlx::query_as(
        "SELECT id, state, account_id, revision, created_at, updated_at, state_since, sealed \
         FROM connector_connections",
    )
    .fetch_all(source.pool())
    .await
    .unwrap();
    let path = dir.path().join("old.db");
    let old = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    old.execute(MIGRATION_1).await.unwrap();
    for row in rows {
        sqlx::query(
            "INSERT INTO connector_connections \
             (id, state, account_id, revision, created_at, updated_at, state_since, sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.0)
        .bind(row.1)
        .bind(row.2)
        .bind(row.3)
        .bind(row.4)
        .bind(row.5)
        .bind(row.6)
        .bind(row.7)
        .execute(&old)
        .await
        .unwrap();
    }
    old.close().await;

    let store = open(&path).await;
    let (version,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM connector_store_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(version, 2);
    assert_eq!(
        store.get(checked.id()).await.unwrap().as_ref(),
        Some(&checked)
    );
    let stats = store.queue_stats(ms(1_800_000_100)).await.unwrap();
    assert_eq!(stats.due(), 1);
    let claims = store
        .claim_due(
            &"worker-a".parse().unwrap(),
            ms(1_800_000_100),
            Duration::from_secs(60),
            10,
        )
        .await
        .unwrap();
    let claimed: Vec<&str> = claims.iter().map(|c| c.id().as_str()).collect();
    assert_eq!(claimed, ["acme"], "the pending connection is not scheduled");
    // Due at its last update, in milliseconds.
    assert_eq!(claims[0].due(), ms(checked.updated_at().0));
    // Opened again, nothing is migrated twice.
    drop(store);
    let again = open(&path).await;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM connector_store_migrations")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(count, 2);
}
