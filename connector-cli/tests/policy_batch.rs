//! `connector policy check|expand|audit` over many files, directories and the shapes AWS
//! tools write (a bare document, `get-policy-version`, `get-account-authorization-details`),
//! in one process, with `--format json|sarif|html`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may panic"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

const READ_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}"#;
const KEYS: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Keys", "Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}]}"#;

/// A fresh directory holding `files` (name, text).
fn dir_with(test: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connector-batch-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn policy_version(doc: &str) -> String {
    format!(
        "{{\n    \"PolicyVersion\": {{\n        \"VersionId\": \"v2\",\n        \"Document\": {doc}\n    }}\n}}\n"
    )
}

fn authorization_details(role: &str) -> String {
    let encoded: String = KEYS
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        r#"{{
  "RoleDetailList": [{{
    "RoleName": {role},
    "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}},
    "RolePolicyList": [{{"PolicyName": "Keys", "PolicyDocument": "{encoded}"}}]
  }}],
  "UserDetailList": [{{"UserName": "alice", "UserPolicyList": [{{"PolicyName": "Read", "PolicyDocument": {READ_ONLY}}}]}}],
  "GroupDetailList": [],
  "Policies": [{{"PolicyName": "Mine", "Arn": "arn:aws:iam::111122223333:policy/Mine",
    "PolicyVersionList": [{{"Document": {KEYS}, "VersionId": "v3", "IsDefaultVersion": true}},
                          {{"Document": {READ_ONLY}, "VersionId": "v2", "IsDefaultVersion": false}}]}}]
}}"#,
        role = serde_json::to_string(role).unwrap()
    )
}

fn account(test: &str) -> PathBuf {
    dir_with(
        test,
        &[
            ("a-bare.json", READ_ONLY.to_owned()),
            ("b-version.json", policy_version(KEYS)),
            ("nested/c-account.json", authorization_details("App")),
            (
                "d-broken.json",
                r#"{"PolicyVersion": {"VersionId": "v1"}}"#.to_owned(),
            ),
            ("notes.txt", "not a policy".to_owned()),
        ],
    )
}

fn sources(report: &serde_json::Value) -> Vec<String> {
    report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source"].as_str().unwrap().to_owned())
        .collect()
}

fn name(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

#[test]
fn audit_reads_every_shape_of_a_directory_in_one_process_and_labels_each_owner() {
    let dir = account("audit");
    let out = connector(&["policy", "audit", dir.to_str().unwrap(), "--json"]);
    // A broken file makes the batch bad input; the others are still audited.
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let account = name(&dir, "nested/c-account.json");
    assert_eq!(
        sources(&report),
        [
            name(&dir, "a-bare.json"),
            name(&dir, "b-version.json"),
            format!("{account}: role/App inline Keys"),
            format!("{account}: user/alice inline Read"),
            format!("{account}: managed arn:aws:iam::111122223333:policy/Mine v3"),
        ]
    );
    let holds: Vec<bool> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["all_hold"].as_bool().unwrap())
        .collect();
    assert_eq!(holds, [true, false, false, true, false]);
    // The wrapped document's violation points at its line in the file.
    let wrapped = &report["policies"][1]["guarantees"];
    let violation = wrapped
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["violations"].as_array().unwrap())
        .find(|v| v["code"] == "PRIVILEGE_ESCALATION")
        .unwrap();
    // `{"Version": "2012-10-17", "Statement": [` is 40 characters; the document starts at column 21.
    assert_eq!(
        (violation["line"].as_u64(), violation["column"].as_u64()),
        (Some(4), Some(61))
    );
    assert_eq!(violation["conditional"], false);
    assert_eq!(report["errors"][0]["source"], name(&dir, "d-broken.json"));
    assert!(stderr(&out).contains("d-broken.json"), "{out:?}");
}

