//! Offline AssumeRole simulation: would this trust policy let this caller assume the role?
//!
//! What STS evaluates for `AssumeRole` (IAM User Guide, "Session tags", "Monitor and control
//! actions taken with assumed roles"): the trust policy must allow `sts:AssumeRole`, plus
//! `sts:SetSourceIdentity` when a source identity is passed and `sts:TagSession` when session
//! tags are passed; the request context carries `sts:ExternalId`, `sts:SourceIdentity`,
//! `sts:RoleSessionName`, `aws:RequestedRegion`, `aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:RequestTag/KEY` and `aws:TagKeys`. The caller's own identity policy must also allow the
//! call; that lives in the vendor's account and is out of scope here.

use iam_policy::{
    Arn, ConditionResult, ContextValue, Decision, Evaluation, PolicyDocument, Request,
    RequestPrincipal, RoleArn, StatementTrace,
};

/// An `AssumeRole` call to simulate.
///
/// ```
/// use iam_policy::Decision;
/// use trust_policy::{AssumeRoleRequest, CrossAccountTrust, ExternalId, VendorPrincipal, simulate};
/// let trust = CrossAccountTrust::new(
///     VendorPrincipal::account("999988887777".parse().unwrap()),
///     "right-id".parse().unwrap(),
/// ).policy().unwrap();
/// let caller = "arn:aws:iam::999988887777:role/app".parse().unwrap();
/// let ok = simulate(&trust, &AssumeRoleRequest::new(caller).external_id("right-id"));
/// assert_eq!(ok.decision, Decision::Allow);
/// let caller = "arn:aws:iam::999988887777:role/app".parse().unwrap();
/// let wrong = simulate(&trust, &AssumeRoleRequest::new(caller).external_id("wrong-id"));
/// assert_eq!(wrong.decision, Decision::ImplicitDeny);
/// assert!(wrong.explanation.contains("sts:ExternalId"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    caller: Arn,
    role: Option<RoleArn>,
    external_id: Option<String>,
    source_identity: Option<String>,
    session_name: Option<String>,
    region: Option<String>,
    tags: Vec<(String, String)>,
    context: Vec<(String, ContextValue)>,
}

impl AssumeRoleRequest {
    /// A call from `caller` (a role session, user or account root ARN).
    pub fn new(caller: Arn) -> AssumeRoleRequest {
        AssumeRoleRequest {
            caller,
            role: None,
            external_id: None,
            source_identity: None,
            session_name: None,
            region: None,
            tags: Vec::new(),
            context: Vec::new(),
        }
    }

    /// The role being assumed (the request's resource).
    pub fn role(mut self, role: RoleArn) -> Self {
        self.role = Some(role);
        self
    }

    /// The `ExternalId` parameter. Taken as raw text: the point is to simulate what a caller
    /// might send, valid or not.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// The `SourceIdentity` parameter.
    pub fn source_identity(mut self, source_identity: impl Into<String>) -> Self {
        self.source_identity = Some(source_identity.into());
        self
    }

    /// The `RoleSessionName` parameter.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// The region of the STS endpoint called (`aws:RequestedRegion`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A session tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// Any other context key (e.g. `aws:PrincipalOrgID`, `aws:SourceIp`).
    pub fn context(mut self, key: impl Into<String>, value: impl Into<ContextValue>) -> Self {
        self.context.push((key.into(), value.into()));
        self
    }

    /// The actions STS authorizes for this call.
    pub fn actions(&self) -> Vec<&'static str> {
        let mut actions = vec!["sts:AssumeRole"];
        if self.source_identity.is_some() {
            actions.push("sts:SetSourceIdentity");
        }
        if !self.tags.is_empty() {
            actions.push("sts:TagSession");
        }
        actions
    }

    /// The request `iam-policy` evaluates for `action`.
    pub fn to_request(&self, action: &str) -> Request {
        let resource = self
            .role
            .as_ref()
            .map_or_else(|| "*".to_owned(), ToString::to_string);
        let mut request = Request::new(action, resource)
            .with_principal(RequestPrincipal::Aws(self.caller.clone()))
            .with_context("aws:PrincipalArn", principal_arn(&self.caller))
            .with_context("aws:PrincipalAccount", self.caller.account());
        let optional = [
            ("sts:ExternalId", &self.external_id),
            ("sts:SourceIdentity", &self.source_identity),
            ("sts:RoleSessionName", &self.session_name),
            ("aws:RequestedRegion", &self.region),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                request.set_context(key, value.as_str());
            }
        }
        if !self.tags.is_empty() {
            for (key, value) in &self.tags {
                request.set_context(format!("aws:RequestTag/{key}"), value.as_str());
            }
            let keys: Vec<String> = self.tags.iter().map(|(k, _)| k.clone()).collect();
            request.set_context("aws:TagKeys", keys);
        }
        for (key, value) in &self.context {
            request.set_context(key.clone(), value.clone());
        }
        request
    }
}

/// `aws:PrincipalArn` is the role ARN for a role session (not the session ARN).
fn principal_arn(caller: &Arn) -> String {
    if caller.service() == "sts"
        && let Some(rest) = caller.resource().strip_prefix("assumed-role/")
    {
        let role = rest.split('/').next().unwrap_or(rest);
        return format!(
            "arn:{}:iam::{}:role/{role}",
            caller.partition(),
            caller.account()
        );
    }
    caller.to_string()
}

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

/// Simulates `request` against the trust policy `policy`.
pub fn simulate(policy: &PolicyDocument, request: &AssumeRoleRequest) -> Simulation {
    let actions: Vec<ActionSimulation> = request
        .actions()
        .into_iter()
        .map(|action| {
            let req = request.to_request(action);
            ActionSimulation {
                action,
                evaluation: policy.evaluate(&req),
                traces: policy.trace(&req),
            }
        })
        .collect();
    let refused = actions
        .iter()
        .find(|a| a.evaluation.decision != Decision::Allow);
    let (decision, explanation) = match refused {
        None => {
            let first = &actions[0];
            let by = first
                .evaluation
                .deciding_statement()
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
