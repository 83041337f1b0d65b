//! `connector policy check|eval`: validate a policy file, or evaluate one request against it.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use iam_policy::{
    CompiledPolicy, Decision, PolicyDocument, PolicyKind, Request, RequestPrincipal, Severity,
    Validator,
};

use crate::exit::Outcome;

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate a policy document: grammar, size limits and Access Analyzer-style findings.
    Check {
        /// The policy JSON file (`-` for standard input).
        file: PathBuf,
        /// What the policy is for: sets the size limit and the elements it must or must not have.
        #[arg(long, value_enum, default_value_t = KindArg::Managed)]
        kind: KindArg,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
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
        /// The calling principal's ARN (for trust and resource policies).
        #[arg(long)]
        principal: Option<String>,
        /// A context key, `KEY=VALUE`; repeat the key for a multivalued key.
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    /// Customer managed policy (6,144 characters).
    Managed,
    /// AWS managed policy (no customer size quota).
    AwsManaged,
    /// Inline policy of a role (10,240 characters for all of them).
    RoleInline,
    /// Role trust policy (2,048 characters by default).
    Trust,
    /// Session policy passed to AssumeRole (2,048 characters).
    Session,
}

impl From<KindArg> for PolicyKind {
    fn from(kind: KindArg) -> PolicyKind {
        match kind {
            KindArg::Managed => PolicyKind::ManagedPolicy,
            KindArg::AwsManaged => PolicyKind::AwsManagedPolicy,
            KindArg::RoleInline => PolicyKind::RoleInlinePolicy,
            KindArg::Trust => PolicyKind::trust_policy(),
            KindArg::Session => PolicyKind::SessionPolicy,
        }
    }
}

pub(crate) fn run(command: PolicyCommand) -> Outcome {
    match command {
        PolicyCommand::Check { file, kind, json } => check(&file, kind.into(), json),
        PolicyCommand::Eval {
            file,
            action,
            resource,
            principal,
            context,
            json,
        } => eval(&file, action, resource, principal, &context, json),
    }
}

fn read(file: &Path) -> Result<String, Outcome> {
    let result = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    };
    result.map_err(|e| Outcome::BadInput(format!("FILE {}: cannot read it: {e}", file.display())))
}

fn check(file: &Path, kind: PolicyKind, json: bool) -> Outcome {
    let text = match read(file) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let (_, findings) = Validator::new(kind).validate_text(&text);
    if json {
        print_json(&serde_json::json!({
            "file": file.display().to_string(),
            "findings": findings,
        }));
    } else if findings.is_empty() {
        println!("{}: no findings", file.display());
    } else {
        for f in &findings {
            println!(
                "{}: {} {} at {}: {}",
                file.display(),
                f.severity,
                f.code,
                f.location,
                f.message
            );
        }
    }
    let blocking = findings
        .iter()
        .any(|f| matches!(f.severity, Severity::Error | Severity::SecurityWarning));
    if blocking {
        Outcome::Findings
    } else {
        Outcome::Ok
    }
}

fn eval(
    file: &Path,
    action: String,
    resource: String,
    principal: Option<String>,
    context: &[String],
    json: bool,
) -> Outcome {
    let text = match read(file) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let doc: PolicyDocument = match text.parse() {
        Ok(doc) => doc,
        Err(e) => return Outcome::BadInput(format!("FILE {}: {e}", file.display())),
    };
    let mut request = Request::new(action, resource);
    if let Some(principal) = principal {
        match principal.parse() {
            Ok(arn) => request = request.with_principal(RequestPrincipal::Aws(arn)),
            Err(e) => return Outcome::BadInput(format!("--principal: {e}")),
        }
    }
    match parse_context(context) {
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
        println!("{:?}{decided_by}", evaluation.decision);
        for u in &evaluation.unevaluable {
            println!(
                "  could not evaluate {} ({:?}): {}",
                u.path, u.effect, u.reason
            );
        }
    }
    match evaluation.decision {
        Decision::Allow => Outcome::Ok,
        Decision::ExplicitDeny | Decision::ImplicitDeny => Outcome::Findings,
    }
}

/// Groups `KEY=VALUE` arguments by key (case-insensitively, as IAM compares keys).
fn parse_context(args: &[String]) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for arg in args {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!("--context {arg:?}: expected KEY=VALUE"));
        };
        if key.is_empty() {
            return Err(format!("--context {arg:?}: the key is empty"));
        }
        match entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            Some((_, values)) => values.push(value.to_owned()),
            None => entries.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
    Ok(entries)
}

fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot render JSON: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_arguments_group_by_key() {
        let parsed = parse_context(&[
            "aws:TagKeys=a".into(),
            "AWS:TAGKEYS=b".into(),
            "sts:ExternalId=x=y".into(),
        ])
        .unwrap();
        assert_eq!(parsed[0].1, ["a", "b"]);
        assert_eq!(
            parsed[1],
            ("sts:ExternalId".to_string(), vec!["x=y".to_string()])
        );
        assert!(
            parse_context(&["novalue".into()])
                .unwrap_err()
                .contains("KEY=VALUE")
        );
        assert!(parse_context(&["=v".into()]).unwrap_err().contains("empty"));
    }
}
