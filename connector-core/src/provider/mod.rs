//! The provider trait: how the core reaches STS without knowing what is behind it (the
//! aws-sdk-sts adapter in `connector-aws`, or the in-memory STS for tests).

mod error;
mod request;
mod session_name;
mod tokens;
mod web_identity_source;

pub use error::{NO_OIDC_PROVIDER, ProviderError, ProviderErrorKind};
pub use request::{
    AssumeRoleRequest, CallerIdentity, MAX_CHAINED_SESSION, MAX_POLICY_ARNS, MAX_SESSION,
    MAX_SESSION_POLICY_CHARS, MAX_SESSION_TAGS, MIN_SESSION, WebIdentityRequest,
};
pub use session_name::RoleSessionName;
pub(crate) use session_name::fnv1a;
#[cfg(feature = "oidc")]
pub use tokens::SharedIssuer;
pub use tokens::WebIdentityTokens;
pub use web_identity_source::WebIdentitySource;

use std::future::Future;
use std::pin::Pin;

use iam_policy::Region;

use crate::TemporaryCredentials;

/// A boxed, sendable future: the provider trait stays object-safe without an async runtime.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// STS, as the core needs it. Implementations validate requests with
/// [`AssumeRoleRequest::validate`] before sending them.
///
/// Object-safe: use it as `Arc<dyn StsProvider>`. Only `assume_role` must be written; the
/// others answer [`ProviderErrorKind::Unsupported`] by default, which every check treats as
/// "not verified" (a connection test without `caller_identity` is inconclusive, never a
/// success).
///
/// ```
/// use connector_core::{AssumeRoleRequest, BoxFuture, ProviderError, StsProvider, TemporaryCredentials};
/// use std::time::{Duration, SystemTime};
///
/// /// A fake that hands out the same credentials to everyone.
/// #[derive(Debug)]
/// struct Generous;
///
/// impl StsProvider for Generous {
///     fn assume_role<'a>(&'a self, _: &'a AssumeRoleRequest)
///         -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
///         let expiry = SystemTime::now() + Duration::from_secs(3600);
///         Box::pin(async move { Ok(TemporaryCredentials::new("ASIAFAKE", "secret", "token", expiry)) })
///     }
/// }
/// ```
pub trait StsProvider: Send + Sync + std::fmt::Debug {
    /// `AssumeRole`.
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>>;

    /// `AssumeRoleWithWebIdentity`. By default: [`ProviderErrorKind::Unsupported`].
    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        let _ = request;
        Box::pin(std::future::ready(Err(ProviderError::unsupported(
            "AssumeRoleWithWebIdentity",
        ))))
    }

    /// `GetCallerIdentity`, signed with `credentials`. By default:
    /// [`ProviderErrorKind::Unsupported`].
    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        let _ = (credentials, region);
        Box::pin(std::future::ready(Err(ProviderError::unsupported(
            "GetCallerIdentity",
        ))))
    }
}
