//! The public directory suite (`connector_server::testing::directory_contract`) passes on
//! the in-memory and SQLite directories, and fails — naming the rule — on directories
//! broken on purpose: each decorator below wraps the in-memory directory and breaks one
//! rule, as a careless backend would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests may panic"
)]

use std::collections::HashMap;
use std::sync::Mutex;

use connector_core::BoxFuture;
use connector_server::directory::{
    Access, ConnectionName, Directory, DirectoryError, Grant, Grantee, InMemoryDirectory,
    KeyRecord, PageTokenRecord, SqliteDirectory, TenantId,
};
use connector_server::testing::directory_contract;

#[tokio::test]
async fn the_in_memory_directory_keeps_the_contract() {
    let directory = InMemoryDirectory::new();
    directory_contract(&directory).await.unwrap();
    // A second run on the same directory finds its own fresh names.
    directory_contract(&directory).await.unwrap();
}

#[tokio::test]
async fn the_sqlite_directory_keeps_the_contract_and_keeps_it_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("directory.db");
    let directory = SqliteDirectory::open(&path).await.unwrap();
    directory_contract(&directory).await.unwrap();
    drop(directory);
    let reopened = SqliteDirectory::open(&path).await.unwrap();
    directory_contract(&reopened).await.unwrap();
}

#[tokio::test]
async fn a_sqlite_row_that_breaks_a_record_rule_reads_as_a_corrupt_row_and_authenticates_nothing() {
    use connector_server::directory::keys::{KeyPolicy, authenticate, issue_key, issue_page_token};
    use secrecy::ExposeSecret as _;
    let dir = tempfile::tempdir().unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}?mode=rwc",
        dir.path().join("d.db").display()
    ))
    .await
    .unwrap();
    let directory = SqliteDirectory::with_pool(pool.clone()).await.unwrap();
    let tenant: TenantId = "acme".parse().unwrap();
    let policy = KeyPolicy::admin("a").with_teams(["ops", "dev"]).unwrap();
    let issued = issue_key(&directory, &tenant, &policy, 1).await.unwrap();
    assert!(directory.key(issued.id()).await.unwrap().is_some());
    // A row written by something else, with a team twice.
    sqlx::query("UPDATE connector_server_keys SET teams = '[\"ops\",\"ops\"]' WHERE id = ?")
        .bind(issued.id())
        .execute(&pool)
        .await
        .unwrap();
    let error = directory.key(issued.id()).await.unwrap_err();
    assert_eq!(
        error.message(),
        "a stored key cannot be read: invalid key teams: no team is named twice"
    );
    // Fail closed: no key, and no "unknown key" either.
    assert!(
        authenticate(&directory, issued.key().expose_secret())
            .await
            .is_err()
    );
    // A page token row whose id is not one `secret::mint` makes.
    let name = ConnectionName::parse(&tenant, "prod").unwrap();
    issue_page_token(&directory, &tenant, &name, 60, 1)
        .await
        .unwrap();
    sqlx::query("UPDATE connector_server_page_tokens SET id = 'pt1'")
        .execute(&pool)
        .await
        .unwrap();
    let error = directory.page_token("pt1").await.unwrap_err();
    assert!(
        error.message().starts_with(
            "a stored page token cannot be read: invalid page token id: 16 lowercase hex digits"
        ),
        "{error}"
    );
}

/// One way to break the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    AddTenantFailsTheSecondTime,
    TenantsAllKnown,
    KeyDropsTeams,
    KeySortsTeams,
    KeyTimesIn32Bits,
    DuplicateKeyOverwrites,
    RevokeNotPersisted,
    RevokeOverwritesTheTime,
    RevokeReportsFalse,
    GrantsIgnoreTenant,
    GrantsIgnoreConnection,
    GrantsMatchConnectionPrefix,
    GrantsIgnoreGranteeKind,
    SetGrantKeepsTheFirstLevel,
    RemoveIgnored,
    PageTokenReturnsAnother,
    DuplicatePageTokenOverwrites,
    PingFails,
}

