//! Every built-in set keeps every guarantee it claims, proven by the audit on what it
//! renders; a deliberately broken copy of a set fails the same proof.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use iam_policy::PolicyDocument;
use permission_sets::{Guarantee, PermissionSet, PermissionSetError, PolicyTarget, audit, builtin};

/// Audits what `set` renders (with its sample values, for both targets; a role's policies
/// are evaluated together, so they are audited as one) and checks each of `claims`: every
/// one must hold, conditional violations included (fail closed).
fn prove(set: &PermissionSet, claims: &[Guarantee]) -> Result<(), String> {
    for target in [PolicyTarget::InlinePolicies, PolicyTarget::ManagedPolicies] {
        let rendered = set
            .render(&set.sample_values(), target)
            .map_err(|e| format!("{} does not render: {e}", set.name()))?;
        let merged = PolicyDocument::new(
            rendered
                .documents
                .iter()
                .flat_map(|d| d.statements().iter().cloned())
                .collect(),
        );
        let report = audit(&merged);
        for &claim in claims {
            let check = report.guarantee(claim);
            if !check.holds() {
                let broken: Vec<String> = check
                    .violations()
                    .iter()
                    .map(|v| {
                        format!(
                            "{}{}",
                            v.action(),
                            if v.conditional() {
                                " (conditional)"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect();
                return Err(format!(
                    "{} claims {claim} but allows {}",
                    set.name(),
                    broken.join(", ")
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_builtin_set_keeps_every_guarantee_it_claims() {
    let sets = builtin::all();
    assert_eq!(sets.len(), 7, "every built-in set builds");
    let mut proven = 0;
    for set in &sets {
        prove(set, set.claims()).unwrap();
        proven += set.claims().len();
    }
    // Not vacuous: the orchestrator and the read-only sets claim guarantees.
    let orchestrator = builtin::orchestrator().unwrap();
    assert!(
        orchestrator
            .claims()
            .contains(&Guarantee::NoPrivilegeEscalation)
    );
    assert!(proven >= 5, "{proven} claims proven");
}

/// The orchestrator's grants with `change` applied to the grant `id`, claiming nothing (so
/// the builder does not refuse it): a copy to prove the orchestrator's claims against.
fn broken_orchestrator(id: &str, change: impl Fn(&mut permission_sets::Grant)) -> PermissionSet {
    let original = builtin::orchestrator().unwrap();
    let mut builder = PermissionSet::builder("orchestrator-broken", "1.0.0")
        .with_description("A deliberately broken copy of the orchestrator set.");
    for parameter in original.parameters() {
        builder = builder.with_parameter(parameter.clone());
    }
    let mut found = false;
    for grant in original.grants() {
        let mut grant = grant.clone();
        if grant.id == id {
            change(&mut grant);
            found = true;
        }
        builder = builder.with_grant(grant);
    }
    assert!(found, "the orchestrator has a grant {id}");
    builder.build().unwrap()
}

#[test]
fn a_broken_copy_of_the_orchestrator_fails_the_proof() {
    let claims = builtin::orchestrator().unwrap().claims().to_vec();

    // Instance actions on every instance: the user-data path is open.
    let untagged = broken_orchestrator("Ec2OperateTagged", |g| g.condition = None);
    let error = prove(&untagged, &claims).unwrap_err();
    assert!(error.contains("ec2:ModifyInstanceAttribute"), "{error}");
    assert!(!error.contains("(conditional)"), "{error}");

    // Tagging any instance: it could tag an instance it did not launch, then change it.
    let tags_anything = broken_orchestrator("Ec2TagOnLaunch", |g| g.condition = None);
    let error = prove(&tags_anything, &claims).unwrap_err();
    assert!(
        error.contains("ec2:ModifyInstanceAttribute (conditional)"),
        "{error}"
    );

    // PassRole without the path: every role can be passed to what it launches.
    let any_role = broken_orchestrator("PassWorkloadRoles", |g| {
        g.resources = vec!["*".to_owned()];
    });
    let error = prove(&any_role, &claims).unwrap_err();
    assert!(error.contains("iam:PassRole"), "{error}");

    // The set's own claim check refuses the same documents.
    let rendered = untagged
        .render(&untagged.sample_values(), PolicyTarget::InlinePolicies)
        .unwrap();
    let refused = builtin::orchestrator()
        .unwrap()
        .check_claims(&rendered.documents, &[])
        .unwrap_err();
    assert!(
        matches!(
            refused,
            PermissionSetError::ClaimDisproved {
                guarantee: Guarantee::NoPrivilegeEscalation,
                ..
            }
        ),
        "{refused}"
    );
}
