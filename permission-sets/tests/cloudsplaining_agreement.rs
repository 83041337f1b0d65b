//! Agreement with an independent tool: every AWS managed policy in which cloudsplaining 0.9.1
//! finds a privilege-escalation method (`PolicyDocument(doc).allows_privilege_escalation`
//! over the corpus, 34 of 1,523 policies) has an unconditional escalation path in this audit.
//! Before the audit knew change sets, user data, launch templates, SageMaker notebooks and
//! ECS exec, six of them were missed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod common;

use common::corpus;
use permission_sets::audit;

/// The corpus policies cloudsplaining 0.9.1 flags for privilege escalation.
const FLAGGED_BY_CLOUDSPLAINING: &[&str] = &[
    "AWSCloudFormationFullAccess",
    "AWSCodeStarServiceRole",
    "AWSConnector",
    "AWSDataPipelineRole",
    "AWSDeepRacerCloudFormationAccessPolicy",
    "AWSDeepRacerServiceRolePolicy",
    "AWSElasticBeanstalkFullAccess",
    "AWSElasticBeanstalkService",
    "AWSGlueConsoleFullAccess",
    "AWSGlueConsoleSageMakerNotebookFullAccess",
    "AWSGlueServiceNotebookRole",
    "AWSGlueServiceRole",
    "AWSLambdaFullAccess",
    "AWSLambda_FullAccess",
    "AWSOpsWorksRegisterCLI",
    "AWSServiceRoleForImageBuilder",
    "AdministratorAccess",
    "AdministratorAccess-Amplify",
    "AmazonDynamoDBFullAccesswithDataPipeline",
    "AmazonEC2ContainerServiceFullAccess",
    "AmazonEC2FullAccess",
    "AmazonEC2SpotFleetRole",
    "AmazonECS_FullAccess",
    "AmazonElasticMapReduceFullAccess",
    "AmazonElasticMapReduceRole",
    "AutoScalingServiceRolePolicy",
    "DataScientist",
    "EC2InstanceConnect",
    "IAMFullAccess",
    "PowerUserAccess",
    "SageMakerStudioAdminIAMPermissiveExecutionPolicy",
    "SageMakerStudioUserIAMPermissiveExecutionPolicy",
    "SecretsManagerReadWrite",
    "SystemAdministrator",
];

#[test]
fn every_policy_cloudsplaining_flags_has_an_unconditional_escalation_path() {
    let mut missed = Vec::new();
    for name in FLAGGED_BY_CLOUDSPLAINING {
        let Some(doc) = corpus(name) else {
            return;
        };
        let report = audit(&doc);
        if report
            .no_privilege_escalation()
            .unconditional()
            .next()
            .is_none()
        {
            missed.push(*name);
        }
    }
    assert!(missed.is_empty(), "missed: {missed:?}");
}
