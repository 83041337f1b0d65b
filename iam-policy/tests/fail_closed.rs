//! Fail closed on values that cannot be read (issue 13, "Evaluation").
//!
//! A condition whose request value is not of its operator's type (a number operator over
//! `"a"`, `NotIpAddress` over `"abcdeft"`, `ArnNotLike` over something that is not an ARN), or
//! whose ARN policy value lacks the six parts of an ARN, cannot be evaluated: it goes to
//! `Evaluation::unevaluable` in the interpreter and in `CompiledPolicy` alike, and never
//! yields `Allow`. Before, a failed read counted as "no match", so every negated operator was
//! vacuously true and could allow.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{CompiledPolicy, ContextValue, Decision, Evaluation, PolicyDocument, Request};
use proptest::prelude::*;
use proptest::sample::select;

/// Evaluates with both evaluators, checks they agree, and returns the evaluation.
#[track_caller]
fn evaluate(policy: &PolicyDocument, request: &Request) -> Evaluation {
    let interpreted = policy.evaluate(request);
    let compiled = CompiledPolicy::new(policy);
    assert_eq!(compiled.evaluate(request), interpreted, "{request:?}");
    assert_eq!(
        compiled.decide(request),
        interpreted.decision,
        "{request:?}"
    );
    interpreted
}

fn allow_if(operator: &str, key: &str, value: &str) -> PolicyDocument {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {{"{operator}": {{"{key}": "{value}"}}}}}}}}"#
    )
    .parse()
    .unwrap()
}

fn get(key: &str, value: impl Into<ContextValue>) -> Request {
    Request::new("s3:GetObject", "arn:aws:s3:::b/k").with_context(key, value)
}

#[test]
fn negated_operator_over_an_unreadable_request_value_is_unevaluable_not_allow() {
    let cases = [
        ("NumericNotEquals", "s3:max-keys", "10", "a"),
        (
            "DateNotEquals",
            "aws:CurrentTime",
            "2026-01-01T00:00:00Z",
            "a",
        ),
        ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "abcdeft"),
        (
            "ArnNotLike",
            "aws:SourceArn",
            "arn:aws:sns:*:123456789012:topic",
            "arn:aws:sns",
        ),
        (
            "ArnNotEquals",
            "aws:SourceArn",
            "arn:aws:s3:::b",
            "not-an-arn",
        ),
        ("NumericNotEqualsIfExists", "s3:max-keys", "10", "ten"),
    ];
    for (operator, key, policy_value, request_value) in cases {
        let policy = allow_if(operator, key, policy_value);
        let outcome = evaluate(&policy, &get(key, request_value));
        assert_eq!(outcome.decision, Decision::ImplicitDeny, "{operator}");
        assert_eq!(outcome.unevaluable.len(), 1, "{operator}");
        let reason = &outcome.unevaluable[0].reason;
        assert!(reason.contains(request_value), "{reason}");
    }
}

#[test]
fn unreadable_request_value_under_a_deny_blocks_allow() {
    let policy: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"NumericGreaterThan": {"s3:max-keys": "100"}}}]}"#
        .parse()
        .unwrap();
    let outcome = evaluate(&policy, &get("s3:max-keys", "lots"));
    assert_eq!(outcome.decision, Decision::ImplicitDeny);
    assert_eq!(
        evaluate(&policy, &get("s3:max-keys", "10")).decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate(&policy, &get("s3:max-keys", "1000")).decision,
        Decision::ExplicitDeny
    );
}

#[test]
fn one_unreadable_value_of_a_multivalued_key_makes_the_entry_unevaluable() {
    let policy = allow_if("ForAnyValue:NumericEquals", "k", "5");
    let outcome = evaluate(&policy, &get("k", vec!["5", "x"]));
    assert_eq!(outcome.decision, Decision::ImplicitDeny);
    assert_eq!(outcome.unevaluable.len(), 1);
    assert_eq!(
        evaluate(&policy, &get("k", vec!["5", "6"])).decision,
        Decision::Allow
    );
}

#[test]
fn arn_policy_value_with_fewer_than_six_parts_is_unevaluable_not_padded() {
    for operator in ["ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"] {
        let policy = allow_if(operator, "aws:SourceArn", "arn:aws:s3");
        let outcome = evaluate(&policy, &get("aws:SourceArn", "arn:aws:s3:::bucket"));
        assert_eq!(outcome.decision, Decision::ImplicitDeny, "{operator}");
        assert_eq!(outcome.unevaluable.len(), 1, "{operator}");
        assert!(outcome.unevaluable[0].reason.contains("six"));
    }
    // Six parts, the last holding further colons, are fine.
    let policy = allow_if(
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:logs:*:*:log-group:app:*",
    );
    let request = get("aws:SourceArn", "arn:aws:logs:us-east-1:1:log-group:app:x");
    assert_eq!(evaluate(&policy, &request).decision, Decision::Allow);
}

#[test]
fn unreadable_values_are_quoted_as_a_short_excerpt() {
    let policy = allow_if("NumericNotEquals", "k", "1");
    let huge = "z".repeat(1_000_000);
    let outcome = evaluate(&policy, &get("k", huge.as_str()));
    assert!(outcome.unevaluable[0].reason.len() < 300);
    assert!(outcome.unevaluable[0].reason.contains('…'));
}

// ---------------------------------------------------------------------------------------------
// Property: no unparsable value turns ImplicitDeny into Allow
// ---------------------------------------------------------------------------------------------

