//! The Postgres store's health-check schedule against a real server (started by
//! `scripts/test`): the queue behaviour suite (interleaved, with parallel workers, and with
//! the workers claiming through two pools, as two processes would), a write that leaves a
//! live lease alone, and a database at migration 1 upgraded on connect with its
//! connections scheduled. Each test works in its own database. Without a server the tests
//! print SKIPPED and return.

#![cfg(feature = "postgres")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod common;

use common::pg::{database, server};
use common::{RoundRobin, active, spawner, write_keeps_live_lease};

use std::sync::Arc;
use std::time::Duration;

use connector_core::testing::behaviour::{
    QueueFixture, StoreFixture, queue_contract, store_contract,
};
use connector_core::{CheckQueue, Connection, ConnectionStore, Timestamp, from_unix_millis};
use connector_store::{DataKey, LocalKeyProvider, PostgresConnectionStore};
use sqlx::Executor as _;

async fn connect(url: &str) -> PostgresConnectionStore {
    let keys = LocalKeyProvider::new("k1", DataKey::new([7; 32])).unwrap();
    PostgresConnectionStore::connect(url, Arc::new(keys))
        .await
        .unwrap()
}

fn ms(seconds: i64) -> std::time::SystemTime {
    from_unix_millis(seconds * 1_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_queue_passes_the_queue_contract() {
    let Some(admin) = server() else { return };
    let url = database(&admin, "queue_contract").await;
    let store = Arc::new(connect(&url).await);
    let report = queue_contract(&QueueFixture::new(store.clone()))
        .await
        .unwrap();
    assert_eq!(report.checks.len(), 8, "{:?}", report.checks);
    // Beside today's records, with the workers in parallel.
    store_contract(&StoreFixture::new(store.clone()).with_prefix("product"))
        .await
        .unwrap();
    let fixture = QueueFixture::new(store)
        .with_spawner(spawner())
        .with_prefix("parallel");
    queue_contract(&fixture).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_through_two_pools_on_one_database_are_exclusive() {
    let Some(admin) = server() else { return };
    let url = database(&admin, "queue_two_pools").await;
    let (first, second) = (connect(&url).await, connect(&url).await);
    let both = Arc::new(RoundRobin::new(vec![Arc::new(first), Arc::new(second)]));
    let fixture = QueueFixture::new(both.clone()).with_spawner(spawner());
    queue_contract(&fixture).await.unwrap();
    queue_contract(&fixture.with_prefix("again")).await.unwrap();
    assert!(both.calls() > 100, "the pools were barely used");
}

#[tokio::test]
async fn a_postgres_compare_and_swap_leaves_a_live_lease_alone() {
    let Some(admin) = server() else { return };
    let url = database(&admin, "queue_lease").await;
    let store = connect(&url).await;
    let c = active(&store, "acme").await;
    write_keeps_live_lease(&store, &c).await;
}

/// The schema of migration 1, as databases created before the schedule have it.
const MIGRATION_1: &str = r#"CREATE TABLE connector_store_migrations (version BIGINT PRIMARY KEY);
    CREATE TABLE connector_connections (
        id TEXT COLLATE "C" PRIMARY KEY,
        state TEXT NOT NULL,
        account_id TEXT,
        revision BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        state_since BIGINT NOT NULL,
        sealed BYTEA NOT NULL
    );
    CREATE INDEX connector_connections_by_state ON connector_connections (state, id);
    INSERT INTO connector_store_migrations (version) VALUES (1);"#;

#[tokio::test]
async fn a_postgres_database_at_migration_1_is_upgraded_and_its_checked_connections_are_due() {
    let Some(admin) = server() else { return };
    // Records sealed by today's store, copied row by row into a database at migration 1.
    let source = connect(&database(&admin, "queue_upgrade_source").await).await;
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
    let url = database(&admin, "queue_upgrade").await;
    let old = sqlx::PgPool::connect(&url).await.unwrap();
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

    let store = connect(&url).await;
    let (version,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM connector_store_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(version, 2);
    assert_eq!(
        store.get(checked.id()).await.unwrap().as_ref(),
        Some(&checked)
    );
    assert_eq!(store.queue_stats(ms(1_800_000_100)).await.unwrap().due(), 1);
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
    assert_eq!(claims[0].due(), ms(checked.updated_at().0));
    // A second pool applies nothing twice.
    let again = connect(&url).await;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM connector_store_migrations")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(count, 2);
}
