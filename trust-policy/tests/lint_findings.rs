//! One cause, one finding: a role that lets the vendor in without an External ID (and so with
//! any wrong one too) is reported once, not once per probe.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use trust_policy::{LintCode, TrustExpectation, TrustPolicyLint, VendorPrincipal};

fn lint(policy: &str) -> Vec<(LintCode, String)> {
    let expectation = TrustExpectation::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
    );
    TrustPolicyLint::new(expectation)
        .lint_text(policy)
        .findings
        .into_iter()
        .map(|f| (f.code(), f.message().to_owned()))
        .collect()
}

#[test]
fn a_missing_condition_is_one_finding() {
    let findings = lint(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}]}"#,
    );
    let missing: Vec<_> = findings
        .iter()
        .filter(|(code, _)| *code == LintCode::ExternalIdMissing)
        .collect();
    assert_eq!(missing.len(), 1, "{findings:?}");
    assert!(
        missing[0]
            .1
            .contains("without an External ID or with a wrong one")
    );
}

#[test]
fn if_exists_is_one_finding_naming_the_cause() {
    let findings = lint(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"}}}]}"#,
    );
    let not_enforced: Vec<_> = findings
        .iter()
        .filter(|(code, _)| *code == LintCode::ExternalIdNotEnforced)
        .collect();
    assert_eq!(not_enforced.len(), 1, "{findings:?}");
    assert!(not_enforced[0].1.contains("IfExists"), "{findings:?}");
}
