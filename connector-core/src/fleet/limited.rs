//! `LimitedProvider`: the fleet's view of STS, every call through the (vendor account,
//! Region) token bucket, its latency recorded, and throttling fed back to the bucket.

use iam_policy::{AccountId, Region};
use std::sync::Arc;

use super::limiter::{BucketKey, RateLimiter};
use super::metrics;
use super::timer::Timer;
use crate::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, Clock, ProviderError, ProviderErrorKind,
    StsProvider, TemporaryCredentials, WebIdentityRequest,
};

/// Wraps the product's provider for the fleet's checks only; the product's own calls (its
/// workers' credentials) do not draw from these buckets.
#[derive(Debug)]
pub(crate) struct LimitedProvider {
    inner: Arc<dyn StsProvider>,
    limiter: Arc<RateLimiter>,
    timer: Arc<dyn Timer>,
    clock: Arc<dyn Clock>,
    vendor_account: AccountId,
}

impl LimitedProvider {
    pub(crate) fn new(
        inner: Arc<dyn StsProvider>,
        limiter: Arc<RateLimiter>,
        timer: Arc<dyn Timer>,
        clock: Arc<dyn Clock>,
        vendor_account: AccountId,
    ) -> LimitedProvider {
        LimitedProvider {
            inner,
            limiter,
            timer,
            clock,
            vendor_account,
        }
    }

    async fn acquire(&self, key: &BucketKey) {
        let wait = self.limiter.reserve(key, self.clock.now());
        if !wait.is_zero() {
            self.timer.sleep(wait).await;
        }
    }

    async fn call<T>(
        &self,
        region: Option<&Region>,
        operation: &'static str,
        call: BoxFuture<'_, Result<T, ProviderError>>,
    ) -> Result<T, ProviderError> {
        let key: BucketKey = (self.vendor_account.clone(), region.cloned());
        self.limited(key, operation, call).await
    }

    async fn limited<T>(
        &self,
        key: BucketKey,
        operation: &'static str,
        call: BoxFuture<'_, Result<T, ProviderError>>,
    ) -> Result<T, ProviderError> {
        self.acquire(&key).await;
        let started = self.clock.now();
        let result = call.await;
        let elapsed = self.clock.now().duration_since(started).unwrap_or_default();
        metrics::sts_call(operation, elapsed, result.as_ref().err().map(|e| e.kind));
        if let Err(error) = &result
            && error.kind == ProviderErrorKind::Throttled
        {
            self.limiter.throttled(&key);
        }
        result
    }
}

impl StsProvider for LimitedProvider {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(self.call(
            request.region(),
            "AssumeRole",
            self.inner.assume_role(request),
        ))
    }

    /// `AssumeRoleWithWebIdentity` is not signed with the vendor's credentials; it is
    /// limited in the bucket of the role's account, so a fleet of web-identity connections
    /// spreads its calls by customer as AWS counts them, and still never bursts.
    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            let key: BucketKey = (
                request.role_arn().account_id().clone(),
                request.region().cloned(),
            );
            self.limited(
                key,
                "AssumeRoleWithWebIdentity",
                self.inner.assume_role_with_web_identity(request),
            )
            .await
        })
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(self.call(
            region,
            "GetCallerIdentity",
            self.inner.caller_identity(credentials, region),
        ))
    }
}
