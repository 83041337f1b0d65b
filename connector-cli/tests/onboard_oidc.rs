//! `connector onboard cloudformation|stackset|terraform|manual --oidc-issuer URL --tenant T`:
//! the OIDC artifacts from the real binary, and every bad or conflicting OIDC flag refused
//! with exit 2 naming the flag.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::process::{Command, Output};

use serde_json::{Value, json};

const ISSUER: &str = "https://id.auto-nomos.com";

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("the connector binary runs")
}

fn onboard(kind: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "onboard",
        kind,
        "--set",
        "axiom:read-only-scan",
        "--oidc-issuer",
        ISSUER,
        "--tenant",
        "acme",
    ];
    args.extend(extra);
    connector(&args)
}

fn ok_stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Exit 2, and the message names `flag`.
fn assert_names(out: &Output, flag: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{flag}: {out:?}");
    assert!(stderr.contains(flag), "{flag} not named: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "no artifact on a refusal");
}

#[test]
fn cloudformation_creates_the_provider_and_the_web_identity_role() {
    let text = ok_stdout(&onboard("cloudformation", &["--format", "json"]));
    let template: Value = serde_json::from_str(&text).unwrap();
    let provider = &template["Resources"]["ConnectorOidcProvider"];
    assert_eq!(provider["Type"], "AWS::IAM::OIDCProvider");
    assert_eq!(provider["Properties"]["Url"], ISSUER);
    assert_eq!(provider["Condition"], "CreateOidcProvider");
    let statement = &template["Resources"]["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"]
        ["Statement"][0];
    assert_eq!(
        statement["Action"],
        json!(["sts:AssumeRoleWithWebIdentity"])
    );
    assert_eq!(
        statement["Condition"]["StringEquals"],
        json!({"id.auto-nomos.com:aud": "sts.amazonaws.com", "id.auto-nomos.com:sub": "org/acme"})
    );
    assert_eq!(
        template["Parameters"]["ExistingOidcProviderArn"]["Default"],
        ""
    );
    assert!(template["Parameters"].get("ExternalId").is_none());
    assert!(template["Outputs"].get("OidcProviderArn").is_some());

    let yaml = ok_stdout(&onboard("cloudformation", &[]));
    assert!(yaml.contains("Type: AWS::IAM::OIDCProvider"));
}

#[test]
fn the_quick_create_link_asks_for_no_external_id() {
    let out = onboard(
        "cloudformation",
        &[
            "--template-url",
            "https://acme.s3.amazonaws.com/connector.yaml",
            "--region",
            "eu-west-1",
            "--json",
        ],
    );
    let report: Value = serde_json::from_str(&ok_stdout(&out)).unwrap();
    let link = report["quick_create_link"].as_str().unwrap();
    assert!(link.contains("param_ExistingOidcProviderArn="), "{link}");
    assert!(!link.contains("ExternalId"), "{link}");
}

#[test]
fn terraform_stackset_and_manual_for_oidc() {
    let hcl = ok_stdout(&onboard("terraform", &[]));
    assert!(hcl.contains("resource \"aws_iam_openid_connect_provider\" \"connector\""));
    assert!(hcl.contains("variable \"existing_oidc_provider_arn\""));
    assert!(!hcl.contains("external_id"));

    let stackset = ok_stdout(&onboard("stackset", &[]));
    assert!(stackset.contains("AWS::IAM::OIDCProvider"));

    let script = ok_stdout(&onboard("manual", &["--customer-account", "111122223333"]));
    assert!(script.contains(
        "aws iam get-open-id-connect-provider --open-id-connect-provider-arn arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com >/dev/null 2>&1 || aws iam create-open-id-connect-provider --url https://id.auto-nomos.com --client-id-list sts.amazonaws.com"
    ));
    assert!(
        script.contains(
            "\"Federated\": \"arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com\""
        )
    );
    let thumbprinted = ok_stdout(&onboard(
        "manual",
        &[
            "--customer-account",
            "111122223333",
            "--thumbprint",
            "9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
        ],
    ));
    assert!(thumbprinted.contains("--thumbprint-list 9e99a48a9960b14926bb7f3b02e22da2b0ab7280"));
}

#[test]
fn every_bad_or_conflicting_oidc_flag_is_named() {
    let set = ["--set", "axiom:read-only-scan"];
    let run = |kind: &str, args: &[&str]| {
        let mut all = vec!["onboard", kind];
        all.extend(set);
        all.extend(args);
        connector(&all)
    };
    for (kind, args, flag) in [
        (
            "cloudformation",
            vec![
                "--oidc-issuer",
                "https://id.auto-nomos.com/",
                "--tenant",
                "acme",
            ],
            "--oidc-issuer",
        ),
        (
            "terraform",
            vec![
                "--oidc-issuer",
                "http://id.auto-nomos.com",
                "--tenant",
                "acme",
            ],
            "--oidc-issuer",
        ),
        (
            "manual",
            vec![
                "--oidc-issuer",
                "https://id.auto-nomos.com:8443",
                "--tenant",
                "acme",
            ],
            "--oidc-issuer",
        ),
        ("cloudformation", vec!["--oidc-issuer", ISSUER], "--tenant"),
        (
            "cloudformation",
            vec!["--oidc-issuer", ISSUER, "--tenant", "org/*"],
            "--tenant",
        ),
        (
            "cloudformation",
            vec![
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--external-id",
                "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
            ],
            "--oidc-issuer",
        ),
        ("cloudformation", vec![], "--external-id"),
        (
            "terraform",
            vec![
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--vendor-account",
                "999988887777",
            ],
            "--vendor-account",
        ),
        (
            "cloudformation",
            vec![
                "--external-id",
                "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
                "--vendor-account",
                "999988887777",
                "--tenant",
                "acme",
            ],
            "--tenant",
        ),
        (
            "cloudformation",
            vec!["--external-id", "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"],
            "--vendor-account",
        ),
        (
            "cloudformation",
            vec![
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--thumbprint",
                "abc",
            ],
            "--thumbprint",
        ),
        (
            "manual",
            vec!["--oidc-issuer", ISSUER, "--tenant", "acme"],
            "--customer-account",
        ),
        (
            "manual",
            vec![
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--customer-account",
                "1234",
            ],
            "--customer-account",
        ),
        (
            "cloudformation",
            vec![
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--callback-topic",
                "arn:aws:sns:us-east-1:999988887777:connector-registrations",
                "--connection-id",
                "acme-prod",
            ],
            "--callback-topic",
        ),
    ] {
        assert_names(&run(kind, &args), flag);
    }
}
