//! The `Connection` record: everything a platform stores about one customer connection.
//! Identifiers only, never credentials. Fields are private; the record changes only through
//! [`Connection::apply`], so its invariants hold wherever it travels.

use iam_policy::{AccountId, Region, RoleArn};
use permission_sets::PermissionSetRef;
use trust_policy::ExternalId;

use super::{ConnectionId, ConnectionKind, ConnectionState, Diagnosis};
use crate::{ConnectorError, Timestamp};

/// One customer's connection: who the customer is, which role and External ID to use, where
/// the connection stands, and the last problem seen. It holds identifiers only, never
/// credentials; the External ID is an identifier the customer pastes into their trust policy
/// (durable stores encrypt it, and the role ARN, at rest).
///
/// Made with [`Connection::builder`], changed with [`Connection::apply`] (see
/// [`ConnectionState`] for the state machine), stored in a
/// [`ConnectionStore`](crate::ConnectionStore). Deserializing checks every rule
/// [`Connection::validate`] checks.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent, ConnectionState, Timestamp};
/// let pending = Connection::builder("acme-prod".parse()?, "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?)
///     .with_display_name("Acme production")
///     .with_regions(["us-east-1".parse()?, "eu-west-1".parse()?])
///     .build(Timestamp(1_800_000_000))?;
/// assert_eq!(pending.state(), ConnectionState::Pending);
/// assert!(pending.role_arn().is_none() && pending.account_id().is_none());
///
/// // The account is learnt from the role ARN the customer pastes back.
/// let verifying = pending.apply(
///     ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse()? },
///     Timestamp(1_800_000_060),
/// )?;
/// assert_eq!(verifying.state(), ConnectionState::Verifying);
/// assert_eq!(verifying.account_id().map(|a| a.as_str()), Some("111122223333"));
/// assert_eq!(verifying.revision(), pending.revision() + 1);
///
/// // From then on, a role in another account is refused, naming the field and the rule.
/// let err = verifying.apply(
///     ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::999988887777:role/vendor".parse()? },
///     Timestamp(1_800_000_090),
/// ).unwrap_err();
/// assert!(err.to_string().contains("role ARN"));
///
/// let json = serde_json::to_string(&verifying)?;
/// assert_eq!(serde_json::from_str::<Connection>(&json)?, verifying);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(
    description = "One customer's connection: the customer's account and role, the External ID its trust policy requires, where the connection stands and the last problem seen. Identifiers only, never credentials."
)]
pub struct Connection {
    /// The id.
    pub(super) id: ConnectionId,
    /// How the vendor assumes the role (absent in records written before kinds: External ID).
    #[serde(skip_serializing_if = "ConnectionKind::is_external_id")]
    pub(super) kind: ConnectionKind,
    /// A name for people: 1 to 256 characters, not blank, no control characters.
    pub(super) display_name: String,
    /// The customer's AWS account: given up front, or learnt from the submitted role ARN.
    pub(super) account_id: Option<AccountId>,
    /// The role the customer created, in `account_id`, once submitted.
    pub(super) role_arn: Option<RoleArn>,
    /// The External ID the role's trust policy requires (a web-identity connection has one
    /// too, never sent to STS).
    pub(super) external_id: ExternalId,
    /// During a rotation, the External ID being rolled out (the trust policy accepts both).
    pub(super) next_external_id: Option<ExternalId>,
    /// The regions the connection operates in, each once; the first is where STS calls go.
    pub(super) regions: Vec<Region>,
    /// The permission set granted, by name and version.
    pub(super) permission_set: Option<PermissionSetRef>,
    /// Where the connection stands.
    pub(super) state: ConnectionState,
    /// Bumped by exactly one by every accepted event; stores compare and swap on it.
    pub(super) revision: u64,
    /// When the connection was created.
    pub(super) created_at: Timestamp,
    /// When it last changed.
    pub(super) updated_at: Timestamp,
    /// Since when it is in its current state.
    pub(super) state_since: Timestamp,
    /// The last problem diagnosed.
    pub(super) last_diagnosis: Option<Diagnosis>,
}

