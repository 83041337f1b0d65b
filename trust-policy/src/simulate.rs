//! Offline AssumeRole simulation: would this trust policy let this caller assume the role?
//!
//! Every action STS checks for the [`AssumeRoleAttempt`] must be allowed by the trust policy.
//! The caller's own identity policy must also allow the call; that lives in the vendor's
//! account and is out of scope here.

use iam_policy::{ConditionResult, Decision, Evaluation, PolicyDocument, Request, StatementTrace};

use crate::AssumeRoleAttempt;

/// The outcome of one simulated action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSimulation {
    /// The action, e.g. `sts:AssumeRole`.
    pub action: &'static str,
    /// The evaluation of the trust policy for it.
    pub evaluation: Evaluation,
    /// Per-statement traces (why each statement did or did not apply).
    pub traces: Vec<StatementTrace>,
}

/// The simulated answer: the decision, what decided it, and a sentence explaining it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// `Allow` only when every action STS checks is allowed.
    pub decision: Decision,
    /// Each action checked.
    pub actions: Vec<ActionSimulation>,
    /// Why, in one sentence naming the statement or the unmet condition.
    pub explanation: String,
}

/// Simulates `attempt` against the trust policy `policy`.
///
/// ```
/// use trust_policy::{AssumeRoleAttempt, CrossAccountTrust, Decision, VendorPrincipal, simulate};
/// let trust = CrossAccountTrust::new(
///     VendorPrincipal::account("999988887777".parse()?),
///     "right-id".parse()?,
/// ).policy()?;
/// let caller = "arn:aws:iam::999988887777:role/app".parse()?;
/// let ok = simulate(&trust, &AssumeRoleAttempt::new(caller).with_external_id("right-id"));
/// assert_eq!(ok.decision, Decision::Allow);
/// let caller = "arn:aws:iam::999988887777:role/app".parse()?;
/// let wrong = simulate(&trust, &AssumeRoleAttempt::new(caller).with_external_id("wrong-id"));
/// assert_eq!(wrong.decision, Decision::ImplicitDeny);
/// assert!(wrong.explanation.contains("sts:ExternalId"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn simulate(policy: &PolicyDocument, attempt: &AssumeRoleAttempt) -> Simulation {
    let actions: Vec<ActionSimulation> = attempt
        .actions()
        .into_iter()
        .map(|action| simulate_action(policy, action, &attempt.to_request(action)))
        .collect();
    conclude(actions)
}

/// Simulates one request for one action (a web identity call, which no
/// [`AssumeRoleAttempt`] describes), with the same decision and explanation as [`simulate`].
pub(crate) fn simulate_request(
    policy: &PolicyDocument,
    action: &'static str,
    request: &Request,
) -> Simulation {
    conclude(vec![simulate_action(policy, action, request)])
}

fn simulate_action(
    policy: &PolicyDocument,
    action: &'static str,
    request: &Request,
) -> ActionSimulation {
    ActionSimulation {
        action,
        evaluation: policy.evaluate(request),
        traces: policy.trace(request),
    }
}

fn conclude(actions: Vec<ActionSimulation>) -> Simulation {
    let refused = actions
        .iter()
        .find(|a| a.evaluation.decision != Decision::Allow);
    let (decision, explanation) = match refused {
        None => {
            let by = actions
                .first()
                .and_then(|first| first.evaluation.deciding_statement())
                .map(|m| statement_name(m.index, m.sid.as_deref()))
                .unwrap_or_default();
            (Decision::Allow, format!("allowed by {by}"))
        }
        Some(a) => (a.evaluation.decision, explain_refusal(a)),
    };
    Simulation {
        decision,
        actions,
        explanation,
    }
}

fn statement_name(index: usize, sid: Option<&str>) -> String {
    match sid {
        Some(sid) => format!("statement {index} ({sid})"),
        None => format!("statement {index}"),
    }
}

fn explain_refusal(action: &ActionSimulation) -> String {
    let evaluation = &action.evaluation;
    if evaluation.decision == Decision::ExplicitDeny
        && let Some(m) = evaluation.deciding_statement()
    {
        return format!(
            "{} is explicitly denied by {}",
            action.action,
            statement_name(m.index, m.sid.as_deref())
        );
    }
    if let Some(u) = evaluation.unevaluable.first() {
        return format!(
            "{} is refused: {} at {} could not be evaluated ({})",
            action.action,
            statement_name(u.index, None),
            u.path,
            u.reason
        );
    }
    // The closest Allow: principal and action matched, so only conditions failed.
    let allows = action
        .traces
        .iter()
        .filter(|t| t.effect == iam_policy::Effect::Allow);
    if let Some(t) = allows
        .clone()
        .find(|t| t.principal && t.action && t.resource)
    {
        let unmet: Vec<String> = t
            .conditions
            .iter()
            .filter(|c| c.result == ConditionResult::NotMet)
            .map(|c| format!("{} {} at {}", c.operator, c.key, c.path))
            .collect();
        return format!(
            "{} is not allowed: {} trusts the caller but its condition is not met: {}",
            action.action,
            statement_name(t.index, t.sid.as_deref()),
            unmet.join(", ")
        );
    }
    if allows.clone().any(|t| t.principal && !t.action) {
        return format!(
            "{} is not allowed: the caller is trusted, but not for this action",
            action.action
        );
    }
    format!(
        "{} is not allowed: no statement trusts the caller (the call gets AccessDenied)",
        action.action
    )
}
