//! The DynamoDB store and the KMS key provider against moto's server (started by
//! `scripts/test`, `CONNECTOR_MOTO_ENDPOINT`): the behaviour suite, records sealed under KMS
//! data keys (moto enforces the encryption context), rekey from one KMS key to another, the
//! table snippets pass cfn-lint and the HCL parser, and a server that stops answering in the
//! middle of concurrent writes (a moto of the test's own, paused with SIGSTOP) fails
//! retryably and loses no update. Without moto the tests print SKIPPED and return.

#![cfg(all(feature = "dynamodb", feature = "kms"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

mod common;

use common::{EXTERNAL_ID, Writers, active, spawner};

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region as SdkRegion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use connector_core::testing::behaviour::{Corruptor, StoreFixture, store_contract};
use connector_core::{ConnectionId, ConnectionStore, ConnectorError};
use connector_store::{
    DynamoDbConnectionStore, Envelope, KeyProvider, KmsKeyProvider, TABLE_CLOUDFORMATION_YAML,
    TABLE_TERRAFORM,
};

fn moto(test: &str) -> Option<String> {
    match std::env::var("CONNECTOR_MOTO_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => Some(endpoint),
        _ => {
            eprintln!(
                "SKIPPED {test}: CONNECTOR_MOTO_ENDPOINT is not set (scripts/test starts moto)"
            );
            None
        }
    }
}

/// The config every test uses: moto's endpoint, fake keys, the SDK's standard retries.
fn sdk_config(endpoint: &str) -> SdkConfig {
    sdk_config_with(endpoint, Duration::from_secs(20), 3)
}

fn sdk_config_with(endpoint: &str, attempt_timeout: Duration, attempts: u32) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(SdkRegion::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "moto-test",
        )))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(attempt_timeout)
                .build(),
        )
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(attempts))
        .build()
}

async fn kms_key(config: &SdkConfig) -> String {
    let kms = aws_sdk_kms::Client::new(config);
    kms.create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned()
}

/// A table name no earlier run on the same moto server used.
fn unique(table: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{table}-{}-{nanos}", std::process::id())
}

async fn new_store(config: &SdkConfig, table: &str) -> (DynamoDbConnectionStore, String) {
    let table = unique(table);
    let table = table.as_str();
    let key = kms_key(config).await;
    let keys = Arc::new(KmsKeyProvider::new(aws_sdk_kms::Client::new(config), &key).unwrap());
    let store =
        DynamoDbConnectionStore::with_keys(aws_sdk_dynamodb::Client::new(config), table, keys);
    store.create_table().await.unwrap();
    // Twice is fine (the table exists).
    store.create_table().await.unwrap();
    (store, key)
}

