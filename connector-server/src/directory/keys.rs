//! The rules on top of a [`Directory`]: issuing, authenticating and rotating API keys,
//! resolving a key's access to a connection, issuing and checking onboarding-page tokens.
//!
//! - An API key is `ck.ID.SECRET`; a page token `pt.ID.SECRET` (see [`crate::secret`]).
//!   Both are shown once, at issue, and stored as the SHA-256 digest of the secret part.
//! - [`authenticate`] finds the record by id, refuses a revoked key, and compares digests
//!   in constant time; any failure is "no key" (401), never a hint which part was wrong.
//! - A key's access to a connection is the highest of its tenant-wide `default_access`, its
//!   own grant and its teams' grants on that connection; none means the connection does not
//!   exist for that key (404).
//! - A page token opens one connection's onboarding page (and its role submission) until it
//!   expires; [`check_page_token`] answers `None` for an unknown, forged or expired token.

use std::collections::HashMap;

use secrecy::{ExposeSecret as _, SecretString};

use super::key_record::check_teams;
use super::{
    Access, ConnectionName, Directory, DirectoryError, Grant, Grantee, InvalidRecord, KeyRecord,
    PageTokenRecord, TenantId,
};
use crate::secret::{self, SecretHash, SecretKind};

/// What a new key may do: made by [`admin`](KeyPolicy::admin) or
/// [`granted_only`](KeyPolicy::granted_only), teams added by
/// [`with_teams`](KeyPolicy::with_teams), which checks them as a [`KeyRecord`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPolicy {
    label: String,
    teams: Vec<String>,
    default_access: Option<Access>,
    may_create: bool,
}

impl KeyPolicy {
    /// A tenant administrator's key: manages every connection, creates connections.
    pub fn admin(label: &str) -> KeyPolicy {
        KeyPolicy {
            label: label.to_owned(),
            teams: Vec::new(),
            default_access: Some(Access::Manage),
            may_create: true,
        }
    }

    /// A key with no access but what grants give it.
    pub fn granted_only(label: &str) -> KeyPolicy {
        KeyPolicy {
            label: label.to_owned(),
            teams: Vec::new(),
            default_access: None,
            may_create: false,
        }
    }

