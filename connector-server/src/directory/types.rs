//! The Directory's records: tenants, API keys, access levels, grants and onboarding-page
//! tokens, and the names they use.

use std::fmt;
use std::str::FromStr;

use connector_core::ConnectionId;

use crate::secret::SecretHash;

/// A bad name or value: the field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {rule}")]
pub struct InvalidName {
    /// The field.
    pub field: &'static str,
    /// The rule.
    pub rule: &'static str,
}

/// A tenant id: 1 to 16 lowercase ASCII letters and digits. Connection ids in the store are
/// `TENANT_NAME`; a tenant id has no `_`, so the split is unambiguous and one tenant's
/// connections are one contiguous range of ids.
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

/// Who a grant is for: one key, or every key of a team.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grantee {
    /// One key, by id.
    Key(String),
    /// A team of the tenant, by name.
    Team(String),
}

impl Grantee {
    /// The stored form: `key:ID` or `team:NAME`.
    pub fn encode(&self) -> String {
        match self {
            Grantee::Key(id) => format!("key:{id}"),
            Grantee::Team(name) => format!("team:{name}"),
        }
    }

    /// Reads the stored form.
    pub fn decode(text: &str) -> Option<Grantee> {
        if let Some(id) = text.strip_prefix("key:") {
            Some(Grantee::Key(id.to_owned()))
        } else {
            text.strip_prefix("team:")
                .map(|name| Grantee::Team(name.to_owned()))
        }
    }
}

/// A per-connection grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The connection.
    pub connection: ConnectionName,
    /// Who.
    pub grantee: Grantee,
    /// What.
    pub access: Access,
}

/// An API key as stored: never the key itself, only its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The key's public id (the middle part of `ck.ID.SECRET`).
    pub id: String,
    /// The tenant the key acts for.
    pub tenant: TenantId,
    /// SHA-256 of the secret part.
    pub hash: SecretHash,
    /// A label for people.
    pub label: String,
    /// The tenant's teams the key belongs to (grants to a team apply to its keys).
    pub teams: Vec<String>,
    /// Access to every connection of the tenant, beyond per-connection grants.
    pub default_access: Option<Access>,
    /// Whether the key may create connections (it gets `manage` on those it creates).
    pub may_create: bool,
    /// When it was made (Unix seconds).
    pub created_at: u64,
    /// When it was revoked (Unix seconds); a revoked key authenticates nothing.
    pub revoked_at: Option<u64>,
}

impl KeyRecord {
    /// The grantees this key acts as: itself and its teams.
    pub fn grantees(&self) -> Vec<Grantee> {
        let mut all = vec![Grantee::Key(self.id.clone())];
        all.extend(self.teams.iter().cloned().map(Grantee::Team));
        all
    }
}

/// An onboarding-page token as stored: bound to one connection, expiring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTokenRecord {
    /// The token's public id.
    pub id: String,
    /// SHA-256 of the secret part.
    pub hash: SecretHash,
    /// The tenant of the connection.
    pub tenant: TenantId,
    /// The connection the token opens.
    pub connection: ConnectionName,
    /// When it stops working (Unix seconds).
    pub expires_at: u64,
}
