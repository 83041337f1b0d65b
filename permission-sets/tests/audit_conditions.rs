//! The audit honours the conditions that decide whether an escalation path is open
//! (`iam:PassedToService`, `iam:PolicyARN`, the document `ssm:SendCommand` runs), reports a
//! path that depends on any other condition as conditional, and counts a new Lambda function
//! as a path only when the policy can also make it run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod common;

use common::{audit_statements, corpus, escalation, escalation_of};
use permission_sets::{AuditCode, audit};

const RUN_INSTANCES: &str = r#"{"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}"#;

fn pass_role_to(services: &str) -> String {
    format!(
        r#"{{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {{"StringLike": {{"iam:PassedToService": {services}}}}}}}"#
    )
}

#[test]
fn passed_to_service_must_name_the_launchers_service() {
    // PassRole limited to ECS tasks cannot hand a role to an EC2 instance.
    let ecs_only = audit_statements(&format!(
        "[{}, {RUN_INSTANCES}]",
        pass_role_to(r#""ecs-tasks.amazonaws.com""#)
    ));
    assert!(escalation(&ecs_only, "iam:PassRole").is_none());
    assert!(ecs_only.no_privilege_escalation().holds());

    for services in [
        r#""ec2.amazonaws.com""#,
        r#"["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]"#,
        r#""ec2.*""#,
        r#""*""#,
    ] {
        let report = audit_statements(&format!("[{}, {RUN_INSTANCES}]", pass_role_to(services)));
        let v = escalation_of(&report, AuditCode::PassRoleEscalation, "iam:PassRole")
            .unwrap_or_else(|| panic!("{services}"));
        assert!(!v.conditional(), "{services}");
        assert!(v.reason().contains("ec2:RunInstances"), "{}", v.reason());
    }
}

#[test]
fn passed_to_service_of_a_corpus_policy_is_honoured() {
    // AmazonDynamoDBFullAccess passes roles only to Application Auto Scaling and DAX.
    let Some(doc) = corpus("AmazonDynamoDBFullAccess") else {
        return;
    };
    let report = audit(&doc);
    assert!(escalation(&report, "iam:PassRole").is_none(), "{report:#?}");
}

#[test]
fn policy_arn_condition_limits_what_can_be_attached() {
    let attach = |condition: &str| {
        audit_statements(&format!(
            r#"[{{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*",
                "Condition": {condition}}}]"#
        ))
    };
    let benign =
        attach(r#"{"ArnEquals": {"iam:PolicyARN": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}"#);
    assert!(benign.no_privilege_escalation().holds(), "{benign:#?}");

    for open in [
        r#"{"ArnLike": {"iam:PolicyARN": "arn:aws:iam::*:policy/*"}}"#,
        r#"{"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}}"#,
        r#"{"ArnNotEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}"#,
    ] {
        let v = escalation(&attach(open), "iam:AttachRolePolicy")
            .cloned()
            .unwrap_or_else(|| panic!("{open}"));
        assert!(!v.conditional(), "{open}");
    }
}

#[test]
fn policy_arn_of_a_corpus_policy_is_honoured() {
    // AWSQuickSetupDeploymentRolePolicy attaches only named Quick Setup policies.
    let Some(doc) = corpus("AWSQuickSetupDeploymentRolePolicy") else {
        return;
    };
    assert!(escalation(&audit(&doc), "iam:AttachRolePolicy").is_none());
}