    /// In these teams, in this order; an error (field `teams`) when a name is empty or
    /// named twice.
    pub fn with_teams(
        mut self,
        teams: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<KeyPolicy, InvalidRecord> {
        let teams: Vec<String> = teams.into_iter().map(Into::into).collect();
        check_teams(&teams)?;
        self.teams = teams;
        Ok(self)
    }

    /// The label for people.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The teams the key belongs to.
    pub fn teams(&self) -> &[String] {
        &self.teams
    }

    /// Access to every connection of the tenant.
    pub fn default_access(&self) -> Option<Access> {
        self.default_access
    }

    /// Whether the key may create connections.
    pub fn may_create(&self) -> bool {
        self.may_create
    }
}

/// A key just issued: its id and the key itself, shown once.
#[derive(Debug)]
pub struct IssuedKey {
    id: String,
    key: SecretString,
}

impl IssuedKey {
    /// The key's id (not secret).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key to hand to its holder.
    pub fn key(&self) -> &SecretString {
        &self.key
    }
}

/// A page token just issued.
#[derive(Debug)]
pub struct IssuedPageToken {
    token: SecretString,
    expires_at: u64,
}

impl IssuedPageToken {
    /// The token (goes into the page's URL).
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// When it expires (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

fn random_failed(e: secret::RandomError) -> DirectoryError {
    DirectoryError::new(e.to_string())
}

/// A record the rules here built from checked parts broke a rule: no answer, fail closed.
fn unrecordable(e: InvalidRecord) -> DirectoryError {
    DirectoryError::new(format!("the new record is not valid: {e}"))
}

/// Issues a key of `tenant` (the tenant is added when missing).
pub async fn issue_key(
    directory: &dyn Directory,
    tenant: &TenantId,
    policy: &KeyPolicy,
    now: u64,
) -> Result<IssuedKey, DirectoryError> {
    directory.add_tenant(tenant).await?;
    let minted = secret::mint(SecretKind::ApiKey).map_err(random_failed)?;
    let record = KeyRecord::builder(minted.id(), tenant.clone(), minted.hash().clone())
        .with_label(policy.label.clone())
        .with_teams(policy.teams.iter().cloned())
        .with_default_access(policy.default_access)
        .with_may_create(policy.may_create)
        .with_created_at(now)
        .build()
        .map_err(unrecordable)?;
    directory.insert_key(&record).await?;
    Ok(IssuedKey {
        id: minted.id().to_owned(),
        key: minted.into_text(),
    })
}

/// The live key record `presented` authenticates, `None` when it authenticates nothing.
pub async fn authenticate(
    directory: &dyn Directory,
    presented: &str,
) -> Result<Option<KeyRecord>, DirectoryError> {
    let Some(presented) = secret::parse(SecretKind::ApiKey, presented) else {
        return Ok(None);
    };
    let Some(record) = directory.key(presented.id()).await? else {
        // The same work as a found key, so timing says nothing about which ids exist.
        let _ = SecretHash::of(presented.secret().expose_secret());
        return Ok(None);
    };
    let valid = presented.matches(record.hash()) && !record.is_revoked();
    Ok(valid.then_some(record))
}

/// Rotates `old`: a new key with the same tenant, teams, access and grants, then `old`
/// revoked. The new key is returned (shown once).
pub async fn rotate_key(
    directory: &dyn Directory,
    old: &KeyRecord,
    now: u64,
) -> Result<IssuedKey, DirectoryError> {
    let policy = KeyPolicy {
        label: old.label().to_owned(),
        teams: old.teams().to_vec(),
        default_access: old.default_access(),
        may_create: old.may_create(),
    };
    let issued = issue_key(directory, old.tenant(), &policy, now).await?;
    let own = [old.grantee()];
    let new_grantee = Grantee::checked_key(&issued.id);
    for grant in directory.grants(old.tenant(), None, &own).await? {
        directory
            .set_grant(
                old.tenant(),
                grant.connection(),
                &new_grantee,
                Some(grant.access()),
            )
            .await?;
    }
    directory.revoke_key(old.id(), now).await?;
    Ok(issued)
}

/// The access `key` has to `connection` of its tenant.
pub async fn access(
    directory: &dyn Directory,
    key: &KeyRecord,
    connection: &ConnectionName,
) -> Result<Option<Access>, DirectoryError> {
    let grantees = key.grantees();
    let grants = directory
        .grants(key.tenant(), Some(connection), &grantees)
        .await?;
    Ok(grants
        .iter()
        .map(Grant::access)
        .chain(key.default_access())
        .max())
}

/// The connections `key` was granted access to (beyond its default access), with the
/// highest level each.
pub async fn granted(
    directory: &dyn Directory,
    key: &KeyRecord,
) -> Result<HashMap<ConnectionName, Access>, DirectoryError> {
    let grantees = key.grantees();
    let mut levels: HashMap<ConnectionName, Access> = HashMap::new();
    for grant in directory.grants(key.tenant(), None, &grantees).await? {
        let access = grant.access();
        let level = levels.entry(grant.connection().clone()).or_insert(access);
        *level = (*level).max(access);
    }
    Ok(levels)
}

/// Issues a page token for `connection` of `tenant`, valid for `ttl_seconds`.
pub async fn issue_page_token(
    directory: &dyn Directory,
    tenant: &TenantId,
    connection: &ConnectionName,
    ttl_seconds: u64,
    now: u64,
) -> Result<IssuedPageToken, DirectoryError> {
    let minted = secret::mint(SecretKind::PageToken).map_err(random_failed)?;
    let expires_at = now.saturating_add(ttl_seconds);
    let record = PageTokenRecord::new(
        minted.id(),
        minted.hash().clone(),
        tenant.clone(),
        connection.clone(),
        expires_at,
    )
    .map_err(unrecordable)?;
    directory.insert_page_token(&record).await?;
    Ok(IssuedPageToken {
        token: minted.into_text(),
        expires_at,
    })
}

/// The record of a live page token, `None` when `presented` is unknown, forged or expired.
pub async fn check_page_token(
    directory: &dyn Directory,
    presented: &str,
    now: u64,
) -> Result<Option<PageTokenRecord>, DirectoryError> {
    let Some(presented) = secret::parse(SecretKind::PageToken, presented) else {
        return Ok(None);
    };
    let Some(record) = directory.page_token(presented.id()).await? else {
        let _ = SecretHash::of(presented.secret().expose_secret());
        return Ok(None);
    };
    let valid = presented.matches(record.hash()) && now < record.expires_at();
    Ok(valid.then_some(record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::InMemoryDirectory;

    async fn rules_hold(directory: &dyn Directory) {
        let tenant: TenantId = "acme".parse().unwrap();
        let issued = issue_key(directory, &tenant, &KeyPolicy::granted_only("ci"), 100)
            .await
            .unwrap();
        let record = authenticate(directory, issued.key.expose_secret())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.tenant(), &tenant);
        // A tampered secret authenticates nothing.
        let mut tampered = issued.key.expose_secret().to_owned();
        let last = if tampered.ends_with('A') { "B" } else { "A" };
        tampered.pop();
        tampered.push_str(last);
        assert!(authenticate(directory, &tampered).await.unwrap().is_none());

        let name = ConnectionName::parse(&tenant, "prod").unwrap();
        assert_eq!(access(directory, &record, &name).await.unwrap(), None);
        directory
            .set_grant(&tenant, &name, &record.grantee(), Some(Access::Use))
            .await
            .unwrap();
        assert_eq!(
            access(directory, &record, &name).await.unwrap(),
            Some(Access::Use)
        );

        // Rotation: the new key keeps the grant, the old one stops working.
        let rotated = rotate_key(directory, &record, 200).await.unwrap();
        assert!(
            authenticate(directory, issued.key.expose_secret())
                .await
                .unwrap()
                .is_none()
        );
        let new_record = authenticate(directory, rotated.key.expose_secret())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            access(directory, &new_record, &name).await.unwrap(),
            Some(Access::Use)
        );

        // Page tokens expire.
        let token = issue_page_token(directory, &tenant, &name, 60, 1_000)
            .await
            .unwrap();
        let found = check_page_token(directory, token.token.expose_secret(), 1_059)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.connection(), &name);
        assert!(
            check_page_token(directory, token.token.expose_secret(), 1_060)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            check_page_token(directory, issued.key.expose_secret(), 1_000)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_policy_refuses_an_empty_or_repeated_team_naming_the_teams() {
        let policy = KeyPolicy::granted_only("m").with_teams(["b", "a"]).unwrap();
        assert_eq!(policy.teams(), ["b", "a"]);
        for teams in [&["ops", "ops"][..], &[""][..]] {
            let error = KeyPolicy::admin("a")
                .with_teams(teams.iter().copied())
                .unwrap_err();
            assert_eq!((error.record(), error.field()), ("key", "teams"));
        }
    }

    #[tokio::test]
    async fn an_issued_key_stores_its_policy_and_time() {
        let directory = InMemoryDirectory::new();
        let tenant: TenantId = "acme".parse().unwrap();
        let policy = KeyPolicy::granted_only("ci")
            .with_teams(["ops", "dev"])
            .unwrap();
        let issued = issue_key(&directory, &tenant, &policy, 42).await.unwrap();
        let record = directory.key(issued.id()).await.unwrap().unwrap();
        assert!(secret::is_id(record.id()));
        assert_eq!(
            (
                record.label(),
                record.teams(),
                record.default_access(),
                record.may_create()
            ),
            ("ci", &["ops".to_owned(), "dev".to_owned()][..], None, false)
        );
        assert_eq!((record.created_at(), record.revoked_at()), (42, None));
        let token = issue_page_token(
            &directory,
            &tenant,
            &ConnectionName::parse(&tenant, "p").unwrap(),
            60,
            42,
        )
        .await
        .unwrap();
        assert_eq!(token.expires_at(), 102);
    }

    // The rules are the same on every directory: the storage each one owes them is checked
    // by `crate::testing::directory_contract` (tests/directory_contract.rs and
    // tests/postgres_directory.rs), so they run here on one.
    #[tokio::test]
    async fn key_and_token_rules_hold() {
        rules_hold(&InMemoryDirectory::new()).await;
    }
}
