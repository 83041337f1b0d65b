//! [`PostgresDirectory`]: the [`Directory`] in PostgreSQL tables `connector_server_*`, in
//! the connection store's database (the pool of connector-store's `PostgresConnectionStore`,
//! so one database and one TLS configuration) or one of its own. Several server instances
//! behind a load balancer share it. The tables are made with `CREATE TABLE IF NOT EXISTS`
//! inside one transaction holding an advisory lock, so instances starting together do not
//! race each other's DDL. TLS goes through rustls, the workspace's one TLS stack, as the
//! store's does.

use std::time::Duration;

use connector_core::BoxFuture;
use sqlx::Executor as _;
use sqlx::Row as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};

use super::columns::{KeyColumns, PageTokenColumns, grant_parts, teams_text, to_i64};
use super::{
    Access, ConnectionName, Directory, DirectoryError, Grant, Grantee, KeyRecord, PageTokenRecord,
    TenantId,
};

/// The tables, each made when missing (in the connection's `search_path` schema).
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS connector_server_tenants (id TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS connector_server_keys (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash BYTEA NOT NULL,
        label TEXT NOT NULL, teams TEXT NOT NULL, default_access TEXT,
        may_create BOOLEAN NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)",
    "CREATE TABLE IF NOT EXISTS connector_server_grants (
        tenant TEXT NOT NULL, connection TEXT NOT NULL, grantee TEXT NOT NULL,
        access TEXT NOT NULL, PRIMARY KEY (tenant, connection, grantee))",
    "CREATE TABLE IF NOT EXISTS connector_server_page_tokens (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, connection TEXT NOT NULL,
        hash BYTEA NOT NULL, expires_at BIGINT NOT NULL)",
];

/// The advisory lock the table creation takes: concurrent `CREATE TABLE IF NOT EXISTS` of
/// one table can fail with a unique violation in the catalog, so instances take turns. Not
/// the connection store's migration lock, so the two never wait on each other.
const SCHEMA_LOCK: i64 = 0x636f_6e6e_6469_7201;

const URL_RULE: &str =
    "a Postgres URL is postgres://user[:password]@host[:port]/database[?sslmode=…]";

/// A [`Directory`] in PostgreSQL.
///
/// ```no_run
/// use connector_server::directory::PostgresDirectory;
/// # async fn run(store_pool: &sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
/// // The connection store's pool (connector-store's `PostgresConnectionStore::pool`):
/// // one database, one TLS configuration.
/// let directory = PostgresDirectory::with_pool(store_pool.clone()).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresDirectory {
    pool: PgPool,
}

/// A driver error, described without bind values (sqlx never puts them in its errors) and
/// without the URL.
fn failed(error: sqlx::Error) -> DirectoryError {
    DirectoryError::new(match &error {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("database error {code}: {}", db.message()),
            None => format!("database error: {}", db.message()),
        },
        sqlx::Error::PoolTimedOut => "no database connection became free in time".to_owned(),
        sqlx::Error::PoolClosed => "the connection pool is closed".to_owned(),
        sqlx::Error::Io(e) => format!("i/o error talking to the database: {e}"),
        sqlx::Error::Tls(e) => format!("TLS error talking to the database: {e}"),
        sqlx::Error::Configuration(_) => {
            format!("the database connection is misconfigured ({URL_RULE})")
        }
        other => other.to_string(),
    })
}

/// An insert that may have hit the primary key: `what` with this id exists.
fn on_insert(error: sqlx::Error, what: &str) -> DirectoryError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            DirectoryError::new(format!("a {what} with this id exists"))
        }
        _ => failed(error),
    }
}

/// The URL's password as written and percent-decoded, to scrub from messages.
fn passwords(url: &str) -> Vec<String> {
    let Some(password) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_owned))
    else {
        return Vec::new();
    };
    let decoded = decode_percent(&password);
    let mut all = vec![password];
    all.extend(decoded);
    all.retain(|p| !p.is_empty());
    all
}

