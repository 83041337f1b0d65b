//! The Postgres store against a real server (started by `scripts/test`, which exports
//! `CONNECTOR_TEST_POSTGRES_URL` and `CONNECTOR_TEST_POSTGRES_RESTART`): the behaviour suite,
//! encryption at rest, rekey, and a server restarted in the middle of concurrent writes. Each
//! test works in its own database. Without a server the tests print SKIPPED and return.

#![cfg(feature = "postgres")]
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

use common::pg::{database, server};
use common::{EXTERNAL_ID, Writers, active, spawner};

use std::sync::Arc;
use std::time::Duration;

use connector_core::testing::behaviour::{Corruptor, StoreFixture, store_contract};
use connector_core::{ConnectionId, ConnectionStore, ConnectorError};
use connector_store::{DataKey, LocalKeyProvider, PostgresConnectionStore};

fn keys(id: &str, byte: u8) -> Arc<LocalKeyProvider> {
    Arc::new(LocalKeyProvider::new(id, DataKey::new([byte; 32])).unwrap())
}

fn corruptor(store: PostgresConnectionStore) -> Corruptor {
    Arc::new(move |id: &ConnectionId| {
        let store = store.clone();
        let id = id.as_str().to_owned();
        Box::pin(async move {
            sqlx::query(
                "UPDATE connector_connections \
                 SET sealed = overlay(sealed placing '\\x00'::bytea from length(sealed)) WHERE id = $1",
            )
            .bind(&id)
            .execute(store.pool())
            .await
            .unwrap();
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_store_passes_the_behaviour_suite() {
    let Some(admin) = server() else { return };
    let url = database(&admin, "contract").await;
    let store = PostgresConnectionStore::connect(&url, keys("k1", 7))
        .await
        .unwrap();
    let interleaved = StoreFixture::new(Arc::new(store.clone()))
        .with_corruptor(corruptor(store.clone()))
        .with_prefix("interleaved");
    let report = store_contract(&interleaved).await.unwrap();
    assert!(report.checks.contains(&"corrupt_record"));
    assert!(report.skipped.is_empty());
    // The corrupted record stays behind (it lists as corrupt): the next run gets a clean
    // database.
    let url = database(&admin, "contract_parallel").await;
    let store = PostgresConnectionStore::connect(&url, keys("k1", 7))
        .await
        .unwrap();
    let parallel = StoreFixture::new(Arc::new(store.clone()))
        .with_spawner(spawner())
        .with_prefix("parallel")
        .with_writers(8, 100);
    store_contract(&parallel).await.unwrap();
    // A second pool on the same database (another worker) applies no migration twice.
    PostgresConnectionStore::connect(&url, keys("k1", 7))
        .await
        .unwrap();
}

#[tokio::test]
async fn postgres_rows_hold_no_identifier_and_a_moved_record_is_refused() {
    let Some(admin) = server() else { return };
    let url = database(&admin, "sealed").await;
    let store = PostgresConnectionStore::connect(&url, keys("k1", 7))
        .await
        .unwrap();
    let victim = active(&store, "victim").await;
    active(&store, "attacker").await;
    let (dump,): (String,) = sqlx::query_as(
        "SELECT string_agg(id || state || coalesce(account_id, '') || encode(sealed, 'escape'), '') \
         FROM connector_connections",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(!dump.contains(EXTERNAL_ID) && !dump.contains("VendorReadOnly"));
    sqlx::query(
        "UPDATE connector_connections SET sealed = \
         (SELECT sealed FROM connector_connections WHERE id = 'attacker') WHERE id = 'victim'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store.get(victim.id()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::CorruptRecord { .. }), "{err}");
}

#[tokio::test]
async fn postgres_rekey_round_trips() {
    let Some(admin) = server() else { return };
    let url = database(&admin, "rekey").await;
    let old = PostgresConnectionStore::connect(&url, keys("k1", 7))
        .await
        .unwrap();
    let c = active(&old, "acme").await;
    old.close().await;
    let rotated = Arc::new(
        LocalKeyProvider::new("k2", DataKey::new([9; 32]))
            .unwrap()
            .with_retired("k1", DataKey::new([7; 32]))
            .unwrap(),
    );
    let store = PostgresConnectionStore::connect(&url, rotated)
        .await
        .unwrap();
    assert_eq!(store.rekey().await.unwrap().records_rewritten(), 1);
    store.close().await;
    let new_only = PostgresConnectionStore::connect(&url, keys("k2", 9))
        .await
        .unwrap();
    assert_eq!(new_only.get(c.id()).await.unwrap(), Some(c));
}

/// Writers keep updating one connection while the server restarts: every update a writer saw
/// succeed is in the final revision, the failures in between are typed and retryable, and
/// the record reads back intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_restart_mid_write_loses_no_update_and_fails_retryably() {
    let Some(admin) = server() else { return };
    let Ok(restart) = std::env::var("CONNECTOR_TEST_POSTGRES_RESTART") else {
        eprintln!("SKIPPED: CONNECTOR_TEST_POSTGRES_RESTART is unset (scripts/test sets it)");
        return;
    };
    let url = database(&admin, "restart").await;
    let store = Arc::new(
        PostgresConnectionStore::connect(&url, keys("k1", 7))
            .await
            .unwrap(),
    );
    let c = active(store.as_ref(), "acme").await;
    let base = c.revision();
    let writers = Writers::start(
        store.clone(),
        c.id(),
        4,
        ConnectorError::is_retryable,
        Duration::from_millis(20),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before_restart = writers.succeeded();
    // Hold the row's lock so that the writers' updates are waiting in the server when it
    // goes down: their statements are cut off for certain (a restart between two writes
    // would only close idle connections, which the pool replaces without an error).
    let mut blocker = store.pool().begin().await.unwrap();
    sqlx::query("SELECT id FROM connector_connections WHERE id = $1 FOR UPDATE")
        .bind(c.id().as_str())
        .fetch_one(&mut *blocker)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(&restart)
        .status()
        .await
        .unwrap();
    assert!(status.success(), "the restart command failed");
    // Its connection died with the server: the rollback on drop has nowhere to go.
    drop(blocker);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (ok, errors) = writers.stop().await;
    assert!(
        before_restart > 0,
        "no write went through before the restart"
    );
    assert!(
        ok > before_restart,
        "no write went through after the restart"
    );
    assert!(errors > 0, "the restart was not noticed by any writer");
    let last = store.get(c.id()).await.unwrap().unwrap();
    // Every acknowledged update is there; at most the failed ones may have landed too (a
    // commit whose answer was lost with the connection), never more.
    assert!(
        last.revision() >= base + ok,
        "lost an update: {} < {}",
        last.revision(),
        base + ok
    );
    assert!(last.revision() <= base + ok + errors);
}

#[tokio::test]
async fn a_stopped_server_is_a_retryable_error() {
    // An address nothing listens on: what a worker sees while the database is down.
    let keys = keys("k1", 7);
    let err = PostgresConnectionStore::connect("postgres://postgres@127.0.0.1:9/none", keys)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::StoreUnavailable { .. }),
        "{err}"
    );
    assert!(err.is_retryable());
    let err = PostgresConnectionStore::connect("not a url", self::keys("k1", 7))
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("not a url") || err.to_string().contains("store URL"));
}
