//! `connector fleet run|check`: the health-check fleet from the command line. `run` runs
//! workers against a store until Ctrl-C (or `--duration`), printing a status line every few
//! seconds and every state change; `check` checks one connection now (the support tool's
//! "check now"). Both reach STS through the aws-sdk-sts adapter with this machine's AWS
//! credentials (or an emulator's endpoint), as the vendor named by `--vendor-account`.

mod check;
pub(crate) mod duration;
mod report;
mod run;

pub(crate) use run::stop_signal;

use std::sync::Arc;

use clap::{Args, Subcommand};
use connector_aws::AwsStsProvider;
use connector_core::{Region, StsProvider, VendorPrincipal};

use crate::exit::Outcome;

/// `connector fleet …`.
#[derive(Debug, Subcommand)]
pub(crate) enum FleetCommand {
    /// Run health-check workers against a store until Ctrl-C (or --duration), printing a
    /// status line every few seconds and every state change.
    Run(run::RunArgs),
    /// Check one connection now and print the verdict; the exit status tells the verdict.
    Check(check::CheckArgs),
}

/// Who the vendor is and how STS is reached (shared by `fleet run` and `fleet check`).
#[derive(Debug, Clone, Args)]
pub(crate) struct StsArgs {
    /// The vendor's AWS account id (12 digits): the account whose credentials make the
    /// AssumeRole calls, and whose STS quota the rate limit protects.
    #[arg(long = "vendor-account", value_name = "ID")]
    vendor_account: String,
    /// The vendor's role customers trust, when they trust one role rather than the account
    /// (it must be in --vendor-account).
    #[arg(long = "vendor-role", value_name = "ARN")]
    vendor_role: Option<String>,
    /// Send STS calls here instead of AWS (a local emulator, a private endpoint): an http or
    /// https URL.
    #[arg(long = "endpoint-url", value_name = "URL")]
    endpoint_url: Option<String>,
    /// The STS region (default: the AWS configuration's).
    #[arg(long, value_name = "R")]
    region: Option<String>,
}

/// The checked STS flags.
#[derive(Debug, Clone)]
pub(crate) struct Sts {
    vendor: VendorPrincipal,
    endpoint_url: Option<String>,
    region: Option<Region>,
}

impl StsArgs {
    /// The flags' values given another way (`connector serve`'s settings).
    pub(crate) fn new(
        vendor_account: String,
        vendor_role: Option<String>,
        endpoint_url: Option<String>,
        region: Option<String>,
    ) -> StsArgs {
        StsArgs {
            vendor_account,
            vendor_role,
            endpoint_url,
            region,
        }
    }

    /// Checks every flag (before anything is opened or called); bad input names its flag.
    pub(crate) fn check(&self) -> Result<Sts, Outcome> {
        let vendor =
            crate::trust::vendor_principal(&self.vendor_account, self.vendor_role.as_deref())?;
        if let Some(Err(message)) = self
            .endpoint_url
            .as_deref()
            .map(crate::connect::endpoint_url)
        {
            return Err(Outcome::BadInput(message));
        }
        let region = self
            .region
            .as_deref()
            .map(str::parse::<Region>)
            .transpose()
            .map_err(|e| Outcome::BadInput(format!("--region: {e}")))?;
        Ok(Sts {
            vendor,
            endpoint_url: self.endpoint_url.clone(),
            region,
        })
    }
}

impl Sts {
    /// The vendor principal.
    pub(crate) fn vendor(&self) -> &VendorPrincipal {
        &self.vendor
    }

    /// The aws-sdk-sts adapter, with the default credential chain.
    pub(crate) async fn provider(&self) -> Result<Arc<dyn StsProvider>, Outcome> {
        let mut builder = AwsStsProvider::builder();
        if let Some(url) = &self.endpoint_url {
            builder = builder.with_endpoint_url(url);
        }
        if let Some(region) = &self.region {
            builder = builder.with_region(region.clone());
        }
        let provider = builder
            .build()
            .await
            .map_err(|e| Outcome::BadInput(format!("AWS configuration: {e}")))?;
        Ok(Arc::new(provider))
    }
}

pub(crate) fn run(command: FleetCommand) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Failed(format!("could not start the async runtime: {e}")),
    };
    let result = match command {
        FleetCommand::Run(args) => runtime.block_on(run::execute(args)),
        FleetCommand::Check(args) => runtime.block_on(check::execute(args)),
    };
    match result {
        Ok(outcome) | Err(outcome) => outcome,
    }
}
