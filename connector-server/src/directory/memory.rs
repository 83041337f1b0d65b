//! [`InMemoryDirectory`]: the reference [`Directory`], in a mutex; for tests and
//! `connector serve --simulate`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use connector_core::BoxFuture;

use super::{
    Access, ConnectionName, Directory, DirectoryError, Grant, Grantee, KeyRecord, PageTokenRecord,
    TenantId,
};

#[derive(Debug, Default)]
struct Tables {
    tenants: BTreeSet<TenantId>,
    keys: HashMap<String, KeyRecord>,
    grants: BTreeMap<(TenantId, ConnectionName, Grantee), Access>,
    tokens: HashMap<String, PageTokenRecord>,
}

/// A [`Directory`] in memory.
///
/// ```
/// use connector_server::directory::{Access, ConnectionName, Directory, Grantee, InMemoryDirectory, keys};
/// # use secrecy::ExposeSecret as _;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let directory = InMemoryDirectory::new();
/// let acme = "acme".parse()?;
/// let issued = keys::issue_key(&directory, &acme, &keys::KeyPolicy::granted_only("ci"), 0).await?;
/// let key = keys::authenticate(&directory, issued.key().expose_secret()).await?.unwrap();
/// let prod = ConnectionName::parse(&acme, "prod")?;
/// assert_eq!(keys::access(&directory, &key, &prod).await?, None);    // no grant yet: 404
/// let grantee = key.grantee();
/// directory.set_grant(&acme, &prod, &grantee, Some(Access::Use)).await?;
/// assert_eq!(keys::access(&directory, &key, &prod).await?, Some(Access::Use));
/// assert!(directory.revoke_key(key.id(), 10).await?);
/// assert!(keys::authenticate(&directory, issued.key().expose_secret()).await?.is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct InMemoryDirectory {
    tables: Mutex<Tables>,
}

impl InMemoryDirectory {
    /// An empty directory.
    pub fn new() -> InMemoryDirectory {
        InMemoryDirectory::default()
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Directory for InMemoryDirectory {
    fn add_tenant<'a>(&'a self, tenant: &'a TenantId) -> BoxFuture<'a, Result<(), DirectoryError>> {
        self.lock().tenants.insert(tenant.clone());
        Box::pin(async { Ok(()) })
    }

    fn has_tenant<'a>(
        &'a self,
        tenant: &'a TenantId,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        let found = self.lock().tenants.contains(tenant);
        Box::pin(async move { Ok(found) })
    }

    fn insert_key<'a>(&'a self, key: &'a KeyRecord) -> BoxFuture<'a, Result<(), DirectoryError>> {
        let result = {
            let mut tables = self.lock();
            if tables.keys.contains_key(key.id()) {
                Err(DirectoryError::new("a key with this id exists"))
            } else {
                tables.keys.insert(key.id().to_owned(), key.clone());
                Ok(())
            }
        };
        Box::pin(async move { result })
    }

    fn key<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, DirectoryError>> {
        let found = self.lock().keys.get(id).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn revoke_key<'a>(
        &'a self,
        id: &'a str,
        at: u64,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        let revoked = {
            let mut tables = self.lock();
            match tables.keys.remove(id) {
                Some(key) => {
                    let live = !key.is_revoked();
                    tables.keys.insert(id.to_owned(), key.revoked(at));
                    live
                }
                None => false,
            }
        };
        Box::pin(async move { Ok(revoked) })
    }

    fn set_grant<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: &'a ConnectionName,
        grantee: &'a Grantee,
        access: Option<Access>,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        {
            let mut tables = self.lock();
            let key = (tenant.clone(), connection.clone(), grantee.clone());
            match access {
                Some(access) => {
                    tables.grants.insert(key, access);
                }
                None => {
                    tables.grants.remove(&key);
                }
            }
        }
        Box::pin(async { Ok(()) })
    }

    fn grants<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: Option<&'a ConnectionName>,
        grantees: &'a [Grantee],
    ) -> BoxFuture<'a, Result<Vec<Grant>, DirectoryError>> {
        let tables = self.lock();
        let found: Vec<Grant> = match connection {
            // One connection (every request's access check): a lookup per grantee, not a
            // scan of every grant.
            Some(connection) => grantees
                .iter()
                .filter_map(|grantee| {
                    let key = (tenant.clone(), connection.clone(), grantee.clone());
                    tables
                        .grants
                        .get(&key)
                        .map(|access| Grant::new(connection.clone(), grantee.clone(), *access))
                })
                .collect(),
            None => tables
                .grants
                .iter()
                .filter(|((t, _, g), _)| t == tenant && grantees.contains(g))
                .map(|((_, c, g), access)| Grant::new(c.clone(), g.clone(), *access))
                .collect(),
        };
        drop(tables);
        Box::pin(async move { Ok(found) })
    }

    fn insert_page_token<'a>(
        &'a self,
        token: &'a PageTokenRecord,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        let result = {
            let mut tables = self.lock();
            if tables.tokens.contains_key(token.id()) {
                Err(DirectoryError::new("a page token with this id exists"))
            } else {
                tables.tokens.insert(token.id().to_owned(), token.clone());
                Ok(())
            }
        };
        Box::pin(async move { result })
    }

    fn page_token<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PageTokenRecord>, DirectoryError>> {
        let found = self.lock().tokens.get(id).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), DirectoryError>> {
        Box::pin(async { Ok(()) })
    }
}
