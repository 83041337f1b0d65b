//! A CloudFormation custom-resource request from the registration resource, parsed and
//! checked field by field: anything malformed is a typed error naming the field, never a
//! panic, whatever the sender wrote.
//!
//! The request's form is CloudFormation's ("Custom resource request objects",
//! CloudFormation User Guide): `RequestType`, `ResponseURL`, `StackId`, `RequestId`,
//! `ResourceType`, `LogicalResourceId`, `PhysicalResourceId` (Update, Delete),
//! `ResourceProperties`, `OldResourceProperties` (Update). CloudFormation passes every
//! property value as a string.

use iam_policy::{AccountId, Arn, Region, RoleArn};
use secrecy::SecretString;
use trust_policy::ExternalId;

use super::RegistrationError;
use crate::ConnectionId;

/// The largest request accepted (CloudFormation's own requests are a few KiB; SNS messages
/// are at most 256 KiB).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// What CloudFormation asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestType {
    /// The stack was created (or the resource added).
    Create,
    /// Its properties changed.
    Update,
    /// The stack (or the resource) is being deleted.
    Delete,
}

/// A checked registration request.
#[derive(Debug, Clone)]
pub struct RegistrationRequest {
    request_type: RequestType,
    response_url: ResponseUrl,
    stack_id: Arn,
    request_id: String,
    logical_resource_id: String,
    physical_resource_id: Option<String>,
    properties: RegistrationProperties,
    old_properties: Option<RegistrationProperties>,
}

/// The registration resource's properties, checked.
#[derive(Debug, Clone)]
pub struct RegistrationProperties {
    role_arn: RoleArn,
    external_id: ExternalId,
    account_id: AccountId,
    region: Region,
    connection_id: Option<ConnectionId>,
    registration_token: Option<SecretString>,
    template_version: String,
}

/// The pre-signed URL CloudFormation reads the answer from: only `https` on an Amazon S3
/// host on the default port (a forged request cannot make the vendor call anything else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseUrl(url::Url);

impl ResponseUrl {
    /// Checks `text`.
    pub fn parse(text: &str) -> Result<ResponseUrl, RegistrationError> {
        let bad = |rule: &'static str| RegistrationError::invalid("ResponseURL", text, rule);
        let url = url::Url::parse(text).map_err(|_| bad("not a URL"))?;
        if url.scheme() != "https" {
            return Err(bad("the response URL must be https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("the response URL must not carry credentials"));
        }
        if url.port().is_some_and(|p| p != 443) {
            return Err(bad("the response URL must use the default https port"));
        }
        let Some(url::Host::Domain(host)) = url.host() else {
            return Err(bad("the response URL must name an Amazon S3 host"));
        };
        if !is_s3_host(&host.to_ascii_lowercase()) {
            return Err(bad(
                "the response URL must be an Amazon S3 URL (*.s3.amazonaws.com, *.s3.REGION.amazonaws.com, or the .com.cn equivalents)",
            ));
        }
        Ok(ResponseUrl(url))
    }

    /// The URL.
    pub fn as_url(&self) -> &url::Url {
        &self.0
    }
}

/// S3 endpoints: `s3.amazonaws.com`, `s3.REGION.amazonaws.com`, `s3-REGION.amazonaws.com`,
/// `s3.dualstack.REGION.amazonaws.com`, each possibly under a bucket name, and their China
/// (`amazonaws.com.cn`) forms.
fn is_s3_host(host: &str) -> bool {
    let Some(rest) = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let Some(position) = labels
        .iter()
        .position(|l| *l == "s3" || l.strip_prefix("s3-").is_some_and(Region::is_valid))
    else {
        return false;
    };
    let after: Vec<&str> = labels.iter().skip(position + 1).copied().collect();
    let region_ok = match after.as_slice() {
        [] => true,
        [region] => Region::is_valid(region),
        ["dualstack", region] => Region::is_valid(region),
        _ => false,
    };
    let bucket_ok = labels
        .iter()
        .take(position)
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    region_ok && bucket_ok
}

/// The raw request, every field optional so a missing one is named.
#[derive(serde::Deserialize)]
struct Raw {
    #[serde(rename = "RequestType")]
    request_type: Option<String>,
    #[serde(rename = "ResponseURL")]
    response_url: Option<String>,
    #[serde(rename = "StackId")]
    stack_id: Option<String>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "LogicalResourceId")]
    logical_resource_id: Option<String>,
    #[serde(rename = "PhysicalResourceId")]
    physical_resource_id: Option<String>,
    #[serde(rename = "ResourceProperties")]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(rename = "OldResourceProperties")]
    old_properties: Option<serde_json::Map<String, serde_json::Value>>,
}

fn required(field: &'static str, value: Option<String>) -> Result<String, RegistrationError> {
    match value {
        Some(v) if !v.is_empty() && v.len() <= 2_048 && !v.chars().any(char::is_control) => Ok(v),
        Some(v) => Err(RegistrationError::invalid(
            field,
            &v,
            "1 to 2,048 characters, no control characters",
        )),
        None => Err(RegistrationError::invalid(field, "", "required")),
    }
}

