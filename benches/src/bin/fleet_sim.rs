//! The fleet-health simulation (issue 15): `cargo run --release -p benches --bin fleet_sim --
//! [flags]` prints the figures (or `--json`), and exits 1 when a target was missed. See
//! benches/README.md for the figures and what is simulated time and what wall time.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use benches::fleet_sim::{SimConfig, SimReport, TimeMode, simulate};
use clap::{Parser, ValueEnum};
use connector_core::InMemoryConnectionStore;
use connector_store::{DataKey, LocalKeyProvider, SqliteConnectionStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Store {
    /// `InMemoryConnectionStore`, on paused tokio time (unless --scale is given).
    Memory,
    /// `SqliteConnectionStore` in a temporary file, on time scaled from the wall clock.
    Sqlite,
}

/// Simulates a fleet of health-checked connections and prints what it measured.
#[derive(Debug, Parser)]
#[command(name = "fleet_sim")]
struct Args {
    /// Connections.
    #[arg(long, default_value_t = 100_000)]
    connections: usize,
    /// Workers in this process.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// The check interval, seconds.
    #[arg(long, default_value_t = 300)]
    interval: u64,
    /// How many intervals the run lasts.
    #[arg(long, default_value_t = 3)]
    intervals: u32,
    /// The STS rate limit shared by the workers, calls a second.
    #[arg(long, default_value_t = 400.0)]
    rate: f64,
    /// The rate limiter's burst (default: a tenth of the rate).
    #[arg(long)]
    burst: Option<f64>,
    /// The fastest AssumeRole, milliseconds.
    #[arg(long, default_value_t = 20)]
    latency_min: u64,
    /// The slowest AssumeRole, milliseconds.
    #[arg(long, default_value_t = 80)]
    latency_max: u64,
    /// Roles revoked at random moments.
    #[arg(long, default_value_t = 1_000)]
    revocations: usize,
    /// When to kill one worker, seconds from the start (default: 1.5 intervals and 50 ms,
    /// while it has checks in flight: the workers claim on whole seconds; 0: never).
    #[arg(long)]
    kill_at: Option<f64>,
    /// When to revoke one more role and check it now, seconds (default 1.25 intervals; 0:
    /// never).
    #[arg(long)]
    check_now_at: Option<f64>,
    /// Checks in flight per worker.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// The lease, seconds.
    #[arg(long, default_value_t = 60)]
    lease: u64,
    /// The seed of every random choice.
    #[arg(long, default_value_t = 15)]
    seed: u64,
    /// The store.
    #[arg(long, value_enum, default_value_t = Store::Memory)]
    store: Store,
    /// Simulated seconds per wall second (required with --store sqlite; with the in-memory
    /// store it replaces paused time).
    #[arg(long)]
    scale: Option<f64>,
    /// Measure resident memory.
    #[arg(long)]
    memory: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn config(args: &Args) -> SimConfig {
    let interval = Duration::from_secs(args.interval);
    let at = |given: Option<f64>, default: Duration| match given {
        Some(seconds) if seconds > 0.0 && seconds.is_finite() => {
            Some(Duration::from_secs_f64(seconds))
        }
        Some(_) => None,
        None => Some(default),
    };
    SimConfig {
        connections: args.connections,
        workers: args.workers,
        interval,
        rate: args.rate,
        burst: args.burst,
        latency: (
            Duration::from_millis(args.latency_min),
            Duration::from_millis(args.latency_max),
        ),
        revocations: args.revocations,
        kill_at: if args.workers < 2 {
            None
        } else {
            at(
                args.kill_at,
                interval.mul_f64(1.5) + Duration::from_millis(50),
            )
        },
        check_now_at: at(args.check_now_at, interval.mul_f64(1.25)),
        intervals: args.intervals,
        concurrency: args.concurrency,
        lease: Duration::from_secs(args.lease),
        poll: Duration::from_secs(1),
        tolerance: Duration::from_secs(10),
        seed: args.seed,
        time: args.scale.map_or(TimeMode::Paused, TimeMode::Scaled),
        measure_memory: args.memory,
    }
}

async fn run_sqlite(config: &SimConfig) -> Result<SimReport, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let keys = LocalKeyProvider::new("sim", DataKey::new([7; 32]))?;
    let store =
        Arc::new(SqliteConnectionStore::open(dir.path().join("fleet.db"), Arc::new(keys)).await?);
    let report = simulate(config, store.clone()).await?;
    store.close().await;
    Ok(report)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = config(&args);
    let report = match (args.store, config.time) {
        (Store::Memory, TimeMode::Paused) => tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .map_err(Into::into)
            .and_then(|rt| {
                rt.block_on(simulate(&config, Arc::new(InMemoryConnectionStore::new())))
                    .map_err(Into::into)
            }),
        (Store::Memory, TimeMode::Scaled(_)) => multi_thread().and_then(|rt| {
            rt.block_on(simulate(&config, Arc::new(InMemoryConnectionStore::new())))
                .map_err(Into::into)
        }),
        (Store::Sqlite, TimeMode::Paused) => {
            eprintln!(
                "--store sqlite needs --scale K: paused time jumps while a query is in flight"
            );
            return ExitCode::from(2);
        }
        (Store::Sqlite, TimeMode::Scaled(_)) => {
            multi_thread().and_then(|rt| rt.block_on(run_sqlite(&config)))
        }
    };
    let report: SimReport = match report {
        Ok(report) => report,
        Err(error) => {
            eprintln!("fleet_sim: {error}");
            return ExitCode::from(2);
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("fleet_sim: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{report}");
    }
    if report.failures().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn multi_thread() -> Result<tokio::runtime::Runtime, Box<dyn std::error::Error>> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
