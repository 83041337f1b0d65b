//! Axiom's read-only scan role: its exact action list, each line with the reason Axiom gives
//! ("03 · Why each line" in the seed).

use crate::{Area, Grant, Guarantee, PermissionSet, PermissionSetError};

/// `axiom:read-only-scan`: Describe, Get and List only, every line justified.
///
/// Claims read-only and no privilege escalation. It does not claim the other two: its
/// Cost Explorer reads are in the excluded area (opted in, with the reason), and `logs:Get*`
/// includes `logs:GetLogEvents`, which reads log contents.
pub fn read_only_scan() -> Result<PermissionSet, PermissionSetError> {
    PermissionSet::builder("axiom:read-only-scan", "1.0.0")
        .with_description("Read-only inventory, posture and cost scan: no write, no delete, no modify.")
        .with_claims([Guarantee::ReadOnly, Guarantee::NoPrivilegeEscalation])
        .with_grant(Grant::new(
            "Ec2Inventory",
            Area::Compute,
            ["ec2:Describe*"],
            "Enumerate EC2 instances, volumes, security groups, VPCs, NAT gateways and load balancers for inventory and rightsizing.",
        )?)
        .with_grant(Grant::new(
            "S3Posture",
            Area::Storage,
            ["s3:GetBucket*", "s3:ListBucket", "s3:ListAllMyBuckets"],
            "Detect public buckets, encryption settings, lifecycle rules and versioning posture; object contents are never read.",
        )?)
        .with_grant(Grant::new(
            "RdsInventory",
            Area::Storage,
            ["rds:Describe*", "rds:ListTagsForResource"],
            "Inventory RDS instances and clusters; find oversized databases, missing backups and unencrypted instances.",
        )?)
        .with_grant(Grant::new(
            "IamAudit",
            Area::Other,
            ["iam:Get*", "iam:List*", "iam:Simulate*"],
            "Audit IAM roles, policies and trust relationships for over-permissive grants; Simulate is read-only policy analysis.",
        )?)
        .with_grant(Grant::new(
            "Utilization",
            Area::Observability,
            ["cloudwatch:Get*", "cloudwatch:List*", "cloudwatch:Describe*"],
            "Pull utilization metrics for rightsizing recommendations.",
        )?)
        .with_grant(Grant::new(
            "LogPosture",
            Area::Observability,
            ["logs:Describe*", "logs:Get*", "logs:List*"],
            "Detect missing or stale log groups and retention misconfigurations.",
        )?)
        .with_grant(
            Grant::new(
                "CostSignals",
                Area::Excluded,
                ["ce:Get*", "ce:List*"],
                "Cost Explorer signals, to confirm that cost optimizations land in the actual bill.",
            )?
            .allow_excluded(
                "Cost Explorer is billing data, which vendors are otherwise never granted; these are its Get and List actions only, so the scan reads the bill and cannot change it.",
            )?,
        )
        .with_grant(Grant::new(
            "ConnectionTest",
            Area::Other,
            ["sts:GetCallerIdentity"],
            "Confirms that the role was assumed during the connection test.",
        )?)
        .with_grant(Grant::new(
            "TagInventory",
            Area::Other,
            ["tag:GetResources"],
            "Aggregate the cross-service tag inventory for ownership graphs.",
        )?)
        .build()
}
