//! Defence in depth: what onboarding writes into the customer's artifacts keeps the
//! permission set's promises, checked again here on the documents themselves.

use iam_policy::PolicyDocument;
use permission_sets::{Catalog, PermissionSet, Rendered};

use crate::{OnboardingError, PermissionPolicy};

/// Refuses an onboarding whose permission set breaks its own rules in what it hands the
/// customer: every grant's declared area must be the catalog's area of each of its actions,
/// with the excluded area only by an explicit opt-in ([`permission_sets::Grant::check`]),
/// and every guarantee the set claims must hold for the permission documents the artifacts
/// carry, with the managed policies attached alongside
/// ([`PermissionSet::check_claims`]).
///
/// `PermissionSet::build` and `PermissionSet::render` check the same; this runs on the
/// documents onboarding writes, so a change anywhere between the set and the artifacts
/// cannot slip past.
pub(crate) fn keeps_promises(
    set: &PermissionSet,
    policies: &[PermissionPolicy],
    rendered: &Rendered,
) -> Result<(), OnboardingError> {
    let catalog = Catalog::aws();
    for grant in set.grants() {
        grant.check(catalog)?;
    }
    let documents: Vec<PolicyDocument> = policies.iter().map(|p| p.document.clone()).collect();
    set.check_claims(&documents, &rendered.managed_policy_arns)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use permission_sets::{
        AuditCode, Guarantee, ParameterValues, PermissionSetError, PolicyTarget, builtin,
    };

    use super::*;
    use crate::node::Node;

    fn policy(document: PolicyDocument) -> PermissionPolicy {
        PermissionPolicy {
            name: "Permissions".to_owned(),
            template: Node::str("unused"),
            document,
        }
    }

    fn rendered(set: &PermissionSet, values: &ParameterValues) -> Rendered {
        set.render(values, PolicyTarget::InlinePolicies).unwrap()
    }

    #[test]
    fn the_documents_written_are_audited_against_the_claims() {
        let set = builtin::s3_read().unwrap();
        assert!(set.claims().contains(&Guarantee::ReadOnly));
        let values = ParameterValues::new().with_values("Buckets", ["acme-data"]);
        let honest = rendered(&set, &values);
        let written: Vec<PermissionPolicy> = honest.documents.iter().cloned().map(policy).collect();
        assert_eq!(keeps_promises(&set, &written, &honest), Ok(()));

        // Were a write to reach the artifacts, onboarding refuses it, naming the grant and
        // the action.
        let tampered: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "GetObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
             "Resource": "arn:aws:s3:::acme-data/*"}]}"#
            .parse()
            .unwrap();
        let error = keeps_promises(&set, &[policy(tampered)], &honest).unwrap_err();
        let OnboardingError::PermissionSet(PermissionSetError::ClaimDisproved {
            guarantee,
            grant,
            violations,
            ..
        }) = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*guarantee, Guarantee::ReadOnly);
        assert_eq!(grant.as_deref(), Some("GetObjects"));
        assert_eq!(violations[0].action(), "s3:PutObject");
        assert_eq!(violations[0].code(), AuditCode::NotReadOnly);
    }

    #[test]
    fn a_managed_policy_next_to_claims_is_refused() {
        let set = builtin::ec2_operator().unwrap();
        let mut honest = rendered(&set, &ParameterValues::new());
        let written: Vec<PermissionPolicy> = honest.documents.iter().cloned().map(policy).collect();
        honest.managed_policy_arns.push(
            "arn:aws:iam::aws:policy/AdministratorAccess"
                .parse()
                .unwrap(),
        );
        let error = keeps_promises(&set, &written, &honest).unwrap_err();
        assert!(
            matches!(
                error,
                OnboardingError::PermissionSet(PermissionSetError::ClaimUnverifiable { .. })
            ),
            "{error:?}"
        );
    }
}
