//! The `Connection` record: everything a platform stores about one customer connection.
//! Identifiers only, never credentials.

use iam_policy::{AccountId, RoleArn};
use trust_policy::ExternalId;

use super::{ConnectionId, ConnectionState};
use crate::{ConnectorError, Timestamp};

/// Why a connection is not (fully) working: a stable code, what happened, what to do.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Diagnosis {
    /// Stable code (a provider error kind such as `ACCESS_DENIED`, a verification finding
    /// code, ...).
    pub code: String,
    /// What happened.
    pub message: String,
    /// What to do about it, in one sentence.
    pub remediation: String,
    /// When it was diagnosed.
    pub at: Timestamp,
}

/// One customer's connection: who the customer is, which role and External ID to use, where
/// the connection stands, and the last problem seen. It holds identifiers only, never
/// credentials; the External ID is an identifier the customer pastes into their trust policy.
///
/// Records are changed through [`Connection::apply`] (see [`ConnectionState`] for the state
/// machine) and stored in a [`ConnectionStore`](crate::ConnectionStore). Deserializing checks
/// the record with [`Connection::validate`].
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionState, Timestamp};
/// let pending = Connection::new(
///     "acme-prod", "Acme production", "111122223333".parse().unwrap(),
///     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(), Timestamp(1_800_000_000),
/// )?
/// .with_regions(["us-east-1", "eu-west-1"])?
/// .with_permission_set("acme:read-only", "1.0.0");
/// assert_eq!(pending.state, ConnectionState::Pending);
/// assert!(pending.role_arn.is_none());
///
/// let verifying = pending.apply(
///     ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse().unwrap() },
///     Timestamp(1_800_000_060),
/// )?;
/// assert_eq!(verifying.state, ConnectionState::Verifying);
/// assert_eq!(verifying.revision, pending.revision + 1);
/// assert_eq!(verifying.state_since, Timestamp(1_800_000_060));
///
/// // A role in another account is refused, naming the field and the rule.
/// let err = pending.apply(
///     ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::999988887777:role/vendor".parse().unwrap() },
///     Timestamp(1_800_000_060),
/// ).unwrap_err();
/// assert!(err.to_string().contains("role ARN"));
///
/// let json = serde_json::to_string(&verifying).unwrap();
/// assert_eq!(serde_json::from_str::<Connection>(&json).unwrap(), verifying);
/// # Ok::<(), connector_core::ConnectorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Connection {
    /// The id.
    pub id: ConnectionId,
    /// A name for people: 1 to 256 characters, not blank, no control characters.
    pub display_name: String,
    /// The customer's AWS account.
    pub account_id: AccountId,
    /// The role the customer created (in `account_id`), once submitted; `None` while pending.
    pub role_arn: Option<RoleArn>,
    /// The External ID the role's trust policy requires.
    pub external_id: ExternalId,
    /// During a rotation, the External ID being rolled out (the trust policy accepts both).
    pub next_external_id: Option<ExternalId>,
    /// Regions the connection operates in, each like `us-east-1`, without duplicates.
    pub regions: Vec<String>,
    /// The permission set granted, by name (lowercase letters, digits, `-`, `_`, `:`).
    pub permission_set: Option<String>,
    /// Its version (`MAJOR.MINOR.PATCH`); set together with `permission_set`.
    pub permission_set_version: Option<String>,
    /// The state.
    pub state: ConnectionState,
    /// Bumped by exactly one by every accepted event; the store compares and swaps on it.
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
    /// The longest display name, in characters.
    pub const MAX_DISPLAY_NAME_CHARS: usize = 256;

    /// A pending connection: the customer has been given the External ID but has not created
    /// the role yet. Revision 0.
    pub fn new(
        id: &str,
        display_name: &str,
        account_id: AccountId,
        external_id: ExternalId,
        now: Timestamp,
    ) -> Result<Connection, ConnectorError> {
        check_display_name(display_name)?;
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

    /// Sets the regions (each like `us-east-1`; repeats are dropped, order is kept).
    pub fn with_regions<I, S>(mut self, regions: I) -> Result<Connection, ConnectorError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut checked: Vec<String> = Vec::new();
        for region in regions {
            let region = region.as_ref();
            check_region(region)?;
            if !checked.iter().any(|r| r == region) {
                checked.push(region.to_owned());
            }
        }
        self.regions = checked;
        Ok(self)
    }

    /// Records the permission set granted. The name and version are checked by
    /// [`validate`](Connection::validate), which stores run before they accept a record.
    pub fn with_permission_set(mut self, name: &str, version: &str) -> Connection {
        self.permission_set = Some(name.to_owned());
        self.permission_set_version = Some(version.to_owned());
        self
    }

    /// True when `region` looks like an AWS region: lowercase words joined by hyphens, ending
    /// in a number (`us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`).
    pub fn is_valid_region(region: &str) -> bool {
        iam_policy::Region::is_valid(region)
    }

    /// Checks the record's rules, naming the field and the rule broken: the display name,
    /// the regions, the permission set name and version, the role ARN in the connection's
    /// account and present once the connection is past `Pending`, and a rotation's next
    /// External ID differing from the current one. (The id, account id, role ARN and External
    /// IDs are checked by their types.)
    pub fn validate(&self) -> Result<(), ConnectorError> {
        check_display_name(&self.display_name)?;
        for (i, region) in self.regions.iter().enumerate() {
            check_region(region)?;
            if self.regions[..i].contains(region) {
                return Err(ConnectorError::invalid(
                    "region",
                    region,
                    "each region is listed once",
                ));
            }
        }
        match (&self.permission_set, &self.permission_set_version) {
            (None, None) => {}
            (Some(name), Some(version)) => {
                check_permission_set_name(name)?;
                check_permission_set_version(version)?;
            }
            (Some(name), None) | (None, Some(name)) => {
                return Err(ConnectorError::invalid(
                    "permission set",
                    name,
                    "a permission set's name and version are set together",
                ));
            }
        }
        if let Some(role_arn) = &self.role_arn {
            self.check_role_account(role_arn)?;
        }
        let needs_role = match self.state {
            ConnectionState::Verifying
            | ConnectionState::Active
            | ConnectionState::Degraded { .. } => true,
            ConnectionState::Pending
            | ConnectionState::Disconnected { .. }
            | ConnectionState::Removed => false,
        };
        if needs_role && self.role_arn.is_none() {
            return Err(ConnectorError::invalid(
                "role ARN",
                "",
                format!(
                    "a {} connection has the customer's role ARN",
                    self.state.name()
                ),
            ));
        }
        if self.next_external_id.as_ref() == Some(&self.external_id) {
            return Err(ConnectorError::invalid(
                "next external id",
                "",
                "a rotation's next External ID differs from the current one",
            ));
        }
        Ok(())
    }

    /// Refuses a role outside the connection's account.
    pub(super) fn check_role_account(&self, role_arn: &RoleArn) -> Result<(), ConnectorError> {
        if role_arn.account_id() == &self.account_id {
            Ok(())
        } else {
            Err(ConnectorError::invalid(
                "role ARN",
                &role_arn.to_string(),
                format!(
                    "the role must be in the connection's account {}",
                    self.account_id
                ),
            ))
        }
    }
}