/// Builds a pending [`Connection`]; [`build`](ConnectionBuilder::build) checks the whole
/// record.
#[derive(Debug, Clone)]
pub struct ConnectionBuilder {
    id: ConnectionId,
    kind: ConnectionKind,
    external_id: ExternalId,
    display_name: Option<String>,
    account_id: Option<AccountId>,
    regions: Vec<Region>,
    permission_set: Option<PermissionSetRef>,
}

impl ConnectionBuilder {
    /// A name for people: 1 to 256 characters, not blank, no control characters (default: the
    /// id).
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }

    /// How the vendor assumes the role (default: `AssumeRole` with the External ID).
    pub fn with_kind(mut self, kind: ConnectionKind) -> Self {
        self.kind = kind;
        self
    }

    /// The customer's account, when known before the role ARN arrives; the role must then be
    /// in it.
    pub fn with_account(mut self, account_id: AccountId) -> Self {
        self.account_id = Some(account_id);
        self
    }

    /// Sets or clears the customer's account.
    pub fn with_optional_account(mut self, account_id: Option<AccountId>) -> Self {
        self.account_id = account_id;
        self
    }

    /// The regions the connection operates in; the first is where its STS calls go. Repeats
    /// are dropped, order is kept.
    pub fn with_regions(mut self, regions: impl IntoIterator<Item = Region>) -> Self {
        self.regions.clear();
        for region in regions {
            if !self.regions.contains(&region) {
                self.regions.push(region);
            }
        }
        self
    }

    /// The permission set granted.
    pub fn with_permission_set(mut self, permission_set: PermissionSetRef) -> Self {
        self.permission_set = Some(permission_set);
        self
    }

    /// The pending connection, at revision 0.
    pub fn build(self, now: Timestamp) -> Result<Connection, ConnectorError> {
        let connection = Connection {
            display_name: self
                .display_name
                .unwrap_or_else(|| self.id.as_str().to_owned()),
            id: self.id,
            kind: self.kind,
            account_id: self.account_id,
            role_arn: None,
            external_id: self.external_id,
            next_external_id: None,
            regions: self.regions,
            permission_set: self.permission_set,
            state: ConnectionState::Pending,
            revision: 0,
            created_at: now,
            updated_at: now,
            state_since: now,
            last_diagnosis: None,
        };
        connection.validate()?;
        Ok(connection)
    }
}

/// A connection in a state that hands out credentials (`Active` or `Degraded`), whose role
/// ARN is therefore known: what a worker needs, without an `Option` to unwrap.
///
/// ```
/// use connector_core::{Connection, ConnectionEvent as E, Timestamp};
/// let c = Connection::builder("acme".parse()?, "ext-id-123".parse()?).build(Timestamp(0))?;
/// assert!(c.live().is_none());
/// let c = c.apply(E::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse()? }, Timestamp(1))?
///     .apply(E::VerificationSucceeded, Timestamp(2))?;
/// let live = c.live().expect("active");
/// assert_eq!(live.role_arn().to_string(), "arn:aws:iam::111122223333:role/vendor");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LiveConnection<'a> {
    connection: &'a Connection,
    role_arn: &'a RoleArn,
}

impl<'a> LiveConnection<'a> {
    /// The whole record.
    pub fn connection(&self) -> &'a Connection {
        self.connection
    }

    /// The role to assume.
    pub fn role_arn(&self) -> &'a RoleArn {
        self.role_arn
    }

    /// The External ID to send (by an External ID connection; a web-identity connection
    /// sends a token instead, see [`kind`](Self::kind)).
    pub fn external_id(&self) -> &'a ExternalId {
        &self.connection.external_id
    }

    /// How the vendor assumes the role.
    pub fn kind(&self) -> &'a ConnectionKind {
        &self.connection.kind
    }

    /// Where STS calls go: the first region, or the global endpoint when there is none.
    pub fn primary_region(&self) -> Option<&'a Region> {
        self.connection.regions.first()
    }
}

impl Connection {
    /// The longest display name, in characters.
    pub const MAX_DISPLAY_NAME_CHARS: usize = 256;

