//! The SQL stores (SQLite and Postgres, through sqlx): one table, `connector_connections`,
//! holding in clear only what is queried (id, state, account, revision, times) and the
//! sealed record; compare-and-swap as `UPDATE … WHERE id = $1 AND revision = $2`; embedded
//! migrations applied on open under a lock, so several processes may open one database at
//! once.
//!
//! Both drivers take the same statements (`$N` placeholders); only the schema and the
//! migration lock differ, so the store is written once (`sql_store!` in `store.rs`)
//! and instantiated per driver.

pub(crate) mod errors;
#[macro_use]
pub(crate) mod queue;
pub(crate) mod rows;
#[macro_use]
pub(crate) mod store;

#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

/// The table's name.
pub(crate) const TABLE: &str = "connector_connections";
