//! The collector the checks write findings into, and the JSON path helpers they share.

use crate::json_path;
use crate::{OneOrMany, PolicyDocument, SourceLocation};

use super::{Finding, FindingCode, PolicyKind};

/// Findings gathered while checking one document.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) kind: PolicyKind,
    findings: Vec<Finding>,
}

impl Report {
    pub(crate) fn new(kind: PolicyKind) -> Report {
        Report {
            kind,
            findings: Vec::new(),
        }
    }

    /// Records a finding at `path`.
    pub(crate) fn add(
        &mut self,
        code: FindingCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        // Messages quote input in double quotes; a quoted part is cut to an excerpt so a huge
        // value is never echoed whole.
        let message = crate::excerpt::shorten_quoted(&message.into());
        self.findings
            .push(Finding::new(code, SourceLocation::path(path), message));
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// `base[index]` when the element was written as a list, `base` when written as one value.
pub(crate) fn item_path<T>(base: &str, list: &OneOrMany<T>, index: usize) -> String {
    let mut path = base.to_owned();
    if let OneOrMany::Many(_) = list {
        json_path::push_index(&mut path, index);
    }
    path
}

/// `path.key`, quoting the key when it needs it.
pub(crate) fn child(path: &str, key: &str) -> String {
    json_path::child(path, key)
}

/// Every statement with its JSON path.
pub(crate) fn statements(
    doc: &PolicyDocument,
) -> impl Iterator<Item = (String, &crate::Statement)> {
    doc.statements()
        .iter()
        .enumerate()
        .map(|(i, statement)| (doc.statement_path(i), statement))
}

/// `1234567` as `1,234,567`, as AWS writes quotas.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the checks' unit tests.
    use super::super::{Finding, FindingCode, PolicyKind, Validator};

    /// Findings for `json` validated as `kind` (the text must parse).
    pub(crate) fn findings(kind: PolicyKind, json: &str) -> Vec<Finding> {
        let (doc, findings) = Validator::new(kind).validate_text(json);
        assert!(doc.is_some(), "{json} does not parse: {findings:?}");
        findings
    }

    /// The findings with `code`.
    pub(crate) fn with_code(kind: PolicyKind, json: &str, code: FindingCode) -> Vec<Finding> {
        findings(kind, json)
            .into_iter()
            .filter(|f| f.code == code)
            .collect()
    }

    /// True when validating `json` as `kind` reports `code`.
    pub(crate) fn reports(kind: PolicyKind, json: &str, code: FindingCode) -> bool {
        !with_code(kind, json, code).is_empty()
    }

    /// An identity policy with one statement made of `body` (a JSON object's members).
    pub(crate) fn statement(body: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{{{body}}}]}}"#)
    }

    pub(crate) const MANAGED: PolicyKind = PolicyKind::ManagedPolicy;
    pub(crate) const TRUST: PolicyKind = PolicyKind::RoleTrustPolicy { max_chars: 2048 };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn item_paths_follow_the_written_form() {
        let one: OneOrMany<u8> = OneOrMany::One(1);
        let many: OneOrMany<u8> = OneOrMany::Many(vec![1, 2]);
        assert_eq!(item_path("$.A", &one, 0), "$.A");
        assert_eq!(item_path("$.A", &many, 1), "$.A[1]");
    }
}
