//! `connector trust generate`: the trust policy a customer puts on the vendor's role.

use clap::Args;
use serde::Serialize;
use trust_policy::{
    AccountId, CrossAccountTrust, ExternalId, OidcTrust, PolicyDocument, Region, SubjectMatch,
};

use super::{builder_error, external_id, positive, region, vendor_principal};
use crate::exit::Outcome;
use crate::output::print_json;

#[derive(Debug, Args)]
#[command(
    after_long_help = "Cross-account: --vendor-account ID [--vendor-role ARN] [--external-id ID] [--region R ...]\n\
Web identity:  --oidc-issuer URL --provider-account ID --audience A (--subject S | --subject-like P) ...\n\n\
Text output is the policy JSON alone; a generated External ID is announced on standard error.\n\n\
--json prints: kind (cross-account or web-identity), principal (the vendor principal ARN, or the OIDC provider ARN), external_id and external_id_generated (cross-account only), regions[], size (characters as IAM counts them), policy."
)]
pub(crate) struct GenerateArgs {
    /// The vendor's AWS account id (12 digits), trusted through its root unless --vendor-role
    /// names one role.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "oidc_issuer",
        conflicts_with = "oidc_issuer"
    )]
    vendor_account: Option<String>,
    /// Trust only this role of the vendor's account (it must be in --vendor-account).
    #[arg(long, value_name = "ARN", conflicts_with = "oidc_issuer")]
    vendor_role: Option<String>,
    /// The External ID to require; a new random one is generated when absent.
    #[arg(long, value_name = "ID", conflicts_with = "oidc_issuer")]
    external_id: Option<String>,
    /// Only accept AssumeRole calls made to STS in this region (repeat for more).
    #[arg(long = "region", value_name = "R", conflicts_with = "oidc_issuer")]
    regions: Vec<String>,
    /// Web identity instead: trust tokens from this OIDC issuer (https:// URL or host/path).
    #[arg(long, value_name = "URL", requires_all = ["provider_account", "audiences"])]
    oidc_issuer: Option<String>,
    /// With --oidc-issuer: the customer's account id, where the OIDC provider is registered
    /// (the principal is arn:aws:iam::ACCOUNT:oidc-provider/ISSUER).
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    provider_account: Option<String>,
    /// With --oidc-issuer: an accepted token audience (`aud` claim); repeat for more.
    #[arg(long = "audience", value_name = "A", requires = "oidc_issuer")]
    audiences: Vec<String>,
    /// With --oidc-issuer: an accepted token subject (`sub` claim), exactly; repeat for more.
    #[arg(long = "subject", value_name = "S", requires = "oidc_issuer")]
    subjects: Vec<String>,
    /// With --oidc-issuer: an accepted subject pattern (`*` and `?`); repeat for more.
    #[arg(
        long = "subject-like",
        value_name = "PATTERN",
        requires = "oidc_issuer"
    )]
    subject_patterns: Vec<String>,
    /// The trust policy quota in characters (2,048 by default, at most 4,096).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    size_limit: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The `--json` output of `trust generate`.
#[derive(Debug, Serialize)]
struct Generated {
    /// `cross-account` or `web-identity`.
    kind: &'static str,
    /// The trusted principal: the vendor's account root or role, or the OIDC provider ARN.
    principal: String,
    /// The External ID the policy requires (cross-account only).
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<ExternalId>,
    /// True when the command generated the External ID (cross-account only).
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id_generated: Option<bool>,
    /// Regions the AssumeRole call must be made in (empty: any).
    regions: Vec<Region>,
    /// The policy's size in characters, as IAM counts them.
    size: usize,
    /// The trust policy.
    policy: PolicyDocument,
}

pub(crate) fn run(args: GenerateArgs) -> Outcome {
    let generated = match &args.oidc_issuer {
        Some(issuer) => web_identity(&args, issuer),
        None => cross_account(&args),
    };
    let generated = match generated {
        Ok(generated) => generated,
        Err(outcome) => return outcome,
    };
    if args.json {
        print_json(&generated);
    } else {
        if generated.external_id_generated == Some(true)
            && let Some(id) = &generated.external_id
        {
            eprintln!(
                "note: generated External ID {id}; store it with the connection, the vendor sends it on every AssumeRole"
            );
        }
        println!("{}", generated.policy.to_json_pretty());
    }
    Outcome::Ok
}

fn cross_account(args: &GenerateArgs) -> Result<Generated, Outcome> {
    let account = args.vendor_account.as_deref().ok_or_else(|| {
        Outcome::BadInput("--vendor-account: required for a cross-account trust policy".into())
    })?;
    let vendor = vendor_principal(account, args.vendor_role.as_deref())?;
    let (id, generated) = match &args.external_id {
        Some(text) => (external_id(text)?, false),
        None => (
            ExternalId::generate().map_err(|e| Outcome::Failed(e.to_string()))?,
            true,
        ),
    };
    let regions = args
        .regions
        .iter()
        .map(|text| region(text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut trust = CrossAccountTrust::new(vendor.clone(), id.clone())
        .restrict_regions(regions)
        .map_err(builder_error)?;
    if let Some(text) = &args.size_limit {
        let limit = positive("--size-limit", text, "the trust policy quota in characters")?;
        trust = trust.with_size_limit(limit).map_err(builder_error)?;
    }
    let policy = trust.policy().map_err(builder_error)?;
    Ok(Generated {
        kind: "cross-account",
        principal: vendor.principal_arn(),
        external_id: Some(id),
        external_id_generated: Some(generated),
        regions: trust.regions().to_vec(),
        size: iam_policy::policy_size(&policy),
        policy,
    })
}

fn web_identity(args: &GenerateArgs, issuer: &str) -> Result<Generated, Outcome> {
    let account = args.provider_account.as_deref().ok_or_else(|| {
        Outcome::BadInput("--provider-account: required with --oidc-issuer".into())
    })?;
    let account: AccountId = account
        .parse()
        .map_err(|e| Outcome::BadInput(format!("--provider-account: {e}")))?;
    let mut trust = OidcTrust::new(account, issuer).map_err(builder_error)?;
    for audience in &args.audiences {
        trust = trust.with_audience(audience).map_err(builder_error)?;
    }
    let subjects = args.subjects.iter().cloned().map(SubjectMatch::Exact);
    let patterns = args
        .subject_patterns
        .iter()
        .cloned()
        .map(SubjectMatch::Like);
    for subject in subjects.chain(patterns) {
        trust = trust.with_subject(subject).map_err(builder_error)?;
    }
    if let Some(text) = &args.size_limit {
        let limit = positive("--size-limit", text, "the trust policy quota in characters")?;
        trust = trust.with_size_limit(limit).map_err(builder_error)?;
    }
    let policy = trust.policy().map_err(builder_error)?;
    Ok(Generated {
        kind: "web-identity",
        principal: trust.provider_arn(),
        external_id: None,
        external_id_generated: None,
        regions: Vec::new(),
        size: iam_policy::policy_size(&policy),
        policy,
    })
}