fn corruptor(store: DynamoDbConnectionStore) -> Corruptor {
    Arc::new(move |id: &ConnectionId| {
        let store = store.clone();
        let id = id.as_str().to_owned();
        Box::pin(async move {
            let item = store
                .client()
                .get_item()
                .table_name(store.table())
                .key("id", AttributeValue::S(id.clone()))
                .send()
                .await
                .unwrap()
                .item
                .unwrap();
            let mut sealed = item["sealed"].as_b().unwrap().as_ref().to_vec();
            let last = sealed.len() - 1;
            sealed[last] ^= 1;
            store
                .client()
                .update_item()
                .table_name(store.table())
                .key("id", AttributeValue::S(id))
                .update_expression("SET sealed = :s")
                .expression_attribute_values(":s", AttributeValue::B(Blob::new(sealed)))
                .send()
                .await
                .unwrap();
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dynamodb_store_passes_the_behaviour_suite_on_moto() {
    let Some(endpoint) = moto("the_dynamodb_store_passes_the_behaviour_suite_on_moto") else {
        return;
    };
    let config = sdk_config(&endpoint);
    let (store, _) = new_store(&config, "contract-interleaved").await;
    let fixture = StoreFixture::new(Arc::new(store.clone()))
        .with_corruptor(corruptor(store))
        .with_writers(4, 25);
    let report = store_contract(&fixture).await.unwrap();
    assert!(report.checks.contains(&"corrupt_record"));
    let (store, _) = new_store(&config, "contract-parallel").await;
    let fixture = StoreFixture::new(Arc::new(store))
        .with_spawner(spawner())
        .with_writers(8, 25);
    store_contract(&fixture).await.unwrap();
}

#[tokio::test]
async fn dynamodb_items_hold_no_identifier_and_kms_rekey_round_trips() {
    let Some(endpoint) = moto("dynamodb_items_hold_no_identifier_and_kms_rekey_round_trips") else {
        return;
    };
    let config = sdk_config(&endpoint);
    let (old, old_key) = new_store(&config, "sealed").await;
    let c = active(&old, "acme").await;
    let scanned = old
        .client()
        .scan()
        .table_name(old.table())
        .send()
        .await
        .unwrap();
    let dump = format!("{:?}", scanned.items);
    assert!(!dump.contains(EXTERNAL_ID) && !dump.contains("VendorReadOnly"));

    // Move to a new KMS key: old records still read (their key id is in the record), rekey
    // rewrites them, and then they read under the new key's provider alone.
    let new_key = kms_key(&config).await;
    let keys = Arc::new(KmsKeyProvider::new(aws_sdk_kms::Client::new(&config), &new_key).unwrap());
    assert_eq!(keys.current_master_key_id(), new_key);
    let rotated = DynamoDbConnectionStore::with_keys(
        aws_sdk_dynamodb::Client::new(&config),
        old.table(),
        keys,
    );
    assert_eq!(rotated.get(c.id()).await.unwrap().as_ref(), Some(&c));
    let report = rotated.rekey().await.unwrap();
    assert_eq!(report.records_rewritten(), 1);
    assert_eq!(rotated.rekey().await.unwrap().records_rewritten(), 0);
    let item = rotated
        .client()
        .get_item()
        .table_name(rotated.table())
        .key("id", AttributeValue::S("acme".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let sealed = item["sealed"].as_b().unwrap().as_ref();
    assert_eq!(
        Envelope::master_key_id_of(sealed).as_deref(),
        Some(new_key.as_str())
    );
    assert_ne!(old_key, new_key);
    assert_eq!(rotated.get(c.id()).await.unwrap(), Some(c));
}

#[tokio::test]
async fn a_kms_data_key_from_another_context_does_not_open() {
    let Some(endpoint) = moto("a_kms_data_key_from_another_context_does_not_open") else {
        return;
    };
    let config = sdk_config(&endpoint);
    let key = kms_key(&config).await;
    let kms = aws_sdk_kms::Client::new(&config);
    // A data key of the same KMS key made for something else (another context).
    let foreign = kms
        .generate_data_key()
        .key_id(&key)
        .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
        .encryption_context("purpose", "something-else")
        .send()
        .await
        .unwrap();
    let wrapped = connector_store::WrappedKey::new(
        key.clone(),
        foreign.ciphertext_blob().unwrap().as_ref().to_vec(),
    )
    .unwrap();
    let provider = KmsKeyProvider::new(kms, &key).unwrap();
    let err = provider.unwrap_data_key(&wrapped).await.unwrap_err();
    assert!(
        matches!(err, connector_store::KeyError::Unwrap { .. }),
        "{err}"
    );
    assert!(!format!("{err:?}").contains("plaintext"));
}

#[test]
fn the_table_snippets_pass_cfn_lint_and_the_hcl_parser() {
    let Ok(tools) = std::env::var("CONNECTOR_PY_TOOLS") else {
        eprintln!(
            "SKIPPED the_table_snippets_pass_cfn_lint_and_the_hcl_parser: CONNECTOR_PY_TOOLS is not set (scripts/test sets it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("table.yaml");
    std::fs::write(&template, TABLE_CLOUDFORMATION_YAML).unwrap();
    let lint = std::process::Command::new(format!("{tools}/cfn-lint"))
        .arg(&template)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "cfn-lint: {}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    let hcl = dir.path().join("table.tf");
    std::fs::write(&hcl, TABLE_TERRAFORM).unwrap();
    let parsed = std::process::Command::new(format!("{tools}/python"))
        .args([
            "-c",
            "import hcl2, sys, json; d = hcl2.load(open(sys.argv[1])); r = d['resource'][0]['aws_dynamodb_table']['connector_connections']; assert r['hash_key'] == 'id', r; gsi = r['global_secondary_index'][0]; assert gsi['name'] == 'by_state' and gsi['range_key'] == 'id', gsi",
        ])
        .arg(&hcl)
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "python-hcl2: {}",
        String::from_utf8_lossy(&parsed.stderr)
    );
}

/// A moto server of this test's own, on a free loopback port.
struct OwnMoto {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for OwnMoto {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn own_moto(tools: &str) -> OwnMoto {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(format!("{tools}/moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let endpoint = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return OwnMoto { child, endpoint };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("moto_server did not start on {endpoint}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_that_stops_answering_mid_write_loses_no_update_and_fails_retryably() {
    let test = "a_server_that_stops_answering_mid_write_loses_no_update_and_fails_retryably";
    let (Some(_), Ok(tools)) = (moto(test), std::env::var("CONNECTOR_PY_TOOLS")) else {
        eprintln!("SKIPPED {test}: needs moto (scripts/test)");
        return;
    };
    let server = own_moto(&tools).await;
    // One attempt of at most a second: a pause of the server shows as failures, not as slow
    // successes.
    let config = sdk_config_with(&server.endpoint, Duration::from_secs(1), 1);
    let (store, _) = new_store(&config, "paused").await;
    let store = Arc::new(store);
    let c = active(store.as_ref(), "acme").await;
    let base = c.revision();
    let writers = Writers::start(
        store.clone(),
        c.id(),
        4,
        |e| matches!(e, ConnectorError::StoreUnavailable { .. }) && e.is_retryable(),
        Duration::from_millis(50),
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before = writers.succeeded();
    let pid = server.child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-STOP", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(3000)).await;
    let during = writers.succeeded();
    assert!(
        std::process::Command::new("kill")
            .args(["-CONT", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (ok, errors) = writers.stop().await;
    assert!(before > 0, "no write before the pause");
    assert!(errors > 0, "the pause was not noticed");
    assert!(ok > during, "no write after the server came back");
    let last = store.get(c.id()).await.unwrap().unwrap();
    assert!(
        last.revision() >= base + ok,
        "lost an update: {} < {}",
        last.revision(),
        base + ok
    );
    assert!(last.revision() <= base + ok + errors);
}
