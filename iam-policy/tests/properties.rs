//! Property tests of the policy model and the two evaluators.
//!
//! - parse -> serialize -> parse is the identity for every valid document, in compact and
//!   pretty JSON and through `serde_json::Value`;
//! - `CompiledPolicy` gives exactly the interpreter's `Evaluation`, and nothing unevaluable in
//!   a `Deny` ever leads to `Allow`;
//! - no input, however malformed, panics the parser or the identifier types, and whatever
//!   parses prints back to itself.
//!
//! (The wildcard matcher's own oracle test lives in `src/glob_oracle_tests.rs`: it is
//! crate-private.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{
    AccountId, ActionClause, ActionPattern, Arn, CompiledPolicy, Condition, ConditionBlock,
    ConditionEntry, ConditionOperator, ConditionValue, ContextValue, Decision, Effect, OneOrMany,
    PolicyDocument, Principal, PrincipalClause, PrincipalKind, Request, RequestPrincipal,
    ResourceClause, ResourcePattern, RoleArn, Statement, Version,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

const CASES: u32 = 1000;

// ---------------------------------------------------------------------------------------------
// Generic building blocks
// ---------------------------------------------------------------------------------------------

fn one_or_many<T: std::fmt::Debug + Clone + 'static>(
    item: impl Strategy<Value = T> + Clone + 'static,
    max: usize,
) -> BoxedStrategy<OneOrMany<T>> {
    prop_oneof![
        item.clone().prop_map(OneOrMany::One),
        proptest::collection::vec(item, 0..=max).prop_map(OneOrMany::Many),
    ]
    .boxed()
}

/// Strings that exercise JSON escaping: quotes, backslashes, control characters, non-ASCII.
fn tricky_string() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        "[a-zA-Z0-9:/*?_ -]{0,10}",
        "[\"\\\\\u{0}-\u{1f}é€😀${}' ]{0,6}",
        any::<String>(),
    ]
}

