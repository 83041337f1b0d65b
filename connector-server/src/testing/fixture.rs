//! The suite's records, fresh on every run: two tenants and names under a random tag, and
//! key and page-token records whose every field differs from the defaults, so a field
//! dropped or truncated on the way through the backend shows.

use crate::directory::{
    Access, ConnectionName, InvalidRecord, KeyRecord, KeyRecordBuilder, PageTokenRecord, TenantId,
};
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

    /// The id of this run named `name`: 16 lowercase hex digits as `secret::mint` makes
    /// them, the run's tag then 6 digits of the name's SHA-256.
    pub(crate) fn id(&self, name: &str) -> String {
        let digest = SecretHash::of(name);
        let suffix: String = digest
            .as_bytes()
            .iter()
            .take(3)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}{suffix}", self.tag)
    }

    /// A key of tenant `a` with every field set, to build.
    pub(crate) fn key(&self, name: &str, access: Option<Access>) -> KeyRecordBuilder {
        KeyRecord::builder(
            self.id(name),
            self.a.clone(),
            SecretHash::of(&format!("secret of {name}")),
        )
        .with_label(format!("CI – déploiement \"{name}\" 'quoted' \\ {{}}"))
        // Not in sorted order: the order must come back as it went in.
        .with_teams(["ops", "dev team", "ałpha"])
        .with_default_access(access)
        .with_may_create(true)
        .with_created_at(FAR)
    }

    /// A page token of `tenant` for `connection`.
    pub(crate) fn page_token(
        &self,
        name: &str,
        tenant: &TenantId,
        connection: &ConnectionName,
        expires_at: u64,
    ) -> Result<PageTokenRecord, InvalidRecord> {
        self.page_token_hashed(
            name,
            tenant,
            connection,
            expires_at,
            &format!("token {name}"),
        )
    }

    /// A page token as [`page_token`](Fixture::page_token), its secret `secret`.
    pub(crate) fn page_token_hashed(
        &self,
        name: &str,
        tenant: &TenantId,
        connection: &ConnectionName,
        expires_at: u64,
        secret: &str,
    ) -> Result<PageTokenRecord, InvalidRecord> {
        PageTokenRecord::new(
            self.id(name),
            SecretHash::of(secret),
            tenant.clone(),
            connection.clone(),
            expires_at,
        )
    }
}
