//! DoiT-style connections: AWS managed policies chosen in a wizard plus extra allowed actions.

use iam_policy::ActionPattern;

use crate::{Area, Grant, PermissionSet, PermissionSetError};

/// A set made of managed policies (by ARN) plus extra actions on every resource, as a
/// connection wizard builds it. `area` labels the extra actions, and must be the catalog's
/// area of each of them (see [`Grant::check`]); the excluded area is refused. The set claims
/// no guarantee: the audit does not see the managed policies' statements.
///
/// ```
/// use permission_sets::{Area, builtin};
/// let set = builtin::managed_plus_actions(
///     "acme:flow",
///     &["arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"],
///     &["S3:GetObject"],
///     Area::Storage,
///     "Read objects the flow processes.",
/// ).unwrap();
/// assert_eq!(set.managed_policies().len(), 1);
/// assert_eq!(set.grants()[0].actions[0].as_str(), "S3:GetObject");
/// ```
pub fn managed_plus_actions(
    name: &str,
    managed_policy_arns: &[&str],
    extra_actions: &[&str],
    area: Area,
    justification: &str,
) -> Result<PermissionSet, PermissionSetError> {
    let mut builder = PermissionSet::builder(name, "1.0.0")
        .with_description("AWS managed policies plus extra allowed actions.");
    for arn in managed_policy_arns {
        builder = builder.with_managed_policy(arn, "Chosen in the connection wizard.");
    }
    if !extra_actions.is_empty() {
        // Validate each action with its own message before building the grant.
        for action in extra_actions {
            action.parse::<ActionPattern>()?;
        }
        builder = builder.with_grant(Grant::new(
            "ExtraAllowedActions",
            area,
            extra_actions,
            justification,
        )?);
    }
    builder.build()
}

/// `doit:cloudflow-example`: the seed's example, EC2 read-only plus `S3:GetObject`.
pub(super) fn example() -> Result<PermissionSet, PermissionSetError> {
    managed_plus_actions(
        "doit:cloudflow-example",
        &["arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"],
        &["S3:GetObject"],
        Area::Storage,
        "The flow reads the objects it processes.",
    )
}
