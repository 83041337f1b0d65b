//! `connector policy audit`: which guarantees a policy keeps (read-only, no excluded area, no
//! privilege escalation, no data reads), and the actions that break the others.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use iam_policy::{PolicyDocument, PolicyKind};
use permission_sets::{AuditCode, Guarantee, Severity, Violation, audit};
use serde::Serialize;

use super::batch::{self, Batch};
use super::format::{Format, OutputArgs};
use super::input::{self, PolicyInput};
use super::report::{Item, PolicyReport, Report, Rule, Section, statement_label};
use crate::exit::Outcome;
use crate::output::outln;

#[derive(Debug, Args)]
#[command(
    after_long_help = "FILE is a policy document, `aws iam get-policy-version` output, or `aws iam get-account-authorization-details` output (every inline policy and the default version of every managed policy, each reported by its owner; trust policies are left to `connector trust lint`); a directory stands for every *.json file below it. One process reads them all; a file that cannot be used is reported and the others go on.\n\n\
Exit status: 0 when every checked guarantee holds in every policy, 1 when one is violated, 2 on bad input (any file that cannot be used); the worst of all inputs.\n\n\
--json (--format json) prints, for one document: source, file, allowed_actions (catalog actions the policy allows), all_hold, guarantees[] with name (read-only, no-excluded-area, no-privilege-escalation, no-data-reads), description, holds, violations[] {code (NOT_READ_ONLY, EXCLUDED_AREA, PRIVILEGE_ESCALATION, PASS_ROLE_ESCALATION, ASSUME_ANY_ROLE, DATA_READ), severity (SECURITY_WARNING or WARNING), action, statement, sid, path, line, column, reason, conditional (true when the violation depends on a condition the audit cannot decide: tags, aws:CalledVia, unknown keys; listed after the unconditional ones)}; for several: policies[] (each as above) and errors[] {source, message}.\n\n\
--format sarif prints SARIF 2.1.0 (rules: the codes above); --format html one self-contained page with a summary table."
)]
pub(crate) struct AuditArgs {
    /// Policy files or directories (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Check only this guarantee (repeat for more); all four by default.
    #[arg(long = "guarantee", value_enum, value_name = "NAME")]
    guarantees: Vec<GuaranteeName>,
    #[command(flatten)]
    output: OutputArgs,
}

/// The `--guarantee` values: the library's [`Guarantee`]s, by their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GuaranteeName {
    /// No Write, Permissions management or Tagging action.
    ReadOnly,
    /// Nothing from the excluded area (IAM writes, billing, Organizations, audit trail).
    NoExcludedArea,
    /// No known privilege-escalation path.
    NoPrivilegeEscalation,
    /// No action that returns data contents.
    NoDataReads,
}

impl From<GuaranteeName> for Guarantee {
    fn from(name: GuaranteeName) -> Guarantee {
        match name {
            GuaranteeName::ReadOnly => Guarantee::ReadOnly,
            GuaranteeName::NoExcludedArea => Guarantee::NoExcludedArea,
            GuaranteeName::NoPrivilegeEscalation => Guarantee::NoPrivilegeEscalation,
            GuaranteeName::NoDataReads => Guarantee::NoDataReads,
        }
    }
}

/// The `--json` output of `policy audit`.
#[derive(Debug, Serialize)]
struct Audit {
    /// The file, and the owner for a document inside one (`auth.json: role/App inline S3`).
    source: String,
    /// The policy file.
    file: String,
    /// How many catalog actions the policy allows.
    allowed_actions: usize,
    /// True when every checked guarantee holds.
    all_hold: bool,
    /// The checked guarantees.
    guarantees: Vec<GuaranteeResult>,
}

/// One guarantee.
#[derive(Debug, Serialize)]
struct GuaranteeResult {
    /// `read-only`, `no-excluded-area`, `no-privilege-escalation` or `no-data-reads`.
    name: Guarantee,
    /// What it promises.
    description: &'static str,
    /// True when nothing breaks it.
    holds: bool,
    /// The actions that break it, sorted by action.
    violations: Vec<ViolationAt>,
}

/// An action that breaks a guarantee, and the statement granting it.
#[derive(Debug, Serialize)]
struct ViolationAt {
    /// What kind of break it is, e.g. `PRIVILEGE_ESCALATION`.
    code: AuditCode,
    /// The code's severity.
    severity: Severity,
    /// The action, as the catalog spells it.
    action: String,
    /// Index of the statement granting it.
    statement: usize,
    /// That statement's `Sid`.
    sid: Option<String>,
    /// JSON path of that statement.
    path: String,
    /// 1-based line of that statement, when known.
    line: Option<usize>,
    /// 1-based column, when known.
    column: Option<usize>,
    /// Why it breaks the guarantee.
    reason: String,
    /// True when it depends on a condition the audit cannot decide (tags, `aws:CalledVia`,
    /// unknown keys); still a violation.
    conditional: bool,
}

