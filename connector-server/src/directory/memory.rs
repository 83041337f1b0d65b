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
            if tables.keys.contains_key(&key.id) {
                Err(DirectoryError("a key with this id exists".to_owned()))
            } else {
                tables.keys.insert(key.id.clone(), key.clone());
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
        let revoked = match self.lock().keys.get_mut(id) {
            Some(key) if key.revoked_at.is_none() => {
                key.revoked_at = Some(at);
                true
            }
            _ => false,
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
        let found: Vec<Grant> = self
            .lock()
            .grants
            .iter()
            .filter(|((t, c, g), _)| {
                t == tenant && connection.is_none_or(|wanted| wanted == c) && grantees.contains(g)
            })
            .map(|((_, c, g), access)| Grant {
                connection: c.clone(),
                grantee: g.clone(),
                access: *access,
            })
            .collect();
        Box::pin(async move { Ok(found) })
    }

    fn insert_page_token<'a>(
        &'a self,
        token: &'a PageTokenRecord,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        let result = {
            let mut tables = self.lock();
            if tables.tokens.contains_key(&token.id) {
                Err(DirectoryError(
                    "a page token with this id exists".to_owned(),
                ))
            } else {
                tables.tokens.insert(token.id.clone(), token.clone());
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
