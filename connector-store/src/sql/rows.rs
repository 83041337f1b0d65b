//! A connection as a SQL row: the columns a row is selected with.

/// A row as read back: what it says in clear, and the sealed record.
pub(crate) type Row = (String, i64, String, Option<String>, Vec<u8>);

/// The columns a row is selected with, in [`Row`]'s order.
pub(crate) const ROW_COLUMNS: &str = "id, revision, state, account_id, sealed";
