//! What the customer is handed keeps the permission set's promises: a grant labelled with
//! the wrong area never reaches a template, and neither does a set whose claimed guarantees
//! the audit disproves.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

mod support;

use onboarding::{Onboarding, OnboardingError};
use permission_sets::{
    Area, AuditCode, Catalog, Grant, Guarantee, ParameterValues, PermissionSet, PermissionSetError,
    area_of, builtin,
};
use serde_json::Value;
use support::{EXTERNAL_ID, VENDOR_ACCOUNT, onboardings};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

fn trust() -> CrossAccountTrust {
    CrossAccountTrust::new(
        VendorPrincipal::account(VENDOR_ACCOUNT.parse().unwrap()),
        EXTERNAL_ID.parse().unwrap(),
    )
}

/// Builds the set and, if that succeeds, the onboarding.
fn onboard(grant: Grant) -> Result<Onboarding, OnboardingError> {
    let set = PermissionSet::builder("acme:mislabelled", "1.0.0")
        .with_description("A set whose grant claims the wrong area.")
        .with_grant(grant)
        .build()?;
    Onboarding::builder(trust(), set).build()
}

#[test]
fn a_mislabelled_grant_never_reaches_the_customer() {
    let storage_as_logs = Grant::new(
        "Logs",
        Area::Observability,
        ["s3:GetObject"],
        "Read the logs.",
    )
    .unwrap();
    let error = onboard(storage_as_logs).unwrap_err();
    assert!(
        matches!(
            &error,
            OnboardingError::PermissionSet(PermissionSetError::AreaMismatch {
                declared: Area::Observability,
                actual: Area::Storage,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("grant `Logs` declares area observability but s3:GetObject is storage"),
        "{error}"
    );
    let users_as_compute =
        Grant::new("Workers", Area::Compute, ["iam:CreateUser"], "Run workers.").unwrap();
    let error = onboard(users_as_compute).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("grant `Workers` declares area compute but iam:CreateUser is excluded"),
        "{error}"
    );
}

#[test]
fn values_that_break_a_claimed_guarantee_are_refused() {
    let orchestrator = builtin::orchestrator().unwrap();
    let error = Onboarding::builder(trust(), orchestrator)
        .with_values(ParameterValues::new().with_value("PassRolePath", "/"))
        .build()
        .unwrap_err();
    let OnboardingError::PermissionSet(PermissionSetError::ClaimDisproved {
        guarantee,
        grant,
        violations,
        ..
    }) = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*guarantee, Guarantee::NoPrivilegeEscalation);
    assert_eq!(grant.as_deref(), Some("PassWorkloadRoles"));
    assert_eq!(violations[0].code(), AuditCode::PassRoleEscalation);
}

/// The "why each line" table in every template shows each line's real area: the catalog's
/// area of every action on it, and the reason for any excluded-area line.
#[test]
fn templates_show_catalog_areas_claims_and_the_set_reference() {
    let catalog = Catalog::aws();
    for onboarding in onboardings() {
        let set = onboarding.permission_set();
        let template: Value =
            serde_json::from_str(&onboarding.cloudformation().unwrap().to_json().unwrap()).unwrap();
        let connector = &template["Metadata"]["Connector"];
        let reference = onboarding.permission_set_ref();
        assert_eq!(reference, set.reference());
        assert_eq!(connector["PermissionSet"]["Name"], reference.name());
        assert_eq!(connector["PermissionSet"]["Version"], reference.version());
        let description = template["Description"].as_str().unwrap();
        assert!(
            description.contains(&format!("({reference})")),
            "{description}"
        );
        let claims: Vec<&str> = set.claims().iter().map(|g| g.as_str()).collect();
        assert_eq!(
            connector["PermissionSet"]["Guarantees"],
            serde_json::json!(claims)
        );
        for row in connector["WhyEachLine"].as_array().unwrap() {
            let Ok(area) = row["Area"].as_str().unwrap().parse::<Area>() else {
                assert_eq!(row["Area"], "managed");
                continue;
            };
            for action in row["Actions"].as_array().unwrap() {
                let pattern = action.as_str().unwrap().parse().unwrap();
                for a in catalog.expand(&pattern) {
                    assert_eq!(area_of(a), area, "{reference} {}", row["Id"]);
                }
            }
            assert_eq!(
                row.get("WhyExcludedArea").is_some(),
                area == Area::Excluded,
                "{reference} {}",
                row["Id"]
            );
        }
    }
}
