//! A tour of `iam-policy` on the policies a vendor hands a customer: a cross-account trust
//! policy with an External ID and a read-only permission policy (the shape Axiom publishes).
//! It validates both, then answers the questions a vendor's onboarding asks.
//!
//! Run with `cargo run -p examples --example policy_tour`.

use iam_policy::{
    CompiledPolicy, Decision, PolicyDocument, PolicyKind, Request, RequestPrincipal, Validator,
};

const VENDOR_ACCOUNT: &str = "999988887777";
const CUSTOMER_ROLE: &str = "arn:aws:iam::111122223333:role/vendor-read-only";
const EXTERNAL_ID: &str = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4";

const TRUST_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"}}
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
    let trust: PolicyDocument = TRUST_POLICY.parse()?;
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
    let vendor =
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
    report(
        "vendor with the right External ID",
        assume(&vendor, Some(EXTERNAL_ID)),
    );
    report(
        "vendor with a wrong External ID",
        assume(&vendor, Some("guess")),
    );
    report("vendor without an External ID", assume(&vendor, None));
    report(
        "another account (confused deputy)",
        assume(&stranger, Some(EXTERNAL_ID)),
    );

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
