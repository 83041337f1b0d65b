//! The privilege-escalation paths the audit checks, each a conjunction of requirements, each
//! requirement a choice of [`Step`]s.
//!
//! They follow the published catalogues of IAM privilege escalation (Rhino Security Labs'
//! "AWS IAM Privilege Escalation – Methods and Mitigation", the pathfinding.cloud and Bishop
//! Fox lists): a principal that can change its own or another principal's policies, mint
//! credentials for another user, rewrite a role's trust policy, take over compute that runs
//! under another role, or pass an arbitrary role to compute it can launch and run, can give
//! itself any permission.
//!
//! Each step names a probe: a resource of the kind the action works on that no policy names
//! on purpose. Granting the action on the probe means granting it on every resource of that
//! kind; a grant scoped to resources the customer chose (a path, a name prefix, a tag only
//! the customer sets) is treated as contained.

use super::reach::Step;

/// Any role (also the probe of `sts:AssumeRole`).
pub(crate) const PROBE_ROLE: &str = "arn:aws:iam::123456789012:role/AnyPrivilegedRole";
const USER: &str = "arn:aws:iam::123456789012:user/AnyPrivilegedUser";
const GROUP: &str = "arn:aws:iam::123456789012:group/AnyPrivilegedGroup";
const POLICY: &str = "arn:aws:iam::123456789012:policy/AnyPolicy";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:AnyPrivilegedFunction";
const DEV_ENDPOINT: &str = "arn:aws:glue:us-east-1:123456789012:devEndpoint/AnyEndpoint";
const GLUE_JOB: &str = "arn:aws:glue:us-east-1:123456789012:job/AnyJob";
const INSTANCE: &str = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0";
const MANAGED_INSTANCE: &str =
    "arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0123456789abcdef0";
const LAUNCH_TEMPLATE: &str =
    "arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0123456789abcdef0";
const ECS_CLUSTER: &str = "arn:aws:ecs:us-east-1:123456789012:cluster/AnyCluster";
const ECS_TASK: &str =
    "arn:aws:ecs:us-east-1:123456789012:task/AnyCluster/0123456789abcdef0123456789abcdef";
const NOTEBOOK: &str = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/anynotebook";
const LIFECYCLE: &str =
    "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance-lifecycle-config/anyconfig";
const CODE_INTERPRETER: &str = "arn:aws:bedrock-agentcore:us-east-1:123456789012:code-interpreter-custom/AnyInterpreter-0123456789";
const STACK: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/AnyStack/00000000-0000-0000-0000-000000000000";
const STACK_SET: &str = "arn:aws:cloudformation:us-east-1:123456789012:stackset/AnyStackSet:00000000-0000-0000-0000-000000000000";
const BUILD_PROJECT: &str = "arn:aws:codebuild:us-east-1:123456789012:project/AnyProject";
const APP_RUNNER: &str =
    "arn:aws:apprunner:us-east-1:123456789012:service/AnyService/0123456789abcdef0123456789abcdef";

/// The policies an attach step tries: AWS's own `AdministratorAccess` and a customer policy
/// nobody chose (an existing privileged one).
const ATTACH_ANY: &[(&str, &str)] = &[(
    "iam:PolicyARN",
    "arn:aws:iam::aws:policy/AdministratorAccess",
)];
const ATTACH_CUSTOMER: &[(&str, &str)] = &[("iam:PolicyARN", POLICY)];

/// One escalation path: every requirement must be met, each by one of its steps. The
/// violation names the action of the step meeting the first requirement.
#[derive(Debug)]
pub(crate) struct Path {
    pub(crate) needs: &'static [&'static [Step]],
    pub(crate) how: &'static str,
}

macro_rules! single {
    ($action:literal, $resource:expr, $how:literal) => {
        Path {
            needs: &[&[Step::on($action, $resource)]],
            how: $how,
        }
    };
}

macro_rules! attach {
    ($action:literal, $resource:expr, $how:literal) => {
        Path {
            needs: &[&[
                Step::on($action, $resource).with_context(ATTACH_ANY),
                Step::on($action, $resource).with_context(ATTACH_CUSTOMER),
            ]],
            how: $how,
        }
    };
}

/// Documents that run whatever command or script the caller passes. `ssm:SendCommand` is
/// authorised on the document as well as on the target: the Service Authorization Reference
/// lists `document*` (required) among its resource types, and the Systems Manager guide
/// restricts Run Command "by using custom SSM documents and IAM policies". A grant limited to
/// fixed documents that run fixed tasks (patching, inventory) runs no code of the caller's.
const ARBITRARY_COMMAND_DOCUMENTS: &[Step] = &[
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-RunRemoteScript",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-RunDocument",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-RunAnsiblePlaybook",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-ApplyAnsiblePlaybooks",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-RunSaltState",
    ),
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1::document/AWS-ApplyChefRecipes",
    ),
    // A document of the customer's that nobody chose (it may run anything).
    Step::on(
        "ssm:SendCommand",
        "arn:aws:ssm:us-east-1:123456789012:document/AnyDocument",
    ),
];

