//! Areas: which part of a customer's account an action touches (compute, storage,
//! observability), and the excluded area that a vendor's role is never granted unless a grant
//! opts in explicitly, saying why ([`Grant::allow_excluded`](crate::Grant::allow_excluded)).
//!
//! The promise behind the excluded area: *IAM user management, billing and Organizations
//! are not granted, and the role cannot escalate its own privileges.* So it holds every way
//! to change who may do what or to obtain other credentials (IAM writes, Identity Center,
//! IAM Roles Anywhere, `sts:AssumeRoot`, outside-expert access grants), everything that
//! spends or reports the customer's money (billing, cost, budgets, Savings Plans,
//! Marketplace purchases, paid support plans), Organizations, Control Tower and account
//! settings, and the CloudTrail writes that would let the role stop or narrow the audit
//! trail that records what it does.
//!
//! Every catalog service has an explicit area in [`services::SERVICE_AREAS`] (a test checks
//! that it names each catalog service, and only those). A few actions differ from their
//! service, listed in [`ACTION_AREAS`]. IAM is split by access level: its List and Read
//! actions (Get, List, Simulate, Generate) are [`Area::Other`], `iam:PassRole` and
//! `iam:CreateServiceLinkedRole` are [`Area::Compute`], and every other IAM action (users,
//! groups, access keys, login profiles, MFA and SSH keys, service credentials, policies,
//! roles, trust policies, instance profiles, identity providers, tags, account settings) is
//! [`Area::Excluded`].

mod services;

use std::fmt;
use std::str::FromStr;

use crate::PermissionSetError;
use crate::catalog::{Action, Catalog};
use Area::{Compute, Excluded};

/// The area an action belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Area {
    /// Running workloads: EC2, ECS, EKS, Lambda, Batch, Auto Scaling, ECR, Systems Manager,
    /// and `iam:PassRole`, which launches workloads under a role.
    Compute,
    /// Holding data: S3, DynamoDB, RDS, EFS, FSx, Glacier, ElastiCache, Backup, ...
    Storage,
    /// Telemetry: CloudWatch, Logs, X-Ray, CloudTrail (reading it), Application Signals, ...
    Observability,
    /// IAM user, credential and policy management, billing and cost, Organizations and
    /// account settings, and changes to the audit trail: refused unless a grant opts in with
    /// [`Grant::allow_excluded`](crate::Grant::allow_excluded).
    Excluded,
    /// Everything else (IAM reads included).
    Other,
}

impl Area {
    /// Every area, in declaration order.
    pub const ALL: [Area; 5] = [
        Area::Compute,
        Area::Storage,
        Area::Observability,
        Area::Excluded,
        Area::Other,
    ];

    /// The lowercase name: `compute`, `storage`, `observability`, `excluded`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Compute => "compute",
            Area::Storage => "storage",
            Area::Observability => "observability",
            Area::Excluded => "excluded",
            Area::Other => "other",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Area {
    type Err = PermissionSetError;

    /// Parses the lowercase name (case-insensitively).
    fn from_str(text: &str) -> Result<Area, PermissionSetError> {
        Area::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                PermissionSetError::invalid(
                    "area",
                    text,
                    "an area is compute, storage, observability, excluded or other",
                )
            })
    }
}

/// Actions whose area differs from their service's, by full name as the catalog spells it
/// (sorted; a test checks that each is a catalog action).
const ACTION_AREAS: &[(&str, Area)] = &[
    // Marketplace: buying, cancelling and paying spend the customer's money.
    ("aws-marketplace:AcceptAgreementApprovalRequest", Excluded),
    ("aws-marketplace:AcceptAgreementPaymentRequest", Excluded),
    ("aws-marketplace:AcceptAgreementRequest", Excluded),
    ("aws-marketplace:CancelAgreement", Excluded),
    ("aws-marketplace:CreateAgreementRequest", Excluded),
    (
        "aws-marketplace:PutProcurementSystemConfiguration",
        Excluded,
    ),
    ("aws-marketplace:Subscribe", Excluded),
    ("aws-marketplace:Unsubscribe", Excluded),
    ("aws-marketplace:UpdatePurchaseOrders", Excluded),
    // CloudTrail: stopping, deleting or narrowing what is recorded, or who may read it,
    // would hide what the role does.
    ("cloudtrail:DeleteChannel", Excluded),
    ("cloudtrail:DeleteEventDataStore", Excluded),
    ("cloudtrail:DeleteResourcePolicy", Excluded),
    ("cloudtrail:DeleteServiceLinkedChannel", Excluded),
    ("cloudtrail:DeleteTrail", Excluded),
    ("cloudtrail:DeregisterOrganizationDelegatedAdmin", Excluded),
    ("cloudtrail:DisableFederation", Excluded),
    ("cloudtrail:PutEventConfiguration", Excluded),
    ("cloudtrail:PutEventSelectors", Excluded),
    ("cloudtrail:PutInsightSelectors", Excluded),
    ("cloudtrail:PutResourcePolicy", Excluded),
    ("cloudtrail:RegisterOrganizationDelegatedAdmin", Excluded),
    ("cloudtrail:StopEventDataStoreIngestion", Excluded),
    ("cloudtrail:StopLogging", Excluded),
    ("cloudtrail:UpdateChannel", Excluded),
    ("cloudtrail:UpdateEventDataStore", Excluded),
    ("cloudtrail:UpdateServiceLinkedChannel", Excluded),
    ("cloudtrail:UpdateTrail", Excluded),
    // Creates the role an AWS service needs on first use (ECS, EKS, Auto Scaling, Spot);
    // the role's policy is AWS's and only that service may assume it.
    ("iam:CreateServiceLinkedRole", Compute),
    // Lets the orchestrator launch tasks, functions and instances under a role.
    ("iam:PassRole", Compute),
    // Root sessions on member accounts of an organization.
    ("sts:AssumeRoot", Excluded),
];

