//! `connector onboard cloudformation|stackset|terraform|manual`: the artifacts a customer runs
//! to create the role, all from one permission set and one External ID, or (no stored key
//! anywhere) the vendor's OIDC issuer and the tenant (`--oidc-issuer URL --tenant T`).

mod values;

use clap::{Args, Subcommand, ValueEnum};
use onboarding::{OidcOnboarding, Onboarding, OnboardingError, TrustKind};
use permission_sets::{PermissionSetError, builtin};
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

use crate::exit::Outcome;
use crate::output::{out, outln};

#[derive(Debug, Subcommand)]
pub(crate) enum OnboardCommand {
    /// A CloudFormation template (and, with --template-url, its quick-create link).
    Cloudformation {
        #[command(flatten)]
        common: Common,
        /// YAML or JSON.
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
        /// Where the template is hosted (an https Amazon S3 URL): prints the quick-create link.
        #[arg(long, requires = "region")]
        template_url: Option<String>,
        /// The console region of the quick-create link.
        #[arg(long)]
        region: Option<String>,
        /// The stack name in the quick-create link and the disconnect steps.
        #[arg(long, default_value = "ConnectorRole")]
        stack_name: String,
        #[command(flatten)]
        callback: Callback,
    },
    /// A StackSets template for AWS Organizations (every account of some OUs, also later ones).
    Stackset {
        #[command(flatten)]
        common: Common,
        /// The stack set's name.
        #[arg(long, default_value = "ConnectorRole")]
        stack_set_name: String,
        /// Organizational units (or the root) for the CLI commands printed alongside.
        #[arg(long = "organizational-unit", value_name = "OU_ID")]
        organizational_units: Vec<String>,
        /// The region the stack instances go to.
        #[arg(long, default_value = "us-east-1")]
        region: String,
        #[command(flatten)]
        callback: Callback,
    },
    /// A Terraform configuration.
    Terraform {
        #[command(flatten)]
        common: Common,
    },
    /// The policy files and AWS CLI commands, as a shell script to read and run.
    Manual {
        #[command(flatten)]
        common: Common,
    },
}

/// What every onboarding artifact is made from.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// The permission set (see `connector permissions list`).
    #[arg(long = "set")]
    set: String,
    /// The vendor's AWS account id (12 digits; with --external-id).
    #[arg(long)]
    vendor_account: Option<String>,
    /// Trust one role of the vendor instead of its whole account (with --external-id).
    #[arg(long)]
    vendor_role: Option<String>,
    /// The External ID given to this customer (or --oidc-issuer: exactly one of the two).
    #[arg(long)]
    external_id: Option<String>,
    /// The vendor's OIDC issuer (https://HOST[/PATH], exactly the tokens' iss, no trailing
    /// slash): the artifacts create the customer's OIDC provider and a role trusting the
    /// tenant's tokens (instead of --external-id).
    #[arg(long, value_name = "URL")]
    oidc_issuer: Option<String>,
    /// The tenant whose tokens the role accepts (subject org/TENANT; with --oidc-issuer).
    #[arg(long)]
    tenant: Option<String>,
    /// The customer's account (with --oidc-issuer; the manual steps need it to name the
    /// provider, the templates use the account they run in).
    #[arg(long, value_name = "ACCOUNT_ID")]
    customer_account: Option<String>,
    /// A certificate thumbprint for the OIDC provider (40 hex digits; only for an issuer whose
    /// JWKS host uses a CA AWS does not trust; repeatable, at most 5).
    #[arg(long = "thumbprint", value_name = "SHA1_HEX")]
    thumbprints: Vec<String>,
    /// The role name offered by default.
    #[arg(long)]
    role_name: Option<String>,
    /// A permission set parameter, `NAME=VALUE`; a list parameter takes `NAME=A,B`.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Use the set's sample values for parameters not given (for previews).
    #[arg(long)]
    sample_values: bool,
    /// The role's maximum session duration in seconds (3,600 to 43,200).
    #[arg(long, default_value_t = 3600, allow_negative_numbers = true)]
    max_session_duration: u32,
    /// Print JSON (the artifact as a string, with the link and the disconnect steps).
    #[arg(long)]
    json: bool,
}

