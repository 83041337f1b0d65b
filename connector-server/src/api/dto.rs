//! The API's JSON bodies, as the OpenAPI document describes them. Requests are plain
//! strings checked field by field (a bad one is a problem naming the field and the rule);
//! answers are views of the core's records that never carry a store id.

use connector_core::{
    Connection, Diagnosis, PermissionSet, VerificationOutcome, VerificationReport,
};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use crate::directory::ConnectionName;

/// `POST /v1/connections`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConnection {
    /// The connection's name within the tenant: 1 to 64 ASCII letters, digits, `-`, `_`.
    pub name: String,
    /// A name for people.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The customer's 12-digit account id, when known.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The Regions the connection works in; the first is where its STS calls go.
    #[serde(default)]
    pub regions: Vec<String>,
    /// The permission set granted (`name@version`, one of `GET /v1/permission-sets`).
    #[serde(default)]
    pub permission_set: Option<String>,
    /// How the vendor reaches the role: `external_id` (the default: AssumeRole with the
    /// connection's External ID) or `web_identity` (AssumeRoleWithWebIdentity with the
    /// server's OIDC issuer's tokens for `org/TENANT`; needs an issuer).
    #[serde(default)]
    pub trust: Option<String>,
}

/// `POST /v1/connections/{name}/role`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRole {
    /// The ARN of the role the customer created.
    pub role_arn: String,
}

/// A diagnosis: what is wrong and what to do.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosisView {
    /// Stable code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// What happened.
    pub message: String,
    /// What to do.
    pub remediation: String,
    /// When (Unix seconds).
    pub at: i64,
}

impl DiagnosisView {
    /// The view of `diagnosis`.
    pub fn of(diagnosis: &Diagnosis) -> DiagnosisView {
        DiagnosisView {
            code: diagnosis.code().to_string(),
            severity: diagnosis.severity().to_string(),
            message: diagnosis.message().to_owned(),
            remediation: diagnosis.remediation().to_owned(),
            at: diagnosis.at().0,
        }
    }
}

/// A connection as its tenant sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionView {
    /// Its name within the tenant.
    pub name: String,
    /// A name for people.
    pub display_name: String,
    /// `pending`, `verifying`, `active`, `degraded`, `disconnected` or `removed`.
    pub state: String,
    /// The record's revision (grows with every change).
    pub revision: u64,
    /// The customer's account, when known.
    pub account_id: Option<String>,
    /// The customer's role, once submitted.
    pub role_arn: Option<String>,
    /// The Regions.
    pub regions: Vec<String>,
    /// The permission set granted.
    pub permission_set: Option<String>,
    /// `external_id` or `web_identity`.
    pub trust: String,
    /// The `sub` the role's trust policy pins (web identity).
    pub subject: Option<String>,
    /// The External ID the customer's trust policy must require; absent for a web-identity
    /// connection, which sends none (its role trusts the tenant's tokens instead).
    pub external_id: Option<String>,
    /// During a rotation, the next External ID (the trust policy accepts both).
    pub next_external_id: Option<String>,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
    /// In its state since (Unix seconds).
    pub state_since: i64,
    /// The last diagnosis.
    pub diagnosis: Option<DiagnosisView>,
}

impl ConnectionView {
    /// The view of `connection`, named `name`.
    pub fn of(name: &ConnectionName, connection: &Connection) -> ConnectionView {
        ConnectionView {
            name: name.to_string(),
            display_name: if connection.display_name() == connection.id().as_str() {
                name.to_string()
            } else {
                connection.display_name().to_owned()
            },
            state: connection.state().name().to_owned(),
            revision: connection.revision(),
            account_id: connection.account_id().map(ToString::to_string),
            role_arn: connection.role_arn().map(ToString::to_string),
            regions: connection
                .regions()
                .iter()
                .map(ToString::to_string)
                .collect(),
            permission_set: connection.permission_set().map(ToString::to_string),
            trust: connection.kind().name().to_owned(),
            subject: connection
                .kind()
                .web_identity_subject()
                .map(ToString::to_string),
            external_id: external_id_of(connection),
            next_external_id: connection
                .next_external_id()
                .map(|id| id.as_str().to_owned()),
            created_at: connection.created_at().0,
            updated_at: connection.updated_at().0,
            state_since: connection.state_since().0,
            diagnosis: connection.last_diagnosis().map(DiagnosisView::of),
        }
    }
}

/// The External ID the customer's trust policy requires: none for a web-identity connection
/// (the record keeps one, unused, so that its format stays that of every other connection).
pub(crate) fn external_id_of(connection: &Connection) -> Option<String> {
    match connection.kind() {
        connector_core::ConnectionKind::ExternalId => {
            Some(connection.external_id().as_str().to_owned())
        }
        _ => None,
    }
}

/// One finding of a connection test.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingView {
    /// Stable code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// What happened.
    pub message: String,
    /// What to do.
    pub remediation: String,
}

/// A connection test's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    /// `verified`, `refused` or `inconclusive`.
    pub outcome: String,
    /// For `inconclusive`: whether running it again may give a verdict.
    pub retryable: bool,
    /// The session's ARN, when GetCallerIdentity answered.
    pub identity_arn: Option<String>,
    /// Everything found, errors first.
    pub findings: Vec<FindingView>,
}

impl ReportView {
    /// The view of `report`.
    pub fn of(report: &VerificationReport) -> ReportView {
        let (outcome, retryable) = match report.outcome() {
            VerificationOutcome::Verified => ("verified", false),
            VerificationOutcome::Refused => ("refused", false),
            VerificationOutcome::Inconclusive { retryable } => ("inconclusive", retryable),
        };
        ReportView {
            outcome: outcome.to_owned(),
            retryable,
            identity_arn: report.identity().map(|i| i.arn.clone()),
            findings: report
                .findings()
                .iter()
                .map(|f| FindingView {
                    code: f.code().to_string(),
                    severity: f.severity().to_string(),
                    message: f.message().to_owned(),
                    remediation: f.remediation().to_owned(),
                })
                .collect(),
        }
    }
}