/// The area of one action.
///
/// ```
/// use permission_sets::{Area, Catalog, area_of};
/// let catalog = Catalog::aws();
/// let area = |name: &str| area_of(catalog.action(name).unwrap());
/// assert_eq!(area("ecs:RunTask"), Area::Compute);
/// assert_eq!(area("iam:PassRole"), Area::Compute);
/// assert_eq!(area("iam:GetRole"), Area::Other);
/// assert_eq!(area("iam:AttachRolePolicy"), Area::Excluded);
/// assert_eq!(area("cloudtrail:LookupEvents"), Area::Observability);
/// assert_eq!(area("cloudtrail:StopLogging"), Area::Excluded);
/// ```
pub fn area_of(action: &Action) -> Area {
    if let Some((_, area)) = ACTION_AREAS
        .binary_search_by(|(name, _)| (*name).cmp(action.full_name()))
        .ok()
        .and_then(|i| ACTION_AREAS.get(i))
    {
        return *area;
    }
    match services::service_area(action.service()) {
        Some(Excluded) if action.service() == "iam" && action.is_read_only() => Area::Other,
        Some(area) => area,
        // Unreachable for catalog actions (a test checks that every service has a line);
        // `Other` claims nothing.
        None => Area::Other,
    }
}

/// True when the action only lists or reads (access level List or Read).
pub fn is_read_only(action: &Action) -> bool {
    action.is_read_only()
}

impl Catalog {
    /// The area of `action` (see [`area_of`]).
    pub fn area(&self, action: &Action) -> Area {
        area_of(action)
    }
}

#[cfg(test)]
mod tests {
    use super::services::SERVICE_AREAS;
    use super::*;
    use crate::AccessLevel;

    fn area(name: &str) -> Area {
        let catalog = Catalog::aws();
        area_of(
            catalog
                .action(name)
                .unwrap_or_else(|| panic!("{name} is not in the catalog")),
        )
    }

    #[test]
    fn the_service_table_names_every_catalog_service_and_nothing_else() {
        let catalog = Catalog::aws();
        assert!(
            SERVICE_AREAS.windows(2).all(|w| w[0].0 < w[1].0),
            "the table must be sorted by prefix, without repeats"
        );
        for service in catalog.services() {
            assert!(
                services::service_area(service.prefix()).is_some(),
                "{} has no line in src/area/services.rs",
                service.prefix()
            );
        }
        for (prefix, _) in SERVICE_AREAS {
            assert!(
                catalog
                    .service(prefix)
                    .is_some_and(|s| s.prefix() == *prefix),
                "src/area/services.rs names {prefix}, which is not a catalog prefix"
            );
        }
        assert_eq!(SERVICE_AREAS.len(), catalog.services().len());
    }

