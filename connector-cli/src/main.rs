//! `connector`: the workspace's command line.
//!
//! Every command prints readable text, or stable JSON with `--json`, and exits with 0 when
//! all is well, 1 when it found problems or the request was denied, and 2 on bad input.

mod args;
mod connect;
mod connections;
mod credentials;
mod demo;
mod exit;
mod external_id;
mod fleet;
mod oidc;
mod onboard;
mod output;
mod permissions;
mod policy;
mod serve;
mod store;
mod trust;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Connect a product to customers' AWS accounts through cross-account IAM roles.
#[derive(Debug, Parser)]
#[command(
    name = "connector",
    version,
    about,
    propagate_version = true,
    after_help = exit::EXIT_STATUS_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check, evaluate, expand and audit IAM policy documents.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Generate External IDs.
    #[command(subcommand, name = "external-id")]
    ExternalId(external_id::ExternalIdCommand),
    /// Generate, lint and simulate role trust policies.
    #[command(subcommand)]
    Trust(trust::TrustCommand),
    /// List, explain and render the built-in permission sets.
    #[command(subcommand)]
    Permissions(permissions::PermissionsCommand),
    /// Produce what a customer runs to create the role: CloudFormation, StackSets, Terraform
    /// or manual steps.
    #[command(subcommand)]
    Onboard(onboard::OnboardCommand),
    /// The whole onboarding story on an in-memory STS, with no AWS account.
    Demo(demo::DemoArgs),
    /// Test a customer's role against AWS (or an emulator) through the aws-sdk-sts adapter.
    #[command(subcommand)]
    Connect(connect::ConnectCommand),
    /// Look at and act on the connections in a store (SQLite, Postgres, DynamoDB).
    #[command(subcommand)]
    Connections(connections::ConnectionsCommand),
    /// Health-check every connection of a store on a schedule (`run`), or one now (`check`).
    #[command(subcommand)]
    Fleet(fleet::FleetCommand),
    /// The vendor as an OIDC issuer: signing keys, the JWKS and discovery documents, tokens.
    #[command(subcommand)]
    Oidc(oidc::OidcCommand),
    /// The reference onboarding service: REST API, onboarding page, SNS callback, fleet
    /// worker; `--simulate` for a laptop without AWS.
    Serve(serve::ServeArgs),
    /// A connection's short-lived credentials from a `connector serve` server, in the
    /// `credential_process` format of the AWS CLI and SDKs.
    Credentials(credentials::CredentialsArgs),
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Policy(command) => policy::run(command),
        Command::ExternalId(command) => external_id::run(command),
        Command::Trust(command) => trust::run(command),
        Command::Permissions(command) => permissions::run(command),
        Command::Onboard(command) => onboard::run(command),
        Command::Demo(args) => demo::run(args),
        Command::Connect(command) => connect::run(command),
        Command::Connections(command) => connections::run(command),
        Command::Fleet(command) => fleet::run(command),
        Command::Oidc(command) => oidc::run(command),
        Command::Serve(args) => serve::run(args),
        Command::Credentials(args) => credentials::run(args),
    };
    let code = outcome.report();
    output::flush_stdout();
    code
}

/// Commands write through [`output::outln!`], which ends the process quietly when standard
/// output is a closed pipe; this hook does the same for any `println!` elsewhere (such as
/// clap's own help output), instead of a panic message and a backtrace.
fn quiet_on_closed_pipe() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied());
        if message.is_some_and(output::is_broken_pipe_panic) {
            std::process::exit(output::BROKEN_PIPE_STATUS);
        }
        default_hook(info);
    }));
}
