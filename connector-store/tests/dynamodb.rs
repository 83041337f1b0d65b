//! The DynamoDB store and the KMS key provider against moto's server (started by
//! `scripts/test`, `CONNECTOR_MOTO_ENDPOINT`): the behaviour suite, the queue suite (parallel
//! workers, one client and two), the schedule and lease surviving record writes and rekey, a
//! table made before the schedule brought up to date, records sealed under KMS
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
use connector_core::testing::behaviour::{
    Corruptor, QueueFixture, StoreFixture, queue_contract, store_contract,
};
use connector_core::{
    BoxFuture, CheckQueue, Claim, Connection, ConnectionEvent, ConnectionId, ConnectionStore,
    ConnectorError, Lease, ListQuery, Page, QueueStats, Timestamp, WorkerId, apply_event,
    from_unix_millis,
};
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
    let Some(tools) = racing_moto_tools("the_dynamodb_store_passes_the_behaviour_suite_on_moto")
    else {
        return;
    };
    let server = serial_moto(&tools).await;
    let config = sdk_config(&server.endpoint);
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
    // A worker holds the connection while the records are sealed again.
    let claims = claim_acme(&old).await;
    let before = raw_item(&old, "acme").await;
    let report = rotated.rekey().await.unwrap();
    assert_eq!(report.records_rewritten(), 1);
    assert_eq!(rotated.rekey().await.unwrap().records_rewritten(), 0);
    let item = raw_item(&rotated, "acme").await;
    let sealed = item["sealed"].as_b().unwrap().as_ref();
    assert_eq!(
        Envelope::master_key_id_of(sealed).as_deref(),
        Some(new_key.as_str())
    );
    assert_ne!(old_key, new_key);
    assert_eq!(rotated.get(c.id()).await.unwrap(), Some(c));
    // Rekey rewrote the sealed record alone: the schedule and the lease are as they were.
    for attribute in ["due_at", "due_shard", "lease_owner", "lease_until"] {
        assert_eq!(item.get(attribute), before.get(attribute), "{attribute}");
        assert!(item.contains_key(attribute), "{attribute} is gone");
    }
    rotated.finish(claims[0].lease(), None).await.unwrap();
}

/// The item as stored (a consistent read).
async fn raw_item(
    store: &DynamoDbConnectionStore,
    id: &str,
) -> std::collections::HashMap<String, AttributeValue> {
    store
        .client()
        .get_item()
        .table_name(store.table())
        .key("id", AttributeValue::S(id.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}

/// [`common::active`] made "acme" due at its verification (T = 1_800_000_010 s); a worker
/// claims it at T + 20 s for a minute.
async fn claim_acme(store: &DynamoDbConnectionStore) -> Vec<Claim> {
    let worker: WorkerId = "worker-a".parse().unwrap();
    let claims = store
        .claim_due(&worker, unix(1_800_000_030), Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].due(), unix(1_800_000_010));
    claims
}

fn unix(seconds: i64) -> std::time::SystemTime {
    from_unix_millis(seconds * 1_000)
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
            "import hcl2, sys, json; d = hcl2.load(open(sys.argv[1])); r = d['resource'][0]['aws_dynamodb_table']['connector_connections']; assert r['hash_key'] == 'id', r; gsi = r['global_secondary_index']; assert [g['name'] for g in gsi] == ['by_state', 'by_due'], gsi; assert gsi[0]['range_key'] == 'id' and gsi[1]['hash_key'] == 'due_shard' and gsi[1]['range_key'] == 'due_at' and gsi[1]['non_key_attributes'] == ['lease_owner', 'lease_until'], gsi",
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

/// A moto server of this test's own that answers one request at a time
/// (`tests/serial_moto.py`): moto's threaded server applies a conditional `UpdateItem` without
/// a lock, so racing writers could both pass one condition there, as they cannot on
/// DynamoDB. Tests that race writers on one item run on this one.
async fn serial_moto(tools: &str) -> OwnMoto {
    let mut command = std::process::Command::new(format!("{tools}/python"));
    command.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/serial_moto.py"));
    start_moto(command, &["127.0.0.1"]).await
}

/// Starts `command` with `args` and a free loopback port, and waits until it listens.
async fn start_moto(mut command: std::process::Command, args: &[&str]) -> OwnMoto {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = command
        .args(args)
        .arg(port.to_string())
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
    panic!("moto did not start on {endpoint}");
}

/// The tools directory, when moto runs (`scripts/test` sets both variables).
fn racing_moto_tools(test: &str) -> Option<String> {
    match (moto(test), std::env::var("CONNECTOR_PY_TOOLS")) {
        (Some(_), Ok(tools)) => Some(tools),
        (Some(_), Err(_)) => {
            eprintln!(
                "SKIPPED {test}: CONNECTOR_PY_TOOLS is not set (scripts/test sets it); the racing writers need a moto answering one request at a time"
            );
            None
        }
        (None, _) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_that_stops_answering_mid_write_loses_no_update_and_fails_retryably() {
    let test = "a_server_that_stops_answering_mid_write_loses_no_update_and_fails_retryably";
    let (Some(_), Ok(tools)) = (moto(test), std::env::var("CONNECTOR_PY_TOOLS")) else {
        eprintln!("SKIPPED {test}: needs moto (scripts/test)");
        return;
    };
    let server = serial_moto(&tools).await;
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

/// Two handles on one table, each with its own client, taking turns call by call: the
/// suite's competing workers go through both.
#[derive(Debug)]
struct TwoClients {
    handles: [DynamoDbConnectionStore; 2],
    turn: std::sync::atomic::AtomicUsize,
}

impl TwoClients {
    fn next(&self) -> &DynamoDbConnectionStore {
        let turn = self.turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        &self.handles[turn % 2]
    }
}

impl ConnectionStore for TwoClients {
    fn create<'a>(&'a self, c: &'a Connection) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.next().create(c)
    }
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        self.next().get(id)
    }
    fn compare_and_swap<'a>(
        &'a self,
        expected: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.next().compare_and_swap(expected, new)
    }
    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.next().delete(id)
    }
    fn list<'a>(&'a self, q: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        self.next().list(q)
    }
}