/// Paths that need no `iam:PassRole`.
pub(crate) const DIRECT: &[Path] = &[
    single!(
        "iam:CreatePolicyVersion",
        POLICY,
        "replace a policy's default version with one granting everything"
    ),
    single!(
        "iam:SetDefaultPolicyVersion",
        POLICY,
        "switch a policy to a more permissive old version"
    ),
    attach!(
        "iam:AttachUserPolicy",
        USER,
        "attach AdministratorAccess to a user"
    ),
    attach!(
        "iam:AttachGroupPolicy",
        GROUP,
        "attach AdministratorAccess to a group"
    ),
    attach!(
        "iam:AttachRolePolicy",
        PROBE_ROLE,
        "attach AdministratorAccess to a role, its own included"
    ),
    single!(
        "iam:PutUserPolicy",
        USER,
        "write an inline policy granting everything to a user"
    ),
    single!(
        "iam:PutGroupPolicy",
        GROUP,
        "write an inline policy granting everything to a group"
    ),
    single!(
        "iam:PutRolePolicy",
        PROBE_ROLE,
        "write an inline policy granting everything to a role, its own included"
    ),
    single!("iam:AddUserToGroup", GROUP, "join a more privileged group"),
    single!(
        "iam:CreateAccessKey",
        USER,
        "mint access keys for a more privileged user"
    ),
    single!(
        "iam:CreateLoginProfile",
        USER,
        "set a console password for a more privileged user"
    ),
    single!(
        "iam:UpdateLoginProfile",
        USER,
        "reset a more privileged user's console password"
    ),
    single!(
        "iam:UpdateAssumeRolePolicy",
        PROBE_ROLE,
        "rewrite a privileged role's trust policy to let itself in"
    ),
    single!(
        "iam:DeleteRolePermissionsBoundary",
        PROBE_ROLE,
        "lift the permissions boundary that limits a role"
    ),
    single!(
        "iam:DeleteUserPermissionsBoundary",
        USER,
        "lift the permissions boundary that limits a user"
    ),
    single!(
        "iam:PutRolePermissionsBoundary",
        PROBE_ROLE,
        "replace a role's permissions boundary with a looser one"
    ),
    single!(
        "iam:PutUserPermissionsBoundary",
        USER,
        "replace a user's permissions boundary with a looser one"
    ),
    single!(
        "lambda:UpdateFunctionCode",
        FUNCTION,
        "run its own code under an existing function's (possibly privileged) role"
    ),
    single!(
        "lambda:UpdateFunctionConfiguration",
        FUNCTION,
        "add a layer of its own to an existing function, running its code under the function's (possibly privileged) role"
    ),
    single!(
        "glue:UpdateDevEndpoint",
        DEV_ENDPOINT,
        "take over a Glue endpoint running under a privileged role"
    ),
    single!(
        "glue:UpdateJob",
        GLUE_JOB,
        "rewrite an existing Glue job's script, which runs under the job's (possibly privileged) role"
    ),
    Path {
        needs: &[
            &[
                Step::on("ssm:SendCommand", INSTANCE),
                Step::on("ssm:SendCommand", MANAGED_INSTANCE),
            ],
            ARBITRARY_COMMAND_DOCUMENTS,
        ],
        how: "run arbitrary commands on instances under their (possibly privileged) instance roles",
    },
    single!(
        "ssm:StartSession",
        INSTANCE,
        "open a shell on instances running under privileged instance roles"
    ),
    single!(
        "ec2-instance-connect:SendSSHPublicKey",
        INSTANCE,
        "log in to instances running under privileged instance roles"
    ),
    Path {
        needs: &[
            &[Step::on("ec2:ModifyInstanceAttribute", INSTANCE)],
            &[Step::on("ec2:StopInstances", INSTANCE)],
            &[Step::on("ec2:StartInstances", INSTANCE)],
        ],
        how: "rewrite an instance's user data and restart it, running its own code under the instance profile's (possibly privileged) role",
    },
    single!(
        "ec2:CreateLaunchTemplateVersion",
        LAUNCH_TEMPLATE,
        "add a launch template version with its own user data, which instances then launch with under the template's (possibly privileged) instance profile"
    ),
    Path {
        needs: &[
            &[Step::on("ecs:ExecuteCommand", ECS_TASK)],
            &[Step::on("ecs:ExecuteCommand", ECS_CLUSTER)],
        ],
        how: "open a shell in running containers under their (possibly privileged) task roles",
    },
    single!(
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        NOTEBOOK,
        "open Jupyter on a notebook instance running under its (possibly privileged) execution role"
    ),
    single!(
        "sagemaker:UpdateNotebookInstanceLifecycleConfig",
        LIFECYCLE,
        "rewrite a notebook lifecycle script, which runs under the notebook's (possibly privileged) execution role"
    ),
    Path {
        needs: &[
            &[Step::on("sagemaker:UpdateNotebookInstance", NOTEBOOK)],
            &[Step::anywhere(
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
            )],
        ],
        how: "attach a lifecycle script of its own to a notebook instance running under its (possibly privileged) execution role",
    },
    Path {
        needs: &[
            &[Step::on(
                "bedrock-agentcore:StartCodeInterpreterSession",
                CODE_INTERPRETER,
            )],
            &[Step::on(
                "bedrock-agentcore:InvokeCodeInterpreter",
                CODE_INTERPRETER,
            )],
        ],
        how: "run its own code in a code interpreter under the interpreter's (possibly privileged) execution role",
    },
    Path {
        needs: &[&[Step::anywhere("codestar:CreateProject")]],
        how: "create a CodeStar project, whose toolchain stack runs under CodeStar's privileged service role",
    },
    single!(
        "cloudformation:UpdateStack",
        STACK,
        "update an existing stack with its own template, deployed under the stack's (possibly privileged) service role"
    ),
    Path {
        needs: &[
            &[Step::on("cloudformation:CreateChangeSet", STACK)],
            &[Step::on("cloudformation:ExecuteChangeSet", STACK)],
        ],
        how: "create and execute a change set on an existing stack, deployed under the stack's (possibly privileged) service role",
    },
    single!(
        "cloudformation:UpdateStackSet",
        STACK_SET,
        "update an existing stack set with its own template, deployed under the stack set's (possibly privileged) execution roles"
    ),
    Path {
        needs: &[&[
            Step::on("codebuild:StartBuild", BUILD_PROJECT),
            Step::on("codebuild:StartBuildBatch", BUILD_PROJECT),
        ]],
        how: "start a build of an existing project with its own buildspec, run under the project's (possibly privileged) service role",
    },
    single!(
        "codebuild:UpdateProject",
        BUILD_PROJECT,
        "rewrite an existing project's buildspec, run under the project's (possibly privileged) service role"
    ),
    single!(
        "apprunner:UpdateService",
        APP_RUNNER,
        "deploy its own code to an existing App Runner service, run under the service's (possibly privileged) instance role"
    ),
];