#[test]
fn send_command_on_fixed_benign_documents_is_not_arbitrary_execution() {
    let send = |documents: &str| {
        audit_statements(&format!(
            r#"[{{"Effect": "Allow", "Action": "ssm:SendCommand",
                "Resource": ["arn:aws:ec2:*:*:instance/*", {documents}]}}]"#
        ))
    };
    let patching = send(
        r#""arn:aws:ssm:*:*:document/AWS-RunPatchBaseline", "arn:aws:ssm:*::document/AWS-GatherSoftwareInventory""#,
    );
    assert!(patching.no_privilege_escalation().holds(), "{patching:#?}");
    for open in [
        r#""arn:aws:ssm:*:*:document/*""#,
        r#""arn:aws:ssm:*:*:document/AWS-*""#,
        r#""arn:aws:ssm:*:*:document/AWS-RunShellScript""#,
        r#""arn:aws:ssm:*:*:document/AWS-RunPowerShellScript""#,
        r#""arn:aws:ssm:us-east-1:123456789012:document/*""#,
    ] {
        let report = send(open);
        let v = escalation(&report, "ssm:SendCommand").unwrap_or_else(|| panic!("{open}"));
        assert!(!v.conditional(), "{open}");
    }
    // The instance side is still needed: documents alone run nothing.
    let documents_only = audit_statements(
        r#"[{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ssm:*:*:document/*"}]"#,
    );
    assert!(documents_only.no_privilege_escalation().holds());
}

#[test]
fn send_command_of_a_corpus_policy_on_its_own_document_is_contained() {
    // Inspector runs only its CIS scanning document on instances.
    let Some(doc) = corpus("AmazonInspector2ServiceRolePolicy") else {
        return;
    };
    assert!(escalation(&audit(&doc), "ssm:SendCommand").is_none());
}

#[test]
fn undecidable_conditions_make_the_violation_conditional() {
    for condition in [
        r#"{"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}"#,
        r#"{"Bool": {"aws:IsMcpServiceAction": "true"}}"#,
        r#"{"StringEquals": {"aws:PrincipalTag/team": "ops"}}"#,
        r#"{"StringEquals": {"iam:ResourceTag/team": "ops"}}"#,
        r#"{"StringEquals": {"vendor:SomethingNew": "x"}}"#,
    ] {
        let report = audit_statements(&format!(
            r#"[{{"Sid": "Keys", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:TagUser"], "Resource": "*",
                "Condition": {condition}}}]"#
        ));
        let check = report.no_privilege_escalation();
        assert!(!check.holds(), "fail closed: {condition}");
        let v = escalation(&report, "iam:CreateAccessKey").unwrap_or_else(|| panic!("{condition}"));
        assert!(v.conditional(), "{condition}");
        assert_eq!(check.conditional().count(), 1);
        assert_eq!(check.unconditional().count(), 0);
        let json = serde_json::to_value(v).unwrap();
        assert_eq!(json["conditional"], true);
        // The other guarantees see the same condition.
        assert!(
            report
                .read_only()
                .violations()
                .iter()
                .all(|v| v.conditional())
        );
    }
}

#[test]
fn an_unconditional_grant_wins_over_a_conditional_one_and_is_listed_first() {
    let report = audit_statements(
        r#"[{"Sid": "Tagged", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:PutUserPolicy"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}},
            {"Sid": "Plain", "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]"#,
    );
    let check = report.no_privilege_escalation();
    let listed: Vec<(&str, bool, Option<&str>)> = check
        .violations()
        .iter()
        .map(|v| (v.action(), v.conditional(), v.sid()))
        .collect();
    assert_eq!(
        listed,
        [
            ("iam:PutUserPolicy", false, Some("Plain")),
            ("iam:CreateAccessKey", true, Some("Tagged")),
        ]
    );
}

#[test]
fn a_deny_that_might_apply_makes_the_violation_conditional() {
    let report = audit_statements(
        r#"[{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalTag/admin": "yes"}}}]"#,
    );
    let v = escalation(&report, "iam:CreateAccessKey").unwrap();
    assert!(v.conditional());
    // A Deny whose condition is decided (the PassRole target service) is honoured exactly.
    let report = audit_statements(&format!(
        r#"[{{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}, {RUN_INSTANCES},
            {{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*",
              "Condition": {{"StringEquals": {{"iam:PassedToService": "ec2.amazonaws.com"}}}}}}]"#
    ));
    assert!(escalation(&report, "iam:PassRole").is_none(), "{report:#?}");
}

