//! [`KeyRecord`]: an API key as stored, built through [`KeyRecordBuilder`], which checks
//! what a stored key must be: an id as `secret::mint` makes them, and teams that are
//! non-empty names, none twice, kept in the order given.

use super::invalid::{InvalidRecord, checked_id};
use super::{Access, Grantee, TenantId};
use crate::secret::SecretHash;

/// The rule of a key's teams: each a name.
pub(crate) const TEAM_NAME_RULE: &str = "every team name is non-empty";
/// The rule of a key's teams: a set, in the order given.
pub(crate) const TEAMS_UNIQUE_RULE: &str = "no team is named twice";

/// An API key as stored: never the key itself, only its digest. Built with
/// [`KeyRecord::builder`] (a [`Directory`](super::Directory) reading a stored row builds it
/// from the row's parts); changed only through methods that keep its rules.
///
/// ```
/// use connector_server::directory::{Access, InMemoryDirectory, KeyRecord, keys};
/// use connector_server::secret::SecretHash;
/// # use secrecy::ExposeSecret as _;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Issued keys are made by `keys::issue_key`, which stores their record:
/// let directory = InMemoryDirectory::new();
/// let issued = keys::issue_key(&directory, &"acme".parse()?, &keys::KeyPolicy::admin("ci"), 100).await?;
/// let record = keys::authenticate(&directory, issued.key().expose_secret()).await?.unwrap();
/// assert_eq!((record.id(), record.label(), record.created_at()), (issued.id(), "ci", 100));
/// assert_eq!(record.default_access(), Some(Access::Manage));
///
/// // A directory reading a stored row builds the record from its parts, checked:
/// let stored = KeyRecord::builder("0123456789abcdef", "acme".parse()?, SecretHash::of("s"))
///     .with_teams(["ops", "dev"])
///     .with_created_at(100)
///     .build()?;
/// assert_eq!(stored.teams(), ["ops", "dev"]);
/// assert!(stored.revoked(200).is_revoked());
/// let twice = KeyRecord::builder("0123456789abcdef", "acme".parse()?, SecretHash::of("s"))
///     .with_teams(["ops", "ops"])
///     .build()
///     .unwrap_err();
/// assert_eq!(twice.field(), "teams");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    id: String,
    tenant: TenantId,
    hash: SecretHash,
    label: String,
    teams: Vec<String>,
    default_access: Option<Access>,
    may_create: bool,
    created_at: u64,
    revoked_at: Option<u64>,
}

impl KeyRecord {
    /// A builder of the record of key `id` of `tenant` whose secret hashes to `hash`; every
    /// other part starts empty, off or zero.
    pub fn builder(id: impl Into<String>, tenant: TenantId, hash: SecretHash) -> KeyRecordBuilder {
        KeyRecordBuilder {
            record: KeyRecord {
                id: id.into(),
                tenant,
                hash,
                label: String::new(),
                teams: Vec::new(),
                default_access: None,
                may_create: false,
                created_at: 0,
                revoked_at: None,
            },
        }
    }

    /// A builder holding this record's parts, to build a changed copy.
    pub fn to_builder(&self) -> KeyRecordBuilder {
        KeyRecordBuilder {
            record: self.clone(),
        }
    }

    /// The key's public id (the middle part of `ck.ID.SECRET`): 16 lowercase hex digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The tenant the key acts for.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// SHA-256 of the secret part.
    pub fn hash(&self) -> &SecretHash {
        &self.hash
    }

    /// A label for people.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The tenant's teams the key belongs to (grants to a team apply to its keys), in the
    /// order given, none twice.
    pub fn teams(&self) -> &[String] {
        &self.teams
    }

    /// Access to every connection of the tenant, beyond per-connection grants.
    pub fn default_access(&self) -> Option<Access> {
        self.default_access
    }

    /// Whether the key may create connections (it gets `manage` on those it creates).
    pub fn may_create(&self) -> bool {
        self.may_create
    }

    /// When it was made (Unix seconds).
    pub fn created_at(&self) -> u64 {
        self.created_at
    }

    /// When it was revoked (Unix seconds); a revoked key authenticates nothing.
    pub fn revoked_at(&self) -> Option<u64> {
        self.revoked_at
    }

    /// True when the key was revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    /// The record revoked at `at` (Unix seconds); a record revoked before keeps its first
    /// time, as [`Directory::revoke_key`](super::Directory::revoke_key) does. The time is
    /// not checked against `created_at`: instances' clocks differ, and a revocation is
    /// never refused.
    #[must_use]
    pub fn revoked(mut self, at: u64) -> KeyRecord {
        self.revoked_at = Some(self.revoked_at.unwrap_or(at));
        self
    }

