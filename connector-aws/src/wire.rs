//! Conversions between connector-core's types and `aws-sdk-sts`'s: request parameters out,
//! credentials and identities back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_sts::types::{Credentials as StsCredentials, PolicyDescriptorType, Tag};
use connector_core::{ProviderError, ProviderErrorKind, TemporaryCredentials};

use crate::error_mapping::Operation;

fn invalid(parameter: &str, rule: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::InvalidRequest,
        format!("{parameter}: {rule}"),
    )
}

/// `DurationSeconds` as STS takes it.
pub(crate) fn duration_seconds(duration: Duration) -> Result<i32, ProviderError> {
    i32::try_from(duration.as_secs())
        .map_err(|_| invalid("DurationSeconds", "does not fit in 32 bits"))
}

/// `Tags`.
pub(crate) fn tags(tags: &[(String, String)]) -> Result<Option<Vec<Tag>>, ProviderError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|e| invalid("Tags", format_args!("tag {key:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `PolicyArns`.
pub(crate) fn policy_arns(arns: &[connector_core::Arn]) -> Option<Vec<PolicyDescriptorType>> {
    (!arns.is_empty()).then(|| {
        arns.iter()
            .map(|arn| PolicyDescriptorType::builder().arn(arn.to_string()).build())
            .collect()
    })
}

fn missing(operation: Operation, what: &str) -> ProviderError {
    ProviderError::new(
        ProviderErrorKind::Other,
        format!("STS {} answered without {what}", operation.name()),
    )
}

/// The credentials of an `AssumeRole*` answer. The secrets go straight into `secrecy` types.
pub(crate) fn credentials(
    operation: Operation,
    answer: Option<&StsCredentials>,
) -> Result<TemporaryCredentials, ProviderError> {
    let answer = answer.ok_or_else(|| missing(operation, "credentials"))?;
    let expiration = SystemTime::try_from(*answer.expiration()).map_err(|_| {
        ProviderError::new(
            ProviderErrorKind::Other,
            format!(
                "STS {} answered an expiration this system cannot represent",
                operation.name()
            ),
        )
    })?;
    // The SDK's deserializer fills a missing required field with its default: an expiry at
    // the Unix epoch means the answer had none (a truncated or garbled document).
    if expiration <= UNIX_EPOCH {
        return Err(missing(operation, "an expiration"));
    }
    if answer.access_key_id().is_empty()
        || answer.secret_access_key().is_empty()
        || answer.session_token().is_empty()
    {
        return Err(missing(
            operation,
            "an access key id, secret access key and session token",
        ));
    }
    Ok(TemporaryCredentials::new(
        answer.access_key_id(),
        answer.secret_access_key(),
        answer.session_token(),
        expiration,
    ))
}

/// A required text field of an answer.
pub(crate) fn required<'a>(
    operation: Operation,
    field: &str,
    value: Option<&'a str>,
) -> Result<&'a str, ProviderError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing(operation, field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_convert() {
        assert_eq!(duration_seconds(Duration::from_secs(900)).unwrap(), 900);
        assert!(duration_seconds(Duration::from_secs(u64::MAX)).is_err());
        assert!(tags(&[]).unwrap().is_none());
        let converted = tags(&[("team".into(), "data".into())]).unwrap().unwrap();
        assert_eq!(converted[0].key(), "team");
        assert!(policy_arns(&[]).is_none());
    }

    #[test]
    fn answers_without_credentials_are_errors() {
        let err = credentials(Operation::AssumeRole, None).unwrap_err();
        assert_eq!(err.kind, ProviderErrorKind::Other);
        assert!(
            err.message
                .contains("AssumeRole answered without credentials")
        );
        let empty = StsCredentials::builder()
            .access_key_id("")
            .secret_access_key("")
            .session_token("")
            .expiration(aws_smithy_types::DateTime::from_secs(1_800_000_000))
            .build()
            .unwrap();
        assert!(credentials(Operation::AssumeRole, Some(&empty)).is_err());
        assert!(required(Operation::GetCallerIdentity, "Account", Some("")).is_err());
        let no_expiry = StsCredentials::builder()
            .access_key_id("ASIAX")
            .secret_access_key("s")
            .session_token("t")
            .expiration(aws_smithy_types::DateTime::from_secs(0))
            .build()
            .unwrap();
        let err = credentials(Operation::AssumeRole, Some(&no_expiry)).unwrap_err();
        assert!(err.message.contains("without an expiration"), "{err}");
    }
}
