//! The lint checks: validator findings, broad principals, and what the simulations of the
//! vendor's (and a stranger's) AssumeRole reveal.

use iam_policy::json_path;
use iam_policy::{
    Arn, CompiledPolicy, ConditionOperator, ConditionResult, Decision, Effect, FindingCode,
    OperatorKind, PolicyDocument, PolicyKind, PrincipalClause, SetQualifier, Severity,
    SourceLocation, Statement, Validator,
};

use super::{LintCode, LintFinding, TrustExpectation};
use crate::{AssumeRoleAttempt, Simulation, VendorPrincipal, simulate};

const EXTERNAL_ID_KEY: &str = "sts:ExternalId";
/// An id no customer would have written: used to test that a wrong id is refused.
const WRONG_EXTERNAL_ID: &str = "lint-probe-not-the-external-id";

pub(super) fn run(
    expectation: &TrustExpectation,
    doc: &PolicyDocument,
) -> (Vec<LintFinding>, bool) {
    let mut findings = Vec::new();
    validator_findings(expectation.size_limit(), doc, &mut findings);
    super::principals::broad_principals(expectation.vendor(), doc, &mut findings);
    set_operators_on_external_id(doc, &mut findings);
    super::external_id::weak_comparisons(doc, &mut findings);
    super::federation::federated_statements(doc, &mut findings);
    super::principals::non_vendor_principals(expectation.vendor(), doc, &mut findings);

    let Some(stranger_caller) = stranger_session(expectation.vendor()) else {
        // Unreachable: the ARN is assembled from a validated account id. Without it nothing
        // is simulated, so the vendor is not cleared to connect.
        return (findings, false);
    };
    let callers = super::callers::vendor_callers(expectation.vendor(), doc);
    let right_id = expectation.external_id().as_str();
    // The decisions come from the compiled policy (the same Evaluation as the interpreter,
    // without re-reading the principals for every caller); the traced simulation is only run
    // for the refusal that has to be explained.
    let compiled = CompiledPolicy::new(doc);
    let right = |caller: &Arn| call(expectation, caller.clone()).with_external_id(right_id);
    // The vendor may call from any of these principals: it can connect when one of them is
    // allowed with the right External ID.
    let vendor_allowed = callers
        .iter()
        .any(|caller| decide(&compiled, &right(caller)).0 == Decision::Allow);
    // A leak through any of them is a leak.
    let mut leaks: Vec<(usize, &str)> = Vec::new();
    for caller in &callers {
        let missing = decide(&compiled, &call(expectation, caller.clone())).1;
        let wrong = decide(
            &compiled,
            &call(expectation, caller.clone()).with_external_id(WRONG_EXTERNAL_ID),
        )
        .1;
        let found = match (missing, wrong) {
            // One statement lets both through: one finding per cause, not two.
            (Some(a), Some(b)) if a == b => vec![(a, "without an External ID or with a wrong one")],
            (missing_leaks, wrong_leaks) => missing_leaks
                .map(|i| (i, "without an External ID"))
                .into_iter()
                .chain(wrong_leaks.map(|i| (i, "with a wrong External ID")))
                .collect(),
        };
        for leak in found {
            if !leaks.contains(&leak) {
                leaks.push(leak);
            }
        }
    }
    for (index, what) in leaks {
        external_id_leak(expectation, doc, index, what, &mut findings);
    }
    if !vendor_allowed {
        // Explain with the caller that came closest: one some Allow statement trusts.
        let simulated = || callers.iter().map(|caller| simulate(doc, &right(caller)));
        let closest = simulated()
            .find(|s| {
                s.actions.first().is_some_and(|a| {
                    a.traces
                        .iter()
                        .any(|t| t.effect == Effect::Allow && t.principal)
                })
            })
            .or_else(|| simulated().next());
        if let Some(simulation) = &closest {
            let before = findings.len();
            vendor_refused(expectation, doc, simulation, &mut findings);
            if findings.len() == before {
                // A refusal always says why, even when no finer check recognised the cause
                // (an unevaluable condition, an action the vendor's call needs).
                findings.push(LintFinding::new(
                    LintCode::VendorRefused,
                    SourceLocation::path(json_path::child("$", "Statement")),
                    format!(
                        "the vendor's AssumeRole would be refused: {}",
                        simulation.explanation
                    ),
                ));
            }
        } else {
            findings.push(LintFinding::new(
                LintCode::VendorRefused,
                SourceLocation::path(json_path::child("$", "Statement")),
                "no vendor caller could be simulated, so the vendor is not cleared to connect"
                    .to_owned(),
            ));
        }
    }

    let stranger = simulate(
        doc,
        &call(expectation, stranger_caller).with_external_id(expectation.external_id().as_str()),
    );
    let already_broad = findings.iter().any(|f| {
        matches!(
            f.code(),
            LintCode::PrincipalTooBroad | LintCode::OtherAccountsAllowed
        )
    });
    if !already_broad && let Some(index) = allowed_by(&stranger) {
        findings.push(LintFinding::new(
            LintCode::OtherAccountsAllowed,
            SourceLocation::path(doc.statement_path(index)),
            "an account other than the vendor's can assume this role with the External ID"
                .to_owned(),
        ));
    }
    (findings, vendor_allowed)
}

