//! A connection as a row: the clear columns taken from the record, and the checks that a
//! row read back agrees with its sealed record (a clear column edited to hide a connection
//! from a listing, say, makes the row corrupt, not silently wrong).

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

/// A row as read back: what it says in clear, and the sealed record.
pub(crate) type Row = (String, i64, String, Option<String>, Vec<u8>);

/// The columns a row is selected with, in [`Row`]'s order.
pub(crate) const ROW_COLUMNS: &str = "id, revision, state, account_id, sealed";

/// The stored revision of a row, which must not be negative.
pub(crate) fn stored_revision(id: &str, revision: i64) -> Result<u64, ConnectorError> {
    u64::try_from(revision).map_err(|_| ConnectorError::CorruptRecord {
        connection: id.to_owned(),
        detail: format!("the stored revision {revision} is negative"),
    })
}

/// Checks the opened record against the row's clear columns.
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
            detail: "the row's clear columns (state, account) disagree with its sealed record"
                .to_owned(),
        })
    }
}
