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
    CheckQueue, Connection, ConnectionEvent, ConnectionStore, ConnectorError, Timestamp, WorkerId,
    from_unix_millis,
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
    // Disconnected by the vendor, and removed: neither is health-checked.
    let mut gone = Vec::new();
    for (id, event) in [
        ("vendor-off", ConnectionEvent::DisconnectRequested),
        ("removed", ConnectionEvent::RemoveRequested),
    ] {
        let c = active(&source, id).await;
        let next = c.apply(event, Timestamp(1_800_000_050)).unwrap();
        source.compare_and_swap(c.revision(), &next).await.unwrap();
        assert!(!next.is_health_checked());
        gone.push(next);
    }
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
    assert_eq!(stats.due(), 2);
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
    // The vendor-disconnected one is due too (its diagnosis, which tells it from a
    // connection the customer broke, is sealed); pending and removed ones are not.
    assert_eq!(claimed, ["acme", "vendor-off"]);
    // Due at their last update, in milliseconds.
    assert_eq!(claims[0].due(), ms(checked.updated_at().0));
    assert_eq!(claims[1].due(), ms(gone[0].updated_at().0));
    // The worker opens it, sees it is not health-checked, and finishes with no next due
    // time: it leaves the schedule for good; the other is rescheduled.
    store.finish(claims[1].lease(), None).await.unwrap();
    store
        .finish(claims[0].lease(), Some(ms(1_800_000_500)))
        .await
        .unwrap();
    let later = store
        .claim_due(
            &"worker-a".parse().unwrap(),
            ms(1_900_000_000),
            Duration::from_secs(60),
            10,
        )
        .await
        .unwrap();
    let claimed: Vec<&str> = later.iter().map(|c| c.id().as_str()).collect();
    assert_eq!(claimed, ["acme"]);
    // Opened again, nothing is migrated twice.
    drop(store);
    let again = open(&path).await;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM connector_store_migrations")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn any_store_from_a_sqlite_url_keeps_the_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let url: connector_store::StoreUrl = format!("sqlite:{}", dir.path().join("c.db").display())
        .parse()
        .unwrap();
    let keys = LocalKeyProvider::new("k1", DataKey::new([7; 32])).unwrap();
    let store = connector_store::AnyStore::open(&url, Arc::new(keys))
        .await
        .unwrap();
    let fixture = QueueFixture::new(Arc::new(store)).with_spawner(spawner());
    queue_contract(&fixture).await.unwrap();
}

#[tokio::test]
async fn queue_stats_over_an_unknown_stored_state_is_a_corrupt_record_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("c.db")).await;
    active(&store, "acme").await;
    sqlx::query("UPDATE connector_connections SET state = 'hacked' WHERE id = 'acme'")
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.queue_stats(ms(1_800_000_100)).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::CorruptRecord { connection, .. } if connection == "acme"),
        "{err}"
    );
}

/// The database file a [`claim_worker_process`] child claims from (set only for children).
const CHILD_DB: &str = "CONNECTOR_QUEUE_CHILD_DB";

/// The body of the child processes of
/// [`claims_from_three_processes_on_one_file_are_exclusive`]: run only when that test starts
/// this test binary with `--ignored --exact claim_worker_process` and [`CHILD_DB`] set; it
/// waits for the common start time, claims until nothing is due, and prints each claim.
#[tokio::test]
#[ignore = "a child process of claims_from_three_processes_on_one_file_are_exclusive"]
async fn claim_worker_process() {
    let path = std::env::var(CHILD_DB).expect("started by the parent test");
    let worker: WorkerId = std::env::var("CONNECTOR_QUEUE_CHILD_WORKER")
        .unwrap()
        .parse()
        .unwrap();
    let start: u64 = std::env::var("CONNECTOR_QUEUE_CHILD_START")
        .unwrap()
        .parse()
        .unwrap();
    let store = open(Path::new(&path)).await;
    let now_ms = connector_core::unix_millis(std::time::SystemTime::now());
    let wait = u64::try_from(i64::try_from(start).unwrap() - now_ms).unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(wait)).await;
    loop {
        let claims = store
            .claim_due(&worker, ms(1_800_000_100), Duration::from_secs(600), 7)
            .await
            .unwrap();
        if claims.is_empty() {
            break;
        }
        for claim in claims {
            println!("CLAIMED {}", claim.id());
        }
    }
}

