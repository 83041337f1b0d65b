//! `connector permissions list`: every built-in permission set in one line each.

use std::collections::BTreeSet;

use clap::Args;
use permission_sets::{Area, Guarantee, PermissionSet, builtin};
use serde::Serialize;

use crate::exit::Outcome;
use crate::output::{outln, print_json};

#[derive(Debug, Args)]
#[command(
    after_long_help = "--json prints: sets[] with name, version, description, areas[] (compute, storage, observability, excluded, other), claims[] (guarantees checked by the audit: read-only, no-excluded-area, no-privilege-escalation, no-data-reads), parameters[] (names), grants (count), managed_policies (ARNs)."
)]
pub(crate) struct ListArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The `--json` output of `permissions list`.
#[derive(Debug, Serialize)]
struct List {
    /// Every built-in set, in a stable order.
    sets: Vec<SetSummary>,
}

/// One permission set.
#[derive(Debug, Serialize)]
struct SetSummary {
    /// E.g. `axiom:read-only-scan`.
    name: String,
    /// `MAJOR.MINOR.PATCH`.
    version: String,
    /// What it is for.
    description: String,
    /// The areas its grants touch, sorted.
    areas: Vec<Area>,
    /// The guarantees it claims, checked by the audit.
    claims: Vec<Guarantee>,
    /// Its parameter names.
    parameters: Vec<String>,
    /// How many grants it has.
    grants: usize,
    /// AWS managed policies it attaches, by ARN.
    managed_policies: Vec<String>,
}

impl From<&PermissionSet> for SetSummary {
    fn from(set: &PermissionSet) -> SetSummary {
        let areas: BTreeSet<Area> = set.grants().iter().map(|g| g.area).collect();
        SetSummary {
            name: set.name().to_owned(),
            version: set.version().to_owned(),
            description: set.description().to_owned(),
            areas: areas.into_iter().collect(),
            claims: set.claims().to_vec(),
            parameters: set.parameters().iter().map(|p| p.name.clone()).collect(),
            grants: set.grants().len(),
            managed_policies: set
                .managed_policies()
                .iter()
                .map(|m| m.arn.to_string())
                .collect(),
        }
    }
}

pub(crate) fn run(args: ListArgs) -> Outcome {
    let list = List {
        sets: builtin::all().iter().map(SetSummary::from).collect(),
    };
    if args.json {
        print_json(&list);
        return Outcome::Ok;
    }
    for set in &list.sets {
        let areas: Vec<&str> = set.areas.iter().map(|a| a.as_str()).collect();
        let mut areas = areas.join(", ");
        if !set.managed_policies.is_empty() {
            if !areas.is_empty() {
                areas.push_str(", ");
            }
            areas.push_str(&format!("{} managed", set.managed_policies.len()));
        }
        outln!("{} {}  [{areas}]", set.name, set.version);
        outln!("    {}", set.description);
        if !set.claims.is_empty() {
            let claims: Vec<&str> = set.claims.iter().map(|g| g.as_str()).collect();
            outln!("    guarantees: {}", claims.join(", "));
        }
        if !set.parameters.is_empty() {
            outln!("    parameters: {}", set.parameters.join(", "));
        }
    }
    Outcome::Ok
}
