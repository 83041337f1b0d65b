//! Onboarding end to end on the in-memory STS, as a platform would wire it: the library
//! calls in the order a real onboarding makes them, with AWS replaced by `InMemorySts`.
//! (`connector demo` tells the same story with commentary.)
//!
//! Run: `cargo run -p examples --example onboarding_in_memory`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "examples may panic: a demonstration stops at its first failure"
)]

use std::sync::Arc;
use std::time::Duration;

use connector_core::iam_policy::RoleArn;
use connector_core::testing::InMemorySts;
use connector_core::{
    AssumeRoleRequest, Clock, ConnectedSession, Connection, ConnectionEvent, ConnectionStore,
    CredentialSession, InMemoryConnectionStore, ManualClock, RefreshPolicy, StsProvider, Timestamp,
    update, verify_connection,
};
use onboarding::Onboarding;
use permission_sets::{ParameterValues, builtin};
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let clock = ManualClock::at_unix(1_800_000_000);
    let vendor = VendorPrincipal::account("999988887777".parse()?);
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::new());

    // Sign-up: an External ID per customer, a pending connection, the artifacts to hand over.
    let external_id = ExternalId::generate()?;
    let connection = Connection::new(
        "globex",
        "Globex data lake",
        "111122223333".parse()?,
        external_id.clone(),
        Timestamp::from_system(clock.now()),
    )?;
    let id = connection.id.clone();
    store.create(connection)?;
    let onboarding = Onboarding::builder(
        CrossAccountTrust::new(vendor, external_id.clone()),
        builtin::s3_read()?,
    )
    .values(ParameterValues::new().set_list("Buckets", ["globex-lake"]))
    .role_name("GlobexReader")
    .build()?;
    println!("{}", onboarding.permission_set().explanation_table());
    println!(
        "terraform for the customer:\n{}",
        onboarding.terraform()?.to_hcl()?
    );

    // The customer applies it (here: the in-memory STS gets the role the artifacts describe)
    // and sends back the role ARN.
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/reader/worker".parse()?,
    );
    let role: RoleArn = "arn:aws:iam::111122223333:role/GlobexReader".parse()?;
    sts.create_role(
        role.clone(),
        onboarding.trust_policy().clone(),
        Duration::from_secs(u64::from(onboarding.max_session_duration())),
    )?;
    let now = || Timestamp::from_system(clock.now());
    update(&*store, &id, now(), 3, |_| ConnectionEvent::RoleSubmitted {
        role_arn: role.clone(),
    })?;

    // The connection test, then the connection goes live.
    let provider: Arc<dyn StsProvider> = Arc::new(sts.clone());
    let report = verify_connection(&*provider, &role, &external_id, "verify", None).await;
    println!("verified: {} {:?}", report.verified, report.identity);
    let active = update(&*store, &id, now(), 3, |_| {
        ConnectionEvent::VerificationSucceeded
    })?;
    println!("connection {} is {}", active.id, active.state);

    // Workers take credentials from a session bound to the connection.
    let request = AssumeRoleRequest::new(role, "reader").external_id(external_id);
    let session = ConnectedSession::new(
        Arc::clone(&store),
        id.clone(),
        CredentialSession::new(
            provider,
            request,
            Arc::new(clock.clone()),
            RefreshPolicy::default(),
        )?,
        Arc::new(clock.clone()),
    );
    let credentials = session.credentials().await?;
    println!("worker credentials: {credentials:?}");
    Ok(())
}