/// The index of the statement that allowed `sts:AssumeRole` when the whole call was allowed.
fn allowed_by(simulation: &Simulation) -> Option<usize> {
    if simulation.decision != Decision::Allow {
        return None;
    }
    simulation
        .actions
        .first()
        .and_then(|a| a.evaluation.deciding_statement())
        .map(|m| m.index)
}

/// The decision on an attempt as [`simulate`] reaches it (the first refused action's
/// decision, else Allow), and the statement that allowed `sts:AssumeRole` when the whole
/// call was allowed.
fn decide(compiled: &CompiledPolicy, attempt: &AssumeRoleAttempt) -> (Decision, Option<usize>) {
    let mut by = None;
    for (i, action) in attempt.actions().into_iter().enumerate() {
        let evaluation = compiled.evaluate(&attempt.to_request(action));
        if evaluation.decision != Decision::Allow {
            return (evaluation.decision, None);
        }
        if i == 0 {
            by = evaluation.deciding_statement().map(|m| m.index);
        }
    }
    (Decision::Allow, by)
}

/// An AssumeRole from `caller` carrying everything the vendor's real call carries.
fn call(expectation: &TrustExpectation, caller: Arn) -> AssumeRoleAttempt {
    let extras = expectation.call();
    let mut attempt = AssumeRoleAttempt::new(caller);
    if let Some(region) = extras.region() {
        attempt = attempt.with_region(region.clone());
    }
    if let Some(identity) = extras.source_identity() {
        attempt = attempt.with_source_identity(identity);
    }
    for (key, value) in extras.tags() {
        attempt = attempt.with_tag(key.clone(), value.clone());
    }
    if let Some(org) = extras.principal_org_id() {
        attempt = attempt.with_context("aws:PrincipalOrgID", org);
    }
    attempt
}

/// The validator's errors, under the trust policy quota `size_limit`.
pub(super) fn validator_findings(
    size_limit: usize,
    doc: &PolicyDocument,
    out: &mut Vec<LintFinding>,
) {
    let kind = PolicyKind::RoleTrustPolicy {
        max_chars: size_limit,
    };
    for finding in Validator::new(kind).validate(doc) {
        if finding.severity != Severity::Error {
            continue;
        }
        let code = if finding.code == FindingCode::PolicySizeExceeded {
            LintCode::SizeLimitExceeded
        } else {
            LintCode::PolicyInvalid
        };
        out.push(LintFinding::from_validation(code, finding));
    }
}

fn set_operators_on_external_id(doc: &PolicyDocument, out: &mut Vec<LintFinding>) {
    for (index, statement) in doc.statements().iter().enumerate() {
        for (operator, entry) in statement.condition.iter().flat_map(|c| c.entries()) {
            if entry.key.eq_ignore_ascii_case(EXTERNAL_ID_KEY) && operator.qualifier().is_some() {
                out.push(LintFinding::new(
                    LintCode::ExternalIdSetOperator,
                    SourceLocation::path(condition_path(doc, index, operator, &entry.key)),
                    format!(
                        "{operator} is meant for multivalued keys; sts:ExternalId has one value"
                    ),
                ));
            }
        }
    }
}

fn stranger_session(vendor: &VendorPrincipal) -> Option<Arn> {
    let account = if vendor.account_id().as_str() == "210987654321" {
        "123456789098"
    } else {
        "210987654321"
    };
    session_arn(vendor, account, "vendor-connector")
}

