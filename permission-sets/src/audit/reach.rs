//! Can a policy do one step of an escalation path, and is that certain or does it depend on
//! a condition the audit cannot decide?
//!
//! A step is an action, a probe resource (or any resource) and the request context the
//! audit knows for that step (say `iam:PassedToService` for a `PassRole` step). Every
//! statement is traced against that request: a condition entry on a key the step supplies
//! is decided by the evaluator; an entry on any other key (tags, `aws:CalledVia`,
//! `aws:IsMcpServiceAction`, anything unknown) cannot be decided, so the step is only
//! *conditional*, never silently dropped (fail closed). A Deny that applies for certain
//! takes the step back; a Deny that might apply leaves it conditional.
//!
//! Resource tags are the one kind of undecidable key the audit reasons about further: a
//! probe is a resource nobody chose, so it carries no tag the customer reserved, *unless the
//! policy itself can put that tag on an existing resource*. When an `aws:ResourceTag/K` (or
//! `service:ResourceTag/K`) entry compares with fixed values (`StringEquals` and its
//! negated and case-insensitive forms, no wildcard, no policy variable) and no tagging action
//! of the probe's service reaches the probe with that tag key (not even conditionally), the
//! entry is evaluated with the tag absent: the grant is confined to resources someone tagged
//! with that value, as a grant confined to a name prefix the customer chose is. Otherwise
//! (the policy can tag, or the entry is a pattern such as `StringLike "*"`, which names no
//! value, or compares with the caller's own tags) the entry is undecidable and the step
//! conditional.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use iam_policy::{
    ActionClause, ActionMatcher, ConditionResult, ContextValue, Effect, OneOrMany, OperatorKind,
    PolicyDocument, Request, ResourceClause, ResourcePattern, Statement, StatementTrace,
};

use crate::catalog::Catalog;

use super::allowed::Allowed;

/// One step of a path: an action on a probe resource, with the context the audit knows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// The action, as the catalog spells it.
    pub(crate) action: &'static str,
    /// The probe resource; `None` for "some resource", for an action whose target the
    /// principal creates or names itself (a function it creates, a stack it launches).
    pub(crate) resource: Option<&'static str>,
    /// Context keys the step supplies, each with its value: entries on these keys are
    /// decided.
    pub(crate) context: &'static [(&'static str, &'static str)],
    /// Context keys the step knows to be absent from the request: entries on these keys
    /// are decided too (with the key missing).
    pub(crate) absent: &'static [&'static str],
}

impl Step {
    /// `action` on `resource` with no known context.
    pub(crate) const fn on(action: &'static str, resource: &'static str) -> Step {
        Step {
            action,
            resource: Some(resource),
            context: &[],
            absent: &[],
        }
    }

    /// `action` on whatever resource the principal picks.
    pub(crate) const fn anywhere(action: &'static str) -> Step {
        Step {
            action,
            resource: None,
            context: &[],
            absent: &[],
        }
    }

    /// The same step with `context` known.
    pub(crate) const fn with_context(
        self,
        context: &'static [(&'static str, &'static str)],
    ) -> Step {
        Step { context, ..self }
    }
}

/// How a policy reaches a step: the Allow statement that grants it, and whether that
/// depends on a condition the audit cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reached {
    /// Index of the granting Allow statement.
    pub(crate) statement: usize,
    /// True when the grant, or a Deny that might take it back, depends on an undecidable
    /// condition.
    pub(crate) conditional: bool,
}

impl Reached {
    /// The better of two ways to reach a step: an unconditional one, else the first.
    pub(crate) fn best(a: Option<Reached>, b: Option<Reached>) -> Option<Reached> {
        match (a, b) {
            (Some(a), Some(b)) if a.conditional && !b.conditional => Some(b),
            (Some(a), _) => Some(a),
            (None, b) => b,
        }
    }
}

/// What one statement's conditions say about a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Every entry is decided and met (or there is none).
    Applies,
    /// No decided entry fails, but some entry cannot be decided.
    Maybe,
    /// A decided entry is not met.
    No,
}

