//! `connector permissions render`: a permission set's policy documents (or a session policy)
//! for the values a customer chose.

use clap::{Args, ValueEnum};
use iam_policy::PolicyDocument;
use permission_sets::{
    ParameterValues, PermissionSet, PermissionSetError, PermissionSetRef, PolicyTarget,
};
use serde::Serialize;

use super::find;
use crate::args::{KeyCase, key_values};
use crate::exit::Outcome;
use crate::output::{outln, print_json};

#[derive(Debug, Args)]
#[command(
    after_long_help = "Every parameter without a default needs --param NAME=VALUE (repeat NAME for a list); --sample-values fills the missing ones with samples that follow each rule, for previews only.\n\n\
Text output: the documents' JSON on standard output, a header per document on standard error.\n\n\
Exit status: 0 when rendered, 1 when the set does not fit a quota (size or attached policies), 2 on bad input (including values that break a guarantee the set claims).\n\n\
--json prints: name, version, kind (managed, inline or session), parameters {NAME: [values]}, sample_values[] (names filled with samples), documents[] {size, policy}, managed_policy_arns[]."
)]
pub(crate) struct RenderArgs {
    /// The set's name, e.g. `nomos:s3-read` (see `connector permissions list`).
    name: String,
    /// A parameter value, `NAME=VALUE`; repeat the name for a list parameter.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Where the documents go, which sets their size quota.
    #[arg(long, value_enum, default_value_t = TargetArg::Managed, conflicts_with = "session_policy")]
    target: TargetArg,
    /// Render a session policy for AssumeRole's Policy parameter instead (2,048 characters).
    #[arg(long)]
    session_policy: bool,
    /// With --session-policy: include only this grant (repeat for more); all by default.
    #[arg(long = "grant", value_name = "ID", requires = "session_policy")]
    grants: Vec<String>,
    /// Fill parameters that have no value and no default with sample values (previews).
    #[arg(long)]
    sample_values: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TargetArg {
    /// Customer managed policies (6,144 characters each, as many as needed).
    Managed,
    /// Inline policies of the role (10,240 characters together).
    Inline,
}

/// The `--json` output of `permissions render`.
#[derive(Debug, Serialize)]
struct Render {
    /// The set's name and version (`name`, `version`).
    #[serde(flatten)]
    reference: PermissionSetRef,
    /// `managed`, `inline` or `session`.
    kind: &'static str,
    /// Every parameter's values as rendered (given, default or sample).
    parameters: ParameterValues,
    /// The parameters filled with sample values (only with --sample-values).
    sample_values: Vec<String>,
    /// The policy documents.
    documents: Vec<Document>,
    /// AWS managed policies to attach by ARN (not for session policies).
    managed_policy_arns: Vec<String>,
}

/// One rendered document.
#[derive(Debug, Serialize)]
struct Document {
    /// Characters as IAM counts them.
    size: usize,
    /// The policy.
    policy: PolicyDocument,
}

pub(crate) fn run(args: RenderArgs) -> Outcome {
    match render(&args) {
        Ok(render) => {
            if args.json {
                print_json(&render);
            } else {
                print_text(&render);
            }
            Outcome::Ok
        }
        Err(outcome) => outcome,
    }
}

fn render(args: &RenderArgs) -> Result<Render, Outcome> {
    let set = find(&args.name)?;
    let (values, samples) = parameter_values(&set, &args.params, args.sample_values)?;
    let (kind, documents, managed) = if args.session_policy {
        let ids: Vec<&str> = args.grants.iter().map(String::as_str).collect();
        let only = (!ids.is_empty()).then_some(ids.as_slice());
        let doc = set.session_policy(&values, only).map_err(error)?;
        ("session", vec![doc], Vec::new())
    } else {
        let (kind, target) = match args.target {
            TargetArg::Managed => ("managed", PolicyTarget::ManagedPolicies),
            TargetArg::Inline => ("inline", PolicyTarget::InlinePolicies),
        };
        let rendered = set.render(&values, target).map_err(error)?;
        let arns = rendered
            .managed_policy_arns
            .iter()
            .map(ToString::to_string)
            .collect();
        (kind, rendered.documents, arns)
    };
    Ok(Render {
        reference: set.reference().clone(),
        kind,
        parameters: resolved(&set, &values),
        sample_values: samples,
        documents: documents
            .into_iter()
            .map(|policy| Document {
                size: iam_policy::policy_size(&policy),
                policy,
            })
            .collect(),
        managed_policy_arns: managed,
    })
}

/// The values from `--param`, with samples for the missing ones under `--sample-values`;
/// without it a missing required parameter is bad input naming it.
/// A list parameter takes its values as `--param NAME=A,B` or by repeating `--param NAME=A`.
/// `connector onboard` uses the same rules.
pub(crate) fn parameter_values(
    set: &PermissionSet,
    params: &[String],
    sample_values: bool,
) -> Result<(ParameterValues, Vec<String>), Outcome> {
    let given = key_values("--param", params, KeyCase::Sensitive).map_err(Outcome::BadInput)?;
    let declared: Vec<&str> = set.parameters().iter().map(|p| p.name.as_str()).collect();
    for (name, _) in &given {
        if !declared.contains(&name.as_str()) {
            let takes = if declared.is_empty() {
                "none".to_owned()
            } else {
                declared.join(", ")
            };
            return Err(Outcome::BadInput(format!(
                "--param {name}: {} has no such parameter; it takes: {takes}",
                set.name()
            )));
        }
    }
    let samples = set.sample_values();
    let mut values = ParameterValues::new();
    let mut sampled = Vec::new();
    for parameter in set.parameters() {
        let name = parameter.name.as_str();
        if let Some((_, given)) = given.iter().find(|(n, _)| n == name) {
            let given: Vec<String> = if parameter.list {
                given
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(str::to_owned)
                    .collect()
            } else {
                given.clone()
            };
            values = values.with_values(name, given);
        } else if parameter.default.is_some() {
            // The library fills in declared defaults.
        } else if sample_values {
            values =
                values.with_values(name, samples.get(name).unwrap_or_default().iter().cloned());
            sampled.push(name.to_owned());
        } else {
            return Err(Outcome::BadInput(format!(
                "--param {name}: a value is required ({}; {}); pass --param {name}=VALUE, or --sample-values for a preview",
                parameter.description.trim_end_matches('.'),
                parameter.rule.describe()
            )));
        }
    }
    Ok((values, sampled))
}

/// Every declared parameter with the values the rendering used.
fn resolved(set: &PermissionSet, values: &ParameterValues) -> ParameterValues {
    set.parameters()
        .iter()
        .fold(ParameterValues::new(), |out, p| {
            let used = values
                .get(&p.name)
                .map(<[String]>::to_vec)
                .or_else(|| p.default.clone())
                .unwrap_or_default();
            out.with_values(&p.name, used)
        })
}

fn error(error: PermissionSetError) -> Outcome {
    match &error {
        PermissionSetError::InvalidValue { field, .. } => {
            let flag = if field.starts_with("grant") {
                "--grant"
            } else {
                "--param"
            };
            Outcome::BadInput(format!("{flag}: {error}"))
        }
        // The set's claims held for the sample values when it was built, so the values given
        // here are what breaks one (a PassRole path of `/`, say).
        PermissionSetError::ClaimDisproved { .. } => Outcome::BadInput(format!("--param: {error}")),
        _ => Outcome::Failed(error.to_string()),
    }
}

fn print_text(render: &Render) {
    if !render.sample_values.is_empty() {
        eprintln!(
            "note: sample values used for {}; not for a customer's account",
            render.sample_values.join(", ")
        );
    }
    let total = render.documents.len();
    for (i, doc) in render.documents.iter().enumerate() {
        let what = match render.kind {
            "session" => "session policy",
            "inline" => "inline policy",
            _ => "managed policy",
        };
        eprintln!(
            "# {} {what} {} of {total}, {} characters",
            render.reference,
            i + 1,
            doc.size
        );
        outln!("{}", doc.policy.to_json_pretty());
    }
    for arn in &render.managed_policy_arns {
        eprintln!("# attach AWS managed policy {arn}");
    }
}
