//! A grant's declared area is enforced: it must be the catalog's area of every action its
//! patterns expand to, and the excluded area is refused unless the grant opts in.

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
    Area, Catalog, Grant, PermissionSet, PermissionSetError, PermissionSetErrorCode, area_of,
    builtin,
};
use proptest::prelude::*;

fn set_with(grant: Grant) -> Result<PermissionSet, PermissionSetError> {
    PermissionSet::builder("acme:areas", "1.0.0")
        .with_description("Area enforcement.")
        .with_grant(grant)
        .build()
}

fn grant(id: &str, area: Area, actions: &[&str]) -> Grant {
    Grant::new(id, area, actions, "Needed for the test.").unwrap()
}

#[test]
fn a_storage_read_labelled_observability_is_refused() {
    let error = set_with(grant("Logs", Area::Observability, &["s3:GetObject"])).unwrap_err();
    assert_eq!(
        error,
        PermissionSetError::AreaMismatch {
            grant: "Logs".to_owned(),
            declared: Area::Observability,
            action: "s3:GetObject".to_owned(),
            actual: Area::Storage,
        }
    );
    assert_eq!(error.code(), PermissionSetErrorCode::AreaMismatch);
    assert_eq!(
        error.to_string(),
        "grant `Logs` declares area observability but s3:GetObject is storage: a grant's area must be the catalog's area of every action it grants"
    );
}

#[test]
fn iam_user_management_labelled_compute_is_refused() {
    let error = set_with(grant("Workers", Area::Compute, &["iam:CreateUser"])).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("grant `Workers` declares area compute but iam:CreateUser is excluded"),
        "{text}"
    );
}

#[test]
fn wildcards_are_checked_action_by_action() {
    // `cloudtrail:*` holds reads (observability) and the trail changes that would hide what
    // the role does (excluded): the first excluded one in catalog order is named.
    let error = set_with(grant("Trail", Area::Observability, &["cloudtrail:*"])).unwrap_err();
    let first_excluded = Catalog::aws()
        .expand(&"cloudtrail:*".parse().unwrap())
        .into_iter()
        .find(|a| area_of(a) != Area::Observability)
        .unwrap();
    assert_eq!(first_excluded.full_name(), "cloudtrail:DeleteChannel");
    assert!(
        error.to_string().contains(
            "grant `Trail` declares area observability but cloudtrail:DeleteChannel is excluded"
        ),
        "{error}"
    );
    // The same pattern family, limited to the reads, is fine.
    assert!(
        set_with(grant(
            "Trail",
            Area::Observability,
            &["cloudtrail:LookupEvents"]
        ))
        .is_ok()
    );
}

#[test]
fn the_excluded_area_is_refused_without_an_opt_in() {
    let error = set_with(grant("Costs", Area::Excluded, &["ce:GetCostAndUsage"])).unwrap_err();
    assert_eq!(error.code(), PermissionSetErrorCode::ExcludedAreaNotAllowed);
    let text = error.to_string();
    assert!(
        text.contains("grant `Costs` grants ce:GetCostAndUsage from the excluded area"),
        "{text}"
    );
}

#[test]
fn an_explicit_opt_in_admits_the_excluded_area_and_the_table_says_why() {
    let why = "Reads the bill to show what the savings were; it never changes it.";
    let set = set_with(
        grant("Costs", Area::Excluded, &["ce:GetCostAndUsage"])
            .allow_excluded(why)
            .unwrap(),
    )
    .unwrap();
    let row = &set.explain()[0];
    assert_eq!(row.area, Some(Area::Excluded));
    assert_eq!(row.excluded_area_justification.as_deref(), Some(why));
    let table = set.explanation_table();
    assert!(
        table.contains(&format!(
            "| excluded | `ce:GetCostAndUsage` | `*` | Needed for the test. Excluded area, opted in: {why} | no |"
        )),
        "{table}"
    );
    let json = serde_json::to_value(&set).unwrap();
    assert_eq!(json["grants"][0]["excluded_area_justification"], why);
    // The opt-in names its grant when blank, and is refused on a grant of another area.
    let blank = grant("Costs", Area::Excluded, &["ce:GetCostAndUsage"]).allow_excluded(" ");
    assert!(
        matches!(&blank, Err(PermissionSetError::InvalidValue { value, .. }) if value == "Costs"),
        "{blank:?}"
    );
    let misplaced = grant("Reads", Area::Storage, &["s3:GetObject"])
        .allow_excluded(why)
        .unwrap();
    assert!(set_with(misplaced).is_err());
}

