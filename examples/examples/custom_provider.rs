//! Embedding with a custom provider. Two kinds:
//!
//! - a fake for tests, a few lines: only `assume_role` must be written (`caller_identity`
//!   and `assume_role_with_web_identity` answer `Unsupported` by default, which the
//!   connection test never takes for success);
//! - a platform team's wrapper around whatever STS it uses (here the in-memory one; in
//!   production `connector_aws::AwsStsProvider`), which audits every call and enforces a
//!   house rule, forwarding all three operations so the `Connector` (connection tests,
//!   sessions) works unchanged on top of it.
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
use std::time::{Duration, SystemTime};

use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, Connector, InMemoryConnectionStore, ManualClock,
    NewConnection, ProviderError, ProviderErrorKind, Region, RoleArn, StsProvider,
    TemporaryCredentials, VendorPrincipal, WebIdentityRequest, verify_connection,
};
use trust_policy::CrossAccountTrust;

/// A test fake: the same one-hour credentials for any role.
#[derive(Debug)]
struct Generous;

impl StsProvider for Generous {
    fn assume_role<'a>(
        &'a self,
        _: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        let expiry = SystemTime::now() + Duration::from_secs(3600);
        Box::pin(async move {
            Ok(TemporaryCredentials::new(
                "ASIAFAKE", "secret", "token", expiry,
            ))
        })
    }
}

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

    fn outcome<T>(result: &Result<T, ProviderError>, ok: impl FnOnce(&T) -> String) -> String {
        match result {
            Ok(value) => ok(value),
            Err(error) => error.kind.as_str().to_owned(),
        }
    }
}

impl StsProvider for AuditedProvider {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            if request.duration() > self.max_duration {
                self.record(format!("refused {} (too long)", request.role_arn()));
                return Err(ProviderError::new(
                    ProviderErrorKind::InvalidRequest,
                    format!(
                        "DurationSeconds: the platform allows sessions of at most {} s",
                        self.max_duration.as_secs()
                    ),
                ));
            }
            let result = self.inner.assume_role(request).await;
            self.record(format!(
                "AssumeRole {} as {} with External ID: {} -> {}",
                request.role_arn(),
                request.session_name(),
                request.external_id().is_some(),
                Self::outcome(&result, |c| format!("ok, key {}", c.access_key_id())),
            ));
            result
        })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        request: &'a WebIdentityRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            let result = self.inner.assume_role_with_web_identity(request).await;
            self.record(format!(
                "AssumeRoleWithWebIdentity {} as {} -> {}",
                request.role_arn(),
                request.session_name(),
                Self::outcome(&result, |c| format!("ok, key {}", c.access_key_id())),
            ));
            result
        })
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(async move {
            let result = self.inner.caller_identity(credentials, region).await;
            self.record(format!(
                "GetCallerIdentity with key {} -> {}",
                credentials.access_key_id(),
                Self::outcome(&result, |identity| identity.arn.clone()),
            ));
            result
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        // The fake hands out credentials to anyone, External ID or not, and cannot say whose
        // they are: the connection test refuses it (the role would be open to the confused
        // deputy) and notes that GetCallerIdentity reached no verdict. Never a success.
        let role: RoleArn = "arn:aws:iam::111122223333:role/Platform".parse()?;
        let report = verify_connection(
            &Generous,
            &role,
            &"q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?,
            &"verify".parse()?,
            None,
        )
        .await;
        println!("the fake's connection test: {:?}", report.outcome());
        for finding in report.findings() {
            println!("  {} {}", finding.severity(), finding.code());
        }

        // The platform's audited provider around the STS it uses.
        let clock = ManualClock::at_unix(1_800_000_000);
        let sts = InMemorySts::new(
            Arc::new(clock.clone()),
            "arn:aws:sts::999988887777:assumed-role/platform/worker".parse()?,
        );
        let audited = Arc::new(AuditedProvider {
            inner: Arc::new(sts.clone()),
            max_duration: Duration::from_secs(3600),
            log: Mutex::new(Vec::new()),
        });
        let vendor = VendorPrincipal::account("999988887777".parse()?);
        let connector = Connector::builder(
            vendor.clone(),
            Arc::new(InMemoryConnectionStore::new()),
            Arc::clone(&audited) as Arc<dyn StsProvider>,
        )
        .with_clock(Arc::new(clock))
        .build();

        // Onboarding as usual: every STS call of the connection test and the sessions goes
        // through the audited provider.
        let pending = connector
            .create(NewConnection::new("platform".parse()?))
            .await?;
        let trust = CrossAccountTrust::new(vendor, pending.external_id().clone());
        sts.create_role(role.clone(), trust.policy()?, Duration::from_secs(3600))?;
        let submission = connector.submit_role(pending.id(), role.clone()).await?;
        println!(
            "connection test through the audited provider: {:?}, connection {}",
            submission.report().map(|r| r.outcome()),
            submission.connection().state()
        );
        let credentials = connector.credentials(pending.id()).await?;
        println!("credentials: {credentials:?}");

        // The house rule, before STS sees the request.
        let too_long = AssumeRoleRequest::new(role, "batch".parse()?)
            .with_external_id(pending.external_id().clone())
            .with_duration(Duration::from_secs(4 * 3600));
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
