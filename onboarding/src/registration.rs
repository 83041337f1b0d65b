//! `Registration`: the CloudFormation custom resource that tells the vendor the stack was
//! created (with the role's ARN), updated or deleted, through an SNS topic in the vendor's
//! account, so the customer never pastes a role ARN back and a deleted stack disconnects at
//! once.
//!
//! AWS rules this follows:
//! - a custom resource's `ServiceToken` may be an SNS topic ARN, and "the service token must
//!   be from the same Region as the stack" (`AWS::CloudFormation::CustomResource`): the
//!   token is built from `AWS::Region`, the vendor keeps the topic in every Region it
//!   accepts, and a template `Rules` assertion refuses any other Region before anything is
//!   created;
//! - `ServiceTimeout` is "an integer from 1 to 3600" seconds (default 3,600): a vendor that
//!   does not answer fails the stack after this long instead of an hour;
//! - the resource reads the role's ARN with `Fn::GetAtt`, so CloudFormation creates it after
//!   the role (and after the permission policies, through `DependsOn`): the role never waits
//!   for the vendor, and deleting the stack notifies the vendor before the role goes.

use iam_policy::{AccountId, Region};
use secrecy::{ExposeSecret, SecretString};

use crate::OnboardingError;

/// The logical id of the registration resource.
pub const REGISTRATION_LOGICAL_ID: &str = "ConnectorRegistration";
/// Its resource type.
pub const REGISTRATION_TYPE: &str = "Custom::ConnectorRegistration";
/// The version of the properties the resource sends (`TemplateVersion`): a handler refuses
/// versions it does not know.
pub const REGISTRATION_VERSION: &str = "1";

/// The registration resource's settings: where it notifies (the vendor's account and topic
/// name, one topic per accepted Region), what identifies the connection, how long
/// CloudFormation waits.
///
/// ```
/// use onboarding::Registration;
/// let registration = Registration::new("999988887777".parse()?, "connector-registrations")?
///     .with_regions(["us-east-1".parse()?, "eu-west-1".parse()?])
///     .with_connection_id("acme-prod")?;
/// assert_eq!(registration.topic_arn_in(&"eu-west-1".parse()?),
///     "arn:aws:sns:eu-west-1:999988887777:connector-registrations");
/// assert!(Registration::new("999988887777".parse()?, "bad name").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registration {
    vendor_account: AccountId,
    topic_name: String,
    regions: Vec<Region>,
    connection_id: Option<String>,
    tenant_token: Option<SecretString>,
    timeout_seconds: u32,
}

impl Registration {
    /// The default `ServiceTimeout`: 10 minutes (the handler retries a brand-new role for a
    /// while, since IAM takes seconds to make it assumable).
    pub const DEFAULT_TIMEOUT_SECONDS: u32 = 600;

    /// Notifications go to the topic `topic_name` of `vendor_account`, in the stack's Region.
    /// A topic name is 1 to 256 letters, digits, `-` and `_` (SNS; a FIFO topic cannot be a
    /// custom resource's service token, so `.fifo` is refused).
    pub fn new(
        vendor_account: AccountId,
        topic_name: &str,
    ) -> Result<Registration, OnboardingError> {
        let valid = !topic_name.is_empty()
            && topic_name.len() <= 256
            && topic_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(OnboardingError::invalid(
                "registration topic name",
                topic_name,
                "an SNS standard topic name is 1 to 256 letters, digits, '-' and '_'",
            ));
        }
        Ok(Registration {
            vendor_account,
            topic_name: topic_name.to_owned(),
            regions: Vec::new(),
            connection_id: None,
            tenant_token: None,
            timeout_seconds: Registration::DEFAULT_TIMEOUT_SECONDS,
        })
    }

    /// The Regions where the vendor keeps the topic (each once, order kept); a stack in any
    /// other Region is refused by the template's rules. Empty (the default): any Region.
    pub fn with_regions(mut self, regions: impl IntoIterator<Item = Region>) -> Self {
        self.regions.clear();
        for region in regions {
            if !self.regions.contains(&region) {
                self.regions.push(region);
            }
        }
        self
    }

    /// The connection the stack belongs to (one customer account): sent as `ConnectionId`.
    /// 1 to 64 letters, digits, `_` or `-` (connector-core's `ConnectionId`).
    pub fn with_connection_id(mut self, id: &str) -> Result<Self, OnboardingError> {
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
        if !valid {
            return Err(OnboardingError::invalid(
                "connection id",
                id,
                "1 to 64 letters, digits, '_' or '-'",
            ));
        }
        self.connection_id = Some(id.to_owned());
        Ok(self)
    }

    /// The tenant's registration secret (for StackSets, where every account of the
    /// Organization runs the same template): sent as `RegistrationToken`, at least 32
    /// characters. The template then holds the secret: hand it to the tenant only, as the
    /// External ID.
    pub fn with_tenant_token(mut self, token: SecretString) -> Result<Self, OnboardingError> {
        let text = token.expose_secret();
        let valid = (32..=256).contains(&text.len())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !valid {
            return Err(OnboardingError::invalid(
                "registration token",
                "(redacted)",
                "32 to 256 letters, digits, '-' or '_'",
            ));
        }
        self.tenant_token = Some(token);
        Ok(self)
    }

    /// How long CloudFormation waits for the vendor's answer, 1 to 3,600 seconds.
    pub fn with_timeout_seconds(mut self, seconds: u32) -> Result<Self, OnboardingError> {
        if !(1..=3_600).contains(&seconds) {
            return Err(OnboardingError::invalid(
                "registration timeout",
                seconds.to_string(),
                "CloudFormation's ServiceTimeout is 1 to 3,600 seconds",
            ));
        }
        self.timeout_seconds = seconds;
        Ok(self)
    }

    /// The vendor's account.
    pub fn vendor_account(&self) -> &AccountId {
        &self.vendor_account
    }

    /// The topic name.
    pub fn topic_name(&self) -> &str {
        &self.topic_name
    }

    /// The accepted Regions (empty: any).
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The connection id sent, if any.
    pub fn connection_id(&self) -> Option<&str> {
        self.connection_id.as_deref()
    }

    /// True when a tenant token is sent.
    pub fn has_tenant_token(&self) -> bool {
        self.tenant_token.is_some()
    }

    /// The timeout.
    pub fn timeout_seconds(&self) -> u32 {
        self.timeout_seconds
    }

    /// The topic's ARN in `region` (what the vendor subscribes its handler to), in the
    /// region's partition.
    pub fn topic_arn_in(&self, region: &Region) -> String {
        format!(
            "arn:{}:sns:{}:{}:{}",
            region.partition().as_str(),
            region.as_str(),
            self.vendor_account.as_str(),
            self.topic_name
        )
    }

    /// The tenant token, for rendering only.
    pub(crate) fn tenant_token(&self) -> Option<&str> {
        self.tenant_token.as_ref().map(|t| t.expose_secret())
    }
}
