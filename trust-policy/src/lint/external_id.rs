//! Weak External ID comparisons the simulations cannot see: a `StringLike` pattern that
//! happens to refuse the linter's wrong probe id still accepts other ids (a prefix such as
//! `"q3Vf*"`, or the id with one character replaced by `?`), and `StringEqualsIgnoreCase`
//! accepts every case variant.
//!
//! AWS, IAM User Guide, "IAM JSON policy elements: Condition operators": for `StringLike`,
//! "The values can include multi-character match wildcards (*) and single-character match
//! wildcards (?) anywhere in the string". An External ID itself can never contain `*` or `?`
//! (IAM and STS quotas: "alphanumeric ... plus (+), equal (=), comma (,), period (.), at (@),
//! colon (:), forward slash (/), and hyphen (-)"), so either character in a `StringLike`
//! value on `sts:ExternalId` is always a wildcard.

use iam_policy::{ConditionOperator, OperatorKind, PolicyDocument, SourceLocation};

use super::scope::grants_any_assume;
use super::{LintCode, LintFinding};

pub(super) const EXTERNAL_ID_KEY: &str = "sts:ExternalId";

/// Reports every pattern and case-insensitive comparison on `sts:ExternalId` in a statement
/// that lets someone assume the role.
pub(super) fn weak_comparisons(doc: &PolicyDocument, out: &mut Vec<LintFinding>) {
    for (index, statement) in doc.statements().iter().enumerate() {
        if !grants_any_assume(statement) {
            continue;
        }
        for (operator, entry) in statement.condition.iter().flat_map(|c| c.entries()) {
            if !entry.key.eq_ignore_ascii_case(EXTERNAL_ID_KEY) {
                continue;
            }
            let path = || SourceLocation::path(condition_path(doc, index, operator, &entry.key));
            match operator.kind() {
                Some(OperatorKind::StringLike) => {
                    let patterns: Vec<String> = entry
                        .values
                        .iter()
                        .map(|v| v.as_text())
                        .filter(|v| v.contains(['*', '?']))
                        .map(|v| format!("{:?}", excerpt(&v)))
                        .collect();
                    if !patterns.is_empty() {
                        out.push(LintFinding::new(
                            LintCode::ExternalIdPattern,
                            path(),
                            format!(
                                "{operator} on sts:ExternalId with the pattern {} accepts External IDs other than the vendor's (* matches any run of characters, ? any one character)",
                                first_few(&patterns, ", ")
                            ),
                        ));
                    }
                }
                Some(OperatorKind::StringEqualsIgnoreCase) => out.push(LintFinding::new(
                    LintCode::ExternalIdCaseInsensitive,
                    path(),
                    format!(
                        "{operator} on sts:ExternalId accepts every upper/lower-case variant of the External ID"
                    ),
                )),
                _ => {}
            }
        }
    }
}

/// The JSON path of one condition key.
pub(super) fn condition_path(
    doc: &PolicyDocument,
    index: usize,
    operator: &ConditionOperator,
    key: &str,
) -> String {
    use iam_policy::json_path::child;
    let condition = child(&doc.statement_path(index), "Condition");
    child(&child(&condition, &operator.to_string()), key)
}

/// At most 64 characters of `text`, so a message never echoes a huge value.
pub(super) fn excerpt(text: &str) -> String {
    const MAX: usize = 64;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}...")
    }
}

/// The first five items joined by `separator`, then how many more: a message names a few
/// principals or values, never thousands.
pub(super) fn first_few(items: &[String], separator: &str) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = items.iter().take(SHOWN).map(|s| excerpt(s)).collect();
    match items.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more", shown.join(separator)),
        _ => shown.join(separator),
    }
}
