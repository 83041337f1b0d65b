//! Runs the real `connector` binary: `trust lint --oidc-issuer URL --tenant T
//! --customer-account ID` on the policy `trust generate --oidc-issuer` writes, on a loose one,
//! and with bad values (exit 2 naming the flag).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ISSUER: &str = "https://id.auto-nomos.com";
const ACCOUNT: &str = "111122223333";

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .expect("the connector binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write_policy(name: &str, text: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connector-cli-oidc-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The policy `trust generate --oidc-issuer` writes for one subject flag.
fn generated(subject_flag: &str, subject: &str) -> PathBuf {
    let out = connector(&[
        "trust",
        "generate",
        "--oidc-issuer",
        ISSUER,
        "--provider-account",
        ACCOUNT,
        "--audience",
        "sts.amazonaws.com",
        subject_flag,
        subject,
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    write_policy(
        &format!("{}.json", subject.replace(['/', '*'], "_")),
        &out.stdout,
    )
}

/// `connector trust lint FILE --oidc-issuer ISSUER --tenant acme --customer-account ACCOUNT`.
fn lint(file: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "trust",
        "lint",
        file.to_str().unwrap(),
        "--oidc-issuer",
        ISSUER,
        "--tenant",
        "acme",
        "--customer-account",
        ACCOUNT,
    ];
    args.extend_from_slice(extra);
    connector(&args)
}

#[test]
fn lint_oidc_accepts_the_tenants_policy_and_refuses_a_loose_one() {
    let good = generated("--subject", "org/acme");
    let out = lint(&good, &["--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["vendor_may_connect"], true);
    assert_eq!(report["findings"], serde_json::json!([]));

    let loose = generated("--subject-like", "org/*");
    let out = lint(&loose, &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["vendor_allowed"], true);
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"OIDC_OTHER_SUBJECT_ACCEPTED"), "{codes:?}");

    let other = generated("--subject", "org/someone-else");
    let out = lint(&other, &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("OIDC_TOKEN_NOT_TRUSTED"), "{text}");
}

#[test]
fn lint_oidc_bad_values_exit_2_naming_the_flag() {
    let good = generated("--subject", "org/acme");
    let path = good.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--oidc-issuer",
                "http://id.auto-nomos.com",
                "--tenant",
                "acme",
                "--customer-account",
                ACCOUNT,
            ],
            "--oidc-issuer",
        ),
        (
            &[
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "a b",
                "--customer-account",
                ACCOUNT,
            ],
            "--tenant",
        ),
        (
            &[
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--customer-account",
                "12",
            ],
            "--customer-account",
        ),
        (
            &[
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--customer-account",
                ACCOUNT,
                "--audience",
                "a\"b",
            ],
            "--audience",
        ),
        (
            &["--oidc-issuer", ISSUER, "--customer-account", ACCOUNT],
            "--tenant",
        ),
        (
            &[
                "--oidc-issuer",
                ISSUER,
                "--tenant",
                "acme",
                "--customer-account",
                ACCOUNT,
                "--external-id",
                "right-id-123",
            ],
            "--external-id",
        ),
    ];
    for (args, flag) in cases {
        let mut full = vec!["trust", "lint", path];
        full.extend_from_slice(args);
        let out = connector(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
    }
}
