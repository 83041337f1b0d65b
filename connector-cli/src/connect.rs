//! `connector connect test`: a real connection test through `connector-aws`: AssumeRole with
//! the External ID, GetCallerIdentity, then AssumeRole without it, which must be denied.

use clap::{Args, Subcommand};
use connector_aws::AwsStsProvider;
use connector_core::{
    ExternalId, Region, RoleArn, RoleSessionName, VerificationOutcome, VerificationReport,
    verify_connection,
};

use crate::exit::Outcome;
use crate::output::outln;

#[derive(Debug, Subcommand)]
pub(crate) enum ConnectCommand {
    /// Test a customer's role with this machine's AWS credentials (the default chain).
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// The customer's role ARN.
    #[arg(long)]
    role_arn: String,
    /// The External ID given to the customer.
    #[arg(long)]
    external_id: String,
    /// Send STS calls here instead of AWS (a local emulator, a private endpoint): an http or
    /// https URL.
    #[arg(long = "endpoint-url", value_name = "URL")]
    endpoint_url: Option<String>,
    /// The STS region (default: the AWS configuration's).
    #[arg(long)]
    region: Option<String>,
    /// The role session name.
    #[arg(long, default_value = "connector-test")]
    session_name: String,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: ConnectCommand) -> Outcome {
    let ConnectCommand::Test(args) = command;
    let role: RoleArn = match args.role_arn.parse() {
        Ok(role) => role,
        Err(e) => return Outcome::BadInput(format!("--role-arn: {e}")),
    };
    let external_id: ExternalId = match args.external_id.parse() {
        Ok(id) => id,
        Err(e) => return Outcome::BadInput(format!("--external-id: {e}")),
    };
    let region: Option<Region> = match args.region.as_deref().map(str::parse).transpose() {
        Ok(region) => region,
        Err(e) => return Outcome::BadInput(format!("--region: {e}")),
    };
    let session_name: RoleSessionName = match args.session_name.parse() {
        Ok(name) => name,
        Err(e) => return Outcome::BadInput(format!("--session-name: {e}")),
    };
    if let Some(Err(message)) = args.endpoint_url.as_deref().map(endpoint_url) {
        return Outcome::BadInput(message);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Failed(format!("could not start the async runtime: {e}")),
    };
    if !args.json {
        eprintln!("Testing {role} ...");
    }
    let report = runtime.block_on(async {
        let mut builder = AwsStsProvider::builder();
        if let Some(url) = &args.endpoint_url {
            builder = builder.with_endpoint_url(url);
        }
        if let Some(region) = &region {
            builder = builder.with_region(region.clone());
        }
        let provider = builder.build().await.map_err(|e| e.to_string())?;
        Ok::<VerificationReport, String>(
            verify_connection(
                &provider,
                &role,
                &external_id,
                &session_name,
                region.as_ref(),
            )
            .await,
        )
    });
    let report = match report {
        Ok(report) => report,
        Err(message) => return Outcome::BadInput(message),
    };
    if args.json {
        outln!(
            "{:#}",
            serde_json::json!({ "role_arn": role.to_string(), "report": report })
        );
    } else {
        if let Some(identity) = report.identity() {
            outln!("assumed as {} (account {})", identity.arn, identity.account);
        }
        for finding in report.findings() {
            outln!(
                "{} {}: {}\n  fix: {}",
                finding.severity(),
                finding.code(),
                finding.message(),
                finding.remediation()
            );
        }
        outln!(
            "{}",
            match report.outcome() {
                VerificationOutcome::Verified =>
                    "verified: the role works with the External ID and refuses callers without it",
                VerificationOutcome::Refused =>
                    "refused: do not use this role until the findings above are fixed",
                VerificationOutcome::Inconclusive { retryable: true } =>
                    "inconclusive: not verified; run the test again later",
                VerificationOutcome::Inconclusive { retryable: false } =>
                    "inconclusive: not verified; see the findings above for what must change",
            }
        );
    }
    if report.is_verified() {
        Outcome::Ok
    } else {
        Outcome::Findings
    }
}

/// Checks `--endpoint-url` before the SDK sees it (the SDK answers a malformed URL with a
/// kilobyte and a half of debug output): an absolute `http` or `https` URL with a host and
/// no user name or password.
pub(crate) fn endpoint_url(text: &str) -> Result<(), String> {
    let shown: String = text.chars().take(80).collect();
    let bad = |rule: &str| format!("--endpoint-url {shown:?}: {rule}");
    let url = url::Url::parse(text).map_err(|e| bad(&format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host().is_none() {
        return Err(bad("the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("the URL must not carry a user name or password"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_url_must_be_an_http_url_with_a_host() {
        for good in [
            "http://127.0.0.1:5000",
            "https://sts.us-east-1.amazonaws.com",
            "http://localhost:4566/",
        ] {
            assert!(endpoint_url(good).is_ok(), "{good}");
        }
        for bad in [
            "not a url",
            "localhost:4566",
            "ftp://host",
            "http://",
            "https://user:pw@host",
            "unix:/tmp/s",
        ] {
            let error = endpoint_url(bad).unwrap_err();
            assert!(error.starts_with("--endpoint-url"), "{error}");
        }
    }
}