/// Removes later duplicates by `key`.
fn dedup_by<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.iter().any(|seen| key(seen) == key(&item)) {
            out.push(item);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Random valid documents (round trip)
// ---------------------------------------------------------------------------------------------

fn action_pattern() -> impl Strategy<Value = ActionPattern> + Clone {
    prop_oneof![
        Just("*".to_owned()),
        ("[a-z0-9-]{1,6}", "[A-Za-z0-9*?_-]{1,8}").prop_map(|(s, n)| format!("{s}:{n}")),
    ]
    .prop_map(|text| text.parse().expect("generated action is valid"))
}

fn resource_pattern() -> impl Strategy<Value = ResourcePattern> + Clone {
    prop_oneof![
        Just("*".to_owned()),
        (
            "[a-z-]{1,6}",
            "[a-z0-9]{1,5}",
            "[a-z0-9*?-]{0,6}",
            "[0-9*?]{0,12}",
            "[a-zA-Z0-9/:*?${}'_, é-]{1,14}",
        )
            .prop_map(|(p, s, r, a, res)| format!("arn:{p}:{s}:{r}:{a}:{res}")),
    ]
    .prop_map(|text| text.parse().expect("generated resource is valid"))
}

fn principal() -> impl Strategy<Value = Principal> + Clone {
    let kind = select(vec![
        PrincipalKind::Aws,
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::CanonicalUser,
    ]);
    let ids = one_or_many(tricky_string(), 3);
    prop_oneof![
        1 => Just(Principal::Any),
        4 => proptest::collection::vec((kind, ids), 0..4)
            .prop_map(|entries| Principal::Specific(dedup_by(entries, |(k, _)| *k))),
    ]
}

/// Operator names: documented ones with every qualifier and suffix, and unknown text. Built
/// by parsing so that the model value is whatever IAM's grammar makes of the text.
fn condition_operator() -> impl Strategy<Value = ConditionOperator> + Clone {
    let known = (
        select(vec!["", "ForAnyValue:", "ForAllValues:"]),
        select(iam_policy::OperatorKind::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(q, k, e)| format!("{q}{k}{}", if e { "IfExists" } else { "" }));
    let unknown = prop_oneof![
        select(vec![
            "StringEqualz",
            "NullIfExists",
            "ForAnyValue:",
            "IfExists",
            "stringequals",
            "ForAllValues:ForAnyValue:StringLike"
        ])
        .prop_map(str::to_owned),
        tricky_string(),
    ];
    prop_oneof![3 => known, 1 => unknown].prop_map(|text| {
        text.parse::<ConditionOperator>()
            .expect("operators always parse")
    })
}

fn condition_value() -> impl Strategy<Value = ConditionValue> + Clone {
    prop_oneof![
        tricky_string().prop_map(ConditionValue::String),
        any::<i64>().prop_map(|n| ConditionValue::Number(n.into())),
        any::<u64>().prop_map(|n| ConditionValue::Number(n.into())),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(ConditionValue::Number),
        any::<bool>().prop_map(ConditionValue::Bool),
    ]
}

fn condition() -> impl Strategy<Value = Condition> + Clone {
    let entry = (
        prop_oneof!["[a-zA-Z]{1,4}:[a-zA-Z/-]{1,8}", tricky_string()],
        one_or_many(condition_value(), 3),
    )
        .prop_map(|(key, values)| ConditionEntry { key, values });
    let block = (condition_operator(), proptest::collection::vec(entry, 0..4)).prop_map(
        |(operator, entries)| ConditionBlock {
            operator,
            entries: dedup_by(entries, |e| e.key.clone()),
        },
    );
    proptest::collection::vec(block, 0..4).prop_map(|blocks| Condition {
        blocks: dedup_by(blocks, |b| b.operator.clone()),
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    let principal_clause = prop_oneof![
        2 => Just(None),
        1 => principal().prop_map(|p| Some(PrincipalClause::Principal(p))),
        1 => principal().prop_map(|p| Some(PrincipalClause::NotPrincipal(p))),
    ];
    let actions = one_or_many(action_pattern(), 3);
    let action_clause = prop_oneof![
        actions.clone().prop_map(ActionClause::Action),
        actions.prop_map(ActionClause::NotAction),
    ];
    let resources = one_or_many(resource_pattern(), 3);
    let resource_clause = prop_oneof![
        1 => Just(None),
        2 => resources.clone().prop_map(|r| Some(ResourceClause::Resource(r))),
        1 => resources.prop_map(|r| Some(ResourceClause::NotResource(r))),
    ];
    (
        proptest::option::of(tricky_string()),
        prop_oneof![Just(Effect::Allow), Just(Effect::Deny)],
        principal_clause,
        action_clause,
        resource_clause,
        proptest::option::of(condition()),
    )
        .prop_map(
            |(sid, effect, principal, action, resource, condition)| Statement {
                sid,
                effect,
                principal,
                action,
                resource,
                condition,
            },
        )
}

fn version() -> impl Strategy<Value = Option<Version>> {
    prop_oneof![
        Just(None),
        Just(Some(Version::V2012_10_17)),
        Just(Some(Version::V2008_10_17)),
    ]
}

fn document() -> impl Strategy<Value = PolicyDocument> {
    (
        version(),
        proptest::option::of(tricky_string()),
        prop_oneof![
            statement().prop_map(OneOrMany::One),
            proptest::collection::vec(statement(), 0..4).prop_map(OneOrMany::Many),
        ],
    )
        .prop_map(|(version, id, statement)| PolicyDocument {
            version,
            id,
            statement,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn parse_serialize_parse_is_the_identity(doc in document()) {
        let compact = doc.to_json();
        let reparsed = PolicyDocument::from_json(&compact);
        prop_assert_eq!(reparsed.as_ref(), Ok(&doc), "compact JSON: {}", compact);
        prop_assert_eq!(doc.to_string(), compact.clone());

        let pretty = doc.to_json_pretty();
        let from_pretty = PolicyDocument::from_json(&pretty);
        prop_assert_eq!(from_pretty.as_ref(), Ok(&doc), "pretty JSON: {}", pretty);
        let parsed = pretty.parse::<PolicyDocument>();
        prop_assert_eq!(parsed.as_ref(), Ok(&doc));

        // Through serde_json::Value, both ways. (Without serde_json's `preserve_order` a Value
        // sorts object keys, so condition blocks or principal kinds may come back in another
        // order: the comparison is between Values, which ignore key order.)
        let value: Value = serde_json::from_str(&compact).expect("serialized policies are JSON");
        prop_assert_eq!(serde_json::to_value(&doc).expect("serializes"), value.clone());
        let from_value = PolicyDocument::from_value(value.clone());
        prop_assert!(from_value.is_ok(), "{:?}", from_value);
        let again = serde_json::to_value(from_value.expect("checked above")).expect("serializes");
        prop_assert_eq!(again, value);
    }
}

// ---------------------------------------------------------------------------------------------
// Compiled equals interpreted
// ---------------------------------------------------------------------------------------------

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "s3:*",
    "s3:Get?bject",
    "*",
    "S3:getobject",
    "ec2:*Instances",
    "iam:PassRole",
    "s3:Get*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "arn:aws:s3:::b*t/key",
    "arn:aws:s3:::bucket/?/*",
    "arn:aws:ec2:*:123456789012:instance/*",
    "arn:aws:ec2:us-*:123456789012:instance/i-?",
    "arn:aws:s3:::bucket/a:b",
    "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'red'}/*",
    "arn:aws:s3:::bucket/${*}",
    "arn:aws:s3:::bucket/${aws:TagKeys}",
];
const AWS_PRINCIPALS: &[&str] = &[
    "*",
    "123456789012",
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::123456789012:role/path/Vendor",
    "arn:aws:sts::123456789012:assumed-role/Vendor/s1",
    "arn:aws:iam::123456789012:user/bob",
    "arn:aws:iam::999988887777:root",
    "AROAOPAQUEID",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringNotLike",
    "ForAllValues:StringNotEquals",
    "StringEqualsIfExists",
    "StringNotEqualsIfExists",
    "ForAllValues:StringLikeIfExists",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "NumericNotEquals",
    "NumericEqualsIfExists",
    "DateLessThan",
    "DateGreaterThan",
    "DateNotEquals",
    "DateEqualsIfExists",
    "Bool",
    "BoolIfExists",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "IpAddressIfExists",
    "ArnLike",
    "ArnEquals",
    "ArnNotLike",
    "ForAnyValue:ArnLike",
    "Null",
    "StringEqualz",
    "NullIfExists",
];
const KEYS: &[&str] = &[
    "aws:username",
    "aws:TagKeys",
    "aws:SourceIp",
    "aws:CurrentTime",
    "s3:max-keys",
    "aws:SecureTransport",
    "aws:SourceArn",
    "aws:PrincipalTag/team",
];
const POLICY_VALUES: &[&str] = &[
    "bob",
    "alice",
    "b*",
    "B?b",
    "${aws:username}",
    "${aws:PrincipalTag/team, 'red'}",
    "${*}",
    "203.0.113.0/24",
    "10.0.0.1",
    "2001:db8::/32",
    "2020-01-01T00:00:00Z",
    "1700000000",
    "10",
    "5.5",
    "true",
    "false",
    "arn:aws:iam::123456789012:user/*",
    "arn:aws:iam::123456789012:user/${aws:username}",
    "not-a-value",
    "red",
    "env",
    "",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "S3:GETOBJECT",
    "s3:GetObjectAcl",
    "iam:PassRole",
    "ec2:StopInstances",
    // Edge cases for the compiled service-prefix prefilter.
    "s3",
    "s3x:GetObject",
    "S3:",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::bucket/bob/x",
    "arn:aws:s3:::bucket/a:b",
    "arn:aws:s3:::bat/key",
    "arn:aws:s3:::bucket/*",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    "arn:aws:s3:::bucket/red/z",
    "arn:aws:s3:::bucket/x/y",
    "arn:aws:s3:::b:t/key",
    "arn:aws:s3:::bucket/env",
];
const REQUEST_PRINCIPALS: &[&str] = &[
    "arn:aws:iam::123456789012:root",
    "arn:aws:sts::123456789012:assumed-role/Vendor/s1",
    "arn:aws:sts::123456789012:assumed-role/Other/s1",
    "arn:aws:iam::123456789012:user/bob",
    "arn:aws:iam::999988887777:user/eve",
    "arn:aws:iam::123456789012:role/path/Vendor",
];
const REQUEST_VALUES: &[&str] = &[
    "bob",
    "Bob",
    "alice",
    "b*",
    "red",
    "203.0.113.9",
    "10.0.0.1",
    "198.51.100.1",
    "2001:db8::5",
    "2019-06-01T00:00:00Z",
    "2024-01-01T00:00:00Z",
    "1700000000",
    "9",
    "10",
    "11",
    "true",
    "false",
    "arn:aws:iam::123456789012:user/bob",
    "arn:aws:iam::123456789012:user/alice",
    "env",
    "",
];

fn small_principal() -> impl Strategy<Value = Principal> {
    prop_oneof![
        1 => Just(Principal::Any),
        4 => proptest::collection::vec(select(AWS_PRINCIPALS), 1..3).prop_map(|ids| {
            Principal::Specific(vec![(
                PrincipalKind::Aws,
                OneOrMany::Many(ids.into_iter().map(str::to_owned).collect()),
            )])
        }),
        1 => Just(Principal::of(PrincipalKind::Service, "ec2.amazonaws.com")),
    ]
}

fn small_condition() -> impl Strategy<Value = Condition> {
    let value = prop_oneof![
        6 => select(POLICY_VALUES).prop_map(ConditionValue::from),
        1 => (-5i64..20).prop_map(|n| ConditionValue::Number(n.into())),
        1 => any::<bool>().prop_map(ConditionValue::Bool),
    ];
    let values = prop_oneof![
        value.clone().prop_map(OneOrMany::One),
        proptest::collection::vec(value, 0..3).prop_map(OneOrMany::Many),
    ];
    let entry = (select(KEYS), values).prop_map(|(key, values)| ConditionEntry {
        key: key.to_owned(),
        values,
    });
    let block = (select(OPERATORS), proptest::collection::vec(entry, 1..3)).prop_map(
        |(operator, entries)| ConditionBlock {
            operator: operator.parse().expect("operators always parse"),
            entries: dedup_by(entries, |e| e.key.clone()),
        },
    );
    proptest::collection::vec(block, 1..3).prop_map(|blocks| Condition {
        blocks: dedup_by(blocks, |b| b.operator.clone()),
    })
}

fn small_statement() -> impl Strategy<Value = Statement> {
    let actions = proptest::collection::vec(select(ACTIONS), 1..3).prop_map(|a| {
        OneOrMany::Many(
            a.into_iter()
                .map(|s| s.parse().expect("valid action"))
                .collect(),
        )
    });
    let resource = prop_oneof![1 => Just("*"), 3 => select(RESOURCES)];
    let resources = proptest::collection::vec(resource, 1..3).prop_map(|r| {
        OneOrMany::Many(
            r.into_iter()
                .map(|s| s.parse().expect("valid resource"))
                .collect(),
        )
    });
    (
        proptest::option::of(select(vec!["A", "B", "C"])),
        prop_oneof![3 => Just(Effect::Allow), 2 => Just(Effect::Deny)],
        prop_oneof![
            3 => Just(None),
            2 => small_principal().prop_map(|p| Some(PrincipalClause::Principal(p))),
            1 => small_principal().prop_map(|p| Some(PrincipalClause::NotPrincipal(p))),
        ],
        prop_oneof![
            3 => actions.clone().prop_map(ActionClause::Action),
            1 => actions.prop_map(ActionClause::NotAction),
        ],
        prop_oneof![
            1 => Just(None),
            3 => resources.clone().prop_map(|r| Some(ResourceClause::Resource(r))),
            1 => resources.prop_map(|r| Some(ResourceClause::NotResource(r))),
        ],
        proptest::option::weighted(0.45, small_condition()),
    )
        .prop_map(
            |(sid, effect, principal, action, resource, condition)| Statement {
                sid: sid.map(str::to_owned),
                effect,
                principal,
                action,
                resource,
                condition,
            },
        )
}

fn small_document() -> impl Strategy<Value = PolicyDocument> {
    (
        prop_oneof![
            8 => Just(Some(Version::V2012_10_17)),
            1 => Just(Some(Version::V2008_10_17)),
            1 => Just(None),
        ],
        proptest::collection::vec(small_statement(), 1..6),
    )
        .prop_map(|(version, statements)| PolicyDocument {
            version,
            id: None,
            statement: OneOrMany::Many(statements),
        })
}

fn request() -> impl Strategy<Value = Request> {
    let principal = prop_oneof![
        1 => Just(None),
        4 => select(REQUEST_PRINCIPALS).prop_map(|a| Some(RequestPrincipal::Aws(a.parse().expect("valid ARN")))),
        1 => Just(Some(RequestPrincipal::Anonymous)),
        1 => Just(Some(RequestPrincipal::Service("ec2.amazonaws.com".into()))),
    ];
    let value = prop_oneof![
        3 => select(REQUEST_VALUES).prop_map(ContextValue::from),
        1 => proptest::collection::vec(select(REQUEST_VALUES), 0..3).prop_map(ContextValue::from),
    ];
    let context = proptest::collection::vec((select(KEYS), value), 0..6);
    (
        select(REQUEST_ACTIONS),
        select(REQUEST_RESOURCES),
        principal,
        context,
    )
        .prop_map(|(action, resource, principal, context)| {
            let mut request = Request::new(action, resource);
            request.principal = principal;
            for (key, value) in context {
                request.set_context(key, value);
            }
            request
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn compiled_policy_decides_exactly_like_the_interpreter(
        doc in small_document(),
        requests in proptest::collection::vec(request(), 1..6),
    ) {
        let compiled = CompiledPolicy::new(&doc);
        for request in &requests {
            let interpreted = doc.evaluate(request);
            prop_assert_eq!(&compiled.evaluate(request), &interpreted, "request {:?}", request);
            prop_assert_eq!(compiled.decide(request), interpreted.decision);

            // The decision rule, checked from the outside.
            let denied = interpreted.matched.iter().any(|m| m.effect == Effect::Deny);
            let allowed = interpreted.matched.iter().any(|m| m.effect == Effect::Allow);
            let deny_unknown = interpreted.unevaluable.iter().any(|u| u.effect == Effect::Deny);
            let expected = if denied {
                Decision::ExplicitDeny
            } else if allowed && !deny_unknown {
                Decision::Allow
            } else {
                Decision::ImplicitDeny
            };
            prop_assert_eq!(interpreted.decision, expected);
            if deny_unknown {
                prop_assert_ne!(interpreted.decision, Decision::Allow);
            }
            // A statement is either applicable or unevaluable, never both.
            for u in &interpreted.unevaluable {
                prop_assert!(interpreted.matched.iter().all(|m| m.index != u.index));
            }
            // Statements are reported in document order.
            prop_assert!(interpreted.matched.windows(2).all(|w| w[0].index < w[1].index));
            // The evaluation survives a serialization round trip of the policy.
            let reparsed = PolicyDocument::from_json(&doc.to_json()).expect("round trip");
            prop_assert_eq!(reparsed.evaluate(request), interpreted);
        }
    }
}

/// The generators above must produce every outcome often enough for the equivalence property
/// to mean something: counts over a fixed, deterministic sample.
#[test]
fn evaluation_generators_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = (small_document(), request());
    let (mut allow, mut explicit, mut implicit) = (0, 0, 0);
    let (mut blocked_by_unknown_deny, mut unevaluable_allow, mut not_principal_applied) = (0, 0, 0);
    let samples = 2000;
    for _ in 0..samples {
        let (doc, request) = strategy.new_tree(&mut runner).expect("generates").current();
        let outcome = doc.evaluate(&request);
        match outcome.decision {
            Decision::Allow => allow += 1,
            Decision::ExplicitDeny => explicit += 1,
            Decision::ImplicitDeny => implicit += 1,
        }
        let allowed = outcome.matched.iter().any(|m| m.effect == Effect::Allow);
        if outcome.decision == Decision::ImplicitDeny && allowed {
            blocked_by_unknown_deny += 1;
        }
        if outcome
            .unevaluable
            .iter()
            .any(|u| u.effect == Effect::Allow)
        {
            unevaluable_allow += 1;
        }
        if outcome.matched.iter().any(|m| {
            matches!(
                doc.statements()[m.index].principal,
                Some(PrincipalClause::NotPrincipal(_))
            )
        }) {
            not_principal_applied += 1;
        }
    }
    let at_least = |count: i32, per_mille: i32, what: &str| {
        assert!(
            count * 1000 >= per_mille * samples,
            "{what}: only {count} of {samples}"
        );
    };
    at_least(allow, 100, "Allow");
    at_least(explicit, 100, "ExplicitDeny");
    at_least(implicit, 100, "ImplicitDeny");
    at_least(
        blocked_by_unknown_deny,
        3,
        "Allow blocked by an unevaluable Deny",
    );
    at_least(unevaluable_allow, 20, "unevaluable Allow");
    at_least(not_principal_applied, 20, "applicable NotPrincipal");
}

// ---------------------------------------------------------------------------------------------
// The parser never panics
// ---------------------------------------------------------------------------------------------

const JSON_KEYS: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "ForAnyValue:StringLike",
    "NumericLessThanIfExists",
    "aws:SourceIp",
    "x",
];
const JSON_STRINGS: &[&str] = &[
    "2012-10-17",
    "2008-10-17",
    "Allow",
    "Deny",
    "*",
    "s3:GetObject",
    "s3:*",
    "s3 Get",
    "arn:aws:s3:::b/*",
    "arn:aws:*:::x",
    "arn:aws:iam::123456789012:root",
    "123456789012",
    "${aws:username}",
    "",
    "true",
    "10",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        select(JSON_STRINGS).prop_map(Value::from),
        tricky_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (prop_oneof![4 => select(JSON_KEYS).prop_map(str::to_owned), 1 => tricky_string()], inner),
                0..5,
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Text assembled from JSON tokens, so that it is often almost a policy.
fn json_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        select(vec![
            "{", "}", "[", "]", ":", ",", " ", "\n", "null", "true", "1", "-0.5e3", "\"", "\\"
        ])
        .prop_map(str::to_owned),
        select(JSON_KEYS).prop_map(|k| format!("{k:?}")),
        select(JSON_STRINGS).prop_map(|s| format!("{s:?}")),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

/// Applies `ops` to `value`: each op walks down by its index and rewrites what it finds.
fn mutate(value: &mut Value, ops: &[(u8, usize, Value)]) {
    for (op, index, replacement) in ops {
        let mut target = &mut *value;
        // Walk down a few levels, choosing children by `index`.
        for depth in 0..(index % 5) {
            let next = index.rotate_right(depth as u32 * 3);
            let child_exists = match &*target {
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => !o.is_empty(),
                _ => false,
            };
            if !child_exists {
                break;
            }
            target = match target {
                Value::Array(a) => {
                    let len = a.len();
                    &mut a[next % len]
                }
                Value::Object(o) => {
                    let len = o.len();
                    o.values_mut().nth(next % len).expect("index within length")
                }
                _ => unreachable!("checked above"),
            };
        }
        match op % 6 {
            0 => *target = replacement.clone(),
            1 => {
                if let Value::Object(o) = target
                    && let Some(key) = o.keys().nth(index % o.len().max(1)).cloned()
                {
                    o.remove(&key);
                }
            }
            2 => *target = Value::Array(vec![target.take()]),
            3 => {
                if let Value::Array(a) = target
                    && let Some(first) = a.first().cloned()
                {
                    a.push(first);
                }
            }
            4 => {
                if let Value::Object(o) = target {
                    o.insert(
                        JSON_KEYS[index % JSON_KEYS.len()].to_owned(),
                        replacement.clone(),
                    );
                }
            }
            _ => {
                if let Value::String(s) = target {
                    *target = Value::from(s.len());
                } else {
                    *target = Value::String(target.to_string());
                }
            }
        }
    }
}

/// Whatever parses must serialize and parse back to itself.
fn check_parse_result(
    result: Result<PolicyDocument, iam_policy::Error>,
) -> Result<(), TestCaseError> {
    match result {
        Ok(doc) => {
            let again = PolicyDocument::from_json(&doc.to_json());
            prop_assert_eq!(again.as_ref(), Ok(&doc));
        }
        Err(error) => {
            // Errors say where: a JSON path from the root.
            let text = error.to_string();
            prop_assert!(text.contains('$'), "{}", text);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn arbitrary_text_never_panics_the_parser(text in prop_oneof![any::<String>(), json_text()]) {
        check_parse_result(PolicyDocument::from_json(&text))?;
    }

    #[test]
    fn arbitrary_json_values_never_panic_the_parser(value in json_value()) {
        check_parse_result(PolicyDocument::from_value(value.clone()))?;
        check_parse_result(PolicyDocument::from_json(&value.to_string()))?;
        // Wrapped as a statement list, the random value is much closer to a policy.
        let wrapped = serde_json::json!({"Version": "2012-10-17", "Statement": [value]});
        check_parse_result(PolicyDocument::from_value(wrapped))?;
    }

    #[test]
    fn mutated_policies_never_panic_the_parser(
        doc in small_document(),
        ops in proptest::collection::vec((any::<u8>(), any::<usize>(), json_value()), 1..4),
    ) {
        let mut value = serde_json::to_value(&doc).expect("serializes");
        mutate(&mut value, &ops);
        let from_value = PolicyDocument::from_value(value.clone());
        let from_text = PolicyDocument::from_json(&value.to_string());
        // Both entry points agree on whether the document is valid, and on the document.
        prop_assert_eq!(from_value.as_ref().ok(), from_text.as_ref().ok());
        check_parse_result(from_value)?;
        check_parse_result(from_text)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Identifier types
// ---------------------------------------------------------------------------------------------

fn identifier_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{10,13}",
        "[a-zA-Z0-9:*?_/ -]{0,14}",
        (
            select(vec!["arn", "ARN", "arn ", ""]),
            select(vec![
                "aws",
                "aws-cn",
                "aws-us-gov",
                "aws-iso-b",
                "aws-moon",
                "",
                "*"
            ]),
            "[a-z0-9*A-Z-]{0,5}",
            "[a-z0-9*-]{0,10}",
            select(vec![
                "",
                "aws",
                "123456789012",
                "12345678901",
                "*",
                "1234567890123"
            ]),
            "[ -~é\u{7f}\u{0}]{0,14}",
            1usize..7,
        )
            .prop_map(
                |(arn, partition, service, region, account, resource, parts)| {
                    let all = [
                        arn.to_owned(),
                        partition.to_owned(),
                        service,
                        region,
                        account.to_owned(),
                        resource,
                    ];
                    all[..parts].join(":")
                }
            ),
        (
            select(vec!["aws", "aws-cn", "aws-eusc", "aws-x"]),
            select(vec!["123456789012", "12345678901", "aws"]),
            "(/[a-zA-Z0-9_!~]{0,4}){0,3}/?[A-Za-z0-9+=,.@_ -]{0,66}",
        )
            .prop_map(|(p, a, rest)| format!("arn:{p}:iam::{a}:role{rest}")),
        (
            select(vec!["", "ForAnyValue:", "ForAllValues:", "forallvalues:"]),
            proptest::collection::vec(
                select(vec![
                    "String",
                    "Numeric",
                    "Date",
                    "Arn",
                    "Ip",
                    "Not",
                    "Equals",
                    "Like",
                    "IgnoreCase",
                    "Null",
                    "Bool",
                    "Binary",
                    "Address",
                    "LessThan",
                    "IfExists",
                    ":"
                ]),
                0..5,
            ),
        )
            .prop_map(|(q, parts)| format!("{q}{}", parts.concat())),
    ]
}

/// Parsing never panics; when it succeeds, printing gives the input back and parses to the
/// same value.
fn check_identifier<T>(text: &str) -> Result<(), TestCaseError>
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
    T::Err: std::fmt::Display,
{
    if let Ok(value) = text.parse::<T>() {
        let printed = value.to_string();
        prop_assert_eq!(&printed, text);
        let reparsed = printed.parse::<T>();
        prop_assert!(
            reparsed.as_ref().is_ok_and(|r| *r == value),
            "{:?}",
            printed
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn identifier_types_parse_without_panicking_and_print_back(text in identifier_text()) {
        check_identifier::<AccountId>(&text)?;
        check_identifier::<Arn>(&text)?;
        check_identifier::<RoleArn>(&text)?;
        check_identifier::<ActionPattern>(&text)?;
        check_identifier::<ResourcePattern>(&text)?;
        check_identifier::<ConditionOperator>(&text)?;

        // A role ARN is an ARN; the account of a valid ARN is whatever the text says.
        if let Ok(role) = text.parse::<RoleArn>() {
            prop_assert_eq!(role.as_arn().to_string(), text.clone());
            prop_assert!(text.parse::<Arn>().is_ok());
            prop_assert!(RoleArn::is_valid_role_name(role.role_name()));
            prop_assert!(RoleArn::is_valid_path(role.path()));
        }
        if let Ok(arn) = text.parse::<Arn>() {
            prop_assert!(text.parse::<ResourcePattern>().is_ok(), "a concrete ARN is a resource pattern");
            prop_assert!(arn.account().is_empty() || arn.account() == "aws" || AccountId::is_valid(arn.account()));
        }
        // Unknown operators are kept as written; known ones are recognised exactly.
        let operator: ConditionOperator = text.parse().expect("operators always parse");
        if operator.kind().is_none() {
            prop_assert_eq!(operator, ConditionOperator::Unknown(text.clone()));
        }
    }

    #[test]
    fn identifier_json_strings_round_trip(text in identifier_text()) {
        let json = Value::String(text.clone());
        if let Ok(arn) = serde_json::from_value::<Arn>(json.clone()) {
            prop_assert_eq!(serde_json::to_value(&arn).expect("serializes"), json.clone());
        }
        if let Ok(role) = serde_json::from_value::<RoleArn>(json.clone()) {
            prop_assert_eq!(serde_json::to_value(&role).expect("serializes"), json.clone());
        }
        if let Ok(pattern) = serde_json::from_value::<ResourcePattern>(json.clone()) {
            prop_assert_eq!(serde_json::to_value(&pattern).expect("serializes"), json.clone());
        }
        // The serde form accepts exactly what FromStr accepts.
        prop_assert_eq!(serde_json::from_value::<ActionPattern>(json.clone()).is_ok(), text.parse::<ActionPattern>().is_ok());
        prop_assert_eq!(serde_json::from_value::<AccountId>(json).is_ok(), text.parse::<AccountId>().is_ok());
    }
}
