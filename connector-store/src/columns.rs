//! What every store keeps in clear beside the sealed record (id, state, account, revision,
//! times), and the check that a record read back agrees with it (a clear column edited to
//! hide a connection from a listing, say, makes the record corrupt, not silently wrong).

use connector_core::{Connection, ConnectorError};

/// The columns stored in clear.
#[derive(Debug)]
pub(crate) struct Columns {
    pub(crate) id: String,
    pub(crate) state: &'static str,
    pub(crate) account_id: Option<String>,
    pub(crate) revision: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) state_since: i64,
}

/// A revision as the databases store it (a signed 64-bit integer).
pub(crate) fn revision_column(revision: u64) -> Result<i64, ConnectorError> {
    i64::try_from(revision).map_err(|_| {
        ConnectorError::invalid(
            "revision",
            &revision.to_string(),
            "a stored revision is at most 2^63 - 1",
        )
    })
}

impl Columns {
    pub(crate) fn of(connection: &Connection) -> Result<Columns, ConnectorError> {
        Ok(Columns {
            id: connection.id().as_str().to_owned(),
            state: connection.state().name(),
            account_id: connection.account_id().map(|a| a.as_str().to_owned()),
            revision: revision_column(connection.revision())?,
            created_at: connection.created_at().0,
            updated_at: connection.updated_at().0,
            state_since: connection.state_since().0,
        })
    }
}

/// The stored revision of a record, which must not be negative.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn stored_revision(id: &str, revision: i64) -> Result<u64, ConnectorError> {
    u64::try_from(revision).map_err(|_| ConnectorError::CorruptRecord {
        connection: id.to_owned(),
        detail: format!("the stored revision {revision} is negative"),
    })
}

/// Checks the opened record against the clear columns stored beside it.
pub(crate) fn check_agrees(
    connection: &Connection,
    state: &str,
    account_id: Option<&str>,
) -> Result<(), ConnectorError> {
    let agrees = connection.state().name() == state
        && connection.account_id().map(|a| a.as_str()) == account_id;
    if agrees {
        Ok(())
    } else {
        Err(ConnectorError::CorruptRecord {
            connection: connection.id().as_str().to_owned(),
            detail: "the clear columns (state, account) disagree with the sealed record".to_owned(),
        })
    }
}
