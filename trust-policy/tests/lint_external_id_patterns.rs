//! The External ID compared by a pattern or case-insensitively: weaker than the id the vendor
//! generated, whatever the linter's wrong probe id happens to match.

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
use trust_policy::{LintCode, Severity};

fn with_condition(operator: &str, value: &str) -> String {
    policy(&[format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{VENDOR}:root"}}, "Action": "sts:AssumeRole",
            "Condition": {{"{operator}": {{"sts:ExternalId": "{value}"}}}}}}"#
    )])
}

#[test]
fn external_id_prefix_pattern_is_an_error() {
    let report = lint(&with_condition("StringLike", "q3Vf*"));
    assert!(has(&report, LintCode::ExternalIdPattern), "{report:#?}");
    assert!(report.vendor_allowed);
    assert!(!report.vendor_may_connect());
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::ExternalIdPattern)
        .unwrap();
    assert_eq!(finding.severity(), Severity::Error);
    assert_eq!(
        finding.location().path,
        r#"$.Statement[0].Condition.StringLike["sts:ExternalId"]"#
    );
    assert!(
        finding.message().contains("\"q3Vf*\""),
        "{}",
        finding.message()
    );
}

#[test]
fn external_id_with_one_question_mark_is_an_error() {
    let one_off = format!("?{}", &ID[1..]);
    let report = lint(&with_condition("StringLike", &one_off));
    assert!(has(&report, LintCode::ExternalIdPattern), "{report:#?}");
    assert!(!report.vendor_may_connect());
}

#[test]
fn external_id_pattern_under_a_set_operator_is_an_error() {
    let report = lint(&with_condition("ForAnyValue:StringLike", "q3Vf*"));
    assert!(has(&report, LintCode::ExternalIdPattern), "{report:#?}");
    assert!(!report.vendor_may_connect());
}

#[test]
fn string_like_without_a_wildcard_is_exact() {
    // StringLike with no * or ? compares like StringEquals: nothing to report.
    let report = lint(&with_condition("StringLike", ID));
    assert!(report.findings.is_empty(), "{report:#?}");
    assert!(report.vendor_may_connect());
}

#[test]
fn external_id_ignore_case_is_a_warning() {
    let report = lint(&with_condition("StringEqualsIgnoreCase", ID));
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::ExternalIdCaseInsensitive)
        .expect("flagged");
    assert_eq!(finding.severity(), Severity::Warning);
    // A warning, not a refusal: the vendor may still connect.
    assert!(report.vendor_may_connect(), "{report:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any pattern built from the real id (a prefix plus `*`, or one character replaced by
    /// `?`) is reported, under any StringLike form.
    #[test]
    fn external_id_patterns_are_always_flagged(
        cut in 1usize..32,
        star in any::<bool>(),
        operator in proptest::sample::select(vec!["StringLike", "ForAnyValue:StringLike", "ForAllValues:StringLike", "StringLikeIfExists"]),
    ) {
        let pattern = if star {
            format!("{}*", &ID[..cut])
        } else {
            format!("{}?{}", &ID[..cut], &ID[cut + 1..])
        };
        let report = lint(&with_condition(operator, &pattern));
        prop_assert!(has(&report, LintCode::ExternalIdPattern), "{:#?}", report);
        prop_assert!(!report.vendor_may_connect());
    }
}
