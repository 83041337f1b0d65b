//! `CompiledPolicy`: a policy prepared once for many decisions.
//!
//! Globs are compiled, principals, numbers, dates and CIDR blocks parsed, and unusable
//! condition values found, when the policy is compiled; a decision then only matches. Only
//! values holding policy variables are resolved per request. A property test checks that it
//! decides exactly as [`PolicyDocument::evaluate`] does.

use crate::eval::conditions_api::{
    Tri, any_prepared, combine_entries, evaluate_entry, evaluate_null, null_value_reason,
    unknown_operator_reason,
};
use crate::eval::principals::PrincipalMatcher;
use crate::eval::values::{PreparedValue, parse_bool, resolve_policy_value};
use crate::eval::{Aggregator, Decision, Evaluation, Request};
use crate::glob::{Case, Glob, StarScope};
use crate::json_path;
use crate::template::{self, Segment};
use crate::{
    ActionClause, ConditionOperator, Effect, OperatorKind, PolicyDocument, PrincipalClause,
    ResourceClause, SetQualifier,
};

/// A policy compiled for fast, repeated evaluation.
///
/// ```
/// use iam_policy::{CompiledPolicy, Decision, PolicyDocument, Request};
/// let doc: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
///     {"Effect": "Deny", "Action": "*", "Resource": "*",
///      "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
/// ]}"#.parse().unwrap();
/// let compiled = CompiledPolicy::new(&doc);
/// let inside = Request::new("ec2:DescribeInstances", "*").with_context("aws:SourceIp", "203.0.113.9");
/// let outside = inside.clone().with_context("aws:SourceIp", "198.51.100.1");
/// assert_eq!(compiled.decide(&inside), Decision::Allow);
/// assert_eq!(compiled.decide(&outside), Decision::ExplicitDeny);
/// assert_eq!(compiled.evaluate(&outside), doc.evaluate(&outside));
/// ```
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    statements: Vec<CompiledStatement>,
    /// For each service prefix named in an `Action` (lowercase), the statements naming it, in
    /// document order: a decision visits only the statements that can match its action.
    by_service: Vec<(String, Vec<usize>)>,
    /// Statements that may match any service (`NotAction`, or an `Action` pattern such as
    /// `*` without a service prefix), in document order.
    any_service: Vec<usize>,
}

#[derive(Debug, Clone)]
struct CompiledStatement {
    index: usize,
    sid: Option<String>,
    effect: Effect,
    principal: PrincipalTest,
    actions: Vec<Glob>,
    /// The service prefixes of `Action` (lowercase, deduplicated), `None` when a pattern is
    /// `*` or the clause is `NotAction`: a cheap necessary condition checked before the globs.
    action_services: Option<Vec<String>>,
    not_action: bool,
    resources: Option<(Vec<ResourceMatcher>, bool)>,
    condition: Vec<CompiledEntry>,
}

#[derive(Debug, Clone)]
enum PrincipalTest {
    None,
    Principal(PrincipalMatcher),
    NotPrincipal(PrincipalMatcher),
}

#[derive(Debug, Clone)]
enum ResourceMatcher {
    Static(Glob),
    Template(Vec<Segment>),
}

#[derive(Debug, Clone)]
struct CompiledEntry {
    path: String,
    test: EntryTest,
}

#[derive(Debug, Clone)]
enum EntryTest {
    /// The entry can never be evaluated (unknown operator, malformed policy value).
    Broken(String),
    Null {
        key: String,
        expected: Vec<bool>,
    },
    Compare {
        kind: OperatorKind,
        qualifier: Option<SetQualifier>,
        if_exists: bool,
        key: String,
        values: Vec<CompiledValue>,
        /// True when no value needs per-request substitution.
        all_static: bool,
    },
}

#[derive(Debug, Clone)]
enum CompiledValue {
    Static(PreparedValue),
    Template(Vec<Segment>),
}