    /// The grantees this key acts as: itself and its teams.
    pub fn grantees(&self) -> Vec<Grantee> {
        let mut all = vec![self.grantee()];
        all.extend(self.teams.iter().map(|team| Grantee::checked_team(team)));
        all
    }

    /// The key itself as a grantee (for a grant to this key alone).
    pub fn grantee(&self) -> Grantee {
        Grantee::checked_key(&self.id)
    }
}

/// Builds a [`KeyRecord`]: [`KeyRecord::builder`], the `with_*` parts, then
/// [`build`](KeyRecordBuilder::build), which checks them.
#[derive(Debug, Clone)]
#[must_use]
pub struct KeyRecordBuilder {
    record: KeyRecord,
}

impl KeyRecordBuilder {
    /// A label for people (any text).
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.record.label = label.into();
        self
    }

    /// The teams, in this order (checked by `build`: names non-empty, none twice).
    pub fn with_teams(mut self, teams: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.record.teams = teams.into_iter().map(Into::into).collect();
        self
    }

    /// Access to every connection of the tenant.
    pub fn with_default_access(mut self, access: Option<Access>) -> Self {
        self.record.default_access = access;
        self
    }

    /// Whether the key may create connections.
    pub fn with_may_create(mut self, may_create: bool) -> Self {
        self.record.may_create = may_create;
        self
    }

    /// When it was made (Unix seconds).
    pub fn with_created_at(mut self, at: u64) -> Self {
        self.record.created_at = at;
        self
    }

    /// When it was revoked (Unix seconds), `None` while live. Any time: instances' clocks
    /// differ, so it may be before `created_at`.
    pub fn with_revoked_at(mut self, at: Option<u64>) -> Self {
        self.record.revoked_at = at;
        self
    }

    /// The record, or the field and rule its parts break: the id is 16 lowercase hex
    /// digits; every team name is non-empty and none is named twice.
    pub fn build(self) -> Result<KeyRecord, InvalidRecord> {
        let mut record = self.record;
        record.id = checked_id("key", record.id)?;
        check_teams(&record.teams)?;
        Ok(record)
    }
}

