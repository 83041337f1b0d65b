//! `connector policy expand`: every catalog action a policy's `Action` / `NotAction` patterns
//! cover, per statement, and the patterns that name no real action.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Args;
use iam_policy::{ActionClause, Effect, OneOrMany, PolicyDocument, Statement};
use permission_sets::{
    Catalog, CatalogSource, PermissionSetError, PermissionSetErrorCode, Severity,
};
use serde::Serialize;

use super::batch::{self, Batch};
use super::format::{Format, OutputArgs};
use super::input::{self, PolicyInput};
use super::report::{Item, PolicyReport, Report, Rule, Section};
use crate::exit::Outcome;
use crate::output::outln;

#[derive(Debug, Args)]
#[command(
    after_long_help = "NotAction is expanded as the complement within the catalog: every catalog action the patterns do not match (actions newer than the catalog are not listed).\n\n\
FILE is a policy document, `aws iam get-policy-version` output, or `aws iam get-account-authorization-details` output (every trust, inline and default managed policy, each reported by its owner); a directory stands for every *.json file below it.\n\n\
Exit status: 0 when every pattern names real actions, 1 when some pattern names an unknown service or action or matches nothing, 2 on bad input (any file that cannot be used); the worst of all inputs.\n\n\
--json (--format json) prints, for one document: source, file, catalog {package, version, generated}, statements[] with index, sid, effect, path, clause (Action or NotAction), patterns[] {pattern, path, matches}, actions[], count; allowed[] and denied[] (every action some Allow / Deny statement covers); findings[] with code (UNKNOWN_SERVICE, UNKNOWN_ACTION, MATCHES_NOTHING), severity, statement, pattern, path, line, column, message, suggestion; for several: policies[] (each as above) and errors[] {source, message}. --format sarif prints SARIF 2.1.0, --format html one self-contained page."
)]
pub(crate) struct ExpandArgs {
    /// Policy files or directories (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print per-pattern counts only, not the action lists (text output).
    #[arg(long)]
    summary: bool,
    #[command(flatten)]
    output: OutputArgs,
}

/// The `--json` output of `policy expand`.
#[derive(Debug, Serialize)]
struct Expansion {
    /// The file, and the owner for a document inside one.
    source: String,
    /// The policy file.
    file: String,
    /// Where the action catalog comes from.
    catalog: CatalogSource,
    /// One entry per statement, in document order.
    statements: Vec<StatementExpansion>,
    /// Every action some Allow statement covers, sorted.
    allowed: Vec<&'static str>,
    /// Every action some Deny statement covers, sorted.
    denied: Vec<&'static str>,
    /// Patterns that name no real action.
    findings: Vec<Finding>,
}

/// What one statement covers.
#[derive(Debug, Serialize)]
struct StatementExpansion {
    /// Index in the statement list.
    index: usize,
    /// The `Sid`, if any.
    sid: Option<String>,
    /// `Allow` or `Deny`.
    effect: Effect,
    /// JSON path of the statement.
    path: String,
    /// `Action`, or `NotAction` (whose actions are the complement within the catalog).
    clause: &'static str,
    /// Each pattern and how many catalog actions it matches.
    patterns: Vec<PatternCount>,
    /// The catalog actions the statement covers, sorted.
    actions: Vec<&'static str>,
    /// `actions.len()`.
    count: usize,
}

/// One action pattern as written.
#[derive(Debug, Serialize)]
struct PatternCount {
    /// The pattern, e.g. `ec2:Describe*`.
    pattern: String,
    /// Its JSON path.
    path: String,
    /// How many catalog actions it matches.
    matches: usize,
}

/// A pattern that names no real action.
#[derive(Debug, Serialize)]
struct Finding {
    /// `UNKNOWN_SERVICE`, `UNKNOWN_ACTION` or `MATCHES_NOTHING`.
    code: PermissionSetErrorCode,
    /// Always `ERROR`: IAM accepts the pattern, but it grants or denies nothing.
    severity: Severity,
    /// Index of the statement.
    statement: usize,
    /// The pattern as written.
    pattern: String,
    /// Its JSON path.
    path: String,
    /// 1-based line, when known.
    line: Option<usize>,
    /// 1-based column, when known.
    column: Option<usize>,
    /// What is wrong.
    message: String,
    /// The closest real action, when one is close ("did you mean").
    suggestion: Option<String>,
}

