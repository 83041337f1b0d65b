//! The table: created by [`DynamoDbConnectionStore::create_table`](super::DynamoDbConnectionStore::create_table)
//! or by the vendor's own infrastructure code, from the snippets here (the same key schema
//! and index).
//!
//! - partition key `id` (string), no sort key;
//! - global secondary index `by_state`: partition key `state`, sort key `id`, every attribute
//!   projected; listings query it state by state and merge by id;
//! - on-demand billing (`PAY_PER_REQUEST`); point-in-time recovery is the vendor's choice.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};
use connector_core::ConnectorError;

use crate::aws_errors::{code, describe};

/// The index listings query.
pub(crate) const STATE_INDEX: &str = "by_state";

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

  global_secondary_index {
    name            = "by_state"
    hash_key        = "state"
    range_key       = "id"
    projection_type = "ALL"
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

fn attribute(name: &str) -> Result<AttributeDefinition, ConnectorError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(|e| unavailable(format!("DynamoDB attribute definition: {e}")))
}

/// Creates the table (when it does not exist yet) and waits until it is active (at most a
/// minute).
pub(crate) async fn create_table(client: &Client, table: &str) -> Result<(), ConnectorError> {
    let index = GlobalSecondaryIndex::builder()
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
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attribute("id")?)
        .attribute_definitions(attribute("state")?)
        .key_schema(element("id", KeyType::Hash)?)
        .global_secondary_indexes(index)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e) if code(&e) == Some("ResourceInUseException") => {}
        Err(e) => return Err(unavailable(describe("DynamoDB", "CreateTable", &e))),
    }
    for _ in 0..120 {
        let described = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| unavailable(describe("DynamoDB", "DescribeTable", &e)))?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(unavailable(format!(
        "DynamoDB table {table} did not become active within a minute"
    )))
}
