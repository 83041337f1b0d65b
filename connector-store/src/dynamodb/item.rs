//! A connection as a DynamoDB item: the clear attributes the table is keyed and indexed by,
//! and the sealed record as a binary attribute.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use connector_core::{Connection, ConnectorError};

use crate::columns::Columns;

/// An item's attributes.
pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) const ID: &str = "id";
pub(crate) const STATE: &str = "state";
pub(crate) const ACCOUNT: &str = "account_id";
pub(crate) const REVISION: &str = "revision";
pub(crate) const SEALED: &str = "sealed";

/// The item for `connection`, with `sealed` its sealed record.
pub(crate) fn item(connection: &Connection, sealed: Vec<u8>) -> Result<Item, ConnectorError> {
    let columns = Columns::of(connection)?;
    let mut item = HashMap::new();
    item.insert(ID.to_owned(), AttributeValue::S(columns.id));
    item.insert(
        STATE.to_owned(),
        AttributeValue::S(columns.state.to_owned()),
    );
    if let Some(account) = columns.account_id {
        item.insert(ACCOUNT.to_owned(), AttributeValue::S(account));
    }
    item.insert(
        REVISION.to_owned(),
        AttributeValue::N(columns.revision.to_string()),
    );
    item.insert(
        "created_at".to_owned(),
        AttributeValue::N(columns.created_at.to_string()),
    );
    item.insert(
        "updated_at".to_owned(),
        AttributeValue::N(columns.updated_at.to_string()),
    );
    item.insert(
        "state_since".to_owned(),
        AttributeValue::N(columns.state_since.to_string()),
    );
    item.insert(SEALED.to_owned(), AttributeValue::B(Blob::new(sealed)));
    Ok(item)
}

/// What an item read back says in clear, and its sealed record.
#[derive(Debug)]
pub(crate) struct Stored {
    pub(crate) id: String,
    pub(crate) revision: u64,
    pub(crate) state: String,
    pub(crate) account_id: Option<String>,
    pub(crate) sealed: Vec<u8>,
}

fn corrupt(id: &str, detail: &str) -> ConnectorError {
    ConnectorError::CorruptRecord {
        connection: id.to_owned(),
        detail: detail.to_owned(),
    }
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// Reads an item's attributes; a missing or mistyped one is a corrupt record.
pub(crate) fn stored(item: &Item) -> Result<Stored, ConnectorError> {
    let id = text(item, ID).ok_or_else(|| corrupt("(unknown)", "the item has no string id"))?;
    let revision = item
        .get(REVISION)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| corrupt(id, "the item's revision is not a non-negative integer"))?;
    let state = text(item, STATE).ok_or_else(|| corrupt(id, "the item has no string state"))?;
    let sealed = item
        .get(SEALED)
        .and_then(|v| v.as_b().ok())
        .ok_or_else(|| corrupt(id, "the item has no binary sealed record"))?;
    Ok(Stored {
        id: id.to_owned(),
        revision,
        state: state.to_owned(),
        account_id: text(item, ACCOUNT).map(str::to_owned),
        sealed: sealed.as_ref().to_vec(),
    })
}
