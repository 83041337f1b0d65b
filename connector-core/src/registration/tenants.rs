//! Tenants for Organization registrations: every account of a customer's AWS Organization
//! runs the same StackSets template, so the request names no connection; it carries the
//! tenant's registration token, and the vendor's `TenantDirectory` says whose it is.

use iam_policy::{AccountId, Region};
use permission_sets::PermissionSetRef;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use trust_policy::ExternalId;

use crate::{BoxFuture, ConnectionId, ConnectorError};

/// A customer onboarding a whole Organization: its id (the prefix of its connections' ids),
/// the External ID its template carries, and what its connections get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    id: String,
    external_id: ExternalId,
    permission_set: Option<PermissionSetRef>,
    regions: Vec<Region>,
}

impl Tenant {
    /// The longest tenant id: the connection of account `A` is `ID-A` (at most 64
    /// characters with the 12-digit account and the hyphen).
    pub const MAX_ID_LEN: usize = 51;

    /// A tenant `id` (1 to 51 letters, digits, `-` or `_`) with its External ID.
    pub fn new(id: &str, external_id: ExternalId) -> Result<Tenant, ConnectorError> {
        let valid = !id.is_empty()
            && id.len() <= Tenant::MAX_ID_LEN
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(ConnectorError::invalid(
                "tenant id",
                id,
                "1 to 51 letters, digits, '-' or '_'",
            ));
        }
        Ok(Tenant {
            id: id.to_owned(),
            external_id,
            permission_set: None,
            regions: Vec::new(),
        })
    }

    /// The permission set its connections grant.
    pub fn with_permission_set(mut self, reference: PermissionSetRef) -> Self {
        self.permission_set = Some(reference);
        self
    }

    /// The Regions its connections operate in.
    pub fn with_regions(mut self, regions: impl IntoIterator<Item = Region>) -> Self {
        self.regions = regions.into_iter().collect();
        self
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The External ID its accounts' roles require.
    pub fn external_id(&self) -> &ExternalId {
        &self.external_id
    }

    /// The permission set.
    pub fn permission_set(&self) -> Option<&PermissionSetRef> {
        self.permission_set.as_ref()
    }

    /// The Regions.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The connection of `account`: `TENANT-ACCOUNT`, one per (tenant, account).
    pub fn connection_id(&self, account: &AccountId) -> Result<ConnectionId, ConnectorError> {
        ConnectionId::new(&format!("{}-{}", self.id, account.as_str()))
    }
}

/// Finds the tenant a registration token belongs to. Compare tokens in constant time (as
/// [`InMemoryTenants`] does); keep them hashed at rest in a real directory.
pub trait TenantDirectory: Send + Sync + std::fmt::Debug {
    /// The tenant whose token `token` is, if any.
    fn tenant<'a>(
        &'a self,
        token: &'a SecretString,
    ) -> BoxFuture<'a, Result<Option<Tenant>, ConnectorError>>;
}

/// Tenants in memory: every lookup compares against every token in constant time.
///
/// ```
/// use connector_core::registration::{InMemoryTenants, Tenant};
/// use secrecy::SecretString;
/// let tenants = InMemoryTenants::new()
///     .with_tenant(SecretString::from("acme-org-token-0123456789abcdefghij"), Tenant::new("acme", "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryTenants {
    tenants: Vec<(SecretString, Tenant)>,
}

impl InMemoryTenants {
    /// No tenants.
    pub fn new() -> InMemoryTenants {
        InMemoryTenants::default()
    }

    /// Adds a tenant and its token.
    pub fn with_tenant(mut self, token: SecretString, tenant: Tenant) -> Self {
        self.tenants.push((token, tenant));
        self
    }
}

impl TenantDirectory for InMemoryTenants {
    fn tenant<'a>(
        &'a self,
        token: &'a SecretString,
    ) -> BoxFuture<'a, Result<Option<Tenant>, ConnectorError>> {
        let given = token.expose_secret().as_bytes();
        let mut found = None;
        for (known, tenant) in &self.tenants {
            // Every token is compared, whichever matches, so timing says nothing.
            if bool::from(known.expose_secret().as_bytes().ct_eq(given)) {
                found = Some(tenant.clone());
            }
        }
        Box::pin(std::future::ready(Ok(found)))
    }
}
