//! Shared inputs for the workspace benchmarks: the AWS managed policy corpus (read from
//! `../shared`, never copied into the repository) and representative policies.
#![deny(missing_docs)]

use std::path::PathBuf;

/// Where the corpus of AWS managed policies lives, relative to the workspace root.
pub const CORPUS_DIR: &str = "../shared/corpus/aws-managed-policies";

/// The corpus directory, if it exists on this machine.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(CORPUS_DIR);
    dir.is_dir().then_some(dir)
}

/// Every corpus policy document as compact JSON text, in file-name order.
///
/// Each corpus file wraps the document as `{"PolicyVersion": {"Document": {...}}}`; the
/// document is extracted here so that benchmarks time only policy parsing.
pub fn corpus_documents() -> Option<Vec<(String, String)>> {
    let dir = corpus_dir()?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut documents = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        let document = value.get("PolicyVersion")?.get("Document")?;
        let name = path.file_name()?.to_string_lossy().into_owned();
        documents.push((name, document.to_string()));
    }
    Some(documents)
}

/// A ten-statement policy shaped like a real vendor role: wildcard actions, ARN patterns,
/// conditions, and a Deny, so a decision has to look at every statement.
pub const TEN_STATEMENT_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Ec2Read", "Effect": "Allow", "Action": ["ec2:Describe*", "ec2:Get*"], "Resource": "*"},
    {"Sid": "S3Meta", "Effect": "Allow", "Action": ["s3:GetBucket*", "s3:ListBucket", "s3:ListAllMyBuckets"], "Resource": "*"},
    {"Sid": "RdsRead", "Effect": "Allow", "Action": ["rds:Describe*", "rds:ListTagsForResource"], "Resource": "*"},
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:Describe*", "logs:Get*", "logs:FilterLogEvents"], "Resource": "arn:aws:logs:*:123456789012:log-group:/app/*"},
    {"Sid": "Metrics", "Effect": "Allow", "Action": ["cloudwatch:Get*", "cloudwatch:List*"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
    {"Sid": "Lambda", "Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:GetFunction"], "Resource": "arn:aws:lambda:us-east-1:123456789012:function:app-*"},
    {"Sid": "Dynamo", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/app-*"},
    {"Sid": "PassAppRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app/*",
     "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
    {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-artifacts/*",
     "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"Sid": "NoIamUsers", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey", "organizations:*"], "Resource": "*"}
  ]
}"#;

pub mod fleet_sim;
pub mod server_load;
