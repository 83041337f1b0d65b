//! The published lists the audit checks against: privilege-escalation paths and actions that
//! read data contents rather than configuration.
//!
//! Escalation paths follow the well-known published catalogues of IAM privilege escalation
//! (Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and Mitigation", the
//! pathfinding.cloud and Bishop Fox lists): a principal that can change its own or another
//! principal's policies, mint credentials for another user, rewrite a role's trust policy, or
//! pass an arbitrary role to a compute service it can launch, can give itself any permission.

/// Actions that by themselves let a principal grant itself (or a principal it controls) more
/// permissions, each with a probe: a resource of the kind the action works on that no policy
/// names on purpose. Granting the action on the probe means granting it on every resource of
/// that kind; a grant scoped to resources the customer chose (a path, a name prefix) is
/// treated as contained.
pub(crate) const DIRECT_ESCALATION: &[(&str, &str, &str)] = &[
    (
        "iam:CreatePolicyVersion",
        "arn:aws:iam::123456789012:policy/AnyPolicy",
        "replace a policy's default version with one granting everything",
    ),
    (
        "iam:SetDefaultPolicyVersion",
        "arn:aws:iam::123456789012:policy/AnyPolicy",
        "switch a policy to a more permissive old version",
    ),
    (
        "iam:AttachUserPolicy",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "attach AdministratorAccess to a user",
    ),
    (
        "iam:AttachGroupPolicy",
        "arn:aws:iam::123456789012:group/AnyPrivilegedGroup",
        "attach AdministratorAccess to a group",
    ),
    (
        "iam:AttachRolePolicy",
        "arn:aws:iam::123456789012:role/AnyPrivilegedRole",
        "attach AdministratorAccess to a role, its own included",
    ),
    (
        "iam:PutUserPolicy",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "write an inline policy granting everything to a user",
    ),
    (
        "iam:PutGroupPolicy",
        "arn:aws:iam::123456789012:group/AnyPrivilegedGroup",
        "write an inline policy granting everything to a group",
    ),
    (
        "iam:PutRolePolicy",
        "arn:aws:iam::123456789012:role/AnyPrivilegedRole",
        "write an inline policy granting everything to a role, its own included",
    ),
    (
        "iam:AddUserToGroup",
        "arn:aws:iam::123456789012:group/AnyPrivilegedGroup",
        "join a more privileged group",
    ),
    (
        "iam:CreateAccessKey",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "mint access keys for a more privileged user",
    ),
    (
        "iam:CreateLoginProfile",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "set a console password for a more privileged user",
    ),
    (
        "iam:UpdateLoginProfile",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "reset a more privileged user's console password",
    ),
    (
        "iam:UpdateAssumeRolePolicy",
        "arn:aws:iam::123456789012:role/AnyPrivilegedRole",
        "rewrite a privileged role's trust policy to let itself in",
    ),
    (
        "iam:DeleteRolePermissionsBoundary",
        "arn:aws:iam::123456789012:role/AnyPrivilegedRole",
        "lift the permissions boundary that limits a role",
    ),
    (
        "iam:DeleteUserPermissionsBoundary",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "lift the permissions boundary that limits a user",
    ),
    (
        "iam:PutRolePermissionsBoundary",
        "arn:aws:iam::123456789012:role/AnyPrivilegedRole",
        "replace a role's permissions boundary with a looser one",
    ),
    (
        "iam:PutUserPermissionsBoundary",
        "arn:aws:iam::123456789012:user/AnyPrivilegedUser",
        "replace a user's permissions boundary with a looser one",
    ),
    (
        "lambda:UpdateFunctionCode",
        "arn:aws:lambda:us-east-1:123456789012:function:AnyPrivilegedFunction",
        "run its own code under an existing function's (possibly privileged) role",
    ),
    (
        "glue:UpdateDevEndpoint",
        "arn:aws:glue:us-east-1:123456789012:devEndpoint/AnyEndpoint",
        "take over a Glue endpoint running under a privileged role",
    ),
    (
        "ssm:SendCommand",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "run commands on instances under their (possibly privileged) instance roles",
    ),
    (
        "ssm:StartSession",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "open a shell on instances running under privileged instance roles",
    ),
    (
        "ec2-instance-connect:SendSSHPublicKey",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "log in to instances running under privileged instance roles",
    ),
];

/// The probe for "every role" (see [`DIRECT_ESCALATION`]).
pub(crate) const PROBE_ROLE: &str = "arn:aws:iam::123456789012:role/AnyPrivilegedRole";

/// Actions that launch compute under a role passed with `iam:PassRole`: with `PassRole` on
/// every role, any of them runs code with any role's permissions.
pub(crate) const LAUNCH_WITH_PASSED_ROLE: &[&str] = &[
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "autoscaling:CreateLaunchConfiguration",
    "ec2:CreateLaunchTemplate",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:CreateService",
    "batch:SubmitJob",
    "glue:CreateDevEndpoint",
    "glue:CreateJob",
    "glue:UpdateJob",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "datapipeline:CreatePipeline",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "codebuild:CreateProject",
    "codebuild:UpdateProject",
    "apprunner:CreateService",
    "states:CreateStateMachine",
];

/// Actions that return data contents (objects, items, secrets, plaintext, query results,
/// messages, log events) rather than configuration or metadata.
pub(crate) const DATA_READS: &[(&str, &str)] = &[
    ("s3:GetObject", "object contents"),
    ("s3:GetObjectVersion", "object contents"),
    ("s3:GetObjectTorrent", "object contents"),
    ("s3-object-lambda:GetObject", "object contents"),
    ("dynamodb:GetItem", "table items"),
    ("dynamodb:BatchGetItem", "table items"),
    ("dynamodb:Query", "table items"),
    ("dynamodb:Scan", "table items"),
    ("dynamodb:PartiQLSelect", "table items"),
    ("dynamodb:GetRecords", "stream records"),
    ("secretsmanager:GetSecretValue", "secret values"),
    ("secretsmanager:BatchGetSecretValue", "secret values"),
    ("kms:Decrypt", "decrypted plaintext"),
    (
        "ssm:GetParameter",
        "parameter values, including SecureStrings",
    ),
    (
        "ssm:GetParameters",
        "parameter values, including SecureStrings",
    ),
    (
        "ssm:GetParametersByPath",
        "parameter values, including SecureStrings",
    ),
    ("rds-data:ExecuteStatement", "database rows"),
    ("rds-data:BatchExecuteStatement", "database rows"),
    ("redshift-data:GetStatementResult", "query results"),
    ("athena:GetQueryResults", "query results"),
    ("sqs:ReceiveMessage", "queue messages"),
    ("kinesis:GetRecords", "stream records"),
    ("logs:GetLogEvents", "log events"),
    ("logs:FilterLogEvents", "log events"),
    ("logs:StartQuery", "log events"),
    ("glacier:GetJobOutput", "archive contents"),
    ("ebs:GetSnapshotBlock", "disk contents"),
    ("ecr:GetDownloadUrlForLayer", "container image layers"),
    ("ecr:BatchGetImage", "container images"),
    ("codecommit:GitPull", "source code"),
    ("codecommit:GetFile", "source code"),
    ("lambda:GetFunction", "function code"),
    ("cloudtrail:LookupEvents", "management event history"),
];