pub(crate) fn run(args: AuditArgs) -> Outcome {
    let format = args.output.format();
    let inputs = input::read_all(&args.files);
    let selected: Vec<Guarantee> = args
        .guarantees
        .iter()
        .copied()
        .map(Guarantee::from)
        .collect();
    let mut inputs = inputs;
    // A role's trust policy says who may assume the role, not what the role may do: the
    // guarantees are about the latter (`connector trust lint` checks trust policies).
    let before = inputs.documents.len();
    inputs
        .documents
        .retain(|d| !matches!(d, Ok(input) if matches!(input.kind, Some(PolicyKind::RoleTrustPolicy { .. }))));
    let trust_policies = before - inputs.documents.len();
    if trust_policies > 0 && format == Format::Text {
        eprintln!(
            "note: {trust_policies} role trust policies not audited (the guarantees are about permissions; `connector trust lint` checks trust policies)"
        );
    }
    let batch = batch::run(inputs, args.output.progress(), |input| {
        let doc: PolicyDocument = input.text.parse().map_err(|e| format!("{e}"))?;
        let result = audit_one(input, &doc, &selected);
        let outcome = if result.all_hold {
            Outcome::Ok
        } else {
            Outcome::Findings
        };
        Ok((result, outcome))
    });
    match format {
        Format::Text => {
            for (_, result) in batch.reports() {
                print_text(result);
            }
            batch.print_errors();
            if batch.batch {
                print_batch_summary(&batch);
            }
        }
        Format::Json | Format::Sarif | Format::Html => {
            if let Err(outcome) = batch.print_formatted(format, shared_report) {
                return outcome;
            }
        }
    }
    batch.outcome()
}

fn audit_one(input: &PolicyInput, doc: &PolicyDocument, selected: &[Guarantee]) -> Audit {
    let report = audit(doc);
    // Violations of one statement share its path: find each statement once, not once per
    // violation (a policy that allows every action has thousands per statement).
    let mut positions: HashMap<String, Option<(usize, usize)>> = HashMap::new();
    let guarantees: Vec<GuaranteeResult> = report
        .checks()
        .into_iter()
        .filter(|c| selected.is_empty() || selected.contains(&c.guarantee()))
        .map(|check| GuaranteeResult {
            name: check.guarantee(),
            description: check.guarantee().description(),
            holds: check.holds(),
            violations: check
                .violations()
                .iter()
                .map(|v| located(input, v, &mut positions))
                .collect(),
        })
        .collect();
    Audit {
        source: input.source.clone(),
        file: input.file.display().to_string(),
        allowed_actions: report.allowed_actions(),
        all_hold: guarantees.iter().all(|g| g.holds),
        guarantees,
    }
}

fn located(
    input: &PolicyInput,
    v: &Violation,
    positions: &mut HashMap<String, Option<(usize, usize)>>,
) -> ViolationAt {
    let position = match positions.get(v.path()) {
        Some(position) => *position,
        None => {
            let position = input.locate(v.path());
            positions.insert(v.path().to_owned(), position);
            position
        }
    };
    let (line, column) = position.unzip();
    ViolationAt {
        code: v.code(),
        severity: v.severity(),
        action: v.action().to_owned(),
        statement: v.statement(),
        sid: v.sid().map(str::to_owned),
        path: v.path().to_owned(),
        line,
        column,
        reason: v.reason().to_owned(),
        conditional: v.conditional(),
    }
}

/// The batch in the model SARIF and HTML share.
fn shared_report(batch: &Batch<Audit>) -> Report {
    let policies = batch
        .reports()
        .map(|(_, audit)| PolicyReport {
            source: audit.source.clone(),
            file: audit.file.clone(),
            note: Some(format!(
                "The policy allows {} catalog actions.",
                audit.allowed_actions
            )),
            sections: audit
                .guarantees
                .iter()
                .map(|g| Section {
                    title: g.name.to_string(),
                    description: Some(g.description.to_owned()),
                    holds: Some(g.holds),
                    items: g
                        .violations
                        .iter()
                        .map(|v| Item {
                            code: v.code.as_str(),
                            severity: v.severity,
                            conditional: v.conditional,
                            action: Some(v.action.clone()),
                            statement: Some(statement_label(v.statement, v.sid.as_deref())),
                            path: v.path.clone(),
                            line: v.line,
                            column: v.column,
                            message: v.reason.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Report {
        command: "policy audit",
        items_name: "violations",
        rules: AuditCode::ALL
            .iter()
            .filter(|code| code.guarantee().is_some())
            .map(|code| Rule {
                id: code.as_str(),
                severity: code.severity(),
            })
            .collect(),
        policies,
        errors: batch.errors().cloned().collect(),
    }
}

fn print_batch_summary(batch: &Batch<Audit>) {
    let audited = batch.reports().count();
    let violated = batch.reports().filter(|(_, a)| !a.all_hold).count();
    let errors = batch.errors().count();
    outln!(
        "{audited} policies audited: {violated} violate a guarantee, {} keep every one; {errors} could not be used",
        audited - violated
    );
}

fn print_text(audit: &Audit) {
    outln!(
        "{}: the policy allows {} catalog actions",
        audit.source,
        audit.allowed_actions
    );
    for g in &audit.guarantees {
        let status = if g.holds { "holds   " } else { "VIOLATED" };
        outln!("  {status} {}: {}", g.name, g.description);
        for v in &g.violations {
            let statement = match &v.sid {
                Some(sid) => format!("statement {} ({sid})", v.statement),
                None => format!("statement {}", v.statement),
            };
            let line = v.line.map(|l| format!(", line {l}")).unwrap_or_default();
            let conditional = if v.conditional { " (conditional)" } else { "" };
            outln!(
                "      {} {}{conditional}: {} [{statement}{line}]",
                v.code,
                v.action,
                v.reason
            );
        }
    }
    let violated = audit.guarantees.iter().filter(|g| !g.holds).count();
    if violated == 0 {
        outln!("{}: every guarantee checked holds", audit.source);
    } else {
        outln!(
            "{}: {violated} of {} guarantees violated",
            audit.source,
            audit.guarantees.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn every_guarantee_is_a_flag_value_by_its_library_name() {
        for guarantee in Guarantee::ALL {
            let name = GuaranteeName::from_str(guarantee.as_str(), false).unwrap();
            assert_eq!(Guarantee::from(name), guarantee);
        }
        assert_eq!(GuaranteeName::value_variants().len(), Guarantee::ALL.len());
    }
}
