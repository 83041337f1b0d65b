//! The table: created by [`DynamoDbConnectionStore::create_table`](super::DynamoDbConnectionStore::create_table)
//! or by the vendor's own infrastructure code, from the snippets here (the same key schema
//! and index).
//!
//! - partition key `id` (string), no sort key;
//! - global secondary index `by_state`: partition key `state`, sort key `id`, every attribute
//!   projected; listings query it state by state and merge by id;
//! - global secondary index `by_due`, the health-check schedule: partition key `due_shard`
//!   (string), sort key `due_at` (number), projecting the lease attributes (`INCLUDE`
//!   `lease_owner`, `lease_until`); sparse, as only health-checked connections carry its keys
//!   (see [`schedule`](super::schedule) for the attributes and why the key is sharded);
//! - on-demand billing (`PAY_PER_REQUEST`); point-in-time recovery is the vendor's choice.
//!
//! Why `INCLUDE` the lease and not `KEYS_ONLY`: a connection being checked keeps its (past)
//! due time until its lease is finished, so the oldest entries of the index are the leased
//! ones. With the lease in the index, a claim's query filters them out on the server and a
//! statistic counts them without reading the table; with keys only, every claim would try a
//! conditional write on each leased connection at the head of the index (a failed
//! conditional write still costs a write unit) or read the item first. The price is one index
//! write per claim (the lease changes), beside the one every finish makes anyway (the due
//! time changes). `ALL` would copy the sealed record into a second index for nothing.
//!
//! A table made before the schedule existed lacks `by_due`:
//! [`create_table`](super::DynamoDbConnectionStore::create_table) and
//! [`ensure_schedule_index`](super::DynamoDbConnectionStore::ensure_schedule_index) add it with
//! `UpdateTable` (`GlobalSecondaryIndexUpdates` / `Create`), and
//! [`schedule_existing`](super::DynamoDbConnectionStore::schedule_existing) puts the
//! connections written before then on the schedule. A vendor whose table comes from the
//! snippets below applies the new snippet instead (a stack update or `terraform apply` adds the
//! index in place: "You can create or delete only one global secondary index per UpdateTable
//! operation", and this change adds one), then runs `schedule_existing`.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TableStatus,
};
use connector_core::ConnectorError;

use super::schedule::{DUE_AT, DUE_SHARD, LEASE_OWNER, LEASE_UNTIL};
use crate::aws_errors::{code, describe};

/// The index listings query.
pub(crate) const STATE_INDEX: &str = "by_state";

/// The health-check schedule's index.
pub(crate) const DUE_INDEX: &str = "by_due";

/// The table as a CloudFormation resource (YAML), for a vendor's own stack.
pub const TABLE_CLOUDFORMATION_YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Description: The connector's connection table (connector-store, DynamoDB).
Parameters:
  TableName:
    Type: String
    Default: connector-connections
Resources:
  ConnectionTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      TableName: !Ref TableName
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
        - AttributeName: state
          AttributeType: S
        - AttributeName: due_shard
          AttributeType: S
        - AttributeName: due_at
          AttributeType: N
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      GlobalSecondaryIndexes:
        - IndexName: by_state
          KeySchema:
            - AttributeName: state
              KeyType: HASH
            - AttributeName: id
              KeyType: RANGE
          Projection:
            ProjectionType: ALL
        - IndexName: by_due
          KeySchema:
            - AttributeName: due_shard
              KeyType: HASH
            - AttributeName: due_at
              KeyType: RANGE
          Projection:
            ProjectionType: INCLUDE
            NonKeyAttributes:
              - lease_owner
              - lease_until
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
      SSESpecification:
        SSEEnabled: true
Outputs:
  TableName:
    Value: !Ref ConnectionTable
"#;

/// The table as a Terraform resource (HCL), for a vendor's own configuration.
pub const TABLE_TERRAFORM: &str = r#"resource "aws_dynamodb_table" "connector_connections" {
  name         = "connector-connections"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "state"
    type = "S"
  }

  attribute {
    name = "due_shard"
    type = "S"
  }

  attribute {
    name = "due_at"
    type = "N"
  }

  global_secondary_index {
    name            = "by_state"
    hash_key        = "state"
    range_key       = "id"
    projection_type = "ALL"
  }

  global_secondary_index {
    name               = "by_due"
    hash_key           = "due_shard"
    range_key          = "due_at"
    projection_type    = "INCLUDE"
    non_key_attributes = ["lease_owner", "lease_until"]
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}
"#;

fn unavailable(message: String) -> ConnectorError {
    ConnectorError::StoreUnavailable { message }
}

fn element(name: &str, key_type: KeyType) -> Result<KeySchemaElement, ConnectorError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .map_err(|e| unavailable(format!("DynamoDB key schema: {e}")))
}

fn attribute(name: &str, kind: ScalarAttributeType) -> Result<AttributeDefinition, ConnectorError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(kind)
        .build()
        .map_err(|e| unavailable(format!("DynamoDB attribute definition: {e}")))
}

