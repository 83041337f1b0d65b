//! `connector demo --callback`: the automatic path. The template carries the registration
//! resource; when the stack is created, CloudFormation creates the role and then sends the
//! resource's Create request to the vendor's SNS topic, and the vendor's handler activates
//! the connection without anyone pasting a role ARN; deleting the stack sends Delete, which
//! disconnects it at once. The demo builds the requests exactly as CloudFormation does
//! (from the template's own properties) and hands them to `Connector::register`.

use std::time::Duration;

use connector_core::registration::{RegistrationRequest, RegistrationSettle};
use connector_core::{BoxFuture, Connection, ManualClock, RoleArn, Timer};

/// The vendor's registration topic (in the stack's Region).
pub(super) const TOPIC_NAME: &str = "connector-registrations";
/// The Region the demo's stack is created in.
pub(super) const REGION: &str = "us-east-1";

/// Waits by moving the demo's manual clock: the handler's retries for a brand-new role take
/// no real time.
#[derive(Debug)]
pub(super) struct ClockTimer(pub(super) ManualClock);

impl Timer for ClockTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.advance(duration);
        Box::pin(std::future::ready(()))
    }
}

/// How long the handler keeps testing a brand-new role.
pub(super) fn settle() -> RegistrationSettle {
    RegistrationSettle::default()
}

/// The custom-resource request CloudFormation sends for the demo's stack (`Create` or
/// `Delete`): the resource properties as the template resolves them in the customer's
/// account.
pub(super) fn request(
    kind: &str,
    connection: &Connection,
    role: &RoleArn,
    account: &str,
    vendor_account: &str,
    stack: &str,
) -> Result<RegistrationRequest, String> {
    let topic = format!("arn:aws:sns:{REGION}:{vendor_account}:{TOPIC_NAME}");
    let stack_id = format!(
        "arn:aws:cloudformation:{REGION}:{account}:stack/{stack}/5b7a1e40-d1f0-11ef-9d2b-0a1b2c3d4e5f"
    );
    let mut body = serde_json::json!({
        "RequestType": kind,
        "ServiceToken": topic,
        "ResponseURL": format!(
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/{}%7CConnectorRegistration%7C{kind}?X-Amz-Signature=demo",
            stack_id.replace(':', "%3A")
        ),
        "StackId": stack_id,
        "RequestId": format!("demo-{kind}-request"),
        "ResourceType": onboarding::REGISTRATION_TYPE,
        "LogicalResourceId": onboarding::REGISTRATION_LOGICAL_ID,
        "ResourceProperties": {
            "ServiceToken": topic,
            "ServiceTimeout": "600",
            "RoleArn": role.to_string(),
            "ExternalId": connection.external_id().as_str(),
            "AccountId": account,
            "Region": REGION,
            "TemplateVersion": onboarding::REGISTRATION_VERSION,
            "ConnectionId": connection.id().as_str(),
        },
    });
    if kind != "Create"
        && let Some(map) = body.as_object_mut()
    {
        map.insert(
            "PhysicalResourceId".to_owned(),
            serde_json::json!(format!("connector-registration:{}", connection.id())),
        );
    }
    RegistrationRequest::parse(body.to_string().as_bytes()).map_err(|e| e.to_string())
}
