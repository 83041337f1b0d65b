//! `connector connect test` through the aws-sdk-sts adapter: bad input always; the real test
//! against moto when `scripts/test` started it (`CONNECTOR_MOTO_ENDPOINT`).

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

fn connector(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_connector"));
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the connector binary runs")
}

#[test]
fn bad_input_names_the_flag() {
    for (args, flag) in [
        (
            ["--role-arn", "nope", "--external-id", "abcdefgh"],
            "--role-arn",
        ),
        (
            [
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
                "--external-id",
                "x",
            ],
            "--external-id",
        ),
    ] {
        let mut all = vec!["connect", "test"];
        all.extend(args);
        let out = connector(&all, &[]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
}

#[test]
fn a_role_that_does_not_require_the_external_id_is_refused_on_moto() {
    let Ok(endpoint) = std::env::var("CONNECTOR_MOTO_ENDPOINT") else {
        eprintln!(
            "SKIPPED: CONNECTOR_MOTO_ENDPOINT is not set; run scripts/test, which starts moto"
        );
        return;
    };
    // moto answers AssumeRole for any role, with or without the External ID: a correct
    // connection test therefore refuses it (see connector-aws's docs).
    let out = connector(
        &[
            "connect",
            "test",
            "--role-arn",
            "arn:aws:iam::123456789012:role/customer",
            "--external-id",
            "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4",
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "--json",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["report"]["verified"], false);
    assert_eq!(report["report"]["outcome"], "refused");
    assert_eq!(
        report["report"]["identity"]["arn"],
        "arn:aws:sts::123456789012:assumed-role/customer/connector-test"
    );
    assert_eq!(
        report["report"]["findings"][0]["code"],
        "EXTERNAL_ID_NOT_REQUIRED"
    );
}
