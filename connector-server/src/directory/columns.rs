//! The directory's records as SQL columns, shared by the SQLite and Postgres directories:
//! times as signed 64-bit integers, teams as a JSON array (their order kept), access levels
//! and grantees by name, digests as 32 bytes. A row that does not read back as a record is
//! corrupt, an error, never a default.

use std::str::FromStr as _;

use super::{Access, ConnectionName, DirectoryError, KeyRecord, PageTokenRecord, TenantId};
use crate::secret::SecretHash;

/// The rule of a stored digest.
const HASH_RULE: &str = "invalid hash: 32 bytes";
/// The rule of stored teams.
const TEAMS_JSON_RULE: &str = "invalid teams: a JSON array of strings";

/// A time as stored (the largest a column holds when past it; no real time is).
pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A stored time (a negative one, which nothing writes, reads as 0).
pub(crate) fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A stored `what` that does not read back, and why (the field and the rule).
pub(crate) fn corrupt(what: &str, why: impl std::fmt::Display) -> DirectoryError {
    DirectoryError::new(format!("a stored {what} cannot be read: {why}"))
}

/// A key's teams as stored.
pub(crate) fn teams_text(teams: &[String]) -> Result<String, DirectoryError> {
    serde_json::to_string(teams)
        .map_err(|_| DirectoryError::new("a key's teams cannot be written as JSON"))
}

/// A key row's columns.
pub(crate) struct KeyColumns {
    pub(crate) id: String,
    pub(crate) tenant: String,
    pub(crate) hash: Vec<u8>,
    pub(crate) label: String,
    pub(crate) teams: String,
    pub(crate) default_access: Option<String>,
    pub(crate) may_create: bool,
    pub(crate) created_at: i64,
    pub(crate) revoked_at: Option<i64>,
}

impl KeyColumns {
    /// The record, or an error when a column does not read.
    pub(crate) fn record(self) -> Result<KeyRecord, DirectoryError> {
        let bad = |why: &dyn std::fmt::Display| corrupt("key", why);
        let default_access = match self.default_access {
            Some(text) => Some(Access::from_str(&text).map_err(|e| bad(&e))?),
            None => None,
        };
        let tenant = TenantId::from_str(&self.tenant).map_err(|e| bad(&e))?;
        let hash = SecretHash::from_slice(&self.hash).ok_or_else(|| bad(&HASH_RULE))?;
        let teams: Vec<String> =
            serde_json::from_str(&self.teams).map_err(|_| bad(&TEAMS_JSON_RULE))?;
        KeyRecord::builder(self.id, tenant, hash)
            .with_label(self.label)
            .with_teams(teams)
            .with_default_access(default_access)
            .with_may_create(self.may_create)
            .with_created_at(to_u64(self.created_at))
            .with_revoked_at(self.revoked_at.map(to_u64))
            .build()
            .map_err(|e| bad(&e))
    }
}

/// A page token row's columns.
pub(crate) struct PageTokenColumns {
    pub(crate) id: String,
    pub(crate) tenant: String,
    pub(crate) connection: String,
    pub(crate) hash: Vec<u8>,
    pub(crate) expires_at: i64,
}

impl PageTokenColumns {
    /// The record, or an error when a column does not read.
    pub(crate) fn record(self) -> Result<PageTokenRecord, DirectoryError> {
        let bad = |why: &dyn std::fmt::Display| corrupt("page token", why);
        let tenant = TenantId::from_str(&self.tenant).map_err(|e| bad(&e))?;
        let hash = SecretHash::from_slice(&self.hash).ok_or_else(|| bad(&HASH_RULE))?;
        let connection = ConnectionName::parse(&tenant, &self.connection).map_err(|e| bad(&e))?;
        PageTokenRecord::new(self.id, hash, tenant, connection, to_u64(self.expires_at))
            .map_err(|e| bad(&e))
    }
}

