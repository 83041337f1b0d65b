//! connector-store: envelope encryption per record, compare-and-swap throughput with 8
//! concurrent writers, and listing a fleet page by page (time, and the memory the listing
//! adds), on SQLite and, when a server is given (`CONNECTOR_TEST_POSTGRES_URL`, as
//! `scripts/test` exports it), Postgres.
//!
//! `cargo bench -p benches --bench stores`. Under `cargo test` (no `--bench` argument) the
//! fleet is 2,000 connections instead of 100,000, so the run stays short.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benches may panic"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_core::{
    Connection, ConnectionEvent, ConnectionStore, ListQuery, Timestamp, apply_event,
};
use connector_store::{
    DataKey, Envelope, LocalKeyProvider, PostgresConnectionStore, SqliteConnectionStore,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn fleet_size() -> usize {
    if benchmarking() { 100_000 } else { 2_000 }
}

fn keys() -> Arc<LocalKeyProvider> {
    Arc::new(LocalKeyProvider::new("bench", DataKey::new([7; 32])).unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

/// An active connection with a role, regions and a diagnosis-free record: a typical row.
fn connection(i: usize) -> Connection {
    Connection::builder(
        format!("customer-{i:06}").parse().unwrap(),
        format!("ext{i:029}").parse().unwrap(),
    )
    .with_display_name(format!("Customer {i}"))
    .with_regions(["us-east-1".parse().unwrap(), "eu-west-1".parse().unwrap()])
    .build(Timestamp(1_800_000_000))
    .unwrap()
    .apply(
        ConnectionEvent::RoleSubmitted {
            role_arn: format!(
                "arn:aws:iam::{:012}:role/vendor-read-only",
                100_000_000_000u64 + i as u64
            )
            .parse()
            .unwrap(),
        },
        Timestamp(1_800_000_001),
    )
    .unwrap()
}

fn encryption(c: &mut Criterion) {
    let rt = runtime();
    let envelope = Envelope::new(keys());
    let record = connection(42);
    let sealed = rt.block_on(envelope.seal(&record)).unwrap();
    let json = serde_json::to_vec(&record).unwrap();
    let mut group = c.benchmark_group("store_crypto");
    // The JSON alone, to tell the encryption's share from the serialization's.
    group.bench_function("serialize_only", |b| {
        b.iter(|| serde_json::to_vec(black_box(&record)).unwrap())
    });
    group.bench_function("deserialize_only", |b| {
        b.iter(|| serde_json::from_slice::<Connection>(black_box(&json)).unwrap())
    });
    group.bench_function("seal_cached_key", |b| {
        b.iter(|| rt.block_on(envelope.seal(black_box(&record))).unwrap())
    });
    group.bench_function("open_cached_key", |b| {
        b.iter(|| {
            rt.block_on(envelope.open("customer-000042", 1, black_box(&sealed)))
                .unwrap()
        })
    });
    group.finish();
}

/// Creates `count` connections with 8 concurrent inserters.
async fn fill(store: Arc<dyn ConnectionStore>, count: usize) {
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in (w..count).step_by(8) {
                store.create(&connection(i)).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// `updates` compare-and-swap updates by 8 writers, each on its own connection; the time.
async fn cas_8_writers(store: Arc<dyn ConnectionStore>, updates: u64) -> Duration {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..8u64 {
        let store = store.clone();
        let per_writer = updates.div_ceil(8);
        tasks.push(tokio::spawn(async move {
            let id = connection(w as usize).id().clone();
            for n in 0..per_writer {
                let at = Timestamp(1_800_001_000 + n as i64);
                apply_event(store.as_ref(), &id, at, 20, |current| {
                    Ok(
                        if current.state() == connector_core::ConnectionState::Disconnected {
                            ConnectionEvent::ReconnectRequested { role_arn: None }
                        } else {
                            ConnectionEvent::DisconnectRequested
                        },
                    )
                })
                .await
                .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    started.elapsed()
}

fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Lists every connection, 1,000 a page; how many, how long, and the most resident memory
/// grew over the listing.
async fn list_all(store: &dyn ConnectionStore) -> (usize, Duration, u64) {
    let started = Instant::now();
    let base = resident_bytes().unwrap_or(0);
    let mut peak = 0u64;
    let mut seen = 0;
    let mut cursor = None;
    loop {
        let page = store
            .list(&ListQuery::all().with_limit(1000).with_cursor(cursor))
            .await
            .unwrap();
        seen += page.connections().len();
        peak = peak.max(resident_bytes().unwrap_or(0).saturating_sub(base));
        match page.next() {
            Some(next) => cursor = Some(next.clone()),
            None => break,
        }
    }
    (seen, started.elapsed(), peak)
}

fn backend(
    c: &mut Criterion,
    name: &str,
    store: Arc<dyn ConnectionStore>,
    rt: &tokio::runtime::Runtime,
) {
    let count = fleet_size();
    let started = Instant::now();
    rt.block_on(fill(store.clone(), count));
    eprintln!(
        "{name}: created {count} connections in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Listing: the whole fleet, then a tenth of it (a fresh listing of the first pages), to
    // show the memory does not grow with the fleet.
    let (seen, took, peak) = rt.block_on(list_all(store.as_ref()));
    assert_eq!(seen, count);
    eprintln!(
        "{name}: listed {seen} connections 1,000 a page in {:.2} s; resident memory grew by at most {} KiB while listing",
        took.as_secs_f64(),
        peak / 1024
    );

    let updates = if benchmarking() { 8_000 } else { 400 };
    let took = rt.block_on(cas_8_writers(store.clone(), updates));
    eprintln!(
        "{name}: {updates} compare-and-swap updates by 8 writers in {:.2} s: {:.0} updates/s",
        took.as_secs_f64(),
        updates as f64 / took.as_secs_f64()
    );

    let mut group = c.benchmark_group(format!("store_{name}"));
    group.sample_size(10);
    let id = connection(0).id().clone();
    group.bench_function("get_one", |b| {
        b.iter(|| rt.block_on(store.get(black_box(&id))).unwrap())
    });
    group.bench_function("list_page_of_1000", |b| {
        b.iter(|| {
            rt.block_on(store.list(&ListQuery::all().with_limit(1000)))
                .unwrap()
        })
    });
    group.finish();
}

fn sqlite(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let store = rt
        .block_on(SqliteConnectionStore::open(
            dir.path().join("bench.db"),
            keys(),
        ))
        .unwrap();
    backend(c, "sqlite", Arc::new(store), &rt);
}

fn postgres(c: &mut Criterion) {
    let Ok(admin) = std::env::var("CONNECTOR_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED the Postgres rows: CONNECTOR_TEST_POSTGRES_URL is unset (scripts/test starts a server)"
        );
        return;
    };
    let rt = runtime();
    let url = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        sqlx::query("DROP DATABASE IF EXISTS bench WITH (FORCE)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("CREATE DATABASE bench")
            .execute(&pool)
            .await
            .unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        format!("{base}/bench")
    });
    let store = rt
        .block_on(PostgresConnectionStore::connect(&url, keys()))
        .unwrap();
    backend(c, "postgres", Arc::new(store), &rt);
}

criterion_group!(benches, encryption, sqlite, postgres);
criterion_main!(benches);