impl CompiledPolicy {
    /// Compiles `document`. Compilation never fails: what cannot be evaluated is recorded and
    /// reported by every evaluation that reaches it, exactly as the interpreter does.
    pub fn new(document: &PolicyDocument) -> CompiledPolicy {
        let variables = document.supports_variables();
        let statements: Vec<CompiledStatement> = document
            .statements()
            .iter()
            .enumerate()
            .map(|(index, statement)| {
                let statement_path = document.statement_path(index);
                let principal = match &statement.principal {
                    None => PrincipalTest::None,
                    Some(PrincipalClause::Principal(p)) => {
                        PrincipalTest::Principal(PrincipalMatcher::new(p))
                    }
                    Some(PrincipalClause::NotPrincipal(p)) => {
                        PrincipalTest::NotPrincipal(PrincipalMatcher::new(p))
                    }
                };
                let (patterns, not_action) = match &statement.action {
                    ActionClause::Action(p) => (p, false),
                    ActionClause::NotAction(p) => (p, true),
                };
                let resources = statement.resource.as_ref().map(|clause| {
                    let (patterns, not) = match clause {
                        ResourceClause::Resource(p) => (p, false),
                        ResourceClause::NotResource(p) => (p, true),
                    };
                    let matchers = patterns
                        .iter()
                        .map(|p| {
                            if variables && p.has_variables() {
                                ResourceMatcher::Template(template::parse(p.as_str()))
                            } else {
                                ResourceMatcher::Static(Glob::from_pattern(
                                    p.as_str(),
                                    StarScope::ResourceSegment,
                                    Case::Sensitive,
                                ))
                            }
                        })
                        .collect();
                    (matchers, not)
                });
                let condition = statement
                    .condition
                    .iter()
                    .flat_map(|c| {
                        let condition_path = json_path::child(&statement_path, "Condition");
                        c.blocks.iter().flat_map(move |block| {
                            let block_path =
                                json_path::child(&condition_path, &block.operator.to_string());
                            block.entries.iter().map(move |entry| CompiledEntry {
                                path: json_path::child(&block_path, &entry.key),
                                test: compile_entry(&block.operator, &entry.key, entry, variables),
                            })
                        })
                    })
                    .collect();
                CompiledStatement {
                    index,
                    sid: statement.sid.clone(),
                    effect: statement.effect,
                    principal,
                    actions: patterns.iter().map(|p| p.glob()).collect(),
                    action_services: action_services(patterns, not_action),
                    not_action,
                    resources,
                    condition,
                }
            })
            .collect();
        let mut by_service: Vec<(String, Vec<usize>)> = Vec::new();
        let mut any_service = Vec::new();
        for (position, statement) in statements.iter().enumerate() {
            match &statement.action_services {
                None => any_service.push(position),
                Some(services) => {
                    for service in services {
                        match by_service.iter_mut().find(|(s, _)| s == service) {
                            Some((_, positions)) => positions.push(position),
                            None => by_service.push((service.clone(), vec![position])),
                        }
                    }
                }
            }
        }
        CompiledPolicy {
            statements,
            by_service,
            any_service,
        }
    }

    /// The statements that may match an action of `service`, in document order: those naming
    /// the service in `Action` merged with those that may match any service. (A pattern
    /// `svc:Name` can only match an action that starts with `svc:`.)
    fn candidates<'a>(&'a self, service: &str) -> impl Iterator<Item = &'a CompiledStatement> {
        let named: &[usize] = self
            .by_service
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(service))
            .map_or(&[], |(_, positions)| positions.as_slice());
        Merged {
            a: named,
            b: &self.any_service,
        }
        .filter_map(|position| self.statements.get(position))
    }

    /// The decision alone, without allocating: stops at the first applicable `Deny`.
    pub fn decide(&self, request: &Request) -> Decision {
        let service = action_service(&request.action);
        let mut allowed = false;
        let mut deny_unknown = false;
        for statement in self.candidates(service) {
            if !statement.applies_ignoring_condition(request) {
                continue;
            }
            match (statement.condition_result(request), statement.effect) {
                (Tri::True, Effect::Deny) => return Decision::ExplicitDeny,
                (Tri::True, Effect::Allow) => allowed = true,
                (Tri::Unknown { .. }, Effect::Deny) => deny_unknown = true,
                _ => {}
            }
        }
        crate::eval::decide_outcome(false, deny_unknown, allowed)
    }

    /// The full evaluation: the same [`Evaluation`] as [`PolicyDocument::evaluate`].
    pub fn evaluate(&self, request: &Request) -> Evaluation {
        let service = action_service(&request.action);
        let mut aggregator = Aggregator::default();
        for statement in self.candidates(service) {
            if !statement.applies_ignoring_condition(request) {
                continue;
            }
            match statement.condition_result(request) {
                Tri::True => {
                    aggregator.applied(statement.index, statement.sid.as_deref(), statement.effect)
                }
                Tri::False => {}
                Tri::Unknown { path, reason } => {
                    aggregator.unevaluable(statement.index, statement.effect, path, reason)
                }
            }
        }
        aggregator.finish()
    }
}

impl From<&PolicyDocument> for CompiledPolicy {
    fn from(document: &PolicyDocument) -> Self {
        CompiledPolicy::new(document)
    }
}

/// Two ascending lists of statement positions, merged in ascending order.
struct Merged<'a> {
    a: &'a [usize],
    b: &'a [usize],
}

impl Iterator for Merged<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(a), Some(b)) => a < b,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let list = if take_a { &mut self.a } else { &mut self.b };
        let (first, rest) = list.split_first()?;
        *list = rest;
        Some(*first)
    }
}

/// The part of an action before its first colon (the whole text when there is none).
fn action_service(action: &str) -> &str {
    action
        .split_once(':')
        .map_or(action, |(service, _)| service)
}

fn action_services(
    patterns: &crate::OneOrMany<crate::ActionPattern>,
    not_action: bool,
) -> Option<Vec<String>> {
    if not_action {
        return None;
    }
    let mut services: Vec<String> = Vec::new();
    for pattern in patterns {
        let service = pattern.service()?.to_ascii_lowercase();
        if !services.contains(&service) {
            services.push(service);
        }
    }
    Some(services)
}