/// The registration resource: the stack tells the vendor when it is created, updated or
/// deleted, so nobody pastes a role ARN back.
#[derive(Debug, Args)]
pub(crate) struct Callback {
    /// The vendor's SNS topic for stack registrations (arn:aws:sns:REGION:ACCOUNT:NAME);
    /// repeat it for every Region the vendor accepts stacks in (same account and topic name:
    /// CloudFormation requires the topic in the stack's own Region). Adds the registration
    /// resource to the template.
    #[arg(long = "callback-topic", value_name = "SNS_TOPIC_ARN")]
    topics: Vec<String>,
    /// The connection the stack registers (cloudformation; required with --callback-topic).
    #[arg(long = "connection-id", value_name = "ID")]
    connection_id: Option<String>,
    /// The environment variable holding the tenant's registration token (stackset; required
    /// there with --callback-topic; a secret is never taken on the command line).
    #[arg(
        long = "tenant-token-env",
        value_name = "VAR",
        default_value = "CONNECTOR_TENANT_TOKEN"
    )]
    tenant_token_env: String,
    /// How long CloudFormation waits for the vendor's answer, 1 to 3,600 seconds.
    #[arg(
        long = "callback-timeout",
        value_name = "SECONDS",
        default_value_t = 600
    )]
    timeout: u32,
}

impl Callback {
    /// The registration these flags ask for (`None` without --callback-topic). An
    /// Organization (stackset) registration carries the tenant token instead of a
    /// connection id.
    fn registration(&self, organization: bool) -> Result<Option<onboarding::Registration>, String> {
        let Some(first) = self.topics.first() else {
            if self.connection_id.is_some() {
                return Err("--connection-id: only with --callback-topic".to_owned());
            }
            return Ok(None);
        };
        let (account, name, _) = topic(first)?;
        let mut regions = Vec::new();
        for text in &self.topics {
            let (other_account, other_name, region) = topic(text)?;
            if other_account != account || other_name != name {
                return Err(format!(
                    "--callback-topic: {text} is not the topic {name} of account {account}: every Region's topic has the same account and name (the template builds the ARN from the stack's Region)"
                ));
            }
            regions.push(region);
        }
        let mut registration = onboarding::Registration::new(account, &name)
            .map_err(|e| format!("--callback-topic: {e}"))?
            .with_regions(regions)
            .with_timeout_seconds(self.timeout)
            .map_err(|e| format!("--callback-timeout: {e}"))?;
        if organization {
            if self.connection_id.is_some() {
                return Err("--connection-id: a StackSets registration names no connection (each account gets its own); it carries the tenant token from --tenant-token-env".to_owned());
            }
            let token = std::env::var(&self.tenant_token_env).map_err(|_| {
                format!(
                    "--tenant-token-env: the environment variable {} holds no registration token",
                    self.tenant_token_env
                )
            })?;
            registration = registration
                .with_tenant_token(secrecy::SecretString::from(token))
                .map_err(|e| format!("--tenant-token-env: {e}"))?;
        } else {
            let Some(id) = &self.connection_id else {
                return Err("--connection-id: required with --callback-topic (the vendor must know whose stack registers)".to_owned());
            };
            registration = registration
                .with_connection_id(id)
                .map_err(|e| format!("--connection-id: {e}"))?;
        }
        Ok(Some(registration))
    }
}

