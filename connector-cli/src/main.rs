//! `connector`: the workspace's command line.
//!
//! Every command prints readable text, or stable JSON with `--json`, and exits with 0 when
//! all is well, 1 when it found problems or the request was denied, and 2 on bad input.

mod demo;
mod exit;
mod onboard;
mod policy;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Connect a product to customers' AWS accounts through cross-account IAM roles.
#[derive(Debug, Parser)]
#[command(name = "connector", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check and evaluate IAM policy documents.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Produce what a customer runs to create the role: CloudFormation, StackSets, Terraform
    /// or manual steps.
    #[command(subcommand)]
    Onboard(onboard::OnboardCommand),
    /// The whole onboarding story on an in-memory STS, with no AWS account.
    Demo(demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Policy(command) => policy::run(command),
        Command::Onboard(command) => onboard::run(command),
        Command::Demo(args) => demo::run(args),
    };
    outcome.report()
}
