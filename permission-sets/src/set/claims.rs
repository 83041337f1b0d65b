//! The guarantees a permission set claims, checked with the audit on what the set renders:
//! a claim the audit disproves, or cannot check, refuses the set.

use iam_policy::{Arn, PolicyDocument};

use crate::{ParameterValues, PermissionSet, PermissionSetError, audit};

impl PermissionSet {
    /// Checks every claimed guarantee ([`claims`](PermissionSet::claims)) against the policies
    /// that carry the set: `documents` (a role's identity policies are evaluated together, so
    /// they are audited as one: an escalation can take a `PassRole` from one document and a
    /// launch action from another) and the managed policies attached by ARN alongside them.
    ///
    /// Refuses with [`ClaimDisproved`](PermissionSetError::ClaimDisproved) for the first
    /// claimed guarantee (in [`Guarantee::ALL`](crate::Guarantee::ALL) order) that the audit
    /// disproves, naming the grant and every action that breaks it (statement indices and
    /// paths count the documents' statements one after the other), and with
    /// [`ClaimUnverifiable`](PermissionSetError::ClaimUnverifiable) when any guarantee is
    /// claimed and a managed policy is attached, since the audit does not see its statements.
    /// A set that claims nothing passes.
    ///
    /// Rendering runs this on its own output; onboarding runs it again on the documents it
    /// writes into the customer's artifacts.
    pub fn check_claims(
        &self,
        documents: &[PolicyDocument],
        managed_policy_arns: &[Arn],
    ) -> Result<(), PermissionSetError> {
        let Some(&first_claim) = self.claims().first() else {
            return Ok(());
        };
        if let Some(policy) = managed_policy_arns.first() {
            return Err(PermissionSetError::ClaimUnverifiable {
                set: self.reference().clone(),
                guarantee: first_claim,
                policy: policy.to_string(),
            });
        }
        // IAM evaluates all identity-based policies of the role together: an action is allowed
        // when any of them allows it and none denies it (IAM User Guide, "Policy evaluation
        // logic"). One document with all their statements has exactly that meaning.
        let merged = PolicyDocument::new(
            documents
                .iter()
                .flat_map(|d| d.statements().iter().cloned())
                .collect(),
        );
        let report = audit(&merged);
        for &guarantee in self.claims() {
            let check = report.guarantee(guarantee);
            if check.holds() {
                continue;
            }
            let grant = check
                .violations()
                .first()
                .and_then(|v| merged.statements().get(v.statement()))
                .and_then(|statement| self.grant_of(statement))
                .map(|g| g.id.clone());
            return Err(PermissionSetError::ClaimDisproved {
                set: self.reference().clone(),
                guarantee,
                grant,
                violations: check.violations().to_vec(),
            });
        }
        Ok(())
    }

    /// [`check_claims`](Self::check_claims) on the set's statements rendered with `values`
    /// and its managed policies.
    pub(crate) fn check_claims_with(
        &self,
        values: &ParameterValues,
    ) -> Result<(), PermissionSetError> {
        if self.claims().is_empty() {
            return Ok(());
        }
        let managed: Vec<Arn> = self
            .managed_policies()
            .iter()
            .map(|m| m.arn.clone())
            .collect();
        let statements = self.statements(values, None)?;
        self.check_claims(&[PolicyDocument::new(statements)], &managed)
    }
}
