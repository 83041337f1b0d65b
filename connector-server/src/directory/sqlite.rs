//! [`SqliteDirectory`]: the [`Directory`] in SQLite tables `connector_server_*`, in the
//! connection store's database file or one of its own.

use std::path::Path;

use connector_core::BoxFuture;
use sqlx::Row as _;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use super::columns::{KeyColumns, PageTokenColumns, grant_parts, teams_text, to_i64};
use super::{
    Access, ConnectionName, Directory, DirectoryError, Grant, Grantee, KeyRecord, PageTokenRecord,
    TenantId,
};

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS connector_server_tenants (id TEXT PRIMARY KEY NOT NULL)",
    "CREATE TABLE IF NOT EXISTS connector_server_keys (
        id TEXT PRIMARY KEY NOT NULL, tenant TEXT NOT NULL, hash BLOB NOT NULL,
        label TEXT NOT NULL, teams TEXT NOT NULL, default_access TEXT,
        may_create INTEGER NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS connector_server_grants (
        tenant TEXT NOT NULL, connection TEXT NOT NULL, grantee TEXT NOT NULL,
        access TEXT NOT NULL, PRIMARY KEY (tenant, connection, grantee))",
    "CREATE TABLE IF NOT EXISTS connector_server_page_tokens (
        id TEXT PRIMARY KEY NOT NULL, tenant TEXT NOT NULL, connection TEXT NOT NULL,
        hash BLOB NOT NULL, expires_at INTEGER NOT NULL)",
];

/// A [`Directory`] in SQLite.
#[derive(Debug, Clone)]
pub struct SqliteDirectory {
    pool: SqlitePool,
}

fn failed(e: impl std::fmt::Display) -> DirectoryError {
    DirectoryError::new(e.to_string())
}

impl SqliteDirectory {
    /// Opens (creating when missing) the database at `path` and its tables.
    pub async fn open(path: &Path) -> Result<SqliteDirectory, DirectoryError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(failed)?;
        SqliteDirectory::with_pool(pool).await
    }

    /// Uses `pool` (the connection store's, say), creating the tables when missing.
    pub async fn with_pool(pool: SqlitePool) -> Result<SqliteDirectory, DirectoryError> {
        for statement in SCHEMA {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .map_err(failed)?;
        }
        Ok(SqliteDirectory { pool })
    }

    async fn key_row(&self, id: &str) -> Result<Option<KeyRecord>, DirectoryError> {
        let Some(row) = sqlx::query(
            "SELECT id, tenant, hash, label, teams, default_access, may_create, created_at, revoked_at
             FROM connector_server_keys WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?
        else {
            return Ok(None);
        };
        KeyColumns {
            id: row.try_get("id").map_err(failed)?,
            tenant: row.try_get("tenant").map_err(failed)?,
            hash: row.try_get("hash").map_err(failed)?,
            label: row.try_get("label").map_err(failed)?,
            teams: row.try_get("teams").map_err(failed)?,
            default_access: row.try_get("default_access").map_err(failed)?,
            may_create: row.try_get::<i64, _>("may_create").map_err(failed)? != 0,
            created_at: row.try_get("created_at").map_err(failed)?,
            revoked_at: row.try_get("revoked_at").map_err(failed)?,
        }
        .record()
        .map(Some)
    }
}

impl Directory for SqliteDirectory {
    fn add_tenant<'a>(&'a self, tenant: &'a TenantId) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            sqlx::query("INSERT OR IGNORE INTO connector_server_tenants (id) VALUES (?)")
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
            let row = sqlx::query("SELECT 1 FROM connector_server_tenants WHERE id = ?")
                .bind(tenant.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
            Ok(row.is_some())
        })
    }

    fn insert_key<'a>(&'a self, key: &'a KeyRecord) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let teams = teams_text(key.teams())?;
            sqlx::query(
                "INSERT INTO connector_server_keys
                 (id, tenant, hash, label, teams, default_access, may_create, created_at, revoked_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(key.id())
            .bind(key.tenant().as_str())
            .bind(key.hash().as_bytes().as_slice())
            .bind(key.label())
            .bind(teams)
            .bind(key.default_access().map(Access::name))
            .bind(i64::from(key.may_create()))
            .bind(to_i64(key.created_at()))
            .bind(key.revoked_at().map(to_i64))
            .execute(&self.pool)
            .await
            .map_err(failed)?;
            Ok(())
        })
    }

    fn key<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, DirectoryError>> {
        Box::pin(self.key_row(id))
    }

    fn revoke_key<'a>(
        &'a self,
        id: &'a str,
        at: u64,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE connector_server_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
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
                     VALUES (?, ?, ?, ?)
                     ON CONFLICT (tenant, connection, grantee) DO UPDATE SET access = excluded.access",
                )
                .bind(tenant.as_str())
                .bind(connection.as_str())
                .bind(grantee.encode())
                .bind(access.name()),
                None => sqlx::query(
                    "DELETE FROM connector_server_grants WHERE tenant = ? AND connection = ? AND grantee = ?",
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
            let mut found = Vec::new();
            for grantee in grantees {
                let rows = match connection {
                    Some(connection) => sqlx::query(
                        "SELECT connection, access FROM connector_server_grants
                         WHERE tenant = ? AND grantee = ? AND connection = ?",
                    )
                    .bind(tenant.as_str())
                    .bind(grantee.encode())
                    .bind(connection.as_str()),
                    None => sqlx::query(
                        "SELECT connection, access FROM connector_server_grants
                         WHERE tenant = ? AND grantee = ?",
                    )
                    .bind(tenant.as_str())
                    .bind(grantee.encode()),
                }
                .fetch_all(&self.pool)
                .await
                .map_err(failed)?;
                for row in rows {
                    let name: String = row.try_get("connection").map_err(failed)?;
                    let access: String = row.try_get("access").map_err(failed)?;
                    let (connection, access) = grant_parts(tenant, &name, &access)?;
                    found.push(Grant::new(connection, grantee.clone(), access));
                }
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
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(token.id())
            .bind(token.tenant().as_str())
            .bind(token.connection().as_str())
            .bind(token.hash().as_bytes().as_slice())
            .bind(to_i64(token.expires_at()))
            .execute(&self.pool)
            .await
            .map_err(failed)?;
            Ok(())
        })
    }

    fn page_token<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PageTokenRecord>, DirectoryError>> {
        Box::pin(async move {
            let Some(row) = sqlx::query(
                "SELECT id, tenant, connection, hash, expires_at FROM connector_server_page_tokens WHERE id = ?",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?
            else {
                return Ok(None);
            };
            PageTokenColumns {
                id: row.try_get("id").map_err(failed)?,
                tenant: row.try_get("tenant").map_err(failed)?,
                connection: row.try_get("connection").map_err(failed)?,
                hash: row.try_get("hash").map_err(failed)?,
                expires_at: row.try_get("expires_at").map_err(failed)?,
            }
            .record()
            .map(Some)
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