pub(crate) fn run(args: ExpandArgs) -> Outcome {
    let format = args.output.format();
    let inputs = input::read_all(&args.files);
    let batch = batch::run(inputs, args.output.progress(), |input| {
        let doc: PolicyDocument = input.text.parse().map_err(|e| format!("{e}"))?;
        let expansion = expand(input, &doc);
        let outcome = if expansion.findings.is_empty() {
            Outcome::Ok
        } else {
            Outcome::Findings
        };
        Ok((expansion, outcome))
    });
    match format {
        Format::Text => {
            for (_, expansion) in batch.reports() {
                print_text(expansion, args.summary);
            }
            batch.print_errors();
            batch.print_summary("expanded", "with patterns that name no action");
        }
        Format::Json | Format::Sarif | Format::Html => {
            if let Err(outcome) = batch.print_formatted(format, shared_report) {
                return outcome;
            }
        }
    }
    batch.outcome()
}

/// The batch in the model SARIF and HTML share: one section per policy, the patterns that
/// name no action.
fn shared_report(batch: &Batch<Expansion>) -> Report {
    let policies = batch
        .reports()
        .map(|(_, e)| PolicyReport {
            source: e.source.clone(),
            file: e.file.clone(),
            note: Some(format!(
                "Allows {} and denies {} catalog actions ({} {}).",
                e.allowed.len(),
                e.denied.len(),
                e.catalog.package,
                e.catalog.version
            )),
            sections: vec![Section {
                title: "patterns naming no action".to_owned(),
                description: None,
                holds: None,
                items: e
                    .findings
                    .iter()
                    .map(|f| Item {
                        code: f.code.as_str(),
                        severity: f.code.severity(),
                        conditional: false,
                        action: Some(f.pattern.clone()),
                        statement: Some(f.statement.to_string()),
                        path: f.path.clone(),
                        line: f.line,
                        column: f.column,
                        message: f.message.clone(),
                    })
                    .collect(),
            }],
        })
        .collect();
    Report {
        command: "policy expand",
        items_name: "findings",
        rules: FINDING_CODES
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

/// The codes `policy expand` reports.
const FINDING_CODES: [PermissionSetErrorCode; 3] = [
    PermissionSetErrorCode::UnknownService,
    PermissionSetErrorCode::UnknownAction,
    PermissionSetErrorCode::MatchesNothing,
];

fn expand(input: &PolicyInput, doc: &PolicyDocument) -> Expansion {
    let catalog = Catalog::aws();
    let mut statements = Vec::new();
    let mut findings = Vec::new();
    let (mut allowed, mut denied) = (BTreeSet::new(), BTreeSet::new());
    for (index, statement) in doc.statements().iter().enumerate() {
        let (expansion, ids) = expand_statement(catalog, doc, index, statement, &mut findings);
        match statement.effect {
            Effect::Allow => allowed.extend(ids),
            Effect::Deny => denied.extend(ids),
        }
        statements.push(expansion);
    }
    // Every finding located through one index of the text: thousands of findings in one
    // document stay linear (each lookup used to rescan the text from its start).
    if !findings.is_empty() {
        let locator = iam_policy::Locator::new(&input.text);
        for finding in &mut findings {
            (finding.line, finding.column) = locator
                .locate(&finding.path)
                .and_then(|(line, column)| input.file_position(line, column))
                .unzip();
        }
    }
    Expansion {
        source: input.source.clone(),
        file: input.file.display().to_string(),
        catalog: catalog.source(),
        statements,
        allowed: names(catalog, &allowed),
        denied: names(catalog, &denied),
        findings,
    }
}

fn expand_statement(
    catalog: &Catalog,
    doc: &PolicyDocument,
    index: usize,
    statement: &Statement,
    findings: &mut Vec<Finding>,
) -> (StatementExpansion, BTreeSet<usize>) {
    let (clause, list) = match &statement.action {
        ActionClause::Action(list) => ("Action", list),
        ActionClause::NotAction(list) => ("NotAction", list),
    };
    let statement_path = doc.statement_path(index);
    let clause_path = iam_policy::json_path::child(&statement_path, clause);
    let mut matched = BTreeSet::new();
    let mut patterns = Vec::new();
    for (i, pattern) in list.iter().enumerate() {
        let mut path = clause_path.clone();
        if let OneOrMany::Many(_) = list {
            iam_policy::json_path::push_index(&mut path, i);
        }
        let actions = catalog.expand(pattern);
        matched.extend(actions.iter().map(|a| a.id()));
        if let Err(error) = catalog.check(pattern) {
            findings.push(finding(index, pattern.to_string(), path.clone(), error));
        }
        patterns.push(PatternCount {
            pattern: pattern.to_string(),
            path,
            matches: actions.len(),
        });
    }
    let ids: BTreeSet<usize> = if clause == "NotAction" {
        (0..catalog.len())
            .filter(|id| !matched.contains(id))
            .collect()
    } else {
        matched
    };
    let actions = names(catalog, &ids);
    let expansion = StatementExpansion {
        index,
        sid: statement.sid.clone(),
        effect: statement.effect,
        path: statement_path,
        clause,
        patterns,
        count: actions.len(),
        actions,
    };
    (expansion, ids)
}

/// The full names of catalog action ids, in catalog order (sorted by name).
fn names(catalog: &Catalog, ids: &BTreeSet<usize>) -> Vec<&'static str> {
    ids.iter()
        .filter_map(|&id| catalog.by_id(id).map(|a| a.full_name()))
        .collect()
}

fn finding(statement: usize, pattern: String, path: String, error: PermissionSetError) -> Finding {
    let suggestion = match &error {
        PermissionSetError::UnknownAction { suggestion, .. } => suggestion.clone(),
        _ => None,
    };
    let code = error.code();
    // Located once the whole document is expanded (see `expand`).
    let (line, column) = (None, None);
    Finding {
        code,
        severity: code.severity(),
        statement,
        pattern,
        path,
        line,
        column,
        message: error.to_string(),
        suggestion,
    }
}

fn print_text(expansion: &Expansion, summary: bool) {
    for effect in [Effect::Allow, Effect::Deny] {
        let statements: Vec<&StatementExpansion> = expansion
            .statements
            .iter()
            .filter(|s| s.effect == effect)
            .collect();
        if statements.is_empty() {
            continue;
        }
        outln!("{effect:?}:");
        for s in statements {
            let name = match &s.sid {
                Some(sid) => format!("statement {} ({sid})", s.index),
                None => format!("statement {}", s.index),
            };
            let note = if s.clause == "NotAction" {
                ", every catalog action except the NotAction patterns"
            } else {
                ""
            };
            outln!("  {name}: {} {}{note}", s.count, plural(s.count));
            for p in &s.patterns {
                outln!(
                    "    {} {}: {} {}",
                    s.clause,
                    p.pattern,
                    p.matches,
                    plural(p.matches)
                );
            }
            if !summary {
                for action in &s.actions {
                    outln!("      {action}");
                }
            }
        }
    }
    for f in &expansion.findings {
        let position = match (f.line, f.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", expansion.file),
            _ => expansion.source.clone(),
        };
        outln!(
            "{position}: {} {} at {}: {}",
            f.severity,
            f.code,
            f.path,
            f.message
        );
    }
    outln!(
        "{}: {} {} allowed, {} denied (catalog: {} {}, {})",
        expansion.source,
        expansion.allowed.len(),
        plural(expansion.allowed.len()),
        expansion.denied.len(),
        expansion.catalog.package,
        expansion.catalog.version,
        expansion.catalog.generated
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "action" } else { "actions" }
}