#[test]
fn check_and_expand_take_the_same_batch_and_check_each_document_as_what_it_is() {
    let dir = account("check");
    let out = connector(&["policy", "check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let account = name(&dir, "nested/c-account.json");
    // The role's trust policy is checked as a trust policy (it has a Principal): no finding.
    let trust = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source"] == format!("{account}: role/App trust policy"))
        .unwrap();
    assert_eq!(trust["findings"], serde_json::json!([]), "{trust}");

    let out = connector(&["policy", "check", dir.to_str().unwrap()]);
    assert!(
        stdout(&out).contains(
            "6 policies checked: 0 with an error or a security warning; 1 could not be used"
        ),
        "{out:?}"
    );
    let out = connector(&["policy", "expand", dir.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sources(&report).len(), 6, "{report}");
}

#[test]
fn a_bad_file_is_reported_and_the_rest_continue_and_the_exit_status_is_the_worst() {
    let dir = dir_with(
        "worst",
        &[
            ("clean.json", READ_ONLY.to_owned()),
            ("keys.json", KEYS.to_owned()),
        ],
    );
    let clean = name(&dir, "clean.json");
    let keys = name(&dir, "keys.json");
    let out = connector(&["policy", "audit", &clean]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = connector(&["policy", "audit", &clean, &keys]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stdout(&out).contains("2 policies audited: 1 violate"),
        "{out:?}"
    );
    let missing = name(&dir, "missing.json");
    let out = connector(&["policy", "audit", &clean, &missing, &keys]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains(&format!("FILE {missing}: cannot read it")),
        "{out:?}"
    );
    assert!(
        stdout(&out).contains(&format!("{keys}: 3 of 4 guarantees violated")),
        "{out:?}"
    );
}

#[test]
fn get_policy_version_output_is_read_as_its_document() {
    let dir = dir_with("version", &[("v.json", policy_version(KEYS))]);
    let file = name(&dir, "v.json");
    let out = connector(&["policy", "audit", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // One file, one document: the single-document output of earlier versions.
    assert_eq!(report["source"], file);
    assert_eq!(report["all_hold"], false);
    let out = connector(&["policy", "check", &file]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn sarif_output_has_rules_results_and_file_locations() {
    let dir = dir_with(
        "sarif",
        &[
            ("v.json", policy_version(KEYS)),
            ("ok.json", READ_ONLY.to_owned()),
        ],
    );
    let out = connector(&[
        "policy",
        "audit",
        dir.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "PRIVILEGE_ESCALATION"));
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "PRIVILEGE_ESCALATION")
        .unwrap();
    let location = &result["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/v.json"),
        "{location}"
    );
    assert_eq!(location["region"]["startLine"], 4);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let out = connector(&[
        "policy",
        "check",
        dir.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][0]["id"],
        "JSON_SYNTAX_ERROR"
    );
}

#[test]
fn html_report_has_the_summary_first_and_escapes_a_hostile_policy_name() {
    let dir = dir_with(
        "html",
        &[(
            "account.json",
            authorization_details("<script>alert(1)</script>"),
        )],
    );
    let out = connector(&["policy", "audit", dir.to_str().unwrap(), "--format", "html"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let page = stdout(&out);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(!page.contains("<script"), "{page}");
    assert!(page.contains("role/&lt;script&gt;alert(1)&lt;/script&gt; inline Keys"));
    let summary = page.find("<h2 id=\"summary\">Summary</h2>").unwrap();
    let first = page.find("<h2 id=\"policy-0\">").unwrap();
    assert!(summary < first);
    assert!(page.contains("<th>no-privilege-escalation</th>"));
    assert!(page.contains("iam:CreateAccessKey"));
    // No network: no external stylesheet, script, image or font.
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("<link"));
}

#[test]
fn json_is_still_an_alias_of_format_json() {
    let dir = dir_with("alias", &[("k.json", KEYS.to_owned())]);
    let file = name(&dir, "k.json");
    let json = connector(&["policy", "audit", &file, "--json"]);
    let format = connector(&["policy", "audit", &file, "--format", "json"]);
    assert_eq!(json.stdout, format.stdout);
    let both = connector(&["policy", "audit", &file, "--json", "--format", "html"]);
    assert_eq!(both.status.code(), Some(2), "{both:?}");
}

#[test]
fn no_progress_bar_when_stderr_is_piped() {
    let dir = dir_with(
        "progress",
        &[
            ("a.json", READ_ONLY.to_owned()),
            ("b.json", READ_ONLY.to_owned()),
        ],
    );
    let out = connector(&["policy", "audit", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
}
