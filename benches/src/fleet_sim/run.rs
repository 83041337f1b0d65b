//! `simulate`: sets the fleet up, runs the workers on the simulation's time while the
//! scripted events happen (revocations, a kill, a check now), and gathers the report.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use connector_aws::Fleet;
use connector_core::testing::InMemorySts;
use connector_core::{
    CheckQueue, Clock, ConnectionId, ConnectionStore, Connector, FleetSchedule, FleetWorker,
    RateLimit, RateLimiter, StsProvider, Timer,
};
use iam_policy::RoleArn;
use trust_policy::VendorPrincipal;

use super::SimError;
use super::config::SimConfig;
use super::memory::{peak_resident_bytes, resident_bytes};
use super::observe::{FleetObserver, connection_id};
use super::report::{CheckNowFigures, KillFigures, MemoryFigures, SimReport, StsFigures};
use super::rng::SimRng;
use super::seed::{create_connections, create_roles, external_ids, schedule_on_phase};
use super::sts::{CallLog, LatencySts};
use super::table_sts::TableSts;
use super::time::{SimClock, timer};

/// The simulation's start: 2027-01-15T08:00:00Z.
pub const ORIGIN_UNIX_SECONDS: u64 = 1_800_000_000;

/// The vendor's account.
const VENDOR_ACCOUNT: &str = "999988887777";

#[derive(Debug, Clone, Copy)]
enum Event {
    Revoke(usize),
    Kill,
    CheckNow(usize),
    /// The end of an interval (a memory sample).
    IntervalEnd,
}

/// The customers' side: their roles in the in-memory STS, or (memory runs) the table STS.
#[derive(Debug)]
enum Customers {
    Roles {
        sts: InMemorySts,
        roles: Vec<RoleArn>,
    },
    Table(Arc<TableSts>),
}

impl Customers {
    fn provider(&self) -> Arc<dyn StsProvider> {
        match self {
            Customers::Roles { sts, .. } => Arc::new(sts.clone()),
            Customers::Table(table) => table.clone(),
        }
    }

    /// The customer of connection `index` deletes its role.
    fn revoke(&self, index: usize) -> Result<(), SimError> {
        match self {
            Customers::Roles { sts, roles } => {
                let role = roles
                    .get(index)
                    .ok_or_else(|| SimError::setup("revocation", "no such connection"))?;
                sts.delete_role(role)
                    .map_err(|e| SimError::setup("revocation", e))
            }
            Customers::Table(table) => {
                table.delete_role(index);
                Ok(())
            }
        }
    }
}

