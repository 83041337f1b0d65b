//! The names and values the Directory's records use: tenant ids, connection names, access
//! levels and grantees.

use std::fmt;
use std::str::FromStr;

use connector_core::ConnectionId;

/// A bad name or value: the field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {rule}")]
pub struct InvalidName {
    field: &'static str,
    rule: &'static str,
}

impl InvalidName {
    /// The field (`tenant`, `name`, `access`).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The rule it broke.
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

/// A tenant id: 1 to 16 lowercase ASCII letters and digits. Connection ids in the store are
/// `TENANT_NAME`; a tenant id has no `_`, so the split is unambiguous and one tenant's
/// connections are one contiguous range of ids.
///
/// ```
/// use connector_server::directory::TenantId;
/// let acme: TenantId = "acme2".parse()?;
/// assert_eq!(acme.as_str(), "acme2");
/// for bad in ["", "Acme", "acme_eu", "a-very-long-tenant-id"] {
///     assert_eq!(bad.parse::<TenantId>().unwrap_err().field(), "tenant");
/// }
/// # Ok::<(), connector_server::directory::InvalidName>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    /// The longest tenant id.
    pub const MAX_LEN: usize = 16;

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TenantId {
    type Err = InvalidName;
    fn from_str(text: &str) -> Result<TenantId, InvalidName> {
        let ok = !text.is_empty()
            && text.len() <= TenantId::MAX_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if ok {
            Ok(TenantId(text.to_owned()))
        } else {
            Err(InvalidName {
                field: "tenant",
                rule: "1 to 16 lowercase ASCII letters and digits",
            })
        }
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A connection's name within its tenant (what the API and the pages show): the rules of a
/// [`ConnectionId`], short enough that `TENANT_NAME` is one.
///
/// ```
/// use connector_server::directory::{ConnectionName, TenantId};
/// let acme: TenantId = "acme".parse()?;
/// let prod = ConnectionName::parse(&acme, "prod-eu")?;
/// let id = prod.store_id(&acme)?;
/// assert_eq!(id.as_str(), "acme_prod-eu");
/// assert_eq!(ConnectionName::of_store_id(&acme, &id), Some(prod));
/// assert_eq!(ConnectionName::of_store_id(&"other".parse()?, &id), None);
/// assert_eq!(ConnectionName::parse(&acme, "no spaces").unwrap_err().field(), "name");
/// # Ok::<(), connector_server::directory::InvalidName>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionName(String);

impl ConnectionName {
    /// Checks `text` as the name of a connection of `tenant`.
    pub fn parse(tenant: &TenantId, text: &str) -> Result<ConnectionName, InvalidName> {
        let fits = !text.is_empty() && text.len() + tenant.as_str().len() < ConnectionId::MAX_LEN;
        if fits && ConnectionId::new(text).is_ok() {
            Ok(ConnectionName(text.to_owned()))
        } else {
            Err(InvalidName {
                field: "name",
                rule: "1 to 64 ASCII letters, digits, '-' and '_', with the tenant id at most 63 together",
            })
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id the connection is stored under: `TENANT_NAME`.
    pub fn store_id(&self, tenant: &TenantId) -> Result<ConnectionId, InvalidName> {
        ConnectionId::new(&format!("{tenant}_{}", self.0)).map_err(|_| InvalidName {
            field: "name",
            rule: "the tenant id and the name together are at most 63 characters",
        })
    }

    /// The name of a stored connection of `tenant`, `None` when it is another tenant's.
    pub fn of_store_id(tenant: &TenantId, id: &ConnectionId) -> Option<ConnectionName> {
        id.as_str()
            .strip_prefix(tenant.as_str())
            .and_then(|rest| rest.strip_prefix('_'))
            .map(|name| ConnectionName(name.to_owned()))
    }
}

impl fmt::Display for ConnectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a key may do with a connection, each level including the ones before it.
///
/// ```
/// use connector_server::directory::Access;
/// assert!(Access::View < Access::Use && Access::Use < Access::Manage);
/// assert_eq!("use".parse::<Access>()?, Access::Use);
/// assert_eq!(Access::Manage.name(), "manage");
/// assert_eq!("admin".parse::<Access>().unwrap_err().field(), "access");
/// # Ok::<(), connector_server::directory::InvalidName>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Read its state, diagnosis and artifacts.
    View,
    /// Also use it: run the connection test.
    Use,
    /// Also manage it: submit a role, disconnect, rotate the External ID, remove, issue
    /// onboarding links.
    Manage,
}

impl Access {
    /// The level's name (`view`, `use`, `manage`).
    pub fn name(self) -> &'static str {
        match self {
            Access::View => "view",
            Access::Use => "use",
            Access::Manage => "manage",
        }
    }
}

impl FromStr for Access {
    type Err = InvalidName;
    fn from_str(text: &str) -> Result<Access, InvalidName> {
        match text {
            "view" => Ok(Access::View),
            "use" => Ok(Access::Use),
            "manage" => Ok(Access::Manage),
            _ => Err(InvalidName {
                field: "access",
                rule: "one of view, use, manage",
            }),
        }
    }
}

/// Who a grant is for: one key (by its id, 16 lowercase hex digits as `secret::mint` makes
/// them), or every key of a team (by a non-empty name). Built by [`Grantee::key`] and
/// [`Grantee::team`], which check their part, or by [`KeyRecord::grantees`](super::KeyRecord::grantees).
///
/// ```
/// use connector_server::directory::Grantee;
/// let ops = Grantee::team("ops")?;
/// assert_eq!((ops.team_name(), ops.key_id()), (Some("ops"), None));
/// assert_eq!(Grantee::decode(&ops.encode()), Some(ops));
/// assert!(Grantee::team("").is_err());
/// assert_eq!(Grantee::key("0123456789abcdef")?.encode(), "key:0123456789abcdef");
/// assert_eq!(Grantee::key("not-an-id").unwrap_err().field(), "key");
/// # Ok::<(), connector_server::directory::InvalidRecord>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grantee(GranteeKind);

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum GranteeKind {
    Key(String),
    Team(String),
}

impl Grantee {
    /// The key with this id.
    pub fn key(id: impl Into<String>) -> Result<Grantee, super::InvalidRecord> {
        let id = id.into();
        if crate::secret::is_id(&id) {
            Ok(Grantee(GranteeKind::Key(id)))
        } else {
            Err(super::InvalidRecord::new(
                "grantee",
                "key",
                super::invalid::ID_RULE,
            ))
        }
    }

    /// Every key of the team of this name.
    pub fn team(name: impl Into<String>) -> Result<Grantee, super::InvalidRecord> {
        let name = name.into();
        if name.is_empty() {
            Err(super::InvalidRecord::new(
                "grantee",
                "team",
                super::key_record::TEAM_NAME_RULE,
            ))
        } else {
            Ok(Grantee(GranteeKind::Team(name)))
        }
    }

    /// A key id or a team name a [`KeyRecord`](super::KeyRecord) already checked.
    pub(crate) fn checked_key(id: &str) -> Grantee {
        Grantee(GranteeKind::Key(id.to_owned()))
    }

    /// See [`Grantee::checked_key`].
    pub(crate) fn checked_team(name: &str) -> Grantee {
        Grantee(GranteeKind::Team(name.to_owned()))
    }

    /// The key's id, when the grantee is one key.
    pub fn key_id(&self) -> Option<&str> {
        match &self.0 {
            GranteeKind::Key(id) => Some(id),
            GranteeKind::Team(_) => None,
        }
    }

    /// The team's name, when the grantee is a team.
    pub fn team_name(&self) -> Option<&str> {
        match &self.0 {
            GranteeKind::Team(name) => Some(name),
            GranteeKind::Key(_) => None,
        }
    }

    /// The stored form: `key:ID` or `team:NAME`.
    pub fn encode(&self) -> String {
        match &self.0 {
            GranteeKind::Key(id) => format!("key:{id}"),
            GranteeKind::Team(name) => format!("team:{name}"),
        }
    }

    /// Reads the stored form; `None` when it is not one (or its part breaks its rule).
    pub fn decode(text: &str) -> Option<Grantee> {
        if let Some(id) = text.strip_prefix("key:") {
            Grantee::key(id).ok()
        } else {
            Grantee::team(text.strip_prefix("team:")?).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Grantee;

    #[test]
    fn a_grantee_key_is_an_id_and_a_team_a_non_empty_name_and_errors_name_the_part() {
        assert_eq!(Grantee::key("ABCDEF0123456789").unwrap_err().field(), "key");
        assert_eq!(Grantee::key("0123").unwrap_err().field(), "key");
        assert_eq!(Grantee::team("").unwrap_err().field(), "team");
        // A key and a team of the same text are different grantees.
        let id = "0123456789abcdef";
        assert_ne!(Grantee::key(id).unwrap(), Grantee::team(id).unwrap());
        for bad in ["", "key:", "key:XYZ", "team:", "user:ops", "ops"] {
            assert_eq!(Grantee::decode(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_grantee_reads_back_from_its_stored_form(
            id in "[0-9a-f]{16}",
            team in "\\PC{1,40}",
        ) {
            for grantee in [Grantee::key(id.clone()).unwrap(), Grantee::team(team.clone()).unwrap()] {
                prop_assert_eq!(Grantee::decode(&grantee.encode()), Some(grantee));
            }
        }
    }
}
