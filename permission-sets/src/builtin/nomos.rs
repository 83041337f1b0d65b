//! Nomos' starter policies: narrow read sets on buckets and tables the customer names, and an
//! EC2 operator whose start and stop need a second approval.

use crate::{Area, Grant, Guarantee, Parameter, ParameterRule, PermissionSet, PermissionSetError};

/// `aws:s3-read`: get and list on the configured buckets. Claims read-only, no excluded
/// area and no privilege escalation (it reads object contents, by design).
pub fn s3_read() -> Result<PermissionSet, PermissionSetError> {
    PermissionSet::builder("aws:s3-read", "1.0.0")
        .with_description("Get and list objects in the buckets you configure.")
        .with_claims([
            Guarantee::ReadOnly,
            Guarantee::NoExcludedArea,
            Guarantee::NoPrivilegeEscalation,
        ])
        .with_parameter(Parameter::list(
            "Buckets",
            "The buckets agents may read.",
            ParameterRule::BucketName,
        ))
        .with_grant(
            Grant::new(
                "ListBuckets",
                Area::Storage,
                ["s3:ListBucket"],
                "List the objects of the configured buckets.",
            )?
            .with_resources(["arn:aws:s3:::{{Buckets}}"]),
        )
        .with_grant(
            Grant::new(
                "GetObjects",
                Area::Storage,
                ["s3:GetObject"],
                "Read objects in the configured buckets.",
            )?
            .with_resources(["arn:aws:s3:::{{Buckets}}/*"]),
        )
        .build()
}

/// `aws:dynamodb-read`: query and get_item on the configured tables. Claims read-only, no
/// excluded area and no privilege escalation (it reads items, by design).
pub fn dynamodb_read() -> Result<PermissionSet, PermissionSetError> {
    PermissionSet::builder("aws:dynamodb-read", "1.0.0")
        .with_description("Query and get items from the tables you configure.")
        .with_claims([
            Guarantee::ReadOnly,
            Guarantee::NoExcludedArea,
            Guarantee::NoPrivilegeEscalation,
        ])
        .with_parameter(Parameter::list(
            "Tables",
            "The tables agents may read.",
            ParameterRule::TableName,
        ))
        .with_grant(
            Grant::new(
                "ReadItems",
                Area::Storage,
                ["dynamodb:Query", "dynamodb:GetItem"],
                "Query and read items of the configured tables.",
            )?
            .with_resources(["arn:aws:dynamodb:*:*:table/{{Tables}}"]),
        )
        .build()
}

/// `aws:ec2-operator`: describe instances; start and stop with step-up. Claims no excluded
/// area, no privilege escalation and no data reads (starting and stopping are writes).
pub fn ec2_operator() -> Result<PermissionSet, PermissionSetError> {
    PermissionSet::builder("aws:ec2-operator", "1.0.0")
        .with_description("See instances; start and stop them after a second approval.")
        .with_claims([
            Guarantee::NoExcludedArea,
            Guarantee::NoPrivilegeEscalation,
            Guarantee::NoDataReads,
        ])
        .with_grant(Grant::new(
            "DescribeInstances",
            Area::Compute,
            ["ec2:DescribeInstances"],
            "See instances and their state.",
        )?)
        .with_grant(
            Grant::new(
                "StartStopInstances",
                Area::Compute,
                ["ec2:StartInstances", "ec2:StopInstances"],
                "Start and stop instances when an operator asks and a cosigner approves.",
            )?
            .step_up(),
        )
        .build()
}