/// A statement's `Action` / `NotAction`, compiled once: each pattern's lowercase service
/// (`None` for `*`) and matcher.
struct ActionFilter {
    not_action: bool,
    patterns: Vec<(Option<String>, ActionMatcher)>,
}

impl ActionFilter {
    fn new(statement: &Statement) -> ActionFilter {
        let (not_action, list) = match &statement.action {
            ActionClause::Action(list) => (false, list),
            ActionClause::NotAction(list) => (true, list),
        };
        ActionFilter {
            not_action,
            patterns: list
                .iter()
                .map(|p| (p.service().map(str::to_ascii_lowercase), p.matcher()))
                .collect(),
        }
    }

    /// Does the clause cover `action` (whose service, lowercase, is `service`)?
    fn covers(&self, service: &str, action: &str) -> bool {
        let matched = self.patterns.iter().any(|(prefix, matcher)| {
            prefix.as_deref().is_none_or(|p| p == service) && matcher.matches(action)
        });
        matched != self.not_action
    }
}

/// A subset's statement indices and the service of the resources it is pruned for.
type SubsetKey = (Vec<usize>, Option<String>);

/// The statements whose action clause covers one action, as a document of their own (so a
/// trace looks at them alone), with their indices in the audited document.
struct Subset {
    doc: PolicyDocument,
    indices: Vec<usize>,
    /// True when a statement has conditions or policy variables, so the request context
    /// can change its trace.
    uses_context: bool,
    /// Traces by resource and (when it matters) context.
    traces: RefCell<HashMap<String, Rc<Vec<StatementTrace>>>>,
}

/// The policy under audit, with what the reachability checks need. Each step traces only
/// the statements that cover its action (found with matchers compiled once), and those
/// subsets and the tag-confinement answers are cached, so a step costs what its own
/// statements cost, not the whole document's.
pub(crate) struct Reachability<'a> {
    catalog: &'a Catalog,
    doc: &'a PolicyDocument,
    allowed: &'a Allowed<'a>,
    filters: OnceCell<Vec<ActionFilter>>,
    subsets: RefCell<HashMap<SubsetKey, Rc<Subset>>>,
    confined: RefCell<HashMap<(&'static str, String), bool>>,
    /// Tests only: trace the whole document, the reference the subsets must agree with.
    #[cfg(test)]
    whole_document: bool,
}

