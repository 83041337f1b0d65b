//! [`PageTokenRecord`]: an onboarding-page token as stored, built by
//! [`PageTokenRecord::new`], which checks its id and that its connection's name fits its
//! tenant.

use super::invalid::{InvalidRecord, checked_id};
use super::{ConnectionName, TenantId};
use crate::secret::SecretHash;

/// The rule of a page token's connection.
pub(crate) const CONNECTION_FITS_RULE: &str =
    "the tenant id and the name together are at most 63 characters";

/// An onboarding-page token as stored: bound to one connection, expiring.
///
/// ```
/// use connector_server::directory::{ConnectionName, InMemoryDirectory, PageTokenRecord, keys};
/// use connector_server::secret::SecretHash;
/// # use secrecy::ExposeSecret as _;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let directory = InMemoryDirectory::new();
/// let acme = "acme".parse()?;
/// let prod = ConnectionName::parse(&acme, "prod")?;
/// let issued = keys::issue_page_token(&directory, &acme, &prod, 600, 1_000).await?;
/// let record = keys::check_page_token(&directory, issued.token().expose_secret(), 1_599).await?.unwrap();
/// assert_eq!((record.connection(), record.expires_at()), (&prod, 1_600));
/// assert!(keys::check_page_token(&directory, issued.token().expose_secret(), 1_600).await?.is_none());
/// // Built from stored parts, checked: `pt1` is no id `secret::mint` makes.
/// let error = PageTokenRecord::new("pt1", SecretHash::of("s"), acme, prod, 0).unwrap_err();
/// assert_eq!(error.field(), "id");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTokenRecord {
    id: String,
    hash: SecretHash,
    tenant: TenantId,
    connection: ConnectionName,
    expires_at: u64,
}

impl PageTokenRecord {
    /// The record of token `id` (16 lowercase hex digits, as `secret::mint` makes them)
    /// whose secret hashes to `hash`, opening `connection` of `tenant` until `expires_at`
    /// (Unix seconds); an error names the field and the rule broken (`connection`: its
    /// name does not fit `tenant`'s store ids).
    pub fn new(
        id: impl Into<String>,
        hash: SecretHash,
        tenant: TenantId,
        connection: ConnectionName,
        expires_at: u64,
    ) -> Result<PageTokenRecord, InvalidRecord> {
        let id = checked_id("page token", id.into())?;
        if connection.store_id(&tenant).is_err() {
            return Err(InvalidRecord::new(
                "page token",
                "connection",
                CONNECTION_FITS_RULE,
            ));
        }
        Ok(PageTokenRecord {
            id,
            hash,
            tenant,
            connection,
            expires_at,
        })
    }

    /// The token's public id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// SHA-256 of the secret part.
    pub fn hash(&self) -> &SecretHash {
        &self.hash
    }

    /// The tenant of the connection.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// The connection the token opens.
    pub fn connection(&self) -> &ConnectionName {
        &self.connection
    }

    /// When it stops working (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::directory::invalid::ID_RULE;

    const ID: &str = "fedcba9876543210";

    fn token(
        id: &str,
        tenant: &str,
        connection: &ConnectionName,
    ) -> Result<PageTokenRecord, InvalidRecord> {
        PageTokenRecord::new(
            id,
            SecretHash::of("t"),
            tenant.parse().unwrap(),
            connection.clone(),
            9,
        )
    }

    fn prod() -> ConnectionName {
        ConnectionName::parse(&"acme".parse().unwrap(), "prod").unwrap()
    }

    #[test]
    fn a_page_token_id_is_16_lowercase_hex_digits_and_the_error_names_the_id() {
        assert_eq!(token(ID, "acme", &prod()).unwrap().id(), ID);
        for bad in [
            "",
            "pt1",
            "FEDCBA9876543210",
            "fedcba98765432100",
            "fedcba987654321x",
        ] {
            let error = token(bad, "acme", &prod()).unwrap_err();
            assert_eq!(
                (error.record(), error.field(), error.rule()),
                ("page token", "id", ID_RULE)
            );
            assert!(
                error.to_string().starts_with("invalid page token id: "),
                "{error}"
            );
        }
    }

    #[test]
    fn the_connection_name_fits_the_tenant_and_the_error_names_the_connection() {
        // 62 characters: with tenant `a`, `a_NAME` is 64; with a 16-character tenant, 79.
        let long = "n".repeat(62);
        let name = ConnectionName::parse(&"a".parse().unwrap(), &long).unwrap();
        assert!(token(ID, "a", &name).is_ok());
        let error = token(ID, "abcdefghijklmnop", &name).unwrap_err();
        assert_eq!(
            (error.field(), error.rule()),
            ("connection", CONNECTION_FITS_RULE)
        );
        assert_eq!(
            error.to_string(),
            "invalid page token connection: the tenant id and the name together are at most 63 characters"
        );
    }

    proptest! {
        #[test]
        fn a_page_token_built_from_valid_parts_reads_back_its_parts_exactly(
            id in "[0-9a-f]{16}",
            tenant in "[a-z0-9]{1,16}",
            name in "[A-Za-z0-9_-]{1,40}",
            hash in any::<[u8; 32]>(),
            expires_at in any::<u64>(),
        ) {
            let tenant: TenantId = tenant.parse().unwrap();
            let connection = ConnectionName::parse(&tenant, &name).unwrap();
            let hash = SecretHash::from_slice(&hash).unwrap();
            let record =
                PageTokenRecord::new(id.clone(), hash.clone(), tenant.clone(), connection.clone(), expires_at)
                    .unwrap();
            prop_assert_eq!(record.id(), id.as_str());
            prop_assert_eq!(record.hash(), &hash);
            prop_assert_eq!(record.tenant(), &tenant);
            prop_assert_eq!(record.connection(), &connection);
            prop_assert_eq!(record.expires_at(), expires_at);
        }
    }
}
