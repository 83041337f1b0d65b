//! The `Connection` record: everything a platform stores about one customer connection.
//! Identifiers only, never credentials.

use iam_policy::{AccountId, RoleArn};
use trust_policy::ExternalId;

use super::ConnectionState;
use crate::{ConnectorError, Timestamp};

/// A connection id: 1 to 64 characters from letters, digits, `-` and `_`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct ConnectionId(String);

impl ConnectionId {
    /// Parses and checks an id.
    pub fn new(id: &str) -> Result<ConnectionId, ConnectorError> {
        let ok = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(ConnectionId(id.to_owned()))
        } else {
            Err(ConnectorError::invalid(
                "connection id",
                id,
                "a connection id is 1 to 64 letters, digits, '-' and '_'",
            ))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ConnectionId {
    type Error = ConnectorError;
    fn try_from(value: String) -> Result<Self, ConnectorError> {
        ConnectionId::new(&value)
    }
}

impl From<ConnectionId> for String {
    fn from(id: ConnectionId) -> String {
        id.0
    }
}

impl std::fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a connection is not (fully) working: a stable code, what happened, what to do.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Diagnosis {
    /// Stable code (a provider error kind, a verification finding code, ...).
    pub code: String,
    /// What happened.
    pub message: String,
    /// What to do about it.
    pub remediation: String,
    /// When it was diagnosed.
    pub at: Timestamp,
}

/// One customer's connection.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionState, Timestamp};
/// let pending = Connection::new(
///     "acme-prod", "Acme production", "111122223333".parse().unwrap(),
///     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(), Timestamp(1_800_000_000),
/// ).unwrap();
/// assert_eq!(pending.state, ConnectionState::Pending);
/// let verifying = pending.apply(
///     ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse().unwrap() },
///     Timestamp(1_800_000_060),
/// ).unwrap();
/// assert_eq!(verifying.state, ConnectionState::Verifying);
/// assert_eq!(verifying.revision, pending.revision + 1);
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Connection {
    /// The id.
    pub id: ConnectionId,
    /// A name for people.
    pub display_name: String,
    /// The customer's AWS account.
    pub account_id: AccountId,
    /// The role the customer created, once submitted.
    pub role_arn: Option<RoleArn>,
    /// The External ID the role's trust policy requires.
    pub external_id: ExternalId,
    /// During a rotation, the External ID being rolled out.
    pub next_external_id: Option<ExternalId>,
    /// Regions the connection operates in.
    pub regions: Vec<String>,
    /// The permission set granted, by name.
    pub permission_set: Option<String>,
    /// Its version.
    pub permission_set_version: Option<String>,
    /// The state.
    pub state: ConnectionState,
    /// Bumped by every accepted event; the store compares and swaps on it.
    pub revision: u64,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// Since when the connection is in its current state.
    pub state_since: Timestamp,
    /// The last problem diagnosed.
    pub last_diagnosis: Option<Diagnosis>,
}

impl Connection {
    /// A pending connection: the customer has been given the External ID but has not created
    /// the role yet.
    pub fn new(
        id: &str,
        display_name: &str,
        account_id: AccountId,
        external_id: ExternalId,
        now: Timestamp,
    ) -> Result<Connection, ConnectorError> {
        if display_name.trim().is_empty() || display_name.chars().count() > 256 {
            return Err(ConnectorError::invalid(
                "display name",
                display_name,
                "a display name is 1 to 256 characters",
            ));
        }
        Ok(Connection {
            id: ConnectionId::new(id)?,
            display_name: display_name.to_owned(),
            account_id,
            role_arn: None,
            external_id,
            next_external_id: None,
            regions: Vec::new(),
            permission_set: None,
            permission_set_version: None,
            state: ConnectionState::Pending,
            revision: 0,
            created_at: now,
            updated_at: now,
            state_since: now,
            last_diagnosis: None,
        })
    }

    /// Sets the regions (each like `us-east-1`).
    pub fn with_regions<I, S>(mut self, regions: I) -> Result<Connection, ConnectorError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut checked = Vec::new();
        for region in regions {
            let region = region.as_ref();
            let parts: Vec<&str> = region.split('-').collect();
            let ok = parts.len() >= 3
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
                && parts
                    .last()
                    .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(ConnectorError::invalid(
                    "region",
                    region,
                    "a region looks like us-east-1",
                ));
            }
            checked.push(region.to_owned());
        }
        self.regions = checked;
        Ok(self)
    }

    /// Records the permission set granted.
    pub fn with_permission_set(mut self, name: &str, version: &str) -> Connection {
        self.permission_set = Some(name.to_owned());
        self.permission_set_version = Some(version.to_owned());
        self
    }
}
