//! The list of actions that read data contents rather than configuration (the
//! privilege-escalation paths are in `paths.rs`).

/// Actions that return data contents (objects, items, secrets, plaintext, query results,
/// messages, log events) rather than configuration or metadata.
pub(crate) const DATA_READS: &[(&str, &str)] = &[
    ("s3:GetObject", "object contents"),
    ("s3:GetObjectVersion", "object contents"),
    ("s3:GetObjectTorrent", "object contents"),
    ("s3-object-lambda:GetObject", "object contents"),
    ("dynamodb:GetItem", "table items"),
    ("dynamodb:BatchGetItem", "table items"),
    ("dynamodb:Query", "table items"),
    ("dynamodb:Scan", "table items"),
    ("dynamodb:PartiQLSelect", "table items"),
    ("dynamodb:GetRecords", "stream records"),
    ("secretsmanager:GetSecretValue", "secret values"),
    ("secretsmanager:BatchGetSecretValue", "secret values"),
    ("kms:Decrypt", "decrypted plaintext"),
    (
        "ssm:GetParameter",
        "parameter values, including SecureStrings",
    ),
    (
        "ssm:GetParameters",
        "parameter values, including SecureStrings",
    ),
    (
        "ssm:GetParametersByPath",
        "parameter values, including SecureStrings",
    ),
    ("rds-data:ExecuteStatement", "database rows"),
    ("rds-data:BatchExecuteStatement", "database rows"),
    ("redshift-data:GetStatementResult", "query results"),
    ("athena:GetQueryResults", "query results"),
    ("sqs:ReceiveMessage", "queue messages"),
    ("kinesis:GetRecords", "stream records"),
    ("logs:GetLogEvents", "log events"),
    ("logs:FilterLogEvents", "log events"),
    ("logs:StartQuery", "log events"),
    ("glacier:GetJobOutput", "archive contents"),
    ("ebs:GetSnapshotBlock", "disk contents"),
    ("ecr:GetDownloadUrlForLayer", "container image layers"),
    ("ecr:BatchGetImage", "container images"),
    ("codecommit:GitPull", "source code"),
    ("codecommit:GetFile", "source code"),
    ("lambda:GetFunction", "function code"),
    ("cloudtrail:LookupEvents", "management event history"),
];