/// The rule each fault breaks (one of them, at least).
fn rule_of(fault: Fault) -> &'static str {
    match fault {
        Fault::AddTenantFailsTheSecondTime => "tenant_add_is_idempotent",
        Fault::TenantsAllKnown => "tenant_unknown_is_absent",
        Fault::KeyDropsTeams | Fault::KeySortsTeams | Fault::KeyTimesIn32Bits => {
            "key_round_trips_exactly"
        }
        Fault::DuplicateKeyOverwrites => "key_duplicate_id_is_refused",
        Fault::RevokeNotPersisted => "key_revoke_is_stored",
        Fault::RevokeOverwritesTheTime => "key_revoke_keeps_the_first_time",
        Fault::RevokeReportsFalse => "key_revoke_live_reports_true",
        Fault::GrantsIgnoreTenant => "grant_tenant_isolation",
        Fault::GrantsIgnoreConnection | Fault::GrantsMatchConnectionPrefix => {
            "grant_filter_by_connection"
        }
        Fault::GrantsIgnoreGranteeKind => "grant_key_and_team_differ",
        Fault::SetGrantKeepsTheFirstLevel => "grant_set_replaces_the_level",
        Fault::RemoveIgnored => "grant_remove_removes",
        Fault::PageTokenReturnsAnother => "page_token_round_trips_exactly",
        Fault::DuplicatePageTokenOverwrites => "page_token_duplicate_id_is_refused",
        Fault::PingFails => "ping_answers",
    }
}

const ALL: &[Fault] = &[
    Fault::AddTenantFailsTheSecondTime,
    Fault::TenantsAllKnown,
    Fault::KeyDropsTeams,
    Fault::KeySortsTeams,
    Fault::KeyTimesIn32Bits,
    Fault::DuplicateKeyOverwrites,
    Fault::RevokeNotPersisted,
    Fault::RevokeOverwritesTheTime,
    Fault::RevokeReportsFalse,
    Fault::GrantsIgnoreTenant,
    Fault::GrantsIgnoreConnection,
    Fault::GrantsMatchConnectionPrefix,
    Fault::GrantsIgnoreGranteeKind,
    Fault::SetGrantKeepsTheFirstLevel,
    Fault::RemoveIgnored,
    Fault::PageTokenReturnsAnother,
    Fault::DuplicatePageTokenOverwrites,
    Fault::PingFails,
];

/// The in-memory directory with one fault.
#[derive(Debug)]
struct Broken {
    inner: InMemoryDirectory,
    fault: Fault,
    tenants_added: Mutex<Vec<TenantId>>,
    last_token: Mutex<Option<PageTokenRecord>>,
    /// Key records written over the inner directory's (which never overwrites).
    overwritten: Mutex<HashMap<String, KeyRecord>>,
}

impl Broken {
    fn new(fault: Fault) -> Broken {
        Broken {
            inner: InMemoryDirectory::new(),
            fault,
            tenants_added: Mutex::new(Vec::new()),
            last_token: Mutex::new(None),
            overwritten: Mutex::new(HashMap::new()),
        }
    }

    /// Where a grant of `tenant` is kept: one shared tenant when tenants are ignored.
    fn grant_tenant(&self, tenant: &TenantId) -> TenantId {
        if self.fault == Fault::GrantsIgnoreTenant {
            "shared".parse().unwrap()
        } else {
            tenant.clone()
        }
    }
}

fn broken(what: &str) -> DirectoryError {
    DirectoryError::new(what)
}

