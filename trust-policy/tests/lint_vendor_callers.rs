//! Verdicts do not depend on names the linter invents: the vendor is evaluated as every
//! principal that could call (its account root, its roles' sessions, its users, the
//! principals the policy names), so renaming the vendor's role never changes the verdict.

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

use std::collections::BTreeSet;

use common::{ID, VENDOR, lint, policy};
use proptest::prelude::*;
use trust_policy::{LintCode, LintReport, TrustExpectation, TrustPolicyLint, VendorPrincipal};

fn trusting(principal: &str, condition: &str) -> String {
    policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "sts:AssumeRole"{condition}}}"#
    )])
}

fn with_id() -> String {
    format!(r#", "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}"#)
}

#[test]
fn any_named_vendor_role_passes_like_the_linters_own_name() {
    for role in ["vendor-connector", "SomeRole", "path/to/Scanner"] {
        let report = lint(&trusting(
            &format!("arn:aws:iam::{VENDOR}:role/{role}"),
            &with_id(),
        ));
        assert!(report.vendor_may_connect(), "{role}: {report:#?}");
    }
}

#[test]
fn vendor_user_and_session_principals_are_vendor_callers() {
    for principal in [
        format!("arn:aws:iam::{VENDOR}:user/bob"),
        format!("arn:aws:sts::{VENDOR}:assumed-role/Scanner/nightly"),
    ] {
        let report = lint(&trusting(&principal, &with_id()));
        assert!(report.vendor_may_connect(), "{principal}: {report:#?}");
    }
}

#[test]
fn principal_arn_condition_names_the_vendor_caller() {
    // The account is trusted, a condition picks one role: the vendor may call from it.
    let condition = format!(
        r#", "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}, "ArnLike": {{"aws:PrincipalArn": "arn:aws:iam::{VENDOR}:role/Some*"}}}}"#
    );
    let report = lint(&trusting(
        &format!("arn:aws:iam::{VENDOR}:root"),
        &condition,
    ));
    assert!(report.vendor_may_connect(), "{report:#?}");
}

#[test]
fn a_leak_through_any_vendor_principal_is_found() {
    // The vendor's root needs the id; one named role of the vendor gets in without it.
    let text = policy(&[
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": "sts:AssumeRole",
                "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#
        ),
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:role/SomeRole"}}, "Action": "sts:AssumeRole"}}"#
        ),
    ]);
    let report = lint(&text);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code() == LintCode::ExternalIdNotEnforced),
        "{report:#?}"
    );
    assert!(!report.vendor_may_connect());
}

/// What a verdict is: whether the vendor gets in, whether it may connect, and which codes.
fn class(report: &LintReport) -> (bool, bool, BTreeSet<LintCode>) {
    (
        report.vendor_allowed,
        report.vendor_may_connect(),
        report.findings.iter().map(|f| f.code()).collect(),
    )
}

/// A policy trusting `role/NAME` of the vendor, in one of several shapes.
fn shaped(name: &str, shape: usize) -> String {
    let role = format!("arn:aws:iam::{VENDOR}:role/{name}");
    let id_condition = |op: &str, value: &str| {
        format!(r#", "Condition": {{"{op}": {{"sts:ExternalId": "{value}"}}}}"#)
    };
    match shape {
        0 => trusting(&role, &with_id()),
        1 => trusting(&role, ""),
        2 => trusting(&role, &id_condition("StringEquals", "not-the-id")),
        3 => trusting(&role, &id_condition("StringEqualsIfExists", ID)),
        4 => trusting(&role, &id_condition("StringLike", "q3Vf*")),
        5 => trusting(&role, &id_condition("StringEqualsIgnoreCase", ID)),
        6 => policy(&[format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": ["{role}", "arn:aws:iam::111122223333:root"]}}, "Action": "sts:AssumeRole"{}}}"#,
            with_id()
        )]),
        _ => policy(&[format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "{role}"}}, "Action": "sts:AssumeRole",
                "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}, "Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}}}"#
        )]),
    }
}

fn role_lint(name: &str) -> TrustPolicyLint {
    TrustPolicyLint::new(TrustExpectation::new(
        VendorPrincipal::Role(
            format!("arn:aws:iam::{VENDOR}:role/{name}")
                .parse()
                .unwrap(),
        ),
        ID.parse().unwrap(),
    ))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Renaming the vendor role, in the policy and in the expectation (the vendor named its
    /// role) or in the policy alone (the vendor named its account), never changes the
    /// verdict class.
    #[test]
    fn renaming_the_vendor_role_never_changes_the_verdict(
        a in "[A-Za-z][A-Za-z0-9+=,.@_-]{0,30}",
        b in "[A-Za-z][A-Za-z0-9+=,.@_-]{0,30}",
        shape in 0usize..8,
    ) {
        let named_a = class(&role_lint(&a).lint_text(&shaped(&a, shape)));
        let named_b = class(&role_lint(&b).lint_text(&shaped(&b, shape)));
        prop_assert_eq!(&named_a, &named_b, "shape {}", shape);
        let account_a = class(&lint(&shaped(&a, shape)));
        let account_b = class(&lint(&shaped(&b, shape)));
        prop_assert_eq!(&account_a, &account_b, "shape {}", shape);
        // The vendor that named its role and the vendor that named its account agree on a
        // policy trusting exactly that role.
        prop_assert_eq!(named_a, account_a, "shape {}", shape);
    }
}
