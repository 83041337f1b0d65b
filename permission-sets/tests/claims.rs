//! The guarantees a permission set claims are checked by the audit: when the set is built
//! (sample values), when it is rendered (the customer's values) and for session policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use permission_sets::{
    Area, AuditCode, Grant, Guarantee, ParameterValues, PermissionSet, PermissionSetError,
    PermissionSetErrorCode, PolicyDocument, PolicyTarget, builtin,
};
use proptest::prelude::*;

fn grant(id: &str, area: Area, actions: &[&str]) -> Grant {
    Grant::new(id, area, actions, "Needed for the test.").unwrap()
}

#[test]
fn a_write_in_a_set_that_claims_read_only_is_refused() {
    let error = PermissionSet::builder("acme:claims", "1.0.0")
        .with_grant(grant("ReadObjects", Area::Storage, &["s3:GetObject"]))
        .with_grant(grant("WriteObjects", Area::Storage, &["s3:PutObject"]))
        .with_claims([Guarantee::ReadOnly])
        .build()
        .unwrap_err();
    assert_eq!(error.code(), PermissionSetErrorCode::ClaimDisproved);
    let PermissionSetError::ClaimDisproved {
        set,
        guarantee,
        grant,
        violations,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(set.to_string(), "acme:claims@1.0.0");
    assert_eq!(*guarantee, Guarantee::ReadOnly);
    assert_eq!(grant.as_deref(), Some("WriteObjects"));
    let found: Vec<(&str, AuditCode)> = violations.iter().map(|v| (v.action(), v.code())).collect();
    assert_eq!(found, [("s3:PutObject", AuditCode::NotReadOnly)]);
    assert_eq!(
        error.to_string(),
        "permission set `acme:claims@1.0.0` claims read-only but grant `WriteObjects` allows s3:PutObject: access level Write (NOT_READ_ONLY)"
    );
}

#[test]
fn claims_with_managed_policies_cannot_be_checked_and_are_refused() {
    let error = PermissionSet::builder("acme:managed", "1.0.0")
        .with_managed_policy(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "Everything, read.",
        )
        .with_claims([Guarantee::ReadOnly])
        .build()
        .unwrap_err();
    assert_eq!(error.code(), PermissionSetErrorCode::ClaimUnverifiable);
    assert!(
        error.to_string().contains(
            "claims read-only, which the audit cannot check: it attaches the managed policy arn:aws:iam::aws:policy/ReadOnlyAccess"
        ),
        "{error}"
    );
}

#[test]
fn claiming_no_excluded_area_with_an_opted_in_grant_is_refused() {
    let costs = grant("Costs", Area::Excluded, &["ce:GetCostAndUsage"])
        .allow_excluded("Reads the bill.")
        .unwrap();
    let error = PermissionSet::builder("acme:costs", "1.0.0")
        .with_grant(costs.clone())
        .with_claims([Guarantee::NoExcludedArea, Guarantee::ReadOnly])
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &error,
            PermissionSetError::ClaimDisproved { guarantee: Guarantee::NoExcludedArea, grant: Some(g), .. } if g == "Costs"
        ),
        "{error:?}"
    );
    // Read-only alone holds: Cost Explorer's GetCostAndUsage is a Read action.
    let set = PermissionSet::builder("acme:costs", "1.0.0")
        .with_grant(costs)
        .with_claims([Guarantee::ReadOnly])
        .build()
        .unwrap();
    assert!(
        set.explanation_table()
            .contains("Guarantees, checked against the AWS action catalog: read-only.")
    );
}

#[test]
fn the_customers_values_are_checked_when_rendering() {
    let orchestrator = builtin::orchestrator().unwrap();
    assert!(
        orchestrator
            .claims()
            .contains(&Guarantee::NoPrivilegeEscalation)
    );
    // The default path is fine; `/` passes every role to ECS, Lambda and EC2.
    let fine = ParameterValues::new().with_value("PassRolePath", "/acme/workloads/");
    assert!(
        orchestrator
            .render(&fine, PolicyTarget::ManagedPolicies)
            .is_ok()
    );
    let every_role = ParameterValues::new().with_value("PassRolePath", "/");
    for target in [PolicyTarget::ManagedPolicies, PolicyTarget::InlinePolicies] {
        let error = orchestrator.render(&every_role, target).unwrap_err();
        let PermissionSetError::ClaimDisproved {
            guarantee,
            grant,
            violations,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*guarantee, Guarantee::NoPrivilegeEscalation);
        assert_eq!(grant.as_deref(), Some("PassWorkloadRoles"));
        assert_eq!(violations[0].code(), AuditCode::PassRoleEscalation);
        assert!(
            error.to_string().contains(
                "claims no-privilege-escalation but grant `PassWorkloadRoles` allows iam:PassRole"
            ),
            "{error}"
        );
    }
    // A session policy with both halves of the path is refused too; either half alone is not
    // an escalation.
    let both = orchestrator
        .session_policy(&every_role, Some(&["PassWorkloadRoles", "EcsServices"]))
        .unwrap_err();
    assert_eq!(both.code(), PermissionSetErrorCode::ClaimDisproved);
    assert!(
        orchestrator
            .session_policy(&every_role, Some(&["PassWorkloadRoles"]))
            .is_ok()
    );
}