/// A launch action: with `iam:PassRole` for one of `passed_to` (`iam:PassedToService`) on
/// every role, and a way to run what it launches (`runs`, every requirement met; empty when
/// launching runs it), it runs code with any role's permissions.
#[derive(Debug)]
pub(crate) struct Launcher {
    pub(crate) action: &'static str,
    pub(crate) passed_to: &'static [(&'static str, &'static str)],
    pub(crate) runs: &'static [&'static [Step]],
}

const EC2: &[(&str, &str)] = &[("iam:PassedToService", "ec2.amazonaws.com")];
const LAMBDA: &[(&str, &str)] = &[("iam:PassedToService", "lambda.amazonaws.com")];
const ECS: &[(&str, &str)] = &[("iam:PassedToService", "ecs-tasks.amazonaws.com")];
const BATCH: &[(&str, &str)] = &[
    ("iam:PassedToService", "batch.amazonaws.com"),
    ("iam:PassedToService", "ecs-tasks.amazonaws.com"),
];
const GLUE: &[(&str, &str)] = &[("iam:PassedToService", "glue.amazonaws.com")];
const CLOUDFORMATION: &[(&str, &str)] = &[("iam:PassedToService", "cloudformation.amazonaws.com")];
const DATA_PIPELINE: &[(&str, &str)] = &[
    ("iam:PassedToService", "datapipeline.amazonaws.com"),
    ("iam:PassedToService", "elasticmapreduce.amazonaws.com"),
];
const SAGEMAKER: &[(&str, &str)] = &[("iam:PassedToService", "sagemaker.amazonaws.com")];
const CODEBUILD: &[(&str, &str)] = &[("iam:PassedToService", "codebuild.amazonaws.com")];
const APP_RUNNER_SERVICES: &[(&str, &str)] = &[
    ("iam:PassedToService", "tasks.apprunner.amazonaws.com"),
    ("iam:PassedToService", "build.apprunner.amazonaws.com"),
];
const STATES: &[(&str, &str)] = &[("iam:PassedToService", "states.amazonaws.com")];
const AGENTCORE: &[(&str, &str)] = &[("iam:PassedToService", "bedrock-agentcore.amazonaws.com")];

const fn launcher(
    action: &'static str,
    passed_to: &'static [(&'static str, &'static str)],
) -> Launcher {
    Launcher {
        action,
        passed_to,
        runs: &[],
    }
}

