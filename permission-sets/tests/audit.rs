//! Every built-in set audits as its seed promises; real AWS managed policies audit as AWS
//! describes them; Deny and NotAction are honoured; session policies stay under the role.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::PathBuf;

use iam_policy::PolicyDocument;
use permission_sets::{
    AuditCode, ParameterValues, PolicyTarget, Severity, audit, builtin, ceiling,
};

fn role_policy(set: &permission_sets::PermissionSet) -> PolicyDocument {
    let rendered = set
        .render(&set.sample_values(), PolicyTarget::InlinePolicies)
        .expect("renders");
    rendered.documents.into_iter().next().expect("one document")
}

fn corpus(name: &str) -> Option<PolicyDocument> {
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

#[test]
fn axiom_scan_set_is_read_only_and_cannot_escalate() {
    let report = audit(&role_policy(&builtin::read_only_scan().unwrap()));
    assert!(
        report.read_only().holds(),
        "{:#?}",
        report.read_only().violations()
    );
    assert!(
        report.no_privilege_escalation().holds(),
        "{:#?}",
        report.no_privilege_escalation().violations()
    );
    // "We never read object contents": no S3 data read, even though logs events are readable.
    assert!(
        report
            .no_data_reads()
            .violations()
            .iter()
            .all(|v| !v.action().starts_with("s3:"))
    );
    assert!(
        report.allowed_actions() > 300,
        "{}",
        report.allowed_actions()
    );
}

#[test]
fn orchestrator_grants_nothing_excluded_and_cannot_escalate() {
    let report = audit(&role_policy(&builtin::orchestrator().unwrap()));
    assert!(
        report.no_excluded_area().holds(),
        "{:#?}",
        report.no_excluded_area().violations()
    );
    assert!(
        report.no_privilege_escalation().holds(),
        "{:#?}",
        report.no_privilege_escalation().violations()
    );
    assert!(
        !report.read_only().holds(),
        "it deploys workloads: read-write by design"
    );
    let writes: Vec<&str> = report
        .read_only()
        .violations()
        .iter()
        .map(|v| v.action())
        .collect();
    assert!(writes.contains(&"ecs:CreateService") && writes.contains(&"iam:PassRole"));
}

#[test]
fn nomos_and_doit_sets_audit_as_scoped() {
    let s3 = builtin::s3_read().unwrap();
    let values = ParameterValues::new().with_values("Buckets", ["acme-prod-data"]);
    let doc = &s3
        .render(&values, PolicyTarget::InlinePolicies)
        .unwrap()
        .documents[0];
    let report = audit(doc);
    assert!(report.read_only().holds() && report.no_privilege_escalation().holds());
    assert_eq!(report.no_data_reads().violations().len(), 1);
    assert_eq!(
        report.no_data_reads().violations()[0].sid(),
        Some("GetObjects")
    );

    let ec2 = audit(&role_policy(&builtin::ec2_operator().unwrap()));
    let writes: Vec<&str> = ec2
        .read_only()
        .violations()
        .iter()
        .map(|v| v.action())
        .collect();
    assert_eq!(writes, ["ec2:StartInstances", "ec2:StopInstances"]);
}

#[test]
fn read_only_access_is_read_only_but_reads_data() {
    let Some(doc) = corpus("ReadOnlyAccess") else {
        return;
    };
    let report = audit(&doc);
    assert!(
        report.allowed_actions() > 3000,
        "{}",
        report.allowed_actions()
    );
    // AWS's own ReadOnlyAccess grants a handful of actions that the Service Authorization
    // Reference classifies as Write or Permissions management although they are named
    // Get/List (athena:GetSessionEndpoint, cognito-idp:GetTokensFromRefreshToken, ...). The
    // audit reports them, exactly; anything else would be a real write.
    let non_read: Vec<&str> = report
        .read_only()
        .violations()
        .iter()
        .map(|v| v.action())
        .collect();
    assert!(non_read.len() <= 10, "{non_read:?}");
    for action in &non_read {
        let name = action.split_once(':').unwrap().1;
        assert!(
            name.starts_with("Get") || name.starts_with("List"),
            "{action} is a real write"
        );
    }
    assert!(
        report.no_privilege_escalation().holds(),
        "{:#?}",
        report.no_privilege_escalation().violations()
    );
    let reads: Vec<&str> = report
        .no_data_reads()
        .violations()
        .iter()
        .map(|v| v.action())
        .collect();
    for expected in ["s3:GetObject", "dynamodb:GetItem", "dynamodb:Scan"] {
        assert!(
            reads.contains(&expected),
            "{expected} not flagged: {reads:?}"
        );
    }
}

#[test]
fn administrator_access_fails_every_guarantee() {
    let doc: PolicyDocument = corpus("AdministratorAccess").unwrap_or_else(|| {
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#
            .parse()
            .unwrap()
    });
    let report = audit(&doc);
    assert!(!report.read_only().holds());
    assert!(!report.no_excluded_area().holds());
    assert!(!report.no_privilege_escalation().holds());
    assert!(!report.no_data_reads().holds());
    let escalations: Vec<&str> = report
        .no_privilege_escalation()
        .violations()
        .iter()
        .map(|v| v.action())
        .collect();
    for path in [
        "iam:AttachRolePolicy",
        "iam:CreatePolicyVersion",
        "iam:PassRole",
        "sts:AssumeRole",
    ] {
        assert!(escalations.contains(&path), "{path}: {escalations:?}");
    }
}

#[test]
fn deny_and_not_action_are_honoured() {
    let denied: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["iam:*", "sts:*", "lambda:*", "ssm:*", "glue:*", "ec2-instance-connect:*",
            "apprunner:*", "bedrock-agentcore:*", "cloudformation:*", "codebuild:*", "codestar:*", "ec2:*", "ecs:*", "sagemaker:*"], "Resource": "*"}
    ]}"#.parse().unwrap();
    let report = audit(&denied);
    assert!(
        report.no_privilege_escalation().holds(),
        "{:#?}",
        report.no_privilege_escalation().violations()
    );
    assert!(
        report
            .no_excluded_area()
            .violations()
            .iter()
            .all(|v| !v.action().starts_with("iam:"))
    );

    let not_action: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "AllButIam", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}
    ]}"#.parse().unwrap();
    let report = audit(&not_action);
    assert!(
        report
            .no_privilege_escalation()
            .violations()
            .iter()
            .all(|v| !v.action().starts_with("iam:"))
    );
    assert!(!report.read_only().holds());
    assert_eq!(report.read_only().violations()[0].sid(), Some("AllButIam"));

    // A Deny on some resources only leaves the action possibly allowed.
    let partial: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::locked/*"}
    ]}"#
    .parse()
    .unwrap();
    assert!(!audit(&partial).read_only().holds());
}

#[test]
fn session_policies_stay_under_the_role() {
    for set in builtin::all() {
        if set.grants().is_empty() {
            continue;
        }
        let values = set.sample_values();
        let role = role_policy(&set);
        let first = set.grants()[0].id.clone();
        let session = set
            .session_policy(&values, Some(&[first.as_str()]))
            .unwrap();
        let check = ceiling(&session, &role);
        assert!(check.contained(), "{}: {:#?}", set.name(), check.excess());
    }
    // Widening is caught: a session asking for more than the role has.
    let role = role_policy(&builtin::ec2_operator().unwrap());
    let wider: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": ["ec2:DescribeInstances", "ec2:TerminateInstances"], "Resource": "*"}}"#
        .parse()
        .unwrap();
    let check = ceiling(&wider, &role);
    assert!(!check.contained());
    assert_eq!(check.excess().len(), 1);
    assert_eq!(check.excess()[0].action(), "ec2:TerminateInstances");
    assert_eq!(check.excess()[0].code(), AuditCode::NotWithinCeiling);
    assert_eq!(check.excess()[0].severity(), Severity::Error);
    // A Deny in the ceiling is its own code.
    let denying: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}"#
        .parse()
        .unwrap();
    let check = ceiling(&wider, &denying);
    let codes: Vec<(&str, AuditCode)> = check
        .excess()
        .iter()
        .map(|e| (e.action(), e.code()))
        .collect();
    assert_eq!(
        codes,
        [("ec2:TerminateInstances", AuditCode::DeniedByCeiling)]
    );
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(json["excess"][0]["code"], "DENIED_BY_CEILING");
    assert_eq!(json["excess"][0]["severity"], "ERROR");
}

#[test]
fn every_violation_carries_the_code_of_its_guarantee() {
    let doc: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#
        .parse()
        .unwrap();
    let report = audit(&doc);
    for check in report.checks() {
        assert!(!check.holds());
        for v in check.violations() {
            assert_eq!(
                v.code().guarantee(),
                Some(check.guarantee()),
                "{}",
                v.action()
            );
            assert_eq!(v.severity(), v.code().severity());
        }
    }
    let code_of = |action: &str| {
        report
            .no_privilege_escalation()
            .violations()
            .iter()
            .find(|v| v.action() == action)
            .map(|v| v.code())
    };
    assert_eq!(
        code_of("iam:AttachRolePolicy"),
        Some(AuditCode::PrivilegeEscalation)
    );
    assert_eq!(code_of("iam:PassRole"), Some(AuditCode::PassRoleEscalation));
    assert_eq!(code_of("sts:AssumeRole"), Some(AuditCode::AssumeAnyRole));
    let data = &report.no_data_reads().violations()[0];
    assert_eq!(
        (data.code(), data.severity()),
        (AuditCode::DataRead, Severity::Warning)
    );
    let write = &report.read_only().violations()[0];
    assert_eq!(write.code(), AuditCode::NotReadOnly);
    let excluded = &report.no_excluded_area().violations()[0];
    assert_eq!(
        (excluded.code(), excluded.severity()),
        (AuditCode::ExcludedArea, Severity::SecurityWarning)
    );
}

#[test]
fn every_corpus_policy_audits_without_panicking() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-managed-policies");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} absent", dir.display());
        return;
    };
    let mut audited = 0;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Ok(doc) = PolicyDocument::from_value(value["PolicyVersion"]["Document"].clone()) {
            let report = audit(&doc);
            assert!(report.read_only().holds() || !report.read_only().violations().is_empty());
            audited += 1;
        }
    }
    eprintln!("audited {audited} corpus policies");
    assert!(audited > 1500);
}
