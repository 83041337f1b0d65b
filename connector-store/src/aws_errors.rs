//! AWS SDK failures (DynamoDB, KMS) described for an error message: the service's code and
//! message, or what went wrong on the way; never a response body (a KMS answer carries a
//! plaintext data key).

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What failed, for `StoreUnavailable` or a key error.
pub(crate) fn describe<E, R>(service: &str, operation: &str, error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::ServiceError(context) => {
            let err = context.err();
            format!(
                "{service} {operation}: {} ({})",
                err.message().unwrap_or("no message"),
                err.code().unwrap_or("no error code")
            )
        }
        SdkError::TimeoutError(_) => format!("{service} {operation} timed out"),
        SdkError::DispatchFailure(_) => {
            format!("{service} {operation} could not be sent (connection failed or timed out)")
        }
        SdkError::ResponseError(_) => {
            format!("{service} {operation} answered with a response that could not be read")
        }
        SdkError::ConstructionFailure(_) => format!(
            "{service} {operation} could not be built (check the region, endpoint and credentials)"
        ),
        _ => format!("{service} {operation} failed"),
    }
}

/// The service's error code, when it answered with one.
pub(crate) fn code<E, R>(error: &SdkError<E, R>) -> Option<&str>
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::ServiceError(context) => context.err().code(),
        _ => None,
    }
}
