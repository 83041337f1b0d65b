//! The web identity (OIDC) expectation: the trust policy `OidcTrust` writes lints clean; a
//! subject pattern, a missing audience, another issuer, extra principals and an unevaluable
//! condition each fail with their own code; the linter never reports `VENDOR_NOT_TRUSTED` for
//! a web identity expectation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use proptest::prelude::*;
use serde_json::{Value, json};
use trust_policy::{
    LintCode, LintReport, OidcTrust, SubjectMatch, TrustPolicyLint, WebIdentityExpectation,
};

const ACCOUNT: &str = "111122223333";
const ISSUER: &str = "https://id.auto-nomos.com";
const HOST: &str = "id.auto-nomos.com";
const AUDIENCE: &str = "sts.amazonaws.com";

fn provider() -> String {
    format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}")
}

fn expectation(subject: &str) -> WebIdentityExpectation {
    WebIdentityExpectation::new(ACCOUNT.parse().unwrap(), ISSUER, AUDIENCE, subject).unwrap()
}

fn oidc_trust(subject: SubjectMatch) -> Value {
    let policy = OidcTrust::new(ACCOUNT.parse().unwrap(), ISSUER)
        .unwrap()
        .with_audience(AUDIENCE)
        .unwrap()
        .with_subject(subject)
        .unwrap()
        .policy()
        .unwrap();
    serde_json::from_str(&policy.to_json()).unwrap()
}

fn lint(subject: &str, policy: &Value) -> LintReport {
    TrustPolicyLint::web_identity(expectation(subject)).lint_text(&policy.to_string())
}

fn codes(report: &LintReport) -> Vec<LintCode> {
    report.findings.iter().map(|f| f.code()).collect()
}

fn statement(principal: Value, condition: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }]})
}

#[test]
fn the_oidc_trust_policy_for_the_account_lints_clean() {
    let report = lint(
        "org/acme",
        &oidc_trust(SubjectMatch::Exact("org/acme".into())),
    );
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.vendor_allowed);
    assert!(report.vendor_may_connect());
}

#[test]
fn a_subject_pattern_over_the_organisation_fails_the_other_tenant_check() {
    let report = lint("org/acme", &oidc_trust(SubjectMatch::Like("org/*".into())));
    assert!(
        report.vendor_allowed,
        "the vendor's own token still gets in"
    );
    assert!(!report.vendor_may_connect());
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::OidcOtherSubjectAccepted)
        .expect("another tenant's token is accepted");
    assert!(
        finding.message().contains("org/lint-probe-other-tenant"),
        "{finding:?}"
    );
    assert!(!codes(&report).contains(&LintCode::VendorNotTrusted));
}

#[test]
fn a_subject_prefix_pattern_fails_the_other_tenant_check() {
    // `org/acme*` also matches `org/acme-lint-probe-other-tenant`.
    let report = lint(
        "org/acme",
        &oidc_trust(SubjectMatch::Like("org/acme*".into())),
    );
    assert!(codes(&report).contains(&LintCode::OidcOtherSubjectAccepted));
}