/// A connection after a connection test.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    /// The connection as stored now.
    pub connection: ConnectionView,
    /// The test's report (none when nothing needed testing).
    pub report: Option<ReportView>,
}

/// Where each artifact is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArtifactLinks {
    /// The CloudFormation template (YAML).
    pub cloudformation: String,
    /// The StackSets template (YAML).
    pub stacksets: String,
    /// The Terraform configuration (HCL).
    pub terraform: String,
    /// The manual steps (a shell script of AWS CLI commands).
    pub manual: String,
}

/// A created connection.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// The connection.
    pub connection: ConnectionView,
    /// The External ID to give the customer (absent for a web-identity connection).
    pub external_id: Option<String>,
    /// The CloudFormation quick-create link (when a template URL is configured and the
    /// connection grants a permission set).
    pub quick_create_link: Option<String>,
    /// The artifacts.
    pub artifacts: ArtifactLinks,
    /// The customer's onboarding page (carries its token: share it with that customer only).
    #[serde(serialize_with = "reveal")]
    #[schema(value_type = String)]
    pub onboarding_url: SecretString,
    /// When the onboarding page link expires (Unix seconds).
    pub onboarding_url_expires_at: u64,
}

/// All artifacts of a connection at once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArtifactsView {
    /// The trust policy (JSON text).
    pub trust_policy: String,
    /// The CloudFormation template (YAML).
    pub cloudformation: String,
    /// The StackSets template (YAML).
    pub stacksets: String,
    /// The Terraform configuration (HCL).
    pub terraform: String,
    /// The manual steps (shell script).
    pub manual: String,
    /// The quick-create link, when a template URL is configured.
    pub quick_create_link: Option<String>,
}

/// One page of connections.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListView {
    /// The connections, by name.
    pub connections: Vec<ConnectionView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A new onboarding-page link.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnboardingLink {
    /// The page's URL (carries its token).
    #[serde(serialize_with = "reveal")]
    #[schema(value_type = String)]
    pub url: SecretString,
    /// When it expires (Unix seconds).
    pub expires_at: u64,
}

/// A rotated API key: the new key, shown once; the old one no longer works.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedKey {
    /// The new key's id.
    pub key_id: String,
    /// The new key.
    #[serde(serialize_with = "reveal")]
    #[schema(value_type = String)]
    pub api_key: SecretString,
}

/// Short-lived credentials for a connection's role, in the AWS SDKs' and CLI's
/// `credential_process` format (`Version` 1), so that a worker in any language can use them
/// as they are. The secret parts are redacted in `Debug` and only written out in the answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialsView {
    /// The format's version: always 1.
    pub version: u8,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    #[serde(serialize_with = "reveal")]
    #[schema(value_type = String)]
    pub secret_access_key: SecretString,
    /// The session token.
    #[serde(serialize_with = "reveal")]
    #[schema(value_type = String)]
    pub session_token: SecretString,
    /// When they stop working (ISO 8601, UTC).
    pub expiration: String,
}

impl CredentialsView {
    /// The view of `credentials`.
    pub fn of(credentials: &connector_core::TemporaryCredentials) -> CredentialsView {
        CredentialsView {
            version: 1,
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: SecretString::from(
                credentials.secret_access_key().expose_secret().to_owned(),
            ),
            session_token: SecretString::from(
                credentials.session_token().expose_secret().to_owned(),
            ),
            expiration: connector_core::Timestamp::from_system(credentials.expiration())
                .to_string(),
        }
    }
}

/// Writes a secret into an answer: the one place an answer's secrets leave their wrapper.
fn reveal<S: Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// One line of a permission set, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    /// The statement id.
    pub id: String,
    /// The area.
    pub area: String,
    /// The actions.
    pub actions: Vec<String>,
    /// The resources.
    pub resources: Vec<String>,
    /// Why the vendor needs it.
    pub why: String,
    /// True when the vendor's product asks a second approval to use it.
    pub step_up: bool,
}

/// An AWS managed policy a set attaches, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManagedPolicyView {
    /// The policy ARN.
    pub arn: String,
    /// Why.
    pub why: String,
}

/// A permission set offered.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionSetView {
    /// `name@version`.
    pub reference: String,
    /// What it is for.
    pub description: String,
    /// Its lines, each with why.
    pub lines: Vec<LineView>,
    /// Managed policies, each with why.
    pub managed_policies: Vec<ManagedPolicyView>,
    /// The guarantees it claims (checked when it is built).
    pub guarantees: Vec<String>,
}

impl PermissionSetView {
    /// The view of `set`.
    pub fn of(set: &PermissionSet) -> PermissionSetView {
        PermissionSetView {
            reference: set.reference().to_string(),
            description: set.description().to_owned(),
            lines: set
                .grants()
                .iter()
                .map(|g| LineView {
                    id: g.id.clone(),
                    area: g.area.to_string(),
                    actions: g.actions.iter().map(ToString::to_string).collect(),
                    resources: g.resources.clone(),
                    why: g.justification.clone(),
                    step_up: g.step_up,
                })
                .collect(),
            managed_policies: set
                .managed_policies()
                .iter()
                .map(|m| ManagedPolicyView {
                    arn: m.arn.to_string(),
                    why: m.justification.clone(),
                })
                .collect(),
            guarantees: set.claims().iter().map(ToString::to_string).collect(),
        }
    }
}