    #[test]
    fn the_action_table_names_catalog_actions_whose_area_it_changes() {
        let catalog = Catalog::aws();
        assert!(ACTION_AREAS.windows(2).all(|w| w[0].0 < w[1].0));
        for (name, expected) in ACTION_AREAS {
            let action = catalog.action(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(action.full_name(), *name, "spell it as the catalog does");
            assert_ne!(
                services::service_area(action.service()),
                Some(*expected),
                "{name} has its service's area already"
            );
            assert_eq!(area_of(action), *expected);
        }
    }

    #[test]
    fn iam_is_split_per_action() {
        let catalog = Catalog::aws();
        let iam = catalog.service("iam").unwrap();
        for action in iam.actions() {
            let expected = match action.name() {
                "PassRole" | "CreateServiceLinkedRole" => Area::Compute,
                _ if action.is_read_only() => Area::Other,
                _ => Area::Excluded,
            };
            assert_eq!(area_of(action), expected, "{}", action.full_name());
            // The read side is what the name says it is.
            let name = action.name();
            if ["Get", "List", "Simulate", "Generate"]
                .iter()
                .any(|p| name.starts_with(p))
            {
                assert!(action.is_read_only(), "{name} is not read-only");
            }
        }
        for excluded in [
            "CreateUser",
            "DeleteUser",
            "UpdateUser",
            "CreateGroup",
            "AddUserToGroup",
            "CreateAccessKey",
            "UpdateAccessKey",
            "DeleteAccessKey",
            "CreateLoginProfile",
            "UpdateLoginProfile",
            "ChangePassword",
            "EnableMFADevice",
            "CreateVirtualMFADevice",
            "DeactivateMFADevice",
            "UploadSSHPublicKey",
            "CreateServiceSpecificCredential",
            "ResetServiceSpecificCredential",
            "CreatePolicy",
            "CreatePolicyVersion",
            "SetDefaultPolicyVersion",
            "DeletePolicy",
            "PutUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "AttachUserPolicy",
            "AttachGroupPolicy",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "DeleteRolePolicy",
            "PutRolePermissionsBoundary",
            "DeleteRolePermissionsBoundary",
            "UpdateAssumeRolePolicy",
            "CreateRole",
            "DeleteRole",
            "UpdateRole",
            "TagRole",
            "AddRoleToInstanceProfile",
            "CreateOpenIDConnectProvider",
            "CreateSAMLProvider",
            "UpdateAccountPasswordPolicy",
            "CreateAccountAlias",
        ] {
            assert_eq!(
                area(&format!("iam:{excluded}")),
                Area::Excluded,
                "{excluded}"
            );
        }
        for other in [
            "GetRole",
            "ListRoles",
            "GetPolicyVersion",
            "SimulatePrincipalPolicy",
            "GenerateCredentialReport",
            "GenerateServiceLastAccessedDetails",
            "GetAccountAuthorizationDetails",
        ] {
            assert_eq!(area(&format!("iam:{other}")), Area::Other, "{other}");
        }
    }

    #[test]
    fn the_missions_areas() {
        for (action, expected) in [
            ("ec2:RunInstances", Area::Compute),
            ("ecs:CreateService", Area::Compute),
            ("eks:CreateCluster", Area::Compute),
            ("lambda:CreateFunction", Area::Compute),
            ("autoscaling:UpdateAutoScalingGroup", Area::Compute),
            ("batch:SubmitJob", Area::Compute),
            ("ecr:BatchGetImage", Area::Compute),
            ("ssm:SendCommand", Area::Compute),
            ("s3:PutObject", Area::Storage),
            ("dynamodb:PutItem", Area::Storage),
            ("rds:CreateDBInstance", Area::Storage),
            ("elasticfilesystem:CreateFileSystem", Area::Storage),
            ("backup:StartBackupJob", Area::Storage),
            ("cloudwatch:GetMetricData", Area::Observability),
            ("logs:FilterLogEvents", Area::Observability),
            ("xray:GetTraceSummaries", Area::Observability),
            ("cloudtrail:LookupEvents", Area::Observability),
            ("cloudtrail:StartQuery", Area::Observability),
            ("cloudtrail:StopLogging", Area::Excluded),
            ("iam:CreateUser", Area::Excluded),
            ("iam:GetRole", Area::Other),
            ("iam:PassRole", Area::Compute),
            ("organizations:CreateAccount", Area::Excluded),
            ("account:PutAlternateContact", Area::Excluded),
            ("aws-portal:ViewBilling", Area::Excluded),
            ("ce:GetCostAndUsage", Area::Excluded),
            ("budgets:ModifyBudget", Area::Excluded),
            ("sso:CreatePermissionSet", Area::Excluded),
            ("identitystore:CreateUser", Area::Excluded),
            ("rolesanywhere:CreateTrustAnchor", Area::Excluded),
            ("aws-marketplace:Subscribe", Area::Excluded),
            ("aws-marketplace:MeterUsage", Area::Other),
            ("sts:AssumeRoot", Area::Excluded),
            ("sts:AssumeRole", Area::Other),
            ("sts:GetCallerIdentity", Area::Other),
            ("translate:TranslateText", Area::Other),
        ] {
            assert_eq!(area(action), expected, "{action}");
        }
    }

    #[test]
    fn names_round_trip() {
        for area in Area::ALL {
            assert_eq!(area.as_str().parse::<Area>().unwrap(), area);
            assert_eq!(area.to_string(), area.as_str());
            assert_eq!(
                serde_json::to_string(&area).unwrap(),
                format!("\"{}\"", area.as_str())
            );
        }
        assert_eq!("Compute".parse::<Area>().unwrap(), Area::Compute);
        assert!("nowhere".parse::<Area>().is_err());
        let put = Catalog::aws().action("s3:PutObject").unwrap();
        assert!(!is_read_only(put));
        assert_eq!(put.access_level(), AccessLevel::Write);
    }
}
