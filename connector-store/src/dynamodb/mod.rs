//! `DynamoDbConnectionStore`: connections in a DynamoDB table, for AWS-native vendors.
//! Create is a conditional `PutItem` (`attribute_not_exists(id)`); compare-and-swap is a
//! conditional `UpdateItem` on `revision` that rewrites the record's attributes and leaves
//! the health-check schedule's lease alone (a `PutItem` would replace the whole item and
//! drop a worker's lease); reads of one connection are strongly consistent; listings query
//! the `by_state` index state by state (all six when the query names none) and merge the
//! answers by id, paging through `LastEvaluatedKey`. The health-check schedule
//! ([`CheckQueue`](connector_core::CheckQueue)) lives in the same items and a sparse, sharded
//! `by_due` index: see `schedule.rs`, `queue.rs` and `table.rs`.
//!
//! AWS semantics worth knowing: global secondary indexes are eventually consistent ("a
//! query on a global secondary index can return stale data", Amazon DynamoDB Developer
//! Guide, *Read consistency for global secondary indexes*), so a listing may miss a
//! connection created or moved a moment ago, and a connection that just became due may be
//! claimed a moment late; a later query finds it. `get` and every write are strongly
//! consistent and conditional, so no update is lost and no connection is leased twice.
//!
//! The tests run on moto 5.2.5, which enforces the conditions this store relies on
//! (`ConditionalCheckFailedException` on a stale revision, `attribute_not_exists` on create,
//! the claim's `due_at = :seen AND (attribute_not_exists(lease_until) OR lease_until <= :now)`,
//! the finish's `lease_owner = :w AND lease_until = :until`, `UPDATED_OLD` return values, a
//! key condition `due_at <= :now` on an index's sort key, `INCLUDE` projections and
//! `UpdateTable` adding an index), and KMS refuses a data key asked for under another
//! encryption context. One thing moto does not do: its threaded server checks an
//! `UpdateItem`'s condition and applies the update without a lock, so two concurrent
//! conditional updates of one item can both succeed there (DynamoDB applies a conditional
//! write atomically). The tests that race writers run on a moto serving one request at a time
//! (`tests/serial_moto.py`).

mod item;
mod join;
mod migrate;
mod queue;
mod schedule;
pub(crate) mod table;

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use connector_core::{
    BoxFuture, Connection, ConnectionId, ConnectionState, ConnectionStore, ConnectorError,
    ListQuery, Page,
};

use crate::aws_errors::describe;
use crate::columns::{check_agrees, revision_column};
use crate::{Envelope, KeyProvider, RekeyReport};
use item::{Item, Stored};

fn unavailable(message: String) -> ConnectorError {
    ConnectorError::StoreUnavailable { message }
}

/// Connections in a DynamoDB table keyed by `id`, with a `by_state` global secondary index
/// (partition key `state`, sort key `id`, every attribute projected) that listings query state
/// by state and merge by id (eventually consistent, as every GSI: a connection created a
/// moment ago may be missing from a listing, never from `get`), and the health-check
/// schedule's sparse `by_due` index (partition key `due_shard`, one of 16 values hashed from
/// the id so no index partition is hot; sort key `due_at`, Unix milliseconds; the lease
/// attributes `lease_owner` and `lease_until` projected), which
/// [`CheckQueue`](connector_core::CheckQueue) claims from with conditional writes.
///
/// [`queue_stats`](connector_core::CheckQueue::queue_stats) reads indexes only, never the
/// table: per shard, the part of `by_due` due by then (how many due, the oldest, how many
/// leased, from each entry's due time and lease); per state, a `Select=COUNT` query of
/// `by_state`. A count costs the read units of the entries it counts ("a `Query` consumes the
/// same amount of read capacity, regardless of whether a filter expression is present";
/// `Select=COUNT` saves the transfer, not the reads), and `by_state` holds whole items, so
/// each call reads about the table's size in index entries: half a read unit per 4 KB.
/// Calling it every few seconds suits a fleet of thousands; on a large one call it less
/// often. `leased` counts the live leases on connections due by then (every lease, unless a
/// worker's clock runs ahead of the caller's, or the connection left the schedule while
/// leased; the in-memory store counts those too).
///
/// For a table created before the schedule existed, see
/// [`ensure_schedule_index`](Self::ensure_schedule_index) and
/// [`schedule_existing`](Self::schedule_existing). See
/// [`TABLE_CLOUDFORMATION_YAML`](crate::TABLE_CLOUDFORMATION_YAML) /
/// [`TABLE_TERRAFORM`](crate::TABLE_TERRAFORM) to create it. Records are sealed by an
/// [`Envelope`].
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_store::{DynamoDbConnectionStore, Envelope, KmsKeyProvider};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
/// let keys = Arc::new(KmsKeyProvider::new(aws_sdk_kms::Client::new(&config), "alias/connector-store")?);
/// let store = DynamoDbConnectionStore::new(
///     aws_sdk_dynamodb::Client::new(&config),
///     "connector-connections",
///     Arc::new(Envelope::new(keys)),
/// );
/// store.create_table().await?; // once, or from the CloudFormation / Terraform snippet
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct DynamoDbConnectionStore {
    client: Client,
    table: String,
    envelope: Arc<Envelope>,
}

