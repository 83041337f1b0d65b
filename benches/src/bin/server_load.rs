//! The server's load test (issue 18): `cargo run --release -p benches --bin server_load --
//! [--clients 200] [--duration 30] [--store sqlite|memory] [--credentials SECONDS] [--json]`
//! prints requests per second and latency percentiles, and exits 1 on any error, lost or
//! duplicated connection, or (with `--credentials`) an STS call more than one per connection.

use std::process::ExitCode;
use std::time::Duration;

use benches::server_load::{LoadConfig, LoadStore, run};
use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Store {
    /// The in-memory store and directory.
    Memory,
    /// SQLite (store and directory in one temporary file).
    Sqlite,
}

/// Concurrent API clients onboarding connections against connector-server on loopback.
#[derive(Debug, Parser)]
#[command(name = "server_load")]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Seconds during which clients start onboardings.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// The store.
    #[arg(long, value_enum, default_value_t = Store::Sqlite)]
    store: Store,
    /// After onboarding, this many seconds of credentials requests for a working set of the
    /// onboarded connections.
    #[arg(long, value_name = "SECONDS")]
    credentials: Option<u64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("server_load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = LoadConfig {
        clients: args.clients.max(1),
        duration: Duration::from_secs(args.duration),
        store: match args.store {
            Store::Memory => LoadStore::Memory,
            Store::Sqlite => LoadStore::Sqlite,
        },
        credentials: args.credentials.map(Duration::from_secs),
    };
    let report = match runtime.block_on(run(&config)) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("server_load: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        println!(
            "{} clients, {:.1} s: {} requests, {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} onboarded; errors {}, lost {}, duplicated {}, not active {}",
            report.clients,
            report.elapsed_s,
            report.requests,
            report.requests_per_s,
            report.p50_ms,
            report.p99_ms,
            report.max_ms,
            report.onboarded,
            report.errors,
            report.lost,
            report.duplicated,
            report.not_active
        );
        if let Some(error) = &report.first_error {
            println!("first error: {error}");
        }
        if let Some(c) = &report.credentials {
            println!(
                "credentials: {:.1} s: {} requests, {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} connections, {} STS calls; errors {}",
                c.elapsed_s,
                c.requests,
                c.requests_per_s,
                c.p50_ms,
                c.p99_ms,
                c.max_ms,
                c.connections,
                c.sts_calls,
                c.errors
            );
            if let Some(error) = &c.first_error {
                println!("first credentials error: {error}");
            }
        }
    }
    if report.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
