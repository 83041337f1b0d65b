//! `connector policy audit`: which guarantees a policy keeps (read-only, no excluded area, no
//! privilege escalation, no data reads), and the actions that break the others.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use permission_sets::{AuditCode, Guarantee, Severity, Violation, audit};
use serde::Serialize;

use crate::exit::Outcome;
use crate::output::{print_json, read_policy};

#[derive(Debug, Args)]
#[command(
    after_long_help = "Exit status: 0 when every checked guarantee holds, 1 when one is violated, 2 on bad input.\n\n\
--json prints: file, allowed_actions (catalog actions the policy allows), all_hold, guarantees[] with name (read-only, no-excluded-area, no-privilege-escalation, no-data-reads), description, holds, violations[] {code (NOT_READ_ONLY, EXCLUDED_AREA, PRIVILEGE_ESCALATION, PASS_ROLE_ESCALATION, ASSUME_ANY_ROLE, DATA_READ), severity (SECURITY_WARNING or WARNING), action, statement, sid, path, line, column, reason, conditional (true when the violation depends on a condition the audit cannot decide: tags, aws:CalledVia, unknown keys; listed after the unconditional ones)}."
)]
pub(crate) struct AuditArgs {
    /// The policy JSON file (`-` for standard input).
    file: PathBuf,
    /// Check only this guarantee (repeat for more); all four by default.
    #[arg(long = "guarantee", value_enum, value_name = "NAME")]
    guarantees: Vec<GuaranteeName>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
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
    let (text, doc) = match read_policy(&args.file) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let report = audit(&doc);
    let selected: Vec<Guarantee> = args
        .guarantees
        .iter()
        .copied()
        .map(Guarantee::from)
        .collect();
    let mut guarantees: Vec<GuaranteeResult> = Vec::new();
    for check in report
        .checks()
        .into_iter()
        .filter(|c| selected.is_empty() || selected.contains(&c.guarantee()))
    {
        guarantees.push(GuaranteeResult {
            name: check.guarantee(),
            description: check.guarantee().description(),
            holds: check.holds(),
            violations: check
                .violations()
                .iter()
                .map(|v| located(&text, v))
                .collect(),
        });
    }
    let result = Audit {
        file: args.file.display().to_string(),
        allowed_actions: report.allowed_actions(),
        all_hold: guarantees.iter().all(|g| g.holds),
        guarantees,
    };
    if args.json {
        print_json(&result);
    } else {
        print_text(&result);
    }
    if result.all_hold {
        Outcome::Ok
    } else {
        Outcome::Findings
    }
}

fn located(text: &str, v: &Violation) -> ViolationAt {
    let (line, column) = iam_policy::locate_path(text, v.path()).unzip();
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

fn print_text(audit: &Audit) {
    println!(
        "{}: the policy allows {} catalog actions",
        audit.file, audit.allowed_actions
    );
    for g in &audit.guarantees {
        let status = if g.holds { "holds   " } else { "VIOLATED" };
        println!("  {status} {}: {}", g.name, g.description);
        for v in &g.violations {
            let statement = match &v.sid {
                Some(sid) => format!("statement {} ({sid})", v.statement),
                None => format!("statement {}", v.statement),
            };
            let line = v.line.map(|l| format!(", line {l}")).unwrap_or_default();
            let conditional = if v.conditional { " (conditional)" } else { "" };
            println!(
                "      {} {}{conditional}: {} [{statement}{line}]",
                v.code, v.action, v.reason
            );
        }
    }
    let violated = audit.guarantees.iter().filter(|g| !g.holds).count();
    if violated == 0 {
        println!("{}: every guarantee checked holds", audit.file);
    } else {
        println!(
            "{}: {violated} of {} guarantees violated",
            audit.file,
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
