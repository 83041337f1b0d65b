//! The documented examples of the IAM User Guide, evaluated.
//!
//! Each test follows a page of the guide ("Policy evaluation logic", "IAM JSON policy
//! elements: Action / NotAction / Resource / NotResource / Principal / NotPrincipal /
//! Condition operators", "Variables and tags", "Multivalued context keys") with policies and
//! requests written after its examples. Every request is evaluated by the interpreter and by
//! `CompiledPolicy`, and both must give the same `Evaluation`.

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
    CompiledPolicy, ContextValue, Decision, Effect, Evaluation, PolicyDocument, Request,
    RequestPrincipal,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn policy(json: &str) -> PolicyDocument {
    json.parse()
        .unwrap_or_else(|e| panic!("test policy does not parse: {e}\n{json}"))
}

/// Evaluates with both evaluators and checks that they agree.
#[track_caller]
fn eval(doc: &PolicyDocument, request: &Request) -> Evaluation {
    let interpreted = doc.evaluate(request);
    let compiled = CompiledPolicy::new(doc);
    assert_eq!(
        compiled.evaluate(request),
        interpreted,
        "CompiledPolicy::evaluate disagrees with PolicyDocument::evaluate for {request:?}"
    );
    assert_eq!(
        compiled.decide(request),
        interpreted.decision,
        "CompiledPolicy::decide disagrees for {request:?}"
    );
    interpreted
}

#[track_caller]
fn expect(
    doc: &PolicyDocument,
    request: &Request,
    decision: Decision,
    sid: Option<&str>,
) -> Evaluation {
    let outcome = eval(doc, request);
    assert_eq!(
        outcome.decision, decision,
        "decision for {request:?}: {outcome:#?}"
    );
    assert_eq!(
        outcome.deciding_sid(),
        sid,
        "deciding statement for {request:?}: {outcome:#?}"
    );
    outcome
}

#[track_caller]
fn allowed(doc: &PolicyDocument, request: &Request, sid: &str) -> Evaluation {
    let outcome = expect(doc, request, Decision::Allow, Some(sid));
    assert!(outcome.unevaluable.is_empty(), "{outcome:#?}");
    outcome
}

#[track_caller]
fn denied(doc: &PolicyDocument, request: &Request, sid: &str) -> Evaluation {
    expect(doc, request, Decision::ExplicitDeny, Some(sid))
}

#[track_caller]
fn implicit(doc: &PolicyDocument, request: &Request) -> Evaluation {
    expect(doc, request, Decision::ImplicitDeny, None)
}

fn aws(arn: &str) -> RequestPrincipal {
    RequestPrincipal::Aws(arn.parse().expect("test ARN"))
}

fn req(action: &str, resource: &str) -> Request {
    Request::new(action, resource)
}

// ---------------------------------------------------------------------------------------------
// Policy evaluation logic
// ---------------------------------------------------------------------------------------------

