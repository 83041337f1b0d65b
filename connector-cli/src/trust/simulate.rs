//! `connector trust simulate`: would this trust policy let this caller assume the role?

use std::path::PathBuf;

use clap::Args;
use connector_core::RoleSessionName;
use iam_policy::{MatchedStatement, Unevaluable};
use serde::Serialize;
use trust_policy::{
    ActionSimulation, Arn, AssumeRoleAttempt, Decision, RoleArn, StatementTrace, caller_arn,
    simulate,
};

use super::{excerpt, positive, read_capped, region};
use crate::args::{KeyCase, key_values};
use crate::exit::Outcome;
use crate::output::print_json;

#[derive(Debug, Args)]
#[command(
    after_long_help = "Exit status: 0 when every action STS checks is allowed, 1 when the call is denied, 2 on bad input.\n\n\
--json prints: file, decision (Allow, ExplicitDeny, ImplicitDeny), allowed, explanation, actions[] with action, decision, deciding_statement {index, sid, effect} or null, matched[], unevaluable[], statements[] (per-statement traces: principal, action, resource, conditions[] with operator, key, result)."
)]
pub(crate) struct SimulateArgs {
    /// The trust policy JSON file (`-` for standard input).
    file: PathBuf,
    /// The calling principal's ARN: a role session
    /// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), role, user or account root.
    #[arg(long, value_name = "ARN")]
    caller: String,
    /// The ExternalId the caller sends (taken as is, valid or not).
    #[arg(long, value_name = "ID")]
    external_id: Option<String>,
    /// The role being assumed (the request's resource).
    #[arg(long, value_name = "ARN")]
    role: Option<String>,
    /// The SourceIdentity the caller sets (adds `sts:SetSourceIdentity`).
    #[arg(long, value_name = "S")]
    source_identity: Option<String>,
    /// The RoleSessionName (2 to 64 characters of letters, digits and +=,.@_-).
    #[arg(long, value_name = "NAME")]
    session_name: Option<String>,
    /// The region of the STS endpoint called (`aws:RequestedRegion`).
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// A session tag, `KEY=VALUE` (adds `sts:TagSession`); repeat for more.
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    tags: Vec<String>,
    /// Any other context key, `KEY=VALUE`; repeat the key for a multivalued key.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Refuse, before reading further or parsing, a FILE larger than this many bytes (65,536
    /// by default: many times the largest trust policy IAM stores). For batch tools.
    #[arg(long, value_name = "BYTES", allow_negative_numbers = true)]
    max_input_bytes: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The `--json` output of `trust simulate`.
#[derive(Debug, Serialize)]
struct Simulated {
    /// The trust policy file.
    file: String,
    /// `Allow` only when every action STS checks is allowed.
    decision: Decision,
    /// `decision == Allow`.
    allowed: bool,
    /// Why, in one sentence naming the statement or the unmet condition.
    explanation: String,
    /// Each action STS checks for this call.
    actions: Vec<ActionResult>,
}

/// One action STS checks.
#[derive(Debug, Serialize)]
struct ActionResult {
    /// E.g. `sts:AssumeRole`.
    action: &'static str,
    /// Its decision.
    decision: Decision,
    /// The statement that decided it (none for an implicit deny).
    deciding_statement: Option<MatchedStatement>,
    /// Every statement that applied.
    matched: Vec<MatchedStatement>,
    /// Statements that could not be evaluated.
    unevaluable: Vec<Unevaluable>,
    /// Why each statement did or did not apply.
    statements: Vec<StatementTrace>,
}

impl From<ActionSimulation> for ActionResult {
    fn from(a: ActionSimulation) -> ActionResult {
        ActionResult {
            action: a.action,
            decision: a.evaluation.decision,
            deciding_statement: a.evaluation.deciding_statement().cloned(),
            matched: a.evaluation.matched,
            unevaluable: a.evaluation.unevaluable,
            statements: a.traces,
        }
    }
}

pub(crate) fn run(args: SimulateArgs) -> Outcome {
    let attempt = match attempt(&args) {
        Ok(attempt) => attempt,
        Err(outcome) => return outcome,
    };
    let limit = match &args.max_input_bytes {
        Some(text) => match positive("--max-input-bytes", text, "the input limit in bytes") {
            Ok(limit) => limit,
            Err(outcome) => return outcome,
        },
        None => trust_policy::DEFAULT_INPUT_LIMIT,
    };
    let text = match read_capped(&args.file, limit) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    // Parsed under the same limit the input was read with (`--max-input-bytes`).
    let policy: trust_policy::PolicyDocument = match iam_policy::ParseOptions::new()
        .with_max_bytes(limit)
        .parse(&text)
    {
        Ok(policy) => policy,
        Err(e) => {
            return Outcome::BadInput(format!(
                "FILE {}: {}",
                args.file.display(),
                excerpt(&e.to_string())
            ));
        }
    };
    let simulation = simulate(&policy, &attempt);
    let result = Simulated {
        file: args.file.display().to_string(),
        decision: simulation.decision,
        allowed: simulation.decision == Decision::Allow,
        explanation: simulation.explanation,
        actions: simulation
            .actions
            .into_iter()
            .map(ActionResult::from)
            .collect(),
    };
    if args.json {
        print_json(&result);
    } else {
        print_text(&result);
    }
    if result.allowed {
        Outcome::Ok
    } else {
        Outcome::Findings
    }
}

fn attempt(args: &SimulateArgs) -> Result<AssumeRoleAttempt, Outcome> {
    let caller: Arn =
        caller_arn(&args.caller).map_err(|e| Outcome::BadInput(format!("--caller: {e}")))?;
    let mut attempt = AssumeRoleAttempt::new(caller);
    if let Some(role) = &args.role {
        let role: RoleArn = role
            .parse()
            .map_err(|e| Outcome::BadInput(format!("--role: {e}")))?;
        attempt = attempt.with_role(role);
    }
    if let Some(id) = &args.external_id {
        attempt = attempt.with_external_id(id.as_str());
    }
    if let Some(source_identity) = &args.source_identity {
        attempt = attempt.with_source_identity(source_identity.as_str());
    }
    if let Some(name) = &args.session_name {
        let name: RoleSessionName = name.parse().map_err(|e| {
            Outcome::BadInput(format!(
                "--session-name: invalid role session name {:?}: {e}",
                excerpt(name)
            ))
        })?;
        attempt = attempt.with_session_name(name.as_str());
    }
    if let Some(text) = &args.region {
        attempt = attempt.with_region(region(text)?);
    }
    let tags = key_values("--tag", &args.tags, KeyCase::Sensitive).map_err(Outcome::BadInput)?;
    for (key, mut values) in tags {
        if values.len() > 1 {
            return Err(Outcome::BadInput(format!(
                "--tag {key}: a session tag has one value, it was given {}",
                values.len()
            )));
        }
        attempt = attempt.with_tag(key, values.pop().unwrap_or_default());
    }
    let context =
        key_values("--context", &args.context, KeyCase::Insensitive).map_err(Outcome::BadInput)?;
    for (key, mut values) in context {
        attempt = if values.len() == 1 {
            attempt.with_context(key, values.pop().unwrap_or_default())
        } else {
            attempt.with_context(key, values)
        };
    }
    Ok(attempt)
}

fn print_text(result: &Simulated) {
    for action in &result.actions {
        let by = match &action.deciding_statement {
            Some(m) => match &m.sid {
                Some(sid) => format!(" by statement {} ({sid})", m.index),
                None => format!(" by statement {}", m.index),
            },
            None => String::new(),
        };
        println!("{}: {:?}{by}", action.action, action.decision);
        for u in &action.unevaluable {
            println!(
                "    could not evaluate {} ({:?}): {}",
                u.path, u.effect, u.reason
            );
        }
    }
    let verdict = if result.allowed { "allowed" } else { "denied" };
    println!("{verdict}: {}", result.explanation);
}
