//! The answer CloudFormation reads from the response URL ("Custom resource response
//! objects", CloudFormation User Guide): `Status`, `Reason`, `PhysicalResourceId`,
//! `StackId`, `RequestId`, `LogicalResourceId`, optional `Data`. The whole body must stay
//! under 4,096 bytes, so the reason is cut to fit.

use std::collections::BTreeMap;

use super::RegistrationRequest;

/// The longest reason sent (the console shows it; the body is limited to 4 KiB).
const MAX_REASON: usize = 1_024;

/// `SUCCESS` or `FAILED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseStatus {
    /// The resource is in place: the stack goes on.
    Success,
    /// The resource failed: the stack rolls back (or a deletion fails, which the handler
    /// never answers).
    Failed,
}

/// A custom-resource response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomResourceResponse {
    status: ResponseStatus,
    reason: String,
    physical_resource_id: String,
    stack_id: String,
    request_id: String,
    logical_resource_id: String,
    data: BTreeMap<String, String>,
}

impl CustomResourceResponse {
    /// The answer to `request` with `status`, `reason` (cut to 1,024 characters) and the
    /// physical id.
    pub fn new(
        request: &RegistrationRequest,
        status: ResponseStatus,
        reason: impl Into<String>,
        physical_resource_id: impl Into<String>,
    ) -> CustomResourceResponse {
        let reason: String = reason.into().chars().take(MAX_REASON).collect();
        CustomResourceResponse {
            status,
            reason,
            physical_resource_id: physical_resource_id.into(),
            stack_id: request.stack_id().to_string(),
            request_id: request.request_id().to_owned(),
            logical_resource_id: request.logical_resource_id().to_owned(),
            data: BTreeMap::new(),
        }
    }

    /// Adds a `Data` attribute (readable with `Fn::GetAtt` in the stack).
    pub fn with_data(mut self, key: &str, value: impl Into<String>) -> Self {
        self.data.insert(key.to_owned(), value.into());
        self
    }

    /// The status.
    pub fn status(&self) -> ResponseStatus {
        self.status
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The physical id.
    pub fn physical_resource_id(&self) -> &str {
        &self.physical_resource_id
    }

    /// The `Data` attributes.
    pub fn data(&self) -> &BTreeMap<String, String> {
        &self.data
    }

    /// The JSON body to `PUT` to the response URL (with no `Content-Type`, as the URL was
    /// pre-signed without one).
    pub fn to_json(&self) -> String {
        let mut body = serde_json::json!({
            "Status": match self.status {
                ResponseStatus::Success => "SUCCESS",
                ResponseStatus::Failed => "FAILED",
            },
            "Reason": self.reason,
            "PhysicalResourceId": self.physical_resource_id,
            "StackId": self.stack_id,
            "RequestId": self.request_id,
            "LogicalResourceId": self.logical_resource_id,
        });
        if !self.data.is_empty()
            && let Some(map) = body.as_object_mut()
        {
            map.insert("Data".to_owned(), serde_json::json!(self.data));
        }
        body.to_string()
    }
}