#[test]
fn explicit_deny_overrides_any_allow() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::logs/*"},
            {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::logs/secret/*"},
            {"Sid": "AlsoRead", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        ]}"#,
    );
    let read = allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::logs/2026/11/22.gz"),
        "Read",
    );
    // Every applicable statement is reported, the first Allow decides.
    let indices: Vec<usize> = read.matched.iter().map(|m| m.index).collect();
    assert_eq!(indices, [0, 2]);

    let secret = denied(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::logs/secret/key"),
        "NoSecrets",
    );
    assert_eq!(
        secret.matched.len(),
        3,
        "the Allows still applied: {secret:#?}"
    );
    assert_eq!(
        secret.deciding_statement().map(|m| m.effect),
        Some(Effect::Deny)
    );

    // The Deny wins wherever it is written.
    let deny_first = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::logs/secret/*"},
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::logs/*"}
        ]}"#,
    );
    denied(
        &deny_first,
        &req("s3:GetObject", "arn:aws:s3:::logs/secret/key"),
        "NoSecrets",
    );

    // Nothing applies: the default is an implicit deny.
    let none = implicit(&doc, &req("s3:PutObject", "arn:aws:s3:::logs/x"));
    assert!(none.matched.is_empty());
}

#[test]
fn a_policy_without_statements_denies_implicitly() {
    let doc = policy(r#"{"Version": "2012-10-17", "Statement": []}"#);
    implicit(&doc, &req("s3:GetObject", "arn:aws:s3:::b/k"));
}

#[test]
fn single_statement_object_reports_its_sid() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement":
            {"Sid": "Only", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}}"#,
    );
    let outcome = allowed(&doc, &req("s3:ListBucket", "arn:aws:s3:::b"), "Only");
    assert_eq!(outcome.matched[0].index, 0);
}

// ---------------------------------------------------------------------------------------------
// Action and NotAction
// ---------------------------------------------------------------------------------------------

#[test]
fn actions_match_case_insensitively_with_wildcards() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Keys", "Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "*"},
            {"Sid": "Upper", "Effect": "Allow", "Action": "S3:GETOBJECT", "Resource": "*"},
            {"Sid": "OneChar", "Effect": "Allow", "Action": "s3:Put?bject", "Resource": "*"}
        ]}"#,
    );
    allowed(&doc, &req("iam:CreateAccessKey", "*"), "Keys");
    allowed(&doc, &req("iam:ListAccessKeys", "*"), "Keys");
    allowed(&doc, &req("IAM:updateaccesskey", "*"), "Keys");
    implicit(&doc, &req("iam:CreateUser", "*"));
    allowed(&doc, &req("s3:GetObject", "*"), "Upper");
    allowed(&doc, &req("s3:getobject", "*"), "Upper");
    implicit(&doc, &req("s3:GetObjectAcl", "*"));
    allowed(&doc, &req("s3:PutObject", "*"), "OneChar");
    implicit(&doc, &req("s3:Putbject", "*"));
    implicit(&doc, &req("s3:PutObjectAcl", "*"));
    // The service prefix is part of the match.
    implicit(&doc, &req("s3x:GetObject", "*"));
}

#[test]
fn star_action_matches_every_action() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    );
    allowed(&doc, &req("ec2:RunInstances", "*"), "All");
    allowed(
        &doc,
        &req("sts:AssumeRole", "arn:aws:iam::123456789012:role/x"),
        "All",
    );
}

#[test]
fn not_action_allow_grants_everything_except_the_listed_actions() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllButIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#,
    );
    allowed(&doc, &req("s3:ListAllMyBuckets", "*"), "AllButIam");
    allowed(&doc, &req("ec2:DescribeInstances", "*"), "AllButIam");
    implicit(&doc, &req("iam:CreateUser", "*"));
    // The exclusion is case-insensitive like every action match.
    implicit(&doc, &req("IAM:CreateUser", "*"));
}

#[test]
fn not_action_deny_with_mfa_condition() {
    // After "DenyAllUsersNotUsingMFA": deny everything but IAM unless MFA was used.
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "DenyAllUsersNotUsingMFA", "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]}"#,
    );
    let s3 = req("s3:GetObject", "arn:aws:s3:::b/k");
    denied(
        &doc,
        &s3.clone()
            .with_context("aws:MultiFactorAuthPresent", "false"),
        "DenyAllUsersNotUsingMFA",
    );
    // Long-term credentials carry no MFA key at all: IfExists makes the condition true.
    denied(&doc, &s3, "DenyAllUsersNotUsingMFA");
    allowed(
        &doc,
        &s3.clone().with_context("aws:MultiFactorAuthPresent", true),
        "AllowAll",
    );
    // NotAction leaves IAM actions out of the Deny.
    allowed(
        &doc,
        &req("iam:ChangePassword", "*").with_context("aws:MultiFactorAuthPresent", "false"),
        "AllowAll",
    );
}

// ---------------------------------------------------------------------------------------------
// Resource and NotResource
// ---------------------------------------------------------------------------------------------

#[test]
fn resource_star_at_the_end_of_a_segment_crosses_colons() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Bucket", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"},
            {"Sid": "Accounting", "Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::123456789012:user/accounting/*"},
            {"Sid": "AnyAccountQueue", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-2:*:queue1"}
        ]}"#,
    );
    allowed(
        &doc,
        &req(
            "s3:GetObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/folder/file.txt",
        ),
        "Bucket",
    );
    // The trailing `*` is the last character of its segment: it may cover colons.
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a:b:c"),
        "Bucket",
    );
    implicit(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket"),
    );
    implicit(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::other-bucket/folder/file.txt"),
    );

    allowed(
        &doc,
        &req(
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/accounting/bob",
        ),
        "Accounting",
    );
    allowed(
        &doc,
        &req(
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/accounting/eng/alice",
        ),
        "Accounting",
    );
    implicit(
        &doc,
        &req(
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/marketing/bob",
        ),
    );
    implicit(
        &doc,
        &req(
            "iam:GetUser",
            "arn:aws:iam::210987654321:user/accounting/bob",
        ),
    );

    // A `*` that is a whole segment is also the last character of that segment.
    allowed(
        &doc,
        &req(
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:123456789012:queue1",
        ),
        "AnyAccountQueue",
    );
    implicit(
        &doc,
        &req(
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:123456789012:queue1",
        ),
    );
}

#[test]
fn resource_star_inside_a_segment_stays_in_the_segment() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Regions", "Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "arn:aws:ec2:us-*-1:123456789012:instance/*"},
            {"Sid": "Archives", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs*-archive/*"},
            {"Sid": "OneChar", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket-?/*"}
        ]}"#,
    );
    allowed(
        &doc,
        &req(
            "ec2:StartInstances",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
        ),
        "Regions",
    );
    allowed(
        &doc,
        &req(
            "ec2:StartInstances",
            "arn:aws:ec2:us-west-1:123456789012:instance/i-1",
        ),
        "Regions",
    );
    implicit(
        &doc,
        &req(
            "ec2:StartInstances",
            "arn:aws:ec2:us-east-2:123456789012:instance/i-1",
        ),
    );
    // Followed by `-`, the region's `*` may not swallow a colon.
    implicit(
        &doc,
        &req(
            "ec2:StartInstances",
            "arn:aws:ec2:us-east:x-1:123456789012:instance/i-1",
        ),
    );

    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::logs-2026-archive/k"),
        "Archives",
    );
    implicit(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::logs:2026-archive/k"),
    );

    allowed(
        &doc,
        &req("s3:PutObject", "arn:aws:s3:::bucket-1/k"),
        "OneChar",
    );
    implicit(&doc, &req("s3:PutObject", "arn:aws:s3:::bucket-12/k"));
    implicit(&doc, &req("s3:PutObject", "arn:aws:s3:::bucket-/k"));
}

#[test]
fn resource_names_are_case_sensitive() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Bob", "Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::123456789012:user/Bob"}]}"#,
    );
    allowed(
        &doc,
        &req("iam:GetUser", "arn:aws:iam::123456789012:user/Bob"),
        "Bob",
    );
    implicit(
        &doc,
        &req("iam:GetUser", "arn:aws:iam::123456789012:user/bob"),
    );
}

#[test]
fn not_resource_deny_protects_everything_but_the_listed_resources() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "OnlyPayroll", "Effect": "Deny", "Action": "s3:*",
             "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}
        ]}"#,
    );
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/jan.csv"),
        "AllowS3",
    );
    allowed(
        &doc,
        &req("s3:ListBucket", "arn:aws:s3:::HRBucket/Payroll"),
        "AllowS3",
    );
    denied(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::HRBucket/Other/x"),
        "OnlyPayroll",
    );
    denied(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::HRBucket/PayrollArchive"),
        "OnlyPayroll",
    );
    // Other services are outside both statements.
    implicit(
        &doc,
        &req("ec2:RunInstances", "arn:aws:s3:::HRBucket/Other/x"),
    );
}

#[test]
fn not_resource_allow_grants_all_but_the_listed_resources() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "NotSecret", "Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}]}"#,
    );
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::public/x"),
        "NotSecret",
    );
    implicit(&doc, &req("s3:GetObject", "arn:aws:s3:::secret/x"));
}

// ---------------------------------------------------------------------------------------------
// Condition operators: string
// ---------------------------------------------------------------------------------------------

#[test]
fn string_equals_on_a_principal_tag() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AdminsOnly", "Effect": "Allow", "Action": "iam:*AccessKey*",
             "Resource": "arn:aws:iam::123456789012:user/*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}}]}"#,
    );
    let base = req("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob");
    allowed(
        &doc,
        &base
            .clone()
            .with_context("aws:PrincipalTag/job-category", "iamuser-admin"),
        "AdminsOnly",
    );
    // Values are case-sensitive...
    implicit(
        &doc,
        &base
            .clone()
            .with_context("aws:PrincipalTag/job-category", "IAMUSER-ADMIN"),
    );
    // ...key names are not.
    allowed(
        &doc,
        &base
            .clone()
            .with_context("AWS:PRINCIPALTAG/JOB-CATEGORY", "iamuser-admin"),
        "AdminsOnly",
    );
    // A user without the tag: the key is absent, the condition false.
    implicit(&doc, &base);
}

#[test]
fn string_case_insensitive_and_negated_operators() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "IgnoreCase", "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
             "Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalTag/job-category": "IAMUser-Admin"}}},
            {"Sid": "NotProduction", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:ResourceTag/environment": "production"}}},
            {"Sid": "NotProdAnyCase", "Effect": "Allow", "Action": "ec2:DeleteTags", "Resource": "*",
             "Condition": {"StringNotEqualsIgnoreCase": {"aws:ResourceTag/environment": ["production", "prod"]}}}
        ]}"#,
    );
    allowed(
        &doc,
        &req("iam:GetUser", "*").with_context("aws:PrincipalTag/job-category", "iamuser-ADMIN"),
        "IgnoreCase",
    );
    implicit(
        &doc,
        &req("iam:GetUser", "*").with_context("aws:PrincipalTag/job-category", "iamuser"),
    );

    let tag =
        |action: &str, v: &str| req(action, "*").with_context("aws:ResourceTag/environment", v);
    allowed(&doc, &tag("ec2:CreateTags", "dev"), "NotProduction");
    implicit(&doc, &tag("ec2:CreateTags", "production"));
    allowed(&doc, &tag("ec2:CreateTags", "Production"), "NotProduction");
    // Negated operators are true when the key is absent.
    allowed(&doc, &req("ec2:CreateTags", "*"), "NotProduction");

    // Several values of a negated operator: none may match.
    implicit(&doc, &tag("ec2:DeleteTags", "PROD"));
    implicit(&doc, &tag("ec2:DeleteTags", "Production"));
    allowed(&doc, &tag("ec2:DeleteTags", "staging"), "NotProdAnyCase");
}

#[test]
fn string_like_and_its_if_exists_form() {
    // "THISPOLICYDOESNOTWORK": resources of RunInstances without the key fail the condition.
    let strict = policy(
        r#"{"Version": "2012-10-17", "Statement": {
            "Sid": "THISPOLICYDOESNOTWORK", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
            "Condition": {"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}}}"#,
    );
    let image = req("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1");
    let instance = |t: &str| {
        req(
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:123456789012:instance/*",
        )
        .with_context("ec2:InstanceType", t)
    };
    implicit(&strict, &image);
    allowed(&strict, &instance("t2.micro"), "THISPOLICYDOESNOTWORK");

    let fixed = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "RunInstance", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
             "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}},
            {"Sid": "DescribeActions", "Effect": "Allow", "Resource": "*",
             "Action": ["ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeVpcs"]}
        ]}"#,
    );
    allowed(&fixed, &image, "RunInstance");
    allowed(&fixed, &instance("t1.micro"), "RunInstance");
    allowed(&fixed, &instance("m3.large"), "RunInstance");
    implicit(&fixed, &instance("m5.large"));
    // `.` is a literal in StringLike, not a regex wildcard.
    implicit(&fixed, &instance("t2xmicro"));
    allowed(&fixed, &req("ec2:DescribeVpcs", "*"), "DescribeActions");
}

#[test]
fn deny_with_negated_if_exists_operator_still_denies_when_the_key_is_missing() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "DenyOtherTeams", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/team": "blue"}}}
        ]}"#,
    );
    let r = req(
        "ec2:StopInstances",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    );
    denied(&doc, &r, "DenyOtherTeams");
    denied(
        &doc,
        &r.clone().with_context("aws:ResourceTag/team", "red"),
        "DenyOtherTeams",
    );
    allowed(
        &doc,
        &r.clone().with_context("aws:ResourceTag/team", "blue"),
        "AllowAll",
    );
}

#[test]
fn string_not_like_with_wildcards() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "OnlyHome", "Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*",
             "Condition": {"StringNotLike": {"s3:prefix": ["home/*", "shared/??/*"]}}}
        ]}"#,
    );
    let list =
        |prefix: &str| req("s3:ListBucket", "arn:aws:s3:::b").with_context("s3:prefix", prefix);
    allowed(&doc, &list("home/bob/"), "AllowAll");
    allowed(&doc, &list("shared/eu/x"), "AllowAll");
    denied(&doc, &list("shared/emea/x"), "OnlyHome");
    denied(&doc, &list("Home/bob/"), "OnlyHome");
    // Absent key and a negated operator: the Deny applies.
    denied(&doc, &req("s3:ListBucket", "arn:aws:s3:::b"), "OnlyHome");
}

// ---------------------------------------------------------------------------------------------
// Numeric, date, Boolean, binary
// ---------------------------------------------------------------------------------------------

#[test]
fn numeric_less_than_equals_on_max_keys() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "UpTo10", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket",
             "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}}]}"#,
    );
    let list = |n: &str| {
        req("s3:ListBucket", "arn:aws:s3:::example_bucket").with_context("s3:max-keys", n)
    };
    allowed(&doc, &list("10"), "UpTo10");
    allowed(&doc, &list("9.5"), "UpTo10");
    allowed(&doc, &list("-3"), "UpTo10");
    implicit(&doc, &list("11"));
    implicit(&doc, &list("10.01"));
    // A request value that is not a number matches nothing.
    implicit(&doc, &list("ten"));
    implicit(&doc, &req("s3:ListBucket", "arn:aws:s3:::example_bucket"));
}

#[test]
fn every_numeric_operator() {
    // (operator, policy value, request value, condition holds)
    let cases = [
        ("NumericEquals", "10", "10", true),
        ("NumericEquals", "10", "10.0", true),
        ("NumericEquals", "10", "11", false),
        ("NumericNotEquals", "10", "11", true),
        ("NumericNotEquals", "10", "10", false),
        ("NumericLessThan", "10", "9", true),
        ("NumericLessThan", "10", "10", false),
        ("NumericLessThanEquals", "10", "10", true),
        ("NumericGreaterThan", "10", "11", true),
        ("NumericGreaterThan", "10", "10", false),
        ("NumericGreaterThanEquals", "10", "10", true),
        ("NumericGreaterThanEquals", "10", "9.99", false),
    ];
    for (operator, policy_value, request_value, holds) in cases {
        let doc = policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "S", "Effect": "Allow", "Action": "s3:ListBucket",
                "Resource": "*", "Condition": {{"{operator}": {{"s3:max-keys": "{policy_value}"}}}}}}]}}"#
        ));
        let r = req("s3:ListBucket", "arn:aws:s3:::b").with_context("s3:max-keys", request_value);
        let outcome = eval(&doc, &r);
        assert_eq!(
            outcome.decision == Decision::Allow,
            holds,
            "{operator} {policy_value} vs {request_value}: {outcome:?}"
        );
    }
    // A JSON number in the policy is compared as the number it is.
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:ListBucket",
            "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 10}}}]}"#,
    );
    allowed(
        &doc,
        &req("s3:ListBucket", "*").with_context("s3:max-keys", "9"),
        "S",
    );
    implicit(
        &doc,
        &req("s3:ListBucket", "*").with_context("s3:max-keys", "10"),
    );
    // Negated numeric operator with the key absent: true.
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:ListBucket",
            "Resource": "*", "Condition": {"NumericNotEquals": {"s3:max-keys": 10}}}]}"#,
    );
    allowed(&doc, &req("s3:ListBucket", "*"), "S");
}

#[test]
fn date_greater_than_on_token_issue_time() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": {
            "Sid": "FreshCredentials", "Effect": "Allow", "Action": "iam:*AccessKey*",
            "Resource": "arn:aws:iam::123456789012:user/*",
            "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}}}"#,
    );
    let at = |t: &str| {
        req("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob")
            .with_context("aws:TokenIssueTime", t)
    };
    allowed(&doc, &at("2020-06-01T00:00:00Z"), "FreshCredentials");
    allowed(&doc, &at("2020-01-01T00:00:02Z"), "FreshCredentials");
    implicit(&doc, &at("2020-01-01T00:00:01Z"));
    implicit(&doc, &at("2019-12-31T23:59:59Z"));
    // Other ISO 8601 forms and epoch seconds denote the same instants.
    allowed(&doc, &at("2020-01-01T02:00:02+02:00"), "FreshCredentials");
    implicit(&doc, &at("2020-01-01T02:00:00+02:00"));
    allowed(&doc, &at("1600000000"), "FreshCredentials");
    implicit(&doc, &at("1500000000"));
    // Long-term access keys carry no token issue time: the request is denied.
    implicit(
        &doc,
        &req("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob"),
    );
}

#[test]
fn date_operators_accept_epoch_policy_values() {
    // 1700000000 is 2023-11-14T22:13:20Z.
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Before", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"DateLessThan": {"aws:CurrentTime": "1700000000"}}},
            {"Sid": "Exactly", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"DateEquals": {"aws:CurrentTime": 1700000000}}},
            {"Sid": "NotThen", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*",
             "Condition": {"DateNotEquals": {"aws:CurrentTime": "2023-11-14T22:13:20Z"}}}
        ]}"#,
    );
    let now = |action: &str, t: &str| req(action, "*").with_context("aws:CurrentTime", t);
    allowed(&doc, &now("s3:GetObject", "2023-11-14T22:13:19Z"), "Before");
    implicit(&doc, &now("s3:GetObject", "2023-11-14T22:13:20Z"));
    allowed(
        &doc,
        &now("s3:PutObject", "2023-11-14T22:13:20Z"),
        "Exactly",
    );
    allowed(
        &doc,
        &now("s3:PutObject", "2023-11-14T23:13:20+01:00"),
        "Exactly",
    );
    implicit(&doc, &now("s3:PutObject", "2023-11-14T22:13:21Z"));
    implicit(&doc, &now("s3:DeleteObject", "1700000000"));
    allowed(&doc, &now("s3:DeleteObject", "1700000001"), "NotThen");
    // An unparseable request date matches nothing.
    implicit(&doc, &now("s3:GetObject", "yesterday"));
}

#[test]
fn date_operators_accept_every_w3c_iso_8601_precision() {
    // W3C's profile of ISO 8601: YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD,
    // YYYY-MM-DDThh:mm:ssTZD and YYYY-MM-DDThh:mm:ss.sTZD.
    let after = |value: &str| {
        policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "After", "Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "*", "Condition": {{"DateGreaterThanEquals": {{"aws:CurrentTime": "{value}"}}}}}}]}}"#
        ))
    };
    let now = |t: &str| req("s3:GetObject", "*").with_context("aws:CurrentTime", t);
    for value in [
        "2026-07",
        "2026-07-01",
        "2026-07-01T00:00Z",
        "2026-07-01T00:00:00Z",
        "2026-07-01T02:00:00.000+02:00",
    ] {
        let doc = after(value);
        allowed(&doc, &now("2026-07-01T00:00:00Z"), "After");
        allowed(&doc, &now("2026-08-15T12:00:00Z"), "After");
        implicit(&doc, &now("2026-06-30T23:59:59.999Z"));
    }
}

#[test]
fn bool_deny_without_secure_transport() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowBucket", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "BooleanExample", "Action": "s3:*", "Effect": "Deny",
             "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]}"#,
    );
    let get = req("s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k");
    denied(
        &doc,
        &get.clone().with_context("aws:SecureTransport", false),
        "BooleanExample",
    );
    allowed(
        &doc,
        &get.clone().with_context("aws:SecureTransport", true),
        "AllowBucket",
    );
    // Bool is not negated: an absent key makes it false, so the Deny does not apply.
    allowed(&doc, &get, "AllowBucket");
    // The Deny covers only the listed bucket.
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::other/k").with_context("aws:SecureTransport", false),
        "AllowBucket",
    );

    let json_bool = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Secure", "Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": true}}}]}"#,
    );
    allowed(
        &json_bool,
        &req("s3:GetObject", "*").with_context("aws:SecureTransport", "true"),
        "Secure",
    );
    implicit(
        &json_bool,
        &req("s3:GetObject", "*").with_context("aws:SecureTransport", "false"),
    );
    implicit(
        &json_bool,
        &req("s3:GetObject", "*").with_context("aws:SecureTransport", "yes"),
    );
}

#[test]
fn binary_equals_compares_the_base64_text() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Binary", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}}]}"#,
    );
    allowed(
        &doc,
        &req("s3:GetObject", "*").with_context("key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
        "Binary",
    );
    implicit(
        &doc,
        &req("s3:GetObject", "*").with_context("key", "QmluYXJ5VmFsdWVJbkJhc2U2NB=="),
    );
    implicit(&doc, &req("s3:GetObject", "*"));
}

// ---------------------------------------------------------------------------------------------
// IP address and ARN operators
// ---------------------------------------------------------------------------------------------

#[test]
fn ip_address_with_ipv4_and_ipv6_ranges() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": {
            "Sid": "OrgRanges", "Effect": "Allow", "Action": "someservice:*", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}}}"#,
    );
    let from = |ip: &str| req("someservice:DoThing", "*").with_context("aws:SourceIp", ip);
    allowed(&doc, &from("203.0.113.0"), "OrgRanges");
    allowed(&doc, &from("203.0.113.255"), "OrgRanges");
    implicit(&doc, &from("203.0.114.1"));
    allowed(&doc, &from("2001:db8:1234:5678::1"), "OrgRanges");
    allowed(
        &doc,
        &from("2001:DB8:1234:5678:ffff:ffff:ffff:ffff"),
        "OrgRanges",
    );
    implicit(&doc, &from("2001:db8:1234:5679::1"));
    implicit(&doc, &from("not-an-ip"));
    // Through a VPC endpoint there is no aws:SourceIp: the condition is false.
    implicit(&doc, &req("someservice:DoThing", "*"));
}

#[test]
fn ip_address_without_prefix_is_a_single_address() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "One", "Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.5"}}}]}"#,
    );
    allowed(
        &doc,
        &req("s3:GetObject", "*").with_context("aws:SourceIp", "203.0.113.5"),
        "One",
    );
    implicit(
        &doc,
        &req("s3:GetObject", "*").with_context("aws:SourceIp", "203.0.113.6"),
    );
}

#[test]
fn not_ip_address_deny_outside_the_corporate_ranges() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "DenyOutside", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}}
        ]}"#,
    );
    let from = |ip: &str| req("ec2:RunInstances", "*").with_context("aws:SourceIp", ip);
    allowed(&doc, &from("192.0.2.10"), "AllowAll");
    allowed(&doc, &from("203.0.113.200"), "AllowAll");
    denied(&doc, &from("198.51.100.1"), "DenyOutside");
    // Negated operator and no key: the Deny applies.
    denied(&doc, &req("ec2:RunInstances", "*"), "DenyOutside");
}

#[test]
fn arn_like_checks_each_component_while_string_like_does_not() {
    let value =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    let with_operator = |operator: &str| {
        policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Finance", "Effect": "Allow",
                "Action": "someservice:Read", "Resource": "*",
                "Condition": {{"{operator}": {{"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}}}}}}]}}"#
        ))
    };
    let r = req("someservice:Read", "*").with_context("aws:SourceArn", value);
    // StringLike: the first `*` swallows "us-east-2:999999999999:store/abc:".
    allowed(&with_operator("StringLike"), &r, "Finance");
    // ArnLike: the `*` covers only the region, and the account differs.
    implicit(&with_operator("ArnLike"), &r);
    implicit(&with_operator("ArnEquals"), &r);
    allowed(&with_operator("ArnNotLike"), &r, "Finance");
    let matching = req("someservice:Read", "*").with_context(
        "aws:SourceArn",
        "arn:aws:someservice:eu-west-1:111122223333:finance/q3/report.txt",
    );
    allowed(&with_operator("ArnLike"), &matching, "Finance");
    implicit(&with_operator("ArnNotEquals"), &matching);
    // Not an ARN: ArnLike cannot match it.
    implicit(
        &with_operator("ArnLike"),
        &req("someservice:Read", "*").with_context("aws:SourceArn", "finance/x"),
    );
}

#[test]
fn arn_equals_in_an_sqs_queue_policy() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": {
            "Sid": "SnsToQueue", "Effect": "Allow", "Principal": {"AWS": "123456789012"},
            "Action": "SQS:SendMessage", "Resource": "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID",
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}}}"#,
    );
    let send = |principal: &str| {
        req(
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID",
        )
        .with_principal(aws(principal))
    };
    let user = "arn:aws:iam::123456789012:user/app";
    allowed(
        &doc,
        &send(user).with_context(
            "aws:SourceArn",
            "arn:aws:sns:us-east-2:123456789012:TOPIC-ID",
        ),
        "SnsToQueue",
    );
    implicit(
        &doc,
        &send(user).with_context("aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:OTHER"),
    );
    // A user calling directly has no aws:SourceArn.
    implicit(&doc, &send(user));
    implicit(
        &doc,
        &send("arn:aws:iam::210987654321:user/app").with_context(
            "aws:SourceArn",
            "arn:aws:sns:us-east-2:123456789012:TOPIC-ID",
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Null and set operators
// ---------------------------------------------------------------------------------------------

#[test]
fn null_checks_whether_a_key_is_present() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "NoTempCreds", "Effect": "Allow", "Action": "ec2:*", "Resource": "*",
             "Condition": {"Null": {"aws:TokenIssueTime": "true"}}},
            {"Sid": "TaggedOnly", "Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"Null": {"aws:ResourceTag/owner": false}}}
        ]}"#,
    );
    allowed(&doc, &req("ec2:DescribeInstances", "*"), "NoTempCreds");
    implicit(
        &doc,
        &req("ec2:DescribeInstances", "*")
            .with_context("aws:TokenIssueTime", "2026-01-01T00:00:00Z"),
    );
    allowed(
        &doc,
        &req("s3:GetObject", "*").with_context("aws:ResourceTag/owner", "bob"),
        "TaggedOnly",
    );
    implicit(&doc, &req("s3:GetObject", "*"));
    // An empty multivalued key counts as absent.
    implicit(
        &doc,
        &req("s3:GetObject", "*")
            .with_context("aws:ResourceTag/owner", ContextValue::Multi(vec![])),
    );
}

#[test]
fn for_all_values_and_for_any_value_with_dynamodb_attributes() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadSomeAttributes", "Effect": "Allow", "Action": "dynamodb:GetItem",
             "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Thread",
             "Condition": {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}}},
            {"Sid": "WriteAll", "Effect": "Allow", "Action": "dynamodb:PutItem",
             "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Thread"},
            {"Sid": "ProtectKeys", "Effect": "Deny", "Action": "dynamodb:PutItem",
             "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Thread",
             "Condition": {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}}
        ]}"#,
    );
    let table = "arn:aws:dynamodb:us-east-1:123456789012:table/Thread";
    let get = |attrs: Vec<&str>| {
        req("dynamodb:GetItem", table).with_context("dynamodb:requestedAttributes", attrs)
    };
    let put = |attrs: Vec<&str>| {
        req("dynamodb:PutItem", table).with_context("dynamodb:requestedAttributes", attrs)
    };

    allowed(
        &doc,
        &get(vec!["PostDateTime", "Message"]),
        "ReadSomeAttributes",
    );
    // Every requested attribute must be listed.
    implicit(&doc, &get(vec!["PostDateTime", "UserName"]));
    // ForAllValues is true for an absent or empty key.
    allowed(&doc, &req("dynamodb:GetItem", table), "ReadSomeAttributes");
    allowed(&doc, &get(vec![]), "ReadSomeAttributes");

    // ForAnyValue: one listed attribute is enough.
    denied(&doc, &put(vec!["PostDateTime", "Message"]), "ProtectKeys");
    denied(
        &doc,
        &put(vec!["UserName", "Message", "PostDateTime"]),
        "ProtectKeys",
    );
    allowed(&doc, &put(vec!["UserName"]), "WriteAll");
    // ForAnyValue is false for an absent or empty key.
    allowed(&doc, &req("dynamodb:PutItem", table), "WriteAll");
    allowed(&doc, &put(vec![]), "WriteAll");
}

#[test]
fn tag_keys_with_for_all_values_string_not_like() {
    // "DenyRestrictedTags": every tag key of the request must start with key1.
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowIam", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Sid": "DenyRestrictedTags", "Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
             "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}}
        ]}"#,
    );
    let tag = |keys: Vec<&str>| req("iam:TagUser", "*").with_context("aws:TagKeys", keys);
    allowed(&doc, &tag(vec!["key1-legal"]), "AllowIam");
    allowed(&doc, &tag(vec!["key1a", "key2"]), "AllowIam");
    denied(&doc, &tag(vec!["key2", "key3"]), "DenyRestrictedTags");
    // No tag keys at all: ForAllValues is vacuously true and the Deny applies.
    denied(&doc, &req("iam:TagUser", "*"), "DenyRestrictedTags");
    allowed(&doc, &req("iam:GetUser", "*"), "AllowIam");
}

#[test]
fn an_empty_string_is_an_empty_data_set_for_set_operators() {
    // "If the key values in the request resolve to an empty data set (for example, an empty
    // string), a condition operator modified by ForAllValues returns true, and a condition
    // operator modified by ForAnyValue returns false."
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "OnlyKey1", "Effect": "Allow", "Action": "iam:TagUser", "Resource": "*",
             "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": "key1*"}}},
            {"Sid": "AnyTag", "Effect": "Allow", "Action": "iam:TagRole", "Resource": "*",
             "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": "*"}}},
            {"Sid": "AnyOtherTag", "Effect": "Allow", "Action": "iam:TagPolicy", "Resource": "*",
             "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": "key1"}}},
            {"Sid": "Empty", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
             "Condition": {"StringEquals": {"s3:prefix": ""}}}
        ]}"#,
    );
    for empty in [
        ContextValue::from(""),
        ContextValue::from(vec![""]),
        ContextValue::from(vec!["", ""]),
    ] {
        let with = |action: &str| req(action, "*").with_context("aws:TagKeys", empty.clone());
        allowed(&doc, &with("iam:TagUser"), "OnlyKey1");
        implicit(&doc, &with("iam:TagRole"));
        implicit(&doc, &with("iam:TagPolicy"));
    }
    // A real value next to the empty one is a non-empty set.
    let mixed = |action: &str| req(action, "*").with_context("aws:TagKeys", vec!["", "other"]);
    implicit(&doc, &mixed("iam:TagUser"));
    allowed(&doc, &mixed("iam:TagRole"), "AnyTag");
    allowed(&doc, &mixed("iam:TagPolicy"), "AnyOtherTag");
    // Without a set operator, the empty string is an ordinary value.
    allowed(
        &doc,
        &req("s3:ListBucket", "*").with_context("s3:prefix", ""),
        "Empty",
    );
}

#[test]
fn tag_keys_for_all_values_guarded_by_null() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowIam", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Sid": "DenyRestrictedTags", "Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
             "Condition": {"Null": {"aws:TagKeys": "false"},
                           "ForAllValues:StringLike": {"aws:TagKeys": ["key1*", "key2*", "key3*"]}}}
        ]}"#,
    );
    let tag = |keys: Vec<&str>| req("iam:TagRole", "*").with_context("aws:TagKeys", keys);
    denied(&doc, &tag(vec!["key1-a", "key2-b"]), "DenyRestrictedTags");
    allowed(&doc, &tag(vec!["key1-a", "other"]), "AllowIam");
    // The Null guard stops the vacuous truth of ForAllValues.
    allowed(&doc, &req("iam:TagRole", "*"), "AllowIam");
    allowed(&doc, &tag(vec![]), "AllowIam");
}

#[test]
fn tag_keys_for_any_value_and_for_all_values_string_equals() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowTagging", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}},
            {"Sid": "AllowSnapshots", "Effect": "Allow", "Action": "ec2:CreateSnapshot", "Resource": "*"},
            {"Sid": "DenyTaggedSnapshots", "Effect": "Deny", "Action": "ec2:CreateSnapshot", "Resource": "*",
             "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "webserver"]}}},
            {"Sid": "NeedsAnOtherKey", "Effect": "Allow", "Action": "ec2:DeleteTags", "Resource": "*",
             "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["environment", "cost-center"]}}}
        ]}"#,
    );
    let with = |action: &str, keys: Vec<&str>| req(action, "*").with_context("aws:TagKeys", keys);
    allowed(
        &doc,
        &with("ec2:CreateTags", vec!["environment"]),
        "AllowTagging",
    );
    allowed(
        &doc,
        &with("ec2:CreateTags", vec!["cost-center", "environment"]),
        "AllowTagging",
    );
    implicit(&doc, &with("ec2:CreateTags", vec!["environment", "dept"]));
    allowed(&doc, &req("ec2:CreateTags", "*"), "AllowTagging");

    denied(
        &doc,
        &with("ec2:CreateSnapshot", vec!["owner", "environment"]),
        "DenyTaggedSnapshots",
    );
    allowed(
        &doc,
        &with("ec2:CreateSnapshot", vec!["owner"]),
        "AllowSnapshots",
    );
    allowed(&doc, &req("ec2:CreateSnapshot", "*"), "AllowSnapshots");

    // ForAnyValue with a negated operator: some request value must match none of the values.
    allowed(
        &doc,
        &with("ec2:DeleteTags", vec!["environment", "dept"]),
        "NeedsAnOtherKey",
    );
    allowed(
        &doc,
        &with("ec2:DeleteTags", vec!["dept"]),
        "NeedsAnOtherKey",
    );
    implicit(&doc, &with("ec2:DeleteTags", vec!["environment"]));
    implicit(
        &doc,
        &with("ec2:DeleteTags", vec!["environment", "cost-center"]),
    );
    implicit(&doc, &req("ec2:DeleteTags", "*"));
}

#[test]
fn several_condition_blocks_and_keys_are_anded() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Both", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
             "Condition": {"StringLike": {"aws:RequestTag/project": "*"},
                           "StringNotEquals": {"aws:ResourceTag/environment": "production", "aws:ResourceTag/tier": "core"}}}]}"#,
    );
    let base = req("ec2:CreateTags", "*");
    allowed(
        &doc,
        &base
            .clone()
            .with_context("aws:RequestTag/project", "apollo"),
        "Both",
    );
    implicit(&doc, &base);
    implicit(
        &doc,
        &base
            .clone()
            .with_context("aws:RequestTag/project", "apollo")
            .with_context("aws:ResourceTag/tier", "core"),
    );
}

// ---------------------------------------------------------------------------------------------
// Principal, trust policies and NotPrincipal
// ---------------------------------------------------------------------------------------------

const TRUSTING_ROLE: &str = "arn:aws:iam::111122223333:role/VendorAccess";

fn assume(principal: RequestPrincipal) -> Request {
    req("sts:AssumeRole", TRUSTING_ROLE).with_principal(principal)
}

#[test]
fn trust_policy_with_an_account_principal_and_external_id() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [{
            "Sid": "VendorAssume", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "b3f1c9-unique"}}}]}"#,
    );
    let session = "arn:aws:sts::999988887777:assumed-role/vendor-app/session-1";
    allowed(
        &doc,
        &assume(aws(session)).with_context("sts:ExternalId", "b3f1c9-unique"),
        "VendorAssume",
    );
    // The account root principal covers every identity of that account.
    allowed(
        &doc,
        &assume(aws("arn:aws:iam::999988887777:user/deployer"))
            .with_context("sts:ExternalId", "b3f1c9-unique"),
        "VendorAssume",
    );
    allowed(
        &doc,
        &assume(aws("arn:aws:iam::999988887777:root"))
            .with_context("sts:ExternalId", "b3f1c9-unique"),
        "VendorAssume",
    );
    // The external id must be present and equal (case-sensitively).
    implicit(&doc, &assume(aws(session)));
    implicit(
        &doc,
        &assume(aws(session)).with_context("sts:ExternalId", "B3F1C9-UNIQUE"),
    );
    implicit(
        &doc,
        &assume(aws(session)).with_context("sts:ExternalId", "other"),
    );
    // Other accounts, partitions and principal kinds are not trusted.
    implicit(
        &doc,
        &assume(aws("arn:aws:sts::444455556666:assumed-role/vendor-app/s"))
            .with_context("sts:ExternalId", "b3f1c9-unique"),
    );
    implicit(
        &doc,
        &assume(aws("arn:aws-cn:iam::999988887777:root"))
            .with_context("sts:ExternalId", "b3f1c9-unique"),
    );
    implicit(
        &doc,
        &assume(RequestPrincipal::Anonymous).with_context("sts:ExternalId", "b3f1c9-unique"),
    );
    implicit(
        &doc,
        &assume(RequestPrincipal::Service("ec2.amazonaws.com".into()))
            .with_context("sts:ExternalId", "b3f1c9-unique"),
    );
    // A statement with a Principal does not apply to a request without one.
    implicit(
        &doc,
        &req("sts:AssumeRole", TRUSTING_ROLE).with_context("sts:ExternalId", "b3f1c9-unique"),
    );
    // Only the listed action.
    implicit(
        &doc,
        &req("sts:TagSession", TRUSTING_ROLE)
            .with_principal(aws(session))
            .with_context("sts:ExternalId", "b3f1c9-unique"),
    );
}

#[test]
fn bare_account_id_principal_is_the_account() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Account", "Effect": "Allow",
            "Principal": {"AWS": "999988887777"}, "Action": "sts:AssumeRole"}]}"#,
    );
    allowed(
        &doc,
        &assume(aws("arn:aws:sts::999988887777:assumed-role/r/s")),
        "Account",
    );
    allowed(
        &doc,
        &assume(aws("arn:aws:iam::999988887777:user/u")),
        "Account",
    );
    implicit(&doc, &assume(aws("arn:aws:iam::999988887778:user/u")));
}

#[test]
fn role_principal_matches_the_sessions_of_that_role() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "VendorRole", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:role/integrations/VendorRole"},
            "Action": "sts:AssumeRole"}]}"#,
    );
    allowed(
        &doc,
        &assume(aws(
            "arn:aws:sts::999988887777:assumed-role/VendorRole/any-session",
        )),
        "VendorRole",
    );
    allowed(
        &doc,
        &assume(aws(
            "arn:aws:iam::999988887777:role/integrations/VendorRole",
        )),
        "VendorRole",
    );
    implicit(
        &doc,
        &assume(aws(
            "arn:aws:sts::999988887777:assumed-role/OtherRole/any-session",
        )),
    );
    implicit(
        &doc,
        &assume(aws(
            "arn:aws:sts::444455556666:assumed-role/VendorRole/any-session",
        )),
    );
    // Naming a role trusts that role only, not its account nor a user of the same name.
    implicit(&doc, &assume(aws("arn:aws:iam::999988887777:root")));
    implicit(
        &doc,
        &assume(aws("arn:aws:iam::999988887777:user/VendorRole")),
    );
}

#[test]
fn service_federated_and_everyone_principals() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Ec2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Sid": "Google", "Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringEquals": {"accounts.google.com:aud": "66677788899900pro0"}}},
            {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/*"},
            {"Sid": "PublicToo", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::public"}
        ]}"#,
    );
    allowed(
        &doc,
        &assume(RequestPrincipal::Service("ec2.amazonaws.com".into())),
        "Ec2",
    );
    implicit(
        &doc,
        &assume(RequestPrincipal::Service("lambda.amazonaws.com".into())),
    );
    implicit(&doc, &assume(aws("arn:aws:iam::999988887777:root")));

    let web = req("sts:AssumeRoleWithWebIdentity", TRUSTING_ROLE)
        .with_principal(RequestPrincipal::Federated("accounts.google.com".into()));
    allowed(
        &doc,
        &web.clone()
            .with_context("accounts.google.com:aud", "66677788899900pro0"),
        "Google",
    );
    implicit(
        &doc,
        &web.clone()
            .with_context("accounts.google.com:aud", "someone-else"),
    );

    // "*" and {"AWS": "*"} both cover anonymous callers.
    let anonymous = req("s3:GetObject", "arn:aws:s3:::public/index.html")
        .with_principal(RequestPrincipal::Anonymous);
    allowed(&doc, &anonymous, "Public");
    allowed(
        &doc,
        &req("s3:ListBucket", "arn:aws:s3:::public").with_principal(RequestPrincipal::Anonymous),
        "PublicToo",
    );
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::public/index.html")
            .with_principal(aws("arn:aws:iam::444455556666:user/x")),
        "Public",
    );
}

#[test]
fn principal_arn_condition_instead_of_not_principal() {
    // "UsePrincipalArnInsteadOfNotPrincipalWithDeny".
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowEveryone", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
            {"Sid": "UsePrincipalArnInsteadOfNotPrincipalWithDeny", "Effect": "Deny", "Action": "s3:*", "Principal": "*",
             "Resource": ["arn:aws:s3:::BUCKETNAME/*", "arn:aws:s3:::BUCKETNAME"],
             "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::444455556666:user/user-name"}}}
        ]}"#,
    );
    let get = |caller: &str| {
        req("s3:GetObject", "arn:aws:s3:::BUCKETNAME/k")
            .with_principal(aws(caller))
            .with_context("aws:PrincipalArn", caller)
    };
    allowed(
        &doc,
        &get("arn:aws:iam::444455556666:user/user-name"),
        "AllowEveryone",
    );
    denied(
        &doc,
        &get("arn:aws:iam::444455556666:user/other"),
        "UsePrincipalArnInsteadOfNotPrincipalWithDeny",
    );
    denied(
        &doc,
        &get("arn:aws:iam::444455556666:user/User-Name"),
        "UsePrincipalArnInsteadOfNotPrincipalWithDeny",
    );
    denied(
        &doc,
        &get("arn:aws:iam::111122223333:user/x"),
        "UsePrincipalArnInsteadOfNotPrincipalWithDeny",
    );
    // Outside the listed bucket the Deny does not apply.
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::OTHER/k")
            .with_principal(aws("arn:aws:iam::111122223333:user/x"))
            .with_context("aws:PrincipalArn", "arn:aws:iam::111122223333:user/x"),
        "AllowEveryone",
    );
}

#[test]
fn not_principal_deny_excludes_a_user_listed_with_its_account() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowEveryone", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]},
            {"Sid": "DenyAllButBob", "Effect": "Deny",
             "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
             "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]}
        ]}"#,
    );
    let get =
        |p: RequestPrincipal| req("s3:GetObject", "arn:aws:s3:::BUCKETNAME/k").with_principal(p);
    allowed(
        &doc,
        &get(aws("arn:aws:iam::444455556666:user/Bob")),
        "AllowEveryone",
    );
    denied(
        &doc,
        &get(aws("arn:aws:iam::444455556666:user/Alice")),
        "DenyAllButBob",
    );
    denied(
        &doc,
        &get(aws("arn:aws:iam::111122223333:user/Bob")),
        "DenyAllButBob",
    );
    denied(&doc, &get(RequestPrincipal::Anonymous), "DenyAllButBob");

    // Listing only Bob's ARN does not exclude Bob: his account is still denied.
    let without_account = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowEveryone", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
            {"Sid": "DenyAllButBob", "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:user/Bob"},
             "Action": "s3:*", "Resource": "*"}
        ]}"#,
    );
    denied(
        &without_account,
        &get(aws("arn:aws:iam::444455556666:user/Bob")),
        "DenyAllButBob",
    );
}

#[test]
fn not_principal_deny_excludes_a_session_listed_with_its_role_and_account() {
    let statement = |listed: &[&str]| {
        let listed: Vec<String> = listed.iter().map(|s| format!("{s:?}")).collect();
        policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [
                {{"Sid": "AllowEveryone", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}},
                {{"Sid": "DenyAllButAudit", "Effect": "Deny", "NotPrincipal": {{"AWS": [{}]}},
                  "Action": "s3:*", "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]}}
            ]}}"#,
            listed.join(", ")
        ))
    };
    let session = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
    let role = "arn:aws:iam::444455556666:role/cross-account-read-only-role";
    let root = "arn:aws:iam::444455556666:root";
    let get = |caller: &str| {
        req("s3:GetObject", "arn:aws:s3:::Bucket_AccountAudit/x").with_principal(aws(caller))
    };

    let full = statement(&[session, role, root]);
    allowed(&full, &get(session), "AllowEveryone");
    // Only the named session is excluded, not every session of the role.
    denied(
        &full,
        &get("arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other-app"),
        "DenyAllButAudit",
    );
    // Missing the role or the account, the policy "might" deny the session: it does here.
    denied(
        &statement(&[session, root]),
        &get(session),
        "DenyAllButAudit",
    );
    denied(
        &statement(&[session, role]),
        &get(session),
        "DenyAllButAudit",
    );
    denied(&statement(&[role, root]), &get(session), "DenyAllButAudit");
}

// ---------------------------------------------------------------------------------------------
// Policy variables
// ---------------------------------------------------------------------------------------------

#[test]
fn home_directory_policy_with_aws_username() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "ListAllBuckets", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
             "Resource": "arn:aws:s3:::*"},
            {"Sid": "ListOwnHome", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::BUCKET-NAME",
             "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}},
            {"Sid": "OwnHome", "Effect": "Allow", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::BUCKET-NAME/home/${aws:username}", "arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*"]}
        ]}"#,
    );
    let as_david = |r: Request| r.with_context("aws:username", "David");
    let list = |prefix: &str| {
        as_david(req("s3:ListBucket", "arn:aws:s3:::BUCKET-NAME").with_context("s3:prefix", prefix))
    };
    allowed(&doc, &list("home/David/"), "ListOwnHome");
    allowed(&doc, &list("home/"), "ListOwnHome");
    allowed(&doc, &list(""), "ListOwnHome");
    implicit(&doc, &list("home/Adele/"));

    allowed(
        &doc,
        &as_david(req(
            "s3:GetObject",
            "arn:aws:s3:::BUCKET-NAME/home/David/notes.txt",
        )),
        "OwnHome",
    );
    allowed(
        &doc,
        &as_david(req(
            "s3:ListBucketVersions",
            "arn:aws:s3:::BUCKET-NAME/home/David",
        )),
        "OwnHome",
    );
    implicit(
        &doc,
        &as_david(req(
            "s3:GetObject",
            "arn:aws:s3:::BUCKET-NAME/home/Adele/notes.txt",
        )),
    );
    // Key names are case-insensitive, also as variables.
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::BUCKET-NAME/home/David/x")
            .with_context("AWS:UserName", "David"),
        "OwnHome",
    );
    // A role session has no aws:username: the variable resolves to nothing and matches nothing.
    implicit(
        &doc,
        &req(
            "s3:GetObject",
            "arn:aws:s3:::BUCKET-NAME/home/David/notes.txt",
        ),
    );
    implicit(
        &doc,
        &req("s3:ListBucket", "arn:aws:s3:::BUCKET-NAME").with_context("s3:prefix", "home/David/"),
    );
    allowed(
        &doc,
        &req("s3:ListAllMyBuckets", "arn:aws:s3:::anything"),
        "ListAllBuckets",
    );
}

#[test]
fn variable_after_an_account_wildcard() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "ListForConsole", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
            {"Sid": "AllQueueActions", "Effect": "Allow", "Action": "sqs:*",
             "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue"}
        ]}"#,
    );
    let bob =
        |action: &str, resource: &str| req(action, resource).with_context("aws:username", "bob");
    allowed(
        &doc,
        &bob(
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:123456789012:bob-queue",
        ),
        "AllQueueActions",
    );
    implicit(
        &doc,
        &bob(
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:123456789012:alice-queue",
        ),
    );
    implicit(
        &doc,
        &bob(
            "sqs:SendMessage",
            "arn:aws:sqs:us-west-2:123456789012:bob-queue",
        ),
    );
    allowed(
        &doc,
        &bob("sqs:ListQueues", "arn:aws:sqs:us-east-2:123456789012:x"),
        "ListForConsole",
    );
}

#[test]
fn variables_with_default_values() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "TeamFolder", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::shared/${aws:PrincipalTag/team, 'company-wide'}/*"},
            {"Sid": "OwnObjects", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/owner": "${aws:userid, 'anonymous'}"}}}
        ]}"#,
    );
    let blue = |r: Request| r.with_context("aws:PrincipalTag/team", "blue");
    allowed(
        &doc,
        &blue(req("s3:GetObject", "arn:aws:s3:::shared/blue/plan.txt")),
        "TeamFolder",
    );
    implicit(
        &doc,
        &blue(req(
            "s3:GetObject",
            "arn:aws:s3:::shared/company-wide/plan.txt",
        )),
    );
    allowed(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::shared/company-wide/plan.txt"),
        "TeamFolder",
    );
    implicit(
        &doc,
        &req("s3:GetObject", "arn:aws:s3:::shared/blue/plan.txt"),
    );

    let put = |owner: &str| {
        req("s3:PutObject", "arn:aws:s3:::b/k").with_context("aws:ResourceTag/owner", owner)
    };
    allowed(&doc, &put("anonymous"), "OwnObjects");
    allowed(
        &doc,
        &put("AIDAEXAMPLE").with_context("aws:userid", "AIDAEXAMPLE"),
        "OwnObjects",
    );
    implicit(
        &doc,
        &put("anonymous").with_context("aws:userid", "AIDAEXAMPLE"),
    );
}

#[test]
fn special_character_variables_are_literals() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Star", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${*}"},
            {"Sid": "Question", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/what${?}"},
            {"Sid": "Dollar", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::bucket/cost${$}"},
            {"Sid": "LikeStar", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
             "Condition": {"StringLike": {"s3:prefix": "a${*}b*"}}}
        ]}"#,
    );
    allowed(&doc, &req("s3:GetObject", "arn:aws:s3:::bucket/*"), "Star");
    implicit(&doc, &req("s3:GetObject", "arn:aws:s3:::bucket/anything"));
    allowed(
        &doc,
        &req("s3:PutObject", "arn:aws:s3:::bucket/what?"),
        "Question",
    );
    implicit(&doc, &req("s3:PutObject", "arn:aws:s3:::bucket/whatX"));
    allowed(
        &doc,
        &req("s3:DeleteObject", "arn:aws:s3:::bucket/cost$"),
        "Dollar",
    );
    let list = |p: &str| req("s3:ListBucket", "arn:aws:s3:::bucket").with_context("s3:prefix", p);
    allowed(&doc, &list("a*b"), "LikeStar");
    allowed(&doc, &list("a*bcd"), "LikeStar");
    implicit(&doc, &list("axb"));
}

#[test]
fn substituted_values_are_never_wildcards() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Home", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"},
            {"Sid": "Prefix", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
             "Condition": {"StringLike": {"s3:prefix": "${aws:username}/*"}}}
        ]}"#,
    );
    let star = |r: Request| r.with_context("aws:username", "*");
    allowed(
        &doc,
        &star(req("s3:GetObject", "arn:aws:s3:::home/*/x")),
        "Home",
    );
    implicit(&doc, &star(req("s3:GetObject", "arn:aws:s3:::home/bob/x")));
    let list = |user: &str, prefix: &str| {
        req("s3:ListBucket", "arn:aws:s3:::home")
            .with_context("aws:username", user)
            .with_context("s3:prefix", prefix)
    };
    allowed(&doc, &list("b?b", "b?b/docs"), "Prefix");
    implicit(&doc, &list("b?b", "bob/docs"));
}

