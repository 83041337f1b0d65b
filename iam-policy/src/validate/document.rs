//! Document-level checks: `Version`, the `Statement` list, statement ids, and policy variables
//! in documents whose version does not substitute them.

use std::collections::HashMap;

use crate::{PolicyDocument, ResourceClause, Version, template};

use super::FindingCode;
use super::report::{Report, child, item_path, statements};

pub(crate) fn check(doc: &PolicyDocument, report: &mut Report) {
    version(doc, report);
    if doc.statements().is_empty() {
        report.add(
            FindingCode::EmptyArrayStatement,
            "$.Statement",
            "The Statement list is empty, so the policy does nothing and IAM rejects it. Add at least one statement.",
        );
    }
    sids(doc, report);
    variables_need_2012(doc, report);
}

/// IAM User Guide, "IAM JSON policy elements: Version": without a `Version` IAM uses
/// `2008-10-17`, where policy variables are not substituted; always write `2012-10-17`.
fn version(doc: &PolicyDocument, report: &mut Report) {
    match doc.version {
        None => report.add(
            FindingCode::MissingVersion,
            "$",
            "The policy has no Version, so IAM uses the 2008-10-17 language, where policy variables are literal text. Add \"Version\": \"2012-10-17\".",
        ),
        Some(Version::V2008_10_17) => report.add(
            FindingCode::OutdatedVersion,
            "$.Version",
            "Version 2008-10-17 is the original policy language: policy variables such as ${aws:username} are literal text in it. Use \"Version\": \"2012-10-17\".",
        ),
        Some(Version::V2012_10_17) => {}
    }
}

/// IAM User Guide, "IAM JSON policy elements: Sid": "The Sid element supports ASCII uppercase
/// letters (A-Z), lowercase letters (a-z), and numbers (0-9)", and "In IAM, the Sid must be
/// unique within a JSON policy". IAM rejects identity policies that break either rule
/// ("Statement IDs (SID) must be alpha-numeric", "The Statement Ids in the policy are not
/// unique"). Whether IAM applies the character rule to trust policies and STS to session
/// policies is not documented, so there it is a warning.
fn sids(doc: &PolicyDocument, report: &mut Report) {
    let mut first_use: HashMap<&str, String> = HashMap::new();
    for (path, statement) in statements(doc) {
        // An empty Sid matches IAM's pattern `[0-9A-Za-z]*` and identifies nothing.
        let Some(sid) = statement.sid.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let sid_path = child(&path, "Sid");
        if !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let code = if report.kind.is_identity_policy() {
                FindingCode::InvalidSid
            } else {
                FindingCode::NonAlphanumericSid
            };
            report.add(
                code,
                sid_path.clone(),
                format!(
                    "The Sid {sid:?} has characters other than ASCII letters and digits, which IAM does not accept in a Sid. Use only A-Z, a-z and 0-9, e.g. {:?}.",
                    alphanumeric(sid)
                ),
            );
        }
        match first_use.get(sid) {
            Some(first) => report.add(
                FindingCode::DuplicateSid,
                sid_path,
                format!(
                    "The Sid {sid:?} is already used at {first}; statement ids must be unique within a policy. Rename one of them."
                ),
            ),
            None => {
                first_use.insert(sid, sid_path);
            }
        }
    }
}

fn alphanumeric(sid: &str) -> String {
    let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
    if cleaned.is_empty() {
        "Statement1".to_owned()
    } else {
        cleaned
    }
}

