//! Writing to a closed pipe (`connector policy audit … | head`) ends every command quietly:
//! exit status 141 (what a shell reports for `SIGPIPE`), no panic message, no backtrace.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `connector` with standard output a pipe whose read end is already closed, so the
/// first write fails with `BrokenPipe` whatever the timing.
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the connector binary runs")
}

fn write_policy(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connector-closed-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write policy");
    path
}

fn assert_quiet(args: &[&str]) {
    let out = with_closed_stdout(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{args:?} panicked on a closed pipe: {stderr}"
    );
    assert_eq!(out.status.code(), Some(141), "{args:?}: {out:?}");
}

#[test]
fn closed_pipe_ends_every_command_quietly() {
    let admin = write_policy(
        "admin.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    );
    let admin = admin.to_str().unwrap();
    for args in [
        vec!["policy", "audit", admin],
        vec!["policy", "audit", admin, "--json"],
        vec!["policy", "expand", admin],
        vec!["policy", "check", admin],
        vec!["policy", "eval", admin, "--action", "s3:GetObject"],
        vec!["permissions", "list"],
        vec!["external-id", "generate"],
        vec![
            "onboard",
            "terraform",
            "--set",
            "axiom:read-only-scan",
            "--vendor-account",
            "999988887777",
            "--external-id",
            "q3VfR8sLx2NwT6yZ0bC4dE7gH1jK5mPz",
        ],
        // The trust commands still use println!: the panic hook in main ends them quietly.
        vec![
            "trust",
            "generate",
            "--vendor-account",
            "999988887777",
            "--external-id",
            "q3VfR8sLx2NwT6yZ0bC4dE7gH1jK5mPz",
        ],
    ] {
        assert_quiet(&args);
    }
    // clap prints help itself and ignores the failed write: quiet, and its own status 0.
    let out = with_closed_stdout(&["--help"]);
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
