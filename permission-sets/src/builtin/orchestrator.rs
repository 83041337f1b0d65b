//! A Cendriix-style orchestrator role: build, deploy and operate workloads in the customer's
//! account (compute, storage, observability read-write), pass only the roles under a path the
//! customer chooses, and nothing from the excluded area.

use iam_policy::{Condition, ConditionOperator, ConditionValue, OperatorKind};

use crate::{Area, Grant, Guarantee, Parameter, ParameterRule, PermissionSet, PermissionSetError};

/// The tag value that marks an instance as the orchestrator's, under the key `managed-by`.
pub const ORCHESTRATOR_MANAGED_BY: &str = "orchestrator";

/// `StringEquals {key: ORCHESTRATOR_MANAGED_BY}`.
fn managed_tag(key: &str) -> Condition {
    Condition::default().with(
        ConditionOperator::new(OperatorKind::StringEquals),
        key,
        vec![ConditionValue::from(ORCHESTRATOR_MANAGED_BY)],
    )
}

/// `orchestrator`: deploy and operate ECS, Lambda and EC2 workloads with their S3/DynamoDB
/// data and CloudWatch telemetry. `iam:PassRole` is limited to roles under `{{PassRolePath}}`
/// and to the services that run workloads.
///
/// Claims no excluded area and no privilege escalation. The second depends on the values: a
/// `PassRolePath` of `/` passes every role, which with `RunTask` or `RunInstances` is an
/// escalation path, so rendering with it is refused.
///
/// Changing an instance's user data and restarting it runs code under the instance's
/// profile, so the instance actions are confined to instances tagged `managed-by =
/// orchestrator` ([`ORCHESTRATOR_MANAGED_BY`]): `RunInstances` requires that tag on what it launches
/// (`aws:RequestTag`), `StartInstances`, `StopInstances`, `TerminateInstances` and
/// `ModifyInstanceAttribute` require it on what they change (`aws:ResourceTag`), and
/// `CreateTags` works only inside a launch (`ec2:CreateAction = RunInstances`), so the set
/// cannot tag an instance it did not launch. The instances it may change are those it
/// launched, under roles it may pass anyway, and any the customer tags for it.
pub fn orchestrator() -> Result<PermissionSet, PermissionSetError> {
    let passed_to = Condition::default().with(
        ConditionOperator::new(OperatorKind::StringEquals),
        "iam:PassedToService",
        vec![
            ConditionValue::from("ecs-tasks.amazonaws.com"),
            ConditionValue::from("lambda.amazonaws.com"),
            ConditionValue::from("ec2.amazonaws.com"),
        ],
    );
    PermissionSet::builder("orchestrator", "1.0.0")
        .with_description("Build, deploy and operate application workloads; no IAM user management, billing or Organizations, and no way to escalate its own privileges.")
        .with_claims([Guarantee::NoExcludedArea, Guarantee::NoPrivilegeEscalation])
        .with_parameter(
            Parameter::single(
                "PassRolePath",
                "IAM path of the roles the orchestrator may launch tasks, functions and instances under, e.g. /orchestrator/.",
                ParameterRule::IamPath,
            )
            .with_default(["/orchestrator/"]),
        )
        .with_parameter(
            Parameter::single(
                "FunctionPrefix",
                "Name prefix of the Lambda functions the orchestrator deploys and may change, e.g. orchestrator-.",
                ParameterRule::NamePrefix,
            )
            .with_default(["orchestrator-"]),
        )
        .with_grant(Grant::new(
            "EcsServices",
            Area::Compute,
            [
                "ecs:Describe*", "ecs:List*", "ecs:CreateCluster", "ecs:CreateService",
                "ecs:UpdateService", "ecs:DeleteService", "ecs:RegisterTaskDefinition",
                "ecs:DeregisterTaskDefinition", "ecs:RunTask", "ecs:StopTask", "ecs:TagResource",
            ],
            "Create and update ECS services and tasks.",
        )?)
        .with_grant(Grant::new(
            "LambdaRead",
            Area::Compute,
            ["lambda:Get*", "lambda:List*"],
            "See functions, their configuration and versions.",
        )?)
        .with_grant(
            Grant::new(
                "LambdaFunctions",
                Area::Compute,
                [
                    "lambda:CreateFunction", "lambda:UpdateFunctionCode",
                    "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction", "lambda:PublishVersion",
                    "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:InvokeFunction", "lambda:TagResource",
                ],
                "Create, update and invoke the functions it deploys, and only those (named with your prefix).",
            )?
            .with_resources(["arn:aws:lambda:*:*:function:{{FunctionPrefix}}*"]),
        )
        .with_grant(Grant::new(
            "Ec2Read",
            Area::Compute,
            ["ec2:Describe*"],
            "See instances, images, networks and launch templates.",
        )?)
        .with_grant(
            Grant::new(
                "Ec2LaunchResources",
                Area::Compute,
                ["ec2:RunInstances"],
                "Launch instances from images into your networks (the instance itself is tagged, below).",
            )?
            .with_resources([
                "arn:aws:ec2:*::image/*",
                "arn:aws:ec2:*:*:image/*",
                "arn:aws:ec2:*:*:subnet/*",
                "arn:aws:ec2:*:*:security-group/*",
                "arn:aws:ec2:*:*:network-interface/*",
                "arn:aws:ec2:*:*:volume/*",
                "arn:aws:ec2:*:*:key-pair/*",
                "arn:aws:ec2:*:*:launch-template/*",
            ]),
        )
        .with_grant(
            Grant::new(
                "Ec2LaunchTagged",
                Area::Compute,
                ["ec2:RunInstances"],
                "Launch instances only with the managed-by tag, so the instances it may later change are the ones it launched.",
            )?
            .with_resources(["arn:aws:ec2:*:*:instance/*"])
            .with_condition(managed_tag("aws:RequestTag/managed-by")),
        )
        .with_grant(
            Grant::new(
                "Ec2TagOnLaunch",
                Area::Compute,
                ["ec2:CreateTags"],
                "Tag instances and volumes as it launches them, and never tag an existing instance.",
            )?
            .with_resources(["arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*"])
            .with_condition(Condition::default().with(
                ConditionOperator::new(OperatorKind::StringEquals),
                "ec2:CreateAction",
                vec![ConditionValue::from("RunInstances")],
            )),
        )
        .with_grant(
            Grant::new(
                "Ec2OperateTagged",
                Area::Compute,
                [
                    "ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances",
                    "ec2:ModifyInstanceAttribute",
                ],
                "Update, restart and retire the instances it launched (tagged managed-by=orchestrator), and no other: changing another instance's user data would run code under that instance's role.",
            )?
            .with_resources(["arn:aws:ec2:*:*:instance/*"])
            .with_condition(managed_tag("aws:ResourceTag/managed-by")),
        )
        .with_grant(
            Grant::new(
                "PassWorkloadRoles",
                Area::Compute,
                ["iam:PassRole"],
                "Launch tasks, functions and instances under roles you define, and only those.",
            )?
            .with_resources(["arn:aws:iam::*:role{{PassRolePath}}*"])
            .with_condition(passed_to),
        )
        .with_grant(Grant::new(
            "S3Artefacts",
            Area::Storage,
            [
                "s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketLocation", "s3:CreateBucket",
                "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
            ],
            "Read and write application data and build artefacts in S3.",
        )?)
        .with_grant(Grant::new(
            "DynamoDbData",
            Area::Storage,
            [
                "dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:CreateTable",
                "dynamodb:UpdateTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
            ],
            "Read and write application data in DynamoDB.",
        )?)
        .with_grant(Grant::new(
            "Metrics",
            Area::Observability,
            [
                "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics",
                "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms",
            ],
            "Read metrics and manage alarms to confirm a deploy is healthy.",
        )?)
        .with_grant(Grant::new(
            "Logs",
            Area::Observability,
            [
                "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:GetLogEvents",
                "logs:FilterLogEvents", "logs:CreateLogGroup", "logs:PutRetentionPolicy",
            ],
            "Read workload logs and set up their log groups.",
        )?)
        .build()
}