/// The launch actions of [`Launcher`].
pub(crate) const LAUNCHERS: &[Launcher] = &[
    launcher("ec2:RunInstances", EC2),
    launcher("ec2:RequestSpotInstances", EC2),
    launcher("autoscaling:CreateLaunchConfiguration", EC2),
    launcher("ec2:CreateLaunchTemplate", EC2),
    launcher("ec2:CreateLaunchTemplateVersion", EC2),
    // A new function runs only when something invokes it: the caller, an event source
    // mapping it creates, or a trigger it permits with a resource policy.
    Launcher {
        action: "lambda:CreateFunction",
        passed_to: LAMBDA,
        runs: &[&[
            Step::anywhere("lambda:InvokeFunction"),
            Step::anywhere("lambda:CreateEventSourceMapping"),
            Step::anywhere("lambda:AddPermission"),
        ]],
    },
    // An existing function keeps its triggers: switching its role runs it under the new one.
    launcher("lambda:UpdateFunctionConfiguration", LAMBDA),
    Launcher {
        action: "ecs:RegisterTaskDefinition",
        passed_to: ECS,
        runs: &[&[
            Step::anywhere("ecs:RunTask"),
            Step::anywhere("ecs:StartTask"),
            Step::anywhere("ecs:CreateService"),
            Step::anywhere("ecs:UpdateService"),
        ]],
    },
    launcher("ecs:RunTask", ECS),
    launcher("ecs:StartTask", ECS),
    launcher("ecs:CreateService", ECS),
    launcher("batch:SubmitJob", BATCH),
    Launcher {
        action: "batch:RegisterJobDefinition",
        passed_to: BATCH,
        runs: &[&[Step::anywhere("batch:SubmitJob")]],
    },
    launcher("glue:CreateDevEndpoint", GLUE),
    Launcher {
        action: "glue:CreateJob",
        passed_to: GLUE,
        runs: &[&[
            Step::anywhere("glue:StartJobRun"),
            Step::anywhere("glue:CreateTrigger"),
        ]],
    },
    launcher("glue:UpdateJob", GLUE),
    launcher("cloudformation:CreateStack", CLOUDFORMATION),
    launcher("cloudformation:UpdateStack", CLOUDFORMATION),
    Launcher {
        action: "cloudformation:CreateChangeSet",
        passed_to: CLOUDFORMATION,
        runs: &[&[Step::anywhere("cloudformation:ExecuteChangeSet")]],
    },
    Launcher {
        action: "cloudformation:CreateStackSet",
        passed_to: CLOUDFORMATION,
        runs: &[&[Step::anywhere("cloudformation:CreateStackInstances")]],
    },
    launcher("cloudformation:UpdateStackSet", CLOUDFORMATION),
    launcher("datapipeline:CreatePipeline", DATA_PIPELINE),
    launcher("sagemaker:CreateNotebookInstance", SAGEMAKER),
    launcher("sagemaker:CreateTrainingJob", SAGEMAKER),
    launcher("sagemaker:CreateProcessingJob", SAGEMAKER),
    Launcher {
        action: "codebuild:CreateProject",
        passed_to: CODEBUILD,
        runs: &[&[
            Step::anywhere("codebuild:StartBuild"),
            Step::anywhere("codebuild:StartBuildBatch"),
            Step::anywhere("codebuild:CreateWebhook"),
        ]],
    },
    launcher("codebuild:UpdateProject", CODEBUILD),
    launcher("apprunner:CreateService", APP_RUNNER_SERVICES),
    launcher("apprunner:UpdateService", APP_RUNNER_SERVICES),
    Launcher {
        action: "states:CreateStateMachine",
        passed_to: STATES,
        runs: &[&[
            Step::anywhere("states:StartExecution"),
            Step::anywhere("states:StartSyncExecution"),
        ]],
    },
    Launcher {
        action: "bedrock-agentcore:CreateCodeInterpreter",
        passed_to: AGENTCORE,
        runs: &[
            &[Step::anywhere(
                "bedrock-agentcore:StartCodeInterpreterSession",
            )],
            &[Step::anywhere("bedrock-agentcore:InvokeCodeInterpreter")],
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    /// Every action a path or launcher names is a real catalog action, spelt as the catalog
    /// spells it.
    #[test]
    fn every_path_action_is_in_the_catalog() {
        let catalog = Catalog::aws();
        let steps = DIRECT
            .iter()
            .flat_map(|p| p.needs.iter())
            .chain(LAUNCHERS.iter().flat_map(|l| l.runs.iter()))
            .flat_map(|need| need.iter());
        let names = steps
            .map(|s| s.action)
            .chain(LAUNCHERS.iter().map(|l| l.action));
        for name in names {
            let action = catalog.action(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(action.full_name(), name);
        }
        assert!(DIRECT.iter().all(|p| !p.needs.is_empty()));
    }
}
