//! The fleet-health simulation at test scale (issue 15): correctness of the fleet on
//! simulated time, not the speed of the machine — every connection checked once per
//! interval (no double, no miss), the STS rate under the limit, revocations detected within
//! the interval, `check_now` disconnecting at once, a killed worker's connections taken over
//! within a lease. On the in-memory store with paused tokio time, and on Postgres with time
//! scaled from the wall clock when `CONNECTOR_TEST_POSTGRES_URL` is set (`scripts/test`
//! starts a server).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::sync::Arc;
use std::time::Duration;

use benches::fleet_sim::{SimConfig, SimReport, TimeMode, simulate};
use connector_core::InMemoryConnectionStore;
use connector_store::{DataKey, LocalKeyProvider, PostgresConnectionStore};
use sqlx::Executor as _;

/// 2,000 connections, 2 workers, 3 intervals of 30 s, 50 revocations, a kill mid-interval
/// (with a 10 s lease, so the takeover happens within the run), a check now.
fn small() -> SimConfig {
    SimConfig {
        connections: 2_000,
        workers: 2,
        interval: Duration::from_secs(30),
        rate: 100.0,
        revocations: 50,
        kill_at: Some(Duration::from_millis(45_050)),
        check_now_at: Some(Duration::from_millis(37_500)),
        intervals: 3,
        lease: Duration::from_secs(10),
        ..SimConfig::default()
    }
}

/// The targets of issue 15 on `report`. The median detection is held to half the interval
/// plus `median_slack_ms`: a revocation waits for the connection's next phase (uniform over
/// the interval, median half of it) and then for that check's lag, so with a few dozen
/// revocations on wall-scaled time the median lands either side of half the interval.
fn assert_targets(report: &SimReport, median_slack_ms: i64) {
    let c = &report.checks;
    assert_eq!(report.scheduled, report.config.connections as u64);
    assert_eq!(c.doubles, 0, "{:?}", c.examples);
    assert_eq!(c.missed, 0, "{:?}", c.examples);
    assert_eq!(c.leases_lost, 0);
    // Each connection about once per interval (revoked ones stop after their detection).
    let expected = report.config.connections as u64 * u64::from(report.config.intervals);
    assert!(
        c.checks > expected * 9 / 10 && c.checks <= expected + report.config.connections as u64,
        "{} checks for {expected} connection-intervals",
        c.checks
    );
    assert!(
        report.sts.max_per_second as f64 <= report.config.rate,
        "{:?}",
        report.sts
    );
    assert!(c.lag_ms.p99 < 10_000, "{:?}", c.lag_ms);
    let interval = report.config.interval.as_millis() as i64;
    assert_eq!(c.detection_ms.count, report.config.revocations as u64);
    assert_eq!(c.undetected, 0);
    assert!(
        c.detection_ms.p50 <= interval / 2 + median_slack_ms,
        "{:?}",
        c.detection_ms
    );
    assert!(
        c.detection_ms.p99 <= interval + 10_000,
        "{:?}",
        c.detection_ms
    );
    let now = report.check_now.as_ref().unwrap();
    assert_eq!(now.state, "Disconnected");
    assert!(now.simulated_ms < 1_000.0, "{now:?}");
    let kill = report.kill.as_ref().unwrap();
    assert!(
        kill.in_flight > 0,
        "the kill landed with no check in flight: {kill:?}"
    );
    assert!(kill.takeovers >= 1, "{kill:?}");
    let lease_and_poll = kill.lease_ms as i64 + report.config.poll.as_millis() as i64;
    assert!(
        kill.takeover_after_kill_ms_max.unwrap() <= lease_and_poll,
        "{kill:?}"
    );
    if median_slack_ms == 0 {
        assert!(report.failures().is_empty(), "{:?}", report.failures());
    }
}

#[tokio::test(start_paused = true)]
async fn the_in_memory_fleet_checks_each_connection_once_per_interval_and_detects_revocations() {
    let report = simulate(&small(), Arc::new(InMemoryConnectionStore::new()))
        .await
        .unwrap();
    println!("{report}");
    assert_targets(&report, 0);
    // Paused time: 90 simulated seconds.
    assert_eq!(report.simulated_seconds.round(), 90.0);
}

/// Demand above the limit (2,000 connections every 30 s is 67 checks a second, the limit
/// 40): the limiter, not the demand, holds the rate down, and the work backs up as lag
/// instead of breaking the limit.
#[tokio::test(start_paused = true)]
async fn the_shared_rate_limit_holds_when_demand_exceeds_it() {
    let config = SimConfig {
        rate: 40.0,
        burst: Some(1.0),
        revocations: 0,
        kill_at: None,
        check_now_at: None,
        ..small()
    };
    let report = simulate(&config, Arc::new(InMemoryConnectionStore::new()))
        .await
        .unwrap();
    println!("{report}");
    assert!(report.sts.max_per_second <= 40, "{:?}", report.sts);
    assert!(report.sts.max_per_sliding_second <= 41, "{:?}", report.sts);
    assert!(report.sts.mean_per_second > 38.0, "{:?}", report.sts);
    assert!(report.checks.missed > 0, "the fleet cannot keep up at 40/s");
    // Reservations are served in order, so under saturation no check waits for a token
    // until its lease expires: no connection is checked twice at once, no lease is lost.
    assert_eq!(report.checks.leases_lost, 0, "{report}");
    assert_eq!(report.checks.doubles, 0, "{report}");
}

/// The same fleet on Postgres, on time scaled from the wall clock (paused time would jump
/// while a query is in flight): 500 connections, 2 intervals of 20 s at 8× (about 5 s of
/// wall time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_fleet_checks_each_connection_once_per_interval_and_detects_revocations() {
    let Ok(admin_url) = std::env::var("CONNECTOR_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED: no Postgres server (CONNECTOR_TEST_POSTGRES_URL is unset; scripts/test starts one)"
        );
        return;
    };
    let name = "fleet_sim_test";
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let keys = LocalKeyProvider::new("sim", DataKey::new([7; 32])).unwrap();
    let store = Arc::new(
        PostgresConnectionStore::connect(&format!("{base}/{name}"), Arc::new(keys))
            .await
            .unwrap(),
    );
    let config = SimConfig {
        connections: 500,
        interval: Duration::from_secs(20),
        intervals: 2,
        revocations: 20,
        kill_at: Some(Duration::from_millis(30_050)),
        check_now_at: Some(Duration::from_secs(25)),
        lease: Duration::from_secs(5),
        time: TimeMode::Scaled(8.0),
        ..small()
    };
    let report = simulate(&config, store.clone()).await.unwrap();
    store.close().await;
    println!("{report}");
    assert_eq!(report.store_errors, 0);
    assert_targets(&report, report.checks.lag_ms.p99);
}
