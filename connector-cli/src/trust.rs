//! `connector trust generate|lint|simulate`: write a trust policy, check the one a customer
//! pasted, or simulate an AssumeRole call against one.

mod generate;
mod lint;
mod simulate;

use std::io::Read;
use std::path::Path;

use clap::Subcommand;
use trust_policy::{AccountId, ExternalId, Region, RoleArn, TrustPolicyError, VendorPrincipal};

use crate::exit::Outcome;

#[derive(Debug, Subcommand)]
pub(crate) enum TrustCommand {
    /// Print a trust policy for the customer's role: cross-account with an External ID, or
    /// web identity (OIDC) with --oidc-issuer.
    Generate(generate::GenerateArgs),
    /// Lint a trust policy a customer pasted: will the vendor's AssumeRole work, and is the
    /// role safe from the confused deputy?
    Lint(lint::LintArgs),
    /// Simulate an AssumeRole call against a trust policy, offline.
    Simulate(simulate::SimulateArgs),
}

pub(crate) fn run(command: TrustCommand) -> Outcome {
    match command {
        TrustCommand::Generate(args) => generate::run(args),
        TrustCommand::Lint(args) => lint::run(args),
        TrustCommand::Simulate(args) => simulate::run(args),
    }
}

/// The vendor principal from `--vendor-account` and, optionally, `--vendor-role` (which must
/// be a role in that account).
pub(crate) fn vendor_principal(
    account: &str,
    role: Option<&str>,
) -> Result<VendorPrincipal, Outcome> {
    let account: AccountId = account
        .parse()
        .map_err(|e| Outcome::BadInput(format!("--vendor-account: {e}")))?;
    let Some(role) = role else {
        return Ok(VendorPrincipal::account(account));
    };
    let role: RoleArn = role
        .parse()
        .map_err(|e| Outcome::BadInput(format!("--vendor-role: {e}")))?;
    if role.account_id() != &account {
        return Err(Outcome::BadInput(format!(
            "--vendor-role: invalid role ARN {:?}: the role is in account {}, not in --vendor-account {}",
            role.to_string(),
            role.account_id(),
            account
        )));
    }
    Ok(VendorPrincipal::Role(role))
}

/// Parses `--external-id` against AWS's rules.
fn external_id(text: &str) -> Result<ExternalId, Outcome> {
    text.parse()
        .map_err(|e| Outcome::BadInput(format!("--external-id: {e}")))
}

/// Parses a `--region` value into the one region type.
fn region(text: &str) -> Result<Region, Outcome> {
    text.parse()
        .map_err(|e| Outcome::BadInput(format!("--region: {e}")))
}

/// Turns a builder error into an outcome: a rejected value is bad input naming its option.
fn builder_error(error: TrustPolicyError) -> Outcome {
    match &error {
        TrustPolicyError::InvalidValue { field, .. } => {
            let flag = match *field {
                "region" => "--region",
                "external id" | "external ids" => "--external-id",
                "OIDC issuer" => "--oidc-issuer",
                "audience" => "--audience",
                "subject" => "--subject",
                "source identity pattern" => "--source-identity",
                "trust policy size limit" => "--size-limit",
                other => other,
            };
            Outcome::BadInput(format!("{flag}: {error}"))
        }
        TrustPolicyError::Policy(e) => Outcome::BadInput(e.to_string()),
        _ => Outcome::Failed(error.to_string()),
    }
}

/// Parses a whole number flag value that must be at least 1: a negative, zero or non-number
/// value is bad input naming `flag`.
fn positive(flag: &str, text: &str, what: &str) -> Result<usize, Outcome> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Outcome::BadInput(format!(
            "{flag}: invalid value {:?}: {what} must be a whole number of at least 1",
            excerpt(text)
        ))),
    }
}

/// Reads `file` (or standard input for `-`), refusing more than `limit` bytes without
/// reading further: an oversized trust policy costs neither memory nor parsing.
fn read_capped(file: &Path, limit: usize) -> Result<String, Outcome> {
    let unreadable = |e: std::io::Error| {
        Outcome::BadInput(format!("FILE {}: cannot read it: {e}", file.display()))
    };
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    if file == Path::new("-") {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(cap).read_to_end(&mut bytes))
    }
    .map_err(unreadable)?;
    if bytes.len() > limit {
        return Err(too_large(
            file,
            &TrustPolicyError::InputTooLarge {
                size: bytes.len(),
                limit,
            },
        ));
    }
    String::from_utf8(bytes)
        .map_err(|e| Outcome::BadInput(format!("FILE {}: cannot read it: {e}", file.display())))
}

/// The message for input over `--max-input-bytes`.
fn too_large(file: &Path, error: &TrustPolicyError) -> Outcome {
    let detail = match error {
        TrustPolicyError::InputTooLarge { limit, .. } => format!(
            "the trust policy is more than {limit} bytes, the --max-input-bytes limit; it was not parsed (raise --max-input-bytes for batch tools)"
        ),
        other => other.to_string(),
    };
    Outcome::BadInput(format!("FILE {}: {detail}", file.display()))
}

/// At most 80 characters of a value, for error messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or_default()),
    }
}
