//! # iam-policy
//!
//! The AWS IAM policy language as AWS defines it: a lossless document model, validated
//! identifiers (account ids, ARNs, role ARNs, action and resource patterns), a request
//! evaluator with AWS's semantics, a precompiled evaluator for hot paths that gives the same
//! decisions, and validation findings in the shape of IAM Access Analyzer's.
//!
//! The crate is pure: no I/O, no async runtime, no AWS SDK.
//!
//! ```
//! use iam_policy::{Decision, PolicyDocument, Request};
//!
//! let policy: PolicyDocument = r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::logs/*"},
//!     {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::logs/secret/*"}
//!   ]
//! }"#.parse().unwrap();
//!
//! let read = Request::new("s3:GetObject", "arn:aws:s3:::logs/2026/11/22.gz");
//! assert_eq!(policy.evaluate(&read).decision, Decision::Allow);
//!
//! let secret = Request::new("s3:GetObject", "arn:aws:s3:::logs/secret/key");
//! let outcome = policy.evaluate(&secret);
//! assert_eq!(outcome.decision, Decision::ExplicitDeny);
//! assert_eq!(outcome.deciding_sid(), Some("NoSecrets"));
//! ```
#![deny(missing_docs)]

mod codes;
mod compiled;
mod error;
mod eval;
mod excerpt;
mod glob;
mod glob_wide;
pub mod json_path;
mod model;
mod names;
mod one_or_many;
mod template;
mod validate;

#[doc(hidden)]
pub use codes::__private;
pub use codes::UnknownCode;
pub use compiled::CompiledPolicy;
pub use error::{Error, SourceLocation};
pub use eval::{
    ConditionResult, ConditionTrace, ContextValue, Decision, Evaluation, MatchedStatement, Request,
    RequestPrincipal, StatementTrace, Unevaluable,
};
pub use model::{
    ActionClause, Condition, ConditionBlock, ConditionEntry, ConditionOperator, ConditionValue,
    Effect, OperatorFamily, OperatorKind, ParseOptions, PolicyDocument, Principal, PrincipalClause,
    PrincipalKind, ResourceClause, SetQualifier, Statement, Version,
};
pub use names::{
    AccountId, ActionMatcher, ActionPattern, Arn, Partition, Region, ResourcePattern, RoleArn,
};
pub use one_or_many::OneOrMany;
pub use validate::{
    Finding, FindingCode, Locator, PolicyKind, Severity, Validator, locate_path, policy_size,
    text_size,
};
