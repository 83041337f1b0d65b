//! A tour of `iam-policy` and `trust-policy` on the policies a vendor hands a customer: a
//! cross-account trust policy with a fresh External ID and a read-only permission policy (the
//! shape Axiom publishes). It validates both, answers the questions a vendor's onboarding
//! asks, and lints two trust policies a customer might paste back.
//!
//! Run with `cargo run -p examples --example policy_tour`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "examples may panic: a demonstration stops at its first failure"
)]

use iam_policy::{
    CompiledPolicy, Decision, PolicyDocument, PolicyKind, Request, RequestPrincipal, Validator,
};
use trust_policy::{
    CrossAccountTrust, ExternalId, TrustExpectation, TrustPolicyLint, VendorPrincipal,
};

const VENDOR_ACCOUNT: &str = "999988887777";
const CUSTOMER_ROLE: &str = "arn:aws:iam::111122223333:role/vendor-read-only";

/// What a customer pasted back: the vendor is trusted, but `IfExists` lets a caller in without
/// the External ID (the confused deputy the External ID exists to stop).
const PASTED_TRUST_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "EXTERNAL_ID"}}
  }]
}"#;

const PERMISSION_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "ReadOnlyOps",
    "Effect": "Allow",
    "Action": [
      "ec2:Describe*", "s3:GetBucket*", "s3:ListBucket", "s3:ListAllMyBuckets",
      "rds:Describe*", "rds:ListTagsForResource", "iam:Get*", "iam:List*", "iam:Simulate*",
      "cloudwatch:Get*", "cloudwatch:List*", "cloudwatch:Describe*",
      "logs:Describe*", "logs:Get*", "logs:List*", "ce:Get*", "ce:List*",
      "sts:GetCallerIdentity", "tag:GetResources"
    ],
    "Resource": "*"
  }]
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("== The vendor generates an External ID and the trust policy");
    let external_id = ExternalId::generate()?;
    let vendor = VendorPrincipal::account(VENDOR_ACCOUNT.parse()?);
    let trust = CrossAccountTrust::new(vendor.clone(), external_id.clone()).policy()?;
    println!("External ID: {external_id} (Debug shows only {external_id:?})");
    println!("{}\n", trust.to_json_pretty());
    let permissions: PolicyDocument = PERMISSION_POLICY.parse()?;

    println!("== Validation (IAM Access Analyzer-style findings)");
    for (name, kind, doc) in [
        ("trust policy", PolicyKind::trust_policy(), &trust),
        ("permission policy", PolicyKind::ManagedPolicy, &permissions),
    ] {
        let findings = Validator::new(kind).validate(doc);
        println!(
            "{name}: {} characters as IAM counts them, {} finding(s)",
            iam_policy::policy_size(doc),
            findings.len()
        );
        for finding in findings {
            println!(
                "  {} {} at {}: {}",
                finding.severity, finding.code, finding.location, finding.message
            );
        }
    }

    println!("\n== Who may assume {CUSTOMER_ROLE}?");
    let scanner =
        RequestPrincipal::Aws(format!("arn:aws:iam::{VENDOR_ACCOUNT}:role/scanner").parse()?);
    let stranger = RequestPrincipal::Aws("arn:aws:iam::444455556666:role/scanner".parse()?);
    let assume = |principal: &RequestPrincipal, external_id: Option<&str>| {
        let mut request =
            Request::new("sts:AssumeRole", CUSTOMER_ROLE).with_principal(principal.clone());
        if let Some(id) = external_id {
            request.set_context("sts:ExternalId", id);
        }
        trust.evaluate(&request).decision
    };
    let id = external_id.as_str();
    report(
        "vendor with the right External ID",
        assume(&scanner, Some(id)),
    );
    report(
        "vendor with a wrong External ID",
        assume(&scanner, Some("guess")),
    );
    report("vendor without an External ID", assume(&scanner, None));
    report(
        "another account (confused deputy)",
        assume(&stranger, Some(id)),
    );

    println!("\n== Linting what customers paste back");
    let lint = TrustPolicyLint::new(TrustExpectation::new(vendor, external_id.clone()));
    for (what, text) in [
        ("the generated policy", trust.to_json_pretty()),
        (
            "a pasted policy with IfExists",
            PASTED_TRUST_POLICY.replace("EXTERNAL_ID", id),
        ),
    ] {
        let verdict = lint.lint_text(&text);
        let answer = if verdict.vendor_may_connect() {
            "connect"
        } else {
            "refuse"
        };
        println!("{what}: {answer}");
        for finding in &verdict.findings {
            println!("  {finding}");
        }
    }

    println!("\n== What may the vendor's session do? (compiled policy)");
    let compiled = CompiledPolicy::new(&permissions);
    for (action, resource) in [
        ("ec2:DescribeInstances", "*"),
        ("s3:GetBucketEncryption", "arn:aws:s3:::customer-data"),
        ("s3:GetObject", "arn:aws:s3:::customer-data/payroll.csv"),
        (
            "ec2:TerminateInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
        ),
        (
            "iam:CreateAccessKey",
            "arn:aws:iam::111122223333:user/admin",
        ),
    ] {
        report(
            &format!("{action} on {resource}"),
            compiled.decide(&Request::new(action, resource)),
        );
    }
    Ok(())
}

fn report(what: &str, decision: Decision) {
    let verdict = match decision {
        Decision::Allow => "ALLOW",
        Decision::ExplicitDeny => "DENY (explicit)",
        Decision::ImplicitDeny => "DENY (implicit)",
    };
    println!("  {verdict:<16} {what}");
}