impl DynamoDbConnectionStore {
    /// A store over `table` (which must exist: [`create_table`](Self::create_table)).
    pub fn new(
        client: Client,
        table: impl Into<String>,
        envelope: Arc<Envelope>,
    ) -> DynamoDbConnectionStore {
        DynamoDbConnectionStore {
            client,
            table: table.into(),
            envelope,
        }
    }

    /// A store over `table` with the default envelope over `keys`.
    pub fn with_keys(
        client: Client,
        table: impl Into<String>,
        keys: Arc<dyn KeyProvider>,
    ) -> DynamoDbConnectionStore {
        DynamoDbConnectionStore::new(client, table, Arc::new(Envelope::new(keys)))
    }

    /// Creates the table and its indexes when missing, and waits until it is active; a table
    /// that exists without the schedule's `by_due` index gets it
    /// ([`ensure_schedule_index`](Self::ensure_schedule_index), waiting at most a minute).
    pub async fn create_table(&self) -> Result<(), ConnectorError> {
        table::create_table(&self.client, &self.table).await
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The client, for tests and operators.
    pub fn client(&self) -> &Client {
        &self.client
    }

    async fn open(&self, item: &Item) -> Result<Connection, ConnectorError> {
        let Stored {
            id,
            revision,
            state,
            account_id,
            sealed,
        } = item::stored(item)?;
        let connection = self.envelope.open(&id, revision, &sealed).await?;
        check_agrees(&connection, &state, account_id.as_deref())?;
        Ok(connection)
    }

    async fn create_now(&self, connection: &Connection) -> Result<(), ConnectorError> {
        connection.validate()?;
        let sealed = self.envelope.seal(connection).await?;
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item::item(connection, sealed)?))
            .condition_expression("attribute_not_exists(id)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Err(ConnectorError::AlreadyExists(connection.id().to_string()))
            }
            Err(e) => Err(unavailable(describe("DynamoDB", "PutItem", &e))),
        }
    }

    async fn get_item(&self, id: &str) -> Result<Option<Item>, ConnectorError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(item::ID, AttributeValue::S(id.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable(describe("DynamoDB", "GetItem", &e)))?;
        Ok(output.item)
    }

    async fn get_now(&self, id: &ConnectionId) -> Result<Option<Connection>, ConnectorError> {
        match self.get_item(id.as_str()).await? {
            Some(item) => self.open(&item).await.map(Some),
            None => Ok(None),
        }
    }

    async fn swap_now(&self, expected: u64, new: &Connection) -> Result<(), ConnectorError> {
        connector_core::check_next_revision(expected, new)?;
        new.validate()?;
        let sealed = self.envelope.seal(new).await?;
        let update = item::record_update(new, sealed)?;
        let written = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(item::ID, AttributeValue::S(new.id().as_str().to_owned()))
            .update_expression(update.expression)
            .set_expression_attribute_names(Some(update.names))
            .set_expression_attribute_values(Some(update.values))
            .expression_attribute_values(
                ":expected",
                AttributeValue::N(revision_column(expected)?.to_string()),
            )
            // A missing item has no revision, so the condition also keeps `UpdateItem` from
            // creating one.
            .condition_expression("#revision = :expected")
            .send()
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                // Missing, or at another revision: a consistent read says which.
                match self.get_item(new.id().as_str()).await? {
                    None => Err(ConnectorError::NotFound(new.id().to_string())),
                    Some(item) => Err(ConnectorError::Conflict {
                        connection: new.id().to_string(),
                        expected,
                        actual: item::stored(&item)?.revision,
                    }),
                }
            }
            Err(e) => Err(unavailable(describe("DynamoDB", "UpdateItem", &e))),
        }
    }

    async fn delete_now(&self, id: &ConnectionId) -> Result<bool, ConnectorError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(item::ID, AttributeValue::S(id.as_str().to_owned()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| unavailable(describe("DynamoDB", "DeleteItem", &e)))?;
        Ok(output.attributes.is_some_and(|a| !a.is_empty()))
    }

    /// Up to `limit` items in `state` with an id after `after`, in id order.
    async fn query_state(
        &self,
        state: ConnectionState,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Item>, ConnectorError> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let wanted = limit.saturating_sub(items.len());
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(table::STATE_INDEX)
                // `state` is a DynamoDB reserved word.
                .expression_attribute_names("#state", item::STATE)
                .expression_attribute_values(":state", AttributeValue::S(state.name().to_owned()))
                .limit(i32::try_from(wanted).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take());
            request = match after {
                Some(after) => request
                    .key_condition_expression("#state = :state AND id > :after")
                    .expression_attribute_values(":after", AttributeValue::S(after.to_owned())),
                None => request.key_condition_expression("#state = :state"),
            };
            let output = request
                .send()
                .await
                .map_err(|e| unavailable(describe("DynamoDB", "Query", &e)))?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if items.len() < limit && !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    async fn list_now(&self, query: &ListQuery) -> Result<Page, ConnectorError> {
        let states: Vec<ConnectionState> = if query.states().is_empty() {
            ConnectionState::ALL.to_vec()
        } else {
            query.states().to_vec()
        };
        let after = query.cursor().map(|c| c.last_id().as_str());
        let mut items = Vec::new();
        for state in states {
            items.extend(self.query_state(state, after, query.limit()).await?);
        }
        let mut stored = Vec::with_capacity(items.len());
        for item in &items {
            stored.push((item::stored(item)?.id, item));
        }
        stored.sort_by(|a, b| a.0.cmp(&b.0));
        stored.truncate(query.limit());
        let mut connections = Vec::with_capacity(stored.len());
        for (_, item) in stored {
            connections.push(self.open(item).await?);
        }
        Ok(Page::new(connections, query))
    }

    /// Seals every record written under a retired master key again under the current one
    /// (see [`RekeyReport`]): a scan, and a conditional `UpdateItem` of the sealed record alone
    /// per record, on its revision and sealed bytes (the schedule and a live lease are left
    /// alone).
    pub async fn rekey(&self) -> Result<RekeyReport, ConnectorError> {
        let mut report = RekeyReport::default();
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable(describe("DynamoDB", "Scan", &e)))?;
            for item in output.items.unwrap_or_default() {
                report.examined();
                let stored = item::stored(&item)?;
                if !self.envelope.needs_rekey(&stored.sealed) {
                    continue;
                }
                let connection = self.open(&item).await?;
                let sealed = self.envelope.seal(&connection).await?;
                // Only the sealed record changes: the schedule and any lease stay as they are.
                let put = self
                    .client
                    .update_item()
                    .table_name(&self.table)
                    .key(item::ID, AttributeValue::S(stored.id.clone()))
                    .update_expression("SET sealed = :new")
                    .condition_expression("#revision = :revision AND sealed = :sealed")
                    .expression_attribute_names("#revision", item::REVISION)
                    .expression_attribute_values(":new", AttributeValue::B(Blob::new(sealed)))
                    .expression_attribute_values(
                        ":revision",
                        AttributeValue::N(stored.revision.to_string()),
                    )
                    .expression_attribute_values(
                        ":sealed",
                        AttributeValue::B(Blob::new(stored.sealed)),
                    )
                    .send()
                    .await;
                match put {
                    Ok(_) => report.rewritten(),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
                    {
                        report.changed_meanwhile();
                    }
                    Err(e) => return Err(unavailable(describe("DynamoDB", "UpdateItem", &e))),
                }
            }
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(report),
            }
        }
    }
}

impl ConnectionStore for DynamoDbConnectionStore {
    fn create<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(self.create_now(connection))
    }

    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        Box::pin(self.get_now(id))
    }

    fn compare_and_swap<'a>(
        &'a self,
        expected_revision: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(self.swap_now(expected_revision, new))
    }

    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(self.delete_now(id))
    }

    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        Box::pin(self.list_now(query))
    }
}
