//! A second trusted principal is an error whatever its account number: the check reads the
//! principals in the policy, not one built-in stranger account.

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

use common::{ID, VENDOR, has, lint, policy, vendor_statement};
use proptest::prelude::*;
use trust_policy::{LintCode, TrustExpectation, TrustPolicyLint, VendorPrincipal};

fn statement_for(principal: &str) -> String {
    format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": {principal}}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#
    )
}

fn role_expectation(name: &str) -> TrustPolicyLint {
    TrustPolicyLint::new(TrustExpectation::new(
        VendorPrincipal::Role(
            format!("arn:aws:iam::{VENDOR}:role/{name}")
                .parse()
                .unwrap(),
        ),
        ID.parse().unwrap(),
    ))
}

#[test]
fn second_account_in_the_principal_list_is_an_error() {
    let principal = format!(r#"["arn:aws:iam::{VENDOR}:root", "arn:aws:iam::111122223333:root"]"#);
    let report = lint(&policy(&[statement_for(&principal)]));
    assert!(has(&report, LintCode::OtherAccountsAllowed), "{report:#?}");
    assert!(report.vendor_allowed && !report.vendor_may_connect());
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::OtherAccountsAllowed)
        .unwrap();
    assert!(
        finding.message().contains("111122223333"),
        "{}",
        finding.message()
    );
}

#[test]
fn second_account_in_its_own_statement_is_an_error() {
    let report = lint(&policy(&[
        vendor_statement(),
        statement_for(r#""210987654320""#),
    ]));
    assert!(has(&report, LintCode::OtherAccountsAllowed), "{report:#?}");
    assert_eq!(
        report
            .findings
            .iter()
            .find(|f| f.code() == LintCode::OtherAccountsAllowed)
            .unwrap()
            .location()
            .path,
        "$.Statement[1].Principal"
    );
    assert!(!report.vendor_may_connect());
}

#[test]
fn other_account_pinned_to_the_vendor_by_principal_account_is_not_reported() {
    // The condition keeps the other account out: aws:PrincipalAccount is the caller's own.
    let statement = format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": ["arn:aws:iam::{VENDOR}:root", "111122223333"]}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}", "aws:PrincipalAccount": "{VENDOR}"}}}}}}"#
    );
    let report = lint(&policy(&[statement]));
    assert!(!has(&report, LintCode::OtherAccountsAllowed), "{report:#?}");
    assert!(report.vendor_may_connect(), "{report:#?}");
}

#[test]
fn service_principal_beside_the_vendor_is_an_error() {
    let statement = format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root", "Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#
    );
    let report = lint(&policy(&[statement]));
    assert!(
        has(&report, LintCode::OtherPrincipalsAllowed),
        "{report:#?}"
    );
    assert!(!report.vendor_may_connect());
}

#[test]
fn other_principals_of_the_vendor_account_are_an_error_when_the_vendor_named_its_role() {
    let lint = role_expectation("scanner");
    for other in [
        format!(r#"["arn:aws:iam::{VENDOR}:role/scanner", "arn:aws:iam::{VENDOR}:role/admin"]"#),
        format!(r#"["arn:aws:iam::{VENDOR}:role/scanner", "arn:aws:iam::{VENDOR}:user/bob"]"#),
        format!(r#""arn:aws:iam::{VENDOR}:root""#),
    ] {
        let report = lint.lint_text(&policy(&[statement_for(&other)]));
        assert!(
            has(&report, LintCode::OtherPrincipalsAllowed),
            "{other}: {report:#?}"
        );
        assert!(!report.vendor_may_connect(), "{other}");
    }
    // The named role alone is clean.
    let report = lint.lint_text(&policy(&[statement_for(&format!(
        r#""arn:aws:iam::{VENDOR}:role/scanner""#
    ))]));
    assert!(report.findings.is_empty(), "{report:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the second account's number (the linter's old built-in stranger included),
    /// trusting it is an error, in the vendor's statement or in one of its own.
    #[test]
    fn any_second_account_is_an_error(other in "[0-9]{12}", own_statement in any::<bool>(), root in any::<bool>()) {
        prop_assume!(other != VENDOR);
        let other_principal = if root { format!("arn:aws:iam::{other}:root") } else { other.clone() };
        let text = if own_statement {
            policy(&[vendor_statement(), statement_for(&format!("{other_principal:?}"))])
        } else {
            policy(&[statement_for(&format!(r#"["arn:aws:iam::{VENDOR}:root", {other_principal:?}]"#))])
        };
        let report = lint(&text);
        prop_assert!(has(&report, LintCode::OtherAccountsAllowed), "{:#?}", report);
        prop_assert!(!report.vendor_may_connect());
    }
}
