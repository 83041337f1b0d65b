//! `connector policy eval --principal-kind`: every kind of caller the library evaluates, and
//! bad `--principal` / `--principal-kind` / `--action` input exiting 2 with the flag named.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .expect("the connector binary runs")
}

fn write_policy(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connector-cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write policy");
    path
}

/// A resource policy with one statement per kind of caller.
const BY_KIND: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Role", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Svc", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"},
  {"Sid": "Fed", "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "s3:ListBucket", "Resource": "*"},
  {"Sid": "Canon", "Effect": "Allow", "Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "s3:GetObjectAcl", "Resource": "*"},
  {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetBucketLocation", "Resource": "*"}
]}"#;

fn decision(args: &[&str]) -> (Option<i32>, String) {
    let file = write_policy("by-kind.json", BY_KIND);
    let mut all = vec!["policy", "eval", file.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    let out = connector(&all);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    (
        out.status.code(),
        report["evaluation"]["decision"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[test]
fn principal_kind_names_every_caller_the_library_evaluates() {
    let allowed = |args: &[&str]| {
        let (code, decision) = decision(args);
        assert_eq!((code, decision.as_str()), (Some(0), "Allow"), "{args:?}");
    };
    let denied = |args: &[&str]| {
        let (code, decision) = decision(args);
        assert_eq!(
            (code, decision.as_str()),
            (Some(1), "ImplicitDeny"),
            "{args:?}"
        );
    };
    // aws is the default kind.
    let session = "arn:aws:sts::111122223333:assumed-role/app/s1";
    allowed(&["--action", "s3:GetObject", "--principal", session]);
    allowed(&[
        "--action",
        "s3:GetObject",
        "--principal-kind",
        "aws",
        "--principal",
        session,
    ]);
    let cloudtrail = [
        "--principal-kind",
        "service",
        "--principal",
        "cloudtrail.amazonaws.com",
    ];
    allowed(&[&["--action", "s3:PutObject"], &cloudtrail[..]].concat());
    denied(&[&["--action", "s3:GetObject"], &cloudtrail[..]].concat());
    allowed(&[
        "--action",
        "s3:ListBucket",
        "--principal-kind",
        "federated",
        "--principal",
        "cognito-identity.amazonaws.com",
    ]);
    allowed(&[
        "--action",
        "s3:GetObjectAcl",
        "--principal-kind",
        "canonical-user",
        "--principal",
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    ]);
    allowed(&[
        "--action",
        "s3:GetBucketLocation",
        "--principal-kind",
        "anonymous",
    ]);
    denied(&["--action", "s3:GetObject", "--principal-kind", "anonymous"]);
}

#[test]
fn bad_principal_combinations_exit_2_naming_the_flag() {
    let file = write_policy("bad.json", BY_KIND);
    let path = file.to_str().unwrap();
    for (args, flag) in [
        (
            vec!["--principal-kind", "anonymous", "--principal", "x"],
            "--principal",
        ),
        (vec!["--principal-kind", "service"], "--principal"),
        (
            vec!["--principal-kind", "federated", "--principal", ""],
            "--principal",
        ),
        (
            vec!["--principal-kind", "robot", "--principal", "x"],
            "--principal-kind",
        ),
        (
            vec!["--principal-kind", "aws", "--principal", "bob"],
            "--principal",
        ),
    ] {
        let mut all = vec!["policy", "eval", path, "--action", "s3:GetObject"];
        all.extend_from_slice(&args);
        let out = connector(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?} {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(flag),
            "{args:?} {out:?}"
        );
    }
}

#[test]
fn malformed_action_exits_2_naming_the_action_flag() {
    let file = write_policy("action.json", BY_KIND);
    let path = file.to_str().unwrap();
    for action in ["", ":", "s3:", ":GetObject", "GetObject", "s3:Get Object"] {
        let out = connector(&["policy", "eval", path, "--action", action]);
        assert_eq!(out.status.code(), Some(2), "{action:?} {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--action"),
            "{action:?} {out:?}"
        );
    }
}
