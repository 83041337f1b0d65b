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
const MIGRATIONS: &[(i64, &str)] = &[(
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
)];

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

sql_store!(PostgresConnectionStore, sqlx::Postgres);