impl<'a> Reachability<'a> {
    pub(crate) fn new(
        catalog: &'a Catalog,
        doc: &'a PolicyDocument,
        allowed: &'a Allowed<'a>,
    ) -> Reachability<'a> {
        Reachability {
            catalog,
            doc,
            allowed,
            filters: OnceCell::new(),
            subsets: RefCell::new(HashMap::new()),
            confined: RefCell::new(HashMap::new()),
            #[cfg(test)]
            whole_document: false,
        }
    }

    /// The statements covering `action`, traced against `request`: each trace with its
    /// statement and its index in the audited document.
    fn trace(&self, request: &Request) -> (Vec<(usize, &'a Statement)>, Rc<Vec<StatementTrace>>) {
        #[cfg(test)]
        if self.whole_document {
            let all = self.doc.statements().iter().enumerate().collect();
            return (all, Rc::new(self.doc.trace(request)));
        }
        let action = request.action.as_str();
        let service = action
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        let filters = self.filters.get_or_init(|| {
            self.doc
                .statements()
                .iter()
                .map(ActionFilter::new)
                .collect()
        });
        let indices: Vec<usize> = filters
            .iter()
            .enumerate()
            .filter(|(_, f)| f.covers(&service, action))
            .map(|(i, _)| i)
            .collect();
        if indices.is_empty() {
            return (Vec::new(), Rc::new(Vec::new()));
        }
        // The subset also keeps only the resource patterns that can match the request's
        // resource: `*`, those of its service (IAM allows no wildcard in an ARN's service
        // part), and those with policy variables. The others cannot match, so dropping them
        // changes neither `Resource` nor `NotResource`, and a statement with thousands of
        // ARNs of another service costs one comparison per ARN, once.
        let service_of_resource = request.resource.split(':').nth(2).map(str::to_owned);
        let subset = {
            let mut cache = self.subsets.borrow_mut();
            Rc::clone(
                cache
                    .entry((indices, service_of_resource))
                    .or_insert_with_key(|(indices, service)| {
                        let statements = self.doc.statements();
                        Rc::new(Subset {
                            doc: PolicyDocument {
                                version: self.doc.version,
                                id: None,
                                statement: OneOrMany::Many(
                                    indices
                                        .iter()
                                        .filter_map(|&i| statements.get(i))
                                        .map(|st| pruned(st, service.as_deref()))
                                        .collect(),
                                ),
                            },
                            indices: indices.clone(),
                            uses_context: indices.iter().filter_map(|&i| statements.get(i)).any(
                                |st| {
                                    st.condition.as_ref().is_some_and(|c| !c.is_empty())
                                        || st.resource.as_ref().is_some_and(|r| {
                                            r.patterns().iter().any(|p| p.has_variables())
                                        })
                                },
                            ),
                            traces: RefCell::new(HashMap::new()),
                        })
                    }),
            )
        };
        // The traces depend on the statements, the resource and the context, not on the
        // action (the subset covers it by construction, and no condition key is derived from
        // it): steps that share them share one trace.
        let mut key = request.resource.clone();
        for (k, v) in request.context_entries().filter(|_| subset.uses_context) {
            key.push('\n');
            key.push_str(k);
            for value in v.values() {
                key.push('\t');
                key.push_str(value);
            }
        }
        let cached = subset.traces.borrow().get(&key).cloned();
        let traces = match cached {
            Some(traces) => traces,
            None => {
                let traces = Rc::new(subset.doc.trace(request));
                subset.traces.borrow_mut().insert(key, Rc::clone(&traces));
                traces
            }
        };
        let statements = self.doc.statements();
        let aligned = subset
            .indices
            .iter()
            .filter_map(|&i| Some((i, statements.get(i)?)))
            .collect();
        (aligned, traces)
    }

    /// How the policy reaches `step`, if it does.
    pub(crate) fn reach(&self, step: &Step) -> Option<Reached> {
        // Most policies allow few of the steps' actions: the expanded table answers those
        // without tracing the document.
        self.allowed.get(step.action)?;
        self.reach_at(step, true)
    }

    /// The first of `steps` the policy reaches unconditionally, else the first it reaches
    /// conditionally, with its action.
    pub(crate) fn any_of(&self, steps: &[Step]) -> Option<(&'static str, Reached)> {
        let mut best: Option<(&'static str, Reached)> = None;
        for step in steps {
            let Some(reached) = self.reach(step) else {
                continue;
            };
            if !reached.conditional {
                return Some((step.action, reached));
            }
            best.get_or_insert((step.action, reached));
        }
        best
    }

    /// How the policy completes a path (every requirement met by one of its steps): the
    /// action and grant meeting the first requirement, conditional when any requirement is
    /// met only conditionally.
    pub(crate) fn path(&self, needs: &[&[Step]]) -> Option<(&'static str, Reached)> {
        let mut first: Option<(&'static str, Reached)> = None;
        let mut conditional = false;
        for need in needs {
            let (action, reached) = self.any_of(need)?;
            conditional |= reached.conditional;
            first.get_or_insert((action, reached));
        }
        first.map(|(action, reached)| {
            (
                action,
                Reached {
                    conditional,
                    ..reached
                },
            )
        })
    }

    fn reach_at(&self, step: &Step, reason_about_tags: bool) -> Option<Reached> {
        let mut request = Request::new(step.action, step.resource.unwrap_or("*"));
        for (key, value) in step.context {
            request.set_context(*key, ContextValue::from(*value));
        }
        let mut allowed: Option<Reached> = None;
        let mut deny_maybe = false;
        let (statements, traces) = self.trace(&request);
        for (&(index, statement), trace) in statements.iter().zip(traces.iter()) {
            if !trace.principal || !trace.action || !self.resource_covered(step, statement, trace) {
                continue;
            }
            let verdict = self.verdict(step, statement, trace, reason_about_tags);
            match (statement.effect, verdict) {
                (_, Verdict::No) => {}
                (Effect::Deny, Verdict::Applies) => return None,
                (Effect::Deny, Verdict::Maybe) => deny_maybe = true,
                (Effect::Allow, verdict) => {
                    allowed = Reached::best(
                        allowed,
                        Some(Reached {
                            statement: index,
                            conditional: verdict == Verdict::Maybe,
                        }),
                    );
                }
            }
        }
        allowed.map(|r| Reached {
            conditional: r.conditional || deny_maybe,
            ..r
        })
    }

    /// Does the statement cover the step's resource? For a step on "some resource", any
    /// Allow covers it, and a Deny only when it names every resource.
    fn resource_covered(&self, step: &Step, statement: &Statement, trace: &StatementTrace) -> bool {
        if step.resource.is_some() {
            return trace.resource;
        }
        match statement.effect {
            Effect::Allow => true,
            Effect::Deny => match &statement.resource {
                None => true,
                Some(ResourceClause::Resource(list)) => list.iter().any(|r| r.is_any()),
                Some(ResourceClause::NotResource(_)) => false,
            },
        }
    }

    fn verdict(
        &self,
        step: &Step,
        statement: &Statement,
        trace: &StatementTrace,
        reason_about_tags: bool,
    ) -> Verdict {
        let mut verdict = Verdict::Applies;
        for entry in &trace.conditions {
            let decided = is_supplied(step, &entry.key)
                || (reason_about_tags
                    && names_fixed_tag_values(statement, &entry.operator, &entry.key)
                    && self.tag_is_confined(step, &entry.key));
            match (&entry.result, decided) {
                (ConditionResult::NotMet, true) => return Verdict::No,
                (ConditionResult::Met, true) => {}
                _ => verdict = Verdict::Maybe,
            }
        }
        verdict
    }

    /// True when `key` is a resource-tag key and the policy cannot put that tag on the
    /// step's probe resource (so the probe does not carry it).
    fn tag_is_confined(&self, step: &Step, key: &str) -> bool {
        let (Some(resource), Some(tag)) = (step.resource, resource_tag_key(key)) else {
            return false;
        };
        let cache_key = (resource, tag.to_owned());
        if let Some(&known) = self.confined.borrow().get(&cache_key) {
            return known;
        }
        let confined = self.cannot_tag(resource, tag);
        self.confined.borrow_mut().insert(cache_key, confined);
        confined
    }

    /// True when no tagging action of `resource`'s service reaches it with the tag key `tag`.
    fn cannot_tag(&self, resource: &'static str, tag: &str) -> bool {
        let Some(service) = resource.split(':').nth(2) else {
            return false;
        };
        let Some(service) = self.catalog.service(service) else {
            return false;
        };
        let tag_keys = [("aws:TagKeys", tag)];
        service
            .actions()
            .iter()
            .filter(|a| adds_tags(a))
            .all(|tagger| {
                let tagging = Step {
                    action: tagger.full_name(),
                    resource: Some(resource),
                    context: &[],
                    // Tagging an existing resource is not part of a create call.
                    absent: &["ec2:CreateAction"],
                };
                self.reach_tagging(&tagging, &tag_keys).is_none()
            })
    }

    /// [`Reachability::reach_at`] for a tagging step with the tag key in `aws:TagKeys`,
    /// without reasoning about tags again.
    fn reach_tagging(&self, step: &Step, tag_keys: &[(&str, &str)]) -> Option<Reached> {
        let mut request = Request::new(step.action, step.resource.unwrap_or("*"));
        for (key, value) in tag_keys {
            request.set_context(*key, ContextValue::from(*value));
        }
        let mut allowed = None;
        let (statements, traces) = self.trace(&request);
        for (&(index, statement), trace) in statements.iter().zip(traces.iter()) {
            if !trace.principal || !trace.action || !trace.resource {
                continue;
            }
            let mut verdict = Verdict::Applies;
            for entry in &trace.conditions {
                let decided = is_supplied(step, &entry.key)
                    || tag_keys
                        .iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case(&entry.key));
                match (&entry.result, decided) {
                    (ConditionResult::NotMet, true) => {
                        verdict = Verdict::No;
                        break;
                    }
                    (ConditionResult::Met, true) => {}
                    _ => verdict = Verdict::Maybe,
                }
            }
            match (statement.effect, verdict) {
                (_, Verdict::No) => {}
                (Effect::Deny, Verdict::Applies) => return None,
                // A Deny that might apply leaves tagging possible: fail closed.
                (Effect::Deny, Verdict::Maybe) => {}
                (Effect::Allow, _) => allowed = Some(index),
            }
        }
        allowed.map(|statement| Reached {
            statement,
            conditional: true,
        })
    }
}

/// `statement` with only the resource patterns that can match a resource of `service`
/// (`None`: the resource `*` itself).
fn pruned(statement: &Statement, service: Option<&str>) -> Statement {
    let keep = |p: &ResourcePattern| {
        p.is_any() || p.has_variables() || service.is_some_and(|s| p.service() == Some(s))
    };
    let filter = |list: &OneOrMany<ResourcePattern>| {
        OneOrMany::Many(list.iter().filter(|p| keep(p)).cloned().collect())
    };
    Statement {
        sid: None,
        effect: statement.effect,
        principal: statement.principal.clone(),
        action: statement.action.clone(),
        resource: statement.resource.as_ref().map(|clause| match clause {
            ResourceClause::Resource(list) => ResourceClause::Resource(filter(list)),
            ResourceClause::NotResource(list) => ResourceClause::NotResource(filter(list)),
        }),
        condition: statement.condition.clone(),
    }
}

/// True when the statement's `operator` entry on `key` compares with fixed strings: a
/// `String(Not)Equals(IgnoreCase)` operator and values without wildcards or policy variables.
/// Only such a tag condition names resources someone chose (tagged with that value); a
/// pattern (`StringLike "*"`: any resource with the tag) or a variable (the caller's own
/// tag) does not, so it stays undecidable.
fn names_fixed_tag_values(statement: &Statement, operator: &str, key: &str) -> bool {
    let Some(condition) = &statement.condition else {
        return false;
    };
    let mut entries = condition
        .entries()
        .filter(|(op, entry)| op.to_string() == operator && entry.key == key)
        .peekable();
    entries.peek().is_some()
        && entries.all(|(op, entry)| {
            matches!(
                op.kind(),
                Some(
                    OperatorKind::StringEquals
                        | OperatorKind::StringNotEquals
                        | OperatorKind::StringEqualsIgnoreCase
                        | OperatorKind::StringNotEqualsIgnoreCase
                )
            ) && entry.values.iter().all(|v| {
                let text = v.as_text();
                !text.contains(['*', '?']) && !text.contains("${")
            })
        })
}

/// Is `key` one the step supplies (or knows to be absent)? Keys are case-insensitive.
fn is_supplied(step: &Step, key: &str) -> bool {
    step.context
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(key))
        || step.absent.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The tag key of `aws:ResourceTag/K` or `service:ResourceTag/K` (case-insensitive prefix).
fn resource_tag_key(key: &str) -> Option<&str> {
    let (_, rest) = key.split_once(':')?;
    let prefix = rest.get(..12)?;
    prefix
        .eq_ignore_ascii_case("resourcetag/")
        .then(|| rest.get(12..))
        .flatten()
        .filter(|tag| !tag.is_empty())
}

/// Does the action add tags to an existing resource (a Tagging action that is not an
/// untag, delete, remove or list)?
fn adds_tags(action: &crate::catalog::Action) -> bool {
    let name = action.name().to_ascii_lowercase();
    action.access_level() == crate::AccessLevel::Tagging
        && !["untag", "delete", "remove", "list", "get", "describe"]
            .iter()
            .any(|verb| name.starts_with(verb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::allowed::allowed_actions;
    use crate::audit::paths::{DIRECT, LAUNCHERS, PROBE_ROLE};
    use proptest::prelude::*;

    /// Statements to build policies from: the paths' actions, resources of the probes'
    /// services and others (scoped, wildcard, `NotResource`), decided and undecidable
    /// conditions, Denies.
    fn statement() -> impl Strategy<Value = String> {
        let actions = prop::sample::select(vec![
            "\"*\"",
            "\"iam:*\"",
            "\"iam:PassRole\"",
            "\"ec2:*\"",
            "\"ec2:*Instance*\"",
            "\"ssm:SendCommand\"",
            "\"lambda:*Function*\"",
            "\"cloudformation:*\"",
            "\"ec2:CreateTags\"",
            "[\"iam:Attach*\", \"sts:AssumeRole\"]",
        ]);
        let resources = prop::sample::select(vec![
            r#""Resource": "*""#,
            r#""Resource": ["arn:aws:s3:::b-1*", "arn:aws:s3:::b-2*", "*"]"#,
            r#""Resource": ["arn:aws:s3:::b-1*", "arn:aws:iam::*:role/*"]"#,
            r#""Resource": "arn:aws:iam::*:role/team/*""#,
            r#""Resource": ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:document/AWS-Run*"]"#,
            r#""Resource": "arn:aws:ssm:*:*:document/AWS-RunPatchBaseline""#,
            r#""NotResource": ["arn:aws:s3:::b-1*", "arn:aws:iam::*:role/admin*"]"#,
            r#""Resource": "arn:aws:iam::*:role/${aws:username}""#,
        ]);
        let conditions = prop::sample::select(vec![
            "",
            r#", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}"#,
            r#", "Condition": {"StringLike": {"iam:PassedToService": "ecs*"}}"#,
            r#", "Condition": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}"#,
            r#", "Condition": {"StringEquals": {"aws:ResourceTag/owner": "me"}}"#,
            r#", "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}"#,
            r#", "Condition": {"Bool": {"aws:IsMcpServiceAction": "true"}}"#,
        ]);
        (any::<bool>(), actions, resources, conditions).prop_map(|(deny, a, r, c)| {
            let effect = if deny { "Deny" } else { "Allow" };
            format!(r#"{{"Effect": "{effect}", "Action": {a}, {r}{c}}}"#)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Tracing only the statements that cover a step's action, pruned to the resources
        /// of the probe's service, with traces shared between steps, answers exactly as
        /// tracing the whole document does, for every step of every path.
        #[test]
        fn subsets_answer_as_the_whole_document(statements in prop::collection::vec(statement(), 1..5)) {
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(", "));
            let doc: PolicyDocument = text.parse().unwrap();
            let catalog = Catalog::aws();
            let allowed = allowed_actions(catalog, &doc);
            let fast = Reachability::new(catalog, &doc, &allowed);
            let mut whole = Reachability::new(catalog, &doc, &allowed);
            whole.whole_document = true;
            const PASS: &[(&str, &str)] = &[("iam:PassedToService", "ec2.amazonaws.com")];
            let steps = DIRECT
                .iter()
                .flat_map(|p| p.needs.iter().flat_map(|n| n.iter().copied()))
                .chain(LAUNCHERS.iter().map(|l| Step::anywhere(l.action)))
                .chain([Step::on("iam:PassRole", PROBE_ROLE), Step::on("sts:AssumeRole", PROBE_ROLE)]);
            for step in steps {
                prop_assert_eq!(fast.reach(&step), whole.reach(&step), "{:?} in {}", step, text);
            }
            let step = Step::on("iam:PassRole", PROBE_ROLE);
            let step = Step { context: PASS, ..step };
            prop_assert_eq!(fast.reach(&step), whole.reach(&step), "{}", text);
        }
    }

    #[test]
    fn resource_tag_keys_are_recognised_case_insensitively() {
        assert_eq!(resource_tag_key("aws:ResourceTag/team"), Some("team"));
        assert_eq!(resource_tag_key("ec2:resourcetag/Owner"), Some("Owner"));
        assert_eq!(resource_tag_key("ssm:resourceTag/x"), Some("x"));
        assert_eq!(resource_tag_key("aws:ResourceTag/"), None);
        assert_eq!(resource_tag_key("aws:RequestTag/team"), None);
        assert_eq!(resource_tag_key("aws:CalledVia"), None);
        assert_eq!(resource_tag_key("é:é"), None);
    }
}
