//! `connector policy check|eval|expand|audit`: validate policy files, evaluate one request
//! against one, list the actions they cover, or audit them against the guarantees. `check`,
//! `expand` and `audit` take many files and directories in one process ([`input`]).

mod audit;
mod batch;
mod check;
mod eval_input;
mod expand;
mod format;
mod input;
mod progress;
mod report;

use std::path::{Path, PathBuf};

use clap::Subcommand;
use iam_policy::{CompiledPolicy, Decision, Request, RequestPrincipal};

use crate::args::{KeyCase, key_values};
use crate::exit::Outcome;
use crate::output::{outln, print_json, read_policy};

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate policy documents: grammar, size limits and Access Analyzer-style findings.
    Check(check::CheckArgs),
    /// Evaluate one request against a policy document.
    Eval {
        /// The policy JSON file (`-` for standard input).
        file: PathBuf,
        /// The action, e.g. `s3:GetObject`.
        #[arg(long)]
        action: String,
        /// The resource ARN, e.g. `arn:aws:s3:::bucket/key`.
        #[arg(long, default_value = "*")]
        resource: String,
        /// The caller (for trust and resource policies): an ARN, or what --principal-kind says.
        #[arg(long)]
        principal: Option<String>,
        /// What --principal names: aws (an ARN, the default), service, federated,
        /// canonical-user, or anonymous (no --principal).
        #[arg(long, value_enum, value_name = "KIND")]
        principal_kind: Option<eval_input::PrincipalKindArg>,
        /// A context key, `KEY=VALUE`; repeat the key for a multivalued key.
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List every action the policy's Action and NotAction patterns cover, per statement,
    /// and report patterns that name no real action (with did-you-mean suggestions).
    Expand(expand::ExpandArgs),
    /// Audit a policy: read-only, no excluded area, no privilege escalation, no data reads;
    /// each violation names the action and the statement granting it.
    Audit(audit::AuditArgs),
}

pub(crate) fn run(command: PolicyCommand) -> Outcome {
    match command {
        PolicyCommand::Check(args) => check::run(args),
        PolicyCommand::Eval {
            file,
            action,
            resource,
            principal,
            principal_kind,
            context,
            json,
        } => {
            let principal = match eval_input::request_principal(principal_kind, principal) {
                Ok(principal) => principal,
                Err(message) => return Outcome::BadInput(message),
            };
            eval(&file, action, resource, principal, &context, json)
        }
        PolicyCommand::Expand(args) => expand::run(args),
        PolicyCommand::Audit(args) => audit::run(args),
    }
}

fn eval(
    file: &Path,
    action: String,
    resource: String,
    principal: Option<RequestPrincipal>,
    context: &[String],
    json: bool,
) -> Outcome {
    let (_, doc) = match read_policy(file) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let mut request = Request::new(action, resource);
    if let Some(principal) = principal {
        request = request.with_principal(principal);
    }
    match key_values("--context", context, KeyCase::Insensitive) {
        Ok(entries) => {
            for (key, values) in entries {
                if values.len() == 1 {
                    request.set_context(key, values.into_iter().next().unwrap_or_default());
                } else {
                    request.set_context(key, values);
                }
            }
        }
        Err(message) => return Outcome::BadInput(message),
    }
    if let Err(message) = eval_input::check_action(&request.action) {
        return Outcome::BadInput(message);
    }
    let evaluation = CompiledPolicy::new(&doc).evaluate(&request);
    if json {
        print_json(&serde_json::json!({ "evaluation": evaluation }));
    } else {
        let decided_by = match evaluation.deciding_statement() {
            Some(m) => match &m.sid {
                Some(sid) => format!(" by statement {} ({sid})", m.index),
                None => format!(" by statement {}", m.index),
            },
            None => String::new(),
        };
        outln!("{:?}{decided_by}", evaluation.decision);
        for u in &evaluation.unevaluable {
            outln!(
                "  could not evaluate {} ({:?}): {}",
                u.path,
                u.effect,
                u.reason
            );
        }
    }
    match evaluation.decision {
        Decision::Allow => Outcome::Ok,
        Decision::ExplicitDeny | Decision::ImplicitDeny => Outcome::Findings,
    }
}
