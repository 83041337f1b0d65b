//! Why each statement did or did not apply: the explanation behind a decision.
//!
//! [`PolicyDocument::trace`] reports, for every statement, whether its principal, action and
//! resource matched and the result of every condition entry, so a caller can say "the
//! statement trusts you, but `sts:ExternalId` did not match" instead of just "denied".

use crate::json_path;
use crate::{Effect, PolicyDocument};

use super::Request;
use super::interpreted::{action_applies, evaluate_entry_at, principal_applies, resource_applies};

/// The result of one condition entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub enum ConditionResult {
    /// The entry is satisfied.
    Met,
    /// The entry is not satisfied.
    NotMet,
    /// The entry cannot be evaluated; the reason says why.
    Unevaluable(String),
}

/// One condition entry (`operator` + `key`) and its result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ConditionTrace {
    /// JSON path of the entry, e.g. `$.Statement[0].Condition.StringEquals["sts:ExternalId"]`.
    pub path: String,
    /// The operator as written.
    pub operator: String,
    /// The context key.
    pub key: String,
    /// Met, not met, or unevaluable.
    pub result: ConditionResult,
}

/// How one statement relates to a request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct StatementTrace {
    /// Index in the statement list.
    pub index: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// Did `Principal` / `NotPrincipal` cover the caller (true when absent)?
    pub principal: bool,
    /// Did `Action` / `NotAction` cover the action?
    pub action: bool,
    /// Did `Resource` / `NotResource` cover the resource (true when absent)?
    pub resource: bool,
    /// Every condition entry, in document order.
    pub conditions: Vec<ConditionTrace>,
}

impl StatementTrace {
    /// True when the statement applies: everything matched and every condition is met.
    pub fn applies(&self) -> bool {
        self.principal
            && self.action
            && self.resource
            && self
                .conditions
                .iter()
                .all(|c| c.result == ConditionResult::Met)
    }
}

impl PolicyDocument {
    /// Explains, statement by statement, how `request` fares. The decision itself comes from
    /// [`PolicyDocument::evaluate`]; this says why.
    ///
    /// ```
    /// use iam_policy::{ConditionResult, PolicyDocument, Request};
    /// let doc: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {
    ///     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
    ///     "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}"#.parse().unwrap();
    /// let trace = doc.trace(&Request::new("s3:GetObject", "arn:aws:s3:::b/k"));
    /// assert!(trace[0].action && trace[0].resource);
    /// assert_eq!(trace[0].conditions[0].key, "aws:SecureTransport");
    /// assert_eq!(trace[0].conditions[0].result, ConditionResult::NotMet);
    /// ```
    pub fn trace(&self, request: &Request) -> Vec<StatementTrace> {
        let variables = self.supports_variables();
        self.statements()
            .iter()
            .enumerate()
            .map(|(index, statement)| {
                let condition_path = json_path::child(&self.statement_path(index), "Condition");
                let conditions = statement
                    .condition
                    .iter()
                    .flat_map(|c| c.blocks.iter())
                    .flat_map(|block| {
                        let operator = block.operator.to_string();
                        let block_path = json_path::child(&condition_path, &operator);
                        block.entries.iter().map(move |entry| ConditionTrace {
                            path: json_path::child(&block_path, &entry.key),
                            operator: operator.clone(),
                            key: entry.key.clone(),
                            result: match evaluate_entry_at(
                                &block.operator,
                                entry,
                                request,
                                variables,
                            ) {
                                Ok(true) => ConditionResult::Met,
                                Ok(false) => ConditionResult::NotMet,
                                Err(reason) => ConditionResult::Unevaluable(reason),
                            },
                        })
                    })
                    .collect();
                StatementTrace {
                    index,
                    sid: statement.sid.clone(),
                    effect: statement.effect,
                    principal: principal_applies(statement, request),
                    action: action_applies(statement, request),
                    resource: resource_applies(statement, request, variables),
                    conditions,
                }
            })
            .collect()
    }
}
