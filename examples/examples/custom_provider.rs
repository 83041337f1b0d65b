//! Embedding with a custom provider: a platform team wraps whatever STS it uses (here the
//! in-memory one; in production `connector_aws::AwsStsProvider`) in its own `StsProvider` that
//! audits every call and enforces a house rule, and the rest of the library (sessions,
//! connection tests) works unchanged on top of it.
//!
//! Run: `cargo run -p examples --example custom_provider`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "examples may panic: a demonstration stops at its first failure"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_core::iam_policy::RoleArn;
use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, CredentialSession, ManualClock, ProviderError,
    ProviderErrorKind, RefreshPolicy, StsProvider, TemporaryCredentials, WebIdentityRequest,
    verify_connection,
};
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

/// Audits every call (identifiers and outcomes only, never secrets) and refuses sessions
/// longer than the platform allows before they reach STS.
#[derive(Debug)]
struct AuditedProvider {
    inner: Arc<dyn StsProvider>,
    max_duration: Duration,
    log: Mutex<Vec<String>>,
}

impl AuditedProvider {
    fn record(&self, line: String) {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(line);
    }
}

impl StsProvider for AuditedProvider {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            if request.duration > self.max_duration {
                self.record(format!("refused {} (too long)", request.role_arn));
                return Err(ProviderError::new(
                    ProviderErrorKind::Other,
                    format!(
                        "the platform allows sessions of at most {} s",
                        self.max_duration.as_secs()
                    ),
                ));
            }
            let result = self.inner.assume_role(request).await;
            self.record(format!(
                "AssumeRole {} as {} with External ID: {} -> {}",
                request.role_arn,
                request.session_name,
                request.external_id.is_some(),
                match &result {
                    Ok(credentials) => format!("ok, key {}", credentials.access_key_id()),
                    Err(error) => error.kind.as_str().to_owned(),
                }
            ));
            result
        })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        self.inner.assume_role_with_web_identity(request)
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        self.inner.caller_identity(credentials, region)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        let clock = ManualClock::at_unix(1_800_000_000);
        let sts = InMemorySts::new(
            Arc::new(clock.clone()),
            "arn:aws:sts::999988887777:assumed-role/platform/worker".parse()?,
        );
        let external_id: ExternalId = ExternalId::generate()?;
        let role: RoleArn = "arn:aws:iam::111122223333:role/Platform".parse()?;
        let trust = CrossAccountTrust::new(
            VendorPrincipal::account("999988887777".parse()?),
            external_id.clone(),
        );
        sts.create_role(role.clone(), trust.policy()?, Duration::from_secs(3600))?;

        let audited = Arc::new(AuditedProvider {
            inner: Arc::new(sts),
            max_duration: Duration::from_secs(3600),
            log: Mutex::new(Vec::new()),
        });
        let report = verify_connection(&*audited, &role, &external_id, "verify", None).await;
        println!("connection test passed: {}", report.verified);

        let request = AssumeRoleRequest::new(role.clone(), "worker")
            .external_id(external_id.clone())
            .duration(Duration::from_secs(3600));
        let session = CredentialSession::new(
            Arc::clone(&audited) as Arc<dyn StsProvider>,
            request,
            Arc::new(clock.clone()),
            RefreshPolicy::default(),
        )?;
        let credentials = session.credentials().await?;
        println!("credentials: {credentials:?}");

        let too_long = AssumeRoleRequest::new(role, "batch")
            .external_id(external_id)
            .duration(Duration::from_secs(4 * 3600));
        let refused = audited.assume_role(&too_long).await;
        println!(
            "a four-hour session: {}",
            refused.err().map(|e| e.to_string()).unwrap_or_default()
        );

        println!("\naudit log:");
        for line in audited.log.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            println!("  {line}");
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}
