//! `connector trust lint`: check the trust policy a customer pasted before using the role.

use std::path::PathBuf;

use clap::Args;
use onboarding::{OidcOnboarding, OnboardingError};
use serde::Serialize;
use trust_policy::{
    AccountId, FindingCode, LintCode, LintFinding, Severity, TrustExpectation, TrustPolicyLint,
    VendorCall, WebIdentityExpectation,
};

use super::{
    builder_error, external_id, positive, read_capped, region, too_large, vendor_principal,
};
use crate::exit::Outcome;
use crate::output::print_json;

#[derive(Debug, Args)]
#[command(
    after_long_help = "Cross-account: --vendor-account ID --external-id ID [--vendor-role ARN] [--region R] [--source-identity S]\n\
Web identity:  --oidc-issuer URL --tenant T --customer-account ID [--audience A]: the vendor's token (subject org/<tenant>) must be allowed, another tenant's or another audience's token refused.\n\n\
Exit status: 0 when the vendor may connect, 1 when it may not (AssumeRole would fail, or an error finding such as a missing External ID condition), 2 on bad input (including a FILE over --max-input-bytes, which is not parsed).\n\n\
--json prints: file, vendor_may_connect, vendor_allowed (the vendor's AssumeRole with the right External ID, or its AssumeRoleWithWebIdentity with its token, is allowed), findings[] with code, severity (ERROR, SECURITY_WARNING, WARNING, SUGGESTION), path, line, column, message, remediation, and validation_code (the IAM validation finding's code, for POLICY_INVALID and SIZE_LIMIT_EXCEEDED) or null."
)]
pub(crate) struct LintArgs {
    /// The trust policy JSON file (`-` for standard input).
    file: PathBuf,
    /// The vendor's AWS account id (12 digits).
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "oidc_issuer",
        conflicts_with = "oidc_issuer"
    )]
    vendor_account: Option<String>,
    /// The External ID the vendor sends.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "oidc_issuer",
        conflicts_with = "oidc_issuer"
    )]
    external_id: Option<String>,
    /// The vendor role that calls AssumeRole, when the vendor uses one (in --vendor-account).
    #[arg(long, value_name = "ARN", conflicts_with = "oidc_issuer")]
    vendor_role: Option<String>,
    /// The region of the STS endpoint the vendor calls, so region conditions it meets are
    /// not reported.
    #[arg(long, value_name = "R", conflicts_with = "oidc_issuer")]
    region: Option<String>,
    /// The source identity the vendor sets on AssumeRole.
    #[arg(long, value_name = "S", conflicts_with = "oidc_issuer")]
    source_identity: Option<String>,
    /// Web identity instead: the vendor's OIDC issuer (https://HOST[/PATH]), whose token the
    /// role must accept through AssumeRoleWithWebIdentity.
    #[arg(long, value_name = "URL", requires_all = ["tenant", "customer_account"])]
    oidc_issuer: Option<String>,
    /// With --oidc-issuer: the tenant; the vendor's token has the subject org/TENANT.
    #[arg(long, value_name = "T", requires = "oidc_issuer")]
    tenant: Option<String>,
    /// With --oidc-issuer: the customer's account id, where the OIDC provider is registered.
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    customer_account: Option<String>,
    /// With --oidc-issuer: the audience of the vendor's token (sts.amazonaws.com by default).
    #[arg(long, value_name = "A", requires = "oidc_issuer")]
    audience: Option<String>,
    /// The customer's trust policy quota in characters (2,048 by default, at most 4,096).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    size_limit: Option<String>,
    /// Refuse, before reading further or parsing, a FILE larger than this many bytes (65,536
    /// by default: many times the largest trust policy IAM stores). For batch tools.
    #[arg(long, value_name = "BYTES", allow_negative_numbers = true)]
    max_input_bytes: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The `--json` output of `trust lint`.
#[derive(Debug, Serialize)]
struct Lint {
    /// The file linted.
    file: String,
    /// True when the vendor should use the role: its AssumeRole works and no finding is an error.
    vendor_may_connect: bool,
    /// True when the vendor's call would be allowed: AssumeRole with the right External ID,
    /// or AssumeRoleWithWebIdentity with its token.
    vendor_allowed: bool,
    /// Every finding, errors first.
    findings: Vec<Finding>,
}

/// One lint finding.
#[derive(Debug, Serialize)]
struct Finding {
    /// Stable code, e.g. `EXTERNAL_ID_MISSING`.
    code: LintCode,
    /// `ERROR`, `SECURITY_WARNING`, `WARNING` or `SUGGESTION` (fixed per code).
    severity: Severity,
    /// JSON path of the element, e.g. `$.Statement[0].Condition`.
    path: String,
    /// 1-based line, when known.
    line: Option<usize>,
    /// 1-based column, when known.
    column: Option<usize>,
    /// What is wrong.
    message: String,
    /// What the customer should do.
    remediation: &'static str,
    /// For `POLICY_INVALID` and `SIZE_LIMIT_EXCEEDED`: the IAM validation finding's code,
    /// e.g. `MISSING_PRINCIPAL`.
    validation_code: Option<FindingCode>,
}

impl From<&LintFinding> for Finding {
    fn from(f: &LintFinding) -> Finding {
        let location = f.location();
        Finding {
            code: f.code(),
            severity: f.severity(),
            path: location.path.clone(),
            line: location.line,
            column: location.column,
            message: f.message().to_owned(),
            remediation: f.remediation(),
            validation_code: f.validation_code(),
        }
    }
}