/// A typed operator, a policy value it reads and a request value it reads.
const TYPED: &[(&str, &str, &str)] = &[
    ("NumericEquals", "5", "5"),
    ("NumericNotEquals", "5", "6"),
    ("NumericLessThan", "5", "3"),
    ("NumericGreaterThanEquals", "5", "9"),
    ("DateEquals", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    ("DateNotEquals", "2026-01-01T00:00:00Z", "1700000000"),
    ("DateGreaterThan", "2020-01-01", "2026-11-22T17:56:53Z"),
    ("Bool", "true", "true"),
    ("Bool", "false", "true"),
    ("IpAddress", "10.0.0.0/8", "10.1.2.3"),
    ("NotIpAddress", "10.0.0.0/8", "192.0.2.1"),
    (
        "ArnEquals",
        "arn:aws:iam::1:role/r",
        "arn:aws:iam::1:role/r",
    ),
    ("ArnLike", "arn:aws:iam::*:role/*", "arn:aws:iam::1:role/r"),
    (
        "ArnNotEquals",
        "arn:aws:iam::1:role/r",
        "arn:aws:iam::2:role/r",
    ),
    (
        "ArnNotLike",
        "arn:aws:iam::*:role/x*",
        "arn:aws:iam::1:role/r",
    ),
];

/// Text no typed operator can read: no digits, no colon, no hex letters (so no IPv6 address)
/// and neither `true` nor `false` (both contain an `e`).
fn unparsable() -> impl Strategy<Value = String> {
    "[g-z]{1,12}"
}

fn operator_name() -> impl Strategy<Value = (String, &'static str, &'static str)> {
    (
        select(TYPED),
        select(vec!["", "ForAnyValue:", "ForAllValues:"]),
        any::<bool>(),
    )
        .prop_map(|((base, policy, request), qualifier, if_exists)| {
            let suffix = if if_exists { "IfExists" } else { "" };
            (format!("{qualifier}{base}{suffix}"), policy, request)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn no_unparsable_value_turns_implicit_deny_into_allow(
        (operator, policy_value, readable) in operator_name(),
        garbage in unparsable(),
        readable_too in any::<bool>(),
        garbage_first in any::<bool>(),
        deny in any::<bool>(),
    ) {
        let mut values = vec![garbage.clone()];
        if readable_too {
            values.insert(usize::from(!garbage_first), readable.to_owned());
        }
        let request = get("k", values.clone());
        let condition = format!(r#"{{"{operator}": {{"k": "{policy_value}"}}}}"#);
        let statements = if deny {
            // Allowed by the first statement unless the Deny applies or can't be ruled out.
            format!(
                r#"[{{"Effect": "Allow", "Action": "*", "Resource": "*"}},
                    {{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {condition}}}]"#
            )
        } else {
            format!(r#"[{{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {condition}}}]"#)
        };
        let policy: PolicyDocument =
            format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#).parse().unwrap();
        let interpreted = policy.evaluate(&request);
        let compiled = CompiledPolicy::new(&policy);
        prop_assert_eq!(&compiled.evaluate(&request), &interpreted);
        prop_assert_eq!(compiled.decide(&request), interpreted.decision);
        // The entry can't be evaluated, so nothing allows through it.
        prop_assert_ne!(interpreted.decision, Decision::Allow, "{} {:?}", operator, values);
        prop_assert_eq!(interpreted.unevaluable.len(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// A multivalued key under a plain operator
// ---------------------------------------------------------------------------------------------

#[test]
fn multivalued_key_under_an_operator_without_set_qualifier_is_unevaluable_not_for_any_value() {
    // "Multivalued context keys require a condition set operator": before, StringEquals on
    // two aws:CalledVia values was read as ForAnyValue and allowed.
    let policy = allow_if("StringEquals", "aws:CalledVia", "athena.amazonaws.com");
    let two = get(
        "aws:CalledVia",
        vec!["athena.amazonaws.com", "glue.amazonaws.com"],
    );
    let outcome = evaluate(&policy, &two);
    assert_eq!(outcome.decision, Decision::ImplicitDeny);
    assert_eq!(outcome.unevaluable.len(), 1);
    assert!(outcome.unevaluable[0].reason.contains("2 values"));
    // One value (as a set or not) is compared as usual; the qualified forms keep their meaning.
    let one = get("aws:CalledVia", vec!["athena.amazonaws.com"]);
    assert_eq!(evaluate(&policy, &one).decision, Decision::Allow);
    let any = allow_if(
        "ForAnyValue:StringEquals",
        "aws:CalledVia",
        "athena.amazonaws.com",
    );
    assert_eq!(evaluate(&any, &two).decision, Decision::Allow);
    // A Deny with a negated plain operator over two values can't be ruled out either.
    let deny: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:CalledVia": "athena.amazonaws.com"}}}]}"#
        .parse()
        .unwrap();
    assert_eq!(evaluate(&deny, &two).decision, Decision::ImplicitDeny);
}

// ---------------------------------------------------------------------------------------------
// Policy variables in Bool
// ---------------------------------------------------------------------------------------------

#[test]
fn bool_with_policy_variable_is_not_substituted_and_is_unevaluable() {
    // AWS's "Variables and tags" page: no policy variables with Boolean operators (followed);
    // its "Condition operators" page: supported. Not substituting fails closed.
    let policy = allow_if("Bool", "aws:SecureTransport", "${aws:ViaAWSService}");
    let request = get("aws:SecureTransport", "true").with_context("aws:ViaAWSService", "true");
    let outcome = evaluate(&policy, &request);
    assert_eq!(outcome.decision, Decision::ImplicitDeny);
    assert_eq!(outcome.unevaluable.len(), 1);
    let findings =
        iam_policy::Validator::new(iam_policy::PolicyKind::ManagedPolicy).validate(&policy);
    assert!(
        findings
            .iter()
            .any(|f| f.code == iam_policy::FindingCode::BoolWithPolicyVariable)
    );
}