/// Checks a key's teams: names non-empty, none twice.
pub(crate) fn check_teams(teams: &[String]) -> Result<(), InvalidRecord> {
    for (at, team) in teams.iter().enumerate() {
        if team.is_empty() {
            return Err(InvalidRecord::new("key", "teams", TEAM_NAME_RULE));
        }
        if teams.iter().take(at).any(|before| before == team) {
            return Err(InvalidRecord::new("key", "teams", TEAMS_UNIQUE_RULE));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::directory::invalid::ID_RULE;

    const ID: &str = "0123456789abcdef";

    fn builder(id: &str) -> KeyRecordBuilder {
        KeyRecord::builder(id, "acme".parse().unwrap(), SecretHash::of("s"))
    }

    fn teams_error(teams: &[&str]) -> InvalidRecord {
        builder(ID)
            .with_teams(teams.iter().copied())
            .build()
            .unwrap_err()
    }

    #[test]
    fn a_key_id_is_16_lowercase_hex_digits_and_the_error_names_the_id() {
        assert_eq!(builder(ID).build().unwrap().id(), ID);
        for bad in [
            "",
            "k",
            "0123456789abcde",
            "0123456789abcdef0",
            "0123456789ABCDEF",
            "0123456789abcdeg",
            " 0123456789abcde",
        ] {
            let error = builder(bad).build().unwrap_err();
            assert_eq!(
                (error.record(), error.field(), error.rule()),
                ("key", "id", ID_RULE),
                "{bad:?}"
            );
            assert!(
                error
                    .to_string()
                    .starts_with("invalid key id: 16 lowercase hex digits"),
                "{error}"
            );
        }
    }

    #[test]
    fn every_team_name_is_non_empty_and_the_error_names_the_teams() {
        for teams in [&[""][..], &["ops", ""][..]] {
            let error = teams_error(teams);
            assert_eq!((error.field(), error.rule()), ("teams", TEAM_NAME_RULE));
        }
    }

    #[test]
    fn no_team_is_named_twice_and_the_error_names_the_teams() {
        for teams in [&["ops", "ops"][..], &["ops", "dev", "ops"][..]] {
            let error = teams_error(teams);
            assert_eq!((error.field(), error.rule()), ("teams", TEAMS_UNIQUE_RULE));
            assert_eq!(
                error.to_string(),
                "invalid key teams: no team is named twice"
            );
        }
        // Names differing in case or spaces are different teams.
        let record = builder(ID)
            .with_teams(["ops", "Ops", "ops "])
            .build()
            .unwrap();
        assert_eq!(record.teams(), ["ops", "Ops", "ops "]);
    }

    #[test]
    fn teams_keep_the_order_given() {
        let record = builder(ID)
            .with_teams(["zeta", "alpha", "mu"])
            .build()
            .unwrap();
        assert_eq!(record.teams(), ["zeta", "alpha", "mu"]);
        let grantees = record.grantees();
        assert_eq!(grantees.first(), Some(&Grantee::key(ID).unwrap()));
        assert_eq!(grantees.get(1), Some(&Grantee::team("zeta").unwrap()));
    }

    #[test]
    fn a_revocation_keeps_the_first_time() {
        let live = builder(ID).with_created_at(10).build().unwrap();
        assert!(!live.is_revoked());
        let revoked = live.clone().revoked(20);
        assert_eq!(
            (revoked.revoked_at(), revoked.is_revoked()),
            (Some(20), true)
        );
        assert_eq!(revoked.clone().revoked(30).revoked_at(), Some(20));
        // Nothing else changes.
        assert_eq!(
            revoked.to_builder().with_revoked_at(None).build().unwrap(),
            live
        );
    }

    #[test]
    fn a_revocation_before_the_creation_time_is_kept_as_clocks_differ() {
        let record = builder(ID)
            .with_created_at(100)
            .with_revoked_at(Some(99))
            .build()
            .unwrap();
        assert_eq!(record.revoked_at(), Some(99));
        assert_eq!(
            builder(ID)
                .with_created_at(100)
                .build()
                .unwrap()
                .revoked(5)
                .revoked_at(),
            Some(5)
        );
    }

    /// Teams as a key holds them: non-empty names, none twice, in any order.
    fn teams() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec("\\PC{1,12}", 0..6).prop_map(|mut teams| {
            let mut seen = std::collections::HashSet::new();
            teams.retain(|team| seen.insert(team.clone()));
            teams
        })
    }

    fn access() -> impl Strategy<Value = Option<Access>> {
        proptest::option::of(prop_oneof![
            Just(Access::View),
            Just(Access::Use),
            Just(Access::Manage)
        ])
    }

    proptest! {
        #[test]
        fn a_key_built_from_valid_parts_reads_back_its_parts_exactly(
            id in "[0-9a-f]{16}",
            tenant in "[a-z0-9]{1,16}",
            hash in any::<[u8; 32]>(),
            label in "\\PC{0,40}",
            teams in teams(),
            default_access in access(),
            may_create in any::<bool>(),
            created_at in any::<u64>(),
            revoked_at in proptest::option::of(any::<u64>()),
        ) {
            let tenant: TenantId = tenant.parse().unwrap();
            let hash = SecretHash::from_slice(&hash).unwrap();
            let record = KeyRecord::builder(id.clone(), tenant.clone(), hash.clone())
                .with_label(label.clone())
                .with_teams(teams.clone())
                .with_default_access(default_access)
                .with_may_create(may_create)
                .with_created_at(created_at)
                .with_revoked_at(revoked_at)
                .build()
                .unwrap();
            prop_assert_eq!(record.id(), id.as_str());
            prop_assert_eq!(record.tenant(), &tenant);
            prop_assert_eq!(record.hash(), &hash);
            prop_assert_eq!(record.label(), label.as_str());
            prop_assert_eq!(record.teams(), teams.as_slice());
            prop_assert_eq!(record.default_access(), default_access);
            prop_assert_eq!(record.may_create(), may_create);
            prop_assert_eq!(record.created_at(), created_at);
            prop_assert_eq!(record.revoked_at(), revoked_at);
            prop_assert_eq!(record.is_revoked(), revoked_at.is_some());
            prop_assert_eq!(record.to_builder().build().unwrap(), record);
        }

        #[test]
        fn a_key_id_builds_exactly_when_it_is_16_lowercase_hex_digits(id in "[0-9a-fA-Z ]{0,18}") {
            let built = builder(&id).build();
            prop_assert_eq!(built.is_ok(), crate::secret::is_id(&id));
            if let Err(error) = built {
                prop_assert_eq!(error.field(), "id");
            }
        }
    }
}