/// Runs `config` against `store` (empty; the simulation writes its connections). With
/// [`TimeMode::Paused`](super::TimeMode::Paused), call it inside a tokio runtime whose time is paused
/// (`start_paused`), with a store whose futures are ready at once (the in-memory store);
/// with [`TimeMode::Scaled`](super::TimeMode::Scaled), on any runtime with timers, any store.
pub async fn simulate<Q>(config: &SimConfig, store: Arc<Q>) -> Result<SimReport, SimError>
where
    Q: CheckQueue + 'static,
{
    config.validate()?;
    let rss_start = resident_bytes().unwrap_or(0);
    let setup_wall = Instant::now();
    let origin = SystemTime::UNIX_EPOCH + Duration::from_secs(ORIGIN_UNIX_SECONDS);
    let schedule = FleetSchedule::default()
        .with_interval(config.interval)
        .map_err(|e| SimError::setup("schedule", e))?;

    create_connections(store.as_ref(), config.connections, origin, config.seed).await?;
    let scheduled = schedule_on_phase(store.as_ref(), &schedule, origin).await?;
    let rss_after_store = resident_bytes().unwrap_or(0);

    let clock = Arc::new(SimClock::new(origin));
    let timer = timer(config.time);
    let vendor = VendorPrincipal::account(
        VENDOR_ACCOUNT
            .parse()
            .map_err(|e| SimError::setup("vendor account", e))?,
    );
    let caller = format!("arn:aws:sts::{VENDOR_ACCOUNT}:assumed-role/vendor-connector/worker")
        .parse()
        .map_err(|e| SimError::setup("caller ARN", e))?;
    let customers = if config.measure_memory {
        Customers::Table(Arc::new(TableSts::new(
            external_ids(config.connections, config.seed)?,
            clock.clone(),
        )))
    } else {
        let sts = InMemorySts::with_seed(clock.clone(), caller, config.seed);
        let roles = create_roles(&sts, &vendor, config.connections, config.seed)?;
        Customers::Roles { sts, roles }
    };
    let rss_after_roles = resident_bytes().unwrap_or(0);

    let span = config.duration() + Duration::from_secs(120);
    let log = Arc::new(CallLog::new(origin, span));
    let provider = LatencySts::new(
        customers.provider(),
        clock.clone(),
        timer.clone(),
        config.latency,
        config.seed ^ 0x5157,
        log.clone(),
    );
    let as_store: Arc<dyn ConnectionStore> = store.clone();
    let queue: Arc<dyn CheckQueue> = store.clone();
    let connector = Connector::builder(vendor.clone(), as_store, Arc::new(provider))
        .with_clock(clock.clone())
        .build();
    let observer = Arc::new(FleetObserver::new(
        config.connections,
        origin,
        config.interval,
        config.tolerance,
        config.revocations + 1,
    ));
    let mut limit = RateLimit::new(config.rate).map_err(|e| SimError::setup("rate", e))?;
    if let Some(burst) = config.burst {
        limit = limit.with_burst(burst);
    }
    let limiter = Arc::new(RateLimiter::new(limit));
    let mut workers = Vec::with_capacity(config.workers);
    for index in 0..config.workers {
        let worker = FleetWorker::builder(connector.clone(), queue.clone(), timer.clone())
            .with_worker_id(
                format!("sim-worker-{index}")
                    .parse()
                    .map_err(|e| SimError::setup("worker id", e))?,
            )
            .with_schedule(schedule.clone())
            .with_shared_limiter(limiter.clone())
            .with_concurrency(config.concurrency)
            .with_lease(config.lease)
            .with_poll(config.poll)
            .with_observer(observer.clone())
            .build()
            .map_err(|e| SimError::setup("worker", e))?;
        workers.push(worker);
    }
    let events = plan(config);
    let setup_wall_seconds = setup_wall.elapsed().as_secs_f64();

    let rss_run_start = resident_bytes().unwrap_or(0);
    clock.start(config.time);
    let wall = Instant::now();
    let mut fleet = Fleet::spawn(workers.iter().cloned());
    let mut kill = None;
    let mut rss_per_interval = Vec::with_capacity(config.intervals as usize + 1);
    let mut check_now = None;
    for (at, event) in events {
        wait_until(clock.as_ref(), timer.as_ref(), origin + at).await;
        let now = clock.now();
        match event {
            Event::Revoke(index) => {
                customers.revoke(index)?;
                observer.revoked(index, now);
            }
            Event::IntervalEnd => {
                rss_per_interval.push(resident_bytes().unwrap_or(0));
            }
            Event::Kill => {
                // The busiest worker, while it holds leases (a dead worker's leases are what
                // the others must take over): if none has a check in flight at the planned
                // moment, the kill waits for one, 10 ms at a time, up to a second.
                for _ in 0..100 {
                    if workers.iter().any(|w| w.status().in_flight > 0) {
                        break;
                    }
                    timer.sleep(Duration::from_millis(10)).await;
                }
                let now = clock.now();
                let (victim, in_flight) = workers
                    .iter()
                    .map(|w| w.status().in_flight)
                    .enumerate()
                    .max_by_key(|(_, in_flight)| *in_flight)
                    .unwrap_or((0, 0));
                fleet.kill(victim);
                observer.killed(now);
                kill = Some(KillFigures {
                    at_ms: millis_since(origin, now),
                    worker: format!("sim-worker-{victim}"),
                    in_flight,
                    lease_ms: u64::try_from(config.lease.as_millis()).unwrap_or(u64::MAX),
                    ..KillFigures::default()
                });
            }
            Event::CheckNow(index) => {
                check_now = Some(
                    revoke_and_check_now(&customers, &workers, &observer, clock.as_ref(), index)
                        .await?,
                );
            }
        }
    }
    wait_until(clock.as_ref(), timer.as_ref(), origin + config.duration()).await;
    let end = clock.now();
    let rss_run_end = resident_bytes().unwrap_or(0);
    rss_per_interval.push(rss_run_end);
    let store_errors = fleet.status().iter().map(|s| s.store_errors).sum();
    fleet.shutdown().await;
    let wall_seconds = wall.elapsed().as_secs_f64();

    let checks = observer.findings(end);
    if let Some(kill) = &mut kill {
        kill.takeovers = checks.takeovers;
        kill.takeover_after_kill_ms_max = checks.takeover_after_kill_ms_max;
    }
    let simulated_seconds = end.duration_since(origin).unwrap_or_default().as_secs_f64();
    let calls = log.total();
    let sts_figures = StsFigures {
        calls,
        limit: config.rate,
        max_per_second: log.max_fixed_second(),
        busiest_second: log.busiest_second().0,
        max_per_sliding_second: log.max_sliding_second(),
        mean_per_second: calls as f64 / simulated_seconds.max(1e-9),
    };
    let memory = config.measure_memory.then(|| {
        let connections = config.connections as f64;
        let run_growth = rss_run_end as i64 - rss_run_start as i64;
        MemoryFigures {
            rss_start,
            rss_after_store,
            rss_after_customers: rss_after_roles,
            rss_run_start,
            rss_per_interval,
            rss_run_end,
            rss_peak: peak_resident_bytes().unwrap_or(0),
            store_bytes_per_connection: (rss_after_store as f64 - rss_start as f64) / connections,
            customers_bytes_per_connection: (rss_after_roles as f64 - rss_after_store as f64)
                / connections,
            run_growth,
            run_growth_per_connection: run_growth as f64 / connections,
            run_growth_per_worker: run_growth as f64 / config.workers as f64,
        }
    });
    Ok(SimReport {
        config: config.clone(),
        scheduled,
        simulated_seconds,
        wall_seconds,
        setup_wall_seconds,
        checks,
        sts: sts_figures,
        kill,
        check_now,
        memory,
        store_errors,
    })
}

