//! Inputs far beyond IAM's quotas audit and expand with the right answers (their speed is
//! measured in `benches/README.md`; here only the results are checked).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use iam_policy::{ActionPattern, PolicyDocument};
use permission_sets::{AuditCode, Catalog, Guarantee, audit};

fn document(actions: &[String], resources: &[String]) -> PolicyDocument {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{}], "Resource": [{}]}}]}}"#,
        actions.join(", "),
        resources.join(", ")
    )
    .parse()
    .unwrap()
}

fn quoted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    items.into_iter().map(|s| format!("\"{s}\"")).collect()
}

#[test]
fn eight_thousand_star_suffixed_resources_audit_exactly() {
    let scoped = quoted(
        (0..8000).map(|i| format!("arn:aws:iam::123456789012:role/team-{i:05}-with-a-long-name*")),
    );
    let actions = quoted(
        [
            "iam:PassRole",
            "ec2:RunInstances",
            "iam:PutRolePolicy",
            "s3:GetObject",
        ]
        .map(String::from),
    );
    // Every role is named by a prefix the customer chose: no escalation.
    let report = audit(&document(&actions, &scoped));
    assert_eq!(report.allowed_actions(), 4);
    assert!(report.no_privilege_escalation().holds(), "{report:#?}");
    assert_eq!(report.no_data_reads().violations().len(), 1);

    // One more resource that covers every role opens both paths.
    let mut open = scoped.clone();
    open.push("\"arn:aws:iam::*:role/*\"".to_owned());
    let report = audit(&document(&actions, &open));
    let codes: Vec<(AuditCode, &str)> = report
        .no_privilege_escalation()
        .violations()
        .iter()
        .map(|v| (v.code(), v.action()))
        .collect();
    assert_eq!(
        codes,
        [
            (AuditCode::PassRoleEscalation, "iam:PassRole"),
            (AuditCode::PrivilegeEscalation, "iam:PutRolePolicy"),
        ]
    );

    // Resources of other services by the thousand, with every action: every path is open
    // only through the one `*`.
    let mut other = quoted((0..8000).map(|i| format!("arn:aws:s3:::bucket-{i:05}*")));
    let all = vec!["\"*\"".to_owned()];
    let report = audit(&document(&all, &other));
    assert_eq!(report.allowed_actions(), Catalog::aws().len());
    assert!(
        report
            .no_privilege_escalation()
            .violations()
            .iter()
            .all(|v| v.code() != AuditCode::PrivilegeEscalation
                || v.action().starts_with("codestar:")),
        "only resource-less steps reach: {report:#?}"
    );
    other.push("\"*\"".to_owned());
    let report = audit(&document(&all, &other));
    assert!(
        report
            .guarantee(Guarantee::NoPrivilegeEscalation)
            .violations()
            .len()
            > 30
    );
}

#[test]
fn ten_thousand_long_wildcard_actions_expand_exactly() {
    let catalog = Catalog::aws();
    let filler = "x".repeat(50);
    // Long patterns that match nothing, long patterns that match, and `?` runs.
    let mut texts: Vec<String> = (0..9_000)
        .map(|i| format!("ec2:*Describe*{filler}*Instances*{i}*"))
        .collect();
    texts.extend((0..500).map(|i| {
        format!(
            "ec2:*D*e*s*c*r*i*b*e*I*n*s*t*a*n*c*e*{}",
            "*".repeat(i % 40)
        )
    }));
    texts.extend(
        (0..500).map(|i| format!("s3:{}Object{}", "?".repeat(i % 4), "*".repeat(1 + i % 30))),
    );
    assert_eq!(texts.len(), 10_000);
    let mut union = std::collections::BTreeSet::new();
    for (i, text) in texts.iter().enumerate() {
        let pattern: ActionPattern = text.parse().unwrap();
        let expanded: Vec<&str> = catalog
            .expand(&pattern)
            .iter()
            .map(|a| a.full_name())
            .collect();
        union.extend(expanded.iter().copied());
        if i % 25 != 0 {
            continue;
        }
        // Every 25th, against every action of the service with the matcher itself (all of
        // them take a minute in a debug build; the property test in catalog.rs covers the
        // shapes).
        let matcher = pattern.matcher();
        let service = catalog.service(pattern.service().unwrap()).unwrap();
        let brute: Vec<&str> = service
            .actions()
            .iter()
            .filter(|a| matcher.matches(a.full_name()))
            .map(|a| a.full_name())
            .collect();
        assert_eq!(expanded, brute, "{text}");
    }
    assert!(union.contains("ec2:DescribeInstances"));
    assert!(union.contains("s3:GetObject"));
    assert!(!union.iter().any(|name| name.contains("xxxxx")));

    let report = audit(&document(&quoted(texts), &["\"*\"".to_owned()]));
    assert_eq!(report.allowed_actions(), union.len());
}
