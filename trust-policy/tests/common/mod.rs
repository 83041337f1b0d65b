//! Shared helpers for the lint tests: the vendor, its External ID, and linting a policy.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each test file uses a part of the helpers; tests may panic"
)]

use trust_policy::{LintCode, LintReport, TrustExpectation, TrustPolicyLint, VendorPrincipal};

pub(crate) const VENDOR: &str = "999988887777";
pub(crate) const ID: &str = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4";

/// The vendor's account as the expectation.
pub(crate) fn account_expectation() -> TrustExpectation {
    TrustExpectation::new(
        VendorPrincipal::account(VENDOR.parse().unwrap()),
        ID.parse().unwrap(),
    )
}

/// Lints `policy` (text) against the vendor's account and [`ID`].
pub(crate) fn lint(policy: &str) -> LintReport {
    TrustPolicyLint::new(account_expectation()).lint_text(policy)
}

/// A policy with these statements (JSON text of each).
pub(crate) fn policy(statements: &[String]) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(",")
    )
}

/// The vendor's correct statement.
pub(crate) fn vendor_statement() -> String {
    format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#
    )
}

/// The codes of a report, in order.
pub(crate) fn codes(report: &LintReport) -> Vec<LintCode> {
    report.findings.iter().map(|f| f.code()).collect()
}

/// True when some finding has `code`.
pub(crate) fn has(report: &LintReport, code: LintCode) -> bool {
    report.findings.iter().any(|f| f.code() == code)
}
