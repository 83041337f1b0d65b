//! The reference evaluator: walks the document as written for every request.
//!
//! It favours being obviously right over being fast; [`crate::CompiledPolicy`] is the fast
//! path and a property test holds it to exactly these decisions.

use crate::glob::{Case, Glob, StarScope};
use crate::json_path;
use crate::template;
use crate::{
    ActionClause, Condition, ConditionEntry, ConditionOperator, OperatorKind, PolicyDocument,
    PrincipalClause, ResourceClause, ResourcePattern, Statement,
};

use super::conditions::{Tri, any_prepared, combine_entries, evaluate_entry, evaluate_null};
use super::principals::PrincipalMatcher;
use super::values::{PreparedValue, parse_bool, resolve_policy_value};
use super::{Aggregator, Evaluation, Request};

impl PolicyDocument {
    /// Evaluates `request` against this policy alone.
    ///
    /// ```
    /// use iam_policy::{Decision, PolicyDocument, Request};
    /// let doc: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {
    ///     "Effect": "Allow", "Action": "s3:GetObject",
    ///     "Resource": "arn:aws:s3:::home/${aws:username}/*"}}"#.parse().unwrap();
    /// let own = Request::new("s3:GetObject", "arn:aws:s3:::home/bob/notes.txt")
    ///     .with_context("aws:username", "bob");
    /// assert_eq!(doc.evaluate(&own).decision, Decision::Allow);
    /// let other = own.clone().with_context("aws:username", "eve");
    /// assert_eq!(doc.evaluate(&other).decision, Decision::ImplicitDeny);
    /// ```
    pub fn evaluate(&self, request: &Request) -> Evaluation {
        let variables = self.supports_variables();
        let mut aggregator = Aggregator::default();
        for (index, statement) in self.statements().iter().enumerate() {
            if !applies_ignoring_condition(statement, request, variables) {
                continue;
            }
            let condition = match &statement.condition {
                Some(condition) => {
                    evaluate_condition(condition, request, variables, &self.statement_path(index))
                }
                None => Tri::True,
            };
            match condition {
                Tri::True => aggregator.applied(index, statement.sid.as_deref(), statement.effect),
                Tri::False => {}
                Tri::Unknown { path, reason } => {
                    aggregator.unevaluable(index, statement.effect, path, reason)
                }
            }
        }
        aggregator.finish()
    }
}

fn applies_ignoring_condition(statement: &Statement, request: &Request, variables: bool) -> bool {
    principal_applies(statement, request)
        && action_applies(statement, request)
        && resource_applies(statement, request, variables)
}

/// Does the statement's `Principal` / `NotPrincipal` cover the caller?
pub(super) fn principal_applies(statement: &Statement, request: &Request) -> bool {
    match &statement.principal {
        None => true,
        Some(PrincipalClause::Principal(p)) => {
            PrincipalMatcher::new(p).matches(request.principal.as_ref())
        }
        Some(PrincipalClause::NotPrincipal(p)) => PrincipalMatcher::new(p)
            .not_principal_applies(statement.effect, request.principal.as_ref()),
    }
}

/// Does the statement's `Action` / `NotAction` cover the request's action?
pub(super) fn action_applies(statement: &Statement, request: &Request) -> bool {
    match &statement.action {
        ActionClause::Action(patterns) => patterns.iter().any(|p| p.matches(&request.action)),
        ActionClause::NotAction(patterns) => !patterns.iter().any(|p| p.matches(&request.action)),
    }
}

/// Does the statement's `Resource` / `NotResource` cover the request's resource?
pub(super) fn resource_applies(statement: &Statement, request: &Request, variables: bool) -> bool {
    match &statement.resource {
        None => true,
        Some(ResourceClause::Resource(patterns)) => patterns
            .iter()
            .any(|p| resource_matches(p, request, variables) == Some(true)),
        // A pattern whose variable has no value cannot be matched ("any attempt to match it
        // fails", IAM User Guide, "Variables and tags"), so it cannot show that the resource
        // is outside the list either: `NotResource` then does not apply.
        Some(ResourceClause::NotResource(patterns)) => !patterns
            .iter()
            .any(|p| resource_matches(p, request, variables) != Some(false)),
    }
}

/// Whether `pattern` matches the request's resource; `None` when a policy variable in it has
/// no value in the request.
fn resource_matches(pattern: &ResourcePattern, request: &Request, variables: bool) -> Option<bool> {
    if variables && pattern.has_variables() {
        let segments = template::parse(pattern.as_str());
        template::resolve_glob(
            &segments,
            request,
            StarScope::ResourceSegment,
            Case::Sensitive,
        )
        .map(|glob| glob.matches(&request.resource))
    } else {
        Some(
            Glob::from_pattern(
                pattern.as_str(),
                StarScope::ResourceSegment,
                Case::Sensitive,
            )
            .matches(&request.resource),
        )
    }
}

fn evaluate_condition(
    condition: &Condition,
    request: &Request,
    variables: bool,
    statement_path: &str,
) -> Tri {
    let condition_path = json_path::child(statement_path, "Condition");
    combine_entries(condition.blocks.iter().flat_map(|block| {
        let block_path = json_path::child(&condition_path, &block.operator.to_string());
        block.entries.iter().map(move |entry| {
            let path = json_path::child(&block_path, &entry.key);
            match evaluate_entry_at(&block.operator, entry, request, variables) {
                Ok(true) => Tri::True,
                Ok(false) => Tri::False,
                Err(reason) => Tri::Unknown { path, reason },
            }
        })
    }))
}

pub(super) fn evaluate_entry_at(
    operator: &ConditionOperator,
    entry: &ConditionEntry,
    request: &Request,
    variables: bool,
) -> Result<bool, String> {
    let (kind, qualifier, if_exists) = match operator {
        ConditionOperator::Unknown(name) => {
            return Err(super::conditions::unknown_operator_reason(name));
        }
        ConditionOperator::Known {
            kind,
            qualifier,
            if_exists,
        } => (*kind, *qualifier, *if_exists),
    };
    let present = request.context(&entry.key).map(|v| v.values());
    if kind == OperatorKind::Null {
        let expected = entry
            .values
            .iter()
            .map(|v| {
                parse_bool(&v.as_text())
                    .ok_or_else(|| super::conditions::null_value_reason(&v.as_text()))
            })
            .collect::<Result<Vec<bool>, String>>()?;
        return Ok(evaluate_null(present, &expected));
    }
    let texts: Vec<_> = entry.values.iter().map(|value| value.as_text()).collect();
    let is_template =
        |text: &str| variables && kind.supports_variables() && template::has_variables(text);
    // A value without variables that the operator cannot read makes the entry unevaluable
    // before any variable is substituted (the compiled form finds those when it compiles).
    for text in texts.iter().filter(|text| !is_template(text)) {
        PreparedValue::prepare(kind, text)?;
    }
    let prepared = texts
        .iter()
        .map(|text| {
            if is_template(text) {
                resolve_policy_value(kind, &template::parse(text), request)
            } else {
                PreparedValue::prepare(kind, text).map(Some)
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    evaluate_entry(
        kind,
        qualifier,
        if_exists,
        present,
        any_prepared(kind, &prepared),
    )
}
