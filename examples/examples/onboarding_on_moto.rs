//! The same onboarding against moto, the local AWS emulator, wired as in production: a
//! `Connector` on the aws-sdk-sts adapter. The connection's CloudFormation template becomes a
//! real stack, the role it creates is submitted and tested, and an S3 client is built on the
//! connection's credentials through the bridge.
//!
//! moto does not enforce trust policies, so the connection test *refuses* the role (it can be
//! assumed without the External ID): that is the correct answer, and what AWS would say about
//! a role whose trust policy forgot the condition. The connection stays pending and the S3
//! client built on it gets no credentials. To still show S3 calls signed through the bridge on
//! moto, the example then uses a bare `CredentialSession`, which skips the connection and its
//! test; it says so where it does it.
//!
//! Run: start moto (`scripts/test` installs it into target/py-tools:
//! `target/py-tools/bin/moto_server -H 127.0.0.1 -p 5000`), then
//! `CONNECTOR_MOTO_ENDPOINT=http://127.0.0.1:5000 cargo run -p examples --example onboarding_on_moto`.

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

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_cloudformation::types::{Capability, Parameter};
use connector_aws::{AwsStsProvider, SessionCredentialsProvider};
use connector_core::{
    AssumeRoleRequest, ConnectionId, Connector, CredentialSession, InMemoryConnectionStore,
    NewConnection, RefreshPolicy, Region, RoleArn, SessionNames, StsProvider, SystemClock,
    VendorPrincipal,
};
use permission_sets::builtin;

/// An error and its sources, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// An S3 client on `credentials`, against moto (path-style bucket addressing).
fn s3_client(credentials: &SessionCredentialsProvider, sdk: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&credentials.sdk_config(sdk))
            .force_path_style(true)
            .build(),
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(endpoint) = std::env::var("CONNECTOR_MOTO_ENDPOINT") else {
        eprintln!("set CONNECTOR_MOTO_ENDPOINT to moto's address (see the example's header)");
        std::process::exit(2);
    };
    // moto checks no signature: fake static keys stand for the vendor's own credentials.
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "example",
        )))
        .build();
    let region: Region = "us-east-1".parse()?;

    // The vendor's side: the connector on the aws-sdk-sts adapter (in production,
    // `AwsStsProvider::from_env()` and a durable store).
    let provider: Arc<dyn StsProvider> = Arc::new(AwsStsProvider::from_sdk_config(&sdk)?);
    let set = builtin::read_only_scan()?;
    let connector = Connector::builder(
        VendorPrincipal::account("999988887777".parse()?),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::clone(&provider),
    )
    .with_permission_set(set.clone())
    .with_session_names(SessionNames::new("example".parse()?))
    .build();

    // A pending connection with a fresh External ID, and its CloudFormation template.
    let id: ConnectionId = format!("example-{}", std::process::id()).parse()?;
    let pending = connector
        .create(
            NewConnection::new(id.clone())
                .with_regions([region.clone()])
                .with_permission_set(set.reference().clone()),
        )
        .await?;
    let onboarding = connector
        .onboarding(&id)
        .await?
        .with_role_name("ExampleScanner")
        .build()?;

    // The customer clicks the quick-create link; here the stack is created through the API.
    let cloudformation = aws_sdk_cloudformation::Client::new(&sdk);
    let stack = format!("ExampleScanner-{}", std::process::id());
    let parameter = |k: &str, v: &str| {
        Parameter::builder()
            .parameter_key(k)
            .parameter_value(v)
            .build()
    };
    cloudformation
        .create_stack()
        .stack_name(&stack)
        .template_body(onboarding.cloudformation()?.to_yaml()?)
        .capabilities(Capability::CapabilityNamedIam)
        .parameters(parameter("ExternalId", pending.external_id().as_str()))
        .parameters(parameter("RoleName", &stack))
        .send()
        .await?;
    let described = cloudformation
        .describe_stacks()
        .stack_name(&stack)
        .send()
        .await?;
    let role: RoleArn = described
        .stacks()
        .first()
        .and_then(|s| {
            s.outputs()
                .iter()
                .find(|o| o.output_key() == Some("RoleArn"))
        })
        .and_then(|o| o.output_value())
        .ok_or("the stack has no RoleArn output")?
        .parse()?;
    println!("stack {stack} created {role}");

    // The customer hands back the role ARN; the connector tests it.
    let submission = connector.submit_role(&id, role.clone()).await?;
    if let Some(report) = submission.report() {
        println!("connection test: {:?}", report.outcome());
        for finding in report.findings() {
            println!(
                "  {} {}: {}",
                finding.severity(),
                finding.code(),
                finding.message()
            );
        }
    }
    let connection = submission.connection();
    println!("connection {} is {}", connection.id(), connection.state());
    if let Some(diagnosis) = connection.last_diagnosis() {
        println!("  what to fix: {}", diagnosis.remediation());
    }

    // The production wiring: an S3 client on the connection's credentials. The connection is
    // not live, so the client gets none, and no role session is ever created for it.
    let connected = SessionCredentialsProvider::connected(connector.session(id.clone()));
    let s3 = s3_client(&connected, &sdk);
    match s3.list_buckets().send().await {
        Ok(_) => return Err("a refused connection handed out credentials".into()),
        Err(_) => match connected.load().await {
            Err(error) => println!("S3 on the connection: no credentials ({})", chain(&error)),
            Ok(_) => return Err("a refused connection handed out credentials".into()),
        },
    }

    // Only to show S3 calls signed through the bridge on moto: a bare credential session on the
    // role, with no connection and no connection test behind it. Never hand a role the
    // connection test refused to workers like this; on AWS, use the connected session above.
    let request = AssumeRoleRequest::new(role, "example-bridge-demo".parse()?)
        .with_external_id(pending.external_id().clone())
        .with_region(region);
    let session = CredentialSession::new(
        provider,
        request,
        Arc::new(SystemClock),
        RefreshPolicy::default(),
    )?;
    let s3 = s3_client(&SessionCredentialsProvider::new(Arc::new(session)), &sdk);
    let buckets = s3.list_buckets().send().await?;
    println!(
        "S3 through the bridge on a bare session: {} bucket(s)",
        buckets.buckets().len()
    );

    // Disconnecting: the vendor disconnects the connection, the customer deletes the stack.
    connector.disconnect(&id).await?;
    cloudformation
        .delete_stack()
        .stack_name(&stack)
        .send()
        .await?;
    println!("connection disconnected, stack deleted: the role is gone");
    Ok(())
}
