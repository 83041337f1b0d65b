//! `ConnectionId`: the validated key a connection is stored under.

use std::fmt;
use std::str::FromStr;

use crate::ConnectorError;

/// A connection id: 1 to 64 characters from ASCII letters, digits, `-` and `_`.
///
/// ```
/// use connector_core::ConnectionId;
/// let id: ConnectionId = "acme-prod_1".parse().unwrap();
/// assert_eq!(id.as_str(), "acme-prod_1");
/// assert!(ConnectionId::new("").is_err());
/// assert!(ConnectionId::new("acme prod").is_err());
/// assert!(ConnectionId::new(&"x".repeat(65)).is_err());
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct ConnectionId(String);

impl ConnectionId {
    /// The longest id, in characters.
    pub const MAX_LEN: usize = 64;

    /// Parses and checks an id.
    pub fn new(id: &str) -> Result<ConnectionId, ConnectorError> {
        if ConnectionId::is_valid(id) {
            Ok(ConnectionId(id.to_owned()))
        } else {
            Err(ConnectorError::invalid(
                "connection id",
                id,
                "a connection id is 1 to 64 ASCII letters, digits, '-' and '_'",
            ))
        }
    }

    /// True when `id` is a well-formed connection id.
    pub fn is_valid(id: &str) -> bool {
        (1..=ConnectionId::MAX_LEN).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ConnectionId {
    type Err = ConnectorError;
    fn from_str(id: &str) -> Result<Self, ConnectorError> {
        ConnectionId::new(id)
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

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl schemars::JsonSchema for ConnectionId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ConnectionId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": "^[A-Za-z0-9_-]{1,64}$",
            "description": "A connection id: 1 to 64 ASCII letters, digits, '-' and '_'."
        })
    }
}