#[test]
fn a_case_insensitive_subject_fails_the_other_tenant_check() {
    let policy = statement(
        json!({"Federated": provider()}),
        json!({"StringEquals": {format!("{HOST}:aud"): AUDIENCE},
               "StringEqualsIgnoreCase": {format!("{HOST}:sub"): "org/acme"}}),
    );
    let report = lint("org/acme", &policy);
    assert!(report.vendor_allowed);
    assert!(
        codes(&report).contains(&LintCode::OidcOtherSubjectAccepted),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_policy_without_audience_fails_the_audience_check() {
    let policy = statement(
        json!({"Federated": provider()}),
        json!({"StringEquals": {format!("{HOST}:sub"): "org/acme"}}),
    );
    let report = lint("org/acme", &policy);
    assert!(report.vendor_allowed);
    let codes = codes(&report);
    assert!(
        codes.contains(&LintCode::OidcOtherAudienceAccepted),
        "{codes:?}"
    );
    assert!(codes.contains(&LintCode::OidcAudienceMissing), "{codes:?}");
    assert!(
        !codes.contains(&LintCode::OidcOtherSubjectAccepted),
        "{codes:?}"
    );
}

#[test]
fn a_policy_for_another_issuer_fails_the_token_check() {
    let other = OidcTrust::new(
        ACCOUNT.parse().unwrap(),
        "https://token.actions.githubusercontent.com",
    )
    .unwrap()
    .with_audience(AUDIENCE)
    .unwrap()
    .with_subject(SubjectMatch::Exact("org/acme".into()))
    .unwrap()
    .policy()
    .unwrap();
    let report = lint("org/acme", &serde_json::from_str(&other.to_json()).unwrap());
    assert!(!report.vendor_allowed);
    let codes = codes(&report);
    assert!(codes.contains(&LintCode::OidcTokenNotTrusted), "{codes:?}");
    assert!(
        codes.contains(&LintCode::OidcOtherProviderTrusted),
        "{codes:?}"
    );
    assert!(!codes.contains(&LintCode::VendorNotTrusted), "{codes:?}");
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::OidcTokenNotTrusted)
        .unwrap();
    assert!(
        finding.message().contains("no statement trusts the caller"),
        "{finding:?}"
    );
}

#[test]
fn a_policy_for_another_account_fails_the_token_check() {
    let policy = oidc_trust(SubjectMatch::Exact("org/acme".into()));
    let report = TrustPolicyLint::web_identity(
        WebIdentityExpectation::new(
            "444455556666".parse().unwrap(),
            ISSUER,
            AUDIENCE,
            "org/acme",
        )
        .unwrap(),
    )
    .lint_text(&policy.to_string());
    assert!(!report.vendor_allowed);
    assert!(codes(&report).contains(&LintCode::OidcTokenNotTrusted));
}

#[test]
fn another_subject_in_the_policy_fails_the_token_check_saying_why() {
    let report = lint(
        "org/acme",
        &oidc_trust(SubjectMatch::Exact("org/other".into())),
    );
    assert!(!report.vendor_allowed);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::OidcTokenNotTrusted)
        .unwrap();
    assert!(
        finding.message().contains(&format!("{HOST}:sub")),
        "{finding:?}"
    );
}

#[test]
fn an_aws_principal_beside_the_provider_is_an_error() {
    let mut policy = oidc_trust(SubjectMatch::Exact("org/acme".into()));
    policy["Statement"].as_array_mut().unwrap().push(
        json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                     "Action": "sts:AssumeRole"}),
    );
    let report = lint("org/acme", &policy);
    let codes = codes(&report);
    assert!(codes.contains(&LintCode::OtherAccountsAllowed), "{codes:?}");
    assert!(!codes.contains(&LintCode::VendorNotTrusted), "{codes:?}");
    assert!(!report.vendor_may_connect());
}

#[test]
fn a_wildcard_principal_is_too_broad() {
    let policy = statement(
        json!("*"),
        json!({"StringEquals": {format!("{HOST}:aud"): AUDIENCE, format!("{HOST}:sub"): "org/acme"}}),
    );
    let report = lint("org/acme", &policy);
    assert!(codes(&report).contains(&LintCode::PrincipalTooBroad));
}

#[test]
fn the_session_name_the_vendor_sends_is_simulated() {
    let mut policy = oidc_trust(SubjectMatch::Exact("org/acme".into()));
    policy["Statement"][0]["Condition"]["StringEquals"]["sts:RoleSessionName"] =
        json!("vendor-connector");
    let text = policy.to_string();
    let without = TrustPolicyLint::web_identity(expectation("org/acme")).lint_text(&text);
    assert!(
        !without.vendor_allowed,
        "no session name sent: the condition is not met"
    );
    let with = TrustPolicyLint::web_identity(
        expectation("org/acme")
            .with_session_name("vendor-connector")
            .unwrap(),
    )
    .lint_text(&text);
    assert!(with.vendor_may_connect(), "{:#?}", with.findings);
}

#[test]
fn an_unevaluable_subject_condition_fails_closed() {
    // A numeric operator on the subject cannot be evaluated: the vendor's token is not
    // counted as allowed.
    let policy = statement(
        json!({"Federated": provider()}),
        json!({"StringEquals": {format!("{HOST}:aud"): AUDIENCE},
               "NumericEquals": {format!("{HOST}:sub"): "org/acme"}}),
    );
    let report = lint("org/acme", &policy);
    assert!(!report.vendor_allowed);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::OidcTokenNotTrusted)
        .unwrap();
    assert!(
        finding.message().contains("could not be evaluated"),
        "{finding:?}"
    );
}

