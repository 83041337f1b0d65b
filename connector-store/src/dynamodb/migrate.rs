//! Bringing a table made before the health-check schedule up to date: the `by_due` index
//! ([`ensure_schedule_index`](DynamoDbConnectionStore::ensure_schedule_index)) and the due
//! times of the connections written before it
//! ([`schedule_existing`](DynamoDbConnectionStore::schedule_existing)).

use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use connector_core::ConnectorError;

use super::item::{self, Item};
use super::schedule::{DUE_AT, DUE_SHARD, due_shard, joins_at};
use super::{DynamoDbConnectionStore, table, unavailable};
use crate::aws_errors::describe;

impl DynamoDbConnectionStore {
    /// Adds the schedule's `by_due` index when the table lacks it (a table created before
    /// the schedule existed): `UpdateTable` with a `GlobalSecondaryIndexUpdates` `Create`, and
    /// waits at most `wait` for DynamoDB to backfill it (the table stays readable and
    /// writable meanwhile; a large table takes minutes). True when it added the index. Still
    /// backfilling after `wait` is a retryable `StoreUnavailable`: call it again to wait on.
    /// [`create_table`](Self::create_table) does this too, waiting a minute. Then run
    /// [`schedule_existing`](Self::schedule_existing) once.
    pub async fn ensure_schedule_index(&self, wait: Duration) -> Result<bool, ConnectorError> {
        table::ensure_schedule_index(&self.client, &self.table, wait).await
    }

    /// Puts every health-checked connection that has no due time on the schedule, due at
    /// its update time (as a write would): for the records written before the schedule
    /// existed. A scan that opens each record without a due time (whether it is checked
    /// depends on sealed fields), and a conditional `UpdateItem` on its revision and the
    /// absence of a due time, so a record written meanwhile (which got its schedule from that
    /// write) is left alone. Returns how many it scheduled; running it again schedules none.
    pub async fn schedule_existing(&self) -> Result<u64, ConnectorError> {
        let mut scheduled = 0u64;
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .filter_expression("attribute_not_exists(#due)")
                .expression_attribute_names("#due", DUE_AT)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable(describe("DynamoDB", "Scan", &e)))?;
            for found in output.items() {
                let connection = self.open(found).await?;
                if !connection.is_health_checked() {
                    continue;
                }
                let id = connection.id().as_str();
                let written = self
                    .client
                    .update_item()
                    .table_name(&self.table)
                    .key(item::ID, AttributeValue::S(id.to_owned()))
                    .update_expression("SET #due = :due, #shard = :shard")
                    .condition_expression("#revision = :revision AND attribute_not_exists(#due)")
                    .expression_attribute_names("#due", DUE_AT)
                    .expression_attribute_names("#shard", DUE_SHARD)
                    .expression_attribute_names("#revision", item::REVISION)
                    .expression_attribute_values(
                        ":due",
                        AttributeValue::N(joins_at(connection.updated_at().0).to_string()),
                    )
                    .expression_attribute_values(":shard", AttributeValue::S(due_shard(id)))
                    .expression_attribute_values(
                        ":revision",
                        AttributeValue::N(connection.revision().to_string()),
                    )
                    .send()
                    .await;
                match written {
                    Ok(_) => scheduled += 1,
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
                    Err(e) => return Err(unavailable(describe("DynamoDB", "UpdateItem", &e))),
                }
            }
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(scheduled),
            }
        }
    }
}