fn compile_entry(
    operator: &ConditionOperator,
    key: &str,
    entry: &crate::ConditionEntry,
    variables: bool,
) -> EntryTest {
    let (kind, qualifier, if_exists) = match operator {
        ConditionOperator::Unknown(name) => {
            return EntryTest::Broken(unknown_operator_reason(name));
        }
        ConditionOperator::Known {
            kind,
            qualifier,
            if_exists,
        } => (*kind, *qualifier, *if_exists),
    };
    if kind == OperatorKind::Null {
        let expected: Result<Vec<bool>, String> = entry
            .values
            .iter()
            .map(|v| parse_bool(&v.as_text()).ok_or_else(|| null_value_reason(&v.as_text())))
            .collect();
        return match expected {
            Ok(expected) => EntryTest::Null {
                key: key.to_owned(),
                expected,
            },
            Err(reason) => EntryTest::Broken(reason),
        };
    }
    let values: Result<Vec<CompiledValue>, String> = entry
        .values
        .iter()
        .map(|value| {
            let text = value.as_text();
            if variables && kind.supports_variables() && template::has_variables(&text) {
                Ok(CompiledValue::Template(template::parse(&text)))
            } else {
                PreparedValue::prepare(kind, &text).map(CompiledValue::Static)
            }
        })
        .collect();
    match values {
        Ok(values) => EntryTest::Compare {
            kind,
            qualifier,
            if_exists,
            key: key.to_owned(),
            all_static: values.iter().all(|v| matches!(v, CompiledValue::Static(_))),
            values,
        },
        Err(reason) => EntryTest::Broken(reason),
    }
}

impl CompiledStatement {
    /// Whether principal, action and resource match; the caller has already checked the
    /// service prefix (see `CompiledPolicy::candidates`).
    fn applies_ignoring_condition(&self, request: &Request) -> bool {
        let principal = match &self.principal {
            PrincipalTest::None => true,
            PrincipalTest::Principal(m) => m.matches(request.principal.as_ref()),
            PrincipalTest::NotPrincipal(m) => {
                m.not_principal_applies(self.effect, request.principal.as_ref())
            }
        };
        if !principal {
            return false;
        }
        if self.actions.iter().any(|g| g.matches(&request.action)) == self.not_action {
            return false;
        }
        match &self.resources {
            None => true,
            Some((matchers, not)) => {
                // `None`: a policy variable without a value, which matches neither way (see
                // the interpreter's `applies_ignoring_condition`).
                let outcome = |m: &ResourceMatcher| match m {
                    ResourceMatcher::Static(glob) => Some(glob.matches(&request.resource)),
                    ResourceMatcher::Template(segments) => template::resolve_glob(
                        segments,
                        request,
                        StarScope::ResourceSegment,
                        Case::Sensitive,
                    )
                    .map(|glob| glob.matches(&request.resource)),
                };
                if *not {
                    !matchers.iter().any(|m| outcome(m) != Some(false))
                } else {
                    matchers.iter().any(|m| outcome(m) == Some(true))
                }
            }
        }
    }

    fn condition_result(&self, request: &Request) -> Tri {
        combine_entries(self.condition.iter().map(|entry| {
            let result = match &entry.test {
                EntryTest::Broken(reason) => Err(reason.clone()),
                EntryTest::Null { key, expected } => Ok(evaluate_null(
                    request.context(key).map(|v| v.values()),
                    expected,
                )),
                EntryTest::Compare {
                    kind,
                    qualifier,
                    if_exists,
                    key,
                    values,
                    all_static,
                } => {
                    let present = request.context(key).map(|v| v.values());
                    if *all_static {
                        evaluate_entry(*kind, *qualifier, *if_exists, present, |value| {
                            // Every value is tried (no short cut), as `any_prepared` does.
                            values.iter().try_fold(false, |matched, v| {
                                Some(
                                    matched
                                        | match v {
                                            CompiledValue::Static(p) => p.test(*kind, value)?,
                                            CompiledValue::Template(_) => false,
                                        },
                                )
                            })
                        })
                    } else {
                        values
                            .iter()
                            .map(|v| match v {
                                CompiledValue::Static(p) => Ok(Some(p.clone())),
                                CompiledValue::Template(segments) => {
                                    resolve_policy_value(*kind, segments, request)
                                }
                            })
                            .collect::<Result<Vec<Option<PreparedValue>>, String>>()
                            .and_then(|resolved| {
                                evaluate_entry(
                                    *kind,
                                    *qualifier,
                                    *if_exists,
                                    present,
                                    any_prepared(*kind, &resolved),
                                )
                            })
                    }
                }
            };
            match result {
                Ok(true) => Tri::True,
                Ok(false) => Tri::False,
                Err(reason) => Tri::Unknown {
                    path: entry.path.clone(),
                    reason,
                },
            }
        }))
    }
}
