//! `connector policy audit`: which guarantees a policy keeps (read-only, no excluded area, no
//! privilege escalation, no data reads), and the actions that break the others.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use permission_sets::{Guarantee, PolicyAudit, Violation, audit};
use serde::Serialize;

use crate::exit::Outcome;
use crate::output::{print_json, read_policy};

#[derive(Debug, Args)]
#[command(
    after_long_help = "Exit status: 0 when every checked guarantee holds, 1 when one is violated, 2 on bad input.\n\n\
--json prints: file, allowed_actions (catalog actions the policy allows), all_hold, guarantees[] with name (read-only, no-excluded-area, no-privilege-escalation, no-data-reads), description, holds, violations[] {action, statement, sid, path, line, column, reason}."
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

impl GuaranteeName {
    const ALL: [GuaranteeName; 4] = [
        GuaranteeName::ReadOnly,
        GuaranteeName::NoExcludedArea,
        GuaranteeName::NoPrivilegeEscalation,
        GuaranteeName::NoDataReads,
    ];

    fn name(self) -> &'static str {
        match self {
            GuaranteeName::ReadOnly => "read-only",
            GuaranteeName::NoExcludedArea => "no-excluded-area",
            GuaranteeName::NoPrivilegeEscalation => "no-privilege-escalation",
            GuaranteeName::NoDataReads => "no-data-reads",
        }
    }

    fn description(self) -> &'static str {
        match self {
            GuaranteeName::ReadOnly => {
                "no Write, Permissions management or Tagging action is allowed"
            }
            GuaranteeName::NoExcludedArea => {
                "nothing from the excluded area (IAM writes, billing, Organizations, audit trail changes) is allowed"
            }
            GuaranteeName::NoPrivilegeEscalation => "no known privilege-escalation path is open",
            GuaranteeName::NoDataReads => "no action that returns data contents is allowed",
        }
    }

    fn of(self, audit: &PolicyAudit) -> &Guarantee {
        match self {
            GuaranteeName::ReadOnly => &audit.read_only,
            GuaranteeName::NoExcludedArea => &audit.no_excluded_area,
            GuaranteeName::NoPrivilegeEscalation => &audit.no_privilege_escalation,
            GuaranteeName::NoDataReads => &audit.no_data_reads,
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
    name: &'static str,
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
}

pub(crate) fn run(args: AuditArgs) -> Outcome {
    let (text, doc) = match read_policy(&args.file) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let report = audit(&doc);
    let selected: &[GuaranteeName] = if args.guarantees.is_empty() {
        &GuaranteeName::ALL
    } else {
        &args.guarantees
    };
    let mut guarantees: Vec<GuaranteeResult> = Vec::new();
    for &name in GuaranteeName::ALL.iter().filter(|g| selected.contains(g)) {
        let guarantee = name.of(&report);
        guarantees.push(GuaranteeResult {
            name: name.name(),
            description: name.description(),
            holds: guarantee.holds,
            violations: guarantee
                .violations
                .iter()
                .map(|v| located(&text, v))
                .collect(),
        });
    }
    let result = Audit {
        file: args.file.display().to_string(),
        allowed_actions: report.allowed_actions,
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
    let (line, column) = iam_policy::locate_path(text, &v.path).unzip();
    ViolationAt {
        action: v.action.clone(),
        statement: v.statement,
        sid: v.sid.clone(),
        path: v.path.clone(),
        line,
        column,
        reason: v.reason.clone(),
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
            println!("      {}: {} [{statement}{line}]", v.action, v.reason);
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
