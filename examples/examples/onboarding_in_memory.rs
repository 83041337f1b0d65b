//! Onboarding end to end on the in-memory STS, as a platform wires it: one `Connector` over a
//! connection store and an STS provider, driven through the lifecycle in the order a real
//! onboarding calls it (create, artifacts, submit the role, credentials, disconnect), with AWS
//! replaced by `InMemorySts`, which evaluates the trust policy the artifacts produce.
//! (`connector demo` tells the same story with commentary, revocation included.)
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

use connector_core::testing::InMemorySts;
use connector_core::{
    Clock, ConnectionId, ConnectionState, ConnectionStore, Connector, ConnectorError,
    InMemoryConnectionStore, ManualClock, NewConnection, ParameterValues, RoleArn, SessionNames,
    StsProvider, VendorPrincipal,
};
use permission_sets::builtin;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The vendor's side, wired once per process: who the customers' trust policies name, where
    // connections are stored (a database in production), and what talks to STS
    // (`connector_aws::AwsStsProvider` in production; here the in-memory STS, on a clock the
    // example moves by hand).
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/reader/worker".parse()?,
    );
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::new());
    let provider: Arc<dyn StsProvider> = Arc::new(sts.clone());
    let set = builtin::s3_read()?;
    let connector = Connector::builder(
        VendorPrincipal::account("999988887777".parse()?),
        store,
        provider,
    )
    .with_clock(Arc::new(clock.clone()))
    .with_permission_set(set.clone())
    .with_session_names(SessionNames::new("globex-reader".parse()?))
    .build();

    // Sign-up: a pending connection with a fresh External ID, and the artifacts to hand over.
    let id: ConnectionId = "globex".parse()?;
    let pending = connector
        .create(
            NewConnection::new(id.clone())
                .with_display_name("Globex data lake")
                .with_account("111122223333".parse()?)
                .with_regions(["us-east-1".parse()?])
                .with_permission_set(set.reference().clone()),
        )
        .await?;
    println!(
        "connection {} is {}; External ID {}",
        pending.id(),
        pending.state(),
        pending.external_id().as_str()
    );
    let onboarding = connector
        .onboarding(&id)
        .await?
        .with_values(ParameterValues::new().with_values("Buckets", ["globex-lake"]))
        .with_role_name("GlobexReader")
        .build()?;
    println!("{}", onboarding.permission_set().explanation_table());
    println!(
        "terraform for the customer:\n{}",
        onboarding.terraform()?.to_hcl()?
    );

    // The customer applies it (here: the in-memory STS gets the role the artifacts describe)
    // and sends back the role ARN.
    let role: RoleArn =
        format!("arn:aws:iam::111122223333:role/{}", onboarding.role_name()).parse()?;
    sts.create_role(
        role.clone(),
        onboarding.trust_policy().clone(),
        Duration::from_secs(u64::from(onboarding.max_session_duration())),
    )?;

    // The vendor submits the role: the connection test (assume it with the External ID, check
    // who the session is, and check that AWS refuses it without the External ID) decides
    // whether the connection goes live. Nothing else makes a connection active.
    let submission = connector.submit_role(&id, role).await?;
    if let Some(report) = submission.report() {
        println!("connection test: {:?}", report.outcome());
        if let Some(identity) = report.identity() {
            println!("  assumed as {}", identity.arn);
        }
        for finding in report.findings() {
            println!(
                "  {} {}: {} ({})",
                finding.severity(),
                finding.code(),
                finding.message(),
                finding.remediation()
            );
        }
    }
    let connection = submission.connection();
    println!("connection {} is {}", connection.id(), connection.state());
    if !submission.is_live() {
        // Show the customer what to fix; the connection stays out of service meanwhile.
        if let Some(diagnosis) = connection.last_diagnosis() {
            println!("  {}: {}", diagnosis.code(), diagnosis.remediation());
        }
        return Err("the connection test did not verify the role".into());
    }

    // Workers take credentials from the connection's session: cached, refreshed ahead of
    // expiry, and handed out only while the stored connection is live.
    let worker = connector.session(id.clone());
    let credentials = worker.credentials().await?;
    println!(
        "worker credentials: {credentials:?}, {} minutes left",
        credentials.remaining_at(clock.now()).as_secs() / 60
    );

    // The vendor disconnects the customer: the very next call is refused, although the cached
    // credentials are still valid, and no STS call is made.
    let disconnected = connector.disconnect(&id).await?;
    println!(
        "connection {} is {}",
        disconnected.id(),
        disconnected.state()
    );
    match worker.credentials().await {
        Err(ConnectorError::NotLive { state, .. }) => {
            assert_eq!(state, ConnectionState::Disconnected);
            println!("worker refused: the connection is {state}");
        }
        Err(other) => return Err(other.into()),
        Ok(_) => return Err("a disconnected connection handed out credentials".into()),
    }
    Ok(())
}