/// The scripted events, in time order: revocations at random moments of the first
/// `intervals − 1` intervals (less the tolerance), the kill and the check now.
fn plan(config: &SimConfig) -> Vec<(Duration, Event)> {
    let mut rng = SimRng::new(config.seed ^ 0x7e70_0ca7);
    // A partial Fisher–Yates shuffle: distinct connections.
    let mut order: Vec<usize> = (0..config.connections).collect();
    let picks = config.revocations + usize::from(config.check_now_at.is_some());
    for i in 0..picks.min(order.len()) {
        let j = i + rng.below((order.len() - i) as u64) as usize;
        order.swap(i, j);
    }
    let window = config
        .interval
        .saturating_mul(config.intervals.saturating_sub(1))
        .saturating_sub(config.tolerance);
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(0);
    let mut events: Vec<(Duration, Event)> = order
        .iter()
        .take(config.revocations)
        .map(|index| {
            (
                Duration::from_millis(rng.below(window_ms)),
                Event::Revoke(*index),
            )
        })
        .collect();
    if let Some(at) = config.kill_at {
        events.push((at, Event::Kill));
    }
    for k in 1..config.intervals {
        events.push((config.interval.saturating_mul(k), Event::IntervalEnd));
    }
    if let (Some(at), Some(index)) = (config.check_now_at, order.get(config.revocations)) {
        events.push((at, Event::CheckNow(*index)));
    }
    events.sort_by_key(|(at, _)| *at);
    events
}

async fn wait_until(clock: &dyn Clock, timer: &dyn Timer, at: SystemTime) {
    loop {
        match at.duration_since(clock.now()) {
            Ok(left) if !left.is_zero() => timer.sleep(left).await,
            _ => return,
        }
    }
}

fn millis_since(origin: SystemTime, at: SystemTime) -> i64 {
    i64::try_from(at.duration_since(origin).unwrap_or_default().as_millis()).unwrap_or(i64::MAX)
}

/// Deletes connection `index`'s role, then checks it at once through a live worker.
async fn revoke_and_check_now(
    customers: &Customers,
    workers: &[FleetWorker],
    observer: &FleetObserver,
    clock: &dyn Clock,
    index: usize,
) -> Result<CheckNowFigures, SimError> {
    // A worker still running (its own loop plays no part in check_now).
    let worker = workers
        .iter()
        .find(|w| w.status().in_flight > 0)
        .or_else(|| workers.first())
        .ok_or_else(|| SimError::setup("check now", "no worker"))?;
    let id: ConnectionId = connection_id(index)
        .parse()
        .map_err(|e| SimError::setup("check now", e))?;
    customers.revoke(index)?;
    observer.revoked(index, clock.now());
    observer.checked_now(index);
    let (simulated, wall) = (clock.now(), Instant::now());
    let check = worker.check_now(&id).await;
    let wall_ms = wall.elapsed().as_secs_f64() * 1e3;
    let simulated_ms = clock
        .now()
        .duration_since(simulated)
        .unwrap_or_default()
        .as_secs_f64()
        * 1e3;
    let state = match check {
        Ok(check) => format!("{:?}", check.connection().state()),
        Err(error) => format!("error: {error}"),
    };
    Ok(CheckNowFigures {
        connection: id.to_string(),
        state,
        simulated_ms,
        wall_ms,
    })
}