#[test]
fn a_resource_tag_grant_is_confined_only_when_the_policy_cannot_set_the_tag() {
    let operate = r#"{"Effect": "Allow", "Action": ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
        "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"StringEquals": {"aws:ResourceTag/managed-by": "vendor"}}}"#;
    // It cannot tag: the instances it may change are the ones the customer tagged.
    let confined = audit_statements(&format!("[{operate}]"));
    assert!(confined.no_privilege_escalation().holds(), "{confined:#?}");
    // Tagging only inside a launch keeps it confined.
    let on_launch = audit_statements(&format!(
        r#"[{operate}, {{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
            "Condition": {{"StringEquals": {{"ec2:CreateAction": "RunInstances"}}}}}}]"#
    ));
    assert!(
        on_launch.no_privilege_escalation().holds(),
        "{on_launch:#?}"
    );
    // Tagging any instance opens every instance: the path is there, conditional on the tag.
    let can_tag = audit_statements(&format!(
        r#"[{operate}, {{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*"}}]"#
    ));
    let v = escalation(&can_tag, "ec2:ModifyInstanceAttribute").unwrap();
    assert!(v.conditional());
    // A tag pattern or the caller's own tag names no value anybody chose: conditional.
    for condition in [
        r#"{"StringLike": {"aws:ResourceTag/managed-by": "*"}}"#,
        r#"{"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}"#,
    ] {
        let report = audit_statements(&format!(
            r#"[{{"Effect": "Allow", "Action": ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
                "Resource": "*", "Condition": {condition}}}]"#
        ));
        let v = escalation(&report, "ec2:ModifyInstanceAttribute")
            .unwrap_or_else(|| panic!("{condition}"));
        assert!(v.conditional(), "{condition}");
    }
    // So does tagging under a condition the audit cannot decide.
    let maybe_tag = audit_statements(&format!(
        r#"[{operate}, {{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
            "Condition": {{"StringEquals": {{"aws:RequestTag/managed-by": "vendor"}}}}}}]"#
    ));
    assert!(
        escalation(&maybe_tag, "ec2:ModifyInstanceAttribute")
            .unwrap()
            .conditional()
    );
}

#[test]
fn a_conditional_corpus_policy_is_reported_apart() {
    // AWSMcpServiceActionsFullAccess allows everything, but only through MCP service actions.
    let Some(doc) = corpus("AWSMcpServiceActionsFullAccess") else {
        return;
    };
    let report = audit(&doc);
    let check = report.no_privilege_escalation();
    assert!(!check.holds());
    assert!(
        check.violations().iter().all(|v| v.conditional()),
        "{check:#?}"
    );
    assert!(check.conditional().any(|v| v.action() == "iam:PassRole"));
}

#[test]
fn lambda_create_function_needs_a_way_to_run_it() {
    let create = r#"{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}"#;
    let report = audit_statements(&format!("[{create}]"));
    assert!(escalation(&report, "iam:PassRole").is_none(), "{report:#?}");
    for run in [
        "lambda:InvokeFunction",
        "lambda:CreateEventSourceMapping",
        "lambda:AddPermission",
    ] {
        let report = audit_statements(&format!(
            r#"[{create}, {{"Effect": "Allow", "Action": "{run}", "Resource": "*"}}]"#
        ));
        let v = escalation_of(&report, AuditCode::PassRoleEscalation, "iam:PassRole")
            .unwrap_or_else(|| panic!("{run}"));
        assert!(
            v.reason().contains("lambda:CreateFunction"),
            "{}",
            v.reason()
        );
    }
    // A way to run it only under an undecidable condition makes the path conditional.
    let report = audit_statements(&format!(
        r#"[{create}, {{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*",
            "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "ops"}}}}}}]"#
    ));
    let v = escalation(&report, "iam:PassRole").unwrap();
    assert!(v.conditional());
    assert!(v.reason().contains("lambda:CreateFunction (conditional)"));
}
