//! Helpers shared by the audit tests: reading a corpus policy and auditing inline JSON.

#![allow(dead_code, clippy::expect_used, reason = "test helpers may panic")]

use std::path::PathBuf;

use iam_policy::PolicyDocument;
use permission_sets::{AuditCode, PolicyAudit, Violation, audit};

/// The corpus policy `name` (from `../shared`), or `None` with a message when the corpus is
/// not on this machine.
pub(crate) fn corpus(name: &str) -> Option<PolicyDocument> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/aws-managed-policies")
        .join(format!("{name}.json"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "skipping {name}: {} not readable ({e}); the corpus lives in ../shared",
                path.display()
            );
            return None;
        }
    };
    let value: serde_json::Value = serde_json::from_str(&text).expect("corpus JSON");
    Some(
        PolicyDocument::from_value(value["PolicyVersion"]["Document"].clone())
            .expect("corpus policy parses"),
    )
}

/// Audits a policy given as a JSON array of statements.
pub(crate) fn audit_statements(statements: &str) -> PolicyAudit {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
    audit(&text.parse().expect("test policy parses"))
}

/// The escalation violation on `action` with `code`, if any.
pub(crate) fn escalation<'a>(report: &'a PolicyAudit, action: &str) -> Option<&'a Violation> {
    report
        .no_privilege_escalation()
        .violations()
        .iter()
        .find(|v| v.action() == action)
}

/// The escalation violation of `code` on `action`, if any.
pub(crate) fn escalation_of<'a>(
    report: &'a PolicyAudit,
    code: AuditCode,
    action: &str,
) -> Option<&'a Violation> {
    report
        .no_privilege_escalation()
        .violations()
        .iter()
        .find(|v| v.action() == action && v.code() == code)
}
