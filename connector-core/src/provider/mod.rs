//! The provider trait: how the core reaches STS without knowing what is behind it (the
//! aws-sdk-sts adapter in `connector-aws`, or the in-memory STS for tests).

mod error;
mod request;

pub use error::{ProviderError, ProviderErrorKind};
pub use request::{
    AssumeRoleRequest, CallerIdentity, MAX_CHAINED_SESSION, MAX_POLICY_ARNS, MAX_SESSION,
    MAX_SESSION_POLICY_CHARS, MAX_SESSION_TAGS, MIN_SESSION, WebIdentityRequest,
};

use std::future::Future;
use std::pin::Pin;

use crate::TemporaryCredentials;

/// A boxed, sendable future: the provider trait stays object-safe without an async runtime.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// STS, as the core needs it. Implementations validate requests with
/// [`AssumeRoleRequest::validate`] before sending them.
///
/// Object-safe: use it as `Arc<dyn StsProvider>`.
pub trait StsProvider: Send + Sync + std::fmt::Debug {
    /// `AssumeRole`.
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>>;

    /// `AssumeRoleWithWebIdentity`.
    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>>;

    /// `GetCallerIdentity`, signed with `credentials`.
    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>>;
}