fn session_arn(vendor: &VendorPrincipal, account: &str, role: &str) -> Option<Arn> {
    format!(
        "arn:{}:sts::{account}:assumed-role/{role}/connection-check",
        vendor.partition()
    )
    .parse()
    .ok()
}

fn condition_path(
    doc: &PolicyDocument,
    index: usize,
    operator: &ConditionOperator,
    key: &str,
) -> String {
    let condition = json_path::child(&doc.statement_path(index), "Condition");
    json_path::child(&json_path::child(&condition, &operator.to_string()), key)
}

/// The code for a refused companion action of the vendor's call.
fn session_action_code(action: &str) -> Option<LintCode> {
    match action {
        "sts:SetSourceIdentity" => Some(LintCode::SourceIdentityNotAllowed),
        "sts:TagSession" => Some(LintCode::TagSessionNotAllowed),
        _ => None,
    }
}

/// The vendor's AssumeRole with the right id is refused: say why.
fn vendor_refused(
    expectation: &TrustExpectation,
    doc: &PolicyDocument,
    simulation: &Simulation,
    out: &mut Vec<LintFinding>,
) {
    // The first action STS refused: sts:AssumeRole, or sts:SetSourceIdentity /
    // sts:TagSession when the vendor's call carries a source identity or session tags.
    let Some(first) = simulation
        .actions
        .iter()
        .find(|a| a.evaluation.decision != Decision::Allow)
    else {
        return;
    };
    if first.evaluation.decision == Decision::ImplicitDeny
        && first.evaluation.unevaluable.is_empty()
        && let Some(code) = session_action_code(first.action)
    {
        // AWS, IAM User Guide, "Passing session tags in AWS STS" and "Monitor and control
        // actions taken with assumed roles": a call that passes session tags needs
        // sts:TagSession, one that sets a source identity needs sts:SetSourceIdentity, in the
        // role's trust policy, besides sts:AssumeRole.
        let location = simulation
            .actions
            .first()
            .and_then(|a| a.evaluation.deciding_statement())
            .map_or_else(
                || json_path::child("$", "Statement"),
                |m| json_path::child(&doc.statement_path(m.index), "Action"),
            );
        out.push(LintFinding::new(
            code,
            SourceLocation::path(location),
            format!(
                "the vendor's AssumeRole is allowed, but its call also needs {}, which no statement allows: {}",
                first.action, simulation.explanation
            ),
        ));
        return;
    }
    if first.evaluation.decision == Decision::ExplicitDeny {
        if let Some(m) = first.evaluation.deciding_statement() {
            out.push(LintFinding::new(
                LintCode::DenyBlocksVendor,
                SourceLocation::path(doc.statement_path(m.index)),
                format!(
                    "this Deny statement matches the vendor's AssumeRole ({}), so the connection is refused",
                    expectation.vendor()
                ),
            ));
        }
        return;
    }
    if !first.evaluation.unevaluable.is_empty() {
        // The validator reports the malformed element itself.
        return;
    }
    let allows: Vec<_> = first
        .traces
        .iter()
        .filter(|t| t.effect == Effect::Allow)
        .collect();
    let trusting: Vec<_> = allows.iter().filter(|t| t.principal).collect();
    if trusting.is_empty() {
        let trusted: Vec<String> = doc
            .statements()
            .iter()
            .filter_map(|s| match &s.principal {
                Some(PrincipalClause::Principal(p)) => Some(
                    p.entries()
                        .map(|(k, id)| format!("{k} {id}"))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        let location = doc
            .statements()
            .iter()
            .position(|s| s.effect == Effect::Allow && s.principal.is_some())
            .map_or_else(
                || json_path::child("$", "Statement"),
                |i| json_path::child(&doc.statement_path(i), "Principal"),
            );
        out.push(LintFinding::new(
            LintCode::VendorNotTrusted,
            SourceLocation::path(location),
            format!(
                "no Allow statement trusts the vendor {}; the policy trusts {}. The vendor's AssumeRole will get AccessDenied",
                expectation.vendor(),
                if trusted.is_empty() { "nobody".to_owned() } else { super::external_id::first_few(&trusted, ", ") }
            ),
        ));
        return;
    }
    let Some(candidate) = trusting.iter().find(|t| t.action && t.resource) else {
        if let Some(first) = trusting.first() {
            out.push(LintFinding::new(
                LintCode::ActionNotAllowed,
                SourceLocation::path(json_path::child(&doc.statement_path(first.index), "Action")),
                "the statement trusting the vendor does not allow sts:AssumeRole".to_owned(),
            ));
        }
        return;
    };
    for condition in candidate
        .conditions
        .iter()
        .filter(|c| c.result == ConditionResult::NotMet)
    {
        if condition.key.eq_ignore_ascii_case(EXTERNAL_ID_KEY) {
            let expected = doc
                .statements()
                .get(candidate.index)
                .map(external_id_values)
                .unwrap_or_default();
            out.push(LintFinding::new(
                LintCode::ExternalIdMismatch,
                SourceLocation::path(condition.path.clone()),
                format!(
                    "the condition expects {} but the vendor sends the External ID {:?}",
                    if expected.is_empty() {
                        "no value".to_owned()
                    } else {
                        super::external_id::first_few(&expected, " or ")
                    },
                    expectation.external_id().as_str()
                ),
            ));
        } else {
            out.push(LintFinding::new(
                LintCode::UnsatisfiableCondition,
                SourceLocation::path(condition.path.clone()),
                format!(
                    "{} on {} is not met by the vendor's AssumeRole",
                    condition.operator, condition.key
                ),
            ));
        }
    }
}

fn external_id_values(statement: &Statement) -> Vec<String> {
    statement
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .filter(|(_, e)| e.key.eq_ignore_ascii_case(EXTERNAL_ID_KEY))
        .flat_map(|(_, e)| {
            e.values
                .iter()
                .map(|v| format!("{:?}", super::external_id::excerpt(&v.as_text())))
        })
        .collect()
}

/// The vendor got in without the right External ID through statement `index`: say why.
fn external_id_leak(
    expectation: &TrustExpectation,
    doc: &PolicyDocument,
    index: usize,
    what: &str,
    out: &mut Vec<LintFinding>,
) {
    let Some(statement) = doc.statements().get(index) else {
        return;
    };
    let any_condition = doc
        .statements()
        .iter()
        .flat_map(|s| s.condition.iter().flat_map(|c| c.entries()))
        .any(|(_, e)| e.key.eq_ignore_ascii_case(EXTERNAL_ID_KEY));
    let path = doc.statement_path(index);
    if !any_condition {
        out.push(LintFinding::new(
            LintCode::ExternalIdMissing,
            SourceLocation::path(path),
            format!(
                "no statement checks sts:ExternalId, so {} can assume the role {what}: any other customer of the vendor could point the vendor at this role",
                expectation.vendor()
            ),
        ));
        return;
    }
    let entries: Vec<_> = statement
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .filter(|(_, e)| e.key.eq_ignore_ascii_case(EXTERNAL_ID_KEY))
        .collect();
    if entries.is_empty() {
        out.push(LintFinding::new(
            LintCode::ExternalIdNotEnforced,
            SourceLocation::path(path),
            format!(
                "this statement trusts the vendor without an External ID condition, so the vendor gets in {what} and the condition elsewhere is bypassed"
            ),
        ));
        return;
    }
    for (operator, entry) in entries {
        let why = match operator {
            ConditionOperator::Known {
                if_exists: true, ..
            } => "IfExists makes the condition true when no External ID is sent".to_owned(),
            ConditionOperator::Known {
                qualifier: Some(SetQualifier::ForAllValues),
                ..
            } => "ForAllValues is true when the key is absent".to_owned(),
            ConditionOperator::Known {
                kind: OperatorKind::StringLike,
                ..
            } if entry
                .values
                .iter()
                .any(|v| v.as_text().contains(['*', '?'])) =>
            {
                "the wildcard in StringLike accepts other External IDs".to_owned()
            }
            ConditionOperator::Known { kind, .. } if kind.is_negated() => {
                format!(
                    "{kind} is true for any External ID except the ones listed, and when none is sent"
                )
            }
            _ => format!("{operator} does not pin sts:ExternalId to one value"),
        };
        out.push(LintFinding::new(
            LintCode::ExternalIdNotEnforced,
            SourceLocation::path(condition_path(doc, index, operator, &entry.key)),
            format!("the vendor can assume the role {what}: {why}"),
        ));
    }
}
