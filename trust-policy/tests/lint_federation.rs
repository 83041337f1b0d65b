//! Other ways in: a correct vendor statement beside a federated statement (Cognito, a GitHub
//! OIDC provider, SAML) no longer passes clean.

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

use common::{has, lint, policy, vendor_statement};
use proptest::prelude::*;
use trust_policy::LintCode;

const GITHUB: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

fn beside_vendor(federated: &str, action: &str, condition: Option<&str>) -> String {
    let condition = condition.map_or_else(String::new, |c| format!(r#", "Condition": {c}"#));
    policy(&[
        vendor_statement(),
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": "{federated}"}}, "Action": "{action}"{condition}}}"#
        ),
    ])
}

#[test]
fn cognito_without_conditions_is_an_error() {
    let report = lint(&beside_vendor(
        "cognito-identity.amazonaws.com",
        "sts:AssumeRoleWithWebIdentity",
        None,
    ));
    assert!(
        has(&report, LintCode::FederatedUnconditioned),
        "{report:#?}"
    );
    assert!(report.vendor_allowed && !report.vendor_may_connect());
    let finding = report
        .findings
        .iter()
        .find(|f| f.code() == LintCode::FederatedUnconditioned)
        .unwrap();
    assert_eq!(
        finding.location().path,
        "$.Statement[1].Principal.Federated"
    );
}

#[test]
fn cognito_with_its_audience_is_clean() {
    let report = lint(&beside_vendor(
        "cognito-identity.amazonaws.com",
        "sts:AssumeRoleWithWebIdentity",
        Some(
            r#"{"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012"}}"#,
        ),
    ));
    assert!(report.vendor_may_connect(), "{report:#?}");
}

#[test]
fn github_oidc_without_audience_or_subject_is_an_error() {
    let report = lint(&beside_vendor(
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        Some(r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1"}}"#),
    ));
    assert!(has(&report, LintCode::OidcAudienceMissing), "{report:#?}");
    assert!(has(&report, LintCode::OidcSubjectMissing), "{report:#?}");
    assert!(!report.vendor_may_connect());
}

#[test]
fn github_oidc_without_subject_is_an_error() {
    let report = lint(&beside_vendor(
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        Some(
            r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#,
        ),
    ));
    assert!(has(&report, LintCode::OidcSubjectMissing), "{report:#?}");
    assert!(!has(&report, LintCode::OidcAudienceMissing), "{report:#?}");
    assert!(!report.vendor_may_connect());
}

#[test]
fn github_oidc_subject_wildcard_is_an_error() {
    for sub in ["*", "repo:*", "repo:*/app:*", "*:ref:refs/heads/main"] {
        let condition = format!(
            r#"{{"StringEquals": {{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
                "StringLike": {{"token.actions.githubusercontent.com:sub": "{sub}"}}}}"#
        );
        let report = lint(&beside_vendor(
            GITHUB,
            "sts:AssumeRoleWithWebIdentity",
            Some(&condition),
        ));
        assert!(
            has(&report, LintCode::OidcSubjectWildcard),
            "{sub}: {report:#?}"
        );
        assert!(!report.vendor_may_connect(), "{sub}");
    }
}

#[test]
fn github_oidc_pinned_to_one_owner_is_clean() {
    let condition = r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}"#;
    let report = lint(&beside_vendor(
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        Some(condition),
    ));
    assert!(report.vendor_may_connect(), "{report:#?}");
}

#[test]
fn saml_without_conditions_is_an_error() {
    let report = lint(&beside_vendor(
        "arn:aws:iam::111122223333:saml-provider/Okta",
        "sts:AssumeRoleWithSAML",
        None,
    ));
    assert!(
        has(&report, LintCode::FederatedUnconditioned),
        "{report:#?}"
    );
    assert!(!report.vendor_may_connect());
}

#[test]
fn sts_star_and_not_action_bring_federation_in_scope() {
    for action in [r#""Action": "sts:*""#, r#""NotAction": "s3:*""#] {
        let text = policy(&[
            vendor_statement(),
            format!(
                r#"{{"Effect": "Allow", "Principal": {{"Federated": "cognito-identity.amazonaws.com"}}, {action}}}"#
            ),
        ]);
        let report = lint(&text);
        assert!(
            has(&report, LintCode::FederatedUnconditioned),
            "{action}: {report:#?}"
        );
        assert!(!report.vendor_may_connect(), "{action}");
    }
}

#[test]
fn wildcard_principal_on_web_identity_is_too_broad() {
    let text = policy(&[
        vendor_statement(),
        r#"{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}"#
            .to_owned(),
    ]);
    let report = lint(&text);
    assert!(has(&report, LintCode::PrincipalTooBroad), "{report:#?}");
    assert!(!report.vendor_may_connect());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the OIDC issuer, a provider statement without conditions is reported, and
    /// never leaves the vendor cleared to connect.
    #[test]
    fn unconditioned_federation_is_always_an_error(issuer in "[a-z]{1,12}\\.[a-z]{2,6}(/[a-z0-9]{1,8})?") {
        let provider = format!("arn:aws:iam::111122223333:oidc-provider/{issuer}");
        let report = lint(&beside_vendor(&provider, "sts:AssumeRoleWithWebIdentity", None));
        prop_assert!(has(&report, LintCode::FederatedUnconditioned), "{:#?}", report);
        prop_assert!(!report.vendor_may_connect());
    }
}
