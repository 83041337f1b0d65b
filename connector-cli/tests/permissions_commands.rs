//! Runs the real `connector` binary: `permissions list|show|render`.

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

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .expect("the connector binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn list_names_every_builtin_set() {
    let out = connector(&["permissions", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    let sets = report["sets"].as_array().unwrap();
    let scan = sets
        .iter()
        .find(|s| s["name"] == "axiom:read-only-scan")
        .expect("axiom:read-only-scan");
    assert_eq!(scan["version"], "1.0.0");
    assert!(
        scan["areas"]
            .as_array()
            .unwrap()
            .contains(&"compute".into())
    );
    let s3 = sets.iter().find(|s| s["name"] == "aws:s3-read").unwrap();
    assert_eq!(s3["parameters"], serde_json::json!(["Buckets"]));
    assert_eq!(
        s3["claims"],
        serde_json::json!(["read-only", "no-excluded-area", "no-privilege-escalation"])
    );
    assert_eq!(
        scan["claims"],
        serde_json::json!(["read-only", "no-privilege-escalation"])
    );
    assert!(
        scan["areas"]
            .as_array()
            .unwrap()
            .contains(&"excluded".into())
    );

    let out = connector(&["permissions", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("guarantees: read-only, no-excluded-area, no-privilege-escalation"),
        "{text}"
    );
    for set in sets {
        assert!(text.contains(set["name"].as_str().unwrap()), "{text}");
    }
}

#[test]
fn show_explains_each_line_and_the_parameters() {
    let out = connector(&["permissions", "show", "orchestrator"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("| area | permissions | resources | why |"),
        "{text}"
    );
    assert!(text.contains("`iam:PassRole`"), "{text}");
    assert!(
        text.contains("PassRolePath (single value, default /orchestrator/)"),
        "{text}"
    );
    assert!(text.contains("rule: an IAM path"), "{text}");
    assert!(
        text.contains("Guarantees, checked against the AWS action catalog: no-excluded-area, no-privilege-escalation."),
        "{text}"
    );

    // Axiom's Cost Explorer line is in the excluded area, opted in with its reason.
    let out = connector(&["permissions", "show", "axiom:read-only-scan", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    let costs = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "CostSignals")
        .unwrap();
    assert_eq!(costs["area"], "excluded");
    assert!(
        costs["excluded_area_justification"]
            .as_str()
            .unwrap()
            .contains("cannot change it")
    );
    assert_eq!(
        report["claims"],
        serde_json::json!(["read-only", "no-privilege-escalation"])
    );

    let out = connector(&["permissions", "show", "aws:s3-read", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert!(!report["rows"].as_array().unwrap().is_empty());
    assert!(report["rows"][0]["justification"].is_string());
    let buckets = &report["parameters"][0];
    assert_eq!(buckets["name"], "Buckets");
    assert_eq!(buckets["required"], true);
    assert_eq!(buckets["list"], true);
    assert_eq!(buckets["rule"], "BucketName");
}

#[test]
fn render_needs_required_parameters_unless_samples_are_asked_for() {
    let out = connector(&["permissions", "render", "aws:s3-read"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("--param Buckets"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    let out = connector(&[
        "permissions",
        "render",
        "aws:s3-read",
        "--sample-values",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(report["sample_values"], serde_json::json!(["Buckets"]));
    assert_eq!(report["kind"], "managed");

    let out = connector(&[
        "permissions",
        "render",
        "aws:s3-read",
        "--param",
        "Buckets=acme-data",
        "--param",
        "Buckets=acme-logs",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let policy: serde_json::Value = json(&out);
    let text = policy.to_string();
    assert!(text.contains("arn:aws:s3:::acme-data/*"), "{text}");
    assert!(text.contains("arn:aws:s3:::acme-logs/*"), "{text}");
    assert!(
        stderr(&out).contains("managed policy 1 of 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn render_targets_and_session_policies() {
    let out = connector(&[
        "permissions",
        "render",
        "orchestrator",
        "--target",
        "inline",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(report["kind"], "inline");
    assert_eq!(
        report["parameters"]["PassRolePath"],
        serde_json::json!(["/orchestrator/"])
    );
    assert_eq!(report["documents"].as_array().unwrap().len(), 1);
    assert!(report["documents"][0]["size"].as_u64().unwrap() <= 10_240);

    let out = connector(&[
        "permissions",
        "render",
        "aws:s3-read",
        "--param",
        "Buckets=acme-data",
        "--session-policy",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(report["kind"], "session");
    assert!(report["documents"][0]["size"].as_u64().unwrap() <= 2048);

    // The whole orchestrator set does not fit a 2,048-character session policy: a finding.
    let out = connector(&["permissions", "render", "orchestrator", "--session-policy"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr(&out).contains("over the limit of 2048"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn render_and_show_bad_input_names_the_field() {
    let cases: [(&[&str], &str); 6] = [
        (&["show", "nope"], "invalid permission set \"nope\""),
        (&["render", "nope"], "the built-in sets are"),
        (
            &["render", "aws:s3-read", "--param", "Buckets=Not_A_Bucket"],
            "--param",
        ),
        (
            &["render", "aws:s3-read", "--param", "Tables=x"],
            "--param Tables",
        ),
        (&["render", "aws:s3-read", "--param", "Buckets"], "--param"),
        (
            &[
                "render",
                "aws:s3-read",
                "--sample-values",
                "--session-policy",
                "--grant",
                "Nope",
            ],
            "--grant",
        ),
    ];
    for (args, field) in cases {
        let mut full = vec!["permissions"];
        full.extend_from_slice(args);
        let out = connector(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn values_that_break_a_claimed_guarantee_are_bad_input() {
    // The orchestrator claims no privilege escalation; passing every role breaks it.
    let out = connector(&[
        "permissions",
        "render",
        "orchestrator",
        "--param",
        "PassRolePath=/",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let message = stderr(&out);
    assert!(
        message.contains("--param: permission set `orchestrator@1.0.0` claims no-privilege-escalation but grant `PassWorkloadRoles` allows iam:PassRole"),
        "{message}"
    );
    assert!(message.contains("(PASS_ROLE_ESCALATION)"), "{message}");
    let out = connector(&[
        "permissions",
        "render",
        "orchestrator",
        "--param",
        "PassRolePath=/acme/",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(
        (report["name"].as_str(), report["version"].as_str()),
        (Some("orchestrator"), Some("1.0.0"))
    );
}
