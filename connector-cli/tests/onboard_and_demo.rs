//! Runs the real `connector` binary: `onboard` artifacts and the end-to-end `demo`.

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

use serde_json::Value;

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .expect("the connector binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const COMMON: [&str; 6] = [
    "--vendor-account",
    "999988887777",
    "--external-id",
    "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
    "--set",
    "axiom:read-only-scan",
];

#[test]
fn demo_tells_the_whole_story_and_ends_disconnected() {
    let out = connector(&["demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "External ID",
        "quick-create link: https://us-east-1.console.aws.amazon.com/cloudformation/home",
        "connection: active",
        "refreshes ahead of expiry",
        "connection: disconnected",
        "[REDACTED]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }

    let out = connector(&["demo", "--json", "--set", "aws:ec2-operator"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["completed"], true);
    let steps = report["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "external_id",
            "artifacts",
            "role_created",
            "verified",
            "credentials",
            "refreshed",
            "revoked"
        ]
    );
    assert_eq!(steps[3]["connection_state"], "active");
    assert_eq!(steps[6]["connection_state"], "disconnected");

    let out = connector(&["demo", "--set", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--set"), "{}", stderr(&out));
}

#[test]
fn cloudformation_prints_the_template_and_the_link() {
    let mut args = vec!["onboard", "cloudformation"];
    args.extend(COMMON);
    args.extend([
        "--template-url",
        "https://acme.s3.amazonaws.com/role.yaml",
        "--region",
        "eu-west-1",
    ]);
    let out = connector(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let template: Value = serde_yaml_ng::from_str(&stdout(&out)).expect("YAML on stdout");
    assert_eq!(
        template["Resources"]["ConnectorRole"]["Type"],
        "AWS::IAM::Role"
    );
    assert!(stderr(&out).contains("https://eu-west-1.console.aws.amazon.com/"));

    args.push("--json");
    let out = connector(&args);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let link = report["quick_create_link"].as_str().unwrap();
    let parts = onboarding::QuickCreateLink::decode(link).unwrap();
    assert_eq!(
        parts.parameter("ExternalId"),
        Some("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4")
    );
    assert!(
        report["disconnect"][0]["command"]
            .as_str()
            .unwrap()
            .contains("delete-stack")
    );
}

#[test]
fn terraform_stackset_and_manual() {
    for (kind, needle) in [
        ("terraform", "resource \"aws_iam_role\" \"connector\""),
        ("stackset", "PermissionModel: SERVICE_MANAGED"),
        ("manual", "aws iam create-role --role-name"),
    ] {
        let mut args = vec!["onboard", kind];
        args.extend(COMMON);
        let out = connector(&args);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
        assert!(stdout(&out).contains(needle), "{kind}: {}", stdout(&out));
        args.push("--json");
        let out = connector(&args);
        let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["kind"], kind);
    }
}

#[test]
fn parameters_are_required_named_and_checked() {
    let base = [
        "onboard",
        "terraform",
        "--vendor-account",
        "999988887777",
        "--external-id",
        "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
        "--set",
        "aws:s3-read",
    ];
    let out = connector(&base);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Buckets"), "{}", stderr(&out));

    let mut args = base.to_vec();
    args.extend(["--param", "Buckets=acme-a,acme-b"]);
    let out = connector(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"acme-a\""));

    let mut args = base.to_vec();
    args.extend(["--param", "Buckets=Not_A_Bucket"]);
    let out = connector(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bucket name"), "{}", stderr(&out));

    let mut args = base.to_vec();
    args.push("--sample-values");
    assert_eq!(connector(&args).status.code(), Some(0));

    // Values that break a guarantee the set claims never reach an artifact.
    let out = connector(&[
        "onboard",
        "cloudformation",
        "--vendor-account",
        "999988887777",
        "--external-id",
        "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
        "--set",
        "orchestrator",
        "--param",
        "PassRolePath=/",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(
            "--param: permission set `orchestrator@1.0.0` claims no-privilege-escalation"
        ),
        "{}",
        stderr(&out)
    );

    for (flag, value, named) in [
        ("--vendor-account", "12", "--vendor-account"),
        ("--external-id", "x", "--external-id"),
        ("--set", "nope", "--set"),
    ] {
        let mut args = vec!["onboard", "manual", "--sample-values"];
        let mut common = COMMON.to_vec();
        let at = common.iter().position(|a| *a == flag).unwrap();
        common[at + 1] = value;
        args.extend(common);
        let out = connector(&args);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr(&out).contains(named), "{flag}: {}", stderr(&out));
    }
}

#[test]
fn demo_callback_activates_without_a_pasted_arn_and_disconnects_on_stack_deletion() {
    let out = connector(&["demo", "--callback", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["completed"], true);
    let steps: Vec<&Value> = report["steps"].as_array().unwrap().iter().collect();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert!(
        !names.contains(&"role_created"),
        "no ARN handed back: {names:?}"
    );
    assert!(!names.contains(&"verified"), "{names:?}");
    let registered = steps.iter().find(|s| s["step"] == "registered").unwrap();
    assert_eq!(registered["connection_state"], "active");
    let deleted = steps.iter().find(|s| s["step"] == "stack_deleted").unwrap();
    assert_eq!(deleted["connection_state"], "disconnected");
    let details = deleted["details"].to_string();
    assert!(details.contains("STACK_DELETED"), "{details}");
    assert!(
        details.contains("\"Status\\\":\\\"SUCCESS\\\""),
        "{details}"
    );
}

#[test]
fn demo_oidc_tells_the_nomos_story_with_no_assume_role_and_no_external_id() {
    let out = connector(&["demo", "--oidc", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["completed"], true);
    let steps: Vec<&Value> = report["steps"].as_array().unwrap().iter().collect();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "issuer",
            "connection",
            "artifacts",
            "stack_created",
            "verified",
            "credentials",
            "refreshed",
            "revoked"
        ]
    );
    let step = |name: &str| *steps.iter().find(|s| s["step"] == name).unwrap();
    assert_eq!(step("verified")["connection_state"], "active");
    let artifacts = step("artifacts")["details"].to_string();
    assert!(
        artifacts.contains("sts:AssumeRoleWithWebIdentity"),
        "{artifacts}"
    );
    assert!(artifacts.contains("org/acme"), "{artifacts}");
    assert!(!artifacts.contains("sts:ExternalId"), "{artifacts}");
    let credentials = step("credentials")["details"].to_string();
    assert!(credentials.contains("AssumeRole calls: 0"), "{credentials}");
    let refreshed = step("refreshed")["details"].to_string();
    assert!(
        refreshed.contains("AssumeRoleWithWebIdentity calls so far: 5"),
        "{refreshed}"
    );
    assert_eq!(step("revoked")["connection_state"], "disconnected");
    // Revoked by deleting the OIDC provider: the diagnosis says so.
    let revoked = step("revoked")["details"].to_string();
    assert!(revoked.contains("OIDC_PROVIDER_MISSING"), "{revoked}");
    // No private key in the output.
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(
        !all.contains("PRIVATE KEY") && !all.contains("\"d\""),
        "{all}"
    );
}

#[test]
fn demo_oidc_and_callback_do_not_combine() {
    let out = connector(&["demo", "--oidc", "--callback"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

fn onboard(kind: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec!["onboard", kind];
    args.extend(COMMON);
    args.extend(extra);
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(&args)
        .env_remove("CONNECTOR_TENANT_TOKEN")
        .envs(env.iter().copied())
        .output()
        .expect("the connector binary runs")
}

#[test]
fn onboard_callback_topic_adds_the_registration_resource() {
    let out = onboard(
        "cloudformation",
        &[
            "--callback-topic",
            "arn:aws:sns:us-east-1:999988887777:connector-registrations",
            "--callback-topic",
            "arn:aws:sns:eu-west-1:999988887777:connector-registrations",
            "--connection-id",
            "acme-prod",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let template: Value = serde_json::from_slice(&out.stdout).unwrap();
    let resource = &template["Resources"]["ConnectorRegistration"];
    assert_eq!(resource["Type"], "Custom::ConnectorRegistration");
    assert_eq!(resource["Properties"]["ConnectionId"], "acme-prod");
    assert_eq!(
        template["Rules"]["RegistrationRegion"]["Assertions"][0]["Assert"]["Fn::Contains"][0],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );

    // StackSets: the tenant token comes from the environment, never the command line.
    let token = "tenant-token-0123456789abcdefghijklmnop";
    let out = onboard(
        "stackset",
        &[
            "--callback-topic",
            "arn:aws:sns:us-east-1:999988887777:connector-registrations",
            "--json",
        ],
        &[("CONNECTOR_TENANT_TOKEN", token)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let document: Value = serde_json::from_slice(&out.stdout).unwrap();
    let role: Value = serde_json::from_str(document["role_template"].as_str().unwrap()).unwrap();
    assert_eq!(
        role["Resources"]["ConnectorRegistration"]["Properties"]["RegistrationToken"],
        token
    );
}

#[test]
fn bad_callback_flags_name_the_flag() {
    let topic = "arn:aws:sns:us-east-1:999988887777:connector-registrations";
    for (kind, extra, flag) in [
        (
            "cloudformation",
            vec!["--callback-topic", topic],
            "--connection-id",
        ),
        (
            "cloudformation",
            vec![
                "--callback-topic",
                "arn:aws:sqs:us-east-1:999988887777:q",
                "--connection-id",
                "a",
            ],
            "--callback-topic",
        ),
        (
            "cloudformation",
            vec![
                "--callback-topic",
                topic,
                "--callback-topic",
                "arn:aws:sns:eu-west-1:111122223333:connector-registrations",
                "--connection-id",
                "a",
            ],
            "--callback-topic",
        ),
        (
            "cloudformation",
            vec!["--callback-topic", topic, "--connection-id", "a b"],
            "--connection-id",
        ),
        (
            "cloudformation",
            vec![
                "--callback-topic",
                topic,
                "--connection-id",
                "a",
                "--callback-timeout",
                "0",
            ],
            "--callback-timeout",
        ),
        (
            "cloudformation",
            vec!["--connection-id", "a"],
            "--connection-id",
        ),
        (
            "stackset",
            vec!["--callback-topic", topic],
            "--tenant-token-env",
        ),
    ] {
        let out = onboard(kind, &extra, &[]);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(flag),
            "{extra:?} should name {flag}: {}",
            stderr(&out)
        );
    }
}
