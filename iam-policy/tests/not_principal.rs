//! `NotPrincipal` by effect (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
//!
//! With `Allow` the statement "allows all principals except the one named": a caller named
//! in any way (its ARN, its account, its role for a session) is excluded, and an unknown
//! caller is not allowed. With `Deny` the account-also-listed rule decides who escapes the
//! Deny. User, role, assumed-role session and account callers are covered, by both
//! evaluators.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{CompiledPolicy, Decision, PolicyDocument, Request, RequestPrincipal};

const USER: &str = "arn:aws:iam::111122223333:user/bob";
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const ROOT: &str = "arn:aws:iam::111122223333:root";
const OTHER_USER: &str = "arn:aws:iam::444455556666:user/eve";

fn policy(effect: &str, listed: &[&str]) -> PolicyDocument {
    let listed = serde_json::to_string(listed).unwrap();
    let deny_rest = if effect == "Deny" {
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},"#
    } else {
        ""
    };
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{deny_rest}
            {{"Effect": "{effect}", "NotPrincipal": {{"AWS": {listed}}},
              "Action": "s3:GetObject", "Resource": "*"}}]}}"#
    )
    .parse()
    .unwrap()
}

#[track_caller]
fn decide(policy: &PolicyDocument, caller: Option<&str>) -> Decision {
    let mut request = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    if let Some(caller) = caller {
        request = request.with_principal(RequestPrincipal::Aws(caller.parse().unwrap()));
    }
    let outcome = policy.evaluate(&request);
    assert_eq!(CompiledPolicy::new(policy).evaluate(&request), outcome);
    outcome.decision
}

#[test]
fn not_principal_with_allow_excludes_a_named_user_and_allows_the_others() {
    let p = policy("Allow", &[USER]);
    assert_eq!(decide(&p, Some(USER)), Decision::ImplicitDeny);
    assert_eq!(decide(&p, Some(OTHER_USER)), Decision::Allow);
    assert_eq!(
        decide(&p, Some("arn:aws:iam::111122223333:user/alice")),
        Decision::Allow
    );
}

#[test]
fn not_principal_with_allow_excludes_a_named_role_and_its_sessions() {
    let p = policy("Allow", &[ROLE]);
    assert_eq!(decide(&p, Some(ROLE)), Decision::ImplicitDeny);
    assert_eq!(decide(&p, Some(SESSION)), Decision::ImplicitDeny);
    assert_eq!(
        decide(&p, Some("arn:aws:sts::111122223333:assumed-role/other/s1")),
        Decision::Allow
    );
}

#[test]
fn not_principal_with_allow_excludes_a_named_session() {
    let p = policy("Allow", &[SESSION]);
    assert_eq!(decide(&p, Some(SESSION)), Decision::ImplicitDeny);
    assert_eq!(
        decide(&p, Some("arn:aws:sts::111122223333:assumed-role/app/s2")),
        Decision::Allow
    );
}

#[test]
fn not_principal_with_allow_excludes_every_identity_of_a_named_account() {
    // Before, the Deny rule (the account listed *and* the identity) was applied to Allow too:
    // listing the account alone excluded nobody but the root, and the user was allowed.
    for listed in [ROOT, "111122223333"] {
        let p = policy("Allow", &[listed]);
        for caller in [ROOT, USER, ROLE, SESSION] {
            assert_eq!(
                decide(&p, Some(caller)),
                Decision::ImplicitDeny,
                "{listed} {caller}"
            );
        }
        assert_eq!(decide(&p, Some(OTHER_USER)), Decision::Allow);
    }
}

#[test]
fn not_principal_with_allow_does_not_allow_an_unknown_caller() {
    let p = policy("Allow", &[USER]);
    assert_eq!(decide(&p, None), Decision::ImplicitDeny);
}

#[test]
fn not_principal_with_deny_needs_the_account_listed_too() {
    // Only the user: the user is still evaluated as its account, which is not listed.
    let p = policy("Deny", &[USER]);
    assert_eq!(decide(&p, Some(USER)), Decision::ExplicitDeny);
    assert_eq!(decide(&p, Some(OTHER_USER)), Decision::ExplicitDeny);
    // User and account: the user escapes the Deny, the account's other users do not.
    let p = policy("Deny", &[USER, ROOT]);
    assert_eq!(decide(&p, Some(USER)), Decision::Allow);
    assert_eq!(
        decide(&p, Some("arn:aws:iam::111122223333:user/alice")),
        Decision::ExplicitDeny
    );
    // A session escapes only with its role and its account listed too.
    let p = policy("Deny", &[SESSION, ROLE, ROOT]);
    assert_eq!(decide(&p, Some(SESSION)), Decision::Allow);
    let p = policy("Deny", &[SESSION, ROOT]);
    assert_eq!(decide(&p, Some(SESSION)), Decision::ExplicitDeny);
    // The account root alone escapes when the account is listed.
    let p = policy("Deny", &[ROOT]);
    assert_eq!(decide(&p, Some(ROOT)), Decision::Allow);
    assert_eq!(decide(&p, Some(USER)), Decision::ExplicitDeny);
}
