//! `StsProvider` for the in-memory STS: validate on the client side, arrive (counted), wait
//! out the injected latency, answer.

use iam_policy::Region;

use super::InMemorySts;
use super::faults::{Delay, Operation};
use crate::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, ProviderError, StsProvider, TemporaryCredentials,
    WebIdentityRequest,
};

impl InMemorySts {
    /// A call reaches the STS: count it and start its latency.
    fn arrive(&self, operation: Operation) -> Delay {
        let mut state = self.state();
        state.calls.count(operation);
        state.faults.delay()
    }
}

impl StsProvider for InMemorySts {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            request.validate()?;
            self.arrive(Operation::AssumeRole).await;
            self.answer_assume_role(request)
        })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            request.validate()?;
            self.arrive(Operation::AssumeRoleWithWebIdentity).await;
            self.answer_web_identity(request)
        })
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(async move {
            self.arrive(Operation::GetCallerIdentity).await;
            self.answer_caller_identity(credentials, region)
        })
    }
}
