//! Property tests of the names and secrets the server parses from requests: connection
//! names map to store ids and back within their tenant only (the isolation rests on it),
//! and the bearer-secret parser never panics and accepts only its own shape.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests may panic")]

use connector_server::directory::{ConnectionName, TenantId};
use connector_server::secret::{SecretKind, mint, parse};
use proptest::prelude::*;
use secrecy::ExposeSecret as _;

proptest! {
    #[test]
    fn a_store_id_belongs_to_its_tenant_and_to_no_other(
        tenant in "[a-z0-9]{1,16}",
        other in "[a-z0-9]{1,16}",
        name in "[A-Za-z0-9_-]{1,46}",
    ) {
        let tenant: TenantId = tenant.parse().unwrap();
        let other: TenantId = other.parse().unwrap();
        let name = ConnectionName::parse(&tenant, &name).unwrap();
        let id = name.store_id(&tenant).unwrap();
        prop_assert_eq!(ConnectionName::of_store_id(&tenant, &id), Some(name.clone()));
        if other != tenant {
            prop_assert_eq!(ConnectionName::of_store_id(&other, &id), None);
        }
    }

    #[test]
    fn names_and_tenants_outside_their_rules_are_refused_without_panic(text in "\\PC{0,80}") {
        let tenant: TenantId = "acme".parse().unwrap();
        if let Ok(name) = ConnectionName::parse(&tenant, &text) {
            prop_assert!(name.store_id(&tenant).is_ok());
            prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
        if text.parse::<TenantId>().is_ok() {
            prop_assert!(!text.contains('_') && !text.is_empty() && text.len() <= 16);
        }
    }

    #[test]
    fn the_secret_parser_never_panics_and_takes_only_its_shape(text in "\\PC{0,100}") {
        if let Some(presented) = parse(SecretKind::ApiKey, &text) {
            prop_assert!(text.starts_with("ck."));
            prop_assert_eq!(presented.id().len(), 16);
        }
        prop_assert!(parse(SecretKind::PageToken, &text).is_none() || text.starts_with("pt."));
    }
}

#[test]
fn a_minted_secret_is_accepted_only_by_its_kind() {
    for kind in [SecretKind::ApiKey, SecretKind::PageToken] {
        let minted = mint(kind).unwrap();
        let text = minted.text().expose_secret();
        let presented = parse(kind, text).unwrap();
        assert!(presented.matches(minted.hash()));
        let other = if kind == SecretKind::ApiKey {
            SecretKind::PageToken
        } else {
            SecretKind::ApiKey
        };
        assert!(parse(other, text).is_none());
    }
}
