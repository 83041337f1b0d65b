//! An Amazon SNS message as delivered to an HTTP(S) endpoint or, without raw message
//! delivery, as the body of an SQS message: parsed field by field (a missing or malformed
//! field is a typed error naming it, never a panic), and the exact string SNS signed.
//!
//! The fields are those of "HTTP/HTTPS notification JSON format" and "HTTP/HTTPS
//! subscription confirmation JSON format" (SNS Developer Guide); the string to sign is the
//! one of "Verifying the signatures of Amazon SNS messages" (SNS Developer Guide).

use std::time::SystemTime;

use super::cert_url::SigningCertUrl;
use super::timestamp;

/// The largest SNS envelope accepted. SNS messages are at most 256 KiB ("the maximum
/// message size is 256 KiB", SNS `Publish`); the envelope adds the signature and URLs.
pub const MAX_SNS_BODY_BYTES: usize = 300 * 1024;

/// What the message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnsMessageType {
    /// Sent after a `Subscribe` of an HTTP(S) endpoint: visit `SubscribeURL` to confirm.
    SubscriptionConfirmation,
    /// A published message.
    Notification,
    /// Sent after an `Unsubscribe`.
    UnsubscribeConfirmation,
}

impl SnsMessageType {
    /// The `Type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SnsMessageType::SubscriptionConfirmation => "SubscriptionConfirmation",
            SnsMessageType::Notification => "Notification",
            SnsMessageType::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }
}

/// The signature algorithm named by `SignatureVersion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// `1`: SHA1withRSA.
    V1,
    /// `2`: SHA256withRSA.
    V2,
}

/// A message that cannot be an SNS message: the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnsMessageError {
    /// Larger than [`MAX_SNS_BODY_BYTES`].
    #[error("the SNS message is {0} bytes, more than the 300 KiB accepted")]
    TooLarge(usize),
    /// Not a JSON object of strings.
    #[error("the SNS message is not a JSON object of strings: {0}")]
    NotJson(String),
    /// A field is missing or breaks its rule.
    #[error("SNS message field {field}: {rule}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// The rule.
        rule: &'static str,
    },
    /// `SignatureVersion` is neither 1 nor 2.
    #[error(
        "SNS SignatureVersion {0:?} is not supported (only 1, SHA1withRSA, and 2, SHA256withRSA)"
    )]
    UnsupportedSignatureVersion(String),
    /// `SigningCertURL` is not an SNS certificate URL (see [`SigningCertUrl`]).
    #[error("SNS SigningCertURL {url:?} refused: {rule}")]
    CertUrlRefused {
        /// The URL (cut to 200 characters).
        url: String,
        /// The rule.
        rule: &'static str,
    },
}

/// A parsed SNS message (its signature not yet verified: see
/// [`SnsVerifier`](super::SnsVerifier)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsMessage {
    message_type: SnsMessageType,
    message_id: String,
    topic_arn: String,
    subject: Option<String>,
    message: String,
    timestamp_text: String,
    timestamp: SystemTime,
    signature_version: SignatureVersion,
    signature: Vec<u8>,
    signing_cert_url: SigningCertUrl,
    subscribe_url: Option<String>,
    token: Option<String>,
}

#[derive(serde::Deserialize)]
struct Raw {
    #[serde(rename = "Type")]
    message_type: Option<String>,
    #[serde(rename = "MessageId")]
    message_id: Option<String>,
    #[serde(rename = "TopicArn")]
    topic_arn: Option<String>,
    #[serde(rename = "Subject")]
    subject: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "Timestamp")]
    timestamp: Option<String>,
    #[serde(rename = "SignatureVersion")]
    signature_version: Option<String>,
    #[serde(rename = "Signature")]
    signature: Option<String>,
    #[serde(rename = "SigningCertURL")]
    signing_cert_url: Option<String>,
    #[serde(rename = "SubscribeURL")]
    subscribe_url: Option<String>,
    #[serde(rename = "Token")]
    token: Option<String>,
}

fn required(field: &'static str, value: Option<String>) -> Result<String, SnsMessageError> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(SnsMessageError::InvalidField {
            field,
            rule: "required, not empty",
        }),
    }
}

