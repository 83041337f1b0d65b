//! A refusal always says why: when the vendor's call is refused, at least one error finding
//! names the cause, including the companion actions STS checks (`sts:SetSourceIdentity`,
//! `sts:TagSession`) and conditions that cannot be evaluated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

mod common;

use common::{ID, account_expectation, has, policy, vendor_statement};
use proptest::prelude::*;
use trust_policy::{LintCode, Severity, TrustPolicyLint, VendorCall};

fn lint_with(call: VendorCall, text: &str) -> trust_policy::LintReport {
    TrustPolicyLint::new(account_expectation().with_call(call)).lint_text(text)
}

#[test]
fn source_identity_without_set_source_identity_is_a_finding() {
    let report = lint_with(
        VendorCall::new().with_source_identity("scanner"),
        &policy(&[vendor_statement()]),
    );
    assert!(!report.vendor_allowed);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::SourceIdentityNotAllowed)
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert_eq!(finding.severity(), Severity::Error);
    assert!(
        finding.message().contains("sts:SetSourceIdentity"),
        "{}",
        finding.message()
    );
    assert_eq!(finding.location().path, "$.Statement[0].Action");
}

#[test]
fn source_identity_allowed_is_clean() {
    let text = policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::999988887777:root"}},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#
    )]);
    let report = lint_with(VendorCall::new().with_source_identity("scanner"), &text);
    assert!(report.vendor_may_connect(), "{report:#?}");
}

#[test]
fn session_tags_without_tag_session_is_a_finding() {
    let report = lint_with(
        VendorCall::new().with_tag("customer", "acme"),
        &policy(&[vendor_statement()]),
    );
    assert!(has(&report, LintCode::TagSessionNotAllowed), "{report:#?}");
    assert!(!report.vendor_may_connect());
}

#[test]
fn unevaluable_condition_refusal_is_a_finding() {
    // A numeric operator over a value that is not a number: the condition cannot be
    // evaluated, the call is refused, and the lint says so.
    let text = policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::999988887777:root"}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}, "NumericLessThan": {{"aws:MultiFactorAuthAge": "not-a-number"}}}}}}"#
    )]);
    let report = TrustPolicyLint::new(account_expectation()).lint_text(&text);
    assert!(!report.vendor_allowed);
    let refused = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::VendorRefused)
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert!(
        refused.message().contains("could not be evaluated"),
        "{}",
        refused.message()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the vendor's call carries, a refused call comes with at least one error.
    #[test]
    fn a_refusal_always_has_an_error_finding(
        source_identity in proptest::option::of("[a-z]{2,10}"),
        tag in proptest::option::of(("[a-z]{1,8}", "[a-z]{1,8}")),
        actions in proptest::sample::subsequence(vec!["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession", "sts:GetCallerIdentity"], 1..=4),
        region_condition in any::<bool>(),
    ) {
        let mut call = VendorCall::new();
        if let Some(s) = &source_identity {
            call = call.with_source_identity(s.as_str());
        }
        if let Some((k, v)) = &tag {
            call = call.with_tag(k.as_str(), v.as_str());
        }
        let region = if region_condition { r#", "aws:RequestedRegion": "eu-west-1""# } else { "" };
        let text = policy(&[format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::999988887777:root"}}, "Action": {actions:?},
                "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"{region}}}}}}}"#
        )]);
        let report = lint_with(call, &text);
        if !report.vendor_allowed {
            prop_assert!(report.has_errors(), "{:#?}\n{}", report, text);
        }
    }
}
