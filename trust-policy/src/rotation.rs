//! Rotating an External ID without ever cutting the vendor off.

use iam_policy::PolicyDocument;

use crate::{CrossAccountTrust, ExternalId, TrustPolicyError};

/// The two policies of a rotation, in the order the customer applies them.
///
/// 1. `transitional` accepts both the old and the new External ID: the customer applies it,
///    and the vendor switches to the new id (connections keep working either way);
/// 2. `final_policy` accepts only the new id: the customer applies it once the vendor has
///    confirmed the new id works, and the old id stops working.
///
/// ```
/// use trust_policy::{CrossAccountTrust, ExternalId, RotationPlan, VendorPrincipal};
/// let old: ExternalId = "old-id-123".parse().unwrap();
/// let new: ExternalId = "new-id-456".parse().unwrap();
/// let trust = CrossAccountTrust::new(VendorPrincipal::account("999988887777".parse().unwrap()), old);
/// let plan = RotationPlan::new(&trust, new).unwrap();
/// assert!(plan.transitional.to_json().contains(r#"["old-id-123","new-id-456"]"#));
/// assert!(plan.final_policy.to_json().contains(r#""sts:ExternalId":"new-id-456""#));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RotationPlan {
    /// The External ID being retired.
    pub old: ExternalId,
    /// The External ID replacing it.
    pub new: ExternalId,
    /// Step 1: accepts both ids.
    pub transitional: PolicyDocument,
    /// Step 2: accepts only the new id.
    pub final_policy: PolicyDocument,
}

impl RotationPlan {
    /// Plans the rotation of `current` (which must accept exactly one External ID) to `new`.
    pub fn new(
        current: &CrossAccountTrust,
        new: ExternalId,
    ) -> Result<RotationPlan, TrustPolicyError> {
        let [old] = current.external_ids() else {
            return Err(TrustPolicyError::invalid(
                "external ids",
                &current.external_ids().len().to_string(),
                "a rotation starts from a trust policy that accepts exactly one External ID; finish the rotation in progress first",
            ));
        };
        if *old == new {
            return Err(TrustPolicyError::invalid(
                "new external id",
                new.as_str(),
                "the new External ID must differ from the current one",
            ));
        }
        let transitional = current.clone().also_accept(new.clone())?.policy()?;
        let final_policy = current.clone().with_external_id(new.clone()).policy()?;
        Ok(RotationPlan {
            old: old.clone(),
            new,
            transitional,
            final_policy,
        })
    }

    /// The steps, as sentences for the customer and the vendor.
    pub fn steps(&self) -> [String; 4] {
        [
            "Customer: replace the role's trust policy with the transitional policy (it accepts both External IDs).".to_owned(),
            "Vendor: switch the connection to the new External ID and test the connection.".to_owned(),
            "Customer: replace the trust policy with the final policy (it accepts only the new External ID).".to_owned(),
            "Vendor: test again; an AssumeRole with the old External ID is now refused.".to_owned(),
        ]
    }
}
