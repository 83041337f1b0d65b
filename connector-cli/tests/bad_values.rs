//! Every bad value names its flag and exits 2 (bad input): `onboard`'s names, durations, URLs
//! and organizational units, negative numbers, and `connect test`'s endpoint URL and session
//! name, before anything reaches AWS.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::process::{Command, Output};

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        // No AWS configuration from the machine running the tests.
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("the connector binary runs")
}

const COMMON: [&str; 6] = [
    "--set",
    "axiom:read-only-scan",
    "--vendor-account",
    "999988887777",
    "--external-id",
    "q3VfR8sLx2NwT6yZ0bC4dE7gH1jK5mPz",
];

fn onboard(kind: &str, extra: &[&str]) -> Output {
    let mut args = vec!["onboard", kind];
    args.extend(COMMON);
    args.extend(extra);
    connector(&args)
}

/// Exit 2, and the message names `flag`.
fn assert_names(out: &Output, flag: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{flag}: {out:?}");
    assert!(stderr.contains(flag), "{flag} not named: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const S3: &str = "https://bucket.s3.amazonaws.com/connector.yaml";

#[test]
fn every_bad_onboard_value_names_its_flag() {
    for (kind, extra, flag) in [
        (
            "cloudformation",
            vec!["--role-name", "bad name!"],
            "--role-name",
        ),
        ("terraform", vec!["--role-name", "bad name!"], "--role-name"),
        (
            "cloudformation",
            vec!["--max-session-duration", "99999999"],
            "--max-session-duration",
        ),
        (
            "cloudformation",
            vec!["--max-session-duration", "-5"],
            "--max-session-duration",
        ),
        (
            "manual",
            vec!["--max-session-duration", "-3600"],
            "--max-session-duration",
        ),
        (
            "cloudformation",
            vec![
                "--template-url",
                "https://example.com/t.yaml",
                "--region",
                "us-east-1",
            ],
            "--template-url",
        ),
        (
            "cloudformation",
            vec![
                "--template-url",
                "https://s3.evil.example?.amazonaws.com/b/k.yaml",
                "--region",
                "us-east-1",
            ],
            "--template-url",
        ),
        (
            "cloudformation",
            vec![
                "--template-url",
                S3,
                "--region",
                "us-east-1",
                "--stack-name",
                "bad_name",
            ],
            "--stack-name",
        ),
        (
            "stackset",
            vec!["--stack-set-name", "bad name"],
            "--stack-set-name",
        ),
    ] {
        assert_names(&onboard(kind, &extra), flag);
    }
}

#[test]
fn stack_name_is_checked_without_template_url() {
    let out = onboard("cloudformation", &["--stack-name", "bad_name"]);
    assert_names(&out, "--stack-name");
    let out = onboard("cloudformation", &["--stack-name", "Good-Name"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn stackset_organizational_unit_and_region_are_checked() {
    assert_names(
        &onboard("stackset", &["--organizational-unit", "nope"]),
        "--organizational-unit",
    );
    assert_names(
        &onboard(
            "stackset",
            &[
                "--organizational-unit",
                "ou-ab12-cd34ef56",
                "--organizational-unit",
                "ou-x",
            ],
        ),
        "--organizational-unit",
    );
    assert_names(&onboard("stackset", &["--region", "nope"]), "--region");
    let out = onboard(
        "stackset",
        &[
            "--organizational-unit",
            "ou-ab12-cd34ef56",
            "--organizational-unit",
            "r-ab12",
            "--region",
            "eu-west-1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("OrganizationalUnitIds='ou-ab12-cd34ef56,r-ab12' --regions eu-west-1"),
        "{note}"
    );
}

const ROLE: [&str; 6] = [
    "connect",
    "test",
    "--role-arn",
    "arn:aws:iam::111122223333:role/Connector",
    "--external-id",
    "q3VfR8sLx2NwT6yZ0bC4dE7gH1jK5mPz",
];

#[test]
fn connect_test_endpoint_url_is_checked_before_the_sdk_sees_it() {
    for bad in ["not a url", "localhost:4566", "ftp://example.com"] {
        let mut args = ROLE.to_vec();
        args.extend(["--region", "us-east-1", "--endpoint-url", bad]);
        let out = connector(&args);
        assert_names(&out, "--endpoint-url");
        // One line, not the SDK's debug dump.
        assert!(
            out.stderr.len() < 300,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn connect_test_invalid_session_name_is_bad_input_not_a_finding() {
    for bad in ["x", "has space", &"a".repeat(65)] {
        let mut args = ROLE.to_vec();
        args.extend(["--region", "us-east-1", "--session-name", bad]);
        assert_names(&connector(&args), "--session-name");
    }
}