/// IAM User Guide, "IAM policy elements: Variables and tags": policy variables are only
/// substituted with `"Version": "2012-10-17"`; in older documents `${...}` is literal text.
/// IAM accepts such documents, so this is a warning: the element just doesn't match what
/// the author meant.
fn variables_need_2012(doc: &PolicyDocument, report: &mut Report) {
    if doc.supports_variables() {
        return;
    }
    let version = match doc.version {
        Some(v) => format!("version {}", v.as_str()),
        None => "a document without Version (treated as 2008-10-17)".to_owned(),
    };
    let flag = |report: &mut Report, path: String, text: &str| {
        report.add(
            FindingCode::VariableUnsupportedInVersion,
            path,
            format!(
                "{text:?} contains a policy variable, but in {version} it is literal text and will not be substituted. Set \"Version\": \"2012-10-17\"."
            ),
        );
    };
    for (path, statement) in statements(doc) {
        if let Some(resource) = &statement.resource {
            let (name, list) = match resource {
                ResourceClause::Resource(list) => ("Resource", list),
                ResourceClause::NotResource(list) => ("NotResource", list),
            };
            let base = child(&path, name);
            for (i, pattern) in list.iter().enumerate() {
                if pattern.has_variables() {
                    flag(report, item_path(&base, list, i), pattern.as_str());
                }
            }
        }
        // Actions cannot hold variables: their grammar has no `$`.
        let Some(condition) = &statement.condition else {
            continue;
        };
        let condition_path = child(&path, "Condition");
        for block in &condition.blocks {
            let op_path = child(&condition_path, &block.operator.to_string());
            let substitutes = block
                .operator
                .kind()
                .is_some_and(|k| k.supports_variables());
            for entry in &block.entries {
                let key_path = child(&op_path, &entry.key);
                if template::has_variables(&entry.key) {
                    flag(report, key_path.clone(), &entry.key);
                }
                if !substitutes {
                    continue;
                }
                for (i, value) in entry.values.iter().enumerate() {
                    let text = value.as_text();
                    if template::has_variables(&text) {
                        flag(report, item_path(&key_path, &entry.values, i), &text);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::report::testing::*;
    use super::*;

    const GOOD: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "Read1", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"},
        {"Sid": "Read2", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
    ]}"#;

    #[test]
    fn good_document_has_no_document_findings() {
        assert!(
            findings(MANAGED, GOOD).is_empty(),
            "{:?}",
            findings(MANAGED, GOOD)
        );
    }

    #[test]
    fn missing_version() {
        let doc =
            r#"{"Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}}"#;
        let found = with_code(MANAGED, doc, FindingCode::MissingVersion);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.path, "$");
        assert_eq!(found[0].location.line, Some(1));
        assert!(!reports(MANAGED, GOOD, FindingCode::MissingVersion));
    }

    #[test]
    fn outdated_version() {
        let doc = r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}}"#;
        let found = with_code(MANAGED, doc, FindingCode::OutdatedVersion);
        assert_eq!(found[0].location.path, "$.Version");
        assert_eq!(found[0].location.column, Some(2));
        assert!(!reports(MANAGED, GOOD, FindingCode::OutdatedVersion));
    }

    #[test]
    fn variables_without_2012() {
        let doc = r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/${aws:username}/*"],
            "Condition": {"StringEquals": {"s3:prefix": "${aws:username}"}, "NumericLessThan": {"n": "1"}}}}"#;
        let found = with_code(MANAGED, doc, FindingCode::VariableUnsupportedInVersion);
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                r#"$.Statement.Condition.StringEquals["s3:prefix"]"#,
                "$.Statement.Resource[1]"
            ]
        );
        assert!(found.iter().all(|f| f.location.line.is_some()));
        assert!(!reports(
            MANAGED,
            GOOD,
            FindingCode::VariableUnsupportedInVersion
        ));
    }

    #[test]
    fn empty_statement_list() {
        let doc = r#"{"Version": "2012-10-17", "Statement": []}"#;
        assert!(reports(MANAGED, doc, FindingCode::EmptyArrayStatement));
        assert!(!reports(MANAGED, GOOD, FindingCode::EmptyArrayStatement));
    }

    #[test]
    fn duplicate_sid() {
        let doc = GOOD.replace("Read2", "Read1");
        let found = with_code(MANAGED, &doc, FindingCode::DuplicateSid);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.path, "$.Statement[1].Sid");
        assert!(found[0].message.contains("$.Statement[0].Sid"));
        assert!(!reports(MANAGED, GOOD, FindingCode::DuplicateSid));
    }

    #[test]
    fn sid_characters() {
        let doc = GOOD.replace("Read1", "read-objects");
        let found = with_code(MANAGED, &doc, FindingCode::InvalidSid);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("\"readobjects\""));
        assert!(!reports(MANAGED, GOOD, FindingCode::InvalidSid));

        let trust = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Vendor access", "Effect": "Allow",
            "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(reports(TRUST, trust, FindingCode::NonAlphanumericSid));
        assert!(!reports(TRUST, trust, FindingCode::InvalidSid));
        assert!(!reports(
            TRUST,
            &trust.replace("Vendor access", "VendorAccess"),
            FindingCode::NonAlphanumericSid
        ));
    }
}