#[test]
fn documents_are_audited_together() {
    // A role's identity policies are evaluated together: PassRole in one document and a
    // launch action in another are one escalation path.
    let orchestrator = builtin::orchestrator().unwrap();
    let pass: PolicyDocument =
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "PassWorkloadRoles",
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}"#
            .parse()
            .unwrap();
    let run: PolicyDocument = r#"{"Version": "2012-10-17", "Statement": {"Sid": "EcsServices",
        "Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*"}}"#
        .parse()
        .unwrap();
    assert_eq!(
        orchestrator.check_claims(std::slice::from_ref(&pass), &[]),
        Ok(())
    );
    assert_eq!(
        orchestrator.check_claims(std::slice::from_ref(&run), &[]),
        Ok(())
    );
    let error = orchestrator.check_claims(&[pass, run], &[]).unwrap_err();
    assert!(
        matches!(&error, PermissionSetError::ClaimDisproved { guarantee: Guarantee::NoPrivilegeEscalation, grant: Some(g), .. } if g == "PassWorkloadRoles"),
        "{error:?}"
    );
}

/// Grants with known effects on the four guarantees, to check the claims against an oracle
/// that does not use the audit.
struct Known {
    grant: fn() -> Grant,
    writes: bool,
    excluded: bool,
    reads_data: bool,
    /// Escalates alone.
    escalates: bool,
    /// `iam:PassRole` on every role, or an action that launches compute under it.
    pass_any_role: bool,
    launches: bool,
}

const KNOWN: [Known; 7] = [
    Known {
        grant: || grant("ReadObjects", Area::Storage, &["s3:GetObject"]),
        writes: false,
        excluded: false,
        reads_data: true,
        escalates: false,
        pass_any_role: false,
        launches: false,
    },
    Known {
        grant: || grant("WriteObjects", Area::Storage, &["s3:PutObject"]),
        writes: true,
        excluded: false,
        reads_data: false,
        escalates: false,
        pass_any_role: false,
        launches: false,
    },
    Known {
        grant: || grant("PassAnyRole", Area::Compute, &["iam:PassRole"]),
        writes: true,
        excluded: false,
        reads_data: false,
        escalates: false,
        pass_any_role: true,
        launches: false,
    },
    Known {
        grant: || grant("RunTasks", Area::Compute, &["ecs:RunTask"]),
        writes: true,
        excluded: false,
        reads_data: false,
        escalates: false,
        pass_any_role: false,
        launches: true,
    },
    Known {
        grant: || {
            grant("Costs", Area::Excluded, &["ce:GetCostAndUsage"])
                .allow_excluded("Reads the bill.")
                .unwrap()
        },
        writes: false,
        excluded: true,
        reads_data: false,
        escalates: false,
        pass_any_role: false,
        launches: false,
    },
    Known {
        grant: || grant("Describe", Area::Compute, &["ec2:DescribeInstances"]),
        writes: false,
        excluded: false,
        reads_data: false,
        escalates: false,
        pass_any_role: false,
        launches: false,
    },
    Known {
        grant: || {
            grant("MintKeys", Area::Excluded, &["iam:CreateAccessKey"])
                .allow_excluded("Rotates the vendor's own keys.")
                .unwrap()
        },
        writes: true,
        excluded: true,
        reads_data: false,
        escalates: true,
        pass_any_role: false,
        launches: false,
    },
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A set builds exactly when every guarantee it claims holds for its grants; otherwise the
    /// first claimed guarantee that breaks is named, with a grant that breaks it.
    #[test]
    fn a_set_builds_exactly_when_its_claims_hold(
        chosen in proptest::sample::subsequence((0..KNOWN.len()).collect::<Vec<_>>(), 1..=KNOWN.len()),
        claims in proptest::sample::subsequence(Guarantee::ALL.to_vec(), 0..=4),
    ) {
        let known: Vec<&Known> = chosen.iter().map(|&i| &KNOWN[i]).collect();
        let escalation = known.iter().any(|k| k.escalates)
            || (known.iter().any(|k| k.pass_any_role) && known.iter().any(|k| k.launches));
        let holds = |g: Guarantee| match g {
            Guarantee::ReadOnly => !known.iter().any(|k| k.writes),
            Guarantee::NoExcludedArea => !known.iter().any(|k| k.excluded),
            Guarantee::NoPrivilegeEscalation => !escalation,
            Guarantee::NoDataReads => !known.iter().any(|k| k.reads_data),
        };
        let mut builder = PermissionSet::builder("acme:prop", "1.0.0").with_claims(claims.clone());
        for k in &known {
            builder = builder.with_grant((k.grant)());
        }
        let result = builder.build();
        match claims.iter().copied().find(|&g| !holds(g)) {
            None => prop_assert!(result.is_ok(), "{:?}", result.err()),
            Some(broken) => match result {
                Err(PermissionSetError::ClaimDisproved { guarantee, grant, violations, .. }) => {
                    prop_assert_eq!(guarantee, broken);
                    prop_assert!(!violations.is_empty());
                    prop_assert!(violations.iter().all(|v| v.code().guarantee() == Some(broken)));
                    let grant = grant.unwrap_or_default();
                    prop_assert!(chosen.iter().any(|&i| (KNOWN[i].grant)().id == grant), "{}", grant);
                }
                other => prop_assert!(false, "expected {broken} disproved, got {other:?}"),
            },
        }
    }
}
