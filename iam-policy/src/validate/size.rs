//! Policy size as IAM counts it, the size quota of each policy kind, and the characters STS
//! accepts in a session policy.

use crate::PolicyDocument;

use super::report::{Report, thousands};
use super::{Finding, FindingCode, PolicyKind};

/// The size of a policy as IAM counts it against its quotas: the characters of its compact
/// JSON form (IAM "does not count white space", IAM User Guide, "IAM and AWS STS quotas").
///
/// Characters, not bytes: `é` counts once.
///
/// ```
/// use iam_policy::{PolicyDocument, policy_size, text_size};
/// let text = r#"{
///     "Version": "2012-10-17",
///     "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
/// }"#;
/// let doc: PolicyDocument = text.parse().unwrap();
/// assert_eq!(policy_size(&doc), doc.to_json().len());
/// assert_eq!(policy_size(&doc), text_size(text));
/// ```
pub fn policy_size(doc: &PolicyDocument) -> usize {
    doc.to_json().chars().count()
}

/// The characters of JSON text, not counting white space outside strings (space, tab, line
/// feed, carriage return), which is how IAM measures a policy it is given as text. Text inside
/// strings counts as written, escapes included (`\"` is two characters).
///
/// ```
/// use iam_policy::text_size;
/// assert_eq!(text_size("{ \"a b\" : [ 1 , 2 ] }"), 13);
/// assert_eq!(text_size(r#"{"q": "say \" hi "}"#), 18);
/// ```
pub fn text_size(json_text: &str) -> usize {
    let mut count = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in json_text.chars() {
        if in_string {
            count += 1;
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            count += 1;
            if c == '"' {
                in_string = true;
            }
        }
    }
    count
}

fn advice(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::RoleTrustPolicy { .. } => {
            "Remove principals or conditions you don't need, or ask AWS to raise the account's role trust policy quota (at most 4,096)."
        }
        PolicyKind::SessionPolicy => {
            "Pass a shorter policy, or pass managed policy ARNs in PolicyArns instead."
        }
        PolicyKind::RoleInlinePolicy
        | PolicyKind::UserInlinePolicy
        | PolicyKind::GroupInlinePolicy => {
            "Move statements into customer managed policies, or merge statements and use wildcards."
        }
        _ => {
            "Split the statements across several managed policies, or merge statements and use wildcards."
        }
    }
}

/// Reports a document of `size` characters that is over `kind`'s quota.
pub(crate) fn check(kind: PolicyKind, size: usize, report: &mut Report) {
    let Some(limit) = kind.size_limit() else {
        return;
    };
    if size > limit {
        let counted = if kind == PolicyKind::SessionPolicy {
            "as STS counts them (every character of the Policy parameter)"
        } else {
            "as IAM counts them (white space outside strings not counted)"
        };
        report.add(
            FindingCode::PolicySizeExceeded,
            "$",
            format!(
                "The policy is {} characters {counted}, but {} can be at most {}: it is {} over. {}",
                thousands(size),
                kind.quota_description(),
                thousands(limit),
                thousands(size - limit),
                advice(kind)
            ),
        );
    }
}

/// The inline policies of one identity against their shared quota; see
/// [`Validator::inline_aggregate`](super::Validator::inline_aggregate).
pub(crate) fn aggregate(kind: PolicyKind, docs: &[&PolicyDocument]) -> Vec<Finding> {
    let mut report = Report::new(kind);
    if kind.is_inline_policy() {
        let sizes: Vec<usize> = docs.iter().map(|d| policy_size(d)).collect();
        let total: usize = sizes.iter().sum();
        if let Some(limit) = kind.size_limit().filter(|limit| total > *limit) {
            let largest = sizes
                .iter()
                .enumerate()
                .max_by_key(|&(_, size)| size)
                .map(|(i, size)| {
                    format!(
                        " The largest is policy {} at {} characters.",
                        i + 1,
                        thousands(*size)
                    )
                })
                .unwrap_or_default();
            report.add(
                FindingCode::InlinePoliciesSizeExceedQuota,
                "$",
                format!(
                    "The {} inline policies total {} characters as IAM counts them, but {} can be at most {}: they are {} over.{largest} {}",
                    docs.len(),
                    thousands(total),
                    kind.quota_description(),
                    thousands(limit),
                    thousands(total - limit),
                    advice(kind)
                ),
            );
        }
    } else {
        for doc in docs {
            check(kind, policy_size(doc), &mut report);
        }
    }
    report.into_findings()
}

