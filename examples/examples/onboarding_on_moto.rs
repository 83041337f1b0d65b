//! The same onboarding against moto, the local AWS emulator: the onboarding CloudFormation
//! template becomes a real stack, the role it creates is tested with the aws-sdk-sts adapter,
//! and its credentials drive an S3 client through the bridge.
//!
//! moto does not enforce trust policies, so the connection test *refuses* the role (it can be
//! assumed without the External ID): that is the correct answer, and what AWS would say about
//! a role whose trust policy forgot the condition.
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

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_cloudformation::types::{Capability, Parameter};
use connector_aws::{AwsStsProvider, SessionCredentialsProvider};
use connector_core::iam_policy::RoleArn;
use connector_core::{
    AssumeRoleRequest, CredentialSession, RefreshPolicy, SystemClock, verify_connection,
};
use onboarding::Onboarding;
use permission_sets::builtin;
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(endpoint) = std::env::var("CONNECTOR_MOTO_ENDPOINT") else {
        eprintln!("set CONNECTOR_MOTO_ENDPOINT to moto's address (see the example's header)");
        std::process::exit(2);
    };
    // moto checks no signature: fake static keys stand for the vendor's own credentials.
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "example",
        )))
        .build();

    let external_id = ExternalId::generate()?;
    let onboarding = Onboarding::builder(
        CrossAccountTrust::new(
            VendorPrincipal::account("999988887777".parse()?),
            external_id.clone(),
        ),
        builtin::read_only_scan()?,
    )
    .role_name("ExampleScanner")
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
        .parameters(parameter("ExternalId", external_id.as_str()))
        .parameters(parameter(
            "RoleName",
            &format!("ExampleScanner-{}", std::process::id()),
        ))
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

    let provider = Arc::new(AwsStsProvider::from_sdk_config(&sdk)?);
    let report = verify_connection(
        &*provider,
        &role,
        &external_id,
        "example",
        Some("us-east-1"),
    )
    .await;
    println!("connection test: verified = {}", report.verified);
    for finding in &report.findings {
        println!(
            "  {:?} {}: {}",
            finding.severity, finding.code, finding.message
        );
    }

    // The bridge: an S3 client on the role's refreshed credentials.
    let request = AssumeRoleRequest::new(role, "example-worker").external_id(external_id);
    let session = CredentialSession::new(
        provider,
        request,
        Arc::new(SystemClock),
        RefreshPolicy::default(),
    )?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(
            &SessionCredentialsProvider::new(Arc::new(session)).sdk_config(&sdk),
        )
        .force_path_style(true)
        .build(),
    );
    let buckets = s3.list_buckets().send().await?;
    println!(
        "S3 through the bridge: {} bucket(s)",
        buckets.buckets().len()
    );

    cloudformation
        .delete_stack()
        .stack_name(&stack)
        .send()
        .await?;
    println!("stack deleted: the role is gone");
    Ok(())
}
