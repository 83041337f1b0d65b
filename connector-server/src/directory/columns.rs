//! The directory's records as SQL columns, shared by the SQLite and Postgres directories:
//! times as signed 64-bit integers, teams as a JSON array (their order kept), access levels
//! and grantees by name, digests as 32 bytes. A row that does not read back as a record is
//! corrupt, an error, never a default.

use std::str::FromStr as _;

use super::{Access, ConnectionName, DirectoryError, KeyRecord, PageTokenRecord, TenantId};
use crate::secret::SecretHash;

/// A time as stored (the largest a column holds when past it; no real time is).
pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A stored time (a negative one, which nothing writes, reads as 0).
pub(crate) fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A stored `what` that does not read back.
pub(crate) fn corrupt(what: &str) -> DirectoryError {
    DirectoryError(format!("a stored {what} cannot be read"))
}

/// A key's teams as stored.
pub(crate) fn teams_text(teams: &[String]) -> Result<String, DirectoryError> {
    serde_json::to_string(teams).map_err(|_| corrupt("key's teams"))
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
        let default_access = match self.default_access {
            Some(text) => Some(Access::from_str(&text).map_err(|_| corrupt("key"))?),
            None => None,
        };
        Ok(KeyRecord {
            id: self.id,
            tenant: TenantId::from_str(&self.tenant).map_err(|_| corrupt("key"))?,
            hash: SecretHash::from_slice(&self.hash).ok_or_else(|| corrupt("key"))?,
            label: self.label,
            teams: serde_json::from_str(&self.teams).map_err(|_| corrupt("key"))?,
            default_access,
            may_create: self.may_create,
            created_at: to_u64(self.created_at),
            revoked_at: self.revoked_at.map(to_u64),
        })
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
        let tenant = TenantId::from_str(&self.tenant).map_err(|_| corrupt("page token"))?;
        Ok(PageTokenRecord {
            id: self.id,
            hash: SecretHash::from_slice(&self.hash).ok_or_else(|| corrupt("page token"))?,
            connection: ConnectionName::parse(&tenant, &self.connection)
                .map_err(|_| corrupt("page token"))?,
            tenant,
            expires_at: to_u64(self.expires_at),
        })
    }
}

/// A grant row's connection and access, of `tenant`.
pub(crate) fn grant_parts(
    tenant: &TenantId,
    connection: &str,
    access: &str,
) -> Result<(ConnectionName, Access), DirectoryError> {
    Ok((
        ConnectionName::parse(tenant, connection).map_err(|_| corrupt("grant"))?,
        Access::from_str(access).map_err(|_| corrupt("grant"))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> KeyColumns {
        KeyColumns {
            id: "k".into(),
            tenant: "acme".into(),
            hash: vec![7; 32],
            label: "l".into(),
            teams: "[\"b\",\"a\"]".into(),
            default_access: Some("use".into()),
            may_create: true,
            created_at: 5,
            revoked_at: None,
        }
    }

    #[test]
    fn a_row_that_does_not_read_back_is_corrupt_never_a_default() {
        assert_eq!(key().record().unwrap().teams, ["b", "a"]);
        for broken in [
            KeyColumns {
                hash: vec![7; 31],
                ..key()
            },
            KeyColumns {
                tenant: "Acme".into(),
                ..key()
            },
            KeyColumns {
                teams: "b,a".into(),
                ..key()
            },
            KeyColumns {
                default_access: Some("admin".into()),
                ..key()
            },
        ] {
            assert_eq!(broken.record().unwrap_err(), corrupt("key"));
        }
        let token = || PageTokenColumns {
            id: "p".into(),
            tenant: "acme".into(),
            connection: "prod".into(),
            hash: vec![1; 32],
            expires_at: 9,
        };
        assert_eq!(token().record().unwrap().expires_at, 9);
        let bad = PageTokenColumns {
            connection: "no way".into(),
            ..token()
        };
        assert_eq!(bad.record().unwrap_err(), corrupt("page token"));
        assert!(grant_parts(&"acme".parse().unwrap(), "prod", "root").is_err());
    }

    #[test]
    fn times_past_the_column_saturate_and_negative_ones_read_as_zero() {
        assert_eq!(to_i64(u64::MAX), i64::MAX);
        assert_eq!(to_i64(10_000_000_000), 10_000_000_000);
        assert_eq!(to_u64(-1), 0);
    }
}
