//! Runs the real `connector` binary on policy files and checks output and exit codes.

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
    assert_eq!(out.status.code(), Some(2), "{out:?}");
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

const TYPOS: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow",
   "Action": ["ec2:DescribeVpcs", "s3:GetObjects", "s3x:Get*", "s3:Zzz*"], "Resource": "*"}
]}"#;

#[test]
fn expand_lists_actions_per_statement_allow_and_deny_apart() {
    let file = write_policy("expand.json", READ_ONLY);
    let out = connector(&["policy", "expand", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let allowed: Vec<&str> = report["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(allowed.contains(&"ec2:DescribeVpcs"), "{allowed:?}");
    assert!(allowed.iter().all(|a| a.starts_with("ec2:Describe")));
    assert_eq!(report["denied"], serde_json::json!(["iam:CreateAccessKey"]));
    let read = &report["statements"][0];
    assert_eq!(read["sid"], "Read");
    assert_eq!(read["effect"], "Allow");
    assert_eq!(read["clause"], "Action");
    assert_eq!(read["count"], allowed.len());
    assert_eq!(read["patterns"][0]["matches"], allowed.len());
    assert_eq!(report["statements"][1]["effect"], "Deny");
    assert_eq!(report["findings"], serde_json::json!([]));

    let out = connector(&["policy", "expand", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let allow_at = text.find("Allow:").expect("an Allow section");
    let deny_at = text.find("Deny:").expect("a Deny section");
    assert!(allow_at < deny_at, "{text}");
    assert!(text[deny_at..].contains("iam:CreateAccessKey"), "{text}");
}

#[test]
fn expand_not_action_is_the_complement_within_the_catalog() {
    let file = write_policy(
        "not-action.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}"#,
    );
    let out = connector(&["policy", "expand", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let statement = &report["statements"][0];
    assert_eq!(statement["clause"], "NotAction");
    let actions = statement["actions"].as_array().unwrap();
    assert!(actions.len() > 15_000, "{}", actions.len());
    assert!(actions.iter().any(|a| a == "s3:GetObject"));
    assert!(
        !actions
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("iam:"))
    );
    let excluded = statement["patterns"][0]["matches"].as_u64().unwrap();
    assert!(excluded > 100, "{excluded}");

    let out = connector(&["policy", "expand", file.to_str().unwrap(), "--summary"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("every catalog action except"), "{text}");
    assert!(text.lines().count() < 10, "{text}");
}

#[test]
fn expand_reports_unknown_actions_with_suggestions() {
    let file = write_policy("typos.json", TYPOS);
    let path = file.to_str().unwrap();
    let out = connector(&["policy", "expand", path, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let findings = report["findings"].as_array().unwrap();
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["UNKNOWN_ACTION", "UNKNOWN_SERVICE", "MATCHES_NOTHING"]
    );
    assert_eq!(findings[0]["suggestion"], "s3:GetObject");
    assert_eq!(findings[0]["path"], "$.Statement[0].Action[1]");
    assert_eq!(findings[0]["line"], 3);

    let out = connector(&["policy", "expand", path]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("did you mean \"s3:GetObject\""), "{text}");
    assert!(text.contains(&format!("{path}:3:")), "{text}");
}

#[test]
fn audit_json_marks_conditional_violations() {
    let file = write_policy(
        "audit-conditional.json",
        r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Tagged", "Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*",
   "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}}
]}"#,
    );
    let out = connector(&["policy", "audit", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a conditional violation still violates: {out:?}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let escalation = report["guarantees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "no-privilege-escalation")
        .unwrap()
        .clone();
    assert_eq!(escalation["holds"], false);
    assert_eq!(escalation["violations"][0]["action"], "iam:CreateAccessKey");
    assert_eq!(escalation["violations"][0]["conditional"], true);
    let out = connector(&["policy", "audit", file.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("iam:CreateAccessKey (conditional)"),
        "{out:?}"
    );
}

#[test]
fn audit_reports_guarantees_and_violations() {
    let file = write_policy("audit-clean.json", READ_ONLY);
    let out = connector(&["policy", "audit", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("every guarantee checked holds"));

    let risky = write_policy(
        "audit-risky.json",
        r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Data", "Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"], "Resource": "*"},
  {"Sid": "Escalate", "Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*"}
]}"#,
    );
    let out = connector(&["policy", "audit", risky.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(report["all_hold"], false);
    let guarantee = |name: &str| {
        report["guarantees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {report}"))
            .clone()
    };
    let escalation = guarantee("no-privilege-escalation");
    assert_eq!(escalation["holds"], false);
    assert_eq!(
        escalation["violations"][0]["action"],
        "iam:AttachRolePolicy"
    );
    assert_eq!(escalation["violations"][0]["sid"], "Escalate");
    assert_eq!(escalation["violations"][0]["line"], 3);
    assert_eq!(escalation["violations"][0]["code"], "PRIVILEGE_ESCALATION");
    assert_eq!(escalation["violations"][0]["severity"], "SECURITY_WARNING");
    assert_eq!(escalation["violations"][0]["conditional"], false);
    let reads = guarantee("no-data-reads");
    assert_eq!(reads["violations"][0]["action"], "s3:GetObject");
    assert_eq!(reads["violations"][0]["statement"], 0);
    assert_eq!(reads["violations"][0]["code"], "DATA_READ");
    assert_eq!(reads["violations"][0]["severity"], "WARNING");
    let writes = guarantee("read-only");
    assert_eq!(writes["violations"][0]["code"], "NOT_READ_ONLY");
    assert_eq!(
        writes["description"],
        "no Write, Permissions management or Tagging action is allowed"
    );

    // Only the chosen guarantees are checked and shown.
    let out = connector(&[
        "policy",
        "audit",
        risky.to_str().unwrap(),
        "--guarantee",
        "no-excluded-area",
        "--guarantee",
        "no-privilege-escalation",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("VIOLATED no-privilege-escalation"), "{text}");
    assert!(
        text.contains("PRIVILEGE_ESCALATION iam:AttachRolePolicy: can attach"),
        "{text}"
    );
    assert!(!text.contains("no-data-reads"), "{text}");
}

#[test]
fn expand_and_audit_bad_input_exits_2() {
    let broken = write_policy(
        "broken-expand.json",
        r#"{"Statement": [{"Effect": "Maybe"}]}"#,
    );
    for command in ["expand", "audit"] {
        let out = connector(&["policy", command, broken.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}: {out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("FILE"));
        let out = connector(&["policy", command, "/nonexistent/policy.json"]);
        assert_eq!(out.status.code(), Some(2), "{command}: {out:?}");
    }
    let file = write_policy("audit-flag.json", READ_ONLY);
    let out = connector(&[
        "policy",
        "audit",
        file.to_str().unwrap(),
        "--guarantee",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--guarantee"));
}

/// Unparseable JSON is bad input (exit 2) in every policy command and in `trust simulate` and
/// `trust lint`,
/// and the message names the file (exit.rs documents the choice).
#[test]
fn unparseable_json_is_bad_input_in_every_command() {
    let malformed = write_policy("not-json.json", r#"{"Statement": [{"Effect": "Allow",}]}"#);
    let file = malformed.to_str().unwrap();
    for args in [
        vec!["policy", "check", file],
        vec!["policy", "check", file, "--json"],
        vec!["policy", "eval", file, "--action", "s3:GetObject"],
        vec!["policy", "expand", file],
        vec!["policy", "audit", file],
        vec![
            "trust",
            "simulate",
            file,
            "--caller",
            "arn:aws:iam::999988887777:root",
        ],
        vec![
            "trust",
            "lint",
            file,
            "--vendor-account",
            "999988887777",
            "--external-id",
            "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
        ],
    ] {
        let out = connector(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(file),
            "{args:?}: {out:?}"
        );
    }
    let help = connector(&["--help"]);
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("2 on bad input"),
        "{help:?}"
    );
}
