//! `connector permissions show`: why each line of a permission set is there, and what its
//! parameters accept.

use clap::Args;
use permission_sets::{ExplanationRow, Guarantee};
use serde::Serialize;

use super::{ParameterInfo, find};
use crate::exit::Outcome;
use crate::output::{out, outln, print_json};

#[derive(Debug, Args)]
#[command(
    after_long_help = "--json prints: name, version, description, claims[] (the guarantees the set claims, checked by the audit: read-only, no-excluded-area, no-privilege-escalation, no-data-reads), rows[] (the explanation table: id, area, actions[], resources[], justification, excluded_area_justification (only for a grant that opts in to the excluded area), step_up), parameters[] with name, description, list, required, default, rule, rule_description, pattern."
)]
pub(crate) struct ShowArgs {
    /// The set's name, e.g. `axiom:read-only-scan` (see `connector permissions list`).
    name: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The `--json` output of `permissions show`.
#[derive(Debug, Serialize)]
struct Show {
    /// The set's name.
    name: String,
    /// Its version.
    version: String,
    /// What it is for.
    description: String,
    /// The guarantees it claims, checked by the audit when it is built and rendered.
    claims: Vec<Guarantee>,
    /// One row per grant and managed policy: the "why each line" table.
    rows: Vec<ExplanationRow>,
    /// The parameters a customer fills in.
    parameters: Vec<ParameterInfo>,
}

pub(crate) fn run(args: ShowArgs) -> Outcome {
    let set = match find(&args.name) {
        Ok(set) => set,
        Err(outcome) => return outcome,
    };
    let parameters: Vec<ParameterInfo> = set.parameters().iter().map(ParameterInfo::from).collect();
    if args.json {
        print_json(&Show {
            name: set.name().to_owned(),
            version: set.version().to_owned(),
            description: set.description().to_owned(),
            claims: set.claims().to_vec(),
            rows: set.explain(),
            parameters,
        });
        return Outcome::Ok;
    }
    out!("{}", set.explanation_table());
    if parameters.is_empty() {
        outln!("\nParameters: none");
    } else {
        outln!("\nParameters:");
    }
    for p in &parameters {
        let mut notes = Vec::new();
        notes.push(if p.list { "list" } else { "single value" }.to_owned());
        match &p.default {
            Some(default) => notes.push(format!("default {}", default.join(", "))),
            None => notes.push("required".to_owned()),
        }
        outln!("  {} ({}): {}", p.name, notes.join(", "), p.description);
        outln!("      rule: {} ({})", p.rule_description, p.pattern);
    }
    Outcome::Ok
}