    /// Starts a pending connection with the External ID handed to the customer.
    pub fn builder(id: ConnectionId, external_id: ExternalId) -> ConnectionBuilder {
        ConnectionBuilder {
            id,
            kind: ConnectionKind::ExternalId,
            external_id,
            display_name: None,
            account_id: None,
            regions: Vec::new(),
            permission_set: None,
        }
    }

    /// The id.
    pub fn id(&self) -> &ConnectionId {
        &self.id
    }

    /// How the vendor assumes the role: `AssumeRole` with the External ID, or
    /// `AssumeRoleWithWebIdentity` with a token for the connection's subject.
    pub fn kind(&self) -> &ConnectionKind {
        &self.kind
    }

    /// A name for people.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// The customer's account: given up front, or learnt from the submitted role ARN.
    pub fn account_id(&self) -> Option<&AccountId> {
        self.account_id.as_ref()
    }

    /// The role the customer created, once submitted.
    pub fn role_arn(&self) -> Option<&RoleArn> {
        self.role_arn.as_ref()
    }

    /// The External ID the role's trust policy requires.
    pub fn external_id(&self) -> &ExternalId {
        &self.external_id
    }

    /// During a rotation, the External ID being rolled out (the trust policy accepts both).
    pub fn next_external_id(&self) -> Option<&ExternalId> {
        self.next_external_id.as_ref()
    }

    /// The regions the connection operates in; the first is where its STS calls go.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The permission set granted.
    pub fn permission_set(&self) -> Option<&PermissionSetRef> {
        self.permission_set.as_ref()
    }

    /// The state.
    pub fn state(&self) -> ConnectionState {
        self.state
    }

    /// Bumped by exactly one by every accepted event; stores compare and swap on it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Created.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// Last changed.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }

    /// Since when the connection is in its current state.
    pub fn state_since(&self) -> Timestamp {
        self.state_since
    }

    /// The last problem diagnosed (kept after recovery, as history).
    pub fn last_diagnosis(&self) -> Option<&Diagnosis> {
        self.last_diagnosis.as_ref()
    }

