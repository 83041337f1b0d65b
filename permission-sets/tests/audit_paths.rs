//! Each escalation path the audit knows, proven on a minimal inline policy (and shown to
//! need every one of its steps) and on a real AWS managed policy that opens it.

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

/// `open`: statements that open the path (reported on `action`, unconditionally);
/// `incomplete`: the same path missing a step, which must not be reported on `action`;
/// `managed`: a corpus policy that opens it.
fn check_path(action: &str, open: &str, incomplete: &[&str], managed: &str) {
    let report = audit_statements(open);
    let v = escalation_of(&report, AuditCode::PrivilegeEscalation, action)
        .unwrap_or_else(|| panic!("{action} not reported for {open}: {report:#?}"));
    assert!(!v.conditional(), "{action}");
    for partial in incomplete {
        let report = audit_statements(partial);
        assert!(
            escalation_of(&report, AuditCode::PrivilegeEscalation, action).is_none(),
            "{action} reported for the incomplete {partial}"
        );
    }
    if let Some(doc) = corpus(managed) {
        let report = audit(&doc);
        assert!(
            escalation(&report, action).is_some(),
            "{managed} opens {action}: {:#?}",
            report.no_privilege_escalation()
        );
    }
}

fn allow(actions: &str, resource: &str) -> String {
    format!(r#"{{"Effect": "Allow", "Action": {actions}, "Resource": "{resource}"}}"#)
}

#[test]
fn cloudformation_change_set_on_an_existing_stack_is_escalation() {
    check_path(
        "cloudformation:CreateChangeSet",
        &format!(
            "[{}]",
            allow(
                r#"["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]"#,
                "*"
            )
        ),
        &[&format!(
            "[{}]",
            allow(r#""cloudformation:CreateChangeSet""#, "*")
        )],
        "AWSCloudFormationFullAccess",
    );
}

#[test]
fn cloudformation_update_stack_on_an_existing_stack_is_escalation() {
    check_path(
        "cloudformation:UpdateStack",
        &format!(
            "[{}]",
            allow(
                r#""cloudformation:UpdateStack""#,
                "arn:aws:cloudformation:*:*:stack/*"
            )
        ),
        &[&format!(
            "[{}]",
            allow(
                r#""cloudformation:UpdateStack""#,
                "arn:aws:cloudformation:*:*:stack/vendor-*"
            )
        )],
        "AWSCloudFormationFullAccess",
    );
}

#[test]
fn cloudformation_update_stack_set_is_escalation() {
    check_path(
        "cloudformation:UpdateStackSet",
        &format!("[{}]", allow(r#""cloudformation:UpdateStackSet""#, "*")),
        &[],
        "AWSCloudFormationFullAccess",
    );
}

#[test]
fn cloudformation_stack_set_creation_with_pass_role_is_escalation() {
    let pass = allow(r#""iam:PassRole""#, "*");
    let report = audit_statements(&format!(
        "[{pass}, {}]",
        allow(
            r#"["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"]"#,
            "*"
        )
    ));
    let v = escalation_of(&report, AuditCode::PassRoleEscalation, "iam:PassRole").unwrap();
    assert!(
        v.reason().contains("cloudformation:CreateStackSet"),
        "{}",
        v.reason()
    );
    let report = audit_statements(&format!(
        "[{pass}, {}]",
        allow(r#""cloudformation:CreateStackSet""#, "*")
    ));
    assert!(
        escalation(&report, "iam:PassRole").is_none(),
        "a stack set without instances runs nothing"
    );
}

#[test]
fn ec2_user_data_rewrite_and_restart_is_escalation() {
    let all = r#"["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"]"#;
    check_path(
        "ec2:ModifyInstanceAttribute",
        &format!("[{}]", allow(all, "*")),
        &[
            &format!(
                "[{}]",
                allow(
                    r#"["ec2:ModifyInstanceAttribute", "ec2:StopInstances"]"#,
                    "*"
                )
            ),
            &format!(
                "[{}]",
                allow(r#"["ec2:StopInstances", "ec2:StartInstances"]"#, "*")
            ),
            &format!(
                "[{}]",
                allow(all, "arn:aws:ec2:*:*:instance/i-0fixed00000000000")
            ),
        ],
        "AWSCodeStarServiceRole",
    );
}

#[test]
fn launch_template_version_edit_is_escalation() {
    check_path(
        "ec2:CreateLaunchTemplateVersion",
        &format!(
            "[{}]",
            allow(
                r#"["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"]"#,
                "*"
            )
        ),
        &[&format!(
            "[{}]",
            allow(r#""ec2:ModifyLaunchTemplate""#, "*")
        )],
        "AWSCodeStarServiceRole",
    );
}

#[test]
fn ecs_execute_command_is_escalation() {
    check_path(
        "ecs:ExecuteCommand",
        &format!("[{}]", allow(r#""ecs:ExecuteCommand""#, "*")),
        &[&format!(
            "[{}]",
            allow(r#""ecs:ExecuteCommand""#, "arn:aws:ecs:*:*:cluster/*")
        )],
        "AmazonEC2ContainerServiceFullAccess",
    );
}

#[test]
fn sagemaker_presigned_notebook_url_is_escalation() {
    check_path(
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        &format!(
            "[{}]",
            allow(r#""sagemaker:CreatePresignedNotebookInstanceUrl""#, "*")
        ),
        &[],
        "AWSDeepRacerServiceRolePolicy",
    );
}

#[test]
fn sagemaker_lifecycle_config_rewrite_is_escalation() {
    check_path(
        "sagemaker:UpdateNotebookInstanceLifecycleConfig",
        &format!(
            "[{}]",
            allow(r#""sagemaker:UpdateNotebookInstanceLifecycleConfig""#, "*")
        ),
        &[],
        "AWSDeepRacerServiceRolePolicy",
    );
    check_path(
        "sagemaker:UpdateNotebookInstance",
        &format!(
            "[{}]",
            allow(
                r#"["sagemaker:UpdateNotebookInstance", "sagemaker:CreateNotebookInstanceLifecycleConfig"]"#,
                "*"
            )
        ),
        &[&format!(
            "[{}]",
            allow(r#""sagemaker:UpdateNotebookInstance""#, "*")
        )],
        "AWSDeepRacerServiceRolePolicy",
    );
}

#[test]
fn agentcore_code_interpreter_session_is_escalation() {
    check_path(
        "bedrock-agentcore:StartCodeInterpreterSession",
        &format!(
            "[{}]",
            allow(
                r#"["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"]"#,
                "*"
            )
        ),
        &[&format!(
            "[{}]",
            allow(r#""bedrock-agentcore:StartCodeInterpreterSession""#, "*")
        )],
        "BedrockAgentCoreFullAccess",
    );
}

#[test]
fn codestar_project_creation_is_escalation() {
    check_path(
        "codestar:CreateProject",
        &format!("[{}]", allow(r#""codestar:CreateProject""#, "*")),
        &[],
        "AWSCodeStarFullAccess",
    );
}

#[test]
fn lambda_update_function_configuration_layers_is_escalation() {
    check_path(
        "lambda:UpdateFunctionConfiguration",
        &format!(
            "[{}]",
            allow(r#""lambda:UpdateFunctionConfiguration""#, "*")
        ),
        &[&format!(
            "[{}]",
            allow(
                r#""lambda:UpdateFunctionConfiguration""#,
                "arn:aws:lambda:*:*:function:vendor-*"
            )
        )],
        "AWSLambda_FullAccess",
    );
}

#[test]
fn app_runner_update_service_is_escalation() {
    check_path(
        "apprunner:UpdateService",
        &format!("[{}]", allow(r#""apprunner:UpdateService""#, "*")),
        &[],
        "AWSAppRunnerFullAccess",
    );
}

#[test]
fn codebuild_start_build_with_buildspec_override_is_escalation() {
    check_path(
        "codebuild:StartBuild",
        &format!("[{}]", allow(r#""codebuild:StartBuild""#, "*")),
        &[&format!(
            "[{}]",
            allow(
                r#""codebuild:StartBuild""#,
                "arn:aws:codebuild:*:*:project/vendor-*"
            )
        )],
        "AWSCodeBuildDeveloperAccess",
    );
}

#[test]
fn codebuild_update_project_is_escalation() {
    check_path(
        "codebuild:UpdateProject",
        &format!("[{}]", allow(r#""codebuild:UpdateProject""#, "*")),
        &[],
        "AWSCodeBuildAdminAccess",
    );
}

#[test]
fn glue_update_job_is_escalation() {
    check_path(
        "glue:UpdateJob",
        &format!("[{}]", allow(r#""glue:UpdateJob""#, "*")),
        &[],
        "AWSGlueConsoleFullAccess",
    );
}

#[test]
fn launchers_with_pass_role_need_their_run_step() {
    let pass = allow(r#""iam:PassRole""#, "*");
    for (launcher, run) in [
        ("glue:CreateJob", "glue:StartJobRun"),
        ("codebuild:CreateProject", "codebuild:StartBuild"),
        (
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ),
        ("states:CreateStateMachine", "states:StartExecution"),
        ("ecs:RegisterTaskDefinition", "ecs:RunTask"),
    ] {
        let alone = audit_statements(&format!(
            "[{pass}, {}]",
            allow(&format!("\"{launcher}\""), "*")
        ));
        assert!(
            escalation_of(&alone, AuditCode::PassRoleEscalation, "iam:PassRole").is_none(),
            "{launcher} alone: {alone:#?}"
        );
        let with_run = audit_statements(&format!(
            "[{pass}, {}]",
            allow(&format!(r#"["{launcher}", "{run}"]"#), "*")
        ));
        let v = escalation_of(&with_run, AuditCode::PassRoleEscalation, "iam:PassRole")
            .unwrap_or_else(|| panic!("{launcher} + {run}"));
        assert!(v.reason().contains(launcher), "{}", v.reason());
    }
    for launcher in [
        "glue:UpdateJob",
        "codebuild:UpdateProject",
        "apprunner:CreateService",
        "apprunner:UpdateService",
        "glue:CreateDevEndpoint",
    ] {
        let report = audit_statements(&format!(
            "[{pass}, {}]",
            allow(&format!("\"{launcher}\""), "*")
        ));
        let v = escalation_of(&report, AuditCode::PassRoleEscalation, "iam:PassRole")
            .unwrap_or_else(|| panic!("{launcher}"));
        assert!(v.reason().contains(launcher), "{}", v.reason());
    }
}
