//! `SqliteConnectionStore`: one file, no server; the embedded default. WAL mode (readers
//! never wait for the writer), a busy timeout (writers from several processes queue instead
//! of failing), and migrations applied on open inside `BEGIN IMMEDIATE`, so two processes
//! opening a new file at once do not race.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use connector_core::ConnectorError;
use sqlx::Executor as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::errors::unavailable;
use crate::{Envelope, KeyProvider};

/// The schema, by version; each runs once, in order.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE connector_connections (
        id TEXT PRIMARY KEY NOT NULL,
        state TEXT NOT NULL,
        account_id TEXT,
        revision INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        state_since INTEGER NOT NULL,
        sealed BLOB NOT NULL
    ) STRICT;
    CREATE INDEX connector_connections_by_state ON connector_connections (state, id);",
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
        "ALTER TABLE connector_connections ADD COLUMN due_at INTEGER;
        ALTER TABLE connector_connections ADD COLUMN lease_owner TEXT;
        ALTER TABLE connector_connections ADD COLUMN lease_until INTEGER;
        UPDATE connector_connections SET due_at = updated_at * 1000
            WHERE state IN ('verifying', 'active', 'degraded', 'disconnected');
        CREATE INDEX connector_connections_due ON connector_connections (due_at, id)
            WHERE due_at IS NOT NULL;",
    ),
];

/// Settings for [`SqliteConnectionStore::open_with`].
///
/// ```
/// use std::time::Duration;
/// use connector_store::SqliteOptions;
/// let options = SqliteOptions::new("/var/lib/vendor/connections.db")
///     .with_busy_timeout(Duration::from_secs(10))
///     .with_max_connections(4);
/// assert_eq!(options.max_connections(), 4);
/// ```
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    path: PathBuf,
    busy_timeout: Duration,
    max_connections: u32,
}

impl SqliteOptions {
    /// The database file (created when missing), a 5 s busy timeout, 4 connections.
    pub fn new(path: impl Into<PathBuf>) -> SqliteOptions {
        SqliteOptions {
            path: path.into(),
            busy_timeout: Duration::from_secs(5),
            max_connections: 4,
        }
    }

    /// How long a writer waits for another process's write before failing (retryably).
    pub fn with_busy_timeout(mut self, busy_timeout: Duration) -> Self {
        self.busy_timeout = busy_timeout;
        self
    }

    /// The pool size (at least 1).
    pub fn with_max_connections(mut self, max_connections: u32) -> Self {
        self.max_connections = max_connections.max(1);
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The pool size.
    pub fn max_connections(&self) -> u32 {
        self.max_connections
    }
}

/// Connections in a SQLite file, sealed by an [`Envelope`]. Safe for several processes on
/// one machine (not on a network file system, where SQLite's locks are unreliable).
///
/// ```
/// use std::sync::Arc;
/// use connector_core::{Connection, ConnectionStore, Timestamp};
/// use connector_store::{LocalKeyProvider, SqliteConnectionStore};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// # let dir = tempfile::tempdir()?;
/// let keys = Arc::new(LocalKeyProvider::generate("k1")?);
/// let store = SqliteConnectionStore::open(dir.path().join("connections.db"), keys).await?;
/// let c = Connection::builder("acme".parse()?, "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?).build(Timestamp(0))?;
/// store.create(&c).await?;
/// assert_eq!(store.get(c.id()).await?, Some(c));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SqliteConnectionStore {
    pool: SqlitePool,
    envelope: Arc<Envelope>,
}

impl SqliteConnectionStore {
    /// Opens (creating it when missing) the database at `path`, with default settings.
    pub async fn open(
        path: impl Into<PathBuf>,
        keys: Arc<dyn KeyProvider>,
    ) -> Result<SqliteConnectionStore, ConnectorError> {
        SqliteConnectionStore::open_with(SqliteOptions::new(path), Arc::new(Envelope::new(keys)))
            .await
    }

    /// Opens with explicit settings and envelope.
    pub async fn open_with(
        options: SqliteOptions,
        envelope: Arc<Envelope>,
    ) -> Result<SqliteConnectionStore, ConnectorError> {
        let connect = SqliteConnectOptions::new()
            .filename(&options.path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.busy_timeout.max(Duration::from_secs(1)))
            .connect_with(connect)
            .await
            .map_err(unavailable)?;
        migrate(&pool).await?;
        Ok(SqliteConnectionStore { pool, envelope })
    }

    /// Closes the pool (waiting for connections in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The pool, for tests and operators (e.g. a backup with `VACUUM INTO`).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

async fn migrate(pool: &SqlitePool) -> Result<(), ConnectorError> {
    let mut conn = pool.acquire().await.map_err(unavailable)?;
    conn.execute("BEGIN IMMEDIATE").await.map_err(unavailable)?;
    let result = apply_migrations(&mut conn).await;
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.execute(end).await.map_err(unavailable);
    result.and(ended.map(|_| ()))
}

async fn apply_migrations(conn: &mut sqlx::SqliteConnection) -> Result<(), ConnectorError> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS connector_store_migrations (
            version INTEGER PRIMARY KEY NOT NULL
        ) STRICT",
    )
    .await
    .map_err(unavailable)?;
    let applied: Option<(i64,)> =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM connector_store_migrations")
            .fetch_optional(&mut *conn)
            .await
            .map_err(unavailable)?;
    let applied = applied.map_or(0, |(v,)| v);
    for (version, statements) in MIGRATIONS {
        if *version <= applied {
            continue;
        }
        conn.execute(*statements).await.map_err(unavailable)?;
        sqlx::query("INSERT INTO connector_store_migrations (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *conn)
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

impl SqliteConnectionStore {
    /// Leases the due connections inside one `BEGIN IMMEDIATE` transaction: it takes the
    /// database's write lock before reading (a plain `BEGIN` would read first and could not
    /// upgrade once another connection wrote, in WAL mode), so claims from every pool and
    /// process on the file are serialized, and the old lease is read under the same lock.
    async fn claim_now(
        &self,
        worker: &connector_core::WorkerId,
        window: super::queue::ClaimWindow,
    ) -> Result<Vec<super::queue::ClaimedRow>, ConnectorError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)?;
        let rows: Vec<super::queue::ClaimedRow> = sqlx::query_as(
            "SELECT id, due_at, lease_until FROM connector_connections \
             WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) \
             ORDER BY due_at, id LIMIT $2",
        )
        .bind(window.now)
        .bind(window.limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        for (id, _, _) in &rows {
            sqlx::query(
                "UPDATE connector_connections SET lease_owner = $1, lease_until = $2 WHERE id = $3",
            )
            .bind(worker.as_str())
            .bind(window.until)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        }
        // Dropped without a commit (an error above, a cancelled future), it rolls back.
        tx.commit().await.map_err(unavailable)?;
        Ok(rows)
    }
}

sql_store!(SqliteConnectionStore, sqlx::Sqlite);
sql_queue!(SqliteConnectionStore);
