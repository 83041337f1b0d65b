//! The AWS managed policy corpus: every real policy AWS publishes must parse, serialize back
//! to the same JSON, and validate without errors (AWS accepted them, so an error finding
//! would be a wrong check).
//!
//! The corpus lives beside the project, in `../shared/corpus/aws-managed-policies`; a fresh
//! clone has no such folder, and then this test says so and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iam_policy::{PolicyDocument, PolicyKind, Severity, Validator};
use serde_json::Value;

/// How many policies the March 2026 snapshot holds (see the corpus README).
const EXPECTED_DOCUMENTS: usize = 1523;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-managed-policies")
}

/// Decodes `%XX` escapes, as IAM's `GetPolicyVersion` returns documents (RFC 3986; `+` is
/// literal).
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("truncated escape at byte {i}"))?;
            let byte =
                u8::from_str_radix(hex, 16).map_err(|e| format!("bad escape %{hex}: {e}"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| format!("decoded document is not UTF-8: {e}"))
}

/// The `PolicyVersion.Document` of one corpus file, as a JSON value.
fn document_of(file: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let wrapper: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    match wrapper.pointer("/PolicyVersion/Document") {
        Some(Value::String(encoded)) => {
            let decoded = percent_decode(encoded)?;
            serde_json::from_str(&decoded).map_err(|e| format!("decoded Document is not JSON: {e}"))
        }
        Some(document) => Ok(document.clone()),
        None => Err("no PolicyVersion.Document".to_owned()),
    }
}

/// Everything wrong with one document; empty when it passes.
fn check(
    document: Value,
    validator: &Validator,
    findings: &mut BTreeMap<String, usize>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = match PolicyDocument::from_value(document.clone()) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("does not parse: {e}")],
    };

    let json = doc.to_json();
    match PolicyDocument::from_json(&json) {
        Ok(again) if again == doc => {}
        Ok(_) => problems.push("reparsing its JSON gives a different document".to_owned()),
        Err(e) => problems.push(format!("its own JSON does not parse: {e}")),
    }
    match serde_json::from_str::<Value>(&json) {
        Ok(value) if value == document => {}
        Ok(_) => {
            problems.push("serializing loses or changes content (JSON value differs)".to_owned())
        }
        Err(e) => problems.push(format!("serializes to invalid JSON: {e}")),
    }

    for finding in validator.validate(&doc) {
        *findings.entry(finding.code.to_string()).or_default() += 1;
        if finding.severity == Severity::Error {
            problems.push(format!(
                "{} at {}: {}",
                finding.code, finding.location, finding.message
            ));
        }
    }

    // The text path too: pretty-printed source, every finding located in it.
    let pretty = doc.to_json_pretty();
    let (parsed, text_findings) = validator.validate_text(&pretty);
    if parsed.as_ref() != Some(&doc) {
        problems.push("validate_text does not give back the document".to_owned());
    }
    for finding in text_findings {
        if finding.severity == Severity::Error {
            problems.push(format!(
                "(text) {} at {}: {}",
                finding.code, finding.location, finding.message
            ));
        }
        if finding.location.line.is_none() {
            problems.push(format!(
                "(text) {} at {} has no line",
                finding.code, finding.location.path
            ));
        }
    }
    problems
}

#[test]
fn aws_managed_policies_parse_round_trip_and_validate() {
    let dir = corpus_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!(
                "corpus: skipped: cannot read {} ({e}); the AWS managed policy corpus lives beside the project in ../shared and is absent from a fresh clone",
                dir.display()
            );
            return;
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();

    let validator = Validator::new(PolicyKind::AwsManagedPolicy);
    let mut failures = Vec::new();
    let mut findings = BTreeMap::new();
    let mut passed = 0usize;
    for file in &files {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let problems = match document_of(file) {
            Ok(document) => check(document, &validator, &mut findings),
            Err(e) => vec![e],
        };
        if problems.is_empty() {
            passed += 1;
        } else {
            failures.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
        }
    }

    eprintln!("corpus: findings by code (validate): {findings:?}");
    assert!(
        failures.is_empty(),
        "{} problem(s) in the corpus:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(passed, files.len());
    assert_eq!(
        files.len(),
        EXPECTED_DOCUMENTS,
        "the corpus snapshot holds {EXPECTED_DOCUMENTS} policies; found {} .json files in {}",
        files.len(),
        dir.display()
    );
    println!("corpus: {passed} documents parsed, round-tripped and validated");
}

#[test]
fn percent_decoding() {
    assert_eq!(percent_decode("%7B%22a%22%3A1%7D").unwrap(), "{\"a\":1}");
    assert_eq!(percent_decode("a+b%20c").unwrap(), "a+b c");
    assert!(percent_decode("%7").is_err());
    assert!(percent_decode("%zz").is_err());
}