impl RegistrationRequest {
    /// Parses and checks a request body (at most [`MAX_REQUEST_BYTES`]).
    pub fn parse(body: &[u8]) -> Result<RegistrationRequest, RegistrationError> {
        if body.len() > MAX_REQUEST_BYTES {
            return Err(RegistrationError::invalid(
                "request",
                &format!("{} bytes", body.len()),
                "at most 64 KiB",
            ));
        }
        let raw: Raw = serde_json::from_slice(body).map_err(|e| {
            RegistrationError::invalid(
                "request",
                &e.to_string(),
                "a CloudFormation custom-resource request (JSON)",
            )
        })?;
        let request_type = match required("RequestType", raw.request_type)?.as_str() {
            "Create" => RequestType::Create,
            "Update" => RequestType::Update,
            "Delete" => RequestType::Delete,
            other => {
                return Err(RegistrationError::invalid(
                    "RequestType",
                    other,
                    "Create, Update or Delete",
                ));
            }
        };
        let response_url = ResponseUrl::parse(&required("ResponseURL", raw.response_url)?)?;
        let stack_text = required("StackId", raw.stack_id)?;
        let stack_id: Arn = stack_text.parse().map_err(|_| {
            RegistrationError::invalid("StackId", &stack_text, "a CloudFormation stack ARN")
        })?;
        if stack_id.service() != "cloudformation" || !stack_id.resource().starts_with("stack/") {
            return Err(RegistrationError::invalid(
                "StackId",
                &stack_text,
                "a CloudFormation stack ARN",
            ));
        }
        let request_id = required("RequestId", raw.request_id)?;
        let logical_resource_id = required("LogicalResourceId", raw.logical_resource_id)?;
        let physical_resource_id = raw
            .physical_resource_id
            .map(|id| required("PhysicalResourceId", Some(id)))
            .transpose()?;
        let properties =
            RegistrationProperties::from_map(raw.properties.ok_or_else(|| {
                RegistrationError::invalid("ResourceProperties", "", "required")
            })?)?;
        let old_properties = match (request_type, raw.old_properties) {
            (RequestType::Update, Some(map)) => Some(RegistrationProperties::from_map(map)?),
            _ => None,
        };
        Ok(RegistrationRequest {
            request_type,
            response_url,
            stack_id,
            request_id,
            logical_resource_id,
            physical_resource_id,
            properties,
            old_properties,
        })
    }

    /// Create, Update or Delete.
    pub fn request_type(&self) -> RequestType {
        self.request_type
    }

    /// Where the answer goes.
    pub fn response_url(&self) -> &ResponseUrl {
        &self.response_url
    }

    /// The stack.
    pub fn stack_id(&self) -> &Arn {
        &self.stack_id
    }

    /// The request id (the same on every redelivery).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The resource's logical id.
    pub fn logical_resource_id(&self) -> &str {
        &self.logical_resource_id
    }

    /// The physical id from an earlier answer (Update, Delete).
    pub fn physical_resource_id(&self) -> Option<&str> {
        self.physical_resource_id.as_deref()
    }

    /// The properties.
    pub fn properties(&self) -> &RegistrationProperties {
        &self.properties
    }

    /// The properties before an update.
    pub fn old_properties(&self) -> Option<&RegistrationProperties> {
        self.old_properties.as_ref()
    }
}

fn property(
    map: &serde_json::Map<String, serde_json::Value>,
    name: &'static str,
) -> Result<Option<String>, RegistrationError> {
    match map.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(RegistrationError::invalid(
            name,
            &other.to_string(),
            "a string",
        )),
    }
}

impl RegistrationProperties {
    fn from_map(
        map: serde_json::Map<String, serde_json::Value>,
    ) -> Result<RegistrationProperties, RegistrationError> {
        let get = |name: &'static str| -> Result<String, RegistrationError> {
            required(name, property(&map, name)?)
        };
        let role_text = get("RoleArn")?;
        let role_arn: RoleArn = role_text
            .parse()
            .map_err(|_| RegistrationError::invalid("RoleArn", &role_text, "an IAM role ARN"))?;
        let external_id: ExternalId = get("ExternalId")?.parse().map_err(|_| {
            RegistrationError::invalid("ExternalId", "(redacted)", "an External ID")
        })?;
        let account_text = get("AccountId")?;
        let account_id: AccountId = account_text.parse().map_err(|_| {
            RegistrationError::invalid("AccountId", &account_text, "a 12-digit account id")
        })?;
        let region_text = get("Region")?;
        let region: Region = region_text
            .parse()
            .map_err(|_| RegistrationError::invalid("Region", &region_text, "an AWS Region"))?;
        let connection_id = property(&map, "ConnectionId")?
            .map(|id| {
                ConnectionId::new(&id)
                    .map_err(|_| RegistrationError::invalid("ConnectionId", &id, "a connection id"))
            })
            .transpose()?;
        let registration_token = property(&map, "RegistrationToken")?.map(SecretString::from);
        let template_version = get("TemplateVersion")?;
        Ok(RegistrationProperties {
            role_arn,
            external_id,
            account_id,
            region,
            connection_id,
            registration_token,
            template_version,
        })
    }

    /// The role the stack created.
    pub fn role_arn(&self) -> &RoleArn {
        &self.role_arn
    }

    /// The External ID the stack was given.
    pub fn external_id(&self) -> &ExternalId {
        &self.external_id
    }

    /// The stack's account (`AWS::AccountId`).
    pub fn account_id(&self) -> &AccountId {
        &self.account_id
    }

    /// The stack's Region.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The connection named by the template.
    pub fn connection_id(&self) -> Option<&ConnectionId> {
        self.connection_id.as_ref()
    }

    /// The tenant's token (StackSets).
    pub fn registration_token(&self) -> Option<&SecretString> {
        self.registration_token.as_ref()
    }

    /// The template version.
    pub fn template_version(&self) -> &str {
        &self.template_version
    }
}
