//! A connection as a DynamoDB item: the clear attributes the table is keyed and indexed by,
//! the sealed record as a binary attribute, and (while health-checked) the schedule's
//! attributes ([`schedule`](super::schedule)); and the `UpdateItem` that rewrites a record
//! without touching its due time or lease.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use connector_core::{Connection, ConnectorError};

use super::schedule::{DUE_AT, DUE_SHARD, due_shard, joins_at};
use crate::columns::Columns;

/// An item's attributes.
pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) const ID: &str = "id";
pub(crate) const STATE: &str = "state";
pub(crate) const ACCOUNT: &str = "account_id";
pub(crate) const REVISION: &str = "revision";
pub(crate) const SEALED: &str = "sealed";

pub(crate) const CREATED_AT: &str = "created_at";
pub(crate) const UPDATED_AT: &str = "updated_at";
pub(crate) const STATE_SINCE: &str = "state_since";

/// The item a new `connection` is created as, with `sealed` its sealed record: due at its
/// update time when it is health-checked.
pub(crate) fn item(connection: &Connection, sealed: Vec<u8>) -> Result<Item, ConnectorError> {
    let columns = Columns::of(connection)?;
    let mut item = HashMap::new();
    if connection.is_health_checked() {
        item.insert(
            DUE_AT.to_owned(),
            AttributeValue::N(joins_at(columns.updated_at).to_string()),
        );
        item.insert(
            DUE_SHARD.to_owned(),
            AttributeValue::S(due_shard(&columns.id)),
        );
    }
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
        CREATED_AT.to_owned(),
        AttributeValue::N(columns.created_at.to_string()),
    );
    item.insert(
        UPDATED_AT.to_owned(),
        AttributeValue::N(columns.updated_at.to_string()),
    );
    item.insert(
        STATE_SINCE.to_owned(),
        AttributeValue::N(columns.state_since.to_string()),
    );
    item.insert(SEALED.to_owned(), AttributeValue::B(Blob::new(sealed)));
    Ok(item)
}

/// An `UpdateItem` expression with its attribute names and values.
#[derive(Debug, Default)]
pub(crate) struct Update {
    pub(crate) expression: String,
    pub(crate) names: HashMap<String, String>,
    pub(crate) values: HashMap<String, AttributeValue>,
}

/// The update that writes `connection`'s record over the stored one and keeps the schedule's
/// rule: a health-checked record keeps its due time (`if_not_exists`: due at its update time
/// when it had none) and its shard; any other leaves the schedule (`REMOVE`). The lease
/// attributes are not named, so a live lease survives. Every attribute name goes through a
/// placeholder (`state` is a DynamoDB reserved word).
pub(crate) fn record_update(
    connection: &Connection,
    sealed: Vec<u8>,
) -> Result<Update, ConnectorError> {
    let columns = Columns::of(connection)?;
    let mut update = Update::default();
    let mut set: Vec<String> = Vec::new();
    let mut remove: Vec<&str> = Vec::new();
    let mut put = |update: &mut Update, name: &str, value: AttributeValue| {
        update.names.insert(format!("#{name}"), name.to_owned());
        update.values.insert(format!(":{name}"), value);
        set.push(format!("#{name} = :{name}"));
    };
    put(
        &mut update,
        STATE,
        AttributeValue::S(columns.state.to_owned()),
    );
    put(
        &mut update,
        REVISION,
        AttributeValue::N(columns.revision.to_string()),
    );
    put(
        &mut update,
        CREATED_AT,
        AttributeValue::N(columns.created_at.to_string()),
    );
    put(
        &mut update,
        UPDATED_AT,
        AttributeValue::N(columns.updated_at.to_string()),
    );
    put(
        &mut update,
        STATE_SINCE,
        AttributeValue::N(columns.state_since.to_string()),
    );
    put(&mut update, SEALED, AttributeValue::B(Blob::new(sealed)));
    match columns.account_id {
        Some(account) => put(&mut update, ACCOUNT, AttributeValue::S(account)),
        None => remove.push(ACCOUNT),
    }
    if connection.is_health_checked() {
        put(
            &mut update,
            DUE_SHARD,
            AttributeValue::S(due_shard(&columns.id)),
        );
        update.names.insert(format!("#{DUE_AT}"), DUE_AT.to_owned());
        update.values.insert(
            ":joins_at".to_owned(),
            AttributeValue::N(joins_at(columns.updated_at).to_string()),
        );
        set.push(format!("#{DUE_AT} = if_not_exists(#{DUE_AT}, :joins_at)"));
    } else {
        remove.extend([DUE_AT, DUE_SHARD]);
    }
    for name in &remove {
        update.names.insert(format!("#{name}"), (*name).to_owned());
    }
    update.expression = format!("SET {}", set.join(", "));
    if !remove.is_empty() {
        let removed: Vec<String> = remove.iter().map(|n| format!("#{n}")).collect();
        update
            .expression
            .push_str(&format!(" REMOVE {}", removed.join(", ")));
    }
    Ok(update)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests may panic")]
    use super::*;
    use connector_core::{ConnectionEvent, Timestamp};

    fn pending() -> Connection {
        Connection::builder("acme".parse().unwrap(), "ext-id-123".parse().unwrap())
            .build(Timestamp(1_800_000_000))
            .unwrap()
    }

    fn verifying() -> Connection {
        pending()
            .apply(
                ConnectionEvent::RoleSubmitted {
                    role_arn: "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
                },
                Timestamp(1_800_000_005),
            )
            .unwrap()
    }

    #[test]
    fn record_updates_never_name_the_lease() {
        for connection in [pending(), verifying()] {
            let update = record_update(&connection, vec![1, 2, 3]).unwrap();
            let named: Vec<&String> = update.names.values().collect();
            assert!(
                !named.iter().any(|n| n.starts_with("lease")),
                "{}: {named:?}",
                update.expression
            );
        }
    }

    #[test]
    fn a_health_checked_record_keeps_its_due_time_and_joins_at_its_update_time() {
        let update = record_update(&verifying(), vec![1]).unwrap();
        assert!(
            update
                .expression
                .contains("#due_at = if_not_exists(#due_at, :joins_at)"),
            "{}",
            update.expression
        );
        assert_eq!(
            update.values[":joins_at"],
            AttributeValue::N("1800000005000".into())
        );
        assert!(!update.expression.contains("REMOVE #due_at"));
        let created = item(&verifying(), vec![1]).unwrap();
        assert_eq!(created[DUE_AT], AttributeValue::N("1800000005000".into()));
        assert_eq!(created[DUE_SHARD], AttributeValue::S(due_shard("acme")));
    }

    #[test]
    fn a_record_not_health_checked_leaves_the_schedule() {
        let update = record_update(&pending(), vec![1]).unwrap();
        assert!(
            update
                .expression
                .ends_with("REMOVE #account_id, #due_at, #due_shard"),
            "{}",
            update.expression
        );
        let created = item(&pending(), vec![1]).unwrap();
        assert!(!created.contains_key(DUE_AT) && !created.contains_key(DUE_SHARD));
    }
}