/// The account, name and Region of an SNS topic ARN.
fn topic(text: &str) -> Result<(iam_policy::AccountId, String, iam_policy::Region), String> {
    let bad = |why: &str| format!("--callback-topic: {text:?} {why}");
    let arn: iam_policy::Arn = text
        .parse()
        .map_err(|e: iam_policy::Error| bad(&e.to_string()))?;
    if arn.service() != "sns" {
        return Err(bad(
            "is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)",
        ));
    }
    let account = arn.account_id().ok_or_else(|| bad("names no account"))?;
    let region: iam_policy::Region = arn.region().parse().map_err(|_| bad("names no Region"))?;
    Ok((account, arn.resource().to_owned(), region))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

pub(crate) fn run(command: OnboardCommand) -> Outcome {
    match produce(command) {
        Ok(()) => Outcome::Ok,
        Err(message) => Outcome::BadInput(message),
    }
}

fn produce(command: OnboardCommand) -> Result<(), String> {
    match command {
        OnboardCommand::Cloudformation {
            common,
            format,
            template_url,
            region,
            stack_name,
            callback,
        } => {
            // The stack name is in the disconnect steps even without a quick-create link.
            onboarding::check_stack_name(&stack_name).map_err(message)?;
            let onboarding = build(&common, callback.registration(false)?)?;
            let template = onboarding.cloudformation().map_err(message)?;
            let text = match format {
                Format::Yaml => template.to_yaml(),
                Format::Json => template.to_json(),
            }
            .map_err(message)?;
            let link = match (template_url, region) {
                (Some(url), Some(region)) => {
                    let region = region
                        .parse()
                        .map_err(|e: iam_policy::Error| format!("--region: {e}"))?;
                    Some(
                        onboarding
                            .quick_create_link(&region, &url, &stack_name)
                            .map_err(message)?
                            .to_string(),
                    )
                }
                _ => None,
            };
            let disconnect = template.disconnect_steps(&stack_name);
            emit(
                common.json,
                &text,
                serde_json::json!({
                    "kind": "cloudformation",
                    "format": match format { Format::Yaml => "yaml", Format::Json => "json" },
                    "template": text,
                    "quick_create_link": link,
                    "disconnect": disconnect,
                }),
                link.map(|l| format!("Quick-create link:\n{l}")),
            );
        }
        OnboardCommand::Stackset {
            common,
            stack_set_name,
            organizational_units,
            region,
            callback,
        } => {
            for unit in &organizational_units {
                values::organizational_unit(unit)?;
            }
            let region: iam_policy::Region = region
                .parse()
                .map_err(|e: iam_policy::Error| format!("--region: {e}"))?;
            let region = region.as_str().to_owned();
            let onboarding = build(&common, callback.registration(true)?)?;
            let stackset = onboarding.stackset(&stack_set_name).map_err(message)?;
            let text = stackset.to_yaml().map_err(message)?;
            // The CLI route needs the organizational units; without them only the template
            // (whose parameter asks for them at deploy time) is printed.
            let units = organizational_units;
            let commands = if units.is_empty() {
                Vec::new()
            } else {
                stackset.cli_commands(&units, &region)
            };
            let disconnect = stackset.disconnect_steps(&stack_set_name, &units, &region);
            let note = if commands.is_empty() {
                "Deploy it from the management account; pass --organizational-unit to also print the AWS CLI route.".to_owned()
            } else {
                format!(
                    "Deploy from the management account with the template above, or with the CLI (role template saved as connector-role.json):\n{}",
                    commands.join("\n")
                )
            };
            emit(
                common.json,
                &text,
                serde_json::json!({
                    "kind": "stackset",
                    "template": text,
                    "role_template": stackset.role_template().to_json().map_err(message)?,
                    "cli_commands": commands,
                    "disconnect": disconnect,
                }),
                Some(note),
            );
        }
        OnboardCommand::Terraform { common } => {
            let onboarding = build(&common, None)?;
            let config = onboarding.terraform().map_err(message)?;
            let text = config.to_hcl().map_err(message)?;
            emit(
                common.json,
                &text,
                serde_json::json!({
                    "kind": "terraform",
                    "main_tf": text,
                    "disconnect": config.disconnect_steps(),
                }),
                None,
            );
        }
        OnboardCommand::Manual { common } => {
            let onboarding = build(&common, None)?;
            let manual = onboarding.manual().map_err(message)?;
            let text = manual.script();
            emit(
                common.json,
                &text,
                serde_json::json!({
                    "kind": "manual",
                    "files": manual.files(),
                    "commands": manual.commands(),
                    "disconnect": manual.disconnect_steps(),
                }),
                None,
            );
        }
    }
    Ok(())
}

/// The artifact on standard output (so it can be redirected to a file), notes on standard
/// error; or one JSON document.
fn emit(json: bool, text: &str, document: serde_json::Value, note: Option<String>) {
    if json {
        outln!("{document:#}");
    } else {
        out!("{text}");
        if !text.ends_with('\n') {
            outln!();
        }
        if let Some(note) = note {
            eprintln!("\n{note}");
        }
    }
}

fn message(error: OnboardingError) -> String {
    match &error {
        // The set's claims held for the sample values when it was built, so the values given
        // here are what breaks one (a PassRole path of `/`, say).
        OnboardingError::PermissionSet(PermissionSetError::ClaimDisproved { .. }) => {
            format!("--param: {error}")
        }
        _ => values::flagged(&error),
    }
}

fn build(
    common: &Common,
    registration: Option<onboarding::Registration>,
) -> Result<Onboarding, String> {
    let set = builtin::get(&common.set).map_err(|e| format!("--set: {e}"))?;
    let trust = trust_kind(common)?;
    let (values, _) =
        crate::permissions::render::parameter_values(&set, &common.params, common.sample_values)
            .map_err(|outcome| match outcome {
                Outcome::BadInput(message) | Outcome::Failed(message) => message,
                other => format!("{other:?}"),
            })?;
    let mut builder = Onboarding::builder_for(trust, set)
        .with_values(values)
        .with_max_session_duration(common.max_session_duration);
    if let Some(name) = &common.role_name {
        builder = builder.with_role_name(name);
    }
    if let Some(registration) = registration {
        builder = builder.with_registration(registration);
    }
    builder.build().map_err(message)
}

/// The trust the flags describe: `--external-id` (with `--vendor-account`, `--vendor-role`)
/// or `--oidc-issuer` (with `--tenant`, `--customer-account`, `--thumbprint`), exactly one.
fn trust_kind(common: &Common) -> Result<TrustKind, String> {
    match (&common.external_id, &common.oidc_issuer) {
        (Some(_), Some(_)) => Err(
            "--oidc-issuer: give either --external-id or --oidc-issuer (with --tenant), not both"
                .to_owned(),
        ),
        (None, None) => Err(
            "--external-id: required, or --oidc-issuer with --tenant for an OIDC connection"
                .to_owned(),
        ),
        (Some(external_id), None) => {
            for (flag, given) in [
                ("--tenant", common.tenant.is_some()),
                ("--customer-account", common.customer_account.is_some()),
                ("--thumbprint", !common.thumbprints.is_empty()),
            ] {
                if given {
                    return Err(format!("{flag}: only with --oidc-issuer"));
                }
            }
            external_id_trust(common, external_id)
        }
        (None, Some(issuer)) => {
            for (flag, given) in [
                ("--vendor-account", common.vendor_account.is_some()),
                ("--vendor-role", common.vendor_role.is_some()),
            ] {
                if given {
                    return Err(format!(
                        "{flag}: an OIDC connection trusts the issuer's tokens, not a vendor principal; only with --external-id"
                    ));
                }
            }
            let Some(tenant) = &common.tenant else {
                return Err(
                    "--tenant: required with --oidc-issuer (the role accepts the subject org/<tenant>)"
                        .to_owned(),
                );
            };
            let mut oidc = OidcOnboarding::new(issuer, tenant).map_err(message)?;
            for thumbprint in &common.thumbprints {
                oidc = oidc.with_thumbprint(thumbprint).map_err(message)?;
            }
            if let Some(account) = &common.customer_account {
                let account = account
                    .parse()
                    .map_err(|e: iam_policy::Error| format!("--customer-account: {e}"))?;
                oidc = oidc.with_customer_account(account);
            }
            Ok(TrustKind::Oidc(oidc))
        }
    }
}

fn external_id_trust(common: &Common, external_id: &str) -> Result<TrustKind, String> {
    let Some(vendor_account) = &common.vendor_account else {
        return Err("--vendor-account: required with --external-id".to_owned());
    };
    let account = vendor_account
        .parse()
        .map_err(|e: iam_policy::Error| format!("--vendor-account: {e}"))?;
    let vendor = match &common.vendor_role {
        Some(role) => VendorPrincipal::Role(
            role.parse()
                .map_err(|e: iam_policy::Error| format!("--vendor-role: {e}"))?,
        ),
        None => VendorPrincipal::account(account),
    };
    if vendor.account_id().as_str() != vendor_account {
        return Err(format!(
            "--vendor-role: the role {} is not in the vendor account {vendor_account}",
            common.vendor_role.as_deref().unwrap_or_default(),
        ));
    }
    let external_id: ExternalId = external_id
        .parse()
        .map_err(|e: trust_policy::TrustPolicyError| format!("--external-id: {e}"))?;
    Ok(TrustKind::ExternalId(CrossAccountTrust::new(
        vendor,
        external_id,
    )))
}
