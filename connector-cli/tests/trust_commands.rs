//! Runs the real `connector` binary: `trust generate|lint|simulate` on temporary files.

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
    let dir = std::env::temp_dir().join(format!("connector-cli-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write policy");
    path
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `connector trust lint FILE --vendor-account VENDOR --external-id ID [EXTRA...]`.
fn lint(file: &str, external_id: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "trust",
        "lint",
        file,
        "--vendor-account",
        VENDOR,
        "--external-id",
        external_id,
    ];
    args.extend_from_slice(extra);
    connector(&args)
}

const VENDOR: &str = "999988887777";
const CALLER: &str = "arn:aws:iam::999988887777:role/app";

const GOOD_TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "VendorAssumeRole",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "right-id-123"}}
  }]
}"#;

const NO_EXTERNAL_ID: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
    "Action": "sts:AssumeRole"
  }]
}"#;

#[test]
fn generate_makes_an_external_id_and_says_so() {
    let out = connector(&["trust", "generate", "--vendor-account", VENDOR]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let policy: serde_json::Value = json(&out);
    let statement = &policy["Statement"][0];
    assert_eq!(
        statement["Principal"]["AWS"],
        "arn:aws:iam::999988887777:root"
    );
    let id = statement["Condition"]["StringEquals"]["sts:ExternalId"]
        .as_str()
        .expect("an External ID condition");
    assert_eq!(id.len(), 32);
    assert!(stderr(&out).contains(id), "{}", stderr(&out));

    let out = connector(&[
        "trust",
        "generate",
        "--vendor-account",
        VENDOR,
        "--region",
        "eu-west-1",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(report["kind"], "cross-account");
    assert_eq!(report["external_id_generated"], true);
    let id = report["external_id"].as_str().unwrap();
    assert_eq!(
        report["policy"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        id
    );
    assert_eq!(report["regions"][0], "eu-west-1");
    assert!(report["size"].as_u64().unwrap() < 2048);
}

#[test]
fn generate_uses_the_given_id_and_vendor_role() {
    let out = connector(&[
        "trust",
        "generate",
        "--vendor-account",
        VENDOR,
        "--vendor-role",
        "arn:aws:iam::999988887777:role/scanner",
        "--external-id",
        "given-id-42",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(report["external_id"], "given-id-42");
    assert_eq!(report["external_id_generated"], false);
    assert_eq!(
        report["principal"],
        "arn:aws:iam::999988887777:role/scanner"
    );
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn generate_web_identity() {
    let out = connector(&[
        "trust",
        "generate",
        "--oidc-issuer",
        "https://token.actions.githubusercontent.com",
        "--provider-account",
        "111122223333",
        "--audience",
        "sts.amazonaws.com",
        "--subject-like",
        "repo:acme/*",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(report["kind"], "web-identity");
    assert!(report.get("external_id").is_none());
    let statement = &report["policy"]["Statement"][0];
    assert_eq!(
        statement["Principal"]["Federated"],
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    );
    assert_eq!(
        statement["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"],
        "repo:acme/*"
    );

    // No subject: any identity of the issuer could assume the role.
    let out = connector(&[
        "trust",
        "generate",
        "--oidc-issuer",
        "https://id.example.com",
        "--provider-account",
        "111122223333",
        "--audience",
        "sts.amazonaws.com",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("--subject"), "{}", stderr(&out));
}

#[test]
fn generate_bad_input_names_the_field() {
    let cases: [(&[&str], &str); 8] = [
        (&["--vendor-account", "12"], "invalid account id \"12\""),
        (
            &["--vendor-account", VENDOR, "--region", "cn-north-1"],
            "--region: invalid region \"cn-north-1\": the region is in the aws-cn partition",
        ),
        (
            &["--vendor-account", VENDOR, "--external-id", "x"],
            "--external-id",
        ),
        (
            &["--vendor-account", VENDOR, "--region", "US-EAST-1"],
            "--region",
        ),
        (
            &[
                "--vendor-account",
                VENDOR,
                "--vendor-role",
                "arn:aws:iam::111122223333:role/other",
            ],
            "--vendor-role",
        ),
        (
            &[
                "--oidc-issuer",
                "http://id.example.com",
                "--provider-account",
                "111122223333",
                "--audience",
                "a",
                "--subject",
                "s",
            ],
            "--oidc-issuer",
        ),
        (&[], "--vendor-account"),
        (
            &[
                "--vendor-account",
                VENDOR,
                "--oidc-issuer",
                "https://id.example.com",
                "--provider-account",
                "111122223333",
                "--audience",
                "a",
                "--subject",
                "s",
            ],
            "cannot be used with '--oidc-issuer",
        ),
    ];
    for (args, field) in cases {
        let mut full = vec!["trust", "generate"];
        full.extend_from_slice(args);
        let out = connector(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn lint_accepts_a_good_policy_and_flags_a_missing_external_id() {
    let good = write_policy("good.json", GOOD_TRUST);
    let out = lint(good.to_str().unwrap(), "right-id-123", &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("the vendor may connect"));

    let bad = write_policy("no-external-id.json", NO_EXTERNAL_ID);
    let path = bad.to_str().unwrap();
    let out = lint(path, "right-id-123", &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{path}:3:17: ERROR EXTERNAL_ID_MISSING")),
        "{text}"
    );
    assert!(text.contains("fix: Add \"Condition\""), "{text}");

    let out = lint(path, "right-id-123", &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["vendor_may_connect"], false);
    assert_eq!(report["vendor_allowed"], true);
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "EXTERNAL_ID_MISSING");
    assert_eq!(finding["severity"], "ERROR");
    assert_eq!(finding["line"], 3);
    assert_eq!(finding["column"], 17);
    assert!(
        finding["remediation"]
            .as_str()
            .unwrap()
            .contains("sts:ExternalId")
    );
}

#[test]
fn lint_source_identity_refusal_says_why() {
    // The policy does not allow sts:SetSourceIdentity: exit 1 with a finding naming it, not
    // an empty list.
    let good = write_policy("lint-source-identity.json", GOOD_TRUST);
    let out = lint(
        good.to_str().unwrap(),
        "right-id-123",
        &["--source-identity", "scanner", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["vendor_allowed"], false);
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{report}");
    assert_eq!(findings[0]["code"], "SOURCE_IDENTITY_NOT_ALLOWED");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("sts:SetSourceIdentity")
    );
}

#[test]
fn lint_wrong_id_and_malformed_json_are_findings() {
    let good = write_policy("lint-mismatch.json", GOOD_TRUST);
    let out = lint(good.to_str().unwrap(), "other-id-456", &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["vendor_allowed"], false);
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"EXTERNAL_ID_MISMATCH"), "{codes:?}");

    let invalid = write_policy(
        "lint-invalid.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"sts:ExternalId": "right-id-123"}}}]}"#,
    );
    let out = lint(invalid.to_str().unwrap(), "right-id-123", &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    let invalid_finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "POLICY_INVALID")
        .expect("a POLICY_INVALID finding");
    assert_eq!(invalid_finding["validation_code"], "MISSING_PRINCIPAL");
    assert_eq!(invalid_finding["severity"], "ERROR");
    let out = lint(invalid.to_str().unwrap(), "right-id-123", &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(MISSING_PRINCIPAL)"), "{text}");

    // Text that is not JSON is bad input (exit 2, as in every command), saying where.
    let broken = write_policy("lint-broken.json", "{\"Statement\": [\n  {\"Effect\": ,}]}");
    let out = lint(broken.to_str().unwrap(), "right-id-123", &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not JSON at line 2"));
    // JSON that is not a policy is a finding.
    let not_policy = write_policy("lint-not-policy.json", r#"{"Statement": 5}"#);
    let out = lint(not_policy.to_str().unwrap(), "right-id-123", &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("MALFORMED_POLICY"));
}

#[test]
fn lint_a_service_beside_the_vendor_is_an_error_and_the_region_is_the_vendors() {
    let extra = write_policy(
        "lint-extra.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::999988887777:root", "Service": "ec2.amazonaws.com"},
          "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"sts:ExternalId": "right-id-123", "aws:RequestedRegion": "eu-west-1"}}}]}"#,
    );
    let path = extra.to_str().unwrap();
    let out = lint(path, "right-id-123", &["--region", "eu-west-1", "--json"]);
    // The vendor's call works from its region, but an AWS service can assume the role too.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["vendor_allowed"], true);
    assert_eq!(report["vendor_may_connect"], false);
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "OTHER_PRINCIPALS_ALLOWED");
    assert_eq!(finding["severity"], "ERROR");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("ec2.amazonaws.com")
    );
    assert!(finding["validation_code"].is_null());

    // From another region the condition is not met.
    let out = lint(path, "right-id-123", &["--region", "us-east-1", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let codes: Vec<String> = json(&out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        codes.contains(&"UNSATISFIABLE_CONDITION".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn lint_bad_input_names_the_field() {
    let good = write_policy("lint-input.json", GOOD_TRUST);
    let path = good.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--vendor-account", "1234", "--external-id", "right-id-123"],
            "--vendor-account",
        ),
        (
            &[
                "--vendor-account",
                VENDOR,
                "--external-id",
                "right-id-123",
                "--region",
                "eu-west",
            ],
            "--region: invalid region \"eu-west\"",
        ),
        (
            &["--vendor-account", VENDOR, "--external-id", "bad id"],
            "--external-id",
        ),
        (
            &[
                "--vendor-account",
                VENDOR,
                "--external-id",
                "right-id-123",
                "--vendor-role",
                "role/app",
            ],
            "--vendor-role",
        ),
        (
            &[
                "--vendor-account",
                VENDOR,
                "--external-id",
                "right-id-123",
                "--size-limit",
                "5000",
            ],
            "--size-limit",
        ),
    ];
    for (args, field) in cases {
        let mut full = vec!["trust", "lint", path];
        full.extend_from_slice(args);
        let out = connector(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
    }
    let out = lint("/nonexistent/trust.json", "right-id-123", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("FILE"));
}

#[test]
fn simulate_allows_the_right_id_and_explains_a_denial() {
    let file = write_policy("simulate.json", GOOD_TRUST);
    let path = file.to_str().unwrap();
    let out = connector(&[
        "trust",
        "simulate",
        path,
        "--caller",
        CALLER,
        "--external-id",
        "right-id-123",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sts:AssumeRole: Allow by statement 0 (VendorAssumeRole)"),
        "{text}"
    );

    let out = connector(&[
        "trust",
        "simulate",
        path,
        "--caller",
        CALLER,
        "--external-id",
        "wrong-id",
        "--context",
        "aws:SourceIp=203.0.113.7",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["decision"], "ImplicitDeny");
    assert_eq!(report["allowed"], false);
    assert!(
        report["explanation"]
            .as_str()
            .unwrap()
            .contains("sts:ExternalId")
    );
    let action = &report["actions"][0];
    assert_eq!(action["action"], "sts:AssumeRole");
    assert!(action["deciding_statement"].is_null());
    assert_eq!(action["statements"][0]["conditions"][0]["result"], "NotMet");
}

#[test]
fn simulate_source_identity_needs_set_source_identity() {
    let file = write_policy("simulate-source.json", GOOD_TRUST);
    let out = connector(&[
        "trust",
        "simulate",
        file.to_str().unwrap(),
        "--caller",
        CALLER,
        "--external-id",
        "right-id-123",
        "--source-identity",
        "alice",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["actions"][0]["decision"], "Allow");
    assert_eq!(report["actions"][1]["action"], "sts:SetSourceIdentity");
    assert_eq!(report["actions"][1]["decision"], "ImplicitDeny");
}

#[test]
fn simulate_bad_input_names_the_field() {
    let file = write_policy("simulate-input.json", GOOD_TRUST);
    let path = file.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["--caller", "bob"], "--caller"),
        (&["--caller", CALLER, "--region", "EU-WEST-1"], "--region"),
        (
            &["--caller", CALLER, "--role", "arn:aws:s3:::bucket"],
            "--role",
        ),
        (&["--caller", CALLER, "--context", "novalue"], "--context"),
        (&["--caller", CALLER, "--tag", "team"], "--tag"),
    ];
    for (args, field) in cases {
        let mut full = vec!["trust", "simulate", path];
        full.extend_from_slice(args);
        let out = connector(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
    }
    let broken = write_policy("simulate-broken.json", "{\"Statement\": 3}");
    let out = connector(&[
        "trust",
        "simulate",
        broken.to_str().unwrap(),
        "--caller",
        CALLER,
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("FILE"));
}

/// A valid trust policy of about `bytes` bytes: the vendor's statement with many actions.
fn oversized_policy(bytes: usize) -> String {
    let actions: Vec<String> = (0..bytes / 20)
        .map(|i| format!("\"sts:Action{i:08}\""))
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
          "Principal": {{"AWS": "arn:aws:iam::999988887777:root"}},
          "Action": ["sts:AssumeRole", {}],
          "Condition": {{"StringEquals": {{"sts:ExternalId": "right-id-123"}}}}}}]}}"#,
        actions.join(",")
    )
}

#[test]
fn oversized_trust_policy_is_refused_naming_the_limit() {
    let big = write_policy("oversized.json", &oversized_policy(1_000_000));
    let path = big.to_str().unwrap();
    let out = lint(path, "right-id-123", &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = stderr(&out);
    assert!(
        err.contains("--max-input-bytes") && err.contains("65536"),
        "{err}"
    );
    assert!(err.len() < 500, "{} bytes of stderr", err.len());
    let out = connector(&["trust", "simulate", path, "--caller", CALLER]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains("--max-input-bytes"),
        "{}",
        stderr(&out)
    );

    // A batch tool raises the limit: the policy is parsed and linted (over IAM's quota).
    let out = lint(
        path,
        "right-id-123",
        &["--max-input-bytes", "2000000", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(json(&out)["findings"][0]["code"], "SIZE_LIMIT_EXCEEDED");
    let out = connector(&[
        "trust",
        "simulate",
        path,
        "--caller",
        CALLER,
        "--external-id",
        "right-id-123",
        "--max-input-bytes",
        "2000000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // From standard input too.
    let mut child = Command::new(env!("CARGO_BIN_EXE_connector"))
        .args([
            "trust",
            "lint",
            "-",
            "--vendor-account",
            VENDOR,
            "--external-id",
            "right-id-123",
            "--max-input-bytes",
            "1000",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // The command stops reading at the limit; a closed pipe after that is expected.
        let _ = stdin.write_all(oversized_policy(100_000).as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("1000 bytes"), "{}", stderr(&out));
}

#[test]
fn max_input_bytes_bad_values_name_the_flag() {
    let good = write_policy("max-input.json", GOOD_TRUST);
    let path = good.to_str().unwrap();
    for value in ["0", "-5", "lots", ""] {
        let out = lint(path, "right-id-123", &["--max-input-bytes", value]);
        assert_eq!(out.status.code(), Some(2), "{value}: {out:?}");
        assert!(
            stderr(&out).contains("--max-input-bytes"),
            "{value}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn size_limit_bad_values_name_the_flag() {
    let good = write_policy("size-limit.json", GOOD_TRUST);
    let path = good.to_str().unwrap();
    for value in ["-1", "0", "abc", "", "1.5", "99999999999999999999999"] {
        let out = connector(&[
            "trust",
            "generate",
            "--vendor-account",
            VENDOR,
            "--size-limit",
            value,
        ]);
        assert_eq!(out.status.code(), Some(2), "{value}: {out:?}");
        assert!(
            stderr(&out).contains("--size-limit"),
            "{value}: {}",
            stderr(&out)
        );
        let out = lint(path, "right-id-123", &["--size-limit", value]);
        assert_eq!(out.status.code(), Some(2), "{value}: {out:?}");
        assert!(
            stderr(&out).contains("--size-limit"),
            "{value}: {}",
            stderr(&out)
        );
    }
    // `--size-limit=-1` too, and a valid raised quota still works.
    let out = connector(&[
        "trust",
        "generate",
        "--vendor-account",
        VENDOR,
        "--size-limit=-1",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("--size-limit"), "{}", stderr(&out));
    let out = connector(&[
        "trust",
        "generate",
        "--vendor-account",
        VENDOR,
        "--size-limit",
        "4096",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn simulate_caller_must_be_a_principal_arn() {
    let file = write_policy("simulate-caller.json", NO_EXTERNAL_ID);
    let path = file.to_str().unwrap();
    // Before: a malformed assumed-role ARN was simulated and allowed (exit 0).
    for caller in [
        "arn:aws:sts::999988887777:assumed-role/app",
        "arn:aws:sts::999988887777:assumed-role/app/",
        "arn:aws:sts::999988887777:assumed-role//session",
        "arn:aws:iam::999988887777:group/admins",
        "arn:aws:iam:eu-west-1:999988887777:role/app",
    ] {
        let out = connector(&["trust", "simulate", path, "--caller", caller]);
        assert_eq!(out.status.code(), Some(2), "{caller}: {out:?}");
        let err = stderr(&out);
        assert!(
            err.contains("--caller: invalid caller ARN"),
            "{caller}: {err}"
        );
    }
    for caller in [
        "arn:aws:sts::999988887777:assumed-role/app/worker-1",
        "arn:aws:iam::999988887777:role/app",
        "arn:aws:iam::999988887777:user/bob",
        "arn:aws:iam::999988887777:root",
    ] {
        let out = connector(&["trust", "simulate", path, "--caller", caller]);
        assert_eq!(out.status.code(), Some(0), "{caller}: {out:?}");
    }
}

#[test]
fn simulate_session_name_is_validated() {
    let file = write_policy("simulate-session.json", NO_EXTERNAL_ID);
    let path = file.to_str().unwrap();
    let long = "s".repeat(65);
    for name in ["x", "", "has space", "a/b", long.as_str()] {
        let out = connector(&[
            "trust",
            "simulate",
            path,
            "--caller",
            CALLER,
            "--session-name",
            name,
        ]);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {out:?}");
        assert!(
            stderr(&out).contains("--session-name"),
            "{name:?}: {}",
            stderr(&out)
        );
    }
    let out = connector(&[
        "trust",
        "simulate",
        path,
        "--caller",
        CALLER,
        "--session-name",
        "worker+1=a,b.c@d_e-f",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn lint_region_is_validated() {
    let good = write_policy("lint-region.json", GOOD_TRUST);
    let path = good.to_str().unwrap();
    for region in ["", "US-EAST-1", "us-east-1a", "us-east-1 ", "eu-west"] {
        let out = lint(path, "right-id-123", &["--region", region]);
        assert_eq!(out.status.code(), Some(2), "{region:?}: {out:?}");
        assert!(
            stderr(&out).contains("--region"),
            "{region:?}: {}",
            stderr(&out)
        );
    }
    let out = lint(path, "right-id-123", &["--region", "eu-west-1"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
