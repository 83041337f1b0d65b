//! Stack registration callbacks (the pure core): the CloudFormation custom resource in the
//! customer's stack notifies the vendor (through its SNS topic) when the stack is created,
//! updated or deleted; [`Connector::register`](crate::Connector::register) authenticates the
//! request, moves the connection (submits the role and tests it, or disconnects it), and
//! builds the answer for CloudFormation. Sending the answer and receiving the notification
//! (SNS over HTTPS, SQS) belong to the transport layer.

mod handler;
mod request;
mod response;
mod tenants;

pub use handler::{Registered, RegistrationOutcome, RegistrationSettle};
pub use request::{
    MAX_REQUEST_BYTES, RegistrationProperties, RegistrationRequest, RequestType, ResponseUrl,
};
pub use response::{CustomResourceResponse, ResponseStatus};
pub use tenants::{InMemoryTenants, Tenant, TenantDirectory};

/// A registration request that cannot be used: malformed (the field and the rule are named;
/// secrets are never quoted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// A field broke its rule.
    #[error("invalid {field} {value:?}: {rule}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// The value (cut to 120 characters; secrets redacted).
        value: String,
        /// The rule.
        rule: String,
    },
}

impl RegistrationError {
    pub(crate) fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        RegistrationError::InvalidValue {
            field,
            value: value.chars().take(120).collect(),
            rule: rule.into(),
        }
    }
}
