//! Oversized input is refused before parsing with a typed error naming the limit, the limit
//! is configurable, and messages quote only an excerpt of the input.

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

use std::time::Instant;

use common::{ID, VENDOR, account_expectation, policy, vendor_statement};
use trust_policy::{
    DEFAULT_INPUT_LIMIT, LintCode, TrustPolicyError, TrustPolicyLint, check_input_size,
};

/// A trust policy with `n` actions in the vendor's statement (valid JSON).
fn with_actions(n: usize) -> String {
    let actions: Vec<String> = (0..n).map(|i| format!("\"sts:Action{i}\"")).collect();
    policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": ["sts:AssumeRole", {}],
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#,
        actions.join(",")
    )])
}

#[test]
fn oversized_trust_policy_is_refused_before_parsing() {
    // 2.5 million actions (about 40 MB), the hostile input that peaked at 2 GB.
    let huge = with_actions(2_500_000);
    assert!(huge.len() > 30_000_000);
    let lint = TrustPolicyLint::new(account_expectation());
    let started = Instant::now();
    let err = lint.try_lint_text(&huge).unwrap_err();
    let report = lint.lint_text(&huge);
    let elapsed = started.elapsed();
    assert_eq!(
        err,
        TrustPolicyError::InputTooLarge {
            size: huge.len(),
            limit: DEFAULT_INPUT_LIMIT
        }
    );
    assert!(err.to_string().contains("65536-byte input limit"), "{err}");
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].code(), LintCode::InputTooLarge);
    assert!(!report.vendor_may_connect());
    // Nothing was parsed: a length check, not a parse of 40 MB.
    assert!(elapsed.as_millis() < 500, "{elapsed:?}");
}

#[test]
fn oversized_invalid_json_is_too_large_not_malformed() {
    // Over the limit and not JSON: the answer is the size, proving no parse happened.
    let junk = "{".repeat(DEFAULT_INPUT_LIMIT + 1);
    let report = TrustPolicyLint::new(account_expectation()).lint_text(&junk);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].code(), LintCode::InputTooLarge);
    // Exactly at the limit it is parsed (and is malformed).
    let at_limit = "{".repeat(DEFAULT_INPUT_LIMIT);
    let report = TrustPolicyLint::new(account_expectation()).lint_text(&at_limit);
    assert_eq!(report.findings[0].code(), LintCode::MalformedPolicy);
}

#[test]
fn input_limit_is_configurable() {
    let big = with_actions(10_000);
    assert!(big.len() > DEFAULT_INPUT_LIMIT);
    let default = TrustPolicyLint::new(account_expectation());
    assert!(default.try_lint_text(&big).is_err());
    let batch = TrustPolicyLint::new(account_expectation()).with_input_limit(1 << 20);
    assert_eq!(batch.input_limit(), 1 << 20);
    let report = batch.try_lint_text(&big).unwrap();
    // Parsed and linted: the size quota finding, not the input limit.
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code() == LintCode::SizeLimitExceeded),
        "{report:#?}"
    );
    let small = TrustPolicyLint::new(account_expectation()).with_input_limit(16);
    assert!(matches!(
        small.try_lint_text(&policy(&[vendor_statement()])),
        Err(TrustPolicyError::InputTooLarge { limit: 16, .. })
    ));
    assert!(check_input_size("", 0).is_ok());
}

#[test]
fn error_messages_quote_an_excerpt_of_the_input() {
    // A 50 KB value where a keyword belongs: the message does not echo it whole.
    let long = "A".repeat(50_000);
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{long}", "Principal": "*", "Action": "sts:AssumeRole"}}]}}"#
    );
    let report = TrustPolicyLint::new(account_expectation()).lint_text(&text);
    assert_eq!(report.findings[0].code(), LintCode::MalformedPolicy);
    for finding in &report.findings {
        assert!(finding.message().len() < 400, "{}", finding.message().len());
    }
    // Many principals, none the vendor, and a long wrong External ID: the messages name a
    // few of them, never all.
    let others: Vec<String> = (0..1000)
        .map(|i| format!("\"arn:aws:iam::{:012}:root\"", 100_000_000_000u64 + i))
        .collect();
    let text = policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": [{}]}}, "Action": "sts:AssumeRole",
            "Condition": {{"StringEquals": {{"sts:ExternalId": "{}"}}}}}}"#,
        others.join(","),
        "B".repeat(5000)
    )]);
    let report = TrustPolicyLint::new(account_expectation()).lint_text(&text);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code() == LintCode::VendorNotTrusted && f.message().contains("and 995 more")),
        "{report:#?}"
    );
    for finding in &report.findings {
        assert!(
            finding.message().len() < 1000,
            "{:?}: {}",
            finding.code(),
            finding.message().len()
        );
    }
    let err = "A"
        .repeat(10_000)
        .parse::<trust_policy::ExternalId>()
        .unwrap_err();
    assert!(err.to_string().len() < 400, "{}", err.to_string().len());
}

#[test]
fn largest_accepted_input_lints_quickly() {
    // Worst case under the default limit: as many vendor-account role principals as fit
    // (each one a caller to simulate).
    let mut roles = Vec::new();
    let mut text = String::new();
    for i in 0.. {
        roles.push(format!("\"arn:aws:iam::{VENDOR}:role/r{i}\""));
        let candidate = policy(&[format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": [{}]}}, "Action": "sts:AssumeRole",
                "Condition": {{"StringEquals": {{"sts:ExternalId": "{ID}"}}}}}}"#,
            roles.join(",")
        )]);
        if candidate.len() > DEFAULT_INPUT_LIMIT {
            break;
        }
        text = candidate;
    }
    let started = Instant::now();
    let report = TrustPolicyLint::new(account_expectation())
        .try_lint_text(&text)
        .unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "{} principals, {} bytes: linted in {elapsed:?}",
        roles.len() - 1,
        text.len()
    );
    assert!(report.vendor_allowed);
    // 7.3 s in a debug build before the compiled fast path, 1.1 s after (2-core machine).
    assert!(elapsed.as_secs() < 10, "{elapsed:?}");
}
