//! `PostgresConnectionStore`: a pool for fleets of workers. Ids are ordered byte-wise
//! (`COLLATE "C"`), as every store orders them, whatever the database's locale; migrations
//! run inside one transaction under an advisory lock, so workers starting together apply
//! them once. TLS (`sslmode=require` or `verify-full` in the URL) goes through rustls, the
//! workspace's one TLS stack.

use std::sync::Arc;
use std::time::Duration;

use connector_core::ConnectorError;
use sqlx::Executor as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::errors::unavailable;
use crate::{Envelope, KeyProvider};

/// The schema, by version; each runs once, in order.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"CREATE TABLE connector_connections (
        id TEXT COLLATE "C" PRIMARY KEY,
        state TEXT NOT NULL,
        account_id TEXT,
        revision BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        state_since BIGINT NOT NULL,
        sealed BYTEA NOT NULL
    );
    CREATE INDEX connector_connections_by_state ON connector_connections (state, id);"#,
    ),
    (
        2,
        // The health-check schedule (`CheckQueue`): when each connection is next due and
        // who holds its lease until when, in Unix milliseconds. Existing connections in a
        // checked state become due at their last update. A vendor-disconnected one
        // (`disconnected` with a DisconnectRequested diagnosis) is scheduled too: the state
        // is in clear but the diagnosis is sealed, so SQL cannot tell it from a
        // connection the customer broke; the worker's first claim opens the record and
        // finishes with no next due time, which takes it off the schedule.
        r#"ALTER TABLE connector_connections
            ADD COLUMN due_at BIGINT,
            ADD COLUMN lease_owner TEXT,
            ADD COLUMN lease_until BIGINT;
        UPDATE connector_connections SET due_at = updated_at * 1000
            WHERE state IN ('verifying', 'active', 'degraded', 'disconnected');
        CREATE INDEX connector_connections_due ON connector_connections (due_at, id)
            WHERE due_at IS NOT NULL;"#,
    ),
];

/// The advisory lock key migrations take (any constant; the text's hash is not needed).
const MIGRATION_LOCK: i64 = 0x636f_6e6e_6563_746f;

/// Connections in Postgres, sealed by an [`Envelope`].
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_store::{LocalKeyProvider, PostgresConnectionStore};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let keys = Arc::new(LocalKeyProvider::from_env("CONNECTOR_STORE_KEYS")?);
/// let store = PostgresConnectionStore::connect("postgres://connector@db.internal/connector?sslmode=verify-full", keys).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresConnectionStore {
    pool: PgPool,
    envelope: Arc<Envelope>,
}

impl PostgresConnectionStore {
    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`) with a
    /// pool of 10 connections, and applies the migrations.
    pub async fn connect(
        url: &str,
        keys: Arc<dyn KeyProvider>,
    ) -> Result<PostgresConnectionStore, ConnectorError> {
        PostgresConnectionStore::connect_with(url, Arc::new(Envelope::new(keys))).await
    }

    /// Connects as [`connect`](Self::connect) does, sealing with `envelope`.
    pub async fn connect_with(
        url: &str,
        envelope: Arc<Envelope>,
    ) -> Result<PostgresConnectionStore, ConnectorError> {
        let options: PgConnectOptions = url.parse().map_err(|_| {
            // The URL may hold a password: it is not quoted back.
            ConnectorError::invalid(
                "store URL",
                "postgres://…",
                "a Postgres URL is postgres://user[:password]@host[:port]/database[?sslmode=…]",
            )
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(unavailable)?;
        PostgresConnectionStore::with_pool(pool, envelope).await
    }

    /// A store over a pool the caller configured, and its envelope; applies the migrations.
    pub async fn with_pool(
        pool: PgPool,
        envelope: Arc<Envelope>,
    ) -> Result<PostgresConnectionStore, ConnectorError> {
        migrate(&pool).await?;
        Ok(PostgresConnectionStore { pool, envelope })
    }

    /// The pool, for tests and operators.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn migrate(pool: &PgPool) -> Result<(), ConnectorError> {
    let mut tx = pool.begin().await.map_err(unavailable)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS connector_store_migrations (version BIGINT PRIMARY KEY)",
    )
    .await
    .map_err(unavailable)?;
    let (applied,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM connector_store_migrations")
            .fetch_one(&mut *tx)
            .await
            .map_err(unavailable)?;
    for (version, statements) in MIGRATIONS {
        if *version <= applied {
            continue;
        }
        tx.execute(*statements).await.map_err(unavailable)?;
        sqlx::query("INSERT INTO connector_store_migrations (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
    }
    tx.commit().await.map_err(unavailable)
}

impl PostgresConnectionStore {
    /// Leases the due connections in one statement: the candidates are locked with
    /// `FOR UPDATE SKIP LOCKED` (rows another worker's claim is locking are passed over,
    /// not waited for; a row whose lease was just taken is re-checked against the condition
    /// once locked and dropped), and the old lease is read from the locked row.
    async fn claim_now(
        &self,
        worker: &connector_core::WorkerId,
        window: super::queue::ClaimWindow,
    ) -> Result<Vec<super::queue::ClaimedRow>, ConnectorError> {
        sqlx::query_as(
            "WITH c AS ( \
                 SELECT id, due_at, lease_until FROM connector_connections \
                 WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) \
                 ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
             UPDATE connector_connections AS t SET lease_owner = $3, lease_until = $4 \
             FROM c WHERE t.id = c.id \
             RETURNING t.id, c.due_at, c.lease_until",
        )
        .bind(window.now)
        .bind(window.limit)
        .bind(worker.as_str())
        .bind(window.until)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }
}

sql_store!(PostgresConnectionStore, sqlx::Postgres);
sql_queue!(PostgresConnectionStore);
