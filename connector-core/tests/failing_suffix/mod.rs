//! An STS for the web-identity tests: the in-memory STS, except that the web identity calls
//! whose session name ends with a suffix (a negative check of the connection test, say) get
//! a chosen error.

use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, ProviderError, StsProvider, TemporaryCredentials,
    WebIdentityRequest,
};

/// The in-memory STS, failing the web identity calls whose session name ends with a suffix.
#[derive(Debug)]
pub(crate) struct FailingSuffix {
    pub(crate) inner: InMemorySts,
    pub(crate) suffix: &'static str,
    pub(crate) error: ProviderError,
}

impl StsProvider for FailingSuffix {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        self.inner.assume_role(request)
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        if request.session_name().as_str().ends_with(self.suffix) {
            let error = self.error.clone();
            return Box::pin(async move { Err(error) });
        }
        self.inner.assume_role_with_web_identity(request)
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a iam_policy::Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        self.inner.caller_identity(credentials, region)
    }
}
