//! Driver errors in the store's taxonomy: a unique violation on create is `AlreadyExists`;
//! everything the backend fails with (connection lost, pool exhausted, database busy or shut
//! down, a failed statement) is `StoreUnavailable`, which is retryable and loses nothing,
//! because every write is a single conditional statement that either happened or did not.

use connector_core::ConnectorError;

/// A backend failure, described without bind values (sqlx never puts them in its errors).
pub(crate) fn unavailable(error: sqlx::Error) -> ConnectorError {
    ConnectorError::StoreUnavailable {
        message: describe(&error),
    }
}

/// A create that may have hit the primary key.
pub(crate) fn on_create(error: sqlx::Error, id: &str) -> ConnectorError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            ConnectorError::AlreadyExists(id.to_owned())
        }
        _ => unavailable(error),
    }
}

fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("database error {code}: {}", db.message()),
            None => format!("database error: {}", db.message()),
        },
        sqlx::Error::PoolTimedOut => "no database connection became free in time".to_owned(),
        sqlx::Error::PoolClosed => "the connection pool is closed".to_owned(),
        sqlx::Error::Io(e) => format!("i/o error talking to the database: {e}"),
        sqlx::Error::Tls(e) => format!("TLS error talking to the database: {e}"),
        other => other.to_string(),
    }
}