impl Directory for Broken {
    fn add_tenant<'a>(&'a self, tenant: &'a TenantId) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            if self.fault == Fault::AddTenantFailsTheSecondTime {
                let mut added = self.tenants_added.lock().unwrap();
                if added.contains(tenant) {
                    return Err(broken("tenant exists"));
                }
                added.push(tenant.clone());
            }
            self.inner.add_tenant(tenant).await
        })
    }

    fn has_tenant<'a>(
        &'a self,
        tenant: &'a TenantId,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        Box::pin(async move {
            if self.fault == Fault::TenantsAllKnown {
                return Ok(true);
            }
            self.inner.has_tenant(tenant).await
        })
    }

    fn insert_key<'a>(&'a self, key: &'a KeyRecord) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            // As `INSERT OR REPLACE`.
            if self.fault == Fault::DuplicateKeyOverwrites
                && self.inner.key(key.id()).await?.is_some()
            {
                let mut overwritten = self.overwritten.lock().unwrap();
                overwritten.insert(key.id().to_owned(), key.clone());
                return Ok(());
            }
            let stored = match self.fault {
                Fault::KeyDropsTeams => key.to_builder().with_teams(Vec::<String>::new()),
                Fault::KeySortsTeams => {
                    let mut teams = key.teams().to_vec();
                    teams.sort();
                    key.to_builder().with_teams(teams)
                }
                Fault::KeyTimesIn32Bits => key
                    .to_builder()
                    .with_created_at(u64::from(key.created_at() as u32)),
                _ => key.to_builder(),
            };
            self.inner.insert_key(&stored.build().unwrap()).await
        })
    }

    fn key<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, DirectoryError>> {
        Box::pin(async move {
            if let Some(key) = self.overwritten.lock().unwrap().get(id) {
                return Ok(Some(key.clone()));
            }
            self.inner.key(id).await
        })
    }

    fn revoke_key<'a>(
        &'a self,
        id: &'a str,
        at: u64,
    ) -> BoxFuture<'a, Result<bool, DirectoryError>> {
        Box::pin(async move {
            match self.fault {
                Fault::RevokeNotPersisted => {
                    Ok(matches!(self.inner.key(id).await?, Some(k) if !k.is_revoked()))
                }
                Fault::RevokeReportsFalse => {
                    self.inner.revoke_key(id, at).await?;
                    Ok(false)
                }
                Fault::RevokeOverwritesTheTime => {
                    // As `UPDATE … SET revoked_at = ? WHERE id = ?` without the live check.
                    let Some(key) = self.key(id).await? else {
                        return Ok(false);
                    };
                    let key = key.to_builder().with_revoked_at(Some(at)).build().unwrap();
                    self.overwritten.lock().unwrap().insert(id.to_owned(), key);
                    Ok(true)
                }
                _ => self.inner.revoke_key(id, at).await,
            }
        })
    }

    fn set_grant<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: &'a ConnectionName,
        grantee: &'a Grantee,
        access: Option<Access>,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let tenant = self.grant_tenant(tenant);
            match (self.fault, access) {
                (Fault::RemoveIgnored, None) => return Ok(()),
                (Fault::SetGrantKeepsTheFirstLevel, Some(_)) => {
                    let existing = self
                        .inner
                        .grants(&tenant, Some(connection), std::slice::from_ref(grantee))
                        .await?;
                    if !existing.is_empty() {
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.inner
                .set_grant(&tenant, connection, grantee, access)
                .await
        })
    }

    fn grants<'a>(
        &'a self,
        tenant: &'a TenantId,
        connection: Option<&'a ConnectionName>,
        grantees: &'a [Grantee],
    ) -> BoxFuture<'a, Result<Vec<Grant>, DirectoryError>> {
        Box::pin(async move {
            let tenant = self.grant_tenant(tenant);
            let mut asked: Vec<Grantee> = grantees.to_vec();
            if self.fault == Fault::GrantsIgnoreGranteeKind {
                for grantee in grantees {
                    asked.push(match (grantee.key_id(), grantee.team_name()) {
                        (Some(id), _) => Grantee::team(id).unwrap(),
                        (_, Some(name)) => match Grantee::key(name) {
                            Ok(key) => key,
                            Err(_) => continue,
                        },
                        (None, None) => continue,
                    });
                }
            }
            let by_connection = match self.fault {
                Fault::GrantsIgnoreConnection | Fault::GrantsMatchConnectionPrefix => None,
                _ => connection,
            };
            let mut found = self.inner.grants(&tenant, by_connection, &asked).await?;
            if self.fault == Fault::GrantsMatchConnectionPrefix
                && let Some(wanted) = connection
            {
                found.retain(|g| g.connection().as_str().starts_with(wanted.as_str()));
            }
            Ok(found)
        })
    }

    fn insert_page_token<'a>(
        &'a self,
        token: &'a PageTokenRecord,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            if self.fault == Fault::DuplicatePageTokenOverwrites
                && self.inner.page_token(token.id()).await?.is_some()
            {
                return Ok(());
            }
            *self.last_token.lock().unwrap() = Some(token.clone());
            self.inner.insert_page_token(token).await
        })
    }

    fn page_token<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<PageTokenRecord>, DirectoryError>> {
        Box::pin(async move {
            let found = self.inner.page_token(id).await?;
            if self.fault == Fault::PageTokenReturnsAnother && found.is_some() {
                return Ok(self.last_token.lock().unwrap().clone());
            }
            Ok(found)
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), DirectoryError>> {
        if self.fault == Fault::PingFails {
            return Box::pin(async { Err(broken("unreachable")) });
        }
        self.inner.ping()
    }
}

#[tokio::test]
async fn the_contract_catches_every_broken_directory_and_names_the_rule() {
    for fault in ALL {
        let directory = Broken::new(*fault);
        let failures = match directory_contract(&directory).await {
            Ok(()) => panic!("{fault:?}: the suite passed a broken directory"),
            Err(failures) => failures,
        };
        assert!(
            failures.broke(rule_of(*fault)),
            "{fault:?}: expected {} among\n{failures}",
            rule_of(*fault)
        );
        // One line a broken rule: `rule: what was seen`.
        assert!(
            failures.failures().iter().all(|line| line
                .split_once(": ")
                .is_some_and(|(rule, _)| !rule.contains(' '))),
            "{failures}"
        );
    }
}
