//! The [`Directory`]: who may call the server and what they may touch. Tenants, their API
//! keys (stored as SHA-256 digests), per-connection access grants, and onboarding-page
//! tokens. One object-safe trait with its implementations: [`InMemoryDirectory`] (tests,
//! `--simulate`), [`SqliteDirectory`] (tables `connector_server_*`, beside the
//! connection store's) and, with the `postgres` feature, `PostgresDirectory` (the same
//! tables in a PostgreSQL database that several server instances share). The operations
//! built on it (issue, authenticate and rotate keys; issue and check page tokens; resolve a
//! key's access) live in [`keys`] and work the same on every implementation; the behaviour
//! every implementation owes is checked by `connector_server::testing::directory_contract`
//! (feature `testing`).

mod columns;
mod grant;
mod invalid;
mod key_record;
pub mod keys;
mod memory;
mod page_token;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;
mod types;

pub use grant::Grant;
pub use invalid::InvalidRecord;
pub use key_record::{KeyRecord, KeyRecordBuilder};
pub use memory::InMemoryDirectory;
pub use page_token::PageTokenRecord;
#[cfg(feature = "postgres")]
pub use postgres::PostgresDirectory;
pub use sqlite::SqliteDirectory;
pub use types::{Access, ConnectionName, Grantee, InvalidName, TenantId};

use connector_core::BoxFuture;

/// The directory could not answer (backend unreachable, a record unreadable, the random
/// source failed). Callers fail closed: no answer is never "allowed".
///
/// ```
/// use connector_server::directory::DirectoryError;
/// let error = DirectoryError::new("connection refused");
/// assert_eq!(error.message(), "connection refused");
/// assert_eq!(error.to_string(), "the directory is unavailable: connection refused");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the directory is unavailable: {message}")]
pub struct DirectoryError {
    message: String,
}

impl DirectoryError {
    /// The error, described by `message` (never a secret: it is logged and may be shown).
    pub fn new(message: impl Into<String>) -> DirectoryError {
        DirectoryError {
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Storage of tenants, keys, grants and page tokens. Implementations only store; the rules
/// (hashing, expiry, constant-time comparison, access resolution) are in [`keys`].
pub trait Directory: Send + Sync + std::fmt::Debug {
    /// Adds a tenant (no error when it exists).
    fn add_tenant<'a>(&'a self, tenant: &'a TenantId) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// True when the tenant exists.
    fn has_tenant<'a>(
        &'a self,
        tenant: &'a TenantId,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>>;

    /// Stores a new key record. An id already stored (live or revoked) is an error, and the
    /// stored record stays as it was.
    fn insert_key<'a>(&'a self, key: &'a KeyRecord) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// The key with this id, exactly as stored (teams in their order, label, times).
    fn key<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, DirectoryError>>;

    /// Marks the key revoked at `at` (Unix seconds); true when it existed and was live. A key
    /// revoked before keeps its first `revoked_at` (the answer is false); an unknown id is
    /// false, not an error.
    fn revoke_key<'a>(
        &'a self,
        id: &'a str,
        at: u64,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>>;

    /// Sets (or with `None` removes) the grant of `grantee` on `connection` of `tenant`: at
    /// most one grant per tenant, connection and grantee, a new level replacing the old;
    /// removing a grant that does not exist is no error.
    fn set_grant<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: &'a ConnectionName,
        grantee: &'a Grantee,
        access: Option<Access>,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// The grants in `tenant` (never another tenant's) to any of `grantees` (a key and a team
    /// of the same name are different grantees), on `connection` only when given (exactly
    /// that name, not names it is a prefix of); in no particular order.
    fn grants<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: Option<&'a ConnectionName>,
        grantees: &'a [Grantee],
    ) -> BoxFuture<'a, Result<Vec<Grant>, DirectoryError>>;

    /// Stores a page token record. An id already stored is an error, and the stored record
    /// stays as it was.
    fn insert_page_token<'a>(
        &'a self,
        token: &'a PageTokenRecord,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// The page token with this id.
    fn page_token<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PageTokenRecord>, DirectoryError>>;

    /// Answers when the backend is reachable (`/readyz`).
    fn ping(&self) -> BoxFuture<'_, Result<(), DirectoryError>>;
}
