//! What the lifecycle takes and gives: `NewConnection` (a connection to create) and
//! `Submission` (a connection after a connection test, with its report).

use iam_policy::{AccountId, Region};
use permission_sets::PermissionSetRef;

use crate::{Connection, ConnectionId, ConnectionKind, TokenSubject, VerificationReport};

/// A connection to create: everything but the External ID, which the connector generates
/// (unless [`with_external_id`](NewConnection::with_external_id) gives one).
///
/// ```
/// use connector_core::NewConnection;
/// let new = NewConnection::new("acme-prod".parse()?)
///     .with_display_name("Acme production")
///     .with_account("111122223333".parse()?)   // optional: otherwise learnt from the role ARN
///     .with_regions(["us-east-1".parse()?]);
/// assert_eq!(new.id().as_str(), "acme-prod");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    pub(super) id: ConnectionId,
    pub(super) display_name: Option<String>,
    pub(super) account: Option<AccountId>,
    pub(super) regions: Vec<Region>,
    pub(super) permission_set: Option<PermissionSetRef>,
    pub(super) external_id: Option<trust_policy::ExternalId>,
    pub(super) kind: ConnectionKind,
}

impl NewConnection {
    /// A connection with this id.
    pub fn new(id: ConnectionId) -> NewConnection {
        NewConnection {
            id,
            display_name: None,
            account: None,
            regions: Vec::new(),
            permission_set: None,
            external_id: None,
            kind: ConnectionKind::ExternalId,
        }
    }

    /// A web-identity connection (the Nomos model): the vendor reaches the role with
    /// `AssumeRoleWithWebIdentity` and a token whose `sub` is `subject`, minted by the
    /// connector's OIDC issuer for every call
    /// ([`ConnectorBuilder::with_web_identity_tokens`](crate::ConnectorBuilder::with_web_identity_tokens)).
    pub fn with_web_identity(mut self, subject: TokenSubject) -> Self {
        self.kind = ConnectionKind::WebIdentity { subject };
        self
    }

    /// Uses `external_id` instead of a fresh one: the tenant's shared External ID, when every
    /// account of an AWS Organization runs the same StackSets template, or an id the
    /// customer's role already requires (a migration). Each customer (tenant) must still
    /// have its own: an External ID shared between customers protects nothing.
    pub fn with_external_id(mut self, external_id: trust_policy::ExternalId) -> Self {
        self.external_id = Some(external_id);
        self
    }

    /// A name for people (default: the id).
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// The customer's account, when known up front; the role ARN must then be in it.
    pub fn with_account(mut self, account: AccountId) -> Self {
        self.account = Some(account);
        self
    }

    /// The regions the connection operates in; the first is where its STS calls go.
    pub fn with_regions(mut self, regions: impl IntoIterator<Item = Region>) -> Self {
        self.regions = regions.into_iter().collect();
        self
    }

    /// The permission set granted (one the connector offers).
    pub fn with_permission_set(mut self, reference: PermissionSetRef) -> Self {
        self.permission_set = Some(reference);
        self
    }

    /// The id.
    pub fn id(&self) -> &ConnectionId {
        &self.id
    }
}

/// A connection after the connector acted on a role: the stored record, and the connection
/// test's report when a test ran (none when the same role was submitted again for a
/// connection that is already live).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    connection: Connection,
    report: Option<VerificationReport>,
}

impl Submission {
    pub(super) fn new(connection: Connection, report: Option<VerificationReport>) -> Submission {
        Submission { connection, report }
    }

    /// The connection as stored now.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The report of the test that ran.
    pub fn report(&self) -> Option<&VerificationReport> {
        self.report.as_ref()
    }

    /// True when the connection is live (`Active` or `Degraded`).
    pub fn is_live(&self) -> bool {
        self.connection.state().is_live()
    }

    /// Takes the connection.
    pub fn into_connection(self) -> Connection {
        self.connection
    }
}