/// STS `AssumeRole` API reference, `Policy` parameter: "Pattern:
/// `[\u0009\u000A\u000D\u0020-\u00FF]+`". Reports the first character outside that range.
pub(crate) fn session_characters(text: &str, report: &mut Report) {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}');
    if let Some((offset, c)) = text.char_indices().find(|&(_, c)| !allowed(c)) {
        let position = text
            .get(..offset)
            .map_or(0, |before| before.chars().count())
            + 1;
        report.add(
            FindingCode::InvalidSessionPolicyCharacter,
            "$",
            format!(
                "Character {position} of the policy is {c:?} (U+{:04X}); STS accepts only tab, line feed, carriage return and U+0020 to U+00FF in a session policy. Replace it or write it as a \\u escape.",
                u32::from(c)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::Validator;
    use super::super::report::testing::*;
    use super::*;

    fn doc_of_size(target: usize) -> PolicyDocument {
        let base = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/""#,
        );
        let doc: PolicyDocument = base.parse().unwrap();
        let pad = target - policy_size(&doc);
        base.replace("b/", &format!("b/{}", "x".repeat(pad)))
            .parse()
            .unwrap()
    }

    #[test]
    fn text_size_ignores_white_space_outside_strings_only() {
        assert_eq!(text_size(""), 0);
        assert_eq!(text_size(" \n\t\r "), 0);
        assert_eq!(text_size(r#"{"a": "x y"}"#), 11);
        assert_eq!(text_size(r#"{"a\\": " "}"#), 11);
        assert_eq!(text_size(r#"["\"", " "]"#), 10);
        assert_eq!(text_size("[\"é\"]"), 5);
        // Unterminated strings count to the end.
        assert_eq!(text_size("\"a b"), 4);
    }

    #[test]
    fn policy_size_counts_characters() {
        let doc: PolicyDocument = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::é""#,
        )
        .parse()
        .unwrap();
        assert_eq!(policy_size(&doc), doc.to_json().len() - 1);
        assert_eq!(policy_size(&doc_of_size(6144)), 6144);
    }

    #[test]
    fn managed_policy_quota() {
        let at = Validator::new(MANAGED).validate(&doc_of_size(6144));
        assert!(at.iter().all(|f| f.code != FindingCode::PolicySizeExceeded));
        let over = Validator::new(MANAGED).validate(&doc_of_size(6300));
        let found: Vec<_> = over
            .iter()
            .filter(|f| f.code == FindingCode::PolicySizeExceeded)
            .collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("6,300"), "{}", found[0].message);
        assert!(found[0].message.contains("6,144"));
        assert!(found[0].message.contains("156 over"));
        let aws = Validator::new(PolicyKind::AwsManagedPolicy).validate(&doc_of_size(50_000));
        assert!(aws.is_empty(), "{aws:?}");
    }

    #[test]
    fn trust_and_session_quotas() {
        let big = doc_of_size(3000);
        let trust = Validator::new(PolicyKind::trust_policy()).validate(&big);
        assert!(
            trust
                .iter()
                .any(|f| f.code == FindingCode::PolicySizeExceeded)
        );
        let raised =
            Validator::new(PolicyKind::trust_policy_with_quota(4096).unwrap()).validate(&big);
        assert!(
            !raised
                .iter()
                .any(|f| f.code == FindingCode::PolicySizeExceeded)
        );
        let session = Validator::new(PolicyKind::SessionPolicy).validate(&big);
        assert!(
            session
                .iter()
                .any(|f| f.code == FindingCode::PolicySizeExceeded)
        );
        let small = Validator::new(PolicyKind::SessionPolicy).validate(&doc_of_size(2048));
        assert!(small.is_empty(), "{small:?}");
    }

    #[test]
    fn text_is_measured_without_white_space() {
        let doc = doc_of_size(6144);
        let pretty = doc.to_json_pretty();
        assert!(pretty.len() > 6144);
        let (_, found) = Validator::new(MANAGED).validate_text(&pretty);
        assert!(found.is_empty(), "{found:?}");
        let (_, found) = Validator::new(MANAGED).validate_text(&doc_of_size(6145).to_json_pretty());
        assert_eq!(found[0].code, FindingCode::PolicySizeExceeded);
        assert_eq!(found[0].location.line, Some(1));
    }

    #[test]
    fn session_policy_text_counts_white_space() {
        let doc = doc_of_size(2000);
        let padded = format!("{}{}", doc.to_json(), " ".repeat(100));
        let (_, found) = Validator::new(PolicyKind::SessionPolicy).validate_text(&padded);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("2,100 characters as STS counts them"),
            "{}",
            found[0].message
        );
        let (_, found) = Validator::new(PolicyKind::trust_policy()).validate_text(&padded);
        assert!(
            found
                .iter()
                .all(|f| f.code != FindingCode::PolicySizeExceeded)
        );
    }

    #[test]
    fn inline_policies_share_their_quota() {
        let a = doc_of_size(6000);
        let b = doc_of_size(5000);
        let found = Validator::inline_aggregate(PolicyKind::RoleInlinePolicy, &[&a, &b]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::InlinePoliciesSizeExceedQuota);
        assert!(found[0].message.contains("11,000"), "{}", found[0].message);
        assert!(found[0].message.contains("760 over"));
        assert!(Validator::inline_aggregate(PolicyKind::RoleInlinePolicy, &[&a]).is_empty());
        assert!(Validator::inline_aggregate(PolicyKind::GroupInlinePolicy, &[&b, &b]).len() == 1);
        // Per-document quotas are checked one by one.
        let managed = Validator::inline_aggregate(MANAGED, &[&a, &b]);
        assert!(managed.is_empty(), "{managed:?}");
        assert!(Validator::inline_aggregate(PolicyKind::UserInlinePolicy, &[]).is_empty());
    }

    #[test]
    fn session_policy_characters() {
        let doc: PolicyDocument = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/✓""#,
        )
        .parse()
        .unwrap();
        let found = Validator::new(PolicyKind::SessionPolicy).validate(&doc);
        assert!(
            found
                .iter()
                .any(|f| f.code == FindingCode::InvalidSessionPolicyCharacter),
            "{found:?}"
        );
        let managed = Validator::new(MANAGED).validate(&doc);
        assert!(managed.is_empty());
        let ok: PolicyDocument = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/é""#,
        )
        .parse()
        .unwrap();
        assert!(
            Validator::new(PolicyKind::SessionPolicy)
                .validate(&ok)
                .is_empty()
        );
    }
}