    /// The view workers use, when the connection hands out credentials (`Active` or
    /// `Degraded`).
    pub fn live(&self) -> Option<LiveConnection<'_>> {
        match (self.state.is_live(), &self.role_arn) {
            (true, Some(role_arn)) => Some(LiveConnection {
                connection: self,
                role_arn,
            }),
            _ => None,
        }
    }

    /// True when the fleet's health checks cover this connection: `Verifying`, `Active` and
    /// `Degraded` ones, and `Disconnected` ones with a role that the customer's side
    /// disconnected (re-checked so a customer who fixes the role reconnects by themselves).
    /// Not `Pending` (no role yet), not `Removed`, and not a connection the vendor
    /// disconnected (its diagnosis is `DISCONNECT_REQUESTED`): the vendor's decision is never
    /// undone by a check. Durable stores keep a due time for exactly these connections.
    ///
    /// ```
    /// use connector_core::{Connection, ConnectionEvent, Timestamp};
    /// let pending = Connection::builder("acme".parse()?, "ext-id-123".parse()?).build(Timestamp(0))?;
    /// assert!(!pending.is_health_checked());
    /// let verifying = pending.apply(
    ///     ConnectionEvent::RoleSubmitted { role_arn: "arn:aws:iam::111122223333:role/vendor".parse()? },
    ///     Timestamp(1),
    /// )?;
    /// assert!(verifying.is_health_checked());
    /// let disconnected = verifying.apply(ConnectionEvent::DisconnectRequested, Timestamp(2))?;
    /// assert!(!disconnected.is_health_checked());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_health_checked(&self) -> bool {
        match self.state {
            ConnectionState::Verifying | ConnectionState::Active | ConnectionState::Degraded => {
                true
            }
            ConnectionState::Disconnected => {
                self.role_arn.is_some()
                    && self.last_diagnosis.as_ref().is_none_or(|diagnosis| {
                        diagnosis.code() != super::DiagnosisCode::DisconnectRequested
                    })
            }
            ConnectionState::Pending | ConnectionState::Removed => false,
        }
    }

    /// True when `next` differs from `self` in anything but bookkeeping (revision, update
    /// time, and the time of an otherwise identical diagnosis): whether applying an event is
    /// worth a store write.
    pub fn differs_from(&self, next: &Connection) -> bool {
        let same_diagnosis = match (&self.last_diagnosis, &next.last_diagnosis) {
            (None, None) => true,
            (Some(a), Some(b)) => a.says_the_same_as(b),
            _ => false,
        };
        !(same_diagnosis
            && self.id == next.id
            && self.kind == next.kind
            && self.display_name == next.display_name
            && self.account_id == next.account_id
            && self.role_arn == next.role_arn
            && self.external_id == next.external_id
            && self.next_external_id == next.next_external_id
            && self.regions == next.regions
            && self.permission_set == next.permission_set
            && self.state == next.state
            && self.created_at == next.created_at
            && self.state_since == next.state_since)
    }

    /// Checks the record's rules, naming the field and the rule broken: the display name,
    /// regions listed once, the role ARN in the connection's account, a role ARN present once
    /// the connection is `Verifying`, `Active` or `Degraded`, an account known whenever a role
    /// is, and a rotation's next External ID differing from the current one. (The id, account
    /// id, role ARN, regions, permission set and External IDs are checked by their types.)
    pub fn validate(&self) -> Result<(), ConnectorError> {
        check_display_name(&self.display_name)?;
        for (i, region) in self.regions.iter().enumerate() {
            if self.regions.iter().take(i).any(|r| r == region) {
                return Err(ConnectorError::invalid(
                    "region",
                    region.as_str(),
                    "each region is listed once",
                ));
            }
        }
        if let Some(role_arn) = &self.role_arn {
            if self.account_id.is_none() {
                return Err(ConnectorError::invalid(
                    "account id",
                    "",
                    "a connection with a role ARN records the role's account",
                ));
            }
            self.check_role_account(role_arn)?;
        }
        let needs_role = match self.state {
            ConnectionState::Verifying | ConnectionState::Active | ConnectionState::Degraded => {
                true
            }
            ConnectionState::Pending | ConnectionState::Disconnected | ConnectionState::Removed => {
                false
            }
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
        if !self.kind.is_external_id() && self.next_external_id.is_some() {
            return Err(ConnectorError::invalid(
                "next external id",
                "",
                "a web-identity connection's trust policy names no External ID, so it has no rotation",
            ));
        }
        if self.next_external_id.as_ref() == Some(&self.external_id) {
            return Err(ConnectorError::invalid(
                "next external id",
                "",
                "a rotation's next External ID differs from the current one",
            ));
        }
        if self.updated_at < self.created_at
            || self.state_since < self.created_at
            || self.state_since > self.updated_at
        {
            return Err(ConnectorError::invalid(
                "updated at",
                &self.updated_at.to_string(),
                "a connection changes state between its creation and its last update",
            ));
        }
        Ok(())
    }

    /// Refuses a role outside the connection's account (when the account is known).
    pub(super) fn check_role_account(&self, role_arn: &RoleArn) -> Result<(), ConnectorError> {
        match &self.account_id {
            Some(account) if role_arn.account_id() != account => Err(ConnectorError::invalid(
                "role ARN",
                &role_arn.to_string(),
                format!("the role must be in the connection's account {account}"),
            )),
            _ => Ok(()),
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

/// The wire form, checked by `validate` on the way in. Listing every field of `Connection` in
/// the conversion below makes a new field a compile error here until it is added.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WireConnection {
    id: ConnectionId,
    #[serde(default)]
    kind: ConnectionKind,
    display_name: String,
    account_id: Option<AccountId>,
    role_arn: Option<RoleArn>,
    external_id: ExternalId,
    next_external_id: Option<ExternalId>,
    regions: Vec<Region>,
    permission_set: Option<PermissionSetRef>,
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
            kind,
            display_name,
            account_id,
            role_arn,
            external_id,
            next_external_id,
            regions,
            permission_set,
            state,
            revision,
            created_at,
            updated_at,
            state_since,
            last_diagnosis,
        } = WireConnection::deserialize(deserializer)?;
        let connection = Connection {
            id,
            kind,
            display_name,
            account_id,
            role_arn,
            external_id,
            next_external_id,
            regions,
            permission_set,
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
