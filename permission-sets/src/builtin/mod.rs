//! Built-in permission sets reproducing what the products in the mission's seeds ask for,
//! so a vendor can start from one and every guarantee they make is checked by the audit.

mod axiom;
mod cloudcraft;
mod doit;
mod nomos;
mod orchestrator;

pub use axiom::read_only_scan;
pub use cloudcraft::read_only_access;
pub use doit::managed_plus_actions;
pub use nomos::{dynamodb_read, ec2_operator, s3_read};
pub use orchestrator::{ORCHESTRATOR_MANAGED_BY, orchestrator};

use crate::{PermissionSet, PermissionSetError};

type Constructor = fn() -> Result<PermissionSet, PermissionSetError>;

/// Every built-in set's constructor, in a stable order.
const CONSTRUCTORS: [Constructor; 7] = [
    read_only_scan,
    orchestrator,
    read_only_access,
    s3_read,
    dynamodb_read,
    ec2_operator,
    doit::example,
];

/// Every built-in set, in a stable order.
pub fn all() -> Vec<PermissionSet> {
    // The built-in definitions are constants of this crate; a unit test builds every one,
    // so a failure here is a bug in the crate, reported instead of panicking.
    CONSTRUCTORS
        .iter()
        .filter_map(|build| build().ok())
        .collect()
}

/// The built-in set named `name`.
pub fn get(name: &str) -> Result<PermissionSet, PermissionSetError> {
    all().into_iter().find(|s| s.name() == name).ok_or_else(|| {
        PermissionSetError::invalid(
            "permission set",
            name,
            format!(
                "no built-in set has this name; the built-in sets are: {}",
                all()
                    .iter()
                    .map(PermissionSet::name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_builds_and_names_are_unique() {
        let built: Vec<_> = CONSTRUCTORS.iter().map(|build| build()).collect();
        for set in &built {
            assert!(set.is_ok(), "{set:?}");
        }
        let names: std::collections::BTreeSet<_> =
            all().iter().map(|s| s.name().to_owned()).collect();
        assert_eq!(names.len(), built.len());
        assert_eq!(
            get("axiom:read-only-scan").unwrap().name(),
            "axiom:read-only-scan"
        );
        assert!(
            get("nope")
                .unwrap_err()
                .to_string()
                .contains("axiom:read-only-scan")
        );
    }

    /// Each built-in set claims exactly the guarantees the audit proves for its documents
    /// (sets that attach managed policies claim nothing: the audit cannot see those).
    #[test]
    fn builtin_claims_are_exactly_what_the_audit_proves() {
        for set in all() {
            if !set.managed_policies().is_empty() {
                assert!(set.claims().is_empty(), "{}", set.name());
                continue;
            }
            let rendered = set
                .render(&set.sample_values(), crate::PolicyTarget::ManagedPolicies)
                .unwrap();
            let statements = rendered
                .documents
                .iter()
                .flat_map(|d| d.statements().iter().cloned())
                .collect();
            let report = crate::audit(&iam_policy::PolicyDocument::new(statements));
            for guarantee in crate::Guarantee::ALL {
                assert_eq!(
                    set.claims().contains(&guarantee),
                    report.guarantee(guarantee).holds(),
                    "{} {guarantee}",
                    set.name()
                );
            }
        }
    }
}