fn check_display_name(name: &str) -> Result<(), ConnectorError> {
    let ok = !name.trim().is_empty()
        && name.chars().count() <= Connection::MAX_DISPLAY_NAME_CHARS
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(
            "display name",
            name,
            "a display name is 1 to 256 characters, not blank, without control characters",
        ))
    }
}

fn check_region(region: &str) -> Result<(), ConnectorError> {
    if Connection::is_valid_region(region) {
        Ok(())
    } else {
        Err(ConnectorError::invalid(
            "region",
            region,
            "a region looks like us-east-1: lowercase words joined by hyphens, ending in a number",
        ))
    }
}

/// The `permission-sets` naming rule.
fn check_permission_set_name(name: &str) -> Result<(), ConnectorError> {
    let ok = (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(
            "permission set name",
            name,
            "a permission set name is 1 to 128 lowercase letters, digits, '-', '_' and ':'",
        ))
    }
}

/// The `permission-sets` version rule.
fn check_permission_set_version(version: &str) -> Result<(), ConnectorError> {
    let parts: Vec<&str> = version.split('.').collect();
    let ok = version.len() <= 32
        && parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(ConnectorError::invalid(
            "permission set version",
            version,
            "a version is MAJOR.MINOR.PATCH, e.g. 1.0.0",
        ))
    }
}

/// The wire form, checked by `validate` on the way in. Listing every field of `Connection` in
/// the conversion below makes a new field a compile error here until it is added.
#[derive(serde::Deserialize)]
struct WireConnection {
    id: ConnectionId,
    display_name: String,
    account_id: AccountId,
    role_arn: Option<RoleArn>,
    external_id: ExternalId,
    next_external_id: Option<ExternalId>,
    regions: Vec<String>,
    permission_set: Option<String>,
    permission_set_version: Option<String>,
    state: ConnectionState,
    revision: u64,
    created_at: Timestamp,
    updated_at: Timestamp,
    state_since: Timestamp,
    last_diagnosis: Option<Diagnosis>,
}

impl<'de> serde::Deserialize<'de> for Connection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WireConnection {
            id,
            display_name,
            account_id,
            role_arn,
            external_id,
            next_external_id,
            regions,
            permission_set,
            permission_set_version,
            state,
            revision,
            created_at,
            updated_at,
            state_since,
            last_diagnosis,
        } = WireConnection::deserialize(deserializer)?;
        let connection = Connection {
            id,
            display_name,
            account_id,
            role_arn,
            external_id,
            next_external_id,
            regions,
            permission_set,
            permission_set_version,
            state,
            revision,
            created_at,
            updated_at,
            state_since,
            last_diagnosis,
        };
        connection
            .validate()
            .map_err(<D::Error as serde::de::Error>::custom)?;
        Ok(connection)
    }
}
