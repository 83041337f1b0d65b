//! [`Grant`]: one per-connection grant as a directory answers it.

use super::{Access, ConnectionName, Grantee};

/// A per-connection grant: `grantee` has `access` to `connection` (of the tenant asked).
/// Its parts are typed already, so every grant built is valid.
///
/// ```
/// use connector_server::directory::{Access, ConnectionName, Grant, Grantee};
/// let prod = ConnectionName::parse(&"acme".parse()?, "prod")?;
/// let grant = Grant::new(prod.clone(), Grantee::team("ops")?, Access::Use);
/// assert_eq!((grant.connection(), grant.access()), (&prod, Access::Use));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    connection: ConnectionName,
    grantee: Grantee,
    access: Access,
}

impl Grant {
    /// The grant of `access` on `connection` to `grantee`.
    pub fn new(connection: ConnectionName, grantee: Grantee, access: Access) -> Grant {
        Grant {
            connection,
            grantee,
            access,
        }
    }

    /// The connection.
    pub fn connection(&self) -> &ConnectionName {
        &self.connection
    }

    /// Who.
    pub fn grantee(&self) -> &Grantee {
        &self.grantee
    }

    /// What.
    pub fn access(&self) -> Access {
        self.access
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_reads_back_its_parts() {
        let prod = ConnectionName::parse(&"acme".parse().unwrap(), "prod").unwrap();
        let grantee = Grantee::key("0123456789abcdef").unwrap();
        let grant = Grant::new(prod.clone(), grantee.clone(), Access::Manage);
        assert_eq!(grant.connection(), &prod);
        assert_eq!(grant.grantee(), &grantee);
        assert_eq!(grant.access(), Access::Manage);
    }
}
