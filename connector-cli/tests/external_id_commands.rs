//! Runs the real `connector` binary: `external-id generate`.

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

#[test]
fn generate_prints_a_fresh_32_character_id() {
    let first = connector(&["external-id", "generate"]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let id = String::from_utf8(first.stdout).unwrap();
    let id = id.trim_end();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");

    let second = connector(&["external-id", "generate"]);
    assert_ne!(String::from_utf8_lossy(&second.stdout).trim_end(), id);
}

#[test]
fn generate_json_has_the_id_and_its_length() {
    let out = connector(&["external-id", "generate", "--length", "48", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(report["length"], 48);
    assert_eq!(report["external_id"].as_str().unwrap().len(), 48);
}

#[test]
fn a_length_outside_the_rule_is_bad_input_naming_the_option() {
    for bad in ["8", "1225"] {
        let out = connector(&["external-id", "generate", "--length", bad]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("--length") && stderr.contains("16 to 1,224"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = connector(&["external-id", "generate", "--length", "many"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--length"));
}
