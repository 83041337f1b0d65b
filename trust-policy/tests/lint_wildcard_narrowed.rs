//! `{"AWS": "*"}` narrowed to the vendor by `aws:PrincipalAccount` / `aws:PrincipalArn`, with
//! the External ID, is safe by AWS's documentation (the keys describe the signed caller
//! itself): a warning, not the error `PRINCIPAL_TOO_BROAD`. Without the narrowing it stays an
//! error.

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

use common::{ID, VENDOR, has, lint, policy};
use proptest::prelude::*;
use trust_policy::{LintCode, Severity, TrustExpectation, TrustPolicyLint, VendorPrincipal};

fn star_with(narrowing: &str) -> String {
    policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"{narrowing}}}}}}}"#
    )])
}

#[test]
fn wildcard_narrowed_by_principal_account_is_a_warning() {
    let text = policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}", "aws:PrincipalAccount": "{VENDOR}"}}}}}}"#
    )]);
    let report = lint(&text);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::PrincipalWildcardNarrowed)
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert_eq!(finding.severity(), Severity::Warning);
    assert!(!has(&report, LintCode::PrincipalTooBroad), "{report:#?}");
    assert!(report.vendor_may_connect(), "{report:#?}");
}

#[test]
fn wildcard_narrowed_by_principal_arn_is_a_warning() {
    for (operator, value) in [
        ("ArnEquals", format!("arn:aws:iam::{VENDOR}:role/scanner")),
        ("ArnLike", format!("arn:aws:iam::{VENDOR}:role/*")),
        ("StringLike", format!("arn:aws:iam::{VENDOR}:root")),
    ] {
        let report = lint(&star_with(&format!(
            r#"}}, "{operator}": {{"aws:PrincipalArn": "{value}""#
        )));
        assert!(
            has(&report, LintCode::PrincipalWildcardNarrowed),
            "{operator} {value}: {report:#?}"
        );
        assert!(
            report.vendor_may_connect(),
            "{operator} {value}: {report:#?}"
        );
    }
}

#[test]
fn wildcard_without_narrowing_is_too_broad() {
    for narrowing in [
        String::new(),
        // Another account.
        r#", "aws:PrincipalAccount": "111122223333""#.to_owned(),
        // IfExists: true when the key is absent.
        format!(r#"}}, "StringEqualsIfExists": {{"aws:PrincipalAccount": "{VENDOR}""#),
        // A pattern over the account.
        r#"}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/scanner""#.to_owned(),
        // The organization is not the vendor.
        r#", "aws:PrincipalOrgID": "o-abcdefghij""#.to_owned(),
    ] {
        let report = lint(&star_with(&narrowing));
        assert!(
            has(&report, LintCode::PrincipalTooBroad),
            "{narrowing}: {report:#?}"
        );
        assert!(!report.vendor_may_connect(), "{narrowing}");
    }
}

#[test]
fn wildcard_narrowed_to_the_account_when_the_vendor_named_its_role_is_an_error() {
    let lint = TrustPolicyLint::new(TrustExpectation::new(
        VendorPrincipal::Role(
            format!("arn:aws:iam::{VENDOR}:role/scanner")
                .parse()
                .unwrap(),
        ),
        ID.parse().unwrap(),
    ));
    let account = lint.lint_text(&star_with(&format!(
        r#", "aws:PrincipalAccount": "{VENDOR}""#
    )));
    assert!(
        has(&account, LintCode::OtherPrincipalsAllowed),
        "{account:#?}"
    );
    assert!(!account.vendor_may_connect());
    let role = lint.lint_text(&star_with(&format!(
        r#"}}, "ArnEquals": {{"aws:PrincipalArn": "arn:aws:iam::{VENDOR}:role/scanner""#
    )));
    assert!(has(&role, LintCode::PrincipalWildcardNarrowed), "{role:#?}");
    assert!(role.vendor_may_connect(), "{role:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The narrowed wildcard admits exactly the vendor: no other account gets in, and the
    /// verdict is a warning whatever the vendor's account.
    #[test]
    fn narrowed_wildcard_admits_only_the_vendor(vendor in "[0-9]{12}", other in "[0-9]{12}") {
        prop_assume!(vendor != other);
        let text = policy(&[format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
                "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}", "aws:PrincipalAccount": "{vendor}"}}}}}}"#
        )]);
        let report = TrustPolicyLint::new(TrustExpectation::new(
            VendorPrincipal::account(vendor.parse().unwrap()),
            ID.parse().unwrap(),
        ))
        .lint_text(&text);
        prop_assert!(report.vendor_may_connect(), "{:#?}", report);
        let doc: trust_policy::PolicyDocument = text.parse().unwrap();
        let stranger = trust_policy::AssumeRoleAttempt::new(
            format!("arn:aws:sts::{other}:assumed-role/r/s").parse().unwrap(),
        )
        .with_external_id(ID);
        prop_assert_ne!(trust_policy::simulate(&doc, &stranger).decision, trust_policy::Decision::Allow);
    }
}