#[test]
fn an_unevaluable_statement_beside_a_good_one_makes_the_probes_inconclusive() {
    let mut policy = oidc_trust(SubjectMatch::Exact("org/acme".into()));
    policy["Statement"].as_array_mut().unwrap().push(json!({
        "Effect": "Allow",
        "Principal": {"Federated": provider()},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {format!("{HOST}:aud"): AUDIENCE},
                      "NumericLessThan": {format!("{HOST}:sub"): "org/acme"}},
    }));
    let report = lint("org/acme", &policy);
    assert!(
        report.vendor_allowed,
        "the good statement admits the vendor"
    );
    assert!(!report.vendor_may_connect());
    let codes = codes(&report);
    assert!(
        codes.contains(&LintCode::OidcProbeInconclusive),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&LintCode::OidcOtherSubjectAccepted),
        "{codes:?}"
    );
}

#[test]
fn an_unevaluable_deny_does_not_count_as_refusing_another_tenant() {
    // The Allow admits every subject under org/; the Deny meant to keep others out cannot be
    // evaluated, so another tenant's refusal cannot be shown (and the vendor is not cleared).
    let mut policy = oidc_trust(SubjectMatch::Like("org/*".into()));
    policy["Statement"].as_array_mut().unwrap().push(json!({
        "Effect": "Deny",
        "Principal": {"Federated": provider()},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"NumericNotEquals": {format!("{HOST}:sub"): "org/acme"}},
    }));
    let report = lint("org/acme", &policy);
    assert!(!report.vendor_allowed);
    let codes = codes(&report);
    assert!(
        codes.contains(&LintCode::OidcProbeInconclusive),
        "{codes:?}"
    );
    assert!(codes.contains(&LintCode::OidcTokenNotTrusted), "{codes:?}");
}

#[test]
fn bad_expectation_values_are_refused_naming_the_field() {
    let account = || ACCOUNT.parse().unwrap();
    for (result, field) in [
        (
            WebIdentityExpectation::new(account(), "http://id.example.com", AUDIENCE, "s"),
            "OIDC issuer",
        ),
        (
            WebIdentityExpectation::new(account(), ISSUER, "", "s"),
            "audience",
        ),
        (
            WebIdentityExpectation::new(account(), ISSUER, AUDIENCE, "a\"b"),
            "subject",
        ),
        (
            WebIdentityExpectation::new(account(), ISSUER, AUDIENCE, "s")
                .and_then(|e| e.with_session_name("bad name")),
            "role session name",
        ),
    ] {
        let error = result.unwrap_err();
        assert!(error.to_string().contains(field), "{error}");
    }
}

proptest! {
    /// For any tenant subject, the exact policy lints clean and a pattern over the tenant's
    /// parent path is caught by the other-tenant check.
    #[test]
    fn exact_subjects_lint_clean_and_parent_patterns_fail(
        parent in "[a-z][a-z0-9]{0,8}",
        tenant in "[a-zA-Z0-9_.-]{1,20}",
    ) {
        let subject = format!("{parent}/{tenant}");
        let clean = lint(&subject, &oidc_trust(SubjectMatch::Exact(subject.clone())));
        prop_assert!(clean.vendor_may_connect(), "{:#?}", clean.findings);
        prop_assert!(clean.findings.is_empty(), "{:#?}", clean.findings);
        let loose = lint(&subject, &oidc_trust(SubjectMatch::Like(format!("{parent}/*"))));
        prop_assert!(loose.vendor_allowed);
        prop_assert!(codes(&loose).contains(&LintCode::OidcOtherSubjectAccepted));
    }

    /// A policy for one subject never admits the token of another.
    #[test]
    fn a_policy_for_another_subject_refuses_the_token(
        mine in "[a-z]{1,6}/[a-z0-9]{1,10}",
        theirs in "[a-z]{1,6}/[a-z0-9]{1,10}",
    ) {
        prop_assume!(mine != theirs);
        let report = lint(&mine, &oidc_trust(SubjectMatch::Exact(theirs)));
        prop_assert!(!report.vendor_allowed);
        prop_assert!(codes(&report).contains(&LintCode::OidcTokenNotTrusted));
    }
}
