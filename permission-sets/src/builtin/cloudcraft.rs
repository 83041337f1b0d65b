//! Cloudcraft's role: AWS's `ReadOnlyAccess` managed policy, attached by ARN.

use crate::{PermissionSet, PermissionSetError};

/// `cloudcraft:read-only-access`: the AWS managed `ReadOnlyAccess` policy.
///
/// Claims nothing: the audit does not see a managed policy's statements. (Audited from the
/// published document, `ReadOnlyAccess` reads data contents and allows a few actions the
/// Service Authorization Reference classifies as writes.)
pub fn read_only_access() -> Result<PermissionSet, PermissionSetError> {
    PermissionSet::builder("cloudcraft:read-only-access", "1.0.0")
        .with_description("Visualize the live environment: read-only access to every AWS service, through AWS's own managed policy.")
        .with_managed_policy(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "Reverse-engineer the live environment into diagrams and budgets without any write access.",
        )
        .build()
}