impl SnsMessage {
    /// Parses an SNS message body.
    pub fn parse(body: &[u8]) -> Result<SnsMessage, SnsMessageError> {
        use base64::Engine as _;
        if body.len() > MAX_SNS_BODY_BYTES {
            return Err(SnsMessageError::TooLarge(body.len()));
        }
        let raw: Raw = serde_json::from_slice(body)
            .map_err(|e| SnsMessageError::NotJson(e.to_string().chars().take(200).collect()))?;
        let message_type = match required("Type", raw.message_type)?.as_str() {
            "SubscriptionConfirmation" => SnsMessageType::SubscriptionConfirmation,
            "Notification" => SnsMessageType::Notification,
            "UnsubscribeConfirmation" => SnsMessageType::UnsubscribeConfirmation,
            _ => {
                return Err(SnsMessageError::InvalidField {
                    field: "Type",
                    rule: "SubscriptionConfirmation, Notification or UnsubscribeConfirmation",
                });
            }
        };
        let signature_version = match required("SignatureVersion", raw.signature_version)?.as_str()
        {
            "1" => SignatureVersion::V1,
            "2" => SignatureVersion::V2,
            other => {
                return Err(SnsMessageError::UnsupportedSignatureVersion(
                    other.chars().take(20).collect(),
                ));
            }
        };
        let signing_cert_url =
            SigningCertUrl::parse(&required("SigningCertURL", raw.signing_cert_url)?)?;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(required("Signature", raw.signature)?)
            .map_err(|_| SnsMessageError::InvalidField {
                field: "Signature",
                rule: "base64",
            })?;
        let timestamp_text = required("Timestamp", raw.timestamp)?;
        let timestamp =
            timestamp::parse_iso8601(&timestamp_text).ok_or(SnsMessageError::InvalidField {
                field: "Timestamp",
                rule: "ISO 8601 UTC, YYYY-MM-DDTHH:MM:SS[.fff]Z",
            })?;
        let topic_arn = required("TopicArn", raw.topic_arn)?;
        if !topic_arn.starts_with("arn:") || topic_arn.split(':').nth(2) != Some("sns") {
            return Err(SnsMessageError::InvalidField {
                field: "TopicArn",
                rule: "an SNS topic ARN",
            });
        }
        let confirmation = message_type != SnsMessageType::Notification;
        let (subscribe_url, token) = if confirmation {
            (
                Some(required("SubscribeURL", raw.subscribe_url)?),
                Some(required("Token", raw.token)?),
            )
        } else {
            (None, None)
        };
        Ok(SnsMessage {
            message_type,
            message_id: required("MessageId", raw.message_id)?,
            topic_arn,
            // "Subject (if present)": signed whenever the field is there.
            subject: raw.subject,
            message: required("Message", raw.message)?,
            timestamp_text,
            timestamp,
            signature_version,
            signature,
            signing_cert_url,
            subscribe_url,
            token,
        })
    }

    /// The exact bytes SNS signed: for each field in this order, its name, a newline, its
    /// value, a newline. "Verifying the signatures of Amazon SNS messages" (SNS Developer
    /// Guide): a `Notification` signs `Message`, `MessageId`, `Subject` (if present),
    /// `Timestamp`, `TopicArn`, `Type`; a `SubscriptionConfirmation` or
    /// `UnsubscribeConfirmation` signs `Message`, `MessageId`, `SubscribeURL`, `Timestamp`,
    /// `Token`, `TopicArn`, `Type` (byte order of the names).
    pub fn string_to_sign(&self) -> String {
        let mut fields: Vec<(&str, &str)> =
            vec![("Message", &self.message), ("MessageId", &self.message_id)];
        match self.message_type {
            SnsMessageType::Notification => {
                if let Some(subject) = &self.subject {
                    fields.push(("Subject", subject));
                }
            }
            SnsMessageType::SubscriptionConfirmation | SnsMessageType::UnsubscribeConfirmation => {
                fields.push((
                    "SubscribeURL",
                    self.subscribe_url.as_deref().unwrap_or_default(),
                ));
            }
        }
        fields.push(("Timestamp", &self.timestamp_text));
        if self.message_type != SnsMessageType::Notification {
            fields.push(("Token", self.token.as_deref().unwrap_or_default()));
        }
        fields.push(("TopicArn", &self.topic_arn));
        fields.push(("Type", self.message_type.as_str()));
        let mut out = String::new();
        for (name, value) in fields {
            out.push_str(name);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
        out
    }

    /// The type.
    pub fn message_type(&self) -> SnsMessageType {
        self.message_type
    }

    /// The message id (the same on SNS's own retries).
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// The topic.
    pub fn topic_arn(&self) -> &str {
        &self.topic_arn
    }

    /// The subject, if one was published.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The payload (for a custom resource, the request JSON).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// When SNS sent it.
    pub fn timestamp(&self) -> SystemTime {
        self.timestamp
    }

    /// The signature algorithm.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The signature bytes (decoded from base64).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The signing certificate's URL, already checked.
    pub fn signing_cert_url(&self) -> &SigningCertUrl {
        &self.signing_cert_url
    }

    /// `SubscribeURL` (confirmations only; not yet checked: see
    /// [`SubscribeUrl`](super::SubscribeUrl)).
    pub fn subscribe_url(&self) -> Option<&str> {
        self.subscribe_url.as_deref()
    }

    /// `Token` (confirmations only).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}
