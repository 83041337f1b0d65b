//! `connector permissions list|show|render`: the built-in permission sets, why each line is
//! there, and the policy documents they render to.

mod list;
pub(crate) mod render;
mod show;

use clap::Subcommand;
use permission_sets::{Parameter, ParameterRule, PermissionSet, builtin};
use serde::Serialize;

use crate::exit::Outcome;

#[derive(Debug, Subcommand)]
pub(crate) enum PermissionsCommand {
    /// List every built-in permission set: name, version, description and areas.
    List(list::ListArgs),
    /// Explain a set: the "why each line" table, and its parameters with their rules.
    Show(show::ShowArgs),
    /// Render a set into the policy documents (or session policy) to attach to the role.
    Render(render::RenderArgs),
}

pub(crate) fn run(command: PermissionsCommand) -> Outcome {
    match command {
        PermissionsCommand::List(args) => list::run(args),
        PermissionsCommand::Show(args) => show::run(args),
        PermissionsCommand::Render(args) => render::run(args),
    }
}

/// The built-in set named `name`; an unknown name is bad input listing the real ones.
fn find(name: &str) -> Result<PermissionSet, Outcome> {
    builtin::get(name).map_err(|e| Outcome::BadInput(format!("NAME: {e}")))
}

/// A parameter as `show` and `render` report it.
#[derive(Debug, Serialize)]
struct ParameterInfo {
    /// The name used in `--param NAME=VALUE`.
    name: String,
    /// What it is for.
    description: String,
    /// True when it takes several values (repeat `--param NAME=VALUE`).
    list: bool,
    /// True when it has no default, so a value must be given.
    required: bool,
    /// The default value(s), if any.
    default: Option<Vec<String>>,
    /// The rule's name: `IamPath`, `BucketName`, `TableName` or `NamePrefix`.
    rule: ParameterRule,
    /// The rule in words.
    rule_description: &'static str,
    /// The rule as a regular expression.
    pattern: &'static str,
}

impl From<&Parameter> for ParameterInfo {
    fn from(p: &Parameter) -> ParameterInfo {
        ParameterInfo {
            name: p.name.clone(),
            description: p.description.clone(),
            list: p.list,
            required: p.default.is_none(),
            default: p.default.clone(),
            rule: p.rule,
            rule_description: p.rule.describe(),
            pattern: p.rule.pattern(),
        }
    }
}
