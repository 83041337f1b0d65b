//! Oversized and hostile input (issue 13, "Hostile and oversized input"): inputs far beyond
//! IAM's quotas complete with the right results (their times are in `benches/benches/policy.rs`,
//! not asserted here), oversized documents are refused before any expensive work, and messages
//! quote only an excerpt of what they were given.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{FindingCode, PolicyKind, Validator};

/// A document of `n` statements, one per line, each with a condition value IAM can't read.
fn many_findings_document(n: usize) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"NumericLessThan": {{"s3:max-keys": "n{i}"}}}}}}"#
            )
        })
        .collect();
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
        statements.join(",\n")
    )
}

#[test]
fn twenty_thousand_findings_are_located_with_one_index() {
    let n = 20_000;
    let text = many_findings_document(n);
    // 2.3 MB: over the default limit, so a batch-sized one.
    let validator = Validator::new(PolicyKind::ManagedPolicy).with_max_document_bytes(8 << 20);
    let (doc, findings) = validator.validate_text(&text);
    assert!(doc.is_some());
    let invalid: Vec<_> = findings
        .iter()
        .filter(|f| f.code == FindingCode::InvalidConditionValue)
        .collect();
    assert_eq!(invalid.len(), n);
    for finding in invalid {
        let path = &finding.location.path;
        let index: usize = path
            .strip_prefix("$.Statement[")
            .and_then(|rest| rest.split_once(']'))
            .map(|(i, _)| i.parse().unwrap())
            .unwrap();
        // Statement i is on line i + 2; its condition key is at the same column on every line.
        assert_eq!(finding.location.line, Some(index + 2), "{path}");
        assert_eq!(finding.location.column, Some(98), "{path}");
    }
}

#[test]
fn sixteen_kb_wildcard_pattern_against_a_hundred_kb_resource_completes() {
    use iam_policy::{CompiledPolicy, Decision, PolicyDocument, Request};
    let pattern = format!("arn:aws:s3:::b/{}z", "*a".repeat(8 * 1024));
    let policy: PolicyDocument = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "{pattern}"}}}}"#
    )
    .parse()
    .unwrap();
    let compiled = CompiledPolicy::new(&policy);
    let miss = Request::new(
        "s3:GetObject",
        format!("arn:aws:s3:::b/{}", "a".repeat(100 * 1024)),
    );
    assert_eq!(policy.evaluate(&miss).decision, Decision::ImplicitDeny);
    assert_eq!(compiled.decide(&miss), Decision::ImplicitDeny);
    let hit = Request::new(
        "s3:GetObject",
        format!("arn:aws:s3:::b/{}z", "a".repeat(100 * 1024)),
    );
    assert_eq!(policy.evaluate(&hit).decision, Decision::Allow);
    assert_eq!(compiled.decide(&hit), Decision::Allow);
}

/// A policy allowing one action under `n` condition keys, and a request carrying them all.
fn many_condition_keys(n: usize) -> (iam_policy::PolicyDocument, iam_policy::Request) {
    let entries: Vec<String> = (0..n).map(|i| format!(r#""k:key{i}": "v{i}""#)).collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {{"StringEquals": {{{}}}}}}}}}"#,
        entries.join(", ")
    );
    let policy = iam_policy::ParseOptions::new()
        .with_max_bytes(8 << 20)
        .parse(&text)
        .unwrap();
    let mut request = iam_policy::Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    for i in 0..n {
        // Upper case: keys compare case-insensitively.
        request.set_context(format!("K:KEY{i}"), format!("v{i}"));
    }
    (policy, request)
}

#[test]
fn hundred_thousand_condition_keys_evaluate_with_indexed_context_lookups() {
    use iam_policy::{CompiledPolicy, Decision};
    let n = 100_000;
    let (policy, mut request) = many_condition_keys(n);
    let compiled = CompiledPolicy::new(&policy);
    assert_eq!(request.context_entries().count(), n);
    assert_eq!(policy.evaluate(&request).decision, Decision::Allow);
    assert_eq!(compiled.decide(&request), Decision::Allow);
    // One key off: the condition fails.
    request.set_context("k:key77777", "other");
    assert_eq!(request.context_entries().count(), n);
    assert_eq!(compiled.decide(&request), Decision::ImplicitDeny);
    // One key missing: the condition fails too.
    request.set_context("k:key77777", "v77777");
    request.remove_context("K:Key5");
    assert_eq!(request.context_entries().count(), n - 1);
    assert!(request.context("k:key5").is_none());
    assert_eq!(policy.evaluate(&request).decision, Decision::ImplicitDeny);
    assert_eq!(compiled.decide(&request), Decision::ImplicitDeny);
}

#[test]
fn oversized_documents_are_refused_before_parsing_with_the_limit_named() {
    use iam_policy::{Error, ParseOptions, PolicyDocument};
    // 10 MB: a "trust policy" with millions of actions never reaches the parser.
    let actions = vec!["\"sts:AssumeRole\""; 600_000].join(",");
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": [{actions}]}}}}"#
    );
    assert!(text.len() > 10_000_000);
    match PolicyDocument::from_json(&text) {
        Err(Error::DocumentTooLarge { size, limit }) => {
            assert_eq!(size, text.len());
            assert_eq!(limit, ParseOptions::DEFAULT_MAX_BYTES);
        }
        other => panic!("{other:?}"),
    }
    let (doc, findings) = Validator::new(PolicyKind::trust_policy()).validate_text(&text);
    assert!(doc.is_none());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, FindingCode::DocumentTooLarge);
    assert!(findings[0].message.contains("1048576"));
    // The limit is configurable for batch tools.
    let (doc, _) = Validator::new(PolicyKind::AwsManagedPolicy)
        .with_max_document_bytes(16 << 20)
        .validate_text(&text);
    assert!(doc.is_some());
}

#[test]
fn error_messages_quote_a_short_excerpt_of_a_huge_input() {
    use iam_policy::{AccountId, Arn, PolicyDocument};
    let huge = "9".repeat(10_000_000);
    let error = huge.parse::<AccountId>().unwrap_err().to_string();
    assert!(error.len() < 400, "{}", error.len());
    assert!(error.contains('…'));
    let error = format!("arn:aws:iam::{huge}")
        .parse::<Arn>()
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(error.len() < 400, "{}", error.len());
    // A parse error quoting the offending value.
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "{}"}}}}"#,
        "A".repeat(900_000)
    );
    let error = PolicyDocument::from_json(&text).unwrap_err().to_string();
    assert!(error.len() < 400, "{}", error.len());
    // A validation finding quoting a value.
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {{"NumericLessThan": {{"s3:max-keys": "{}"}}}}}}}}"#,
        "x".repeat(900_000)
    );
    let (_, findings) = Validator::new(PolicyKind::ManagedPolicy).validate_text(&text);
    assert!(!findings.is_empty());
    for finding in findings {
        assert!(
            finding.message.len() < 600,
            "{:?} {}",
            finding.code,
            finding.message.len()
        );
    }
}