/// Every key attribute of the table and its indexes.
fn attributes() -> Result<Vec<AttributeDefinition>, ConnectorError> {
    Ok(vec![
        attribute("id", ScalarAttributeType::S)?,
        attribute("state", ScalarAttributeType::S)?,
        attribute(DUE_SHARD, ScalarAttributeType::S)?,
        attribute(DUE_AT, ScalarAttributeType::N)?,
    ])
}

fn due_projection() -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::Include)
        .non_key_attributes(LEASE_OWNER)
        .non_key_attributes(LEASE_UNTIL)
        .build()
}

/// Creates the table (when it does not exist yet) and waits until it is active (at most a
/// minute); a table that existed without the schedule's index gets it
/// ([`ensure_schedule_index`], waiting at most a minute for it too).
pub(crate) async fn create_table(client: &Client, table: &str) -> Result<(), ConnectorError> {
    let state_index = GlobalSecondaryIndex::builder()
        .index_name(STATE_INDEX)
        .key_schema(element("state", KeyType::Hash)?)
        .key_schema(element("id", KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(|e| unavailable(format!("DynamoDB index: {e}")))?;
    let due_index = GlobalSecondaryIndex::builder()
        .index_name(DUE_INDEX)
        .key_schema(element(DUE_SHARD, KeyType::Hash)?)
        .key_schema(element(DUE_AT, KeyType::Range)?)
        .projection(due_projection())
        .build()
        .map_err(|e| unavailable(format!("DynamoDB index: {e}")))?;
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes()?))
        .key_schema(element("id", KeyType::Hash)?)
        .global_secondary_indexes(state_index)
        .global_secondary_indexes(due_index)
        .send()
        .await;
    let existed = match created {
        Ok(_) => false,
        Err(e) if code(&e) == Some("ResourceInUseException") => true,
        Err(e) => return Err(unavailable(describe("DynamoDB", "CreateTable", &e))),
    };
    wait_until(client, table, Duration::from_secs(60), |t| {
        t.table_status() == Some(&TableStatus::Active)
    })
    .await?;
    if existed {
        ensure_schedule_index(client, table, Duration::from_secs(60)).await?;
    }
    Ok(())
}

/// Adds the `by_due` index to a table that lacks it (`UpdateTable` with a
/// `GlobalSecondaryIndexUpdates` `Create`; the table stays readable and writable while
/// DynamoDB backfills the index), then waits until the index is active, at most `wait`.
/// Returns true when it added the index. Still backfilling after `wait` is a retryable
/// `StoreUnavailable`: call it again to wait on (the index is not added twice).
pub(crate) async fn ensure_schedule_index(
    client: &Client,
    table: &str,
    wait: Duration,
) -> Result<bool, ConnectorError> {
    let has_index = has_due_index(client, table).await?;
    if !has_index {
        let create = CreateGlobalSecondaryIndexAction::builder()
            .index_name(DUE_INDEX)
            .key_schema(element(DUE_SHARD, KeyType::Hash)?)
            .key_schema(element(DUE_AT, KeyType::Range)?)
            .projection(due_projection())
            .build()
            .map_err(|e| unavailable(format!("DynamoDB index: {e}")))?;
        // "If you are adding a new global secondary index to the table, AttributeDefinitions
        // must include the key element(s) of the new index" (DynamoDB API Reference,
        // UpdateTable).
        let added = client
            .update_table()
            .table_name(table)
            .set_attribute_definitions(Some(attributes()?))
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder().create(create).build(),
            )
            .send()
            .await;
        if let Err(e) = added {
            // Another process may have added it a moment before (two workers starting at
            // once): then wait on theirs.
            if !has_due_index(client, table).await? {
                return Err(unavailable(describe("DynamoDB", "UpdateTable", &e)));
            }
        }
    }
    wait_until(client, table, wait, |t| {
        t.global_secondary_indexes().iter().any(|i| {
            i.index_name() == Some(DUE_INDEX) && i.index_status() == Some(&IndexStatus::Active)
        })
    })
    .await?;
    Ok(!has_index)
}

/// Whether the table has the `by_due` index (in any state).
async fn has_due_index(client: &Client, table: &str) -> Result<bool, ConnectorError> {
    let described = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| unavailable(describe("DynamoDB", "DescribeTable", &e)))?;
    Ok(described
        .table()
        .map(|t| t.global_secondary_indexes())
        .is_some_and(|indexes| indexes.iter().any(|i| i.index_name() == Some(DUE_INDEX))))
}

/// Polls `DescribeTable` every half second until `ready` holds, at most `wait`.
async fn wait_until(
    client: &Client,
    table: &str,
    wait: Duration,
    ready: impl Fn(&aws_sdk_dynamodb::types::TableDescription) -> bool,
) -> Result<(), ConnectorError> {
    let polls = wait.as_millis().div_ceil(500).max(1);
    for _ in 0..polls {
        let described = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| unavailable(describe("DynamoDB", "DescribeTable", &e)))?;
        if described.table().is_some_and(&ready) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(unavailable(format!(
        "DynamoDB table {table} (or its {DUE_INDEX} index) was not active within {} s",
        wait.as_secs()
    )))
}