fn decode_percent(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let high = char::from(bytes.next()?).to_digit(16)?;
            let low = char::from(bytes.next()?).to_digit(16)?;
            out.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// `error` with every form of `url`'s password replaced.
fn scrubbed(mut error: DirectoryError, url: &str) -> DirectoryError {
    for password in passwords(url) {
        error = DirectoryError::new(error.message().replace(&password, "…"));
    }
    error
}

impl PostgresDirectory {
    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`; TLS with
    /// `sslmode=require`, `verify-ca` or `verify-full` and `sslrootcert=PATH`) with a pool of
    /// 5 connections, and makes the tables when missing. No error repeats the password.
    pub async fn connect(url: &str) -> Result<PostgresDirectory, DirectoryError> {
        let options: PgConnectOptions = url.parse().map_err(|_| {
            DirectoryError::new(format!("the directory URL is not valid: {URL_RULE}"))
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| scrubbed(failed(e), url))?;
        PostgresDirectory::with_pool(pool)
            .await
            .map_err(|e| scrubbed(e, url))
    }

    /// Uses `pool` (the connection store's, say: `PostgresConnectionStore::pool`), making
    /// the tables when missing.
    pub async fn with_pool(pool: PgPool) -> Result<PostgresDirectory, DirectoryError> {
        let mut tx = pool.begin().await.map_err(failed)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        for statement in SCHEMA {
            tx.execute(*statement).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(PostgresDirectory { pool })
    }

    /// The pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn key_record(row: &PgRow) -> Result<KeyRecord, DirectoryError> {
    KeyColumns {
        id: row.try_get("id").map_err(failed)?,
        tenant: row.try_get("tenant").map_err(failed)?,
        hash: row.try_get("hash").map_err(failed)?,
        label: row.try_get("label").map_err(failed)?,
        teams: row.try_get("teams").map_err(failed)?,
        default_access: row.try_get("default_access").map_err(failed)?,
        may_create: row.try_get("may_create").map_err(failed)?,
        created_at: row.try_get("created_at").map_err(failed)?,
        revoked_at: row.try_get("revoked_at").map_err(failed)?,
    }
    .record()
}

fn page_token_record(row: &PgRow) -> Result<PageTokenRecord, DirectoryError> {
    PageTokenColumns {
        id: row.try_get("id").map_err(failed)?,
        tenant: row.try_get("tenant").map_err(failed)?,
        connection: row.try_get("connection").map_err(failed)?,
        hash: row.try_get("hash").map_err(failed)?,
        expires_at: row.try_get("expires_at").map_err(failed)?,
    }
    .record()
}

impl Directory for PostgresDirectory {
    fn add_tenant<'a>(&'a self, tenant: &'a TenantId) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO connector_server_tenants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING",
            )
            .bind(tenant.as_str())
            .execute(&self.pool)
            .await
            .map_err(failed)?;
            Ok(())
        })
    }

    fn has_tenant<'a>(
        &'a self,
        tenant: &'a TenantId,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT 1 FROM connector_server_tenants WHERE id = $1")
                .bind(tenant.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
            Ok(row.is_some())
        })
    }

    fn insert_key<'a>(&'a self, key: &'a KeyRecord) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO connector_server_keys
                 (id, tenant, hash, label, teams, default_access, may_create, created_at, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(key.id())
            .bind(key.tenant().as_str())
            .bind(key.hash().as_bytes().as_slice())
            .bind(key.label())
            .bind(teams_text(key.teams())?)
            .bind(key.default_access().map(Access::name))
            .bind(key.may_create())
            .bind(to_i64(key.created_at()))
            .bind(key.revoked_at().map(to_i64))
            .execute(&self.pool)
            .await
            .map_err(|e| on_insert(e, "key"))?;
            Ok(())
        })
    }

    fn key<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, DirectoryError>> {
        Box::pin(async move {
            sqlx::query(
                "SELECT id, tenant, hash, label, teams, default_access, may_create, created_at, revoked_at
                 FROM connector_server_keys WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?
            .as_ref()
            .map(key_record)
            .transpose()
        })
    }

    fn revoke_key<'a>(
        &'a self,
        id: &'a str,
        at: u64,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE connector_server_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(to_i64(at))
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(failed)?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn set_grant<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: &'a ConnectionName,
        grantee: &'a Grantee,
        access: Option<Access>,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let query = match access {
                Some(access) => sqlx::query(
                    "INSERT INTO connector_server_grants (tenant, connection, grantee, access)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (tenant, connection, grantee) DO UPDATE SET access = excluded.access",
                )
                .bind(tenant.as_str())
                .bind(connection.as_str())
                .bind(grantee.encode())
                .bind(access.name()),
                None => sqlx::query(
                    "DELETE FROM connector_server_grants
                     WHERE tenant = $1 AND connection = $2 AND grantee = $3",
                )
                .bind(tenant.as_str())
                .bind(connection.as_str())
                .bind(grantee.encode()),
            };
            query.execute(&self.pool).await.map_err(failed)?;
            Ok(())
        })
    }

    fn grants<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: Option<&'a ConnectionName>,
        grantees: &'a [Grantee],
    ) -> BoxFuture<'a, Result<Vec<Grant>, DirectoryError>> {
        Box::pin(async move {
            if grantees.is_empty() {
                return Ok(Vec::new());
            }
            let encoded: Vec<String> = grantees.iter().map(Grantee::encode).collect();
            let rows = sqlx::query(
                "SELECT connection, grantee, access FROM connector_server_grants
                 WHERE tenant = $1 AND grantee = ANY($2)
                   AND ($3::TEXT IS NULL OR connection = $3)
                 ORDER BY connection, grantee",
            )
            .bind(tenant.as_str())
            .bind(&encoded)
            .bind(connection.map(ConnectionName::as_str))
            .fetch_all(&self.pool)
            .await
            .map_err(failed)?;
            let mut found = Vec::with_capacity(rows.len());
            for row in rows {
                let name: String = row.try_get("connection").map_err(failed)?;
                let grantee: String = row.try_get("grantee").map_err(failed)?;
                let access: String = row.try_get("access").map_err(failed)?;
                let (connection, access) = grant_parts(tenant, &name, &access)?;
                let grantee = Grantee::decode(&grantee).ok_or_else(|| {
                    super::columns::corrupt("grant", "invalid grantee: key:ID or team:NAME")
                })?;
                found.push(Grant::new(connection, grantee, access));
            }
            Ok(found)
        })
    }

    fn insert_page_token<'a>(
        &'a self,
        token: &'a PageTokenRecord,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO connector_server_page_tokens (id, tenant, connection, hash, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token.id())
            .bind(token.tenant().as_str())
            .bind(token.connection().as_str())
            .bind(token.hash().as_bytes().as_slice())
            .bind(to_i64(token.expires_at()))
            .execute(&self.pool)
            .await
            .map_err(|e| on_insert(e, "page token"))?;
            Ok(())
        })
    }

    fn page_token<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PageTokenRecord>, DirectoryError>> {
        Box::pin(async move {
            sqlx::query(
                "SELECT id, tenant, connection, hash, expires_at
                 FROM connector_server_page_tokens WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?
            .as_ref()
            .map(page_token_record)
            .transpose()
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), DirectoryError>> {
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&self.pool)
                .await
                .map_err(failed)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_scrubbed_as_written_and_decoded() {
        let url = "postgres://app:p%40ss%2Fw0rd@db.internal/connector";
        let error = DirectoryError::new("auth for p%40ss%2Fw0rd, or p@ss/w0rd, failed");
        let shown = scrubbed(error, url).to_string();
        assert!(
            !shown.contains("p@ss/w0rd") && !shown.contains("p%40ss"),
            "{shown}"
        );
        assert_eq!(passwords("postgres://app@db/x"), Vec::<String>::new());
        assert_eq!(decode_percent("%zz"), None);
    }
}
