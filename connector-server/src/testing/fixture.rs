//! The suite's records, fresh on every run: two tenants and names under a random tag, and
//! key and page-token records whose every field differs from the defaults, so a field
//! dropped or truncated on the way through the backend shows.

use crate::directory::{Access, ConnectionName, KeyRecord, PageTokenRecord, TenantId};
use crate::secret::SecretHash;

/// A time past `u32::MAX` seconds (the year 2286): a backend keeping 32-bit times shows.
pub(crate) const FAR: u64 = 10_000_000_000;

/// The run's names.
#[derive(Debug)]
pub(crate) struct Fixture {
    /// A random tag, 10 hex digits, in every id of the run.
    pub(crate) tag: String,
    /// The tenant the records belong to.
    pub(crate) a: TenantId,
    /// Another tenant, whose records must never show in `a`'s answers.
    pub(crate) b: TenantId,
    /// A tenant nobody adds.
    pub(crate) never: TenantId,
}

impl Fixture {
    /// Fresh names, or why there are none.
    pub(crate) fn fresh() -> Result<Fixture, String> {
        let mut bytes = [0u8; 5];
        getrandom::fill(&mut bytes).map_err(|e| format!("the random source failed: {e}"))?;
        let tag: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let tenant = |suffix: &str| -> Result<TenantId, String> {
            format!("t{tag}{suffix}")
                .parse()
                .map_err(|e| format!("tenant id: {e}"))
        };
        Ok(Fixture {
            a: tenant("a")?,
            // `a`'s id is a prefix of `b`'s: a backend matching tenants by prefix shows.
            b: tenant("ab")?,
            never: tenant("n")?,
            tag,
        })
    }

    /// A connection name of `tenant`.
    pub(crate) fn connection(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<ConnectionName, String> {
        ConnectionName::parse(tenant, name).map_err(|e| format!("connection name: {e}"))
    }

    /// An id of this run.
    pub(crate) fn id(&self, name: &str) -> String {
        format!("{}{name}", self.tag)
    }

    /// A key of tenant `a` with every field set.
    pub(crate) fn key(&self, name: &str, access: Option<Access>) -> KeyRecord {
        KeyRecord {
            id: self.id(name),
            tenant: self.a.clone(),
            hash: SecretHash::of(&format!("secret of {name}")),
            label: format!("CI – déploiement \"{name}\" 'quoted' \\ {{}}"),
            // Not in sorted order: the order must come back as it went in.
            teams: vec!["ops".to_owned(), "dev team".to_owned(), "ałpha".to_owned()],
            default_access: access,
            may_create: true,
            created_at: FAR,
            revoked_at: None,
        }
    }

    /// A page token of `tenant` for `connection`.
    pub(crate) fn page_token(
        &self,
        name: &str,
        tenant: &TenantId,
        connection: &ConnectionName,
        expires_at: u64,
    ) -> PageTokenRecord {
        PageTokenRecord {
            id: self.id(name),
            hash: SecretHash::of(&format!("token {name}")),
            tenant: tenant.clone(),
            connection: connection.clone(),
            expires_at,
        }
    }
}
