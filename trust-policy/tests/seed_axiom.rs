//! The trust policy Axiom publishes (`../shared/seeds/003_*.txt`), placeholders filled: it
//! parses, lints clean, and simulates as that document says ("Axiom calls sts:AssumeRole
//! with the External ID — only succeeds if both match").

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::PathBuf;

use iam_policy::{Decision, PolicyDocument};
use trust_policy::{
    AssumeRoleAttempt, ExternalId, TrustExpectation, TrustPolicyLint, VendorPrincipal, simulate,
};

const SEED: &str = "003_4f5be45d5f4ee9aa.txt";
const AXIOM_ACCOUNT: &str = "999988887777";

fn seed_text() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/seeds")
        .join(SEED);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!(
                "skipping: seed {} not readable ({e}); it lives in ../shared beside the project",
                path.display()
            );
            None
        }
    }
}

/// The first balanced `{...}` after `marker`.
fn json_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).expect("marker present") + marker.len();
    let body = &text[start..];
    let open = body.find('{').expect("an object follows");
    let mut depth = 0;
    for (i, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return body[open..open + i + 1].to_owned();
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced JSON after {marker}");
}

#[test]
fn axiom_trust_policy_parses_lints_clean_and_simulates_as_documented() {
    let Some(text) = seed_text() else { return };
    let external_id = ExternalId::generate().unwrap();
    let policy_text = json_after(&text, "trust policy")
        .replace("AXIOM_ACCOUNT_ID", AXIOM_ACCOUNT)
        .replace("YOUR_EXTERNAL_ID_HERE", external_id.as_str());
    let policy: PolicyDocument = policy_text.parse().expect("the seed's trust policy parses");

    let vendor = VendorPrincipal::account(AXIOM_ACCOUNT.parse().unwrap());
    let report = TrustPolicyLint::new(TrustExpectation::new(vendor, external_id.clone()))
        .lint_text(&policy_text);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.vendor_may_connect());

    let axiom = || {
        "arn:aws:sts::999988887777:assumed-role/axiom-scanner/scan-1"
            .parse()
            .unwrap()
    };
    let both_match = simulate(
        &policy,
        &AssumeRoleAttempt::new(axiom()).with_external_id(external_id.as_str()),
    );
    assert_eq!(
        both_match.decision,
        Decision::Allow,
        "{}",
        both_match.explanation
    );

    // "InvalidExternalId: External ID in the trust policy condition doesn't match".
    let wrong_id = simulate(
        &policy,
        &AssumeRoleAttempt::new(axiom()).with_external_id("another-customers-id"),
    );
    assert_eq!(wrong_id.decision, Decision::ImplicitDeny);
    assert!(
        wrong_id.explanation.contains("sts:ExternalId"),
        "{}",
        wrong_id.explanation
    );

    // "AccessDenied (sts:AssumeRole): trust policy ... has wrong Axiom account ID".
    let stranger = "arn:aws:sts::444455556666:assumed-role/axiom-scanner/scan-1"
        .parse()
        .unwrap();
    let wrong_account = simulate(
        &policy,
        &AssumeRoleAttempt::new(stranger).with_external_id(external_id.as_str()),
    );
    assert_eq!(wrong_account.decision, Decision::ImplicitDeny);
    assert!(
        wrong_account
            .explanation
            .contains("no statement trusts the caller"),
        "{}",
        wrong_account.explanation
    );

    // "Can I limit which regions Axiom sees? ... add an explicit Condition block on the trust
    // policy to limit by AWS Region": the region key then decides.
    let regional: PolicyDocument = policy_text
        .replace(
            "\"StringEquals\": {",
            "\"StringEquals\": {\"aws:RequestedRegion\": \"eu-west-1\", ",
        )
        .parse()
        .unwrap();
    let from_us = simulate(
        &regional,
        &AssumeRoleAttempt::new(axiom())
            .with_external_id(external_id.as_str())
            .with_region("us-east-1".parse().unwrap()),
    );
    assert_eq!(from_us.decision, Decision::ImplicitDeny);
    let from_eu = simulate(
        &regional,
        &AssumeRoleAttempt::new(axiom())
            .with_external_id(external_id.as_str())
            .with_region("eu-west-1".parse().unwrap()),
    );
    assert_eq!(from_eu.decision, Decision::Allow);
}
