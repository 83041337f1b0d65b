//! `connector policy check`: validate policy documents (grammar, size limits, Access
//! Analyzer-style findings), one file or a whole account's in one process.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use iam_policy::{Finding, FindingCode, PolicyKind, Severity, Validator};
use serde::Serialize;

use super::batch::{self, Batch};
use super::format::{Format, OutputArgs};
use super::input::{self, PolicyInput};
use super::report::{Item, PolicyReport, Report, Rule, Section};
use crate::exit::Outcome;
use crate::output::outln;

#[derive(Debug, Args)]
#[command(
    after_long_help = "FILE is a policy document, `aws iam get-policy-version` output, or `aws iam get-account-authorization-details` output (every role's trust policy, every inline policy, the default version of every managed policy, each reported by its owner and checked as what it is); a directory stands for every *.json file below it. One process reads them all; a file that cannot be used is reported and the others go on.\n\n\
Exit status: 0 when no finding is an error or a security warning, 1 when one is, 2 on bad input (a file that cannot be read, text that is not JSON); the worst of all inputs.\n\n\
--json (--format json) prints, for one document: source, file, findings[] {severity, code, location {path, line, column}, message}; for several: policies[] (each as above) and errors[] {source, message}. --format sarif prints SARIF 2.1.0 (rules: the finding codes), --format html one self-contained page with a summary table."
)]
pub(crate) struct CheckArgs {
    /// Policy files or directories (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// What a policy is for, when its file does not say: sets the size limit and the
    /// elements it must or must not have.
    #[arg(long, value_enum, default_value_t = KindArg::Managed)]
    kind: KindArg,
    #[command(flatten)]
    output: OutputArgs,
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

/// The `--json` output of `policy check`, per document.
#[derive(Debug, Serialize)]
struct Check {
    /// The file, and the owner for a document inside one.
    source: String,
    /// The policy file.
    file: String,
    /// The findings, with lines and columns in the file.
    findings: Vec<Finding>,
}

pub(crate) fn run(args: CheckArgs) -> Outcome {
    let format = args.output.format();
    let inputs = input::read_all(&args.files);
    let default_kind = PolicyKind::from(args.kind);
    let batch = batch::run(inputs, args.output.progress(), |input| {
        let kind = input.kind.unwrap_or(default_kind);
        Ok(check_one(input, kind))
    });
    match format {
        Format::Text => {
            for (_, check) in batch.reports() {
                print_text(check);
            }
            batch.print_errors();
            batch.print_summary("checked", "with an error or a security warning");
        }
        Format::Json | Format::Sarif | Format::Html => {
            if let Err(outcome) = batch.print_formatted(format, shared_report) {
                return outcome;
            }
        }
    }
    batch.outcome()
}

fn check_one(input: &PolicyInput, kind: PolicyKind) -> (Check, Outcome) {
    let (_, mut findings) = Validator::new(kind).validate_text(&input.text);
    for finding in &mut findings {
        let position = match (finding.location.line, finding.location.column) {
            (Some(line), Some(column)) => input.file_position(line, column),
            _ => None,
        };
        (finding.location.line, finding.location.column) = position.unzip();
    }
    // Text that is not JSON at all is bad input, as in every other command (exit.rs); the
    // finding says where.
    let outcome = if let Some(syntax) = findings
        .iter()
        .find(|f| f.code == FindingCode::JsonSyntaxError)
    {
        Outcome::BadInput(format!(
            "FILE {}: not JSON at {}: {}",
            input.source, syntax.location, syntax.message
        ))
    } else if findings
        .iter()
        .any(|f| matches!(f.severity, Severity::Error | Severity::SecurityWarning))
    {
        Outcome::Findings
    } else {
        Outcome::Ok
    };
    let check = Check {
        source: input.source.clone(),
        file: input.file.display().to_string(),
        findings,
    };
    (check, outcome)
}

fn print_text(check: &Check) {
    if check.findings.is_empty() {
        outln!("{}: no findings", check.source);
    }
    for f in &check.findings {
        outln!(
            "{}: {} {} at {}: {}",
            check.source,
            f.severity,
            f.code,
            f.location,
            f.message
        );
    }
}

/// The batch in the model SARIF and HTML share: one section per policy, its findings.
fn shared_report(batch: &Batch<Check>) -> Report {
    let policies = batch
        .reports()
        .map(|(_, check)| PolicyReport {
            source: check.source.clone(),
            file: check.file.clone(),
            note: None,
            sections: vec![Section {
                title: "findings".to_owned(),
                description: None,
                holds: None,
                items: check
                    .findings
                    .iter()
                    .map(|f| Item {
                        code: f.code.as_str(),
                        severity: f.severity,
                        conditional: false,
                        action: None,
                        statement: None,
                        path: f.location.path.clone(),
                        line: f.location.line,
                        column: f.location.column,
                        message: f.message.clone(),
                    })
                    .collect(),
            }],
        })
        .collect();
    Report {
        command: "policy check",
        items_name: "findings",
        rules: FindingCode::ALL
            .iter()
            .map(|code| Rule {
                id: code.as_str(),
                severity: code.severity(),
            })
            .collect(),
        policies,
        errors: batch.errors().cloned().collect(),
    }
}