/// A grant row's connection and access, of `tenant`.
pub(crate) fn grant_parts(
    tenant: &TenantId,
    connection: &str,
    access: &str,
) -> Result<(ConnectionName, Access), DirectoryError> {
    Ok((
        ConnectionName::parse(tenant, connection).map_err(|e| corrupt("grant", e))?,
        Access::from_str(access).map_err(|e| corrupt("grant", e))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef";

    fn key() -> KeyColumns {
        KeyColumns {
            id: ID.into(),
            tenant: "acme".into(),
            hash: vec![7; 32],
            label: "l".into(),
            teams: "[\"b\",\"a\"]".into(),
            default_access: Some("use".into()),
            may_create: true,
            created_at: 5,
            revoked_at: Some(4),
        }
    }

    /// The message of the error a broken key row reads as.
    fn key_error(columns: KeyColumns) -> String {
        columns.record().unwrap_err().message().to_owned()
    }

    #[test]
    fn a_key_row_reads_back_every_column() {
        let record = key().record().unwrap();
        assert_eq!(record.id(), ID);
        assert_eq!(record.tenant().as_str(), "acme");
        assert_eq!(record.hash(), &SecretHash::from_slice(&[7; 32]).unwrap());
        assert_eq!(record.label(), "l");
        assert_eq!(record.teams(), ["b", "a"]);
        assert_eq!(record.default_access(), Some(Access::Use));
        assert!(record.may_create());
        assert_eq!(record.created_at(), 5);
        // Revoked before it was made (another instance's clock): still a key, revoked.
        assert_eq!(record.revoked_at(), Some(4));
    }

    #[test]
    fn a_key_row_that_does_not_read_back_is_corrupt_naming_the_field_never_a_default() {
        for (broken, field) in [
            (
                KeyColumns {
                    hash: vec![7; 31],
                    ..key()
                },
                "hash",
            ),
            (
                KeyColumns {
                    tenant: "Acme".into(),
                    ..key()
                },
                "tenant",
            ),
            (
                KeyColumns {
                    teams: "b,a".into(),
                    ..key()
                },
                "teams",
            ),
            (
                KeyColumns {
                    default_access: Some("admin".into()),
                    ..key()
                },
                "access",
            ),
            (
                KeyColumns {
                    id: "k".into(),
                    ..key()
                },
                "key id",
            ),
            (
                KeyColumns {
                    id: ID.to_uppercase(),
                    ..key()
                },
                "key id",
            ),
            (
                KeyColumns {
                    teams: "[\"a\",\"a\"]".into(),
                    ..key()
                },
                "key teams: no team is named twice",
            ),
            (
                KeyColumns {
                    teams: "[\"\"]".into(),
                    ..key()
                },
                "key teams: every team name is non-empty",
            ),
        ] {
            let message = key_error(broken);
            assert!(
                message.starts_with("a stored key cannot be read: "),
                "{message}"
            );
            assert!(message.contains(field), "{field}: {message}");
        }
    }

    #[test]
    fn a_page_token_row_that_does_not_read_back_is_corrupt_naming_the_field() {
        let token = || PageTokenColumns {
            id: ID.into(),
            tenant: "acme".into(),
            connection: "prod".into(),
            hash: vec![1; 32],
            expires_at: 9,
        };
        let record = token().record().unwrap();
        assert_eq!((record.id(), record.expires_at()), (ID, 9));
        assert_eq!(record.connection().as_str(), "prod");
        for (broken, field) in [
            (
                PageTokenColumns {
                    connection: "no way".into(),
                    ..token()
                },
                "name",
            ),
            (
                PageTokenColumns {
                    id: "p".into(),
                    ..token()
                },
                "page token id",
            ),
            (
                PageTokenColumns {
                    hash: Vec::new(),
                    ..token()
                },
                "hash",
            ),
        ] {
            let message = broken.record().unwrap_err().message().to_owned();
            assert!(
                message.starts_with("a stored page token cannot be read: "),
                "{message}"
            );
            assert!(message.contains(field), "{field}: {message}");
        }
        assert!(grant_parts(&"acme".parse().unwrap(), "prod", "root").is_err());
    }

    #[test]
    fn times_past_the_column_saturate_and_negative_ones_read_as_zero() {
        assert_eq!(to_i64(u64::MAX), i64::MAX);
        assert_eq!(to_i64(10_000_000_000), 10_000_000_000);
        assert_eq!(to_u64(-1), 0);
    }
}
