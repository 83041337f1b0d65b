//! `SessionNames`: how the connector names its role sessions, so the customer's CloudTrail
//! says who called and why, within STS's 64-character limit.

use crate::{ConnectionId, RoleSessionName};

/// Role session names: `PREFIX-CONNECTION` for workers, `PREFIX-CONNECTION-verify` for the
/// connection test (and `…-verify-noid` for its check without the External ID). Names that
/// would pass 64 characters are shortened with a digest
/// ([`RoleSessionName::with_suffix`]), so they never collide.
///
/// ```
/// use connector_core::SessionNames;
/// let names = SessionNames::new("acme-scanner".parse()?);
/// let id = "customer-42".parse()?;
/// assert_eq!(names.worker(&id).as_str(), "acme-scanner-customer-42");
/// assert_eq!(names.verification(&id).as_str(), "acme-scanner-customer-42-verify");
/// let long = "c".repeat(64).parse()?;
/// assert!(names.worker(&long).as_str().len() <= 64);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionNames {
    prefix: RoleSessionName,
}

impl SessionNames {
    /// Names that start with `prefix` (the vendor's product name, say).
    pub fn new(prefix: RoleSessionName) -> SessionNames {
        SessionNames { prefix }
    }

    /// The prefix.
    pub fn prefix(&self) -> &RoleSessionName {
        &self.prefix
    }

    /// The name of a worker session of `connection`.
    pub fn worker(&self, connection: &ConnectionId) -> RoleSessionName {
        self.prefix.with_suffix(connection.as_str())
    }

    /// The name of the connection test's session for `connection`.
    pub fn verification(&self, connection: &ConnectionId) -> RoleSessionName {
        self.prefix
            .with_suffix(&format!("{}-verify", connection.as_str()))
    }
}

impl Default for SessionNames {
    /// The prefix `connector`.
    fn default() -> SessionNames {
        SessionNames {
            prefix: RoleSessionName::literal("connector"),
        }
    }
}