#[test]
fn variables_are_plain_text_in_version_2008_10_17() {
    for version in [r#""Version": "2008-10-17","#, ""] {
        let doc = policy(&format!(
            r#"{{{version} "Statement": [
                {{"Sid": "Home", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${{aws:username}}/*"}},
                {{"Sid": "Cond", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                  "Condition": {{"StringEquals": {{"s3:prefix": "${{aws:username}}"}}}}}}
            ]}}"#
        ));
        let bob = |r: Request| r.with_context("aws:username", "bob");
        implicit(&doc, &bob(req("s3:GetObject", "arn:aws:s3:::home/bob/x")));
        allowed(
            &doc,
            &bob(req("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x")),
            "Home",
        );
        implicit(
            &doc,
            &bob(req("s3:ListBucket", "*").with_context("s3:prefix", "bob")),
        );
        allowed(
            &doc,
            &bob(req("s3:ListBucket", "*").with_context("s3:prefix", "${aws:username}")),
            "Cond",
        );
    }
}

#[test]
fn multivalued_keys_cannot_be_variables() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "ByTag", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:TagKeys}"}]}"#,
    );
    let r =
        |resource: &str| req("s3:GetObject", resource).with_context("aws:TagKeys", vec!["x", "y"]);
    implicit(&doc, &r("arn:aws:s3:::b/x"));
    implicit(&doc, &r("arn:aws:s3:::b/y"));
    implicit(&doc, &r("arn:aws:s3:::b/${aws:TagKeys}"));
}

#[test]
fn an_unresolved_variable_never_satisfies_a_negation() {
    // IAM User Guide, "Variables and tags": for a key that is not present "any attempt to match
    // it fails and causes the statement to be invalid". A NotResource or a negated operator
    // must therefore not become true because the variable has no value.
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "OthersHomes", "Effect": "Allow", "Action": "s3:GetObject",
             "NotResource": "arn:aws:s3:::home/${aws:username}/*"},
            {"Sid": "NotOwnedByMe", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:ResourceTag/owner": "${aws:username}"}}},
            {"Sid": "ForeignSource", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*",
             "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:iam::123456789012:user/${aws:username}"}}}
        ]}"#,
    );
    // With a user name, both negations work as usual.
    let bob = |r: Request| r.with_context("aws:username", "bob");
    allowed(
        &doc,
        &bob(req("s3:GetObject", "arn:aws:s3:::home/alice/x")),
        "OthersHomes",
    );
    implicit(&doc, &bob(req("s3:GetObject", "arn:aws:s3:::home/bob/x")));
    let owned = |owner: &str| {
        req("s3:PutObject", "arn:aws:s3:::b/k").with_context("aws:ResourceTag/owner", owner)
    };
    allowed(&doc, &bob(owned("alice")), "NotOwnedByMe");
    implicit(&doc, &bob(owned("bob")));
    let source =
        |arn: &str| req("s3:DeleteObject", "arn:aws:s3:::b/k").with_context("aws:SourceArn", arn);
    allowed(
        &doc,
        &bob(source("arn:aws:iam::123456789012:user/alice")),
        "ForeignSource",
    );
    implicit(&doc, &bob(source("arn:aws:iam::123456789012:user/bob")));

    // Without one (a role session), none of them applies.
    implicit(&doc, &req("s3:GetObject", "arn:aws:s3:::home/alice/x"));
    implicit(&doc, &owned("alice"));
    implicit(&doc, &source("arn:aws:iam::123456789012:user/alice"));
    // With the condition key itself absent no value is compared: the absent-key rule of
    // negated operators decides, whatever the variable.
    allowed(
        &doc,
        &req("s3:PutObject", "arn:aws:s3:::b/k"),
        "NotOwnedByMe",
    );

    // The same in a Deny: the invalid statement has no effect.
    let deny = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "OnlyOwnHome", "Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::home/${aws:username}/*"}
        ]}"#,
    );
    denied(
        &deny,
        &bob(req("s3:GetObject", "arn:aws:s3:::home/alice/x")),
        "OnlyOwnHome",
    );
    allowed(
        &deny,
        &bob(req("s3:GetObject", "arn:aws:s3:::home/bob/x")),
        "AllowAll",
    );
    allowed(
        &deny,
        &req("s3:GetObject", "arn:aws:s3:::home/alice/x"),
        "AllowAll",
    );
}

// ---------------------------------------------------------------------------------------------
// What cannot be evaluated
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_operator_in_an_allow_never_allows() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"StringEqualz": {"aws:username": "bob"}}}]}"#,
    );
    let outcome = implicit(
        &doc,
        &req("s3:GetObject", "*").with_context("aws:username", "bob"),
    );
    assert!(outcome.matched.is_empty());
    assert_eq!(outcome.unevaluable.len(), 1, "{outcome:#?}");
    let u = &outcome.unevaluable[0];
    assert_eq!((u.index, u.effect), (0, Effect::Allow));
    assert_eq!(
        u.path,
        r#"$.Statement[0].Condition.StringEqualz["aws:username"]"#
    );
    assert!(u.reason.contains("StringEqualz"), "{}", u.reason);
    // A statement whose action does not match is never looked at.
    let other = implicit(&doc, &req("s3:PutObject", "*"));
    assert!(other.unevaluable.is_empty());
}

#[test]
fn unevaluable_deny_turns_allow_into_implicit_deny() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "Broken", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
             "Condition": {"NumericGreaterThan": {"s3:max-keys": "lots"}}}
        ]}"#,
    );
    let outcome = implicit(
        &doc,
        &req("s3:DeleteObject", "arn:aws:s3:::b/k").with_context("s3:max-keys", "5"),
    );
    assert_eq!(outcome.matched.len(), 1);
    assert_eq!(outcome.matched[0].sid.as_deref(), Some("AllowAll"));
    assert_eq!(outcome.unevaluable.len(), 1);
    assert_eq!(
        (outcome.unevaluable[0].index, outcome.unevaluable[0].effect),
        (1, Effect::Deny)
    );
    assert_eq!(
        outcome.unevaluable[0].path,
        r#"$.Statement[1].Condition.NumericGreaterThan["s3:max-keys"]"#
    );
    // Where the broken Deny does not apply, the Allow stands.
    allowed(&doc, &req("s3:GetObject", "arn:aws:s3:::b/k"), "AllowAll");
}

#[test]
fn an_applicable_deny_still_decides_next_to_an_unevaluable_one() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "Broken", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"IpAddres": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
        ]}"#,
    );
    let outcome = denied(&doc, &req("s3:DeleteObject", "*"), "NoDelete");
    assert_eq!(outcome.unevaluable.len(), 1);
    implicit(&doc, &req("s3:GetObject", "*"));
}

#[test]
fn a_false_condition_settles_the_statement_before_an_unknown_one() {
    let doc = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "Scoped", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"DateLessThan": {"aws:CurrentTime": "someday"},
                           "StringEquals": {"aws:username": "mallory"}}}
        ]}"#,
    );
    let bob = allowed(
        &doc,
        &req("s3:GetObject", "*").with_context("aws:username", "bob"),
        "AllowAll",
    );
    assert!(bob.unevaluable.is_empty());
    let mallory = implicit(
        &doc,
        &req("s3:GetObject", "*").with_context("aws:username", "mallory"),
    );
    assert_eq!(mallory.unevaluable.len(), 1);
    assert_eq!(
        mallory.unevaluable[0].path,
        r#"$.Statement[1].Condition.DateLessThan["aws:CurrentTime"]"#
    );
}

#[test]
fn every_kind_of_malformed_condition_is_unevaluable() {
    let broken = [
        r#"{"StringEqualz": {"k": "v"}}"#,
        r#"{"ForAnyValue:StringEqualz": {"k": "v"}}"#,
        r#"{"StringEqualsIfExistsIfExists": {"k": "v"}}"#,
        r#"{"NullIfExists": {"k": "true"}}"#,
        r#"{"ForAllValue:StringEquals": {"k": "v"}}"#,
        r#"{"NumericLessThan": {"k": "ten"}}"#,
        r#"{"NumericLessThan": {"k": "1e3"}}"#,
        r#"{"NumericEquals": {"k": "${aws:username}"}}"#,
        r#"{"DateGreaterThan": {"k": "yesterday"}}"#,
        r#"{"DateGreaterThan": {"k": "2019-02-29T00:00:00Z"}}"#,
        r#"{"Bool": {"k": "yes"}}"#,
        r#"{"IpAddress": {"k": "203.0.113.0/33"}}"#,
        r#"{"NotIpAddress": {"k": "corporate-network"}}"#,
        r#"{"Null": {"k": "maybe"}}"#,
    ];
    for condition in broken {
        let allow = policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "A", "Effect": "Allow", "Action": "*",
                "Resource": "*", "Condition": {condition}}}]}}"#
        ));
        for request in [
            req("s3:GetObject", "*").with_context("k", "v"),
            req("s3:GetObject", "*")
                .with_context("k", "5")
                .with_context("aws:username", "5"),
            req("s3:GetObject", "*"),
        ] {
            let outcome = implicit(&allow, &request);
            assert_eq!(outcome.unevaluable.len(), 1, "{condition}: {outcome:#?}");
            assert_eq!(outcome.unevaluable[0].effect, Effect::Allow);
        }

        let deny = policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [
                {{"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}},
                {{"Sid": "D", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {condition}}}]}}"#
        ));
        let outcome = implicit(&deny, &req("s3:GetObject", "*").with_context("k", "v"));
        assert_eq!(outcome.unevaluable.len(), 1, "{condition}: {outcome:#?}");
        assert_eq!(outcome.unevaluable[0].effect, Effect::Deny);
        assert_eq!(outcome.matched.len(), 1);
    }
}
