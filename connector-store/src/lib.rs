//! Durable [`ConnectionStore`](connector_core::ConnectionStore)s for `connector-core`: SQLite
//! (feature `sqlite`, the embedded default), Postgres (feature `postgres`) and DynamoDB
//! (feature `dynamodb`), each passing the store behaviour suite in `connector_core::testing`;
//! data keys from a local master key or AWS KMS (feature `kms`).
//!
//! Every record is sealed with envelope encryption before it reaches the database: the whole
//! connection (role ARN, External IDs, diagnosis text) is encrypted with AES-256-GCM under a
//! data key from a [`KeyProvider`], with the record's id and revision as associated data, so
//! a database backup reveals neither role ARNs nor External IDs, and a sealed record copied
//! into another row, or altered by one byte, is refused on read
//! ([`ConnectorError::CorruptRecord`](connector_core::ConnectorError::CorruptRecord)). Only
//! what the stores query by stays in clear: id, state, account, revision and times.
//!
//! The SQL stores implement [`CheckQueue`](connector_core::CheckQueue), the health-check
//! schedule a fleet of workers shares: three more clear columns on `connector_connections`
//! (migration 2, applied on open to older databases), `due_at` (when the next check is due),
//! `lease_owner` and `lease_until` (which worker holds the connection, until when), all in
//! Unix milliseconds, and a partial index `connector_connections_due` on `(due_at, id) WHERE
//! due_at IS NOT NULL` for the claim. Postgres claims with `FOR UPDATE SKIP LOCKED` in one
//! statement, SQLite inside `BEGIN IMMEDIATE`, so claims from several processes never hand
//! out one connection twice. [`AnyStore`] dispatches to them.
//!
//! TLS to Postgres goes through rustls, chosen in the URL:
//! `postgres://user:password@host/db?sslmode=verify-full&sslrootcert=/path/ca.pem` checks the
//! server's certificate against that root (the public web roots without `sslrootcert`) and
//! its name (the public web roots are Mozilla's, from `webpki-roots`); `verify-ca` checks
//! the chain only; `require` encrypts without checking (as `verify-ca` when `sslrootcert` is
//! given); a certificate that does not check out is
//! [`StoreUnavailable`](connector_core::ConnectorError::StoreUnavailable).
//!
//! The DynamoDB store keeps the health-check schedule
//! ([`CheckQueue`](connector_core::CheckQueue)) in the same items: `due_at` (Unix
//! milliseconds) and `due_shard` (`"0"` to `"15"`, a stable hash of the id) while the
//! connection is health-checked, `lease_owner` and `lease_until` while a worker holds it, and
//! a sparse global secondary index `by_due` (partition key `due_shard`, sort key `due_at`, the
//! lease attributes projected) that workers claim from with conditional writes. Tables made
//! before it get the index from `create_table` or `ensure_schedule_index`, and their
//! connections a due time from `schedule_existing`.
//!
//! ```
//! use std::sync::Arc;
//! use connector_core::{Connection, ConnectionStore, Timestamp};
//! use connector_store::{LocalKeyProvider, SqliteConnectionStore};
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("connections.db");
//! # unsafe { std::env::set_var("CONNECTOR_STORE_KEYS", "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="); }
//! // The master key comes from a file or the environment (`ID:BASE64`, 32 random bytes).
//! let keys = Arc::new(LocalKeyProvider::from_env("CONNECTOR_STORE_KEYS")?);
//! let store: Arc<dyn ConnectionStore> = Arc::new(SqliteConnectionStore::open(&path, keys).await?);
//! let c = Connection::builder("acme".parse()?, "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?).build(Timestamp(0))?;
//! store.create(&c).await?;
//! # drop(store);
//! // A backup of the file holds no External ID (nor role ARN).
//! assert!(!String::from_utf8_lossy(&std::fs::read(&path)?).contains("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

#[cfg(any(feature = "dynamodb", feature = "kms"))]
mod aws_errors;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "dynamodb"))]
mod columns;
mod crypto;
#[cfg(feature = "dynamodb")]
mod dynamodb;
#[cfg(feature = "kms")]
mod kms;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "dynamodb"))]
mod rekey;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "dynamodb"))]
mod url;

pub use crypto::{
    DataKey, Envelope, KEY_LEN, KeyCacheLimits, KeyError, KeyProvider, LocalKeyProvider, WrappedKey,
};
#[cfg(feature = "dynamodb")]
pub use dynamodb::DynamoDbConnectionStore;
#[cfg(feature = "dynamodb")]
pub use dynamodb::table::{TABLE_CLOUDFORMATION_YAML, TABLE_TERRAFORM};
#[cfg(feature = "kms")]
pub use kms::KmsKeyProvider;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "dynamodb"))]
pub use rekey::RekeyReport;
#[cfg(feature = "postgres")]
pub use sql::postgres::PostgresConnectionStore;
#[cfg(feature = "sqlite")]
pub use sql::sqlite::{SqliteConnectionStore, SqliteOptions};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "dynamodb"))]
pub use url::{AnyStore, StoreUrl};