/// Three processes (this test binary, started again) claim from one file at the same
/// moment: no connection is claimed twice, and together they claim every due one.
#[tokio::test]
async fn claims_from_three_processes_on_one_file_are_exclusive() {
    const COUNT: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = open(&path).await;
    for i in 0..COUNT {
        let pending = Connection::builder(
            format!("proc-{i:03}").parse().unwrap(),
            common::EXTERNAL_ID.parse().unwrap(),
        )
        .build(Timestamp(1_800_000_000))
        .unwrap();
        store.create(&pending).await.unwrap();
        let verifying = pending
            .apply(
                ConnectionEvent::RoleSubmitted {
                    role_arn: common::ROLE.parse().unwrap(),
                },
                Timestamp(1_800_000_010),
            )
            .unwrap();
        store.compare_and_swap(0, &verifying).await.unwrap();
    }
    store.close().await;
    let start = connector_core::unix_millis(std::time::SystemTime::now()) + 1_500;
    let children: Vec<_> = (0..3)
        .map(|w| {
            tokio::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "claim_worker_process",
                    "--nocapture",
                ])
                .env(CHILD_DB, &path)
                .env("CONNECTOR_QUEUE_CHILD_WORKER", format!("process-{w}"))
                .env("CONNECTOR_QUEUE_CHILD_START", start.to_string())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut claimed: Vec<String> = Vec::new();
    let mut per_process = Vec::new();
    for child in children {
        let out = child.wait_with_output().await.unwrap();
        assert!(out.status.success(), "a claiming process failed");
        let mine: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix("CLAIMED ").map(str::to_owned))
            .collect();
        per_process.push(mine.len());
        claimed.extend(mine);
    }
    let total = claimed.len();
    claimed.sort();
    claimed.dedup();
    assert_eq!(
        total,
        claimed.len(),
        "{} connections were claimed by two processes",
        total - claimed.len()
    );
    assert_eq!(claimed.len(), COUNT, "claims per process: {per_process:?}");
    eprintln!("claims per process: {per_process:?}");
}

#[tokio::test]
async fn queue_calls_on_a_locked_or_closed_database_are_retryable_and_claim_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let keys = LocalKeyProvider::new("k1", DataKey::new([7; 32])).unwrap();
    let store = SqliteConnectionStore::open_with(
        connector_store::SqliteOptions::new(&path).with_busy_timeout(Duration::from_millis(200)),
        Arc::new(connector_store::Envelope::new(Arc::new(keys))),
    )
    .await
    .unwrap();
    let c = active(&store, "acme").await;
    let worker: WorkerId = "worker-a".parse().unwrap();
    // Another process holds the write lock past the busy timeout.
    let holder = open(&path).await;
    let mut lock = holder.pool().acquire().await.unwrap();
    lock.execute("BEGIN IMMEDIATE").await.unwrap();
    let err = store
        .claim_due(&worker, ms(1_800_000_100), Duration::from_secs(60), 10)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::StoreUnavailable { .. }) && err.is_retryable(),
        "{err}"
    );
    lock.execute("ROLLBACK").await.unwrap();
    drop(lock);
    // Nothing was leased by the failed claim: it is claimed now, once.
    let claims = store
        .claim_due(&worker, ms(1_800_000_100), Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    assert!(!claims[0].taken_over());
    store.close().await;
    let unavailable = |e: ConnectorError| matches!(e, ConnectorError::StoreUnavailable { .. });
    assert!(unavailable(
        store
            .claim_due(&worker, ms(1_800_000_100), Duration::from_secs(60), 10)
            .await
            .unwrap_err()
    ));
    assert!(unavailable(
        store.finish(claims[0].lease(), None).await.unwrap_err()
    ));
    assert!(unavailable(
        store
            .request_check(c.id(), ms(1_800_000_100))
            .await
            .unwrap_err()
    ));
    assert!(unavailable(
        store.queue_stats(ms(1_800_000_100)).await.unwrap_err()
    ));
}