#[test]
fn every_builtin_set_declares_the_catalog_areas() {
    let catalog = Catalog::aws();
    for set in builtin::all() {
        for grant in set.grants() {
            assert_eq!(grant.check(catalog), Ok(()), "{} {}", set.name(), grant.id);
        }
        // The table's area column is the catalog's area of every action on the line.
        for row in set.explain().iter().filter(|r| r.area.is_some()) {
            for action in &row.actions {
                for a in catalog.expand(&action.parse().unwrap()) {
                    assert_eq!(Some(area_of(a)), row.area, "{} {}", set.name(), row.id);
                }
            }
        }
    }
    assert_eq!(builtin::all().len(), 7, "every built-in set still builds");
    // Axiom's Cost Explorer reads are the one excluded-area line, opted in with its reason.
    let axiom = builtin::read_only_scan().unwrap();
    let excluded: Vec<&str> = axiom
        .grants()
        .iter()
        .filter(|g| g.area == Area::Excluded)
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(excluded, ["CostSignals"]);
    assert!(
        axiom
            .grants()
            .iter()
            .all(|g| { (g.area == Area::Excluded) == g.excluded_area_justification().is_some() })
    );
}

/// A real action, or a wildcard made from one by cutting its name and appending `*`.
fn pattern() -> impl Strategy<Value = String> {
    let names: Vec<String> = Catalog::aws()
        .actions()
        .map(|a| a.full_name().to_owned())
        .collect();
    (proptest::sample::select(names), any::<u8>(), any::<bool>()).prop_map(|(name, cut, wild)| {
        let (service, action) = name.split_once(':').unwrap();
        if !wild {
            return name.clone();
        }
        let keep = usize::from(cut) % (action.len() + 1);
        format!("{service}:{}*", &action[..keep])
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any grant whose declared area differs from the catalog area of some action its
    /// patterns expand to is refused, naming the grant and such an action; a grant whose
    /// actions all have the declared area is accepted unless that area is the excluded one.
    #[test]
    fn declared_areas_match_the_catalog(
        patterns in proptest::collection::vec(pattern(), 1..3),
        declared in proptest::sample::select(Area::ALL.to_vec()),
    ) {
        let catalog = Catalog::aws();
        let expanded: Vec<(&str, Area)> = patterns
            .iter()
            .flat_map(|p| catalog.expand(&p.parse().unwrap()))
            .map(|a| (a.full_name(), area_of(a)))
            .collect();
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let result = set_with(grant("Prop", declared, &refs));
        let mismatched: Vec<&(&str, Area)> =
            expanded.iter().filter(|(_, area)| *area != declared).collect();
        if mismatched.is_empty() && declared != Area::Excluded {
            prop_assert!(result.is_ok(), "{:?}", result.err());
        } else {
            let error = result.err();
            let code = error.as_ref().map(PermissionSetError::code);
            let text = error.map(|e| e.to_string()).unwrap_or_default();
            prop_assert!(text.starts_with("grant `Prop` "), "{}", text);
            if mismatched.is_empty() {
                prop_assert_eq!(code, Some(PermissionSetErrorCode::ExcludedAreaNotAllowed));
                prop_assert!(text.contains("from the excluded area"), "{}", text);
            } else {
                prop_assert_eq!(code, Some(PermissionSetErrorCode::AreaMismatch));
                prop_assert!(
                    mismatched.iter().any(|(name, area)| text.contains(&format!(
                        "declares area {declared} but {name} is {area}"
                    ))),
                    "{}", text
                );
            }
        }
    }
}
