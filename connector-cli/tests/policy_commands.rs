//! Runs the real `connector` binary on policy files and checks output and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .expect("the connector binary runs")
}

fn write_policy(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connector-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write policy");
    path
}

const READ_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
  {"Sid": "NoKeys", "Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"}
]}"#;

#[test]
fn check_passes_a_clean_policy_and_flags_a_broken_one() {
    let good = write_policy("good.json", READ_ONLY);
    let out = connector(&["policy", "check", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no findings"));

    let bad = write_policy(
        "bad.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}"#,
    );
    let out = connector(&["policy", "check", bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let findings = report["findings"].as_array().expect("findings array");
    assert!(
        findings.iter().any(|f| f["severity"] == "ERROR"),
        "{report}"
    );

    let malformed = write_policy("malformed.json", r#"{"Statement": [{"Effect": "Allow",}]}"#);
    let out = connector(&["policy", "check", malformed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("line 1"),
        "{out:?}"
    );
}

#[test]
fn eval_reports_decision_and_deciding_statement() {
    let file = write_policy("eval.json", READ_ONLY);
    let path = file.to_str().unwrap();
    let out = connector(&["policy", "eval", path, "--action", "ec2:DescribeVpcs"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Allow by statement 0 (Read)"));

    let out = connector(&[
        "policy",
        "eval",
        path,
        "--action",
        "iam:CreateAccessKey",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(report["evaluation"]["decision"], "ExplicitDeny");
    assert_eq!(report["evaluation"]["matched"][0]["sid"], "NoKeys");
}

#[test]
fn bad_input_exits_2_and_names_the_field() {
    let file = write_policy("input.json", READ_ONLY);
    let path = file.to_str().unwrap();
    let out = connector(&["policy", "eval", path, "--action", "x", "--context", "oops"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--context"));

    let out = connector(&[
        "policy",
        "eval",
        path,
        "--action",
        "x",
        "--principal",
        "bob",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--principal"));

    let out = connector(&["policy", "check", "/nonexistent/policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FILE"));
}