impl CheckQueue for TwoClients {
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: std::time::SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        self.next().claim_due(worker, now, lease_for, limit)
    }
    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<std::time::SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.next().finish(lease, next_due)
    }
    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: std::time::SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.next().request_check(id, at)
    }
    fn queue_stats<'a>(
        &'a self,
        now: std::time::SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        self.next().queue_stats(now)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dynamodb_queue_passes_the_queue_suite_with_parallel_workers_and_two_clients() {
    let test = "the_dynamodb_queue_passes_the_queue_suite_with_parallel_workers_and_two_clients";
    let Some(tools) = racing_moto_tools(test) else {
        return;
    };
    let server = serial_moto(&tools).await;
    let endpoint = server.endpoint.clone();
    let config = sdk_config(&endpoint);
    let (store, key) = new_store(&config, "queue").await;
    // Records of today beside the suite's (which live in 2001).
    active(&store, "product-acme").await;
    let started = std::time::Instant::now();
    let report =
        queue_contract(&QueueFixture::new(Arc::new(store.clone())).with_spawner(spawner()))
            .await
            .unwrap();
    eprintln!(
        "queue suite, one client, parallel workers: {} checks in {:?}",
        report.checks.len(),
        started.elapsed()
    );
    assert!(report.checks.contains(&"claims_are_exclusive"));
    assert_eq!(report.checks.len(), 8);
    // A second client on the same table (another process, as far as DynamoDB can tell).
    let config2 = sdk_config(&endpoint);
    let other = DynamoDbConnectionStore::with_keys(
        aws_sdk_dynamodb::Client::new(&config2),
        store.table(),
        Arc::new(KmsKeyProvider::new(aws_sdk_kms::Client::new(&config2), &key).unwrap()),
    );
    let two = TwoClients {
        handles: [store, other],
        turn: Default::default(),
    };
    let started = std::time::Instant::now();
    queue_contract(
        &QueueFixture::new(Arc::new(two))
            .with_spawner(spawner())
            .with_prefix("two"),
    )
    .await
    .unwrap();
    eprintln!(
        "queue suite, two clients, parallel workers: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn compare_and_swap_keeps_a_live_lease_and_the_due_time() {
    let Some(endpoint) = moto("compare_and_swap_keeps_a_live_lease_and_the_due_time") else {
        return;
    };
    let config = sdk_config(&endpoint);
    let (store, _) = new_store(&config, "swap-lease").await;
    // Pending: not on the schedule.
    let pending = Connection::builder("pending".parse().unwrap(), EXTERNAL_ID.parse().unwrap())
        .build(Timestamp(1_800_000_000))
        .unwrap();
    store.create(&pending).await.unwrap();
    let item = raw_item(&store, "pending").await;
    assert!(!item.contains_key("due_at") && !item.contains_key("due_shard"));

    let c = active(&store, "acme").await;
    let claims = claim_acme(&store).await;
    let before = raw_item(&store, "acme").await;
    assert_eq!(before["lease_owner"].as_s().unwrap(), "worker-a");
    assert_eq!(before["due_at"].as_n().unwrap(), "1800000010000");
    // A record write while the worker holds the connection (degraded: still health-checked).
    let degraded = apply_event(&store, c.id(), Timestamp(1_800_000_040), 3, |_| {
        Ok(ConnectionEvent::RefreshFailed {
            diagnosis: connector_core::Diagnosis::new(
                connector_core::DiagnosisCode::Throttled,
                "throttled",
                Timestamp(1_800_000_040),
            ),
        })
    })
    .await
    .unwrap();
    assert_eq!(degraded.revision(), c.revision() + 1);
    assert!(degraded.is_health_checked());
    let after = raw_item(&store, "acme").await;
    for attribute in ["due_at", "due_shard", "lease_owner", "lease_until"] {
        assert_eq!(after.get(attribute), before.get(attribute), "{attribute}");
    }
    // Nobody else gets it while the lease lives, and its holder still finishes it.
    let other: WorkerId = "worker-b".parse().unwrap();
    assert!(
        store
            .claim_due(&other, unix(1_800_000_050), Duration::from_secs(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    store
        .finish(claims[0].lease(), Some(unix(1_800_000_300)))
        .await
        .unwrap();
    let finished = raw_item(&store, "acme").await;
    assert_eq!(finished["due_at"].as_n().unwrap(), "1800000300000");
    assert!(!finished.contains_key("lease_owner") && !finished.contains_key("lease_until"));
    // A disconnect takes it off the schedule (the sparse index drops it).
    apply_event(&store, c.id(), Timestamp(1_800_000_060), 3, common::toggle)
        .await
        .unwrap();
    let off = raw_item(&store, "acme").await;
    assert!(!off.contains_key("due_at") && !off.contains_key("due_shard"));
    assert!(
        !store
            .request_check(c.id(), unix(1_800_000_000))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_table_made_before_the_schedule_gets_its_index_and_its_connections_scheduled() {
    let test = "a_table_made_before_the_schedule_gets_its_index_and_its_connections_scheduled";
    let Some(endpoint) = moto(test) else {
        return;
    };
    let config = sdk_config(&endpoint);
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = unique("before-schedule");
    // The table as the previous release made it: `by_state` only.
    let key = |name: &str, kind| {
        aws_sdk_dynamodb::types::KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    };
    let string = |name: &str| {
        aws_sdk_dynamodb::types::AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    use aws_sdk_dynamodb::types::KeyType;
    client
        .create_table()
        .table_name(&table)
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(string("id"))
        .attribute_definitions(string("state"))
        .key_schema(key("id", KeyType::Hash))
        .global_secondary_indexes(
            aws_sdk_dynamodb::types::GlobalSecondaryIndex::builder()
                .index_name("by_state")
                .key_schema(key("state", KeyType::Hash))
                .key_schema(key("id", KeyType::Range))
                .projection(
                    aws_sdk_dynamodb::types::Projection::builder()
                        .projection_type(aws_sdk_dynamodb::types::ProjectionType::All)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let kms = kms_key(&config).await;
    let keys = Arc::new(KmsKeyProvider::new(aws_sdk_kms::Client::new(&config), &kms).unwrap());
    let store = DynamoDbConnectionStore::with_keys(client.clone(), &table, keys);
    // Records written by the previous release: no schedule attributes.
    let c = active(&store, "acme").await;
    let pending = Connection::builder("pending".parse().unwrap(), EXTERNAL_ID.parse().unwrap())
        .build(Timestamp(1_800_000_000))
        .unwrap();
    store.create(&pending).await.unwrap();
    client
        .update_item()
        .table_name(&table)
        .key("id", AttributeValue::S("acme".into()))
        .update_expression("REMOVE due_at, due_shard")
        .send()
        .await
        .unwrap();
    let indexes = |described: aws_sdk_dynamodb::operation::describe_table::DescribeTableOutput| {
        described
            .table()
            .unwrap()
            .global_secondary_indexes()
            .iter()
            .map(|i| i.index_name().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let described = client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    assert_eq!(indexes(described), ["by_state"]);
    // Without the index the queue fails, never answers "nothing due".
    let worker: WorkerId = "worker-a".parse().unwrap();
    let err = store
        .claim_due(&worker, unix(1_900_000_000), Duration::from_secs(60), 10)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::StoreUnavailable { .. }),
        "{err:?}"
    );
    assert!(store.queue_stats(unix(1_900_000_000)).await.is_err());

    // create_table on the existing table adds the index, also when two processes start at
    // once (the one whose UpdateTable loses waits on the other's index); ensure_schedule_index
    // then finds it.
    let twin = store.clone();
    let (first, second) = tokio::join!(store.create_table(), twin.create_table());
    first.unwrap();
    second.unwrap();
    let described = client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    let mut names = indexes(described);
    names.sort();
    assert_eq!(names, ["by_due", "by_state"]);
    assert!(
        !store
            .ensure_schedule_index(Duration::from_secs(5))
            .await
            .unwrap()
    );

    // The old record is not on the schedule until schedule_existing puts it there (the
    // pending one never is).
    assert!(
        store
            .claim_due(&worker, unix(1_900_000_000), Duration::from_secs(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.schedule_existing().await.unwrap(), 1);
    assert_eq!(store.schedule_existing().await.unwrap(), 0);
    let claims = store
        .claim_due(&worker, unix(1_900_000_000), Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].id(), c.id());
    // Due at its last update, as a write would have made it.
    assert_eq!(claims[0].due(), unix(c.updated_at().0));
}

#[tokio::test]
async fn the_queue_fails_retryably_when_dynamodb_does_not_answer() {
    // A loopback port nothing listens on: every request fails to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = sdk_config_with(
        &format!("http://127.0.0.1:{port}"),
        Duration::from_secs(1),
        1,
    );
    let keys =
        Arc::new(KmsKeyProvider::new(aws_sdk_kms::Client::new(&config), "alias/none").unwrap());
    let store =
        DynamoDbConnectionStore::with_keys(aws_sdk_dynamodb::Client::new(&config), "absent", keys);
    let worker: WorkerId = "worker-a".parse().unwrap();
    let unavailable = |e: ConnectorError| {
        assert!(
            matches!(e, ConnectorError::StoreUnavailable { .. }) && e.is_retryable(),
            "{e:?}"
        );
    };
    // Never an empty claim list, a "not scheduled" or zero figures: an error.
    unavailable(
        store
            .claim_due(&worker, unix(1_800_000_000), Duration::from_secs(60), 10)
            .await
            .unwrap_err(),
    );
    let lease = Lease::new("acme".parse().unwrap(), worker.clone(), 1_800_000_060_000);
    unavailable(store.finish(&lease, None).await.unwrap_err());
    unavailable(
        store
            .request_check(&"acme".parse().unwrap(), unix(1_800_000_000))
            .await
            .unwrap_err(),
    );
    unavailable(store.queue_stats(unix(1_800_000_000)).await.unwrap_err());
}

/// The shard `connector-store` puts an id in: FNV-1a 64 of its bytes modulo 16 (a copy, so
/// the test can fill one shard on purpose).
fn shard_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    }) % 16
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_pages_past_a_long_run_of_leased_connections_in_one_shard() {
    let test = "a_claim_pages_past_a_long_run_of_leased_connections_in_one_shard";
    let Some(endpoint) = moto(test) else {
        return;
    };
    let config = sdk_config(&endpoint);
    let (store, _) = new_store(&config, "paging").await;
    // 230 connections of shard 3, due one second apart from T.
    const T: i64 = 1_800_000_000;
    let ids: Vec<String> = (0..)
        .map(|i| format!("paging-{i:05}"))
        .filter(|id| shard_of(id) == 3)
        .take(230)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let at = Timestamp(T + i as i64);
        let c = Connection::builder(id.parse().unwrap(), EXTERNAL_ID.parse().unwrap())
            .build(at)
            .unwrap()
            .apply(
                ConnectionEvent::RoleSubmitted {
                    role_arn: common::ROLE.parse().unwrap(),
                },
                at,
            )
            .unwrap();
        store.create(&c).await.unwrap();
    }
    assert_eq!(
        raw_item(&store, &ids[0]).await["due_shard"].as_s().unwrap(),
        "3"
    );
    let now = unix(T + 1_000);
    let (a, b): (WorkerId, WorkerId) = ("worker-a".parse().unwrap(), "worker-b".parse().unwrap());
    let held = store
        .claim_due(&a, now, Duration::from_secs(60), 220)
        .await
        .unwrap();
    assert_eq!(held.len(), 220);
    assert_eq!(held[0].due(), unix(T));
    // The 220 leased entries come first in the shard: B's query reads past them, page after
    // page, to the 10 free ones, and takes the 5 earliest.
    let rest = store
        .claim_due(&b, now, Duration::from_secs(60), 5)
        .await
        .unwrap();
    let got: Vec<&str> = rest.iter().map(|c| c.id().as_str()).collect();
    let expected: Vec<&str> = ids[220..225].iter().map(String::as_str).collect();
    assert_eq!(got, expected);
    let stats = store.queue_stats(now).await.unwrap();
    assert_eq!((stats.due(), stats.leased()), (5, 225));
    assert_eq!(stats.oldest_due(), Some(unix(T + 225)));
    assert_eq!(stats.count(connector_core::ConnectionState::Verifying), 230);
}