pub(crate) fn run(args: LintArgs) -> Outcome {
    let linter = match linter(&args) {
        Ok(linter) => linter,
        Err(outcome) => return outcome,
    };
    let text = match read_capped(&args.file, linter.input_limit()) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    // Text that is not JSON at all is bad input, as in every other command (exit.rs); JSON
    // that is not a valid trust policy is a finding (`MALFORMED_POLICY`, exit 1).
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
        return Outcome::BadInput(format!(
            "FILE {}: not JSON at line {} column {}: {e}",
            args.file.display(),
            e.line(),
            e.column()
        ));
    }
    let report = match linter.try_lint_text(&text) {
        Ok(report) => report,
        Err(error) => return too_large(&args.file, &error),
    };
    let may_connect = report.vendor_may_connect();
    let lint = Lint {
        file: args.file.display().to_string(),
        vendor_may_connect: may_connect,
        vendor_allowed: report.vendor_allowed,
        findings: report.findings.iter().map(Finding::from).collect(),
    };
    if args.json {
        print_json(&lint);
    } else {
        print_text(&lint);
    }
    if may_connect {
        Outcome::Ok
    } else {
        Outcome::Findings
    }
}

fn linter(args: &LintArgs) -> Result<TrustPolicyLint, Outcome> {
    let mut linter = match &args.oidc_issuer {
        Some(issuer) => TrustPolicyLint::web_identity(web_identity(args, issuer)?),
        None => TrustPolicyLint::new(cross_account(args)?),
    };
    if let Some(text) = &args.max_input_bytes {
        linter = linter.with_input_limit(positive(
            "--max-input-bytes",
            text,
            "the input limit in bytes",
        )?);
    }
    Ok(linter)
}

/// The web identity expectation: the issuer and tenant checked as `connector onboard` checks
/// them, the subject `org/<tenant>`.
fn web_identity(args: &LintArgs, issuer: &str) -> Result<WebIdentityExpectation, Outcome> {
    let (Some(tenant), Some(account)) = (&args.tenant, &args.customer_account) else {
        return Err(Outcome::BadInput(
            "--oidc-issuer: needs --tenant and --customer-account".to_owned(),
        ));
    };
    let mut oidc = OidcOnboarding::new(issuer, tenant).map_err(onboarding_error)?;
    if let Some(audience) = &args.audience {
        oidc = oidc.with_audience(audience).map_err(onboarding_error)?;
    }
    let account: AccountId = account
        .parse()
        .map_err(|e| Outcome::BadInput(format!("--customer-account: {e}")))?;
    let mut expectation = WebIdentityExpectation::new(
        account,
        oidc.issuer_url(),
        oidc.audience(),
        &format!("org/{}", oidc.tenant()),
    )
    .map_err(builder_error)?
    .with_partition(oidc.partition());
    if let Some(text) = &args.size_limit {
        let limit = positive("--size-limit", text, "the trust policy quota in characters")?;
        expectation = expectation.with_size_limit(limit).map_err(builder_error)?;
    }
    Ok(expectation)
}

/// A rejected OIDC value as bad input naming its flag.
fn onboarding_error(error: OnboardingError) -> Outcome {
    let flag = match &error {
        OnboardingError::InvalidValue { field, .. } => match *field {
            "OIDC issuer" => "--oidc-issuer",
            "tenant" | "OIDC subject" => "--tenant",
            "OIDC audience" => "--audience",
            _ => "--oidc-issuer",
        },
        _ => "--oidc-issuer",
    };
    Outcome::BadInput(format!("{flag}: {error}"))
}

/// The External ID expectation.
fn cross_account(args: &LintArgs) -> Result<TrustExpectation, Outcome> {
    let (Some(vendor_account), Some(external_id_text)) = (&args.vendor_account, &args.external_id)
    else {
        return Err(Outcome::BadInput(
            "--vendor-account: --vendor-account and --external-id are required, or --oidc-issuer for a web identity policy".to_owned(),
        ));
    };
    let vendor = vendor_principal(vendor_account, args.vendor_role.as_deref())?;
    let mut call = VendorCall::new();
    if let Some(text) = &args.region {
        call = call.with_region(region(text)?);
    }
    if let Some(source_identity) = &args.source_identity {
        call = call.with_source_identity(source_identity.as_str());
    }
    let mut expectation =
        TrustExpectation::new(vendor, external_id(external_id_text)?).with_call(call);
    if let Some(text) = &args.size_limit {
        let limit = positive("--size-limit", text, "the trust policy quota in characters")?;
        expectation = expectation.with_size_limit(limit).map_err(builder_error)?;
    }
    Ok(expectation)
}

fn print_text(lint: &Lint) {
    for f in &lint.findings {
        let position = match (f.line, f.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", lint.file),
            _ => lint.file.clone(),
        };
        let cause = f
            .validation_code
            .map(|code| format!(" ({code})"))
            .unwrap_or_default();
        println!(
            "{position}: {} {} at {}: {}{cause}",
            f.severity, f.code, f.path, f.message
        );
        println!("    fix: {}", f.remediation);
    }
    if lint.vendor_may_connect {
        println!("{}: the vendor may connect", lint.file);
    } else if lint.vendor_allowed {
        println!(
            "{}: the vendor must not connect: its call would work, but the role is unsafe",
            lint.file
        );
    } else {
        println!(
            "{}: the vendor cannot connect: its call would be refused",
            lint.file
        );
    }
}
